// Keras-style training progress. On a terminal: "Epoch 1/5", then one bar redrawn in place
// with "\r" (at most every `intervalMs`, 100 ms by default) and a final bar with the
// epoch's time and time per step. Elsewhere: exactly one plain line per epoch, no "\r",
// no colour. `quiet` prints nothing. Invariants: the clock and stream are injected (tests
// use fakes); update() does no formatting unless it redraws; no printed line may contain
// both "test" and "acc" (the trainer reports test results itself) — it throws instead.

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  epochs: number;
  /** Steps (batches) per epoch. */
  steps: number;
  stream?: ProgressStream;
  /** Milliseconds, monotonic; performance.now() by default. */
  now?: () => number;
  quiet?: boolean;
  /** Overrides stream.isTTY. */
  tty?: boolean;
  /** Minimum milliseconds between redraws on a terminal. */
  intervalMs?: number;
}

export type ProgressValues = Readonly<Record<string, number>>;

const BAR_WIDTH = 30;

/** Keras's value format: %.4f, or %.4e (two-digit exponent) for |v| ≤ 1e-3. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (Math.abs(v) > 1e-3) return v.toFixed(4);
  return v.toExponential(4).replace(/e([+-])(\d)$/, (_m, sign: string, d: string) => `e${sign}0${d}`);
}

function formatValues(values: ProgressValues): string {
  let s = "";
  for (const k in values) s += ` - ${k}: ${formatValue(values[k])}`;
  return s;
}

/** Keras's ETA format: 1:02:03, 2:03 or 45s. */
export function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (x: number): string => String(x).padStart(2, "0");
  if (s > 3600) return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
  if (s > 60) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${s}s`;
}

/** Keras's time per step: 2s/step, 22ms/step or 310us/step. */
export function formatPerStep(seconds: number): string {
  if (seconds >= 1) return `${seconds.toFixed(0)}s/step`;
  if (seconds >= 1e-3) return `${(seconds * 1e3).toFixed(0)}ms/step`;
  return `${(seconds * 1e6).toFixed(0)}us/step`;
}

/** "1234/1875 [=============>................]" as Keras's Progbar draws it. */
export function formatBar(current: number, target: number): string {
  const digits = String(target).length;
  const width = Math.floor((BAR_WIDTH * Math.min(current, target)) / target);
  let bar = `${String(current).padStart(digits)}/${target} [`;
  if (width > 0) bar += "=".repeat(width - 1) + (current < target ? ">" : "=");
  return bar + ".".repeat(BAR_WIDTH - width) + "]";
}

function checkLine(line: string): string {
  if (/test/i.test(line) && /acc/i.test(line)) {
    throw new Error(`progress line mentions both "test" and "acc"; report test results separately: ${line}`);
  }
  return line;
}

export class Progress {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly tty: boolean;
  private readonly quiet: boolean;
  private readonly interval: number;
  private epoch = 0;
  private start = 0;
  private lastDraw = -Infinity;
  private lastWidth = 0;

  constructor(private readonly opts: ProgressOptions) {
    if (opts.stream === undefined && typeof process === "undefined") throw new Error("Progress needs a stream here");
    this.stream = opts.stream ?? process.stdout;
    this.now = opts.now ?? (() => performance.now());
    this.tty = opts.tty ?? this.stream.isTTY === true;
    this.quiet = opts.quiet === true;
    this.interval = opts.intervalMs ?? 100;
  }

  /** Starts epoch `epoch` (1-based). */
  startEpoch(epoch: number): void {
    this.epoch = epoch;
    this.start = this.now();
    this.lastDraw = -Infinity;
    this.lastWidth = 0;
    if (!this.quiet && this.tty) this.stream.write(checkLine(`Epoch ${epoch}/${this.opts.epochs}`) + "\n");
  }

  /** Reports `step` steps done (1-based) with running values; redraws when due. */
  update(step: number, values: ProgressValues): void {
    if (this.quiet || !this.tty) return;
    const t = this.now();
    if (t - this.lastDraw < this.interval || step >= this.opts.steps) return; // the end is drawn by endEpoch
    this.lastDraw = t;
    const elapsed = (t - this.start) / 1000;
    const eta = step > 0 ? (elapsed / step) * (this.opts.steps - step) : 0;
    this.redraw(`${formatBar(step, this.opts.steps)} - ETA: ${formatEta(eta)}${formatValues(values)}`, false);
  }

  /** Ends the epoch with its final values (validation values included, if any). */
  /** Ends the epoch's line; `done` is the steps run when the epoch stopped early (--max-steps). */
  endEpoch(values: ProgressValues, done = this.opts.steps): void {
    if (this.quiet) return;
    const seconds = (this.now() - this.start) / 1000;
    const steps = done;
    if (this.tty) {
      const time = ` - ${seconds.toFixed(0)}s ${formatPerStep(seconds / Math.max(steps, 1))}`;
      this.redraw(`${formatBar(steps, this.opts.steps)}${time}${formatValues(values)}`, true);
    } else {
      const line = `Epoch ${this.epoch}/${this.opts.epochs} - ${steps} steps - ${seconds.toFixed(1)}s${formatValues(values)}`;
      this.stream.write(checkLine(line) + "\n");
    }
  }

  private redraw(line: string, final: boolean): void {
    checkLine(line);
    const pad = this.lastWidth > line.length ? " ".repeat(this.lastWidth - line.length) : "";
    this.lastWidth = line.length;
    this.stream.write("\r" + line + pad + (final ? "\n" : ""));
  }
}
