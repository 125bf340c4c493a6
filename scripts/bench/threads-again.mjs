// Which kernels of a step lose to data the other core touched (docs/benchmarks.md, "Threads:
// partitions that stay on their core"): each named kernel's wall time in the step, and the same
// call made again at once, when everything it reads and writes was last touched by this very
// split. A kernel whose step time is well above its time again pays for cache lines another
// core (or an earlier kernel, on one thread) left elsewhere.
//   node scripts/bench/threads-again.mjs --trainer DIR/NAME.js [--threads 2] [--batch 32] [--steps 300]
//        [--kernels adam,gemm_nn_5408,...] [--mnist 0,1]
// Last, the sums over a step (each kernel's median call times its calls a step).
// --kernels: name prefixes (default: every kernel). Calling a kernel twice is harmless for
// these figures (an optimizer update then applies twice; the trainer's numbers are not looked at).
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { mnist } from "./common.mjs";

const { values: opt } = parseArgs({
  options: {
    trainer: { type: "string" },
    threads: { type: "string", default: "2" },
    batch: { type: "string", default: "32" },
    steps: { type: "string", default: "300" },
    kernels: { type: "string", default: "" },
    mnist: { type: "string", default: "0,1" },
  },
});
if (!opt.trainer) throw new Error("--trainer DIR/NAME.js (a `dlm compile` output) is required");
const file = path.resolve(opt.trainer);
const dir = path.dirname(file);
const prefixes = opt.kernels ? opt.kernels.split(",") : [""];
const batch = Number(opt.batch);
const mod = await import(pathToFileURL(file).href);
const { Rng } = await import(pathToFileURL(path.join(dir, "runtime/rng.js")).href);
const { initParameters } = await import(pathToFileURL(path.join(dir, "runtime/trainer.js")).href);
const TH = await import(pathToFileURL(path.join(dir, "runtime/threads/index.js")).href);

const rec = new Map();
let on = false;
const profile = {
  wrap(exports) {
    const out = {};
    for (const [name, fn] of Object.entries(exports)) {
      if (typeof fn !== "function") continue;
      const hit = prefixes.some((p) => name.startsWith(p));
      out[name] = (...args) => {
        if (!hit || !on) return fn(...args);
        if (!rec.has(name)) rec.set(name, { step: [], again: [] });
        const r = rec.get(name);
        let t = performance.now();
        const result = fn(...args);
        r.step.push(performance.now() - t);
        t = performance.now();
        fn(...args);
        r.again.push(performance.now() - t);
        return result;
      };
    }
    return out;
  },
};
const trainer = TH.withKernelThreads(Number(opt.threads), () => mod.createTrainer(new Rng(1), { batch, profile }));
initParameters(trainer, mod.parameters, new Rng(1));
const data = await mnist(opt.mnist.split(",").map(Number));
const [x, y] = trainer.inputs;
const step = () => {
  data.next(batch, x, y);
  trainer.trainStep(batch);
};
await new Promise((r) => setTimeout(r, 300)); // the workers start
for (let i = 0; i < 20; i++) step();
on = true;
for (let i = 0; i < Number(opt.steps); i++) step();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${path.basename(file)} on ${opt.threads} threads: ms per call, median of ${opt.steps} steps — in the step | again`);
let [inStep, again] = [0, 0];
for (const [name, r] of rec) {
  const calls = r.step.length / Number(opt.steps);
  [inStep, again] = [inStep + calls * median(r.step), again + calls * median(r.again)];
  console.log(`  ${name}: ${median(r.step).toFixed(3)} | ${median(r.again).toFixed(3)}${calls === 1 ? "" : ` (${calls} calls a step)`}`);
}
// The step's kernels (those named), each call's median times its calls a step.
console.log(`  a step's kernels: ${inStep.toFixed(3)} ms in the step | ${again.toFixed(3)} again`);
process.exit(0);
