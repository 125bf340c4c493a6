// The input gradient of conv2d (also conv2d_transpose's forward) for large kernels: conv-grad.ts's
// register tiles and sums, with the images of a block interleaved so that the transposed kernel
// is read from L3 once per block instead of once per image, and packed panel by panel.
//
// conv-grad.ts runs, per image and output row oy, every kernel row i and every panel of PW
// (j, ch) entries, its tiles reducing over the filters with kT's panel (filters × PW floats).
// The whole of kT passes once per output row of every image: 3.3 MB for the DCGAN's 5×5
// transposed convolution 256 → 128 on 7×7 images, so the kernel streamed it from L3 ~1,800
// times per call at batch 256 (≈ 13 GFLOP/s). Here
//
//   for each block of `images` images (their targets: zero-padded frames in scratch, or dx):
//     start every target from the bias (or 0)
//     for each output row oy, kernel row i, panel of PW (j, ch) entries:
//       for each image of the block: its tiles, as conv-grad.ts
//     copy the frames' interiors out to dx
//
// so a panel (filters × PW floats, ≤ 16 KiB) is read from L1 by the tiles of every image of
// the block. The kernel is transposed into scratch panel by panel (kP[i][panel][filter][PW],
// a tail panel's width rounded up to 4 floats and zero padded): conv-grad.ts's kT has rows of
// kw·c floats, so one filter's step in a panel is 32 bytes every kw·c·4 (2.5 KiB at 5×128),
// and a panel's 256 filters fall into 8 of L1's sets and evict one another; packed, a panel
// is contiguous. Every dx element receives the same additions in the same order as in
// conv-grad.ts (by oy, then i, then panel, then tile; images are independent), so the bits
// are the same: tests/wasm/conv-blocked.test.ts checks it word for word.
import type { Window } from "../../emit/geometry.js";
import type { Fn, X } from "./fn.js";
import { copyRows, frameOf, nest, range, repeat, round16, zeroBytes } from "./conv-kit.js";
import { gradInputTile, packedKernelBytes, packKernelT, type Conv2dGradInputSpec } from "./conv-grad.js";

export interface GradInputBlocking {
  /** Images per block. */
  readonly images: number;
  /** false: read conv-grad.ts's kT (rows of kw·c floats) instead of the panels. */
  readonly pack?: boolean;
}

/** kT larger than this (bytes) no longer stays in L2 across images: blocked. */
const BLOCK_ABOVE = 512 * 1024;
/** A block's rows in use for one output row (dy's row, the targets' kh rows) stay within this (L2). */
const BLOCK_BYTES = 512 * 1024;

/** The blocking for a spec: its own (false: none), or one when kT exceeds L2; undefined keeps conv-grad.ts's order. */
export function gradInputBlocking(spec: Conv2dGradInputSpec): GradInputBlocking | undefined {
  if (spec.blocking !== undefined) return spec.blocking || undefined;
  if (packedKernelBytes(spec) <= BLOCK_ABOVE) return undefined;
  const fr = frameOf(spec);
  const perImage = (spec.ow * spec.filters + spec.kh * fr.wf * spec.c) * 4;
  return { images: Math.max(1, Math.floor(BLOCK_BYTES / perImage)) };
}

/** Scratch after kT: one frame per image of a block (none when the convolution is unpadded). */
export function blockedFramesBytes(spec: Window, blocking: GradInputBlocking): number {
  const fr = frameOf(spec);
  return fr.direct ? 0 : round16(fr.bytes) * blocking.images;
}

/** The panels of PW (j, ch) entries of each kernel row: [full panels, tail width (0: none)]. */
function panelSplit(kwc: number, PW: number): [number, number] {
  return [Math.floor(kwc / PW), kwc % PW];
}

/**
 * kP[i][panel][q][e] = k[i][panel·PW + e][q] at local `kP`: kernel row i's panels of PW (j, ch)
 * entries, each filters × PW floats (a tail panel's width rounded up to 4, the extra lanes 0).
 * Each kernel row takes filters · ⌈kw·c / 4⌉·4 floats, as in conv-grad.ts's kT.
 */
function packPanelsT(f: Fn, spec: Conv2dGradInputSpec, PW: number, k: number, kP: number): X[] {
  const m = f.mod;
  const fl = spec.filters;
  const kwc = spec.kw * spec.c;
  const L4 = Math.ceil(kwc / 4) * 4;
  const [full, tail] = panelSplit(kwc, PW);
  const [src, dst] = [f.local(f.b.i32), f.local(f.b.i32)];
  const copy = (width: number, stride: number, panels: number): X[] =>
    nest(
      f,
      [src, dst],
      [
        { count: spec.kh, strides: [kwc * fl * 4, fl * L4 * 4] },
        { count: panels, strides: [PW * fl * 4, fl * PW * 4] },
        { count: fl, strides: [4, stride * 4] },
        { count: width, strides: [fl * 4, 4] },
      ],
      16,
      (ptr, offs) => [m.f32.store(offs[1], 4, f.get(ptr[1]), m.f32.load(offs[0], 4, f.get(ptr[0])))],
    );
  const out: X[] = [];
  if (tail % 4 !== 0) out.push(...zeroBytes(f, f.get(kP), packedKernelBytes(spec)));
  if (full > 0) out.push(f.set(src, f.get(k)), f.set(dst, f.get(kP)), ...copy(PW, PW, full));
  if (tail > 0)
    out.push(
      f.set(src, m.i32.add(f.get(k), f.i32(full * PW * fl * 4))),
      f.set(dst, m.i32.add(f.get(kP), f.i32(fl * full * PW * 4))),
      ...copy(tail, Math.ceil(tail / 4) * 4, 1),
    );
  return out;
}

/**
 * The blocked body, from packing the kernel at local `kT` (the start of scratch; the frames follow
 * it): `P(name)` gives the export's parameters (n, dy, k, dx, bias?, ws).
 */
export function gradInputBlocked(
  f: Fn,
  spec: Conv2dGradInputSpec,
  blocking: GradInputBlocking,
  P: (name: string) => number,
  kT: number,
): X[] {
  const { c, h, w, oh, ow, kh, kw, sh, pt, pl } = spec;
  const fl = spec.filters;
  const m = f.mod;
  const fr = frameOf(spec);
  const kwc = kw * c;
  const L4 = Math.ceil(kwc / 4) * 4;
  const [t0, t1] = spec.tile ?? (kwc >= 8 ? [4, 2] : [6, 1]);
  const MR = Math.min(t0, ow);
  const PW = Math.min(t1, L4 / 4) * 4;
  const IB = blocking.images;
  const tStride = fr.direct ? h * w * c * 4 : round16(fr.bytes);
  const rowBytes = fr.wf * c * 4;
  const pack = blocking.pack !== false;
  const [s0, nb, img, frames, tBlk, dyBlk, tp, kTp, dyp, pOff, kOff, tRow, dyRow] = range(13).map(() => f.local(f.b.i32));

  // Packed, a panel's filters are its width (rounded up to 4) floats apart and its panels filters × PW floats; else L4 and PW.
  const kStride = (width: number): number => (pack ? Math.ceil(width / 4) * 4 : L4);
  const tile = (px: number, width: number): X[] => gradInputTile(f, spec, { dyp, kTp, tp }, px, width, kStride(width));
  const forImages = (body: X[]): X[] => [
    f.set(img, f.i32(0)),
    f.whileLoop(() => m.i32.lt_s(f.get(img), f.get(nb)), [...body, f.addI(img, 1)]),
  ];
  const target = (): X => m.i32.add(f.get(tBlk), m.i32.mul(f.get(img), f.i32(tStride)));

  /** One panel of kernel row i, over the block's images. */
  const panel = (i: number, width: number): X[] => [
    ...forImages([
      f.set(tp, m.i32.add(m.i32.add(target(), f.get(tRow)), f.i32(i * rowBytes))),
      f.set(tp, m.i32.add(f.get(tp), f.get(pOff))),
      f.set(kTp, m.i32.add(m.i32.add(f.get(kT), f.i32(i * fl * L4 * 4)), f.get(kOff))),
      f.set(dyp, m.i32.add(m.i32.add(f.get(dyBlk), m.i32.mul(f.get(img), f.i32(oh * ow * fl * 4))), f.get(dyRow))),
      ...repeat(f, Math.floor(ow / MR), [...tile(MR, width), f.addI(tp, MR * spec.sw * c * 4), f.addI(dyp, MR * fl * 4)]),
      ...(ow % MR > 0 ? tile(ow % MR, width) : []),
    ]),
    f.addI(pOff, PW * 4),
    f.addI(kOff, (pack ? fl : 1) * PW * 4),
  ];
  const kernelRow = (i: number): X[] => [
    f.set(pOff, f.i32(0)),
    f.set(kOff, f.i32(0)),
    ...repeat(f, Math.floor(kwc / PW), panel(i, PW)),
    ...(kwc % PW > 0 ? panel(i, kwc % PW) : []),
  ];
  const outRow: X[] = [...range(kh).flatMap(kernelRow), f.addI(tRow, sh * rowBytes), f.addI(dyRow, ow * fl * 4)];

  const start = spec.bias
    ? copyRows(f, f.get(P("bias")), target(), fr.direct ? h * w : fr.hf * fr.wf, c * 4, 0, c * 4)
    : zeroBytes(f, target(), fr.direct ? h * w * c * 4 : fr.bytes);
  const copyOut = fr.direct
    ? []
    : forImages(
        copyRows(
          f,
          m.i32.add(target(), f.i32((pt * fr.wf + pl) * c * 4)),
          m.i32.add(f.get(P("dx")), m.i32.mul(m.i32.add(f.get(s0), f.get(img)), f.i32(h * w * c * 4))),
          h,
          w * c * 4,
          fr.wf * c * 4,
          w * c * 4,
        ),
      );
  return [
    ...(pack ? packPanelsT(f, spec, PW, P("k"), kT) : packKernelT(f, spec, P("k"), kT)),
    f.set(frames, m.i32.add(f.get(kT), f.i32(packedKernelBytes(spec)))),
    f.set(s0, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s0), f.get(P("n"))),
      [
        f.set(nb, m.select(m.i32.lt_s(m.i32.sub(f.get(P("n")), f.get(s0)), f.i32(IB)), m.i32.sub(f.get(P("n")), f.get(s0)), f.i32(IB))),
        f.set(tBlk, fr.direct ? m.i32.add(f.get(P("dx")), m.i32.mul(f.get(s0), f.i32(tStride))) : f.get(frames)),
        f.set(dyBlk, m.i32.add(f.get(P("dy")), m.i32.mul(f.get(s0), f.i32(oh * ow * fl * 4)))),
        ...forImages(start),
        f.set(tRow, f.i32(0)),
        f.set(dyRow, f.i32(0)),
        ...repeat(f, oh, outRow),
        ...copyOut,
        f.addI(s0, IB),
      ],
    ),
  ];
}
