// The SIMD kernels of the elementwise math ops (compiler/ops/elementwise.wasm.ts) against
// the reference kernels of runtime/kernels/math.ts (doubles rounded to f32): max ulp error
// per op over random inputs and sweeps, the special values (±0, ±∞, NaN, denormals), batch
// rows n ∈ {0, 1, 3, 33} with row sizes that leave every tail width, guard words around the
// output and each input flush against the end of memory (tests/helpers/wasm.ts), and the
// broadcasting layouts of maximum, minimum and their gradient.
import { beforeAll, describe, expect, it } from "vitest";
import { addMap, mapParams, type MapOp, type MapSpec } from "../../compiler/ops/elementwise.wasm.js";
import { alignedStrides } from "../../compiler/emit/geometry.js";
import * as K from "../../runtime/kernels/math.js";
import { TestRandom } from "../helpers/numerics.js";
import { callKernelAllLayouts, kernelModule, type Kernel } from "../helpers/wasm.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";
import type { Shape } from "../../compiler/ir/ir.js";

const MEM = 1 << 22;
let k: KernelInstance<Record<string, Kernel>>;

const bits = new Int32Array(1);
const flt = new Float32Array(bits.buffer);
function ordered(v: number): number {
  flt[0] = v;
  const i = bits[0];
  return i >= 0 ? i : -(i & 0x7fffffff);
}
/** Distance in f32 ulps (0 when both are NaN, Infinity when only one is). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(ordered(a) - ordered(b));
}

type Ref = (out: Float32Array, ins: Float32Array[], size: number) => void;
interface OpCase {
  readonly op: MapOp;
  readonly consts?: Pick<MapSpec, "p" | "lo" | "hi">;
  readonly ref: Ref;
  /** Inputs: x (or dy then x/y) drawn from this range. */
  readonly lo: number;
  readonly hi: number;
  /** Largest ulp error allowed against the reference (0: bit-identical). */
  readonly ulp: number;
  /** e^(q·ln x) paths: 2·|q·ln x| ulps more (the f32 rounding of q·ln x, amplified by exp). */
  readonly q?: number;
}

const allowed = (c: OpCase, x: number): number =>
  c.ulp + (c.q === undefined || !(x !== 0 && Number.isFinite(x)) ? 0 : 2 * Math.abs(c.q * Math.log(Math.abs(x))));

const un =
  (f: (y: Float32Array, x: Float32Array, s: number) => void): Ref =>
  (o, [x], s) =>
    f(o, x, s);
const gr =
  (f: (dx: Float32Array, dy: Float32Array, x: Float32Array, s: number) => void): Ref =>
  (o, [dy, x], s) =>
    f(o, dy, x, s);

const POW_INT = [2, 3, -1, -2, 5, 7, 13, 64, 65, -65, 100];
const POW_HALF = [0.5, -0.5, 1.5, 2.5, -3.5, 10.5];
const POW_FRAC = [0.3, -1.3, 2.7, 1 / 3];

const CASES: OpCase[] = [
  { op: "exp", ref: un(K.exp), lo: -20, hi: 20, ulp: 2 },
  { op: "log", ref: un(K.log), lo: 1e-6, hi: 1e6, ulp: 2 },
  { op: "sqrt", ref: un(K.sqrt), lo: 0, hi: 100, ulp: 0 },
  { op: "abs", ref: un(K.abs), lo: -5, hi: 5, ulp: 0 },
  { op: "square", ref: un(K.square), lo: -5, hi: 5, ulp: 0 },
  { op: "clip", consts: { lo: -0.5, hi: 1.25 }, ref: (o, [x], s) => K.clip(o, x, s, -0.5, 1.25), lo: -3, hi: 3, ulp: 0 },
  ...POW_INT.map((p) => ({ op: "pow" as const, consts: { p }, ref: ((o, [x], s) => K.pow(o, x, s, p)) as Ref, lo: -2, hi: 2, ulp: 1 })),
  ...POW_HALF.map((p) => ({ op: "pow" as const, consts: { p }, ref: ((o, [x], s) => K.pow(o, x, s, p)) as Ref, lo: -1, hi: 4, ulp: 1 })),
  ...POW_FRAC.map((p) => ({
    op: "pow" as const,
    consts: { p },
    ref: ((o, [x], s) => K.pow(o, x, s, p)) as Ref,
    lo: 0,
    hi: 10,
    ulp: 3,
    q: p,
  })),
  { op: "sqrt_grad", ref: gr(K.sqrtGrad), lo: 0.01, hi: 10, ulp: 0 },
  { op: "abs_grad", ref: gr(K.absGrad), lo: -3, hi: 3, ulp: 0 },
  { op: "square_grad", ref: gr(K.squareGrad), lo: -3, hi: 3, ulp: 0 },
  { op: "pow_grad", consts: { p: 3 }, ref: (o, [dy, x], s) => K.powGrad(o, dy, x, s, 3), lo: -2, hi: 2, ulp: 2 },
  { op: "pow_grad", consts: { p: -1.5 }, ref: (o, [dy, x], s) => K.powGrad(o, dy, x, s, -1.5), lo: 0.1, hi: 4, ulp: 2 },
  { op: "pow_grad", consts: { p: 0.3 }, ref: (o, [dy, x], s) => K.powGrad(o, dy, x, s, 0.3), lo: 0.1, hi: 4, ulp: 4, q: -0.7 },
  {
    op: "clip_grad",
    consts: { lo: -0.5, hi: 1.25 },
    ref: (o, [dy, x], s) => K.clipGrad(o, dy, x, s, -0.5, 1.25),
    lo: -3,
    hi: 3,
    ulp: 0,
  },
];

const name = (c: OpCase, layout: string) =>
  `${c.op}_${layout}_${Object.values(c.consts ?? {})
    .map((v) => String(v).replace("-", "m").replace(".", "p"))
    .join("_")}`.replace(/[^\w]/g, "_");

const LAYOUTS: { key: string; perRow: number; batched: boolean }[] = [
  { key: "b5", perRow: 5, batched: true },
  { key: "b6", perRow: 6, batched: true },
  { key: "s13", perRow: 13, batched: false },
  { key: "s40", perRow: 40, batched: false },
];

interface BSpec {
  readonly key: string;
  readonly out: Shape;
  readonly a: Shape;
  readonly b: Shape;
}
const BCAST: BSpec[] = [
  { key: "last", out: ["B", 3, 5], a: ["B", 3, 5], b: ["B", 3, 1] },
  { key: "mid", out: ["B", 3, 5], a: ["B", 1, 5], b: ["B", 3, 5] },
  { key: "row", out: ["B", 7], a: [7], b: ["B", 7] },
  { key: "scalar", out: ["B", 6], a: ["B", 6], b: [] },
  { key: "scalarfirst", out: [2, 9], a: [], b: [2, 9] },
];
const dims0 = (s: Shape) => s.map((d) => (d === "B" ? 0 : d));
const count = (s: Shape, n: number) => s.reduce((p: number, d) => p * (d === "B" ? n : d), 1);

const r = new TestRandom(2024);
function draw(len: number, lo: number, hi: number): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = r.uniform(lo, hi);
  return a;
}

beforeAll(async () => {
  k = await kernelModule((b, mod) => {
    for (const c of CASES)
      for (const l of LAYOUTS) addMap(b, mod, { name: name(c, l.key), op: c.op, perRow: l.perRow, batched: l.batched, ...c.consts });
    for (const s of BCAST) {
      const [sa, sb] = [alignedStrides(s.a, s.out), alignedStrides(s.b, s.out)];
      for (const op of ["maximum", "minimum"] as const) addMap(b, mod, { name: `${op}_${s.key}`, op, dims: dims0(s.out), s0: sa, s1: sb });
      // select (dy, y, a): dy and y of the output's shape, a broadcast.
      const full = alignedStrides(s.out, s.out);
      for (const op of ["select_eq", "select_ne"] as const)
        addMap(b, mod, { name: `${op}_${s.key}`, op, dims: dims0(s.out), s0: full, s1: full, s2: sa });
    }
  }, MEM);
}, 120_000);

const NS = [0, 1, 3, 33];

describe("each op against its reference kernel", () => {
  for (const c of CASES) {
    it(`${c.op}${c.consts ? ` ${JSON.stringify(c.consts)}` : ""}: ≤ ${c.ulp}${c.q === undefined ? "" : " + 2·|q·ln x|"} ulp`, () => {
      let worst = 0; // the largest error beyond what is allowed at that input (≤ 0 passes)
      let at = "";
      for (const l of LAYOUTS) {
        for (const n of l.batched ? NS : [1]) {
          const size = l.perRow * (l.batched ? n : 1);
          const params = mapParams({ name: "", op: c.op, perRow: l.perRow, batched: l.batched });
          const inNames = params.filter((p) => p !== "n").slice(1);
          const ins = inNames.map((_, i) => (i === inNames.length - 1 ? draw(size, c.lo, c.hi) : draw(size, -2, 2)));
          const outName = params.filter((p) => p !== "n")[0];
          const got = callKernelAllLayouts(k, MEM, {
            fn: name(c, l.key),
            params,
            n,
            ins: Object.fromEntries(inNames.map((p, i) => [p, ins[i]])),
            outs: { [outName]: size },
          }).outs[outName];
          const want = new Float32Array(size);
          c.ref(want, ins, size);
          const xs = ins[ins.length - 1];
          for (let i = 0; i < size; i++) {
            const over = ulps(got[i], want[i]) - allowed(c, xs[i]);
            if (over > worst) [worst, at] = [over, `${l.key} n=${n} [${i}]: x=${xs[i]} got ${got[i]} want ${want[i]}`];
          }
        }
      }
      expect(worst, at).toBeLessThanOrEqual(0);
    });
  }
});

describe("special values", () => {
  const SPECIAL = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1, -1, 1e-40, -1e-40, 3e38, -3e38, 2, -2, 0.5, -0.5, 1e-30]);
  for (const c of CASES) {
    it(`${c.op}${c.consts ? ` ${JSON.stringify(c.consts)}` : ""} on ±0, ±∞, NaN, denormals and extremes`, () => {
      const size = SPECIAL.length;
      const params = mapParams({ name: "", op: c.op, perRow: 13, batched: false });
      const inNames = params.slice(1);
      // Gradients: dy = 1 and −1.5 (a NaN or ∞ of dy is only propagated).
      const ins = inNames.map((_, i) => (i === inNames.length - 1 ? SPECIAL : new Float32Array(size).fill(i % 2 ? -1.5 : 1)));
      // s13 holds 13 values: run the first 13, then the last 13.
      for (const off of [0, size - 13]) {
        const part = ins.map((a) => a.slice(off, off + 13));
        const got = callKernelAllLayouts(k, MEM, {
          fn: name(c, "s13"),
          params,
          ins: Object.fromEntries(inNames.map((p, i) => [p, part[i]])),
          outs: { [params[0]]: 13 },
        }).outs[params[0]];
        const want = new Float32Array(13);
        c.ref(want, part, 13);
        for (let i = 0; i < 13; i++) {
          const u = ulps(got[i], want[i]);
          const x = part[part.length - 1][i];
          expect(u, `x=${x}: got ${got[i]} want ${want[i]}`).toBeLessThanOrEqual(allowed(c, x));
        }
      }
    });
  }
});

describe("broadcasting: maximum, minimum and their gradient", () => {
  for (const s of BCAST) {
    it(`${s.key}: a ${JSON.stringify(s.a)}, b ${JSON.stringify(s.b)} → ${JSON.stringify(s.out)}, bit-identical`, () => {
      const [sa, sb] = [alignedStrides(s.a, s.out), alignedStrides(s.b, s.out)];
      const d = Int32Array.from(dims0(s.out));
      const full = Int32Array.from(alignedStrides(s.out, s.out));
      const index = new Int32Array(d.length);
      for (const n of s.out.includes("B") ? NS : [1]) {
        const size = count(s.out, n);
        const a = draw(count(s.a, n), -1, 1);
        const b = draw(count(s.b, n), -1, 1);
        // Some ties: a's first values copied into b where they line up.
        if (size > 0 && s.a.length === s.b.length && s.a.every((v, i) => v === s.b[i])) b.set(a.subarray(0, 3));
        const params = (op: MapOp) => mapParams({ name: "", op, dims: dims0(s.out) });
        for (const op of ["maximum", "minimum"] as const) {
          const got = callKernelAllLayouts(k, MEM, { fn: `${op}_${s.key}`, params: params(op), n, ins: { a, b }, outs: { y: size } }).outs
            .y;
          const want = new Float32Array(size);
          (op === "maximum" ? K.broadcastMaximum : K.broadcastMinimum)(want, a, b, n, d, Int32Array.from(sa), Int32Array.from(sb), index);
          expect([...got]).toEqual([...want]);
          // The gradient: dy where a = y (a's), where a ≠ y (b's).
          const dy = draw(size, -2, 2);
          for (const sel of ["select_eq", "select_ne"] as const) {
            const g = callKernelAllLayouts(k, MEM, {
              fn: `${sel}_${s.key}`,
              params: params(sel),
              n,
              ins: { dy, y: want, a },
              outs: { dx: size },
            }).outs.dx;
            const w = new Float32Array(size);
            K.broadcastSelectGrad(w, dy, want, a, n, d, full, Int32Array.from(sa), sel === "select_eq", index);
            expect([...g]).toEqual([...w]);
          }
        }
      }
    });
  }
});
