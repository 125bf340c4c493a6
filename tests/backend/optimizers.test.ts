// The optimizers beyond sgd and adam, weight decay, gradient clipping and learning-rate
// schedules as the lr, against optimizers2.json (tests/fixtures): Dense(4→3) + MSE, 20 steps
// of each case from the recipe's weights on the recipe's batch, the reference in float64
// (torch.optim.AdamW for adamw; Keras 3's formulas in numpy for the others: RMSprop, Adagrad,
// Adamax and Nadam place ε as Keras does, and Keras clips and decays as here). The float64
// TypeScript trainer agrees to rounding; the float32 trainers of both backends to float32
// accuracy, and with each other.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { compare, findParam, paramSlice, setParam, type Tolerance } from "../helpers/numerics.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";
import type { Backend } from "../../compiler/compile.js";

const fx = readJson("optimizers2.json");
interface Case {
  name: string;
  source: string;
  reference: string;
  loss: number[];
  kernel: unknown[];
  bias: unknown[];
}
const cases = fx.cases as Case[];
const STEPS = 20;

/** Float32 trainers over 20 steps against float64. */
const FLOAT32_TOL: Tolerance = { rel: 1e-4, elemRel: 1e-3, elemAbs: 2e-5 };
/** The float64 trainer: rounding only. */
const FLOAT64_TOL: Tolerance = { rel: 1e-11, elemRel: 1e-10, elemAbs: 1e-12 };

const program = (optimizer: string) =>
  `model m(x: [B, 4]) { x |> dense(3) }\ntrain t(x: [B, 4], y: [B, 3]) {\n  step m with ${optimizer} minimize mse(m(x), y)\n}\n`;

async function trainer(optimizer: string, backend: Backend, float64: boolean): Promise<{ mod: TrainerModule; t: TrainerInstance }> {
  const mod = await loadTrainer(program(optimizer), "test.dlm", undefined, backend);
  const t = mod.createTrainer(new Rng(0), { batch: 5, float64 });
  for (const r of fx.params as Recipe[]) setParam(mod, t, r.name, fromRecipe(r));
  const [x, y] = (fx.inputs as Recipe[]).map(fromRecipe);
  t.inputs[0].set(x);
  t.inputs[1].set(y);
  return { mod, t };
}

/** Runs 20 steps; returns the problems against the fixture, and the weights after each step. */
function runCase(c: Case, mod: TrainerModule, t: TrainerInstance, tol: Tolerance): { problems: string[]; weights: Float64Array[] } {
  const kernel = findParam(mod, "dense/kernel");
  const bias = findParam(mod, "dense/bias");
  const problems: string[] = [];
  const weights: Float64Array[] = [];
  for (let s = 0; s < STEPS; s++) {
    expect(t.trainStep(5)).toBe(-1);
    const lossErr = Math.abs(t.losses[0] - c.loss[s]) / c.loss[s];
    if (!(lossErr <= tol.rel)) problems.push(`step ${s + 1} loss ${t.losses[0]} vs ${c.loss[s]}`);
    const k = paramSlice(t, kernel);
    const b = paramSlice(t, bias);
    for (const [what, got, want] of [
      ["kernel", k, flat(c.kernel[s])],
      ["bias", b, flat(c.bias[s])],
    ] as const) {
      const r = compare(`step ${s + 1} ${what}`, got, want, tol);
      if (!r.ok) problems.push(r.message);
    }
    weights.push(Float64Array.from([...k, ...b]));
  }
  return { problems, weights };
}

describe("optimizers2.json: Dense(4→3) + MSE, 20 steps", () => {
  it("has every case, each optimizer among them, and the recipe reproduces its batch", () => {
    expect(cases.map((c) => c.name)).toEqual([
      "adamw",
      "rmsprop",
      "rmsprop_centered_momentum",
      "adagrad",
      "adamax",
      "nadam",
      "sgd_weight_decay",
      "adam_clipnorm",
      "sgd_global_clipnorm",
      "sgd_clipvalue",
      "sgd_exponential_decay",
      "adam_cosine_warmup",
    ]);
    const [x, y] = (fx.inputs as Recipe[]).map(fromRecipe);
    expect(Array.from(x)).toEqual(flat(fx.x));
    expect(Array.from(y)).toEqual(flat(fx.y));
  });

  for (const c of cases) {
    it(`${c.source}: the float64 TypeScript trainer follows the ${c.reference === "torch" ? "PyTorch" : "Keras"} reference to rounding`, async () => {
      const { mod, t } = await trainer(c.source, "ts", true);
      const { problems } = runCase(c, mod, t, FLOAT64_TOL);
      expect(problems, problems.join("\n")).toEqual([]);
      expect(t.stepCounts[0]).toBe(STEPS);
    });

    it(`${c.source}: the float32 trainers (TypeScript, WebAssembly) follow it and agree`, async () => {
      const ts = await trainer(c.source, "ts", false);
      const wasm = await trainer(c.source, "wasm", false);
      const a = runCase(c, ts.mod, ts.t, FLOAT32_TOL);
      const b = runCase(c, wasm.mod, wasm.t, FLOAT32_TOL);
      expect([...a.problems, ...b.problems.map((p) => `wasm: ${p}`)], [...a.problems, ...b.problems].join("\n")).toEqual([]);
      // Float32 against float32: the same rule, a few ulps per update apart.
      for (let s = 0; s < STEPS; s++) {
        const r = compare(`step ${s + 1} ts vs wasm`, a.weights[s], b.weights[s], { rel: 1e-5, elemRel: 1e-4, elemAbs: 1e-6 });
        expect(r.ok, r.message).toBe(true);
      }
    }, 30_000);
  }

  it("the cases differ from plain training: weight decay, clipping and the schedules change the weights", () => {
    // Each option's effect is far above the tolerances: a case that ignored it would fail.
    const last = (name: string) => flat(cases.find((c) => c.name === name)!.kernel[STEPS - 1]);
    const gap = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(gap(last("sgd_clipvalue"), last("sgd_global_clipnorm"))).toBeGreaterThan(1e-3);
    expect(gap(last("adamw"), last("adam_clipnorm"))).toBeGreaterThan(1e-4);
    const norms = (cases.find((c) => c.name === "adam_clipnorm") as unknown as { gradNorm: number[][] }).gradNorm;
    expect(norms[0][0]).toBeGreaterThan(0.3); // clipnorm=0.3 clips the kernel's gradient
  });
});
