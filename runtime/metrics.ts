// Metrics the trainers report, and the divergence check. Invariants: the count functions
// score only the first `count` rows of a batch (a partial last batch is masked that way)
// and allocate nothing; MeanMetric weights each batch by its real row count, as Keras's
// running means do.
import { TrainingError } from "./errors.js";

/**
 * Rows whose argmax over `classes` scores equals the int label (sparse categorical accuracy);
 * rows labelled `ignore` (padding positions) are not scored (see countScored).
 */
export function countArgmaxMatches(scores: Float32Array, labels: Int32Array, count: number, classes: number, ignore = -1): number {
  let correct = 0;
  for (let r = 0; r < count; r++) {
    if (labels[r] === ignore) continue;
    const base = r * classes;
    let best = 0;
    for (let c = 1; c < classes; c++) if (scores[base + c] > scores[base + best]) best = c;
    if (best === labels[r]) correct++;
  }
  return correct;
}

/** Rows among the first `count` whose label is not `ignore`: the positions accuracy scores. */
export function countScored(labels: Int32Array, count: number, ignore: number): number {
  let scored = 0;
  for (let r = 0; r < count; r++) if (labels[r] !== ignore) scored++;
  return scored;
}

/** Rows whose argmax agrees between scores and one-hot targets (categorical accuracy). */
export function countOneHotMatches(scores: Float32Array, targets: Float32Array, count: number, classes: number): number {
  let correct = 0;
  for (let r = 0; r < count; r++) {
    const base = r * classes;
    let a = 0;
    let b = 0;
    for (let c = 1; c < classes; c++) {
      if (scores[base + c] > scores[base + a]) a = c;
      if (targets[base + c] > targets[base + b]) b = c;
    }
    if (a === b) correct++;
  }
  return correct;
}

/** Entries where (p > threshold) equals (target > 0.5): binary accuracy over count·width entries. */
export function countBinaryMatches(probs: Float32Array, targets: Float32Array, count: number, width = 1, threshold = 0.5): number {
  let correct = 0;
  for (let i = 0; i < count * width; i++) if (probs[i] > threshold === targets[i] > 0.5) correct++;
  return correct;
}

/** A running mean weighted by sample counts (reset each epoch). */
export class MeanMetric {
  private sum = 0;
  private weight = 0;

  add(value: number, weight = 1): void {
    this.sum += value * weight;
    this.weight += weight;
  }

  get value(): number {
    return this.weight === 0 ? 0 : this.sum / this.weight;
  }

  reset(): void {
    this.sum = 0;
    this.weight = 0;
  }
}

/** Throws a TrainingError when a loss turns NaN or infinite, saying where and what to try. */
export function checkFiniteLoss(loss: number, epoch: number, step: number, name = "loss"): void {
  if (Number.isFinite(loss)) return;
  throw new TrainingError(
    `${name} became ${Number.isNaN(loss) ? "NaN" : String(loss)} at epoch ${epoch}, step ${step}; ` +
      "training diverged — try a lower learning rate, or check the data for NaN or huge values",
  );
}
