// Loss kernels for the WebAssembly backend (binaryen builder API, SIMD128): the forward
// value and the gradient w.r.t. the prediction of every loss of runtime/kernels/losses.ts
// (Keras semantics, mean over the batch), specialized to the prediction's static row size.
//
// Calling convention (as elementwise.ts): [n,] buffers… with byte offsets; n only when
// batched. The prediction is viewed as [rows, cols], rows = rowsPerBatch · n when batched
// (else rowsPerBatch), cols its last axis; mse and binary_crossentropy work on the
// rows·cols elements, a tScalar target being t[0] for every element.
//
//   addLoss(spec)      name([n,] p, t, out) → f32: writes the loss to out[0] (one f32) and
//                      returns it (lossParams(spec))
//   addLossGrad(spec)  name([n,] dp, p, t, dl): dp = dl[0] · ∂loss/∂p (lossGradParams(spec)),
//                      dl the byte offset of the one-f32 upstream gradient
//
// sparse_categorical_crossentropy's t is an i32 buffer of one class index per row, each in
// [0, cols) (not checked: the reference reads out of its row too).
//
// Numerics, as the reference computes in JS doubles: the forward sums every term in f64
// (f64x2 lanes), the differences and clips in f64; exp and log are the f32x4 SIMD functions of
// math.ts, with log(x) for an f64 x taken as log(f32(x)) + (x − f32(x))/f32(x) — so
// log Σ exp when Σ ≈ 1 (confident logits) and log(1 − q) for clipped q keep their relative
// accuracy — and log1p(e) as log(u) + ((1 − u) + e)/u, u = f32(1 + e), exact for tiny e. Gradients: the elementwise ones (mse, binary) in f32; the
// categorical ones combine in f64 (softmax − target cancels for confident rows) and round
// once. Clipping to [ε, 1 − ε] (ε = 1e-7) compares exactly as the reference's doubles do.
import type { BinaryenApi } from "./binaryen.js";
import { ZERO16, type Fn, type Mod, type X } from "./fn.js";
import {
  addKernel,
  asF64,
  countOf,
  demote2,
  flatLoop,
  hReduce,
  hsum64,
  laneMask,
  loadStream,
  nParam,
  promoteHi,
  promoteLo,
  repeat,
  storeStream,
  tailsOf,
  type Count,
  type Stream,
} from "./elementwise.js";
import { expV, logV, splatF } from "./math.js";

export type LossKind = "mse" | "binary_crossentropy" | "categorical_crossentropy" | "sparse_categorical_crossentropy";

export interface LossSpec {
  /** The export's name. */
  readonly name: string;
  readonly loss: LossKind;
  /** Cross-entropies: p holds logits. */
  readonly fromLogits?: boolean;
  /** rows = rowsPerBatch · n when batched, else rowsPerBatch. */
  readonly rowsPerBatch: number;
  readonly batched: boolean;
  /** The prediction's last axis. */
  readonly cols: number;
  /** mse / binary_crossentropy: the target is one scalar, t[0]. */
  readonly tScalar?: boolean;
}

/** Keras's ε (runtime/kernels/losses.ts EPSILON). */
const EPS = 1e-7;

export function lossParams(spec: LossSpec): string[] {
  return [...nParam(spec.batched), "p", "t", "out"];
}

export function lossGradParams(spec: LossSpec): string[] {
  return [...nParam(spec.batched), "dp", "p", "t", "dl"];
}

function check(spec: LossSpec): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(spec.name)) throw new Error(`kernel name ${JSON.stringify(spec.name)} is not an identifier`);
  if (!(Number.isInteger(spec.cols) && spec.cols > 0 && Number.isInteger(spec.rowsPerBatch) && spec.rowsPerBatch >= 0))
    throw new Error(`${spec.name}: cols and rowsPerBatch must be integers`);
  if (spec.tScalar && (spec.loss === "categorical_crossentropy" || spec.loss === "sparse_categorical_crossentropy"))
    throw new Error(`${spec.name}: tScalar is for mse and binary_crossentropy`);
}

// ---------------------------------------------------------------------------------------
// f64 helpers

const f64x2c = (f: Fn, c: number): X => f.mod.v128.const(Array.from(new Uint8Array(new Float64Array([c, c]).buffer)));

/** All-ones in the first 64-bit lane. */
const FIRST64 = [255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * ln of two f64x2 locals (positive, finite): log(f32(x)) by the SIMD log, plus the
 * first-order correction (x − f32(x))/f32(x), so the result has f32 log's relative accuracy
 * even where x is within an f32 ulp of 1. Sets outLo, outHi.
 */
function logPair(f: Fn, lo: number, hi: number, outLo: number, outHi: number): X[] {
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
function log1pPair(f: Fn, eLo: number, eHi: number, outLo: number, outHi: number): X[] {
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
function log1pScalar(f: Fn, x: X): X {
  const m = f.mod;
  const v = f.local(f.b.v128);
  const out = f.local(f.b.v128);
  const out2 = f.local(f.b.v128);
  return m.block(null, [f.set(v, m.f64x2.splat(x)), ...log1pPair(f, v, v, out, out2), m.f64x2.extract_lane(f.get(out), 0)], f.b.f64);
}

/** ln of one f64 (positive, finite), as logPair. */
function logScalar(f: Fn, x: X): X {
  const m = f.mod;
  const v = f.local(f.b.v128);
  const out = f.local(f.b.v128);
  const out2 = f.local(f.b.v128);
  return m.block(null, [f.set(v, m.f64x2.splat(x)), ...logPair(f, v, v, out, out2), m.f64x2.extract_lane(f.get(out), 0)], f.b.f64);
}

/** acc += term over the valid lanes of a chunk (lanes 1..4): the lo half, and the hi half if lanes > 2. */
function accumulate(f: Fn, lanes: number, acc: [number, number], lo: () => X, hi: () => X): X[] {
  const m = f.mod;
  const maskLo = (x: X) => (lanes === 1 ? m.v128.and(x, m.v128.const(FIRST64)) : x);
  const maskHi = (x: X) => (lanes === 3 ? m.v128.and(x, m.v128.const(FIRST64)) : x);
  const out = [f.set(acc[0], m.f64x2.add(f.get(acc[0]), maskLo(lo())))];
  if (lanes > 2) out.push(f.set(acc[1], m.f64x2.add(f.get(acc[1]), maskHi(hi()))));
  return out;
}

/** The f64 sum of an accumulator pair's four lanes. */
function total(f: Fn, acc: [number, number]): X {
  return f.mod.f64x2.extract_lane(hsum64(f, f.mod.f64x2.add(f.get(acc[0]), f.get(acc[1]))), 0);
}

const zeroAcc = (f: Fn, acc: [number, number]): X[] => acc.map((a) => f.set(a, f.mod.v128.const(ZERO16)));

/** The largest f32 below the double c (v < c ⟺ v ≤ it, for f32 v) and the smallest above it. */
function f32Below(c: number): number {
  const a = new Float32Array([c]);
  if (a[0] >= c) {
    const u = new Int32Array(a.buffer);
    u[0] += a[0] > 0 ? -1 : 1;
  }
  return a[0];
}
function f32Above(c: number): number {
  const a = new Float32Array([c]);
  if (a[0] <= c) {
    const u = new Int32Array(a.buffer);
    u[0] += a[0] >= 0 ? 1 : -1;
  }
  return a[0];
}

// ---------------------------------------------------------------------------------------
// Forward

/** Adds `name([n,] p, t, out) → f32`: the loss, also stored at out. */
export function addLoss(b: BinaryenApi, mod: Mod, spec: LossSpec): void {
  check(spec);
  const m = mod;
  const params = lossParams(spec);
  addKernel(
    b,
    mod,
    spec.name,
    params.map((p) => [p, b.i32] as const),
    b.f32,
    (f, p) => {
      const n = () => f.get(p("n"));
      const rows = countOf(f, { perRow: spec.rowsPerBatch, batched: spec.batched }, n);
      const elems = countOf(f, { perRow: spec.rowsPerBatch * spec.cols, batched: spec.batched }, n);
      const res = f.local(b.f32);
      let sum: X[];
      let den: Count;
      if (spec.loss === "mse" || spec.loss === "binary_crossentropy") {
        sum = elementwiseSum(f, spec, elems, f.get(p("p")), f.get(p("t")));
        den = elems;
      } else {
        sum = rowSum(f, spec, rows, f.get(p("p")), f.get(p("t")));
        den = rows;
      }
      const s = f.local(b.f64);
      return [
        ...sum.slice(0, -1),
        f.set(s, sum[sum.length - 1]),
        f.set(res, m.f32.demote(m.f64.div(f.get(s), asF64(f, den)))),
        m.f32.store(0, 4, f.get(p("out")), f.get(res)),
        f.get(res),
      ];
    },
  );
}

/** mse / binary_crossentropy: code whose last expression is the f64 sum of the terms. */
function elementwiseSum(f: Fn, spec: LossSpec, count: Count, p0: X, t0: X): X[] {
  const m = f.mod;
  const b = f.b;
  const sp: Stream = { ptr: f.local(b.i32), step: 4 };
  const st: Stream = { ptr: f.local(b.i32), step: spec.tScalar ? 0 : 4 };
  const acc: [number, number] = [f.local(b.v128), f.local(b.v128)];
  const vp = f.local(b.v128);
  const vt = f.local(b.v128);
  const ts = f.local(b.v128);
  const pre: X[] = [f.set(sp.ptr, p0), f.set(st.ptr, t0), ...zeroAcc(f, acc)];
  if (spec.tScalar) pre.push(f.set(ts, m.v128.load32_splat(0, 4, f.get(st.ptr))));
  const loadT = (lanes: number, e: number): X => (spec.tScalar ? f.get(ts) : loadStream(f, st, lanes, e));
  const streams = spec.tScalar ? [sp] : [sp, st];
  const opts = { tails: tailsOf({ perRow: spec.rowsPerBatch * spec.cols, batched: spec.batched }), unroll: 1, unrollUpTo: 8 };
  let loop: X;
  if (spec.loss === "mse") {
    // Σ (p − t)², the difference and square in f64.
    const d = [f.local(b.v128), f.local(b.v128)];
    loop = flatLoop(
      f,
      count,
      streams,
      (lanes, e) => [
        f.set(vp, loadStream(f, sp, lanes, e)),
        f.set(vt, loadT(lanes, e)),
        f.set(d[0], m.f64x2.sub(promoteLo(f, vp), promoteLo(f, vt))),
        f.set(d[1], m.f64x2.sub(promoteHi(f, vp), promoteHi(f, vt))),
        ...accumulate(
          f,
          lanes,
          acc,
          () => m.f64x2.mul(f.get(d[0]), f.get(d[0])),
          () => m.f64x2.mul(f.get(d[1]), f.get(d[1])),
        ),
      ],
      opts,
    );
  } else if (spec.fromLogits) {
    // max(z, 0) − z·t + log1p(e^−|z|) in f64, e^−|z| by the f32 exp.
    const e32 = f.local(b.v128);
    const u = [f.local(b.v128), f.local(b.v128)];
    const l = [f.local(b.v128), f.local(b.v128)];
    const term = (half: 0 | 1) => {
      const pr = half ? promoteHi : promoteLo;
      return () => m.f64x2.add(m.f64x2.sub(m.f64x2.max(pr(f, vp), f64x2c(f, 0)), m.f64x2.mul(pr(f, vp), pr(f, vt))), f.get(l[half]));
    };
    loop = flatLoop(
      f,
      count,
      streams,
      (lanes, e) => [
        f.set(vp, loadStream(f, sp, lanes, e)),
        f.set(vt, loadT(lanes, e)),
        f.set(e32, expV(f, m.f32x4.neg(m.f32x4.abs(f.get(vp))))),
        f.set(u[0], promoteLo(f, e32)),
        f.set(u[1], promoteHi(f, e32)),
        ...log1pPair(f, u[0], u[1], l[0], l[1]),
        ...accumulate(f, lanes, acc, term(0), term(1)),
      ],
      opts,
    );
  } else {
    // −(t·log q + (1 − t)·log(1 − q)), q = clip(p, ε, 1 − ε) in f64.
    const q = [f.local(b.v128), f.local(b.v128)];
    const q1 = [f.local(b.v128), f.local(b.v128)];
    const lq = [f.local(b.v128), f.local(b.v128)];
    const l1q = [f.local(b.v128), f.local(b.v128)];
    const clip = (x: X) => m.f64x2.min(m.f64x2.max(x, f64x2c(f, EPS)), f64x2c(f, 1 - EPS));
    const term = (half: 0 | 1) => {
      const pr = half ? promoteHi : promoteLo;
      return () =>
        m.f64x2.neg(
          m.f64x2.add(m.f64x2.mul(pr(f, vt), f.get(lq[half])), m.f64x2.mul(m.f64x2.sub(f64x2c(f, 1), pr(f, vt)), f.get(l1q[half]))),
        );
    };
    loop = flatLoop(
      f,
      count,
      streams,
      (lanes, e) => [
        f.set(vp, loadStream(f, sp, lanes, e)),
        f.set(vt, loadT(lanes, e)),
        f.set(q[0], clip(promoteLo(f, vp))),
        f.set(q[1], clip(promoteHi(f, vp))),
        f.set(q1[0], m.f64x2.sub(f64x2c(f, 1), f.get(q[0]))),
        f.set(q1[1], m.f64x2.sub(f64x2c(f, 1), f.get(q[1]))),
        ...logPair(f, q[0], q[1], lq[0], lq[1]),
        ...logPair(f, q1[0], q1[1], l1q[0], l1q[1]),
        ...accumulate(f, lanes, acc, term(0), term(1)),
      ],
      opts,
    );
  }
  return [...pre, loop, total(f, acc)];
}

/** The row max of cols f32 at the stream (masked tails), splat in a v128 (pmax skips NaN; its exp then makes the row NaN). */
function rowMax(f: Fn, ptr: number, cols: number, out: number): X[] {
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
function rowSum64(f: Fn, ptr: number, cols: number, out: number): X[] {
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
function rowExpSum(
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

/** categorical / sparse: code whose last expression is the f64 sum of the row losses. */
function rowSum(f: Fn, spec: LossSpec, rows: Count, p0: X, t0: X): X[] {
  const m = f.mod;
  const b = f.b;
  const { cols } = spec;
  const pr = f.local(b.i32);
  const tr = f.local(b.i32);
  const s = f.local(b.f64);
  const mx = f.local(b.v128);
  const sum = f.local(b.v128);
  const sparse = spec.loss === "sparse_categorical_crossentropy";
  const row: X[] = [];
  const label = () => m.i32.load(0, 4, f.get(tr));
  const atLabel = () => m.f32.load(0, 4, m.i32.add(f.get(pr), m.i32.shl(label(), f.i32(2))));
  const clip = (x: X) => m.f64.min(m.f64.max(x, m.f64.const(EPS)), m.f64.const(1 - EPS));
  if (sparse) {
    if (spec.fromLogits) {
      // lse − z[l] = (max − z[l]) + log1p(Σ e^(z − max) − 1)
      row.push(...rowMax(f, pr, cols, mx), ...rowExpSum(f, pr, cols, mx, sum, null));
      row.push(
        f.set(
          s,
          m.f64.add(
            f.get(s),
            m.f64.add(
              m.f64.sub(m.f64.promote(m.f32x4.extract_lane(f.get(mx), 0)), m.f64.promote(atLabel())),
              log1pScalar(f, m.f64x2.extract_lane(f.get(sum), 0)),
            ),
          ),
        ),
      );
    } else {
      // −log clip(p[l] / Σp)
      row.push(...rowSum64(f, pr, cols, sum));
      row.push(f.set(s, m.f64.sub(f.get(s), logScalar(f, clip(m.f64.div(m.f64.promote(atLabel()), m.f64x2.extract_lane(f.get(sum), 0)))))));
    }
    row.push(f.addI(pr, cols * 4), f.addI(tr, 4));
  } else {
    const st: Stream = { ptr: f.local(b.i32), step: 4 };
    const acc: [number, number] = [f.local(b.v128), f.local(b.v128)];
    const vt = f.local(b.v128);
    if (spec.fromLogits) {
      // Σ t·(lse − z) = Σ t·(max − z) + log1p(Σ e^(z − max) − 1) · Σ t
      const tsum: [number, number] = [f.local(b.v128), f.local(b.v128)];
      const m64 = f.local(b.v128);
      const extra = (lanes: number, e: number, vz: number): X[] => [
        f.set(vt, loadStream(f, st, lanes, e)),
        ...accumulate(
          f,
          lanes,
          acc,
          () => m.f64x2.mul(promoteLo(f, vt), m.f64x2.sub(f.get(m64), promoteLo(f, vz))),
          () => m.f64x2.mul(promoteHi(f, vt), m.f64x2.sub(f.get(m64), promoteHi(f, vz))),
        ),
        ...accumulate(
          f,
          lanes,
          tsum,
          () => promoteLo(f, vt),
          () => promoteHi(f, vt),
        ),
      ];
      row.push(...rowMax(f, pr, cols, mx), f.set(m64, promoteLo(f, mx)), f.set(st.ptr, f.get(tr)), ...zeroAcc(f, acc), ...zeroAcc(f, tsum));
      row.push(...rowExpSum(f, pr, cols, mx, sum, null, extra, [st]));
      row.push(
        f.set(
          s,
          m.f64.add(f.get(s), m.f64.add(total(f, acc), m.f64.mul(log1pScalar(f, m.f64x2.extract_lane(f.get(sum), 0)), total(f, tsum)))),
        ),
      );
    } else {
      // −Σ t·log clip(p / Σp)
      const sp: Stream = { ptr: f.local(b.i32), step: 4 };
      const vp = f.local(b.v128);
      const q = [f.local(b.v128), f.local(b.v128)];
      const l = [f.local(b.v128), f.local(b.v128)];
      const clip2 = (x: X) => m.f64x2.min(m.f64x2.max(x, f64x2c(f, EPS)), f64x2c(f, 1 - EPS));
      row.push(...rowSum64(f, pr, cols, sum), f.set(sp.ptr, f.get(pr)), f.set(st.ptr, f.get(tr)), ...zeroAcc(f, acc));
      row.push(
        flatLoop(
          f,
          cols,
          [sp, st],
          (lanes, e) => [
            f.set(vp, loadStream(f, sp, lanes, e)),
            f.set(vt, loadStream(f, st, lanes, e)),
            f.set(q[0], clip2(m.f64x2.div(promoteLo(f, vp), f.get(sum)))),
            f.set(q[1], clip2(m.f64x2.div(promoteHi(f, vp), f.get(sum)))),
            ...logPair(f, q[0], q[1], l[0], l[1]),
            ...accumulate(
              f,
              lanes,
              acc,
              () => m.f64x2.mul(promoteLo(f, vt), f.get(l[0])),
              () => m.f64x2.mul(promoteHi(f, vt), f.get(l[1])),
            ),
          ],
          { unrollUpTo: 16 },
        ),
      );
      row.push(f.set(s, m.f64.sub(f.get(s), total(f, acc))));
    }
    row.push(f.addI(pr, cols * 4), f.addI(tr, cols * 4));
  }
  return [f.set(pr, p0), f.set(tr, t0), f.set(s, m.f64.const(0)), repeat(f, rows, row), f.get(s)];
}

// ---------------------------------------------------------------------------------------
// Gradients

/** Adds `name([n,] dp, p, t, dl)`: dp = dl[0] · ∂loss/∂p. */
export function addLossGrad(b: BinaryenApi, mod: Mod, spec: LossSpec): void {
  check(spec);
  const m = mod;
  const params = lossGradParams(spec);
  addKernel(
    b,
    mod,
    spec.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = () => f.get(p("n"));
      const rows = countOf(f, { perRow: spec.rowsPerBatch, batched: spec.batched }, n);
      const elemExtent = { perRow: spec.rowsPerBatch * spec.cols, batched: spec.batched };
      const elems = countOf(f, elemExtent, n);
      const dl = () => m.f64.promote(m.f32.load(0, 4, f.get(p("dl"))));
      const k = f.local(b.f64);
      const kv = f.local(b.v128);
      const sdp: Stream = { ptr: f.local(b.i32), step: 4 };
      const sp: Stream = { ptr: f.local(b.i32), step: 4 };
      const st: Stream = { ptr: f.local(b.i32), step: spec.tScalar ? 0 : 4 };
      const init = [f.set(sdp.ptr, f.get(p("dp"))), f.set(sp.ptr, f.get(p("p"))), f.set(st.ptr, f.get(p("t")))];
      if (spec.loss === "mse" || spec.loss === "binary_crossentropy") {
        // k = (mse: 2·dl, bce: dl) / count, as f32
        const kk = spec.loss === "mse" ? m.f64.mul(m.f64.const(2), dl()) : dl();
        const vp = f.local(b.v128);
        const vt = f.local(b.v128);
        const r = f.local(b.v128);
        const pre: X[] = [...init, f.set(k, m.f64.div(kk, asF64(f, elems))), f.set(kv, m.f32x4.splat(m.f32.demote(f.get(k))))];
        if (spec.tScalar) pre.push(f.set(vt, m.v128.load32_splat(0, 4, f.get(st.ptr))));
        const streams = spec.tScalar ? [sdp, sp] : [sdp, sp, st];
        let value: () => X;
        const lo = f32Below(EPS);
        const hi = f32Above(1 - EPS);
        if (spec.loss === "mse") value = () => m.f32x4.mul(f.get(kv), m.f32x4.sub(f.get(vp), f.get(vt)));
        else if (spec.fromLogits) {
          // σ(z) − t with e = e^−|z|, c = e/(1 + e): z ≥ 0: (1 − t) − c; z < 0: c − t. Exact
          // where σ(z) rounds to 1 in f32 (confident logits, t = 1).
          const c = f.local(b.v128);
          value = () =>
            m.block(
              null,
              [
                f.set(c, expV(f, m.f32x4.neg(m.f32x4.abs(f.get(vp))))),
                f.set(c, m.f32x4.div(f.get(c), m.f32x4.add(splatF(f, 1), f.get(c)))),
                m.f32x4.mul(
                  f.get(kv),
                  m.v128.bitselect(
                    m.f32x4.sub(f.get(c), f.get(vt)),
                    m.f32x4.sub(m.f32x4.sub(splatF(f, 1), f.get(vt)), f.get(c)),
                    m.f32x4.lt(f.get(vp), splatF(f, 0)),
                  ),
                ),
              ],
              b.v128,
            );
        } else {
          // 0 where p < ε or p > 1 − ε, else k·(p − t)/(p·(1 − p)); NaN stays NaN.
          value = () =>
            m.v128.andnot(
              m.f32x4.mul(
                f.get(kv),
                m.f32x4.div(m.f32x4.sub(f.get(vp), f.get(vt)), m.f32x4.mul(f.get(vp), m.f32x4.sub(splatF(f, 1), f.get(vp)))),
              ),
              m.v128.or(m.f32x4.le(f.get(vp), splatF(f, lo)), m.f32x4.ge(f.get(vp), splatF(f, hi))),
            );
        }
        const heavy = spec.loss === "binary_crossentropy" && spec.fromLogits;
        return [
          ...pre,
          flatLoop(
            f,
            elems,
            streams,
            (lanes, e) => [
              f.set(vp, loadStream(f, sp, lanes, e)),
              ...(spec.tScalar ? [] : [f.set(vt, loadStream(f, st, lanes, e))]),
              f.set(r, value()),
              ...storeStream(f, sdp, lanes, e, r),
            ],
            { tails: tailsOf(elemExtent), unroll: heavy ? 1 : 2, unrollUpTo: heavy ? 8 : 32 },
          ),
        ];
      }
      // Categorical: per row; k = dl / rows in f64.
      const { cols } = spec;
      const k2 = f.local(b.v128);
      const pre: X[] = [...init, f.set(k, m.f64.div(dl(), asF64(f, rows))), f.set(k2, m.f64x2.splat(f.get(k)))];
      const pr = sp.ptr;
      const tr = st.ptr;
      const dr = sdp.ptr;
      const mx = f.local(b.v128);
      const sum = f.local(b.v128);
      const xs = f.local(b.v128);
      const row: X[] = [];
      const w: Stream = { ptr: f.local(b.i32), step: 4 };
      const wp: Stream = { ptr: f.local(b.i32), step: 4 };
      const wt: Stream = { ptr: f.local(b.i32), step: 4 };
      const ve = f.local(b.v128);
      const vt = f.local(b.v128);
      const r = f.local(b.v128);
      const sparse = spec.loss === "sparse_categorical_crossentropy";
      const labelAddr = (base: number) => m.i32.add(f.get(base), m.i32.shl(m.i32.load(0, 4, f.get(tr)), f.i32(2)));
      const loop = (streams: Stream[], body: (lanes: number, e: number) => X[]) => flatLoop(f, cols, streams, body, { unrollUpTo: 16 });
      if (spec.fromLogits) {
        // e = e^(z − max) into dp; S = Σe = 1 + x (f64); dp = k·(e/S·Σt − t) in f64.
        const tsum = f.local(b.v128);
        row.push(...rowMax(f, pr, cols, mx));
        if (sparse) {
          const el = f.local(b.f64);
          row.push(
            ...rowExpSum(f, pr, cols, mx, xs, dr),
            f.set(el, m.f64.promote(m.f32.load(0, 4, labelAddr(dr)))),
            f.set(sum, m.f64x2.add(f.get(xs), f64x2c(f, 1))),
          );
          row.push(
            f.set(w.ptr, f.get(dr)),
            loop([w], (lanes, e) => [
              f.set(ve, loadStream(f, w, lanes, e)),
              f.set(
                r,
                demote2(
                  f,
                  m.f64x2.mul(f.get(k2), m.f64x2.div(promoteLo(f, ve), f.get(sum))),
                  m.f64x2.mul(f.get(k2), m.f64x2.div(promoteHi(f, ve), f.get(sum))),
                ),
              ),
              ...storeStream(f, w, lanes, e, r),
            ]),
            // The label's entry: k·(e_l/S − 1) = k·((e_l − 1) − x)/S, x = S − 1.
            m.f32.store(
              0,
              4,
              labelAddr(dr),
              m.f32.demote(
                m.f64.div(
                  m.f64.mul(f.get(k), m.f64.sub(m.f64.sub(f.get(el), m.f64.const(1)), m.f64x2.extract_lane(f.get(xs), 0))),
                  m.f64x2.extract_lane(f.get(sum), 0),
                ),
              ),
            ),
          );
        } else {
          const tacc: [number, number] = [f.local(b.v128), f.local(b.v128)];
          row.push(f.set(wt.ptr, f.get(tr)), ...zeroAcc(f, tacc));
          row.push(
            ...rowExpSum(
              f,
              pr,
              cols,
              mx,
              xs,
              dr,
              (lanes, e) => [
                f.set(vt, loadStream(f, wt, lanes, e)),
                ...accumulate(
                  f,
                  lanes,
                  tacc,
                  () => promoteLo(f, vt),
                  () => promoteHi(f, vt),
                ),
              ],
              [wt],
            ),
            f.set(sum, m.f64x2.add(f.get(xs), f64x2c(f, 1))),
            f.set(tsum, hsum64(f, m.f64x2.add(f.get(tacc[0]), f.get(tacc[1])))),
            f.set(w.ptr, f.get(dr)),
            f.set(wt.ptr, f.get(tr)),
            loop([w, wt], (lanes, e) => {
              // k·(e/S·Σt − t) = k·((e·Σt − t) − t·x)/S: no cancellation for confident rows.
              const half = (pr2: typeof promoteLo) =>
                m.f64x2.div(
                  m.f64x2.mul(
                    f.get(k2),
                    m.f64x2.sub(m.f64x2.sub(m.f64x2.mul(pr2(f, ve), f.get(tsum)), pr2(f, vt)), m.f64x2.mul(pr2(f, vt), f.get(xs))),
                  ),
                  f.get(sum),
                );
              return [
                f.set(ve, loadStream(f, w, lanes, e)),
                f.set(vt, loadStream(f, wt, lanes, e)),
                f.set(r, demote2(f, half(promoteLo), half(promoteHi))),
                ...storeStream(f, w, lanes, e, r),
              ];
            }),
          );
        }
      } else if (sparse) {
        // q = p[l]/Σp; g = clipped ? 0 : −1/q; dp_j = k·g·(δ_jl − q)/Σp.
        const q = f.local(b.f64);
        const g = f.local(b.f64);
        const kg = f.local(b.f64);
        const s64 = f.local(b.f64);
        const c = f.local(b.v128);
        row.push(
          ...rowSum64(f, pr, cols, sum),
          f.set(s64, m.f64x2.extract_lane(f.get(sum), 0)),
          f.set(q, m.f64.div(m.f64.promote(m.f32.load(0, 4, labelAddr(pr))), f.get(s64))),
          f.set(
            g,
            m.select(
              m.i32.or(m.f64.lt(f.get(q), m.f64.const(EPS)), m.f64.gt(f.get(q), m.f64.const(1 - EPS))),
              m.f64.const(0),
              m.f64.div(m.f64.const(-1), f.get(q)),
            ),
          ),
          f.set(kg, m.f64.mul(f.get(k), f.get(g))),
          f.set(c, m.f32x4.splat(m.f32.demote(m.f64.div(m.f64.mul(f.get(kg), m.f64.neg(f.get(q))), f.get(s64))))),
          f.set(w.ptr, f.get(dr)),
          loop([w], (lanes, e) => storeStream(f, w, lanes, e, c)),
          m.f32.store(0, 4, labelAddr(dr), m.f32.demote(m.f64.div(m.f64.mul(f.get(kg), m.f64.sub(m.f64.const(1), f.get(q))), f.get(s64)))),
        );
      } else {
        // q = p/Σp; g = clipped ? 0 : −t/q (stored as f32 in dp); dot = Σ g·q; dp = k·(g − dot)/Σp.
        const vp = f.local(b.v128);
        const qv = [f.local(b.v128), f.local(b.v128)];
        const gv = [f.local(b.v128), f.local(b.v128)];
        const dot: [number, number] = [f.local(b.v128), f.local(b.v128)];
        const clipped = (x: number) => m.v128.or(m.f64x2.lt(f.get(x), f64x2c(f, EPS)), m.f64x2.gt(f.get(x), f64x2c(f, 1 - EPS)));
        row.push(
          ...rowSum64(f, pr, cols, sum),
          ...zeroAcc(f, dot),
          f.set(w.ptr, f.get(dr)),
          f.set(wp.ptr, f.get(pr)),
          f.set(wt.ptr, f.get(tr)),
          loop([w, wp, wt], (lanes, e) => [
            f.set(vp, loadStream(f, wp, lanes, e)),
            f.set(vt, loadStream(f, wt, lanes, e)),
            f.set(qv[0], m.f64x2.div(promoteLo(f, vp), f.get(sum))),
            f.set(qv[1], m.f64x2.div(promoteHi(f, vp), f.get(sum))),
            f.set(gv[0], m.v128.andnot(m.f64x2.div(m.f64x2.neg(promoteLo(f, vt)), f.get(qv[0])), clipped(qv[0]))),
            f.set(gv[1], m.v128.andnot(m.f64x2.div(m.f64x2.neg(promoteHi(f, vt)), f.get(qv[1])), clipped(qv[1]))),
            f.set(r, demote2(f, f.get(gv[0]), f.get(gv[1]))),
            ...storeStream(f, w, lanes, e, r),
            ...accumulate(
              f,
              lanes,
              dot,
              () => m.f64x2.mul(f.get(gv[0]), f.get(qv[0])),
              () => m.f64x2.mul(f.get(gv[1]), f.get(qv[1])),
            ),
          ]),
          f.set(vp, hsum64(f, m.f64x2.add(f.get(dot[0]), f.get(dot[1])))),
          f.set(w.ptr, f.get(dr)),
          loop([w], (lanes, e) => {
            const half = (pr2: typeof promoteLo) => m.f64x2.div(m.f64x2.mul(f.get(k2), m.f64x2.sub(pr2(f, ve), f.get(vp))), f.get(sum));
            return [
              f.set(ve, loadStream(f, w, lanes, e)),
              f.set(r, demote2(f, half(promoteLo), half(promoteHi))),
              ...storeStream(f, w, lanes, e, r),
            ];
          }),
        );
      }
      row.push(f.addI(pr, cols * 4), f.addI(dr, cols * 4), f.addI(tr, sparse ? 4 : cols * 4));
      return [...pre, repeat(f, rows, row)];
    },
  );
}
