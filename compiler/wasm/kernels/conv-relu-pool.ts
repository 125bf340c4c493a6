// conv2d → relu → maxpool2d(2) of an exported model (inference only: no argmax), in
// registers, skipping the windows whose input is all zeros:
//
//   y[n, py, px, f] = max over a, b ∈ {0, 1} of relu(conv(x, k)[n, 2py + a, 2px + b, f] + bias[f])
//                                                   convReluPool(n, x, k, y [, bias])
//
// conv.ts's convMaxPool (the trainer's kernel) convolves a whole image into scratch, then
// pools it from there. Here one register tile is the pool's window: the 4 convolution
// outputs under one pooled pixel × 8 filters (8 accumulators, two kernel vectors and one
// broadcast), relu'd and reduced by max before the only store. And where the input patch
// under a pooled pixel ((sh + kh) rows × (sw + kw)·c values) is all zero bits, as the
// background of an image is, the pooled pixel is relu(bias) and nothing is convolved.
//
// Each convolution output is the sum conv.ts computes, in its order: bias (or +0), then
// + x·k over the taps (i, j, ch) of the window (mul, then add; one relaxed_madd in the
// relaxed variant), then relu as f32x4.pmax(0, ·); the max of the four relu outputs is the
// pool's (they are ≥ +0 and never NaN, so any order of max gives the same bits). An all-zero
// patch makes every product x·k = ±0 (the loader refuses weights that are not finite), so
// each sum is bias + (±0)… = bias, or ±0 where bias is ±0, and its relu is exactly
// pmax(0, bias). So the outputs are bit for bit convMaxPool's (tests/wasm/conv-relu-pool.test.ts).
//
// Applies to a `valid` convolution (any stride, channels and filters) followed by a 2×2 max
// pool of stride 2 without padding (convReluPoolFits); others keep convMaxPool.
import type { BinaryenApi } from "./binaryen.js";
import type { Window } from "../../emit/geometry.js";
import { ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { checkWindow, finish, frameOf, lanesOf, mac, params, range, repeat } from "./conv-kit.js";

export interface ConvReluPoolSpec extends Window {
  readonly name: string;
  readonly filters: number;
  readonly bias: boolean;
  /** The pool's window over the convolution's output (2×2, stride 2, valid). */
  readonly pool: Window;
  /** Multiply-add with f32x4.relaxed_madd (the relaxed module variant). */
  readonly relaxed?: boolean;
}

export function convReluPoolParams(spec: Pick<ConvReluPoolSpec, "bias">): string[] {
  return ["n", "x", "k", "y", ...(spec.bias ? ["bias"] : [])];
}

/** Whether this kernel computes the group: a valid convolution, then a 2×2 stride-2 max pool over its whole output without padding. */
export function convReluPoolFits(conv: Window, pool: Window): boolean {
  return (
    frameOf(conv).direct &&
    pool.kh === 2 &&
    pool.kw === 2 &&
    pool.sh === 2 &&
    pool.sw === 2 &&
    pool.pt === 0 &&
    pool.pl === 0 &&
    pool.h === conv.oh &&
    pool.w === conv.ow &&
    pool.oh === Math.floor(conv.oh / 2) &&
    pool.ow === Math.floor(conv.ow / 2)
  );
}

/** Adds the export `spec.name` to `mod` (memory 0 must exist). */
export function addConvReluPool(b: BinaryenApi, mod: Mod, spec: ConvReluPoolSpec): void {
  const { name, c, h, w, kh, kw, sh, sw } = spec;
  const fl = spec.filters;
  const p = spec.pool;
  checkWindow(name, spec, { filters: fl });
  if (!convReluPoolFits(spec, p)) throw new Error(`${name}: not a valid convolution followed by a 2×2 stride-2 max pool`);
  const names = convReluPoolParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const [i32, v128] = [b.i32, b.v128];
  const [s, xImg, yp, xRow, xp, kp, bp, cOff, xr, kr, xi, ki, xEnd, kEnd] = range(14).map(() => f.local(i32));
  const NV = 2; // filter vectors per tile: 4 pixels × 2 vectors = 8 accumulators
  const PW = NV * 4;
  const acc = range(4).map(() => range(NV).map(() => f.local(v128)));
  const kv = range(NV).map(() => f.local(v128));
  const [sv, any, tmp] = [f.local(v128), f.local(v128), f.local(v128)];
  // The 4 convolution outputs of a pooled pixel: (a, b) → their windows' offsets from the first's.
  const pix = [0, 1, 2, 3].map((q) => ((q >> 1) * sh * w + (q & 1) * sw) * c * 4);
  const bias = spec.bias ? P("bias") : null;

  // One tile: the pooled pixel's 4 outputs × `width` filters from cOff (bytes) on.
  const tile = (width: number): X[] => {
    const nv = Math.ceil(width / 4);
    const out: X[] = [f.set(kp, m.i32.add(f.get(P("k")), f.get(cOff)))];
    if (bias !== null) out.push(f.set(bp, m.i32.add(f.get(bias), f.get(cOff))));
    for (let v = 0; v < nv; v++)
      out.push(f.set(acc[0][v], bias !== null ? loadPartial(f, f.get(bp), 16 * v, lanesOf(width, v)) : m.v128.const(ZERO16)));
    for (let q = 1; q < 4; q++) for (let v = 0; v < nv; v++) out.push(f.set(acc[q][v], f.get(acc[0][v])));
    // The taps (i, j·c + ch) in order: kernel rows in an outer loop, each row's kw·c taps in an
    // inner one, both ending on a pointer (no counters: V8 kept them in stack slots), one tap per
    // iteration (unrolling the 9 taps of the seed CNN measured 1.5× slower: TurboFan hoists the loads and spills).
    const step: X[] = [];
    for (let v = 0; v < nv; v++) step.push(f.set(kv[v], loadPartial(f, f.get(ki), 16 * v, lanesOf(width, v))));
    for (let q = 0; q < 4; q++) {
      step.push(f.set(sv, m.v128.load32_splat(pix[q], 4, f.get(xi))));
      for (let v = 0; v < nv; v++) step.push(mac(f, acc[q][v], f.get(sv), f.get(kv[v]), spec.relaxed));
    }
    const [inner, outer] = [f.label("tap"), f.label("row")];
    out.push(
      f.set(xr, f.get(xp)),
      f.set(kr, f.get(kp)),
      f.set(kEnd, m.i32.add(f.get(kp), f.i32(kh * kw * c * fl * 4))),
      m.loop(
        outer,
        m.block(null, [
          f.set(xi, f.get(xr)),
          f.set(ki, f.get(kr)),
          f.set(xEnd, m.i32.add(f.get(xr), f.i32(kw * c * 4))),
          m.loop(inner, m.block(null, [...step, f.addI(xi, 4), f.addI(ki, fl * 4), m.br(inner, m.i32.ne(f.get(xi), f.get(xEnd)))])),
          f.addI(xr, w * c * 4),
          f.addI(kr, kw * c * fl * 4),
          m.br(outer, m.i32.ne(f.get(kr), f.get(kEnd))),
        ]),
      ),
    );
    const relu = (q: number, v: number): X => m.f32x4.pmax(m.v128.const(ZERO16), f.get(acc[q][v]));
    for (let v = 0; v < nv; v++) {
      const top = m.f32x4.pmax(relu(0, v), relu(1, v));
      const bottom = m.f32x4.pmax(relu(2, v), relu(3, v));
      out.push(
        f.set(tmp, m.f32x4.pmax(top, bottom)),
        ...storePartial(f, m.i32.add(f.get(yp), f.get(cOff)), 16 * v, lanesOf(width, v), f.get(tmp)),
      );
    }
    return out;
  };
  const tiles = (width: number): X[] => [...tile(width), f.addI(cOff, width * 4)];
  const computed: X[] = [f.set(cOff, f.i32(0)), ...repeat(f, Math.floor(fl / PW), tiles(PW)), ...(fl % PW > 0 ? tiles(fl % PW) : [])];
  // relu(bias) (or +0) for every filter: the pooled pixel of an all-zero patch.
  const background: X[] = [];
  for (let v = 0; v < Math.ceil(fl / 4); v++) {
    const val =
      bias !== null ? m.f32x4.pmax(m.v128.const(ZERO16), loadPartial(f, f.get(bias), 16 * v, lanesOf(fl, v))) : m.v128.const(ZERO16);
    background.push(f.set(tmp, val), ...storePartial(f, f.get(yp), 16 * v, lanesOf(fl, v), f.get(tmp)));
  }
  // The OR of the patch's bits: (sh + kh) rows of (sw + kw)·c values from xp.
  const rowValues = (sw + kw) * c;
  const patch: X[] = [f.set(any, m.v128.const(ZERO16))];
  for (let i = 0; i < sh + kh; i++)
    for (let v = 0; v < Math.ceil(rowValues / 4); v++)
      patch.push(f.set(any, m.v128.or(f.get(any), loadPartial(f, f.get(xp), (i * w * c + 4 * v) * 4, lanesOf(rowValues, v)))));
  const pixel: X[] = [...patch, m.if(m.v128.any_true(f.get(any)), m.block(null, computed), m.block(null, background))];
  const row: X[] = [
    f.set(xp, f.get(xRow)),
    ...repeat(f, p.ow, [...pixel, f.addI(xp, 2 * sw * c * 4), f.addI(yp, fl * 4)]),
    f.addI(xRow, 2 * sh * w * c * 4),
  ];
  const body: X[] = [
    f.set(s, f.i32(0)),
    f.set(xImg, f.get(P("x"))),
    f.set(yp, f.get(P("y"))),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s), f.get(P("n"))),
      [f.set(xRow, f.get(xImg)), ...repeat(f, p.oh, row), f.addI(xImg, h * w * c * 4), f.addI(s, 1)],
    ),
  ];
  finish(b, mod, name, names, f, body);
}
