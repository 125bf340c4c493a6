// The attention kernels (compiler/ops/attention.wasm.ts: register tiles reading the heads in
// place, only the keys a causal query sees) compute the same bits as the kernels they replaced
// (tests/wasm/attention-oracle.ts: copies and gemm.ts's GEMMs over the whole score matrix): o,
// lse and the packed gradient [dq | dk | dv] are compared word for word on random data with zeros
// and -0, for the transformer's shape and for shapes with tails everywhere (t, s, kd, vd not
// multiples of 4 or 8), fewer or more keys than queries, with and without the causal mask and a
// dropout mask, n from 0, and the relaxed multiply-add where the engine has it. The new kernels'
// scratch starts as NaN and garbage (nothing they did not write may matter), and the words after
// each output must stay as they were. The modules are not run through binaryen's optimizer (it
// would take most of the file's time; it never changes a float operation's result).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import {
  addAttention,
  addAttentionGrad,
  attentionGradParams,
  attentionParams,
  attentionScratchBytes,
  type AttentionSpec,
} from "../../compiler/ops/attention.wasm.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { addOldAttention, addOldAttentionGrad, oldAttentionScratchBytes } from "./attention-oracle.js";

interface Case {
  readonly t: number;
  readonly s: number;
  readonly heads: number;
  readonly kd: number;
  readonly vd: number;
  readonly causal: boolean;
  readonly mask?: boolean;
  readonly ns: readonly number[];
}

const CASES: Case[] = [
  { t: 128, s: 128, heads: 4, kd: 32, vd: 32, causal: true, ns: [1] }, // dsl-examples/char_transformer.dlm
  { t: 13, s: 13, heads: 3, kd: 5, vd: 7, causal: true, ns: [0, 1, 3] },
  { t: 10, s: 6, heads: 2, kd: 8, vd: 12, causal: true, ns: [2] },
  { t: 6, s: 11, heads: 2, kd: 9, vd: 4, causal: true, ns: [2] },
  { t: 9, s: 17, heads: 2, kd: 12, vd: 8, causal: false, ns: [0, 2] },
  { t: 12, s: 12, heads: 2, kd: 16, vd: 16, causal: true, mask: true, ns: [2] },
  { t: 7, s: 10, heads: 1, kd: 4, vd: 3, causal: false, mask: true, ns: [3] },
  { t: 9, s: 9, heads: 2, kd: 3, vd: 17, causal: true, mask: true, ns: [2] },
  { t: 33, s: 33, heads: 1, kd: 1, vd: 1, causal: true, ns: [1] },
  { t: 8, s: 8, heads: 1, kd: 4, vd: 4, causal: false, ns: [1] }, // also: a key every query ignores (below)
];
const IGNORED = CASES.length - 1;

const GUARD = 8;
const relaxedEngine = hasRelaxedSimd();
type Fn_ = (...args: number[]) => void;
const instances = new Map<boolean, KernelInstance<Record<string, Fn_>>>();
const specOf = (c: Case, i: number, relaxed: boolean): AttentionSpec => ({
  name: `attention${i}`,
  t: c.t,
  s: c.s,
  heads: c.heads,
  kd: c.kd,
  vd: c.vd,
  causal: c.causal || undefined,
  mask: c.mask || undefined,
  relaxed: relaxed || undefined,
});

/** Floats of each buffer for n samples. */
function sizes(c: Case, n: number) {
  const H = c.heads;
  return {
    q: n * c.t * H * c.kd,
    k: n * c.s * H * c.kd,
    v: n * c.s * H * c.vd,
    o: n * c.t * H * c.vd,
    lse: n * c.t * H,
    mask: n * H * c.t * c.s,
    d: n * (c.t * H * c.kd + c.s * H * c.kd + c.s * H * c.vd),
  };
}

function memoryFor(c: Case, spec: AttentionSpec): number {
  const z = sizes(c, Math.max(...c.ns));
  const floats = z.q + z.k + z.v + 3 * (z.o + GUARD) + 2 * (z.lse + GUARD) + z.mask + 2 * (z.d + GUARD);
  const ws = Math.max(oldAttentionScratchBytes(spec, true), attentionScratchBytes(spec, true));
  return floats * 4 + 2 * ws + 64 * 16;
}

beforeAll(async () => {
  const binaryen = await loadBinaryen();
  for (const relaxed of relaxedEngine ? [false, true] : [false]) {
    const mod = buildModule(
      binaryen,
      (mod) =>
        CASES.forEach((c, i) => {
          const spec = specOf(c, i, relaxed);
          addAttention(binaryen, mod, spec);
          addAttentionGrad(binaryen, mod, { ...spec, name: `${spec.name}_grad` });
          addOldAttention(binaryen, mod, { ...spec, name: `old${i}` });
          addOldAttentionGrad(binaryen, mod, { ...spec, name: `old${i}_grad` });
        }),
      { relaxed, optimizeLevel: 0 },
    );
    const need = Math.max(...CASES.map((c, i) => memoryFor(c, specOf(c, i, relaxed))));
    instances.set(relaxed, await instantiateKernels<Record<string, Fn_>>(mod.binary, { memoryBytes: need }));
  }
}, 120_000);

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

/** Random values of a few magnitudes (scores from very flat to very peaked rows), with zeros and -0. */
function fill(a: Float32Array, r: () => number): void {
  for (let i = 0; i < a.length; i++) {
    const u = r();
    a[i] = u < 0.03 ? 0 : u < 0.05 ? -0 : (r() - 0.5) * 2 ** Math.floor(r() * 7 - 3);
  }
}

const words = (a: Float32Array) => new Uint32Array(a.slice().buffer);

/** The first index where the words differ (or the lengths do), −1 if none: cheaper than toEqual on long arrays. */
function firstDifference(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Runs old and new kernels on the same inputs; returns [new, old] words of o, lse and d (each with its guard words). */
function run(
  relaxed: boolean,
  i: number,
  n: number,
  seed: number,
  inputs: (key: "q" | "k" | "v" | "dout", a: Float32Array, r: () => number) => void = (_, a, r) => fill(a, r),
): { got: Uint32Array[]; want: Uint32Array[] } {
  const inst = instances.get(relaxed)!;
  const c = CASES[i];
  const spec = specOf(c, i, relaxed);
  const z = sizes(c, n);
  const r = rng(seed);
  const lay = new Layout(16);
  const buf = (floats: number) => lay.floats(floats);
  const at = {
    q: buf(z.q),
    k: buf(z.k),
    v: buf(z.v),
    mask: buf(z.mask),
    dout: buf(z.o),
    o: buf(z.o + GUARD),
    lse: buf(z.lse + GUARD),
    o2: buf(z.o + GUARD),
    lse2: buf(z.lse + GUARD),
    d: buf(z.d + GUARD),
    d2: buf(z.d + GUARD),
    wsOld: lay.alloc(oldAttentionScratchBytes(spec, true)),
    ws: lay.alloc(attentionScratchBytes(spec, true), 4) + 4, // unaligned on purpose: the kernel aligns it
  };
  const view = (key: keyof typeof at, floats: number) => inst.f32(at[key], floats);
  for (const key of ["q", "k", "v", "dout"] as const) inputs(key, view(key, z[key === "dout" ? "o" : key]), r);
  const mask = view("mask", z.mask);
  for (let q = 0; q < mask.length; q++) mask[q] = r() < 0.25 ? 0 : 1 / 0.75;
  for (const key of ["o", "lse", "o2", "lse2", "d", "d2"] as const) {
    const v = view(key, z[key.replace("2", "") as "o" | "lse" | "d"] + GUARD);
    for (let q = 0; q < v.length; q++) v[q] = 1e30 + q; // every output word written, guards kept
  }
  const scratch = inst.f32(at.ws, Math.floor((attentionScratchBytes(spec, true) - 4) / 4));
  for (let q = 0; q < scratch.length; q++) scratch[q] = q % 3 === 0 ? NaN : (r() - 0.5) * 1e30;
  const args = (names: string[], map: Record<string, number>) => names.map((p) => (p === "n" ? n : map[p]));
  const fwd = attentionParams(spec);
  const bwd = attentionGradParams(spec);
  const x = exp(inst, `old${i}`);
  x(...args(fwd, { o: at.o, lse: at.lse, q: at.q, k: at.k, v: at.v, mask: at.mask, ws: at.wsOld }));
  // The words just past each kernel's scratch (attentionScratchBytes) must stay as they were.
  const past = (grad: boolean) => words(inst.f32(at.ws + attentionScratchBytes(spec, grad), GUARD));
  const [pastFwd, pastGrad] = [past(false), past(true)];
  exp(inst, `attention${i}`)(...args(fwd, { o: at.o2, lse: at.lse2, q: at.q, k: at.k, v: at.v, mask: at.mask, ws: at.ws }));
  const pastFwdAfter = past(false);
  const gradArgs = (d: number, ws: number) =>
    args(bwd, { d, dout: at.dout, q: at.q, k: at.k, v: at.v, o: at.o, lse: at.lse, mask: at.mask, ws });
  exp(inst, `old${i}_grad`)(...gradArgs(at.d, at.wsOld));
  exp(inst, `attention${i}_grad`)(...gradArgs(at.d2, at.ws));
  const get = (key: keyof typeof at, floats: number) => words(view(key, floats + GUARD));
  return {
    got: [get("o2", z.o), get("lse2", z.lse), get("d2", z.d), pastFwdAfter, past(true)],
    want: [get("o", z.o), get("lse", z.lse), get("d", z.d), pastFwd, pastGrad],
  };
}

const exp = (inst: KernelInstance<Record<string, Fn_>>, name: string): Fn_ => {
  const fn = inst.exports[name];
  if (!fn) throw new Error(`no export ${name}`);
  return fn;
};

describe("attention kernels: the same bits as the whole-matrix kernels they replaced", () => {
  for (const relaxed of [false, true]) {
    for (const [i, c] of CASES.entries()) {
      const label = `t=${c.t} s=${c.s} heads=${c.heads} kd=${c.kd} vd=${c.vd}${c.causal ? " causal" : ""}${c.mask ? " dropout mask" : ""}`;
      it.skipIf(relaxed && !relaxedEngine)(`${relaxed ? "relaxed " : ""}${label}, n in ${c.ns.join(", ")}`, () => {
        for (const [k, n] of c.ns.entries()) {
          const { got, want } = run(relaxed, i, n, 1000 * i + k + (relaxed ? 7 : 0));
          for (const [q, name] of ["o", "lse", "d", "past the forward's scratch", "past the gradient's scratch"].entries()) {
            expect(firstDifference(got[q], want[q]), `${name} (n = ${n}): first word that differs`).toBe(-1);
            // The outputs were written (not the initial pattern), and none is NaN.
            if (n > 0 && q < 3)
              expect(new Float32Array(want[q].buffer).subarray(0, 4).every((v) => Number.isFinite(v) && v < 1e29)).toBe(true);
          }
        }
      });
    }
  }
});

// The softmax's exponential (attention-kit.wasm.ts softmaxExp) gives 0 where e^(s − max) or
// e^(s − lse) is below 2^−126, where the old kernels' expSteps gave a subnormal or tiny number.
// A key whose scores are ~90 below every query's maximum: o and lse keep their bits, and the
// gradient differs only in words below 1e-37 (that key's dv and dk, sums of such products).
describe("attention kernels: probabilities below 2^-126", () => {
  it("a key every query ignores: o and lse the same bits, the gradient within 1e-37", () => {
    const { got, want } = run(false, IGNORED, 1, 99, (key, a, r) => {
      for (let e = 0; e < a.length; e++) {
        const [row, col] = [Math.floor(e / 4), e % 4];
        if (key === "q") a[e] = col === 0 ? 10 : (r() - 0.5) * 0.1;
        else if (key === "k") a[e] = col === 0 ? (row === 0 ? -10 : 8) : (r() - 0.5) * 0.1;
        else a[e] = r() - 0.5;
      }
    });
    expect(firstDifference(got[0], want[0])).toBe(-1);
    expect(firstDifference(got[1], want[1])).toBe(-1);
    const [a, b] = [new Float32Array(got[2].buffer), new Float32Array(want[2].buffer)];
    let differ = 0;
    for (let e = 0; e < a.length; e++) {
      if (got[2][e] === want[2][e]) continue;
      differ++;
      expect(Math.abs(a[e] - b[e]), `word ${e}: ${a[e]} against ${b[e]}`).toBeLessThan(1e-37);
    }
    expect(differ, "the ignored key's gradient words differ (the old kernel's subnormals)").toBeGreaterThan(0);
  });
});
