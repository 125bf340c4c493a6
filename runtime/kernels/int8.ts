// Scalar reference of int8 quantization (`dlm export --quantize int8`): how a float kernel
// becomes int8 weights with per-output-channel scales, how an input value is quantized, and
// the int8 dense layer that the WebAssembly kernel (compiler/wasm/kernels/int8-gemm.ts)
// computes — written plainly, one value at a time, so that tests can hold the SIMD kernel
// to it bit for bit. The scales mean what Keras's int8 layers' do: q = round(w · scale),
// w ≈ q / scale (`kernel_scale`, per output channel; `inputs_scale` for the input).
import { int8Multipliers } from "../inference.js";

/** Rounds to the nearest integer, ties to even (WebAssembly's `nearest`). */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The quantized range of an input: 0..255 when it is never negative, else −127..127. */
export const inputRange = (unsigned: boolean): readonly [number, number] => (unsigned ? [0, 255] : [-127, 127]);

/** clamp(round_half_even(f32(x · scale)), lo, hi); NaN becomes 0 (as i32.trunc_sat does). */
export function quantizeValue(x: number, scale: number, lo: number, hi: number): number {
  const v = Math.fround(x * scale);
  if (Number.isNaN(v)) return Math.min(Math.max(0, lo), hi);
  return Math.min(Math.max(roundHalfEven(v), lo), hi);
}

/**
 * Per-output-channel symmetric int8: a kernel whose last axis (n) is the output channel
 * (Keras layouts: dense [k, n], conv2d [kh, kw, in, n]). scale[c] = f32(127 / max|w[·, c]|)
 * (1 for a column of zeros); q = clamp(round(f32(w · scale[c])), −127, 127).
 */
export function quantizeKernel(w: Float32Array, n: number): { q: Int8Array; scale: Float32Array } {
  const k = w.length / n;
  const scale = new Float32Array(n);
  for (let c = 0; c < n; c++) {
    let amax = 0;
    for (let i = 0; i < k; i++) amax = Math.max(amax, Math.abs(w[i * n + c]));
    scale[c] = amax > 0 ? Math.fround(127 / amax) : 1;
  }
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = quantizeValue(w[i], scale[i % n], -127, 127);
  return { q, scale };
}

/** An input's `inputs_scale` from the range calibration saw: 255/max for a non-negative input, else 127/max|·|. */
export function inputsScaleOf(min: number, max: number): { scale: number; unsigned: boolean } {
  const unsigned = min >= 0;
  const amax = unsigned ? max : Math.max(-min, max);
  return { scale: amax > 0 && Number.isFinite(amax) ? Math.fround((unsigned ? 255 : 127) / amax) : 1, unsigned };
}

export interface Int8DenseRef {
  readonly k: number;
  readonly n: number;
  /** The int8 kernel [k, n] (Keras layout) and its per-column `kernel_scale`. */
  readonly q: Int8Array;
  readonly kernelScale: Float32Array;
  readonly bias: Float32Array | null;
  readonly relu: boolean;
  readonly inputsScale: number;
  readonly unsigned: boolean;
}

/**
 * y[r, c] = f32(f32(f32(acc) · mult[c]) + bias[c]) (relu: 0 where not > 0), with
 * acc = Σ_i q(x[r, i]) · q[i, c] summed exactly (integers) and mult the loader's
 * f32(1 / f32(inputs_scale · kernel_scale[c])).
 */
export function int8Dense(y: Float32Array, x: Float32Array, rows: number, l: Int8DenseRef): void {
  const { k, n, q } = l;
  const [lo, hi] = inputRange(l.unsigned);
  const mult = int8Multipliers(l.kernelScale, l.inputsScale);
  const xq = new Int32Array(k);
  const acc = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < k; i++) xq[i] = quantizeValue(x[r * k + i], l.inputsScale, lo, hi);
    acc.fill(0);
    for (let i = 0; i < k; i++) {
      const v = xq[i];
      if (v === 0) continue;
      for (let c = 0; c < n; c++) acc[c] += v * q[i * n + c];
    }
    for (let c = 0; c < n; c++) {
      let v = Math.fround(Math.fround(acc[c]) * mult[c]);
      if (l.bias) v = Math.fround(v + l.bias[c]);
      if (l.relu && !Number.isNaN(v)) v = v > 0 ? v : 0;
      y[r * n + c] = v;
    }
  }
}

export interface Int8ConvRef {
  /** The input image [h, w, c], the output [oh, ow, filters], the window, strides and top/left padding (Keras Conv2D). */
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
  readonly filters: number;
  /** The int8 kernel [kh, kw, c, filters] and its per-filter `kernel_scale`. */
  readonly q: Int8Array;
  readonly kernelScale: Float32Array;
  readonly bias: Float32Array | null;
  readonly relu: boolean;
  readonly inputsScale: number;
  readonly unsigned: boolean;
  /** A max pool (no padding) after the relu. */
  readonly pool?: {
    readonly kh: number;
    readonly kw: number;
    readonly sh: number;
    readonly sw: number;
    readonly oh: number;
    readonly ow: number;
  };
}

/**
 * The int8 convolution: per position and filter, acc = Σ q(x)·q over the window's taps inside
 * the image (padding contributes 0), y = f32(f32(acc) · mult) (+ bias) (relu), then the pool's
 * max over each window (rows, then columns) from −∞.
 */
export function int8Conv2d(y: Float32Array, x: Float32Array, images: number, l: Int8ConvRef): void {
  const { h, w, c, oh, ow, kh, kw, filters: f } = l;
  const [lo, hi] = inputRange(l.unsigned);
  const mult = int8Multipliers(l.kernelScale, l.inputsScale);
  const xq = new Int32Array(h * w * c);
  const conv = new Float32Array(oh * ow * f);
  const acc = new Float64Array(f);
  for (let b = 0; b < images; b++) {
    for (let i = 0; i < xq.length; i++) xq[i] = quantizeValue(x[b * xq.length + i], l.inputsScale, lo, hi);
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        acc.fill(0);
        for (let dy = 0; dy < kh; dy++)
          for (let dx = 0; dx < kw; dx++) {
            const iy = oy * l.sh - l.pt + dy;
            const ix = ox * l.sw - l.pl + dx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let ci = 0; ci < c; ci++) {
              const v = xq[(iy * w + ix) * c + ci];
              const row = ((dy * kw + dx) * c + ci) * f;
              for (let co = 0; co < f; co++) acc[co] += v * l.q[row + co];
            }
          }
        for (let co = 0; co < f; co++) {
          let v = Math.fround(Math.fround(acc[co]) * mult[co]);
          if (l.bias) v = Math.fround(v + l.bias[co]);
          if (l.relu && !Number.isNaN(v)) v = v > 0 ? v : 0;
          conv[(oy * ow + ox) * f + co] = v;
        }
      }
    const p = l.pool;
    if (!p) {
      y.set(conv, b * conv.length);
      continue;
    }
    const out = b * p.oh * p.ow * f;
    for (let py = 0; py < p.oh; py++)
      for (let px = 0; px < p.ow; px++)
        for (let co = 0; co < f; co++) {
          let mx = -Infinity;
          for (let dy = 0; dy < p.kh; dy++)
            for (let dx = 0; dx < p.kw; dx++) mx = Math.max(mx, conv[((py * p.sh + dy) * ow + px * p.sw + dx) * f + co]);
          y[out + (py * p.ow + px) * f + co] = mx;
        }
  }
}
