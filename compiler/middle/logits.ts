// Stable cross-entropy: a cross-entropy whose prediction is a softmax (categorical,
// sparse categorical) or a sigmoid (binary) is computed from the logits instead.
//
// Takes: a FlatProgram (inline.ts). Guarantees: such losses read the activation's input
// and carry {from_logits: true}; the softmax/sigmoid eqn stays for whoever else uses the
// prediction (metrics) and is dropped by the scheduler when nothing does. Any other
// cross-entropy keeps {from_logits: false} and clips its probabilities as Keras does.
import type { FlatProgram, TEqn } from "../ir/train-ir.js";
import { ops } from "../ops/index.js";
import type { PrimitiveOp } from "../ops/op.js";

/** The activation whose input a loss reads instead of its output (the registry's `loss.logits`). */
const activationFor = (op: TEqn["op"]): string | undefined => (ops[op] as Partial<PrimitiveOp>).loss?.logits;

export function useLogits(p: FlatProgram): FlatProgram {
  const producer = new Map<number, TEqn>();
  for (const e of p.eqns) producer.set(e.outputs[0], e);
  const eqns = p.eqns.map((e): TEqn => {
    const want = activationFor(e.op);
    if (!want) return e;
    const pred = producer.get(e.inputs[0]);
    const lastAxis =
      pred && (pred.op !== "softmax" || pred.attrs.axis === -1 || pred.attrs.axis === p.values[pred.outputs[0]].shape.length - 1);
    if (pred && pred.op === want && lastAxis)
      return { ...e, inputs: [pred.inputs[0], e.inputs[1]], attrs: { ...e.attrs, from_logits: true } };
    return { ...e, attrs: { ...e.attrs, from_logits: false } };
  });
  return { ...p, eqns };
}
