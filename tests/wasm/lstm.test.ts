// The SIMD128 LSTM scans of compiler/wasm/kernels/lstm.ts against the reference kernels of
// runtime/kernels/lstm.ts (lstmScan, lstmScanGrad) on random inputs: the seed RNN's shapes
// (units 50, 28 steps; batch 32 and a short batch of 17), small awkward shapes, the batch
// rows at run time through the same kernels, and guard words around every output. Every
// output (hseq, hprev, cseq, acts; dxw) agrees to relative L2 ≤ 1e-5 and elementwise
// |a − b| ≤ 1e-3·|b| + 1e-4·max|b| (docs/architecture.md §5, between backends). Also the scans' own
// σ and tanh (sigmoidFastV, tanhFastV) against Math.* rounded to f32, in ulps.
import { beforeAll, describe, expect, it } from "vitest";
import { Fn, type X } from "../../compiler/wasm/kernels/fn.js";
import {
  addLstmScan,
  addLstmScanGrad,
  lstmScanGradParams,
  lstmScanGradScratchBytes,
  lstmScanParams,
  lstmScanScratchBytes,
  sigmoidFastV,
  tanhFastV,
  type LstmScanSpec,
} from "../../compiler/wasm/kernels/lstm.js";
import { lstmScan, lstmScanGrad } from "../../runtime/kernels/lstm.js";
import { Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { compare, TestRandom, type Tolerance } from "../helpers/numerics.js";
import { kernelModule, type Kernel } from "../helpers/wasm.js";

const TOL: Tolerance = { rel: 1e-5, elemRel: 1e-3, elemAbs: 1e-4 };

interface Case {
  spec: LstmScanSpec;
  rows: number[];
  /** In the module built as trainers are (binaryen -O3); the others in one built at -O0 (5× faster to build). */
  optimized?: boolean;
}

const cases: Case[] = [
  // The seed RNN (dsl-examples/rnn.dlm): both lstm(50) layers scan 28 steps of 4·50 gates.
  { spec: { name: "rnn", steps: 28, units: 50 }, rows: [32, 17], optimized: true },
];
for (const units of [1, 3, 5, 8]) {
  for (const steps of [1, 2, 7]) cases.push({ spec: { name: `s_u${units}_t${steps}`, steps, units }, rows: [0, 1, 5] });
}
// Other row tiles and partial unrolling (chunk loops with remainders).
cases.push({ spec: { name: "rt1", steps: 4, units: 6, rowTile: 1 }, rows: [3] });
cases.push({ spec: { name: "rt3", steps: 5, units: 7, rowTile: 3, unroll: 3 }, rows: [0, 1, 2, 3, 7, 8] });
cases.push({ spec: { name: "unroll5", steps: 6, units: 13, unroll: 5 }, rows: [6, 9] });
cases.push({ spec: { name: "er1", steps: 3, units: 10, epilogueRows: 1 }, rows: [1, 4] });
cases.push({ spec: { name: "er3", steps: 3, units: 4, epilogueRows: 3, rowTile: 3 }, rows: [2, 3, 4, 6, 7] });
cases.push({ spec: { name: "shared_math", steps: 4, units: 7, sharedMath: true }, rows: [5] });
const gradOnly: Case[] = [{ spec: { name: "g_rt6", steps: 3, units: 9, rowTile: 6 }, rows: [5, 6, 13] }];

type Instance = KernelInstance<Record<string, Kernel>>;
let optimized: Instance;
let quick: Instance;
const instFor = (c: Case): Instance => (c.optimized ? optimized : quick);

function bytesFor(spec: LstmScanSpec, n: number): number {
  const { steps: T, units: u } = spec;
  const seq = n * T * u;
  return (
    (3 * seq + 2 * n * T * 4 * u + u * 4 * u + 2 * n * u) * 4 * 2 + lstmScanScratchBytes(spec) + lstmScanGradScratchBytes(spec) + 64 * 16
  );
}

beforeAll(async () => {
  const need = Math.max(APPLY_BYTES, ...[...cases, ...gradOnly].map((c) => bytesFor(c.spec, Math.max(...c.rows))));
  const add = (b: Api, mod: Module, which: boolean): void => {
    for (const c of cases.filter((x) => !!x.optimized === which)) {
      addLstmScan(b, mod, c.spec);
      addLstmScanGrad(b, mod, { ...c.spec, name: `${c.spec.name}_grad` });
    }
    if (which) return;
    for (const c of gradOnly) addLstmScanGrad(b, mod, { ...c.spec, name: `${c.spec.name}_grad` });
    for (const [name, fn] of [
      ["apply_sigmoid", sigmoidFastV],
      ["apply_tanh", tanhFastV],
    ] as const)
      addApply(b, mod, name, fn);
  };
  optimized = await kernelModule((b, mod) => add(b, mod, true), need);
  quick = await kernelModule((b, mod) => add(b, mod, false), need, { optimizeLevel: 0 });
}, 60_000);

type Api = Parameters<Parameters<typeof kernelModule>[0]>[0];
type Module = Parameters<Parameters<typeof kernelModule>[0]>[1];

/** name(count, src, dst): dst[i] = fn(src[i]) for count floats (a multiple of 4). */
function addApply(b: Api, mod: Module, name: string, fn: (f: Fn, x: X) => X): void {
  const f = new Fn(b, mod, [b.i32, b.i32, b.i32]);
  const m = mod;
  const body = f.whileLoop(
    () => m.i32.gt_s(f.get(0), f.i32(0)),
    [
      m.v128.store(0, 4, f.get(2), fn(f, m.v128.load(0, 4, f.get(1)))),
      f.addI(1, 16),
      f.addI(2, 16),
      f.set(0, m.i32.sub(f.get(0), f.i32(4))),
    ],
  );
  mod.addFunction(name, b.createType([b.i32, b.i32, b.i32]), b.none, f.vars(), body);
  mod.addFunctionExport(name, name);
}

const bits = new Int32Array(1);
const flt = new Float32Array(bits.buffer);
const ordered = (v: number): number => {
  flt[0] = v;
  return bits[0] >= 0 ? bits[0] : -(bits[0] & 0x7fffffff);
};
/** Distance in f32 ulps (0 when both are NaN, Infinity when exactly one is). */
const ulps = (a: number, b: number): number =>
  Number.isNaN(a) || Number.isNaN(b)
    ? Number.isNaN(a) && Number.isNaN(b)
      ? 0
      : Infinity
    : a === b
      ? 0
      : Math.abs(ordered(a) - ordered(b));

/** fn over xs in wasm (at byte 64 onwards; the scans' buffers are laid out fresh per case). */
function apply(name: string, xs: Float32Array): Float32Array {
  const count = Math.ceil(xs.length / 4) * 4;
  const src = 64;
  const dst = src + count * 4;
  quick.f32(src, count).fill(0).set(xs);
  quick.exports[name](count, src, dst);
  return quick.f32(dst, xs.length).slice();
}

function maxUlp(name: string, xs: Float32Array, ref: (x: number) => number): { ulp: number; at: number } {
  const got = apply(name, xs);
  let ulp = 0;
  let at = NaN;
  for (let i = 0; i < xs.length; i++) {
    const u = ulps(got[i], Math.fround(ref(xs[i])));
    if (u > ulp) [ulp, at] = [u, xs[i]];
  }
  return { ulp, at };
}

/** The longest sweep (floats) and the bytes `apply` needs for it. */
const SWEEP = 200_001;
const APPLY_BYTES = 64 + 8 * (SWEEP + 3) + 64;

const grid = (lo: number, hi: number, count: number): Float32Array =>
  Float32Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));

const GUARD = 1234.5;

/** Lays out buffers with 4 guard words after each; checks the guards. */
class Buffers {
  private lay = new Layout(64);
  private guards: number[] = [];
  constructor(
    private readonly k: Instance,
    private readonly r: TestRandom,
  ) {}
  /** A buffer of `len` floats filled with uniform values in [lo, hi). */
  buf(len: number, lo = -1, hi = 1): { at: number; view: Float32Array } {
    const at = this.lay.floats(len);
    const view = this.k.f32(at, len);
    this.r.fill(view, lo, hi);
    const g = this.lay.floats(4);
    this.k.f32(g, 4).fill(GUARD);
    this.guards.push(g);
    return { at, view };
  }
  scratch(bytes: number): number {
    const at = this.lay.alloc(bytes, 4);
    this.r.fill(this.k.f32(at, Math.floor(bytes / 4)), -1e3, 1e3); // garbage: must not matter
    return at;
  }
  guardsIntact(): boolean {
    return this.guards.every((g) => this.k.f32(g, 4).every((v) => v === GUARD));
  }
}

function check(what: string, got: Float32Array, want: Float32Array): void {
  const c = compare(what, got, want, TOL);
  if (!c.ok) throw new Error(c.message);
}

/** Forward: wasm vs lstmScan on random xw, U (scale sets the pre-activations' range). */
function runForward(c: Case, n: number, seed: number, scale = 1): void {
  const spec = c.spec;
  const k = instFor(c);
  const { steps: T, units: u } = spec;
  const r = new TestRandom(seed);
  const B = new Buffers(k, r);
  const seq = n * T * u;
  const gates = n * T * 4 * u;
  const hseq = B.buf(seq),
    hprev = B.buf(seq),
    cseq = B.buf(seq),
    acts = B.buf(gates);
  const xw = B.buf(gates, -scale, scale);
  const U = B.buf(u * 4 * u, -scale / Math.sqrt(u), scale / Math.sqrt(u));
  const ws = B.scratch(lstmScanScratchBytes(spec, n));
  const want = { hseq: new Float32Array(seq), hprev: new Float32Array(seq), cseq: new Float32Array(seq), acts: new Float32Array(gates) };
  lstmScan(want.hseq, want.hprev, want.cseq, want.acts, xw.view.slice(), U.view.slice(), n, T, u);
  const at: Record<string, number> = { n, hseq: hseq.at, hprev: hprev.at, cseq: cseq.at, acts: acts.at, xw: xw.at, u: U.at, ws };
  k.exports[spec.name](...lstmScanParams(spec).map((p) => at[p]));
  const tag = `${spec.name} n=${n}`;
  check(`${tag} hseq`, hseq.view, want.hseq);
  check(`${tag} hprev`, hprev.view, want.hprev);
  check(`${tag} cseq`, cseq.view, want.cseq);
  check(`${tag} acts`, acts.view, want.acts);
  if (!B.guardsIntact()) throw new Error(`${tag}: wrote past an output`);
}

/** Backward: wasm vs lstmScanGrad, on the reference forward's cseq and acts. */
function runBackward(c: Case, n: number, seed: number, lastOnly = false): void {
  const spec = c.spec;
  const name = `${spec.name}_grad`;
  const k = instFor(c);
  const { steps: T, units: u } = spec;
  const r = new TestRandom(seed);
  const B = new Buffers(k, r);
  const seq = n * T * u;
  const gates = n * T * 4 * u;
  const xw = new Float32Array(gates);
  r.fill(xw, -1.5, 1.5);
  const Uw = new Float32Array(u * 4 * u);
  r.fill(Uw, -1 / Math.sqrt(u), 1 / Math.sqrt(u));
  const fwd = { h: new Float32Array(seq), hp: new Float32Array(seq), c: new Float32Array(seq), a: new Float32Array(gates) };
  lstmScan(fwd.h, fwd.hp, fwd.c, fwd.a, xw, Uw, n, T, u);

  const dxw = B.buf(gates),
    dhseq = B.buf(seq),
    U = B.buf(u * 4 * u),
    cseq = B.buf(seq),
    acts = B.buf(gates),
    dh = B.buf(n * u, -9, 9),
    dc = B.buf(n * u, -9, 9);
  U.view.set(Uw);
  cseq.view.set(fwd.c);
  acts.view.set(fwd.a);
  // A last-step-only gradient is what lstm(…, return_sequences=false) receives.
  if (lastOnly) for (let i = 0; i < seq; i++) if (Math.floor(i / u) % T !== T - 1) dhseq.view[i] = 0;
  const ws = B.scratch(lstmScanGradScratchBytes(spec, n));
  const want = new Float32Array(gates);
  lstmScanGrad(want, dhseq.view.slice(), Uw, fwd.c, fwd.a, new Float32Array(n * u), new Float32Array(n * u), n, T, u);
  const at: Record<string, number> = { n, dxw: dxw.at, dhseq: dhseq.at, u: U.at, cseq: cseq.at, acts: acts.at, dh: dh.at, dc: dc.at, ws };
  k.exports[name](...lstmScanGradParams(spec).map((p) => at[p]));
  const tag = `${name} n=${n}${lastOnly ? " last-step dh" : ""}`;
  check(`${tag} dxw`, dxw.view, want);
  if (!B.guardsIntact()) throw new Error(`${tag}: wrote past an output`);
}

describe("wasm SIMD128 LSTM scans vs runtime/kernels/lstm.ts", () => {
  for (const [i, c] of cases.entries()) {
    const { name, steps, units } = c.spec;
    it(`lstm_scan ${name}: T=${steps} u=${units} n=${c.rows.join(",")}`, () => {
      for (const n of c.rows) runForward(c, n, 100 + i * 7 + n);
    });
    it(`lstm_scan_grad ${name}: T=${steps} u=${units} n=${c.rows.join(",")}`, () => {
      for (const n of c.rows) runBackward(c, n, 500 + i * 7 + n);
    });
  }
  for (const c of gradOnly) {
    it(`lstm_scan_grad ${c.spec.name}: T=${c.spec.steps} u=${c.spec.units} n=${c.rows.join(",")}`, () => {
      for (const n of c.rows) runBackward(c, n, 900 + n);
    });
  }

  it("saturated gates (pre-activations up to ±12) and a last-step-only gradient", () => {
    runForward(cases[0], 32, 41, 12);
    runForward(cases[1], 5, 42, 12);
    runBackward(cases[0], 32, 43, true);
    runBackward(cases[0], 17, 44, true);
  });

  it("σ ≤ 2 ulp on [−87, 87] (≤ 1.2e−38 below), tanh ≤ 2 ulp; NaN and ±∞", () => {
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    expect(maxUlp("apply_sigmoid", grid(-87, 87, 100_001), sig).ulp).toBeLessThanOrEqual(2);
    expect(maxUlp("apply_sigmoid", grid(-12, 12, 100_001), sig).ulp).toBeLessThanOrEqual(2);
    const low = apply("apply_sigmoid", grid(-200, -87.5, 1001));
    expect(low.every((v) => v >= 0 && v <= 1.3e-38)).toBe(true);
    expect(maxUlp("apply_tanh", grid(-12, 12, SWEEP), Math.tanh).ulp).toBeLessThanOrEqual(2);
    const r = new TestRandom(9);
    const tiny = Float32Array.from({ length: 50_000 }, () => r.awayFromZero(0, 1) * 10 ** -r.uniform(0, 30));
    expect(maxUlp("apply_tanh", tiny, Math.tanh).ulp).toBeLessThanOrEqual(2);
    const sp = Float32Array.from([NaN, Infinity, -Infinity, 0, 100, -100]);
    const s = apply("apply_sigmoid", sp);
    expect(Number.isNaN(s[0])).toBe(true);
    expect([...s.slice(1)].map((v) => Math.fround(v))).toEqual([1, s[2], 0.5, 1, s[5]]);
    expect(s[2]).toBeLessThan(1.3e-38);
    const t = apply("apply_tanh", sp);
    expect(Number.isNaN(t[0])).toBe(true);
    expect([...t.slice(1)]).toEqual([1, -1, 0, 1, -1]);
  });

  it("parameter lists and scratch sizes", () => {
    const s = cases[0].spec;
    expect(lstmScanParams(s)).toEqual(["n", "hseq", "hprev", "cseq", "acts", "xw", "u", "ws"]);
    expect(lstmScanGradParams(s)).toEqual(["n", "dxw", "dhseq", "u", "cseq", "acts", "dh", "dc", "ws"]);
    expect(lstmScanScratchBytes(s, 32)).toBe(13 * 50 * 64 + 16);
    expect(lstmScanGradScratchBytes(s, 32)).toBe(52 * 200 * 4 + 16);
  });
});
