// Checkpoints in safetensors: every parameter under its .dlm name ("cnn/dense/kernel",
// Keras layout), the optimizer state as "optimizer/<buffer>/<name>", and in the metadata
// what resuming needs: the step counter, the position in the epoch, the RNG state (now
// and at the epoch's start), the optimizer step counts, and a signature of the parameter
// table so that a checkpoint of another model is refused.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadSafetensors, saveSafetensors, type SafetensorsTensor } from "./safetensors.js";
import { DataError } from "./errors.js";
import type { TrainerInstance, TrainerModule } from "./trainer.js";

export interface Checkpoint {
  readonly globalStep: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly epochRng: Uint32Array;
  readonly seed: number;
  readonly batch: number;
}

const FORMAT = "dlm-checkpoint-1";

export function signature(mod: TrainerModule): string {
  return mod.parameters.map((p) => `${p.name}[${p.shape.join(",")}]`).join(";");
}

function f32(a: Float32Array | Float64Array): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}

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

export function saveCheckpoint(file: string, mod: TrainerModule, t: TrainerInstance, ck: Checkpoint): void {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const p of mod.parameters)
    tensors[p.name] = { dtype: "F32", shape: [...p.shape], data: f32(t.params.subarray(p.offset, p.offset + p.size)) };
  for (const [buf, arr] of Object.entries(t.state)) {
    for (const p of mod.parameters)
      tensors[`optimizer/${buf}/${p.name}`] = { dtype: "F32", shape: [...p.shape], data: f32(arr.subarray(p.offset, p.offset + p.size)) };
  }
  const rngNow = new Uint32Array(4);
  t.rng.saveState(rngNow);
  const metadata = {
    format: FORMAT,
    program: mod.program.name,
    signature: signature(mod),
    global_step: String(ck.globalStep),
    epoch: String(ck.epoch),
    batch_in_epoch: String(ck.batchInEpoch),
    batch: String(ck.batch),
    seed: String(ck.seed),
    rng: Array.from(rngNow).join(","),
    epoch_rng: Array.from(ck.epochRng).join(","),
    step_counts: Array.from(t.stepCounts).join(","),
  };
  try {
    saveSafetensors(file, tensors, metadata);
  } catch (e) {
    // saveSafetensors leaves the previous checkpoint in place when a write fails.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new DataError(`cannot write the checkpoint (${code}); the previous checkpoint, if any, is unchanged`, file);
  }
}

/** Restores parameters, optimizer state, step counts and RNG; returns where to continue. */
export function loadCheckpoint(file: string, mod: TrainerModule, t: TrainerInstance): Checkpoint {
  const { tensors, metadata } = loadSafetensors(file);
  if (metadata.format !== FORMAT)
    throw new DataError(
      `is not a dlm checkpoint (metadata format is ${JSON.stringify(metadata.format ?? null)}, expected "${FORMAT}")`,
      file,
    );
  if (metadata.signature !== signature(mod)) {
    throw new DataError(
      `was written by \`train ${metadata.program}\` with other parameters; this trainer (\`train ${mod.program.name}\`) expects ${mod.parameters.length} tensors: ${mod.parameters
        .map((p) => `${p.name} [${p.shape.join(", ")}]`)
        .slice(0, 4)
        .join(", ")}${mod.parameters.length > 4 ? ", ..." : ""}`,
      file,
    );
  }
  const words = (key: string, count: number): number[] => {
    const v = (metadata[key] ?? "").split(",").map(Number);
    if (v.length !== count || v.some((x) => !Number.isFinite(x))) throw new DataError(`has a corrupt "${key}" entry in its metadata`, file);
    return v;
  };
  const take = (name: string, into: Float32Array | Float64Array, offset: number, size: number) => {
    const tensor = tensors[name];
    if (!tensor || tensor.dtype !== "F32" || tensor.data.length !== size)
      throw new DataError(`is missing tensor "${name}" (F32, ${size} values)`, file);
    into.set(tensor.data as Float32Array, offset);
  };
  for (const p of mod.parameters) take(p.name, t.params, p.offset, p.size);
  for (const [buf, arr] of Object.entries(t.state))
    for (const p of mod.parameters) take(`optimizer/${buf}/${p.name}`, arr, p.offset, p.size);
  t.stepCounts.set(words("step_counts", t.stepCounts.length));
  t.rng.loadState(Uint32Array.from(words("rng", 4)));
  const int = (key: string) => words(key, 1)[0];
  return {
    globalStep: int("global_step"),
    epoch: int("epoch"),
    batchInEpoch: int("batch_in_epoch"),
    epochRng: Uint32Array.from(words("epoch_rng", 4)),
    seed: int("seed"),
    batch: int("batch"),
  };
}
