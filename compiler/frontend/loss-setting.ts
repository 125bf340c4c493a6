// The simple form's `loss` setting: a loss named bare (`loss mse`) or called with its
// options (`loss huber(delta=0.5)`, `loss categorical_crossentropy(label_smoothing=0.1)`,
// `loss binary_crossentropy(from_logits=true)`). The prediction and the target are the
// model's output and the data's target, so the call gives only options (by name or in
// table order after the two tensors). Read before the model is lowered, so that its
// mistakes are reported even when the model has errors; lowered by the loss's own surface,
// as a call in a step would be.
import type * as A from "../syntax/ast.js";
import type { Attrs, AttrValue, OpName, ValueId } from "../ir/ir.js";
import type { Builtin } from "../lang/args.js";
import { builtinList, builtins } from "../lang/builtins.js";
import { bindArgs, staticArg, type Bound } from "../lang/bind.js";
import { fail, didYouMean } from "../diagnostics/diagnostic.js";
import { surfaceOf } from "../ops/index.js";
import type { CallSurface } from "../ops/op.js";
import type { GraphBuilder } from "./graph-builder.js";

export interface LossSetting {
  readonly name: OpName;
  /** The call's options bound to the loss's non-tensor options. */
  readonly bound: Bound;
  readonly expr: A.Expr;
}

/** The loss a `loss` setting names, with its options bound and their values checked. */
export function readLossSetting(e: A.Expr): LossSetting {
  const losses = builtinList.filter((b) => b.kind === "loss").map((b) => b.name);
  const name = e.kind === "Name" ? e.name : e.kind === "Call" && e.callee.kind === "Name" ? e.callee.name : undefined;
  if (name === undefined || !losses.includes(name)) {
    fail("DL2003", `\`loss\` must name a loss (${losses.join(", ")})`, e.span, { hint: name ? didYouMean(name, losses) : undefined });
  }
  const b = builtins.get(name)!;
  const tensors = b.args.filter((a) => a.type.t === "tensor").map((a) => a.name);
  const args = e.kind === "Call" ? e.args : [];
  for (const a of args) {
    if (a.name && tensors.includes(a.name.name))
      fail("DL2004", `in the simple form the loss's \`${a.name.name}\` is supplied (the model's output and the data's target)`, a.span, {
        hint: `give only options, e.g. \`loss ${name}(${optionExample(b)})\``,
      });
  }
  const options: Builtin = { ...b, args: b.args.filter((a) => a.type.t !== "tensor") };
  if (args.length > 0 && options.args.length === 0)
    fail("DL2004", `\`${name}\` has no options: in the simple form the model's output and the labels are supplied`, e.span, {
      hint: `write \`loss ${name}\``,
    });
  const bound = bindArgs(options, args, e.span);
  for (const a of options.args) staticArg(bound, a.name); // every value checked now
  return { name: name as OpName, bound, expr: e };
}

const optionExample = (b: Builtin): string => {
  const o = b.args.find((a) => a.type.t !== "tensor");
  return o ? `${o.name}=${String(o.default)}` : "";
};

/** The loss eqn of the simple form's step, by the loss's surface, at the setting's span. */
export function lowerLossSetting(g: GraphBuilder, l: LossSetting, prediction: ValueId, target: ValueId, implied: Attrs = {}): ValueId {
  const surface = surfaceOf.get(l.name) as CallSurface;
  const span = l.expr.span;
  // `implied`: attributes the data source implies (its padding label), unless the setting gives them.
  const eqn = (op: OpName, inputs: readonly ValueId[], attrs: Attrs) => g.eqn(op, inputs, { ...implied, ...attrs }, span, "loss");
  // A variable, not a literal: the context has what every surface's lowering may ask.
  const ctx = {
    bound: l.bound,
    arg: <T extends AttrValue>(k: string) => staticArg(l.bound, k) as T,
    tensor: (k: string) => (k === "prediction" ? prediction : target),
    tensors: (k: string) => [k === "prediction" ? prediction : target],
    span,
    op: eqn,
    parts: (op: OpName, inputs: readonly ValueId[], attrs: readonly Attrs[]) => attrs.map((a) => eqn(op, inputs, a)),
    layerSpec: (): never => {
      throw new Error("internal: a loss has no layer option");
    },
  };
  return surface.lower(ctx);
}
