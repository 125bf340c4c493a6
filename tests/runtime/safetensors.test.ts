import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataError } from "../../runtime/errors.js";
import { CHECKSUM_KEY, encodeSafetensors, loadSafetensors, saveSafetensors, type SafetensorsTensor } from "../../runtime/safetensors.js";
import { removeDir, tmpDir } from "./helpers.js";

const dir = tmpDir();
afterAll(() => removeDir(dir));

const tensors: Record<string, SafetensorsTensor> = {
  "dense/kernel": { dtype: "F32", shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6.5]) },
  "dense/bias": { dtype: "F64", shape: [3], data: new Float64Array([0.1, 0.2, 0.3]) },
  step: { dtype: "I64", shape: [], data: new BigInt64Array([1875n]) },
  counts: { dtype: "I32", shape: [2], data: new Int32Array([-1, 7]) },
  mask: { dtype: "U8", shape: [3], data: new Uint8Array([0, 1, 255]) },
  empty: { dtype: "F32", shape: [0, 4], data: new Float32Array(0) },
};

function bytesOf(header: string, data: Uint8Array, declaredLength?: bigint): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function corrupt(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  try {
    loadSafetensors(file);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).file).toBe(file);
    return (e as DataError).message;
  }
  throw new Error("expected a DataError");
}

describe("safetensors", () => {
  it("round-trips every dtype with metadata", () => {
    const file = path.join(dir, "ckpt.safetensors");
    saveSafetensors(file, tensors, { format: "dlm", rng: "[1,2,3,4]" });
    const back = loadSafetensors(file);
    expect(back.metadata).toEqual({ format: "dlm", rng: "[1,2,3,4]" });
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      expect(back.tensors[name].dtype).toBe(t.dtype);
      expect(back.tensors[name].shape).toEqual(t.shape);
      expect(back.tensors[name].data.constructor).toBe(t.data.constructor);
      expect(Array.from(back.tensors[name].data as ArrayLike<unknown>)).toEqual(Array.from(t.data as ArrayLike<unknown>));
    }
    const raw = fs.readFileSync(file);
    const n = Number(raw.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    expect(JSON.parse(raw.subarray(8, 8 + n).toString())["dense/kernel"]).toEqual({
      dtype: "F32",
      shape: [2, 3],
      data_offsets: [0, 24],
    });
  });

  it("writes atomically: no temp file is left and an existing file is replaced whole", () => {
    const file = path.join(dir, "atomic.safetensors");
    saveSafetensors(file, { a: tensors["dense/kernel"] });
    saveSafetensors(file, { b: tensors.counts });
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(Object.keys(loadSafetensors(file).tensors)).toEqual(["b"]);
    expect(() => saveSafetensors(path.join(dir, "no", "such", "dir.safetensors"), { b: tensors.counts })).toThrow();
    expect(fs.readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("writes a SHA-256 of header and data (dlm.sha256), verifies it on read and leaves it out of the metadata", () => {
    const file = path.join(dir, "sum.safetensors");
    saveSafetensors(file, tensors, { format: "dlm" });
    const raw = fs.readFileSync(file);
    const n = Number(raw.readBigUInt64LE(0));
    expect(JSON.parse(raw.subarray(8, 8 + n).toString()).__metadata__[CHECKSUM_KEY]).toMatch(/^[0-9a-f]{64}$/);
    const back = loadSafetensors(file);
    expect(back.checksum).toBe(true);
    expect(back.metadata).toEqual({ format: "dlm" });
    // A file with no checksum (another tool's) reads, and says so.
    const plainFile = path.join(dir, "plain.safetensors");
    fs.writeFileSync(
      plainFile,
      bytesOf('{"__metadata__": {"a": "b"}, "x": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}}', new Uint8Array([1, 2])),
    );
    const plain = loadSafetensors(plainFile);
    expect(plain.checksum).toBe(false);
    expect(plain.metadata).toEqual({ a: "b" });
    // One flipped bit anywhere in the data, or a changed metadata value, fails it.
    const flipped = Uint8Array.from(raw);
    flipped[flipped.length - 1] ^= 1;
    expect(corrupt("flipped.safetensors", flipped)).toMatch(/corrupt checkpoint: its contents do not match the checksum written with them/);
    const renamed = Uint8Array.from(raw);
    renamed.set(new TextEncoder().encode('"format":"dlx"'), raw.indexOf('"format":"dlm"'));
    expect(corrupt("renamed.safetensors", renamed)).toMatch(/do not match the checksum/);
    const bad = Uint8Array.from(raw);
    bad.set(new TextEncoder().encode("zz"), raw.indexOf(CHECKSUM_KEY) + CHECKSUM_KEY.length + 3);
    expect(corrupt("badsum.safetensors", bad)).toMatch(/__metadata__\["dlm\.sha256"\] is not a SHA-256 \(64 hex digits\)/);
  });

  it("keeps a tensor or metadata entry named __proto__ as an ordinary entry", () => {
    const file = path.join(dir, "proto.safetensors");
    const header =
      '{"__metadata__": {"__proto__": "m"}, "a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]}, "__proto__": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}}';
    fs.writeFileSync(file, bytesOf(header, new Uint8Array([7, 9])));
    const back = loadSafetensors(file);
    expect(Object.keys(back.tensors).sort()).toEqual(["__proto__", "a"]);
    expect(Array.from(back.tensors["__proto__"].data as Uint8Array)).toEqual([9]);
    expect(Object.keys(back.metadata)).toEqual(["__proto__"]);
  });

  it("refuses tensors whose dtype or size does not match their data", () => {
    expect(() => encodeSafetensors({ a: { dtype: "F64", shape: [1], data: new Float32Array(1) } })).toThrow(TypeError);
    expect(() => encodeSafetensors({ a: { dtype: "F32", shape: [2], data: new Float32Array(1) } })).toThrow(RangeError);
  });

  it("rejects a truncated file", () => {
    const good = path.join(dir, "good.safetensors");
    saveSafetensors(good, tensors);
    const bytes = fs.readFileSync(good);
    expect(corrupt("cut.safetensors", bytes.subarray(0, bytes.length - 3))).toMatch(/corrupt checkpoint: .*out of range.*truncated/);
    expect(corrupt("tiny.safetensors", bytes.subarray(0, 5))).toMatch(/expected at least 8 bytes/);
    expect(corrupt("headcut.safetensors", bytes.subarray(0, 40))).toMatch(/header length \d+ exceeds the 32 bytes after it/);
  });

  it("rejects a bad header length and bad JSON", () => {
    expect(corrupt("len.safetensors", bytesOf("{}", new Uint8Array(0), 2n ** 60n))).toMatch(
      /cut|header length 1152921504606846976 exceeds/,
    );
    expect(corrupt("json.safetensors", bytesOf('{"a": {"dtype": ', new Uint8Array(0)))).toMatch(/header is not valid JSON/);
    expect(corrupt("arr.safetensors", bytesOf("[1, 2]", new Uint8Array(0)))).toMatch(/header is not a JSON object/);
    expect(corrupt("meta.safetensors", bytesOf('{"__metadata__": {"a": 1}}', new Uint8Array(0)))).toMatch(
      /__metadata__\.a is not a string/,
    );
  });

  it("rejects offsets out of range, overlapping, leaving gaps or disagreeing with the shape", () => {
    const d = new Uint8Array(16);
    const t = (o: string) => `{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, ${o}}`;
    expect(corrupt("range.safetensors", bytesOf(t('"b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 24]}'), d))).toMatch(
      /tensor 'b': data_offsets \[8, 24\] out of range: the data section has 16 bytes/,
    );
    expect(
      corrupt("overlap.safetensors", bytesOf(t('"b": {"dtype": "F64", "shape": [2], "data_offsets": [4, 20]}'), new Uint8Array(20))),
    ).toMatch(/tensor 'b' \[4, 20\) overlaps tensor 'a' \[0, 8\)/);
    expect(corrupt("gap.safetensors", bytesOf(t('"b": {"dtype": "F32", "shape": [1], "data_offsets": [12, 16]}'), d))).toMatch(
      /data bytes \[8, 12\) belong to no tensor/,
    );
    expect(corrupt("shape.safetensors", bytesOf(t('"b": {"dtype": "F32", "shape": [3], "data_offsets": [8, 16]}'), d))).toMatch(
      /tensor 'b': shape \[3\] of F32 needs 12 bytes, data_offsets give 8/,
    );
    expect(corrupt("dtype.safetensors", bytesOf(t('"b": {"dtype": "BF16", "shape": [4], "data_offsets": [8, 16]}'), d))).toMatch(
      /tensor 'b': expected dtype F32, F64, I32, I64, U8 or I8, found "BF16"/,
    );
    expect(corrupt("neg.safetensors", bytesOf(t('"b": {"dtype": "F32", "shape": [2], "data_offsets": [16, 8]}'), d))).toMatch(
      /out of range/,
    );
    expect(() => loadSafetensors(path.join(dir, "absent.safetensors"))).toThrow(/absent\.safetensors: file not found/);
  });
});
