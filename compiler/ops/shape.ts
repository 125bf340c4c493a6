// Ops that only rename a buffer: `reshape` (the `flatten` and `reshape` layers; Keras
// Flatten flattens in (h, w, c) order) and `stop_gradient`. Their outputs alias their input's
// buffer, so no kernel runs; the gradient of a reshape is a reshape back.
import { fail } from "../diagnostics/diagnostic.js";
import { layerName, tensor } from "../lang/args.js";
import { primitive, type CallSurface, type LayerSurface, type OpTable } from "./op.js";
import { fmt, num, same } from "./kit/shape.js";
import { gate, none, shapeOf } from "./kit/vjp.js";

export type Names = { primitive: "reshape" | "stop_gradient"; composite: never; train: never };

/** The per-sample target shape; one entry may be -1. */
export type ReshapeAttrs = { readonly target: readonly number[] };

export const ops: OpTable<Names> = {
  reshape: primitive<ReshapeAttrs>({
    keras: { type: "Reshape", base: "reshape" },
    shape: (c) => {
      const x = c.inputs[0];
      if (x.length === 0)
        fail("DL3006", "cannot flatten or reshape a scalar", c.span, { hint: "reshape works on tensors [B, ...], keeping the batch" });
      const [lead, ...rest] = x;
      if (rest.includes("B")) fail("DL3006", `cannot reshape ${fmt(x)}: only the batch dimension may be symbolic`, c.span);
      const size = rest.reduce((a: number, d) => a * num(d), 1);
      const target = c.attrs.target;
      const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
      const out = target.map((d) => (d === -1 ? size / known : d));
      if (out.some((d) => !Number.isInteger(d)) || out.reduce((a, d) => a * d, 1) !== size) {
        fail("DL3007", `cannot reshape ${fmt(x)} (${size} values per sample) to ${fmt(target)}`, c.span);
      }
      return { out: [lead, ...out] };
    },
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("reshape", [c.dy], { target: shapeOf(c, x).slice(1) as number[] }, shapeOf(c, x), x));
    },
    ts: () => "",
    wasm: () => null,
    alias: true,
  }),
  stop_gradient: primitive({
    keras: { type: "StopGradient", base: "stop_gradient" },
    shape: same,
    vjp: none,
    ts: () => "",
    wasm: () => null,
    alias: true,
  }),
};

export const surfaces: readonly (LayerSurface | CallSurface)[] = [
  {
    name: "flatten",
    kind: "layer",
    keras: { type: "Flatten", base: "flatten" },
    args: [tensor("x", "input [B, ...]"), layerName],
    doc: "flatten each sample to a vector in (h, w, c) order",
    lower: (c) => c.eqn("reshape", [c.x], { target: [-1] }),
  },
  {
    name: "reshape",
    kind: "layer",
    keras: ops.reshape.keras!,
    args: [
      tensor("x", "input [B, ...]"),
      { name: "shape", type: { t: "ints" }, doc: "the per-sample target shape; one entry may be -1" },
      layerName,
    ],
    doc: "reshape each sample (the batch dimension stays)",
    lower: (c) => c.eqn("reshape", [c.x], { target: c.arg("shape") }),
  },
  {
    name: "stop_gradient",
    kind: "op",
    args: [tensor("x", "input")],
    doc: "identity whose gradient is zero: training does not flow back through it",
    lower: (c) => c.op("stop_gradient", [c.tensor("x")], {}),
  },
];
