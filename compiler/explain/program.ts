// The entry points `dlm explain` runs: a model's input gradient, from the compiler's own
// differentiation (middle/autodiff.ts), not finite differences.
//
// Takes: a scheduled TrainingProgram and a model with an inference entry in it. Guarantees:
// the program with two more inference entries, in inference mode (no dropout, moving
// statistics) as the model's own:
// - `<model>_logits`: the model's pre-softmax output (the input of a final softmax or
//   sigmoid; else the output itself), [B, K], on a copy of the forward eqns;
// - `<model>_explain`: on inputs (x, sel) with sel [B, K], the gradient with respect to x of
//   Σ logits · sel — with sel a one-hot row per sample, each row's gradient of its class's logit
//   (the rows do not mix in inference mode). Its eqns: the forward pass to the logits, the
//   product and the sum, and the backward eqns autodiff derives for x alone (no parameter
//   gradient is computed).
// The trainer emitter, fusion and the memory plan take it like any training program.
import type { Shape, ValueId } from "../ir/ir.js";
import type { TEqn, TrainingProgram, TValue } from "../ir/train-ir.js";
import { differentiate } from "../middle/autodiff.js";
import { aliasOps } from "../ops/index.js";

export interface ExplainProgram {
  readonly tp: TrainingProgram;
  /** The names of the two entries in the trainer's `models`. */
  readonly logits: string;
  readonly explain: string;
  /** Classes K (the logits' last dimension), and whether the logits are the input of a softmax or sigmoid. */
  readonly classes: number;
  readonly activation: "softmax" | "sigmoid" | null;
}

/** Indices of the eqns of `eqns` needed for `target`, in order. */
function needed(eqns: readonly TEqn[], target: ValueId): TEqn[] {
  const producer = new Map<ValueId, number>();
  eqns.forEach((e, i) => e.outputs.forEach((o) => producer.set(o, i)));
  const seen = new Set<number>();
  const stack = [target];
  while (stack.length) {
    const k = producer.get(stack.pop()!);
    if (k === undefined || seen.has(k)) continue;
    seen.add(k);
    stack.push(...eqns[k].inputs);
  }
  return [...seen].sort((a, b) => a - b).map((i) => eqns[i]);
}

export function explainProgram(tp: TrainingProgram, model: string): ExplainProgram {
  const entry = tp.inference.find((m) => m.model === model);
  if (!entry) throw new Error(`internal: train block ${tp.name} has no inference entry for model ${model}`);
  if (entry.inputs.length !== 1) throw new Error(`internal: explain needs a model of one input`);
  const values: TValue[] = [...tp.values];
  const add = (v: Omit<TValue, "id">): ValueId => {
    values.push({ ...v, id: values.length });
    return values.length - 1;
  };
  // The logits: the input of the output's softmax or sigmoid (through reshapes), else the output.
  const producer = new Map(entry.forward.map((e) => [e.outputs[0], e] as const));
  let out = producer.get(entry.output);
  while (out && aliasOps.has(out.op)) out = producer.get(out.inputs[0]);
  const activation = out && (out.op === "softmax" || out.op === "sigmoid") ? out.op : null;
  const logits = activation ? out!.inputs[0] : entry.output;
  const shape = values[logits].shape;
  const classes = shape.length === 2 ? (shape[1] as number) : 1;
  const forward = needed(entry.forward, logits);
  // Each entry runs a copy of the forward eqns (an entry's values are its own).
  const clone = (suffix: string) => {
    const copy = new Map<ValueId, ValueId>();
    const fresh = (id: ValueId) => {
      const v = add({ ...values[id], name: `${values[id].name}_${suffix}` });
      copy.set(id, v);
      return v;
    };
    const input = fresh(entry.inputs[0]);
    const eqns = forward.map((e): TEqn => ({ ...e, inputs: e.inputs.map((id) => copy.get(id) ?? id), outputs: e.outputs.map(fresh) }));
    return { input, eqns, logits: copy.get(logits)! };
  };
  const forLogits = clone("for_logits");
  const forGrad = clone("for_explain");

  // Σ logits · sel, differentiated for x only.
  const x = forGrad.input;
  const sel = add({ name: `${model}_class`, kind: "input", dtype: "f32", shape: ["B", classes] });
  const rows: Shape = ["B", classes];
  const flatLogits = shape.length === 2 ? forGrad.logits : add({ name: `${model}_logits_rows`, kind: "temp", dtype: "f32", shape: rows });
  const reshape: TEqn[] =
    flatLogits === forGrad.logits
      ? []
      : [{ op: "reshape", inputs: [forGrad.logits], outputs: [flatLogits], attrs: { target: [classes] }, span: tp.span }];
  const picked = add({ name: `${model}_picked`, kind: "temp", dtype: "f32", shape: rows });
  const total = add({ name: `${model}_target`, kind: "temp", dtype: "f32", shape: [] });
  const select: TEqn[] = [
    ...reshape,
    { op: "mul", inputs: [flatLogits, sel], outputs: [picked], attrs: {}, span: tp.span },
    { op: "sum", inputs: [picked], outputs: [total], attrs: { axes: null, keepdims: false }, span: tp.span },
  ];
  const grads = differentiate(values, [...forGrad.eqns, ...select], total, [x], { model, span: tp.span, lossSpan: tp.span });
  const dx = grads.grads[0].grad;
  if (dx === null) throw new Error(`internal: the logits of ${model} do not depend on its input`);
  const names = { logits: `${model}_logits`, explain: `${model}_explain` };
  return {
    tp: {
      ...tp,
      values,
      constants: [...tp.constants, grads.seed],
      inference: [
        ...tp.inference,
        { model: names.logits, inputs: [forLogits.input], output: forLogits.logits, forward: forLogits.eqns },
        { model: names.explain, inputs: [x, sel], output: dx, forward: [...forGrad.eqns, ...select, ...grads.backward] },
      ],
    },
    ...names,
    classes,
    activation,
  };
}
