// In-memory datasets and batching. Invariants: x is row-major [n, ...xShape] and y is
// [n, ...yShape]; x is float32, or bytes with a 256-entry table of their float32 values
// (images: converted per batch, so a dataset takes a quarter of the memory); splits are
// views (no copy); an epoch's order is a permutation drawn from
// the Rng starting from the identity, so it depends only on the Rng state at epoch start;
// filling a batch allocates nothing and zeroes the rows past the last real sample.
import { DataError, formatShape } from "./errors.js";
import type { Rng } from "./rng.js";

export interface Dataset {
  n: number;
  /** Row-major [n, ...xShape]: float32, or bytes read through `table`. */
  x: Float32Array | Uint8Array;
  /** With byte x: the float32 value of each byte. */
  table?: Float32Array;
  /** Rows read from disk on demand: call before reading row r of x. */
  fetch?: (row: number) => void;
  /** Per-sample shape of x. */
  xShape: number[];
  /** Row-major [n, ...yShape]: class ids (Int32Array) or targets (Float32Array). */
  y?: Float32Array | Int32Array;
  /** Per-sample shape of y ([] for one class id or one scalar per sample). */
  yShape: number[];
  /** The samples are their own targets (an autoencoder's): a batch's y is a copy of its x, and `y` is absent. */
  ownTargets?: true;
  /** Where the data came from, for error messages. */
  source?: string;
  /** Windows of a text (character data): sample r is a window of `ids`, and `x` and `y` are unused. */
  windows?: Windows;
}

/**
 * Sample r of a window dataset starts at position s = starts[r] (or offset + r) of `ids`:
 * its x holds ids s … s+context−1 (as numbers, or as one-hot rows of `oneHot` classes), its
 * target the next id s+context (`last`) or the next ids s+1 … s+context.
 */
export interface Windows {
  readonly ids: Int32Array;
  readonly context: number;
  readonly last: boolean;
  /** 0, or the vocabulary size: each id becomes a one-hot row of this many values. */
  readonly oneHot: number;
  readonly offset: number;
  readonly starts?: Uint32Array;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Builds a Dataset, checking that x and y hold a whole number of samples and agree on n. */
export function makeDataset(
  x: Float32Array | Uint8Array,
  xShape: number[],
  y?: Float32Array | Int32Array,
  yShape: number[] = [],
  source?: string,
  table?: Float32Array,
  fetch?: (row: number) => void,
): Dataset {
  if (x instanceof Uint8Array && table?.length !== 256)
    throw new RangeError("a dataset of bytes needs the 256-entry table of their values");
  const xs = sizeOf(xShape);
  if (xs === 0 || x.length % xs !== 0) {
    throw new DataError(`expected samples of shape ${formatShape(xShape)} (${xs} values), found ${x.length} values in all`, source);
  }
  const n = x.length / xs;
  if (y !== undefined && y.length !== n * sizeOf(yShape)) {
    throw new DataError(`expected ${n} targets of shape ${formatShape(yShape)} (one per sample), found ${y.length} values`, source);
  }
  return { n, x, xShape, y, yShape, source, ...(x instanceof Uint8Array ? { table } : {}), ...(fetch ? { fetch } : {}) };
}

/** The dataset with its samples as their targets (y = x, batch by batch; no copy of the data). */
export function ownTargets(ds: Dataset): Dataset {
  return { ...ds, y: undefined, yShape: ds.xShape, ownTargets: true };
}

function slice(ds: Dataset, start: number, end: number): Dataset {
  if (ds.windows) {
    const w = ds.windows;
    const windows = w.starts ? { ...w, starts: w.starts.subarray(start, end) } : { ...w, offset: w.offset + start };
    return { ...ds, n: end - start, windows };
  }
  const xs = sizeOf(ds.xShape);
  const ys = sizeOf(ds.yShape);
  return {
    n: end - start,
    x: ds.x.subarray(start * xs, end * xs),
    xShape: ds.xShape,
    y: ds.y?.subarray(start * ys, end * ys),
    yShape: ds.yShape,
    source: ds.source,
    ...(ds.ownTargets ? { ownTargets: true as const } : {}),
    ...(ds.table ? { table: ds.table } : {}),
    ...(ds.fetch ? { fetch: (r: number) => ds.fetch!(start + r) } : {}),
  };
}

/**
 * Keras's validation_split: validation is taken from the END, before any shuffling —
 * train = the first floor(n · (1 − fraction)) samples, validation = the rest (both views).
 */
export function splitValidation(ds: Dataset, fraction: number): { train: Dataset; validation: Dataset } {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validation fraction must be in [0, 1), got ${fraction}`);
  const splitAt = Math.floor(ds.n * (1 - fraction));
  if (splitAt === 0) {
    throw new DataError(`validation split ${fraction} of ${ds.n} samples leaves no training samples`, ds.source);
  }
  return { train: slice(ds, 0, splitAt), validation: slice(ds, splitAt, ds.n) };
}

/** Batches per epoch, Keras's way: ceil(n / batchSize), the last one partial. */
export function batchesPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/**
 * Copies batch `batchIndex` (samples order[b·B .. b·B + B), or b·B.. in order when `order`
 * is null) into xOut/yOut, which hold a full batch. Returns how many rows are real; the
 * rows after them are zero-filled, so a partial last batch must be masked by the caller.
 */
export function fillBatch(
  ds: Dataset,
  order: Uint32Array | null,
  batchIndex: number,
  batchSize: number,
  xOut: Float32Array,
  yOut?: Float32Array | Int32Array,
): number {
  const xs = sizeOf(ds.xShape);
  const ys = sizeOf(ds.yShape);
  const start = batchIndex * batchSize;
  const count = Math.max(0, Math.min(batchSize, ds.n - start));
  if (ds.windows) {
    fillWindows(ds.windows, order, start, count, xOut, yOut);
    xOut.fill(0, count * xs, batchSize * xs);
    yOut?.fill(0, count * ys, batchSize * ys);
    return count;
  }
  const x = ds.x;
  const table = ds.table;
  const fetch = ds.fetch;
  for (let r = 0; r < count; r++) {
    const row = order === null ? start + r : order[start + r];
    if (fetch) fetch(row);
    const src = row * xs;
    const dst = r * xs;
    if (table) throughTable(x as Uint8Array, table, src, xs, xOut, dst);
    else for (let k = 0; k < xs; k++) xOut[dst + k] = x[src + k];
  }
  xOut.fill(0, count * xs, batchSize * xs);
  if (ds.ownTargets && yOut !== undefined) {
    yOut.set(xOut.subarray(0, batchSize * xs));
    return count;
  }
  const y = ds.y;
  if (yOut !== undefined && y !== undefined) {
    for (let r = 0; r < count; r++) {
      const src = (order === null ? start + r : order[start + r]) * ys;
      const dst = r * ys;
      for (let k = 0; k < ys; k++) yOut[dst + k] = y[src + k];
    }
    yOut.fill(0, count * ys, batchSize * ys);
  }
  return count;
}

/** Whether a Uint32Array word holds bytes 0 … 3 from its low end (every engine dlm runs on; checked, not assumed). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Each byte array's view as 32-bit words (the same memory), made on its first batch. */
const wordViews = new WeakMap<Uint8Array, Uint32Array | null>();

/** The bytes as 32-bit words, where their offset allows; null otherwise. */
function wordsOf(bytes: Uint8Array): Uint32Array | null {
  let w = wordViews.get(bytes);
  if (w === undefined) {
    w = LITTLE_ENDIAN && bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : null;
    wordViews.set(bytes, w);
  }
  return w;
}

/**
 * out[dst + k] = table[bytes[src + k]] for k < n: a word of four bytes at a time where src and n
 * are multiples of 4 (an MNIST image's 784), which halves the time of a batch's conversion
 * (JavaScript, on the calling thread, between the steps' kernels); the same values either way.
 * The benchmark's MNIST feed (scripts/bench/common.mjs) calls it too.
 */
export function throughTable(bytes: Uint8Array, table: Float32Array, src: number, n: number, out: Float32Array, dst: number): void {
  const words = wordsOf(bytes);
  if (words !== null && (src & 3) === 0 && (n & 3) === 0) {
    for (let w = src >> 2, end = (src + n) >> 2, o = dst; w < end; w++, o += 4) {
      const v = words[w];
      out[o] = table[v & 255];
      out[o + 1] = table[(v >>> 8) & 255];
      out[o + 2] = table[(v >>> 16) & 255];
      out[o + 3] = table[v >>> 24];
    }
    return;
  }
  for (let k = 0; k < n; k++) out[dst + k] = table[bytes[src + k]];
}

/** Rows 0 … count−1 of a batch of windows: samples order[first + r] (or first + r). */
function fillWindows(
  w: Windows,
  order: Uint32Array | null,
  first: number,
  count: number,
  xOut: Float32Array,
  yOut?: Float32Array | Int32Array,
): void {
  const { ids, context, oneHot } = w;
  const width = oneHot || 1;
  for (let r = 0; r < count; r++) {
    const sample = order === null ? first + r : order[first + r];
    const s = w.starts ? w.starts[sample] : w.offset + sample;
    const dst = r * context * width;
    if (oneHot) {
      xOut.fill(0, dst, dst + context * oneHot);
      for (let t = 0; t < context; t++) xOut[dst + t * oneHot + ids[s + t]] = 1;
    } else for (let t = 0; t < context; t++) xOut[dst + t] = ids[s + t];
    if (!yOut) continue;
    if (w.last) yOut[r] = ids[s + context];
    else for (let t = 0; t < context; t++) yOut[r * context + t] = ids[s + 1 + t];
  }
}

/** Per-epoch training batches with optional shuffling and preallocated batch buffers. */
export class Batcher {
  readonly batches: number;
  readonly order: Uint32Array;
  readonly x: Float32Array;
  readonly y: Float32Array | Int32Array | undefined;

  constructor(
    readonly ds: Dataset,
    readonly batchSize: number,
    private readonly shuffle: boolean,
    private readonly rng?: Rng,
  ) {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
    if (shuffle && rng === undefined) throw new RangeError("a shuffling Batcher needs an Rng");
    this.batches = batchesPerEpoch(ds.n, batchSize);
    this.order = new Uint32Array(ds.n);
    for (let i = 0; i < ds.n; i++) this.order[i] = i;
    this.x = new Float32Array(batchSize * sizeOf(ds.xShape));
    const ys = batchSize * sizeOf(ds.yShape);
    this.y =
      ds.y === undefined && !ds.ownTargets && !ds.windows
        ? undefined
        : ds.y instanceof Int32Array || ds.windows
          ? new Int32Array(ys)
          : new Float32Array(ys);
  }

  /** Call at the start of every epoch: draws this epoch's order when shuffling. */
  startEpoch(): void {
    if (this.shuffle) this.rng!.permutation(this.ds.n, this.order);
  }

  /** Fills this.x / this.y with batch b of the current epoch; returns the real row count. */
  fill(b: number): number {
    return fillBatch(this.ds, this.order, b, this.batchSize, this.x, this.y);
  }
}

/** Evaluation batches: every sample exactly once, in order; see fillBatch for the last one. */
export function evalBatches(n: number, batchSize: number): number {
  return batchesPerEpoch(n, batchSize);
}

/** Fills evaluation batch b (in dataset order); returns the count of real rows to score. */
export function fillEvalBatch(
  ds: Dataset,
  batchIndex: number,
  batchSize: number,
  xOut: Float32Array,
  yOut?: Float32Array | Int32Array,
): number {
  return fillBatch(ds, null, batchIndex, batchSize, xOut, yOut);
}

export interface CheckShapeOptions {
  /** Treat shapes equal after dropping size-1 axes as the same ([28, 28] fits [28, 28, 1]). */
  ignoreUnitDims?: boolean;
  /** What the shape is of, for the message ("samples", "targets"). */
  what?: string;
}

/** Throws a DataError when a per-sample shape from `source` does not fit the model's. */
export function checkShape(expected: readonly number[], found: readonly number[], source?: string, opts: CheckShapeOptions = {}): void {
  const squeeze = (s: readonly number[]): number[] => (opts.ignoreUnitDims ? s.filter((d) => d !== 1) : [...s]);
  const a = squeeze(expected);
  const b = squeeze(found);
  if (a.length === b.length && a.every((d, i) => d === b[i])) return;
  throw new DataError(`expected ${opts.what ?? "samples"} of shape ${formatShape(expected)}, found ${formatShape(found)}`, source);
}

/** Narrows any numeric typed array (8-byte integers included) to float32. */
export function toFloat32(data: ArrayLike<number | bigint>): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
  return out;
}

/** Narrows integer class ids to int32, checking each is a whole number in [0, 2^31). */
export function toInt32Labels(data: ArrayLike<number | bigint>, source?: string): Int32Array {
  const out = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) {
      throw new DataError(`expected class ids (whole numbers ≥ 0), found ${String(data[i])} at index ${i}`, source);
    }
    out[i] = v;
  }
  return out;
}
