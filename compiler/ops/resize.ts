// Layers that resize the height and width of NHWC images without parameters: Keras
// UpSampling2D (`upsampling2d`, nearest or bilinear), ZeroPadding2D (`zero_padding2d`) and
// Cropping2D (`cropping2d`). Padding and cropping are each other's gradient; nearest
// upsampling's gradient sums each block of copies, bilinear's scatters with its weights.
// WebAssembly kernels in wasm/kernels/resize.ts and resize-bilinear.ts, reference kernels
// in runtime/kernels/resize.ts.
import { fail } from "../diagnostics/diagnostic.js";
import type { Shape } from "../ir/ir.js";
import { layerName, tensor, type ArgSpec } from "../lang/args.js";
import { primitive, trainOp, type EmitCtx, type LayerSurface, type OpTable, type ShapeCtx, type WasmCtx } from "./op.js";
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Mod } from "../wasm/kernels/fn.js";
import { fmt, rank } from "./kit/shape.js";
import { gate, none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import * as RS from "../wasm/kernels/resize.js";
import * as RB from "../wasm/kernels/resize-bilinear.js";
import { tuple } from "../emit/pytorch/rules.js";

export type Names = {
  primitive: "upsampling2d" | "zero_padding2d" | "cropping2d";
  composite: never;
  train: "upsampling2d_grad";
};

export type Upsampling2dAttrs = { readonly size: readonly [number, number]; readonly interpolation: "nearest" | "bilinear" };
/** Rows and columns added on each side: [top, bottom, left, right]. */
export type ZeroPadding2dAttrs = { readonly padding: readonly [number, number, number, number] };
/** Rows and columns removed on each side: [top, bottom, left, right]. */
export type Cropping2dAttrs = { readonly cropping: readonly [number, number, number, number] };

/** h, w, c of an image tensor [B, h, w, c]. */
const hwc = (s: Shape): [number, number, number] => [s[1] as number, s[2] as number, s[3] as number];

/** Input 0 as [B, h, w, c] with static h, w, c. */
function image(c: ShapeCtx<unknown>, what: string): Shape {
  const s = rank(c, 0, 4, "[B, height, width, channels]", `reshape the input first, e.g. \`reshape([28, 28, 1])\` before ${what}`);
  if (s.slice(1).includes("B")) fail("DL3006", `\`${c.op}\` needs static height, width and channels, found ${fmt(s)}`, c.span);
  return s;
}

/** The reference kernels' geometry (runtime/kernels/resize.ts). */
const border = (x: Shape, sides: readonly number[]) => {
  const [h, w, c] = hwc(x);
  const [top, bottom, left, right] = sides;
  return { h, w, c, top, bottom, left, right };
};
const upsample = (x: Shape, size: readonly number[]) => {
  const [h, w, c] = hwc(x);
  return { h, w, c, sh: size[0], sw: size[1] };
};
/** The WebAssembly kernels' specs (wasm/kernels/resize.ts). */
const borderSpec = (x: Shape, sides: readonly number[]): Omit<RS.Border2dSpec, "name"> => ({
  image: hwc(x),
  sides: [sides[0], sides[1], sides[2], sides[3]],
});
const upsampleSpec = (x: Shape, size: readonly number[]): Omit<RS.Upsample2dSpec, "name"> => ({ image: hwc(x), size: [size[0], size[1]] });

/** A geometry object as a hoisted constant of the trainer (named after the layer). */
const geom = (c: EmitCtx<unknown>, type: string, g: object): string =>
  c.hoist(
    `${c.eqn.origin?.split("/")[1] ?? c.eqn.op}_geom`,
    `const NAME: K.${type} = { ${Object.entries(g)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ")} };`,
  );

const tsCall = (fn: string, type: string, g: (c: EmitCtx<unknown>) => object) => (c: EmitCtx<unknown>) =>
  `K.${fn}(${T.out(c)}, ${c.buf(c.eqn.inputs[0])}, n, ${geom(c, type, g(c))});`;

function wasmCall<S extends { name: string }>(
  c: WasmCtx<unknown>,
  kind: string,
  spec: Omit<S, "name">,
  add: (b: BinaryenApi, mod: Mod, spec: S) => void,
  params: (spec: S) => string[],
  io: readonly [string, string],
): string {
  return W.call(c, kind, spec, add, params, { [io[0]]: c.addr(c.eqn.inputs[0]), [io[1]]: W.out(c) });
}

/** The kernel call of upsampling2d (grad: of its gradient), nearest or bilinear. */
function upsampleWasm(c: WasmCtx<Upsampling2dAttrs>, spec: Omit<RS.Upsample2dSpec, "name">, grad: boolean): string {
  const io: Record<string, string> = grad ? { dy: c.addr(c.eqn.inputs[0]), dx: W.out(c) } : { x: c.addr(c.eqn.inputs[0]), y: W.out(c) };
  if (c.attrs.interpolation !== "bilinear") {
    if (grad) return W.call(c, "upsample2d_grad", spec, RS.addUpsample2dGrad, RS.upsample2dGradParams, io);
    return W.call(c, "upsample2d", spec, RS.addUpsample2d, RS.upsample2dParams, io);
  }
  const args = { ...io, ws: c.scratch(RB.upsample2dBilinearScratchBytes({ ...spec, name: "" })) };
  if (grad) return W.call(c, "upsample2d_bilinear_grad", spec, RB.addUpsample2dBilinearGrad, RB.upsample2dBilinearGradParams, args);
  return W.call(c, "upsample2d_bilinear", spec, RB.addUpsample2dBilinear, RB.upsample2dBilinearParams, args);
}

export const ops: OpTable<Names> = {
  upsampling2d: primitive<Upsampling2dAttrs>({
    keras: { type: "UpSampling2D", base: "up_sampling2d" },
    // Nearest: each pixel repeated; bilinear: F.interpolate's half-pixel centres (align_corners=False), TensorFlow's.
    pytorch: (c) => {
      const [sh, sw] = c.attrs.size;
      if (c.attrs.interpolation !== "bilinear") return `${c.args[0]}.repeat_interleave(${sh}, 1).repeat_interleave(${sw}, 2)`;
      return `dlm.nchw(lambda t: F.interpolate(t, scale_factor=${tuple([sh, sw])}, mode="bilinear", align_corners=False), ${c.args[0]})`;
    },
    shape: (c) => {
      const [b, h, w, ch] = image(c, "upsampling2d");
      const [sh, sw] = c.attrs.size;
      return { out: [b, (h as number) * sh, (w as number) * sw, ch] };
    },
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("upsampling2d_grad", [c.dy], c.eqn.attrs, shapeOf(c, x), x));
    },
    ts: (c) => {
      const fn = c.attrs.interpolation === "bilinear" ? "upsample2dBilinear" : "upsample2d";
      return tsCall(fn, "UpsampleGeom", () => upsample(T.shape(c, c.eqn.inputs[0]), c.attrs.size))(c);
    },
    wasm: (c) => upsampleWasm(c, upsampleSpec(W.shape(c, c.eqn.inputs[0]), c.attrs.size), false),
  }),
  upsampling2d_grad: trainOp<Upsampling2dAttrs>({
    vjp: none,
    ts: (c) => {
      const g = geom(c, "UpsampleGeom", upsample(T.shape(c, c.eqn.outputs[0]), c.attrs.size));
      const fn = c.attrs.interpolation === "bilinear" ? "upsample2dBilinearGrad" : "upsample2dGrad";
      return `K.${fn}(${T.out(c)}, ${c.buf(c.eqn.inputs[0])}, n, ${g});`;
    },
    wasm: (c) => upsampleWasm(c, upsampleSpec(W.shape(c, c.eqn.outputs[0]), c.attrs.size), true),
  }),
  zero_padding2d: primitive<ZeroPadding2dAttrs>({
    keras: { type: "ZeroPadding2D", base: "zero_padding2d" },
    // F.pad pads the last axis first: channels (none), then width, then height.
    pytorch: (c) => {
      const [top, bottom, left, right] = c.attrs.padding;
      return `F.pad(${c.args[0]}, (0, 0, ${left}, ${right}, ${top}, ${bottom}))`;
    },
    shape: (c) => {
      const [b, h, w, ch] = image(c, "zero_padding2d");
      const [top, bottom, left, right] = c.attrs.padding;
      return { out: [b, (h as number) + top + bottom, (w as number) + left + right, ch] };
    },
    // The gradient of padding is the crop of the same borders.
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("cropping2d", [c.dy], { cropping: c.attrs.padding }, shapeOf(c, x), x));
    },
    ts: tsCall("pad2d", "BorderGeom", (c) => border(T.shape(c, c.eqn.inputs[0]), c.eqn.attrs.padding as number[])),
    wasm: (c) => wasmCall(c, "pad2d", borderSpec(W.shape(c, c.eqn.inputs[0]), c.attrs.padding), RS.addPad2d, RS.pad2dParams, ["x", "y"]),
  }),
  cropping2d: primitive<Cropping2dAttrs>({
    keras: { type: "Cropping2D", base: "cropping2d" },
    pytorch: (c) => {
      const [top, bottom, left, right] = c.attrs.cropping;
      const [, h, w] = c.shape(c.eqn.inputs[0]) as number[];
      return `${c.args[0]}[:, ${top}:${h - bottom}, ${left}:${w - right}]`;
    },
    shape: (c) => {
      const [b, h, w, ch] = image(c, "cropping2d");
      const [top, bottom, left, right] = c.attrs.cropping;
      const fits = (size: number, a: number, z: number, axis: string, sides: string) => {
        if (a + z >= size) {
          fail(
            "DL3005",
            `\`cropping2d\` removes ${a} + ${z} = ${a + z} ${axis} from an input ${fmt(c.inputs[0])} with ${size} ${axis}`,
            c.span,
            {
              hint: `crop at most ${size - 1} ${axis} in all (${sides}), so that at least one is left`,
            },
          );
        }
      };
      fits(h as number, top, bottom, "rows", "top + bottom");
      fits(w as number, left, right, "columns", "left + right");
      return { out: [b, (h as number) - top - bottom, (w as number) - left - right, ch] };
    },
    // The gradient of cropping is the zero padding of the same borders.
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("zero_padding2d", [c.dy], { padding: c.attrs.cropping }, shapeOf(c, x), x));
    },
    ts: tsCall("crop2d", "BorderGeom", (c) => border(T.shape(c, c.eqn.inputs[0]), c.eqn.attrs.cropping as number[])),
    wasm: (c) =>
      wasmCall(c, "crop2d", borderSpec(W.shape(c, c.eqn.inputs[0]), c.attrs.cropping), RS.addCrop2d, RS.crop2dParams, ["x", "y"]),
  }),
};

const sides = (what: string): string =>
  `rows and columns ${what}: an int (every side), [h, w] (top and bottom h, left and right w) or [[top, bottom], [left, right]]`;

const args = (extra: ArgSpec): readonly ArgSpec[] => [tensor("x", "input [B, h, w, c] (NHWC)"), extra, layerName];

export const surfaces: readonly LayerSurface[] = [
  {
    name: "upsampling2d",
    kind: "layer",
    keras: ops.upsampling2d.keras!,
    args: [
      tensor("x", "input [B, h, w, c] (NHWC)"),
      { name: "size", type: { t: "size2", min: 1 }, default: 2, doc: "the upsampling factors, an int or [h, w]" },
      {
        name: "interpolation",
        type: { t: "enum", values: ["nearest", "bilinear"] },
        default: "nearest",
        doc: "`nearest` (each pixel repeated) or `bilinear` (TensorFlow's half-pixel centres, as Keras)",
      },
      layerName,
    ],
    doc: "2-D upsampling by size along height and width, nearest or bilinear (Keras UpSampling2D)",
    lower: (c) => {
      const interpolation = c.arg<string>("interpolation");
      return c.eqn("upsampling2d", [c.x], { size: c.arg("size"), interpolation });
    },
  },
  {
    name: "zero_padding2d",
    kind: "layer",
    keras: ops.zero_padding2d.keras!,
    args: args({ name: "padding", type: { t: "pad2d" }, default: 1, doc: sides("of zeros added") }),
    doc: "2-D zero padding: rows of zeros above and below, columns left and right (Keras ZeroPadding2D)",
    lower: (c) => c.eqn("zero_padding2d", [c.x], { padding: c.arg("padding") }),
  },
  {
    name: "cropping2d",
    kind: "layer",
    keras: ops.cropping2d.keras!,
    args: args({ name: "cropping", type: { t: "pad2d" }, default: 0, doc: sides("removed") }),
    doc: "2-D cropping: rows removed at the top and bottom, columns left and right (Keras Cropping2D)",
    lower: (c) => c.eqn("cropping2d", [c.x], { cropping: c.arg("cropping") }),
  },
];
