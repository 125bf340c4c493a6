// GEMM GFLOP/s on 512×512×512 (C = A·B, float32, one thread), in its own process:
// dlm-ts's runtime/kernels/dense.ts matmul and tfjs-wasm's tf.matMul (result read back).
// Prints one BENCH_RESULT line: { rows: { "dlm-ts": "x.x", "tfjs-wasm": "y.y" | "n/a (...)" } }.
// The dlm-wasm GEMM (and the trainers' own shapes) join when the wasm backend exists.
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { dist, report } from "./common.mjs";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "2" } } });
const SECONDS = Number(values.seconds);
const N = 512;
const FLOP = 2 * N * N * N;
const a = new Float32Array(N * N).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
const b = new Float32Array(N * N).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
const rows = {};

async function rate(fn) {
  for (let i = 0; i < 2; i++) await fn(); // warm-up
  const t0 = performance.now();
  let n = 0;
  do {
    await fn();
    n++;
  } while (performance.now() - t0 < SECONDS * 1000);
  return ((n * FLOP) / ((performance.now() - t0) / 1000) / 1e9).toFixed(1);
}

try {
  const { matmul } = await import(dist("runtime/kernels/dense.js"));
  const c = new Float32Array(N * N);
  rows["dlm-ts"] = await rate(() => matmul(c, a, b, null, N, N, N));
} catch (e) {
  rows["dlm-ts"] = `n/a (${String(e.message ?? e).split("\n")[0]})`;
}

try {
  const { log, warn } = console;
  console.log = console.warn = () => {};
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
  const ok = await tf.setBackend("wasm");
  console.log = log;
  console.warn = warn;
  if (!ok) throw new Error("tfjs wasm backend did not start");
  const ta = tf.tensor2d(a, [N, N]);
  const tb = tf.tensor2d(b, [N, N]);
  rows["tfjs-wasm"] = await rate(async () => {
    const c = tf.matMul(ta, tb);
    await c.data(); // read back: the work is finished
    c.dispose();
  });
} catch (e) {
  rows["tfjs-wasm"] = `n/a (${String(e.message ?? e).split("\n")[0]})`;
}
report({ rows });
