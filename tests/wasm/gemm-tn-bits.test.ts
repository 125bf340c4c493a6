// The tn GEMM (compiler/wasm/kernels/gemm-tn.ts: the reduction over m in packed chunks, sums
// carried across chunks in scratch) computes the same bits as the kernel it replaced, which
// walked all m rows per register tile reading A and B in place. That kernel is kept below as
// the oracle, built with the same binaryen helpers: every output word must be equal (Uint32
// views) on random data with zeros, -0, ±∞ and a NaN among the inputs, for shapes with tail
// panels and tail tiles, row counts from 0 through several chunks (not multiples of a chunk,
// and fewer rows than one), bias, accumulate, row tiles 1..4, panel ranges and rows ranges
// (threads: blocks of 8 rows of C, each a range of whole register tiles across groups), the
// relaxed multiply-add where the engine has it, and blockings small enough that a few rows
// cross many chunks, groups and column blocks.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen, type BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { addGemm, gemmPanels, gemmParams, gemmScratchBytes, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import { TN_BLOCKING, type TnBlocking } from "../../compiler/wasm/kernels/gemm-tn.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "../../compiler/wasm/kernels/fn.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

/** The previous tn kernel: name(m, a, b, c [, bias]), every tile over all m rows, in place. */
function addOracle(
  b: BinaryenApi,
  mod: Mod,
  spec: { name: string; k: number; n: number; bias: boolean; accumulate: boolean; mr: number; relaxed: boolean },
): void {
  const { k, n } = spec;
  const names = ["m", "a", "b", "c", ...(spec.bias ? ["bias"] : [])];
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pm, pa, pb, pc] = [0, 1, 2, 3];
  const p = f.local(b.i32);
  const j = f.local(b.i32);
  const aCol = f.local(b.i32);
  const bCol = f.local(b.i32);
  const cPtr = f.local(b.i32);
  const biasCol = f.local(b.i32);
  const madd = (av: X, bv: X, c: X): X => {
    if (!spec.relaxed) return m.f32x4.add(c, m.f32x4.mul(av, bv));
    const api = b as unknown as { _BinaryenSIMDTernary(mod: number, op: number, a: X, b: X, c: X): X; RelaxedMaddVecF32x4: number };
    return api._BinaryenSIMDTernary(mod.ptr, api.RelaxedMaddVecF32x4, av, bv, c);
  };
  const tile = (rows: number, width: number): X => {
    const nv = Math.ceil(width / 4);
    const acc = Array.from({ length: rows }, () => Array.from({ length: nv }, () => f.local(b.v128)));
    const body: X[] = acc.flat().map((l) => f.set(l, m.v128.const(ZERO16)));
    const [ap, bp, cnt] = [f.local(b.i32), f.local(b.i32), f.local(b.i32)];
    body.push(f.set(ap, f.get(aCol)), f.set(bp, f.get(bCol)), f.set(cnt, f.get(pm)));
    const bv = Array.from({ length: nv }, () => f.local(b.v128));
    const av = f.local(b.v128);
    const step: X[] = [];
    for (let v = 0; v < nv; v++) step.push(f.set(bv[v], loadPartial(f, f.get(bp), v * 16, Math.min(4, width - 4 * v))));
    for (let q = 0; q < rows; q++) {
      step.push(f.set(av, m.v128.load32_splat(q * 4, 4, f.get(ap))));
      for (let v = 0; v < nv; v++) step.push(f.set(acc[q][v], madd(f.get(av), f.get(bv[v]), f.get(acc[q][v]))));
    }
    step.push(f.addI(ap, k * 4), f.addI(bp, n * 4), f.set(cnt, m.i32.sub(f.get(cnt), f.i32(1))));
    const top = f.label("k");
    body.push(m.if(m.i32.gt_s(f.get(cnt), f.i32(0)), m.loop(top, m.block(null, [...step, m.br(top, m.i32.gt_s(f.get(cnt), f.i32(0)))]))));
    const tmp = f.local(b.v128);
    for (let q = 0; q < rows; q++)
      for (let v = 0; v < nv; v++) {
        const lanes = Math.min(4, width - 4 * v);
        const off = q * n * 4 + v * 16;
        let val = f.get(acc[q][v]);
        if (spec.bias) val = m.f32x4.add(val, loadPartial(f, f.get(biasCol), v * 16, lanes));
        if (spec.accumulate) val = m.f32x4.add(val, loadPartial(f, f.get(cPtr), off, lanes));
        body.push(f.set(tmp, val), ...storePartial(f, f.get(cPtr), off, lanes, f.get(tmp)));
      }
    return m.block(null, body);
  };
  const setPtrs = (): X[] => [
    f.set(aCol, m.i32.add(f.get(pa), m.i32.shl(f.get(p), f.i32(2)))),
    f.set(bCol, m.i32.add(f.get(pb), m.i32.shl(f.get(j), f.i32(2)))),
    f.set(cPtr, m.i32.add(f.get(pc), m.i32.shl(m.i32.add(m.i32.mul(f.get(p), f.i32(n)), f.get(j)), f.i32(2)))),
    ...(spec.bias ? [f.set(biasCol, m.i32.add(f.get(4), m.i32.shl(f.get(j), f.i32(2))))] : []),
  ];
  const tr = spec.mr;
  const panel = (w: number): X[] => {
    const out: X[] = [f.set(p, f.i32(0))];
    if (Math.floor(k / tr) > 0) out.push(f.countedLoop(Math.floor(k / tr), [...setPtrs(), tile(tr, w), f.addI(p, tr)]));
    if (k % tr > 0) out.push(...setPtrs(), tile(k % tr, w));
    return out;
  };
  const body: X[] = [f.set(j, f.i32(0))];
  if (Math.floor(n / 8) > 0) body.push(f.countedLoop(Math.floor(n / 8), [...panel(8), f.addI(j, 8)]));
  if (n % 8 > 0) body.push(...panel(n % 8));
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

interface Case {
  readonly k: number;
  readonly n: number;
  readonly ms: readonly number[];
  readonly bias: boolean;
  readonly accumulate: boolean;
  readonly mr: number;
  readonly blocking?: TnBlocking;
}

const tiny: TnBlocking = { rows: 3, tiles: 2, cols: 8 };
const small: TnBlocking = { rows: 16, tiles: 3, cols: 16 };
const CASES: Case[] = [
  // The default blocking: fewer rows than a chunk, one chunk exactly, several with a short last one.
  { k: 36, n: 21, ms: [0, 1, 5, TN_BLOCKING.rows, TN_BLOCKING.rows + 1, 2 * TN_BLOCKING.rows + 37], bias: true, accumulate: false, mr: 4 },
  { k: 67, n: 130, ms: [3, 2 * TN_BLOCKING.rows + 5], bias: false, accumulate: true, mr: 4 },
  { k: 9, n: 8, ms: [0, 7, TN_BLOCKING.rows + 3], bias: true, accumulate: true, mr: 4 },
  // Many chunks, groups and column blocks on few rows.
  { k: 11, n: 19, ms: [0, 1, 2, 3, 4, 7, 9, 31], bias: true, accumulate: true, mr: 4, blocking: tiny },
  { k: 14, n: 37, ms: [1, 16, 17, 50], bias: false, accumulate: false, mr: 4, blocking: small },
  { k: 13, n: 5, ms: [0, 6, 40], bias: true, accumulate: false, mr: 3, blocking: tiny },
  { k: 7, n: 12, ms: [2, 33], bias: false, accumulate: true, mr: 2, blocking: small },
  { k: 5, n: 3, ms: [1, 10], bias: true, accumulate: true, mr: 1, blocking: tiny },
  { k: 1, n: 1, ms: [0, 1, 9], bias: true, accumulate: true, mr: 4, blocking: tiny },
  { k: 3, n: 9, ms: [4, 20], bias: true, accumulate: false, mr: 4, blocking: small },
];

const relaxedEngine = hasRelaxedSimd();
type Fn_ = (...args: number[]) => void;
let binaryen: BinaryenApi;
const instances = new Map<boolean, { inst: KernelInstance<Record<string, Fn_>>; specs: Map<string, GemmSpec> }>();

type Range = false | "range" | "rows";
const specOf = (c: Case, i: number, relaxed: boolean, range: Range): GemmSpec => ({
  name: `tn${i}${range ? `_${range}` : ""}`,
  kind: "tn",
  k: c.k,
  n: c.n,
  bias: c.bias,
  accumulate: c.accumulate || undefined,
  rowTile: c.mr,
  relaxed: relaxed || undefined,
  range: range !== false || undefined,
  rowRange: range === "rows" || undefined,
  tnBlocking: c.blocking,
});

beforeAll(async () => {
  binaryen = await loadBinaryen();
  for (const relaxed of relaxedEngine ? [false, true] : [false]) {
    const specs = new Map<string, GemmSpec>();
    const mod = buildModule(
      binaryen,
      (mod) =>
        CASES.forEach((c, i) => {
          for (const range of [false, "range", "rows"] as const) {
            if (range === "rows" && 8 % c.mr !== 0) continue; // a rows range needs 8 rows to be whole tiles
            const spec = specOf(c, i, relaxed, range);
            specs.set(spec.name, spec);
            addGemm(binaryen, mod, spec);
          }
          addOracle(binaryen, mod, { name: `old${i}`, k: c.k, n: c.n, bias: c.bias, accumulate: c.accumulate, mr: c.mr, relaxed });
        }),
      { relaxed },
    );
    const need = Math.max(...CASES.map((c) => (Math.max(...c.ms) * (c.k + c.n) + 3 * c.k * c.n + c.n) * 4 + 64 * 1024));
    instances.set(relaxed, { inst: await instantiateKernels<Record<string, Fn_>>(mod.binary, { memoryBytes: need }), specs });
  }
}, 60_000);

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

/** Random values over several magnitudes, with a few zeros, -0, ±∞ and (when `nan`) a NaN. */
function fill(a: Float32Array, r: () => number, nan: boolean): void {
  for (let i = 0; i < a.length; i++) {
    const u = r();
    a[i] = u < 0.03 ? 0 : u < 0.05 ? -0 : (r() - 0.5) * 2 ** Math.floor(r() * 12 - 6);
  }
  if (a.length > 8) {
    a[Math.floor(r() * a.length)] = Infinity;
    a[Math.floor(r() * a.length)] = -Infinity;
    if (nan) a[Math.floor(r() * a.length)] = NaN;
  }
}

/** C's words after the new kernel (whole, or as panel ranges) and after the oracle, from the same inputs. */
function outputs(
  relaxed: boolean,
  i: number,
  m: number,
  seed: number,
  parts: readonly [number, number][] | null,
  unit: "range" | "rows" = "range",
): [Uint32Array, Uint32Array] {
  const { inst, specs } = instances.get(relaxed)!;
  const c = CASES[i];
  const spec = specs.get(`tn${i}${parts ? `_${unit}` : ""}`)!;
  const r = rng(seed);
  const lay = new Layout(16);
  const at = {
    a: lay.floats(m * c.k),
    b: lay.floats(m * c.n),
    c: lay.floats(c.k * c.n),
    c0: lay.floats(c.k * c.n),
    bias: lay.floats(c.n),
    ws: lay.alloc(gemmScratchBytes(spec), 4) + 4, // unaligned on purpose: the kernel aligns it
  };
  const nan = seed % 3 === 0;
  fill(inst.f32(at.a, m * c.k), r, nan);
  fill(inst.f32(at.b, m * c.n), r, false);
  fill(inst.f32(at.c0, c.k * c.n), r, false);
  fill(inst.f32(at.bias, c.n), r, false);
  const scratch = inst.f32(at.ws, Math.floor((gemmScratchBytes(spec) - 4) / 4));
  for (let q = 0; q < scratch.length; q++) scratch[q] = r() * 1e6; // garbage: must not matter
  const words = () => new Uint32Array(inst.f32(at.c, c.k * c.n).slice().buffer);
  const reset = () => inst.f32(at.c, c.k * c.n).set(inst.f32(at.c0, c.k * c.n));
  reset();
  inst.exports[`old${i}`](m, at.a, at.b, at.c, ...(c.bias ? [at.bias] : []));
  const want = words();
  // The comparison means something only if the oracle wrote C (it always does with rows, a bias or without accumulate).
  if (m > 0 || c.bias || !c.accumulate) expect(want).not.toEqual(new Uint32Array(inst.f32(at.c0, c.k * c.n).slice().buffer));
  reset();
  const args = gemmParams(spec)
    .filter((p) => p !== "lo" && p !== "hi")
    .map((p) => (p === "m" ? m : at[p as keyof typeof at]));
  for (const [lo, hi] of parts ?? [[0, 0]]) inst.exports[spec.name](...args, ...(parts ? [lo, hi] : []));
  return [words(), want];
}

describe("gemm tn: the same bits as the in-place kernel it replaced", () => {
  for (const relaxed of [false, true]) {
    for (const [i, c] of CASES.entries()) {
      const label = `k=${c.k} n=${c.n} mr=${c.mr}${c.bias ? " bias" : ""}${c.accumulate ? " acc" : ""}${c.blocking ? ` blocking ${c.blocking.rows}/${c.blocking.tiles}/${c.blocking.cols}` : ""}`;
      it.skipIf(relaxed && !relaxedEngine)(`${relaxed ? "relaxed " : ""}${label}, m in ${c.ms.join(", ")}`, () => {
        for (const [s, m] of c.ms.entries()) {
          const [got, want] = outputs(relaxed, i, m, 100 * i + s + (relaxed ? 7 : 0), null);
          expect(got).toEqual(want);
        }
      });
    }
  }

  it("rows ranges (threads' parts of a tall dW) write the same bits as the whole call", () => {
    for (const [i, c] of CASES.entries()) {
      if (8 % c.mr !== 0) {
        expect(() => buildModule(binaryen, (mod) => addGemm(binaryen, mod, specOf(c, i, false, "rows")))).toThrow(/whole tiles/);
        continue;
      }
      const units = gemmPanels({ kind: "tn", k: c.k, n: c.n, rowRange: true });
      expect(units).toBe(Math.ceil(c.k / 8));
      const cuts = [
        [[0, 0]],
        [[0, units]],
        [
          [0, 1],
          [1, units],
        ],
        [
          [Math.floor(units / 2), units],
          [0, Math.floor(units / 2)],
        ],
        Array.from({ length: units }, (_, q) => [q, q + 1]),
      ] as [number, number][][];
      for (const cut of cuts)
        for (const m of [c.ms[0], c.ms[c.ms.length - 1]]) {
          const parts = cut.filter(([lo, hi], _, all) => lo < hi || all.length === 1); // hi = 0 alone: the whole call
          const [got, want] = outputs(false, i, m, 37 * i + parts.length + m, parts, "rows");
          expect(got).toEqual(want);
        }
    }
  });

  it("panel ranges (threads' parts) write the same bits as the whole call", () => {
    for (const [i, c] of CASES.entries()) {
      const panels = gemmPanels({ kind: "tn", k: c.k, n: c.n });
      const cuts = [
        [[0, panels]],
        [
          [0, 1],
          [1, panels],
        ],
        Array.from({ length: panels }, (_, q) => [q, q + 1]),
      ] as [number, number][][];
      for (const parts of cuts) {
        const m = c.ms[c.ms.length - 1];
        const [got, want] = outputs(false, i, m, 31 * i + parts.length, parts);
        expect(got).toEqual(want);
      }
    }
  });
});
