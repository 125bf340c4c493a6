// NumPy .npy files in Node: read and written whole (the format is npy-format.ts).
import * as fs from "node:fs";
import { readBytes } from "./files.js";
import { decodeNpy, encodeNpy, type NpyArray, type NpyOptions, type NpyTensor } from "./npy-format.js";

export * from "./npy-format.js";

/** Reads a .npy file. */
export function readNpy(file: string, opts: NpyOptions = {}): NpyTensor {
  return decodeNpy(readBytes(file, "a .npy file"), file, opts);
}

/** Writes a .npy file (tests and tools use it to make fixtures). */
export function writeNpy(file: string, shape: readonly number[], data: NpyArray): void {
  fs.writeFileSync(file, encodeNpy(shape, data));
}
