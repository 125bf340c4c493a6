// Shape ops. `reshape` (the `flatten` and `reshape` layers; Keras Flatten flattens in (h, w, c)
// order) and `stop_gradient` only rename a buffer: their outputs alias their input's buffer,
// so no kernel runs; the gradient of a reshape is a reshape back. `concat`, `slice`, `split`
// and `transpose` move values, along the axes after the batch (which none of them may name):
// each is a strided box copy (runtime/kernels/shape.ts, wasm/kernels/copy.ts). `split` is a
// composite whose parts are slices; a slice's gradient is `slice_grad`, the zero-padded
// scatter of dy; concat's is a slice of dy per input, transpose's the inverse permutation.
import { fail } from "../diagnostics/diagnostic.js";
import type { Attrs, Shape } from "../ir/ir.js";
import { layerName, tensor, tensors } from "../lang/args.js";
import { composite, primitive, trainOp, type CallSurface, type LayerSurface, type OpTable, type ShapeCtx } from "./op.js";
import { fmt, num, perRow, same } from "./kit/shape.js";
import { gate, none, shapeOf, sumTo } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { addCopy, copyParams, type Copy } from "../wasm/kernels/copy.js";
import { nameParams } from "../wasm/kernels/fn.js";

export type Names = {
  primitive: "reshape" | "stop_gradient" | "concat" | "slice" | "transpose";
  composite: "split";
  train: "slice_grad";
};

/** The per-sample target shape; one entry may be -1. */
export type ReshapeAttrs = { readonly target: readonly number[] };
/** The axis to join along, as written (negative from the end; never the batch). */
export type ConcatAttrs = { readonly axis: number };
/** Per axis after the batch: the first index and the length (-1: to the end). */
export type SliceAttrs = { readonly begin: readonly number[]; readonly size: readonly number[] };
/** Part `part` (0-based) of `parts` equal parts along `axis`. */
export type SplitAttrs = { readonly parts: number; readonly part: number; readonly axis: number };
/** Output axis j (after the batch) is input axis perm[j] (after the batch), 0-based. */
export type TransposeAttrs = { readonly perm: readonly number[] };
export type SliceGradAttrs = { readonly begin: readonly number[] };

// ── Shape rules ─────────────────────────────────────────────────────────────────────────

/** Input `x` has axes after the batch, or a DL3006. */
function features(c: ShapeCtx<unknown>, x: Shape): void {
  if (x.length < 2) fail("DL3006", `\`${c.op}\` works on the axes after the batch, but ${fmt(x)} has none`, c.span);
}

/** `axis` of `x` as a non-negative index; out of range or the batch is DL3010. */
export function featureAxis(c: ShapeCtx<unknown>, axis: number, x: Shape): number {
  features(c, x);
  const a = axis < 0 ? axis + x.length : axis;
  const range =
    x.length === 2
      ? "the only axis after the batch is 1, or -1 from the end"
      : `axes after the batch are 1 to ${x.length - 1}, or -1 to -${x.length - 1} from the end`;
  if (a < 0 || a >= x.length) fail("DL3010", `axis ${axis} is out of range for ${fmt(x)}`, c.span, { hint: range });
  if (a === 0) fail("DL3010", `axis ${axis} of ${fmt(x)} is the batch; \`${c.op}\` works along the axes after it`, c.span, { hint: range });
  return a;
}

/** An axis already checked by its shape rule, for the passes after it. */
const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** The sizes of a slice of `x`, checked (DL3006, DL3013). */
function sliceSizes(c: ShapeCtx<unknown>, x: Shape, begin: readonly number[], size: readonly number[]): number[] {
  features(c, x);
  const k = x.length - 1;
  if (begin.length !== k || size.length !== k) {
    fail(
      "DL3006",
      `\`slice\` of ${fmt(x)} needs \`begin\` and \`size\` with ${k} entr${k === 1 ? "y" : "ies"}, one per axis after the batch; found ${begin.length} and ${size.length}`,
      c.span,
    );
  }
  return begin.map((b, j) => {
    const d = num(x[j + 1]);
    const s = size[j];
    if (s === 0) fail("DL3013", `\`size\` entries must be positive or -1 (to the end), found 0`, c.span);
    if (b >= d) {
      fail("DL3013", `the slice begins at ${b} on axis ${j + 1} of ${fmt(x)}, whose size is ${d}`, c.span, {
        hint: `begin at most at ${d - 1}`,
      });
    }
    const len = s === -1 ? d - b : s;
    if (b + len > d) {
      fail("DL3013", `a slice of ${len} from ${b} on axis ${j + 1} of ${fmt(x)} ends at ${b + len}, past its size ${d}`, c.span, {
        hint: `use a size of at most ${d - b}, or -1 (to the end)`,
      });
    }
    return len;
  });
}

/** The shape of part `part` of a split, checked (DL3010, DL3014). */
function splitShape(c: ShapeCtx<SplitAttrs>): Shape {
  const x = c.inputs[0];
  const { parts, axis } = c.attrs;
  const a = featureAxis(c, axis, x);
  const len = num(x[a]);
  if (len % parts !== 0) {
    fail("DL3014", `\`split\` cannot cut axis ${axis} of ${fmt(x)} (size ${len}) into ${parts} equal parts`, c.span, {
      hint: `the axis's size must be a multiple of the number of parts`,
    });
  }
  return x.map((d, i) => (i === a ? len / parts : d));
}

// ── Copies (the kernels of both backends) ───────────────────────────────────────────────

/** Row-major element strides of a shape (the batch counts as one row). */
function stridesOf(s: Shape): number[] {
  const out: number[] = new Array(s.length);
  let acc = 1;
  for (let i = s.length - 1; i >= 0; i--) {
    out[i] = acc;
    acc *= s[i] === "B" ? 1 : (s[i] as number);
  }
  return out;
}

/** The box `shape` of `x` read along an output whose first dim is `lead`: stride 0 where x's first dim broadcasts. */
function readStrides(x: Shape, lead: Shape[number]): number[] {
  const st = stridesOf(x);
  if (x[0] !== lead) st[0] = 0;
  return st;
}

const dims0 = (s: Shape): number[] => s.map((d) => (d === "B" ? 0 : d));

function concatCopies(xs: readonly Shape[], y: Shape, axis: number): Copy[] {
  const dst = stridesOf(y);
  let at = 0;
  return xs.map((x, from) => {
    const copy: Copy = { from, dims: dims0([y[0], ...x.slice(1)]), dst, src: readStrides(x, y[0]), dstOff: at * dst[axis], srcOff: 0 };
    at += x[axis] as number;
    return copy;
  });
}

const offsetOf = (begin: readonly number[], strides: readonly number[]): number => begin.reduce((a, b, j) => a + b * strides[j + 1], 0);

function sliceCopy(x: Shape, y: Shape, begin: readonly number[]): Copy {
  const src = stridesOf(x);
  return { from: 0, dims: dims0(y), dst: stridesOf(y), src, dstOff: 0, srcOff: offsetOf(begin, src) };
}

function sliceGradCopy(dy: Shape, dx: Shape, begin: readonly number[]): Copy {
  const dst = stridesOf(dx);
  return { from: 0, dims: dims0(dy), dst, src: stridesOf(dy), dstOff: offsetOf(begin, dst), srcOff: 0 };
}

function transposeCopy(x: Shape, y: Shape, perm: readonly number[]): Copy {
  const xs = stridesOf(x);
  return { from: 0, dims: dims0(y), dst: stridesOf(y), src: [xs[0], ...perm.map((p) => xs[p + 1])], dstOff: 0, srcOff: 0 };
}

/** The eqn's copies as reference-kernel calls, after zeroing the output when `zero`. */
function tsCopies(c: Parameters<typeof T.ins>[0], copies: readonly Copy[], zero = false): string {
  const y = c.eqn.outputs[0];
  const calls = copies.map((k) => {
    const dims = T.dimsConst(
      c,
      k.dims.map((d) => (d === 0 ? "B" : d)),
    );
    const src = c.buf(c.eqn.inputs[k.from]);
    const [dst, srcStrides] = [T.stridesConst(c, k.dst), T.stridesConst(c, k.src)];
    return `K.copyBox(${T.out(c)}, ${k.dstOff}, ${src}, ${k.srcOff}, n, ${dims}, ${dst}, ${srcStrides}, ${T.indexConst(c, k.dims.length)});`;
  });
  return [...(zero ? [`${T.out(c)}.fill(0, 0, ${c.size(y)});`] : []), ...calls].join(" ");
}

/** A short stable digest of a kernel's spec, for its name. */
function digest(v: unknown): string {
  let h = 0x811c9dc5;
  for (const ch of JSON.stringify(v)) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** The eqn's copies as one WebAssembly kernel call (named after the op, the output's shape and the spec). */
function wasmCopies(c: Parameters<typeof W.out>[0], copies: readonly Copy[], zero = false): string {
  const y = c.eqn.outputs[0];
  const ys = W.shape(c, y);
  const spec = {
    batched: copies.some((k) => k.dims.includes(0)) || ys.includes("B"),
    inputs: c.eqn.inputs.length,
    zero: zero ? perRow(ys) : 0,
    copies,
  };
  const key = `${c.eqn.op}_${ys.join("x")}_${digest(spec)}`;
  const fn = c.kernel(key, (b, mod, name) => {
    addCopy(b, mod, { ...spec, name });
    nameParams(mod, name, copyParams({ ...spec, name }));
  });
  const args: Record<string, string> = { n: "n", y: W.out(c) };
  c.eqn.inputs.forEach((id, i) => (args[spec.inputs === 1 ? "x" : `x${i}`] = c.addr(id)));
  return `${fn}(${copyParams({ ...spec, name: key })
    .map((p) => args[p])
    .join(", ")});`;
}

const concatGeometry = (c: {
  eqn: { inputs: readonly number[]; outputs: readonly number[] };
  attrs: ConcatAttrs;
  value(id: number): { shape: Shape };
}) => {
  const xs = c.eqn.inputs.map((id) => c.value(id).shape);
  const y = c.value(c.eqn.outputs[0]).shape;
  return { xs, y, axis: axisOf(c.attrs.axis, y.length) };
};

export const ops: OpTable<Names> = {
  reshape: primitive<ReshapeAttrs>({
    keras: { type: "Reshape", base: "reshape" },
    pytorch: (c) => `${c.args[0]}.reshape(${[`${c.args[0]}.shape[0]`, ...c.attrs.target].join(", ")})`,
    shape: (c) => {
      const x = c.inputs[0];
      if (x.length === 0)
        fail("DL3006", "cannot flatten or reshape a scalar", c.span, { hint: "reshape works on tensors [B, ...], keeping the batch" });
      const [lead, ...rest] = x;
      if (rest.includes("B")) fail("DL3006", `cannot reshape ${fmt(x)}: only the batch dimension may be symbolic`, c.span);
      const size = rest.reduce((a: number, d) => a * num(d), 1);
      const target = c.attrs.target;
      const known = target.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
      const out = target.map((d) => (d === -1 ? size / known : d));
      if (out.some((d) => !Number.isInteger(d)) || out.reduce((a, d) => a * d, 1) !== size) {
        fail("DL3007", `cannot reshape ${fmt(x)} (${size} values per sample) to ${fmt(target)}`, c.span);
      }
      return { out: [lead, ...out] };
    },
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("reshape", [c.dy], { target: shapeOf(c, x).slice(1) as number[] }, shapeOf(c, x), x));
    },
    ts: () => "",
    wasm: () => null,
    alias: true,
    export: {
      tfjs: (c) => {
        const [x] = c.eqn.inputs;
        const out = c.shape(c.eqn.outputs[0]).slice(1);
        if (out.length === 1 && c.shape(x).length > 2) c.add("Flatten", {});
        else c.add("Reshape", { target_shape: out });
      },
      // The batch axis copied (0), the rest as the .dlm file says, in the model's layout.
      onnx: (c) => {
        const out = c.shape(c.eqn.outputs[0]).slice(1) as number[];
        c.output(c.node("Reshape", [c.tensor(c.eqn.inputs[0]), c.ints([0, ...out])])[0]);
      },
    },
  }),
  stop_gradient: primitive({
    keras: { type: "StopGradient", base: "stop_gradient" },
    pytorch: (c) => `${c.args[0]}.detach()`,
    shape: same,
    vjp: none,
    ts: () => "",
    wasm: () => null,
    alias: true,
    export: {
      tfjs: (c) => c.add("Activation", { activation: "linear" }),
      onnx: (c) => c.output(c.node("Identity", [c.tensor(c.eqn.inputs[0])])[0]),
    },
  }),
  concat: primitive<ConcatAttrs>({
    keras: { type: "Concatenate", base: "concatenate" },
    pytorch: (c) => `torch.cat([${c.args.join(", ")}], ${c.attrs.axis})`,
    shape: (c) => {
      const [first, ...rest] = c.inputs;
      // A number among the tensors is almost always an axis given positionally: say so.
      const scalar = c.inputs.findIndex((x) => x.length === 0);
      if (scalar >= 0)
        fail("DL3003", `\`concat\` joins tensors, but its input ${scalar + 1} is a scalar`, c.span, {
          hint: "`concat` takes every positional argument as a tensor to join: name the axis, e.g. `concat(a, b, axis=1)`",
        });
      const a = featureAxis(c, c.attrs.axis, first);
      const out = [...first];
      for (const x of rest) {
        const off = x.length !== first.length || x.some((d, i) => i !== 0 && i !== a && d !== first[i]);
        if (off) {
          fail("DL3003", `\`concat\` along axis ${c.attrs.axis} cannot join ${fmt(first)} and ${fmt(x)}`, c.span, {
            hint: "the tensors must have the same rank and the same sizes on every axis but the one they are joined along",
          });
        }
        // The first dims combine as elementwise operands do: equal, or 1 (repeated over the other's batch).
        if (x[0] !== out[0] && x[0] !== 1) {
          if (out[0] !== 1)
            fail("DL3003", `\`concat\` cannot join ${fmt(first)} and ${fmt(x)}: their batch dimensions differ`, c.span, {
              hint: "the first dimensions must be equal, or 1",
            });
          out[0] = x[0];
        }
        out[a] = (out[a] as number) + (x[a] as number);
      }
      return { out };
    },
    vjp: (c) => {
      const { xs, y, axis } = concatGeometry(c);
      const starts = xs.map((_, i) => xs.slice(0, i).reduce((at, x) => at + (x[axis] as number), 0));
      return gate(c, (i) => {
        const x = c.eqn.inputs[i];
        const begin = y.slice(1).map((_, j) => (j + 1 === axis ? starts[i] : 0));
        const part = [y[0], ...xs[i].slice(1)];
        const g = c.emit("slice", [c.dy], { begin, size: part.slice(1) as number[] }, part, x);
        return sumTo(c, g, x);
      });
    },
    ts: (c) => {
      const { xs, y, axis } = concatGeometry(c);
      return tsCopies(c, concatCopies(xs, y, axis));
    },
    wasm: (c) => {
      const { xs, y, axis } = concatGeometry(c);
      return wasmCopies(c, concatCopies(xs, y, axis));
    },
  }),
  slice: primitive<SliceAttrs>({
    keras: { type: "Slice", base: "slice" },
    pytorch: (c) => `${c.args[0]}[:, ${c.attrs.begin.map((b, j) => `${b}:${b + (c.out[j + 1] as number)}`).join(", ")}]`,
    shape: (c) => {
      const x = c.inputs[0];
      return { out: [x[0], ...sliceSizes(c, x, c.attrs.begin, c.attrs.size)] };
    },
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      return gate(c, () => c.emit("slice_grad", [c.dy], { begin: c.attrs.begin }, shapeOf(c, x), x));
    },
    ts: (c) => tsCopies(c, [sliceCopy(T.shape(c, c.eqn.inputs[0]), T.shape(c, c.eqn.outputs[0]), c.attrs.begin)]),
    wasm: (c) => wasmCopies(c, [sliceCopy(W.shape(c, c.eqn.inputs[0]), W.shape(c, c.eqn.outputs[0]), c.attrs.begin)]),
  }),
  slice_grad: trainOp<SliceGradAttrs>({
    vjp: none,
    ts: (c) => tsCopies(c, [sliceGradCopy(T.shape(c, c.eqn.inputs[0]), T.shape(c, c.eqn.outputs[0]), c.attrs.begin)], true),
    wasm: (c) => wasmCopies(c, [sliceGradCopy(W.shape(c, c.eqn.inputs[0]), W.shape(c, c.eqn.outputs[0]), c.attrs.begin)], true),
  }),
  // The first part's rule reports a bad split; the others, which would repeat it, take any
  // shape (the shapes pass stops after an error, so none is used).
  split: composite<SplitAttrs>({
    keras: { type: "Split", base: "split" },
    shape: (c) => {
      if (c.attrs.part === 0) return { out: splitShape(c) };
      try {
        return { out: splitShape(c) };
      } catch {
        return { out: c.inputs[0] };
      }
    },
    expand: (c) => {
      const [x] = c.inputs;
      const xs = c.value(x).shape;
      const axis = axisOf(c.attrs.axis, xs.length);
      const begin = xs.slice(1).map((_, j) => (j + 1 === axis ? c.attrs.part * (c.shape[axis] as number) : 0));
      const y = c.temp("", c.shape);
      c.emit("slice", [x], [y], { begin, size: c.shape.slice(1) as number[] });
      return y;
    },
  }),
  transpose: primitive<TransposeAttrs>({
    keras: { type: "Permute", base: "permute" },
    pytorch: (c) => `${c.args[0]}.permute(${[0, ...c.attrs.perm.map((p) => p + 1)].join(", ")})`,
    shape: (c) => {
      const x = c.inputs[0];
      features(c, x);
      const k = x.length - 1;
      const perm = c.attrs.perm;
      if (perm.length !== k || perm.some((p) => p >= k) || new Set(perm).size !== k) {
        fail("DL3015", `\`perm\` ${fmt(perm)} is not a permutation of the ${k} axes after the batch of ${fmt(x)}`, c.span, {
          hint: `list each of 0 to ${k - 1} once (0 is the first axis after the batch), e.g. ${fmt(perm.length === k ? [...Array(k).keys()].reverse() : [...Array(k).keys()].reverse())}`,
        });
      }
      return { out: [x[0], ...perm.map((p) => x[p + 1])] };
    },
    vjp: (c) => {
      const [x] = c.eqn.inputs;
      const inverse: number[] = [];
      c.attrs.perm.forEach((p, j) => (inverse[p] = j));
      return gate(c, () => c.emit("transpose", [c.dy], { perm: inverse }, shapeOf(c, x), x));
    },
    ts: (c) => tsCopies(c, [transposeCopy(T.shape(c, c.eqn.inputs[0]), T.shape(c, c.eqn.outputs[0]), c.attrs.perm)]),
    wasm: (c) => wasmCopies(c, [transposeCopy(W.shape(c, c.eqn.inputs[0]), W.shape(c, c.eqn.outputs[0]), c.attrs.perm)]),
  }),
};

export const surfaces: readonly (LayerSurface | CallSurface)[] = [
  {
    name: "flatten",
    kind: "layer",
    keras: { type: "Flatten", base: "flatten" },
    args: [tensor("x", "input [B, ...]"), layerName],
    doc: "flatten each sample to a vector in (h, w, c) order",
    lower: (c) => c.eqn("reshape", [c.x], { target: [-1] }),
  },
  {
    name: "reshape",
    kind: "layer",
    keras: ops.reshape.keras!,
    args: [
      tensor("x", "input [B, ...]"),
      { name: "shape", type: { t: "ints" }, doc: "the per-sample target shape; one entry may be -1" },
      layerName,
    ],
    doc: "reshape each sample (the batch dimension stays)",
    lower: (c) => c.eqn("reshape", [c.x], { target: c.arg("shape") }),
  },
  {
    name: "stop_gradient",
    kind: "op",
    args: [tensor("x", "input")],
    doc: "identity whose gradient is zero: training does not flow back through it",
    lower: (c) => c.op("stop_gradient", [c.tensor("x")], {}),
  },
  {
    name: "concat",
    kind: "op",
    args: [
      tensors("inputs", 2, "the tensors to join (written positionally; the first may be piped in)"),
      { name: "axis", type: { t: "int" }, default: -1, doc: "the axis to join along: not the batch; negative counts from the end" },
    ],
    doc: "joins two or more tensors along an axis after the batch (Keras Concatenate)",
    lower: (c) => c.op("concat", c.tensors("inputs"), { axis: c.arg("axis") }),
  },
  {
    name: "slice",
    kind: "op",
    args: [
      tensor("x", "input [B, ...]"),
      { name: "begin", type: { t: "intlist", min: 0 }, doc: "per axis after the batch: the first index kept" },
      { name: "size", type: { t: "intlist", min: -1 }, doc: "per axis after the batch: how many are kept (-1: to the end)" },
    ],
    doc: "a box of each sample: `begin` and `size` per axis after the batch (tf.slice without the batch)",
    lower: (c) => c.op("slice", [c.tensor("x")], { begin: c.arg("begin"), size: c.arg("size") }),
  },
  {
    name: "split",
    kind: "op",
    args: [
      tensor("x", "input [B, ...]"),
      { name: "n", type: { t: "int", min: 1 }, doc: "the number of equal parts" },
      { name: "axis", type: { t: "int" }, default: -1, doc: "the axis to cut: not the batch; negative counts from the end" },
    ],
    doc: "cuts each sample into n equal parts along an axis; bound by `let a, b = x |> split(2)`",
    lower: (c) => {
      const n = c.arg<number>("n");
      return fail("DL2024", `\`split\` gives ${n} tensor${n === 1 ? "" : "s"}, which only a \`let\` can bind`, c.span, {
        hint: `name each part: \`let ${Array.from({ length: Math.min(n, 4) }, (_, i) => `p${i}`).join(", ")}${n > 4 ? ", ..." : ""} = x |> split(${n})\``,
      });
    },
    several: (c) => {
      const parts = c.arg<number>("n");
      const axis = c.arg<number>("axis");
      const x = c.tensor("x");
      return c.parts(
        "split",
        [x],
        Array.from({ length: parts }, (_, part): Attrs => ({ parts, part, axis })),
      );
    },
  },
  {
    name: "transpose",
    kind: "op",
    args: [
      tensor("x", "input [B, ...]"),
      { name: "perm", type: { t: "intlist", min: 0 }, doc: "output axis j is input axis perm[j], both counted from 0 after the batch" },
    ],
    doc: "permutes the axes after the batch (Keras Permute, whose dims count from 1)",
    lower: (c) => c.op("transpose", [c.tensor("x")], { perm: c.arg("perm") }),
  },
];
