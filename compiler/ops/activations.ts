// Activations (Keras semantics): relu, sigmoid, tanh, softmax (along an axis), leaky_relu
// (Keras's default slope 0.3), elu (α 1.0), selu, gelu (exact by default, `approximate=true`
// the tanh form), silu (and its Keras alias swish), softplus, softsign, hard_sigmoid (Keras 3's
// relu6(x + 3)/6) and `linear` (the identity). Each is a builtin of its own and an
// `activation=` value of a layer. Gradients are computed from the output where that is exact
// and cheap, so no pre-activation is kept: relu, leaky_relu (slope ≥ 0), elu and selu (y > 0
// exactly where x > 0), sigmoid, tanh, softmax, softplus (σ(x) = 1 − e^−y), softsign
// ((1 − |y|)²) and hard_sigmoid (1/6 where 0 < y < 1). gelu and silu read their input
// instead (their output does not determine it cheaply), which keeps it alive until the
// backward pass. Fused: relu, leaky_relu, tanh and sigmoid run in a GEMM's epilogue
// (dense+act, ops/dense.ts); their gradients with the bias gradient (act_grad+sum_to). The
// SIMD kernels of selu … hard_sigmoid are in activations.wasm.ts.
import type { AttrValue, Shape } from "../ir/ir.js";
import { tensor, type ArgSpec } from "../lang/args.js";
import {
  keepsMask,
  primitive,
  trainOp,
  type ActivationSurface,
  type FusedRule,
  type OpTable,
  type PrimitiveOp,
  type TrainOp,
} from "./op.js";
import { fmt, same } from "./kit/shape.js";
import { fromOutput, none, shapeOf } from "./kit/vjp.js";
import type { TOp } from "../ir/train-ir.js";
import {
  actParams,
  addActivation,
  addGeluGradBias,
  geluGradBiasParams,
  readsInput,
  type ActKernel,
  type ActOp,
  type ActSpec,
  type GeluGradBiasSpec,
} from "./activations.wasm.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as LP from "../wasm/kernels/loops.js";
import * as SM from "../wasm/kernels/softmax.js";
import { actGradBiasParams, addActGradBias, type ActGradBiasSpec } from "../wasm/kernels/fused.js";
import type { VjpRule, WasmCtx } from "./op.js";
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Mod } from "../wasm/kernels/fn.js";
import { expV, splatF } from "../wasm/kernels/math.js";
import { fail } from "../diagnostics/diagnostic.js";
import { onnxPointwise, tfjsActivation, type OnnxRule, type TfjsRule } from "../export/rules.js";
import { py } from "../emit/pytorch/rules.js";

export type Names = {
  primitive: "relu" | "sigmoid" | "tanh" | "softmax" | "leaky_relu" | "elu" | ActOp;
  composite: never;
  train: "relu_grad" | "leaky_relu_grad" | "sigmoid_grad" | "tanh_grad" | "softmax_grad" | "elu_grad" | `${ActOp}_grad`;
};

export type SoftmaxAttrs = { readonly axis: number };
export type LeakyReluAttrs = { readonly slope: number };
export type EluAttrs = { readonly alpha: number };

/**
 * ELU's kernels: y = x > 0 ? x : α·(eˣ − 1), and its gradient from the output,
 * dx = y > 0 ? dy : dy·(y + α) (for x ≤ 0, α·eˣ = y + α; with α ≥ 0, y > 0 exactly where x > 0).
 * eˣ is taken of min(x, 0), so large inputs never overflow.
 */
function addElu(
  b: BinaryenApi,
  mod: Mod,
  spec: LP.Extent & { readonly name: string; readonly alpha: number; readonly grad: boolean },
): void {
  const m = mod;
  const params = [...LP.nParam(spec.batched), ...(spec.grad ? ["dx", "dy", "y"] : ["y", "x"])];
  LP.addKernel(
    b,
    mod,
    spec.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const streams = params.filter((q) => q !== "n").map((): LP.Stream => ({ ptr: f.local(b.i32), step: 4 }));
      const [so, sa, sb] = streams;
      const v = f.local(b.v128);
      const w = f.local(b.v128);
      const r = f.local(b.v128);
      const positive = (x: number) => m.f32x4.gt(f.get(x), splatF(f, 0));
      const body = (lanes: number, e: number) => {
        if (spec.grad) {
          // dy in v, y in w
          return [
            f.set(v, LP.loadStream(f, sa, lanes, e)),
            f.set(w, LP.loadStream(f, sb, lanes, e)),
            f.set(r, m.v128.bitselect(f.get(v), m.f32x4.mul(f.get(v), m.f32x4.add(f.get(w), splatF(f, spec.alpha))), positive(w))),
            ...LP.storeStream(f, so, lanes, e, r),
          ];
        }
        const ex = expV(f, m.f32x4.min(f.get(v), splatF(f, 0)));
        return [
          f.set(v, LP.loadStream(f, sa, lanes, e)),
          f.set(r, m.v128.bitselect(f.get(v), m.f32x4.mul(splatF(f, spec.alpha), m.f32x4.sub(ex, splatF(f, 1))), positive(v))),
          ...LP.storeStream(f, so, lanes, e, r),
        ];
      };
      return [
        ...streams.map((s, i) => f.set(s.ptr, f.get(p(params.filter((q) => q !== "n")[i])))),
        LP.flatLoop(
          f,
          LP.countOf(f, spec, () => f.get(p("n"))),
          streams,
          body,
          { tails: LP.tailsOf(spec), unrollUpTo: 8, unroll: 1 },
        ),
      ];
    },
  );
}

/** The call of an ELU kernel (forward: y ← x; gradient: dx ← dy, y). */
const eluCall =
  (grad: boolean) =>
  (c: WasmCtx<EluAttrs>): string => {
    const [a, bb] = c.eqn.inputs;
    const spec = { ...W.extentOf(c, c.eqn.outputs[0]), alpha: c.attrs.alpha, grad };
    const kind = grad ? "elu_grad" : "elu";
    const args: Record<string, string> = grad ? { dx: W.out(c), dy: c.addr(a), y: c.addr(bb) } : { y: W.out(c), x: c.addr(a) };
    return W.call(c, kind, spec, addElu, (s) => [...LP.nParam(s.batched), ...(s.grad ? ["dx", "dy", "y"] : ["y", "x"])], args);
  };

/** y = f(x) elementwise with f' computed from the input x (kept alive until the backward pass). */
const fromInput =
  (op: TOp): VjpRule<unknown> =>
  (c) => {
    const [x] = c.eqn.inputs;
    return [c.needs[0] ? c.emit(op, [c.dy, x], c.eqn.attrs, shapeOf(c, x), x) : null];
  };

/** The call of a kernel of activations.wasm.ts (forward: y ← x; gradient: dx ← dy, and x or y). */
const actCall =
  (op: ActKernel) =>
  (c: WasmCtx<unknown>): string => {
    const [a, bb] = c.eqn.inputs;
    const spec: Omit<ActSpec, "name"> = {
      ...W.extentOf(c, c.eqn.outputs[0]),
      op,
      approximate: c.eqn.attrs.approximate === true || undefined,
    };
    const names = actParams(spec).filter((p) => p !== "n");
    const args = Object.fromEntries(names.map((p, i) => [p, i === 0 ? W.out(c) : c.addr(i === 1 ? a : bb)]));
    return W.call(c, op, spec, addActivation, actParams, args);
  };

/** An activation in the PyTorch target (torch computes the same functions: hardsigmoid is Keras 3's relu6(x + 3) / 6). */
const torchFunctions: Readonly<Record<ActOp | "relu" | "sigmoid" | "tanh", string>> = {
  relu: "F.relu",
  sigmoid: "torch.sigmoid",
  tanh: "torch.tanh",
  selu: "F.selu",
  gelu: "F.gelu",
  silu: "F.silu",
  softplus: "F.softplus",
  softsign: "F.softsign",
  hard_sigmoid: "F.hardsigmoid",
};
const torchActivation = (op: ActOp | "relu" | "sigmoid" | "tanh", x: string, approximate = false): string =>
  op === "gelu" ? `F.gelu(${x}, approximate=${approximate ? '"tanh"' : '"none"'})` : `${torchFunctions[op]}(${x})`;

/** An activation of activations.wasm.ts with its gradient op (reading x or y, as readsInput says). */
const activation = (
  op: ActOp,
  tsKernel: string,
  extra?: "approximate",
  exported: { tfjs?: TfjsRule; onnx?: OnnxRule } = {},
): [PrimitiveOp, TrainOp] => {
  const grad: ActKernel = `${op}_grad`;
  return [
    primitive({
      keras: { type: "Activation", base: "activation" },
      shape: same,
      vjp: readsInput.has(op) ? fromInput(grad) : fromOutput(grad),
      ts: T.unary(tsKernel, extra),
      wasm: actCall(op),
      mask: keepsMask,
      export: exported,
      pytorch: (c) => torchActivation(op, c.args[0], c.attrs.approximate === true),
    }),
    trainOp({
      vjp: none,
      ts: T.fromOutput(`${tsKernel}Grad`, extra),
      wasm: actCall(grad),
      // One rule per name for every op: actGradBias (below) serves gelu_grad too.
      ...(op === "gelu" ? { fused: { "act_grad+sum_to": (c: Parameters<FusedRule>[0]) => actGradBias(c) } } : {}),
    }),
  ];
};

/** gelu_grad → sum_to (the bias gradient of the dense layer before the GELU): one pass (addGeluGradBias). */
const geluGradBias: FusedRule = (c) => {
  const [g, sum] = c.group;
  const [dy, x] = g.inputs;
  const spec: Omit<GeluGradBiasSpec, "name"> = { approximate: g.attrs.approximate === true || undefined, ...biasRows(c, g.outputs[0]) };
  return W.call(c, "gelu_grad_bias", spec, addGeluGradBias, geluGradBiasParams, {
    dx: c.addr(g.outputs[0]),
    dy: c.addr(dy),
    x: c.addr(x),
    db: c.addr(sum.outputs[0]),
  });
};
// Exported where the format computes the very function Keras 3 does: ONNX's Selu and
// HardSigmoid take Keras's constants; silu is x·sigmoid(x) in ONNX nodes, tfjs's swish.
const [selu, seluGrad] = activation("selu", "selu", undefined, { tfjs: tfjsActivation("selu"), onnx: onnxPointwise("Selu") });
const [gelu, geluGrad] = activation("gelu", "gelu", "approximate");
const [silu, siluGrad] = activation("silu", "silu", undefined, {
  tfjs: tfjsActivation("swish"),
  onnx: (c) => {
    const x = c.tensor(c.eqn.inputs[0]);
    const [s] = c.node("Sigmoid", [x]);
    c.output(c.node("Mul", [x, s])[0]);
  },
});
const [softplus, softplusGrad] = activation("softplus", "softplus", undefined, {
  tfjs: tfjsActivation("softplus"),
  onnx: onnxPointwise("Softplus"),
});
const [softsign, softsignGrad] = activation("softsign", "softsign", undefined, {
  tfjs: tfjsActivation("softsign"),
  onnx: onnxPointwise("Softsign"),
});
const [hardSigmoid, hardSigmoidGrad] = activation("hard_sigmoid", "hardSigmoid", undefined, {
  tfjs: () => "is Keras 3's relu6(x + 3) / 6, and TensorFlow.js's hard_sigmoid is another function (clip(0.2·x + 0.5, 0, 1))",
  onnx: onnxPointwise("HardSigmoid", { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
});

/** A bias gradient's rows: rows per sample (or in all, unbatched) and columns of the gradient `id`. */
function biasRows(c: Parameters<FusedRule>[0], id: Parameters<typeof W.shape>[1]) {
  const ds = W.shape(c, id);
  const lead = ds.slice(0, -1);
  return {
    rowsPerBatch: lead.reduce((a: number, d2) => a * (d2 === "B" ? 1 : d2), 1),
    batched: lead.includes("B"),
    cols: ds[ds.length - 1] as number,
  };
}

// act_grad → sum_to: the activation's derivative and the bias gradient in one pass.
const actGradBias: FusedRule = (c) => {
  const [g, sum] = c.group;
  if (g.op === "gelu_grad") return geluGradBias(c);
  const [dy, y] = g.inputs;
  const spec: Omit<ActGradBiasSpec, "name"> = {
    op: g.op as ActGradBiasSpec["op"],
    slope: g.op === "leaky_relu_grad" ? (g.attrs.slope as number) : undefined,
    ...biasRows(c, g.outputs[0]),
  };
  return W.call(c, "act_bias", spec, addActGradBias, actGradBiasParams, {
    dx: c.addr(g.outputs[0]),
    dy: c.addr(dy),
    y: c.addr(y),
    db: c.addr(sum.outputs[0]),
  });
};

/** An elementwise activation with a SIMD kernel and a GEMM epilogue; its gradient op reads the output. */
const pointwise = (
  op: "relu" | "sigmoid" | "tanh" | "leaky_relu",
  keras: { type: string; base: string },
  tsKernel: string,
  extra?: "slope",
): PrimitiveOp =>
  primitive({
    keras,
    shape: same,
    vjp: fromOutput(`${op}_grad`),
    ts: T.unary(tsKernel, extra),
    wasm: W.unaryEw(op),
    epilogue: true,
    pytorch: (c) => (op === "leaky_relu" ? `F.leaky_relu(${c.args[0]}, ${py(c.attrs.slope as number)})` : torchActivation(op, c.args[0])),
    mask: keepsMask,
    export: {
      ...(op === "sigmoid" ? { output: "probabilities" as const } : {}),
      tfjs: op === "leaky_relu" ? (c) => c.add("LeakyReLU", { alpha: c.eqn.attrs.slope }) : tfjsActivation(op),
      onnx:
        op === "leaky_relu"
          ? (c) => onnxPointwise("LeakyRelu", { alpha: { float: c.eqn.attrs.slope as number } })(c)
          : onnxPointwise(({ relu: "Relu", sigmoid: "Sigmoid", tanh: "Tanh" } as const)[op]),
    },
  });

const pointwiseGrad = (op: "relu_grad" | "sigmoid_grad" | "tanh_grad" | "leaky_relu_grad", tsKernel: string, extra?: "slope"): TrainOp =>
  trainOp({ vjp: none, ts: T.fromOutput(tsKernel, extra), wasm: W.binaryGradEw(op), fused: { "act_grad+sum_to": actGradBias } });

/** softmax's [outer, len, inner] split along `axis`. */
function softmaxSpec(c: WasmCtx<unknown>, s: Shape): { outerPerRow: number; batched: boolean; len: number; inner: number } {
  const axis = c.eqn.attrs.axis as number;
  const a = axis < 0 ? s.length + axis : axis;
  const outer = s.slice(0, a);
  return {
    outerPerRow: outer.reduce((p: number, d) => p * (d === "B" ? 1 : d), 1),
    batched: outer.includes("B"),
    len: s[a] as number,
    inner: s.slice(a + 1).reduce((p: number, d) => p * (d as number), 1),
  };
}

export const ops: OpTable<Names> = {
  relu: pointwise("relu", { type: "ReLU", base: "re_lu" }, "relu"),
  sigmoid: pointwise("sigmoid", { type: "Activation", base: "activation" }, "sigmoid"),
  tanh: pointwise("tanh", { type: "Activation", base: "activation" }, "tanh"),
  leaky_relu: pointwise("leaky_relu", { type: "LeakyReLU", base: "leaky_re_lu" }, "leakyRelu", "slope"),
  softmax: primitive<SoftmaxAttrs>({
    keras: { type: "Softmax", base: "softmax" },
    pytorch: (c) => `F.softmax(${c.args[0]}, ${c.attrs.axis})`,
    shape: (c) => {
      const axis = c.attrs.axis;
      const r = c.inputs[0].length;
      if (axis < -r || axis >= r) fail("DL3010", `softmax axis ${axis} is out of range for ${fmt(c.inputs[0])}`, c.span);
      return { out: c.inputs[0] };
    },
    vjp: fromOutput("softmax_grad"),
    ts: (c) => {
      const [outer, len, inner] = T.axisSplit(T.shape(c, c.eqn.inputs[0]), c.attrs.axis);
      return `K.softmax(${T.out(c)}, ${T.ins(c)[0]}, ${outer}, ${len}, ${inner});`;
    },
    wasm: (c) => {
      const [x] = c.eqn.inputs;
      return W.call(c, "softmax", softmaxSpec(c, W.shape(c, x)), SM.addSoftmax, SM.softmaxParams, { y: W.out(c), x: c.addr(x) });
    },
    // Over the last axis only: an output of class probabilities (the exporter checks the axis).
    export: {
      output: "classes",
      tfjs: (c) => {
        const axis = c.eqn.attrs.axis as number;
        if (axis === -1 || axis === c.shape(c.eqn.inputs[0]).length - 1) return tfjsActivation("softmax")(c);
        c.add("Softmax", { axis });
      },
      onnx: (c) => c.output(c.node("Softmax", [c.tensor(c.eqn.inputs[0])], { axis: c.eqn.attrs.axis as number })[0]),
    },
    // Over the last axis, positions stay positions: a per-position mask carries on.
    mask: { carries: (a) => a.axis === -1 },
  }),
  elu: primitive<EluAttrs>({
    keras: { type: "ELU", base: "elu" },
    pytorch: (c) => `F.elu(${c.args[0]}, ${py(c.attrs.alpha)})`,
    shape: same,
    vjp: fromOutput("elu_grad"),
    ts: T.unary("elu", "alpha"),
    wasm: eluCall(false),
    mask: keepsMask,
    export: {
      tfjs: (c) => c.add("ELU", { alpha: c.eqn.attrs.alpha }),
      onnx: (c) => onnxPointwise("Elu", { alpha: { float: c.eqn.attrs.alpha as number } })(c),
    },
  }),
  selu,
  gelu,
  silu,
  softplus,
  softsign,
  hard_sigmoid: hardSigmoid,
  relu_grad: pointwiseGrad("relu_grad", "reluGrad"),
  // From the output too: with slope ≥ 0 (the builtin's range), y > 0 exactly where x > 0
  // (−0, 0 and NaN included), so the pre-activation need not be kept for the backward pass.
  leaky_relu_grad: pointwiseGrad("leaky_relu_grad", "leakyReluGrad", "slope"),
  sigmoid_grad: pointwiseGrad("sigmoid_grad", "sigmoidGrad"),
  tanh_grad: pointwiseGrad("tanh_grad", "tanhGrad"),
  selu_grad: seluGrad,
  gelu_grad: geluGrad,
  silu_grad: siluGrad,
  softplus_grad: softplusGrad,
  softsign_grad: softsignGrad,
  hard_sigmoid_grad: hardSigmoidGrad,
  elu_grad: trainOp<EluAttrs>({ vjp: none, ts: T.fromOutput("eluGrad", "alpha"), wasm: eluCall(true) }),
  softmax_grad: trainOp<SoftmaxAttrs>({
    vjp: none,
    ts: (c) => {
      const [outer, len, inner] = T.axisSplit(T.shape(c, c.eqn.outputs[0]), c.attrs.axis);
      return `K.softmaxGrad(${T.out(c)}, ${T.ins(c).join(", ")}, ${outer}, ${len}, ${inner});`;
    },
    wasm: (c) => {
      const [dy, y] = c.eqn.inputs;
      return W.call(c, "softmax_grad", softmaxSpec(c, W.shape(c, c.eqn.outputs[0])), SM.addSoftmaxGrad, SM.softmaxGradParams, {
        dx: W.out(c),
        dy: c.addr(dy),
        y: c.addr(y),
      });
    },
  }),
};

type Arg = <T extends AttrValue>(name: string) => T;

const activationSurface = (
  name: string,
  op: ActivationSurface["op"],
  doc: string,
  extra: readonly ArgSpec[] = [],
  attrs: (arg: Arg) => Record<string, AttrValue> = () => ({}),
): ActivationSurface => ({ name, kind: "activation", op, args: [tensor("x", "input"), ...extra], doc, attrs });

export const surfaces: readonly ActivationSurface[] = [
  activationSurface("relu", "relu", "max(x, 0)"),
  activationSurface("sigmoid", "sigmoid", "1 / (1 + exp(−x))"),
  activationSurface("tanh", "tanh", "hyperbolic tangent"),
  activationSurface(
    "softmax",
    "softmax",
    "exp(x) / sum(exp(x)) along an axis",
    [{ name: "axis", type: { t: "int" }, default: -1, doc: "the axis" }],
    (arg) => ({ axis: arg("axis") }),
  ),
  activationSurface("linear", null, "identity"),
  activationSurface(
    "leaky_relu",
    "leaky_relu",
    "x if x > 0 else slope · x",
    [{ name: "slope", type: { t: "float", min: 0 }, default: 0.3, doc: "slope for x < 0 (Keras default 0.3)" }],
    (arg) => ({ slope: arg("slope") }),
  ),
  activationSurface(
    "elu",
    "elu",
    "x if x > 0 else alpha · (exp(x) − 1) (Keras ELU)",
    [{ name: "alpha", type: { t: "float", min: 0 }, default: 1, doc: "scale of the negative part (Keras default 1.0)" }],
    (arg) => ({ alpha: arg("alpha") }),
  ),
  activationSurface("selu", "selu", "scale · (x if x > 0 else alpha · (exp(x) − 1)), alpha ≈ 1.6733, scale ≈ 1.0507 (Keras selu)"),
  activationSurface(
    "gelu",
    "gelu",
    "x · Φ(x) = 0.5 · x · (1 + erf(x / √2)); approximate: 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))) (Keras gelu)",
    [{ name: "approximate", type: { t: "bool" }, default: false, doc: "the tanh approximation (Keras default false)" }],
    (arg) => ({ approximate: arg("approximate") }),
  ),
  activationSurface("silu", "silu", "x · sigmoid(x) (Keras silu)"),
  activationSurface("swish", "silu", "x · sigmoid(x): Keras's alias of silu"),
  activationSurface("softplus", "softplus", "log(1 + exp(x)), computed as max(x, 0) + log1p(exp(−|x|))"),
  activationSurface("softsign", "softsign", "x / (1 + |x|)"),
  activationSurface("hard_sigmoid", "hard_sigmoid", "relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1) (Keras 3)"),
];
