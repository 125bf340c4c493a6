// What the API, the command line and the bundler plugin share on the way from a source to a
// trainer: the front end's result as a check report, the choice of a train block, the memory
// limits found before anything is compiled, and the files of a compiled trainer (with the
// runtime beside it, as `dlm compile -o DIR` writes them). Problems come back as values.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { totalmem } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { frontEnd, memoryPlanOf, trainerFiles, type CompiledTrainer, type FrontEndResult } from "../compile.js";
import { diagnosticsToJson, renderDiagnostics } from "../diagnostics/render.js";
import type { Diagnostic as InternalDiagnostic } from "../diagnostics/diagnostic.js";
import { memoryLimitDiagnostic, tsMemoryNeed } from "../wasm/memory-limit.js";
import { optimizerState } from "../wasm/plan-memory.js";
import { memoryProblem } from "../../runtime/memory.js";
import type { Backend, CheckReport, Diagnostic, Failure, OutputFile, Source } from "./types.js";

/** The package's folder (the nearest with a package.json above this module, in compiler/ or in dist/compiler/). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

/** The compiled runtime (dist/runtime), which trainers import, and its TypeScript sources (runtime/), copied beside them. */
export const runtimeJsDir = path.join(packageRoot(), "dist", "runtime") + path.sep;
export const runtimeTsDir = path.join(packageRoot(), "runtime") + path.sep;

/** A bug in dlm (an internal compiler error, DL9001): the one thing the API throws. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InternalError";
  }
}

export const defaultFile = "input.dlm";

export function sourceBytes(source: Source): Uint8Array {
  return typeof source === "string" ? new TextEncoder().encode(source) : source;
}

/** Diagnostics as `dlm check --format json` prints them (the first 100). */
export function jsonDiagnostics(result: FrontEndResult, ds: readonly InternalDiagnostic[] = result.diagnostics): Diagnostic[] {
  return diagnosticsToJson(result.source, ds) as Diagnostic[];
}

/** The object `dlm check FILE --format json` prints. */
export function checkReport(file: string, result: FrontEndResult): CheckReport {
  return { file, ok: !!result.ir, count: result.diagnostics.length, diagnostics: jsonDiagnostics(result) };
}

/** Throws InternalError when the front end met a bug (DL9001). */
export function throwIfInternal(result: FrontEndResult): void {
  const bug = result.diagnostics.find((d) => d.code.startsWith("DL9"));
  if (bug) throw new InternalError(bug.message);
}

export function failure(file: string, reason: Failure["reason"], message: string, diagnostics: readonly Diagnostic[] = []): Failure {
  return { ok: false, file, reason, message, diagnostics };
}

/** A failure located in the program: its diagnostics, and the text the command line prints for them. */
export function programFailure(file: string, result: FrontEndResult, ds: readonly InternalDiagnostic[] = result.diagnostics): Failure {
  return failure(file, "program", renderDiagnostics(result.source, ds).trimEnd(), jsonDiagnostics(result, ds));
}

/** The train block to compile: the one named, or the file's only one; else why not. */
export function chooseTrain(result: FrontEndResult, name: string | undefined): { readonly name: string } | { readonly problem: string } {
  const trains = result.ir!.trains.map((t) => t.name);
  const file = result.source.path;
  if (name !== undefined)
    return trains.includes(name) ? { name } : { problem: `${file} has no train block '${name}' (it has: ${trains.join(", ") || "none"})` };
  if (trains.length === 0) return { problem: `${file} has no train block to compile` };
  if (trains.length > 1)
    return { problem: `${file} has ${trains.length} train blocks (${trains.join(", ")}); choose one with --train NAME` };
  return { name: trains[0] };
}

/** A memory limit a train block is over: a located diagnostic, or a one-line message about a batch option. */
export type LimitProblem = { readonly diagnostic: InternalDiagnostic; readonly source: FrontEndResult } | string;

/** The WebAssembly plan against wasm32's 4 GiB: a located DL3012 for the file's batch, one line for a batch option. */
export async function memoryLimit(
  result: FrontEndResult,
  name: string,
  fuse: boolean,
  batch: number | undefined,
): Promise<LimitProblem | undefined> {
  const plan = await memoryPlanOf(result, name, fuse);
  const t = result.ir!.trains.find((x) => x.name === name)!;
  if (batch !== undefined) return memoryProblem({ backend: "wasm", ...plan.bytes }, batch, true, totalmem());
  const d = memoryLimitDiagnostic(result.ast, name, plan.bytes, t.settings.batch);
  return d && { diagnostic: d, source: result };
}

/** The TypeScript backend's buffers against this machine's memory. */
export function tsLimit(result: FrontEndResult, name: string, batch: number | undefined): LimitProblem | undefined {
  const tp = result.trainings!.get(name)!;
  const need = { backend: "ts" as const, ...tsMemoryNeed(tp, optimizerState(tp)) };
  return memoryProblem(need, batch ?? tp.settings.batch, batch !== undefined, totalmem());
}

/** The checked program with its train block chosen and within the memory limits, or why not. */
export interface Prepared {
  readonly ok: true;
  readonly result: FrontEndResult;
  readonly name: string;
  readonly warnings: readonly Diagnostic[];
}

export async function prepare(
  source: Source,
  file: string,
  opts: {
    readonly train?: string;
    readonly backend?: Backend;
    readonly fuse?: boolean;
    readonly batch?: number;
    readonly limits?: boolean;
  },
): Promise<Prepared | Failure> {
  const result = frontEnd(file, sourceBytes(source));
  throwIfInternal(result);
  if (!result.ir) return programFailure(file, result);
  const chosen = chooseTrain(result, opts.train);
  if ("problem" in chosen) return failure(file, "options", chosen.problem.replace("--train NAME", "the train option"));
  const limit =
    opts.limits === false
      ? undefined
      : (opts.backend ?? "wasm") === "wasm"
        ? await memoryLimit(result, chosen.name, opts.fuse ?? true, opts.batch)
        : tsLimit(result, chosen.name, opts.batch);
  if (typeof limit === "string") return failure(file, "memory", limit.replace(/^--batch/, "batch"));
  if (limit) return { ...programFailure(file, result, [...result.diagnostics, limit.diagnostic]), reason: "memory" };
  return { ok: true, result, name: chosen.name, warnings: jsonDiagnostics(result) };
}

/**
 * Every file of a compiled trainer, relative to its folder: NAME.ts, NAME.js, the kernels
 * (NAME.wasm, NAME.relaxed.wasm), NAME.wat when asked for, and with `runtime: "copy"` the
 * runtime under runtime/ (its JavaScript to run, its TypeScript sources to type-check) and a
 * package.json that makes the folder ES modules.
 */
export async function outputFiles(
  compiled: CompiledTrainer,
  opts: { readonly runtime: "copy" | "none"; readonly wat?: boolean },
): Promise<OutputFile[]> {
  const files: OutputFile[] = (await trainerFiles(compiled)).map((f) => ({ path: f.file, contents: f.data }));
  if (opts.wat && compiled.wasm?.text !== undefined) files.push({ path: `${compiled.name}.wat`, contents: compiled.wasm.text });
  if (opts.runtime === "copy") {
    files.push(...runtimeFiles());
    files.push({ path: "package.json", contents: JSON.stringify({ type: "module", private: true }, null, 2) + "\n" });
  }
  return files;
}

/** The runtime's files as `runtime/…`: the compiled JavaScript (no source maps or declarations), then the TypeScript sources. */
export function runtimeFiles(): OutputFile[] {
  const under = (dir: string, keep: (f: string) => boolean): OutputFile[] =>
    (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[])
      .filter(keep)
      .sort()
      .flatMap((f) => {
        const full = path.join(dir, f);
        let contents: Buffer;
        try {
          contents = readFileSync(full);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EISDIR") return [];
          throw e;
        }
        return [{ path: `runtime/${f.split(path.sep).join("/")}`, contents: new Uint8Array(contents) }];
      });
  return [...under(runtimeJsDir, (f) => !f.endsWith(".map") && !f.endsWith(".d.ts")), ...under(runtimeTsDir, () => true)];
}
