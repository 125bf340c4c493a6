// The exports at full size (`npm run test:e2e`): the seed CNN, the stacked LSTM, the MLP and
// the GAN's generator, each trained a few steps on real MNIST, exported as `module`, `tfjs`
// and `onnx`; on the first 1,000 MNIST test images (seeded noise for the generator) every
// format agrees with the trainer's own inference (max |Δ| ≤ 1e-5, the same argmax). The MLP
// trained `--max-steps 300 --seed 1`, exported as tfjs and onnx, classifies those images with
// ≥ 0.90 accuracy in TensorFlow.js and in onnxruntime. (tests/backend/export-formats.test.ts
// runs 100 images in `npm test`.)
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { tempDir, mnistDir } from "../helpers/spawn.js";
import { argmaxRows, dlmOk, maxAbsDiff, mnistTestImages, trainerInference } from "../helpers/export.js";
import { loadOnnx, loadTfjs, type Predictor } from "../helpers/formats.js";
import { readIdx } from "../../runtime/data/idx.js";
import { MNIST_FILES } from "../../runtime/data/mnist.js";
import { Rng } from "../../runtime/rng.js";
import type { Model } from "../../runtime/inference.js";

const work = tempDir("dlm-e2e-export-");
afterAll(() => work.cleanup());
const N = 1000;

async function exportAll(example: string, ck: string, extra: readonly string[]): Promise<Record<"module" | "tfjs" | "onnx", string>> {
  const name = path.basename(example, ".dlm");
  const dirs = { module: "", tfjs: "", onnx: "" };
  for (const f of ["module", "tfjs", "onnx"] as const) {
    dirs[f] = path.join(work.dir, `${name}-${f}`);
    await dlmOk(["export", example, "--checkpoint", ck, "-o", dirs[f], "--format", f, ...extra]);
  }
  return dirs;
}

async function loadModule(dir: string, model: string): Promise<Predictor> {
  const m = await ((await import(pathToFileURL(path.join(dir, `${model}.js`)).href)) as { load(): Promise<Model> }).load();
  return { predict: async (x, n) => m.predict(x, n) };
}

const cases = [
  { example: "dsl-examples/cnn.dlm", model: "cnn", shape: [28, 28, 1], out: 10 },
  { example: "dsl-examples/rnn.dlm", model: "rnn", shape: [28, 28], out: 10 },
  { example: "dsl-examples/mlp.dlm", model: "mlp", shape: [28, 28, 1], out: 10 },
  { example: "dsl-examples/gan.dlm", model: "generator", shape: [100], out: 784 },
];

describe("module, tfjs and onnx agree with the trainer on 1,000 MNIST test images", () => {
  for (const c of cases) {
    test(c.model, async () => {
      const ck = path.join(work.dir, `${c.model}.safetensors`);
      await dlmOk(["train", c.example, "--max-steps", "20", "--seed", "7", "--save", ck, "--quiet"]);
      const dirs = await exportAll(c.example, ck, c.model === "generator" ? ["--model", "generator"] : []);
      const row = c.shape.reduce((a, d) => a * d, 1);
      let x: Float32Array;
      if (c.model === "generator") {
        x = new Float32Array(N * row);
        new Rng(3).fillNormal(x, 0, 1);
      } else x = Float32Array.from(mnistTestImages(N), (p) => p / 255);
      const theirs = await trainerInference(c.example, c.model, ck, x, N);
      const predictors = {
        module: await loadModule(dirs.module, c.model),
        tfjs: await loadTfjs(dirs.tfjs, c.shape),
        onnx: await loadOnnx(path.join(dirs.onnx, "model.onnx"), c.shape),
      };
      for (const [format, p] of Object.entries(predictors)) {
        const y = await p.predict(x, N);
        const d = maxAbsDiff(y, theirs);
        console.log(`${c.model} ${format}: max |Δ| ${d.toExponential(2)} over ${N} rows`);
        expect(d, format).toBeLessThanOrEqual(1e-5);
        if (c.out === 10) expect(argmaxRows(y, 10), format).toEqual(argmaxRows(theirs, 10));
      }
    });
  }
});

test("the MLP trained --max-steps 300 --seed 1 reaches ≥ 0.90 on 1,000 test images in TensorFlow.js and onnxruntime", async () => {
  const ck = path.join(work.dir, "mlp300.safetensors");
  await dlmOk(["train", "dsl-examples/mlp.dlm", "--max-steps", "300", "--seed", "1", "--save", ck, "--quiet"]);
  const dirs = await exportAll("dsl-examples/mlp.dlm", ck, []);
  const x = Float32Array.from(mnistTestImages(N), (p) => p / 255);
  const labels = (readIdx(path.join(mnistDir, MNIST_FILES.test.labels)).data as Uint8Array).slice(0, N);
  for (const [format, p] of [
    ["tfjs", await loadTfjs(dirs.tfjs, [28, 28, 1])],
    ["onnx", await loadOnnx(path.join(dirs.onnx, "model.onnx"), [28, 28, 1])],
  ] as const) {
    const predicted = argmaxRows(await p.predict(x, N), 10);
    const accuracy = predicted.filter((k, i) => k === labels[i]).length / N;
    console.log(`mlp after 300 steps, ${format}: accuracy ${accuracy.toFixed(3)} on ${N} test images`);
    expect(accuracy, format).toBeGreaterThanOrEqual(0.9);
  }
});
