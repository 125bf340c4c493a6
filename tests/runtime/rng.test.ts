import { describe, expect, it } from "vitest";
import { Rng } from "../../runtime/rng.js";
import { moments } from "./helpers.js";

describe("Rng", () => {
  it("is xoshiro128** (reference outputs from state [1, 2, 3, 4])", () => {
    const r = new Rng(0);
    r.setState([1, 2, 3, 4]);
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([11520, 0, 5927040]);
  });

  it("gives bitwise-identical streams for the same seed, different ones for other seeds", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xa = Array.from({ length: 100 }, () => a.nextU32());
    const xb = Array.from({ length: 100 }, () => b.nextU32());
    const xc = Array.from({ length: 100 }, () => c.nextU32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(new Rng(2 ** 40).getState()).not.toEqual(new Rng(0).getState());
  });

  it("restores state mid-stream and continues identically, across every method", () => {
    const r = new Rng(7);
    const buf = new Float32Array(33);
    r.fillNormal(buf, 0, 1); // odd length: the spare is discarded, not cached
    r.uniform();
    const saved = r.getState();
    const run = (g: Rng): number[] => {
      const n = new Float32Array(17);
      const u = new Float32Array(9);
      const m = new Float32Array(12);
      g.fillNormal(n, 1, 2);
      g.fillUniform(u, -1, 1);
      g.bernoulliMask(m, 0.7, 1 / 0.7);
      return [...n, ...u, ...m, ...g.permutation(20), g.uniform(), g.normal(), g.nextU32()];
    };
    const first = run(r);
    const restored = new Rng(999);
    restored.setState(saved);
    expect(run(restored)).toEqual(first);
    expect(r.getState()).toEqual(restored.getState());
    expect(saved).toHaveLength(4);
    expect(() => restored.setState([0, 0, 0, 0])).toThrow(RangeError);
    expect(() => restored.setState([1, 2, 3])).toThrow(RangeError);
  });

  it("draws uniforms in range with the right moments", () => {
    const r = new Rng(1);
    const u = Array.from({ length: 100_000 }, () => r.uniform());
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const m = moments(u);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.std).toBeCloseTo(Math.sqrt(1 / 12), 2);

    const f = new Float32Array(100_000);
    r.fillUniform(f, -3, 5);
    const fm = moments(f);
    expect(fm.mean).toBeCloseTo(1, 1);
    expect(fm.std).toBeCloseTo(8 / Math.sqrt(12), 1);
    expect(f.every((v) => v >= -3 && v < 5)).toBe(true);
  });

  it("keeps fillUniform half-open even where float32 rounding reaches hi", () => {
    const r = new Rng(3);
    const f = new Float32Array(10_000);
    r.fillUniform(f, 0, 1e-9); // tiny span: many values round toward hi
    expect(f.every((v) => v >= 0 && v < 1e-9)).toBe(true);
    r.fillUniform(f, 1, 1.0000001);
    expect(f.every((v) => v >= 1 && v < 1.0000001)).toBe(true);
  });

  it("draws normals with the right moments", () => {
    const r = new Rng(2);
    const f = new Float32Array(100_001);
    r.fillNormal(f, 3, 2);
    const m = moments(f);
    expect(m.mean).toBeCloseTo(3, 1);
    expect(Math.abs(m.std - 2)).toBeLessThan(0.02);
    const g = Array.from({ length: 100_000 }, () => r.normal());
    const gm = moments(g);
    expect(Math.abs(gm.mean)).toBeLessThan(0.02);
    expect(Math.abs(gm.std - 1)).toBeLessThan(0.02);
  });

  it("makes inverted-dropout masks of 0 or scale with the keep probability", () => {
    const r = new Rng(4);
    const m = new Float32Array(100_000);
    r.bernoulliMask(m, 0.7, 1 / 0.7);
    const scale = Math.fround(1 / 0.7);
    expect(m.every((v) => v === 0 || v === scale)).toBe(true);
    const kept = m.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) / m.length;
    expect(kept).toBeCloseTo(0.7, 2);
    r.bernoulliMask(m, 1, 1);
    expect(m.every((v) => v === 1)).toBe(true);
    r.bernoulliMask(m, 0, 1);
    expect(m.every((v) => v === 0)).toBe(true);
  });

  it("draws a mask entry per nextU32 of the same stream, and leaves the state where nextU32 would", () => {
    for (const seed of [0, 7, 123456]) {
      const a = new Rng(seed);
      const b = new Rng(seed);
      const m = new Float32Array(1001);
      a.bernoulliMask(m, 0.3, 2);
      const threshold = 0.3 * 2 ** 32;
      for (let i = 0; i < m.length; i++) expect(m[i]).toBe(b.nextU32() < threshold ? 2 : 0);
      expect(a.nextU32()).toBe(b.nextU32());
    }
  });

  it("draws permutations, into a given buffer, roughly uniformly", () => {
    const r = new Rng(5);
    const out = new Uint32Array(10);
    expect(r.permutation(10, out)).toBe(out);
    expect([...out].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const counts = new Array(3 * 3).fill(0); // position × value
    for (let t = 0; t < 30_000; t++) r.permutation(3).forEach((v, pos) => counts[pos * 3 + v]++);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(() => r.permutation(4, new Uint32Array(3))).toThrow(RangeError);
  });

  it("draws bounded integers without bias", () => {
    const r = new Rng(6);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.below(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
