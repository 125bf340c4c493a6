// The masked per-position cross-entropy and accuracy (runtime/kernels/losses.ts,
// runtime/metrics.ts, runtime/eval-metrics.ts): a padding mask (or ignore_class) leaves rows
// out of the loss's mean, out of its gradient and out of accuracy; the loss is the mean over
// the rows kept, which a direct computation over only those rows must reproduce exactly.
import { describe, expect, it } from "vitest";
import { sparseCategoricalCrossentropy, sparseCategoricalCrossentropyGrad } from "../../runtime/kernels/losses.js";
import { countArgmaxMatches, countScored } from "../../runtime/metrics.js";
import { EvalMetrics } from "../../runtime/eval-metrics.js";
import { weightedSparseCrossentropy, weightedSparseCrossentropyGrad } from "../../runtime/kernels/class-weight.js";
import { Rng } from "../../runtime/rng.js";

const rows = 6;
const cols = 4;
/** Logits of 6 positions over 4 classes, labels, and a mask leaving out rows 1, 4 and 5. */
function case_() {
  const rng = new Rng(3);
  const p = new Float64Array(rows * cols);
  for (let i = 0; i < p.length; i++) p[i] = rng.uniform() * 4 - 2;
  const labels = new Int32Array([2, 0, 1, 3, 0, 2]);
  const mask = new Float64Array([1, 0, 1, 1, 0, 0]);
  return { p, labels, mask };
}
/** The loss and gradient of the kept rows alone (no mask), as separate arrays. */
function kept(p: Float64Array, labels: Int32Array, keep: number[]) {
  const q = new Float64Array(keep.length * cols);
  keep.forEach((r, k) => q.set(p.subarray(r * cols, r * cols + cols), k * cols));
  const l = Int32Array.from(keep, (r) => labels[r]);
  const dq = new Float64Array(q.length);
  sparseCategoricalCrossentropyGrad(dq, q, l, keep.length, cols, true, 1);
  return { loss: sparseCategoricalCrossentropy(q, l, keep.length, cols, true), dq };
}

describe("the masked sparse cross-entropy", () => {
  for (const fromLogits of [true, false]) {
    it(`is the mean over unmasked rows, with no gradient at masked ones (${fromLogits ? "logits" : "probabilities"})`, () => {
      const { p: z, labels, mask } = case_();
      // Probabilities: a softmax of the logits per row.
      const p = fromLogits ? z : z.map((v, i) => Math.exp(v) / [0, 1, 2, 3].reduce((s, j) => s + Math.exp(z[i - (i % cols) + j]), 0));
      const loss = sparseCategoricalCrossentropy(p, labels, rows, cols, fromLogits, -1, mask);
      const dp = new Float64Array(p.length).fill(7);
      sparseCategoricalCrossentropyGrad(dp, p, labels, rows, cols, fromLogits, 1, -1, mask);
      // Rows 0, 2 and 3 alone, from the logits: the same loss.
      const ref = kept(z, labels, [0, 2, 3]);
      expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-12);
      for (const r of [1, 4, 5]) expect(Array.from(dp.subarray(r * cols, r * cols + cols))).toEqual([0, 0, 0, 0]);
      if (fromLogits) {
        [0, 2, 3].forEach((r, k) => {
          for (let j = 0; j < cols; j++) expect(Math.abs(dp[r * cols + j] - ref.dq[k * cols + j])).toBeLessThan(1e-15);
        });
      }
    });
  }

  it("combines a mask with ignore_class: a row is kept only when both keep it", () => {
    const { p, labels, mask } = case_();
    // ignore_class 3 drops row 3 as well.
    const loss = sparseCategoricalCrossentropy(p, labels, rows, cols, true, 3, mask);
    expect(Math.abs(loss - kept(p, labels, [0, 2]).loss)).toBeLessThan(1e-12);
  });

  it("is 0, with a zero gradient, when every row is masked", () => {
    const { p, labels } = case_();
    const none = new Float64Array(rows);
    expect(sparseCategoricalCrossentropy(p, labels, rows, cols, true, -1, none)).toBe(0);
    const dp = new Float64Array(p.length).fill(1);
    sparseCategoricalCrossentropyGrad(dp, p, labels, rows, cols, true, 1, -1, none);
    expect(dp.every((v) => v === 0)).toBe(true);
  });
});

describe("the class-weighted sparse cross-entropy with a mask", () => {
  it("is the weighted mean over the unmasked rows, with no gradient at masked ones", () => {
    const { p, labels, mask } = case_();
    const w = new Float64Array([0.5, 2, 1, 3]);
    const keep = [0, 2, 3];
    const q = new Float64Array(keep.length * cols);
    keep.forEach((r, k) => q.set(p.subarray(r * cols, r * cols + cols), k * cols));
    const l = Int32Array.from(keep, (r) => labels[r]);
    expect(
      Math.abs(weightedSparseCrossentropy(p, labels, rows, cols, true, w, mask) - weightedSparseCrossentropy(q, l, 3, cols, true, w)),
    ).toBeLessThan(1e-12);
    const dp = new Float64Array(p.length);
    weightedSparseCrossentropyGrad(dp, p, labels, rows, cols, true, 1, w, mask);
    const dq = new Float64Array(q.length);
    weightedSparseCrossentropyGrad(dq, q, l, 3, cols, true, 1, w);
    keep.forEach((r, k) => {
      for (let j = 0; j < cols; j++) expect(Math.abs(dp[r * cols + j] - dq[k * cols + j])).toBeLessThan(1e-15);
    });
    for (const r of [1, 4, 5]) expect(Array.from(dp.subarray(r * cols, r * cols + cols))).toEqual([0, 0, 0, 0]);
  });
});

describe("accuracy over unpadded positions", () => {
  // Scores whose arg-max is class 1 everywhere; labels with padding (0) at positions 3 and 4.
  const scores = new Float32Array(5 * 3).map((_, i) => (i % 3 === 1 ? 0.8 : 0.1));
  const labels = new Int32Array([1, 2, 1, 0, 0]);

  it("counts matches and scored positions without the padding label", () => {
    expect(countArgmaxMatches(scores, labels, 5, 3, 0)).toBe(2);
    expect(countScored(labels, 5, 0)).toBe(3);
    // Without ignoring, the padding positions would count as misses.
    expect(countArgmaxMatches(scores, labels, 5, 3)).toBe(2);
    expect(countScored(labels, 5, -1)).toBe(5);
  });

  it("EvalMetrics scores 2 of 3 positions, not 2 of 5", () => {
    const m = new EvalMetrics(["accuracy"], 3, 0.5, 0);
    m.add(scores, labels, 5);
    expect(m.values().accuracy).toBeCloseTo(2 / 3, 12);
  });
});
