// The inference program of one model: what an exported model runs (`dlm export`).
//
// Takes: a scheduled TrainingProgram (schedule.ts; with its batch norms folded when the
// trainer folds them, fold-norm.ts) and the name of a model with an inference entry in it.
// Guarantees: a TrainingProgram of that entry alone — the very eqns the trainer's inference
// entry for the model runs (inference mode: no dropout, moving statistics, folded batch
// norms), the constants they read, and the parameters they read, laid out contiguously from
// offset 0 in the order of the trainer's flat buffer — with no steps, lets, evaluation,
// training inputs or samplers. Fusion, the memory plan and the kernel generators then take
// it like any training program: there is no second compiler for inference.
import type { ValueId } from "../ir/ir.js";
import type { TrainingProgram, TValue } from "../ir/train-ir.js";

export function inferenceProgram(tp: TrainingProgram, model: string): TrainingProgram {
  const entry = tp.inference.find((m) => m.model === model);
  if (!entry) throw new Error(`internal: train block ${tp.name} has no inference entry for model ${model}`);
  const read = new Set<ValueId>(entry.forward.flatMap((e) => e.inputs));
  const constants = tp.constants.filter((e) => read.has(e.outputs[0]));
  // The model's parameters (and those of the models it calls), renumbered from 0.
  const values: TValue[] = [...tp.values];
  const params = tp.params.filter((id) => read.has(id));
  let offset = 0;
  for (const id of params) {
    const v = values[id];
    values[id] = { ...v, param: { ...v.param!, offset } };
    offset += v.param!.size;
  }
  return {
    ...tp,
    values,
    inputs: [],
    params,
    paramCount: offset,
    constants,
    lets: [],
    steps: [],
    evaluation: null,
    inference: [entry],
    samplers: [],
    models: [...new Set(params.map((id) => values[id].param!.model))],
  };
}
