// The exported model's conv2d → relu → maxpool2d(2) kernel (compiler/wasm/kernels/conv-relu-pool.ts:
// the pool's window as the register tile, all-zero input patches skipped) against the
// trainer's convMaxPool (conv.ts: the convolution of an image into scratch, then the pool):
// the same bits on images with zero backgrounds (+0 and −0), negative, NaN and infinite
// pixels, biases of both signs, −0, NaN and none, for strides, channels, odd outputs
// and filter counts that leave partial vectors.
import { beforeAll, describe, expect, it } from "vitest";
import { windowOf } from "../../compiler/emit/geometry.js";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { addConvMaxPool, convMaxPoolParams, convMaxPoolScratchBytes, type ConvMaxPoolSpec } from "../../compiler/wasm/kernels/conv.js";
import {
  addConvReluPool,
  convReluPoolFits,
  convReluPoolParams,
  type ConvReluPoolSpec,
} from "../../compiler/wasm/kernels/conv-relu-pool.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

type Fn = (...args: number[]) => void;
interface Case {
  readonly tag: string;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly filters: number;
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly bias: boolean;
  readonly ns: readonly number[];
}

const cases: Case[] = [
  // The seed CNN's first layer: 28×28×1, 3×3, 32 filters.
  { tag: "cnn", h: 28, w: 28, c: 1, filters: 32, kernel: [3, 3], strides: [1, 1], bias: true, ns: [0, 1, 3] },
  // Channels, filters of partial vectors (6 = 4 + 2, 13 = 8 + 4 + 1), odd outputs (the last row and column unpooled), strides, no bias.
  { tag: "c3f6", h: 11, w: 12, c: 3, filters: 6, kernel: [3, 3], strides: [1, 1], bias: false, ns: [1, 2] },
  { tag: "c2f13", h: 12, w: 9, c: 2, filters: 13, kernel: [2, 3], strides: [1, 1], bias: true, ns: [1, 2] },
  { tag: "s2", h: 15, w: 16, c: 1, filters: 8, kernel: [3, 3], strides: [2, 2], bias: true, ns: [2] },
  { tag: "k5f20", h: 14, w: 17, c: 4, filters: 20, kernel: [5, 5], strides: [1, 2], bias: true, ns: [1] },
];

function specs(c: Case, relaxed: boolean): { trainer: ConvMaxPoolSpec; mine: ConvReluPoolSpec } {
  const conv = windowOf(["B", c.h, c.w, c.c], ["B", ...out(c)], { kernel: c.kernel, strides: c.strides, padding: "valid" });
  const [oh, ow] = out(c);
  const pool = windowOf(["B", oh, ow, c.filters], ["B", Math.floor(oh / 2), Math.floor(ow / 2)], {
    pool: [2, 2],
    strides: [2, 2],
    padding: "valid",
  });
  const rx = relaxed ? "_rx" : "";
  return {
    trainer: {
      ...conv,
      name: `${c.tag}_trainer${rx}`,
      filters: c.filters,
      bias: c.bias,
      activation: "relu",
      pool,
      relaxed: relaxed || undefined,
    },
    mine: { ...conv, name: `${c.tag}_mine${rx}`, filters: c.filters, bias: c.bias, pool, relaxed: relaxed || undefined },
  };
}
const out = (c: Case): [number, number] => [
  Math.floor((c.h - c.kernel[0]) / c.strides[0]) + 1,
  Math.floor((c.w - c.kernel[1]) / c.strides[1]) + 1,
];

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

const sizes = (c: Case, n: number) => {
  const [oh, ow] = out(c);
  return {
    x: n * c.h * c.w * c.c,
    k: c.kernel[0] * c.kernel[1] * c.c * c.filters,
    y: n * Math.floor(oh / 2) * Math.floor(ow / 2) * c.filters,
  };
};
const bytesFor = (c: Case) => {
  const s = sizes(c, Math.max(...c.ns, 1));
  return 4 * (s.x + s.k + 2 * s.y + c.filters + 64) + convMaxPoolScratchBytes(specs(c, false).trainer) + 1024;
};

async function build(relaxed: boolean, which: readonly Case[]): Promise<KernelInstance<Record<string, Fn>>> {
  const b = await loadBinaryen();
  const mod = buildModule(
    b,
    (mod) => {
      for (const c of which) {
        const s = specs(c, relaxed);
        addConvMaxPool(b, mod, s.trainer);
        addConvReluPool(b, mod, s.mine);
      }
    },
    // binaryen's level 1 (exports use 3): the same operations in the same order, built in a tenth of the time.
    { relaxed, optimizeLevel: 1 },
  );
  return instantiateKernels<Record<string, Fn>>(mod.binary, { memoryBytes: Math.max(...which.map(bytesFor)) });
}

/** Images whose left half is zero (the rest stripes; a −0 in the background); image 1 also has negative, NaN and infinite pixels. */
function fillX(x: Float32Array, c: Case, n: number, r: () => number): void {
  for (let s = 0; s < n; s++)
    for (let i = 0; i < c.h; i++)
      for (let j = 0; j < c.w; j++) {
        const inside = 2 * j >= c.w && (i + j) % 5 < 3;
        for (let ch = 0; ch < c.c; ch++) {
          const u = r();
          let v = inside ? u : i === 1 && j === 1 ? -0 : 0; // one −0 in the background: its patches are convolved
          if (s === 1 && inside && u < 0.3) v = -u;
          if (s === 1 && i === c.h - 4 && j === c.w - 2) v = ch === 0 ? NaN : Infinity;
          x[((s * c.h + i) * c.w + j) * c.c + ch] = v;
        }
      }
}

function run(inst: KernelInstance<Record<string, Fn>>, c: Case, n: number, relaxed: boolean, seed: number) {
  const r = rng(seed);
  const s = specs(c, relaxed);
  const z = sizes(c, n);
  const lay = new Layout(16);
  const at = {
    x: lay.floats(z.x),
    k: lay.floats(z.k),
    bias: lay.floats(c.filters),
    y: lay.floats(z.y + 1),
    y2: lay.floats(z.y + 1),
    ws: lay.alloc(convMaxPoolScratchBytes(s.trainer)),
  };
  fillX(inst.f32(at.x, z.x), c, n, r);
  inst.f32(at.k, z.k).set(Float32Array.from({ length: z.k }, () => r() - 0.5));
  // Biases of both signs, with a −0 and a NaN among them.
  inst.f32(at.bias, c.filters).set(Float32Array.from({ length: c.filters }, (_, f) => (f === 1 ? -0 : f === 2 ? NaN : r() - 0.5)));
  for (const o of [at.y, at.y2]) inst.f32(o, z.y + 1).fill(1234.5);
  const call = (name: string, params: string[], y: number) =>
    inst.exports[name](...params.map((p) => (p === "n" ? n : p === "y" ? y : at[p as keyof typeof at])));
  call(s.trainer.name, convMaxPoolParams(s.trainer), at.y);
  call(s.mine.name, convReluPoolParams(s.mine), at.y2);
  const words = (o: number) => Array.from(new Uint32Array(inst.f32(o, z.y + 1).slice().buffer));
  return { trainer: words(at.y), mine: words(at.y2), skipped: skippedPatches(inst.f32(at.x, z.x), c, n) };
}

/** Pooled pixels whose input patch is all zero bits (the kernel writes relu(bias) there without convolving). */
function skippedPatches(x: Float32Array, c: Case, n: number): number {
  const [oh, ow] = out(c);
  const [sh, sw] = c.strides;
  const [kh, kw] = c.kernel;
  let count = 0;
  for (let s = 0; s < n; s++)
    for (let py = 0; py < Math.floor(oh / 2); py++)
      for (let px = 0; px < Math.floor(ow / 2); px++) {
        let zero = true;
        for (let i = 0; i < sh + kh; i++)
          for (let j = 0; j < (sw + kw) * c.c; j++)
            if (!Object.is(x[((s * c.h + 2 * py * sh + i) * c.w + 2 * px * sw) * c.c + j], 0)) zero = false;
        if (zero) count++;
      }
  return count;
}

describe("conv → relu → maxpool(2) for exports (conv-relu-pool.ts) vs the trainer's convMaxPool (conv.ts)", () => {
  let inst: KernelInstance<Record<string, Fn>>;
  beforeAll(async () => {
    inst = await build(false, cases);
  }, 30_000);

  it("applies to valid convolutions followed by a 2×2 stride-2 pool without padding, only", () => {
    const conv = windowOf(["B", 28, 28, 1], ["B", 26, 26], { kernel: [3, 3], strides: [1, 1], padding: "valid" });
    const same = windowOf(["B", 28, 28, 1], ["B", 28, 28], { kernel: [3, 3], strides: [1, 1], padding: "same" });
    const pool = (h: number, size: number) =>
      windowOf(["B", h, h, 32], ["B", Math.floor(h / size), Math.floor(h / size)], {
        pool: [size, size],
        strides: [size, size],
        padding: "valid",
      });
    expect(convReluPoolFits(conv, pool(26, 2))).toBe(true);
    expect(convReluPoolFits(same, pool(28, 2))).toBe(false);
    expect(convReluPoolFits(conv, pool(26, 3))).toBe(false);
  });

  for (const [i, c] of cases.entries())
    it(`${c.tag}: ${c.h}×${c.w}×${c.c}, ${c.kernel.join("×")} stride ${c.strides.join("×")}, ${c.filters} filters${c.bias ? " + bias" : ""}, n = ${c.ns.join(", ")}: the same bits`, () => {
      for (const n of c.ns) {
        const r = run(inst, c, n, false, 10 * i + n);
        expect(r.mine, `${c.tag} n=${n}`).toEqual(r.trainer);
        expect(r.mine[r.mine.length - 1], "y's next word untouched").toBe(new Uint32Array(new Float32Array([1234.5]).buffer)[0]);
        // The background was skipped somewhere (not every patch convolved), and not everywhere.
        if (n > 0) expect(r.skipped).toBeGreaterThan(0);
      }
    });

  const relaxedCases = cases.filter((c) => ["cnn", "c2f13"].includes(c.tag));
  it.skipIf(!hasRelaxedSimd())("relaxed variant: the same bits as the relaxed convMaxPool", async () => {
    const rx = await build(true, relaxedCases);
    for (const [i, c] of relaxedCases.entries())
      for (const n of c.ns) {
        const r = run(rx, c, n, true, 10 * i + n);
        expect(r.mine, `${c.tag} n=${n}`).toEqual(r.trainer);
      }
  });
});
