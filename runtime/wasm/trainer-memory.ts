// What a compiled trainer of the WebAssembly backend needs at run time, on any engine (Node,
// a browser page or worker): its kernel module, compiled once before a trainer is created,
// and an instance with a memory of the planned size, never grown, with typed-array views at
// the offsets the compiler planned. Which variant runs is chosen here: the SIMD128 module
// unless relaxed SIMD is asked for (its fused multiply-adds round differently, so the two
// variants' losses differ in the last bits; the default gives the same bits on every engine).
// Reading a file: URL is Node's business (node-kernels.ts passes a reader); here bytes come
// from the caller or from fetch.
import { hasRelaxedSimd, WASM_PAGE, type WasmMemory, type WasmModule } from "./instantiate.js";
import { DataError } from "../errors.js";

type Bytes = ArrayBuffer | ArrayBufferView;
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: (new (bytes: Bytes) => WasmModule) & {
    exports(m: WasmModule): { readonly name: string; readonly kind: string }[];
    imports(m: WasmModule): { readonly module: string; readonly name: string; readonly kind: string }[];
  };
  Instance: new (m: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  compile(bytes: Bytes): Promise<WasmModule>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** A kernel: byte offsets and sizes in, nothing (or a loss) out. */
export type Kernel = (...args: number[]) => number;

export interface TrainerMemory {
  readonly memory: WasmMemory;
  readonly exports: Readonly<Record<string, Kernel>>;
  f32(byteOffset: number, length: number): Float32Array;
  i32(byteOffset: number, length: number): Int32Array;
}

/** The two builds of a trainer's kernels: SIMD128 (the default everywhere) and relaxed SIMD (fused multiply-add). */
export type KernelVariant = "simd128" | "relaxed";

/** Where a trainer's kernel module comes from (a browser page: `await loadKernels(source)`). */
export interface KernelSource {
  /** The module's bytes, or its URL (default: the file beside the trainer module, for the variant). */
  readonly wasm?: Bytes | URL | string;
  /** Which build (default simd128); relaxed needs an engine with relaxed SIMD. `wasm`, when given, must be that build. */
  readonly variant?: KernelVariant;
}

/** Reads a URL's bytes; a failure carries a `code` (ENOENT, HTTP 404, …). */
export type ReadUrl = (url: URL) => Promise<Uint8Array>;

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: `HTTP ${response.status}` });
  return new Uint8Array(await response.arrayBuffer());
}

/** A compiled kernel module, or why it could not be loaded (reported when a trainer is created). */
export type LoadedKernels =
  | { readonly module: WasmModule; readonly bytes?: Uint8Array }
  | { readonly error: string; readonly file?: string };

/** What `instantiate` reports for a trainer whose kernels were never loaded (a browser trainer before `loadKernels`). */
export const notLoaded: LoadedKernels = {
  error: "the trainer's kernels are not loaded: call `await loadKernels()` before `createTrainer`",
};

/**
 * Compiles the kernel module: the SIMD128 build at `url`, or, when `source.variant` is
 * "relaxed", the relaxed-SIMD build at `relaxedUrl` (refused where the engine lacks relaxed
 * SIMD: node 20 needs --experimental-wasm-relaxed-simd). `source.wasm` gives the bytes (or
 * another URL) instead. `kernels` names every kernel the trainer calls: a module that lacks
 * one, or that imports anything but `env.memory`, is of another build (the trainer and its
 * .wasm were not written together) and is refused, with the advice to compile again.
 * Never throws: it runs while a trainer module loads (top-level await in Node), where an
 * exception would end the process with a stack trace; a failure is kept and reported by
 * `instantiate`, inside the training command, as a one-line error.
 */
export async function loadKernelModule(
  url: URL,
  relaxedUrl: URL | undefined,
  kernels: readonly string[],
  source: KernelSource = {},
  read: ReadUrl = fetchBytes,
): Promise<LoadedKernels> {
  const variant = source.variant ?? "simd128";
  if (variant !== "simd128" && variant !== "relaxed")
    return { error: `the kernel variant must be simd128 or relaxed, not '${String(variant)}'` };
  if (variant === "relaxed" && !hasRelaxedSimd())
    return { error: "relaxed SIMD was asked for, but this engine does not accept it (node 20: --experimental-wasm-relaxed-simd)" };
  if (variant === "relaxed" && !relaxedUrl && !isBytes(source.wasm))
    return { error: "relaxed SIMD was asked for, but this trainer was compiled without its relaxed-SIMD module" };
  const given = source.wasm;
  const pick = isBytes(given) ? undefined : given !== undefined ? new URL(given, url) : variant === "relaxed" ? relaxedUrl! : url;
  const file = pick === undefined ? "the given kernel module" : pick.protocol === "file:" ? decodeURIComponent(pick.pathname) : pick.href;
  let bytes: Bytes;
  try {
    bytes = pick === undefined ? (given as Bytes) : await read(pick);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return {
      file,
      error:
        code === "ENOENT"
          ? "the trainer's kernel module is missing (it is written beside the trainer by `dlm compile`)"
          : `cannot read the trainer's kernel module (${code ?? String(e)})`,
    };
  }
  let module: WasmModule;
  try {
    module = await WA.compile(bytes);
  } catch (e) {
    return { file, error: `not a valid kernel module for this trainer (${e instanceof Error ? e.message : String(e)})` };
  }
  const mismatch = buildMismatch(module, kernels);
  if (mismatch) return { file, error: `a kernel module of another build: ${mismatch}; compile the trainer again with \`dlm compile\`` };
  loadedVariant = variant;
  return {
    module,
    bytes: bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  };
}

function isBytes(x: unknown): x is Bytes {
  return x instanceof ArrayBuffer || ArrayBuffer.isView(x);
}

/** Why `module` cannot serve a trainer that calls `kernels` (undefined when it can). */
function buildMismatch(module: WasmModule, kernels: readonly string[]): string | undefined {
  const exported = new Set(WA.Module.exports(module).flatMap((e) => (e.kind === "function" ? [e.name] : [])));
  const missing = kernels.filter((k) => !exported.has(k));
  if (missing.length > 0) {
    const shown = missing.slice(0, 3).join(", ") + (missing.length > 3 ? `, … (${missing.length - 3} more)` : "");
    return `it lacks ${missing.length} of the ${kernels.length} kernels this trainer calls (${shown})`;
  }
  const imports = WA.Module.imports(module).filter((i) => !(i.module === "env" && i.name === "memory" && i.kind === "memory"));
  if (imports.length > 0) return `it imports ${imports.map((i) => `${i.module}.${i.name}`).join(", ")}, which a trainer does not provide`;
  return undefined;
}

let loadedVariant: KernelVariant | null = null;
/** Which variant the last loadKernelModule chose (for progress output and benchmarks). */
export function lastLoadedVariant(): KernelVariant | null {
  return loadedVariant;
}

/** A threaded instance of a module (runtime/threads, in Node), or null: the module runs on one thread. */
export type ThreadedInstantiate = (
  module: WasmModule,
  binary: Uint8Array,
  bytes: number,
) => { readonly memory: object; readonly exports: Readonly<Record<string, Kernel>> } | null;
let threadedInstantiate: ThreadedInstantiate | null = null;
/** Sets (or, with null, clears) how trainers created from now on run their kernels on several threads. */
export function setThreadedInstantiate(f: ThreadedInstantiate | null): void {
  threadedInstantiate = f;
}

/**
 * An instance of the module with `bytes` of zeroed linear memory; a module that failed to load
 * is a DataError here. With more than one kernel thread (`--threads`, runtime/threads) the
 * memory is shared and the kernels its threads plan lists run split over the threads.
 */
export function instantiate(kernels: LoadedKernels, bytes: number): TrainerMemory {
  if ("error" in kernels) throw new DataError(kernels.error, kernels.file);
  const module = kernels.module;
  const threaded = kernels.bytes && threadedInstantiate ? threadedInstantiate(module, kernels.bytes, bytes) : null;
  if (threaded) {
    const memory = threaded.memory as WasmMemory;
    const buffer = memory.buffer;
    return {
      memory,
      exports: threaded.exports,
      f32: (byteOffset, length) => new Float32Array(buffer, byteOffset, length),
      i32: (byteOffset, length) => new Int32Array(buffer, byteOffset, length),
    };
  }
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  const memory = new WA.Memory({ initial: pages, maximum: pages });
  const instance = new WA.Instance(module, { env: { memory } });
  return {
    memory,
    exports: instance.exports as Record<string, Kernel>,
    f32: (byteOffset, length) => new Float32Array(memory.buffer, byteOffset, length),
    i32: (byteOffset, length) => new Int32Array(memory.buffer, byteOffset, length),
  };
}
