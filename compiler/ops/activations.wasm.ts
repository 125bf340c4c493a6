// The SIMD kernels of the activations selu, gelu (exact and tanh form), silu, softplus,
// softsign and hard_sigmoid, and of their gradients (ops/activations.ts), four lanes at a
// time with partial tails; each computes what its reference kernel in
// runtime/kernels/elementwise.ts computes, in f32.
//
// erf in f32 (erfV, and Φ(x) = ½·(1 + erf(x/√2)) for the exact GELU) is two fits of ours,
// made in float64 against a 40-digit erf and measured in f32 arithmetic:
//   |z| < 0.875   erf(z) = z + z·P(z²), P of degree 6 (a weighted least-squares fit of
//                 erf(z)/z − 1; the leading 1 is kept out of P so that P's rounding errors
//                 are an order of magnitude smaller than the result's);
//   |z| ≥ 0.875   erfc(|z|) = e^(−z²)·R(|z| − 2.5), R of degree 12 fitted to erfc(z)·e^(z²)
//                 on [0.875, 5] for relative error (≈ 3e-7 in f32 arithmetic), so that Φ's
//                 negative tail is accurate, not 1 − 1; |z| is clamped to 5 in R only (erf is
//                 ±1 there in f32; Φ(x) < 1e-12 for x < −7.07, where R(5) is used).
// Measured by tests/wasm/activations.test.ts against float64: erf's max absolute error, and
// Φ's relative error in its tail. The GELU kernels skip the tail's parts for a vector whose four
// lanes are all below the split (about 80% of the character transformer's vectors, whose GELU
// inputs have an rms of 0.6–0.65): per block of 256 vectors, a first pass computes every
// vector's near form, four vectors side by side, and lists the others in the kernel scratch; a
// second pass computes the listed ones with every part (addExactGelu). No branch per vector,
// and the same bits as computing every part and selecting by lane (tests/wasm/gelu-bits.test.ts).
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Fn, Mod, X } from "../wasm/kernels/fn.js";
import { loadPartial, storePartial } from "../wasm/kernels/fn.js";
import * as LP from "../wasm/kernels/loops.js";
import { expSteps, expV, logV, sigmoidV, splatF, splatI } from "../wasm/kernels/math.js";

/** The activations of this file and their gradient ops. */
export type ActOp = "selu" | "gelu" | "silu" | "softplus" | "softsign" | "hard_sigmoid";
export type ActKernel = ActOp | `${ActOp}_grad`;

export interface ActSpec extends LP.Extent {
  readonly name: string;
  readonly op: ActKernel;
  /** gelu's tanh form. */
  readonly approximate?: true;
}

/** Gradients that read the activation's input x; the others read its output y. */
export const readsInput: ReadonlySet<ActOp> = new Set(["gelu", "silu"]);

export function actParams(spec: Omit<ActSpec, "name">): string[] {
  const n = LP.nParam(spec.batched);
  const ws = exactGelu(spec) ? ["ws"] : [];
  if (!spec.op.endsWith("_grad")) return [...n, "y", "x", ...ws];
  return [...n, "dx", "dy", readsInput.has(spec.op.slice(0, -5) as ActOp) ? "x" : "y", ...ws];
}

/** The exact GELU and its gradient list their far vectors in scratch (addExactGelu). */
const exactGelu = (spec: Omit<ActSpec, "name">): boolean => (spec.op === "gelu" || spec.op === "gelu_grad") && spec.approximate !== true;

/** Vectors per block of the exact GELU kernels: the far ones of a block are listed in scratch. */
const GELU_BLOCK = 256;

/** Bytes of scratch an activation kernel needs (the exact GELU's list of far vectors and a dummy vector). */
export const actScratchBytes = (spec: Omit<ActSpec, "name">): number => (exactGelu(spec) ? GELU_BLOCK * 4 + 16 : 0);

// SELU's constants (runtime/kernels/elementwise.ts SELU_ALPHA, SELU_SCALE).
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = SELU_SCALE * 1.6732632423543772;
// The tanh form as x·σ(2u): 2u = x·(G1 + G3·x²), 2u' = G1 + 3·G3·x².
const G1 = 2 * Math.sqrt(2 / Math.PI);
const G3 = G1 * 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// erf(z) = z + z·P(z²) on |z| < ERF_SPLIT; erfc(|z|) = e^(−z²)·R(min(|z|, 5) − 2.5) above.
const ERF_SPLIT = 0.875;
const ERF_P = [
  0.12837916612625122, -0.37612631916999817, 0.11283686757087708, -0.026859547942876816, 0.005202360916882753, -0.0008165682083927095,
  8.494217763654888e-5,
];
const ERFC_R = [
  0.21080635488033295, -0.07434750348329544, 0.024938125163316727, -0.008000516332685947, 0.0024662783835083246, -0.000735462352167815,
  0.00021249664132483304, -5.7677796576172113e-5, 1.4772487702430226e-5, -4.389970399643062e-6, 1.4790906561756856e-6,
  -3.4567960938147735e-7, 3.458316299997932e-8,
];

function horner(f: Fn, x: () => X, c: readonly number[]): X {
  const m = f.mod;
  let acc = splatF(f, c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) acc = m.f32x4.add(m.f32x4.mul(acc, x()), splatF(f, c[i]));
  return acc;
}

/**
 * The parts of erf at z (a local): erf(z) for |z| < 0.875 (`small`, by `head`), e^(−z²) (`g`,
 * by `gauss`), erfc(|z|) (`tail`, by `rest`, after `gauss`). `code` is all three in order.
 */
function erfParts(
  f: Fn,
  z: number,
): { code: X[]; head: X[]; gauss: X[]; rest: X[]; small: number; tail: number; g: number; near: () => X } {
  const m = f.mod;
  const v = f.b.v128;
  const [s, g, small, tail, az, u] = [f.local(v), f.local(v), f.local(v), f.local(v), f.local(v), f.local(v)];
  const head = [
    f.set(az, m.f32x4.abs(f.get(z))),
    f.set(s, m.f32x4.mul(f.get(z), f.get(z))),
    f.set(
      small,
      m.f32x4.add(
        f.get(z),
        m.f32x4.mul(
          f.get(z),
          horner(f, () => f.get(s), ERF_P),
        ),
      ),
    ),
  ];
  const gauss = [f.set(g, expV(f, m.f32x4.neg(f.get(s))))];
  const rest = [
    f.set(u, m.f32x4.sub(m.f32x4.min(f.get(az), splatF(f, 5)), splatF(f, 2.5))),
    f.set(
      tail,
      m.f32x4.mul(
        f.get(g),
        horner(f, () => f.get(u), ERFC_R),
      ),
    ),
  ];
  return { code: [...head, ...gauss, ...rest], head, gauss, rest, small, tail, g, near: () => m.f32x4.lt(f.get(az), splatF(f, ERF_SPLIT)) };
}

/** erf x, lane-wise (±1 beyond |x| ≈ 3.9, NaN for NaN). */
export function erfV(f: Fn, x: X): X {
  const m = f.mod;
  const z = f.local(f.b.v128);
  const set = f.set(z, x);
  const e = erfParts(f, z);
  // |z| ≥ 0.875: 1 − erfc(|z|) with z's sign.
  const far = m.v128.bitselect(f.get(z), m.f32x4.sub(splatF(f, 1), f.get(e.tail)), splatI(f, 0x80000000 | 0));
  return m.block(null, [set, ...e.code, m.v128.bitselect(f.get(e.small), far, e.near())], f.b.v128);
}

/**
 * Sets phi to Φ(x) and, with `gauss`, g to e^(−x²/2) for the x in a local. When all four lanes
 * have |x/√2| < 0.875, Φ takes the polynomial alone and the tail's exponential and degree-12
 * polynomial are skipped (a branch per vector: every lane's result comes from the same f32
 * operations as when all parts are computed and selected, so the bits are the same).
 */
function normalCdf(f: Fn, x: number, phi: number, g: number, gauss: boolean): X[] {
  const m = f.mod;
  const z = f.local(f.b.v128);
  const e = erfParts(f, z);
  const half = (v: X) => m.f32x4.mul(v, splatF(f, 0.5));
  // z ≥ 0.875: 1 − erfc(z)/2; z ≤ −0.875: erfc(|z|)/2, the tail itself.
  const far = m.v128.bitselect(m.f32x4.sub(splatF(f, 1), half(f.get(e.tail))), half(f.get(e.tail)), m.f32x4.gt(f.get(z), splatF(f, 0)));
  const near = () => m.f32x4.add(splatF(f, 0.5), half(f.get(e.small)));
  const full = [...(gauss ? [] : e.gauss), ...e.rest, f.set(phi, m.v128.bitselect(near(), far, e.near()))];
  return [
    f.set(z, m.f32x4.mul(f.get(x), splatF(f, Math.SQRT1_2))),
    ...e.head,
    ...(gauss ? [...e.gauss, f.set(g, f.get(e.g))] : []),
    m.if(m.i32x4.all_true(e.near()), f.set(phi, near()), m.block(null, full)),
  ];
}

/** ln(1 + t) for 0 ≤ t ≤ 1: log(u) + (t − (u − 1))/u with u = f32(1 + t), exact for tiny t. */
function log1pSmall(f: Fn, t: number): X {
  const m = f.mod;
  const u = f.local(f.b.v128);
  const err = m.f32x4.sub(f.get(t), m.f32x4.sub(f.get(u), splatF(f, 1)));
  return m.block(
    null,
    [f.set(u, m.f32x4.add(splatF(f, 1), f.get(t))), m.f32x4.add(logV(f, f.get(u)), m.f32x4.div(err, f.get(u)))],
    f.b.v128,
  );
}

/** 1 − e^(−y): a Taylor polynomial where |y| < 0.25 (no cancellation), 1 − exp(−y) elsewhere. */
function oneMinusExpNeg(f: Fn, y: number): X {
  const m = f.mod;
  let p = splatF(f, 1);
  for (let k = 7; k >= 2; k--) p = m.f32x4.sub(splatF(f, 1), m.f32x4.mul(m.f32x4.mul(f.get(y), splatF(f, 1 / k)), p));
  const taylor = m.f32x4.mul(f.get(y), p);
  const big = m.f32x4.sub(splatF(f, 1), expV(f, m.f32x4.neg(f.get(y))));
  return m.v128.bitselect(taylor, big, m.f32x4.lt(m.f32x4.abs(f.get(y)), splatF(f, 0.25)));
}

/** The forward map of `op` on the x in local `v`, as statements and the result's expression. */
function forward(f: Fn, op: ActOp, approximate: boolean, v: number): X {
  const m = f.mod;
  const vt = f.b.v128;
  const x = () => f.get(v);
  const c = (k: number) => splatF(f, k);
  const block = (code: X[]) => m.block(null, code, vt);
  switch (op) {
    case "selu": {
      // λα·(eˣ − 1) = −λα·(1 − e^−t), t = max(−x, 0): no cancellation near 0.
      const t = f.local(vt);
      const neg = m.f32x4.mul(c(-SELU_SCALE_ALPHA), oneMinusExpNeg(f, t));
      return block([
        f.set(t, m.f32x4.max(m.f32x4.neg(x()), c(0))),
        m.v128.bitselect(m.f32x4.mul(x(), c(SELU_SCALE)), neg, m.f32x4.gt(x(), c(0))),
      ]);
    }
    case "gelu": {
      if (approximate)
        return m.f32x4.mul(x(), sigmoidV(f, m.f32x4.mul(x(), m.f32x4.add(c(G1), m.f32x4.mul(c(G3), m.f32x4.mul(x(), x()))))));
      const [phi, g] = [f.local(vt), f.local(vt)];
      return block([...normalCdf(f, v, phi, g, false), m.f32x4.mul(x(), f.get(phi))]);
    }
    case "silu":
      return m.f32x4.mul(x(), sigmoidV(f, x()));
    case "softplus": {
      const t = f.local(vt);
      return block([f.set(t, expV(f, m.f32x4.neg(m.f32x4.abs(x())))), m.f32x4.add(m.f32x4.max(x(), c(0)), log1pSmall(f, t))]);
    }
    case "softsign":
      return m.f32x4.div(x(), m.f32x4.add(c(1), m.f32x4.abs(x())));
    case "hard_sigmoid":
      return m.f32x4.div(m.f32x4.min(m.f32x4.max(m.f32x4.add(x(), c(3)), c(0)), c(6)), c(6));
  }
}

/** The gradient of `op`: dy in local `d`, x or y (actParams) in local `v`. */
function backward(f: Fn, op: ActOp, approximate: boolean, d: number, v: number): X {
  const m = f.mod;
  const vt = f.b.v128;
  const x = () => f.get(v); // x or y, as the op reads
  const dy = () => f.get(d);
  const c = (k: number) => splatF(f, k);
  const block = (code: X[]) => m.block(null, code, vt);
  switch (op) {
    case "selu": // y > 0: λ·dy; else dy·(y + λα)
      return m.v128.bitselect(
        m.f32x4.mul(dy(), c(SELU_SCALE)),
        m.f32x4.mul(dy(), m.f32x4.add(x(), c(SELU_SCALE_ALPHA))),
        m.f32x4.gt(x(), c(0)),
      );
    case "gelu": {
      const s = f.local(vt);
      if (approximate) {
        // σ + x·σ·(1 − σ)·2u', σ = σ(2u)
        const x2 = () => m.f32x4.mul(x(), x());
        const du = m.f32x4.add(c(G1), m.f32x4.mul(c(3 * G3), x2()));
        const d1 = m.f32x4.mul(m.f32x4.mul(m.f32x4.mul(x(), f.get(s)), m.f32x4.sub(c(1), f.get(s))), du);
        return block([
          f.set(s, sigmoidV(f, m.f32x4.mul(x(), m.f32x4.add(c(G1), m.f32x4.mul(c(G3), x2()))))),
          m.f32x4.mul(dy(), m.f32x4.add(f.get(s), d1)),
        ]);
      }
      // Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)
      const g = f.local(vt);
      const dphi = m.f32x4.mul(m.f32x4.mul(x(), f.get(g)), c(INV_SQRT_2PI));
      return block([...normalCdf(f, v, s, g, true), m.f32x4.mul(dy(), m.f32x4.add(f.get(s), dphi))]);
    }
    case "silu": {
      // σ·(1 + x·(1 − σ))
      const s = f.local(vt);
      const inner = m.f32x4.add(c(1), m.f32x4.mul(x(), m.f32x4.sub(c(1), f.get(s))));
      return block([f.set(s, sigmoidV(f, x())), m.f32x4.mul(dy(), m.f32x4.mul(f.get(s), inner))]);
    }
    case "softplus": // σ(x) = 1 − e^(−y)
      return m.f32x4.mul(dy(), oneMinusExpNeg(f, v));
    case "softsign": {
      const t = f.local(vt);
      return block([f.set(t, m.f32x4.sub(c(1), m.f32x4.abs(x()))), m.f32x4.mul(dy(), m.f32x4.mul(f.get(t), f.get(t)))]);
    }
    case "hard_sigmoid": {
      const inside = m.v128.and(m.f32x4.gt(x(), c(0)), m.f32x4.lt(x(), c(1)));
      return m.v128.and(m.f32x4.div(dy(), c(6)), inside);
    }
  }
}

/** One kernel: the activation (y ← x) or its gradient (dx ← dy, x or y) over a flat range. */
export function addActivation(b: BinaryenApi, mod: Mod, spec: ActSpec): void {
  LP.checkName(spec.name);
  LP.checkExtent(spec.name, spec);
  const grad = spec.op.endsWith("_grad");
  const op = (grad ? spec.op.slice(0, -5) : spec.op) as ActOp;
  const approximate = spec.approximate === true;
  if (op === "gelu" && !approximate) return addExactGelu(b, mod, spec, grad);
  const params = actParams(spec);
  const buffers = params.filter((q) => q !== "n");
  LP.addKernel(
    b,
    mod,
    spec.name,
    params.map((q) => [q, b.i32] as const),
    b.none,
    (f, p) => {
      const streams = buffers.map((): LP.Stream => ({ ptr: f.local(b.i32), step: 4 }));
      const [so, sa, sb] = streams;
      const [u, w, r] = [f.local(b.v128), f.local(b.v128), f.local(b.v128)];
      const body = (lanes: number, e: number): X[] =>
        grad
          ? [
              f.set(u, LP.loadStream(f, sa, lanes, e)),
              f.set(w, LP.loadStream(f, sb, lanes, e)),
              f.set(r, backward(f, op, approximate, u, w)),
              ...LP.storeStream(f, so, lanes, e, r),
            ]
          : [f.set(u, LP.loadStream(f, sa, lanes, e)), f.set(r, forward(f, op, approximate, u)), ...LP.storeStream(f, so, lanes, e, r)];
      return [
        ...streams.map((s, i) => f.set(s.ptr, f.get(p(buffers[i])))),
        LP.flatLoop(
          f,
          LP.countOf(f, spec, () => f.get(p("n"))),
          streams,
          body,
          { tails: LP.tailsOf(spec), unrollUpTo: 8, unroll: 1 },
        ),
      ];
    },
  );
}

/**
 * The exact GELU (y ← x) or its gradient (dx ← dy, x) in two passes per block of GELU_BLOCK
 * vectors, without a branch per vector: the first computes every vector's near form (Φ by erf's
 * polynomial alone) and stores it where all four lanes are near (elsewhere into a dummy vector
 * of the scratch, so that a result written over its own operands leaves the far vector's operands
 * as they were), listing the others' addresses in the scratch; the second computes the listed
 * vectors with every part (normalCdf). Each lane's f32 operations are those of normalCdf, so the
 * bits are those of a branch per vector (tests/wasm/gelu-bits.test.ts). A partial last vector
 * takes normalCdf directly.
 */
function addExactGelu(b: BinaryenApi, mod: Mod, spec: ActSpec, grad: boolean): void {
  const params = actParams(spec);
  LP.addKernel(
    b,
    mod,
    spec.name,
    params.map((q) => [q, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const v = b.v128;
      const c = (k: number) => splatF(f, k);
      const [xp, dOut, dDy, rem, blk, cnt, j, ws, dummy] = Array.from({ length: 9 }, () => f.local(b.i32));
      const [xv, dyv, r, phi, g] = Array.from({ length: 5 }, () => f.local(v));
      const total = LP.countOf(f, spec, () => f.get(p("n")));
      const totalX = typeof total === "number" ? () => f.i32(total) : total;
      const result = (x: number, dy: number, ph: number, gg: number): X =>
        grad
          ? m.f32x4.mul(f.get(dy), m.f32x4.add(f.get(ph), m.f32x4.mul(m.f32x4.mul(f.get(x), f.get(gg)), c(INV_SQRT_2PI))))
          : m.f32x4.mul(f.get(x), f.get(ph));
      const load = (ptr: () => X, lanes: number): X[] => [
        f.set(xv, loadPartial(f, ptr(), 0, lanes)),
        ...(grad ? [f.set(dyv, loadPartial(f, m.i32.add(ptr(), f.get(dDy)), 0, lanes))] : []),
      ];
      // The first pass, GELU_UNROLL vectors in lockstep (independent chains side by side).
      const nearPass = LP.lockstep(
        Array.from({ length: GELU_UNROLL }, (_, i) => nearSteps(f, grad, i * 16, { xp, dOut, dDy, ws, cnt, dummy }, result)),
      );
      // The second pass (and a partial last vector): every part, as a branch per vector did.
      const fullAt = (ptr: () => X, lanes: number): X[] => [
        ...load(ptr, lanes),
        ...normalCdf(f, xv, phi, g, grad),
        f.set(r, result(xv, dyv, phi, g)),
        ...storePartial(f, m.i32.add(ptr(), f.get(dOut)), 0, lanes, f.get(r)),
      ];
      const tails = LP.tailsOf(spec);
      return [
        f.set(xp, f.get(p("x"))),
        f.set(dOut, m.i32.sub(f.get(p(grad ? "dx" : "y")), f.get(xp))),
        ...(grad ? [f.set(dDy, m.i32.sub(f.get(p("dy")), f.get(xp)))] : []),
        f.set(ws, f.get(p("ws"))),
        f.set(dummy, m.i32.add(f.get(ws), f.i32(GELU_BLOCK * 4))),
        f.set(rem, m.i32.shr_u(totalX(), f.i32(2))),
        f.whileLoop(
          () => m.i32.gt_s(f.get(rem), f.i32(0)),
          [
            f.set(blk, m.select(m.i32.lt_s(f.get(rem), f.i32(GELU_BLOCK)), f.get(rem), f.i32(GELU_BLOCK))),
            f.set(rem, m.i32.sub(f.get(rem), f.get(blk))),
            f.set(cnt, f.i32(0)),
            f.whileLoop(
              () => m.i32.ge_s(f.get(blk), f.i32(GELU_UNROLL)),
              [...nearPass, f.addI(xp, 16 * GELU_UNROLL), f.set(blk, m.i32.sub(f.get(blk), f.i32(GELU_UNROLL)))],
            ),
            f.whileLoop(
              () => m.i32.gt_s(f.get(blk), f.i32(0)),
              [
                ...nearSteps(f, grad, 0, { xp, dOut, dDy, ws, cnt, dummy }, result).flat(),
                f.addI(xp, 16),
                f.set(blk, m.i32.sub(f.get(blk), f.i32(1))),
              ],
            ),
            f.set(j, f.i32(0)),
            f.whileLoop(
              () => m.i32.le_s(m.i32.add(f.get(j), f.i32(4 * GELU_UNROLL)), f.get(cnt)),
              [
                ...LP.lockstep(
                  Array.from({ length: GELU_UNROLL }, (_, i) => farSteps(f, grad, i * 4, { xp, dOut, dDy, ws, cnt: j, dummy }, result)),
                ),
                f.addI(j, 4 * GELU_UNROLL),
              ],
            ),
            f.whileLoop(
              () => m.i32.lt_s(f.get(j), f.get(cnt)),
              [...farSteps(f, grad, 0, { xp, dOut, dDy, ws, cnt: j, dummy }, result), f.addI(j, 4)],
            ),
          ],
        ),
        ...(tails.length
          ? [
              f.set(rem, m.i32.and(totalX(), f.i32(3))),
              ...tails.map((t) =>
                m.if(
                  m.i32.eq(f.get(rem), f.i32(t)),
                  m.block(
                    null,
                    fullAt(() => f.get(xp), t),
                  ),
                ),
              ),
            ]
          : []),
      ];
    },
  );
}

/** Vectors side by side in the exact GELU's first pass. */
const GELU_UNROLL = 4;

interface GeluLocals {
  xp: number;
  dOut: number;
  dDy: number;
  ws: number;
  cnt: number;
  dummy: number;
}

/**
 * The exact GELU's first pass on the vector at xp + off: x (and dy), Φ's near form (the f32
 * operations of erfParts' head and normalCdf's near Φ, and for the gradient expV's e^(−z²)),
 * the result stored where all four lanes are near, else into the dummy vector, and xp + off
 * listed at ws + cnt (cnt advancing by 4 for a far vector). Steps of equal count per vector, for lockstep.
 */
function nearSteps(f: Fn, grad: boolean, off: number, l: GeluLocals, result: (x: number, dy: number, phi: number, g: number) => X): X[] {
  const m = f.mod;
  const v = f.b.v128;
  const c = (k: number) => splatF(f, k);
  const [x, dy, z, s, acc, phi, g, et, en, er, eni] = Array.from({ length: 11 }, () => f.local(v));
  const [at, addr] = [f.local(f.b.i32), f.local(f.b.i32)];
  const steps: X[] = [
    f.set(x, m.v128.load(off, 4, f.get(l.xp))),
    f.set(dy, grad ? m.v128.load(off, 4, m.i32.add(f.get(l.xp), f.get(l.dDy))) : c(0)),
    f.set(z, m.f32x4.mul(f.get(x), c(Math.SQRT1_2))),
    f.set(s, m.f32x4.mul(f.get(z), f.get(z))),
  ];
  // P(s) by Horner, then erf's near form z + z·P(s) (erfParts' head).
  steps.push(f.set(acc, c(ERF_P[ERF_P.length - 1])));
  for (let i = ERF_P.length - 2; i >= 0; i--) steps.push(f.set(acc, m.f32x4.add(m.f32x4.mul(f.get(acc), f.get(s)), c(ERF_P[i]))));
  steps.push(f.set(acc, m.f32x4.add(f.get(z), m.f32x4.mul(f.get(z), f.get(acc)))));
  steps.push(f.set(phi, m.f32x4.add(c(0.5), m.f32x4.mul(f.get(acc), c(0.5)))));
  if (grad) steps.push(...expSteps(f, m.f32x4.neg(f.get(s)), g, [et, en, er, eni]));
  steps.push(
    f.set(at, m.i32x4.all_true(m.f32x4.lt(m.f32x4.abs(f.get(z)), c(ERF_SPLIT)))),
    f.set(addr, m.i32.add(f.get(l.xp), f.i32(off))),
    m.v128.store(0, 4, m.select(f.get(at), m.i32.add(f.get(addr), f.get(l.dOut)), f.get(l.dummy)), result(x, dy, phi, g)),
    // One step: the next vector of the lockstep lists itself after this one.
    m.block(null, [
      m.i32.store(0, 4, m.i32.add(f.get(l.ws), f.get(l.cnt)), f.get(addr)),
      f.set(l.cnt, m.i32.add(f.get(l.cnt), m.i32.shl(m.i32.xor(f.get(at), f.i32(1)), f.i32(2)))),
    ]),
  );
  return steps;
}

/**
 * The exact GELU's second pass on the listed vector at ws + cnt + off: every part of Φ as
 * normalCdf computes it when a lane is far (erfParts' head, gauss and rest, the far form, the
 * select by lane), the result stored. Steps of equal count per vector, for lockstep.
 */
function farSteps(f: Fn, grad: boolean, off: number, l: GeluLocals, result: (x: number, dy: number, phi: number, g: number) => X): X[] {
  const m = f.mod;
  const v = f.b.v128;
  const c = (k: number) => splatF(f, k);
  const [x, dy, z, az, s, acc, phi, g, u, tail, et, en, er, eni] = Array.from({ length: 14 }, () => f.local(v));
  const addr = f.local(f.b.i32);
  const half = (e: X) => m.f32x4.mul(e, c(0.5));
  const steps: X[] = [
    f.set(addr, m.i32.load(off, 4, m.i32.add(f.get(l.ws), f.get(l.cnt)))),
    f.set(x, m.v128.load(0, 4, f.get(addr))),
    f.set(dy, grad ? m.v128.load(0, 4, m.i32.add(f.get(addr), f.get(l.dDy))) : c(0)),
    f.set(z, m.f32x4.mul(f.get(x), c(Math.SQRT1_2))),
    f.set(az, m.f32x4.abs(f.get(z))),
    f.set(s, m.f32x4.mul(f.get(z), f.get(z))),
    f.set(acc, c(ERF_P[ERF_P.length - 1])),
  ];
  for (let i = ERF_P.length - 2; i >= 0; i--) steps.push(f.set(acc, m.f32x4.add(m.f32x4.mul(f.get(acc), f.get(s)), c(ERF_P[i]))));
  steps.push(f.set(acc, m.f32x4.add(f.get(z), m.f32x4.mul(f.get(z), f.get(acc)))));
  steps.push(...expSteps(f, m.f32x4.neg(f.get(s)), g, [et, en, er, eni]));
  steps.push(f.set(u, m.f32x4.sub(m.f32x4.min(f.get(az), c(5)), c(2.5))), f.set(tail, c(ERFC_R[ERFC_R.length - 1])));
  for (let i = ERFC_R.length - 2; i >= 0; i--) steps.push(f.set(tail, m.f32x4.add(m.f32x4.mul(f.get(tail), f.get(u)), c(ERFC_R[i]))));
  steps.push(
    f.set(tail, m.f32x4.mul(f.get(g), f.get(tail))),
    f.set(
      phi,
      m.v128.bitselect(
        m.f32x4.add(c(0.5), half(f.get(acc))),
        m.v128.bitselect(m.f32x4.sub(c(1), half(f.get(tail))), half(f.get(tail)), m.f32x4.gt(f.get(z), c(0))),
        m.f32x4.lt(f.get(az), c(ERF_SPLIT)),
      ),
    ),
    m.v128.store(0, 4, m.i32.add(f.get(addr), f.get(l.dOut)), result(x, dy, phi, g)),
  );
  return steps;
}
