// Winograd F(2×2, kh×kw) convolutions (compiler/wasm/kernels/conv-winograd.ts,
// conv-winograd-grad.ts) against a float64 reference computed here and against the direct
// kernels (`winograd: false`): the forward convolution (bias, relu), the input gradient
// (conv2d_transpose's forward, with its bias) and the kernel gradient (whole, accumulated, and
// panel by panel as threads split it: the same words), for kernels 3×3, 5×5, 4×4 and
// non-square ones, `same` and `valid`, odd sizes (tiles that overhang the output), channel
// counts that are not multiples of 4 or of the panel width, batch 0, 1 and more, and image
// blocks that do not divide the batch. The error bound is relative to the largest output:
// max |y − y64| / max |y64|, for inputs and kernels uniform in [−1, 1]; the direct kernels'
// error is bounded beside it. Also: which convolutions the automatic choice takes.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { windowOf, type Window } from "../../compiler/emit/geometry.js";
import { addConv2d, conv2dParams, conv2dScratchBytes, type Conv2dSpec } from "../../compiler/wasm/kernels/conv.js";
import {
  addConv2dGradInput,
  addConv2dGradKernel,
  conv2dGradKernelPanels,
  conv2dGradKernelParams,
  conv2dGradKernelScratchBytes,
  type Conv2dGradKernelSpec,
  conv2dGradInputParams,
  conv2dGradInputScratchBytes,
  type Conv2dGradInputSpec,
} from "../../compiler/wasm/kernels/conv-grad.js";
import { winogradGradInputPlan, winogradPlan } from "../../compiler/wasm/kernels/conv-winograd.js";
import { winogradGradKernelPlan } from "../../compiler/wasm/kernels/conv-winograd-grad.js";
import { winogradMatrices } from "../../compiler/wasm/kernels/winograd-matrices.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

function geom(
  h: number,
  w: number,
  c: number,
  kernel: [number, number],
  padding: "same" | "valid",
  strides: [number, number] = [1, 1],
): Window {
  const out = (size: number, k: number, s: number) => (padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);
  return windowOf([1, h, w, c], [1, out(h, kernel[0], strides[0]), out(w, kernel[1], strides[1]), 1], { kernel, strides, padding });
}

interface Case {
  readonly tag: string;
  readonly g: Window;
  readonly filters: number;
  readonly ns: readonly number[];
  readonly bias: boolean;
  readonly relu: boolean;
  readonly images: number;
}

const CASES: Case[] = [
  { tag: "k5same", g: geom(7, 7, 6, [5, 5], "same"), filters: 20, ns: [0, 1, 3], bias: true, relu: true, images: 2 },
  { tag: "k3valid", g: geom(9, 8, 5, [3, 3], "valid"), filters: 13, ns: [1, 4], bias: false, relu: false, images: 3 },
  { tag: "k3x5same", g: geom(6, 7, 9, [3, 5], "same"), filters: 7, ns: [2], bias: true, relu: false, images: 1 },
  { tag: "k4same", g: geom(5, 6, 4, [4, 4], "same"), filters: 17, ns: [1, 2], bias: true, relu: true, images: 4 },
  { tag: "k2x3valid", g: geom(6, 9, 3, [2, 3], "valid"), filters: 5, ns: [3], bias: false, relu: true, images: 2 },
  { tag: "k5valid", g: geom(11, 10, 12, [5, 5], "valid"), filters: 36, ns: [2], bias: true, relu: false, images: 1 },
  { tag: "k3big", g: geom(8, 8, 33, [3, 3], "same"), filters: 40, ns: [2], bias: false, relu: false, images: 2 },
];

const relaxedEngine = hasRelaxedSimd();
type Fn_ = (...args: number[]) => void;
let inst: KernelInstance<Record<string, Fn_>>;

const specOf = (c: Case, wino: boolean): Conv2dSpec => ({
  ...c.g,
  name: `${c.tag}_${wino ? "wino" : "direct"}`,
  filters: c.filters,
  bias: c.bias,
  activation: c.relu ? "relu" : "none",
  winograd: wino ? { images: c.images } : false,
});
const giSpecOf = (c: Case, wino: boolean, relaxed = false): Conv2dGradInputSpec => ({
  ...c.g,
  name: `${c.tag}_gi_${wino ? "wino" : "direct"}${relaxed ? "_relaxed" : ""}`,
  filters: c.filters,
  bias: c.bias,
  relaxed,
  winograd: wino ? { images: c.images } : false,
});

const gkSpecOf = (c: Case, wino: boolean, accumulate = false): Conv2dGradKernelSpec => ({
  ...c.g,
  name: `${c.tag}_gk_${wino ? "wino" : "direct"}${accumulate ? "_acc" : ""}`,
  filters: c.filters,
  bias: false,
  accumulate,
  winograd: wino ? { images: c.images } : false,
});

beforeAll(async () => {
  const b = await loadBinaryen();
  const built = buildModule(
    b,
    (mod) => {
      for (const c of CASES)
        for (const wino of [false, true]) {
          addConv2d(b, mod, specOf(c, wino));
          addConv2dGradInput(b, mod, giSpecOf(c, wino));
          addConv2dGradKernel(b, mod, gkSpecOf(c, wino));
        }
      addConv2dGradKernel(b, mod, gkSpecOf(CASES[0], true, true));
      if (relaxedEngine) addConv2dGradInput(b, mod, giSpecOf(CASES[0], true, true));
    },
    { relaxed: relaxedEngine },
  );
  inst = await instantiateKernels(built.binary, { memoryBytes: 16 << 20 });
}, 60_000);

function uniform(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = Math.fround((s / 2 ** 32) * 2 - 1);
  }
  return v;
}

/** The forward convolution in float64 (bias, relu). */
function conv64(c: Case, n: number, x: Float64Array, k: Float64Array, bias: Float64Array): Float64Array {
  const { h, w, c: ch, oh, ow, kh, kw, pt, pl } = c.g;
  const fl = c.filters;
  const y = new Float64Array(n * oh * ow * fl);
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let f = 0; f < fl; f++) {
          let sum = c.bias ? bias[f] : 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const yy = oy - pt + i;
              const xx = ox - pl + j;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
              for (let q = 0; q < ch; q++) sum += x[((s * h + yy) * w + xx) * ch + q] * k[((i * kw + j) * ch + q) * fl + f];
            }
          y[((s * oh + oy) * ow + ox) * fl + f] = c.relu ? Math.max(0, sum) : sum;
        }
  return y;
}

/** The input gradient in float64: dx[s, yy, xx, q] = bias[q] + Σ dy[s, yy + pt − i, xx + pl − j, f] · k[i, j, q, f]. */
function gradInput64(c: Case, n: number, dy: Float64Array, k: Float64Array, bias: Float64Array): Float64Array {
  const { h, w, c: ch, oh, ow, kh, kw, pt, pl } = c.g;
  const fl = c.filters;
  const dx = new Float64Array(n * h * w * ch);
  for (let s = 0; s < n; s++)
    for (let yy = 0; yy < h; yy++)
      for (let xx = 0; xx < w; xx++)
        for (let q = 0; q < ch; q++) {
          let sum = c.bias ? bias[q] : 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const oy = yy + pt - i;
              const ox = xx + pl - j;
              if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
              for (let f = 0; f < fl; f++) sum += dy[((s * oh + oy) * ow + ox) * fl + f] * k[((i * kw + j) * ch + q) * fl + f];
            }
          dx[((s * h + yy) * w + xx) * ch + q] = sum;
        }
  return dx;
}

/** Runs a kernel on inputs a, k, bias (scratch and output filled with NaN first; the scratch misaligned); returns the output. */
function runKernel(
  name: string,
  names: string[],
  wsBytes: number,
  ins: { a: Float64Array; k: Float64Array; bias: Float64Array },
  outLen: number,
  aName: string,
): Float32Array {
  const lay = new Layout(64);
  const a = lay.floats(Math.max(1, ins.a.length));
  const k = lay.floats(ins.k.length);
  const bias = lay.floats(ins.bias.length);
  const out = lay.floats(Math.max(1, outLen) + 4);
  const ws = lay.alloc(wsBytes + 4) + 4;
  inst.f32(a, ins.a.length).set(ins.a);
  inst.f32(k, ins.k.length).set(ins.k);
  inst.f32(bias, ins.bias.length).set(ins.bias);
  inst.f32(out, outLen + 4).fill(NaN);
  inst.f32(ws, Math.floor(wsBytes / 4)).fill(NaN);
  const outName = aName === "x" ? "y" : "dx";
  const at: Record<string, number> = { n: ins.a.length, [aName]: a, k, [outName]: out, bias, ws };
  const n = (ins as unknown as { n: number }).n;
  inst.exports[name](...names.map((p) => (p === "n" ? n : at[p])));
  const res = inst.f32(out, outLen + 4).slice();
  for (let i = outLen; i < outLen + 4; i++) expect(Number.isNaN(res[i]), "a word past the output was written").toBe(true);
  return res.subarray(0, outLen);
}

/** The kernel gradient in float64: dk[i, j, q, f] = Σ x[s, oy − pt + i, ox − pl + j, q] · dy[s, oy, ox, f]. */
function gradKernel64(c: Case, n: number, x: Float64Array, dy: Float64Array): Float64Array {
  const { h, w, c: ch, oh, ow, kh, kw, pt, pl } = c.g;
  const fl = c.filters;
  const dk = new Float64Array(kh * kw * ch * fl);
  for (let s = 0; s < n; s++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const yy = oy - pt + i;
            const xx = ox - pl + j;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            for (let q = 0; q < ch; q++) {
              const xv = x[((s * h + yy) * w + xx) * ch + q];
              for (let f = 0; f < fl; f++) dk[((i * kw + j) * ch + q) * fl + f] += xv * dy[((s * oh + oy) * ow + ox) * fl + f];
            }
          }
  return dk;
}

/** Runs a kernel gradient over panels [lo, hi) (hi = 0: all) on dk filled with `dk0`; returns dk. */
function runGk(spec: Conv2dGradKernelSpec, n: number, x: Float64Array, dy: Float64Array, dk0: Float32Array, lo = 0, hi = 0): Float32Array {
  const lay = new Layout(64);
  const xa = lay.floats(Math.max(1, x.length));
  const dya = lay.floats(Math.max(1, dy.length));
  const dk = lay.floats(dk0.length + 4);
  const bytes = conv2dGradKernelScratchBytes(spec);
  const ws = lay.alloc(bytes + 4) + 4;
  inst.f32(xa, x.length).set(x);
  inst.f32(dya, dy.length).set(dy);
  inst.f32(dk, dk0.length + 4).fill(NaN);
  inst.f32(dk, dk0.length).set(dk0);
  inst.f32(ws, Math.floor(bytes / 4)).fill(NaN);
  const at: Record<string, number> = { n, x: xa, dy: dya, dk, ws, lo, hi };
  inst.exports[spec.name](...conv2dGradKernelParams(spec).map((p) => at[p]));
  const res = inst.f32(dk, dk0.length + 4).slice();
  for (let i = dk0.length; i < dk0.length + 4; i++) expect(Number.isNaN(res[i]), "a word past dk was written").toBe(true);
  return res.subarray(0, dk0.length);
}

/** max |y − ref| / max |ref| (and 0 for an empty output). */
function relErr(y: Float32Array, ref: Float64Array): number {
  let e = 0;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    e = Math.max(e, Math.abs(y[i] - ref[i]));
    m = Math.max(m, Math.abs(ref[i]));
  }
  return m > 0 ? e / m : e;
}

/**
 * Bounds on max |err| / max |y| for these cases. Measured (the largest over the forward, the
 * input gradient and the kernel gradient): F(2, 3) ≤ 2.9e-7, F(2, 4) ≤ 1.4e-6, F(2, 5) ≤ 2.8e-6
 * (forward and input gradient ≤ 1.3e-6); the direct kernels ≤ 5.5e-7.
 */
const boundOf = (g: Window): number => (Math.max(g.kh, g.kw) >= 5 ? 6e-6 : Math.max(g.kh, g.kw) === 4 ? 3e-6 : 5e-7);
const DIRECT = 1e-6;

describe("Toom-Cook matrices", () => {
  for (const r of [2, 3, 4, 5])
    it(`F(2, ${r}) computes the correlation of r taps (float64)`, () => {
      const M = winogradMatrices(2, r);
      const g = uniform(r, r);
      const d = uniform(M.alpha, 10 + r);
      const Gg = M.G.map((row) => row.reduce((s, v, k) => s + v * g[k], 0));
      const Bd = M.BT.map((row) => row.reduce((s, v, k) => s + v * d[k], 0));
      for (let i = 0; i < 2; i++) {
        const y = M.AT[i].reduce((s, v, k) => s + v * Gg[k] * Bd[k], 0);
        const ref = g.reduce((s, v, k) => s + v * d[i + k], 0);
        expect(Math.abs(y - ref)).toBeLessThan(1e-12);
      }
    });
});

describe("Winograd conv2d against float64 and the direct kernel", () => {
  for (const c of CASES)
    it(`${c.tag}: ${c.g.h}×${c.g.w}×${c.g.c} → ${c.filters}, k ${c.g.kh}×${c.g.kw}, n ∈ {${c.ns.join(", ")}}`, () => {
      for (const n of c.ns) {
        const { h, w, c: ch, oh, ow, kh, kw } = c.g;
        const ins = { n, a: uniform(n * h * w * ch, 1 + n), k: uniform(kh * kw * ch * c.filters, 2), bias: uniform(c.filters, 3) };
        const ref = conv64(c, n, ins.a, ins.k, ins.bias);
        const outLen = n * oh * ow * c.filters;
        const [sw, sd] = [specOf(c, true), specOf(c, false)];
        const yw = runKernel(sw.name, conv2dParams(sw), conv2dScratchBytes(sw), ins, outLen, "x");
        const yd = runKernel(sd.name, conv2dParams(sd), conv2dScratchBytes(sd), ins, outLen, "x");
        expect(relErr(yw, ref), `winograd, n = ${n}`).toBeLessThan(boundOf(c.g));
        expect(relErr(yd, ref), `direct, n = ${n}`).toBeLessThan(DIRECT);
        expect(relErr(yw, Float64Array.from(yd)), `winograd against direct, n = ${n}`).toBeLessThan(boundOf(c.g) + DIRECT);
      }
    });
});

describe("Winograd input gradient (conv2d_transpose's forward) against float64 and the direct kernel", () => {
  for (const c of CASES)
    it(`${c.tag}: dy ${c.g.oh}×${c.g.ow}×${c.filters} → dx ${c.g.h}×${c.g.w}×${c.g.c}, n ∈ {${c.ns.join(", ")}}`, () => {
      for (const n of c.ns) {
        const { h, w, c: ch, oh, ow, kh, kw } = c.g;
        const ins = { n, a: uniform(n * oh * ow * c.filters, 5 + n), k: uniform(kh * kw * ch * c.filters, 6), bias: uniform(ch, 7) };
        const ref = gradInput64(c, n, ins.a, ins.k, ins.bias);
        const outLen = n * h * w * ch;
        const [sw, sd] = [giSpecOf(c, true), giSpecOf(c, false)];
        const yw = runKernel(sw.name, conv2dGradInputParams(sw), conv2dGradInputScratchBytes(sw), ins, outLen, "dy");
        const yd = runKernel(sd.name, conv2dGradInputParams(sd), conv2dGradInputScratchBytes(sd), ins, outLen, "dy");
        expect(relErr(yw, ref), `winograd, n = ${n}`).toBeLessThan(boundOf(c.g));
        expect(relErr(yd, ref), `direct, n = ${n}`).toBeLessThan(DIRECT);
        expect(relErr(yw, Float64Array.from(yd)), `winograd against direct, n = ${n}`).toBeLessThan(boundOf(c.g) + DIRECT);
      }
    });
  it.runIf(relaxedEngine)("the relaxed multiply-add variant agrees within the bound", () => {
    const c = CASES[0];
    const n = 3;
    const { h, w, c: ch, oh, ow, kh, kw } = c.g;
    const ins = { n, a: uniform(n * oh * ow * c.filters, 8), k: uniform(kh * kw * ch * c.filters, 9), bias: uniform(ch, 10) };
    const s = giSpecOf(c, true, true);
    const y = runKernel(s.name, conv2dGradInputParams(s), conv2dGradInputScratchBytes(s), ins, n * h * w * ch, "dy");
    expect(relErr(y, gradInput64(c, n, ins.a, ins.k, ins.bias))).toBeLessThan(boundOf(c.g));
  });
});

describe("Winograd kernel gradient against float64 and the direct kernel", () => {
  for (const c of CASES)
    it(`${c.tag}: dk ${c.g.kh}×${c.g.kw}×${c.g.c}×${c.filters}, n ∈ {${c.ns.join(", ")}}; by panels the same bits`, () => {
      for (const n of c.ns) {
        const { h, w, c: ch, oh, ow, kh, kw } = c.g;
        const x = uniform(n * h * w * ch, 11 + n);
        const dy = uniform(n * oh * ow * c.filters, 12 + n);
        const len = kh * kw * ch * c.filters;
        const ref = gradKernel64(c, n, x, dy);
        const sw = gkSpecOf(c, true);
        const dw = runGk(sw, n, x, dy, new Float32Array(len));
        const dd = runGk(gkSpecOf(c, false), n, x, dy, new Float32Array(len));
        expect(relErr(dw, ref), `winograd, n = ${n}`).toBeLessThan(boundOf(c.g));
        expect(relErr(dd, ref), `direct, n = ${n}`).toBeLessThan(DIRECT);
        // Panel by panel (threads' split): every panel's words as in the whole call.
        const panels = conv2dGradKernelPanels(sw);
        let parts: Float32Array = new Float32Array(len).fill(NaN);
        for (let q = 0; q < panels; q++) parts = runGk(sw, n, x, dy, parts, q, q + 1);
        expect(Array.from(new Uint32Array(parts.slice().buffer))).toEqual(Array.from(new Uint32Array(dw.slice().buffer)));
      }
    });
  it("accumulates into dk", () => {
    const c = CASES[0];
    const n = 3;
    const { h, w, c: ch, oh, ow, kh, kw } = c.g;
    const x = uniform(n * h * w * ch, 21);
    const dy = uniform(n * oh * ow * c.filters, 22);
    const dk0 = Float32Array.from(uniform(kh * kw * ch * c.filters, 23));
    const ref = gradKernel64(c, n, x, dy).map((v, i) => v + dk0[i]);
    expect(relErr(runGk(gkSpecOf(c, true, true), n, x, dy, dk0), ref)).toBeLessThan(boundOf(c.g));
  });
});

describe("split by images (threads' rows split)", () => {
  it("the forward and the input gradient of images 0..1 and 1..4 are the whole call's words", () => {
    const c = CASES[0];
    const { h, w, c: ch, oh, ow, kh, kw } = c.g;
    const n = 4;
    const k = uniform(kh * kw * ch * c.filters, 31);
    const words = (v: Float32Array) => Array.from(new Uint32Array(v.slice().buffer));
    for (const [spec, names, bytes, inPer, outPer, name] of [
      [specOf(c, true), conv2dParams, conv2dScratchBytes, h * w * ch, oh * ow * c.filters, "x"],
      [giSpecOf(c, true), conv2dGradInputParams, conv2dGradInputScratchBytes, oh * ow * c.filters, h * w * ch, "dy"],
    ] as const) {
      const a = uniform(n * inPer, 32);
      const bias = uniform(name === "x" ? c.filters : ch, 33);
      const run = (lo: number, hi: number) =>
        runKernel(
          spec.name,
          (names as (s: typeof spec) => string[])(spec),
          (bytes as (s: typeof spec) => number)(spec),
          { n: hi - lo, a: a.subarray(lo * inPer, hi * inPer), k, bias } as unknown as {
            a: Float64Array;
            k: Float64Array;
            bias: Float64Array;
          },
          (hi - lo) * outPer,
          name,
        );
      const whole = run(0, n);
      expect(words(run(0, 1))).toEqual(words(whole.subarray(0, outPer)));
      expect(words(run(1, n))).toEqual(words(whole.subarray(outPer)));
    }
  });
});

describe("the automatic choice", () => {
  const conv = (g: Window, filters: number) => ({ ...g, filters });
  it("takes the DCGAN's 7×7 layer (all three kernels) and leaves strided, 1×1, and few-channel convolutions alone", () => {
    const dcgan = geom(7, 7, 128, [5, 5], "same");
    expect(winogradPlan(conv(dcgan, 256))).toBeDefined();
    expect(winogradGradInputPlan(conv(dcgan, 256))).toBeDefined();
    expect(winogradPlan(conv(geom(14, 14, 64, [5, 5], "same", [2, 2]), 128))).toBeUndefined();
    expect(winogradGradInputPlan(conv(geom(14, 14, 64, [5, 5], "same", [2, 2]), 128))).toBeUndefined();
    expect(winogradPlan(conv(geom(28, 28, 1, [3, 3], "valid"), 32))).toBeUndefined(); // the seed CNN
    expect(winogradGradKernelPlan({ ...conv(dcgan, 256), bias: false })).toBeDefined();
    expect(winogradGradKernelPlan({ ...conv(dcgan, 256), bias: true })).toBeUndefined(); // the bias gradient stays direct
    expect(winogradPlan(conv(geom(7, 7, 32, [5, 5], "same"), 64))).toBeUndefined(); // dcgan_small's (its parity with PyTorch)
    expect(winogradGradInputPlan(conv(geom(7, 7, 32, [5, 5], "same"), 64))).toBeUndefined();
    expect(winogradPlan(conv(geom(14, 14, 64, [3, 3], "same"), 64))).toBeDefined(); // the ResNet's 64-channel blocks
    expect(winogradPlan(conv(geom(7, 7, 128, [1, 1], "same"), 256))).toBeUndefined();
    expect(winogradPlan({ ...conv(dcgan, 256), winograd: false })).toBeUndefined();
  });
});
