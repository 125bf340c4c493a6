// A program's data source (the `data` clause, as the compiler recorded it) assembled into
// train and test Datasets whose per-sample shapes fit the trainer's inputs, from its files'
// contents, on any engine: where the files come from is a `DataFiles` (load.ts reads them
// from disk in Node, relative paths against the .dlm file's folder; a page passes their bytes:
// browser.ts). Every mismatch is a DataError naming the file and what was expected.
import { DataError, formatShape } from "../errors.js";
import { makeDataset, ownTargets, sizeOf, type Dataset } from "../dataset.js";
import type { IdxTensor } from "./idx-format.js";
import type { NpyTensor } from "./npy-format.js";
import type { CsvTable } from "./csv-format.js";
import { baseName, type MnistSplit } from "./mnist-split.js";
import type { BrownVocab } from "./brown.js";
import type { CharSource } from "./chars-load.js";

/** The compiler's DataSpec, as plain JSON in the generated trainer. */
export interface DataInfo {
  source:
    | { kind: "mnist"; part: "both" | "images" | "labels"; dir: string | null; labels?: readonly number[] }
    | { kind: "idx"; images: string; labels: string | null; testImages: string | null; testLabels: string | null }
    | { kind: "npy"; x: string; y: string | null; testX: string | null; testY: string | null }
    | { kind: "csv"; path: string; target: string[]; testRows: number }
    | { kind: "brown"; maxLen: number; vocabSize: number; tagCount: number }
    | CharSource;
  flatten: boolean;
  range: [number, number];
  rowsAsSteps: boolean;
  oneHot: boolean;
  /** The samples are also the targets (mnist's `autoencode`). */
  autoencode?: boolean;
}

export interface InputInfo {
  name: string;
  shape: (number | "B")[];
  dtype: "f32" | "i32";
  /** Set when the input holds class ids (a sparse cross-entropy's or accuracy's labels): ids lie in 0..classes-1. */
  classes?: number;
}

export interface LoadedData {
  train: Dataset;
  test: Dataset | null;
  /** Where the data came from, for messages. */
  description: string;
  /** The vocabularies the ids stand for (brown): saved with checkpoints, checked on resume. */
  vocab?: BrownVocab;
  /** The characters the ids of character data stand for (id 0 `<unk>`): saved with checkpoints, checked on resume. */
  chars?: readonly string[];
}

/** A text source (brown, chars): read from the file system only (Node). */
export type TextSource = Extract<DataInfo["source"], { kind: "brown" } | { kind: "chars" }>;

/**
 * Where a data source's files come from. Each method gets a path as the program wrote it and
 * returns the decoded contents with the file's name for messages.
 */
export interface DataFiles {
  /** One split of MNIST: the built-in files, or those of the folder `dir` (`mnist(dir=…)`), pixels in `range`. */
  mnist(split: "train" | "test", dir: string | null, range: readonly [number, number]): MnistSplit;
  /** Where MNIST came from, for the description. */
  mnistOrigin(dir: string | null): string;
  idx(p: string): { readonly file: string; readonly tensor: IdxTensor };
  npy(p: string): { readonly file: string; readonly tensor: NpyTensor };
  csv(p: string): { readonly file: string; readonly table: CsvTable };
  /** The name a path is shown by in descriptions. */
  name(p: string): string;
  /** The text sources. */
  text(src: TextSource, data: DataInfo, x: InputInfo, y: InputInfo | undefined): LoadedData;
}

const perSample = (i: InputInfo): number[] => i.shape.slice(1) as number[];

/** Where flat entry i of an array of `shape` lies, for messages: "index 4", or "[4, 1, 2] (sample 4)". */
function position(shape: readonly number[], i: number): string {
  if (shape.length <= 1) return `index ${i}`;
  const at: number[] = [];
  let rest = i;
  for (let d = shape.length - 1; d >= 0; d--) {
    at.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `[${at.join(", ")}] (sample ${at[0]})`;
}

/** Where a label is: a prefix and a suffix around "label 10" in messages. */
type Where = (i: number) => readonly [string, string];

/**
 * Checks class ids (one pass): each must be a whole number in 0..classes-1 (any class id
 * that fits int32 when the model's class count is not known). Returns them as int32.
 */
function classIds(data: ArrayLike<number | bigint>, classes: number | undefined, file: string, where: Where): Int32Array {
  const top = classes ?? 0x80000000;
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (v >= 0 && v < top && Number.isInteger(v)) {
      out[i] = v;
      continue;
    }
    const [before, after] = where(i);
    const label = `${before}label ${String(data[i])}${after}`;
    const range = classes === undefined ? "0..2147483647" : `0..${classes - 1}`;
    throw new DataError(
      Number.isInteger(v) && classes !== undefined
        ? `${label} is outside the model's classes ${range}`
        : `${label} is not a class id: expected a whole number in ${range}`,
      file,
    );
  }
  return out;
}

const atIndex =
  (shape: readonly number[]): Where =>
  (i) => ["", ` at ${position(shape, i)}`];

function oneHot(ids: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(ids.length * classes);
  ids.forEach((l, i) => (out[i * classes + l] = 1));
  return out;
}

/** The class count of a one-hot target input ([B, classes], f32), or 0. */
function oneHotWidth(input: InputInfo): number {
  const shape = perSample(input);
  return input.dtype === "f32" && shape.length === 1 && shape[0] > 1 ? shape[0] : 0;
}

/**
 * Labels (a file of class ids of `shape`) as the target input wants them: int32 class ids,
 * one-hot rows, or floats (class ids of an f32 sparse-label input, or plain targets).
 * Every label read as a class is checked against the model's classes.
 */
function targets(labels: ArrayLike<number | bigint>, shape: readonly number[], input: InputInfo, file: string): Float32Array | Int32Array {
  if (input.dtype === "i32") return classIds(labels, input.classes, file, atIndex(shape));
  const width = shape.length === 1 ? oneHotWidth(input) : 0;
  if (width) return oneHot(classIds(labels, width, file, atIndex(shape)), width);
  if (input.classes !== undefined) return Float32Array.from(classIds(labels, input.classes, file, atIndex(shape)));
  return finite(Float32Array.from(labels, Number), labels, shape, file, "targets");
}

/**
 * Checks (one pass) that float32 values converted from `source` are all finite; names the
 * first that is not, with the value it came from (a finite one overflowed float32).
 */
function finite(
  out: Float32Array,
  source: ArrayLike<number | bigint>,
  shape: readonly number[],
  file: string,
  what: string,
  range: readonly [number, number] = [0, 1],
): Float32Array {
  for (let i = 0; i < out.length; i++) {
    if (Number.isFinite(out[i])) continue;
    const v = Number(source[i]);
    const scaledTo = range[0] === 0 && range[1] === 1 ? "" : ` once scaled to range [${range[0]}, ${range[1]}]`;
    const found = Number.isFinite(v) ? `${v}, which overflows float32${scaledTo},` : String(v);
    throw new DataError(`expected finite ${what}, found ${found} at ${position(shape, i)}`, file);
  }
  return out;
}

/** Checks that data of per-sample `found` fits `input` (same element order, Keras layout). */
export function fit(found: number[], input: InputInfo, file: string, what: string): void {
  const want = perSample(input);
  const same = found.length === want.length && found.every((d, i) => d === want[i]);
  if (same) return;
  const hint =
    sizeOf(found) === sizeOf(want)
      ? want.length === 1
        ? " (add flatten=true to the data source)"
        : want.length === 2
          ? " (add rows_as_steps=true to the data source)"
          : ""
      : "";
  throw new DataError(`${what} have shape ${formatShape(found)} per sample, but \`${input.name}\` takes ${formatShape(want)}${hint}`, file);
}

/** The float32 value of each byte 0..255 under `range`: byte images stay bytes and are converted per batch through it. */
function byteTable(range: [number, number]): Float32Array {
  return scaled(
    Uint8Array.from({ length: 256 }, (_, p) => p),
    true,
    range,
  );
}

function scaled(data: ArrayLike<number>, byteData: boolean, range: [number, number]): Float32Array {
  const [lo, hi] = range;
  const out = new Float32Array(data.length);
  const k = byteData ? (hi - lo) / 255 : hi - lo;
  for (let i = 0; i < data.length; i++) out[i] = lo + k * Number(data[i]);
  return out;
}

/**
 * `mnist(labels=[...])`: only the samples of the listed digits, in their order in the file,
 * each labelled by the digit's position in the list (`labels=[5, 6, 7, 8, 9]`: 5 → 0, …, 9 → 4).
 */
function keepDigits(s: MnistSplit, digits: readonly number[] | undefined): MnistSplit {
  if (!digits) return s;
  const classOf = new Int32Array(10).fill(-1);
  digits.forEach((d, k) => (classOf[d] = k));
  const kept: number[] = [];
  for (let i = 0; i < s.n; i++) if (classOf[s.labels[i]] >= 0) kept.push(i);
  const pixels = s.pixels;
  const data = new Uint8Array(kept.length * 784);
  kept.forEach((i, r) => data.set(pixels.subarray(i * 784, (i + 1) * 784), r * 784));
  const labels = Int32Array.from(kept, (i) => classOf[s.labels[i]]);
  const rows = { shape: [kept.length, 28, 28], data, fetch: () => {}, fetchAll: () => data };
  const table = s.table;
  return {
    n: kept.length,
    rows,
    pixels: data,
    table,
    get images(): Float32Array {
      return Float32Array.from(data, (p) => table[p]);
    },
    labels,
    imagesFile: s.imagesFile,
    labelsFile: s.labelsFile,
  };
}

/** The train and test datasets of `data` for a trainer with `inputs`, from `files`. */
export function assembleData(data: DataInfo, inputs: readonly InputInfo[], files: DataFiles): LoadedData {
  const src = data.source;
  const x = inputs[0];
  const y = inputs[1] as InputInfo | undefined;
  if (inputs.length > 2) throw new DataError(`a data source yields at most two columns, but the trainer takes ${inputs.length} inputs`);
  switch (src.kind) {
    case "mnist": {
      const split = (which: "train" | "test"): Dataset => {
        const s = keepDigits(files.mnist(which, src.dir, data.range), src.labels);
        const shape = data.flatten ? [784] : data.rowsAsSteps ? [28, 28] : [28, 28, 1];
        if (src.part === "labels") {
          fit(data.oneHot ? [10] : [], x, s.labelsFile, "labels");
          return makeDataset(Float32Array.from(s.labels), perSample(x), undefined, [], s.labelsFile);
        }
        fit(shape, x, s.imagesFile, "images");
        // The pixels are read from the file as batches first ask for their rows.
        if (data.autoencode) {
          if (y) fit(shape, y, s.imagesFile, "images as targets");
          return ownTargets(makeDataset(s.rows.data, shape, undefined, [], s.imagesFile, s.table, s.rows.fetch));
        }
        if (src.part === "images" || !y) return makeDataset(s.rows.data, shape, undefined, [], s.imagesFile, s.table, s.rows.fetch);
        fit(data.oneHot ? [10] : [], y, s.labelsFile, "labels");
        return makeDataset(
          s.rows.data,
          shape,
          targets(s.labels, [s.n], y, s.labelsFile),
          perSample(y),
          s.imagesFile,
          s.table,
          s.rows.fetch,
        );
      };
      const train = split("train");
      return {
        train,
        test: y ? split("test") : null,
        description: `MNIST${src.labels ? ` digits ${src.labels.join(", ")} as classes 0 to ${src.labels.length - 1}` : ""}${data.autoencode ? " images as their own targets" : ""} (${files.mnistOrigin(src.dir)})`,
      };
    }
    case "idx": {
      const load = (imagesPath: string, labelsPath: string | null): Dataset => {
        const { file: imagesFile, tensor: img } = files.idx(imagesPath);
        const n = img.shape[0];
        let shape = img.shape.slice(1);
        if (data.flatten) shape = [sizeOf(shape)];
        else if (!data.rowsAsSteps && shape.length === 2 && perSample(x).length === 3) shape = [...shape, 1];
        fit(shape, x, imagesFile, "samples");
        // Bytes stay bytes (converted per batch through a table of the same values).
        const bytes = img.dtype === "ubyte" ? (img.data as Uint8Array) : null;
        // Bytes cannot be non-finite; other samples are checked as they are converted.
        const xs = bytes ?? finite(scaled(img.data, false, data.range), img.data, img.shape, imagesFile, "samples", data.range);
        const table = bytes ? byteTable(data.range) : undefined;
        if (!labelsPath || !y) return makeDataset(xs, shape, undefined, [], imagesFile, table);
        const { file: labelsFile, tensor: lab } = files.idx(labelsPath);
        if (lab.shape[0] !== n)
          throw new DataError(`expected ${n} labels (one per image in ${baseName(imagesFile)}), found ${lab.shape[0]}`, labelsFile);
        return makeDataset(xs, shape, targets(lab.data, lab.shape, y, labelsFile), perSample(y), imagesFile, table);
      };
      return {
        train: load(src.images, src.labels),
        test: src.testImages ? load(src.testImages, src.testLabels) : null,
        description: files.name(src.images),
      };
    }
    case "npy": {
      const load = (xPath: string, yPath: string | null): Dataset => {
        const { file: xFile, tensor: xt } = files.npy(xPath);
        if (xt.dtype !== "f4" && xt.dtype !== "f8" && xt.dtype !== "u1") {
          throw new DataError(`expected samples of dtype float32 ('<f4'), float64 or uint8, found '${xt.dtype}'`, xFile);
        }
        let shape = xt.shape.slice(1);
        if (data.flatten) shape = [sizeOf(shape)];
        fit(shape, x, xFile, "samples");
        const bytes = xt.dtype === "u1" ? (xt.data as Uint8Array) : null;
        const xs =
          bytes ?? finite(scaled(xt.data as ArrayLike<number>, false, data.range), xt.data, xt.shape, xFile, "samples", data.range);
        const table = bytes ? byteTable(data.range) : undefined;
        if (!yPath || !y) return makeDataset(xs, shape, undefined, [], xFile, table);
        const { file: yFile, tensor: yt } = files.npy(yPath);
        if (yt.shape[0] !== xt.shape[0])
          throw new DataError(`expected ${xt.shape[0]} targets (one per sample in ${baseName(xFile)}), found ${yt.shape[0]}`, yFile);
        const isInt = /^[iu]/.test(yt.dtype);
        if (y.dtype === "i32") {
          if (!isInt) throw new DataError(`expected integer class labels (int32 or int64), found dtype '${yt.dtype}'`, yFile);
          return makeDataset(xs, shape, targets(yt.data, yt.shape, y, yFile), [], xFile, table);
        }
        const yShape = yt.shape.slice(1);
        if (isInt && yShape.length === 0 && oneHotWidth(y)) {
          return makeDataset(xs, shape, targets(yt.data, yt.shape, y, yFile), perSample(y), xFile, table);
        }
        fit(sizeOf(yShape) === sizeOf(perSample(y)) ? perSample(y) : yShape, y, yFile, "targets");
        return makeDataset(xs, shape, targets(yt.data, yt.shape, y, yFile), perSample(y), xFile, table);
      };
      return { train: load(src.x, src.y), test: src.testX ? load(src.testX, src.testY) : null, description: files.name(src.x) };
    }
    case "brown":
    case "chars":
      return files.text(src, data, x, y);
    case "csv": {
      const { file, table } = files.csv(src.path);
      for (const t of src.target)
        if (!table.columns.includes(t)) throw new DataError(`has no target column "${t}" (columns: ${table.columns.join(", ")})`, file);
      const features = table.columns.filter((c) => !src.target.includes(c));
      fit([features.length], x, file, "rows (feature columns)");
      if (y && sizeOf(perSample(y)) !== src.target.length) {
        throw new DataError(
          `the target has ${src.target.length} column(s) (${src.target.join(", ")}), but \`${y.name}\` takes ${formatShape(perSample(y))}`,
          file,
        );
      }
      if (src.testRows >= table.rows) throw new DataError(`has ${table.rows} rows, too few to hold out test_rows=${src.testRows}`, file);
      const column = (names: string[], from: number, to: number): Float32Array => {
        const idx = names.map((c) => table.columns.indexOf(c));
        const out = new Float32Array((to - from) * names.length);
        for (let r = from; r < to; r++)
          for (let j = 0; j < idx.length; j++) out[(r - from) * idx.length + j] = table.data[r * table.columns.length + idx[j]];
        return out;
      };
      const split = table.rows - src.testRows;
      const yShape = y ? perSample(y) : [];
      // The reader refused non-finite cells and any that overflow float32; class ids are checked here.
      const labels = (from: number, to: number): Float32Array | Int32Array => {
        const values = column(src.target, from, to);
        if (y?.dtype !== "i32" && y?.classes === undefined) return values;
        const w = src.target.length;
        const ids = classIds(values, y.classes, file, (i) => [
          `line ${table.lines[from + Math.floor(i / w)]}, column '${src.target[i % w]}': `,
          "",
        ]);
        return y.dtype === "i32" ? ids : values;
      };
      const part = (from: number, to: number) =>
        makeDataset(
          scaled(column(features, from, to), false, [data.range[0], data.range[0] + (data.range[1] - data.range[0])]),
          [features.length],
          y ? labels(from, to) : undefined,
          yShape,
          file,
        );
      return { train: part(0, split), test: src.testRows > 0 ? part(split, table.rows) : null, description: file };
    }
  }
}
