// The kernel gradient with its weight's update in one kernel (compiler/wasm/kernels/gemm-tn-update.ts)
// against the two kernels it replaces, the tn GEMM (gemm.ts) and then the optimizer's range kernel
// (optimizers.ts) over the weight's range: the weights, the gradient (still written to the flat
// gradient buffer) and every state buffer word for word (Uint32 views), and nothing outside the
// weight's range touched — for rows units (a tall dW: tnByRows) and 8-column panels, tail rows and
// panels, accumulate (a weight used twice), every rule with weight decay and clipping, the default
// blocking and blockings small enough that a call crosses many blocks, the whole call and every
// cut of its units into two calls, and each unit alone (threads' parts); the relaxed multiply-add
// where the engine has it.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen, type BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { addGemm, gemmParams, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import type { TnBlocking } from "../../compiler/wasm/kernels/gemm-tn.js";
import {
  addTnUpdate,
  tnUpdateParams,
  tnUpdateScratchBytes,
  tnUpdateUnits,
  type TnUpdateSpec,
} from "../../compiler/wasm/kernels/gemm-tn-update.js";
import { addUpdate, updateParams, updateState, type UpdateSpec } from "../../compiler/wasm/kernels/optimizers.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

type Rule = Omit<UpdateSpec, "name" | "offset" | "size">;
const RULES: Record<string, Rule> = {
  adam: { rule: "adam", beta1: 0.9, beta2: 0.999, eps: 1e-7 },
  adamw_clip: { rule: "adam", beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01, clipValue: 0.5 },
  sgd: { rule: "sgd" },
  sgd_nesterov: { rule: "sgd", momentum: 0.9, nesterov: true },
  nadam: { rule: "nadam", beta1: 0.9, beta2: 0.999, eps: 1e-7 },
  adamax: { rule: "adamax", beta1: 0.9, beta2: 0.999, eps: 1e-7 },
  adagrad: { rule: "adagrad", eps: 1e-7 },
  rmsprop: { rule: "rmsprop", rho: 0.9, momentum: 0.5, centered: true, eps: 1e-7 },
};
const SCALARS: Record<string, number> = { lr: 0.013, c1: 1 - 0.9 ** 3, c2: 1 - 0.999 ** 3, cm: 0.37, cg: 0.061 };

interface Case {
  readonly k: number;
  readonly n: number;
  readonly m: number;
  readonly rows: boolean;
  readonly accumulate: boolean;
  readonly rule: keyof typeof RULES;
  readonly blocking?: TnBlocking;
}

const tiny: TnBlocking = { rows: 3, tiles: 2, cols: 8 };
const small: TnBlocking = { rows: 16, tiles: 3, cols: 16 };
const CASES: Case[] = [
  { k: 200, n: 24, m: 37, rows: true, accumulate: false, rule: "adam" }, // a tall dW by rows, more than one group
  { k: 150, n: 13, m: 70, rows: true, accumulate: true, rule: "adamw_clip" }, // tail rows and a tail panel
  { k: 36, n: 140, m: 9, rows: false, accumulate: false, rule: "adam" }, // panels over several column blocks, a tail panel
  { k: 21, n: 19, m: 5, rows: false, accumulate: true, rule: "nadam", blocking: tiny },
  { k: 43, n: 8, m: 20, rows: true, accumulate: false, rule: "sgd", blocking: small },
  { k: 17, n: 40, m: 3, rows: false, accumulate: false, rule: "sgd_nesterov", blocking: small },
  { k: 67, n: 5, m: 11, rows: true, accumulate: true, rule: "adamax", blocking: tiny },
  { k: 9, n: 31, m: 0, rows: false, accumulate: false, rule: "adagrad" },
  { k: 16, n: 3, m: 66, rows: true, accumulate: false, rule: "rmsprop", blocking: tiny },
];
const OFFSET = 37; // the weight's first element in the flat buffers (not a multiple of 4)
const PAST = 11; // elements after it that must stay as they were

const relaxedEngine = hasRelaxedSimd();
type Fn_ = (...args: number[]) => void;
let binaryen: BinaryenApi;
const instances = new Map<boolean, KernelInstance<Record<string, Fn_>>>();

const fusedSpec = (c: Case, i: number, relaxed: boolean): TnUpdateSpec => ({
  name: `fused${i}`,
  k: c.k,
  n: c.n,
  accumulate: c.accumulate || undefined,
  rowRange: c.rows || undefined,
  relaxed: relaxed || undefined,
  tnBlocking: c.blocking,
  update: { offset: OFFSET, ...RULES[c.rule] },
});
const tnSpec = (c: Case, i: number, relaxed: boolean): GemmSpec => ({
  name: `tn${i}`,
  kind: "tn",
  k: c.k,
  n: c.n,
  bias: false,
  accumulate: c.accumulate || undefined,
  relaxed: relaxed || undefined,
  tnBlocking: c.blocking,
});
const updSpec = (c: Case, i: number): UpdateSpec => ({ name: `upd${i}`, offset: OFFSET, size: c.k * c.n, ...RULES[c.rule] });

beforeAll(async () => {
  binaryen = await loadBinaryen();
  for (const relaxed of relaxedEngine ? [false, true] : [false]) {
    const mod = buildModule(
      binaryen,
      (mod) =>
        CASES.forEach((c, i) => {
          addTnUpdate(binaryen, mod, fusedSpec(c, i, relaxed));
          addGemm(binaryen, mod, tnSpec(c, i, relaxed));
          addUpdate(binaryen, mod, updSpec(c, i));
        }),
      { relaxed },
    );
    const need = Math.max(...CASES.map((c) => (c.m * (c.k + c.n) + 8 * (OFFSET + c.k * c.n + PAST)) * 4 + 64 * 1024));
    instances.set(relaxed, await instantiateKernels<Record<string, Fn_>>(mod.binary, { memoryBytes: need }));
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

/** Values over several magnitudes with zeros and -0 (`positive`: magnitudes only, for second moments). */
function fill(a: Float32Array, r: () => number, positive = false): void {
  for (let i = 0; i < a.length; i++) {
    const u = r();
    const x = u < 0.03 ? 0 : u < 0.05 ? -0 : (r() - 0.5) * 2 ** Math.floor(r() * 10 - 6);
    a[i] = positive ? Math.abs(x) : x;
  }
}

/** Every buffer's words after the fused kernel (called on `parts` of its units) and after the tn GEMM and the update. */
function run(relaxed: boolean, i: number, seed: number, parts: readonly [number, number][]): Uint32Array[][] {
  const inst = instances.get(relaxed)!;
  const c = CASES[i];
  const fused = fusedSpec(c, i, relaxed);
  const flat = OFFSET + c.k * c.n + PAST;
  const state = updateState(RULES[c.rule]);
  const lay = new Layout(16);
  const at: Record<string, number> = {
    a: lay.floats(c.m * c.k),
    b: lay.floats(c.m * c.n),
    ws: lay.alloc(tnUpdateScratchBytes(fused), 4) + 4, // unaligned: the kernel aligns it
  };
  const buffers = ["w", "g", ...state];
  for (const name of buffers) at[name] = lay.floats(flat);
  const r = rng(seed);
  fill(inst.f32(at.a, c.m * c.k), r);
  fill(inst.f32(at.b, c.m * c.n), r);
  if (c.m > 3) inst.f32(at.a, c.m * c.k)[Math.floor(r() * c.m * c.k)] = Infinity;
  const init = buffers.map((name) => {
    const v = new Float32Array(flat);
    fill(v, r, name === "v" || name === "u" || name === "acc" || name === "vel");
    return v;
  });
  const load = () => buffers.forEach((name, q) => inst.f32(at[name], flat).set(init[q]));
  const words = () => buffers.map((name) => new Uint32Array(inst.f32(at[name], flat).slice().buffer));
  const scalars = (names: string[]) => names.filter((p) => p in SCALARS).map((p) => SCALARS[p]);
  const grad = at.g + OFFSET * 4; // dW: the weight's gradient in the flat gradient buffer
  // The two kernels.
  load();
  const tn = tnSpec(c, i, relaxed);
  inst.exports[tn.name](...gemmParams(tn).map((p) => ({ m: c.m, a: at.a, b: at.b, c: grad, ws: at.ws })[p]!));
  const upd = updSpec(c, i);
  const un = updateParams(upd);
  inst.exports[upd.name](...un.filter((p) => p !== "lo" && p !== "hi").map((p) => (p in SCALARS ? SCALARS[p] : at[p])), 0, 0);
  expect(un.filter((p) => p in SCALARS).length).toBe(scalars(un).length);
  const want = words();
  // The fused kernel.
  load();
  const fn = tnUpdateParams(fused).filter((p) => p !== "lo" && p !== "hi");
  const args = fn.map((p) => (p === "m" ? c.m : p === "c" ? grad : p in SCALARS ? SCALARS[p] : at[p.replace(/^s_/, "")]));
  for (const [lo, hi] of parts) inst.exports[fused.name](...args, lo, hi);
  return [words(), want, init.map((v) => new Uint32Array(v.buffer))];
}

/** The first index in [from, to) where the words differ, or -1. */
function firstDiff(a: Uint32Array, b: Uint32Array, from: number, to: number): number {
  for (let e = from; e < to; e++) if (a[e] !== b[e]) return e;
  return a.length === b.length ? -1 : to;
}

describe("tn GEMM + optimizer update in one kernel: the bits of the tn GEMM, then the update", () => {
  for (const relaxed of [false, true]) {
    for (const [i, c] of CASES.entries()) {
      const label = `${c.rule} k=${c.k} n=${c.n} m=${c.m} ${c.rows ? "rows" : "panels"}${c.accumulate ? " acc" : ""}${c.blocking ? ` blocking ${c.blocking.rows}/${c.blocking.tiles}/${c.blocking.cols}` : ""}`;
      it.skipIf(relaxed && !relaxedEngine)(`${relaxed ? "relaxed " : ""}${label}: whole, every cut in two, each unit`, () => {
        const units = tnUpdateUnits({ k: c.k, n: c.n, rowRange: c.rows });
        expect(units).toBe(c.rows ? Math.ceil(c.k / 8) : Math.ceil(c.n / 8));
        const cuts: [number, number][][] = [
          [[0, 0]],
          [[0, units]],
          Array.from({ length: units }, (_, u) => [u, u + 1] as [number, number]),
        ];
        for (let cut = 1; cut < units; cut++)
          cuts.push([
            [cut, units],
            [0, cut],
          ]);
        for (const [s, parts] of cuts.entries()) {
          const [got, want, before] = run(relaxed, i, 1000 * i + s + (relaxed ? 500 : 0), parts);
          for (let q = 0; q < want.length; q++) expect(firstDiff(got[q], want[q], 0, want[q].length), `buffer ${q}`).toBe(-1);
          // Nothing outside the weight's range is touched; inside, the weights and dW changed (the comparison means something).
          const end = OFFSET + c.k * c.n;
          for (let q = 0; q < got.length; q++) {
            expect(firstDiff(got[q], before[q], 0, OFFSET)).toBe(-1);
            expect(firstDiff(got[q], before[q], end, got[q].length)).toBe(-1);
          }
          const changed = (q: number) => got[q].filter((x, e) => e >= OFFSET && e < end && x !== before[q][e]).length;
          if (c.m > 0) expect(Math.min(changed(0), changed(1))).toBeGreaterThan((c.k * c.n) / 2);
        }
      });
    }
  }
});
