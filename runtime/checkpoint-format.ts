// What a checkpoint holds, on any engine (checkpoint.ts writes and reads them as files in
// Node; a page takes the bytes): every parameter under its .dlm name ("cnn/dense/kernel",
// Keras layout), the optimizer state as "optimizer/<buffer>/<name>", and in the metadata what
// resuming needs: the step counter, the position in the epoch, the RNG state (now and at the
// epoch's start), the optimizer step counts, and a signature of the parameter table so that a
// checkpoint of another model is refused. A model trained on text also stores the
// vocabularies its ids stand for (`vocab_words`, `vocab_tags`, `vocab_chars`: JSON lists).
import type { TrainerInstance, TrainerModule } from "./trainer-module.js";
import type { BrownVocab } from "./data/brown.js";
import { encodeSafetensors, type SafetensorsTensor } from "./safetensors-format.js";

export interface Checkpoint {
  readonly globalStep: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly epochRng: Uint32Array;
  readonly seed: number;
  readonly batch: number;
  /** The training controls' state (callbacks.ts Controls.encode), when the run has any. */
  readonly controls?: string;
  /** Early stopping's best weights (restore_best_weights), laid out as the parameters; saved as `best/<name>`. */
  readonly bestWeights?: Float32Array | Float64Array | null;
  /** The vocabularies of the text the model reads (brown.tagged): what each word and tag id stands for. */
  readonly vocab?: BrownVocab;
  /** The characters of character data (`vocab_chars`: id 0 `<unk>`, then one character per id). */
  readonly chars?: readonly string[];
  /** Differentially private training: the privacy spent so far (ε by the tutorial's and the tighter conversion, δ), for the record. */
  readonly privacy?: { readonly epsilon: number; readonly tighter: number; readonly delta: number };
}

export const FORMAT = "dlm-checkpoint-1";

export function signature(mod: TrainerModule): string {
  return mod.parameters.map((p) => `${p.name}[${p.shape.join(",")}]`).join(";");
}

export function f32(a: Float32Array | Float64Array): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}

/** The parameters an optimizer updates (state, such as moving statistics, and frozen parameters have no optimizer state). */
export const trained = (mod: TrainerModule) => mod.parameters.filter((p) => !p.state && !p.frozen);

/** The tensors and metadata of a checkpoint of `t` at `ck`. */
export function checkpointContents(
  mod: TrainerModule,
  t: TrainerInstance,
  ck: Checkpoint,
): { tensors: Record<string, SafetensorsTensor>; metadata: Record<string, string> } {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const p of mod.parameters)
    tensors[p.name] = { dtype: "F32", shape: [...p.shape], data: f32(t.params.subarray(p.offset, p.offset + p.size)) };
  for (const [buf, arr] of Object.entries(t.state)) {
    for (const p of trained(mod))
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
    ...(ck.controls !== undefined ? { controls: ck.controls } : {}),
    ...(ck.vocab ? { vocab_words: JSON.stringify(ck.vocab.words), vocab_tags: JSON.stringify(ck.vocab.tags) } : {}),
    ...(ck.chars ? { vocab_chars: JSON.stringify(ck.chars) } : {}),
    ...(ck.privacy
      ? {
          privacy_epsilon: String(ck.privacy.epsilon),
          privacy_epsilon_tighter: String(ck.privacy.tighter),
          privacy_delta: String(ck.privacy.delta),
        }
      : {}),
  };
  if (ck.bestWeights)
    for (const p of mod.parameters)
      tensors[`best/${p.name}`] = { dtype: "F32", shape: [...p.shape], data: f32(ck.bestWeights.subarray(p.offset, p.offset + p.size)) };
  return { tensors, metadata };
}

/** A checkpoint as the bytes of a safetensors file (what `dlm train --save` writes), e.g. for a page to download or keep. */
export function checkpointBytes(mod: TrainerModule, t: TrainerInstance, ck: Checkpoint): Uint8Array {
  const { tensors, metadata } = checkpointContents(mod, t, ck);
  const parts = encodeSafetensors(tensors, metadata);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
