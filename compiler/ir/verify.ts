// verify(ir): the IR's structural invariants (see ir.ts), checked between passes in
// tests. Returns the violations found; an empty list means the IR is well formed.
import type { Graph, ProgramIR } from "./ir.js";

export function verifyGraph(g: Graph, where: string, typed: boolean): string[] {
  const errs: string[] = [];
  const defined = new Set<number>();
  const owner = new Map<number, number>();
  g.values.forEach((v, i) => {
    if (v.id !== i) errs.push(`${where}: value at index ${i} has id ${v.id}`);
    if (v.kind === "param" && !v.param) errs.push(`${where}: param %${i} has no ParamInfo`);
    if (typed) {
      if (!v.shape) errs.push(`${where}: %${i} (${v.name}) has no shape`);
      else if (v.shape.slice(1).includes("B")) errs.push(`${where}: %${i} has "B" after the first dimension`);
      else if (v.shape.some((d) => d !== "B" && (!Number.isInteger(d) || d < 0))) errs.push(`${where}: %${i} has a bad dimension`);
    }
  });
  for (const id of g.inputs) {
    if (g.values[id]?.kind !== "input") errs.push(`${where}: graph input %${id} is not an input value`);
    defined.add(id);
  }
  g.values.forEach((v) => v.kind === "param" && defined.add(v.id));
  g.eqns.forEach((e, k) => {
    for (const id of e.inputs) {
      if (!defined.has(id)) errs.push(`${where}: eqn ${k} (${e.op}) uses %${id} before it is defined`);
      if (g.values[id]?.kind === "param") {
        if (owner.has(id) && e.op !== "call") errs.push(`${where}: param %${id} is owned by eqns ${owner.get(id)} and ${k}`);
        owner.set(id, k);
      }
    }
    for (const id of e.outputs) {
      if (defined.has(id)) errs.push(`${where}: %${id} is defined twice`);
      if (g.values[id]?.kind !== "temp") errs.push(`${where}: eqn ${k} defines non-temporary %${id}`);
      defined.add(id);
    }
  });
  for (const id of g.outputs) if (!defined.has(id)) errs.push(`${where}: output %${id} is never defined`);
  g.values.forEach((v) => v.kind === "param" && !owner.has(v.id) && errs.push(`${where}: param %${v.id} is used by no eqn`));
  return errs;
}

export function verify(ir: ProgramIR, opts: { typed: boolean }): string[] {
  const errs: string[] = [];
  const seen = new Set<string>();
  for (const m of ir.models) {
    errs.push(...verifyGraph(m.graph, `model ${m.name}`, opts.typed));
    for (const e of m.graph.eqns) {
      if (e.op === "call" && !seen.has(e.attrs.model as string))
        errs.push(`model ${m.name}: calls ${String(e.attrs.model)} before it is defined`);
    }
    for (const l of m.layers)
      for (const p of l.params)
        if (m.graph.values[p]?.param?.layer !== l.name) errs.push(`model ${m.name}: layer ${l.name} lists a param it does not own`);
    seen.add(m.name);
  }
  for (const t of ir.trains) {
    errs.push(...verifyGraph(t.graph, `train ${t.name}`, opts.typed));
    for (const s of t.steps) if (!seen.has(s.model)) errs.push(`train ${t.name}: step trains unknown model ${s.model}`);
    for (const e of t.graph.eqns)
      if (e.op === "call" && !seen.has(e.attrs.model as string)) errs.push(`train ${t.name}: calls unknown model ${String(e.attrs.model)}`);
    if (opts.typed)
      for (const s of t.steps)
        if (t.graph.values[s.loss].shape?.length !== 0) errs.push(`train ${t.name}: loss of step ${s.model} is not a scalar`);
  }
  return errs;
}
