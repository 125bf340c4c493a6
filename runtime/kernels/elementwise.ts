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
/** SELU's constants (Keras, PyTorch): α and the scale λ of Klambauer et al. 2017. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;
/** SELU: λ·x if x > 0, else λ·α·(eˣ − 1). */
export function selu(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] > 0 ? SELU_SCALE * x[i] : SELU_SCALE * SELU_ALPHA * Math.expm1(x[i]);
}
/** From the output: λ·dy where y > 0 (exactly where x > 0), else dy·(y + λ·α). */
export function seluGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = y[i] > 0 ? SELU_SCALE * dy[i] : dy[i] * (y[i] + SELU_SCALE * SELU_ALPHA);
}
/** GELU: x·Φ(x) (exact), or 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) = x·σ(2u) (approximate). */
export function gelu(y: Arr, x: Arr, size: number, approximate: boolean): void {
  if (approximate) for (let i = 0; i < size; i++) y[i] = x[i] * sigmoidOf(2 * geluU(x[i]));
  else for (let i = 0; i < size; i++) y[i] = x[i] * normalCdf(x[i]);
}
/** From the input: Φ(x) + x·φ(x), or σ + 2x·σ(1 − σ)·u'(x) with σ = σ(2u) (approximate). */
export function geluGrad(dx: Arr, dy: Arr, x: Arr, size: number, approximate: boolean): void {
  for (let i = 0; i < size; i++) {
    const v = x[i];
    if (approximate) {
      const s = sigmoidOf(2 * geluU(v));
      dx[i] = dy[i] * (s + 2 * v * s * (1 - s) * GELU_C * (1 + 3 * GELU_K * v * v));
    } else dx[i] = dy[i] * (normalCdf(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
  }
}
/** SiLU (swish): x·σ(x). */
export function silu(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] * sigmoidOf(x[i]);
}
/** From the input: σ(x)·(1 + x·(1 − σ(x))). */
export function siluGrad(dx: Arr, dy: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) {
    const s = sigmoidOf(x[i]);
    dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
  }
}
/** softplus: log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), never overflows. */
export function softplus(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.max(x[i], 0) + Math.log1p(Math.exp(-Math.abs(x[i])));
}
/** From the output: σ(x) = 1 − e^−y (e^y = 1 + eˣ). */
export function softplusGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = -dy[i] * Math.expm1(-y[i]);
}
/** softsign: x / (1 + |x|). */
export function softsign(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = x[i] / (1 + Math.abs(x[i]));
}
/** From the output: dy·(1 − |y|)² (1 − |y| = 1/(1 + |x|)). */
export function softsignGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) {
    const t = 1 - Math.abs(y[i]);
    dx[i] = dy[i] * t * t;
  }
}
/** Keras 3's hard sigmoid: relu6(x + 3) / 6. */
export function hardSigmoid(y: Arr, x: Arr, size: number): void {
  for (let i = 0; i < size; i++) y[i] = Math.min(Math.max(x[i] + 3, 0), 6) / 6;
}
/** From the output: dy/6 where 0 < y < 1 (−3 < x < 3), else 0. */
export function hardSigmoidGrad(dx: Arr, dy: Arr, y: Arr, size: number): void {
  for (let i = 0; i < size; i++) dx[i] = y[i] > 0 && y[i] < 1 ? dy[i] / 6 : 0;
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_K = 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const geluU = (v: number): number => GELU_C * (v + GELU_K * v * v * v);
const sigmoidOf = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * Φ(x), the standard normal CDF, to double precision: 0.5·erfc(−x/√2) with erfc(z) of
 * |z| ≤ 2 from erf's series with positive terms, erf(z) = (2/√π)·e^−z²·Σ (2z²)ⁿ·z / (1·3·…·(2n + 1)),
 * and of z > 2 from Laplace's continued fraction erfc(z) = (e^−z²/√π) / (z + ½/(z + 1/(z + (3/2)/(z + …)))),
 * evaluated from a fixed depth upward. Φ of a large negative x is its (tiny) tail, not 1 − 1.
 */
export function normalCdf(x: number): number {
  const z = -x * Math.SQRT1_2;
  return 0.5 * erfcOf(z);
}
function erfcOf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const a = Math.abs(z);
  let c: number;
  if (a <= 2) {
    const z2 = a * a;
    let term = a;
    let sum = a;
    for (let n = 0; term > 1e-17 * sum; n++) {
      term *= (2 * z2) / (2 * n + 3);
      sum += term;
    }
    c = 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-z2) * sum;
  } else if (a < 27) {
    let f = a;
    for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
    c = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
  } else c = 0;
  return z >= 0 ? c : 2 - c;
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
 * y[i] = f(a[·], b[·], i) with numpy broadcasting over an output of `rank` dims `dims`
 * (dims[0] = 0 stands for the run-time batch n); aStrides/bStrides give each operand's
 * element stride per output dim (0 where it broadcasts); y is contiguous.
 */
export function broadcastWith(
  f: (a: number, b: number, i: number) => number,
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
    y[i] = f(a[ai], b[bi], i);
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

/** `+ - * /` (op as apply() numbers them) with numpy broadcasting: broadcastWith. */
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
  broadcastWith((u, v) => apply(op, u, v), y, a, b, n, dims, aStrides, bStrides, index);
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
