// batchnorm and layernorm against PyTorch's F.batch_norm and F.layer_norm in float64,
// through the committed fixture tests/fixtures/normalization.json (README.md there): the
// training output, loss sum(y · r) and gradients of x, γ and β of step 1, and for the batch
// norms the moving statistics after two SGD steps (Keras's convention: the script converts
// PyTorch's momentum and its unbiased running variance) and the evaluation output.
//
// x's gradient is observed through a dense layer before the norm that *makes* x (as in
// pytorch-pool.test.ts): its input is the one-hot code of (sample, position) and its kernel
// holds x row by row, so the kernel's gradient is dL/dx and an SGD step on it is PyTorch's
// step on x. The float64 TypeScript trainer must agree to rounding (relative L2 ≤ 1e-12);
// the float32 WebAssembly one to PyTorch's tolerance (PYTORCH_TOL).
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance } from "../../runtime/trainer.js";
import { compare, findParam, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";

interface NormCase {
  readonly layer: string;
  readonly x: Recipe;
  readonly gammaMinus1: Recipe;
  readonly beta: Recipe;
  readonly r: Recipe;
  readonly output: unknown;
  readonly loss: number;
  readonly gradX: unknown;
  readonly gradGamma: unknown;
  readonly gradBeta: unknown;
  readonly movingMean?: unknown;
  readonly movingVariance?: unknown;
  readonly evalOutput?: unknown;
}

const fx = readJson("normalization.json");
const cases = fx.cases as NormCase[];

/** The value traced for step 0 whose source names `what`, `size` per row. */
function traced(t: TrainerInstance, what: string, size: number): Float32Array | Float64Array {
  const hits = t.trace.filter((e) => e.step === 0 && e.where.includes(what) && e.perRow && e.size === size);
  if (hits.length === 0) throw new Error(`no traced value of ${what} among ${t.trace.map((e) => `${e.name} (${e.where})`).join("; ")}`);
  return hits[0].data as Float32Array | Float64Array;
}

describe("normalization.json: batchnorm and layernorm against PyTorch", () => {
  it("covers BatchNorm2d, BatchNorm1d and LayerNorm", () => {
    expect(cases.map((c) => `${c.layer} ${c.x.shape.length}`)).toEqual([
      "batchnorm(momentum=0.9) 4",
      "batchnorm(momentum=0.9) 2",
      "layernorm() 2",
    ]);
  });

  for (const c of cases)
    for (const float64 of [true, false])
      it(`${c.layer} on [${c.x.shape.join(", ")}] (${float64 ? "float64 TypeScript" : "float32 WebAssembly"} trainer)`, async () => {
        const [batch, ...rest] = c.x.shape;
        const ch = rest[rest.length - 1];
        const mid = rest.slice(0, -1);
        const codes = batch * mid.reduce((a, d) => a * d, 1);
        const dims = (s: readonly number[]) => `[B, ${s.join(", ")}]`;
        const src =
          `model m(code: ${dims([...mid, codes])}) {\n  code |> dense(${ch}, use_bias=false) |> ${c.layer}\n}\n` +
          `train t(code: ${dims([...mid, codes])}, r: ${dims(rest)}) {\n  step m with sgd(lr=0.1) minimize sum(m(code) * r)\n}\n`;
        const mod = await loadTrainer(src, "test.dlm", undefined, float64 ? "ts" : "wasm");
        const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 }); // one spare row the step must ignore
        setParam(mod, t, "dense/kernel", fromRecipe(c.x));
        setParam(
          mod,
          t,
          "gamma",
          Array.from(fromRecipe(c.gammaMinus1), (v) => v + 1),
        );
        setParam(mod, t, "beta", fromRecipe(c.beta));
        // The initial moving statistics (Keras's initializers; createTrainer leaves the buffer at zero).
        if (c.movingMean !== undefined) setParam(mod, t, "moving_variance", new Array(ch).fill(1));
        const [code, r] = t.inputs;
        code.fill(0);
        for (let i = 0; i < codes; i++) code[i * codes + i] = 1;
        for (let i = codes * codes; i < code.length; i++) code[i] = 100 * Math.sin(i); // the spare row
        const rv = fromRecipe(c.r);
        r.set(rv);
        for (let i = rv.length; i < r.length; i++) r[i] = 1;

        const problems: string[] = [];
        const check = (name: string, actual: Num, expected: Num) => {
          const cmp = compare(name, actual, expected, PYTORCH_TOL);
          if (!cmp.ok) problems.push(cmp.message);
          else if (float64 && cmp.relL2 > 1e-12) problems.push(`${cmp.message} — more than rounding in float64`);
        };
        const loss = t.forward[0](batch);
        const lossTol = float64 ? 1e-12 : 1e-4;
        if (!(Math.abs(loss - c.loss) <= lossTol * Math.max(1, Math.abs(c.loss)))) problems.push(`loss ${loss} vs ${c.loss}`);
        const perRow = rest.reduce((a, d) => a * d, 1);
        const name = c.layer.startsWith("batchnorm") ? "batch_normalization" : "layer_normalization";
        check("output y", traced(t, name, perRow).subarray(0, batch * perRow), flat(c.output));
        expect(t.trainStep(batch)).toBe(-1);
        check("dL/dx (as dense/kernel's gradient)", paramSlice(t, findParam(mod, "dense/kernel"), "grads"), flat(c.gradX));
        check("dL/dgamma", paramSlice(t, findParam(mod, "gamma"), "grads"), flat(c.gradGamma));
        check("dL/dbeta", paramSlice(t, findParam(mod, "beta"), "grads"), flat(c.gradBeta));
        if (c.movingMean !== undefined) {
          expect(t.trainStep(batch)).toBe(-1);
          check("moving_mean after 2 steps", paramSlice(t, findParam(mod, "moving_mean")), flat(c.movingMean));
          check("moving_variance after 2 steps", paramSlice(t, findParam(mod, "moving_variance")), flat(c.movingVariance));
          const infer = t.models.m;
          infer.inputs[0].set(code);
          infer.run(batch);
          check("evaluation output", infer.output.subarray(0, batch * perRow), flat(c.evalOutput));
        }
        expect(problems, problems.join("\n")).toEqual([]);
      });
});
