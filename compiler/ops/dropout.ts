// Inverted dropout (Keras Dropout). A composite that behaves differently in training and
// inference: inlining expands `dropout(x)` into a mask draw and a multiply, both for
// training only,
//
//   mask = dropout_mask{rate}()        each unit kept with probability 1 − rate, as 1/(1 − rate)
//   y    = mul(x, mask)
//
// and evaluation and inference read y as x (the identity), so no mask is drawn there. Masks come from the trainer's seeded RNG: the
// TypeScript backend calls Rng.bernoulliMask; the WebAssembly module continues the same
// xoshiro128** stream bit for bit (wasm/kernels/random.ts), its state in and out through scratch.
import { layerName, tensor } from "../lang/args.js";
import { composite, keepsMask, trainOp, type LayerSurface, type OpTable } from "./op.js";
import { same } from "./kit/shape.js";
import { none } from "./kit/vjp.js";
import * as T from "./kit/ts.js";
import * as W from "./kit/wasm.js";
import { addBernoulliMask, bernoulliMaskParams } from "../wasm/kernels/random.js";
import { py } from "../emit/pytorch/rules.js";

export type Names = { primitive: never; composite: "dropout"; train: "dropout_mask" };

export type DropoutAttrs = { readonly rate: number };

export const ops: OpTable<Names> = {
  dropout: composite<DropoutAttrs>({
    mask: keepsMask,
    keras: { type: "Dropout", base: "dropout" },
    shape: same,
    // The mask from dlm_torch's noise (each process its rows of the global batch's draw); none in eval mode.
    pytorch: (c) => `dlm.dropout(${c.args[0]}, ${py(c.attrs.rate)}, ${c.training})`,
    expand: (c) => {
      const mask = c.temp("mask", c.shape);
      c.emit("dropout_mask", [], [mask], { rate: c.attrs.rate }, "train");
      const y = c.temp("", c.shape);
      c.emit("mul", [c.inputs[0], mask], [y], {}, "train");
      c.inferAs(y, c.inputs[0]);
      return y;
    },
  }),
  dropout_mask: trainOp<DropoutAttrs>({
    vjp: none,
    ts: (c) => `rng.bernoulliMask(${T.out(c)}, ${1 - c.attrs.rate}, ${1 / (1 - c.attrs.rate)});`,
    // The runtime's xoshiro128** stream continued inside the module (bit for bit Rng.bernoulliMask,
    // over the whole B-row buffer as the TS line does): the Rng's state goes in and comes back
    // through the scratch words `rngWords`.
    wasm: (c) => {
      const rate = c.attrs.rate;
      const s = W.shape(c, c.eqn.outputs[0]);
      const perRow = s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);
      c.scratch(16);
      const mask = W.call(c, "bernoulli_mask", { keepProb: 1 - rate, scale: 1 / (1 - rate) }, addBernoulliMask, bernoulliMaskParams, {
        out: W.out(c),
        count: s.includes("B") ? `B * ${perRow}` : String(perRow),
        state: "WS",
      });
      return `rng.saveState(rngWords); ${mask} rng.loadState(rngWords);`;
    },
  }),
};

export const surfaces: readonly LayerSurface[] = [
  {
    name: "dropout",
    kind: "layer",
    keras: { type: "Dropout", base: "dropout" },
    args: [
      tensor("x", "input"),
      { name: "rate", type: { t: "float", min: 0, max: 1, maxOpen: true }, doc: "fraction of units dropped" },
      layerName,
    ],
    doc: "inverted dropout: in training, zero each unit with probability `rate` and scale the rest by 1/(1 − rate); identity in evaluation",
    lower: (c) => c.eqn("dropout", [c.x], { rate: c.arg("rate") }),
  },
];
