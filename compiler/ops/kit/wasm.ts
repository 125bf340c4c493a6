// Helpers of WebAssembly emit rules: a kernel call from a generator and its spec (the
// kernel added to the trainer's module once per specialization, named by its spec), the
// GEMM call with its epilogues, the elementwise families, and the optimizer updates. Each
// kernel's parameter names go with it into the module (`--emit wat` prints them).
import type { OptimizerSpec, Shape } from "../../ir/ir.js";
import type { BinaryenApi } from "../../wasm/kernels/binaryen.js";
import { nameParams, type Mod } from "../../wasm/kernels/fn.js";
import type { WasmCtx, WasmRule } from "../op.js";
import { addGemm, gemmPanels, gemmParams, gemmScratchBytes, type GemmActivation, type GemmSpec } from "../../wasm/kernels/gemm.js";
import { UPDATE_THRESHOLD, type KernelSplit } from "../../../runtime/threads/plan.js";
import * as EW from "../../wasm/kernels/elementwise.js";
import * as LP from "../../wasm/kernels/loops.js";
import * as RD from "../../wasm/kernels/reductions.js";
import { addSumSquares, addUpdate, sumSquaresParams, updateParams, UPDATE_BLOCK, type UpdateSpec } from "../../wasm/kernels/optimizers.js";
import { stateBuffers } from "../../wasm/plan-memory.js";
import { alignedStrides, reductionStrides } from "../../emit/geometry.js";
import { countExpr } from "./ts.js";
import { sameShape } from "./shape.js";

export const shape = (c: WasmCtx<unknown>, id: number): Shape => c.value(id).shape;
export const rows = (c: WasmCtx<unknown>, id: number): string => countExpr(shape(c, id).slice(0, -1));
export const last = (c: WasmCtx<unknown>, id: number): number => shape(c, id)[shape(c, id).length - 1] as number;
export const out = (c: WasmCtx<unknown>) => c.addr(c.eqn.outputs[0]);

/**
 * A GEMM kernel call: `name(m, a, b, c [, bias] [, pre] [, ws])`; with an activation epilogue, c
 * is the activation's output; `into` writes C elsewhere than the eqn's output, `accumulate` adds to it.
 */
export function gemm(
  c: WasmCtx<unknown>,
  kind: GemmSpec["kind"],
  k: number,
  n: number,
  m: string,
  a: number,
  b: number,
  bias: number | undefined,
  epi?: { act: GemmActivation; slope?: number; out: number; pre: number | null },
  into?: { out: number; accumulate: boolean; res?: number },
): string {
  const actKey = epi
    ? `_${epi.act}${epi.slope !== undefined ? `${String(epi.slope).replace(".", "p")}` : ""}${epi.pre !== null ? "_pre" : ""}`
    : "";
  const key = `gemm_${kind}_${k}x${n}${bias === undefined ? "" : "_bias"}${actKey}${into?.accumulate ? "_acc" : ""}${into?.res !== undefined ? "_res" : ""}`;
  // A sequence's rows (A holds SEQUENCE_ROWS or more rows per sample: B·T rows in all) split by
  // rows, where the op splits columns: each thread then packs all of B, which is small beside its
  // rows' work, and writes (or reads) whole rows, the samples a recurrent scan's thread has.
  const split =
    c.split === "columns" && kind !== "tn" && c.rowBytes(c.addr(a)) >= SEQUENCE_ROWS * 4 * (kind === "nn" ? k : n) ? "rows" : c.split;
  const spec = {
    kind,
    k,
    n,
    bias: bias !== undefined,
    activation: epi?.act,
    slope: epi?.slope,
    preOut: epi ? epi.pre !== null : undefined,
    accumulate: into?.accumulate || undefined,
    residual: into?.res !== undefined || undefined,
    range: split === "columns" || undefined,
    rowRange: (split === "columns" && tnByRows(kind, k, n)) || undefined,
  };
  const fn = c.kernel(
    key,
    (bn, mod, name, variant) => {
      addGemm(bn, mod, { ...spec, name, relaxed: variant.relaxed || undefined });
      nameParams(mod, name, gemmParams({ ...spec, name }));
    },
    gemmSplit(split, { ...spec, name: key }),
  );
  const args = [m, c.addr(a), c.addr(b), into ? c.addr(into.out) : epi ? c.addr(epi.out) : out(c)];
  if (bias !== undefined) args.push(c.addr(bias));
  if (epi && epi.pre !== null) args.push(c.addr(epi.pre));
  if (into?.res !== undefined) args.push(c.addr(into.res));
  const ws = gemmScratchBytes({ ...spec, name: key });
  if (ws > 0) args.push(c.scratch(ws));
  return `${fn}(${args.join(", ")});`;
}

/**
 * A tn GEMM whose C (a kernel gradient dW) is more than 4 times as tall as wide splits by its rows
 * (blocks of 8), not its panels: each thread then writes a contiguous half of dW, the elements
 * the optimizer's update reads on that thread (its blocks are contiguous too), and packs only
 * its own columns of A (by panels every chunk packs all of A again).
 */
export const tnByRows = (kind: GemmSpec["kind"], k: number, n: number): boolean => kind === "tn" && k > 4 * n;

/** Rows of A per sample from which an nn or nt GEMM of a `columns` op splits by rows (gemm, above). */
export const SEQUENCE_ROWS = 8;

/**
 * How threads share a GEMM call (runtime/threads/plan.ts), where the op's split slot allows it:
 * `columns`, by C's 8-column panels (each thread packs only its own panels of B; a tn GEMM's
 * elements are sums over every row, never split along the sum); `rows` (nn, nt), by rows of A
 * and C, each thread packing all of B.
 */
function gemmSplit(split: WasmCtx<unknown>["split"], spec: GemmSpec): KernelSplit | undefined {
  const params = gemmParams(spec);
  if (spec.range) {
    // Multiply-adds per row of A and unit: 8 columns of C (inner each), or a tn's 8 rows of C (n each).
    const work = spec.rowRange ? 8 * spec.n : (spec.kind === "nt" ? spec.n : spec.k) * 8;
    return { kind: "range", params: params.length, count: gemmPanels(spec), ws: params.indexOf("ws"), work };
  }
  if (split !== "rows" || spec.kind === "tn") return undefined;
  const inner = spec.kind === "nn" ? spec.k : spec.n;
  const outCols = spec.kind === "nn" ? spec.n : spec.k;
  const bytes: Record<string, number> = { a: inner * 4, c: outCols * 4, pre: outCols * 4, res: outCols * 4 };
  return {
    kind: "rows",
    strides: params.map((p) => bytes[p] ?? 0),
    grain: spec.rowTile ?? 4,
    ws: params.indexOf("ws"),
    work: spec.k * spec.n,
  };
}

/**
 * A rows split of a W.call kernel: multiply-adds (or elements) per row of `n`, rows per part's
 * multiple (default 1), and the bytes per row of arguments that are not buffers of the memory
 * plan: rows of per-row scratch (`WS + …`), which then stays shared, each thread on its own rows.
 * With `panels` (an op whose split is `columns`), a range split instead: the kernel's last two
 * parameters `lo, hi` are a range of that many units of its output, which the call leaves out
 * (hi = 0: all); `work` is then per row of `n` and unit.
 */
export interface SplitHint {
  readonly work: number;
  readonly panels?: number;
  readonly grain?: number;
  readonly strides?: Readonly<Record<string, number>>;
}

export const ts: WasmRule<unknown> = () => null;

/** A kernel's name from its generator and spec: readable and unique per specialization. */
export function keyOf(kind: string, spec: object): string {
  const fields = spec as Record<string, unknown>;
  const win = ["h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw", "pt", "pl"];
  const parts: string[] = [];
  // Window geometry (convolution, pooling): 28x28x1_k3x3_s1x1 (then _p<top>x<left> when padded).
  // Only a full window is written that way; otherwise fields named like one (a pool's `c`) are
  // written like any other, so that two specs that differ in them never share a kernel.
  const windowed = win.every((k) => typeof fields[k] === "number");
  if (windowed) {
    const f = fields as Record<string, number>;
    parts.push(`${f.h}x${f.w}x${f.c}_k${f.kh}x${f.kw}_s${f.sh}x${f.sw}${f.pt || f.pl ? `_p${f.pt}x${f.pl}` : ""}`);
  }
  for (const [k, v] of Object.entries(fields)) {
    if (k === "name" || v === undefined || v === false || v === kind || (windowed && win.includes(k))) continue;
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      const w = v as Record<string, number>; // a nested window (a fused pool's)
      parts.push(`${k}_k${w.kh}x${w.kw}_s${w.sh}x${w.sw}${w.pt || w.pl ? `_p${w.pt}x${w.pl}` : ""}`);
      continue;
    }
    parts.push(Array.isArray(v) ? v.join("x") : v === true ? k : String(v).replace("-", "m").replace(".", "p"));
  }
  return [kind, ...parts].join("_");
}

/** Adds (once) the kernel `add(spec)` and returns its call with `args` for the parameters `params(spec)` names. */
export function call<S extends { name: string }>(
  c: WasmCtx<unknown>,
  kind: string,
  spec: Omit<S, "name">,
  add: (b: BinaryenApi, mod: Mod, spec: S) => void,
  params: (spec: S) => string[],
  args: Readonly<Record<string, string>>,
  relaxable = false,
  hint?: SplitHint,
): string {
  const key = keyOf(kind, spec);
  const names = params({ ...spec, name: key } as S);
  // Split by rows where the op allows it: each batched buffer advances by its bytes per row; ws is each thread's own.
  const split: KernelSplit | undefined =
    hint?.panels !== undefined && c.split === "columns"
      ? { kind: "range", params: names.length, count: hint.panels, ws: names.indexOf("ws"), work: hint.work }
      : hint && c.split === "rows" && names[0] === "n"
        ? {
            kind: "rows",
            strides: names.map((p) => (p === "n" || p === "ws" ? 0 : (hint.strides?.[p] ?? c.rowBytes(args[p] ?? "")))),
            grain: hint.grain ?? 1,
            ws: names.indexOf("ws"),
            work: hint.work,
            ...(hint.strides ? { rowScratch: true as const } : {}),
          }
        : undefined;
  // Kernels with multiply-add tiles (convolutions) use relaxed_madd in the relaxed module.
  const fn = c.kernel(
    key,
    (b, mod, name, variant) => {
      const full = { ...spec, name, ...(relaxable && variant.relaxed ? { relaxed: true } : {}) } as S;
      add(b, mod, full);
      nameParams(mod, name, params(full));
    },
    split,
  );
  // A range's lo, hi are left out of the call (it computes every unit): the trainer's code is the same with threads or without.
  const list = names
    .filter((p) => !((p === "lo" || p === "hi") && args[p] === undefined))
    .map((p) => {
      if (p === "n") return "n";
      const a = args[p];
      if (a === undefined) throw new Error(`internal: kernel ${key} has a parameter ${p} that its rule does not give`);
      return a;
    });
  return `${fn}(${list.join(", ")});`;
}

/** The element count of a value as perRow · n (batched) or perRow. */
export function extentOf(c: WasmCtx<unknown>, id: number): LP.Extent {
  const s = shape(c, id);
  return { perRow: s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1), batched: s.includes("B") };
}

export const unaryEw =
  (op: EW.UnaryOp): WasmRule<unknown> =>
  (c) => {
    const [x] = c.eqn.inputs;
    const spec = { ...extentOf(c, c.eqn.outputs[0]), op, slope: op === "leaky_relu" ? (c.eqn.attrs.slope as number) : undefined };
    return call(c, op, spec, EW.addUnary, EW.unaryParams, { y: out(c), x: c.addr(x) });
  };

export const binaryGradEw =
  (op: EW.BinaryOp): WasmRule<unknown> =>
  (c) => {
    const [a, b] = c.eqn.inputs;
    const spec = { ...extentOf(c, c.eqn.outputs[0]), op, slope: op === "leaky_relu_grad" ? (c.eqn.attrs.slope as number) : undefined };
    return call(c, op, spec, EW.addBinary, EW.binaryParams, { out: out(c), a: c.addr(a), b: c.addr(b) });
  };

/** dims with B as 0, as the elementwise generators take them. */
export const dims0 = (s: Shape): number[] => s.map((d) => (d === "B" ? 0 : d));

export const arithmeticEw: WasmRule<unknown> = (c) => {
  const op = c.eqn.op as "add" | "sub" | "mul" | "div";
  const [a, b] = c.eqn.inputs;
  const y = c.eqn.outputs[0];
  const ys = shape(c, y);
  if (sameShape(shape(c, a), ys) && sameShape(shape(c, b), ys))
    return call(c, op, { ...extentOf(c, y), op }, EW.addBinary, EW.binaryParams, { out: out(c), a: c.addr(a), b: c.addr(b) });
  const spec = { op, dims: dims0(ys), aStrides: alignedStrides(shape(c, a), ys), bStrides: alignedStrides(shape(c, b), ys) };
  return call(c, `bcast_${op}`, spec, EW.addBroadcastBinary, EW.broadcastParams, { y: out(c), a: c.addr(a), b: c.addr(b) });
};

export const reduceEw =
  (mean: boolean): WasmRule<unknown> =>
  (c) => {
    const [x] = c.eqn.inputs;
    const xs = shape(c, x);
    const spec = { dims: dims0(xs), outStrides: reductionStrides(c.eqn.attrs.axes as number[] | null, xs), mean: mean || undefined };
    return call(c, mean ? "mean" : "sum", spec, RD.addReduce, RD.reduceParams, { y: out(c), x: c.addr(x) });
  };

/** The update kernel's spec for an optimizer (its rule, constants, weight decay and clipping), without the range. */
export function updateSpecOf(o: OptimizerSpec): Omit<UpdateSpec, "name" | "offset" | "size"> {
  const common = {
    weightDecay: o.weightDecay || undefined,
    scaled: o.clip !== null && o.clip.kind !== "clipvalue" ? true : undefined,
    clipValue: o.clip?.kind === "clipvalue" ? o.clip.value : undefined,
  };
  switch (o.kind) {
    case "sgd":
      return { rule: "sgd", momentum: o.momentum || undefined, nesterov: o.nesterov || undefined, ...common };
    case "adam":
    case "adamax":
    case "nadam":
      return { rule: o.kind, beta1: o.beta1, beta2: o.beta2, eps: o.eps, ...common };
    case "adagrad":
      return { rule: "adagrad", eps: o.eps, ...common };
    case "rmsprop":
      return { rule: "rmsprop", rho: o.rho, momentum: o.momentum || undefined, eps: o.eps, centered: o.centered || undefined, ...common };
  }
}

/**
 * An optimizer update over one range of the flat buffers: a call with the flat buffers'
 * byte offsets (`flat`: the trainer's name for the offset of params, grads, or a state
 * buffer) and the expressions of its scalars (`lr`, the rule's, `gs`: updateParams). Threads
 * share a call by blocks of UPDATE_BLOCK elements (its `lo, hi`, which the call leaves out); each
 * element costs about 4 multiply-adds of a GEMM per buffer it reads and writes (measured on the
 * GAN: Adam 0.68 ns per element, a GEMM 0.044 ns per multiply-add), its `work`; its parts need
 * half the threshold's work (UPDATE_THRESHOLD: unsplit on several threads it costs twice as much).
 */
export function optimizerCall(
  c: Pick<WasmCtx<unknown>, "kernel">,
  o: OptimizerSpec,
  range: { offset: number; size: number },
  flat: (name: string) => string,
  scalars: Readonly<Record<string, string>>,
): string {
  const spec = { offset: range.offset, size: range.size, ...updateSpecOf(o) };
  const key = keyOf(spec.rule, { ...spec, rule: undefined });
  const names = updateParams(spec);
  const blocks = Math.ceil(range.size / UPDATE_BLOCK);
  const work = UPDATE_BLOCK * 4 * (2 + stateBuffers(o).length);
  const split: KernelSplit | undefined =
    blocks > 1
      ? { kind: "range", params: names.length, count: blocks, ws: -1, work, unbatched: true, threshold: UPDATE_THRESHOLD }
      : undefined;
  const fn = c.kernel(
    key,
    (b, mod, name) => {
      addUpdate(b, mod, { ...spec, name });
      nameParams(mod, name, names);
    },
    split,
  );
  const args: Record<string, string> = { w: flat("params"), g: flat("grads"), ...scalars };
  for (const s of stateBuffers(o)) args[s.param] = flat(s.flat);
  return `${fn}(${names
    .filter((p) => p !== "lo" && p !== "hi")
    .map((p) => {
      if (args[p] === undefined) throw new Error(`internal: no argument for ${p} of ${key}`);
      return args[p];
    })
    .join(", ")})`;
}

/** Σ g² over one range of the flat gradients in float64 (norm clipping): the call's expression. */
export function sumSquaresCall(
  c: Pick<WasmCtx<unknown>, "kernel">,
  range: { offset: number; size: number },
  flat: (name: string) => string,
): string {
  const spec = { offset: range.offset, size: range.size };
  const key = keyOf("sumsq", spec);
  const fn = c.kernel(key, (b, mod, name) => {
    addSumSquares(b, mod, { ...spec, name });
    nameParams(mod, name, sumSquaresParams({ ...spec, name }));
  });
  return `${fn}(${flat("grads")})`;
}
