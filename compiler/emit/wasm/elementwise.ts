// Elementwise, broadcasting, reduction, softmax and copy kernels for the WebAssembly
// backend, built with binaryen's builder API (f32x4 SIMD128, no calls, no per-element
// branches). Each generator adds ONE exported function that computes what its reference
// kernel in runtime/kernels (elementwise.ts, dense.ts sumRows, lstm.ts lastStep/
// lastStepGrad) computes, with every static size, stride and constant baked into the code.
//
// Calling convention (the same for every kernel of elementwise.ts, losses.ts and
// optimizers.ts): the parameters are
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
//   addReduce     sum over the dims whose outStride is 0 (mean: × kept/all)   [n,] y, x
//   addSpread     its adjoint, y[i] = scale · dy[o]          [n,] y, dy
//   addSoftmax    along len of [outer, len, inner]           [n,] y, x
//   addSoftmaxGrad  dx = y·(dy − Σ dy·y)                     [n,] dx, dy, y
//   addSumRows    out[cols] = Σ_rows dy[rows, cols] (bias gradient)   [n,] out, dy
//   addLastStep   y[b] = x[b, steps − 1]                     n, y, x
//   addLastStepGrad  dx = 0 except dx[b, steps − 1] = dy[b]  n, dx, dy
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
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { expV, sigmoidV, splatF, tanhV } from "./math.js";

// ---------------------------------------------------------------------------------------
// Building blocks (also used by losses.ts and optimizers.ts)

/** An element count: perRow · n when batched (n the export's first parameter), else perRow. */
export interface Extent {
  readonly perRow: number;
  readonly batched: boolean;
}

/** Adds an export `name` with parameters (name, type) built by `build`; `result` b.none or a type. */
export function addKernel(
  b: BinaryenApi,
  mod: Mod,
  name: string,
  params: readonly (readonly [string, number])[],
  result: number,
  build: (f: Fn, p: (param: string) => number) => X[],
): void {
  const f = new Fn(
    b,
    mod,
    params.map((p) => p[1]),
  );
  const p = (param: string): number => {
    const i = params.findIndex((q) => q[0] === param);
    if (i < 0) throw new Error(`kernel ${name}: no parameter ${param}`);
    return i;
  };
  const body = build(f, p);
  mod.addFunction(
    name,
    b.createType(params.map((q) => q[1])),
    result,
    f.vars(),
    mod.block(null, body, result === b.none ? undefined : result),
  );
  mod.addFunctionExport(name, name);
}

/** [n] when the kernel depends on the batch, else []. */
export const nParam = (batched: boolean): string[] => (batched ? ["n"] : []);

/**
 * A loop count: a static number, or a factory of the run-time i32 expression (binaryen's
 * expression refs are numbers too, hence the function).
 */
export type Count = number | (() => X);

/** The element count of an extent: a constant, or n·perRow. */
export function countOf(f: Fn, e: Extent, n: () => X): Count {
  if (!e.batched) return e.perRow;
  return () => (e.perRow === 1 ? n() : f.mod.i32.mul(n(), f.i32(e.perRow)));
}

export function checkExtent(what: string, e: Extent): void {
  if (!(Number.isInteger(e.perRow) && e.perRow >= 0)) throw new Error(`${what}: perRow must be a non-negative integer`);
}

/** A pointer local that a flat loop advances by `step` bytes per element. */
export interface Stream {
  readonly ptr: number;
  readonly step: number;
}

/** The tails (count mod 4) a count n·perRow can have. */
export function tailsOf(e: Extent): number[] {
  if (!e.batched) return e.perRow % 4 ? [e.perRow % 4] : [];
  const g = e.perRow % 4 === 0 ? 4 : e.perRow % 2 === 0 ? 2 : 1;
  return [1, 2, 3].filter((t) => t % g === 0);
}

export interface LoopOptions {
  /** Vectors per iteration of the main loop (default 2). */
  readonly unroll?: number;
  /** The possible widths of the tail when the count is dynamic (default 1, 2, 3). */
  readonly tails?: readonly number[];
  /** Static counts up to this many elements are unrolled completely (default 32). */
  readonly unrollUpTo?: number;
}

/**
 * `body(lanes, elem)` over `count` elements in chunks of 4 (lanes = 4) and one partial
 * chunk (lanes 1..3); `elem` is the chunk's first element relative to the streams'
 * pointers, which advance by step·elements after each block (and end one past the range).
 */
export function flatLoop(
  f: Fn,
  count: Count,
  streams: readonly Stream[],
  body: (lanes: number, elem: number) => X[],
  opts: LoopOptions = {},
): X {
  const m = f.mod;
  const u = opts.unroll ?? 2;
  const advance = (elems: number): X[] => streams.filter((s) => s.step !== 0).map((s) => f.addI(s.ptr, s.step * elems));
  const out: X[] = [];
  if (typeof count === "number") {
    const full = Math.floor(count / 4);
    const tail = count % 4;
    if (count <= (opts.unrollUpTo ?? 32)) {
      for (let v = 0; v < full; v++) out.push(...body(4, 4 * v));
      if (tail) out.push(...body(tail, 4 * full));
      if (count) out.push(...advance(count));
      return m.block(null, out);
    }
    const groups = Math.floor(full / u);
    if (groups > 0) {
      const blk: X[] = [];
      for (let v = 0; v < u; v++) blk.push(...body(4, 4 * v));
      out.push(f.countedLoop(groups, [...blk, ...advance(4 * u)]));
    }
    const rest = full - groups * u;
    for (let v = 0; v < rest; v++) out.push(...body(4, 4 * v));
    if (tail) out.push(...body(tail, 4 * rest));
    if (rest * 4 + tail) out.push(...advance(rest * 4 + tail));
    return m.block(null, out);
  }
  const b = f.b;
  const rem = f.local(b.i32);
  out.push(f.set(rem, count()));
  const blk: X[] = [];
  for (let v = 0; v < u; v++) blk.push(...body(4, 4 * v));
  out.push(
    f.whileLoop(() => m.i32.ge_s(f.get(rem), f.i32(4 * u)), [...blk, ...advance(4 * u), f.set(rem, m.i32.sub(f.get(rem), f.i32(4 * u)))]),
  );
  if (u > 1)
    out.push(
      f.whileLoop(() => m.i32.ge_s(f.get(rem), f.i32(4)), [...body(4, 0), ...advance(4), f.set(rem, m.i32.sub(f.get(rem), f.i32(4)))]),
    );
  for (const t of opts.tails ?? [1, 2, 3]) out.push(m.if(m.i32.eq(f.get(rem), f.i32(t)), m.block(null, [...body(t, 0), ...advance(t)])));
  return m.block(null, out);
}

/** A loop run `count` times (static ≥ 0 or a run-time i32). */
export function repeat(f: Fn, count: Count, body: X[]): X {
  const m = f.mod;
  if (typeof count === "number") {
    if (count <= 0) return m.nop();
    if (count === 1) return m.block(null, body);
    return f.countedLoop(count, body);
  }
  const c = f.local(f.b.i32);
  return m.block(null, [
    f.set(c, count()),
    f.whileLoop(() => m.i32.gt_s(f.get(c), f.i32(0)), [...body, f.set(c, m.i32.sub(f.get(c), f.i32(1)))]),
  ]);
}

/** All-ones in the first `lanes` 32-bit lanes. */
export function laneMask(f: Fn, lanes: number): X {
  const a = new Int32Array(4);
  for (let i = 0; i < lanes; i++) a[i] = -1;
  return f.mod.v128.const(Array.from(new Uint8Array(a.buffer)));
}

const SWAP64 = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP32 = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

/** Reduces the 4 lanes of v with op; the result has the reduction in every lane. */
export function hReduce(f: Fn, v: X, op: (a: X, b: X) => X): X {
  const m = f.mod;
  const t = f.local(f.b.v128);
  return m.block(
    null,
    [
      f.set(t, v),
      f.set(t, op(f.get(t), m.i8x16.shuffle(f.get(t), f.get(t), SWAP64))),
      op(f.get(t), m.i8x16.shuffle(f.get(t), f.get(t), SWAP32)),
    ],
    f.b.v128,
  );
}

/** Lanes 0, 1 of an f32x4 local as f64x2. */
export function promoteLo(f: Fn, v: number): X {
  return f.mod.f64x2.promote_low_f32x4(f.get(v));
}

/** Lanes 2, 3 of an f32x4 local as f64x2. */
export function promoteHi(f: Fn, v: number): X {
  return f.mod.f64x2.promote_low_f32x4(f.mod.i8x16.shuffle(f.get(v), f.get(v), SWAP64));
}

/** Two f64x2 rounded to one f32x4 [lo0, lo1, hi0, hi1]. */
export function demote2(f: Fn, lo: X, hi: X): X {
  const m = f.mod;
  return m.i8x16.shuffle(
    m.f32x4.demote_f64x2_zero(lo),
    m.f32x4.demote_f64x2_zero(hi),
    [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
  );
}

/** The sum of an f64x2's two lanes, in both lanes. */
export function hsum64(f: Fn, v: X): X {
  const m = f.mod;
  const t = f.local(f.b.v128);
  return m.block(null, [f.set(t, v), m.f64x2.add(f.get(t), m.i8x16.shuffle(f.get(t), f.get(t), SWAP64))], f.b.v128);
}

/** Loads `lanes` f32 of a stream at element `elem`: contiguous (step 4) or gathered. */
export function loadStream(f: Fn, s: Stream, lanes: number, elem: number): X {
  const m = f.mod;
  if (s.step === 4) return loadPartial(f, f.get(s.ptr), elem * 4, lanes);
  if (s.step === 0) return m.v128.load32_splat(0, 4, f.get(s.ptr));
  let v = m.v128.const(ZERO16);
  for (let k = 0; k < lanes; k++) v = m.f32x4.replace_lane(v, k, m.f32.load((elem + k) * s.step, 4, f.get(s.ptr)));
  return v;
}

/** Stores the low `lanes` of `val` (a local) to a stream at element `elem`. */
export function storeStream(f: Fn, s: Stream, lanes: number, elem: number, val: number): X[] {
  const m = f.mod;
  if (s.step === 4) return storePartial(f, f.get(s.ptr), elem * 4, lanes, f.get(val));
  const out: X[] = [];
  for (let k = 0; k < lanes; k++) out.push(m.v128.store32_lane((elem + k) * s.step, 4, k, f.get(s.ptr), f.get(val)));
  return out;
}

function checkName(name: string): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`kernel name ${JSON.stringify(name)} is not an identifier`);
}

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
            return m.f32x4.neg(v);
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
// Loop nests over static dims (0 = the batch B) with per-operand element strides

interface CDim {
  /** Static extent; × n when batch. */
  ext: number;
  batch: boolean;
  /** Per strided operand, its element stride along this dim. */
  strides: number[];
}

function checkDims(name: string, dims: readonly number[], strideSets: readonly (readonly number[])[]): void {
  dims.forEach((d, i) => {
    if (!(Number.isInteger(d) && d >= 0)) throw new Error(`${name}: dims must be non-negative integers`);
    if (d === 0 && i !== 0) throw new Error(`${name}: only dim 0 may be the batch (0)`);
  });
  for (const s of strideSets) {
    if (s.length !== dims.length || s.some((v) => !(Number.isInteger(v) && v >= 0)))
      throw new Error(`${name}: a stride table does not match dims`);
  }
}

/** Drops unit dims and merges adjacent dims over which every operand is contiguous. */
function canonical(dims: readonly number[], strideSets: readonly (readonly number[])[]): CDim[] {
  const list: CDim[] = [];
  dims.forEach((d, i) => {
    if (d === 1) return;
    list.push({ ext: d === 0 ? 1 : d, batch: d === 0, strides: strideSets.map((s) => s[i]) });
  });
  const out: CDim[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const cur = list[i];
    const next = out[0];
    if (next && !next.batch && cur.strides.every((s, k) => s === next.strides[k] * next.ext)) {
      out[0] = { ext: cur.ext * next.ext, batch: cur.batch, strides: next.strides };
    } else out.unshift({ ...cur, strides: [...cur.strides] });
  }
  if (out.length === 0) out.push({ ext: 1, batch: false, strides: strideSets.map(() => 0) });
  return out;
}

function extentOf(f: Fn, d: CDim, n: (() => X) | null): Count {
  if (!d.batch) return d.ext;
  if (!n) throw new Error("internal: a batch dim without n");
  return countOf(f, { perRow: d.ext, batched: true }, n);
}

/**
 * The loop nest over `dims` (row-major): `inner(ptrs, count)` handles the innermost dim
 * given working pointer locals of the strided operands (at the row's start; it may advance
 * them). `bases` are the strided operands' base pointer locals (not modified).
 */
function nest(
  f: Fn,
  dims: readonly CDim[],
  n: (() => X) | null,
  bases: readonly number[],
  inner: (ptrs: number[], count: Count, d: CDim) => X[],
): X {
  const m = f.mod;
  const level = (l: number, from: readonly number[]): X => {
    const cur = from.map(() => f.local(f.b.i32));
    const init = cur.map((c, k) => f.set(c, f.get(from[k])));
    const d = dims[l];
    if (l === dims.length - 1) return m.block(null, [...init, ...inner(cur, extentOf(f, d, n), d)]);
    const step = cur.flatMap((c, k) => (d.strides[k] !== 0 ? [f.addI(c, d.strides[k] * 4)] : []));
    return m.block(null, [...init, repeat(f, extentOf(f, d, n), [level(l + 1, cur), ...step])]);
  };
  return level(0, bases);
}

/** Whether a dims table uses the batch (a 0 entry). */
const usesBatch = (dims: readonly number[]): boolean => dims.includes(0);

function countFromDims(f: Fn, dims: readonly number[], keep: (i: number) => boolean, n: (() => X) | null): Count {
  let fixed = 1;
  let batch = false;
  dims.forEach((d, i) => {
    if (!keep(i)) return;
    if (d === 0) batch = true;
    else fixed *= d;
  });
  return batch ? countOf(f, { perRow: fixed, batched: true }, n as () => X) : fixed;
}

/** A count (static, or an i32 expression factory) as an f64 expression. */
export const asF64 = (f: Fn, c: Count): X => (typeof c === "number" ? f.mod.f64.const(c) : f.mod.f64.convert_s.i32(c()));

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
// Reductions (sum / mean / sum_to) and their adjoint (spread, broadcast_to)

export interface ReduceSpec {
  readonly name: string;
  /** The input's dims, 0 = B (dim 0 only). */
  readonly dims: readonly number[];
  /** Per input dim, the element stride into the output (0 on reduced dims). */
  readonly outStrides: readonly number[];
  /** Multiply by (output elements)/(input elements), counted with n: a mean. */
  readonly mean?: boolean;
}

export function reduceParams(spec: ReduceSpec): string[] {
  return [...nParam(usesBatch(spec.dims)), "y", "x"];
}

/** f32 (output count)/(input count) of a reduction's tables, computed in f64 with n. */
function meanScale(f: Fn, dims: readonly number[], strides: readonly number[], n: (() => X) | null): X {
  const m = f.mod;
  const kept = countFromDims(f, dims, (i) => strides[i] !== 0, n);
  const all = countFromDims(f, dims, () => true, n);
  return m.f32x4.splat(m.f32.demote(m.f64.div(asF64(f, kept), asF64(f, all))));
}

/**
 * reduce of runtime/kernels/elementwise.ts: y (its kept dims, row-major) = Σ x over the
 * dims whose outStride is 0, × kept/all when `mean`. y is zeroed first; where the
 * innermost dim is kept, every output sums in the reference's order (bit-identical).
 */
export function addReduce(b: BinaryenApi, mod: Mod, spec: ReduceSpec): void {
  checkName(spec.name);
  checkDims(spec.name, spec.dims, [spec.outStrides]);
  const m = mod;
  const dims = canonical(spec.dims, [spec.outStrides]);
  addKernel(
    b,
    mod,
    spec.name,
    reduceParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = usesBatch(spec.dims) ? () => f.get(p("n")) : null;
      const x = f.local(b.i32);
      const y0 = f.local(b.i32);
      const yz = f.local(b.i32);
      const acc = f.local(b.v128);
      const r = f.local(b.v128);
      const zero = f.local(b.v128);
      const sx: Stream = { ptr: x, step: 4 };
      const outCount = countFromDims(f, spec.dims, (i) => spec.outStrides[i] !== 0, n);
      const inner = (ptrs: number[], count: Count, d: CDim): X[] => {
        const sy: Stream = { ptr: ptrs[0], step: d.strides[0] * 4 };
        if (sy.step === 0) {
          // A row sum: 4 partial sums, then y[o] += their total.
          return [
            f.set(acc, f.get(zero)),
            flatLoop(f, count, [sx], (lanes, e) => [f.set(acc, m.f32x4.add(f.get(acc), loadStream(f, sx, lanes, e)))]),
            m.f32.store(
              0,
              4,
              f.get(sy.ptr),
              m.f32.add(
                m.f32.load(0, 4, f.get(sy.ptr)),
                m.f32x4.extract_lane(
                  hReduce(f, f.get(acc), (a, c) => m.f32x4.add(a, c)),
                  0,
                ),
              ),
            ),
          ];
        }
        return [
          flatLoop(f, count, [sx, sy], (lanes, e) => [
            f.set(r, m.f32x4.add(loadStream(f, sy, lanes, e), loadStream(f, sx, lanes, e))),
            ...storeStream(f, sy, lanes, e, r),
          ]),
        ];
      };
      const syz: Stream = { ptr: yz, step: 4 };
      const body: X[] = [
        f.set(x, f.get(p("x"))),
        f.set(y0, f.get(p("y"))),
        f.set(yz, f.get(y0)),
        f.set(zero, m.v128.const(ZERO16)),
        flatLoop(f, outCount, [syz], (lanes, e) => storeStream(f, syz, lanes, e, zero), { unroll: 4 }),
        nest(f, dims, n, [y0], inner),
      ];
      if (spec.mean) {
        const sc = f.local(b.v128);
        body.push(
          f.set(sc, meanScale(f, spec.dims, spec.outStrides, n)),
          f.set(yz, f.get(y0)),
          flatLoop(f, outCount, [syz], (lanes, e) => [
            f.set(r, m.f32x4.mul(loadStream(f, syz, lanes, e), f.get(sc))),
            ...storeStream(f, syz, lanes, e, r),
          ]),
        );
      }
      return body;
    },
  );
}

export interface SpreadSpec {
  readonly name: string;
  /** The output's (full) dims, 0 = B (dim 0 only). */
  readonly dims: readonly number[];
  /** Per output dim, the element stride into dy (0 on dims dy was reduced over). */
  readonly inStrides: readonly number[];
  /** Multiply by (dy elements)/(y elements), counted with n: the adjoint of a mean. */
  readonly mean?: boolean;
}

export function spreadParams(spec: SpreadSpec): string[] {
  return [...nParam(usesBatch(spec.dims)), "y", "dy"];
}

/** spread of runtime/kernels/elementwise.ts: y[i] = scale · dy[the reduced index of i]. */
export function addSpread(b: BinaryenApi, mod: Mod, spec: SpreadSpec): void {
  checkName(spec.name);
  checkDims(spec.name, spec.dims, [spec.inStrides]);
  const m = mod;
  const dims = canonical(spec.dims, [spec.inStrides]);
  addKernel(
    b,
    mod,
    spec.name,
    spreadParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = usesBatch(spec.dims) ? () => f.get(p("n")) : null;
      const y = f.local(b.i32);
      const d0 = f.local(b.i32);
      const sc = f.local(b.v128);
      const r = f.local(b.v128);
      const sy: Stream = { ptr: y, step: 4 };
      const scaled = (v: X): X => (spec.mean ? m.f32x4.mul(v, f.get(sc)) : v);
      const inner = (ptrs: number[], count: Count, d: CDim): X[] => {
        const sd: Stream = { ptr: ptrs[0], step: d.strides[0] * 4 };
        if (sd.step === 0) {
          return [
            f.set(r, scaled(m.v128.load32_splat(0, 4, f.get(sd.ptr)))),
            flatLoop(f, count, [sy], (lanes, e) => storeStream(f, sy, lanes, e, r), { unroll: 4 }),
          ];
        }
        return [
          flatLoop(f, count, [sy, sd], (lanes, e) => [f.set(r, scaled(loadStream(f, sd, lanes, e))), ...storeStream(f, sy, lanes, e, r)]),
        ];
      };
      const body: X[] = [f.set(y, f.get(p("y"))), f.set(d0, f.get(p("dy")))];
      if (spec.mean) body.push(f.set(sc, meanScale(f, spec.dims, spec.inStrides, n)));
      body.push(nest(f, dims, n, [d0], inner));
      return body;
    },
  );
}

// ---------------------------------------------------------------------------------------
// Softmax over [outer, len, inner]

export interface SoftmaxSpec {
  readonly name: string;
  /** outer = outerPerRow · n when batched, else outerPerRow. */
  readonly outerPerRow: number;
  readonly batched: boolean;
  /** The softmax axis's length. */
  readonly len: number;
  /** Elements after the axis (1: along the last axis). */
  readonly inner: number;
}

export function softmaxParams(spec: SoftmaxSpec): string[] {
  return [...nParam(spec.batched), "y", "x"];
}

export function softmaxGradParams(spec: SoftmaxSpec): string[] {
  return [...nParam(spec.batched), "dx", "dy", "y"];
}

function checkSoftmax(spec: SoftmaxSpec): void {
  checkName(spec.name);
  for (const k of ["outerPerRow", "len", "inner"] as const) {
    if (!(Number.isInteger(spec[k]) && spec[k] >= (k === "outerPerRow" ? 0 : 1)))
      throw new Error(`${spec.name}: ${k} must be a positive integer`);
  }
}

/**
 * Per softmax group (a row when inner = 1, else a block of ≤ 4 adjacent inner positions
 * read with stride inner): `passes(ptrs, lanes, vec, count, stepBytes)`; with inner = 1 the
 * vectors run along the axis (masked tails), otherwise each lane is its own group.
 */
function softmaxNest(
  f: Fn,
  spec: SoftmaxSpec,
  n: (() => X) | null,
  bufs: number[],
  group: (ptrs: number[], along: boolean, lanes: number) => X[],
): X {
  const m = f.mod;
  const { len, inner } = spec;
  const outer = countOf(f, { perRow: spec.outerPerRow, batched: spec.batched }, n ?? (() => f.i32(0)));
  const rows = bufs.map(() => f.local(f.b.i32));
  const init = rows.map((r, k) => f.set(r, f.get(bufs[k])));
  if (inner === 1) return m.block(null, [...init, repeat(f, outer, [...group(rows, true, 4), ...rows.map((r) => f.addI(r, len * 4))])]);
  const blocks: X[] = [];
  const cols = rows.map(() => f.local(f.b.i32));
  const full = Math.floor(inner / 4);
  const tail = inner % 4;
  blocks.push(...cols.map((c, k) => f.set(c, f.get(rows[k]))));
  if (full > 0) blocks.push(repeat(f, full, [...group(cols, false, 4), ...cols.map((c) => f.addI(c, 16))]));
  if (tail > 0) blocks.push(...group(cols, false, tail));
  return m.block(null, [...init, repeat(f, outer, [...blocks, ...rows.map((r) => f.addI(r, len * inner * 4))])]);
}

/**
 * A pass over one softmax group: `body(vectors…)` per step, vectors loaded from `reads`
 * (indices into ptrs); along = true: `len` elements contiguous with masked tails (the
 * body gets lanes); otherwise `len` steps of stride inner, `lanes` lanes each.
 */
function groupPass(
  f: Fn,
  spec: SoftmaxSpec,
  ptrs: number[],
  along: boolean,
  lanes: number,
  body: (lanesNow: number, elem: number, streams: Stream[]) => X[],
): X {
  const m = f.mod;
  const work = ptrs.map(() => f.local(f.b.i32));
  const init = work.map((w, k) => f.set(w, f.get(ptrs[k])));
  if (along) {
    const streams = work.map((ptr) => ({ ptr, step: 4 }));
    return m.block(null, [...init, flatLoop(f, spec.len, streams, (l, e) => body(l, e, streams), { unrollUpTo: 16 })]);
  }
  const streams = work.map((ptr) => ({ ptr, step: 4 }));
  return m.block(null, [...init, repeat(f, spec.len, [...body(lanes, 0, streams), ...work.map((w) => f.addI(w, spec.inner * 4))])]);
}

/** softmax of runtime/kernels/elementwise.ts: max, Σ exp(x − max), scale by 1/Σ. */
export function addSoftmax(b: BinaryenApi, mod: Mod, spec: SoftmaxSpec): void {
  checkSoftmax(spec);
  const m = mod;
  addKernel(
    b,
    mod,
    spec.name,
    softmaxParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = spec.batched ? () => f.get(p("n")) : null;
      const mx = f.local(b.v128);
      const sum = f.local(b.v128);
      const e = f.local(b.v128);
      const group = (ptrs: number[], along: boolean, lanes: number): X[] => {
        const [y, x] = ptrs;
        const negInf = (l: number, v: X): X => (along && l < 4 ? m.v128.bitselect(v, splatF(f, -Infinity), laneMask(f, l)) : v);
        // pmax (one instruction) skips a NaN, but the NaN's exp makes Σ and so the whole group
        // NaN, as the reference's NaN max does.
        const out: X[] = [
          f.set(mx, splatF(f, -Infinity)),
          groupPass(f, spec, [x], along, lanes, (l, el, [sx]) => [f.set(mx, m.f32x4.pmax(f.get(mx), negInf(l, loadStream(f, sx, l, el))))]),
        ];
        if (along)
          out.push(
            f.set(
              mx,
              hReduce(f, f.get(mx), (a, c) => m.f32x4.pmax(a, c)),
            ),
          );
        out.push(
          f.set(sum, m.v128.const(ZERO16)),
          groupPass(f, spec, [x, y], along, lanes, (l, el, [sx, sy]) => [
            f.set(e, expV(f, m.f32x4.sub(loadStream(f, sx, l, el), f.get(mx)))),
            ...storeStream(f, sy, l, el, e),
            f.set(sum, m.f32x4.add(f.get(sum), along && l < 4 ? m.v128.and(f.get(e), laneMask(f, l)) : f.get(e))),
          ]),
        );
        if (along)
          out.push(
            f.set(
              sum,
              hReduce(f, f.get(sum), (a, c) => m.f32x4.add(a, c)),
            ),
          );
        out.push(
          f.set(sum, m.f32x4.div(splatF(f, 1), f.get(sum))),
          groupPass(f, spec, [y], along, lanes, (l, el, [sy]) => [
            f.set(e, m.f32x4.mul(loadStream(f, sy, l, el), f.get(sum))),
            ...storeStream(f, sy, l, el, e),
          ]),
        );
        return out;
      };
      return [softmaxNest(f, spec, n, [p("y"), p("x")], group)];
    },
  );
}

/**
 * softmaxGrad of runtime/kernels/elementwise.ts: dx = y · (dy − Σ dy·y) along the axis,
 * in f64 as the reference (the products, their sum and y·(dy − dot) before rounding):
 * dy − dot cancels where dy is nearly constant along the axis.
 */
export function addSoftmaxGrad(b: BinaryenApi, mod: Mod, spec: SoftmaxSpec): void {
  checkSoftmax(spec);
  const m = mod;
  addKernel(
    b,
    mod,
    spec.name,
    softmaxGradParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = spec.batched ? () => f.get(p("n")) : null;
      const dlo = f.local(b.v128);
      const dhi = f.local(b.v128);
      const vy = f.local(b.v128);
      const vdy = f.local(b.v128);
      const r = f.local(b.v128);
      const group = (ptrs: number[], along: boolean, lanes: number): X[] => {
        const [dx, dy, y] = ptrs;
        const out: X[] = [
          f.set(dlo, m.v128.const(ZERO16)),
          f.set(dhi, m.v128.const(ZERO16)),
          groupPass(f, spec, [dy, y], along, lanes, (l, el, [sdy, sy]) => [
            f.set(vdy, loadStream(f, sdy, l, el)),
            f.set(vy, loadStream(f, sy, l, el)),
            f.set(dlo, m.f64x2.add(f.get(dlo), m.f64x2.mul(promoteLo(f, vdy), promoteLo(f, vy)))),
            ...(l > 2 || !along ? [f.set(dhi, m.f64x2.add(f.get(dhi), m.f64x2.mul(promoteHi(f, vdy), promoteHi(f, vy))))] : []),
          ]),
        ];
        if (along) out.push(f.set(dlo, hsum64(f, m.f64x2.add(f.get(dlo), f.get(dhi)))), f.set(dhi, f.get(dlo)));
        out.push(
          groupPass(f, spec, [dx, dy, y], along, lanes, (l, el, [sdx, sdy, sy]) => [
            f.set(vy, loadStream(f, sy, l, el)),
            f.set(vdy, loadStream(f, sdy, l, el)),
            f.set(
              r,
              demote2(
                f,
                m.f64x2.mul(promoteLo(f, vy), m.f64x2.sub(promoteLo(f, vdy), f.get(dlo))),
                m.f64x2.mul(promoteHi(f, vy), m.f64x2.sub(promoteHi(f, vdy), f.get(dhi))),
              ),
            ),
            ...storeStream(f, sdx, l, el, r),
          ]),
        );
        return out;
      };
      return [softmaxNest(f, spec, n, [p("dx"), p("dy"), p("y")], group)];
    },
  );
}

// ---------------------------------------------------------------------------------------
// sumRows (the bias gradient)

export interface SumRowsSpec {
  readonly name: string;
  /** rows = rowsPerBatch · n when batched, else rowsPerBatch. */
  readonly rowsPerBatch: number;
  readonly batched: boolean;
  readonly cols: number;
}

export function sumRowsParams(spec: SumRowsSpec): string[] {
  return [...nParam(spec.batched), "out", "dy"];
}

/** Columns per register block of sumRows (4 accumulators). */
const SUM_BLOCK = 16;

/** sumRows of runtime/kernels/dense.ts: out[j] = Σ_r dy[r, j], summed in row order (bit-identical). */
export function addSumRows(b: BinaryenApi, mod: Mod, spec: SumRowsSpec): void {
  checkName(spec.name);
  const { cols } = spec;
  if (!(Number.isInteger(cols) && cols > 0)) throw new Error(`${spec.name}: cols must be a positive integer`);
  checkExtent(spec.name, { perRow: spec.rowsPerBatch, batched: spec.batched });
  const m = mod;
  addKernel(
    b,
    mod,
    spec.name,
    sumRowsParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const rows = countOf(f, { perRow: spec.rowsPerBatch, batched: spec.batched }, () => f.get(p("n")));
      const col = f.local(b.i32); // dy at this block's first column
      const out = f.local(b.i32);
      const rp = f.local(b.i32);
      const acc = [0, 1, 2, 3].map(() => f.local(b.v128));
      const tmp = f.local(b.v128);
      const block = (width: number): X[] => {
        const nv = Math.ceil(width / 4);
        const lanes = (v: number) => Math.min(4, width - 4 * v);
        const code: X[] = [];
        for (let v = 0; v < nv; v++) code.push(f.set(acc[v], m.v128.const(ZERO16)));
        code.push(f.set(rp, f.get(col)));
        const step: X[] = [];
        for (let v = 0; v < nv; v++) step.push(f.set(acc[v], m.f32x4.add(f.get(acc[v]), loadPartial(f, f.get(rp), v * 16, lanes(v)))));
        code.push(repeat(f, rows, [...step, f.addI(rp, cols * 4)]));
        for (let v = 0; v < nv; v++) code.push(f.set(tmp, f.get(acc[v])), ...storePartial(f, f.get(out), v * 16, lanes(v), f.get(tmp)));
        return code;
      };
      const body: X[] = [f.set(col, f.get(p("dy"))), f.set(out, f.get(p("out")))];
      const full = Math.floor(cols / SUM_BLOCK);
      const tail = cols % SUM_BLOCK;
      if (full > 0) body.push(repeat(f, full, [...block(SUM_BLOCK), f.addI(col, SUM_BLOCK * 4), f.addI(out, SUM_BLOCK * 4)]));
      if (tail > 0) body.push(...block(tail));
      return body;
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
