// Helpers of shape rules: formatting, rank checks, sliding windows, numpy broadcasting.
import type { Dim, Shape } from "../../ir/ir.js";
import { fail } from "../../diagnostics/diagnostic.js";
import type { ShapeCtx, ShapeRule } from "../op.js";

export const fmt = (s: Shape): string => `[${s.join(", ")}]`;
export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
/** A static dimension as a number (the batch `B` as NaN). */
export const num = (d: Dim): number => (d === "B" ? NaN : d);
/** Elements of a shape, `B` counted as 1 (the count per batch row). */
export const perRow = (s: Shape): number => s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);

/** Input `i` of rank `want`, or a DL3006 naming what the op expects. */
export function rank(c: ShapeCtx<unknown>, i: number, want: number, what: string, hint?: string): Shape {
  const s = c.inputs[i];
  if (s.length !== want) fail("DL3006", `\`${c.op}\` expects ${what} (rank ${want}), found ${fmt(s)}`, c.span, hint ? { hint } : {});
  return s;
}

/** Output size of a sliding window along one axis (Keras/TF semantics). */
export function windowOut(
  c: ShapeCtx<unknown>,
  size: number,
  window: number,
  stride: number,
  padding: string,
  axis: string,
  kind: string,
): number {
  if (padding === "same") return Math.ceil(size / stride);
  if (window > size) {
    fail("DL3005", `the ${kind} (${window} along ${axis}) is larger than its input (${size})`, c.span, {
      hint: `use a window of at most ${size}, or padding=same`,
    });
  }
  return Math.floor((size - window) / stride) + 1;
}

/** Output height and width of a 2-D window over a [B, h, w, c] input. */
export function spatial(
  c: ShapeCtx<unknown>,
  window: readonly [number, number],
  strides: readonly [number, number],
  padding: string,
  kind: string,
): [number, number] {
  const [, h, w] = c.inputs[0];
  if (h === "B" || w === "B") fail("DL3006", `\`${c.op}\` needs static height and width, found ${fmt(c.inputs[0])}`, c.span);
  return [windowOut(c, h, window[0], strides[0], padding, "height", kind), windowOut(c, w, window[1], strides[1], padding, "width", kind)];
}

/** Numpy broadcasting; `B` matches `B` or 1. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return undefined;
  }
  return out;
}

/** The output has the input's shape. */
export const same: ShapeRule<unknown> = (c) => ({ out: c.inputs[0] });
