// Milliseconds per call (the fastest of repeated calls) of dlm's SIMD128 wasm convolution and pooling kernels
// (compiler/wasm/kernels/conv.ts, conv-grad.ts, pool.ts) next to the TypeScript reference kernels
// (runtime/kernels/conv.ts), one thread, on the seed CNN's shapes (batch 32) and a
// mid-size layer. Needs `npm run build` (reads dist/).
//
//   node scripts/wasm-conv-bench.mjs [--seconds 0.3] [--n 32] [--no-ts] [--tiles] [--level 3]
//   node --experimental-wasm-relaxed-simd scripts/wasm-conv-bench.mjs --relaxed   (f32x4.relaxed_madd)
//
// --tiles also times register-tile and unroll variants; --level is binaryen's optimize level.
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => pathToFileURL(path.join(root, "dist", p)).href;
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "0.3" },
    n: { type: "string", default: "32" },
    "no-ts": { type: "boolean", default: false },
    tiles: { type: "boolean", default: false },
    level: { type: "string", default: "3" },
    relaxed: { type: "boolean", default: false },
  },
});
const SECONDS = Number(values.seconds);
const N = Number(values.n);

const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
const { buildModule } = await import(dist("compiler/wasm/kernels/module.js"));
// The convolution, its gradients and pooling, as one namespace.
const C = {
  ...(await import(dist("compiler/wasm/kernels/conv.js"))),
  ...(await import(dist("compiler/wasm/kernels/conv-grad.js"))),
  ...(await import(dist("compiler/wasm/kernels/pool.js"))),
};
const { windowOf } = await import(dist("compiler/emit/geometry.js"));
const K = await import(dist("runtime/kernels/conv.js"));
const { relu, reluGrad } = await import(dist("runtime/kernels/elementwise.js"));
const { instantiateKernels, Layout } = await import(dist("runtime/wasm/instantiate.js"));

function geom(h, w, c, kernel, strides, padding) {
  const out = (size, k, s) => (padding === "same" ? Math.ceil(size / s) : Math.floor((size - k) / s) + 1);
  return windowOf([1, h, w, c], [1, out(h, kernel[0], strides[0]), out(w, kernel[1], strides[1]), 1], { kernel, strides, padding });
}

const LAYERS = [
  { tag: "CNN conv 28×28×1→26×26×32 k3", g: geom(28, 28, 1, [3, 3], [1, 1], "valid"), filters: 32, cnn: true },
  { tag: "mid conv 13×13×32→13×13×64 k3 same", g: geom(13, 13, 32, [3, 3], [1, 1], "same"), filters: 64 },
];
const CONVPOOL = { ...LAYERS[0], tag: "CNN conv+relu+maxpool" };
const POOL = { tag: "CNN maxpool 26×26×32→13×13", g: geom(26, 26, 32, [2, 2], [2, 2], "valid") };

// Kernels: [label, kind, spec, layer]
const kernels = [];
for (const L of LAYERS) {
  const base = { ...L.g, filters: L.filters };
  const t = L.tag.split(" ")[0];
  kernels.push([`${t} fwd bias+relu`, "fwd", { ...base, name: `${t}_fwd`, bias: true, activation: "relu" }, L]);
  kernels.push([`${t} gradKernel+bias`, "gk", { ...base, name: `${t}_gk`, bias: true }, L]);
  kernels.push([`${t} gradInput`, "gi", { ...base, name: `${t}_gi` }, L]);
  if (values.tiles) {
    for (const tile of [
      [2, 4],
      [3, 4],
      [3, 2],
      [4, 2],
      [5, 2],
      [6, 2],
      [2, 2],
    ])
      for (const unroll of [1, 2, 4])
        kernels.push([
          `${t} fwd tile ${tile} unroll ${unroll}`,
          "fwd",
          { ...base, name: `${t}_fwd_${tile.join("x")}_${unroll}`, bias: true, activation: "relu", tile, unroll },
          L,
        ]);
    for (const tile of [
      [2, 4],
      [3, 4],
      [3, 2],
      [4, 2],
      [5, 2],
      [6, 2],
    ])
      for (const unroll of [1, 2, 4])
        kernels.push([
          `${t} gk tile ${tile} unroll ${unroll}`,
          "gk",
          { ...base, name: `${t}_gk_${tile.join("x")}_${unroll}`, bias: true, tile, unroll },
          L,
        ]);
    for (const tile of [
      [2, 4],
      [3, 4],
      [3, 2],
      [4, 2],
      [6, 2],
      [2, 2],
    ])
      for (const unroll of [1, 2, 4])
        kernels.push([
          `${t} gi tile ${tile} unroll ${unroll}`,
          "gi",
          { ...base, name: `${t}_gi_${tile.join("x")}_${unroll}`, tile, unroll },
          L,
        ]);
  }
}
kernels.push([
  `CNN conv+relu+maxpool+argmax fused`,
  "cp",
  { ...CONVPOOL.g, filters: 32, name: "cp", bias: true, activation: "relu", pool: POOL.g, argmax: true },
  CONVPOOL,
]);
kernels.push([`pool max`, "max", { ...POOL.g, name: "p_max" }, POOL]);
kernels.push([`pool max+argmax`, "max", { ...POOL.g, name: "p_maxa", argmax: true }, POOL]);
kernels.push([`pool maxGrad(x)`, "maxg", { ...POOL.g, name: "p_maxg" }, POOL]);
kernels.push([`pool maxGrad(argmax)`, "maxg", { ...POOL.g, name: "p_maxga", fromArgmax: true }, POOL]);
kernels.push([`pool maxGrad(x)+relu mask`, "maxg", { ...POOL.g, name: "p_maxgr", reluMask: true }, POOL]);
kernels.push([`pool maxGrad(argmax)+relu mask`, "maxg", { ...POOL.g, name: "p_maxgar", fromArgmax: true, reluMask: true }, POOL]);
kernels.push([`pool avg`, "avg", { ...POOL.g, name: "p_avg" }, POOL]);
kernels.push([`pool avgGrad`, "avgg", { ...POOL.g, name: "p_avgg" }, POOL]);

const t0 = performance.now();
const binaryen = await loadBinaryen();
const tLoad = performance.now() - t0;
const add = {
  cp: C.addConvMaxPool,
  fwd: C.addConv2d,
  gk: C.addConv2dGradKernel,
  gi: C.addConv2dGradInput,
  max: C.addMaxPool2d,
  maxg: C.addMaxPool2dGrad,
  avg: C.addAvgPool2d,
  avgg: C.addAvgPool2dGrad,
};
const prm = {
  cp: C.convMaxPoolParams,
  fwd: C.conv2dParams,
  gk: C.conv2dGradKernelParams,
  gi: C.conv2dGradInputParams,
  max: C.maxpool2dParams,
  maxg: C.maxpool2dGradParams,
  avg: C.avgpool2dParams,
  avgg: C.avgpool2dGradParams,
};
const scratch = {
  cp: C.convMaxPoolScratchBytes,
  fwd: C.conv2dScratchBytes,
  gk: C.conv2dGradKernelScratchBytes,
  gi: C.conv2dGradInputScratchBytes,
};
const RX = values.relaxed;
const mod = buildModule(
  binaryen,
  (m) => kernels.forEach(([, kind, spec]) => add[kind](binaryen, m, RX ? { ...spec, relaxed: true } : spec)),
  { optimizeLevel: Number(values.level), relaxed: RX },
);
const tEmit = performance.now() - t0 - tLoad;

const inst = await instantiateKernels(mod.binary, { memoryBytes: 96 << 20 });
const rnd = (a) => {
  for (let i = 0; i < a.length; i++) a[i] = Math.random() - 0.5;
  return a;
};

/** The fastest of repeated calls (ms): robust to the other processes of a shared machine. */
function time(fn) {
  for (let i = 0; i < 5; i++) fn();
  let best = Infinity;
  const start = performance.now();
  do {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  } while (performance.now() - start < SECONDS * 1000);
  return best;
}

console.log(
  `binaryen load ${tLoad.toFixed(0)} ms, emit+validate+optimize ${kernels.length} kernels ${tEmit.toFixed(0)} ms, ${mod.binary.length} bytes; n = ${N}; ${RX ? "relaxed_madd" : "SIMD128"}; node ${process.version}`,
);
console.log(`${"kernel".padEnd(40)} ${"wasm ms".padStart(9)} ${"ts ms".padStart(9)} ${"ratio".padStart(7)} ${"GFLOP/s".padStart(8)}`);
for (const [label, kind, spec, L] of kernels) {
  const g = L.g;
  const f = L.filters ?? g.c;
  const zx = N * g.h * g.w * g.c;
  const zy = N * g.oh * g.ow * f;
  const zk = g.kh * g.kw * g.c * f;
  const lay = new Layout(64);
  const at = {
    x: lay.floats(zx),
    k: lay.floats(zk),
    y: lay.floats(zy),
    bias: lay.floats(f),
    dy: lay.floats(zy),
    dk: lay.floats(zk),
    dbias: lay.floats(f),
    dx: lay.floats(zx),
    argmax: lay.floats(zy),
  };
  at.ws = lay.alloc(scratch[kind] ? scratch[kind](spec) : 0);
  const x = rnd(inst.f32(at.x, zx));
  const k = rnd(inst.f32(at.k, zk));
  const bias = rnd(inst.f32(at.bias, f));
  const dy = rnd(inst.f32(at.dy, zy));
  if (kind === "maxg" && spec.fromArgmax) inst.exports.p_maxa(N, at.x, at.y, at.argmax);
  const args = prm[kind](spec).map((p) => (p === "n" ? N : at[p]));
  const fn = inst.exports[spec.name];
  const w = time(() => fn(...args));
  let t = NaN;
  if (!values["no-ts"] && !/tile/.test(label)) {
    const G = kind === "fwd" || kind === "gk" || kind === "gi" || kind === "cp" ? { ...g, f } : { ...g, ph: g.kh, pw: g.kw };
    const PG = { ...POOL.g, ph: POOL.g.kh, pw: POOL.g.kw };
    const yp = new Float32Array(N * POOL.g.oh * POOL.g.ow * POOL.g.c);
    const y = new Float32Array(zy);
    const dk = new Float32Array(zk);
    const db = new Float32Array(f);
    const dx = new Float32Array(zx);
    const ref = {
      fwd: () => {
        K.conv2d(y, x, k, bias, N, G);
        relu(y, y, zy);
      },
      cp: () => {
        K.conv2d(y, x, k, bias, N, G);
        relu(y, y, zy);
        K.maxpool2d(yp, y, N, PG);
      },
      gk: () => {
        K.conv2dGradKernel(dk, x, dy, N, G);
        db.fill(0);
        for (let i = 0; i < zy; i++) db[i % f] += dy[i];
      },
      gi: () => K.conv2dGradInput(dx, dy, k, N, G),
      max: () => K.maxpool2d(y, x, N, G),
      maxg: () => {
        K.maxpool2dGrad(dx, dy, x, N, G);
        if (spec.reluMask) reluGrad(dx, dx, x, zx);
      },
      avg: () => K.avgpool2d(y, x, N, G),
      avgg: () => K.avgpool2dGrad(dx, dy, N, G),
    }[kind];
    t = time(ref);
  }
  const flop = kind === "fwd" || kind === "gk" || kind === "gi" || kind === "cp" ? 2 * C.convMacs(spec, N) : NaN;
  const gf = Number.isNaN(flop) ? "" : (flop / (w / 1000) / 1e9).toFixed(1);
  console.log(
    `${label.padEnd(40)} ${w.toFixed(3).padStart(9)} ${Number.isNaN(t) ? "".padStart(9) : t.toFixed(3).padStart(9)} ${Number.isNaN(t) ? "".padStart(7) : (t / w).toFixed(1).padStart(7)} ${gf.padStart(8)}`,
  );
}
