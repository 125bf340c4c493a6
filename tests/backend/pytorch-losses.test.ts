// The losses against PyTorch (tests/fixtures/losses.json, made by make_fixtures.py losses):
// mae, huber, kl_divergence (Keras's clipping), the cross-entropies with from_logits and
// label_smoothing, on a fixed [4, 5] prediction. Each case's loss and gradient with respect
// to the prediction, from the TypeScript reference kernels (runtime/kernels/losses.ts, in
// float64) and from the WebAssembly kernels the compiler builds for the same spec (float32
// inputs and gradients, f64 sums).
import { beforeAll, describe, expect, it } from "vitest";
import type { BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import { addLossGrad } from "../../compiler/wasm/kernels/loss-grad.js";
import { addLoss, lossGradParams, lossParams, type LossKind, type LossSpec } from "../../compiler/wasm/kernels/losses.js";
import * as K from "../../runtime/kernels/losses.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";
import { readJson } from "../helpers/fixtures.js";
import { assertClose } from "../helpers/numerics.js";
import { callKernel, kernelModule, type Kernel } from "../helpers/wasm.js";

interface Fixture {
  z: number[][];
  q: number[][];
  t: number[][];
  onehot: number[][];
  labels: number[];
  cases: { loss: string; torch: string; prediction: "z" | "q"; target: "t" | "onehot" | "labels"; value: number; grad: number[][] }[];
}

const fx = readJson("losses.json") as Fixture;
const rows = fx.z.length;
const cols = fx.z[0].length;
const count = rows * cols;

/** The dlm call of a case read back: the loss, from_logits, label_smoothing and delta. */
function parse(call: string): { loss: LossKind; fromLogits: boolean; ls: number; delta: number } {
  const opt = (k: string) => new RegExp(`${k}=([0-9.]+|true)`).exec(call)?.[1];
  return {
    loss: call.slice(0, call.indexOf("(")) as LossKind,
    fromLogits: opt("from_logits") === "true",
    ls: Number(opt("label_smoothing") ?? 0),
    delta: Number(opt("delta") ?? 1),
  };
}

function reference(c: Fixture["cases"][number], p: Float64Array, t: Float64Array | Int32Array): { value: number; grad: Float64Array } {
  const { loss, fromLogits, ls, delta } = parse(c.loss);
  const dp = new Float64Array(count);
  const tf = t as Float64Array;
  switch (loss) {
    case "mae":
      K.maeGrad(dp, p, tf, count, false, 1);
      return { value: K.mae(p, tf, count, false), grad: dp };
    case "huber":
      K.huberGrad(dp, p, tf, count, false, delta, 1);
      return { value: K.huber(p, tf, count, false, delta), grad: dp };
    case "kl_divergence":
      K.klDivergenceGrad(dp, p, tf, count, cols, false, 1);
      return { value: K.klDivergence(p, tf, count, cols, false), grad: dp };
    case "binary_crossentropy":
      K.binaryCrossentropyGrad(dp, p, tf, count, false, fromLogits, 1, ls);
      return { value: K.binaryCrossentropy(p, tf, count, false, fromLogits, ls), grad: dp };
    case "categorical_crossentropy":
      K.categoricalCrossentropyGrad(dp, p, tf, rows, cols, fromLogits, 1, ls);
      return { value: K.categoricalCrossentropy(p, tf, rows, cols, fromLogits, ls), grad: dp };
    default:
      K.sparseCategoricalCrossentropyGrad(dp, p, t, rows, cols, fromLogits, 1);
      return { value: K.sparseCategoricalCrossentropy(p, t, rows, cols, fromLogits), grad: dp };
  }
}

const specOf = (c: Fixture["cases"][number], i: number): LossSpec => {
  const { loss, fromLogits, ls, delta } = parse(c.loss);
  return {
    name: `case${i}`,
    loss,
    fromLogits: fromLogits || undefined,
    rowsPerBatch: rows,
    batched: false,
    cols,
    labelSmoothing: ls || undefined,
    delta: loss === "huber" ? delta : undefined,
  };
};

let k: KernelInstance<Record<string, Kernel>>;
const MEM = 1 << 21;

beforeAll(async () => {
  k = await kernelModule((b: BinaryenApi, mod: Mod) => {
    fx.cases.forEach((c, i) => {
      addLoss(b, mod, specOf(c, i));
      addLossGrad(b, mod, { ...specOf(c, i), name: `case${i}_grad` });
    });
  }, MEM);
}, 60_000);

describe("losses against PyTorch (tests/fixtures/losses.json)", () => {
  it("covers every new loss and option", () => {
    const calls = fx.cases.map((c) => c.loss).join(" ");
    for (const w of ["mae(", "huber(", "kl_divergence(", "from_logits=true", "label_smoothing=", "sparse_categorical_crossentropy("])
      expect(calls).toContain(w);
  });

  fx.cases.forEach((c, i) => {
    const p = Float64Array.from(fx[c.prediction].flat());
    const t = c.target === "labels" ? Int32Array.from(fx.labels) : Float64Array.from(fx[c.target].flat());
    const want = Float64Array.from(c.grad.flat());

    it(`${c.loss}: the reference kernels (float64)`, () => {
      const r = reference(c, p, t);
      expect(Math.abs(r.value - c.value)).toBeLessThanOrEqual(1e-12 * Math.abs(c.value));
      assertClose(`${c.loss} grad`, r.grad, want, { rel: 1e-12, elemRel: 1e-10, elemAbs: 1e-15 });
    });

    it(`${c.loss}: the WebAssembly kernels`, () => {
      const spec = specOf(c, i);
      const p32 = Float32Array.from(p);
      const t32 = t instanceof Int32Array ? t : Float32Array.from(t);
      const fwd = callKernel(k, MEM, { fn: spec.name, params: lossParams(spec), ins: { p: p32, t: t32 }, outs: { out: 1 } });
      expect(Math.abs((fwd.ret as number) - c.value)).toBeLessThanOrEqual(1e-6 * Math.abs(c.value));
      const gspec = { ...spec, name: `${spec.name}_grad` };
      const dl = new Float32Array([1]);
      const g = callKernel(k, MEM, { fn: gspec.name, params: lossGradParams(gspec), ins: { p: p32, t: t32, dl }, outs: { dp: count } });
      assertClose(`${c.loss} wasm grad`, g.outs.dp, want, { rel: 1e-6, elemRel: 1e-5, elemAbs: 1e-8 });
    });
  });
});
