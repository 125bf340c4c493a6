// The loss kernels of compiler/wasm/kernels/losses.ts against runtime/kernels/losses.ts: every
// loss forward (value returned and stored) and gradient, from logits and probabilities, with
// and without label smoothing, Huber on both sides of δ, KL with clipped values,
// tensor and scalar targets, batch rows n ∈ {0, 1, 3, 32, 33}, awkward row sizes, extreme
// logits (±80), clipped probabilities, confident rows (tiny losses keep their relative
// accuracy), guard words around every output and inputs flush against the end of memory.
import { beforeAll, describe, expect, it } from "vitest";
import type { BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import { addLossGrad } from "../../compiler/wasm/kernels/loss-grad.js";
import { addLoss, lossGradParams, lossParams, type LossKind, type LossSpec } from "../../compiler/wasm/kernels/losses.js";
import * as L from "../../runtime/kernels/losses.js";
import { assertClose, TestRandom } from "../helpers/numerics.js";
import { callKernelAllLayouts, kernelModule, type Kernel, type KernelCall } from "../helpers/wasm.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";

const MEM = 1 << 21;
const NS = [0, 1, 3, 32, 33];

type Buf = Float32Array | Int32Array;
let k: KernelInstance<Record<string, Kernel>>;
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

// The harness (tests/helpers/wasm.ts): guard words around every output, inputs flush
// against the end of memory in turn; the loss's return value compared too.
const callAll = (c: KernelCall) => callKernelAllLayouts(k, MEM, c);

const r = new TestRandom(4242);
const KINDS: LossKind[] = [
  "mse",
  "mae",
  "huber",
  "kl_divergence",
  "binary_crossentropy",
  "categorical_crossentropy",
  "sparse_categorical_crossentropy",
];

interface Case {
  spec: LossSpec;
  /** Confident rows: the target's logit/probability far above the others. */
  confident?: boolean;
}
const cases: Case[] = [];
let id = 0;
const add = (spec: Omit<LossSpec, "name">, confident = false) => cases.push({ spec: { ...spec, name: `l${id++}` }, confident });
for (const cols of [1, 3, 10, 13]) {
  for (const rowsPerBatch of cols === 3 ? [1, 3] : [1]) {
    add({ loss: "mse", rowsPerBatch, batched: true, cols });
    for (const fromLogits of [false, true]) {
      add({ loss: "binary_crossentropy", fromLogits, rowsPerBatch, batched: true, cols });
      add({ loss: "categorical_crossentropy", fromLogits, rowsPerBatch, batched: true, cols });
      add({ loss: "sparse_categorical_crossentropy", fromLogits, rowsPerBatch, batched: true, cols });
    }
  }
}
for (const fromLogits of [false, true]) {
  add({ loss: "binary_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 5, tScalar: true });
  add({ loss: "binary_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 1 }, true);
  add({ loss: "categorical_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 10 }, true);
  add({ loss: "sparse_categorical_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 10 }, true);
  add({ loss: "sparse_categorical_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 784 });
  add({ loss: "categorical_crossentropy", fromLogits, rowsPerBatch: 4, batched: false, cols: 7 });
}
add({ loss: "mse", rowsPerBatch: 1, batched: true, cols: 784 });
add({ loss: "mse", rowsPerBatch: 1, batched: true, cols: 5, tScalar: true });
add({ loss: "mse", rowsPerBatch: 2, batched: false, cols: 13 });
add({ loss: "mse", rowsPerBatch: 1, batched: true, cols: 1, tScalar: true });
for (const cols of [1, 5, 13]) {
  add({ loss: "mae", rowsPerBatch: 1, batched: true, cols });
  add({ loss: "huber", rowsPerBatch: 1, batched: true, cols, delta: 1 });
  add({ loss: "huber", rowsPerBatch: 2, batched: true, cols, delta: 0.25 });
  add({ loss: "kl_divergence", rowsPerBatch: 1, batched: true, cols });
}
add({ loss: "mae", rowsPerBatch: 1, batched: true, cols: 5, tScalar: true });
add({ loss: "huber", rowsPerBatch: 3, batched: false, cols: 4, delta: 2 });
add({ loss: "kl_divergence", rowsPerBatch: 2, batched: false, cols: 7 });
for (const fromLogits of [false, true]) {
  add({ loss: "binary_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 3, labelSmoothing: 0.1 });
  add({ loss: "binary_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 5, tScalar: true, labelSmoothing: 0.2 });
  add({ loss: "categorical_crossentropy", fromLogits, rowsPerBatch: 1, batched: true, cols: 10, labelSmoothing: 0.1 });
  add({ loss: "categorical_crossentropy", fromLogits, rowsPerBatch: 2, batched: true, cols: 13, labelSmoothing: 1 });
}

/** Inputs for a case with `rows` rows. */
function inputs(c: Case, rows: number): { p: Float32Array; t: Buf } {
  const { loss, fromLogits, cols, tScalar } = c.spec;
  const size = rows * cols;
  const p = new Float32Array(size);
  if (loss === "mse" || loss === "mae" || loss === "huber") {
    r.fill(p, -3, 3);
    const t = new Float32Array(tScalar ? 1 : size);
    r.fill(t, -3, 3);
    return { p, t };
  }
  if (loss === "kl_divergence") {
    // Probabilities with values outside [ε, 1] on both sides (clipped, and without gradient).
    r.fill(p, 0, 1);
    const specials = [0, 1e-9, 1, 1.5, -0.25];
    for (let i = 0; i < size; i += 3) p[i] = specials[(i / 3) % specials.length];
    const t = new Float32Array(tScalar ? 1 : size);
    r.fill(t, 0, 1);
    for (let i = 1; i < t.length; i += 4) t[i] = 0;
    return { p, t };
  }
  if (loss === "binary_crossentropy") {
    const t = new Float32Array(tScalar ? 1 : size);
    for (let i = 0; i < t.length; i++) t[i] = i % 3 === 2 ? r.uniform(0, 1) : r.int(2);
    if (fromLogits) {
      r.fill(p, -8, 8);
      for (let i = 0; i < size; i += 5) p[i] = i % 2 ? 80 : -80;
      if (c.confident) for (let i = 0; i < size; i++) p[i] = (t[tScalar ? 0 : i] > 0.5 ? 1 : -1) * r.uniform(15, 80);
    } else {
      r.fill(p, 0, 1);
      const specials = [0, 1, 1e-8, 1 - 1e-8, 0.5, 1e-7, 0.99999994, 0.9999999];
      for (let i = 0; i < size; i += 4) p[i] = specials[(i / 4) % specials.length];
      if (c.confident) for (let i = 0; i < size; i++) p[i] = t[tScalar ? 0 : i] > 0.5 ? 1 - r.uniform(0, 1e-5) : r.uniform(0, 1e-5);
    }
    return { p, t };
  }
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = r.int(cols);
  if (fromLogits) {
    r.fill(p, -8, 8);
    for (let i = 0; i < size; i += 7) p[i] = i % 2 ? 80 : -80;
    if (c.confident)
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) p[i * cols + j] = j === labels[i] ? 20 : r.uniform(-10, -5);
  } else {
    // Probabilities, rows not normalized (Keras divides by Σp), some exact zeros.
    r.fill(p, 0, 1);
    for (let i = 0; i < size; i += 6) p[i] = 0;
    if (c.confident)
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) p[i * cols + j] = j === labels[i] ? 1 : r.uniform(0, 1e-6);
  }
  if (loss === "sparse_categorical_crossentropy") return { p, t: labels };
  const t = new Float32Array(size);
  for (let i = 0; i < rows; i++) {
    if (i % 2 === 0 || c.confident) t[i * cols + labels[i]] = 1;
    else {
      let s = 0;
      for (let j = 0; j < cols; j++) s += t[i * cols + j] = r.next();
      for (let j = 0; j < cols; j++) t[i * cols + j] /= s;
    }
  }
  return { p, t };
}

function refLoss(spec: LossSpec, p: Float32Array, t: Buf, rows: number): number {
  const { cols, fromLogits = false, tScalar = false, labelSmoothing: ls = 0 } = spec;
  switch (spec.loss) {
    case "mse":
      return L.mse(p, t as Float32Array, rows * cols, tScalar);
    case "mae":
      return L.mae(p, t as Float32Array, rows * cols, tScalar);
    case "huber":
      return L.huber(p, t as Float32Array, rows * cols, tScalar, spec.delta!);
    case "kl_divergence":
      return L.klDivergence(p, t as Float32Array, rows * cols, cols, tScalar);
    case "binary_crossentropy":
      return L.binaryCrossentropy(p, t as Float32Array, rows * cols, tScalar, fromLogits, ls);
    case "categorical_crossentropy":
      return L.categoricalCrossentropy(p, t as Float32Array, rows, cols, fromLogits, ls);
    case "sparse_categorical_crossentropy":
      return L.sparseCategoricalCrossentropy(p, t as Int32Array, rows, cols, fromLogits);
  }
}

function confidentLoss(p: Float32Array, t: Buf, rows: number, cols: number, loss: LossKind): number {
  let s = 0;
  for (let i = 0; i < rows; i++) {
    let l = 0;
    if (loss === "sparse_categorical_crossentropy") l = t[i];
    else while (t[i * cols + l] !== 1) l++;
    let e = 0;
    for (let j = 0; j < cols; j++) if (j !== l) e += Math.exp(p[i * cols + j] - p[i * cols + l]);
    s += Math.log1p(e);
  }
  return s / rows;
}

function refGrad(spec: LossSpec, dp: Float32Array, p: Float32Array, t: Buf, rows: number, dl: number): void {
  const { cols, fromLogits = false, tScalar = false, labelSmoothing: ls = 0 } = spec;
  switch (spec.loss) {
    case "mse":
      return L.mseGrad(dp, p, t as Float32Array, rows * cols, tScalar, dl);
    case "mae":
      return L.maeGrad(dp, p, t as Float32Array, rows * cols, tScalar, dl);
    case "huber":
      return L.huberGrad(dp, p, t as Float32Array, rows * cols, tScalar, spec.delta!, dl);
    case "kl_divergence":
      return L.klDivergenceGrad(dp, p, t as Float32Array, rows * cols, cols, tScalar, dl);
    case "binary_crossentropy":
      return L.binaryCrossentropyGrad(dp, p, t as Float32Array, rows * cols, tScalar, fromLogits, dl, ls);
    case "categorical_crossentropy":
      return L.categoricalCrossentropyGrad(dp, p, t as Float32Array, rows, cols, fromLogits, dl, ls);
    case "sparse_categorical_crossentropy":
      return L.sparseCategoricalCrossentropyGrad(dp, p, t as Int32Array, rows, cols, fromLogits, dl);
  }
}

beforeAll(async () => {
  k = await kernelModule((b: BinaryenApi, mod: Mod) => {
    for (const c of cases) {
      addLoss(b, mod, c.spec);
      addLossGrad(b, mod, { ...c.spec, name: `${c.spec.name}_grad` });
    }
  }, MEM);
}, 60_000);

const worst: Record<string, number> = {};

describe("wasm losses vs runtime/kernels/losses.ts", () => {
  for (const kind of KINDS) {
    it(`${kind}: forward and gradient`, () => {
      for (const c of cases.filter((x) => x.spec.loss === kind)) {
        const { spec } = c;
        const label = `${spec.name} ${spec.loss}${spec.fromLogits ? " logits" : ""}${spec.tScalar ? " tScalar" : ""} cols=${spec.cols}${c.confident ? " confident" : ""}`;
        for (const n of spec.batched ? NS : [0]) {
          const rows = spec.batched ? spec.rowsPerBatch * n : spec.rowsPerBatch;
          const { p, t } = inputs(c, rows);
          // Confident logit rows: the reference's max + log Σ − z[l] cancels (its doubles keep
          // ~1e-4 of a 3e-11 loss); compare with Σ log1p(Σ_{j≠l} e^(z_j − z_l)) instead.
          const want =
            c.confident && spec.fromLogits && spec.loss !== "binary_crossentropy"
              ? confidentLoss(p, t, rows, spec.cols, spec.loss)
              : refLoss(spec, p, t, rows);
          const fwd = callAll({ fn: spec.name, params: lossParams(spec), n, ins: { p, t }, outs: { out: 1 } });
          const got = fwd.ret as number;
          expect(same(fwd.outs.out[0], got), `${label}: stored ${fwd.outs.out[0]}, returned ${got}`).toBe(true);
          if (Number.isNaN(want)) expect(Number.isNaN(got), `${label} n=${n}: ${got} where the reference has NaN`).toBe(true);
          else {
            const rel = got === want ? 0 : Math.abs(got - want) / Math.abs(want);
            worst[kind] = Math.max(worst[kind] ?? 0, rel);
            // f32 exp of a rounded z − max: ~1e-6 relative per term, felt only in tiny losses.
            if (!(rel <= (c.confident ? 5e-6 : 2e-6)))
              throw new Error(`${label} n=${n}: loss ${got} vs ${want} (rel ${rel.toExponential(2)})`);
          }

          const dl = new Float32Array([r.uniform(0.5, 2)]);
          const gspec = { ...spec, name: `${spec.name}_grad` };
          const grad = callAll({ fn: gspec.name, params: lossGradParams(gspec), n, ins: { p, t, dl }, outs: { dp: rows * spec.cols } });
          const gwant = new Float32Array(rows * spec.cols);
          refGrad(spec, gwant, p, t, rows, dl[0]);
          // Confident binary logits: the reference's σ(z) − 1 rounds to 0 in doubles; compare
          // with k·((1 − t) − e/(1 + e)) (z ≥ 0) or k·(e/(1 + e) − t), e = e^−|z|.
          if (c.confident && spec.loss === "binary_crossentropy" && spec.fromLogits) {
            const kk = dl[0] / (rows * spec.cols);
            for (let i = 0; i < gwant.length; i++) {
              const e = Math.exp(-Math.abs(p[i]));
              const y = t[spec.tScalar ? 0 : i];
              gwant[i] = kk * (p[i] >= 0 ? 1 - y - e / (1 + e) : e / (1 + e) - y);
            }
          }
          // NaN where the reference has NaN (0/0 of an all-zero probability row), then compared
          // with those entries zeroed.
          const gotDp = grad.outs.dp;
          for (let i = 0; i < gwant.length; i++) {
            if (Number.isNaN(gwant[i])) {
              expect(Number.isNaN(gotDp[i]), `${label} grad n=${n} [${i}]: ${gotDp[i]} where the reference has NaN`).toBe(true);
              gwant[i] = gotDp[i] = 0;
            }
          }
          // Confident rows: tiny gradients (softmax − 1 ≈ −1e-11) keep their relative accuracy
          // to 1e-3, elementwise with a negligible floor (f32 rounding of σ or softmax would be
          // off by 1e4×). Not tighter: f64's ulp of 1 is ~1e-5 of such a value, in the
          // reference's doubles as in ours (and the reference rounds σ(80) − 1 to 0).
          assertClose(`${label} grad n=${n}`, gotDp, gwant, {
            rel: spec.loss === "mse" ? 1e-6 : c.confident ? 1e-3 : 1e-5,
            elemRel: 1e-3,
            elemAbs: 1e-4,
          });
          if (c.confident)
            assertClose(`${label} grad n=${n} (elementwise, tiny floor)`, gotDp, gwant, { rel: 1e-3, elemRel: 1e-3, elemAbs: 1e-6 });
        }
      }
    });
  }
  // Measured: mse 3.86e-8, mae 4.44e-8, huber 4.44e-8, kl_divergence 4.07e-8,
  // binary_crossentropy 1.04e-7, categorical_crossentropy 3.12e-7–4.64e-7,
  // sparse_categorical_crossentropy 2.57e-7–5.85e-7 (the draws depend on the case list);
  // the bounds leave ~2× of margin, well inside the per-case limits above.
  const bounds: Record<LossKind, number> = {
    mse: 1e-7,
    mae: 1e-7,
    huber: 1e-7,
    kl_divergence: 1e-7,
    binary_crossentropy: 2e-7,
    categorical_crossentropy: 1e-6,
    sparse_categorical_crossentropy: 1e-6,
  };
  it("the worst relative error of the forward values stays within its bound per loss", () => {
    console.log(
      Object.entries(worst)
        .map(([kk, v]) => `${kk} ${v.toExponential(2)}`)
        .join(", "),
    );
    expect(Object.keys(worst).sort(), "every loss measured (by the tests above, which run first)").toEqual([...KINDS].sort());
    for (const kind of KINDS) expect(worst[kind], kind).toBeLessThanOrEqual(bounds[kind]);
  });
});
