// Checkpoints (docs/runtime.md): safetensors files whose tensors are named after the .dlm layers in
// Keras layouts, with the optimizer state; written at the end and every N steps, atomically;
// and resuming — a run stopped at step N and resumed gives bitwise the same per-step losses
// and final weights as a run that was never stopped. Resuming is checked on a GAN-like
// program with noise in a `let` and dropout (so the RNG state must be restored), with stops
// mid-epoch, exactly at epoch boundaries and by a crash after a periodic checkpoint, each
// then crossing epoch boundaries; and on the MLP classifier mid-epoch. Data are tiny
// in-memory datasets (`loaded`) whose last batch is partial.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { loadTrainer } from "../helpers/trainer.js";
import { repoRoot, tempDir } from "../helpers/spawn.js";
import { train, type TrainerModule, type TrainOptions } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { makeDataset } from "../../runtime/dataset.js";
import { Rng } from "../../runtime/rng.js";
import type { LoadedData } from "../../runtime/data/load.js";

const ganSource = `# A GAN in miniature: noise drawn in a let, dropout in the discriminator, two steps.
model gen(z: [B, 3]) {
  z |> dense(8, activation=relu) |> dense(4, activation=tanh)
}
model disc(x: [B, 4]) {
  x |> dense(8, activation=leaky_relu(0.2)) |> dropout(0.3) |> dense(1, activation=sigmoid)
}
train gan(real: [B, 4]) {
  batch 4
  epochs 3
  seed 5
  let fake = gen(normal([B, 3]))
  step disc with adam(lr=1e-2, beta1=0.5) minimize
       binary_crossentropy(disc(real), 0.9) + binary_crossentropy(disc(stop_gradient(fake)), 0)
  step gen with adam(lr=1e-2, beta1=0.5) minimize
       binary_crossentropy(disc(fake), 1)
}
`;

/** The bits of each number, so that comparisons are bitwise (and NaN-proof). */
function bits(xs: ArrayLike<number>): string[] {
  const f = new Float64Array(1);
  const u = new BigUint64Array(f.buffer);
  return Array.from(xs, (x) => {
    f[0] = x;
    return u[0].toString(16);
  });
}

/** Trains and returns every step's losses (flattened: step 1's losses, then step 2's, ...). */
function run(mod: TrainerModule, opts: TrainOptions): { losses: number[]; params: Float32Array | Float64Array; steps: number } {
  const losses: number[] = [];
  // A program with a generator writes image grids after each epoch: into the temp folder.
  const r = train(mod, {
    quiet: true,
    samples: path.join(tmp.dir, "samples"),
    ...opts,
    onStep: (k, l) => {
      losses.push(...l);
      opts.onStep?.(k, l);
    },
  });
  return { losses, params: r.trainer.params.slice(), steps: r.steps };
}

function uniformData(n: number, shape: number[], seed: number, labels?: number): LoadedData {
  const rng = new Rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * size);
  rng.fillUniform(x, -1, 1);
  const y = labels ? Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % labels) : undefined;
  return { train: makeDataset(x, shape, y, [], "train"), test: null, description: "in memory" };
}

const tmp = tempDir("dlm-ckpt-");

describe("checkpoints", () => {
  let gan: TrainerModule;
  let mlp: TrainerModule;
  // 10 samples at batch 4: batches of 4, 4 and 2 per epoch; 3 epochs make 9 steps.
  const ganData = uniformData(10, [4], 11);
  // 44 samples at batch 8: six batches per epoch, the last of 4.
  const mlpData = uniformData(44, [28, 28, 1], 12, 10);
  let baseline: { losses: number[]; params: Float32Array | Float64Array };

  beforeAll(async () => {
    gan = await loadTrainer(ganSource, "gan.dlm");
    mlp = await loadTrainer(readFileSync(path.join(repoRoot, "dsl-examples/mlp.dlm"), "utf8"), "dsl-examples/mlp.dlm");
    baseline = run(gan, { loaded: ganData });
  }, 60_000);
  afterAll(() => tmp.cleanup());

  const file = (name: string) => path.join(tmp.dir, name);

  it("holds every parameter under its .dlm name in Keras layout, and the optimizer state", () => {
    const ck = file("mlp.safetensors");
    const r = train(mlp, { loaded: mlpData, batch: 8, maxSteps: 3, save: ck, quiet: true });
    const { tensors, metadata } = loadSafetensors(ck);
    const params: Record<string, number[]> = {
      "mlp/dense/kernel": [784, 128],
      "mlp/dense/bias": [128],
      "mlp/dense_1/kernel": [128, 10],
      "mlp/dense_1/bias": [10],
    };
    const expected = Object.keys(params).flatMap((p) => [p, `optimizer/adam_m/${p}`, `optimizer/adam_v/${p}`]);
    expect(Object.keys(tensors).sort()).toEqual(expected.sort());
    for (const [name, shape] of Object.entries(params)) {
      for (const n of [name, `optimizer/adam_m/${name}`, `optimizer/adam_v/${name}`]) {
        expect(tensors[n].dtype).toBe("F32");
        expect(tensors[n].shape).toEqual(shape);
      }
      const p = mlp.parameters.find((q) => q.name === name)!;
      expect(bits(tensors[name].data as Float32Array)).toEqual(bits(r.trainer.params.subarray(p.offset, p.offset + p.size)));
    }
    // The optimizer state is the trainer's (adam's second moment is positive after a step).
    expect(Array.from(tensors["optimizer/adam_v/mlp/dense_1/kernel"].data as Float32Array).some((v) => v > 0)).toBe(true);
    expect(metadata.global_step).toBe("3");
    expect(metadata.program).toBe("mlp");

    // Keras layout: kernel [in, units] row-major, so softmax(relu(x·K + b)·K1 + b1) from the
    // checkpoint's tensors is the trainer's own prediction.
    const t = r.trainer;
    const K = tensors["mlp/dense/kernel"].data as Float32Array,
      b = tensors["mlp/dense/bias"].data as Float32Array;
    const K1 = tensors["mlp/dense_1/kernel"].data as Float32Array,
      b1 = tensors["mlp/dense_1/bias"].data as Float32Array;
    const ds = mlpData.train;
    ds.fetch?.(0); // rows are read on demand
    const x = Float32Array.from(ds.x.subarray(0, 784), (v) => (ds.table ? ds.table[v] : v)); // bytes through their table
    (t.inputs[0] as Float32Array).set(x);
    t.evaluate!(1);
    const h = Array.from({ length: 128 }, (_, j) => Math.max(0, b[j] + x.reduce((s, xi, i) => s + xi * K[i * 128 + j], 0)));
    const z = Array.from({ length: 10 }, (_, j) => b1[j] + h.reduce((s, hi, i) => s + hi * K1[i * 10 + j], 0));
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const p = e.map((v) => v / e.reduce((s, w) => s + w, 0));
    for (let j = 0; j < 10; j++) expect(t.prediction![j]).toBeCloseTo(p[j], 5);
  });

  it("is written every N steps and at the end, atomically (no temporary file is left)", () => {
    const dir = file("every");
    const ck = path.join(dir, "gan.safetensors");
    mkdirSync(dir);
    const seen: (string | null)[] = [];
    run(gan, {
      loaded: ganData,
      save: ck,
      checkpointEvery: 2,
      // Called after step k, before step k's own checkpoint: the file holds the last multiple of 2 below k.
      onStep: () => seen.push(existsSync(ck) ? loadSafetensors(ck).metadata.global_step : null),
    });
    expect(seen).toEqual([null, null, "2", "2", "4", "4", "6", "6", "8"]);
    expect(loadSafetensors(ck).metadata.global_step).toBe("9");
    expect(readdirSync(dir)).toEqual(["gan.safetensors"]);
  });

  it("resuming reproduces the GAN's losses bitwise (noise, dropout), from stops before the first step, mid-epoch, at epoch boundaries and after the last step", () => {
    expect(baseline.losses.length).toBe(18); // 9 steps × 2 losses
    expect(new Set(baseline.losses).size).toBe(18); // the losses do change from step to step
    for (const stop of [0, 1, 2, 3, 4, 6, 8, 9]) {
      const ck = file(`gan-${stop}.safetensors`);
      const first = run(gan, { loaded: ganData, maxSteps: stop, save: ck });
      expect(first.steps).toBe(stop);
      const rest = run(gan, { loaded: ganData, resume: ck });
      expect(rest.steps, `stop at ${stop}`).toBe(9);
      expect(bits([...first.losses, ...rest.losses]), `stopped at step ${stop}`).toEqual(bits(baseline.losses));
      expect(bits(rest.params), `weights after stopping at step ${stop}`).toEqual(bits(baseline.params));
    }
  });

  it("resuming twice in a row (steps 1–2, 3–5, 6–9) reproduces the uninterrupted run", () => {
    const ck = file("gan-chain.safetensors");
    const a = run(gan, { loaded: ganData, maxSteps: 2, save: ck });
    const b = run(gan, { loaded: ganData, maxSteps: 5, resume: ck, save: ck });
    const c = run(gan, { loaded: ganData, resume: ck });
    expect(bits([...a.losses, ...b.losses, ...c.losses])).toEqual(bits(baseline.losses));
  });

  it("resuming from the last periodic checkpoint of a run that crashed reproduces the rest", () => {
    for (const [every, crashAt] of [
      [3, 7], // the checkpoint of step 6 falls on the end of epoch 2
      [2, 6], // the checkpoint of step 4 is mid-epoch 2
      [3, 4], // the checkpoint of step 3 falls on the end of epoch 1
    ]) {
      const ck = file(`gan-crash-${every}-${crashAt}.safetensors`);
      const crash = () =>
        run(gan, {
          loaded: ganData,
          save: ck,
          checkpointEvery: every,
          onStep: (k) => {
            if (k === crashAt) throw new Error("simulated crash");
          },
        });
      expect(crash).toThrow("simulated crash");
      const saved = Math.floor((crashAt - 1) / every) * every;
      expect(loadSafetensors(ck).metadata.global_step).toBe(String(saved));
      const rest = run(gan, { loaded: ganData, resume: ck });
      expect(bits(rest.losses), `every ${every}, crash at ${crashAt}`).toEqual(bits(baseline.losses.slice(2 * saved)));
      expect(bits(rest.params)).toEqual(bits(baseline.params));
    }
  });

  it("resuming the MLP classifier mid-epoch reproduces its losses bitwise", () => {
    const opts = { loaded: mlpData, batch: 8, epochs: 2 };
    const whole = run(mlp, opts);
    expect(whole.steps).toBe(12);
    const ck = file("mlp-mid.safetensors");
    const first = run(mlp, { ...opts, maxSteps: 3, save: ck });
    const rest = run(mlp, { ...opts, resume: ck });
    expect(bits([...first.losses, ...rest.losses])).toEqual(bits(whole.losses));
    expect(bits(rest.params)).toEqual(bits(whole.params));
  });
});
