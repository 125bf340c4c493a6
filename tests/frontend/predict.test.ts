// `dlm predict` as a user runs it: on a PNG made here (an MNIST test digit, written with
// pngjs), on .npy arrays (uint8 images and float samples) and on CSV rows (the regression's
// feature columns); what it prints agrees with the trainer's own inference on the same
// inputs converted as the training data was. Each bad input is one `error:` line (or the
// located DL4006 report) and exit code 1; tests/golden/predict/errors.txt holds them.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runDlm, tempDir } from "../helpers/spawn.js";
import { argmaxRows, dlmOk, maxAbsDiff, mnistTestImages, smallMnist, trainerInference, trainFewSteps } from "../helpers/export.js";
import { expectGolden } from "../helpers/golden.js";
import { encodeNpy } from "../../runtime/data/npy.js";
import { saveSafetensors } from "../../runtime/safetensors.js";

const work = tempDir("dlm-predict-");
const at = (f: string) => path.join(work.dir, f);
const cnnCk = at("cnn.safetensors");

/** A grayscale PNG of `w`×`h` bytes. */
function pngOf(pixels: Uint8Array, w: number, h: number): Buffer {
  const img = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) img.data.set([pixels[i], pixels[i], pixels[i], 255], 4 * i);
  return PNG.sync.write(img, { colorType: 0 });
}

interface Prediction {
  readonly input: string;
  readonly top?: { readonly class: number; readonly probability: number }[];
  readonly output: number[];
}

beforeAll(async () => {
  mkdirSync(at("mnist"));
  smallMnist(at("mnist"));
  copyFileSync(path.join(repoRoot, "dsl-examples/cnn.dlm"), at("cnn.dlm"));
  await trainFewSteps("dsl-examples/cnn.dlm", at("mnist"), cnnCk, 5);
}, 240_000);
afterAll(() => work.cleanup());

describe("dlm predict", () => {
  it("a PNG digit and .npy arrays: the top classes, as the trainer's inference scores them", async () => {
    const digits = mnistTestImages(3);
    writeFileSync(at("digit.png"), pngOf(digits.subarray(0, 784), 28, 28));
    writeFileSync(at("three.npy"), encodeNpy([3, 28, 28], digits));
    const floats = Float32Array.from(digits.subarray(784, 2 * 784), (p) => p / 255);
    writeFileSync(at("one.npy"), encodeNpy([28, 28, 1], floats));
    const text = await dlmOk(["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "digit.png", "three.npy", "one.npy"], work.dir);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines.map((l) => l.split(":")[0])).toEqual(["digit.png", "three.npy[0]", "three.npy[1]", "three.npy[2]", "one.npy"]);
    for (const l of lines) expect(l).toMatch(/^[\w.[\]]+: \d \(\d\.\d{4}\)  \d \(\d\.\d{4}\)  \d \(\d\.\d{4}\)$/);
    const json = await dlmOk(
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "digit.png", "three.npy", "one.npy", "--format", "json", "--top", "2"],
      work.dir,
    );
    const got = JSON.parse(json.stdout) as { classes: number; predictions: Prediction[] };
    expect(got.classes).toBe(10);
    // Pixels p become p/255 (the mnist source's range [0, 1]), as the training images were.
    const img = (k: number) => [...digits.subarray(k * 784, (k + 1) * 784)];
    const x = Float32Array.from([...img(0), ...img(0), ...img(1), ...img(2), ...img(1)], (p) => p / 255);
    const theirs = await trainerInference("dsl-examples/cnn.dlm", "cnn", cnnCk, x, 5);
    const mine = got.predictions.flatMap((p) => p.output);
    expect(maxAbsDiff(mine, theirs)).toBeLessThanOrEqual(1e-5);
    expect(got.predictions.map((p) => p.top![0].class)).toEqual(argmaxRows(theirs, 10));
    expect(got.predictions.every((p) => p.top!.length === 2 && p.top![0].probability >= p.top![1].probability)).toBe(true);
    // The text form shows the same ranking.
    lines.forEach((l, i) =>
      expect(l).toContain(`: ${got.predictions[i].top![0].class} (${got.predictions[i].top![0].probability.toFixed(4)})`),
    );
  }, 240_000);

  it("a regressor on CSV rows: the training file's feature columns, in any order, the output values", async () => {
    const ck = at("regression.safetensors");
    await dlmOk(["train", "dsl-examples/regression.dlm", "--max-steps", "20", "--seed", "3", "--save", ck, "--quiet"]);
    // Columns in another order, with a column the model does not read.
    writeFileSync(at("rows.csv"), "note,x3,x2,x1\n1,0.5,-0.25,0.1\n2,-1,0.75,0.9\n");
    const r = await dlmOk(["predict", "dsl-examples/regression.dlm", "--checkpoint", ck, at("rows.csv"), "--format", "json"]);
    const got = JSON.parse(r.stdout) as { classes: null; output: { kind: string }; predictions: Prediction[] };
    expect(got.classes).toBeNull();
    expect(got.output.kind).toBe("values");
    expect(got.predictions.map((p) => p.input)).toEqual([`${at("rows.csv")}:2`, `${at("rows.csv")}:3`]);
    const theirs = await trainerInference(
      "dsl-examples/regression.dlm",
      "regression",
      ck,
      Float32Array.of(0.1, -0.25, 0.5, 0.9, 0.75, -1),
      2,
    );
    expect(
      maxAbsDiff(
        got.predictions.flatMap((p) => p.output),
        theirs,
      ),
    ).toBeLessThanOrEqual(1e-5);
    const text = await dlmOk(["predict", "dsl-examples/regression.dlm", "--checkpoint", ck, at("rows.csv")]);
    expect(text.stdout).toBe(got.predictions.map((p) => `${p.input}: ${p.output[0].toPrecision(6)}\n`).join(""));
  }, 240_000);

  it("bad input: one error line each (a located report for DL4006), exit code 1", async () => {
    writeFileSync(at("big.png"), pngOf(new Uint8Array(32 * 32).fill(200), 32, 32));
    writeFileSync(at("broken.png"), Buffer.concat([pngOf(new Uint8Array(784), 28, 28).subarray(0, 60)]));
    writeFileSync(at("text.png"), "not an image\n");
    writeFileSync(at("wide.npy"), encodeNpy([2, 30], new Float32Array(60)));
    // Another program's checkpoint: the regression's tensors, written by `train regression`.
    saveSafetensors(
      at("other.safetensors"),
      { "regression/dense/kernel": { dtype: "F32", shape: [3, 64], data: new Float32Array(192) } },
      { format: "dlm-checkpoint-1", program: "regression", signature: "regression/dense/kernel[3,64]" },
    );
    copyFileSync(path.join(repoRoot, "tests/programs/export/noise-in-model.dlm"), at("noise-in-model.dlm"));
    const cases: string[][] = [
      ["predict", "cnn.dlm", "--checkpoint", "other.safetensors", "digit.png"],
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "--model", "generator", "digit.png"],
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "big.png"],
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "broken.png"],
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "text.png"],
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "wide.npy"],
      ["predict", "cnn.dlm", "--checkpoint", "cnn.safetensors", "missing.png"],
      ["export", "cnn.dlm", "--checkpoint", "other.safetensors", "-o", "out"],
      ["export", "noise-in-model.dlm", "--checkpoint", "cnn.safetensors", "-o", "out"],
    ];
    const shown: string[] = [];
    for (const args of cases) {
      const r = await runDlm(args, { cwd: work.dir });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      if (args[1] !== "noise-in-model.dlm") expect(r.stderr).toMatch(/^error: [^\n]+\n$/);
      shown.push(`$ dlm ${args.join(" ")}\n${r.stderr}`);
    }
    expectGolden("tests/golden/predict/errors.txt", shown.join("\n"));
  }, 240_000);
});
