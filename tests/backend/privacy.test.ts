// Differentially private training (dp_sgd, dp_adam): the per-example gradients of the
// compiled backward pass (ops/privacy.ts), clipped per microbatch and summed, against a loop
// of small-batch gradients of the same model without privacy (float64, exact to rounding); the
// WebAssembly backend against the TypeScript one; and the noise's standard deviation σ·C/G
// measured with a fixed seed.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { agreeBackends } from "../helpers/backends.js";
import { randomParams, TestRandom } from "../helpers/numerics.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";

const model = `
model m(x: [B, 6, 6, 2]) {
  x |> conv2d(3, kernel=3, strides=1, padding=same, activation=relu)
    |> flatten()
    |> dense(5, activation=tanh)
    |> dense(4)
}
`;
const program = (optimizer: string, batch: number) => `${model}
train m(x: [B, 6, 6, 2], y: [B]) {
  batch ${batch}
  step m with ${optimizer} minimize sparse_categorical_crossentropy(m(x), y, from_logits=true)
}
`;

const B = 8;

/** The same parameters and inputs (labels in 0..3) for every trainer of the model. */
function setup(mod: TrainerModule, t: TrainerInstance): void {
  const r = new TestRandom(99);
  randomParams(mod, t, r, 1.5);
  const [x, y] = t.inputs;
  for (let i = 0; i < x.length; i++) x[i] = r.uniform(-1, 1);
  for (let i = 0; i < y.length; i++) y[i] = Math.floor(r.uniform(0, 4));
}

/** Σ over microbatches of each one's mean gradient clipped to C, divided by their number: from plain-SGD steps on each microbatch. */
async function reference(clip: number, microbatches: number): Promise<Float64Array> {
  const mod = await loadTrainer(program("sgd(lr=0.1)", B));
  const t = mod.createTrainer(new Rng(1), { batch: B, float64: true });
  setup(mod, t);
  const params = Float64Array.from(t.params);
  const [x, y] = [Float64Array.from(t.inputs[0]), Float64Array.from(t.inputs[1])];
  const rows = B / microbatches;
  const per = x.length / B;
  const sum = new Float64Array(t.grads.length);
  for (let g = 0; g < microbatches; g++) {
    t.params.set(params);
    t.inputs[0].set(x.subarray(g * rows * per, (g + 1) * rows * per));
    t.inputs[1].set(y.subarray(g * rows, (g + 1) * rows));
    expect(t.trainStep(rows)).toBe(-1);
    let ss = 0;
    for (const v of t.grads) ss += v * v;
    const scale = Math.min(1, clip / Math.sqrt(ss));
    for (let i = 0; i < sum.length; i++) sum[i] += (scale * t.grads[i]) / microbatches;
  }
  return sum;
}

async function privateGradient(optimizer: string, seed = 1): Promise<{ grads: Float64Array; params: Float64Array; mod: TrainerModule }> {
  const mod = await loadTrainer(program(optimizer, B));
  const t = mod.createTrainer(new Rng(seed), { batch: B, float64: true });
  setup(mod, t);
  expect(t.trainStep(B)).toBe(-1);
  return { grads: Float64Array.from(t.grads), params: Float64Array.from(t.params), mod };
}

const maxRel = (a: Float64Array, b: Float64Array): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
};

describe("dp_sgd: per-example clipping", () => {
  for (const [clip, microbatches] of [
    [0.3, 8],
    [0.3, 4],
    [0.3, 2],
    [100, 8],
  ] as const) {
    it(`clip ${clip}, ${microbatches} microbatches of a batch of ${B}: the loop of microbatch gradients`, async () => {
      const want = await reference(clip, microbatches);
      const got = await privateGradient(`dp_sgd(lr=0.1, l2_norm_clip=${clip}, noise_multiplier=0, microbatches=${microbatches})`);
      expect(maxRel(got.grads, want)).toBeLessThan(1e-12);
      // Not vacuous: with a small clip the clipped sum differs from the plain mean gradient.
      const plain = await reference(Infinity, 1);
      if (clip < 1) expect(maxRel(got.grads, plain)).toBeGreaterThan(0.05);
      else expect(maxRel(got.grads, plain)).toBeLessThan(1e-12);
    });
  }

  it("the WebAssembly backend agrees with the TypeScript one (noise included: the same draws)", async () => {
    for (const mb of [8, 2]) {
      const agree = await agreeBackends({
        src: program(`dp_sgd(lr=0.1, l2_norm_clip=0.3, noise_multiplier=1.1, microbatches=${mb})`, B),
        batch: B,
        n: B,
        setup,
      });
      expect(agree.problems, agree.problems.join("\n")).toEqual([]);
      const adam = await agreeBackends({
        src: program(`dp_adam(lr=0.01, l2_norm_clip=0.3, noise_multiplier=1.1, microbatches=${mb})`, B),
        batch: B,
        n: B,
        setup,
      });
      expect(adam.problems, adam.problems.join("\n")).toEqual([]);
    }
  });
});

describe("dp_sgd: noise", () => {
  it("adds Gaussian noise of standard deviation σ·C/G to each element, reproducibly from the seed", async () => {
    const [sigma, clip, G] = [2.5, 0.3, 4];
    const quiet = await privateGradient(`dp_sgd(lr=0.1, l2_norm_clip=${clip}, noise_multiplier=0, microbatches=${G})`);
    const noisy = await privateGradient(`dp_sgd(lr=0.1, l2_norm_clip=${clip}, noise_multiplier=${sigma}, microbatches=${G})`, 5);
    const again = await privateGradient(`dp_sgd(lr=0.1, l2_norm_clip=${clip}, noise_multiplier=${sigma}, microbatches=${G})`, 5);
    const other = await privateGradient(`dp_sgd(lr=0.1, l2_norm_clip=${clip}, noise_multiplier=${sigma}, microbatches=${G})`, 6);
    expect(again.grads).toEqual(noisy.grads);
    expect(other.grads).not.toEqual(noisy.grads);
    const z = noisy.grads.map((v, i) => v - quiet.grads[i]);
    const n = z.length;
    const mean = z.reduce((a, v) => a + v, 0) / n;
    const sd = Math.sqrt(z.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
    const want = (sigma * clip) / G;
    // n = 626 draws (every parameter): the sample std's standard error is want/√(2n) ≈ 2.8%; 4 standard errors.
    expect(n).toBe(626);
    expect(Math.abs(sd / want - 1)).toBeLessThan(4 / Math.sqrt(2 * n));
    expect(Math.abs(mean)).toBeLessThan((4 * want) / Math.sqrt(n));
  });
});
