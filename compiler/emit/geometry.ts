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
