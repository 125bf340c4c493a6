// Agreement with PyTorch (docs/architecture.md §5) for the global and 1-D pooling layers,
// through the committed fixture tests/fixtures/pool.json (README.md there): for each layer
// an input x in Keras layout, loss sum(y · r), and PyTorch's output, loss and dL/dx.
//
// x's gradient is observed exactly through a dense layer before the pool that *makes* x:
// its input is the one-hot code of (sample, position), its kernel [codes, c] holds x's
// values row by row, so dense.kernel's gradient is dL/dx itself. Per tensor: relative
// L2 ≤ 1e-4 and |a − b| ≤ 1e-3·|b| + 1e-4·max|b| for the float32 WebAssembly trainer (its
// SIMD kernels); the float64 TypeScript trainer must agree to rounding (relative L2 ≤ 1e-12).
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance } from "../../runtime/trainer.js";
import { compare, findParam, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";

interface PoolCase {
  readonly layer: string;
  readonly x: Recipe;
  readonly r: Recipe;
  readonly outputShape: number[];
  readonly output: unknown;
  readonly loss: number;
  readonly gradX: unknown;
}

const fx = readJson("pool.json");
const cases = fx.cases as PoolCase[];

/** The value traced for step 0 at the pool (`where` names its source), `size` per row. */
function traced(t: TrainerInstance, what: string, size: number): Float32Array | Float64Array {
  const hits = t.trace.filter((e) => e.step === 0 && e.where.includes(what) && e.perRow && e.size === size);
  if (hits.length === 0) throw new Error(`no traced value of ${what} among ${t.trace.map((e) => `${e.name} (${e.where})`).join("; ")}`);
  return hits[hits.length - 1].data as Float32Array | Float64Array;
}

describe("pool.json: the global and 1-D pools against PyTorch", () => {
  it("covers every new pooling layer", () => {
    const names = new Set(cases.map((c) => c.layer.split("(")[0]));
    expect([...names].sort()).toEqual(["avgpool1d", "global_avgpool1d", "global_avgpool2d", "global_maxpool2d", "maxpool1d"]);
  });

  for (const c of cases)
    for (const float64 of [true, false])
      it(`${c.layer}: output, loss and dL/dx (${float64 ? "float64 TypeScript" : "float32 WebAssembly"} trainer)`, async () => {
        const [batch, ...rest] = c.x.shape;
        const ch = rest[rest.length - 1];
        const mid = rest.slice(0, -1); // [h, w] or [steps]
        const codes = batch * mid.reduce((a, d) => a * d, 1);
        const dims = (s: readonly number[]) => `[B, ${s.join(", ")}]`;
        const src =
          `model m(code: ${dims([...mid, codes])}) {\n` +
          `  code |> dense(${ch}, use_bias=false)   # makes x: row (sample, position) of the kernel\n` +
          `       |> ${c.layer}\n}\n` +
          `train t(code: ${dims([...mid, codes])}, r: ${dims(c.outputShape.slice(1))}) {\n` +
          `  step m with sgd(lr=0.1) minimize sum(m(code) * r)\n}\n`;
        const mod = await loadTrainer(src, "test.dlm", undefined, float64 ? "ts" : "wasm");
        const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 }); // one spare row the step must ignore
        setParam(mod, t, "dense/kernel", fromRecipe(c.x));
        const [code, r] = t.inputs;
        code.fill(0);
        for (let i = 0; i < codes; i++) code[i * codes + i] = 1;
        for (let i = codes * codes; i < code.length; i++) code[i] = Math.sin(i); // the spare row
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
        const perRow = c.outputShape.slice(1).reduce((a, d) => a * d, 1);
        check("output y", traced(t, c.layer.split("(")[0], perRow).subarray(0, batch * perRow), flat(c.output));
        expect(t.trainStep(batch)).toBe(-1);
        check("dL/dx (as dense/kernel's gradient)", paramSlice(t, findParam(mod, "dense/kernel"), "grads"), flat(c.gradX));
        expect(problems, problems.join("\n")).toEqual([]);
      });
});
