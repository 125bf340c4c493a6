// The vocabularies of text data in checkpoints (docs/runtime.md): a run whose data has
// vocabularies (brown.tagged's words and tags) stores them in the checkpoint's metadata, and
// resuming refuses a checkpoint whose vocabularies differ from the data's — the same ids
// would stand for other words — or that has none when the data has them, and the reverse.
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { loadTrainer } from "../helpers/trainer.js";
import { tempDir } from "../helpers/spawn.js";
import { train } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { makeDataset } from "../../runtime/dataset.js";
import { Rng } from "../../runtime/rng.js";
import type { BrownVocab } from "../../runtime/data/brown.js";

const src = `model m(x: [B, 3]) { x |> dense(2) }
train m {
  loss mse
  optimizer sgd(lr=0.1)
  batch 4
  epochs 2
}
`;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const vocab: BrownVocab = { words: ["<pad>", "<unk>", "the", "dog"], tags: ["<pad>", "<unk>", "DET", "NOUN"] };

function data(v: BrownVocab | undefined) {
  const rng = new Rng(1);
  const x = new Float32Array(10 * 3);
  const y = new Float32Array(10 * 2);
  rng.fillUniform(x, -1, 1);
  rng.fillUniform(y, -1, 1);
  return { train: makeDataset(x, [3], y, [2], "train"), test: null, description: "in memory", ...(v ? { vocab: v } : {}) } as never;
}

describe("vocabularies in checkpoints", () => {
  it("are stored, and a run with the same vocabularies resumes", async () => {
    const mod = await loadTrainer(src);
    const ck = path.join(tmp.dir, "a.safetensors");
    train(mod, { loaded: data(vocab), quiet: true, maxSteps: 2, save: ck });
    const { metadata } = loadSafetensors(ck);
    expect(JSON.parse(metadata.vocab_words)).toEqual(vocab.words);
    expect(JSON.parse(metadata.vocab_tags)).toEqual(vocab.tags);
    const whole = train(mod, { loaded: data(vocab), quiet: true });
    const resumed = train(mod, { loaded: data({ words: [...vocab.words], tags: [...vocab.tags] }), quiet: true, resume: ck });
    expect(Array.from(resumed.trainer.params)).toEqual(Array.from(whole.trainer.params));
  });

  it("refuse a checkpoint whose vocabularies differ, or that has none", async () => {
    const mod = await loadTrainer(src);
    const ck = path.join(tmp.dir, "b.safetensors");
    train(mod, { loaded: data(vocab), quiet: true, maxSteps: 2, save: ck });
    const other = { words: ["<pad>", "<unk>", "the", "cat"], tags: vocab.tags };
    expect(() => train(mod, { loaded: data(other), quiet: true, resume: ck })).toThrow(
      /another word vocabulary \(4 entries; this run's data has 4; id 3 is "dog" there and "cat" here\)/,
    );
    const fewer = { words: vocab.words, tags: vocab.tags.slice(0, 3) };
    expect(() => train(mod, { loaded: data(fewer), quiet: true, resume: ck })).toThrow(
      /another tag vocabulary \(4 entries; this run's data has 3\)/,
    );
    expect(() => train(mod, { loaded: data(undefined), quiet: true, resume: ck })).toThrow(
      /stores a vocabulary, but this run's data has none/,
    );
    const plain = path.join(tmp.dir, "c.safetensors");
    train(mod, { loaded: data(undefined), quiet: true, maxSteps: 2, save: plain });
    expect(loadSafetensors(plain).metadata.vocab_words).toBeUndefined();
    expect(() => train(mod, { loaded: data(vocab), quiet: true, resume: plain })).toThrow(/stores no vocabulary/);
  });
});
