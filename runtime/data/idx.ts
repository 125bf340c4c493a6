// IDX reader (the format of LeCun's MNIST files): magic 0x0000 <dtype> <ndims>, then ndims
// big-endian uint32 sizes, then big-endian data. Invariants: the result's data has exactly
// prod(shape) elements in host order; a file that is missing, shorter or longer than its
// header says, or of another dtype/rank than asked for, raises a DataError naming it.
import { DataError } from "../errors.js";
import * as fs from "node:fs";
import { readBytes } from "./files.js";

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

function expectedText(opts: IdxOptions): string {
  if (opts.dtype !== undefined && opts.rank !== undefined) {
    const magic = (CODE_OF[opts.dtype] << 8) | opts.rank;
    return `IDX magic ${hex(magic)} (${describe(magic)})`;
  }
  if (opts.dtype !== undefined) return `an IDX file of ${CODES[CODE_OF[opts.dtype]].label}s`;
  if (opts.rank !== undefined) return `an IDX file with ${opts.rank} dims`;
  return "an IDX file (magic 0x0000 <dtype> <dims>)";
}

/** Reads an IDX file; `opts` states the dtype and rank the caller needs. */
export function readIdx(file: string, opts: IdxOptions = {}): IdxTensor {
  const bytes = readBytes(file, expectedText(opts));
  const { dtype, shape, headerBytes, count } = parseHeader(file, bytes, bytes.length, opts);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { dtype, shape, data: decode(dtype, view, headerBytes, count) };
}

/**
 * An IDX file of bytes whose rows (the first dimension) are read from disk when first
 * asked for: the header and the file's size are checked at once (the same DataErrors as
 * readIdx), the rows come with positional reads. Starting to train needs a few batches'
 * rows, not the whole 47 MB file: reading it takes ~140 ms on a slow VM, mostly page
 * faults. `data` fills in as rows are fetched; `fetchAll()` completes it.
 */
export interface IdxRows {
  readonly shape: number[];
  readonly data: Uint8Array;
  /** Makes row r of `data` hold the file's bytes. */
  fetch(row: number): void;
  fetchAll(): Uint8Array;
}

const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
});

export function openIdxRows(file: string, opts: IdxOptions & { dtype: "ubyte" }): IdxRows {
  const what = expectedText(opts);
  let fd: number;
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new DataError(`expected ${what}, found a directory`, file);
    size = stat.size;
    fd = fs.openSync(file, "r");
  } catch (e) {
    if (e instanceof DataError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DataError(`file not found (expected ${what})`, file);
    throw new DataError(`cannot read file (${code ?? String(e)})`, file);
  }
  const head = new Uint8Array(Math.min(size, 4 + 4 * 255));
  fs.readSync(fd, head, 0, head.length, 0);
  let header: ReturnType<typeof parseHeader>;
  try {
    header = parseHeader(file, head, size, opts);
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
  const { shape, headerBytes } = header;
  const n = shape[0] ?? 0;
  const rowBytes = shape.slice(1).reduce((a, d) => a * d, 1);
  const data = new Uint8Array(n * rowBytes);
  const fetched = new Uint8Array(n);
  let remaining = n;
  const handle = {};
  const close = () => {
    openFiles.unregister(handle);
    fs.closeSync(fd);
  };
  if (n === 0) close();
  else openFiles.register(handle, fd, handle);
  const rows: IdxRows & { handle: object } = {
    handle,
    shape,
    data,
    fetch(row: number): void {
      if (fetched[row]) return;
      fs.readSync(fd, data, row * rowBytes, rowBytes, headerBytes + row * rowBytes);
      fetched[row] = 1;
      if (--remaining === 0) close();
    },
    fetchAll(): Uint8Array {
      if (remaining > 0) {
        fs.readSync(fd, data, 0, data.length, headerBytes);
        fetched.fill(1);
        remaining = 0;
        close();
      }
      return data;
    },
  };
  return rows;
}

/** Checks an IDX header (and that the file has exactly the bytes it announces). */
function parseHeader(
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
