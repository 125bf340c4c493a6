// Resuming from a checkpoint's decoded contents: every field and tensor validated against the
// run that resumes, then restored. No Node imports (a page resumes from bytes: browser.ts);
// checkpoint.ts reads the file and checks the data's vocabularies.
import { DataError, displayPath } from "./errors.js";
import { firstNonFinite } from "./kernels/optimizers.js";
import type { TrainerInstance, TrainerModule } from "./trainer-module.js";
import { Rng } from "./rng.js";
import type { BrownVocab } from "./data/brown.js";
import { FORMAT, signature, trained, type Checkpoint } from "./checkpoint-format.js";
import { CHECKSUM_KEY, type SafetensorsFile } from "./safetensors-format.js";

/** Where a checkpoint's notes go (one line each, without a newline): stderr in `dlm train`. */
export type Note = (line: string) => void;

/** What resuming needs to know about this run to validate a checkpoint against it. */
export interface ResumeContext {
  /** This run's batch size. */
  readonly batch: number;
  /** This run's batches per epoch, and the training samples they come from. */
  readonly stepsPerEpoch: number;
  readonly samples: number;
  readonly note: Note;
  /** The run keeps early stopping's best weights: a checkpoint may hold them as `best/<name>`. */
  readonly bestWeights?: boolean;
  /** The vocabularies of this run's data: a checkpoint must hold the same. */
  readonly vocab?: BrownVocab;
  /** The characters of this run's character data: a checkpoint must hold the same. */
  readonly chars?: readonly string[];
}

/** What restoring needs beyond the run: the check of the data a checkpoint was trained with (its vocabularies) against this run's. */
export interface RestoreContext extends ResumeContext {
  /** Throws a DataError when the checkpoint's metadata names other data than this run's. */
  checkData(metadata: Readonly<Record<string, string>>, file: string): void;
}

/**
 * Validates every field and tensor that resuming reads, then restores parameters, optimizer
 * state, step counts and RNG, and returns where to continue. Each problem is a DataError that
 * names the file (`file`: how messages call the checkpoint) and the field or tensor; nothing in
 * the trainer changes until all pass.
 */
export function restoreCheckpoint(
  file: string,
  { tensors, metadata, checksum }: SafetensorsFile,
  mod: TrainerModule,
  t: TrainerInstance,
  ctx: RestoreContext,
): Checkpoint {
  if (!checksum)
    ctx.note(
      `note: ${displayPath(file)} has no checksum (${CHECKSUM_KEY} in its metadata), so its contents cannot be verified; using it as it is`,
    );
  const format = metadata.format;
  const version = /^dlm-checkpoint-([0-9]+)$/.exec(format ?? "");
  if (version && format !== FORMAT)
    throw new DataError(`has checkpoint format "${format}", which this runtime cannot read (it reads "${FORMAT}")`, file);
  if (format !== FORMAT)
    throw new DataError(`is not a dlm checkpoint (metadata format is ${JSON.stringify(format ?? null)}, expected "${FORMAT}")`, file);
  if (metadata.signature !== signature(mod)) {
    throw new DataError(
      `was written by \`train ${metadata.program}\` with other parameters; this trainer (\`train ${mod.program.name}\`) expects ${mod.parameters.length} tensors: ${mod.parameters
        .map((p) => `${p.name} [${p.shape.join(", ")}]`)
        .slice(0, 4)
        .join(", ")}${mod.parameters.length > 4 ? ", ..." : ""}`,
      file,
    );
  }
  ctx.checkData(metadata, file);

  // Metadata: every entry is a decimal integer, or a comma-separated list of them.
  const bad = (key: string, expected: string): never => {
    const v = metadata[key];
    throw new DataError(
      `corrupt checkpoint metadata: "${key}" is ${v === undefined ? "missing" : JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v)}; expected ${expected}`,
      file,
    );
  };
  const ints = (key: string, count: number, max: number, expected: string): number[] => {
    const parts = (metadata[key] ?? "").split(",");
    if (parts.length !== count || !parts.every((w) => /^(0|[1-9][0-9]{0,15})$/.test(w) && Number(w) <= max)) bad(key, expected);
    return parts.map(Number);
  };
  const int = (key: string, min: number, expected: string): number => {
    const v = ints(key, 1, Number.MAX_SAFE_INTEGER, expected)[0];
    if (v < min) bad(key, expected);
    return v;
  };
  const rngWords = (key: string, nonZero: boolean): Uint32Array => {
    const expected = `four 32-bit words (0 to 4294967295)${nonZero ? ", not all zero" : ""}`;
    const w = ints(key, 4, 0xffffffff, expected);
    if (nonZero && w.every((x) => x === 0)) bad(key, `${expected} (an all-zero xoshiro128** state draws only zeros)`);
    return Uint32Array.from(w);
  };
  const batch = int("batch", 1, "a batch size (an integer ≥ 1)");
  // A position in the epoch counts batches of the size the checkpoint was written with.
  if (batch !== ctx.batch)
    throw new DataError(`was written by a run at batch ${batch}; resume it with --batch ${batch} (this run uses batch ${ctx.batch})`, file);
  const globalStep = int("global_step", 0, "a step count (an integer ≥ 0)");
  const epoch = int("epoch", 0, "an epoch index (an integer ≥ 0)");
  const last = ctx.stepsPerEpoch - 1;
  const batchInEpoch = int(
    "batch_in_epoch",
    0,
    `a batch index from 0 to ${last} (this run's ${ctx.samples} training samples make ${ctx.stepsPerEpoch} batches of ${ctx.batch} per epoch)`,
  );
  if (batchInEpoch > last)
    bad(
      "batch_in_epoch",
      `a batch index from 0 to ${last} (this run's ${ctx.samples} training samples make ${ctx.stepsPerEpoch} batches of ${ctx.batch} per epoch)`,
    );
  const seed = int("seed", 0, "the run's seed (an integer ≥ 0)");
  // A checkpoint of the PyTorch target (writer "pytorch", docs/pytorch.md) has no dlm RNG state:
  // the run goes on with a stream derived from the seed and the step, and says it is not bitwise.
  const fromPytorch = metadata.writer === "pytorch" && metadata.rng === undefined;
  if (fromPytorch)
    ctx.note(
      `note: ${displayPath(file)} was written by a PyTorch program of dlm's pytorch target, which keeps no dlm RNG state: training continues from its weights, optimizer state and step with a random stream derived from the seed and the step, so it is not bitwise the run it continues${batchInEpoch > 0 ? "; the rest of this epoch is read in a new shuffled order" : ""}`,
    );
  const rng = fromPytorch ? derivedRng(seed, globalStep) : rngWords("rng", true);
  // The state at the epoch's start redraws its shuffle when resuming mid-epoch; at an epoch's
  // start (batch_in_epoch 0) it is not used, and before the first epoch it is all zero.
  const epochRng = fromPytorch ? rng.slice() : rngWords("epoch_rng", batchInEpoch > 0);
  // Every optimizer step updates once per training step, so each count is the step counter.
  const counts = ints(
    "step_counts",
    t.stepCounts.length,
    Number.MAX_SAFE_INTEGER,
    `${t.stepCounts.length} optimizer step count${t.stepCounts.length > 1 ? "s, each" : ""} equal to global_step (${globalStep})`,
  );
  if (counts.some((c) => c !== globalStep))
    bad(
      "step_counts",
      `${t.stepCounts.length} optimizer step count${t.stepCounts.length > 1 ? "s, each" : ""} equal to global_step (${globalStep})`,
    );

  // Tensors: exactly the trainer's, each F32 of its parameter's shape, finite (and Adam's
  // second moment not negative), all checked before any is copied.
  const wanted: { name: string; into: Float32Array | Float64Array; offset: number; p: (typeof mod.parameters)[number] }[] = [];
  for (const p of mod.parameters) wanted.push({ name: p.name, into: t.params, offset: p.offset, p });
  for (const [buf, arr] of Object.entries(t.state))
    for (const p of trained(mod)) wanted.push({ name: `optimizer/${buf}/${p.name}`, into: arr, offset: p.offset, p });
  // Early stopping's best weights: all or none (none before the first monitored epoch).
  const best = ctx.bestWeights && `best/${mod.parameters[0]?.name}` in tensors ? new Float32Array(t.params.length) : null;
  if (best) for (const p of mod.parameters) wanted.push({ name: `best/${p.name}`, into: best, offset: p.offset, p });
  const names = new Set(wanted.map((w) => w.name));
  const extra = Object.keys(tensors).find((n) => !names.has(n));
  if (extra !== undefined)
    throw new DataError(
      `holds tensor "${extra}", which this trainer does not have${extra.startsWith("optimizer/") ? " (was it written with another optimizer?)" : ""}`,
      file,
    );
  for (const { name, p } of wanted) {
    const tensor = tensors[name];
    const shape = `[${p.shape.join(", ")}]`;
    if (!tensor) throw new DataError(`is missing tensor "${name}" (F32, shape ${shape})`, file);
    if (tensor.dtype !== "F32" || tensor.shape.join(",") !== p.shape.join(","))
      throw new DataError(`tensor "${name}" is ${tensor.dtype} [${tensor.shape.join(", ")}]; expected F32 ${shape}`, file);
    const data = tensor.data as Float32Array;
    const i = firstNonFinite(data, data.length);
    if (i >= 0)
      throw new DataError(`tensor "${name}" holds a non-finite value (${data[i]} at index ${i}); training cannot resume from it`, file);
    if (name.startsWith("optimizer/adam_v/")) {
      const j = data.findIndex((v) => v < 0);
      if (j >= 0)
        throw new DataError(
          `tensor "${name}" holds a negative value (${data[j]} at index ${j}); Adam's second moment is never negative`,
          file,
        );
    }
  }
  for (const w of wanted) w.into.set(tensors[w.name].data as Float32Array, w.offset);
  t.stepCounts.set(counts);
  t.rng.loadState(rng);
  return {
    globalStep,
    epoch,
    batchInEpoch,
    epochRng,
    seed,
    batch,
    ...(metadata.controls !== undefined ? { controls: metadata.controls } : {}),
    bestWeights: best,
  };
}

/** The RNG state a run resumed from a PyTorch-target checkpoint continues with: the seed's stream, its last two words mixed with the step. */
function derivedRng(seed: number, step: number): Uint32Array {
  const w = new Uint32Array(4);
  new Rng(seed).saveState(w);
  w[2] ^= step >>> 0;
  w[3] ^= Math.floor(step / 4294967296) >>> 0;
  if (w.every((x) => x === 0)) w[0] = 1;
  return w;
}
