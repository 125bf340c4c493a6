// Every op's VJP against float64 central finite differences (docs/architecture.md §5), through tiny
// programs compiled in-process: a float64 trainer's `trainStep` gives the analytic
// gradient of step 0's loss for every parameter of the step's model, and the forward pass
// differenced one parameter at a time gives the numeric one. A layer with parameters sits
// before each op under test, so the op's input gradient is checked through that layer's
// parameters. Per tensor: relative L2 ≤ 1e-6 and |a − b| ≤ 1e-4·|b| + 1e-6·max|b|.
//
// Inputs are drawn away from kinks (relu at 0, max-pool ties, the clipping bounds of
// cross-entropy on probabilities) by the continuous random data; the batch holds B = 4
// rows of which the step uses n = 3, so the masking of the last batch is checked too
// (the fourth row is filled with data that must not matter). A few cases also check the
// forward loss against an independent float64 computation (tests/helpers/numerics.ts).
import { describe, expect, it } from "vitest";
import { B, close, N, prog, rows, run, type Fill } from "../helpers/gradcase.js";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import {
  findParam,
  paramSlice,
  randomParams,
  TestRandom,
  refBinaryCrossentropy,
  refCategoricalCrossentropy,
  refConv2d,
  refDense,
  refMse,
  refSoftmax,
  refSparseCategoricalCrossentropy,
  setParam,
  sigmoid,
} from "../helpers/numerics.js";

describe("layers", () => {
  it("dense with bias on [B, 4]", () =>
    run({ src: prog("model m(x: [B, 4]) { x |> dense(3) }", "x: [B, 4], r: [B, 3]", "sum(m(x) * r)") }));

  it("dense without bias on a rank-3 input, then dense with bias on rank 3", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 4]) { x |> dense(5, use_bias=false, activation=tanh) |> dense(2) }",
        "x: [B, 3, 4], r: [B, 3, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("conv2d valid, stride 1, non-square kernel, 2 → 3 → 2 channels", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 6, 2]) { x |> conv2d(3, kernel=[2, 3]) |> conv2d(2, kernel=2, activation=tanh) }",
        "x: [B, 5, 6, 2], r: [B, 3, 3, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("conv2d same, stride 2, non-square kernel (padding split 0/1 on both axes)", () =>
    run({
      src: prog(
        "model m(x: [B, 7, 6, 2]) { x |> conv2d(3, kernel=2) |> conv2d(4, kernel=[3, 2], strides=2, padding=same) }",
        "x: [B, 7, 6, 2], r: [B, 3, 3, 4]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        // Forward: both convolutions recomputed with explicit TensorFlow `same` padding.
        const a = refConv2d(rows(input("x"), 84), [N, 7, 6, 2], param("conv2d/kernel"), param("conv2d/bias"), 3, {
          window: [2, 2],
          strides: [1, 1],
          padding: "valid",
        });
        const y = refConv2d(a.y, a.shape, param("conv2d_1/kernel"), param("conv2d_1/bias"), 4, {
          window: [3, 2],
          strides: [2, 2],
          padding: "same",
        });
        expect(y.shape).toEqual([N, 3, 3, 4]);
        const r = input("r");
        close(
          loss,
          y.y.reduce((s, v, i) => s + v * r[i], 0),
        );
      },
    }));

  it("conv1d valid then conv1d same, stride 2, without bias (Keras Conv1D: kernel [k, in, filters])", () =>
    run({
      src: prog(
        "model m(x: [B, 9, 2]) { x |> conv1d(3, kernel=3, activation=tanh) |> conv1d(2, kernel=2, strides=2, padding=same, use_bias=false) }",
        "x: [B, 9, 2], r: [B, 4, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param, mod }) => {
        expect(mod.parameters.find((p) => p.name === "m/conv1d/kernel")?.shape).toEqual([3, 2, 3]);
        // Forward: a 1-D convolution is a 2-D one over a [N, 1, steps, c] view ([k, in, f] = [1, k, in, f] in memory).
        const a = refConv2d(rows(input("x"), 18), [N, 1, 9, 2], param("conv1d/kernel"), param("conv1d/bias"), 3, {
          window: [1, 3],
          strides: [1, 1],
          padding: "valid",
        });
        const y = refConv2d(Float64Array.from(a.y, Math.tanh), a.shape, param("conv1d_1/kernel"), null, 2, {
          window: [1, 2],
          strides: [1, 2],
          padding: "same",
        });
        expect(y.shape).toEqual([N, 1, 4, 2]);
        const r = input("r");
        close(
          loss,
          y.y.reduce((s, v, i) => s + v * r[i], 0),
          1e-10,
        );
      },
    }));

  it("conv2d same, stride [1, 2], even kernel", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 5, 2]) { x |> conv2d(3, kernel=1) |> conv2d(2, kernel=[2, 3], strides=[1, 2], padding=same) }",
        "x: [B, 4, 5, 2], r: [B, 4, 3, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("conv2d valid, strides [2, 1], without bias", () =>
    run({
      src: prog(
        "model m(x: [B, 7, 6, 2]) { x |> conv2d(3, kernel=2, activation=tanh) |> conv2d(2, kernel=3, strides=[2, 1], use_bias=false) }",
        "x: [B, 7, 6, 2], r: [B, 2, 3, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("maxpool2d valid, pool 2, stride 1 (overlapping windows)", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 5, 2]) { x |> conv2d(3, kernel=2) |> maxpool2d(2, strides=1) }",
        "x: [B, 5, 5, 2], r: [B, 3, 3, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("maxpool2d same, pool 3, stride 2", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 6, 2]) { x |> conv2d(3, kernel=2) |> maxpool2d(3, strides=2, padding=same) }",
        "x: [B, 5, 6, 2], r: [B, 2, 3, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("maxpool2d valid, pool [3, 2], strides [2, 1]", () =>
    run({
      src: prog(
        "model m(x: [B, 6, 5, 1]) { x |> conv2d(2, kernel=2) |> maxpool2d([3, 2], strides=[2, 1]) }",
        "x: [B, 6, 5, 1], r: [B, 2, 3, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("avgpool2d valid, pool 3, stride 2", () =>
    run({
      src: prog(
        "model m(x: [B, 6, 6, 2]) { x |> conv2d(3, kernel=2) |> avgpool2d(3, strides=2) }",
        "x: [B, 6, 6, 2], r: [B, 2, 2, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("avgpool2d same, pool 2, stride 1 (partial windows at the bottom/right)", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 5, 2]) { x |> conv2d(3, kernel=2) |> avgpool2d(2, strides=1, padding=same) }",
        "x: [B, 5, 5, 2], r: [B, 4, 4, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("avgpool2d same, pool [3, 2], strides [2, 3]", () =>
    run({
      src: prog(
        "model m(x: [B, 6, 6, 1]) { x |> conv2d(2, kernel=2) |> avgpool2d([3, 2], strides=[2, 3], padding=same) }",
        "x: [B, 6, 6, 1], r: [B, 3, 2, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("flatten between a convolution and a dense layer", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 4, 1]) { x |> conv2d(2, kernel=2, strides=2) |> flatten() |> dense(3) }",
        "x: [B, 4, 4, 1], r: [B, 3]",
        "sum(m(x) * m(x) * r)",
      ),
    }));

  it("reshape with -1", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { x |> dense(12, activation=tanh) |> reshape([-1, 3]) |> dense(2) }",
        "x: [B, 4], r: [B, 4, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("dropout (masks fixed by replaying the RNG)", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { x |> dense(6, activation=tanh) |> dropout(0.4) |> dense(2) }",
        "x: [B, 4], r: [B, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ mod, t }) => {
        // Some entries of the mask are dropped and the others scaled by 1/(1 − 0.4).
        const mask = t.trace.find((e) => e.name.endsWith("_mask"));
        expect(mask, mod.ts).toBeDefined();
        const m = Array.from(mask!.data.subarray(0, N * 6));
        expect(m.some((v) => v === 0)).toBe(true);
        expect(m.every((v) => v === 0 || Math.abs(v - 1 / 0.6) < 1e-15)).toBe(true);
      },
    }));

  it("lstm: return_sequences into a second lstm (input gradient through the dense layer before)", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 2]) { x |> dense(2, activation=tanh) |> lstm(3, return_sequences=true) |> lstm(2) }",
        "x: [B, 3, 2], r: [B, 2]",
        "sum(m(x) * r)",
      ),
      gain: 2,
    }));

  it("lstm: the sequence output", () =>
    run({
      src: prog("model m(x: [B, 4, 2]) { x |> lstm(3, return_sequences=true) |> dense(2) }", "x: [B, 4, 2], r: [B, 4, 2]", "sum(m(x) * r)"),
      gain: 2,
    }));

  it("normal and uniform noise (replayed)", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { (x |> dense(3)) * uniform([3], low=0.5, high=1.5) + normal([B, 3], std=0.5) |> tanh |> dense(2) }",
        "x: [B, 4], r: [B, 2]",
        "sum(m(x) * r)",
      ),
    }));
});

describe("activations", () => {
  const act = (a: string) => prog(`model m(x: [B, 4]) { x |> dense(5) |> ${a} |> dense(3) }`, "x: [B, 4], r: [B, 3]", "sum(m(x) * r)");
  it("relu", () => run({ src: act("relu") }));
  it("sigmoid", () => run({ src: act("sigmoid") }));
  it("tanh", () => run({ src: act("tanh") }));
  it("leaky_relu (default slope)", () => run({ src: act("leaky_relu") }));
  it("leaky_relu(0.1) as a layer's activation", () =>
    run({
      src: prog("model m(x: [B, 4]) { x |> dense(5, activation=leaky_relu(0.1)) |> dense(3) }", "x: [B, 4], r: [B, 3]", "sum(m(x) * r)"),
    }));
  it("elu (default alpha)", () => run({ src: act("elu") }));
  it("elu(0.5) as a layer's activation", () =>
    run({
      src: prog("model m(x: [B, 4]) { x |> dense(5, activation=elu(0.5)) |> dense(3) }", "x: [B, 4], r: [B, 3]", "sum(m(x) * r)"),
    }));
  it("linear", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { x |> dense(5, activation=linear) |> linear |> dense(3) }",
        "x: [B, 4], r: [B, 3]",
        "sum(m(x) * m(x) * r)",
      ),
    }));
  it("softmax on the last axis", () => run({ src: act("softmax") }));
  it("softmax on another axis", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 4]) { x |> dense(4, activation=tanh) |> softmax(axis=1) }",
        "x: [B, 3, 4], r: [B, 3, 4]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const z = refDense(rows(input("x"), 12), param("dense/kernel"), param("dense/bias"), N * 3, 4, 4);
        const y = refSoftmax(z.map(Math.tanh), [N, 3, 4], 1);
        const r = input("r");
        close(
          loss,
          y.reduce((s, v, i) => s + v * r[i], 0),
        );
      },
    }));
});

describe("arithmetic", () => {
  it("+ − * / on equal shapes", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) {\n  let a = x |> dense(4)\n  let b = x |> dense(4, activation=tanh);\n  ((a + b) * (a - b)) / (b * b + 1)\n}",
        "x: [B, 4], r: [B, 4]",
        "sum(m(x) * r)",
      ),
    }));

  it("broadcasting both ways: a [C] vector and a [B, 1] column against [B, C], and [B, 1] with [C]", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) {\n  let a = x |> dense(4)\n  let b = x |> dense(4, activation=tanh)\n  let v = mean(b, axis=0)\n  let c = sum(a, axis=1, keepdims=true)\n  a * v + (c - v) / (v * v + 1) - v / (c * c + 1) + b / (1 + c * c) - (c + v) * b\n}",
        "x: [B, 4], r: [B, 4]",
        "sum(m(x) * r)",
      ),
    }));

  it("scalar constants on either side", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) {\n  let a = x |> dense(3)\n  2 * a - 1 + a / 2 + 0.5 - a + 1 / (a * a + 2) + (3 - a) * 0.25\n}",
        "x: [B, 4], r: [B, 3]",
        "sum(m(x) * m(x) * r)",
      ),
    }));

  it("unary minus", () =>
    run({ src: prog("model m(x: [B, 4]) { -(x |> dense(3)) * (x |> dense(3)) }", "x: [B, 4], r: [B, 3]", "sum(-m(x) * r)") }));

  it("@ with a rank-3 left side (both operands depend on parameters)", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 4], z: [B, 5, 3]) {\n  let h = x |> dense(5, activation=tanh)\n  h @ mean(z |> dense(2), axis=0)\n}",
        "x: [B, 3, 4], z: [B, 5, 3], r: [B, 3, 2]",
        "sum(m(x, z) * r)",
      ),
    }));

  it("matmul with a rank-2 left side", () =>
    run({
      src: prog(
        "model m(x: [B, 4], z: [B, 5, 3]) { matmul(x |> dense(5), sum(z |> dense(2), axis=0)) }",
        "x: [B, 4], z: [B, 5, 3], r: [B, 2]",
        "sum(m(x, z) * m(x, z) * r)",
      ),
    }));
});

describe("reductions", () => {
  it("sum and mean: all axes, one axis, several axes, negative axes, keepdims, the batch axis", () =>
    run({
      src:
        "model m(x: [B, 3, 4]) { x |> dense(4, activation=tanh) }\n" +
        "train t(x: [B, 3, 4], r1: [B, 4], r2: [B, 3, 1]) {\n" +
        "  let h = m(x)\n" +
        "  step m with sgd(lr=0.1) minimize\n" +
        "    sum(sum(h, axis=1) * r1) + mean(h) * mean(h) + sum(mean(h, axis=-1, keepdims=true) * r2) +\n" +
        "    sum(sum(h, axis=[0, 2]) * sum(h, axis=[0, 2])) + mean(mean(h, axis=0, keepdims=true) * h) + (sum(h, axis=[-2, -1], keepdims=true) |> sum)\n" +
        "}\n",
    }));
});

describe("plumbing", () => {
  it("stop_gradient: the gradient of a·stop_gradient(a) is half that of a·a", () =>
    run({
      src: prog("model m(x: [B, 4]) {\n  let a = x |> dense(3)\n  a * stop_gradient(a)\n}", "x: [B, 4], r: [B, 3]", "sum(m(x) * r)"),
      scale: { "dense/kernel": 0.5, "dense/bias": 0.5 },
    }));

  it("stop_gradient: parameters behind it get no gradient", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) {\n  let a = x |> dense(3)\n  let b = stop_gradient(a) |> dense(3)\n  b * b\n}",
        "x: [B, 4], r: [B, 3]",
        "sum(m(x) * r)",
      ),
      scale: { "m/dense/kernel": 0, "m/dense/bias": 0 },
    }));

  it("a value used several times (gradients accumulate)", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) {\n  let a = x |> dense(3, activation=tanh);\n  (a * a + a - a / (a * a + 1)) |> dense(2)\n}",
        "x: [B, 4], r: [B, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("two calls of one model share its weights", () =>
    run({
      src:
        "model f(x: [B, 3]) { x |> dense(3, activation=tanh) }\nmodel m(x: [B, 3]) { f(f(x)) + f(x) |> dense(2) }\n" +
        "train t(x: [B, 3], r: [B, 2]) {\n  step m with sgd(lr=0.1) minimize sum(m(x) * r) + sum(m(x * 0.5) * r)\n}\n",
    }));

  it("a step on the called model alone", () =>
    run({ src: "model f(x: [B, 3]) { x |> dense(3, activation=tanh) }\n" + prog("", "x: [B, 3], r: [B, 3]", "sum(f(f(x)) * r)", "f") }));

  // A parameter that a step trains but its loss does not reach has the gradient `null`
  // ("unreached, zero" in train-ir.ts). An earlier step may have written its slice of
  // `grads` in the same batch, so the backward function zeroes it (compiler/emit/trainer/
  // steps.ts) and the later step's optimizer does not apply that gradient again.
  it("a parameter the step's loss does not reach is not updated with an earlier step's gradient", async () => {
    const mod = await loadTrainer(
      "model f(x: [B, 3]) { x |> dense(3) }\nmodel m(x: [B, 3]) { stop_gradient(f(x)) |> dense(2) }\n" +
        "train t(x: [B, 3], r: [B, 3], q: [B, 2]) {\n  step f with sgd(lr=0.1) minimize sum(f(x) * r)\n  step m with sgd(lr=0.1) minimize sum(m(x) * q)\n}\n",
    );
    const t = mod.createTrainer(new Rng(1), { batch: B, float64: true });
    const r = new TestRandom(5);
    randomParams(mod, t, r);
    for (const a of t.inputs) for (let i = 0; i < a.length; i++) a[i] = r.uniform(-1, 1);
    const kernel = findParam(mod, "f/dense/kernel");
    const bias = findParam(mod, "f/dense/bias");
    const k0 = paramSlice(t, kernel);
    const b0 = paramSlice(t, bias);
    expect(t.trainStep(N)).toBe(-1);
    // Only step f moves f: by −0.1 × (Σ_b xᵀ·r, Σ_b r).
    const [x, rr] = t.inputs;
    const want = (i: number, j: number) =>
      k0[i * 3 + j] - 0.1 * [0, 1, 2].slice(0, N).reduce((s, b) => s + x[b * 3 + i] * rr[b * 3 + j], 0);
    const k1 = paramSlice(t, kernel);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) close(k1[i * 3 + j], want(i, j));
    const b1 = paramSlice(t, bias);
    for (let j = 0; j < 3; j++) close(b1[j], b0[j] - 0.1 * [0, 1, 2].reduce((s, b) => s + rr[b * 3 + j], 0));
  });

  it("a let shared by the loss twice, with noise drawn once per batch", () =>
    run({
      src: "model m(x: [B, 4]) { x |> dense(3, activation=tanh) }\ntrain t(x: [B, 4], r: [B, 3]) {\n  let h = m(x + normal([B, 4], std=0.1))\n  step m with sgd(lr=0.1) minimize sum(h * r) + mean(h * h)\n}\n",
    }));
});

describe("losses", () => {
  const dense = (units: number, act = "linear", inF = 4) => `model m(x: [B, ${inF}]) { x |> dense(${units}, activation=${act}) }`;
  /** The model's pre-activation output on the n valid rows. */
  const logits = (input: (n: string) => Float64Array, param: (n: string) => Float64Array, units: number, inF = 4) =>
    refDense(rows(input("x"), inF), param("dense/kernel"), param("dense/bias"), N, inF, units);
  const probs01: Fill = (r) => r.uniform(0.05, 0.95);
  const label =
    (classes: number): Fill =>
    (r) =>
      r.int(classes);

  it("mse, full target", () =>
    run({
      src: prog(dense(3), "x: [B, 4], r: [B, 3]", "mse(m(x), r)"),
      check: ({ loss, input, param }) => close(loss, refMse(logits(input, param, 3), rows(input("r"), 3))),
    }));

  it("mse, scalar target", () =>
    run({
      src: prog(dense(3, "tanh"), "x: [B, 4]", "mse(m(x), 0.5)"),
      check: ({ loss, input, param }) => close(loss, refMse(logits(input, param, 3).map(Math.tanh), [0.5])),
    }));

  it("mse, [B] target against a [B, 1] prediction", () =>
    run({
      src: prog(dense(1), "x: [B, 4], r: [B]", "mse(m(x), r)"),
      check: ({ loss, input, param }) => close(loss, refMse(logits(input, param, 1), rows(input("r"), 1))),
    }));

  it("mse, targets that depend on the parameters (full and scalar)", () =>
    run({ src: prog(dense(3, "tanh"), "x: [B, 4], r: [B, 3]", "mse(m(x), 0.5 * m(x) * r) + mse(m(x), mean(m(x)))") }));

  it("mse, a [B] target that depends on the parameters against a [B, 1] prediction", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { x |> dense(2, activation=tanh) |> dense(1) }",
        "x: [B, 4], r: [B]",
        "mse(m(x), mean(m(x), axis=1) * r)",
      ),
    }));

  it("binary_crossentropy from logits (after sigmoid), soft targets", () =>
    run({
      fromLogits: true,
      src: prog(dense(3, "sigmoid"), "x: [B, 4], r: [B, 3]", "binary_crossentropy(m(x), r)"),
      fill: { r: probs01 },
      gain: 3,
      check: ({ loss, input, param }) => close(loss, refBinaryCrossentropy(logits(input, param, 3), rows(input("r"), 3), true)),
    }));

  it("binary_crossentropy from logits, scalar target 0.9", () =>
    run({
      fromLogits: true,
      src: prog(dense(2, "sigmoid"), "x: [B, 4]", "binary_crossentropy(m(x), 0.9)"),
      check: ({ loss, input, param }) => close(loss, refBinaryCrossentropy(logits(input, param, 2), [0.9], true)),
    }));

  it("binary_crossentropy from logits, [B] target against a [B, 1] prediction", () =>
    run({
      fromLogits: true,
      src: prog(dense(1, "sigmoid"), "x: [B, 4], r: [B]", "binary_crossentropy(m(x), r)"),
      fill: { r: (q) => q.int(2) },
    }));

  it("binary_crossentropy on probabilities (tanh scaled into (0, 1))", () =>
    run({
      fromLogits: false,
      src: prog(dense(3, "tanh"), "x: [B, 4], r: [B, 3]", "binary_crossentropy(0.5 * m(x) + 0.5, r)"),
      fill: { r: probs01 },
      check: ({ loss, input, param }) =>
        close(
          loss,
          refBinaryCrossentropy(
            logits(input, param, 3).map((z) => 0.5 * Math.tanh(z) + 0.5),
            rows(input("r"), 3),
            false,
          ),
        ),
    }));

  it("binary_crossentropy on a plain value in (0, 1)", () =>
    run({
      fromLogits: false,
      src: prog(dense(3), "x: [B, 4], r: [B, 3]", "binary_crossentropy(m(x) * 0.2 + 0.5, r)"),
      fill: { r: probs01 },
    }));

  it("binary_crossentropy on probabilities that get clipped at both ends", () =>
    run({
      fromLogits: false,
      src: prog(dense(4, "relu"), "x: [B, 4], r: [B, 4]", "binary_crossentropy(m(x), r)"),
      fill: { r: probs01 },
      gain: 3,
      check: ({ loss, input, param }) => {
        const p = logits(input, param, 4).map((z) => Math.max(z, 0));
        expect(p.some((v) => v === 0)).toBe(true); // clipped to 1e-7
        expect(p.some((v) => v > 1)).toBe(true); // clipped to 1 − 1e-7
        expect(p.some((v) => v > 0.01 && v < 0.99)).toBe(true);
        close(loss, refBinaryCrossentropy(p, rows(input("r"), 4), false));
      },
    }));

  it("categorical_crossentropy from logits (after softmax), unnormalized soft targets", () =>
    run({
      fromLogits: true,
      src: prog(dense(4, "softmax"), "x: [B, 4], r: [B, 4]", "categorical_crossentropy(m(x), r)"),
      fill: { r: (q) => q.uniform(0, 1) },
      gain: 3,
      check: ({ loss, input, param }) => close(loss, refCategoricalCrossentropy(logits(input, param, 4), rows(input("r"), 4), 4, true)),
    }));

  it("categorical_crossentropy from logits after softmax(axis=1) on [B, C] (the last axis, written positively)", () =>
    run({
      fromLogits: true,
      src: prog(dense(4, "softmax(axis=1)"), "x: [B, 4], r: [B, 4]", "categorical_crossentropy(m(x), r)"),
      fill: { r: (q) => q.uniform(0, 1) },
    }));

  it("categorical_crossentropy from logits on a rank-3 prediction", () =>
    run({
      fromLogits: true,
      src: prog(
        "model m(x: [B, 3, 4]) { x |> dense(4, activation=softmax) }",
        "x: [B, 3, 4], r: [B, 3, 4]",
        "categorical_crossentropy(m(x), r)",
      ),
      fill: { r: (q) => q.uniform(0, 1) },
    }));

  it("categorical_crossentropy on probabilities (not after softmax): normalized, then clipped", () =>
    run({
      fromLogits: false,
      src: prog(dense(4, "sigmoid"), "x: [B, 4], r: [B, 4]", "categorical_crossentropy(m(x), r)"),
      fill: { r: (q) => q.uniform(0, 1) },
      check: ({ loss, input, param }) =>
        close(loss, refCategoricalCrossentropy(logits(input, param, 4).map(sigmoid), rows(input("r"), 4), 4, false)),
    }));

  it("categorical_crossentropy after a softmax on another axis (probabilities)", () =>
    run({
      fromLogits: false,
      src: prog(
        "model m(x: [B, 3, 4]) { x |> dense(4, activation=tanh) |> softmax(axis=1) }",
        "x: [B, 3, 4], r: [B, 3, 4]",
        "categorical_crossentropy(m(x), r)",
      ),
      fill: { r: (q) => q.uniform(0, 1) },
    }));

  it("categorical_crossentropy on probabilities with clipped entries", () =>
    run({
      fromLogits: false,
      src: prog(dense(4, "relu"), "x: [B, 4], r: [B, 4]", "categorical_crossentropy(m(x), r)"),
      fill: { r: (q) => q.uniform(0, 1) },
      // Column 0 is positive in every row (no row sums to 0); the others are often 0 → clipped.
      params: (mod, t) => setParam(mod, t, "dense/bias", [3, 0, 0, 0]),
      check: ({ loss, input, param }) => {
        const p = logits(input, param, 4).map((z) => Math.max(z, 0));
        expect(p.some((v) => v === 0)).toBe(true);
        close(loss, refCategoricalCrossentropy(p, rows(input("r"), 4), 4, false));
      },
    }));

  it("sparse_categorical_crossentropy from logits, simple form (i32 labels)", () =>
    run({
      fromLogits: true,
      src: "model m(x: [B, 4]) { x |> dense(5, activation=tanh) |> dense(4, activation=softmax) }\ntrain m {\n  loss sparse_categorical_crossentropy\n  optimizer sgd(lr=0.1)\n}\n",
      fill: { y: label(4) },
      gain: 3,
    }));

  it("sparse_categorical_crossentropy from logits, explicit form ([B] and [B, 1] labels)", () =>
    run({
      fromLogits: true,
      src: prog(
        dense(4, "softmax"),
        "x: [B, 4], y: [B], y1: [B, 1]",
        "sparse_categorical_crossentropy(m(x), y) + sparse_categorical_crossentropy(m(x), y1)",
      ),
      fill: { y: label(4), y1: label(4) },
      gain: 3,
      check: ({ loss, input, param }) => {
        const z = logits(input, param, 4);
        close(
          loss,
          refSparseCategoricalCrossentropy(z, rows(input("y"), 1), 4, true) +
            refSparseCategoricalCrossentropy(z, rows(input("y1"), 1), 4, true),
        );
      },
    }));

  it("sparse_categorical_crossentropy on probabilities", () =>
    run({
      fromLogits: false,
      src: prog(dense(4, "sigmoid"), "x: [B, 4], y: [B]", "sparse_categorical_crossentropy(m(x), y)"),
      fill: { y: label(4) },
      check: ({ loss, input, param }) =>
        close(loss, refSparseCategoricalCrossentropy(logits(input, param, 4).map(sigmoid), rows(input("y"), 1), 4, false)),
    }));

  it("sparse_categorical_crossentropy on probabilities, a clipped label entry", () =>
    run({
      fromLogits: false,
      src: prog(dense(4, "relu"), "x: [B, 4], y: [B]", "sparse_categorical_crossentropy(m(x) * m(x) + 0.01 * m(x), y)"),
      fill: { y: label(4) },
      params: (mod, t) => setParam(mod, t, "dense/bias", [3, 0, 0, 0]),
    }));
});
