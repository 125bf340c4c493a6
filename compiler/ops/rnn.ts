// GRU and SimpleRNN with Keras semantics, composites like the LSTM (lstm.ts): the input
// projection of all steps is one dense layer, the time loop a scan op whose derivative is
// backpropagation through time with only the recurrent product inside the loop, and the
// recurrent kernel's gradient one GEMM over all (sample, step) rows afterwards.
//
//   gru:        xw = x·W;  [h, hprev, gates, rech] = gru_scan(xw, U, bias)
//               Keras GRU, reset_after=true: gates z, r, h; bias [2, 3u] (input, recurrent);
//               h̃ = tanh(xw_h + b_h + r ⊙ (h·U_h + b_rh)), h = z ⊙ h_prev + (1 − z) ⊙ h̃
//   simple_rnn: xw = x·W + b;  [h, hprev] = simple_rnn_scan(xw, U);  h = act(xw + h_prev·U)
//
// With a padding mask (embedding(mask_zero=true)) the scans take it as one more input: a
// masked step keeps the state, the sequence output is zero there (lstm.ts recurrentOutput).
// Reference kernels runtime/kernels/rnn.ts.
import { fail } from "../diagnostics/diagnostic.js";
import type { ValueId } from "../ir/ir.js";
import { layerName, tensor } from "../lang/args.js";
import { composite, trainOp, type ExpandCtx, type LayerSurface, type OpTable, type ShapeCtx, type ShapeResult } from "./op.js";
import { rank } from "./kit/shape.js";
import { none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import { recurrentOutput } from "./lstm.js";
import * as W from "./kit/wasm.js";
import {
  addGruRecGrad,
  addRnnScan,
  addRnnScanGrad,
  rnnScanGradParams,
  rnnScanGradScratch,
  rnnScanParams,
  rnnScanScratch,
  type RnnScanSpec,
} from "./rnn.wasm.js";
import { addSumRows, sumRowsParams } from "../wasm/kernels/reductions.js";
import type { WasmCtx } from "./op.js";
import type { PytorchCtx, TorchLayout } from "../emit/pytorch/rules.js";

/** A scan kernel's spec from the eqn (`seq`: an input [B, T, ...]; a mask as the input after `maskAfter` others). */
function scanSpec(c: WasmCtx<ScanAttrs & { activation?: string }>, cell: RnnScanSpec["cell"], seq: number, mask: number | undefined) {
  return {
    cell,
    steps: W.shape(c, seq)[1] as number,
    units: c.attrs.units,
    ...(cell === "simple_rnn" ? { activation: c.attrs.activation } : {}),
    ...(mask !== undefined ? { masked: true } : {}),
  };
}

/**
 * The backward scans' scratch: packed Uᵀ, then rows per sample: the GRU's drec (B rows of 3u), the
 * running dh (B rows of u); and the bytes per sample of those rows (threads: each part on its own).
 */
function gradScratch(
  c: WasmCtx<unknown>,
  spec: Omit<RnnScanSpec, "name">,
): { args: Record<string, string>; strides: Record<string, number> } {
  const { fixed, perRow } = rnnScanGradScratch(spec);
  const ws = c.scratch(fixed, perRow + spec.units * 4);
  const args: Record<string, string> = { ws, dh: `${ws} + ${fixed} + ${perRow} * B` };
  const strides: Record<string, number> = { dh: spec.units * 4 };
  if (perRow > 0) [args.drec, strides.drec] = [`${ws} + ${fixed}`, perRow];
  return { args, strides };
}

/** Threads split a scan by samples (each runs every step of its own rows): the multiply-adds per sample, rows per tile. */
const scanHint = (spec: Omit<RnnScanSpec, "name">, grain: number, strides?: Record<string, number>): W.SplitHint => ({
  work: (spec.cell === "gru" ? 3 : 1) * spec.steps * spec.units * spec.units,
  grain,
  ...(strides ? { strides } : {}),
});

export type Names = {
  primitive: never;
  composite: "gru" | "simple_rnn";
  train: "gru_scan" | "gru_scan_grad" | "gru_rec_grad" | "gru_bias_grad" | "simple_rnn_scan" | "simple_rnn_scan_grad";
};

export type GruAttrs = { readonly units: number; readonly return_sequences: boolean; readonly reset_after: boolean };
export type SimpleRnnAttrs = { readonly units: number; readonly return_sequences: boolean; readonly activation: string };
type ScanAttrs = { readonly units: number };
type RnnScanAttrs = { readonly units: number; readonly activation: string };

/** The activations a SimpleRNN takes, in the order of the reference kernel's codes. */
export const rnnActivations = ["tanh", "relu", "sigmoid", "linear"] as const;
const actCode = (a: string): number => rnnActivations.indexOf(a as (typeof rnnActivations)[number]);

/** [B, time, features] in, and the parameter shapes of a recurrent layer with `gates` gate blocks. */
export function recurrentShape(c: ShapeCtx<unknown>, units: number, sequences: boolean, gates: number, biasRows: number): ShapeResult {
  const [b, t, f] = rank(
    c,
    0,
    3,
    "[B, time, features]",
    "load images with `rows_as_steps=true` for 28 steps of 28 features, or `reshape([steps, features])`",
  );
  const g = gates * units;
  return { out: sequences ? [b, t, units] : [b, units], params: [[f, g], [units, g], biasRows === 1 ? [g] : [biasRows, g]] };
}

/** The GRU's expansion (see the top of the file); `tag` prefixes the temporaries' names. */
export function expandGru(
  c: ExpandCtx<unknown>,
  tag: string,
  x: ValueId,
  [w, u, b]: readonly ValueId[],
  mask: ValueId | null,
  a: GruAttrs,
): ValueId {
  const [batch, steps] = c.value(x).shape;
  const units = a.units;
  const seq = (suffix: string, width: number) => c.temp(tag + suffix, [batch, steps, width]);
  const xw = seq("xw", 3 * units);
  c.emit("dense", [x, w], [xw], { units: 3 * units, use_bias: false });
  const outs = [seq("h", units), seq("hprev", units), seq("gates", 3 * units), seq("rech", units)];
  c.emit("gru_scan", [xw, u, b, ...(mask !== null ? [mask] : [])], outs, { units });
  return recurrentOutput(c, tag, outs[0], mask, a.return_sequences);
}

/** The SimpleRNN's expansion. */
export function expandSimpleRnn(
  c: ExpandCtx<unknown>,
  tag: string,
  x: ValueId,
  [w, u, b]: readonly ValueId[],
  mask: ValueId | null,
  a: SimpleRnnAttrs,
): ValueId {
  const [batch, steps] = c.value(x).shape;
  const units = a.units;
  const seq = (suffix: string) => c.temp(tag + suffix, [batch, steps, units]);
  const xw = seq("xw");
  c.emit("dense", [x, w, b], [xw], { units, use_bias: true });
  const outs = [seq("h"), seq("hprev")];
  c.emit("simple_rnn_scan", [xw, u, ...(mask !== null ? [mask] : [])], outs, { units, activation: a.activation });
  return recurrentOutput(c, tag, outs[0], mask, a.return_sequences);
}

export const ops: OpTable<Names> = {
  gru: composite<GruAttrs>({
    keras: { type: "GRU", base: "gru" },
    shape: (c) => {
      if (!c.attrs.reset_after)
        fail("DL2008", "`gru` supports only reset_after=true (Keras 3's default, as PyTorch's GRU)", c.span, {
          hint: "drop `reset_after=false`",
        });
      return recurrentShape(c, c.attrs.units, c.attrs.return_sequences, 3, 2);
    },
    mask: { carries: (a) => a.return_sequences },
    // dlm_torch.GRU: Keras's gates z, r, h and bias [2, 3u]; the kernels transposed (nn.GRU's layout, Keras's gate order).
    pytorch: (c) => torchRecurrent(c, "GRU"),
    expand: (c) => {
      const [x, ...params] = c.inputs;
      return expandGru(c, "", x, params, c.mask, c.attrs);
    },
  }),
  simple_rnn: composite<SimpleRnnAttrs>({
    keras: { type: "SimpleRNN", base: "simple_rnn" },
    shape: (c) => recurrentShape(c, c.attrs.units, c.attrs.return_sequences, 1, 1),
    mask: { carries: (a) => a.return_sequences },
    pytorch: (c) => torchRecurrent(c, "SimpleRNN"),
    expand: (c) => {
      const [x, ...params] = c.inputs;
      return expandSimpleRnn(c, "", x, params, c.mask, c.attrs);
    },
  }),
  // Only h is differentiable; hprev, the gates (z, r, h̃) and rech = h·U_h + b_rh are kept for the VJP.
  gru_scan: trainOp<ScanAttrs>({
    split: "rows", // threads: samples (each runs every step of its own rows)
    vjp: (c) => {
      const [xw, u, bias, ...mask] = c.eqn.inputs;
      const [, hprev, acts, rech] = c.eqn.outputs;
      const dxw = c.emit("gru_scan_grad", [c.dy, u, hprev, acts, rech, ...mask], c.eqn.attrs, shapeOf(c, xw), xw);
      const drec = c.emit("gru_rec_grad", [dxw, acts], c.eqn.attrs, shapeOf(c, xw), xw, "_rec");
      return [
        c.needs[0] ? dxw : null,
        c.needs[1] ? c.emit("matmul_tn", [hprev, drec], {}, shapeOf(c, u), u) : null,
        c.needs[2] ? c.emit("gru_bias_grad", [dxw, drec], c.eqn.attrs, shapeOf(c, bias), bias) : null,
        ...mask.map(() => null),
      ];
    },
    ts: (c) => {
      const [xw, u, bias, mask] = c.eqn.inputs;
      const [, steps] = T.shape(c, xw);
      const outs = c.eqn.outputs.map((id) => c.buf(id)).join(", ");
      const m = mask !== undefined ? `, ${c.buf(mask)}` : "";
      return `K.gruScan(${outs}, ${c.buf(xw)}, ${c.buf(u)}, ${c.buf(bias)}, ${c.scratch(3 * c.attrs.units)}, n, ${steps}, ${c.attrs.units}${m});`;
    },
    wasm: (c) => {
      const [xw, u, bias, mask] = c.eqn.inputs;
      const [hseq, hprev, acts, rech] = c.eqn.outputs;
      const args = { hseq, hprev, acts, rech, xw, u, bias, ...(mask !== undefined ? { mask } : {}) };
      const addrs = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, c.addr(v)]));
      const spec = scanSpec(c, "gru", xw, mask);
      const ws = c.scratch(rnnScanScratch(spec));
      return W.call(c, "gru_scan", spec, addRnnScan, rnnScanParams, { ...addrs, ws }, false, scanHint(spec, 3));
    },
  }),
  gru_scan_grad: trainOp<ScanAttrs>({
    vjp: none,
    split: "rows", // threads: samples (their rows of drec and the running dh in the shared scratch)
    ts: (c) => {
      const [dh, u, hprev, acts, rech, mask] = c.eqn.inputs;
      const [, steps] = T.shape(c, dh);
      const units = c.attrs.units;
      // One step's drec, the running dh and its part that skips U: scratch rows, one per sample.
      const m = mask !== undefined ? `, ${c.buf(mask)}` : "";
      const scratch = `${c.scratch(3 * units)}, ${c.scratch(units, 1)}, ${c.scratch(units, 2)}`;
      return `K.gruScanGrad(${T.out(c)}, ${c.buf(dh)}, ${c.buf(u)}, ${c.buf(hprev)}, ${c.buf(acts)}, ${c.buf(rech)}, ${scratch}, n, ${steps}, ${units}${m});`;
    },
    wasm: (c) => {
      const [dhseq, u, hprev, acts, rech, mask] = c.eqn.inputs;
      const spec = scanSpec(c, "gru", dhseq, mask);
      const args = { dhseq, u, hprev, acts, rech, ...(mask !== undefined ? { mask } : {}) };
      const addrs = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, c.addr(v)]));
      const { args: scratch, strides } = gradScratch(c, spec);
      const all = { ...addrs, dxw: W.out(c), ...scratch };
      return W.call(c, "gru_scan_grad", spec, addRnnScanGrad, rnnScanGradParams, all, false, scanHint(spec, 4, strides));
    },
  }),
  gru_rec_grad: trainOp<ScanAttrs>({
    vjp: none,
    ts: (c) => {
      const [dxw, acts] = c.eqn.inputs;
      return `K.gruRecGrad(${T.out(c)}, ${c.buf(dxw)}, ${c.buf(acts)}, ${c.size(dxw)} / ${3 * c.attrs.units}, ${c.attrs.units});`;
    },
    wasm: (c) => {
      const [dxw, acts] = c.eqn.inputs;
      const spec = { steps: W.shape(c, dxw)[1] as number, units: c.attrs.units };
      return W.call(c, "gru_rec_grad", spec, addGruRecGrad, () => ["n", "drec", "dxw", "acts"], {
        drec: W.out(c),
        dxw: c.addr(dxw),
        acts: c.addr(acts),
      });
    },
  }),
  gru_bias_grad: trainOp<ScanAttrs>({
    vjp: none,
    ts: (c) => {
      const [dxw, drec] = c.eqn.inputs;
      const g3 = 3 * c.attrs.units;
      return `K.gruBiasGrad(${T.out(c)}, ${c.buf(dxw)}, ${c.buf(drec)}, ${c.size(dxw)} / ${g3}, ${g3});`;
    },
    // Row 0: the column sums of dxw; row 1: those of drec (the bias gradient's kernel, twice).
    wasm: (c) => {
      const [dxw, drec] = c.eqn.inputs;
      const g3 = 3 * c.attrs.units;
      const spec = { rowsPerBatch: W.shape(c, dxw)[1] as number, batched: true, cols: g3 };
      const row = (dy: number, off: number) =>
        W.call(c, "sum_rows", spec, addSumRows, sumRowsParams, { out: `${W.out(c)} + ${off}`, dy: c.addr(dy) });
      return `${row(dxw, 0)}\n${row(drec, g3 * 4)}`;
    },
  }),
  simple_rnn_scan: trainOp<RnnScanAttrs>({
    split: "rows",
    vjp: (c) => {
      const [xw, u, ...mask] = c.eqn.inputs;
      const [hseq, hprev] = c.eqn.outputs;
      const dxw = c.emit("simple_rnn_scan_grad", [c.dy, u, hseq, ...mask], c.eqn.attrs, shapeOf(c, xw), xw);
      return [
        c.needs[0] ? dxw : null,
        c.needs[1] ? c.emit("matmul_tn", [hprev, dxw], {}, shapeOf(c, u), u) : null,
        ...mask.map(() => null),
      ];
    },
    ts: (c) => {
      const [xw, u, mask] = c.eqn.inputs;
      const [, steps] = T.shape(c, xw);
      const outs = c.eqn.outputs.map((id) => c.buf(id)).join(", ");
      const m = mask !== undefined ? `, ${c.buf(mask)}` : "";
      const units = c.attrs.units;
      return `K.simpleRnnScan(${outs}, ${c.buf(xw)}, ${c.buf(u)}, ${c.scratch(units)}, n, ${steps}, ${units}, ${actCode(c.attrs.activation)}${m});`;
    },
    wasm: (c) => {
      const [xw, u, mask] = c.eqn.inputs;
      const [hseq, hprev] = c.eqn.outputs;
      const args = { hseq, hprev, xw, u, ...(mask !== undefined ? { mask } : {}) };
      const addrs = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, c.addr(v)]));
      const spec = scanSpec(c, "simple_rnn", xw, mask);
      const ws = c.scratch(rnnScanScratch(spec));
      return W.call(c, "simple_rnn_scan", spec, addRnnScan, rnnScanParams, { ...addrs, ws }, false, scanHint(spec, 3));
    },
  }),
  simple_rnn_scan_grad: trainOp<RnnScanAttrs>({
    vjp: none,
    split: "rows",
    ts: (c) => {
      const [dh, u, hseq, mask] = c.eqn.inputs;
      const [, steps] = T.shape(c, dh);
      const units = c.attrs.units;
      const m = mask !== undefined ? `, ${c.buf(mask)}` : "";
      return `K.simpleRnnScanGrad(${T.out(c)}, ${c.buf(dh)}, ${c.buf(u)}, ${c.buf(hseq)}, ${c.scratch(units)}, ${c.scratch(units, 1)}, n, ${steps}, ${units}, ${actCode(c.attrs.activation)}${m});`;
    },
    wasm: (c) => {
      const [dhseq, u, hseq, mask] = c.eqn.inputs;
      const spec = scanSpec(c, "simple_rnn", dhseq, mask);
      const args = { dhseq, u, hseq, ...(mask !== undefined ? { mask } : {}) };
      const addrs = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, c.addr(v)]));
      const { args: scratch, strides } = gradScratch(c, spec);
      const all = { ...addrs, dxw: W.out(c), ...scratch };
      return W.call(c, "simple_rnn_scan_grad", spec, addRnnScanGrad, rnnScanGradParams, all, false, scanHint(spec, 4, strides));
    },
  }),
};

/** The PyTorch target's module of a recurrent layer on `features` inputs (dlm_torch.LSTM, GRU, SimpleRNN). */
export function torchRecurrentModule(
  kind: "LSTM" | "GRU" | "SimpleRNN",
  features: number,
  a: { readonly units: number; readonly return_sequences: boolean; readonly activation?: string },
): string {
  const act = kind === "SimpleRNN" ? `, activation=${JSON.stringify(a.activation)}` : "";
  return `dlm.${kind}(${features}, ${a.units}, return_sequences=${a.return_sequences ? "True" : "False"}${act})`;
}

/** Where a recurrent layer's Keras parameters go in its dlm_torch module (`prefix`: a wrapped layer's attribute). */
export const torchRecurrentParams = (prefix = ""): Record<string, readonly [string, TorchLayout]> => ({
  kernel: [`${prefix}weight_ih`, "t"],
  recurrent_kernel: [`${prefix}weight_hh`, "t"],
  bias: [`${prefix}bias`, "same"],
});

/** A GRU's or SimpleRNN's call in train.py: its module on the input and its padding mask. */
function torchRecurrent(c: PytorchCtx<GruAttrs | SimpleRnnAttrs>, kind: "GRU" | "SimpleRNN"): string {
  const m = c.module(torchRecurrentModule(kind, c.shape(c.eqn.inputs[0])[2] as number, c.attrs), torchRecurrentParams());
  return `${m}(${c.args[0]}${c.mask ? `, ${c.mask}` : ""})`;
}

const returnSequences = {
  name: "return_sequences",
  type: { t: "bool" },
  default: false,
  doc: "output every step [B, time, units] instead of the last [B, units]",
} as const;

export const surfaces: readonly LayerSurface[] = [
  {
    name: "gru",
    kind: "layer",
    keras: { type: "GRU", base: "gru" },
    params: true,
    args: [
      tensor("x", "input [B, time, features]"),
      { name: "units", type: { t: "int", min: 1 }, doc: "size of the hidden state" },
      returnSequences,
      {
        name: "reset_after",
        type: { t: "bool" },
        default: true,
        doc: "the reset gate multiplies h·U_h + b_rh (Keras 3's default; only true is supported)",
      },
      layerName,
    ],
    doc: "GRU with Keras semantics (reset_after=true): gates z, r, h; kernel [in, 3u] Glorot-uniform, recurrent kernel [u, 3u] orthogonal, bias [2, 3u] zeros (input and recurrent)",
    lower: (c) => {
      const inputs = [
        c.x,
        c.param("kernel", "glorot_uniform", "[in, 3·units] (gates z, r, h)"),
        c.param("recurrent_kernel", "orthogonal", "[units, 3·units]"),
        c.param("bias", "zeros", "[2, 3·units] (input, recurrent)"),
      ];
      return c.eqn("gru", inputs, {
        units: c.arg("units"),
        return_sequences: c.arg("return_sequences"),
        reset_after: c.arg("reset_after"),
      });
    },
  },
  {
    name: "simple_rnn",
    kind: "layer",
    keras: { type: "SimpleRNN", base: "simple_rnn" },
    params: true,
    args: [
      tensor("x", "input [B, time, features]"),
      { name: "units", type: { t: "int", min: 1 }, doc: "size of the hidden state" },
      { name: "activation", type: { t: "enum", values: rnnActivations }, default: "tanh", doc: "h = activation(x·W + b + h_prev·U)" },
      returnSequences,
      layerName,
    ],
    doc: "SimpleRNN with Keras semantics: h = activation(x·W + b + h_prev·U); kernel [in, u] Glorot-uniform, recurrent kernel [u, u] orthogonal, bias [u] zeros",
    lower: (c) => {
      const inputs = [
        c.x,
        c.param("kernel", "glorot_uniform", "[in, units]"),
        c.param("recurrent_kernel", "orthogonal", "[units, units]"),
        c.param("bias", "zeros", "[units]"),
      ];
      return c.eqn("simple_rnn", inputs, {
        units: c.arg("units"),
        return_sequences: c.arg("return_sequences"),
        activation: c.arg("activation"),
      });
    },
  },
];
