// Multi-head attention with Keras semantics (keras.layers.MultiHeadAttention) and a learned
// position embedding (keras_hub.layers.PositionEmbedding).
//
// `multi_head_attention` is a composite. Its parameters have Keras's layouts and names
// (EinsumDense kernels): query/key/value kernels [d, heads, key_dim] (value: value_dim) with
// biases [heads, key_dim], the output kernel [heads, value_dim, d_query] with a bias
// [d_query]; Glorot-uniform kernels (fans as Keras computes them for 3-D shapes), zero
// biases. Inlining expands it into
//
//   q = dense(query, Wq as [d, heads·key_dim], bq)      the projections: one GEMM each
//   k = dense(key, Wk, bk);  v = dense(value, Wv, bv)   (a kernel's [d, h, k] is [d, h·k] in memory)
//   [o, lse] = attention(q, k, v [, mask])              per (sample, head): softmax(q·kᵀ/√key_dim) · v
//   y = dense(o, Wo as [heads·value_dim, d_query], bo)
//
// `attention` reads and writes the heads where the projections put them (head h at columns
// h·key_dim..), so no transpose runs. Its WebAssembly kernel fuses the scale, the causal mask,
// the softmax and the product with v per (sample, head), the head's score matrix staying in
// the kernel scratch; it keeps the softmax's log-sum-exp per row, from which `attention_grad`
// recomputes the probabilities (the reference kernels; the WebAssembly backend's training forward
// stores them instead and its gradient reads them: attention.wasm.ts). The gradient of q, k and v is one packed
// buffer [B, t·h·k + s·h·k + s·h·v] per sample, cut into its three parts by slices.
//
// `dropout` (Keras's, on the attention probabilities) draws a mask [B, heads, t, s] of
// 0 or 1/(1 − rate) in training; evaluation and inference run the attention without it.
//
// `position_embedding(sequence_length)`: the first t rows of a table
// `embeddings` [sequence_length, d] (Glorot uniform), broadcast over the batch of an input
// [B, t, d] (t ≤ sequence_length) — the input only gives the shape; add it to the input.
import { fail } from "../diagnostics/diagnostic.js";
import { layerName, tensor } from "../lang/args.js";
import type { Shape } from "../ir/ir.js";
import { composite, primitive, trainOp, type LayerSurface, type OpTable, type ShapeCtx } from "./op.js";
import { fmt, perRow } from "./kit/shape.js";
import { none, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import {
  addAttention,
  addAttentionGrad,
  addPositionEmbedding,
  addPositionEmbeddingGrad,
  attentionGradParams,
  attentionParams,
  attentionScratchBytes,
  positionGradParams,
  positionParams,
  type AttentionSpec,
} from "./attention.wasm.js";
import { py, type TorchLayout } from "../emit/pytorch/rules.js";

export type Names = {
  primitive: "position_embedding";
  composite: "multi_head_attention";
  train: "attention" | "attention_grad" | "position_embedding_grad";
};

export type MhaAttrs = {
  readonly num_heads: number;
  readonly key_dim: number;
  readonly value_dim: number;
  readonly use_causal_mask: boolean;
  readonly dropout: number;
};

export type AttentionAttrs = { readonly heads: number; readonly key_dim: number; readonly value_dim: number; readonly causal: boolean };

export type PositionAttrs = { readonly sequence_length: number };

/** query [B, t, dq], value [B, s, dv], key [B, s, dk], checked (DL3006, DL3004). */
function sequences(c: ShapeCtx<MhaAttrs>): { q: Shape; v: Shape; k: Shape } {
  const [q, v, k] = c.inputs;
  const roles: [string, Shape][] = [
    ["query", q],
    ["value", v],
    ["key", k],
  ];
  for (const [role, s] of roles) {
    if (s.length !== 3 || s[0] !== "B") {
      const what = c.attrs.use_causal_mask
        ? `a causal mask needs sequences [B, time, features], but the ${role} is ${fmt(s)}`
        : `\`multi_head_attention\` attends over sequences [B, time, features], but the ${role} is ${fmt(s)}`;
      fail("DL3006", what, c.span, {
        hint: c.attrs.use_causal_mask
          ? "a causal mask orders positions along the time axis; give the layer [B, time, features] inputs"
          : "reshape the input to [B, time, features]",
      });
    }
  }
  if (k[1] !== v[1])
    fail("DL3004", `the key ${fmt(k)} and the value ${fmt(v)} have different lengths (${k[1]} and ${v[1]})`, c.span, {
      hint: "each value needs its key: give key and value the same number of positions",
    });
  return { q, v, k };
}

export const ops: OpTable<Names> = {
  multi_head_attention: composite<MhaAttrs>({
    keras: { type: "MultiHeadAttention", base: "multi_head_attention" },
    // dlm_torch.MultiHeadAttention, written out: its parameters in Keras's layouts; dropout on the probabilities in training.
    pytorch: (c) => {
      const [query, value, key] = c.eqn.inputs.slice(0, 3).map((id) => c.shape(id)[2]);
      const a = c.attrs;
      const causal = a.use_causal_mask ? "True" : "False";
      const ctor = `dlm.MultiHeadAttention(${query}, ${value}, ${key}, heads=${a.num_heads}, key_dim=${a.key_dim}, value_dim=${a.value_dim}, causal=${causal}, dropout=${py(a.dropout)})`;
      const params: Record<string, readonly [string, TorchLayout]> = {};
      for (const sub of ["query", "key", "value"]) {
        params[`${sub}/kernel`] = [`${sub}_kernel`, "same"];
        params[`${sub}/bias`] = [`${sub}_bias`, "same"];
      }
      params["attention_output/kernel"] = ["output_kernel", "same"];
      params["attention_output/bias"] = ["output_bias", "same"];
      return `${c.module(ctor, params)}(${c.args.slice(0, 3).join(", ")}, ${c.training})`;
    },
    shape: (c) => {
      const { q, v, k } = sequences(c);
      const { num_heads: h, key_dim: kd, value_dim: vd } = c.attrs;
      const dq = q[2];
      return { out: q, params: [[q[2], h, kd], [h, kd], [k[2], h, kd], [h, kd], [v[2], h, vd], [h, vd], [h, vd, dq], [dq]] };
    },
    expand: (c) => {
      const [query, value, key, wq, bq, wk, bk, wv, bv, wo, bo] = c.inputs;
      const { num_heads: h, key_dim: kd, value_dim: vd, use_causal_mask: causal, dropout } = c.attrs;
      const [batch, t, dq] = c.value(query).shape;
      const s = c.value(key).shape[1];
      const flat = (p: number, suffix: string, shape: Shape) => {
        const y = c.temp(suffix, shape);
        c.emit("reshape", [p], [y], { target: shape.slice(1) as number[] });
        return y;
      };
      const project = (x: number, w: number, b: number, role: string, len: Shape[number], width: number) => {
        const y = c.temp(role, [batch, len, width]);
        const d = c.value(x).shape[2];
        c.emit("dense", [x, flat(w, `${role}_kernel`, [d, width]), flat(b, `${role}_bias`, [width])], [y], {
          units: width,
          use_bias: true,
        });
        return y;
      };
      const qp = project(query, wq, bq, "query", t, h * kd);
      const kp = project(key, wk, bk, "key", s, h * kd);
      const vp = project(value, wv, bv, "value", s, h * vd);
      const attrs = { heads: h, key_dim: kd, value_dim: vd, causal };
      const o = c.temp("heads", [batch, t, h * vd]);
      const lse = c.temp("lse", [batch, t, h]);
      if (dropout > 0) {
        const mask = c.temp("dropout_mask", [batch, h, t, s]);
        c.emit("dropout_mask", [], [mask], { rate: dropout }, "train");
        c.emit("attention", [qp, kp, vp, mask], [o, lse], attrs, "train");
        const oi = c.temp("heads_inference", [batch, t, h * vd]);
        const li = c.temp("lse_inference", [batch, t, h]);
        c.emit("attention", [qp, kp, vp], [oi, li], attrs, "inference");
        c.inferAs(o, oi);
      } else c.emit("attention", [qp, kp, vp], [o, lse], attrs);
      const y = c.temp("", c.shape);
      c.emit("dense", [o, flat(wo, "output_kernel", [h * vd, dq]), bo], [y], { units: dq, use_bias: true });
      return y;
    },
  }),
  // Only o is differentiable; lse is kept for the gradient. A mask input gets no gradient.
  attention: trainOp<AttentionAttrs>({
    vjp: (c) => {
      const [q, k, v, mask] = c.eqn.inputs;
      const [o, lse] = c.eqn.outputs;
      const [qs, ks, vs] = [q, k, v].map((id) => shapeOf(c, id));
      const sizes = [qs, ks, vs].map((s) => perRow(s));
      const packed = c.emit(
        "attention_grad",
        [c.dy, q, k, v, o, lse, ...(mask === undefined ? [] : [mask])],
        c.eqn.attrs,
        ["B", sizes[0] + sizes[1] + sizes[2]],
        q,
        "_kv",
      );
      let at = 0;
      const part = (i: number, id: number, shape: Shape) => {
        const begin = at;
        at += sizes[i];
        if (!c.needs[i]) return null;
        const flatPart = c.emit("slice", [packed], { begin: [begin], size: [sizes[i]] }, ["B", sizes[i]], id, "_flat");
        return c.emit("reshape", [flatPart], { target: shape.slice(1) as number[] }, shape, id);
      };
      return [part(0, q, qs), part(1, k, ks), part(2, v, vs), ...(mask === undefined ? [] : [null])];
    },
    ts: (c) => {
      const [q, k, v, mask] = c.eqn.inputs;
      const [o, lse] = c.eqn.outputs;
      const s = T.shape(c, k)[1] as number;
      const maskArg = mask === undefined ? "null" : c.buf(mask);
      return `K.attention(${c.buf(o)}, ${c.buf(lse)}, ${c.buf(q)}, ${c.buf(k)}, ${c.buf(v)}, ${maskArg}, n, ${geom(c)}, ${c.scratch(s)});`;
    },
    // P too in a training pass (storedProbs).
    wasm: (c) => {
      const [q, k, v, mask] = c.eqn.inputs;
      const [o, lse] = c.eqn.outputs;
      const [probs] = c.extraOut;
      const spec = { ...specOf(c, mask !== undefined), probs: probs !== undefined || undefined };
      const ws = c.scratch(attentionScratchBytes({ ...spec, name: "" }, false));
      const args: Record<string, string> = { o: c.addr(o), lse: c.addr(lse), q: c.addr(q), k: c.addr(k), v: c.addr(v), ws };
      if (probs !== undefined) args.p = c.addr(probs);
      if (mask !== undefined) args.mask = c.addr(mask);
      return W.call(c, "attention", spec, addAttention, attentionParams, args, true);
    },
  }),
  attention_grad: trainOp<AttentionAttrs>({
    vjp: none,
    ts: (c) => {
      const [dout, q, k, v, o, lse, mask] = c.eqn.inputs;
      const bufs = [dout, q, k, v, o, lse].map((id) => c.buf(id)).join(", ");
      return `K.attentionGrad(${T.out(c)}, ${bufs}, ${mask === undefined ? "null" : c.buf(mask)}, n, ${geom(c)});`;
    },
    // Reads the P its forward stored (storedProbs), not lse.
    wasm: (c) => {
      const [dout, q, k, v, o, , mask] = c.eqn.inputs;
      const [probs] = c.extraIn;
      if (probs === undefined) throw new Error("internal: attention_grad without the probabilities of its forward");
      const spec = specOf(c, mask !== undefined);
      const ws = c.scratch(attentionScratchBytes({ ...spec, name: "" }, true));
      const args: Record<string, string> = { d: W.out(c), dout: c.addr(dout), q: c.addr(q), k: c.addr(k), v: c.addr(v), o: c.addr(o) };
      Object.assign(args, { p: c.addr(probs), ws });
      if (mask !== undefined) args.mask = c.addr(mask);
      return W.call(c, "attention_grad", spec, addAttentionGrad, attentionGradParams, args, true);
    },
  }),
  position_embedding: primitive<PositionAttrs>({
    keras: { type: "PositionEmbedding", base: "position_embedding" },
    pytorch: (c) => {
      const d = c.shape(c.eqn.inputs[0])[2];
      const m = c.module(`dlm.PositionEmbedding(${c.attrs.sequence_length}, ${d})`, { embeddings: ["embeddings", "same"] });
      return `${m}(${c.args[0]})`;
    },
    shape: (c) => {
      const [x] = c.inputs;
      const len = c.attrs.sequence_length;
      if (x.length !== 3 || x[0] !== "B")
        fail("DL3006", `\`position_embedding\` needs a sequence [B, time, features], found ${fmt(x)}`, c.span, {
          hint: "apply it to token embeddings [B, time, features]",
        });
      if ((x[1] as number) > len)
        fail("DL3005", `the sequence has ${x[1]} positions, more than the position embedding's sequence_length ${len}`, c.span, {
          hint: `use sequence_length=${x[1]} or more`,
        });
      return { out: x, params: [[len, x[2]]] };
    },
    // The input only gives the shape: no gradient flows to it.
    vjp: (c) => {
      const table = c.eqn.inputs[1];
      return [null, c.needs[1] ? c.emit("position_embedding_grad", [c.dy], c.eqn.attrs, shapeOf(c, table), table) : null];
    },
    ts: (c) => `K.positionEmbedding(${T.out(c)}, ${c.buf(c.eqn.inputs[1])}, n, ${perRow(T.shape(c, c.eqn.outputs[0]))});`,
    wasm: (c) => {
      const spec = { per: perRow(W.shape(c, c.eqn.outputs[0])), size: perRow(W.shape(c, c.eqn.inputs[1])) };
      return W.call(c, "position_embedding", spec, addPositionEmbedding, positionParams, { y: W.out(c), table: c.addr(c.eqn.inputs[1]) });
    },
  }),
  position_embedding_grad: trainOp<PositionAttrs>({
    vjp: none,
    ts: (c) => {
      const [dy] = c.eqn.inputs;
      return `K.positionEmbeddingGrad(${T.out(c)}, ${c.buf(dy)}, n, ${perRow(T.shape(c, dy))}, ${perRow(T.shape(c, c.eqn.outputs[0]))});`;
    },
    wasm: (c) => {
      const [dy] = c.eqn.inputs;
      const spec = { per: perRow(W.shape(c, dy)), size: perRow(W.shape(c, c.eqn.outputs[0])) };
      return W.call(c, "position_embedding_grad", spec, addPositionEmbeddingGrad, positionGradParams, { dtable: W.out(c), dy: c.addr(dy) });
    },
  }),
};

/** The attention geometry of an eqn whose inputs start q, k (forward) or dy, q, k (gradient). */
function dims(c: { eqn: { op: string; inputs: readonly number[] }; attrs: AttentionAttrs }, shape: (id: number) => Shape) {
  const off = c.eqn.op === "attention_grad" ? 1 : 0;
  const t = shape(c.eqn.inputs[off])[1] as number;
  const s = shape(c.eqn.inputs[off + 1])[1] as number;
  const { heads, key_dim: kd, value_dim: vd, causal } = c.attrs;
  return { t, s, heads, kd, vd, causal, scale: 1 / Math.sqrt(kd) };
}

function geom(c: Parameters<typeof T.shape>[0] & { attrs: AttentionAttrs }): string {
  const g = dims(c, (id) => T.shape(c, id));
  const fields = `{ t: ${g.t}, s: ${g.s}, heads: ${g.heads}, kd: ${g.kd}, vd: ${g.vd}, causal: ${g.causal}, scale: ${g.scale} }`;
  return c.hoist(
    `attention_${g.t}_${g.s}_${g.heads}_${g.kd}_${g.vd}${g.causal ? "_causal" : ""}`,
    `const NAME: K.AttentionGeom = ${fields};`,
  );
}

function specOf(c: Parameters<typeof W.shape>[0] & { attrs: AttentionAttrs }, mask: boolean): Omit<AttentionSpec, "name"> {
  // The kernel derives the scale from kd.
  const { t, s, heads, kd, vd, causal } = dims(c, (id) => W.shape(c, id));
  return { t, s, heads, kd, vd, causal: causal || undefined, mask: mask || undefined };
}

export const surfaces: readonly LayerSurface[] = [
  {
    name: "multi_head_attention",
    kind: "layer",
    keras: { type: "MultiHeadAttention", base: "multi_head_attention" },
    params: true,
    args: [
      tensor("query", "the queries [B, t, d]"),
      tensor("value", "the values [B, s, d_v] (the query again for self-attention)"),
      { name: "key", type: { t: "tensor" }, default: null, doc: "the keys [B, s, d_k]; default: the value" },
      { name: "num_heads", type: { t: "int", min: 1 }, doc: "number of attention heads" },
      { name: "key_dim", type: { t: "int", min: 1 }, doc: "size of each head's query and key vectors" },
      { name: "value_dim", type: { t: "int", min: 1 }, default: null, doc: "size of each head's value vectors; default: key_dim" },
      { name: "use_causal_mask", type: { t: "bool" }, default: false, doc: "query i attends only to keys j ≤ i (a decoder)" },
      {
        name: "dropout",
        type: { t: "float", min: 0, max: 1, maxOpen: true },
        default: 0,
        doc: "dropout rate on the attention probabilities (training only)",
      },
      layerName,
    ],
    doc: "multi-head attention (Keras MultiHeadAttention): softmax(q·kᵀ/√key_dim)·v per head from the query, key and value projections, then the output projection to the query's width",
    lower: (c) => {
      const value = c.tensor("value");
      const key = c.bound.args.has("key") ? c.tensor("key") : value;
      const keyDim = c.arg<number>("key_dim");
      const valueDim = c.arg<number | null>("value_dim") ?? keyDim;
      const inputs = [
        c.x,
        value,
        key,
        c.param("query/kernel", "glorot_uniform", "[d, heads, key_dim]"),
        c.param("query/bias", "zeros", "[heads, key_dim]"),
        c.param("key/kernel", "glorot_uniform", "[d_key, heads, key_dim]"),
        c.param("key/bias", "zeros", "[heads, key_dim]"),
        c.param("value/kernel", "glorot_uniform", "[d_value, heads, value_dim]"),
        c.param("value/bias", "zeros", "[heads, value_dim]"),
        c.param("attention_output/kernel", "glorot_uniform", "[heads, value_dim, d]"),
        c.param("attention_output/bias", "zeros", "[d]"),
      ];
      const attrs = {
        num_heads: c.arg("num_heads"),
        key_dim: keyDim,
        value_dim: valueDim,
        use_causal_mask: c.arg("use_causal_mask"),
        dropout: c.arg("dropout"),
      };
      return c.eqn("multi_head_attention", inputs, attrs);
    },
  },
  {
    name: "position_embedding",
    kind: "layer",
    keras: { type: "PositionEmbedding", base: "position_embedding" },
    params: true,
    args: [
      tensor("x", "a sequence [B, t, d] (only its shape is read)"),
      { name: "sequence_length", type: { t: "int", min: 1 }, doc: "the longest sequence: rows of the table (t ≤ sequence_length)" },
      layerName,
    ],
    doc: "learned position embedding (keras_hub PositionEmbedding): the table's rows 0..t−1 as a [B, t, d] tensor, to add to x; embeddings [sequence_length, d] Glorot-uniform",
    lower: (c) =>
      c.eqn("position_embedding", [c.x, c.param("embeddings", "glorot_uniform", "[sequence_length, d]")], {
        sequence_length: c.arg("sequence_length"),
      }),
  },
];
