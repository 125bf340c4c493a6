// Reference kernels of batch and layer normalization (the TypeScript backend; the
// WebAssembly kernels of compiler/ops/normalization.wasm.ts are tested against them).
//
// A batch norm sees x as [outer, C, inner]: channel c is the normalized axis, its
// statistics run over the outer·inner values of that channel (outer counts the valid
// batch rows n, so rows past n never enter a statistic). A layer norm sees x as
// [outer, L, inner]: one statistic per (outer, inner) position, over the L values of the
// normalized axis. Variances are biased (divided by the count), as Keras's; statistics are
// summed in float64 (two passes: the mean, then the squared deviations). No kernel allocates.
import type { Arr } from "./dense.js";

const at = (v: Arr | null, i: number, absent: number): number => (v === null ? absent : v[i]);

/** Per channel: mean and biased variance of x [outer, C, inner] (two passes in float64). */
function channelStats(mean: Arr, variance: Arr, x: Arr, outer: number, C: number, inner: number): void {
  const count = outer * inner;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let o = 0; o < outer; o++) for (let i = 0, p = (o * C + c) * inner; i < inner; i++) s += x[p + i];
    const m = s / count;
    let q = 0;
    for (let o = 0; o < outer; o++)
      for (let i = 0, p = (o * C + c) * inner; i < inner; i++) {
        const d = x[p + i] - m;
        q += d * d;
      }
    mean[c] = m;
    variance[c] = q / count;
  }
}

/** y = a·x + b over channel c of x [outer, C, inner], a = γ/√(var + ε), b = β − mean·a (γ = 1, β = 0 when absent). */
function normalizeChannel(
  y: Arr,
  x: Arr,
  c: number,
  m: number,
  v: number,
  gamma: Arr | null,
  beta: Arr | null,
  outer: number,
  C: number,
  inner: number,
  eps: number,
): void {
  const a = at(gamma, c, 1) / Math.sqrt(v + eps);
  const b = at(beta, c, 0) - m * a;
  for (let o = 0; o < outer; o++) for (let i = 0, p = (o * C + c) * inner; i < inner; i++) y[p + i] = a * x[p + i] + b;
}

/** Batch norm in training: the batch's mean and biased variance per channel (outputs), and y normalized with them. */
export function batchnormTrain(
  y: Arr,
  mean: Arr,
  variance: Arr,
  x: Arr,
  gamma: Arr | null,
  beta: Arr | null,
  outer: number,
  C: number,
  inner: number,
  eps: number,
): void {
  channelStats(mean, variance, x, outer, C, inner);
  for (let c = 0; c < C; c++) normalizeChannel(y, x, c, mean[c], variance[c], gamma, beta, outer, C, inner, eps);
}

/** Batch norm in evaluation and inference: normalized with the moving statistics. */
export function batchnormInfer(
  y: Arr,
  x: Arr,
  movingMean: Arr,
  movingVariance: Arr,
  gamma: Arr | null,
  beta: Arr | null,
  outer: number,
  C: number,
  inner: number,
  eps: number,
): void {
  for (let c = 0; c < C; c++) normalizeChannel(y, x, c, movingMean[c], movingVariance[c], gamma, beta, outer, C, inner, eps);
}

/**
 * The first pass of a batch norm's gradient: per channel s[c] = Σ dy (β's gradient) and
 * s[C + c] = Σ dy·x̂ (γ's gradient), x̂ = (x − mean)/√(var + ε).
 */
export function batchnormGradSums(
  s: Arr,
  dy: Arr,
  x: Arr,
  mean: Arr,
  variance: Arr,
  outer: number,
  C: number,
  inner: number,
  eps: number,
): void {
  for (let c = 0; c < C; c++) {
    let sd = 0;
    let sdx = 0;
    const m = mean[c];
    for (let o = 0; o < outer; o++)
      for (let i = 0, p = (o * C + c) * inner; i < inner; i++) {
        sd += dy[p + i];
        sdx += dy[p + i] * (x[p + i] - m);
      }
    s[c] = sd;
    s[C + c] = sdx / Math.sqrt(variance[c] + eps);
  }
}

/**
 * The second pass: dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) per channel, σ = √(var + ε),
 * with the means over the channel's outer·inner values from the sums of the first pass.
 */
export function batchnormGradX(
  dx: Arr,
  dy: Arr,
  x: Arr,
  mean: Arr,
  variance: Arr,
  gamma: Arr | null,
  s: Arr,
  outer: number,
  C: number,
  inner: number,
  eps: number,
): void {
  const count = outer * inner;
  for (let c = 0; c < C; c++) {
    const r = 1 / Math.sqrt(variance[c] + eps);
    const g = at(gamma, c, 1) * r;
    const mdy = s[c] / count;
    const mdx = s[C + c] / count;
    const m = mean[c];
    for (let o = 0; o < outer; o++)
      for (let i = 0, p = (o * C + c) * inner; i < inner; i++) dx[p + i] = g * (dy[p + i] - mdy - (x[p + i] - m) * r * mdx);
  }
}

/** out = src[offset .. offset + size): one row of a [2, C] table of sums. */
export function copyRange(out: Arr, src: Arr, offset: number, size: number): void {
  for (let i = 0; i < size; i++) out[i] = src[offset + i];
}

/** A moving statistic: out = moving·momentum + batch·(1 − momentum). */
export function movingAverage(out: Arr, moving: Arr, batch: Arr, size: number, momentum: number): void {
  for (let i = 0; i < size; i++) out[i] = moving[i] * momentum + batch[i] * (1 - momentum);
}

/**
 * A batch norm folded into the dense or conv2d layer before it (evaluation and inference):
 * kernel [rows, C] and bias [C] become k2 = kernel·a[c], b2 = (bias − mean)·a[c] + β with
 * a = γ/√(moving_variance + ε), so that one product computes the layer and the batch norm.
 */
export function batchnormFold(
  k2: Arr,
  b2: Arr,
  kernel: Arr,
  bias: Arr | null,
  movingMean: Arr,
  movingVariance: Arr,
  gamma: Arr | null,
  beta: Arr | null,
  rows: number,
  C: number,
  eps: number,
): void {
  for (let c = 0; c < C; c++) {
    const a = at(gamma, c, 1) / Math.sqrt(movingVariance[c] + eps);
    b2[c] = (at(bias, c, 0) - movingMean[c]) * a + at(beta, c, 0);
    for (let r = 0; r < rows; r++) k2[r * C + c] = kernel[r * C + c] * a;
  }
}

/** Per (outer, inner) position: mean and biased variance over the L values of x [outer, L, inner]. */
export function layernormForward(
  y: Arr,
  mean: Arr,
  variance: Arr,
  x: Arr,
  gamma: Arr | null,
  beta: Arr | null,
  outer: number,
  L: number,
  inner: number,
  eps: number,
): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const p = o * L * inner + i;
      let s = 0;
      for (let l = 0; l < L; l++) s += x[p + l * inner];
      const m = s / L;
      let q = 0;
      for (let l = 0; l < L; l++) {
        const d = x[p + l * inner] - m;
        q += d * d;
      }
      const v = q / L;
      mean[o * inner + i] = m;
      variance[o * inner + i] = v;
      const r = 1 / Math.sqrt(v + eps);
      for (let l = 0; l < L; l++) y[p + l * inner] = (x[p + l * inner] - m) * r * at(gamma, l, 1) + at(beta, l, 0);
    }
}

/** Layer norm's dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = γ·dy, the means over the L values of each position. */
export function layernormGradX(
  dx: Arr,
  dy: Arr,
  x: Arr,
  mean: Arr,
  variance: Arr,
  gamma: Arr | null,
  outer: number,
  L: number,
  inner: number,
  eps: number,
): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const p = o * L * inner + i;
      const m = mean[o * inner + i];
      const r = 1 / Math.sqrt(variance[o * inner + i] + eps);
      let sg = 0;
      let sgx = 0;
      for (let l = 0; l < L; l++) {
        const g = dy[p + l * inner] * at(gamma, l, 1);
        sg += g;
        sgx += g * (x[p + l * inner] - m) * r;
      }
      const mg = sg / L;
      const mgx = sgx / L;
      for (let l = 0; l < L; l++) {
        const q = p + l * inner;
        dx[q] = r * (dy[q] * at(gamma, l, 1) - mg - (x[q] - m) * r * mgx);
      }
    }
}

/** Layer norm's parameter gradients: s[l] = Σ dy (β's), s[L + l] = Σ dy·x̂ (γ's), over every (outer, inner) position. */
export function layernormGradSums(
  s: Arr,
  dy: Arr,
  x: Arr,
  mean: Arr,
  variance: Arr,
  outer: number,
  L: number,
  inner: number,
  eps: number,
): void {
  s.fill(0, 0, 2 * L);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const m = mean[o * inner + i];
      const r = 1 / Math.sqrt(variance[o * inner + i] + eps);
      for (let l = 0; l < L; l++) {
        const q = o * L * inner + l * inner + i;
        s[l] += dy[q];
        s[L + l] += dy[q] * (x[q] - m) * r;
      }
    }
}
