// The sparse GEMM of exported relu-fed dense layers (compiler/wasm/kernels/gemm-sparse.ts:
// each row of A compacted to its nonzero entries, the products with zeros skipped) against
// the packed GEMM it replaces (gemm-packed.ts, every product): the same bits on rows with
// zeros of both signs, rows of zeros only, rows with no zero, NaN and infinite inputs, for
// every tail of k (mod 4) and n (mod 8), activation epilogue, row block and tile width, and
// layers of many panel groups (looped, one loop per group size).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { addPackedGemm, packedGemmParams, type PackedGemmSpec } from "../../compiler/wasm/kernels/gemm-packed.js";
import {
  addSparseGemm,
  compactShuffles,
  SPARSE_BELOW,
  sparseGemmCountsAt,
  sparseGemmParams,
  sparseGemmScratchBytes,
  type SparseGemmSpec,
} from "../../compiler/wasm/kernels/gemm-sparse.js";
import type { GemmActivation } from "../../compiler/wasm/kernels/gemm.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { packPanels } from "../../runtime/inference.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

type Fn = (...args: number[]) => void;
interface Case {
  readonly tag: string;
  readonly k: number;
  readonly n: number;
  readonly bias: boolean;
  readonly activation?: GemmActivation;
  readonly preOut?: boolean;
  readonly wide?: number;
  readonly rowBlock?: number;
  readonly ms: readonly number[];
}

const SMALL_MS = [0, 1, 2, 3, 5, 9];
const cases: Case[] = [
  // The seed CNN's dense layers (5408→128 relu, 128→10), at batch 1 and past a row block of 8.
  { tag: "cnn1", k: 5408, n: 128, bias: true, activation: "relu", ms: [1, 2, 19] },
  { tag: "cnn2", k: 128, n: 10, bias: true, ms: [1, 7, 70] },
  // The GAN generator's 512→784 tanh layer (relu-fed): 98 panels in 33 groups, 32 of 3 panels and one of 2 (two loops).
  { tag: "gan3", k: 512, n: 784, bias: true, activation: "tanh", ms: [1, 5, 33] },
  // Many groups of two sizes and a tail panel: 25 panels + 3 columns, groups of 4 (7 groups: 4 of 4, 3 of 3), and of 1.
  { tag: "k7n203", k: 7, n: 203, bias: true, activation: "relu", preOut: true, ms: SMALL_MS, wide: 4, rowBlock: 4 },
  { tag: "k5n90", k: 5, n: 90, bias: false, ms: SMALL_MS, wide: 1 },
  // Tails of k (1, 2, 3 mod 4) and n (< 8, mod 8), epilogues, tile widths and row blocks.
  { tag: "k1n1", k: 1, n: 1, bias: false, ms: SMALL_MS },
  { tag: "k2n7", k: 2, n: 7, bias: true, ms: SMALL_MS },
  { tag: "k3n8", k: 3, n: 8, bias: true, activation: "relu", ms: SMALL_MS },
  { tag: "k13n13", k: 13, n: 13, bias: true, activation: "leaky_relu", preOut: true, ms: SMALL_MS, rowBlock: 2 },
  { tag: "k9n43", k: 9, n: 43, bias: false, ms: SMALL_MS, wide: 2 },
  { tag: "k17n56", k: 17, n: 56, bias: true, activation: "sigmoid", preOut: true, ms: [...SMALL_MS, 33], rowBlock: 1 },
  { tag: "k20n20", k: 20, n: 20, bias: true, activation: "tanh", ms: SMALL_MS, wide: 1, rowBlock: 3 },
  { tag: "k6n33", k: 6, n: 33, bias: true, activation: "relu", preOut: true, ms: [...SMALL_MS, 17], wide: 6 },
];

// Mostly zeros (blocks take the sparse path) and few (blocks of 4 rows or more, and single rows, call the packed GEMM).
const ZEROS = [0.6, 0.05];
const SLOPE = 0.2;
const packedSpec = (c: Case, relaxed: boolean): PackedGemmSpec => ({
  name: `${c.tag}_packed${relaxed ? "_rx" : ""}`,
  k: c.k,
  n: c.n,
  bias: c.bias,
  activation: c.activation,
  slope: SLOPE,
  preOut: c.preOut,
  relaxed: relaxed || undefined,
});
const sparseSpec = (c: Case, relaxed: boolean): SparseGemmSpec => ({
  ...packedSpec(c, relaxed),
  name: `${c.tag}_sparse${relaxed ? "_rx" : ""}`,
  wide: c.wide,
  rowBlock: c.rowBlock,
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Row r of A: row 0 has no zero, row 1 only zeros (+0 and −0), row 2 a NaN and an infinity; the others a share `zeros` of zeros (a sixth of them −0). */
function fillA(a: Float32Array, m: number, k: number, zeros: number, r: () => number): void {
  for (let row = 0; row < m; row++)
    for (let s = 0; s < k; s++) {
      const u = r();
      const v = r() - 0.5;
      let x = row === 0 ? v || 0.25 : row === 1 ? (u < 0.5 ? 0 : -0) : u < (zeros * 5) / 6 ? 0 : u < zeros ? -0 : v;
      if (row === 2 && s === k - 1) x = NaN;
      if (row === 2 && s === 0 && k > 1) x = -Infinity;
      a[row * k + s] = x;
    }
}

const maxM = (c: Case) => Math.max(...c.ms, 1);
const bytesFor = (c: Case) => 4 * (maxM(c) * c.k + c.k * c.n + 4 * maxM(c) * c.n + c.n + 64) + sparseGemmScratchBytes(c) + 1024;

async function build(relaxed: boolean, which: readonly Case[]): Promise<KernelInstance<Record<string, Fn>>> {
  const b = await loadBinaryen();
  const mod = buildModule(
    b,
    (mod) => {
      for (const c of which) {
        addPackedGemm(b, mod, packedSpec(c, relaxed));
        addSparseGemm(b, mod, sparseSpec(c, relaxed));
      }
    },
    // binaryen's level 1 (exports use 3): the same operations in the same order, built in a tenth of the time.
    { relaxed, optimizeLevel: 1 },
  );
  return instantiateKernels<Record<string, Fn>>(mod.binary, { memoryBytes: Math.max(...which.map(bytesFor)) });
}

function run(inst: KernelInstance<Record<string, Fn>>, c: Case, m: number, relaxed: boolean, seed: number, zeros: number) {
  const r = rng(seed);
  const lay = new Layout(16);
  const at = {
    a: lay.floats(m * c.k),
    packed: lay.floats(c.k * c.n),
    bias: lay.floats(c.n),
    c: lay.floats(m * c.n + 1),
    pre: lay.floats(m * c.n + 1),
    c2: lay.floats(m * c.n + 1),
    pre2: lay.floats(m * c.n + 1),
    ws: lay.alloc(sparseGemmScratchBytes(c)) + 4, // any alignment
  };
  fillA(inst.f32(at.a, m * c.k), m, c.k, zeros, r);
  const w = Float32Array.from({ length: c.k * c.n }, () => r() - 0.5);
  packPanels(w, c.k, c.n, inst.f32(at.packed, c.k * c.n));
  inst.f32(at.bias, c.n).set(Float32Array.from({ length: c.n }, () => r() - 0.5));
  for (const o of [at.c, at.pre, at.c2, at.pre2]) inst.f32(o, m * c.n + 1).fill(1234.5);
  const counts = new Int32Array(inst.f32(0, 1).buffer, sparseGemmCountsAt(at.ws), 1);
  counts[0] = -1;
  // The path of each block of rows, by the rule; the last sparse block leaves its first row's list length (bytes) in counts[0].
  const a = inst.f32(at.a, m * c.k);
  const rb = c.rowBlock ?? 16;
  const paths: string[] = [];
  let lastList = -1;
  for (let r0 = 0; r0 < m; r0 += rb) {
    const rows = Math.min(rb, m - r0);
    const share = a.subarray(r0 * c.k, (r0 + rows) * c.k).filter((x) => x !== 0).length / (rows * c.k);
    const sparse = share <= (rows >= 4 ? SPARSE_BELOW.tiles : SPARSE_BELOW.rows);
    paths.push(sparse ? "sparse" : "packed");
    if (sparse) lastList = 4 * a.subarray(r0 * c.k, (r0 + 1) * c.k).filter((x) => x !== 0).length;
  }
  const call = (name: string, params: string[], args: Record<string, number>) => inst.exports[name](...params.map((p) => args[p]));
  const p = packedSpec(c, relaxed);
  call(p.name, packedGemmParams(p), { m, a: at.a, b: at.packed, c: at.c, bias: at.bias, pre: at.pre });
  const s = sparseSpec(c, relaxed);
  call(s.name, sparseGemmParams(s), { m, a: at.a, b: at.packed, c: at.c2, bias: at.bias, pre: at.pre2, ws: at.ws });
  const words = (o: number) => Array.from(new Uint32Array(inst.f32(o, m * c.n + 1).slice().buffer));
  return {
    packed: words(at.c),
    sparse: words(at.c2),
    packedPre: words(at.pre),
    sparsePre: words(at.pre2),
    paths,
    list: counts[0],
    lastList,
  };
}

describe("sparse GEMM (gemm-sparse.ts) vs the packed GEMM (gemm-packed.ts)", () => {
  let inst: KernelInstance<Record<string, Fn>>;
  const paths = new Set<string>();
  beforeAll(async () => {
    inst = await build(false, cases);
  }, 30_000);

  it("the compaction's shuffles move the lanes of each mask to the front, in order", () => {
    const t = compactShuffles();
    for (let mask = 0; mask < 16; mask++) {
      const lanes = [0, 1, 2, 3].filter((l) => mask & (1 << l));
      const row = Array.from(t.subarray(16 * mask, 16 * mask + 16));
      expect(row.slice(0, 4 * lanes.length)).toEqual(lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
      expect(row.slice(4 * lanes.length).every((x) => x === 0x80)).toBe(true);
    }
  });

  for (const [i, c] of cases.entries())
    it(`${c.tag}: k=${c.k} n=${c.n}${c.bias ? " bias" : ""}${c.activation ? ` ${c.activation}` : ""}${c.preOut ? " +pre" : ""}, m = ${c.ms.join(", ")}: the same bits`, () => {
      for (const m of c.ms)
        for (const zeros of ZEROS) {
          const r = run(inst, c, m, false, 100 * i + m, zeros);
          expect(r.sparse, `${c.tag} m=${m} zeros ${zeros}`).toEqual(r.packed);
          expect(r.list, `${c.tag} m=${m} zeros ${zeros}: the last sparse block's first list (${r.paths.join(", ")})`).toBe(r.lastList);
          r.paths.forEach((p) => paths.add(p));
          if (c.preOut) expect(r.sparsePre, `${c.tag} m=${m} pre`).toEqual(r.packedPre);
          expect(r.sparse[m * c.n], "C's next word untouched").toBe(new Uint32Array(new Float32Array([1234.5]).buffer)[0]);
        }
    });

  it("both paths ran: blocks mostly of zeros compacted, the others through the packed GEMM", () => {
    expect([...paths].sort()).toEqual(["packed", "sparse"]);
  });

  const relaxedCases = cases.filter((c) => ["cnn1", "k13n13", "k6n33", "k7n203"].includes(c.tag));
  it.skipIf(!hasRelaxedSimd())("relaxed variant: the same bits as the relaxed packed GEMM", async () => {
    const rx = await build(true, relaxedCases);
    for (const [i, c] of relaxedCases.entries())
      for (const m of c.ms)
        for (const zeros of ZEROS) {
          const r = run(rx, c, m, true, 100 * i + m, zeros);
          expect(r.sparse, `${c.tag} m=${m} zeros ${zeros}`).toEqual(r.packed);
        }
  });
});
