// The seed models (docs/keras-semantics.md §3) on both backends (tests/helpers/backends.ts): the same
// weights (Keras initializers from one seed), the same random batch and the same RNG
// seed; each step's loss and gradients, then the parameters and optimizer state after
// three optimizer steps, the evaluation and every model's inference agree to relative
// L2 ≤ 1e-5 per tensor. The batch's last row is left out (n = batch − 1), so the kernels'
// run-time row counts are checked against the planned B-row buffers.
import { describe, expect, it } from "vitest";
import { agreeBackends } from "../helpers/backends.js";
import { example, setup } from "../helpers/seed-models.js";

describe("the seed models: TypeScript and WebAssembly backends agree", () => {
  for (const [name, batch] of [
    ["mlp", 8],
    ["cnn", 4],
    ["rnn", 6],
    ["regression", 8],
    ["gan", 5],
    ["gan_stabilized", 5],
  ] as const) {
    it(`${name} (batch ${batch}, ${batch - 1} rows used)`, async () => {
      const a = await agreeBackends({ src: example(name), setup, batch, n: batch - 1, steps: 3 });
      expect(a.problems, a.problems.join("\n")).toEqual([]);
      expect(Object.keys(a.worst)).toContain("gradient");
    }, 60_000);
  }
});
