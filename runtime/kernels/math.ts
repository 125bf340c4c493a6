// Reference kernels of the elementwise math ops (compiler/ops/elementwise.ts): exp, log,
// sqrt, abs, square, pow with a constant exponent, clip, maximum and minimum (numpy
// broadcasting), and their gradients, in TensorFlow's definitions (Keras's reference):
// sqrt' = 0.5·dy/y (from the output), abs' = dy·sign(x) with sign(0) = 0, square' = dy·2x,
// pow' = dy·p·x^(p−1), clip passes dy where min ≤ x ≤ max, and maximum/minimum give dy to
// `a` where a ≥ b (maximum) or a ≤ b (minimum), to `b` elsewhere. Computed in doubles,
// stored in the buffers' precision. `size` is the element count at run time. No kernel allocates.
import type { Arr } from "./dense.js";
import { broadcastWith } from "./elementwise.js";

export function exp(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.exp(x[i]);
}
/** ln x: −∞ at 0, NaN below. */
export function log(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.log(x[i]);
}
export function sqrt(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.sqrt(x[i]);
}
export function abs(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.abs(x[i]);
}
export function square(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] * x[i];
}
/** x^p for a constant p (Math.pow: NaN for x < 0 and a fractional p). */
export function pow(y: Arr, x: Arr, size: number, p: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.pow(x[i], p);
}
/** max(min(x, hi), lo), as TensorFlow's clip_by_value (NaN stays NaN). */
export function clip(y: Arr, x: Arr, size: number, lo: number, hi: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.max(Math.min(x[i], hi), lo);
}

/** dx = 0.5·dy / y (TensorFlow's SqrtGrad, from the output: ±∞ or NaN where y = 0). */
export function sqrtGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = (0.5 * dy[i]) / y[i];
}
/** dx = dy·sign(x), sign(0) = 0. */
export function absGrad(dx: Arr, dy: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = x[i] > 0 ? dy[i] : x[i] < 0 ? -dy[i] : 0;
}
/** dx = dy·2x. */
export function squareGrad(dx: Arr, dy: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = dy[i] * (2 * x[i]);
}
/** dx = dy·p·x^(p−1) (TensorFlow's PowGrad for a constant exponent). */
export function powGrad(dx: Arr, dy: Arr, x: Arr, size: number, p: number): void {
  for (let i = 0; i < size; i++) dx[i] = dy[i] * p * Math.pow(x[i], p - 1);
}
/** dx = dy where lo ≤ x ≤ hi, else 0 (NaN: 0). */
export function clipGrad(dx: Arr, dy: Arr, x: Arr, size: number, lo: number, hi: number): void {
  for (let i = 0; i < size; i++) dx[i] = x[i] >= lo && x[i] <= hi ? dy[i] : 0;
}

export function maximum(y: Arr, a: Arr, b: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.max(a[i], b[i]);
}
export function minimum(y: Arr, a: Arr, b: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.min(a[i], b[i]);
}

/**
 * The gradient of maximum(a, b) or minimum(a, b) for one operand, from the output y, with
 * a of y's shape: `equal` (a's gradient) dx = dy where a = y, else 0; otherwise (b's) dx = dy
 * where a ≠ y. a = max(a, b) exactly where a ≥ b (NaN in a or b: neither), so this is
 * TensorFlow's rule: ties go to a.
 */
export function selectGrad(dx: Arr, dy: Arr, y: Arr, a: Arr, size: number, equal: boolean): void {
  if (equal) for (let i = 0; i < size; i++) dx[i] = a[i] === y[i] ? dy[i] : 0;
  else for (let i = 0; i < size; i++) dx[i] = a[i] === y[i] ? 0 : dy[i];
}

export function broadcastMaximum(
  y: Arr,
  a: Arr,
  b: Arr,
  n: number,
  dims: Int32Array,
  aStrides: Int32Array,
  bStrides: Int32Array,
  index: Int32Array,
): void {
  broadcastWith((u, v) => Math.max(u, v), y, a, b, n, dims, aStrides, bStrides, index);
}

export function broadcastMinimum(
  y: Arr,
  a: Arr,
  b: Arr,
  n: number,
  dims: Int32Array,
  aStrides: Int32Array,
  bStrides: Int32Array,
  index: Int32Array,
): void {
  broadcastWith((u, v) => Math.min(u, v), y, a, b, n, dims, aStrides, bStrides, index);
}

/** selectGrad with `a` broadcast to y's shape (aStrides; dy and y contiguous: yStrides, y's own). */
export function broadcastSelectGrad(
  dx: Arr,
  dy: Arr,
  y: Arr,
  a: Arr,
  n: number,
  dims: Int32Array,
  yStrides: Int32Array,
  aStrides: Int32Array,
  equal: boolean,
  index: Int32Array,
): void {
  // dy is read at the output's index i.
  broadcastWith((yv, av, i) => ((av === yv) === equal ? dy[i] : 0), dx, y, a, n, dims, yStrides, aStrides, index);
}
