// What an op module tells the TensorFlow.js and ONNX exporters (the `tfjs` and `onnx` rules
// of the registry's `export` slot, ops/op.ts ExportFacts), and the rules several modules
// share. The exporters (tfjs.ts, onnx.ts) walk the eqns of a model's inference program in
// order and call each eqn's rule with a context; a rule describes the eqn in the format's
// terms, or returns why the format cannot compute it (the export then stops with a located
// DL4006 naming the layer and the format). An op without a rule for a format cannot be
// exported to it.
import type { Shape, ValueId } from "../ir/ir.js";
import type { TEqn } from "../ir/train-ir.js";

/** A TensorFlow.js (Keras 2) layer under construction; the exporter names it and writes its weights. */
export interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
  /** Its weights in the order tfjs-layers creates them: the name after `<layer>/`, and the value that holds it. */
  weights: { readonly name: string; readonly value: ValueId }[];
  /** The model values the layer reads (one inbound node). */
  readonly inputs: readonly ValueId[];
  /** The .dlm layer it comes from ("cnn/dense"): its name is the part after the model's. */
  readonly origin: string;
}

export interface TfjsCtx {
  readonly eqn: TEqn;
  shape(id: ValueId): Shape;
  /**
   * The layer that computes `id`, when the eqn may change that layer instead of adding one:
   * `id` is read only by this eqn, is not the model's output, and comes from the same .dlm layer.
   */
  fusable(id: ValueId): TfjsLayer | undefined;
  /** The eqn's output is a new layer's, reading `inputs` (default: the eqn's first input). */
  add(class_name: string, config: Record<string, unknown>, weights?: TfjsLayer["weights"], inputs?: readonly ValueId[]): void;
  /** The eqn's output is what `layer` (changed by the rule) computes. */
  same(layer: TfjsLayer): void;
}

/** Describes the eqn in TensorFlow.js layers, or says why they cannot compute it. */
export type TfjsRule = (c: TfjsCtx) => string | void;

/** An ONNX attribute value: an int, a float (marked), a string, or a list of ints or of strings. */
export type OnnxAttr = number | string | readonly number[] | readonly string[] | { readonly float: number };

/** Where a tensor's channels are: the model's layout (NHWC, as in the .dlm file) or ONNX's for Conv and pools (NCHW). */
export type OnnxLayout = "nhwc" | "nchw";

export interface OnnxCtx {
  readonly eqn: TEqn;
  shape(id: ValueId): Shape;
  /** The eqns that read `id`. */
  consumers(id: ValueId): readonly TEqn[];
  /** The eqn that computes `id` (undefined for the model's input and its weights). */
  producer(id: ValueId): TEqn | undefined;
  /** The layout value `id` is in now (nhwc unless a Conv or pool made it). */
  layout(id: ValueId): OnnxLayout;
  /** The tensor holding value `id` in `layout` (default nhwc; a 4-D value is transposed where it is not). */
  tensor(id: ValueId, layout?: OnnxLayout): string;
  /** An initializer holding a weight, its float32 values rearranged by `to` (default: as stored, Keras layout). */
  weight(id: ValueId, to?: { readonly dims: readonly number[]; at(i: number, data: Float32Array): number }): string;
  /** An int64 initializer. */
  ints(values: readonly number[], scalar?: boolean): string;
  /** Adds a node; returns its `outputs` output tensors' names. */
  node(op: string, inputs: readonly string[], attrs?: Record<string, OnnxAttr>, outputs?: number): string[];
  /** The eqn's first output is `tensor`, in `layout` (default nhwc). */
  output(tensor: string, layout?: OnnxLayout): void;
  /** The eqn computes nothing of its own: a later eqn (its only reader) exports it with itself. */
  skip(): void;
}

/** Adds the eqn's nodes to the ONNX graph, or says why ONNX cannot compute it. */
export type OnnxRule = (c: OnnxCtx) => string | void;

/**
 * A pointwise activation: folded into the layer before it (`activation: name`) where that
 * layer has none and nothing else reads its output, else an `Activation` layer.
 */
export const tfjsActivation =
  (name: string): TfjsRule =>
  (c) => {
    const x = c.eqn.inputs[0];
    const l = c.fusable(x);
    if (l && l.config.activation === "linear") {
      l.config.activation = name;
      c.same(l);
    } else c.add("Activation", { activation: name });
  };

/**
 * One ONNX node of the eqn's inputs: elementwise, so it runs in the layout its inputs are in
 * (NCHW between a Conv and a pool stays NCHW), the model's where they differ.
 */
export const onnxPointwise =
  (op: string, attrs: Record<string, OnnxAttr> = {}): OnnxRule =>
  (c) => {
    const ins = c.eqn.inputs;
    const layouts = new Set(ins.map((id) => c.layout(id)));
    const layout: OnnxLayout = layouts.size === 1 && ins.every((id) => c.shape(id).length === 4) ? [...layouts][0] : "nhwc";
    const [y] = c.node(
      op,
      ins.map((id) => c.tensor(id, layout)),
      attrs,
    );
    c.output(y, layout);
  };
