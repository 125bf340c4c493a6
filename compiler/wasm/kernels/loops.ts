// The loop library the WebAssembly kernel generators build on (binaryen builder API, f32x4
// SIMD128): addKernel (one export per call, parameters by name), element counts (static,
// or n·perRow at run time), flat loops over f32x4 chunks with static or dispatched partial
// tails, streams (contiguous, splatted or gathered operands), lane masks, horizontal
// reductions, f32/f64 lane conversions, and loop nests over static dims with per-operand
// element strides. Used by elementwise.ts, reductions.ts, softmax.ts, the loss kernels,
// optimizers.ts, fused.ts, random.ts and the ops' own generators.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";

// ---------------------------------------------------------------------------------------
// Kernels, counts and flat loops

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

/**
 * Statement lists of equal length interleaved, the first statement of each list, then the
 * second of each, …: independent computations side by side, so that their dependency chains
 * overlap in the processor (the engine keeps the statements' order).
 */
export function lockstep(lists: readonly (readonly X[])[]): X[] {
  const out: X[] = [];
  for (let k = 0; k < lists[0].length; k++) for (const l of lists) out.push(l[k]);
  return out;
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

/** Throws unless `name` can be an export name (an identifier). */
export function checkName(name: string): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`kernel name ${JSON.stringify(name)} is not an identifier`);
}

// ---------------------------------------------------------------------------------------
// Loop nests over static dims (0 = the batch B) with per-operand element strides

export interface CDim {
  /** Static extent; × n when batch. */
  ext: number;
  batch: boolean;
  /** Per strided operand, its element stride along this dim. */
  strides: number[];
}

export function checkDims(name: string, dims: readonly number[], strideSets: readonly (readonly number[])[]): void {
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
export function canonical(dims: readonly number[], strideSets: readonly (readonly number[])[]): CDim[] {
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
export function nest(
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
export const usesBatch = (dims: readonly number[]): boolean => dims.includes(0);

export function countFromDims(f: Fn, dims: readonly number[], keep: (i: number) => boolean, n: (() => X) | null): Count {
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
