// `--profile`: where a trainer's time goes, per kernel. The WebAssembly trainer's kernel
// exports are wrapped (only when profiling: the wrapper costs a call and two clock reads)
// to add up calls and wall time per kernel; the report lists the kernels by total time,
// with the share of all kernel time and the time per call.
export type KernelFn = (...args: number[]) => number;

export class KernelProfile {
  private readonly totals = new Map<string, { calls: number; ms: number }>();

  /** The exports with every function timed under its name. */
  wrap<E extends Readonly<Record<string, KernelFn>>>(exports: E): E {
    const out: Record<string, KernelFn> = {};
    for (const [name, fn] of Object.entries(exports)) {
      if (typeof fn !== "function") continue;
      const entry = { calls: 0, ms: 0 };
      this.totals.set(name, entry);
      out[name] = (...args: number[]) => {
        const t = performance.now();
        const r = fn(...args);
        entry.ms += performance.now() - t;
        entry.calls++;
        return r;
      };
    }
    return out as E;
  }

  /** A table of the kernels that ran, slowest first. */
  report(): string {
    const rows = [...this.totals.entries()].filter(([, e]) => e.calls > 0).sort((a, b) => b[1].ms - a[1].ms);
    const total = rows.reduce((a, [, e]) => a + e.ms, 0);
    const width = Math.max(6, ...rows.map(([n]) => n.length));
    const lines = [
      `${"kernel".padEnd(width)}  ${"total ms".padStart(10)}  ${"share".padStart(6)}  ${"calls".padStart(8)}  ${"µs/call".padStart(9)}`,
    ];
    for (const [name, e] of rows) {
      lines.push(
        `${name.padEnd(width)}  ${e.ms.toFixed(1).padStart(10)}  ${((100 * e.ms) / total).toFixed(1).padStart(5)}%  ${String(e.calls).padStart(8)}  ${((1000 * e.ms) / e.calls).toFixed(1).padStart(9)}`,
      );
    }
    lines.push(`${"all kernels".padEnd(width)}  ${total.toFixed(1).padStart(10)}`);
    return lines.join("\n") + "\n";
  }
}
