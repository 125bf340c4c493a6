// The safetensors format, bytes in and out, on any engine (safetensors.ts writes and reads
// files in Node; a page keeps the bytes): u64 little-endian header length N, N bytes of
// JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}
// (padded with spaces to a multiple of 8), then the little-endian tensor bytes.
// Invariants: decoding validates every field and the byte layout (tensors tile the data
// section exactly) before touching the data, and any problem is a DataError naming the file.
// Encoded files carry a SHA-256 of their contents in the metadata (CHECKSUM_KEY), verified on
// decoding when present.
import { DataError } from "./errors.js";
import { copyBytes, HOST_IS_LITTLE_ENDIAN } from "./data/bytes.js";
import { Sha256 } from "./sha256.js";

export type SafetensorsDtype = "F32" | "F64" | "I32" | "I64" | "U8" | "I8";
export type SafetensorsArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsArray;
}

const SIZE: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8, U8: 1, I8: 1 };
/** The spec caps the header at 100 MB; a larger length means a corrupt file. */
const MAX_HEADER = 100_000_000;
/**
 * The metadata key of the checksum: the SHA-256 (lowercase hex) of the canonical header
 * (`canonicalHeader`: every other metadata entry and every tensor's dtype, shape and offsets)
 * followed by the whole data section. Readers verify it when present; other tools ignore it.
 */
export const CHECKSUM_KEY = "dlm.sha256";

interface Span {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
}

/** What the checksum covers besides the data: the header's content, independent of its JSON layout. */
function canonicalHeader(metadata: Readonly<Record<string, string>>, spans: readonly Span[]): string {
  const meta = Object.keys(metadata)
    .filter((k) => k !== CHECKSUM_KEY)
    .sort()
    .map((k) => [k, metadata[k]]);
  const entries = [...spans]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => [s.name, s.dtype, s.shape, s.begin, s.end]);
  return JSON.stringify({ metadata: meta, tensors: entries }) + "\n";
}

function arrayDtype(data: SafetensorsArray): SafetensorsDtype {
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Int32Array) return "I32";
  if (data instanceof BigInt64Array) return "I64";
  if (data instanceof Int8Array) return "I8";
  return "U8";
}

/**
 * Serializes tensors (in the record's order) and optional string metadata, to which the
 * checksum (CHECKSUM_KEY) is added.
 */
export function encodeSafetensors(tensors: Record<string, SafetensorsTensor>, metadata?: Record<string, string>): Uint8Array[] {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error("writing safetensors needs a little-endian host");
  const meta: Record<string, string> = { ...metadata };
  delete meta[CHECKSUM_KEY];
  const header: Record<string, unknown> = { __metadata__: meta };
  const spans: Span[] = [];
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (arrayDtype(t.data) !== t.dtype)
      throw new TypeError(`tensor '${name}': dtype ${t.dtype} does not match its ${t.data.constructor.name}`);
    if (count !== t.data.length)
      throw new RangeError(`tensor '${name}': shape [${t.shape.join(", ")}] needs ${count} elements, data has ${t.data.length}`);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    spans.push({ name, dtype: t.dtype, shape: t.shape, begin: offset, end: offset + t.data.byteLength });
    parts.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    offset += t.data.byteLength;
  }
  const hash = new Sha256().update(canonicalHeader(meta, spans));
  for (const p of parts) hash.update(p);
  meta[CHECKSUM_KEY] = hash.hex();
  const raw = new TextEncoder().encode(JSON.stringify(header));
  const head = new Uint8Array(raw.length + ((8 - (raw.length % 8)) % 8)).fill(0x20); // space padding
  head.set(raw);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(head.length), true);
  return [len, head, ...parts];
}

export interface SafetensorsFile {
  readonly tensors: Record<string, SafetensorsTensor>;
  /** The `__metadata__` map, without the checksum entry. */
  readonly metadata: Record<string, string>;
  /** True when the file carried a checksum (CHECKSUM_KEY), which was verified; false when it had none. */
  readonly checksum: boolean;
}

/** Sets an own property even for a name like "__proto__" (which `obj[name] =` would not). */
function own<T>(obj: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Decodes and validates a safetensors file's bytes, and verifies its checksum when it has one; `file` names it in messages. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const corrupt = (what: string): never => {
    throw new DataError(`corrupt checkpoint: ${what}`, file);
  };
  if (bytes.length < 8) corrupt(`expected at least 8 bytes (the header length), found ${bytes.length}`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(bytes.length - 8, MAX_HEADER))) {
    corrupt(`header length ${n} exceeds the ${bytes.length - 8} bytes after it`);
  }
  const headerLen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    corrupt(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) corrupt("header is not a JSON object");
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: Span[] = [];
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) corrupt("__metadata__ is not an object");
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== "string") corrupt(`__metadata__.${k} is not a string`);
        own(metadata, k, v as string);
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== "object" || e === null) corrupt(`tensor '${name}' is not an object`);
    const dtype = e.dtype as SafetensorsDtype;
    if (typeof dtype !== "string" || !Object.hasOwn(SIZE, dtype)) {
      corrupt(`tensor '${name}': expected dtype F32, F64, I32, I64, U8 or I8, found ${JSON.stringify(e.dtype)}`);
    }
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      corrupt(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of sizes`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      corrupt(`tensor '${name}': data_offsets ${JSON.stringify(off)} is not [begin, end]`);
    }
    const [begin, end] = off as [number, number];
    if (begin > end || end > dataLen) {
      corrupt(`tensor '${name}': data_offsets [${begin}, ${end}] out of range: the data section has ${dataLen} bytes (truncated file?)`);
    }
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * SIZE[dtype] !== end - begin) {
      corrupt(
        `tensor '${name}': shape [${(shape as number[]).join(", ")}] of ${dtype} needs ${count * SIZE[dtype]} bytes, data_offsets give ${end - begin}`,
      );
    }
    spans.push({ name, dtype, shape: shape as number[], begin, end });
    own(tensors, name, { dtype, shape: [...(shape as number[])], data: new Uint8Array(0) });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (s.begin < at)
      corrupt(
        `tensor '${s.name}' [${s.begin}, ${s.end}) overlaps tensor '${spans[i - 1].name}' [${spans[i - 1].begin}, ${spans[i - 1].end})`,
      );
    if (s.begin > at) corrupt(`data bytes [${at}, ${s.begin}) belong to no tensor`);
    at = s.end;
  }
  if (at !== dataLen) corrupt(`data bytes [${at}, ${dataLen}) belong to no tensor (truncated header or trailing data)`);
  let checksum = false;
  if (Object.hasOwn(metadata, CHECKSUM_KEY)) {
    const stored = metadata[CHECKSUM_KEY];
    if (!/^[0-9a-f]{64}$/.test(stored))
      corrupt(`__metadata__["${CHECKSUM_KEY}"] is not a SHA-256 (64 hex digits): ${JSON.stringify(stored.slice(0, 80))}`);
    const found = new Sha256().update(canonicalHeader(metadata, spans)).update(bytes.subarray(dataStart)).hex();
    if (found !== stored)
      corrupt(
        `its contents do not match the checksum written with them (${CHECKSUM_KEY} ${stored.slice(0, 12)}…, computed ${found.slice(0, 12)}…): the file was damaged or changed after it was written`,
      );
    delete metadata[CHECKSUM_KEY];
    checksum = true;
  }
  if (!HOST_IS_LITTLE_ENDIAN) corrupt("reading safetensors needs a little-endian host");
  for (const s of spans) {
    const t = tensors[s.name];
    const buf = copyBytes(bytes, dataStart + s.begin, dataStart + s.end);
    t.data =
      t.dtype === "F32"
        ? new Float32Array(buf)
        : t.dtype === "F64"
          ? new Float64Array(buf)
          : t.dtype === "I32"
            ? new Int32Array(buf)
            : t.dtype === "I64"
              ? new BigInt64Array(buf)
              : t.dtype === "I8"
                ? new Int8Array(buf)
                : new Uint8Array(buf);
  }
  return { tensors, metadata, checksum };
}
