// Training end to end, at `npm test` scale:
// (a) the same seed gives bitwise the same per-step losses, another seed others (the MLP on
//     MNIST, and a GAN-like program with noise and dropout);
// (b) the MLP classifier learns real MNIST: 300 steps at batch 32, then ≥ 85% on the 10,000
//     test images, every one of them evaluated (the last batch of 16 is partial);
// (c) `dlm compile` into a folder outside the checkout, then plain `node out/mlp.js` from
//     another working directory trains on `--data` and prints `test loss X accuracy Y`;
// (d) the regression example trains through `dlm train` and its MSE goes down;
// (e) the validation split is the end of the training data, taken before shuffling.
// The full-epoch accuracy runs live in tests/e2e (`npm run test:e2e`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { loadTrainer } from "../helpers/trainer.js";
import { compileTo, mnistDir, repoRoot, runDlm, runNode, stackLines, tempDir, type RunResult } from "../helpers/spawn.js";
import { evaluateOn, train, type TrainerInstance, type TrainerModule } from "../../runtime/trainer.js";
import { runTraining } from "../../runtime/main.js";
import { loadData, type DataInfo, type LoadedData } from "../../runtime/data/load.js";
import { makeDataset } from "../../runtime/dataset.js";
import { Rng } from "../../runtime/rng.js";

const testLine = /^test loss \d+\.\d{4} accuracy \d\.\d{4}$/;

/** Per-step losses of a run, copied (onStep hands over the trainer's own buffer). */
function losses(mod: TrainerModule, opts: Parameters<typeof train>[1]): number[] {
  const out: number[] = [];
  train(mod, { quiet: true, ...opts, onStep: (_, l) => out.push(...l) });
  return out;
}

function bits(xs: readonly number[]): string[] {
  const f = new Float64Array(1);
  const u = new BigUint64Array(f.buffer);
  return xs.map((x) => {
    f[0] = x;
    return u[0].toString(16);
  });
}

/**
 * The module with its trainers' trainStep and evaluate wrapped, to see what they are given:
 * `seen(kind)` lists, per call, the first value of each row of the first input.
 */
function spy(mod: TrainerModule) {
  const calls: { kind: "train" | "eval"; rows: number[] }[] = [];
  const batchOf = new WeakMap<TrainerInstance, number>();
  const record = (t: TrainerInstance, kind: "train" | "eval", n: number) => {
    const x = t.inputs[0];
    const width = x.length / batchOf.get(t)!; // values per row
    calls.push({ kind, rows: Array.from({ length: n }, (_, r) => x[r * width]) });
  };
  const wrapped: TrainerModule = {
    program: mod.program,
    parameters: mod.parameters,
    createTrainer(rng, options) {
      const t = mod.createTrainer(rng, options);
      const w: TrainerInstance = {
        ...t,
        trainStep: (n) => (record(w, "train", n), t.trainStep(n)),
        ...(t.evaluate ? { evaluate: (n: number) => (record(w, "eval", n), t.evaluate!(n)) } : {}),
      };
      batchOf.set(w, options?.batch ?? mod.program.settings.batch);
      return w;
    },
  };
  return { mod: wrapped, calls };
}

const tmp = tempDir("dlm-training-");
const out = path.join(tmp.dir, "build", "out");
// The command-line runs start before any test and go on in child processes beside the
// in-process tests; their tests (at the end) await them.
let compiled: Promise<RunResult>;
let regression: Promise<RunResult>;
beforeAll(() => {
  compiled = compileTo(path.join(repoRoot, "dsl-examples/mlp.dlm"), out).then(() =>
    // From another folder, with the trainer named relative to it.
    runNode([path.join("build", "out", "mlp.js"), "--data", mnistDir, "--max-steps", "50", "--quiet"], { cwd: tmp.dir }),
  );
  regression = runDlm(["train", "dsl-examples/regression.dlm", "--epochs", "4", "--seed", "3"]);
  // Rejections are reported by the tests that await them.
  compiled.catch(() => {});
  regression.catch(() => {});
});
afterAll(() => tmp.cleanup());

describe("training on MNIST", () => {
  let mlp: TrainerModule;
  let mnist: LoadedData;

  beforeAll(async () => {
    mlp = await loadTrainer(readFileSync(path.join(repoRoot, "dsl-examples/mlp.dlm"), "utf8"), "dsl-examples/mlp.dlm");
    mnist = loadData(mlp.program.data as DataInfo, mlp.program.inputs, { baseDir: path.join(repoRoot, "dsl-examples") });
  }, 60_000);

  it("the same seed gives bitwise the same losses; another seed gives others", () => {
    const a = losses(mlp, { loaded: mnist, seed: 1, maxSteps: 25 });
    const b = losses(mlp, { loaded: mnist, seed: 1, maxSteps: 25 });
    const c = losses(mlp, { loaded: mnist, seed: 2, maxSteps: 25 });
    expect(a.length).toBe(25);
    expect(bits(b)).toEqual(bits(a));
    expect(c.filter((x, i) => x !== a[i]).length).toBeGreaterThan(20);
  });

  it("the MLP learns: 300 steps at batch 32, then ≥ 85% on all 10,000 test images", () => {
    expect(mnist.train.n).toBe(60000);
    expect(mnist.test!.n).toBe(10000);
    const { mod, calls } = spy(mlp);
    const r = train(mod, { loaded: mnist, batch: 32, maxSteps: 300, seed: 1, quiet: true });
    expect(r.steps).toBe(300);
    expect(r.test!.samples).toBe(10000);
    expect(r.test!.accuracy!).toBeGreaterThanOrEqual(0.85);
    // Every test image went through evaluate: 312 full batches and a last one of 16 rows.
    const evals = calls.filter((c) => c.kind === "eval");
    expect(evals.length).toBe(313);
    expect(evals.reduce((s, c) => s + c.rows.length, 0)).toBe(10000);
    expect(evals[312].rows.length).toBe(16);
    // A trainer at batch 16 (10,000 = 625 × 16, no partial batch) with the same weights agrees.
    const t16 = mlp.createTrainer(new Rng(0), { batch: 16 });
    t16.params.set(r.trainer.params);
    const again = evaluateOn(mlp, t16, mnist.test!, 16);
    expect(again.accuracy).toBe(r.test!.accuracy);
    expect(again.loss).toBeCloseTo(r.test!.loss, 5);
    expect(Math.abs(r.test!.accuracy! * 10000 - Math.round(r.test!.accuracy! * 10000))).toBeLessThan(1e-6);
  });

  it("prints the test line last, and no other line has both 'test' and 'acc'", () => {
    const out = new PassThrough();
    const err = new PassThrough();
    let text = "";
    out.on("data", (b: Buffer) => (text += b.toString()));
    let errText = "";
    err.on("data", (b: Buffer) => (errText += b.toString()));
    const code = runTraining(mlp, { loaded: mnist, maxSteps: 20, epochs: 2 }, out, err);
    expect(code).toBe(0);
    expect(errText).toBe("");
    const lines = text.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(testLine);
    expect(lines.slice(0, -1).filter((l) => /test/i.test(l) && /acc/i.test(l))).toEqual([]);
    expect(lines.length).toBeGreaterThan(1); // the progress line of the (stopped) epoch
  });
});

it("a GAN-like program with noise and dropout: same seed, same losses; another seed, others", async () => {
  const gan = await loadTrainer(
    `model g(z: [B, 3]) { z |> dense(8, activation=relu) |> dense(4, activation=tanh) }
     model d(x: [B, 4]) { x |> dense(8, activation=leaky_relu(0.2)) |> dropout(0.3) |> dense(1, activation=sigmoid) }
     train gan(real: [B, 4]) {
       batch 4
       epochs 2
       let fake = g(normal([B, 3]))
       step d with adam(lr=1e-2, beta1=0.5) minimize binary_crossentropy(d(real), 0.9) + binary_crossentropy(d(stop_gradient(fake)), 0)
       step g with adam(lr=1e-2, beta1=0.5) minimize binary_crossentropy(d(fake), 1)
     }`,
    "gan.dlm",
  );
  const x = new Float32Array(40);
  new Rng(3).fillUniform(x, -1, 1);
  const loaded: LoadedData = { train: makeDataset(x, [4]), test: null, description: "in memory" };
  const samples = path.join(tmp.dir, "samples"); // where the generator's image grids go
  const a = losses(gan, { loaded, seed: 7, samples });
  const b = losses(gan, { loaded, seed: 7, samples });
  const c = losses(gan, { loaded, seed: 8, samples });
  expect(a.length).toBe(2 * 6); // 2 epochs × 3 batches (4, 4, 2) × 2 steps
  expect(bits(b)).toEqual(bits(a));
  expect(c.filter((v, i) => v !== a[i]).length).toBe(a.length);
});

describe("the command line", () => {
  it("`dlm compile` writes a trainer that runs with plain node from anywhere, on --data", async () => {
    const r = await compiled;
    expect(path.relative(repoRoot, out).startsWith("..")).toBe(true); // outside the checkout
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(testLine);
    expect(lines.filter((l) => /test/i.test(l) && /acc/i.test(l))).toHaveLength(1);
    expect(Number(/accuracy (\S+)/.exec(lines[0])![1])).toBeGreaterThan(0.5); // 50 steps: well above chance
  });

  it("the regression example trains through `dlm train`, and its MSE goes down", async () => {
    const r = await regression;
    expect(r.stderr).toBe("");
    expect(stackLines(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const epochs = lines.filter((l) => l.startsWith("Epoch "));
    expect(epochs).toHaveLength(4);
    const mse = epochs.map((l) => Number(/ - loss: (\S+)/.exec(l)![1]));
    for (const [i, l] of epochs.entries()) expect(l).toMatch(new RegExp(`^Epoch ${i + 1}/4 - 50 steps - `)); // 1,600 rows at batch 32
    expect(mse.every(Number.isFinite)).toBe(true);
    expect(mse[3]).toBeLessThan(0.75 * mse[0]);
    for (let i = 1; i < 4; i++) expect(mse[i]).toBeLessThan(mse[i - 1] * 1.05);
    expect(lines.at(-1)).toMatch(/^test loss \d+\.\d{4}$/);
    expect(Number(lines.at(-1)!.split(" ")[2])).toBeLessThan(mse[0]);
  });
});

it("the validation split is the end of the training data, taken before shuffling", async () => {
  const base = await loadTrainer(
    `model v(x: [B, 1]) { x |> dense(1) }
     train v { loss mse  optimizer sgd(lr=0.01)  batch 3  epochs 3  validation_split 0.3 }`,
    "v.dlm",
  );
  const n = 10; // train: samples 0..6 (⌊10 · 0.7⌋ = 7), validation: 7, 8, 9
  const x = Float32Array.from({ length: n }, (_, i) => i);
  const loaded: LoadedData = { train: makeDataset(x, [1], new Float32Array(n), [1]), test: null, description: "in memory" };
  const { mod, calls } = spy(base);
  train(mod, { loaded, quiet: true, seed: 4 });
  // Per epoch: 3 training batches (3, 3, 1 rows), then the validation in order.
  expect(calls.map((c) => c.kind)).toEqual(Array(3).fill(["train", "train", "train", "eval"]).flat());
  const orders: number[][] = [];
  for (let e = 0; e < 3; e++) {
    const epoch = calls.slice(4 * e, 4 * e + 4);
    const trained = epoch.slice(0, 3).flatMap((c) => c.rows);
    expect([...trained].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(epoch[3].rows).toEqual([7, 8, 9]);
    orders.push(trained);
  }
  // Shuffled, and differently each epoch.
  expect(orders.some((o) => o.join() !== "0,1,2,3,4,5,6")).toBe(true);
  expect(new Set(orders.map((o) => o.join())).size).toBe(3);
});
