// Shared by the export and predict tests: a small MNIST folder (the first images of the
// real files, so that training a few steps runs fast), `dlm train` and `dlm export` as a
// user runs them, and the trainer's own inference forward pass on a checkpoint's weights.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { frontEnd, compileTrainer, importTrainer } from "../../compiler/compile.js";
import { readIdx, encodeIdx } from "../../runtime/data/idx.js";
import { MNIST_FILES } from "../../runtime/data/mnist.js";
import { decodeSafetensors } from "../../runtime/safetensors.js";
import { Rng } from "../../runtime/rng.js";
import { mnistDir, runDlm, type RunResult } from "./spawn.js";
import { distRuntime, root } from "./trainer.js";

/** Writes the first `train` training and `test` test images and labels of MNIST into `dir`, as IDX files. */
export function smallMnist(dir: string, train = 256, test = 64): void {
  for (const [split, count] of [
    ["train", train],
    ["test", test],
  ] as const) {
    const images = readIdx(path.join(mnistDir, MNIST_FILES[split].images));
    const labels = readIdx(path.join(mnistDir, MNIST_FILES[split].labels));
    writeFileSync(path.join(dir, MNIST_FILES[split].images), encodeIdx("ubyte", [count, 28, 28], images.data.subarray(0, count * 784)));
    writeFileSync(path.join(dir, MNIST_FILES[split].labels), encodeIdx("ubyte", [count], labels.data.subarray(0, count)));
  }
}

/** The MNIST test images [n, 28, 28] as bytes (the first n). */
export function mnistTestImages(n: number): Uint8Array {
  return (readIdx(path.join(mnistDir, MNIST_FILES.test.images)).data as Uint8Array).slice(0, n * 784);
}

/** `dlm ARGS`, throwing with its output when it does not exit 0. */
export async function dlmOk(args: readonly string[], cwd?: string): Promise<RunResult> {
  const r = await runDlm(args, { cwd, timeoutMs: 240_000 });
  if (r.code !== 0) throw new Error(`dlm ${args.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Trains `file` for a few steps on `data` (a small MNIST folder) with a fixed seed, and saves the checkpoint `ck`. */
export async function trainFewSteps(file: string, data: string, ck: string, steps = 3): Promise<void> {
  await dlmOk(["train", file, "--max-steps", String(steps), "--seed", "7", "--data", data, "--save", ck, "--quiet"]);
}

/**
 * The trainer's own inference entry for `model` (dropout off, moving statistics, batch norms
 * folded as its evaluation folds them), with the checkpoint's parameters, on `n` rows of `x`.
 */
export async function trainerInference(file: string, model: string, ck: string, x: Float32Array, n: number): Promise<Float32Array> {
  const front = frontEnd(file, readFileSync(path.join(root, file)));
  const compiled = await compileTrainer(front, front.ir!.trains[0].name, {
    runtimeImport: distRuntime,
    sourceDir: pathToFileURL(root).href,
    format: false,
  });
  const mod = await importTrainer(compiled, "dlm-test-");
  const t = mod.createTrainer(new Rng(0), { batch: n });
  const { tensors } = decodeSafetensors(readFileSync(ck), ck);
  for (const p of mod.parameters) t.params.set(tensors[p.name].data as Float32Array, p.offset);
  const m = t.models[model];
  m.inputs[0].set(x);
  m.run(n);
  return Float32Array.from(m.output.subarray(0, (m.output.length / n) * n));
}

/** max |a − b| over the elements. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The index of the largest entry of each row of `width` values. */
export function argmaxRows(y: ArrayLike<number>, width: number): number[] {
  const out: number[] = [];
  for (let r = 0; r * width < y.length; r++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (y[r * width + c] > y[r * width + best]) best = c;
    out.push(best);
  }
  return out;
}
