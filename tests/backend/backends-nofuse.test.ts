// Fusion never changes the numbers: the seed models compiled with and without fusion give
// bitwise the same losses, parameters and optimizer state on the WebAssembly backend.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { example, setup } from "../helpers/seed-models.js";
import { Rng } from "../../runtime/rng.js";

describe("--no-fuse changes only how ops are grouped into kernels, never the numbers", () => {
  for (const [name, batch] of [
    ["mlp", 8],
    ["cnn", 4],
    ["gan_stabilized", 5],
  ] as const) {
    it(`${name}: fused and unfused wasm trainers give bitwise the same losses, parameters and state`, async () => {
      const [fused, plain] = await Promise.all([true, false].map((f) => loadTrainer(example(name), `${name}.dlm`, undefined, "wasm", f)));
      expect(fused.compiled.wasm!.kernels.length).toBeLessThan(plain.compiled.wasm!.kernels.length);
      const [a, b] = [fused, plain].map((m) => {
        const t = m.createTrainer(new Rng(3), { batch });
        setup(m, t);
        return t;
      });
      for (let s = 0; s < 3; s++) {
        a.trainStep(batch - 1);
        b.trainStep(batch - 1);
        expect(Array.from(a.losses)).toEqual(Array.from(b.losses));
      }
      expect(a.params).toEqual(b.params);
      for (const k of Object.keys(a.state)) expect(a.state[k]).toEqual(b.state[k]);
    }, 60_000);
  }
});
