// The dlm pipeline, one line per phase. Each phase takes the previous phase's output and
// returns new plain data or diagnostics; the first phase with errors stops the pipeline
// (later phases assume earlier guarantees: shapes assume resolved names, and so on).
//
//   bytes ─decode→ SourceFile ─parse→ AST ─lower→ Graph IR ─shapes→ typed IR ─steps→ checked
//
// The back half (autodiff, optimizers, fusion, memory plan, emission) builds on the
// typed IR; see docs/architecture.md.
import { decodeSource, makeSource, positionOf, type DecodeFailure, type SourceFile } from "./source.js";
import { parse } from "./syntax/parse.js";
import { lower } from "./passes/lower.js";
import { inferShapes } from "./passes/shapes.js";
import { schedule } from "./passes/schedule.js";
import type { ProgramIR } from "./ir/ir.js";
import type { TrainingProgram } from "./ir/train-ir.js";
import type { Program } from "./syntax/ast.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";

export interface FrontEndResult {
  readonly source: SourceFile;
  readonly ast?: Program;
  /** The typed IR: present only when there are no errors. */
  readonly ir?: ProgramIR;
  /** Each train block scheduled and differentiated (with `ir`): what compileTrainer emits. */
  readonly trainings?: ReadonlyMap<string, TrainingProgram>;
  readonly diagnostics: readonly Diagnostic[];
}

export function frontEnd(path: string, bytes: Uint8Array): FrontEndResult {
  const decoded = decodeSource(path, bytes);
  if ("kind" in decoded) return undecodable(path, decoded);
  const source = decoded;
  try {
    const parsed = parse(source); //                      tokens, grammar, AST
    if (!parsed.ast) return { source, diagnostics: parsed.diagnostics };
    const lowered = lower(parsed.ast); //                 names, calls, options → Graph IR
    if (!lowered.ir) return { source, ast: parsed.ast, diagnostics: lowered.diagnostics };
    const typed = inferShapes(lowered.ir); //             every value gets a static shape
    if (!typed.ir) return { source, ast: parsed.ast, diagnostics: typed.diagnostics };
    // Each step must reach the parameters it trains (DL4xxx): found by scheduling and
    // differentiating every train block, so `dlm check` reports what compiling would.
    const scheduled = typed.ir.trains.map((t) => [t.name, schedule(typed.ir!, t)] as const);
    const steps = scheduled.flatMap(([, s]) => s.diagnostics);
    if (steps.length > 0) return { source, ast: parsed.ast, diagnostics: steps };
    const trainings = new Map(scheduled.map(([name, s]) => [name, s.tp!]));
    return { source, ast: parsed.ast, ir: typed.ir, trainings, diagnostics: [] };
  } catch (e) {
    return { source, diagnostics: [internalError(e)] };
  }
}

/** A bug in dlm, not in the program: reported as DL9001 at 1:1 with what we know. */
export function internalError(e: unknown): Diagnostic {
  const what = e instanceof Error ? e.message : String(e);
  return error("DL9001", `internal compiler error: ${what}`, { start: 0, end: 0 }, { hint: "this is a bug in dlm, not in your program; please report it with this file" });
}

/** Not UTF-8, or a NUL byte: located at the bad byte in a source made of the valid prefix. */
function undecodable(path: string, f: DecodeFailure): FrontEndResult {
  const source = makeSource(path, f.display);
  const at = f.prefix.length;
  const pos = positionOf(source, at);
  const d =
    f.kind === "nul"
      ? error("DL1005", `the file contains a NUL byte (byte ${f.byteOffset}, line ${pos.line})`, { start: at, end: at + 1 }, { hint: "is this a binary file? .dlm sources are UTF-8 text" })
      : error("DL1004", `the file is not valid UTF-8 (byte ${f.byteOffset}, line ${pos.line})`, { start: at, end: at + 1 }, { hint: "save the file as UTF-8" });
  return { source, diagnostics: [d] };
}

export interface CompiledTrainer {
  readonly program: TrainingProgram;
  /** The trainer module, formatted TypeScript. */
  readonly ts: string;
}

/**
 * The back half, for one `train` block of a checked program:
 *
 *   typed IR ─inline→ flat program ─logits→ stable losses ─autodiff+schedule→ TrainingProgram
 *            ─emit→ trainer.ts ─prettier→ formatted
 *
 * Code generators (ts-morph, prettier) load here, on first use, so `dlm check` stays fast.
 */
export async function compileTrainer(
  front: FrontEndResult,
  trainName: string,
  emit: { runtimeImport: string; sourceDir: string; format?: boolean },
): Promise<CompiledTrainer> {
  // frontEnd already scheduled every train block (inline, logits, autodiff, phases, layout).
  const tp = front.trainings?.get(trainName);
  if (!tp) throw new Error(`internal: train block ${trainName} was not scheduled`);
  const { emitTrainerTs } = await import("./emit/emit-ts.js");
  const raw = emitTrainerTs(tp, { runtimeImport: emit.runtimeImport, source: front.source, sourcePath: front.source.path, sourceDir: emit.sourceDir });
  if (emit.format === false) return { program: tp, ts: raw }; // tests that only run the code
  const prettier = await import("prettier");
  const ts = await prettier.format(raw, { parser: "typescript", printWidth: 120 });
  return { program: tp, ts };
}

/** TypeScript → JavaScript (types erased), with the TypeScript that ts-morph bundles. */
export async function toJavaScript(ts: string, fileName: string): Promise<string> {
  const { ts: typescript } = await import("ts-morph");
  return typescript.transpileModule(ts, {
    fileName,
    compilerOptions: { module: typescript.ModuleKind.ESNext, target: typescript.ScriptTarget.ES2022, removeComments: false },
  }).outputText;
}
