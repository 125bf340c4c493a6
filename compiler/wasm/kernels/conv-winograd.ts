// Winograd convolutions F(2×2, kh×kw) for stride-1 convolutions (conv.ts's `conv2d` and
// conv-grad.ts's `conv2dGradInput`, which is conv2d_transpose's forward, when
// `winogradPlan` chooses it): the same outputs as the direct kernels with fewer
// multiply-adds (F(2×2, 5×5): 36 per 2×2 outputs and channel pair against 100), in other bits.
//
// The output is cut into 2×2 tiles; tile (ty, tx) reads the α_h × α_w window (α = 2 + k − 1) of
// the zero-padded frame of its image from row 2·ty, column 2·tx. With the matrices of
// winograd-matrices.ts per axis,
//
//   U[p] = (G g Gᵀ)[p]        [cin × cout] per transform point p (α_h·α_w of them), once per call
//   V[p] = (Bᵀ d B)[p]        [tiles × cin] for a block of images, 4 channels per vector
//   M[p] = V[p] · U[p]        one GEMM per point, on conv.ts's register tiles (forwardTile)
//   y    = Aᵀ M A (+ bias, relu)   the tile's 2×2 outputs; those past the output's edge are dropped
//
// U is stored panel by panel (cin rows of PW filters, as conv-blocked.ts packs its kernel), so a
// panel (16 KiB at 256 channels) stays in L1 while every tile of the block passes over it. The
// input gradient of a stride-1 convolution is a stride-1 convolution of dy with the kernel
// flipped and its channels swapped (padding kh − 1 − pt): the kernel is first copied that way
// into scratch, then transformed as the forward's. Each image's outputs depend on that image
// alone, so threads that split a call by images compute the same bits as one thread.
import type { Window } from "../../emit/geometry.js";
import { ZERO16, loadPartial, storePartial, type Fn, type X } from "./fn.js";
import { align16, copyRows, defaultTile, range, repeat, round16, shared, zeroBytes } from "./conv-kit.js";
import { forwardTile } from "./conv.js";
import { winogradMatrices, type WinogradMatrices } from "./winograd-matrices.js";

/** How the Winograd path runs: images per block (their transformed inputs and products in scratch). */
export interface WinogradBlocking {
  readonly images: number;
  /** The GEMMs' register tile [tiles, filter vectors of 4] (default: conv.ts's for the filters). */
  readonly tile?: readonly [number, number];
}

/** A spec's `winograd`: the blocking (forced where the convolution qualifies), false: never; absent: by `winogradPlan`'s rule. */
export type WinogradOption = WinogradBlocking | false;

/**
 * Channels (in and out) from which a stride-1 convolution takes the Winograd path. On speed alone
 * it would be 8 (scripts/conv-dcgan-bench.mjs and docs/benchmarks.md "Winograd convolutions":
 * 1.3–2.4× from 8 channels up, 1.17× at 4). But the transforms lose precision on inputs with a
 * large mean (an activation's): on dcgan_small's transposed convolution (7×7, 64 → 32 channels,
 * batch 64) max |err| is 6.8e-6 of the output's standard deviation against 1.0e-6 direct, which
 * took its 3-step PyTorch parity (tests/pytorch/parity-vision.test.ts) from 2.5e-4 to 2.9e-3
 * against a tolerance of 1e-3. 64 keeps the small examples (dcgan_small, conv_autoencoder and the
 * ResNet's 32-channel blocks) on the direct kernels; the DCGAN's 7×7 layer (128, 256) and the
 * ResNet's 64-channel blocks take it.
 */
export const WINOGRAD_MIN_CHANNELS = 64;
/** The block's transformed inputs and products stay within about this many bytes (L2). */
const BLOCK_BYTES = 1024 * 1024;

/** A stride-1 convolution as the kernel computes it: input h × w × cin, output oh × ow × cout. */
export interface WinogradGeom {
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly oh: number;
  readonly ow: number;
  readonly cout: number;
  readonly kh: number;
  readonly kw: number;
  readonly pt: number;
  readonly pl: number;
  /** k is [kh, kw, cout, cin], flipped (an input gradient's), instead of [kh, kw, cin, cout]. */
  readonly transposed: boolean;
}

export interface WinogradPlan extends WinogradGeom {
  readonly images: number;
  readonly MR: number;
  readonly PW: number;
  readonly panels: number;
  readonly th: number;
  readonly tw: number;
  /** Tile rows of V and M per point (the block's tiles rounded up to MR). */
  readonly TB: number;
  readonly hf: number;
  readonly wf: number;
  readonly Mh: WinogradMatrices;
  readonly Mw: WinogradMatrices;
  /** Bytes from one transform point's U, V and M to the next's (skewed: see `skew`). */
  readonly Up: number;
  readonly Vp: number;
  readonly Mp: number;
  /** Byte offsets in the aligned scratch, and the total. */
  readonly at: {
    readonly U: number;
    readonly kF: number;
    readonly frames: number;
    readonly V: number;
    readonly M: number;
    readonly bytes: number;
  };
}

/** Whether the kernel shape has Winograd matrices here (F(2, r) for r up to 5 per axis, one of them ≥ 3). */
export const kernelFits = (kh: number, kw: number): boolean => kh >= 1 && kw >= 1 && kh <= 5 && kw <= 5 && Math.max(kh, kw) >= 3;

/**
 * A transform writes (and reads) one vector per point, α² streams a point's bytes apart: a
 * multiple of 4 KiB puts them all in one set of L1 (8 ways), which thrashed (the input transform
 * ran 3× slower). Rounded up to 64 bytes, then to an odd number of 64-byte lines.
 */
export function skew(bytes: number): number {
  const lines = Math.ceil(bytes / 64);
  return (lines % 2 === 0 ? lines + 1 : lines) * 64;
}

/** The tiling both Winograd plans share: the matrices per axis, the register tile and panels of cout, 2×2 tiles and the frame. */
export interface WinogradTiling {
  readonly Mh: WinogradMatrices;
  readonly Mw: WinogradMatrices;
  /** Transform points: α_h · α_w. */
  readonly pts: number;
  readonly MR: number;
  readonly PW: number;
  readonly panels: number;
  readonly th: number;
  readonly tw: number;
  readonly hf: number;
  readonly wf: number;
}

export function winogradTiling(
  g: Pick<WinogradGeom, "h" | "w" | "oh" | "ow" | "cout" | "kh" | "kw" | "pt" | "pl">,
  tile: readonly [number, number] | undefined,
): WinogradTiling {
  const Mh = winogradMatrices(2, g.kh);
  const Mw = winogradMatrices(2, g.kw);
  const [MR, t1] = tile ?? defaultTile(g.cout);
  const PW = Math.min(t1, Math.ceil(g.cout / 4)) * 4; // conv2dGradKernelPanelWidth's: the same units of lo, hi
  const th = Math.ceil(g.oh / 2);
  const tw = Math.ceil(g.ow / 2);
  const hf = Math.max(g.pt + g.h, 2 * th + g.kh - 1);
  const wf = Math.max(g.pl + g.w, 2 * tw + g.kw - 1);
  return { Mh, Mw, pts: Mh.alpha * Mw.alpha, MR, PW, panels: Math.ceil(g.cout / PW), th, tw, hf, wf };
}

/** Whether a convolution takes the Winograd path: stride 1, a kernel with matrices, and by default ≥ WINOGRAD_MIN_CHANNELS in and out. */
export function winogradQualifies(
  sh: number,
  sw: number,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
  option: WinogradOption | undefined,
): boolean {
  if (option === false || sh !== 1 || sw !== 1 || !kernelFits(kh, kw)) return false;
  return option !== undefined || (cin >= WINOGRAD_MIN_CHANNELS && cout >= WINOGRAD_MIN_CHANNELS);
}

function planOf(g: WinogradGeom, option: WinogradBlocking | undefined): WinogradPlan {
  const t = winogradTiling(g, option?.tile);
  const { pts, MR, PW, panels, th, tw, hf, wf, Mh, Mw } = t;
  const perImage = pts * th * tw * (g.cin + g.cout) * 4;
  const images = option?.images ?? Math.max(1, Math.floor(BLOCK_BYTES / perImage));
  const TB = Math.ceil((images * th * tw) / MR) * MR;
  const Up = skew(g.cin * panels * PW * 4);
  const Vp = skew(TB * g.cin * 4);
  const Mp = skew(TB * g.cout * 4);
  const U = 0;
  const kF = U + pts * Up;
  const frames = kF + (g.transposed ? round16(g.kh * g.kw * g.cin * g.cout * 4) : 0);
  const V = frames + images * round16(hf * wf * g.cin * 4);
  const M = V + pts * Vp;
  const bytes = M + pts * Mp;
  return { ...g, images, MR, PW, panels, th, tw, TB, hf, wf, Mh, Mw, Up, Vp, Mp, at: { U, kF, frames, V, M, bytes } };
}

function chosen(g: WinogradGeom, sh: number, sw: number, option: WinogradOption | undefined): WinogradPlan | undefined {
  return winogradQualifies(sh, sw, g.kh, g.kw, g.cin, g.cout, option) ? planOf(g, option || undefined) : undefined;
}

/** conv2d's Winograd plan, or undefined for the direct kernels. */
export function winogradPlan(spec: Window & { filters: number; winograd?: WinogradOption }): WinogradPlan | undefined {
  const { h, w, c, oh, ow, kh, kw, pt, pl } = spec;
  return chosen({ h, w, cin: c, oh, ow, cout: spec.filters, kh, kw, pt, pl, transposed: false }, spec.sh, spec.sw, spec.winograd);
}

/** conv2dGradInput's (dx from dy: a convolution of dy with the flipped kernel), or undefined. */
export function winogradGradInputPlan(spec: Window & { filters: number; winograd?: WinogradOption }): WinogradPlan | undefined {
  const { h, w, c, oh, ow, kh, kw, pt, pl } = spec;
  const g = { h: oh, w: ow, cin: spec.filters, oh: h, ow: w, cout: c, kh, kw, pt: kh - 1 - pt, pl: kw - 1 - pl, transposed: true };
  return chosen(g, spec.sh, spec.sw, spec.winograd);
}

/** Scratch bytes of a plan (with the 16 bytes of slack for aligning its start). */
export const winogradScratchBytes = (plan: WinogradPlan): number => plan.at.bytes + 16;

// ---------------------------------------------------------------------------------------
// Code

/** A v128 constant of four copies of c (f32). */
function splat(f: Fn, c: number): X {
  const bytes = new Uint8Array(new Float32Array([c, c, c, c]).buffer);
  return f.mod.v128.const(Array.from(bytes));
}

/** Σ coefs[k] · locals[k] (f32x4), zeros skipped, ±1 as adds and subtractions, in k's order. */
function combo(f: Fn, coefs: readonly number[], locals: readonly number[]): X {
  const m = f.mod.f32x4;
  let acc: X | null = null;
  coefs.forEach((c0, k) => {
    const c = Math.fround(c0);
    if (c === 0) return;
    const x = f.get(locals[k]);
    if (acc === null) acc = c === 1 ? x : c === -1 ? m.neg(x) : m.mul(x, splat(f, c));
    else acc = c === 1 ? m.add(acc, x) : c === -1 ? m.sub(acc, x) : m.add(acc, m.mul(x, splat(f, c)));
  });
  return acc ?? f.mod.v128.const(ZERO16);
}

/**
 * out[x][y] = Σ_i Σ_j L[x][i] · in[i][j] · R[y][j] for in's ni × nj vectors (loaded by `load(i, j)`),
 * separably (rows first); `store(x, y, local)` takes each result (a local) in order.
 */
export function sandwich(
  f: Fn,
  key: string,
  L: readonly (readonly number[])[],
  R: readonly (readonly number[])[],
  ni: number,
  nj: number,
  load: (i: number, j: number) => X,
  store: (x: number, y: number, v: number) => X[],
): X[] {
  const v128 = f.b.v128;
  const src = range(ni).map((i) => range(nj).map((j) => shared(f, `${key}in${i}.${j}`, v128)));
  const mid = range(L.length).map((x) => range(nj).map((j) => shared(f, `${key}mid${x}.${j}`, v128)));
  const res = shared(f, `${key}res`, v128);
  const out: X[] = [];
  for (let i = 0; i < ni; i++) for (let j = 0; j < nj; j++) out.push(f.set(src[i][j], load(i, j)));
  for (let x = 0; x < L.length; x++)
    for (let j = 0; j < nj; j++)
      out.push(
        f.set(
          mid[x][j],
          combo(
            f,
            L[x],
            range(ni).map((i) => src[i][j]),
          ),
        ),
      );
  for (let x = 0; x < L.length; x++) for (let y = 0; y < R.length; y++) out.push(f.set(res, combo(f, R[y], mid[x])), ...store(x, y, res));
  return out;
}

/**
 * The body of a Winograd convolution export: `P(name)` gives its parameters — n, the input
 * (`src`: x or dy), k, the output (`dst`: y or dx), bias if `bias`, ws. Returns the statements.
 */
/** The frames' geometry of a Winograd call: images h × w × cin into frames of hf × wf at (pt, pl). */
interface FrameGeom {
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly pt: number;
  readonly pl: number;
  readonly wf: number;
  readonly frameStride: number;
}

/** Copies images s0 + [0, nb) of `src` into their zero-padded frames at `frames` (img: a loop local). */
export function framesIn(f: Fn, g: FrameGeom, src: X, frames: (off: number) => X, s0: number, nb: number, img: number): X[] {
  const m = f.mod;
  const { h, w, cin, pt, pl, wf, frameStride } = g;
  return [
    f.set(img, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(img), f.get(nb)),
      [
        ...copyRows(
          f,
          m.i32.add(src, m.i32.mul(m.i32.add(f.get(s0), f.get(img)), f.i32(h * w * cin * 4))),
          m.i32.add(frames((pt * wf + pl) * cin * 4), m.i32.mul(f.get(img), f.i32(frameStride))),
          h,
          w * cin * 4,
          w * cin * 4,
          wf * cin * 4,
        ),
        f.addI(img, 1),
      ],
    ),
  ];
}

/**
 * The input transform's loops over the block's images and their th × tw tiles: for each tile p3 is
 * its window in the frame and p4 its place in V (advanced by `vStep` per tile); `vec(lanes)`
 * transforms one vector of channels from p1 into p2 (and advances them).
 */
export function inputTransform(
  f: Fn,
  g: FrameGeom & { th: number; tw: number },
  frames: X,
  V: X,
  vStep: number,
  vec: (lanes: number) => X[],
  loc: { nb: number; img: number; p1: number; p2: number; p3: number; p4: number; p5: number },
): X[] {
  const m = f.mod;
  const { cin, wf, frameStride, th, tw } = g;
  const { nb, img, p1, p2, p3, p4, p5 } = loc;
  const tile: X[] = [
    f.set(p1, f.get(p3)),
    f.set(p2, f.get(p4)),
    ...repeat(f, Math.floor(cin / 4), vec(4)),
    ...(cin % 4 > 0 ? vec(cin % 4) : []),
    f.addI(p3, 2 * cin * 4),
    f.addI(p4, vStep),
  ];
  return [
    f.set(img, f.i32(0)),
    f.set(p4, V),
    f.whileLoop(
      () => m.i32.lt_s(f.get(img), f.get(nb)),
      [
        f.set(p5, m.i32.add(frames, m.i32.mul(f.get(img), f.i32(frameStride)))),
        ...repeat(f, th, [f.set(p3, f.get(p5)), ...repeat(f, tw, tile), f.addI(p5, 2 * wf * cin * 4)]),
        f.addI(img, 1),
      ],
    ),
  ];
}

/** The call's images in blocks of `images`: s0 the block's first image, nb its count (the last block may be short). */
export function imageBlocks(f: Fn, n: () => X, images: number, s0: number, nb: number, body: X[]): X[] {
  const m = f.mod;
  return [
    f.set(s0, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(s0), n()),
      [
        f.set(nb, m.select(m.i32.lt_s(m.i32.sub(n(), f.get(s0)), f.i32(images)), m.i32.sub(n(), f.get(s0)), f.i32(images))),
        ...body,
        f.addI(s0, images),
      ],
    ),
  ];
}

export function winogradBody(
  f: Fn,
  plan: WinogradPlan,
  P: (name: string) => number,
  io: { src: string; dst: string; bias: boolean; activation?: "none" | "relu"; relaxed?: boolean },
): X[] {
  const { h, w, cin, oh, ow, cout, kh, kw, pt, pl, MR, PW, th, tw, hf, wf, Mh, Mw } = plan;
  const m = f.mod;
  const i32 = f.b.i32;
  const ah = Mh.alpha;
  const aw = Mw.alpha;
  const pts = ah * aw;
  const tpi = th * tw;
  const { Up, Vp, Mp } = plan;
  const frameStride = round16(hf * wf * cin * 4);
  const relu = (io.activation ?? "none") === "relu";
  const [base, s0, nb, img, a, bv, gp, dp, p1, p2, p3, p4, p5, cnt] = range(14).map(() => f.local(i32));
  const out: X[] = [f.set(base, align16(f, f.get(P("ws"))))];
  const at = (off: number): X => m.i32.add(f.get(base), f.i32(off));

  // 1. The kernel, flipped and transposed when it is an input gradient's, then U = G g Gᵀ per point.
  const kSrc = plan.transposed ? at(plan.at.kF) : f.get(P("k"));
  if (plan.transposed) {
    // kF[kh·kw − 1 − t][a][b] = k[t][b][a]: t runs over the kernel's taps, b over its cout (= this cin's … swapped).
    out.push(
      f.set(p1, f.get(P("k"))),
      f.set(p2, at(plan.at.kF + (kh * kw - 1) * cin * cout * 4)),
      f.countedLoop(kh * kw, [
        f.set(p3, f.get(p2)),
        f.countedLoop(cout, [
          f.set(p4, f.get(p3)),
          f.countedLoop(cin, [m.f32.store(0, 4, f.get(p4), m.f32.load(0, 4, f.get(p1))), f.addI(p1, 4), f.addI(p4, cout * 4)]),
          f.addI(p3, 4),
        ]),
        f.set(p2, m.i32.sub(f.get(p2), f.i32(cin * cout * 4))),
      ]),
    );
  }
  const nvPanel = PW / 4;
  const kernelVec = (lanes: number): X[] => [
    // dp: U's row a of the panel of vector bv, at that vector's lanes.
    f.set(
      dp,
      m.i32.add(
        m.i32.add(f.get(base), f.i32(plan.at.U)),
        m.i32.add(
          m.i32.mul(f.get(a), f.i32(PW * 4)),
          m.i32.add(
            m.i32.mul(m.i32.div_u(f.get(bv), f.i32(nvPanel)), f.i32(cin * PW * 4)),
            m.i32.mul(m.i32.rem_u(f.get(bv), f.i32(nvPanel)), f.i32(16)),
          ),
        ),
      ),
    ),
    ...sandwich(
      f,
      "k",
      Mh.G,
      Mw.G,
      kh,
      kw,
      (i, j) => loadPartial(f, f.get(gp), (i * kw + j) * cin * cout * 4, lanes),
      (x, y, v) => [m.v128.store((x * aw + y) * Up, 4, f.get(dp), f.get(v))],
    ),
    f.addI(gp, 16),
    f.addI(bv, 1),
  ];
  out.push(
    f.set(gp, kSrc),
    f.set(a, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_u(f.get(a), f.i32(cin)),
      [
        f.set(bv, f.i32(0)),
        ...repeat(f, Math.floor(cout / 4), kernelVec(4)),
        ...(cout % 4 > 0 ? kernelVec(cout % 4) : []),
        f.set(gp, m.i32.sub(f.get(gp), f.i32(Math.ceil(cout / 4) * 16))),
        f.addI(gp, cout * 4),
        f.addI(a, 1),
      ],
    ),
  );

  // 2. Per block of images: frames, V = Bᵀ d B, M = V · U per point, y = Aᵀ M A.
  out.push(...zeroBytes(f, at(plan.at.frames), frameStride * plan.images));
  const fg = { h, w, cin, pt, pl, wf, frameStride, th, tw };
  const copyIn = framesIn(f, fg, f.get(P(io.src)), (off) => at(plan.at.frames + off), s0, nb, img);

  // Input transform: p1 the tile's window in the frame, p2 its row of V (both at the channel vector).
  const inputVec = (lanes: number): X[] => [
    ...sandwich(
      f,
      "d",
      Mh.BT,
      Mw.BT,
      ah,
      aw,
      (i, j) => loadPartial(f, f.get(p1), (i * wf + j) * cin * 4, lanes),
      (x, y, v) => storePartial(f, f.get(p2), (x * aw + y) * Vp, lanes, f.get(v)),
    ),
    f.addI(p1, 16),
    f.addI(p2, 16),
  ];
  const inputs = inputTransform(f, fg, at(plan.at.frames), at(plan.at.V), cin * 4, inputVec, { nb, img, p1, p2, p3, p4, p5 });

  // The GEMMs: per point, per panel of U, every group of MR tiles of the block (cnt groups).
  const tileSpec = { ...plan, c: cin, sh: 1, sw: 1, filters: cout, relaxed: io.relaxed, activation: undefined };
  const dims = [{ count: cin, strides: [4, PW * 4] }];
  const [xp, kp, op] = [p1, p2, p3];
  const panel = (q: number, width: number): X[] => [
    f.set(xp, f.get(p4)),
    f.set(kp, m.i32.add(f.get(p5), f.i32(q * cin * PW * 4))),
    f.set(op, m.i32.add(f.get(gp), f.i32(q * PW * 4))),
    f.set(img, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(img), f.get(cnt)),
      [
        ...forwardTile(f, tileSpec, { xp, kp, op, bp: null }, MR, width, dims, { first: true, last: true }),
        f.addI(xp, MR * cin * 4),
        f.addI(op, MR * cout * 4),
        f.addI(img, 1),
      ],
    ),
  ];
  const fullPanels = Math.floor(cout / PW);
  const gemms: X[] = [
    f.set(cnt, m.i32.div_u(m.i32.add(m.i32.mul(f.get(nb), f.i32(tpi)), f.i32(MR - 1)), f.i32(MR))),
    f.set(p4, at(plan.at.V)),
    f.set(p5, at(plan.at.U)),
    f.set(gp, at(plan.at.M)),
    f.countedLoop(pts, [
      ...range(fullPanels).flatMap((q) => panel(q, PW)),
      ...(cout % PW > 0 ? panel(fullPanels, cout % PW) : []),
      f.addI(p4, Vp),
      f.addI(p5, Up),
      f.addI(gp, Mp),
    ]),
  ];

  // Output transform: p1 the tile's row of M, p2 its first output pixel (both at the channel vector), p3 the bias.
  const outputVec = (lanes: number, rows: number, cols: number): X[] => {
    const bv4 = shared(f, "bias", f.b.v128);
    const st: X[] = io.bias ? [f.set(bv4, loadPartial(f, f.get(p3), 0, lanes))] : [];
    st.push(
      ...sandwich(
        f,
        "m",
        Mh.AT.slice(0, rows),
        Mw.AT.slice(0, cols),
        ah,
        aw,
        (i, j) => loadPartial(f, f.get(p1), (i * aw + j) * Mp, lanes),
        (x, y, v) => {
          let val = f.get(v);
          if (io.bias) val = m.f32x4.add(val, f.get(bv4));
          if (relu) val = m.f32x4.pmax(m.v128.const(ZERO16), val);
          return [f.set(v, val), ...storePartial(f, f.get(p2), (x * ow + y) * cout * 4, lanes, f.get(v))];
        },
      ),
      f.addI(p1, 16),
      f.addI(p2, 16),
      ...(io.bias ? [f.addI(p3, 16)] : []),
    );
    return st;
  };
  const outputTile = (rows: number, cols: number): X[] => [
    f.set(p1, f.get(p4)),
    f.set(p2, f.get(gp)),
    ...(io.bias ? [f.set(p3, f.get(P("bias")))] : []),
    ...repeat(f, Math.floor(cout / 4), outputVec(4, rows, cols)),
    ...(cout % 4 > 0 ? outputVec(cout % 4, rows, cols) : []),
    f.addI(p4, cout * 4),
    f.addI(gp, 2 * cout * 4),
  ];
  const outputRow = (rows: number): X[] => [
    f.set(gp, f.get(p5)),
    ...repeat(f, Math.floor(ow / 2), outputTile(rows, 2)),
    ...(ow % 2 > 0 ? outputTile(rows, 1) : []),
    f.addI(p5, 2 * ow * cout * 4),
  ];
  const outputs: X[] = [
    f.set(img, f.i32(0)),
    f.set(p4, at(plan.at.M)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(img), f.get(nb)),
      [
        f.set(p5, m.i32.add(f.get(P(io.dst)), m.i32.mul(m.i32.add(f.get(s0), f.get(img)), f.i32(oh * ow * cout * 4)))),
        ...repeat(f, Math.floor(oh / 2), outputRow(2)),
        ...(oh % 2 > 0 ? outputRow(1) : []),
        f.addI(img, 1),
      ],
    ),
  ];

  out.push(...imageBlocks(f, () => f.get(P("n")), plan.images, s0, nb, [...copyIn, ...inputs, ...gemms, ...outputs]));
  return out;
}
