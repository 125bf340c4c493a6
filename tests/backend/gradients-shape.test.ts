// The shape ops (concat, slice, split, transpose) against float64 central finite
// differences (tests/helpers/gradcase.ts: a dense or conv layer before each op carries the
// gradient to parameters; the WebAssembly backend is compared with the TypeScript one on
// every case), and their forward values against independent index arithmetic: each output
// element is found by unravelling its index and reading the input it names.
import { describe, expect, it } from "vitest";
import { close, N, prog, rows, run } from "../helpers/gradcase.js";
import { refConv2d, refDense } from "../helpers/numerics.js";

type T = { readonly data: Float64Array; readonly shape: readonly number[] };

const sizeOf = (s: readonly number[]) => s.reduce((a, d) => a * d, 1);
/** The multi-index of flat index i in a row-major shape. */
function unravel(i: number, s: readonly number[]): number[] {
  const idx = new Array<number>(s.length);
  for (let d = s.length - 1; d >= 0; d--) {
    idx[d] = i % s[d];
    i = Math.floor(i / s[d]);
  }
  return idx;
}
const ravel = (idx: readonly number[], s: readonly number[]) => idx.reduce((a, v, d) => a * s[d] + v, 0);
const t = (data: Float64Array, shape: readonly number[]): T => ({ data, shape });

function refConcat(parts: readonly T[], axis: number): T {
  const shape = [...parts[0].shape];
  shape[axis] = parts.reduce((a, p) => a + p.shape[axis], 0);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    let k = 0;
    while (idx[axis] >= parts[k].shape[axis]) idx[axis] -= parts[k++].shape[axis];
    data[i] = parts[k].data[ravel(idx, parts[k].shape)];
  }
  return t(data, shape);
}

/** begin/size over every axis (the batch included), size without -1. */
function refSlice(x: T, begin: readonly number[], size: readonly number[]): T {
  const data = new Float64Array(sizeOf(size));
  for (let i = 0; i < data.length; i++)
    data[i] =
      x.data[
        ravel(
          unravel(i, size).map((v, d) => v + begin[d]),
          x.shape,
        )
      ];
  return t(data, size);
}

/** perm over every axis (the batch included). */
function refTranspose(x: T, perm: readonly number[]): T {
  const shape = perm.map((p) => x.shape[p]);
  const data = new Float64Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const idx = unravel(i, shape);
    const src = new Array<number>(x.shape.length);
    perm.forEach((p, j) => (src[p] = idx[j]));
    data[i] = x.data[ravel(src, x.shape)];
  }
  return t(data, shape);
}

const dot = (a: Float64Array, r: Float64Array) => a.reduce((s, v, i) => s + v * r[i], 0);

describe("concat", () => {
  it("three tensors along the last axis of [B, k], one with an activation", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { concat(x |> dense(3), x |> dense(2, activation=tanh), x |> dense(4), axis=-1) }",
        "x: [B, 4], r: [B, 9]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const x = rows(input("x"), 4);
        const a = refDense(x, param("dense/kernel"), param("dense/bias"), N, 4, 3);
        const b = refDense(x, param("dense_1/kernel"), param("dense_1/bias"), N, 4, 2).map(Math.tanh);
        const c = refDense(x, param("dense_2/kernel"), param("dense_2/bias"), N, 4, 4);
        const y = refConcat([t(a, [N, 3]), t(b, [N, 2]), t(c, [N, 4])], 1);
        close(loss, dot(y.data, rows(input("r"), 9)));
      },
    }));

  it("along a middle axis, piped: [B, 2, 3] and [B, 3, 3] along axis 1", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 4], z: [B, 3, 4]) { x |> dense(3) |> concat(z |> dense(3, use_bias=false), axis=1) }",
        "x: [B, 2, 4], z: [B, 3, 4], r: [B, 5, 3]",
        "sum(m(x, z) * r)",
      ),
      check: ({ loss, input, param }) => {
        const a = refDense(rows(input("x"), 8), param("dense/kernel"), param("dense/bias"), N * 2, 4, 3);
        const b = refDense(rows(input("z"), 12), param("dense_1/kernel"), null, N * 3, 4, 3);
        const y = refConcat([t(a, [N, 2, 3]), t(b, [N, 3, 3])], 1);
        expect(y.shape).toEqual([N, 5, 3]);
        close(loss, dot(y.data, rows(input("r"), 15)));
      },
    }));

  it("NHWC channels of two convolutions (the same tensor twice, and a third)", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 5, 2]) { let a = x |> conv2d(3, 2)\n let b = x |> conv2d(5, 2, activation=tanh)\n concat(a, b, a) |> conv2d(2, 2) }",
        "x: [B, 5, 5, 2], r: [B, 3, 3, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const x = rows(input("x"), 50);
        const conv = (w: string, f: number) =>
          refConv2d(x, [N, 5, 5, 2], param(`${w}/kernel`), param(`${w}/bias`), f, { window: [2, 2], strides: [1, 1], padding: "valid" });
        const a = conv("conv2d", 3);
        const b = conv("conv2d_1", 5);
        const y = refConcat([t(a.y, a.shape), t(b.y.map(Math.tanh), b.shape), t(a.y, a.shape)], 3);
        const [n, h, w, c] = y.shape;
        const z = refConv2d(y.data, [n, h, w, c], param("conv2d_2/kernel"), param("conv2d_2/bias"), 2, {
          window: [2, 2],
          strides: [1, 1],
          padding: "valid",
        });
        close(loss, dot(z.y, rows(input("r"), 18)));
      },
    }));

  it("a [1, k] tensor joins every sample of a [B, k] one (its gradient is summed over the batch)", () =>
    run({
      src: prog(
        "model m(x: [B, 3]) { let h = x |> dense(4)\n concat(h, mean(x |> dense(2), axis=0, keepdims=true)) }",
        "x: [B, 3], r: [B, 6]",
        "sum(m(x) * r)",
      ),
    }));
});

describe("slice", () => {
  it("a box of [B, 4, 3]: begin [1, 0], size [2, -1], then along the last axis", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 2]) { x |> dense(3) |> slice([1, 0], [2, -1]) |> slice([0, 1], [-1, 2]) }",
        "x: [B, 4, 2], r: [B, 2, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const h = refDense(rows(input("x"), 8), param("dense/kernel"), param("dense/bias"), N * 4, 2, 3);
        const y = refSlice(refSlice(t(h, [N, 4, 3]), [0, 1, 0], [N, 2, 3]), [0, 0, 1], [N, 2, 2]);
        close(loss, dot(y.data, rows(input("r"), 4)));
      },
    }));

  it("one channel of an NHWC tensor, and the whole tensor", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 4, 1]) { let h = x |> conv2d(3, 2);\n (h |> slice([0, 0, 2], [-1, -1, 1])) * (h |> slice([0, 0, 0], [3, 3, 1])) }",
        "x: [B, 4, 4, 1], r: [B, 3, 3, 1]",
        "sum(m(x) * r)",
      ),
    }));
});

describe("split", () => {
  it("into 3 along the last axis, recombined with different weights", () =>
    run({
      src: prog(
        "model m(x: [B, 4]) { let a, b, c = x |> dense(6) |> split(3)\n a * 2 - b * 0.5 + (c |> tanh) }",
        "x: [B, 4], r: [B, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const h = t(refDense(rows(input("x"), 4), param("dense/kernel"), param("dense/bias"), N, 4, 6), [N, 6]);
        const [a, b, c] = [0, 2, 4].map((at) => refSlice(h, [0, at], [N, 2]).data);
        const y = a.map((v, i) => 2 * v - 0.5 * b[i] + Math.tanh(c[i]));
        close(loss, dot(y, rows(input("r"), 2)));
      },
    }));

  it("along a middle axis, a part unused and the parts joined in another order", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 3]) { let p, q = x |> dense(2) |> split(2, axis=1)\n let u, v, w = x |> slice([0, 0], [2, -1]) |> dense(6) |> split(3, axis=-1)\n concat(q, p * u, axis=-1) + concat(w, w) }",
        "x: [B, 4, 3], r: [B, 2, 4]",
        "sum(m(x) * r)",
      ),
    }));
});

describe("transpose", () => {
  it("[B, 3, 4] with perm [1, 0] (Keras Permute((2, 1)))", () =>
    run({
      src: prog("model m(x: [B, 3, 2]) { x |> dense(4) |> transpose([1, 0]) |> dense(2) }", "x: [B, 3, 2], r: [B, 4, 2]", "sum(m(x) * r)"),
      check: ({ loss, input, param }) => {
        const h = refDense(rows(input("x"), 6), param("dense/kernel"), param("dense/bias"), N * 3, 2, 4);
        const ht = refTranspose(t(h, [N, 3, 4]), [0, 2, 1]);
        const y = refDense(ht.data, param("dense_1/kernel"), param("dense_1/bias"), N * 4, 3, 2);
        close(loss, dot(y, rows(input("r"), 8)));
      },
    }));

  it("NHWC → NCHW-like [2, 0, 1] of a rank-4 tensor, and a perm that keeps the last axis", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 4, 2]) { let h = x |> dense(3);\n (h |> transpose([2, 0, 1]) |> transpose([0, 2, 1])) + (h |> transpose([1, 0, 2]) |> reshape([3, 4, 3])) }",
        "x: [B, 3, 4, 2], r: [B, 3, 4, 3]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const h = t(refDense(rows(input("x"), 24), param("dense/kernel"), param("dense/bias"), N * 12, 2, 3), [N, 3, 4, 3]);
        const a = refTranspose(refTranspose(h, [0, 3, 1, 2]), [0, 1, 3, 2]);
        const b = refTranspose(h, [0, 2, 1, 3]); // [N, 4, 3, 3], read as [N, 3, 4, 3]
        expect(a.shape).toEqual([N, 3, 4, 3]);
        close(
          loss,
          dot(
            Float64Array.from(a.data, (v, i) => v + b.data[i]),
            rows(input("r"), 36),
          ),
        );
      },
    }));
});
