// Elementwise math (Keras 3 `keras.ops` semantics): exp, log, sqrt, abs, square, pow with a
// constant exponent, clip to constant bounds, and maximum/minimum with the numpy broadcasting
// of `+ - * /` (either operand may be a number); the activation `exponential` is exp.
// Gradients as TensorFlow defines them (Keras's reference): exp' = dy·y and sqrt' = 0.5·dy/y
// from the output; log' = dy/x; abs' = dy·sign(x) with sign(0) = 0; square' = dy·2x;
// pow' = dy·p·x^(p−1); clip passes dy where min ≤ x ≤ max (clip_by_value's minimum and
// maximum); maximum (minimum) gives dy to `a` where a ≥ b (a ≤ b), to `b` elsewhere, then
// sums each back to its operand's shape. Every op and gradient is one SIMD pass
// (elementwise.wasm.ts); the reference kernels are runtime/kernels/math.ts.
import { fail } from "../diagnostics/diagnostic.js";
import type { ValueId } from "../ir/ir.js";
import type { Expr } from "../syntax/ast.js";
import { tensor, type ArgSpec } from "../lang/args.js";
import { primitive, trainOp, type ActivationSurface, type CallSurface, type LowerCtx, type OpTable, type WasmCtx } from "./op.js";
import type { EmitCtx, VjpCtx, VjpRule } from "./op.js";
import { same, sameShape } from "./kit/shape.js";
import { fromOutput, gate, none, shapeOf, sumTo } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { alignedStrides } from "../emit/geometry.js";
import { broadcastShape } from "./arithmetic.js";
import { addMap, mapNames, mapParams, type MapOp, type MapSpec } from "./elementwise.wasm.js";
import { py } from "../emit/pytorch/rules.js";

export type Names = {
  primitive: "exp" | "log" | "sqrt" | "abs" | "square" | "pow" | "clip" | "maximum" | "minimum";
  composite: never;
  train: "sqrt_grad" | "abs_grad" | "square_grad" | "pow_grad" | "clip_grad" | "minmax_grad";
};

export type PowAttrs = { readonly exponent: number };
export type ClipAttrs = { readonly min: number; readonly max: number };
/** minmax_grad(dy, y, a): dy where a = y (`equal`: a's gradient) or where a ≠ y (b's). */
export type MinMaxGradAttrs = { readonly equal: boolean };

/** The kernel call of `op` on the eqn's inputs (flat when every input has the output's shape). */
function mapCall(c: WasmCtx<unknown>, op: MapOp, consts: Pick<MapSpec, "p" | "lo" | "hi"> = {}): string {
  const y = c.eqn.outputs[0];
  const ys = W.shape(c, y);
  const names = mapNames(op);
  const flat = c.eqn.inputs.every((id) => sameShape(W.shape(c, id), ys));
  const strides = c.eqn.inputs.map((id) => alignedStrides(W.shape(c, id), ys));
  const layout = flat ? W.extentOf(c, y) : { dims: W.dims0(ys), s0: strides[0], s1: strides[1], s2: strides[2] };
  const spec = { op, ...layout, ...consts };
  const args: Record<string, string> = { [names[0]]: W.out(c) };
  c.eqn.inputs.forEach((id, i) => (args[names[i + 1]] = c.addr(id)));
  return W.call(c, op, spec, addMap, mapParams, args);
}

/** A gradient op reading (dy, x): dx = op(dy, x). */
const fromInput =
  (op: "abs_grad" | "square_grad" | "pow_grad" | "clip_grad"): VjpRule =>
  (c) => {
    const [x] = c.eqn.inputs;
    return [c.needs[0] ? c.emit(op, [c.dy, x], c.eqn.attrs, shapeOf(c, x), x) : null];
  };

/** dx = op(dy, other) with an arithmetic op of equal shapes (exp: dy·y; log: dy/x). */
const viaArithmetic =
  (op: "mul" | "div", other: (c: VjpCtx) => ValueId): VjpRule =>
  (c) => {
    const [x] = c.eqn.inputs;
    return [c.needs[0] ? c.emit(op, [c.dy, other(c)], {}, shapeOf(c, x), x) : null];
  };

/**
 * The reference call of maximum / minimum / their gradient: flat when every input has the
 * output's shape, else the walk with the index tables of the `strided` inputs (the others
 * are read at the output's index).
 */
function tsBroadcast(c: EmitCtx, flat: string, walk: string, strided: readonly number[], tail = ""): string {
  const y = c.eqn.outputs[0];
  const ys = T.shape(c, y);
  const ins = c.eqn.inputs;
  if (ins.every((id) => sameShape(T.shape(c, id), ys))) return `K.${flat}(${T.out(c)}, ${T.ins(c).join(", ")}, ${c.size(y)}${tail});`;
  const strides = strided.map((i) => T.stridesConst(c, alignedStrides(T.shape(c, ins[i]), ys)));
  return `K.${walk}(${T.out(c)}, ${T.ins(c).join(", ")}, n, ${T.dimsConst(c, ys)}, ${strides.join(", ")}${tail}, ${T.indexConst(c, ys.length)});`;
}

const minmax = (op: "maximum" | "minimum", type: string) =>
  primitive({
    keras: { type, base: op },
    shape: broadcastShape,
    // a's gradient where a = y (a ≥ b for maximum, a ≤ b for minimum: ties go to a), b's elsewhere.
    vjp: (c) => {
      const [a] = c.eqn.inputs;
      const y = c.eqn.outputs[0];
      return gate(c, (i) => {
        const self = c.eqn.inputs[i];
        const full = c.emit("minmax_grad", [c.dy, y, a], { equal: i === 0 }, shapeOf(c, c.dy), self, "_full");
        return sumTo(c, full, self);
      });
    },
    ts: (c) => tsBroadcast(c, op, op === "maximum" ? "broadcastMaximum" : "broadcastMinimum", [0, 1]),
    // torch.maximum splits a tie's gradient between the operands; dlm.maximum gives it to a, as dlm does.
    pytorch: (c) => `dlm.${op}(${c.args[0]}, ${c.args[1]})`,
    wasm: (c) => mapCall(c, op),
  });

export const ops: OpTable<Names> = {
  exp: primitive({
    keras: { type: "Exp", base: "exp" },
    pytorch: (c) => `torch.exp(${c.args[0]})`,
    shape: same,
    vjp: viaArithmetic("mul", (c) => c.eqn.outputs[0]),
    ts: T.unary("exp"),
    wasm: (c) => mapCall(c, "exp"),
  }),
  // Like TensorFlow: log(0) = −∞ and log(x < 0) = NaN, gradient dy/x (±∞ at 0); the trainer's
  // non-finite-loss check reports a loss that becomes one.
  log: primitive({
    keras: { type: "Log", base: "log" },
    pytorch: (c) => `torch.log(${c.args[0]})`,
    shape: same,
    vjp: viaArithmetic("div", (c) => c.eqn.inputs[0]),
    ts: T.unary("log"),
    wasm: (c) => mapCall(c, "log"),
  }),
  sqrt: primitive({
    keras: { type: "Sqrt", base: "sqrt" },
    pytorch: (c) => `torch.sqrt(${c.args[0]})`,
    shape: same,
    vjp: fromOutput("sqrt_grad"),
    ts: T.unary("sqrt"),
    wasm: (c) => mapCall(c, "sqrt"),
  }),
  abs: primitive({
    keras: { type: "Absolute", base: "absolute" },
    pytorch: (c) => `torch.abs(${c.args[0]})`,
    shape: same,
    vjp: fromInput("abs_grad"),
    ts: T.unary("abs"),
    wasm: (c) => mapCall(c, "abs"),
  }),
  square: primitive({
    keras: { type: "Square", base: "square" },
    pytorch: (c) => `torch.square(${c.args[0]})`,
    shape: same,
    vjp: fromInput("square_grad"),
    ts: T.unary("square"),
    wasm: (c) => mapCall(c, "square"),
  }),
  pow: primitive<PowAttrs>({
    keras: { type: "Power", base: "power" },
    pytorch: (c) => `torch.pow(${c.args[0]}, ${py(c.attrs.exponent)})`,
    shape: same,
    vjp: fromInput("pow_grad"),
    ts: T.unary("pow", "exponent"),
    wasm: (c) => mapCall(c, "pow", { p: c.attrs.exponent }),
  }),
  clip: primitive<ClipAttrs>({
    keras: { type: "Clip", base: "clip" },
    // torch.clamp passes the gradient where min ≤ x ≤ max, as TensorFlow's clip_by_value.
    pytorch: (c) => `torch.clamp(${c.args[0]}, ${py(c.attrs.min)}, ${py(c.attrs.max)})`,
    shape: same,
    vjp: fromInput("clip_grad"),
    ts: (c) => `K.clip(${T.out(c)}, ${T.ins(c)[0]}, ${c.size(c.eqn.outputs[0])}, ${c.attrs.min}, ${c.attrs.max});`,
    wasm: (c) => mapCall(c, "clip", { lo: c.attrs.min, hi: c.attrs.max }),
  }),
  maximum: minmax("maximum", "Maximum"),
  minimum: minmax("minimum", "Minimum"),
  sqrt_grad: trainOp({ vjp: none, ts: T.fromOutput("sqrtGrad"), wasm: (c) => mapCall(c, "sqrt_grad") }),
  abs_grad: trainOp({ vjp: none, ts: T.fromOutput("absGrad"), wasm: (c) => mapCall(c, "abs_grad") }),
  square_grad: trainOp({ vjp: none, ts: T.fromOutput("squareGrad"), wasm: (c) => mapCall(c, "square_grad") }),
  pow_grad: trainOp<PowAttrs>({
    vjp: none,
    ts: T.fromOutput("powGrad", "exponent"),
    wasm: (c) => mapCall(c, "pow_grad", { p: c.attrs.exponent }),
  }),
  clip_grad: trainOp<ClipAttrs>({
    vjp: none,
    ts: (c) => `K.clipGrad(${T.out(c)}, ${T.ins(c).join(", ")}, ${c.size(c.eqn.outputs[0])}, ${c.attrs.min}, ${c.attrs.max});`,
    wasm: (c) => mapCall(c, "clip_grad", { lo: c.attrs.min, hi: c.attrs.max }),
  }),
  // Inputs (dy, y, a): dy and y have the output's shape, a may broadcast.
  minmax_grad: trainOp<MinMaxGradAttrs>({
    vjp: none,
    ts: (c) => tsBroadcast(c, "selectGrad", "broadcastSelectGrad", [1, 2], `, ${c.attrs.equal}`),
    wasm: (c) => mapCall(c, c.attrs.equal ? "select_eq" : "select_ne"),
  }),
};

// ── Builtins ────────────────────────────────────────────────────────────────────────────

const x: ArgSpec = tensor("x", "input");

const unary = (name: "exp" | "log" | "sqrt" | "abs" | "square", doc: string): CallSurface => ({
  name,
  kind: "op",
  args: [x],
  doc,
  lower: (c) => c.op(name, [c.tensor("x")], {}),
});

/** Whether an expression is a number (a literal, or arithmetic on literals, which binding folds). */
const isNumber = (e: Expr): boolean =>
  e.kind === "Number" ||
  (e.kind === "Unary" && isNumber(e.operand)) ||
  (e.kind === "Binary" && e.op !== "@" && isNumber(e.left) && isNumber(e.right));

/** A tensor where pow needs its constant exponent: located, with the ways to write it. */
function constantExponent(c: LowerCtx): void {
  const s = c.bound.args.get("exponent");
  if (s?.kind !== "expr") return;
  const e = s.expr;
  const tensorLike = e.kind === "Name" || e.kind === "Call" || e.kind === "Pipe" || e.kind === "Binary" || e.kind === "Unary";
  if (tensorLike && !isNumber(e)) {
    fail("DL2003", "the exponent of `pow` must be a number, found a tensor expression", e.span, {
      hint: "write a constant such as pow(x, 2) or pow(x, 0.5); for a tensor exponent y and x > 0, write exp(y * log(x))",
    });
  }
}

export const surfaces: readonly (CallSurface | ActivationSurface)[] = [
  {
    name: "exponential",
    kind: "activation",
    op: "exp",
    args: [x],
    doc: "exp(x) (Keras activations.exponential)",
    attrs: () => ({}),
  },
  unary("exp", "e^x elementwise"),
  unary("log", "natural logarithm elementwise"),
  unary("sqrt", "square root elementwise"),
  unary("abs", "absolute value elementwise"),
  unary("square", "x² elementwise"),
  {
    name: "pow",
    kind: "op",
    args: [x, { name: "exponent", type: { t: "float" }, doc: "the exponent p, a number" }],
    doc: "x^p elementwise for a constant p",
    lower: (c) => {
      constantExponent(c);
      return c.op("pow", [c.tensor("x")], { exponent: c.arg("exponent") });
    },
  },
  {
    name: "clip",
    kind: "op",
    args: [x, { name: "min", type: { t: "float" }, doc: "lower bound" }, { name: "max", type: { t: "float" }, doc: "upper bound" }],
    doc: "x limited to [min, max] elementwise",
    lower: (c) => {
      const lo = c.arg<number>("min");
      const hi = c.arg<number>("max");
      if (lo > hi) {
        fail("DL2008", `\`clip\` needs min ≤ max, found min ${lo} and max ${hi}`, c.bound.args.get("max")?.span ?? c.span, {
          hint: `swap the bounds: clip(x, ${hi}, ${lo})`,
        });
      }
      return c.op("clip", [c.tensor("x")], { min: lo, max: hi });
    },
  },
  {
    name: "maximum",
    kind: "op",
    args: [tensor("a", "first operand (or a number)"), tensor("b", "second operand (or a number)")],
    doc: "the larger of a and b elementwise, with broadcasting",
    lower: (c) => c.op("maximum", [c.tensor("a"), c.tensor("b")], {}),
  },
  {
    name: "minimum",
    kind: "op",
    args: [tensor("a", "first operand (or a number)"), tensor("b", "second operand (or a number)")],
    doc: "the smaller of a and b elementwise, with broadcasting",
    lower: (c) => c.op("minimum", [c.tensor("a"), c.tensor("b")], {}),
  },
];
