// The SIMD kernels of the activations selu, gelu (exact and tanh form), silu, softplus,
// softsign and hard_sigmoid, and of their gradients (ops/activations.ts), four lanes at a
// time with partial tails; each computes what its reference kernel in
// runtime/kernels/elementwise.ts computes, in f32.
//
// erf in f32 (erfV) is two fits of ours, made in float64 against a 40-digit erf and measured
// in f32 arithmetic:
//   |z| < 0.875   erf(z) = z + z·P(z²), P of degree 6 (a weighted least-squares fit of
//                 erf(z)/z − 1; the leading 1 is kept out of P so that P's rounding errors
//                 are an order of magnitude smaller than the result's);
//   |z| ≥ 0.875   erfc(|z|) = e^(−z²)·R(|z| − 2.5), R of degree 12 fitted to erfc(z)·e^(z²)
//                 on [0.875, 5] for relative error (≈ 3e-7 in f32 arithmetic); |z| is clamped
//                 to 5 in R only (erf is ±1 there in f32).
// The exact GELU and its gradient need Φ(x) = ½·erfc(−x/√2), and one formula on every lane
// (no branch, no split: the cost does not depend on the data): with t = min(|z|, 10), z = x/√2,
//   erfc(t) = e^(−t²)·P(t)/Q(t),  P of degree 4 and Q of degree 5, all coefficients positive,
// a rational fit of erfc(t)·e^(t²) on [0, 10] for relative error (iterated weighted least
// squares in float64 against mpmath's erfc, scripts/fit-erfc.py: 5.6e-9 in float64, 3.2e-7 in
// f32 arithmetic); Q's degree one above P's gives the 1/(t√π) of the tail. Φ = 1 − ½·erfc(t)
// for z > 0, ½·erfc(t) otherwise, so Φ's negative tail is accurate relative to itself. The
// gradient's φ(x) = e^(−x²/2)/√(2π) is the same exponential. Three vectors run side by side
// (their statement lists interleaved) so that their dependency chains overlap. Measured by
// tests/wasm/activations.test.ts and tests/wasm/gelu-bits.test.ts against float64.
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Fn, Mod, X } from "../wasm/kernels/fn.js";
import { loadPartial, storePartial } from "../wasm/kernels/fn.js";
import * as LP from "../wasm/kernels/loops.js";
import { absV, expRebuild, expReduce, expScale, expV, logV, negV, sigmoidV, splatF, splatI } from "../wasm/kernels/math.js";

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
  if (!spec.op.endsWith("_grad")) return [...n, "y", "x"];
  return [...n, "dx", "dy", readsInput.has(spec.op.slice(0, -5) as ActOp) ? "x" : "y"];
}

// SELU's constants (runtime/kernels/elementwise.ts SELU_ALPHA, SELU_SCALE).
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = SELU_SCALE * 1.6732632423543772;
// The tanh form as x·σ(2u): 2u = x·(G1 + G3·x²), 2u' = G1 + 3·G3·x².
const G1 = 2 * Math.sqrt(2 / Math.PI);
const G3 = G1 * 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erfc(t) = e^(−t²)·P(t)/Q(t) for 0 ≤ t ≤ 10 (the f32 coefficients, lowest degree first; see the header). */
export const ERFC_P = [1, 1.237605094909668, 0.730760931968689, 0.22881700098514557, 0.032712217420339584];
export const ERFC_Q = [1, 2.3659846782684326, 2.400479793548584, 1.3237946033477783, 0.4055943787097931, 0.05798018351197243];
/** t's clamp: Q's degree keeps P/Q near 1/(t√π) up to it, and P(t) and Q(t) finite beyond. */
export const ERFC_T_MAX = 10;

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
    f.set(az, absV(f, f.get(z))),
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
  const gauss = [f.set(g, expV(f, negV(f, f.get(s))))];
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
  const big = m.f32x4.sub(splatF(f, 1), expV(f, negV(f, f.get(y))));
  return m.v128.bitselect(taylor, big, m.f32x4.lt(absV(f, f.get(y)), splatF(f, 0.25)));
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
        f.set(t, m.f32x4.max(negV(f, x()), c(0))),
        m.v128.bitselect(m.f32x4.mul(x(), c(SELU_SCALE)), neg, m.f32x4.gt(x(), c(0))),
      ]);
    }
    case "gelu": {
      if (approximate)
        return m.f32x4.mul(x(), sigmoidV(f, m.f32x4.mul(x(), m.f32x4.add(c(G1), m.f32x4.mul(c(G3), m.f32x4.mul(x(), x()))))));
      const r = f.local(vt);
      return block([...geluSteps(f, { x: x(), dy: null }, r), f.get(r)]);
    }
    case "silu":
      return m.f32x4.mul(x(), sigmoidV(f, x()));
    case "softplus": {
      const t = f.local(vt);
      return block([f.set(t, expV(f, negV(f, absV(f, x())))), m.f32x4.add(m.f32x4.max(x(), c(0)), log1pSmall(f, t))]);
    }
    case "softsign":
      return m.f32x4.div(x(), m.f32x4.add(c(1), absV(f, x())));
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
      return block([...geluSteps(f, { x: x(), dy: dy() }, s), f.get(s)]);
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
      return block([f.set(t, m.f32x4.sub(c(1), absV(f, x()))), m.f32x4.mul(dy(), m.f32x4.mul(f.get(t), f.get(t)))]);
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
 * The exact GELU (y ← x) or its gradient (dx ← dy, x): geluSteps on every vector, GELU_UNROLL
 * vectors side by side (their statement lists interleaved, LP.lockstep), then single vectors,
 * then a partial last vector.
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
      const [xp, dOut, dDy, rem, tail] = Array.from({ length: 5 }, () => f.local(b.i32));
      const total = LP.countOf(f, spec, () => f.get(p("n")));
      const totalX = typeof total === "number" ? () => f.i32(total) : total;
      const at = (off: number) => m.i32.add(f.get(xp), f.i32(off));
      const vector = (off: number, lanes: number): X[] => {
        const r = f.local(b.v128);
        const ld = (delta: number | null) => loadPartial(f, delta === null ? at(off) : m.i32.add(at(off), f.get(delta)), 0, lanes);
        return [
          ...geluSteps(f, { x: ld(null), dy: grad ? ld(dDy) : null }, r),
          m.block(null, storePartial(f, m.i32.add(at(off), f.get(dOut)), 0, lanes, f.get(r))),
        ];
      };
      const tails = LP.tailsOf(spec);
      return [
        f.set(xp, f.get(p("x"))),
        f.set(dOut, m.i32.sub(f.get(p(grad ? "dx" : "y")), f.get(xp))),
        ...(grad ? [f.set(dDy, m.i32.sub(f.get(p("dy")), f.get(xp)))] : []),
        f.set(rem, m.i32.shr_u(totalX(), f.i32(2))),
        f.whileLoop(
          () => m.i32.ge_s(f.get(rem), f.i32(GELU_UNROLL)),
          [
            ...LP.lockstep(Array.from({ length: GELU_UNROLL }, (_, i) => vector(16 * i, 4))),
            f.addI(xp, 16 * GELU_UNROLL),
            f.set(rem, m.i32.sub(f.get(rem), f.i32(GELU_UNROLL))),
          ],
        ),
        f.whileLoop(() => m.i32.gt_s(f.get(rem), f.i32(0)), [...vector(0, 4), f.addI(xp, 16), f.set(rem, m.i32.sub(f.get(rem), f.i32(1)))]),
        ...(tails.length
          ? [
              f.set(tail, m.i32.and(totalX(), f.i32(3))),
              ...tails.map((t) => m.if(m.i32.eq(f.get(tail), f.i32(t)), m.block(null, vector(0, t)))),
            ]
          : []),
      ];
    },
  );
}

/** e^r ≈ 1 + r + r²·E(r) on |r| ≤ ln2/2, E of degree 4 (scripts/fit-erfc.py: 3.1e-9 relative in float64, 6.4e-8 in f32 arithmetic). */
const EXP_E = [0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710987269878, 0.0013814601115882397];

/**
 * e^(−s) for s ≥ 0 in the local `s` (NaN passes) into `out`, as statements: math.ts's expSteps
 * without its upper clamp (the argument is ≤ 0) and with a polynomial one degree shorter (EXP_E);
 * −s below −104 gives 0. Temporaries t, nf, r, ni.
 */
function expNegSteps(f: Fn, s: number, out: number, [t, nf, r, ni]: readonly number[]): X[] {
  const m = f.mod;
  const c = (k: number) => splatF(f, k);
  const steps: X[] = [
    f.set(out, m.f32x4.pmax(negV(f, f.get(s)), c(-104))),
    ...expReduce(f, out, [t, nf, r]),
    f.set(out, m.f32x4.add(m.f32x4.mul(c(EXP_E[EXP_E.length - 1]), f.get(r)), c(EXP_E[EXP_E.length - 2]))),
  ];
  for (let i = EXP_E.length - 3; i >= 0; i--) steps.push(f.set(out, m.f32x4.add(m.f32x4.mul(f.get(out), f.get(r)), c(EXP_E[i]))));
  steps.push(expRebuild(f, out, r), ...expScale(f, out, [t, nf, ni]));
  return steps;
}

/** Vectors side by side in the exact GELU kernels. */
const GELU_UNROLL = 3;

/**
 * The exact GELU of the vector x (with dy: its gradient dy·(Φ(x) + x·φ(x))) into the local
 * `out`, as statements of the same count for every vector (for LP.lockstep): z = x/√2,
 * t = min(|z|, 10), g = e^(−z²) (expNegSteps), ½·erfc(t) = g·(½P(t))/Q(t) (P's
 * coefficients halved: exact), Φ = 1 − ½·erfc(t) for z > 0, else ½·erfc(t). Every lane takes the
 * same operations, whatever x is.
 */
export function geluSteps(f: Fn, load: { x: X; dy: X | null }, out: number): X[] {
  const m = f.mod;
  const c = (k: number) => splatF(f, k);
  const v = f.b.v128;
  const [x, dy, z, t, s, g, p, q, et, en, er, eni] = Array.from({ length: 12 }, () => f.local(v));
  const steps: X[] = [
    f.set(x, load.x),
    load.dy === null ? m.nop() : f.set(dy, load.dy),
    f.set(z, m.f32x4.mul(f.get(x), c(Math.SQRT1_2))),
    f.set(t, m.f32x4.pmin(absV(f, f.get(z)), c(ERFC_T_MAX))),
    f.set(s, m.f32x4.mul(f.get(z), f.get(z))),
    ...expNegSteps(f, s, g, [et, en, er, eni]),
  ];
  // ½P and Q by Horner, their steps interleaved (two independent chains), each from its top two coefficients.
  const [hp, hq] = [ERFC_P.map((a) => a / 2), ERFC_Q];
  const step = (acc: number, coef: readonly number[], i: number, from: X) =>
    f.set(acc, m.f32x4.add(m.f32x4.mul(from, f.get(t)), c(coef[i])));
  for (let i = hq.length - 2; i >= 0; i--) {
    const j = i - (hq.length - hp.length);
    steps.push(
      j >= 0 ? step(p, hp, j, j === hp.length - 2 ? c(hp[j + 1]) : f.get(p)) : m.nop(),
      step(q, hq, i, i === hq.length - 2 ? c(hq[i + 1]) : f.get(q)),
    );
  }
  steps.push(
    f.set(p, m.f32x4.mul(f.get(g), m.f32x4.div(f.get(p), f.get(q)))),
    f.set(p, m.v128.bitselect(m.f32x4.sub(c(1), f.get(p)), f.get(p), m.f32x4.gt(f.get(z), c(0)))),
    f.set(
      out,
      load.dy === null
        ? m.f32x4.mul(f.get(x), f.get(p))
        : m.f32x4.mul(f.get(dy), m.f32x4.add(f.get(p), m.f32x4.mul(m.f32x4.mul(f.get(x), f.get(g)), c(INV_SQRT_2PI)))),
    ),
  );
  return steps;
}

export interface GeluGradBiasSpec {
  readonly name: string;
  /** gelu's tanh form. */
  readonly approximate?: true;
  /** rows = rowsPerBatch · n when batched. */
  readonly rowsPerBatch: number;
  readonly batched: boolean;
  readonly cols: number;
}

export const geluGradBiasParams = (spec: Omit<GeluGradBiasSpec, "name">): string[] => [...LP.nParam(spec.batched), "dx", "dy", "x", "db"];

/**
 * The GELU's gradient and the bias gradient of the dense layer before it in one pass over the
 * rows (act_grad+sum_to): dx as gelu_grad computes it (geluSteps, GELU_UNROLL vectors of a row
 * side by side; the tanh form by `backward`), and db[j] = Σ_rows dx[r, j] added in row order from
 * 0, the order of sumRows (reductions.ts): the same bits as the two kernels, without reading dx
 * again (db, a row of floats, stays in L1).
 */
export function addGeluGradBias(b: BinaryenApi, mod: Mod, spec: GeluGradBiasSpec): void {
  const { cols } = spec;
  if (!(Number.isInteger(cols) && cols > 0)) throw new Error(`${spec.name}: cols must be a positive integer`);
  LP.checkExtent(spec.name, { perRow: spec.rowsPerBatch, batched: spec.batched });
  LP.addKernel(
    b,
    mod,
    spec.name,
    geluGradBiasParams(spec).map((q) => [q, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const [xp, dOut, dDy, bp, rows, j] = Array.from({ length: 6 }, () => f.local(b.i32));
      const count = LP.countOf(f, { perRow: spec.rowsPerBatch, batched: spec.batched }, () => f.get(p("n")));
      const at = (base: number, off: number) => m.i32.add(f.get(base), f.i32(off));
      // One vector of a row at column offset `off` bytes: dx stored, and added into db.
      const vector = (off: number, lanes: number): X[] => {
        const [r, xv, dyv] = [f.local(b.v128), f.local(b.v128), f.local(b.v128)];
        const ld = (delta: number | null) => loadPartial(f, delta === null ? at(xp, off) : m.i32.add(at(xp, off), f.get(delta)), 0, lanes);
        const steps = spec.approximate
          ? [f.set(xv, ld(null)), f.set(dyv, ld(dDy)), f.set(r, backward(f, "gelu", true, dyv, xv))]
          : geluSteps(f, { x: ld(null), dy: ld(dDy) }, r);
        return [
          ...steps,
          m.block(null, storePartial(f, m.i32.add(at(xp, off), f.get(dOut)), 0, lanes, f.get(r))),
          m.block(null, storePartial(f, at(bp, off), 0, lanes, m.f32x4.add(loadPartial(f, at(bp, off), 0, lanes), f.get(r)))),
        ];
      };
      const full = Math.floor(cols / 4);
      const groups = Math.floor(full / GELU_UNROLL);
      const row: X[] = [f.set(bp, f.get(p("db")))];
      if (groups > 0)
        row.push(
          f.countedLoop(groups, [
            ...LP.lockstep(Array.from({ length: GELU_UNROLL }, (_, i) => vector(16 * i, 4))),
            f.addI(xp, 16 * GELU_UNROLL),
            f.addI(bp, 16 * GELU_UNROLL),
          ]),
        );
      const done = groups * GELU_UNROLL;
      for (let v = done; v < full; v++) row.push(...vector(16 * (v - done), 4));
      if (cols % 4) row.push(...vector(16 * (full - done), cols % 4));
      row.push(f.addI(xp, 4 * cols - 16 * done), f.set(rows, m.i32.sub(f.get(rows), f.i32(1))));
      return [
        // db = 0
        f.set(j, f.i32(0)),
        f.whileLoop(
          () => m.i32.lt_s(f.get(j), f.i32(cols)),
          [m.i32.store(0, 4, m.i32.add(f.get(p("db")), m.i32.shl(f.get(j), f.i32(2))), f.i32(0)), f.addI(j, 1)],
        ),
        f.set(rows, typeof count === "number" ? f.i32(count) : count()),
        f.set(xp, f.get(p("x"))),
        f.set(dOut, m.i32.sub(f.get(p("dx")), f.get(xp))),
        f.set(dDy, m.i32.sub(f.get(p("dy")), f.get(xp))),
        f.whileLoop(() => m.i32.gt_s(f.get(rows), f.i32(0)), row),
      ];
    },
  );
}
