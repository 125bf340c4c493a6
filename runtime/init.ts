// Keras initializers, writing into a Float32Array view of the flat parameter buffer.
// Invariants: `out.length` equals the product of `shape` (checked); layouts are Keras's
// (dense [in, out], conv [kh, kw, in, out], LSTM kernels [in | u, 4u] with gates i, f, c, o);
// every random draw comes from the given Rng, so a seed fixes the weights bit for bit.
import type { Rng } from "./rng.js";

/** Keras's _compute_fans: the last two axes are (in, out); the rest form the receptive field. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function checkSize(name: string, out: Float32Array, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (out.length !== size) {
    throw new RangeError(`${name}: buffer has ${out.length} entries, shape [${shape.join(", ")}] needs ${size}`);
  }
}

/** U(-l, l) with l = sqrt(6 / (fan_in + fan_out)). */
export function glorotUniform(out: Float32Array, shape: readonly number[], rng: Rng): void {
  checkSize("glorot_uniform", out, shape);
  const { fanIn, fanOut } = computeFans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  rng.fillUniform(out, -limit, limit);
}

/** U(-l, l) with l = sqrt(6 / fan_in). */
export function heUniform(out: Float32Array, shape: readonly number[], rng: Rng): void {
  checkSize("he_uniform", out, shape);
  const limit = Math.sqrt(6 / computeFans(shape).fanIn);
  rng.fillUniform(out, -limit, limit);
}

/** Stddev of a unit normal truncated to [-2, 2]; Keras divides by it (VarianceScaling). */
const TRUNCATED_STD = 0.87962566103423978;

/**
 * Keras he_normal: a normal truncated at two of its standard deviations (values beyond are
 * redrawn), whose stddev before truncation is sqrt(2 / fan_in) / 0.8796…, so that the
 * truncated values have stddev sqrt(2 / fan_in).
 */
export function heNormal(out: Float32Array, shape: readonly number[], rng: Rng): void {
  checkSize("he_normal", out, shape);
  const std = Math.sqrt(2 / computeFans(shape).fanIn) / TRUNCATED_STD;
  rng.fillNormal(out, 0, std);
  const bound = 2 * std;
  for (let i = 0; i < out.length; i++) {
    while (Math.abs(out[i]) > bound) out[i] = std * rng.normal();
  }
}

export function zeros(out: Float32Array): void {
  out.fill(0);
}

export function ones(out: Float32Array): void {
  out.fill(1);
}

export function constant(out: Float32Array, value: number): void {
  out.fill(value);
}

/**
 * Keras orthogonal: view the kernel as [rows = prod(shape[:-1]), cols = shape[-1]], draw a
 * normal [max, min] matrix, take Q of its QR (modified Gram–Schmidt in float64, run twice
 * per column for stability; its R has a positive diagonal, which is what Keras's
 * Q·sign(diag(R)) normalises to), transpose when rows < cols, and scale by `gain`.
 */
export function orthogonal(out: Float32Array, shape: readonly number[], rng: Rng, gain = 1): void {
  checkSize("orthogonal", out, shape);
  if (shape.length < 2) throw new RangeError(`orthogonal: needs a shape of rank 2 or more, got [${shape.join(", ")}]`);
  const cols = shape[shape.length - 1];
  const rows = out.length / cols;
  const m = Math.max(rows, cols);
  const k = Math.min(rows, cols);
  const draws = new Float32Array(m * k); // row-major [m, k], as Keras draws it
  rng.fillNormal(draws, 0, 1);
  const q = new Float64Array(m * k); // column-major: column j at q[j*m .. j*m+m)
  for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) q[j * m + i] = draws[i * k + j];
  for (let j = 0; j < k; j++) {
    const vj = j * m;
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const vp = p * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[vp + i] * q[vj + i];
        for (let i = 0; i < m; i++) q[vj + i] -= dot * q[vp + i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[vj + i] * q[vj + i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[vj + i] /= norm;
  }
  // Q is [m, k]; out is [rows, cols] = Q when rows >= cols, else Qᵀ.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (rows >= cols ? q[c * m + r] : q[r * m + c]);
    }
  }
}

/** LSTM bias [4u]: zeros, with the forget-gate block [u, 2u) set to 1 (gates i, f, c, o). */
export function lstmBias(out: Float32Array, units: number): void {
  if (out.length !== 4 * units) throw new RangeError(`lstm_bias: buffer has ${out.length} entries, expected 4 * ${units}`);
  out.fill(0);
  out.fill(1, units, 2 * units);
}

export const INITIALIZER_NAMES = [
  "glorot_uniform",
  "he_normal",
  "he_uniform",
  "zeros",
  "ones",
  "orthogonal",
  "lstm_bias",
  "uniform",
] as const;
export type InitializerName = (typeof INITIALIZER_NAMES)[number];

/** Runs the initializer called `name` (Keras's spelling) on `out` of the given shape. */
export function initialize(name: string, out: Float32Array, shape: readonly number[], rng: Rng): void {
  switch (name) {
    case "glorot_uniform":
      return glorotUniform(out, shape, rng);
    case "he_normal":
      return heNormal(out, shape, rng);
    case "he_uniform":
      return heUniform(out, shape, rng);
    case "zeros":
      checkSize(name, out, shape);
      return zeros(out);
    case "ones":
      checkSize(name, out, shape);
      return ones(out);
    case "orthogonal":
      return orthogonal(out, shape, rng);
    case "uniform":
      // Keras's "uniform": RandomUniform(−0.05, 0.05), an Embedding's default.
      checkSize(name, out, shape);
      return rng.fillUniform(out, -0.05, 0.05);
    case "lstm_bias":
      checkSize(name, out, shape);
      if (shape.length !== 1 || shape[0] % 4 !== 0) {
        throw new RangeError(`lstm_bias: expected a shape [4 * units], got [${shape.join(", ")}]`);
      }
      return lstmBias(out, shape[0] / 4);
    default:
      throw new RangeError(`unknown initializer '${name}'; known: ${INITIALIZER_NAMES.join(", ")}`);
  }
}
