// The threshold below which threads do not split a kernel call (docs/threads.md, "The
// threshold"): what a split call costs against what it saves, per kernel kind, in one process.
//   node scripts/bench/threads-threshold.mjs [--rounds R] [--block MS] [--models mlp,gan,cnn] [--no-kernels]   (after npm run build)
// 1. The dispatch's round trip: a split call whose two parts do almost nothing (a GEMM of 128
//    multiply-adds) against the same call unsplit, with the worker spinning (calls back to back,
//    as the kernels of a step follow each other) and asleep (each call after 1 ms idle).
// 2. Per kernel kind at the seed models' shapes (the MLP's and the CNN's GEMMs, the CNN's
//    convolution and its gradients), for work from ~10⁴ to ~10⁷ multiply-adds: the call on one
//    thread, cut into 2 parts, and cut into as many chunks as the pool makes (up to 4 per
//    thread), on 2 threads.
// 3. The MLP at batch 32 (the worst case: two splittable GEMMs of 3.2 M multiply-adds per step)
//    on one thread and on two with several thresholds.
// 4. The GAN (batch 64) and the CNN (batch 32) on one thread and on two with variants of the
//    dispatch: the spin before a thread sleeps, the chunks per thread.
// Everything alternates in rounds (A, B, C, A, B, C, …) and each figure is the median over the
// rounds, so a machine busy with other jobs slows every variant alike within a round; the spread
// (lowest and highest round) is printed beside the median. Kernels use made-up data: the timing
// of a kernel does not depend on its values.
import * as os from "node:os";
import * as path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { compileTrainerTo, dist } from "./common.mjs";

const { values: opt } = parseArgs({
  options: {
    rounds: { type: "string", default: "9" },
    block: { type: "string", default: "15" },
    models: { type: "string", default: "mlp,gan,cnn" },
    "no-kernels": { type: "boolean" },
    variants: { type: "string", default: "dispatch" },
  },
});
const ROUNDS = Number(opt.rounds);
const BLOCK_MS = Number(opt.block);
const THREADS = 2;

const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
const { buildModule } = await import(dist("compiler/wasm/kernels/module.js"));
const G = await import(dist("compiler/wasm/kernels/gemm.js"));
const CV = await import(dist("compiler/wasm/kernels/conv.js"));
const CG = await import(dist("compiler/wasm/kernels/conv-grad.js"));
const { Layout } = await import(dist("runtime/wasm/instantiate.js"));
const { sharedMemoryBinary } = await import(dist("runtime/threads/shared-module.js"));
const { threadedKernels } = await import(dist("runtime/threads/pool.js"));
const TH = await import(dist("runtime/threads/index.js"));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const log = (s = "") => process.stdout.write(s + "\n");

// ---------------------------------------------------------------------------------------
// The kernels: each case is one export, its split (as the compiler writes it into a module's
// plan: compiler/ops/kit/wasm.ts) and its arguments for `rows` rows.
const b = await loadBinaryen();
const lay = new Layout(64);
const cases = [];
const gemm = (label, kind, k, n, rowsList) => {
  const spec = { name: `g_${kind}_${k}x${n}`, kind, k, n, bias: kind === "nn", range: true };
  const params = G.gemmParams(spec);
  const m = Math.max(...rowsList);
  const [aSize, bSize] = kind === "nn" ? [m * k, k * n] : kind === "nt" ? [m * n, k * n] : [m * k, m * n];
  const [cr, cc] = G.gemmOutShape(spec, m);
  const at = {
    a: lay.floats(aSize),
    b: lay.floats(bSize),
    c: lay.floats(cr * cc),
    bias: lay.floats(cc),
    ws: lay.alloc(G.gemmScratchBytes(spec)),
  };
  const inner = kind === "nt" ? n : k;
  const split = { kind: "range", params: params.length, count: G.gemmPanels(spec), ws: params.indexOf("ws"), work: inner * 8 };
  for (const rows of rowsList)
    cases.push({
      label,
      kind: `gemm ${kind}`,
      name: spec.name,
      split,
      rows,
      work: rows * k * n,
      args: params.filter((p) => p !== "lo" && p !== "hi").map((p) => (p === "m" ? rows : at[p])),
      ws: G.gemmScratchBytes(spec),
    });
  return spec;
};
const window = { h: 28, w: 28, c: 1, oh: 26, ow: 26, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0 };
const conv = (rowsList) => {
  const n = Math.max(...rowsList);
  const fl = 32;
  const per = window.oh * window.ow * window.kh * window.kw * window.c * fl;
  const fwd = { ...window, name: "conv", filters: fl, bias: true, activation: "relu" };
  const gk = { ...window, name: "conv_gk", filters: fl, bias: false };
  const gi = { ...window, name: "conv_gi", filters: fl };
  const at = {
    x: lay.floats(n * window.h * window.w * window.c),
    k: lay.floats(window.kh * window.kw * window.c * fl),
    y: lay.floats(n * window.oh * window.ow * fl),
    bias: lay.floats(fl),
    dk: lay.floats(window.kh * window.kw * window.c * fl),
    ws: lay.alloc(Math.max(CV.conv2dScratchBytes(fwd), CG.conv2dGradKernelScratchBytes(gk), CG.conv2dGradInputScratchBytes(gi))),
  };
  const rowsSplit = (params, bytes) => ({
    kind: "rows",
    strides: params.map((p) => bytes[p] ?? 0),
    grain: 1,
    ws: params.indexOf("ws"),
    work: per,
  });
  const xb = window.h * window.w * window.c * 4;
  const yb = window.oh * window.ow * fl * 4;
  const pFwd = CV.conv2dParams(fwd);
  const pGk = CG.conv2dGradKernelParams(gk);
  const pGi = CG.conv2dGradInputParams(gi);
  const panels = CG.conv2dGradKernelPanels(gk);
  const argsOf = (params, rows, map = {}) =>
    params.filter((p) => p !== "lo" && p !== "hi").map((p) => (p === "n" ? rows : at[map[p] ?? p]));
  for (const rows of rowsList) {
    const work = rows * per;
    const ws = CV.conv2dScratchBytes(fwd);
    cases.push({
      label: "conv",
      kind: "conv2d → relu",
      name: "conv",
      split: rowsSplit(pFwd, { x: xb, y: yb }),
      rows,
      work,
      args: argsOf(pFwd, rows),
      ws,
    });
    const gkSplit = { kind: "range", params: pGk.length, count: panels, ws: pGk.indexOf("ws"), work: per / panels };
    cases.push({
      label: "conv",
      kind: "conv2d kernel gradient",
      name: "conv_gk",
      split: gkSplit,
      rows,
      work,
      args: argsOf(pGk, rows, { dy: "y" }),
      ws: CG.conv2dGradKernelScratchBytes(gk),
    });
    // (The CNN's first convolution has no input gradient; its geometry serves here.)
    const giArgs = argsOf(pGi, rows, { dy: "y", dx: "x" });
    cases.push({
      label: "conv",
      kind: "conv2d input gradient",
      name: "conv_gi",
      split: rowsSplit(pGi, { dy: yb, dx: xb }),
      rows,
      work,
      args: giArgs,
      ws: CG.conv2dGradInputScratchBytes(gi),
    });
  }
  return [fwd, gk, gi];
};
const specs = {
  gemm: [
    gemm("noop", "nn", 8, 16, [1]),
    gemm("mlp 784×128", "nn", 784, 128, [1, 2, 4, 8, 16, 32]),
    gemm("mlp 784×128", "tn", 784, 128, [1, 2, 4, 8, 16, 32]),
    gemm("cnn 5408×128", "nt", 5408, 128, [1, 2, 4, 8, 16, 32]),
  ],
  conv: conv([1, 2, 4, 8, 16, 32]),
};
const { binary } = buildModule(b, (mod) => {
  for (const s of specs.gemm) G.addGemm(b, mod, s);
  CV.addConv2d(b, mod, specs.conv[0]);
  CG.addConv2dGradKernel(b, mod, specs.conv[1]);
  CG.addConv2dGradInput(b, mod, specs.conv[2]);
});
const plan = {
  kernels: Object.fromEntries(cases.map((c) => [c.name, c.split])),
  scratch: Math.ceil(Math.max(...cases.map((c) => c.ws)) / 16) * 16,
};
const base = Math.ceil(lay.bytes / 16) * 16;
const pages = Math.ceil((base + (THREADS - 1) * plan.scratch) / 65536);
const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
const module = new WebAssembly.Module(sharedMemoryBinary(binary));
const raw = new WebAssembly.Instance(module, { env: { memory } }).exports;
new Float32Array(memory.buffer, 0, Math.floor(lay.bytes / 4)).forEach((_, i, a) => (a[i] = ((i * 7919) % 1000) / 1000 - 0.5));
const pool = threadedKernels(module, memory, raw, plan, THREADS, base, 1);

const header = `machine: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} logical CPUs; node ${process.version}; load average ${os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(" ")}`;
log(`threads threshold — ${new Date().toISOString()}`);
log(header);
log(`${ROUNDS} rounds, blocks of ${BLOCK_MS} ms; times are medians per call over the rounds [lowest, highest round]`);
await new Promise((r) => setTimeout(r, 300)); // the worker starts

/** µs per call: calls back to back for `ms`. */
function block(fn, ms = BLOCK_MS) {
  const t0 = performance.now();
  let calls = 0;
  let t;
  do {
    fn();
    calls++;
    t = performance.now();
  } while (t - t0 < ms);
  return ((t - t0) * 1000) / calls;
}
/** µs per call of calls each after `idleMs` of the calling thread spinning (the worker's spin runs out: it sleeps). */
function blockIdle(fn, idleMs) {
  const times = [];
  const t0 = performance.now();
  while (performance.now() - t0 < BLOCK_MS * 3) {
    const w = performance.now();
    while (performance.now() - w < idleMs);
    const s = performance.now();
    fn();
    times.push((performance.now() - s) * 1000);
  }
  return median(times);
}
const stats = (xs) => ({ med: median(xs), lo: Math.min(...xs), hi: Math.max(...xs) });
const show = (s) => `${f1(s.med)} [${f1(s.lo)}, ${f1(s.hi)}]`;

if (!opt["no-kernels"]) {
  // ---------------------------------------------------------------------------------------
  // 1. The round trip.
  const noop = cases.find((c) => c.label === "noop");
  const variants = {
    "one thread": () => raw[noop.name](...noop.args),
    "split in 2, worker spinning": () => pool.exports[noop.name](...noop.args),
  };
  const rt = {
    "one thread": [],
    "split in 2, worker spinning": [],
    "one thread, after 1 ms idle": [],
    "split in 2, after 1 ms idle (worker asleep)": [],
  };
  pool.setMinWork(1);
  const chunksBefore = pool.workerChunks();
  for (let r = 0; r < ROUNDS; r++) {
    rt["one thread"].push(block(variants["one thread"]));
    rt["split in 2, worker spinning"].push(block(variants["split in 2, worker spinning"]));
    rt["one thread, after 1 ms idle"].push(blockIdle(variants["one thread"], 1));
    rt["split in 2, after 1 ms idle (worker asleep)"].push(blockIdle(variants["split in 2, worker spinning"], 1));
  }
  log();
  log(`## 1. A split call's round trip (a GEMM of ${noop.work} multiply-adds in 2 parts), µs per call`);
  log();
  for (const [k, xs] of Object.entries(rt)) log(`- ${k}: ${show(stats(xs))}`);
  log(`- chunks the worker took: ${pool.workerChunks() - chunksBefore}`);
  // How long a thread polls a control word before it sleeps (pool.ts's SPIN polls).
  const word = new Int32Array(new SharedArrayBuffer(4));
  const spins = [];
  for (let r = 0; r < ROUNDS; r++) {
    const s = performance.now();
    let v = 0;
    for (let i = 0; i < 20000; i++) v += Atomics.load(word, 0);
    spins.push((performance.now() - s) * 1000 + v);
  }
  log(`- 20,000 polls of a control word (a worker's spin before it sleeps): ${show(stats(spins))}`);

  // ---------------------------------------------------------------------------------------
  // 2. Per kernel kind.
  const timed = cases.filter((c) => c.label !== "noop");
  const res = new Map(timed.map((c) => [c, { one: [], two: [], all: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of timed) {
      const fn = pool.exports[c.name];
      const x = res.get(c);
      x.one.push(block(() => raw[c.name](...c.args)));
      pool.setMinWork(Math.ceil(c.work / 2));
      x.two.push(block(() => fn(...c.args)));
      pool.setMinWork(1);
      x.all.push(block(() => fn(...c.args)));
    }
  }
  log();
  log(`## 2. Per kernel kind: µs per call on 1 thread, on 2 threads in 2 parts, and in up to ${THREADS * 2} chunks`);
  log();
  log(`| kernel | shape | rows | multiply-adds | 1 thread | GMAC/s | 2 parts | chunks | 1 / 2 parts | saved by 2 parts (µs) |`);
  log(`|---|---|---|---|---|---|---|---|---|---|`);
  for (const c of timed) {
    const x = res.get(c);
    const [one, two, all] = [stats(x.one), stats(x.two), stats(x.all)];
    const parts = Math.min(THREADS * 2, c.split.kind === "rows" ? c.rows : c.split.count);
    log(
      `| ${c.kind} | ${c.label} | ${c.rows} | ${c.work.toLocaleString("en-US")} | ${show(one)} | ${(c.work / one.med / 1000).toFixed(1)} | ${show(two)} | ${show(all)} (${parts}) | ${(one.med / two.med).toFixed(2)} | ${f1(one.med - two.med)} |`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// 3 and 4. Seed trainers on one thread and on two with variants of the dispatch, in alternation.
const tmp = mkdtempSync(path.join(os.tmpdir(), "dlm-threshold-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
/** Samples/s of `file`'s trainer at `batch` per config [label, threads, { minWork, spinUs, chunks }], trainers alternating. */
async function modelRates(file, batch, configs) {
  const { Rng } = await import(dist("runtime/rng.js"));
  const { initParameters } = await import(dist("runtime/trainer.js"));
  const mod = await import(pathToFileURL(await compileTrainerTo(file, mkdtempSync(path.join(tmp, "m-")))).href);
  const trainers = configs.map(([, threads, o]) => {
    TH.setMinWork(o.minWork ?? TH.DEFAULT_MIN_WORK);
    TH.setSpinMicros(o.spinUs ?? 200);
    TH.setChunksPerThread(o.chunks ?? 1);
    const rng = new Rng(1);
    const t = TH.withKernelThreads(threads, () => mod.createTrainer(rng, { batch }));
    initParameters(t, mod.parameters, rng);
    for (const input of t.inputs) input.forEach((_, i, a) => (a[i] = ((i * 7919) % 256) / 255));
    if (t.inputs[1]) t.inputs[1].forEach((_, i, a) => (a[i] = i % 10));
    return t;
  });
  TH.setMinWork(TH.DEFAULT_MIN_WORK);
  TH.setSpinMicros(200);
  TH.setChunksPerThread(1);
  await new Promise((r) => setTimeout(r, 300));
  for (const t of trainers) for (let i = 0; i < 10; i++) t.trainStep(batch);
  const rates = configs.map(() => []);
  for (let r = 0; r < ROUNDS; r++)
    trainers.forEach((t, i) => {
      const us = block(() => t.trainStep(batch), BLOCK_MS * 10);
      rates[i].push((batch * 1e6) / us);
    });
  return rates.map(stats);
}
const models = opt.models.split(",");
if (models.includes("mlp")) {
  const configs = [
    ["1 thread", 1, {}],
    ["2 threads, chunks ≥ 2^18 (4 chunks per GEMM of 3.2 M)", 2, { minWork: 1 << 18 }],
    ["2 threads, chunks ≥ 2^20 (3 chunks)", 2, { minWork: 1 << 20 }],
    ["2 threads, chunks ≥ 2^21 (nothing split)", 2, { minWork: 1 << 21 }],
  ];
  const r = await modelRates("dsl-examples/mlp.dlm", 32, configs);
  log();
  log(`## 3. The MLP at batch 32 (${configs.length} trainers in alternation), samples/s`);
  log();
  configs.forEach(([label], i) => log(`- ${label}: ${show(r[i])}`));
}
for (const [m, file, batch] of [
  ["gan", "dsl-examples/gan.dlm", 64],
  ["cnn", "dsl-examples/cnn.dlm", 32],
]) {
  if (!models.includes(m)) continue;
  const configs = [
    ["1 thread", 1, {}],
    ...(opt.variants === "spin"
      ? [50, 200, 500, 2000].map((us) => [`2 threads, spin ${us} µs, 1 chunk per thread`, 2, { spinUs: us, chunks: 1 }])
      : opt.variants === "chunks"
        ? [1, 2, 4, 8].map((n) => [`2 threads, spin 200 µs, ${n} chunks per thread`, 2, { spinUs: 200, chunks: n }])
        : [
            ["2 threads, spin 50 µs, 4 chunks per thread (about the earlier dispatch)", 2, { spinUs: 50, chunks: 4 }],
            ["2 threads, spin 200 µs, 2 chunks per thread", 2, { spinUs: 200, chunks: 2 }],
            ["2 threads, spin 2 ms, 1 chunk per thread", 2, { spinUs: 2000, chunks: 1 }],
            ["2 threads, spin 200 µs, 1 chunk per thread (the default before)", 2, { spinUs: 200, chunks: 1 }],
            ["2 threads, spin 200 µs, 4 chunks per thread (the default)", 2, { spinUs: 200, chunks: 4 }],
          ]),
  ];
  const r = await modelRates(file, batch, configs);
  log();
  log(`## 4. ${file} at batch ${batch}: the dispatch's spin and chunks (${configs.length} trainers in alternation), samples/s`);
  log();
  configs.forEach(([label], i) => log(`- ${label}: ${show(r[i])}${i > 0 ? ` (${(r[i].med / r[0].med).toFixed(2)}× one thread)` : ""}`));
}
log();
log(
  `load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
pool.close();
TH.closeAllThreads();
