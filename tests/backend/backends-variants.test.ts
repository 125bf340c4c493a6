// The seed models on both backends, continued (tests/backend/backends.test.ts): the
// relaxed-SIMD module (vitest runs node with --experimental-wasm-relaxed-simd), and SGD
// instead of Adam, whose update is linear in the gradient, so parameters after several
// steps are held to 1e-5 too. A file of its own so that vitest runs it beside the other.
import { describe, expect, it } from "vitest";
import { agreeBackends } from "../helpers/backends.js";
import { example, setup } from "../helpers/seed-models.js";
import { hasRelaxedSimd } from "../../runtime/wasm/instantiate.js";

describe("the seed models on both backends: the relaxed module, and SGD", () => {
  // The relaxed-SIMD module (fused multiply-add in the GEMMs), which vitest's node accepts.
  for (const [name, batch] of [
    ["mlp", 8],
    ["cnn", 4],
    ["rnn", 6],
    ["gan_stabilized", 5],
  ] as const) {
    it(`${name} with the relaxed-SIMD module`, async () => {
      expect(hasRelaxedSimd(), "vitest runs node with --experimental-wasm-relaxed-simd").toBe(true);
      const a = await agreeBackends({ src: example(name), setup, batch, n: batch - 1, steps: 3, variant: "relaxed" });
      expect(a.problems, a.problems.join("\n")).toEqual([]);
    }, 60_000);
  }
  // SGD: the update is linear in the gradient, so parameters after several steps are held to 1e-5 too.
  for (const [name, batch] of [
    ["mlp", 8],
    ["cnn", 4],
    ["rnn", 6],
    ["gan_stabilized", 5],
  ] as const) {
    it(`${name} with sgd(lr=0.05, momentum=0.9) instead of adam`, async () => {
      const src = example(name).replace(/adam\([^)]*\)/g, "sgd(lr=0.05, momentum=0.9)");
      expect(src).not.toContain("adam");
      const a = await agreeBackends({ src, setup, batch, n: batch - 1, steps: 3 });
      expect(a.problems, a.problems.join("\n")).toEqual([]);
    }, 60_000);
  }
});
