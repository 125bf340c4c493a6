// The op registry: every op module, and the tables the passes use, derived from them.
//
// An op module (dense.ts, conv.ts, …) exports `Names` (its ops by kind), `ops` (their
// definitions: shape rule, derivative or expansion, kernels — see op.ts) and `surfaces`
// (the builtins a .dlm file calls). Adding an op to a module's `Names` without defining it,
// or defining it with a slot missing, does not compile. Adding a module means one import
// and one entry in `modules` and in the name unions below (docs/adding-an-op.md).
import type { Builtin } from "../lang/args.js";
import type { CompositeOp, FusedRule, KerasName, Kernel, MaskRule, OpNames, PrimitiveOp, ShapeRule, Surface } from "./op.js";
import { callShape } from "./call.js";
import * as activations from "./activations.js";
import * as arithmetic from "./arithmetic.js";
import * as attention from "./attention.js";
import * as batchMatmul from "./batch-matmul.js";
import * as conv from "./conv.js";
import * as convTranspose from "./conv-transpose.js";
import * as dense from "./dense.js";
import * as dropout from "./dropout.js";
import * as elementwise from "./elementwise.js";
import * as embedding from "./embedding.js";
import * as losses from "./losses.js";
import * as lstm from "./lstm.js";
import * as rnn from "./rnn.js";
import * as bidirectional from "./bidirectional.js";
import * as normalization from "./normalization.js";
import * as pool from "./pool.js";
import * as privacy from "./privacy.js";
import * as random from "./random.js";
import * as reductions from "./reductions.js";
import * as resize from "./resize.js";
import * as shape from "./shape.js";
import * as snapshot from "./snapshot.js";
import * as testing from "./testing.js";

type Modules = [
  dense.Names,
  batchMatmul.Names,
  conv.Names,
  convTranspose.Names,
  resize.Names,
  pool.Names,
  shape.Names,
  dropout.Names,
  lstm.Names,
  rnn.Names,
  bidirectional.Names,
  embedding.Names,
  attention.Names,
  normalization.Names,
  activations.Names,
  reductions.Names,
  arithmetic.Names,
  elementwise.Names,
  random.Names,
  losses.Names,
  snapshot.Names,
  privacy.Names,
  testing.Names,
];
type Kind<K extends keyof OpNames> = Modules[number][K];

/** Ops of the Graph IR and the training IR with a kernel of their own. */
export type PrimitiveName = Kind<"primitive">;
/** Ops of the Graph IR that inlining expands into others. */
export type CompositeName = Kind<"composite">;
/** Ops only the training IR has (gradient ops, the ops of expansions). */
export type TrainName = Kind<"train">;

/** The ops of the Graph IR (`call`: a model used as a function, inlined before training). */
export type OpName = PrimitiveName | CompositeName | "call";
/** The ops of the training IR: every one has a derivative and a kernel on each backend. */
export type TOp = PrimitiveName | TrainName;

/**
 * The modules in the order their builtins are listed within a kind (docs/language.md, "did
 * you mean" candidates). Reductions first: sum, mean, then matmul, stop_gradient.
 */
const modules = [
  reductions,
  dense,
  batchMatmul,
  conv,
  convTranspose,
  resize,
  pool,
  shape,
  dropout,
  lstm,
  rnn,
  bidirectional,
  embedding,
  attention,
  normalization,
  activations,
  arithmetic,
  elementwise,
  random,
  losses,
  snapshot,
  privacy,
  testing,
] as const;

/** Every op of both IRs by name. */
export const ops: { readonly [K in PrimitiveName]: PrimitiveOp } & { readonly [K in CompositeName]: CompositeOp } & {
  readonly [K in TrainName]: Kernel;
} = Object.assign({}, ...modules.map((m) => m.ops));

/** The kernel slots of a training-IR op. */
export const kernelOf = (op: TOp): Kernel => ops[op];

/** The shape rule of a Graph IR op. */
export const shapeRuleOf = (op: OpName): ShapeRule => (op === "call" ? (callShape as unknown as ShapeRule) : ops[op].shape);

/** A composite's definition, or undefined for a primitive (inlining copies those as they are). */
export function compositeOf(op: OpName): CompositeOp | undefined {
  if (op === "call") return undefined;
  const def = ops[op];
  return "expand" in def ? def : undefined;
}

/** How a Graph IR op treats a padding mask on its input 0 (op.ts MaskRule), or undefined: it cannot use one. */
export const maskRuleOf = (op: OpName): MaskRule | undefined => (op === "call" ? undefined : (ops[op] as { mask?: MaskRule }).mask);

/** The Keras class and base layer name of an op that is its own summary row (`x |> relu`, `a + b`). */
export function kerasOf(op: OpName): KerasName {
  const k = op === "call" ? undefined : ops[op].keras;
  if (!k) throw new Error(`internal: op ${op} has no Keras name`);
  return k;
}

/** Ops whose output is another name for input 0's buffer: no kernel runs. */
export const aliasOps: ReadonlySet<TOp> = new Set(
  (Object.keys(ops) as (keyof typeof ops)[]).filter((k) => "alias" in ops[k] && (ops[k] as Kernel).alias) as TOp[],
);

/** Ops that can run in a GEMM's epilogue (fusion `dense+act`). */
export const epilogueOps: ReadonlySet<TOp> = new Set(
  (Object.keys(ops) as (keyof typeof ops)[]).filter((k) => (ops[k] as Kernel).epilogue) as TOp[],
);

/** The kernels of fused groups, by rule name (wasm/fuse.ts groups; the first eqn's op registers the rule). */
export const fusedRules: Readonly<Record<string, FusedRule>> = Object.assign(
  {},
  ...Object.values(ops).map((d: PrimitiveOp | CompositeOp | Kernel) => ("fused" in d ? d.fused : undefined) ?? {}),
);

/** Ops that start the fused rule `rule`. */
export const opsWithFused = (rule: string): ReadonlySet<TOp> =>
  new Set((Object.keys(ops) as (keyof typeof ops)[]).filter((k) => (ops[k] as Kernel).fused?.[rule]) as TOp[]);

const allSurfaces: readonly Surface[] = (["layer", "activation", "op", "random", "loss"] as const).flatMap((kind) =>
  modules.flatMap((m) => (m.surfaces as readonly Surface[]).filter((s) => s.kind === kind)),
);

/** The builtins the op modules define, layers first, then activations, ops, random sources, losses. */
export const opSurfaces: readonly Surface[] = allSurfaces.filter((s) => !("testOnly" in s && s.testOnly));

/** Test-only builtins (ops/testing.ts): callable only when the compiler runs with DLM_TEST_OPS=1. */
export const testSurfaces: ReadonlyMap<string, Surface> = new Map(
  allSurfaces.filter((s) => "testOnly" in s && s.testOnly).map((s) => [s.name, s]),
);

export const surfaceOf: ReadonlyMap<string, Surface> = new Map(allSurfaces.map((s) => [s.name, s]));

/** Builtins that create parameters, so belong inside a model. */
export const layersWithParameters: ReadonlySet<string> = new Set(
  opSurfaces.filter((s) => s.kind === "layer" && s.params).map((s) => s.name),
);

export type { Builtin };
