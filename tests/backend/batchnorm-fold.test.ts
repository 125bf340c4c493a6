// Batch norms folded into the dense or conv2d layer before them in evaluation and inference
// (compiler/middle/fold-norm.ts): the folded inference agrees with the unfolded one (the
// `fuse: false` compile) to float64 rounding on the TypeScript backend and to float32
// rounding on the WebAssembly one; only the pairs without an activation between fold.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { TestRandom, randomParams, compare } from "../helpers/numerics.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import type { Backend } from "../../compiler/compile.js";

const model = `model m(x: [B, 6, 6, 2]) {
  x |> conv2d(4, 3, padding=same, use_bias=false) |> batchnorm(momentum=0.9)
    |> conv2d(3, 3, activation=relu) |> batchnorm(epsilon=0.01)
    |> flatten() |> dense(5) |> batchnorm(center=false) |> tanh |> dense(3)
}`;
const src = `${model}\ntrain t(x: [B, 6, 6, 2], r: [B, 3]) {\n  batch 4\n  step m with sgd(lr=0.1) minimize sum(m(x) * r)\n}\n`;

function setup(mod: TrainerModule, t: TrainerInstance): void {
  const r = new TestRandom(17);
  randomParams(mod, t, r, 1);
  for (const p of mod.parameters) {
    const role = p.name.split("/").pop();
    if (role === "gamma") for (let i = 0; i < p.size; i++) t.params[p.offset + i] = r.uniform(0.5, 1.5);
    if (role === "moving_variance") for (let i = 0; i < p.size; i++) t.params[p.offset + i] = r.uniform(0.2, 2);
    if (role === "moving_mean") for (let i = 0; i < p.size; i++) t.params[p.offset + i] = r.uniform(-0.5, 0.5);
  }
  const x = t.models.m.inputs[0];
  for (let i = 0; i < x.length; i++) x[i] = r.uniform(-1, 1);
}

async function inferBoth(backend: Backend, float64: boolean) {
  const outputs: Float64Array[] = [];
  const ops: string[][] = [];
  for (const fuse of [true, false]) {
    const mod = await loadTrainer(src, "fold.dlm", undefined, backend, fuse);
    const t = mod.createTrainer(new Rng(1), { batch: 4, float64 });
    setup(mod, t);
    t.models.m.run(3);
    outputs.push(Float64Array.from(t.models.m.output.subarray(0, 9)));
    ops.push(mod.compiled.program.inference[0].forward.map((e) => e.op));
  }
  return { folded: outputs[0], unfolded: outputs[1], foldedOps: ops[0], unfoldedOps: ops[1] };
}

describe("batch norm folding", () => {
  it("folds the batch norms right after a layer, not the one after an activation", async () => {
    const r = await inferBoth("ts", true);
    expect(r.foldedOps.filter((o) => o === "batchnorm_fold")).toHaveLength(2);
    expect(r.foldedOps.filter((o) => o === "batchnorm_infer")).toHaveLength(1);
    expect(r.unfoldedOps.filter((o) => o === "batchnorm_infer")).toHaveLength(3);
    expect(r.unfoldedOps).not.toContain("batchnorm_fold");
  });

  it("agrees with the unfolded inference in float64 (TypeScript backend)", async () => {
    const r = await inferBoth("ts", true);
    for (let i = 0; i < r.folded.length; i++) {
      expect(Math.abs(r.folded[i] - r.unfolded[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(r.unfolded[i])));
    }
    expect(r.unfolded.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it("agrees with the unfolded inference in float32 (WebAssembly backend)", async () => {
    const r = await inferBoth("wasm", false);
    expect(r.foldedOps).toContain("batchnorm_fold");
    const cmp = compare("inference", r.folded, r.unfolded, { rel: 1e-5, elemRel: 1e-4, elemAbs: 1e-5 });
    expect(cmp.ok, cmp.message).toBe(true);
  });

  it("compiles and runs where evaluation fuses a conv2d, relu and max-pool that training cannot (a batch norm between)", async () => {
    const pooled = `model m(x: [B, 6, 6, 2]) {
  x |> conv2d(4, 3, padding=same) |> batchnorm(momentum=0.9) |> relu |> maxpool2d(2) |> flatten() |> dense(3)
}
train t(x: [B, 6, 6, 2], r: [B, 3]) {
  batch 4
  step m with sgd(lr=0.1) minimize sum(m(x) * r)
}
`;
    const mod = await loadTrainer(pooled, "pooled.dlm", undefined, "wasm");
    const groups = mod.compiled.wasm!.kernels.map((k) => k.ops.join(" + "));
    expect(groups).toContain("conv2d (m/conv2d) + relu (m/re_lu) + maxpool2d (m/max_pooling2d)");
    const t = mod.createTrainer(new Rng(1), { batch: 4 });
    setup(mod, t);
    for (const x of t.inputs) for (let i = 0; i < x.length; i++) x[i] = Math.sin(i);
    expect(t.trainStep(3)).toBe(-1);
    t.models.m.run(3);
    expect(Array.from(t.models.m.output.subarray(0, 9)).every(Number.isFinite)).toBe(true);
  });
});
