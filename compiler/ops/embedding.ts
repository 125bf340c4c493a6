// `embedding` with Keras semantics (keras.layers.Embedding): integer ids [B, ...] index the
// rows of a table `embeddings` [input_dim, output_dim] (Keras's "uniform" initializer,
// U(−0.05, 0.05)); the output is [B, ..., output_dim]. The ids are an `i32` input (the
// only op that takes integer ids as data: frontend/shapes.ts); they get no gradient, and
// the table's gradient is a scatter-add of the output's rows (a repeated id sums them).
//
// `mask_zero=true` (Keras's) says that id 0 is padding. The mask is recorded in the Graph
// IR as this attribute of the embedding eqn; inlining follows the eqn with `padding_mask`,
// the mask as a value (f32 `ids != 0`, one entry per id), which ops with a mask rule carry
// on or use (docs/architecture.md, "Masks"); the shapes pass reports a masked value
// reaching any other op (DL3017).
//
// An id outside 0..input_dim−1 is a data error: the trainers check every id of an input
// that feeds an embedding when they load the data (runtime/data/load.ts).
import { fail } from "../diagnostics/diagnostic.js";
import { layerName, tensor } from "../lang/args.js";
import { primitive, trainOp, type LayerSurface, type OpTable, type WasmCtx } from "./op.js";
import { fmt, perRow } from "./kit/shape.js";
import { none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { addEmbedding, addEmbeddingGrad, embeddingGradParams, embeddingParams } from "./embedding.wasm.js";
import { addPaddingMask } from "./rnn.wasm.js";

export type Names = { primitive: "embedding"; composite: never; train: "embedding_grad" | "padding_mask" };

export type EmbeddingAttrs = { readonly input_dim: number; readonly output_dim: number; readonly mask_zero: boolean };

/** The kernel spec of an eqn whose input 0 holds the ids. */
const specOf = (c: WasmCtx<EmbeddingAttrs>) => {
  const ids = W.shape(c, c.eqn.inputs[0]);
  return { rows: perRow(ids), batched: ids.includes("B"), inputDim: c.attrs.input_dim, d: c.attrs.output_dim };
};

export const ops: OpTable<Names> = {
  embedding: primitive<EmbeddingAttrs>({
    keras: { type: "Embedding", base: "embedding" },
    // nn.Embedding's weight is the table as Keras stores it; mask_zero's mask is the emitter's (dlm.padding_mask).
    pytorch: (c) => {
      const m = c.module(`nn.Embedding(${c.attrs.input_dim}, ${c.attrs.output_dim})`, { embeddings: ["weight", "same"] });
      return `${m}(${c.args[0]}.long())`;
    },
    shape: (c) => {
      const [ids] = c.inputs;
      if (c.dtypes[0] !== "i32") {
        fail("DL2003", `\`embedding\` takes integer ids (i32), but is given ${c.dtypes[0]} values of shape ${fmt(ids)}`, c.span, {
          hint: "declare the input with integer ids, e.g. `words: i32[B, 64]`",
        });
      }
      return { out: [...ids, c.attrs.output_dim], params: [[c.attrs.input_dim, c.attrs.output_dim]] };
    },
    vjp: (c) => {
      const [ids, table] = c.eqn.inputs;
      return [null, c.needs[1] ? c.emit("embedding_grad", [ids, c.dy], c.eqn.attrs, shapeOf(c, table), table) : null];
    },
    ts: (c) => {
      const [ids, table] = c.eqn.inputs;
      return `K.embedding(${T.out(c)}, ${c.buf(ids)}, ${c.buf(table)}, ${c.size(ids)}, ${c.attrs.input_dim}, ${c.attrs.output_dim});`;
    },
    wasm: (c) => {
      const [ids, table] = c.eqn.inputs;
      return W.call(c, "embedding", specOf(c), addEmbedding, embeddingParams, { y: W.out(c), ids: c.addr(ids), table: c.addr(table) });
    },
  }),
  // mask = (ids != 0) as 0/1 floats; no gradient (the ids are data).
  padding_mask: trainOp({
    vjp: none,
    ts: (c) => `K.paddingMask(${T.out(c)}, ${c.buf(c.eqn.inputs[0])}, ${c.size(c.eqn.inputs[0])});`,
    wasm: (c) => {
      const [ids] = c.eqn.inputs;
      const spec = { perRow: perRow(W.shape(c, ids)) };
      return W.call(c, "padding_mask", spec, addPaddingMask, () => ["n", "mask", "ids"], { mask: W.out(c), ids: c.addr(ids) });
    },
  }),
  embedding_grad: trainOp<EmbeddingAttrs>({
    vjp: none,
    ts: (c) => {
      const [ids, dy] = c.eqn.inputs;
      return `K.embeddingGrad(${T.out(c)}, ${c.buf(ids)}, ${c.buf(dy)}, ${c.size(ids)}, ${c.attrs.input_dim}, ${c.attrs.output_dim});`;
    },
    wasm: (c) => {
      const [ids, dy] = c.eqn.inputs;
      return W.call(c, "embedding_grad", specOf(c), addEmbeddingGrad, embeddingGradParams, {
        dtable: W.out(c),
        ids: c.addr(ids),
        dy: c.addr(dy),
      });
    },
  }),
};

export const surfaces: readonly LayerSurface[] = [
  {
    name: "embedding",
    kind: "layer",
    keras: { type: "Embedding", base: "embedding" },
    params: true,
    args: [
      tensor("x", "integer ids [B, ...] (an `i32` input)"),
      { name: "input_dim", type: { t: "int", min: 1 }, doc: "number of ids: every id lies in 0..input_dim−1 (e.g. `brown.vocab_size`)" },
      { name: "output_dim", type: { t: "int", min: 1 }, doc: "size of each id's vector" },
      { name: "mask_zero", type: { t: "bool" }, default: false, doc: "id 0 is padding: the output carries the mask ids ≠ 0" },
      layerName,
    ],
    doc: "Keras Embedding: y[..., :] = embeddings[id, :]; embeddings [input_dim, output_dim] uniform in ±0.05",
    lower: (c) =>
      c.eqn("embedding", [c.x, c.param("embeddings", "uniform", "[input_dim, output_dim]")], {
        input_dim: c.arg("input_dim"),
        output_dim: c.arg("output_dim"),
        mask_zero: c.arg("mask_zero"),
      }),
  },
];
