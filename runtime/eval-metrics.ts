// The metrics of an evaluation (validation and test): accuracy, precision, recall, f1,
// auc, top_k_accuracy(k), mae and mse, accumulated batch by batch over the valid rows
// only, and the confusion matrix they come from. Binary predictions (one output) are
// thresholded at 0.5, as Keras's metrics' defaults; several classes are compared by
// arg-max and precision, recall and f1 are macro-averaged (each class's, then their mean).
// `auc` is exact: the ROC area from all the scores, sorted (ties count one half), where
// Keras approximates it with 200 thresholds. No Node imports.

type Arr = Float32Array | Float64Array;

/** A metric as the program names it (`accuracy`, `top_k_accuracy(k=3)`) and as logs show it (`top_k_accuracy`). */
export function metricName(metric: string): string {
  return metric.replace(/\(.*$/, "");
}

/** k of `top_k_accuracy(k=K)`, 5 (Keras's default) when not given. */
function topKOf(metric: string): number {
  const m = /^top_k_accuracy\(k=([0-9]+)\)$/.exec(metric);
  return m ? Number(m[1]) : 5;
}

/** Per-class counts of a confusion matrix [true][predicted]: precision, recall and f1 of each class (0 where undefined). */
export function perClass(confusion: readonly (readonly number[])[]): { precision: number[]; recall: number[]; f1: number[] } {
  const c = confusion.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  for (let k = 0; k < c; k++) {
    const tp = confusion[k][k];
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < c; j++) {
      predicted += confusion[j][k];
      actual += confusion[k][j];
    }
    const p = predicted ? tp / predicted : 0;
    const r = actual ? tp / actual : 0;
    precision.push(p);
    recall.push(r);
    f1.push(p + r ? (2 * p * r) / (p + r) : 0);
  }
  return { precision, recall, f1 };
}

/**
 * The exact area under the ROC curve of binary scores: the share of (positive, negative)
 * pairs whose positive scores higher, a tie counting one half (the Mann–Whitney U
 * statistic), from one sort of the scores. NaN without both classes.
 */
export function exactAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>, n = scores.length): number {
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0; // the positives' ranks (1-based, ties averaged)
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (positive[idx[k]]) (pos++, (rankSum += rank));
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Accumulates an evaluation's metrics over batches. */
export class EvalMetrics {
  private readonly confusion: number[][];
  private units = 0;
  private correct = 0;
  private topK = 0;
  private absSum = 0;
  private sqSum = 0;
  private entries = 0;
  private readonly scores: number[] = [];
  private readonly labels: boolean[] = [];
  private readonly binary: boolean;
  private readonly k: number;

  /**
   * `metrics` as the program lists them; `classes` the prediction's last dimension (1:
   * binary); `threshold` where a binary prediction counts as positive (0.5 on probabilities);
   * class ids equal to `ignore` (padding positions) are not scored.
   */
  constructor(
    readonly metrics: readonly string[],
    readonly classes: number,
    private readonly threshold = 0.5,
    private readonly ignore = -1,
  ) {
    this.binary = classes === 1;
    const c = this.binary ? 2 : classes;
    this.confusion = Array.from({ length: c }, () => new Array<number>(c).fill(0));
    this.k = topKOf(metrics.find((m) => m.startsWith("top_k_accuracy")) ?? "");
  }

  /**
   * Adds `units` predictions (rows of `classes` scores) against their targets: class ids
   * (Int32Array, or whole floats with several classes and one target per row), one-hot
   * or soft rows, or binary targets.
   */
  add(pred: Arr, target: Arr | Int32Array, units: number): void {
    const c = this.classes;
    const ids = target instanceof Int32Array || (!this.binary && target.length < pred.length);
    for (let r = 0; r < units; r++) {
      const o = r * c;
      let truth: number;
      let guess: number;
      if (this.binary) {
        truth = target[r] > 0.5 ? 1 : 0;
        guess = pred[r] > this.threshold ? 1 : 0;
        this.scores.push(pred[r]);
        this.labels.push(truth === 1);
      } else {
        guess = 0;
        for (let j = 1; j < c; j++) if (pred[o + j] > pred[o + guess]) guess = j;
        if (ids) {
          truth = target[r];
          if (truth === this.ignore) continue;
        } else {
          truth = 0;
          for (let j = 1; j < c; j++) if (target[o + j] > target[o + truth]) truth = j;
        }
        let above = 0;
        for (let j = 0; j < c; j++) if (pred[o + j] > pred[o + truth]) above++;
        if (above < this.k) this.topK++;
      }
      this.confusion[truth][guess]++;
      this.units++;
      if (truth === guess) this.correct++;
      if (!ids) {
        for (let j = 0; j < c; j++) {
          const d = pred[o + j] - target[o + j];
          this.absSum += Math.abs(d);
          this.sqSum += d * d;
        }
        this.entries += c;
      }
    }
  }

  /** The confusion matrix [true class][predicted class] (binary: classes 0 and 1). */
  matrix(): number[][] {
    return this.confusion.map((r) => r.slice());
  }

  /** Every listed metric by its log name. */
  values(): Record<string, number> {
    const out: Record<string, number> = {};
    const per = perClass(this.confusion);
    // Binary: the positive class's; several classes: the mean over the classes (macro).
    const avg = (xs: number[]) => (this.binary ? xs[1] : xs.reduce((a, b) => a + b, 0) / xs.length);
    for (const m of this.metrics) {
      const name = metricName(m);
      switch (name) {
        case "accuracy":
          out.accuracy = this.units ? this.correct / this.units : NaN;
          break;
        case "precision":
          out.precision = avg(per.precision);
          break;
        case "recall":
          out.recall = avg(per.recall);
          break;
        case "f1":
          out.f1 = avg(per.f1);
          break;
        case "auc":
          out.auc = exactAuc(this.scores, this.labels);
          break;
        case "top_k_accuracy":
          out.top_k_accuracy = this.units ? this.topK / this.units : NaN;
          break;
        case "mae":
          out.mae = this.entries ? this.absSum / this.entries : NaN;
          break;
        case "mse":
          out.mse = this.entries ? this.sqSum / this.entries : NaN;
          break;
        default:
          throw new Error(`internal: unknown metric ${m}`);
      }
    }
    return out;
  }
}

/** The confusion matrix as text, with each class's precision, recall and f1 (several classes) or the positive class's (binary). */
export function formatConfusion(confusion: readonly (readonly number[])[]): string {
  const c = confusion.length;
  const width = Math.max(5, ...confusion.flat().map((v) => String(v).length)) + 1;
  const pad = (s: string | number) => String(s).padStart(width);
  const lines = [`confusion matrix (rows: true class, columns: predicted class)`];
  lines.push(`${pad("")}${Array.from({ length: c }, (_, k) => pad(k)).join("")}`);
  confusion.forEach((row, k) => lines.push(`${pad(k)}${row.map(pad).join("")}`));
  const per = perClass(confusion);
  lines.push(`class ${"precision".padStart(10)} ${"recall".padStart(10)} ${"f1".padStart(10)}`);
  for (let k = 0; k < c; k++)
    lines.push(
      `${String(k).padStart(5)} ${per.precision[k].toFixed(4).padStart(10)} ${per.recall[k].toFixed(4).padStart(10)} ${per.f1[k].toFixed(4).padStart(10)}`,
    );
  return lines.join("\n") + "\n";
}
