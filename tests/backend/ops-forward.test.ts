// Forward values of ops against straightforward float64 reference implementations written
// from the Keras/TensorFlow definitions (tests/helpers/numerics.ts): NHWC convolution and
// pooling with TensorFlow's `same` padding split (the extra row/column at the bottom/right),
// softmax, activations, broadcasting and reductions, and the losses with Keras's semantics
// (mean over the batch, clipping to [1e-7, 1 − 1e-7], p/Σp for categorical probabilities).
// Tiny programs run on a float64 trainer with n = 3 valid rows of a batch of 4.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { windowOf } from "../../compiler/emit/geometry.js";
import {
  KERAS_EPSILON,
  randomParams,
  refBinaryCrossentropy,
  refCategoricalCrossentropy,
  refConv2d,
  refDense,
  refMse,
  refPool,
  refSoftmax,
  refSparseCategoricalCrossentropy,
  relL2,
  samePadding,
  setParam,
  sigmoid,
  TestRandom,
  type WindowSpec,
} from "../helpers/numerics.js";

const B = 4;
const N = 3;

interface Loaded {
  mod: TrainerModule;
  t: TrainerInstance;
  r: TestRandom;
}

async function trainer(src: string, seed = 99): Promise<Loaded> {
  const mod = await loadTrainer(src);
  const t = mod.createTrainer(new Rng(1), { batch: B, float64: true });
  const r = new TestRandom(seed);
  randomParams(mod, t, r);
  for (const arr of t.inputs) for (let i = 0; i < arr.length; i++) arr[i] = r.uniform(-1, 1);
  return { mod, t, r };
}

const param = (l: Loaded, name: string): Float64Array => {
  const p = l.mod.parameters.find((q) => q.name.endsWith(`/${name}`))!;
  return Float64Array.from(l.t.params.subarray(p.offset, p.offset + p.size));
};
const input = (l: Loaded, i: number, perRow: number): Float64Array => Float64Array.from(l.t.inputs[i].subarray(0, N * perRow));

/** Entrywise agreement to float64 rounding (sums of a few dozen terms). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= 1e-12 * (1 + Math.abs(expected[i]))))
      throw new Error(`${what} [${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}
const expectNum = (actual: number, expected: number, what = "loss") =>
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(expected)));

const simple = (model: string, loss = "mse") => `${model}\ntrain m {\n  loss ${loss}\n  optimizer sgd(lr=0.1)\n}\n`;

describe("TensorFlow `same` padding", () => {
  // [size, window, stride] → [out, before, after], worked out by hand from
  // out = ⌈size / stride⌉, total = max((out − 1)·stride + window − size, 0), before = ⌊total / 2⌋.
  const table: [number, number, number, number, number, number][] = [
    [5, 3, 1, 5, 1, 1],
    [4, 2, 1, 4, 0, 1],
    [6, 3, 2, 3, 0, 1],
    [5, 3, 2, 3, 1, 1],
    [7, 4, 3, 3, 1, 2],
    [28, 3, 1, 28, 1, 1],
    [5, 2, 2, 3, 0, 1],
    [4, 5, 1, 4, 2, 2],
    [3, 1, 2, 2, 0, 0],
  ];
  it.each(table)("size %i, window %i, stride %i → out %i, padding %i before, %i after", (size, window, stride, out, before, after) => {
    expect(samePadding(size, window, stride)).toEqual({ out, before, after });
    const g = windowOf(["B", size, size, 1], ["B", out, out, 1], { kernel: [window, window], strides: [stride, stride], padding: "same" });
    expect([g.pt, g.pl]).toEqual([before, before]);
  });
  it("valid padding has none", () => {
    const g = windowOf(["B", 7, 6, 2], ["B", 3, 5, 4], { kernel: [3, 2], strides: [2, 1], padding: "valid" });
    expect([g.pt, g.pl, g.kh, g.kw, g.sh, g.sw, g.oh, g.ow]).toEqual([0, 0, 3, 2, 2, 1, 3, 5]);
  });
});

describe("conv2d", () => {
  const cases: { x: [number, number, number]; f: number; spec: WindowSpec; bias?: boolean; asymmetric?: boolean }[] = [
    { x: [5, 6, 2], f: 3, spec: { window: [2, 3], strides: [1, 1], padding: "valid" } },
    { x: [7, 6, 2], f: 2, spec: { window: [3, 2], strides: [2, 1], padding: "valid" }, bias: false },
    { x: [5, 5, 1], f: 2, spec: { window: [3, 3], strides: [1, 1], padding: "same" } },
    { x: [6, 5, 2], f: 3, spec: { window: [3, 2], strides: [2, 2], padding: "same" }, asymmetric: true },
    { x: [4, 5, 3], f: 2, spec: { window: [2, 2], strides: [1, 2], padding: "same" }, asymmetric: true },
  ];
  for (const c of cases) {
    const s = c.spec;
    it(`${c.x.join("×")} × ${c.f} filters, kernel ${s.window.join("×")}, strides ${s.strides.join("×")}, ${s.padding}${c.bias === false ? ", no bias" : ""}`, async () => {
      const [h, w, ch] = c.x;
      const l = await trainer(
        simple(
          `model m(x: [B, ${h}, ${w}, ${ch}]) { x |> conv2d(${c.f}, kernel=[${s.window}], strides=[${s.strides}], padding=${s.padding}${c.bias === false ? ", use_bias=false" : ""}) }`,
        ),
      );
      const loss = l.t.evaluate!(N);
      const ref = refConv2d(input(l, 0, h * w * ch), [N, h, w, ch], param(l, "kernel"), c.bias === false ? null : param(l, "bias"), c.f, s);
      expect(l.mod.program.evaluation!.prediction.slice(1)).toEqual(ref.shape.slice(1));
      const pred = l.t.prediction!.subarray(0, ref.y.length);
      expectSame(pred, ref.y, "conv2d output");
      expectNum(loss, refMse(ref.y, input(l, 1, ref.y.length / N)));
      if (c.asymmetric) {
        // The test can tell the splits apart: the odd padding pixel on top/left gives other values.
        const flipped = refConv2d(input(l, 0, h * w * ch), [N, h, w, ch], param(l, "kernel"), param(l, "bias"), c.f, {
          ...s,
          flipSplit: true,
        });
        expect(relL2(pred, flipped.y)).toBeGreaterThan(0.05);
      }
    });
  }
});

describe("pooling", () => {
  const cases: { kind: "max" | "avg"; x: [number, number, number]; spec: WindowSpec; asymmetric?: boolean }[] = [
    { kind: "max", x: [6, 6, 2], spec: { window: [2, 2], strides: [2, 2], padding: "valid" } },
    { kind: "max", x: [5, 6, 2], spec: { window: [3, 2], strides: [1, 2], padding: "valid" } },
    { kind: "max", x: [5, 5, 2], spec: { window: [2, 2], strides: [2, 2], padding: "same" }, asymmetric: true },
    { kind: "max", x: [6, 5, 1], spec: { window: [3, 3], strides: [2, 1], padding: "same" } },
    { kind: "avg", x: [6, 6, 2], spec: { window: [3, 3], strides: [2, 2], padding: "valid" } },
    { kind: "avg", x: [5, 5, 2], spec: { window: [2, 2], strides: [2, 2], padding: "same" }, asymmetric: true },
    { kind: "avg", x: [4, 5, 1], spec: { window: [2, 3], strides: [1, 2], padding: "same" }, asymmetric: true },
  ];
  for (const c of cases) {
    const s = c.spec;
    it(`${c.kind}pool2d ${c.x.join("×")}, pool ${s.window.join("×")}, strides ${s.strides.join("×")}, ${s.padding}`, async () => {
      const [h, w, ch] = c.x;
      const l = await trainer(
        simple(
          `model m(x: [B, ${h}, ${w}, ${ch}]) { x |> dense(${ch}) |> ${c.kind}pool2d([${s.window}], strides=[${s.strides}], padding=${s.padding}) }`,
        ),
      );
      // The dense layer is the identity, so the pool sees x itself (negative values too:
      // max-pooling of a `same` window must not see the padding as a 0).
      setParam(
        l.mod,
        l.t,
        "dense/kernel",
        Array.from({ length: ch * ch }, (_, i) => (i % (ch + 1) === 0 ? 1 : 0)),
      );
      setParam(l.mod, l.t, "dense/bias", new Array(ch).fill(0));
      for (let i = 0; i < l.t.inputs[0].length; i++) l.t.inputs[0][i] = l.r.uniform(-2, -0.5);
      const loss = l.t.evaluate!(N);
      const ref = refPool(c.kind, input(l, 0, h * w * ch), [N, h, w, ch], s);
      expect(l.mod.program.evaluation!.prediction.slice(1)).toEqual(ref.shape.slice(1));
      const pred = l.t.prediction!.subarray(0, ref.y.length);
      expectSame(pred, ref.y, `${c.kind}pool2d output`);
      expectNum(loss, refMse(ref.y, input(l, 1, ref.y.length / N)));
      if (c.asymmetric) {
        const flipped = refPool(c.kind, input(l, 0, h * w * ch), [N, h, w, ch], { ...s, flipSplit: true });
        expect(relL2(pred, flipped.y)).toBeGreaterThan(0.01);
      }
    });
  }

  it("avgpool2d `same` averages only the real inputs at the border (hand-computed)", async () => {
    // One 3×3 image 1..9, pool 2, stride 2, same: out 2×2, padding 0 before, 1 after.
    const l = await trainer(simple("model m(x: [B, 3, 3, 1]) { x |> dense(1, use_bias=false) |> avgpool2d(2, padding=same) }"));
    setParam(l.mod, l.t, "dense/kernel", [1]);
    for (let i = 0; i < 9; i++) l.t.inputs[0][i] = i + 1;
    l.t.evaluate!(1);
    expectSame(l.t.prediction!.subarray(0, 4), [(1 + 2 + 4 + 5) / 4, (3 + 6) / 2, (7 + 8) / 2, 9], "avgpool2d");
  });
});

describe("activations and softmax", () => {
  const identity = (l: Loaded, c: number) => {
    setParam(
      l.mod,
      l.t,
      "dense/kernel",
      Array.from({ length: c * c }, (_, i) => (i % (c + 1) === 0 ? 1 : 0)),
    );
    setParam(l.mod, l.t, "dense/bias", new Array(c).fill(0));
  };
  const xs = [-800, -3, -1e-3, 0.5, 2, 40, 700, -0.25];
  const cases: [string, (v: number) => number][] = [
    ["relu", (v) => Math.max(v, 0)],
    ["sigmoid", sigmoid],
    ["tanh", Math.tanh],
    ["leaky_relu", (v) => (v > 0 ? v : 0.3 * v)],
    ["leaky_relu(0.2)", (v) => (v > 0 ? v : 0.2 * v)],
    ["linear", (v) => v],
  ];
  for (const [name, f] of cases) {
    it(`${name}${name === "leaky_relu" ? " (Keras's default slope 0.3)" : ""}, stable at large |x|`, async () => {
      const l = await trainer(simple(`model m(x: [B, 8]) { x |> dense(8, activation=${name}) }`));
      identity(l, 8);
      for (let r = 0; r < B; r++) for (let j = 0; j < 8; j++) l.t.inputs[0][r * 8 + j] = xs[j] * (r + 1) * 0.5;
      l.t.evaluate!(N);
      const want = Array.from({ length: N * 8 }, (_, i) => f(l.t.inputs[0][i]));
      expectSame(l.t.prediction!.subarray(0, N * 8), want, name);
    });
  }

  it("softmax on the last axis, stable for large logits", async () => {
    const l = await trainer(simple("model m(x: [B, 4]) { x |> dense(4, activation=softmax) }", "categorical_crossentropy"));
    identity(l, 4);
    const rows = [
      [1, 2, 3, 4],
      [1000, 1001, 999, 1000],
      [-1000, -999, -1001, -1000],
      [0, 0, 0, 0],
    ];
    rows.flat().forEach((v, i) => (l.t.inputs[0][i] = v));
    l.t.evaluate!(N);
    const want = refSoftmax(
      rows
        .slice(0, N)
        .flat()
        .map((v, i) => v - Math.max(...rows[Math.floor(i / 4)])),
      [N, 4],
      -1,
    );
    expectSame(l.t.prediction!.subarray(0, N * 4), want, "softmax");
    expect(want[4]).toBeGreaterThan(0.1); // the large logits really are large, and fine
  });

  it("softmax on another axis", async () => {
    const l = await trainer(simple("model m(x: [B, 3, 4]) { x |> dense(4) |> softmax(axis=1) }"));
    const z = refDense(input(l, 0, 12), param(l, "kernel"), param(l, "bias"), N * 3, 4, 4);
    l.t.evaluate!(N);
    const want = refSoftmax(z, [N, 3, 4], 1);
    expectSame(l.t.prediction!.subarray(0, N * 12), want, "softmax(axis=1)");
    // Each column (over axis 1) sums to 1.
    for (let b = 0; b < N; b++)
      for (let j = 0; j < 4; j++) expectNum(want[b * 12 + j] + want[b * 12 + 4 + j] + want[b * 12 + 8 + j], 1, "column sum");
  });
});

describe("broadcasting and reductions", () => {
  it("a [C] vector, a [B, 1] column and scalars against [B, C]; sum and mean over axes", async () => {
    const l = await trainer(
      simple(
        "model m(x: [B, 3]) {\n  let a = x |> dense(3)\n  let v = mean(a, axis=0)\n  let c = sum(a, axis=1, keepdims=true);\n  (a - v) / (c * c + 2) + 2 * v - c / 4 + mean(a) - sum(a, axis=[0, 1], keepdims=true)\n}",
      ),
    );
    const x = input(l, 0, 3);
    const k = param(l, "kernel");
    const bias = param(l, "bias");
    const a = refDense(x, k, bias, N, 3, 3);
    const v = [0, 1, 2].map((j) => (a[j] + a[3 + j] + a[6 + j]) / N);
    const c = [0, 1, 2].map((r) => a[r * 3] + a[r * 3 + 1] + a[r * 3 + 2]);
    const total = a.reduce((s, q) => s + q, 0);
    const want = Array.from({ length: N * 3 }, (_, i) => {
      const r = Math.floor(i / 3);
      const j = i % 3;
      return (a[i] - v[j]) / (c[r] * c[r] + 2) + 2 * v[j] - c[r] / 4 + total / (N * 3) - total;
    });
    l.t.evaluate!(N);
    expectSame(l.t.prediction!.subarray(0, N * 3), want, "broadcasting");
  });
});

describe("dropout", () => {
  it("is inverted in training (kept values scaled by 1/(1 − rate), about `rate` dropped) and off in evaluation", async () => {
    const l = await trainer(simple("model m(x: [B, 500]) { x |> dense(500, use_bias=false) |> dropout(0.3) }"));
    const I = new Float64Array(500 * 500);
    for (let i = 0; i < 500; i++) I[i * 501] = 1;
    setParam(l.mod, l.t, "dense/kernel", I);
    for (let i = 0; i < l.t.inputs[0].length; i++) l.t.inputs[0][i] = l.r.uniform(0.5, 1.5);
    l.t.evaluate!(N);
    expectSame(l.t.prediction!.subarray(0, N * 500), l.t.inputs[0].subarray(0, N * 500), "evaluation");
    // Training: the loss is mse(x·mask, y); recover the mask from a zero target.
    l.t.inputs[1].fill(0);
    const loss = l.t.forward[0](N);
    const mask = l.t.trace.find((e) => e.name.endsWith("_mask"))!.data.subarray(0, N * 500);
    let kept = 0;
    let sq = 0;
    for (let i = 0; i < mask.length; i++) {
      expect(mask[i] === 0 || mask[i] === 1 / 0.7).toBe(true);
      if (mask[i] !== 0) kept++;
      sq += (l.t.inputs[0][i] * mask[i]) ** 2;
    }
    expect(Math.abs(1 - kept / mask.length - 0.3)).toBeLessThan(0.03);
    expectNum(loss, sq / mask.length);
  });
});

describe("losses (Keras semantics: mean over the batch)", () => {
  /** A model that passes its input through exactly (identity kernel, zero bias). */
  async function lossProgram(c: number, loss: string, inputs: string, rowsPerSample = ""): Promise<Loaded> {
    const shape = rowsPerSample ? `[B, ${rowsPerSample}, ${c}]` : `[B, ${c}]`;
    const l = await trainer(
      `model m(x: ${shape}) { x |> dense(${c}) }\ntrain t(x: ${shape}${inputs}) {\n  step m with sgd(lr=0.1) minimize ${loss}\n}\n`,
    );
    setParam(
      l.mod,
      l.t,
      "dense/kernel",
      Array.from({ length: c * c }, (_, i) => (i % (c + 1) === 0 ? 1 : 0)),
    );
    setParam(l.mod, l.t, "dense/bias", new Array(c).fill(0));
    return l;
  }
  const put = (arr: ArrayLike<number> & { [i: number]: number }, values: readonly number[]) => values.forEach((v, i) => (arr[i] = v));
  const LOG_EPS = -Math.log(KERAS_EPSILON); // 16.11809565095832

  it("mse: full target, scalar target, [B] target against [B, 1]", async () => {
    let l = await lossProgram(2, "mse(m(x), r)", ", r: [B, 2]");
    put(l.t.inputs[0], [1, 2, 3, 4, 5, 6, 100, 100]);
    put(l.t.inputs[1], [0, 0, 1, 1, 2, 2, 0, 0]);
    expectNum(l.t.forward[0](N), (1 + 4 + 4 + 9 + 9 + 16) / 6);
    l = await lossProgram(2, "mse(m(x), 0.5)", "");
    put(l.t.inputs[0], [1, 2, 3, 4, 5, 6, 100, 100]);
    expectNum(l.t.forward[0](N), refMse([1, 2, 3, 4, 5, 6], [0.5]));
    l = await lossProgram(1, "mse(m(x), r)", ", r: [B]");
    put(l.t.inputs[0], [1, 2, 3, 100]);
    put(l.t.inputs[1], [0, 0, 5, 0]);
    expectNum(l.t.forward[0](N), (1 + 4 + 4) / 3);
  });

  it("binary_crossentropy on probabilities clips to [1e-7, 1 − 1e-7]", async () => {
    const l = await lossProgram(2, "binary_crossentropy(m(x), r)", ", r: [B, 2]");
    put(l.t.inputs[0], [0, 1, 0.25, 1e-9, 1, 0.5, 0.3, 0.3]);
    put(l.t.inputs[1], [1, 0, 1, 1, 0.5, 0, 0, 0]);
    const want =
      (LOG_EPS +
        -Math.log(1 - (1 - KERAS_EPSILON)) +
        -Math.log(0.25) +
        LOG_EPS +
        -(0.5 * Math.log(1 - KERAS_EPSILON) + 0.5 * Math.log(1 - (1 - KERAS_EPSILON))) +
        -Math.log(0.5)) /
      6;
    expectNum(l.t.forward[0](N), want);
    expectNum(want, refBinaryCrossentropy([0, 1, 0.25, 1e-9, 1, 0.5], [1, 0, 1, 1, 0.5, 0], false), "reference");
    expect(want).toBeGreaterThan(5); // the clipped entries dominate: −log(1e-7) ≈ 16.1
  });

  it("binary_crossentropy from logits (after sigmoid), stable for large logits", async () => {
    const l = await lossProgram(2, "binary_crossentropy(sigmoid(m(x)), r)", ", r: [B, 2]");
    const z = [50, -50, 0.3, -2, 800, -800];
    const y = [0, 1, 0.9, 0, 1, 1];
    put(l.t.inputs[0], [...z, 1, 1]);
    put(l.t.inputs[1], [...y, 0, 0]);
    // max(z, 0) − z·t + log(1 + e^−|z|), the stable form of −(t·log σ(z) + (1 − t)·log(1 − σ(z))).
    const want = z.reduce((s, v, i) => s + Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v))), 0) / 6;
    expectNum(l.t.forward[0](N), want);
    expect(want).toBeGreaterThan(100); // not clipped: a probability path would cap each term at 16.1
    // Moderate logits: the same as the plain formula on σ(z).
    put(l.t.inputs[0], [0.3, -2, 1.5, 0.1, -0.7, 2]);
    expectNum(l.t.forward[0](N), refBinaryCrossentropy([0.3, -2, 1.5, 0.1, -0.7, 2], y, true));
  });

  it("categorical_crossentropy on probabilities: p/Σp, then clipped", async () => {
    const l = await lossProgram(3, "categorical_crossentropy(m(x), r)", ", r: [B, 3]");
    put(l.t.inputs[0], [0.2, 0.2, 0.4, 0, 0.5, 0.5, 2, 1, 1, 1, 1, 1]);
    put(l.t.inputs[1], [0, 0, 1, 1, 0, 0, 0.5, 0.25, 0.25, 1, 0, 0]);
    // Row 1: −log(0.4/0.8) = log 2; row 2: −log(clip(0)) = −log(1e-7); row 3: soft target on (0.5, 0.25, 0.25).
    const want = (Math.log(2) + LOG_EPS + -(0.5 * Math.log(0.5) + 0.5 * Math.log(0.25))) / 3;
    expectNum(l.t.forward[0](N), want);
    expectNum(
      want,
      refCategoricalCrossentropy([0.2, 0.2, 0.4, 0, 0.5, 0.5, 2, 1, 1], [0, 0, 1, 1, 0, 0, 0.5, 0.25, 0.25], 3, false),
      "reference",
    );
  });

  it("categorical_crossentropy from logits (after softmax), stable, rank 3 averaged over batch × steps", async () => {
    const l = await lossProgram(3, "categorical_crossentropy(softmax(m(x)), r)", ", r: [B, 2, 3]", "2");
    const z = [1, 2, 3, 1000, 0, -1000, -5, 5, 0, 0.1, 0.2, 0.3, 7, 7, 7, 2, -2, 0];
    const t = [0, 0, 1, 0, 1, 0, 0.5, 0.5, 0, 1, 0, 0, 0, 1, 0, 0.2, 0.3, 0.5];
    put(l.t.inputs[0], [...z, 9, 9, 9, 9, 9, 9]);
    put(l.t.inputs[1], [...t, 1, 0, 0, 1, 0, 0]);
    const got = l.t.forward[0](N);
    expectNum(got, refCategoricalCrossentropy(z, t, 3, true));
    expect(got).toBeGreaterThan(1000 / 6); // the 1000-vs-0 row is not clipped
  });

  it("sparse_categorical_crossentropy from logits and on probabilities (p/Σp, clipped)", async () => {
    let l = await lossProgram(3, "sparse_categorical_crossentropy(softmax(m(x)), y)", ", y: [B]");
    const z = [1, 2, 3, 1000, 0, -1000, -5, 5, 0];
    put(l.t.inputs[0], [...z, 0, 0, 0]);
    put(l.t.inputs[1], [2, 1, 0, 1]);
    expectNum(
      l.t.forward[0](N),
      (Math.log(Math.exp(-2) + Math.exp(-1) + 1) + 1000 + (10 + Math.log(Math.exp(-10) + 1 + Math.exp(-5)))) / 3,
    );
    l = await lossProgram(3, "sparse_categorical_crossentropy(m(x), y)", ", y: [B]");
    put(l.t.inputs[0], [0.2, 0.2, 0.4, 0, 0.5, 0.5, 2, 1, 1, 1, 1, 1]);
    put(l.t.inputs[1], [2, 0, 1, 0]);
    const want = (Math.log(2) + LOG_EPS + Math.log(4)) / 3;
    expectNum(l.t.forward[0](N), want);
    expectNum(want, refSparseCategoricalCrossentropy([0.2, 0.2, 0.4, 0, 0.5, 0.5, 2, 1, 1], [2, 0, 1], 3, false), "reference");
  });

  it("the simple form: integer labels, softmax output, evaluation over n rows", async () => {
    const l = await trainer(simple("model m(x: [B, 3]) { x |> dense(3, activation=softmax) }", "sparse_categorical_crossentropy"));
    setParam(l.mod, l.t, "dense/kernel", [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    setParam(l.mod, l.t, "dense/bias", [0, 0, 0]);
    expect(l.t.inputs[1]).toBeInstanceOf(Int32Array);
    put(l.t.inputs[0], [1, 2, 3, 0, 0, 0, 3, 2, 1, 50, 50, 50]);
    put(l.t.inputs[1], [2, 1, 0, 7]);
    const want = refSparseCategoricalCrossentropy([1, 2, 3, 0, 0, 0, 3, 2, 1], [2, 1, 0], 3, true);
    expectNum(l.t.evaluate!(N), want);
    expectNum(l.t.forward[0](N), want);
  });
});

describe("float32 and float64 trainers agree", () => {
  it("a small CNN's forward loss", async () => {
    const src = simple(
      "model m(x: [B, 8, 8, 1]) { x |> conv2d(4, kernel=3, padding=same, activation=relu) |> maxpool2d(2) |> flatten() |> dense(5, activation=softmax) }",
      "sparse_categorical_crossentropy",
    );
    const mod = await loadTrainer(src);
    const t64 = mod.createTrainer(new Rng(1), { batch: B, float64: true });
    const t32 = mod.createTrainer(new Rng(1), { batch: B });
    const r = new TestRandom(3);
    randomParams(mod, t64, r);
    t32.params.set(t64.params);
    t64.params.set(t32.params); // float32-representable parameters in both
    for (let i = 0; i < t64.inputs[0].length; i++) t32.inputs[0][i] = t64.inputs[0][i] = Math.fround(r.uniform(0, 1));
    for (let i = 0; i < B; i++) t32.inputs[1][i] = t64.inputs[1][i] = r.int(5);
    const l64 = t64.forward[0](N);
    const l32 = t32.forward[0](N);
    expect(Math.abs(l32 - l64) / l64).toBeLessThan(1e-6);
  });
});
