// What the parts of the trainer emitter share: the options of an emission, the kernels a
// trainer asks for, what the emitter returns, and the program being emitted with its names.
import type { TEqn, TrainingProgram, TValue } from "../../ir/train-ir.js";
import type { KernelAdder } from "../../ops/op.js";
import type { KernelSplit, ThreadsPlan } from "../../../runtime/threads/plan.js";
import type { SourceFile } from "../../source.js";
import type { MemoryPlan, Slot } from "../../wasm/plan-memory.js";
import type { FusedProgram } from "../../wasm/fuse.js";
import type { Naming } from "./names.js";

export interface EmitOptions {
  /** Module specifier of the runtime folder, e.g. "./runtime" (no trailing slash). */
  readonly runtimeImport: string;
  readonly source: SourceFile;
  /** Shown in the header and in comments. */
  readonly sourcePath: string;
  /** The .dlm file's folder as a URL relative to the emitted module (or absolute): relative data paths resolve against it. */
  readonly sourceDir: string;
  /** The WebAssembly backend: buffers live in one memory laid out by `plan`; kernels are calls into `file`. */
  readonly wasm?: WasmEmit;
  /** "node" (default): a script that loads its kernels with node:fs; "browser": static imports of runtime files free of Node, kernels loaded by `loadKernels`. */
  readonly target?: "node" | "browser";
}

export interface WasmEmit {
  readonly plan: MemoryPlan;
  readonly fused: FusedProgram;
  readonly file: string;
  readonly relaxedFile?: string;
}

/** A kernel the trainer calls: added to the trainer's module under `name`. */
export interface KernelRequest {
  readonly name: string;
  readonly key: string;
  readonly add: KernelAdder;
  /** The ops it computes, with their origins, for `--emit kernels`. */
  readonly ops: string[];
  /** How threads may share its calls (runtime/threads/plan.ts); absent: one thread runs it. */
  split?: KernelSplit;
}

export interface EmittedTrainer {
  readonly text: string;
  /** The WebAssembly backend's kernels (empty for the TypeScript backend). */
  readonly kernels: readonly KernelRequest[];
  /** Bytes of linear memory at batch size B (the plan plus kernel scratch). */
  readonly memory?: Slot;
  /** How threads may share the kernels' calls (wasm backend): written into the kernel module. */
  readonly threads?: ThreadsPlan;
}

/** The program being emitted, as every part sees it. */
export interface Emission {
  readonly tp: TrainingProgram;
  /** The program's values, with the ones fusion adds (a max-pool's argmax). */
  readonly values: readonly TValue[];
  /** Every eqn: constants, lets, each step's forward and backward, evaluation, inference. */
  readonly allEqns: readonly TEqn[];
  readonly opts: EmitOptions;
  readonly wasm: WasmEmit | undefined;
  readonly naming: Naming;
}
