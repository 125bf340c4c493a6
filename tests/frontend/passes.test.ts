// Lowering specifics: Keras layer naming, parameter paths, initializers and layouts,
// simple-form desugaring, the explicit (GAN) train IR, and models that call models.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { frontEnd } from "../../compiler/compile.js";
import { modelParamCount, summarizeProgram } from "../../compiler/summary.js";
import type { Eqn, Graph, ModelIR, ProgramIR, TrainIR, ValueId } from "../../compiler/ir/ir.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function typed(src: string, path = "test.dlm"): ProgramIR {
  const r = frontEnd(path, new TextEncoder().encode(src));
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.ir!;
}

function example(file: string): ProgramIR {
  const path = join(root, "dsl-examples", file);
  return typed(readFileSync(path, "utf8"), path);
}

const modelOf = (ir: ProgramIR, name: string): ModelIR => ir.models.find((m) => m.name === name)!;
const layerRows = (m: ModelIR): [string, string][] => m.layers.map((l) => [l.name, l.type]);
const params = (m: ModelIR) =>
  m.graph.values
    .filter((v) => v.kind === "param")
    .map((v) => ({ path: v.param!.path, role: v.param!.role, init: v.param!.init, layout: v.param!.layout, shape: v.shape }));

/** The eqn that defines `id`, or undefined for inputs and params. */
const defining = (g: Graph, id: ValueId): Eqn | undefined => g.eqns.find((e) => e.outputs.includes(id));

/** Whether `target` is reachable backwards from `from` (inclusive). */
function dependsOn(g: Graph, from: ValueId, target: ValueId): boolean {
  const seen = new Set<ValueId>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(defining(g, id)?.inputs ?? []));
  }
  return false;
}

describe("Keras layer naming", () => {
  it("numbers layers per base name: dense, dense_1, dense_2; other bases count separately", () => {
    const m = typed("model m(x: [B, 8, 8, 1]) { x |> conv2d(2, 3) |> flatten() |> dense(4) |> dense(3) |> dropout(0.5) |> dense(2) }")
      .models[0];
    expect(layerRows(m)).toEqual([
      ["conv2d", "Conv2D"],
      ["flatten", "Flatten"],
      ["dense", "Dense"],
      ["dense_1", "Dense"],
      ["dropout", "Dropout"],
      ["dense_2", "Dense"],
    ]);
  });

  it("takes explicit names, and automatic names skip the ones already used", () => {
    const m = typed('model m(x: [B, 4]) { x |> dense(4, name="dense") |> dense(3) |> dense(2, name="head") |> dense(1) }').models[0];
    expect(m.layers.map((l) => l.name)).toEqual(["dense", "dense_1", "head", "dense_2"]);
    expect(params(m).map((p) => p.path)).toEqual([
      "dense/kernel",
      "dense/bias",
      "dense_1/kernel",
      "dense_1/bias",
      "head/kernel",
      "head/bias",
      "dense_2/kernel",
      "dense_2/bias",
    ]);
  });

  it("rejects a duplicate explicit name and a name that is not an identifier", () => {
    const codes = (src: string) => frontEnd("t.dlm", new TextEncoder().encode(src)).diagnostics.map((d) => d.code);
    expect(codes('model m(x: [B, 4]) { x |> dense(2, name="a") |> dense(2, name="a") }')).toEqual(["DL2006"]);
    expect(codes('model m(x: [B, 4]) { x |> dense(2, name="a b") }')).toEqual(["DL2003"]);
  });

  it("counts names per model, as a fresh Keras session per model would", () => {
    const ir = example("gan.dlm");
    expect(modelOf(ir, "generator").layers.map((l) => l.name)).toEqual(["dense", "dense_1", "dense_2"]);
    expect(modelOf(ir, "discriminator").layers.map((l) => l.name)).toEqual(["dense", "dense_1"]);
  });

  it("names stand-alone activations and ops after their Keras layers", () => {
    const m = typed("model m(x: [B, 4]) { let a = x |> relu |> sigmoid |> tanh |> softmax |> leaky_relu |> linear\n a + x * 2 - x / 3 }")
      .models[0];
    expect(layerRows(m)).toEqual([
      ["re_lu", "ReLU"],
      ["activation", "Activation"],
      ["activation_1", "Activation"],
      ["softmax", "Softmax"],
      ["leaky_re_lu", "LeakyReLU"],
      ["multiply", "Multiply"],
      ["add", "Add"],
      ["divide", "Divide"],
      ["subtract", "Subtract"],
    ]);
  });

  it("folds `activation=` into its layer: one summary row, an extra eqn named <layer>_<activation>", () => {
    const m = typed("model m(x: [B, 4]) { x |> dense(3, activation=leaky_relu(0.2)) |> dense(2, activation=linear) }").models[0];
    expect(m.layers.map((l) => l.name)).toEqual(["dense", "dense_1"]);
    const eqns = m.graph.eqns.map((e) => [e.op, m.graph.values[e.outputs[0]].name, e.layer, e.attrs]);
    expect(eqns).toEqual([
      ["dense", "dense", "dense", { units: 3, use_bias: true }],
      ["leaky_relu", "dense_leaky_relu", "dense", { slope: 0.2 }],
      ["dense", "dense_1", "dense_1", { units: 2, use_bias: true }],
    ]);
    expect(m.graph.values[m.layers[0].output].name).toBe("dense_leaky_relu");
  });
});

describe("parameters: paths, roles, initializers, Keras layouts", () => {
  it("lstm: kernel glorot_uniform [in, 4u], recurrent_kernel orthogonal [u, 4u], bias lstm_bias [4u]", () => {
    const rnn = modelOf(example("rnn.dlm"), "rnn");
    expect(params(rnn).slice(0, 3)).toEqual([
      { path: "lstm/kernel", role: "kernel", init: "glorot_uniform", layout: "[in, 4·units] (gates i, f, c, o)", shape: [28, 200] },
      { path: "lstm/recurrent_kernel", role: "recurrent_kernel", init: "orthogonal", layout: "[units, 4·units]", shape: [50, 200] },
      { path: "lstm/bias", role: "bias", init: "lstm_bias", layout: "[4·units]", shape: [200] },
    ]);
    expect(params(rnn).map((p) => p.path)).toEqual([
      "lstm/kernel",
      "lstm/recurrent_kernel",
      "lstm/bias",
      "lstm_1/kernel",
      "lstm_1/recurrent_kernel",
      "lstm_1/bias",
      "dense/kernel",
      "dense/bias",
    ]);
  });

  it("conv2d and dense: glorot_uniform kernels, zero biases, [kh, kw, in, out] and [in, out]", () => {
    expect(params(modelOf(example("cnn.dlm"), "cnn"))).toEqual([
      { path: "conv2d/kernel", role: "kernel", init: "glorot_uniform", layout: "[kh, kw, in, filters]", shape: [3, 3, 1, 32] },
      { path: "conv2d/bias", role: "bias", init: "zeros", layout: "[filters]", shape: [32] },
      { path: "dense/kernel", role: "kernel", init: "glorot_uniform", layout: "[in, units]", shape: [5408, 128] },
      { path: "dense/bias", role: "bias", init: "zeros", layout: "[units]", shape: [128] },
      { path: "dense_1/kernel", role: "kernel", init: "glorot_uniform", layout: "[in, units]", shape: [128, 10] },
      { path: "dense_1/bias", role: "bias", init: "zeros", layout: "[units]", shape: [10] },
    ]);
  });

  it("use_bias=false drops the bias; each param is an input of the eqn of its layer", () => {
    const m = typed("model m(x: [B, 6, 6, 2]) { x |> conv2d(3, 3, use_bias=false) |> flatten() |> dense(2, use_bias=false) }").models[0];
    expect(params(m).map((p) => p.path)).toEqual(["conv2d/kernel", "dense/kernel"]);
    for (const l of m.layers) {
      for (const p of l.params) {
        const owner = m.graph.eqns.find((e) => e.inputs.includes(p))!;
        expect(owner.layer).toBe(l.name);
        expect(m.graph.values[p].param!.layer).toBe(l.name);
      }
    }
  });

  it("lowers flatten to reshape{target=[-1]} and dropout to dropout{rate}", () => {
    const m = modelOf(example("gan_stabilized.dlm"), "discriminator");
    expect(m.graph.eqns.map((e) => e.op)).toEqual(["dense", "leaky_relu", "dropout", "dense", "sigmoid"]);
    expect(m.graph.eqns[2].attrs).toEqual({ rate: 0.3 });
    expect(modelOf(example("mlp.dlm"), "mlp").graph.eqns[0]).toMatchObject({ op: "reshape", attrs: { target: [-1] }, layer: "flatten" });
  });
});

describe("simple form: `train m { loss ...; optimizer ... }`", () => {
  it("desugars to one step minimizing loss(m(x), y) with a [B] int32 target for sparse CE", () => {
    const t = example("cnn.dlm").trains[0];
    const g = t.graph;
    expect(t.name).toBe("cnn");
    expect(g.inputs.map((id) => [g.values[id].name, g.values[id].shape, g.values[id].dtype])).toEqual([
      ["x", ["B", 28, 28, 1], "f32"],
      ["y", ["B"], "i32"],
    ]);
    expect(t.lets).toEqual([]);
    expect(t.steps).toHaveLength(1);
    const [step] = t.steps;
    expect(step.model).toBe("cnn");
    expect(step.optimizer).toEqual({ kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7, weightDecay: 0, clip: null });
    expect(g.eqns.map((e) => e.op)).toEqual(["call", "sparse_categorical_crossentropy"]);
    const loss = defining(g, step.loss)!;
    expect(loss.inputs).toEqual([g.eqns[0].outputs[0], g.inputs[1]]);
    expect(g.values[step.loss].shape).toEqual([]);
    expect(t.evaluation).toEqual({ prediction: g.eqns[0].outputs[0], target: g.inputs[1], metrics: ["accuracy"] });
    expect(t.settings).toEqual({ batch: 32, epochs: 5, shuffle: true, validationSplit: 0, seed: 0 });
    expect(t.data!.source).toEqual({ kind: "mnist", part: "both", dir: null });
    expect(t.data!.columns.map((c) => [c.name, c.shape, c.dtype])).toEqual([
      ["images", [28, 28, 1], "f32"],
      ["labels", [], "i32"],
    ]);
  });

  it("gives an mse target the prediction's shape; sgd takes its options", () => {
    const t = example("regression.dlm").trains[0];
    const y = t.graph.values[t.graph.inputs[1]];
    expect([y.name, y.shape, y.dtype]).toEqual(["y", ["B", 1], "f32"]);
    expect(t.steps[0].optimizer).toEqual({ kind: "sgd", lr: 0.01, momentum: 0.9, nesterov: false, weightDecay: 0, clip: null });
    expect(t.evaluation!.metrics).toEqual([]);
    expect(t.data!.source).toEqual({ kind: "csv", path: "data/regression.csv", target: ["y"], testRows: 400 });
  });

  it("fills unset settings and optimizer options with the Keras defaults", () => {
    const t = typed("model m(x: [B, 4]) { x |> dense(1) }\ntrain m { loss mse\n optimizer sgd }").trains[0];
    expect(t.settings).toEqual({ batch: 32, epochs: 1, shuffle: true, validationSplit: 0, seed: 0 });
    expect(t.steps[0].optimizer).toEqual({ kind: "sgd", lr: 0.01, momentum: 0, nesterov: false, weightDecay: 0, clip: null });
    expect(t.data).toBeNull();
    const a = typed("model m(x: [B, 4]) { x |> dense(1) }\ntrain m { loss mse; optimizer adam }").trains[0];
    expect(a.steps[0].optimizer).toEqual({ kind: "adam", lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7, weightDecay: 0, clip: null });
  });

  it("reads rows_as_steps and flatten into the data's column shapes", () => {
    expect(example("rnn.dlm").trains[0].data!.columns[0].shape).toEqual([28, 28]);
    const gan = example("gan.dlm").trains[0].data!;
    expect(gan.columns.map((c) => [c.name, c.shape])).toEqual([["images", [784]]]);
    expect(gan.range).toEqual([-1, 1]);
    expect(gan.flatten).toBe(true);
  });
});

describe("explicit form: the GAN", () => {
  for (const file of ["gan.dlm", "gan_stabilized.dlm"]) {
    it(`${file}: one let, two steps in order, stop_gradient on the discriminator step's fake images`, () => {
      const t: TrainIR = example(file).trains[0];
      const g = t.graph;
      expect(t.name).toBe("gan");
      expect(g.inputs.map((id) => [g.values[id].name, g.values[id].shape])).toEqual([["real", ["B", 784]]]);
      expect(t.settings).toMatchObject({ batch: 64, epochs: 20 });
      expect(t.evaluation).toBeNull();

      // let fake = generator(normal([B, 100]))
      expect(t.lets.map((l) => l.name)).toEqual(["fake"]);
      const fake = t.lets[0].value;
      const gen = defining(g, fake)!;
      expect(gen).toMatchObject({ op: "call", attrs: { model: "generator" } });
      expect(defining(g, gen.inputs[0])).toMatchObject({ op: "normal", attrs: { shape: ["B", 100], mean: 0, std: 1 } });

      // Steps in source order, each with adam(lr=2e-4, beta1=0.5) and Keras's other defaults.
      expect(t.steps.map((s) => s.model)).toEqual(["discriminator", "generator"]);
      for (const s of t.steps) {
        expect(s.optimizer).toEqual({ kind: "adam", lr: 2e-4, beta1: 0.5, beta2: 0.999, eps: 1e-7, weightDecay: 0, clip: null });
        expect(g.values[s.loss].shape).toEqual([]);
      }
      expect(g.outputs).toEqual(t.steps.map((s) => s.loss));

      // The discriminator step sees the fake images only through stop_gradient.
      const stops = g.eqns.filter((e) => e.op === "stop_gradient");
      expect(stops).toHaveLength(1);
      expect(stops[0].inputs).toEqual([fake]);
      const [dStep, gStep] = t.steps;
      expect(dependsOn(g, dStep.loss, stops[0].outputs[0])).toBe(true);
      const dLoss = defining(g, dStep.loss)!;
      expect(dLoss.op).toBe("add");
      const direct = dLoss.inputs.map((id) => defining(g, id)!).map((e) => defining(g, e.inputs[0])!.inputs[0]);
      expect(direct).toEqual([g.inputs[0], stops[0].outputs[0]]);

      // The generator step reaches the fake images directly (no stop_gradient on its path).
      const gLoss = defining(g, gStep.loss)!;
      expect(gLoss.op).toBe("binary_crossentropy");
      const disc = defining(g, gLoss.inputs[0])!;
      expect(disc).toMatchObject({ op: "call", attrs: { model: "discriminator" } });
      expect(disc.inputs).toEqual([fake]);

      // Three calls of the discriminator, one of the generator; the let is computed once.
      const calls = g.eqns.filter((e) => e.op === "call").map((e) => e.attrs.model);
      expect(calls).toEqual(["generator", "discriminator", "discriminator", "discriminator"]);
      const targets = g.eqns.filter((e) => e.op === "constant").map((e) => e.attrs.value);
      expect(targets).toEqual(file === "gan.dlm" ? [1, 0, 1] : [0.9, 0, 1]);
    });
  }
});

describe("models calling models", () => {
  const src = `
model ae(x: [B, 8]) { x |> enc |> dense(8) }       # declared before the model it calls
model enc(x: [B, 8]) { x |> dense(4, activation=relu) |> dense(2) }
model ae2(x: [B, 8]) {
  let h = enc(x=x)
  h |> dense(8, use_bias=false)
}
train ae { loss mse; optimizer adam }
`;

  it("lowers models in dependency order and calls them with `call` eqns", () => {
    const ir = typed(src);
    expect(ir.models.map((m) => m.name)).toEqual(["enc", "ae", "ae2"]);
    const ae = modelOf(ir, "ae");
    expect(ae.graph.eqns[0]).toMatchObject({ op: "call", attrs: { model: "enc" }, layer: "enc" });
    expect(layerRows(ae)).toEqual([
      ["enc", "Functional"],
      ["dense", "Dense"],
    ]);
    // The nested model's parameters live in the nested model only.
    expect(params(ae).map((p) => p.path)).toEqual(["dense/kernel", "dense/bias"]);
  });

  it("counts the nested model's parameters in the caller's summary and total", () => {
    const ir = typed(src);
    const models = new Map(ir.models.map((m) => [m.name, m]));
    expect(modelParamCount(models.get("enc")!, models)).toBe(8 * 4 + 4 + 4 * 2 + 2);
    expect(modelParamCount(models.get("ae")!, models)).toBe(46 + 2 * 8 + 8);
    expect(modelParamCount(models.get("ae2")!, models)).toBe(46 + 2 * 8);
    const summary = summarizeProgram(ir);
    expect(summary).toMatch(/enc \(Functional\)\s+\(None, 2\)\s+46\n/);
    expect(summary).toContain("Total params: 70 (");
    expect(summary).toContain("Total params: 62 (");
  });

  it("types the simple form of a model that calls another", () => {
    const t = typed(src).trains[0];
    expect(t.steps.map((s) => s.model)).toEqual(["ae"]);
    expect(t.graph.values[t.graph.inputs[1]].shape).toEqual(["B", 8]);
  });
});
