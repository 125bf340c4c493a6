// Milliseconds per call of the exact GELU kernels at the character transformer's size (compiler/ops/
// activations.wasm.ts: --n rows of 128 × 512 values, normal inputs of standard deviation --sigma),
// one thread: gelu, gelu_grad, gelu_grad then sum_rows (the 512 bias gradient, reductions.ts), and
// the two in one pass (gelu_grad_bias, where the build has it). With --before DIST (another build's
// dist/) that build's kernels are timed too, the builds alternated round robin (windows of process
// CPU time, median and best of --rounds), so that both see the same load. Needs `npm run build`.
//
//   node scripts/gelu-bench.mjs [--before /tmp/before/dist] [--sigma 1] [--rounds 5] [--seconds 0.3] [--n 32]
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "0.3" },
    rounds: { type: "string", default: "5" },
    n: { type: "string", default: "32" },
    sigma: { type: "string", default: "1" },
    before: { type: "string" },
  },
});
const [SECONDS, ROUNDS, N, SIGMA] = ["seconds", "rounds", "n", "sigma"].map((k) => Number(values[k]));
const ROW = 128 * 512;

async function build(dist) {
  const at = (p) => pathToFileURL(path.join(dist, p)).href;
  const { loadBinaryen } = await import(at("compiler/wasm/kernels/binaryen.js"));
  const { buildModule } = await import(at("compiler/wasm/kernels/module.js"));
  const G = await import(at("compiler/ops/activations.wasm.js"));
  const R = await import(at("compiler/wasm/kernels/reductions.js"));
  const { instantiateKernels, Layout } = await import(at("runtime/wasm/instantiate.js"));
  const b = await loadBinaryen();
  const spec = (grad) => ({ op: grad ? "gelu_grad" : "gelu", perRow: ROW, batched: true });
  const fused = { rowsPerBatch: 128, batched: true, cols: 512 };
  const mod = buildModule(b, (m) => {
    G.addActivation(b, m, { name: "gelu", ...spec(false) });
    G.addActivation(b, m, { name: "gelu_grad", ...spec(true) });
    R.addSumRows(b, m, { name: "sum_rows", rowsPerBatch: 128, batched: true, cols: 512 });
    if (G.addGeluGradBias) G.addGeluGradBias(b, m, { name: "gelu_grad_bias", ...fused });
  });
  const lay = new Layout(64);
  const buf = { x: lay.floats(N * ROW), y: lay.floats(N * ROW), dy: lay.floats(N * ROW), dx: lay.floats(N * ROW), db: lay.floats(512) };
  // Builds whose exact GELU took the kernel scratch (ws) get one.
  buf.ws = lay.alloc(Math.max(4096, ...[false, true].map((g) => G.actScratchBytes?.(spec(g)) ?? 0)));
  const inst = await instantiateKernels(mod.binary, { memoryBytes: lay.bytes + 1024 });
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
  const x = inst.f32(buf.x, N * ROW);
  for (let i = 0; i < x.length; i++) x[i] = SIGMA * normal();
  const dy = inst.f32(buf.dy, N * ROW);
  for (let i = 0; i < dy.length; i++) dy[i] = rnd() - 0.5;
  const e = inst.exports;
  const args = (g) => G.actParams(spec(g)).map((p) => (p === "n" ? N : buf[p]));
  const [fa, ga] = [args(false), args(true)];
  const runs = {
    gelu: () => e.gelu(...fa),
    gelu_grad: () => e.gelu_grad(...ga),
    "gelu_grad+sum_rows": () => (e.gelu_grad(...ga), e.sum_rows(N, buf.db, buf.dx)),
  };
  if (e.gelu_grad_bias) runs.gelu_grad_bias = () => e.gelu_grad_bias(N, buf.dx, buf.dy, buf.x, buf.db);
  return runs;
}

function time(run) {
  run();
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let n = 0;
  const start = cpu();
  let el;
  do {
    run();
    n++;
  } while ((el = cpu() - start) < SECONDS * 1000);
  return el / n;
}

const builds = { after: await build(path.join(root, "dist")) };
if (values.before) builds.before = await build(path.resolve(values.before));
const times = {};
for (let r = 0; r < ROUNDS; r++)
  for (const [label, runs] of Object.entries(builds))
    for (const [name, run] of Object.entries(runs)) ((times[name] ??= {})[label] ??= []).push(time(run));
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`n = ${N} (${N * ROW} values), σ = ${SIGMA}, ${ROUNDS} rounds of ${SECONDS} s; ms per call, median (best)`);
for (const [name, t] of Object.entries(times))
  console.log(
    name.padEnd(20),
    Object.entries(t)
      .map(([label, a]) => `${label} ${med(a).toFixed(2)} (${Math.min(...a).toFixed(2)})`)
      .join("   "),
  );
