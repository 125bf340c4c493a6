// SIMD f32x4 transcendental functions for the kernel generators of compiler/wasm/kernels, built
// as binaryen expressions (SIMD128 only, no branches, no calls): each takes a v128 f32x4
// expression, evaluates it once into a local of the function under construction (Fn) and
// returns a v128 expression (a block that sets its temporaries and yields the result).
//
//   expV(f, x)      e^x      range reduction x = n·ln2 + r, |r| ≤ ln2/2 (ln2 split hi/lo,
//                            n·ln2_hi exact), Cephes' degree-7 expf polynomial on r, scale by
//                            2^n as two exponent-field products 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that
//                            denormal results round once and x ≥ 88.73 gives +Inf. The input
//                            is clamped to [−104, 89] (NaN passes): exp(−∞) = 0,
//                            exp(+∞) = +Inf, exp(NaN) = NaN. n by the 1.5·2^23 rounding trick.
//   logV(f, x)      ln x     denormals scaled by 2^23 first; x = m·2^e, m ∈ [√½, √2),
//                            Cephes' logf polynomial on m − 1, e·ln2 added in hi/lo parts.
//                            log(±0) = −Inf, log(x < 0) = NaN, log(+Inf) = +Inf, log(NaN) = NaN.
//   tanhV(f, x)     tanh x   |x| < 0.625: Cephes' tanhf odd polynomial (relative accuracy near
//                            0); otherwise (1 − t)/(1 + t), t = e^(−2|x|) ∈ (0, 0.29): saturates
//                            to ±1, never overflows. Computed on |x|, x's sign copied in.
//   sigmoidV(f, x)  1/(1 + e^−x)   with t = e^(−|x|): 1/(1 + t) for x ≥ 0, t/(1 + t) for
//                            x < 0, so large negative x gives the (denormal) tail, not 0/NaN.
//
// Measured by tests/wasm/math.test.ts against Math.* rounded to f32 (max ulp over dense
// sweeps; see that file for the figures).
import type { X } from "./fn.js";
import { Fn, ZERO16 } from "./fn.js";

/** A v128 constant with the f32 value c in every lane. */
export function splatF(f: Fn, c: number): X {
  return f.mod.v128.const(Array.from(new Uint8Array(new Float32Array([c, c, c, c]).buffer)));
}

/**
 * −x and |x| lane by lane as sign-bit operations against a constant mask: the bits of f32x4.neg
 * and f32x4.abs (which flip and clear the sign bit, NaNs included), but V8 builds their mask
 * anew at every use (all-ones, a shift, then the xor/and: three x64 instructions), where a
 * constant operand is hoisted out of the loop.
 */
export const negV = (f: Fn, x: X): X => f.mod.v128.xor(x, splatI(f, -0x80000000));
export const absV = (f: Fn, x: X): X => f.mod.v128.and(x, splatI(f, 0x7fffffff));

/**
 * max(x, +0) lane by lane for the v128 in local `v` (relu), as x with the lanes where x ≤ 0 cleared:
 * the values of f32x4.max(x, +0) (−0 and negatives give +0, NaN stays NaN, with its own payload
 * rather than the canonical one) in two x64 instructions, where V8 lowers f32x4.max to eight.
 */
export const reluV = (f: Fn, v: number): X => f.mod.v128.andnot(f.get(v), f.mod.f32x4.le(f.get(v), f.mod.v128.const(ZERO16)));

/** A v128 constant with the i32 value c in every lane. */
export function splatI(f: Fn, c: number): X {
  return f.mod.v128.const(Array.from(new Uint8Array(new Int32Array([c, c, c, c]).buffer)));
}

/** Horner: c[0] + x·(c[1] + x·(…)), x a pure expression factory (a local.get). */
function horner(f: Fn, x: () => X, c: readonly number[]): X {
  const m = f.mod;
  let acc = splatF(f, c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) acc = m.f32x4.add(m.f32x4.mul(acc, x()), splatF(f, c[i]));
  return acc;
}

export const LOG2E = 1.44269504088896341;
export const LN2_HI = 0.693359375; // 355/512: n·LN2_HI is exact for |n| < 2^15
export const LN2_LO = -2.1219444e-4;
export const MAGIC = 12582912; // 1.5·2^23: bits 0x4b400000
// Cephes expf: e^r ≈ 1 + r + r²·P(r), |r| ≤ ln2/2.
export const EXP_P = [5.0000001201e-1, 1.6666665459e-1, 4.1665795894e-2, 8.3334519073e-3, 1.3981999507e-3, 1.98756915e-4];

/** e^x, lane-wise. */
export function expV(f: Fn, x: X): X {
  const m = f.mod;
  const b = f.b;
  const xv = f.local(b.v128);
  const nf = f.local(b.v128);
  const r = f.local(b.v128);
  const ni = f.local(b.v128);
  const h = f.local(b.v128);
  const t = f.local(b.v128);
  const body: X[] = [];
  // Clamp: below −104 the result is 0, above 89 it is +Inf. pmin/pmax (one instruction each,
  // unlike min/max) with x first: a NaN x compares false and passes through.
  body.push(f.set(xv, m.f32x4.pmax(m.f32x4.pmin(x, splatF(f, 89)), splatF(f, -104))));
  // n = round(x·log2 e) by adding 1.5·2^23: the sum's low mantissa bits are n (|n| ≤ 151),
  // cheaper than f32x4.nearest + i32x4.trunc_sat (a 7-instruction sequence on x64).
  body.push(f.set(t, m.f32x4.add(m.f32x4.mul(f.get(xv), splatF(f, LOG2E)), splatF(f, MAGIC))));
  body.push(f.set(nf, m.f32x4.sub(f.get(t), splatF(f, MAGIC))));
  body.push(f.set(r, m.f32x4.sub(f.get(xv), m.f32x4.mul(f.get(nf), splatF(f, LN2_HI)))));
  body.push(f.set(r, m.f32x4.sub(f.get(r), m.f32x4.mul(f.get(nf), splatF(f, LN2_LO)))));
  // p = 1 + r + r²·P(r)
  const r2 = m.f32x4.mul(f.get(r), f.get(r));
  const p = m.f32x4.add(
    m.f32x4.add(
      m.f32x4.mul(
        r2,
        horner(f, () => f.get(r), EXP_P),
      ),
      f.get(r),
    ),
    splatF(f, 1),
  );
  // n ∈ [−150, 129] (NaN: garbage, the product stays NaN); 2^n = 2^h · 2^(n−h), h = n >> 1,
  // each factor a normal float.
  body.push(f.set(ni, m.i32x4.sub(f.get(t), splatI(f, 0x4b400000))));
  body.push(f.set(h, m.i32x4.shr_s(f.get(ni), f.i32(1))));
  const pow2 = (e: X) => m.i32x4.shl(m.i32x4.add(e, splatI(f, 127)), f.i32(23));
  const s1 = pow2(f.get(h));
  const s2 = pow2(m.i32x4.sub(f.get(ni), f.get(h)));
  body.push(m.f32x4.mul(m.f32x4.mul(p, s1), s2));
  return m.block(null, body, b.v128);
}

/**
 * expV as a list of statements (the same f32 and i32 operations), the result in the local `out`,
 * with four v128 temporaries: a kernel that computes several vectors' exponentials interleaves
 * the lists (statement k of each vector, then k + 1), so that their dependency chains overlap.
 */
export function expSteps(f: Fn, x: X, out: number, [t, nf, r, ni]: readonly number[]): X[] {
  const m = f.mod;
  const c = (k: number) => splatF(f, k);
  const steps: X[] = [
    f.set(out, m.f32x4.pmax(m.f32x4.pmin(x, c(89)), c(-104))),
    ...expReduce(f, out, [t, nf, r]),
    f.set(out, c(EXP_P[EXP_P.length - 1])),
  ];
  for (let i = EXP_P.length - 2; i >= 0; i--) steps.push(f.set(out, m.f32x4.add(m.f32x4.mul(f.get(out), f.get(r)), c(EXP_P[i]))));
  steps.push(expRebuild(f, out, r), ...expScale(f, out, [t, nf, ni]));
  return steps;
}

/**
 * The exponential's range reduction, shared by every exponential's statements: the clamped x in
 * `out`; t = x·log2e + MAGIC (n = round(x·log2e) in its low bits), nf = n as f32, r = x − n·ln2
 * (ln2 in two parts, so r is exact).
 */
export function expReduce(f: Fn, out: number, [t, nf, r]: readonly number[]): X[] {
  const m = f.mod;
  const c = (k: number) => splatF(f, k);
  return [
    f.set(t, m.f32x4.add(m.f32x4.mul(f.get(out), c(LOG2E)), c(MAGIC))),
    f.set(nf, m.f32x4.sub(f.get(t), c(MAGIC))),
    f.set(r, m.f32x4.sub(f.get(out), m.f32x4.mul(f.get(nf), c(LN2_HI)))),
    f.set(r, m.f32x4.sub(f.get(r), m.f32x4.mul(f.get(nf), c(LN2_LO)))),
  ];
}

/** e^r = 1 + r + r²·P(r), P(r) in `out`: the result in `out`. */
export const expRebuild = (f: Fn, out: number, r: number): X =>
  f.set(out, f.mod.f32x4.add(f.mod.f32x4.add(f.mod.f32x4.mul(f.mod.f32x4.mul(f.get(r), f.get(r)), f.get(out)), f.get(r)), splatF(f, 1)));

/** `out` · 2ⁿ (n from expReduce's t) in two steps, 2^⌊n/2⌋ then 2^(n − ⌊n/2⌋), so that no power overflows or goes subnormal. */
export function expScale(f: Fn, out: number, [t, nf, ni]: readonly number[]): X[] {
  const m = f.mod;
  const pow2 = (e: X) => m.i32x4.shl(m.i32x4.add(e, splatI(f, 127)), f.i32(23));
  return [
    f.set(ni, m.i32x4.sub(f.get(t), splatI(f, 0x4b400000))),
    f.set(nf, m.i32x4.shr_s(f.get(ni), f.i32(1))),
    f.set(out, m.f32x4.mul(m.f32x4.mul(f.get(out), pow2(f.get(nf))), pow2(m.i32x4.sub(f.get(ni), f.get(nf))))),
  ];
}

const SQRTHF = 0.707106781186547524;
// Cephes logf: log(1 + z) ≈ z − z²/2 + z³·Q(z), z ∈ [√½ − 1, √2 − 1).
const LOG_Q = [
  3.3333331174e-1, -2.4999993993e-1, 2.0000714765e-1, -1.6668057665e-1, 1.4249322787e-1, -1.2420140846e-1, 1.167699874e-1, -1.151461031e-1,
  7.0376836292e-2,
];

/** ln x, lane-wise. */
export function logV(f: Fn, x: X): X {
  const m = f.mod;
  const b = f.b;
  const xv = f.local(b.v128);
  const den = f.local(b.v128);
  const xs = f.local(b.v128);
  const e = f.local(b.v128);
  const mant = f.local(b.v128);
  const lt = f.local(b.v128);
  const z = f.local(b.v128);
  const ef = f.local(b.v128);
  const y = f.local(b.v128);
  const body: X[] = [];
  body.push(f.set(xv, x));
  // Denormals (and zeros, handled at the end): scale by 2^23, take 23 off the exponent.
  body.push(f.set(den, m.f32x4.lt(f.get(xv), splatF(f, 1.1754943508222875e-38))));
  body.push(f.set(xs, m.v128.bitselect(m.f32x4.mul(f.get(xv), splatF(f, 8388608)), f.get(xv), f.get(den))));
  // x = mant·2^e with mant ∈ [0.5, 1): e = biased exponent − 126.
  body.push(f.set(e, m.i32x4.sub(m.i32x4.sub(m.i32x4.shr_u(f.get(xs), f.i32(23)), splatI(f, 126)), m.v128.and(f.get(den), splatI(f, 23)))));
  body.push(f.set(mant, m.v128.or(m.v128.and(f.get(xs), splatI(f, 0x007fffff)), splatI(f, 0x3f000000))));
  // mant < √½: use 2·mant − 1 and e − 1 (lt is all-ones, i.e. −1, there).
  body.push(f.set(lt, m.f32x4.lt(f.get(mant), splatF(f, SQRTHF))));
  body.push(f.set(e, m.i32x4.add(f.get(e), f.get(lt))));
  body.push(f.set(z, m.f32x4.sub(m.f32x4.add(f.get(mant), m.v128.and(f.get(mant), f.get(lt))), splatF(f, 1))));
  body.push(f.set(ef, m.f32x4.convert_i32x4_s(f.get(e))));
  const z2 = () => m.f32x4.mul(f.get(z), f.get(z));
  // y = z³·Q(z) + e·LN2_LO − z²/2; result = (z + y) + e·LN2_HI
  body.push(
    f.set(
      y,
      m.f32x4.mul(
        m.f32x4.mul(
          horner(f, () => f.get(z), LOG_Q),
          f.get(z),
        ),
        z2(),
      ),
    ),
  );
  body.push(f.set(y, m.f32x4.add(f.get(y), m.f32x4.mul(f.get(ef), splatF(f, LN2_LO)))));
  body.push(f.set(y, m.f32x4.sub(f.get(y), m.f32x4.mul(z2(), splatF(f, 0.5)))));
  body.push(f.set(y, m.f32x4.add(m.f32x4.add(f.get(z), f.get(y)), m.f32x4.mul(f.get(ef), splatF(f, LN2_HI)))));
  // Specials: x = +Inf → +Inf; !(x ≥ 0) (negative or NaN) → NaN; x = ±0 → −Inf.
  body.push(f.set(y, m.v128.bitselect(splatF(f, Infinity), f.get(y), m.f32x4.eq(f.get(xv), splatF(f, Infinity)))));
  body.push(f.set(y, m.v128.bitselect(splatF(f, NaN), f.get(y), m.v128.not(m.f32x4.ge(f.get(xv), splatF(f, 0))))));
  body.push(m.v128.bitselect(splatF(f, -Infinity), f.get(y), m.f32x4.eq(f.get(xv), splatF(f, 0))));
  return m.block(null, body, b.v128);
}

// Cephes tanhf on |x| < 0.625: tanh x ≈ x + x·x²·T(x²).
export const TANH_T = [-3.33332819422e-1, 1.33314422036e-1, -5.37397155531e-2, 2.06390887954e-2, -5.70498872745e-3];
const SIGN = 0x80000000 | 0;

/** tanh x, lane-wise. */
export function tanhV(f: Fn, x: X): X {
  const m = f.mod;
  const b = f.b;
  const xv = f.local(b.v128);
  const ax = f.local(b.v128);
  const t = f.local(b.v128);
  const z = f.local(b.v128);
  const body: X[] = [];
  body.push(f.set(xv, x));
  body.push(f.set(ax, absV(f, f.get(xv))));
  // Large: (1 − t)/(1 + t), t = e^(−2|x|); small: |x| + |x|·z·T(z), z = x². Both are ≥ 0
  // (or NaN) and get x's sign, so tanh(−0) = −0.
  body.push(f.set(t, expV(f, m.f32x4.mul(f.get(ax), splatF(f, -2)))));
  const big = m.f32x4.div(m.f32x4.sub(splatF(f, 1), f.get(t)), m.f32x4.add(splatF(f, 1), f.get(t)));
  body.push(f.set(z, m.f32x4.mul(f.get(xv), f.get(xv))));
  const small = m.f32x4.add(
    m.f32x4.mul(
      m.f32x4.mul(f.get(ax), f.get(z)),
      horner(f, () => f.get(z), TANH_T),
    ),
    f.get(ax),
  );
  const mag = m.v128.bitselect(small, big, m.f32x4.lt(f.get(ax), splatF(f, 0.625)));
  body.push(m.v128.bitselect(f.get(xv), mag, splatI(f, SIGN)));
  return m.block(null, body, b.v128);
}

/** 1/(1 + e^−x), lane-wise. */
export function sigmoidV(f: Fn, x: X): X {
  const m = f.mod;
  const b = f.b;
  const xv = f.local(b.v128);
  const t = f.local(b.v128);
  const body: X[] = [];
  body.push(f.set(xv, x));
  body.push(f.set(t, expV(f, negV(f, absV(f, f.get(xv))))));
  // x ≥ 0: 1/(1 + t); x < 0: t/(1 + t) (NaN: t is NaN).
  const num = m.v128.bitselect(f.get(t), splatF(f, 1), m.f32x4.lt(f.get(xv), splatF(f, 0)));
  body.push(m.f32x4.div(num, m.f32x4.add(splatF(f, 1), f.get(t))));
  return m.block(null, body, b.v128);
}
