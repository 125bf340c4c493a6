// Kernels of an exported module that skip work on zeros (`dlm export --format module`): the
// activations of a relu network are mostly zeros (the background of an image, the units a
// relu turned off), and an exported model's weights are constants the loader has checked
// finite, so a product with a zero input adds ±0 and can be left out without changing one
// bit of the result (wasm/kernels/gemm-sparse.ts and conv-relu-pool.ts say why).
//
//  - conv2d → relu → maxpool2d(2) groups (valid convolution, 2×2 stride-2 pool) run
//    conv-relu-pool.ts: the pool's window is the register tile, and a pooled pixel whose
//    input patch is all zeros is relu(bias) without convolving;
//  - dense layers fed by a relu (through flatten/reshape and max pools) run the sparse GEMM
//    on the packed kernel (packed.ts calls `reluFed`).
import type { ValueId } from "../ir/ir.js";
import type { TEqn, TrainingProgram } from "../ir/train-ir.js";
import type { FusedProgram, Group } from "../wasm/fuse.js";
import type { WasmCtx } from "../ops/op.js";
import { aliasOps } from "../ops/index.js";
import { windowOf } from "../emit/geometry.js";
import { addConvReluPool, convReluPoolFits, convReluPoolParams } from "../wasm/kernels/conv-relu-pool.js";
import * as W from "../ops/kit/wasm.js";

/** Whether `id` is a relu's output, seen through reshapes and max pools (which keep its zeros where a whole window is zero). */
export function reluFed(itp: TrainingProgram, id: ValueId): boolean {
  const entry = itp.inference[0];
  const producer = new Map<ValueId, TEqn>();
  for (const e of [...itp.constants, ...entry.forward]) for (const o of e.outputs) producer.set(o, e);
  for (let e = producer.get(id); e; e = producer.get(e.inputs[0])) {
    if (e.op === "relu") return true;
    if (!(aliasOps.has(e.op) || e.op === "maxpool2d")) return false;
  }
  return false;
}

/** Swaps every conv2d → relu → maxpool2d group of the inference entry that conv-relu-pool.ts computes for its kernel. */
export function convReluPools(itp: TrainingProgram, fused: FusedProgram): FusedProgram {
  const entry = itp.inference[0];
  const groups = fused.segments.get(entry.forward) ?? [];
  const swapped = groups.map((g): Group => {
    if (g.rule !== "conv2d+relu+maxpool2d" || g.emit || (g.extraOut?.length ?? 0) > 0) return g;
    const [conv, , pool] = g.eqns;
    const values = fused.values;
    const window = windowOf(values[conv.inputs[0]].shape, values[conv.outputs[0]].shape, conv.attrs);
    const poolWindow = windowOf(values[conv.outputs[0]].shape, values[pool.outputs[0]].shape, pool.attrs);
    if (!convReluPoolFits(window, poolWindow)) return g;
    return { ...g, emit: (c: WasmCtx) => convReluPoolCall(c, g) };
  });
  const segments = new Map(fused.segments);
  segments.set(entry.forward, swapped);
  return { ...fused, segments };
}

function convReluPoolCall(c: WasmCtx, g: Group): string {
  const [conv, , pool] = g.eqns;
  const [x, k, b] = conv.inputs;
  const convOut = conv.outputs[0];
  const y = pool.outputs[0];
  const spec = {
    ...windowOf(W.shape(c, x), W.shape(c, convOut), conv.attrs),
    filters: conv.attrs.filters as number,
    bias: b !== undefined,
    pool: windowOf(W.shape(c, convOut), W.shape(c, y), pool.attrs),
  };
  const args: Record<string, string> = { x: c.addr(x), k: c.addr(k), y: c.addr(y) };
  if (b !== undefined) args.bias = c.addr(b);
  return W.call(c, "conv_relu_pool", spec, addConvReluPool, convReluPoolParams, args, true);
}
