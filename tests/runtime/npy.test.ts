import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeNpy, readNpy, writeNpy, type NpyArray } from "../../runtime/data/npy.js";
import { DataError } from "../../runtime/errors.js";
import { removeDir, tmpDir } from "./helpers.js";

const dir = tmpDir();
afterAll(() => removeDir(dir));

function errorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as DataError).message;
  }
  throw new Error("expected a DataError");
}

/** A .npy file with a hand-written header (as NumPy would write it), then `data` bytes. */
function rawNpy(name: string, header: string, data: Uint8Array, major = 1): string {
  const lenBytes = major === 1 ? 2 : 4;
  let h = header;
  h += " ".repeat(63 - ((8 + lenBytes + h.length) % 64)) + "\n";
  const out = new Uint8Array(8 + lenBytes + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  out.set(new TextEncoder().encode(h), 8 + lenBytes);
  out.set(data, 8 + lenBytes + h.length);
  const file = path.join(dir, name);
  fs.writeFileSync(file, out);
  return file;
}

describe("readNpy", () => {
  const arrays: [string, NpyArray][] = [
    ["<f4", new Float32Array([1.5, -2, 0, 3.25, 1e-8, 7])],
    ["<f8", new Float64Array([Math.PI, -1e300, 0, 1, 2, 3])],
    ["<i4", new Int32Array([-5, 0, 5, 2147483647, -2147483648, 1])],
    ["<i8", new BigInt64Array([-5n, 0n, 5n, 2n ** 40n, -(2n ** 62n), 1n])],
    ["|u1", new Uint8Array([0, 1, 2, 253, 254, 255])],
    ["<u2", new Uint16Array([0, 1, 65535, 3, 4, 5])],
    ["<i2", new Int16Array([-32768, 0, 32767, 3, 4, 5])],
    ["|i1", new Int8Array([-128, 0, 127, 3, 4, 5])],
    ["<u4", new Uint32Array([0, 1, 4294967295, 3, 4, 5])],
  ];
  for (const [descr, data] of arrays) {
    it(`round-trips ${descr}`, () => {
      const file = path.join(dir, `a${descr.slice(1)}.npy`);
      writeNpy(file, [2, 3], data);
      const t = readNpy(file, { expectDtype: descr, expectRank: 2 });
      expect(t.shape).toEqual([2, 3]);
      expect(t.dtype).toBe(descr.slice(1));
      expect(t.data.constructor).toBe(data.constructor);
      expect(Array.from(t.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
    });
  }

  it("aligns the header to 64 bytes and handles 1-D and scalar shapes", () => {
    const bytes = encodeNpy([4], new Float32Array([1, 2, 3, 4]));
    expect((bytes.length - 16) % 64).toBe(0);
    const file = path.join(dir, "one.npy");
    writeNpy(file, [4], new Float32Array([1, 2, 3, 4]));
    expect(readNpy(file).shape).toEqual([4]);
    const scalar = rawNpy(
      "scalar.npy",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
      new Uint8Array(new Float64Array([2.5]).buffer),
    );
    expect(readNpy(scalar)).toMatchObject({ shape: [], dtype: "f8" });
  });

  it("reads versions 2.0 and 3.0", () => {
    const data = new Uint8Array(new Float32Array([1, 2]).buffer);
    for (const major of [2, 3]) {
      const file = rawNpy(`v${major}.npy`, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data, major);
      expect(Array.from(readNpy(file).data as Float32Array)).toEqual([1, 2]);
    }
  });

  it("rejects another dtype than expected", () => {
    const file = path.join(dir, "f8.npy");
    writeNpy(file, [2], new Float64Array([1, 2]));
    expect(errorMessage(() => readNpy(file, { expectDtype: "<f4" }))).toMatch(/f8\.npy: expected dtype '<f4', found '<f8'/);
  });

  it("rejects big-endian data, fortran order and unsupported dtypes", () => {
    const four = new Uint8Array(8);
    const be = rawNpy("be.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", four);
    expect(errorMessage(() => readNpy(be))).toMatch(/expected little-endian data \('<f4'\), found big-endian '>f4'/);
    const fo = rawNpy("fo.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", four);
    expect(errorMessage(() => readNpy(fo))).toMatch(/expected fortran_order False \(C order\), found True/);
    const c8 = rawNpy("c8.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", four);
    expect(errorMessage(() => readNpy(c8))).toMatch(/unsupported dtype '<c8'/);
    const st = rawNpy("st.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", four);
    expect(errorMessage(() => readNpy(st))).toMatch(/structured dtypes/);
  });

  it("rejects truncated data, bad magic and a truncated header", () => {
    const tr = rawNpy("tr.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", new Uint8Array(20));
    expect(errorMessage(() => readNpy(tr))).toMatch(/truncated data: shape \(3, 2\) of '<f4' needs 24 bytes, found 20/);
    const bad = path.join(dir, "bad.npy");
    fs.writeFileSync(bad, "PK\x03\x04 this is a zip, not npy");
    expect(errorMessage(() => readNpy(bad))).toMatch(/bad\.npy: expected \.npy magic/);
    const cut = path.join(dir, "cut.npy");
    fs.writeFileSync(cut, encodeNpy([2], new Float32Array(2)).subarray(0, 40));
    expect(errorMessage(() => readNpy(cut))).toMatch(/truncated \.npy header/);
    expect(errorMessage(() => readNpy(path.join(dir, "missing.npy")))).toMatch(/missing\.npy: file not found/);
    expect(errorMessage(() => readNpy(tr, { expectRank: 1 }))).toMatch(/expected 1 dims, found shape \(3, 2\)/);
  });
});
