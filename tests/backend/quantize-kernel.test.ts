// The int8 kernels (compiler/wasm/kernels/int8-gemm.ts and int8-conv.ts, i32x4.dot_i16x8_s on
// weights the loader packs: runtime/inference.ts packInt8) against the scalar reference of
// runtime/kernels/int8.ts on seeded random data: every output bit for bit, over shapes that
// cover the pair padding (odd k), the 8-value quantization steps and their tails, partial
// panels (n mod 8), the 4-row tiles and the 1-row tail, more rows than one row block, and
// convolutions with valid and same padding, strides, odd taps and a fused relu and max pool.
// Then the quantization itself: round half to even and saturation (as the kernel's SIMD
// rounding does), the largest sums the i32 accumulators must hold exactly, and the
// per-output-channel kernel quantization (each column's largest weight at ±127, every weight
// within half a step of q / scale).
import { beforeAll, describe, expect, it } from "vitest";
import { kernelModule, type Kernel } from "../helpers/wasm.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";
import {
  addInt8Dense,
  int8DenseParams,
  int8DenseScratchBytes,
  int8RowBlock,
  type Int8DenseSpec,
} from "../../compiler/wasm/kernels/int8-gemm.js";
import {
  INT8_SPARSE_BELOW,
  addInt8Sparse,
  int8SparseParams,
  int8SparseScratchBytes,
  type Int8SparseSpec,
} from "../../compiler/wasm/kernels/int8-sparse.js";
import { addInt8Conv2d, int8ConvParams, int8ConvScratch, type Int8ConvSpec } from "../../compiler/wasm/kernels/int8-conv.js";
import { int8MultBytes, int8PackedBytes, int8PairOrder, packInt8 } from "../../runtime/inference.js";
import { inputsScaleOf, int8Conv2d, int8Dense, quantizeKernel, quantizeValue, roundHalfEven } from "../../runtime/kernels/int8.js";
import { Rng } from "../../runtime/rng.js";

const MEMORY = 64 << 20;

interface Case {
  readonly spec: Int8DenseSpec;
  readonly m: number;
}

const cases: Case[] = [];
const shapes: [number, number, number][] = [
  // [m, k, n]
  [1, 1, 1],
  [3, 7, 5],
  [4, 8, 8],
  [5, 9, 13],
  [9, 17, 16],
  [6, 37, 31],
  [67, 128, 10],
  [2, 784, 128],
  [130, 50, 200],
];
shapes.forEach(([m, k, n], i) => {
  for (const unsigned of [true, false]) {
    const relu = (i + (unsigned ? 1 : 0)) % 2 === 0;
    const bias = i % 3 !== 1;
    // Powers of two (exact products: the ties below are exact) and scales whose products round.
    const inputsScale = i % 2 === 0 ? (unsigned ? 128 : 32) : Math.fround(unsigned ? 255 / 1.3 : 127 / 2.1);
    cases.push({ spec: { name: `d${i}_${unsigned ? "u" : "s"}`, k, n, bias, relu, inputsScale, unsigned }, m });
  }
});

// The dense kernel with k in pairs along the columns of a flattened [h, w, c] input.
cases.push(
  { spec: { name: "dc0", k: 140, n: 24, bias: true, relu: true, inputsScale: 64, unsigned: true, pairColumns: { w: 7, c: 10 } }, m: 9 },
  { spec: { name: "dc1", k: 96, n: 13, bias: false, relu: false, inputsScale: 32, unsigned: false, pairColumns: { w: 4, c: 8 } }, m: 70 },
);

// Convolutions: [images, h, w, c, k, stride, padding, filters, pool]; windows as Keras computes them.
const convShapes: [number, number, number, number, number, number, "valid" | "same", number, number][] = [
  [2, 9, 9, 3, 3, 1, "valid", 13, 0],
  [3, 7, 7, 4, 3, 1, "same", 8, 0],
  [2, 8, 8, 4, 3, 2, "same", 5, 0],
  [3, 10, 10, 1, 3, 1, "valid", 32, 2],
  [1, 6, 5, 5, 1, 1, "valid", 9, 0],
  [2, 12, 12, 16, 3, 1, "same", 12, 3],
];
const convCases: { spec: Int8ConvSpec; images: number }[] = convShapes.map(([images, h, w, c, k, s, padding, filters, pool], i) => {
  const out = (n: number) => (padding === "same" ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);
  const [oh, ow] = [out(h), out(w)];
  const pad = (n: number, o: number) => (padding === "same" ? Math.floor(Math.max((o - 1) * s + k - n, 0) / 2) : 0);
  const unsigned = i % 2 === 0;
  const relu = pool > 0 || i % 3 === 1;
  const spec: Int8ConvSpec = {
    name: `conv${i}`,
    ...{ h, w, c, oh, ow, kh: k, kw: k, sh: s, sw: s, pt: pad(h, oh), pl: pad(w, ow) },
    filters,
    bias: i !== 4,
    relu,
    inputsScale: i % 2 === 0 ? 128 : Math.fround(127 / 1.7),
    unsigned,
    ...(pool > 0 ? { pool: { kh: pool, kw: pool, sh: pool, sw: pool, oh: Math.floor(oh / pool), ow: Math.floor(ow / pool) } } : {}),
  };
  return { spec, images };
});

// The sparse kernel (int8-sparse.ts): [m, k, n], its row block and panels per tile, and the
// input's [w, c] where k goes in pairs along the columns of a flattened [h, w, c] (8 channels
// per step and none left, odd columns; 4 channels left over; odd columns of odd channels, so
// odd k). Rows of varied zero shares (below) put blocks on both of its paths.
type Cols = { w: number; c: number } | undefined;
const sparseShapes: [number, number, number, number | undefined, number | undefined, Cols][] = [
  [1, 9, 5, undefined, undefined, undefined],
  [7, 37, 31, 4, 3, undefined],
  [37, 300, 40, undefined, undefined, undefined],
  [21, 513, 64, 8, 1, undefined],
  [33, 1352, 128, undefined, undefined, undefined],
  [33, 1352, 128, undefined, undefined, { w: 13, c: 8 }],
  [19, 288, 40, 8, undefined, { w: 6, c: 12 }],
  [11, 45, 33, 4, 3, { w: 5, c: 3 }],
];
const sparseCases: { spec: Int8SparseSpec; m: number }[] = sparseShapes.map(([m, k, n, rowBlock, wide, pairColumns], i) => ({
  spec: {
    name: `sp${i}`,
    k,
    n,
    bias: i !== 1,
    relu: i % 2 === 0,
    inputsScale: i % 2 === 0 ? 128 : Math.fround(255 / 1.3),
    unsigned: i !== 3,
    ...(rowBlock ? { rowBlock } : {}),
    ...(wide ? { wide } : {}),
    ...(pairColumns ? { pairColumns } : {}),
  },
  m,
}));

/**
 * Kernels built as they ship (binaryen -O3): the MLP's dense shape, a pooled convolution and
 * the extreme sums; the others unoptimized (-O0, much faster to build;
 * binaryen's optimizer keeps their semantics, and these show it on the rest).
 */
const SHIPPED = new Set(["d7_s", "conv5", "extreme", "sp4"]);
const instances = new Map<boolean, KernelInstance<Record<string, Kernel>>>();
const instOf = (name: string) => instances.get(SHIPPED.has(name))!;
beforeAll(async () => {
  for (const shipped of [false, true]) {
    const mine = (name: string) => SHIPPED.has(name) === shipped;
    const inst = await kernelModule(
      (b, mod) => {
        for (const c of cases) if (mine(c.spec.name)) addInt8Dense(b, mod, c.spec);
        if (mine("extreme"))
          addInt8Dense(b, mod, { name: "extreme", k: 5000, n: 12, bias: false, relu: false, inputsScale: 1, unsigned: true });
        for (const c of convCases) if (mine(c.spec.name)) addInt8Conv2d(b, mod, c.spec);
        for (const c of sparseCases) if (mine(c.spec.name)) addInt8Sparse(b, mod, c.spec);
      },
      MEMORY,
      { optimizeLevel: shipped ? 3 : 0 },
    );
    instances.set(shipped, inst);
  }
}, 120_000);

/** Random floats in [lo, hi), a few exact ties (x · scale = j + 0.5), values beyond the range, NaN and −0. */
function inputs(rng: Rng, count: number, scale: number, unsigned: boolean): Float32Array {
  const x = new Float32Array(count);
  rng.fillUniform(x, unsigned ? -0.2 : -2.4, unsigned ? 1.5 : 2.4);
  for (let i = 0; i < count; i += 7) x[i] = (Math.floor(rng.uniform() * 40) - 10 + 0.5) / scale; // ties (exact when scale is 2^e)
  if (count > 3) {
    x[1] = NaN;
    x[2] = -0;
    x[3] = 1e9;
  }
  return x;
}

interface Buffers {
  x: Float32Array;
  q: Int8Array;
  kernelScale: Float32Array;
  bias: Float32Array | null;
}

/**
 * Lays out x (flush against the end of memory: a read past it would trap), the packed weights,
 * bias, y (`outLen` floats and a guard after them) and ws; calls the kernel with `params`.
 */
function runWith(
  name: string,
  params: readonly string[],
  l: { k: number; n: number; inputsScale: number },
  rows: number,
  outLen: number,
  wsBytes: number,
  d: Buffers,
): Float32Array {
  const inst = instOf(name);
  const { k, n } = l;
  const mem = {
    i32: (at: number, len: number) => new Int32Array(inst.memory.buffer, at, len),
    f32: (at: number, len: number) => inst.f32(at, len),
  };
  const w = 1024;
  packInt8(mem, w, d.q, d.kernelScale, l);
  let top = w + int8PackedBytes(k, n) + int8MultBytes(n) + 64;
  const alloc = (bytes: number) => {
    const at = Math.ceil(top / 16) * 16;
    top = at + bytes;
    return at;
  };
  const biasAt = alloc(4 * n);
  if (d.bias) inst.f32(biasAt, n).set(d.bias);
  const yAt = alloc(4 * outLen + 16);
  inst.f32(yAt, outLen + 4).fill(-7777.5);
  const ws = alloc(wsBytes);
  const xAt = MEMORY - 4 * d.x.length;
  if (top > xAt) throw new Error("test layout too large");
  inst.f32(xAt, d.x.length).set(d.x);
  const args: Record<string, number> = { m: rows, n: rows, x: xAt, w, scale: w + int8PackedBytes(k, n), bias: biasAt, y: yAt, ws };
  (inst.exports[name] as Kernel)(...params.map((p) => args[p]));
  expect([...inst.f32(yAt + 4 * outLen, 4)]).toEqual([-7777.5, -7777.5, -7777.5, -7777.5]); // nothing written past y
  return Float32Array.from(inst.f32(yAt, outLen));
}

function run(name: string, spec: Omit<Int8DenseSpec, "name">, m: number, d: Buffers): Float32Array {
  return runWith(name, int8DenseParams({ ...spec, name }), spec, m, m * spec.n, int8DenseScratchBytes(spec), d);
}

const cols = (s: Int8DenseSpec) =>
  s.pairColumns
    ? `, pairs along the columns of [${s.k / (s.pairColumns.w * s.pairColumns.c)}, ${s.pairColumns.w}, ${s.pairColumns.c}]`
    : "";
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe("the int8 dense kernel against the scalar reference", () => {
  for (const c of cases) {
    const { k, n } = c.spec;
    it(`${c.spec.name}: [${c.m}, ${k}] · [${k}, ${n}]${c.spec.bias ? " + bias" : ""}${c.spec.relu ? ", relu" : ""}, ${c.spec.unsigned ? "uint8" : "int8"} inputs${cols(c.spec)}: bit for bit`, () => {
      const rng = new Rng(1000 + k * 31 + n);
      const wf = new Float32Array(k * n);
      rng.fillNormal(wf, 0, 0.1);
      const { q, scale } = quantizeKernel(wf, n);
      const bias = c.spec.bias ? new Float32Array(n) : null;
      if (bias) rng.fillUniform(bias, -0.5, 0.5);
      const x = inputs(rng, c.m * k, c.spec.inputsScale, c.spec.unsigned);
      const d = { x, q, kernelScale: scale, bias };
      const got = run(c.spec.name, c.spec, c.m, d);
      const want = new Float32Array(c.m * n);
      int8Dense(want, x, c.m, { ...c.spec, q, kernelScale: scale, bias });
      expect(bits(got)).toEqual(bits(want));
      // Not a vacuous agreement: the outputs vary.
      if (c.m * n >= 8) expect(new Set(got).size).toBeGreaterThan(3);
    });
  }

  it("the largest sums (k = 5000 inputs at 255 times weights at 127: 161,925,000) are exact in i32 and rescaled as the reference does", () => {
    const k = 5000;
    const n = 12;
    const q = new Int8Array(k * n);
    for (let i = 0; i < k; i++) for (let c = 0; c < n; c++) q[i * n + c] = c % 2 === 0 ? 127 : -127 + (i % 3);
    const kernelScale = Float32Array.from({ length: n }, (_, c) => 100 + c);
    const m = 5;
    const x = new Float32Array(m * k).fill(300); // saturates to 255
    for (let i = 0; i < k; i += 5) x[k + i] = 254.5; // a tie: rounds to 254 (even)
    const spec = { k, n, bias: false, relu: false, inputsScale: 1, unsigned: true };
    const got = run("extreme", spec, m, { x, q, kernelScale, bias: null });
    const want = new Float32Array(m * n);
    int8Dense(want, x, m, { ...spec, q, kernelScale, bias: null });
    expect(bits(got)).toEqual(bits(want));
    // Row 0, column 0: 5000 · 255 · 127 / (1 · 100), through f32.
    expect(got[0]).toBe(Math.fround(Math.fround(161_925_000) * Math.fround(1 / 100)));
  });
  for (const c of convCases) {
    const s = c.spec;
    const what = `${c.images}×[${s.h}, ${s.w}, ${s.c}] * [${s.kh}, ${s.kw}, ${s.c}, ${s.filters}] stride ${s.sh}, padding ${s.pt},${s.pl}`;
    it(`${s.name}: conv2d ${what}${s.relu ? ", relu" : ""}${s.pool ? `, max pool ${s.pool.kh}` : ""}, ${s.unsigned ? "uint8" : "int8"} inputs: bit for bit`, () => {
      const rng = new Rng(77 + s.c * 13 + s.filters);
      const K = s.kh * s.kw * s.c;
      const wf = new Float32Array(K * s.filters);
      rng.fillNormal(wf, 0, 0.2);
      const { q, scale } = quantizeKernel(wf, s.filters);
      const bias = s.bias ? new Float32Array(s.filters) : null;
      if (bias) rng.fillUniform(bias, -0.3, 0.3);
      const x = inputs(rng, c.images * s.h * s.w * s.c, s.inputsScale, s.unsigned);
      const outLen = c.images * (s.pool ? s.pool.oh * s.pool.ow : s.oh * s.ow) * s.filters;
      const got = runWith(
        s.name,
        int8ConvParams(s),
        { k: K, n: s.filters, inputsScale: s.inputsScale },
        c.images,
        outLen,
        int8ConvScratch(s).total + 16,
        {
          x,
          q,
          kernelScale: scale,
          bias,
        },
      );
      const want = new Float32Array(outLen);
      int8Conv2d(want, x, c.images, { ...s, q, kernelScale: scale, bias });
      expect(bits(got)).toEqual(bits(want));
      expect(new Set(got).size).toBeGreaterThan(3);
    });
  }
  it("row blocks: more rows than one block of quantized rows", () => {
    expect(int8RowBlock(50)).toBe(64);
    expect(cases.some((c) => c.m > int8RowBlock(c.spec.k))).toBe(true);
    expect(int8RowBlock(5408)).toBeLessThanOrEqual(64);
  });
});

/**
 * A relu's output as the sparse kernel meets it: row r is zero with a probability that cycles
 * through 0, 0.5, 0.8 and 1 every 3 rows (pairs of zeros, single zeros, whole zero rows), with
 * −0, values that round to 0, negatives (0 in uint8), NaN (0), ties and saturation among the rest.
 */
function reluLike(rng: Rng, m: number, k: number, scale: number, unsigned: boolean): Float32Array {
  const x = inputs(rng, m * k, scale, unsigned);
  const pZero = [0, 0.5, 0.8, 1];
  for (let r = 0; r < m; r++) {
    const p = pZero[Math.floor(r / 3) % 4];
    for (let i = 0; i < k; i++) {
      const u = rng.uniform();
      if (u < p) x[r * k + i] = u < p / 8 ? -0 : u < p / 4 ? 0.3 / scale : 0;
    }
  }
  return x;
}

describe("the sparse int8 kernel against the scalar reference", () => {
  for (const c of sparseCases) {
    const { k, n } = c.spec;
    it(`${c.spec.name}: [${c.m}, ${k}] · [${k}, ${n}], row block ${c.spec.rowBlock ?? 16}, ${c.spec.wide ?? 2} panels per tile, ${c.spec.unsigned ? "uint8" : "int8"} inputs${cols(c.spec)}: bit for bit`, () => {
      const rng = new Rng(300 + k + n);
      const wf = new Float32Array(k * n);
      rng.fillNormal(wf, 0, 0.1);
      const { q, scale } = quantizeKernel(wf, n);
      const bias = c.spec.bias ? new Float32Array(n) : null;
      if (bias) rng.fillUniform(bias, -0.5, 0.5);
      const x = reluLike(rng, c.m, k, c.spec.inputsScale, c.spec.unsigned);
      const got = runWith(c.spec.name, int8SparseParams(c.spec), c.spec, c.m, c.m * n, int8SparseScratchBytes(c.spec), {
        x,
        q,
        kernelScale: scale,
        bias,
      });
      const want = new Float32Array(c.m * n);
      int8Dense(want, x, c.m, { ...c.spec, q, kernelScale: scale, bias });
      expect(bits(got)).toEqual(bits(want));
      if (c.m * n >= 8) expect(new Set(got).size).toBeGreaterThan(3);
    });
  }

  it("the cases' row blocks take both paths: nonzero pairs above and below the dense tiles' share", () => {
    const shares: number[] = [];
    for (const c of sparseCases.slice(1)) {
      const { k, unsigned, inputsScale } = c.spec;
      const x = reluLike(new Rng(300 + k + c.spec.n), c.m, k, inputsScale, unsigned);
      const [lo, hi] = unsigned ? [0, 255] : [-127, 127];
      const rb = c.spec.rowBlock ?? 16;
      const pairs = Math.ceil(k / 2);
      const order = int8PairOrder(k, c.spec.pairColumns);
      for (let r0 = 0; r0 < c.m; r0 += rb) {
        let nz = 0;
        const rows = Math.min(rb, c.m - r0);
        for (let r = r0; r < r0 + rows; r++)
          for (let p = 0; p < pairs; p++) {
            const a = quantizeValue(x[r * k + order[2 * p]], inputsScale, lo, hi);
            const b = 2 * p + 1 < k ? quantizeValue(x[r * k + order[2 * p + 1]], inputsScale, lo, hi) : 0;
            if (a !== 0 || b !== 0) nz++;
          }
        shares.push(nz / (rows * pairs));
      }
    }
    expect(shares.some((s) => s > INT8_SPARSE_BELOW)).toBe(true);
    expect(shares.some((s) => s <= INT8_SPARSE_BELOW)).toBe(true);
  });

  it("pairs along the columns: the kernel quantizes x in the order the loader packs the weights (adjacent packing gives other sums)", () => {
    const c = sparseCases.find((s) => s.spec.name === "sp6")!;
    const { k, n } = c.spec;
    const rng = new Rng(77);
    const wf = new Float32Array(k * n);
    rng.fillNormal(wf, 0, 0.1);
    const { q, scale } = quantizeKernel(wf, n);
    const x = reluLike(rng, c.m, k, c.spec.inputsScale, c.spec.unsigned);
    const d = { x, q, kernelScale: scale, bias: new Float32Array(n) };
    const run = (l: { k: number; n: number; inputsScale: number }) =>
      runWith(c.spec.name, int8SparseParams(c.spec), l, c.m, c.m * n, int8SparseScratchBytes(c.spec), d);
    const want = new Float32Array(c.m * n);
    int8Dense(want, x, c.m, { ...c.spec, q, kernelScale: scale, bias: d.bias });
    expect(bits(run(c.spec))).toEqual(bits(want));
    const adjacent = run({ k, n, inputsScale: c.spec.inputsScale });
    expect(bits(adjacent).filter((v, i) => v !== bits(want)[i]).length).toBeGreaterThan((c.m * n) / 4);
  });
});

describe("int8PairOrder", () => {
  it("pairs each channel with itself one column over, an odd last column's channels in order, row by row", () => {
    // [2, 3, 2]: index (row·3 + column)·2 + channel.
    expect([...int8PairOrder(12, { w: 3, c: 2 })]).toEqual([0, 2, 1, 3, 4, 5, 6, 8, 7, 9, 10, 11]);
    expect([...int8PairOrder(8, { w: 2, c: 2 })]).toEqual([0, 2, 1, 3, 4, 6, 5, 7]);
    expect([...int8PairOrder(5)]).toEqual([0, 1, 2, 3, 4]);
    expect(() => int8PairOrder(10, { w: 3, c: 2 })).toThrow(/not a flatten/);
  });

  it("is a permutation of k for the cases' layouts and the seed CNN's [13, 13, 32]", () => {
    for (const [k, w, c] of [
      [5408, 13, 32],
      [1352, 13, 8],
      [288, 6, 12],
      [45, 5, 3],
      [140, 7, 10],
    ]) {
      const order = int8PairOrder(k, { w, c });
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: k }, (_, i) => i));
    }
  });
});

describe("quantization", () => {
  it("rounds half to even and saturates, as the kernel's f32x4.nearest and i32.trunc_sat do", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
    expect(quantizeValue(1000, 1, -127, 127)).toBe(127);
    expect(quantizeValue(-1000, 1, -127, 127)).toBe(-127);
    expect(quantizeValue(-3, 1, 0, 255)).toBe(0);
    expect(quantizeValue(NaN, 1, 0, 255)).toBe(0);
    expect(quantizeValue(Infinity, 1, -127, 127)).toBe(127);
  });
  it("inputs_scale: 255/max for an input never negative, 127/max|·| otherwise", () => {
    expect(inputsScaleOf(0, 1)).toEqual({ scale: 255, unsigned: true });
    expect(inputsScaleOf(-4, 2)).toEqual({ scale: Math.fround(127 / 4), unsigned: false });
    expect(inputsScaleOf(0, 0)).toEqual({ scale: 1, unsigned: true });
  });
  it("kernels per output channel: each column's largest |w| at 127, every w within half a step of q / scale, a zero column at scale 1", () => {
    const k = 300;
    const n = 7;
    const w = new Float32Array(k * n);
    new Rng(5).fillNormal(w, 0, 0.05);
    for (let i = 0; i < k; i++) {
      w[i * n + 3] *= 40; // columns of very different ranges
      w[i * n + 6] = 0;
    }
    const { q, scale } = quantizeKernel(w, n);
    expect(scale[6]).toBe(1);
    for (let c = 0; c < n; c++) {
      let amax = 0;
      let qmax = 0;
      for (let i = 0; i < k; i++) {
        amax = Math.max(amax, Math.abs(w[i * n + c]));
        qmax = Math.max(qmax, Math.abs(q[i * n + c]));
        expect(Math.abs(w[i * n + c] - q[i * n + c] / scale[c])).toBeLessThanOrEqual((0.5 + 1e-5) / scale[c]);
      }
      if (c !== 6) {
        expect(qmax).toBe(127);
        expect(scale[c]).toBe(Math.fround(127 / amax));
      }
    }
  });
});
