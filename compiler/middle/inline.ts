// Inlining: a typed `train` block → one flat program (train-ir.ts FlatProgram).
//
// Takes: typed IR (shapes.ts ran). Guarantees: no `call` eqns remain (each call site gets
// its own copy of the callee's eqns, sharing the callee's parameters); every parameter
// of a model the block uses is a global value "model/layer/role" with its offset in the
// flat buffers (models in program order, each contiguous); every composite op of the
// registry (lstm, dropout, conv1d …) is replaced by its expansion into primitive and
// training ops (compiler/ops). Returns the map from train-graph ids to flat ids.
//
// Padding masks become values here (docs/architecture.md, "Masks"): an
// `embedding(mask_zero=true)` is followed by a `padding_mask` eqn (f32, 1 where the id is
// not 0), and each op's mask rule (ops/op.ts MaskRule) carries it from its input 0 to its
// output, hands it to a composite's expansion, or appends it to a loss's inputs.
import type { Graph, ModelIR, ProgramIR, TrainIR, ValueId, Shape } from "../ir/ir.js";
import { compositeOf, maskRuleOf } from "../ops/index.js";
import { calleeOf } from "../ops/call.js";
import type { FlatProgram, StateUpdate, TEqn, TOp, TValue } from "../ir/train-ir.js";

export interface Inlined {
  readonly flat: FlatProgram;
  /** Each model the block trains or calls itself, inlined once more on inputs of its own (for inference). */
  readonly inference: readonly { readonly model: string; readonly inputs: readonly ValueId[]; readonly output: ValueId }[];
  /** Flat id of each value of the train graph. */
  readonly map: (trainValue: ValueId) => ValueId;
}

const size = (s: Shape): number => s.reduce((a: number, d) => a * (d as number), 1);

export function inline(program: ProgramIR, train: TrainIR): Inlined {
  const models = new Map(program.models.map((m) => [m.name, m]));
  const values: TValue[] = [];
  const eqns: TEqn[] = [];
  const inferAs: { value: ValueId; as: ValueId }[] = [];
  const updates: (StateUpdate & { anchor: ValueId })[] = [];
  /** The padding mask a flat value carries. */
  const masks = new Map<ValueId, ValueId>();
  const add = (v: Omit<TValue, "id">): ValueId => {
    values.push({ id: values.length, ...v });
    return values.length - 1;
  };

  // Parameters of every model the block reaches, laid out model by model.
  // (Chains of calls may be long: they are walked with stacks of their own, not by recursion.)
  const used = new Set<string>();
  const toVisit: Graph[] = [train.graph];
  while (toVisit.length > 0) {
    for (const e of toVisit.pop()!.eqns) {
      if (e.op !== "call") continue;
      const name = calleeOf(e);
      if (!used.has(name)) {
        used.add(name);
        toVisit.push(models.get(name)!.graph);
      }
    }
  }
  for (const s of train.steps) used.add(s.model);
  // Layers frozen by the block's `freeze` setting (`trainable=false` is on the parameters themselves).
  const frozen = new Set(train.frozen ?? []);
  const paramIds = new Map<string, Map<ValueId, ValueId>>();
  const params: ValueId[] = [];
  let offset = 0;
  for (const m of program.models) {
    if (!used.has(m.name)) continue;
    const local = new Map<ValueId, ValueId>();
    for (const v of m.graph.values) {
      if (v.kind !== "param") continue;
      const n = size(v.shape!);
      const id = add({
        name: `${m.name}_${v.param!.layer}_${v.param!.role}`,
        kind: "param",
        dtype: "f32",
        shape: v.shape!,
        param: {
          path: `${m.name}/${v.param!.path}`,
          model: m.name,
          init: v.param!.init,
          layout: v.param!.layout,
          offset,
          size: n,
          ...(v.param!.state ? { state: true as const } : {}),
          ...(v.param!.frozen || frozen.has(`${m.name}/${v.param!.layer}`) ? { frozen: true as const } : {}),
        },
      });
      offset += n;
      local.set(v.id, id);
      params.push(id);
    }
    paramIds.set(m.name, local);
  }

  /** A graph being copied: `env` maps its ids to flat ids; its eqns before `next` are copied. */
  interface Frame {
    readonly g: Graph;
    readonly env: Map<ValueId, ValueId>;
    readonly prefix: string;
    readonly model: string | undefined;
    next: number;
  }
  const frameOf = (m: ModelIR, args: readonly ValueId[]): Frame => {
    const env = new Map<ValueId, ValueId>();
    m.graph.inputs.forEach((id, i) => env.set(id, args[i]));
    for (const [local, global] of paramIds.get(m.name)!) env.set(local, global);
    return { g: m.graph, env, prefix: `${m.name}_`, model: m.name, next: 0 };
  };

  /**
   * Copies the eqns of `start`'s graph, each call replaced by a copy of its callee's eqns
   * (a frame pushed on a stack, not a recursive call); returns `start`'s outputs.
   */
  const expand = (start: Frame): ValueId[] => {
    const stack: Frame[] = [start];
    for (;;) {
      const f = stack[stack.length - 1];
      const { g, env, prefix, model } = f;
      if (f.next === g.eqns.length) {
        stack.pop();
        const outputs = g.outputs.map((id) => env.get(id)!);
        const caller = stack[stack.length - 1];
        if (!caller) return outputs;
        caller.env.set(caller.g.eqns[caller.next - 1].outputs[0], outputs[0]);
        continue;
      }
      const e = g.eqns[f.next++];
      const inputs = e.inputs.map((id) => env.get(id)!);
      const origin = model && e.layer ? `${model}/${e.layer}` : undefined;
      const out = g.values[e.outputs[0]];
      if (e.op === "call") {
        // The callee's eqns come next; its output becomes this eqn's when its frame ends.
        stack.push(frameOf(models.get(calleeOf(e))!, inputs));
        continue;
      }
      const rule = maskRuleOf(e.op);
      const mask = (rule && masks.get(inputs[0])) ?? null;
      const comp = compositeOf(e.op);
      if (comp) {
        // A composite (lstm, dropout, conv1d …) is replaced by its expansion (ops/*.ts).
        const base = `${prefix}${out.name}`;
        const at = { span: e.span, ...(origin ? { origin } : {}) };
        const pending: StateUpdate[] = [];
        // A frozen layer (a batch norm) runs as in inference, in training too (Keras 3): its
        // inference eqns always, its training ones and its state updates never.
        const asInference = inputs.some((id) => values[id].param?.frozen);
        const readAs = new Map<ValueId, ValueId>();
        const expanded = comp.expand({
          eqn: e,
          attrs: e.attrs,
          inputs,
          shape: out.shape!,
          mask,
          value: (id) => values[id],
          temp: (suffix, shape, dtype = "f32") => add({ name: suffix ? `${base}_${suffix}` : base, kind: "temp", dtype, shape }),
          emit: (op, ins, outs, attrs, mode) => {
            if (asInference && mode === "train") return;
            eqns.push({ op, inputs: ins, outputs: outs, attrs, ...at, ...(mode && !asInference ? { mode } : {}) });
          },
          inferAs: (value, as) => (asInference ? readAs.set(value, as) : inferAs.push({ value, as })),
          update: (param, value) => {
            if (!values[param].param?.state) throw new Error(`internal: ${e.op} updates ${values[param].name}, which is not state`);
            if (!asInference) pending.push({ param, value });
          },
        });
        let output = expanded;
        while (readAs.has(output)) output = readAs.get(output)!;
        for (const u of pending) updates.push({ ...u, anchor: output });
        env.set(e.outputs[0], output);
        if (mask !== null && rule!.carries(e.attrs)) masks.set(output, mask);
        continue;
      }
      const id = add({ name: `${prefix}${out.name}`, kind: "temp", dtype: out.dtype, shape: out.shape! });
      const ins = mask !== null && rule!.input ? [...inputs, mask] : inputs;
      eqns.push({ op: e.op as TOp, inputs: ins, outputs: [id], attrs: e.attrs, span: e.span, ...(origin ? { origin } : {}) });
      env.set(e.outputs[0], id);
      if (mask !== null && rule!.carries(e.attrs)) masks.set(id, mask);
      if (e.op === "embedding" && e.attrs.mask_zero === true) {
        const ids = values[inputs[0]];
        const m = add({ name: `${prefix}${out.name}_mask`, kind: "temp", dtype: "f32", shape: ids.shape });
        eqns.push({ op: "padding_mask", inputs: [inputs[0]], outputs: [m], attrs: {}, span: e.span, ...(origin ? { origin } : {}) });
        masks.set(id, m);
      }
    }
  };

  const env = new Map<ValueId, ValueId>();
  const inputs = train.graph.inputs.map((id) => {
    const v = train.graph.values[id];
    const flat = add({ name: v.name, kind: "input", dtype: v.dtype, shape: v.shape! });
    env.set(id, flat);
    return flat;
  });
  expand({ g: train.graph, env, prefix: "", model: undefined, next: 0 });
  // Inference entry points: every model the block trains or calls itself, on inputs of its
  // own (sampling a generator, scoring with a classifier). Models only other models call get
  // none: their callers' entries run them (an entry per model of a chain of N calls would
  // inline N²/2 models). Eqns nothing uses are dropped later.
  const entry = new Set([...train.steps.map((s) => s.model), ...train.graph.eqns.filter((e) => e.op === "call").map(calleeOf)]);
  const inference = program.models
    .filter((m) => entry.has(m.name))
    .map((m) => {
      const args = m.graph.inputs.map((id) => {
        const v = m.graph.values[id];
        return add({ name: `${m.name}_${v.name}`, kind: "input", dtype: v.dtype, shape: v.shape! });
      });
      return { model: m.name, inputs: args, output: expand(frameOf(m, args))[0] };
    });
  return { flat: { name: train.name, values, inputs, params, eqns, inferAs, updates }, map: (id) => env.get(id)!, inference };
}
