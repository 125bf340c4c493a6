// Training controls run at the end of each epoch, with Keras 3's semantics: early stopping
// (EarlyStopping), reduce-on-plateau (ReduceLROnPlateau) and the best-value tracker of
// `save_best` (ModelCheckpoint(save_best_only=True)). Each reads one monitored value from
// the epoch's logs (`loss`, `accuracy`, `val_loss`, `val_auc`, …). Their state is plain
// numbers (and, for restore_best_weights, a copy of the weights) that a checkpoint holds,
// so a resumed run decides exactly as an uninterrupted one. No Node imports.

type Arr = Float32Array | Float64Array;

export type MonitorMode = "auto" | "min" | "max";

export interface EarlyStoppingSpec {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: MonitorMode;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
}

export interface PlateauSpec {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
}

/** Metrics that improve downwards (losses and errors); every other one (accuracy, auc, …) improves upwards. */
const lowerIsBetter = (metric: string): boolean => /(^|_)loss$/.test(metric) || metric === "mae" || metric === "mse";

/** Whether a smaller value of `monitor` is better: the mode, or in `auto` the metric's direction (Keras 3's `_direction`). */
export function minimizes(monitor: string, mode: MonitorMode = "auto"): boolean {
  if (mode !== "auto") return mode === "min";
  return lowerIsBetter(monitor.replace(/^val_/, ""));
}

/** The epoch's logs: every loss and metric by name (`loss`, `val_loss`, `val_accuracy`, …). */
export type Logs = Readonly<Record<string, number>>;

/** Raised where a checkpoint's control state cannot be read back: the caller names the file. */
export class StateError extends Error {}

const num = (v: unknown, what: string, min = -Infinity): number => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min) throw new StateError(`${what} is ${JSON.stringify(v)}; expected a number`);
  return v;
};
const int = (v: unknown, what: string): number => {
  if (!Number.isInteger(v) || (v as number) < 0) throw new StateError(`${what} is ${JSON.stringify(v)}; expected an integer ≥ 0`);
  return v as number;
};
const bestOf = (v: unknown, what: string): number | null => (v === null ? null : num(v, what));

/**
 * Keras 3's EarlyStopping. At each epoch end from `startFromEpoch` on: the first epoch
 * seen records the weights (with restore_best_weights); `wait` counts up, and an
 * improvement (better than the best by more than min_delta) resets it and records the
 * best; otherwise the run stops once `wait` ≥ patience (never after the first epoch).
 * At the end of training the best weights are restored whether or not it stopped.
 */
export class EarlyStopping {
  wait = 0;
  best: number | null = null;
  bestEpoch = 0;
  stoppedEpoch = 0;
  bestWeights: Arr | null = null;
  private readonly min: boolean;

  constructor(readonly spec: EarlyStoppingSpec) {
    this.min = minimizes(spec.monitor, spec.mode);
  }

  private improves(current: number, reference: number | null): boolean {
    if (reference === null) return true;
    const d = Math.abs(this.spec.minDelta);
    return this.min ? current - -d < reference : current - d > reference;
  }

  /** After epoch `epoch` (0-based); true when training should stop. */
  onEpochEnd(epoch: number, logs: Logs, weights: Arr): boolean {
    const current = logs[this.spec.monitor];
    if (current === undefined || epoch < this.spec.startFromEpoch) return false;
    if (this.spec.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = weights.slice();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.spec.restoreBestWeights) this.bestWeights!.set(weights);
      this.wait = 0;
      return false;
    }
    if (this.wait >= this.spec.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      return true;
    }
    return false;
  }

  /** At the end of training: the best weights back into `weights` (true when it restored them). */
  restore(weights: Arr): boolean {
    if (!this.spec.restoreBestWeights || this.bestWeights === null) return false;
    weights.set(this.bestWeights);
    return true;
  }

  state(): Record<string, number | null> {
    return { wait: this.wait, best: this.best, best_epoch: this.bestEpoch, stopped_epoch: this.stoppedEpoch };
  }

  load(s: Record<string, unknown>, bestWeights: Arr | null): void {
    this.wait = int(s.wait, "early_stopping.wait");
    this.best = bestOf(s.best, "early_stopping.best");
    this.bestEpoch = int(s.best_epoch, "early_stopping.best_epoch");
    this.stoppedEpoch = int(s.stopped_epoch, "early_stopping.stopped_epoch");
    this.bestWeights = bestWeights;
  }
}

/**
 * Keras 3's ReduceLROnPlateau on every step's learning rate. At each epoch end: in
 * cooldown, the cooldown counts down and `wait` is reset; an improvement (by more than
 * min_delta) records the best and resets `wait`; otherwise, out of cooldown, `wait`
 * counts up and at `patience` each learning rate above min_lr becomes
 * max(lr·factor, min_lr), and the cooldown starts.
 */
export class ReduceLrOnPlateau {
  wait = 0;
  cooldownCounter = 0;
  best: number;
  private readonly min: boolean;

  constructor(readonly spec: PlateauSpec) {
    this.min = minimizes(spec.monitor);
    this.best = this.min ? Infinity : -Infinity;
  }

  private improves(current: number): boolean {
    return this.min ? current < this.best - this.spec.minDelta : current > this.best + this.spec.minDelta;
  }

  /** After an epoch; lowers `lrs` in place; true when it changed them. */
  onEpochEnd(logs: Logs, lrs: Float64Array): boolean {
    const current = logs[this.spec.monitor];
    if (current === undefined) return false;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improves(current)) {
      this.best = current;
      this.wait = 0;
      return false;
    }
    if (this.cooldownCounter > 0) return false;
    this.wait++;
    if (this.wait < this.spec.patience) return false;
    let changed = false;
    // Keras compares the float32 learning rate with float32(min_lr).
    for (let k = 0; k < lrs.length; k++) {
      if (lrs[k] > Math.fround(this.spec.minLr)) {
        lrs[k] = Math.max(lrs[k] * this.spec.factor, this.spec.minLr);
        changed = true;
      }
    }
    if (changed) {
      this.cooldownCounter = this.spec.cooldown;
      this.wait = 0;
    }
    return changed;
  }

  state(): Record<string, number | null> {
    return { wait: this.wait, cooldown_counter: this.cooldownCounter, best: Number.isFinite(this.best) ? this.best : null };
  }

  load(s: Record<string, unknown>): void {
    this.wait = int(s.wait, "reduce_lr_on_plateau.wait");
    this.cooldownCounter = int(s.cooldown_counter, "reduce_lr_on_plateau.cooldown_counter");
    const best = bestOf(s.best, "reduce_lr_on_plateau.best");
    this.best = best ?? (this.min ? Infinity : -Infinity);
  }
}

/** `save_best`: Keras's ModelCheckpoint(save_best_only=True): a value strictly better than every earlier one. */
export class BestTracker {
  best: number | null = null;
  private readonly min: boolean;

  constructor(readonly monitor: string) {
    this.min = minimizes(monitor);
  }

  /** True when this epoch's value is the best so far (then it is recorded). */
  onEpochEnd(logs: Logs): boolean {
    const current = logs[this.monitor];
    if (current === undefined || !Number.isFinite(current)) return false;
    if (this.best !== null && !(this.min ? current < this.best : current > this.best)) return false;
    this.best = current;
    return true;
  }

  state(): Record<string, number | null> {
    return { best: this.best };
  }

  load(s: Record<string, unknown>): void {
    this.best = bestOf(s.best, "save_best.best");
  }
}

/** The controls of one run, and their state as one JSON text for a checkpoint's metadata. */
export class Controls {
  readonly early: EarlyStopping | null;
  readonly plateau: ReduceLrOnPlateau | null;
  readonly saveBest: BestTracker | null;

  constructor(specs: { earlyStopping?: EarlyStoppingSpec; reduceLrOnPlateau?: PlateauSpec; saveBest?: string; saveBestMonitor?: string }) {
    this.early = specs.earlyStopping ? new EarlyStopping(specs.earlyStopping) : null;
    this.plateau = specs.reduceLrOnPlateau ? new ReduceLrOnPlateau(specs.reduceLrOnPlateau) : null;
    this.saveBest = specs.saveBest ? new BestTracker(specs.saveBestMonitor ?? "val_loss") : null;
  }

  get any(): boolean {
    return !!(this.early || this.plateau || this.saveBest);
  }

  /** The state (without the best weights, which go in as tensors) and the current learning rates. */
  encode(lrs: Float64Array): string {
    return JSON.stringify({
      ...(this.early ? { early_stopping: this.early.state() } : {}),
      ...(this.plateau ? { reduce_lr_on_plateau: this.plateau.state() } : {}),
      ...(this.saveBest ? { save_best: this.saveBest.state() } : {}),
      learning_rates: Array.from(lrs),
    });
  }

  /** Reads `encode`'s text back into the controls and `lrs`; a StateError says what is wrong. */
  decode(text: string, lrs: Float64Array, bestWeights: Arr | null): void {
    let s: Record<string, unknown>;
    try {
      s = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new StateError("is not JSON");
    }
    if (typeof s !== "object" || s === null || Array.isArray(s)) throw new StateError("is not a JSON object");
    const part = (key: string, present: boolean): Record<string, unknown> | null => {
      const v = s[key];
      if (!present) return null;
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new StateError(`has no ${key} state`);
      return v as Record<string, unknown>;
    };
    const early = part("early_stopping", !!this.early);
    const plateau = part("reduce_lr_on_plateau", !!this.plateau);
    const best = part("save_best", !!this.saveBest);
    const rates = s.learning_rates;
    if (!Array.isArray(rates) || rates.length !== lrs.length)
      throw new StateError(`learning_rates is ${JSON.stringify(rates)}; expected ${lrs.length} learning rate${lrs.length > 1 ? "s" : ""}`);
    const values = rates.map((r, k) => num(r, `learning_rates[${k}]`, 0));
    if (this.early?.spec.restoreBestWeights && early && early.best !== null && !bestWeights)
      throw new StateError("has early-stopping state but not the best weights (tensors best/…)");
    this.early?.load(early!, bestWeights);
    this.plateau?.load(plateau!);
    this.saveBest?.load(best!);
    // A plateau changes the learning rates; they are restored with it.
    if (this.plateau) lrs.set(values);
  }
}

/** What `save_best` monitors: early stopping's monitor, else the plateau's, else `val_loss` (Keras's ModelCheckpoint default). */
export function saveBestMonitor(s: { readonly earlyStopping?: EarlyStoppingSpec; readonly reduceLrOnPlateau?: PlateauSpec }): string {
  return s.earlyStopping?.monitor ?? s.reduceLrOnPlateau?.monitor ?? "val_loss";
}
