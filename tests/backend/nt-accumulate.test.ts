// Input gradients summed in place (compiler/wasm/fuse.ts): where a value is read by several
// dense layers (attention's query, key and value projections read one LayerNorm output), its
// gradient add(add(dx1, dx2), dx3) runs as one matmul_nt writing the sum and the others
// accumulating into it (C += dY·Wᵀ), no temporaries and no adds. f32 adds commute, so the
// fused trainer must give bitwise the losses and parameters of the unfused one. The same for a
// residual added in the epilogue of the dense layer before it (dense → add).
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { setup } from "../helpers/seed-models.js";
import { Rng } from "../../runtime/rng.js";

const SOURCE = `
model fan(x: [B, 6, 12]) {
  let a = x |> dense(16, activation=tanh)
  let s = (a |> dense(20)) + (a |> dense(20)) + (a |> dense(20))
  let b = x |> dense(16, activation=tanh)
  let h = multi_head_attention(b, b, num_heads=2, key_dim=8, use_causal_mask=true)
  let y = h + (s |> dense(16))
  y |> dense(3)
}

train fan {
  data      csv("data/regression.csv", target="y")
  loss      mse
  optimizer adam(lr=0.01)
  batch     4
}
`;

describe("input gradients of a value several dense layers read: summed by accumulating GEMMs", () => {
  it("fuses the chains of adds and gives bitwise the unfused trainer's losses and parameters", async () => {
    const [fused, plain] = await Promise.all([true, false].map((f) => loadTrainer(SOURCE, "fan.dlm", undefined, "wasm", f)));
    // The three dense layers' and the attention's projections' input gradients (one chain each).
    expect(fused.compiled.ts.match(/\(fused: matmul_nt\+matmul_nt\+add\+matmul_nt\+add\)/g)?.length).toBe(2);
    expect(plain.compiled.ts).not.toContain("gemm_nt_16x20_acc");
    // The residual h + dense(s) in the dense GEMM's epilogue (wasm/fuse.ts dense → add).
    expect(fused.compiled.ts).toContain("(fused: dense+add)");
    const [a, b] = [fused, plain].map((m) => {
      const t = m.createTrainer(new Rng(3), { batch: 4 });
      setup(m, t);
      return t;
    });
    for (let s = 0; s < 3; s++) {
      a.trainStep(3);
      b.trainStep(3);
      expect(Array.from(a.losses)).toEqual(Array.from(b.losses));
    }
    expect(a.params.length).toBe(b.params.length);
    const words = (p: ArrayBufferView) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength);
    const [wa, wb] = [words(a.params), words(b.params)];
    const bad = wa.findIndex((w, i) => w !== wb[i]);
    expect(bad, `first differing parameter byte: ${bad}`).toBe(-1);
  }, 60_000);
});
