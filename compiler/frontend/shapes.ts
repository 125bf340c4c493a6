// Shape and dtype inference.
//
// Takes: lowered IR (lower.ts). Guarantees: every value of every graph has a static
// shape (the batch stays the symbolic "B"), every parameter's shape follows from the
// layer that owns it, every model call matches the callee's inputs, every step's loss
// is a scalar, and the data source's columns fit the train inputs. Runs the per-op
// shape rules of the op registry (compiler/ops); an eqn whose inputs are unknown because of an earlier
// error is skipped, so one mistake is reported once.
import type { Eqn, Graph, ModelIR, OpName, ProgramIR, Shape, TrainIR, Value } from "../ir/ir.js";
import { calleeOf } from "../ops/call.js";
import { maskRuleOf, ops, shapeRuleOf } from "../ops/index.js";
import type { PrimitiveOp } from "../ops/op.js";
import { fmt, sameShape } from "../ops/kit/shape.js";
import { DiagnosticError, fail, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../source.js";

export function inferShapes(ir: ProgramIR): { ir?: ProgramIR; diagnostics: readonly Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const models = new Map<string, ModelIR>();
  const maskedModels = new Map<string, Span>();
  for (const m of ir.models) {
    const masked = new Map<number, Span>();
    const graph = inferGraph(m.graph, models, diagnostics, maskedModels, masked);
    if (graph) models.set(m.name, { ...m, graph });
    const from = masked.get(m.graph.outputs[0]);
    if (from) maskedModels.set(m.name, from);
  }
  const trains: TrainIR[] = [];
  // Train blocks call models: with a model in error, their checks would only echo it.
  if (diagnostics.length > 0) return { diagnostics };
  for (const t of ir.trains) {
    const graph = inferGraph(t.graph, models, diagnostics, maskedModels, new Map());
    if (!graph) continue;
    const typed = { ...t, graph };
    if (checkTrain(typed, diagnostics)) trains.push(typed);
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { ir: { models: ir.models.map((m) => models.get(m.name)!), trains }, diagnostics };
}

function inferGraph(
  g: Graph,
  models: ReadonlyMap<string, ModelIR>,
  diagnostics: Diagnostic[],
  maskedModels: ReadonlyMap<string, Span>,
  masked: Map<number, Span>,
): Graph | undefined {
  const values: Value[] = [...g.values];
  const before = diagnostics.length;
  const setShape = (id: number, shape: Shape, dtype = values[id].dtype) => (values[id] = { ...values[id], shape, dtype });
  for (const eqn of g.eqns) {
    const dataInputs = eqn.inputs.filter((id) => values[id].kind !== "param");
    const params = eqn.inputs.filter((id) => values[id].kind === "param");
    // A loss target without a declared shape (the simple form's `y`) takes the prediction's.
    if (
      eqn.op !== "sparse_categorical_crossentropy" &&
      isLoss(eqn.op) &&
      values[dataInputs[1]].kind === "input" &&
      !values[dataInputs[1]].shape &&
      values[dataInputs[0]].shape
    ) {
      setShape(dataInputs[1], values[dataInputs[0]].shape!);
    }
    const shapes = dataInputs.map((id) => values[id].shape);
    if (shapes.some((s) => s === undefined)) continue; // an earlier error; already reported
    try {
      checkIds(eqn.op, dataInputs, values, eqn.span);
      checkMasks(eqn, dataInputs, values, masked, maskedModels);
      const r = shapeRuleOf(eqn.op)({
        op: eqn.op,
        attrs: eqn.attrs,
        inputs: shapes as Shape[],
        dtypes: dataInputs.map((id) => values[id].dtype),
        span: eqn.span,
        models,
      });
      for (const s of [r.out, ...(r.params ?? [])]) checkSize(s, eqn.span);
      setShape(eqn.outputs[0], r.out, r.dtype ?? values[eqn.outputs[0]].dtype);
      params.forEach((id, i) => setShape(id, r.params![i]));
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      diagnostics.push(e.diagnostic);
    }
  }
  if (diagnostics.length > before) return undefined;
  return { ...g, values };
}

/**
 * Integer ids (`i32` values: an input declared `i32[...]`, class labels) are not numbers to
 * compute with: they index an `embedding`, are a loss's target (class labels), or pass to a
 * model whose input takes them (`call` checks that). Any other use is DL3016.
 */
function checkIds(op: OpName, inputs: readonly number[], values: readonly Value[], span: Span): void {
  inputs.forEach((id, i) => {
    if (values[id].dtype !== "i32" || op === "call" || (op === "embedding" && i === 0) || (isLoss(op) && i === 1)) return;
    fail("DL3016", `\`${values[id].name}\` holds integer ids (i32), which \`${op}\` cannot take`, span, {
      hint: "integer ids go into an `embedding` layer first, e.g. `words |> embedding(brown.vocab_size, 32)`",
    });
  });
}

/**
 * Masks (`embedding(mask_zero=true)`): a masked value may reach, as its input 0, only an op
 * with a mask rule (ops/op.ts MaskRule: recurrent layers, per-position layers and
 * activations, the sparse cross-entropy), which may carry it on to its output. Anything
 * else would silently treat padding as data: DL3017, with a note at the embedding. A model
 * whose output is masked passes its mask to the caller's value.
 */
function checkMasks(
  eqn: Eqn,
  inputs: readonly number[],
  values: readonly Value[],
  masked: Map<number, Span>,
  maskedModels: ReadonlyMap<string, Span>,
): void {
  const rule = maskRuleOf(eqn.op);
  inputs.forEach((id, i) => {
    const from = masked.get(id);
    if (from === undefined) return;
    if (rule && i === 0) {
      if (rule.carries(eqn.attrs)) masked.set(eqn.outputs[0], from);
      return;
    }
    fail(
      "DL3017",
      `\`${values[id].name}\` carries a padding mask (mask_zero=true), which \`${eqn.layer ?? eqn.op}\` cannot use`,
      eqn.span,
      {
        hint: "masks pass through recurrent layers (lstm, gru, simple_rnn, bidirectional), per-position dense layers and activations to a sparse cross-entropy; drop `mask_zero=true` to use this layer",
        notes: [{ message: "the mask comes from here", span: from }],
      },
    );
  });
  if (eqn.op === "embedding" && eqn.attrs.mask_zero === true) masked.set(eqn.outputs[0], eqn.span);
  if (eqn.op === "call") {
    const from = maskedModels.get(calleeOf(eqn));
    if (from) masked.set(eqn.outputs[0], from);
  }
}

/** A tensor no trainer could allocate: 2³¹ or more elements per sample. */
function checkSize(s: Shape, span: Span): void {
  const per = s.reduce((a: number, d) => (d === "B" ? a : a * d), 1);
  if (per >= 2 ** 31) {
    fail(
      "DL3011",
      `a tensor of shape ${fmt(s)} has ${per.toExponential(2)} elements${s[0] === "B" ? " per sample" : ""}, more than a trainer can allocate (2^31)`,
      span,
      {
        hint: "use smaller layers",
      },
    );
  }
}

/** A loss op of the registry (its target may take the prediction's shape). */
const isLoss = (op: OpName): boolean => op !== "call" && (ops[op] as Partial<PrimitiveOp>).loss !== undefined;

/** Step losses are scalars; the data's columns fit the train inputs. */
function checkTrain(t: TrainIR, diagnostics: Diagnostic[]): boolean {
  const before = diagnostics.length;
  const values = t.graph.values;
  for (const step of t.steps) {
    const loss = values[step.loss];
    if (loss.shape!.length !== 0) {
      const def = t.graph.eqns.find((e) => e.outputs[0] === step.loss);
      diagnostics.push({
        code: "DL3009",
        severity: "error",
        message: `the loss of \`step ${step.model}\` must be a scalar, but it has shape ${fmt(loss.shape!)}`,
        span: def?.span ?? step.span,
        hint: "use a loss function, or reduce with `mean(...)`",
      });
    }
  }
  if (t.data) {
    const inputs = t.graph.inputs.map((id) => values[id]);
    const cols = t.data.columns;
    if (cols.length !== inputs.length) {
      diagnostics.push({
        code: "DL3008",
        severity: "error",
        message: `the data yields ${cols.length} column${cols.length === 1 ? "" : "s"} (${cols.map((c) => c.name).join(", ")}), but \`train ${t.name}\` takes ${inputs.length} (${inputs.map((v) => v.name).join(", ")})`,
        span: t.data.span,
        hint: t.data.source.kind === "mnist" ? "`mnist.images` yields only the images" : undefined,
      });
    } else {
      cols.forEach((col, i) => {
        const want = inputs[i].shape!.slice(1);
        if (col.shape && !sameShape(col.shape, want)) {
          diagnostics.push({
            code: "DL3008",
            severity: "error",
            message: `the data's ${col.name} have shape ${fmt(col.shape)} per sample, but \`${inputs[i].name}\` takes ${fmt(want)}`,
            span: t.data!.span,
            hint: dataHint(col.shape, want),
          });
        }
      });
    }
  }
  return diagnostics.length === before;
}

function dataHint(have: Shape, want: Shape): string | undefined {
  const size = (s: Shape) => s.reduce((a: number, d) => a * (d as number), 1);
  if (size(have) !== size(want)) return undefined;
  if (want.length === 1) return "add `flatten=true` to the data source";
  if (want.length === 2) return "add `rows_as_steps=true` to the data source";
  return "drop `flatten`/`rows_as_steps` from the data source";
}
