// Learning-rate schedules (Keras 3's keras.optimizers.schedules), evaluated at the optimizer's
// step count `step`: Keras's `iterations`, 0 for the first update. In float64; docs/language.md
// §6 "Learning-rate schedules" states each formula.

export type LrSchedule =
  | {
      readonly kind: "exponential_decay";
      readonly initial: number;
      readonly decaySteps: number;
      readonly rate: number;
      readonly staircase: boolean;
    }
  | { readonly kind: "piecewise_constant"; readonly boundaries: readonly number[]; readonly values: readonly number[] }
  | {
      readonly kind: "cosine_decay";
      readonly initial: number;
      readonly decaySteps: number;
      readonly alpha: number;
      readonly warmupSteps: number;
      /** null: no warmup, the decay starts from `initial`. */
      readonly warmupTarget: number | null;
    }
  | {
      readonly kind: "polynomial_decay";
      readonly initial: number;
      readonly decaySteps: number;
      readonly end: number;
      readonly power: number;
      readonly cycle: boolean;
    };

/** The learning rate of the update taken at step count `step` (0-based). */
export function learningRate(s: LrSchedule, step: number): number {
  switch (s.kind) {
    case "exponential_decay": {
      const p = step / s.decaySteps;
      return s.initial * Math.pow(s.rate, s.staircase ? Math.floor(p) : p);
    }
    case "piecewise_constant": {
      // values[i] while step ≤ boundaries[i]; the last value after the last boundary.
      let i = 0;
      while (i < s.boundaries.length && step > s.boundaries[i]) i++;
      return s.values[i];
    }
    case "cosine_decay": {
      const decay = (t: number, from: number): number => {
        const cosine = 0.5 * (1 + Math.cos(Math.PI * (t / s.decaySteps)));
        return from * ((1 - s.alpha) * cosine + s.alpha);
      };
      if (s.warmupTarget === null) return decay(Math.min(step, s.decaySteps), s.initial);
      const t = Math.min(step, s.decaySteps + s.warmupSteps);
      if (t < s.warmupSteps) return (s.warmupTarget - s.initial) * (t / s.warmupSteps) + s.initial;
      return decay(t - s.warmupSteps, s.warmupTarget);
    }
    case "polynomial_decay": {
      let steps = s.decaySteps;
      let t = step;
      if (s.cycle) steps *= t === 0 ? 1 : Math.ceil(t / s.decaySteps);
      else t = Math.min(t, s.decaySteps);
      return (s.initial - s.end) * Math.pow(1 - t / steps, s.power) + s.end;
    }
  }
}
