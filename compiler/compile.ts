// The dlm pipeline, one line per phase. Each phase takes the previous phase's output and
// returns new plain data or diagnostics; the first phase with errors stops the pipeline
// (later phases assume earlier guarantees: shapes assume resolved names, and so on).
//
//   frontEnd:       bytes ─decode→ SourceFile ─parse→ AST ─lower→ Graph IR ─shapes→ typed IR
//                   per train block: ─inline→ flat program ─logits→ stable losses
//                   ─schedule (autodiff per step)→ TrainingProgram
//   compileTrainer: ─fuse→ kernel groups ─plan memory→ offsets ─emit→ trainer.ts (+ .wasm) ─prettier→
//
// Every train block is scheduled (and differentiated) by the front end, so `dlm check`
// reports a step that cannot train its model as compiling would. Each op's facts come
// from the op registry (compiler/ops); docs/architecture.md is the map.
import { decodeSource, makeSource, positionOf, type DecodeFailure, type SourceFile } from "./source.js";
import { parse } from "./syntax/parse.js";
import { lower } from "./frontend/lower.js";
import { inferShapes } from "./frontend/shapes.js";
import { checkTrainControls } from "./frontend/train-controls.js";
import { inline } from "./middle/inline.js";
import { useLogits } from "./middle/logits.js";
import { privacyWarnings } from "./frontend/privacy.js";
import { schedule } from "./middle/schedule.js";
import { checkInit } from "./frontend/transfer.js";
import { checkTextSources } from "./frontend/text-source.js";
import type { ProgramIR } from "./ir/ir.js";
import type { TrainingProgram } from "./ir/train-ir.js";
import type { Program } from "./syntax/ast.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { optimizerState, planMemory, type MemoryPlan } from "./wasm/plan-memory.js";
import { fuse, type FusedProgram } from "./wasm/fuse.js";
import { foldBatchnorms } from "./middle/fold-norm.js";
import { aliasOps } from "./ops/index.js";
import type { TrainerModule } from "../runtime/trainer-module.js";
import type { Target } from "./target.js";

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
    const controls = [...checkTrainControls(typed.ir), ...checkTextSources(typed.ir, path)]; // class weights and metrics; text files are UTF-8
    if (controls.length > 0) return { source, ast: parsed.ast, diagnostics: controls };
    // Each step must reach the parameters it trains (DL4xxx): found by scheduling and
    // differentiating every train block, so `dlm check` reports what compiling would.
    const warnings: Diagnostic[] = [];
    const scheduled = typed.ir.trains.map((t) => {
      const inlined = inline(typed.ir!, t); //            calls inlined, composites expanded, parameters global
      const logits = useLogits(inlined.flat); //          cross-entropies of a softmax/sigmoid read its logits
      warnings.push(...logits.warnings); //               (a cross-entropy's warnings)
      warnings.push(...privacyWarnings(t)); //            δ of a DP optimizer not below 1/N
      return [t.name, schedule(typed.ir!, t, { ...inlined, flat: logits.flat })] as const; // phases; autodiff per step
    });
    const steps = scheduled.flatMap(([, s]) => s.diagnostics);
    if (steps.length > 0) return { source, ast: parsed.ast, diagnostics: inSourceOrder([...warnings, ...steps]) };
    // `init FILE`: the file's tensors matched with each block's parameters (frontend/transfer.ts).
    const inits = typed.ir.trains.flatMap((t) =>
      t.init ? [[t, checkInit(t.init, scheduled.find(([n]) => n === t.name)![1].tp!, path)] as const] : [],
    );
    const initErrors = inits.flatMap(([, r]) => r.diagnostics);
    if (initErrors.length > 0) return { source, ast: parsed.ast, diagnostics: inSourceOrder([...warnings, ...initErrors]) };
    const initOf = new Map(inits.map(([t, r]) => [t.name, r.spec!]));
    const trainings = new Map(
      scheduled.map(([name, s]) => {
        const init = initOf.get(name);
        return [name, init ? { ...s.tp!, settings: { ...s.tp!.settings, init } } : s.tp!];
      }),
    );
    // Warnings do not stop compilation: they come with the typed IR.
    return { source, ast: parsed.ast, ir: typed.ir, trainings, diagnostics: inSourceOrder(warnings) };
  } catch (e) {
    return { source, diagnostics: [internalError(e)] };
  }
}

/** Diagnostics by position (a stable sort), each warning once per place: a loss in two train blocks' flat programs warns once. */
function inSourceOrder(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const once = ds.filter((d) => {
    if (d.severity !== "warning") return true;
    const key = `${d.code}@${d.span.start}:${d.span.end}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return once.sort((a, b) => a.span.start - b.span.start);
}

/** A bug in dlm, not in the program: reported as DL9001 at 1:1 with what we know. */
export function internalError(e: unknown): Diagnostic {
  const what = e instanceof Error ? e.message : String(e);
  return error(
    "DL9001",
    `internal compiler error: ${what}`,
    { start: 0, end: 0 },
    { hint: "this is a bug in dlm, not in your program; please report it with this file" },
  );
}

/** Not UTF-8, or a NUL byte: located at the bad byte in a source made of the valid prefix. */
function undecodable(path: string, f: DecodeFailure): FrontEndResult {
  const source = makeSource(path, f.display);
  const at = f.prefix.length;
  const pos = positionOf(source, at);
  const d =
    f.kind === "nul"
      ? error(
          "DL1005",
          `the file contains a NUL byte (byte ${f.byteOffset}, line ${pos.line})`,
          { start: at, end: at + 1 },
          { hint: "is this a binary file? .dlm sources are UTF-8 text" },
        )
      : error(
          "DL1004",
          `the file is not valid UTF-8 (byte ${f.byteOffset}, line ${pos.line})`,
          { start: at, end: at + 1 },
          { hint: "save the file as UTF-8" },
        );
  return { source, diagnostics: [d] };
}

export type Backend = "ts" | "wasm";

export interface CompileOptions {
  /** Module specifier of the runtime folder, e.g. "./runtime" (no trailing slash). */
  readonly runtimeImport: string;
  /** The .dlm file's folder as a URL relative to the emitted module (or absolute). */
  readonly sourceDir: string;
  /** Format with prettier (default true; tests that only run the code skip it). */
  readonly format?: boolean;
  /** "wasm" (default): kernels in a WebAssembly module; "ts": the reference kernels. */
  readonly backend?: Backend;
  /** Also return the kernel module as WebAssembly text. */
  readonly wat?: boolean;
  /**
   * Fuse ops into kernels (default true), and fold evaluation's batch norms into the layer
   * before them (middle/fold-norm.ts); false: one kernel per op, the same numbers but for
   * the folding's float32 rounding (`--no-fuse`).
   */
  readonly fuse?: boolean;
  /** Also build the relaxed-SIMD variant (default true; `dlm train` skips it where this engine could not load it). */
  readonly relaxed?: boolean;
  /** "node" (default): a trainer script for node; "browser": a module for a page or a worker (docs/browser.md). */
  readonly target?: Target;
}

export interface CompiledTrainer {
  readonly program: TrainingProgram;
  /** The trainer module, formatted TypeScript. */
  readonly ts: string;
  /** The file name the trainer module should have, without extension. */
  readonly name: string;
  /** The WebAssembly backend's kernel module. */
  readonly wasm?: {
    readonly file: string;
    readonly binary: Uint8Array;
    /** The same kernels with relaxed SIMD (f32x4.relaxed_madd), for engines that accept it (unless not asked for). */
    readonly relaxedFile?: string;
    readonly relaxedBinary?: Uint8Array;
    readonly text?: string;
    readonly kernels: readonly { readonly name: string; readonly ops: readonly string[] }[];
    /** Linear memory at batch size B: fixed + perRow · B bytes. */
    readonly memory: { readonly fixed: number; readonly perRow: number };
    readonly plan: MemoryPlan;
    readonly fused: FusedProgram;
  };
}

/**
 * The back half, for one `train` block of a checked program (its TrainingProgram, which
 * frontEnd scheduled):
 *
 *   TrainingProgram ─fuse→ kernel groups ─plan memory→ offsets ─emit→ trainer.ts (+ kernels.wasm)
 *                   ─binaryen→ NAME.wasm, NAME.relaxed.wasm ─prettier→ formatted
 *
 * Fusion runs before the memory plan: a fused kernel is one position in the live ranges,
 * and values only its own kernel reads get no buffer.
 * Code generators (ts-morph, prettier, binaryen) load here, on first use, so `dlm check` stays fast.
 */
export async function compileTrainer(front: FrontEndResult, trainName: string, opts: CompileOptions): Promise<CompiledTrainer> {
  // frontEnd already scheduled every train block (inline, logits, autodiff, phases, layout).
  const scheduled = front.trainings?.get(trainName);
  if (!scheduled) throw new Error(`internal: train block ${trainName} was not scheduled`);
  // Evaluation and inference: batch norms folded into the dense or conv2d layer before them (with fusion).
  const tp = opts.fuse === false ? scheduled : foldBatchnorms(scheduled);
  const { emitTrainerTs } = await import("./emit/emit-trainer.js");
  const name = fileName(trainName);
  const backend = opts.backend ?? "wasm";
  const fused = backend === "wasm" ? fuse(tp, opts.fuse ?? true) : undefined; //                 ops → kernels
  const plan = fused ? planMemory(tp, aliasOps, optimizerState(tp), fused) : undefined; //       offsets from lifetimes
  const file = `${name}.wasm`;
  const relaxedFile = opts.relaxed === false ? undefined : `${name}.relaxed.wasm`;
  const wasmOpts = plan && fused ? { plan, fused, file, relaxedFile } : undefined;
  const emitted = emitTrainerTs(tp, {
    runtimeImport: opts.runtimeImport,
    source: front.source,
    sourcePath: front.source.path,
    sourceDir: opts.sourceDir,
    wasm: wasmOpts,
    target: opts.target === "browser" ? "browser" : "node",
  });
  let wasm: CompiledTrainer["wasm"];
  if (plan) {
    const { loadBinaryen } = await import("./wasm/kernels/binaryen.js");
    const { buildModule } = await import("./wasm/kernels/module.js");
    const b = await loadBinaryen();
    const { withThreadsSection } = await import("./wasm/threads-section.js");
    const build = (relaxed: boolean) => {
      const m = buildModule(b, (mod) => emitted.kernels.forEach((k) => k.add(b, mod, k.name, { relaxed })), {
        text: opts.wat && !relaxed,
        relaxed,
      });
      return { ...m, binary: withThreadsSection(m.binary, emitted.threads) }; // which kernels threads may split (runtime/threads)
    };
    const built = build(false);
    // The relaxed-SIMD variant (fused multiply-add), chosen at load time by feature detection.
    const relaxedBinary = relaxedFile ? build(true).binary : undefined;
    wasm = {
      file,
      binary: built.binary,
      relaxedFile,
      relaxedBinary,
      text: built.text,
      kernels: emitted.kernels.map((k) => ({ name: k.name, ops: k.ops })),
      memory: emitted.memory!,
      plan,
      fused: fused!,
    };
  }
  if (opts.format === false) return { program: tp, ts: emitted.text, name, wasm }; // tests that only run the code
  const prettier = await import("prettier");
  const ts = await prettier.format(emitted.text, { parser: "typescript", printWidth: 120 });
  return { program: tp, ts, name, wasm };
}

/** The WebAssembly backend's memory plan of a train block (no code generator loaded: `dlm check`). */
export async function memoryPlanOf(front: FrontEndResult, trainName: string, fuseOps = true): Promise<MemoryPlan> {
  const scheduled = front.trainings?.get(trainName);
  if (!scheduled) throw new Error(`internal: train block ${trainName} was not scheduled`);
  const tp = fuseOps ? foldBatchnorms(scheduled) : scheduled;
  return planMemory(tp, aliasOps, optimizerState(tp), fuse(tp, fuseOps));
}

/** A train block's name as a file name. */
function fileName(train: string): string {
  return train.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Every file of a compiled trainer: NAME.ts, NAME.js and the kernels NAME.wasm and NAME.relaxed.wasm (wasm backend). */
export async function trainerFiles(c: CompiledTrainer): Promise<{ readonly file: string; readonly data: string | Uint8Array }[]> {
  const files: { file: string; data: string | Uint8Array }[] = [
    { file: `${c.name}.ts`, data: c.ts },
    { file: `${c.name}.js`, data: await toJavaScript(c.ts, `${c.name}.ts`) },
  ];
  if (c.wasm) files.push({ file: c.wasm.file, data: c.wasm.binary });
  if (c.wasm?.relaxedFile && c.wasm.relaxedBinary) files.push({ file: c.wasm.relaxedFile, data: c.wasm.relaxedBinary });
  return files;
}

/**
 * Loads a compiled trainer as a module in this process: its files go to a temporary folder
 * (NAME.mjs beside its kernel modules, which it reads while it loads), removed once loaded.
 */
export async function importTrainer(compiled: CompiledTrainer, prefix = "dlm-"): Promise<TrainerModule> {
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    for (const f of await trainerFiles(compiled)) writeFileSync(path.join(dir, f.file.replace(/\.js$/, ".mjs")), f.data);
    return (await import(pathToFileURL(path.join(dir, `${compiled.name}.mjs`)).href)) as TrainerModule;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** TypeScript → JavaScript (types erased), with the TypeScript that ts-morph bundles. */
export async function toJavaScript(ts: string, fileName: string): Promise<string> {
  const { ts: typescript } = await import("ts-morph");
  return typescript.transpileModule(ts, {
    fileName,
    compilerOptions: { module: typescript.ModuleKind.ESNext, target: typescript.ScriptTarget.ES2022, removeComments: false },
  }).outputText;
}
