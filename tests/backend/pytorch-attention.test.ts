// multi_head_attention against PyTorch in float64, through the committed fixture
// tests/fixtures/attention.json (README.md there): Keras's layer written with its einsum
// equations in torch (and, where d = heads·key_dim, checked by the script against
// torch.nn.MultiheadAttention with the converted weights). Per case: the parameters and
// inputs from the weight recipe in Keras's layouts, the output (the model's inference run),
// the loss sum(y · r) and the gradients of all eight parameters (the key bias's is zero). The float64 TypeScript
// trainer must agree to rounding (relative L2 ≤ 1e-12); the float32 WebAssembly one (fused
// attention kernels) to PyTorch's tolerance.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { compare, findParam, maxAbs, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";

interface AttnCase {
  readonly call: string;
  readonly causal: boolean;
  readonly params: readonly Recipe[];
  readonly inputs: Readonly<Record<string, Recipe>>;
  readonly r: Recipe;
  readonly output: unknown;
  readonly loss: number;
  readonly grads: Readonly<Record<string, unknown>>;
  readonly torchModuleMaxDiff?: number;
}

const cases = readJson("attention.json").cases as AttnCase[];

describe("attention.json: multi_head_attention against PyTorch", () => {
  it("covers self- and cross-attention, causal and not, value_dim ≠ key_dim, and nn.MultiheadAttention twice", () => {
    expect(cases.length).toBe(4);
    expect(cases.map((c) => c.causal)).toEqual([true, false, true, false]);
    expect(cases.filter((c) => c.torchModuleMaxDiff !== undefined).length).toBe(2);
  });

  for (const c of cases)
    for (const float64 of [true, false])
      it(`${c.call} (${float64 ? "float64 TypeScript" : "float32 WebAssembly"} trainer)`, async () => {
        const names = Object.keys(c.inputs);
        const dims = (s: readonly number[]) => `[B, ${s.slice(1).join(", ")}]`;
        const decl = names.map((n) => `${n}: ${dims(c.inputs[n].shape)}`).join(", ");
        const src =
          `model m(${decl}) {\n  ${c.call}\n}\n` +
          `train t(${decl}, r: ${dims(c.r.shape)}) {\n  step m with sgd(lr=0.1) minimize sum(m(${names.join(", ")}) * r)\n}\n`;
        const batch = c.r.shape[0];
        const mod = await loadTrainer(src, "test.dlm", undefined, float64 ? "ts" : "wasm");
        const t = mod.createTrainer(new Rng(0), { batch, float64 });
        for (const p of c.params) setParam(mod, t, `multi_head_attention/${p.name}`, fromRecipe(p));
        names.forEach((n, i) => t.inputs[i].set(fromRecipe(c.inputs[n])));
        t.inputs[names.length].set(fromRecipe(c.r));

        const problems: string[] = [];
        const check = (name: string, actual: Num, expected: Num) => {
          const cmp = compare(name, actual, expected, PYTORCH_TOL);
          if (!cmp.ok) problems.push(cmp.message);
          else if (float64 && cmp.relL2 > 1e-12) problems.push(`${cmp.message} — more than rounding in float64`);
        };
        const infer = t.models.m;
        names.forEach((_, i) => infer.inputs[i].set(t.inputs[i]));
        infer.run(batch);
        check("output", infer.output.subarray(0, flat(c.output).length), flat(c.output));
        expect(t.trainStep(batch)).toBe(-1);
        const lossTol = float64 ? 1e-12 : 1e-4;
        if (!(Math.abs(t.losses[0] - c.loss) <= lossTol * Math.max(1, Math.abs(c.loss)))) problems.push(`loss ${t.losses[0]} vs ${c.loss}`);
        const grad = (name: string) => paramSlice(t, findParam(mod, `multi_head_attention/${name}`), "grads");
        // The key bias shifts every score of a query alike, which the softmax ignores: its
        // gradient is zero up to rounding (in PyTorch's too), so it is held to that instead.
        const scale = maxAbs(flat(c.grads["query/kernel"]));
        expect(maxAbs(flat(c.grads["key/bias"]))).toBeLessThan(1e-15 * Math.max(1, scale));
        expect(maxAbs(grad("key/bias"))).toBeLessThan((float64 ? 1e-15 : 1e-6) * Math.max(1, scale));
        for (const p of c.params) if (p.name !== "key/bias") check(`d${p.name}`, grad(p.name), flat(c.grads[p.name]));
        expect(problems, problems.join("\n")).toEqual([]);
      });
});
