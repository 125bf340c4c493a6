// Training in a web page or a Web Worker: what a trainer compiled with `dlm compile --target
// browser` needs beside its own module. Nothing here (nor anything it imports) imports a Node
// module: the data source's files come as bytes (the page fetches them, or the user picks
// them), checkpoints go out as bytes (safetensors, to download or keep in IndexedDB), and the
// training driver is the one Node runs (train-loop.ts), so a page given the same files and seed
// trains the same bits as `dlm train` with the SIMD128 kernels. docs/browser.md shows a worker.
import { trainWith, evaluateOn, type TrainHost, type TrainOptions, type TrainResult } from "./train-loop.js";
import { assembleData, type DataFiles, type DataInfo, type LoadedData } from "./data/assemble.js";
import { decodeIdx, rowsInMemory } from "./data/idx-format.js";
import { decodeNpy } from "./data/npy-format.js";
import { decodeCsv } from "./data/csv-format.js";
import { MNIST_FILES, mnistSplit } from "./data/mnist-split.js";
import { checkpointBytes } from "./checkpoint-format.js";
import { restoreCheckpoint } from "./checkpoint-restore.js";
import { decodeSafetensors } from "./safetensors-format.js";
import { DataError, TrainingError } from "./errors.js";
import type { ProgressStream } from "./progress.js";
import type { TrainerInstance, TrainerModule } from "./trainer-module.js";

export { evaluateOn, initParameters } from "./train-loop.js";
export { checkpointBytes } from "./checkpoint-format.js";
export { decodeSafetensors, encodeSafetensors } from "./safetensors-format.js";
export { DataError, TrainingError } from "./errors.js";
export { MNIST_FILES } from "./data/mnist-split.js";
export type { TrainResult, Evaluation } from "./train-loop.js";
export type { LoadedData } from "./data/assemble.js";
export type { TrainerInstance, TrainerModule } from "./trainer-module.js";

/** A file's contents. */
export type Bytes = ArrayBuffer | ArrayBufferView;

/**
 * The data source's files by name: for `mnist` the four MNIST file names
 * (`train-images-idx3-ubyte` …, MNIST_FILES), for `idx`, `npy` and `csv` the paths the
 * program names (`idx("train-x.idx", …)`).
 */
export type DataBytes = Readonly<Record<string, Bytes>>;

function asBytes(b: Bytes): Uint8Array {
  return b instanceof Uint8Array ? b : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : new Uint8Array(b);
}

/** `DataFiles` over bytes given by name (assemble.ts reads a source's files through it). */
export function filesFromBytes(files: DataBytes): DataFiles {
  const get = (name: string): Uint8Array => {
    const b = Object.hasOwn(files, name) ? files[name] : undefined;
    if (b === undefined) throw new DataError(`not among the files given (${Object.keys(files).join(", ") || "none"})`, name);
    return asBytes(b);
  };
  return {
    mnist: (split, _dir, range) => {
      const { images, labels } = MNIST_FILES[split];
      const img = decodeIdx(get(images), images, { dtype: "ubyte", rank: 3 });
      const lab = decodeIdx(get(labels), labels, { dtype: "ubyte", rank: 1 });
      return mnistSplit(rowsInMemory(img.shape, img.data as Uint8Array), lab, images, labels, range);
    },
    mnistOrigin: () => "the files given",
    idx: (p) => ({ file: p, tensor: decodeIdx(get(p), p) }),
    npy: (p) => ({ file: p, tensor: decodeNpy(get(p), p) }),
    csv: (p) => ({ file: p, table: decodeCsv(get(p), p) }),
    name: (p) => p,
    text: (src) => {
      throw new DataError(`a ${src.kind === "brown" ? "brown.tagged" : "character"} source reads a corpus from disk: train it with node`);
    },
  };
}

/** The train and test datasets of the trainer's `data` source, from its files' bytes. */
export function loadData(mod: TrainerModule, files: DataBytes): LoadedData {
  if (!mod.program.data) throw new TrainingError(`\`train ${mod.program.name}\` has no \`data\` setting`);
  return assembleData(mod.program.data as DataInfo, mod.program.inputs, filesFromBytes(files));
}

export interface BrowserTrainOptions
  extends Omit<TrainOptions, "data" | "baseDir" | "resume" | "samples" | "log" | "logEvery" | "stream" | "loaded"> {
  /** The data source's files (see DataBytes), or `loaded`: data already assembled (several runs on one data set). */
  readonly files?: DataBytes;
  readonly loaded?: LoadedData;
  /** Where the progress lines go (default: nowhere; `quiet` is the default in a page). */
  readonly stream?: ProgressStream;
  /**
   * With `save` (a name) and `checkpointEvery`: each checkpoint `dlm train --save` would write,
   * as the bytes of a safetensors file, to download or keep.
   */
  readonly onCheckpoint?: (name: string, bytes: Uint8Array) => void;
  /**
   * Continue a run from a checkpoint's bytes (what `onCheckpoint` received, a file the user
   * picked, or one `dlm train --save` wrote): its weights, optimizer state, step, place in the
   * epoch and random stream, checked against this run as `dlm train --resume` checks a file.
   */
  readonly resume?: Uint8Array;
  /** How messages name the `resume` checkpoint (default "checkpoint.safetensors"). */
  readonly resumeName?: string;
}

const nowhere: ProgressStream = { write: () => true };

/** A page's host: no file system; checkpoints as bytes through `onCheckpoint`, and resumed from `resume`'s bytes. */
function pageHost(onCheckpoint: BrowserTrainOptions["onCheckpoint"], resume: Uint8Array | undefined): TrainHost {
  const noFiles = (what: string): never => {
    throw new TrainingError(`${what} reads or writes files: not available in a page (train with node for it)`);
  };
  return {
    stdout: nowhere,
    note: (line) => console.warn(line),
    loadData: () => noFiles("loading data by path (give `files`)"),
    loadInit: () => noFiles("`init FILE`"),
    checkWritable: () => {
      if (!onCheckpoint) throw new TrainingError("`save` in a page needs `onCheckpoint`, which receives the checkpoint's bytes");
    },
    saveCheckpoint: (file, mod, trainer, ck) => onCheckpoint!(file, checkpointBytes(mod, trainer, ck)),
    loadCheckpoint: (file, mod, trainer, ctx) => {
      if (!resume) return noFiles("resuming from a file (give the checkpoint's bytes as `resume`)");
      return restoreCheckpoint(file, decodeSafetensors(resume, file), mod, trainer, {
        ...ctx,
        // A page trains no text source, so a checkpoint that holds a vocabulary is another run's.
        checkData: (metadata, f) => {
          if (metadata.vocab_words !== undefined || metadata.vocab_chars !== undefined)
            throw new DataError("stores the vocabulary of a text source, which a page does not train (resume it with node)", f);
        },
      });
    },
    samples: () => noFiles("a GAN's sample grids"),
    reconstructions: () => noFiles("an autoencoder's reconstruction images"),
    curveLog: () => noFiles("--log"),
  };
}

/**
 * Trains the module in this page or worker (synchronously: run it in a Web Worker and post
 * progress from `onStep` and `onEpoch`). The same driver as `dlm train`: the same seed and data
 * give the same losses, bit for bit, with the SIMD128 kernels.
 */
export function train(mod: TrainerModule, opts: BrowserTrainOptions = {}): TrainResult {
  const loaded = opts.loaded ?? (opts.files ? loadData(mod, opts.files) : undefined);
  if (!loaded) throw new TrainingError("give the data source's files (`files`) or data already loaded (`loaded`)");
  const { files: _files, onCheckpoint, resume, resumeName, ...rest } = opts;
  return trainWith(pageHost(onCheckpoint, resume), mod, {
    quiet: true,
    ...rest,
    loaded,
    ...(resume ? { resume: resumeName ?? "checkpoint.safetensors" } : {}),
  });
}

/**
 * Runs model `model` (default: the one the first step trains) on `n` rows of `input`
 * (row-major, in the model's input shape), in chunks of the trainer's batch; returns its
 * outputs (`n` × the output's row size). Dropout is off, as in evaluation.
 */
export function predict(mod: TrainerModule, trainer: TrainerInstance, input: Float32Array, n: number, model?: string): Float32Array {
  const name = model ?? mod.program.steps[0].model;
  const m = trainer.models[name];
  if (!m) throw new RangeError(`no model ${name} in this trainer (it has ${Object.keys(trainer.models).join(", ")})`);
  const info = mod.program.models.find((x) => x.name === name)!;
  const inRow = (info.inputs[0].slice(1) as number[]).reduce((a, d) => a * d, 1);
  const outRow = (info.output.slice(1) as number[]).reduce((a, d) => a * d, 1);
  if (input.length !== n * inRow)
    throw new RangeError(`predict: ${n} rows of ${inRow} values are ${n * inRow}; the input has ${input.length}`);
  const rows = m.inputs[0].length / inRow;
  const out = new Float32Array(n * outRow);
  for (let at = 0; at < n; at += rows) {
    const k = Math.min(rows, n - at);
    m.inputs[0].set(input.subarray(at * inRow, (at + k) * inRow));
    m.run(k);
    out.set(m.output.subarray(0, k * outRow), at * outRow);
  }
  return out;
}

/** Loss and metrics of the trained model on the test split (as `dlm train` prints them), from the files' bytes. */
export function evaluate(mod: TrainerModule, trainer: TrainerInstance, loaded: LoadedData, batch?: number) {
  if (!loaded.test || !trainer.evaluate) return null;
  return evaluateOn(mod, trainer, loaded.test, batch ?? mod.program.settings.batch);
}
