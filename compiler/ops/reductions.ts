// Reductions: `sum` and `mean` over axes (keepdims as numpy), and the two ops of their
// gradients and of broadcasting: `sum_to` (a broadcast gradient summed back to an operand's
// shape; a bias gradient is its row-sum case) and `broadcast_to` (a reduction's gradient
// spread back over its input).
import { fail } from "../diagnostics/diagnostic.js";
import type { Shape } from "../ir/ir.js";
import { tensor } from "../lang/args.js";
import { primitive, trainOp, type CallSurface, type OpTable, type PrimitiveOp, type ShapeRule } from "./op.js";
import { fmt, sameShape } from "./kit/shape.js";
import { gate, none } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as RD from "../wasm/kernels/reductions.js";
import { alignedStrides, reductionStrides } from "../emit/geometry.js";
import { tuple } from "../emit/pytorch/rules.js";

export type Names = { primitive: "sum" | "mean"; composite: never; train: "sum_to" | "broadcast_to" };

export type ReduceAttrs = { readonly axes: readonly number[] | null; readonly keepdims: boolean };
export type SumToAttrs = { readonly shape: Shape };
export type BroadcastToAttrs = ReduceAttrs & { readonly mean: boolean };

const reduceShape: ShapeRule<ReduceAttrs> = (c) => {
  const x = c.inputs[0];
  const axes = c.attrs.axes ?? x.map((_, i) => i);
  const norm = axes.map((a) => {
    if (a < -x.length || a >= x.length) fail("DL3010", `axis ${a} is out of range for ${fmt(x)}`, c.span);
    return a < 0 ? a + x.length : a;
  });
  const keep = c.attrs.keepdims;
  return { out: x.flatMap((d, i) => (norm.includes(i) ? (keep ? [1] : []) : [d])) };
};

const reduction = (mean: boolean, keras: { type: string; base: string }): PrimitiveOp =>
  primitive<ReduceAttrs>({
    keras,
    shape: reduceShape,
    pytorch: (c) => {
      const rank = c.shape(c.eqn.inputs[0]).length;
      const axes = (c.attrs.axes ?? [...Array(rank).keys()]).map((a) => (a < 0 ? a + rank : a));
      return `${c.args[0]}.${mean ? "mean" : "sum"}(${tuple(axes)}, keepdim=${c.attrs.keepdims ? "True" : "False"})`;
    },
    vjp: (c) => gate(c, () => c.emit("broadcast_to", [c.dy], { ...c.eqn.attrs, mean }, c.value(c.eqn.inputs[0]).shape, c.eqn.inputs[0])),
    ts: mean
      ? (c) => {
          const x = c.eqn.inputs[0];
          return T.reduceCall(c, x, c.eqn.outputs[0], `${c.size(c.eqn.outputs[0])} / (${c.size(x)})`);
        }
      : (c) => T.reduceCall(c, c.eqn.inputs[0], c.eqn.outputs[0], "1"),
    wasm: W.reduceEw(mean),
  });

export const ops: OpTable<Names> = {
  sum: reduction(false, { type: "Sum", base: "sum" }),
  mean: reduction(true, { type: "Mean", base: "mean" }),
  sum_to: trainOp<SumToAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy] = c.eqn.inputs;
      const ds = T.shape(c, dy);
      const to = T.shape(c, c.eqn.outputs[0]);
      if (to.length <= ds.length && sameShape(ds.slice(ds.length - to.length), to) && !to.includes("B")) {
        return `K.sumRows(${T.out(c)}, ${c.buf(dy)}, ${T.countExpr(ds.slice(0, ds.length - to.length))}, ${T.countExpr(to)});`;
      }
      const strides = alignedStrides(to, ds);
      const dims = T.dimsConst(c, ds);
      const st = T.stridesConst(c, strides);
      const idx = T.indexConst(c, ds.length);
      return `K.reduce(${T.out(c)}, ${c.buf(dy)}, n, ${dims}, ${st}, ${c.size(c.eqn.outputs[0])}, 1, ${idx});`;
    },
    wasm: (c) => {
      const [dy] = c.eqn.inputs;
      const ds = W.shape(c, dy);
      const to = W.shape(c, c.eqn.outputs[0]);
      if (to.length <= ds.length && sameShape(ds.slice(ds.length - to.length), to) && !to.includes("B")) {
        const lead = ds.slice(0, ds.length - to.length);
        const spec = {
          rowsPerBatch: lead.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1),
          batched: lead.includes("B"),
          cols: to.reduce((a: number, d) => a * (d as number), 1),
        };
        return W.call(c, "sum_rows", spec, RD.addSumRows, RD.sumRowsParams, { out: W.out(c), dy: c.addr(dy) });
      }
      const spec = { dims: W.dims0(ds), outStrides: alignedStrides(to, ds) };
      return W.call(c, "sum_to", spec, RD.addReduce, RD.reduceParams, { y: W.out(c), x: c.addr(dy) });
    },
  }),
  broadcast_to: trainOp<BroadcastToAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy] = c.eqn.inputs;
      const y = c.eqn.outputs[0];
      const xs = T.shape(c, y);
      const scale = c.attrs.mean ? `${c.size(dy)} / (${c.size(y)})` : "1";
      return `K.spread(${T.out(c)}, ${c.buf(dy)}, n, ${T.reductionTables(c, xs)}, ${scale}, ${T.indexConst(c, xs.length)});`;
    },
    wasm: (c) => {
      const [dy] = c.eqn.inputs;
      const xs = W.shape(c, c.eqn.outputs[0]);
      const spec = {
        dims: W.dims0(xs),
        inStrides: reductionStrides(c.attrs.axes as number[] | null, xs),
        mean: c.attrs.mean || undefined,
      };
      return W.call(c, "spread", spec, RD.addSpread, RD.spreadParams, { y: W.out(c), dy: c.addr(dy) });
    },
  }),
};

const reductionSurface = (name: "sum" | "mean", doc: string): CallSurface => ({
  name,
  kind: "op",
  args: [
    tensor("x", "input"),
    { name: "axis", type: { t: "axes" }, default: null, doc: "axis or axes to reduce (default: all)" },
    { name: "keepdims", type: { t: "bool" }, default: false, doc: "keep reduced axes with size 1" },
  ],
  doc,
  lower: (c) => c.op(name, [c.tensor("x")], { axes: c.arg("axis"), keepdims: c.arg("keepdims") }),
});

export const surfaces: readonly CallSurface[] = [reductionSurface("sum", "sum over axes"), reductionSurface("mean", "mean over axes")];
