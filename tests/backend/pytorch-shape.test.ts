// Agreement with PyTorch (docs/architecture.md §5) for concat, slice, split and transpose,
// through the committed fixture tests/fixtures/shape_ops.json (README.md there): for each
// case a dlm expression of inputs x0, x1, …, loss sum(y · r), and PyTorch's output, loss
// and each input's gradient (torch.cat, narrow, split, permute in float64).
//
// Each input's gradient is observed exactly through a dense layer that *makes* it: its
// input is the one-hot code of (sample, position), its kernel [codes, c] holds the input's
// values row by row, so that kernel's gradient is dL/dx itself (as pytorch-pool.test.ts).
// The float64 TypeScript trainer must agree to rounding (relative L2 ≤ 1e-12), the float32
// WebAssembly one within PYTORCH_TOL.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { compare, findParam, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";

interface ShapeCase {
  readonly dlm: string;
  readonly inputs: Recipe[];
  readonly weights?: number[];
  readonly r: Recipe;
  readonly outputShape: number[];
  readonly output: unknown;
  readonly loss: number;
  readonly gradInputs: unknown[];
}

const cases = readJson("shape_ops.json").cases as ShapeCase[];
const dims = (s: readonly number[]) => `[B, ${s.join(", ")}]`;
const size = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);

describe("shape_ops.json: concat, slice, split, transpose against PyTorch", () => {
  it("covers every shape op", () => {
    expect([...new Set(cases.map((c) => /(concat|slice|split|transpose)/.exec(c.dlm)![1]))].sort()).toEqual([
      "concat",
      "slice",
      "split",
      "transpose",
    ]);
  });

  for (const c of cases)
    for (const float64 of [true, false])
      it(`${c.dlm}: output, loss and each dL/dx (${float64 ? "float64 TypeScript" : "float32 WebAssembly"} trainer)`, async () => {
        const batch = c.inputs[0].shape[0];
        // Input k: codes over (sample, position but the last axis) → dense(channels) = x_k.
        const geo = c.inputs.map((x) => {
          const rest = x.shape.slice(1);
          return { mid: rest.slice(0, -1), ch: rest[rest.length - 1], codes: batch * size(rest.slice(0, -1)) };
        });
        const codeShape = (k: number) => dims([...geo[k].mid, geo[k].codes]);
        const makes = geo.map((g, k) => `  let x${k} = c${k} |> dense(${g.ch}, use_bias=false)\n`).join("");
        const n = c.weights?.length ?? 0;
        const body = c.weights
          ? `  let ${c.weights.map((_, k) => `p${k}`).join(", ")} = ${c.dlm}\n  ${c.weights.map((w, k) => `p${k} * ${w}`).join(" + ")}\n`
          : `  ${c.dlm}\n`;
        const params = geo.map((_, k) => `c${k}: ${codeShape(k)}`).join(", ");
        const src =
          `model m(${params}) {\n${makes}${body}}\n` +
          `train t(${params}, r: ${dims(c.outputShape.slice(1))}) {\n` +
          `  step m with sgd(lr=0.1) minimize sum(m(${geo.map((_, k) => `c${k}`).join(", ")}) * r)\n}\n`;
        expect(n === 0 || src.includes(`p${n - 1}`)).toBe(true);
        const mod = await loadTrainer(src, "test.dlm", undefined, float64 ? "ts" : "wasm");
        const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 }); // one spare row the step must ignore
        geo.forEach((g, k) => {
          setParam(mod, t, k === 0 ? "dense/kernel" : `dense_${k}/kernel`, fromRecipe(c.inputs[k]));
          const code = t.inputs[k];
          code.fill(0);
          for (let i = 0; i < g.codes; i++) code[i * g.codes + i] = 1;
          for (let i = g.codes * g.codes; i < code.length; i++) code[i] = Math.sin(i); // the spare row
        });
        const r = t.inputs[geo.length];
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
        expect(t.trainStep(batch)).toBe(-1);
        geo.forEach((_, k) => {
          const grad = paramSlice(t, findParam(mod, k === 0 ? "dense/kernel" : `dense_${k}/kernel`), "grads");
          check(`dL/dx${k} (as its dense kernel's gradient)`, grad, flat(c.gradInputs[k]));
        });
        expect(problems, problems.join("\n")).toEqual([]);
      });
});
