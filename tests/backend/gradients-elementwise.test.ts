// The elementwise math ops (compiler/ops/elementwise.ts) against float64 central finite
// differences, the WebAssembly backend against the TypeScript one on each case (`run`,
// tests/helpers/gradcase.ts), and the forward loss against Math.* in float64. A dense layer
// before each op carries the parameters whose gradients are checked; inputs keep the ops
// away from their kinks (abs at 0, clip at its bounds, maximum/minimum ties) and log/sqrt
// on positive values. TensorFlow's tie rule for maximum/minimum is checked on exact ties.
// Values and gradients against PyTorch (tests/fixtures/elementwise.json) on both backends.
import { describe, expect, it } from "vitest";
import { close, N, prog, rows, run } from "../helpers/gradcase.js";
import { findParam, paramSlice, refDense, setParam } from "../helpers/numerics.js";
import { readJson } from "../helpers/fixtures.js";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";

/** A model x: [B, 4] → dense(3) → `body` (h is the dense output), its loss sum(m(x) * r), and the forward check Σ f(h)·r. */
function unaryCase(body: string, f: (h: number) => number, dense = "dense(3)") {
  return {
    src: prog(`model m(x: [B, 4]) {\n  let h = x |> ${dense}\n  ${body}\n}`, "x: [B, 4], r: [B, 3]", "sum(m(x) * r)"),
    check: ({ loss, input, param }: { loss: number; input: (n: string) => Float64Array; param: (n: string) => Float64Array }) => {
      const h = refDense(rows(input("x"), 4), param("dense/kernel"), param("dense/bias"), N, 4, 3);
      const r = input("r");
      close(
        loss,
        h.reduce((s, v, i) => s + f(v) * r[i], 0),
        1e-11,
      );
    },
  };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe("unary ops", () => {
  it("exp", () => run(unaryCase("exp(h)", Math.exp)));
  it("exponential as a layer's activation", () => run(unaryCase("h", Math.exp, "dense(3, activation=exponential)")));
  it("exponential as a function", () => run(unaryCase("h |> exponential", Math.exp)));
  it("log of a sigmoid (positive)", () => run(unaryCase("log(sigmoid(h))", (v) => Math.log(sigmoid(v)))));
  it("sqrt of a sigmoid (positive)", () => run(unaryCase("h |> sigmoid |> sqrt", (v) => Math.sqrt(sigmoid(v)))));
  it("abs (points away from 0)", () => run(unaryCase("abs(h)", Math.abs)));
  it("square", () => run(unaryCase("square(h)", (v) => v * v)));
  it("clip(h, -0.3, 0.4): gradient inside, zero outside", () =>
    run(unaryCase("clip(h, -0.3, 0.4)", (v) => Math.min(Math.max(v, -0.3), 0.4))));
});

describe("pow", () => {
  // Integer exponents (negative bases too), half-integers and others on positive bases, and
  // large exponents on bases near 1 (xᵖ multiplies an input's relative rounding error by p,
  // so the backends' agreement on larger bases is a matter of the inputs' ulps, not of pow;
  // tests/wasm/elementwise-math.test.ts measures the kernel itself).
  for (const p of [2, 3, 5]) it(`pow(h, ${p})`, () => run(unaryCase(`pow(h, ${p})`, (v) => Math.pow(v, p))));
  for (const p of [-1, -2, -3])
    it(`pow(sigmoid(h) - 1.5, ${p}) (negative bases)`, () =>
      run(unaryCase(`pow(sigmoid(h) - 1.5, ${p})`, (v) => Math.pow(sigmoid(v) - 1.5, p))));
  for (const p of [0.5, 1.5, -0.5, -2.5, 0.3, 2.7, -1.3])
    it(`pow(sigmoid(h) + 0.5, ${p})`, () => run(unaryCase(`pow(sigmoid(h) + 0.5, ${p})`, (v) => Math.pow(sigmoid(v) + 0.5, p))));
  for (const p of [65, 66, -65])
    it(`pow(tanh(h) * 0.3 + 1, ${p})`, () => run(unaryCase(`pow(tanh(h) * 0.3 + 1, ${p})`, (v) => Math.pow(Math.tanh(v) * 0.3 + 1, p))));
});

describe("maximum and minimum", () => {
  const two = (op: string, a: string, b: string, shapeB = "[B, 3]") =>
    prog(
      `model m(x: [B, 4], z: [B, 2]) {\n  let h = x |> dense(3)\n  let g = z |> dense(${shapeB === "[B, 3]" ? 3 : 1})\n  ${op}(${a}, ${b})\n}`,
      "x: [B, 4], z: [B, 2], r: [B, 3]",
      "sum(m(x, z) * r)",
    );
  it("maximum of two tensors of one shape", () => run({ src: two("maximum", "h", "g") }));
  it("minimum of two tensors of one shape", () => run({ src: two("minimum", "g", "h") }));
  it("maximum with b broadcast along the last axis ([B, 3] and [B, 1])", () => run({ src: two("maximum", "h", "g", "[B, 1]") }));
  it("minimum with a broadcast along the last axis ([B, 1] and [B, 3])", () => run({ src: two("minimum", "g", "h", "[B, 1]") }));
  it("maximum with a number (relu-like) and minimum with a number first", () => {
    const f = (v: number) => Math.min(0.3, Math.max(v, -0.1));
    return run(unaryCase("minimum(0.3, maximum(h, -0.1))", f));
  });
  it("maximum broadcasting over a middle axis: [B, 2, 3] against [B, 1, 3]", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 4], z: [B, 1, 2]) {\n  maximum(x |> dense(3), z |> dense(3))\n}",
        "x: [B, 2, 4], z: [B, 1, 2], r: [B, 2, 3]",
        "sum(m(x, z) * r)",
      ),
    }));
  it("minimum with a per-feature operand broadcast over the batch: [B, 3] against [3]", () =>
    run({
      src: prog("model m(x: [B, 4]) {\n  let h = x |> dense(3)\n  minimum(h, mean(h, axis=0))\n}", "x: [B, 4], r: [B, 3]", "sum(m(x) * r)"),
    }));

  // TensorFlow's rule on ties: the whole gradient to `a` (PyTorch splits it 0.5/0.5).
  for (const op of ["maximum", "minimum"]) {
    it(`${op}(h, stop_gradient(h)): a tie gives a the whole gradient`, () =>
      run({
        src: prog(
          `model m(x: [B, 4]) {\n  let h = x |> dense(3)\n  ${op}(h, stop_gradient(h))\n}`,
          "x: [B, 4], r: [B, 3]",
          "sum(m(x) * r)",
        ),
      }));
    it(`${op}(stop_gradient(h), h): a tie gives b nothing`, () =>
      run({
        src: prog(
          `model m(x: [B, 4]) {\n  let h = x |> dense(3)\n  ${op}(stop_gradient(h), h)\n}`,
          "x: [B, 4], r: [B, 3]",
          "sum(m(x) * r)",
        ),
        scale: { kernel: 0, bias: 0 },
      }));
  }
});

interface Fixture {
  cases: {
    op: string;
    torch: string;
    x?: number[];
    a?: number[];
    b?: number[];
    y: number[];
    dydx?: number[];
    dyda?: number[];
    dydb?: number[];
  }[];
}

describe("against PyTorch (tests/fixtures/elementwise.json)", () => {
  const fx = readJson("elementwise.json") as Fixture;
  /**
   * The op on dense biases with zero kernels (a dense layer's output is its bias): the
   * prediction is op(x) (or op(a, b)), and the bias gradients of sum(y) are the op's derivatives.
   */
  async function evaluate(c: Fixture["cases"][number], backend: "ts" | "wasm") {
    const binary = c.a !== undefined;
    const k = (c.x ?? c.a)!.length;
    const body = binary ? `${c.op}(x |> dense(${k}), x |> dense(${k}))` : `x |> dense(${k}) |> ${c.op}`;
    const src = `model m(x: [B, ${k}]) { ${body} }\ntrain t(x: [B, ${k}], r: [B, ${k}]) {\n  step m with sgd(lr=0.1) minimize sum(m(x) * r)\n}\n`;
    const mod = await loadTrainer(src, "test.dlm", undefined, backend);
    const t = mod.createTrainer(new Rng(1), { batch: 1, float64: backend === "ts" });
    const layers = binary ? ["dense", "dense_1"] : ["dense"];
    const operands = binary ? [c.a!, c.b!] : [c.x!];
    layers.forEach((l, i) => {
      setParam(mod, t, `${l}/kernel`, new Array(k * k).fill(0));
      setParam(mod, t, `${l}/bias`, operands[i]);
    });
    t.inputs[0].fill(0);
    t.inputs[1].fill(1);
    const m = t.models.m;
    m.inputs[0].fill(0);
    m.run(1);
    const y = Float64Array.from(m.output.subarray(0, k));
    t.grads.fill(0);
    expect(t.trainStep(1)).toBe(-1);
    return { y, grads: layers.map((l) => paramSlice(t, findParam(mod, `${l}/bias`), "grads")) };
  }
  for (const c of fx.cases) {
    // e^(p·ln x) in f32 (a fractional exponent) loses about |p·ln x| ulps.
    const f32rel = c.op === "pow(2.7)" ? 4e-6 : 1e-6;
    it(`${c.op} as ${c.torch}: float64 TypeScript to 1e-12, WebAssembly (f32) to ${f32rel}`, async () => {
      for (const [backend, rel, abs] of [
        ["ts", 1e-12, 1e-15],
        ["wasm", f32rel, 1e-7],
      ] as const) {
        const got = await evaluate(c, backend);
        const want = c.a !== undefined ? [c.dyda!, c.dydb!] : [c.dydx!];
        const pairs: [string, Float64Array, number[]][] = [
          ["y", got.y, c.y],
          ...want.map((w, i): [string, Float64Array, number[]] => [`gradient ${i}`, got.grads[i], w]),
        ];
        for (const [what, mine, theirs] of pairs)
          theirs.forEach((v, i) =>
            expect(Math.abs(mine[i] - v), `${backend} ${c.op} ${what} [${i}]: ${mine[i]} vs ${v}`).toBeLessThanOrEqual(
              rel * Math.abs(v) + abs,
            ),
          );
      }
    });
  }
});
