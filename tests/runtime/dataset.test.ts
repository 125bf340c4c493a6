import { describe, expect, it } from "vitest";
import {
  Batcher,
  batchesPerEpoch,
  checkShape,
  evalBatches,
  fillBatch,
  fillEvalBatch,
  makeDataset,
  splitValidation,
  toInt32Labels,
} from "../../runtime/dataset.js";
import { loadMnistSplit } from "../../runtime/data/mnist.js";
import { DataError } from "../../runtime/errors.js";
import { Rng } from "../../runtime/rng.js";

/** n samples of shape [2]: sample i is [i, -i]; label i % 10. */
function toy(n: number) {
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = -i;
    y[i] = i % 10;
  }
  return makeDataset(x, [2], y, [], "toy");
}

describe("dataset", () => {
  it("takes the validation split from the end, as Keras does", () => {
    const { train, validation } = splitValidation(toy(10), 0.25);
    expect(train.n).toBe(7); // floor(10 · 0.75)
    expect(validation.n).toBe(3);
    expect(Array.from(validation.x)).toEqual([7, -7, 8, -8, 9, -9]);
    expect(Array.from(validation.y!)).toEqual([7, 8, 9]);
    expect(Array.from(train.x.subarray(0, 2))).toEqual([0, -0]);
    expect(() => splitValidation(toy(1), 0.5)).toThrow(DataError);
  });

  it("counts batches per epoch as ceil(n / batch)", () => {
    expect(batchesPerEpoch(60_000, 32)).toBe(1875);
    expect(batchesPerEpoch(10, 3)).toBe(4);
    expect(evalBatches(10_000, 32)).toBe(313);
  });

  it("covers every sample once per shuffled epoch, with a partial last batch", () => {
    const ds = toy(10);
    const b = new Batcher(ds, 4, true, new Rng(1));
    expect(b.batches).toBe(3);
    const orders: string[] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      b.startEpoch();
      const seen: number[] = [];
      const counts: number[] = [];
      for (let k = 0; k < b.batches; k++) {
        const count = b.fill(k);
        counts.push(count);
        for (let r = 0; r < count; r++) {
          const i = b.x[2 * r];
          expect(b.x[2 * r + 1]).toBe(-i);
          expect(b.y![r]).toBe(i % 10);
          seen.push(i);
        }
        for (let r = count; r < 4; r++) expect([b.x[2 * r], b.y![r]]).toEqual([0, 0]); // zeroed padding
      }
      expect(counts).toEqual([4, 4, 2]);
      expect([...seen].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      orders.push(seen.join(","));
    }
    expect(new Set(orders).size).toBe(3); // a fresh order each epoch
  });

  it("shuffles the same way for the same seed and keeps order without shuffle", () => {
    const a = new Batcher(toy(50), 8, true, new Rng(9));
    const b = new Batcher(toy(50), 8, true, new Rng(9));
    a.startEpoch();
    b.startEpoch();
    expect(Array.from(a.order)).toEqual(Array.from(b.order));
    const c = new Batcher(toy(5), 2, false);
    c.startEpoch();
    expect(c.fill(1)).toBe(2);
    expect(Array.from(c.x)).toEqual([2, -2, 3, -3]);
  });

  it("evaluation visits all 10,000 MNIST test samples once at batch 32", () => {
    const t = loadMnistSplit("test");
    const ds = makeDataset(t.images, [28, 28, 1], t.labels, [], "mnist");
    const x = new Float32Array(32 * 784);
    const y = new Int32Array(32);
    let total = 0;
    let labelSum = 0;
    let last = 0;
    for (let b = 0; b < evalBatches(ds.n, 32); b++) {
      last = fillEvalBatch(ds, b, 32, x, y);
      total += last;
      for (let r = 0; r < last; r++) labelSum += y[r];
    }
    expect(total).toBe(10_000);
    expect(last).toBe(10_000 - 312 * 32);
    expect(labelSum).toBe(t.labels.reduce((s, v) => s + v, 0));
    // the last batch's rows are the dataset's last samples
    expect(Array.from(x.subarray(0, 784))).toEqual(Array.from(t.images.subarray(9984 * 784, 9985 * 784)));
  });

  it("fillBatch works with float targets of any per-sample shape", () => {
    const ds = makeDataset(new Float32Array([1, 2, 3]), [1], new Float32Array([10, 11, 20, 21, 30, 31]), [2]);
    const x = new Float32Array(2);
    const y = new Float32Array(4);
    expect(fillBatch(ds, new Uint32Array([2, 0, 1]), 0, 2, x, y)).toBe(2);
    expect([...x, ...y]).toEqual([3, 1, 30, 31, 10, 11]);
    expect(() => makeDataset(new Float32Array(5), [2])).toThrow(/expected samples of shape \[2\] \(2 values\), found 5 values/);
    expect(() => makeDataset(new Float32Array(4), [2], new Int32Array(3))).toThrow(/expected 2 targets/);
  });

  it("fillBatch converts bytes through their table the same way in words of four and byte by byte", () => {
    // Sample sizes a multiple of 4 (read four bytes a word) and not; byte arrays aligned and not (a view at offset 1).
    const table = new Float32Array(256);
    for (let p = 0; p < 256; p++) table[p] = -1 + (2 * p) / 255;
    const rng = new Rng(5);
    for (const [xs, offset] of [
      [8, 0],
      [8, 1],
      [6, 0],
      [784, 0],
    ]) {
      const n = 5;
      const buf = new Uint8Array(n * xs + offset);
      for (let i = 0; i < buf.length; i++) buf[i] = Math.floor(rng.uniform() * 256);
      const bytes = buf.subarray(offset);
      const ds = makeDataset(bytes, [xs], undefined, [], "bytes", table);
      const order = new Uint32Array([3, 0, 4, 1, 2]);
      const x = new Float32Array(4 * xs);
      expect(fillBatch(ds, order, 0, 4, x)).toBe(4);
      const want = new Float32Array(4 * xs);
      for (let r = 0; r < 4; r++) for (let k = 0; k < xs; k++) want[r * xs + k] = table[bytes[order[r] * xs + k]];
      expect(x, `xs ${xs}, offset ${offset}`).toEqual(want);
    }
  });

  it("checkShape names the source and both shapes", () => {
    expect(() => checkShape([28, 28, 1], [32, 32, 3], "cifar.npy")).toThrow(
      /cifar\.npy: expected samples of shape \[28, 28, 1\], found \[32, 32, 3\]/,
    );
    expect(() => checkShape([28, 28, 1], [28, 28], "mnist")).toThrow(DataError);
    expect(() => checkShape([28, 28, 1], [28, 28], "mnist", { ignoreUnitDims: true })).not.toThrow();
    expect(() => checkShape([784], [28, 28], "mnist", { ignoreUnitDims: true })).toThrow(DataError);
  });

  it("narrows labels to int32 and rejects non-integers", () => {
    expect(Array.from(toInt32Labels(new BigInt64Array([3n, 0n])))).toEqual([3, 0]);
    expect(() => toInt32Labels(new Float32Array([1.5]), "y.npy")).toThrow(/y\.npy: expected class ids/);
  });
});
