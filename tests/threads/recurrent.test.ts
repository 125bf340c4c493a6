// Threads split the GRU's and the SimpleRNN's scans by samples as they do the LSTM's
// (docs/threads.md): each sample's recurrence runs every step of its own rows, and the
// backward's running rows (the GRU's drec, dh) are each sample's own rows of the shared
// scratch. A program of GRU and SimpleRNN layers, unmasked and behind a masking embedding
// (with a bidirectional GRU and a masked LSTM, whose scans list each step's kept rows per
// part), with every split kernel split however small its call: each step's loss, the
// parameters, gradients and optimizer state and each model's inference are bitwise those of
// one thread, on 2 and 3 threads, with row counts that leave uneven parts.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { bytes, threads, WA } from "./helpers.js";
import { setup } from "../helpers/seed-models.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerModule } from "../../runtime/trainer.js";

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

/** helpers.ts's run, with word ids (padding among them) for model p's inference (helpers/seed-models fills inputs with floats). */
async function run(mod: TrainerModule, count: number, batch: number, ns: readonly number[]) {
  const t = threads.withKernelThreads(count, () => mod.createTrainer(new Rng(7), { batch }));
  if (count > 1) await new Promise((resolve) => setTimeout(resolve, 500));
  setup(mod, t);
  const losses = ns.map((n) => t.trainStep(n));
  const state = Object.values(t.state).map(bytes);
  const models = Object.entries(t.models).map(([name, m]) => {
    const x = m.inputs[0];
    if (name === "p") new Int32Array(x.buffer, x.byteOffset, x.length).forEach((_, i, ids) => (ids[i] = (i * 7) % 5));
    m.run(ns[0]);
    return bytes(m.output);
  });
  return { losses, params: bytes(t.params), grads: bytes(t.grads), state, models };
}

describe("threads: GRU and SimpleRNN scans split by samples", () => {
  it("2 and 3 threads give one thread's bits (7, 5 and 6 rows of 7)", async () => {
    threads.setMinWork(1);
    const mod = await loadTrainer(PROGRAM, "threads-rnn.dlm", undefined, "wasm");
    const names = Object.keys(threads.threadsPlanOf(new WA.Module(mod.compiled.wasm!.binary))?.kernels ?? {});
    for (const k of SPLIT)
      expect(
        names.some((n) => n.startsWith(k)),
        `${k} in ${names.join(", ")}`,
      ).toBe(true);
    const ns = [7, 5, 6];
    const one = await run(mod, 1, 7, ns);
    const chunks = threads.workerChunkCount();
    for (const [count, callerTakes] of [
      [2, true],
      [3, true],
      [2, false],
    ] as const) {
      // Without the calling thread in the split calls, the workers run every chunk (as in same-bits.test.ts).
      threads.setCallerTakesChunks(callerTakes);
      const before = threads.splitCallCount();
      const many = await run(mod, count, 7, ns).finally(() => threads.setCallerTakesChunks(true));
      expect(threads.splitCallCount()).toBeGreaterThan(before);
      expect(many.losses).toEqual(one.losses);
      expect(many.params.equals(one.params)).toBe(true);
      expect(many.grads.equals(one.grads)).toBe(true);
      many.state.forEach((s, i) => expect(s.equals(one.state[i])).toBe(true));
      many.models.forEach((m, i) => expect(m.equals(one.models[i])).toBe(true));
    }
    expect(threads.workerChunkCount()).toBeGreaterThan(chunks); // the workers took part
  }, 60_000);
});
