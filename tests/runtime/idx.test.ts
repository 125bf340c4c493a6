import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIdx, readIdx, type IdxDtype } from "../../runtime/data/idx.js";
import { errorOf, removeDir, tmpDir } from "./helpers.js";

const dir = tmpDir();
afterAll(() => removeDir(dir));

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe("readIdx", () => {
  const cases: [IdxDtype, number[]][] = [
    ["ubyte", [0, 7, 255, 128, 1, 2]],
    ["byte", [-128, -1, 0, 1, 127, 5]],
    ["short", [-32768, -2, 0, 300, 32767, 9]],
    ["int", [-2147483648, -70000, 0, 70000, 2147483647, 1]],
    ["float", [-1.5, 0, 0.25, 2 ** 40, -7, 1]],
    ["double", [Math.PI, -1e300, 0, 1e-300, 2, 3]],
  ];
  for (const [dtype, values] of cases) {
    it(`round-trips ${dtype}`, () => {
      const file = write(`a-${dtype}`, encodeIdx(dtype, [2, 3], values));
      const t = readIdx(file, { dtype, rank: 2 });
      expect(t.dtype).toBe(dtype);
      expect(t.shape).toEqual([2, 3]);
      expect(Array.from(t.data)).toEqual(values);
    });
  }

  it("reports a missing file", () => {
    const e = errorOf(() => readIdx(path.join(dir, "nope-idx1-ubyte")));
    expect(e.message).toMatch(/nope-idx1-ubyte: file not found/);
    expect(e.file).toBe(path.join(dir, "nope-idx1-ubyte"));
  });

  it("reports the wrong magic with expected and found values", () => {
    const file = write("train-images-idx3-ubyte", encodeIdx("ubyte", [4], [1, 2, 3, 4]));
    const e = errorOf(() => readIdx(file, { dtype: "ubyte", rank: 3 }));
    expect(e.message).toContain("train-images-idx3-ubyte: expected IDX magic 0x00000803 (unsigned byte, 3 dims), found 0x00000801");
  });

  it("reports the wrong dtype and a non-IDX file", () => {
    const file = write("floats", encodeIdx("float", [2], [1, 2]));
    expect(errorOf(() => readIdx(file, { dtype: "ubyte" })).message).toMatch(
      /expected an IDX file of unsigned bytes, found 0x00000d01 \(float, 1 dim\)/,
    );
    const junk = write("junk", new TextEncoder().encode("hello world"));
    expect(errorOf(() => readIdx(junk)).message).toMatch(/found 0x68656c6c \(not an IDX magic\)/);
    const tiny = write("tiny", new Uint8Array([0, 0]));
    expect(errorOf(() => readIdx(tiny)).message).toMatch(/found a file of 2 bytes/);
  });

  it("reports a truncated file and trailing bytes", () => {
    const full = encodeIdx("ubyte", [3, 2, 2], new Array(12).fill(1));
    const file = write("short-idx3", full.subarray(0, full.length - 5));
    expect(errorOf(() => readIdx(file)).message).toMatch(
      /truncated file: expected 28 bytes \(header 16 \+ 3×2×2 unsigned bytes\), found 23/,
    );
    const header = write("header-cut", full.subarray(0, 10));
    expect(errorOf(() => readIdx(header)).message).toMatch(/truncated header/);
    const long = new Uint8Array(full.length + 3);
    long.set(full);
    expect(errorOf(() => readIdx(write("long", long))).message).toMatch(/trailing bytes/);
  });

  it("reports the wrong rank", () => {
    const file = write("labels", encodeIdx("ubyte", [3], [1, 2, 3]));
    expect(errorOf(() => readIdx(file, { rank: 3 })).message).toMatch(/expected an IDX file with 3 dims, found 0x00000801/);
  });
});
