// Transfer learning: `freeze` and `trainable=false` (no gradient work for frozen parameters,
// no optimizer range, bitwise unchanged weights; a frozen batch norm in inference mode),
// `init FILE` (matched at compile time, loaded by the runtime), and mnist(labels=[...]).
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { frontEnd } from "../../compiler/compile.js";
import { summarizeProgram } from "../../compiler/summary.js";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { initParameters } from "../../runtime/trainer.js";
import { loadInit } from "../../runtime/transfer.js";
import { saveSafetensors } from "../../runtime/safetensors.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer-module.js";
import { loadData, type DataInfo, type InputInfo } from "../../runtime/data/load.js";
import { loadMnistSplit } from "../../runtime/data/mnist.js";

const cnn = (head: string, settings: string) => `model cnn(x: [B, 12, 12, 1]) {
  x |> conv2d(4, kernel=3, activation=relu) |> maxpool2d(2) |> flatten() |> dense(8, activation=relu) |> ${head}
}
train t(x: [B, 12, 12, 1], y: [B]) {
  ${settings}
  step cnn with adam(lr=0.01) minimize sparse_categorical_crossentropy(cnn(x), y, from_logits=true)
}
`;

const slice = (mod: TrainerModule, t: TrainerInstance, name: string): Float32Array | Float64Array => {
  const p = mod.parameters.find((q) => q.name === name)!;
  return t.params.slice(p.offset, p.offset + p.size);
};

function trainSteps(mod: TrainerModule, steps: number): { t: TrainerInstance; before: Map<string, Float32Array | Float64Array> } {
  const rng = new Rng(3);
  const t = mod.createTrainer(rng, { batch: 6 });
  initParameters(t, mod.parameters, rng);
  const before = new Map(mod.parameters.map((p) => [p.name, slice(mod, t, p.name)]));
  for (let s = 0; s < steps; s++) {
    const x = t.inputs[0] as Float32Array;
    for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
    const y = t.inputs[1] as Int32Array;
    for (let i = 0; i < y.length; i++) y[i] = i % 3;
    t.trainStep(6);
  }
  return { t, before };
}

describe("freezing", () => {
  for (const backend of ["wasm", "ts"] as const)
    it(`keeps a frozen kernel bitwise unchanged and trains the rest (${backend})`, async () => {
      const mod = await loadTrainer(cnn("dense(3)", "freeze [conv2d]"), "test.dlm", "t", backend);
      const { t, before } = trainSteps(mod, 5);
      for (const name of ["cnn/conv2d/kernel", "cnn/conv2d/bias"])
        expect(Array.from(slice(mod, t, name))).toEqual(Array.from(before.get(name)!));
      for (const name of ["cnn/dense/kernel", "cnn/dense_1/bias"])
        expect(Array.from(slice(mod, t, name))).not.toEqual(Array.from(before.get(name)!));
      expect(mod.parameters.filter((p) => p.frozen).map((p) => p.name)).toEqual(["cnn/conv2d/kernel", "cnn/conv2d/bias"]);
    });

  it("does no gradient work below the first trained layer: no kernel gradient of the convolution, no input gradient of the dense layer", () => {
    const grads = (settings: string) => {
      const r = frontEnd("test.dlm", new TextEncoder().encode(cnn("dense(3)", settings)));
      expect(r.diagnostics).toEqual([]);
      const tp = r.trainings!.get("t")!;
      const step = tp.steps[0];
      return {
        of: step.backward.map((e) => tp.values[tp.values[e.outputs[0]].gradOf!].name),
        params: step.grads.map((g) => tp.values[g.param].name),
        ranges: step.ranges,
      };
    };
    const free = grads("");
    const frozen = grads("freeze [conv2d]");
    expect(free.of).toContain("cnn_conv2d_kernel");
    expect(free.of).toContain("cnn_flatten");
    expect(frozen.of).not.toContain("cnn_conv2d_kernel");
    expect(frozen.of).not.toContain("cnn_flatten");
    expect(frozen.of.some((n) => n.startsWith("cnn_conv2d") || n.startsWith("cnn_max_pooling2d"))).toBe(false);
    expect(frozen.params).toEqual(["cnn_dense_kernel", "cnn_dense_bias", "cnn_dense_1_kernel", "cnn_dense_1_bias"]);
    expect(frozen.ranges).toEqual([{ offset: 36 + 4, size: free.ranges[0].size - 40 }]);
    // `trainable=false` on the layer is the same.
    const r = frontEnd(
      "test.dlm",
      new TextEncoder().encode(cnn("dense(3)", "").replace("activation=relu)", "activation=relu, trainable=false)")),
    );
    const tp = r.trainings!.get("t")!;
    expect(tp.steps[0].grads.map((g) => tp.values[g.param].name)).toEqual(frozen.params);
  });

  it("counts frozen parameters as non-trainable in the summary", () => {
    const r = frontEnd("test.dlm", new TextEncoder().encode(cnn("dense(3)", "freeze [cnn/dense]")));
    const text = summarizeProgram(r.ir!);
    expect(text).toContain("Non-trainable params: 808 (");
  });

  it("runs a frozen batch norm with its moving statistics, in training too, and never updates them", async () => {
    const src = cnn("batchnorm(trainable=false) |> dense(3)", "");
    const r = frontEnd("test.dlm", new TextEncoder().encode(src));
    expect(r.diagnostics).toEqual([]);
    const step = r.trainings!.get("t")!.steps[0];
    const ops = step.forward.map((e) => e.op);
    expect(ops).toContain("batchnorm_infer");
    expect(ops).not.toContain("batchnorm_train");
    expect(step.updates).toEqual([]);
    const mod = await loadTrainer(src, "test.dlm", "t", "wasm");
    const { t, before } = trainSteps(mod, 3);
    for (const role of ["gamma", "beta", "moving_mean", "moving_variance"]) {
      const name = `cnn/batch_normalization/${role}`;
      expect(Array.from(slice(mod, t, name))).toEqual(Array.from(before.get(name)!));
    }
    // Trainable, the same layer moves its statistics.
    const free = await loadTrainer(cnn("batchnorm() |> dense(3)", ""), "test.dlm", "t", "wasm");
    const run = trainSteps(free, 3);
    const name = "cnn/batch_normalization/moving_mean";
    expect(Array.from(slice(free, run.t, name))).not.toEqual(Array.from(run.before.get(name)!));
  });
});

describe("init", () => {
  it("matches the file's tensors by name and shape through map and exclude, and loads them over the initializers", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-init-test-"));
    try {
      const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => (i % 7) * 0.01 + k);
      saveSafetensors(path.join(dir, "base.safetensors"), {
        "base/conv2d/kernel": { dtype: "F32", shape: [3, 3, 1, 4], data: values(36, 1) },
        "base/conv2d/bias": { dtype: "F32", shape: [4], data: values(4, 2) },
        "base/dense/kernel": { dtype: "F32", shape: [100, 8], data: values(800, 3) },
        "base/dense/bias": { dtype: "F32", shape: [8], data: values(8, 4) },
        "base/dense_1/kernel": { dtype: "F32", shape: [8, 10], data: values(80, 5) },
        "optimizer/m/base/conv2d/kernel": { dtype: "F32", shape: [3, 3, 1, 4], data: values(36, 6) },
      });
      const file = path.join(dir, "retrain.dlm");
      const src = cnn("dense(3)", 'init "base.safetensors" { map base -> cnn; exclude cnn/dense_1 }');
      writeFileSync(file, src);
      const r = frontEnd(file, new TextEncoder().encode(src));
      expect(r.diagnostics).toEqual([]);
      const init = r.trainings!.get("t")!.settings.init!;
      expect(init.tensors).toEqual(
        ["conv2d/kernel", "conv2d/bias", "dense/kernel", "dense/bias"].map((n) => ({ name: `cnn/${n}`, from: `base/${n}` })),
      );
      const mod = await loadTrainer(src, file, "t", "wasm");
      const rng = new Rng(0);
      const t = mod.createTrainer(rng, { batch: 2 });
      initParameters(t, mod.parameters, rng);
      const head = slice(mod, t, "cnn/dense_1/kernel");
      const line = loadInit(mod.program.settings.init!, dir, mod.parameters, t);
      expect(line).toBe(
        `init: loaded 4 tensors (848 values) from ${path.join(dir, "base.safetensors")}; from their initializers: cnn/dense_1/kernel, cnn/dense_1/bias`,
      );
      expect(Array.from(slice(mod, t, "cnn/dense/kernel"))).toEqual(Array.from(values(800, 3)));
      expect(Array.from(slice(mod, t, "cnn/dense_1/kernel"))).toEqual(Array.from(head));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("mnist(labels=[...])", () => {
  it("keeps only the listed digits, in file order, relabelled by their position in the list", async () => {
    const src = `model m(x: [B, 28, 28, 1]) { x |> flatten() |> dense(5, activation=softmax) }
train m {
  data mnist(labels=[5, 6, 7, 8, 9])
  loss sparse_categorical_crossentropy
  optimizer adam()
}
`;
    const r = frontEnd("test.dlm", new TextEncoder().encode(src));
    expect(r.diagnostics).toEqual([]);
    const tp = r.trainings!.get("m")!;
    const inputs = tp.inputs.map((id) => ({
      name: tp.values[id].name,
      shape: tp.values[id].shape,
      dtype: tp.values[id].dtype,
      classes: 5,
    }));
    const loaded = loadData(tp.data as unknown as DataInfo, inputs as InputInfo[], { baseDir: "." });
    const all = loadMnistSplit("test");
    const kept = Array.from(all.labels).flatMap((d, i) => (d >= 5 ? [i] : []));
    const test = loaded.test!;
    expect(test.n).toBe(kept.length);
    expect(Array.from(test.y as Int32Array)).toEqual(kept.map((i) => all.labels[i] - 5));
    const row = kept[3];
    expect(Array.from((test.x as Uint8Array).subarray(3 * 784, 4 * 784))).toEqual(
      Array.from(all.pixels.subarray(row * 784, (row + 1) * 784)),
    );
  });
});
