// Simultaneous updates (docs/language.md §7, rule 6) against PyTorch's two-tape version,
// through the committed fixture tests/fixtures/simultaneous.json (README.md there): a tiny
// GAN whose lets hold `fake`, `discriminator(real)` and `discriminator(fake)`, the
// discriminator step first, then the generator step through the lets. The generator's
// gradient must be the one through the discriminator *before* its update (TensorFlow's DCGAN
// tutorial: one forward pass, two tapes), which the fixture's `sequentialGrads` (through the
// updated discriminator) is not. Also: which parameters the trainer snapshots, and that a
// program without such a let takes none.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { loadTrainer, root } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { compare, findParam, paramSlice, PYTORCH_TOL, relL2, setParam } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";
import { frontEnd } from "../../compiler/compile.js";

const fx = readJson("simultaneous.json");

const program = `model generator(z: [B, 3]) {
  z |> dense(4, activation=tanh)
}

model discriminator(x: [B, 4]) {
  x |> dense(5, activation=leaky_relu(${fx.slope}))
    |> dense(1)
}

train gan(real: [B, 4], z: [B, 3]) {
  let fake     = generator(z)
  let real_out = discriminator(real)
  let fake_out = discriminator(fake)

  step discriminator with sgd(lr=${fx.lr}) minimize
       binary_crossentropy(real_out, 1, from_logits=true) + binary_crossentropy(fake_out, 0, from_logits=true)

  step generator with sgd(lr=${fx.lr}) minimize
       binary_crossentropy(fake_out, 1, from_logits=true)
}
`;

/** The scheduled training program of a source's first train block. */
function trainingOf(source: string) {
  const front = frontEnd("test.dlm", new TextEncoder().encode(source));
  expect(front.diagnostics).toEqual([]);
  return [...front.trainings!.values()][0];
}

describe("simultaneous.json: one forward pass, both updates (PyTorch's two tapes)", () => {
  const names = (fx.params as Recipe[]).map((r) => r.name);

  for (const backend of ["ts", "wasm"] as const) {
    const float64 = backend === "ts";
    it(`losses, every gradient and every parameter after the step (${float64 ? "float64 TypeScript" : "float32 WebAssembly"})`, async () => {
      const mod = await loadTrainer(program, "simultaneous.dlm", undefined, backend);
      const batch = (fx.inputs[0] as Recipe).shape[0];
      const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 }); // one spare row the step must ignore
      expect(mod.parameters.map((p) => p.name)).toEqual(names);
      for (const r of fx.params as Recipe[]) setParam(mod, t, r.name, fromRecipe(r));
      (fx.inputs as Recipe[]).forEach((r, i) => {
        const v = fromRecipe(r);
        t.inputs[i].set(v);
        for (let j = v.length; j < t.inputs[i].length; j++) t.inputs[i][j] = 100 * Math.sin(j); // the spare row
      });

      expect(t.trainStep(batch)).toBe(-1);
      const problems: string[] = [];
      const exact = float64 ? 1e-12 : Infinity;
      const check = (name: string, actual: ArrayLike<number>, expected: ArrayLike<number>) => {
        const c = compare(name, actual, expected, PYTORCH_TOL);
        if (!c.ok) problems.push(c.message);
        else if (c.relL2 > exact) problems.push(`${c.message} — more than rounding in float64`);
      };
      const lossTol = float64 ? 1e-13 : 1e-6;
      for (const [k, model] of ["discriminator", "generator"].entries()) {
        const want = fx.losses[model] as number;
        if (!(Math.abs(t.losses[k] - want) <= lossTol * want)) problems.push(`${model} loss ${t.losses[k]} vs ${want}`);
      }
      for (const name of names) {
        const p = findParam(mod, name);
        check(`grad ${name}`, paramSlice(t, p, "grads"), flat(fx.grads[name]));
        check(`${name} after the step`, paramSlice(t, p), flat(fx.after[name]));
      }
      // The sequential form's gradients differ by far more than the tolerance: the check above can fail.
      for (const name of ["generator/dense/kernel", "generator/dense/bias"]) {
        const g = paramSlice(t, findParam(mod, name), "grads");
        expect(relL2(g, flat(fx.sequentialGrads[name]))).toBeGreaterThan(100 * PYTORCH_TOL.rel);
      }
      expect(problems, problems.join("\n")).toEqual([]);
      expect(Array.from(t.stepCounts)).toEqual([1, 1]);
    });
  }

  it("snapshots the discriminator's kernels after the lets (a bias's gradient does not read the bias)", () => {
    const tp = trainingOf(program);
    const taken = tp.lets.filter((e) => e.op === "snapshot").map((e) => tp.values[e.inputs[0]].param!.path);
    expect(taken.sort()).toEqual(["discriminator/dense/kernel", "discriminator/dense_1/kernel"]);
    // Taken after every let's eqn, read only by the generator step's backward pass.
    const firstSnapshot = tp.lets.findIndex((e) => e.op === "snapshot");
    expect(tp.lets.slice(firstSnapshot).every((e) => e.op === "snapshot")).toBe(true);
    const snaps = new Set(tp.lets.filter((e) => e.op === "snapshot").map((e) => e.outputs[0]));
    const readers = tp.steps.map((s) => [...s.forward, ...s.backward].filter((e) => e.inputs.some((id) => snaps.has(id))).length);
    expect(readers[0]).toBe(0);
    expect(readers[1]).toBeGreaterThan(0);
  });

  it("takes no snapshot where no step differentiates through a let an earlier step's parameters computed", () => {
    for (const file of ["gan.dlm", "gan_stabilized.dlm"]) {
      const tp = trainingOf(readFileSync(path.join(root, "dsl-examples", file), "utf8"));
      expect(
        tp.lets.filter((e) => e.op === "snapshot"),
        file,
      ).toEqual([]);
    }
    // The generator step first: nothing was updated before it reads the lets.
    const swapped = program.replace(
      /(  step discriminator[\s\S]*?\n\n)(  step generator[\s\S]*?\n)\}/,
      (_, d: string, g: string) => `${g}\n${d.trimEnd()}\n}`,
    );
    expect(swapped).not.toBe(program);
    expect(trainingOf(swapped).lets.filter((e) => e.op === "snapshot")).toEqual([]);
  });
});
