// The gradients of the losses for the WebAssembly backend (binaryen builder API, SIMD128):
// dp = dl[0] · ∂loss/∂p for every loss of losses.ts, with its calling convention and
// numerics. The elementwise gradients are f32 (label smoothing of a binary target too).
import type { BinaryenApi } from "./binaryen.js";
import type { Mod, X } from "./fn.js";
import {
  addKernel,
  asF64,
  countOf,
  demote2,
  flatLoop,
  hsum64,
  loadStream,
  promoteHi,
  promoteLo,
  repeat,
  storeStream,
  type Stream,
  tailsOf,
} from "./loops.js";
import { accumulate, EPS, f32Above, f32Below, f64x2c, rowExpSum, rowMax, rowSum64, smooth64, zeroAcc } from "./loss-kit.js";
import { checkLossSpec, elementwiseLosses, lossGradParams, type LossSpec } from "./losses.js";
import { absV, expV, negV, splatF } from "./math.js";

// ---------------------------------------------------------------------------------------
// Gradients

/** Adds `name([n,] dp, p, t, dl)`: dp = dl[0] · ∂loss/∂p. */
export function addLossGrad(b: BinaryenApi, mod: Mod, spec: LossSpec): void {
  checkLossSpec(spec);
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
      if (elementwiseLosses.has(spec.loss)) {
        // k = (mse: 2·dl, the others: dl) / (elements, or rows for kl_divergence), as f32
        const kk = spec.loss === "mse" ? m.f64.mul(m.f64.const(2), dl()) : dl();
        const vp = f.local(b.v128);
        const vt = f.local(b.v128);
        const r = f.local(b.v128);
        const den = spec.loss === "kl_divergence" ? rows : elems;
        const pre: X[] = [...init, f.set(k, m.f64.div(kk, asF64(f, den))), f.set(kv, m.f32x4.splat(m.f32.demote(f.get(k))))];
        // A binary target read with label smoothing: t·(1 − ls) + ls/2.
        const ls = spec.labelSmoothing;
        const loadT = (x: X): X => (ls ? m.f32x4.add(m.f32x4.mul(x, splatF(f, 1 - ls)), splatF(f, 0.5 * ls)) : x);
        if (spec.tScalar) pre.push(f.set(vt, loadT(m.v128.load32_splat(0, 4, f.get(st.ptr)))));
        const streams = spec.tScalar ? [sdp, sp] : [sdp, sp, st];
        let value: () => X;
        const lo = f32Below(EPS);
        const hi = f32Above(1 - EPS);
        const diff = () => m.f32x4.sub(f.get(vp), f.get(vt));
        if (spec.loss === "mse") value = () => m.f32x4.mul(f.get(kv), diff());
        else if (spec.loss === "mae") {
          // k·sign(p − t), 0 where p = t.
          const d = f.local(b.v128);
          value = () =>
            m.block(
              null,
              [
                f.set(d, diff()),
                m.f32x4.sub(
                  m.v128.and(f.get(kv), m.f32x4.gt(f.get(d), splatF(f, 0))),
                  m.v128.and(f.get(kv), m.f32x4.lt(f.get(d), splatF(f, 0))),
                ),
              ],
              b.v128,
            );
        } else if (spec.loss === "huber") {
          // k·clamp(p − t, −δ, δ)
          const delta = spec.delta ?? 1;
          value = () => m.f32x4.mul(f.get(kv), m.f32x4.min(m.f32x4.max(diff(), splatF(f, -delta)), splatF(f, delta)));
        } else if (spec.loss === "kl_divergence") {
          // −k·clip(t, ε, 1)/p, 0 where p < ε or p > 1 (clipped).
          value = () =>
            m.v128.andnot(
              m.f32x4.mul(f.get(kv), m.f32x4.div(negV(f, m.f32x4.min(m.f32x4.max(f.get(vt), splatF(f, EPS)), splatF(f, 1))), f.get(vp))),
              m.v128.or(m.f32x4.le(f.get(vp), splatF(f, lo)), m.f32x4.gt(f.get(vp), splatF(f, 1))),
            );
        } else if (spec.fromLogits) {
          // σ(z) − t with e = e^−|z|, c = e/(1 + e): z ≥ 0: (1 − t) − c; z < 0: c − t. Exact
          // where σ(z) rounds to 1 in f32 (confident logits, t = 1).
          const c = f.local(b.v128);
          value = () =>
            m.block(
              null,
              [
                f.set(c, expV(f, negV(f, absV(f, f.get(vp))))),
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
        const heavy = (spec.loss === "binary_crossentropy" && spec.fromLogits) || spec.loss === "kl_divergence";
        return [
          ...pre,
          flatLoop(
            f,
            elems,
            streams,
            (lanes, e) => [
              f.set(vp, loadStream(f, sp, lanes, e)),
              ...(spec.tScalar ? [] : [f.set(vt, loadT(loadStream(f, st, lanes, e)))]),
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
      // A categorical target read with label smoothing (f64): t·(1 − ls) + ls/cols.
      const tLo = () => smooth64(f, promoteLo(f, vt), spec.labelSmoothing, (spec.labelSmoothing ?? 0) / cols);
      const tHi = () => smooth64(f, promoteHi(f, vt), spec.labelSmoothing, (spec.labelSmoothing ?? 0) / cols);
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
              (lanes, e) => [f.set(vt, loadStream(f, wt, lanes, e)), ...accumulate(f, lanes, tacc, tLo, tHi)],
              [wt],
            ),
            f.set(sum, m.f64x2.add(f.get(xs), f64x2c(f, 1))),
            f.set(tsum, hsum64(f, m.f64x2.add(f.get(tacc[0]), f.get(tacc[1])))),
            f.set(w.ptr, f.get(dr)),
            f.set(wt.ptr, f.get(tr)),
            loop([w, wt], (lanes, e) => {
              // k·(e/S·Σt − t) = k·((e·Σt − t) − t·x)/S: no cancellation for confident rows.
              const half = (pr2: typeof promoteLo, t: () => X) =>
                m.f64x2.div(
                  m.f64x2.mul(f.get(k2), m.f64x2.sub(m.f64x2.sub(m.f64x2.mul(pr2(f, ve), f.get(tsum)), t()), m.f64x2.mul(t(), f.get(xs)))),
                  f.get(sum),
                );
              return [
                f.set(ve, loadStream(f, w, lanes, e)),
                f.set(vt, loadStream(f, wt, lanes, e)),
                f.set(r, demote2(f, half(promoteLo, tLo), half(promoteHi, tHi))),
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
            f.set(gv[0], m.v128.andnot(m.f64x2.div(m.f64x2.neg(tLo()), f.get(qv[0])), clipped(qv[0]))),
            f.set(gv[1], m.v128.andnot(m.f64x2.div(m.f64x2.neg(tHi()), f.get(qv[1])), clipped(qv[1]))),
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
