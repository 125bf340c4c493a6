// Instantiates a dlm kernel module (a .wasm emitted by compiler/wasm/kernels) with its linear
// memory, and hands out Float32Array views into that memory. Independent of the compiler:
// a compiled trainer imports only this file and its module's bytes.
//
// The modules import their memory as `env.memory`; the caller sizes it once (parameters,
// gradients, optimizer state, the activation arena and kernel scratch, all planned at
// compile time), so it never grows and views stay valid.

//
// The project's TypeScript libs (ES2022, @types/node 20) do not declare the WebAssembly
// global, so the few parts used here are typed below.

export const WASM_PAGE = 65536;

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
type Bytes = ArrayBuffer | ArrayBufferView;
interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Bytes) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => WasmInstance;
  instantiate(bytes: Bytes, imports: object): Promise<{ module: WasmModule; instance: WasmInstance }>;
  validate(bytes: Bytes): boolean;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface KernelInstance<E = Record<string, (...args: number[]) => void>> {
  readonly memory: WasmMemory;
  readonly exports: E;
  /** A Float32Array over `length` floats at byte offset `byteOffset` (4-byte aligned). */
  f32(byteOffset: number, length: number): Float32Array;
}

export interface InstantiateOptions {
  /** Bytes of linear memory the caller needs (rounded up to whole pages). */
  readonly memoryBytes: number;
}

function makeMemory(bytes: number): WasmMemory {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  return new WA.Memory({ initial: pages, maximum: pages });
}

function wrap<E>(instance: WasmInstance, memory: WasmMemory): KernelInstance<E> {
  return {
    memory,
    exports: instance.exports as unknown as E,
    f32(byteOffset: number, length: number): Float32Array {
      if (byteOffset % 4 !== 0) throw new RangeError(`f32 view at byte ${byteOffset}: not 4-byte aligned`);
      return new Float32Array(memory.buffer, byteOffset, length);
    },
  };
}

/** Compiles and instantiates kernel bytes with a fresh memory of opts.memoryBytes. */
export async function instantiateKernels<E = Record<string, (...args: number[]) => void>>(
  bytes: Bytes,
  opts: InstantiateOptions,
): Promise<KernelInstance<E>> {
  const memory = makeMemory(opts.memoryBytes);
  const { instance } = await WA.instantiate(bytes, { env: { memory } });
  return wrap<E>(instance, memory);
}

/** The synchronous form (small modules, or a precompiled WasmModule). */
export function instantiateKernelsSync<E = Record<string, (...args: number[]) => void>>(
  bytes: Bytes | WasmModule,
  opts: InstantiateOptions,
): KernelInstance<E> {
  const memory = makeMemory(opts.memoryBytes);
  const module = bytes instanceof WA.Module ? (bytes as WasmModule) : new WA.Module(bytes as Bytes);
  return wrap<E>(new WA.Instance(module, { env: { memory } }), memory);
}

/** True when this engine accepts relaxed-SIMD opcodes (picks the relaxed module variant). */
export function hasRelaxedSimd(): boolean {
  // (module (func (result v128) v128.const i32x4 0 0 0 0 ×3 f32x4.relaxed_madd))
  const probe = new Uint8Array([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 61, 1, 59, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 133, 2, 11,
  ]);
  return WA.validate(probe);
}

/**
 * A bump allocator over byte offsets, for laying out buffers in linear memory in tests and
 * benchmarks (a compiled trainer gets its offsets from the compiler's memory plan).
 */
export class Layout {
  private top: number;
  constructor(start = 0) {
    this.top = start;
  }
  /** Reserves `bytes`, aligned to `align` (default 16), and returns the byte offset. */
  alloc(bytes: number, align = 16): number {
    const at = Math.ceil(this.top / align) * align;
    this.top = at + bytes;
    return at;
  }
  /** Reserves `floats` f32 values. */
  floats(floats: number): number {
    return this.alloc(floats * 4);
  }
  get bytes(): number {
    return this.top;
  }
}
