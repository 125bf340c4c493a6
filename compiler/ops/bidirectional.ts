// Keras Bidirectional: a recurrent layer (lstm, gru, simple_rnn) run twice, forward and on
// the sequence reversed in time, with its own parameters for each direction (checkpoint
// names `bidirectional/forward_lstm/kernel`, `bidirectional/backward_lstm/kernel`, as
// Keras names them). With return_sequences the backward direction's outputs are reversed
// back, so step t of both sees the sequence up to t from either end; the two outputs are
// then merged (concat, sum, mul or ave). Written with the wrapped layer as a call that is
// not applied to a tensor: `x |> bidirectional(lstm(64, return_sequences=true))`.
//
// A padding mask is reversed with the sequence (Keras 3's go_backwards reverses inputs and
// mask alike): for right-padded sequences the backward direction first meets the padding,
// keeps its zero state through it, then reads the valid part from its end.
import { fail } from "../diagnostics/diagnostic.js";
import type { Attrs, ValueId } from "../ir/ir.js";
import { layerName, tensor } from "../lang/args.js";
import { composite, trainOp, type ExpandCtx, type LayerSurface, type OpTable } from "./op.js";
import { gate, shapeOf } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { addReverseSteps, reverseStepsParams } from "./rnn.wasm.js";
import { expandLstm } from "./lstm.js";
import { expandGru, expandSimpleRnn, recurrentShape, rnnActivations, torchRecurrentModule, torchRecurrentParams } from "./rnn.js";

export type Names = { primitive: never; composite: "bidirectional"; train: "reverse_steps" };

export const mergeModes = ["concat", "sum", "mul", "ave"] as const;

export type BidirectionalAttrs = {
  readonly layer: "lstm" | "gru" | "simple_rnn";
  /** The wrapped layer's name (`lstm`): its parameters are `forward_<name>/…` and `backward_<name>/…`. */
  readonly inner: string;
  readonly units: number;
  readonly return_sequences: boolean;
  readonly merge_mode: (typeof mergeModes)[number];
  /** simple_rnn's activation; gru's reset_after (always true). */
  readonly activation: string;
  readonly reset_after: boolean;
};

/** Gate blocks and bias rows of each wrapped layer. */
const geometry = { lstm: [4, 1], gru: [3, 2], simple_rnn: [1, 1] } as const;

/** One direction of the wrapped layer on x (and its mask). */
function direction(c: ExpandCtx<BidirectionalAttrs>, tag: string, x: ValueId, params: readonly ValueId[], mask: ValueId | null): ValueId {
  const a = c.attrs;
  if (a.layer === "lstm") return expandLstm(c, tag, x, params, mask, a);
  if (a.layer === "gru") return expandGru(c, tag, x, params, mask, a);
  return expandSimpleRnn(c, tag, x, params, mask, a);
}

/** x [B, T, ...] reversed in time. */
function reversed(c: ExpandCtx<unknown>, suffix: string, x: ValueId): ValueId {
  const y = c.temp(suffix, c.value(x).shape);
  c.emit("reverse_steps", [x], [y], {});
  return y;
}

export const ops: OpTable<Names> = {
  bidirectional: composite<BidirectionalAttrs>({
    keras: { type: "Bidirectional", base: "bidirectional" },
    shape: (c) => {
      if (c.attrs.layer === "gru" && !c.attrs.reset_after)
        fail("DL2008", "`gru` supports only reset_after=true (Keras 3's default, as PyTorch's GRU)", c.span, {
          hint: "drop `reset_after=false`",
        });
      const [gates, biasRows] = geometry[c.attrs.layer];
      const one = recurrentShape(c, c.attrs.units, c.attrs.return_sequences, gates, biasRows);
      const out = [...one.out];
      if (c.attrs.merge_mode === "concat") out[out.length - 1] = 2 * c.attrs.units;
      return { out, params: [...one.params!, ...one.params!] };
    },
    mask: { carries: (a) => a.return_sequences },
    // dlm_torch.Bidirectional of two of the wrapped layer's modules (forward_layer, backward_layer), the mask reversed with x.
    pytorch: (c) => {
      const a = c.attrs;
      const kind = ({ lstm: "LSTM", gru: "GRU", simple_rnn: "SimpleRNN" } as const)[a.layer];
      const one = torchRecurrentModule(kind, c.shape(c.eqn.inputs[0])[2] as number, a);
      const params = Object.fromEntries(
        (["forward", "backward"] as const).flatMap((d) =>
          Object.entries(torchRecurrentParams(`${d}_layer.`)).map(([role, to]) => [`${d}_${a.inner}/${role}`, to] as const),
        ),
      );
      const sequences = a.return_sequences ? "True" : "False";
      const m = c.module(
        `dlm.Bidirectional(${one}, ${one}, merge_mode=${JSON.stringify(a.merge_mode)}, return_sequences=${sequences})`,
        params,
      );
      return `${m}(${c.args[0]}${c.mask ? `, ${c.mask}` : ""})`;
    },
    expand: (c) => {
      const [x, ...params] = c.inputs;
      const k = params.length / 2;
      const fw = direction(c, "forward_", x, params.slice(0, k), c.mask);
      const mask = c.mask !== null ? reversed(c, "backward_mask", c.mask) : null;
      let bw = direction(c, "backward_", reversed(c, "backward_x", x), params.slice(k), mask);
      if (c.attrs.return_sequences) bw = reversed(c, "backward_y", bw);
      const y = c.temp("", c.shape);
      switch (c.attrs.merge_mode) {
        case "concat":
          c.emit("concat", [fw, bw], [y], { axis: -1 });
          break;
        case "sum":
          c.emit("add", [fw, bw], [y], {});
          break;
        case "mul":
          c.emit("mul", [fw, bw], [y], {});
          break;
        case "ave": {
          const sum = c.temp("sum", c.shape);
          c.emit("add", [fw, bw], [sum], {});
          const half = c.temp("half", []);
          c.emit("constant", [], [half], { value: 0.5 });
          c.emit("mul", [sum, half], [y], {});
        }
      }
      return y;
    },
  }),
  // Its own adjoint: the gradient is dy reversed.
  reverse_steps: trainOp({
    vjp: (c) => gate(c, () => c.emit("reverse_steps", [c.dy], {}, shapeOf(c, c.eqn.inputs[0]), c.eqn.inputs[0])),
    ts: (c) => {
      const [x] = c.eqn.inputs;
      const [, steps, ...rest] = T.shape(c, x) as number[];
      return `K.reverseSteps(${T.out(c)}, ${c.buf(x)}, n, ${steps}, ${rest.reduce((p, d) => p * d, 1)});`;
    },
    wasm: (c) => {
      const [x] = c.eqn.inputs;
      const [, steps, ...rest] = W.shape(c, x) as number[];
      const spec = { steps, d: rest.reduce((p, d) => p * d, 1) };
      return W.call(c, "reverse_steps", spec, addReverseSteps, reverseStepsParams, { y: W.out(c), x: c.addr(x) });
    },
  }),
};

export const surfaces: readonly LayerSurface[] = [
  {
    name: "bidirectional",
    kind: "layer",
    keras: { type: "Bidirectional", base: "bidirectional" },
    params: true,
    args: [
      tensor("x", "input [B, time, features]"),
      {
        name: "layer",
        type: { t: "layer", of: ["lstm", "gru", "simple_rnn"] },
        doc: "the recurrent layer to run in both directions, as a call without its input: `lstm(64, return_sequences=true)`",
      },
      { name: "merge_mode", type: { t: "enum", values: mergeModes }, default: "concat", doc: "how the two directions' outputs combine" },
      layerName,
    ],
    doc: "Keras Bidirectional: the wrapped recurrent layer forward and on the time-reversed sequence (its outputs reversed back), merged",
    lower: (c) => {
      const spec = c.layerSpec("layer");
      const layer = spec.name as BidirectionalAttrs["layer"];
      const inner = spec.arg<string | null>("name") ?? layer;
      const [init, layouts] =
        layer === "lstm"
          ? [["glorot_uniform", "orthogonal", "lstm_bias"] as const, ["[in, 4·units]", "[units, 4·units]", "[4·units]"]]
          : layer === "gru"
            ? [["glorot_uniform", "orthogonal", "zeros"] as const, ["[in, 3·units]", "[units, 3·units]", "[2, 3·units]"]]
            : [["glorot_uniform", "orthogonal", "zeros"] as const, ["[in, units]", "[units, units]", "[units]"]];
      const params = (["forward", "backward"] as const).flatMap((d) =>
        (["kernel", "recurrent_kernel", "bias"] as const).map((role, i) => c.param(`${d}_${inner}/${role}`, init[i], layouts[i])),
      );
      const attrs: Attrs = {
        layer,
        inner,
        units: spec.arg("units"),
        return_sequences: spec.arg("return_sequences"),
        merge_mode: c.arg("merge_mode"),
        activation: layer === "simple_rnn" ? spec.arg("activation") : rnnActivations[0],
        reset_after: layer === "gru" ? spec.arg("reset_after") : true,
      };
      return c.eqn("bidirectional", [c.x, ...params], attrs);
    },
  },
];
