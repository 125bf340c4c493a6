// Threads split the GRU's and the SimpleRNN's scans by samples as they do the LSTM's
// (docs/threads.md): each sample's recurrence runs every step of its own rows, and the
// backward's running rows (the GRU's drec, dh) are each sample's own rows of the shared
// scratch. A program of GRU and SimpleRNN layers, unmasked and behind a masking embedding
// (with a bidirectional GRU and a masked LSTM, whose scans list each step's kept rows per
// part), with every split kernel split however small its call: each step's loss, the
// parameters, gradients and optimizer state and each model's inference are bitwise those of
// one thread, on 2 and 3 threads, with row counts that leave uneven parts.
import { describe, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { expectOneThreadBits, threads } from "./helpers.js";

const PROGRAM = `
model g(x: [B, 7, 5]) {
  x |> gru(9, return_sequences=true) |> simple_rnn(6) |> dense(4, activation=softmax)
}
model p(w: i32[B, 8]) {
  w |> embedding(5, 4, mask_zero=true)
    |> bidirectional(gru(5, return_sequences=true))
    |> simple_rnn(6, return_sequences=true)
    |> lstm(5, return_sequences=true)
    |> dense(4, activation=softmax)
}
train t(x: [B, 7, 5], w: i32[B, 8], y: i32[B], tags: i32[B, 8]) {
  step g with adam(lr=0.01) minimize sparse_categorical_crossentropy(g(x), y)
  step p with adam(lr=0.01) minimize sparse_categorical_crossentropy(p(w), tags)
}
`;
const SPLIT = [
  ["gru_scan_gru_7_9", "gru_scan_grad_gru_7_9", "simple_rnn_scan_simple_rnn_7_6_tanh", "simple_rnn_scan_grad_simple_rnn_7_6_tanh"],
  ["gru_scan_gru_8_5_masked", "gru_scan_grad_gru_8_5_masked", "simple_rnn_scan_simple_rnn_8_6_tanh_masked"],
  ["simple_rnn_scan_grad_simple_rnn_8_6_tanh_masked", "lstm_scan_8_5_masked", "lstm_scan_grad_8_5_masked"],
].flat();

describe("threads: GRU and SimpleRNN scans split by samples", () => {
  it("2 and 3 threads give one thread's bits (7, 5 and 6 rows of 7)", async () => {
    threads.setMinWork(1);
    const mod = await loadTrainer(PROGRAM, "threads-rnn.dlm", undefined, "wasm");
    // Word ids (padding among them) for model p's inference; no evaluation (its inputs are the floats of helpers/seed-models).
    await expectOneThreadBits(mod, SPLIT, {
      evaluate: false,
      modelInput: (name, x) => {
        if (name === "p") new Int32Array(x.buffer, x.byteOffset, x.byteLength / 4).forEach((_, i, ids) => (ids[i] = (i * 7) % 5));
      },
    });
  }, 60_000);
});
