// `dlm export --format tfjs` and `--format onnx`: the seed CNN, the stacked LSTM, the MLP,
// the GAN's generator and a small residual network (a functional tfjs Model, batch norms as
// layers), each trained a few steps with a fixed seed, exported both ways and loaded by
// TensorFlow.js (`tf.loadLayersModel`) and onnxruntime-node: their outputs on MNIST test
// images (seeded noise for the generator) agree with the trainer's own inference (max |Δ| ≤
// 1e-5, the same argmax). A layer a format cannot hold is a located DL4006 naming the layer
// and the format (golden tests/golden/export/formats.txt). tests/e2e/export-formats.test.ts
// runs 1,000 images and the accuracy of an MLP trained 300 steps.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDlm, tempDir } from "../helpers/spawn.js";
import { argmaxRows, dlmOk, maxAbsDiff, mnistTestImages, smallMnist, trainerInference, trainFewSteps } from "../helpers/export.js";
import { loadOnnx, loadTfjs } from "../helpers/formats.js";
import { Rng } from "../../runtime/rng.js";
import { root } from "../helpers/trainer.js";

const work = tempDir("dlm-export-formats-");
const mnist = path.join(work.dir, "mnist");
beforeAll(() => {
  mkdirSync(mnist);
  smallMnist(mnist);
});
afterAll(() => work.cleanup());

/** n MNIST test images as the trainer reads them (pixels / 255), or seeded N(0, 1) noise of `row` values. */
function inputs(n: number, row: number, noise: boolean): Float32Array {
  if (noise) {
    const z = new Float32Array(n * row);
    new Rng(3).fillNormal(z, 0, 1);
    return z;
  }
  return Float32Array.from(mnistTestImages(n), (p) => p / 255);
}

const cases = [
  { example: "dsl-examples/cnn.dlm", model: "cnn", shape: [28, 28, 1], out: 10, topology: "Sequential" },
  { example: "dsl-examples/rnn.dlm", model: "rnn", shape: [28, 28], out: 10, topology: "Sequential" },
  { example: "dsl-examples/mlp.dlm", model: "mlp", shape: [28, 28, 1], out: 10, topology: "Sequential" },
  { example: "dsl-examples/gan.dlm", model: "generator", shape: [100], out: 784, topology: "Sequential" },
  { example: "tests/programs/export/residual.dlm", model: "residual", shape: [28, 28, 1], out: 10, topology: "Model" },
];

describe("dlm export --format tfjs and --format onnx", () => {
  for (const c of cases) {
    it(`${c.model}: TensorFlow.js and onnxruntime agree with the trainer's inference (100 rows)`, async () => {
      const name = path.basename(c.example, ".dlm");
      const ck = path.join(work.dir, `${name}.safetensors`);
      await trainFewSteps(c.example, mnist, ck);
      const model = c.model === "generator" ? ["--model", "generator"] : [];
      const tfjsDir = path.join(work.dir, `${name}-tfjs`);
      const onnxDir = path.join(work.dir, `${name}-onnx`);
      await dlmOk(["export", c.example, "--checkpoint", ck, "-o", tfjsDir, "--format", "tfjs", ...model]);
      await dlmOk(["export", c.example, "--checkpoint", ck, "-o", onnxDir, "--format", "onnx", ...model]);
      const n = 100;
      const row = c.shape.reduce((a, d) => a * d, 1);
      const x = inputs(n, row, c.model === "generator");
      const theirs = await trainerInference(c.example, c.model, ck, x, n);

      const tfjs = await loadTfjs(tfjsDir, c.shape);
      const topology = tfjs.topology as {
        class_name: string;
        config: { layers: { class_name: string; config: Record<string, unknown> }[] };
      };
      expect(topology.class_name).toBe(c.topology);
      const layers = topology.config.layers;
      expect(layers[0].config.batch_input_shape).toEqual([null, ...c.shape]);
      // Every activation written out: tfjs's defaults are not Keras 3's (its LSTM's recurrent one is hard sigmoid).
      for (const l of layers.filter((l) => ["Dense", "Conv2D", "LSTM"].includes(l.class_name)))
        expect(typeof l.config.activation, `${l.class_name} ${String(l.config.name)}`).toBe("string");
      for (const l of layers.filter((l) => l.class_name === "LSTM")) expect(l.config.recurrent_activation).toBe("sigmoid");
      const fromTfjs = await tfjs.predict(x, n);
      expect(maxAbsDiff(fromTfjs, theirs)).toBeLessThanOrEqual(1e-5);

      const onnx = await loadOnnx(path.join(onnxDir, "model.onnx"), c.shape);
      expect(onnx.inputs).toEqual([c.model === "generator" ? "z" : "x"]);
      const fromOnnx = await onnx.predict(x, n);
      expect(maxAbsDiff(fromOnnx, theirs)).toBeLessThanOrEqual(1e-5);
      if (c.out === 10) {
        expect(argmaxRows(fromTfjs, 10)).toEqual(argmaxRows(theirs, 10));
        expect(argmaxRows(fromOnnx, 10)).toEqual(argmaxRows(theirs, 10));
      }
    }, 300_000);
  }

  it("a layer a format cannot hold: a located DL4006 naming the layer and the format, before the checkpoint is read", async () => {
    const runs = [
      ["tests/programs/export/hard-sigmoid.dlm", "tfjs"],
      ["tests/programs/export/hard-sigmoid.dlm", "onnx"],
      ["tests/programs/export/gelu.dlm", "tfjs"],
      ["tests/programs/export/gelu.dlm", "onnx"],
    ];
    const missing = path.join(work.dir, "no-such-checkpoint.safetensors");
    const shown: string[] = [];
    for (const [file, format] of runs) {
      const out = path.join(work.dir, `bad-${format}`);
      const r = await runDlm(["export", file, "--checkpoint", missing, "-o", out, "--format", format], { cwd: root });
      expect(r.code).toBe(1);
      shown.push(`$ dlm export ${file} --format ${format}\n${r.stderr.split(work.dir).join("<tmp>")}`);
      expect(existsSync(path.join(out, "model.json")) || existsSync(path.join(out, "model.onnx"))).toBe(false);
    }
    const text = shown.join("\n");
    // hard_sigmoid exports to ONNX (Keras's constants), so that run gets as far as the missing checkpoint.
    expect(text).toMatch(/no-such-checkpoint\.safetensors: file not found/);
    const golden = path.join(root, "tests/golden/export/formats.txt");
    if (process.env.UPDATE_GOLDEN) {
      mkdirSync(path.dirname(golden), { recursive: true });
      writeFileSync(golden, text);
    }
    expect(text).toBe(readFileSync(golden, "utf8"));
  }, 120_000);
});
