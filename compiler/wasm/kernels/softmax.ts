// Softmax and its gradient for the WebAssembly backend (binaryen builder API, f32x4 SIMD128)
// over [outer, len, inner] with static len and inner. Calling convention and numerics: as
// elementwise.ts describes.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, type Mod, type X } from "./fn.js";
import { expV, splatF } from "./math.js";
import {
  addKernel,
  checkName,
  countOf,
  demote2,
  flatLoop,
  hReduce,
  hsum64,
  laneMask,
  loadStream,
  nParam,
  promoteHi,
  promoteLo,
  repeat,
  storeStream,
  type Stream,
} from "./loops.js";

// ---------------------------------------------------------------------------------------
// Softmax over [outer, len, inner]

export interface SoftmaxSpec {
  readonly name: string;
  /** outer = outerPerRow · n when batched, else outerPerRow. */
  readonly outerPerRow: number;
  readonly batched: boolean;
  /** The softmax axis's length. */
  readonly len: number;
  /** Elements after the axis (1: along the last axis). */
  readonly inner: number;
}

export function softmaxParams(spec: SoftmaxSpec): string[] {
  return [...nParam(spec.batched), "y", "x"];
}

export function softmaxGradParams(spec: SoftmaxSpec): string[] {
  return [...nParam(spec.batched), "dx", "dy", "y"];
}

function checkSoftmax(spec: SoftmaxSpec): void {
  checkName(spec.name);
  for (const k of ["outerPerRow", "len", "inner"] as const) {
    if (!(Number.isInteger(spec[k]) && spec[k] >= (k === "outerPerRow" ? 0 : 1)))
      throw new Error(`${spec.name}: ${k} must be a positive integer`);
  }
}

/**
 * Per softmax group (a row when inner = 1, else a block of ≤ 4 adjacent inner positions
 * read with stride inner): `passes(ptrs, lanes, vec, count, stepBytes)`; with inner = 1 the
 * vectors run along the axis (masked tails), otherwise each lane is its own group.
 */
function softmaxNest(
  f: Fn,
  spec: SoftmaxSpec,
  n: (() => X) | null,
  bufs: number[],
  group: (ptrs: number[], along: boolean, lanes: number) => X[],
): X {
  const m = f.mod;
  const { len, inner } = spec;
  const outer = countOf(f, { perRow: spec.outerPerRow, batched: spec.batched }, n ?? (() => f.i32(0)));
  const rows = bufs.map(() => f.local(f.b.i32));
  const init = rows.map((r, k) => f.set(r, f.get(bufs[k])));
  if (inner === 1) return m.block(null, [...init, repeat(f, outer, [...group(rows, true, 4), ...rows.map((r) => f.addI(r, len * 4))])]);
  const blocks: X[] = [];
  const cols = rows.map(() => f.local(f.b.i32));
  const full = Math.floor(inner / 4);
  const tail = inner % 4;
  blocks.push(...cols.map((c, k) => f.set(c, f.get(rows[k]))));
  if (full > 0) blocks.push(repeat(f, full, [...group(cols, false, 4), ...cols.map((c) => f.addI(c, 16))]));
  if (tail > 0) blocks.push(...group(cols, false, tail));
  return m.block(null, [...init, repeat(f, outer, [...blocks, ...rows.map((r) => f.addI(r, len * inner * 4))])]);
}

/**
 * A pass over one softmax group: `body(vectors…)` per step, vectors loaded from `reads`
 * (indices into ptrs); along = true: `len` elements contiguous with masked tails (the
 * body gets lanes); otherwise `len` steps of stride inner, `lanes` lanes each.
 */
function groupPass(
  f: Fn,
  spec: SoftmaxSpec,
  ptrs: number[],
  along: boolean,
  lanes: number,
  body: (lanesNow: number, elem: number, streams: Stream[]) => X[],
): X {
  const m = f.mod;
  const work = ptrs.map(() => f.local(f.b.i32));
  const init = work.map((w, k) => f.set(w, f.get(ptrs[k])));
  if (along) {
    const streams = work.map((ptr) => ({ ptr, step: 4 }));
    return m.block(null, [...init, flatLoop(f, spec.len, streams, (l, e) => body(l, e, streams), { unrollUpTo: 16 })]);
  }
  const streams = work.map((ptr) => ({ ptr, step: 4 }));
  return m.block(null, [...init, repeat(f, spec.len, [...body(lanes, 0, streams), ...work.map((w) => f.addI(w, spec.inner * 4))])]);
}

/** softmax of runtime/kernels/elementwise.ts: max, Σ exp(x − max), scale by 1/Σ. */
export function addSoftmax(b: BinaryenApi, mod: Mod, spec: SoftmaxSpec): void {
  checkSoftmax(spec);
  const m = mod;
  addKernel(
    b,
    mod,
    spec.name,
    softmaxParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = spec.batched ? () => f.get(p("n")) : null;
      const mx = f.local(b.v128);
      const sum = f.local(b.v128);
      const e = f.local(b.v128);
      const group = (ptrs: number[], along: boolean, lanes: number): X[] => {
        const [y, x] = ptrs;
        const negInf = (l: number, v: X): X => (along && l < 4 ? m.v128.bitselect(v, splatF(f, -Infinity), laneMask(f, l)) : v);
        // pmax (one instruction) skips a NaN, but the NaN's exp makes Σ and so the whole group
        // NaN, as the reference's NaN max does.
        const out: X[] = [
          f.set(mx, splatF(f, -Infinity)),
          groupPass(f, spec, [x], along, lanes, (l, el, [sx]) => [f.set(mx, m.f32x4.pmax(f.get(mx), negInf(l, loadStream(f, sx, l, el))))]),
        ];
        if (along)
          out.push(
            f.set(
              mx,
              hReduce(f, f.get(mx), (a, c) => m.f32x4.pmax(a, c)),
            ),
          );
        out.push(
          f.set(sum, m.v128.const(ZERO16)),
          groupPass(f, spec, [x, y], along, lanes, (l, el, [sx, sy]) => [
            f.set(e, expV(f, m.f32x4.sub(loadStream(f, sx, l, el), f.get(mx)))),
            ...storeStream(f, sy, l, el, e),
            f.set(sum, m.f32x4.add(f.get(sum), along && l < 4 ? m.v128.and(f.get(e), laneMask(f, l)) : f.get(e))),
          ]),
        );
        if (along)
          out.push(
            f.set(
              sum,
              hReduce(f, f.get(sum), (a, c) => m.f32x4.add(a, c)),
            ),
          );
        out.push(
          f.set(sum, m.f32x4.div(splatF(f, 1), f.get(sum))),
          groupPass(f, spec, [y], along, lanes, (l, el, [sy]) => [
            f.set(e, m.f32x4.mul(loadStream(f, sy, l, el), f.get(sum))),
            ...storeStream(f, sy, l, el, e),
          ]),
        );
        return out;
      };
      return [softmaxNest(f, spec, n, [p("y"), p("x")], group)];
    },
  );
}

/**
 * softmaxGrad of runtime/kernels/elementwise.ts: dx = y · (dy − Σ dy·y) along the axis,
 * in f64 as the reference (the products, their sum and y·(dy − dot) before rounding):
 * dy − dot cancels where dy is nearly constant along the axis.
 */
export function addSoftmaxGrad(b: BinaryenApi, mod: Mod, spec: SoftmaxSpec): void {
  checkSoftmax(spec);
  const m = mod;
  addKernel(
    b,
    mod,
    spec.name,
    softmaxGradParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = spec.batched ? () => f.get(p("n")) : null;
      const dlo = f.local(b.v128);
      const dhi = f.local(b.v128);
      const vy = f.local(b.v128);
      const vdy = f.local(b.v128);
      const r = f.local(b.v128);
      const group = (ptrs: number[], along: boolean, lanes: number): X[] => {
        const [dx, dy, y] = ptrs;
        const out: X[] = [
          f.set(dlo, m.v128.const(ZERO16)),
          f.set(dhi, m.v128.const(ZERO16)),
          groupPass(f, spec, [dy, y], along, lanes, (l, el, [sdy, sy]) => [
            f.set(vdy, loadStream(f, sdy, l, el)),
            f.set(vy, loadStream(f, sy, l, el)),
            f.set(dlo, m.f64x2.add(f.get(dlo), m.f64x2.mul(promoteLo(f, vdy), promoteLo(f, vy)))),
            ...(l > 2 || !along ? [f.set(dhi, m.f64x2.add(f.get(dhi), m.f64x2.mul(promoteHi(f, vdy), promoteHi(f, vy))))] : []),
          ]),
        ];
        if (along) out.push(f.set(dlo, hsum64(f, m.f64x2.add(f.get(dlo), f.get(dhi)))), f.set(dhi, f.get(dlo)));
        out.push(
          groupPass(f, spec, [dx, dy, y], along, lanes, (l, el, [sdx, sdy, sy]) => [
            f.set(vy, loadStream(f, sy, l, el)),
            f.set(vdy, loadStream(f, sdy, l, el)),
            f.set(
              r,
              demote2(
                f,
                m.f64x2.mul(promoteLo(f, vy), m.f64x2.sub(promoteLo(f, vdy), f.get(dlo))),
                m.f64x2.mul(promoteHi(f, vy), m.f64x2.sub(promoteHi(f, vdy), f.get(dhi))),
              ),
            ),
            ...storeStream(f, sdx, l, el, r),
          ]),
        );
        return out;
      };
      return [softmaxNest(f, spec, n, [p("dx"), p("dy"), p("y")], group)];
    },
  );
}
