// Helpers of VJP rules: gradients reduced to an operand's shape, rules gated by `needs`,
// activations differentiated from their output, ops with no gradient.
import type { Shape, ValueId } from "../../ir/ir.js";
import type { TEqn, TOp } from "../../ir/train-ir.js";
import type { VjpCtx, VjpRule } from "../op.js";
import { sameShape } from "./shape.js";

export const shapeOf = (c: VjpCtx<unknown>, id: ValueId): Shape => c.value(id).shape;

/** dy reduced to `target`'s shape (identity when the shapes agree). */
export function sumTo(c: VjpCtx<unknown>, dy: ValueId, target: ValueId): ValueId {
  const to = shapeOf(c, target);
  if (sameShape(shapeOf(c, dy), to)) return dy;
  return c.emit("sum_to", [dy], { shape: to }, to, target);
}

/** One gradient per input, computed by `f` only for the inputs that need one. */
export const gate = (c: VjpCtx<unknown>, f: (i: number) => ValueId | null): (ValueId | null)[] =>
  c.eqn.inputs.map((_, i) => (c.needs[i] ? f(i) : null));

/** y = f(x) elementwise with f' computed from the output y (relu, sigmoid, tanh, softmax, …). */
export const fromOutput =
  (op: TOp): VjpRule<unknown> =>
  (c) => {
    const [x] = c.eqn.inputs;
    const y = c.eqn.outputs[0];
    return [c.needs[0] ? c.emit(op, [c.dy, y], c.eqn.attrs, shapeOf(c, x), x) : null];
  };

/** No gradient flows: random draws, constants, stop_gradient, and the gradient ops themselves (no second derivatives). */
export const none: VjpRule<unknown> = (c) => c.eqn.inputs.map(() => null);

/** A cross-entropy whose target depends on trained parameters: reported by autodiff (DL4003). */
export class TargetGradientError extends Error {
  constructor(readonly eqn: TEqn) {
    super("gradient through a cross-entropy target");
  }
}
