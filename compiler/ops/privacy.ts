// Differentially private training (`dp_sgd`, `dp_adam`): the training ops of per-example
// gradients and of their private sum. An op that owns parameters says how to compute their
// gradient per group of rows in its `perExample` slot (op.ts); autodiff (middle/autodiff.ts)
// uses that slot instead of the op's VJP for a trained parameter when the step's optimizer
// is private, then emits `dp_clip_scales` and one `dp_noisy_sum` per parameter.
//
// A group is a microbatch: G groups of n/G consecutive rows (one row each when the
// microbatches are the batch). The per-group gradients are buffers [G, ...the parameter's
// shape]: G times the parameter count in memory (dp_mnist: 256 × 26,010 floats, 26.6 MB),
// computed by the same GEMM and convolution kernels as the batch gradient, one call per
// group, so their arithmetic is that of the ordinary backward pass.
import type { ValueId } from "../ir/ir.js";
import { trainOp, type OpTable, type PerExampleCtx, type WasmCtx } from "./op.js";
import { none } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as CG from "../wasm/kernels/conv-grad.js";
import { windowOf } from "../emit/geometry.js";

export type Names = {
  primitive: never;
  composite: never;
  train: "matmul_tn_groups" | "sum_groups" | "conv2d_grad_kernel_groups" | "dp_clip_scales" | "dp_noisy_sum";
};

export type GroupAttrs = { readonly groups: number };
export type ClipAttrs = { readonly groups: number; readonly clip: number };
export type NoiseAttrs = { readonly groups: number; readonly std: number };

/** Rows per sample of a [B, ..., k] value (its middle axes), or null: it has no batch axis to group. */
function perSample(shape: readonly (number | "B")[]): number | null {
  if (shape[0] !== "B" || shape.slice(1).includes("B")) return null;
  return shape.slice(1, -1).reduce((a: number, d) => a * (d as number), 1);
}

/** The per-group gradient of a kernel `w` in `x · w` (dense, matmul): matmul_tn per group, or null. */
export function groupedMatmulGrad(c: PerExampleCtx<unknown>, x: ValueId, w: ValueId): ValueId | null {
  if (perSample(c.value(x).shape) === null) return null;
  return c.emit("matmul_tn_groups", [x, c.dy], { groups: c.groups }, [c.groups, ...c.value(w).shape], w, "_per_example");
}

/** The per-group gradient of a bias added on the last axis: dy summed over each group's rows, or null. */
export function groupedBiasGrad(c: PerExampleCtx<unknown>, b: ValueId): ValueId | null {
  if (perSample(c.value(c.dy).shape) === null) return null;
  return c.emit("sum_groups", [c.dy], { groups: c.groups }, [c.groups, ...c.value(b).shape], b, "_per_example");
}

const groupsOf = (c: { attrs: unknown }): number => (c.attrs as GroupAttrs).groups;

export const ops: OpTable<Names> = {
  matmul_tn_groups: trainOp<GroupAttrs>({
    vjp: none,
    ts: (c) => {
      const [a, dy] = c.eqn.inputs;
      const r = perSample(T.shape(c, a))!;
      return `K.matmulTNGroups(${T.out(c)}, ${c.buf(a)}, ${c.buf(dy)}, n, ${r}, ${T.last(c, a)}, ${T.last(c, dy)}, ${c.attrs.groups});`;
    },
    wasm: (c) => {
      const [a, dy] = c.eqn.inputs;
      const r = perSample(W.shape(c, a))!;
      const [k, m] = [W.last(c, a), W.last(c, dy)];
      const at = { [a]: `n * ${4 * r * k}`, [dy]: `n * ${4 * r * m}`, [c.eqn.outputs[0]]: `${4 * k * m}` };
      return perGroupExpr(c, c.attrs.groups, at, (inner) => W.gemm(inner, "tn", k, m, r === 1 ? "n" : `n * ${r}`, a, dy, undefined));
    },
  }),
  sum_groups: trainOp<GroupAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy] = c.eqn.inputs;
      const r = perSample(T.shape(c, dy))!;
      return `K.sumGroups(${T.out(c)}, ${c.buf(dy)}, n, ${r}, ${T.last(c, dy)}, ${c.attrs.groups});`;
    },
    wasm: () => null,
  }),
  conv2d_grad_kernel_groups: trainOp<GroupAttrs>({
    vjp: none,
    ts: (c) => {
      const [x, dy] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, x), T.shape(c, dy), "ConvGeom");
      return `K.conv2dGradKernelGroups(${T.out(c)}, ${c.buf(x)}, ${c.buf(dy)}, n, ${groupsOf(c)}, ${g});`;
    },
    wasm: (c) => {
      const [x, dy] = c.eqn.inputs;
      const geo = windowOf(W.shape(c, x), W.shape(c, dy), c.eqn.attrs);
      const spec = { ...geo, filters: c.eqn.attrs.filters as number, bias: false };
      const ws = CG.conv2dGradKernelScratchBytes({ ...spec, name: "" });
      const size = geo.kh * geo.kw * geo.c * spec.filters;
      const at = {
        [x]: `n * ${4 * geo.h * geo.w * geo.c}`,
        [dy]: `n * ${4 * geo.oh * geo.ow * spec.filters}`,
        [c.eqn.outputs[0]]: `${4 * size}`,
      };
      const scratch = ws > 0 ? c.scratch(ws) : "";
      return perGroupExpr(c, groupsOf(c), at, (inner) =>
        W.call(
          inner,
          "conv2d_grad_kernel",
          spec,
          CG.addConv2dGradKernel,
          CG.conv2dGradKernelParams,
          { x: inner.addr(x), dy: inner.addr(dy), dk: W.out(inner), ws: scratch },
          true,
        ),
      );
    },
  }),
  dp_clip_scales: trainOp<ClipAttrs>({
    vjp: none,
    // One call per parameter tensor adds its squares, then one turns the sums into scales:
    // no array of the tensors is built per step.
    ts: (c) =>
      [
        ...c.eqn.inputs.map((id, i) => `K.dpSumSquares(${T.out(c)}, ${c.buf(id)}, ${c.attrs.groups}, ${i === 0});`),
        `K.dpClipScales(${T.out(c)}, n, ${c.attrs.groups}, ${c.attrs.clip});`,
      ].join("\n"),
    wasm: () => null,
  }),
  dp_noisy_sum: trainOp<NoiseAttrs>({
    vjp: none,
    ts: (c) => {
      const [pg, scales] = c.eqn.inputs;
      return `K.dpNoisySum(${T.out(c)}, ${c.buf(pg)}, ${c.buf(scales)}, ${c.attrs.groups}, ${c.size(c.eqn.outputs[0])}, ${c.attrs.std}, rng);`;
    },
    // Gaussian draws from the trainer's RNG: in TypeScript on both backends, as the random sources.
    wasm: () => null,
  }),
};

/** `perGroup` with the per-group byte offsets as expressions (they may read `n`, the group's rows). */
function perGroupExpr(
  c: WasmCtx<unknown>,
  groups: number,
  at: Readonly<Record<number, string>>,
  call: (inner: WasmCtx<unknown>) => string,
): string {
  const inner = Object.create(c) as WasmCtx<unknown>;
  Object.defineProperty(inner, "addr", {
    value: (id: number) => (at[id] === undefined ? c.addr(id) : `${c.addr(id)} + g * ${at[id]}`),
  });
  return `for (let g = 0, rows = n / ${groups}; g < ${groups}; g++) ((n: number) => { ${call(inner)} })(rows);`;
}

export const surfaces: readonly never[] = [];
