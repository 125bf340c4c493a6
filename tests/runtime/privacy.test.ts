// The RDP accountant of dp_sgd / dp_adam against TensorFlow Privacy's published table for its
// MNIST tutorial (batch 256 of N = 60,000, δ = 1e-5, steps = epochs · ⌊N/batch⌋), and its parts
// against values computed independently (erfc; the RDP of an unsampled Gaussian, α/(2σ²)).
import { describe, expect, it } from "vitest";
import { RDP_ORDERS, formatDelta, logErfc, privacyLine, privacySpent, rdpOfStep } from "../../runtime/privacy.js";

const N = 60000;
const batch = 256;
const steps = (epochs: number) => epochs * Math.floor(N / batch);

describe("privacy accountant", () => {
  it("reproduces TensorFlow Privacy's MNIST table within 0.02", () => {
    const table: [number, number, number][] = [
      [1.2, 10, 1.2],
      [1.12, 60, 2.92],
      [0.6, 30, 9.74],
    ];
    for (const [sigma, epochs, eps] of table) {
      const r = privacySpent(batch / N, sigma, steps(epochs), 1e-5);
      expect(Math.abs(r.epsilon - eps), `noise ${sigma}, ${epochs} epochs: ε ${r.epsilon}`).toBeLessThan(0.02);
      // The tighter conversion is never larger.
      expect(r.tighter).toBeLessThan(r.epsilon);
    }
  });

  it("uses the tutorial's orders", () => {
    expect(RDP_ORDERS.length).toBe(99 + 52);
    expect(RDP_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
    expect(RDP_ORDERS[98]).toBe(10.9);
    expect(RDP_ORDERS.slice(99, 101)).toEqual([12, 13]);
    expect(RDP_ORDERS[RDP_ORDERS.length - 1]).toBe(63);
  });

  it("computes log erfc to double precision, far into the tail", () => {
    // Values from Python's math.erfc.
    const cases: [number, number][] = [
      [0.5, 0.4795001221869535],
      [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12],
      [-1, 1.8427007929497148],
      [2.9, 4.109787809945886e-5],
      [1.9, 0.0072095707647425325],
    ];
    for (const [x, v] of cases) expect(Math.abs(Math.exp(logErfc(x)) / v - 1)).toBeLessThan(1e-12);
    // Asymptotically erfc(x) ≈ e^{−x²}/(x√π)·(1 − 1/(2x²)): at x = 40 the log is −1600 − ln(40√π) − 1/3200 + …
    expect(Math.abs(logErfc(40) - (-1600 - Math.log(40 * Math.sqrt(Math.PI)) + Math.log1p(-1 / 3200 + 3 / (4 * 40 ** 4))))).toBeLessThan(
      1e-9,
    );
  });

  it("integer and fractional orders agree where they meet, and q = 1 is the plain Gaussian", () => {
    const q = 0.01;
    for (const a of [2, 5, 12]) {
      const int = rdpOfStep(q, 1.1, a);
      const near = rdpOfStep(q, 1.1, a + 1e-9);
      expect(Math.abs(near / int - 1)).toBeLessThan(1e-6);
    }
    expect(rdpOfStep(1, 2, 3)).toBe(3 / 8);
    expect(rdpOfStep(0, 2, 3)).toBe(0);
    // Sampling amplifies privacy: RDP grows with q.
    expect(rdpOfStep(0.001, 1, 4)).toBeLessThan(rdpOfStep(0.01, 1, 4));
  });

  it("prints the epoch line", () => {
    expect(formatDelta(1e-5)).toBe("1e-05");
    expect(formatDelta(2.5e-6)).toBe("2.5e-06");
    const r = privacySpent(batch / N, 1.2, steps(10), 1e-5);
    expect(privacyLine(10, r, 1e-5)).toMatch(/^epoch 10 epsilon 1\.2\d delta 1e-05 \(tighter conversion: \d\.\d\d\)$/);
  });
});
