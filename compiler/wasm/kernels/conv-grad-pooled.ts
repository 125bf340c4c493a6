// The first layer's backward in one pass: a one-channel convolution's kernel gradient (and its
// bias gradient) whose dy is the gradient of a relu → max-pool after it, never stored.
//
// Unfused, three kernels run over dy = [B, oh, ow, filters]: the pool's gradient writes it from
// the pooled gradient dp, the forward's argmax and the pooled (relu) output yp (pool.ts,
// fromArgmax + reluMask); the kernel gradient reads it (conv-grad.ts, by tiles of taps ×
// filters); sum_rows sums its rows for the bias. Here conv-grad.ts's kernel gradient runs as it
// is, block of output rows by block, but each block of dy is first written into the calling
// thread's scratch (the columns of the panels its units need), with the very operations of
// the pool's gradient: dv = dp & (yp > 0), dy = dv & (argmax == tap) — a select, the same f32
// word. The register tiles then read the block from L1 in the same order as from dy (the same
// sums, the same bits), and the bias gradient adds the block's rows into dbias in row order,
// 0 + row 0 + row 1 + … per column: sum_rows' order (each panel of dbias by the thread that
// owns the panel's first tile of taps). With threads each thread writes the blocks it reads:
// dy is never written by one core and read by another.
//
// Only where the pool's windows tile the convolution's output exactly (stride = window, no
// padding, oh and ow multiples of the window): every element of dy is then one window's.
import type { Window } from "../../emit/geometry.js";
import { loadPartial, storePartial, ZERO16, type Fn, type X } from "./fn.js";
import { align16, frameOf, lanesOf, range, slack } from "./conv-kit.js";
import { unitOfTap, type Conv2dGradKernelSpec, type TapsPlan } from "./conv-grad.js";

/** The pool after the convolution: its window, strides equal to it, no padding. */
export interface PooledDy {
  readonly kh: number;
  readonly kw: number;
  /** Its strides: the window's (named in the kernel's name). */
  readonly sh: number;
  readonly sw: number;
}

const i32x4Const = (v: number): number[] => Array.from(new Uint8Array(new Int32Array([v, v, v, v]).buffer));

/** Whether a pool window `pool` over the convolution's output `conv` qualifies (the windows tile it exactly). */
export function poolTilesExactly(conv: Pick<Window, "oh" | "ow">, pool: Window): boolean {
  return (
    pool.sh === pool.kh &&
    pool.sw === pool.kw &&
    pool.pt === 0 &&
    pool.pl === 0 &&
    pool.h === conv.oh &&
    pool.w === conv.ow &&
    pool.oh * pool.kh === pool.h &&
    pool.ow * pool.kw === pool.w
  );
}

/** The fused kernel's parameters: dp, argmax and yp (the pooled gradient, argmax and relu output) in place of dy. */
export function pooledDyParams(spec: Conv2dGradKernelSpec): string[] {
  return ["n", "x", "dp", "argmax", "yp", "dk", ...(spec.dbias ? ["dbias"] : []), "ws", "lo", "hi"];
}

/** Scratch: the convolution's frame (if any), then one block of dy (blockRows rows of ow × filters), 16-byte aligned. */
export function pooledDyScratchBytes(spec: Conv2dGradKernelSpec, blockRows: number): number {
  return slack(frameOf(spec).bytes) + blockRows * spec.ow * spec.filters * 4 + 16;
}

export interface PooledDyLocals {
  /** The block's rows (run-time) and the local the tiles read dy's block from. */
  readonly rb: number;
  readonly dyb: number;
  /** Whether unit u is in the call's range. */
  readonly inRange: (u: number) => X;
  /** The units: tiles of taps × panels of filters (conv2dGradKernelTaps, panel-major). */
  readonly plan: TapsPlan;
}

/** The code conv-grad.ts splices in: before the images, at each image, before and after each block, after each image. */
export interface PooledDyCode {
  readonly start: X[];
  readonly image: X[];
  readonly fill: X[];
  readonly bias: X[];
  readonly nextImage: X[];
}

export function pooledDyCode(f: Fn, spec: Conv2dGradKernelSpec, P: (name: string) => number, at: PooledDyLocals): PooledDyCode {
  const pool = spec.pooled!;
  const m = f.mod;
  const [i32, v128] = [f.b.i32, f.b.v128];
  const fl = spec.filters;
  const { ow } = spec;
  const [owp, ohp] = [ow / pool.kw, spec.oh / pool.kh];
  const pooledBytes = ohp * owp * fl * 4;
  const [dyS, dpImg, amImg, ypImg, oy, wp, rowOff, pd, pa, py, cnt, rp] = range(12).map(() => f.local(i32));
  const { plan } = at;
  const need = range(plan.panels).map(() => f.local(i32));
  const owns = range(plan.panels).map(() => f.local(i32));
  const [tv, dv, av, tmp] = range(4).map(() => f.local(v128));
  const col = (p: number): { off: number; width: number } => ({
    off: p * plan.width * 4,
    width: Math.min(plan.width, fl - p * plan.width),
  });

  const start: X[] = [
    f.set(dyS, align16(f, m.i32.add(f.get(P("ws")), f.i32(slack(frameOf(spec).bytes))))),
    f.set(dpImg, f.get(P("dp"))),
    f.set(amImg, f.get(P("argmax"))),
    f.set(ypImg, f.get(P("yp"))),
  ];
  for (let p = 0; p < plan.panels; p++) {
    // A panel's columns of dy are needed by any of its tiles in range; its dbias columns belong to its first tile.
    const any = range(plan.tiles.length)
      .map((t) => at.inRange(unitOfTap(plan, t, p)))
      .reduce((a, b) => m.i32.or(a, b));
    start.push(f.set(need[p], any), f.set(owns[p], at.inRange(unitOfTap(plan, 0, p))));
    if (spec.dbias && !spec.accumulate) {
      const { off, width } = col(p);
      const zero = range(Math.ceil(width / 4)).flatMap((v) =>
        storePartial(f, f.get(P("dbias")), off + 16 * v, lanesOf(width, v), m.v128.const(ZERO16)),
      );
      start.push(m.if(f.get(owns[p]), m.block(null, zero)));
    }
  }

  // One row of dy (output row oy) at wp: each window's pooled gradient, masked where the pooled
  // value is not > 0, routed to the window's tap that its argmax names (pool.ts's maxGradArgmax).
  const panelRow = (p: number): X[] => {
    const { off, width } = col(p);
    const body: X[] = [];
    for (let v = 0; v < Math.ceil(width / 4); v++) {
      const lanes = lanesOf(width, v);
      const o = off + 16 * v;
      body.push(
        f.set(dv, m.v128.and(loadPartial(f, f.get(pd), o, lanes), m.f32x4.gt(loadPartial(f, f.get(py), o, lanes), m.v128.const(ZERO16)))),
        f.set(av, m.i32x4.sub(loadPartial(f, f.get(pa), o, lanes), f.get(tv))),
      );
      for (let j = 0; j < pool.kw; j++)
        body.push(
          f.set(tmp, m.v128.and(f.get(dv), m.i32x4.eq(f.get(av), m.v128.const(i32x4Const(j))))),
          ...storePartial(f, f.get(wp), j * fl * 4 + o, lanes, f.get(tmp)),
        );
    }
    const [pd0, pa0, py0, wp0] = [pd, pa, py, wp].map(() => f.local(i32));
    return [
      m.if(
        f.get(need[p]),
        m.block(null, [
          ...[pd0, pa0, py0, wp0].map((l, k) => f.set(l, f.get([pd, pa, py, wp][k]))),
          f.countedLoop(owp, [...body, f.addI(pd, fl * 4), f.addI(pa, fl * 4), f.addI(py, fl * 4), f.addI(wp, pool.kw * fl * 4)]),
          ...[pd, pa, py, wp].map((l, k) => f.set(l, f.get([pd0, pa0, py0, wp0][k]))),
        ]),
      ),
    ];
  };
  const fill: X[] = [
    f.set(at.dyb, f.get(dyS)),
    f.set(wp, f.get(dyS)),
    f.set(cnt, f.get(at.rb)),
    f.whileLoop(
      () => f.get(cnt),
      [
        f.set(rowOff, m.i32.mul(m.i32.div_u(f.get(oy), f.i32(pool.kh)), f.i32(owp * fl * 4))),
        f.set(tv, m.i32x4.splat(m.i32.mul(m.i32.rem_u(f.get(oy), f.i32(pool.kh)), f.i32(pool.kw)))),
        f.set(pd, m.i32.add(f.get(dpImg), f.get(rowOff))),
        f.set(pa, m.i32.add(f.get(amImg), f.get(rowOff))),
        f.set(py, m.i32.add(f.get(ypImg), f.get(rowOff))),
        ...range(plan.panels).flatMap(panelRow),
        f.addI(wp, ow * fl * 4),
        f.addI(oy, 1),
        f.set(cnt, m.i32.sub(f.get(cnt), f.i32(1))),
      ],
    ),
  ];

  // dbias += the block's rows in order (per column: sum_rows' 0 + row 0 + row 1 + …), panel by panel.
  const bias: X[] = [];
  if (spec.dbias) {
    for (let p = 0; p < plan.panels; p++) {
      const { off, width } = col(p);
      const nv = Math.ceil(width / 4);
      const acc = range(nv).map(() => f.local(v128));
      bias.push(
        m.if(
          f.get(owns[p]),
          m.block(null, [
            ...acc.map((a, v) => f.set(a, loadPartial(f, f.get(P("dbias")), off + 16 * v, lanesOf(width, v)))),
            f.set(rp, f.get(dyS)),
            f.set(cnt, m.i32.mul(f.get(at.rb), f.i32(ow))),
            f.whileLoop(
              () => f.get(cnt),
              [
                ...acc.map((a, v) => f.set(a, m.f32x4.add(f.get(a), loadPartial(f, f.get(rp), off + 16 * v, lanesOf(width, v))))),
                f.addI(rp, fl * 4),
                f.set(cnt, m.i32.sub(f.get(cnt), f.i32(1))),
              ],
            ),
            ...acc.flatMap((a, v) => storePartial(f, f.get(P("dbias")), off + 16 * v, lanesOf(width, v), f.get(a))),
          ]),
        ),
      );
    }
  }
  return {
    start,
    image: [f.set(oy, f.i32(0))],
    fill,
    bias,
    nextImage: [f.addI(dpImg, pooledBytes), f.addI(amImg, pooledBytes), f.addI(ypImg, pooledBytes)],
  };
}
