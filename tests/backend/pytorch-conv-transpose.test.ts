// Agreement with PyTorch (docs/architecture.md §5) for conv2d_transpose and the resizing
// layers, through the committed fixture tests/fixtures/conv_transpose.json (README.md
// there): for each layer an input x in Keras layout, loss sum(y · r), and PyTorch's output,
// loss and gradients of x (and of the transposed convolution's kernel and bias).
//
// x's gradient is observed exactly through a dense layer before the layer that *makes* x:
// its input is the one-hot code of (sample, pixel), its kernel [codes, c] holds x's values
// row by row, so dense.kernel's gradient is dL/dx itself. Per tensor: relative L2 ≤ 1e-4
// and |a − b| ≤ 1e-3·|b| + 1e-4·max|b| for the float32 WebAssembly trainer; the float64
// TypeScript trainer must agree to rounding (relative L2 ≤ 1e-12).
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance } from "../../runtime/trainer.js";
import { compare, findParam, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";

interface Case {
  readonly layer: string;
  readonly x: Recipe;
  readonly r: Recipe;
  readonly kernel?: Recipe;
  readonly bias?: Recipe;
  readonly outputShape: number[];
  readonly output: unknown;
  readonly loss: number;
  readonly gradX: unknown;
  readonly gradKernel?: unknown;
  readonly gradBias?: unknown;
}

const fx = readJson("conv_transpose.json");
const cases = fx.cases as Case[];

/** The last value traced for step 0 with `size` values per row whose source names `what`. */
function traced(t: TrainerInstance, what: string, size: number): Num {
  const hits = t.trace.filter((e) => e.step === 0 && e.where.includes(what) && e.perRow && e.size === size);
  if (hits.length === 0) throw new Error(`no traced value of ${what} among ${t.trace.map((e) => `${e.name} (${e.where})`).join("; ")}`);
  return hits[hits.length - 1].data as Num;
}

describe("conv_transpose.json: conv2d_transpose and the resizing layers against PyTorch", () => {
  it("covers the four layers, conv2d_transpose with an odd cut of `same`", () => {
    const names = new Set(cases.map((c) => c.layer.split("(")[0]));
    expect([...names].sort()).toEqual(["conv2d_transpose", "cropping2d", "upsampling2d", "zero_padding2d"]);
    expect(cases.some((c) => c.layer === "conv2d_transpose(3, kernel=5, strides=2, padding=same)")).toBe(true);
  });

  for (const c of cases)
    for (const float64 of [true, false])
      it(`${c.layer}: output, loss and gradients (${float64 ? "float64 TypeScript" : "float32 WebAssembly"} trainer)`, async () => {
        const [batch, h, w, ch] = c.x.shape;
        const codes = batch * h * w;
        const layer = c.layer.split("(")[0];
        const src =
          `model m(code: [B, ${h}, ${w}, ${codes}]) {\n` +
          `  code |> dense(${ch}, use_bias=false)   # makes x: row (sample, pixel) of the kernel\n` +
          `       |> ${c.layer}\n}\n` +
          `train t(code: [B, ${h}, ${w}, ${codes}], r: [B, ${c.outputShape.slice(1).join(", ")}]) {\n` +
          `  step m with sgd(lr=0.1) minimize sum(m(code) * r)\n}\n`;
        const mod = await loadTrainer(src, "test.dlm", undefined, float64 ? "ts" : "wasm");
        const t = mod.createTrainer(new Rng(0), { batch: batch + 1, float64 }); // one spare row the step must ignore
        setParam(mod, t, "dense/kernel", fromRecipe(c.x));
        if (c.kernel) setParam(mod, t, "conv2d_transpose/kernel", fromRecipe(c.kernel));
        if (c.bias) setParam(mod, t, "conv2d_transpose/bias", fromRecipe(c.bias));
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
        check(
          "output y",
          Array.from(traced(t, layer === "upsampling2d" ? "up_sampling2d" : layer, perRow)).slice(0, batch * perRow),
          flat(c.output),
        );
        expect(t.trainStep(batch)).toBe(-1);
        check("dL/dx (as dense/kernel's gradient)", paramSlice(t, findParam(mod, "dense/kernel"), "grads"), flat(c.gradX));
        if (c.gradKernel) check("dL/dkernel", paramSlice(t, findParam(mod, "conv2d_transpose/kernel"), "grads"), flat(c.gradKernel));
        if (c.gradBias) check("dL/dbias", paramSlice(t, findParam(mod, "conv2d_transpose/bias"), "grads"), flat(c.gradBias));
        expect(problems, problems.join("\n")).toEqual([]);
      });
});
