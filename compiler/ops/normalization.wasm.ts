// The WebAssembly kernels of batch and layer normalization (normalization.ts), f32x4 SIMD128
// with float64 sums, tested against runtime/kernels/normalization.ts.
//
// A batch norm's x is [outer, C, inner] (outer = n·(dims before the axis)). With the axis
// last (inner = 1: dense and conv2d outputs) the lanes run over 4 channels and each channel's
// sums live in the scratch space, loaded and stored per chunk; otherwise the lanes run over
// the contiguous inner axis, one channel at a time, with the sums in registers. Each kernel is
// at most two passes over the data: the sums, then an affine map per channel
//
//   out = A[c]·u + B[c] (+ D[c]·v)
//
// whose coefficients a scalar float64 loop over the channels computes between the passes:
// y = a·x + b in training and inference; dx = A·dy + B + D·x in the backward pass.
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import { loadPartial, storePartial, type Mod, type X } from "../wasm/kernels/fn.js";
import { addKernel, flatLoop, nParam } from "../wasm/kernels/loops.js";
import type { WasmCtx, WasmRule } from "./op.js";
import * as W from "./kit/wasm.js";
import {
  accumulate,
  affinePass,
  chanF64,
  channelLoop,
  coefOff,
  countF64,
  f64At,
  geometry,
  kernel,
  padded,
  rsqrt,
  scratchBytes,
  storeF32,
  zeroSums,
  type ChannelSpec,
  type Ctx,
} from "./norm-kit.wasm.js";

const affineNames = (spec: ChannelSpec): string[] => [...(spec.scale ? ["gamma"] : []), ...(spec.center ? ["beta"] : [])];
/** γ (1 when absent) and β (0 when absent) of channel c, as f64. */
const gammaOf = (k: Ctx, p: (n: string) => number, c4: number): X => (k.spec.scale ? chanF64(k, p("gamma"), c4) : k.m.f64.const(1));
const betaOf = (k: Ctx, p: (n: string) => number, c4: number): X => (k.spec.center ? chanF64(k, p("beta"), c4) : k.m.f64.const(0));

/** A = γ·r, B = β − mean·A into the coefficients (mean, variance: f64 expressions of channel c). */
function normCoefficients(k: Ctx, p: (n: string) => number, c4: number, mean: X, variance: X): X[] {
  const { f, m, b } = k;
  const off = coefOff(k.spec.C);
  const a = f.local(b.f64);
  const mu = f.local(b.f64);
  return [
    f.set(mu, mean),
    f.set(a, m.f64.mul(gammaOf(k, p, c4), rsqrt(k, variance))),
    storeF32(k, m.i32.add(f.get(k.ws), f.i32(off.A)), c4, f.get(a)),
    storeF32(k, m.i32.add(f.get(k.ws), f.i32(off.B)), c4, m.f64.sub(betaOf(k, p, c4), m.f64.mul(f.get(mu), f.get(a)))),
  ];
}

// ---------------------------------------------------------------------------------------
// Batch norm kernels

export const trainParams = (s: ChannelSpec): string[] => [...nParam(s.batched), "y", "mean", "variance", "x", ...affineNames(s), "ws"];

/** batchnormTrain: the batch's sums (x, x² in f64), mean and biased variance, then y = A·x + B. */
export function addBatchnormTrain(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, trainParams(spec), (k, p) => {
    const { f, m } = k;
    const Cp = padded(spec.C);
    const count = f.local(b.f64);
    const mu = f.local(b.f64);
    const v = f.local(b.f64);
    return [
      zeroSums(k),
      accumulate(k, [p("x")], [], (d) => ({ p: d(0), q: "square" })),
      f.set(count, countF64(k)),
      channelLoop(k, (c4, c8) => [
        f.set(mu, m.f64.div(f64At(k, m.i32.add(f.get(k.ws), f.get(c8)), 0), f.get(count))),
        f.set(
          v,
          m.f64.max(
            m.f64.sub(m.f64.div(f64At(k, m.i32.add(f.get(k.ws), f.get(c8)), Cp * 8), f.get(count)), m.f64.mul(f.get(mu), f.get(mu))),
            m.f64.const(0),
          ),
        ),
        storeF32(k, f.get(p("mean")), c4, f.get(mu)),
        storeF32(k, f.get(p("variance")), c4, f.get(v)),
        ...normCoefficients(k, p, c4, f.get(mu), f.get(v)),
      ]),
      affinePass(k, p("y"), p("x"), null),
    ];
  });
}

export const inferParams = (s: ChannelSpec): string[] => [...nParam(s.batched), "y", "x", "mm", "mv", ...affineNames(s), "ws"];

/** batchnormInfer: y = A·x + B from the moving statistics. */
export function addBatchnormInfer(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, inferParams(spec), (k, p) => [
    channelLoop(k, (c4) => normCoefficients(k, p, c4, chanF64(k, p("mm"), c4), chanF64(k, p("mv"), c4))),
    affinePass(k, p("y"), p("x"), null),
  ]);
}

export const gradSumsParams = (s: ChannelSpec): string[] => [...nParam(s.batched), "s", "dy", "x", "mean", "variance", "ws"];

/** batchnormGradSums: s[c] = Σ dy, s[C + c] = Σ dy·(x − mean)/σ. */
export function addBatchnormGradSums(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, gradSumsParams(spec), (k, p) => {
    const { f, m } = k;
    const Cp = padded(spec.C);
    return [
      zeroSums(k),
      accumulate(k, [p("dy"), p("x")], [p("mean")], (d, ch) => ({ p: d(0), q: m.f32x4.mul(d(0), m.f32x4.sub(d(1), ch(0))) })),
      channelLoop(k, (c4, c8) => [
        storeF32(k, f.get(p("s")), c4, f64At(k, m.i32.add(f.get(k.ws), f.get(c8)), 0)),
        storeF32(
          k,
          m.i32.add(f.get(p("s")), f.i32(spec.C * 4)),
          c4,
          m.f64.mul(f64At(k, m.i32.add(f.get(k.ws), f.get(c8)), Cp * 8), rsqrt(k, chanF64(k, p("variance"), c4))),
        ),
      ]),
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
  "s",
  "ws",
];

/** batchnormGradX: dx = A·dy + B + D·x with A = γ/σ, D = −A·mean(dy·x̂)/σ, B = −A·mean(dy) − D·mean. */
export function addBatchnormGrad(b: BinaryenApi, mod: Mod, spec: ChannelSpec): void {
  kernel(b, mod, spec, gradParams(spec), (k, p) => {
    const { f, m } = k;
    const off = coefOff(spec.C);
    const count = f.local(b.f64);
    const r = f.local(b.f64);
    const a = f.local(b.f64);
    const d = f.local(b.f64);
    const at = (o: number) => m.i32.add(f.get(k.ws), f.i32(o));
    return [
      f.set(count, countF64(k)),
      channelLoop(k, (c4) => [
        f.set(r, rsqrt(k, chanF64(k, p("variance"), c4))),
        f.set(a, m.f64.mul(gammaOf(k, p, c4), f.get(r))),
        // D = −A·r·(Σ dy·x̂)/count
        f.set(
          d,
          m.f64.neg(
            m.f64.div(
              m.f64.mul(m.f64.mul(f.get(a), f.get(r)), m.f64.promote(m.f32.load(spec.C * 4, 4, m.i32.add(f.get(p("s")), f.get(c4))))),
              f.get(count),
            ),
          ),
        ),
        storeF32(k, at(off.A), c4, f.get(a)),
        storeF32(k, at(off.D), c4, f.get(d)),
        storeF32(
          k,
          at(off.B),
          c4,
          m.f64.sub(
            m.f64.neg(m.f64.div(m.f64.mul(f.get(a), chanF64(k, p("s"), c4)), f.get(count))),
            m.f64.mul(f.get(d), chanF64(k, p("mean"), c4)),
          ),
        ),
      ]),
      affinePass(k, p("dx"), p("dy"), p("x")),
    ];
  });
}

export const foldParams = (s: ChannelSpec & { bias: boolean }): string[] => [
  "k2",
  "b2",
  "kernel",
  ...(s.bias ? ["bias"] : []),
  "mm",
  "mv",
  ...affineNames(s),
  "ws",
];

/** batchnormFold: k2 = kernel·a per output channel, b2 = (bias − mean)·a + β, a = γ/√(var + ε). */
export function addBatchnormFold(b: BinaryenApi, mod: Mod, spec: ChannelSpec & { bias: boolean }): void {
  kernel(b, mod, spec, foldParams(spec), (k, p) => {
    const { f, m } = k;
    const off = coefOff(spec.C);
    const a = f.local(b.f64);
    const at = (o: number) => m.i32.add(f.get(k.ws), f.i32(o));
    return [
      channelLoop(k, (c4) => [
        f.set(a, m.f64.mul(gammaOf(k, p, c4), rsqrt(k, chanF64(k, p("mv"), c4)))),
        storeF32(k, at(off.A), c4, f.get(a)),
        storeF32(k, at(off.B), c4, m.f64.const(0)),
        storeF32(
          k,
          f.get(p("b2")),
          c4,
          m.f64.add(
            m.f64.mul(m.f64.sub(spec.bias ? chanF64(k, p("bias"), c4) : m.f64.const(0), chanF64(k, p("mm"), c4)), f.get(a)),
            betaOf(k, p, c4),
          ),
        ),
      ]),
      affinePass(k, p("k2"), p("kernel"), null),
    ];
  });
}

// ---------------------------------------------------------------------------------------
// Small per-channel kernels: the moving average and a row of the sums

export interface FlatSpec {
  readonly name: string;
  readonly size: number;
  readonly momentum?: number;
  readonly offset?: number;
}

export const movingParams = (): string[] => ["out", "moving", "batch"];

/** out = moving·momentum + batch·(1 − momentum) over `size` values. */
export function addMovingAverage(b: BinaryenApi, mod: Mod, spec: FlatSpec): void {
  addKernel(
    b,
    mod,
    spec.name,
    movingParams().map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const [o, mv, bt] = [f.local(b.i32), f.local(b.i32), f.local(b.i32)];
      const r = f.local(b.v128);
      const mom = spec.momentum ?? 0;
      const body = (lanes: number, e: number): X[] => [
        f.set(
          r,
          m.f32x4.add(
            m.f32x4.mul(loadPartial(f, f.get(mv), e * 4, lanes), m.f32x4.splat(m.f32.const(mom))),
            m.f32x4.mul(loadPartial(f, f.get(bt), e * 4, lanes), m.f32x4.splat(m.f32.const(1 - mom))),
          ),
        ),
        ...storePartial(f, f.get(o), e * 4, lanes, f.get(r)),
      ];
      const streams = [o, mv, bt].map((ptr) => ({ ptr, step: 4 }));
      return [
        f.set(o, f.get(p("out"))),
        f.set(mv, f.get(p("moving"))),
        f.set(bt, f.get(p("batch"))),
        flatLoop(f, spec.size, streams, body),
      ];
    },
  );
}

export const rowParams = (): string[] => ["out", "src"];

/** out = src[offset .. offset + size). */
export function addCopyRange(b: BinaryenApi, mod: Mod, spec: FlatSpec): void {
  addKernel(
    b,
    mod,
    spec.name,
    rowParams().map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const [o, s] = [f.local(b.i32), f.local(b.i32)];
      const r = f.local(b.v128);
      const body = (lanes: number, e: number): X[] => [
        f.set(r, loadPartial(f, f.get(s), e * 4, lanes)),
        ...storePartial(f, f.get(o), e * 4, lanes, f.get(r)),
      ];
      const streams = [o, s].map((ptr) => ({ ptr, step: 4 }));
      return [
        f.set(o, f.get(p("out"))),
        f.set(s, mod.i32.add(f.get(p("src")), f.i32((spec.offset ?? 0) * 4))),
        flatLoop(f, spec.size, streams, body),
      ];
    },
  );
}

// ---------------------------------------------------------------------------------------
// The ops' rules

type Attrs = { readonly axis: number; readonly epsilon: number; readonly center: boolean; readonly scale: boolean };
const attrsOf = (c: WasmCtx<unknown>): Attrs => c.eqn.attrs as unknown as Attrs;

function channelSpec(c: WasmCtx<unknown>, x: number): Omit<ChannelSpec, "name"> {
  const a = attrsOf(c);
  return { ...geometry(c, x, a.axis), eps: a.epsilon, scale: a.scale, center: a.center };
}

/** γ, β among the inputs from `start`, as named kernel arguments. */
function affineArgs(c: WasmCtx<unknown>, start: number): Record<string, string> {
  const a = attrsOf(c);
  const out: Record<string, string> = {};
  let k = start;
  if (a.scale) out.gamma = c.addr(c.eqn.inputs[k++]);
  if (a.center) out.beta = c.addr(c.eqn.inputs[k++]);
  return out;
}

export const batchnormTrainCall: WasmRule<unknown> = (c) => {
  const [x] = c.eqn.inputs;
  const [y, mean, variance] = c.eqn.outputs;
  const spec = channelSpec(c, x);
  const ws = c.scratch(scratchBytes(spec.C));
  const args = { y: c.addr(y), mean: c.addr(mean), variance: c.addr(variance), x: c.addr(x), ...affineArgs(c, 1), ws };
  return W.call(c, "batchnorm_train", spec, addBatchnormTrain, trainParams, args);
};

export const batchnormInferCall: WasmRule<unknown> = (c) => {
  const [x, mm, mv] = c.eqn.inputs;
  const spec = channelSpec(c, x);
  const ws = c.scratch(scratchBytes(spec.C));
  const args = { y: W.out(c), x: c.addr(x), mm: c.addr(mm), mv: c.addr(mv), ...affineArgs(c, 3), ws };
  return W.call(c, "batchnorm_infer", spec, addBatchnormInfer, inferParams, args);
};

export const batchnormGradSumsCall: WasmRule<unknown> = (c) => {
  const [dy, x, mean, variance] = c.eqn.inputs;
  const spec = channelSpec(c, x);
  const ws = c.scratch(scratchBytes(spec.C));
  const args = { s: W.out(c), dy: c.addr(dy), x: c.addr(x), mean: c.addr(mean), variance: c.addr(variance), ws };
  return W.call(c, "batchnorm_grad_sums", spec, addBatchnormGradSums, gradSumsParams, args);
};

export const batchnormGradCall: WasmRule<unknown> = (c) => {
  const [dy, x, mean, variance] = c.eqn.inputs;
  const spec = channelSpec(c, x);
  const ws = c.scratch(scratchBytes(spec.C));
  const s = c.eqn.inputs[c.eqn.inputs.length - 1];
  const args: Record<string, string> = {
    dx: W.out(c),
    dy: c.addr(dy),
    x: c.addr(x),
    mean: c.addr(mean),
    variance: c.addr(variance),
    s: c.addr(s),
    ws,
  };
  if (spec.scale) args.gamma = c.addr(c.eqn.inputs[4]);
  return W.call(c, "batchnorm_grad", spec, addBatchnormGrad, gradParams, args);
};

export const batchnormFoldCall: WasmRule<unknown> = (c) => {
  const a = attrsOf(c) as Attrs & { bias: boolean };
  const [kernel] = c.eqn.inputs;
  const [k2, b2] = c.eqn.outputs;
  const ks = W.shape(c, kernel) as number[];
  const C = ks[ks.length - 1];
  const spec = {
    outerPerRow: ks.reduce((p, d) => p * d, 1) / C,
    batched: false,
    C,
    inner: 1,
    eps: a.epsilon,
    scale: a.scale,
    center: a.center,
    bias: a.bias,
  };
  const rest = a.bias ? 2 : 1;
  const [mm, mv] = c.eqn.inputs.slice(rest);
  const args: Record<string, string> = {
    k2: c.addr(k2),
    b2: c.addr(b2),
    kernel: c.addr(kernel),
    mm: c.addr(mm),
    mv: c.addr(mv),
    ...affineArgs(c, rest + 2),
    ws: c.scratch(scratchBytes(C)),
  };
  if (a.bias) args.bias = c.addr(c.eqn.inputs[1]);
  return W.call(c, "batchnorm_fold", spec, addBatchnormFold, foldParams, args);
};

export const movingAverageCall: WasmRule<unknown> = (c) => {
  const [moving, batch] = c.eqn.inputs;
  const spec = { size: W.shape(c, moving).reduce((a: number, d) => a * (d as number), 1), momentum: c.eqn.attrs.momentum as number };
  return W.call(c, "moving_average", spec, addMovingAverage, movingParams, { out: W.out(c), moving: c.addr(moving), batch: c.addr(batch) });
};

export const normRowCall: WasmRule<unknown> = (c) => {
  const size = W.shape(c, c.eqn.outputs[0])[0] as number;
  const spec = { size, offset: (c.eqn.attrs.row as number) * size };
  return W.call(c, "copy_range", spec, addCopyRange, rowParams, { out: W.out(c), src: c.addr(c.eqn.inputs[0]) });
};

export { layernormForwardCall, layernormGradCall, layernormGradSumsCall } from "./layernorm.wasm.js";
