// The gradients of conv2d for the WebAssembly backend (binaryen builder API, f32x4
// SIMD128): the kernel gradient (with the bias gradient in the same pass) and the input
// gradient, on register tiles as conv.ts describes.
import type { BinaryenApi } from "./binaryen.js";
import type { Window } from "../../emit/geometry.js";
import { ZERO16, loadPartial, storePartial, type Fn, type Mod, type X } from "./fn.js";
import { blockedFramesBytes, gradInputBlocked, gradInputBlocking, type GradInputBlocking } from "./conv-grad-blocked.js";
import { dkPanelsBytes, dkPanelsCopy, usesDkPanels } from "./conv-grad-dk.js";
import { pooledDyCode, pooledDyParams, pooledDyScratchBytes, type PooledDy } from "./conv-grad-pooled.js";
import { winogradGradKernelBody, winogradGradKernelPlan, winogradGradKernelScratchBytes } from "./conv-winograd-grad.js";
import { winogradBody, winogradGradInputPlan, winogradScratchBytes, type WinogradOption } from "./conv-winograd.js";
import {
  align16,
  checkTile,
  checkWindow,
  copyRows,
  defaultTile,
  finish,
  frameOf,
  lanesOf,
  mac,
  nest,
  params,
  range,
  repeat,
  shared,
  slack,
  UNROLL,
  ws,
  zeroBytes,
} from "./conv-kit.js";

// ---------------------------------------------------------------------------------------
// Specs, parameters and scratch

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
  /** Sum dk in 64-byte aligned panels in scratch (conv-grad-dk.ts; default: when dk exceeds L2). */
  readonly dkPanels?: boolean;
  /** In the Winograd domain (conv-winograd-grad.ts) with this blocking (default: by its rule; false: never). */
  readonly winograd?: WinogradOption;
  /** Units of taps × filters for `lo, hi` (conv2dGradKernelTaps; default: with one channel; false: panels). */
  readonly taps?: false;
  /** dy from the pooled gradient of a relu → max-pool with this window (conv-grad-pooled.ts: by taps only). */
  readonly pooled?: PooledDy;
  /** With `pooled`: also dbias[f] = Σ dy[·, f] in sum_rows' order. */
  readonly dbias?: boolean;
}

export interface Conv2dGradInputSpec extends Window {
  readonly name: string;
  readonly filters: number;
  /** dx starts from bias[ch] at every pixel instead of 0 (conv2d_transpose's bias: dx is its output). */
  readonly bias?: boolean;
  /** Register tile [output pixels, vectors of 4 (j, ch) entries]. */
  readonly tile?: readonly [number, number];
  /** Reduction steps (filters) unrolled per loop iteration (tuning). */
  readonly unroll?: number;
  /** Multiply-add with f32x4.relaxed_madd (the module variant built with `relaxed`). */
  readonly relaxed?: boolean;
  /** Images interleaved per block (conv-grad-blocked.ts; default: when kT exceeds L2; false: never). */
  readonly blocking?: GradInputBlocking | false;
  /** Winograd F(2×2) (conv-winograd.ts) with this blocking (default: by its rule; false: never). */
  readonly winograd?: WinogradOption;
}

/**
 * The kernel gradient's parameters. The last two, `lo, hi`, are a range of its filter panels
 * (conv2dGradKernelPanels): threads share a call by panels (runtime/threads); hi = 0 (a call
 * without them) computes every panel.
 */
export function conv2dGradKernelParams(spec: Conv2dGradKernelSpec): string[] {
  if (spec.pooled) return pooledDyParams(spec);
  return ["n", "x", "dy", "dk", ...(spec.bias ? ["dbias"] : []), ...ws(conv2dGradKernelScratchBytes(spec)), "lo", "hi"];
}
/** Filters per panel of the kernel gradient: its register tile's vectors of 4 (each panel a pass over dy's block). */
export function conv2dGradKernelPanelWidth(spec: Pick<Conv2dGradKernelSpec, "filters" | "tile">): number {
  const [, t1] = spec.tile ?? defaultTile(spec.filters);
  return Math.min(t1, Math.ceil(spec.filters / 4)) * 4;
}
/** The kernel gradient's panels of filters (the units of its `lo, hi`): each element of dk and dbias lies in one. */
export function conv2dGradKernelPanels(spec: Pick<Conv2dGradKernelSpec, "filters" | "tile">): number {
  return Math.ceil(spec.filters / conv2dGradKernelPanelWidth(spec));
}

/**
 * A one-channel kernel gradient (no bias, dk's rows laid out statically) is shared by taps: its
 * units are the panels' register tiles (a tile of taps × a panel of filters), tile-major (unit u:
 * taps tile ⌊u / panels⌋, panel u mod panels), so each thread computes some taps of every filter.
 * (By panels of filters, each thread read every patch of x and dy's lines for half the filters,
 * and the two panels took about what the whole call does.) Every element of dk is summed in the
 * same order as by panels. Undefined: the call is shared by panels.
 */
export function conv2dGradKernelTaps(spec: Conv2dGradKernelSpec): TapsPlan | undefined {
  const K = spec.kh * spec.kw * spec.c;
  if (
    spec.taps === false ||
    spec.c !== 1 ||
    spec.bias ||
    winogradGradKernelPlan(spec) ||
    K > STATIC_ROWS ||
    usesDkPanels(spec, loopsOverRows(spec))
  )
    return undefined;
  const PW = conv2dGradKernelPanelWidth(spec);
  const MR = Math.max(1, Math.min((spec.tile ?? defaultTile(spec.filters))[0], Math.floor(16 / Math.ceil(PW / 4)))); // rowTiles' rows per tile
  const tiles = Math.ceil(K / MR);
  const size = Math.ceil(K / tiles);
  const taps = range(tiles).map((t) => range(K).slice(t * size, (t + 1) * size));
  return { tiles: taps, width: PW, panels: Math.ceil(spec.filters / PW), ...(spec.pooled ? { panelMajor: true as const } : {}) };
}
/**
 * Tiles of taps × panels of filters. With dy from a pool (conv-grad-pooled.ts) the units are
 * panel-major (unit u: panel ⌊u / tiles⌋, tile u mod tiles): a thread then writes dy's block only
 * for the panels it has, and two threads each half of it.
 */
export interface TapsPlan {
  readonly tiles: number[][];
  readonly width: number;
  readonly panels: number;
  readonly panelMajor?: true;
}
/** Unit u's tile of taps and panel of filters. */
export function tapUnit(plan: TapsPlan, u: number): { tile: number; panel: number } {
  const [n, major] = plan.panelMajor ? [plan.tiles.length, "panel"] : [plan.panels, "tile"];
  const [hi, lo] = [Math.floor(u / n), u % n];
  return major === "panel" ? { panel: hi, tile: lo } : { tile: hi, panel: lo };
}
/** The unit of a tile of taps and a panel of filters. */
export const unitOfTap = (plan: TapsPlan, tile: number, panel: number): number =>
  plan.panelMajor ? panel * plan.tiles.length + tile : tile * plan.panels + panel;
/** The units of the kernel gradient's `lo, hi`: its tiles of taps × panels (conv2dGradKernelTaps), else its panels of filters. */
export function conv2dGradKernelUnits(spec: Conv2dGradKernelSpec): number {
  const taps = conv2dGradKernelTaps(spec);
  return taps ? taps.tiles.length * taps.panels : conv2dGradKernelPanels(spec);
}
export function conv2dGradInputParams(spec: Conv2dGradInputSpec): string[] {
  return ["n", "dy", "k", "dx", ...(spec.bias ? ["bias"] : []), ...ws(conv2dGradInputScratchBytes(spec))];
}

/** Scratch bytes (independent of the batch rows; `maxRows` is accepted for uniformity). */
export function conv2dGradKernelScratchBytes(spec: Conv2dGradKernelSpec, _maxRows?: number): number {
  const wino = winogradGradKernelPlan(spec);
  if (wino) return winogradGradKernelScratchBytes(wino);
  if (spec.pooled) return pooledDyScratchBytes(spec, blockRowsOf(spec));
  const panels = usesDkPanels(spec, loopsOverRows(spec)) ? dkPanelsBytes(spec, conv2dGradKernelPanelWidth(spec)) + 16 : 0;
  return slack(frameOf(spec).bytes) + panels;
}
/** Bytes of the transposed kernel kT the input gradient reads (rows of kw·c floats, padded to 4). */
export function packedKernelBytes(spec: Conv2dGradInputSpec): number {
  return spec.kh * spec.filters * Math.ceil((spec.kw * spec.c) / 4) * 16;
}
export function conv2dGradInputScratchBytes(spec: Conv2dGradInputSpec, _maxRows?: number): number {
  const wino = winogradGradInputPlan(spec);
  if (wino) return winogradScratchBytes(wino);
  const blocking = gradInputBlocking(spec);
  return slack(packedKernelBytes(spec) + (blocking ? blockedFramesBytes(spec, blocking) : frameOf(spec).bytes));
}

// ---------------------------------------------------------------------------------------
// conv2d kernel gradient (and bias gradient)

/** Rows of dk (plus the bias row) up to which tiles are laid out statically. */
const STATIC_ROWS = 48;
/** Output rows per reduction block (dy's block ≈ 16 KiB). */
const blockRowsOf = (spec: Conv2dGradKernelSpec): number =>
  Math.max(1, Math.min(spec.oh, spec.blockRows ?? Math.floor(16384 / (spec.ow * spec.filters * 4))));
/** Whether the tiles loop over kernel rows (more rows than STATIC_ROWS). */
const loopsOverRows = (spec: Conv2dGradKernelSpec): boolean => spec.kh * spec.kw * spec.c + (spec.bias ? 1 : 0) > STATIC_ROWS;

/** Adds the export `spec.name`: dk[i, j, c, f] (+)= Σ x[…] · dy[n, oy, ox, f]; dbias[f] (+)= Σ dy[…, f]. */
export function addConv2dGradKernel(b: BinaryenApi, mod: Mod, spec: Conv2dGradKernelSpec): void {
  const { name, c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const fl = spec.filters;
  checkWindow(name, spec, { filters: fl });
  checkTile(name, spec.tile);
  const fr = frameOf(spec);
  const names = conv2dGradKernelParams(spec);
  const { f, P } = params(b, mod, names);
  const wino = winogradGradKernelPlan(spec);
  if (wino) return finish(b, mod, name, names, f, winogradGradKernelBody(f, spec, wino, P));
  const m = mod;
  const [i32, v128] = [b.i32, b.v128];
  const K = kh * kw * c;
  const R = K + (spec.bias ? 1 : 0);
  const [t0] = spec.tile ?? defaultTile(fl);
  const PW = conv2dGradKernelPanelWidth(spec);
  const RB = blockRowsOf(spec);
  // dk summed in aligned panels in scratch (conv-grad-dk.ts): the tiles' rows of dk are PW floats apart there.
  const panelsOn = usesDkPanels(spec, loopsOverRows(spec));
  const dkS = panelsOn ? PW * 4 : fl * 4;
  const dkP = f.local(i32);

  const [s, xs, xImg, dyImg, xb, dyb, pOff, dy0, dkp, dbp, xi, dki, frame, rb, rem, pj, phi, pEnd] = range(18).map(() => f.local(i32));

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
    const out: X[] = [
      f.set(dy0, m.i32.add(f.get(dyb), f.get(pOff))),
      f.set(dkp, panelsOn ? m.i32.add(f.get(dkP), m.i32.mul(f.get(pj), f.i32(K * PW * 4))) : m.i32.add(f.get(P("dk")), f.get(pOff))),
    ];
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
      const mk = (k: number): Row[] => range(k).map((q) => ({ x: q * 4, dk: q * dkS }));
      const xt = f.local(i32);
      const dkt = f.local(i32);
      out.push(
        f.set(xi, f.get(xb)),
        f.set(dki, f.get(dkp)),
        ...repeat(f, kh, [
          f.set(xt, f.get(xi)),
          f.set(dkt, f.get(dki)),
          ...repeat(f, Math.floor(kwc / MR), [...tile(mk(MR), width, xt, dkt), f.addI(xt, MR * 4), f.addI(dkt, MR * dkS)]),
          ...(kwc % MR > 0 ? tile(mk(kwc % MR), width, xt, dkt) : []),
          f.addI(xi, fr.wf * c * 4),
          f.addI(dki, kwc * dkS),
        ]),
      );
      if (spec.bias) out.push(...tile(["bias"], width, xb, dkp));
    }
    return out;
  };

  // The panels [lo, hi) of filters (hi = 0: all), the full ones then the tail panel when the
  // range reaches it: every element of dk and dbias is summed in the same order whichever
  // range computes it.
  const full = Math.floor(fl / PW);
  // One channel: the units [lo, hi) of taps × filters instead (conv2dGradKernelTaps), each a tile.
  const taps = conv2dGradKernelTaps(spec);
  const tapUnits = taps ? range(taps.tiles.length * taps.panels) : [];
  const unitOf = (u: number): { rows: number[]; col: number; width: number } => {
    const { tile: t, panel: p } = tapUnit(taps!, u);
    return {
      rows: taps!.tiles[t],
      col: p * taps!.width * 4,
      width: Math.min(taps!.width, fl - p * taps!.width),
    };
  };
  const inRange = (u: number): X => m.i32.and(m.i32.le_s(f.get(P("lo")), f.i32(u)), m.i32.gt_s(f.get(phi), f.i32(u)));
  const tapRow = (r: number): Row => ({ x: (Math.floor(r / (kw * c)) * fr.wf * c + (r % (kw * c))) * 4, dk: r * fl * 4 });
  const block: X[] = taps
    ? tapUnits.map((u) => {
        const { rows, col, width } = unitOf(u);
        const at = [f.set(dy0, m.i32.add(f.get(dyb), f.i32(col))), f.set(dkp, m.i32.add(f.get(P("dk")), f.i32(col)))];
        return m.if(inRange(u), m.block(null, [...at, ...tile(rows.map(tapRow), width, xb, dkp)]));
      })
    : [
        f.set(pOff, m.i32.mul(f.get(P("lo")), f.i32(PW * 4))),
        f.set(pj, f.get(P("lo"))),
        ...(full > 0
          ? [f.whileLoop(() => m.i32.lt_s(f.get(pj), f.get(pEnd)), [...rowTiles(PW), f.addI(pOff, PW * 4), f.addI(pj, 1)])]
          : []),
        ...(fl % PW > 0 ? [m.if(m.i32.gt_s(f.get(phi), f.i32(full)), m.block(null, rowTiles(fl % PW)))] : []),
      ];

  const body: X[] = [
    f.set(phi, m.select(f.get(P("hi")), f.get(P("hi")), f.i32(taps ? tapUnits.length : Math.ceil(fl / PW)))),
    f.set(pEnd, m.select(m.i32.lt_s(f.get(phi), f.i32(full)), f.get(phi), f.i32(full))),
  ];
  // dy from the pooled gradient, block by block into scratch (conv-grad-pooled.ts).
  if (spec.pooled && !taps) throw new Error(`${name}: dy from a pool only for a kernel gradient by taps`);
  const pooled = spec.pooled && taps ? pooledDyCode(f, spec, P, { rb, dyb, inRange, plan: taps }) : undefined;
  if (!spec.accumulate) {
    // dk's (and dbias's) columns of the range [PW·lo, min(PW·hi, filters)), row by row.
    const [c0, c1, zr, zp, ze] = range(5).map(() => f.local(i32));
    const zeroRows = (base: X, rows: number): X[] => [
      f.set(zr, base),
      ...repeat(f, rows, [
        f.set(zp, m.i32.add(f.get(zr), f.get(c0))),
        f.set(ze, m.i32.add(f.get(zr), f.get(c1))),
        f.whileLoop(
          () => m.i32.le_s(m.i32.add(f.get(zp), f.i32(16)), f.get(ze)),
          [m.v128.store(0, 4, f.get(zp), m.v128.const(ZERO16)), f.addI(zp, 16)],
        ),
        f.whileLoop(() => m.i32.lt_s(f.get(zp), f.get(ze)), [m.f32.store(0, 4, f.get(zp), m.f32.const(0)), f.addI(zp, 4)]),
        f.addI(zr, fl * 4),
      ]),
    ];
    body.push(
      f.set(c0, m.i32.mul(f.get(P("lo")), f.i32(PW * 4))),
      f.set(c1, m.i32.mul(m.select(m.i32.lt_s(f.get(pEnd), f.get(phi)), f.i32(fl), m.i32.mul(f.get(phi), f.i32(PW))), f.i32(4))),
      ...(panelsOn || taps ? [] : zeroRows(f.get(P("dk")), K)),
    );
    for (const u of tapUnits) {
      const { rows, col, width } = unitOf(u);
      const zero = rows.flatMap((r) =>
        range(Math.ceil(width / 4)).flatMap((v) =>
          storePartial(f, f.get(P("dk")), r * fl * 4 + col + 16 * v, lanesOf(width, v), m.v128.const(ZERO16)),
        ),
      );
      body.push(m.if(inRange(u), m.block(null, zero)));
    }
    if (spec.bias) body.push(...zeroRows(f.get(P("dbias")), 1));
  }
  if (!fr.direct) body.push(f.set(frame, align16(f, f.get(P("ws")))), ...zeroBytes(f, f.get(frame), fr.bytes));
  const panelsAt = { dk: P("dk"), panels: dkP, lo: P("lo"), hi: phi };
  if (panelsOn)
    body.push(
      f.set(dkP, m.i32.and(m.i32.add(f.get(P("ws")), f.i32(16 + fr.bytes + 63)), f.i32(~63))),
      ...dkPanelsCopy(f, spec, PW, panelsAt, spec.accumulate ? "in" : "zero"),
    );
  body.push(
    ...(pooled?.start ?? []),
    f.set(s, f.i32(0)),
    f.set(xs, f.get(P("x"))),
    pooled ? m.nop() : f.set(dyImg, f.get(P("dy"))),
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
        ...(pooled ? pooled.image : [f.set(dyb, f.get(dyImg))]),
        f.set(rem, f.i32(oh)),
        ...repeat(f, Math.ceil(oh / RB), [
          f.set(rb, m.select(m.i32.lt_s(f.get(rem), f.i32(RB)), f.get(rem), f.i32(RB))),
          ...(pooled?.fill ?? []),
          ...block,
          ...(pooled?.bias ?? []),
          f.addI(xb, RB * sh * fr.wf * c * 4),
          f.addI(dyb, RB * ow * fl * 4),
          f.addI(rem, -RB),
        ]),
        f.addI(xs, h * w * c * 4),
        ...(pooled ? pooled.nextImage : [f.addI(dyImg, oh * ow * fl * 4)]),
        f.addI(s, 1),
      ],
    ),
  );
  if (panelsOn) body.push(...dkPanelsCopy(f, spec, PW, panelsAt, "out"));
  finish(b, mod, name, names, f, body);
}

// ---------------------------------------------------------------------------------------
// conv2d input gradient

/**
 * One register tile of the input gradient: px output pixels × `width` consecutive (j, ch)
 * entries of one kernel row, reduced over the filters (dy at `dyp` broadcast, kT at `kTp`)
 * and added into the target at `tp`, pixel by pixel in order (neighbouring windows overlap).
 * `kStride`: floats from one filter's entries to the next (kT's rows: ⌈kw·c / 4⌉·4; conv-grad-blocked.ts's panels: fewer).
 */
export function gradInputTile(
  f: Fn,
  spec: Conv2dGradInputSpec,
  at: { dyp: number; kTp: number; tp: number },
  px: number,
  width: number,
  kStride = Math.ceil((spec.kw * spec.c) / 4) * 4,
): X[] {
  const m = f.mod;
  const v128 = f.b.v128;
  const { dyp, kTp, tp } = at;
  const fl = spec.filters;
  const { c, sw } = spec;
  const nv = Math.ceil(width / 4);
  const acc = range(px).map((q) => range(nv).map((v) => shared(f, `acc${q}.${v}`, v128)));
  const kv = range(nv).map((v) => shared(f, `kv${v}`, v128));
  const sv = shared(f, "sv", v128);
  const tmp = shared(f, "tmp", v128);
  const out: X[] = acc.flat().map((a) => f.set(a, m.v128.const(ZERO16)));
  out.push(
    ...nest(f, [dyp, kTp], [{ count: fl, strides: [4, kStride * 4] }], spec.unroll ?? UNROLL, (ptr, offs) => {
      const st: X[] = [];
      for (let v = 0; v < nv; v++) st.push(f.set(kv[v], m.v128.load(offs[1] + 16 * v, 4, f.get(ptr[1]))));
      for (let q = 0; q < px; q++) {
        st.push(f.set(sv, m.v128.load32_splat(offs[0] + q * fl * 4, 4, f.get(ptr[0]))));
        for (let v = 0; v < nv; v++) st.push(mac(f, acc[q][v], f.get(sv), f.get(kv[v]), spec.relaxed));
      }
      return st;
    }),
  );
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
}

/** kT[i][q][jc] = k[i][jc][q] at local `kT`, rows of kw·c floats zero padded to a multiple of 4. */
export function packKernelT(f: Fn, spec: Conv2dGradInputSpec, k: number, kT: number): X[] {
  const m = f.mod;
  const fl = spec.filters;
  const kwc = spec.kw * spec.c;
  const L4 = Math.ceil(kwc / 4) * 4;
  const [kp2, tp2] = [f.local(f.b.i32), f.local(f.b.i32)];
  return [
    ...zeroBytes(f, f.get(kT), packedKernelBytes(spec)),
    f.set(kp2, f.get(k)),
    f.set(tp2, f.get(kT)),
    ...nest(
      f,
      [kp2, tp2],
      [
        { count: spec.kh, strides: [kwc * fl * 4, fl * L4 * 4] },
        { count: fl, strides: [4, L4 * 4] },
        { count: kwc, strides: [fl * 4, 4] },
      ],
      16,
      (ptr, offs) => [m.f32.store(offs[1], 4, f.get(ptr[1]), m.f32.load(offs[0], 4, f.get(ptr[0])))],
    ),
  ];
}

/**
 * Adds the export `spec.name`: dx = the transpose of conv2d applied to dy (+ bias[ch]). It is
 * also conv2d_transpose's forward pass: there dy is the layer's input and dx its output.
 */
export function addConv2dGradInput(b: BinaryenApi, mod: Mod, spec: Conv2dGradInputSpec): void {
  const { name, c, h, w, oh, ow, kh, kw, sh, sw, pt, pl } = spec;
  const fl = spec.filters;
  checkWindow(name, spec, { filters: fl });
  checkTile(name, spec.tile);
  const fr = frameOf(spec);
  const names = conv2dGradInputParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const i32 = b.i32;
  const kwc = kw * c;
  const L4 = Math.ceil(kwc / 4) * 4; // floats per packed (i, f) row
  const [t0, t1] = spec.tile ?? (kwc >= 8 ? [4, 2] : [6, 1]);
  const MR = Math.min(t0, ow);
  const NV = Math.min(t1, L4 / 4);
  const PW = NV * 4;
  const wino = winogradGradInputPlan(spec);
  if (wino)
    return finish(b, mod, name, names, f, winogradBody(f, wino, P, { src: "dy", dst: "dx", bias: !!spec.bias, relaxed: spec.relaxed }));
  const [kT, frame, s, dxImg, dyImg, tgt, tr, dyr, ti, kTi, tp, kTp, dyp, pOff] = range(14).map(() => f.local(i32));
  const body: X[] = [f.set(kT, align16(f, f.get(P("ws"))))];
  const blocking = gradInputBlocking(spec); // packs the kernel its own way
  if (blocking) return finish(b, mod, name, names, f, [...body, ...gradInputBlocked(f, spec, blocking, P, kT)]);
  body.push(...packKernelT(f, spec, P("k"), kT));
  if (!fr.direct) body.push(f.set(frame, m.i32.add(f.get(kT), f.i32(packedKernelBytes(spec)))));

  const tile = (px: number, width: number): X[] => gradInputTile(f, spec, { dyp, kTp, tp }, px, width);

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
        ...(spec.bias
          ? copyRows(f, f.get(P("bias")), f.get(tgt), fr.direct ? h * w : fr.hf * fr.wf, c * 4, 0, c * 4)
          : zeroBytes(f, f.get(tgt), fr.direct ? h * w * c * 4 : fr.bytes)),
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
