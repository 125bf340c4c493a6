// The exported model's loader (runtime/inference.ts loadModelMemory) puts the weights in place
// (a packed dense kernel in panel order, other tensors as they are) and refuses weights that
// are not finite, as `dlm export` does: the module's kernels skip products with zero inputs,
// which is exact only when every weight is finite (compiler/export/zeros.ts).
import { describe, expect, it } from "vitest";
import { loadModelMemory, ModelLoadError, packPanels, type ModelLayout } from "../../runtime/inference.js";
import { encodeSafetensors } from "../../runtime/safetensors-format.js";

// The smallest kernel module: it exports nothing and imports its memory as env.memory (min 1 page).
const wasm = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02,
  0x00, 0x01,
]);

const layout: ModelLayout = {
  files: { weights: "m.safetensors", wasm: "m.wasm" },
  kernels: [],
  tensors: [
    { name: "m/dense/kernel", shape: [3, 10], offset: 0, size: 30, packed: true },
    { name: "m/dense/bias", shape: [10], offset: 30, size: 10 },
  ],
  paramsAt: 64,
  memory: { fixed: 4096, perRow: 0 },
  rows: 1,
};

function weights(kernel: Float32Array, bias: Float32Array): Uint8Array {
  const parts = encodeSafetensors({
    "m/dense/kernel": { dtype: "F32", shape: [3, 10], data: kernel },
    "m/dense/bias": { dtype: "F32", shape: [10], data: bias },
  });
  const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return all;
}

const kernel = () => Float32Array.from({ length: 30 }, (_, i) => i - 14.5);
const bias = () => Float32Array.from({ length: 10 }, (_, i) => -i);
const base = new URL("file:///nowhere/");

describe("loadModelMemory: the weights in place, finite", () => {
  it("packs a packed dense kernel in panel order and copies the rest", async () => {
    const mem = await loadModelMemory(layout, base, { wasm, weights: weights(kernel(), bias()) });
    const packed = new Float32Array(30);
    packPanels(kernel(), 3, 10, packed);
    expect(Array.from(mem.f32(64, 30))).toEqual(Array.from(packed));
    expect(Array.from(mem.f32(64 + 120, 10))).toEqual(Array.from(bias()));
  });

  for (const [what, value] of [
    ["NaN", NaN],
    ["an infinity", -Infinity],
  ] as const)
    it(`refuses a tensor holding ${what}, naming it and where`, async () => {
      const k = kernel();
      k[7] = value;
      await expect(loadModelMemory(layout, base, { wasm, weights: weights(k, bias()) })).rejects.toThrow(ModelLoadError);
      await expect(loadModelMemory(layout, base, { wasm, weights: weights(k, bias()) })).rejects.toThrow(
        `m.safetensors: tensor m/dense/kernel holds a non-finite value (${value} at index 7); a model's weights are finite`,
      );
      const b = bias();
      b[9] = value;
      await expect(loadModelMemory(layout, base, { wasm, weights: weights(kernel(), b) })).rejects.toThrow(
        /tensor m\/dense\/bias holds a non-finite value/,
      );
    });
});
