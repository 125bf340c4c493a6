// Optimizer updates over a contiguous range [off, off + len) of the flat buffers, each
// element computed in doubles and stored once. The rules are docs/language.md §10's: SGD in
// PyTorch's buffer form; Adam bias-corrected with ε added to √v̂ (PyTorch's placement);
// RMSprop, Adagrad, Adamax and Nadam as Keras 3 computes them (ε where Keras adds it). `t`
// is the 1-based step count of this optimizer.
//
// Every update shares a tail of options (Keras's base optimizer): `wd`, decoupled weight
// decay (w ← w − lr·wd·w before the update), and the gradient's clipping, each gradient
// element read as clamp(gs·g, −cv, cv): `gs` the norm-clipping scale (clipNormScale,
// globalClipScale of the sums of squares), `cv` the clip value (Infinity: none).
import type { Arr } from "./dense.js";

/** The gradient element as the update reads it: scaled by gs (norm clipping), clamped to ±cv. */
const clipped = (g: number, gs: number, cv: number): number => Math.min(Math.max(g * gs, -cv), cv);

export function sgd(
  w: Arr,
  g: Arr,
  buf: Arr | null,
  off: number,
  len: number,
  lr: number,
  momentum: number,
  nesterov: boolean,
  wd = 0,
  gs = 1,
  cv = Infinity,
): void {
  const end = off + len;
  const d = lr * wd;
  for (let i = off; i < end; i++) {
    const gi = clipped(g[i], gs, cv);
    const wi = w[i] - w[i] * d;
    if (momentum === 0 || buf === null) {
      w[i] = wi - lr * gi;
      continue;
    }
    const b = momentum * buf[i] + gi;
    buf[i] = b;
    w[i] = wi - lr * (nesterov ? gi + momentum * b : b);
  }
}

export function adam(
  w: Arr,
  g: Arr,
  m: Arr,
  v: Arr,
  off: number,
  len: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  t: number,
  wd = 0,
  gs = 1,
  cv = Infinity,
): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  const end = off + len;
  const d = lr * wd;
  for (let i = off; i < end; i++) {
    const gi = clipped(g[i], gs, cv);
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - w[i] * d - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}

/** Keras's RMSprop: ε inside the square root; the momentum buffer holds lr-scaled increments. */
export function rmsprop(
  w: Arr,
  g: Arr,
  vel: Arr,
  mom: Arr | null,
  avg: Arr | null,
  off: number,
  len: number,
  lr: number,
  rho: number,
  momentum: number,
  eps: number,
  wd = 0,
  gs = 1,
  cv = Infinity,
): void {
  const end = off + len;
  const d = lr * wd;
  for (let i = off; i < end; i++) {
    const gi = clipped(g[i], gs, cv);
    const vi = rho * vel[i] + (1 - rho) * gi * gi;
    vel[i] = vi;
    let den = vi + eps;
    if (avg !== null) {
      const ai = rho * avg[i] + (1 - rho) * gi;
      avg[i] = ai;
      den = vi - ai * ai + eps;
    }
    let step = (lr * gi) / Math.sqrt(den);
    if (mom !== null && momentum > 0) {
      step = momentum * mom[i] + step;
      mom[i] = step;
    }
    w[i] = w[i] - w[i] * d - step;
  }
}

/** Keras's Adagrad: acc ← acc + g², w ← w − lr·g/√(acc + ε) (acc starts at initial_accumulator_value). */
export function adagrad(w: Arr, g: Arr, acc: Arr, off: number, len: number, lr: number, eps: number, wd = 0, gs = 1, cv = Infinity): void {
  const end = off + len;
  const d = lr * wd;
  for (let i = off; i < end; i++) {
    const gi = clipped(g[i], gs, cv);
    const a = acc[i] + gi * gi;
    acc[i] = a;
    w[i] = w[i] - w[i] * d - (lr * gi) / Math.sqrt(a + eps);
  }
}

/** Keras's Adamax: u ← max(β2·u, |g|), w ← w − lr·m/((1 − β1ᵗ)·(u + ε)). */
export function adamax(
  w: Arr,
  g: Arr,
  m: Arr,
  u: Arr,
  off: number,
  len: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  t: number,
  wd = 0,
  gs = 1,
  cv = Infinity,
): void {
  const c1 = 1 - Math.pow(beta1, t);
  const end = off + len;
  const d = lr * wd;
  for (let i = off; i < end; i++) {
    const gi = clipped(g[i], gs, cv);
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const ui = Math.max(beta2 * u[i], Math.abs(gi));
    m[i] = mi;
    u[i] = ui;
    w[i] = w[i] - w[i] * d - (lr * mi) / (c1 * (ui + eps));
  }
}

/**
 * Keras's Nadam: m and v as Adam's, then w ← w − lr·(cm·m + cg·g)/(√(v/(1 − β2ᵗ)) + ε), where
 * cm = μ_{t+1}/(1 − Π_{t+1}) and cg = (1 − μ_t)/(1 − Π_t) come from nadamWeights.
 */
export function nadam(
  w: Arr,
  g: Arr,
  m: Arr,
  v: Arr,
  off: number,
  len: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  t: number,
  cm: number,
  cg: number,
  wd = 0,
  gs = 1,
  cv = Infinity,
): void {
  const c2 = 1 - Math.pow(beta2, t);
  const end = off + len;
  const d = lr * wd;
  for (let i = off; i < end; i++) {
    const gi = clipped(g[i], gs, cv);
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = w[i] - w[i] * d - (lr * (cm * mi + cg * gi)) / (Math.sqrt(vi / c2) + eps);
  }
}

/** Nadam's momentum-schedule factor μ_s = β1·(1 − 0.5·0.96^s). */
const nadamMu = (beta1: number, s: number): number => beta1 * (1 - 0.5 * Math.pow(0.96, s));

/**
 * Nadam's weights for step t, written to state[at + 2] (cm) and state[at + 3] (cg). state[at]
 * and state[at + 1] hold the step and the running product Π_t = μ_1·…·μ_t (Keras's
 * `u_product`) of the last call: consecutive steps multiply once; any other step (a resumed
 * run) recomputes the product from step 1 with the same multiplications, so a resumed run
 * continues bit for bit.
 */
export function nadamWeights(beta1: number, t: number, state: Float64Array, at: number): void {
  let product: number;
  if (state[at] === t - 1 && t > 1) product = state[at + 1] * nadamMu(beta1, t);
  else {
    product = 1;
    for (let s = 1; s <= t; s++) product *= nadamMu(beta1, s);
  }
  state[at] = t;
  state[at + 1] = product;
  const next = nadamMu(beta1, t + 1);
  state[at + 2] = next / (1 - product * next);
  state[at + 3] = (1 - nadamMu(beta1, t)) / (1 - product);
}

/** Σ g² over [off, off + len), in float64. */
export function sumSquares(g: Arr, off: number, len: number): number {
  let s = 0;
  const end = off + len;
  for (let i = off; i < end; i++) s += g[i] * g[i];
  return s;
}

/** `clipnorm` c: the scale c/max(‖g‖, c) of one tensor's gradient, from its Σ g². */
export function clipNormScale(sumSq: number, c: number): number {
  return c / Math.max(Math.sqrt(sumSq), c);
}

/** `global_clipnorm` c: the scale c·min(1/‖G‖, 1/c) of every gradient, from Σ g² over all; NaN when ‖G‖ is not finite. */
export function globalClipScale(sumSq: number, c: number): number {
  const norm = Math.sqrt(sumSq);
  return c * Math.min(1 / norm, 1 / c) + (norm - norm);
}

/** Index of the first non-finite entry among the first `count`, or −1. */
export function firstNonFinite(x: Arr, count: number): number {
  for (let i = 0; i < count; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}
