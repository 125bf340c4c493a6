// IDX files in Node (the format itself, and decoding bytes, are idx-format.ts): whole files,
// or the rows of a byte file read from disk as batches first ask for them. A file that is
// missing or unreadable raises a DataError naming it.
import { DataError } from "../errors.js";
import * as fs from "node:fs";
import { readBytes } from "./files.js";
import { decodeIdx, expectedText, parseHeader, type IdxOptions, type IdxRows, type IdxTensor } from "./idx-format.js";

export { decodeIdx, encodeIdx, type IdxArray, type IdxDtype, type IdxOptions, type IdxRows, type IdxTensor } from "./idx-format.js";

/** Reads an IDX file; `opts` states the dtype and rank the caller needs. */
export function readIdx(file: string, opts: IdxOptions = {}): IdxTensor {
  return decodeIdx(readBytes(file, expectedText(opts)), file, opts);
}

const openFiles = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
});

/**
 * An IDX file of bytes whose rows are read from disk when first asked for: the header and
 * the file's size are checked at once (the same DataErrors as readIdx), the rows come with
 * positional reads. Starting to train needs a few batches' rows, not the whole 47 MB file:
 * reading it takes ~140 ms on a slow VM, mostly page faults.
 */
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
