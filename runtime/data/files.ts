// Reading whole files for the data readers, with DataErrors instead of raw fs errors.
// Invariant: bytes from readBytes may sit at any offset of a shared ArrayBuffer (Node pools
// small files), so readers reinterpret them only through DataView or a copyBytes copy.
import * as fs from "node:fs";
import { DataError } from "../errors.js";

/** Reads `file` fully; a missing file, a directory or an unreadable file is a DataError. */
export function readBytes(file: string, what: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new DataError(`file not found (expected ${what})`, file);
    throw new DataError(`cannot read file (${code ?? String(e)})`, file);
  }
  if (stat.isDirectory()) throw new DataError(`expected ${what}, found a directory`, file);
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(`cannot read file (${code ?? String(e)})`, file);
  }
}

/** Copies bytes [start, end) into a fresh, 8-byte-aligned ArrayBuffer. */
export function copyBytes(bytes: Uint8Array, start: number, end: number): ArrayBuffer {
  const out = new ArrayBuffer(end - start);
  new Uint8Array(out).set(bytes.subarray(start, end));
  return out;
}

/** The runtime reinterprets little-endian file bytes in place; refuse big-endian hosts. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
