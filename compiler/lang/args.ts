// The vocabulary of builtin options: argument types, option specs and the shared option
// specs op modules use (the tensor input, `name=`, `activation=`, `use_bias=`). A builtin's
// options are data that binding (bind.ts), lowering, "did you mean" hints and
// docs/language.md all read.
import type { AttrValue } from "../ir/ir.js";

export type ArgType =
  | { readonly t: "tensor" }
  | { readonly t: "tensors"; readonly min: number } // one or more tensors: every positional argument from here on
  | { readonly t: "int"; readonly min?: number; readonly max?: number }
  | { readonly t: "float"; readonly min?: number; readonly max?: number; readonly minOpen?: boolean; readonly maxOpen?: boolean }
  | { readonly t: "bool" }
  | { readonly t: "size2"; readonly min: number } // an int or [int, int]
  | { readonly t: "pad2d" } // an int ≥ 0, [h, w] or [[top, bottom], [left, right]]: read as [top, bottom, left, right]
  | { readonly t: "enum"; readonly values: readonly string[] }
  | { readonly t: "activation" }
  | { readonly t: "shape" } // a list of dimensions, `B` allowed first
  | { readonly t: "ints" } // a list of integers (reshape target; -1 allowed once)
  | { readonly t: "intlist"; readonly min: number } // a list of integers ≥ min
  | { readonly t: "axes" } // an int or a list of ints
  | { readonly t: "floats" } // a list of numbers
  | { readonly t: "range" } // [lo, hi] with lo < hi
  | { readonly t: "layer"; readonly of: readonly string[] } // a layer call `lstm(64, ...)` as a spec, not applied (bidirectional's)
  | { readonly t: "string" }
  | { readonly t: "strings" }; // a string or a list of strings

export interface ArgSpec {
  readonly name: string;
  readonly type: ArgType;
  /** Absent: required. `null`: optional with no value. */
  readonly default?: AttrValue;
  readonly doc: string;
}

export type BuiltinKind = "layer" | "activation" | "op" | "random" | "loss" | "optimizer" | "schedule" | "metric" | "callback" | "source";

export interface Builtin {
  readonly name: string;
  readonly kind: BuiltinKind;
  readonly args: readonly ArgSpec[];
  readonly doc: string;
  /** Options a call might expect that this builtin lacks (as its Keras class does), each with the hint its use gets. */
  readonly absent?: Readonly<Record<string, string>>;
}

export const tensor = (name: string, doc: string): ArgSpec => ({ name, type: { t: "tensor" }, doc });
/** A variadic tensor option (`concat(a, b, c)`): the first option, taking every positional argument; the others are named. */
export const tensors = (name: string, min: number, doc: string): ArgSpec => ({ name, type: { t: "tensors", min }, doc });
export const layerName: ArgSpec = {
  name: "name",
  type: { t: "string" },
  default: null,
  doc: "the layer's name in summaries and checkpoints (default: Keras-style `dense`, `dense_1`, ...)",
};
export const activation: ArgSpec = {
  name: "activation",
  type: { t: "activation" },
  default: "linear",
  doc: "activation applied to the output",
};
export const useBias: ArgSpec = { name: "use_bias", type: { t: "bool" }, default: true, doc: "whether the layer adds a bias vector" };
