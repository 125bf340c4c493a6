// Transposed convolution: `conv2d_transpose` (Keras Conv2DTranspose: NHWC, kernel
// [kh, kw, filters, in], TensorFlow's alignment of `same`). It is the input gradient of a
// convolution — the one with the same kernel, strides and padding whose input has the
// transposed layer's output shape and whose output has its input shape — so it runs on
// the kernels of conv2d's gradients (wasm/kernels/conv-grad.ts, runtime/kernels/conv.ts):
//
//   forward    y  = conv2d_grad_input(x, k) + bias     (the scatter form, GEMM tiles)
//   backward   dx = conv2d(dy, k)                      (the forward convolution)
//              dk = conv2d_grad_kernel(dy, x)           (conv2d's kernel gradient, roles swapped)
//              dbias = Σ dy over batch, height, width
//
// Keras's kernel [kh, kw, filters, in] is that convolution's kernel [kh, kw, its in, its
// filters] as it is, and the padding is that convolution's: TensorFlow's `same` puts the
// odd row (column) of padding at the bottom (right) of the convolution's input, so the
// transposed output is the full scatter (size (in − 1)·stride + k) cropped by
// ⌊(k − stride)/2⌋ at the top and the rest at the bottom.
import type { Attrs, Shape } from "../ir/ir.js";
import { activation, layerName, tensor, useBias } from "../lang/args.js";
import { primitive, type EmitCtx, type LayerSurface, type OpTable, type WasmCtx } from "./op.js";
import { fmt, rank } from "./kit/shape.js";
import { gate, shapeOf, sumTo } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as CG from "../wasm/kernels/conv-grad.js";
import { windowOf, type Window } from "../emit/geometry.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { Conv2dAttrs } from "./conv.js";
import { tuple } from "../emit/pytorch/rules.js";

export type Names = { primitive: "conv2d_transpose"; composite: never; train: never };

/** Keras Conv2DTranspose's output length along one axis (no output_padding, no dilation). */
export const transposeOut = (size: number, kernel: number, stride: number, padding: "valid" | "same"): number =>
  padding === "same" ? size * stride : size * stride + Math.max(kernel - stride, 0);

/**
 * The convolution whose input gradient the transposed one is: its input is y [B, oh, ow,
 * filters], its output x [B, h, w, in], its filters the layer's input channels.
 */
function convOf(x: Shape, y: Shape, attrs: Attrs): { window: Window; attrs: Conv2dAttrs } {
  const a = attrs as unknown as Conv2dAttrs;
  const conv: Conv2dAttrs = { filters: x[3] as number, kernel: a.kernel, strides: a.strides, padding: a.padding, use_bias: false };
  return { window: windowOf(y, x, attrs), attrs: conv };
}

function geomConst(c: EmitCtx<unknown>, g: Window, f: number): string {
  const fields = `{ h: ${g.h}, w: ${g.w}, c: ${g.c}, oh: ${g.oh}, ow: ${g.ow}, f: ${f}, kh: ${g.kh}, kw: ${g.kw}, sh: ${g.sh}, sw: ${g.sw}, pt: ${g.pt}, pl: ${g.pl} }`;
  return c.hoist(`${c.eqn.origin?.split("/")[1] ?? c.eqn.op}_geom`, `const NAME: K.ConvGeom = ${fields};`);
}

function wasmCall(c: WasmCtx<unknown>): string {
  const [x, k, b] = c.eqn.inputs;
  const y = c.eqn.outputs[0];
  const { window, attrs } = convOf(W.shape(c, x), W.shape(c, y), c.eqn.attrs);
  const spec = { ...window, filters: attrs.filters, bias: b !== undefined || undefined };
  const ws = CG.conv2dGradInputScratchBytes({ ...spec, name: "" });
  const args: Record<string, string> = { dy: c.addr(x), k: c.addr(k), dx: W.out(c), ws: ws > 0 ? c.scratch(ws) : "" };
  if (b !== undefined) args.bias = c.addr(b);
  // Threads split it by images (each image's output is its own: the rows of dy and dx), as conv2d_grad_input.
  const work = window.oh * window.ow * window.kh * window.kw * window.c * attrs.filters;
  return W.call(c, "conv2d_transpose", spec, CG.addConv2dGradInput, CG.conv2dGradInputParams, args, true, { work });
}

/**
 * nn.ConvTranspose2d's padding and output_padding along one axis, and the length Keras keeps: torch cuts
 * `padding` on both sides and adds `output_padding` (< stride) at the end; TensorFlow's `same` cuts
 * ⌊(k − s)/2⌋ at the start and the rest at the end, so an odd total leaves torch's output one too long
 * (the last row or column is sliced off).
 */
export function torchTransposeArgs(
  size: number,
  k: number,
  s: number,
  padding: "valid" | "same",
): { top: number; extra: number; keep: number; natural: number } {
  const keep = transposeOut(size, k, s, padding);
  const top = padding === "same" ? Math.floor(Math.max(k - s, 0) / 2) : 0;
  const natural = (size - 1) * s - 2 * top + k;
  return { top, extra: Math.max(keep - natural, 0), keep, natural };
}

export const ops: OpTable<Names> = {
  conv2d_transpose: primitive<Conv2dAttrs>({
    keras: { type: "Conv2DTranspose", base: "conv2d_transpose" },
    // nn.ConvTranspose2d over NCHW: Keras's kernel [kh, kw, filters, in] permuted as a conv2d kernel is ([in, filters, kh, kw]).
    pytorch: (c) => {
      const { filters, kernel, strides, padding, use_bias } = c.attrs;
      const x = c.shape(c.eqn.inputs[0]);
      const ax = [0, 1].map((i) => torchTransposeArgs(x[1 + i] as number, kernel[i], strides[i], padding));
      const opts = `stride=${tuple(strides)}, padding=${tuple(ax.map((a) => a.top))}, output_padding=${tuple(ax.map((a) => a.extra))}`;
      const m = c.module(`nn.ConvTranspose2d(${x[3]}, ${filters}, ${tuple(kernel)}, ${opts}${use_bias ? "" : ", bias=False"})`, {
        kernel: ["weight", "conv"],
        bias: ["bias", "same"],
      });
      const long = ax.some((a) => a.natural + a.extra > a.keep);
      return long ? `dlm.nchw(lambda t: ${m}(t)[:, :, :${ax[0].keep}, :${ax[1].keep}], ${c.args[0]})` : `dlm.nchw(${m}, ${c.args[0]})`;
    },
    split: "rows", // threads: images (its forward kernel is conv2d's input gradient)
    shape: (c) => {
      const [b, h, w, ch] = rank(
        c,
        0,
        4,
        "[B, height, width, channels]",
        "reshape the input first, e.g. `reshape([7, 7, 256])` after a dense layer",
      );
      if (h === "B" || w === "B") fail("DL3006", `\`${c.op}\` needs static height and width, found ${fmt(c.inputs[0])}`, c.span);
      const [kh, kw] = c.attrs.kernel;
      const [sh, sw] = c.attrs.strides;
      const f = c.attrs.filters;
      const out = [b, transposeOut(h, kh, sh, c.attrs.padding), transposeOut(w, kw, sw, c.attrs.padding), f];
      const kernel = [kh, kw, f, ch];
      return { out, params: c.attrs.use_bias ? [kernel, [f]] : [kernel] };
    },
    vjp: (c) => {
      const [x, k] = c.eqn.inputs;
      const { attrs } = convOf(shapeOf(c, x), shapeOf(c, c.eqn.outputs[0]), c.eqn.attrs);
      return gate(c, (i) => {
        if (i === 0) return c.emit("conv2d", [c.dy, k], attrs, shapeOf(c, x), x);
        if (i === 1) return c.emit("conv2d_grad_kernel", [c.dy, x], attrs, shapeOf(c, k), k);
        return sumTo(c, c.dy, c.eqn.inputs[2]);
      });
    },
    ts: (c) => {
      const [x, k, b] = c.eqn.inputs;
      const { window, attrs } = convOf(T.shape(c, x), T.shape(c, c.eqn.outputs[0]), c.eqn.attrs);
      const g = geomConst(c, window, attrs.filters);
      return `K.conv2dTranspose(${T.out(c)}, ${c.buf(x)}, ${c.buf(k)}, ${b === undefined ? "null" : c.buf(b)}, n, ${g});`;
    },
    wasm: wasmCall,
  }),
};

export const surfaces: readonly LayerSurface[] = [
  {
    name: "conv2d_transpose",
    kind: "layer",
    keras: { type: "Conv2DTranspose", base: "conv2d_transpose" },
    params: true,
    args: [
      tensor("x", "input [B, h, w, c] (NHWC)"),
      { name: "filters", type: { t: "int", min: 1 }, doc: "number of output channels" },
      { name: "kernel", type: { t: "size2", min: 1 }, doc: "kernel size, an int or [kh, kw]" },
      { name: "strides", type: { t: "size2", min: 1 }, default: 1, doc: "an int or [sh, sw]: the upsampling factor" },
      {
        name: "padding",
        type: { t: "enum", values: ["valid", "same"] },
        default: "valid",
        doc: "`same` (output size in · stride) or `valid` (in · stride + max(kernel − stride, 0))",
      },
      activation,
      useBias,
      layerName,
    ],
    doc: "2-D transposed convolution (Keras Conv2DTranspose); kernel [kh, kw, filters, in] Glorot-uniform, bias zeros",
    lower: (c) => {
      const useBias = c.arg<boolean>("use_bias");
      const kernel = c.param("kernel", "glorot_uniform", "[kh, kw, filters, in]");
      const inputs = [c.x, kernel, ...(useBias ? [c.param("bias", "zeros", "[filters]")] : [])];
      const attrs = {
        filters: c.arg("filters"),
        kernel: c.arg("kernel"),
        strides: c.arg("strides"),
        padding: c.arg("padding"),
        use_bias: useBias,
      };
      return c.activation(c.eqn("conv2d_transpose", inputs, attrs));
    },
  },
];
