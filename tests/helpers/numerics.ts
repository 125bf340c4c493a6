// Numerical test helpers (tolerances: docs/architecture.md §5): per-tensor comparison by relative L2 error plus
// an elementwise check with an absolute floor scaled to the tensor, the PyTorch fixtures'
// weight recipe, a small seeded generator for test data, and float64 central finite
// differences through a generated trainer.
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";

export type Num = ArrayLike<number>;

// ---------------------------------------------------------------------------------------
// Comparison

export interface Tolerance {
  /** Bound on ‖a − b‖ / ‖b‖. */
  readonly rel: number;
  /** Elementwise |a − b| ≤ elemRel·|b| + elemAbs·max|b|. */
  readonly elemRel: number;
  readonly elemAbs: number;
}

/** Against PyTorch's float64 (docs/architecture.md §5). */
export const PYTORCH_TOL: Tolerance = { rel: 1e-4, elemRel: 1e-3, elemAbs: 1e-4 };
/** Analytic float64 gradients against float64 central differences. */
export const FD_TOL: Tolerance = { rel: 1e-6, elemRel: 1e-4, elemAbs: 1e-6 };

export function l2(a: Num): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export function maxAbs(a: Num): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** ‖a − b‖ / ‖b‖ (‖a − b‖ itself when b is all zeros). */
export function relL2(a: Num, b: Num): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i] - b[i]) ** 2;
  const nb = l2(b);
  return nb === 0 ? Math.sqrt(d) : Math.sqrt(d) / nb;
}

export interface Comparison {
  readonly ok: boolean;
  readonly relL2: number;
  /** The entry that exceeds its elementwise bound the most (or is closest to it). */
  readonly worst: { readonly index: number; readonly actual: number; readonly expected: number; readonly bound: number };
  readonly message: string;
}

export function compare(name: string, actual: Num, expected: Num, tol: Tolerance): Comparison {
  if (actual.length !== expected.length) {
    return {
      ok: false,
      relL2: Infinity,
      worst: { index: -1, actual: NaN, expected: NaN, bound: 0 },
      message: `${name}: ${actual.length} values, expected ${expected.length}`,
    };
  }
  const floor = tol.elemAbs * maxAbs(expected);
  let worst = { index: -1, actual: NaN, expected: NaN, bound: 0 };
  let worstRatio = -1;
  let bad = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const bound = tol.elemRel * Math.abs(b) + floor;
    const err = Math.abs(a - b);
    const ratio = Number.isNaN(err) ? Infinity : bound === 0 ? (err === 0 ? 0 : Infinity) : err / bound;
    if (ratio > 1) bad++;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { index: i, actual: a, expected: b, bound };
    }
  }
  const r = relL2(actual, expected);
  const ok = bad === 0 && r <= tol.rel && Number.isFinite(r);
  const message =
    `${name}: relative L2 ${r.toExponential(3)} (limit ${tol.rel}); ${bad} of ${expected.length} entries outside |a − b| ≤ ${tol.elemRel}·|b| + ${tol.elemAbs}·max|b|` +
    (worst.index >= 0 ? `; worst [${worst.index}]: ${worst.actual} vs ${worst.expected} (bound ${worst.bound.toExponential(2)})` : "");
  return { ok, relL2: r, worst, message };
}

/** Throws (with the comparison's message) unless `actual` matches `expected` within `tol`. */
export function assertClose(name: string, actual: Num, expected: Num, tol: Tolerance): Comparison {
  const c = compare(name, actual, expected, tol);
  if (!c.ok) throw new Error(c.message);
  return c;
}

/** |a − b| ≤ rel·|b| + abs, for scalars (losses). */
export function assertScalarClose(name: string, actual: number, expected: number, rel: number, abs = 0): void {
  const err = Math.abs(actual - expected);
  if (!(err <= rel * Math.abs(expected) + abs))
    throw new Error(`${name}: ${actual} vs expected ${expected} (|diff| ${err.toExponential(3)})`);
}

// ---------------------------------------------------------------------------------------
// Deterministic values

/** The PyTorch fixtures' weight recipe (tests/fixtures/README.md); bit-exact for n < 2^31. */
export function detValues(n: number, k: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = (Math.imul(i, 2654435761) + k) >>> 0; // (i * 2654435761 + k) mod 2^32
    const u = h / 4294967296; // exact in float64
    out[i] = (u - 0.5) * 2 * scale; // float64, rounded to nearest float32 on store
  }
  return out;
}

/** A small seeded generator for test data (mulberry32), independent of the runtime's Rng. */
export class TestRandom {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Uniform in ±[lo, hi]: away from zero (kinks of relu at 0, signs). */
  awayFromZero(lo: number, hi: number): number {
    const v = this.uniform(lo, hi);
    return this.next() < 0.5 ? -v : v;
  }
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }
  fill(out: { length: number; [i: number]: number }, lo: number, hi: number): void {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform(lo, hi);
  }
}

// ---------------------------------------------------------------------------------------
// Trainers

export interface ParamTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** The parameter tensors step `k` trains (its model's and those of the models it calls). */
export function stepParams(mod: TrainerModule, k = 0): ParamTensor[] {
  const ranges = mod.program.steps[k].ranges;
  const out = mod.parameters.filter((p) => ranges.some((r) => p.offset >= r.offset && p.offset + p.size <= r.offset + r.size));
  const covered = ranges.reduce((a, r) => a + r.size, 0);
  if (out.length === 0 || out.reduce((a, p) => a + p.size, 0) !== covered)
    throw new Error(`step ${k}: its ranges do not match whole parameter tensors`);
  return out;
}

/** Fills every parameter with U(−s, s), s = 1/√fan_in for kernels, 0.2 for vectors (non-zero biases). */
export function randomParams(mod: TrainerModule, t: TrainerInstance, r: TestRandom, gain = 1): void {
  for (const p of mod.parameters) {
    const fanIn = p.shape.length > 1 ? p.shape.slice(0, -1).reduce((a, d) => a * d, 1) : 0;
    const s = fanIn ? gain / Math.sqrt(fanIn) : 0.2;
    for (let i = 0; i < p.size; i++) t.params[p.offset + i] = r.uniform(-s, s);
  }
}

/** Sets a parameter tensor by name ("dense/kernel" matches "m/dense/kernel"). */
export function setParam(mod: TrainerModule, t: TrainerInstance, name: string, values: Num): void {
  const p = findParam(mod, name);
  if (values.length !== p.size) throw new Error(`${name}: ${values.length} values for a tensor of ${p.size}`);
  for (let i = 0; i < p.size; i++) t.params[p.offset + i] = values[i];
}

export function findParam(mod: TrainerModule, name: string): ParamTensor {
  const hits = mod.parameters.filter((p) => p.name === name || p.name.endsWith(`/${name}`));
  if (hits.length !== 1) throw new Error(`parameter ${name}: ${hits.length} matches among ${mod.parameters.map((p) => p.name).join(", ")}`);
  return hits[0];
}

export function paramSlice(t: TrainerInstance, p: ParamTensor, buf: "params" | "grads" = "params"): Float64Array {
  return Float64Array.from(t[buf].subarray(p.offset, p.offset + p.size));
}

export interface GradCheck {
  /** Per parameter tensor of the step: the trainer's gradient and the central difference. */
  readonly tensors: readonly { readonly name: string; readonly analytic: Float64Array; readonly numeric: Float64Array }[];
  /** The loss at the unperturbed parameters. */
  readonly loss: number;
}

/**
 * The gradient of step 0's loss from `trainStep` (float64 trainer) against central
 * differences (f(p + h) − f(p − h)) / 2h of the forward pass, one parameter at a time.
 * The RNG is rewound to the same mark before every evaluation, so dropout masks and
 * noise are identical; the parameters are restored after the step.
 */
export function checkGradients(mod: TrainerModule, t: TrainerInstance, n: number, h = 1e-5): GradCheck {
  const mark = new Uint32Array(4);
  t.rng.saveState(mark);
  const lossAt = (): number => {
    t.rng.loadState(mark);
    t.computeLets?.(n);
    return t.forward[0](n);
  };
  const saved = Float64Array.from(t.params);
  const loss = lossAt();
  t.rng.loadState(mark);
  t.grads.fill(0);
  const bad = t.trainStep(n);
  if (bad >= 0) throw new Error(`trainStep: non-finite loss in step ${bad}`);
  if (t.losses[0] !== loss)
    throw new Error(`trainStep's loss ${t.losses[0]} differs from the forward pass's ${loss}: the RNG or the lets are not replayed`);
  const grads = Float64Array.from(t.grads);
  t.params.set(saved);
  t.rng.loadState(mark);

  const tensors = stepParams(mod, 0).map((p) => {
    const numeric = new Float64Array(p.size);
    for (let i = 0; i < p.size; i++) {
      const j = p.offset + i;
      const w = saved[j];
      t.params[j] = w + h;
      const up = lossAt();
      t.params[j] = w - h;
      const down = lossAt();
      t.params[j] = w;
      numeric[i] = (up - down) / (2 * h);
    }
    return { name: p.name, analytic: grads.subarray(p.offset, p.offset + p.size), numeric };
  });
  t.rng.loadState(mark);
  return { tensors, loss };
}

// ---------------------------------------------------------------------------------------
// Reference implementations (float64, written from the Keras/TensorFlow definitions,
// independently of the runtime's kernels and the compiler's geometry)

/** TensorFlow's `same` padding: output ⌈in / stride⌉, the odd pixel of padding at the bottom/right. */
export function samePadding(size: number, window: number, stride: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

export interface WindowSpec {
  readonly window: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: "valid" | "same";
  /** Put the odd padding pixel top/left instead (to show a test would catch it). */
  readonly flipSplit?: boolean;
}

function windowDims(h: number, w: number, s: WindowSpec): { oh: number; ow: number; pt: number; pl: number } {
  if (s.padding === "valid") {
    return { oh: Math.floor((h - s.window[0]) / s.strides[0]) + 1, ow: Math.floor((w - s.window[1]) / s.strides[1]) + 1, pt: 0, pl: 0 };
  }
  const ph = samePadding(h, s.window[0], s.strides[0]);
  const pw = samePadding(w, s.window[1], s.strides[1]);
  return { oh: ph.out, ow: pw.out, pt: s.flipSplit ? ph.after : ph.before, pl: s.flipSplit ? pw.after : pw.before };
}

/** y = x · kernel + bias over the last axis; x [rows, k], kernel [k, m]. */
export function refDense(x: Num, kernel: Num, bias: Num | null, rows: number, k: number, m: number): Float64Array {
  const y = new Float64Array(rows * m);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < m; j++) {
      let s = bias ? bias[j] : 0;
      for (let i = 0; i < k; i++) s += x[r * k + i] * kernel[i * m + j];
      y[r * m + j] = s;
    }
  }
  return y;
}

/** Keras Conv2D: NHWC x [n, h, w, c], kernel [kh, kw, c, f]; explicit zero padding. */
export function refConv2d(
  x: Num,
  dims: readonly [number, number, number, number],
  kernel: Num,
  bias: Num | null,
  f: number,
  s: WindowSpec,
): { y: Float64Array; shape: [number, number, number, number] } {
  const [n, h, w, c] = dims;
  const [kh, kw] = s.window;
  const { oh, ow, pt, pl } = windowDims(h, w, s);
  const at = (b: number, i: number, j: number, ch: number) => (i < 0 || i >= h || j < 0 || j >= w ? 0 : x[((b * h + i) * w + j) * c + ch]);
  const y = new Float64Array(n * oh * ow * f);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let q = 0; q < f; q++) {
          let acc = bias ? bias[q] : 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++)
              for (let ch = 0; ch < c; ch++)
                acc += at(b, oy * s.strides[0] + i - pt, ox * s.strides[1] + j - pl, ch) * kernel[((i * kw + j) * c + ch) * f + q];
          y[((b * oh + oy) * ow + ox) * f + q] = acc;
        }
  return { y, shape: [n, oh, ow, f] };
}

/** Keras MaxPooling2D / AveragePooling2D (the average counts only real inputs, as TensorFlow). */
export function refPool(
  kind: "max" | "avg",
  x: Num,
  dims: readonly [number, number, number, number],
  s: WindowSpec,
): { y: Float64Array; shape: [number, number, number, number] } {
  const [n, h, w, c] = dims;
  const { oh, ow, pt, pl } = windowDims(h, w, s);
  const y = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          const vals: number[] = [];
          for (let i = 0; i < s.window[0]; i++)
            for (let j = 0; j < s.window[1]; j++) {
              const iy = oy * s.strides[0] + i - pt;
              const ix = ox * s.strides[1] + j - pl;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) vals.push(x[((b * h + iy) * w + ix) * c + ch]);
            }
          y[((b * oh + oy) * ow + ox) * c + ch] = kind === "max" ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / vals.length;
        }
  return { y, shape: [n, oh, ow, c] };
}

/** Softmax along `axis` of a row-major tensor of shape `shape`. */
export function refSoftmax(x: Num, shape: readonly number[], axis: number): Float64Array {
  const a = axis < 0 ? shape.length + axis : axis;
  const len = shape[a];
  const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
  const y = new Float64Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let q = 0; q < inner; q++) {
      const idx = (i: number) => (o * len + i) * inner + q;
      let sum = 0;
      for (let i = 0; i < len; i++) sum += Math.exp(x[idx(i)]);
      for (let i = 0; i < len; i++) y[idx(i)] = Math.exp(x[idx(i)]) / sum;
    }
  return y;
}

export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
export const KERAS_EPSILON = 1e-7;
const kclip = (p: number): number => Math.min(Math.max(p, KERAS_EPSILON), 1 - KERAS_EPSILON);

/** A loss target: the full tensor, one value per row of a [.., 1] prediction, or a scalar. */
const targetAt = (t: Num, i: number): number => (t.length === 1 ? t[0] : t[i]);

/** Keras MeanSquaredError: mean over the last axis, then over the batch (= over every element). */
export function refMse(p: Num, t: Num): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - targetAt(t, i)) ** 2;
  return s / p.length;
}

/** Keras BinaryCrossentropy; from logits: on sigmoid(z). On probabilities: clipped to [ε, 1 − ε]. */
export function refBinaryCrossentropy(p: Num, t: Num, fromLogits: boolean): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = fromLogits ? sigmoid(p[i]) : kclip(p[i]);
    const y = targetAt(t, i);
    s += -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
  }
  return s / p.length;
}

/** Keras CategoricalCrossentropy over rows of `cols` classes; on probabilities: p/Σp, then clipped. */
export function refCategoricalCrossentropy(p: Num, t: Num, cols: number, fromLogits: boolean): number {
  const rows = p.length / cols;
  let s = 0;
  for (let r = 0; r < rows; r++) {
    const row = Array.from({ length: cols }, (_, j) => p[r * cols + j]);
    let logq: number[];
    if (fromLogits) {
      // log softmax(z) = z − max − log Σ exp(z − max)
      const max = Math.max(...row);
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
      logq = row.map((v) => v - max - lse);
    } else {
      const sum = row.reduce((a, v) => a + v, 0);
      logq = row.map((v) => Math.log(kclip(v / sum)));
    }
    for (let j = 0; j < cols; j++) if (t[r * cols + j] !== 0) s -= t[r * cols + j] * logq[j];
  }
  return s / rows;
}

/** Keras SparseCategoricalCrossentropy with integer labels (one per row). */
export function refSparseCategoricalCrossentropy(p: Num, labels: Num, cols: number, fromLogits: boolean): number {
  const rows = p.length / cols;
  const onehot = new Float64Array(p.length);
  for (let r = 0; r < rows; r++) onehot[r * cols + labels[r]] = 1;
  return refCategoricalCrossentropy(p, onehot, cols, fromLogits);
}
