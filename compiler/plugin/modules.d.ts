// Types of `.dlm` imports in a bundle built with `dlm/plugin` (docs/api.md): reference them
// with `/// <reference types="dlm/modules" />` or `"types": ["dlm/modules"]` in tsconfig.json.
// A `.dlm` module is the trainer `dlm compile` writes, with `train` bound to the runtime's
// training driver. The shapes here are the runtime's (runtime/trainer-module.ts), kept to
// what a caller reads.

declare module "*.dlm" {
  /** What the trainer trains, on what data, with which settings. */
  export const program: {
    readonly name: string;
    readonly source: string;
    readonly settings: {
      readonly batch: number;
      readonly epochs: number;
      readonly shuffle: boolean;
      readonly validationSplit: number;
      readonly seed: number;
    };
    readonly paramCount: number;
    readonly models: readonly {
      readonly name: string;
      readonly inputs: readonly (readonly (number | "B")[])[];
      readonly output: readonly (number | "B")[];
    }[];
  };
  /** The flat parameter buffer: one entry per tensor, Keras layouts. */
  export const parameters: readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly offset: number;
    readonly size: number;
    readonly init: string;
    readonly layout: string;
  }[];
  /** Bytes the trainer needs at batch size B: fixed + perRow·B. */
  export const memory: { readonly backend: "wasm" | "ts"; readonly fixed: number; readonly perRow: number };
  /** A trainer instance: buffers and step functions (the runtime's TrainerInstance); `rng` is the runtime's Rng. */
  export function createTrainer(
    rng: unknown,
    options?: { readonly batch?: number },
  ): {
    readonly params: Float32Array | Float64Array;
    readonly losses: Float64Array;
    trainStep(n: number): number;
    evaluate?(n: number): number;
  };
  /** Trains with the runtime's driver, as `dlm train` does; relative data paths from the .dlm file's folder. */
  export function train(options?: {
    readonly epochs?: number;
    readonly batch?: number;
    readonly seed?: number;
    readonly maxSteps?: number;
    /** The data's folder or file instead of the program's source (`--data`). */
    readonly data?: string;
    readonly save?: string;
    readonly checkpointEvery?: number;
    readonly resume?: string;
    readonly quiet?: boolean;
    readonly onStep?: (step: number, losses: Float64Array) => void;
  }): {
    readonly steps: number;
    readonly test: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> } | null;
  };
}

declare module "*.dlm?model" {
  /** What the model takes and gives (the exported module's ModelInfo; docs/export.md). */
  export const info: {
    readonly model: string;
    readonly train: string;
    readonly source: string;
    readonly input: { readonly name: string; readonly shape: readonly number[]; readonly dtype: "f32" | "i32" };
    readonly output: { readonly shape: readonly number[]; readonly kind: "classes" | "probabilities" | "values" };
    readonly classes?: number;
    readonly maxBatch: number;
    readonly parameters: number;
  };
  /** A loaded model: `predict(input, n)` runs n rows (row-major, the trainer's input values) and returns n output rows. */
  export interface Model {
    readonly info: typeof info;
    predict(input: Float32Array | Int32Array, n: number): Float32Array;
  }
  /** Loads the kernels and the weights (the bundle's assets, or the bytes given). */
  export function load(source?: {
    readonly weights?: ArrayBuffer | Uint8Array;
    readonly wasm?: ArrayBuffer | Uint8Array;
    readonly relaxedWasm?: ArrayBuffer | Uint8Array;
    readonly variant?: "simd128" | "relaxed";
  }): Promise<Model>;
  const model: { readonly load: typeof load; readonly info: typeof info };
  export default model;
}
