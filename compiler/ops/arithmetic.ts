// Elementwise arithmetic with numpy broadcasting (`+ - * /`, unary `-`) and scalar
// constants. A broadcast operand's gradient is summed back to its shape (sum_to, ops/reductions.ts).
import { fail } from "../diagnostics/diagnostic.js";
import { primitive, type OpTable, type PrimitiveOp, type ShapeRule } from "./op.js";
import { broadcast, fmt, same } from "./kit/shape.js";
import { gate, none, shapeOf, sumTo } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { onnxPointwise } from "../export/rules.js";
import { py } from "../emit/pytorch/rules.js";

export type Names = { primitive: "add" | "sub" | "mul" | "div" | "neg" | "constant"; composite: never; train: never };

export type ConstantAttrs = { readonly value: number };

/** numpy broadcasting of two operands, the batch first in both (DL3003 otherwise); also maximum and minimum (ops/elementwise.ts). */
export const broadcastShape: ShapeRule = (c) => {
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

const binary = (type: string, base: string, vjp: PrimitiveOp["vjp"]): PrimitiveOp =>
  primitive({
    keras: { type, base },
    pytorch: (c) =>
      `${c.args[0]} ${({ Add: "+", Subtract: "-", Multiply: "*", Divide: "/" } as Record<string, string>)[type]} ${c.args[1]}`,
    shape: broadcastShape,
    vjp,
    ts: T.arithmetic,
    wasm: W.arithmeticEw,
    export: {
      // tfjs's merge layers join layer outputs of one shape; it has no Subtract or Divide layer.
      tfjs: (c) => {
        const [a, b] = c.eqn.inputs;
        if (type !== "Add" && type !== "Multiply") return `has no TensorFlow.js merge layer (${type})`;
        if (c.shape(a).join() !== c.shape(b).join()) return "broadcasts, which TensorFlow.js's merge layers do not";
        return c.add(type, {}, [], [a, b]);
      },
      onnx: onnxPointwise(({ Add: "Add", Subtract: "Sub", Multiply: "Mul", Divide: "Div" } as Record<string, string>)[type]),
    },
  });

export const ops: OpTable<Names> = {
  add: binary("Add", "add", (c) => gate(c, (i) => sumTo(c, c.dy, c.eqn.inputs[i]))),
  sub: binary("Subtract", "subtract", (c) =>
    gate(c, (i) => {
      const d = sumTo(c, c.dy, c.eqn.inputs[i]);
      return i === 0 ? d : c.emit("neg", [d], {}, shapeOf(c, d), c.eqn.inputs[1]);
    }),
  ),
  mul: binary("Multiply", "multiply", (c) => {
    const [a, b] = c.eqn.inputs;
    return gate(c, (i) => {
      const other = i === 0 ? b : a;
      const self = i === 0 ? a : b;
      const full = c.emit("mul", [c.dy, other], {}, shapeOf(c, c.dy), self, "_full");
      return sumTo(c, full, self);
    });
  }),
  div: binary("Divide", "divide", (c) => {
    const [a, b] = c.eqn.inputs;
    const y = c.eqn.outputs[0];
    return gate(c, (i) => {
      if (i === 0) return sumTo(c, c.emit("div", [c.dy, b], {}, shapeOf(c, c.dy), a, "_full"), a);
      // d(a/b)/db = −(a/b)/b = −y/b
      const t = c.emit("mul", [c.dy, y], {}, shapeOf(c, c.dy), b, "_t");
      const q = c.emit("div", [t, b], {}, shapeOf(c, c.dy), b, "_q");
      return sumTo(c, c.emit("neg", [q], {}, shapeOf(c, q), b, "_full"), b);
    });
  }),
  neg: primitive({
    keras: { type: "Negate", base: "negate" },
    pytorch: (c) => `-${c.args[0]}`,
    shape: same,
    vjp: (c) => gate(c, () => c.emit("neg", [c.dy], {}, shapeOf(c, c.dy), c.eqn.inputs[0])),
    ts: T.unary("neg"),
    wasm: W.unaryEw("neg"),
  }),
  // Set once at start-up: TypeScript by design on both backends.
  constant: primitive<ConstantAttrs>({
    // A Python float: torch broadcasts it where a tensor meets it.
    pytorch: (c) => py(c.attrs.value),
    shape: () => ({ out: [] }),
    vjp: none,
    ts: (c) => `${T.out(c)}[0] = ${c.attrs.value};`,
    wasm: W.ts,
  }),
};

/** Written as operators (`+ - * /`, unary `-`) and number literals, not called by name. */
export const surfaces: readonly [] = [];
