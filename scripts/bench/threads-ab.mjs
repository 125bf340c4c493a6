// Two builds of one trainer on 1 and 2 threads, in one process, alternating (docs/benchmarks.md,
// "Threads: where the 2-thread step loses"): each DIR is the output of `dlm compile` by one build
// (the trainer, its kernel module and its copy of the runtime, whose threads it runs on).
//   node scripts/bench/threads-ab.mjs --a DIR_A/NAME.js --b DIR_B/NAME.js [--c DIR_C/NAME.js] --batch 32 [--rounds 9] [--block 150] [--threads 1,2] [--mnist 0,1] [--profile [--min-ms 0.01]]
// --profile: also each kernel's wall time per step (median over the rounds) for every variant, side by side,
// then the batch copy's (--mnist) and what is left outside the kernels (the step's JavaScript).
// Every round runs each trainer × thread count for --block ms of steps (A1, A2, B1, B2, …); each
// figure is the median of the rounds' samples/s, the lowest and highest round beside it, so a busy
// machine slows the variants of one round alike. Inputs are made-up numbers: a step's time does
// not depend on them.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

const { values: opt } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    c: { type: "string" },
    batch: { type: "string", default: "32" },
    rounds: { type: "string", default: "9" },
    block: { type: "string", default: "150" },
    threads: { type: "string", default: "1,2" },
    mnist: { type: "string" },
    profile: { type: "boolean" },
    "min-ms": { type: "string", default: "0.01" },
  },
});
const batch = Number(opt.batch);
// --mnist 0,1 (or -1,1: the GAN's range): every step first copies a shuffled batch of MNIST into
// the trainer's inputs, as the suite's children do (scripts/bench/common.mjs).
const data = opt.mnist ? await (await import("./common.mjs")).mnist(opt.mnist.split(",").map(Number)) : null;
const counts = opt.threads.split(",").map(Number);
const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const variants = [];
for (const [label, file] of [
  ["A", opt.a],
  ["B", opt.b],
  ["C", opt.c],
]) {
  if (!file) continue;
  const dir = path.dirname(path.resolve(file));
  const mod = await import(pathToFileURL(path.resolve(file)).href);
  const { Rng } = await import(pathToFileURL(path.join(dir, "runtime/rng.js")).href);
  const { initParameters } = await import(pathToFileURL(path.join(dir, "runtime/trainer.js")).href);
  const TH = await import(pathToFileURL(path.join(dir, "runtime/threads/index.js")).href);
  for (const t of counts) {
    const rng = new Rng(1);
    const totals = new Map();
    const profile = opt.profile
      ? {
          wrap(exports) {
            const o = {};
            for (const [name, fn] of Object.entries(exports)) {
              if (typeof fn !== "function") continue;
              const e = { ms: 0 };
              totals.set(name, e);
              o[name] = (...args) => {
                const t0 = performance.now();
                const r = fn(...args);
                e.ms += performance.now() - t0;
                return r;
              };
            }
            return o;
          },
        }
      : undefined;
    const trainer = TH.withKernelThreads(t, () => mod.createTrainer(rng, { batch, ...(profile ? { profile } : {}) }));
    initParameters(trainer, mod.parameters, rng);
    for (const input of trainer.inputs) input.forEach((_, i, a) => (a[i] = ((i * 7919) % 256) / 255));
    if (trainer.inputs[1]) trainer.inputs[1].forEach((_, i, a) => (a[i] = i % 10));
    const [x, y] = trainer.inputs;
    const copy = { ms: 0 };
    const step = data
      ? () => {
          const t0 = performance.now();
          data.next(batch, x, y);
          copy.ms += performance.now() - t0;
          trainer.trainStep(batch);
        }
      : () => trainer.trainStep(batch);
    variants.push({ label: `${label}${t}`, step, rates: [], totals, kernels: new Map(), copy, outside: [], copies: [] });
  }
}
await new Promise((r) => setTimeout(r, 300)); // the workers start
for (const v of variants) for (let i = 0; i < 20; i++) v.step();
for (let r = 0; r < Number(opt.rounds); r++)
  for (const v of variants) {
    for (const e of v.totals.values()) e.ms = 0;
    v.copy.ms = 0;
    const t0 = performance.now();
    let steps = 0;
    while (performance.now() - t0 < Number(opt.block)) {
      v.step();
      steps++;
    }
    const elapsed = performance.now() - t0;
    v.rates.push((steps * batch * 1000) / elapsed);
    let inKernels = 0;
    for (const e of v.totals.values()) inKernels += e.ms;
    v.outside.push((elapsed - inKernels - v.copy.ms) / steps);
    v.copies.push(v.copy.ms / steps);
    for (const [name, e] of v.totals) {
      if (!v.kernels.has(name)) v.kernels.set(name, []);
      v.kernels.get(name).push(e.ms / steps);
    }
  }
const med = Object.fromEntries(variants.map((v) => [v.label, median(v.rates)]));
for (const v of variants)
  console.log(`${v.label}: ${med[v.label].toFixed(0)} samples/s [${Math.min(...v.rates).toFixed(0)}, ${Math.max(...v.rates).toFixed(0)}]`);
for (const l of ["A", "B", "C"])
  if (med[`${l}2`] && med[`${l}1`]) console.log(`${l}: 2/1 threads ${(med[`${l}2`] / med[`${l}1`]).toFixed(3)}×`);
for (const l of ["B", "C"])
  for (const t of counts)
    if (med[`A${t}`] && med[`${l}${t}`]) console.log(`${l}/A at ${t} threads: ${(med[`${l}${t}`] / med[`A${t}`]).toFixed(3)}×`);
if (opt.profile) {
  const names = [...new Set(variants.flatMap((v) => [...v.kernels.keys()]))].filter((n) =>
    variants.some((v) => median(v.kernels.get(n) ?? [0]) >= Number(opt["min-ms"])),
  );
  console.log(`ms per step (median of the rounds): ${variants.map((v) => v.label).join(" ")}`);
  for (const n of names) console.log(`  ${n}: ${variants.map((v) => median(v.kernels.get(n) ?? [0]).toFixed(3)).join(" ")}`);
  // The step's time outside every kernel call (the trainer's JavaScript, serial on the calling thread), and the batch copy.
  if (data) console.log(`  (copying the batch into the inputs): ${variants.map((v) => median(v.copies).toFixed(3)).join(" ")}`);
  console.log(`  (outside the kernels and the copy): ${variants.map((v) => median(v.outside).toFixed(3)).join(" ")}`);
}
process.exit(0);
