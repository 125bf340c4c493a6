// Where the threads suite's short-lived processes lose (docs/benchmarks.md, "Threads: where the
// 2-thread step loses"): the suite's own children (a compiled seed trainer, 20 warm-up steps, a
// window of S seconds), but each reports its rate per slice of the window, how long the trainer
// took to create and its first steps, and, with --profile, each kernel's time per step over the
// window (so the 1- and 2-thread children show which kernels scale and what stays serial).
//   node scripts/bench/threads-probe.mjs [--models gan,cnn,lstm,mlp] [--reps 2] [--seconds 8] [--warmup 20]
//        [--slice 1] [--profile] [--flags=--no-wasm-dynamic-tiering] [--threads 1,2,2c1]   (after npm run build)
//        [--each] [--sched] [--host] [--trainer DIR/NAME.js]   (one model's trainer as `dlm compile` wrote it, run on its own copy of the runtime)
// --threads lists the children's settings: a thread count, optionally with c and the chunks per
// thread, and s and the spin in µs (2c1s1000). --each prints every child's rate (and kernels) as it ends.
// The children alternate (1, 2, 1, 2, …), one at a time, as the suite runs them; --flags are
// node/V8 options given to every child.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { compileSeedTrainer, dist, MALLOC_ENV, mnist, MODELS, root, SEED_FILES as FILES } from "./common.mjs";

const { values: opt } = parseArgs({
  options: {
    child: { type: "boolean" },
    trainer: { type: "string" },
    model: { type: "string" },
    models: { type: "string", default: "gan,cnn,lstm,mlp" },
    threads: { type: "string", default: "1,2" },
    chunks: { type: "string" },
    spin: { type: "string" },
    reps: { type: "string", default: "2" },
    seconds: { type: "string", default: "8" },
    warmup: { type: "string", default: "20" },
    slice: { type: "string", default: "1" },
    profile: { type: "boolean" },
    each: { type: "boolean" },
    sched: { type: "boolean" },
    host: { type: "boolean" },
    flags: { type: "string", default: "" },
  },
});

// ---------------------------------------------------------------------------------------
// --sched (Linux): each thread's time on a CPU, time runnable but waiting for one (ms), context
// switches and migrations over the window, from /proc/self/task/*/schedstat and sched.
function threadStats() {
  const out = {};
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const [run, wait, slices] = readFileSync(`/proc/self/task/${tid}/schedstat`, "utf8").trim().split(" ").map(Number);
      const sched = readFileSync(`/proc/self/task/${tid}/sched`, "utf8");
      const field = (k) => Number(new RegExp(`^${k.replace(/\./g, "\\.")}\\s*:\\s*(\\S+)`, "m").exec(sched)?.[1] ?? NaN);
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      out[tid] = {
        comm,
        run,
        wait,
        slices,
        migrations: field("se.nr_migrations"),
        cpu: Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ")[36]),
      };
    } catch {
      // the thread ended
    }
  }
  return out;
}
function schedDelta(a, b) {
  return Object.entries(b)
    .filter(([tid]) => a[tid])
    .map(([tid, e]) => ({
      tid: Number(tid),
      comm: e.comm,
      runMs: (e.run - a[tid].run) / 1e6,
      waitMs: (e.wait - a[tid].wait) / 1e6,
      slices: e.slices - a[tid].slices,
      migrations: e.migrations - a[tid].migrations,
      cpu: e.cpu,
    }))
    .filter((e) => e.runMs > 1);
}

// ---------------------------------------------------------------------------------------
// The child: one trainer on --threads threads.
async function child() {
  const t0 = performance.now();
  const model = opt.model;
  const batch = MODELS[model].batch;
  const mod = await import(pathToFileURL(opt.trainer).href);
  // A `dlm compile` output has its own copy of the runtime (whose threads it runs on); the suite's trainers import dist's.
  const own = path.join(path.dirname(path.resolve(opt.trainer)), "runtime");
  const rt = (f) => (existsSync(own) ? pathToFileURL(path.join(own, f)).href : dist(`runtime/${f}`));
  const { Rng } = await import(rt("rng.js"));
  const { initParameters } = await import(rt("trainer.js"));
  const { withKernelThreads, setChunksPerThread, setSpinMicros, workerChunkCount, splitCallCount } = await import(rt("threads/index.js"));
  if (opt.chunks) setChunksPerThread(Number(opt.chunks));
  if (opt.spin) setSpinMicros(Number(opt.spin));
  const data = await mnist(model === "gan" ? [-1, 1] : [0, 1]);
  const rng = new Rng(1);
  // Per-kernel wall time (the trainer wraps its kernel table with `profile.wrap`), reset after the warm-up.
  const totals = new Map();
  const profile = opt.profile
    ? {
        wrap(exports) {
          const out = {};
          for (const [name, fn] of Object.entries(exports)) {
            if (typeof fn !== "function") continue;
            const e = { calls: 0, ms: 0, each: [] };
            totals.set(name, e);
            out[name] = (...args) => {
              const t = performance.now();
              const r = fn(...args);
              const dt = performance.now() - t;
              e.ms += dt;
              e.calls++;
              if (e.each.length < 100000) e.each.push(dt);
              return r;
            };
          }
          return out;
        },
      }
    : undefined;
  const tLoaded = performance.now();
  const trainer = withKernelThreads(Number(opt.threads), () => mod.createTrainer(rng, { batch, ...(profile ? { profile } : {}) }));
  const tCreated = performance.now();
  initParameters(trainer, mod.parameters, rng);
  const [x, y] = trainer.inputs;
  const step = () => {
    data.next(batch, x, y);
    if (trainer.trainStep(batch) >= 0) throw new Error("non-finite value");
  };
  const first = [];
  const warm = Number(opt.warmup);
  for (let i = 0; i < warm; i++) {
    const s = performance.now();
    step();
    first.push(performance.now() - s);
  }
  for (const e of totals.values()) ((e.calls = 0), (e.ms = 0), (e.each.length = 0));
  const sched0 = opt.sched ? threadStats() : null;
  const [worked0, split0] = [workerChunkCount(), splitCallCount()];
  const slice = Number(opt.slice) * 1000;
  const start = performance.now();
  const end = start + Number(opt.seconds) * 1000;
  const slices = [];
  let steps = 0;
  let sliceStart = start;
  let sliceSteps = 0;
  let now = start;
  const times = [];
  do {
    const s0 = now;
    step();
    steps++;
    sliceSteps++;
    now = performance.now();
    times.push(now - s0);
    if (now - sliceStart >= slice) {
      slices.push((sliceSteps * batch * 1000) / (now - sliceStart));
      sliceStart = now;
      sliceSteps = 0;
    }
  } while (now < end);
  const secs = (now - start) / 1000;
  const sched = sched0 ? schedDelta(sched0, threadStats()) : undefined;
  // Chunks the workers ran and calls split, per step: on a machine that runs both cores alike a
  // worker takes its share of every split call; fewer where its core runs late.
  const [workerChunks, splitCalls] = [(workerChunkCount() - worked0) / steps, (splitCallCount() - split0) / steps];
  const kernels = Object.fromEntries(
    [...totals]
      .filter(([, e]) => e.calls > 0)
      .map(([n, e]) => {
        const q = e.each.sort((a, b) => a - b);
        // A call's time: p10, median, p90 (ms)
        return [n, { ms: e.ms / steps, calls: e.calls / steps, call: [0.1, 0.5, 0.9].map((p) => q[Math.floor(p * (q.length - 1))]) }];
      }),
  );
  process.stdout.write(
    "PROBE " +
      JSON.stringify({
        rate: (steps * batch) / secs,
        stepMs: (secs * 1000) / steps,
        slices,
        loadMs: tLoaded - t0,
        createMs: tCreated - tLoaded,
        first,
        quantiles: [0.1, 0.5, 0.9, 0.99].map((q) => times.sort((a, b) => a - b)[Math.floor(q * (times.length - 1))]),
        kernels,
        sched,
        workerChunks,
        splitCalls,
      }) +
      "\n",
  );
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
function runChild(argv) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, argv, { cwd: root, env: { ...MALLOC_ENV, ...process.env, UV_THREADPOOL_SIZE: "1" } });
    let out = "";
    let err = "";
    c.stdout.on("data", (d) => (out += d));
    c.stderr.on("data", (d) => (err += d));
    c.on("close", () => {
      const line = out.split("\n").find((l) => l.startsWith("PROBE "));
      if (line) resolve(JSON.parse(line.slice(6)));
      else reject(new Error(err.trim().split("\n").slice(-3).join("\n")));
    });
  });
}

// --host: before each child, a compute loop (8 independent Math.imul chains: the multiplier's
// throughput, no memory) on the parent's thread alone and then on it and a worker at once, ms for
// each: a host phase slows the loop too (both threads alike, or one core), our own losses do not.
const HOST_LOOP = `function hostLoop(n) {
  let a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1) | 0; b = (Math.imul(b, 1664525) + 1) | 0; c = (Math.imul(c, 1664525) + 1) | 0; d = (Math.imul(d, 1664525) + 1) | 0;
    e = (Math.imul(e, 1664525) + 1) | 0; f = (Math.imul(f, 1664525) + 1) | 0; g = (Math.imul(g, 1664525) + 1) | 0; h = (Math.imul(h, 1664525) + 1) | 0;
  }
  return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h;
}`;
async function hostChecker() {
  const { Worker } = await import("node:worker_threads");
  const loop = new Function(`${HOST_LOOP}; return hostLoop;`)();
  const w = new Worker(
    `${HOST_LOOP}; require("node:worker_threads").parentPort.on("message", (n) => { const t = performance.now(); hostLoop(n); require("node:worker_threads").parentPort.postMessage(performance.now() - t); });`,
    { eval: true },
  );
  w.unref();
  const ask = (n) => new Promise((r) => (w.once("message", r), w.postMessage(n)));
  const time = (n) => {
    const t = performance.now();
    loop(n);
    return performance.now() - t;
  };
  const N = 3e6;
  for (let i = 0; i < 10; i++) (time(N), await ask(N));
  await new Promise((r) => setTimeout(r, 300)); // optimized code (a real-time process starves V8's compile threads)
  return async () => {
    const alone = time(N);
    const other = ask(N);
    const mine = time(N);
    return { alone, together: [mine, await other] };
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f = (x, d = 0) => x.toFixed(d);

async function main() {
  const models = opt.models.split(",").filter((m) => FILES[m]);
  const counts = opt.threads.split(",");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "dlm-threads-probe-"));
  process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
  const flags = opt.flags.split(" ").filter(Boolean);
  console.log(
    `threads probe — ${new Date().toISOString()}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; flags: ${flags.join(" ") || "none"}`,
  );
  for (const m of models) {
    const trainer = opt.trainer ? path.resolve(opt.trainer) : await compileSeedTrainer(m, tmp);
    const res = Object.fromEntries(counts.map((t) => [t, []]));
    const host = opt.host ? await hostChecker() : null;
    for (let r = 0; r < Number(opt.reps); r++)
      for (const t of counts) {
        const h = host ? await host() : null;
        const argv = [...flags, path.join(root, "scripts/bench/threads-probe.mjs"), "--child", "--trainer", trainer, "--model", m];
        const [, threads, chunks, spin] = /^(\d+)(?:c(\d+))?(?:s(\d+))?$/.exec(t) ?? [];
        argv.push(
          "--threads",
          threads,
          ...(chunks ? ["--chunks", chunks] : []),
          ...(spin ? ["--spin", spin] : []),
          "--seconds",
          opt.seconds,
          "--warmup",
          opt.warmup,
          "--slice",
          opt.slice,
        );
        if (opt.profile) argv.push("--profile");
        if (opt.sched) argv.push("--sched");
        const r = await runChild(argv);
        res[t].push(r);
        if (opt.each)
          console.log(
            `  ${t}: ${f(r.rate)} samples/s, per s ${r.slices.map((x) => f(x)).join(" ")}` +
              (h ? `; host loop alone ${f(h.alone, 1)} ms, two at once ${h.together.map((x) => f(x, 1)).join(" / ")}` : "") +
              (r.splitCalls ? `; split calls ${f(r.splitCalls, 1)} a step, worker chunks ${f(r.workerChunks, 2)}` : "") +
              (r.sched
                ? `; threads ${r.sched.map((e) => `${e.comm} run ${f(e.runMs)} wait ${f(e.waitMs, 1)} sw ${e.slices} mig ${e.migrations} cpu ${e.cpu}`).join(" | ")}`
                : "") +
              (opt.profile
                ? `; ${Object.entries(r.kernels)
                    .filter(([, e]) => e.ms > 0.02)
                    .map(
                      ([n, e]) => `${n.replace(/_bias$|_28_50$|_batched.*$/, "")} ${f(e.ms, 3)} (${e.call.map((x) => f(x, 3)).join("/")})`,
                    )
                    .join(", ")}`
                : ""),
          );
      }
    console.log(`\n## ${m} (batch ${MODELS[m].batch}), median of ${opt.reps}`);
    for (const t of counts) {
      const rs = res[t];
      const slices = rs[0].slices.map((_, i) => median(rs.map((r) => r.slices[i] ?? NaN)));
      console.log(
        `threads ${t}: ${f(median(rs.map((r) => r.rate)))} samples/s (${rs.map((r) => f(r.rate)).join(", ")}); step ${f(median(rs.map((r) => r.stepMs)), 2)} ms; ` +
          `load ${f(median(rs.map((r) => r.loadMs)))} ms, create ${f(median(rs.map((r) => r.createMs)), 1)} ms; first steps ms ${rs[0].first
            .slice(0, 6)
            .map((x) => f(x, 1))
            .join(" ")} … last ${f(rs[0].first.at(-1), 1)}`,
      );
      console.log(`  per ${opt.slice} s: ${slices.map((x) => f(x)).join(" ")}`);
      const q = [0, 1, 2, 3].map((i) => median(rs.map((r) => r.quantiles[i])));
      console.log(`  step ms p10 ${f(q[0], 2)}, median ${f(q[1], 2)}, p90 ${f(q[2], 2)}, p99 ${f(q[3], 2)}`);
    }
    const whole = counts.map((t) => median(res[t].map((r) => r.rate)));
    const late = counts.map((t) => median(res[t].map((r) => median(r.slices.slice(Math.floor(r.slices.length / 2))))));
    for (let i = 1; i < counts.length; i++)
      console.log(
        `scaling ${counts[i]}/${counts[0]}: whole window ${f(whole[i] / whole[0], 3)}×, its second half ${f(late[i] / late[0], 3)}×`,
      );
    if (opt.profile) {
      const names = [...new Set(counts.flatMap((t) => Object.keys(res[t][0].kernels)))];
      const per = (t, n) => median(res[t].map((r) => r.kernels[n]?.ms ?? 0));
      const rows = names.map((n) => [n, ...counts.map((t) => per(t, n))]).sort((p, q) => q[1] - p[1]);
      const sums = counts.map((_, i) => rows.reduce((s, r) => s + r[i + 1], 0));
      const steps = counts.map((t) => median(res[t].map((r) => r.stepMs)));
      console.log(`kernel | ${counts.map((t) => `ms/step at ${t}`).join(" | ")} | ratio`);
      for (const r of rows)
        if (r[1] > 0.005 * sums[0])
          console.log(
            `${r[0]} | ${r
              .slice(1)
              .map((x) => f(x, 3))
              .join(" | ")} | ${f(r[1] / r[2], 2)}×`,
          );
      console.log(`all kernels | ${sums.map((x) => f(x, 3)).join(" | ")} | ${f(sums[0] / sums[1], 2)}×`);
      console.log(`outside kernels | ${steps.map((s, i) => f(s - sums[i], 3)).join(" | ")}`);
    }
  }
}

if (opt.child) await child();
else await main();
