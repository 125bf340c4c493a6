// The inputs of `dlm predict`, converted to the model's input exactly as the training data
// was (runtime/data/load.ts): PNG images (decoded by pngjs) as pixels p ↦ lo + (hi − lo)·p/255
// under the data source's `range` ([0, 1] by default, [−1, 1] for the GAN's MNIST); `.npy`
// arrays as the npy source reads them (uint8 like pixels, floats v ↦ lo + (hi − lo)·v); CSV
// files by the training file's feature columns (every column but the targets), scaled alike.
// Every problem is a DataError naming the file.
import { PNG } from "pngjs";
import * as path from "node:path";
import { DataError, formatShape } from "../../runtime/errors.js";
import { readBytes } from "../../runtime/data/files.js";
import { readNpy } from "../../runtime/data/npy.js";
import { readCsv } from "../../runtime/data/csv.js";
import type { DataSpec } from "../ir/ir.js";

/** The samples of one input file: `n` rows of the model's input, and a label per row for the output. */
export interface Samples {
  readonly file: string;
  readonly n: number;
  readonly data: Float32Array;
  /** `digit.png`, or `x.npy[3]` for one of several rows. */
  readonly labels: readonly string[];
}

export interface InputSpec {
  /** The model's input row shape (no batch axis). */
  readonly shape: readonly number[];
  /** The train block's data clause: its range, and for CSV the training file. */
  readonly data: DataSpec | null;
  /** The .dlm file's folder: relative data paths resolve against it. */
  readonly baseDir: string;
}

const sizeOf = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

export function readSamples(file: string, spec: InputSpec): Samples {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".png") return png(file, spec);
  if (ext === ".npy") return npy(file, spec);
  if (ext === ".csv") return csv(file, spec);
  throw new DataError(`cannot tell what this input is from its name: expected a .png image, a .npy array or a .csv file`, file);
}

const rangeOf = (spec: InputSpec): readonly [number, number] => spec.data?.range ?? [0, 1];
const rowLabels = (file: string, n: number) => (n === 1 ? [file] : Array.from({ length: n }, (_, i) => `${file}[${i}]`));

function png(file: string, spec: InputSpec): Samples {
  const bytes = readBytes(file, "a PNG image");
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 8 || signature.some((b, i) => bytes[i] !== b))
    throw new DataError("not a PNG image: it does not start with the PNG signature", file);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new DataError(`a damaged or truncated PNG image (the decoder says: ${e instanceof Error ? e.message : String(e)})`, file);
  }
  const { width: w, height: h } = img;
  const want = spec.shape;
  const channels = sizeOf(want) / (w * h);
  const fits = (channels === 1 || channels === 3) && (want.length < 2 || (want[0] === h && want[1] === w));
  if (!fits) {
    const pixels = want.length >= 2 ? `${want[0]}×${want[1]} pixels` : `${sizeOf(want)} values`;
    throw new DataError(`a ${w}×${h} image; the model takes ${formatShape(want)} per sample (${pixels})`, file);
  }
  const [lo, hi] = rangeOf(spec);
  const k = (hi - lo) / 255;
  const out = new Float32Array(w * h * channels);
  // RGBA rows from pngjs; alpha composes over black (MNIST's background), colour becomes luma for one channel.
  for (let p = 0; p < w * h; p++) {
    const [r, g, b, a] = [img.data[4 * p], img.data[4 * p + 1], img.data[4 * p + 2], img.data[4 * p + 3]];
    const over = (v: number) => (a === 255 ? v : (v * a) / 255);
    if (channels === 1) out[p] = lo + k * over(r === g && g === b ? r : 0.299 * r + 0.587 * g + 0.114 * b);
    else for (let c = 0; c < 3; c++) out[3 * p + c] = lo + k * over([r, g, b][c]);
  }
  return { file, n: 1, data: out, labels: [file] };
}

function npy(file: string, spec: InputSpec): Samples {
  const t = readNpy(file);
  if (t.dtype !== "f4" && t.dtype !== "f8" && t.dtype !== "u1")
    throw new DataError(`expected samples of dtype float32 ('<f4'), float64 or uint8, found '${t.dtype}'`, file);
  const row = sizeOf(spec.shape);
  const one = sizeOf(t.shape) === row && t.shape.length <= spec.shape.length;
  const n = one ? 1 : t.shape[0];
  if (!one && sizeOf(t.shape.slice(1)) !== row)
    throw new DataError(
      `expected samples of shape ${formatShape(spec.shape)} (one, or [n, ${spec.shape.join(", ")}]), found an array of ${formatShape(t.shape)}`,
      file,
    );
  const [lo, hi] = rangeOf(spec);
  const k = t.dtype === "u1" ? (hi - lo) / 255 : hi - lo;
  const out = new Float32Array(n * row);
  for (let i = 0; i < out.length; i++) {
    out[i] = lo + k * Number(t.data[i]);
    if (!Number.isFinite(out[i])) throw new DataError(`expected finite samples, found ${t.data[i]} at index ${i}`, file);
  }
  return { file, n, data: out, labels: rowLabels(file, n) };
}

function csv(file: string, spec: InputSpec): Samples {
  const src = spec.data?.source;
  const row = sizeOf(spec.shape);
  const table = readCsv(file);
  // The training file's feature columns, in its order; without a CSV source, every column.
  let features = table.columns;
  if (src?.kind === "csv") {
    const train = readCsv(path.resolve(spec.baseDir, src.path));
    features = train.columns.filter((c) => !src.target.includes(c));
    const missing = features.filter((c) => !table.columns.includes(c));
    if (missing.length > 0)
      throw new DataError(`has no column '${missing[0]}': the model reads the training file's features (${features.join(", ")})`, file);
  }
  if (features.length !== row)
    throw new DataError(`has ${features.length} columns (${features.join(", ")}); the model takes ${row} values per sample`, file);
  const [lo, hi] = rangeOf(spec);
  const idx = features.map((c) => table.columns.indexOf(c));
  const out = new Float32Array(table.rows * row);
  for (let r = 0; r < table.rows; r++)
    for (let j = 0; j < row; j++) out[r * row + j] = lo + (hi - lo) * table.data[r * table.columns.length + idx[j]];
  return { file, n: table.rows, data: out, labels: table.rows === 1 ? [file] : Array.from(table.lines, (l) => `${file}:${l}`) };
}
