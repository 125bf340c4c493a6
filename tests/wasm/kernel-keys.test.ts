// Kernel names (compiler/ops/kit/wasm.ts keyOf): one kernel per specialization, so two specs
// that differ in any field must get different names — a shared name would run one op with
// another's constants.
import { describe, expect, it } from "vitest";
import { keyOf } from "../../compiler/ops/kit/wasm.js";

describe("keyOf", () => {
  const window = { h: 28, w: 28, c: 1, oh: 26, ow: 26, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0 };

  it("writes a full window as its geometry", () => {
    expect(keyOf("conv", { ...window, filters: 32 })).toBe("conv_28x28x1_k3x3_s1x1_32");
    expect(keyOf("conv", { ...window, pt: 1, pl: 0, filters: 32 })).toBe("conv_28x28x1_k3x3_s1x1_p1x0_32");
  });

  it("keeps fields named like a window's when the spec has no full window", () => {
    // A global pool's spec: positions and channels. Before, `c` was dropped after the first
    // field, so [B, 14, 14, 64] and [B, 14, 14, 32] shared one kernel.
    expect(keyOf("gpool", { positions: 196, c: 64 })).not.toBe(keyOf("gpool", { positions: 196, c: 32 }));
    expect(keyOf("k", { rows: 5, h: 2, w: 3 })).toBe("k_5_2_3");
  });

  it("differs whenever a field differs", () => {
    const base = { rows: 4, cols: 8, batched: true, alpha: 0.5 };
    const keys = new Set([
      keyOf("k", base),
      keyOf("k", { ...base, rows: 5 }),
      keyOf("k", { ...base, cols: 9 }),
      keyOf("k", { ...base, batched: false }),
      keyOf("k", { ...base, alpha: 0.25 }),
      keyOf("k", { ...base, alpha: -0.5 }),
    ]);
    expect(keys.size).toBe(6);
  });
});
