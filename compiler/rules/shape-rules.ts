// Shape rules: one per op, in one table (a test fails when an op has none). A rule gets
// the shapes of an eqn's data inputs (parameters excluded) and returns the output shape,
// its dtype, and the shapes of the parameters the eqn owns. Rules report user mistakes
// with `fail` (the shapes pass locates them at the eqn's span).
import type { Attrs, Dim, DType, ModelIR, OpName, Shape } from "../ir/ir.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { Span } from "../source.js";

export interface ShapeCtx {
  readonly op: OpName;
  readonly attrs: Attrs;
  readonly inputs: readonly Shape[];
  readonly dtypes: readonly DType[];
  readonly span: Span;
  /** Models already typed, for `call`. */
  readonly models: ReadonlyMap<string, ModelIR>;
}

export interface ShapeResult {
  readonly out: Shape;
  readonly dtype?: DType;
  readonly params?: readonly Shape[];
}

export type ShapeRule = (c: ShapeCtx) => ShapeResult;

export const fmt = (s: Shape): string => `[${s.join(", ")}]`;
export const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const num = (d: Dim): number => (d === "B" ? NaN : d);
const pair = (v: unknown): [number, number] => v as [number, number];

function rank(c: ShapeCtx, i: number, want: number, what: string, hint?: string): Shape {
  const s = c.inputs[i];
  if (s.length !== want) fail("DL3006", `\`${c.op}\` expects ${what} (rank ${want}), found ${fmt(s)}`, c.span, hint ? { hint } : {});
  return s;
}

/** Output size of a sliding window along one axis (Keras/TF semantics). */
function windowOut(c: ShapeCtx, size: number, window: number, stride: number, padding: string, axis: string): number {
  if (padding === "same") return Math.ceil(size / stride);
  if (window > size) {
    fail(
      "DL3005",
      `the ${c.op === "conv2d" ? "kernel" : "pool window"} (${window} along ${axis}) is larger than its input (${size})`,
      c.span,
      {
        hint: `use a window of at most ${size}, or padding=same`,
      },
    );
  }
  return Math.floor((size - window) / stride) + 1;
}

function spatial(c: ShapeCtx, window: [number, number], strides: [number, number], padding: string): [number, number] {
  const [, h, w] = c.inputs[0];
  if (h === "B" || w === "B") fail("DL3006", `\`${c.op}\` needs static height and width, found ${fmt(c.inputs[0])}`, c.span);
  return [windowOut(c, h, window[0], strides[0], padding, "height"), windowOut(c, w, window[1], strides[1], padding, "width")];
}

/** Numpy broadcasting; `B` matches `B` or 1. */
export function broadcast(a: Shape, b: Shape): Shape | undefined {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === y || y === 1) out.push(x);
    else if (x === 1) out.push(y);
    else return undefined;
  }
  return out;
}

const same: ShapeRule = (c) => ({ out: c.inputs[0] });

const elementwise: ShapeRule = (c) => {
  const out = broadcast(c.inputs[0], c.inputs[1]);
  if (out && out.slice(1).includes("B")) {
    fail(
      "DL3003",
      `combining ${fmt(c.inputs[0])} and ${fmt(c.inputs[1])} with \`${c.op}\` would put the batch B in position ${out.lastIndexOf("B") + 1} of ${fmt(out)}`,
      c.span,
      {
        hint: "operands with the batch need it first in both; use keepdims=true on a reduction to keep the axes aligned",
      },
    );
  }
  if (!out)
    fail("DL3003", `cannot combine shapes ${fmt(c.inputs[0])} and ${fmt(c.inputs[1])} with \`${c.op}\``, c.span, {
      hint: "elementwise operands need equal shapes, or sizes of 1 that broadcast",
    });
  return { out };
};

const pool: ShapeRule = (c) => {
  const [b, , , ch] = rank(c, 0, 4, "[B, height, width, channels]");
  const [oh, ow] = spatial(c, pair(c.attrs.pool), pair(c.attrs.strides), c.attrs.padding as string);
  return { out: [b, oh, ow, ch] };
};

/** The loss target must match the prediction; a scalar broadcasts; [B] matches [B, 1]. */
function lossTarget(c: ShapeCtx, target: Shape, pred: Shape, hint: string): void {
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

export const shapeRules: Readonly<Record<OpName, ShapeRule>> = {
  dense: (c) => {
    const x = c.inputs[0];
    const inF = x[x.length - 1];
    if (x.length < 2 || inF === "B") fail("DL3006", `\`dense\` needs a feature axis, found ${fmt(x)}`, c.span);
    const units = c.attrs.units as number;
    return { out: [...x.slice(0, -1), units], params: c.attrs.use_bias ? [[inF, units], [units]] : [[inF, units]] };
  },
  conv2d: (c) => {
    const [b, , , ch] = rank(
      c,
      0,
      4,
      "[B, height, width, channels]",
      "reshape the input first, e.g. `reshape([28, 28, 1])`, or load images unflattened",
    );
    const k = pair(c.attrs.kernel);
    const [oh, ow] = spatial(c, k, pair(c.attrs.strides), c.attrs.padding as string);
    const f = c.attrs.filters as number;
    const kernel: Shape = [k[0], k[1], ch, f];
    return { out: [b, oh, ow, f], params: c.attrs.use_bias ? [kernel, [f]] : [kernel] };
  },
  maxpool2d: pool,
  avgpool2d: pool,
  reshape: (c) => {
    const x = c.inputs[0];
    if (x.length === 0)
      fail("DL3006", "cannot flatten or reshape a scalar", c.span, { hint: "reshape works on tensors [B, ...], keeping the batch" });
    const [lead, ...rest] = x;
    if (rest.includes("B")) fail("DL3006", `cannot reshape ${fmt(x)}: only the batch dimension may be symbolic`, c.span);
    const size = rest.reduce((a: number, d) => a * num(d), 1);
    const target = c.attrs.target as readonly number[];
    const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
    const out = target.map((d) => (d === -1 ? size / known : d));
    if (out.some((d) => !Number.isInteger(d)) || out.reduce((a, d) => a * d, 1) !== size) {
      fail("DL3007", `cannot reshape ${fmt(x)} (${size} values per sample) to ${fmt(target)}`, c.span);
    }
    return { out: [lead, ...out] };
  },
  dropout: same,
  lstm: (c) => {
    const [b, t, f] = rank(
      c,
      0,
      3,
      "[B, time, features]",
      "load images with `rows_as_steps=true` for 28 steps of 28 features, or `reshape([steps, features])`",
    );
    const u = c.attrs.units as number;
    return { out: c.attrs.return_sequences ? [b, t, u] : [b, u], params: [[f, 4 * u], [u, 4 * u], [4 * u]] };
  },
  relu: same,
  sigmoid: same,
  tanh: same,
  leaky_relu: same,
  softmax: (c) => {
    const axis = c.attrs.axis as number;
    const r = c.inputs[0].length;
    if (axis < -r || axis >= r) fail("DL3010", `softmax axis ${axis} is out of range for ${fmt(c.inputs[0])}`, c.span);
    return { out: c.inputs[0] };
  },
  add: elementwise,
  sub: elementwise,
  mul: elementwise,
  div: elementwise,
  neg: same,
  matmul: (c) => {
    const [a, b] = c.inputs;
    if (a.length < 1)
      fail("DL3004", `\`@\` needs a vector or matrix on the left, found the scalar shape ${fmt(a)}`, c.span, {
        hint: "to scale by a number, write `*`",
      });
    if (b.length !== 2)
      fail("DL3004", `\`@\` needs a matrix [k, n] on the right, found ${fmt(b)}`, c.span, { hint: "write a vector as a [k, 1] matrix" });
    const k = a[a.length - 1];
    if (k === "B")
      fail("DL3004", `\`@\` would sum over the batch B of ${fmt(a)}`, c.span, {
        hint: "matmul contracts the last axis of the left operand, which must be a feature axis",
      });
    if (k !== b[0]) {
      fail("DL3004", `cannot multiply ${fmt(a)} by ${fmt(b)}: inner sizes ${k} and ${b[0]} differ`, c.span, {
        hint: "in a @ b the last size of a must equal the first size of b",
      });
    }
    return { out: [...a.slice(0, -1), ...b.slice(1)] };
  },
  sum: reduce,
  mean: reduce,
  constant: () => ({ out: [] }),
  normal: (c) => ({ out: c.attrs.shape as Shape }),
  uniform: (c) => ({ out: c.attrs.shape as Shape }),
  stop_gradient: same,
  call: (c) => {
    const model = c.models.get(c.attrs.model as string)!;
    const g = model.graph;
    g.inputs.forEach((id, i) => {
      const want = g.values[id].shape!;
      const given = c.inputs[i];
      if (!sameShape(given, want)) {
        // Same batch and the same number of values per sample: only the layout differs.
        const perSample = (x: Shape) =>
          x[0] === "B" && !x.slice(1).includes("B") ? x.slice(1).reduce((a: number, d) => a * num(d), 1) : NaN;
        const relayout = perSample(given) === perSample(want);
        const hint = !relayout
          ? `the argument must have shape ${fmt(want)}: ${want[0] === "B" ? "one row per sample, " : ""}${fmt(want.slice(1))} each`
          : want.length === 2
            ? "flatten the input first with `flatten()`"
            : `reshape the input first with \`reshape(${fmt(want.slice(1))})\``;
        fail("DL3001", `model \`${model.name}\` takes \`${g.values[id].name}\` of shape ${fmt(want)}, but is given ${fmt(given)}`, c.span, {
          hint,
        });
      }
    });
    const out = g.values[g.outputs[0]];
    return { out: out.shape!, dtype: out.dtype };
  },
  mse: elementLoss,
  binary_crossentropy: elementLoss,
  categorical_crossentropy: (c) => {
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
  sparse_categorical_crossentropy: (c) => {
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
};

function reduce(c: ShapeCtx): ShapeResult {
  const x = c.inputs[0];
  const axes = (c.attrs.axes as readonly number[] | null) ?? x.map((_, i) => i);
  const norm = axes.map((a) => {
    if (a < -x.length || a >= x.length) fail("DL3010", `axis ${a} is out of range for ${fmt(x)}`, c.span);
    return a < 0 ? a + x.length : a;
  });
  const keep = c.attrs.keepdims as boolean;
  return { out: x.flatMap((d, i) => (norm.includes(i) ? (keep ? [1] : []) : [d])) };
}
