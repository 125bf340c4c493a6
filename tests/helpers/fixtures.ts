// Reading the committed PyTorch fixtures (tests/fixtures/README.md): JSON files, the
// deterministic weight recipe with its self-checks, and float32 little-endian tensors.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { root } from "./trainer.js";
import { detValues } from "./numerics.js";

export const fixtures = path.join(root, "tests/fixtures");

export const readJson = (name: string) => JSON.parse(readFileSync(path.join(fixtures, name), "utf8"));

/** A tensor of the weight recipe, with the fixture's self-checks. */
export interface Recipe {
  readonly name: string;
  readonly shape: readonly number[];
  readonly k: number;
  readonly scale: number;
  readonly first: readonly number[];
  readonly sum: number;
}

/** The recipe's values, checked against its self-checks (first values and sequential float64 sum). */
export function fromRecipe(r: Recipe): Float32Array {
  const v = detValues(
    r.shape.reduce((a, d) => a * d, 1),
    r.k,
    r.scale,
  );
  expect(Array.from(v.subarray(0, r.first.length)), `${r.name}: first values`).toEqual(r.first);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  expect(s, `${r.name}: sum`).toBe(r.sum);
  return v;
}

/** Nested JSON arrays → one flat list. */
export const flat = (a: unknown): number[] => (Array.isArray(a) ? a.flatMap(flat) : [a as number]);

/** Float32 little-endian, whatever the host's byte order. */
export function readF32(file: string): Float32Array {
  const buf = readFileSync(path.join(fixtures, file));
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}
