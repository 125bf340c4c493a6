// The seed models of DESIGN.md §2 on both backends (tests/helpers/backends.ts): the same
// weights (Keras initializers from one seed), the same random batch and the same RNG
// seed; each step's loss and gradients, then the parameters and optimizer state after
// three optimizer steps, the evaluation and every model's inference agree to relative
// L2 ≤ 1e-5 per tensor. The batch's last row is left out (n = batch − 1), so the kernels'
// run-time row counts are checked against the planned B-row buffers.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { agreeBackends } from "../helpers/backends.js";
import { loadTrainer, root } from "../helpers/trainer.js";
import { TestRandom } from "../helpers/numerics.js";
import { initParameters, type TrainerInstance, type TrainerModule } from "../../runtime/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { hasRelaxedSimd } from "../../runtime/wasm/instantiate.js";

function setup(mod: TrainerModule, t: TrainerInstance): void {
  initParameters(t, mod.parameters, new Rng(5));
  const r = new TestRandom(99);
  const range = (mod.program.data as { range?: [number, number] } | null)?.range ?? [0, 1];
  mod.program.inputs.forEach((info, i) => {
    const arr = t.inputs[i];
    const classes = mod.program.models[0]?.output.at(-1) as number;
    for (let j = 0; j < arr.length; j++) arr[j] = info.dtype === "i32" ? Math.floor(r.uniform(0, classes)) : r.uniform(range[0], range[1]);
  });
  for (const m of Object.values(t.models)) for (const x of m.inputs) for (let j = 0; j < x.length; j++) x[j] = r.uniform(-1, 1);
}

const example = (name: string) => readFileSync(path.join(root, "dsl-examples", `${name}.dlm`), "utf8");

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
