// Milliseconds per call (process CPU time, one thread) of the convolution kernels of TensorFlow's
// DCGAN (dsl-examples/dcgan.dlm) at its shapes, each in the loop orders that compute the same
// bits: the forward convolution and the input gradient (conv2d_transpose's forward) blocked on
// the kernel packed panel by panel (the default), blocked on the kernel in place (`pack: false`)
// and per tile (`blocking: false`, conv.ts / conv-grad.ts); the kernel gradient as it is. The
// variants of a kernel are alternated call window by call window, round robin, so that all see
// the same load on a shared machine; the best round is reported, with GFLOP/s, and every
// variant's output is checked word for word against the first's. Needs `npm run build`.
//
// The stride-1 layer's three kernels also run in the Winograd domain (conv-winograd.ts,
// conv-winograd-grad.ts: the default there): other bits, so its outputs are compared with the
// direct kernel's as max |difference| / max |direct|.
//
//   node scripts/conv-dcgan-bench.mjs [--n 64] [--seconds 0.5] [--rounds 3] [--only REGEX]
//        [--sweep]   (also other blockings: images per block, taps per chunk, Winograd images per block)
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => pathToFileURL(path.join(root, "dist", p)).href;
const { values } = parseArgs({
  options: {
    n: { type: "string", default: "64" },
    seconds: { type: "string", default: "0.5" },
    rounds: { type: "string", default: "3" },
    only: { type: "string", default: "" },
    sweep: { type: "boolean", default: false },
  },
});
const N = Number(values.n);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const only = new RegExp(values.only);

const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
const { buildModule } = await import(dist("compiler/wasm/kernels/module.js"));
const CV = await import(dist("compiler/wasm/kernels/conv.js"));
const CG = await import(dist("compiler/wasm/kernels/conv-grad.js"));
const { convBlocking } = await import(dist("compiler/wasm/kernels/conv-blocked.js"));
const { winogradPlan } = await import(dist("compiler/wasm/kernels/conv-winograd.js"));
const { gradInputBlocking } = await import(dist("compiler/wasm/kernels/conv-grad-blocked.js"));
const { addGemm, gemmParams, gemmScratchBytes } = await import(dist("compiler/wasm/kernels/gemm.js"));
const { windowOf } = await import(dist("compiler/emit/geometry.js"));
const { instantiateKernels, Layout } = await import(dist("runtime/wasm/instantiate.js"));

function geom(h, w, c, k, s) {
  return windowOf([1, h, w, c], [1, Math.ceil(h / s), Math.ceil(w / s), 1], { kernel: [k, k], strides: [s, s], padding: "same" });
}

// The DCGAN's three convolution geometries (each runs forward, input gradient and kernel gradient in a step).
const LAYERS = [
  { tag: "7x7x128>256 k5", g: geom(7, 7, 128, 5, 1), filters: 256 },
  { tag: "14x14x64>128 k5 s2", g: geom(14, 14, 64, 5, 2), filters: 128 },
  { tag: "28x28x1>64 k5 s2", g: geom(28, 28, 1, 5, 2), filters: 64 },
];

// [group, label, kind, spec]
const kernels = [];
let id = 0;
for (const L of LAYERS) {
  const wino = winogradPlan({ ...L.g, filters: L.filters, winograd: { images: 1 } }) !== undefined;
  // The direct kernels' variants (the first is the reference of the others' bits); Winograd's after them.
  const base = { ...L.g, filters: L.filters, ...(wino ? { winograd: false } : {}) };
  const winoImages = values.sweep ? [1, 2, 4, 8] : [undefined];
  const fwd = (label, extra) => kernels.push([`${L.tag} conv2d`, label, "fwd", { ...base, name: `k${id++}`, bias: false, ...extra }]);
  const auto = convBlocking(base);
  fwd("default", {});
  if (auto) {
    fwd("blocked in place", { blocking: { ...auto, pack: false } });
    fwd("per tile", { blocking: false });
    if (values.sweep)
      for (const images of [1, 2, 4, 8])
        for (const taps of [128, 256, 512, 1024]) fwd(`packed images ${images} taps ${taps}`, { blocking: { images, taps } });
  }
  if (wino)
    for (const images of winoImages)
      fwd(`winograd${images ? ` images ${images}` : " (default)"}`, { winograd: images ? { images } : undefined });
  const gi = (label, extra) => kernels.push([`${L.tag} grad input`, label, "gi", { ...base, name: `k${id++}`, ...extra }]);
  const giAuto = gradInputBlocking({ ...base, name: "" });
  gi("default", {});
  if (giAuto) {
    gi("blocked in place", { blocking: { ...giAuto, pack: false } });
    gi("per image", { blocking: false });
    if (values.sweep) for (const images of [1, 2, 4, 8, 16]) gi(`packed images ${images}`, { blocking: { images } });
  }
  if (wino)
    for (const images of winoImages)
      gi(`winograd${images ? ` images ${images}` : " (default)"}`, { winograd: images ? { images } : undefined });
  const gk = (label, extra) => kernels.push([`${L.tag} grad kernel`, label, "gk", { ...base, name: `k${id++}`, bias: false, ...extra }]);
  gk(wino ? "direct" : "default", {});
  if (wino)
    for (const images of values.sweep ? [2, 4, 8, 16] : [undefined])
      gk(`winograd${images ? ` images ${images}` : " (default)"}`, { winograd: images ? { images } : undefined });
}
const chosen = kernels.filter(([group]) => only.test(group));

const binaryen = await loadBinaryen();
const add = { fwd: CV.addConv2d, gi: CG.addConv2dGradInput, gk: CG.addConv2dGradKernel };
const prm = { fwd: CV.conv2dParams, gi: CG.conv2dGradInputParams, gk: CG.conv2dGradKernelParams };
const scratch = { fwd: CV.conv2dScratchBytes, gi: CG.conv2dGradInputScratchBytes, gk: CG.conv2dGradKernelScratchBytes };
// The reference: the training GEMM (nn, B packed per call) at 512³, timed in every group's round robin.
const GEMM = { name: "gemm", kind: "nn", k: 512, n: 512, bias: false };
const built = buildModule(binaryen, (mod) => {
  for (const [, , kind, spec] of chosen) add[kind](binaryen, mod, spec);
  addGemm(binaryen, mod, GEMM);
});

// One layout for the largest of everything: x, dy, k, y/dx/dk and ws per kernel (inputs shared within a group).
const lay = new Layout(64);
const groups = new Map();
for (const [group, , kind, s] of chosen) {
  if (!groups.has(group)) {
    const img = s.h * s.w * s.c;
    const out = s.oh * s.ow * s.filters;
    const kern = s.kh * s.kw * s.c * s.filters;
    groups.set(group, { x: lay.floats(N * img), dy: lay.floats(N * out), k: lay.floats(kern), sizes: { img, out, kern } });
  }
  const g = groups.get(group);
  const outFloats = kind === "fwd" ? N * g.sizes.out : kind === "gi" ? N * g.sizes.img : g.sizes.kern;
  s.outAt = lay.floats(outFloats);
  s.outFloats = outFloats;
  s.wsAt = lay.alloc(scratch[kind](s) + 64);
}
const gemmAt = {
  m: 512,
  a: lay.floats(512 * 512),
  b: lay.floats(512 * 512),
  c: lay.floats(512 * 512),
  ws: lay.alloc(gemmScratchBytes(GEMM)),
};
const inst = await instantiateKernels(built.binary, { memoryBytes: lay.bytes + 65536 });
let seed = 1;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
for (const g of groups.values()) {
  for (const [at, len] of [
    [g.x, N * g.sizes.img],
    [g.dy, N * g.sizes.out],
    [g.k, g.sizes.kern],
  ]) {
    const v = inst.f32(at, len);
    for (let i = 0; i < len; i++) v[i] = rand();
  }
}

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function window(run) {
  let calls = 0;
  const start = cpu();
  let el;
  do {
    run();
    calls++;
  } while ((el = cpu() - start) < SECONDS * 1000);
  return el / calls;
}

for (const group of new Set(chosen.map(([g]) => g))) {
  const list = chosen.filter(([g]) => g === group);
  const g = groups.get(group);
  const runs = list.map(([, , kind, s]) => {
    const at = { n: N, x: g.x, dy: g.dy, k: g.k, y: s.outAt, dx: s.outAt, dk: s.outAt, ws: s.wsAt, lo: 0, hi: 0 };
    const args = prm[kind](s).map((p) => at[p]);
    return () => inst.exports[s.name](...args);
  });
  const gemmArgs = gemmParams(GEMM).map((p) => gemmAt[p]);
  runs.push(() => inst.exports.gemm(...gemmArgs));
  runs.forEach((r) => r());
  const ref = inst.f32(list[0][3].outAt, list[0][3].outFloats).slice();
  const first = new Uint32Array(ref.buffer);
  const refMax = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const same = list.map(([, label, , s]) => {
    const out = inst.f32(s.outAt, s.outFloats).slice();
    if (label.startsWith("winograd")) {
      const err = out.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i])), 0) / refMax;
      return `  max |diff| / max |direct| ${err.toExponential(1)}`;
    }
    const v = new Uint32Array(out.buffer);
    return v.every((u, i) => u === first[i]) ? "" : "  DIFFERENT BITS";
  });
  const best = runs.map(() => Infinity);
  for (let r = 0; r < ROUNDS; r++) runs.forEach((run, i) => (best[i] = Math.min(best[i], window(run))));
  const s0 = list[0][3];
  const gflop = (2 * N * s0.oh * s0.ow * s0.kh * s0.kw * s0.c * s0.filters) / 1e9;
  const gemmRate = (2 * 512 ** 3) / 1e9 / (best[runs.length - 1] / 1000);
  console.log(
    `\n${group} (batch ${N}, ${gflop.toFixed(2)} GFLOP per call; the nn GEMM 512³ in the same rounds: ${gemmRate.toFixed(1)} GFLOP/s)`,
  );
  list.forEach(([, label], i) =>
    console.log(
      `  ${label.padEnd(28)} ${best[i].toFixed(2).padStart(9)} ms  ${(gflop / (best[i] / 1000)).toFixed(1).padStart(6)} GFLOP/s ${((gflop / (best[i] / 1000) / gemmRate) * 100).toFixed(0).padStart(4)}% of the GEMM${same[i]}`,
    ),
  );
}
