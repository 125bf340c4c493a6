// Stable cross-entropy: a cross-entropy whose prediction is a softmax (categorical,
// sparse categorical) or a sigmoid (binary) is computed from the logits instead.
//
// Takes: a FlatProgram (inline.ts). Guarantees: such losses read the activation's input
// and carry {from_logits: true}; the softmax/sigmoid eqn stays for whoever else uses the
// prediction (metrics) and is dropped by the scheduler when nothing does. A cross-entropy
// whose call says `from_logits=true` reads the tensor it is given as logits, unchanged. Any
// other cross-entropy keeps {from_logits: false} and clips its probabilities as Keras does.
//
// Also returns the warnings (the compilation goes on) about a cross-entropy whose
// prediction is, through reshapes, the output of an op:
// - DL4004: `from_logits=true` on a softmax's or sigmoid's output (probabilities read as logits);
// - DL4005: without `from_logits`, of an op that is neither softmax nor sigmoid (logits, or
//   any other values, clipped to [ε, 1 − ε] as if they were probabilities).
// A prediction that is an input of the train block says nothing about its values: no warning.
import type { FlatProgram, TEqn } from "../ir/train-ir.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { ops } from "../ops/index.js";
import type { PrimitiveOp } from "../ops/op.js";

/** The activation whose input a loss reads instead of its output (the registry's `loss.logits`). */
const activationFor = (op: TEqn["op"]): string | undefined => (ops[op] as Partial<PrimitiveOp>).loss?.logits;

/** Ops whose output has the prediction's values in another layout. */
const sameValues: ReadonlySet<string> = new Set(["reshape", "stop_gradient"]);
/** Ops whose outputs are probabilities. */
const probabilities: ReadonlySet<string> = new Set(["softmax", "sigmoid"]);

export function useLogits(p: FlatProgram): { readonly flat: FlatProgram; readonly warnings: readonly Diagnostic[] } {
  const producer = new Map<number, TEqn>();
  for (const e of p.eqns) producer.set(e.outputs[0], e);
  const warnings: Diagnostic[] = [];
  /** The op that made a value, looking through reshapes; undefined for an input. */
  const origin = (id: number): TEqn | undefined => {
    let e = producer.get(id);
    while (e && sameValues.has(e.op)) e = producer.get(e.inputs[0]);
    return e;
  };
  const eqns = p.eqns.map((e): TEqn => {
    const want = activationFor(e.op);
    if (!want) return e;
    const made = origin(e.inputs[0]);
    if (e.attrs.from_logits === true) {
      if (made && probabilities.has(made.op))
        warnings.push({
          code: "DL4004",
          severity: "warning",
          message: `\`${e.op}\` is given \`from_logits=true\`, but its prediction is the output of a ${made.op}: these probabilities are read as logits`,
          span: e.span,
          hint: `drop \`from_logits=true\` (a ${e.op} of a ${made.op}'s output is computed from its logits anyway), or end the model without the ${made.op}`,
        });
      return e;
    }
    const pred = producer.get(e.inputs[0]);
    const lastAxis =
      pred && (pred.op !== "softmax" || pred.attrs.axis === -1 || pred.attrs.axis === p.values[pred.outputs[0]].shape.length - 1);
    if (pred && pred.op === want && lastAxis)
      return { ...e, inputs: [pred.inputs[0], ...e.inputs.slice(1)], attrs: { ...e.attrs, from_logits: true } };
    if (made && !probabilities.has(made.op))
      warnings.push({
        code: "DL4005",
        severity: "warning",
        message: `\`${e.op}\` reads its prediction as probabilities, but it is the output of \`${made.op}\`, not of a softmax or sigmoid: values outside [0, 1] are clipped`,
        span: e.span,
        hint: `if the model ends in logits, give the loss \`from_logits=true\`; otherwise end the model with a ${want}`,
      });
    return { ...e, attrs: { ...e.attrs, from_logits: false } };
  });
  return { flat: { ...p, eqns }, warnings };
}
