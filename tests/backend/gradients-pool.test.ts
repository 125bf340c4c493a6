// The pooling layers beyond maxpool2d/avgpool2d (global_avgpool2d, global_maxpool2d,
// global_avgpool1d, maxpool1d, avgpool1d) against float64 central finite differences, and
// the WebAssembly backend against the TypeScript one, through tiny programs
// (tests/helpers/gradcase.ts). A convolution with parameters sits before each pool, so the
// pool's input gradient is checked through that layer's parameters; its continuous random
// output keeps the max pools away from ties. Most cases also check the forward loss
// against an independent float64 computation (refConv2d, refPool of
// tests/helpers/numerics.ts): the global pools as one window over the whole image, the 1-D
// pools as a [1, k] window over a [N, 1, steps, c] view.
import { describe, expect, it } from "vitest";
import { close, N, prog, rows, run, type Case } from "../helpers/gradcase.js";
import { refConv2d, refPool, type WindowSpec } from "../helpers/numerics.js";

type Dims = [number, number, number, number];
type Ctx = Parameters<NonNullable<Case["check"]>>[0];

/** The forward check: loss = sum(pool(conv(x)) * r), with the first N rows of x and r. */
function forward(conv: { dims: Dims; filters: number; spec: WindowSpec }, pool: { kind: "max" | "avg"; spec: WindowSpec }) {
  return ({ loss, input, param }: Ctx) => {
    const [, h, w, c] = conv.dims;
    const a = refConv2d(rows(input("x"), h * w * c), [N, h, w, c], param("kernel"), param("bias"), conv.filters, conv.spec);
    const y = refPool(pool.kind, a.y, a.shape, pool.spec);
    const r = input("r");
    close(
      loss,
      y.y.reduce((s, v, i) => s + v * r[i], 0),
      1e-10,
    );
  };
}

const valid = (window: [number, number], strides = window): WindowSpec => ({ window, strides, padding: "valid" });
const same = (window: [number, number], strides = window): WindowSpec => ({ window, strides, padding: "same" });

describe("global pools", () => {
  it("global_avgpool2d on [B, 4, 5, 6]", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 6, 2]) { x |> conv2d(6, kernel=2) |> global_avgpool2d() }",
        "x: [B, 5, 6, 2], r: [B, 6]",
        "sum(m(x) * r)",
      ),
      check: forward({ dims: [0, 5, 6, 2], filters: 6, spec: valid([2, 2], [1, 1]) }, { kind: "avg", spec: valid([4, 5]) }),
    }));

  it("global_avgpool2d keepdims on 37 channels (several register blocks, a partial vector)", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 3, 2]) { x |> conv2d(37, kernel=2) |> global_avgpool2d(keepdims=true) }",
        "x: [B, 4, 3, 2], r: [B, 1, 1, 37]",
        "sum(m(x) * r)",
      ),
      check: forward({ dims: [0, 4, 3, 2], filters: 37, spec: valid([2, 2], [1, 1]) }, { kind: "avg", spec: valid([3, 2]) }),
    }));

  it("global_maxpool2d on [B, 4, 4, 5]", () =>
    run({
      src: prog(
        "model m(x: [B, 5, 5, 2]) { x |> conv2d(5, kernel=2) |> global_maxpool2d() }",
        "x: [B, 5, 5, 2], r: [B, 5]",
        "sum(m(x) * r)",
      ),
      check: forward({ dims: [0, 5, 5, 2], filters: 5, spec: valid([2, 2], [1, 1]) }, { kind: "max", spec: valid([4, 4]) }),
    }));

  it("global_maxpool2d keepdims on 19 channels, then a dense layer", () =>
    run({
      src: prog(
        "model m(x: [B, 4, 4, 2]) { x |> conv2d(19, kernel=2, activation=tanh) |> global_maxpool2d(keepdims=true) |> dense(3) }",
        "x: [B, 4, 4, 2], r: [B, 1, 1, 3]",
        "sum(m(x) * r)",
      ),
    }));

  it("global_avgpool1d on a conv1d output, and keepdims", () =>
    run({
      src: prog(
        "model m(x: [B, 7, 3]) {\n  let h = x |> conv1d(5, kernel=2)\n  let a = h |> global_avgpool1d()\n  let b = h |> global_avgpool1d(keepdims=true)\n  a + flatten(b)\n}",
        "x: [B, 7, 3], r: [B, 5]",
        "sum(m(x) * r)",
      ),
      // Both pools give the same means: the loss is twice one pool's.
      check: (ctx) =>
        forward(
          { dims: [0, 1, 7, 3], filters: 5, spec: valid([1, 2], [1, 1]) },
          { kind: "avg", spec: valid([1, 6]) },
        )({
          ...ctx,
          loss: ctx.loss / 2,
        }),
    }));

  it("two global pools of as many positions and different channels (one kernel each)", () =>
    run({
      src: prog(
        "model m(x: [B, 3, 3, 2]) {\n  let a = x |> conv2d(5, kernel=1) |> global_avgpool2d()\n  let b = x |> conv2d(3, kernel=1) |> global_maxpool2d() |> dense(5)\n  let c = x |> conv2d(6, kernel=1) |> global_maxpool2d() |> dense(5)\n  a + b + c\n}",
        "x: [B, 3, 3, 2], r: [B, 5]",
        "sum(m(x) * r)",
      ),
    }));

  it("a global pool in a train block (no parameters)", () =>
    run({
      src:
        "model m(x: [B, 4, 4, 2]) { x |> conv2d(3, kernel=2) }\n" +
        "train t(x: [B, 4, 4, 2], r: [B, 3]) {\n  step m with sgd(lr=0.1) minimize sum((m(x) |> global_maxpool2d()) * r)\n}\n",
      check: forward({ dims: [0, 4, 4, 2], filters: 3, spec: valid([2, 2], [1, 1]) }, { kind: "max", spec: valid([3, 3]) }),
    }));
});

describe("1-D pools", () => {
  it("maxpool1d valid, pool 3, stride 2", () =>
    run({
      src: prog(
        "model m(x: [B, 9, 2]) { x |> conv1d(3, kernel=2) |> maxpool1d(3, strides=2) }",
        "x: [B, 9, 2], r: [B, 3, 3]",
        "sum(m(x) * r)",
      ),
      check: forward({ dims: [0, 1, 9, 2], filters: 3, spec: valid([1, 2], [1, 1]) }, { kind: "max", spec: valid([1, 3], [1, 2]) }),
    }));

  it("maxpool1d same, pool 2 (the last window partial)", () =>
    run({
      src: prog(
        "model m(x: [B, 8, 2]) { x |> conv1d(3, kernel=2) |> maxpool1d(padding=same) }",
        "x: [B, 8, 2], r: [B, 4, 3]",
        "sum(m(x) * r)",
      ),
      check: forward({ dims: [0, 1, 8, 2], filters: 3, spec: valid([1, 2], [1, 1]) }, { kind: "max", spec: same([1, 2]) }),
    }));

  it("avgpool1d valid, pool 2, stride 1 (overlapping windows)", () =>
    run({
      src: prog(
        "model m(x: [B, 8, 2]) { x |> conv1d(3, kernel=2) |> avgpool1d(2, strides=1) }",
        "x: [B, 8, 2], r: [B, 6, 3]",
        "sum(m(x) * r)",
      ),
      check: forward({ dims: [0, 1, 8, 2], filters: 3, spec: valid([1, 2], [1, 1]) }, { kind: "avg", spec: valid([1, 2], [1, 1]) }),
    }));

  it("avgpool1d same, pool 3, stride 2 (padding excluded from the count at both ends)", () =>
    run({
      src: prog(
        "model m(x: [B, 8, 2]) { x |> conv1d(3, kernel=2) |> avgpool1d(3, strides=2, padding=same) }",
        "x: [B, 8, 2], r: [B, 4, 3]",
        "sum(m(x) * r)",
      ),
      check: (ctx) => {
        forward({ dims: [0, 1, 8, 2], filters: 3, spec: valid([1, 2], [1, 1]) }, { kind: "avg", spec: same([1, 3], [1, 2]) })(ctx);
        expect(ctx.mod.ts).toContain("K.avgpool2d(");
      },
    }));
});
