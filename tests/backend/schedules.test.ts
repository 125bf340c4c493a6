// Learning-rate schedules: each schedule's value at chosen steps against Keras 3's formulas
// (optimizers2.json, numpy), the value a trainer uses at each update (Keras's `iterations`,
// 0 for the first), the progress line's learning rate, and resuming from a checkpoint with a
// schedule (and Nadam's running product) bitwise like an uninterrupted run, on both backends.
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { learningRate, type LrSchedule } from "../../runtime/kernels/schedules.js";
import { loadTrainer } from "../helpers/trainer.js";
import { tempDir } from "../helpers/spawn.js";
import { readJson } from "../helpers/fixtures.js";
import { train, type TrainerModule, type TrainOptions } from "../../runtime/trainer.js";
import { makeDataset } from "../../runtime/dataset.js";
import { Rng } from "../../runtime/rng.js";
import type { LoadedData } from "../../runtime/data/load.js";
import { frontEnd } from "../../compiler/compile.js";

const fx = readJson("optimizers2.json");
const steps = fx.steps as number[];

/** The compiler's reading of a schedule written as an optimizer's lr. */
function scheduleOf(source: string): LrSchedule {
  const src = `model m(x: [B, 4]) { x |> dense(3) }\ntrain t(x: [B, 4], y: [B, 3]) {\n  step m with sgd(lr=${source}) minimize mse(m(x), y)\n}\n`;
  const r = frontEnd("test.dlm", new TextEncoder().encode(src));
  expect(r.diagnostics.map((d) => d.message)).toEqual([]);
  return r.ir!.trains[0].steps[0].optimizer.lr as LrSchedule;
}

describe("schedules against Keras's formulas (optimizers2.json)", () => {
  for (const s of fx.schedules as { source: string; values: number[] }[]) {
    it(s.source, () => {
      const schedule = scheduleOf(s.source);
      steps.forEach((step, i) => {
        const got = learningRate(schedule, step);
        expect(Math.abs(got - s.values[i]), `step ${step}: ${got} vs ${s.values[i]}`).toBeLessThanOrEqual(
          1e-15 + 1e-13 * Math.abs(s.values[i]),
        );
      });
    });
  }
});

const tmp = tempDir("dlm-sched-");
afterAll(() => tmp.cleanup());

function data(n: number, seed: number): LoadedData {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Float32Array(n * 3);
  rng.fillUniform(x, -1, 1);
  rng.fillUniform(y, -1, 1);
  return { train: makeDataset(x, [4], y, [3], "train"), test: null, description: "in memory" };
}

const program = (optimizer: string) => `model m(x: [B, 4]) { x |> dense(8, activation=tanh) |> dense(3) }
train m {
  loss mse
  optimizer ${optimizer}
  batch 4
  epochs 3
  seed 3
}
`;

function run(mod: TrainerModule, opts: TrainOptions): { losses: number[]; lrs: number[]; params: number[]; state: number[] } {
  const losses: number[] = [];
  const r = train(mod, { quiet: true, ...opts, onStep: (_k, l) => losses.push(...l) });
  const t = r.trainer;
  return {
    losses,
    lrs: Array.from(t.learningRates),
    params: Array.from(t.params),
    state: Object.values(t.state).flatMap((a) => Array.from(a)),
  };
}

describe("a trainer's learning rate follows its schedule", () => {
  const loaded = data(10, 7); // batches of 4, 4 and 2: 3 steps per epoch, 9 in all

  it("is the schedule's value at the step count before each update (0 for the first)", async () => {
    const mod = await loadTrainer(program("sgd(lr=piecewise_constant([1, 4], [0.3, 0.2, 0.1]))"));
    const t = mod.createTrainer(new Rng(1), { batch: 4 });
    t.inputs[0].fill(0.5);
    const seen: number[] = [];
    for (let k = 0; k < 7; k++) {
      expect(t.trainStep(4)).toBe(-1);
      seen.push(t.learningRates[0]);
    }
    // Steps 0 and 1 are ≤ 1, steps 2..4 ≤ 4, then the last value.
    expect(seen).toEqual([0.3, 0.3, 0.2, 0.2, 0.2, 0.1, 0.1]);
  });

  it("is shown in the progress line when it changes, and not when it is constant", async () => {
    const lines = async (optimizer: string): Promise<string> => {
      const mod = await loadTrainer(program(optimizer));
      let out = "";
      train(mod, { loaded, stream: { write: (s: string) => ((out += s), true), isTTY: false } as never });
      return out;
    };
    const scheduled = await lines("adam(lr=exponential_decay(0.01, 3, 0.5, staircase=true))");
    // The rate of each epoch's last update: steps 2, 5 and 8, halved every 3 steps.
    expect(
      scheduled
        .split("\n")
        .slice(0, 3)
        .map((l) => / - learning_rate: (\S+)$/.exec(l)?.[1]),
    ).toEqual(["0.0100", "0.0050", "0.0025"]);
    expect(await lines("adam(lr=0.01)")).not.toMatch(/learning_rate/);
  });

  for (const backend of ["ts", "wasm"] as const) {
    for (const optimizer of [
      "sgd(lr=cosine_decay(0.1, 7, warmup_steps=2, warmup_target=0.2), momentum=0.9, global_clipnorm=1)",
      "nadam(lr=polynomial_decay(0.01, 5, cycle=true), weight_decay=0.01)",
    ]) {
      it(`resumes bitwise like an uninterrupted run: ${optimizer} (${backend})`, async () => {
        const mod = await loadTrainer(program(optimizer), "test.dlm", undefined, backend);
        const whole = run(mod, { loaded });
        for (const stop of [2, 3, 5]) {
          const ck = path.join(tmp.dir, `${backend}-${stop}-${optimizer.slice(0, 5)}.safetensors`);
          const first = run(mod, { loaded, maxSteps: stop, save: ck });
          const rest = run(mod, { loaded, resume: ck });
          expect([...first.losses, ...rest.losses], `stopped after step ${stop}`).toEqual(whole.losses);
          expect(rest.params).toEqual(whole.params);
          expect(rest.state).toEqual(whole.state);
          expect(rest.lrs).toEqual(whole.lrs);
        }
      }, 60_000);
    }
  }
});
