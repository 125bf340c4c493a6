// Helpers of TypeScript emit rules: element counts, hoisted index tables and geometry
// constants, and the calls of the reference kernels (runtime/kernels) shared by several ops.
import type { Shape } from "../../ir/ir.js";
import type { EmitCtx, EmitRule } from "../op.js";
import { sameShape } from "./shape.js";
import { alignedStrides, reductionStrides, windowOf } from "../../emit/geometry.js";

export const shape = (c: EmitCtx<unknown>, id: number): Shape => c.value(id).shape;
/** An expression for the product of dims (B → n). */
export function countExpr(dims: Shape): string {
  const fixed = dims.reduce((a: number, d) => (d === "B" ? a : a * d), 1);
  const symbolic = dims.includes("B");
  if (!symbolic) return String(fixed);
  return fixed === 1 ? "n" : `n * ${fixed}`;
}
export const rows = (c: EmitCtx<unknown>, id: number): string => countExpr(shape(c, id).slice(0, -1));
export const last = (c: EmitCtx<unknown>, id: number): number => shape(c, id)[shape(c, id).length - 1] as number;
export const ins = (c: EmitCtx<unknown>) => c.eqn.inputs.map((id) => c.buf(id));
export const out = (c: EmitCtx<unknown>) => c.buf(c.eqn.outputs[0]);
export const opCode: Readonly<Record<string, string>> = { add: "K.ADD", sub: "K.SUB", mul: "K.MUL", div: "K.DIV" };

export const dimsLiteral = (s: Shape): string => `new Int32Array([${s.map((d) => (d === "B" ? 0 : d)).join(", ")}])`;

// Index tables are module constants named by their content, so one name means one table.
export const dimsConst = (c: EmitCtx<unknown>, s: Shape): string => c.hoist(`dims_${s.join("_")}`, `const NAME = ${dimsLiteral(s)};`);
export const stridesConst = (c: EmitCtx<unknown>, strides: readonly number[]): string =>
  c.hoist(`strides_${strides.join("_")}`, `const NAME = new Int32Array([${strides.join(", ")}]);`);
export const indexConst = (c: EmitCtx<unknown>, rank: number): string =>
  c.hoist(`index_${rank}`, `const NAME = new Int32Array(${rank}); // scratch multi-index`);

export function windowGeom(c: EmitCtx<unknown>, x: Shape, y: Shape, kind: "ConvGeom" | "PoolGeom"): string {
  const g = windowOf(x, y, c.eqn.attrs);
  const f = kind === "ConvGeom" ? (c.eqn.attrs.filters as number) : undefined;
  const fields =
    kind === "ConvGeom"
      ? `{ h: ${g.h}, w: ${g.w}, c: ${g.c}, oh: ${g.oh}, ow: ${g.ow}, f: ${f}, kh: ${g.kh}, kw: ${g.kw}, sh: ${g.sh}, sw: ${g.sw}, pt: ${g.pt}, pl: ${g.pl} }`
      : `{ h: ${g.h}, w: ${g.w}, c: ${g.c}, oh: ${g.oh}, ow: ${g.ow}, ph: ${g.kh}, pw: ${g.kw}, sh: ${g.sh}, sw: ${g.sw}, pt: ${g.pt}, pl: ${g.pl} }`;
  return c.hoist(`${c.eqn.origin?.split("/")[1] ?? c.eqn.op}_geom`, `const NAME: K.${kind} = ${fields};`);
}

/** softmax along `axis` as [outer, len, inner]. */
export function axisSplit(s: Shape, axis: number): [string, number, number] {
  const a = axis < 0 ? s.length + axis : axis;
  const inner = s.slice(a + 1).reduce((p: number, d) => p * (d as number), 1);
  return [countExpr(s.slice(0, a)), s[a] as number, inner];
}

/**
 * The index tables of a reduction over `axes` of a tensor of shape `xs` (the eqn's
 * attrs): its dims, and for each dim the stride into the reduced tensor (0 on reduced
 * dims, row-major over the kept ones). `reduce` sums with them; `spread` is its adjoint.
 */
export function reductionTables(c: EmitCtx<unknown>, xs: Shape): string {
  return `${dimsConst(c, xs)}, ${stridesConst(c, reductionStrides(c.eqn.attrs.axes as number[] | null, xs))}`;
}

export function reduceCall(c: EmitCtx<unknown>, x: number, y: number, scale: string): string {
  const xs = shape(c, x);
  return `K.reduce(${c.buf(y)}, ${c.buf(x)}, n, ${reductionTables(c, xs)}, ${c.size(y)}, ${scale}, ${indexConst(c, xs.length)});`;
}

export const unary =
  (fn: string, extra = ""): EmitRule<unknown> =>
  (c) =>
    `K.${fn}(${out(c)}, ${ins(c)[0]}, ${c.size(c.eqn.outputs[0])}${extra ? `, ${c.eqn.attrs[extra]}` : ""});`;
export const fromOutput =
  (fn: string, extra = ""): EmitRule<unknown> =>
  (c) =>
    `K.${fn}(${out(c)}, ${ins(c).join(", ")}, ${c.size(c.eqn.outputs[0])}${extra ? `, ${c.eqn.attrs[extra]}` : ""});`;

export const arithmetic: EmitRule<unknown> = (c) => {
  const [a, b] = c.eqn.inputs;
  const y = c.eqn.outputs[0];
  const ys = shape(c, y);
  if (sameShape(shape(c, a), ys) && sameShape(shape(c, b), ys))
    return `K.binary(${opCode[c.eqn.op]}, ${out(c)}, ${c.buf(a)}, ${c.buf(b)}, ${c.size(y)});`;
  const dims = dimsConst(c, ys);
  const sa = stridesConst(c, alignedStrides(shape(c, a), ys));
  const sb = stridesConst(c, alignedStrides(shape(c, b), ys));
  const idx = indexConst(c, ys.length);
  return `K.broadcastBinary(${opCode[c.eqn.op]}, ${out(c)}, ${c.buf(a)}, ${c.buf(b)}, n, ${dims}, ${sa}, ${sb}, ${idx});`;
};
