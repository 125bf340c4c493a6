// Reading whole files for the data readers, with DataErrors instead of raw fs errors.
// The byte helpers (copyBytes, HOST_IS_LITTLE_ENDIAN) are bytes.ts, free of Node.
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

export { copyBytes, HOST_IS_LITTLE_ENDIAN } from "./bytes.js";
