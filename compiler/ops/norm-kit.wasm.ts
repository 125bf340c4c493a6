// Building blocks of the normalization kernels (normalization.wasm.ts, layernorm.wasm.ts):
// per-channel float64 sums over x [outer, C, inner] (lanes over 4 channels when inner = 1,
// else over the inner axis), a scalar loop over the channels, and the affine pass
// out = A[c]·u + B[c] (+ D[c]·v) with the coefficients in the scratch space.
//
// Scratch layout (bytes, Cp = C rounded up to 4): S1 [Cp] f64, S2 [Cp] f64, then the
// coefficients A, B, D [Cp] f32 each.
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import { ZERO16, loadPartial, storePartial, type Fn, type Mod, type X } from "../wasm/kernels/fn.js";
import { addKernel, countOf, flatLoop, hsum64, promoteHi, promoteLo, repeat, type Count, type Stream } from "../wasm/kernels/loops.js";
import type { WasmCtx } from "./op.js";
import * as W from "./kit/wasm.js";

// ---------------------------------------------------------------------------------------
// Specs

/** x as [outer, C, inner]: outer = outerPerRow·n when batched. */
export interface ChannelSpec {
  readonly name: string;
  readonly outerPerRow: number;
  readonly batched: boolean;
  readonly C: number;
  readonly inner: number;
  readonly eps: number;
  readonly scale: boolean;
  readonly center: boolean;
}

export const padded = (C: number): number => Math.ceil(C / 4) * 4;
/** Scratch bytes: two f64 sums and three f32 coefficients per (padded) channel. */
export const scratchBytes = (C: number): number => padded(C) * 28;

export function geometry(c: WasmCtx<unknown>, x: number, axis: number): Omit<ChannelSpec, "name" | "eps" | "scale" | "center"> {
  const s = W.shape(c, x);
  const before = s.slice(0, axis);
  return {
    outerPerRow: before.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1),
    batched: before.includes("B"),
    C: s[axis] as number,
    inner: s.slice(axis + 1).reduce((a: number, d) => a * (d as number), 1),
  };
}

// ---------------------------------------------------------------------------------------
// Building blocks

export interface Ctx {
  readonly f: Fn;
  readonly m: Mod;
  readonly b: BinaryenApi;
  readonly spec: ChannelSpec;
  /** The scratch base (a local). */
  readonly ws: number;
  readonly outer: Count;
}

export const f64At = (k: Ctx, ptr: X, off: number): X => k.m.f64.load(off, 8, ptr);

/** Zeroes S1 and S2. */
export function zeroSums(k: Ctx): X {
  const { f, m } = k;
  const p = f.local(k.b.i32);
  const z = f.local(k.b.v128);
  const vecs = (padded(k.spec.C) * 16) / 16;
  return m.block(null, [
    f.set(p, f.get(k.ws)),
    f.set(z, m.v128.const(ZERO16)),
    repeat(f, vecs, [m.v128.store(0, 8, f.get(p), f.get(z)), f.addI(p, 16)]),
  ]);
}

/**
 * Pass 1: per channel S1 += Σ p, S2 += Σ q over its outer·inner values, in float64. `term`
 * gets the chunk's data vectors (f32x4, loaded from `data` at the chunk) and the channel
 * vectors (f32x4: per-channel arrays `chans` at the chunk's channels, or splatted) and
 * returns p (f32x4) and q (f32x4, or "square": p² formed in float64).
 */
export function accumulate(
  k: Ctx,
  data: readonly number[],
  chans: readonly number[],
  term: (d: (i: number) => X, ch: (i: number) => X) => { p: X; q: X | "square" },
  rowStart: () => X[] = () => [],
): X {
  const { f, m, b, spec } = k;
  const C = spec.C;
  const Cp = padded(C);
  const dp = data.map(() => f.local(b.i32));
  const cp = chans.map(() => f.local(b.i32));
  const dl = data.map(() => f.local(b.v128));
  const cl = chans.map(() => f.local(b.v128));
  const acc = f.local(b.i32);
  const pv = f.local(b.v128);
  const qv = f.local(b.v128);
  const lo = f.local(b.v128);
  const hi = f.local(b.v128);
  const init = [...data.map((d, i) => f.set(dp[i], f.get(d)))];
  // The float64 halves of p and q added to the sums at byte offsets s1, s2 (+16: the high half).
  const addHalves = (ptr: X, s1: number, s2: number, square: boolean): X[] => [
    f.set(lo, promoteLo(f, pv)),
    f.set(hi, promoteHi(f, pv)),
    m.v128.store(s1, 8, ptr, m.f64x2.add(m.v128.load(s1, 8, m.copyExpression(ptr)), f.get(lo))),
    m.v128.store(s1 + 16, 8, m.copyExpression(ptr), m.f64x2.add(m.v128.load(s1 + 16, 8, m.copyExpression(ptr)), f.get(hi))),
    ...(square ? [] : [f.set(lo, promoteLo(f, qv)), f.set(hi, promoteHi(f, qv))]),
    m.v128.store(
      s2,
      8,
      m.copyExpression(ptr),
      m.f64x2.add(m.v128.load(s2, 8, m.copyExpression(ptr)), square ? m.f64x2.mul(f.get(lo), f.get(lo)) : f.get(lo)),
    ),
    m.v128.store(
      s2 + 16,
      8,
      m.copyExpression(ptr),
      m.f64x2.add(m.v128.load(s2 + 16, 8, m.copyExpression(ptr)), square ? m.f64x2.mul(f.get(hi), f.get(hi)) : f.get(hi)),
    ),
  ];
  if (spec.inner === 1) {
    // Lanes over channels: the sums of 4 channels in scratch, S1 at acc + 8·c, S2 at acc + 8·Cp + 8·c.
    let square = false;
    const streams: Stream[] = [...dp.map((p) => ({ ptr: p, step: 4 })), ...cp.map((p) => ({ ptr: p, step: 4 })), { ptr: acc, step: 8 }];
    const body = (lanes: number, e: number): X[] => {
      const loads = [
        ...dp.map((p, i) => f.set(dl[i], loadPartial(f, f.get(p), e * 4, lanes))),
        ...cp.map((p, i) => f.set(cl[i], loadPartial(f, f.get(p), e * 4, lanes))),
      ];
      const t = term(
        (i) => f.get(dl[i]),
        (i) => f.get(cl[i]),
      );
      square = t.q === "square";
      return [
        ...loads,
        f.set(pv, t.p),
        ...(t.q !== "square" ? [f.set(qv, t.q)] : []),
        ...addHalves(f.get(acc), e * 8, Cp * 8 + e * 8, square),
      ];
    };
    const row = [
      ...rowStart(),
      ...chans.map((c, i) => f.set(cp[i], f.get(c))),
      f.set(acc, f.get(k.ws)),
      flatLoop(f, C, streams, body, { unroll: 1 }),
    ];
    return m.block(null, [...init, repeat(f, k.outer, row)]);
  }
  if (rowStart().length > 0) throw new Error("internal: per-row values need the channels innermost");
  // Lanes over the inner axis: one channel at a time, its sums in registers.
  const s = [0, 1, 2, 3].map(() => f.local(b.v128));
  const chv = chans.map(() => f.local(b.v128));
  let square = false;
  const streams: Stream[] = dp.map((p) => ({ ptr: p, step: 4 }));
  const body = (lanes: number, e: number): X[] => {
    const loads = dp.map((p, i) => f.set(dl[i], loadPartial(f, f.get(p), e * 4, lanes)));
    const t = term(
      (i) => f.get(dl[i]),
      (i) => f.get(chv[i]),
    );
    square = t.q === "square";
    const code = [...loads, f.set(pv, t.p), ...(t.q !== "square" ? [f.set(qv, t.q)] : [])];
    code.push(f.set(lo, promoteLo(f, pv)), f.set(hi, promoteHi(f, pv)));
    code.push(f.set(s[0], m.f64x2.add(f.get(s[0]), f.get(lo))), f.set(s[1], m.f64x2.add(f.get(s[1]), f.get(hi))));
    if (square) {
      code.push(
        f.set(s[2], m.f64x2.add(f.get(s[2]), m.f64x2.mul(f.get(lo), f.get(lo)))),
        f.set(s[3], m.f64x2.add(f.get(s[3]), m.f64x2.mul(f.get(hi), f.get(hi)))),
      );
    } else {
      code.push(f.set(s[2], m.f64x2.add(f.get(s[2]), promoteLo(f, qv))), f.set(s[3], m.f64x2.add(f.get(s[3]), promoteHi(f, qv))));
    }
    return code;
  };
  const total = (a: number, c: number): X => m.f64x2.extract_lane(hsum64(f, m.f64x2.add(f.get(a), f.get(c))), 0);
  const perChannel = [
    ...s.map((v) => f.set(v, m.v128.const(ZERO16))),
    ...chans.map((_, i) => f.set(chv[i], m.v128.load32_splat(0, 4, f.get(cp[i])))),
    flatLoop(f, spec.inner, streams, body, { unroll: 1 }),
    m.f64.store(0, 8, f.get(acc), m.f64.add(f64At(k, f.get(acc), 0), total(s[0], s[1]))),
    m.f64.store(Cp * 8, 8, f.get(acc), m.f64.add(f64At(k, f.get(acc), Cp * 8), total(s[2], s[3]))),
    f.addI(acc, 8),
    ...cp.map((p) => f.addI(p, 4)),
  ];
  const row = [...chans.map((c, i) => f.set(cp[i], f.get(c))), f.set(acc, f.get(k.ws)), repeat(f, C, perChannel)];
  return m.block(null, [...init, repeat(f, k.outer, row)]);
}

/** The number of values per channel (outer·inner) as an f64 expression. */
export function countF64(k: Ctx): X {
  const { m } = k;
  const o = typeof k.outer === "number" ? m.f64.const(k.outer) : m.f64.convert_s.i32(k.outer());
  return m.f64.mul(o, m.f64.const(k.spec.inner));
}

/**
 * A scalar loop over the channels: `body(c4, c8)` with c4 = 4·c and c8 = 8·c (byte offsets
 * of channel c in f32 and f64 arrays).
 */
export function channelLoop(k: Ctx, body: (c4: number, c8: number) => X[]): X {
  const { f, b } = k;
  const c4 = f.local(b.i32);
  const c8 = f.local(b.i32);
  return k.m.block(null, [f.set(c4, f.i32(0)), f.set(c8, f.i32(0)), repeat(f, k.spec.C, [...body(c4, c8), f.addI(c4, 4), f.addI(c8, 8)])]);
}

/** f32 value of array `base` (a param local) at byte offset local `c4`, as f64. */
export const chanF64 = (k: Ctx, base: number, c4: number): X =>
  k.m.f64.promote(k.m.f32.load(0, 4, k.m.i32.add(k.f.get(base), k.f.get(c4))));
/** Stores f64 `v` as f32 at array `base` + c4. */
export const storeF32 = (k: Ctx, base: X, c4: number, v: X): X => k.m.f32.store(0, 4, k.m.i32.add(base, k.f.get(c4)), k.m.f32.demote(v));

/** Byte offsets in scratch of the coefficients A, B, D. */
export const coefOff = (C: number) => {
  const Cp = padded(C);
  return { A: Cp * 16, B: Cp * 20, D: Cp * 24 };
};

/**
 * Pass 2: out = A[c]·u + B[c] (+ D[c]·v), coefficients from scratch.
 */
export function affinePass(k: Ctx, out: number, u: number, v: number | null): X {
  const { f, m, b, spec } = k;
  const off = coefOff(spec.C);
  const po = f.local(b.i32);
  const pu = f.local(b.i32);
  const pv = f.local(b.i32);
  const pc = f.local(b.i32);
  const r = f.local(b.v128);
  const init = [f.set(po, f.get(out)), f.set(pu, f.get(u)), ...(v !== null ? [f.set(pv, f.get(v))] : [])];
  const data: Stream[] = [{ ptr: po, step: 4 }, { ptr: pu, step: 4 }, ...(v !== null ? [{ ptr: pv, step: 4 }] : [])];
  const value = (uu: X, vv: X | null, A: X, B: X, D: X | null): X => {
    const base = m.f32x4.add(m.f32x4.mul(A, uu), B);
    return vv !== null && D !== null ? m.f32x4.add(base, m.f32x4.mul(D, vv)) : base;
  };
  if (spec.inner === 1) {
    const body = (lanes: number, e: number): X[] => [
      f.set(
        r,
        value(
          loadPartial(f, f.get(pu), e * 4, lanes),
          v !== null ? loadPartial(f, f.get(pv), e * 4, lanes) : null,
          loadPartial(f, f.get(pc), off.A + e * 4, lanes),
          loadPartial(f, f.get(pc), off.B + e * 4, lanes),
          v !== null ? loadPartial(f, f.get(pc), off.D + e * 4, lanes) : null,
        ),
      ),
      ...storePartial(f, f.get(po), e * 4, lanes, f.get(r)),
    ];
    const row = [f.set(pc, f.get(k.ws)), flatLoop(f, spec.C, [...data, { ptr: pc, step: 4 }], body, { unroll: 2 })];
    return m.block(null, [...init, repeat(f, k.outer, row)]);
  }
  const A = f.local(b.v128);
  const B = f.local(b.v128);
  const D = f.local(b.v128);
  const body = (lanes: number, e: number): X[] => [
    f.set(
      r,
      value(
        loadPartial(f, f.get(pu), e * 4, lanes),
        v !== null ? loadPartial(f, f.get(pv), e * 4, lanes) : null,
        f.get(A),
        f.get(B),
        v !== null ? f.get(D) : null,
      ),
    ),
    ...storePartial(f, f.get(po), e * 4, lanes, f.get(r)),
  ];
  const perChannel = [
    f.set(A, m.v128.load32_splat(off.A, 4, f.get(pc))),
    f.set(B, m.v128.load32_splat(off.B, 4, f.get(pc))),
    ...(v !== null ? [f.set(D, m.v128.load32_splat(off.D, 4, f.get(pc)))] : []),
    flatLoop(f, spec.inner, data, body, { unroll: 2 }),
    f.addI(pc, 4),
  ];
  const row = [f.set(pc, f.get(k.ws)), repeat(f, spec.C, perChannel)];
  return m.block(null, [...init, repeat(f, k.outer, row)]);
}

export function kernel(
  b: BinaryenApi,
  mod: Mod,
  spec: ChannelSpec,
  params: string[],
  build: (k: Ctx, p: (name: string) => number) => X[],
): void {
  addKernel(
    b,
    mod,
    spec.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const ws = f.local(b.i32);
      const outer = countOf(f, { perRow: spec.outerPerRow, batched: spec.batched }, () => f.get(p("n")));
      const k: Ctx = { f, m: mod, b, spec, ws, outer };
      return [...(params.includes("ws") ? [f.set(ws, f.get(p("ws")))] : []), ...build(k, p)];
    },
  );
}

/** 1/√(v + ε) in f64. */
export const rsqrt = (k: Ctx, v: X): X => k.m.f64.div(k.m.f64.const(1), k.m.f64.sqrt(k.m.f64.add(v, k.m.f64.const(k.spec.eps))));
