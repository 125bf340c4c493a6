// A one-channel convolution's kernel gradient is shared by threads in units of taps × filters
// (conv2dGradKernelTaps: the panels' register tiles of taps × filters, tile-major) instead of
// panels of filters. The whole call (no range) writes, word for word, what the panels' kernel writes (the
// one every trainer ran before: `taps: false`); so does every cut into two ranges; and each unit
// alone writes its taps' rows of its filters' columns of dk and nothing else.
import { describe, expect, it } from "vitest";
import { bytes } from "./helpers.js";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import {
  addConv2dGradKernel,
  conv2dGradKernelParams,
  conv2dGradKernelScratchBytes,
  conv2dGradKernelTaps,
  conv2dGradKernelUnits,
  type Conv2dGradKernelSpec,
} from "../../compiler/wasm/kernels/conv-grad.js";
import { instantiateKernelsSync, Layout } from "../../runtime/wasm/instantiate.js";
import { TestRandom } from "../helpers/numerics.js";

const specs: Conv2dGradKernelSpec[] = [
  // The seed CNN's first layer (28×28×1 → 32 filters, 3×3 valid), on a few images.
  { name: "cnn", h: 28, w: 28, c: 1, oh: 26, ow: 26, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, filters: 32, bias: false },
  // Padded (a frame), 5×5 taps in 13 tiles (the last of one tap), 20 filters (a panel of 16 and a tail of 4), several blocks of rows.
  { name: "padded", h: 9, w: 8, c: 1, oh: 9, ow: 8, kh: 5, kw: 5, sh: 1, sw: 1, pt: 2, pl: 2, filters: 20, bias: false, blockRows: 2 },
  // Strided, 2×3 taps, 12 filters (one panel of 3 vectors), accumulating into dk.
  { name: "strided", h: 7, w: 9, c: 1, oh: 3, ow: 4, kh: 2, kw: 3, sh: 2, sw: 2, pt: 0, pl: 0, filters: 12, bias: false, accumulate: true },
];
const UNITS: Record<string, number> = { cnn: 5 * 2, padded: 13 * 2, strided: 3 * 1 };

describe("a one-channel convolution's kernel gradient by taps", () => {
  it("is shared by taps only with one channel and no bias", () => {
    expect(conv2dGradKernelTaps({ ...specs[0], c: 2, h: 28 })).toBeUndefined();
    expect(conv2dGradKernelTaps({ ...specs[0], bias: true })).toBeUndefined();
    expect(conv2dGradKernelTaps({ ...specs[0], taps: false })).toBeUndefined();
    expect(conv2dGradKernelTaps(specs[0])).toEqual({
      tiles: [[0, 1], [2, 3], [4, 5], [6, 7], [8]],
      width: 16,
      panels: 2,
    });
  });

  it("writes the panels' kernel's words, whole, cut in two anywhere and unit by unit", async () => {
    const bn = await loadBinaryen();
    const { binary } = buildModule(bn, (mod) =>
      specs.forEach((s) => {
        addConv2dGradKernel(bn, mod, s);
        addConv2dGradKernel(bn, mod, { ...s, name: `${s.name}_panels`, taps: false });
      }),
    );
    const n = 2;
    const r = new TestRandom(9);
    for (const spec of specs) {
      const K = spec.kh * spec.kw * spec.c;
      const fl = spec.filters;
      const lay = new Layout();
      const at = {
        x: lay.floats(n * spec.h * spec.w * spec.c),
        dy: lay.floats(n * spec.oh * spec.ow * fl),
        dk: lay.floats(K * fl),
        ws: lay.alloc(Math.max(16, conv2dGradKernelScratchBytes(spec), conv2dGradKernelScratchBytes({ ...spec, taps: false }))),
      };
      const inst = instantiateKernelsSync<Record<string, (...a: number[]) => void>>(binary, { memoryBytes: lay.bytes });
      inst.f32(at.x, n * spec.h * spec.w * spec.c).forEach((_, i, x) => (x[i] = r.uniform(-1, 1)));
      inst.f32(at.dy, n * spec.oh * spec.ow * fl).forEach((_, i, x) => (x[i] = r.uniform(-1, 1)));
      // Accumulating: dk starts from values; else from NaN, which every call in range must overwrite.
      const start = Float32Array.from({ length: K * fl }, () => (spec.accumulate ? r.uniform(-1, 1) : NaN));
      const args = (s: Conv2dGradKernelSpec) =>
        conv2dGradKernelParams(s)
          .filter((p) => p !== "lo" && p !== "hi")
          .map((p) => (p === "n" ? n : at[p as keyof typeof at]));
      // Each range a call ([]: the whole call, no range).
      const call = (name: string, s: Conv2dGradKernelSpec, ...ranges: number[][]) => {
        inst.f32(at.dk, K * fl).set(start);
        for (const range of ranges) inst.exports[name](...args(s), ...range);
        return Buffer.from(bytes(inst.f32(at.dk, K * fl)));
      };
      const panels = call(`${spec.name}_panels`, { ...spec, taps: false }, []);
      expect(
        new Float32Array(new Uint8Array(panels).buffer).some((v) => Number.isNaN(v)),
        spec.name,
      ).toBe(false);
      expect(call(spec.name, spec, []).equals(panels), `${spec.name} whole`).toBe(true);
      const units = conv2dGradKernelUnits(spec);
      expect(units).toBe(UNITS[spec.name]);
      for (let cut = 0; cut <= units; cut++) {
        const ranges = [...(cut > 0 ? [[0, cut]] : []), ...(cut < units ? [[cut, units]] : [])];
        expect(call(spec.name, spec, ...ranges).equals(panels), `${spec.name} cut at ${cut}`).toBe(true);
      }
      // One unit alone writes its taps' rows of its filters' columns, and nothing else.
      const plan = conv2dGradKernelTaps(spec)!;
      for (let u = 0; u < units; u++) {
        const rows = plan.tiles[Math.floor(u / plan.panels)];
        const p = u % plan.panels;
        const want = Buffer.from(start.buffer.slice(0));
        for (let i = 0; i < K * fl; i++) {
          const f = i % fl;
          if (rows.includes(Math.floor(i / fl)) && f >= p * plan.width && f < (p + 1) * plan.width)
            panels.copy(want, 4 * i, 4 * i, 4 * i + 4);
        }
        expect(call(spec.name, spec, [u, u + 1]).equals(want), `${spec.name} unit ${u}`).toBe(true);
      }
    }
  });
});
