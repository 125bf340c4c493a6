// dlm as a library: `import { check, compile, train } from "dlm"` (docs/api.md).
//
//   check(source, { file })                        → the diagnostics, as `dlm check --format json` prints them
//   compile(source, { file, backend, fuse, target }) → the files of a trainer as { path, contents }, nothing written
//   train(source, { file, epochs, onStep, … })     → trains in this process; the test loss and metrics
//
// Each runs the command line's own code paths (the front end, the choice of a train block, the
// memory limits, the trainer's compilation and the runtime's training driver). None writes to
// the console or exits the process: a problem in the program, its options, its data or its
// training is returned as a Failure value; only a bug in dlm throws (InternalError).
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { compileTrainer, frontEnd } from "../compile.js";
import { isTarget, targets, type Target } from "../target.js";
import {
  checkReport,
  defaultFile,
  failure,
  outputFiles,
  prepare,
  programFailure,
  runtimeJsDir,
  sourceBytes,
  throwIfInternal,
} from "./prepare.js";
import { trainIn } from "./train.js";
import type { CheckReport, CompileOptions, CompileResult, Failure, Source, SourceOptions, TrainOptions, TrainResult } from "./types.js";

export type * from "./types.js";
export { InternalError } from "./prepare.js";
export { targets, type Target };

/** The targets this build can compile to; a target's compiler adds it here when it lands. */
export const availableTargets: readonly Target[] = ["node", "browser", "pytorch"];

/** Parses and type-checks a program: the same data as `dlm check FILE --format json`. */
export function check(source: Source, options: SourceOptions = {}): CheckReport {
  const file = options.file ?? defaultFile;
  const result = frontEnd(file, sourceBytes(source));
  throwIfInternal(result);
  return checkReport(file, result);
}

/** Compiles a program's train block into the files of a trainer, without writing them. */
export async function compile(source: Source, options: CompileOptions = {}): Promise<CompileResult> {
  const file = options.file ?? defaultFile;
  const target = options.target ?? "node";
  const bad = optionProblem(file, options) ?? targetProblem(file, target);
  if (bad) return bad;
  if (target === "pytorch") return compilePytorch(source, file, options);
  const prepared = await prepare(source, file, options);
  if (!prepared.ok) return prepared;
  const runtime = options.runtime ?? "copy";
  const outDir = path.resolve(options.outDir ?? ".");
  // The trainer finds the .dlm file's folder relative to itself, so that the two can move together.
  const rel = path
    .relative(outDir, path.dirname(path.resolve(file)))
    .split(path.sep)
    .join("/");
  const compiled = await compileTrainer(prepared.result, prepared.name, {
    runtimeImport: runtime === "copy" ? "./runtime" : runtime.import,
    sourceDir: options.sourceDir ?? `${rel === "" ? "." : rel}/`,
    backend: options.backend ?? "wasm",
    wat: options.wat ?? false,
    fuse: options.fuse ?? true,
    target,
  });
  return {
    ok: true,
    file,
    target,
    train: prepared.name,
    name: compiled.name,
    files: await outputFiles(compiled, { runtime: runtime === "copy" ? "copy" : "none", wat: options.wat ?? false }),
    parameters: compiled.program.paramCount,
    kernels: compiled.wasm ? compiled.wasm.kernels.map((k) => ({ name: k.name, ops: [...k.ops] })) : null,
    warnings: prepared.warnings,
  };
}

/** The PyTorch target: train.py and dlm_torch.py, as `dlm compile --target pytorch` writes them (docs/pytorch.md). */
async function compilePytorch(source: Source, file: string, options: CompileOptions): Promise<CompileResult> {
  const node = (["backend", "fuse", "wat", "runtime", "sourceDir", "outDir"] as const).filter((k) => options[k] !== undefined);
  if (node.length > 0)
    return failure(
      file,
      "options",
      `${node.join(", ")} choose how the node and browser targets' trainers are built; the pytorch target writes train.py`,
    );
  // No WebAssembly memory plan to check: the program runs in PyTorch.
  const prepared = await prepare(source, file, { ...options, limits: false });
  if (!prepared.ok) return prepared;
  const { pytorchProgram } = await import("../emit/pytorch/command.js");
  const r = pytorchProgram(prepared.result, prepared.name, file);
  if (!r.program) return programFailure(file, prepared.result, [...prepared.result.diagnostics, ...r.diagnostics]);
  return {
    ok: true,
    file,
    target: "pytorch",
    train: prepared.name,
    name: "train",
    files: r.program.files.map((f) => ({ path: f.file, contents: f.data })),
    parameters: r.program.paramCount,
    kernels: null,
    warnings: prepared.warnings,
  };
}

/** Compiles a program in memory and trains it in this process (`dlm train`, without its output). */
export async function train(source: Source, options: TrainOptions = {}): Promise<TrainResult> {
  const file = options.file ?? defaultFile;
  const bad = optionProblem(file, options);
  if (bad) return bad;
  const prepared = await prepare(source, file, options);
  if (!prepared.ok) return prepared;
  return trainIn(prepared, file, options, pathToFileURL(runtimeJsDir).href.replace(/\/$/, ""));
}

/** Options of the wrong kind (the API is called from JavaScript too, where nothing checks them). */
function optionProblem(file: string, o: CompileOptions | TrainOptions): Failure | undefined {
  if (o.backend !== undefined && o.backend !== "wasm" && o.backend !== "ts")
    return failure(file, "options", `backend must be "wasm" or "ts", not ${JSON.stringify(o.backend)}`);
  if (o.fuse !== undefined && typeof o.fuse !== "boolean")
    return failure(file, "options", `fuse must be true or false, not ${JSON.stringify(o.fuse)}`);
  if (o.train !== undefined && typeof o.train !== "string") return failure(file, "options", `train must be a train block's name`);
  return undefined;
}

function targetProblem(file: string, target: unknown): Failure | undefined {
  if (typeof target !== "string" || !isTarget(target))
    return failure(
      file,
      "options",
      `target must be one of ${targets.map((t) => JSON.stringify(t)).join(", ")}, not ${JSON.stringify(target)}`,
    );
  if (!availableTargets.includes(target))
    return failure(
      file,
      "target",
      `the ${target} target is not available in this build of dlm (it compiles to: ${availableTargets.join(", ")})`,
    );
  return undefined;
}
