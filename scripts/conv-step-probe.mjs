// Where a compiled trainer's convolutions lose time inside a training step. Every conv kernel
// call is timed in the step (process CPU time: on a shared machine wall time also counts the
// waits for a core). At step SNAP each kernel's inputs are copied into a second instance of the
// trainer's kernel module, on a memory of its own; after it, each call in the step is followed
// at once by the same call again (same arguments; not for kernels that accumulate) and by the
// kernel alone on the copied inputs, so that the three see the same load. After training, each
// kernel alone round robin: on the copied inputs, on them with every subnormal float flushed
// to ±0, on random data, and on the copied inputs after a 64 MiB sweep of the caches. Also
// counts the subnormals (and exact zeros) in each input. One thread. Needs `npm run build`
// (reads dist/) and a compiled trainer:
//
//   node bin/dlm.js compile dsl-examples/dcgan.dlm -o /tmp/dcgan
//   node scripts/conv-step-probe.mjs --dir /tmp/dcgan [--name gan] [--steps 6] [--snap 2] [--rounds 3] [--only REGEX]
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

process.env.DLM_THREADS = "1";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => pathToFileURL(path.join(root, "dist", p)).href;
const { values } = parseArgs({
  options: {
    dir: { type: "string" },
    name: { type: "string", default: "gan" },
    steps: { type: "string", default: "6" },
    snap: { type: "string", default: "2" },
    rounds: { type: "string", default: "3" },
    only: { type: "string", default: "^conv2d" },
  },
});
if (!values.dir) throw new Error("--dir DIR: the folder of a compiled trainer (dlm compile FILE.dlm -o DIR)");
const dir = path.resolve(values.dir);
const STEPS = Number(values.steps);
const SNAP = Number(values.snap);
const ROUNDS = Number(values.rounds);
const only = new RegExp(values.only);

const CV = await import(dist("compiler/wasm/kernels/conv.js"));
const CG = await import(dist("compiler/wasm/kernels/conv-grad.js"));

// ---------------------------------------------------------------------------------------
// The spec of a conv kernel from its name (compiler/ops/kit/wasm.ts keyOf): kind, window, filters, flags.

function specOf(name) {
  const m =
    /^(conv2d_grad_input|conv2d_grad_kernel|conv2d_transpose|conv2d)_(\d+)x(\d+)x(\d+)_k(\d+)x(\d+)_s(\d+)x(\d+)(?:_p(\d+)x(\d+))?_(\d+)(.*)$/.exec(
      name,
    );
  if (!m) return undefined;
  const [h, w, c, kh, kw, sh, sw] = m.slice(2, 9).map(Number);
  const [pt, pl] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  const padded = m[9] !== undefined;
  const out = (size, k, s) => (padded ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);
  const flags = m[12].split("_").filter(Boolean);
  const spec = { name, h, w, c, kh, kw, sh, sw, pt, pl, oh: out(h, kh, sh), ow: out(w, kw, sw), filters: Number(m[11]) };
  const kind = m[1] === "conv2d_transpose" ? "conv2d_grad_input" : m[1]; // conv2d_transpose runs conv2d's input gradient
  if (kind === "conv2d") {
    Object.assign(spec, { bias: flags.includes("bias"), activation: flags.includes("relu") ? "relu" : undefined });
    return { kind, spec, params: CV.conv2dParams(spec), ws: CV.conv2dScratchBytes(spec), inputs: ["x", "k", "bias"] };
  }
  if (kind === "conv2d_grad_input") {
    Object.assign(spec, { bias: flags.includes("bias") });
    return { kind, spec, params: CG.conv2dGradInputParams(spec), ws: CG.conv2dGradInputScratchBytes(spec), inputs: ["dy", "k", "bias"] };
  }
  Object.assign(spec, { bias: flags.includes("bias"), accumulate: flags.includes("accumulate") });
  return { kind, spec, params: CG.conv2dGradKernelParams(spec), ws: CG.conv2dGradKernelScratchBytes(spec), inputs: ["x", "dy"] };
}

/** Floats of each buffer parameter for n rows. */
function floatsOf(k, p, n) {
  const s = k.spec;
  const fl = s.filters;
  const img = s.h * s.w * s.c;
  const out = s.oh * s.ow * fl;
  const kern = s.kh * s.kw * s.c * fl;
  const sizes = {
    conv2d: { x: n * img, k: kern, y: n * out, bias: fl },
    conv2d_grad_input: { dy: n * out, k: kern, dx: n * img, bias: s.c },
    conv2d_grad_kernel: { x: n * img, dy: n * out, dk: kern, dbias: fl },
  }[k.kind];
  return sizes[p];
}

const macs = (k, n) => n * k.spec.oh * k.spec.ow * k.spec.kh * k.spec.kw * k.spec.c * k.spec.filters;

function census(v) {
  let sub = 0;
  let zero = 0;
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < u.length; i++) {
    const e = u[i] & 0x7f800000;
    if (e === 0) (u[i] & 0x7fffff) === 0 ? zero++ : sub++;
  }
  return { sub, zero, n: v.length };
}

/** Subnormal words to ±0 (the sign kept). */
function flush(v) {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < u.length; i++) if ((u[i] & 0x7f800000) === 0) u[i] &= 0x80000000;
}

/** Process CPU time (ms): on a shared machine, wall time also counts the waits for a core. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// The trainer's memory: the last one created.
const memories = [];
const OrigMemory = WebAssembly.Memory;
WebAssembly.Memory = class extends OrigMemory {
  constructor(d) {
    super(d);
    memories.push(this);
  }
};

const mod = await import(pathToFileURL(path.join(dir, `${values.name}.js`)).href);
const { train } = await import(pathToFileURL(path.join(dir, "runtime", "trainer.js")).href);
// ---------------------------------------------------------------------------------------
// The alone instance: the trainer's kernel module on a memory of its own, with room per kernel
// for three copies of its inputs (real, flushed, random), its outputs and scratch.

const bytes = fs.readFileSync(path.join(dir, `${values.name}.wasm`));
const wasmModule = new WebAssembly.Module(bytes);
const trainerModule = mod.default ?? mod;
const BATCH = trainerModule.program.settings.batch;
const plans = new Map();
let top = 64;
const alloc = (b) => {
  const at = Math.ceil(top / 64) * 64;
  top = at + b;
  return at;
};
for (const { name, kind } of WebAssembly.Module.exports(wasmModule)) {
  const k = kind === "function" && only.test(name) ? specOf(name) : undefined;
  if (!k) continue;
  const variants = ["real", "flushed", "random"].map(() =>
    Object.fromEntries(
      k.params
        .filter((p) => p !== "n")
        .map((p) => [p, p === "ws" ? alloc(k.ws + 64) : floatsOf(k, p, BATCH) === undefined ? 0 : alloc(floatsOf(k, p, BATCH) * 4)]),
    ),
  );
  plans.set(name, { name, k, variants, copies: null, n: 0 });
}
const sweep = alloc(64 << 20);
const memory = new OrigMemory({ initial: Math.ceil(top / 65536), maximum: Math.ceil(top / 65536) });
const inst = new WebAssembly.Instance(wasmModule, { env: { memory } });
const f32 = (at, len) => new Float32Array(memory.buffer, at, len);
const argsOf = (pl, vr) => pl.k.params.map((p) => (p === "n" ? pl.n : vr[p]));
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;

/** At step SNAP: the kernel's inputs copied into the alone instance (real, flushed, random). */
function snapshot(pl, args) {
  const mem = memories[memories.length - 1].buffer; // the trainer's
  const n = args[0];
  pl.n = n;
  pl.copies = {};
  const at = Object.fromEntries(pl.k.params.map((p, i) => [p, args[i]]));
  for (const p of pl.k.inputs.concat(pl.k.spec.accumulate ? ["dk"] : [])) {
    if (at[p] === undefined) continue;
    const v = new Float32Array(mem, at[p], floatsOf(pl.k, p, n)).slice();
    pl.copies[p] = census(v);
    f32(pl.variants[0][p], v.length).set(v);
    const fv = f32(pl.variants[1][p], v.length);
    fv.set(v);
    flush(fv);
    const rv = f32(pl.variants[2][p], v.length);
    for (let i = 0; i < rv.length; i++) rv[i] = rand();
  }
}

// ---------------------------------------------------------------------------------------
// Train STEPS steps. Every call of a conv kernel is timed; after step SNAP each call in the step
// is followed at once by the same call again (same arguments, when the kernel does not
// accumulate into its output) and by the kernel alone on the copied inputs, so the three see
// the same load.

let step = 0;
const seen = new Map(); // name -> { inStep: ms per step, calls, pairs: [first, repeat, alone] }
const time = (fn, args) => {
  const t = cpuMs();
  fn(...args);
  return cpuMs() - t;
};
const probe = {
  wrap(exports) {
    const out = {};
    for (const [name, fn] of Object.entries(exports)) {
      const pl = typeof fn === "function" ? plans.get(name) : undefined;
      if (!pl) {
        out[name] = fn;
        continue;
      }
      const e = { inStep: [], calls: 0, pairs: [] };
      seen.set(name, e);
      out[name] = (...args) => {
        if (step === SNAP && !pl.copies) {
          snapshot(pl, args);
          // A fresh module runs in V8's baseline compiler until its optimized code is ready: two warm-up calls.
          for (let i = 0; i < 2; i++) inst.exports[name](...argsOf(pl, pl.variants[0]));
        }
        const t = cpuMs();
        const r = fn(...args);
        const ms = cpuMs() - t;
        while (e.inStep.length <= step) e.inStep.push(0);
        e.inStep[step] += ms;
        if (step === 0) e.calls++;
        if (step > SNAP && pl.copies) {
          const again = pl.k.spec.accumulate ? NaN : time(fn, args);
          e.pairs.push([ms, again, time(inst.exports[name], argsOf(pl, pl.variants[0]))]);
        }
        return r;
      };
    }
    return out;
  },
  report: () => "",
};

const t0 = performance.now();
const stepCpu = [];
let lastCpu = cpuMs();
train(trainerModule, {
  maxSteps: STEPS,
  quiet: true,
  profile: probe,
  threads: 1,
  onStep: () => {
    step++;
    stepCpu.push(cpuMs() - lastCpu);
    lastCpu = cpuMs();
  },
});
console.log(
  `trained ${STEPS} steps in ${((performance.now() - t0) / 1000).toFixed(1)} s wall (one thread); CPU ms per step (steps after ${SNAP} include the extra calls): ${stepCpu.map((t) => t.toFixed(0)).join(", ")}`,
);

// ---------------------------------------------------------------------------------------
// Then each kernel alone, the variants round robin: real, flushed, random, and real after a
// 64 MiB sweep of the caches.

const median = (a) => {
  const s = [...a].filter((v) => !Number.isNaN(v)).sort((x, y) => x - y);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};
const fmt = (ms, gflop) => (Number.isNaN(ms) ? "-" : `${ms.toFixed(1)} (${(gflop / (ms / 1000)).toFixed(1)})`);
console.log(
  "\nCPU ms per call (GFLOP/s). kernel | calls/step | GFLOP/call | in step, steps 1.. | after SNAP: in step, again at once, alone at once | alone: real, flushed, random, cold | subnormals/zeros per input",
);
const totals = { step: 0, again: 0, alone: 0 };
for (const [name, e] of seen) {
  const pl = plans.get(name);
  if (!pl.copies) continue;
  const sweepBuf = f32(sweep, 16 << 20);
  const fn = inst.exports[name];
  for (let v = 0; v < 3; v++) fn(...argsOf(pl, pl.variants[v]));
  const times = [[], [], [], []];
  for (let r = 0; r < ROUNDS; r++) {
    for (let v = 0; v < 3; v++) times[v].push(time(fn, argsOf(pl, pl.variants[v])));
    sweepBuf.fill(r);
    times[3].push(time(fn, argsOf(pl, pl.variants[0])));
  }
  const gflop = (2 * macs(pl.k, pl.n)) / 1e9;
  const inStep = median(e.inStep.slice(1, SNAP + 1)) / e.calls;
  const [first, again, alone] = [0, 1, 2].map((i) => median(e.pairs.map((p) => p[i])));
  totals.step += first * e.calls;
  totals.again += again * e.calls;
  totals.alone += alone * e.calls;
  const counts = Object.entries(pl.copies).map(([p, c]) => `${p} ${c.sub}/${c.zero} of ${c.n}`);
  console.log(
    [
      name,
      e.calls,
      gflop.toFixed(2),
      fmt(inStep, gflop),
      [first, again, alone].map((t) => fmt(t, gflop)).join(", "),
      times.map((t) => fmt(median(t), gflop)).join(", "),
      counts.join("; "),
    ].join(" | "),
  );
}
console.log(
  `\nconv kernels per step after step ${SNAP}: ${totals.step.toFixed(0)} ms in the step, ${totals.again.toFixed(0)} again at once, ${totals.alone.toFixed(0)} alone at once`,
);
