// Reference losses (Keras semantics, mean over the batch) and their gradients w.r.t. the
// prediction. `rows` = valid samples × middle dims; `cols` = the last axis. A target of
// `tsize` 1 is a scalar broadcast to every element. Each gradient takes the upstream
// scalar `dl` (∂total/∂loss). Cross-entropy from logits is the stable form; on
// probabilities it clips to [ε, 1 − ε] with Keras's ε = 1e-7 (clipped entries get no
// gradient). Label smoothing `ls` replaces a binary target t by t·(1 − ls) + ls/2 and a
// categorical one by t·(1 − ls) + ls/cols, as Keras does. Returns / writes float64 sums,
// so float32 rounding does not build up.
import type { Arr } from "./dense.js";

export const EPSILON = 1e-7;

const clip = (p: number): number => (p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p);

/** mean((p − t)²) over all elements. */
export function mse(p: Arr, t: Arr, count: number, tScalar: boolean): number {
  let s = 0;
  for (let i = 0; i < count; i++) {
    const d = p[i] - t[tScalar ? 0 : i];
    s += d * d;
  }
  return s / count;
}
export function mseGrad(dp: Arr, p: Arr, t: Arr, count: number, tScalar: boolean, dl: number): void {
  const k = (2 * dl) / count;
  for (let i = 0; i < count; i++) dp[i] = k * (p[i] - t[tScalar ? 0 : i]);
}

/** mean(|p − t|) over all elements. */
export function mae(p: Arr, t: Arr, count: number, tScalar: boolean): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += Math.abs(p[i] - t[tScalar ? 0 : i]);
  return s / count;
}
export function maeGrad(dp: Arr, p: Arr, t: Arr, count: number, tScalar: boolean, dl: number): void {
  const k = dl / count;
  for (let i = 0; i < count; i++) dp[i] = k * Math.sign(p[i] - t[tScalar ? 0 : i]);
}

/** Keras's Huber: mean of 0.5·e² where |e| ≤ δ, else δ·(|e| − 0.5·δ), e = p − t. */
export function huber(p: Arr, t: Arr, count: number, tScalar: boolean, delta: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) {
    const e = p[i] - t[tScalar ? 0 : i];
    const a = Math.abs(e);
    s += a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta);
  }
  return s / count;
}
export function huberGrad(dp: Arr, p: Arr, t: Arr, count: number, tScalar: boolean, delta: number, dl: number): void {
  const k = dl / count;
  for (let i = 0; i < count; i++) {
    const e = p[i] - t[tScalar ? 0 : i];
    dp[i] = k * (e < -delta ? -delta : e > delta ? delta : e);
  }
}

/**
 * Keras's KL divergence: t and p clipped to [ε, 1], Σ t·log(t/p) over the last axis, mean
 * over the `count / cols` rows; p outside [ε, 1] gets no gradient.
 */
export function klDivergence(p: Arr, t: Arr, count: number, cols: number, tScalar: boolean): number {
  let s = 0;
  for (let i = 0; i < count; i++) {
    const y = clipKl(t[tScalar ? 0 : i]);
    s += y * Math.log(y / clipKl(p[i]));
  }
  return s / (count / cols);
}
export function klDivergenceGrad(dp: Arr, p: Arr, t: Arr, count: number, cols: number, tScalar: boolean, dl: number): void {
  const k = dl / (count / cols);
  for (let i = 0; i < count; i++) {
    const v = p[i];
    dp[i] = v < EPSILON || v > 1 ? 0 : (-k * clipKl(t[tScalar ? 0 : i])) / v;
  }
}
const clipKl = (x: number): number => (x < EPSILON ? EPSILON : x > 1 ? 1 : x);

/** mean of −(t·log p + (1 − t)·log(1 − p)); from logits z: max(z, 0) − z·t + log(1 + e^−|z|). */
export function binaryCrossentropy(p: Arr, t: Arr, count: number, tScalar: boolean, fromLogits: boolean, ls = 0): number {
  let s = 0;
  for (let i = 0; i < count; i++) {
    const y = t[tScalar ? 0 : i] * (1 - ls) + 0.5 * ls;
    const v = p[i];
    if (fromLogits) s += Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
    else {
      const q = clip(v);
      s -= y * Math.log(q) + (1 - y) * Math.log(1 - q);
    }
  }
  return s / count;
}
export function binaryCrossentropyGrad(
  dp: Arr,
  p: Arr,
  t: Arr,
  count: number,
  tScalar: boolean,
  fromLogits: boolean,
  dl: number,
  ls = 0,
): void {
  const k = dl / count;
  for (let i = 0; i < count; i++) {
    const y = t[tScalar ? 0 : i] * (1 - ls) + 0.5 * ls;
    const v = p[i];
    if (fromLogits) {
      const s = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
      dp[i] = k * (s - y);
    } else if (v < EPSILON || v > 1 - EPSILON) dp[i] = 0;
    else dp[i] = k * ((v - y) / (v * (1 - v)));
  }
}

/** log Σ exp over one row, stably. */
function logSumExp(z: Arr, o: number, cols: number): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, z[o + j]);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(z[o + j] - max);
  return max + Math.log(s);
}

/** Categorical targets read with label smoothing: t·(1 − ls) + ls/cols. */
const smoothed =
  (t: Arr, cols: number, ls: number) =>
  (i: number): number =>
    ls === 0 ? t[i] : t[i] * (1 - ls) + ls / cols;

/** Keras on probabilities: p / Σp, clipped, then −Σ t·log p. */
export function categoricalCrossentropy(p: Arr, tIn: Arr, rows: number, cols: number, fromLogits: boolean, ls = 0): number {
  const t = smoothed(tIn, cols, ls);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    if (fromLogits) {
      const lse = logSumExp(p, o, cols);
      for (let j = 0; j < cols; j++) s -= t(o + j) * (p[o + j] - lse);
    } else {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += p[o + j];
      for (let j = 0; j < cols; j++) s -= t(o + j) * Math.log(clip(p[o + j] / sum));
    }
  }
  return s / rows;
}
export function categoricalCrossentropyGrad(
  dp: Arr,
  p: Arr,
  tIn: Arr,
  rows: number,
  cols: number,
  fromLogits: boolean,
  dl: number,
  ls = 0,
): void {
  const t = smoothed(tIn, cols, ls);
  const k = dl / rows;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    if (fromLogits) {
      // softmax(z) · Σt − t  (Σt = 1 for one-hot targets)
      const lse = logSumExp(p, o, cols);
      let tsum = 0;
      for (let j = 0; j < cols; j++) tsum += t(o + j);
      for (let j = 0; j < cols; j++) dp[o + j] = k * (Math.exp(p[o + j] - lse) * tsum - t(o + j));
    } else {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += p[o + j];
      // q = p/sum; L = −Σ t log clip(q); dL/dq_j = −t_j/q_j (0 where clipped); dq/dp = (δ − q)/sum
      let dot = 0;
      for (let j = 0; j < cols; j++) {
        const q = p[o + j] / sum;
        const g = q < EPSILON || q > 1 - EPSILON ? 0 : -t(o + j) / q;
        dp[o + j] = g;
        dot += g * q;
      }
      for (let j = 0; j < cols; j++) dp[o + j] = (k * (dp[o + j] - dot)) / sum;
    }
  }
}

/**
 * Integer labels: −log p[label] (from logits: lse − z[label]), the mean over rows.
 * `ignore` ≥ 0 (Keras's ignore_class, the padding of per-position labels) masks the rows
 * whose label is `ignore`: the loss is the mean over the other rows (0 when none is left;
 * without `ignore`, no rows at all give 0/0, as the WebAssembly kernel does).
 * `mask` (a padding mask, one entry per row) leaves out the rows where it is 0 the same way
 * (0 when it leaves none).
 */
export function sparseCategoricalCrossentropy(
  p: Arr,
  labels: Int32Array | Arr,
  rows: number,
  cols: number,
  fromLogits: boolean,
  ignore = -1,
  mask?: Arr,
): number {
  let s = 0;
  const kept = ignore < 0 && !mask ? rows : keptRows(labels, rows, ignore, mask);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const l = labels[r];
    if (l === ignore || (mask && mask[r] === 0)) continue;
    if (fromLogits) s += logSumExp(p, o, cols) - p[o + l];
    else {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += p[o + j];
      s -= Math.log(clip(p[o + l] / sum));
    }
  }
  return (ignore >= 0 || mask !== undefined) && kept === 0 ? 0 : s / kept;
}

/** Rows whose label is not `ignore` and that the mask (if any) keeps. */
function keptRows(labels: Int32Array | Arr, rows: number, ignore: number, mask?: Arr): number {
  let kept = 0;
  for (let r = 0; r < rows; r++) if (labels[r] !== ignore && (!mask || mask[r] !== 0)) kept++;
  return kept;
}
export function sparseCategoricalCrossentropyGrad(
  dp: Arr,
  p: Arr,
  labels: Int32Array | Arr,
  rows: number,
  cols: number,
  fromLogits: boolean,
  dl: number,
  ignore = -1,
  mask?: Arr,
): void {
  const kept = ignore < 0 && !mask ? rows : keptRows(labels, rows, ignore, mask);
  const k = ignore >= 0 && kept === 0 ? 0 : dl / kept;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const l = labels[r];
    if (l === ignore || (mask && mask[r] === 0)) {
      dp.fill(0, o, o + cols);
      continue;
    }
    if (fromLogits) {
      const lse = logSumExp(p, o, cols);
      for (let j = 0; j < cols; j++) dp[o + j] = k * (Math.exp(p[o + j] - lse) - (j === l ? 1 : 0));
    } else {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += p[o + j];
      const q = p[o + l] / sum;
      const g = q < EPSILON || q > 1 - EPSILON ? 0 : -1 / q;
      // dq_l/dp_j = (δ_jl − q)/sum
      for (let j = 0; j < cols; j++) dp[o + j] = (k * g * ((j === l ? 1 : 0) - q)) / sum;
    }
  }
}
