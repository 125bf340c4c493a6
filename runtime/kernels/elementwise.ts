// Reference elementwise kernels: activations and their gradients, arithmetic with numpy
// broadcasting, reductions. `size` is the element count at run time. No kernel allocates.
import type { Arr } from "./dense.js";

export function relu(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] > 0 ? x[i] : 0;
}
/** dx = dy where y > 0 (from the output). */
export function reluGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}
export function leakyRelu(y: Arr, x: Arr, size: number, slope: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] > 0 ? x[i] : slope * x[i];
}
/** dx = dy where y > 0, else slope·dy: from the output (or the input: their signs agree for slope ≥ 0). */
export function leakyReluGrad(dx: Arr, dy: Arr, y: Arr, size: number, slope: number): void {
  for (let i = 0; i < size; i++) dx[i] = y[i] > 0 ? dy[i] : slope * dy[i];
}
/** ELU (Keras): x if x > 0, else α·(eˣ − 1) (expm1: exact near 0). */
export function elu(y: Arr, x: Arr, size: number, alpha: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] > 0 ? x[i] : alpha * Math.expm1(x[i]);
}
/** dx = dy where y > 0, else dy·(y + α) (α·eˣ from the output; with α ≥ 0, y > 0 exactly where x > 0). */
export function eluGrad(dx: Arr, dy: Arr, y: Arr, size: number, alpha: number): void {
  for (let i = 0; i < size; i++) dx[i] = y[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha);
}
/** Stable for large |x|: never exponentiates a positive number. */
export function sigmoid(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) {
    const v = x[i];
    if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      y[i] = e / (1 + e);
    }
  }
}
export function sigmoidGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
}
export function tanh(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.tanh(x[i]);
}
export function tanhGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
}

/** Softmax along an axis of length `len`, viewing x as [outer, len, inner]. */
export function softmax(y: Arr, x: Arr, outer: number, len: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * len * inner + q;
      let max = -Infinity;
      for (let i = 0; i < len; i++) max = Math.max(max, x[base + i * inner]);
      let sum = 0;
      for (let i = 0; i < len; i++) {
        const e = Math.exp(x[base + i * inner] - max);
        y[base + i * inner] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let i = 0; i < len; i++) y[base + i * inner] *= inv;
    }
  }
}
/** dx = y · (dy − Σ dy·y) along the axis. */
export function softmaxGrad(dx: Arr, dy: Arr, y: Arr, outer: number, len: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * len * inner + q;
      let dot = 0;
      for (let i = 0; i < len; i++) dot += dy[base + i * inner] * y[base + i * inner];
      for (let i = 0; i < len; i++) dx[base + i * inner] = y[base + i * inner] * (dy[base + i * inner] - dot);
    }
  }
}

export function neg(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = -x[i];
}

/** Binary op codes for binary() and broadcastBinary(). */
export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;

function apply(op: number, a: number, b: number): number {
  return op === 0 ? a + b : op === 1 ? a - b : op === 2 ? a * b : a / b;
}

/** Same shapes. */
export function binary(op: number, y: Arr, a: Arr, b: Arr, size: number): void {
  if (op === 0) for (let i = 0; i < size; i++) y[i] = a[i] + b[i];
  else if (op === 1) for (let i = 0; i < size; i++) y[i] = a[i] - b[i];
  else if (op === 2) for (let i = 0; i < size; i++) y[i] = a[i] * b[i];
  else for (let i = 0; i < size; i++) y[i] = a[i] / b[i];
}

/**
 * Numpy broadcasting over an output of `rank` dims `dims` (dims[0] = 0 stands for the run-time
 * batch n); aStrides/bStrides give each operand's element stride per output dim (0 where it
 * broadcasts).
 */
export function broadcastBinary(
  op: number,
  y: Arr,
  a: Arr,
  b: Arr,
  n: number,
  dims: Int32Array,
  aStrides: Int32Array,
  bStrides: Int32Array,
  index: Int32Array,
): void {
  const rank = dims.length;
  let size = 1;
  for (let d = 0; d < rank; d++) size *= dims[d] === 0 ? n : dims[d];
  index.fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < size; i++) {
    y[i] = apply(op, a[ai], b[bi]);
    // Advance the multi-index (last dim fastest), keeping the operand offsets in step.
    for (let d = rank - 1; d >= 0; d--) {
      const extent = dims[d] === 0 ? n : dims[d];
      ai += aStrides[d];
      bi += bStrides[d];
      if (++index[d] < extent) break;
      ai -= aStrides[d] * extent;
      bi -= bStrides[d] * extent;
      index[d] = 0;
    }
  }
}

/**
 * Sum of x over the dims where outStrides is 0 (sum / mean / sum_to), written into y
 * (which has the kept dims); `scale` multiplies the result (1/count for a mean).
 */
export function reduce(
  y: Arr,
  x: Arr,
  n: number,
  dims: Int32Array,
  outStrides: Int32Array,
  outSize: number,
  scale: number,
  index: Int32Array,
): void {
  const rank = dims.length;
  let size = 1;
  for (let d = 0; d < rank; d++) size *= dims[d] === 0 ? n : dims[d];
  y.fill(0, 0, outSize);
  index.fill(0);
  let o = 0;
  for (let i = 0; i < size; i++) {
    y[o] += x[i];
    for (let d = rank - 1; d >= 0; d--) {
      const extent = dims[d] === 0 ? n : dims[d];
      o += outStrides[d];
      if (++index[d] < extent) break;
      o -= outStrides[d] * extent;
      index[d] = 0;
    }
  }
  if (scale !== 1) for (let i = 0; i < outSize; i++) y[i] *= scale;
}

/** The adjoint of reduce: y[i] = scale · dy[the reduced index of i]. */
export function spread(y: Arr, dy: Arr, n: number, dims: Int32Array, inStrides: Int32Array, scale: number, index: Int32Array): void {
  const rank = dims.length;
  let size = 1;
  for (let d = 0; d < rank; d++) size *= dims[d] === 0 ? n : dims[d];
  index.fill(0);
  let o = 0;
  for (let i = 0; i < size; i++) {
    y[i] = scale * dy[o];
    for (let d = rank - 1; d >= 0; d--) {
      const extent = dims[d] === 0 ? n : dims[d];
      o += inStrides[d];
      if (++index[d] < extent) break;
      o -= inStrides[d] * extent;
      index[d] = 0;
    }
  }
}
