import { describe, expect, it } from "vitest";
import { TrainingError } from "../../runtime/errors.js";
import { checkFiniteLoss, countArgmaxMatches, countBinaryMatches, countOneHotMatches, MeanMetric } from "../../runtime/metrics.js";

describe("metrics", () => {
  it("counts argmax matches over the real rows only", () => {
    const scores = new Float32Array([0.1, 0.8, 0.1, 0.7, 0.2, 0.1, 0.3, 0.3, 0.4]);
    expect(countArgmaxMatches(scores, new Int32Array([1, 0, 0]), 3, 3)).toBe(2);
    expect(countArgmaxMatches(scores, new Int32Array([1, 0, 2]), 2, 3)).toBe(2);
    expect(countOneHotMatches(scores, new Float32Array([0, 1, 0, 0, 0, 1, 0, 0, 1]), 3, 3)).toBe(2);
    expect(countBinaryMatches(new Float32Array([0.9, 0.2, 0.6]), new Float32Array([1, 0, 0]), 3)).toBe(2);
  });

  it("keeps a sample-weighted running mean", () => {
    const m = new MeanMetric();
    m.add(1, 32);
    m.add(4, 16);
    expect(m.value).toBe(2);
    m.reset();
    expect(m.value).toBe(0);
  });

  it("stops a diverged run with a clear error", () => {
    expect(() => checkFiniteLoss(0.5, 1, 10)).not.toThrow();
    expect(() => checkFiniteLoss(NaN, 2, 311)).toThrow(TrainingError);
    expect(() => checkFiniteLoss(Infinity, 2, 311)).toThrow(/loss became Infinity at epoch 2, step 311/);
  });
});
