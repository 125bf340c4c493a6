// Two concepts of the op registry, tested through the test-only op `test_moving_center`
// (compiler/ops/testing.ts; the compiler accepts it with DLM_TEST_OPS=1) before a real op
// (batch normalization) uses them:
// - state that is not trained: updated inside the training step by the op that owns it, not
//   in evaluation or inference; no gradient and no optimizer state; checkpointed under the
//   layer's name; counted as non-trainable; exact on resume;
// - behaviour that differs between training and inference, by the same mechanism as dropout.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { loadTrainer } from "../helpers/trainer.js";
import { agreeBackends } from "../helpers/backends.js";
import { tempDir } from "../helpers/spawn.js";
import { TestRandom, randomParams } from "../helpers/numerics.js";
import { frontEnd } from "../../compiler/compile.js";
import { summarizeProgram } from "../../compiler/summary.js";
import { Rng } from "../../runtime/rng.js";
import { train, type TrainerModule } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { makeDataset } from "../../runtime/dataset.js";

const model = "model m(x: [B, 3]) { x |> dense(3) |> test_moving_center(momentum=0.75) |> dense(2) }";
const src = `${model}\ntrain t(x: [B, 3], r: [B, 2]) {\n  batch 4\n  epochs 2\n  step m with adam(lr=0.01) minimize sum(m(x) * r)\n}\n`;

const tmp = tempDir("dlm-state-");
let before: string | undefined;
let mod: TrainerModule & { ts: string };

beforeAll(async () => {
  before = process.env.DLM_TEST_OPS;
  process.env.DLM_TEST_OPS = "1";
  mod = await loadTrainer(src);
}, 60_000);
afterAll(() => {
  if (before === undefined) delete process.env.DLM_TEST_OPS;
  else process.env.DLM_TEST_OPS = before;
  tmp.cleanup();
});

const param = (name: string) => mod.parameters.find((p) => p.name === `m/${name}`)!;

describe("state that is not trained", () => {
  it("counts as non-trainable in the summary, as Keras counts it", () => {
    const front = frontEnd("t.dlm", new TextEncoder().encode(src));
    expect(front.diagnostics).toEqual([]);
    const text = summarizeProgram(front.ir!);
    expect(text).toContain("Total params: 23 (92.00 B)");
    expect(text).toContain("Trainable params: 20 (80.00 B)");
    expect(text).toContain("Non-trainable params: 3 (12.00 B)");
  });

  it("gets no gradient and no optimizer range, and is marked as state for the runtime", () => {
    const moving = param("test_moving_center/moving_mean");
    expect(moving.state).toBe(true);
    expect(moving.init).toBe("zeros");
    for (const r of mod.program.steps[0].ranges) expect(moving.offset >= r.offset && moving.offset < r.offset + r.size).toBe(false);
    expect(mod.ts).toMatch(/m_test_moving_center_moving_mean\.set\(/);
  });

  it("is updated by the training step from the batch mean, and read by inference instead of the batch's", () => {
    const B = 4;
    const n = 3;
    const t = mod.createTrainer(new Rng(3), { batch: B, float64: true });
    const r = new TestRandom(5);
    randomParams(mod, t, r, 1);
    t.params.fill(0, param("test_moving_center/moving_mean").offset, param("test_moving_center/moving_mean").offset + 3);
    const [x, rr] = t.inputs;
    for (let i = 0; i < x.length; i++) x[i] = r.uniform(-1, 1);
    for (let i = 0; i < rr.length; i++) rr[i] = r.uniform(-1, 1);
    const slice = (name: string) => {
      const p = param(name);
      return Float64Array.from(t.params.subarray(p.offset, p.offset + p.size));
    };
    const k = slice("dense/kernel");
    const b = slice("dense/bias");
    // The batch mean of dense(x) over the n rows the step uses.
    const h = (row: number, j: number) => b[j] + [0, 1, 2].reduce((s, i) => s + x[row * 3 + i] * k[i * 3 + j], 0);
    const mean = [0, 1, 2].map((j) => [0, 1, 2].reduce((s, row) => s + h(row, j), 0) / n);
    expect(t.trainStep(n)).toBe(-1);
    const moving = slice("test_moving_center/moving_mean");
    for (let j = 0; j < 3; j++) expect(moving[j]).toBeCloseTo(0.25 * mean[j], 12);
    // No gradient and no optimizer state for it, although the loss depends on the layer.
    const m = param("test_moving_center/moving_mean");
    expect(Array.from(t.grads.subarray(m.offset, m.offset + m.size))).toEqual([0, 0, 0]);
    for (const buf of Object.values(t.state)) expect(Array.from(buf.subarray(m.offset, m.offset + m.size))).toEqual([0, 0, 0]);
    // Inference centres by the moving mean (with the weights after the step).
    const infer = t.models.m;
    infer.inputs[0].set(x);
    infer.run(n);
    const k1 = slice("dense/kernel");
    const b1 = slice("dense/bias");
    const k2 = slice("dense_1/kernel");
    const b2 = slice("dense_1/bias");
    for (let row = 0; row < n; row++) {
      const c = [0, 1, 2].map((j) => b1[j] + [0, 1, 2].reduce((s, i) => s + x[row * 3 + i] * k1[i * 3 + j], 0) - moving[j]);
      for (let o = 0; o < 2; o++) {
        const want = b2[o] + [0, 1, 2].reduce((s, j) => s + c[j] * k2[j * 2 + o], 0);
        expect(infer.output[row * 2 + o]).toBeCloseTo(want, 10);
      }
    }
    // Inference does not move it.
    expect(Array.from(slice("test_moving_center/moving_mean"))).toEqual(Array.from(moving));
  });

  it("the WebAssembly backend agrees (the update included)", async () => {
    // Without the bias before the centring: its gradient is exactly zero (the centring removes
    // it), so both backends would compare float32 rounding noise, which Adam then amplifies.
    const agree = await agreeBackends({
      src: src.replace("dense(3)", "dense(3, use_bias=false)"),
      batch: 4,
      n: 3,
      setup: (m, t) => {
        const r = new TestRandom(9);
        randomParams(m, t, r, 1);
        for (const arr of t.inputs) for (let i = 0; i < arr.length; i++) arr[i] = r.uniform(-1, 1);
      },
    });
    expect(agree.problems, agree.problems.join("\n")).toEqual([]);
  });

  it("is saved under the layer's name, without optimizer state, and resumes bitwise", () => {
    const rng = new Rng(1);
    const x = new Float32Array(10 * 3);
    const y = new Float32Array(10 * 2);
    rng.fillUniform(x, -1, 1);
    rng.fillUniform(y, -1, 1);
    const loaded = { train: makeDataset(x, [3], y, [2], "train"), test: null, description: "in memory" } as never;
    const whole = train(mod, { loaded, quiet: true });
    const ck = path.join(tmp.dir, "half.safetensors");
    train(mod, { loaded, quiet: true, maxSteps: 3, save: ck });
    const { tensors } = loadSafetensors(ck);
    expect(tensors["m/test_moving_center/moving_mean"].shape).toEqual([3]);
    expect(Object.keys(tensors).filter((n) => n.includes("moving_mean"))).toEqual(["m/test_moving_center/moving_mean"]);
    const resumed = train(mod, { loaded, quiet: true, resume: ck });
    expect(Array.from(resumed.trainer.params)).toEqual(Array.from(whole.trainer.params));
    const moving = param("test_moving_center/moving_mean");
    expect(Array.from(whole.trainer.params.subarray(moving.offset, moving.offset + 3)).some((v) => v !== 0)).toBe(true);
  });
});

describe("the test-only op", () => {
  it("is not part of the language without DLM_TEST_OPS=1", () => {
    const saved = process.env.DLM_TEST_OPS;
    delete process.env.DLM_TEST_OPS;
    try {
      const front = frontEnd("t.dlm", new TextEncoder().encode(src));
      expect(front.diagnostics.map((d) => d.code)).toEqual(["DL2001"]);
    } finally {
      process.env.DLM_TEST_OPS = saved;
    }
  });
});
