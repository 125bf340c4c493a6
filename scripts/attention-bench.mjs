// Milliseconds per call of the character transformer's attention kernels (compiler/ops/
// attention.wasm.ts: forward and gradient, batch --n of 128 positions, 4 heads of 32, causal) and
// of its exact GELU and GELU gradient (compiler/ops/activations.wasm.ts: --n rows of 128 × 512
// values, normal inputs of standard deviation --sigma), one thread. With --before DIST (another
// build's dist/, e.g. of the previous commit) it also times that build's kernels, alternating
// before and after windows round robin so that both see the same load, and checks that both
// write the same bits. Needs `npm run build` (reads dist/).
//
// A build whose gradient reads the probabilities P its forward stored (attention_grad's parameter
// `p`) times the forward as a training pass runs it (writing P, not lse); against a build whose
// gradient computes P again from lse, the gradient's bits differ (it reads the forward's e · 1/sum,
// not exp(s − lse)): the line says so and gives the largest difference relative to the largest value.
//
// --kernels picks some of attention, attention_grad, gelu, gelu_grad (comma-separated; all by default).
//
//   node scripts/attention-bench.mjs [--before /tmp/before/dist] [--seconds 0.5] [--rounds 3] [--n 32] [--sigma 1] [--kernels attention,attention_grad]
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "0.5" },
    rounds: { type: "string", default: "3" },
    n: { type: "string", default: "32" },
    sigma: { type: "string", default: "1" },
    before: { type: "string" },
    kernels: { type: "string", default: "attention,attention_grad,gelu,gelu_grad" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const N = Number(values.n);
const SIGMA = Number(values.sigma);
const SPEC = { t: 128, s: 128, heads: 4, kd: 32, vd: 32, causal: true };
const GELU = 128 * 512;

/** One build's kernels with their own memory and the same operands in every build. */
async function build(distDir) {
  const at = (p) => pathToFileURL(path.join(distDir, p)).href;
  const { loadBinaryen } = await import(at("compiler/wasm/kernels/binaryen.js"));
  const { buildModule } = await import(at("compiler/wasm/kernels/module.js"));
  const A = await import(at("compiler/ops/attention.wasm.js"));
  const kit = await import(at("compiler/ops/attention-kit.wasm.js"));
  const G = await import(at("compiler/ops/activations.wasm.js"));
  const { instantiateKernels, Layout } = await import(at("runtime/wasm/instantiate.js"));
  const b = await loadBinaryen();
  const bwd = { ...SPEC, name: "attention_grad" };
  const probs = A.attentionGradParams(bwd).includes("p");
  const fwd = { ...SPEC, name: "attention", ...(probs ? { probs: true } : {}) };
  const mod = buildModule(b, (m) => {
    A.addAttention(b, m, fwd);
    A.addAttentionGrad(b, m, bwd);
    G.addActivation(b, m, { name: "gelu", op: "gelu", perRow: GELU, batched: true });
    G.addActivation(b, m, { name: "gelu_grad", op: "gelu_grad", perRow: GELU, batched: true });
  });
  const H = SPEC.heads;
  const rowF = SPEC.t * H * SPEC.kd;
  const lay = new Layout(64);
  const buf = {
    q: lay.floats(N * rowF),
    k: lay.floats(N * rowF),
    v: lay.floats(N * rowF),
    o: lay.floats(N * rowF),
    lse: lay.floats(N * SPEC.t * H),
    p: lay.floats(probs ? N * H * kit.probsPerHead(SPEC) : 4),
    dout: lay.floats(N * rowF),
    d: lay.floats(3 * N * rowF),
    x: lay.floats(N * GELU),
    y: lay.floats(N * GELU),
    dy: lay.floats(N * GELU),
    dx: lay.floats(N * GELU),
  };
  const geluSpec = (grad) => ({ op: grad ? "gelu_grad" : "gelu", perRow: GELU, batched: true });
  // Builds from before the GELU kernels took scratch have no actScratchBytes.
  const geluWs = Math.max(...[false, true].map((g) => G.actScratchBytes?.(geluSpec(g)) ?? 0));
  buf.ws = lay.alloc(Math.max(A.attentionScratchBytes(bwd, true), geluWs));
  const inst = await instantiateKernels(mod.binary, { memoryBytes: lay.bytes + 1024 });
  let seed = 12345;
  const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12))) * Math.cos(2 * Math.PI * rnd());
  for (const key of ["q", "k", "v", "dout"]) {
    const v = inst.f32(buf[key], N * rowF);
    for (let i = 0; i < v.length; i++) v[i] = normal();
  }
  const x = inst.f32(buf.x, N * GELU);
  for (let i = 0; i < x.length; i++) x[i] = SIGMA * normal();
  const dy = inst.f32(buf.dy, N * GELU);
  for (let i = 0; i < dy.length; i++) dy[i] = rnd() - 0.5;
  const call = (name, params, spec, out, floats) => {
    const fn = inst.exports[name];
    const args = params(spec).map((p) => (p === "n" ? N : buf[p]));
    return { run: () => fn(...args), out: () => (fn(...args), inst.f32(buf[out], floats).slice()) };
  };
  const geluArgs = (grad) => () => G.actParams(geluSpec(grad));
  const calls = {
    attention: call("attention", A.attentionParams, fwd, "o", N * rowF),
    attention_grad: call("attention_grad", A.attentionGradParams, bwd, "d", 3 * N * rowF),
    gelu: call("gelu", geluArgs(false), null, "y", N * GELU),
    gelu_grad: call("gelu_grad", geluArgs(true), null, "dx", N * GELU),
  };
  calls.attention.run(); // o and lse (or P) for the gradient
  return { calls, probs };
}

/** ms per call over a window of SECONDS of this process's CPU time (after a warm-up call). */
function time(run) {
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

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const { calls: after, probs: afterProbs } = await build(path.join(root, "dist"));
const { calls: before, probs: beforeProbs } = values.before ? await build(path.resolve(values.before)) : { calls: null };
console.log(
  `node ${process.version}, ${os.cpus()[0]?.model ?? "?"}, n = ${N}, gelu σ = ${SIGMA}, ${ROUNDS} rounds of ${SECONDS} s windows; load average before: ${load()}`,
);
const names = values.kernels.split(",").filter((name) => {
  if (!(name in after)) throw new Error(`--kernels: no kernel ${name} (${Object.keys(after).join(", ")})`);
  return true;
});
const times = Object.fromEntries(names.map((name) => [name, { after: [], before: [] }]));
for (let r = 0; r < ROUNDS; r++)
  for (const name of names) {
    if (before) times[name].before.push(time(before[name].run));
    times[name].after.push(time(after[name].run));
  }
const best = (a) => (a.length ? Math.min(...a) : NaN);
for (const name of names) {
  let same = "";
  if (before) {
    const [bf, af] = [before[name].out(), after[name].out()];
    const x = new Uint32Array(bf.buffer);
    const y = new Uint32Array(af.buffer);
    same = x.length === y.length && x.every((w, i) => w === y[i]) ? "same bits" : "BITS DIFFER";
    if (same !== "same bits" && name === "attention_grad" && beforeProbs !== afterProbs) {
      let [diff, big] = [0, 0];
      for (let i = 0; i < bf.length; i++) [diff, big] = [Math.max(diff, Math.abs(af[i] - bf[i])), Math.max(big, Math.abs(bf[i]))];
      same = `other bits, as expected (P stored by the forward): max |Δ| / max |x| ${(diff / big).toExponential(1)}`;
    }
  }
  const b = best(times[name].before);
  const a = best(times[name].after);
  console.log(
    `${name.padEnd(16)} ${before ? `before ${b.toFixed(2).padStart(7)} ms  ` : ""}after ${a.toFixed(2).padStart(7)} ms${before ? `  ${(b / a).toFixed(2)}×  ${same}` : ""}`,
  );
}
console.log(`load average after: ${load()}`);
