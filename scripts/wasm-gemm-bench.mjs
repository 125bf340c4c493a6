// GFLOP/s of dlm's SIMD128 wasm GEMMs (compiler/wasm/kernels/gemm.ts) next to the TypeScript
// reference kernels (runtime/kernels/dense.ts), one thread, on 512³ and on the dense shapes
// of the seed models: forward nn (X·W + b), input gradient nt (dY·Wᵀ), kernel gradient tn
// (Xᵀ·dY). Needs `npm run build` (reads dist/).
//
//   node scripts/wasm-gemm-bench.mjs [--seconds 0.3] [--mr 4] [--no-ts]
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = (p) => pathToFileURL(path.join(root, "dist", p)).href;
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "0.3" },
    mr: { type: "string", default: "4" },
    "no-ts": { type: "boolean", default: false },
  },
});
const SECONDS = Number(values.seconds);
const MR = Number(values.mr);

const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
const { emitGemmModule, gemmOutShape, gemmParams, gemmScratchBytes } = await import(dist("compiler/wasm/kernels/gemm.js"));
const { matmul, matmulNT, matmulTN } = await import(dist("runtime/kernels/dense.js"));
const { instantiateKernels, Layout } = await import(dist("runtime/wasm/instantiate.js"));

const SHAPES = [
  ["512³", 512, 512, 512],
  ["MLP 32×784·784×128", 32, 784, 128],
  ["MLP 32×128·128×10", 32, 128, 10],
  ["CNN 32×5408·5408×128", 32, 5408, 128],
  ["LSTM 896×28·28×200", 896, 28, 200],
  ["LSTM 32×50·50×200", 32, 50, 200],
  ["GAN 64×100·100×256", 64, 100, 256],
  ["GAN 64×256·256×512", 64, 256, 512],
  ["GAN 64×512·512×784", 64, 512, 784],
];
const KINDS = ["nn", "nt", "tn"];

const specs = [];
for (const [, m, k, n] of SHAPES)
  for (const kind of KINDS) specs.push({ name: `g_${kind}_${m}_${k}_${n}`, kind, m, k, n, bias: kind === "nn", rowTile: MR });

const t0 = performance.now();
const binaryen = await loadBinaryen();
const tLoad = performance.now() - t0;
const mod = emitGemmModule(binaryen, specs);
const tEmit = performance.now() - t0 - tLoad;

function sizes(s) {
  const { m, k, n } = s;
  const [cr, cc] = gemmOutShape(s, m);
  return { a: s.kind === "nt" ? m * n : m * k, b: s.kind === "tn" ? m * n : k * n, c: cr * cc, bias: cc };
}
const need = Math.max(
  ...specs.map((s) => {
    const z = sizes(s);
    return (z.a + z.b + z.c + z.bias) * 4 + gemmScratchBytes(s) + 256;
  }),
);
const inst = await instantiateKernels(mod.binary, { memoryBytes: need });

function rate(flop, fn) {
  for (let i = 0; i < 3; i++) fn();
  let n = 0;
  const start = performance.now();
  let el;
  do {
    fn();
    n++;
  } while ((el = performance.now() - start) < SECONDS * 1000);
  return (n * flop) / (el / 1000) / 1e9;
}

const rnd = (a) => {
  for (let i = 0; i < a.length; i++) a[i] = Math.random() - 0.5;
  return a;
};
console.log(
  `binaryen load ${tLoad.toFixed(0)} ms, emit+validate+optimize ${specs.length} kernels ${tEmit.toFixed(0)} ms, ${mod.binary.length} bytes; rowTile ${MR}; node ${process.version}`,
);
console.log(`${"shape".padEnd(24)} ${"kind".padEnd(5)} ${"wasm GFLOP/s".padStart(13)} ${"ts GFLOP/s".padStart(11)} ${"ratio".padStart(7)}`);
for (const s of specs) {
  const z = sizes(s);
  const lay = new Layout(16);
  const at = { a: lay.floats(z.a), b: lay.floats(z.b), c: lay.floats(z.c), bias: lay.floats(z.bias), ws: lay.alloc(gemmScratchBytes(s)) };
  const a = rnd(inst.f32(at.a, z.a)),
    b = rnd(inst.f32(at.b, z.b)),
    bias = rnd(inst.f32(at.bias, z.bias));
  const out = new Float32Array(z.c);
  const args = gemmParams(s).map((p) => (p === "m" ? s.m : at[p]));
  const fn = inst.exports[s.name];
  const flop = 2 * s.m * s.k * s.n;
  const w = rate(flop, () => fn(...args));
  let t = NaN;
  if (!values["no-ts"]) {
    const ref =
      s.kind === "nn"
        ? () => matmul(out, a, b, bias, s.m, s.k, s.n)
        : s.kind === "nt"
          ? () => matmulNT(out, a, b, s.m, s.k, s.n)
          : () => matmulTN(out, a, b, s.m, s.k, s.n);
    t = rate(flop, ref);
  }
  const label = SHAPES.find(([, m, k, n]) => m === s.m && k === s.k && n === s.n)[0];
  console.log(
    `${label.padEnd(24)} ${s.kind.padEnd(5)} ${w.toFixed(1).padStart(13)} ${t.toFixed(2).padStart(11)} ${(w / t).toFixed(1).padStart(6)}×`,
  );
}
