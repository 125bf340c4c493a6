// NumPy .npy format (versions 1.0, 2.0 and 3.0), bytes in and out (npy.ts reads and writes
// files in Node). Invariants: only C-order, little-endian (or single-byte) numeric arrays are
// accepted; the data has exactly prod(shape) elements in a fresh, aligned typed array;
// anything else is a DataError naming the file and saying what was expected and found.
// 8-byte integers come back as BigInt64Array/BigUint64Array (use toInt32Labels/toFloat32 in
// dataset.ts to narrow them).
import { DataError } from "../errors.js";
import { copyBytes, HOST_IS_LITTLE_ENDIAN } from "./bytes.js";

/** Element kinds, named by NumPy's type code without the byte-order character. */
export type NpyDtype = "f4" | "f8" | "i1" | "u1" | "b1" | "i2" | "u2" | "i4" | "u4" | "i8" | "u8";
export type NpyArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

export interface NpyTensor {
  dtype: NpyDtype;
  shape: number[];
  data: NpyArray;
}

export interface NpyOptions {
  /** Required dtype, e.g. "<f4" or "f4". */
  expectDtype?: string;
  /** Required number of dimensions. */
  expectRank?: number;
}

const SIZES: Record<NpyDtype, number> = { f4: 4, f8: 8, i1: 1, u1: 1, b1: 1, i2: 2, u2: 2, i4: 4, u4: 4, i8: 8, u8: 8 };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

function stripOrder(descr: string): string {
  return /^[<>|=]/.test(descr) ? descr.slice(1) : descr;
}

/** The NumPy descr with its byte-order character, as written in headers. */
export function npyDescr(dtype: NpyDtype): string {
  return (SIZES[dtype] === 1 ? "|" : "<") + dtype;
}

/** Parses the header dict {'descr': ..., 'fortran_order': ..., 'shape': (...)}. */
function parseHeader(text: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const bad = (what: string): never => {
    throw new DataError(`bad .npy header: ${what}; header was ${JSON.stringify(text.trim())}`, file);
  };
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  if (descr === null) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) bad("structured dtypes (a list descr) are not supported");
    bad("expected a 'descr' string");
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  if (fortran === null) bad("expected 'fortran_order': True or False");
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (shape === null) bad("expected a 'shape' tuple");
  const dims = shape![1]
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => (/^\d+L?$/.test(s) ? parseInt(s, 10) : bad(`shape entry '${s}' is not a size`)));
  return { descr: descr![1], fortran: fortran![1] === "True", shape: dims as number[] };
}

/** Decodes a .npy file's bytes; `file` names it in messages. */
export function decodeNpy(bytes: Uint8Array, file: string, opts: NpyOptions = {}): NpyTensor {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    const found = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new DataError(`expected .npy magic 93 4e 55 4d 50 59 ("\\x93NUMPY"), found ${found || "an empty file"}`, file);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new DataError(`expected .npy format version 1, 2 or 3, found ${major}.${bytes[7]}`, file);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) throw new DataError(`truncated .npy header (${bytes.length} bytes)`, file);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > bytes.length) {
    throw new DataError(`truncated .npy header: it declares ${headerLen} bytes, the file has ${bytes.length - 8 - lenBytes}`, file);
  }
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(8 + lenBytes, dataStart));
  const { descr, fortran, shape } = parseHeader(text, file);

  if (opts.expectDtype !== undefined && stripOrder(opts.expectDtype) !== stripOrder(descr)) {
    throw new DataError(`expected dtype '${opts.expectDtype}', found '${descr}'`, file);
  }
  const dtype = stripOrder(descr) as NpyDtype;
  if (!Object.hasOwn(SIZES, dtype)) {
    throw new DataError(
      `unsupported dtype '${descr}'; expected one of ${Object.keys(SIZES)
        .map((d) => npyDescr(d as NpyDtype))
        .join(", ")}`,
      file,
    );
  }
  if (descr.startsWith(">") && SIZES[dtype] > 1) {
    throw new DataError(
      `expected little-endian data ('<${dtype}'), found big-endian '${descr}'; save it with arr.astype('<${dtype}')`,
      file,
    );
  }
  if (fortran) throw new DataError("expected fortran_order False (C order), found True; save np.ascontiguousarray(arr)", file);
  if (opts.expectRank !== undefined && shape.length !== opts.expectRank) {
    throw new DataError(`expected ${opts.expectRank} dims, found shape (${shape.join(", ")})`, file);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * SIZES[dtype];
  const found = bytes.length - dataStart;
  if (found !== dataBytes) {
    const what = found < dataBytes ? "truncated data" : "trailing bytes";
    throw new DataError(`${what}: shape (${shape.join(", ")}) of '${descr}' needs ${dataBytes} bytes, found ${found}`, file);
  }
  if (!HOST_IS_LITTLE_ENDIAN && SIZES[dtype] > 1) throw new DataError("reading .npy needs a little-endian host", file);
  return { dtype, shape, data: makeArray(dtype, copyBytes(bytes, dataStart, bytes.length)) };
}

function makeArray(dtype: NpyDtype, buf: ArrayBuffer): NpyArray {
  switch (dtype) {
    case "f4":
      return new Float32Array(buf);
    case "f8":
      return new Float64Array(buf);
    case "i1":
      return new Int8Array(buf);
    case "u1":
    case "b1":
      return new Uint8Array(buf);
    case "i2":
      return new Int16Array(buf);
    case "u2":
      return new Uint16Array(buf);
    case "i4":
      return new Int32Array(buf);
    case "u4":
      return new Uint32Array(buf);
    case "i8":
      return new BigInt64Array(buf);
    case "u8":
      return new BigUint64Array(buf);
  }
}

/** The .npy dtype that stores a typed array of this kind. */
export function npyDtypeOf(data: NpyArray): NpyDtype {
  if (data instanceof Float32Array) return "f4";
  if (data instanceof Float64Array) return "f8";
  if (data instanceof Int8Array) return "i1";
  if (data instanceof Uint8Array) return "u1";
  if (data instanceof Int16Array) return "i2";
  if (data instanceof Uint16Array) return "u2";
  if (data instanceof Int32Array) return "i4";
  if (data instanceof Uint32Array) return "u4";
  if (data instanceof BigInt64Array) return "i8";
  return "u8";
}

/** Encodes a C-order little-endian .npy (version 1.0, header padded to 64 bytes). */
export function encodeNpy(shape: readonly number[], data: NpyArray): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`encodeNpy: shape (${shape.join(", ")}) needs ${count} elements, got ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${npyDescr(npyDtypeOf(data))}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
