// `call`: a model used inside another model or a train block. It lives only in the Graph
// IR: inlining (middle/inline.ts) copies the callee's eqns at each call site. Its shape rule
// checks the arguments against the callee's typed inputs.
import type { Attrs, Shape } from "../ir/ir.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { ShapeRule } from "./op.js";
import { fmt, num, sameShape } from "./kit/shape.js";

export type CallAttrs = { readonly model: string };

/** The model a `call` eqn calls. */
export const calleeOf = (e: { readonly attrs: Attrs }): string => (e.attrs as CallAttrs).model;

export const callShape: ShapeRule<CallAttrs> = (c) => {
  const model = c.models.get(c.attrs.model)!;
  const g = model.graph;
  g.inputs.forEach((id, i) => {
    const want = g.values[id].shape!;
    const given = c.inputs[i];
    const dtype = g.values[id].dtype;
    if (c.dtypes[i] !== dtype) {
      fail("DL3001", `model \`${model.name}\` takes \`${g.values[id].name}\` as ${dtype} values, but is given ${c.dtypes[i]}`, c.span, {
        hint: dtype === "i32" ? "pass the integer ids (an input declared `i32[...]`)" : "integer ids go through an `embedding` first",
      });
    }
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
};
