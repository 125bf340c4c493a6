// The packed GEMM of exported dense layers (compiler/wasm/kernels/gemm-packed.ts, B in the
// panel order of runtime/inference.ts packPanels) against the training GEMM it replaces
// (gemm.ts, kind nn, which packs B itself): the same bits for every row count, shape, bias
// and activation epilogue; and both against the reference kernel (relative L2 ≤ 1e-6).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { addGemm, gemmParams, gemmScratchBytes, type GemmActivation, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import { addPackedGemm, packedGemmParams, packedIndex, type PackedGemmSpec } from "../../compiler/wasm/kernels/gemm-packed.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { matmul } from "../../runtime/kernels/dense.js";
import { packPanels } from "../../runtime/inference.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { relL2 } from "../helpers/numerics.js";

type Fn = (...args: number[]) => void;
interface Case {
  readonly tag: string;
  readonly k: number;
  readonly n: number;
  readonly bias: boolean;
  readonly activation?: GemmActivation;
  readonly preOut?: boolean;
  readonly rowTile?: number;
  readonly wide?: number;
  /** Row counts to run. */
  readonly ms: readonly number[];
}

const SMALL_MS = [0, 1, 2, 3, 4, 5, 6, 7, 9];
const cases: Case[] = [
  // The seed CNN's dense layers (5408→128 relu, 128→10), at batch 1, a few rows, and past a row block.
  { tag: "cnn1", k: 5408, n: 128, bias: true, activation: "relu", ms: [1, 3, 4, 67] },
  { tag: "cnn2", k: 128, n: 10, bias: true, ms: [1, 2, 5, 256] },
  // Tails: n < 8, n mod 8 = 1..7, n a multiple of 8, more panels than one wide tile.
  { tag: "n1", k: 3, n: 1, bias: false, ms: SMALL_MS },
  { tag: "n7", k: 5, n: 7, bias: true, ms: SMALL_MS },
  { tag: "n8", k: 1, n: 8, bias: true, ms: SMALL_MS },
  { tag: "n13", k: 11, n: 13, bias: true, activation: "leaky_relu", preOut: true, ms: SMALL_MS },
  { tag: "n43", k: 9, n: 43, bias: false, ms: SMALL_MS },
  { tag: "n56", k: 17, n: 56, bias: true, activation: "sigmoid", preOut: true, ms: [...SMALL_MS, 131] },
  { tag: "n20", k: 20, n: 20, bias: true, rowTile: 6, wide: 2, ms: [...SMALL_MS, 64, 65, 131] },
  { tag: "n33", k: 4, n: 33, bias: true, activation: "relu", preOut: true, rowTile: 2, wide: 6, ms: [...SMALL_MS, 131] },
];

const SLOPE = 0.2;
const gemmSpec = (c: Case, relaxed: boolean): GemmSpec => ({
  name: `${c.tag}_gemm${relaxed ? "_rx" : ""}`,
  kind: "nn",
  k: c.k,
  n: c.n,
  bias: c.bias,
  activation: c.activation,
  slope: SLOPE,
  preOut: c.preOut,
  relaxed: relaxed || undefined,
});
const packedSpec = (c: Case, relaxed: boolean): PackedGemmSpec => ({
  name: `${c.tag}_packed${relaxed ? "_rx" : ""}`,
  k: c.k,
  n: c.n,
  bias: c.bias,
  activation: c.activation,
  slope: SLOPE,
  preOut: c.preOut,
  rowTile: c.rowTile,
  wide: c.wide,
  relaxed: relaxed || undefined,
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const maxM = (c: Case) => Math.max(...c.ms, 1);
const bytesFor = (c: Case) =>
  4 * (maxM(c) * c.k + 2 * c.k * c.n + 4 * maxM(c) * c.n + c.n + 64) + gemmScratchBytes(gemmSpec(c, false)) + 1024;

async function build(relaxed: boolean, which: readonly Case[]): Promise<KernelInstance<Record<string, Fn>>> {
  const b = await loadBinaryen();
  const mod = buildModule(
    b,
    (mod) => {
      for (const c of which) {
        addGemm(b, mod, gemmSpec(c, relaxed));
        addPackedGemm(b, mod, packedSpec(c, relaxed));
      }
    },
    { relaxed },
  );
  return instantiateKernels<Record<string, Fn>>(mod.binary, { memoryBytes: Math.max(...cases.map(bytesFor)) });
}

/** Runs both kernels on the same random data; returns their outputs (and pre-activations), and the reference's. */
function run(inst: KernelInstance<Record<string, Fn>>, c: Case, m: number, relaxed: boolean, seed: number) {
  const r = rng(seed);
  const lay = new Layout(16);
  const at = {
    a: lay.floats(m * c.k),
    b: lay.floats(c.k * c.n),
    packed: lay.floats(c.k * c.n + 1), // one guard float after the packed panels
    bias: lay.floats(c.n),
    c: lay.floats(m * c.n + 1),
    pre: lay.floats(m * c.n + 1),
    c2: lay.floats(m * c.n + 1),
    pre2: lay.floats(m * c.n + 1),
    ws: lay.alloc(gemmScratchBytes(gemmSpec(c, relaxed))),
  };
  const a = inst.f32(at.a, m * c.k).map(() => r());
  inst.f32(at.a, m * c.k).set(a);
  const w = inst.f32(at.b, c.k * c.n).map(() => r());
  inst.f32(at.b, c.k * c.n).set(w);
  const guard = inst.f32(at.packed, c.k * c.n + 1);
  guard.fill(-7);
  packPanels(w, c.k, c.n, inst.f32(at.packed, c.k * c.n));
  const bias = inst.f32(at.bias, c.n).map(() => r());
  inst.f32(at.bias, c.n).set(bias);
  for (const o of [at.c, at.pre, at.c2, at.pre2]) inst.f32(o, m * c.n + 1).fill(1234.5);
  const call = (name: string, params: string[], args: Record<string, number>) => inst.exports[name](...params.map((p) => args[p]));
  const g = gemmSpec(c, relaxed);
  call(g.name, gemmParams(g), { m, a: at.a, b: at.b, c: at.c, bias: at.bias, pre: at.pre, ws: at.ws });
  const p = packedSpec(c, relaxed);
  call(p.name, packedGemmParams(p), { m, a: at.a, b: at.packed, c: at.c2, bias: at.bias, pre: at.pre2 });
  const ref = new Float32Array(m * c.n);
  matmul(ref, a, w, c.bias ? bias : null, m, c.k, c.n);
  return {
    gemm: inst.f32(at.c, m * c.n + 1).slice(),
    packed: inst.f32(at.c2, m * c.n + 1).slice(),
    gemmPre: inst.f32(at.pre, m * c.n + 1).slice(),
    packedPre: inst.f32(at.pre2, m * c.n + 1).slice(),
    ref,
    packedGuard: inst.f32(at.packed + 4 * c.k * c.n, 1)[0],
  };
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("packed GEMM (gemm-packed.ts) vs the training GEMM (gemm.ts nn)", () => {
  let inst: KernelInstance<Record<string, Fn>>;
  beforeAll(async () => {
    inst = await build(false, cases);
  }, 30_000);

  it("packPanels puts B[s, c] where packedIndex says, k·n floats in B's place", () => {
    for (const [k, n] of [
      [3, 1],
      [2, 8],
      [5, 13],
      [4, 43],
    ]) {
      const w = Float32Array.from({ length: k * n }, (_, i) => i + 1);
      const out = new Float32Array(k * n + 2).fill(-1);
      packPanels(w, k, n, out, 1);
      expect(out[0]).toBe(-1);
      expect(out[k * n + 1]).toBe(-1);
      const seen = new Set<number>();
      for (let s = 0; s < k; s++)
        for (let c = 0; c < n; c++) {
          const i = packedIndex(k, n, s, c);
          expect(out[1 + i]).toBe(w[s * n + c]);
          seen.add(i);
        }
      expect(seen.size).toBe(k * n);
    }
  });

  for (const [i, c] of cases.entries())
    it(`${c.tag}: k=${c.k} n=${c.n}${c.bias ? " bias" : ""}${c.activation ? ` ${c.activation}` : ""}${c.preOut ? " +pre" : ""}, m = ${c.ms.join(", ")}: the same bits`, () => {
      for (const m of c.ms) {
        const r = run(inst, c, m, false, 100 * i + m);
        expect(bits(r.packed), `${c.tag} m=${m}`).toEqual(bits(r.gemm));
        if (c.preOut) expect(bits(r.packedPre), `${c.tag} m=${m} pre`).toEqual(bits(r.gemmPre));
        expect(r.packed[m * c.n], "C's next word untouched").toBe(1234.5);
        expect(r.packedGuard, "B's panels are read in place, not written").toBe(-7);
        if (!c.activation && m > 0) expect(relL2(r.packed.subarray(0, m * c.n), r.ref)).toBeLessThanOrEqual(1e-6);
      }
    });

  // The relaxed variant on the CNN's layer and the two tilings with an epilogue (building every case twice costs seconds).
  const relaxedCases = cases.filter((c) => ["cnn1", "n13", "n33"].includes(c.tag));
  it.skipIf(!hasRelaxedSimd())("relaxed variant: the same bits as the relaxed training GEMM", async () => {
    const rx = await build(true, relaxedCases);
    for (const [i, c] of relaxedCases.entries())
      for (const m of c.ms) {
        const r = run(rx, c, m, true, 100 * i + m);
        expect(bits(r.packed), `${c.tag} m=${m}`).toEqual(bits(r.gemm));
      }
  });
});
