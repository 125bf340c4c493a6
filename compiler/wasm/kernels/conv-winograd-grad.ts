// The kernel gradient of a stride-1 convolution in the Winograd domain (conv-grad.ts's
// `conv2dGradKernel` when `winogradGradKernelPlan` chooses it): the exact gradient of
// conv-winograd.ts's forward, y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A summed over tiles, so
//
//   V[p]  = (Bᵀ d B)[p]      per tile of x, stored [cin][tiles] (each channel's tiles contiguous)
//   dM[p] = (A dY Aᵀ)[p]     per tile of dy (pixels past the output's edge are 0), [panel][tiles][PW]
//   dU[p] += V[p] · dM[p]    [cin × cout] per point, a reduction over the block's tiles, on
//                            conv.ts's register tiles (rows of dU × a panel of filters)
//   dk    = Gᵀ dU G          after the last block
//
// Blocks of images keep a GEMM's reduction ≈ 128 tiles long. The last block's missing tiles
// have dM = 0 (V there holds finite values from before, or the zeros it starts from). Threads
// share a call by panels of filters (`lo, hi`, as the direct kernel's): each panel's dU and dk
// is summed over every image by one thread, so the bits do not depend on the thread count.
import type { Window } from "../../emit/geometry.js";
import { ZERO16, loadPartial, storePartial, type Fn, type X } from "./fn.js";
import { align16, range, repeat, round16, zeroBytes } from "./conv-kit.js";
import { forwardTile } from "./conv.js";
import {
  framesIn,
  imageBlocks,
  inputTransform,
  sandwich,
  skew,
  winogradQualifies,
  winogradTiling,
  type WinogradOption,
} from "./conv-winograd.js";
import type { WinogradMatrices } from "./winograd-matrices.js";

/** Tiles per block (the GEMMs' reduction length) the images per block aim at: measured at batch 64 on the DCGAN's 7×7 layer, 2 images (32 tiles) 54.0 ms, 4 55.0, 8 56.8, 16 56.7. */
const BLOCK_TILES = 32;

export interface WinogradGradKernelPlan {
  readonly images: number;
  readonly MR: number;
  readonly PW: number;
  readonly panels: number;
  readonly th: number;
  readonly tw: number;
  readonly TB: number;
  readonly hf: number;
  readonly wf: number;
  readonly Mh: WinogradMatrices;
  readonly Mw: WinogradMatrices;
  readonly Up: number;
  readonly Vp: number;
  readonly Mp: number;
  readonly at: { readonly U: number; readonly frames: number; readonly V: number; readonly M: number; readonly bytes: number };
}

type GradKernelSpec = Window & { filters: number; bias: boolean; tile?: readonly [number, number]; winograd?: WinogradOption };

/** The plan of conv2dGradKernel's Winograd path (no bias gradient: that stays direct), or undefined. */
export function winogradGradKernelPlan(spec: GradKernelSpec): WinogradGradKernelPlan | undefined {
  const { c } = spec;
  const fl = spec.filters;
  if (spec.bias || !winogradQualifies(spec.sh, spec.sw, spec.kh, spec.kw, c, fl, spec.winograd)) return undefined;
  const { Mh, Mw, pts, MR, PW, panels, th, tw, hf, wf } = winogradTiling({ ...spec, cout: fl }, spec.tile);
  const images = (spec.winograd || undefined)?.images ?? Math.max(1, Math.round(BLOCK_TILES / (th * tw)));
  const TB = images * th * tw;
  const Up = skew(panels * c * PW * 4);
  const Vp = skew(c * TB * 4);
  const Mp = skew(panels * TB * PW * 4);
  const U = 0;
  const frames = U + pts * Up;
  const V = frames + images * round16(hf * wf * c * 4);
  const M = V + pts * Vp;
  return { images, MR, PW, panels, th, tw, TB, hf, wf, Mh, Mw, Up, Vp, Mp, at: { U, frames, V, M, bytes: M + pts * Mp } };
}

export const winogradGradKernelScratchBytes = (plan: WinogradGradKernelPlan): number => plan.at.bytes + 16;

/** A (α × 2) from Aᵀ: the transpose, as rows. */
const transpose = (a: readonly (readonly number[])[]): number[][] => range(a[0].length).map((j) => a.map((row) => row[j]));

/** The body of conv2dGradKernel's Winograd path: parameters n, x, dy, dk, ws, lo, hi (`P`). */
export function winogradGradKernelBody(
  f: Fn,
  spec: GradKernelSpec & { accumulate?: boolean; relaxed?: boolean },
  plan: WinogradGradKernelPlan,
  P: (name: string) => number,
): X[] {
  const { h, w, c: cin, oh, ow, kw, pt, pl } = spec;
  const cout = spec.filters;
  const { MR, PW, panels, th, tw, TB, hf, wf, Mh, Mw, Up, Vp, Mp } = plan;
  const m = f.mod;
  const i32 = f.b.i32;
  const ah = Mh.alpha;
  const aw = Mw.alpha;
  const pts = ah * aw;
  const tpi = th * tw;
  const nvPanel = PW / 4;
  const frameStride = round16(hf * wf * cin * 4);
  const [base, s0, nb, img, q, qEnd, bv, p1, p2, p3, p4, p5, dp] = range(13).map(() => f.local(i32));
  const at = (off: number): X => m.i32.add(f.get(base), f.i32(off));
  const out: X[] = [
    f.set(base, align16(f, f.get(P("ws")))),
    f.set(qEnd, m.select(f.get(P("hi")), f.get(P("hi")), f.i32(panels))),
    ...zeroBytes(f, at(plan.at.U), pts * Up),
    ...zeroBytes(f, at(plan.at.frames), frameStride * plan.images),
    ...zeroBytes(f, at(plan.at.V), pts * Vp),
  ];

  // x's images into their frames; V[p][a][t] = (Bᵀ d B)[p] (4 channels per vector, stored lane by lane).
  const fg = { h, w, cin, pt, pl, wf, frameStride, th, tw };
  const copyIn = framesIn(f, fg, f.get(P("x")), (off) => at(plan.at.frames + off), s0, nb, img);
  const inputVec = (lanes: number): X[] => [
    ...sandwich(
      f,
      "d",
      Mh.BT,
      Mw.BT,
      ah,
      aw,
      (i, j) => loadPartial(f, f.get(p1), (i * wf + j) * cin * 4, lanes),
      (x, y, v) => range(lanes).map((l) => m.f32.store((x * aw + y) * Vp + l * TB * 4, 4, f.get(p2), m.f32x4.extract_lane(f.get(v), l))),
    ),
    f.addI(p1, 16),
    f.addI(p2, 4 * TB * 4),
  ];
  // p3: the tile's window in the frame; p4: its column t of V.
  const inputs = inputTransform(f, fg, at(plan.at.frames), at(plan.at.V), 4, inputVec, { nb, img, p1, p2, p3, p4, p5 });

  // dM[p][panel][t] = (A dY Aᵀ)[p] of the tile's rows × cols pixels of dy (the rest 0).
  // p1: the tile's first pixel of dy; p2: its row t of dM's first panel; bv: the vector of filters.
  const A_h = transpose(Mh.AT);
  const A_w = transpose(Mw.AT);
  const zero = (): X => m.v128.const(ZERO16);
  const dyVec = (lanes: number, rows: number, cols: number): X[] => [
    f.set(
      dp,
      m.i32.add(
        f.get(p2),
        m.i32.add(
          m.i32.mul(m.i32.div_u(f.get(bv), f.i32(nvPanel)), f.i32(TB * PW * 4)),
          m.i32.mul(m.i32.rem_u(f.get(bv), f.i32(nvPanel)), f.i32(16)),
        ),
      ),
    ),
    ...sandwich(
      f,
      "g",
      A_h,
      A_w,
      2,
      2,
      (i, j) => (i < rows && j < cols ? loadPartial(f, f.get(p1), (i * ow + j) * cout * 4, lanes) : zero()),
      (x, y, v) => [m.v128.store((x * aw + y) * Mp, 4, f.get(dp), f.get(v))],
    ),
    f.addI(p1, 16),
    f.addI(bv, 1),
  ];
  const dyTile = (rows: number, cols: number): X[] => [
    f.set(p1, f.get(p3)),
    f.set(bv, f.i32(0)),
    ...repeat(f, Math.floor(cout / 4), dyVec(4, rows, cols)),
    ...(cout % 4 > 0 ? dyVec(cout % 4, rows, cols) : []),
    f.addI(p3, 2 * cout * 4),
    f.addI(p2, PW * 4),
  ];
  const dyRow = (rows: number): X[] => [
    f.set(p3, f.get(p5)),
    ...repeat(f, Math.floor(ow / 2), dyTile(rows, 2)),
    ...(ow % 2 > 0 ? dyTile(rows, 1) : []),
    f.addI(p5, 2 * ow * cout * 4),
  ];
  const dys: X[] = [
    f.set(img, f.i32(0)),
    f.set(p2, at(plan.at.M)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(img), f.get(nb)),
      [
        f.set(p5, m.i32.add(f.get(P("dy")), m.i32.mul(m.i32.add(f.get(s0), f.get(img)), f.i32(oh * ow * cout * 4)))),
        ...repeat(f, Math.floor(oh / 2), dyRow(2)),
        ...(oh % 2 > 0 ? dyRow(1) : []),
        f.addI(img, 1),
      ],
    ),
    // A short last block: dM's missing rows t ∈ [nb·tpi, TB) are 0 in every point and panel (p2 is at row nb·tpi).
    f.set(p1, f.get(p2)),
    f.set(img, m.i32.mul(f.get(nb), f.i32(tpi))),
    f.whileLoop(
      () => m.i32.lt_s(f.get(img), f.i32(TB)),
      [
        f.countedLoop(pts, [
          f.set(dp, f.get(p1)),
          ...repeat(f, panels, [...range(nvPanel).map((v) => m.v128.store(16 * v, 4, f.get(dp), zero())), f.addI(dp, TB * PW * 4)]),
          f.addI(p1, Mp),
        ]),
        f.set(p1, m.i32.sub(f.get(p1), f.i32(pts * Mp))),
        f.addI(p1, PW * 4),
        f.addI(img, 1),
      ],
    ),
  ];

  // dU[p] += V[p] · dM[p] for the panels q ∈ [lo, hi): rows a in tiles of MR (x: V's rows, k: dM's panel, out: dU's panel).
  const tileSpec = { ...spec, c: TB, sh: 1, sw: 1, filters: PW, activation: undefined, unroll: undefined };
  const dims = [{ count: TB, strides: [4, PW * 4] }];
  const [xp, kp, op] = [p1, p2, p3];
  const panelGemm = (width: number): X[] => [
    f.set(xp, f.get(p4)),
    f.set(kp, m.i32.add(f.get(p5), m.i32.mul(f.get(q), f.i32(TB * PW * 4)))),
    f.set(op, m.i32.add(f.get(dp), m.i32.mul(f.get(q), f.i32(cin * PW * 4)))),
    ...repeat(f, Math.floor(cin / MR), [
      ...forwardTile(f, tileSpec, { xp, kp, op, bp: null }, MR, width, dims, { first: false, last: true }),
      f.addI(xp, MR * TB * 4),
      f.addI(op, MR * PW * 4),
    ]),
    ...(cin % MR > 0 ? forwardTile(f, tileSpec, { xp, kp, op, bp: null }, cin % MR, width, dims, { first: false, last: true }) : []),
  ];
  const tailWidth = cout % PW;
  const byWidth = (body: (width: number) => X[]): X =>
    tailWidth > 0
      ? m.if(m.i32.eq(f.get(q), f.i32(panels - 1)), m.block(null, body(tailWidth)), m.block(null, body(PW)))
      : m.block(null, body(PW));
  const gemms: X[] = [
    f.set(p4, at(plan.at.V)),
    f.set(p5, at(plan.at.M)),
    f.set(dp, at(plan.at.U)),
    f.countedLoop(pts, [
      f.set(q, f.get(P("lo"))),
      f.whileLoop(() => m.i32.lt_s(f.get(q), f.get(qEnd)), [byWidth(panelGemm), f.addI(q, 1)]),
      f.addI(p4, Vp),
      f.addI(p5, Mp),
      f.addI(dp, Up),
    ]),
  ];

  out.push(...imageBlocks(f, () => f.get(P("n")), plan.images, s0, nb, [...copyIn, ...inputs, ...dys, ...gemms]));

  // dk[i][j][a][b] (+)= (Gᵀ dU G)[i][j] for the panels' filters: p1 dU's row a of panel q, p2 dk's (a, first filter of q).
  const GT_h = transpose(Mh.G);
  const GT_w = transpose(Mw.G);
  const finalVec = (lanes: number): X[] => [
    ...sandwich(
      f,
      "u",
      GT_h,
      GT_w,
      ah,
      aw,
      (x, y) => m.v128.load((x * aw + y) * Up, 4, f.get(p1)),
      (i, j, v) => {
        const off = (i * kw + j) * cin * cout * 4;
        const val = spec.accumulate ? m.f32x4.add(loadPartial(f, f.get(p2), off, lanes), f.get(v)) : f.get(v);
        return [f.set(v, val), ...storePartial(f, f.get(p2), off, lanes, f.get(v))];
      },
    ),
    f.addI(p1, 16),
    f.addI(p2, 16),
  ];
  const finalPanel = (width: number): X[] => [
    f.set(p3, m.i32.add(at(plan.at.U), m.i32.mul(f.get(q), f.i32(cin * PW * 4)))),
    f.set(p4, m.i32.add(f.get(P("dk")), m.i32.mul(f.get(q), f.i32(PW * 4)))),
    f.countedLoop(cin, [
      f.set(p1, f.get(p3)),
      f.set(p2, f.get(p4)),
      ...range(Math.floor(width / 4)).flatMap(() => finalVec(4)),
      ...(width % 4 > 0 ? finalVec(width % 4) : []),
      f.addI(p3, PW * 4),
      f.addI(p4, cout * 4),
    ]),
  ];
  out.push(
    f.set(q, f.get(P("lo"))),
    f.whileLoop(() => m.i32.lt_s(f.get(q), f.get(qEnd)), [byWidth(finalPanel), f.addI(q, 1)]),
  );
  return out;
}
