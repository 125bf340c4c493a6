// The losses mae, huber and kl_divergence, and the cross-entropies' `from_logits=true` and
// `label_smoothing` options: each gradient against float64 central finite differences and
// the WebAssembly backend against the TypeScript one (tests/helpers/gradcase.ts), each
// forward loss against a float64 formula written here from Keras's definitions. A dense
// layer before each loss carries the gradient to parameters; the step uses n = 3 of B = 4
// rows.
import { describe, expect, it } from "vitest";
import { close, N, prog, rows, run, type Fill } from "../helpers/gradcase.js";
import { refDense, sigmoid, type Num } from "../helpers/numerics.js";

const EPS = 1e-7;
const dense = (units: number, act = "linear", inF = 4) => `model m(x: [B, ${inF}]) { x |> dense(${units}, activation=${act}) }`;
/** The model's pre-activation output on the n valid rows. */
const logits = (input: (n: string) => Float64Array, param: (n: string) => Float64Array, units: number, inF = 4) =>
  refDense(rows(input("x"), inF), param("dense/kernel"), param("dense/bias"), N, inF, units);
const probs01: Fill = (r) => r.uniform(0.05, 0.95);
const at = (t: Num, i: number) => (t.length === 1 ? t[0] : t[i]);
/** Every cross-entropy call of a trainer takes the logits path (or not) and smooths by `ls`. */
function smoothedPath(ts: string, fromLogits: boolean, ls: number): void {
  const calls = [...ts.matchAll(/K\.(?:binary|categorical)Crossentropy\(([^;]*)\)/g)];
  expect(calls.length).toBeGreaterThan(0);
  for (const m of calls) expect(m[1].replace(/\s+/g, " ").trim().endsWith(`${fromLogits}, ${ls}`), m[0]).toBe(true);
}
const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;

/** Keras MeanAbsoluteError. */
const refMae = (p: Num, t: Num) => mean(Array.from(p, (v, i) => Math.abs(v - at(t, i))));
/** Keras Huber(delta). */
const refHuber = (p: Num, t: Num, delta: number) =>
  mean(
    Array.from(p, (v, i) => {
      const e = Math.abs(v - at(t, i));
      return e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
    }),
  );
/** Keras KLDivergence over rows of `cols`: both clipped to [ε, 1]. */
function refKl(p: Num, t: Num, cols: number): number {
  const c = (x: number) => Math.min(Math.max(x, EPS), 1);
  let s = 0;
  for (let i = 0; i < p.length; i++) s += c(at(t, i)) * Math.log(c(at(t, i)) / c(p[i]));
  return s / (p.length / cols);
}
/** Keras BinaryCrossentropy(from_logits=True, label_smoothing=ls), on logits z. */
function refBceLogits(z: Num, t: Num, ls: number): number {
  return mean(
    Array.from(z, (v, i) => {
      const y = at(t, i) * (1 - ls) + 0.5 * ls;
      const q = sigmoid(v);
      return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
    }),
  );
}
/** Keras CategoricalCrossentropy(label_smoothing=ls) over rows of `cols`, from logits or on probabilities (p/Σp, clipped). */
function refCce(p: Num, t: Num, cols: number, fromLogits: boolean, ls: number): number {
  let s = 0;
  const nrows = p.length / cols;
  for (let r = 0; r < nrows; r++) {
    const row = Array.from({ length: cols }, (_, j) => p[r * cols + j]);
    const sum = row.reduce((a, v) => a + v, 0);
    const logq = fromLogits
      ? row.map((v) => v - Math.log(row.reduce((a, w) => a + Math.exp(w), 0)))
      : row.map((v) => Math.log(Math.min(Math.max(v / sum, EPS), 1 - EPS)));
    for (let j = 0; j < cols; j++) s -= (t[r * cols + j] * (1 - ls) + ls / cols) * logq[j];
  }
  return s / nrows;
}

describe("mae, huber, kl_divergence", () => {
  it("mae, full target", () =>
    run({
      src: prog(dense(3), "x: [B, 4], r: [B, 3]", "mae(m(x), r)"),
      check: ({ loss, input, param }) => close(loss, refMae(logits(input, param, 3), rows(input("r"), 3))),
    }));

  it("mae, scalar target", () =>
    run({
      src: prog(dense(2, "tanh"), "x: [B, 4]", "mae(m(x), 0.25)"),
      check: ({ loss, input, param }) =>
        close(
          loss,
          refMae(
            logits(input, param, 2).map((z) => Math.tanh(z)),
            [0.25],
          ),
        ),
    }));

  it("huber(delta=0.5), both sides of delta", () =>
    run({
      src: prog(dense(4), "x: [B, 4], r: [B, 4]", "huber(m(x), r, delta=0.5)"),
      fill: { r: (q) => q.uniform(-2, 2) },
      check: ({ loss, input, param }) => {
        const p = logits(input, param, 4);
        const t = rows(input("r"), 4);
        const e = Array.from(p, (v, i) => Math.abs(v - t[i]));
        expect(e.some((v) => v < 0.45)).toBe(true);
        expect(e.some((v) => v > 0.55)).toBe(true);
        close(loss, refHuber(p, t, 0.5));
      },
    }));

  it("huber with Keras's default delta 1, [B] target against a [B, 1] prediction", () =>
    run({
      src: prog(dense(1), "x: [B, 4], r: [B]", "huber(m(x), r)"),
      fill: { r: (q) => q.uniform(-3, 3) },
      check: ({ loss, input, param }) => close(loss, refHuber(logits(input, param, 1), rows(input("r"), 1), 1)),
    }));

  it("mae and huber whose target depends on the parameters", () =>
    run({
      src: prog(dense(3), "x: [B, 4], r: [B, 3]", "mae(m(x) * 2, m(x) + r) + huber(m(x) * 3, m(x) - r, delta=0.3)"),
      fill: { r: (q) => q.uniform(-2, 2) },
    }));

  it("kl_divergence of a softmax against unnormalized positive targets", () =>
    run({
      src: prog(dense(4, "softmax"), "x: [B, 4], r: [B, 4]", "kl_divergence(m(x), r)"),
      fill: { r: (q) => q.uniform(0.01, 1) },
      check: ({ loss, input, param }) => {
        const p = Array.from(logits(input, param, 4));
        const soft: number[] = [];
        for (let r = 0; r < N; r++) {
          const row = p.slice(r * 4, r * 4 + 4);
          const s = row.reduce((a, v) => a + Math.exp(v), 0);
          soft.push(...row.map((v) => Math.exp(v) / s));
        }
        close(loss, refKl(soft, rows(input("r"), 4), 4));
      },
    }));

  it("kl_divergence clips: targets at 0 and predictions above 1", () =>
    run({
      src: prog(dense(3, "sigmoid"), "x: [B, 4], r: [B, 3]", "kl_divergence(m(x) * 1.5, r)"),
      fill: { r: (q) => (q.next() < 0.3 ? 0 : q.uniform(0.1, 1)) },
      gain: 3,
      check: ({ loss, input, param }) => {
        const p = logits(input, param, 3).map((z) => 1.5 * sigmoid(z));
        expect(p.some((v) => v > 1)).toBe(true);
        expect(rows(input("r"), 3).some((v) => v === 0)).toBe(true);
        close(loss, refKl(p, rows(input("r"), 3), 3));
      },
    }));
});

describe("from_logits and label_smoothing", () => {
  it("binary_crossentropy(from_logits=true) on a linear output", () =>
    run({
      fromLogits: true,
      src: prog(dense(3), "x: [B, 4], r: [B, 3]", "binary_crossentropy(m(x), r, from_logits=true)"),
      fill: { r: probs01 },
      gain: 3,
      check: ({ loss, input, param }) => close(loss, refBceLogits(logits(input, param, 3), rows(input("r"), 3), 0)),
    }));

  it("binary_crossentropy(from_logits=true, label_smoothing=0.2), scalar target", () =>
    run({
      src: prog(dense(2), "x: [B, 4]", "binary_crossentropy(m(x), 1, from_logits=true, label_smoothing=0.2)"),
      check: ({ mod, loss, input, param }) => {
        smoothedPath(mod.ts, true, 0.2);
        close(loss, refBceLogits(logits(input, param, 2), [1], 0.2));
      },
    }));

  it("binary_crossentropy(label_smoothing=0.1) of a sigmoid (read from its logits)", () =>
    run({
      src: prog(dense(3, "sigmoid"), "x: [B, 4], r: [B, 3]", "binary_crossentropy(m(x), r, label_smoothing=0.1)"),
      fill: { r: (q) => q.int(2) },
      check: ({ mod, loss, input, param }) => {
        smoothedPath(mod.ts, true, 0.1);
        close(loss, refBceLogits(logits(input, param, 3), rows(input("r"), 3), 0.1));
      },
    }));

  it("binary_crossentropy(label_smoothing=0.3) on probabilities", () =>
    run({
      src: prog(dense(3, "tanh"), "x: [B, 4], r: [B, 3]", "binary_crossentropy(0.5 * m(x) + 0.5, r, label_smoothing=0.3)"),
      fill: { r: (q) => q.int(2) },
      check: ({ mod, loss, input, param }) => {
        smoothedPath(mod.ts, false, 0.3);
        const p = logits(input, param, 3).map((z) => 0.5 * Math.tanh(z) + 0.5);
        close(
          loss,
          refBceLogits(
            p.map((v) => Math.log(v / (1 - v))),
            rows(input("r"), 3),
            0.3,
          ),
        );
      },
    }));

  it("categorical_crossentropy(from_logits=true, label_smoothing=0.1) on a linear output", () =>
    run({
      src: prog(dense(4), "x: [B, 4], r: [B, 4]", "categorical_crossentropy(m(x), r, from_logits=true, label_smoothing=0.1)"),
      fill: { r: (q) => q.uniform(0, 1) },
      gain: 3,
      check: ({ mod, loss, input, param }) => {
        smoothedPath(mod.ts, true, 0.1);
        close(loss, refCce(logits(input, param, 4), rows(input("r"), 4), 4, true, 0.1));
      },
    }));

  it("categorical_crossentropy(label_smoothing=0.2) of a softmax (read from its logits), one-hot targets", () =>
    run({
      src: prog(dense(5, "softmax"), "x: [B, 4], r: [B, 5]", "categorical_crossentropy(m(x), r, label_smoothing=0.2)"),
      fill: { r: (q) => (q.next() < 0.2 ? 1 : 0) },
      check: ({ mod, loss, input, param }) => {
        smoothedPath(mod.ts, true, 0.2);
        close(loss, refCce(logits(input, param, 5), rows(input("r"), 5), 5, true, 0.2));
      },
    }));

  it("categorical_crossentropy(label_smoothing=0.25) on probabilities (sigmoid outputs, normalized by Keras)", () =>
    run({
      src: prog(dense(4, "sigmoid"), "x: [B, 4], r: [B, 4]", "categorical_crossentropy(m(x), r, label_smoothing=0.25)"),
      fill: { r: (q) => q.uniform(0, 1) },
      check: ({ mod, loss, input, param }) => {
        smoothedPath(mod.ts, false, 0.25);
        close(loss, refCce(logits(input, param, 4).map(sigmoid), rows(input("r"), 4), 4, false, 0.25));
      },
    }));

  it("sparse_categorical_crossentropy(from_logits=true) on a linear output", () =>
    run({
      fromLogits: true,
      src: prog(dense(4), "x: [B, 4], y: [B]", "sparse_categorical_crossentropy(m(x), y, from_logits=true)"),
      fill: { y: (q) => q.int(4) },
      gain: 3,
      check: ({ loss, input, param }) => {
        const onehot = new Float64Array(N * 4);
        rows(input("y"), 1).forEach((l, r) => (onehot[r * 4 + l] = 1));
        close(loss, refCce(logits(input, param, 4), onehot, 4, true, 0));
      },
    }));

  it("from_logits=true after a softmax reads the softmax's output as logits (as Keras does)", () =>
    run({
      fromLogits: true,
      src: prog(dense(3, "softmax"), "x: [B, 4], r: [B, 3]", "categorical_crossentropy(m(x), r, from_logits=true)"),
      fill: { r: (q) => q.uniform(0, 1) },
      check: ({ loss, input, param }) => {
        const z = Array.from(logits(input, param, 3));
        const soft: number[] = [];
        for (let r = 0; r < N; r++) {
          const row = z.slice(r * 3, r * 3 + 3);
          const s = row.reduce((a, v) => a + Math.exp(v), 0);
          soft.push(...row.map((v) => Math.exp(v) / s));
        }
        close(loss, refCce(soft, rows(input("r"), 3), 3, true, 0));
      },
    }));
});
