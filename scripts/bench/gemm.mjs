// GEMM GFLOP/s, float32, one thread, in its own process:
//   - 512×512×512 (C = A·B): dlm-wasm (compiler/wasm/kernels/gemm.ts, SIMD128), dlm-wasm relaxed
//     (the same kernel with f32x4.relaxed_madd, when this engine has relaxed SIMD: run.mjs
//     starts this process with --experimental-wasm-relaxed-simd), dlm-ts
//     (runtime/kernels/dense.ts matmul) and tfjs-wasm (tf.matMul);
//   - every distinct GEMM shape of the seed trainers (--shapes, JSON [{kind, m, k, n}], kind
//     nn: C[m,n] = A[m,k]·B[k,n]; nt: C[m,k] = A[m,n]·B[k,n]ᵀ; tn: C[k,n] = A[m,k]ᵀ·B[m,n]):
//     dlm-wasm (and relaxed) next to tfjs-wasm's matMul (nt: transposeB, tn: transposeA).
// No bias or epilogue on either side. Both libraries run their kernels synchronously in the
// call, so a window of calls is timed and the last result read back at its end.
// Prints one BENCH_RESULT line: { big: {system: GFLOP/s | "n/a (…)"}, shapes: [{kind, m, k, n,
// "dlm-wasm", "dlm-wasm relaxed"?, "tfjs-wasm"}], relaxed: boolean, info }.
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { dist, report } from "./common.mjs";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "2" },
    "shape-seconds": { type: "string", default: "0.25" },
    shapes: { type: "string", default: "[]" },
  },
});
const BIG_SECONDS = Number(values.seconds);
const SHAPE_SECONDS = Number(values["shape-seconds"]);
const SHAPES = JSON.parse(values.shapes);
const BIG = { kind: "nn", m: 512, k: 512, n: 512 };
const errText = (e) =>
  `n/a (${String(e?.message ?? e)
    .split("\n")[0]
    .slice(0, 120)})`;

/** GFLOP/s of fn (synchronous work; `finish` reads the result back) over `seconds`. */
async function rate(flop, seconds, fn, finish) {
  for (let i = 0; i < 3; i++) fn();
  if (finish) await finish();
  const t0 = performance.now();
  let n = 0;
  let el;
  do {
    fn();
    n++;
  } while ((el = performance.now() - t0) < seconds * 1000);
  if (finish) await finish();
  el = performance.now() - t0;
  return (n * flop) / (el / 1000) / 1e9;
}
const flopOf = (s) => 2 * s.m * s.k * s.n;
/** Element counts of A, B and C for a spec (see the kinds above). */
function sizes(s) {
  return {
    a: s.kind === "nt" ? s.m * s.n : s.m * s.k,
    b: s.kind === "tn" ? s.m * s.n : s.k * s.n,
    c: s.kind === "nn" ? s.m * s.n : s.kind === "nt" ? s.m * s.k : s.k * s.n,
  };
}
const fill = (arr, seed) => {
  for (let i = 0; i < arr.length; i++) arr[i] = (((i + seed) * 7919) % 1000) / 1000 - 0.5;
  return arr;
};

const big = {};
const shapes = SHAPES.map((s) => ({ kind: s.kind, m: s.m, k: s.k, n: s.n }));
const info = [];

// ---------------------------------------------------------------------------------------
// dlm-wasm: one module with every shape (compiled here with binaryen, as the compiler does),
// and its relaxed-SIMD twin when this engine validates relaxed opcodes.
let relaxed = false;
try {
  const { loadBinaryen } = await import(dist("compiler/wasm/kernels/binaryen.js"));
  const { emitGemmModule, gemmParams, gemmScratchBytes } = await import(dist("compiler/wasm/kernels/gemm.js"));
  const { instantiateKernels, hasRelaxedSimd, Layout } = await import(dist("runtime/wasm/instantiate.js"));
  relaxed = hasRelaxedSimd();
  const all = [BIG, ...shapes];
  const bin = await loadBinaryen();
  const specsOf = (r) =>
    all.map((s, i) => ({ name: `g${i}`, kind: s.kind, m: s.m, k: s.k, n: s.n, bias: false, ...(r ? { relaxed: true } : {}) }));
  const variants = [["dlm-wasm", false], ...(relaxed ? [["dlm-wasm relaxed", true]] : [])];
  for (const [label, r] of variants) {
    try {
      const specs = specsOf(r);
      const mod = emitGemmModule(bin, specs, r ? { relaxed: true } : {});
      const need = Math.max(
        ...specs.map((s) => {
          const z = sizes(s);
          return (z.a + z.b + z.c) * 4 + gemmScratchBytes(s) + 256;
        }),
      );
      const inst = await instantiateKernels(mod.binary, { memoryBytes: need });
      specs.forEach((s, i) => {
        const z = sizes(s);
        const lay = new Layout(16);
        const at = { a: lay.floats(z.a), b: lay.floats(z.b), c: lay.floats(z.c), ws: lay.alloc(gemmScratchBytes(s)) };
        fill(inst.f32(at.a, z.a), 1);
        fill(inst.f32(at.b, z.b), 2);
        const args = gemmParams(s).map((p) => (p === "m" ? s.m : at[p]));
        const fn = inst.exports[s.name];
        // rate() is async only for tfjs's read-back; this one finishes synchronously.
        specs[i].run = () => fn(...args);
      });
      big[label] = (await rate(flopOf(BIG), BIG_SECONDS, specs[0].run)).toFixed(1);
      for (let i = 0; i < shapes.length; i++)
        shapes[i][label] = (await rate(flopOf(shapes[i]), SHAPE_SECONDS, specs[i + 1].run)).toFixed(1);
    } catch (e) {
      big[label] = errText(e);
      for (const s of shapes) s[label] = big[label];
    }
  }
} catch (e) {
  big["dlm-wasm"] = errText(e);
  for (const s of shapes) s["dlm-wasm"] = big["dlm-wasm"];
}
info.push(relaxed ? "relaxed SIMD: yes (f32x4.relaxed_madd variant timed too)" : "relaxed SIMD: not in this engine");

// dlm-ts: the TypeScript reference kernel, 512³ only.
try {
  const { matmul } = await import(dist("runtime/kernels/dense.js"));
  const N = 512;
  const a = fill(new Float32Array(N * N), 1),
    b = fill(new Float32Array(N * N), 2),
    c = new Float32Array(N * N);
  big["dlm-ts"] = (await rate(flopOf(BIG), BIG_SECONDS, () => matmul(c, a, b, null, N, N, N))).toFixed(1);
} catch (e) {
  big["dlm-ts"] = errText(e);
}

// ---------------------------------------------------------------------------------------
// tfjs-wasm: tf.matMul(a, b, transposeA, transposeB), one thread (Node), read back at the end.
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
  const timeTf = async (s, seconds) => {
    const z = sizes(s);
    const [ash, bsh] =
      s.kind === "nn"
        ? [
            [s.m, s.k],
            [s.k, s.n],
          ]
        : s.kind === "nt"
          ? [
              [s.m, s.n],
              [s.k, s.n],
            ]
          : [
              [s.m, s.k],
              [s.m, s.n],
            ];
    const ta = tf.tensor2d(fill(new Float32Array(z.a), 1), ash);
    const tb = tf.tensor2d(fill(new Float32Array(z.b), 2), bsh);
    let last = null;
    const r = await rate(
      flopOf(s),
      seconds,
      () => {
        last?.dispose();
        last = tf.matMul(ta, tb, s.kind === "tn", s.kind === "nt");
      },
      async () => void (await last.data()),
    );
    last.dispose();
    ta.dispose();
    tb.dispose();
    return r.toFixed(1);
  };
  big["tfjs-wasm"] = await timeTf(BIG, BIG_SECONDS);
  for (const s of shapes) {
    try {
      s["tfjs-wasm"] = await timeTf(s, SHAPE_SECONDS);
    } catch (e) {
      s["tfjs-wasm"] = errText(e);
    }
  }
} catch (e) {
  big["tfjs-wasm"] = errText(e);
  for (const s of shapes) s["tfjs-wasm"] = big["tfjs-wasm"];
}
report({ big, shapes, relaxed, info: info.join("; ") });
