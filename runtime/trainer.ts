// The training driver in Node: the driver itself (train-loop.ts) with a host that reads the
// program's data source and `init FILE` from disk (relative paths against the .dlm file's
// folder), writes and reads checkpoints (safetensors, atomic), a GAN's sample grids, an
// autoencoder's reconstructions and training curves, and prints to stdout and stderr.
import * as path from "node:path";
import { loadData, type DataInfo } from "./data/load.js";
import { loadInit } from "./transfer.js";
import { checkWritable, loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { Samples, writeReconstructions } from "./samples.js";
import { CurveLog } from "./curves.js";
import { trainWith, type TrainHost, type TrainOptions as LoopOptions, type TrainResult } from "./train-loop.js";
import type { TrainerModule } from "./trainer-module.js";
import { withKernelThreads } from "./threads/index.js";

export { evaluateOn, initParameters, trainWith } from "./train-loop.js";
export type { Evaluation, TrainHost, TrainResult } from "./train-loop.js";

/** The driver's options and, in Node, the threads a WebAssembly trainer's kernels run on (runtime/threads; default 1). */
export interface TrainOptions extends LoopOptions {
  threads?: number;
}
export type { ParameterInfo, ProgramInfo, TraceEntry, TrainerInstance, TrainerModule, TrainerOptions } from "./trainer-module.js";

/** Node's host: files on disk, stdout and stderr. */
export const nodeHost: TrainHost = {
  get stdout() {
    return process.stdout;
  },
  note: (line) => process.stderr.write(`${line}\n`),
  loadData: (prog, opts) =>
    loadData(prog.data as DataInfo, prog.inputs, {
      baseDir: opts.baseDir ?? path.dirname(prog.source),
      ...(opts.data ? { override: opts.data } : {}),
    }),
  loadInit: (spec, mod, opts, trainer) => loadInit(spec, opts.baseDir ?? path.dirname(mod.program.source), mod.parameters, trainer),
  checkWritable,
  saveCheckpoint,
  loadCheckpoint,
  samples: (mod, trainer, o) => new Samples(mod, trainer, o),
  reconstructions: writeReconstructions,
  curveLog: (file, columns, append) => new CurveLog(file, columns, append),
};

/** Trains `mod` in this process (see train-loop.ts); any thread count gives the same numbers, bit for bit. */
export function train(mod: TrainerModule, opts: TrainOptions = {}): TrainResult {
  return withKernelThreads(opts.threads ?? 1, () => trainWith(nodeHost, mod, opts));
}
