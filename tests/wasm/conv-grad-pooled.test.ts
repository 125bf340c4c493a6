// The first layer's backward in one pass (conv-grad-pooled.ts): the kernel gradient and the bias
// gradient of a one-channel convolution whose dy comes from a relu → max-pool's gradient, never
// stored. Against the three kernels it replaces — the pool's gradient through the argmax with
// the relu mask (writes dy), the kernel gradient by taps (reads dy) and sum_rows (dbias) — word
// for word: the whole call, every cut into two ranges of units, and each unit alone (its taps'
// rows of its filters' columns of dk, and dbias's columns where it is its panel's first tile).
// The inputs include NaN, ±0 and ties of the pooled value at 0, and argmaxes everywhere.
import { describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import {
  addConv2dGradKernel,
  conv2dGradKernelParams,
  conv2dGradKernelScratchBytes,
  conv2dGradKernelTaps,
  conv2dGradKernelUnits,
  tapUnit,
  type Conv2dGradKernelSpec,
} from "../../compiler/wasm/kernels/conv-grad.js";
import { addMaxPool2dGrad, maxpool2dGradParams, type MaxPool2dGradSpec } from "../../compiler/wasm/kernels/pool.js";
import { addSumRows } from "../../compiler/wasm/kernels/reductions.js";
import { poolTilesExactly } from "../../compiler/wasm/kernels/conv-grad-pooled.js";
import { instantiateKernelsSync, Layout } from "../../runtime/wasm/instantiate.js";
import { TestRandom } from "../helpers/numerics.js";

const bytes = (a: Float32Array) => Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());

type Case = { conv: Conv2dGradKernelSpec; pool: [number, number] };
const cases: Case[] = [
  // The seed CNN's first layer: 28×28×1 → 32 filters, 3×3 valid, then a 2×2 pool.
  {
    conv: { name: "cnn", h: 28, w: 28, c: 1, oh: 26, ow: 26, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, filters: 32, bias: false },
    pool: [2, 2],
  },
  // Padded (a frame), 20 filters (a tail panel of 4), blocks of 2 rows across 3-row pool windows, a 3×2 pool.
  {
    conv: {
      name: "padded",
      h: 9,
      w: 8,
      c: 1,
      oh: 9,
      ow: 8,
      kh: 5,
      kw: 5,
      sh: 1,
      sw: 1,
      pt: 2,
      pl: 2,
      filters: 20,
      bias: false,
      blockRows: 2,
    },
    pool: [3, 2],
  },
  // Strided, 2×3 taps, 6 filters (one panel, the second vector of 2 lanes), a 1×4 pool.
  {
    conv: { name: "strided", h: 7, w: 9, c: 1, oh: 3, ow: 4, kh: 2, kw: 3, sh: 2, sw: 2, pt: 0, pl: 0, filters: 6, bias: false },
    pool: [1, 4],
  },
];

const poolSpec = (c: Case): MaxPool2dGradSpec => {
  const [kh, kw] = c.pool;
  const { oh, ow } = c.conv;
  return {
    name: `${c.conv.name}_pool`,
    h: oh,
    w: ow,
    c: c.conv.filters,
    oh: oh / kh,
    ow: ow / kw,
    kh,
    kw,
    sh: kh,
    sw: kw,
    pt: 0,
    pl: 0,
    fromArgmax: true,
    reluMask: true,
  };
};
const fused = (c: Case): Conv2dGradKernelSpec => ({
  ...c.conv,
  name: `${c.conv.name}_fused`,
  pooled: { kh: c.pool[0], kw: c.pool[1], sh: c.pool[0], sw: c.pool[1] },
  dbias: true,
});

describe("the first layer's backward in one pass", () => {
  it("qualifies only where the pool's windows tile the convolution's output", () => {
    const p = poolSpec(cases[0]);
    expect(poolTilesExactly(cases[0].conv, p)).toBe(true);
    expect(poolTilesExactly(cases[0].conv, { ...p, sh: 1, sw: 1, oh: 25, ow: 25 })).toBe(false);
    expect(poolTilesExactly({ oh: 27, ow: 27 }, { ...p, h: 27, w: 27 })).toBe(false);
    expect(poolTilesExactly(cases[0].conv, { ...p, pt: 1 })).toBe(false);
  });

  it("writes the three kernels' dk and dbias word for word, whole, cut in two anywhere and unit by unit", async () => {
    const bn = await loadBinaryen();
    const { binary } = buildModule(bn, (mod) =>
      cases.forEach((c) => {
        addConv2dGradKernel(bn, mod, c.conv);
        addConv2dGradKernel(bn, mod, fused(c));
        addMaxPool2dGrad(bn, mod, poolSpec(c));
        addSumRows(bn, mod, { name: `${c.conv.name}_bias`, rowsPerBatch: c.conv.oh * c.conv.ow, batched: true, cols: c.conv.filters });
      }),
    );
    const n = 3;
    const r = new TestRandom(11);
    for (const c of cases) {
      const spec = fused(c);
      const ps = poolSpec(c);
      const K = spec.kh * spec.kw;
      const fl = spec.filters;
      const pooled = n * ps.oh * ps.ow * fl;
      const lay = new Layout();
      const at = {
        x: lay.floats(n * spec.h * spec.w),
        dp: lay.floats(pooled),
        argmax: lay.floats(pooled),
        yp: lay.floats(pooled),
        dy: lay.floats(n * spec.oh * spec.ow * fl),
        dk: lay.floats(K * fl),
        dbias: lay.floats(fl),
        ws: lay.alloc(Math.max(conv2dGradKernelScratchBytes(spec), conv2dGradKernelScratchBytes(c.conv), 16)),
      };
      const inst = instantiateKernelsSync<Record<string, (...a: number[]) => void>>(binary, { memoryBytes: lay.bytes });
      inst.f32(at.x, n * spec.h * spec.w).forEach((_, i, x) => (x[i] = r.uniform(-1, 1)));
      const special = [NaN, 0, -0, Infinity];
      inst.f32(at.dp, pooled).forEach((_, i, x) => (x[i] = r.uniform(0, 1) < 0.02 ? special[i % 4] : r.uniform(-1, 1)));
      inst.f32(at.yp, pooled).forEach((_, i, x) => (x[i] = r.uniform(0, 1) < 0.1 ? [0, -0, NaN][i % 3] : r.uniform(-0.5, 1)));
      [inst.f32(at.dp, pooled)[5], inst.f32(at.yp, pooled)[5]] = [NaN, 0.5]; // one NaN routed for sure
      new Int32Array(inst.memory.buffer, at.argmax, pooled).forEach((_, i, a) => (a[i] = Math.floor(r.uniform(0, ps.kh * ps.kw))));
      // The three kernels: dy, then dk by the kernel gradient and dbias by sum_rows.
      const poolArg: Record<string, number> = { dy: at.dp, argmax: at.argmax, y: at.yp, dx: at.dy };
      inst.exports[ps.name](...maxpool2dGradParams(ps).map((p) => (p === "n" ? n : poolArg[p])));
      const convArgs = conv2dGradKernelParams(c.conv)
        .filter((p) => p !== "lo" && p !== "hi")
        .map((p) => (p === "n" ? n : at[p as keyof typeof at]));
      inst.exports[c.conv.name](...convArgs);
      inst.exports[`${c.conv.name}_bias`](n, at.dbias, at.dy);
      const want = { dk: bytes(inst.f32(at.dk, K * fl)).slice(), dbias: bytes(inst.f32(at.dbias, fl)).slice() };
      expect(new Float32Array(new Uint8Array(want.dk).buffer).every(Number.isFinite), c.conv.name).toBe(false); // NaN reached dk
      // The fused kernel never reads dy: NaN there.
      inst.f32(at.dy, n * spec.oh * spec.ow * fl).fill(NaN);
      const args = conv2dGradKernelParams(spec)
        .filter((p) => p !== "lo" && p !== "hi")
        .map((p) => (p === "n" ? n : at[p as keyof typeof at]));
      const start = { dk: new Float32Array(K * fl).fill(NaN), dbias: new Float32Array(fl).fill(NaN) };
      const call = (...ranges: number[][]) => {
        inst.f32(at.dk, K * fl).set(start.dk);
        inst.f32(at.dbias, fl).set(start.dbias);
        for (const range of ranges) inst.exports[spec.name](...args, ...range);
        return { dk: bytes(inst.f32(at.dk, K * fl)), dbias: bytes(inst.f32(at.dbias, fl)) };
      };
      const same = (got: { dk: Buffer; dbias: Buffer }, w: { dk: Buffer; dbias: Buffer }, what: string) => {
        expect(got.dk.equals(w.dk), `${spec.name} ${what}: dk`).toBe(true);
        expect(got.dbias.equals(w.dbias), `${spec.name} ${what}: dbias`).toBe(true);
      };
      same(call([]), want, "whole");
      const units = conv2dGradKernelUnits(spec);
      for (let cut = 0; cut <= units; cut++)
        same(call(...(cut > 0 ? [[0, cut]] : []), ...(cut < units ? [[cut, units]] : [])), want, `cut at ${cut}`);
      const plan = conv2dGradKernelTaps(spec)!;
      for (let u = 0; u < units; u++) {
        const { tile, panel: p } = tapUnit(plan, u);
        const rows = plan.tiles[tile];
        const mine = (f: number) => f >= p * plan.width && f < (p + 1) * plan.width;
        const w = { dk: bytes(start.dk), dbias: bytes(start.dbias) };
        for (let i = 0; i < K * fl; i++) if (rows.includes(Math.floor(i / fl)) && mine(i % fl)) want.dk.copy(w.dk, 4 * i, 4 * i, 4 * i + 4);
        if (tile === 0) for (let f = 0; f < fl; f++) if (mine(f)) want.dbias.copy(w.dbias, 4 * f, 4 * f, 4 * f + 4);
        same(call([u, u + 1]), w, `unit ${u}`);
      }
    }
  });
});
