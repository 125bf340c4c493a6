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
//   act_grad → sum_to    the backward mirror: the activation's mask (or derivative) and the bias
//                        gradient Σ_rows in one pass over the gradient; the sum_to moves up to
//                        its input's producer (it reads nothing else, and only the optimizer
//                        reads its output)
//
// Fused elsewhere, by construction: softmax/sigmoid + cross-entropy (the logits pass makes
// the loss read logits: one stable kernel forward and one backward), the LSTM's gates (one
// lstm_scan kernel per layer; the input projection is one GEMM over all time steps before
// it, and the weight and input gradients single GEMMs after its backward scan), and the
// optimizer (one loop over each trained range of the flat parameter buffer).
import type { ValueId } from "../ir/ir.js";
import type { TEqn, TOp, TrainingProgram } from "../ir/train-ir.js";

export interface Group {
  /** "dense+relu", "relu_grad+sum_to", or the op of a single eqn. */
  readonly pattern: string;
  readonly eqns: readonly TEqn[];
}

export interface FusedProgram {
  readonly segments: ReadonlyMap<readonly TEqn[], readonly Group[]>;
  /** Values that only their own group reads: no buffer, not traced. */
  readonly internal: ReadonlySet<ValueId>;
}

export const ACTIVATIONS: ReadonlySet<TOp> = new Set<TOp>(["relu", "leaky_relu", "tanh", "sigmoid"]);
export const ACTIVATION_GRADS: ReadonlySet<TOp> = new Set<TOp>(["relu_grad", "leaky_relu_grad", "tanh_grad", "sigmoid_grad"]);

/** Every segment of the program, in the emitter's order. */
export function segmentsOf(tp: TrainingProgram): (readonly TEqn[])[] {
  return [tp.constants, tp.lets, ...tp.steps.flatMap((s) => [s.forward, s.backward]), ...(tp.evaluation ? [tp.evaluation.forward] : []), ...tp.inference.map((m) => m.forward)];
}

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

  const internal = new Set<ValueId>();
  const out = new Map<readonly TEqn[], Group[]>();
  for (const seg of segments) {
    const groups: Group[] = [];
    const taken = new Set<TEqn>();
    for (let i = 0; i < seg.length; i++) {
      const e = seg[i];
      if (taken.has(e)) continue;
      const next = seg[i + 1];
      const epilogue = e.op === "dense" ? ACTIVATIONS.has(next?.op) : e.op === "conv2d" && next?.op === "relu";
      if (enabled && next && !taken.has(next) && epilogue && next.inputs[0] === e.outputs[0]) {
        groups.push({ pattern: `${e.op}+${next.op}`, eqns: [e, next] });
        taken.add(next);
        i++;
        continue;
      }
      if (enabled && ACTIVATION_GRADS.has(e.op)) {
        // The bias gradient of the layer: a sum_to over the rows that reads only this output.
        const dx = e.outputs[0];
        const j = seg.findIndex((x, k) => k > i && !taken.has(x) && x.op === "sum_to" && x.inputs[0] === dx && isRowSum(tp, x));
        if (j > 0 && !readBetween(seg, i, j, seg[j].outputs[0])) {
          groups.push({ pattern: `${e.op}+sum_to`, eqns: [e, seg[j]] });
          taken.add(seg[j]);
          continue;
        }
      }
      groups.push({ pattern: e.op, eqns: [e] });
    }
    out.set(seg, groups);
  }
  // A pre-activation keeps a buffer only when something besides its fused activations reads
  // it (the same value is read in training and in evaluation, fused in both).
  const fusedReads = new Map<ValueId, number>();
  for (const groups of out.values()) {
    for (const g of groups) if (g.eqns.length === 2 && ACTIVATIONS.has(g.eqns[1].op) && g.eqns[1].inputs[0] === g.eqns[0].outputs[0]) fusedReads.set(g.eqns[0].outputs[0], (fusedReads.get(g.eqns[0].outputs[0]) ?? 0) + 1);
  }
  for (const [pre, count] of fusedReads) if (count === readers.get(pre) && !external.has(pre)) internal.add(pre);
  return { segments: out, internal };
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
