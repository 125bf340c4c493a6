// The LSTM's gradients (compiler/middle/inline.ts expands `lstm` into a dense input
// projection and an `lstm_scan` time loop; runtime/kernels/lstm.ts runs BPTT) against
// float64 central finite differences (docs/architecture.md §5) of the whole compiled program, every
// entry of every parameter: return_sequences true and false, stacked LSTMs, an LSTM into
// a softmax classifier (the seed RNN in miniature), and the input's gradient.
//
// The input gradient is observed through the layer that makes the LSTM's input: a dense
// layer before the LSTM (its kernel's gradient is xᵀ·dL/dX), and exactly through a dense
// layer without bias whose input is the one-hot code of (sample, step): its kernel then
// *is* the LSTM's input X (row b·T + t is X[b, t]), so its gradient is dL/dX itself.
//
// Per tensor: relative L2 ≤ 1e-6 and |a − b| ≤ 1e-4·|b| + 1e-6·max|b| (FD_TOL). The batch
// holds B = 4 rows of which a step uses n = 3 (the fourth row holds data that must not
// matter). Weights are drawn with gain 2 so that the gates are neither saturated nor
// linear and the recurrence carries information across steps.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { compare, FD_TOL, TestRandom } from "../helpers/numerics.js";

const B = 4;
const N = 3;
const H = 1e-5;

interface Case {
  readonly src: string;
  /** Fills the inputs (default: U(−1, 1) for f32 inputs, labels 0..classes−1 for i32). */
  readonly inputs?: (t: TrainerInstance, r: TestRandom) => void;
  readonly gain?: number;
  /** Adjusts the random weights. */
  readonly params?: (mod: TrainerModule, t: TrainerInstance) => void;
  /** Labels' class count for an i32 input. */
  readonly classes?: number;
}

interface Result {
  readonly mod: TrainerModule;
  readonly t: TrainerInstance;
  readonly analytic: Float64Array;
  readonly loss: number;
}

/** U(±gain/√fan_in) kernels (fan_in = all but the last axis), U(±0.5) biases. */
function randomParams(mod: TrainerModule, t: TrainerInstance, r: TestRandom, gain: number): void {
  for (const p of mod.parameters) {
    const fanIn = p.shape.length > 1 ? p.shape.slice(0, -1).reduce((a, d) => a * d, 1) : 0;
    const s = fanIn ? gain / Math.sqrt(fanIn) : 0.5;
    for (let i = 0; i < p.size; i++) t.params[p.offset + i] = r.uniform(-s, s);
  }
}

/** Compiles the case, fills weights and inputs, and takes one step: the analytic gradient. */
async function setUp(c: Case, seed = 1): Promise<Result> {
  const mod = await loadTrainer(c.src);
  expect(mod.program.steps).toHaveLength(1);
  const t = mod.createTrainer(new Rng(7), { batch: B, float64: true });
  const r = new TestRandom(seed);
  randomParams(mod, t, r, c.gain ?? 2);
  c.params?.(mod, t);
  if (c.inputs) c.inputs(t, r);
  else {
    for (const arr of t.inputs) {
      if (arr instanceof Int32Array) for (let i = 0; i < arr.length; i++) arr[i] = r.int(c.classes ?? 2);
      else r.fill(arr, -1, 1);
    }
  }
  const saved = Float64Array.from(t.params);
  const loss = t.forward[0](N);
  t.grads.fill(0);
  expect(t.trainStep(N)).toBe(-1);
  expect(t.losses[0]).toBe(loss);
  const analytic = Float64Array.from(t.grads);
  t.params.set(saved);
  return { mod, t, analytic, loss };
}

/** (f(p + h) − f(p − h)) / 2h for every entry of every parameter tensor; per-tensor comparison. */
function checkAll(res: Result): string[] {
  const { mod, t, analytic } = res;
  const problems: string[] = [];
  for (const p of mod.parameters) {
    const numeric = new Float64Array(p.size);
    for (let i = 0; i < p.size; i++) {
      const j = p.offset + i;
      const w = t.params[j];
      t.params[j] = w + H;
      const up = t.forward[0](N);
      t.params[j] = w - H;
      const down = t.forward[0](N);
      t.params[j] = w;
      numeric[i] = (up - down) / (2 * H);
    }
    const cmp = compare(p.name, analytic.subarray(p.offset, p.offset + p.size), numeric, FD_TOL);
    if (!cmp.ok) problems.push(cmp.message);
    // A gradient that is zero everywhere would pass trivially: each tensor must matter.
    if (!numeric.some((v) => Math.abs(v) > 1e-6)) problems.push(`${p.name}: the numeric gradient is ~0 everywhere (vacuous check)`);
  }
  return problems;
}

async function run(c: Case): Promise<Result> {
  const res = await setUp(c);
  const problems = checkAll(res);
  expect(problems, problems.join("\n")).toEqual([]);
  return res;
}

/** A one-step program: `model` and `step m with sgd(lr=0.1) minimize <loss>`. */
const prog = (model: string, inputs: string, loss: string): string =>
  `${model}\ntrain t(${inputs}) {\n  step m with sgd(lr=0.1) minimize ${loss}\n}\n`;

/** One-hot codes of (sample, step) for the first N rows; the spare row gets other data. */
function oneHotCodes(steps: number) {
  return (t: TrainerInstance, r: TestRandom): void => {
    const codes = N * steps;
    const [code, ...rest] = t.inputs;
    code.fill(0);
    for (let b = 0; b < N; b++) for (let s = 0; s < steps; s++) code[(b * steps + s) * codes + b * steps + s] = 1;
    for (let i = N * steps * codes; i < code.length; i++) code[i] = r.uniform(-1, 1);
    for (const arr of rest) r.fill(arr, -1, 1);
  };
}

describe("lstm gradients against float64 finite differences", () => {
  it("one layer, return_sequences=true, after a dense layer (input gradient through it)", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 3]) { x |> dense(3, activation=tanh) |> lstm(4, return_sequences=true) }",
        "x: [B, 5, 3], r: [B, 5, 4]",
        "sum(m(x) * r)",
      ),
    }));

  it("one layer, return_sequences=false (the last step only), after a dense layer", () =>
    run({ src: prog("model m(x: [B, 5, 3]) { x |> dense(3, activation=tanh) |> lstm(4) }", "x: [B, 5, 3], r: [B, 4]", "sum(m(x) * r)") }));

  it("one layer on the raw input, mse against a sequence target", () =>
    run({ src: prog("model m(x: [B, 6, 2]) { x |> lstm(3, return_sequences=true) }", "x: [B, 6, 2], y: [B, 6, 3]", "mse(m(x), y)") }));

  it("stacked: lstm(4, return_sequences) → lstm(3, return_sequences)", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 3]) { x |> dense(3, activation=tanh) |> lstm(4, return_sequences=true) |> lstm(3, return_sequences=true) }",
        "x: [B, 5, 3], r: [B, 5, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("stacked: lstm(4, return_sequences) → lstm(3) → dense(5, softmax), sparse CE (the seed RNN in miniature, simple form)", () =>
    run({
      src: "model m(x: [B, 6, 3]) {\n  x |> lstm(4, return_sequences=true) |> lstm(3) |> dense(5, activation=softmax)\n}\ntrain m {\n  loss sparse_categorical_crossentropy\n  optimizer sgd(lr=0.1)\n}\n",
      classes: 5,
    }));

  it("a long sequence (12 steps, return_sequences=false): the gradient reaches the first step", async () => {
    const steps = 12;
    const codes = N * steps;
    const res = await run({
      src: prog(
        `model m(code: [B, ${steps}, ${codes}]) { code |> dense(2, use_bias=false) |> lstm(3) }`,
        `code: [B, ${steps}, ${codes}], r: [B, 3]`,
        "sum(m(code) * r)",
      ),
      inputs: oneHotCodes(steps),
      // A forget-gate bias around 2 (Keras initializes it to 1) keeps the cell's memory.
      params: (mod, t) => {
        const b = mod.parameters.find((p) => p.name === "m/lstm/bias")!;
        for (let j = 3; j < 6; j++) t.params[b.offset + j] += 2;
      },
    });
    // dense/kernel's gradient is dL/dX: row b·T + t. Through 11 recurrent steps the first
    // step's gradient has shrunk, yet it stays far above FD_TOL's absolute floor
    // (1e-6·max), so that it was checked to better than 1e-2 relative.
    const k = res.mod.parameters.find((p) => p.name === "m/dense/kernel")!;
    const g = res.analytic.subarray(k.offset, k.offset + k.size);
    const floor = 1e-6 * g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const row = (b: number, s: number) => Math.hypot(...g.subarray((b * steps + s) * 2, (b * steps + s) * 2 + 2));
    for (let b = 0; b < N; b++) expect(row(b, 0)).toBeGreaterThan(100 * floor);
  });

  for (const rs of [true, false]) {
    it(`the input gradient itself (one-hot codes into a dense layer that makes x), stacked, return_sequences=${rs} at the top`, () => {
      const steps = 4;
      const codes = N * steps;
      const rShape = rs ? `[B, ${steps}, 2]` : "[B, 2]";
      return run({
        src: prog(
          `model m(code: [B, ${steps}, ${codes}]) { code |> dense(3, use_bias=false) |> lstm(3, return_sequences=true) |> lstm(2, return_sequences=${rs}) }`,
          `code: [B, ${steps}, ${codes}], r: ${rShape}`,
          "sum(m(code) * r)",
        ),
        inputs: oneHotCodes(steps),
      });
    });
  }

  it("the spare batch row does not matter (n < B): its data changes neither loss nor gradient", async () => {
    const c: Case = {
      src: prog("model m(x: [B, 5, 3]) { x |> lstm(4, return_sequences=true) |> lstm(2) }", "x: [B, 5, 3], r: [B, 2]", "sum(m(x) * r)"),
    };
    const a = await setUp(c);
    const x = a.t.inputs[0];
    for (let i = N * 15; i < x.length; i++) x[i] = 10 * Math.cos(i);
    const loss = a.t.forward[0](N);
    a.t.grads.fill(0);
    expect(a.t.trainStep(N)).toBe(-1);
    expect(loss).toBe(a.loss);
    expect(Array.from(a.t.grads)).toEqual(Array.from(a.analytic));
  });
});
