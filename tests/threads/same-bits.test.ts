// Threads split a kernel call's output elements, never a sum (docs/threads.md), so a trainer
// computes the same bits on any thread count. A small program with every split kernel split
// however small its call (the threshold set to 1): each step's loss,
// the parameters, gradients and optimizer state after the steps, the evaluation and each
// model's inference are bitwise those of one thread (which is the unthreaded instance), for
// 2 and 3 threads and row counts that leave uneven parts. The trainers run on the compiled
// runtime (dist/), whose thread setting is the one their kernels see. And the parts
// themselves: a GEMM or a convolution kernel gradient cut into panel ranges writes what the
// whole call writes; splitCall.
import { describe, expect, it } from "vitest";
import * as os from "node:os";
import { loadTrainer } from "../helpers/trainer.js";
import { bytes, expectOneThreadBits, threads } from "./helpers.js";
import { chunkBounds, splitCall, UPDATE_THRESHOLD, type KernelSplit } from "../../runtime/threads/plan.js";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { emitGemmModule, gemmOutShape, gemmPanels, gemmParams, gemmScratchBytes, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import {
  addConv2dGradKernel,
  conv2dGradKernelPanels,
  conv2dGradKernelPanelWidth,
  conv2dGradKernelParams,
  conv2dGradKernelScratchBytes,
  type Conv2dGradKernelSpec,
} from "../../compiler/wasm/kernels/conv-grad.js";
import { instantiateKernelsSync, Layout } from "../../runtime/wasm/instantiate.js";
import { TestRandom } from "../helpers/numerics.js";
import { runNode } from "../helpers/spawn.js";

// A small program with every kind of split kernel: convolutions (conv → relu, conv → relu →
// max-pool with its argmax and its gradient through the relu, the input gradient, the kernel gradient by panels of filters: 20
// filters, a full panel and a tail, through a padded frame; a transposed convolution, its forward
// and its kernel gradient with more than 48 rows of dk), dense layers' GEMMs (nn with bias and
// activation, nt, tn by panels and, for the tall 21×4 kernel gradient, by rows), the LSTM's scans both ways, a weight used twice (the second kernel
// gradient accumulating into the first's), and an optimizer update of two blocks of elements
// (the LSTM model's 6,136 parameters); two steps, one compile.
const PROGRAM = `
model m(x: [B, 6, 6, 2]) {
  x |> conv2d(20, kernel=3, padding=same, activation=relu)
    |> conv2d_transpose(6, kernel=3)
    |> conv2d(3, kernel=3, strides=2, activation=relu)
    |> maxpool2d(2)
    |> flatten()
    |> dense(21, activation=tanh)
    |> dense(4, activation=softmax)
}
model r(s: [B, 7, 5]) {
  s |> lstm(33, return_sequences=true)
    |> lstm(6)
    |> dense(4, activation=softmax)
}
train t(x: [B, 6, 6, 2], x2: [B, 6, 6, 2], s: [B, 7, 5], y: [B]) {
  step m with adam(lr=0.01) minimize sparse_categorical_crossentropy(m(x), y) + sparse_categorical_crossentropy(m(x2), y)
  step r with adam(lr=0.01) minimize sparse_categorical_crossentropy(r(s), y)
}
`;
const SPLIT = [
  [
    "conv2d_",
    "conv_relu_maxpool",
    "conv2d_grad_input",
    "conv2d_grad_kernel",
    "conv2d_transpose",
    "maxpool2d_grad_relu",
    "gemm_nn_3x21",
    "gemm_nt_3x21",
    "gemm_tn_3x21",
    "gemm_tn_21x4", // by rows of dW (more than 4 times as tall as wide): 21 rows, a tail tile
  ],
  ["lstm_scan_", "lstm_scan_grad", "gemm_nn_5x132_bias", "gemm_tn_6x4", "adam_"],
].flat();

describe("threads: the same bits as one thread", () => {
  it("2 and 3 threads (and 2 with the workers taking every chunk), 7, 5 and 6 rows of 7", async () => {
    threads.setMinWork(1);
    const mod = await loadTrainer(PROGRAM, "threads.dlm", undefined, "wasm");
    await expectOneThreadBits(mod, SPLIT);
  }, 60_000);
});

describe("a job published before a worker has started", () => {
  // A worker reads the job counter when it starts; the job before that must still be taken.
  // With the calling thread out of the chunks, a missed job never ends: the child would hang.
  // (The GEMM's module and parameters come from here: the child loads only the runtime.)
  const spec: GemmSpec = { name: "g", kind: "nn", k: 8, n: 16, bias: false, range: true };
  const script = `
    const dist = (p) => "file://" + process.cwd() + "/dist/" + p;
    const { sharedMemoryBinary } = await import(dist("runtime/threads/shared-module.js"));
    const P = await import(dist("runtime/threads/pool.js"));
    const binary = Buffer.from(process.env.GEMM_MODULE, "base64");
    const params = JSON.parse(process.env.GEMM_PARAMS);
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
    const module = new WebAssembly.Module(sharedMemoryBinary(binary));
    const raw = new WebAssembly.Instance(module, { env: { memory } }).exports;
    const f = new Float32Array(memory.buffer);
    for (let i = 0; i < 1024; i++) f[i] = (i % 7) - 3;
    const at = { m: 3, a: 0, b: 256, c: 2048, ws: 4096 };
    const args = params.filter((p) => p !== "lo" && p !== "hi").map((p) => at[p]);
    raw.g(...args);
    const want = f.slice(512, 560);
    f.fill(0, 512, 560);
    const split = { kind: "range", params: params.length, count: 2, ws: params.indexOf("ws"), work: 64 };
    const pool = P.threadedKernels(module, memory, raw, { kernels: { g: split }, scratch: 8192 }, 2, 32768, 1);
    P.setCallerTakesChunks(false);
    pool.exports.g(...args);
    console.log("done", f.slice(512, 560).every((v, i) => Object.is(v, want[i])), pool.workerChunks());
    pool.close();
  `;
  it("is taken by the worker when it starts (the calling thread taking no chunks)", async () => {
    const { binary } = emitGemmModule(await loadBinaryen(), [spec]);
    const env = { GEMM_MODULE: Buffer.from(binary).toString("base64"), GEMM_PARAMS: JSON.stringify(gemmParams(spec)) };
    const r = await runNode(["--input-type=module", "-e", script], { timeoutMs: 60_000, env });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("done true 2");
  }, 70_000);
});

describe("the default thread count", () => {
  it("is DLM_THREADS when it is a count in [1, 64], else one per core; a bad value reads as NaN", () => {
    const before = process.env.DLM_THREADS;
    try {
      process.env.DLM_THREADS = "3";
      expect(threads.defaultThreads()).toBe(3);
      process.env.DLM_THREADS = "65";
      expect(threads.threadsFromEnv()).toBeNaN();
      expect(threads.defaultThreads()).toBe(Math.min(64, os.availableParallelism()));
      delete process.env.DLM_THREADS;
      expect(threads.threadsFromEnv()).toBeUndefined();
      expect(threads.defaultThreads()).toBe(Math.min(64, os.availableParallelism()));
    } finally {
      if (before === undefined) delete process.env.DLM_THREADS;
      else process.env.DLM_THREADS = before;
    }
  });
});

describe("splitCall", () => {
  const rows: KernelSplit = { kind: "rows", strides: [0, 40, 0, 8, 16], grain: 4, ws: 4, work: 100 };
  it("rows: parts of whole tiles, pointers advanced by each argument's bytes per row", () => {
    expect(splitCall(rows, [10, 1000, 5, 2000, 3000], 2, 1)).toEqual([
      [4, 1000, 5, 2000, 3000],
      [6, 1160, 5, 2032, 3064],
    ]);
    expect(splitCall(rows, [10, 1000, 5, 2000, 3000], 3, 1).map((p) => p[0])).toEqual([4, 4, 2]);
  });
  it("one part when the work is below the threshold, or there is one tile", () => {
    expect(splitCall(rows, [10, 1000, 5, 2000, 3000], 2, 1001)).toEqual([[10, 1000, 5, 2000, 3000]]);
    expect(splitCall(rows, [3, 1000, 5, 2000, 3000], 2, 1)).toEqual([[3, 1000, 5, 2000, 3000]]);
  });
  it("range: the last two arguments, filled in for a call without them", () => {
    const range: KernelSplit = { kind: "range", params: 6, count: 5, ws: -1, work: 1 };
    expect(splitCall(range, [4, 1, 2, 3], 2, 1)).toEqual([
      [4, 1, 2, 3, 0, 2],
      [4, 1, 2, 3, 2, 5],
    ]);
    // Evenly: 98 panels in 8 parts of 12 and 13 (each thread's four 49), not 7 of 13 and one of 7.
    const panels: KernelSplit = { kind: "range", params: 3, count: 98, ws: -1, work: 1, unbatched: true };
    expect(splitCall(panels, [7], 8, 1).map((p) => p[2] - p[1])).toEqual([12, 12, 12, 13, 12, 12, 12, 13]);
    expect(splitCall(range, [4, 1, 2, 3], 2, 1000)).toEqual([[4, 1, 2, 3, 0, 5]]);
  });
  it("range without rows (an optimizer update): the work per unit, whatever argument 0 holds", () => {
    const update: KernelSplit = { kind: "range", params: 5, count: 3, ws: -1, work: 100, unbatched: true };
    expect(splitCall(update, [4096, 8192, 0.5], 2, 150)).toEqual([
      [4096, 8192, 0.5, 0, 1],
      [4096, 8192, 0.5, 1, 3],
    ]);
    expect(splitCall(update, [4096, 8192, 0.5], 2, 301)).toEqual([[4096, 8192, 0.5, 0, 3]]);
    // An optimizer update's parts need UPDATE_THRESHOLD (half) of the threshold's work: the seed
    // LSTM's Adam, 9 blocks of 65,536, in 2 parts at the default 2^19 (one part without the factor).
    const adam = (threshold?: number): KernelSplit => ({
      kind: "range",
      params: 9,
      count: 9,
      ws: -1,
      work: 65536,
      unbatched: true,
      threshold,
    });
    expect(UPDATE_THRESHOLD).toBe(0.5);
    expect(splitCall(adam(UPDATE_THRESHOLD), [0, 1, 2, 3, 4, 5, 6], 8, 1 << 19).map((p) => p.slice(7))).toEqual([
      [0, 4],
      [4, 9],
    ]);
    expect(splitCall(adam(), [0, 1, 2, 3, 4, 5, 6], 8, 1 << 19)).toHaveLength(1);
    expect(splitCall(adam(UPDATE_THRESHOLD), [0, 1, 2, 3, 4, 5, 6], 8, 1 << 20)).toHaveLength(1);
  });
  it("shares: each thread's chunks cover about its share of the units, each chunk at least one unit", () => {
    expect(chunkBounds(8, 4, { threads: 2, work: 1 })).toEqual([0, 2, 4, 6, 8]); // no shares: evenly
    expect(chunkBounds(8, 4, { threads: 2, work: 1, shares: [0.5, 0.5] })).toEqual([0, 2, 4, 6, 8]);
    expect(chunkBounds(8, 4, { threads: 2, work: 1, shares: [0.625, 0.375] })).toEqual([0, 2, 5, 6, 8]);
    expect(chunkBounds(25, 2, { threads: 2, work: 1, shares: [0.3, 0.7] })).toEqual([0, 8, 25]);
    expect(chunkBounds(4, 4, { threads: 2, work: 1, shares: [0.9, 0.1] })).toEqual([0, 1, 2, 3, 4]); // two units each at least
    expect(chunkBounds(9, 3, { threads: 3, work: 1, shares: [0.2, 0.3, 0.5] })).toEqual([0, 2, 5, 9]);
    expect(chunkBounds(9, 2, { threads: 3, work: 1, shares: [0.2, 0.3, 0.5] })).toEqual([0, 4, 9]); // fewer parts than threads: evenly
    const rows: KernelSplit = { kind: "rows", strides: [0, 10], grain: 2, ws: -1, work: 100 };
    // 16 units of 2 rows: thread 0 10 units (two chunks of 5), thread 1 6 (two of 3).
    expect(splitCall(rows, [32, 1000], 4, 1, { threads: 2, work: 1, shares: [0.625, 0.375] })).toEqual([
      [10, 1000],
      [10, 1100],
      [6, 1200],
      [6, 1260],
    ]);
  });
  it("more chunks than threads only where each has the extra chunks' work, in a multiple of the threads", () => {
    const range: KernelSplit = { kind: "range", params: 3, count: 16, ws: -1, work: 100, unbatched: true }; // 1,600 in all
    const count = (extraWork: number) => splitCall(range, [7], 8, 100, { threads: 2, work: extraWork }).length;
    expect(count(100)).toBe(8); // at most 8
    expect(count(400)).toBe(4); // 1,600 / 400
    expect(count(500)).toBe(2); // 3 rounded down to a multiple of 2 threads
    expect(count(1000)).toBe(2); // one per thread still
    expect(splitCall(range, [7], 8, 1000, { threads: 2, work: 100 }).length).toBe(1); // the threshold first
    expect(splitCall(rows, [10, 1000, 5, 2000, 3000], 3, 1, { threads: 2, work: 1000 }).map((p) => p[0])).toEqual([4, 6]);
  });
});

describe("GEMM panels [lo, hi)", () => {
  const specs: GemmSpec[] = [
    { name: "nn", kind: "nn", k: 13, n: 37, bias: true, activation: "tanh", preOut: true, range: true },
    { name: "nt", kind: "nt", k: 29, n: 11, bias: false, range: true },
    { name: "tn", kind: "tn", k: 7, n: 21, bias: false, accumulate: true, range: true },
  ];
  it("every cut of the panels into two calls gives the bits of the whole call (which passes no range)", async () => {
    const { binary } = emitGemmModule(await loadBinaryen(), specs);
    const m = 9;
    const r = new TestRandom(4);
    for (const spec of specs) {
      const [aSize, bSize] =
        spec.kind === "nn" ? [m * spec.k, spec.k * spec.n] : spec.kind === "nt" ? [m * spec.n, spec.k * spec.n] : [m * spec.k, m * spec.n];
      const [cr, cc] = gemmOutShape(spec, m);
      const lay = new Layout();
      const at = {
        a: lay.floats(aSize),
        b: lay.floats(bSize),
        c: lay.floats(cr * cc),
        bias: lay.floats(cc),
        pre: lay.floats(cr * cc),
        ws: lay.alloc(gemmScratchBytes(spec)),
      };
      const inst = instantiateKernelsSync<Record<string, (...a: number[]) => void>>(binary, { memoryBytes: lay.bytes });
      for (const [p, size] of [
        ["a", aSize],
        ["b", bSize],
        ["bias", cc],
      ] as const)
        inst.f32(at[p], size).forEach((_, i, x) => (x[i] = r.uniform(-1, 1)));
      const c0 = Float32Array.from({ length: cr * cc }, () => r.uniform(-1, 1));
      const call = (range: number[]) => {
        inst.f32(at.c, cr * cc).set(c0);
        const args = gemmParams(spec)
          .filter((p) => p !== "lo" && p !== "hi")
          .map((p) => (p === "m" ? m : at[p as keyof typeof at]));
        inst.exports[spec.name](...args, ...range);
        return Buffer.concat([bytes(inst.f32(at.c, cr * cc)), bytes(inst.f32(at.pre, cr * cc))]);
      };
      const whole = call([]);
      const panels = gemmPanels(spec);
      expect(panels).toBe(Math.ceil(cc / 8));
      for (let cut = 0; cut <= panels; cut++) {
        inst.f32(at.c, cr * cc).set(c0);
        const args = gemmParams(spec)
          .filter((p) => p !== "lo" && p !== "hi")
          .map((p) => (p === "m" ? m : at[p as keyof typeof at]));
        if (cut > 0) inst.exports[spec.name](...args, 0, cut);
        if (cut < panels) inst.exports[spec.name](...args, cut, panels);
        expect(Buffer.concat([bytes(inst.f32(at.c, cr * cc)), bytes(inst.f32(at.pre, cr * cc))]).equals(whole)).toBe(true);
      }
    }
  });
});

describe("conv2d kernel gradient panels [lo, hi)", () => {
  // Static rows of dk (K ≤ 48) with a tail panel, a padded frame in scratch and the bias; rows in
  // loops (K > 48), strided, accumulating, a narrow tile (3 panels and a tail of 1); 3 full panels.
  const specs: Conv2dGradKernelSpec[] = [
    { name: "padded", h: 6, w: 5, c: 2, oh: 6, ow: 5, kh: 3, kw: 3, sh: 1, sw: 1, pt: 1, pl: 1, filters: 20, bias: true },
    {
      name: "looped",
      h: 7,
      w: 7,
      c: 6,
      oh: 3,
      ow: 3,
      kh: 3,
      kw: 3,
      sh: 2,
      sw: 2,
      pt: 0,
      pl: 0,
      filters: 13,
      bias: true,
      accumulate: true,
      tile: [3, 1],
    },
    { name: "wide", h: 5, w: 6, c: 3, oh: 3, ow: 4, kh: 3, kw: 3, sh: 1, sw: 1, pt: 0, pl: 0, filters: 24, bias: false, tile: [4, 2] },
  ];
  it("every cut into two calls, and each panel alone, writes the bits of the whole call (which passes no range)", async () => {
    const bn = await loadBinaryen();
    const { binary } = buildModule(bn, (mod) => specs.forEach((s) => addConv2dGradKernel(bn, mod, s)));
    const n = 3;
    const r = new TestRandom(5);
    for (const spec of specs) {
      const K = spec.kh * spec.kw * spec.c;
      const fl = spec.filters;
      const lay = new Layout();
      const at = {
        x: lay.floats(n * spec.h * spec.w * spec.c),
        dy: lay.floats(n * spec.oh * spec.ow * fl),
        dk: lay.floats(K * fl),
        dbias: lay.floats(fl),
        ws: lay.alloc(conv2dGradKernelScratchBytes(spec)),
      };
      const inst = instantiateKernelsSync<Record<string, (...a: number[]) => void>>(binary, { memoryBytes: lay.bytes });
      inst.f32(at.x, n * spec.h * spec.w * spec.c).forEach((_, i, x) => (x[i] = r.uniform(-1, 1)));
      inst.f32(at.dy, n * spec.oh * spec.ow * fl).forEach((_, i, x) => (x[i] = r.uniform(-1, 1)));
      // Accumulating: dk and dbias start from values; else from NaN, which every call in range must overwrite.
      const start = Float32Array.from({ length: (K + 1) * fl }, () => (spec.accumulate ? r.uniform(-1, 1) : NaN));
      const args = conv2dGradKernelParams(spec)
        .filter((p) => p !== "lo" && p !== "hi")
        .map((p) => (p === "n" ? n : at[p as keyof typeof at]));
      const call = (...ranges: number[][]) => {
        inst.f32(at.dk, K * fl).set(start.subarray(0, K * fl));
        inst.f32(at.dbias, fl).set(start.subarray(K * fl));
        for (const range of ranges) inst.exports[spec.name](...args, ...range);
        return Buffer.concat([bytes(inst.f32(at.dk, K * fl)), bytes(inst.f32(at.dbias, fl))]);
      };
      const whole = call([]);
      const wholeF = new Float32Array(new Uint8Array(whole).buffer);
      expect(wholeF.subarray(0, spec.bias ? (K + 1) * fl : K * fl).some((v) => Number.isNaN(v))).toBe(false);
      const panels = conv2dGradKernelPanels(spec);
      const width = conv2dGradKernelPanelWidth(spec);
      expect(panels).toBe(({ padded: 2, looped: 4, wide: 3 } as Record<string, number>)[spec.name]);
      for (let cut = 0; cut <= panels; cut++) {
        const ranges = [...(cut > 0 ? [[0, cut]] : []), ...(cut < panels ? [[cut, panels]] : [])];
        expect(call(...ranges).equals(whole), `${spec.name} cut at ${cut}`).toBe(true);
      }
      // One panel alone writes its filters' columns of dk and dbias, and nothing else.
      for (let p = 0; p < panels; p++) {
        const got = call([p, p + 1]);
        const want = Buffer.from(start.buffer.slice(0));
        for (let i = 0; i < (K + 1) * fl; i++) {
          const f = i % fl;
          if (f >= p * width && f < (p + 1) * width && (spec.bias || i < K * fl)) whole.copy(want, 4 * i, 4 * i, 4 * i + 4);
        }
        expect(got.equals(want), `${spec.name} panel ${p}`).toBe(true);
      }
    }
  });
});
