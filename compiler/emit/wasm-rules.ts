// emitWasm: how each op of the training IR becomes a call of a WebAssembly kernel — the
// kernel itself (added once to the trainer's module, specialized to the eqn's static
// shapes) and the TypeScript line that calls it with byte offsets from the memory plan.
// One table beside emitTs (ts-rules.ts); a test fails when an op has no rule. Ops that
// deliberately stay in TypeScript (random draws from the runtime's RNG, scalar
// constants) have a rule that returns null: the emitter then writes the emitTs line,
// which works on Float32Array views of the same memory.
import type { Shape } from "../ir/ir.js";
import type { TEqn, TOp, TValue } from "../ir/train-ir.js";
import type { BinaryenApi } from "./wasm/binaryen.js";
import type { Mod } from "./wasm/fn.js";
import { addGemm, gemmScratchBytes, type GemmActivation, type GemmSpec } from "./wasm/gemm.js";
import * as EW from "./wasm/elementwise.js";
import { actGradBiasParams, addActGradBias, type ActGradBiasSpec } from "./wasm/fused.js";
import { addLoss, addLossGrad, lossGradParams, lossParams, type LossKind, type LossSpec } from "./wasm/losses.js";
import { adamParams, addAdam, addSgd, sgdParams } from "./wasm/optimizers.js";
import type { OptimizerSpec } from "../ir/ir.js";
import * as CV from "./wasm/conv.js";
import { alignedStrides, reductionStrides, windowOf } from "./geometry.js";
import { countExpr } from "./ts-rules.js";
import { addBernoulliMask, bernoulliMaskParams } from "./wasm/random.js";
import {
  addLstmScan,
  addLstmScanGrad,
  lstmScanGradParams,
  lstmScanGradScratchBytes,
  lstmScanParams,
  lstmScanScratchBytes,
} from "./wasm/lstm.js";

/** Which module is being built: the default (SIMD128) or the relaxed-SIMD variant. */
export interface Variant {
  readonly relaxed: boolean;
}

/** Adds one kernel to a module under construction, under the export name it is given. */
export type KernelAdder = (b: BinaryenApi, mod: Mod, name: string, variant: Variant) => void;

export interface WasmCtx {
  readonly eqn: TEqn;
  /** The eqns of a fused group (fuse.ts), in order; [eqn] for a single op. */
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
   * The kernel with this key, added to the module once by `add` (under the export name it
   * is given); returns the expression to call it with.
   */
  kernel(key: string, add: KernelAdder): string;
  /** The byte offset of the shared kernel scratch space, reserving `fixed + perRow·B` bytes. */
  scratch(fixed: number, perRow?: number): string;
}

/** A call statement, or null: this op stays in TypeScript (its emitTs line runs on views). */
export type WasmRule = (c: WasmCtx) => string | null;

const shape = (c: WasmCtx, id: number): Shape => c.value(id).shape;
const rows = (c: WasmCtx, id: number): string => countExpr(shape(c, id).slice(0, -1));
const last = (c: WasmCtx, id: number): number => shape(c, id)[shape(c, id).length - 1] as number;
const out = (c: WasmCtx) => c.addr(c.eqn.outputs[0]);

/**
 * A GEMM kernel call: `name(m, a, b, c [, bias] [, pre] [, ws])`; with an activation epilogue, c
 * is the activation's output; `into` writes C elsewhere than the eqn's output, `accumulate` adds to it.
 */
function gemm(
  c: WasmCtx,
  kind: GemmSpec["kind"],
  k: number,
  n: number,
  m: string,
  a: number,
  b: number,
  bias: number | undefined,
  epi?: { act: GemmActivation; slope?: number; out: number; pre: number | null },
  into?: { out: number; accumulate: boolean },
): string {
  const actKey = epi
    ? `_${epi.act}${epi.slope !== undefined ? `${String(epi.slope).replace(".", "p")}` : ""}${epi.pre !== null ? "_pre" : ""}`
    : "";
  const key = `gemm_${kind}_${k}x${n}${bias === undefined ? "" : "_bias"}${actKey}${into?.accumulate ? "_acc" : ""}`;
  const spec = {
    kind,
    k,
    n,
    bias: bias !== undefined,
    activation: epi?.act,
    slope: epi?.slope,
    preOut: epi ? epi.pre !== null : undefined,
    accumulate: into?.accumulate || undefined,
  };
  const fn = c.kernel(key, (bn, mod, name, variant) => addGemm(bn, mod, { ...spec, name, relaxed: variant.relaxed || undefined }));
  const args = [m, c.addr(a), c.addr(b), into ? c.addr(into.out) : epi ? c.addr(epi.out) : out(c)];
  if (bias !== undefined) args.push(c.addr(bias));
  if (epi && epi.pre !== null) args.push(c.addr(epi.pre));
  const ws = gemmScratchBytes({ ...spec, name: key });
  if (ws > 0) args.push(c.scratch(ws));
  return `${fn}(${args.join(", ")});`;
}

const ts: WasmRule = () => null;

/** A kernel's name from its generator and spec: readable and unique per specialization. */
function keyOf(kind: string, spec: object): string {
  const fields = spec as Record<string, unknown>;
  const win = ["h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw", "pt", "pl"];
  const parts: string[] = [];
  // Window geometry (convolution, pooling): 28x28x1_k3x3_s1x1 (then _p<top>x<left> when padded).
  if (win.every((k) => typeof fields[k] === "number")) {
    const f = fields as Record<string, number>;
    parts.push(`${f.h}x${f.w}x${f.c}_k${f.kh}x${f.kw}_s${f.sh}x${f.sw}${f.pt || f.pl ? `_p${f.pt}x${f.pl}` : ""}`);
  }
  for (const [k, v] of Object.entries(fields)) {
    if (k === "name" || v === undefined || v === false || v === kind || (parts.length > 0 && win.includes(k))) continue;
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
function call<S extends { name: string }>(
  c: WasmCtx,
  kind: string,
  spec: Omit<S, "name">,
  add: (b: BinaryenApi, mod: Mod, spec: S) => void,
  params: (spec: S) => string[],
  args: Readonly<Record<string, string>>,
  relaxable = false,
): string {
  const key = keyOf(kind, spec);
  // Kernels with multiply-add tiles (convolutions) use relaxed_madd in the relaxed module.
  const fn = c.kernel(key, (b, mod, name, variant) =>
    add(b, mod, { ...spec, name, ...(relaxable && variant.relaxed ? { relaxed: true } : {}) } as S),
  );
  const list = params({ ...spec, name: key } as S).map((p) => {
    if (p === "n") return "n";
    const a = args[p];
    if (a === undefined) throw new Error(`internal: kernel ${key} has a parameter ${p} that its rule does not give`);
    return a;
  });
  return `${fn}(${list.join(", ")});`;
}

/** The element count of a value as perRow · n (batched) or perRow. */
function extentOf(c: WasmCtx, id: number): EW.Extent {
  const s = shape(c, id);
  return { perRow: s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1), batched: s.includes("B") };
}

const unaryEw =
  (op: EW.UnaryOp): WasmRule =>
  (c) => {
    const [x] = c.eqn.inputs;
    const spec = { ...extentOf(c, c.eqn.outputs[0]), op, slope: op === "leaky_relu" ? (c.eqn.attrs.slope as number) : undefined };
    return call(c, op, spec, EW.addUnary, EW.unaryParams, { y: out(c), x: c.addr(x) });
  };

const binaryGradEw =
  (op: EW.BinaryOp): WasmRule =>
  (c) => {
    const [a, b] = c.eqn.inputs;
    const spec = { ...extentOf(c, c.eqn.outputs[0]), op, slope: op === "leaky_relu_grad" ? (c.eqn.attrs.slope as number) : undefined };
    return call(c, op, spec, EW.addBinary, EW.binaryParams, { out: out(c), a: c.addr(a), b: c.addr(b) });
  };

/** dims with B as 0, as the elementwise generators take them. */
const dims0 = (s: Shape): number[] => s.map((d) => (d === "B" ? 0 : d));

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

const arithmeticEw: WasmRule = (c) => {
  const op = c.eqn.op as "add" | "sub" | "mul" | "div";
  const [a, b] = c.eqn.inputs;
  const y = c.eqn.outputs[0];
  const ys = shape(c, y);
  if (sameShape(shape(c, a), ys) && sameShape(shape(c, b), ys))
    return call(c, op, { ...extentOf(c, y), op }, EW.addBinary, EW.binaryParams, { out: out(c), a: c.addr(a), b: c.addr(b) });
  const spec = { op, dims: dims0(ys), aStrides: alignedStrides(shape(c, a), ys), bStrides: alignedStrides(shape(c, b), ys) };
  return call(c, `bcast_${op}`, spec, EW.addBroadcastBinary, EW.broadcastParams, { y: out(c), a: c.addr(a), b: c.addr(b) });
};

const reduceEw =
  (mean: boolean): WasmRule =>
  (c) => {
    const [x] = c.eqn.inputs;
    const xs = shape(c, x);
    const spec = { dims: dims0(xs), outStrides: reductionStrides(c.eqn.attrs.axes as number[] | null, xs), mean: mean || undefined };
    return call(c, mean ? "mean" : "sum", spec, EW.addReduce, EW.reduceParams, { y: out(c), x: c.addr(x) });
  };

/** softmax's [outer, len, inner] split along `axis`. */
function softmaxSpec(c: WasmCtx, s: Shape): { outerPerRow: number; batched: boolean; len: number; inner: number } {
  const axis = c.eqn.attrs.axis as number;
  const a = axis < 0 ? s.length + axis : axis;
  const outer = s.slice(0, a);
  return {
    outerPerRow: outer.reduce((p: number, d) => p * (d === "B" ? 1 : d), 1),
    batched: outer.includes("B"),
    len: s[a] as number,
    inner: s.slice(a + 1).reduce((p: number, d) => p * (d as number), 1),
  };
}

/** A convolution (with bias and an activation epilogue): writes `y`. */
function conv2dCall(c: WasmCtx, e: TEqn, y: number, activation: "none" | "relu"): string {
  const [x, k, b] = e.inputs;
  const spec = {
    ...windowOf(shape(c, x), shape(c, y), e.attrs),
    filters: e.attrs.filters as number,
    bias: b !== undefined,
    activation: activation === "relu" ? ("relu" as const) : undefined,
  };
  const ws = CV.conv2dScratchBytes({ ...spec, name: "" });
  const args: Record<string, string> = { x: c.addr(x), k: c.addr(k), y: c.addr(y), ws: ws > 0 ? c.scratch(ws) : "" };
  if (b !== undefined) args.bias = c.addr(b);
  return call(c, "conv2d", spec, CV.addConv2d, CV.conv2dParams, args, true);
}

/** Rules for the fused patterns of compiler/passes/fuse.ts, by pattern family. */
/** A loss's kernel spec from its prediction and target, or null where the rows are not static per batch row. */
function lossSpec(c: WasmCtx, loss: LossKind, p: number, t: number, fromLogits: boolean): Omit<LossSpec, "name"> | null {
  const ps = shape(c, p);
  const cols = ps[ps.length - 1];
  if (cols === "B" || ps.length === 0) return null; // a [B] prediction: the TypeScript kernel
  // Integer labels as floats (an explicit `y: [B]` input is f32): the TypeScript kernel reads either.
  if (loss === "sparse_categorical_crossentropy" && c.value(t).dtype !== "i32") return null;
  const lead = ps.slice(0, -1);
  return {
    loss,
    fromLogits: fromLogits || undefined,
    rowsPerBatch: lead.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1),
    batched: lead.includes("B"),
    cols,
    tScalar: (loss === "mse" || loss === "binary_crossentropy") && shape(c, t).length === 0 ? true : undefined,
  };
}

const lossEw: WasmRule = (c) => {
  const [p, t] = c.eqn.inputs;
  const spec = lossSpec(c, c.eqn.op as LossKind, p, t, !!c.eqn.attrs.from_logits);
  if (!spec) return null;
  return call(c, "loss", spec, addLoss, lossParams, { p: c.addr(p), t: c.addr(t), out: out(c) });
};

/**
 * An optimizer update over one range of the flat buffers: a call with the flat buffers'
 * byte offsets (`flat`: params, grads, and the state buffers by name) and `step`, the
 * expression of the 1-based step count.
 */
export function optimizerCall(
  c: Pick<WasmCtx, "kernel">,
  o: OptimizerSpec,
  range: { offset: number; size: number },
  flat: (name: string) => number,
  step: string,
): string {
  if (o.kind === "adam") {
    const spec = { offset: range.offset, size: range.size, lr: o.lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps };
    const key = keyOf("adam", spec);
    const fn = c.kernel(key, (b, mod, name) => addAdam(b, mod, { ...spec, name }));
    const args: Record<string, string> = {
      w: String(flat("params")),
      g: String(flat("grads")),
      m: String(flat("adam_m")),
      v: String(flat("adam_v")),
      c1: `1 - Math.pow(${o.beta1}, ${step})`,
      c2: `1 - Math.pow(${o.beta2}, ${step})`,
    };
    return `${fn}(${adamParams({ ...spec, name: key })
      .map((p) => args[p])
      .join(", ")});`;
  }
  const spec = { offset: range.offset, size: range.size, lr: o.lr, momentum: o.momentum || undefined, nesterov: o.nesterov || undefined };
  const key = keyOf("sgd", spec);
  const fn = c.kernel(key, (b, mod, name) => addSgd(b, mod, { ...spec, name }));
  const args: Record<string, string> = {
    w: String(flat("params")),
    g: String(flat("grads")),
    buf: o.momentum > 0 ? String(flat("momentum")) : "",
  };
  return `${fn}(${sgdParams({ ...spec, name: key })
    .map((p) => args[p])
    .join(", ")});`;
}

export const emitFused: Readonly<Record<string, (c: WasmCtx) => string>> = {
  // dense → act: the activation in the GEMM's epilogue; the pre-activation stored only when read elsewhere.
  "dense+act": (c) => {
    const [d, act] = c.group;
    const [x, w, b] = d.inputs;
    const [k, n] = shape(c, w) as number[];
    const pre = c.hasBuffer(d.outputs[0]) ? d.outputs[0] : null;
    const slope = act.op === "leaky_relu" ? (act.attrs.slope as number) : undefined;
    return gemm(c, "nn", k, n, rows(c, x), x, w, b, { act: act.op as GemmActivation, slope, out: act.outputs[0], pre });
  },
  // conv2d → relu: the activation in the convolution's epilogue (its pre-activation is never stored).
  "conv2d+act": (c) => {
    const [conv, act] = c.group;
    if (act.op !== "relu") throw new Error("internal: conv2d fuses only with relu");
    if (!c.hasBuffer(conv.outputs[0])) return conv2dCall(c, conv, act.outputs[0], "relu");
    // Something else reads the pre-activation: the convolution stores it, then the relu.
    const relu = call(c, "relu", { ...extentOf(c, act.outputs[0]), op: "relu" as const }, EW.addUnary, EW.unaryParams, {
      y: c.addr(act.outputs[0]),
      x: c.addr(conv.outputs[0]),
    });
    return `${conv2dCall(c, conv, conv.outputs[0], "none")} ${relu}`;
  },
  // conv2d → relu → maxpool2d: one image at a time through scratch; the training pass also writes the argmax.
  "conv2d+relu+maxpool2d": (c) => {
    const [conv, , pool] = c.group;
    const [x, k, b] = conv.inputs;
    const convOut = conv.outputs[0];
    const y = pool.outputs[0];
    const argmax = c.extraOut[0];
    const spec = {
      ...windowOf(shape(c, x), shape(c, convOut), conv.attrs),
      filters: conv.attrs.filters as number,
      bias: b !== undefined,
      activation: "relu" as const,
      pool: windowOf(shape(c, convOut), shape(c, y), pool.attrs),
      argmax: argmax !== undefined || undefined,
    };
    const ws = c.scratch(CV.convMaxPoolScratchBytes({ ...spec, name: "" }));
    const args: Record<string, string> = { x: c.addr(x), k: c.addr(k), y: c.addr(y), ws };
    if (b !== undefined) args.bias = c.addr(b);
    if (argmax !== undefined) args.argmax = c.addr(argmax);
    return call(c, "conv_relu_maxpool", spec, CV.addConvMaxPool, CV.convMaxPoolParams, args, true);
  },
  // maxpool2d_grad → relu_grad: through the forward's argmax, masked by the pooled relu value.
  "maxpool2d_grad+relu_grad": (c) => {
    const [pg, rg] = c.group;
    const [dy, x] = pg.inputs;
    const [argmax, pooled] = c.extraIn;
    const spec = { ...windowOf(shape(c, x), shape(c, dy), pg.attrs), fromArgmax: true, reluMask: true };
    return call(c, "maxpool2d_grad_relu", spec, CV.addMaxPool2dGrad, CV.maxpool2dGradParams, {
      dy: c.addr(dy),
      argmax: c.addr(argmax),
      y: c.addr(pooled),
      dx: c.addr(rg.outputs[0]),
    });
  },
  // matmul_tn, matmul_tn → add: the second kernel gradient accumulates into the add's output.
  "matmul_tn+matmul_tn+add": (c) => {
    const [t1, t2, add] = c.group;
    const sum = add.outputs[0];
    const one = (e: TEqn, accumulate: boolean) => {
      const [a, dy] = e.inputs;
      return gemm(c, "tn", last(c, a), last(c, dy), rows(c, a), a, dy, undefined, undefined, { out: sum, accumulate });
    };
    return `${one(t1, false)} ${one(t2, true)}`;
  },
  // act_grad → sum_to: the activation's derivative and the bias gradient in one pass.
  "act_grad+sum_to": (c) => {
    const [g, sum] = c.group;
    const [dy, y] = g.inputs;
    const ds = shape(c, g.outputs[0]);
    const lead = ds.slice(0, -1);
    const spec: Omit<ActGradBiasSpec, "name"> = {
      op: g.op as ActGradBiasSpec["op"],
      slope: g.op === "leaky_relu_grad" ? (g.attrs.slope as number) : undefined,
      rowsPerBatch: lead.reduce((a: number, d2) => a * (d2 === "B" ? 1 : d2), 1),
      batched: lead.includes("B"),
      cols: ds[ds.length - 1] as number,
    };
    return call(c, "act_bias", spec, addActGradBias, actGradBiasParams, {
      dx: c.addr(g.outputs[0]),
      dy: c.addr(dy),
      y: c.addr(y),
      db: c.addr(sum.outputs[0]),
    });
  },
};

export const emitWasm: Readonly<Record<TOp, WasmRule>> = {
  dense: (c) => {
    const [x, w, b] = c.eqn.inputs;
    const [k, n] = shape(c, w) as number[];
    return gemm(c, "nn", k, n, rows(c, x), x, w, b);
  },
  matmul: (c) => {
    const [a, b] = c.eqn.inputs;
    const [k, n] = shape(c, b) as number[];
    return gemm(c, "nn", k, n, rows(c, a), a, b, undefined);
  },
  matmul_nt: (c) => {
    const [dy, w] = c.eqn.inputs;
    const [k, n] = shape(c, w) as number[];
    return gemm(c, "nt", k, n, rows(c, dy), dy, w, undefined);
  },
  matmul_tn: (c) => {
    const [a, dy] = c.eqn.inputs;
    return gemm(c, "tn", last(c, a), last(c, dy), rows(c, a), a, dy, undefined);
  },
  conv2d: (c) => conv2dCall(c, c.eqn, c.eqn.outputs[0], "none"),
  maxpool2d: (c) => {
    const [x] = c.eqn.inputs;
    const spec = windowOf(shape(c, x), shape(c, c.eqn.outputs[0]), c.eqn.attrs);
    return call(c, "maxpool2d", spec, CV.addMaxPool2d, CV.maxpool2dParams, { x: c.addr(x), y: out(c) });
  },
  avgpool2d: (c) => {
    const [x] = c.eqn.inputs;
    const spec = windowOf(shape(c, x), shape(c, c.eqn.outputs[0]), c.eqn.attrs);
    return call(c, "avgpool2d", spec, CV.addAvgPool2d, CV.avgpool2dParams, { x: c.addr(x), y: out(c) });
  },
  conv2d_grad_input: (c) => {
    const [dy, k] = c.eqn.inputs;
    const spec = { ...windowOf(shape(c, c.eqn.outputs[0]), shape(c, dy), c.eqn.attrs), filters: c.eqn.attrs.filters as number };
    const ws = CV.conv2dGradInputScratchBytes({ ...spec, name: "" });
    return call(
      c,
      "conv2d_grad_input",
      spec,
      CV.addConv2dGradInput,
      CV.conv2dGradInputParams,
      { dy: c.addr(dy), k: c.addr(k), dx: out(c), ws: ws > 0 ? c.scratch(ws) : "" },
      true,
    );
  },
  conv2d_grad_kernel: (c) => {
    const [x, dy] = c.eqn.inputs;
    const spec = { ...windowOf(shape(c, x), shape(c, dy), c.eqn.attrs), filters: c.eqn.attrs.filters as number, bias: false };
    const ws = CV.conv2dGradKernelScratchBytes({ ...spec, name: "" });
    return call(
      c,
      "conv2d_grad_kernel",
      spec,
      CV.addConv2dGradKernel,
      CV.conv2dGradKernelParams,
      { x: c.addr(x), dy: c.addr(dy), dk: out(c), ws: ws > 0 ? c.scratch(ws) : "" },
      true,
    );
  },
  maxpool2d_grad: (c) => {
    const [dy, x] = c.eqn.inputs;
    const spec = windowOf(shape(c, x), shape(c, dy), c.eqn.attrs);
    return call(c, "maxpool2d_grad", spec, CV.addMaxPool2dGrad, CV.maxpool2dGradParams, { dy: c.addr(dy), x: c.addr(x), dx: out(c) });
  },
  avgpool2d_grad: (c) => {
    const [dy] = c.eqn.inputs;
    const spec = windowOf(shape(c, c.eqn.outputs[0]), shape(c, dy), c.eqn.attrs);
    return call(c, "avgpool2d_grad", spec, CV.addAvgPool2dGrad, CV.avgpool2dGradParams, { dy: c.addr(dy), dx: out(c) });
  },
  reshape: ts,
  stop_gradient: ts,
  dropout: ts,
  relu: unaryEw("relu"),
  sigmoid: unaryEw("sigmoid"),
  tanh: unaryEw("tanh"),
  leaky_relu: unaryEw("leaky_relu"),
  softmax: (c) => {
    const [x] = c.eqn.inputs;
    return call(c, "softmax", softmaxSpec(c, shape(c, x)), EW.addSoftmax, EW.softmaxParams, { y: out(c), x: c.addr(x) });
  },
  add: arithmeticEw,
  sub: arithmeticEw,
  mul: arithmeticEw,
  div: arithmeticEw,
  neg: unaryEw("neg"),
  sum: reduceEw(false),
  mean: reduceEw(true),
  // Scalars set once at start-up, and random draws from the runtime's seeded RNG (so both
  // backends draw the same numbers for the same seed): TypeScript by design.
  constant: ts,
  normal: ts,
  uniform: ts,
  // The runtime's xoshiro128** stream continued inside the module (bit for bit Rng.bernoulliMask,
  // over the whole B-row buffer as the TS line does): the Rng's state goes in and comes back
  // through the scratch words `rngWords`.
  dropout_mask: (c) => {
    const rate = c.eqn.attrs.rate as number;
    const y = c.eqn.outputs[0];
    const s = shape(c, y);
    const perRow = s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);
    c.scratch(16);
    const mask = call(c, "bernoulli_mask", { keepProb: 1 - rate, scale: 1 / (1 - rate) }, addBernoulliMask, bernoulliMaskParams, {
      out: out(c),
      count: s.includes("B") ? `B * ${perRow}` : String(perRow),
      state: "WS",
    });
    return `rng.saveState(rngWords); ${mask} rng.loadState(rngWords);`;
  },
  mse: lossEw,
  binary_crossentropy: lossEw,
  categorical_crossentropy: lossEw,
  sparse_categorical_crossentropy: lossEw,
  relu_grad: binaryGradEw("relu_grad"),
  leaky_relu_grad: binaryGradEw("leaky_relu_grad"),
  sigmoid_grad: binaryGradEw("sigmoid_grad"),
  tanh_grad: binaryGradEw("tanh_grad"),
  softmax_grad: (c) => {
    const [dy, y] = c.eqn.inputs;
    return call(c, "softmax_grad", softmaxSpec(c, shape(c, c.eqn.outputs[0])), EW.addSoftmaxGrad, EW.softmaxGradParams, {
      dx: out(c),
      dy: c.addr(dy),
      y: c.addr(y),
    });
  },
  sum_to: (c) => {
    const [dy] = c.eqn.inputs;
    const ds = shape(c, dy);
    const to = shape(c, c.eqn.outputs[0]);
    if (to.length <= ds.length && sameShape(ds.slice(ds.length - to.length), to) && !to.includes("B")) {
      const lead = ds.slice(0, ds.length - to.length);
      const spec = {
        rowsPerBatch: lead.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1),
        batched: lead.includes("B"),
        cols: to.reduce((a: number, d) => a * (d as number), 1),
      };
      return call(c, "sum_rows", spec, EW.addSumRows, EW.sumRowsParams, { out: out(c), dy: c.addr(dy) });
    }
    const spec = { dims: dims0(ds), outStrides: alignedStrides(to, ds) };
    return call(c, "sum_to", spec, EW.addReduce, EW.reduceParams, { y: out(c), x: c.addr(dy) });
  },
  broadcast_to: (c) => {
    const [dy] = c.eqn.inputs;
    const xs = shape(c, c.eqn.outputs[0]);
    const spec = {
      dims: dims0(xs),
      inStrides: reductionStrides(c.eqn.attrs.axes as number[] | null, xs),
      mean: (c.eqn.attrs.mean as boolean) || undefined,
    };
    return call(c, "spread", spec, EW.addSpread, EW.spreadParams, { y: out(c), dy: c.addr(dy) });
  },
  lstm: ts,
  lstm_scan: (c) => {
    const [xw, u] = c.eqn.inputs;
    const [hseq, hprev, cseq, acts] = c.eqn.outputs;
    const spec = { steps: shape(c, xw)[1] as number, units: c.eqn.attrs.units as number };
    const ws = c.scratch(lstmScanScratchBytes({ ...spec, name: "" }));
    return call(c, "lstm_scan", spec, addLstmScan, lstmScanParams, {
      hseq: c.addr(hseq),
      hprev: c.addr(hprev),
      cseq: c.addr(cseq),
      acts: c.addr(acts),
      xw: c.addr(xw),
      u: c.addr(u),
      ws,
    });
  },
  lstm_scan_grad: (c) => {
    const [dh, u, cseq, acts] = c.eqn.inputs;
    const spec = { steps: shape(c, dh)[1] as number, units: c.eqn.attrs.units as number };
    // Packing scratch, then the running gradients of h and c: one row of units per sample.
    const packed = Math.ceil(lstmScanGradScratchBytes({ ...spec, name: "" }) / 16) * 16;
    const rowBytes = Math.ceil(spec.units / 4) * 16;
    const ws = c.scratch(packed, 2 * rowBytes);
    const args = {
      dxw: out(c),
      dhseq: c.addr(dh),
      u: c.addr(u),
      cseq: c.addr(cseq),
      acts: c.addr(acts),
      dh: `${ws} + ${packed}`,
      dc: `${ws} + ${packed} + ${rowBytes} * B`,
      ws,
    };
    return call(c, "lstm_scan_grad", spec, addLstmScanGrad, lstmScanGradParams, args);
  },
  last_step: (c) => {
    const [x] = c.eqn.inputs;
    const [, steps, d] = shape(c, x) as number[];
    return call(c, "last_step", { steps, d }, EW.addLastStep, EW.lastStepParams, { y: out(c), x: c.addr(x) });
  },
  last_step_grad: (c) => {
    const [dy] = c.eqn.inputs;
    const [, steps, d] = shape(c, c.eqn.outputs[0]) as number[];
    return call(c, "last_step_grad", { steps, d }, EW.addLastStepGrad, EW.lastStepGradParams, { dx: out(c), dy: c.addr(dy) });
  },
  loss_grad: (c) => {
    const [p, t, dl] = c.eqn.inputs;
    const spec = lossSpec(c, c.eqn.attrs.loss as LossKind, p, t, !!c.eqn.attrs.from_logits);
    if (!spec) return null;
    return call(c, "loss_grad", spec, addLossGrad, lossGradParams, { dp: out(c), p: c.addr(p), t: c.addr(t), dl: c.addr(dl) });
  },
};
