// Checkpoints as files in Node: written atomically, read back and validated against the run
// that resumes from them (what a checkpoint holds is checkpoint-format.ts). A run whose data
// has another vocabulary than a checkpoint's refuses it, since the same id would mean
// another word.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSafetensors, removeOrphanTemps, saveSafetensors } from "./safetensors.js";
import { DataError, displayPath } from "./errors.js";
import type { TrainerInstance, TrainerModule } from "./trainer-module.js";
import { checkVocab, type BrownVocab } from "./data/brown.js";
import { checkCharVocab } from "./data/chars.js";
import { checkpointContents, type Checkpoint } from "./checkpoint-format.js";
import { restoreCheckpoint, type Note, type ResumeContext } from "./checkpoint-restore.js";

export { checkpointBytes, signature, type Checkpoint } from "./checkpoint-format.js";
export type { Note, ResumeContext } from "./checkpoint-restore.js";

/** Fails early, before any training, when `file` cannot be written (no such folder, no permission). */
export function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new DataError(`cannot write a checkpoint here: the folder ${dir} does not exist`, file);
  }
  if (!stat.isDirectory()) throw new DataError(`cannot write a checkpoint here: ${dir} is not a folder`, file);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new DataError(`cannot write a checkpoint here: the folder ${dir} is not writable`, file);
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new DataError("cannot write a checkpoint here: it is a folder", file);
}

/** Removes the temp files that killed writers of `file` left (see removeOrphanTemps), with a note for each. */
function cleanOrphans(file: string, note: Note): void {
  for (const tmp of removeOrphanTemps(file))
    note(`note: removed ${displayPath(tmp)}, left by a checkpoint write that was killed (its process is no longer running)`);
}

export function saveCheckpoint(file: string, mod: TrainerModule, t: TrainerInstance, ck: Checkpoint, note: Note = () => {}): void {
  cleanOrphans(file, note);
  const { tensors, metadata } = checkpointContents(mod, t, ck);
  try {
    saveSafetensors(file, tensors, metadata);
  } catch (e) {
    // saveSafetensors leaves the previous checkpoint in place when a write fails.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new DataError(`cannot write the checkpoint (${code}); the previous checkpoint, if any, is unchanged`, file);
  }
}

/** The characters a checkpoint of a character model stores, or undefined; a corrupt list is a DataError. */
export function storedChars(metadata: Readonly<Record<string, string>>, file: string): readonly string[] | undefined {
  if (metadata.vocab_chars === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(metadata.vocab_chars);
  } catch {
    v = null;
  }
  return checkCharVocab(v, file);
}

/** Refuses a checkpoint whose characters differ from the run's data. */
function checkSameChars(stored: readonly string[] | undefined, run: readonly string[] | undefined, file: string): void {
  if (!stored && !run) return;
  if (!stored || !run)
    throw new DataError(
      stored
        ? "stores a character vocabulary, but this run's data has none"
        : "stores no character vocabulary, but this run's data has one",
      file,
    );
  const i = stored.findIndex((c, k) => c !== run[k]);
  if (stored.length === run.length && i < 0) return;
  const at = i >= 0 && i < run.length ? `; id ${i} is ${JSON.stringify(stored[i])} there and ${JSON.stringify(run[i])} here` : "";
  throw new DataError(
    `was trained with another character vocabulary (${stored.length} entries; this run's data has ${run.length}${at}): the same ids would mean other characters`,
    file,
  );
}

/** The vocabularies a checkpoint stores, or undefined; corrupt ones are a DataError. */
function storedVocab(metadata: Readonly<Record<string, string>>, file: string): BrownVocab | undefined {
  if (metadata.vocab_words === undefined && metadata.vocab_tags === undefined) return undefined;
  let v: BrownVocab;
  try {
    v = { words: JSON.parse(metadata.vocab_words ?? "null"), tags: JSON.parse(metadata.vocab_tags ?? "null") };
  } catch {
    throw new DataError(`corrupt checkpoint metadata: "vocab_words" and "vocab_tags" must be JSON lists of strings`, file);
  }
  checkVocab(v, file);
  return v;
}

/** Refuses a checkpoint whose vocabularies differ from the run's, naming the first difference. */
function checkSameVocab(stored: BrownVocab | undefined, run: BrownVocab | undefined, file: string): void {
  if (!stored && !run) return;
  if (!stored || !run)
    throw new DataError(
      stored ? "stores a vocabulary, but this run's data has none" : "stores no vocabulary, but this run's data has one (brown.tagged)",
      file,
    );
  for (const what of ["words", "tags"] as const) {
    const [a, b] = [stored[what], run[what]];
    const i = a.findIndex((w, k) => w !== b[k]);
    if (a.length === b.length && i < 0) continue;
    const at = i >= 0 && i < b.length ? `id ${i} is ${JSON.stringify(a[i])} there and ${JSON.stringify(b[i])} here` : "";
    throw new DataError(
      `was trained with another ${what.slice(0, -1)} vocabulary (${a.length} entries; this run's data has ${b.length}${at ? `; ${at}` : ""}): the same ids would mean other ${what}`,
      file,
    );
  }
}

/** Reads and validates `file` against this run (restoreCheckpoint), its vocabularies included, and restores it. */
export function loadCheckpoint(file: string, mod: TrainerModule, t: TrainerInstance, ctx: ResumeContext): Checkpoint {
  cleanOrphans(file, ctx.note);
  return restoreCheckpoint(file, loadSafetensors(file), mod, t, {
    ...ctx,
    checkData: (metadata, f) => {
      checkSameVocab(storedVocab(metadata, f), ctx.vocab, f);
      checkSameChars(storedChars(metadata, f), ctx.chars, f);
    },
  });
}
