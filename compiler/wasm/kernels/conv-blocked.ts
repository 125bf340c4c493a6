// The forward convolution for large kernels (conv.ts's `conv2d` export when a filter panel's
// kernel does not fit in L1): the same register tiles and the same sums, in another loop order,
// on a copy of the kernel packed panel by panel.
//
// conv.ts runs, per image and output row, every tile over the whole reduction (kh × kw·c
// taps), reading its panel of the kernel (taps × PW filters) in place. That is right while the
// panel stays in L1 (the seed CNN's and the ResNet's 3×3 kernels: ≤ 37 KiB). TensorFlow's
// DCGAN has 5×5×256 kernels: a 16-filter panel is 410 KiB, the whole kernel 3.3 MB, and
// every tile of two output pixels streamed it from L3 again (≈ 10 GFLOP/s on 7×7 images).
//
// Here the kernel is first copied into scratch panel by panel (`pack`, the default): panel p's
// taps × PW floats contiguous (a tail panel's width rounded up to 4 floats). In place, one tap
// of a panel is 64 bytes every filters·4 bytes (1 KiB at 256 filters): a chunk's 512 taps then
// fall into a few of L1's sets and evict one another; packed, a chunk is one contiguous 32 KiB.
// The reduction is cut into chunks of consecutive taps (within one kernel row, at most `taps`
// of them: the chunk's kernel panel is ≤ 32 KiB) and the loops are reordered
//
//   for each block of `images` images (copied into their zero-padded frames in scratch):
//     for each panel of PW filters:
//       for each chunk of taps:
//         for each image of the block, output row and tile of MR pixels:
//           acc = first chunk ? bias (or 0) : y        (the tile's running sums)
//           acc += x · k over the chunk's taps, in order
//           y = last chunk ? act(acc) : acc
//
// so a chunk's kernel panel is read from L1 by every tile of the block. Each output's sum is
// the same sequence of f32 operations as conv.ts's (bias first, then the taps in the order
// (i, j, ch)), carried through y between chunks (an f32 store and load are exact): the bits
// are the same, which tests/wasm/conv-blocked.test.ts checks word for word.
import type { Window } from "../../emit/geometry.js";
import { loadPartial, type Fn, type X } from "./fn.js";
import { align16, copyRows, defaultTile, frameOf, lanesOf, range, repeat, round16, zeroBytes } from "./conv-kit.js";
import { forwardTile } from "./conv.js";

/** How the blocked path cuts the work: images per block and taps per chunk; `pack` false reads the kernel in place. */
export interface ConvBlocking {
  readonly images: number;
  readonly taps: number;
  readonly pack?: boolean;
}

interface BlockedSpec extends Window {
  readonly filters: number;
  readonly activation?: "none" | "relu";
  readonly tile?: readonly [number, number];
  readonly unroll?: number;
  readonly relaxed?: boolean;
  readonly blocking?: ConvBlocking | false;
}

/** A chunk's kernel panel stays within this many bytes (L1 is 32–48 KiB). */
const PANEL_BYTES = 32 * 1024;
/** Blocked when a filter panel's whole kernel exceeds this (conv.ts's order is as fast up to about here). */
const BLOCK_ABOVE = 64 * 1024;
/** The block's frames (or, unpadded, its images) and outputs stay within about this many bytes (L2). */
const BLOCK_BYTES = 512 * 1024;

function panelWidth(spec: BlockedSpec): number {
  const [, t1] = spec.tile ?? defaultTile(spec.filters);
  return Math.min(t1, Math.ceil(spec.filters / 4)) * 4;
}

/**
 * The blocking for a spec: its own (false: none), or one when a filter panel's kernel exceeds
 * L1; undefined keeps conv.ts's order.
 */
export function convBlocking(spec: BlockedSpec): ConvBlocking | undefined {
  if (spec.blocking !== undefined) return spec.blocking || undefined;
  const pw = panelWidth(spec);
  if (spec.kh * spec.kw * spec.c * pw * 4 <= BLOCK_ABOVE) return undefined;
  const fr = frameOf(spec);
  const perImage = (fr.direct ? spec.h * spec.w * spec.c * 4 : fr.bytes) + spec.oh * spec.ow * spec.filters * 4;
  return { images: Math.max(1, Math.floor(BLOCK_BYTES / perImage)), taps: Math.max(1, Math.floor(PANEL_BYTES / (pw * 4))) };
}

/** The packed kernel: panel p from byte `offsets[p]`, `strides[p]` floats per tap (its width rounded up to 4). */
interface Panels {
  readonly PW: number;
  readonly widths: number[];
  readonly strides: number[];
  readonly offsets: number[];
  readonly bytes: number;
}

function panelsOf(spec: BlockedSpec): Panels {
  const PW = panelWidth(spec);
  const taps = spec.kh * spec.kw * spec.c;
  const widths = range(Math.ceil(spec.filters / PW)).map((p) => Math.min(PW, spec.filters - p * PW));
  const strides = widths.map((wd) => Math.ceil(wd / 4) * 4);
  const offsets: number[] = [];
  let bytes = 0;
  for (const st of strides) {
    offsets.push(bytes);
    bytes += taps * st * 4;
  }
  return { PW, widths, strides, offsets, bytes };
}

/** Scratch bytes of the blocked path: the packed kernel, then one zero-padded frame per image of a block (none unpadded). */
export function blockedScratchBytes(spec: BlockedSpec, blocking: ConvBlocking): number {
  const fr = frameOf(spec);
  return (blocking.pack === false ? 0 : panelsOf(spec).bytes) + (fr.direct ? 0 : round16(fr.bytes) * blocking.images);
}

/** Copies the kernel at `k` [taps, filters] into the panels at `dst` (every store 4 floats; a tail panel's extra lanes 0). */
function packPanels(f: Fn, spec: BlockedSpec, pn: Panels, k: X, dst: X): X[] {
  const m = f.mod;
  const fl = spec.filters;
  const taps = spec.kh * spec.kw * spec.c;
  const PW = pn.PW;
  const full = Math.floor(fl / PW);
  const [kr, pf, pt, tmp] = [f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.v128)];
  const perTap: X[] = [];
  pn.widths.forEach((wd, p) => {
    for (let v = 0; v < pn.strides[p] / 4; v++) {
      perTap.push(f.set(tmp, loadPartial(f, f.get(kr), (p * PW + 4 * v) * 4, lanesOf(wd, v))));
      perTap.push(
        p < full ? m.v128.store(pn.offsets[p] + 16 * v, 4, f.get(pf), f.get(tmp)) : m.v128.store(16 * v, 4, f.get(pt), f.get(tmp)),
      );
    }
  });
  return [
    f.set(kr, k),
    f.set(pf, dst),
    f.set(pt, m.i32.add(f.get(pf), f.i32(full < pn.widths.length ? pn.offsets[full] : 0))),
    ...repeat(f, taps, [...perTap, f.addI(kr, fl * 4), f.addI(pf, PW * 4), f.addI(pt, pn.strides[pn.strides.length - 1] * 4)]),
  ];
}

/** The chunks of the reduction: [kernel row i, first tap j·c + ch within the row, taps]. */
function chunksOf(spec: BlockedSpec, taps: number): [number, number, number][] {
  const perRow = spec.kw * spec.c;
  const out: [number, number, number][] = [];
  for (let i = 0; i < spec.kh; i++) for (let t = 0; t < perRow; t += taps) out.push([i, t, Math.min(taps, perRow - t)]);
  return out;
}

/**
 * The body of the blocked `conv2d` export: `P(name)` gives its parameters (n, x, k, y, bias?,
 * ws). Returns the statements; the caller adds the function.
 */
export function convForwardBlocked(f: Fn, spec: BlockedSpec, blocking: ConvBlocking, P: (name: string) => number, hasBias: boolean): X[] {
  const { c, h, w, oh, ow, sh, sw } = spec;
  const fl = spec.filters;
  const fr = frameOf(spec);
  const m = f.mod;
  const i32 = f.b.i32;
  const [t0] = spec.tile ?? defaultTile(fl);
  const MR = Math.min(t0, ow);
  const PW = panelWidth(spec);
  const IB = blocking.images;
  const frameStride = round16(fr.bytes);
  const imgIn = fr.direct ? h * w * c * 4 : frameStride;
  const imgOut = oh * ow * fl * 4;
  const chunks = chunksOf(spec, blocking.taps);
  const pack = blocking.pack !== false;
  const pn = panelsOf(spec);
  const taps = spec.kh * spec.kw * c;

  const [s0, nb, img, frames, xBlk, yBlk, xr, yr, xp, kp, bp, op, pOff, cp, pk] = range(15).map(() => f.local(i32));

  /** Floats from one tap of a panel to the next: packed, the panel's width rounded up to 4; in place, the filters. */
  const kStride = (width: number): number => (pack ? Math.ceil(width / 4) * 4 : fl);
  /** One tile of px pixels × width filters over the chunk's taps, at xp / kp / op. */
  const tile = (px: number, width: number, len: number, first: boolean, last: boolean): X[] => {
    const dims = [{ count: len, strides: [4, kStride(width) * 4] }];
    return forwardTile(f, spec, { xp, kp, op, bp: hasBias ? bp : null }, px, width, dims, { first, last });
  };

  /** One chunk of one panel over every image of the block. */
  const chunk = (width: number, [i, t, len]: [number, number, number], first: boolean, last: boolean): X => {
    const xOff = (i * fr.wf * c + t) * 4;
    const kOff = (i * spec.kw * c + t) * kStride(width) * 4;
    const row: X[] = [
      f.set(xp, m.i32.add(f.get(xr), f.i32(xOff))),
      f.set(op, f.get(yr)),
      ...repeat(f, Math.floor(ow / MR), [...tile(MR, width, len, first, last), f.addI(xp, MR * sw * c * 4), f.addI(op, MR * fl * 4)]),
      ...(ow % MR > 0 ? tile(ow % MR, width, len, first, last) : []),
      f.addI(xr, sh * fr.wf * c * 4),
      f.addI(yr, ow * fl * 4),
    ];
    return m.block(null, [
      f.set(kp, m.i32.add(f.get(cp), f.i32(kOff))),
      f.set(img, f.i32(0)),
      f.whileLoop(
        () => m.i32.lt_s(f.get(img), f.get(nb)),
        [
          f.set(xr, m.i32.add(f.get(xBlk), m.i32.mul(f.get(img), f.i32(imgIn)))),
          f.set(yr, m.i32.add(m.i32.add(f.get(yBlk), m.i32.mul(f.get(img), f.i32(imgOut))), f.get(pOff))),
          ...repeat(f, oh, row),
          f.addI(img, 1),
        ],
      ),
    ]);
  };

  const panel = (width: number): X[] => [
    f.set(cp, pack ? f.get(pk) : m.i32.add(f.get(P("k")), f.get(pOff))),
    ...(hasBias ? [f.set(bp, m.i32.add(f.get(P("bias")), f.get(pOff)))] : []),
    ...chunks.map((ch, q) => chunk(width, ch, q === 0, q === chunks.length - 1)),
    f.addI(pOff, PW * 4),
    ...(pack ? [f.addI(pk, taps * PW * 4)] : []),
  ];

  const body: X[] = [];
  if (pack) body.push(f.set(pk, align16(f, f.get(P("ws")))), ...packPanels(f, spec, pn, f.get(P("k")), f.get(pk)));
  const framesAt = (): X => (pack ? m.i32.add(f.get(pk), f.i32(pn.bytes)) : align16(f, f.get(P("ws"))));
  if (!fr.direct) body.push(f.set(frames, framesAt()), ...zeroBytes(f, f.get(frames), frameStride * IB));
  const copyIn: X[] = fr.direct
    ? [f.set(xBlk, m.i32.add(f.get(P("x")), m.i32.mul(f.get(s0), f.i32(imgIn))))]
    : [
        f.set(xBlk, f.get(frames)),
        f.set(img, f.i32(0)),
        f.whileLoop(
          () => m.i32.lt_s(f.get(img), f.get(nb)),
          [
            ...copyRows(
              f,
              m.i32.add(f.get(P("x")), m.i32.mul(m.i32.add(f.get(s0), f.get(img)), f.i32(h * w * c * 4))),
              m.i32.add(m.i32.add(f.get(frames), m.i32.mul(f.get(img), f.i32(frameStride))), f.i32((spec.pt * fr.wf + spec.pl) * c * 4)),
              h,
              w * c * 4,
              w * c * 4,
              fr.wf * c * 4,
            ),
            f.addI(img, 1),
          ],
        ),
      ];
  body.push(
    f.set(s0, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s0), f.get(P("n"))),
      [
        f.set(nb, m.select(m.i32.lt_s(m.i32.sub(f.get(P("n")), f.get(s0)), f.i32(IB)), m.i32.sub(f.get(P("n")), f.get(s0)), f.i32(IB))),
        ...copyIn,
        f.set(yBlk, m.i32.add(f.get(P("y")), m.i32.mul(f.get(s0), f.i32(imgOut)))),
        f.set(pOff, f.i32(0)),
        ...(pack ? [f.set(pk, align16(f, f.get(P("ws"))))] : []),
        ...repeat(f, Math.floor(fl / PW), panel(PW)),
        ...(fl % PW > 0 ? panel(fl % PW) : []),
        f.addI(s0, IB),
      ],
    ),
  );
  return body;
}
