// Static geometry of windowed ops (conv, pooling) from shapes and attrs, with `same`
// padding split as TensorFlow does (the extra row/column goes bottom/right).
import type { Attrs, Shape } from "../ir/ir.js";

export interface Window {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
}

function pad(size: number, out: number, window: number, stride: number): number {
  return Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2);
}

/** x [B, h, w, c] → y [B, oh, ow, ·] with a window [kh, kw] (attrs.kernel or attrs.pool). */
export function windowOf(x: Shape, y: Shape, attrs: Attrs): Window {
  const [, h, w, c] = x as number[];
  const [, oh, ow] = y as number[];
  const [kh, kw] = (attrs.kernel ?? attrs.pool) as number[];
  const [sh, sw] = attrs.strides as number[];
  const same = attrs.padding === "same";
  return { h, w, c, oh, ow, kh, kw, sh, sw, pt: same ? pad(h, oh, kh, sh) : 0, pl: same ? pad(w, ow, kw, sw) : 0 };
}

/** Row-major element strides of `s`, aligned right to an output of `rank` dims; 0 where s broadcasts. */
export function alignedStrides(s: Shape, full: Shape): number[] {
  const offset = full.length - s.length;
  const strides = new Array<number>(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= s[i] === "B" ? 1 : (s[i] as number); // B is only ever dim 0: its stride is never used past it
  }
  return full.map((d, i) => {
    const j = i - offset;
    if (j < 0) return 0;
    return s[j] === d && !(s[j] === 1 && d !== 1) ? strides[j] : 0;
  });
}

/** Per dim of xs, the stride into the reduction of xs over `axes` (null: all): 0 on reduced dims, row-major over the kept ones. */
export function reductionStrides(axes: readonly number[] | null, xs: Shape): number[] {
  const reduced = new Set((axes ?? xs.map((_, i) => i)).map((a) => (a < 0 ? a + xs.length : a)));
  const kept = xs.map((d, i) => (reduced.has(i) ? 1 : d));
  return alignedStrides(kept, xs).map((s, i) => (reduced.has(i) ? 0 : s));
}
