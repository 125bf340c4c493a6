// What the compiler knows about an op, as the slots an op module fills (compiler/ops/*.ts).
// The registry (index.ts) collects the modules; every table a pass uses is derived from it,
// so an op that lacks a fact is a type error at build time.
//
// Three kinds of op, by the IR they live in:
// - a *primitive* op (PrimitiveOp) appears in the Graph IR and in the training IR: it has a
//   shape rule, a derivative (VJP rule), a TypeScript reference-kernel call and a
//   WebAssembly kernel; `dense`, `conv2d`, `relu`, `add`, the losses.
// - a *composite* op (CompositeOp) appears in the Graph IR only (summaries, checkpoints,
//   shapes): inlining replaces it by its expansion into other ops, so it needs no
//   derivative and no kernel; `lstm`, `dropout`, `conv1d`.
// - a *training* op (TrainOp) appears only in the training IR: gradient ops that VJP rules
//   emit (`matmul_nt`, `relu_grad`) and ops that expansions emit (`lstm_scan`): kernels and
//   (for expansion ops) a derivative, no shape rule (their creator knows the shape).
//
// The surface of an op — the builtin a .dlm file calls, with its options, Keras class and
// how a call lowers to eqns — is a Surface; one op may have several (flatten and reshape
// both lower to `reshape`) or none (`add` comes from `+`).
import type { AttrValue, Attrs, DType, Eqn, InitName, ModelIR, OpName, ParamRole, Shape, ValueId } from "../ir/ir.js";
import type { TEqn, TOp, TValue } from "../ir/train-ir.js";
import type { Span } from "../source.js";
import type { Builtin } from "../lang/args.js";
import type { Bound } from "../lang/bind.js";
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Mod } from "../wasm/kernels/fn.js";
import type { OnnxRule, TfjsRule } from "../export/rules.js";
import type { KernelSplit } from "../../runtime/threads/plan.js";
import type { PytorchRule } from "../emit/pytorch/rules.js";

/** The Keras class shown in summaries and the base of default layer names (`dense`, `dense_1`). */
export interface KerasName {
  readonly type: string;
  readonly base: string;
}

// ── Shapes ──────────────────────────────────────────────────────────────────────────────

export interface ShapeCtx<A = Attrs> {
  readonly op: OpName;
  readonly attrs: A;
  /** Shapes of the eqn's data inputs (parameters excluded). */
  readonly inputs: readonly Shape[];
  readonly dtypes: readonly DType[];
  readonly span: Span;
  /** Models already typed, for `call`. */
  readonly models: ReadonlyMap<string, ModelIR>;
}

export interface ShapeResult {
  readonly out: Shape;
  readonly dtype?: DType;
  /** The shapes of the parameters (and state) the eqn owns, in input order. */
  readonly params?: readonly Shape[];
}

/** The output shape (and parameter shapes) from the input shapes; user mistakes `fail` at the eqn's span. */
export type ShapeRule<A = Attrs> = (c: ShapeCtx<A>) => ShapeResult;

// ── Derivatives ─────────────────────────────────────────────────────────────────────────

export interface VjpCtx<A = Attrs> {
  readonly eqn: TEqn;
  readonly attrs: A;
  /** The gradient of the eqn's output. */
  readonly dy: ValueId;
  /** Which inputs need a gradient. */
  readonly needs: readonly boolean[];
  value(id: ValueId): TValue;
  /** Adds `op(inputs)` to the backward program: a gradient of `of` (named d<of><suffix>) of `shape`. */
  emit(op: TOp, inputs: readonly ValueId[], attrs: Attrs, shape: Shape, of: ValueId, suffix?: string): ValueId;
}

/**
 * The gradients of an eqn's inputs given the gradient `dy` of its output, written as new
 * eqns: one entry per input, a gradient value (summed to the input's shape) or null where
 * no gradient flows or `needs[i]` is false.
 */
export type VjpRule<A = Attrs> = (c: VjpCtx<A>) => (ValueId | null)[];

// ── The TypeScript backend ──────────────────────────────────────────────────────────────

export interface EmitCtx<A = Attrs> {
  readonly eqn: TEqn;
  readonly attrs: A;
  value(id: number): TValue;
  /** The identifier of a value's buffer. */
  buf(id: number): string;
  /** Its element count at run time, e.g. "n * 128" ("n" = valid batch rows). */
  size(id: number): string;
  /** A module-level constant (geometry, strides) named after `hint`; returns its name. */
  hoist(hint: string, code: string): string;
  /** A scratch buffer of `perRow` values for each of the B rows, allocated with the trainer. */
  scratch(perRow: number, which?: number): string;
}

/** The statement that runs the eqn with a reference kernel (runtime/kernels). */
export type EmitRule<A = Attrs> = (c: EmitCtx<A>) => string;

// ── The WebAssembly backend ─────────────────────────────────────────────────────────────

/** Which module is being built: the default (SIMD128) or the relaxed-SIMD variant. */
export interface Variant {
  readonly relaxed: boolean;
}

/** Adds one kernel to a module under construction, under the export name it is given. */
export type KernelAdder = (b: BinaryenApi, mod: Mod, name: string, variant: Variant) => void;

export interface WasmCtx<A = Attrs> {
  readonly eqn: TEqn;
  readonly attrs: A;
  /** The eqns of a fused group (wasm/fuse.ts), in order; [eqn] for a single op. */
  readonly group: readonly TEqn[];
  /** Values the fused kernel reads and writes besides its eqns' (fuse.ts Group). */
  readonly extraIn: readonly number[];
  readonly extraOut: readonly number[];
  value(id: number): TValue;
  /** The identifier of the constant holding a value's byte offset in linear memory. */
  addr(id: number): string;
  /** Whether a value has a buffer (fusion leaves values that only their group reads without one). */
  hasBuffer(id: number): boolean;
  /** Its element count at run time, e.g. "n * 128" ("n" = valid batch rows). */
  size(id: number): string;
  /**
   * The kernel with this key, added to the module once by `add`; returns the expression to call
   * it with. `split`: how threads may share its calls (from the kit's helpers, when `c.split` allows).
   */
  kernel(key: string, add: KernelAdder, split?: KernelSplit): string;
  /** The op's split slot (of a fused group's first op): whether the kit's helpers describe the kernel's split. */
  readonly split?: SplitKind;
  /** Bytes per batch row of the buffer whose offset constant is `arg` (0: unbatched, or not a buffer). */
  rowBytes(arg: string): number;
  /** The byte offset of the shared kernel scratch space, reserving `fixed + perRow·B` bytes. */
  scratch(fixed: number, perRow?: number): string;
}

/**
 * How threads may share a call of the op's kernel (docs/threads.md), each output element
 * computed by one thread in the one-thread order: `rows`, over the rows of its batch-major
 * buffers (the kernel computes each row from that row alone and what every row shares);
 * `columns`, over the 8-column panels of a GEMM's output, or a convolution kernel gradient's
 * panels of filters (a weight gradient's elements are sums over all rows: never split along the sum).
 */
export type SplitKind = "rows" | "columns";

/** A kernel call statement, or null: this op stays in TypeScript (its EmitRule line runs on views of the memory). */
export type WasmRule<A = Attrs> = (c: WasmCtx<A>) => string | null;

/** The kernel call of a fused group (wasm/fuse.ts names the rule; `c.group` holds its eqns). */
export type FusedRule = (c: WasmCtx) => string;

// ── The op kinds ────────────────────────────────────────────────────────────────────────

/** What every op of the training IR has: a derivative and a kernel on each backend. */
export interface Kernel<A = Attrs> {
  readonly vjp: VjpRule<A>;
  readonly ts: EmitRule<A>;
  readonly wasm: WasmRule<A>;
  /** The output is another name for input 0's buffer (reshape, stop_gradient): no kernel runs. */
  readonly alias?: true;
  /** Kernels of the fused groups that start with this op, by rule name (wasm/fuse.ts decides the groups). */
  readonly fused?: Readonly<Record<string, FusedRule>>;
  /** An activation the GEMM kernel can apply in its epilogue (fusion `dense+act`). */
  readonly epilogue?: true;
  /** How threads may share its kernel's calls, and the fused kernels it starts (SplitKind); absent: one thread runs them. */
  readonly split?: SplitKind;
  /** What exporting a trained model needs to know of the op (compiler/export); absent: nothing beyond its kernels. */
  readonly export?: ExportFacts;
  /**
   * Differentially private training (ops/privacy.ts): the gradient of the parameter that is
   * input `i`, per group of rows, [groups, ...its shape]; null (or no rule): the op cannot
   * give one (DL4010).
   */
  readonly perExample?: PerExampleRule<A>;
}

export interface PerExampleCtx<A = Attrs> extends VjpCtx<A> {
  /** The microbatches: G groups of n/G consecutive rows. */
  readonly groups: number;
}

export type PerExampleRule<A = Attrs> = (c: PerExampleCtx<A>, input: number) => ValueId | null;

/**
 * Facts of an op for the exporters (`dlm export`, compiler/export): the inference module
 * runs the op's kernels as the trainer's inference does; these say what else an export
 * must know of it.
 */
export interface ExportFacts {
  /**
   * What a model's output means when this op computes it: `classes`, class probabilities
   * over the last axis (softmax: `info.classes`, `dlm predict` prints the top classes);
   * `probabilities`, independent probabilities (sigmoid).
   */
  readonly output?: "classes" | "probabilities";
  /** Why an exported model cannot contain the op, as a predicate of it ("draws noise from …"); absent: it can. */
  readonly unsupported?: string;
  /** The op in TensorFlow.js layers (`--format tfjs`, export/tfjs.ts); absent: that format cannot hold it. */
  readonly tfjs?: TfjsRule;
  /** The op in ONNX nodes (`--format onnx`, export/onnx.ts); absent: that format cannot hold it. */
  readonly onnx?: OnnxRule;
}

export interface PrimitiveOp<A = Attrs> extends Kernel<A> {
  readonly keras?: KerasName;
  readonly shape: ShapeRule<A>;
  /**
   * A loss of (prediction, target): a scalar, the mean over the batch. `logits`: the
   * activation whose input the loss reads instead when the prediction is that activation's
   * output (middle/logits.ts: stable cross-entropy from the logits).
   */
  readonly loss?: { readonly logits?: OpName };
  /** How the op treats a padding mask on its input 0; absent: it cannot use one (DL3017). */
  readonly mask?: MaskRule<A>;
  /** The eqn in the PyTorch target's train.py (emit/pytorch/rules.ts); absent: that target cannot compute it (DL4012). */
  readonly pytorch?: PytorchRule<A>;
}

/**
 * A padding mask (`embedding(mask_zero=true)`: 1 where an id is not 0) travels with the
 * value it belongs to (docs/architecture.md, "Masks"). An op with a mask rule accepts a
 * masked input 0: `carries` says whether its output carries the mask on (per-position ops;
 * a recurrent layer with return_sequences). A composite's expansion reads the mask as
 * `ExpandCtx.mask`; a primitive with `input: true` gets it as one more input (a loss).
 */
export interface MaskRule<A = Attrs> {
  readonly carries: (attrs: A) => boolean;
  readonly input?: true;
}

/** The rule of per-position ops: the output carries its input's mask. */
export const keepsMask: MaskRule<unknown> = { carries: () => true };

export interface ExpandCtx<A = Attrs> {
  readonly eqn: Eqn;
  readonly attrs: A;
  /** The eqn's inputs as ids of the flat program. */
  readonly inputs: readonly ValueId[];
  /** The output's shape. */
  readonly shape: Shape;
  /** The padding mask of input 0 (f32 [B, ...], 1 at valid positions), or null. */
  readonly mask: ValueId | null;
  value(id: ValueId): TValue;
  /** A new value named after the eqn's output (`suffix` "" gives the output's own name). */
  temp(suffix: string, shape: Shape, dtype?: DType): ValueId;
  /**
   * Appends `op(inputs) → outputs` to the flat program, at the eqn's span and layer; `mode`:
   * only in training, or only in evaluation and inference.
   */
  emit(op: TOp, inputs: readonly ValueId[], outputs: readonly ValueId[], attrs: Attrs, mode?: "train" | "inference"): void;
  /**
   * Behaviour that differs between training and inference: evaluation and inference read
   * `value` (the training result) as `as` (computed by eqns emitted with mode "inference",
   * or an input: a dropout is the identity there).
   */
  inferAs(value: ValueId, as: ValueId): void;
  /** State that is not trained: at the end of a training step, `param` (a state parameter among `inputs`) takes `value`. */
  update(param: ValueId, value: ValueId): void;
}

/** The composite's replacement in the flat program; returns the value that stands for its output. */
export type ExpandRule<A = Attrs> = (c: ExpandCtx<A>) => ValueId;

export interface CompositeOp<A = Attrs> {
  readonly keras?: KerasName;
  readonly shape: ShapeRule<A>;
  readonly expand: ExpandRule<A>;
  readonly mask?: MaskRule<A>;
  /** The layer in the PyTorch target's train.py (emit/pytorch/rules.ts); absent: that target cannot compute it (DL4012). */
  readonly pytorch?: PytorchRule<A>;
}

export type TrainOp<A = Attrs> = Kernel<A>;

/** One op of either IR. */
export type AnyOp = PrimitiveOp | CompositeOp | TrainOp;

/**
 * An op module's table: every name of its unions with a definition of the right kind, so
 * that a missing entry, or an entry of the wrong kind, does not compile.
 */
export type OpTable<N extends OpNames> = { readonly [K in N["primitive"]]: PrimitiveOp } & {
  readonly [K in N["composite"]]: CompositeOp;
} & { readonly [K in N["train"]]: TrainOp };

/** The names an op module defines, by kind (`never` for none). */
export interface OpNames {
  readonly primitive: string;
  readonly composite: string;
  readonly train: string;
}

/** A primitive op with typed attributes (the one place they are cast). */
export const primitive = <A extends Attrs = Attrs>(op: PrimitiveOp<A>): PrimitiveOp => op as unknown as PrimitiveOp;
export const composite = <A extends Attrs = Attrs>(op: CompositeOp<A>): CompositeOp => op as unknown as CompositeOp;
export const trainOp = <A extends Attrs = Attrs>(op: TrainOp<A>): TrainOp => op as unknown as TrainOp;

// ── Surfaces: the builtins a .dlm file calls ────────────────────────────────────────────

export interface LowerCtx {
  readonly bound: Bound;
  /** The static value of an option (its default when absent). */
  arg<T extends AttrValue = AttrValue>(name: string): T;
  /** Lowers a tensor argument. */
  tensor(name: string): ValueId;
  /** Lowers the tensors of a variadic option (`concat`'s inputs), in order. */
  tensors(name: string): ValueId[];
  /** A `layer` option (`bidirectional`'s): the layer's name and its call's options, bound to its builtin (no tensor input). */
  layerSpec(name: string): { readonly name: string; readonly span: Span; arg<T extends AttrValue = AttrValue>(option: string): T };
  readonly span: Span;
  /** An eqn of `op` that is its own summary row inside a model. */
  op(op: OpName, inputs: readonly ValueId[], attrs: Attrs): ValueId;
  /** One eqn of `op` per entry of `attrs`, all of one summary row inside a model (the parts of a `split`). */
  parts(op: OpName, inputs: readonly ValueId[], attrs: readonly Attrs[]): ValueId[];
}

export interface LayerCtx extends LowerCtx {
  /** The layer's input, already lowered. */
  readonly x: ValueId;
  /** The layer's name (`dense_1`, or its `name=`). */
  readonly layer: string;
  /** A parameter of the layer (its checkpoint name is `layer/role`); trainable unless `state`. */
  param(role: ParamRole, init: InitName, layout: string, state?: boolean): ValueId;
  /** An eqn of this layer. */
  eqn(op: OpName, inputs: readonly ValueId[], attrs: Attrs): ValueId;
  /** The layer's `activation=` option applied to `out` (a second eqn of the layer), or `out`. */
  activation(out: ValueId): ValueId;
}

/** A layer: owns its parameters, has a summary row of its Keras class. */
export interface LayerSurface extends Builtin {
  readonly kind: "layer";
  /** A test-only builtin: callable only with DLM_TEST_OPS=1 (it tests a concept before a real op uses it). */
  readonly testOnly?: true;
  readonly keras: KerasName;
  /** Creates parameters (so it belongs inside a model). */
  readonly params?: true;
  lower(c: LayerCtx): ValueId;
}

/** An activation: also an `activation=` value; `op` null is the identity (`linear`). */
export interface ActivationSurface extends Builtin {
  readonly kind: "activation";
  readonly op: OpName | null;
  /** The op's attributes from the activation's bound options (its tensor input excluded). */
  attrs(arg: <T extends AttrValue>(name: string) => T): Attrs;
}

/** A function-like builtin: an op, a random source or a loss. */
export interface CallSurface extends Builtin {
  readonly kind: "op" | "random" | "loss";
  lower(c: LowerCtx): ValueId;
  /**
   * A builtin that gives several tensors (`split`): its lowering, used where a `let` binds
   * one name per tensor (`let a, b = x |> split(2)`); `lower` then reports any other use.
   */
  readonly several?: (c: LowerCtx) => ValueId[];
}

export type Surface = LayerSurface | ActivationSurface | CallSurface;
