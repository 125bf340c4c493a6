// The SIMD128 convolution and pooling kernels of compiler/wasm/kernels/conv.ts against the
// reference kernels of runtime/kernels/conv.ts, on the seed CNN's shapes and small awkward
// geometries (channels 1/3/5/16, filters 1/5/8/13/20, kernels 1/2/3/5 and non-square,
// strides 1/2/3, same/valid), on random inputs: relative L2 ≤ 1e-5 and elementwise
// |a − b| ≤ 1e-3·|b| + 1e-4·max|b|; batch rows n = 0, 1 and more through the same code;
// guard words after every output.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen, type BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import { buildModule, type EmittedModule } from "../../compiler/wasm/kernels/module.js";
import { windowOf, type Window } from "../../compiler/emit/geometry.js";
import {
  addConv2d,
  addConvMaxPool,
  convMaxPoolParams,
  convMaxPoolScratchBytes,
  conv2dParams,
  conv2dScratchBytes,
} from "../../compiler/wasm/kernels/conv.js";
import {
  addConv2dGradInput,
  addConv2dGradKernel,
  conv2dGradInputParams,
  conv2dGradInputScratchBytes,
  conv2dGradKernelParams,
  conv2dGradKernelScratchBytes,
} from "../../compiler/wasm/kernels/conv-grad.js";
import {
  addAvgPool2d,
  addAvgPool2dGrad,
  addMaxPool2d,
  addMaxPool2dGrad,
  avgpool2dGradParams,
  avgpool2dParams,
  maxpool2dGradParams,
  maxpool2dParams,
} from "../../compiler/wasm/kernels/pool.js";
import * as K from "../../runtime/kernels/conv.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { compare, TestRandom, type Tolerance } from "../helpers/numerics.js";

const TOL: Tolerance = { rel: 1e-5, elemRel: 1e-3, elemAbs: 1e-4 };

function geom(h: number, w: number, c: number, kernel: [number, number], strides: [number, number], padding: "same" | "valid"): Window {
  const out = (size: number, k: number, s: number) => (padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);
  return windowOf([1, h, w, c], [1, out(h, kernel[0], strides[0]), out(w, kernel[1], strides[1]), 1], { kernel, strides, padding });
}

interface ConvCase {
  tag: string;
  /** Runs the kernels of another case (same specs, other n). */
  same?: string;
  g: Window;
  filters: number;
  n: number;
  bias: boolean;
  relu: boolean;
  tile?: [number, number];
  gkTile?: [number, number];
  accumulate?: boolean;
  /** Reduction steps per loop iteration (default 1): unrolled code paths. */
  unroll?: number;
}

const CNN = geom(28, 28, 1, [3, 3], [1, 1], "valid");
const convCases: ConvCase[] = [
  { tag: "cnn32", g: CNN, filters: 32, n: 32, bias: true, relu: true },
  { tag: "cnn17", same: "cnn32", g: CNN, filters: 32, n: 17, bias: true, relu: true },
  { tag: "c1f5k3s1same", g: geom(7, 6, 1, [3, 3], [1, 1], "same"), filters: 5, n: 3, bias: true, relu: false },
  { tag: "c3f8k2s2valid", g: geom(9, 8, 3, [2, 2], [2, 2], "valid"), filters: 8, n: 2, bias: false, relu: true },
  {
    tag: "c5f13k5s1same",
    g: geom(8, 9, 5, [5, 5], [1, 1], "same"),
    filters: 13,
    n: 2,
    bias: true,
    relu: true,
    accumulate: true,
    unroll: 7,
  },
  { tag: "c3f1k1s1valid", g: geom(5, 4, 3, [1, 1], [1, 1], "valid"), filters: 1, n: 3, bias: true, relu: false },
  { tag: "c5f5k32s21same", g: geom(9, 7, 5, [3, 2], [2, 1], "same"), filters: 5, n: 2, bias: true, relu: false, unroll: 3 },
  { tag: "c1f13k5s2same", g: geom(11, 10, 1, [5, 5], [2, 2], "same"), filters: 13, n: 2, bias: false, relu: false, accumulate: true },
  {
    tag: "c3f13k3s2same",
    g: geom(8, 8, 3, [3, 3], [2, 2], "same"),
    filters: 13,
    n: 2,
    bias: true,
    relu: true,
    tile: [3, 3],
    gkTile: [3, 2],
  },
  {
    tag: "c5f8k23s12valid",
    g: geom(7, 9, 5, [2, 3], [1, 2], "valid"),
    filters: 8,
    n: 2,
    bias: true,
    relu: false,
    tile: [1, 8],
    gkTile: [1, 2],
  },
  { tag: "c3f5k2s3valid", g: geom(8, 7, 3, [2, 2], [3, 3], "valid"), filters: 5, n: 2, bias: true, relu: false },
  { tag: "c8f16k3s1same", g: geom(6, 5, 8, [3, 3], [1, 1], "same"), filters: 16, n: 2, bias: true, relu: true, tile: [6, 2], unroll: 4 },
  {
    tag: "c16f20k3s1valid",
    g: geom(7, 6, 16, [3, 3], [1, 1], "valid"),
    filters: 20,
    n: 2,
    bias: true,
    relu: false,
    gkTile: [4, 2],
    unroll: 20,
  },
  {
    tag: "c1f32k3s1same",
    g: geom(9, 9, 1, [3, 3], [1, 1], "same"),
    filters: 32,
    n: 2,
    bias: true,
    relu: true,
    tile: [1, 8],
    gkTile: [1, 8],
  },
];

interface PoolCase {
  tag: string;
  same?: string;
  /** Also the max-pool gradients with the fused relu mask. */
  relu?: boolean;
  g: Window;
  n: number;
}
const poolCases: PoolCase[] = [
  { tag: "cnn32", g: geom(26, 26, 32, [2, 2], [2, 2], "valid"), n: 32, relu: true },
  { tag: "cnn17", same: "cnn32", g: geom(26, 26, 32, [2, 2], [2, 2], "valid"), n: 17, relu: true },
  { tag: "k3s2same", g: geom(7, 7, 5, [3, 3], [2, 2], "same"), n: 2, relu: true },
  { tag: "k2s1valid", g: geom(5, 6, 3, [2, 2], [1, 1], "valid"), n: 2, relu: true },
  { tag: "k3s1same", g: geom(6, 5, 13, [3, 3], [1, 1], "same"), n: 2 },
  { tag: "k23s21same", g: geom(7, 8, 4, [2, 3], [2, 1], "same"), n: 2 },
  { tag: "k2s3valid", g: geom(8, 8, 6, [2, 2], [3, 3], "valid"), n: 2 },
  { tag: "k2s2same_odd", g: geom(7, 5, 1, [2, 2], [2, 2], "same"), n: 3 },
  { tag: "k1s1", g: geom(4, 3, 9, [1, 1], [1, 1], "valid"), n: 2 },
  { tag: "k5s2same", g: geom(6, 9, 40, [5, 5], [2, 2], "same"), n: 1 },
];

interface ConvPoolCase {
  tag: string;
  same?: string;
  g: Window;
  filters: number;
  pool: Window;
  n: number;
  bias: boolean;
  relu: boolean;
  argmax: boolean;
}
const cnnPool = geom(26, 26, 32, [2, 2], [2, 2], "valid");
const convPoolCases: ConvPoolCase[] = [
  { tag: "cp_cnn32", g: CNN, filters: 32, pool: cnnPool, n: 32, bias: true, relu: true, argmax: true },
  { tag: "cp_cnn17", same: "cp_cnn32", g: CNN, filters: 32, pool: cnnPool, n: 17, bias: true, relu: true, argmax: true },
  {
    tag: "cp_same",
    g: geom(8, 8, 3, [3, 3], [2, 2], "same"),
    filters: 13,
    pool: geom(4, 4, 13, [3, 3], [2, 2], "same"),
    n: 3,
    bias: false,
    relu: true,
    argmax: true,
  },
  {
    tag: "cp_overlap",
    g: geom(7, 6, 5, [2, 2], [1, 1], "valid"),
    filters: 5,
    pool: geom(6, 5, 5, [2, 2], [1, 1], "valid"),
    n: 2,
    bias: true,
    relu: false,
    argmax: false,
  },
];

const convG = (cc: ConvCase): K.ConvGeom => ({ ...cc.g, f: cc.filters });
const poolG = (g: Window): K.PoolGeom => ({ ...g, ph: g.kh, pw: g.kw });
const sizes = (g: Window, f: number, n: number) => ({ x: n * g.h * g.w * g.c, y: n * g.oh * g.ow * f, k: g.kh * g.kw * g.c * f });

let inst: KernelInstance<Record<string, (...a: number[]) => void>>;
const MEM = 64 << 20;

/** The kernels runConv calls for a case (relaxed: f32x4.relaxed_madd). */
function addConvKernels(b: BinaryenApi, mod: Mod, cc: ConvCase, relaxed = false): void {
  const base = { ...cc.g, filters: cc.filters, relaxed };
  const unroll = cc.unroll;
  addConv2d(b, mod, { ...base, name: `${cc.tag}_fwd`, bias: cc.bias, activation: cc.relu ? "relu" : "none", tile: cc.tile, unroll });
  addConv2d(b, mod, { ...base, name: `${cc.tag}_fwd_plain`, bias: !cc.bias, activation: "none" });
  addConv2dGradKernel(b, mod, { ...base, name: `${cc.tag}_gk`, bias: cc.bias, tile: cc.gkTile, unroll });
  addConv2dGradKernel(b, mod, { ...base, name: `${cc.tag}_gk_alt`, bias: !cc.bias, accumulate: cc.accumulate, blockRows: 1 });
  addConv2dGradInput(b, mod, { ...base, name: `${cc.tag}_gi`, tile: cc.tile, unroll });
}

function addConvPoolKernels(b: BinaryenApi, mod: Mod, cp: ConvPoolCase, relaxed = false): void {
  const conv = { ...cp.g, filters: cp.filters, bias: cp.bias, activation: cp.relu ? ("relu" as const) : ("none" as const), relaxed };
  addConvMaxPool(b, mod, { ...conv, name: `${cp.tag}_fused`, pool: cp.pool, argmax: cp.argmax });
  addConv2d(b, mod, { ...conv, name: `${cp.tag}_conv` });
  addMaxPool2d(b, mod, { ...cp.pool, name: `${cp.tag}_pool`, argmax: true });
}

beforeAll(async () => {
  const b = await loadBinaryen();
  const built = buildModule(b, (mod) => {
    for (const cc of convCases) if (!cc.same) addConvKernels(b, mod, cc);
    for (const cp of convPoolCases) if (!cp.same) addConvPoolKernels(b, mod, cp);
    for (const pc of poolCases) {
      if (pc.same) continue;
      addMaxPool2d(b, mod, { ...pc.g, name: `${pc.tag}_max` });
      addMaxPool2d(b, mod, { ...pc.g, name: `${pc.tag}_maxa`, argmax: true });
      addMaxPool2dGrad(b, mod, { ...pc.g, name: `${pc.tag}_maxg` });
      addMaxPool2dGrad(b, mod, { ...pc.g, name: `${pc.tag}_maxga`, fromArgmax: true });
      if (pc.relu) {
        addMaxPool2dGrad(b, mod, { ...pc.g, name: `${pc.tag}_maxgr`, reluMask: true });
        addMaxPool2dGrad(b, mod, { ...pc.g, name: `${pc.tag}_maxgar`, fromArgmax: true, reluMask: true });
      }
      addAvgPool2d(b, mod, { ...pc.g, name: `${pc.tag}_avg` });
      addAvgPool2dGrad(b, mod, { ...pc.g, name: `${pc.tag}_avgg` });
    }
  });
  inst = await instantiateKernels(built.binary, { memoryBytes: MEM });
}, 60_000);

const GUARD = 4;
const GUARD_VALUE = 12345.5;

/** Allocates buffers (each followed by guard words) and returns offsets and views. */
class Bufs {
  private lay = new Layout(64);
  private guards: number[] = [];
  alloc(floats: number): number {
    const at = this.lay.floats(floats + GUARD);
    inst.f32(at + floats * 4, GUARD).fill(GUARD_VALUE);
    this.guards.push(at + floats * 4);
    return at;
  }
  scratch(bytes: number): number {
    // Deliberately misaligned by 4 bytes, filled with garbage: neither may matter.
    const at = this.lay.alloc(bytes + 4) + 4;
    inst.f32(at, Math.floor(bytes / 4)).fill(NaN);
    return at;
  }
  guardsIntact(): boolean {
    return this.guards.every((g) => inst.f32(g, GUARD).every((v) => v === GUARD_VALUE));
  }
  get bytes(): number {
    return this.lay.bytes;
  }
}

/** Bit-for-bit equal (NaN equal to NaN): the max is exact. */
function same(name: string, got: Float32Array, want: Float32Array): void {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i]) && !(Number.isNaN(got[i]) && Number.isNaN(want[i])))
      throw new Error(`${name}[${i}]: ${got[i]}, expected ${want[i]}`);
  }
  if (got.length !== want.length) throw new Error(`${name}: length ${got.length}, expected ${want.length}`);
}

function check(name: string, got: Float32Array, want: ArrayLike<number>): void {
  const c = compare(name, got, want, TOL);
  if (!c.ok) throw new Error(c.message);
}

function runConv(cc: ConvCase, n: number, seed: number): void {
  const kn = cc.same ?? cc.tag;
  const r = new TestRandom(seed);
  const z = sizes(cc.g, cc.filters, n);
  const G = convG(cc);
  const B = new Bufs();
  const at = {
    x: B.alloc(z.x),
    k: B.alloc(z.k),
    y: B.alloc(z.y),
    bias: B.alloc(cc.filters),
    dy: B.alloc(z.y),
    dk: B.alloc(z.k),
    dbias: B.alloc(cc.filters),
    dx: B.alloc(z.x),
  };
  const x = inst.f32(at.x, z.x);
  r.fill(x, -1, 1);
  // Some exact zeros in x (the reference skips them).
  for (let i = 0; i < x.length; i += 7) x[i] = 0;
  const k = inst.f32(at.k, z.k);
  r.fill(k, -0.5, 0.5);
  const bias = inst.f32(at.bias, cc.filters);
  r.fill(bias, -0.5, 0.5);
  const dy = inst.f32(at.dy, z.y);
  r.fill(dy, -1, 1);
  const wsBytes = Math.max(
    conv2dScratchBytes({ ...cc.g, name: "", filters: cc.filters, bias: true }),
    conv2dGradKernelScratchBytes({ ...cc.g, name: "", filters: cc.filters, bias: true }),
    conv2dGradInputScratchBytes({ ...cc.g, name: "", filters: cc.filters }),
  );
  const wsAt = B.scratch(wsBytes);
  if (B.bytes > MEM) throw new Error("test memory too small");
  const args = (names: string[]): number[] => names.map((p) => (p === "n" ? n : p === "ws" ? wsAt : at[p as keyof typeof at]));

  // forward (bias/activation as the case says), then the other bias setting without activation
  for (const [suffix, useBias, relu] of [
    ["fwd", cc.bias, cc.relu],
    ["fwd_plain", !cc.bias, false],
  ] as const) {
    const yv = inst.f32(at.y, z.y);
    yv.fill(NaN);
    inst.exports[`${kn}_${suffix}`](...args(conv2dParams({ ...cc.g, name: "", filters: cc.filters, bias: useBias })));
    const want = new Float32Array(z.y);
    K.conv2d(want, x, k, useBias ? bias : null, n, G);
    if (relu) for (let i = 0; i < want.length; i++) want[i] = want[i] > 0 ? want[i] : 0;
    check(`${cc.tag}_${suffix} y`, inst.f32(at.y, z.y), want);
  }

  // kernel gradient (+ bias gradient), and the alternative (other bias setting, block rows 1, accumulate?)
  const wantDk = new Float32Array(z.k);
  K.conv2dGradKernel(wantDk, x, dy, n, G);
  const wantDb = new Float32Array(cc.filters);
  for (let i = 0; i < z.y; i++) wantDb[i % cc.filters] += dy[i];
  for (const [suffix, useBias, acc] of [
    ["gk", cc.bias, false],
    ["gk_alt", !cc.bias, cc.accumulate ?? false],
  ] as const) {
    const dk = inst.f32(at.dk, z.k);
    const db = inst.f32(at.dbias, cc.filters);
    const dk0 = new Float32Array(z.k);
    const db0 = new Float32Array(cc.filters);
    if (acc) {
      r.fill(dk0, -1, 1);
      r.fill(db0, -1, 1);
    }
    dk.set(acc ? dk0 : new Float32Array(z.k).fill(NaN));
    db.set(acc ? db0 : new Float32Array(cc.filters).fill(NaN));
    inst.exports[`${kn}_${suffix}`](...args(conv2dGradKernelParams({ ...cc.g, name: "", filters: cc.filters, bias: useBias })));
    check(
      `${cc.tag}_${suffix} dk`,
      inst.f32(at.dk, z.k),
      wantDk.map((v, i) => v + dk0[i]),
    );
    if (useBias)
      check(
        `${cc.tag}_${suffix} dbias`,
        inst.f32(at.dbias, cc.filters),
        wantDb.map((v, i) => v + db0[i]),
      );
  }

  // input gradient
  const dx = inst.f32(at.dx, z.x);
  dx.fill(NaN);
  inst.exports[`${kn}_gi`](...args(conv2dGradInputParams({ ...cc.g, name: "", filters: cc.filters })));
  const wantDx = new Float32Array(z.x);
  K.conv2dGradInput(wantDx, dy, k, n, G);
  check(`${cc.tag}_gi dx`, inst.f32(at.dx, z.x), wantDx);
  expect(B.guardsIntact()).toBe(true);
}

function runPool(pc: PoolCase, n: number, seed: number, values: "random" | "ties" = "random"): void {
  const kn = pc.same ?? pc.tag;
  const r = new TestRandom(seed);
  const g = pc.g;
  const zx = n * g.h * g.w * g.c;
  const zy = n * g.oh * g.ow * g.c;
  const G = poolG(g);
  const B = new Bufs();
  const at = { x: B.alloc(zx), y: B.alloc(zy), argmax: B.alloc(zy), dy: B.alloc(zy), dx: B.alloc(zx) };
  const x = inst.f32(at.x, zx);
  if (values === "ties") for (let i = 0; i < zx; i++) x[i] = r.int(3) - 1;
  else r.fill(x, -1, 1);
  const dy = inst.f32(at.dy, zy);
  r.fill(dy, -1, 1);
  const args = (names: string[]): number[] => names.map((p) => (p === "n" ? n : at[p as keyof typeof at]));
  const spec = { ...g, name: "" };

  const wantY = new Float32Array(zy);
  K.maxpool2d(wantY, x, n, G);
  for (const suffix of ["max", "maxa"]) {
    inst.f32(at.y, zy).fill(NaN);
    inst.exports[`${kn}_${suffix}`](...args(maxpool2dParams({ ...spec, argmax: suffix === "maxa" })));
    same(`${pc.tag}_${suffix} y`, inst.f32(at.y, zy), wantY);
  }
  const wantDx = new Float32Array(zx);
  K.maxpool2dGrad(wantDx, dy, x, n, G);
  for (const suffix of ["maxg", "maxga"]) {
    inst.f32(at.dx, zx).fill(NaN);
    inst.exports[`${kn}_${suffix}`](...args(maxpool2dGradParams({ ...spec, fromArgmax: suffix === "maxga" })));
    check(`${pc.tag}_${suffix} dx`, inst.f32(at.dx, zx), wantDx);
  }
  if (pc.relu) {
    // relu_grad(maxpool2dGrad(dy, x), x): dx where x > 0
    const wantMasked = wantDx.map((v, i) => (x[i] > 0 ? v : 0));
    for (const suffix of ["maxgr", "maxgar"]) {
      inst.f32(at.dx, zx).fill(NaN);
      inst.exports[`${kn}_${suffix}`](...args(maxpool2dGradParams({ ...spec, fromArgmax: suffix === "maxgar", reluMask: true })));
      check(`${pc.tag}_${suffix} dx`, inst.f32(at.dx, zx), wantMasked);
    }
  }
  inst.f32(at.y, zy).fill(NaN);
  inst.exports[`${kn}_avg`](...args(avgpool2dParams(spec)));
  const wantAvg = new Float32Array(zy);
  K.avgpool2d(wantAvg, x, n, G);
  check(`${pc.tag}_avg y`, inst.f32(at.y, zy), wantAvg);
  inst.f32(at.dx, zx).fill(NaN);
  inst.exports[`${kn}_avgg`](...args(avgpool2dGradParams(spec)));
  const wantAvgDx = new Float32Array(zx);
  K.avgpool2dGrad(wantAvgDx, dy, n, G);
  check(`${pc.tag}_avgg dx`, inst.f32(at.dx, zx), wantAvgDx);
  expect(B.guardsIntact()).toBe(true);
}

describe("wasm SIMD128 conv2d vs runtime/kernels/conv.ts", () => {
  for (const [i, cc] of convCases.entries()) {
    const { h, w, c, oh, ow, kh, kw, sh, sw, pt, pl } = cc.g;
    it(`${cc.tag}: ${h}×${w}×${c} → ${oh}×${ow}×${cc.filters}, kernel ${kh}×${kw}, strides ${sh}×${sw}, pad ${pt},${pl}, n=${cc.n}`, () => {
      runConv(cc, cc.n, 100 + i);
    });
  }
  // The relaxed-SIMD module, built once for the two tests below: every engine checks its
  // text, only one that accepts relaxed SIMD runs it.
  let relaxed: Promise<{ cases: ConvCase[]; built: EmittedModule }> | undefined;
  const relaxedModule = () =>
    (relaxed ??= loadBinaryen().then((b) => {
      const pick = ["cnn32", "c5f13k5s1same", "c3f13k3s2same", "c16f20k3s1valid"];
      const cases = convCases.filter((c) => pick.includes(c.tag));
      const built = buildModule(
        b,
        (mod) => {
          for (const cc of cases) addConvKernels(b, mod, cc, true);
          addConvPoolKernels(b, mod, convPoolCases[0], true);
        },
        { relaxed: true, text: true },
      );
      return { cases, built };
    }));
  it("relaxed variant: the kernels multiply-add with f32x4.relaxed_madd", async () => {
    expect((await relaxedModule()).built.text).toContain("f32x4.relaxed_madd");
  });
  it.skipIf(!hasRelaxedSimd())("relaxed variant: the same kernels agree with the reference", async () => {
    const { cases, built } = await relaxedModule();
    const saved = inst;
    inst = await instantiateKernels(built.binary, { memoryBytes: MEM });
    try {
      for (const [i, cc] of cases.entries()) runConv(cc, cc.n, 800 + i);
      runConvPool(convPoolCases[0], 32, 810);
    } finally {
      inst = saved;
    }
  });

  it("takes n at run time: 0 and 1 rows through the same kernels (n = 0 writes dk = 0, nothing else)", () => {
    for (const [i, cc] of convCases.entries()) {
      if (cc.n > 3) continue;
      runConv(cc, 1, 500 + i);
      runConv(cc, 0, 600 + i);
    }
  });
});

function runConvPool(cp: ConvPoolCase, n: number, seed: number): void {
  const kn = cp.same ?? cp.tag;
  const r = new TestRandom(seed);
  const g = cp.g;
  const p = cp.pool;
  const z = sizes(g, cp.filters, n);
  const zp = n * p.oh * p.ow * p.c;
  const B = new Bufs();
  const at = {
    x: B.alloc(z.x),
    k: B.alloc(z.k),
    bias: B.alloc(cp.filters),
    y: B.alloc(zp),
    argmax: B.alloc(zp),
    conv: B.alloc(z.y),
    y2: B.alloc(zp),
    argmax2: B.alloc(zp),
    ws: 0,
  };
  const spec = { ...g, name: "", filters: cp.filters, bias: cp.bias, pool: p, argmax: cp.argmax };
  at.ws = B.scratch(Math.max(convMaxPoolScratchBytes(spec), conv2dScratchBytes(spec)));
  const x = inst.f32(at.x, z.x);
  r.fill(x, -1, 1);
  const k = inst.f32(at.k, z.k);
  r.fill(k, -0.5, 0.5);
  const bias = inst.f32(at.bias, cp.filters);
  r.fill(bias, -0.5, 0.5);
  inst.f32(at.y, zp).fill(NaN);
  inst.exports[`${kn}_fused`](...convMaxPoolParams(spec).map((q) => (q === "n" ? n : at[q as keyof typeof at])));
  // the reference: conv2d, relu, maxpool2d
  const conv = new Float32Array(z.y);
  K.conv2d(conv, x, k, cp.bias ? bias : null, n, { ...g, f: cp.filters });
  if (cp.relu) for (let i = 0; i < conv.length; i++) conv[i] = conv[i] > 0 ? conv[i] : 0;
  const want = new Float32Array(zp);
  K.maxpool2d(want, conv, n, poolG(p));
  check(`${cp.tag} y`, inst.f32(at.y, zp), want);
  // the unfused wasm kernels: the same bits, the same argmax
  inst.exports[`${kn}_conv`](...conv2dParams(spec).map((q) => (q === "n" ? n : q === "y" ? at.conv : at[q as keyof typeof at])));
  inst.exports[`${kn}_pool`](n, at.conv, at.y2, at.argmax2);
  same(`${cp.tag} y vs unfused`, inst.f32(at.y, zp), inst.f32(at.y2, zp));
  if (cp.argmax) {
    const [a1, a2] = [new Int32Array(inst.memory.buffer, at.argmax, zp), new Int32Array(inst.memory.buffer, at.argmax2, zp)];
    const bad = a1.findIndex((v, i) => v !== a2[i]);
    if (bad >= 0) throw new Error(`${cp.tag} argmax[${bad}]: ${a1[bad]}, unfused ${a2[bad]}`);
  }
  expect(B.guardsIntact()).toBe(true);
}

describe("wasm SIMD128 conv2d + max pooling (fused) vs runtime/kernels/conv.ts", () => {
  for (const [i, cp] of convPoolCases.entries()) {
    it(`${cp.tag}: conv ${cp.g.h}×${cp.g.w}×${cp.g.c} → ${cp.g.oh}×${cp.g.ow}×${cp.filters}, pool ${cp.pool.kh}×${cp.pool.kw}/${cp.pool.sh} → ${cp.pool.oh}×${cp.pool.ow}, n=${cp.n}`, () => {
      runConvPool(cp, cp.n, 700 + i);
      if (cp.n <= 3) {
        runConvPool(cp, 1, 710 + i);
        runConvPool(cp, 0, 720 + i);
      }
    });
  }
});

describe("wasm SIMD128 pooling vs runtime/kernels/conv.ts", () => {
  for (const [i, pc] of poolCases.entries()) {
    const { h, w, c, oh, ow, kh, kw, sh, sw, pt, pl } = pc.g;
    it(`${pc.tag}: ${h}×${w}×${c} → ${oh}×${ow}, window ${kh}×${kw}, strides ${sh}×${sw}, pad ${pt},${pl}, n=${pc.n}`, () => {
      runPool(pc, pc.n, 200 + i);
    });
  }
  it("max pooling routes ties to the reference's element (values in {−1, 0, 1})", () => {
    for (const [i, pc] of poolCases.entries()) runPool(pc, Math.min(pc.n, 3), 300 + i, "ties");
  });
  it("n = 0 and 1 through the same kernels", () => {
    for (const [i, pc] of poolCases.entries()) {
      runPool(pc, 1, 400 + i);
      runPool(pc, 0, 450 + i);
    }
  });
  it("NaN and −∞ in windows: the reference's max and its argmax", () => {
    const pc = poolCases.find((p) => p.tag === "k3s1same")!;
    const g = pc.g;
    const n = 1;
    const zx = g.h * g.w * g.c;
    const zy = g.oh * g.ow * g.c;
    const r = new TestRandom(9);
    const B = new Bufs();
    const at = { x: B.alloc(zx), y: B.alloc(zy), argmax: B.alloc(zy), dy: B.alloc(zy), dx: B.alloc(zx) };
    const x = inst.f32(at.x, zx);
    r.fill(x, -1, 1);
    for (let i = 0; i < zx; i += 5) x[i] = NaN;
    for (let i = 2; i < zx; i += 11) x[i] = -Infinity;
    r.fill(inst.f32(at.dy, zy), -1, 1);
    const args = (names: string[]): number[] => names.map((p) => (p === "n" ? n : at[p as keyof typeof at]));
    const wantY = new Float32Array(zy);
    K.maxpool2d(wantY, x, n, poolG(g));
    inst.exports[`${pc.tag}_maxa`](...args(maxpool2dParams({ ...g, name: "", argmax: true })));
    same("maxpool y", inst.f32(at.y, zy), wantY);
    const wantDx = new Float32Array(zx);
    K.maxpool2dGrad(wantDx, inst.f32(at.dy, zy), x, n, poolG(g));
    for (const suffix of ["maxg", "maxga"]) {
      inst.exports[`${pc.tag}_${suffix}`](...args(maxpool2dGradParams({ ...g, name: "", fromArgmax: suffix === "maxga" })));
      check(`${suffix} dx`, inst.f32(at.dx, zx), wantDx);
    }
  });
});
