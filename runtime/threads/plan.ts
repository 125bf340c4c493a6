// How threads may share a kernel call: the plan the compiler writes into a trainer's kernel
// module (a custom section, `dlm.threads`, of JSON) and the runtime reads when a trainer runs
// on several threads (docs/threads.md). Plain data, shared by compiler/ and runtime/.
//
// Threads split the elements a kernel writes, never a sum: each part is the same export
// called on a sub-range, so every output element is computed by one thread, in the order
// one thread computes it, and any thread count gives the same bits.

/** The name of the custom section that holds a module's ThreadsPlan. */
export const THREADS_SECTION = "dlm.threads";

/**
 * One kernel's split.
 * - `rows`: argument 0 counts rows (of the batch, or of flattened batch rows); a part runs
 *   rows [r0, r1) as a call with argument 0 = r1 − r0 and every argument i advanced by
 *   r0 · strides[i] bytes (0 for what every row shares: weights, biases).
 * - `range`: the kernel's last two parameters are a range [lo, hi) of `count` units of its
 *   output (a weight gradient's column panels, an optimizer update's blocks of elements; a call
 *   without them, hi = 0, computes all); a part is the call with its own range. `unbatched`:
 *   the call has no row count (argument 0 is a buffer): `work` is per unit. `threshold`: a factor
 *   on the smallest work of a part (the pool's threshold; default 1): an optimizer update's 0.5
 *   (UPDATE_THRESHOLD).
 * `grain`: parts are multiples of it (rows per register tile). `ws`: the index of the scratch
 * argument (-1: none), which each thread replaces with its own scratch region. `work`:
 * multiply-adds (or elements) per unit of argument 0 (rows), times `count` for a range.
 */
export type KernelSplit =
  | {
      readonly kind: "rows";
      readonly strides: readonly number[];
      readonly grain: number;
      readonly ws: number;
      readonly work: number;
      /** (The compiler's note, not written to the plan: its per-row scratch is addressed by row through strided arguments.) */
      readonly rowScratch?: true;
    }
  | {
      readonly kind: "range";
      readonly params: number;
      readonly count: number;
      readonly ws: number;
      readonly work: number;
      readonly unbatched?: true;
      readonly threshold?: number;
    };

export interface ThreadsPlan {
  /** The split kernels, by export name; the others always run on the calling thread. */
  readonly kernels: Readonly<Record<string, KernelSplit>>;
  /** Bytes of scratch each extra thread needs (the largest fixed scratch of a split kernel). */
  readonly scratch: number;
}

/**
 * An optimizer update's factor on the threshold (KernelSplit's `threshold`): its parts need half
 * the work of another kernel's. Unsplit on several threads an update costs about twice its
 * one-thread time — it writes the weights, whose lines the forward GEMMs' other threads read
 * (the seed LSTM's Adam, 36,510 parameters: 0.024 ms a step on one thread, 0.051 unsplit on two)
 * — and, the step's last kernel, it lets the workers' spin run out before the next step's first
 * GEMM. Split in two it took 0.039 ms, and that GEMM 0.131 instead of 0.160 (docs/benchmarks.md,
 * "Threads: the LSTM").
 */
export const UPDATE_THRESHOLD = 0.5;

/** Every scratch region starts on a page of this many bytes of its own. */
export const SCRATCH_PAGE = 4096;
/**
 * Free bytes before every scratch region: the calling thread's scratch (a trainer's `WS`) starts
 * this far past the last buffer of the memory plan, and each extra thread's region this far past
 * the region before it. A scratch that shares lines or pages with a buffer another core reads or
 * writes slows the kernels on several threads (docs/threads.md, "Where the scratch lives").
 */
export const SCRATCH_GAP = 65536;

/** Where a scratch region after `end` (the byte after whatever comes before it) starts: SCRATCH_GAP past it, on a page boundary. */
export const scratchAfter = (end: number): number => Math.ceil((end + SCRATCH_GAP) / SCRATCH_PAGE) * SCRATCH_PAGE;

/** The start of extra thread t's scratch region (t ≥ 1), the first at scratchAfter(end), each next one scratchAfter(the last's end). */
export const threadScratchAt = (end: number, scratch: number, t: number): number => scratchAfter(end) + (t - 1) * scratchAfter(scratch);

/**
 * More chunks than threads: each thread's share cut into several chunks only where every chunk
 * still has at least `work` (a call's chunks then number a multiple of `threads`).
 */
export interface ExtraChunks {
  readonly threads: number;
  readonly work: number;
  /**
   * Each thread's share of the units (summing to 1; the pool's estimate of its core's speed:
   * pool.ts), where the chunks number a multiple of the threads: thread t's chunks then cover
   * about that share (chunkBounds). Absent: equal shares.
   */
  readonly shares?: readonly number[];
}

/**
 * The parts of one call (at most `most`, each at least `minWork`; beyond one per thread only as
 * `extra` allows), their units spread evenly (part p: units [⌊p·n/parts⌋, ⌊(p+1)·n/parts⌋)): one
 * argument list per part; one part is the call itself.
 */
export function splitCall(s: KernelSplit, args: readonly number[], most: number, minWork: number, extra?: ExtraChunks): number[][] {
  const total = (s.kind === "range" && s.unbatched ? 1 : (args[0] ?? 0)) * s.work * (s.kind === "range" ? s.count : 1);
  const least = minWork * (s.kind === "range" ? (s.threshold ?? 1) : 1);
  const cap = (n: number): number => {
    const parts = Math.min(most, n, Math.floor(total / least));
    if (!extra || parts <= extra.threads) return parts;
    return Math.max(extra.threads, extra.threads * Math.floor(Math.min(parts, Math.floor(total / extra.work)) / extra.threads));
  };
  if (s.kind === "rows") {
    const rows = args[0] ?? 0;
    const units = Math.ceil(rows / s.grain);
    const parts = cap(units);
    if (parts <= 1) return [args as number[]];
    const at = chunkBounds(units, parts, extra);
    const out: number[][] = [];
    for (let p = 0; p < parts; p++) {
      const r0 = at[p] * s.grain;
      const r1 = Math.min(rows, at[p + 1] * s.grain);
      out.push(args.map((a, i) => (i === 0 ? r1 - r0 : a + r0 * (s.strides[i] ?? 0))));
    }
    return out;
  }
  const parts = cap(s.count);
  const full = Array.from({ length: s.params }, (_, i) => args[i] ?? 0);
  if (parts <= 1) return [full.slice(0, s.params - 2).concat([0, s.count])];
  const at = chunkBounds(s.count, parts, extra);
  const out: number[][] = [];
  for (let p = 0; p < parts; p++) {
    const part = full.slice();
    part[s.params - 2] = at[p];
    part[s.params - 1] = at[p + 1];
    out.push(part);
  }
  return out;
}

/**
 * Where `parts` chunks of `n` units begin (and the last ends): evenly (⌊p·n/parts⌋), or, with
 * `shares` and parts a multiple of the threads, thread t's chunks — [⌊t·parts/threads⌋, …), the
 * ones takeChunks gives it first — over units [S_t, S_t+1), S_t = n · (the shares before t),
 * rounded, each thread keeping at least one unit per chunk, and cut evenly among its chunks.
 */
export function chunkBounds(n: number, parts: number, extra?: ExtraChunks): number[] {
  const threads = extra?.threads ?? 1;
  const shares = extra?.shares;
  if (!shares || shares.length !== threads || parts % threads !== 0)
    return Array.from({ length: parts + 1 }, (_, p) => Math.floor((p * n) / parts));
  const c = parts / threads;
  const start: number[] = [0];
  let sum = 0;
  for (let t = 1; t < threads; t++) {
    sum += shares[t - 1];
    start.push(Math.min(n - (threads - t) * c, Math.max(start[t - 1] + c, Math.round(n * sum))));
  }
  start.push(n);
  const at: number[] = [];
  for (let t = 0; t < threads; t++) for (let k = 0; k < c; k++) at.push(start[t] + Math.floor((k * (start[t + 1] - start[t])) / c));
  return [...at, n];
}
