// What a compiled trainer of the WebAssembly backend needs at run time: its kernel module,
// compiled once when the trainer module loads (the relaxed-SIMD variant where the engine
// accepts it), and an instance with a memory of the planned size, never grown, with
// typed-array views at the offsets the compiler planned.
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

async function readBytes(url: URL): Promise<Uint8Array> {
  if (url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: `HTTP ${response.status}` });
  return new Uint8Array(await response.arrayBuffer());
}

/** A compiled kernel module, or why it could not be loaded (reported when a trainer is created). */
export type LoadedKernels =
  | { readonly module: WasmModule; readonly bytes?: Uint8Array }
  | { readonly error: string; readonly file?: string };

/**
 * Compiles the kernel module: the relaxed-SIMD variant when given and the engine accepts it
 * (node 20 needs --experimental-wasm-relaxed-simd), else the SIMD128 one. The environment
 * variable DLM_WASM_VARIANT=simd128|relaxed overrides the choice (tests, benchmarks).
 * `kernels` names every kernel the trainer calls: a module that lacks one, or that imports
 * anything but `env.memory`, is of another build (the trainer and its .wasm were not
 * written together) and is refused, with the advice to compile again.
 * Never throws: it runs while the trainer module loads (top-level await), where an
 * exception would end the process with a stack trace; a failure is kept and reported by
 * `instantiate`, inside the training command, as a one-line error.
 */
export async function loadKernelModule(url: URL, relaxedUrl?: URL, kernels: readonly string[] = []): Promise<LoadedKernels> {
  const forced = typeof process !== "undefined" ? process.env.DLM_WASM_VARIANT : undefined;
  if (forced !== undefined && forced !== "simd128" && forced !== "relaxed")
    return { error: `DLM_WASM_VARIANT must be simd128 or relaxed, not '${forced}'` };
  if (forced === "relaxed" && !(relaxedUrl && hasRelaxedSimd()))
    return { error: "DLM_WASM_VARIANT=relaxed: this engine does not accept relaxed SIMD (node 20: --experimental-wasm-relaxed-simd)" };
  const relaxed = forced === undefined ? !!relaxedUrl && hasRelaxedSimd() : forced === "relaxed";
  const pick = relaxed ? relaxedUrl! : url;
  const file = pick.protocol === "file:" ? decodeURIComponent(pick.pathname) : pick.href;
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(pick);
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
  loadedVariant = relaxed ? "relaxed" : "simd128";
  return { module, bytes };
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

let loadedVariant: "simd128" | "relaxed" | null = null;
/** Which variant the last loadKernelModule chose (for progress output and benchmarks). */
export function lastLoadedVariant(): "simd128" | "relaxed" | null {
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
