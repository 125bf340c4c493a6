// int8 exports at full size (`npm run test:e2e`): the seed CNN and the MLP trained one epoch
// (seed 1) on real MNIST, exported float and `--quantize int8` (calibrated on 1,000 training
// samples), classify all 10,000 test images within 0.3 points of each other; the stacked
// LSTM's int8 export (its input projections) is measured and logged beside its float one.
// The weights files are logged with their ratio (≤ 30% for the CNN and the MLP).
import { statSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { tempDir, mnistDir } from "../helpers/spawn.js";
import { dlmOk } from "../helpers/export.js";
import { readIdx } from "../../runtime/data/idx.js";
import { MNIST_FILES } from "../../runtime/data/mnist.js";
import type { Model } from "../../runtime/inference.js";

const work = tempDir("dlm-e2e-quantize-");
afterAll(() => work.cleanup());

const testImages = Float32Array.from(readIdx(path.join(mnistDir, MNIST_FILES.test.images)).data as Uint8Array, (p) => p / 255);
const testLabels = readIdx(path.join(mnistDir, MNIST_FILES.test.labels)).data as Uint8Array;

async function accuracy(dir: string, model: string): Promise<{ accuracy: number; info: Model["info"] }> {
  const m = await ((await import(pathToFileURL(path.join(dir, `${model}.js`)).href)) as { load(): Promise<Model> }).load();
  const n = testLabels.length;
  const y = m.predict(testImages, n);
  let right = 0;
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (y[r * 10 + c] > y[r * 10 + best]) best = c;
    if (best === testLabels[r]) right++;
  }
  return { accuracy: right / n, info: m.info };
}

// What each export says it quantized: [layer, input type] in int8, and the layers that stay float.
const cases = [
  { example: "dsl-examples/cnn.dlm", model: "cnn", bound: 0.003, int8: [["cnn/dense", "uint8"]], float: ["cnn/conv2d", "cnn/dense_1"] },
  { example: "dsl-examples/mlp.dlm", model: "mlp", bound: 0.003, int8: [["mlp/dense", "uint8"]], float: ["mlp/dense_1"] },
  {
    example: "dsl-examples/rnn.dlm",
    model: "rnn",
    bound: null,
    int8: [
      ["rnn/lstm", "uint8"],
      ["rnn/lstm_1", "int8"],
    ],
    float: ["rnn/dense"],
  },
];

describe("int8 exports: test accuracy on all 10,000 MNIST test images beside the float export", () => {
  for (const c of cases) {
    test(`${c.model}: one epoch, seed 1${c.bound !== null ? `: within ${c.bound * 100} points` : " (measured)"}`, async () => {
      const ck = path.join(work.dir, `${c.model}.safetensors`);
      await dlmOk(["train", c.example, "--epochs", "1", "--seed", "1", "--save", ck, "--quiet"]);
      const float = path.join(work.dir, `${c.model}-float`);
      const int8 = path.join(work.dir, `${c.model}-int8`);
      await dlmOk(["export", c.example, "--checkpoint", ck, "-o", float]);
      const r = await dlmOk(["export", c.example, "--checkpoint", ck, "-o", int8, "--quantize", "int8"]);
      const [{ accuracy: af }, { accuracy: aq, info }] = [await accuracy(float, c.model), await accuracy(int8, c.model)];
      const size = (d: string) => statSync(path.join(d, `${c.model}.safetensors`)).size;
      console.log(
        `${c.model}: float ${af.toFixed(4)}, int8 ${aq.toFixed(4)} (${((aq - af) * 100).toFixed(2)} points); weights ${size(int8)} / ${size(float)} bytes = ${(size(int8) / size(float)).toFixed(3)}\n${r.stdout}`,
      );
      expect(info.quantized!.layers.map((l) => [l.layer, l.inputs])).toEqual(c.int8);
      expect(info.quantized!.float.map((l) => l.layer)).toEqual(c.float);
      if (c.bound !== null) {
        expect(Math.abs(aq - af)).toBeLessThanOrEqual(c.bound);
        expect(size(int8) / size(float)).toBeLessThanOrEqual(0.3);
      }
    });
  }
});
