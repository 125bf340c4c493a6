// Keras-style model summaries (`dlm check`): a row per layer with its output shape and
// parameter count, and totals printed as Keras prints them ("Total params: 693,962").
import type { ModelIR, ProgramIR, Shape } from "./ir/ir.js";
import { calleeOf } from "./ops/call.js";

const kerasShape = (s: Shape): string => `(${s.map((d) => (d === "B" ? "None" : String(d))).join(", ")}${s.length === 1 ? "," : ""})`;
const count = (s: Shape): number => s.reduce((a: number, d) => a * (d as number), 1);
/** 693962 → "693,962" (by hand: Intl's first use costs ~40 ms of every `dlm check`). */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");

/** Bytes as Keras prints them next to the totals (1024-based). */
function bytes(n: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) ((v /= 1024), u++);
  return `${v.toFixed(2)} ${units[u]}`;
}

/**
 * Parameters of a model and of the models it calls, each model counted once (calls share
 * weights); `state` counts only what is not trained (Keras's non-trainable params): state, and the
 * parameters of frozen layers (`trainable=false`, or `model/layer` in `frozen`: a train block's `freeze`).
 */
export function modelParamCount(m: ModelIR, models: ReadonlyMap<string, ModelIR>, state = false, frozen?: ReadonlySet<string>): number {
  // Each model reached once, with a stack of its own (chains of calls may be long).
  const seen = new Set<string>([m.name]);
  const stack = [m];
  let n = 0;
  while (stack.length > 0) {
    const x = stack.pop()!;
    for (const v of x.graph.values)
      if (v.kind === "param" && (!state || v.param?.state || v.param?.frozen || frozen?.has(`${x.name}/${v.param?.layer}`)))
        n += count(v.shape!);
    for (const e of x.graph.eqns) {
      if (e.op !== "call") continue;
      const callee = calleeOf(e);
      if (!seen.has(callee)) {
        seen.add(callee);
        stack.push(models.get(callee)!);
      }
    }
  }
  return n;
}

export function summarize(m: ModelIR, models: ReadonlyMap<string, ModelIR>, frozen?: ReadonlySet<string>): string {
  const names = m.layers.map((l) => `${l.name} (${l.type})`);
  // Keras's columns, the first widened to the longest name (`global_average_pooling2d (GlobalAveragePooling2D)`).
  const cols = [Math.max(34, ...names.map((n) => n.length + 2)), 26, 12];
  const row = (a: string, b: string, c: string) => ` ${a.padEnd(cols[0] - 1)}${b.padEnd(cols[1])}${c}`.trimEnd();
  const width = cols[0] + cols[1] + cols[2];
  const lines = [`Model: "${m.name}"`, "_".repeat(width), row("Layer (type)", "Output Shape", "Param #"), "=".repeat(width)];
  const values = m.graph.values;
  m.layers.forEach((l, i) => {
    const nested = m.graph.eqns.find((e) => e.layer === l.name && e.op === "call");
    const params = nested
      ? modelParamCount(models.get(nested.attrs.model as string)!, models)
      : l.params.reduce((a, p) => a + count(values[p].shape!), 0);
    if (i > 0) lines.push("");
    lines.push(row(names[i], kerasShape(values[l.output].shape!), thousands(params)));
  });
  const total = modelParamCount(m, models);
  const state = modelParamCount(m, models, true, frozen);
  lines.push("=".repeat(width));
  lines.push(`Total params: ${thousands(total)} (${bytes(total * 4)})`);
  lines.push(`Trainable params: ${thousands(total - state)} (${bytes((total - state) * 4)})`);
  lines.push(`Non-trainable params: ${thousands(state)} (${bytes(state * 4)})`);
  lines.push("_".repeat(width));
  return lines.join("\n");
}

export function summarizeProgram(ir: ProgramIR): string {
  const models = new Map(ir.models.map((m) => [m.name, m]));
  const frozen = new Set(ir.trains.flatMap((t) => t.frozen ?? []));
  return ir.models.map((m) => summarize(m, models, frozen)).join("\n\n") + "\n";
}
