// Types of `.dlm` imports in a bundle built with `dlm/plugin` (docs/api.md): reference them
// with `/// <reference types="dlm/modules" />` or `"types": ["dlm/modules"]` in tsconfig.json.
// A `.dlm` module is the trainer `dlm compile` writes, with `train` bound to the runtime's
// training driver; `.dlm?browser` the browser target's, for a page or a worker. The shapes here are the runtime's (runtime/trainer-module.ts), kept to
// what a caller reads.

/** What a `.dlm` module exports on every target (the runtime's TrainerModule, kept to what a caller reads). */
declare namespace DlmModule {
  /** What the trainer trains, on what data, with which settings. */
  type Program = {
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
  type Parameters = readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly offset: number;
    readonly size: number;
    readonly init: string;
    readonly layout: string;
  }[];
  /** Bytes the trainer needs at batch size B: fixed + perRow·B. */
  type Memory = { readonly backend: "wasm" | "ts"; readonly fixed: number; readonly perRow: number };
  /** A trainer instance: buffers and step functions (the runtime's TrainerInstance); `rng` is the runtime's Rng. */
  type CreateTrainer = (
    rng: unknown,
    options?: { readonly batch?: number },
  ) => {
    readonly params: Float32Array | Float64Array;
    readonly losses: Float64Array;
    trainStep(n: number): number;
    evaluate?(n: number): number;
  };
}

declare module "*.dlm" {
  /** What the trainer trains, on what data, with which settings. */
  export const program: DlmModule.Program;
  /** The flat parameter buffer: one entry per tensor, Keras layouts. */
  export const parameters: DlmModule.Parameters;
  /** Bytes the trainer needs at batch size B: fixed + perRow·B. */
  export const memory: DlmModule.Memory;
  /** A trainer instance: buffers and step functions (the runtime's TrainerInstance); `rng` is the runtime's Rng. */
  export const createTrainer: DlmModule.CreateTrainer;
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

declare module "*.dlm?browser" {
  export const program: DlmModule.Program;
  export const parameters: DlmModule.Parameters;
  export const memory: DlmModule.Memory;
  export const createTrainer: DlmModule.CreateTrainer;
  /** The kernels, before training: the bundle's asset (fetched), or `wasm` (a URL or the bytes); `variant: "relaxed"` for the relaxed-SIMD build. */
  export function loadKernels(source?: {
    readonly wasm?: ArrayBuffer | Uint8Array | URL | string;
    readonly variant?: "simd128" | "relaxed";
  }): Promise<void>;
  /** MNIST's four file names, as `files` keys them for `data mnist`. */
  export const MNIST_FILES: {
    readonly train: { readonly images: string; readonly labels: string };
    readonly test: { readonly images: string; readonly labels: string };
  };
  /** The data source's files, by the names the program gives them (MNIST_FILES for `data mnist`), as bytes. */
  export type DataBytes = Readonly<Record<string, ArrayBuffer | Uint8Array>>;
  /** A trainer trained by `train` (its result's `trainer`), for `predict`. */
  export interface Trainer {
    readonly params: Float32Array | Float64Array;
  }
  /** The data assembled once (`loadData`), to train several times: `train({ loaded })`. */
  export interface LoadedData {
    readonly train: { readonly n: number };
  }
  /** Trains in this page or worker (synchronously: run it in a Web Worker), as `dlm train` does, bit for bit. */
  export function train(options: {
    readonly files?: DataBytes;
    readonly loaded?: LoadedData;
    readonly epochs?: number;
    readonly batch?: number;
    readonly seed?: number;
    readonly maxSteps?: number;
    readonly save?: string;
    readonly checkpointEvery?: number;
    /** Each checkpoint `save` would write, as the bytes of a safetensors file. */
    readonly onCheckpoint?: (name: string, bytes: Uint8Array) => void;
    /** A checkpoint's bytes to continue from. */
    readonly resume?: Uint8Array;
    readonly resumeName?: string;
    readonly onStep?: (step: number, losses: Float64Array) => void;
  }): {
    readonly trainer: Trainer;
    readonly steps: number;
    readonly test: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> } | null;
  };
  /** Runs model `model` (default: the one the first step trains) on `n` rows of `input`; returns its outputs. */
  export function predict(trainer: Trainer, input: Float32Array, n: number, model?: string): Float32Array;
  export function loadData(files: DataBytes): LoadedData;
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
