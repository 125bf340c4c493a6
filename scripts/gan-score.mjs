#!/usr/bin/env node
// npm run gan:score -- [--program FILE] --epochs N [--seed S] [--backend wasm|ts] [--quiet] [--samples DIR]
//
// Scores a GAN as it trains: first trains a scorer — the seed CNN (dsl-examples/cnn.dlm),
// one epoch at batch 32, fixed seed, never tuned — then trains the program (default
// dsl-examples/gan_stabilized.dlm; its first train block, on its own data) and after each
// epoch labels 1,000 images generated from fixed noise (mapped from [-1, 1] to [0, 1])
// with the scorer. The program must have a model `generator` taking [B, 100] noise and
// giving 784 values in [-1, 1] (any shape; compiler/gan-generator.ts, DL4007 otherwise);
// images are generated in inference mode (batch norm with its moving statistics, no
// dropout). One line per epoch:
//   epoch N top 0.xxx rarest y.y% covered K
// top: the mean top-class probability; rarest: the share of the least generated digit;
// covered: how many digits get at least 1% of the images. These are the only lines that
// start with "epoch " (progress lines say "Epoch 5/20"). A program that does not compile
// or cannot be scored: its diagnostics on stderr, exit code 1.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const { frontEnd, compileTrainer, importTrainer } = await import(pathToFileURL(path.join(root, "dist/compiler/compile.js")).href);
const { generatorProblems } = await import(pathToFileURL(path.join(root, "dist/compiler/gan-generator.js")).href);
const { renderDiagnostics } = await import(pathToFileURL(path.join(root, "dist/compiler/diagnostics/render.js")).href);
const { train } = await import(pathToFileURL(path.join(root, "dist/runtime/trainer.js")).href);
const { loadMnist } = await import(pathToFileURL(path.join(root, "dist/runtime/data/mnist.js")).href);
const { makeDataset } = await import(pathToFileURL(path.join(root, "dist/runtime/dataset.js")).href);
const { Rng } = await import(pathToFileURL(path.join(root, "dist/runtime/rng.js")).href);

/** A usage mistake: one line on stderr, exit code 2. */
function usage(message) {
  process.stderr.write(
    `gan:score: ${message}\nusage: npm run gan:score -- [--program FILE] [--epochs N] [--seed S] [--backend wasm|ts] [--quiet] [--samples DIR]\n`,
  );
  process.exit(2);
}
let values;
try {
  ({ values } = parseArgs({
    options: {
      epochs: { type: "string", default: "5" },
      seed: { type: "string", default: "1" },
      backend: { type: "string", default: "wasm" },
      quiet: { type: "boolean" },
      samples: { type: "string" },
      program: { type: "string", default: "dsl-examples/gan_stabilized.dlm" },
    },
  }));
} catch (e) {
  usage(e.message);
}
if (values.backend !== "wasm" && values.backend !== "ts") usage(`--backend takes wasm or ts, not '${values.backend}'`);
const epochs = Number(values.epochs);
const seed = Number(values.seed);
if (!Number.isInteger(epochs) || epochs < 1) usage(`--epochs takes a positive integer, not '${values.epochs}'`);
if (!Number.isInteger(seed)) usage(`--seed takes an integer, not '${values.seed}'`);
const SCORER_SEED = 1;
const IMAGES = 1000;

/** The front end of a program (relative to the working folder); its errors on stderr, exit code 1. */
function check(file, scored) {
  let bytes;
  try {
    bytes = readFileSync(path.resolve(file));
  } catch (e) {
    process.stderr.write(`error: cannot read ${file}: ${e.code ?? e.message}\n`);
    process.exit(1);
  }
  const front = frontEnd(file, bytes);
  const problems = front.ir ? (scored ? generatorProblems(front) : []) : front.diagnostics;
  if (problems.some((d) => d.severity === "error")) {
    process.stderr.write(renderDiagnostics(front.source, problems, { color: false }) + "\n");
    process.exit(1);
  }
  return front;
}

async function load(file, front) {
  const name = front.ir.trains[0].name;
  const compiled = await compileTrainer(front, name, {
    runtimeImport: pathToFileURL(path.join(root, "dist/runtime")).href,
    sourceDir: pathToFileURL(path.dirname(path.resolve(file)) + "/").href,
    backend: values.backend,
    format: false,
  });
  return importTrainer(compiled, "dlm-score-");
}

const t0 = performance.now();
const log = (s) => process.stdout.write(s + "\n");
const { lastLoadedVariant } = await import(pathToFileURL(path.join(root, "dist/runtime/wasm/trainer-memory.js")).href);
const scorerFile = path.join(root, "dsl-examples/cnn.dlm");
const ganFront = check(values.program, true); // before the scorer trains: a mistake is reported at once
const [cnn, gan] = [await load(scorerFile, check(scorerFile, false)), await load(values.program, ganFront)];
log(`program: ${values.program}`);
log(`backend: ${values.backend}${values.backend === "wasm" ? ` (${lastLoadedVariant()} kernels)` : ""}, seed ${seed}`);
const mnist = loadMnist();
const scorerData = {
  train: makeDataset(mnist.train.images, [28, 28, 1], mnist.train.labels, []),
  test: makeDataset(mnist.test.images, [28, 28, 1], mnist.test.labels, []),
  description: "MNIST",
};
const scorer = train(cnn, { epochs: 1, batch: 32, seed: SCORER_SEED, loaded: scorerData, quiet: values.quiet ?? false });
log(
  `scorer: the seed CNN, 1 epoch at batch 32, seed ${SCORER_SEED}: test accuracy ${scorer.test.accuracy.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
);

// Fixed noise for the scored images, from an RNG of its own.
const z = new Float32Array(IMAGES * 100);
new Rng(seed + 0x5c0e).fillNormal(z, 0, 1);
const images = new Float32Array(IMAGES * 784);
const probs = new Float32Array(IMAGES * 10);

function score(g) {
  const gen = g.models.generator;
  const B = gen.inputs[0].length / 100;
  for (let s = 0; s < IMAGES; s += B) {
    const n = Math.min(B, IMAGES - s);
    gen.inputs[0].set(z.subarray(s * 100, (s + n) * 100));
    gen.run(n);
    for (let i = 0; i < n * 784; i++) images[s * 784 + i] = (gen.output[i] + 1) / 2; // [-1, 1] → [0, 1]
  }
  const c = scorer.trainer.models.cnn;
  const CB = c.inputs[0].length / 784;
  for (let s = 0; s < IMAGES; s += CB) {
    const n = Math.min(CB, IMAGES - s);
    c.inputs[0].set(images.subarray(s * 784, (s + n) * 784));
    c.run(n);
    probs.set(c.output.subarray(0, n * 10), s * 10);
  }
  let top = 0;
  const counts = new Array(10).fill(0);
  for (let i = 0; i < IMAGES; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++) if (probs[i * 10 + k] > probs[i * 10 + best]) best = k;
    top += probs[i * 10 + best];
    counts[best]++;
  }
  return { top: top / IMAGES, rarest: Math.min(...counts) / IMAGES, covered: counts.filter((c) => c >= IMAGES / 100).length };
}

const epochStart = { t: performance.now() };
train(gan, {
  epochs,
  seed,
  quiet: values.quiet ?? false,
  ...(values.samples ? { samples: values.samples } : {}),
  onEpoch: (epoch, g) => {
    const s = score(g);
    const secs = (performance.now() - epochStart.t) / 1000;
    epochStart.t = performance.now();
    log(`epoch ${epoch} top ${s.top.toFixed(3)} rarest ${(100 * s.rarest).toFixed(1)}% covered ${s.covered}`);
    if (!values.quiet) process.stderr.write(`(epoch ${epoch} took ${secs.toFixed(0)} s)\n`);
  },
});
log(`total ${((performance.now() - t0) / 1000).toFixed(0)} s`);
