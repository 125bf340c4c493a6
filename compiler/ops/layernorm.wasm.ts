// The WebAssembly kernels of layer normalization (normalization.ts), f32x4 SIMD128 with
// float64 sums, tested against runtime/kernels/normalization.ts. x is [rows, L] (the
// normalized axis last): each row's statistics are a horizontal sum over its L values,
// and its second pass reads the row again from the cache. A layer norm over another axis
// (x [outer, L, inner], inner > 1) runs the reference kernel on the module's memory.
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import { ZERO16, loadPartial, storePartial, type Fn, type Mod, type X } from "../wasm/kernels/fn.js";
import { flatLoop, hsum64, nParam, promoteHi, promoteLo, repeat, type Stream } from "../wasm/kernels/loops.js";
import type { WasmCtx, WasmRule } from "./op.js";
import * as W from "./kit/wasm.js";
import {
  accumulate,
  channelLoop,
  f64At,
  kernel,
  padded,
  rsqrt,
  scratchBytes,
  storeF32,
  zeroSums,
  type ChannelSpec,
  type Ctx,
} from "./norm-kit.wasm.js";

const affineNames = (s: ChannelSpec): string[] => [...(s.scale ? ["gamma"] : []), ...(s.center ? ["beta"] : [])];

/** Per-row float64 sums of p and q over the row's L values (4 accumulators), returned as f64 expressions. */
function rowSums(
  f: Fn,
  L: number,
  streams: Stream[],
  term: (lanes: number, e: number) => { p: X; q: X | "square" | ((p: X) => X) },
): { code: X; s1: X; s2: X } {
  const m = f.mod;
  const s = [0, 1, 2, 3].map(() => f.local(f.b.v128));
  const pv = f.local(f.b.v128);
  const qv = f.local(f.b.v128);
  const lo = f.local(f.b.v128);
  const hi = f.local(f.b.v128);
  const body = (lanes: number, e: number): X[] => {
    const t = term(lanes, e);
    const sq = t.q === "square";
    return [
      f.set(pv, t.p),
      ...(sq ? [] : [f.set(qv, typeof t.q === "function" ? t.q(f.get(pv)) : (t.q as X))]),
      f.set(lo, promoteLo(f, pv)),
      f.set(hi, promoteHi(f, pv)),
      f.set(s[0], m.f64x2.add(f.get(s[0]), f.get(lo))),
      f.set(s[1], m.f64x2.add(f.get(s[1]), f.get(hi))),
      f.set(s[2], m.f64x2.add(f.get(s[2]), sq ? m.f64x2.mul(f.get(lo), f.get(lo)) : promoteLo(f, qv))),
      f.set(s[3], m.f64x2.add(f.get(s[3]), sq ? m.f64x2.mul(f.get(hi), f.get(hi)) : promoteHi(f, qv))),
    ];
  };
  const total = (a: number, c: number): X => m.f64x2.extract_lane(hsum64(f, m.f64x2.add(f.get(a), f.get(c))), 0);
  const code = m.block(null, [...s.map((v) => f.set(v, m.v128.const(ZERO16))), flatLoop(f, L, streams, body, { unroll: 1 })]);
  return { code, s1: total(s[0], s[1]), s2: total(s[2], s[3]) };
}

export const forwardParams = (s: ChannelSpec): string[] => [...nParam(s.batched), "y", "mean", "variance", "x", ...affineNames(s)];

/** layernormForward: per row, mean and biased variance (x, x² summed in f64), then y = (x − mean)·r·γ + β. */
export function addLayernormForward(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, forwardParams(spec), (k, p) => {
    const { f, m } = k;
    const L = spec.C;
    const [px, py, pg, pb, pm, pv] = [0, 1, 2, 3, 4, 5].map(() => f.local(b.i32));
    const [mu, v] = [f.local(b.f64), f.local(b.f64)];
    const [ms, rs, t] = [f.local(b.v128), f.local(b.v128), f.local(b.v128)];
    const sums = rowSums(f, L, [{ ptr: px, step: 4 }], (lanes, e) => ({ p: loadPartial(f, f.get(px), e * 4, lanes), q: "square" }));
    const norm = (lanes: number, e: number): X[] => {
      let y = m.f32x4.mul(m.f32x4.sub(loadPartial(f, f.get(px), e * 4, lanes), f.get(ms)), f.get(rs));
      if (spec.scale) y = m.f32x4.mul(y, loadPartial(f, f.get(pg), e * 4, lanes));
      if (spec.center) y = m.f32x4.add(y, loadPartial(f, f.get(pb), e * 4, lanes));
      return [f.set(t, y), ...storePartial(f, f.get(py), e * 4, lanes, f.get(t))];
    };
    const streams: Stream[] = [px, py, ...(spec.scale ? [pg] : []), ...(spec.center ? [pb] : [])].map((ptr) => ({ ptr, step: 4 }));
    const row = [
      sums.code,
      f.set(mu, m.f64.div(sums.s1, m.f64.const(L))),
      f.set(v, m.f64.max(m.f64.sub(m.f64.div(sums.s2, m.f64.const(L)), m.f64.mul(f.get(mu), f.get(mu))), m.f64.const(0))),
      m.f32.store(0, 4, f.get(pm), m.f32.demote(f.get(mu))),
      m.f32.store(0, 4, f.get(pv), m.f32.demote(f.get(v))),
      f.set(ms, m.f32x4.splat(m.f32.demote(f.get(mu)))),
      f.set(rs, m.f32x4.splat(m.f32.demote(rsqrt(k, f.get(v))))),
      f.set(px, m.i32.sub(f.get(px), f.i32(L * 4))),
      ...(spec.scale ? [f.set(pg, f.get(p("gamma")))] : []),
      ...(spec.center ? [f.set(pb, f.get(p("beta")))] : []),
      flatLoop(f, L, streams, norm, { unroll: 2 }),
      f.addI(pm, 4),
      f.addI(pv, 4),
    ];
    return [
      f.set(px, f.get(p("x"))),
      f.set(py, f.get(p("y"))),
      f.set(pm, f.get(p("mean"))),
      f.set(pv, f.get(p("variance"))),
      repeat(f, k.outer, row),
    ];
  });
}

export const gradParams = (s: ChannelSpec): string[] => [
  ...nParam(s.batched),
  "dx",
  "dy",
  "x",
  "mean",
  "variance",
  ...(s.scale ? ["gamma"] : []),
];

/** layernormGradX: per row g = γ·dy, then dx = r·g − r·mean(g) − r³·mean(g·(x − mean))·(x − mean) (= r·(g − mean(g) − x̂·mean(g·x̂))). */
export function addLayernormGrad(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, gradParams(spec), (k, p) => {
    const { f, m } = k;
    const L = spec.C;
    const [pdx, pdy, px, pg, pm, pv] = [0, 1, 2, 3, 4, 5].map(() => f.local(b.i32));
    const [r, mg, mgx] = [f.local(b.f64), f.local(b.f64), f.local(b.f64)];
    const [ms, A, B, D, t] = [0, 1, 2, 3, 4].map(() => f.local(b.v128));
    const g = (lanes: number, e: number): X => {
      const dy = loadPartial(f, f.get(pdy), e * 4, lanes);
      return spec.scale ? m.f32x4.mul(dy, loadPartial(f, f.get(pg), e * 4, lanes)) : dy;
    };
    const xc = (lanes: number, e: number): X => m.f32x4.sub(loadPartial(f, f.get(px), e * 4, lanes), f.get(ms));
    const streams1: Stream[] = [pdy, px, ...(spec.scale ? [pg] : [])].map((ptr) => ({ ptr, step: 4 }));
    const sums = rowSums(f, L, streams1, (lanes, e) => ({ p: g(lanes, e), q: (gv) => m.f32x4.mul(gv, xc(lanes, e)) }));
    const dxv = (lanes: number, e: number): X[] => [
      f.set(t, m.f32x4.add(m.f32x4.add(m.f32x4.mul(f.get(A), g(lanes, e)), f.get(B)), m.f32x4.mul(f.get(D), xc(lanes, e)))),
      ...storePartial(f, f.get(pdx), e * 4, lanes, f.get(t)),
    ];
    const streams2: Stream[] = [pdx, pdy, px, ...(spec.scale ? [pg] : [])].map((ptr) => ({ ptr, step: 4 }));
    const resetGamma = (): X[] => (spec.scale ? [f.set(pg, f.get(p("gamma")))] : []);
    const row = [
      f.set(ms, m.v128.load32_splat(0, 4, f.get(pm))),
      f.set(r, rsqrt(k, m.f64.promote(m.f32.load(0, 4, f.get(pv))))),
      ...resetGamma(),
      sums.code,
      f.set(mg, m.f64.div(sums.s1, m.f64.const(L))),
      f.set(mgx, m.f64.div(sums.s2, m.f64.const(L))),
      f.set(A, m.f32x4.splat(m.f32.demote(f.get(r)))),
      f.set(B, m.f32x4.splat(m.f32.demote(m.f64.neg(m.f64.mul(f.get(r), f.get(mg)))))),
      f.set(D, m.f32x4.splat(m.f32.demote(m.f64.neg(m.f64.mul(m.f64.mul(m.f64.mul(f.get(r), f.get(r)), f.get(r)), f.get(mgx)))))),
      f.set(pdy, m.i32.sub(f.get(pdy), f.i32(L * 4))),
      f.set(px, m.i32.sub(f.get(px), f.i32(L * 4))),
      ...resetGamma(),
      flatLoop(f, L, streams2, dxv, { unroll: 2 }),
      f.addI(pm, 4),
      f.addI(pv, 4),
    ];
    return [
      f.set(pdx, f.get(p("dx"))),
      f.set(pdy, f.get(p("dy"))),
      f.set(px, f.get(p("x"))),
      f.set(pm, f.get(p("mean"))),
      f.set(pv, f.get(p("variance"))),
      repeat(f, k.outer, row),
    ];
  });
}

export const gradSumsParams = (s: ChannelSpec): string[] => [...nParam(s.batched), "s", "dy", "x", "mean", "variance", "ws"];

/** layernormGradSums: s[l] = Σ dy, s[L + l] = Σ dy·(x − mean)·r over the rows, in f64 sums per column. */
export function addLayernormGradSums(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, gradSumsParams(spec), (k: Ctx, p) => {
    const { f, m } = k;
    const L = spec.C;
    const Lp = padded(L);
    const [pm, pv] = [f.local(b.i32), f.local(b.i32)];
    const [ms, rs] = [f.local(b.v128), f.local(b.v128)];
    const rowStart = (): X[] => [
      f.set(ms, m.v128.load32_splat(0, 4, f.get(pm))),
      f.set(rs, m.f32x4.splat(m.f32.demote(rsqrt(k, m.f64.promote(m.f32.load(0, 4, f.get(pv))))))),
      f.addI(pm, 4),
      f.addI(pv, 4),
    ];
    return [
      f.set(pm, f.get(p("mean"))),
      f.set(pv, f.get(p("variance"))),
      zeroSums(k),
      accumulate(
        k,
        [p("dy"), p("x")],
        [],
        (d) => ({ p: d(0), q: m.f32x4.mul(m.f32x4.mul(d(0), m.f32x4.sub(d(1), f.get(ms))), f.get(rs)) }),
        rowStart,
      ),
      channelLoop(k, (c4, c8) => [
        storeF32(k, f.get(p("s")), c4, f64At(k, m.i32.add(f.get(k.ws), f.get(c8)), 0)),
        storeF32(k, m.i32.add(f.get(p("s")), f.i32(L * 4)), c4, f64At(k, m.i32.add(f.get(k.ws), f.get(c8)), Lp * 8)),
      ]),
    ];
  });
}

// ---------------------------------------------------------------------------------------
// The ops' rules

type Attrs = { readonly axis: number; readonly epsilon: number; readonly center: boolean; readonly scale: boolean };

/** The spec of a layer norm whose axis is last, or null (another axis: the reference kernel runs). */
function rowSpec(c: WasmCtx<unknown>, x: number): Omit<ChannelSpec, "name"> | null {
  const a = c.eqn.attrs as unknown as Attrs;
  const s = W.shape(c, x);
  if (a.axis !== s.length - 1) return null;
  const before = s.slice(0, -1);
  return {
    outerPerRow: before.reduce((p: number, d) => p * (d === "B" ? 1 : d), 1),
    batched: before.includes("B"),
    C: s[s.length - 1] as number,
    inner: 1,
    eps: a.epsilon,
    scale: a.scale,
    center: a.center,
  };
}

function affineArgs(c: WasmCtx<unknown>, spec: Omit<ChannelSpec, "name">): Record<string, string> {
  const out: Record<string, string> = {};
  let k = 1;
  if (spec.scale) out.gamma = c.addr(c.eqn.inputs[k++]);
  if (spec.center) out.beta = c.addr(c.eqn.inputs[k++]);
  return out;
}

export const layernormForwardCall: WasmRule<unknown> = (c) => {
  const [x] = c.eqn.inputs;
  const spec = rowSpec(c, x);
  if (!spec) return null;
  const [y, mean, variance] = c.eqn.outputs;
  const args = { y: c.addr(y), mean: c.addr(mean), variance: c.addr(variance), x: c.addr(x), ...affineArgs(c, spec) };
  return W.call(c, "layernorm", spec, addLayernormForward, forwardParams, args);
};

export const layernormGradCall: WasmRule<unknown> = (c) => {
  const [dy, x, mean, variance, gamma] = c.eqn.inputs;
  const spec = rowSpec(c, x);
  if (!spec) return null;
  const args: Record<string, string> = { dx: W.out(c), dy: c.addr(dy), x: c.addr(x), mean: c.addr(mean), variance: c.addr(variance) };
  if (spec.scale) args.gamma = c.addr(gamma);
  return W.call(c, "layernorm_grad", spec, addLayernormGrad, gradParams, args);
};

export const layernormGradSumsCall: WasmRule<unknown> = (c) => {
  const [dy, x, mean, variance] = c.eqn.inputs;
  const spec = rowSpec(c, x);
  if (!spec) return null;
  const args = {
    s: W.out(c),
    dy: c.addr(dy),
    x: c.addr(x),
    mean: c.addr(mean),
    variance: c.addr(variance),
    ws: c.scratch(scratchBytes(spec.C)),
  };
  return W.call(c, "layernorm_grad_sums", spec, addLayernormGradSums, gradSumsParams, args);
};
