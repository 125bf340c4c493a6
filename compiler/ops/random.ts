// Random sources: fresh noise at every batch from the trainer's seeded RNG (the same
// numbers on both backends: the draws stay in TypeScript, f64 Box–Muller for normal).
import { fail } from "../diagnostics/diagnostic.js";
import type { Shape } from "../ir/ir.js";
import { primitive, type CallSurface, type OpTable } from "./op.js";
import { none } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { py, shapeTuple } from "../emit/pytorch/rules.js";

export type Names = { primitive: "normal" | "uniform"; composite: never; train: never };

export type NormalAttrs = { readonly shape: Shape; readonly mean: number; readonly std: number };
export type UniformAttrs = { readonly shape: Shape; readonly low: number; readonly high: number };

/** Why a model that draws noise itself cannot be exported (a GAN generator takes its noise as an input instead). */
const RANDOM = "draws noise from the trainer's seeded random stream, which an exported model does not have";

export const ops: OpTable<Names> = {
  normal: primitive<NormalAttrs>({
    keras: { type: "RandomNormal", base: "random_normal" },
    pytorch: (c) => `dlm.noise.normal(${shapeTuple(c.attrs.shape)}, ${py(c.attrs.mean)}, ${py(c.attrs.std)})`,
    shape: (c) => ({ out: c.attrs.shape }),
    vjp: none,
    ts: (c) => `rng.fillNormal(${T.out(c)}, ${c.attrs.mean}, ${c.attrs.std});`,
    wasm: W.ts,
    export: { unsupported: RANDOM },
  }),
  uniform: primitive<UniformAttrs>({
    keras: { type: "RandomUniform", base: "random_uniform" },
    pytorch: (c) => `dlm.noise.uniform(${shapeTuple(c.attrs.shape)}, ${py(c.attrs.low)}, ${py(c.attrs.high)})`,
    shape: (c) => ({ out: c.attrs.shape }),
    vjp: none,
    ts: (c) => `rng.fillUniform(${T.out(c)}, ${c.attrs.low}, ${c.attrs.high});`,
    wasm: W.ts,
    export: { unsupported: RANDOM },
  }),
};

export const surfaces: readonly CallSurface[] = [
  {
    name: "normal",
    kind: "random",
    args: [
      { name: "shape", type: { t: "shape" }, doc: "shape, e.g. [B, 100]" },
      { name: "mean", type: { t: "float" }, default: 0, doc: "mean" },
      { name: "std", type: { t: "float", min: 0, minOpen: true }, default: 1, doc: "standard deviation" },
    ],
    doc: "fresh normal noise at every batch",
    lower: (c) => c.op("normal", [], { shape: c.arg("shape"), mean: c.arg("mean"), std: c.arg("std") }),
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
    lower: (c) => {
      const attrs = { shape: c.arg("shape"), low: c.arg<number>("low"), high: c.arg<number>("high") };
      if (attrs.low >= attrs.high) fail("DL2008", "`low` must be below `high`", c.span);
      return c.op("uniform", [], attrs);
    },
  },
];
