// The exported CNN module gives the trainer's inference bit for bit on MNIST test images, for
// a checkpoint trained 3 steps and for two variants of it: every convolution bias made
// positive (few zero activations, as the 20-step model's: the sparse GEMM's blocks fall back
// to the packed GEMM) and made negative, so that the background's pooled pixels are
// relu(bias) = 0 and most of the 5408 → 128 layer's inputs are zeros, as a trained model's
// are (75% after one epoch): the sparse GEMM compacts its rows (the zero shares are checked
// here in float64). Its kernels skip products with zero inputs (compiler/export/zeros.ts),
// which must not change one output word.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/spawn.js";
import { dlmOk, mnistTestImages, smallMnist, trainerInference, trainFewSteps } from "../helpers/export.js";
import { loadSafetensors, saveSafetensors } from "../../runtime/safetensors.js";
import type { Model } from "../../runtime/inference.js";

const work = tempDir("dlm-export-bits-");
const file = "dsl-examples/cnn.dlm";
const rows = 100; // more than --max-batch 64: predict's second chunk too
const x = Float32Array.from(mnistTestImages(rows), (p) => p / 255);
const ck = path.join(work.dir, "cnn.safetensors");
const variant = (sign: number) => path.join(work.dir, `cnn-bias${sign > 0 ? "+" : "-"}.safetensors`);

beforeAll(async () => {
  const { mkdirSync } = await import("node:fs");
  const mnist = path.join(work.dir, "mnist");
  mkdirSync(mnist);
  smallMnist(mnist);
  await trainFewSteps(file, mnist, ck);
  for (const sign of [1, -1]) {
    const { tensors, metadata } = loadSafetensors(ck);
    const bias = tensors["cnn/conv2d/bias"].data as Float32Array;
    tensors["cnn/conv2d/bias"] = { ...tensors["cnn/conv2d/bias"], data: bias.map((b) => sign * (Math.abs(b) + 0.05)) };
    saveSafetensors(variant(sign), tensors, metadata);
  }
}, 120_000);
afterAll(() => work.cleanup());

/** The share of zeros among the 5408 → 128 layer's inputs (conv 3×3 → relu → max pool 2), in float64. */
function denseInputZeros(checkpoint: string): number {
  const { tensors } = loadSafetensors(checkpoint);
  const k = tensors["cnn/conv2d/kernel"].data as Float32Array; // [3, 3, 1, 32]
  const b = tensors["cnn/conv2d/bias"].data as Float32Array;
  let zeros = 0;
  let all = 0;
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < 13; i++)
      for (let j = 0; j < 13; j++)
        for (let f = 0; f < 32; f++) {
          let best = 0;
          for (let di = 0; di < 2; di++)
            for (let dj = 0; dj < 2; dj++) {
              let s = b[f];
              for (let u = 0; u < 3; u++)
                for (let v = 0; v < 3; v++) s += x[r * 784 + (2 * i + di + u) * 28 + 2 * j + dj + v] * k[(u * 3 + v) * 32 + f];
              best = Math.max(best, s);
            }
          zeros += best === 0 ? 1 : 0;
          all++;
        }
  return zeros / all;
}

const words = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("the exported CNN module: the trainer's inference, word for word", () => {
  for (const [what, checkpoint, zeros] of [
    ["trained 3 steps", ck, [0, 1]],
    ["positive convolution biases (few zeros: the packed GEMM)", variant(1), [0, 0.3]],
    ["negative convolution biases (mostly zeros: the sparse GEMM)", variant(-1), [0.6, 1]],
  ] as const)
    it(`${what}: ${rows} rows and one row`, async () => {
      const share = denseInputZeros(checkpoint);
      expect(share).toBeGreaterThanOrEqual(zeros[0]);
      expect(share).toBeLessThanOrEqual(zeros[1]);
      const dir = path.join(work.dir, path.basename(checkpoint, ".safetensors"));
      await dlmOk(["export", file, "--checkpoint", checkpoint, "-o", dir, "--max-batch", "64"]);
      expect(readFileSync(path.join(dir, "cnn.js"), "utf8")).toMatch(/k\.gemm_sparse_5408x128_bias_relu\(n, /);
      const m = await ((await import(pathToFileURL(path.join(dir, "cnn.js")).href)) as { load(): Promise<Model> }).load();
      const theirs = await trainerInference(file, "cnn", checkpoint, x, rows);
      expect(words(m.predict(x, rows))).toEqual(words(theirs));
      expect(words(m.predict(x.subarray(0, 784), 1))).toEqual(words(theirs.subarray(0, 10)));
    }, 120_000);
});
