// The kernel gradient that updates its weight (compiler/wasm/kernels/gemm-tn-update.ts) against
// the tn GEMM then Adam's range kernel, on one thread, alternating in one process (10 calls of
// each, 15 rounds, medians), and the tn GEMM alone. Built kernels of a dlm tree's dist/.
//   node scripts/tn-update-bench.mjs [ROOT (default: this checkout)] [K,N,M (default 5408,128,32: the CNN's dense layer)]
import * as path from "node:path";
import { fileURLToPath } from "node:url";
const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
const { loadBinaryen } = await import(`${root}/dist/compiler/wasm/kernels/binaryen.js`);
const { buildModule } = await import(`${root}/dist/compiler/wasm/kernels/module.js`);
const { addGemm, gemmScratchBytes } = await import(`${root}/dist/compiler/wasm/kernels/gemm.js`);
const { addTnUpdate, tnUpdateScratchBytes } = await import(`${root}/dist/compiler/wasm/kernels/gemm-tn-update.js`);
const { addUpdate } = await import(`${root}/dist/compiler/wasm/kernels/optimizers.js`);
const { instantiateKernels, Layout } = await import(`${root}/dist/runtime/wasm/instantiate.js`);
const b = await loadBinaryen();
const [K, N, M] = (process.argv[3] ?? "5408,128,32").split(",").map(Number);
const rows = K > 4 * N;
const rule = { rule: "adam", beta1: 0.9, beta2: 0.999, eps: 1e-7 };
const OFF = 320;
const mod = buildModule(b, (mod) => {
  addGemm(b, mod, { name: "tn", kind: "tn", k: K, n: N, bias: false, range: true, rowRange: rows || undefined });
  addUpdate(b, mod, { name: "adam", offset: OFF, size: K * N, ...rule });
  addTnUpdate(b, mod, { name: "fused", k: K, n: N, rowRange: rows || undefined, update: { offset: OFF, ...rule } });
});
const flat = OFF + K * N + 16;
const lay = new Layout(16);
const at = {
  a: lay.floats(M * K),
  b: lay.floats(M * N),
  ws: lay.alloc(1 << 20),
  w: lay.floats(flat),
  g: lay.floats(flat),
  m: lay.floats(flat),
  v: lay.floats(flat),
};
const inst = await instantiateKernels(mod.binary, { memoryBytes: lay.floats(16) + (1 << 21) });
let seed = 1;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
for (const [k, n] of [
  ["a", M * K],
  ["b", M * N],
  ["w", flat],
  ["m", flat],
  ["v", flat],
]) {
  const f = inst.f32(at[k], n);
  for (let i = 0; i < n; i++) f[i] = k === "v" ? random() * 1e-3 : random() - 0.5;
}
const c1 = 0.1,
  c2 = 0.001,
  lr = 1e-4;
const X = inst.exports;
const plain = () => {
  X.tn(M, at.a, at.b, at.g + OFF * 4, at.ws, 0, 0);
  X.adam(at.w, at.g, at.m, at.v, lr, c1, c2, 0, 0);
};
const fused = () => X.fused(M, at.a, at.b, at.g + OFF * 4, at.ws, at.w, at.m, at.v, lr, c1, c2, 0, 0);
const tnOnly = () => X.tn(M, at.a, at.b, at.g + OFF * 4, at.ws, 0, 0);
const time = (f, reps) => {
  const t = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) f();
  return Number(process.hrtime.bigint() - t) / 1e6 / reps;
};
for (let i = 0; i < 20; i++) {
  plain();
  fused();
}
const res = { plain: [], fused: [], tn: [] };
for (let r = 0; r < 15; r++) {
  res.plain.push(time(plain, 10));
  res.fused.push(time(fused, 10));
  res.tn.push(time(tnOnly, 10));
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log(
  `${K}x${N} m=${M}: tn+adam ${med(res.plain).toFixed(3)} ms, fused ${med(res.fused).toFixed(3)} ms, tn alone ${med(res.tn).toFixed(3)} ms`,
);
