// Dense layers and matrix products: `dense` (Keras Dense), `matmul` (`a @ b`; batched when
// b has leading axes: batch-matmul.ts), and the
// GEMMs of their gradients (`matmul_nt` = a·bᵀ, `matmul_tn` = aᵀ·b over all leading rows).
// One GEMM generator serves them all (wasm/kernels/gemm.ts: register tiles, packed panels,
// epilogues for the bias and an activation); the reference kernels are runtime/kernels/dense.ts.
import { fail } from "../diagnostics/diagnostic.js";
import { activation, layerName, tensor, useBias } from "../lang/args.js";
import type { TEqn } from "../ir/train-ir.js";
import type { GemmActivation } from "../wasm/kernels/gemm.js";
import { keepsMask, primitive, trainOp, type CallSurface, type LayerSurface, type OpTable } from "./op.js";
import { fmt } from "./kit/shape.js";
import { gate, shapeOf, sumTo, none } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { batchedShape, batchedVjp, batchTs, batchWasm, isBatched } from "./batch-matmul.js";
import { groupedBiasGrad, groupedMatmulGrad } from "./privacy.js";

export type Names = { primitive: "dense" | "matmul"; composite: never; train: "matmul_nt" | "matmul_tn" };

export type DenseAttrs = { readonly units: number; readonly use_bias: boolean };

export const ops: OpTable<Names> = {
  dense: primitive<DenseAttrs>({
    keras: { type: "Dense", base: "dense" },
    split: "columns", // threads: 8-column panels of y (and of its fused activation's output)
    // nn.Linear (weight [units, in]: the kernel transposed) on the last axis.
    pytorch: (c) => {
      const x = c.shape(c.eqn.inputs[0]);
      const bias = c.attrs.use_bias ? "" : ", bias=False";
      const m = c.module(`nn.Linear(${x[x.length - 1]}, ${c.attrs.units}${bias})`, { kernel: ["weight", "t"], bias: ["bias", "same"] });
      return `${m}(${c.args[0]})`;
    },
    // Per position: the output carries the input's padding mask.
    mask: keepsMask,
    shape: (c) => {
      const x = c.inputs[0];
      const inF = x[x.length - 1];
      if (x.length < 2 || inF === "B") fail("DL3006", `\`dense\` needs a feature axis, found ${fmt(x)}`, c.span);
      const units = c.attrs.units;
      return { out: [...x.slice(0, -1), units], params: c.attrs.use_bias ? [[inF, units], [units]] : [[inF, units]] };
    },
    vjp: (c) => {
      const [x, w] = c.eqn.inputs;
      return gate(c, (i) => {
        if (i === 0) return c.emit("matmul_nt", [c.dy, w], {}, shapeOf(c, x), x);
        if (i === 1) return c.emit("matmul_tn", [x, c.dy], {}, shapeOf(c, w), w);
        return sumTo(c, c.dy, c.eqn.inputs[2]);
      });
    },
    // Per example (differentially private training): xᵢᵀ·dyᵢ per group of rows; the bias: dy summed per group.
    perExample: (c, i) =>
      i === 1 ? groupedMatmulGrad(c, c.eqn.inputs[0], c.eqn.inputs[1]) : i === 2 ? groupedBiasGrad(c, c.eqn.inputs[2]) : null,
    ts: (c) => {
      const [x, w, b] = c.eqn.inputs;
      const [k, m] = T.shape(c, w) as number[];
      return `K.matmul(${T.out(c)}, ${c.buf(x)}, ${c.buf(w)}, ${b === undefined ? "null" : c.buf(b)}, ${T.rows(c, x)}, ${k}, ${m});`;
    },
    wasm: (c) => {
      const [x, w, b] = c.eqn.inputs;
      const [k, n] = W.shape(c, w) as number[];
      return W.gemm(c, "nn", k, n, W.rows(c, x), x, w, b);
    },
    fused: {
      // dense → act: the activation in the GEMM's epilogue; the pre-activation stored only when read elsewhere.
      "dense+act": (c) => {
        const [d, act] = c.group;
        const [x, w, b] = d.inputs;
        const [k, n] = W.shape(c, w) as number[];
        const pre = c.hasBuffer(d.outputs[0]) ? d.outputs[0] : null;
        const slope = act.op === "leaky_relu" ? (act.attrs.slope as number) : undefined;
        return W.gemm(c, "nn", k, n, W.rows(c, x), x, w, b, { act: act.op as GemmActivation, slope, out: act.outputs[0], pre });
      },
      // dense → add (a residual x + dense(h)): C = (h·W + b) + x in the epilogue, the add's output; f32 adds commute.
      "dense+add": (c) => {
        const [d, add] = c.group;
        const [x, w, b] = d.inputs;
        const [k, n] = W.shape(c, w) as number[];
        const res = add.inputs[0] === d.outputs[0] ? add.inputs[1] : add.inputs[0];
        return W.gemm(c, "nn", k, n, W.rows(c, x), x, w, b, undefined, { out: add.outputs[0], accumulate: false, res });
      },
    },
    export: {
      // Keras's Dense on the last axis (tfjs's too); an LSTM's input projection becomes part of the LSTM (lstm.ts).
      tfjs: (c) => {
        const [, w, b] = c.eqn.inputs;
        const units = c.eqn.attrs.units;
        c.add("Dense", { units, activation: "linear", use_bias: b !== undefined }, [
          { name: "kernel", value: w },
          ...(b !== undefined ? [{ name: "bias", value: b }] : []),
        ]);
      },
      onnx: (c) => {
        const [x, w, b] = c.eqn.inputs;
        const readers = c.consumers(c.eqn.outputs[0]);
        if (readers.length === 1 && readers[0].op === "lstm_scan") return c.skip();
        const [xw] = c.node("MatMul", [c.tensor(x), c.weight(w)]);
        c.output(b === undefined ? xw : c.node("Add", [xw, c.weight(b)])[0]);
      },
    },
  }),
  matmul: primitive({
    keras: { type: "MatMul", base: "matmul" },
    split: "columns", // threads: 8-column panels of the product (a batched b runs on one thread)
    pytorch: (c) => `torch.matmul(${c.args[0]}, ${c.args[1]})`,
    shape: (c) => {
      const [a, b] = c.inputs;
      if (isBatched(b)) return batchedShape(c);
      if (a.length < 1)
        fail("DL3004", `\`@\` needs a vector or matrix on the left, found the scalar shape ${fmt(a)}`, c.span, {
          hint: "to scale by a number, write `*`",
        });
      if (b.length !== 2)
        fail("DL3004", `\`@\` needs a matrix [k, n] on the right, found ${fmt(b)}`, c.span, { hint: "write a vector as a [k, 1] matrix" });
      const k = a[a.length - 1];
      if (k === "B")
        fail("DL3004", `\`@\` would sum over the batch B of ${fmt(a)}`, c.span, {
          hint: "matmul contracts the last axis of the left operand, which must be a feature axis",
        });
      if (k !== b[0]) {
        fail("DL3004", `cannot multiply ${fmt(a)} by ${fmt(b)}: inner sizes ${k} and ${b[0]} differ`, c.span, {
          hint: "in a @ b the last size of a must equal the first size of b",
        });
      }
      return { out: [...a.slice(0, -1), ...b.slice(1)] };
    },
    vjp: (c) => {
      const [a, b] = c.eqn.inputs;
      if (isBatched(shapeOf(c, b))) return batchedVjp(c);
      return gate(c, (i) =>
        i === 0 ? c.emit("matmul_nt", [c.dy, b], {}, shapeOf(c, a), a) : c.emit("matmul_tn", [a, c.dy], {}, shapeOf(c, b), b),
      );
    },
    perExample: (c, i) =>
      i === 1 && !isBatched(shapeOf(c, c.eqn.inputs[1])) ? groupedMatmulGrad(c, c.eqn.inputs[0], c.eqn.inputs[1]) : null,
    ts: (c) => {
      const [a, b] = c.eqn.inputs;
      if (isBatched(T.shape(c, b))) return batchTs(c, "nn", a, b);
      const [k, m] = T.shape(c, b) as number[];
      return `K.matmul(${T.out(c)}, ${c.buf(a)}, ${c.buf(b)}, null, ${T.rows(c, a)}, ${k}, ${m});`;
    },
    wasm: (c) => {
      const [a, b] = c.eqn.inputs;
      if (isBatched(W.shape(c, b))) return batchWasm(c, "nn", a, b);
      const [k, n] = W.shape(c, b) as number[];
      return W.gemm(c, "nn", k, n, W.rows(c, a), a, b, undefined);
    },
  }),
  matmul_nt: trainOp({
    vjp: none,
    split: "columns", // threads: 8-column panels of dx
    ts: (c) => {
      const [dy, w] = c.eqn.inputs;
      const [k, m] = T.shape(c, w) as number[];
      return `K.matmulNT(${T.out(c)}, ${c.buf(dy)}, ${c.buf(w)}, ${T.rows(c, dy)}, ${k}, ${m});`;
    },
    wasm: (c) => {
      const [dy, w] = c.eqn.inputs;
      const [k, n] = W.shape(c, w) as number[];
      return W.gemm(c, "nt", k, n, W.rows(c, dy), dy, w, undefined);
    },
    fused: {
      // matmul_nt, matmul_nt → add, and chains of adds (an input several layers read: attention's
      // query, key and value projections): the first input gradient writes the last add's output,
      // the others accumulate into it (wasm/fuse.ts).
      "matmul_nt+matmul_nt+add": (c) => {
        const sum = c.group[c.group.length - 1].outputs[0];
        return c.group
          .filter((e) => e.op === "matmul_nt")
          .map((e, i) => {
            const [dy, w] = e.inputs;
            const [k, n] = W.shape(c, w) as number[];
            return W.gemm(c, "nt", k, n, W.rows(c, dy), dy, w, undefined, undefined, { out: sum, accumulate: i > 0 });
          })
          .join(" ");
      },
    },
  }),
  matmul_tn: trainOp({
    vjp: none,
    split: "columns", // threads: 8-column panels of the kernel gradient, each summed over all rows
    ts: (c) => {
      const [a, dy] = c.eqn.inputs;
      return `K.matmulTN(${T.out(c)}, ${c.buf(a)}, ${c.buf(dy)}, ${T.rows(c, a)}, ${T.last(c, a)}, ${T.last(c, dy)});`;
    },
    wasm: (c) => {
      const [a, dy] = c.eqn.inputs;
      return W.gemm(c, "tn", W.last(c, a), W.last(c, dy), W.rows(c, a), a, dy, undefined);
    },
    fused: {
      // matmul_tn, matmul_tn → add (and chains of adds: wasm/fuse.ts): the first kernel gradient
      // writes the last add's output, the others accumulate into it.
      "matmul_tn+matmul_tn+add": (c) => {
        const sum = c.group[c.group.length - 1].outputs[0];
        const one = (e: TEqn, accumulate: boolean) => {
          const [a, dy] = e.inputs;
          return W.gemm(c, "tn", W.last(c, a), W.last(c, dy), W.rows(c, a), a, dy, undefined, undefined, { out: sum, accumulate });
        };
        return c.group
          .filter((e) => e.op === "matmul_tn")
          .map((e, i) => one(e, i > 0))
          .join(" ");
      },
    },
  }),
};

export const surfaces: readonly (LayerSurface | CallSurface)[] = [
  {
    name: "dense",
    kind: "layer",
    keras: { type: "Dense", base: "dense" },
    params: true,
    args: [
      tensor("x", "input [..., in]"),
      { name: "units", type: { t: "int", min: 1 }, doc: "output size" },
      activation,
      useBias,
      layerName,
    ],
    doc: "fully connected layer on the last axis: y = activation(x · kernel + bias); kernel [in, units] Glorot-uniform, bias zeros",
    lower: (c) => {
      const useBias = c.arg<boolean>("use_bias");
      const inputs = [c.x, c.param("kernel", "glorot_uniform", "[in, units]"), ...(useBias ? [c.param("bias", "zeros", "[units]")] : [])];
      return c.activation(c.eqn("dense", inputs, { units: c.arg("units"), use_bias: useBias }));
    },
  },
  {
    name: "matmul",
    kind: "op",
    args: [tensor("a", "[..., m, k]"), tensor("b", "[k, n], or matrices [..., k, n] (a batched product)")],
    doc: "matrix product (also written `a @ b`); with leading axes on b, one product per index of the leading axes, which broadcast as numpy's matmul",
    lower: (c) => c.op("matmul", [c.tensor("a"), c.tensor("b")], {}),
  },
];
