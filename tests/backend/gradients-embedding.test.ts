// `embedding` against float64 central finite differences (tests/helpers/gradcase.ts; the
// WebAssembly backend against the TypeScript one on every case): the table's gradient is a
// scatter-add, so ids drawn from a small range repeat within and across samples and their
// rows' gradients must sum. The forward values are checked against direct row reads.
import { describe, expect, it } from "vitest";
import { close, N, prog, rows, run } from "../helpers/gradcase.js";
import { refDense } from "../helpers/numerics.js";

/** Ids 0..k−1 (drawn as floats, stored into the Int32Array input as integers). */
const ids = (k: number) => (r: { uniform(lo: number, hi: number): number }) => Math.floor(r.uniform(0, k));
const dot = (a: Float64Array, r: Float64Array) => a.reduce((s, v, i) => s + v * r[i], 0);

/** y[i, :] = table[ids[i], :]. */
function refEmbedding(idv: Float64Array, table: Float64Array, d: number): Float64Array {
  const y = new Float64Array(idv.length * d);
  idv.forEach((id, i) => y.set(table.subarray(id * d, id * d + d), i * d));
  return y;
}

describe("embedding", () => {
  it("ids [B, 5] of 4 rows (repeated): sum(embedding · r)", () =>
    run({
      src: prog("model m(x: i32[B, 5]) { x |> embedding(4, 3) }", "x: i32[B, 5], r: [B, 5, 3]", "sum(m(x) * r)"),
      fill: { x: ids(4) },
      check: ({ loss, input, param }) => {
        const x = rows(input("x"), 5);
        // Some id occurs twice among the checked rows: the scatter-add sums.
        expect(new Set(x).size).toBeLessThan(x.length);
        close(loss, dot(refEmbedding(x, param("embedding/embeddings"), 3), rows(input("r"), 15)));
      },
    }));

  it("ids [B] (one per sample) into a dense layer with a tanh", () =>
    run({
      src: prog("model m(x: i32[B]) { x |> embedding(3, 4) |> dense(2, activation=tanh) }", "x: i32[B], r: [B, 2]", "sum(m(x) * r)"),
      fill: { x: ids(3) },
      check: ({ loss, input, param }) => {
        const e = refEmbedding(rows(input("x"), 1), param("embedding/embeddings"), 4);
        const y = refDense(e, param("dense/kernel"), param("dense/bias"), N, 4, 2).map(Math.tanh);
        close(loss, dot(y, rows(input("r"), 2)));
      },
    }));

  it("ids [B, 2, 3], a width of 5 floats (a partial SIMD tail), under a per-position sparse cross-entropy", () =>
    run({
      src: prog(
        "model m(x: i32[B, 2, 3]) { x |> embedding(6, 5) |> dense(4, activation=softmax) }",
        "x: i32[B, 2, 3], y: i32[B, 2, 3]",
        "sparse_categorical_crossentropy(m(x), y)",
      ),
      fill: { x: ids(6), y: ids(4) },
    }));

  it("two embeddings of one id input, summed", () =>
    run({
      src: prog(
        'model m(x: i32[B, 3]) { (x |> embedding(5, 2)) + (x |> embedding(5, 2, name="other")) }',
        "x: i32[B, 3], r: [B, 3, 2]",
        "sum(m(x) * r)",
      ),
      fill: { x: ids(5) },
    }));
});
