// The activations selu, gelu (exact and tanh form), silu/swish, softplus, softsign and
// hard_sigmoid: each one's VJP against float64 central differences (tests/helpers/gradcase.ts,
// which also runs the WebAssembly backend against the TypeScript one on every case), on
// its own, as a dense layer's and as a conv2d layer's `activation=`; the forward values of a
// float64 trainer against the float64 formulas of tests/helpers/erf.ts (large |x| included:
// nothing overflows); the values and derivatives against PyTorch (tests/fixtures/activations.json)
// on both backends; the runtime's Φ against the tests' erf. Pre-activations spread over about
// [−4, 4] (inputs U(−4, 4) through a dense layer with fan-in 4); the data are continuous, so
// no value sits at hard_sigmoid's kinks ±3.
import { describe, expect, it } from "vitest";
import { prog, run } from "../helpers/gradcase.js";
import { loadTrainer } from "../helpers/trainer.js";
import { readJson } from "../helpers/fixtures.js";
import { Rng } from "../../runtime/rng.js";
import { findParam, paramSlice, setParam } from "../helpers/numerics.js";
import { activationRef, erf, erfc, phi } from "../helpers/erf.js";
import { normalCdf } from "../../runtime/kernels/elementwise.js";

const spread = { x: (r: { uniform(a: number, b: number): number }) => r.uniform(-4, 4) };
const ACTS = ["selu", "gelu", "gelu(approximate=true)", "silu", "swish", "softplus", "softsign", "hard_sigmoid"];

describe("activation gradients (finite differences, and WebAssembly against TypeScript)", () => {
  const alone = (a: string) => prog(`model m(x: [B, 4]) { x |> dense(5) |> ${a} |> dense(3) }`, "x: [B, 4], r: [B, 3]", "sum(m(x) * r)");
  for (const a of ACTS) it(`${a} on its own`, () => run({ src: alone(a), fill: spread }));

  for (const a of ACTS)
    it(`dense(5, activation=${a})`, () =>
      run({
        src: prog(`model m(x: [B, 4]) { x |> dense(5, activation=${a}) |> dense(3) }`, "x: [B, 4], r: [B, 3]", "sum(m(x) * r)"),
        fill: spread,
      }));

  for (const a of ["selu", "gelu", "gelu(approximate=true)", "silu", "softplus", "softsign", "hard_sigmoid"])
    it(`conv2d(3, kernel=2, activation=${a})`, () =>
      run({
        src: prog(
          `model m(x: [B, 4, 4, 2]) { x |> conv2d(3, kernel=2, activation=${a}) |> flatten() |> dense(2) }`,
          "x: [B, 4, 4, 2], r: [B, 2]",
          "sum(m(x) * r)",
        ),
        fill: { x: (r) => r.uniform(-3, 3) },
      }));
});

/** A float64 trainer of `x |> dense(k, activation=a)` with the identity kernel and zero bias: its prediction is a(x). */
async function identityModel(a: string, k: number, backend: "ts" | "wasm" = "ts") {
  const src = `model m(x: [B, ${k}]) { x |> dense(${k}, activation=${a}) }\ntrain t(x: [B, ${k}], r: [B, ${k}]) {\n  step m with sgd(lr=0.1) minimize sum(m(x) * r)\n}\n`;
  const mod = await loadTrainer(src, "test.dlm", undefined, backend);
  const t = mod.createTrainer(new Rng(1), { batch: 1, float64: backend === "ts" });
  return { mod, t };
}

describe("activation values (float64 trainer against float64 formulas)", () => {
  const xs = [-100, -30, -10, -4, -3.5, -1, -1e-3, -1e-9, 0, 1e-9, 1e-3, 0.7, 2.5, 4, 10, 30, 100];
  for (const a of ACTS) {
    it(`${a}, finite and exact at large |x|`, async () => {
      const { mod, t } = await identityModel(a, xs.length);
      setParam(
        mod,
        t,
        "dense/kernel",
        Array.from({ length: xs.length ** 2 }, (_, i) => (i % (xs.length + 1) === 0 ? 1 : 0)),
      );
      setParam(mod, t, "dense/bias", new Array(xs.length).fill(0));
      const m = t.models.m;
      m.inputs[0].set(xs);
      m.run(1);
      const got = m.output.subarray(0, xs.length);
      // Keras's tanh form cancels in 1 + tanh(u) for negative x (≈ 1e-12 relative at x = −4) and
      // underflows to 0 in float64 where x·σ(2u), dlm's form of it, does not.
      const [rel, floor] = a === "gelu(approximate=true)" ? [1e-10, 1e-30] : [1e-12, 1e-300];
      xs.forEach((x, i) => {
        const want = activationRef[a](x);
        expect(Number.isFinite(got[i]), `${a}(${x}) = ${got[i]}`).toBe(true);
        expect(Math.abs(got[i] - want), `${a}(${x}): ${got[i]} vs ${want}`).toBeLessThanOrEqual(rel * Math.abs(want) + floor);
      });
    });
  }

  // The trainer matches these to 1e-12 relative (above).
  it("the large-|x| values are the right ones: softplus(100) = 100, silu(−100) and gelu(−10) tiny and negative", () => {
    expect(activationRef.softplus(100)).toBe(100);
    expect(activationRef.silu(-100)).toBeLessThan(0);
    expect(activationRef.silu(-100)).toBeGreaterThan(-1e-40);
    expect(activationRef.gelu(-10)).toBeCloseTo(-10 * 7.61985302416047e-24, 30);
  });

  it("hard_sigmoid is Keras 3's relu6(x + 3)/6, not Keras 2's clip(0.2x + 0.5, 0, 1)", () => {
    expect(activationRef.hard_sigmoid(1)).toBeCloseTo(4 / 6, 15);
    expect(activationRef.hard_sigmoid(-2.8)).toBeCloseTo(0.2 / 6, 15);
    expect(activationRef.hard_sigmoid(2.6)).toBeCloseTo(1 - 0.4 / 6, 15);
  });
});

describe("Φ and erf", () => {
  it("the tests' erf at tabulated values", () => {
    // Abramowitz & Stegun, table 7.1, and erfc's tail.
    const table: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
    ];
    for (const [z, v] of table) expect(Math.abs(erf(z) - v)).toBeLessThan(1e-15);
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(5) / 1.5374597944280349e-12 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).toBeLessThan(1e-13);
  });

  it("the runtime's Φ (series and continued fraction) agrees with the tests' (Maclaurin series and Lentz), to 1e-12 relative", () => {
    let worst = 0;
    for (let x = -37; x <= 12; x += 0.0137) {
      const a = normalCdf(x);
      const b = phi(x);
      worst = Math.max(worst, Math.abs(a - b) / b);
    }
    expect(worst).toBeLessThan(1e-12);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

interface Fixture {
  x: number[];
  cases: { activation: string; torch: string; y: number[]; dydx: number[] }[];
}

describe("against PyTorch (tests/fixtures/activations.json)", () => {
  const fx = readJson("activations.json") as Fixture;
  const k = fx.x.length;
  /** y = a(bias) with a zero kernel: the prediction is a(x) and the bias gradient of sum(y) is a'(x). */
  async function valuesAndSlopes(a: string, backend: "ts" | "wasm") {
    const { mod, t } = await identityModel(a, k, backend);
    setParam(mod, t, "dense/kernel", new Array(k * k).fill(0));
    setParam(mod, t, "dense/bias", fx.x);
    t.inputs[0].fill(0);
    t.inputs[1].fill(1);
    const m = t.models.m;
    m.inputs[0].fill(0);
    m.run(1);
    const y = Float64Array.from(m.output.subarray(0, k));
    t.grads.fill(0);
    expect(t.trainStep(1)).toBe(-1);
    return { y, dydx: paramSlice(t, findParam(mod, "dense/bias"), "grads") };
  }
  for (const c of fx.cases) {
    it(`${c.activation} as ${c.torch}: float64 TypeScript to 1e-12, WebAssembly (f32) to 1e-6`, async () => {
      for (const [backend, rel, abs] of [
        ["ts", 1e-12, 1e-15],
        ["wasm", 1e-6, 1e-7],
      ] as const) {
        const got = await valuesAndSlopes(c.activation, backend);
        for (const [what, mine, theirs] of [
          ["y", got.y, c.y],
          ["dy/dx", got.dydx, c.dydx],
        ] as const)
          theirs.forEach((v, i) =>
            expect(Math.abs(mine[i] - v), `${backend} ${c.activation} ${what} at x = ${fx.x[i]}: ${mine[i]} vs ${v}`).toBeLessThanOrEqual(
              rel * Math.abs(v) + abs,
            ),
          );
      }
    });
  }
});
