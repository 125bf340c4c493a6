// Losses with Keras semantics, each a scalar: the mean over the batch (and, for mse and
// binary cross-entropy, over the last axis first). Cross-entropies on a softmax or sigmoid
// output read the logits instead (middle/logits.ts marks them `from_logits`: a stable
// form); otherwise they clip probabilities as Keras does. One gradient op, `loss_grad`,
// serves every loss (its attrs name the loss). Reference kernels runtime/kernels/losses.ts;
// WebAssembly kernels wasm/kernels/losses.ts (f64 sums).
import { fail } from "../diagnostics/diagnostic.js";
import type { Shape } from "../ir/ir.js";
import { tensor } from "../lang/args.js";
import {
  primitive,
  trainOp,
  type CallSurface,
  type EmitCtx,
  type OpTable,
  type PrimitiveOp,
  type ShapeCtx,
  type ShapeRule,
  type VjpRule,
  type WasmCtx,
} from "./op.js";
import { fmt, sameShape } from "./kit/shape.js";
import { none, shapeOf, sumTo, TargetGradientError } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { addLossGrad } from "../wasm/kernels/loss-grad.js";
import { addLoss, lossGradParams, lossParams, type LossKind, type LossSpec } from "../wasm/kernels/losses.js";
import type { ValueId } from "../ir/ir.js";

export type LossName = "mse" | "categorical_crossentropy" | "sparse_categorical_crossentropy" | "binary_crossentropy";
export type Names = { primitive: LossName; composite: never; train: "loss_grad" };

export type LossAttrs = { readonly from_logits?: boolean };
export type LossGradAttrs = LossAttrs & { readonly loss: LossName };

/** The loss target must match the prediction; a scalar broadcasts; [B] matches [B, 1]. */
function lossTarget(c: ShapeCtx<unknown>, target: Shape, pred: Shape, hint: string): void {
  const ok = target.length === 0 || sameShape(target, pred) || (pred[pred.length - 1] === 1 && sameShape(target, pred.slice(0, -1)));
  if (!ok)
    fail("DL3002", `\`${c.op}\` compares a prediction of shape ${fmt(pred)} with a target of shape ${fmt(target)}`, c.span, { hint });
}

const elementLoss: ShapeRule = (c) => {
  const [pred, target] = c.inputs;
  lossTarget(
    c,
    target,
    pred,
    c.op === "binary_crossentropy"
      ? `a binary target needs a prediction with one output per target, e.g. \`dense(1, activation=sigmoid)\`; for ${pred[pred.length - 1]} classes use sparse_categorical_crossentropy`
      : "prediction and target need the same shape",
  );
  return { out: [] };
};

/** The TypeScript call of a loss (`dl` absent) or of its gradient into `dp`. */
type LossCall = (c: EmitCtx<unknown>, p: number, t: number, fromLogits: boolean, dl?: string, dp?: string) => string;

const lossCall: Readonly<Record<LossName, LossCall>> = {
  mse: (c, p, t, _l, dl, dp) =>
    dl
      ? `K.mseGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${T.shape(c, t).length === 0}, ${dl});`
      : `K.mse(${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${T.shape(c, t).length === 0})`,
  binary_crossentropy: (c, p, t, l, dl, dp) =>
    dl
      ? `K.binaryCrossentropyGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${T.shape(c, t).length === 0}, ${l}, ${dl});`
      : `K.binaryCrossentropy(${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${T.shape(c, t).length === 0}, ${l})`,
  categorical_crossentropy: (c, p, t, l, dl, dp) =>
    dl
      ? `K.categoricalCrossentropyGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${T.rows(c, p)}, ${T.last(c, p)}, ${l}, ${dl});`
      : `K.categoricalCrossentropy(${c.buf(p)}, ${c.buf(t)}, ${T.rows(c, p)}, ${T.last(c, p)}, ${l})`,
  sparse_categorical_crossentropy: (c, p, t, l, dl, dp) =>
    dl
      ? `K.sparseCategoricalCrossentropyGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${T.rows(c, p)}, ${T.last(c, p)}, ${l}, ${dl});`
      : `K.sparseCategoricalCrossentropy(${c.buf(p)}, ${c.buf(t)}, ${T.rows(c, p)}, ${T.last(c, p)}, ${l})`,
};

/** A loss's kernel spec from its prediction and target, or null where the rows are not static per batch row. */
function lossSpec(c: WasmCtx<unknown>, loss: LossKind, p: number, t: number, fromLogits: boolean): Omit<LossSpec, "name"> | null {
  const ps = W.shape(c, p);
  const cols = ps[ps.length - 1];
  if (cols === "B" || ps.length === 0) return null; // a [B] prediction: the TypeScript kernel
  // Integer labels as floats (an explicit `y: [B]` input is f32): the TypeScript kernel reads either.
  if (loss === "sparse_categorical_crossentropy" && c.value(t).dtype !== "i32") return null;
  const lead = ps.slice(0, -1);
  return {
    loss,
    fromLogits: fromLogits || undefined,
    rowsPerBatch: lead.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1),
    batched: lead.includes("B"),
    cols,
    tScalar: (loss === "mse" || loss === "binary_crossentropy") && W.shape(c, t).length === 0 ? true : undefined,
  };
}

/** The prediction's gradient of any loss; an MSE target that depends on parameters gets −that. */
const lossVjp: VjpRule<LossAttrs> = (c) => {
  const [pred, target] = c.eqn.inputs;
  const dpred = c.emit("loss_grad", [pred, target, c.dy], { ...c.eqn.attrs, loss: c.eqn.op }, shapeOf(c, pred), pred);
  let dtarget: ValueId | null = null;
  if (c.needs[1]) {
    if (c.eqn.op !== "mse") throw new TargetGradientError(c.eqn);
    const full = c.emit("neg", [dpred], {}, shapeOf(c, pred), target, "_full");
    const ts = shapeOf(c, target);
    // A [B, ...] target of a [B, ..., 1] prediction lines up on the left (the loss drops
    // the trailing 1), not by numpy's right alignment: its gradient is a reshape, not a sum.
    const dropsLastAxis = ts.length > 0 && ts.length === shapeOf(c, pred).length - 1;
    dtarget = dropsLastAxis ? c.emit("reshape", [full], { target: ts.slice(1) as number[] }, ts, target) : sumTo(c, full, target);
  }
  return [c.needs[0] ? dpred : null, dtarget];
};

const loss = (name: LossName, shape: ShapeRule, logits?: "softmax" | "sigmoid"): PrimitiveOp =>
  primitive<LossAttrs>({
    keras: { type: "Loss", base: name },
    shape,
    loss: logits ? { logits } : {},
    vjp: lossVjp,
    ts: (c) => {
      const [p, t] = c.eqn.inputs;
      return `${T.out(c)}[0] = ${lossCall[name](c, p, t, !!c.attrs.from_logits)};`;
    },
    wasm: (c) => {
      const [p, t] = c.eqn.inputs;
      const spec = lossSpec(c, name, p, t, !!c.attrs.from_logits);
      if (!spec) return null;
      return W.call(c, "loss", spec, addLoss, lossParams, { p: c.addr(p), t: c.addr(t), out: W.out(c) });
    },
  });

export const ops: OpTable<Names> = {
  mse: loss("mse", elementLoss),
  binary_crossentropy: loss("binary_crossentropy", elementLoss, "sigmoid"),
  categorical_crossentropy: loss(
    "categorical_crossentropy",
    (c) => {
      const [pred, target] = c.inputs;
      if (pred.length < 2) fail("DL3002", `categorical_crossentropy needs class scores [B, classes], found ${fmt(pred)}`, c.span);
      lossTarget(
        c,
        target,
        pred,
        sameShape(target, pred.slice(0, -1))
          ? "the target holds class indices: use sparse_categorical_crossentropy, or one-hot labels (`one_hot=true`)"
          : "the target needs one entry per class",
      );
      return { out: [] };
    },
    "softmax",
  ),
  sparse_categorical_crossentropy: loss(
    "sparse_categorical_crossentropy",
    (c) => {
      const [pred, target] = c.inputs;
      if (pred.length < 2) fail("DL3002", `sparse_categorical_crossentropy needs class scores [B, classes], found ${fmt(pred)}`, c.span);
      const labels = pred.slice(0, -1);
      if (!sameShape(target, labels) && !sameShape(target, [...labels, 1])) {
        fail(
          "DL3002",
          `sparse_categorical_crossentropy compares scores ${fmt(pred)} with integer labels, which must have shape ${fmt(labels)}, found ${fmt(target)}`,
          c.span,
          {
            hint: sameShape(target, pred) ? "one-hot targets need categorical_crossentropy" : undefined,
          },
        );
      }
      return { out: [] };
    },
    "softmax",
  ),
  loss_grad: trainOp<LossGradAttrs>({
    vjp: none,
    ts: (c) => {
      const [p, t, dl] = c.eqn.inputs;
      return lossCall[c.attrs.loss](c, p, t, !!c.attrs.from_logits, `${c.buf(dl)}[0]`, T.out(c));
    },
    wasm: (c) => {
      const [p, t, dl] = c.eqn.inputs;
      const spec = lossSpec(c, c.attrs.loss, p, t, !!c.attrs.from_logits);
      if (!spec) return null;
      return W.call(c, "loss_grad", spec, addLossGrad, lossGradParams, { dp: W.out(c), p: c.addr(p), t: c.addr(t), dl: c.addr(dl) });
    },
  }),
};

const lossSurface = (name: LossName, doc: string): CallSurface => ({
  name,
  kind: "loss",
  args: [tensor("prediction", "the model's output"), tensor("target", "the target (a number broadcasts)")],
  doc,
  lower: (c) => c.op(name, [c.tensor("prediction"), c.tensor("target")], {}),
});

export const surfaces: readonly CallSurface[] = [
  lossSurface("mse", "mean squared error: mean over the last axis, then over the batch"),
  lossSurface(
    "categorical_crossentropy",
    "cross-entropy against one-hot (or soft) targets [B, classes]; from the logits when the prediction is a softmax",
  ),
  lossSurface(
    "sparse_categorical_crossentropy",
    "cross-entropy against integer class labels [B]; from the logits when the prediction is a softmax",
  ),
  lossSurface(
    "binary_crossentropy",
    "binary cross-entropy, mean over the last axis then the batch; from the logits when the prediction is a sigmoid",
  ),
];
