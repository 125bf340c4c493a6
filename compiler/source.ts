// Source files: decoding bytes to text and mapping offsets to line/column.
//
// Invariants: `text` is valid UTF-8 decoded and contains no NUL; offsets are UTF-16
// indices into `text`; lines and columns are 1-based, columns count UTF-16 units.
// Files that are not valid UTF-8 or contain a NUL byte are rejected here, located at
// the first bad byte, before the lexer ever sees them.

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface SourceFile {
  readonly path: string;
  readonly text: string;
  /** Offset of the first character of each line. */
  readonly lineStarts: readonly number[];
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export function makeSource(path: string, text: string): SourceFile {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  }
  return { path, text, lineStarts };
}

export function positionOf(src: SourceFile, offset: number): Position {
  const starts = src.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

export function lineText(src: SourceFile, line: number): string {
  const start = src.lineStarts[line - 1] ?? src.text.length;
  const next = src.lineStarts[line];
  const end = next === undefined ? src.text.length : next - 1;
  return src.text.slice(start, end).replace(/\r$/, "");
}

/** Why a byte buffer cannot be a .dlm source; `byteOffset` is the first bad byte. */
export interface DecodeFailure {
  readonly kind: "not-utf8" | "nul";
  readonly byteOffset: number;
  /** The valid text before the bad byte, so the failure can be located by line/column. */
  readonly prefix: string;
  /** The whole file for display: invalid bytes as U+FFFD, NUL as ␀ (same offsets up to the bad byte). */
  readonly display: string;
}

export function decodeSource(path: string, bytes: Uint8Array): SourceFile | DecodeFailure {
  const bad = firstInvalidUtf8(bytes);
  const display = () => utf8(bytes).replace(/\0/g, "\u2400");
  const nul = bytes.indexOf(0);
  if (nul >= 0 && (bad < 0 || nul < bad)) {
    return { kind: "nul", byteOffset: nul, prefix: utf8(bytes.subarray(0, nul)), display: display() };
  }
  if (bad >= 0) return { kind: "not-utf8", byteOffset: bad, prefix: utf8(bytes.subarray(0, bad)), display: display() };
  let text = utf8(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = " " + text.slice(1); // keep offsets: BOM becomes a space
  return makeSource(path, text);
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(bytes);
}

/** Index of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) ((len = 2), (min = 0x80));
    else if (c >= 0xe0 && c <= 0xef) ((len = 3), (min = 0x800));
    else if (c >= 0xf0 && c <= 0xf4) ((len = 4), (min = 0x10000));
    else return i;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let k = 1; k < len; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return -1;
}
