// Batch normalization and layer normalization with Keras 3 semantics.
//
// Both are composites with fused kernels rather than primitives, for two reasons. A batch
// norm behaves differently in training and inference and owns state (the moving
// statistics), which only an expansion can express (modes, `inferAs`, `update`); and the
// statistics its backward pass needs (the batch mean and variance) are outputs of the
// training kernel, which only a training op can have besides its result. Neither is a
// chain of generic elementwise ops: each pass over the data is one kernel
// (normalization.wasm.ts, SIMD over channels or over the contiguous inner axis, sums in
// float64), so a training step reads the activations twice forward and twice backward.
//
//   batchnorm (x [.., C, ..], axis the C axis; every other axis is the batch of statistics)
//     training     [y, mean, var] = batchnorm_train(x, γ, β)         statistics, then y = γ·x̂ + β
//                  moving_mean ← moving_average(moving_mean, mean)  (and the variance; biased, as Keras)
//     inference    y = batchnorm_infer(x, moving_mean, moving_var, γ, β)
//     backward     sums = batchnorm_grad_sums(dy, x, mean, var)      [Σdy, Σdy·x̂] per channel: dβ, dγ
//                  dx = batchnorm_grad(dy, x, mean, var, γ, sums)    γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂))
//   layernorm (statistics per sample over `axis`; γ, β of that axis's size; no state)
//                  [y, mean, var] = layernorm_fwd(x, γ, β);  backward: layernorm_grad (dx), layernorm_grad_sums (dγ, dβ)
//
// Statistics count only the valid rows n of a last partial batch: the kernels' outer count
// is n·(the dims before the axis), as a `mean` over the batch axis. In evaluation and
// inference a batch norm right after a dense or conv2d layer (no activation between) is
// folded into that layer's kernel and bias (middle/fold-norm.ts, `batchnorm_fold`).
import { fail } from "../diagnostics/diagnostic.js";
import type { Shape, ValueId } from "../ir/ir.js";
import { layerName, tensor } from "../lang/args.js";
import { composite, trainOp, type LayerSurface, type OpTable, type ShapeCtx } from "./op.js";
import { fmt } from "./kit/shape.js";
import { none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as NW from "./normalization.wasm.js";
import { py } from "../emit/pytorch/rules.js";

export type Names = {
  primitive: never;
  composite: "batchnorm" | "layernorm";
  train:
    | "batchnorm_train"
    | "batchnorm_infer"
    | "batchnorm_grad_sums"
    | "batchnorm_grad"
    | "batchnorm_fold"
    | "moving_average"
    | "norm_row"
    | "layernorm_fwd"
    | "layernorm_grad"
    | "layernorm_grad_sums";
};

/** The options of both layers (`momentum` only a batch norm's); `axis` as written. */
export type NormLayerAttrs = {
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly momentum?: number;
};
/** The kernels' attributes: the axis normalized (≥ 1), whether γ and β are inputs. */
export type NormAttrs = { readonly axis: number; readonly epsilon: number; readonly center: boolean; readonly scale: boolean };

/** `axis` of a layer's input as a non-negative index after the batch, or a located DL3010. */
function axisOf(c: ShapeCtx<NormLayerAttrs>): number {
  const x = c.inputs[0];
  const axis = c.attrs.axis;
  const what = c.op === "batchnorm" ? "batchnorm" : "layernorm";
  if (axis < -x.length || axis >= x.length) {
    fail("DL3010", `\`${what}\` axis ${axis} is out of range for ${fmt(x)}`, c.span, {
      hint: `the input has ${x.length} axes: use an axis from 1 to ${x.length - 1}, or from -${x.length - 1} to -1 (-1: the last)`,
    });
  }
  const a = axis < 0 ? axis + x.length : axis;
  if (a === 0) {
    fail("DL3010", `\`${what}\` cannot normalize along the batch axis (axis ${axis} of ${fmt(x)})`, c.span, {
      hint:
        what === "batchnorm"
          ? "the axis is the one that keeps its own statistics (the channels): -1, the last, for dense and conv2d outputs"
          : "a layer norm normalizes each sample over one of its own axes: -1, the last, for dense outputs",
    });
  }
  return a;
}

/** x as [outer, size, inner] around axis `a`: outer as an expression of n, inner static. */
function split(s: Shape, a: number): { outer: string; size: number; inner: number } {
  return { outer: T.countExpr(s.slice(0, a)), size: s[a] as number, inner: s.slice(a + 1).reduce((p: number, d) => p * (d as number), 1) };
}

/** γ and β among an eqn's inputs from `start`, as the attributes say they are present. */
function affineInputs(inputs: readonly ValueId[], start: number, attrs: NormAttrs): { gamma?: ValueId; beta?: ValueId } {
  let k = start;
  const gamma = attrs.scale ? inputs[k++] : undefined;
  const beta = attrs.center ? inputs[k++] : undefined;
  return { gamma, beta };
}

const kernelAttrs = (attrs: NormLayerAttrs, axis: number): NormAttrs => ({
  axis,
  epsilon: attrs.epsilon,
  center: attrs.center,
  scale: attrs.scale,
});

const opt = (v: ValueId | undefined): ValueId[] => (v === undefined ? [] : [v]);
const bufOr = (buf: (id: number) => string, v: ValueId | undefined): string => (v === undefined ? "null" : buf(v));

export const ops: OpTable<Names> = {
  batchnorm: composite<NormLayerAttrs>({
    keras: { type: "BatchNormalization", base: "batch_normalization" },
    // dlm_torch.BatchNorm: Keras's momentum and biased moving variance (torch's BatchNorm2d stores the unbiased one).
    pytorch: (c) => {
      const x = c.shape(c.eqn.inputs[0]);
      const { axis, epsilon, scale, center } = c.attrs;
      const a = axis < 0 ? axis + x.length : axis;
      const opts = `momentum=${py(c.attrs.momentum ?? 0.99)}, epsilon=${py(epsilon)}, scale=${scale ? "True" : "False"}, center=${center ? "True" : "False"}`;
      const m = c.module(`dlm.BatchNorm(${x[a]}, ${a}, ${opts})`, {
        gamma: ["weight", "same"],
        beta: ["bias", "same"],
        moving_mean: ["running_mean", "same"],
        moving_variance: ["running_var", "same"],
      });
      return `${m}(${c.args[0]})`;
    },
    shape: (c) => {
      const a = axisOf(c);
      const C = c.inputs[0][a];
      const n = (c.attrs.scale ? 1 : 0) + (c.attrs.center ? 1 : 0) + 2;
      return { out: c.inputs[0], params: Array.from({ length: n }, () => [C]) };
    },
    expand: (c) => {
      const x = c.inputs[0];
      const xs = c.value(x).shape;
      const axis = c.attrs.axis < 0 ? c.attrs.axis + xs.length : c.attrs.axis;
      const attrs = kernelAttrs(c.attrs, axis);
      const { gamma, beta } = affineInputs(c.inputs, 1, attrs);
      const [movingMean, movingVariance] = c.inputs.slice(c.inputs.length - 2);
      const C = [xs[axis]];
      // Training: the batch's statistics normalize x and move the moving statistics.
      const y = c.temp("", c.shape);
      const mean = c.temp("mean", C);
      const variance = c.temp("variance", C);
      c.emit("batchnorm_train", [x, ...opt(gamma), ...opt(beta)], [y, mean, variance], attrs, "train");
      const momentum = { momentum: c.attrs.momentum ?? 0.99 };
      const nextMean = c.temp("moving_mean_next", C);
      c.emit("moving_average", [movingMean, mean], [nextMean], momentum, "train");
      c.update(movingMean, nextMean);
      const nextVariance = c.temp("moving_variance_next", C);
      c.emit("moving_average", [movingVariance, variance], [nextVariance], momentum, "train");
      c.update(movingVariance, nextVariance);
      // Evaluation and inference: the moving statistics.
      const yi = c.temp("inference", c.shape);
      c.emit("batchnorm_infer", [x, movingMean, movingVariance, ...opt(gamma), ...opt(beta)], [yi], attrs, "inference");
      c.inferAs(y, yi);
      return y;
    },
  }),
  batchnorm_train: trainOp<NormAttrs>({
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      const [, mean, variance] = c.eqn.outputs;
      const { gamma, beta } = affineInputs(c.eqn.inputs, 1, c.attrs);
      const C = shapeOf(c, mean)[0] as number;
      const sums = c.emit("batchnorm_grad_sums", [c.dy, x, mean, variance], c.attrs, [2, C], x, "_sums");
      const grads: (ValueId | null)[] = [
        c.needs[0] ? c.emit("batchnorm_grad", [c.dy, x, mean, variance, ...opt(gamma), sums], c.attrs, shapeOf(c, x), x) : null,
      ];
      if (gamma !== undefined) grads.push(c.needs[1] ? c.emit("norm_row", [sums], { row: 1 }, [C], gamma) : null);
      if (beta !== undefined) grads.push(c.needs[grads.length] ? c.emit("norm_row", [sums], { row: 0 }, [C], beta) : null);
      return grads;
    },
    ts: (c) => {
      const [x] = c.eqn.inputs;
      const [y, mean, variance] = c.eqn.outputs;
      const { gamma, beta } = affineInputs(c.eqn.inputs, 1, c.attrs);
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.batchnormTrain(${c.buf(y)}, ${c.buf(mean)}, ${c.buf(variance)}, ${c.buf(x)}, ${bufOr(c.buf, gamma)}, ${bufOr(c.buf, beta)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.batchnormTrainCall,
  }),
  batchnorm_infer: trainOp<NormAttrs>({
    vjp: none,
    ts: (c) => {
      const [x, mm, mv] = c.eqn.inputs;
      const { gamma, beta } = affineInputs(c.eqn.inputs, 3, c.attrs);
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.batchnormInfer(${T.out(c)}, ${c.buf(x)}, ${c.buf(mm)}, ${c.buf(mv)}, ${bufOr(c.buf, gamma)}, ${bufOr(c.buf, beta)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.batchnormInferCall,
    export: {
      // Keras's BatchNormalization on its moving statistics: tfjs's layer of the same weights (γ, β, mean, variance).
      tfjs: (c) => {
        const [x, mm, mv] = c.eqn.inputs;
        const { axis, epsilon, center, scale } = c.eqn.attrs as NormAttrs;
        const { gamma, beta } = affineInputs(c.eqn.inputs, 3, c.eqn.attrs as NormAttrs);
        const weights = [
          ...(gamma !== undefined ? [{ name: "gamma", value: gamma }] : []),
          ...(beta !== undefined ? [{ name: "beta", value: beta }] : []),
          { name: "moving_mean", value: mm },
          { name: "moving_variance", value: mv },
        ];
        return c.add(
          "BatchNormalization",
          { axis: axis < 0 ? c.shape(x).length + axis : axis, momentum: 0.99, epsilon, center, scale },
          weights,
        );
      },
      // ONNX's BatchNormalization normalizes axis 1: the channels of NCHW images, or the features of [B, F].
      onnx: (c) => {
        const [x, mm, mv] = c.eqn.inputs;
        const { axis, epsilon, center, scale } = c.eqn.attrs as NormAttrs;
        const rank = c.shape(x).length;
        const a = axis < 0 ? rank + axis : axis;
        if (!center || !scale) return "has no γ or no β (center or scale false), which this export does not write out";
        if (!((rank === 4 && a === 3) || (rank === 2 && a === 1)))
          return "normalizes an axis other than the channels of [B, H, W, C] or the features of [B, F]";
        const { gamma, beta } = affineInputs(c.eqn.inputs, 3, c.eqn.attrs as NormAttrs);
        const layout = rank === 4 ? "nchw" : "nhwc";
        const ins = [c.tensor(x, layout), c.weight(gamma!), c.weight(beta!), c.weight(mm), c.weight(mv)];
        return c.output(c.node("BatchNormalization", ins, { epsilon: { float: epsilon } })[0], layout);
      },
    },
  }),
  batchnorm_grad_sums: trainOp<NormAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy, x, mean, variance] = c.eqn.inputs;
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.batchnormGradSums(${T.out(c)}, ${c.buf(dy)}, ${c.buf(x)}, ${c.buf(mean)}, ${c.buf(variance)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.batchnormGradSumsCall,
  }),
  batchnorm_grad: trainOp<NormAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy, x, mean, variance] = c.eqn.inputs;
      const gamma = c.attrs.scale ? c.eqn.inputs[4] : undefined;
      const sums = c.eqn.inputs[c.eqn.inputs.length - 1];
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.batchnormGradX(${T.out(c)}, ${c.buf(dy)}, ${c.buf(x)}, ${c.buf(mean)}, ${c.buf(variance)}, ${bufOr(c.buf, gamma)}, ${c.buf(sums)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.batchnormGradCall,
  }),
  batchnorm_fold: trainOp<NormAttrs & { readonly bias: boolean }>({
    vjp: none,
    ts: (c) => {
      const [k2, b2] = c.eqn.outputs;
      const [kernel] = c.eqn.inputs;
      const rest = c.eqn.inputs.slice(c.attrs.bias ? 2 : 1);
      const [mm, mv] = rest;
      const { gamma, beta } = affineInputs(rest, 2, c.attrs);
      const ks = T.shape(c, kernel) as number[];
      const C = ks[ks.length - 1];
      const rows = ks.reduce((p, d) => p * d, 1) / C;
      const bias = c.attrs.bias ? c.buf(c.eqn.inputs[1]) : "null";
      return `K.batchnormFold(${c.buf(k2)}, ${c.buf(b2)}, ${c.buf(kernel)}, ${bias}, ${c.buf(mm)}, ${c.buf(mv)}, ${bufOr(c.buf, gamma)}, ${bufOr(c.buf, beta)}, ${rows}, ${C}, ${c.attrs.epsilon});`;
    },
    wasm: NW.batchnormFoldCall,
  }),
  moving_average: trainOp<{ readonly momentum: number }>({
    vjp: none,
    ts: (c) => {
      const [moving, batch] = c.eqn.inputs;
      return `K.movingAverage(${T.out(c)}, ${c.buf(moving)}, ${c.buf(batch)}, ${c.size(moving)}, ${c.attrs.momentum});`;
    },
    wasm: NW.movingAverageCall,
  }),
  norm_row: trainOp<{ readonly row: number }>({
    vjp: none,
    ts: (c) => {
      const size = T.shape(c, c.eqn.outputs[0])[0] as number;
      return `K.copyRange(${T.out(c)}, ${c.buf(c.eqn.inputs[0])}, ${c.attrs.row * size}, ${size});`;
    },
    wasm: NW.normRowCall,
  }),
  layernorm: composite<NormLayerAttrs>({
    keras: { type: "LayerNormalization", base: "layer_normalization" },
    pytorch: (c) => {
      const x = c.shape(c.eqn.inputs[0]);
      const { axis, epsilon, scale, center } = c.attrs;
      const a = axis < 0 ? axis + x.length : axis;
      const opts = `epsilon=${py(epsilon)}, scale=${scale ? "True" : "False"}, center=${center ? "True" : "False"}`;
      const m = c.module(`dlm.LayerNorm(${x[a]}, ${a}, ${opts})`, { gamma: ["weight", "same"], beta: ["bias", "same"] });
      return `${m}(${c.args[0]})`;
    },
    shape: (c) => {
      const a = axisOf(c);
      const L = c.inputs[0][a];
      const n = (c.attrs.scale ? 1 : 0) + (c.attrs.center ? 1 : 0);
      return { out: c.inputs[0], params: Array.from({ length: n }, () => [L]) };
    },
    expand: (c) => {
      const x = c.inputs[0];
      const xs = c.value(x).shape;
      const axis = c.attrs.axis < 0 ? c.attrs.axis + xs.length : c.attrs.axis;
      const attrs = kernelAttrs(c.attrs, axis);
      const stats = xs.filter((_, i) => i !== axis);
      const y = c.temp("", c.shape);
      const mean = c.temp("mean", stats);
      const variance = c.temp("variance", stats);
      c.emit("layernorm_fwd", [x, ...c.inputs.slice(1)], [y, mean, variance], attrs);
      return y;
    },
  }),
  layernorm_fwd: trainOp<NormAttrs>({
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      const [, mean, variance] = c.eqn.outputs;
      const { gamma, beta } = affineInputs(c.eqn.inputs, 1, c.attrs);
      const L = shapeOf(c, x)[c.attrs.axis] as number;
      const grads: (ValueId | null)[] = [
        c.needs[0] ? c.emit("layernorm_grad", [c.dy, x, mean, variance, ...opt(gamma)], c.attrs, shapeOf(c, x), x) : null,
      ];
      const wantParams = c.needs.slice(1).some(Boolean);
      const sums = wantParams ? c.emit("layernorm_grad_sums", [c.dy, x, mean, variance], c.attrs, [2, L], x, "_sums") : null;
      if (gamma !== undefined) grads.push(c.needs[1] && sums !== null ? c.emit("norm_row", [sums], { row: 1 }, [L], gamma) : null);
      if (beta !== undefined) grads.push(c.needs[grads.length] && sums !== null ? c.emit("norm_row", [sums], { row: 0 }, [L], beta) : null);
      return grads;
    },
    ts: (c) => {
      const [x] = c.eqn.inputs;
      const [y, mean, variance] = c.eqn.outputs;
      const { gamma, beta } = affineInputs(c.eqn.inputs, 1, c.attrs);
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.layernormForward(${c.buf(y)}, ${c.buf(mean)}, ${c.buf(variance)}, ${c.buf(x)}, ${bufOr(c.buf, gamma)}, ${bufOr(c.buf, beta)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.layernormForwardCall,
  }),
  layernorm_grad: trainOp<NormAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy, x, mean, variance, gamma] = c.eqn.inputs;
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.layernormGradX(${T.out(c)}, ${c.buf(dy)}, ${c.buf(x)}, ${c.buf(mean)}, ${c.buf(variance)}, ${bufOr(c.buf, gamma)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.layernormGradCall,
  }),
  layernorm_grad_sums: trainOp<NormAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy, x, mean, variance] = c.eqn.inputs;
      const g = split(T.shape(c, x), c.attrs.axis);
      return `K.layernormGradSums(${T.out(c)}, ${c.buf(dy)}, ${c.buf(x)}, ${c.buf(mean)}, ${c.buf(variance)}, ${g.outer}, ${g.size}, ${g.inner}, ${c.attrs.epsilon});`;
    },
    wasm: NW.layernormGradSumsCall,
  }),
};

const axisArg = (doc: string) => ({ name: "axis", type: { t: "int" as const }, default: -1, doc });
const commonArgs = [
  {
    name: "epsilon",
    type: { t: "float" as const, min: 0, minOpen: true },
    default: 1e-3,
    doc: "added to the variance before its square root (Keras default 1e-3)",
  },
  { name: "center", type: { t: "bool" as const }, default: true, doc: "learn an offset β (`beta`, zeros)" },
  { name: "scale", type: { t: "bool" as const }, default: true, doc: "learn a scale γ (`gamma`, ones)" },
];

export const surfaces: readonly LayerSurface[] = [
  {
    name: "batchnorm",
    kind: "layer",
    keras: { type: "BatchNormalization", base: "batch_normalization" },
    params: true,
    args: [
      tensor("x", "input [B, ...]"),
      axisArg("the channel axis, which keeps its own statistics (−1: the last)"),
      {
        name: "momentum",
        type: { t: "float", min: 0, max: 1 },
        default: 0.99,
        doc: "weight of the old moving statistics in each update (Keras default 0.99; 0.9 for short runs)",
      },
      ...commonArgs,
      layerName,
    ],
    doc: "batch normalization (Keras BatchNormalization): y = γ·(x − mean)/√(var + ε) + β per channel; the batch's statistics in training (updating the moving ones), the moving statistics in evaluation and inference",
    lower: (c) => {
      const scale = c.arg<boolean>("scale");
      const center = c.arg<boolean>("center");
      const inputs = [
        c.x,
        ...(scale ? [c.param("gamma", "ones", "[C]")] : []),
        ...(center ? [c.param("beta", "zeros", "[C]")] : []),
        c.param("moving_mean", "zeros", "[C]", true),
        c.param("moving_variance", "ones", "[C]", true),
      ];
      const attrs = { axis: c.arg("axis"), momentum: c.arg("momentum"), epsilon: c.arg("epsilon"), center, scale };
      return c.eqn("batchnorm", inputs, attrs);
    },
  },
  {
    name: "layernorm",
    kind: "layer",
    keras: { type: "LayerNormalization", base: "layer_normalization" },
    params: true,
    args: [tensor("x", "input [B, ...]"), axisArg("the axis normalized within each sample (−1: the last)"), ...commonArgs, layerName],
    doc: "layer normalization (Keras LayerNormalization): each sample normalized over `axis` by its own mean and variance, then y = γ·x̂ + β with γ, β of that axis's size",
    lower: (c) => {
      const scale = c.arg<boolean>("scale");
      const center = c.arg<boolean>("center");
      const inputs = [c.x, ...(scale ? [c.param("gamma", "ones", "[L]")] : []), ...(center ? [c.param("beta", "zeros", "[L]")] : [])];
      return c.eqn("layernorm", inputs, { axis: c.arg("axis"), epsilon: c.arg("epsilon"), center, scale });
    },
  },
];
