// How much memory a trainer needs at a batch size, and whether it can have it — checked
// when a trainer starts, before its data is loaded or any buffer allocated.
//
// A WebAssembly trainer keeps everything in one wasm32 memory: at most 65536 pages of
// 64 KiB (4 GiB), the upper bound node 20's V8 accepts. A TypeScript-backend trainer
// allocates a typed array per buffer; it may use at most MACHINE_FRACTION of this machine's
// memory (os.totalmem()), leaving the rest to node, its data and the system.
// The compiler writes each trainer's need as `memory` (bytes: fixed + perRow·B).

/** A wasm32 memory's largest size in bytes: 65536 pages of 64 KiB. */
export const WASM_MEMORY_LIMIT = 65536 * 65536;

/** The share of the machine's memory a TypeScript-backend trainer may take. */
export const MACHINE_FRACTION = 0.75;

/** What a compiled trainer exports as `memory`. */
export interface MemoryNeed {
  readonly backend: "wasm" | "ts";
  /** Bytes at batch size B: fixed + perRow · B. */
  readonly fixed: number;
  readonly perRow: number;
}

/** The largest batch size B with fixed + perRow·B ≤ limit (0 when not even one row fits). */
export function largestBatch(bytes: { readonly fixed: number; readonly perRow: number }, limit: number): number {
  if (bytes.fixed + bytes.perRow > limit) return 0;
  if (bytes.perRow === 0) return Number.MAX_SAFE_INTEGER;
  return Math.floor((limit - bytes.fixed) / bytes.perRow);
}

/** 1.5 GiB, 154.1 KiB, 832 bytes. */
export function formatBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  if (n < 1024) return `${n} bytes`;
  let x = n / 1024;
  let u = 0;
  while (x >= 1024 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${x.toFixed(1)} ${units[u]}`;
}

/**
 * Why `need` cannot run at `batch` rows (one line), or undefined when it can. `option`:
 * the batch came from `--batch` (the message says so). `machineBytes`: this machine's
 * memory, for the TypeScript backend.
 */
export function memoryProblem(need: MemoryNeed, batch: number, option: boolean, machineBytes: number): string | undefined {
  const bytes = need.fixed + need.perRow * batch;
  const limit = need.backend === "wasm" ? WASM_MEMORY_LIMIT : Math.floor(machineBytes * MACHINE_FRACTION);
  if (bytes <= limit) return undefined;
  const most = largestBatch(need, limit);
  const what = option ? `--batch ${batch}` : `batch ${batch}`;
  const per = `${formatBytes(need.fixed)} + ${formatBytes(need.perRow)} per batch row`;
  const where =
    need.backend === "wasm"
      ? `of WebAssembly memory (${per}); a wasm32 memory holds at most 4 GiB`
      : `for the TypeScript backend's buffers (${per}); it may use ${MACHINE_FRACTION * 100}% of this machine's ${formatBytes(machineBytes)}`;
  const fix = most >= 1 ? `the largest batch that fits is ${most}` : "not even one row fits";
  return `${what} needs ${formatBytes(bytes)} ${where}: ${fix}`;
}
