// The elementwise math ops (compiler/ops/elementwise.ts) against float64 central finite
// differences, the WebAssembly backend against the TypeScript one on each case (`run`,
// tests/helpers/gradcase.ts), and the forward loss against Math.* in float64. A dense layer
// before each op carries the parameters whose gradients are checked; inputs keep the ops
// away from their kinks (abs at 0, clip at its bounds, maximum/minimum ties) and log/sqrt
// on positive values. TensorFlow's tie rule for maximum/minimum is checked on exact ties.
import { describe, it } from "vitest";
import { close, N, prog, rows, run } from "../helpers/gradcase.js";
import { refDense } from "../helpers/numerics.js";

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
