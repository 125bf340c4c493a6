// The f64 arithmetic and row loops that the loss kernels (losses.ts, loss-grad.ts) share:
// Keras's ε, f64x2 constants, log and log1p of f64 values with f32 log's relative accuracy,
// f64 accumulators of f32 terms, the f32 neighbours of a clipping bound, and per-row max,
// f64 sum and Σ exp(z − max) with masked tails.
import { ZERO16, type Fn, type X } from "./fn.js";
import { demote2, flatLoop, hReduce, hsum64, laneMask, loadStream, promoteHi, promoteLo, storeStream, type Stream } from "./loops.js";
import { expV, logV, splatF } from "./math.js";

/** Keras's ε (runtime/kernels/losses.ts EPSILON). */
export const EPS = 1e-7;

// ---------------------------------------------------------------------------------------
// f64 helpers

export const f64x2c = (f: Fn, c: number): X => f.mod.v128.const(Array.from(new Uint8Array(new Float64Array([c, c]).buffer)));

/** A target's f64x2 half with label smoothing, t·(1 − ls) + add (add = ls/2 binary, ls/cols categorical); t without. */
export function smooth64(f: Fn, t: X, ls: number | undefined, add: number): X {
  return ls ? f.mod.f64x2.add(f.mod.f64x2.mul(t, f64x2c(f, 1 - ls)), f64x2c(f, add)) : t;
}

/** All-ones in the first 64-bit lane. */
const FIRST64 = [255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * ln of two f64x2 locals (positive, finite): log(f32(x)) by the SIMD log, plus the
 * first-order correction (x − f32(x))/f32(x), so the result has f32 log's relative accuracy
 * even where x is within an f32 ulp of 1. Sets outLo, outHi.
 */
export function logPair(f: Fn, lo: number, hi: number, outLo: number, outHi: number): X[] {
  const m = f.mod;
  const xf = f.local(f.b.v128);
  const l = f.local(f.b.v128);
  const t = f.local(f.b.v128);
  const half = (src: number, out: number, promote: (f: Fn, v: number) => X): X[] => [
    f.set(t, promote(f, xf)),
    f.set(out, m.f64x2.add(promote(f, l), m.f64x2.div(m.f64x2.sub(f.get(src), f.get(t)), f.get(t)))),
  ];
  return [
    f.set(xf, demote2(f, f.get(lo), f.get(hi))),
    f.set(l, logV(f, f.get(xf))),
    ...half(lo, outLo, promoteLo),
    ...half(hi, outHi, promoteHi),
  ];
}

/**
 * ln(1 + e) of two f64x2 locals (e ≥ 0, finite): log(u) for u = f32(1 + e) plus
 * ((1 − u) + e)/u, so that e below f64's ulp of 1 still counts (log1p(e) = e there).
 */
export function log1pPair(f: Fn, eLo: number, eHi: number, outLo: number, outHi: number): X[] {
  const m = f.mod;
  const xf = f.local(f.b.v128);
  const l = f.local(f.b.v128);
  const t = f.local(f.b.v128);
  const one = () => f64x2c(f, 1);
  const half = (e: number, out: number, promote: (f: Fn, v: number) => X): X[] => [
    f.set(t, promote(f, xf)),
    f.set(out, m.f64x2.add(promote(f, l), m.f64x2.div(m.f64x2.add(m.f64x2.sub(one(), f.get(t)), f.get(e)), f.get(t)))),
  ];
  return [
    f.set(xf, demote2(f, m.f64x2.add(one(), f.get(eLo)), m.f64x2.add(one(), f.get(eHi)))),
    f.set(l, logV(f, f.get(xf))),
    ...half(eLo, outLo, promoteLo),
    ...half(eHi, outHi, promoteHi),
  ];
}

/** ln(1 + x) of one f64 (x ≥ 0, finite), as log1pPair. */
export function log1pScalar(f: Fn, x: X): X {
  const m = f.mod;
  const v = f.local(f.b.v128);
  const out = f.local(f.b.v128);
  const out2 = f.local(f.b.v128);
  return m.block(null, [f.set(v, m.f64x2.splat(x)), ...log1pPair(f, v, v, out, out2), m.f64x2.extract_lane(f.get(out), 0)], f.b.f64);
}

/** ln of one f64 (positive, finite), as logPair. */
export function logScalar(f: Fn, x: X): X {
  const m = f.mod;
  const v = f.local(f.b.v128);
  const out = f.local(f.b.v128);
  const out2 = f.local(f.b.v128);
  return m.block(null, [f.set(v, m.f64x2.splat(x)), ...logPair(f, v, v, out, out2), m.f64x2.extract_lane(f.get(out), 0)], f.b.f64);
}

/** acc += term over the valid lanes of a chunk (lanes 1..4): the lo half, and the hi half if lanes > 2. */
export function accumulate(f: Fn, lanes: number, acc: [number, number], lo: () => X, hi: () => X): X[] {
  const m = f.mod;
  const maskLo = (x: X) => (lanes === 1 ? m.v128.and(x, m.v128.const(FIRST64)) : x);
  const maskHi = (x: X) => (lanes === 3 ? m.v128.and(x, m.v128.const(FIRST64)) : x);
  const out = [f.set(acc[0], m.f64x2.add(f.get(acc[0]), maskLo(lo())))];
  if (lanes > 2) out.push(f.set(acc[1], m.f64x2.add(f.get(acc[1]), maskHi(hi()))));
  return out;
}

/** The f64 sum of an accumulator pair's four lanes. */
export function total(f: Fn, acc: [number, number]): X {
  return f.mod.f64x2.extract_lane(hsum64(f, f.mod.f64x2.add(f.get(acc[0]), f.get(acc[1]))), 0);
}

export const zeroAcc = (f: Fn, acc: [number, number]): X[] => acc.map((a) => f.set(a, f.mod.v128.const(ZERO16)));

/** The largest f32 below the double c (v < c ⟺ v ≤ it, for f32 v) and the smallest above it. */
export function f32Below(c: number): number {
  const a = new Float32Array([c]);
  if (a[0] >= c) {
    const u = new Int32Array(a.buffer);
    u[0] += a[0] > 0 ? -1 : 1;
  }
  return a[0];
}
export function f32Above(c: number): number {
  const a = new Float32Array([c]);
  if (a[0] <= c) {
    const u = new Int32Array(a.buffer);
    u[0] += a[0] >= 0 ? 1 : -1;
  }
  return a[0];
}

/** The row max of cols f32 at the stream (masked tails), splat in a v128 (pmax skips NaN; its exp then makes the row NaN). */
export function rowMax(f: Fn, ptr: number, cols: number, out: number): X[] {
  const m = f.mod;
  const s: Stream = { ptr: f.local(f.b.i32), step: 4 };
  return [
    f.set(s.ptr, f.get(ptr)),
    f.set(out, splatF(f, -Infinity)),
    flatLoop(
      f,
      cols,
      [s],
      (lanes, e) => {
        const v = loadStream(f, s, lanes, e);
        return [f.set(out, m.f32x4.pmax(f.get(out), lanes < 4 ? m.v128.bitselect(v, splatF(f, -Infinity), laneMask(f, lanes)) : v))];
      },
      { unrollUpTo: 16 },
    ),
    f.set(
      out,
      hReduce(f, f.get(out), (a, c) => m.f32x4.pmax(a, c)),
    ),
  ];
}

/** The f64 sum of a row of cols f32 (in both lanes of an f64x2). */
export function rowSum64(f: Fn, ptr: number, cols: number, out: number): X[] {
  const m = f.mod;
  const s: Stream = { ptr: f.local(f.b.i32), step: 4 };
  const acc: [number, number] = [f.local(f.b.v128), f.local(f.b.v128)];
  const v = f.local(f.b.v128);
  return [
    f.set(s.ptr, f.get(ptr)),
    ...zeroAcc(f, acc),
    flatLoop(
      f,
      cols,
      [s],
      (lanes, e) => [
        f.set(v, loadStream(f, s, lanes, e)),
        ...accumulate(
          f,
          lanes,
          acc,
          () => promoteLo(f, v),
          () => promoteHi(f, v),
        ),
      ],
      { unrollUpTo: 16 },
    ),
    f.set(out, hsum64(f, m.f64x2.add(f.get(acc[0]), f.get(acc[1])))),
  ];
}

/**
 * x = Σ_j e^(z_j − max) − 1 of a row in f64 (both lanes of out), accurate when the sum is
 * within f64's ulp of 1 (confident rows): the entries at the max (e = 1 exactly) are counted
 * apart from the rest. e = the f32 exps, also stored at `store` if given.
 */
export function rowExpSum(
  f: Fn,
  ptr: number,
  cols: number,
  mx: number,
  out: number,
  store: number | null,
  extra?: (lanes: number, e: number, vz: number) => X[],
  extraPtrs: Stream[] = [],
): X[] {
  const m = f.mod;
  const s: Stream = { ptr: f.local(f.b.i32), step: 4 };
  const d: Stream | null = store === null ? null : { ptr: f.local(f.b.i32), step: 4 };
  const rest: [number, number] = [f.local(f.b.v128), f.local(f.b.v128)];
  const ones: [number, number] = [f.local(f.b.v128), f.local(f.b.v128)];
  const vz = f.local(f.b.v128);
  const ve = f.local(f.b.v128);
  const top = f.local(f.b.v128);
  const streams = [s, ...(d ? [d] : []), ...extraPtrs];
  return [
    f.set(s.ptr, f.get(ptr)),
    ...(d && store !== null ? [f.set(d.ptr, f.get(store))] : []),
    ...zeroAcc(f, rest),
    ...zeroAcc(f, ones),
    flatLoop(
      f,
      cols,
      streams,
      (lanes, e) => [
        f.set(vz, loadStream(f, s, lanes, e)),
        f.set(ve, expV(f, m.f32x4.sub(f.get(vz), f.get(mx)))),
        ...(d ? storeStream(f, d, lanes, e, ve) : []),
        ...(extra ? extra(lanes, e, vz) : []),
        f.set(top, m.f32x4.eq(f.get(vz), f.get(mx))),
        f.set(vz, m.v128.andnot(f.get(ve), f.get(top))),
        f.set(top, m.v128.and(f.get(ve), f.get(top))),
        ...accumulate(
          f,
          lanes,
          rest,
          () => promoteLo(f, vz),
          () => promoteHi(f, vz),
        ),
        ...accumulate(
          f,
          lanes,
          ones,
          () => promoteLo(f, top),
          () => promoteHi(f, top),
        ),
      ],
      { unrollUpTo: 16 },
    ),
    f.set(out, m.f64x2.splat(m.f64.add(m.f64.sub(total(f, ones), m.f64.const(1)), total(f, rest)))),
  ];
}
