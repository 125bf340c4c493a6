// Batch normalization and layer normalization (compiler/ops/normalization.ts): their VJPs
// against float64 central finite differences, the WebAssembly backend against the
// TypeScript one on each case (tests/helpers/gradcase.ts), and the forward pass against an
// independent float64 computation. The step uses n = 3 of the B = 4 rows: the fourth row
// must not enter a batch norm's statistics (the check of the forward pass would fail).
import { describe, expect, it } from "vitest";
import { N, prog, run } from "../helpers/gradcase.js";
import { findParam, type TestRandom } from "../helpers/numerics.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";

/** γ near 1, β small, moving variance positive (inference reads it), as a trained layer's. */
function normParams(mod: TrainerModule, t: TrainerInstance, r: TestRandom): void {
  for (const p of mod.parameters) {
    const role = p.name.split("/").pop();
    const draw = role === "gamma" ? () => r.uniform(0.5, 1.5) : role === "moving_variance" ? () => r.uniform(0.5, 2) : null;
    if (draw) for (let i = 0; i < p.size; i++) t.params[p.offset + i] = draw();
  }
}

/** x as [outer, C, inner] around `axis`: per (outer, channel, inner) index, the flat index. */
const flat = (dims: number[], axis: number) => {
  const outer = dims.slice(0, axis).reduce((a, d) => a * d, 1);
  const C = dims[axis];
  const inner = dims.slice(axis + 1).reduce((a, d) => a * d, 1);
  return { outer, C, inner, at: (o: number, c: number, i: number) => (o * C + c) * inner + i };
};

/** Batch norm of rows [0, n) of x (dims with the batch first), float64, biased variance. */
function refBatchnorm(x: Float64Array, dims: number[], axis: number, eps: number, gamma?: Float64Array, beta?: Float64Array): Float64Array {
  const { outer, C, inner, at } = flat(dims, axis);
  const y = new Float64Array(x.length);
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) vals.push(x[at(o, c, i)]);
    const m = vals.reduce((a, v) => a + v, 0) / vals.length;
    const v = vals.reduce((a, u) => a + (u - m) ** 2, 0) / vals.length;
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) y[at(o, c, i)] = ((x[at(o, c, i)] - m) / Math.sqrt(v + eps)) * (gamma?.[c] ?? 1) + (beta?.[c] ?? 0);
  }
  return y;
}

/** Layer norm over `axis` of every sample. */
function refLayernorm(x: Float64Array, dims: number[], axis: number, eps: number, gamma?: Float64Array, beta?: Float64Array): Float64Array {
  const { outer, C: L, inner, at } = flat(dims, axis);
  const y = new Float64Array(x.length);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const vals = Array.from({ length: L }, (_, l) => x[at(o, l, i)]);
      const m = vals.reduce((a, v) => a + v, 0) / L;
      const v = vals.reduce((a, u) => a + (u - m) ** 2, 0) / L;
      for (let l = 0; l < L; l++) y[at(o, l, i)] = ((x[at(o, l, i)] - m) / Math.sqrt(v + eps)) * (gamma?.[l] ?? 1) + (beta?.[l] ?? 0);
    }
  return y;
}

/**
 * A case `x |> <norm> |> sum(· * r)`: the loss Σ y·r checked against the reference on the
 * first N rows (a dense layer before the norm gives the input gradient parameters to check).
 */
function normCase(norm: string, dims: number[], axis: number, ref: typeof refBatchnorm, eps = 1e-3) {
  const shape = `[B, ${dims.join(", ")}]`;
  const c = dims[dims.length - 1];
  // Without a bias: a normalization removes a bias constant along its statistics' axes, so its
  // gradient would be float32 rounding noise on both backends.
  const model = `model m(x: ${shape}) { x |> dense(${c}, use_bias=false) |> ${norm} }`;
  return run({
    src: prog(model, `x: ${shape}, r: ${shape}`, "sum(m(x) * r)"),
    params: normParams,
    check: ({ loss, input, param, mod }) => {
      const per = dims.reduce((a, d) => a * d, 1);
      const x = input("x").subarray(0, N * per);
      const r = input("r");
      const k = param("dense/kernel");
      const h = new Float64Array(N * per);
      for (let row = 0; row < (N * per) / c; row++)
        for (let j = 0; j < c; j++) {
          let s = 0;
          for (let i = 0; i < c; i++) s += x[row * c + i] * k[i * c + j];
          h[row * c + j] = s;
        }
      const has = (role: string) => mod.parameters.some((p) => p.name.endsWith(`/${role}`));
      const gamma = has("gamma") ? param(findParam(mod, "gamma").name) : undefined;
      const beta = has("beta") ? param(findParam(mod, "beta").name) : undefined;
      const y = ref(h, [N, ...dims], axis, eps, gamma, beta);
      const want = y.reduce((a, v, i) => a + v * r[i], 0);
      expect(Math.abs(loss - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    },
  });
}

describe("batchnorm", () => {
  it("[B, features] after dense (axis −1)", () => normCase("batchnorm()", [5], 1, refBatchnorm));
  it("[B, H, W, C] as after conv2d (axis −1)", () => normCase("batchnorm(momentum=0.9)", [3, 2, 4], 3, refBatchnorm));
  it("without center and scale", () => normCase("batchnorm(center=false, scale=false)", [3, 2, 4], 3, refBatchnorm));
  it("center only, epsilon 0.1", () => normCase("batchnorm(scale=false, epsilon=0.1)", [6], 1, refBatchnorm, 0.1));
  it("scale only", () => normCase("batchnorm(center=false)", [6], 1, refBatchnorm));
  it("a middle axis (axis=1 of [B, H, W, C]: statistics per row h)", () => normCase("batchnorm(axis=1)", [3, 2, 4], 1, refBatchnorm));
  it("axis=2 of [B, H, W, C], written −2", () => normCase("batchnorm(axis=-2)", [3, 5, 4], 2, refBatchnorm));
  it("after conv2d, tanh after it", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 5, 2]) { x |> conv2d(4, 3, padding=same, use_bias=false) |> batchnorm(momentum=0.9) |> tanh |> conv2d(3, 2) }",
        "x: [B, 5, 5, 2], r: [B, 4, 4, 3]",
        "sum(m(x) * r)",
      ),
      params: normParams,
    }));
});

describe("layernorm", () => {
  it("[B, features] (axis −1)", () => normCase("layernorm()", [6], 1, refLayernorm));
  it("[B, T, features] (axis −1)", () => normCase("layernorm()", [3, 5], 2, refLayernorm));
  it("without center and scale", () => normCase("layernorm(center=false, scale=false)", [3, 5], 2, refLayernorm));
  it("scale only, epsilon 0.01", () => normCase("layernorm(center=false, epsilon=0.01)", [7], 1, refLayernorm, 0.01));
  it("center only", () => normCase("layernorm(scale=false)", [7], 1, refLayernorm));
  it("a middle axis (axis=1 of [B, T, features])", () => normCase("layernorm(axis=1)", [3, 5], 1, refLayernorm));
  it("axis=2 of [B, H, W, C]", () => normCase("layernorm(axis=2)", [2, 3, 4], 2, refLayernorm));
});
