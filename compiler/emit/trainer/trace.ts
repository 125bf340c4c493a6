// The trace table a trainer returns: every tensor of a training step in execution order
// (parameters and inputs first, then the lets and each step's forward values), with the
// .dlm line that computed it, so that a loss that turns NaN is traced to the first tensor
// that went non-finite (runtime/trainer.ts).
import type { ValueId } from "../../ir/ir.js";
import type { TEqn } from "../../ir/train-ir.js";
import { aliasOps } from "../../ops/index.js";
import { where } from "./calls.js";
import type { Emission } from "./context.js";
import { sizeOf } from "./names.js";

/** The entries of `trace: [...]`, as code. Step -2: parameters and inputs; -1: lets; k: step k's forward pass. */
export function traceEntries(em: Emission): string[] {
  const { tp, values, wasm } = em;
  const { nameOf, root } = em.naming;
  const entry = (id: ValueId, stepIndex: number, e?: TEqn) =>
    `{ name: ${JSON.stringify(values[id].param?.path ?? values[id].name)}, where: ${JSON.stringify(e ? where(em, e) : "")}, step: ${stepIndex}, data: ${nameOf(root(id))}, perRow: ${values[id].shape[0] === "B"}, size: ${sizeOf(values[id].shape)} }`;
  const traced: string[] = [];
  for (const id of tp.params) traced.push(entry(id, -2));
  for (const id of tp.inputs) if (values[id].dtype === "f32") traced.push(entry(id, -2));
  // Values a fused kernel keeps to itself have no buffer to inspect.
  const kept = (e: TEqn) => !aliasOps.has(e.op) && !wasm?.fused.internal.has(e.outputs[0]);
  for (const e of tp.lets) if (kept(e)) traced.push(entry(e.outputs[0], -1, e));
  tp.steps.forEach((s, k) => {
    for (const e of s.forward) if (kept(e)) traced.push(entry(e.outputs[0], k, e));
  });
  return traced;
}
