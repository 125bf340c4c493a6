// LSTM with Keras semantics: gates i, f, c, o; sigmoid gates, tanh cell and output; kernel
// [in, 4u] Glorot-uniform, recurrent kernel [u, 4u] orthogonal, bias [4u] zeros with
// forget-gate bias 1. A composite: inlining expands it into
//
//   xw = dense(x, W, b)                  the input projection of all steps, one GEMM
//   [h, hprev, c, gates] = lstm_scan(xw, U)   the time loop, one h·U product per step
//   y = last_step(h)                     unless return_sequences
//
// and lstm_scan's derivative is backpropagation through time with only dh·Uᵀ inside the
// loop; dU is then one GEMM over all (sample, step) rows, and dW, dx the dense layer's.
//
// With a padding mask on its input (embedding(mask_zero=true)), lstm_scan takes it as a
// third input: a masked step keeps h and c; the sequence output is then h ⊙ mask (zeros at
// masked steps, as Keras), and the last step's output the state after the last valid step.
import { layerName, tensor } from "../lang/args.js";
import { composite, trainOp, type ExpandCtx, type LayerSurface, type OpTable } from "./op.js";
import type { ValueId } from "../ir/ir.js";
import { rank } from "./kit/shape.js";
import { lastStepOnnx, lastStepTfjs, lstmOnnx, lstmTfjs } from "./lstm.export.js";
import { gate, none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as EW from "../wasm/kernels/elementwise.js";
import {
  addLstmScan,
  addLstmScanGrad,
  lstmScanGradParams,
  lstmScanGradScratchBytes,
  lstmScanParams,
  lstmScanScratchBytes,
} from "../wasm/kernels/lstm.js";
import { gemmScratchBytes } from "../wasm/kernels/gemm.js";
import {
  addGatherKept,
  addLstmScanCompact,
  addLstmScanGradCompact,
  lstmScanCompactParams,
  lstmScanGradCompactParams,
} from "../wasm/kernels/lstm-masked.js";

export type Names = {
  primitive: never;
  composite: "lstm";
  train: "lstm_scan" | "lstm_scan_grad" | "last_step" | "last_step_grad" | "matmul_tn_kept";
};

export type LstmAttrs = { readonly units: number; readonly return_sequences: boolean };
export type ScanAttrs = { readonly units: number };

export const ops: OpTable<Names> = {
  lstm: composite<LstmAttrs>({
    keras: { type: "LSTM", base: "lstm" },
    // dlm_torch.LSTM: Keras's gates and single bias; weight_ih and weight_hh are the kernels transposed (nn.LSTM's layout).
    // A padding mask goes with the input (a masked step keeps h and c; the sequence is zero there).
    pytorch: (c) => {
      const f = c.shape(c.eqn.inputs[0])[2];
      const m = c.module(`dlm.LSTM(${f}, ${c.attrs.units}, return_sequences=${c.attrs.return_sequences ? "True" : "False"})`, {
        kernel: ["weight_ih", "t"],
        recurrent_kernel: ["weight_hh", "t"],
        bias: ["bias", "same"],
      });
      return `${m}(${c.args[0]}${c.mask ? `, ${c.mask}` : ""})`;
    },
    shape: (c) => {
      const [b, t, f] = rank(
        c,
        0,
        3,
        "[B, time, features]",
        "load images with `rows_as_steps=true` for 28 steps of 28 features, or `reshape([steps, features])`",
      );
      const u = c.attrs.units;
      return { out: c.attrs.return_sequences ? [b, t, u] : [b, u], params: [[f, 4 * u], [u, 4 * u], [4 * u]] };
    },
    mask: { carries: (a) => a.return_sequences },
    expand: (c) => {
      const [x, w, u, b] = c.inputs;
      return expandLstm(c, "", x, [w, u, b], c.mask, c.attrs);
    },
  }),
  // Only the first output (h) is differentiable; hprev, c and the gates are kept for the VJP.
  lstm_scan: trainOp<ScanAttrs>({
    split: "rows", // threads: samples (each runs every step of its own rows)
    // BPTT: the loop computes the gates' gradients (= dxw), with only dh·Uᵀ inside it; then
    // dU = Σ_t h_{t−1}ᵀ·dz_t is one GEMM over all (sample, step) rows.
    vjp: (c) => {
      const [xw, u, ...mask] = c.eqn.inputs;
      const [, hprev, cseq, acts] = c.eqn.outputs;
      const dxw = c.emit("lstm_scan_grad", [c.dy, u, cseq, acts, ...mask], c.eqn.attrs, shapeOf(c, xw), xw);
      return [
        c.needs[0] ? dxw : null,
        // Padded: dxw is +0 at padded steps, so dU sums over the kept (sample, step) rows only.
        c.needs[1] ? c.emit(mask.length ? "matmul_tn_kept" : "matmul_tn", [hprev, dxw, ...mask], {}, shapeOf(c, u), u) : null,
        ...mask.map(() => null),
      ];
    },
    ts: (c) => {
      const [xw, u, mask] = c.eqn.inputs;
      const [, steps] = T.shape(c, xw);
      const scratchOuts = c.eqn.outputs.map((id) => c.buf(id)).join(", ");
      const m = mask !== undefined ? `, ${c.buf(mask)}` : "";
      return `K.lstmScan(${scratchOuts}, ${c.buf(xw)}, ${c.buf(u)}, n, ${steps}, ${c.attrs.units}${m});`;
    },
    wasm: (c) => {
      const [xw, u, mask] = c.eqn.inputs;
      const [hseq, hprev, cseq, acts] = c.eqn.outputs;
      const spec = { steps: W.shape(c, xw)[1] as number, units: c.attrs.units, ...(mask !== undefined ? { masked: true } : {}) };
      const fixed = lstmScanScratchBytes({ ...spec, name: "" });
      const ws = c.scratch(fixed, mask !== undefined ? 4 : 0);
      const args = { hseq: c.addr(hseq), hprev: c.addr(hprev), cseq: c.addr(cseq), acts: c.addr(acts), xw: c.addr(xw), u: c.addr(u), ws };
      const work = 4 * spec.steps * spec.units * spec.units;
      if (mask === undefined) return W.call(c, "lstm_scan", spec, addLstmScan, lstmScanParams, args, false, { work, grain: 4 });
      // Padded: each step runs its kept rows only (compiler/wasm/kernels/lstm-masked.ts), listed
      // in `rows`: an i32 per sample after the packed U, each thread on its own samples' entries.
      const compact = { ...args, mask: c.addr(mask), rows: `${ws} + ${fixed}` };
      const hint = { work, grain: 4, strides: { rows: 4 } };
      return W.call(c, "lstm_scan", spec, addLstmScanCompact, lstmScanCompactParams, compact, false, hint);
    },
    export: { tfjs: lstmTfjs, onnx: lstmOnnx },
  }),
  lstm_scan_grad: trainOp<ScanAttrs>({
    vjp: none,
    split: "rows", // threads: samples (their rows of the running dh and dc in scratch, Uᵀ packed by each thread)
    ts: (c) => {
      const [dh, u, cseq, acts, mask] = c.eqn.inputs;
      const [, steps] = T.shape(c, dh);
      const units = c.attrs.units;
      // Running gradients of h_{t−1} and c_{t−1}: scratch rows, one per sample (and, with a mask, the carried dh).
      const m = mask !== undefined ? `, ${c.buf(mask)}, ${c.scratch(units, 2)}` : "";
      return `K.lstmScanGrad(${T.out(c)}, ${c.buf(dh)}, ${c.buf(u)}, ${c.buf(cseq)}, ${c.buf(acts)}, ${c.scratch(units)}, ${c.scratch(units, 1)}, n, ${steps}, ${units}${m});`;
    },
    wasm: (c) => {
      const [dh, u, cseq, acts, mask] = c.eqn.inputs;
      const spec = { steps: W.shape(c, dh)[1] as number, units: c.attrs.units, ...(mask !== undefined ? { masked: true } : {}) };
      // Packing scratch, then the running gradients of h and c: one row of units per sample
      // (padded: then the list of a step's kept rows, an i32 per sample).
      const packed = Math.ceil(lstmScanGradScratchBytes({ ...spec, name: "" }) / 16) * 16;
      const rowBytes = Math.ceil(spec.units / 4) * 16;
      const ws = c.scratch(packed, 2 * rowBytes + (mask !== undefined ? 4 : 0));
      const args = {
        dxw: W.out(c),
        dhseq: c.addr(dh),
        u: c.addr(u),
        cseq: c.addr(cseq),
        acts: c.addr(acts),
        dh: `${ws} + ${packed}`,
        dc: `${ws} + ${packed} + ${rowBytes} * B`,
        ws,
      };
      // Threads: by samples; each sample's dh and dc are a row of u floats in the shared scratch.
      const strides = { dh: spec.units * 4, dc: spec.units * 4 };
      const work = 4 * spec.steps * spec.units * spec.units;
      if (mask === undefined)
        return W.call(c, "lstm_scan_grad", spec, addLstmScanGrad, lstmScanGradParams, args, false, { work, grain: 4, strides });
      // Padded: each step's products run on its kept rows only (compiler/wasm/kernels/lstm-masked.ts).
      const compact = { ...args, mask: c.addr(mask), rows: `${ws} + ${packed} + ${2 * rowBytes} * B` };
      const hint = { work, grain: 4, strides: { ...strides, rows: 4 } };
      return W.call(c, "lstm_scan_grad", spec, addLstmScanGradCompact, lstmScanGradCompactParams, compact, false, hint);
    },
  }),
  // aᵀ·dy over the (sample, step) rows a padding mask keeps, where dy is +0 at the others: the sum
  // over all rows, bit for bit (gather_kept, lstm-masked.ts). The reference sums every row.
  matmul_tn_kept: trainOp({
    vjp: none,
    split: "columns", // threads: 8-column panels of the kernel gradient, each summed over all kept rows
    ts: (c) => {
      const [a, dy] = c.eqn.inputs;
      return `K.matmulTN(${T.out(c)}, ${c.buf(a)}, ${c.buf(dy)}, ${T.rows(c, a)}, ${T.last(c, a)}, ${T.last(c, dy)});`;
    },
    wasm: (c) => {
      const [a, dy, mask] = c.eqn.inputs;
      const spec = { steps: W.shape(c, a)[1] as number, ka: W.last(c, a), kb: W.last(c, dy) };
      // The GEMM's scratch, then the gathered rows of a and dy (B·T rows at most).
      const gemmWs = gemmScratchBytes({
        name: "",
        kind: "tn",
        k: spec.ka,
        n: spec.kb,
        bias: false,
        range: c.split === "columns" || undefined,
      });
      const fixed = Math.ceil(gemmWs / 16) * 16 + 16;
      const ws = c.scratch(fixed, spec.steps * (spec.ka + spec.kb) * 4);
      const [pa, pb] = [`${ws} + ${fixed}`, `${ws} + ${fixed} + ${spec.steps * spec.ka * 4} * B`];
      const key = W.keyOf("gather_kept", spec);
      const gather = c.kernel(key, (bn, mod, name) => addGatherKept(bn, mod, { ...spec, name }));
      const m = `${gather}(n, ${pa}, ${pb}, ${c.addr(a)}, ${c.addr(dy)}, ${c.addr(mask)})`;
      const call = W.gemm(c, "tn", spec.ka, spec.kb, m, a, dy, undefined);
      const from = `(${m}, ${c.addr(a)}, ${c.addr(dy)},`;
      if (!call.includes(from)) throw new Error(`internal: matmul_tn_kept expected the GEMM call ${call} to start ${from}`);
      return call.replace(from, `(${m}, ${pa}, ${pb},`);
    },
  }),
  last_step: trainOp({
    vjp: (c) => gate(c, () => c.emit("last_step_grad", [c.dy], {}, shapeOf(c, c.eqn.inputs[0]), c.eqn.inputs[0])),
    ts: (c) => {
      const [x] = c.eqn.inputs;
      const [, steps, d] = T.shape(c, x) as number[];
      return `K.lastStep(${T.out(c)}, ${c.buf(x)}, n, ${steps}, ${d});`;
    },
    wasm: (c) => {
      const [x] = c.eqn.inputs;
      const [, steps, d] = W.shape(c, x) as number[];
      return W.call(c, "last_step", { steps, d }, EW.addLastStep, EW.lastStepParams, { y: W.out(c), x: c.addr(x) });
    },
    export: { tfjs: lastStepTfjs, onnx: lastStepOnnx },
  }),
  last_step_grad: trainOp({
    vjp: none,
    ts: (c) => {
      const [dy] = c.eqn.inputs;
      const [, steps, d] = T.shape(c, c.eqn.outputs[0]) as number[];
      return `K.lastStepGrad(${T.out(c)}, ${c.buf(dy)}, n, ${steps}, ${d});`;
    },
    wasm: (c) => {
      const [dy] = c.eqn.inputs;
      const [, steps, d] = W.shape(c, c.eqn.outputs[0]) as number[];
      return W.call(c, "last_step_grad", { steps, d }, EW.addLastStepGrad, EW.lastStepGradParams, { dx: W.out(c), dy: c.addr(dy) });
    },
  }),
};

/**
 * The LSTM's expansion on input x with parameters [kernel, recurrent_kernel, bias] and an
 * optional padding mask; `tag` prefixes the temporaries' names (a bidirectional's directions).
 */
export function expandLstm(
  c: ExpandCtx<unknown>,
  tag: string,
  x: ValueId,
  [w, u, b]: readonly ValueId[],
  mask: ValueId | null,
  a: LstmAttrs,
): ValueId {
  const [batch, steps] = c.value(x).shape;
  const units = a.units;
  const seq = (suffix: string, width: number) => c.temp(tag + suffix, [batch, steps, width]);
  const xw = seq("xw", 4 * units);
  c.emit("dense", [x, w, b], [xw], { units: 4 * units, use_bias: true });
  const outs = [seq("h", units), seq("hprev", units), seq("c", units), seq("gates", 4 * units)];
  c.emit("lstm_scan", [xw, u, ...(mask !== null ? [mask] : [])], outs, { units });
  return recurrentOutput(c, tag, outs[0], mask, a.return_sequences);
}

/**
 * A recurrent layer's output from its state sequence h [B, T, u]: with return_sequences, h
 * (zeros at masked steps: h ⊙ mask); otherwise its last step (the state after the last
 * valid step, since masked steps keep the state).
 */
export function recurrentOutput(c: ExpandCtx<unknown>, tag: string, h: ValueId, mask: ValueId | null, sequences: boolean): ValueId {
  const [batch, steps, units] = c.value(h).shape;
  const name = tag.replace(/_$/, ""); // "" names the layer's own output
  if (sequences) {
    if (mask === null) return h;
    const m3 = c.temp(`${tag}mask3`, [batch, steps, 1]);
    c.emit("reshape", [mask], [m3], { target: [steps as number, 1] });
    const y = c.temp(name, [batch, steps, units]);
    c.emit("mul", [h, m3], [y], {});
    return y;
  }
  const last = c.temp(name, [batch, units]);
  c.emit("last_step", [h], [last], {});
  return last;
}

export const surfaces: readonly LayerSurface[] = [
  {
    name: "lstm",
    kind: "layer",
    keras: { type: "LSTM", base: "lstm" },
    params: true,
    args: [
      tensor("x", "input [B, time, features]"),
      { name: "units", type: { t: "int", min: 1 }, doc: "size of the hidden state" },
      {
        name: "return_sequences",
        type: { t: "bool" },
        default: false,
        doc: "output every step [B, time, units] instead of the last [B, units]",
      },
      layerName,
    ],
    doc: "LSTM with Keras semantics: gates i, f, c, o; sigmoid gates, tanh cell and output; kernel [in, 4u] Glorot-uniform, recurrent kernel [u, 4u] orthogonal, bias [4u] zeros with forget-gate bias 1",
    lower: (c) => {
      const inputs = [
        c.x,
        c.param("kernel", "glorot_uniform", "[in, 4·units] (gates i, f, c, o)"),
        c.param("recurrent_kernel", "orthogonal", "[units, 4·units]"),
        c.param("bias", "lstm_bias", "[4·units]"),
      ];
      return c.eqn("lstm", inputs, { units: c.arg("units"), return_sequences: c.arg("return_sequences") });
    },
  },
];
