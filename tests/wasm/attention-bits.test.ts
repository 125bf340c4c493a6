// The attention kernels (compiler/ops/attention.wasm.ts: register tiles reading the heads in
// place, only the keys a causal query sees) compute the same bits as the kernels they replaced
// (tests/wasm/attention-oracle.ts: copies and gemm.ts's GEMMs over the whole score matrix), whose
// gradient, like theirs, reads the probabilities its forward wrote (P = e · (1/sum), before the
// dropout mask) instead of computing exp(scale·s − lse) again. o, lse, P (the kernels' blocks of
// visible rows against the oracle's whole matrix, zeros past the keys a row sees) and the packed
// gradient [dq | dk | dv] are compared word for word on random data with zeros and -0, for the
// transformer's shape and for shapes with tails everywhere (t, s, kd, vd not multiples of 4 or 8),
// fewer or more keys than queries, with and without the causal mask and a dropout mask, n from 0,
// and the relaxed multiply-add where the engine has it; the forward both as a training pass runs
// it (writing P) and as the evaluation does (without). The new kernels' scratch starts as NaN
// and garbage (nothing they did not write may matter), and the words after each output must stay
// as they were. The modules are not run through binaryen's optimizer (it would take most of the
// file's time; it never changes a float operation's result).
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
import { probsPerHead, rowVectors } from "../../compiler/ops/attention-kit.wasm.js";
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
    /** The oracle's P [n, H, t, s]; the kernels' [n, H, probsPerHead]. */
    pOld: n * H * c.t * c.s,
    p: n * H * probsPerHead({ ...c, name: "" }),
    d: n * (c.t * H * c.kd + c.s * H * c.kd + c.s * H * c.vd),
  };
}

function memoryFor(c: Case, spec: AttentionSpec): number {
  const z = sizes(c, Math.max(...c.ns));
  const floats = z.q + z.k + z.v + 5 * (z.o + GUARD) + 3 * (z.lse + GUARD) + z.mask + 2 * (z.d + GUARD) + z.pOld + 3 * (z.p + GUARD);
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
          addAttention(binaryen, mod, { ...spec, probs: true });
          addAttention(binaryen, mod, { ...spec, name: `${spec.name}_eval` });
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

/** The oracle's P [n, H, t, s] in the kernels' layout: per head its blocks of 4 rows, a row its visible vectors (+0 past s). */
function blockedProbs(c: Case, n: number, p: Float32Array): Float32Array {
  const spec = { ...c, name: "" };
  const out = new Float32Array(n * c.heads * probsPerHead(spec));
  let at = 0;
  for (let bh = 0; bh < n * c.heads; bh++)
    for (let i0 = 0; i0 < c.t; i0 += 4) {
      const w = 4 * rowVectors(spec, i0);
      for (let i = i0; i < Math.min(i0 + 4, c.t); i++) for (let j = 0; j < w; j++) out[at++] = j < c.s ? p[(bh * c.t + i) * c.s + j] : 0;
    }
  return out;
}

/** What the tests compare: the new kernels' words (got) and the oracle's (want), outputs with their guard words. */
const OUTPUTS = [
  "o",
  "lse",
  "p",
  "d",
  "o (evaluation)",
  "lse (evaluation)",
  "past the forward's scratch",
  "past the gradient's scratch",
] as const;
type Output = (typeof OUTPUTS)[number];

/** Runs old and new kernels on the same inputs. */
function run(
  relaxed: boolean,
  i: number,
  n: number,
  seed: number,
  inputs: (key: "q" | "k" | "v" | "dout", a: Float32Array, r: () => number) => void = (_, a, r) => fill(a, r),
): { got: Record<Output, Uint32Array>; want: Record<Output, Uint32Array> } {
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
    pOld: buf(z.pOld),
    o2: buf(z.o + GUARD),
    lse2: buf(z.lse + GUARD),
    p2: buf(z.p + GUARD),
    o3: buf(z.o + GUARD),
    lse3: buf(z.lse + GUARD),
    d: buf(z.d + GUARD),
    d2: buf(z.d + GUARD),
    wsOld: lay.alloc(oldAttentionScratchBytes(spec, true)),
    ws: lay.alloc(attentionScratchBytes(spec, true), 4) + 4, // unaligned on purpose: the kernel aligns it
  };
  const floats = { o: z.o, lse: z.lse, p: z.p, d: z.d };
  const kind = (key: string) => key.replace(/[23]$/, "") as keyof typeof floats;
  const view = (key: keyof typeof at, count: number) => inst.f32(at[key], count);
  for (const key of ["q", "k", "v", "dout"] as const) inputs(key, view(key, z[key === "dout" ? "o" : key]), r);
  const mask = view("mask", z.mask);
  for (let q = 0; q < mask.length; q++) mask[q] = r() < 0.25 ? 0 : 1 / 0.75;
  const initial = (q: number) => 1e30 + q; // every output word written, guards kept
  for (const key of ["o", "lse", "o2", "lse2", "p2", "o3", "lse3", "d", "d2"] as const) {
    const v = view(key, floats[kind(key)] + GUARD);
    for (let q = 0; q < v.length; q++) v[q] = initial(q);
  }
  const scratch = inst.f32(at.ws, Math.floor((attentionScratchBytes(spec, true) - 4) / 4));
  for (let q = 0; q < scratch.length; q++) scratch[q] = q % 3 === 0 ? NaN : (r() - 0.5) * 1e30;
  const inputsAt = { q: at.q, k: at.k, v: at.v, mask: at.mask };
  const call = (name: string, params: string[], map: Record<string, number>) =>
    exp(inst, name)(...params.map((p) => (p === "n" ? n : map[p])));
  const fwd = (extra: Partial<AttentionSpec>) => attentionParams({ ...spec, ...extra });
  call(`old${i}`, ["n", "o", "lse", "p", "q", "k", "v", ...(c.mask ? ["mask"] : []), "ws"], {
    ...inputsAt,
    o: at.o,
    lse: at.lse,
    p: at.pOld,
    ws: at.wsOld,
  });
  // The words just past each kernel's scratch (attentionScratchBytes) must stay as they were.
  const past = (grad: boolean) => words(inst.f32(at.ws + attentionScratchBytes(spec, grad), GUARD));
  const [pastFwd, pastGrad] = [past(false), past(true)];
  call(`attention${i}`, fwd({ probs: true }), { ...inputsAt, o: at.o2, lse: at.lse2, p: at.p2, ws: at.ws });
  const pastFwdAfter = past(false);
  call(`attention${i}_eval`, fwd({}), { ...inputsAt, o: at.o3, lse: at.lse3, ws: at.ws });
  const gradAt = { ...inputsAt, dout: at.dout, o: at.o };
  call(`old${i}_grad`, ["n", "d", "dout", "q", "k", "v", "o", "p", ...(c.mask ? ["mask"] : []), "ws"], {
    ...gradAt,
    d: at.d,
    p: at.pOld,
    ws: at.wsOld,
  });
  call(`attention${i}_grad`, attentionGradParams(spec), { ...gradAt, d: at.d2, p: at.p2, ws: at.ws });
  const get = (key: keyof typeof at) => words(view(key, floats[kind(key)] + GUARD));
  const pWant = new Float32Array(z.p + GUARD);
  pWant.set(blockedProbs(c, n, view("pOld", z.pOld)));
  for (let q = z.p; q < pWant.length; q++) pWant[q] = initial(q);
  const o = get("o");
  return {
    got: {
      o: get("o2"),
      lse: get("lse2"),
      p: get("p2"),
      d: get("d2"),
      "o (evaluation)": get("o3"),
      "lse (evaluation)": get("lse3"),
      "past the forward's scratch": pastFwdAfter,
      "past the gradient's scratch": past(true),
    },
    want: {
      o,
      lse: get("lse"),
      p: words(pWant),
      d: get("d"),
      "o (evaluation)": o,
      "lse (evaluation)": get("lse"),
      "past the forward's scratch": pastFwd,
      "past the gradient's scratch": pastGrad,
    },
  };
}

const exp = (inst: KernelInstance<Record<string, Fn_>>, name: string): Fn_ => {
  const fn = inst.exports[name];
  if (!fn) throw new Error(`no export ${name}`);
  return fn;
};

describe("attention kernels: the same bits as the whole-matrix kernels they replaced, the gradient reading the forward's P", () => {
  for (const relaxed of [false, true]) {
    for (const [i, c] of CASES.entries()) {
      const label = `t=${c.t} s=${c.s} heads=${c.heads} kd=${c.kd} vd=${c.vd}${c.causal ? " causal" : ""}${c.mask ? " dropout mask" : ""}`;
      it.skipIf(relaxed && !relaxedEngine)(`${relaxed ? "relaxed " : ""}${label}, n in ${c.ns.join(", ")}`, () => {
        for (const [k, n] of c.ns.entries()) {
          const { got, want } = run(relaxed, i, n, 1000 * i + k + (relaxed ? 7 : 0));
          for (const name of OUTPUTS) {
            expect(firstDifference(got[name], want[name]), `${name} (n = ${n}): first word that differs`).toBe(-1);
            // The outputs were written (not the initial pattern), and none is NaN.
            if (n > 0 && !name.startsWith("past"))
              expect(new Float32Array(want[name].buffer).subarray(0, 4).every((v) => Number.isFinite(v) && v < 1e29)).toBe(true);
          }
        }
      });
    }
  }
});

// The softmax's exponential (attention-kit.wasm.ts softmaxExp) gives 0 where e^(s − max) is below
// 2^−126, where the old kernels' expSteps gave a subnormal or tiny number. A key whose scores are
// ~90 below every query's maximum: o and lse keep their bits, its probabilities are zeros (the
// oracle's subnormals), and the gradient differs only in words below 1e-37 (that key's dv and dk,
// sums of such products).
describe("attention kernels: probabilities below 2^-126", () => {
  it("a key every query ignores: o and lse the same bits, P and the gradient within 1e-37", () => {
    const { got, want } = run(false, IGNORED, 1, 99, (key, a, r) => {
      for (let e = 0; e < a.length; e++) {
        const [row, col] = [Math.floor(e / 4), e % 4];
        if (key === "q") a[e] = col === 0 ? 10 : (r() - 0.5) * 0.1;
        else if (key === "k") a[e] = col === 0 ? (row === 0 ? -10 : 8) : (r() - 0.5) * 0.1;
        else a[e] = r() - 0.5;
      }
    });
    expect(firstDifference(got.o, want.o)).toBe(-1);
    expect(firstDifference(got.lse, want.lse)).toBe(-1);
    for (const name of ["p", "d"] as const) {
      const [a, b] = [new Float32Array(got[name].buffer), new Float32Array(want[name].buffer)];
      let differ = 0;
      for (let e = 0; e < a.length; e++) {
        if (got[name][e] === want[name][e]) continue;
        differ++;
        expect(Math.abs(a[e] - b[e]), `${name} word ${e}: ${a[e]} against ${b[e]}`).toBeLessThan(1e-37);
      }
      expect(differ, `the ignored key's ${name} words differ (the old kernel's subnormals)`).toBeGreaterThan(0);
    }
  });
});
