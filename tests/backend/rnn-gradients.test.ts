// GRU, SimpleRNN, Bidirectional and padding masks through recurrent layers against float64
// central finite differences (tests/helpers/gradcase.ts; the WebAssembly backend against
// the TypeScript one on every case). Masked cases draw ids from a small range that
// includes 0, so padding falls anywhere in a sequence (and some rows start or end with it):
// a masked step keeps the state, so its gradient passes through unchanged, and its output
// is zero. Weights are drawn with gain 2 so that the gates are neither saturated nor linear.
import { describe, expect, it } from "vitest";
import { prog, run } from "../helpers/gradcase.js";
import { agreeBackends } from "../helpers/backends.js";
import { randomParams, TestRandom } from "../helpers/numerics.js";

/** Ids 0..k−1 (0: padding under mask_zero). */
const ids = (k: number) => (r: { uniform(lo: number, hi: number): number }) => Math.floor(r.uniform(0, k));

const seq = (layer: string, inputs = "x: [B, 5, 3], r: [B, 5, 4]") =>
  prog(`model m(x: [B, 5, 3]) { x |> ${layer} }`, inputs, "sum(m(x) * r)");
const last = (layer: string) => prog(`model m(x: [B, 5, 3]) { x |> ${layer} }`, "x: [B, 5, 3], r: [B, 4]", "sum(m(x) * r)");
/** A masked tagger: ids [B, 6] of 4 rows (0 is padding), the layer, a per-position softmax. */
const tagger = (layer: string) =>
  prog(
    `model m(x: i32[B, 6]) { x |> embedding(4, 3, mask_zero=true) |> ${layer} |> dense(5, activation=softmax) }`,
    "x: i32[B, 6], y: i32[B, 6]",
    "sparse_categorical_crossentropy(m(x), y)",
  );
/** A masked classifier: the recurrent layer's last output (the state after the last valid step). */
const classifier = (layer: string) =>
  prog(
    `model m(x: i32[B, 6]) { x |> embedding(4, 3, mask_zero=true) |> ${layer} |> dense(5, activation=softmax) }`,
    "x: i32[B, 6], y: i32[B]",
    "sparse_categorical_crossentropy(m(x), y)",
  );
const masked = { x: ids(4), y: ids(5) };

describe("gru", () => {
  it("last step", () => run({ src: last("gru(4)"), gain: 2 }));
  it("return_sequences", () => run({ src: seq("gru(4, return_sequences=true)"), gain: 2 }));
  it("stacked, 5 units (a partial SIMD tail)", () =>
    run({
      src: prog("model m(x: [B, 5, 3]) { x |> gru(5, return_sequences=true) |> gru(4) }", "x: [B, 5, 3], r: [B, 4]", "sum(m(x) * r)"),
      gain: 2,
    }));
  it("masked, per position", () => run({ src: tagger("gru(4, return_sequences=true)"), fill: masked, gain: 2 }));
  it("masked, last step", () => run({ src: classifier("gru(4)"), fill: masked, gain: 2 }));
});

describe("simple_rnn", () => {
  for (const act of ["tanh", "relu", "sigmoid", "linear"]) {
    // A linear recurrence with gain-2 weights grows without bound over the steps: gain 1/2 there.
    it(`${act}, return_sequences`, () =>
      run({ src: seq(`simple_rnn(4, activation=${act}, return_sequences=true)`), gain: act === "linear" ? 0.5 : 2 }));
  }
  it("last step", () => run({ src: last("simple_rnn(4)"), gain: 2 }));
  it("masked, per position", () => run({ src: tagger("simple_rnn(4, return_sequences=true)"), fill: masked, gain: 2 }));
  it("masked, last step", () => run({ src: classifier("simple_rnn(4)"), fill: masked, gain: 2 }));
});

describe("lstm with a padding mask", () => {
  it("masked, per position", () => run({ src: tagger("lstm(4, return_sequences=true)"), fill: masked, gain: 2 }));
  it("masked, last step", () => run({ src: classifier("lstm(4)"), fill: masked, gain: 2 }));
  // 9 units: overlapping unit groups and a partial panel in the WebAssembly kernels.
  it("masked, 9 units, per position", () => run({ src: tagger("lstm(9, return_sequences=true)"), fill: masked, gain: 2 }));
});

describe("bidirectional", () => {
  for (const merge of ["concat", "sum", "mul", "ave"]) {
    it(`lstm, merge_mode=${merge}`, () =>
      run({
        src: seq(
          `bidirectional(lstm(2, return_sequences=true), merge_mode=${merge})`,
          `x: [B, 5, 3], r: [B, 5, ${merge === "concat" ? 4 : 2}]`,
        ),
        gain: 2,
        check: ({ param }) => {
          // Each direction has its own parameters, named as Keras names them.
          expect(param("bidirectional/forward_lstm/kernel").length).toBe(3 * 8);
          expect(param("bidirectional/backward_lstm/recurrent_kernel").length).toBe(2 * 8);
        },
      }));
  }
  it("gru, last step", () => run({ src: last("bidirectional(gru(2))"), gain: 2 }));
  it("simple_rnn (relu), last step", () => run({ src: last("bidirectional(simple_rnn(2, activation=relu))"), gain: 2 }));
  it("lstm, masked, per position", () => run({ src: tagger("bidirectional(lstm(3, return_sequences=true))"), fill: masked, gain: 2 }));
  it("gru, masked, per position (sum)", () =>
    run({ src: tagger('bidirectional(gru(3, return_sequences=true, name="g"), merge_mode=sum)'), fill: masked, gain: 2 }));
  it("simple_rnn, masked, last step", () => run({ src: classifier("bidirectional(simple_rnn(3))"), fill: masked, gain: 2 }));
});

describe("the WebAssembly scans' row tiles agree with the reference kernels", () => {
  // 7 of 9 rows: the forward's 2-row tiles and the backward's 4-row tiles, each with a
  // remainder; 6 units: a partial block (overlapping forward, partial backward).
  for (const layer of [
    "gru(6, return_sequences=true)",
    "simple_rnn(6, return_sequences=true)",
    "bidirectional(gru(5, return_sequences=true))",
    "lstm(6, return_sequences=true)",
  ]) {
    it(`${layer}, masked, 7 rows`, async () => {
      const r = await agreeBackends({
        src: tagger(layer),
        batch: 9,
        n: 7,
        setup: (mod, t) => {
          const q = new TestRandom(5);
          randomParams(mod, t, q, 2);
          mod.program.inputs.forEach((info, i) => {
            const arr = t.inputs[i];
            const k = info.name === "x" ? 4 : 5;
            for (let j = 0; j < arr.length; j++) arr[j] = Math.floor(q.uniform(0, k));
          });
        },
      });
      expect(r.problems, r.problems.join("\n")).toEqual([]);
    });
  }
});
