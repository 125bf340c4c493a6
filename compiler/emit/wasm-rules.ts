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
import { addGemm, gemmScratchBytes, type GemmSpec } from "./wasm/gemm.js";

export interface WasmCtx {
  readonly eqn: TEqn;
  value(id: number): TValue;
  /** The identifier of the constant holding a value's byte offset in linear memory. */
  addr(id: number): string;
  /** Its element count at run time, e.g. "n * 128" ("n" = valid batch rows). */
  size(id: number): string;
  /**
   * The kernel with this key, added to the module once by `add` (under the export name it
   * is given); returns the expression to call it with.
   */
  kernel(key: string, add: (b: BinaryenApi, mod: Mod, name: string) => void): string;
  /** The byte offset of the shared kernel scratch space, reserving `fixed + perRow·B` bytes. */
  scratch(fixed: number, perRow?: number): string;
}

/** A call statement, or null: this op stays in TypeScript (its emitTs line runs on views). */
export type WasmRule = (c: WasmCtx) => string | null;

const shape = (c: WasmCtx, id: number): Shape => c.value(id).shape;
/** An expression for the product of dims (B → n). */
function countExpr(dims: Shape): string {
  const fixed = dims.reduce((a: number, d) => (d === "B" ? a : a * d), 1);
  if (!dims.includes("B")) return String(fixed);
  return fixed === 1 ? "n" : `n * ${fixed}`;
}
const rows = (c: WasmCtx, id: number): string => countExpr(shape(c, id).slice(0, -1));
const last = (c: WasmCtx, id: number): number => shape(c, id)[shape(c, id).length - 1] as number;
const out = (c: WasmCtx) => c.addr(c.eqn.outputs[0]);

/** A GEMM kernel call: `name(m, a, b, c [, bias] [, ws])`. */
function gemm(c: WasmCtx, kind: GemmSpec["kind"], k: number, n: number, m: string, a: number, b: number, bias: number | undefined): string {
  const key = `gemm_${kind}_${k}x${n}${bias === undefined ? "" : "_bias"}`;
  const spec = { kind, k, n, bias: bias !== undefined };
  const fn = c.kernel(key, (bn, mod, name) => addGemm(bn, mod, { ...spec, name }));
  const args = [m, c.addr(a), c.addr(b), out(c)];
  if (bias !== undefined) args.push(c.addr(bias));
  const ws = gemmScratchBytes({ ...spec, name: key });
  if (ws > 0) args.push(c.scratch(ws));
  return `${fn}(${args.join(", ")});`;
}

const ts: WasmRule = () => null;

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
  // Not yet in wasm: these run their TypeScript kernels on views of the module's memory.
  conv2d: ts,
  maxpool2d: ts,
  avgpool2d: ts,
  reshape: ts,
  stop_gradient: ts,
  dropout: ts,
  relu: ts,
  sigmoid: ts,
  tanh: ts,
  leaky_relu: ts,
  softmax: ts,
  add: ts,
  sub: ts,
  mul: ts,
  div: ts,
  neg: ts,
  sum: ts,
  mean: ts,
  // Scalars set once at start-up, and random draws from the runtime's seeded RNG (so both
  // backends draw the same numbers for the same seed): TypeScript by design.
  constant: ts,
  normal: ts,
  uniform: ts,
  dropout_mask: ts,
  mse: ts,
  binary_crossentropy: ts,
  categorical_crossentropy: ts,
  sparse_categorical_crossentropy: ts,
  relu_grad: ts,
  leaky_relu_grad: ts,
  sigmoid_grad: ts,
  tanh_grad: ts,
  softmax_grad: ts,
  sum_to: ts,
  broadcast_to: ts,
  conv2d_grad_input: ts,
  conv2d_grad_kernel: ts,
  maxpool2d_grad: ts,
  avgpool2d_grad: ts,
  lstm: ts,
  lstm_scan: ts,
  lstm_scan_grad: ts,
  last_step: ts,
  last_step_grad: ts,
  loss_grad: ts,
};
