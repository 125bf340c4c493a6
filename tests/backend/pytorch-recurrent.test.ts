// Agreement with PyTorch (docs/architecture.md §5) for the GRU, SimpleRNN and Bidirectional
// layers, padding masks through them, and `embedding` (tests/fixtures/recurrent.json and
// embedding.json; PyTorch float64 on float32-representable inputs, weights from the
// fixtures' recipes). Per tensor: relative L2 ≤ 1e-4 and |a − b| ≤ 1e-3·|b| + 1e-4·max|b|;
// the float64 trainers must agree to rounding (relative L2 ≤ 1e-10), the float32 ones within
// the PyTorch tolerance. The masked cases are right-padded id sequences: PyTorch runs each
// sample on its valid steps only (the backward direction on them reversed), which is what
// a Keras mask means for them. The batch has one spare row that the step must ignore.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { compare, findParam, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";

interface Case {
  readonly layer: string;
  readonly masked: boolean;
  readonly params: Recipe[];
  readonly r?: Recipe;
  readonly ids?: number[][];
  readonly y?: number[][];
  readonly loss: number;
  readonly grads: Record<string, unknown>;
}

function checker(problems: string[], exact: number) {
  return (name: string, actual: Num, expected: Num): void => {
    const c = compare(name, actual, expected, PYTORCH_TOL);
    if (!c.ok) problems.push(c.message);
    else if (c.relL2 > exact) problems.push(`${c.message} — more than rounding (limit ${exact} in float64)`);
  };
}

/** The dlm program of a case: the layer on x, or a masked tagger/classifier on ids. */
function source(c: Case, steps: number, features: number): string {
  if (!c.masked) {
    const r = `[B, ${c.r!.shape.slice(1).join(", ")}]`;
    return (
      `model m(x: [B, ${steps}, ${features}]) { x |> ${c.layer} }\n` +
      `train t(x: [B, ${steps}, ${features}], r: ${r}) {\n  step m with sgd(lr=0.1) minimize sum(m(x) * r)\n}\n`
    );
  }
  const embed = `x |> embedding(7, ${features}, mask_zero=true) |> ${c.layer}`;
  if (c.y)
    return (
      `model m(x: i32[B, ${steps}]) { ${embed} |> dense(4, activation=softmax) }\n` +
      `train t(x: i32[B, ${steps}], y: i32[B, ${steps}]) {\n  step m with sgd(lr=0.1) minimize sparse_categorical_crossentropy(m(x), y)\n}\n`
    );
  return (
    `model m(x: i32[B, ${steps}]) { ${embed} }\n` +
    `train t(x: i32[B, ${steps}], r: [B, ${c.r!.shape[1]}]) {\n  step m with sgd(lr=0.1) minimize sum(m(x) * r)\n}\n`
  );
}

describe("recurrent.json: GRU, SimpleRNN, Bidirectional and masks against PyTorch", () => {
  const fx = readJson("recurrent.json");
  const [batch, steps, features] = (fx.x as Recipe).shape;
  for (const c of fx.cases as Case[]) {
    for (const float64 of [true, false]) {
      it(`${c.masked ? "masked " : ""}${c.layer}: loss and every gradient (${float64 ? "float64" : "float32"})`, async () => {
        const mod = await loadTrainer(source(c, steps, features));
        const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 });
        expect(mod.parameters.map((p) => p.name)).toEqual(c.params.map((r) => `m/${r.name}`));
        for (const r of c.params) setParam(mod, t, r.name, fromRecipe(r));
        const [x, second] = t.inputs;
        if (c.masked) {
          x.set(flat(c.ids));
          x.fill(1, batch * steps); // the spare row: valid ids
          if (c.y) second.set(flat(c.y));
        } else {
          const xv = fromRecipe(fx.x);
          x.set(xv);
          for (let i = xv.length; i < x.length; i++) x[i] = Math.sin(i);
        }
        if (c.r) second.set(fromRecipe(c.r));
        const problems: string[] = [];
        const check = checker(problems, float64 ? 1e-10 : Infinity);
        const loss = t.forward[0](batch);
        if (!(Math.abs(loss - c.loss) <= (float64 ? 1e-12 : 1e-5) * Math.abs(c.loss))) problems.push(`loss ${loss} vs ${c.loss}`);
        expect(t.trainStep(batch)).toBe(-1);
        for (const r of c.params) check(`grad ${r.name}`, paramSlice(t, findParam(mod, r.name), "grads"), flat(c.grads[r.name]));
        expect(problems, problems.join("\n")).toEqual([]);
      });
    }
  }
});

describe("embedding.json: F.embedding and the masked per-position cross-entropy", () => {
  const fx = readJson("embedding.json");
  const ids = flat(fx.ids);
  const [batch, steps] = [fx.ids.length as number, fx.ids[0].length as number];
  for (const float64 of [true, false]) {
    it(`the gather and its scatter-add gradient (repeated ids) (${float64 ? "float64" : "float32"})`, async () => {
      const g = fx.gather;
      const src =
        `model m(x: i32[B, ${steps}]) { x |> embedding(7, 5) }\n` +
        `train t(x: i32[B, ${steps}], r: [B, ${steps}, 5]) {\n  step m with sgd(lr=0.1) minimize sum(m(x) * r)\n}\n`;
      const mod = await loadTrainer(src);
      const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 });
      setParam(mod, t, "embedding/embeddings", fromRecipe(g.params[0]));
      t.inputs[0].set(ids);
      t.inputs[0].fill(6, ids.length);
      t.inputs[1].set(fromRecipe(g.r));
      const loss = t.forward[0](batch);
      expect(Math.abs(loss - g.loss)).toBeLessThanOrEqual((float64 ? 1e-12 : 1e-5) * Math.abs(g.loss));
      expect(t.trainStep(batch)).toBe(-1);
      const problems: string[] = [];
      checker(problems, float64 ? 1e-12 : Infinity)(
        "grad embeddings",
        paramSlice(t, findParam(mod, "embedding/embeddings"), "grads"),
        flat(g.grads["embedding/embeddings"]),
      );
      expect(problems, problems.join("\n")).toEqual([]);
    });
    it(`mask_zero into a per-position softmax: the mean over unmasked positions (${float64 ? "float64" : "float32"})`, async () => {
      const m = fx.masked;
      const src =
        `model m(x: i32[B, ${steps}]) { x |> embedding(7, 5, mask_zero=true) |> dense(4, activation=softmax) }\n` +
        `train t(x: i32[B, ${steps}], y: i32[B, ${steps}]) {\n  step m with sgd(lr=0.1) minimize sparse_categorical_crossentropy(m(x), y)\n}\n`;
      const mod = await loadTrainer(src);
      const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 });
      for (const r of m.params as Recipe[]) setParam(mod, t, r.name, fromRecipe(r));
      t.inputs[0].set(ids);
      t.inputs[0].fill(2, ids.length);
      t.inputs[1].set(flat(m.y));
      const loss = t.forward[0](batch);
      expect(Math.abs(loss - m.loss)).toBeLessThanOrEqual((float64 ? 1e-12 : 1e-5) * Math.abs(m.loss));
      expect(t.trainStep(batch)).toBe(-1);
      const problems: string[] = [];
      const check = checker(problems, float64 ? 1e-12 : Infinity);
      for (const r of m.params as Recipe[]) check(`grad ${r.name}`, paramSlice(t, findParam(mod, r.name), "grads"), flat(m.grads[r.name]));
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
});
