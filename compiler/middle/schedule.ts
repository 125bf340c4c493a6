// Scheduling: a typed `train` block → the TrainingProgram that emitters turn into code.
//
// Takes: a train block's flat program (inline.ts, then logits.ts). Decides what runs when,
// following the semantics of a training block (docs/language.md): constants once at
// start-up; the `let`s once per batch before the first step (with snapshots of the
// parameters a later step differentiates through them after an earlier step updated
// them); each step's own forward
// eqns, its backward eqns (autodiff.ts, w.r.t. the parameters of the model it names), its
// optimizer update over that model's contiguous range of the flat buffers and the state
// its ops update, in order, so a later step sees the earlier steps' updates. Evaluation
// (simple form) and inference run the eqns of inference mode (no dropout; moving
// statistics). Eqns nothing needs are dropped.
import type { OptimizerSpec, ProgramIR, TrainIR, ValueId } from "../ir/ir.js";
import type { StateUpdate, TEqn, TrainingProgram, TStep, TValue } from "../ir/train-ir.js";
import type { Inlined } from "./inline.js";
import { differentiate, type PrivateGradient } from "./autodiff.js";
import { calleeOf } from "../ops/call.js";
import { DiagnosticError, fail, type Diagnostic } from "../diagnostics/diagnostic.js";

export function schedule(
  program: ProgramIR,
  train: TrainIR,
  inlined: Inlined,
): { tp?: TrainingProgram; diagnostics: readonly Diagnostic[] } {
  try {
    return { tp: build(program, train, inlined), diagnostics: [] };
  } catch (e) {
    if (e instanceof DiagnosticError) return { diagnostics: [e.diagnostic] };
    throw e;
  }
}

/** Indices (ascending = execution order) of the eqns needed to compute `targets`. */
function closure(eqns: readonly TEqn[], targets: readonly ValueId[], skip: ReadonlySet<number>): number[] {
  const producer = new Map<ValueId, number>();
  eqns.forEach((e, i) => e.outputs.forEach((o) => producer.set(o, i)));
  const seen = new Set<number>();
  const stack = [...targets];
  while (stack.length) {
    const k = producer.get(stack.pop()!);
    if (k === undefined || seen.has(k) || skip.has(k)) continue;
    seen.add(k);
    stack.push(...eqns[k].inputs);
  }
  return [...seen].sort((a, b) => a - b);
}

/** The model and every model it calls, directly or not. */
function modelClosure(program: ProgramIR, name: string): Set<string> {
  const byName = new Map(program.models.map((m) => [m.name, m]));
  const out = new Set<string>([name]);
  const stack = [name]; // not recursion: chains of calls may be long
  while (stack.length > 0) {
    for (const e of byName.get(stack.pop()!)!.graph.eqns) {
      if (e.op !== "call" || out.has(calleeOf(e))) continue;
      out.add(calleeOf(e));
      stack.push(calleeOf(e));
    }
  }
  return out;
}

/** Parameter slices merged into maximal contiguous ranges of the flat buffers. */
function contiguous(params: readonly { offset: number; size: number }[]): { offset: number; size: number }[] {
  const out: { offset: number; size: number }[] = [];
  for (const p of [...params].sort((a, b) => a.offset - b.offset)) {
    const last = out[out.length - 1];
    if (last && last.offset + last.size === p.offset) last.size += p.size;
    else out.push({ offset: p.offset, size: p.size });
  }
  return out;
}

function build(program: ProgramIR, train: TrainIR, inlined: Inlined): TrainingProgram {
  const { flat, map } = inlined;
  const values: TValue[] = [...flat.values];
  const eqns = flat.eqns;
  const isConst = (i: number) => eqns[i].op === "constant";
  const constIdx = eqns.map((_, i) => i).filter(isConst);
  const done = new Set<number>(constIdx);
  const lets = closure(
    eqns,
    train.lets.map((l) => map(l.value)),
    done,
  );
  lets.forEach((i) => done.add(i));
  const constants: TEqn[] = constIdx.map((i) => eqns[i]);

  const producedBy = new Map<ValueId, number>();
  eqns.forEach((e, i) => e.outputs.forEach((o) => producedBy.set(o, i)));
  const letSet = new Set(lets);
  const updated = new Set<StateUpdate>();
  // A step that differentiates through a `let` uses the parameter values the let was computed
  // with. Where an earlier step of the batch has updated a parameter a let's eqn read, the
  // gradient ops of that eqn read a snapshot of it taken right after the lets (one per
  // parameter, kept for the whole step: as much memory as the parameter).
  const written = new Set<ValueId>();
  const letEqns = new Set(lets.map((i) => eqns[i]));
  const snapshots = new Map<ValueId, { value: ValueId; at: TEqn }>();
  const before = (e: TEqn, id: ValueId): ValueId | undefined => {
    if (!letEqns.has(e) || !written.has(id)) return undefined;
    let snap = snapshots.get(id);
    if (!snap) {
      const p = values[id];
      values.push({ id: values.length, name: `${p.name}_at_lets`, kind: "temp", dtype: p.dtype, shape: p.shape });
      snap = { value: values.length - 1, at: e };
      snapshots.set(id, snap);
    }
    return snap.value;
  };
  const steps: TStep[] = train.steps.map((s, k) => {
    const loss = map(s.loss);
    let own = closure(eqns, [loss], done);
    // State updated by the ops this step's forward pass runs (the first step also takes those
    // of the lets): their new values are computed in this step too, and written after its update.
    const ran = new Set(own);
    const updates = flat.updates.filter((u) => {
      const at = producedBy.get(u.anchor)!;
      const mine = !updated.has(u) && (ran.has(at) || (k === 0 && letSet.has(at)));
      if (mine) updated.add(u);
      return mine;
    });
    if (updates.length > 0) own = closure(eqns, [loss, ...updates.map((u) => u.value)], done);
    own.forEach((i) => done.add(i));
    const forwardIdx = [...lets, ...own].sort((a, b) => a - b);
    // A step trains its model's parameters and those of every model it calls (as Keras), but not their state.
    const trained = modelClosure(program, s.model);
    // Frozen parameters (`trainable=false`, `freeze`) are not differentiated: the backward pass stops where nothing below needs it.
    const ofModels = flat.params.filter((id) => trained.has(values[id].param!.model) && !values[id].param!.state);
    const wrt = ofModels.filter((id) => !values[id].param!.frozen);
    if (wrt.length === 0 && ofModels.length > 0)
      fail("DL2028", `every parameter \`step ${s.model}\` would train is frozen`, s.modelSpan, {
        hint: "leave at least one layer trainable (remove it from `freeze`, or drop its `trainable=false`)",
      });
    const grads = differentiate(
      values,
      forwardIdx.map((i) => eqns[i]),
      loss,
      wrt,
      { model: s.model, span: s.modelSpan, lossSpan: s.lossSpan },
      before,
      privateGradient(s.optimizer),
    );
    constants.push(grads.seed);
    for (const id of wrt) written.add(id);
    for (const u of updates) written.add(u.param);
    return {
      model: s.model,
      optimizer: s.optimizer,
      loss,
      forward: own.map((i) => eqns[i]),
      backward: grads.backward,
      grads: grads.grads,
      ranges: contiguous(wrt.map((id) => values[id].param!)),
      updates: updates.map((u) => ({ param: u.param, value: u.value })),
      span: s.span,
    };
  });

  // The snapshots some backward pass reads (a rule that does not read a parameter, as a bias's
  // gradient, leaves its snapshot unused: not taken).
  const read = new Set(steps.flatMap((s) => s.backward.flatMap((e) => e.inputs)));
  const taken: TEqn[] = [...snapshots]
    .filter(([, snap]) => read.has(snap.value))
    .map(([param, snap]) => ({
      op: "snapshot",
      inputs: [param],
      outputs: [snap.value],
      attrs: {},
      span: snap.at.span,
      ...(snap.at.origin ? { origin: snap.at.origin } : {}),
    }));

  // Inference (evaluation, sampling): eqns that run only in training are skipped, and values
  // the expansions said to read otherwise are read so (a dropout's y = x · mask as x).
  const alias = new Map(flat.inferAs.map((a) => [a.value, a.as] as const));
  const inferred = (id: ValueId): ValueId => {
    let r = id;
    while (alias.has(r)) r = alias.get(r)!;
    return r;
  };
  const skip = new Set<number>(constIdx);
  eqns.forEach((e, i) => e.mode === "train" && skip.add(i));
  const inferenceEqns = eqns.map((e): TEqn => ({ ...e, inputs: e.inputs.map(inferred) }));

  let evaluation: TrainingProgram["evaluation"] = null;
  if (train.evaluation) {
    const prediction = inferred(map(train.evaluation.prediction));
    const loss = steps[0].loss;
    evaluation = {
      forward: closure(inferenceEqns, [prediction, loss], skip).map((i) => inferenceEqns[i]),
      prediction,
      target: map(train.evaluation.target),
      loss,
      metrics: train.evaluation.metrics,
    };
  }
  const inference = inlined.inference.map((m) => ({
    model: m.model,
    inputs: m.inputs,
    output: inferred(m.output),
    forward: closure(inferenceEqns, [inferred(m.output)], skip).map((i) => inferenceEqns[i]),
  }));
  // A model called on a random source in a `let` is a generator: the runtime samples it.
  const producer = new Map(eqns.map((e) => [e.outputs[0], e] as const));
  const samplers = train.lets.flatMap((l) => {
    const call = train.graph.eqns.find((e) => e.outputs[0] === l.value && e.op === "call");
    const src = call && producer.get(map(call.inputs[0]));
    if (!call || !src || (src.op !== "normal" && src.op !== "uniform")) return [];
    return [{ model: calleeOf(call), source: { kind: src.op, ...src.attrs } }];
  });

  const last = values[flat.params[flat.params.length - 1]]?.param;
  return {
    name: train.name,
    values,
    inputs: flat.inputs,
    params: flat.params,
    paramCount: last ? last.offset + last.size : 0,
    constants,
    lets: [...lets.map((i) => eqns[i]), ...taken],
    steps,
    evaluation,
    inference,
    samplers,
    settings: train.settings,
    data: train.data,
    models: [...new Set(flat.params.map((id) => values[id].param!.model))],
    span: train.span,
  };
}

/** A private optimizer's gradient (frontend/privacy.ts resolved its microbatches): noise σ·C on the sum, divided by the G groups. */
function privateGradient(o: OptimizerSpec): PrivateGradient | undefined {
  const dp = o.dp;
  if (!dp) return undefined;
  const groups = dp.microbatches!;
  return { groups, clip: dp.l2NormClip, std: (dp.noiseMultiplier * dp.l2NormClip) / groups };
}
