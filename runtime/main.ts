// The command line of a compiled trainer (`node out/cnn.js --epochs 1`) and of `dlm train`:
// options, training, the final `test loss … accuracy …` line, and errors a user can fix
// (bad data, a diverged run) printed as one clear message with exit code 1 — never a stack.
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { train, type TrainerModule, type TrainOptions } from "./trainer.js";
import { DataError, TrainingError } from "./errors.js";
import { KernelProfile } from "./profile.js";

export const trainUsage = `options:
  --epochs N            epochs (default: the .dlm file's)
  --batch N             batch size (default: the .dlm file's)
  --seed N              RNG seed (default: the .dlm file's, else 0)
  --data PATH           the MNIST folder, the CSV file, or the folder for idx/npy paths
  --save FILE           write a checkpoint (safetensors) at the end
  --checkpoint-every N  ... and every N steps
  --resume FILE         continue from a checkpoint
  --max-steps N         stop after N steps in all (and save, with --save)
  --samples DIR         where a GAN writes its image grids and loss plot (default samples/<name>)
  --quiet               no progress output
  --profile             time every kernel (WebAssembly trainers) and print where the time went
`;

export const trainOptionSpec = {
  epochs: { type: "string" },
  batch: { type: "string" },
  seed: { type: "string" },
  data: { type: "string" },
  save: { type: "string" },
  "checkpoint-every": { type: "string" },
  resume: { type: "string" },
  "max-steps": { type: "string" },
  samples: { type: "string" },
  quiet: { type: "boolean" },
  profile: { type: "boolean" },
} as const;

export class UsageError extends Error {}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not '${v}'`);
  return n;
}

/** Turns parsed option values into TrainOptions. */
export function trainOptions(values: Record<string, string | boolean | undefined>): TrainOptions {
  const o: TrainOptions = {};
  const set = <K extends keyof TrainOptions>(k: K, v: TrainOptions[K] | undefined) => v !== undefined && (o[k] = v);
  set("epochs", int("epochs", values.epochs as string | undefined, 1));
  set("batch", int("batch", values.batch as string | undefined, 1));
  set("seed", int("seed", values.seed as string | undefined, 0));
  set("checkpointEvery", int("checkpoint-every", values["checkpoint-every"] as string | undefined, 1));
  set("maxSteps", int("max-steps", values["max-steps"] as string | undefined, 0));
  set("data", values.data as string | undefined);
  set("save", values.save as string | undefined);
  set("resume", values.resume as string | undefined);
  set("samples", values.samples as string | undefined);
  set("quiet", values.quiet as boolean | undefined);
  if (values.profile) o.profile = new KernelProfile();
  if (o.checkpointEvery && !o.save) throw new UsageError("--checkpoint-every needs --save FILE");
  return o;
}

/** Trains and prints the test line; returns the exit code. */
export function runTraining(
  mod: TrainerModule,
  opts: TrainOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): number {
  try {
    const r = train(mod, { stream: out, note: (line) => err.write(`${line}\n`), ...opts });
    if (opts.profile) err.write(`\nkernel profile (wall time inside each kernel, over training and evaluation):\n${opts.profile.report()}`);
    if (r.test)
      out.write(`test loss ${r.test.loss.toFixed(4)}${r.test.accuracy !== undefined ? ` accuracy ${r.test.accuracy.toFixed(4)}` : ""}\n`);
    return 0;
  } catch (e) {
    if (e instanceof DataError || e instanceof TrainingError) {
      err.write(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

/** `node trainer.js [options]`. */
export function runMain(mod: TrainerModule, argv: readonly string[], baseDir?: string): number {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...trainOptionSpec, help: { type: "boolean" } },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(`usage: node ${mod.program.name}.js [options]\n\n${trainUsage}`);
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return runTraining(mod, { ...trainOptions(values), ...(baseDir ? { baseDir } : {}) });
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`error: ${e.message}\n\nusage: node ${mod.program.name}.js [options]\n\n${trainUsage}`);
      return 2;
    }
    throw e;
  }
}

/** True when the module at `url` is the script node was started with. */
export function isMain(url: string): boolean {
  return !!process.argv[1] && url === pathToFileURL(process.argv[1]).href;
}
