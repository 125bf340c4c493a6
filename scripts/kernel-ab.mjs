// Two compiled trainers of the same program timed kernel by kernel: trainer-ab.mjs's setup (one
// process, one thread, the same seed and the same fixed batch, the trainers' steps alternated A,
// B, A, B, …), with every kernel call timed by this process's CPU time (the trainers' `profile`
// hook, as `--profile` uses it, but CPU time rather than wall time, so that the waits for a core
// on a busy machine do not count). Prints, per kernel, the CPU ms it took per training step
// (median over the steps after the warm-up) in each trainer, the largest first, then the steps'
// medians. Timing each call costs two clock reads (~1 µs each); the figures are for comparing.
//
//   node bin/dlm.js compile dsl-examples/char_transformer.dlm -o /tmp/b   (and A with the other build)
//   node scripts/kernel-ab.mjs --a /tmp/a --b /tmp/b [--name char_transformer] [--steps 16] [--warmup 2] [--top 24]
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

process.env.DLM_THREADS = "1";
const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    name: { type: "string", default: "char_transformer" },
    steps: { type: "string", default: "16" },
    warmup: { type: "string", default: "2" },
    top: { type: "string", default: "24" },
    seed: { type: "string", default: "1" },
  },
});
if (!values.a || !values.b) throw new Error("--a DIR --b DIR: the folders of two compiled trainers (dlm compile FILE.dlm -o DIR)");
const [STEPS, WARMUP, TOP] = [values.steps, values.warmup, values.top].map(Number);

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
  const profile = new StepProfile();
  const trainer = mod.createTrainer(rng, { batch, profile });
  initParameters(trainer, mod.parameters, rng);
  // One fixed batch in [-1, 1] (as trainer-ab.mjs), the same for both trainers.
  let s = 12345;
  const x = trainer.inputs[0];
  for (let i = 0; i < x.length; i++) x[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return { dir, trainer, batch, profile, steps: [] };
}

const runs = [await load(values.a), await load(values.b)];
for (let step = 0; step < STEPS; step++)
  for (const r of runs) {
    const t = cpuMs();
    r.trainer.trainStep(r.batch);
    r.steps.push(cpuMs() - t);
    r.profile.endStep();
  }
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const names = new Set(runs.flatMap((r) => r.profile.steps.flatMap((m) => [...m.keys()])));
const rows = [...names].map((name) => [name, ...runs.map((r) => median(r.profile.steps.slice(WARMUP).map((m) => m.get(name) ?? 0)))]);
rows.sort((x, y) => Math.max(y[1], y[2]) - Math.max(x[1], x[2]));
const width = Math.max(6, ...rows.slice(0, TOP).map(([n]) => n.length));
console.log(`A ${runs[0].dir}, B ${runs[1].dir}: CPU ms per step, medians of steps ${WARMUP + 1}-${STEPS}`);
console.log(`${"kernel".padEnd(width)}  ${"A".padStart(8)}  ${"B".padStart(8)}`);
for (const [name, a, b] of rows.slice(0, TOP))
  console.log(`${name.padEnd(width)}  ${a.toFixed(2).padStart(8)}  ${b.toFixed(2).padStart(8)}`);
const [sa, sb] = runs.map((r) => median(r.steps.slice(WARMUP)));
console.log(`${"step".padEnd(width)}  ${sa.toFixed(1).padStart(8)}  ${sb.toFixed(1).padStart(8)}  (A / B ${(sa / sb).toFixed(3)}x)`);
