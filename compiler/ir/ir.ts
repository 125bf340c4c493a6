// The IR: plain readonly data in the spirit of JAX's jaxpr. A Graph is a straight-line
// program of equations over values referenced by id; no node has methods. Every pass
// takes IR and returns new IR (or diagnostics); `verify` checks the invariants below.
//
// Invariants (checked by verify.ts):
// - values[i].id === i; every eqn input is a graph input, a param, or an output of an
//   earlier eqn (straight-line, defined before use); every value is defined once.
// - after the shapes pass every value has a shape; only the first dimension of a shape
//   may be the symbolic batch "B".
// - a param value belongs to exactly one layer; params are inputs of the eqn that owns them.
import type { EarlyStoppingSpec, PlateauSpec } from "../../runtime/callbacks.js";
import type { LrSchedule } from "../../runtime/kernels/schedules.js";
import type { Span } from "../source.js";
import type { InitSpec } from "../../runtime/transfer.js";

export type Dim = number | "B";
export type Shape = readonly Dim[];
export type DType = "f32" | "i32";
export type ValueId = number;

export type InitName = "glorot_uniform" | "he_normal" | "he_uniform" | "zeros" | "ones" | "orthogonal" | "lstm_bias" | "uniform";

/** What a parameter is to its layer (the last part of its checkpoint name). */
export type ParamRole =
  | "kernel"
  | "bias"
  | "recurrent_kernel"
  | "gamma"
  | "beta"
  | "moving_mean"
  | "moving_variance"
  | "embeddings"
  /** A wrapped layer's parameter (Keras Bidirectional's `forward_lstm/kernel`). */
  | `${"forward" | "backward"}_${string}/${"kernel" | "recurrent_kernel" | "bias"}`
  /** multi_head_attention's sublayers (Keras's `query/kernel`, ..., `attention_output/bias`). */
  | `${"query" | "key" | "value" | "attention_output"}/${"kernel" | "bias"}`;

export interface ParamInfo {
  /** Checkpoint name, from the .dlm layer: "conv2d/kernel", "dense_1/bias". */
  readonly path: string;
  readonly layer: string;
  readonly role: ParamRole;
  readonly init: InitName;
  /** The Keras layout in words, e.g. "[kh, kw, in, out]". */
  readonly layout: string;
  /**
   * State that is not trained (a batch norm's moving statistics): the op that owns it updates
   * it inside the training step; it gets no gradient and no optimizer state, and counts as
   * non-trainable in summaries, as Keras counts it. Saved in checkpoints like a weight.
   */
  readonly state?: true;
  /** Frozen (`trainable=false` on its layer): not trained, as state; a frozen batch norm runs as in inference. */
  readonly frozen?: true;
}

export interface Value {
  readonly id: ValueId;
  /** A readable name for printing and for emitted code ("x", "conv2d", "dense_1.kernel"). */
  readonly name: string;
  readonly kind: "input" | "param" | "temp";
  readonly dtype: DType;
  /** Undefined until the shapes pass. */
  readonly shape?: Shape;
  readonly param?: ParamInfo;
}

export type AttrValue = number | string | boolean | null | readonly number[] | readonly Dim[];
export type Attrs = Readonly<Record<string, AttrValue>>;

/** The ops of the Graph IR: defined by the op registry (compiler/ops). */
export type { OpName } from "../ops/index.js";
import type { OpName } from "../ops/index.js";

export interface Eqn {
  readonly op: OpName;
  readonly inputs: readonly ValueId[];
  readonly outputs: readonly ValueId[];
  readonly attrs: Attrs;
  /** The layer this eqn belongs to (models only): its name in summaries and checkpoints. */
  readonly layer?: string;
  /** The .dlm source this eqn comes from. */
  readonly span: Span;
}

export interface Graph {
  readonly values: readonly Value[];
  readonly inputs: readonly ValueId[];
  readonly outputs: readonly ValueId[];
  readonly eqns: readonly Eqn[];
}

export interface Layer {
  readonly name: string;
  /** The Keras class name shown in summaries: "Conv2D", "Dense", "LSTM" ... */
  readonly type: string;
  readonly params: readonly ValueId[];
  /** The value the layer produces (its last eqn's output). */
  readonly output: ValueId;
  readonly span: Span;
}

export interface ModelIR {
  readonly name: string;
  readonly graph: Graph;
  readonly layers: readonly Layer[];
  readonly span: Span;
}

/** Gradient clipping (Keras's `clipnorm`, `global_clipnorm`, `clipvalue`): at most one per optimizer. */
export interface GradientClip {
  readonly kind: "clipnorm" | "global_clipnorm" | "clipvalue";
  readonly value: number;
}

/** What every optimizer has: its learning rate (a constant or a schedule), decoupled weight decay, clipping. */
export interface OptimizerCommon {
  readonly lr: number | LrSchedule;
  /** w ← w − lr·wd·w before each update; 0: none. */
  readonly weightDecay: number;
  readonly clip: GradientClip | null;
  /** Differentially private training (`dp_sgd`, `dp_adam`): per-microbatch clipping and Gaussian noise before the rule's update. */
  readonly dp?: DpSpec;
}

/** The gradient of a differentially private optimizer (TensorFlow Privacy's definition). */
export interface DpSpec {
  readonly l2NormClip: number;
  readonly noiseMultiplier: number;
  /** Groups of rows the batch is split into; null: the batch (one example each). */
  readonly microbatches: number | null;
  /** The optimizer call, and its `microbatches` option when given. */
  readonly span: Span;
  readonly microbatchesSpan?: Span;
}

/** An optimizer (`adamw` is `adam` with a weight decay); ε is `eps` in every rule. */
export type OptimizerSpec = OptimizerCommon &
  (
    | { readonly kind: "sgd"; readonly momentum: number; readonly nesterov: boolean }
    | { readonly kind: "adam" | "adamax" | "nadam"; readonly beta1: number; readonly beta2: number; readonly eps: number }
    | { readonly kind: "rmsprop"; readonly rho: number; readonly momentum: number; readonly eps: number; readonly centered: boolean }
    | { readonly kind: "adagrad"; readonly initialAccumulator: number; readonly eps: number }
  );

export interface StepIR {
  /** The model whose parameters this step updates. */
  readonly model: string;
  readonly optimizer: OptimizerSpec;
  /** A scalar value of the train graph. */
  readonly loss: ValueId;
  readonly span: Span;
  /** Where the step names its model, and its loss expression. */
  readonly modelSpan: Span;
  readonly lossSpan: Span;
}

/** Where training data comes from and how it is transformed (see docs/language.md). */
export type DataSource =
  | {
      readonly kind: "mnist";
      readonly part: "both" | "images" | "labels";
      readonly dir: string | null;
      /** Only these digits, relabelled 0, 1, … in this order (`labels=[5, 6, 7, 8, 9]`). */
      readonly labels?: readonly number[];
    }
  | {
      readonly kind: "idx";
      readonly images: string;
      readonly labels: string | null;
      readonly testImages: string | null;
      readonly testLabels: string | null;
    }
  | { readonly kind: "npy"; readonly x: string; readonly y: string | null; readonly testX: string | null; readonly testY: string | null }
  | { readonly kind: "csv"; readonly path: string; readonly target: readonly string[]; readonly testRows: number }
  | { readonly kind: "brown"; readonly maxLen: number; readonly vocabSize: number; readonly tagCount: number }
  | {
      /** Windows of characters: `brown.chars` (file null) or `text(file)`. */
      readonly kind: "chars";
      readonly file: string | null;
      readonly context: number;
      readonly targets: "all" | "last";
      readonly testWindows: number;
      /** `brown.char_count` for the Brown corpus; null for a text file (its vocabulary is found when the trainer reads it). */
      readonly vocabSize: number | null;
    };

export interface DataSpec {
  readonly source: DataSource;
  readonly flatten: boolean;
  /** Pixels or features are mapped linearly from [0, 1] to this range. */
  readonly range: readonly [number, number];
  readonly rowsAsSteps: boolean;
  readonly oneHot: boolean;
  /** The samples are also the targets (`mnist(autoencode=true)`): the second column is the first again. */
  readonly autoencode?: true;
  /** Per-sample shape and dtype of each column the source yields, when known statically. */
  readonly columns: readonly { readonly name: string; readonly shape: Shape | null; readonly dtype: DType }[];
  readonly span: Span;
}

export interface TrainSettings {
  readonly batch: number;
  readonly epochs: number;
  readonly shuffle: boolean;
  readonly validationSplit: number;
  readonly seed: number;
  /** δ of the privacy accountant (`delta`, default 1e-5): set when a step has a differentially private optimizer. */
  readonly delta?: number;
  /** Training controls (frontend/train-controls.ts), present only when set. */
  readonly earlyStopping?: EarlyStoppingSpec;
  readonly reduceLrOnPlateau?: PlateauSpec;
  readonly saveBest?: string;
  /** `init FILE`: the tensors loaded from another checkpoint after the initializers ran (compile.ts checks the file). */
  readonly init?: InitSpec;
}

/** `init "FILE" { map a -> b; exclude c }` as written: checked against the file once the parameters are known. */
export interface InitSetting {
  readonly file: string;
  readonly fileSpan: Span;
  /** `map a -> b`: the file's tensors under `a/…` initialize this program's `b/…`. */
  readonly map: readonly { readonly from: string; readonly to: string; readonly span: Span }[];
  /** `exclude x`: this program's tensors under `x/…` (or named `x`) keep their initializers. */
  readonly exclude: readonly { readonly path: string; readonly span: Span }[];
  readonly span: Span;
}

export interface TrainIR {
  readonly name: string;
  /** Inputs are the data columns (one per train input); model calls are `call` eqns. */
  readonly graph: Graph;
  /** Evaluated once per batch, before the first step. */
  readonly lets: readonly { readonly name: string; readonly value: ValueId; readonly span: Span }[];
  readonly steps: readonly StepIR[];
  readonly settings: TrainSettings;
  readonly data: DataSpec | null;
  /** Metrics and test evaluation: prediction and target values of the graph (simple form). */
  readonly evaluation: { readonly prediction: ValueId; readonly target: ValueId; readonly metrics: readonly string[] } | null;
  /** Where `class_weight` and `metrics` are written, for the checks once shapes are known. */
  readonly controlSpans?: { readonly classWeight?: Span; readonly metrics?: Span; readonly delta?: Span };
  /** `freeze [...]`: the layers (`model/layer`) whose parameters this block does not train. */
  readonly frozen?: readonly string[];
  readonly init?: InitSetting;
  readonly span: Span;
}

export interface ProgramIR {
  /** In dependency order: a model appears after every model it calls. */
  readonly models: readonly ModelIR[];
  readonly trains: readonly TrainIR[];
}
