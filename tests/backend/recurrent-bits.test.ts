// The recurrent scans with a padding mask compute word-for-word the numbers they computed
// before they learnt to skip padding (the LSTM's scans run each step on the rows it keeps
// only; docs/wasm-backend.md): small taggers and a classifier — a bidirectional LSTM, a
// stacked LSTM, a GRU and a SimpleRNN behind masking embeddings — train a few steps on
// right-padded sentences (one empty, some full, a few with padding inside them) on
// uneven row counts, and each step's loss, the parameters, gradients and optimizer state
// after the steps and each model's inference must hash to the fixture below, which the
// kernels that ran every row of every step wrote. Rewrite it (UPDATE_BITS=1) only for a
// change that is meant to change the numbers, and say so.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadTrainer, root } from "../helpers/trainer.js";
import { TestRandom } from "../helpers/numerics.js";
import { initParameters, type TrainerInstance, type TrainerModule } from "../../runtime/trainer.js";
import { Rng } from "../../runtime/rng.js";

const STEPS = 20;
const PROGRAM = `
model tagger(words: i32[B, ${STEPS}]) {
  words
    |> embedding(50, 12, mask_zero=true)
    |> bidirectional(lstm(9, return_sequences=true))
    |> lstm(8, return_sequences=true)
    |> dense(7, activation=softmax)
}
model cls(words: i32[B, ${STEPS}]) {
  words |> embedding(50, 6, mask_zero=true) |> bidirectional(lstm(5)) |> dense(3, activation=softmax)
}
model g(words: i32[B, ${STEPS}]) {
  words
    |> embedding(50, 6, mask_zero=true)
    |> gru(7, return_sequences=true)
    |> simple_rnn(5, return_sequences=true)
    |> dense(7, activation=softmax)
}
train t(words: i32[B, ${STEPS}], tags: i32[B, ${STEPS}], label: i32[B]) {
  step tagger with adam(lr=0.01) minimize sparse_categorical_crossentropy(tagger(words), tags)
  step cls with adam(lr=0.01) minimize sparse_categorical_crossentropy(cls(words), label)
  step g with adam(lr=0.01) minimize sparse_categorical_crossentropy(g(words), tags)
}
`;
const FIXTURE = path.join(root, "tests/fixtures/recurrent-bits.json");
// Sentence lengths (0: all padding; STEPS: none), and padding inside some sentences.
const LENGTHS = [STEPS, 0, 1, 7, 13, STEPS, 3, 19, 11, 5, 16, 2, 9];
const HOLES: Record<number, number[]> = { 3: [2], 10: [4, 5], 5: [0] };
const BATCH = LENGTHS.length;
const ROWS = [13, 11, 13, 6, 13, 7];

function fill(t: TrainerInstance, words: ArrayLike<number> & { [i: number]: number }, r: TestRandom) {
  for (let b = 0; b < BATCH; b++)
    for (let s = 0; s < STEPS; s++) words[b * STEPS + s] = s < LENGTHS[b] && !HOLES[b]?.includes(s) ? 1 + Math.floor(r.uniform(0, 49)) : 0;
  const [, tags, label] = t.inputs;
  for (let i = 0; i < tags.length; i++) tags[i] = words[i] === 0 ? 0 : 1 + Math.floor(r.uniform(0, 6));
  for (let i = 0; i < label.length; i++) label[i] = Math.floor(r.uniform(0, 3));
}

const sha = (a: ArrayBufferView) =>
  createHash("sha256")
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest("hex");

function train(mod: TrainerModule): Record<string, unknown> {
  const t = mod.createTrainer(new Rng(3), { batch: BATCH });
  initParameters(t, mod.parameters, new Rng(11));
  const r = new TestRandom(17);
  fill(t, t.inputs[0], r);
  const losses = ROWS.map((n) => {
    expect(t.trainStep(n)).toBe(-1);
    return Array.from(t.losses, (l) => Buffer.from(new Float64Array([l]).buffer).toString("hex"));
  });
  const models = Object.fromEntries(
    Object.entries(t.models).map(([name, m]) => {
      const x = m.inputs[0];
      fill(t, new Int32Array(x.buffer, x.byteOffset, x.length), r);
      m.run(BATCH - 2);
      return [name, sha(m.output)];
    }),
  );
  const state = Object.fromEntries(Object.entries(t.state).map(([k, v]) => [k, sha(v)]));
  return { losses, params: sha(t.params), grads: sha(t.grads), state, models };
}

describe("masked recurrent scans: the same bits as before they skipped padding", () => {
  it("bidirectional and stacked LSTM taggers, an LSTM classifier, GRU and SimpleRNN: losses, parameters, gradients, optimizer state, inference", async () => {
    const mod = await loadTrainer(PROGRAM, "recurrent-bits.dlm", undefined, "wasm");
    const got = train(mod);
    if (process.env.UPDATE_BITS === "1") writeFileSync(FIXTURE, JSON.stringify(got, null, 2) + "\n");
    expect(existsSync(FIXTURE), `${FIXTURE} is missing`).toBe(true);
    expect(got).toEqual(JSON.parse(readFileSync(FIXTURE, "utf8")));
  }, 60_000);
});
