// Agreement with PyTorch (docs/architecture.md §5) through the committed fixtures of tests/fixtures
// (README.md there: PyTorch float64 on float32-representable inputs; weights from a
// deterministic recipe reproduced here bit-exactly). Per tensor: relative L2 ≤ 1e-4 and
// |a − b| ≤ 1e-3·|b| + 1e-4·max|b|.
//
// (a) optimizers.json: Dense(4→3) + MSE, five steps of sgd, sgd with momentum, Nesterov and
//     adam: the loss and gradient before each step and the parameters after it.
// (b) cnn.json: the seed CNN (dsl-examples/cnn.dlm) on the first 8 MNIST training images:
//     logits, loss and every parameter gradient. Max-pool ties are frequent here; dlm
//     routes a window's gradient to its first maximum, as PyTorch does.
import { describe, expect, it } from "vitest";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import * as path from "node:path";
import { loadTrainer, root } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { MNIST_FILES, mnistDataDir } from "../../runtime/data/mnist.js";
import { assertClose, compare, findParam, paramSlice, PYTORCH_TOL, setParam, type Tolerance } from "../helpers/numerics.js";
import { flat, fromRecipe, readF32, readJson, type Recipe } from "../helpers/fixtures.js";

/** Float32 trainer: float32 arithmetic against PyTorch's float64. */
const FLOAT32_TOL: Tolerance = { rel: 2e-5, elemRel: 1e-3, elemAbs: 1e-4 };

describe("optimizers.json: Dense(4→3) + MSE, five steps", () => {
  const fx = readJson("optimizers.json");
  const optimizerSource: Record<string, string> = {
    sgd: "sgd(lr=0.1)",
    sgd_momentum: "sgd(lr=0.1, momentum=0.9)",
    sgd_nesterov: "sgd(lr=0.1, momentum=0.9, nesterov=true)",
    adam: "adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-7)",
  };

  it("the fixture has the four optimizers we compile, and the recipe reproduces its weights and batch", () => {
    expect(fx.optimizers.map((o: { name: string }) => o.name)).toEqual(Object.keys(optimizerSource));
    for (const r of fx.params as Recipe[]) fromRecipe(r);
    const [x, y] = (fx.inputs as Recipe[]).map(fromRecipe);
    expect(Array.from(x)).toEqual(flat(fx.x));
    expect(Array.from(y)).toEqual(flat(fx.y));
  });

  for (const float64 of [true, false]) {
    for (const opt of fx.optimizers as {
      name: string;
      loss: number[];
      grads: Record<string, unknown>[];
      kernel: unknown[];
      bias: unknown[];
    }[]) {
      it(`${opt.name} (${float64 ? "float64" : "float32"} trainer)`, async () => {
        const src = `model m(x: [B, 4]) { x |> dense(3) }\ntrain t(x: [B, 4], y: [B, 3]) {\n  step m with ${optimizerSource[opt.name]} minimize mse(m(x), y)\n}\n`;
        const mod = await loadTrainer(src);
        const t = mod.createTrainer(new Rng(0), { batch: 5, float64 });
        for (const r of fx.params as Recipe[]) setParam(mod, t, r.name, fromRecipe(r));
        const [x, y] = (fx.inputs as Recipe[]).map(fromRecipe);
        t.inputs[0].set(x);
        t.inputs[1].set(y);
        const tol = float64 ? PYTORCH_TOL : FLOAT32_TOL;
        const kernel = findParam(mod, "dense/kernel");
        const bias = findParam(mod, "dense/bias");
        const problems: string[] = [];
        const check = (name: string, a: ArrayLike<number>, b: ArrayLike<number>) => {
          const c = compare(name, a, b, tol);
          if (!c.ok) problems.push(c.message);
          // Float64 against float64 differs by rounding only. This also pins down where Adam
          // adds ε: Keras's placement (before the bias correction) would move the first
          // updates by ~1e-5 relative, inside the 1e-4 tolerance but far outside this one.
          else if (float64 && c.relL2 > 1e-12) problems.push(`${c.message} — more than rounding (limit 1e-12 in float64)`);
        };
        let before = { k: paramSlice(t, kernel), b: paramSlice(t, bias) };
        let beforeRef = { k: Float64Array.from(fromRecipe(fx.params[0])), b: Float64Array.from(fromRecipe(fx.params[1])) };
        for (let s = 0; s < 5; s++) {
          expect(t.trainStep(5)).toBe(-1);
          const lossErr = Math.abs(t.losses[0] - opt.loss[s]) / opt.loss[s];
          if (!(lossErr <= (float64 ? 1e-10 : 1e-6))) problems.push(`step ${s + 1} loss ${t.losses[0]} vs ${opt.loss[s]}`);
          check(`step ${s + 1} grad kernel`, paramSlice(t, kernel, "grads"), flat(opt.grads[s]["dense/kernel"]));
          check(`step ${s + 1} grad bias`, paramSlice(t, bias, "grads"), flat(opt.grads[s]["dense/bias"]));
          const after = { k: paramSlice(t, kernel), b: paramSlice(t, bias) };
          const afterRef = { k: Float64Array.from(flat(opt.kernel[s])), b: Float64Array.from(flat(opt.bias[s])) };
          check(`step ${s + 1} kernel`, after.k, afterRef.k);
          check(`step ${s + 1} bias`, after.b, afterRef.b);
          // The updates themselves, so that a small update error cannot hide in the weights.
          // (Adam's early updates are ≈ lr·sign(g); every |g| here is ≫ ε, so ε's placement
          // does not decide them and they compare like any other tensor.)
          check(
            `step ${s + 1} kernel update`,
            after.k.map((v, i) => v - before.k[i]),
            afterRef.k.map((v, i) => v - beforeRef.k[i]),
          );
          check(
            `step ${s + 1} bias update`,
            after.b.map((v, i) => v - before.b[i]),
            afterRef.b.map((v, i) => v - beforeRef.b[i]),
          );
          before = after;
          beforeRef = afterRef;
        }
        expect(problems, problems.join("\n")).toEqual([]);
        // Optimizer state has advanced once per step.
        expect(t.stepCounts[0]).toBe(5);
      });
    }
  }

  it("adam's first update is ≈ lr·sign(g) (and exactly PyTorch's)", () => {
    const adam = fx.optimizers.find((o: { name: string }) => o.name === "adam");
    const w0 = fromRecipe(fx.params[0]);
    const g = flat(adam.grads[0]["dense/kernel"]);
    const w1 = flat(adam.kernel[0]);
    for (let i = 0; i < g.length; i++) expect(Math.abs(w1[i] - w0[i] + 0.01 * Math.sign(g[i]))).toBeLessThan(1e-6);
  });
});

describe("cnn.json: the seed CNN's loss and gradients on 8 MNIST images", () => {
  const fx = readJson("cnn.json");
  const pixels: number[] = fx.input.pixels;
  let mod: TrainerModule;

  async function cnnTrainer(float64: boolean): Promise<TrainerInstance> {
    mod ??= await loadTrainer(readFileSync(path.join(root, "dsl-examples/cnn.dlm"), "utf8"), "dsl-examples/cnn.dlm");
    const t = mod.createTrainer(new Rng(0), { batch: 8, float64 });
    expect(mod.parameters.map((p) => p.name)).toEqual((fx.params as Recipe[]).map((r) => `cnn/${r.name}`));
    for (const r of fx.params as Recipe[]) {
      expect(findParam(mod, r.name).shape).toEqual(r.shape);
      setParam(mod, t, r.name, fromRecipe(r));
    }
    // float32(p / 255), the division in float64.
    for (let i = 0; i < pixels.length; i++) t.inputs[0][i] = Math.fround(pixels[i] / 255);
    (fx.labels as number[]).forEach((l, i) => (t.inputs[1][i] = l));
    expect(t.inputs[1]).toBeInstanceOf(Int32Array);
    return t;
  }

  it("the fixture's images and labels are the first 8 of MNIST's training split", () => {
    // Only the first bytes of the IDX files (loading the whole split takes seconds).
    const head = (file: string, bytes: number): Buffer => {
      const fd = openSync(path.join(mnistDataDir(), file), "r");
      try {
        const b = Buffer.alloc(bytes);
        expect(readSync(fd, b, 0, bytes, 0)).toBe(bytes);
        return b;
      } finally {
        closeSync(fd);
      }
    };
    const images = head(MNIST_FILES.train.images, 16 + pixels.length);
    expect([images.readUInt32BE(0), images.readUInt32BE(8), images.readUInt32BE(12)]).toEqual([0x803, 28, 28]);
    expect(Array.from(images.subarray(16))).toEqual(pixels);
    const labels = head(MNIST_FILES.train.labels, 8 + 8);
    expect(labels.readUInt32BE(0)).toBe(0x801);
    expect(Array.from(labels.subarray(8))).toEqual(fx.labels);
  });

  for (const float64 of [true, false]) {
    it(`logits, loss and every parameter gradient (${float64 ? "float64" : "float32"} trainer)`, async () => {
      const t = await cnnTrainer(float64);
      const tol = float64 ? PYTORCH_TOL : FLOAT32_TOL;
      expect(t.trainStep(8)).toBe(-1);
      expect(Math.abs(t.losses[0] - fx.loss) / fx.loss).toBeLessThan(float64 ? 1e-10 : 1e-6);
      expect(t.scoresAreLogits).toBe(true);
      assertClose("logits", t.scores!.subarray(0, 80), flat(fx.logits), tol);
      const problems: string[] = [];
      for (const g of fx.grads as { name: string; shape: number[]; file: string; l2: number; maxAbs: number }[]) {
        const want = readF32(g.file);
        const p = findParam(mod, g.name);
        expect(want.length).toBe(p.size);
        const c = compare(`grad ${g.name}`, paramSlice(t, p, "grads"), want, tol);
        if (!c.ok) problems.push(c.message);
        // In float64 the only difference is the fixture's float32 storage (~3e-8 relative).
        else if (float64 && c.relL2 > 1e-6)
          problems.push(`${c.message} — more than the fixture's float32 rounding (limit 1e-6 in float64)`);
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
});
