// Several threads running one trainer's kernels (docs/threads.md): worker threads, each with
// its own instance of the kernel module over the trainer's one shared WebAssembly memory,
// and a dispatch over a small shared control block (Atomics). The trainer's code is the same
// as on one thread: its kernel table `k` is replaced by functions that cut a call of a kernel
// the module's threads plan lists into chunks (plan.ts: a few per thread), publish them and
// wake the workers; every thread, the calling one included, then takes chunks until none is
// left, and the call returns when every chunk is done. A thread that the system does not
// schedule in time (a busy machine) takes fewer chunks, and the calling thread does the rest:
// the call never waits for a sleeping worker to start. Each thread's share of a call's units
// follows its core's measured speed (followSpeeds). Kernels the plan does not list, and calls too
// small to gain from it, run on the calling thread.
import { Worker } from "node:worker_threads";
import { splitCall, threadScratchAt, type ExtraChunks, type ThreadsPlan } from "./plan.js";

type Kernel = (...args: number[]) => number;

// The control block (Int32Array words). Each chunk of the current job has a claim word, set to
// 2·GEN (free) before the job is published; a thread takes chunk i with one compare-and-swap
// from 2·GEN to 2·GEN + 1, which also checks that the job is still the one the thread looked at
// (a thread that read an earlier job's GEN claims nothing of this one). Thread t (the calling
// thread is 0) tries its own chunks first — of c chunks per thread, chunks [c·t, c·t + c) — and then the
// others', so that each thread computes the same part of a kernel's output call after call
// while none runs late (affinity: the part of the buffers it wrote, and the part it reads next).
const SEQ = 0; // bumped for every job (workers wait on it)
const GEN = 1; // the current job's generation (< 2^30)
const DONE = 2; // chunks done in the current job
const FAILED = 3; // a worker's kernel threw
const KERNEL = 4; // index into the plan's kernel names
const ARGC = 5;
const WS = 6; // index of the scratch argument, or -1
const EXIT = 7;
const WORKED = 8; // chunks the workers ran (tests, benchmarks)
const COUNT = 9; // the current job's chunk count
const HEADER = 16; // then MAX_PARTS claim words
// The stats block (Float64Array words) of the current job: thread t's time in chunks (ms) at 2t
// and the units it computed at 2t + 1 (t < STAT_THREADS), chunk p's units at STAT_UNITS + p.
const STAT_THREADS = 64;
const STAT_UNITS = 2 * STAT_THREADS;
/**
 * How far one call moves each thread's estimated speed (an average over the last ~20 split calls),
 * and the least and most share of a call's units a thread gets, times 1/threads.
 */
const SPEED_STEP = 0.05;
const [LEAST_SHARE, MOST_SHARE] = [0.6, 1.4];
/** Chunks per call at most, and each chunk's arguments (float64 words of their own buffer: i32 pointers and f64 scalars alike). */
const MAX_PARTS = 64;
const MAX_ARGS = 32;
/**
 * Chunks per thread (default; setChunksPerThread): four. Each thread runs its own chunks first
 * (takeChunks), so on a machine that runs both threads alike each computes the same part of every
 * call step after step (its part of the buffers stays in its cache), while a thread the system
 * runs late — the virtual machines here stall one core for tens of ms now and then — loses the
 * end of its share to the others instead of holding up the call. Each chunk repeats its kernel's
 * setup (a tn GEMM packs A's rows again for every range of panels). Measured against one chunk
 * per thread in docs/threads.md, "Spin and chunks".
 */
let chunksPerThread = 4;
/**
 * The smallest chunk, as a multiple of the threshold (DEFAULT_MIN_WORK), of a call cut into more
 * chunks than threads: 4 (2²¹ multiply-adds, ~90 µs of a GEMM). A smaller call runs one chunk per
 * thread: the MLP's GEMMs of 3.2 M multiply-adds lost 7% on 2 threads in 6 chunks against 2
 * (docs/benchmarks.md, "Threads: affinity and fusion").
 */
const EXTRA_CHUNK_WORK = 4;

/**
 * Multiply-adds below which a chunk is not worth handing to another thread: 4 × the dispatch's
 * round trip (≈ 5.6 µs) × a quiet core's GEMM rate (≈ 22,500 per µs), ~23 µs of a GEMM
 * (docs/threads.md, "The threshold").
 */
export const DEFAULT_MIN_WORK = 1 << 19;
/**
 * How long (µs) a thread polls a control word before it sleeps in Atomics.wait (default;
 * setSpinMicros): the gaps between a step's split kernels are mostly shorter (waking a sleeping
 * thread costs tens of µs or more), but a longer spin costs the process the time it burns when
 * the machine is busy: the calling thread and a spinning worker share the process's (or its
 * session's) share of the CPUs. Measured in docs/threads.md ("Spin and chunks").
 */
let spinMicros = 200;
/**
 * A worker's spin after a job is not fixed: it stretches to catch the longest idle gap it has
 * seen lately (`followIdle`: the longest gap, decaying by IDLE_DECAY a job, times SPIN_MARGIN),
 * up to SPIN_MOST × the spin. Between two steps the calling thread runs longer without a split
 * kernel than between a step's kernels: the caller copies the next batch and runs the step's
 * JavaScript before its first kernel (the GAN draws its noise): 0.14–0.52 ms between the seed
 * CNN's update and its next convolution here — past a fixed 200 µs spin, so the worker slept and
 * the step's first split kernel waited for it to wake (38 µs in the median step, 87 at p90, and
 * in 7–11% of steps the calling thread ran the whole kernel alone: docs/threads.md, "Spin and
 * chunks"). A gap longer than the longest spin does not count, so where the caller is away
 * longer (a busy machine, a data pipeline), the spin stays short.
 */
const SPIN_MOST = 4;
const SPIN_MARGIN = 1.25;
const IDLE_DECAY = 0.995;

/**
 * The longest idle gap (ms) a worker keeps in mind after one more gap of `idle` ms: the last
 * estimate times `decay`, raised to `idle` where `idle` ≤ `catchable` (the longest spin over
 * its margin). (A copy goes into the workers' source, hence the parameters.)
 */
export function followIdle(longest: number, idle: number, catchable: number, decay: number): number {
  const decayed = longest * decay;
  return idle <= catchable ? Math.max(decayed, idle) : decayed;
}

/** A worker's spin (ms) after a job: `base`, stretched to `margin` × the longest recent gap, at most `most`. */
export function spinAfter(longest: number, base: number, most: number, margin: number): number {
  return Math.min(most, Math.max(base, margin * longest));
}

/** Sets the spin (µs) and the chunks per thread of pools created from now on (benchmarks; docs/threads.md). */
export function setSpinMicros(us: number): void {
  spinMicros = us;
}
export function setChunksPerThread(n: number): void {
  chunksPerThread = Math.max(1, Math.floor(n));
}

/**
 * Polls `ctrl[word]` while it equals `value`, for up to `ms` milliseconds; returns its last value.
 * (Shared by the calling thread and the workers: a copy goes into their source.)
 */
function spinWhile(ctrl: Int32Array, word: number, value: number, ms: number): number {
  let v = Atomics.load(ctrl, word);
  if (v !== value) return v;
  const end = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < 256; i++) if ((v = Atomics.load(ctrl, word)) !== value) return v;
    if (performance.now() >= end) return v;
  }
}

/**
 * Takes chunks of the current job until none is left — thread `t` of `threads` its own first (the
 * chunks [⌊t·count/threads⌋, ⌊(t+1)·count/threads⌋), in order), then each other thread's from
 * its last chunk down, so that a thread that runs late loses the end of its share and keeps the
 * start — running each with `run(chunk)` and counting it done. Shared by the calling thread and
 * the workers (a copy goes into their source, so the words are numbers here: 1 is GEN, 2 is
 * DONE, 9 is COUNT, 16 the first claim word).
 */
export function takeChunks(ctrl: Int32Array, t: number, threads: number, run: (chunk: number) => void): void {
  const gen = Atomics.load(ctrl, 1);
  const count = Atomics.load(ctrl, 9);
  for (let k = 0; k < threads; k++) {
    const u = (t + k) % threads;
    const [lo, hi] = [Math.floor((u * count) / threads), Math.floor(((u + 1) * count) / threads)];
    for (let j = 0; j < hi - lo; j++) {
      const i = k === 0 ? lo + j : hi - 1 - j;
      if (Atomics.load(ctrl, 16 + i) !== 2 * gen || Atomics.compareExchange(ctrl, 16 + i, 2 * gen, 2 * gen + 1) !== 2 * gen) continue;
      run(i);
      if (Atomics.add(ctrl, 2, 1) + 1 === count) Atomics.notify(ctrl, 2);
    }
  }
}

/** The worker's loop: started from its source text (no file to find beside the runtime, in any build). */
function workerMain(): void {
  // The source runs as a script, or as a module where the process was started with
  // --input-type=module (which workers inherit): there only process.getBuiltinModule (Node ≥ 20.16).
  type WT = typeof import("node:worker_threads");
  const builtin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const { workerData } = (builtin ? builtin("node:worker_threads") : require("node:worker_threads")) as WT;
  const d = workerData as {
    module: object;
    memory: object;
    ctrl: SharedArrayBuffer;
    args: SharedArrayBuffer;
    stats: SharedArrayBuffer;
    scratch: number;
    names: string[];
    layout: number[];
  };
  const [maxArgs, spinMs, self, threads, spinMostMs, margin, decay] = d.layout;
  const W = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: Record<string, Kernel> } } })
    .WebAssembly;
  const ctrl = new Int32Array(d.ctrl);
  const argv = new Float64Array(d.args);
  const stats = new Float64Array(d.stats);
  // A worker that cannot instantiate the module still takes chunks (and fails them), so that
  // every job ends.
  let fns: Kernel[] = [];
  try {
    const exports = new W.Instance(d.module, { env: { memory: d.memory } }).exports;
    fns = d.names.map((n) => exports[n]);
  } catch {
    fns = [];
  }
  const args: number[] = [];
  const run = (chunk: number): void => {
    try {
      const fn = fns[ctrl[4]];
      if (!fn) throw new Error("no kernel");
      args.length = ctrl[5];
      const at = chunk * maxArgs;
      for (let i = 0; i < args.length; i++) args[i] = argv[at + i];
      if (ctrl[6] >= 0) args[ctrl[6]] = d.scratch;
      const t0 = performance.now();
      fn(...args);
      if (self < 64) {
        // 64: STAT_THREADS, 128: STAT_UNITS
        stats[2 * self] += performance.now() - t0;
        stats[2 * self + 1] += stats[128 + chunk];
      }
      Atomics.add(ctrl, 8, 1);
    } catch {
      Atomics.store(ctrl, 3, 1);
    }
  };
  const take = TAKE_CHUNKS;
  const spin = SPIN_WHILE;
  const follow = FOLLOW_IDLE;
  const spinAfter = SPIN_AFTER;
  // A job published before this worker read SEQ (its start can take longer than the first
  // kernels: a busy machine, a large module) is still the current one: take its chunks now.
  let seen = Atomics.load(ctrl, 0);
  if (!Atomics.load(ctrl, 7)) take(ctrl, self, threads, run);
  // The spin after each job follows the idle gaps before the jobs (followIdle, spinAfter).
  let longest = 0;
  let idleSince = performance.now();
  for (;;) {
    const s = spin(ctrl, 0, seen, spinAfter(longest, spinMs, spinMostMs, margin));
    if (s === seen) {
      Atomics.wait(ctrl, 0, seen);
      continue;
    }
    longest = follow(longest, performance.now() - idleSince, spinMostMs / margin, decay);
    seen = s;
    if (Atomics.load(ctrl, 7)) return;
    take(ctrl, self, threads, run);
    idleSince = performance.now();
  }
}
declare const TAKE_CHUNKS: typeof takeChunks;
declare const SPIN_WHILE: typeof spinWhile;
declare const FOLLOW_IDLE: typeof followIdle;
declare const SPIN_AFTER: typeof spinAfter;

export interface ThreadedKernels {
  readonly exports: Readonly<Record<string, Kernel>>;
  /** Chunks its workers have run. */
  workerChunks(): number;
  /** Sets the smallest work of a chunk on another thread from now on (the benchmark of the threshold: scripts/bench/threads-threshold.mjs). */
  setMinWork(work: number): void;
  /** Ends the workers (an idle pool also lets the process exit: its workers are unref'd). */
  close(): void;
}

const open = new Set<ThreadedKernels>();
let splitCalls = 0;

let closedChunks = 0;

/**
 * Whether the calling thread takes chunks of its split calls too (the default). Tests turn it
 * off to make the workers run every chunk: whether a worker gets to a chunk before the calling
 * thread has taken them all depends on the scheduler (on one core it never does).
 */
let callerTakesChunks = true;
export function setCallerTakesChunks(on: boolean): void {
  callerTakesChunks = on;
}

/** Kernel calls this process has split over threads so far (tests and benchmarks). */
export function splitCallCount(): number {
  return splitCalls;
}

/** Chunks of split calls that worker threads (not the calling threads) have run so far. */
export function workerChunkCount(): number {
  return closedChunks + [...open].reduce((a, p) => a + p.workerChunks(), 0);
}

/** Ends every pool this process started (tests that create many trainers). */
export function closeAllThreads(): void {
  for (const p of [...open]) p.close();
}

/**
 * The kernels of `exports` (the calling thread's instance), split over `threads` threads by
 * `plan`; the workers instantiate `module` with `memory` (both shared). Worker t ≥ 1 uses the
 * scratch region at threadScratchAt(memoryEnd, plan.scratch, t), which the memory must hold.
 */
export function threadedKernels(
  module: object,
  memory: object,
  exports: Readonly<Record<string, Kernel>>,
  plan: ThreadsPlan,
  threads: number,
  memoryEnd: number,
  minWork = DEFAULT_MIN_WORK,
): ThreadedKernels {
  const names = Object.keys(plan.kernels);
  const ctrlBuffer = new SharedArrayBuffer(4 * (HEADER + MAX_PARTS));
  const ctrl = new Int32Array(ctrlBuffer);
  const argBuffer = new SharedArrayBuffer(8 * MAX_PARTS * MAX_ARGS);
  const argv = new Float64Array(argBuffer);
  const statsBuffer = new SharedArrayBuffer(8 * (STAT_UNITS + MAX_PARTS));
  const stats = new Float64Array(statsBuffer);
  const spinMs = spinMicros / 1000;
  const source = `(${workerMain
    .toString()
    .replace("TAKE_CHUNKS", `(${takeChunks.toString()})`)
    .replace("SPIN_WHILE", `(${spinWhile.toString()})`)
    .replace("FOLLOW_IDLE", `(${followIdle.toString()})`)
    .replace("SPIN_AFTER", `(${spinAfter.toString()})`)})()`;
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    const w = new Worker(source, {
      eval: true,
      workerData: {
        module,
        memory,
        ctrl: ctrlBuffer,
        args: argBuffer,
        stats: statsBuffer,
        scratch: threadScratchAt(memoryEnd, plan.scratch, t),
        names,
        layout: [MAX_ARGS, spinMs, t, threads, SPIN_MOST * spinMs, SPIN_MARGIN, IDLE_DECAY],
      },
    });
    w.unref();
    workers.push(w);
  }
  const maxParts = Math.min(MAX_PARTS, threads * chunksPerThread);
  // A thread's share in several chunks only where each is ≥ EXTRA_CHUNK_WORK × the threshold.
  // Each thread's share of a call's units follows its core's measured speed (followSpeeds).
  let extra: ExtraChunks = { threads, work: EXTRA_CHUNK_WORK * minWork };
  let threshold = minWork;
  const speeds: number[] = new Array<number>(threads).fill(1);

  /**
   * After a call: each thread's units a ms in its chunks, against the threads' mean, moves its
   * estimated speed by SPEED_STEP; the shares of the next calls follow (each between LEAST_SHARE
   * and MOST_SHARE / threads). On a host that runs one core slower than the other (the virtual
   * machines here, by 25–40% for minutes), the calls' halves would otherwise wait for the slow
   * core; on cores alike the shares stay near equal. Which thread computes which units never
   * changes the bits.
   */
  const followSpeeds = (): void => {
    if (threads > STAT_THREADS) return;
    const v: number[] = [];
    for (let t = 0; t < threads; t++) {
      const [ms, units] = [stats[2 * t], stats[2 * t + 1]];
      if (!(ms > 0.005 && units > 0)) return;
      v.push(units / ms);
    }
    const mean = v.reduce((a, b) => a + b, 0) / threads;
    for (let t = 0; t < threads; t++) speeds[t] += SPEED_STEP * (Math.min(2, Math.max(0.5, v[t] / mean)) - speeds[t]);
    const total = speeds.reduce((a, b) => a + b, 0);
    const clamped = speeds.map((x) => Math.min(MOST_SHARE / threads, Math.max(LEAST_SHARE / threads, x / total)));
    const sum = clamped.reduce((a, b) => a + b, 0);
    // The boundaries between the threads' shares in steps of 1/(4·threads), each moved only when
    // the estimate passes 0.6 of a step from it: every kernel then cuts its units at the same
    // fractions (a recurrent scan's 8 blocks of 4 samples and the GEMMs' 224 blocks of 4 rows
    // around it give each thread the same samples), which do not flicker from call to call.
    const step = 1 / (4 * threads);
    const shares: number[] = [];
    let [raw, was, last] = [0, 0, 0];
    for (let t = 0; t < threads - 1; t++) {
      raw += clamped[t] / sum;
      was += extra.shares?.[t] ?? 1 / threads;
      const at = Math.abs(raw - was) < 0.6 * step ? was : Math.round(raw / step) * step;
      shares.push(at - last);
      last = at;
    }
    shares.push(1 - last);
    extra = { ...extra, shares };
  };
  let generation = 0;

  const run = (index: number, fn: Kernel, parts: number[][], ws: number, units: readonly number[]): void => {
    const argc = parts[0].length;
    if (argc > MAX_ARGS) throw new Error(`internal: a split kernel with ${argc} arguments`);
    ctrl[KERNEL] = index;
    ctrl[ARGC] = argc;
    ctrl[WS] = ws;
    parts.forEach((args, p) => argv.set(args, p * MAX_ARGS));
    stats.fill(0, 0, 2 * Math.min(threads, STAT_THREADS));
    units.forEach((u, p) => (stats[STAT_UNITS + p] = u));
    Atomics.store(ctrl, DONE, 0);
    generation = (generation + 1) & 0x3fffffff;
    for (let p = 0; p < parts.length; p++) Atomics.store(ctrl, HEADER + p, 2 * generation);
    Atomics.store(ctrl, COUNT, parts.length);
    Atomics.store(ctrl, GEN, generation);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    let failure: unknown = null;
    if (callerTakesChunks)
      takeChunks(ctrl, 0, threads, (p) => {
        try {
          const t0 = performance.now();
          fn(...parts[p]);
          stats[0] += performance.now() - t0;
          stats[1] += units[p];
        } catch (e) {
          failure ??= e;
        }
      });
    // Chunks other threads took may still be running.
    let done = Atomics.load(ctrl, DONE);
    while (done < parts.length) {
      const now = spinWhile(ctrl, DONE, done, spinMs);
      if (now !== done) {
        done = now;
        continue;
      }
      Atomics.wait(ctrl, DONE, done);
      done = Atomics.load(ctrl, DONE);
    }
    if (failure) throw failure;
    if (Atomics.exchange(ctrl, FAILED, 0)) throw new Error("a kernel failed on a worker thread");
    followSpeeds();
  };

  const wrapped: Record<string, Kernel> = { ...exports };
  names.forEach((name, index) => {
    const fn = exports[name];
    const split = plan.kernels[name];
    if (!fn) throw new Error(`internal: the threads plan names ${name}, which the module does not export`);
    wrapped[name] = (...args: number[]): number => {
      const parts = splitCall(split, args, maxParts, threshold, extra);
      if (parts.length === 1) return fn(...parts[0]);
      run(
        index,
        fn,
        parts,
        split.ws,
        parts.map((q) => (split.kind === "rows" ? q[0] : q[split.params - 1] - q[split.params - 2])),
      );
      splitCalls++;
      return 0;
    };
  });

  const pool: ThreadedKernels = {
    exports: wrapped,
    workerChunks: () => Atomics.load(ctrl, WORKED),
    setMinWork: (work) => {
      threshold = work;
      extra = { ...extra, work: EXTRA_CHUNK_WORK * work };
    },
    close() {
      if (!open.delete(pool)) return;
      closedChunks += Atomics.load(ctrl, WORKED);
      Atomics.store(ctrl, EXIT, 1);
      Atomics.add(ctrl, SEQ, 1);
      Atomics.notify(ctrl, SEQ);
      for (const w of workers) void w.terminate();
    },
  };
  open.add(pool);
  return pool;
}
