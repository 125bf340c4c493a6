// The gradient check of one tiny program (docs/architecture.md §5): every parameter's
// analytic gradient from a float64 trainer's `trainStep` against float64 central finite
// differences of the forward pass, plus the WebAssembly backend against the TypeScript one
// on the same case. Per tensor: relative L2 ≤ 1e-6 and |a − b| ≤ 1e-4·|b| + 1e-6·max|b|.
// Used by tests/backend/gradients*.test.ts.
import { expect } from "vitest";
import { loadTrainer } from "./trainer.js";
import { agreeBackends } from "./backends.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { checkGradients, compare, FD_TOL, findParam, paramSlice, randomParams, TestRandom } from "./numerics.js";

export const B = 4;
export const N = 3;

export type Fill = (r: TestRandom) => number;

export interface Case {
  readonly src: string;
  /** Per input name: how to draw its values (default U(−1, 1)). */
  readonly fill?: Readonly<Record<string, Fill>>;
  /** Parameters beyond the default U(±1/√fan_in) kernels and U(±0.2) biases. */
  readonly params?: (mod: TrainerModule, t: TrainerInstance, r: TestRandom) => void;
  readonly gain?: number;
  /** analytic = scale × numeric, per parameter tensor (by name suffix); default 1. */
  readonly scale?: Readonly<Record<string, number>>;
  /** Further checks, e.g. the forward loss against a reference computation. */
  readonly check?: (ctx: {
    mod: TrainerModule & { ts: string };
    t: TrainerInstance;
    loss: number;
    input: (name: string) => Float64Array;
    param: (name: string) => Float64Array;
  }) => void;
  readonly seed?: number;
  /** For cross-entropies: whether every one must read logits (true) or probabilities (false). */
  readonly fromLogits?: boolean;
}

export async function run(c: Case): Promise<void> {
  const mod = await loadTrainer(c.src);
  if (c.fromLogits !== undefined) {
    // The stable path (logits) or Keras's clipping path (probabilities), as the case intends.
    const calls = [...mod.ts.matchAll(/K\.(?:binary|categorical|sparseCategorical)Crossentropy\(([^;]*)\)/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const m of calls) expect(m[1].trim().endsWith(String(c.fromLogits)), m[0]).toBe(true);
  }
  const t = mod.createTrainer(new Rng(c.seed ?? 7), { batch: B, float64: true });
  const setup = (m: TrainerModule, tt: TrainerInstance) => {
    const r = new TestRandom(c.seed ?? 1234);
    randomParams(m, tt, r, c.gain ?? 1);
    c.params?.(m, tt, r);
    m.program.inputs.forEach((info, i) => {
      const fill = c.fill?.[info.name] ?? ((q: TestRandom) => q.uniform(-1, 1));
      const arr = tt.inputs[i];
      for (let j = 0; j < arr.length; j++) arr[j] = fill(r);
    });
  };
  setup(mod, t);
  // The WebAssembly backend agrees with this (TypeScript, float32) on the same case.
  const agree = await agreeBackends({ src: c.src, batch: B, n: N, seed: c.seed ?? 7, setup });
  expect(agree.problems, agree.problems.join("\n")).toEqual([]);
  const g = checkGradients(mod, t, N);
  expect(Number.isFinite(g.loss)).toBe(true);
  expect(g.tensors.length, "no parameter tensor checked").toBeGreaterThan(0);
  const problems: string[] = [];
  for (const x of g.tensors) {
    const scaleKey = Object.keys(c.scale ?? {}).find((k) => x.name.endsWith(k));
    const scale = scaleKey ? c.scale![scaleKey] : 1;
    if (scale === 0) {
      // No gradient flows: exactly zero, although the forward pass does depend on it.
      if (x.analytic.some((v) => v !== 0)) problems.push(`${x.name}: expected a zero gradient`);
      if (!x.numeric.some((v) => Math.abs(v) > 1e-6)) problems.push(`${x.name}: the loss should depend on it (the test is vacuous)`);
      continue;
    }
    const want = x.numeric.map((v) => v * scale);
    const cmp = compare(x.name, x.analytic, want, FD_TOL);
    if (!cmp.ok) problems.push(cmp.message);
    // A gradient that is zero everywhere would pass trivially: each checked tensor must matter.
    if (!want.some((v) => Math.abs(v) > 1e-8)) problems.push(`${x.name}: the numeric gradient is zero everywhere (vacuous check)`);
  }
  expect(problems, problems.join("\n")).toEqual([]);
  if (c.check) {
    const idx = (name: string) => mod.program.inputs.findIndex((i) => i.name === name);
    c.check({
      mod,
      t,
      loss: g.loss,
      input: (name) => Float64Array.from(t.inputs[idx(name)]),
      param: (name) => paramSlice(t, findParam(mod, name)),
    });
  }
}

/** A one-step program: `model` (source) and `step m with sgd(lr=0.1) minimize <loss>`. */
export const prog = (model: string, inputs: string, loss: string, step = "m"): string =>
  `${model}\ntrain t(${inputs}) {\n  step ${step} with sgd(lr=0.1) minimize ${loss}\n}\n`;

/** The first n rows of a per-sample tensor. */
export const rows = (a: Float64Array, perRow: number, n = N): Float64Array => a.subarray(0, n * perRow);

export const close = (actual: number, expected: number, rel = 1e-12) =>
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-15);
