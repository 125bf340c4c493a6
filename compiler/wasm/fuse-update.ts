// Fusion of a weight's optimizer update into the kernel gradient that writes its gradient
// (wasm/kernels/gemm-tn-update.ts): the tn GEMM dW = Xᵀ·dY (or the last of a weight-used-twice
// chain, matmul_tn+matmul_tn+add, which accumulates into dW) updates the weights, block by block,
// while dW is in cache, instead of the step's range kernel reading dW back after the backward pass.
// The new weights and state are the same bits: the update is elementwise, each element updated
// once from its complete gradient with the same f32 operations, and dW is still written to the
// flat gradient buffer, so whatever reads the gradients after the step reads what it read before.
//
// Only where that is safe:
//   - the step's optimizer clips by value or not at all: clipnorm and global_clipnorm scale each
//     gradient by a norm over whole tensors or all of them, known only once every gradient is;
//   - the gradient is the value the step's trained parameter takes, written in place into the flat
//     gradient buffer by the group (gradientPlacement's view: not copied, not an alias), whole
//     (the parameter's size is dW's), and read by no eqn (a private step's gradient is the noisy
//     sum's output, never a tn GEMM's; nothing else reads a gradient in the program);
//   - no eqn of the backward pass after the group, and none in the group, reads the weight (the
//     input gradient dY·Wᵀ of its layer, a later use of the weight): they must see the old W;
//   - a tall dW (more than 4 times as tall as wide: the tn GEMM's rows split), whose blocks of rows
//     are contiguous in the flat buffers;
//   - the WebAssembly backend with fusion on (`--no-fuse` and the TypeScript backend run the
//     range kernel over every weight, which is how the backend tests compare the two).
// Each step has its own optimizer (the GAN's two steps): a step fuses only the weights it trains.
// The step's count, learning rate and the rule's scalars are then computed before its backward
// pass (emit/trainer/update.ts), and its range kernels skip the fused weights.
import type { ValueId } from "../ir/ir.js";
import type { TEqn, TrainingProgram } from "../ir/train-ir.js";
import { segmentsOf } from "../ir/train-ir.js";
import { aliasOps } from "../ops/index.js";
import { tnByRows } from "../ops/kit/wasm.js";
import { gradientPlacement } from "./plan-memory.js";
import type { Group } from "./fuse.js";

export interface FusedUpdate {
  /** The step whose optimizer updates the weight. */
  readonly step: number;
  /** The weight (a parameter value). */
  readonly param: ValueId;
}

/** The backward passes' groups (a tn GEMM, or a weight-used-twice chain) that also update their weight. */
export function fusedUpdates(tp: TrainingProgram, segments: ReadonlyMap<readonly TEqn[], readonly Group[]>): Map<Group, FusedUpdate> {
  const out = new Map<Group, FusedUpdate>();
  const { views } = gradientPlacement(tp, aliasOps);
  const read = new Set<ValueId>();
  const all = segmentsOf(tp).flat();
  for (const e of all) for (const id of e.inputs) read.add(id);
  // A weight and the other names of its buffer (reshape, stop_gradient of it, and of those).
  const names = (w: ValueId): Set<ValueId> => {
    const ids = new Set([w]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of all)
        if (aliasOps.has(e.op) && ids.has(e.inputs[0]) && !ids.has(e.outputs[0])) {
          ids.add(e.outputs[0]);
          grew = true;
        }
    }
    return ids;
  };
  tp.steps.forEach((s, k) => {
    const clip = s.optimizer.clip;
    if (clip && clip.kind !== "clipvalue") return;
    const groups = segments.get(s.backward);
    if (!groups) return;
    for (const { param, grad } of s.grads) {
      if (grad === null || views.get(grad) !== param || read.has(grad)) continue;
      const p = tp.values[param].param;
      const inRange = (r: { offset: number; size: number }) => p && p.offset >= r.offset && p.offset + p.size <= r.offset + r.size;
      if (!p || p.state || p.frozen || !s.ranges.some(inRange)) continue;
      const at = groups.findIndex((g) => g.eqns[g.eqns.length - 1].outputs[0] === grad);
      if (at < 0) continue;
      const g = groups[at];
      const single = g.eqns.length === 1 && g.eqns[0].op === "matmul_tn";
      const chain = g.rule === "matmul_tn+matmul_tn+add";
      if (!(single || chain) || out.has(g)) continue;
      const shape = tp.values[grad].shape;
      if (shape.length !== 2 || shape.some((d) => typeof d !== "number") || (shape[0] as number) * (shape[1] as number) !== p.size)
        continue;
      // Only a tall dW (split by rows, tnByRows): each block's elements are contiguous. By panels the
      // update walks every row of dW for each block of columns, which measured slower than the range
      // kernel after the tn GEMM (the GAN: docs/benchmarks.md, "Adam in the kernel gradient").
      if (!tnByRows("tn", shape[0] as number, shape[1] as number)) continue;
      const w = names(param);
      const readsW = (x: Group) => x.eqns.some((e) => e.inputs.some((id) => w.has(id)));
      if (groups.slice(at).some(readsW)) continue;
      out.set(g, { step: k, param });
    }
  });
  return out;
}
