// emitTs: how each op of the training IR becomes TypeScript — a call of a reference kernel
// (runtime/kernels) with the eqn's static sizes, or nothing for ops that only rename a
// buffer (reshape, stop_gradient). One table; a test fails when an op has no rule.
import type { Shape } from "../ir/ir.js";
import type { TEqn, TOp, TValue } from "../ir/train-ir.js";
import { alignedStrides, reductionStrides, windowOf } from "./geometry.js";

export interface EmitCtx {
  readonly eqn: TEqn;
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

/** Ops whose output is just another name for an input's buffer. */
export const aliasOps: ReadonlySet<TOp> = new Set<TOp>(["reshape", "stop_gradient"]);

export type EmitRule = (c: EmitCtx) => string;

const shape = (c: EmitCtx, id: number): Shape => c.value(id).shape;
/** An expression for the product of dims (B → n). */
export function countExpr(dims: Shape): string {
  const fixed = dims.reduce((a: number, d) => (d === "B" ? a : a * d), 1);
  const symbolic = dims.includes("B");
  if (!symbolic) return String(fixed);
  return fixed === 1 ? "n" : `n * ${fixed}`;
}
const rows = (c: EmitCtx, id: number): string => countExpr(shape(c, id).slice(0, -1));
const last = (c: EmitCtx, id: number): number => shape(c, id)[shape(c, id).length - 1] as number;
const same = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);
const ins = (c: EmitCtx) => c.eqn.inputs.map((id) => c.buf(id));
const out = (c: EmitCtx) => c.buf(c.eqn.outputs[0]);
const opCode: Readonly<Record<string, string>> = { add: "K.ADD", sub: "K.SUB", mul: "K.MUL", div: "K.DIV" };

const dimsLiteral = (s: Shape): string => `new Int32Array([${s.map((d) => (d === "B" ? 0 : d)).join(", ")}])`;

// Index tables are module constants named by their content, so one name means one table.
const dimsConst = (c: EmitCtx, s: Shape): string => c.hoist(`dims_${s.join("_")}`, `const NAME = ${dimsLiteral(s)};`);
const stridesConst = (c: EmitCtx, strides: readonly number[]): string =>
  c.hoist(`strides_${strides.join("_")}`, `const NAME = new Int32Array([${strides.join(", ")}]);`);
const indexConst = (c: EmitCtx, rank: number): string =>
  c.hoist(`index_${rank}`, `const NAME = new Int32Array(${rank}); // scratch multi-index`);

function windowGeom(c: EmitCtx, x: Shape, y: Shape, kind: "ConvGeom" | "PoolGeom"): string {
  const g = windowOf(x, y, c.eqn.attrs);
  const f = kind === "ConvGeom" ? (c.eqn.attrs.filters as number) : undefined;
  const fields =
    kind === "ConvGeom"
      ? `{ h: ${g.h}, w: ${g.w}, c: ${g.c}, oh: ${g.oh}, ow: ${g.ow}, f: ${f}, kh: ${g.kh}, kw: ${g.kw}, sh: ${g.sh}, sw: ${g.sw}, pt: ${g.pt}, pl: ${g.pl} }`
      : `{ h: ${g.h}, w: ${g.w}, c: ${g.c}, oh: ${g.oh}, ow: ${g.ow}, ph: ${g.kh}, pw: ${g.kw}, sh: ${g.sh}, sw: ${g.sw}, pt: ${g.pt}, pl: ${g.pl} }`;
  return c.hoist(`${c.eqn.origin?.split("/")[1] ?? c.eqn.op}_geom`, `const NAME: K.${kind} = ${fields};`);
}

/** softmax along `axis` as [outer, len, inner]. */
function axisSplit(s: Shape, axis: number): [string, number, number] {
  const a = axis < 0 ? s.length + axis : axis;
  const inner = s.slice(a + 1).reduce((p: number, d) => p * (d as number), 1);
  return [countExpr(s.slice(0, a)), s[a] as number, inner];
}

/**
 * The index tables of a reduction over `axes` of a tensor of shape `xs` (the eqn's
 * attrs): its dims, and for each dim the stride into the reduced tensor (0 on reduced
 * dims, row-major over the kept ones). `reduce` sums with them; `spread` is its adjoint.
 */
function reductionTables(c: EmitCtx, xs: Shape): string {
  return `${dimsConst(c, xs)}, ${stridesConst(c, reductionStrides(c.eqn.attrs.axes as number[] | null, xs))}`;
}

function reduceCall(c: EmitCtx, x: number, y: number, scale: string): string {
  const xs = shape(c, x);
  return `K.reduce(${c.buf(y)}, ${c.buf(x)}, n, ${reductionTables(c, xs)}, ${c.size(y)}, ${scale}, ${indexConst(c, xs.length)});`;
}

const lossCall: Readonly<Record<string, (c: EmitCtx, p: number, t: number, fromLogits: boolean, dl?: string, dp?: string) => string>> = {
  mse: (c, p, t, _l, dl, dp) =>
    dl
      ? `K.mseGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${shape(c, t).length === 0}, ${dl});`
      : `K.mse(${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${shape(c, t).length === 0})`,
  binary_crossentropy: (c, p, t, l, dl, dp) =>
    dl
      ? `K.binaryCrossentropyGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${shape(c, t).length === 0}, ${l}, ${dl});`
      : `K.binaryCrossentropy(${c.buf(p)}, ${c.buf(t)}, ${c.size(p)}, ${shape(c, t).length === 0}, ${l})`,
  categorical_crossentropy: (c, p, t, l, dl, dp) =>
    dl
      ? `K.categoricalCrossentropyGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${rows(c, p)}, ${last(c, p)}, ${l}, ${dl});`
      : `K.categoricalCrossentropy(${c.buf(p)}, ${c.buf(t)}, ${rows(c, p)}, ${last(c, p)}, ${l})`,
  sparse_categorical_crossentropy: (c, p, t, l, dl, dp) =>
    dl
      ? `K.sparseCategoricalCrossentropyGrad(${dp}, ${c.buf(p)}, ${c.buf(t)}, ${rows(c, p)}, ${last(c, p)}, ${l}, ${dl});`
      : `K.sparseCategoricalCrossentropy(${c.buf(p)}, ${c.buf(t)}, ${rows(c, p)}, ${last(c, p)}, ${l})`,
};

const loss: EmitRule = (c) => {
  const [p, t] = c.eqn.inputs;
  return `${out(c)}[0] = ${lossCall[c.eqn.op](c, p, t, !!c.eqn.attrs.from_logits)};`;
};

const unary =
  (fn: string, extra = ""): EmitRule =>
  (c) =>
    `K.${fn}(${out(c)}, ${ins(c)[0]}, ${c.size(c.eqn.outputs[0])}${extra ? `, ${c.eqn.attrs[extra]}` : ""});`;
const fromOutput =
  (fn: string, extra = ""): EmitRule =>
  (c) =>
    `K.${fn}(${out(c)}, ${ins(c).join(", ")}, ${c.size(c.eqn.outputs[0])}${extra ? `, ${c.eqn.attrs[extra]}` : ""});`;

const arithmetic: EmitRule = (c) => {
  const [a, b] = c.eqn.inputs;
  const y = c.eqn.outputs[0];
  const ys = shape(c, y);
  if (same(shape(c, a), ys) && same(shape(c, b), ys))
    return `K.binary(${opCode[c.eqn.op]}, ${out(c)}, ${c.buf(a)}, ${c.buf(b)}, ${c.size(y)});`;
  const dims = dimsConst(c, ys);
  const sa = stridesConst(c, alignedStrides(shape(c, a), ys));
  const sb = stridesConst(c, alignedStrides(shape(c, b), ys));
  const idx = indexConst(c, ys.length);
  return `K.broadcastBinary(${opCode[c.eqn.op]}, ${out(c)}, ${c.buf(a)}, ${c.buf(b)}, n, ${dims}, ${sa}, ${sb}, ${idx});`;
};

export const emitTs: Readonly<Record<TOp, EmitRule>> = {
  dense: (c) => {
    const [x, w, b] = c.eqn.inputs;
    const [k, m] = shape(c, w) as number[];
    return `K.matmul(${out(c)}, ${c.buf(x)}, ${c.buf(w)}, ${b === undefined ? "null" : c.buf(b)}, ${rows(c, x)}, ${k}, ${m});`;
  },
  conv2d: (c) => {
    const [x, k, b] = c.eqn.inputs;
    const g = windowGeom(c, shape(c, x), shape(c, c.eqn.outputs[0]), "ConvGeom");
    return `K.conv2d(${out(c)}, ${c.buf(x)}, ${c.buf(k)}, ${b === undefined ? "null" : c.buf(b)}, n, ${g});`;
  },
  maxpool2d: (c) =>
    `K.maxpool2d(${out(c)}, ${ins(c)[0]}, n, ${windowGeom(c, shape(c, c.eqn.inputs[0]), shape(c, c.eqn.outputs[0]), "PoolGeom")});`,
  avgpool2d: (c) =>
    `K.avgpool2d(${out(c)}, ${ins(c)[0]}, n, ${windowGeom(c, shape(c, c.eqn.inputs[0]), shape(c, c.eqn.outputs[0]), "PoolGeom")});`,
  reshape: () => "",
  stop_gradient: () => "",
  dropout: () => {
    throw new Error("internal: dropout is split before emission");
  },
  relu: unary("relu"),
  sigmoid: unary("sigmoid"),
  tanh: unary("tanh"),
  leaky_relu: unary("leakyRelu", "slope"),
  softmax: (c) => {
    const [outer, len, inner] = axisSplit(shape(c, c.eqn.inputs[0]), c.eqn.attrs.axis as number);
    return `K.softmax(${out(c)}, ${ins(c)[0]}, ${outer}, ${len}, ${inner});`;
  },
  add: arithmetic,
  sub: arithmetic,
  mul: arithmetic,
  div: arithmetic,
  neg: unary("neg"),
  matmul: (c) => {
    const [a, b] = c.eqn.inputs;
    const [k, m] = shape(c, b) as number[];
    return `K.matmul(${out(c)}, ${c.buf(a)}, ${c.buf(b)}, null, ${rows(c, a)}, ${k}, ${m});`;
  },
  sum: (c) => reduceCall(c, c.eqn.inputs[0], c.eqn.outputs[0], "1"),
  mean: (c) => {
    const x = c.eqn.inputs[0];
    return reduceCall(c, x, c.eqn.outputs[0], `${c.size(c.eqn.outputs[0])} / (${c.size(x)})`);
  },
  constant: (c) => `${out(c)}[0] = ${c.eqn.attrs.value};`,
  normal: (c) => `rng.fillNormal(${out(c)}, ${c.eqn.attrs.mean}, ${c.eqn.attrs.std});`,
  uniform: (c) => `rng.fillUniform(${out(c)}, ${c.eqn.attrs.low}, ${c.eqn.attrs.high});`,
  dropout_mask: (c) => {
    const rate = c.eqn.attrs.rate as number;
    return `rng.bernoulliMask(${out(c)}, ${1 - rate}, ${1 / (1 - rate)});`;
  },
  mse: loss,
  binary_crossentropy: loss,
  categorical_crossentropy: loss,
  sparse_categorical_crossentropy: loss,
  relu_grad: fromOutput("reluGrad"),
  leaky_relu_grad: fromOutput("leakyReluGrad", "slope"),
  sigmoid_grad: fromOutput("sigmoidGrad"),
  tanh_grad: fromOutput("tanhGrad"),
  softmax_grad: (c) => {
    const [outer, len, inner] = axisSplit(shape(c, c.eqn.outputs[0]), c.eqn.attrs.axis as number);
    return `K.softmaxGrad(${out(c)}, ${ins(c).join(", ")}, ${outer}, ${len}, ${inner});`;
  },
  matmul_nt: (c) => {
    const [dy, w] = c.eqn.inputs;
    const [k, m] = shape(c, w) as number[];
    return `K.matmulNT(${out(c)}, ${c.buf(dy)}, ${c.buf(w)}, ${rows(c, dy)}, ${k}, ${m});`;
  },
  matmul_tn: (c) => {
    const [a, dy] = c.eqn.inputs;
    return `K.matmulTN(${out(c)}, ${c.buf(a)}, ${c.buf(dy)}, ${rows(c, a)}, ${last(c, a)}, ${last(c, dy)});`;
  },
  sum_to: (c) => {
    const [dy] = c.eqn.inputs;
    const ds = shape(c, dy);
    const to = shape(c, c.eqn.outputs[0]);
    if (to.length <= ds.length && same(ds.slice(ds.length - to.length), to) && !to.includes("B")) {
      return `K.sumRows(${out(c)}, ${c.buf(dy)}, ${countExpr(ds.slice(0, ds.length - to.length))}, ${countExpr(to)});`;
    }
    const strides = alignedStrides(to, ds);
    const dims = dimsConst(c, ds);
    const st = stridesConst(c, strides);
    const idx = indexConst(c, ds.length);
    return `K.reduce(${out(c)}, ${c.buf(dy)}, n, ${dims}, ${st}, ${c.size(c.eqn.outputs[0])}, 1, ${idx});`;
  },
  broadcast_to: (c) => {
    const [dy] = c.eqn.inputs;
    const y = c.eqn.outputs[0];
    const xs = shape(c, y);
    const scale = c.eqn.attrs.mean ? `${c.size(dy)} / (${c.size(y)})` : "1";
    return `K.spread(${out(c)}, ${c.buf(dy)}, n, ${reductionTables(c, xs)}, ${scale}, ${indexConst(c, xs.length)});`;
  },
  conv2d_grad_input: (c) => {
    const [dy, k] = c.eqn.inputs;
    const g = windowGeom(c, shape(c, c.eqn.outputs[0]), shape(c, dy), "ConvGeom");
    return `K.conv2dGradInput(${out(c)}, ${c.buf(dy)}, ${c.buf(k)}, n, ${g});`;
  },
  conv2d_grad_kernel: (c) => {
    const [x, dy] = c.eqn.inputs;
    const g = windowGeom(c, shape(c, x), shape(c, dy), "ConvGeom");
    return `K.conv2dGradKernel(${out(c)}, ${c.buf(x)}, ${c.buf(dy)}, n, ${g});`;
  },
  maxpool2d_grad: (c) => {
    const [dy, x] = c.eqn.inputs;
    const g = windowGeom(c, shape(c, x), shape(c, dy), "PoolGeom");
    return `K.maxpool2dGrad(${out(c)}, ${c.buf(dy)}, ${c.buf(x)}, n, ${g});`;
  },
  avgpool2d_grad: (c) => {
    const [dy] = c.eqn.inputs;
    const g = windowGeom(c, shape(c, c.eqn.outputs[0]), shape(c, dy), "PoolGeom");
    return `K.avgpool2dGrad(${out(c)}, ${c.buf(dy)}, n, ${g});`;
  },
  lstm: () => {
    throw new Error("internal: lstm is expanded before emission");
  },
  lstm_scan: (c) => {
    const [xw, u] = c.eqn.inputs;
    const [, steps] = shape(c, xw);
    const scratchOuts = c.eqn.outputs.map((id) => c.buf(id)).join(", ");
    return `K.lstmScan(${scratchOuts}, ${c.buf(xw)}, ${c.buf(u)}, n, ${steps}, ${c.eqn.attrs.units});`;
  },
  lstm_scan_grad: (c) => {
    const [dh, u, cseq, acts] = c.eqn.inputs;
    const [, steps] = shape(c, dh);
    const units = c.eqn.attrs.units as number;
    // Running gradients of h_{t−1} and c_{t−1}: scratch rows, one per sample.
    return `K.lstmScanGrad(${out(c)}, ${c.buf(dh)}, ${c.buf(u)}, ${c.buf(cseq)}, ${c.buf(acts)}, ${c.scratch(units)}, ${c.scratch(units, 1)}, n, ${steps}, ${units});`;
  },
  last_step: (c) => {
    const [x] = c.eqn.inputs;
    const [, steps, d] = shape(c, x) as number[];
    return `K.lastStep(${out(c)}, ${c.buf(x)}, n, ${steps}, ${d});`;
  },
  last_step_grad: (c) => {
    const [dy] = c.eqn.inputs;
    const [, steps, d] = shape(c, c.eqn.outputs[0]) as number[];
    return `K.lastStepGrad(${out(c)}, ${c.buf(dy)}, n, ${steps}, ${d});`;
  },
  loss_grad: (c) => {
    const [p, t, dl] = c.eqn.inputs;
    return lossCall[c.eqn.attrs.loss as string](c, p, t, !!c.eqn.attrs.from_logits, `${c.buf(dl)}[0]`, out(c));
  },
};
