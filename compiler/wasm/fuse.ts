// Fusion: which eqns of a training program run as one kernel (WebAssembly backend).
//
// Takes: a TrainingProgram. Guarantees: every segment (the lets, each step's forward and
// backward pass, the evaluation, each inference entry) as a list of groups that cover its
// eqns exactly once, in an order that respects every data dependence; and the values that
// no longer need a buffer because only their own group reads them. Fusion changes how ops
// are grouped into kernels, never what they compute: a fused kernel performs the same
// float32 operations in the same order as the kernels of its ops would (so `--no-fuse`
// gives the same numbers; the backend agreement tests run both ways).
//
// Patterns, decided by op tags (the activation ops, the gradient ops that mirror them):
//
//   dense → act          the activation in the GEMM's epilogue (act ∈ relu, leaky_relu, tanh,
//                        sigmoid); the pre-activation is still stored when another eqn reads it
//                        (leaky_relu's gradient reads its input)
//   conv2d → relu        the same, in the convolution's epilogue (when nothing else reads the
//                        pre-activation: the convolution kernel does not store it)
//   conv2d → relu → maxpool2d   one image at a time through scratch: the convolution's output
//                        is never stored; the training pass also writes the pool's argmax
//                        (an i32 value fusion adds), and the backward pair
//   maxpool2d_grad → relu_grad  routes the gradient through that argmax, masked where the
//                        pooled (relu) value is 0: the relu output needs no buffer at all.
//                        Only when every reader of the relu output is one of these patterns.
//   maxpool2d_grad → relu_grad → conv2d_grad_kernel (→ sum_to)   the first layer's backward:
//                        when only a one-channel kernel gradient (by taps) and its bias's row sum
//                        read the relu gradient dy, one kernel computes dy block by block into
//                        scratch from the pooled gradient (the same selects) and sums dK and the
//                        bias from there in their kernels' orders: dy is never stored
//                        (wasm/kernels/conv-grad-pooled.ts). The group runs where the pool's was.
//   matmul_tn, matmul_tn → add   a weight used twice (the discriminator on real and on fake
//                        images): the second kernel gradient accumulates into the first's
//                        output (C += Aᵀ·B) instead of both going to temporaries and an add;
//                        the group runs where the add was. The same for matmul_nt (an input
//                        read by several layers: attention's query, key and value projections),
//                        and for a chain add(add(g1, g2), g3)…: each GEMM in turn accumulates
//                        (g3 + (g2 + g1) has the bits of (g1 + g2) + g3: f32 adds commute)
//   dense → add          a residual x + dense(h): C = (h·W + b) + x in the GEMM's epilogue
//                        (f32 adds commute), when only the add reads the dense output
//   act_grad → sum_to    the backward mirror: the activation's mask (or derivative) and the bias
//                        gradient Σ_rows in one pass over the gradient; the sum_to moves up to
//                        its input's producer (it reads nothing else, and only the optimizer
//                        reads its output)
//
// Not fusion, but decided here, with --no-fuse too (it changes what the kernels compute): the
// attention of a training pass also writes its probabilities P, which its gradient reads instead
// of computing them again from lse (ops/attention.wasm.ts storedProbs).
//
// Fused elsewhere, by construction: softmax/sigmoid + cross-entropy (the logits pass makes
// the loss read logits: one stable kernel forward and one backward), the LSTM's gates (one
// lstm_scan kernel per layer; the input projection is one GEMM over all time steps before
// it, and the weight and input gradients single GEMMs after its backward scan), and the
// optimizer (one loop over each trained range of the flat parameter buffer).
import type { ValueId } from "../ir/ir.js";
import { segmentsOf, type TEqn, type TrainingProgram, type TValue } from "../ir/train-ir.js";
import { epilogueOps, opsWithFused } from "../ops/index.js";
import type { WasmCtx } from "../ops/op.js";
import { windowOf } from "../emit/geometry.js";
import { conv2dGradKernelTaps } from "./kernels/conv-grad.js";
import { poolTilesExactly } from "./kernels/conv-grad-pooled.js";
import { storedProbs } from "../ops/attention.wasm.js";

export interface Group {
  /** "dense+relu", "relu_grad+sum_to", or the op of a single eqn. */
  readonly pattern: string;
  /** The fused pattern's family, which one emitter rule serves ("dense+act"); absent for a single eqn. */
  readonly rule?: string;
  readonly eqns: readonly TEqn[];
  /** Values the kernel writes besides its eqns' outputs (a max-pool's argmax). */
  readonly extraOut?: readonly ValueId[];
  /** Values the kernel reads besides its eqns' inputs. */
  readonly extraIn?: readonly ValueId[];
  /** Inputs of its eqns that the kernel does not read (the argmax and the pooled output stand in). */
  readonly skipReads?: readonly ValueId[];
  /** The group's code, in place of its ops' rules (an exported model's int8 layers: export/quantize.ts). */
  readonly emit?: (c: WasmCtx) => string;
}

export interface FusedProgram {
  readonly segments: ReadonlyMap<readonly TEqn[], readonly Group[]>;
  /** Values that only their own group reads: no buffer, not traced. */
  readonly internal: ReadonlySet<ValueId>;
  /** The program's values and the ones fusion adds (ids from tp.values.length on). */
  readonly values: readonly TValue[];
}

/** Activations a GEMM applies in its epilogue, and the activation gradients that fuse with a bias gradient (registry facts). */
const ACTIVATIONS = epilogueOps;
const ACTIVATION_GRADS = opsWithFused("act_grad+sum_to");
/** GEMMs whose outputs an add of them may accumulate in place (C += product). */
const ACCUMULATING = new Set(["matmul_tn", "matmul_nt"]);

export function fuse(tp: TrainingProgram, enabled: boolean): FusedProgram {
  const segments = segmentsOf(tp);
  // How many eqns read each value, over the whole program (a value may be read in a later segment).
  const readers = new Map<ValueId, number>();
  for (const seg of segments) for (const e of seg) for (const id of e.inputs) readers.set(id, (readers.get(id) ?? 0) + 1);
  // Values the runtime reads (the scores, predictions and model outputs) must keep their buffers.
  const external = new Set<ValueId>([...tp.steps.map((s) => s.loss), ...tp.inference.map((m) => m.output)]);
  if (tp.evaluation) external.add(tp.evaluation.prediction).add(tp.evaluation.loss);
  const lossEqn = tp.steps[0]?.forward.find((e) => e.outputs[0] === tp.steps[0].loss);
  if (lossEqn) external.add(lossEqn.inputs[0]);
  for (const s of tp.steps) for (const g of s.grads) if (g.grad !== null) external.add(g.grad);
  // New values of state, copied into the parameters after the step's update.
  for (const s of tp.steps) for (const u of s.updates) external.add(u.value);

  // Readers of each value, over every segment.
  const readerEqns = new Map<ValueId, TEqn[]>();
  for (const seg of segments) for (const e of seg) for (const id of e.inputs) readerEqns.set(id, [...(readerEqns.get(id) ?? []), e]);
  const values: TValue[] = [...tp.values];
  const probs = storedProbs(tp, values);

  // conv2d → relu → maxpool2d: the relu outputs all of whose readers are a max-pool right
  // after it, or a backward maxpool2d_grad (reading it as x) followed by its relu_grad (as y).
  const poolable = new Set<ValueId>();
  if (enabled) {
    for (const seg of segments) {
      for (let i = 0; i + 2 < seg.length; i++) {
        const [conv, relu, pool] = [seg[i], seg[i + 1], seg[i + 2]];
        if (
          conv.op !== "conv2d" ||
          relu.op !== "relu" ||
          pool.op !== "maxpool2d" ||
          relu.inputs[0] !== conv.outputs[0] ||
          pool.inputs[0] !== relu.outputs[0]
        )
          continue;
        const y = relu.outputs[0];
        if (external.has(y) || external.has(conv.outputs[0]) || readerEqns.get(conv.outputs[0])?.some((r) => r.op !== "relu")) continue;
        const ok = (readerEqns.get(y) ?? []).every(
          (r) =>
            (r.op === "maxpool2d" && r.inputs[0] === y) ||
            (r.op === "maxpool2d_grad" && r.inputs[1] === y) ||
            (r.op === "relu_grad" && r.inputs[1] === y),
        );
        if (ok) poolable.add(y);
      }
    }
  }
  const argmaxOf = new Map<ValueId, ValueId>(); // relu output → the argmax value of its training pool

  const internal = new Set<ValueId>();
  const out = new Map<readonly TEqn[], Group[]>();
  const forwardSegments = new Set<readonly TEqn[]>(tp.steps.map((s) => s.forward));
  for (const seg of segments) {
    const groups: Group[] = [];
    const taken = new Set<TEqn>();
    // add(g1, g2) of two GEMM outputs (both matmul_tn or both matmul_nt) that only the add
    // reads, and adds of such a sum and one more GEMM of the kind: the GEMMs join the last add.
    const producer = new Map<ValueId, TEqn>();
    for (const e of seg) for (const id of e.outputs) producer.set(id, e);
    const accumulated = new Map<TEqn, TEqn[]>();
    const chain = (e: TEqn): TEqn[] | null => {
      if (e.op !== "add" || taken.has(e) || e.inputs[0] === e.inputs[1]) return null;
      const same = (id: ValueId) => tp.values[id].shape.join() === tp.values[e.outputs[0]].shape.join();
      const sole = (id: ValueId) => readers.get(id) === 1 && !external.has(id);
      if (!e.inputs.every((id) => same(id) && sole(id))) return null;
      const [p1, p2] = e.inputs.map((id) => producer.get(id));
      if (!p1 || !p2) return null;
      const gemm = (p: TEqn) => ACCUMULATING.has(p.op) && !taken.has(p);
      if (gemm(p1) && gemm(p2) && p1.op === p2.op) return [p1, p2, e];
      // sum + g or g + sum: the sum's GEMMs, then g accumulated (an f32 add is commutative).
      for (const [sum, g] of [
        [p1, p2],
        [p2, p1],
      ]) {
        const inner = gemm(g) ? chain(sum) : null;
        if (inner && inner[0].op === g.op) return [...inner, g, e];
      }
      return null;
    };
    if (enabled) {
      for (const e of [...seg].reverse()) {
        const eqns = chain(e);
        if (!eqns) continue;
        accumulated.set(e, eqns);
        for (const x of eqns) if (x !== e) taken.add(x);
      }
    }
    for (let i = 0; i < seg.length; i++) {
      const e = seg[i];
      if (taken.has(e)) continue;
      const next = seg[i + 1];
      const acc = accumulated.get(e);
      if (acc) {
        groups.push({ pattern: acc.map((x) => x.op).join("+"), rule: `${acc[0].op}+${acc[0].op}+add`, eqns: acc });
        continue;
      }
      if (enabled && e.op === "conv2d" && next?.op === "relu" && poolable.has(next.outputs[0]) && seg[i + 2]?.op === "maxpool2d") {
        const pool = seg[i + 2];
        const y = next.outputs[0];
        // Training passes keep the argmax for the backward pass; evaluation and inference do not.
        let extraOut: ValueId[] = [];
        if (forwardSegments.has(seg)) {
          const id = values.length;
          const ps = tp.values[pool.outputs[0]];
          values.push({ id, name: `${ps.name}_argmax`, kind: "temp", dtype: "i32", shape: ps.shape });
          argmaxOf.set(y, id);
          extraOut = [id];
        }
        groups.push({ pattern: "conv2d+relu+maxpool2d", rule: "conv2d+relu+maxpool2d", eqns: [e, next, pool], extraOut });
        taken.add(next).add(pool);
        i += 2;
        continue;
      }
      if (
        enabled &&
        e.op === "maxpool2d_grad" &&
        poolable.has(e.inputs[1]) &&
        // Only where the training pass fused its pool (it may not have, e.g. with a batch norm
        // between the conv2d and the relu, which evaluation folds away and then fuses).
        argmaxOf.has(e.inputs[1]) &&
        next?.op === "relu_grad" &&
        next.inputs[0] === e.outputs[0] &&
        next.inputs[1] === e.inputs[1]
      ) {
        const y = e.inputs[1];
        const argmax = argmaxOf.get(y);
        const pooled = [...(readerEqns.get(y) ?? [])].find((r) => r.op === "maxpool2d")?.outputs[0];
        if (argmax === undefined || pooled === undefined)
          throw new Error("internal: a pooled relu's gradient without its training pass's argmax");
        // The first layer: when only its kernel gradient (and its bias's row sum) read dy, one kernel computes both from the pooled gradient.
        const first = firstLayer(tp, seg, i + 1, readerEqns.get(next.outputs[0]) ?? [], external, taken);
        if (first) {
          groups.push({
            pattern: [e, next, ...first].map((x) => x.op).join("+"),
            rule: "maxpool2d_grad+relu_grad+conv2d_grad_kernel",
            eqns: [e, next, ...first],
            extraIn: [argmax, pooled],
            skipReads: [y],
          });
          taken.add(next);
          for (const x of first) taken.add(x);
          i++;
          continue;
        }
        groups.push({
          pattern: "maxpool2d_grad+relu_grad",
          rule: "maxpool2d_grad+relu_grad",
          eqns: [e, next],
          extraIn: [argmax, pooled],
          skipReads: [y],
        });
        taken.add(next);
        i++;
        continue;
      }
      // dense → add: a residual added in the GEMM's epilogue, when only the add reads the dense output
      // (here; a segment that computes it again, the evaluation's forward pass, reads its own).
      if (enabled && e.op === "dense" && next?.op === "add" && !taken.has(next) && next.inputs[0] !== next.inputs[1]) {
        const y = e.outputs[0];
        const other = next.inputs[0] === y ? next.inputs[1] : next.inputs[0];
        const shape = (id: ValueId) => tp.values[id].shape.join();
        if (
          next.inputs.includes(y) &&
          onlyReader(segments, seg, y, next) &&
          !external.has(y) &&
          shape(other) === shape(y) &&
          shape(y) === shape(next.outputs[0])
        ) {
          groups.push({ pattern: "dense+add", rule: "dense+add", eqns: [e, next] });
          taken.add(next);
          i++;
          continue;
        }
      }
      const epilogue = e.op === "dense" ? ACTIVATIONS.has(next?.op) : e.op === "conv2d" && next?.op === "relu";
      if (enabled && next && !taken.has(next) && epilogue && next.inputs[0] === e.outputs[0]) {
        groups.push({ pattern: `${e.op}+${next.op}`, rule: `${e.op}+act`, eqns: [e, next] });
        taken.add(next);
        i++;
        continue;
      }
      if (enabled && ACTIVATION_GRADS.has(e.op)) {
        // The bias gradient of the layer: a sum_to over the rows that reads only this output.
        const dx = e.outputs[0];
        const j = seg.findIndex((x, k) => k > i && !taken.has(x) && x.op === "sum_to" && x.inputs[0] === dx && isRowSum(tp, x));
        if (j > 0 && !readBetween(seg, i, j, seg[j].outputs[0])) {
          groups.push({ pattern: `${e.op}+sum_to`, rule: "act_grad+sum_to", eqns: [e, seg[j]] });
          taken.add(seg[j]);
          continue;
        }
      }
      groups.push({ pattern: e.op, eqns: [e], ...probs(seg, e) });
    }
    out.set(seg, groups);
  }
  // A value needs no buffer when every group that reads it either computes it itself or
  // does not actually read it (skipReads): pre-activations of fused epilogues, the
  // convolution output and the relu output of a fused conv → relu → maxpool.
  const satisfied = new Map<ValueId, number>();
  for (const groups of out.values()) {
    for (const g of groups) {
      const inside = new Set(g.eqns.flatMap((e) => e.outputs));
      for (const e of g.eqns)
        for (const id of e.inputs) if (inside.has(id) || g.skipReads?.includes(id)) satisfied.set(id, (satisfied.get(id) ?? 0) + 1);
    }
  }
  for (const [id, count] of satisfied) if (count === readers.get(id) && !external.has(id)) internal.add(id);
  return { segments: out, internal, values };
}

/**
 * maxpool2d_grad → relu_grad → conv2d_grad_kernel (+ sum_to): the relu gradient dy (the output of
 * the relu_grad at `at`) read only by a one-channel convolution's kernel gradient, by taps, and
 * its bias's row sum, later in the segment (no input gradient: the first layer), the pool's
 * windows tiling the convolution's output (conv-grad-pooled.ts). Returns those readers, or null.
 */
function firstLayer(
  tp: TrainingProgram,
  seg: readonly TEqn[],
  at: number,
  readers: readonly TEqn[],
  external: ReadonlySet<ValueId>,
  taken: ReadonlySet<TEqn>,
): TEqn[] | null {
  const [pg, rg] = [seg[at - 1], seg[at]];
  const dy = rg.outputs[0];
  const later = (r: TEqn) => seg.indexOf(r) > at && !taken.has(r);
  const gk = readers.find((r) => r.op === "conv2d_grad_kernel" && r.inputs[1] === dy);
  const st = readers.find((r) => r.op === "sum_to" && r.inputs[0] === dy && isRowSum(tp, r));
  if (external.has(dy) || !gk || !later(gk) || (st && !later(st)) || readers.length !== (st ? 2 : 1)) return null;
  const shape = (id: ValueId) => tp.values[id].shape;
  const conv = {
    name: "",
    ...windowOf(shape(gk.inputs[0]), shape(dy), gk.attrs),
    filters: gk.attrs.filters as number,
    bias: false,
  };
  const pool = windowOf(shape(dy), shape(pg.inputs[0]), pg.attrs);
  if (!poolTilesExactly(conv, pool) || !conv2dGradKernelTaps({ ...conv, pooled: { kh: pool.kh, kw: pool.kw, sh: pool.sh, sw: pool.sw } }))
    return null;
  return st ? [gk, st] : [gk];
}

/** Whether `reader` is the only eqn of `seg` that reads `id`, and every other segment that reads it computes it itself. */
function onlyReader(segments: readonly (readonly TEqn[])[], seg: readonly TEqn[], id: ValueId, reader: TEqn): boolean {
  if (seg.some((x) => x !== reader && x.inputs.includes(id))) return false;
  return segments.every((s) => s === seg || !s.some((x) => x.inputs.includes(id)) || s.some((x) => x.outputs.includes(id)));
}

/** A sum over the leading (row) dimensions to a vector: the bias gradient's shape. */
function isRowSum(tp: TrainingProgram, e: TEqn): boolean {
  const from = tp.values[e.inputs[0]].shape;
  const to = tp.values[e.outputs[0]].shape;
  return to.length === 1 && from.length >= 2 && from[from.length - 1] === to[0] && !to.includes("B");
}

/** Whether an eqn strictly between i and j reads `id` (moving its producer up would be safe anyway; this guards the order). */
function readBetween(seg: readonly TEqn[], i: number, j: number, id: ValueId): boolean {
  for (let k = i + 1; k < j; k++) if (seg[k].inputs.includes(id)) return true;
  return false;
}
