// VJP rules: for each op, the gradients of its inputs given the gradient `dy` of its
// output, written as new eqns (mostly the GradOps of train-ir.ts). One table; a test fails
// when an op has no rule (only `lstm` may lack one until the RNN issue). A rule returns
// one entry per eqn input: a gradient value, or null where no gradient flows (or
// `needs[i]` is false). Gradients are already summed to each operand's shape.
import type { Attrs, Shape, ValueId } from "../ir/ir.js";
import type { TEqn, TOp, TValue } from "../ir/train-ir.js";

export interface VjpCtx {
  readonly eqn: TEqn;
  /** The gradient of the eqn's output. */
  readonly dy: ValueId;
  /** Which inputs need a gradient. */
  readonly needs: readonly boolean[];
  value(id: ValueId): TValue;
  /** Adds `op(inputs)` to the backward program: a gradient of `of` (named d<of><suffix>) of `shape`. */
  emit(op: TOp, inputs: readonly ValueId[], attrs: Attrs, shape: Shape, of: ValueId, suffix?: string): ValueId;
}

export type VjpRule = (c: VjpCtx) => (ValueId | null)[];

const shapeOf = (c: VjpCtx, id: ValueId): Shape => c.value(id).shape;
const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** dy reduced to `target`'s shape (identity when the shapes agree). */
function sumTo(c: VjpCtx, dy: ValueId, target: ValueId): ValueId {
  const to = shapeOf(c, target);
  if (sameShape(shapeOf(c, dy), to)) return dy;
  return c.emit("sum_to", [dy], { shape: to }, to, target);
}

const gate = (c: VjpCtx, f: (i: number) => ValueId | null): (ValueId | null)[] => c.eqn.inputs.map((_, i) => (c.needs[i] ? f(i) : null));

/** y = f(x) elementwise with f' from the output (relu, sigmoid, tanh, softmax). */
const fromOutput =
  (op: TOp): VjpRule =>
  (c) => {
    const [x] = c.eqn.inputs;
    const y = c.eqn.outputs[0];
    return [c.needs[0] ? c.emit(op, [c.dy, y], c.eqn.attrs, shapeOf(c, x), x) : null];
  };

const none: VjpRule = (c) => c.eqn.inputs.map(() => null);

export const vjpRules: Readonly<Record<TOp, VjpRule>> = {
  dense: (c) => {
    const [x, w] = c.eqn.inputs;
    return gate(c, (i) => {
      if (i === 0) return c.emit("matmul_nt", [c.dy, w], {}, shapeOf(c, x), x);
      if (i === 1) return c.emit("matmul_tn", [x, c.dy], {}, shapeOf(c, w), w);
      return sumTo(c, c.dy, c.eqn.inputs[2]);
    });
  },
  conv2d: (c) => {
    const [x, k] = c.eqn.inputs;
    return gate(c, (i) => {
      if (i === 0) return c.emit("conv2d_grad_input", [c.dy, k], c.eqn.attrs, shapeOf(c, x), x);
      if (i === 1) return c.emit("conv2d_grad_kernel", [x, c.dy], c.eqn.attrs, shapeOf(c, k), k);
      return sumTo(c, c.dy, c.eqn.inputs[2]);
    });
  },
  maxpool2d: (c) => {
    const [x] = c.eqn.inputs;
    return gate(c, () => c.emit("maxpool2d_grad", [c.dy, x], c.eqn.attrs, shapeOf(c, x), x));
  },
  avgpool2d: (c) => {
    const [x] = c.eqn.inputs;
    return gate(c, () => c.emit("avgpool2d_grad", [c.dy], c.eqn.attrs, shapeOf(c, x), x));
  },
  reshape: (c) => {
    const [x] = c.eqn.inputs;
    return gate(c, () => c.emit("reshape", [c.dy], { target: shapeOf(c, x).slice(1) as number[] }, shapeOf(c, x), x));
  },
  dropout: () => {
    throw new Error("internal: dropout is split into dropout_mask and mul before autodiff");
  },
  relu: fromOutput("relu_grad"),
  sigmoid: fromOutput("sigmoid_grad"),
  tanh: fromOutput("tanh_grad"),
  softmax: fromOutput("softmax_grad"),
  // From the output too: with slope ≥ 0 (the builtin's range), y > 0 exactly where x > 0
  // (−0, 0 and NaN included), so the pre-activation need not be kept for the backward pass.
  leaky_relu: fromOutput("leaky_relu_grad"),
  add: (c) => gate(c, (i) => sumTo(c, c.dy, c.eqn.inputs[i])),
  sub: (c) =>
    gate(c, (i) => {
      const d = sumTo(c, c.dy, c.eqn.inputs[i]);
      return i === 0 ? d : c.emit("neg", [d], {}, shapeOf(c, d), c.eqn.inputs[1]);
    }),
  mul: (c) => {
    const [a, b] = c.eqn.inputs;
    return gate(c, (i) => {
      const other = i === 0 ? b : a;
      const self = i === 0 ? a : b;
      const full = c.emit("mul", [c.dy, other], {}, shapeOf(c, c.dy), self, "_full");
      return sumTo(c, full, self);
    });
  },
  div: (c) => {
    const [a, b] = c.eqn.inputs;
    const y = c.eqn.outputs[0];
    return gate(c, (i) => {
      if (i === 0) return sumTo(c, c.emit("div", [c.dy, b], {}, shapeOf(c, c.dy), a, "_full"), a);
      // d(a/b)/db = −(a/b)/b = −y/b
      const t = c.emit("mul", [c.dy, y], {}, shapeOf(c, c.dy), b, "_t");
      const q = c.emit("div", [t, b], {}, shapeOf(c, c.dy), b, "_q");
      return sumTo(c, c.emit("neg", [q], {}, shapeOf(c, q), b, "_full"), b);
    });
  },
  neg: (c) => gate(c, () => c.emit("neg", [c.dy], {}, shapeOf(c, c.dy), c.eqn.inputs[0])),
  matmul: (c) => {
    const [a, b] = c.eqn.inputs;
    return gate(c, (i) =>
      i === 0 ? c.emit("matmul_nt", [c.dy, b], {}, shapeOf(c, a), a) : c.emit("matmul_tn", [a, c.dy], {}, shapeOf(c, b), b),
    );
  },
  sum: (c) => gate(c, () => c.emit("broadcast_to", [c.dy], { ...c.eqn.attrs, mean: false }, shapeOf(c, c.eqn.inputs[0]), c.eqn.inputs[0])),
  mean: (c) => gate(c, () => c.emit("broadcast_to", [c.dy], { ...c.eqn.attrs, mean: true }, shapeOf(c, c.eqn.inputs[0]), c.eqn.inputs[0])),
  constant: none,
  normal: none,
  uniform: none,
  dropout_mask: none,
  stop_gradient: none,
  mse: lossRule,
  binary_crossentropy: lossRule,
  categorical_crossentropy: lossRule,
  sparse_categorical_crossentropy: lossRule,
  lstm: () => {
    throw new Error("internal: lstm is expanded into dense + lstm_scan before autodiff");
  },
  // BPTT: the loop computes the gates' gradients (= dxw), with only dh·Uᵀ inside it; then
  // dU = Σ_t h_{t−1}ᵀ·dz_t is one GEMM over all (sample, step) rows.
  lstm_scan: (c) => {
    const [xw, u] = c.eqn.inputs;
    const [, hprev, cseq, acts] = c.eqn.outputs;
    const dxw = c.emit("lstm_scan_grad", [c.dy, u, cseq, acts], c.eqn.attrs, shapeOf(c, xw), xw);
    return [c.needs[0] ? dxw : null, c.needs[1] ? c.emit("matmul_tn", [hprev, dxw], {}, shapeOf(c, u), u) : null];
  },
  last_step: (c) => gate(c, () => c.emit("last_step_grad", [c.dy], {}, shapeOf(c, c.eqn.inputs[0]), c.eqn.inputs[0])),
  // Gradient ops are not differentiated again (no second derivatives).
  lstm_scan_grad: none,
  last_step_grad: none,
  relu_grad: none,
  leaky_relu_grad: none,
  sigmoid_grad: none,
  tanh_grad: none,
  softmax_grad: none,
  matmul_nt: none,
  matmul_tn: none,
  sum_to: none,
  broadcast_to: none,
  conv2d_grad_input: none,
  conv2d_grad_kernel: none,
  maxpool2d_grad: none,
  avgpool2d_grad: none,
  loss_grad: none,
};

/** The prediction's gradient of any loss; an MSE target that depends on parameters gets −that. */
function lossRule(c: VjpCtx): (ValueId | null)[] {
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
}

/** A cross-entropy whose target depends on trained parameters: reported by autodiff. */
export class TargetGradientError extends Error {
  constructor(readonly eqn: TEqn) {
    super("gradient through a cross-entropy target");
  }
}
