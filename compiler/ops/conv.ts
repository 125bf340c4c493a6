// Convolutions: `conv2d` (Keras Conv2D: NHWC, kernel [kh, kw, in, filters], cross-correlation,
// TensorFlow's `same` padding split) and the kernels of its gradients; `conv1d` (Keras
// Conv1D), a composite of conv2d. The WebAssembly
// kernels are implicit GEMMs on register tiles (wasm/kernels/conv.ts); the reference kernels
// are runtime/kernels/conv.ts. Fused here: conv2d → relu (the activation in the epilogue)
// and conv2d → relu → maxpool2d (one image at a time through scratch, with the argmax).
import { activation, layerName, tensor, useBias } from "../lang/args.js";
import type { TEqn } from "../ir/train-ir.js";
import type { Shape } from "../ir/ir.js";
import type { WasmCtx } from "./op.js";
import { composite, primitive, trainOp, type LayerSurface, type OpTable } from "./op.js";
import { rank, spatial } from "./kit/shape.js";
import { gate, none, shapeOf, sumTo } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as CV from "../wasm/kernels/conv.js";
import * as CG from "../wasm/kernels/conv-grad.js";
import * as EW from "../wasm/kernels/elementwise.js";
import { windowOf } from "../emit/geometry.js";
import { tuple } from "../emit/pytorch/rules.js";
import { groupedBiasGrad } from "./privacy.js";

export type Names = { primitive: "conv2d"; composite: "conv1d"; train: "conv2d_grad_input" | "conv2d_grad_kernel" };

export type Conv2dAttrs = {
  readonly filters: number;
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: "valid" | "same";
  readonly use_bias: boolean;
};

/** Keras Conv1D: a [B, steps, channels] input, kernel [k, in, filters]. */
export type Conv1dAttrs = {
  readonly filters: number;
  readonly kernel: number;
  readonly strides: number;
  readonly padding: "valid" | "same";
  readonly use_bias: boolean;
};

/** Multiply-adds per image of a convolution (threads split calls by images: runtime/threads). */
const convWork = (s: { oh: number; ow: number; kh: number; kw: number; c: number; filters: number }): number =>
  s.oh * s.ow * s.kh * s.kw * s.c * s.filters;

/** A convolution (with bias and an activation epilogue): writes `y`. */
function conv2dCall(c: WasmCtx<unknown>, e: TEqn, y: number, act: "none" | "relu"): string {
  const [x, k, b] = e.inputs;
  const spec = {
    ...windowOf(W.shape(c, x), W.shape(c, y), e.attrs),
    filters: e.attrs.filters as number,
    bias: b !== undefined,
    activation: act === "relu" ? ("relu" as const) : undefined,
  };
  const ws = CV.conv2dScratchBytes({ ...spec, name: "" });
  const args: Record<string, string> = { x: c.addr(x), k: c.addr(k), y: c.addr(y), ws: ws > 0 ? c.scratch(ws) : "" };
  if (b !== undefined) args.bias = c.addr(b);
  return W.call(c, "conv2d", spec, CV.addConv2d, CV.conv2dParams, args, true, { work: convWork(spec) });
}

export const ops: OpTable<Names> = {
  conv2d: primitive<Conv2dAttrs>({
    keras: { type: "Conv2D", base: "conv2d" },
    // nn.Conv2d over NCHW (weight [filters, in, kh, kw]); Keras's "same" pads the odd pixel after, as keras_same_pad does.
    pytorch: (c) => {
      const { filters, kernel, strides, padding, use_bias } = c.attrs;
      const ch = c.shape(c.eqn.inputs[0])[3];
      const bias = use_bias ? "" : ", bias=False";
      const m = c.module(`nn.Conv2d(${ch}, ${filters}, ${tuple(kernel)}, stride=${tuple(strides)}${bias})`, {
        kernel: ["weight", "conv"],
        bias: ["bias", "same"],
      });
      if (padding === "valid") return `dlm.nchw(${m}, ${c.args[0]})`;
      return `dlm.nchw(lambda t: ${m}(dlm.keras_same_pad(t, ${tuple(kernel)}, ${tuple(strides)})), ${c.args[0]})`;
    },
    split: "rows", // threads: images (and the fused relu and max-pool's)
    shape: (c) => {
      const [b, , , ch] = rank(
        c,
        0,
        4,
        "[B, height, width, channels]",
        "reshape the input first, e.g. `reshape([28, 28, 1])`, or load images unflattened",
      );
      const k = c.attrs.kernel;
      const [oh, ow] = spatial(c, k, c.attrs.strides, c.attrs.padding, "kernel");
      const f = c.attrs.filters;
      const kernel = [k[0], k[1], ch, f];
      return { out: [b, oh, ow, f], params: c.attrs.use_bias ? [kernel, [f]] : [kernel] };
    },
    vjp: (c) => {
      const [x, k] = c.eqn.inputs;
      return gate(c, (i) => {
        if (i === 0) return c.emit("conv2d_grad_input", [c.dy, k], c.eqn.attrs, shapeOf(c, x), x);
        if (i === 1) return c.emit("conv2d_grad_kernel", [x, c.dy], c.eqn.attrs, shapeOf(c, k), k);
        return sumTo(c, c.dy, c.eqn.inputs[2]);
      });
    },
    // Per example (differentially private training): the kernel gradient of each group of images; the bias: dy summed per group.
    perExample: (c, i) => {
      const [x, k, b] = c.eqn.inputs;
      if (i === 1)
        return c.emit(
          "conv2d_grad_kernel_groups",
          [x, c.dy],
          { ...c.eqn.attrs, groups: c.groups },
          [c.groups, ...shapeOf(c, k)],
          k,
          "_per_example",
        );
      return i === 2 ? groupedBiasGrad(c, b) : null;
    },
    ts: (c) => {
      const [x, k, b] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, x), T.shape(c, c.eqn.outputs[0]), "ConvGeom");
      return `K.conv2d(${T.out(c)}, ${c.buf(x)}, ${c.buf(k)}, ${b === undefined ? "null" : c.buf(b)}, n, ${g});`;
    },
    wasm: (c) => conv2dCall(c, c.eqn, c.eqn.outputs[0], "none"),
    fused: {
      // conv2d → relu: the activation in the convolution's epilogue (its pre-activation is never stored).
      "conv2d+act": (c) => {
        const [conv, act] = c.group;
        if (act.op !== "relu") throw new Error("internal: conv2d fuses only with relu");
        if (!c.hasBuffer(conv.outputs[0])) return conv2dCall(c, conv, act.outputs[0], "relu");
        // Something else reads the pre-activation: the convolution stores it, then the relu.
        const relu = W.call(c, "relu", { ...W.extentOf(c, act.outputs[0]), op: "relu" as const }, EW.addUnary, EW.unaryParams, {
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
          ...windowOf(W.shape(c, x), W.shape(c, convOut), conv.attrs),
          filters: conv.attrs.filters as number,
          bias: b !== undefined,
          activation: "relu" as const,
          pool: windowOf(W.shape(c, convOut), W.shape(c, y), pool.attrs),
          argmax: argmax !== undefined || undefined,
        };
        const ws = c.scratch(CV.convMaxPoolScratchBytes({ ...spec, name: "" }));
        const args: Record<string, string> = { x: c.addr(x), k: c.addr(k), y: c.addr(y), ws };
        if (b !== undefined) args.bias = c.addr(b);
        if (argmax !== undefined) args.argmax = c.addr(argmax);
        return W.call(c, "conv_relu_maxpool", spec, CV.addConvMaxPool, CV.convMaxPoolParams, args, true, { work: convWork(spec) });
      },
    },
    export: {
      tfjs: (c) => {
        const [, k, b] = c.eqn.inputs;
        const { filters, kernel, strides, padding, use_bias } = c.eqn.attrs as Conv2dAttrs;
        c.add(
          "Conv2D",
          {
            filters,
            kernel_size: kernel,
            strides,
            padding,
            data_format: "channels_last",
            dilation_rate: [1, 1],
            activation: "linear",
            use_bias,
          },
          [{ name: "kernel", value: k }, ...(b !== undefined ? [{ name: "bias", value: b }] : [])],
        );
      },
      // ONNX's Conv: NCHW, its kernel [filters, channels, kh, kw] from Keras's [kh, kw, channels, filters].
      onnx: (c) => {
        const [x, k, b] = c.eqn.inputs;
        const { strides } = c.eqn.attrs as Conv2dAttrs;
        const [kh, kw, ch, f] = c.shape(k) as number[];
        const oihw = {
          dims: [f, ch, kh, kw],
          at: (i: number, d: Float32Array) => {
            const w = i % kw,
              h = Math.floor(i / kw) % kh,
              ci = Math.floor(i / (kw * kh)) % ch,
              o = Math.floor(i / (kw * kh * ch));
            return d[((h * kw + w) * ch + ci) * f + o];
          },
        };
        const ins = [c.tensor(x, "nchw"), c.weight(k, oihw), ...(b !== undefined ? [c.weight(b)] : [])];
        const pads = samePads(c.shape(x), c.shape(c.eqn.outputs[0]), [kh, kw], strides);
        c.output(c.node("Conv", ins, { kernel_shape: [kh, kw], strides, pads })[0], "nchw");
      },
    },
  }),
  // conv1d is conv2d over a [B, 1, steps, channels] view with a [1, k, in, filters] view of
  // its kernel: reshapes (no copy), so it needs no kernel, derivative or fusion of its own.
  conv1d: composite<Conv1dAttrs>({
    keras: { type: "Conv1D", base: "conv1d" },
    // nn.Conv1d over NCW (weight [filters, in, k]: the kernel [k, in, filters] reversed).
    pytorch: (c) => {
      const { filters, kernel, strides, padding, use_bias } = c.attrs;
      const ch = c.shape(c.eqn.inputs[0])[2];
      const bias = use_bias ? "" : ", bias=False";
      const m = c.module(`nn.Conv1d(${ch}, ${filters}, ${kernel}, stride=${strides}${bias})`, {
        kernel: ["weight", "conv1d"],
        bias: ["bias", "same"],
      });
      if (padding === "valid") return `dlm.ncw(${m}, ${c.args[0]})`;
      return `dlm.ncw(lambda t: ${m}(dlm.keras_same_pad(t, (${kernel},), (${strides},))), ${c.args[0]})`;
    },
    shape: (c) => {
      const [b, w, ch] = rank(
        c,
        0,
        3,
        "[B, steps, channels]",
        "for images use conv2d; for a sequence of vectors reshape to [steps, features]",
      );
      const [, ow] = spatial({ ...c, inputs: [[b, 1, w, ch]] }, [1, c.attrs.kernel], [1, c.attrs.strides], c.attrs.padding, "kernel");
      const f = c.attrs.filters;
      const kernel = [c.attrs.kernel, ch, f];
      return { out: [b, ow, f], params: c.attrs.use_bias ? [kernel, [f]] : [kernel] };
    },
    expand: (c) => {
      const [x, k, bias] = c.inputs;
      const [batch, w, ch] = c.value(x).shape;
      const { filters, kernel, strides, padding, use_bias } = c.attrs;
      const ow = c.shape[1];
      const x2 = c.temp("x2d", [batch, 1, w, ch]);
      c.emit("reshape", [x], [x2], { target: [1, w as number, ch as number] });
      const k2 = c.temp("kernel2d", [1, kernel, ch, filters]);
      c.emit("reshape", [k], [k2], { target: [kernel, ch as number, filters] });
      const y2 = c.temp("y2d", [batch, 1, ow, filters]);
      const conv2d: Conv2dAttrs = { filters, kernel: [1, kernel], strides: [1, strides], padding, use_bias };
      c.emit("conv2d", [x2, k2, ...(use_bias ? [bias] : [])], [y2], conv2d);
      const y = c.temp("", c.shape);
      c.emit("reshape", [y2], [y], { target: [ow as number, filters] });
      return y;
    },
  }),
  conv2d_grad_input: trainOp<Conv2dAttrs>({
    vjp: none,
    split: "rows", // threads: images of dy and dx
    ts: (c) => {
      const [dy, k] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, c.eqn.outputs[0]), T.shape(c, dy), "ConvGeom");
      return `K.conv2dGradInput(${T.out(c)}, ${c.buf(dy)}, ${c.buf(k)}, n, ${g});`;
    },
    wasm: (c) => {
      const [dy, k] = c.eqn.inputs;
      const spec = { ...windowOf(W.shape(c, c.eqn.outputs[0]), W.shape(c, dy), c.eqn.attrs), filters: c.attrs.filters };
      const ws = CG.conv2dGradInputScratchBytes({ ...spec, name: "" });
      return W.call(
        c,
        "conv2d_grad_input",
        spec,
        CG.addConv2dGradInput,
        CG.conv2dGradInputParams,
        { dy: c.addr(dy), k: c.addr(k), dx: W.out(c), ws: ws > 0 ? c.scratch(ws) : "" },
        true,
        { work: convWork(spec) },
      );
    },
  }),
  conv2d_grad_kernel: trainOp<Conv2dAttrs>({
    vjp: none,
    split: "columns", // threads: panels of filters of dk, each element summed over every image by one thread
    ts: (c) => {
      const [x, dy] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, x), T.shape(c, dy), "ConvGeom");
      return `K.conv2dGradKernel(${T.out(c)}, ${c.buf(x)}, ${c.buf(dy)}, n, ${g});`;
    },
    wasm: (c) => {
      const [x, dy] = c.eqn.inputs;
      const spec = { ...windowOf(W.shape(c, x), W.shape(c, dy), c.eqn.attrs), filters: c.attrs.filters, bias: false };
      const ws = CG.conv2dGradKernelScratchBytes({ ...spec, name: "" });
      return W.call(
        c,
        "conv2d_grad_kernel",
        spec,
        CG.addConv2dGradKernel,
        CG.conv2dGradKernelParams,
        { x: c.addr(x), dy: c.addr(dy), dk: W.out(c), ws: ws > 0 ? c.scratch(ws) : "" },
        true,
        // Panels of filters; one input channel by tiles of taps × filters (conv2dGradKernelTaps: a panel
        // of filters alone costs about what all of them do there).
        { work: convWork(spec) / CG.conv2dGradKernelUnits({ ...spec, name: "" }), panels: CG.conv2dGradKernelUnits({ ...spec, name: "" }) },
      );
    },
    fused: {
      // maxpool2d_grad → relu_grad → conv2d_grad_kernel (→ sum_to), the first layer: dy from the pooled
      // gradient block by block in scratch, never stored (wasm/kernels/conv-grad-pooled.ts); split as by taps.
      "maxpool2d_grad+relu_grad+conv2d_grad_kernel": (c) => {
        const [pg, , gk, st] = c.group;
        const [x, dy] = gk.inputs;
        const [argmax, pooled] = c.extraIn;
        const pool = windowOf(W.shape(c, dy), W.shape(c, pg.inputs[0]), pg.attrs);
        const spec = {
          ...windowOf(W.shape(c, x), W.shape(c, dy), gk.attrs),
          filters: gk.attrs.filters as number,
          bias: false,
          pooled: { kh: pool.kh, kw: pool.kw, sh: pool.sh, sw: pool.sw },
          dbias: st !== undefined || undefined,
        };
        const ws = c.scratch(CG.conv2dGradKernelScratchBytes({ ...spec, name: "" }));
        const units = CG.conv2dGradKernelUnits({ ...spec, name: "" });
        const args: Record<string, string> = { x: c.addr(x), dp: c.addr(pg.inputs[0]), argmax: c.addr(argmax), yp: c.addr(pooled) };
        Object.assign(args, { dk: c.addr(gk.outputs[0]), ws, ...(st ? { dbias: c.addr(st.outputs[0]) } : {}) });
        // The group's first op (the pool's gradient) splits by rows; this kernel by its units of taps × filters.
        const cc = { ...c, split: "columns" as const };
        return W.call(cc, "conv2d_grad_kernel", spec, CG.addConv2dGradKernel, CG.conv2dGradKernelParams, args, true, {
          work: convWork(spec) / units,
          panels: units,
        });
      },
    },
  }),
};

/** A convolution layer's lowering: its kernel (in `layout`), its bias, the eqn, then its activation. */
const convLower =
  (op: "conv2d" | "conv1d", layout: string): LayerSurface["lower"] =>
  (c) => {
    const useBias = c.arg<boolean>("use_bias");
    const inputs = [c.x, c.param("kernel", "glorot_uniform", layout), ...(useBias ? [c.param("bias", "zeros", "[filters]")] : [])];
    const attrs = {
      filters: c.arg("filters"),
      kernel: c.arg("kernel"),
      strides: c.arg("strides"),
      padding: c.arg("padding"),
      use_bias: useBias,
    };
    return c.activation(c.eqn(op, inputs, attrs));
  };

export const surfaces: readonly LayerSurface[] = [
  {
    name: "conv2d",
    kind: "layer",
    keras: { type: "Conv2D", base: "conv2d" },
    params: true,
    args: [
      tensor("x", "input [B, h, w, c] (NHWC)"),
      { name: "filters", type: { t: "int", min: 1 }, doc: "number of output channels" },
      { name: "kernel", type: { t: "size2", min: 1 }, doc: "kernel size, an int or [kh, kw]" },
      { name: "strides", type: { t: "size2", min: 1 }, default: 1, doc: "an int or [sh, sw]" },
      {
        name: "padding",
        type: { t: "enum", values: ["valid", "same"] },
        default: "valid",
        doc: "`valid` (no padding) or `same` (output size ceil(in / stride))",
      },
      activation,
      useBias,
      layerName,
    ],
    doc: "2-D convolution (cross-correlation, as Keras); kernel [kh, kw, in, filters] Glorot-uniform, bias zeros",
    lower: convLower("conv2d", "[kh, kw, in, filters]"),
  },
  {
    name: "conv1d",
    kind: "layer",
    keras: { type: "Conv1D", base: "conv1d" },
    params: true,
    args: [
      tensor("x", "input [B, steps, channels]"),
      { name: "filters", type: { t: "int", min: 1 }, doc: "number of output channels" },
      { name: "kernel", type: { t: "int", min: 1 }, doc: "kernel size (steps)" },
      { name: "strides", type: { t: "int", min: 1 }, default: 1, doc: "step of the kernel" },
      {
        name: "padding",
        type: { t: "enum", values: ["valid", "same"] },
        default: "valid",
        doc: "`valid` (no padding) or `same` (output size ceil(steps / stride))",
      },
      activation,
      useBias,
      layerName,
    ],
    doc: "1-D convolution over steps (Keras Conv1D); kernel [k, in, filters] Glorot-uniform, bias zeros; runs as conv2d over a [B, 1, steps, channels] view",
    lower: convLower("conv1d", "[k, in, filters]"),
  },
];

/**
 * ONNX `pads` [top, left, bottom, right] for a window over [B, H, W, C] giving `out`: Keras's
 * "same" puts the odd pixel at the end, "valid" pads nothing (total 0).
 */
export function samePads(x: Shape, out: Shape, window: readonly number[], strides: readonly number[]): number[] {
  const total = [1, 2].map((a, i) => Math.max(((out[a] as number) - 1) * strides[i] + window[i] - (x[a] as number), 0));
  return [Math.floor(total[0] / 2), Math.floor(total[1] / 2), total[0] - Math.floor(total[0] / 2), total[1] - Math.floor(total[1] / 2)];
}
