// The IDX format (LeCun's MNIST files): magic 0x0000 <dtype> <ndims>, then ndims big-endian
// uint32 sizes, then big-endian data. Invariants: a decoded tensor's data has exactly
// prod(shape) elements in host order; bytes shorter or longer than their header says, or of
// another dtype/rank than asked for, raise a DataError naming the file. Bytes in, tensors
// out: no file system here (idx.ts reads files in Node; a page passes the bytes).
import { DataError } from "../errors.js";

export type IdxDtype = "ubyte" | "byte" | "short" | "int" | "float" | "double";
export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  dtype: IdxDtype;
  shape: number[];
  data: IdxArray;
}

export interface IdxOptions {
  /** Required number of dimensions. */
  rank?: number;
  /** Required element type. */
  dtype?: IdxDtype;
}

const CODES: Record<number, { dtype: IdxDtype; size: number; label: string }> = {
  0x08: { dtype: "ubyte", size: 1, label: "unsigned byte" },
  0x09: { dtype: "byte", size: 1, label: "signed byte" },
  0x0b: { dtype: "short", size: 2, label: "short" },
  0x0c: { dtype: "int", size: 4, label: "int" },
  0x0d: { dtype: "float", size: 4, label: "float" },
  0x0e: { dtype: "double", size: 8, label: "double" },
};
const CODE_OF: Record<IdxDtype, number> = { ubyte: 0x08, byte: 0x09, short: 0x0b, int: 0x0c, float: 0x0d, double: 0x0e };

function hex(magic: number): string {
  return "0x" + (magic >>> 0).toString(16).padStart(8, "0");
}

function describe(magic: number): string {
  const code = CODES[(magic >>> 8) & 0xff];
  const dims = magic & 0xff;
  if (magic >>> 16 !== 0 || code === undefined) return "not an IDX magic";
  return `${code.label}, ${dims} dim${dims === 1 ? "" : "s"}`;
}

/** What a caller asked for, for messages: `IDX magic 0x00000803 (unsigned byte, 3 dims)`. */
export function expectedText(opts: IdxOptions): string {
  if (opts.dtype !== undefined && opts.rank !== undefined) {
    const magic = (CODE_OF[opts.dtype] << 8) | opts.rank;
    return `IDX magic ${hex(magic)} (${describe(magic)})`;
  }
  if (opts.dtype !== undefined) return `an IDX file of ${CODES[CODE_OF[opts.dtype]].label}s`;
  if (opts.rank !== undefined) return `an IDX file with ${opts.rank} dims`;
  return "an IDX file (magic 0x0000 <dtype> <dims>)";
}

/**
 * The rows (the first dimension) of an IDX file of bytes: in Node read from disk when first
 * asked for (openIdxRows in idx.ts), in a page already in memory (rowsInMemory). `data`
 * fills in as rows are fetched; `fetchAll()` completes it.
 */
export interface IdxRows {
  readonly shape: number[];
  readonly data: Uint8Array;
  /** Makes row r of `data` hold the file's bytes. */
  fetch(row: number): void;
  fetchAll(): Uint8Array;
}

/** The rows of bytes already in memory (a page's file): nothing to fetch. */
export function rowsInMemory(shape: number[], data: Uint8Array): IdxRows {
  return { shape, data, fetch: () => {}, fetchAll: () => data };
}

/** Decodes a whole IDX file's bytes; `opts` states the dtype and rank the caller needs, `file` names it in messages. */
export function decodeIdx(bytes: Uint8Array, file: string, opts: IdxOptions = {}): IdxTensor {
  const { dtype, shape, headerBytes, count } = parseHeader(file, bytes, bytes.length, opts);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dtype, shape, data: decode(dtype, view, headerBytes, count) };
}

/** Checks an IDX header (and that the file has exactly the bytes it announces). */
export function parseHeader(
  file: string,
  bytes: Uint8Array,
  fileSize: number,
  opts: IdxOptions,
): { dtype: IdxDtype; shape: number[]; headerBytes: number; count: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (fileSize < 4) {
    throw new DataError(`expected ${expectedText(opts)}, found a file of ${fileSize} bytes`, file);
  }
  const magic = view.getUint32(0, false);
  const code = CODES[(magic >>> 8) & 0xff];
  const rank = magic & 0xff;
  const wrong =
    magic >>> 16 !== 0 ||
    code === undefined ||
    (opts.dtype !== undefined && code.dtype !== opts.dtype) ||
    (opts.rank !== undefined && rank !== opts.rank);
  if (wrong) throw new DataError(`expected ${expectedText(opts)}, found ${hex(magic)} (${describe(magic)})`, file);

  const headerBytes = 4 + 4 * rank;
  if (fileSize < headerBytes) {
    throw new DataError(`truncated header: ${rank} dims need ${headerBytes} bytes, found ${fileSize}`, file);
  }
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expectedBytes = headerBytes + count * code.size;
  if (fileSize !== expectedBytes) {
    const what = fileSize < expectedBytes ? "truncated file" : "trailing bytes";
    throw new DataError(
      `${what}: expected ${expectedBytes} bytes (header ${headerBytes} + ${shape.join("×")} ${code.label}s), found ${fileSize}`,
      file,
    );
  }
  return { dtype: code.dtype, shape, headerBytes, count };
}

function decode(dtype: IdxDtype, view: DataView, at: number, n: number): IdxArray {
  switch (dtype) {
    // Bytes need no alignment: views of the file's buffer, no copy (47 MB for MNIST's training images).
    case "ubyte":
      return new Uint8Array(view.buffer, view.byteOffset + at, n);
    case "byte":
      return new Int8Array(view.buffer, view.byteOffset + at, n);
    case "short": {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(at + 2 * i, false);
      return out;
    }
    case "int": {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(at + 4 * i, false);
      return out;
    }
    case "float": {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, false);
      return out;
    }
    case "double": {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(at + 8 * i, false);
      return out;
    }
  }
}

/** Writes an IDX file (big-endian); used by tests and tools to make fixtures. */
export function encodeIdx(dtype: IdxDtype, shape: readonly number[], data: ArrayLike<number>): Uint8Array {
  const code = CODES[CODE_OF[dtype]];
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + data.length * code.size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (CODE_OF[dtype] << 8) | shape.length, false);
  shape.forEach((s, d) => view.setUint32(4 + 4 * d, s, false));
  for (let i = 0; i < data.length; i++) {
    const at = header + i * code.size;
    if (dtype === "ubyte") view.setUint8(at, data[i]);
    else if (dtype === "byte") view.setInt8(at, data[i]);
    else if (dtype === "short") view.setInt16(at, data[i], false);
    else if (dtype === "int") view.setInt32(at, data[i], false);
    else if (dtype === "float") view.setFloat32(at, data[i], false);
    else view.setFloat64(at, data[i], false);
  }
  return out;
}
