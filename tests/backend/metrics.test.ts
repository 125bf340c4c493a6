// Evaluation metrics (runtime/eval-metrics.ts) against direct computations: precision,
// recall, f1 (binary at 0.5; several classes macro-averaged from the confusion matrix), the
// exact auc against a brute-force count of (positive, negative) pairs, top-k accuracy,
// mae and mse; and the class-weighted cross-entropies (runtime/kernels/class-weight.ts)
// against a float64 formula — Σ w[class]·loss / rows, Keras 3's normalization — and their
// gradients against finite differences.
import { describe, expect, it } from "vitest";
import { EvalMetrics, exactAuc } from "../../runtime/eval-metrics.js";
import * as K from "../../runtime/kernels/index.js";
import { Rng } from "../../runtime/rng.js";
import { evaluateOn } from "../../runtime/trainer.js";
import type { Dataset } from "../../runtime/dataset.js";
import { loadTrainer } from "../helpers/trainer.js";

const rng = new Rng(17);
const uniform = (n: number) => Float64Array.from({ length: n }, () => rng.uniform());

describe("metrics", () => {
  it("binary precision, recall, f1 and accuracy at threshold 0.5", () => {
    const p = uniform(200);
    const t = Float64Array.from({ length: 200 }, (_, i) => (rng.uniform() < 0.3 + 0.4 * p[i] ? 1 : 0));
    const m = new EvalMetrics(["accuracy", "precision", "recall", "f1", "auc"], 1);
    m.add(p.subarray(0, 128), t.subarray(0, 128), 128);
    m.add(p.subarray(128), t.subarray(128), 72);
    let tp = 0,
      fp = 0,
      fn = 0,
      right = 0;
    for (let i = 0; i < 200; i++) {
      const guess = p[i] > 0.5,
        truth = t[i] > 0.5;
      if (guess && truth) tp++;
      if (guess && !truth) fp++;
      if (!guess && truth) fn++;
      if (guess === truth) right++;
    }
    const v = m.values();
    expect(v.accuracy).toBe(right / 200);
    expect(v.precision).toBeCloseTo(tp / (tp + fp), 14);
    expect(v.recall).toBeCloseTo(tp / (tp + fn), 14);
    expect(v.f1).toBeCloseTo((2 * tp) / (2 * tp + fp + fn), 14);
    // auc: the brute-force pair count
    let pairs = 0,
      wins = 0;
    for (let i = 0; i < 200; i++)
      for (let j = 0; j < 200; j++) if (t[i] === 1 && t[j] === 0) (pairs++, (wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0));
    expect(v.auc).toBeCloseTo(wins / pairs, 14);
  });

  it("auc counts ties one half, and is NaN with one class", () => {
    expect(exactAuc([0.5, 0.5, 0.2, 0.9], [true, false, false, true])).toBe((1 + 0.5 + 1 + 1) / 4);
    expect(exactAuc([0.1, 0.2], [true, true])).toBeNaN();
  });

  it("several classes: macro-averaged precision, recall, f1 from the confusion matrix, top-k, mae and mse on one-hot targets", () => {
    const n = 300,
      c = 4;
    const p = uniform(n * c);
    const labels = Int32Array.from({ length: n }, (_, i) => (rng.uniform() < 0.5 ? argmax(p, i * c, c) : rng.below(c)));
    const m = new EvalMetrics(["precision", "recall", "f1", "top_k_accuracy(k=2)", "accuracy"], c);
    m.add(p, labels, n);
    const conf = Array.from({ length: c }, () => new Array(c).fill(0));
    let top2 = 0;
    for (let i = 0; i < n; i++) {
      conf[labels[i]][argmax(p, i * c, c)]++;
      const sorted = Array.from(p.subarray(i * c, i * c + c)).sort((a, b) => b - a);
      if (p[i * c + labels[i]] >= sorted[1]) top2++;
    }
    expect(m.matrix()).toEqual(conf);
    const prec = conf.map((_, k) => conf[k][k] / conf.reduce((s, r) => s + r[k], 0));
    const rec = conf.map((r, k) => r[k] / r.reduce((a, b) => a + b, 0));
    const f1 = prec.map((q, k) => (2 * q * rec[k]) / (q + rec[k]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const v = m.values();
    expect(v.precision).toBeCloseTo(mean(prec), 14);
    expect(v.recall).toBeCloseTo(mean(rec), 14);
    expect(v.f1).toBeCloseTo(mean(f1), 14);
    expect(v.top_k_accuracy).toBe(top2 / n);
    expect(v.accuracy).toBe(conf.reduce((s, r, k) => s + r[k], 0) / n);

    const oneHot = new Float64Array(n * c);
    labels.forEach((l, i) => (oneHot[i * c + l] = 1));
    const e = new EvalMetrics(["mae", "mse", "accuracy"], c);
    e.add(p, oneHot, n);
    let abs = 0,
      sq = 0;
    for (let i = 0; i < n * c; i++) ((abs += Math.abs(p[i] - oneHot[i])), (sq += (p[i] - oneHot[i]) ** 2));
    expect(e.values().mae).toBeCloseTo(abs / (n * c), 14);
    expect(e.values().mse).toBeCloseTo(sq / (n * c), 14);
    expect(e.values().accuracy).toBe(v.accuracy);
  });
});

function argmax(p: ArrayLike<number>, o: number, c: number): number {
  let b = 0;
  for (let j = 1; j < c; j++) if (p[o + j] > p[o + b]) b = j;
  return b;
}

describe("class-weighted cross-entropies (Keras 3: the weighted sum over the number of rows)", () => {
  const rows = 6,
    cols = 3;
  const z = Float64Array.from({ length: rows * cols }, () => 4 * rng.uniform() - 2);
  const labels = Int32Array.from([0, 2, 1, 2, 2, 0]);
  const w = Float64Array.of(0.5, 2, 3);
  const lse = (o: number) => Math.log([0, 1, 2].reduce((s, j) => s + Math.exp(z[o + j]), 0));

  it("sparse and categorical, from logits and on probabilities, against the float64 formula", () => {
    let expected = 0;
    for (let r = 0; r < rows; r++) expected += w[labels[r]] * (lse(r * cols) - z[r * cols + labels[r]]);
    expected /= rows; // not Σ w[label]: that is PyTorch's F.cross_entropy(weight=...)
    expect(K.weightedSparseCrossentropy(z, labels, rows, cols, true, w)).toBeCloseTo(expected, 13);
    const oneHot = new Float64Array(rows * cols);
    labels.forEach((l, r) => (oneHot[r * cols + l] = 1));
    expect(K.weightedCategoricalCrossentropy(z, oneHot, rows, cols, true, w)).toBeCloseTo(expected, 13);
    const probs = z.map((v, i) => Math.exp(v - lse(i - (i % cols))));
    expect(K.weightedSparseCrossentropy(probs, labels, rows, cols, false, w)).toBeCloseTo(expected, 12);
    // Uniform weights of 1: the unweighted loss.
    expect(K.weightedSparseCrossentropy(z, labels, rows, cols, true, Float64Array.of(1, 1, 1))).toBeCloseTo(
      K.sparseCategoricalCrossentropy(z, labels, rows, cols, true),
      14,
    );
  });

  it("binary: each entry weighed by its target's class", () => {
    const p = uniform(8).map((v) => 0.05 + 0.9 * v);
    const t = Float64Array.of(1, 0, 0, 1, 1, 0, 1, 0);
    const wb = Float64Array.of(1, 4);
    let expected = 0;
    for (let i = 0; i < 8; i++) expected -= wb[t[i]] * (t[i] * Math.log(p[i]) + (1 - t[i]) * Math.log(1 - p[i]));
    expect(K.weightedBinaryCrossentropy(p, t, 8, false, false, wb)).toBeCloseTo(expected / 8, 13);
  });

  it("gradients match central differences", () => {
    const dp = new Float64Array(rows * cols);
    K.weightedSparseCrossentropyGrad(dp, z, labels, rows, cols, true, 1, w);
    const h = 1e-6;
    for (let i = 0; i < rows * cols; i++) {
      const a = z.slice(),
        b = z.slice();
      a[i] += h;
      b[i] -= h;
      const fd =
        (K.weightedSparseCrossentropy(a, labels, rows, cols, true, w) - K.weightedSparseCrossentropy(b, labels, rows, cols, true, w)) /
        (2 * h);
      expect(dp[i]).toBeCloseTo(fd, 8);
    }
  });
});

describe("binary metrics of a model that ends in logits", () => {
  // dense(1) with kernel 1 and bias 0 outputs x itself; targets are x > 0. With
  // from_logits=true the output is a logit, positive above 0: every sample is right. Read as
  // a probability (threshold 0.5), the samples in (0, 0.5] would count as wrong.
  const src = (loss: string, act: string) => `model m(x: [B, 1]) { x |> dense(1${act}) }
train m {
  data csv("unused.csv", target="y")
  loss ${loss}
  optimizer sgd(lr=0.1)
  metrics [accuracy, precision, recall]
  batch 4
}
`;
  const xs = Float32Array.from([-0.9, -0.3, 0.1, 0.2, 0.4, 0.45, 0.7, -0.05, 0.3, 0.9]);
  const ds: Dataset = { n: xs.length, x: xs, xShape: [1], y: Float32Array.from(xs, (v) => (v > 0 ? 1 : 0)), yShape: [1] };

  async function evaluate(loss: string, act: string) {
    const mod = await loadTrainer(src(loss, act));
    const t = mod.createTrainer(new Rng(1), { batch: 4 });
    const p = mod.parameters;
    t.params[p.find((q) => q.name.endsWith("dense/kernel"))!.offset] = 1;
    t.params[p.find((q) => q.name.endsWith("dense/bias"))!.offset] = 0;
    return { mod, e: evaluateOn(mod, t, ds, 4) };
  }

  it("thresholds logits at 0 (from_logits=true on a linear output)", async () => {
    const { mod, e } = await evaluate("binary_crossentropy(from_logits=true)", "");
    expect(mod.program.evaluation?.predictionIsLogits).toBe(true);
    expect(e.metrics).toMatchObject({ accuracy: 1, precision: 1, recall: 1 });
  });

  it("thresholds probabilities at 0.5 (a sigmoid output, whose logits the loss reads internally)", async () => {
    const { mod, e } = await evaluate("binary_crossentropy", ", activation=sigmoid");
    expect(mod.program.evaluation?.predictionIsLogits).toBeUndefined();
    // σ(x) > 0.5 exactly where x > 0: also all right, through the other threshold.
    expect(e.metrics).toMatchObject({ accuracy: 1, precision: 1, recall: 1 });
  });
});
