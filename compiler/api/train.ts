// The API's `train`: the checked program compiled in memory, loaded as a module in this
// process and run by the runtime's training driver, as `dlm train` does, with its console
// output turned into values: no progress lines (the run is quiet and its stream discards),
// notes collected, steps and epochs reported through callbacks, the test evaluation returned.
import { totalmem } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { compileTrainer, importTrainer } from "../compile.js";
import { hasRelaxedSimd } from "../../runtime/wasm/instantiate.js";
import { train as runTrainer } from "../../runtime/trainer.js";
import { memoryProblem } from "../../runtime/memory.js";
import { DataError, TrainingError } from "../../runtime/errors.js";
import { optionRanges } from "../../runtime/main.js";
import { defaultThreads } from "../../runtime/threads/index.js";
import { failure, type Prepared } from "./prepare.js";
import type { Failure, TrainOptions, TrainResult } from "./types.js";

export async function trainIn(prepared: Prepared, file: string, o: TrainOptions, runtimeImport: string): Promise<TrainResult> {
  const bad = numberProblem(file, o);
  if (bad) return bad;
  const sourceDir = path.dirname(path.resolve(file));
  const compiled = await compileTrainer(prepared.result, prepared.name, {
    runtimeImport,
    sourceDir: pathToFileURL(sourceDir + path.sep).href,
    backend: o.backend ?? "wasm",
    format: false,
    fuse: o.fuse ?? true,
    // The trainer runs in this process: its relaxed module is built only if this engine could load it.
    relaxed: hasRelaxedSimd(),
  });
  const mod = await importTrainer(compiled);
  const batch = o.batch ?? mod.program.settings.batch;
  const problem = mod.memory && memoryProblem(mod.memory, batch, o.batch !== undefined, totalmem());
  if (problem) return failure(file, "memory", problem.replace(/^--batch/, "batch"));
  const notes: string[] = [];
  // The epoch's step losses, summed per `step` of the program, for onEpoch.
  const sums = new Float64Array(mod.program.steps.length);
  let stepsInEpoch = 0;
  try {
    const r = runTrainer(mod, {
      ...(o.epochs !== undefined ? { epochs: o.epochs } : {}),
      ...(o.batch !== undefined ? { batch: o.batch } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}),
      ...(o.data !== undefined ? { data: o.data } : {}),
      ...(o.save !== undefined ? { save: o.save } : {}),
      ...(o.checkpointEvery !== undefined ? { checkpointEvery: o.checkpointEvery } : {}),
      ...(o.resume !== undefined ? { resume: o.resume } : {}),
      ...(o.samples !== undefined ? { samples: o.samples } : {}),
      threads: o.threads ?? defaultThreads(),
      baseDir: sourceDir,
      quiet: true,
      stream: { write: () => true },
      note: (line) => notes.push(line),
      onStep: (step, losses) => {
        for (let k = 0; k < sums.length; k++) sums[k] += losses[k];
        stepsInEpoch++;
        o.onStep?.(step, Array.from(losses.subarray(0, sums.length)));
      },
      onEpoch: (epoch) => {
        const steps = stepsInEpoch;
        const losses = Array.from(sums, (s) => (steps > 0 ? s / steps : NaN));
        sums.fill(0);
        stepsInEpoch = 0;
        o.onEpoch?.(epoch, { steps, losses });
      },
    });
    return {
      ok: true,
      file,
      train: prepared.name,
      steps: r.steps,
      test: r.test ? { loss: r.test.loss, metrics: { ...r.test.metrics } } : null,
      stoppedEpoch: r.stoppedEpoch,
      notes,
      warnings: prepared.warnings,
    };
  } catch (e) {
    if (e instanceof DataError) return failure(file, "data", e.message);
    if (e instanceof TrainingError) return failure(file, "training", e.message);
    throw e;
  }
}

/** Each numeric option: an integer within the range the command line allows for its flag. */
function numberProblem(file: string, o: TrainOptions): Failure | undefined {
  const ranges = {
    epochs: optionRanges.epochs,
    batch: optionRanges.batch,
    seed: optionRanges.seed,
    maxSteps: optionRanges["max-steps"],
    checkpointEvery: optionRanges["checkpoint-every"],
    threads: optionRanges.threads,
  } as const;
  for (const [key, range] of Object.entries(ranges)) {
    const v = o[key as keyof typeof ranges];
    if (v === undefined) continue;
    const max = Math.min("max" in range ? range.max : Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (typeof v !== "number" || !Number.isInteger(v) || v < range.min || v > max)
      return failure(file, "options", `${key} must be an integer in [${range.min}, ${max}], not ${JSON.stringify(v)}`);
  }
  if (o.checkpointEvery !== undefined && o.save === undefined) return failure(file, "options", "checkpointEvery needs save");
  for (const key of ["data", "save", "resume", "samples"] as const)
    if (o[key] !== undefined && (typeof o[key] !== "string" || o[key] === "")) return failure(file, "options", `${key} must be a path`);
  return undefined;
}
