// What a compiled trainer of the WebAssembly backend needs at run time: its kernel module,
// compiled once when the trainer module loads (the relaxed-SIMD variant where the engine
// accepts it), and an instance with a memory of the planned size, never grown, with
// typed-array views at the offsets the compiler planned.
import { hasRelaxedSimd, WASM_PAGE, type WasmMemory, type WasmModule } from "./instantiate.js";

type Bytes = ArrayBuffer | ArrayBufferView;
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Bytes) => WasmModule;
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
  if (!response.ok) throw new Error(`cannot load the trainer's kernels from ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Compiles the kernel module: the relaxed-SIMD variant when given and the engine accepts it
 * (node 20 needs --experimental-wasm-relaxed-simd), else the SIMD128 one. The environment
 * variable DLM_WASM_VARIANT=simd128|relaxed overrides the choice (tests, benchmarks).
 */
export async function loadKernelModule(url: URL, relaxedUrl?: URL): Promise<WasmModule> {
  const forced = typeof process !== "undefined" ? process.env.DLM_WASM_VARIANT : undefined;
  if (forced !== undefined && forced !== "simd128" && forced !== "relaxed") throw new Error(`DLM_WASM_VARIANT must be simd128 or relaxed, not '${forced}'`);
  if (forced === "relaxed" && !(relaxedUrl && hasRelaxedSimd())) throw new Error("DLM_WASM_VARIANT=relaxed: this engine does not accept relaxed SIMD (node 20: --experimental-wasm-relaxed-simd)");
  const relaxed = forced === undefined ? !!relaxedUrl && hasRelaxedSimd() : forced === "relaxed";
  loadedVariant = relaxed ? "relaxed" : "simd128";
  return WA.compile(await readBytes(relaxed ? relaxedUrl! : url));
}

let loadedVariant: "simd128" | "relaxed" | null = null;
/** Which variant the last loadKernelModule chose (for progress output and benchmarks). */
export function lastLoadedVariant(): "simd128" | "relaxed" | null {
  return loadedVariant;
}

/** An instance of the module with `bytes` of zeroed linear memory. */
export function instantiate(module: WasmModule, bytes: number): TrainerMemory {
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
