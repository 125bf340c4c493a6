// The training IR: one flat program per `train` block, produced from the typed IR by
// inline.ts (model calls expanded, parameters made global), then autodiff.ts (backward
// eqns per step) and schedule.ts (phases, flat buffer layout, optimizers). Plain data.
//
// Invariants: every value has a static shape whose first dimension may be "B" (the
// batch, n ≤ B rows valid at run time); eqn lists are in execution order; values are
// single-assignment, so a value may alias another's buffer (reshape, stop_gradient).
import type { Attrs, DataSpec, DType, OptimizerSpec, Shape, TrainSettings, ValueId, InitName } from "./ir.js";
import type { Span } from "../source.js";

/**
 * Ops of the flat training program: the registry's primitive ops (the Graph IR's ops minus
 * `call`, inlined, and the composites, expanded) plus its training ops — the gradient ops
 * VJP rules emit and the ops of expansions (compiler/ops). An eqn may have several outputs
 * (lstm_scan saves state for its backward pass); only the first is differentiable, the
 * others are read by the eqn's own VJP.
 */
export type { TOp } from "../ops/index.js";
import type { TOp } from "../ops/index.js";

export interface TParam {
  /** "generator/dense/kernel": model, layer, role. */
  readonly path: string;
  readonly model: string;
  readonly init: InitName;
  readonly layout: string;
  /** Offset and size in the flat parameter buffer (and the gradient / optimizer buffers). */
  readonly offset: number;
  readonly size: number;
  /** Not trained: updated by its op inside the training step (ir.ts ParamInfo.state). */
  readonly state?: true;
  /** Frozen (`trainable=false`, `freeze`): not differentiated, no optimizer range or state; loaded and saved as a weight. */
  readonly frozen?: true;
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
  /**
   * Runs only in training (`train`: a dropout's mask) or only in evaluation and inference
   * (`inference`: a batch norm with its moving statistics); absent: in both.
   */
  readonly mode?: "train" | "inference";
}

/** At the end of a training step, the state `param` takes the value `value` (a moving statistic). */
export interface StateUpdate {
  readonly param: ValueId;
  readonly value: ValueId;
}

export interface FlatProgram {
  readonly name: string;
  readonly values: readonly TValue[];
  /** One per data column, in the order the data source yields them. */
  readonly inputs: readonly ValueId[];
  /** In flat-buffer order: models in program order, each model's parameters contiguous. */
  readonly params: readonly ValueId[];
  readonly eqns: readonly TEqn[];
  /** Values that evaluation and inference read as another value (a dropout's output as its input). */
  readonly inferAs: readonly { readonly value: ValueId; readonly as: ValueId }[];
  /** State updates, each with the value whose computation makes it (the op's output). */
  readonly updates: readonly (StateUpdate & { readonly anchor: ValueId })[];
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
  /** State the step's forward pass (or the lets before the first step) updates, written after the optimizer. */
  readonly updates: readonly StateUpdate[];
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
  /** Forward eqns evaluated once per batch before the first step (the `let`s), then the `snapshot`s of parameters a later step differentiates through them. */
  readonly lets: readonly TEqn[];
  readonly steps: readonly TStep[];
  /** Inference (dropout off) for the simple form: prediction, target and loss on test data. */
  readonly evaluation: {
    readonly forward: readonly TEqn[];
    readonly prediction: ValueId;
    readonly target: ValueId;
    readonly loss: ValueId;
    readonly metrics: readonly string[];
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

/** Every segment of a training program (constants, lets, each step's forward and backward pass, evaluation, each inference entry), in the emitter's order. */
export function segmentsOf(tp: TrainingProgram): (readonly TEqn[])[] {
  return [
    tp.constants,
    tp.lets,
    ...tp.steps.flatMap((s) => [s.forward, s.backward]),
    ...(tp.evaluation ? [tp.evaluation.forward] : []),
    ...tp.inference.map((m) => m.forward),
  ];
}
