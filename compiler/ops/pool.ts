// 2-D pooling (Keras MaxPooling2D, AveragePooling2D; NHWC, `same` averages only the real
// inputs) and the kernels of its gradients. WebAssembly kernels in wasm/kernels/conv.ts,
// reference kernels in runtime/kernels/conv.ts. Fused here: maxpool2d_grad → relu_grad
// through the argmax that a fused conv2d → relu → maxpool2d kept (ops/conv.ts).
import type { ArgSpec } from "../lang/args.js";
import { layerName, tensor } from "../lang/args.js";
import { primitive, trainOp, type LayerSurface, type OpTable, type PrimitiveOp } from "./op.js";
import { rank, spatial } from "./kit/shape.js";
import { gate, none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as PL from "../wasm/kernels/pool.js";
import { windowOf } from "../emit/geometry.js";

export type Names = { primitive: "maxpool2d" | "avgpool2d"; composite: never; train: "maxpool2d_grad" | "avgpool2d_grad" };

export type Pool2dAttrs = {
  readonly pool: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: "valid" | "same";
};

const pool = (keras: { type: string; base: string }, rest: Omit<PrimitiveOp<Pool2dAttrs>, "keras" | "shape">): PrimitiveOp =>
  primitive<Pool2dAttrs>({
    keras,
    shape: (c) => {
      const [b, , , ch] = rank(c, 0, 4, "[B, height, width, channels]");
      const [oh, ow] = spatial(c, c.attrs.pool, c.attrs.strides, c.attrs.padding, "pool window");
      return { out: [b, oh, ow, ch] };
    },
    ...rest,
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
  maxpool2d_grad: trainOp({
    vjp: none,
    ts: (c) => {
      const [dy, x] = c.eqn.inputs;
      const g = T.windowGeom(c, T.shape(c, x), T.shape(c, dy), "PoolGeom");
      return `K.maxpool2dGrad(${T.out(c)}, ${c.buf(dy)}, ${c.buf(x)}, n, ${g});`;
    },
    wasm: (c) => {
      const [dy, x] = c.eqn.inputs;
      const spec = windowOf(W.shape(c, x), W.shape(c, dy), c.eqn.attrs);
      return W.call(c, "maxpool2d_grad", spec, PL.addMaxPool2dGrad, PL.maxpool2dGradParams, {
        dy: c.addr(dy),
        x: c.addr(x),
        dx: W.out(c),
      });
    },
    fused: {
      // maxpool2d_grad → relu_grad: through the forward's argmax, masked by the pooled relu value.
      "maxpool2d_grad+relu_grad": (c) => {
        const [pg, rg] = c.group;
        const [dy, x] = pg.inputs;
        const [argmax, pooled] = c.extraIn;
        const spec = { ...windowOf(W.shape(c, x), W.shape(c, dy), pg.attrs), fromArgmax: true, reluMask: true };
        return W.call(c, "maxpool2d_grad_relu", spec, PL.addMaxPool2dGrad, PL.maxpool2dGradParams, {
          dy: c.addr(dy),
          argmax: c.addr(argmax),
          y: c.addr(pooled),
          dx: c.addr(rg.outputs[0]),
        });
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

export const surfaces: readonly LayerSurface[] = [
  poolSurface("maxpool2d", "2-D max pooling (Keras MaxPooling2D)"),
  poolSurface("avgpool2d", "2-D average pooling (Keras AveragePooling2D); `same` padding averages only the real inputs"),
];
