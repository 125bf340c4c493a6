// What an op module tells the PyTorch target (the `pytorch` slot of a primitive or composite op
// of the Graph IR, ops/op.ts): how one eqn reads in the emitted train.py. The emitter
// (emit.ts) walks each model's eqns, and each train block's, in order, binds every output to
// a Python variable and asks the eqn's rule for the expression that computes it; a layer's
// rule also declares the PyTorch module that holds its parameters (in PyTorch's layout) and
// how each Keras-layout parameter maps onto it. An op without a rule, or whose rule returns
// `{ unsupported }`, makes `dlm compile --target pytorch` stop with a located DL4012 naming the
// op and the target.
import type { Attrs, Eqn, Shape, ValueId } from "../../ir/ir.js";

/**
 * How a parameter's Keras layout becomes its PyTorch module's (dlm_torch.py `to_torch`):
 * `same`; `t`, a transposed matrix (nn.Linear's [out, in]); `conv`, [kh, kw, in, out] to
 * nn.Conv2d's [out, in, kh, kw]; `conv1d`, [k, in, out] to nn.Conv1d's [out, in, k].
 */
export type TorchLayout = "same" | "t" | "conv" | "conv1d";

export interface PytorchCtx<A = Attrs> {
  readonly eqn: Eqn;
  readonly attrs: A;
  /** Python variables holding the eqn's inputs that are not parameters, in order. */
  readonly args: readonly string[];
  /** The shape of any value of the graph (the batch is "B"). */
  shape(id: ValueId): Shape;
  /** The output's shape. */
  readonly out: Shape;
  /** A Python boolean expression: whether the forward pass is a training one (dropout draws a mask). */
  readonly training: string;
  /**
   * The Python variable of the padding mask its input 0 carries (f32 [B, steps], 1 at real
   * tokens: `embedding(mask_zero=true)`, followed through the ops' mask rules), or null.
   */
  readonly mask: string | null;
  /**
   * The eqn's layer as a submodule built by `ctor` (Python, e.g. `nn.Linear(5408, 128)`);
   * `params` maps each parameter role of the layer ("kernel", "bias") to the submodule's
   * tensor ("weight") and the conversion from the Keras layout. Returns the Python
   * expression of the submodule (`self.dense_1`). Only inside a model.
   */
  module(ctor: string, params: Readonly<Record<string, readonly [attr: string, layout: TorchLayout]>>): string;
}

/** Why the PyTorch target cannot compute this eqn, as a predicate ("pads with 'same' at stride 2"). */
export interface Unsupported {
  readonly unsupported: string;
}

/** The Python expression of the eqn's (first) output, or why the target cannot compute it. */
export type PytorchRule<A = Attrs> = (c: PytorchCtx<A>) => string | Unsupported;

/** A Python float literal. */
export function py(v: number): string {
  if (Number.isNaN(v)) return 'float("nan")';
  if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
  const s = String(v);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

/** A Python tuple of ints. */
export function tuple(xs: readonly number[]): string {
  return xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(", ")})`;
}

/** A shape with the batch as `None` (dlm_torch's Noise fills in the global batch). */
export function shapeTuple(s: Shape): string {
  const parts = s.map((d) => (d === "B" ? "None" : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}
