// The public types of dlm's programmatic API (`import { check, compile, train } from "dlm"`).
// They are plain data, written out here rather than re-exported from the compiler's
// internals, so that the declarations a user's editor reads stay small and stable.
import type { Target } from "../target.js";

export type { Target };

/** A place in a `.dlm` file: 0-based byte offset into the decoded text, 1-based line and column. */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export interface SourceLocation {
  readonly file: string;
  readonly start: SourcePosition;
  readonly end: SourcePosition;
}

/** One diagnostic, exactly as `dlm check --format json` prints it. */
export interface Diagnostic {
  /** Stable code: DL1xxx syntax, DL2xxx names and options, DL3xxx shapes, DL4xxx training, DL9xxx internal. */
  readonly code: string;
  /** The code's title in the catalogue. */
  readonly title: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly location: SourceLocation;
  readonly notes: readonly { readonly message: string; readonly location?: SourceLocation }[];
  readonly hint?: string;
}

/** What `check` returns: the object `dlm check FILE --format json` prints. */
export interface CheckReport {
  readonly file: string;
  /** No errors (warnings may be present). */
  readonly ok: boolean;
  /** Every diagnostic found; `diagnostics` holds the first 100 of them. */
  readonly count: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** The source of a program: its text, or its bytes (decoded as UTF-8, as the command line reads files). */
export type Source = string | Uint8Array;

export interface SourceOptions {
  /**
   * The file's path, as diagnostics name it; relative data paths (`csv("data.csv")`,
   * `init "base.safetensors"`) resolve against its folder. Default: `input.dlm` in the
   * working folder.
   */
  readonly file?: string;
}

export type Backend = "wasm" | "ts";

export interface CompileOptions extends SourceOptions {
  /** Which `train` block, when the file has several. */
  readonly train?: string;
  /** "wasm" (default): kernels in a WebAssembly module; "ts": the TypeScript reference kernels. */
  readonly backend?: Backend;
  /** Fuse ops into kernels (default true); false is `--no-fuse`. */
  readonly fuse?: boolean;
  /** What to compile for (default "node"). */
  readonly target?: Target;
  /**
   * Where the trainer finds the runtime. "copy" (default): the runtime's files are among the
   * returned files, under `runtime/`, with a package.json, as `dlm compile -o DIR` writes
   * them. `{ import: SPECIFIER }`: the trainer imports the runtime from SPECIFIER (a path or
   * URL of a runtime folder, no trailing slash) and no runtime file is returned.
   */
  readonly runtime?: "copy" | { readonly import: string };
  /**
   * The .dlm file's folder as the trainer finds it, relative to the trainer's own URL or
   * absolute (default: the relative path from `outDir` to the file's folder).
   */
  readonly sourceDir?: string;
  /** The folder the files are meant for, to make `sourceDir` relative (default: the working folder). */
  readonly outDir?: string;
  /** Also return the kernel module as WebAssembly text (`NAME.wat`). */
  readonly wat?: boolean;
}

/** One file of a compiled program: a path relative to the output folder, and its contents. */
export interface OutputFile {
  readonly path: string;
  readonly contents: string | Uint8Array;
}

export interface Compiled {
  readonly ok: true;
  readonly file: string;
  readonly target: Target;
  /** The train block compiled. */
  readonly train: string;
  /** The trainer's file name without extension: `files` holds NAME.ts and NAME.js, and NAME.wasm and NAME.relaxed.wasm on the wasm backend. */
  readonly name: string;
  readonly files: readonly OutputFile[];
  readonly parameters: number;
  /** The WebAssembly backend's kernels after fusion, each with the ops it computes (null on the ts backend). */
  readonly kernels: readonly { readonly name: string; readonly ops: readonly string[] }[] | null;
  /** Warnings of the program (errors make a Failure). */
  readonly warnings: readonly Diagnostic[];
}

/**
 * Why a call could not do what it was asked, as a value (the API throws only for a bug in dlm):
 *   program  the .dlm file has errors (`diagnostics`, located; `message` renders them with code frames)
 *   options  an option the call was given does not fit the program (a train block it lacks, a bad value)
 *   target   a target this build of dlm cannot compile to
 *   memory   the trainer would need more memory than WebAssembly or this machine has
 *   data     the training data (or a checkpoint) cannot be used as it is
 *   training the run could not go on (a loss that turned NaN)
 */
export interface Failure {
  readonly ok: false;
  readonly file: string;
  readonly reason: "program" | "options" | "target" | "memory" | "data" | "training";
  /** What the command line would print: `FILE:line:col: error DLxxxx: …` with the code frame, or one line. */
  readonly message: string;
  /** Located diagnostics (errors and warnings) when the reason is in the program, else []. */
  readonly diagnostics: readonly Diagnostic[];
}

export type CompileResult = Compiled | Failure;

export interface TrainOptions extends SourceOptions {
  readonly train?: string;
  readonly backend?: Backend;
  readonly fuse?: boolean;
  /** Epochs, batch size and seed (default: the .dlm file's settings). */
  readonly epochs?: number;
  readonly batch?: number;
  readonly seed?: number;
  /** Stop after this many steps in all. */
  readonly maxSteps?: number;
  /** Threads the kernels run on (`--threads`; default: one per core, as the command line): the same numbers on any count (docs/threads.md). */
  readonly threads?: number;
  /** Where the data comes from instead of the program's source (`--data`): the MNIST folder, a CSV file, … */
  readonly data?: string;
  /** Write a checkpoint (safetensors) at the end, and every `checkpointEvery` steps. */
  readonly save?: string;
  readonly checkpointEvery?: number;
  /** Continue from a checkpoint. */
  readonly resume?: string;
  /** Where a GAN writes its image grids and loss plot (default samples/<name>/, as the command line). */
  readonly samples?: string;
  /** Called after every step: the 1-based step number over the run, and the loss of each `step` of the program. */
  readonly onStep?: (step: number, losses: readonly number[]) => void;
  /** Called after every epoch (1-based) with the mean of its steps' losses (one per `step` of the program). */
  readonly onEpoch?: (epoch: number, info: EpochInfo) => void;
}

export interface EpochInfo {
  /** Steps taken in this epoch. */
  readonly steps: number;
  /** The mean of the epoch's step losses, one per `step` of the program. */
  readonly losses: readonly number[];
}

export interface Trained {
  readonly ok: true;
  readonly file: string;
  readonly train: string;
  /** Steps taken in all (with a resumed run's). */
  readonly steps: number;
  /** The test split's loss and metrics (by their Keras log names), as `test loss … accuracy …` prints them; null without a test split. */
  readonly test: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> } | null;
  /** The epoch (1-based) where early stopping stopped the run, or 0. */
  readonly stoppedEpoch: number;
  /** Notes the run would print on stderr (an ignored option, a checkpoint without a checksum), one line each. */
  readonly notes: readonly string[];
  readonly warnings: readonly Diagnostic[];
}

export type TrainResult = Trained | Failure;
