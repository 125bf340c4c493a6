// The transposed convolution and the resizing layers (conv2d_transpose, upsampling2d,
// zero_padding2d, cropping2d) against float64 central finite differences, and the
// WebAssembly backend against the TypeScript one on each case (tests/helpers/gradcase.ts).
// A layer with parameters sits before each layer under test, so its input gradient is
// checked through that layer's parameters. The forward pass of conv2d_transpose is also
// checked against a direct scatter loop written here from Keras's definition.
import { describe, expect, it } from "vitest";
import { close, N, prog, rows, run } from "../helpers/gradcase.js";
import { frontEnd } from "../../compiler/compile.js";
import { summarizeProgram } from "../../compiler/summary.js";

/**
 * Keras Conv2DTranspose on NHWC x [n, h, w, c], kernel [kh, kw, f, c]: every input pixel
 * adds x · kernel into the window at (i·sh, j·sw) of the full output ((h − 1)·sh + kh rows),
 * which is then cut to Keras's size: `same` keeps h·sh rows from ⌊max(kh − sh, 0) / 2⌋ on
 * (TensorFlow's odd row of padding is at the bottom of the matching convolution, so the
 * extra row cut is the bottom one), `valid` keeps h·sh + max(kh − sh, 0) rows from 0.
 */
function refConvTranspose(
  x: Float64Array,
  dims: readonly [number, number, number, number],
  kernel: Float64Array,
  bias: Float64Array | null,
  f: number,
  window: readonly [number, number],
  strides: readonly [number, number],
  padding: "valid" | "same",
): { y: Float64Array; shape: [number, number, number, number] } {
  const [n, h, w, c] = dims;
  const [kh, kw] = window;
  const [sh, sw] = strides;
  const [fh, fw] = [(h - 1) * sh + kh, (w - 1) * sw + kw];
  const full = new Float64Array(n * fh * fw * f);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let ch = 0; ch < c; ch++) {
          const v = x[((b * h + i) * w + j) * c + ch];
          for (let a = 0; a < kh; a++)
            for (let t = 0; t < kw; t++)
              for (let q = 0; q < f; q++)
                full[((b * fh + i * sh + a) * fw + j * sw + t) * f + q] += v * kernel[((a * kw + t) * f + q) * c + ch];
        }
  const same = padding === "same";
  const oh = same ? h * sh : h * sh + Math.max(kh - sh, 0);
  const ow = same ? w * sw : w * sw + Math.max(kw - sw, 0);
  const top = same ? Math.floor(Math.max(kh - sh, 0) / 2) : 0;
  const left = same ? Math.floor(Math.max(kw - sw, 0) / 2) : 0;
  const y = new Float64Array(n * oh * ow * f);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let q = 0; q < f; q++) {
          const [fi, fj] = [i + top, j + left];
          const v = fi < fh && fj < fw ? full[((b * fh + fi) * fw + fj) * f + q] : 0;
          y[((b * oh + i) * ow + j) * f + q] = v + (bias ? bias[q] : 0);
        }
  return { y, shape: [n, oh, ow, f] };
}

const sumProduct = (y: Float64Array, r: Float64Array): number => y.reduce((s, v, i) => s + v * r[i], 0);

describe("summaries", () => {
  it("the DCGAN generator and an autoencoder: Keras classes and names, output shapes, parameter counts", () => {
    const src = `model g(z: [B, 100]) {
  z |> dense(7 * 7 * 256, use_bias=false) |> reshape([7, 7, 256])
    |> conv2d_transpose(128, 5, strides=1, padding=same, use_bias=false)
    |> conv2d_transpose(64, 5, strides=2, padding=same, use_bias=false)
    |> conv2d_transpose(1, 5, strides=2, padding=same, use_bias=false, activation=tanh)
}
model ae(x: [B, 28, 28, 1]) {
  x |> conv2d(8, 3, strides=2, padding=same, activation=relu) |> conv2d_transpose(8, 3, strides=2, padding=same, activation=relu)
    |> zero_padding2d([[1, 2], [0, 3]]) |> cropping2d([1, 2]) |> upsampling2d([2, 1]) |> conv2d_transpose(1, [2, 3], strides=[1, 2])
}
`;
    const r = frontEnd("s.dlm", new TextEncoder().encode(src));
    expect(r.diagnostics).toEqual([]);
    const rowsOf = (text: string) => text.split("\n").filter((l) => /^ [a-z]/.test(l) && !l.startsWith(" Layer"));
    const [g, ae] = summarizeProgram(r.ir!).split('Model: "').slice(1).map(rowsOf);
    expect(g.map((l) => l.trim().replace(/\s+/g, " "))).toEqual([
      "dense (Dense) (None, 12544) 1,254,400",
      "reshape (Reshape) (None, 7, 7, 256) 0",
      "conv2d_transpose (Conv2DTranspose) (None, 7, 7, 128) 819,200",
      "conv2d_transpose_1 (Conv2DTranspose) (None, 14, 14, 64) 204,800",
      "conv2d_transpose_2 (Conv2DTranspose) (None, 28, 28, 1) 1,600",
    ]);
    // Long names keep the output shapes in one column, after at least one space.
    expect(new Set(g.map((l) => l.indexOf("(None"))).size).toBe(1);
    expect(g[2]).toMatch(/\(Conv2DTranspose\) +\(None, 7, 7, 128\)/);
    expect(ae.map((l) => l.trim().replace(/\s+/g, " "))).toEqual([
      "conv2d (Conv2D) (None, 14, 14, 8) 80",
      "conv2d_transpose (Conv2DTranspose) (None, 28, 28, 8) 584",
      "zero_padding2d (ZeroPadding2D) (None, 31, 31, 8) 0",
      "cropping2d (Cropping2D) (None, 29, 27, 8) 0",
      "up_sampling2d (UpSampling2D) (None, 58, 27, 8) 0",
      "conv2d_transpose_1 (Conv2DTranspose) (None, 59, 55, 1) 49",
    ]);
  });
});

describe("conv2d_transpose", () => {
  it("valid, stride 1, non-square kernel, then same, stride 2, odd kernel (the odd row of padding)", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 4, 2]) { x |> conv2d_transpose(3, kernel=[2, 3], activation=tanh) |> conv2d_transpose(2, kernel=3, strides=2, padding=same) }",
        "x: [B, 3, 4, 2], r: [B, 8, 12, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ mod, loss, input, param }) => {
        expect(mod.parameters.find((p) => p.name === "m/conv2d_transpose/kernel")?.shape).toEqual([2, 3, 3, 2]);
        const a = refConvTranspose(
          rows(input("x"), 24),
          [N, 3, 4, 2],
          param("conv2d_transpose/kernel"),
          param("conv2d_transpose/bias"),
          3,
          [2, 3],
          [1, 1],
          "valid",
        );
        expect(a.shape).toEqual([N, 4, 6, 3]);
        const y = refConvTranspose(
          a.y.map(Math.tanh),
          a.shape,
          param("conv2d_transpose_1/kernel"),
          param("conv2d_transpose_1/bias"),
          2,
          [3, 3],
          [2, 2],
          "same",
        );
        expect(y.shape).toEqual([N, 8, 12, 2]);
        close(loss, sumProduct(y.y, input("r")));
      },
    }));

  it("same, stride 2, kernel 5 (the DCGAN form: padding 1 above, 2 below), without bias", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 3, 3]) { x |> conv2d(4, kernel=1) |> conv2d_transpose(2, kernel=5, strides=2, padding=same, use_bias=false) }",
        "x: [B, 3, 3, 3], r: [B, 6, 6, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const x = rows(input("x"), 27);
        const k0 = param("conv2d/kernel");
        const b0 = param("conv2d/bias");
        const a = new Float64Array(N * 9 * 4);
        for (let p = 0; p < N * 9; p++)
          for (let q = 0; q < 4; q++) for (let ch = 0; ch < 3; ch++) a[p * 4 + q] += x[p * 3 + ch] * k0[ch * 4 + q];
        for (let p = 0; p < N * 9; p++) for (let q = 0; q < 4; q++) a[p * 4 + q] += b0[q];
        const y = refConvTranspose(a, [N, 3, 3, 4], param("conv2d_transpose/kernel"), null, 2, [5, 5], [2, 2], "same");
        close(loss, sumProduct(y.y, input("r")));
      },
    }));

  it("valid, stride 3 with kernel 2 (rows no window reaches), then same, stride 3, kernel 4", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 3, 2]) { x |> conv2d_transpose(2, kernel=2, strides=3, activation=tanh) |> conv2d_transpose(3, kernel=4, strides=3, padding=same) }",
        "x: [B, 2, 3, 2], r: [B, 18, 27, 3]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const a = refConvTranspose(
          rows(input("x"), 12),
          [N, 2, 3, 2],
          param("conv2d_transpose/kernel"),
          param("conv2d_transpose/bias"),
          2,
          [2, 2],
          [3, 3],
          "valid",
        );
        expect(a.shape).toEqual([N, 6, 9, 2]);
        const y = refConvTranspose(
          a.y.map(Math.tanh),
          a.shape,
          param("conv2d_transpose_1/kernel"),
          param("conv2d_transpose_1/bias"),
          3,
          [4, 4],
          [3, 3],
          "same",
        );
        close(loss, sumProduct(y.y, input("r")));
      },
    }));

  it("strides [1, 2] and [2, 3], non-square kernels, odd sizes, relu, without bias", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 5, 1]) { x |> conv2d_transpose(3, kernel=[3, 2], strides=[1, 2], padding=same, activation=relu) |> conv2d_transpose(2, kernel=[4, 3], strides=[2, 3], use_bias=false) }",
        "x: [B, 3, 5, 1], r: [B, 8, 30, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        const a = refConvTranspose(
          rows(input("x"), 15),
          [N, 3, 5, 1],
          param("conv2d_transpose/kernel"),
          param("conv2d_transpose/bias"),
          3,
          [3, 2],
          [1, 2],
          "same",
        );
        expect(a.shape).toEqual([N, 3, 10, 3]);
        const y = refConvTranspose(
          a.y.map((v) => Math.max(v, 0)),
          a.shape,
          param("conv2d_transpose_1/kernel"),
          null,
          2,
          [4, 3],
          [2, 3],
          "valid",
        );
        expect(y.shape).toEqual([N, 8, 30, 2]);
        close(loss, sumProduct(y.y, input("r")));
      },
    }));

  it("between convolutions and dense layers: the autoencoder's form (strides 2, same, relu)", () =>
    run({
      src: prog(
        "model m(x: [B, 6, 6, 1]) { x |> conv2d(4, kernel=3, strides=2, padding=same, activation=tanh) |> conv2d_transpose(8, 3, strides=2, padding=same, activation=relu) |> conv2d(1, kernel=3, padding=same) }",
        "x: [B, 6, 6, 1]",
        "mse(m(x), x)",
      ),
    }));
});

describe("resizing layers", () => {
  it("upsampling2d, size 2 and [1, 3]", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 2, 2]) { x |> conv2d(3, kernel=1) |> upsampling2d() |> conv2d(2, kernel=2, activation=tanh) |> upsampling2d([1, 3]) }",
        "x: [B, 3, 2, 2], r: [B, 5, 9, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("upsampling2d of 5 channels (a vector and a tail) with size [3, 2]", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 3, 1]) { x |> conv2d(5, kernel=1) |> upsampling2d([3, 2]) |> conv2d(1, kernel=3) }",
        "x: [B, 2, 3, 1], r: [B, 4, 4, 1]",
        "sum(m(x) * r)",
      ),
    }));

  it("upsampling2d bilinear, size 2 (3 channels) and [3, 2] (12 channels: a looped row)", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 3, 2]) { x |> conv2d(3, kernel=1) |> upsampling2d(interpolation=bilinear) |> conv2d(12, kernel=3, strides=2, activation=tanh) |> upsampling2d([3, 2], interpolation=bilinear) |> conv2d(2, kernel=2) }",
        "x: [B, 3, 3, 2], r: [B, 5, 3, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("upsampling2d bilinear, sizes [1, 3] and [4, 1], one channel", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 3, 1]) { x |> conv2d(1, kernel=1) |> upsampling2d([1, 3], interpolation=bilinear) |> conv2d(1, kernel=[1, 2], activation=tanh) |> upsampling2d([4, 1], interpolation=bilinear) }",
        "x: [B, 2, 3, 1], r: [B, 8, 8, 1]",
        "mean(m(x) * r)",
      ),
      // r > 0 and a mean: the one-channel biases' gradients (over every pixel) neither cancel
      // down to float32 noise nor make steps so large that the backends' trajectories part.
      fill: { r: (q) => q.uniform(0.5, 1) },
    }));

  it("zero_padding2d in Keras's three forms: n, [h, w], [[top, bottom], [left, right]]", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 2, 2]) { x |> conv2d(3, kernel=1) |> zero_padding2d() |> conv2d(2, kernel=2, activation=tanh) |> zero_padding2d([2, 0]) |> conv2d(2, kernel=[3, 1]) |> zero_padding2d([[0, 1], [2, 3]]) }",
        "x: [B, 3, 2, 2], r: [B, 7, 8, 2]",
        "sum(m(x) * r)",
      ),
    }));

  it("two zero_padding2d and two cropping2d of the same height and sides on images of different widths (distinct kernels)", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 2, 2]) { x |> conv2d(2, kernel=1) |> zero_padding2d(1) |> conv2d(2, kernel=[3, 1], activation=tanh) |> zero_padding2d(1) |> cropping2d(1) |> conv2d(3, kernel=[1, 2]) |> cropping2d(1) }",
        "x: [B, 3, 2, 2], r: [B, 1, 1, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("cropping2d in Keras's three forms", () =>
    run({
      src: prog(
        "model m(x: [B, 7, 8, 2]) { x |> conv2d(3, kernel=1) |> cropping2d(1) |> conv2d(5, kernel=1, activation=tanh) |> cropping2d([0, 2]) |> conv2d(2, kernel=1) |> cropping2d([[2, 1], [0, 1]]) }",
        "x: [B, 7, 8, 2], r: [B, 2, 1, 2]",
        "sum(m(x) * r)",
      ),
      check: ({ loss, input, param }) => {
        // Forward: the crops are slices; three 1×1 convolutions computed per kept pixel.
        const x = input("x");
        const [k0, b0, k1, b1, k2, b2] = ["conv2d", "conv2d_1", "conv2d_2"].flatMap((l) => [param(`${l}/kernel`), param(`${l}/bias`)]);
        const dense = (v: number[], k: Float64Array, b: Float64Array, out: number) =>
          Array.from({ length: out }, (_, q) => v.reduce((s, x, i) => s + x * k[i * out + q], b[q]));
        let want = 0;
        const r = input("r");
        for (let s = 0; s < N; s++)
          for (let i = 0; i < 2; i++) {
            // output (i, 0) ← after crop 3: (i + 2, 0) ← after crop 2: (i + 2, 2) ← after crop 1: (i + 3, 3)
            const p = ((s * 7 + i + 3) * 8 + 3) * 2;
            const a = dense([x[p], x[p + 1]], k0, b0, 3);
            const c = dense(dense(a, k1, b1, 5).map(Math.tanh), k2, b2, 2);
            want += c[0] * r[(s * 2 + i) * 2] + c[1] * r[(s * 2 + i) * 2 + 1];
          }
        close(loss, want);
      },
    }));

  it("cropping2d and zero_padding2d are each other's gradient; upsampling2d after a conv2d_transpose", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 4, 3]) { x |> conv2d_transpose(4, kernel=2, strides=2, padding=same) |> cropping2d([[1, 2], [3, 0]]) |> zero_padding2d([1, 2]) |> upsampling2d([2, 1]) |> conv2d(1, kernel=2, strides=2) }",
        "x: [B, 4, 4, 3], r: [B, 7, 4, 1]",
        "sum(m(x) * r)",
      ),
    }));
});
