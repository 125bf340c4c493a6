// Several threads running one trainer's kernels (docs/threads.md): worker threads, each with
// its own instance of the kernel module over the trainer's one shared WebAssembly memory,
// and a dispatch over a small shared control block (Atomics). The trainer's code is the same
// as on one thread: its kernel table `k` is replaced by functions that split a call of a
// kernel the module's threads plan lists into parts (plan.ts), hand the parts to the workers,
// run the first part on the calling thread and return when every part is done. Kernels the
// plan does not list, and calls too small to gain from it, run on the calling thread.
import { Worker } from "node:worker_threads";
import { splitCall, type ThreadsPlan } from "./plan.js";

type Kernel = (...args: number[]) => number;

/** Control block: [done, failed, …], then one slot per worker: [sequence, kernel, argc, args…]. */
const HEADER = 16;
const SLOT = 48;
const MAX_ARGS = SLOT - 3;

/** Multiply-adds below which a part is not worth a thread's wake-up (measured: docs/threads.md). */
export const DEFAULT_MIN_WORK = 1 << 18;
/** Polls of the control word before a thread sleeps in Atomics.wait (kernels follow each other within microseconds). */
const SPIN = 20000;

/** The worker's loop: started from its source text (no file to find beside the runtime, in any build). */
function workerMain(): void {
  const { workerData } = require("node:worker_threads") as typeof import("node:worker_threads");
  const d = workerData as { module: object; memory: object; ctrl: SharedArrayBuffer; slot: number; names: string[]; layout: number[] };
  const [header, slotWords, spin] = d.layout;
  const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: Record<string, Kernel> } } })
    .WebAssembly;
  const ctrl = new Int32Array(d.ctrl);
  // A worker that cannot instantiate the module still answers every job (as failed), so the
  // calling thread, blocked in Atomics.wait, never waits for it in vain.
  let fns: Kernel[] = [];
  try {
    const exports = new W.Instance(d.module, { env: { memory: d.memory } }).exports;
    fns = d.names.map((n) => exports[n]);
  } catch {
    fns = [];
  }
  const base = header + d.slot * slotWords;
  const args: number[] = [];
  let seen = 0;
  for (;;) {
    let s = Atomics.load(ctrl, base);
    for (let i = 0; s === seen && i < spin; i++) s = Atomics.load(ctrl, base);
    if (s === seen) {
      Atomics.wait(ctrl, base, seen);
      continue;
    }
    seen = s;
    const f = ctrl[base + 1];
    if (f < 0) return;
    args.length = ctrl[base + 2];
    for (let i = 0; i < args.length; i++) args[i] = ctrl[base + 3 + i];
    try {
      const fn = fns[f];
      if (!fn) throw new Error("no kernel");
      fn(...args);
    } catch {
      Atomics.store(ctrl, 1, 1);
    }
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
  }
}

export interface ThreadedKernels {
  readonly exports: Readonly<Record<string, Kernel>>;
  /** Ends the workers (an idle pool also lets the process exit: its workers are unref'd). */
  close(): void;
}

const open = new Set<ThreadedKernels>();
let splitCalls = 0;

/** Kernel calls this process has split over threads so far (tests and benchmarks). */
export function splitCallCount(): number {
  return splitCalls;
}

/** Ends every pool this process started (tests that create many trainers). */
export function closeAllThreads(): void {
  for (const p of [...open]) p.close();
}

/**
 * The kernels of `exports` (the calling thread's instance), split over `threads` threads by
 * `plan`; the workers instantiate `module` with `memory` (both shared). Thread t ≥ 1 uses the
 * scratch region at scratchBase + (t − 1)·plan.scratch, which the memory must hold.
 */
export function threadedKernels(
  module: object,
  memory: object,
  exports: Readonly<Record<string, Kernel>>,
  plan: ThreadsPlan,
  threads: number,
  scratchBase: number,
  minWork = DEFAULT_MIN_WORK,
): ThreadedKernels {
  const names = Object.keys(plan.kernels);
  const ctrlBuffer = new SharedArrayBuffer(4 * (HEADER + SLOT * (threads - 1)));
  const ctrl = new Int32Array(ctrlBuffer);
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    const w = new Worker(`(${workerMain.toString()})()`, {
      eval: true,
      workerData: { module, memory, ctrl: ctrlBuffer, slot: t - 1, names, layout: [HEADER, SLOT, SPIN] },
    });
    w.unref();
    workers.push(w);
  }
  const scratchOf = (t: number) => scratchBase + (t - 1) * plan.scratch;

  const run = (index: number, fn: Kernel, parts: number[][], ws: number): void => {
    Atomics.store(ctrl, 0, 0);
    for (let t = 1; t < parts.length; t++) {
      const base = HEADER + (t - 1) * SLOT;
      const args = parts[t];
      if (args.length > MAX_ARGS) throw new Error(`internal: a split kernel with ${args.length} arguments`);
      if (ws >= 0) args[ws] = scratchOf(t);
      ctrl[base + 1] = index;
      ctrl[base + 2] = args.length;
      for (let i = 0; i < args.length; i++) ctrl[base + 3 + i] = args[i];
      Atomics.add(ctrl, base, 1);
      Atomics.notify(ctrl, base, 1);
    }
    let failure: unknown = null;
    try {
      fn(...parts[0]);
    } catch (e) {
      failure = e;
    }
    const need = parts.length - 1;
    let done = Atomics.load(ctrl, 0);
    for (let i = 0; done < need && i < SPIN; i++) done = Atomics.load(ctrl, 0);
    while (done < need) {
      Atomics.wait(ctrl, 0, done);
      done = Atomics.load(ctrl, 0);
    }
    if (failure) throw failure;
    if (Atomics.exchange(ctrl, 1, 0)) throw new Error("a kernel failed on a worker thread");
  };

  const wrapped: Record<string, Kernel> = { ...exports };
  names.forEach((name, index) => {
    const fn = exports[name];
    const split = plan.kernels[name];
    if (!fn) throw new Error(`internal: the threads plan names ${name}, which the module does not export`);
    wrapped[name] = (...args: number[]): number => {
      const parts = splitCall(split, args, threads, minWork);
      if (parts.length === 1) return fn(...parts[0]);
      run(index, fn, parts, split.ws);
      splitCalls++;
      return 0;
    };
  });

  const pool: ThreadedKernels = {
    exports: wrapped,
    close() {
      if (!open.delete(pool)) return;
      for (let t = 1; t < threads; t++) {
        const base = HEADER + (t - 1) * SLOT;
        ctrl[base + 1] = -1;
        Atomics.add(ctrl, base, 1);
        Atomics.notify(ctrl, base, 1);
      }
      for (const w of workers) void w.terminate();
    },
  };
  open.add(pool);
  return pool;
}
