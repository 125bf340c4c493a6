// The interface between a generated trainer module and the runtime that drives it: what
// the module exports (its program description, its parameters, its memory need and
// createTrainer) and what createTrainer returns (buffers, step functions, the trace table).
// The compiler's trainer emitter (compiler/emit) writes modules of this shape; the training
// driver (trainer.ts), checkpoints and samples read them.
import type { Rng } from "./rng.js";
import type { KernelProfile } from "./profile.js";
import type { InputInfo } from "./data/assemble.js";
import type { MemoryNeed } from "./memory.js";
import type { InitSpec } from "./transfer.js";
import type { EarlyStoppingSpec, PlateauSpec } from "./callbacks.js";
import type { PrivacyInfo } from "./privacy.js";

type Arr = Float32Array | Float64Array;

export interface ParameterInfo {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
  readonly init: string;
  readonly layout: string;
  /** State that is not trained (moving statistics): no gradient, no optimizer state, saved like a weight. */
  readonly state?: boolean;
  /** Frozen (`trainable=false`, `freeze`): not trained, no optimizer state; saved and loaded like a weight. */
  readonly frozen?: boolean;
}

export interface ProgramInfo {
  readonly name: string;
  readonly source: string;
  readonly settings: {
    readonly batch: number;
    readonly epochs: number;
    readonly shuffle: boolean;
    readonly validationSplit: number;
    readonly seed: number;
    /** Training controls (present only when the program sets them). */
    readonly earlyStopping?: EarlyStoppingSpec;
    readonly reduceLrOnPlateau?: PlateauSpec;
    /** `save_best FILE`: the checkpoint of the best monitored value. */
    readonly saveBest?: string;
    /** `init FILE`: tensors of another checkpoint loaded over the initial weights. */
    readonly init?: InitSpec;
    /** δ of a private step's accountant. */
    readonly delta?: number;
  };
  readonly data: unknown;
  readonly inputs: readonly InputInfo[];
  /** Differentially private training (`dp_sgd`, `dp_adam`): what the accountant needs (privacy.ts). */
  readonly privacy?: PrivacyInfo;
  readonly steps: readonly {
    readonly model: string;
    readonly optimizer: unknown;
    readonly ranges: readonly { readonly offset: number; readonly size: number }[];
  }[];
  readonly evaluation: {
    readonly metrics: readonly string[];
    readonly prediction: readonly (number | "B")[];
    readonly target: readonly (number | "B")[];
    /** Integer labels equal to this are padding: accuracy scores only the other positions (the loss's ignore_class). */
    readonly ignoreClass?: number;
    /** The prediction is logits (its loss has from_logits=true): a binary prediction counts as positive above 0, not 0.5. */
    readonly predictionIsLogits?: boolean;
  } | null;
  /** Every model the program uses, with its input and output shapes (for inference). */
  readonly models: readonly {
    readonly name: string;
    readonly inputs: readonly (readonly (number | "B")[])[];
    readonly output: readonly (number | "B")[];
  }[];
  /** Models fed by a random source in a `let` (GAN generators) and that source's attributes. */
  readonly samplers: readonly { readonly model: string; readonly source: Readonly<Record<string, unknown>> }[];
  readonly paramCount: number;
}

export interface TrainerOptions {
  readonly batch?: number;
  readonly float64?: boolean;
  /** Time every kernel call (WebAssembly trainers; `--profile`). */
  readonly profile?: KernelProfile;
}

export interface TraceEntry {
  readonly name: string;
  readonly where: string;
  /** -2: parameters and inputs; -1: the lets; k ≥ 0: step k's forward pass. */
  readonly step: number;
  readonly data: Arr | Int32Array;
  readonly perRow: boolean;
  readonly size: number;
}

/** What a generated module's createTrainer returns. */
export interface TrainerInstance {
  readonly params: Arr;
  readonly grads: Arr;
  readonly state: Readonly<Record<string, Arr>>;
  readonly stepCounts: Float64Array;
  /** Per step: the learning rate of its latest update (a schedule sets it at each update; otherwise it is read, and may be set, here). */
  readonly learningRates: Float64Array;
  readonly losses: Float64Array;
  readonly rng: Rng;
  readonly rngMark: Uint32Array;
  readonly inputs: readonly (Arr | Int32Array)[];
  trainStep(n: number): number;
  readonly forward: readonly ((n: number) => number)[];
  computeLets?(n: number): void;
  evaluate?(n: number): number;
  readonly prediction?: Arr;
  /** The training forward pass's scores (simple form): logits when the loss reads logits. */
  readonly scores?: Arr;
  readonly scoresAreLogits?: boolean;
  readonly trace: readonly TraceEntry[];
  /** Each model alone, dropout off: fill `inputs`, call run(n), read `output`. */
  readonly models: Readonly<Record<string, { readonly inputs: readonly Arr[]; readonly output: Arr; run(n: number): void }>>;
}

export interface TrainerModule {
  readonly program: ProgramInfo;
  readonly parameters: readonly ParameterInfo[];
  /** Bytes the trainer needs at batch size B, checked before it allocates (absent: not checked). */
  readonly memory?: MemoryNeed;
  createTrainer(rng: Rng, options?: TrainerOptions): TrainerInstance;
}
