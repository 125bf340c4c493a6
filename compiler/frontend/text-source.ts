// Compile-time facts of character data sources: `brown.chars`' vocabulary size (the value of
// `brown.char_count`, from the trainers' own reader) and the check that a `text` file, when
// it is there, is UTF-8 — so a file the trainer could not read is a located error of
// `dlm check` instead of a failure after compiling. A missing file is the trainer's to report
// (`--data` may name another one).
import * as fs from "node:fs";
import * as path from "node:path";
import type { ProgramIR } from "../ir/ir.js";
import type { Span } from "../source.js";
import { error, fail, type Diagnostic } from "../diagnostics/diagnostic.js";
import { brownCharVocab, firstInvalidUtf8 } from "../../runtime/data/chars.js";
import { DataError } from "../../runtime/errors.js";

/** `brown.char_count`: the characters of the Brown training text seen at least 10 times, and `<unk>`. */
export function brownCharCount(at: Span): number {
  try {
    return brownCharVocab().length;
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    fail("DL2017", `cannot read the Brown corpus for \`brown.chars\`: ${err.message}`, at);
  }
}

/** DL2017 for each `text(...)` file that exists but is not UTF-8 (paths relative to the .dlm file). */
export function checkTextSources(ir: ProgramIR, sourcePath: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of ir.trains) {
    const src = t.data?.source;
    if (src?.kind !== "chars" || src.file === null) continue;
    const file = path.resolve(path.dirname(path.resolve(sourcePath)), src.file);
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue;
    }
    const at = firstInvalidUtf8(bytes);
    if (at < 0) continue;
    const line = bytes.subarray(0, at).reduce((n, b) => n + (b === 10 ? 1 : 0), 1);
    out.push(
      error(
        "DL2017",
        `${src.file} is not UTF-8 text: byte 0x${bytes[at].toString(16).padStart(2, "0")} at offset ${at} (line ${line}) does not decode`,
        t.data!.span,
        { hint: "`text` reads UTF-8 files: convert it first, e.g. `iconv -f latin1 -t utf-8`" },
      ),
    );
  }
  return out;
}
