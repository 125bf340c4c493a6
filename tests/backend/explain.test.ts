// dlm explain (compiler/explain): the input gradient its compiled entry points compute,
// against PyTorch (saliency.json: the seed CNN on cnn.json's weight recipe), and the
// completeness of integrated gradients over 100 MNIST test images at 50 trapezoid steps
// from the zeros baseline (the attributions sum to f(x) − f(baseline)).
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { frontEnd } from "../../compiler/compile.js";
import { makeExplainer, type Explainer } from "../../compiler/explain/command.js";
import { attribute, blur, trapezoid } from "../../compiler/explain/attributions.js";
import { saveSafetensors } from "../../runtime/safetensors.js";
import { encodeNpy } from "../../runtime/data/npy.js";
import { spawnSync } from "node:child_process";
import { expectGolden } from "../helpers/golden.js";
import { loadMnistSplit } from "../../runtime/data/mnist.js";
import { flat, fromRecipe, readJson, type Recipe } from "../helpers/fixtures.js";
import { distRuntime, loadTrainer, root } from "../helpers/trainer.js";
import { train } from "../../runtime/trainer.js";

const fx = readJson("saliency.json");
const cnn = path.join(root, "dsl-examples/cnn.dlm");

/** The explainer of the seed CNN with the recipe's weights (as PyTorch has them), or trained for `steps` steps (seed 1). */
async function explainer(steps = 0): Promise<Explainer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-explain-test-"));
  try {
    const file = path.join(dir, "weights.safetensors");
    const source = readFileSync(cnn);
    if (steps > 0) {
      const mod = await loadTrainer(source.toString(), cnn, "cnn", "wasm");
      train(mod, { maxSteps: steps, save: file, seed: 1, quiet: true, stream: { write: () => true }, note: () => {} });
    } else {
      const tensors = Object.fromEntries(
        (fx.params as Recipe[]).map((r) => [`cnn/${r.name}`, { dtype: "F32" as const, shape: [...r.shape], data: fromRecipe(r) }]),
      );
      saveSafetensors(file, tensors);
    }
    const front = frontEnd(cnn, source);
    expect(front.diagnostics).toEqual([]);
    return await makeExplainer(front, "cnn", "cnn", file, distRuntime);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const relL2 = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) ((num += (a[i] - b[i]) ** 2), (den += b[i] ** 2));
  return Math.sqrt(num / den);
};

describe("dlm explain on the seed CNN", { timeout: 300_000 }, async () => {
  const ex = await explainer();

  it("saliency is PyTorch's input gradient of the label's logit (relative L2 ≤ 1e-4)", () => {
    const x = Float32Array.from(flat(fx.input.pixels), (p) => p / 255);
    const labels = fx.labels as number[];
    expect(relL2(ex.logits(x, 8), flat(fx.logits))).toBeLessThan(1e-5);
    const g = attribute("saliency", ex.gradient, x, new Float32Array(x.length), labels, 8, 50);
    const want = flat(fx.saliency);
    expect(relL2(g, want)).toBeLessThan(1e-4);
    // Another class's gradient is another tensor: the class selects the row of the logits.
    const other = ex.gradient(
      x,
      labels.map((c) => (c + 1) % 10),
      8,
    );
    expect(relL2(other, want)).toBeGreaterThan(0.1);
  });

  it("integrated gradients are complete: Σ attributions = f(x) − f(0) (median error ≤ 1%, 95th percentile ≤ 5%)", async () => {
    // The seed CNN after 300 training steps (seed 1): logits that tell the digits apart.
    const ex = await explainer(300);
    const n = 100;
    const test = loadMnistSplit("test");
    const x = test.images.slice(0, n * 784);
    const zeros = new Float32Array(x.length);
    const fxs = ex.logits(x, n);
    const f0 = ex.logits(zeros, n);
    const classes = Array.from({ length: n }, (_, s) => {
      const row = Array.from(fxs.subarray(s * 10, (s + 1) * 10));
      return row.indexOf(Math.max(...row));
    });
    const a = attribute("integrated_gradients", ex.gradient, x, zeros, classes, n, 50);
    const errors: number[] = [];
    let skipped = 0;
    for (let s = 0; s < n; s++) {
      const delta = fxs[s * 10 + classes[s]] - f0[s * 10 + classes[s]];
      if (Math.abs(delta) < 1e-3) {
        skipped++;
        continue;
      }
      let sum = 0;
      for (let i = 0; i < 784; i++) sum += a[s * 784 + i];
      errors.push(Math.abs(sum - delta) / Math.abs(delta));
    }
    errors.sort((p, q) => p - q);
    const at = (q: number) => errors[Math.min(errors.length - 1, Math.floor(q * errors.length))];
    expect(skipped).toBeLessThanOrEqual(5);
    expect(at(0.5)).toBeLessThanOrEqual(0.01);
    expect(at(0.95)).toBeLessThanOrEqual(0.05);
    // One trapezoid interval is a much worse integral: the check can fail.
    const coarse = attribute("integrated_gradients", ex.gradient, x.subarray(0, 10 * 784), zeros.subarray(0, 10 * 784), classes, 10, 1);
    const coarseErr = Array.from({ length: 10 }, (_, s) => {
      const delta = fxs[s * 10 + classes[s]] - f0[s * 10 + classes[s]];
      let sum = 0;
      for (let i = 0; i < 784; i++) sum += coarse[s * 784 + i];
      return Math.abs(sum - delta) / Math.abs(delta);
    }).sort((p, q) => p - q)[5];
    expect(coarseErr).toBeGreaterThan(at(0.5));
  });

  it("gradient × input is the saliency times the input", () => {
    const x = Float32Array.from(flat(fx.input.pixels), (p) => p / 255);
    const labels = fx.labels as number[];
    const g = ex.gradient(x, labels, 8);
    const gx = attribute("gradient_x_input", ex.gradient, x, new Float32Array(x.length), labels, 8, 50);
    expect(Array.from(gx)).toEqual(Array.from(g, (v, i) => Math.fround(v * x[i])));
  });
});

describe("attribution helpers", () => {
  it("trapezoid weights sum to 1 with half weights at the ends", () => {
    const w = trapezoid(4);
    expect(w).toEqual([0.125, 0.25, 0.25, 0.25, 0.125]);
  });

  it("blur keeps a constant image and spreads a point by a Gaussian of σ 3", () => {
    const c = blur(new Float32Array(28 * 28).fill(0.5), 28, 28, 1);
    for (const v of c) expect(v).toBeCloseTo(0.5, 6);
    const p = new Float32Array(28 * 28);
    p[14 * 28 + 14] = 1;
    const b = blur(p, 28, 28, 1);
    let sum = 0;
    for (const v of b) sum += v;
    expect(sum).toBeCloseTo(1, 6);
    // Separable Gaussian: the value one σ away along a row is e^(-1/2) of the centre's.
    expect(b[14 * 28 + 17] / b[14 * 28 + 14]).toBeCloseTo(Math.exp(-0.5), 5);
  });
});

describe("dlm explain on a model whose input is not an image", () => {
  it("writes the .npy only, with a located warning (golden)", { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-explain-cli-"));
    try {
      const weights = path.join(dir, "m.safetensors");
      saveSafetensors(weights, {
        "m/dense/kernel": { dtype: "F32", shape: [784, 10], data: Float32Array.from({ length: 7840 }, (_, i) => ((i % 13) - 6) / 100) },
        "m/dense/bias": { dtype: "F32", shape: [10], data: new Float32Array(10) },
      });
      const input = path.join(dir, "x.npy");
      writeFileSync(
        input,
        encodeNpy(
          [2, 784],
          Float32Array.from({ length: 1568 }, (_, i) => (i % 29) / 29),
        ),
      );
      const file = "tests/programs/explain/not-image.dlm";
      const png = path.join(dir, "out.png");
      // Through the built command, as a user runs it (the compiled entry points import dist/runtime).
      const r = spawnSync(
        process.execPath,
        ["bin/dlm.js", "explain", file, "--checkpoint", weights, "--input", input, "--method", "saliency", "-o", png],
        {
          cwd: root,
          encoding: "utf8",
        },
      );
      const code = r.status;
      const err = { text: r.stderr };
      expect(code).toBe(0);
      expect(existsSync(png)).toBe(false);
      expect(existsSync(path.join(dir, "out.npy"))).toBe(true);
      expectGolden("tests/programs/explain/not-image.expected", err.text.split(dir).join("<tmp>"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
