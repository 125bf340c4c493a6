// The command line of a compiled trainer (`node out/cnn.js --epochs 1`) and of `dlm train`:
// options, training, the final `test loss … accuracy …` line, and errors a user can fix
// (bad data, a diverged run) printed as one clear message with exit code 1 — never a stack.
import { statSync } from "node:fs";
import { totalmem } from "node:os";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { train, type TrainerModule, type TrainOptions } from "./trainer.js";
import { DataError, TrainingError } from "./errors.js";
import { KernelProfile } from "./profile.js";
import { trainSettingRanges, type IntRange } from "./ranges.js";
import type { DataInfo } from "./data/load.js";
import { memoryProblem } from "./memory.js";
import { formatConfusion } from "./eval-metrics.js";
import { defaultThreads, MAX_THREADS, threadsFromEnv } from "./threads/index.js";

export const trainUsage = `options:
  --epochs N            epochs (default: the .dlm file's)
  --batch N             batch size (default: the .dlm file's)
  --seed N              RNG seed (default: the .dlm file's, else 0)
  --data PATH           the MNIST folder, the CSV file, or the folder for idx/npy paths
  --save FILE           write a checkpoint (safetensors) at the end
  --checkpoint-every N  ... and every N steps
  --resume FILE         continue from a checkpoint
  --max-steps N         stop after N steps in all (and save, with --save)
  --samples DIR         where a GAN writes its image grids and loss plot (default samples/<name>);
                        an autoencoder (autoencode=true): 8 test images above their reconstructions
  --log FILE            training curves: a row per epoch in FILE.csv or FILE.jsonl, and FILE.svg after training
  --log-every N         ... and a row every N steps
  --confusion           print the test split's confusion matrix, with each class's precision, recall and f1
  --quiet               no progress output
  --profile             time every kernel (WebAssembly trainers) and print where the time went
  --wasm-variant V      simd128 (default, the same bits on every engine) or relaxed: the
                        relaxed-SIMD kernels (fused multiply-add; node 20 needs
                        --experimental-wasm-relaxed-simd); DLM_WASM_VARIANT=V does the same
  --threads N           threads the kernels run on (WebAssembly trainers; default: DLM_THREADS,
                        else one per core); every thread count computes the same numbers, bit for bit
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
  log: { type: "string" },
  "log-every": { type: "string" },
  confusion: { type: "boolean" },
  quiet: { type: "boolean" },
  profile: { type: "boolean" },
  "wasm-variant": { type: "string" },
  threads: { type: "string" },
} as const;

export class UsageError extends Error {}

/** The range of each numeric option: the train settings' (as in a .dlm file) and the command line's own. */
export const optionRanges = {
  ...trainSettingRanges,
  "checkpoint-every": { min: 1 },
  "max-steps": { min: 0 },
  "log-every": { min: 1 },
  threads: { min: 1, max: MAX_THREADS },
} as const satisfies Record<string, IntRange>;

/**
 * The value of the numeric option `--flag`: a decimal integer (written as in a .dlm file:
 * `1000`, `1e3` and `1000.0` are the same integer) within `range`, else a UsageError that
 * names the flag and the range. The upper bound is at most 2^53 − 1, so every accepted
 * value is exact.
 */
export function intOption(flag: string, text: string, range: IntRange): number {
  const max = Math.min(range.max ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const fail = (why = "") => new UsageError(`--${flag} must be an integer in [${range.min}, ${max}]${why}, not '${text}'`);
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) throw fail();
  const n = Number(text);
  if (!Number.isInteger(n) || !literalIsInteger(text)) throw fail();
  if (n < range.min || n > max) throw fail();
  return n === 0 ? 0 : n; // not -0
}

/** Whether a decimal literal denotes an integer exactly (no nonzero digit after the point), as the compiler decides. */
function literalIsInteger(raw: string): boolean {
  const [mantissa, exponent = "0"] = raw.replace(/^[+-]/, "").split(/[eE]/);
  const [whole, fraction = ""] = mantissa.split(".");
  const point = whole.length + Number(exponent);
  return /^0*$/.test((whole + fraction).slice(Math.max(0, point)));
}

/**
 * node's parseArgs refuses `--epochs -1` as ambiguous (is -1 an option?): a number after a
 * valued option is that option's value, so it reaches intOption and gets its message.
 */
export function joinNumericValues(args: readonly string[], spec: Readonly<Record<string, { readonly type: string }>>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") return [...out, ...args.slice(i)];
    const name = a.startsWith("--") ? a.slice(2) : undefined;
    const next = args[i + 1];
    if (name && spec[name]?.type === "string" && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Turns parsed option values into TrainOptions. */
export function trainOptions(values: Record<string, string | boolean | undefined>): TrainOptions {
  const o: TrainOptions = {};
  const set = <K extends keyof TrainOptions>(k: K, v: TrainOptions[K] | undefined) => v !== undefined && (o[k] = v);
  const int = (flag: keyof typeof optionRanges) => {
    const v = values[flag];
    return typeof v === "string" ? intOption(flag, v, optionRanges[flag]) : undefined;
  };
  set("epochs", int("epochs"));
  set("batch", int("batch"));
  set("seed", int("seed"));
  set("checkpointEvery", int("checkpoint-every"));
  set("maxSteps", int("max-steps"));
  set("logEvery", int("log-every"));
  if (Number.isNaN(threadsFromEnv()))
    throw new UsageError(`DLM_THREADS must be an integer in [1, ${MAX_THREADS}], not '${process.env.DLM_THREADS}'`);
  set("threads", int("threads") ?? defaultThreads());
  for (const flag of ["data", "save", "resume", "samples", "log"] as const)
    if (values[flag] === "") throw new UsageError(`--${flag} needs a path, not an empty string`);
  set("data", values.data as string | undefined);
  set("save", values.save as string | undefined);
  set("resume", values.resume as string | undefined);
  set("samples", values.samples as string | undefined);
  set("log", values.log as string | undefined);
  set("confusion", values.confusion as boolean | undefined);
  if (o.log !== undefined && !/\.(csv|jsonl)$/i.test(o.log)) throw new UsageError(`--log writes a .csv or a .jsonl file, not '${o.log}'`);
  if (o.logEvery && !o.log) throw new UsageError("--log-every needs --log FILE");
  set("quiet", values.quiet as boolean | undefined);
  if (values.profile) o.profile = new KernelProfile();
  // The kernels were chosen when the trainer loaded (wasm/node-kernels.ts reads the flag); a bad value is a usage error here.
  const variant = values["wasm-variant"];
  if (variant !== undefined && variant !== "simd128" && variant !== "relaxed")
    throw new UsageError(`--wasm-variant must be simd128 or relaxed, not '${String(variant)}'`);
  if (o.checkpointEvery && !o.save) throw new UsageError("--checkpoint-every needs --save FILE");
  return o;
}

/** `--data` must name what the program's source reads: a folder (mnist, idx, npy), or a CSV file or its folder (csv). */
function checkDataOption(data: DataInfo | null, given: string | undefined): void {
  if (given === undefined) return;
  if (!data) throw new UsageError("--data: this trainer reads no data");
  let folder: boolean;
  try {
    folder = statSync(given).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--data ${given}: ${code === "ENOENT" || code === "ENOTDIR" ? "no such file or folder" : `cannot read it (${code})`}`,
    );
  }
  const src = data.source;
  if (src.kind === "csv" || (src.kind === "chars" && src.file !== null) || folder) return;
  const what =
    src.kind === "mnist"
      ? "the folder of the four MNIST IDX files"
      : src.kind === "brown" || src.kind === "chars"
        ? "the folder of the Brown corpus files ca01 … cr09"
        : `the folder that holds ${src.kind === "idx" ? src.images : src.x} and the source's other files`;
  throw new UsageError(`--data ${given} is a file, but this trainer's ${src.kind} source reads a folder: ${what}`);
}

/** Trains and prints the test line; returns the exit code (2: a --batch too large for the trainer's memory). */
export function runTraining(
  mod: TrainerModule,
  opts: TrainOptions,
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): number {
  checkDataOption(mod.program.data as DataInfo | null, opts.data);
  // A batch the trainer's memory cannot hold: one line before any data is loaded or buffer allocated.
  const batch = opts.batch ?? mod.program.settings.batch;
  const problem = mod.memory && memoryProblem(mod.memory, batch, opts.batch !== undefined, totalmem());
  if (problem) {
    err.write(`error: ${problem}\n`);
    return opts.batch !== undefined ? 2 : 1;
  }
  try {
    const r = train(mod, { stream: out, note: (line) => err.write(`${line}\n`), ...opts });
    if (opts.profile) err.write(`\nkernel profile (wall time inside each kernel, over training and evaluation):\n${opts.profile.report()}`);
    if (r.test) {
      const metrics = Object.entries(r.test.metrics).map(([k, v]) => ` ${k} ${v.toFixed(4)}`);
      out.write(`test loss ${r.test.loss.toFixed(4)}${metrics.join("")}\n`);
      if (opts.confusion && r.test.confusion) out.write(formatConfusion(r.test.confusion));
    }
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
  // A reader that stops early (`node out/cnn.js | head`) is not the trainer's error: end
  // quietly instead of with node's EPIPE stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
  try {
    const { values, positionals } = parseArgs({
      args: joinNumericValues(argv, trainOptionSpec),
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
