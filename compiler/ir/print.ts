// A jaxpr-like text form of the IR (`dlm check --emit ir`), stable for golden tests.
import type { AttrValue, Graph, ModelIR, ProgramIR, TrainIR, Value } from "./ir.js";
import { positionOf, type SourceFile } from "../source.js";

const shapeText = (v: Value): string => `${v.dtype}[${v.shape ? v.shape.join(",") : "?"}]`;
const ref = (v: Value): string => `%${v.id}:${v.name}`;
const attrText = (a: AttrValue): string => (Array.isArray(a) ? `[${a.join(",")}]` : String(a));

function graphLines(g: Graph, src: SourceFile | undefined): string[] {
  const lines: string[] = [];
  for (const v of g.values) {
    if (v.kind === "param") lines.push(`  param ${ref(v)}: ${shapeText(v)} = ${v.param!.init}   # ${v.param!.path} ${v.param!.layout}`);
  }
  for (const e of g.eqns) {
    const outs = e.outputs.map((id) => `${ref(g.values[id])}: ${shapeText(g.values[id])}`).join(", ");
    const attrs = Object.entries(e.attrs).map(([k, v]) => `${k}=${attrText(v)}`);
    const where = src ? ` @${positionOf(src, e.span.start).line}` : "";
    const layer = e.layer ? `  # ${e.layer}${where}` : where ? `  #${where}` : "";
    lines.push(
      `  ${outs} = ${e.op}${attrs.length ? `{${attrs.join(", ")}}` : ""} ${e.inputs.map((id) => ref(g.values[id])).join(" ")}${layer}`.trimEnd(),
    );
  }
  lines.push(`  return ${g.outputs.map((id) => ref(g.values[id])).join(", ")}`);
  return lines;
}

const signature = (g: Graph): string => g.inputs.map((id) => `${ref(g.values[id])}: ${shapeText(g.values[id])}`).join(", ");

export function printModel(m: ModelIR, src?: SourceFile): string {
  return [`model ${m.name}(${signature(m.graph)}) {`, ...graphLines(m.graph, src), "}"].join("\n");
}

export function printTrain(t: TrainIR, src?: SourceFile): string {
  const s = t.settings;
  const head = [
    `train ${t.name}(${signature(t.graph)}) {`,
    `  settings batch=${s.batch} epochs=${s.epochs} shuffle=${s.shuffle} validation_split=${s.validationSplit} seed=${s.seed}${s.delta !== undefined ? ` delta=${s.delta}` : ""}`,
  ];
  if (s.earlyStopping) head.push(`  early_stopping ${JSON.stringify(s.earlyStopping)}`);
  if (s.reduceLrOnPlateau) head.push(`  reduce_lr_on_plateau ${JSON.stringify(s.reduceLrOnPlateau)}`);
  if (s.saveBest) head.push(`  save_best ${JSON.stringify(s.saveBest)}`);
  if (t.data)
    head.push(
      `  data ${JSON.stringify(t.data.source)} flatten=${t.data.flatten} range=[${t.data.range.join(",")}] rows_as_steps=${t.data.rowsAsSteps} one_hot=${t.data.oneHot}${t.data.autoencode ? " autoencode=true" : ""}`,
    );
  const tail = [
    ...t.lets.map((l) => `  let ${l.name} = %${l.value}`),
    ...t.steps.map(
      (st) =>
        `  step ${st.model} with ${JSON.stringify(st.optimizer, (k, v) => (k === "span" || k === "microbatchesSpan" ? undefined : v))} minimize %${st.loss}`,
    ),
    ...(t.evaluation
      ? [`  evaluate prediction=%${t.evaluation.prediction} target=%${t.evaluation.target} metrics=[${t.evaluation.metrics.join(",")}]`]
      : []),
    "}",
  ];
  return [...head, ...graphLines(t.graph, src), ...tail].join("\n");
}

export function printProgram(ir: ProgramIR, src?: SourceFile): string {
  return [...ir.models.map((m) => printModel(m, src)), ...ir.trains.map((t) => printTrain(t, src))].join("\n\n") + "\n";
}
