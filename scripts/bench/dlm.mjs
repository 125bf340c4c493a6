// One dlm system × one model, in its own process: node dlm.mjs --trainer FILE.mjs --model M ...
// The trainer module was compiled ahead of time by run.mjs, so this process never loads
// the compiler (like `node out/<model>.js`). Batches are real MNIST, shuffled per epoch
// (the character transformer: random windows of character ids; the tagger: the Brown
// sentences run.mjs wrote to --tagged FILE, which PyTorch reads too).
import { pathToFileURL } from "node:url";
import { childArgs, charWindows, dist, mnist, taggedBatches, timeLoop, report, MODELS } from "./common.mjs";

const args = childArgs({ trainer: { type: "string" }, tagged: { type: "string" }, threads: { type: "string", default: "1" } });
const batch = MODELS[args.model].batch;
const mod = await import(pathToFileURL(args.trainer).href);
const { Rng } = await import(dist("runtime/rng.js"));
const { initParameters } = await import(dist("runtime/trainer.js"));
const data =
  args.model === "transformer"
    ? await charWindows()
    : args.model === "tagger"
      ? taggedBatches(args.tagged)
      : await mnist(args.model === "gan" || args.model === "dcgan" ? [-1, 1] : [0, 1]);

const rng = new Rng(1);
// --threads N (the threads suite): the kernels split over N threads (runtime/threads; the same numbers).
const { withKernelThreads } = await import(dist("runtime/threads/index.js"));
const trainer = withKernelThreads(Number(args.threads), () => mod.createTrainer(rng, { batch }));
initParameters(trainer, mod.parameters, rng);
const x = trainer.inputs[0];
const y = trainer.inputs[1];

function step() {
  data.next(batch, x, y);
  const bad = trainer.trainStep(batch);
  if (bad >= 0) throw new Error(`non-finite value at step (index ${bad})`);
  return trainer.losses[0];
}

const r = await timeLoop({
  warmup: args.warmup,
  batches: args.epoch ? Math.ceil(data.n / batch) : args.batches,
  seconds: args.seconds,
  cap: args.cap,
  batch,
  step,
  beforeTimed: args.epoch ? data.restart : undefined,
});
report(r);
