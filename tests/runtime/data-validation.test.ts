// Data is checked once, at load, for every source (npy, idx, csv, mnist): labels read as
// class ids (a sparse cross-entropy's or accuracy's labels: InputInfo.classes) must be whole
// numbers in 0..classes-1, and every feature or target must be finite after conversion to
// float32, in the training and in the test files. Each problem is a DataError naming the
// file, where the bad value is and what was expected.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadData, type DataInfo, type InputInfo } from "../../runtime/data/load.js";
import { encodeIdx, type IdxDtype } from "../../runtime/data/idx.js";
import { encodeNpy, type NpyArray } from "../../runtime/data/npy.js";
import { errorOf, removeDir, tmpDir } from "./helpers.js";

const root = tmpDir();
afterAll(() => removeDir(root));
let folders = 0;

/** A fresh folder holding `files` (name → bytes or text). */
function folder(files: Record<string, Uint8Array | string>): string {
  const d = path.join(root, `case${folders++}`);
  fs.mkdirSync(d);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(d, name), content);
  return d;
}

const info = (source: DataInfo["source"], range: [number, number] = [0, 1]): DataInfo => ({
  source,
  flatten: false,
  range,
  rowsAsSteps: false,
  oneHot: false,
});
const x3: InputInfo = { name: "x", shape: ["B", 3], dtype: "f32" };
/** Sparse labels of a 3-class model (sparse_categorical_crossentropy, simple form). */
const labels3: InputInfo = { name: "y", shape: ["B"], dtype: "i32", classes: 3 };
/** Float labels of a 3-class model (an explicit `y: [B]` input read by a sparse cross-entropy). */
const floatLabels3: InputInfo = { name: "y", shape: ["B"], dtype: "f32", classes: 3 };
/** One-hot targets of 3 classes (categorical_crossentropy on integer label files). */
const oneHot3: InputInfo = { name: "y", shape: ["B", 3], dtype: "f32" };
/** Plain float targets (regression). */
const target1: InputInfo = { name: "y", shape: ["B", 1], dtype: "f32" };

/** Features: 4 samples of 3 values, all fine unless changed. */
const features = (change: Record<number, number> = {}, n = 4): Float32Array => {
  const a = Float32Array.from({ length: n * 3 }, (_, i) => (i % 7) / 7);
  for (const [i, v] of Object.entries(change)) a[Number(i)] = v;
  return a;
};

describe("npy", () => {
  const npy = (x: NpyArray, y: NpyArray | null, yShape: number[] = [y?.length ?? 0], extra: Record<string, Uint8Array> = {}) =>
    folder({ "x.npy": encodeNpy([x.length / 3, 3], x), ...(y ? { "y.npy": encodeNpy(yShape, y) } : {}), ...extra });
  const load = (d: string, y: InputInfo | null, src: Partial<{ testX: string; testY: string }> = {}) =>
    loadData(
      info({ kind: "npy", x: "x.npy", y: y ? "y.npy" : null, testX: src.testX ?? null, testY: src.testY ?? null }),
      y ? [x3, y] : [x3],
      { baseDir: d },
    );

  it("good files load (int32, int64 and float labels; one-hot; float targets)", () => {
    const d = npy(features(), new Int32Array([0, 1, 2, 1]));
    expect(Array.from(load(d, labels3).train.y!)).toEqual([0, 1, 2, 1]);
    const d64 = npy(features(), new BigInt64Array([0n, 2n, 2n, 1n]));
    expect(load(d64, labels3).train.y).toEqual(new Int32Array([0, 2, 2, 1]));
    const df = npy(features(), new Float32Array([0, 1, 2, 1]));
    expect(load(df, floatLabels3).train.y).toEqual(new Float32Array([0, 1, 2, 1]));
    expect(Array.from(load(d, oneHot3).train.y!)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0]);
    const dt = npy(features(), new Float64Array([0.5, -1.25, 3, 1e30]), [4, 1]);
    expect(load(dt, target1).train.y).toEqual(Float32Array.from([0.5, -1.25, 3, 1e30]));
  });

  it("integer labels outside the model's classes: negative, too large (int32, int64, one-hot)", () => {
    expect(errorOf(() => load(npy(features(), new Int32Array([0, 1, -1, 2])), labels3)).message).toBe(
      `${path.join(root, `case${folders - 1}`, "y.npy")}: label -1 at index 2 is outside the model's classes 0..2`,
    );
    const big = errorOf(() => load(npy(features(), new Int32Array([0, 1, 2, 3])), labels3));
    expect(big.detail).toBe("label 3 at index 3 is outside the model's classes 0..2");
    expect(big.file).toMatch(/y\.npy$/);
    expect(errorOf(() => load(npy(features(), new BigInt64Array([0n, 10n, 2n, 1n])), labels3)).detail).toBe(
      "label 10 at index 1 is outside the model's classes 0..2",
    );
    // An int64 beyond int32 is reported as written, not wrapped around.
    expect(errorOf(() => load(npy(features(), new BigInt64Array([0n, 1n, 4294967296n, 1n])), labels3)).detail).toBe(
      "label 4294967296 at index 2 is outside the model's classes 0..2",
    );
    expect(errorOf(() => load(npy(features(), new Uint8Array([0, 1, 2, 3])), oneHot3)).detail).toBe(
      "label 3 at index 3 is outside the model's classes 0..2",
    );
  });

  it("float labels: whole numbers are class ids; fractional, out-of-range or NaN ones are errors", () => {
    expect(errorOf(() => load(npy(features(), new Float32Array([0, 1.5, 2, 1])), floatLabels3)).detail).toBe(
      "label 1.5 at index 1 is not a class id: expected a whole number in 0..2",
    );
    expect(errorOf(() => load(npy(features(), new Float64Array([0, 1, 2, 3])), floatLabels3)).detail).toBe(
      "label 3 at index 3 is outside the model's classes 0..2",
    );
    expect(errorOf(() => load(npy(features(), new Float32Array([-1, 1, 2, 0])), floatLabels3)).detail).toBe(
      "label -1 at index 0 is outside the model's classes 0..2",
    );
    expect(errorOf(() => load(npy(features(), new Float32Array([0, 1, NaN, 0])), floatLabels3)).detail).toBe(
      "label NaN at index 2 is not a class id: expected a whole number in 0..2",
    );
    // Float label files for int32 labels keep their own error (the dtype).
    expect(errorOf(() => load(npy(features(), new Float32Array([0, 1, 2, 1])), labels3)).detail).toMatch(
      /expected integer class labels \(int32 or int64\), found dtype 'f4'/,
    );
  });

  it("non-finite features: NaN, ±Infinity, float64 beyond float32", () => {
    const e = errorOf(() => load(npy(features({ 7: NaN }), null), null));
    expect(e.file).toMatch(/x\.npy$/);
    expect(e.detail).toBe("expected finite samples, found NaN at [2, 1] (sample 2)");
    expect(errorOf(() => load(npy(features({ 0: -Infinity }), null), null)).detail).toBe(
      "expected finite samples, found -Infinity at [0, 0] (sample 0)",
    );
    const f64 = Float64Array.from(features());
    f64[11] = 1e300;
    expect(errorOf(() => load(npy(f64, null), null)).detail).toBe(
      "expected finite samples, found 1e+300, which overflows float32, at [3, 2] (sample 3)",
    );
    // A value that only overflows once scaled to the source's range.
    const d = npy(features({ 4: 3e38 }), null);
    const scaled = errorOf(() =>
      loadData(info({ kind: "npy", x: "x.npy", y: null, testX: null, testY: null }, [-1, 1]), [x3], { baseDir: d }),
    );
    expect(scaled.detail).toMatch(
      /found 3\.0000000\d*e\+38, which overflows float32 once scaled to range \[-1, 1\], at \[1, 1\] \(sample 1\)/,
    );
  });

  it("non-finite float targets", () => {
    expect(errorOf(() => load(npy(features(), new Float32Array([0, Infinity, 0, 0]), [4, 1]), target1)).detail).toBe(
      "expected finite targets, found Infinity at [1, 0] (sample 1)",
    );
  });

  it("the test split is checked at load too: NaN features, bad labels", () => {
    const good = { x: features(), y: new Int32Array([0, 1, 2, 1]) };
    const d = npy(good.x, good.y, [4], {
      "tx.npy": encodeNpy([2, 3], Float32Array.from([0, 1, 2, 3, NaN, 5])),
      "ty.npy": encodeNpy([2], new Int32Array([0, 1])),
      "tx-ok.npy": encodeNpy([2, 3], Float32Array.from([0, 1, 2, 3, 4, 5])),
      "ty-bad.npy": encodeNpy([2], new Int32Array([0, 7])),
    });
    const nan = errorOf(() => load(d, labels3, { testX: "tx.npy", testY: "ty.npy" }));
    expect(nan.file).toMatch(/tx\.npy$/);
    expect(nan.detail).toBe("expected finite samples, found NaN at [1, 1] (sample 1)");
    const bad = errorOf(() => load(d, labels3, { testX: "tx-ok.npy", testY: "ty-bad.npy" }));
    expect(bad.file).toMatch(/ty-bad\.npy$/);
    expect(bad.detail).toBe("label 7 at index 1 is outside the model's classes 0..2");
  });
});

describe("idx", () => {
  const idx = (images: Uint8Array, labels: Uint8Array | null) =>
    folder({ "images.idx": images, ...(labels ? { "labels.idx": labels } : {}) });
  const load = (d: string, y: InputInfo | null) =>
    loadData(
      info({ kind: "idx", images: "images.idx", labels: y ? "labels.idx" : null, testImages: null, testLabels: null }),
      y ? [x3, y] : [x3],
      {
        baseDir: d,
      },
    );
  const images = encodeIdx(
    "ubyte",
    [4, 3],
    Array.from({ length: 12 }, (_, i) => i * 20),
  );
  const labelsOf = (dtype: IdxDtype, values: number[]) => encodeIdx(dtype, [values.length], values);

  it("good files load", () => {
    expect(load(idx(images, labelsOf("ubyte", [0, 1, 2, 1])), labels3).train.y).toEqual(new Int32Array([0, 1, 2, 1]));
    expect(load(idx(images, labelsOf("double", [0, 1, 2, 1])), labels3).train.y).toEqual(new Int32Array([0, 1, 2, 1]));
  });

  it("labels outside the model's classes: too large, negative, fractional", () => {
    const big = errorOf(() => load(idx(images, labelsOf("ubyte", [0, 1, 9, 1])), labels3));
    expect(big.file).toMatch(/labels\.idx$/);
    expect(big.detail).toBe("label 9 at index 2 is outside the model's classes 0..2");
    expect(errorOf(() => load(idx(images, labelsOf("byte", [0, -1, 2, 1])), labels3)).detail).toBe(
      "label -1 at index 1 is outside the model's classes 0..2",
    );
    expect(errorOf(() => load(idx(images, labelsOf("float", [0, 1, 2, 0.5])), labels3)).detail).toBe(
      "label 0.5 at index 3 is not a class id: expected a whole number in 0..2",
    );
    expect(errorOf(() => load(idx(images, labelsOf("ubyte", [0, 1, 3, 1])), oneHot3)).detail).toBe(
      "label 3 at index 2 is outside the model's classes 0..2",
    );
  });

  it("float IDX samples that are not finite (float and double files)", () => {
    const f = Array.from({ length: 12 }, (_, i) => i / 12);
    f[5] = NaN;
    const e = errorOf(() => load(idx(encodeIdx("float", [4, 3], f), null), null));
    expect(e.file).toMatch(/images\.idx$/);
    expect(e.detail).toBe("expected finite samples, found NaN at [1, 2] (sample 1)");
    f[5] = 0;
    f[9] = 1e39;
    expect(errorOf(() => load(idx(encodeIdx("double", [4, 3], f), null), null)).detail).toBe(
      "expected finite samples, found 1e+39, which overflows float32, at [3, 0] (sample 3)",
    );
  });

  it("float IDX targets keep their fractions, and non-finite ones are errors", () => {
    const d = idx(images, encodeIdx("float", [4, 1], [0.25, 1.5, -2, 3]));
    expect(load(d, target1).train.y).toEqual(Float32Array.from([0.25, 1.5, -2, 3]));
    const bad = idx(images, encodeIdx("float", [4, 1], [0.25, 1.5, Infinity, 3]));
    expect(errorOf(() => load(bad, target1)).detail).toBe("expected finite targets, found Infinity at [2, 0] (sample 2)");
  });
});

describe("csv", () => {
  const load = (text: string, y: InputInfo, testRows = 0) => {
    const d = folder({ "rows.csv": text });
    return loadData(info({ kind: "csv", path: "rows.csv", target: ["label"], testRows }), [x3, y], { baseDir: d });
  };
  const rows = (labels: string[]) => "a,b,c,label\n" + labels.map((l, i) => `${i},0.5,-1,${l}\n`).join("");

  it("good files load", () => {
    expect(load(rows(["0", "2", "1", "2"]), labels3).train.y).toEqual(new Int32Array([0, 2, 1, 2]));
    expect(load(rows(["0", "2", "1", "2.0"]), floatLabels3).train.y).toEqual(new Float32Array([0, 2, 1, 2]));
  });

  it("labels outside the model's classes name the line and the column: negative, too large, fractional", () => {
    const neg = errorOf(() => load(rows(["0", "-1", "1", "2"]), labels3));
    expect(neg.file).toMatch(/rows\.csv$/);
    expect(neg.detail).toBe("line 3, column 'label': label -1 is outside the model's classes 0..2");
    expect(errorOf(() => load(rows(["0", "1", "1", "3"]), labels3)).detail).toBe(
      "line 5, column 'label': label 3 is outside the model's classes 0..2",
    );
    expect(errorOf(() => load(rows(["0", "1.5", "1", "2"]), labels3)).detail).toBe(
      "line 3, column 'label': label 1.5 is not a class id: expected a whole number in 0..2",
    );
    expect(errorOf(() => load(rows(["0", "1", "2.5", "2"]), floatLabels3)).detail).toBe(
      "line 4, column 'label': label 2.5 is not a class id: expected a whole number in 0..2",
    );
    // Blank lines count: the line is the file's.
    expect(errorOf(() => load("a,b,c,label\n\n1,2,3,0\n\n1,2,3,4\n", labels3)).detail).toBe(
      "line 5, column 'label': label 4 is outside the model's classes 0..2",
    );
    // ... and the held-out test rows are checked too.
    expect(errorOf(() => load(rows(["0", "1", "2", "7"]), labels3, 1)).detail).toBe(
      "line 5, column 'label': label 7 is outside the model's classes 0..2",
    );
  });

  it("a value beyond float32 (1e40) is an error, not Infinity; so are NaN and inf cells", () => {
    const e = errorOf(() => load("a,b,c,label\n0,1,2,0\n0,1e40,2,1\n", labels3));
    expect(e.detail).toBe("line 3, column 'b': expected a finite number, found '1e40', beyond float32's range (±3.4028235e38)");
    expect(errorOf(() => load("a,b,c,label\n0,1,2,0\n0,1,-3.5e38,1\n", labels3)).detail).toMatch(/line 3, column 'c': .*'-3\.5e38'/);
    expect(errorOf(() => load("a,b,c,label\n0,1,2,0\n0,1,2,1e39\n", target1)).detail).toMatch(/line 3, column 'label': .*'1e39'/);
    expect(errorOf(() => load("a,b,c,label\n0,NaN,2,0\n", labels3)).detail).toBe(
      "line 2, column 'b': expected a finite number, found 'NaN'",
    );
    expect(errorOf(() => load("a,b,c,label\n0,1,2,0\n0,1,2,0\n0,1,-Infinity,1\n", labels3, 1)).detail).toBe(
      "line 4, column 'c': expected a finite number, found '-Infinity'",
    );
    // The largest float32 itself is fine.
    expect(load("a,b,c,label\n3.4028234e38,1,2,0\n", target1).train.x[0]).toBe(Math.fround(3.4028234e38));
  });
});

describe("mnist (IDX files in a folder)", () => {
  const mnistFolder = (labels: number[]) => {
    const n = labels.length;
    const imgs = (k: number) => encodeIdx("ubyte", [k, 28, 28], new Uint8Array(k * 784));
    return folder({
      "train-images-idx3-ubyte": imgs(n),
      "train-labels-idx1-ubyte": encodeIdx("ubyte", [n], labels),
      "t10k-images-idx3-ubyte": imgs(2),
      "t10k-labels-idx1-ubyte": encodeIdx("ubyte", [2], [0, 1]),
    });
  };
  const x: InputInfo = { name: "x", shape: ["B", 28, 28, 1], dtype: "f32" };

  it("digits beyond a smaller model's classes are errors", () => {
    const d = mnistFolder([0, 1, 2, 5, 1]);
    const load = (classes: number) =>
      loadData(info({ kind: "mnist", part: "both", dir: null }), [x, { name: "y", shape: ["B"], dtype: "i32", classes }], {
        baseDir: d,
        override: d,
      });
    expect(load(10).train.y).toEqual(new Int32Array([0, 1, 2, 5, 1]));
    const e = errorOf(() => load(3));
    expect(e.file).toMatch(/train-labels-idx1-ubyte$/);
    expect(e.detail).toBe("label 5 at index 3 is outside the model's classes 0..2");
  });
});
