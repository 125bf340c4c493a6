import { describe, expect, it } from "vitest";
import { computeFans, glorotUniform, heNormal, heUniform, initialize, lstmBias, orthogonal } from "../../runtime/init.js";
import { Rng } from "../../runtime/rng.js";
import { moments } from "./helpers.js";

/** Max |QᵀQ − I| over the [k, k] Gram matrix of the columns (or rows when byRows). */
function gramError(w: Float32Array, rows: number, cols: number, byRows: boolean): number {
  const k = byRows ? rows : cols;
  const len = byRows ? cols : rows;
  const at = (v: number, i: number): number => (byRows ? w[v * cols + i] : w[i * cols + v]);
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += at(a, i) * at(b, i);
      worst = Math.max(worst, Math.abs(dot - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

describe("initializers", () => {
  it("computes fans as Keras does", () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
    expect(computeFans([3, 3, 1, 32])).toEqual({ fanIn: 9, fanOut: 288 });
    expect(computeFans([5])).toEqual({ fanIn: 5, fanOut: 5 });
    expect(computeFans([])).toEqual({ fanIn: 1, fanOut: 1 });
  });

  it("glorot_uniform stays within its limit with variance limit²/3", () => {
    const shape = [784, 128];
    const w = new Float32Array(784 * 128);
    glorotUniform(w, shape, new Rng(1));
    const limit = Math.sqrt(6 / (784 + 128));
    expect(w.every((v) => Math.abs(v) <= limit)).toBe(true);
    const m = moments(w);
    expect(Math.abs(m.mean)).toBeLessThan(0.001);
    expect(m.std ** 2 / (limit ** 2 / 3)).toBeCloseTo(1, 1);
  });

  it("glorot_uniform on a conv kernel uses the receptive field", () => {
    const w = new Float32Array(3 * 3 * 1 * 32);
    glorotUniform(w, [3, 3, 1, 32], new Rng(2));
    const limit = Math.sqrt(6 / (9 + 288));
    expect(w.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.9 * limit);
  });

  it("he_normal is truncated at two stddevs and has stddev sqrt(2 / fan_in)", () => {
    const w = new Float32Array(400 * 300);
    heNormal(w, [400, 300], new Rng(3));
    const target = Math.sqrt(2 / 400);
    const bound = (2 * target) / 0.87962566103423978;
    expect(w.every((v) => Math.abs(v) <= bound * (1 + 1e-6))).toBe(true);
    const m = moments(w);
    expect(Math.abs(m.mean)).toBeLessThan(0.001);
    expect(m.std / target).toBeCloseTo(1, 2);
  });

  it("he_uniform stays within sqrt(6 / fan_in)", () => {
    const w = new Float32Array(50 * 20);
    heUniform(w, [50, 20], new Rng(4));
    expect(w.every((v) => Math.abs(v) <= Math.sqrt(6 / 50))).toBe(true);
  });

  it("orthogonal gives orthonormal columns when rows > cols and rows when rows < cols", () => {
    const tall = new Float32Array(60 * 20);
    orthogonal(tall, [60, 20], new Rng(5));
    expect(gramError(tall, 60, 20, false)).toBeLessThan(1e-5);

    const wide = new Float32Array(50 * 200); // an LSTM recurrent kernel [u, 4u]
    orthogonal(wide, [50, 200], new Rng(6));
    expect(gramError(wide, 50, 200, true)).toBeLessThan(1e-5);

    const square = new Float32Array(16 * 16);
    orthogonal(square, [16, 16], new Rng(7), 2);
    const scaled = square.map((v) => v / 2);
    expect(gramError(scaled, 16, 16, false)).toBeLessThan(1e-5);
    expect(gramError(scaled, 16, 16, true)).toBeLessThan(1e-5);
  });

  it("orthogonal is deterministic given the seed", () => {
    const a = new Float32Array(12);
    const b = new Float32Array(12);
    orthogonal(a, [3, 4], new Rng(8));
    orthogonal(b, [3, 4], new Rng(8));
    expect([...a]).toEqual([...b]);
  });

  it("lstm_bias sets the forget-gate block to one (gates i, f, c, o)", () => {
    const b = new Float32Array(4 * 3).fill(7);
    lstmBias(b, 3);
    expect([...b]).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("dispatches by Keras name and rejects unknown names and wrong sizes", () => {
    const rng = new Rng(9);
    const b = new Float32Array(8);
    initialize("lstm_bias", b, [8], rng);
    expect([...b]).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    initialize("ones", b, [8], rng);
    expect(b.every((v) => v === 1)).toBe(true);
    initialize("zeros", b, [2, 4], rng);
    expect(b.every((v) => v === 0)).toBe(true);
    for (const name of ["glorot_uniform", "he_normal", "he_uniform", "orthogonal"]) {
      initialize(name, b, [2, 4], rng);
      expect(b.some((v) => v !== 0)).toBe(true);
    }
    expect(() => initialize("lecun_weird", b, [8], rng)).toThrow(/unknown initializer 'lecun_weird'/);
    expect(() => initialize("zeros", b, [3, 3], rng)).toThrow(RangeError);
  });
});
