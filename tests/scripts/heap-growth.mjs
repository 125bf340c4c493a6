// Heap growth of a compiled trainer's step: run with `node --expose-gc heap-growth.mjs
// OUT/<name>.js [steps] [warmup] [batch] [leakBytes]`, where OUT is a folder written by `dlm compile` (the
// trainer with its runtime beside it). It compiles nothing: it imports the trainer,
// creates it, fills one batch of inputs once, runs `warmup` steps, collects garbage,
// records heapUsed, runs `steps` more steps, collects again and prints one JSON line:
// { steps, bad, before, after, growth, arrayBuffersGrowth } in bytes: `growth` is heapUsed's,
// `arrayBuffersGrowth` that of typed-array backing stores, which V8 keeps off its heap (a
// leaked Float32Array shows mostly there); `bad` counts steps with a non-finite loss.
// `batch` (default: the program's) only makes the steps cheaper: the trainer's buffers are
// sized once for it. `leakBytes` > 0 retains that many bytes per step on purpose, so a test
// can check that this measurement sees a leak.
// tests/backend/allocation.test.ts asserts that the growth stays under 256 KiB.
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const [file, stepsArg = "2000", warmupArg = "20", batchArg = "", leakArg = "0"] = process.argv.slice(2);
if (!file || typeof globalThis.gc !== "function") {
  console.error("usage: node --expose-gc heap-growth.mjs OUT/<trainer>.js [steps] [warmup]");
  process.exit(2);
}
const steps = Number(stepsArg);
const warmup = Number(warmupArg);
const leakBytes = Number(leakArg);
const runtime = (m) => pathToFileURL(path.join(path.dirname(path.resolve(file)), "runtime", m)).href;
const mod = await import(pathToFileURL(path.resolve(file)).href);
const { Rng } = await import(runtime("rng.js"));
const { initParameters } = await import(runtime("trainer.js"));

const rng = new Rng(1);
const trainer = mod.createTrainer(rng, batchArg ? { batch: Number(batchArg) } : {});
initParameters(trainer, mod.parameters, rng);
const B = batchArg ? Number(batchArg) : mod.program.settings.batch;
// One batch of inputs, filled once: floats in [0, 1), class ids below the class count.
const ev = mod.program.evaluation;
const classes = ev ? Math.max(2, ev.prediction[ev.prediction.length - 1]) : 2;
for (const input of trainer.inputs) {
  if (input instanceof Int32Array) for (let i = 0; i < input.length; i++) input[i] = i % classes;
  else for (let i = 0; i < input.length; i++) input[i] = rng.uniform();
}

/**
 * Memory after full collections. V8 finishes some work (background compilation, sweeping)
 * on other threads; yielding to the event loop between collections lets it land first,
 * so that it does not show up as noise of a few hundred KiB in one of the two readings.
 */
async function settledMemory() {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    globalThis.gc();
  }
  return process.memoryUsage();
}

let bad = 0;
const leaked = [];
for (let i = 0; i < warmup; i++) if (trainer.trainStep(B) >= 0) bad++;
const before = await settledMemory();
for (let i = 0; i < steps; i++) {
  if (trainer.trainStep(B) >= 0) bad++;
  if (leakBytes > 0) leaked.push(new Float32Array(leakBytes / 4));
}
const after = await settledMemory();
console.log(
  JSON.stringify({
    steps,
    bad,
    before: before.heapUsed,
    after: after.heapUsed,
    growth: after.heapUsed - before.heapUsed,
    arrayBuffersGrowth: after.arrayBuffers - before.arrayBuffers,
    leaked: leaked.length,
  }),
);
