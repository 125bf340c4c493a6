// The blocked forward convolution (compiler/wasm/kernels/conv-blocked.ts: chunks of taps,
// blocks of images, running sums carried through y) computes the same bits as conv.ts's
// per-tile loop order (kept as the oracle with `blocking: false`): every output word equal
// (Uint32 views) on random data with zeros, -0 and ±large values, for padded and unpadded,
// strided and non-square geometries, tail panels and tail tiles, bias / relu, the relaxed
// multiply-add where the engine has it, image blocks that do not divide n (n = 0, 1, more),
// and chunks that split a kernel row, end on its end, or hold one tap. Also: the automatic
// choice blocks DCGAN-sized kernels and leaves the seed CNN's and ResNet's alone. The same for
// the input gradient (conv-grad-blocked.ts: images interleaved per block). Both blocked orders
// run on the kernel packed panel by panel (the default) and on the kernel in place (`pack: false`).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { windowOf, type Window } from "../../compiler/emit/geometry.js";
import { addConv2d, conv2dParams, conv2dScratchBytes, type Conv2dSpec } from "../../compiler/wasm/kernels/conv.js";
import { convBlocking, type ConvBlocking } from "../../compiler/wasm/kernels/conv-blocked.js";
import {
  addConv2dGradInput,
  addConv2dGradKernel,
  conv2dGradInputParams,
  conv2dGradInputScratchBytes,
  conv2dGradKernelParams,
  conv2dGradKernelScratchBytes,
  type Conv2dGradInputSpec,
  type Conv2dGradKernelSpec,
} from "../../compiler/wasm/kernels/conv-grad.js";
import { gradInputBlocking } from "../../compiler/wasm/kernels/conv-grad-blocked.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

function geom(h: number, w: number, c: number, kernel: [number, number], strides: [number, number], padding: "same" | "valid"): Window {
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
  readonly blocking: ConvBlocking;
  readonly tile?: [number, number];
}

const CASES: Case[] = [
  {
    tag: "same5",
    g: geom(7, 7, 6, [5, 5], [1, 1], "same"),
    filters: 20,
    ns: [0, 1, 3, 7],
    bias: true,
    relu: true,
    blocking: { images: 3, taps: 7 },
  },
  {
    tag: "s2same",
    g: geom(9, 8, 5, [5, 5], [2, 2], "same"),
    filters: 13,
    ns: [1, 4],
    bias: false,
    relu: false,
    blocking: { images: 2, taps: 25 },
  },
  {
    tag: "valid",
    g: geom(8, 9, 3, [3, 2], [1, 2], "valid"),
    filters: 9,
    ns: [2, 5],
    bias: true,
    relu: false,
    blocking: { images: 4, taps: 1 },
  },
  {
    tag: "rows",
    g: geom(6, 5, 4, [3, 3], [1, 1], "same"),
    filters: 16,
    ns: [3],
    bias: true,
    relu: true,
    blocking: { images: 1, taps: 12 },
    tile: [3, 2],
  },
  {
    tag: "tail",
    g: geom(7, 6, 2, [2, 3], [2, 1], "same"),
    filters: 7,
    ns: [2, 3],
    bias: false,
    relu: true,
    blocking: { images: 5, taps: 4 },
    tile: [4, 2],
  },
];

const relaxedEngine = hasRelaxedSimd();
type Fn_ = (...args: number[]) => void;
let inst: KernelInstance<Record<string, Fn_>>;
const specs = new Map<string, Conv2dSpec>();
const giSpecs = new Map<string, Conv2dGradInputSpec>();

/** The per-tile order (the oracle), the blocked order on the packed kernel, and on the kernel in place. */
type Mode = "oracle" | "packed" | "inplace";
const MODES: readonly Mode[] = ["oracle", "packed", "inplace"];

function giSpecOf(c: Case, mode: Mode, relaxed: boolean): Conv2dGradInputSpec {
  return {
    ...c.g,
    name: `${c.tag}_gi_${mode}${relaxed ? "_relaxed" : ""}`,
    filters: c.filters,
    bias: c.bias,
    tile: c.tile,
    relaxed,
    blocking: mode === "oracle" ? false : { images: c.blocking.images, pack: mode === "packed" },
  };
}

function specOf(c: Case, mode: Mode, relaxed: boolean): Conv2dSpec {
  return {
    ...c.g,
    name: `${c.tag}_${mode}${relaxed ? "_relaxed" : ""}`,
    filters: c.filters,
    bias: c.bias,
    activation: c.relu ? "relu" : "none",
    tile: c.tile,
    relaxed,
    blocking: mode === "oracle" ? false : { ...c.blocking, pack: mode === "packed" },
  };
}

beforeAll(async () => {
  const b = await loadBinaryen();
  const variants = relaxedEngine ? [false, true] : [false];
  const built = buildModule(
    b,
    (mod) => {
      for (const c of CASES)
        for (const relaxed of variants)
          for (const mode of MODES) {
            const s = specOf(c, mode, relaxed);
            specs.set(s.name, s);
            addConv2d(b, mod, s);
            const g = giSpecOf(c, mode, relaxed);
            giSpecs.set(g.name, g);
            addConv2dGradInput(b, mod, g);
          }
    },
    { relaxed: relaxedEngine },
  );
  inst = await instantiateKernels(built.binary, { memoryBytes: 16 << 20 });
}, 60_000);

/** Random floats with some exact zeros, -0 and large magnitudes (deterministic). */
function fill(v: Float32Array, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < v.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    v[i] = u < 0.05 ? 0 : u < 0.08 ? -0 : u < 0.1 ? (u - 0.09) * 1e6 : (u - 0.5) * 4;
  }
}

function run(spec: Conv2dSpec, n: number, seed: number): Uint32Array {
  const lay = new Layout(64);
  const { h, w, c, oh, ow, kh, kw } = spec;
  const x = lay.floats(Math.max(1, n * h * w * c));
  const k = lay.floats(kh * kw * c * spec.filters);
  const bias = lay.floats(spec.filters);
  const y = lay.floats(Math.max(1, n * oh * ow * spec.filters) + 4);
  const ws = lay.alloc(conv2dScratchBytes(spec) + 4) + 4; // misaligned on purpose
  fill(inst.f32(x, n * h * w * c), seed);
  fill(inst.f32(k, kh * kw * c * spec.filters), seed + 1);
  fill(inst.f32(bias, spec.filters), seed + 2);
  inst.f32(y, n * oh * ow * spec.filters + 4).fill(NaN);
  inst.f32(ws, Math.floor(conv2dScratchBytes(spec) / 4)).fill(NaN);
  const at: Record<string, number> = { n, x, k, y, bias, ws };
  inst.exports[spec.name](...conv2dParams(spec).map((p) => at[p]));
  const out = new Uint32Array(inst.f32(y, n * oh * ow * spec.filters + 4).slice().buffer);
  return out;
}

/** The input gradient (conv2d_transpose's forward): dy [n, oh, ow, f] and k → dx [n, h, w, c], as words. */
function runGi(spec: Conv2dGradInputSpec, n: number, seed: number): Uint32Array {
  const lay = new Layout(64);
  const { h, w, c, oh, ow, kh, kw } = spec;
  const fl = spec.filters;
  const dy = lay.floats(Math.max(1, n * oh * ow * fl));
  const k = lay.floats(kh * kw * c * fl);
  const bias = lay.floats(c);
  const dx = lay.floats(Math.max(1, n * h * w * c) + 4);
  const bytes = conv2dGradInputScratchBytes(spec);
  const ws = lay.alloc(bytes + 4) + 4;
  fill(inst.f32(dy, n * oh * ow * fl), seed);
  fill(inst.f32(k, kh * kw * c * fl), seed + 1);
  fill(inst.f32(bias, c), seed + 2);
  inst.f32(dx, n * h * w * c + 4).fill(NaN);
  inst.f32(ws, Math.floor(bytes / 4)).fill(NaN);
  const at: Record<string, number> = { n, dy, k, dx, bias, ws };
  inst.exports[spec.name](...conv2dGradInputParams(spec).map((p) => at[p]));
  return new Uint32Array(inst.f32(dx, n * h * w * c + 4).slice().buffer);
}

describe("the blocked input gradient computes the same bits as the per-image order", () => {
  for (const c of CASES)
    for (const relaxed of relaxedEngine ? [false, true] : [false])
      for (const mode of ["packed", "inplace"] as const)
        it(`${c.tag} ${mode}${relaxed ? " (relaxed)" : ""}: n ∈ {${c.ns.join(", ")}}`, () => {
          for (const n of c.ns) {
            const a = runGi(giSpecs.get(giSpecOf(c, "oracle", relaxed).name)!, n, 11 + n);
            const b = runGi(giSpecs.get(giSpecOf(c, mode, relaxed).name)!, n, 11 + n);
            let diff = -1;
            for (let i = 0; i < a.length && diff < 0; i++) if (a[i] !== b[i]) diff = i;
            expect(diff, `first differing word of n = ${n}`).toBe(-1);
          }
        });
});

describe("the blocked forward convolution computes the same bits as the per-tile order", () => {
  for (const c of CASES)
    for (const relaxed of relaxedEngine ? [false, true] : [false])
      for (const mode of ["packed", "inplace"] as const)
        it(`${c.tag} ${mode}${relaxed ? " (relaxed)" : ""}: n ∈ {${c.ns.join(", ")}}`, () => {
          for (const n of c.ns) {
            const a = run(specs.get(specOf(c, "oracle", relaxed).name)!, n, 7 + n);
            const b = run(specs.get(specOf(c, mode, relaxed).name)!, n, 7 + n);
            expect(b.length).toBe(a.length);
            let diff = -1;
            for (let i = 0; i < a.length && diff < 0; i++) if (a[i] !== b[i]) diff = i;
            expect(diff, `first differing word of n = ${n}`).toBe(-1);
          }
        });
});

describe("the automatic choice", () => {
  const spec = (g: Window, filters: number) => ({ ...g, filters });
  it("blocks the DCGAN's 5×5 kernels over 256 and 64 channels", () => {
    expect(convBlocking(spec(geom(7, 7, 128, [5, 5], [1, 1], "same"), 256))).toBeDefined();
    expect(convBlocking(spec(geom(14, 14, 64, [5, 5], [2, 2], "same"), 128))).toBeDefined();
  });
  it("interleaves images in the DCGAN's input gradients, not in the ResNet's", () => {
    const gi = (g: Window, filters: number): Conv2dGradInputSpec => ({ ...g, name: "", filters });
    expect(gradInputBlocking(gi(geom(7, 7, 128, [5, 5], [1, 1], "same"), 256))).toBeDefined();
    expect(gradInputBlocking(gi(geom(14, 14, 64, [5, 5], [2, 2], "same"), 128))).toBeDefined();
    expect(gradInputBlocking(gi(geom(14, 14, 64, [3, 3], [1, 1], "same"), 64))).toBeUndefined();
  });
  it("keeps the per-tile order where a panel's kernel fits in L1 (the seed CNN, the ResNet)", () => {
    expect(convBlocking(spec(geom(28, 28, 1, [3, 3], [1, 1], "valid"), 32))).toBeUndefined();
    expect(convBlocking(spec(geom(28, 28, 32, [3, 3], [1, 1], "same"), 32))).toBeUndefined();
    expect(convBlocking(spec(geom(14, 14, 64, [3, 3], [1, 1], "same"), 64))).toBeUndefined();
  });
});

// The kernel gradient with dk summed in aligned panels in scratch (conv-grad-dk.ts) against dk summed in place,
// word for word: ±bias, accumulate, a tail panel, panel ranges [lo, hi) (threads' split) and n = 0, 1, 3.
describe("the kernel gradient summed in panels computes the same bits as in place", () => {
  interface GkCase {
    readonly tag: string;
    readonly g: Window;
    readonly filters: number;
    readonly bias: boolean;
    readonly accumulate: boolean;
    readonly ranges: readonly (readonly [number, number])[];
  }
  const gkCases: GkCase[] = [
    {
      tag: "same5",
      g: geom(7, 7, 6, [5, 5], [1, 1], "same"),
      filters: 20,
      bias: true,
      accumulate: false,
      ranges: [
        [0, 0],
        [0, 1],
        [1, 2],
      ],
    },
    { tag: "s2acc", g: geom(9, 8, 5, [5, 5], [2, 2], "same"), filters: 13, bias: false, accumulate: true, ranges: [[0, 0]] },
    {
      tag: "valid",
      g: geom(8, 9, 7, [3, 3], [1, 2], "valid"),
      filters: 32,
      bias: true,
      accumulate: true,
      ranges: [
        [0, 0],
        [1, 2],
      ],
    },
  ];
  const gkSpec = (c: GkCase, panels: boolean): Conv2dGradKernelSpec => ({
    ...c.g,
    name: `${c.tag}_gk_${panels ? "panels" : "inplace"}`,
    filters: c.filters,
    bias: c.bias,
    accumulate: c.accumulate,
    dkPanels: panels,
  });
  let gk: KernelInstance<Record<string, Fn_>>;
  beforeAll(async () => {
    const b = await loadBinaryen();
    const built = buildModule(b, (mod) => {
      for (const c of gkCases) for (const panels of [false, true]) addConv2dGradKernel(b, mod, gkSpec(c, panels));
    });
    gk = await instantiateKernels(built.binary, { memoryBytes: 16 << 20 });
  }, 60_000);

  function runGk(spec: Conv2dGradKernelSpec, n: number, range: readonly [number, number], seed: number): Uint32Array {
    const lay = new Layout(64);
    const { h, w, c, oh, ow, kh, kw } = spec;
    const fl = spec.filters;
    const x = lay.floats(Math.max(1, n * h * w * c));
    const dy = lay.floats(Math.max(1, n * oh * ow * fl));
    const dk = lay.floats(kh * kw * c * fl + 4);
    const dbias = lay.floats(fl + 4);
    const bytes = conv2dGradKernelScratchBytes(spec);
    const ws = lay.alloc(bytes + 4) + 4; // misaligned on purpose
    fill(gk.f32(x, n * h * w * c), seed);
    fill(gk.f32(dy, n * oh * ow * fl), seed + 1);
    fill(gk.f32(dk, kh * kw * c * fl + 4), seed + 2); // what accumulate adds to, and what a range leaves alone
    fill(gk.f32(dbias, fl + 4), seed + 3);
    gk.f32(ws, Math.floor(bytes / 4)).fill(NaN);
    const at: Record<string, number> = { n, x, dy, dk, dbias, ws, lo: range[0], hi: range[1] };
    gk.exports[spec.name](...conv2dGradKernelParams(spec).map((p) => at[p]));
    const words = new Uint32Array(gk.f32(dk, kh * kw * c * fl + 4).slice().buffer);
    return Uint32Array.from([...words, ...new Uint32Array(gk.f32(dbias, fl + 4).slice().buffer)]);
  }

  for (const c of gkCases)
    it(`${c.tag}: n ∈ {0, 1, 3}, panel ranges ${c.ranges.map((r) => `[${r.join(", ")})`).join(" ")}`, () => {
      for (const n of [0, 1, 3])
        for (const r of c.ranges) {
          const a = runGk(gkSpec(c, false), n, r, 3 + n);
          const b = runGk(gkSpec(c, true), n, r, 3 + n);
          let diff = -1;
          for (let i = 0; i < a.length && diff < 0; i++) if (a[i] !== b[i]) diff = i;
          expect(diff, `first differing word of n = ${n}, range [${r.join(", ")})`).toBe(-1);
        }
    });
});
