// Convolution and pooling kernels for the WebAssembly backend (binaryen builder API, f32x4
// SIMD128), specialized to static geometry: the forward convolution and convMaxPool here,
// the convolution's gradients in conv-grad.ts, pooling in pool.ts, the code builders they
// share in conv-kit.ts. They compute what runtime/kernels/conv.ts
// computes: NHWC activations, Keras kernels [kh, kw, cin, filters], the window geometry of
// compiler/emit/geometry.ts (every spec extends its `Window`, as `windowOf(x, y, attrs)`
// returns it: h, w, c, oh, ow, kh, kw, sh, sw and the top/left padding pt/pl of `same`, 0
// for `valid`; for pooling kh × kw is the pool window). Only the batch rows `n` are a
// run-time value; every stride, tail width and border is a constant in the code.
//
// Exports (all parameters i32: `n`, then byte offsets into the imported memory; every
// buffer 16-byte aligned, none overlapping another; `ws` is scratch of
// xxxScratchBytes(spec) bytes, any alignment, independent of n; xxxParams(spec) lists the
// names in order):
//
//   conv2d            (n, x, k, y [, bias] [, ws])      y = act(conv(x, k) + bias), act ∈ none, relu
//   convMaxPool       (n, x, k, y [, bias] [, argmax], ws)  y = maxpool(act(conv(x, k) + bias))
// conv-grad.ts:
//   conv2dGradKernel  (n, x, dy, dk [, dbias] [, ws])   dk (+)= Σ x ⋆ dy; dbias (+)= Σ dy (same pass)
//   conv2dGradInput   (n, dy, k, dx [, bias], ws)       dx = convᵀ(dy, k) (+ bias: conv2d_transpose's forward)
// pool.ts:
//   maxpool2d         (n, x, y [, argmax])              argmax: i32, window tap i·kw + j of the max
//   maxpool2dGrad     (n, dy, x, dx)                    the reference's signature: argmax from x
//                     (n, dy, argmax, dx)               from the forward's argmax
//                     (n, dy, argmax, y, dx)            … with reluMask: dy only where y > 0
//   avgpool2d         (n, x, y)
//   avgpool2dGrad     (n, dy, dx)
//
// ws is needed only by padded (`same`, or strides leaving a bottom/right edge) convolutions,
// by the input gradient (a transposed kernel) and by convMaxPool (one image's conv output).
//
// Convolutions are implicit GEMMs on register tiles, with no im2col: a tile keeps MR
// outputs × NV f32x4 vectors in MR·NV v128 locals (default 2×4, or 4×2 / 6×1 for < 12
// lanes), and every reduction step is NV vector loads + MR broadcast loads
// (load32_splat) + MR·NV f32x4 mul+add at static offsets from two pointers. The
// reduction runs one step per loop iteration: measured on node 20 (Zen 4), that is
// ≈ 50 GFLOP/s on the seed CNN's shapes, 17–35 with 2–64 steps unrolled (TurboFan seems
// to hoist the unrolled steps' loads and spill the accumulators); `unroll` overrides it.
// `relaxed` (for the module variant built with relaxed SIMD) makes each mul+add one
// f32x4.relaxed_madd; measured no faster on Zen 4, whose mul and add pipes already overlap.
//  - forward: MR output pixels of one output row × NV·4 filters; reduction over the taps
//    (i, j·c + ch) of the window (x broadcast, kernel row loaded in place: it stays in L1);
//    bias and relu (f32x4.pmax with 0: exactly `x > 0 ? x : 0`) in the epilogue.
//  - kernel gradient: MR rows of dk (taps) × NV·4 filters; reduction over the output
//    pixels of a block of output rows (dy loaded, x broadcast), so dy's block (≈ 16 KiB)
//    stays in L1 while every tile passes over it; each block's sums are added into dk. The
//    bias gradient is one more row whose "x" is 1 (plain adds), in the same passes.
//  - input gradient: MR output pixels × NV·4 consecutive (j, ch) of one kernel row i;
//    reduction over the filters (dy broadcast, a transposed copy of the kernel in ws
//    loaded); the tile is added into dx (scatter form: read-modify-write, in order).
// Padding goes through a zero-padded frame of one image in ws: the image is copied in
// (forward, kernel gradient) or the frame is accumulated and its interior copied out (input
// gradient), so the convolution itself never tests a border. `valid` works in place.
//
// Fusion: convMaxPool convolves one image into scratch and pools it from there (the
// full activation is never written); its backward needs only the pooled y and the argmax:
// maxpool2dGrad { fromArgmax, reluMask } gives relu_grad(maxpool2dGrad(dy)) in one pass
// (the max of relu outputs is > 0 exactly where the routed element is), then
// conv2dGradKernel { bias } gives dk and dbias.
import type { BinaryenApi } from "./binaryen.js";
import type { Window } from "../../emit/geometry.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import {
  align16,
  checkTile,
  checkWindow,
  copyRows,
  defaultTile,
  type Dim,
  finish,
  frameOf,
  lanesOf,
  mac,
  nest,
  params,
  range,
  repeat,
  round16,
  shared,
  slack,
  UNROLL,
  ws,
  zeroBytes,
} from "./conv-kit.js";
import { poolImage } from "./pool.js";
import { blockedScratchBytes, convBlocking, convForwardBlocked, type ConvBlocking } from "./conv-blocked.js";
import { winogradBody, winogradPlan, winogradScratchBytes, type WinogradOption } from "./conv-winograd.js";

// ---------------------------------------------------------------------------------------
// Specs

export interface Conv2dSpec extends Window {
  readonly name: string;
  readonly filters: number;
  readonly bias: boolean;
  /** Fused epilogue; with relu only the activated output is written. */
  readonly activation?: "none" | "relu";
  /** Register tile [output pixels, filter vectors of 4]; default from `filters`. */
  readonly tile?: readonly [number, number];
  /** Reduction steps unrolled per loop iteration (tuning; default 1). */
  readonly unroll?: number;
  /** Multiply-add with f32x4.relaxed_madd (the module variant built with `relaxed`). */
  readonly relaxed?: boolean;
  /** conv2d only: the loop order of conv-blocked.ts with this blocking (default: when a panel's kernel exceeds L1; false: never). */
  readonly blocking?: ConvBlocking | false;
  /** conv2d only: Winograd F(2×2) (conv-winograd.ts) with this blocking (default: by its rule; false: never). */
  readonly winograd?: WinogradOption;
}

/** conv2d (+ bias, activation) then maxpool2d, one image at a time through scratch. */
export interface ConvMaxPoolSpec extends Conv2dSpec {
  /** The pool's window geometry over the convolution's output (h, w, c = its oh, ow, filters). */
  readonly pool: Window;
  /** Also write the pool's argmax (as maxpool2d's). */
  readonly argmax?: boolean;
}

// ---------------------------------------------------------------------------------------
// Parameters and scratch

export function conv2dParams(spec: Conv2dSpec): string[] {
  return ["n", "x", "k", "y", ...(spec.bias ? ["bias"] : []), ...ws(conv2dScratchBytes(spec))];
}
export function convMaxPoolParams(spec: ConvMaxPoolSpec): string[] {
  return ["n", "x", "k", "y", ...(spec.bias ? ["bias"] : []), ...(spec.argmax ? ["argmax"] : []), "ws"];
}

/** Scratch bytes (independent of the batch rows; `maxRows` is accepted for uniformity). */
export function conv2dScratchBytes(spec: Conv2dSpec, _maxRows?: number): number {
  const wino = winogradPlan(spec);
  if (wino) return winogradScratchBytes(wino);
  const blocking = convBlocking(spec);
  return slack(blocking ? blockedScratchBytes(spec, blocking) : frameOf(spec).bytes);
}
/** The frame, then one image's convolution output. */
export function convMaxPoolScratchBytes(spec: ConvMaxPoolSpec, _maxRows?: number): number {
  return slack(round16(frameOf(spec).bytes) + spec.oh * spec.ow * spec.filters * 4);
}

/** Multiply-adds of a convolution (forward, and each of its gradients) for n rows. */
export function convMacs(spec: Window & { filters: number }, n: number): number {
  return n * spec.oh * spec.ow * spec.kh * spec.kw * spec.c * spec.filters;
}

// ---------------------------------------------------------------------------------------
// conv2d forward

/**
 * One register tile of the forward convolution: px output pixels × `width` filters, its sums
 * over the taps `dims` walks from xp (x, broadcast) and kp (the kernel row, loaded). `first`:
 * the sums start from the bias at bp (or 0), else from the outputs at op (a later chunk of
 * conv-blocked.ts); `last`: relu (if the spec has it) before the store to op.
 */
export function forwardTile(
  f: Fn,
  spec: Conv2dSpec | (Window & { filters: number; activation?: "none" | "relu"; unroll?: number; relaxed?: boolean }),
  at: { xp: number; kp: number; op: number; bp: number | null },
  px: number,
  width: number,
  dims: readonly Dim[],
  { first, last }: { first: boolean; last: boolean },
): X[] {
  const m = f.mod;
  const v128 = f.b.v128;
  const { c, sw } = spec;
  const fl = spec.filters;
  const relu = last && (spec.activation ?? "none") === "relu";
  const nv = Math.ceil(width / 4);
  const acc = range(px).map((q) => range(nv).map((v) => shared(f, `acc${q}.${v}`, v128)));
  const kv = range(nv).map((v) => shared(f, `kv${v}`, v128));
  const sv = shared(f, "sv", v128);
  const tmp = shared(f, "tmp", v128);
  const out: X[] = [];
  if (first) {
    for (let v = 0; v < nv; v++)
      out.push(f.set(acc[0][v], at.bp !== null ? loadPartial(f, f.get(at.bp), 16 * v, lanesOf(width, v)) : m.v128.const(ZERO16)));
    for (let q = 1; q < px; q++) for (let v = 0; v < nv; v++) out.push(f.set(acc[q][v], f.get(acc[0][v])));
  } else {
    for (let q = 0; q < px; q++)
      for (let v = 0; v < nv; v++) out.push(f.set(acc[q][v], loadPartial(f, f.get(at.op), q * fl * 4 + 16 * v, lanesOf(width, v))));
  }
  out.push(
    ...nest(f, [at.xp, at.kp], dims, spec.unroll ?? UNROLL, (ptr, offs) => {
      const st: X[] = [];
      for (let v = 0; v < nv; v++) st.push(f.set(kv[v], loadPartial(f, f.get(ptr[1]), offs[1] + 16 * v, lanesOf(width, v))));
      for (let q = 0; q < px; q++) {
        st.push(f.set(sv, m.v128.load32_splat(offs[0] + q * sw * c * 4, 4, f.get(ptr[0]))));
        for (let v = 0; v < nv; v++) st.push(mac(f, acc[q][v], f.get(sv), f.get(kv[v]), spec.relaxed));
      }
      return st;
    }),
  );
  for (let q = 0; q < px; q++) {
    for (let v = 0; v < nv; v++) {
      const val = relu ? m.f32x4.pmax(m.v128.const(ZERO16), f.get(acc[q][v])) : f.get(acc[q][v]);
      out.push(f.set(tmp, val), ...storePartial(f, f.get(at.op), q * fl * 4 + 16 * v, lanesOf(width, v), f.get(tmp)));
    }
  }
  return out;
}

/**
 * The forward convolution of one image: reads the image at local `xs` (through the frame
 * when padded), writes its output rows from local `yp`, which ends advanced past the image.
 * `k`, `bias`: the kernel's and bias's locals or parameters; `frame`: the zeroed frame.
 */
function convForwardImage(f: Fn, spec: Conv2dSpec, k: number, bias: number | null, frame: number, xs: number, yp: number): X[] {
  const { c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const fl = spec.filters;
  const fr = frameOf(spec);
  const m = f.mod;
  const i32 = f.b.i32;
  const [t0, t1] = spec.tile ?? defaultTile(fl);
  const MR = Math.min(t0, ow);
  const NV = Math.min(t1, Math.ceil(fl / 4));
  const PW = NV * 4;

  const [xImg, xr, xp, kp, bp, op, pOff] = range(7).map(() => f.local(i32));
  const dims: Dim[] = [
    { count: kh, strides: [fr.wf * c * 4, kw * c * fl * 4] },
    { count: kw * c, strides: [4, fl * 4] },
  ];

  const tile = (px: number, width: number): X[] =>
    forwardTile(f, spec, { xp, kp, op, bp: bias !== null ? bp : null }, px, width, dims, { first: true, last: true });

  const panel = (width: number): X[] => [
    f.set(kp, m.i32.add(f.get(k), f.get(pOff))),
    ...(bias !== null ? [f.set(bp, m.i32.add(f.get(bias), f.get(pOff)))] : []),
    f.set(xp, f.get(xr)),
    f.set(op, m.i32.add(f.get(yp), f.get(pOff))),
    ...repeat(f, Math.floor(ow / MR), [...tile(MR, width), f.addI(xp, MR * sw * c * 4), f.addI(op, MR * fl * 4)]),
    ...(ow % MR > 0 ? tile(ow % MR, width) : []),
    f.addI(pOff, PW * 4),
  ];
  const row: X[] = [
    f.set(pOff, f.i32(0)),
    ...repeat(f, Math.floor(fl / PW), panel(PW)),
    ...(fl % PW > 0 ? panel(fl % PW) : []),
    f.addI(xr, sh * fr.wf * c * 4),
    f.addI(yp, ow * fl * 4),
  ];
  return [
    ...(fr.direct
      ? [f.set(xImg, f.get(xs))]
      : [
          ...copyRows(f, f.get(xs), m.i32.add(f.get(frame), f.i32((pt * fr.wf + pl) * c * 4)), h, w * c * 4, w * c * 4, fr.wf * c * 4),
          f.set(xImg, f.get(frame)),
        ]),
    f.set(xr, f.get(xImg)),
    ...repeat(f, oh, row),
  ];
}

/** Adds the export `spec.name`: y[n, oh, ow, f] = act(bias[f] + Σ x[…] · k[i, j, c, f]). */
export function addConv2d(b: BinaryenApi, mod: Mod, spec: Conv2dSpec): void {
  const { name, c, h, w } = spec;
  checkWindow(name, spec, { filters: spec.filters });
  checkTile(name, spec.tile);
  const fr = frameOf(spec);
  const names = conv2dParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const wino = winogradPlan(spec);
  if (wino) {
    const io = { src: "x", dst: "y", bias: spec.bias, activation: spec.activation, relaxed: spec.relaxed };
    return finish(b, mod, name, names, f, winogradBody(f, wino, P, io));
  }
  const blocking = convBlocking(spec);
  if (blocking) return finish(b, mod, name, names, f, convForwardBlocked(f, spec, blocking, P, spec.bias));
  const [s, xs, yp, frame] = range(4).map(() => f.local(b.i32));
  const body: X[] = [];
  if (!fr.direct) body.push(f.set(frame, align16(f, f.get(P("ws")))), ...zeroBytes(f, f.get(frame), fr.bytes));
  body.push(
    f.set(s, f.i32(0)),
    f.set(xs, f.get(P("x"))),
    f.set(yp, f.get(P("y"))),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s), f.get(P("n"))),
      [...convForwardImage(f, spec, P("k"), spec.bias ? P("bias") : null, frame, xs, yp), f.addI(xs, h * w * c * 4), f.addI(s, 1)],
    ),
  );
  finish(b, mod, name, names, f, body);
}

/**
 * Adds the export `spec.name`: y = maxpool2d(act(conv2d(x) + bias)) (and its argmax), one
 * image at a time: the convolution's output of an image goes to scratch (L2-sized) and is
 * pooled from there, so the full-size activation is never written. The backward needs
 * only the pooled output and the argmax (maxpool2dGrad with fromArgmax and reluMask).
 */
export function addConvMaxPool(b: BinaryenApi, mod: Mod, spec: ConvMaxPoolSpec): void {
  const { name, c, h, w, oh, ow } = spec;
  const p = spec.pool;
  checkWindow(name, spec, { filters: spec.filters });
  checkWindow(`${name} (pool)`, p);
  checkTile(name, spec.tile);
  if (p.h !== oh || p.w !== ow || p.c !== spec.filters)
    throw new Error(`${name}: the pool's input ${p.h}×${p.w}×${p.c} is not the convolution's output ${oh}×${ow}×${spec.filters}`);
  const fr = frameOf(spec);
  const names = convMaxPoolParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const [s, xs, yp, frame, convOut, yOut, aOut] = range(7).map(() => f.local(b.i32));
  const body: X[] = [f.set(frame, align16(f, f.get(P("ws")))), f.set(convOut, m.i32.add(f.get(frame), f.i32(round16(fr.bytes))))];
  if (!fr.direct) body.push(...zeroBytes(f, f.get(frame), fr.bytes));
  const img: Record<string, number> = { x: convOut, y: yOut };
  if (spec.argmax) img.argmax = aOut;
  const poolBytes = p.oh * p.ow * p.c * 4;
  body.push(
    f.set(s, f.i32(0)),
    f.set(xs, f.get(P("x"))),
    f.set(yOut, f.get(P("y"))),
    ...(spec.argmax ? [f.set(aOut, f.get(P("argmax")))] : []),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s), f.get(P("n"))),
      [
        f.set(yp, f.get(convOut)),
        ...convForwardImage(f, spec, P("k"), spec.bias ? P("bias") : null, frame, xs, yp),
        ...poolImage(f, p, spec.argmax ? "maxArgmax" : "max", false, img),
        f.addI(xs, h * w * c * 4),
        f.addI(yOut, poolBytes),
        ...(spec.argmax ? [f.addI(aOut, poolBytes)] : []),
        f.addI(s, 1),
      ],
    ),
  );
  finish(b, mod, name, names, f, body);
}
