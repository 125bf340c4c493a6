// Batched matrix products: `a @ b` where b has leading axes ([B, h, t, d] @ [B, h, d, t]),
// numpy's matmul: the last two axes of each operand are its matrices, the leading axes
// broadcast (sizes of 1 or missing axes repeat). The `matmul` op (dense.ts) takes this form
// when b's rank is 3 or more; its gradients are the train ops here,
//
//   da = batch_matmul_nt(dy, b)   dy · bᵀ per index (summed over the axes a broadcasts along)
//   db = batch_matmul_tn(a, dy)   aᵀ · dy per index (likewise for b)
//
// all three one loop over the leading axes around a GEMM micro-kernel (wasm/kernels/batch-gemm.ts;
// the reference kernel is runtime/kernels/attention.ts `batchGemm`).
import type { Dim, Shape } from "../ir/ir.js";
import { fail } from "../diagnostics/diagnostic.js";
import { trainOp, type EmitCtx, type OpTable, type ShapeCtx, type ShapeResult, type VjpRule, type WasmCtx } from "./op.js";
import { broadcast, fmt } from "./kit/shape.js";
import { gate, none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { addBatchGemm, batchGemmParams, batchGemmScratchBytes, type BatchGemmSpec } from "../wasm/kernels/batch-gemm.js";
import type { GemmKind } from "../wasm/kernels/gemm.js";

export type Names = { primitive: never; composite: never; train: "batch_matmul_nt" | "batch_matmul_tn" };

/** Whether `a @ b` is a batched product (b has leading axes). */
export const isBatched = (b: Shape): boolean => b.length >= 3;

/** numpy matmul's output shape for a batched product; the mistakes as located DL3004s. */
export function batchedShape(c: ShapeCtx<unknown>): ShapeResult {
  const [a, b] = c.inputs;
  if (a.length < 2)
    fail("DL3004", `a batched \`@\` needs matrices [..., m, k] on the left, found ${fmt(a)}`, c.span, {
      hint: "the right operand has leading axes, so the left one needs at least a matrix",
    });
  const [m, k] = a.slice(-2);
  const [k2, n] = b.slice(-2);
  if (m === "B" || k === "B" || k2 === "B" || n === "B")
    fail("DL3004", `\`@\` of ${fmt(a)} and ${fmt(b)} would use the batch B as a matrix axis`, c.span, {
      hint: "the batch must be a leading axis of both operands",
    });
  if (k !== k2)
    fail("DL3004", `cannot multiply ${fmt(a)} by ${fmt(b)}: inner sizes ${k} and ${k2} differ`, c.span, {
      hint: "in a @ b the last size of a must equal the size of b before its last",
    });
  const lead = broadcast(a.slice(0, -2), b.slice(0, -2));
  if (!lead || lead.slice(1).includes("B"))
    fail("DL3004", `the leading axes of ${fmt(a)} and ${fmt(b)} do not broadcast`, c.span, {
      hint: "leading axes must be equal or 1, aligned from the right, with the batch B first in both",
    });
  return { out: [...lead, m, n] };
}

/** The loop nest of a batched product C = op(A, B) (runtime/kernels/attention.ts BatchGemmGeom). */
export interface BatchGeom {
  readonly kind: GemmKind;
  readonly dims: number[];
  readonly a: number[];
  readonly b: number[];
  readonly c: number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly zero: boolean;
  readonly cSize: number;
  readonly cBatched: boolean;
}

const num = (d: Dim): number => d as number;

export function geometry(kind: GemmKind, as: Shape, bs: Shape, cs: Shape): BatchGeom {
  const leads = [as, bs, cs].map((s) => s.slice(0, -2));
  const r = Math.max(...leads.map((l) => l.length));
  const lead: Dim[] = [];
  for (let i = 0; i < r; i++) {
    const ds = leads.map((l) => l[l.length - r + i] ?? 1);
    lead.push(ds.find((d) => d !== 1) ?? 1);
  }
  const strides = (s: Shape): number[] => {
    const l = s.slice(0, -2);
    const mat = num(s[s.length - 1]) * num(s[s.length - 2]);
    return lead.map((_, i) => {
      const j = i - (r - l.length);
      if (j < 0 || l[j] === 1) return 0;
      return l.slice(j + 1).reduce((p: number, d) => p * num(d), mat);
    });
  };
  const [m, ak] = as.slice(-2).map(num);
  const bLast = num(bs[bs.length - 1]);
  const dims = { nn: [m, ak, bLast], nt: [m, num(bs[bs.length - 2]), ak], tn: [m, ak, bLast] }[kind];
  const c = strides(cs);
  return {
    kind,
    dims: lead.map((d) => (d === "B" ? 0 : num(d))),
    a: strides(as),
    b: strides(bs),
    c,
    m: dims[0],
    k: dims[1],
    n: dims[2],
    zero: c.some((s, i) => s === 0 && lead[i] !== 1),
    cSize: cs.reduce((p: number, d) => p * (d === "B" ? 1 : num(d)), 1),
    cBatched: cs.includes("B"),
  };
}

const kindCode: Record<GemmKind, number> = { nn: 0, nt: 1, tn: 2 };

/** The reference kernel's call for C = op(a, b) into the eqn's output. */
export function batchTs(c: EmitCtx<unknown>, kind: GemmKind, a: number, b: number): string {
  const g = geometry(kind, T.shape(c, a), T.shape(c, b), T.shape(c, c.eqn.outputs[0]));
  const list = (xs: number[]) => `[${xs.join(", ")}]`;
  const fields = `{ kind: ${kindCode[kind]}, dims: ${list(g.dims)}, a: ${list(g.a)}, b: ${list(g.b)}, c: ${list(g.c)}, m: ${g.m}, k: ${g.k}, n: ${g.n}, zero: ${g.zero}, cSize: ${g.cSize}, cBatched: ${g.cBatched} }`;
  const key = `bgemm_${kind}_${g.dims.join("_")}_${g.a.join("_")}_${g.b.join("_")}_${g.c.join("_")}_${g.m}_${g.k}_${g.n}`;
  const geom = c.hoist(key, `const NAME: K.BatchGemmGeom = ${fields};`);
  return `K.batchGemm(${T.out(c)}, ${c.buf(a)}, ${c.buf(b)}, n, ${geom});`;
}

/** The batched GEMM kernel's call for C = op(a, b) into the eqn's output. */
export function batchWasm(c: WasmCtx<unknown>, kind: GemmKind, a: number, b: number): string {
  const g = geometry(kind, W.shape(c, a), W.shape(c, b), W.shape(c, c.eqn.outputs[0]));
  const spec: Omit<BatchGemmSpec, "name"> = { ...g, zero: g.zero || undefined, cBatched: g.cBatched || undefined };
  const args: Record<string, string> = { a: c.addr(a), b: c.addr(b), c: W.out(c) };
  const ws = batchGemmScratchBytes({ ...spec, name: "" });
  if (ws > 0) args.ws = c.scratch(ws);
  return W.call(c, "batch_gemm", spec, addBatchGemm, batchGemmParams, args, true);
}

/** The gradients of a batched `a @ b`. */
export const batchedVjp: VjpRule<unknown> = (c) => {
  const [a, b] = c.eqn.inputs;
  return gate(c, (i) =>
    i === 0 ? c.emit("batch_matmul_nt", [c.dy, b], {}, shapeOf(c, a), a) : c.emit("batch_matmul_tn", [a, c.dy], {}, shapeOf(c, b), b),
  );
};

export const ops: OpTable<Names> = {
  batch_matmul_nt: trainOp({
    vjp: none,
    ts: (c) => batchTs(c, "nt", c.eqn.inputs[0], c.eqn.inputs[1]),
    wasm: (c) => batchWasm(c, "nt", c.eqn.inputs[0], c.eqn.inputs[1]),
  }),
  batch_matmul_tn: trainOp({
    vjp: none,
    ts: (c) => batchTs(c, "tn", c.eqn.inputs[0], c.eqn.inputs[1]),
    wasm: (c) => batchWasm(c, "tn", c.eqn.inputs[0], c.eqn.inputs[1]),
  }),
};

export const surfaces: readonly [] = [];
