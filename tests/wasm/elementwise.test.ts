// The elementwise, broadcasting, reduction, softmax, sumRows and lastStep kernels of
// compiler/wasm/kernels/elementwise.ts against the reference kernels of runtime/kernels on
// random inputs: batch rows n ∈ {0, 1, 3, 32, 33}, awkward row sizes, guard words around
// every output (nothing outside it is written) and each input placed flush against the end
// of memory in turn (a read past its end would trap). Bit-identical where the kernels claim
// it; relative L2 ≤ 1e-6 (pure arithmetic) or 1e-5 (exp/tanh) and the elementwise bound
// otherwise.
import { beforeAll, describe, expect, it } from "vitest";
import type { BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import * as E from "../../compiler/wasm/kernels/elementwise.js";
import * as LP from "../../compiler/wasm/kernels/loops.js";
import * as RD from "../../compiler/wasm/kernels/reductions.js";
import * as SM from "../../compiler/wasm/kernels/softmax.js";
import * as K from "../../runtime/kernels/elementwise.js";
import { sumRows } from "../../runtime/kernels/dense.js";
import { lastStep, lastStepGrad } from "../../runtime/kernels/lstm.js";
import { assertClose, TestRandom } from "../helpers/numerics.js";
import { callKernel, callKernelAllLayouts, kernelModule, type Kernel, type KernelCall } from "../helpers/wasm.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";

const MEM = 1 << 22;
const NS = [0, 1, 3, 32, 33];

let k: KernelInstance<Record<string, Kernel>>;

// The harness (tests/helpers/wasm.ts): guard words around every output, inputs flush
// against the end of memory in turn.
const call = (c: KernelCall): Record<string, Float32Array> => callKernel(k, MEM, c).outs;
const callAll = (c: KernelCall): Record<string, Float32Array> => callKernelAllLayouts(k, MEM, c).outs;

type Tol = "exact" | number;
function check(what: string, got: Float32Array, want: ArrayLike<number>, tol: Tol): void {
  if (tol === "exact") {
    for (let i = 0; i < want.length; i++) {
      if (!(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))))
        throw new Error(`${what}: [${i}] ${got[i]} vs ${want[i]} (bit-exact expected)`);
    }
    expect(got.length).toBe(want.length);
    return;
  }
  assertClose(what, got, want, { rel: tol, elemRel: 1e-3, elemAbs: 1e-4 });
}

const r = new TestRandom(12345);
function rand(len: number, lo = -3, hi = 3): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = r.uniform(lo, hi);
  // A few exact zeros (relu's kink, −0).
  for (let i = 0; i < len; i += 17) a[i] = i % 2 ? 0 : -0;
  return a;
}
function randAway(len: number): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = r.awayFromZero(0.25, 3);
  return a;
}

// ---------------------------------------------------------------------------------------
// The specs

const ROWS = [1, 3, 5, 13, 784]; // 10 is in the softmax and sumRows cases
const STATIC = [1, 13, 784];
const extents: LP.Extent[] = [
  ...ROWS.map((perRow) => ({ perRow, batched: true })),
  ...STATIC.map((perRow) => ({ perRow, batched: false })),
];
const tag = (e: LP.Extent) => `${e.batched ? "b" : "s"}${e.perRow}`;
/** sigmoid and tanh (large bodies, slow to optimize) on fewer extents. */
const HEAVY = new Set(["b1", "b3", "b5", "s13"]);
const skip = (op: string, e: LP.Extent) => (op === "sigmoid" || op === "tanh") && !HEAVY.has(tag(e));

const UNARY: [E.UnaryOp, Tol, (y: Float32Array, x: Float32Array, size: number) => void][] = [
  ["relu", "exact", K.relu],
  ["leaky_relu", 1e-6, (y, x, s) => K.leakyRelu(y, x, s, 0.2)],
  ["sigmoid", 1e-5, K.sigmoid],
  ["tanh", 1e-5, K.tanh],
  ["neg", "exact", K.neg],
  ["copy", "exact", (y, x, s) => y.set(x.subarray(0, s))],
];
const BINARY: [E.BinaryOp, Tol, (o: Float32Array, a: Float32Array, b: Float32Array, size: number) => void][] = [
  ["add", "exact", (o, a, b, s) => K.binary(K.ADD, o, a, b, s)],
  ["sub", "exact", (o, a, b, s) => K.binary(K.SUB, o, a, b, s)],
  ["mul", "exact", (o, a, b, s) => K.binary(K.MUL, o, a, b, s)],
  ["div", "exact", (o, a, b, s) => K.binary(K.DIV, o, a, b, s)],
  ["relu_grad", "exact", K.reluGrad],
  ["leaky_relu_grad", 1e-6, (o, a, b, s) => K.leakyReluGrad(o, a, b, s, 0.3)],
  ["sigmoid_grad", 1e-6, K.sigmoidGrad],
  ["tanh_grad", 1e-6, K.tanhGrad],
];

type Shape = (number | "B")[];
/** compiler/emit/geometry.ts's alignedStrides: row-major strides of s aligned right to full; 0 where s broadcasts. */
function alignedStrides(s: Shape, full: Shape): number[] {
  const offset = full.length - s.length;
  const strides = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= s[i] === "B" ? 1 : (s[i] as number);
  }
  return full.map((d, i) => {
    const j = i - offset;
    if (j < 0) return 0;
    return s[j] === d && !(s[j] === 1 && d !== 1) ? strides[j] : 0;
  });
}
const dimsOf = (s: Shape) => s.map((d) => (d === "B" ? 0 : d));
const sizeOf = (s: Shape, n: number) => s.reduce((a: number, d) => a * (d === "B" ? n : d), 1);

const BCAST: [Shape, Shape, Shape][] = [
  [["B", 13], ["B", 13], [13]],
  [
    ["B", 3, 5],
    ["B", 3, 5],
    [3, 1],
  ],
  [
    ["B", 4, 5],
    ["B", 4, 1],
    ["B", 1, 5],
  ],
  [[7, 5], [7, 1], [5]],
  [["B", 10], ["B", 1], []],
  [
    ["B", 2, 3, 5],
    [2, 1, 5],
    ["B", 1, 3, 1],
  ],
  [["B", 784], [], ["B", 784]],
  [
    ["B", 1, 3],
    ["B", 1, 3],
    [1, 3],
  ],
];
const bcastSpec = (i: number): E.BroadcastSpec => {
  const [ys, as, bs] = BCAST[i];
  return {
    name: `bcast${i}`,
    op: (["add", "sub", "mul", "div"] as const)[i % 4],
    dims: dimsOf(ys),
    aStrides: alignedStrides(as, ys),
    bStrides: alignedStrides(bs, ys),
  };
};

// Reductions: [shape, axes (null = all), mean]
const REDUCE: [Shape, number[] | null, boolean][] = [
  [["B", 13], [1], false],
  [["B", 13], [0], false],
  [["B", 3, 5], [1], false],
  [["B", 3, 5], null, true],
  [["B", 784], null, true],
  [[4, 6], [0], true],
  [["B", 2, 3, 5], [0, 2], false],
  [["B", 2, 3, 5], [1, 3], true],
  [[5], [0], false],
  [["B", 1], [1], true],
];
function reduceTables(xs: Shape, axes: number[] | null): { dims: number[]; strides: number[]; kept: Shape } {
  const ax = axes ?? xs.map((_, i) => i);
  const reduced = new Set(ax.map((a) => (a < 0 ? a + xs.length : a)));
  const kept: Shape = xs.map((d, i) => (reduced.has(i) ? 1 : d));
  const strides = alignedStrides(kept, xs).map((s, i) => (reduced.has(i) ? 0 : s));
  return { dims: dimsOf(xs), strides, kept };
}

// Softmax: [outerPerRow, batched, len, inner]
const SOFTMAX: [number, boolean, number, number][] = [
  [1, true, 10, 1],
  [1, true, 1, 1],
  [1, true, 13, 1],
  [1, true, 784, 1],
  [1, true, 3, 5],
  [4, true, 6, 3],
  [1, false, 5, 7],
  [2, true, 5, 4],
  [1, true, 7, 9],
  [3, false, 17, 1],
];
const smSpec = (i: number, grad: boolean): SM.SoftmaxSpec => {
  const [outerPerRow, batched, len, inner] = SOFTMAX[i];
  return { name: `${grad ? "smg" : "sm"}${i}`, outerPerRow, batched, len, inner };
};

const SUMROWS: [number, boolean, number][] = [];
for (const cols of [1, 3, 5, 13, 16, 17, 33, 128, 784]) SUMROWS.push([1, true, cols]);
SUMROWS.push([3, true, 10], [28, true, 5], [7, false, 13], [1, false, 20]);

const LASTSTEP: [number, number][] = [
  [1, 3],
  [3, 1],
  [3, 5],
  [28, 13],
  [5, 50],
  [2, 4],
];

beforeAll(async () => {
  const t0 = performance.now();
  k = await kernelModule((b: BinaryenApi, mod: Mod) => {
    for (const e of extents) {
      for (const [op] of UNARY) if (!skip(op, e)) E.addUnary(b, mod, { name: `u_${op}_${tag(e)}`, op, ...e, slope: 0.2 });
      for (const [op] of BINARY) E.addBinary(b, mod, { name: `b_${op}_${tag(e)}`, op, ...e, slope: 0.3 });
      E.addFill(b, mod, { name: `fill_${tag(e)}`, ...e });
    }
    E.addFill(b, mod, { name: "fill7", perRow: 5, batched: true, value: 7 });
    BCAST.forEach((_, i) => E.addBroadcastBinary(b, mod, bcastSpec(i)));
    REDUCE.forEach(([xs, axes, mean], i) => {
      const t = reduceTables(xs, axes);
      RD.addReduce(b, mod, { name: `red${i}`, dims: t.dims, outStrides: t.strides, mean });
      RD.addSpread(b, mod, { name: `spr${i}`, dims: t.dims, inStrides: t.strides, mean });
    });
    SOFTMAX.forEach((_, i) => {
      SM.addSoftmax(b, mod, smSpec(i, false));
      SM.addSoftmaxGrad(b, mod, smSpec(i, true));
    });
    SUMROWS.forEach(([rowsPerBatch, batched, cols], i) => RD.addSumRows(b, mod, { name: `sr${i}`, rowsPerBatch, batched, cols }));
    LASTSTEP.forEach(([steps, d], i) => {
      E.addLastStep(b, mod, { name: `ls${i}`, steps, d });
      E.addLastStepGrad(b, mod, { name: `lsg${i}`, steps, d });
    });
  }, MEM);
  console.log(`elementwise module: ${((performance.now() - t0) / 1000).toFixed(2)} s to build`);
}, 60_000);

const nsFor = (e: { batched: boolean }) => (e.batched ? NS : [0]);
const count = (e: LP.Extent, n: number) => (e.batched ? n * e.perRow : e.perRow);

describe("wasm elementwise kernels vs runtime/kernels", () => {
  it("unary maps: relu, leaky_relu, sigmoid, tanh, neg, copy", () => {
    for (const e of extents) {
      for (const [op, tol, ref] of UNARY) {
        if (skip(op, e)) continue;
        const spec: E.UnarySpec = { name: `u_${op}_${tag(e)}`, op, ...e, slope: 0.2 };
        for (const n of nsFor(e)) {
          const size = count(e, n);
          const x = op === "sigmoid" || op === "tanh" ? rand(size, -12, 12) : rand(size);
          const got = callAll({ fn: spec.name, params: E.unaryParams(spec), n, ins: { x }, outs: { y: size } });
          const want = new Float32Array(size);
          ref(want, x, size);
          check(`${spec.name} n=${n}`, got.y, want, tol);
        }
      }
    }
  });

  it("binary maps: add, sub, mul, div and the activation gradients", () => {
    for (const e of extents) {
      for (const [op, tol, ref] of BINARY) {
        const spec: E.BinarySpec = { name: `b_${op}_${tag(e)}`, op, ...e, slope: 0.3 };
        for (const n of nsFor(e)) {
          const size = count(e, n);
          const a = rand(size);
          const bb =
            op === "div" ? randAway(size) : op === "sigmoid_grad" ? rand(size, 0, 1) : op === "tanh_grad" ? rand(size, -1, 1) : rand(size);
          const got = callAll({ fn: spec.name, params: E.binaryParams(spec), n, ins: { a, b: bb }, outs: { out: size } });
          const want = new Float32Array(size);
          ref(want, a, bb, size);
          check(`${spec.name} n=${n}`, got.out, want, tol);
        }
      }
    }
  });

  it("fill", () => {
    for (const e of extents) {
      const spec: E.FillSpec = { name: `fill_${tag(e)}`, ...e };
      for (const n of nsFor(e))
        check(
          spec.name,
          call({ fn: spec.name, params: E.fillParams(spec), n, ins: {}, outs: { y: count(e, n) } }).y,
          new Float32Array(count(e, n)),
          "exact",
        );
    }
    const spec: E.FillSpec = { name: "fill7", perRow: 5, batched: true, value: 7 };
    check(
      "fill7",
      call({ fn: "fill7", params: E.fillParams(spec), n: 3, ins: {}, outs: { y: 15 } }).y,
      new Float32Array(15).fill(7),
      "exact",
    );
  });

  it("broadcastBinary over static dims with the batch", () => {
    BCAST.forEach(([ys, as, bs], i) => {
      const spec = bcastSpec(i);
      for (const n of ys.includes("B") ? NS : [0]) {
        const a = rand(sizeOf(as, n));
        const bb = spec.op === "div" ? randAway(sizeOf(bs, n)) : rand(sizeOf(bs, n));
        const size = sizeOf(ys, n);
        const got = callAll({ fn: spec.name, params: E.broadcastParams(spec), n, ins: { a, b: bb }, outs: { y: size } });
        const want = new Float32Array(size);
        const code = { add: K.ADD, sub: K.SUB, mul: K.MUL, div: K.DIV }[spec.op];
        K.broadcastBinary(
          code,
          want,
          a,
          bb,
          n,
          Int32Array.from(spec.dims),
          Int32Array.from(spec.aStrides),
          Int32Array.from(spec.bStrides),
          new Int32Array(ys.length),
        );
        check(`${spec.name} n=${n}`, got.y, want, "exact");
      }
    });
  });

  it("reduce (sum / mean / sum_to) and spread (broadcast_to)", () => {
    REDUCE.forEach(([xs, axes, mean], i) => {
      const t = reduceTables(xs, axes);
      for (const n of xs.includes("B") ? NS : [0]) {
        const inSize = sizeOf(xs, n);
        const outSize = sizeOf(t.kept, n);
        const scale = mean ? outSize / inSize : 1;
        const x = rand(inSize);
        const spec: RD.ReduceSpec = { name: `red${i}`, dims: t.dims, outStrides: t.strides, mean };
        const got = callAll({ fn: spec.name, params: RD.reduceParams(spec), n, ins: { x }, outs: { y: outSize } });
        const want = new Float32Array(outSize);
        K.reduce(want, x, n, Int32Array.from(t.dims), Int32Array.from(t.strides), outSize, scale, new Int32Array(xs.length));
        // Bit-identical where the innermost non-unit dim is kept (same summation order) and no
        // mean scaling rounds; otherwise within f32 summation error of the exact sums.
        const innerKept = t.strides[t.dims.length - 1] !== 0 || t.dims[t.dims.length - 1] === 1;
        if ((innerKept && !mean) || (n === 0 && mean)) check(`${spec.name} n=${n}`, got.y, want, "exact");
        else {
          const exact = new Float64Array(outSize);
          const abs = new Float64Array(outSize);
          K.reduce(
            exact,
            Float64Array.from(x),
            n,
            Int32Array.from(t.dims),
            Int32Array.from(t.strides),
            outSize,
            scale,
            new Int32Array(xs.length),
          );
          K.reduce(
            abs,
            Float64Array.from(x, Math.abs),
            n,
            Int32Array.from(t.dims),
            Int32Array.from(t.strides),
            outSize,
            scale,
            new Int32Array(xs.length),
          );
          for (let j = 0; j < outSize; j++) {
            if (!(Math.abs(got.y[j] - exact[j]) <= 1e-6 * abs[j] + 1e-30))
              throw new Error(`${spec.name} n=${n} [${j}]: ${got.y[j]} vs exact ${exact[j]} (Σ|x|·scale ${abs[j]})`);
          }
          check(`${spec.name} n=${n} vs reference`, got.y, want, 1e-4);
        }

        const dy = rand(outSize);
        const sspec: RD.SpreadSpec = { name: `spr${i}`, dims: t.dims, inStrides: t.strides, mean };
        const sgot = callAll({ fn: sspec.name, params: RD.spreadParams(sspec), n, ins: { dy }, outs: { y: inSize } });
        const swant = new Float32Array(inSize);
        K.spread(swant, dy, n, Int32Array.from(t.dims), Int32Array.from(t.strides), scale, new Int32Array(xs.length));
        check(`${sspec.name} n=${n}`, sgot.y, swant, mean ? 1e-6 : "exact");
      }
    });
  });

  it("softmax and softmaxGrad over [outer, len, inner], extreme logits included", () => {
    SOFTMAX.forEach(([outerPerRow, batched, len, inner], i) => {
      for (const n of batched ? NS : [0]) {
        const outer = batched ? outerPerRow * n : outerPerRow;
        const size = outer * len * inner;
        const x = rand(size, -8, 8);
        for (let j = 0; j < size; j += 7) x[j] = j % 2 ? 80 : -80;
        const spec = smSpec(i, false);
        const got = callAll({ fn: spec.name, params: SM.softmaxParams(spec), n, ins: { x }, outs: { y: size } });
        const want = new Float32Array(size);
        K.softmax(want, x, outer, len, inner);
        check(`${spec.name} n=${n}`, got.y, want, 1e-5);

        const gspec = smSpec(i, true);
        const dy = rand(size);
        const y = want;
        const ggot = callAll({ fn: gspec.name, params: SM.softmaxGradParams(gspec), n, ins: { dy, y }, outs: { dx: size } });
        const gwant = new Float32Array(size);
        K.softmaxGrad(gwant, dy, y, outer, len, inner);
        check(`${gspec.name} n=${n}`, ggot.dx, gwant, 1e-6);
      }
    });
  });

  it("softmax: a NaN makes its row NaN, as the reference", () => {
    const spec = smSpec(0, false);
    const x = rand(30, -3, 3);
    x[12] = NaN;
    const got = call({ fn: spec.name, params: SM.softmaxParams(spec), n: 3, ins: { x }, outs: { y: 30 } }).y;
    const want = new Float32Array(30);
    K.softmax(want, x, 3, 10, 1);
    for (let i = 0; i < 30; i++) expect(Number.isNaN(got[i]), `[${i}]`).toBe(Number.isNaN(want[i]));
    check("softmax rows without NaN", got.subarray(0, 10), want.subarray(0, 10), 1e-5);
  });

  it("sumRows (bit-identical: same summation order)", () => {
    SUMROWS.forEach(([rowsPerBatch, batched, cols], i) => {
      const spec: RD.SumRowsSpec = { name: `sr${i}`, rowsPerBatch, batched, cols };
      for (const n of batched ? NS : [0]) {
        const rows = batched ? rowsPerBatch * n : rowsPerBatch;
        const dy = rand(rows * cols);
        const got = callAll({ fn: spec.name, params: RD.sumRowsParams(spec), n, ins: { dy }, outs: { out: cols } });
        const want = new Float32Array(cols);
        sumRows(want, dy, rows, cols);
        check(`${spec.name} n=${n}`, got.out, want, "exact");
      }
    });
  });

  it("lastStep and lastStepGrad", () => {
    LASTSTEP.forEach(([steps, d], i) => {
      for (const n of NS) {
        const spec: E.LastStepSpec = { name: `ls${i}`, steps, d };
        const x = rand(n * steps * d);
        const got = callAll({ fn: spec.name, params: E.lastStepParams(spec), n, ins: { x }, outs: { y: n * d } });
        const want = new Float32Array(n * d);
        lastStep(want, x, n, steps, d);
        check(`ls${i} n=${n}`, got.y, want, "exact");
        const dy = rand(n * d);
        const ggot = callAll({ fn: `lsg${i}`, params: E.lastStepGradParams(spec), n, ins: { dy }, outs: { dx: n * steps * d } });
        const gwant = new Float32Array(n * steps * d);
        lastStepGrad(gwant, dy, n, steps, d);
        check(`lsg${i} n=${n}`, ggot.dx, gwant, "exact");
      }
    });
  });
});
