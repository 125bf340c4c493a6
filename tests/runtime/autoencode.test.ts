// Samples that are their own targets (`mnist(autoencode=true)`, runtime/dataset.ts ownTargets):
// a batch's targets are a copy of its samples, row for row, in the shuffled order and with
// the padding rows of a partial batch; MNIST loads that way; a trained autoencoder's
// `--samples` PNG shows the test images above their reconstructions (runtime/samples.ts).
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PNG } from "pngjs";
import { Batcher, fillBatch, makeDataset, ownTargets, splitValidation } from "../../runtime/dataset.js";
import { loadData, type DataInfo, type InputInfo } from "../../runtime/data/load.js";
import { writeReconstructions } from "../../runtime/samples.js";
import { Rng } from "../../runtime/rng.js";
import { loadTrainer } from "../helpers/trainer.js";

describe("a dataset whose samples are their targets", () => {
  const x = Float32Array.from({ length: 7 * 3 }, (_, i) => i + 1);
  const ds = ownTargets(makeDataset(x, [3]));

  it("fills y with the batch's own rows, shuffled, and zero past the last sample", () => {
    expect(ds.yShape).toEqual([3]);
    expect(ds.y).toBeUndefined();
    const order = Uint32Array.from([6, 2, 0, 5, 1, 3, 4]);
    const xb = new Float32Array(4 * 3).fill(-1);
    const yb = new Float32Array(4 * 3).fill(-1);
    expect(fillBatch(ds, order, 1, 4, xb, yb)).toBe(3); // rows 1, 3, 4, then one padding row
    expect(Array.from(xb)).toEqual([4, 5, 6, 10, 11, 12, 13, 14, 15, 0, 0, 0]);
    expect(Array.from(yb)).toEqual(Array.from(xb));
  });

  it("keeps being its own target through a validation split, and a Batcher allocates the targets", () => {
    const { train, validation } = splitValidation(ds, 0.3);
    expect(validation.ownTargets).toBe(true);
    const b = new Batcher(train, 2, true, new Rng(3));
    expect(b.y).toBeInstanceOf(Float32Array);
    b.startEpoch();
    b.fill(0);
    expect(Array.from(b.y!)).toEqual(Array.from(b.x));
    expect(b.x.some((v) => v !== 0)).toBe(true);
  });
});

describe("mnist.images(autoencode=true)", () => {
  const data: DataInfo = {
    source: { kind: "mnist", part: "images", dir: null },
    flatten: true,
    range: [0, 1],
    rowsAsSteps: false,
    oneHot: false,
    autoencode: true,
  };
  const inputs: InputInfo[] = [
    { name: "x", shape: ["B", 784], dtype: "f32" },
    { name: "y", shape: ["B", 784], dtype: "f32" },
  ];

  it("yields both splits, each image its own target", () => {
    const loaded = loadData(data, inputs, { baseDir: "." });
    expect([loaded.train.n, loaded.test?.n]).toEqual([60000, 10000]);
    const xb = new Float32Array(2 * 784);
    const yb = new Float32Array(2 * 784);
    fillBatch(loaded.test!, null, 0, 2, xb, yb);
    expect(Array.from(yb)).toEqual(Array.from(xb));
    expect(Math.max(...xb)).toBe(1); // a digit's white pixels, scaled to [0, 1]
  });

  it("refuses targets of another shape", () => {
    const bad: InputInfo[] = [inputs[0], { name: "y", shape: ["B", 10], dtype: "f32" }];
    expect(() => loadData(data, bad, { baseDir: "." })).toThrow(/784|10/);
  });
});

describe("--samples for an autoencoder", () => {
  it("writes 8 test images above the model's reconstructions", async () => {
    // An autoencoder whose reconstruction is 1 − x (kernel −I, bias 1): easy to check pixel by pixel.
    const src = "model ae(x: [B, 16]) {\n  x |> dense(16)\n}\n\n" + "train ae {\n  loss mse\n  optimizer sgd()\n}\n";
    const mod = await loadTrainer(src, "ae.dlm");
    const t = mod.createTrainer(new Rng(0), { batch: 3 }); // fewer rows than images: in chunks
    const k = mod.parameters.find((p) => p.name === "ae/dense/kernel")!;
    const b = mod.parameters.find((p) => p.name === "ae/dense/bias")!;
    t.params.fill(0, k.offset, k.offset + k.size);
    for (let i = 0; i < 16; i++) t.params[k.offset + i * 16 + i] = -1;
    t.params.fill(1, b.offset, b.offset + b.size);
    const images = Float32Array.from({ length: 10 * 16 }, (_, i) => ((i * 37) % 256) / 255);
    const test = ownTargets(makeDataset(images, [16]));
    const dir = mkdtempSync(path.join(tmpdir(), "dlm-ae-"));
    try {
      const file = writeReconstructions(mod, t, test, dir)!;
      expect(file).toBe(path.join(dir, "ae_reconstructions.png"));
      const png = PNG.sync.read(readFileSync(file));
      expect([png.width, png.height]).toEqual([8 * (4 + 2) + 2, 2 * (4 + 2) + 2]); // 4×4 images, 2-pixel borders
      const gray = (x: number, y: number) => png.data[4 * (y * png.width + x)];
      for (let img = 0; img < 8; img++)
        for (let p = 0; p < 16; p++) {
          const [x, y] = [2 + img * 6 + (p % 4), 2 + Math.floor(p / 4)];
          const v = images[img * 16 + p];
          expect(gray(x, y)).toBe(Math.round(255 * v));
          expect(gray(x, y + 6)).toBe(Math.round(255 * (1 - v)));
        }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
