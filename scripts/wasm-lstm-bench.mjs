// Milliseconds per call of dlm's SIMD128 LSTM scans (compiler/wasm/kernels/lstm.ts) next to the
// TypeScript reference kernels (runtime/kernels/lstm.ts), one thread, on the seed RNN's
// shapes (dsl-examples/rnn.dlm: both lstm(50) layers scan 28 steps of 4·50 gates for a batch
// of 32; only their input projections differ), plus the GEMMs around the scans of one
// training step (gemm.ts) for the whole layer's budget. Needs `npm run build` (reads dist/).
//
// Each figure is the fastest of many 3-call samples over --seconds (the minimum is the least
// disturbed on a shared machine).
//
//   node scripts/wasm-lstm-bench.mjs [--seconds 1] [--n 32] [--variants] [--no-ts] [--dist dist]
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "1" },
    n: { type: "string", default: "32" },
    variants: { type: "boolean", default: false },
    "no-ts": { type: "boolean", default: false },
    dist: { type: "string", default: "dist" },
  },
});
const dist = (p) => pathToFileURL(path.resolve(root, values.dist, p)).href;
const SECONDS = Number(values.seconds);
const N = Number(values.n);
const T = 28;
const U = 50;

const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
const { buildModule } = await import(dist("compiler/wasm/kernels/module.js"));
const lstm = await import(dist("compiler/wasm/kernels/lstm.js"));
const { addGemm, gemmParams, gemmScratchBytes } = await import(dist("compiler/wasm/kernels/gemm.js"));
const { lstmScan, lstmScanGrad } = await import(dist("runtime/kernels/lstm.js"));
const { instantiateKernels, Layout } = await import(dist("runtime/wasm/instantiate.js"));

const base = { steps: T, units: U };
const fwdSpecs = [{ ...base, name: "fwd" }];
const bwdSpecs = [{ ...base, name: "bwd" }];
if (values.variants) {
  fwdSpecs.push({ ...base, name: "fwd_mathts", sharedMath: true });
  bwdSpecs.push({ ...base, name: "bwd_mathts", sharedMath: true });
  for (const rowTile of [1, 3]) fwdSpecs.push({ ...base, name: `fwd_rowTile${rowTile}`, rowTile });
  for (const epilogueRows of [1, 2, 6]) fwdSpecs.push({ ...base, name: `fwd_epilogueRows${epilogueRows}`, epilogueRows });
  fwdSpecs.push({ ...base, name: "fwd_unroll2", unroll: 2 });
  for (const rowTile of [2, 3, 6]) bwdSpecs.push({ ...base, name: `bwd_rowTile${rowTile}`, rowTile });
  bwdSpecs.push({ ...base, name: "bwd_unroll2", unroll: 2 });
}
// The GEMMs of one step of an lstm(50) layer around its scans (m = N·T rows):
// forward xw = x·W + b; backward dU = hprevᵀ·dxw, dW = xᵀ·dxw, dx = dxw·Wᵀ (layer 2 only needs dx).
const M = N * T;
const gemms = [];
for (const [layer, k] of [
  ["lstm1", 28],
  ["lstm2", 50],
]) {
  gemms.push({ name: `${layer}_xw`, kind: "nn", k, n: 4 * U, bias: true });
  gemms.push({ name: `${layer}_dU`, kind: "tn", k: U, n: 4 * U, bias: false });
  gemms.push({ name: `${layer}_dW`, kind: "tn", k, n: 4 * U, bias: false });
  gemms.push({ name: `${layer}_dx`, kind: "nt", k, n: 4 * U, bias: false });
}

const t0 = performance.now();
const binaryen = await loadBinaryen();
const built = buildModule(binaryen, (mod) => {
  for (const s of fwdSpecs) lstm.addLstmScan(binaryen, mod, s);
  for (const s of bwdSpecs) lstm.addLstmScanGrad(binaryen, mod, s);
  for (const g of gemms) addGemm(binaryen, mod, g);
});
const tBuild = performance.now() - t0;

const seq = N * T * U;
const g4 = N * T * 4 * U;
const lay = new Layout(16);
const at = {
  hseq: lay.floats(seq),
  hprev: lay.floats(seq),
  cseq: lay.floats(seq),
  acts: lay.floats(g4),
  xw: lay.floats(g4),
  u: lay.floats(4 * U * U),
  dxw: lay.floats(g4),
  dhseq: lay.floats(seq),
  dh: lay.floats(N * U),
  dc: lay.floats(N * U),
  ws: lay.alloc(
    Math.max(lstm.lstmScanScratchBytes(base, N), lstm.lstmScanGradScratchBytes(base, N), ...gemms.map((g) => gemmScratchBytes(g))),
  ),
  x: lay.floats(M * 50),
  w: lay.floats(50 * 4 * U),
  bias: lay.floats(4 * U),
  dU: lay.floats(50 * 4 * U),
  dx: lay.floats(M * 50),
};
const inst = await instantiateKernels(built.binary, { memoryBytes: lay.bytes + 1024 });
const rnd = (a, s) => {
  for (let i = 0; i < a.length; i++) a[i] = (Math.random() * 2 - 1) * s;
  return a;
};
const view = (name, len) => inst.f32(at[name], len);
rnd(view("xw", g4), 1.5);
rnd(view("u", 4 * U * U), 1 / Math.sqrt(U));
rnd(view("dhseq", seq), 1);
rnd(view("x", M * 50), 1);
rnd(view("w", 50 * 4 * U), 0.2);

/** The fastest of many short samples (the machine is shared: the minimum is the least disturbed). */
function msPerCall(fn) {
  for (let i = 0; i < 5; i++) fn();
  let best = Infinity;
  const start = performance.now();
  do {
    const t0 = performance.now();
    for (let i = 0; i < 3; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 3);
  } while (performance.now() - start < SECONDS * 1000);
  return best;
}

const call = (s, params) => {
  const f = inst.exports[s.name];
  const args = params(s).map((p) => (p === "n" ? N : at[p]));
  return () => f(...args);
};
inst.exports.fwd(...lstm.lstmScanParams(base).map((p) => (p === "n" ? N : at[p]))); // cseq, acts for the backward
const macs = lstm.lstmScanMacs(base, N);
console.log(
  `node ${process.version}; module ${built.binary.length} bytes, built in ${tBuild.toFixed(0)} ms (binaryen load included); batch ${N}, ${T} steps, ${U} units`,
);
const row = (label, ms, ts) =>
  console.log(
    `${label.padEnd(26)} ${ms.toFixed(3).padStart(8)} ms ${((2 * macs) / (ms / 1000) / 1e9).toFixed(1).padStart(6)} GFLOP/s(h·U)` +
      (ts ? `   ts ${ts.toFixed(3).padStart(7)} ms  ${(ts / ms).toFixed(1)}×` : ""),
  );

let tsF = 0,
  tsB = 0;
if (!values["no-ts"]) {
  const h = new Float32Array(seq),
    hp = new Float32Array(seq),
    c = new Float32Array(seq),
    a = new Float32Array(g4),
    xw = view("xw", g4).slice(),
    u = view("u", 4 * U * U).slice();
  tsF = msPerCall(() => lstmScan(h, hp, c, a, xw, u, N, T, U));
  const dxw = new Float32Array(g4),
    dhs = view("dhseq", seq).slice(),
    dh = new Float32Array(N * U),
    dc = new Float32Array(N * U);
  tsB = msPerCall(() => lstmScanGrad(dxw, dhs, u, c, a, dh, dc, N, T, U));
}
for (const s of fwdSpecs) row(`lstm_scan ${s.name}`, msPerCall(call(s, lstm.lstmScanParams)), s.name === "fwd" ? tsF : 0);
for (const s of bwdSpecs) row(`lstm_scan_grad ${s.name}`, msPerCall(call(s, lstm.lstmScanGradParams)), s.name === "bwd" ? tsB : 0);
const gAt = { m: M, ws: at.ws, bias: at.bias };
const gArgs = {
  xw: { a: at.x, b: at.w, c: at.xw },
  dU: { a: at.hprev, b: at.dxw, c: at.dU },
  dW: { a: at.x, b: at.dxw, c: at.dU },
  dx: { a: at.dxw, b: at.w, c: at.dx },
};
for (const g of gemms) {
  const ops = gArgs[g.name.split("_")[1]];
  const f = inst.exports[g.name];
  const args = gemmParams(g).map((p) => gAt[p] ?? ops[p]);
  const ms = msPerCall(() => f(...args));
  console.log(
    `gemm ${g.name} ${g.kind} ${M}×${g.k}×${g.n}`.padEnd(38) +
      `${ms.toFixed(3).padStart(8)} ms ${((2 * M * g.k * g.n) / (ms / 1000) / 1e9).toFixed(1).padStart(6)} GFLOP/s`,
  );
}
