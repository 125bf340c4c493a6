// The training IR: one flat program per `train` block, produced from the typed IR by
// inline.ts (model calls expanded, parameters made global), then autodiff.ts (backward
// eqns per step) and schedule.ts (phases, flat buffer layout, optimizers). Plain data.
//
// Invariants: every value has a static shape whose first dimension may be "B" (the
// batch, n ≤ B rows valid at run time); eqn lists are in execution order; values are
// single-assignment, so a value may alias another's buffer (reshape, stop_gradient).
import type { Attrs, DataSpec, DType, OptimizerSpec, Shape, TrainSettings, ValueId, InitName, OpName } from "./ir.js";
import type { Span } from "../source.js";

/** Ops that only autodiff creates. */
export type GradOp =
  | "relu_grad"
  | "leaky_relu_grad"
  | "sigmoid_grad"
  | "tanh_grad"
  | "softmax_grad"
  | "matmul_nt" // a · bᵀ
  | "matmul_tn" // aᵀ · b, leading dimensions of a and b flattened
  | "sum_to" // reduce a broadcast gradient to an operand's shape
  | "broadcast_to" // spread a reduction's gradient back over its input
  | "conv2d_grad_input"
  | "conv2d_grad_kernel"
  | "maxpool2d_grad"
  | "avgpool2d_grad"
  | "loss_grad" // the gradient of any loss w.r.t. its prediction (attrs say which loss)
  | "lstm_scan_grad" // backpropagation through time of lstm_scan: the gates' gradients
  | "last_step_grad";

/** Ops that inlining creates when it expands composite layers (lstm). */
export type ExpandedOp =
  | "lstm_scan" // the LSTM time loop: outputs [hseq, hprev, cseq, acts]
  | "last_step"; // x[:, T−1] of a sequence

/**
 * Ops of the flat training program: the IR's ops minus `call` (inlined), plus
 * `dropout_mask`, the ops composite layers expand into, and the gradient ops. An eqn may
 * have several outputs (lstm_scan saves state for its backward pass); only the first is
 * differentiable, the others are read by the eqn's own VJP.
 */
export type TOp = Exclude<OpName, "call"> | "dropout_mask" | ExpandedOp | GradOp;

export interface TParam {
  /** "generator/dense/kernel": model, layer, role. */
  readonly path: string;
  readonly model: string;
  readonly init: InitName;
  readonly layout: string;
  /** Offset and size in the flat parameter buffer (and the gradient / optimizer buffers). */
  readonly offset: number;
  readonly size: number;
}

export interface TValue {
  readonly id: ValueId;
  readonly name: string;
  readonly kind: "input" | "param" | "temp";
  readonly dtype: DType;
  readonly shape: Shape;
  readonly param?: TParam;
  /** Set on gradients: the value this is the gradient of (emitters name it d<that>). */
  readonly gradOf?: ValueId;
}

export interface TEqn {
  readonly op: TOp;
  readonly inputs: readonly ValueId[];
  readonly outputs: readonly ValueId[];
  readonly attrs: Attrs;
  readonly span: Span;
  /** For comments: "cnn/dense_1" — the model and layer the eqn comes from, if any. */
  readonly origin?: string;
}

export interface FlatProgram {
  readonly name: string;
  readonly values: readonly TValue[];
  /** One per data column, in the order the data source yields them. */
  readonly inputs: readonly ValueId[];
  /** In flat-buffer order: models in program order, each model's parameters contiguous. */
  readonly params: readonly ValueId[];
  readonly eqns: readonly TEqn[];
}

export interface TStep {
  readonly model: string;
  readonly optimizer: OptimizerSpec;
  readonly loss: ValueId;
  /** Forward eqns this step runs (after the lets and the earlier steps). */
  readonly forward: readonly TEqn[];
  readonly backward: readonly TEqn[];
  /** The gradient value of each parameter of the step's model (null: unreached, zero). */
  readonly grads: readonly { readonly param: ValueId; readonly grad: ValueId | null }[];
  /** The trained parameters' ranges of the flat buffers (the model's, and those of the models it calls). */
  readonly ranges: readonly { readonly offset: number; readonly size: number }[];
  readonly span: Span;
}

export interface TrainingProgram {
  readonly name: string;
  readonly values: readonly TValue[];
  readonly inputs: readonly ValueId[];
  readonly params: readonly ValueId[];
  readonly paramCount: number;
  /** `constant` eqns (literals and the backward seeds): evaluated once at start-up. */
  readonly constants: readonly TEqn[];
  /** Forward eqns evaluated once per batch before the first step (the `let`s). */
  readonly lets: readonly TEqn[];
  readonly steps: readonly TStep[];
  /** Inference (dropout off) for the simple form: prediction, target and loss on test data. */
  readonly evaluation: {
    readonly forward: readonly TEqn[];
    readonly prediction: ValueId;
    readonly target: ValueId;
    readonly loss: ValueId;
    readonly metrics: readonly "accuracy"[];
  } | null;
  /** Each model on inputs of its own, dropout off: for sampling and scoring. */
  readonly inference: readonly {
    readonly model: string;
    readonly inputs: readonly ValueId[];
    readonly output: ValueId;
    readonly forward: readonly TEqn[];
  }[];
  /** Models the block feeds with a random source in a `let` (GAN generators), and that source. */
  readonly samplers: readonly { readonly model: string; readonly source: Readonly<Record<string, unknown>> }[];
  readonly settings: TrainSettings;
  readonly data: DataSpec | null;
  readonly models: readonly string[];
  readonly span: Span;
}
