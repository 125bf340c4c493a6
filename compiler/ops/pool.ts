// Pooling (Keras MaxPooling2D, AveragePooling2D; NHWC, `same` averages only the real
// inputs) and the kernels of its gradients. WebAssembly kernels in wasm/kernels/pool.ts,
// reference kernels in runtime/kernels/conv.ts. Fused here: maxpool2d_grad → relu_grad
// through the argmax that a fused conv2d → relu → maxpool2d kept (ops/conv.ts).
// The 1-D pools (MaxPooling1D, AveragePooling1D) are composites of the 2-D ones over a
// [B, 1, steps, channels] view. The global pools (GlobalAveragePooling1D/2D,
// GlobalMaxPooling2D) have kernels of their own: wasm/kernels/global-pool.ts, reference
// kernels in runtime/kernels/pool.ts.
import type { Shape } from "../ir/ir.js";
import type { ArgSpec } from "../lang/args.js";
import { layerName, tensor } from "../lang/args.js";
import type { EmitCtx, WasmCtx } from "./op.js";
import {
  composite,
  primitive,
  trainOp,
  type ExportFacts,
  type LayerSurface,
  type OpTable,
  type PrimitiveOp,
  type ShapeRule,
} from "./op.js";
import { samePads } from "./conv.js";
import { rank, spatial, windowOut } from "./kit/shape.js";
import { gate, none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as PL from "../wasm/kernels/pool.js";
import * as GP from "../wasm/kernels/global-pool.js";
import { windowOf } from "../emit/geometry.js";
import { tuple, type PytorchRule } from "../emit/pytorch/rules.js";

/**
 * How threads share a max-pool gradient's call (runtime/threads): by images, each writing its own
 * rows of dx. Its work is about 4 of a GEMM's multiply-adds per element of dx (the CNN's
 * 26×26×32 gradient: 0.17 ns per element on one core, a GEMM 0.044 ns per multiply-add).
 */
function poolGradSplit(spec: { h: number; w: number; c: number }): W.SplitHint {
  return { work: 4 * spec.h * spec.w * spec.c };
}

export type Names = {
  primitive: "maxpool2d" | "avgpool2d" | "global_avgpool2d" | "global_maxpool2d" | "global_avgpool1d";
  composite: "maxpool1d" | "avgpool1d";
  train: "maxpool2d_grad" | "avgpool2d_grad" | "global_avgpool_grad" | "global_maxpool_grad";
};

export type Pool2dAttrs = {
  readonly pool: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: "valid" | "same";
};

/** Keras MaxPooling1D, AveragePooling1D: a [B, steps, channels] input. */
export type Pool1dAttrs = {
  readonly pool: number;
  readonly strides: number;
  readonly padding: "valid" | "same";
};

/** Keras GlobalAveragePooling1D/2D, GlobalMaxPooling2D: `keepdims` keeps the pooled axes with size 1. */
export type GlobalPoolAttrs = { readonly keepdims: boolean };

/** The PyTorch target: F.max_pool2d or F.avg_pool2d over NCHW; Keras's "same" max pooling pads with −∞, its average counts only real inputs. */
const poolTorch =
  (type: string): PytorchRule<Pool2dAttrs> =>
  (c) => {
    const { pool, strides, padding } = c.attrs;
    const max = type === "MaxPooling2D";
    if (padding === "same" && !max) return `dlm.nchw(lambda t: dlm.avg_pool_same(t, ${tuple(pool)}, ${tuple(strides)}), ${c.args[0]})`;
    const t = padding === "same" ? `dlm.keras_same_pad(t, ${tuple(pool)}, ${tuple(strides)}, -float("inf"))` : "t";
    return `dlm.nchw(lambda t: F.${max ? "max" : "avg"}_pool2d(${t}, ${tuple(pool)}, ${tuple(strides)}), ${c.args[0]})`;
  };

const pool = (keras: { type: string; base: string }, rest: Omit<PrimitiveOp<Pool2dAttrs>, "keras" | "shape">): PrimitiveOp =>
  primitive<Pool2dAttrs>({
    keras,
    pytorch: poolTorch(keras.type),
    shape: (c) => {
      const [b, , , ch] = rank(c, 0, 4, "[B, height, width, channels]");
      const [oh, ow] = spatial(c, c.attrs.pool, c.attrs.strides, c.attrs.padding, "pool window");
      return { out: [b, oh, ow, ch] };
    },
    export: {
      tfjs: (c) => {
        const { pool, strides, padding } = c.eqn.attrs as Pool2dAttrs;
        c.add(keras.type, { pool_size: pool, strides, padding, data_format: "channels_last" });
      },
      // NCHW; padded positions count in neither (AveragePool's count_include_pad is 0, as Keras's "same").
      onnx: (c) => {
        const [x] = c.eqn.inputs;
        const { pool, strides } = c.eqn.attrs as Pool2dAttrs;
        const pads = samePads(c.shape(x), c.shape(c.eqn.outputs[0]), pool, strides);
        const op = keras.type === "MaxPooling2D" ? "MaxPool" : "AveragePool";
        c.output(c.node(op, [c.tensor(x, "nchw")], { kernel_shape: pool, strides, pads })[0], "nchw");
      },
    },
    ...rest,
  });

/** A 1-D pool: the 2-D pool `op` with a [1, pool] window over a [B, 1, steps, channels] view (reshapes, no copies). */
const pool1d = (op: "maxpool2d" | "avgpool2d", keras: { type: string; base: string }) =>
  composite<Pool1dAttrs>({
    keras,
    // F.max_pool1d or F.avg_pool1d over NCW; "same" max pooling pads with −∞, "same" averaging counts only real inputs.
    pytorch: (c) => {
      const { pool, strides, padding } = c.attrs;
      const max = op === "maxpool2d";
      if (padding === "same" && !max) return `dlm.ncw(lambda t: dlm.avg_pool_same(t, (${pool},), (${strides},)), ${c.args[0]})`;
      const t = padding === "same" ? `dlm.keras_same_pad(t, (${pool},), (${strides},), -float("inf"))` : "t";
      return `dlm.ncw(lambda t: F.${max ? "max" : "avg"}_pool1d(${t}, ${pool}, ${strides}), ${c.args[0]})`;
    },
    shape: (c) => {
      const [b, w, ch] = rank(c, 0, 3, "[B, steps, channels]", `for images use ${op}`);
      return { out: [b, windowOut(c, w as number, c.attrs.pool, c.attrs.strides, c.attrs.padding, "steps", "pool window"), ch] };
    },
    expand: (c) => {
      const [x] = c.inputs;
      const [batch, w, ch] = c.value(x).shape;
      const ow = c.shape[1];
      const x2 = c.temp("x2d", [batch, 1, w, ch]);
      c.emit("reshape", [x], [x2], { target: [1, w as number, ch as number] });
      const y2 = c.temp("y2d", [batch, 1, ow, ch]);
      const attrs: Pool2dAttrs = { pool: [1, c.attrs.pool], strides: [1, c.attrs.strides], padding: c.attrs.padding };
      c.emit(op, [x2], [y2], attrs);
      const y = c.temp("", c.shape);
      c.emit("reshape", [y2], [y], { target: [ow as number, ch as number] });
      return y;
    },
  });

/**
 * [B, ..., c] → [B, c], or with keepdims [B, 1, ..., 1, c]. A wrong rank is DL3006 with
 * `other.hint` when the input has `other.rank` (the other global pool's), else a reshape hint.
 */
const globalShape =
  (want: number, what: string, other: { rank: number; hint: string }): ShapeRule<GlobalPoolAttrs> =>
  (c) => {
    const example = want === 4 ? "`reshape([h, w, channels])`" : "`reshape([steps, channels])`";
    const hint = c.inputs[0].length === other.rank ? other.hint : `reshape the input first, e.g. ${example}`;
    const s = rank(c, 0, want, what, hint);
    const [b, ch] = [s[0], s[s.length - 1]];
    return { out: c.attrs.keepdims ? [b, ...s.slice(1, -1).map(() => 1), ch] : [b, ch] };
  };

/** A pooled input [images, ..., c] as the global kernels see it: p positions of c channels per image. */
function globalGeom(s: Shape): GP.GlobalPoolSpec & { count: string } {
  const p = s.slice(1, -1).reduce((a: number, d) => a * (d as number), 1);
  const c = s[s.length - 1] as number;
  return { name: "", positions: p, channels: c, images: s[0] === "B" ? undefined : (s[0] as number), count: T.countExpr([s[0]]) };
}

/** The reference kernel `fn` over the pooled tensor `pooled` (x or dx): `K.fn(out, ...bufs, count, p, c)`. */
const globalTs = (fn: string, c: EmitCtx<unknown>, pooled: number): string => {
  const g = globalGeom(T.shape(c, pooled));
  return `K.${fn}(${T.out(c)}, ${T.ins(c).join(", ")}, ${g.count}, ${g.positions}, ${g.channels});`;
};

/** The WebAssembly kernel of `mode` over the pooled tensor `pooled` (x or dx), with its buffers. */
const globalWasm = (c: WasmCtx<unknown>, mode: GP.GlobalPoolMode, pooled: number, args: Record<string, string>): string => {
  const { positions, channels, images } = globalGeom(W.shape(c, pooled));
  const add = { avg: GP.addGlobalAvgPool, max: GP.addGlobalMaxPool, avgGrad: GP.addGlobalAvgPoolGrad, maxGrad: GP.addGlobalMaxPoolGrad }[
    mode
  ];
  const kind = { avg: "global_avgpool", max: "global_maxpool", avgGrad: "global_avgpool_grad", maxGrad: "global_maxpool_grad" }[mode];
  return W.call(c, kind, { positions, channels, images }, add, (s: GP.GlobalPoolSpec) => GP.globalPoolParams(mode, s), args);
};

/** A global mean (GlobalAveragePooling1D/2D) of a rank-`want` input. */
const globalAvg = (keras: { type: string; base: string }, want: number, what: string, other: { rank: number; hint: string }): PrimitiveOp =>
  primitive<GlobalPoolAttrs>({
    keras,
    shape: globalShape(want, what, other),
    pytorch: (c) => `${c.args[0]}.mean(${want === 4 ? "(1, 2)" : "1"}, keepdim=${c.attrs.keepdims ? "True" : "False"})`,
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("global_avgpool_grad", [c.dy], c.eqn.attrs, shapeOf(c, x), x));
    },
    ts: (c) => globalTs("globalAvgPool", c, c.eqn.inputs[0]),
    wasm: (c) => globalWasm(c, "avg", c.eqn.inputs[0], { x: c.addr(c.eqn.inputs[0]), y: W.out(c) }),
    export: globalExport(keras.type, "ReduceMean"),
  });

/** A global pool: tfjs's layer of the Keras name (it has no keepdims), ONNX's reduction over the positions. */
const globalExport = (layer: string, reduce: string): ExportFacts => ({
  tfjs: (c) => {
    if (c.eqn.attrs.keepdims) return "keeps the pooled axes (keepdims=true), which TensorFlow.js's global pooling layers cannot";
    return c.add(layer, { data_format: "channels_last" });
  },
  onnx: (c) => {
    const x = c.eqn.inputs[0];
    const axes = c
      .shape(x)
      .slice(1, -1)
      .map((_, i) => i + 1);
    c.output(c.node(reduce, [c.tensor(x)], { axes, keepdims: c.eqn.attrs.keepdims ? 1 : 0 })[0]);
  },
});

export const ops: OpTable<Names> = {
  maxpool2d: pool(
    { type: "MaxPooling2D", base: "max_pooling2d" },
    {
      vjp: (c) => {
        const [x] = c.eqn.inputs;
        return gate(c, () => c.emit("maxpool2d_grad", [c.dy, x], c.eqn.attrs, shapeOf(c, x), x));
      },
      ts: (c) =>
        `K.maxpool2d(${T.out(c)}, ${T.ins(c)[0]}, n, ${T.windowGeom(c, T.shape(c, c.eqn.inputs[0]), T.shape(c, c.eqn.outputs[0]), "PoolGeom")});`,
      wasm: (c) => {
        const [x] = c.eqn.inputs;
        const spec = windowOf(W.shape(c, x), W.shape(c, c.eqn.outputs[0]), c.eqn.attrs);
        return W.call(c, "maxpool2d", spec, PL.addMaxPool2d, PL.maxpool2dParams, { x: c.addr(x), y: W.out(c) });
      },
    },
  ),
  avgpool2d: pool(
    { type: "AveragePooling2D", base: "average_pooling2d" },
    {
      vjp: (c) => {
        const [x] = c.eqn.inputs;
        return gate(c, () => c.emit("avgpool2d_grad", [c.dy], c.eqn.attrs, shapeOf(c, x), x));
      },
      ts: (c) =>
        `K.avgpool2d(${T.out(c)}, ${T.ins(c)[0]}, n, ${T.windowGeom(c, T.shape(c, c.eqn.inputs[0]), T.shape(c, c.eqn.outputs[0]), "PoolGeom")});`,
      wasm: (c) => {
        const [x] = c.eqn.inputs;
        const spec = windowOf(W.shape(c, x), W.shape(c, c.eqn.outputs[0]), c.eqn.attrs);
        return W.call(c, "avgpool2d", spec, PL.addAvgPool2d, PL.avgpool2dParams, { x: c.addr(x), y: W.out(c) });
      },
    },
  ),
  maxpool1d: pool1d("maxpool2d", { type: "MaxPooling1D", base: "max_pooling1d" }),
  avgpool1d: pool1d("avgpool2d", { type: "AveragePooling1D", base: "average_pooling1d" }),
  global_avgpool2d: globalAvg({ type: "GlobalAveragePooling2D", base: "global_average_pooling2d" }, 4, "[B, height, width, channels]", {
    rank: 3,
    hint: "for a sequence [B, steps, channels] use global_avgpool1d",
  }),
  global_avgpool1d: globalAvg({ type: "GlobalAveragePooling1D", base: "global_average_pooling1d" }, 3, "[B, steps, channels]", {
    rank: 4,
    hint: "for images [B, height, width, channels] use global_avgpool2d",
  }),
  global_maxpool2d: primitive<GlobalPoolAttrs>({
    keras: { type: "GlobalMaxPooling2D", base: "global_max_pooling2d" },
    pytorch: (c) => `${c.args[0]}.amax((1, 2), keepdim=${c.attrs.keepdims ? "True" : "False"})`,
    shape: globalShape(4, "[B, height, width, channels]", {
      rank: 3,
      hint: "for a sequence [B, steps, channels] reshape to `reshape([steps, 1, channels])` first",
    }),
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("global_maxpool_grad", [c.dy, x], c.eqn.attrs, shapeOf(c, x), x));
    },
    ts: (c) => globalTs("globalMaxPool", c, c.eqn.inputs[0]),
    wasm: (c) => globalWasm(c, "max", c.eqn.inputs[0], { x: c.addr(c.eqn.inputs[0]), y: W.out(c) }),
    export: globalExport("GlobalMaxPooling2D", "ReduceMax"),
  }),
  // dx = dy / p at every position of each image.
  global_avgpool_grad: trainOp<GlobalPoolAttrs>({
    vjp: none,
    ts: (c) => globalTs("globalAvgPoolGrad", c, c.eqn.outputs[0]),
    wasm: (c) => globalWasm(c, "avgGrad", c.eqn.outputs[0], { dy: c.addr(c.eqn.inputs[0]), dx: W.out(c) }),
  }),
  // dx = dy at each channel's first maximum (as maxpool2d_grad routes ties), 0 elsewhere.
  global_maxpool_grad: trainOp<GlobalPoolAttrs>({
    vjp: none,
    ts: (c) => globalTs("globalMaxPoolGrad", c, c.eqn.outputs[0]),
    wasm: (c) => {
      const [dy, x] = c.eqn.inputs;
      return globalWasm(c, "maxGrad", x, { dy: c.addr(dy), x: c.addr(x), dx: W.out(c) });
    },
  }),
  maxpool2d_grad: trainOp({
    vjp: none,
    split: "rows", // threads: images of dy and dx (and of the fused relu's mask)
    ts: (c) => {
      const [dy, x] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, x), T.shape(c, dy), "PoolGeom");
      return `K.maxpool2dGrad(${T.out(c)}, ${c.buf(dy)}, ${c.buf(x)}, n, ${g});`;
    },
    wasm: (c) => {
      const [dy, x] = c.eqn.inputs;
      const spec = windowOf(W.shape(c, x), W.shape(c, dy), c.eqn.attrs);
      return W.call(
        c,
        "maxpool2d_grad",
        spec,
        PL.addMaxPool2dGrad,
        PL.maxpool2dGradParams,
        { dy: c.addr(dy), x: c.addr(x), dx: W.out(c) },
        false,
        poolGradSplit(spec),
      );
    },
    fused: {
      // maxpool2d_grad → relu_grad: through the forward's argmax, masked by the pooled relu value.
      "maxpool2d_grad+relu_grad": (c) => {
        const [pg, rg] = c.group;
        const [dy, x] = pg.inputs;
        const [argmax, pooled] = c.extraIn;
        const spec = { ...windowOf(W.shape(c, x), W.shape(c, dy), pg.attrs), fromArgmax: true, reluMask: true };
        return W.call(
          c,
          "maxpool2d_grad_relu",
          spec,
          PL.addMaxPool2dGrad,
          PL.maxpool2dGradParams,
          { dy: c.addr(dy), argmax: c.addr(argmax), y: c.addr(pooled), dx: c.addr(rg.outputs[0]) },
          false,
          poolGradSplit(spec),
        );
      },
    },
  }),
  avgpool2d_grad: trainOp({
    vjp: none,
    ts: (c) => {
      const [dy] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, c.eqn.outputs[0]), T.shape(c, dy), "PoolGeom");
      return `K.avgpool2dGrad(${T.out(c)}, ${c.buf(dy)}, n, ${g});`;
    },
    wasm: (c) => {
      const [dy] = c.eqn.inputs;
      const spec = windowOf(W.shape(c, c.eqn.outputs[0]), W.shape(c, dy), c.eqn.attrs);
      return W.call(c, "avgpool2d_grad", spec, PL.addAvgPool2dGrad, PL.avgpool2dGradParams, { dy: c.addr(dy), dx: W.out(c) });
    },
  }),
};

const poolArgs = (what: string): readonly ArgSpec[] => [
  tensor("x", "input [B, h, w, c] (NHWC)"),
  { name: "pool", type: { t: "size2", min: 1 }, default: 2, doc: `${what} window, an int or [h, w]` },
  { name: "strides", type: { t: "size2", min: 1 }, default: null, doc: "step of the window (default: the window size)" },
  { name: "padding", type: { t: "enum", values: ["valid", "same"] }, default: "valid", doc: "`valid` (no padding) or `same`" },
  layerName,
];

const poolSurface = (name: "maxpool2d" | "avgpool2d", doc: string): LayerSurface => ({
  name,
  kind: "layer",
  keras: ops[name].keras!,
  args: poolArgs("pooling"),
  doc,
  lower: (c) => {
    const size = c.arg("pool");
    return c.eqn(name, [c.x], { pool: size, strides: c.arg("strides") ?? size, padding: c.arg("padding") });
  },
});

const pool1dSurface = (name: "maxpool1d" | "avgpool1d", doc: string): LayerSurface => ({
  name,
  kind: "layer",
  keras: ops[name].keras!,
  args: [
    tensor("x", "input [B, steps, channels]"),
    { name: "pool", type: { t: "int", min: 1 }, default: 2, doc: "pooling window (steps)" },
    { name: "strides", type: { t: "int", min: 1 }, default: null, doc: "step of the window (default: the window size)" },
    { name: "padding", type: { t: "enum", values: ["valid", "same"] }, default: "valid", doc: "`valid` (no padding) or `same`" },
    layerName,
  ],
  doc,
  lower: (c) => {
    const size = c.arg("pool");
    return c.eqn(name, [c.x], { pool: size, strides: c.arg("strides") ?? size, padding: c.arg("padding") });
  },
});

const globalSurface = (name: "global_avgpool2d" | "global_maxpool2d" | "global_avgpool1d", input: string, doc: string): LayerSurface => ({
  name,
  kind: "layer",
  keras: ops[name].keras!,
  args: [tensor("x", input), { name: "keepdims", type: { t: "bool" }, default: false, doc: "keep the pooled axes with size 1" }, layerName],
  doc,
  lower: (c) => c.eqn(name, [c.x], { keepdims: c.arg("keepdims") }),
});

export const surfaces: readonly LayerSurface[] = [
  poolSurface("maxpool2d", "2-D max pooling (Keras MaxPooling2D)"),
  poolSurface("avgpool2d", "2-D average pooling (Keras AveragePooling2D); `same` padding averages only the real inputs"),
  pool1dSurface("maxpool1d", "1-D max pooling over steps (Keras MaxPooling1D)"),
  pool1dSurface("avgpool1d", "1-D average pooling over steps (Keras AveragePooling1D); `same` padding averages only the real inputs"),
  globalSurface("global_avgpool2d", "input [B, h, w, c] (NHWC)", "mean over height and width per channel (Keras GlobalAveragePooling2D)"),
  globalSurface("global_maxpool2d", "input [B, h, w, c] (NHWC)", "max over height and width per channel (Keras GlobalMaxPooling2D)"),
  globalSurface("global_avgpool1d", "input [B, steps, channels]", "mean over steps per channel (Keras GlobalAveragePooling1D)"),
];
