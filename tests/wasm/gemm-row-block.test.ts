// The nn and nt GEMMs (compiler/wasm/kernels/gemm.ts) cut A's rows into blocks of
// gemmRowBlock(inner, rowTile) rows (up to 256 while the block keeps ≤ 512 KiB of A), where
// they had cut them into blocks of 64: each element of C is still the same sum in the same
// order, so every output word must equal the 64-row blocking's (Uint32 views), on random data
// with zeros, -0, ±∞ and a NaN, for row counts around and across both blockings' blocks, row
// tiles 1..4, tail panels, bias, accumulate, an activation with its pre-activation, and panel
// ranges (threads).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { addGemm, gemmParams, gemmRowBlock, gemmScratchBytes, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import { instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

interface Case {
  readonly kind: "nn" | "nt";
  readonly k: number;
  readonly n: number;
  readonly ms: readonly number[];
  readonly extra?: Partial<GemmSpec>;
}

const CASES: Case[] = [
  // inner 128 (the transformer's projections): blocks of 256 rows.
  { kind: "nn", k: 128, n: 21, ms: [0, 1, 63, 65, 255, 256, 257, 600], extra: { bias: true } },
  { kind: "nt", k: 19, n: 128, ms: [5, 64, 300, 520] },
  { kind: "nt", k: 13, n: 36, ms: [259, 401], extra: { accumulate: true, rowTile: 2 } },
  { kind: "nt", k: 30, n: 20, ms: [70, 290], extra: { bias: true, accumulate: true, rowTile: 3, range: true } },
  { kind: "nn", k: 33, n: 17, ms: [130, 513], extra: { bias: true, activation: "relu", preOut: true, rowTile: 1 } },
  { kind: "nn", k: 24, n: 40, ms: [300], extra: { bias: true, range: true } },
  // inner 600: blocks of 216 rows.
  { kind: "nn", k: 600, n: 9, ms: [217, 450] },
];

type Fn_ = (...args: number[]) => void;
let inst: KernelInstance<Record<string, Fn_>>;
const specOf = (c: Case, i: number, old: boolean): GemmSpec => ({
  name: `${old ? "old" : "new"}${i}`,
  kind: c.kind,
  k: c.k,
  n: c.n,
  bias: false,
  ...c.extra,
  rowBlock: old ? 64 : undefined,
});

beforeAll(async () => {
  const binaryen = await loadBinaryen();
  const mod = buildModule(binaryen, (mod) =>
    CASES.forEach((c, i) => [false, true].forEach((old) => addGemm(binaryen, mod, specOf(c, i, old)))),
  );
  inst = await instantiateKernels<Record<string, Fn_>>(mod.binary, { memoryBytes: 16 << 20 });
}, 60_000);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

function fill(a: Float32Array, r: () => number): void {
  for (let i = 0; i < a.length; i++) {
    const u = r();
    a[i] = u < 0.03 ? 0 : u < 0.05 ? -0 : (r() - 0.5) * 2 ** Math.floor(r() * 12 - 6);
  }
  if (a.length > 8) {
    a[Math.floor(r() * a.length)] = Infinity;
    a[Math.floor(r() * a.length)] = -Infinity;
    a[Math.floor(r() * a.length)] = NaN;
  }
}

/** C's (and the pre-activation's) words after one spec on inputs from `seed`. */
function run(spec: GemmSpec, m: number, seed: number, lo: number, hi: number): Uint32Array {
  const inner = spec.kind === "nn" ? spec.k : spec.n;
  const outCols = spec.kind === "nn" ? spec.n : spec.k;
  const lay = new Layout(16);
  const at: Record<string, number> = {
    a: lay.floats(m * inner),
    b: lay.floats(spec.k * spec.n),
    c: lay.floats(m * outCols),
    pre: lay.floats(m * outCols),
    bias: lay.floats(outCols),
    ws: lay.alloc(gemmScratchBytes(spec)),
  };
  const r = rng(seed);
  for (const [key, len] of [
    ["a", m * inner],
    ["b", spec.k * spec.n],
    ["c", m * outCols],
    ["pre", m * outCols],
    ["bias", outCols],
  ] as const)
    fill(inst.f32(at[key], len), r);
  inst.exports[spec.name](...gemmParams(spec).map((p) => (p === "m" ? m : p === "lo" ? lo : p === "hi" ? hi : at[p])));
  const out = new Float32Array(2 * m * outCols);
  out.set(inst.f32(at.c, m * outCols));
  out.set(inst.f32(at.pre, m * outCols), m * outCols);
  return new Uint32Array(out.buffer);
}

describe("gemm row blocks", () => {
  it("blocks of up to 256 rows while A's block keeps <= 512 KiB, at least 64, a multiple of the row tile", () => {
    expect([gemmRowBlock(128, 4), gemmRowBlock(512, 4), gemmRowBlock(600, 4), gemmRowBlock(784, 4), gemmRowBlock(4096, 4)]).toEqual([
      256, 256, 216, 164, 64,
    ]);
    expect([gemmRowBlock(128, 3), gemmRowBlock(10, 6)]).toEqual([255, 252]);
  });

  CASES.forEach((c, i) =>
    it(`${c.kind} ${c.k}x${c.n} ${JSON.stringify(c.extra ?? {})}: the same words as 64-row blocks`, () => {
      const panels = Math.ceil((c.kind === "nn" ? c.n : c.k) / 8);
      const ranges: [number, number][] = c.extra?.range
        ? [
            [0, 0],
            [1, panels - 1],
            [panels - 1, panels],
          ]
        : [[0, 0]];
      for (const m of c.ms)
        for (const [lo, hi] of ranges) {
          const seed = 1000 * i + m + lo;
          const want = run(specOf(c, i, true), m, seed, lo, hi);
          const got = run(specOf(c, i, false), m, seed, lo, hi);
          expect(got.length).toBe(want.length);
          const bad = got.findIndex((w, j) => w !== want[j]);
          expect(bad, `m = ${m}, panels [${lo}, ${hi}): first differing word`).toBe(-1);
        }
    }),
  );
});
