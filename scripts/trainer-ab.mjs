// Two compiled trainers of the same program (e.g. built by two versions of the compiler) timed
// step by step in one process, alternating A, B, A, B, … so that both see the same load on a
// shared machine: process CPU time per training step (the wall time also counts the waits for
// a core), median and best over the steps after the warm-up. Both start from the same seed
// and train on the same random batch in [-1, 1] (the program's first input, all of it);
// after the run, the two trainers' parameters are compared bit for bit. One thread.
// --kernels: also every kernel call timed by this process's CPU time (the trainers' `profile`
// hook, as `--profile` uses it, but CPU time rather than wall time, so that the waits for a core on
// a busy machine do not count): per kernel, the CPU ms it took per step (median over the steps
// after the warm-up) in each trainer, the --top N largest (default 24). Each timed call costs two clock
// reads (~1 µs each): the figures are for comparing.
//
//   node bin/dlm.js compile dsl-examples/dcgan.dlm -o /tmp/b        (and A with the other build)
//   node scripts/trainer-ab.mjs --a /tmp/a --b /tmp/b [--name gan] [--steps 8] [--warmup 2] [--kernels [--top 24]]
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

process.env.DLM_THREADS = "1";
const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    name: { type: "string", default: "gan" },
    steps: { type: "string", default: "8" },
    warmup: { type: "string", default: "2" },
    seed: { type: "string", default: "1" },
    kernels: { type: "boolean", default: false },
    top: { type: "string", default: "24" },
  },
});
if (!values.a || !values.b) throw new Error("--a DIR --b DIR: the folders of two compiled trainers (dlm compile FILE.dlm -o DIR)");
const STEPS = Number(values.steps);
const WARMUP = Number(values.warmup);
const TOP = Number(values.top);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The trainer's `profile` hook: wraps the kernel exports; CPU ms per kernel, one map per step. */
class StepProfile {
  current = new Map();
  steps = [];
  wrap(exports) {
    const out = {};
    for (const [name, fn] of Object.entries(exports)) {
      if (typeof fn !== "function") continue;
      out[name] = (...args) => {
        const t = cpuMs();
        const r = fn(...args);
        this.current.set(name, (this.current.get(name) ?? 0) + cpuMs() - t);
        return r;
      };
    }
    return out;
  }
  endStep() {
    this.steps.push(this.current);
    this.current = new Map();
  }
}

async function load(dir) {
  const url = (p) => pathToFileURL(path.join(path.resolve(dir), p)).href;
  const mod = await import(url(`${values.name}.js`));
  const { Rng } = await import(url("runtime/rng.js"));
  const { initParameters } = await import(url("runtime/train-loop.js"));
  const rng = new Rng(Number(values.seed));
  const batch = mod.program.settings.batch;
  const profile = values.kernels ? new StepProfile() : undefined;
  const trainer = mod.createTrainer(rng, { batch, profile });
  initParameters(trainer, mod.parameters, rng);
  // One fixed batch in [-1, 1] (a generator's images' range), the same for both trainers.
  let s = 12345;
  const x = trainer.inputs[0];
  for (let i = 0; i < x.length; i++) x[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return { dir, trainer, batch, profile, times: [] };
}

const runs = [await load(values.a), await load(values.b)];
for (let step = 0; step < STEPS; step++)
  for (const r of runs) {
    const t = cpuMs();
    r.trainer.trainStep(r.batch);
    r.times.push(cpuMs() - t);
    r.profile?.endStep();
  }
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
if (values.kernels) {
  const names = new Set(runs.flatMap((r) => r.profile.steps.flatMap((m) => [...m.keys()])));
  const rows = [...names].map((name) => [name, ...runs.map((r) => median(r.profile.steps.slice(WARMUP).map((m) => m.get(name) ?? 0)))]);
  rows.sort((x, y) => Math.max(y[1], y[2]) - Math.max(x[1], x[2]));
  const width = Math.max(6, ...rows.slice(0, TOP).map(([n]) => n.length));
  console.log(`kernels: CPU ms per step, medians of steps ${WARMUP + 1}-${STEPS}`);
  console.log(`${"kernel".padEnd(width)}  ${"A".padStart(8)}  ${"B".padStart(8)}`);
  for (const [name, a, b] of rows.slice(0, TOP))
    console.log(`${name.padEnd(width)}  ${a.toFixed(2).padStart(8)}  ${b.toFixed(2).padStart(8)}`);
}
for (const [label, r] of [
  ["A", runs[0]],
  ["B", runs[1]],
]) {
  const t = r.times.slice(WARMUP);
  console.log(
    `${label} ${r.dir}: CPU ms per step median ${median(t).toFixed(0)}, best ${Math.min(...t).toFixed(0)} (steps ${WARMUP + 1}-${STEPS}: ${t.map((v) => v.toFixed(0)).join(", ")})`,
  );
}
const [ta, tb] = runs.map((r) => median(r.times.slice(WARMUP)));
const pa = new Uint32Array(runs[0].trainer.params.buffer, runs[0].trainer.params.byteOffset, runs[0].trainer.params.length);
const pb = new Uint32Array(runs[1].trainer.params.buffer, runs[1].trainer.params.byteOffset, runs[1].trainer.params.length);
const same = pa.length === pb.length && pa.every((v, i) => v === pb[i]);
console.log(`A / B: ${(ta / tb).toFixed(3)}x (median); parameters after ${STEPS} steps: ${same ? "the same bits" : "DIFFERENT"}`);
