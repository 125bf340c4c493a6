// Loss kernels for the WebAssembly backend (binaryen builder API, SIMD128): the forward
// value and the gradient w.r.t. the prediction of every loss of runtime/kernels/losses.ts
// (Keras semantics, mean over the batch), specialized to the prediction's static row size.
//
// Calling convention (as elementwise.ts): [n,] buffers… with byte offsets; n only when
// batched. The prediction is viewed as [rows, cols], rows = rowsPerBatch · n when batched
// (else rowsPerBatch), cols its last axis; the elementwise losses (mse, mae, huber,
// binary_crossentropy, kl_divergence) work on the rows·cols elements, a tScalar target
// being t[0] for every element. kl_divergence sums each row and takes the mean over rows.
// Label smoothing reads a target t as t·(1 − ls) + ls/2 (binary) or + ls/cols
// (categorical), in f64 in the forward pass.
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
import type { Fn, Mod, X } from "./fn.js";
import {
  addKernel,
  asF64,
  type Count,
  countOf,
  flatLoop,
  loadStream,
  nParam,
  promoteHi,
  promoteLo,
  repeat,
  type Stream,
  tailsOf,
} from "./loops.js";
import {
  accumulate,
  EPS,
  f64x2c,
  log1pPair,
  log1pScalar,
  logPair,
  logScalar,
  rowExpSum,
  rowMax,
  rowSum64,
  smooth64,
  total,
  zeroAcc,
} from "./loss-kit.js";
import { absV, expV, negV } from "./math.js";

export type LossKind =
  | "mse"
  | "mae"
  | "huber"
  | "kl_divergence"
  | "binary_crossentropy"
  | "categorical_crossentropy"
  | "sparse_categorical_crossentropy";

/** The losses of one term per element (the rest are per row of cols classes). */
export const elementwiseLosses: ReadonlySet<LossKind> = new Set(["mse", "mae", "huber", "kl_divergence", "binary_crossentropy"]);

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
  /** Elementwise losses: the target is one scalar, t[0]. */
  readonly tScalar?: boolean;
  /** binary / categorical cross-entropy: Keras's label smoothing, in (0, 1]. */
  readonly labelSmoothing?: number;
  /** huber: the threshold δ > 0. */
  readonly delta?: number;
}

export function lossParams(spec: LossSpec): string[] {
  return [...nParam(spec.batched), "p", "t", "out"];
}

export function lossGradParams(spec: LossSpec): string[] {
  return [...nParam(spec.batched), "dp", "p", "t", "dl"];
}

/** Throws unless the spec describes a loss kernel these generators can build. */
export function checkLossSpec(spec: LossSpec): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(spec.name)) throw new Error(`kernel name ${JSON.stringify(spec.name)} is not an identifier`);
  if (!(Number.isInteger(spec.cols) && spec.cols > 0 && Number.isInteger(spec.rowsPerBatch) && spec.rowsPerBatch >= 0))
    throw new Error(`${spec.name}: cols and rowsPerBatch must be integers`);
  if (spec.tScalar && !elementwiseLosses.has(spec.loss)) throw new Error(`${spec.name}: tScalar is for the elementwise losses`);
  if (spec.loss === "huber" && !(typeof spec.delta === "number" && spec.delta > 0)) throw new Error(`${spec.name}: huber needs delta > 0`);
  const ls = spec.labelSmoothing;
  if (ls !== undefined && !((spec.loss === "binary_crossentropy" || spec.loss === "categorical_crossentropy") && ls > 0 && ls <= 1))
    throw new Error(`${spec.name}: label smoothing in (0, 1] is for binary and categorical cross-entropy`);
}

// ---------------------------------------------------------------------------------------
// Forward

/** Adds `name([n,] p, t, out) → f32`: the loss, also stored at out. */
export function addLoss(b: BinaryenApi, mod: Mod, spec: LossSpec): void {
  checkLossSpec(spec);
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
      if (elementwiseLosses.has(spec.loss)) {
        sum = elementwiseSum(f, spec, elems, f.get(p("p")), f.get(p("t")));
        den = spec.loss === "kl_divergence" ? rows : elems;
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

/** The elementwise losses: code whose last expression is the f64 sum of the terms. */
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
  // The target's halves in f64, label-smoothed for the binary cross-entropy.
  const tv = (half: 0 | 1) => smooth64(f, (half ? promoteHi : promoteLo)(f, vt), spec.labelSmoothing, 0.5 * (spec.labelSmoothing ?? 0));
  let loop: X;
  if (spec.loss === "mse" || spec.loss === "mae" || spec.loss === "huber") {
    // Σ of a function of d = p − t, the difference and the function in f64: d², |d|, or
    // Huber's 0.5·d² where |d| ≤ δ, else δ·(|d| − 0.5·δ).
    const d = [f.local(b.v128), f.local(b.v128)];
    const a = [f.local(b.v128), f.local(b.v128)];
    const delta = spec.delta ?? 1;
    const term = (half: 0 | 1) => (): X => {
      const x = f.get(d[half]);
      if (spec.loss === "mse") return m.f64x2.mul(x, f.get(d[half]));
      if (spec.loss === "mae") return m.f64x2.abs(x);
      return m.v128.bitselect(
        m.f64x2.mul(f64x2c(f, 0.5), m.f64x2.mul(x, f.get(d[half]))),
        m.f64x2.mul(f64x2c(f, delta), m.f64x2.sub(f.get(a[half]), f64x2c(f, 0.5 * delta))),
        m.f64x2.le(f.get(a[half]), f64x2c(f, delta)),
      );
    };
    loop = flatLoop(
      f,
      count,
      streams,
      (lanes, e) => [
        f.set(vp, loadStream(f, sp, lanes, e)),
        f.set(vt, loadT(lanes, e)),
        f.set(d[0], m.f64x2.sub(promoteLo(f, vp), promoteLo(f, vt))),
        f.set(d[1], m.f64x2.sub(promoteHi(f, vp), promoteHi(f, vt))),
        ...(spec.loss === "huber" ? [f.set(a[0], m.f64x2.abs(f.get(d[0]))), f.set(a[1], m.f64x2.abs(f.get(d[1])))] : []),
        ...accumulate(f, lanes, acc, term(0), term(1)),
      ],
      opts,
    );
  } else if (spec.loss === "kl_divergence") {
    // Σ t·log(t/p), t and p clipped to [ε, 1] in f64.
    const tc = [f.local(b.v128), f.local(b.v128)];
    const q = [f.local(b.v128), f.local(b.v128)];
    const l = [f.local(b.v128), f.local(b.v128)];
    const clip = (x: X) => m.f64x2.min(m.f64x2.max(x, f64x2c(f, EPS)), f64x2c(f, 1));
    loop = flatLoop(
      f,
      count,
      streams,
      (lanes, e) => [
        f.set(vp, loadStream(f, sp, lanes, e)),
        f.set(vt, loadT(lanes, e)),
        f.set(tc[0], clip(promoteLo(f, vt))),
        f.set(tc[1], clip(promoteHi(f, vt))),
        f.set(q[0], m.f64x2.div(f.get(tc[0]), clip(promoteLo(f, vp)))),
        f.set(q[1], m.f64x2.div(f.get(tc[1]), clip(promoteHi(f, vp)))),
        ...logPair(f, q[0], q[1], l[0], l[1]),
        ...accumulate(
          f,
          lanes,
          acc,
          () => m.f64x2.mul(f.get(tc[0]), f.get(l[0])),
          () => m.f64x2.mul(f.get(tc[1]), f.get(l[1])),
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
      return () => m.f64x2.add(m.f64x2.sub(m.f64x2.max(pr(f, vp), f64x2c(f, 0)), m.f64x2.mul(pr(f, vp), tv(half))), f.get(l[half]));
    };
    loop = flatLoop(
      f,
      count,
      streams,
      (lanes, e) => [
        f.set(vp, loadStream(f, sp, lanes, e)),
        f.set(vt, loadT(lanes, e)),
        f.set(e32, expV(f, negV(f, absV(f, f.get(vp))))),
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
    const term = (half: 0 | 1) => () =>
      m.f64x2.neg(m.f64x2.add(m.f64x2.mul(tv(half), f.get(lq[half])), m.f64x2.mul(m.f64x2.sub(f64x2c(f, 1), tv(half)), f.get(l1q[half]))));
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
  const ls = spec.labelSmoothing;
  const smooth = (x: X) => smooth64(f, x, ls, (ls ?? 0) / cols);
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
          () => m.f64x2.mul(smooth(promoteLo(f, vt)), m.f64x2.sub(f.get(m64), promoteLo(f, vz))),
          () => m.f64x2.mul(smooth(promoteHi(f, vt)), m.f64x2.sub(f.get(m64), promoteHi(f, vz))),
        ),
        ...accumulate(
          f,
          lanes,
          tsum,
          () => smooth(promoteLo(f, vt)),
          () => smooth(promoteHi(f, vt)),
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
              () => m.f64x2.mul(smooth(promoteLo(f, vt)), f.get(l[0])),
              () => m.f64x2.mul(smooth(promoteHi(f, vt)), f.get(l[1])),
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
