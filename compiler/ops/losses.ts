// Losses with Keras semantics, each a scalar: the mean over the batch (and, for mse, mae,
// huber and binary cross-entropy, over the last axis first; kl_divergence sums the last
// axis). Cross-entropies on a softmax or sigmoid output read the logits instead
// (middle/logits.ts marks them `from_logits`: a stable form), as does an explicit
// `from_logits=true` on the tensor it is given; otherwise they clip probabilities as Keras
// does. `label_smoothing` smooths binary and categorical targets. One gradient op,
// `loss_grad`, serves every loss (its attrs name the loss). Reference kernels
// runtime/kernels/losses.ts; WebAssembly kernels wasm/kernels/losses.ts (f64 sums).
import { fail } from "../diagnostics/diagnostic.js";
import type { Shape } from "../ir/ir.js";
import { tensor, type ArgSpec } from "../lang/args.js";
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
import { addLoss, elementwiseLosses, lossGradParams, lossParams, type LossKind, type LossSpec } from "../wasm/kernels/losses.js";
import type { ValueId } from "../ir/ir.js";
import type { PytorchRule } from "../emit/pytorch/rules.js";

export type LossName = LossKind;
export type Names = { primitive: LossName; composite: never; train: "loss_grad" };

/**
 * `from_logits`: true when the call says so (the prediction holds logits) or when
 * middle/logits.ts rerouted the loss to a softmax's or sigmoid's input; `label_smoothing`
 * only when above 0; `delta` for huber.
 */
export type LossAttrs = {
  readonly from_logits?: boolean;
  readonly label_smoothing?: number;
  readonly delta?: number;
  /** Sparse cross-entropy: the label of padding positions, masked out of the mean (Keras's ignore_class). */
  readonly ignore_class?: number;
  /** Cross-entropies: a weight per class (the `class_weight` train setting), in a weighted kernel (kernels/class-weight.ts). */
  readonly class_weight?: readonly number[];
};
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

/**
 * The TypeScript call of a loss (`dl` absent) or of its gradient into `dp`: the kernel's
 * name, the arguments before `dl` and those after it (label smoothing, only when used).
 */
type LossCall = (c: EmitCtx<unknown>, p: number, t: number, a: LossAttrs, m?: number) => [string, string[], string[]];

const ts0 = (c: EmitCtx<unknown>, t: number) => String(T.shape(c, t).length === 0);
const lsArg = (a: LossAttrs) => (a.label_smoothing ? [String(a.label_smoothing)] : []);
const lossCall: Readonly<Record<LossName, LossCall>> = {
  mse: (c, p, t) => ["mse", [c.buf(p), c.buf(t), c.size(p), ts0(c, t)], []],
  mae: (c, p, t) => ["mae", [c.buf(p), c.buf(t), c.size(p), ts0(c, t)], []],
  huber: (c, p, t, a) => ["huber", [c.buf(p), c.buf(t), c.size(p), ts0(c, t), String(a.delta ?? 1)], []],
  kl_divergence: (c, p, t) => ["klDivergence", [c.buf(p), c.buf(t), c.size(p), String(T.last(c, p)), ts0(c, t)], []],
  binary_crossentropy: (c, p, t, a) => [
    "binaryCrossentropy",
    [c.buf(p), c.buf(t), c.size(p), ts0(c, t), String(!!a.from_logits)],
    lsArg(a),
  ],
  categorical_crossentropy: (c, p, t, a) => [
    "categoricalCrossentropy",
    [c.buf(p), c.buf(t), T.rows(c, p), String(T.last(c, p)), String(!!a.from_logits)],
    lsArg(a),
  ],
  sparse_categorical_crossentropy: (c, p, t, a, m) => [
    "sparseCategoricalCrossentropy",
    [c.buf(p), c.buf(t), T.rows(c, p), String(T.last(c, p)), String(!!a.from_logits)],
    m !== undefined ? [String(a.ignore_class ?? -1), c.buf(m)] : a.ignore_class !== undefined ? [String(a.ignore_class)] : [],
  ],
};

/** The class-weighted kernels: their names, and the arguments before `dl` (the weights come after it). */
const weightedCall: Readonly<Partial<Record<LossName, (c: EmitCtx<unknown>, p: number, t: number, a: LossAttrs) => [string, string[]]>>> = {
  sparse_categorical_crossentropy: (c, p, t, a) => [
    "weightedSparseCrossentropy",
    [c.buf(p), c.buf(t), T.rows(c, p), String(T.last(c, p)), String(!!a.from_logits)],
  ],
  categorical_crossentropy: (c, p, t, a) => [
    "weightedCategoricalCrossentropy",
    [c.buf(p), c.buf(t), T.rows(c, p), String(T.last(c, p)), String(!!a.from_logits)],
  ],
  binary_crossentropy: (c, p, t, a) => ["weightedBinaryCrossentropy", [c.buf(p), c.buf(t), c.size(p), ts0(c, t), String(!!a.from_logits)]],
};

/** `K.loss(p, t, …)` or, given `dl`, `K.lossGrad(dp, p, t, …, dl, …);`. */
function lossCode(c: EmitCtx<unknown>, name: LossName, p: number, t: number, a: LossAttrs, dl?: string, dp?: string, m?: number): string {
  const weighted = a.class_weight && weightedCall[name];
  if (weighted) {
    const [fn, before] = weighted(c, p, t, a);
    const w = c.hoist(`class_weight_${a.class_weight!.length}`, `const NAME = new Float64Array([${a.class_weight!.join(", ")}]);`);
    // Only the sparse cross-entropy takes a padding mask (its mask rule), after the weights.
    const after = [w, ...lsArg(a), ...(m !== undefined ? [c.buf(m)] : [])];
    return dl ? `K.${fn}Grad(${[dp, ...before, dl, ...after].join(", ")});` : `K.${fn}(${[...before, ...after].join(", ")})`;
  }
  const [fn, before, after] = lossCall[name](c, p, t, a, m);
  return dl ? `K.${fn}Grad(${[dp, ...before, dl, ...after].join(", ")});` : `K.${fn}(${[...before, ...after].join(", ")})`;
}

/** A loss's kernel spec from its prediction and target, or null where the rows are not static per batch row. */
function lossSpec(c: WasmCtx<unknown>, loss: LossKind, p: number, t: number, a: LossAttrs, masked: boolean): Omit<LossSpec, "name"> | null {
  const ps = W.shape(c, p);
  const cols = ps[ps.length - 1];
  if (cols === "B" || ps.length === 0) return null; // a [B] prediction: the TypeScript kernel
  // Integer labels as floats (an explicit `y: [B]` input is f32): the TypeScript kernel reads either.
  if (loss === "sparse_categorical_crossentropy" && c.value(t).dtype !== "i32") return null;
  // A masked mean (ignore_class, a padding mask): the TypeScript kernel, on views of the memory.
  if (a.ignore_class !== undefined || masked) return null;
  // Class weights: the TypeScript kernel (kernels/class-weight.ts), on views of the memory.
  if (a.class_weight !== undefined) return null;
  const lead = ps.slice(0, -1);
  return {
    loss,
    fromLogits: a.from_logits || undefined,
    rowsPerBatch: lead.reduce((n: number, d) => n * (d === "B" ? 1 : d), 1),
    batched: lead.includes("B"),
    cols,
    tScalar: elementwiseLosses.has(loss) && W.shape(c, t).length === 0 ? true : undefined,
    labelSmoothing: a.label_smoothing || undefined,
    delta: loss === "huber" ? (a.delta ?? 1) : undefined,
  };
}

/** Losses of p − t alone, whose target's gradient is minus the prediction's. */
const differenceLosses: ReadonlySet<string> = new Set(["mse", "mae", "huber"]);

/** The prediction's gradient of any loss; an mse, mae or huber target that depends on parameters gets −that. */
const lossVjp: VjpRule<LossAttrs> = (c) => {
  // A padding mask (the mask rule's third input) goes on to the gradient, after dl.
  const [pred, target, ...mask] = c.eqn.inputs;
  const dpred = c.emit("loss_grad", [pred, target, c.dy, ...mask], { ...c.eqn.attrs, loss: c.eqn.op }, shapeOf(c, pred), pred);
  let dtarget: ValueId | null = null;
  if (c.needs[1]) {
    if (!differenceLosses.has(c.eqn.op)) throw new TargetGradientError(c.eqn);
    const full = c.emit("neg", [dpred], {}, shapeOf(c, pred), target, "_full");
    const ts = shapeOf(c, target);
    // A [B, ...] target of a [B, ..., 1] prediction lines up on the left (the loss drops
    // the trailing 1), not by numpy's right alignment: its gradient is a reshape, not a sum.
    const dropsLastAxis = ts.length > 0 && ts.length === shapeOf(c, pred).length - 1;
    dtarget = dropsLastAxis ? c.emit("reshape", [full], { target: ts.slice(1) as number[] }, ts, target) : sumTo(c, full, target);
  }
  return [c.needs[0] ? dpred : null, dtarget, ...mask.map(() => null)];
};

/** The PyTorch target: dlm_torch's losses (Keras's: means over the batch, clipped probabilities), from the logits where the emitter found them. */
const torchLosses: Partial<Record<LossName, readonly [string, string]>> = {
  binary_crossentropy: ["dlm.bce", "dlm.bce_logits"],
  categorical_crossentropy: ["dlm.cce", "dlm.cce_logits"],
  sparse_categorical_crossentropy: ["dlm.sparse_cce", "dlm.sparse_cce_logits"],
  mse: ["dlm.mse", "dlm.mse"],
  mae: ["dlm.mae", "dlm.mae"],
};
const lossTorch =
  (name: LossName): PytorchRule<LossAttrs> =>
  (c) => {
    const f = torchLosses[name];
    if (!f) return { unsupported: "has no PyTorch emission rule" };
    const a = c.attrs;
    if (a.label_smoothing || a.class_weight) return { unsupported: "with label smoothing or class weights has no PyTorch emission rule" };
    const fn = f[a.from_logits ? 1 : 0];
    // The sparse cross-entropy's mean over the positions kept: label ≠ ignore_class, the padding mask 1.
    if ((a.ignore_class ?? -1) >= 0 || c.mask) return `${fn}(${c.args[0]}, ${c.args[1]}, ${a.ignore_class ?? -1}, ${c.mask ?? "None"})`;
    return `${fn}(${c.args[0]}, ${c.args[1]})`;
  };

const loss = (name: LossName, shape: ShapeRule, logits?: "softmax" | "sigmoid", masked?: true): PrimitiveOp =>
  primitive<LossAttrs>({
    keras: { type: "Loss", base: name },
    pytorch: lossTorch(name),
    shape,
    loss: logits ? { logits } : {},
    // A masked prediction: the mean over its unmasked positions (Keras 3's masked losses).
    ...(masked ? { mask: { carries: () => false, input: true } } : {}),
    vjp: lossVjp,
    ts: (c) => {
      const [p, t, m] = c.eqn.inputs;
      return `${T.out(c)}[0] = ${lossCode(c, name, p, t, c.attrs, undefined, undefined, m)};`;
    },
    wasm: (c) => {
      const [p, t, m] = c.eqn.inputs;
      const spec = lossSpec(c, name, p, t, c.attrs, m !== undefined);
      if (!spec) return null;
      return W.call(c, "loss", spec, addLoss, lossParams, { p: c.addr(p), t: c.addr(t), out: W.out(c) });
    },
  });

/** A rule for losses over a distribution axis: the prediction needs one (rank ≥ 2, DL3002). */
const classAxis =
  (what: string, rule: ShapeRule): ShapeRule =>
  (c) => {
    const pred = c.inputs[0];
    if (pred.length < 2) fail("DL3002", `${c.op} needs ${what} [B, classes], found ${fmt(pred)}`, c.span);
    return rule(c);
  };

export const ops: OpTable<Names> = {
  mse: loss("mse", elementLoss),
  mae: loss("mae", elementLoss),
  huber: loss("huber", elementLoss),
  kl_divergence: loss("kl_divergence", classAxis("distributions", elementLoss)),
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
    true,
  ),
  loss_grad: trainOp<LossGradAttrs>({
    vjp: none,
    ts: (c) => {
      const [p, t, dl, m] = c.eqn.inputs;
      return lossCode(c, c.attrs.loss, p, t, c.attrs, `${c.buf(dl)}[0]`, T.out(c), m);
    },
    wasm: (c) => {
      const [p, t, dl, m] = c.eqn.inputs;
      const spec = lossSpec(c, c.attrs.loss, p, t, c.attrs, m !== undefined);
      if (!spec) return null;
      return W.call(c, "loss_grad", spec, addLossGrad, lossGradParams, { dp: W.out(c), p: c.addr(p), t: c.addr(t), dl: c.addr(dl) });
    },
  }),
};

const fromLogits: ArgSpec = {
  name: "from_logits",
  type: { t: "bool" },
  default: false,
  doc: "the prediction holds logits (no softmax or sigmoid applied): the stable form on it",
};
const labelSmoothing = (to: string): ArgSpec => ({
  name: "label_smoothing",
  type: { t: "float", min: 0, max: 1 },
  default: 0,
  doc: `targets become t·(1 − ls) + ${to} (Keras)`,
});

/** The loss's attributes from its options: only those it has, and only when they change something. */
function lossAttrs(name: LossName, arg: <T>(k: string) => T, has: (k: string) => boolean): LossAttrs {
  const a: { -readonly [K in keyof LossAttrs]: LossAttrs[K] } = {};
  if (has("from_logits") && arg<boolean>("from_logits")) a.from_logits = true;
  if (has("label_smoothing") && arg<number>("label_smoothing") > 0) a.label_smoothing = arg<number>("label_smoothing");
  if (name === "huber") a.delta = arg<number>("delta");
  if (has("ignore_class") && arg<number | null>("ignore_class") !== null) a.ignore_class = arg<number>("ignore_class");
  return a;
}

const lossSurface = (name: LossName, doc: string, options: readonly ArgSpec[] = [], absent?: Record<string, string>): CallSurface => ({
  name,
  kind: "loss",
  args: [tensor("prediction", "the model's output"), tensor("target", "the target (a number broadcasts)"), ...options],
  doc,
  ...(absent ? { absent } : {}),
  lower: (c) =>
    c.op(
      name,
      [c.tensor("prediction"), c.tensor("target")],
      lossAttrs(
        name,
        (k) => c.arg(k) as never,
        (k) => options.some((o) => o.name === k),
      ),
    ),
});

export const surfaces: readonly CallSurface[] = [
  lossSurface("mse", "mean squared error: mean over the last axis, then over the batch"),
  lossSurface("mae", "mean absolute error: mean of |prediction − target| over the last axis, then over the batch"),
  lossSurface("huber", "Huber loss: 0.5·e² where |e| ≤ delta, else delta·(|e| − 0.5·delta); mean over the last axis, then the batch", [
    {
      name: "delta",
      type: { t: "float", min: 0, minOpen: true },
      default: 1,
      doc: "where the loss turns from quadratic to linear (Keras default 1.0)",
    },
  ]),
  lossSurface(
    "kl_divergence",
    "Kullback-Leibler divergence: target and prediction clipped to [1e-7, 1], Σ target·log(target/prediction) over the last axis, mean over the batch",
  ),
  lossSurface(
    "categorical_crossentropy",
    "cross-entropy against one-hot (or soft) targets [B, classes]; from the logits when the prediction is a softmax",
    [fromLogits, labelSmoothing("ls/classes")],
  ),
  lossSurface(
    "sparse_categorical_crossentropy",
    "cross-entropy against integer class labels [B] (or per position, [B, T]); from the logits when the prediction is a softmax",
    [
      fromLogits,
      {
        name: "ignore_class",
        type: { t: "int", min: 0 },
        default: null,
        doc: "a label that marks padding: its positions are masked out, the loss is the mean over the others (Keras)",
      },
    ],
    {
      label_smoothing:
        "Keras's sparse cross-entropy has no label smoothing: use one-hot targets (`one_hot=true`) with categorical_crossentropy(label_smoothing=...)",
    },
  ),
  lossSurface(
    "binary_crossentropy",
    "binary cross-entropy, mean over the last axis then the batch; from the logits when the prediction is a sigmoid",
    [fromLogits, labelSmoothing("ls/2")],
  ),
];
