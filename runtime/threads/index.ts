// The thread count a trainer's kernels run on (`--threads N`; docs/threads.md) and the
// threaded instance of a kernel module: one shared memory, the calling thread's instance and
// a pool of workers (pool.ts) splitting the kernels the module's plan lists (plan.ts).
import { availableParallelism } from "node:os";
import { threadsPlanOf, sharedMemoryBinary } from "./shared-module.js";
import { threadedKernels, DEFAULT_MIN_WORK } from "./pool.js";
import { threadScratchAt } from "./plan.js";
import { setThreadedInstantiate } from "../wasm/trainer-memory.js";

export {
  closeAllThreads,
  setCallerTakesChunks,
  setChunksPerThread,
  setSpinMicros,
  splitCallCount,
  workerChunkCount,
  DEFAULT_MIN_WORK,
} from "./pool.js";
export { threadsPlanOf } from "./shared-module.js";

type Kernel = (...args: number[]) => number;
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { readonly exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The most threads a trainer may ask for. */
export const MAX_THREADS = 64;

/** The default of `dlm train`, compiled trainers and the library: DLM_THREADS when it is a valid count, else one thread per core. */
export function defaultThreads(): number {
  const env = threadsFromEnv();
  return env !== undefined && !Number.isNaN(env) ? env : Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
}

/** DLM_THREADS as a thread count; undefined when unset, NaN when not an integer in [1, MAX_THREADS] (main.ts reports it). */
export function threadsFromEnv(): number | undefined {
  const env = process.env.DLM_THREADS;
  if (env === undefined || env === "") return undefined;
  const n = /^\d+$/.test(env.trim()) ? Number(env.trim()) : NaN;
  return n >= 1 && n <= MAX_THREADS ? n : NaN;
}

let minWork = DEFAULT_MIN_WORK;

/**
 * Runs f (which creates trainers: runtime/trainer.ts) with their kernels on `threads` threads;
 * outside it, and with 1, a trainer's kernels run on the calling thread, as they always did.
 */
export function withKernelThreads<T>(threads: number, f: () => T): T {
  if (threads <= 1) return f();
  setThreadedInstantiate((module, binary, bytes) => threadedInstance(module, binary, bytes, threads));
  try {
    return f();
  } finally {
    setThreadedInstantiate(null);
  }
}

/** The smallest work (multiply-adds) worth a part on another thread (benchmarks measure it; default DEFAULT_MIN_WORK). */
export function setMinWork(work: number): void {
  minWork = work;
}

export interface ThreadedMemory {
  readonly memory: { readonly buffer: ArrayBufferLike };
  readonly exports: Readonly<Record<string, Kernel>>;
}

/**
 * The module (compiled from `binary`) on `threads` threads with `bytes` of zeroed shared
 * memory (plus each extra thread's scratch past them, each on pages of its own: threadScratchAt), or null when its module has no
 * threads plan (nothing to split: it runs on one thread, as before).
 */
export function threadedInstance(module: object, binary: Uint8Array, bytes: number, threads: number): ThreadedMemory | null {
  const plan = threadsPlanOf(module);
  if (!plan || threads <= 1) return null;
  const shared = new WA.Module(sharedMemoryBinary(binary));
  const pages = Math.max(1, Math.ceil((threadScratchAt(bytes, plan.scratch, threads - 1) + plan.scratch) / 65536));
  const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = new WA.Instance(shared, { env: { memory } });
  const pool = threadedKernels(shared, memory, instance.exports as Record<string, Kernel>, plan, threads, bytes, minWork);
  return { memory, exports: pool.exports };
}
