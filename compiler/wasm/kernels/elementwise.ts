// Elementwise, broadcasting and copy kernels for the WebAssembly backend, built with
// binaryen's builder API (f32x4 SIMD128, no calls, no per-element branches), on the loop
// library of loops.ts; the reductions are in reductions.ts, softmax in softmax.ts. Each
// generator adds ONE exported function that computes what its reference kernel in
// runtime/kernels (elementwise.ts, dense.ts sumRows, lstm.ts lastStep/lastStepGrad)
// computes, with every static size, stride and constant baked into the code.
//
// Calling convention (the same for every kernel of elementwise.ts, reductions.ts,
// softmax.ts, losses.ts, loss-grad.ts and optimizers.ts): the parameters are
//
//   [n,] buffers…  [, scalars…]
//
// n (i32) is the run-time batch rows, present only when the spec depends on the batch
// (`batched: true`, or a 0 = B entry in `dims`); buffers are i32 BYTE offsets into the
// module's imported memory (each buffer starts 16-byte aligned; rows inside it need not
// be), in the reference kernel's argument order (the output first); scalars follow, where
// a kernel has any. `xxxParams(spec)` lists the parameter names of `addXxx(b, mod, spec)`.
// Element counts are `perRow · n` when batched and `perRow` otherwise.
//
//   addUnary      (op: relu | leaky_relu | sigmoid | tanh | neg | copy)   [n,] y, x
//   addBinary     (op: add | sub | mul | div | relu_grad | leaky_relu_grad | sigmoid_grad
//                  | tanh_grad)                           [n,] out, a, b
//                  (the grads: out = dx, a = dy, b = y, the activation's output)
//   addFill       y[0..count) = value (default 0)          [n,] y
//   addBroadcastBinary  numpy broadcasting, static dims (0 = B) and element strides
//                  (0 where an operand broadcasts)          [n,] y, a, b
//   addLastStep   y[b] = x[b, steps − 1]                     n, y, x
//   addLastStepGrad  dx = 0 except dx[b, steps − 1] = dy[b]  n, dx, dy
//
// reductions.ts:
//   addReduce     sum over the dims whose outStride is 0 (mean: × kept/all)   [n,] y, x
//   addSpread     its adjoint, y[i] = scale · dy[o]          [n,] y, dy
//   addSumRows    out[cols] = Σ_rows dy[rows, cols] (bias gradient)   [n,] out, dy
// softmax.ts:
//   addSoftmax    along len of [outer, len, inner]           [n,] y, x
//   addSoftmaxGrad  dx = y·(dy − Σ dy·y)                     [n,] dx, dy, y
//
// Loops run over the flat element range in f32x4 vectors, 2 vectors per iteration, then
// one vector, then a partial tail (v128.load32_zero/load64_zero/store*_lane) whose width is
// static where the count is (and dispatched on count mod 4 where it depends on n): nothing
// past a buffer's end is read or written. Broadcasts, reductions and spreads are loop nests
// specialized to their dims: unit dims dropped, adjacent dims merged where every operand is
// contiguous across them, the innermost dim vectorized (an operand broadcast along it is a
// splat hoisted out of the loop). Numerics: f32 arithmetic (the reference computes in
// doubles and stores f32; one- or two-ulp differences) except softmaxGrad, in f64 as the
// reference: relu/neg/copy, add/sub/mul/div, sumRows and reductions whose innermost dim is
// kept are bit-identical; softmax uses the SIMD exp of math.ts and f32 sums.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, type Mod, type X } from "./fn.js";
import { negV, sigmoidV, splatF, tanhV } from "./math.js";
import {
  addKernel,
  canonical,
  type CDim,
  checkDims,
  checkExtent,
  checkName,
  type Count,
  countOf,
  type Extent,
  flatLoop,
  loadStream,
  nest,
  nParam,
  repeat,
  storeStream,
  type Stream,
  tailsOf,
  usesBatch,
} from "./loops.js";

// ---------------------------------------------------------------------------------------
// Unary maps: y = op(x)

export type UnaryOp = "relu" | "leaky_relu" | "sigmoid" | "tanh" | "neg" | "copy";

export interface UnarySpec extends Extent {
  readonly name: string;
  readonly op: UnaryOp;
  /** leaky_relu's negative slope. */
  readonly slope?: number;
}

export function unaryParams(spec: UnarySpec): string[] {
  return [...nParam(spec.batched), "y", "x"];
}

/** relu / leakyRelu / sigmoid / tanh / neg of runtime/kernels/elementwise.ts, and a copy. */
export function addUnary(b: BinaryenApi, mod: Mod, spec: UnarySpec): void {
  checkName(spec.name);
  checkExtent(spec.name, spec);
  if (spec.op === "leaky_relu" && typeof spec.slope !== "number") throw new Error(`${spec.name}: leaky_relu needs a slope`);
  const m = mod;
  const names = unaryParams(spec);
  addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const y = f.local(b.i32);
      const x = f.local(b.i32);
      const apply = (v: X): X => {
        switch (spec.op) {
          case "relu": // x > 0 ? x : 0 (NaN and −0 give +0, as the reference)
            return m.f32x4.pmax(splatF(f, 0), v);
          case "leaky_relu": {
            const t = f.local(b.v128);
            return m.block(
              null,
              [
                f.set(t, v),
                m.v128.bitselect(f.get(t), m.f32x4.mul(f.get(t), splatF(f, spec.slope as number)), m.f32x4.gt(f.get(t), splatF(f, 0))),
              ],
              b.v128,
            );
          }
          case "sigmoid":
            return sigmoidV(f, v);
          case "tanh":
            return tanhV(f, v);
          case "neg":
            return negV(f, v);
          case "copy":
            return v;
        }
      };
      const sx: Stream = { ptr: x, step: 4 };
      const sy: Stream = { ptr: y, step: 4 };
      const tmp = f.local(b.v128);
      const heavy = spec.op === "sigmoid" || spec.op === "tanh";
      return [
        f.set(y, f.get(p("y"))),
        f.set(x, f.get(p("x"))),
        flatLoop(
          f,
          countOf(f, spec, () => f.get(p("n"))),
          [sy, sx],
          (lanes, e) => [f.set(tmp, apply(loadStream(f, sx, lanes, e))), ...storeStream(f, sy, lanes, e, tmp)],
          {
            tails: tailsOf(spec),
            unrollUpTo: heavy ? 8 : 32,
            // exp-based bodies are long dependency chains of independent iterations: no unroll.
            unroll: spec.op === "copy" ? 4 : heavy ? 1 : 2,
          },
        ),
      ];
    },
  );
}

// ---------------------------------------------------------------------------------------
// Binary maps on equal shapes: out = op(a, b)

export type BinaryOp = "add" | "sub" | "mul" | "div" | "relu_grad" | "leaky_relu_grad" | "sigmoid_grad" | "tanh_grad";

export interface BinarySpec extends Extent {
  readonly name: string;
  readonly op: BinaryOp;
  /** leaky_relu_grad's negative slope. */
  readonly slope?: number;
}

export function binaryParams(spec: BinarySpec): string[] {
  return [...nParam(spec.batched), "out", "a", "b"];
}

/** f32x4 op of two locals. */
export function binaryOp(f: Fn, op: BinaryOp, a: number, bb: number, slope?: number): X {
  const m = f.mod;
  const A = () => f.get(a);
  const B = () => f.get(bb);
  switch (op) {
    case "add":
      return m.f32x4.add(A(), B());
    case "sub":
      return m.f32x4.sub(A(), B());
    case "mul":
      return m.f32x4.mul(A(), B());
    case "div":
      return m.f32x4.div(A(), B());
    case "relu_grad": // dy where y > 0
      return m.v128.and(A(), m.f32x4.gt(B(), splatF(f, 0)));
    case "leaky_relu_grad": // x > 0 ? dy : slope·dy
      return m.v128.bitselect(A(), m.f32x4.mul(A(), splatF(f, slope as number)), m.f32x4.gt(B(), splatF(f, 0)));
    case "sigmoid_grad": // dy·y·(1 − y)
      return m.f32x4.mul(m.f32x4.mul(A(), B()), m.f32x4.sub(splatF(f, 1), B()));
    case "tanh_grad": // dy·(1 − y²) as dy·((1 − y)(1 + y)): no cancellation near |y| = 1
      return m.f32x4.mul(A(), m.f32x4.mul(m.f32x4.sub(splatF(f, 1), B()), m.f32x4.add(splatF(f, 1), B())));
  }
}

/** binary (add/sub/mul/div) and reluGrad / leakyReluGrad / sigmoidGrad / tanhGrad. */
export function addBinary(b: BinaryenApi, mod: Mod, spec: BinarySpec): void {
  checkName(spec.name);
  checkExtent(spec.name, spec);
  if (spec.op === "leaky_relu_grad" && typeof spec.slope !== "number") throw new Error(`${spec.name}: leaky_relu_grad needs a slope`);
  const names = binaryParams(spec);
  addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const so: Stream = { ptr: f.local(b.i32), step: 4 };
      const sa: Stream = { ptr: f.local(b.i32), step: 4 };
      const sb: Stream = { ptr: f.local(b.i32), step: 4 };
      const va = f.local(b.v128);
      const vb = f.local(b.v128);
      const r = f.local(b.v128);
      return [
        f.set(so.ptr, f.get(p("out"))),
        f.set(sa.ptr, f.get(p("a"))),
        f.set(sb.ptr, f.get(p("b"))),
        flatLoop(
          f,
          countOf(f, spec, () => f.get(p("n"))),
          [so, sa, sb],
          (lanes, e) => [
            f.set(va, loadStream(f, sa, lanes, e)),
            f.set(vb, loadStream(f, sb, lanes, e)),
            f.set(r, binaryOp(f, spec.op, va, vb, spec.slope)),
            ...storeStream(f, so, lanes, e, r),
          ],
          { tails: tailsOf(spec) },
        ),
      ];
    },
  );
}

// ---------------------------------------------------------------------------------------
// Fill

export interface FillSpec extends Extent {
  readonly name: string;
  /** The value written (default 0). */
  readonly value?: number;
}

export function fillParams(spec: FillSpec): string[] {
  return [...nParam(spec.batched), "y"];
}

/** y[0..count) = value: zeroing gradients (`grads.fill(0, …)`) and accumulators. */
export function addFill(b: BinaryenApi, mod: Mod, spec: FillSpec): void {
  checkName(spec.name);
  checkExtent(spec.name, spec);
  addKernel(
    b,
    mod,
    spec.name,
    fillParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const sy: Stream = { ptr: f.local(b.i32), step: 4 };
      const v = f.local(b.v128);
      return [
        f.set(sy.ptr, f.get(p("y"))),
        f.set(v, splatF(f, spec.value ?? 0)),
        flatLoop(
          f,
          countOf(f, spec, () => f.get(p("n"))),
          [sy],
          (lanes, e) => storeStream(f, sy, lanes, e, v),
          { tails: tailsOf(spec), unroll: 4 },
        ),
      ];
    },
  );
}

// ---------------------------------------------------------------------------------------
// Broadcasting binary ops

export interface BroadcastSpec {
  readonly name: string;
  readonly op: "add" | "sub" | "mul" | "div";
  /** The output's dims, 0 = B (dim 0 only). */
  readonly dims: readonly number[];
  /** Each operand's element stride per output dim (0 where it broadcasts). */
  readonly aStrides: readonly number[];
  readonly bStrides: readonly number[];
}

export function broadcastParams(spec: BroadcastSpec): string[] {
  return [...nParam(usesBatch(spec.dims)), "y", "a", "b"];
}

/** broadcastBinary of runtime/kernels/elementwise.ts, specialized to its tables. */
export function addBroadcastBinary(b: BinaryenApi, mod: Mod, spec: BroadcastSpec): void {
  checkName(spec.name);
  checkDims(spec.name, spec.dims, [spec.aStrides, spec.bStrides]);
  const m = mod;
  const dims = canonical(spec.dims, [spec.aStrides, spec.bStrides]);
  addKernel(
    b,
    mod,
    spec.name,
    broadcastParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = usesBatch(spec.dims) ? () => f.get(p("n")) : null;
      const y = f.local(b.i32);
      const a0 = f.local(b.i32);
      const b0 = f.local(b.i32);
      const va = f.local(b.v128);
      const vb = f.local(b.v128);
      const r = f.local(b.v128);
      const sy: Stream = { ptr: y, step: 4 };
      const inner = (ptrs: number[], count: Count, d: CDim): X[] => {
        const [sa, sb]: Stream[] = ptrs.map((ptr, k) => ({ ptr, step: d.strides[k] * 4 }));
        const pre: X[] = [];
        // An operand broadcast along the innermost dim is one splat for the whole row.
        if (sa.step === 0) pre.push(f.set(va, m.v128.load32_splat(0, 4, f.get(sa.ptr))));
        if (sb.step === 0) pre.push(f.set(vb, m.v128.load32_splat(0, 4, f.get(sb.ptr))));
        const streams = [sy, sa, sb].filter((s) => s.step !== 0);
        return [
          ...pre,
          flatLoop(f, count, streams, (lanes, e) => [
            ...(sa.step !== 0 ? [f.set(va, loadStream(f, sa, lanes, e))] : []),
            ...(sb.step !== 0 ? [f.set(vb, loadStream(f, sb, lanes, e))] : []),
            f.set(r, binaryOp(f, spec.op, va, vb)),
            ...storeStream(f, sy, lanes, e, r),
          ]),
        ];
      };
      return [f.set(y, f.get(p("y"))), f.set(a0, f.get(p("a"))), f.set(b0, f.get(p("b"))), nest(f, dims, n, [a0, b0], inner)];
    },
  );
}

// ---------------------------------------------------------------------------------------
// lastStep / lastStepGrad (runtime/kernels/lstm.ts)

export interface LastStepSpec {
  readonly name: string;
  readonly steps: number;
  /** Features per step. */
  readonly d: number;
}

export function lastStepParams(_spec: LastStepSpec): string[] {
  return ["n", "y", "x"];
}

export function lastStepGradParams(_spec: LastStepSpec): string[] {
  return ["n", "dx", "dy"];
}

function checkLastStep(spec: LastStepSpec): void {
  checkName(spec.name);
  if (!(Number.isInteger(spec.steps) && spec.steps > 0 && Number.isInteger(spec.d) && spec.d > 0))
    throw new Error(`${spec.name}: steps and d must be positive integers`);
}

/** y[b, :] = x[b, steps − 1, :] for b < n. */
export function addLastStep(b: BinaryenApi, mod: Mod, spec: LastStepSpec): void {
  checkLastStep(spec);
  const { steps, d } = spec;
  addKernel(
    b,
    mod,
    spec.name,
    lastStepParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const sx: Stream = { ptr: f.local(b.i32), step: 4 };
      const sy: Stream = { ptr: f.local(b.i32), step: 4 };
      const v = f.local(b.v128);
      return [
        f.set(sx.ptr, mod.i32.add(f.get(p("x")), f.i32((steps - 1) * d * 4))),
        f.set(sy.ptr, f.get(p("y"))),
        repeat(f, () => f.get(p("n")), [
          flatLoop(f, d, [sx, sy], (lanes, e) => [f.set(v, loadStream(f, sx, lanes, e)), ...storeStream(f, sy, lanes, e, v)], {
            unroll: 4,
          }),
          f.addI(sx.ptr, (steps - 1) * d * 4),
        ]),
      ];
    },
  );
}

/** dx[b, t, :] = 0 for t < steps − 1, dx[b, steps − 1, :] = dy[b, :], for b < n (one pass). */
export function addLastStepGrad(b: BinaryenApi, mod: Mod, spec: LastStepSpec): void {
  checkLastStep(spec);
  const { steps, d } = spec;
  addKernel(
    b,
    mod,
    spec.name,
    lastStepGradParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const sdx: Stream = { ptr: f.local(b.i32), step: 4 };
      const sdy: Stream = { ptr: f.local(b.i32), step: 4 };
      const v = f.local(b.v128);
      const zero = f.local(b.v128);
      const row: X[] = [];
      if (steps > 1) row.push(flatLoop(f, (steps - 1) * d, [sdx], (lanes, e) => storeStream(f, sdx, lanes, e, zero), { unroll: 4 }));
      row.push(
        flatLoop(f, d, [sdx, sdy], (lanes, e) => [f.set(v, loadStream(f, sdy, lanes, e)), ...storeStream(f, sdx, lanes, e, v)], {
          unroll: 4,
        }),
      );
      return [
        f.set(sdx.ptr, f.get(p("dx"))),
        f.set(sdy.ptr, f.get(p("dy"))),
        f.set(zero, mod.v128.const(ZERO16)),
        repeat(f, () => f.get(p("n")), row),
      ];
    },
  );
}
