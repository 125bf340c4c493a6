// Milliseconds per call of the tn GEMM (kernel gradient C[k,n] = A[m,k]ᵀ·B[m,n],
// compiler/wasm/kernels/gemm-tn.ts) on the character transformer's shapes (m = 4096 rows:
// batch 32 × 128 positions), next to the nn and nt GEMMs of the same size, one thread. With
// --before DIST (another build's dist/, e.g. of the previous commit) it also times that
// build's kernels, alternating before and after call windows so that both see the same load,
// and checks that both write the same bits. --sweep times tn blockings (rows/tiles/cols); --tn-only leaves out
// the nn and nt kernels. Each line: the best window of each build, their ratio, and the medians.
// Needs `npm run build` (reads dist/).
//
//   node scripts/tn-bench.mjs [--seconds 0.5] [--rounds 3] [--m 4096] [--before /tmp/before/dist]
//        [--shapes 512x128,128x512,128x128] [--tn-only] [--sweep 64/8/128,128/8/128,256/4/128] [--conv [--n 64]]
import { execSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "0.5" },
    rounds: { type: "string", default: "3" },
    m: { type: "string", default: "4096" },
    before: { type: "string" },
    shapes: { type: "string", default: "512x128,128x512,128x128" },
    sweep: { type: "string" },
    nn: { type: "boolean", default: true },
    "tn-only": { type: "boolean", default: false },
    conv: { type: "boolean", default: false },
    n: { type: "string", default: "64" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const M = Number(values.m);
const SHAPES = (values.conv ? "" : values.shapes)
  .split(",")
  .filter(Boolean)
  .map((s) => s.split("x").map(Number));
const SWEEP = values.sweep ? values.sweep.split(",").map((s) => s.split("/").map(Number)) : [];

async function kernels(distDir) {
  const at = (p) => pathToFileURL(path.join(distDir, p)).href;
  const { loadBinaryen } = await import(at("compiler/wasm/kernels/binaryen.js"));
  const gemm = await import(at("compiler/wasm/kernels/gemm.js"));
  const { instantiateKernels, Layout } = await import(at("runtime/wasm/instantiate.js"));
  return { binaryen: await loadBinaryen(), gemm, instantiateKernels, Layout };
}

/** One build's kernels for `specs`, with its own memory and random operands. */
async function build(k, specs) {
  const mod = k.gemm.emitGemmModule(k.binaryen, specs);
  const sizes = specs.map((s) => {
    const [cr, cc] = k.gemm.gemmOutShape(s, M);
    return { a: s.kind === "nt" ? M * s.n : M * s.k, b: s.kind === "tn" ? M * s.n : s.k * s.n, c: cr * cc, bias: cc };
  });
  const need = Math.max(
    ...specs.map((s, i) => (sizes[i].a + sizes[i].b + sizes[i].c + sizes[i].bias) * 4 + k.gemm.gemmScratchBytes(s) + 256),
  );
  const inst = await k.instantiateKernels(mod.binary, { memoryBytes: need });
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 - 0.5;
  const calls = {};
  specs.forEach((s, i) => {
    const z = sizes[i];
    const lay = new k.Layout(16);
    const at = {
      a: lay.floats(z.a),
      b: lay.floats(z.b),
      c: lay.floats(z.c),
      bias: lay.floats(z.bias),
      ws: lay.alloc(k.gemm.gemmScratchBytes(s)),
    };
    // Every spec's buffers share the memory: its operands are written again before it runs.
    const fill = () => {
      seed = 12345; // the same operands in every build
      for (const [key, len] of [
        ["a", z.a],
        ["b", z.b],
        ["bias", z.bias],
      ]) {
        const v = inst.f32(at[key], len);
        for (let q = 0; q < len; q++) v[q] = rnd();
      }
    };
    const args = k.gemm.gemmParams(s).map((p) => (p === "m" ? M : at[p]));
    const fn = inst.exports[s.name];
    calls[s.name] = { fill, run: () => fn(...args), out: () => (fill(), fn(...args), inst.f32(at.c, z.c).slice()) };
  });
  return calls;
}

/**
 * ms per call over a window of `SECONDS` of this process's CPU time (after 2 warm-up calls).
 * CPU time, not wall time: on a shared machine the process also waits for a core, and that
 * wait is not the kernel's (the caches the other processes evict still are).
 */
function time(run) {
  run();
  run();
  let n = 0;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const start = cpu();
  let el;
  do {
    run();
    n++;
  } while ((el = cpu() - start) < SECONDS * 1000);
  return el / n;
}

const specsFor = (withSweep) => {
  const out = [];
  for (const [k, n] of SHAPES) {
    out.push({ name: `tn_${k}x${n}`, kind: "tn", k, n, bias: false });
    if (values.nn && !values["tn-only"])
      out.push({ name: `nn_${k}x${n}`, kind: "nn", k, n, bias: true }, { name: `nt_${k}x${n}`, kind: "nt", k, n, bias: false });
    if (withSweep)
      for (const [rows, tiles, cols] of SWEEP)
        out.push({ name: `tn_${k}x${n}_${rows}_${tiles}_${cols}`, kind: "tn", k, n, bias: false, tnBlocking: { rows, tiles, cols } });
  }
  return out;
};

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
if (SHAPES.length) {
  const after = await build(await kernels(path.join(root, "dist")), specsFor(true));
  const before = values.before ? await build(await kernels(path.resolve(values.before)), specsFor(false)) : null;
  let commit = "";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: root }).toString().trim();
  } catch {}
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? "?"}, m = ${M}, ${ROUNDS} rounds of ${SECONDS} s windows, HEAD ${commit}; load average before: ${load()}`,
  );
  // Round robin: each round times every kernel once, so that a change of load reaches them all.
  const times = Object.fromEntries(Object.keys(after).map((name) => [name, { after: [], before: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of Object.keys(after)) {
      const t = times[name];
      if (before?.[name]) {
        before[name].fill();
        t.before.push(time(before[name].run));
      }
      after[name].fill();
      t.after.push(time(after[name].run));
    }
  }
  for (const name of Object.keys(after)) {
    const t = times[name];
    const best = (a) => (a.length ? Math.min(...a) : NaN);
    const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
    let same = "";
    if (before?.[name]) {
      const x = new Uint32Array(before[name].out().buffer);
      const y = new Uint32Array(after[name].out().buffer);
      same = x.length === y.length && x.every((w, i) => w === y[i]) ? "same bits" : "BITS DIFFER";
    }
    const b = best(t.before);
    console.log(
      `${name.padEnd(26)} ${Number.isNaN(b) ? "" : `before ${b.toFixed(2).padStart(7)} ms  `}after ${best(t.after).toFixed(2).padStart(7)} ms${Number.isNaN(b) ? "" : `  ${(b / best(t.after)).toFixed(2)}× (medians ${median(t.before).toFixed(2)} / ${median(t.after).toFixed(2)})`}  ${same}`,
    );
  }
  console.log(`load average after: ${load()}`);
}

// --conv: the ResNet's 3×3 convolution (28×28×32 → 32, same padding, batch --n), forward,
// kernel gradient (+ bias) and input gradient: ms per call and GFLOP/s, to compare the
// kernel gradient's locality with the forward pass's on the same multiply-adds.
if (values.conv) {
  const at = (p) => pathToFileURL(path.join(root, "dist", p)).href;
  const { loadBinaryen } = await import(at("compiler/wasm/kernels/binaryen.js"));
  const { buildModule } = await import(at("compiler/wasm/kernels/module.js"));
  const C = { ...(await import(at("compiler/wasm/kernels/conv.js"))), ...(await import(at("compiler/wasm/kernels/conv-grad.js"))) };
  const { windowOf } = await import(at("compiler/emit/geometry.js"));
  const { instantiateKernels, Layout } = await import(at("runtime/wasm/instantiate.js"));
  const N = Number(values.n);
  const g = { ...windowOf([1, 28, 28, 32], [1, 28, 28, 1], { kernel: [3, 3], strides: [1, 1], padding: "same" }), filters: 32 };
  const ks = [
    ["conv2d fwd +bias", C.addConv2d, C.conv2dParams, C.conv2dScratchBytes, { ...g, name: "fwd", bias: true }],
    [
      "conv2d grad kernel +bias",
      C.addConv2dGradKernel,
      C.conv2dGradKernelParams,
      C.conv2dGradKernelScratchBytes,
      { ...g, name: "gk", bias: true },
    ],
    ["conv2d grad input", C.addConv2dGradInput, C.conv2dGradInputParams, C.conv2dGradInputScratchBytes, { ...g, name: "gi" }],
  ];
  const binaryen = await loadBinaryen();
  const mod = buildModule(binaryen, (m) => ks.forEach(([, add, , , spec]) => add(binaryen, m, spec)));
  const inst = await instantiateKernels(mod.binary, { memoryBytes: 64 << 20 });
  const zx = N * 28 * 28 * 32;
  const zk = 9 * 32 * 32;
  const lay = new Layout(64);
  const buf = {
    x: lay.floats(zx),
    k: lay.floats(zk),
    y: lay.floats(zx),
    bias: lay.floats(32),
    dy: lay.floats(zx),
    dk: lay.floats(zk),
    dbias: lay.floats(32),
    dx: lay.floats(zx),
  };
  buf.ws = lay.alloc(Math.max(...ks.map(([, , , sc, spec]) => sc(spec))));
  for (const key of ["x", "k", "bias", "dy"]) {
    const v = inst.f32(buf[key], key === "k" ? zk : key === "bias" ? 32 : zx);
    for (let q = 0; q < v.length; q++) v[q] = Math.random() - 0.5;
  }
  const flop = 2 * N * 28 * 28 * 9 * 32 * 32;
  console.log(`conv 28×28×32→32 3×3 same, batch ${N}: ${(flop / 1e6).toFixed(0)} MFLOP per call; load average ${load()}`);
  for (const [label, , params, , spec] of ks) {
    const args = params(spec).map((p) => (p === "n" ? N : buf[p]));
    const ms = Math.min(...Array.from({ length: ROUNDS }, () => time(() => inst.exports[spec.name](...args))));
    console.log(`${label.padEnd(26)} ${ms.toFixed(2).padStart(7)} ms  ${(flop / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
  }
}
