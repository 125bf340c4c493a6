// Convolution and pooling kernels for the WebAssembly backend (binaryen builder API, f32x4
// SIMD128), specialized to static geometry. They compute what runtime/kernels/conv.ts
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
//   conv2dGradKernel  (n, x, dy, dk [, dbias] [, ws])   dk (+)= Σ x ⋆ dy; dbias (+)= Σ dy (same pass)
//   conv2dGradInput   (n, dy, k, dx, ws)                dx = convᵀ(dy, k)
//   maxpool2d         (n, x, y [, argmax])              argmax: i32, window tap i·kw + j of the max
//   maxpool2dGrad     (n, dy, x, dx)                    the reference's signature: argmax from x
//                     (n, dy, argmax, dx)               from the forward's argmax
//                     (n, dy, argmax, y, dx)            … with reluMask: dy only where y > 0
//   avgpool2d         (n, x, y)
//   avgpool2dGrad     (n, dy, dx)
//   convMaxPool       (n, x, k, y [, bias] [, argmax], ws)  y = maxpool(act(conv(x, k) + bias))
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
// Pooling vectorizes over channels; each window's taps are unrolled with the border
// clipping static: output rows and columns are split into segments whose windows clip
// alike (the interior is one segment), so no tap is ever tested at run time. Max uses
// f32x4.pmax (`best < v ? v : best`: exactly the reference's `v > best`, NaN included);
// the argmax (the reference gradient's: the first real element, replaced only by a
// strictly greater one) is tracked with f32x4.gt + bitselect. Gradients store directly
// when windows do not overlap and read-modify-write when they do; dx is zeroed first
// unless the windows tile it exactly. Average pooling sums in f32 (the reference in f64).
//
// Fusion: convMaxPool convolves one image into scratch and pools it from there (the
// full activation is never written); its backward needs only the pooled y and the argmax:
// maxpool2dGrad { fromArgmax, reluMask } gives relu_grad(maxpool2dGrad(dy)) in one pass
// (the max of relu outputs is > 0 exactly where the routed element is), then
// conv2dGradKernel { bias } gives dk and dbias.
import type { BinaryenApi } from "./binaryen.js";
import type { Window } from "../geometry.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";

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
}

export interface Conv2dGradKernelSpec extends Window {
  readonly name: string;
  readonly filters: number;
  /** Also write dbias[f] = Σ dy[·, f] (the bias gradient), in the same pass over dy. */
  readonly bias: boolean;
  /** dk (and dbias) += instead of =. */
  readonly accumulate?: boolean;
  /** Register tile [rows of dk, filter vectors of 4]. */
  readonly tile?: readonly [number, number];
  /** Output rows per reduction block (default: dy's block ≈ 16 KiB). */
  readonly blockRows?: number;
  /** Output pixels unrolled per loop iteration (tuning). */
  readonly unroll?: number;
  /** Multiply-add with f32x4.relaxed_madd (the module variant built with `relaxed`). */
  readonly relaxed?: boolean;
}

export interface Conv2dGradInputSpec extends Window {
  readonly name: string;
  readonly filters: number;
  /** Register tile [output pixels, vectors of 4 (j, ch) entries]. */
  readonly tile?: readonly [number, number];
  /** Reduction steps (filters) unrolled per loop iteration (tuning). */
  readonly unroll?: number;
  /** Multiply-add with f32x4.relaxed_madd (the module variant built with `relaxed`). */
  readonly relaxed?: boolean;
}

/** kh × kw is the pool window. */
export interface MaxPool2dSpec extends Window {
  readonly name: string;
  /** Also write the argmax (i32, window tap i·kw + j of the first maximum) per output. */
  readonly argmax?: boolean;
}

export interface MaxPool2dGradSpec extends Window {
  readonly name: string;
  /** Read the forward's argmax buffer instead of recomputing it from x. */
  readonly fromArgmax?: boolean;
  /**
   * Fuses the relu gradient of the pooled input (relu_grad(maxpool2dGrad(dy, x), x) for
   * x = relu(…)): a window's dy is routed only where its maximum is > 0. From x the mask is
   * the routed element itself (exactly the unfused result); from the argmax it is the
   * pooled output y, an extra input (the same unless a window's first element is NaN).
   */
  readonly reluMask?: boolean;
}

export interface AvgPool2dSpec extends Window {
  readonly name: string;
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

const ws = (bytes: number): string[] => (bytes > 0 ? ["ws"] : []);

export function conv2dParams(spec: Conv2dSpec): string[] {
  return ["n", "x", "k", "y", ...(spec.bias ? ["bias"] : []), ...ws(conv2dScratchBytes(spec))];
}
export function conv2dGradKernelParams(spec: Conv2dGradKernelSpec): string[] {
  return ["n", "x", "dy", "dk", ...(spec.bias ? ["dbias"] : []), ...ws(conv2dGradKernelScratchBytes(spec))];
}
export function conv2dGradInputParams(spec: Conv2dGradInputSpec): string[] {
  return ["n", "dy", "k", "dx", ...ws(conv2dGradInputScratchBytes(spec))];
}
export function maxpool2dParams(spec: MaxPool2dSpec): string[] {
  return ["n", "x", "y", ...(spec.argmax ? ["argmax"] : [])];
}
export function maxpool2dGradParams(spec: MaxPool2dGradSpec): string[] {
  return ["n", "dy", ...(spec.fromArgmax ? ["argmax", ...(spec.reluMask ? ["y"] : [])] : ["x"]), "dx"];
}
export function convMaxPoolParams(spec: ConvMaxPoolSpec): string[] {
  return ["n", "x", "k", "y", ...(spec.bias ? ["bias"] : []), ...(spec.argmax ? ["argmax"] : []), "ws"];
}
export function avgpool2dParams(_spec: AvgPool2dSpec): string[] {
  return ["n", "x", "y"];
}
export function avgpool2dGradParams(_spec: AvgPool2dSpec): string[] {
  return ["n", "dy", "dx"];
}

/** The zero-padded frame of one image that windows index without border tests. */
function frameOf(g: Window): { hf: number; wf: number; direct: boolean; bytes: number } {
  const hf = Math.max(g.pt + g.h, (g.oh - 1) * g.sh + g.kh);
  const wf = Math.max(g.pl + g.w, (g.ow - 1) * g.sw + g.kw);
  const direct = g.pt === 0 && g.pl === 0 && hf === g.h && wf === g.w;
  return { hf, wf, direct, bytes: direct ? 0 : hf * wf * g.c * 4 };
}

const slack = (bytes: number): number => (bytes > 0 ? bytes + 16 : 0);

/** Scratch bytes (independent of the batch rows; `maxRows` is accepted for uniformity). */
export function conv2dScratchBytes(spec: Conv2dSpec, _maxRows?: number): number {
  return slack(frameOf(spec).bytes);
}
export function conv2dGradKernelScratchBytes(spec: Conv2dGradKernelSpec, _maxRows?: number): number {
  return slack(frameOf(spec).bytes);
}
const round16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;
/** The frame, then one image's convolution output. */
export function convMaxPoolScratchBytes(spec: ConvMaxPoolSpec, _maxRows?: number): number {
  return slack(round16(frameOf(spec).bytes) + spec.oh * spec.ow * spec.filters * 4);
}
function packedKernelBytes(spec: Conv2dGradInputSpec): number {
  return spec.kh * spec.filters * Math.ceil((spec.kw * spec.c) / 4) * 16;
}
export function conv2dGradInputScratchBytes(spec: Conv2dGradInputSpec, _maxRows?: number): number {
  return slack(packedKernelBytes(spec) + frameOf(spec).bytes);
}

/** Multiply-adds of a convolution (forward, and each of its gradients) for n rows. */
export function convMacs(spec: Window & { filters: number }, n: number): number {
  return n * spec.oh * spec.ow * spec.kh * spec.kw * spec.c * spec.filters;
}

// ---------------------------------------------------------------------------------------
// Shared code builders

const range = (k: number): number[] => Array.from({ length: k }, (_, i) => i);
const prod = (a: readonly number[]): number => a.reduce((p, v) => p * v, 1);

function checkWindow(name: string, g: Window, extra: Record<string, number> = {}): void {
  const pos = { h: g.h, w: g.w, c: g.c, oh: g.oh, ow: g.ow, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ...extra };
  for (const [k, v] of Object.entries(pos))
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name}: ${k} must be a positive integer, got ${v}`);
  for (const [k, v] of Object.entries({ pt: g.pt, pl: g.pl }))
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`${name}: ${k} must be a non-negative integer`);
  // Every window sees at least one real input (true of `valid` and of TensorFlow's `same`).
  if (g.pt >= g.kh || g.pl >= g.kw || (g.oh - 1) * g.sh - g.pt >= g.h || (g.ow - 1) * g.sw - g.pl >= g.w) {
    throw new Error(`${name}: a window lies entirely in the padding (h ${g.h}, oh ${g.oh}, pt ${g.pt}; w ${g.w}, ow ${g.ow}, pl ${g.pl})`);
  }
}

function checkTile(name: string, t: readonly [number, number] | undefined): void {
  if (t && !(Number.isInteger(t[0]) && Number.isInteger(t[1]) && t[0] >= 1 && t[1] >= 1 && t[0] * t[1] <= 16))
    throw new Error(`${name}: bad tile [${t.join(", ")}]`);
}

const sharedLocals = new WeakMap<Fn, Map<string, number>>();

/**
 * The local named `key` in f, created on first use: code whose live ranges never overlap
 * (successive tiles, successive loop nests) shares its locals, which keeps functions small
 * for binaryen's local passes.
 */
function shared(f: Fn, key: string, type: number): number {
  let byKey = sharedLocals.get(f);
  if (!byKey) sharedLocals.set(f, (byKey = new Map()));
  const k = `${key}:${type}`;
  let l = byKey.get(k);
  if (l === undefined) byKey.set(k, (l = f.local(type)));
  return l;
}

/** One level of a loop nest: `count` iterations advancing each pointer by its stride (bytes). */
interface Dim {
  readonly count: number;
  readonly strides: readonly number[];
}

function offsetsOf(dims: readonly Dim[], nPtr: number, base?: readonly number[]): number[][] {
  let out: number[][] = [base ? [...base] : new Array<number>(nPtr).fill(0)];
  for (const d of dims) {
    const next: number[][] = [];
    for (const o of out) for (let i = 0; i < d.count; i++) next.push(o.map((v, p) => v + i * d.strides[p]));
    out = next;
  }
  return out;
}

/**
 * A loop nest over `dims` (outermost first) calling `step(ptrs, offsets)` once per point:
 * the innermost dims are unrolled while their product stays ≤ budget (then the next dim is
 * unrolled by a chunk and looped, its remainder unrolled after the loop); the rest are
 * counted loops on copies of the pointer locals (`ptrs` themselves are never modified).
 */
function nest(
  f: Fn,
  ptrs: readonly number[],
  dims: readonly Dim[],
  budget: number,
  step: (ptrs: readonly number[], offs: readonly number[]) => X[],
  depth = 0,
): X[] {
  if (prod(dims.map((d) => d.count)) <= budget) return offsetsOf(dims, ptrs.length).flatMap((o) => step(ptrs, o));
  const [d0, ...rest] = dims;
  const lp = ptrs.map((_, p) => shared(f, `nest${depth}.${p}`, f.b.i32));
  const out: X[] = lp.map((l, p) => f.set(l, f.get(ptrs[p])));
  const restCount = prod(rest.map((d) => d.count));
  if (restCount <= budget) {
    const u = Math.max(1, Math.min(d0.count, Math.floor(budget / restCount)));
    const loops = Math.floor(d0.count / u);
    const chunk = (k: number): X[] => offsetsOf([{ count: k, strides: d0.strides }, ...rest], ptrs.length).flatMap((o) => step(lp, o));
    const adv = lp.map((l, p) => f.addI(l, u * d0.strides[p]));
    if (loops === 1) out.push(...chunk(u), ...adv);
    else out.push(f.countedLoop(loops, [...chunk(u), ...adv]));
    if (d0.count % u > 0) out.push(...chunk(d0.count % u));
  } else {
    out.push(f.countedLoop(d0.count, [...nest(f, lp, rest, budget, step, depth + 1), ...lp.map((l, p) => f.addI(l, d0.strides[p]))]));
  }
  return out;
}

/** `count` static iterations of body: inline when 1, a counted loop otherwise (none when 0). */
function repeat(f: Fn, count: number, body: X[]): X[] {
  if (count <= 0) return [];
  if (count === 1) return body;
  return [f.countedLoop(count, body)];
}

/** Walks `bytes` (static, a multiple of 4) in chunks of ≤ 4 floats; advances the pointer locals. */
function chunks(f: Fn, ptrs: readonly number[], bytes: number, body: (off: number, lanes: number) => X[]): X[] {
  const nv = Math.floor(bytes / 16);
  const tail = (bytes % 16) / 4;
  const out: X[] = [];
  let done = 0;
  if (nv > 8) {
    const loops = Math.floor(nv / 4);
    out.push(f.countedLoop(loops, [...range(4).flatMap((u) => body(16 * u, 4)), ...ptrs.map((p) => f.addI(p, 64))]));
    done = loops * 4;
  }
  for (let v = done; v < nv; v++) out.push(...body((v - done) * 16, 4));
  if (tail > 0) out.push(...body((nv - done) * 16, tail));
  return out;
}

function zeroBytes(f: Fn, dst: X, bytes: number): X[] {
  const p = f.local(f.b.i32);
  const z = f.mod.v128.const(ZERO16);
  return [f.set(p, dst), ...chunks(f, [p], bytes, (off, lanes) => storePartial(f, f.get(p), off, lanes, f.mod.copyExpression(z)))];
}

/** Copies `rows` rows of `rowBytes` from src (row stride srcStride) to dst (row stride dstStride). */
function copyRows(f: Fn, src: X, dst: X, rows: number, rowBytes: number, srcStride: number, dstStride: number): X[] {
  const [rs, rd, cs, cd, t] = [f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.v128)];
  const row: X[] = [
    f.set(cs, f.get(rs)),
    f.set(cd, f.get(rd)),
    ...chunks(f, [cs, cd], rowBytes, (off, lanes) => [
      f.set(t, loadPartial(f, f.get(cs), off, lanes)),
      ...storePartial(f, f.get(cd), off, lanes, f.get(t)),
    ]),
    f.addI(rs, srcStride),
    f.addI(rd, dstStride),
  ];
  return [f.set(rs, src), f.set(rd, dst), ...repeat(f, rows, row)];
}

function params(b: BinaryenApi, mod: Mod, names: readonly string[]): { f: Fn; P: (name: string) => number } {
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  return {
    f,
    P: (name: string) => {
      const i = names.indexOf(name);
      if (i < 0) throw new Error(`internal: no parameter ${name}`);
      return i;
    },
  };
}

function finish(b: BinaryenApi, mod: Mod, name: string, names: readonly string[], f: Fn, body: X[]): void {
  mod.addFunction(name, b.createType(names.map(() => b.i32)), b.none, f.vars(), mod.block(null, body));
  mod.addFunctionExport(name, name);
}

const lanesOf = (width: number, v: number): number => Math.min(4, width - 4 * v);
const align16 = (f: Fn, p: X): X => f.mod.i32.and(f.mod.i32.add(p, f.i32(15)), f.i32(~15));

/** a·b + c with f32x4.relaxed_madd (binaryen's JS API has no wrapper for it; the C API does). */
function relaxedMadd(f: Fn, a: X, b: X, c: X): X {
  const api = f.b as unknown as { _BinaryenSIMDTernary(mod: number, op: number, a: X, b: X, c: X): X; RelaxedMaddVecF32x4: number };
  return api._BinaryenSIMDTernary(f.mod.ptr, api.RelaxedMaddVecF32x4, a, b, c);
}

/** acc += a · b (one f32x4.relaxed_madd in the relaxed variant). */
const mac = (f: Fn, acc: number, a: X, b: X, relaxed = false): X =>
  f.set(acc, relaxed ? relaxedMadd(f, a, b, f.get(acc)) : f.mod.f32x4.add(f.get(acc), f.mod.f32x4.mul(a, b)));

/**
 * Reduction steps per loop iteration of the convolution tiles. Measured (node 20, Zen 4):
 * one step per iteration is fastest by far (≈ 50 GFLOP/s on the seed CNN's shapes against
 * 17–35 with 2–64 unrolled steps), presumably because TurboFan hoists the independent
 * loads of unrolled steps and spills the accumulators.
 */
const UNROLL = 1;

/** The register tile [outputs, vectors of 4]: 8 accumulators (2×4 when there are ≥ 16 lanes). */
function defaultTile(lanes: number): [number, number] {
  const nv = Math.min(4, Math.ceil(lanes / 4));
  return nv >= 3 ? [2, nv] : nv === 2 ? [4, 2] : [6, 1];
}

// ---------------------------------------------------------------------------------------
// conv2d forward

/**
 * The forward convolution of one image: reads the image at local `xs` (through the frame
 * when padded), writes its output rows from local `yp`, which ends advanced past the image.
 * `k`, `bias`: the kernel's and bias's locals or parameters; `frame`: the zeroed frame.
 */
function convForwardImage(f: Fn, spec: Conv2dSpec, k: number, bias: number | null, frame: number, xs: number, yp: number): X[] {
  const { c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const fl = spec.filters;
  const relu = (spec.activation ?? "none") === "relu";
  const fr = frameOf(spec);
  const m = f.mod;
  const [i32, v128] = [f.b.i32, f.b.v128];
  const [t0, t1] = spec.tile ?? defaultTile(fl);
  const MR = Math.min(t0, ow);
  const NV = Math.min(t1, Math.ceil(fl / 4));
  const PW = NV * 4;

  const [xImg, xr, xp, kp, bp, op, pOff] = range(7).map(() => f.local(i32));
  const zero = m.v128.const(ZERO16);
  const dims: Dim[] = [
    { count: kh, strides: [fr.wf * c * 4, kw * c * fl * 4] },
    { count: kw * c, strides: [4, fl * 4] },
  ];

  const tile = (px: number, width: number): X[] => {
    const nv = Math.ceil(width / 4);
    const acc = range(px).map((q) => range(nv).map((v) => shared(f, `acc${q}.${v}`, v128)));
    const kv = range(nv).map((v) => shared(f, `kv${v}`, v128));
    const sv = shared(f, "sv", v128);
    const tmp = shared(f, "tmp", v128);
    const out: X[] = [];
    for (let v = 0; v < nv; v++)
      out.push(f.set(acc[0][v], bias !== null ? loadPartial(f, f.get(bp), 16 * v, lanesOf(width, v)) : m.copyExpression(zero)));
    for (let q = 1; q < px; q++) for (let v = 0; v < nv; v++) out.push(f.set(acc[q][v], f.get(acc[0][v])));
    out.push(
      ...nest(f, [xp, kp], dims, spec.unroll ?? UNROLL, (ptr, offs) => {
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
        const val = relu ? m.f32x4.pmax(m.copyExpression(zero), f.get(acc[q][v])) : f.get(acc[q][v]);
        out.push(f.set(tmp, val), ...storePartial(f, f.get(op), q * fl * 4 + 16 * v, lanesOf(width, v), f.get(tmp)));
      }
    }
    return out;
  };

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

// ---------------------------------------------------------------------------------------
// conv2d kernel gradient (and bias gradient)

/** Rows of dk (plus the bias row) up to which tiles are laid out statically. */
const STATIC_ROWS = 48;

/** Adds the export `spec.name`: dk[i, j, c, f] (+)= Σ x[…] · dy[n, oy, ox, f]; dbias[f] (+)= Σ dy[…, f]. */
export function addConv2dGradKernel(b: BinaryenApi, mod: Mod, spec: Conv2dGradKernelSpec): void {
  const { name, c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const fl = spec.filters;
  checkWindow(name, spec, { filters: fl });
  checkTile(name, spec.tile);
  const fr = frameOf(spec);
  const names = conv2dGradKernelParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const [i32, v128] = [b.i32, b.v128];
  const K = kh * kw * c;
  const R = K + (spec.bias ? 1 : 0);
  const [t0, t1] = spec.tile ?? defaultTile(fl);
  const NV = Math.min(t1, Math.ceil(fl / 4));
  const PW = NV * 4;
  const RB = Math.max(1, Math.min(oh, spec.blockRows ?? Math.floor(16384 / (ow * fl * 4))));

  const [s, xs, xImg, dyImg, xb, dyb, pOff, dy0, dkp, dbp, xi, dki, frame, rb, rem] = range(15).map(() => f.local(i32));

  // A row of dk: its x offset (bytes, from the window's origin in the frame) and its dk offset, or the bias row.
  type Row = { x: number; dk: number } | "bias";
  // The block's rows are the run-time count `rb` (so one copy of the code serves the last, shorter block).
  const tile = (rows: readonly Row[], width: number, xBase: number, dkBase: number): X[] => {
    const nv = Math.ceil(width / 4);
    const acc = rows.map((_, q) => range(nv).map((v) => shared(f, `acc${q}.${v}`, v128)));
    const dv = range(nv).map((v) => shared(f, `dv${v}`, v128));
    const sv = shared(f, "sv", v128);
    const tmp = shared(f, "tmp", v128);
    const [xr, dr, cnt] = ["xr", "dr", "cnt"].map((k) => shared(f, k, i32));
    const out: X[] = acc.flat().map((a) => f.set(a, m.v128.const(ZERO16)));
    const budget = spec.unroll ?? UNROLL;
    const top = f.label("rows");
    const pixels = nest(f, [xr, dr], [{ count: ow, strides: [sw * c * 4, fl * 4] }], budget, (ptr, offs) => {
      const st: X[] = [];
      for (let v = 0; v < nv; v++) st.push(f.set(dv[v], loadPartial(f, f.get(ptr[1]), offs[1] + 16 * v, lanesOf(width, v))));
      rows.forEach((r, q) => {
        if (r === "bias") {
          for (let v = 0; v < nv; v++) st.push(f.set(acc[q][v], m.f32x4.add(f.get(acc[q][v]), f.get(dv[v]))));
        } else {
          st.push(f.set(sv, m.v128.load32_splat(offs[0] + r.x, 4, f.get(ptr[0]))));
          for (let v = 0; v < nv; v++) st.push(mac(f, acc[q][v], f.get(sv), f.get(dv[v]), spec.relaxed));
        }
      });
      return st;
    });
    out.push(
      f.set(xr, f.get(xBase)),
      f.set(dr, f.get(dy0)),
      f.set(cnt, f.get(rb)),
      m.loop(
        top,
        m.block(null, [
          ...pixels,
          f.addI(xr, sh * fr.wf * c * 4),
          f.addI(dr, ow * fl * 4),
          f.set(cnt, m.i32.sub(f.get(cnt), f.i32(1))),
          m.br(top, f.get(cnt)),
        ]),
      ),
    );
    rows.forEach((r, q) => {
      for (let v = 0; v < nv; v++) {
        const lanes = lanesOf(width, v);
        const [ptr, off] = r === "bias" ? [dbp, 16 * v] : [dkBase, r.dk + 16 * v];
        out.push(
          f.set(tmp, m.f32x4.add(f.get(acc[q][v]), loadPartial(f, f.get(ptr), off, lanes))),
          ...storePartial(f, f.get(ptr), off, lanes, f.get(tmp)),
        );
      }
    });
    return out;
  };

  const split = <T>(items: readonly T[], mr: number): T[][] => {
    const tiles = Math.ceil(items.length / mr);
    const size = Math.ceil(items.length / tiles);
    return range(tiles).map((t) => items.slice(t * size, (t + 1) * size));
  };

  // All row tiles of one panel over one block of output rows.
  const rowTiles = (width: number): X[] => {
    const nv = Math.ceil(width / 4);
    const MR = Math.max(1, Math.min(t0, Math.floor(16 / nv)));
    const out: X[] = [f.set(dy0, m.i32.add(f.get(dyb), f.get(pOff))), f.set(dkp, m.i32.add(f.get(P("dk")), f.get(pOff)))];
    if (spec.bias) out.push(f.set(dbp, m.i32.add(f.get(P("dbias")), f.get(pOff))));
    if (R <= STATIC_ROWS) {
      const rows: Row[] = [];
      for (let i = 0; i < kh; i++)
        for (let jc = 0; jc < kw * c; jc++) rows.push({ x: (i * fr.wf * c + jc) * 4, dk: (i * kw * c + jc) * fl * 4 });
      if (spec.bias) rows.push("bias");
      for (const t of split(rows, MR)) out.push(...tile(t, width, xb, dkp));
    } else {
      // Loop over kernel rows i and tiles of MR consecutive (j, ch) within a kernel row.
      const kwc = kw * c;
      const mk = (k: number): Row[] => range(k).map((q) => ({ x: q * 4, dk: q * fl * 4 }));
      const xt = f.local(i32);
      const dkt = f.local(i32);
      out.push(
        f.set(xi, f.get(xb)),
        f.set(dki, f.get(dkp)),
        ...repeat(f, kh, [
          f.set(xt, f.get(xi)),
          f.set(dkt, f.get(dki)),
          ...repeat(f, Math.floor(kwc / MR), [...tile(mk(MR), width, xt, dkt), f.addI(xt, MR * 4), f.addI(dkt, MR * fl * 4)]),
          ...(kwc % MR > 0 ? tile(mk(kwc % MR), width, xt, dkt) : []),
          f.addI(xi, fr.wf * c * 4),
          f.addI(dki, kwc * fl * 4),
        ]),
      );
      if (spec.bias) out.push(...tile(["bias"], width, xb, dkp));
    }
    return out;
  };

  const block: X[] = [
    f.set(pOff, f.i32(0)),
    ...repeat(f, Math.floor(fl / PW), [...rowTiles(PW), f.addI(pOff, PW * 4)]),
    ...(fl % PW > 0 ? rowTiles(fl % PW) : []),
  ];

  const body: X[] = [];
  if (!spec.accumulate) {
    body.push(...zeroBytes(f, f.get(P("dk")), K * fl * 4));
    if (spec.bias) body.push(...zeroBytes(f, f.get(P("dbias")), fl * 4));
  }
  if (!fr.direct) body.push(f.set(frame, align16(f, f.get(P("ws")))), ...zeroBytes(f, f.get(frame), fr.bytes));
  body.push(
    f.set(s, f.i32(0)),
    f.set(xs, f.get(P("x"))),
    f.set(dyImg, f.get(P("dy"))),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s), f.get(P("n"))),
      [
        ...(fr.direct
          ? [f.set(xImg, f.get(xs))]
          : [
              ...copyRows(f, f.get(xs), m.i32.add(f.get(frame), f.i32((pt * fr.wf + pl) * c * 4)), h, w * c * 4, w * c * 4, fr.wf * c * 4),
              f.set(xImg, f.get(frame)),
            ]),
        f.set(xb, f.get(xImg)),
        f.set(dyb, f.get(dyImg)),
        f.set(rem, f.i32(oh)),
        ...repeat(f, Math.ceil(oh / RB), [
          f.set(rb, m.select(m.i32.lt_s(f.get(rem), f.i32(RB)), f.get(rem), f.i32(RB))),
          ...block,
          f.addI(xb, RB * sh * fr.wf * c * 4),
          f.addI(dyb, RB * ow * fl * 4),
          f.addI(rem, -RB),
        ]),
        f.addI(xs, h * w * c * 4),
        f.addI(dyImg, oh * ow * fl * 4),
        f.addI(s, 1),
      ],
    ),
  );
  finish(b, mod, name, names, f, body);
}

// ---------------------------------------------------------------------------------------
// conv2d input gradient

/** Adds the export `spec.name`: dx = the transpose of conv2d applied to dy. */
export function addConv2dGradInput(b: BinaryenApi, mod: Mod, spec: Conv2dGradInputSpec): void {
  const { name, c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const fl = spec.filters;
  checkWindow(name, spec, { filters: fl });
  checkTile(name, spec.tile);
  const fr = frameOf(spec);
  const names = conv2dGradInputParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const [i32, v128] = [b.i32, b.v128];
  const kwc = kw * c;
  const L4 = Math.ceil(kwc / 4) * 4; // floats per packed (i, f) row
  const [t0, t1] = spec.tile ?? (kwc >= 8 ? [4, 2] : [6, 1]);
  const MR = Math.min(t0, ow);
  const NV = Math.min(t1, L4 / 4);
  const PW = NV * 4;
  const [kT, frame, s, dxImg, dyImg, tgt, tr, dyr, ti, kTi, tp, kTp, dyp, pOff, kp2, tp2] = range(16).map(() => f.local(i32));
  const body: X[] = [f.set(kT, align16(f, f.get(P("ws"))))];
  // kT[i][q][jc] = k[i][jc][q], rows of L4 floats zero padded.
  body.push(...zeroBytes(f, f.get(kT), packedKernelBytes(spec)));
  body.push(
    f.set(kp2, f.get(P("k"))),
    f.set(tp2, f.get(kT)),
    ...nest(
      f,
      [kp2, tp2],
      [
        { count: kh, strides: [kwc * fl * 4, fl * L4 * 4] },
        { count: fl, strides: [4, L4 * 4] },
        { count: kwc, strides: [fl * 4, 4] },
      ],
      16,
      (ptr, offs) => [m.f32.store(offs[1], 4, f.get(ptr[1]), m.f32.load(offs[0], 4, f.get(ptr[0])))],
    ),
  );
  if (!fr.direct) body.push(f.set(frame, m.i32.add(f.get(kT), f.i32(packedKernelBytes(spec)))));

  const tile = (px: number, width: number): X[] => {
    const nv = Math.ceil(width / 4);
    const acc = range(px).map((q) => range(nv).map((v) => shared(f, `acc${q}.${v}`, v128)));
    const kv = range(nv).map((v) => shared(f, `kv${v}`, v128));
    const sv = shared(f, "sv", v128);
    const tmp = shared(f, "tmp", v128);
    const out: X[] = acc.flat().map((a) => f.set(a, m.v128.const(ZERO16)));
    out.push(
      ...nest(f, [dyp, kTp], [{ count: fl, strides: [4, L4 * 4] }], spec.unroll ?? UNROLL, (ptr, offs) => {
        const st: X[] = [];
        for (let v = 0; v < nv; v++) st.push(f.set(kv[v], m.v128.load(offs[1] + 16 * v, 4, f.get(ptr[1]))));
        for (let q = 0; q < px; q++) {
          st.push(f.set(sv, m.v128.load32_splat(offs[0] + q * fl * 4, 4, f.get(ptr[0]))));
          for (let v = 0; v < nv; v++) st.push(mac(f, acc[q][v], f.get(sv), f.get(kv[v]), spec.relaxed));
        }
        return st;
      }),
    );
    // In order: the windows of neighbouring pixels may overlap.
    for (let q = 0; q < px; q++) {
      for (let v = 0; v < nv; v++) {
        const lanes = lanesOf(width, v);
        const off = q * sw * c * 4 + 16 * v;
        out.push(
          f.set(tmp, m.f32x4.add(f.get(acc[q][v]), loadPartial(f, f.get(tp), off, lanes))),
          ...storePartial(f, f.get(tp), off, lanes, f.get(tmp)),
        );
      }
    }
    return out;
  };

  const panel = (width: number): X[] => [
    f.set(tp, m.i32.add(f.get(ti), f.get(pOff))),
    f.set(kTp, m.i32.add(f.get(kTi), f.get(pOff))),
    f.set(dyp, f.get(dyr)),
    ...repeat(f, Math.floor(ow / MR), [...tile(MR, width), f.addI(tp, MR * sw * c * 4), f.addI(dyp, MR * fl * 4)]),
    ...(ow % MR > 0 ? tile(ow % MR, width) : []),
    f.addI(pOff, PW * 4),
  ];
  const kernelRow: X[] = [
    f.set(pOff, f.i32(0)),
    ...repeat(f, Math.floor(kwc / PW), panel(PW)),
    ...(kwc % PW > 0 ? panel(kwc % PW) : []),
    f.addI(ti, fr.wf * c * 4),
    f.addI(kTi, fl * L4 * 4),
  ];
  const outRow: X[] = [
    f.set(ti, f.get(tr)),
    f.set(kTi, f.get(kT)),
    ...repeat(f, kh, kernelRow),
    f.addI(tr, sh * fr.wf * c * 4),
    f.addI(dyr, ow * fl * 4),
  ];

  body.push(
    f.set(s, f.i32(0)),
    f.set(dxImg, f.get(P("dx"))),
    f.set(dyImg, f.get(P("dy"))),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s), f.get(P("n"))),
      [
        f.set(tgt, f.get(fr.direct ? dxImg : frame)),
        ...zeroBytes(f, f.get(tgt), fr.direct ? h * w * c * 4 : fr.bytes),
        f.set(tr, f.get(tgt)),
        f.set(dyr, f.get(dyImg)),
        ...repeat(f, oh, outRow),
        ...(fr.direct
          ? []
          : copyRows(f, m.i32.add(f.get(frame), f.i32((pt * fr.wf + pl) * c * 4)), f.get(dxImg), h, w * c * 4, fr.wf * c * 4, w * c * 4)),
        f.addI(dxImg, h * w * c * 4),
        f.addI(dyImg, oh * ow * fl * 4),
        f.addI(s, 1),
      ],
    ),
  );
  finish(b, mod, name, names, f, body);
}

// ---------------------------------------------------------------------------------------
// Pooling

interface Seg {
  readonly start: number; // first output index
  readonly count: number;
  readonly lo: number; // valid window taps [lo, hi)
  readonly hi: number;
}

/** Output indices grouped by how their windows clip at the borders (the interior is one segment). */
function segments(size: number, out: number, win: number, stride: number, pad: number): Seg[] {
  const segs: { start: number; count: number; lo: number; hi: number }[] = [];
  for (let o = 0; o < out; o++) {
    const at = o * stride - pad;
    const lo = Math.max(0, -at);
    const hi = Math.min(win, size - at);
    const last = segs[segs.length - 1];
    if (last && last.lo === lo && last.hi === hi) last.count++;
    else segs.push({ start: o, count: 1, lo, hi });
  }
  return segs;
}

/** How many windows cover each input index along one axis. */
function coverage(size: number, out: number, win: number, stride: number, pad: number): number[] {
  const cov = new Array<number>(size).fill(0);
  for (let o = 0; o < out; o++)
    for (let i = 0; i < win; i++) {
      const at = o * stride - pad + i;
      if (at >= 0 && at < size) cov[at]++;
    }
  return cov;
}

type PoolMode = "max" | "maxArgmax" | "maxGrad" | "maxGradArgmax" | "avg" | "avgGrad";

const NEG_INF16 = Array.from(new Uint8Array(new Float32Array([-Infinity, -Infinity, -Infinity, -Infinity]).buffer));
const i32x4Const = (v: number): number[] => Array.from(new Uint8Array(new Int32Array([v, v, v, v]).buffer));
const f32x4Const = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer));

const isGrad = (mode: PoolMode): boolean => mode === "maxGrad" || mode === "maxGradArgmax" || mode === "avgGrad";

/** The buffers of a pooling kernel: the input layout (x, dx), walked by window origin; the output layout (y, dy, argmax). */
function poolBuffers(mode: PoolMode, reluMask: boolean): { inBufs: string[]; outBufs: string[] } {
  const grad = isGrad(mode);
  const inBufs = mode === "maxGrad" ? ["x", "dx"] : grad ? ["dx"] : ["x"];
  const outBufs =
    mode === "maxArgmax"
      ? ["y", "argmax"]
      : mode === "maxGradArgmax"
        ? ["dy", "argmax", ...(reluMask ? ["y"] : [])]
        : grad
          ? ["dy"]
          : ["y"];
  return { inBufs, outBufs };
}

/** Pooling of one image; `img` maps each buffer of poolBuffers to the local holding its image base (read only). */
function poolImage(f: Fn, spec: Window, mode: PoolMode, reluMask: boolean, img: Readonly<Record<string, number>>): X[] {
  const { c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const m = f.mod;
  const [i32, v128] = [f.b.i32, f.b.v128];
  const grad = isGrad(mode);
  const { inBufs, outBufs } = poolBuffers(mode, reluMask);
  const bufs = [...inBufs, ...outBufs];
  const isIn = (k: number): boolean => k < inBufs.length;
  const rowp = bufs.map(() => f.local(i32));
  const pix = bufs.map(() => f.local(i32));
  const at = (buf: string): number => bufs.indexOf(buf);

  const rc = coverage(h, oh, kh, sh, pt);
  const cc = coverage(w, ow, kw, sw, pl);
  const overlap = rc.some((v) => v > 1) || cc.some((v) => v > 1);
  const exact = rc.every((v) => v === 1) && cc.every((v) => v === 1);

  const rsegs = segments(h, oh, kh, sh, pt);
  const csegs = segments(w, ow, kw, sw, pl);
  const tmp = f.local(v128);
  const idx = f.local(v128);
  const bestG = f.local(v128);
  const best = f.local(v128);
  const cur = f.local(v128);
  const mk = f.local(v128);
  const dv = f.local(v128);

  const window = (rs: Seg, cs: Seg): X[] => {
    const taps: { off: number; t: number }[] = [];
    for (let i = rs.lo; i < rs.hi; i++)
      for (let j = cs.lo; j < cs.hi; j++) taps.push({ off: ((i - rs.lo) * w + (j - cs.lo)) * c * 4, t: i * kw + j });
    const inv = Math.fround(1 / taps.length);
    const vec = (ptr: readonly number[], co: number, lanes: number): X[] => {
      const ld = (buf: string, off: number): X => loadPartial(f, f.get(ptr[at(buf)]), co + off, lanes);
      const st = (buf: string, off: number, val: X): X[] => [
        f.set(tmp, val),
        ...storePartial(f, f.get(ptr[at(buf)]), co + off, lanes, f.get(tmp)),
      ];
      const out: X[] = [];
      const argmaxOf = (withBest: boolean): void => {
        out.push(f.set(cur, ld("x", taps[0].off)), f.set(bestG, f.get(cur)), f.set(idx, m.v128.const(i32x4Const(taps[0].t))));
        if (withBest) out.push(f.set(best, m.f32x4.pmax(m.v128.const(NEG_INF16), f.get(cur))));
        for (const tp of taps.slice(1)) {
          // bestG = v > bestG ? v : bestG is pmax(bestG, v); taps come in increasing order, so
          // the index update is a max with the tap where v > bestG (0 elsewhere).
          out.push(
            f.set(cur, ld("x", tp.off)),
            f.set(mk, m.f32x4.gt(f.get(cur), f.get(bestG))),
            f.set(bestG, m.f32x4.pmax(f.get(bestG), f.get(cur))),
            f.set(idx, m.i32x4.max_s(f.get(idx), m.v128.and(f.get(mk), m.v128.const(i32x4Const(tp.t))))),
          );
          if (withBest) out.push(f.set(best, m.f32x4.pmax(f.get(best), f.get(cur))));
        }
      };
      // Writes (or adds) a gradient vector into dx at a tap.
      const put = (off: number, val: X): X[] => (overlap ? st("dx", off, m.f32x4.add(ld("dx", off), val)) : st("dx", off, val));
      switch (mode) {
        case "max": {
          let acc: X = m.v128.const(NEG_INF16);
          for (const tp of taps) acc = m.f32x4.pmax(acc, ld("x", tp.off));
          out.push(...st("y", 0, acc));
          break;
        }
        case "maxArgmax":
          argmaxOf(true);
          out.push(...st("y", 0, f.get(best)), ...st("argmax", 0, f.get(idx)));
          break;
        case "maxGrad":
        case "maxGradArgmax":
          if (mode === "maxGrad") argmaxOf(false);
          else out.push(f.set(idx, ld("argmax", 0)));
          out.push(f.set(dv, ld("dy", 0)));
          if (reluMask) {
            const positive = m.f32x4.gt(mode === "maxGrad" ? f.get(bestG) : ld("y", 0), m.v128.const(ZERO16));
            out.push(f.set(dv, m.v128.and(f.get(dv), positive)));
          }
          for (const tp of taps) out.push(...put(tp.off, m.v128.and(f.get(dv), m.i32x4.eq(f.get(idx), m.v128.const(i32x4Const(tp.t))))));
          break;
        case "avg": {
          let acc: X = ld("x", taps[0].off);
          for (const tp of taps.slice(1)) acc = m.f32x4.add(acc, ld("x", tp.off));
          out.push(...st("y", 0, m.f32x4.mul(acc, m.v128.const(f32x4Const(inv)))));
          break;
        }
        case "avgGrad":
          out.push(f.set(dv, m.f32x4.mul(ld("dy", 0), m.v128.const(f32x4Const(inv)))));
          for (const tp of taps) out.push(...put(tp.off, f.get(dv)));
          break;
      }
      return out;
    };
    const full = Math.floor(c / 4);
    const out: X[] = nest(f, pix, [{ count: full, strides: bufs.map(() => 16) }], Math.max(1, Math.floor(32 / taps.length)), (ptr, offs) =>
      vec(ptr, offs[0], 4),
    );
    if (c % 4 > 0) out.push(...vec(pix, full * 16, c % 4));
    return out;
  };

  const perImage: X[] = [];
  if (grad && (overlap || !exact)) perImage.push(...zeroBytes(f, f.get(img.dx), h * w * c * 4));
  for (const rs of rsegs) {
    for (const cs of csegs) {
      const inOff = ((rs.start * sh - pt + rs.lo) * w + (cs.start * sw - pl + cs.lo)) * c * 4;
      const outOff = (rs.start * ow + cs.start) * c * 4;
      const rowStride = (k: number): number => (isIn(k) ? sh * w * c * 4 : ow * c * 4);
      const colStride = (k: number): number => (isIn(k) ? sw * c * 4 : c * 4);
      perImage.push(
        ...bufs.map((buf, k) => f.set(rowp[k], m.i32.add(f.get(img[buf]), f.i32(isIn(k) ? inOff : outOff)))),
        ...repeat(f, rs.count, [
          ...bufs.map((_, k) => f.set(pix[k], f.get(rowp[k]))),
          ...repeat(f, cs.count, [...window(rs, cs), ...bufs.map((_, k) => f.addI(pix[k], colStride(k)))]),
          ...bufs.map((_, k) => f.addI(rowp[k], rowStride(k))),
        ]),
      );
    }
  }
  return perImage;
}

function addPool(
  b: BinaryenApi,
  mod: Mod,
  spec: Window & { name: string },
  mode: PoolMode,
  names: readonly string[],
  reluMask = false,
): void {
  const { name, c, h, w, oh, ow } = spec;
  checkWindow(name, spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const { inBufs, outBufs } = poolBuffers(mode, reluMask);
  const img: Record<string, number> = {};
  for (const buf of [...inBufs, ...outBufs]) img[buf] = f.local(b.i32);
  const s = f.local(b.i32);
  const body: X[] = [
    ...Object.entries(img).map(([buf, l]) => f.set(l, f.get(P(buf)))),
    f.set(s, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s), f.get(P("n"))),
      [
        ...poolImage(f, spec, mode, reluMask, img),
        ...inBufs.map((buf) => f.addI(img[buf], h * w * c * 4)),
        ...outBufs.map((buf) => f.addI(img[buf], oh * ow * c * 4)),
        f.addI(s, 1),
      ],
    ),
  ];
  finish(b, mod, name, names, f, body);
}

/** Adds the export `spec.name`: y = max over each window's real inputs (and its argmax). */
export function addMaxPool2d(b: BinaryenApi, mod: Mod, spec: MaxPool2dSpec): void {
  addPool(b, mod, spec, spec.argmax ? "maxArgmax" : "max", maxpool2dParams(spec));
}

/** Adds the export `spec.name`: dx = dy routed to each window's first maximum (row-major). */
export function addMaxPool2dGrad(b: BinaryenApi, mod: Mod, spec: MaxPool2dGradSpec): void {
  addPool(b, mod, spec, spec.fromArgmax ? "maxGradArgmax" : "maxGrad", maxpool2dGradParams(spec), spec.reluMask ?? false);
}

/** Adds the export `spec.name`: y = mean over each window's real inputs. */
export function addAvgPool2d(b: BinaryenApi, mod: Mod, spec: AvgPool2dSpec): void {
  addPool(b, mod, spec, "avg", avgpool2dParams(spec));
}

/** Adds the export `spec.name`: dx = dy / (window's real inputs) spread over the window. */
export function addAvgPool2dGrad(b: BinaryenApi, mod: Mod, spec: AvgPool2dSpec): void {
  addPool(b, mod, spec, "avgGrad", avgpool2dGradParams(spec));
}
