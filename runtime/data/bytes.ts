// Byte helpers the data readers share, free of any file system (files.ts reads files in Node).
// Invariant: bytes may sit at any offset of a shared ArrayBuffer (Node pools small files), so
// readers reinterpret them only through DataView or a copyBytes copy.

/** Copies bytes [start, end) into a fresh, 8-byte-aligned ArrayBuffer. */
export function copyBytes(bytes: Uint8Array, start: number, end: number): ArrayBuffer {
  const out = new ArrayBuffer(end - start);
  new Uint8Array(out).set(bytes.subarray(start, end));
  return out;
}

/** The runtime reinterprets little-endian file bytes in place; refuse big-endian hosts. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
