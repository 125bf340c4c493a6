// A batch norm's state (compiler/ops/normalization.ts): the moving statistics after k
// training steps equal Keras's formula over each step's batch statistics (biased variance,
// the valid rows only), inference reads them (evaluation runs the same inference eqns), they are counted, saved and
// resumed like the test-only op of state.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { loadTrainer } from "../helpers/trainer.js";
import { tempDir } from "../helpers/spawn.js";
import { TestRandom, randomParams } from "../helpers/numerics.js";
import { frontEnd } from "../../compiler/compile.js";
import { summarizeProgram } from "../../compiler/summary.js";
import { Rng } from "../../runtime/rng.js";
import { train, type TrainerModule } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { makeDataset } from "../../runtime/dataset.js";

const model = "model m(x: [B, 3]) { x |> dense(4) |> batchnorm(momentum=0.75, epsilon=0.01) |> dense(2) }";
const src = `${model}\ntrain t(x: [B, 3], r: [B, 2]) {\n  batch 4\n  epochs 2\n  step m with adam(lr=0.01) minimize sum(m(x) * r)\n}\n`;

const tmp = tempDir("dlm-bn-state-");
let mod: TrainerModule & { ts: string };

beforeAll(async () => {
  mod = await loadTrainer(src);
}, 60_000);
afterAll(() => tmp.cleanup());

const param = (name: string) => mod.parameters.find((p) => p.name === `m/${name}`)!;

describe("batchnorm state", () => {
  it("counts the moving statistics as non-trainable, in Keras's order", () => {
    const front = frontEnd("t.dlm", new TextEncoder().encode(src));
    expect(front.diagnostics).toEqual([]);
    const text = summarizeProgram(front.ir!);
    expect(text).toContain("Total params: 42 (168.00 B)");
    expect(text).toContain("Non-trainable params: 8 (32.00 B)");
    const names = mod.parameters.filter((p) => p.name.includes("batch_normalization")).map((p) => p.name.split("/").pop());
    expect(names).toEqual(["gamma", "beta", "moving_mean", "moving_variance"]);
    expect(param("batch_normalization/moving_mean").state).toBe(true);
    expect(param("batch_normalization/moving_variance").init).toBe("ones");
  });

  it("moves by the formula over k steps (padding rows not counted), and inference uses it", () => {
    const B = 4;
    const n = 3;
    const t = mod.createTrainer(new Rng(3), { batch: B, float64: true });
    const r = new TestRandom(5);
    randomParams(mod, t, r, 1);
    const mm = param("batch_normalization/moving_mean");
    const mv = param("batch_normalization/moving_variance");
    t.params.fill(0, mm.offset, mm.offset + 4);
    t.params.fill(1, mv.offset, mv.offset + 4);
    const [x, rr] = t.inputs;
    for (let i = 0; i < x.length; i++) x[i] = r.uniform(-1, 1);
    for (let i = 0; i < rr.length; i++) rr[i] = r.uniform(-1, 1);
    // Row 4 is padding: a huge value there would move the statistics if it were counted.
    for (let i = 9; i < 12; i++) x[i] = 1e6;
    const slice = (name: string) => {
      const p = param(name);
      return Float64Array.from(t.params.subarray(p.offset, p.offset + p.size));
    };
    const hidden = () => {
      const k = slice("dense/kernel");
      const b = slice("dense/bias");
      return [0, 1, 2].map((row) => [0, 1, 2, 3].map((j) => b[j] + [0, 1, 2].reduce((s, i) => s + x[row * 3 + i] * k[i * 4 + j], 0)));
    };
    const wantMean = [0, 0, 0, 0];
    const wantVar = [1, 1, 1, 1];
    for (let step = 0; step < 3; step++) {
      const h = hidden();
      for (let j = 0; j < 4; j++) {
        const mean = h.reduce((s, row) => s + row[j], 0) / n;
        const variance = h.reduce((s, row) => s + (row[j] - mean) ** 2, 0) / n; // biased
        wantMean[j] = wantMean[j] * 0.75 + mean * 0.25;
        wantVar[j] = wantVar[j] * 0.75 + variance * 0.25;
      }
      expect(t.trainStep(n)).toBe(-1);
    }
    const movingMean = slice("batch_normalization/moving_mean");
    const movingVar = slice("batch_normalization/moving_variance");
    for (let j = 0; j < 4; j++) {
      expect(Math.abs(movingMean[j] - wantMean[j])).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(movingVar[j] - wantVar[j])).toBeLessThanOrEqual(1e-12 * wantVar[j]);
    }
    // No gradient and no optimizer state for the moving statistics.
    for (const p of [mm, mv]) {
      expect(Array.from(t.grads.subarray(p.offset, p.offset + 4))).toEqual([0, 0, 0, 0]);
      for (const buf of Object.values(t.state)) expect(Array.from(buf.subarray(p.offset, p.offset + 4))).toEqual([0, 0, 0, 0]);
    }
    // Inference normalizes with the moving statistics (and leaves them alone).
    const h = hidden();
    const gamma = slice("batch_normalization/gamma");
    const beta = slice("batch_normalization/beta");
    const k2 = slice("dense_1/kernel");
    const b2 = slice("dense_1/bias");
    const infer = t.models.m;
    infer.inputs[0].set(x);
    infer.run(n);
    for (let row = 0; row < n; row++) {
      const z = [0, 1, 2, 3].map((j) => ((h[row][j] - movingMean[j]) / Math.sqrt(movingVar[j] + 0.01)) * gamma[j] + beta[j]);
      for (let o = 0; o < 2; o++) {
        const want = b2[o] + [0, 1, 2, 3].reduce((s, j) => s + z[j] * k2[j * 2 + o], 0);
        expect(Math.abs(infer.output[row * 2 + o] - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
      }
    }
    expect(Array.from(slice("batch_normalization/moving_mean"))).toEqual(Array.from(movingMean));
  });

  it("is saved under the layer's name and resumes bitwise", () => {
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
    expect(tensors["m/batch_normalization/moving_mean"].shape).toEqual([4]);
    expect(tensors["m/batch_normalization/moving_variance"].shape).toEqual([4]);
    const resumed = train(mod, { loaded, quiet: true, resume: ck });
    expect(Array.from(resumed.trainer.params)).toEqual(Array.from(whole.trainer.params));
    const mv = param("batch_normalization/moving_variance");
    expect(Array.from(whole.trainer.params.subarray(mv.offset, mv.offset + 4)).some((v) => v !== 1)).toBe(true);
  });
});
