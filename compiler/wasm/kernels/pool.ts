// Pooling kernels for the WebAssembly backend (binaryen builder API, f32x4 SIMD128),
// specialized to static geometry: max and average pooling and their gradients, as
// runtime/kernels/conv.ts computes them (NHWC; every spec extends its `Window`, kh × kw the
// pool window). Parameters and exports: as conv.ts lists them.
//
// Pooling vectorizes over channels; each window's taps are unrolled with the border
// clipping static: output rows and columns are split into segments whose windows clip
// alike (the interior is one segment), so no tap is ever tested at run time. Max uses
// f32x4.pmax (`best < v ? v : best`: exactly the reference's `v > best`, NaN included);
// the argmax (the reference gradient's: the first real element, replaced only by a
// strictly greater one) is tracked with f32x4.gt + bitselect. Gradients store directly
// when windows do not overlap and read-modify-write when they do; dx is zeroed first
// unless the windows tile it exactly. Average pooling sums in f32 (the reference in f64).
import type { BinaryenApi } from "./binaryen.js";
import type { Window } from "../../emit/geometry.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { checkWindow, finish, nest, params, repeat, zeroBytes } from "./conv-kit.js";

// ---------------------------------------------------------------------------------------
// Specs and parameters

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

export function maxpool2dParams(spec: MaxPool2dSpec): string[] {
  return ["n", "x", "y", ...(spec.argmax ? ["argmax"] : [])];
}
export function maxpool2dGradParams(spec: MaxPool2dGradSpec): string[] {
  return ["n", "dy", ...(spec.fromArgmax ? ["argmax", ...(spec.reluMask ? ["y"] : [])] : ["x"]), "dx"];
}
export function avgpool2dParams(_spec: AvgPool2dSpec): string[] {
  return ["n", "x", "y"];
}
export function avgpool2dGradParams(_spec: AvgPool2dSpec): string[] {
  return ["n", "dy", "dx"];
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

export type PoolMode = "max" | "maxArgmax" | "maxGrad" | "maxGradArgmax" | "avg" | "avgGrad";

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
export function poolImage(f: Fn, spec: Window, mode: PoolMode, reluMask: boolean, img: Readonly<Record<string, number>>): X[] {
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
