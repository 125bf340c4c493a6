// Class-weighted cross-entropies (the `class_weight` train setting), Keras's way: each row's
// loss is multiplied by the weight of its class, and the weighted sum is divided by the
// number of rows (Keras 3's sum_over_batch_size), not by the sum of the weights. A row's
// class is its integer label (sparse), the arg-max of its target row (categorical, before
// label smoothing), or, for binary targets, 1 where the target is above 0.5, else 0 (per
// entry). Targets of any rank: every row (sample × position) is weighted by its own class.
// The gradients are the unweighted kernels' (losses.ts) with each row scaled by its weight.
import type { Arr } from "./dense.js";
import { EPSILON, binaryCrossentropyGrad, categoricalCrossentropyGrad, sparseCategoricalCrossentropyGrad } from "./losses.js";

const clip = (p: number): number => (p < EPSILON ? EPSILON : p > 1 - EPSILON ? 1 - EPSILON : p);

function logSumExp(z: Arr, o: number, cols: number): number {
  let max = -Infinity;
  for (let j = 0; j < cols; j++) max = Math.max(max, z[o + j]);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(z[o + j] - max);
  return max + Math.log(s);
}

/** The class of a categorical target row: its arg-max (the first, on ties). */
function argmaxRow(t: Arr, o: number, cols: number): number {
  let best = 0;
  for (let j = 1; j < cols; j++) if (t[o + j] > t[o + best]) best = j;
  return best;
}

/** Σ_rows w[label]·(−log p[label]) / rows. */
export function weightedSparseCrossentropy(
  p: Arr,
  labels: Int32Array | Arr,
  rows: number,
  cols: number,
  fromLogits: boolean,
  w: Arr,
  mask?: Arr,
): number {
  let s = 0;
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    // A padding mask leaves rows out: the weighted mean over the rows it keeps (0 if none).
    if (mask && mask[r] === 0) continue;
    kept++;
    const o = r * cols;
    const l = labels[r];
    let loss: number;
    if (fromLogits) loss = logSumExp(p, o, cols) - p[o + l];
    else {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += p[o + j];
      loss = -Math.log(clip(p[o + l] / sum));
    }
    s += w[l] * loss;
  }
  return mask ? (kept === 0 ? 0 : s / kept) : s / rows;
}
export function weightedSparseCrossentropyGrad(
  dp: Arr,
  p: Arr,
  labels: Int32Array | Arr,
  rows: number,
  cols: number,
  fromLogits: boolean,
  dl: number,
  w: Arr,
  mask?: Arr,
): void {
  sparseCategoricalCrossentropyGrad(dp, p, labels, rows, cols, fromLogits, dl, -1, mask);
  for (let r = 0; r < rows; r++) {
    const k = w[labels[r]];
    for (let j = r * cols; j < (r + 1) * cols; j++) dp[j] *= k;
  }
}

/** Σ_rows w[argmax t]·(−Σ t'·log p) / rows, t' the smoothed target t·(1 − ls) + ls/cols. */
export function weightedCategoricalCrossentropy(p: Arr, t: Arr, rows: number, cols: number, fromLogits: boolean, w: Arr, ls = 0): number {
  let s = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const y = (j: number) => (ls === 0 ? t[o + j] : t[o + j] * (1 - ls) + ls / cols);
    let loss = 0;
    if (fromLogits) {
      const lse = logSumExp(p, o, cols);
      for (let j = 0; j < cols; j++) loss -= y(j) * (p[o + j] - lse);
    } else {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += p[o + j];
      for (let j = 0; j < cols; j++) loss -= y(j) * Math.log(clip(p[o + j] / sum));
    }
    s += w[argmaxRow(t, o, cols)] * loss;
  }
  return s / rows;
}
export function weightedCategoricalCrossentropyGrad(
  dp: Arr,
  p: Arr,
  t: Arr,
  rows: number,
  cols: number,
  fromLogits: boolean,
  dl: number,
  w: Arr,
  ls = 0,
): void {
  categoricalCrossentropyGrad(dp, p, t, rows, cols, fromLogits, dl, ls);
  for (let r = 0; r < rows; r++) {
    const k = w[argmaxRow(t, r * cols, cols)];
    for (let j = r * cols; j < (r + 1) * cols; j++) dp[j] *= k;
  }
}

/** Σ_entries w[t > 0.5]·bce / count (a scalar target is the class of every entry). */
export function weightedBinaryCrossentropy(p: Arr, t: Arr, count: number, tScalar: boolean, fromLogits: boolean, w: Arr, ls = 0): number {
  let s = 0;
  for (let i = 0; i < count; i++) {
    const raw = t[tScalar ? 0 : i];
    const y = raw * (1 - ls) + 0.5 * ls;
    const v = p[i];
    let loss: number;
    if (fromLogits) loss = Math.max(v, 0) - v * y + Math.log1p(Math.exp(-Math.abs(v)));
    else {
      const q = clip(v);
      loss = -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    }
    s += w[raw > 0.5 ? 1 : 0] * loss;
  }
  return s / count;
}
export function weightedBinaryCrossentropyGrad(
  dp: Arr,
  p: Arr,
  t: Arr,
  count: number,
  tScalar: boolean,
  fromLogits: boolean,
  dl: number,
  w: Arr,
  ls = 0,
): void {
  binaryCrossentropyGrad(dp, p, t, count, tScalar, fromLogits, dl, ls);
  for (let i = 0; i < count; i++) dp[i] *= w[t[tScalar ? 0 : i] > 0.5 ? 1 : 0];
}
