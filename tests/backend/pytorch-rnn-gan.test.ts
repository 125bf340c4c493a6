// Agreement with PyTorch (docs/architecture.md §5) for the LSTM layer, the seed RNN and one step of
// the seed GAN, through the committed fixtures of tests/fixtures (README.md there: PyTorch
// float64 on float32-representable inputs, weights from a deterministic recipe reproduced
// here bit-exactly). Per tensor: relative L2 ≤ 1e-4 and |a − b| ≤ 1e-3·|b| + 1e-4·max|b|;
// in float64 the trainers must in fact agree to rounding (a tighter second bound).
//
// (a) lstm.json: one LSTM(4) layer on x [3, 6, 5], loss sum(h · r), return_sequences true
//     and false: output, loss and the gradients of kernel, recurrent kernel, bias and x.
//     x's gradient is observed exactly through a dense layer before the LSTM that *makes*
//     x: its input is the one-hot code of (sample, step), its kernel [18, 5] holds x's
//     values, so dense.kernel's gradient is dL/dx itself (one-hot rows pick one row each).
// (b) rnn.json: dsl-examples/rnn.dlm on the first 8 MNIST images: loss, logits and every
//     parameter gradient; float64 and float32 trainers.
// (c) gan_step.json: dsl-examples/gan.dlm with its noise made an input (`z`), one full
//     training step (discriminator update, then generator update through the updated
//     discriminator): both losses, every parameter's update, and the gradients' norms;
//     float64 and float32 trainers (the latter with an allowance for the updates of
//     near-zero gradients, which float32 cannot determine).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { inflateSync } from "node:zlib";
import { loadTrainer, root } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { compare, findParam, l2, maxAbs, paramSlice, PYTORCH_TOL, setParam, type Num } from "../helpers/numerics.js";
import { fixtures, flat, fromRecipe, readF32, readJson, type Recipe } from "../helpers/fixtures.js";

/** Float32 little-endian split into 4 byte planes and zlib-compressed (make_fixtures.py f32_planes_zlib). */
function readF32PlanesZlib(file: string): Float32Array {
  const planes = inflateSync(readFileSync(path.join(fixtures, file)));
  const n = planes.length / 4;
  const bytes = new Uint8Array(planes.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < 4; b++) bytes[4 * i + b] = planes[b * n + i];
  const dv = new DataView(bytes.buffer);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
  return out;
}

/**
 * Compares with the PyTorch tolerance, and in float64 also with `exact` (relative L2): the
 * only differences left are summation order and the fixture's storage, so a bug that
 * hides inside 1e-4 is still caught.
 */
function checker(problems: string[], exact: number) {
  return (name: string, actual: Num, expected: Num): void => {
    const c = compare(name, actual, expected, PYTORCH_TOL);
    if (!c.ok) problems.push(c.message);
    else if (c.relL2 > exact) problems.push(`${c.message} — more than rounding (limit ${exact} in float64)`);
  };
}

/** The value a trainer traced for step 0 at an op of `what` (e.g. "lstm("), `size` per row. */
function traced(t: TrainerInstance, what: string, size: number): Float64Array | Float32Array {
  const hits = t.trace.filter((e) => e.step === 0 && e.where.includes(what) && e.perRow && e.size === size);
  if (hits.length === 0)
    throw new Error(
      `no traced value of ${what} with ${size} per row among ${t.trace.map((e) => `${e.name} (${e.where}, ${e.size})`).join("; ")}`,
    );
  return hits[hits.length - 1].data as Float64Array | Float32Array;
}

// ---------------------------------------------------------------------------------------

describe("lstm.json: one LSTM layer against PyTorch's LSTM", () => {
  const fx = readJson("lstm.json");
  const [batch, steps, features] = fx.inputs[0].shape as number[];
  const units = (fx.params[1] as Recipe).shape[0];
  const codes = batch * steps; // one-hot code per (sample, step)
  const B = batch + 1; // one spare row the step must ignore (n = batch < B)

  it("the recipe reproduces the fixture's weights and inputs", () => {
    for (const r of [...fx.params, ...fx.inputs] as Recipe[]) fromRecipe(r);
    expect(Array.from(fromRecipe(fx.inputs[0]))).toEqual(flat(fx.x));
  });

  for (const c of fx.cases as {
    returnSequences: boolean;
    r: string;
    outputShape: number[];
    output: unknown;
    loss: number;
    grads: Record<string, unknown>;
  }[]) {
    it(`return_sequences=${c.returnSequences}: output, loss, and the gradients of kernel, recurrent kernel, bias and x`, async () => {
      const rShape = c.returnSequences ? `[B, ${steps}, ${units}]` : `[B, ${units}]`;
      const src =
        `model m(code: [B, ${steps}, ${codes}]) {\n` +
        `  code |> dense(${features}, use_bias=false)   # makes x: row (b, t) of the kernel\n` +
        `       |> lstm(${units}, return_sequences=${c.returnSequences})\n}\n` +
        `train t(code: [B, ${steps}, ${codes}], r: ${rShape}) {\n` +
        `  step m with sgd(lr=0.1) minimize sum(m(code) * r)\n}\n`;
      const mod = await loadTrainer(src);
      const t = mod.createTrainer(new Rng(0), { batch: B, float64: true });
      expect(mod.parameters.map((p) => p.name)).toEqual(["m/dense/kernel", ...(fx.params as Recipe[]).map((r) => `m/${r.name}`)]);
      for (const r of fx.params as Recipe[]) setParam(mod, t, r.name, fromRecipe(r));
      setParam(mod, t, "dense/kernel", fromRecipe(fx.inputs[0])); // x [3, 6, 5] as [18, 5]
      const [code, r] = t.inputs;
      code.fill(0);
      for (let b = 0; b < batch; b++) for (let s = 0; s < steps; s++) code[(b * steps + s) * codes + b * steps + s] = 1;
      for (let i = batch * steps * codes; i < code.length; i++) code[i] = Math.sin(i); // spare row
      const rv = fromRecipe((fx.inputs as Recipe[]).find((q) => q.name === c.r)!);
      r.set(rv);
      for (let i = rv.length; i < r.length; i++) r[i] = 1;

      const problems: string[] = [];
      const check = checker(problems, 1e-12);
      const loss = t.forward[0](batch);
      if (!(Math.abs(loss - c.loss) <= 1e-12 * Math.abs(c.loss))) problems.push(`loss ${loss} vs ${c.loss}`);
      const perRow = c.outputShape.slice(1).reduce((a, d) => a * d, 1);
      check("output h", traced(t, "lstm(", perRow).subarray(0, batch * perRow), flat(c.output));

      expect(t.trainStep(batch)).toBe(-1);
      expect(t.losses[0]).toBe(loss);
      for (const name of ["lstm/kernel", "lstm/recurrent_kernel", "lstm/bias"])
        check(`grad ${name}`, paramSlice(t, findParam(mod, name), "grads"), flat(c.grads[name]));
      check("grad x (as dense/kernel's gradient)", paramSlice(t, findParam(mod, "dense/kernel"), "grads"), flat(c.grads.x));
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------

describe("rnn.json: the seed RNN's loss and gradients on 8 MNIST images", () => {
  const fx = readJson("rnn.json");
  const pixels: number[] = fx.input.pixels;

  for (const float64 of [true, false]) {
    it(`logits, loss and every parameter gradient (${float64 ? "float64" : "float32"} trainer)`, async () => {
      const file = "dsl-examples/rnn.dlm";
      const mod: TrainerModule = await loadTrainer(readFileSync(path.join(root, file), "utf8"), file);
      const t = mod.createTrainer(new Rng(0), { batch: 8, float64 });
      expect(mod.parameters.map((p) => p.name)).toEqual((fx.params as Recipe[]).map((r) => `rnn/${r.name}`));
      for (const r of fx.params as Recipe[]) {
        expect(findParam(mod, r.name).shape).toEqual(r.shape);
        setParam(mod, t, r.name, fromRecipe(r));
      }
      // float32(p / 255), the division in float64; [8, 28 steps (rows), 28 features].
      for (let i = 0; i < pixels.length; i++) t.inputs[0][i] = Math.fround(pixels[i] / 255);
      expect(t.inputs[1]).toBeInstanceOf(Int32Array);
      (fx.labels as number[]).forEach((l, i) => (t.inputs[1][i] = l));

      expect(t.trainStep(8)).toBe(-1);
      const problems: string[] = [];
      // Float64: PyTorch's float64 up to the fixture's float32 storage of the gradients
      // (~3e-8). Float32: the PyTorch tolerance alone.
      const check = checker(problems, float64 ? 1e-6 : Infinity);
      if (!(Math.abs(t.losses[0] - fx.loss) <= (float64 ? 1e-12 : 1e-6) * fx.loss)) problems.push(`loss ${t.losses[0]} vs ${fx.loss}`);
      expect(t.scoresAreLogits).toBe(true);
      check("logits", t.scores!.subarray(0, 80), flat(fx.logits));
      for (const g of fx.grads as { name: string; file: string }[]) {
        const want = readF32(g.file);
        const p = findParam(mod, g.name);
        expect(want.length).toBe(p.size);
        check(`grad ${g.name}`, paramSlice(t, p, "grads"), want);
      }
      expect(problems, problems.join("\n")).toEqual([]);
    });
  }
});

// ---------------------------------------------------------------------------------------

describe("gan_step.json: one full step of the seed GAN", () => {
  const fx = readJson("gan_step.json");

  /** dsl-examples/gan.dlm with the noise as an input `z`, so that it can be fixed. */
  function ganWithFixedNoise(): string {
    let src = readFileSync(path.join(root, "dsl-examples/gan.dlm"), "utf8");
    const edits: [RegExp, string][] = [
      [/train gan\(real: \[B, 784\]\)/, "train gan(real: [B, 784], z: [B, 100])"],
      [/generator\(normal\(\[B, 100\]\)\)/, "generator(z)"],
      [/^\s*data\s.*$/m, ""], // the data clause feeds `real` only; the test fills both inputs
    ];
    for (const [re, to] of edits) {
      expect(src, `gan.dlm no longer matches ${re}: update this test`).toMatch(re);
      src = src.replace(re, to);
    }
    return src;
  }

  /** float32's spacing at w: a float32 parameter moves in multiples of it. */
  const ulp32 = (w: number): number => (w === 0 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(Math.abs(Math.fround(w)))) - 23));

  for (const float64 of [true, false]) {
    it(`both losses, every parameter's update (after − before) and the gradients each step used (${float64 ? "float64" : "float32"} trainer)`, async () => {
      const mod = await loadTrainer(ganWithFixedNoise(), "gan-fixed-noise.dlm");
      const B = 8;
      const t = mod.createTrainer(new Rng(0), { batch: B, float64 });
      expect(mod.parameters.map((p) => p.name)).toEqual((fx.params as Recipe[]).map((r) => r.name));
      expect(mod.program.inputs.map((i) => i.name)).toEqual(["real", "z"]);
      expect(mod.program.steps.map((s) => s.model)).toEqual(["discriminator", "generator"]);
      for (const r of fx.params as Recipe[]) setParam(mod, t, r.name, fromRecipe(r));
      // float32(−1 + (2·p) / 255): the runtime's MNIST reader with range=[-1, 1].
      const pixels: number[] = fx.real.pixels;
      for (let i = 0; i < pixels.length; i++) t.inputs[0][i] = Math.fround(-1 + (2 * pixels[i]) / 255);
      t.inputs[1].set(fromRecipe(fx.inputs[0]));
      const before = Float64Array.from(t.params);

      expect(t.trainStep(B)).toBe(-1);
      const problems: string[] = [];
      const losses = { discriminator: t.losses[0], generator: t.losses[1] };
      for (const k of ["discriminator", "generator"] as const) {
        if (!(Math.abs(losses[k] - fx.losses[k]) <= (float64 ? 1e-12 : 1e-6) * fx.losses[k]))
          problems.push(`${k} loss ${losses[k]} vs ${fx.losses[k]}`);
      }
      const check = checker(problems, 1e-6); // float64: only the float32 storage of the updates (~3e-8)
      for (const u of fx.updates as {
        name: string;
        file: string;
        zeroUpdates: number;
        grad: { l2: number; maxAbs: number; zeros: number };
      }[]) {
        const p = findParam(mod, u.name);
        const want = readF32PlanesZlib(u.file);
        expect(want.length).toBe(p.size);
        const update = new Float64Array(p.size);
        for (let i = 0; i < p.size; i++) update[i] = t.params[p.offset + i] - before[p.offset + i];
        // Adam's first update is lr·g/(|g| + ε) ≈ lr·sign(g): it shows the gradient's sign
        // (and which gradients are exactly 0: dead relu units) but hardly its size, so the
        // gradients' norms are checked as well (a gradient off by a factor would pass here).
        if (float64) check(`update ${u.name}`, update, want);
        else {
          // Float32 (docs/architecture.md §5: near-zero gradients). Adam's first update lr·g/(|g| + ε)
          // moves by lr·Δg·ε/(|g| + ε)² = lr·Δg·(1 − a)²/ε when g moves by Δg, where
          // a = |update|/lr (read off PyTorch's update). Where |g| ≲ ε (a few dozen entries
          // per kernel, from cancelling sums) float32's rounding of g, Δg ≈ 2⁻²⁰·max|g|, moves
          // the update by up to ~lr; elsewhere by nothing visible. Each entry is allowed that
          // sensitivity and one float32 spacing of its weight on top of the PyTorch tolerance.
          const c = compare(`update ${u.name}`, update, want, PYTORCH_TOL);
          const { lr, eps } = fx.optimizer as { lr: number; eps: number };
          const dg = 2 ** -20 * u.grad.maxAbs;
          const floor = PYTORCH_TOL.elemAbs * maxAbs(want);
          let bad = 0;
          let sensitive = 0;
          for (let i = 0; i < p.size; i++) {
            if (want[i] === 0) {
              // g = 0 exactly (dead relu units): the update must be exactly 0 as well.
              if (update[i] !== 0) bad++;
              continue;
            }
            const a = Math.min(Math.abs(want[i]) / lr, 1);
            const allow = (lr * dg * (1 - a) ** 2) / eps;
            if (allow > floor) sensitive++;
            if (Math.abs(update[i] - want[i]) > PYTORCH_TOL.elemRel * Math.abs(want[i]) + floor + allow + ulp32(before[p.offset + i]))
              bad++;
          }
          if (bad > 0 || !(c.relL2 <= PYTORCH_TOL.rel)) problems.push(`${c.message}; ${bad} beyond the float32 allowance`);
          // The allowance must stay an exception (here < 1% of the entries), or the check
          // would be vacuous.
          if (sensitive > 0.02 * p.size + 10) problems.push(`update ${u.name}: ${sensitive} entries sensitive to float32 rounding of g`);
        }
        const zeros = update.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
        if (zeros !== u.zeroUpdates) problems.push(`update ${u.name}: ${zeros} zero updates, PyTorch ${u.zeroUpdates}`);
        // After the step, the gradient buffer holds each step's gradient in its model's range.
        const g = paramSlice(t, p, "grads");
        const gz = g.reduce((a, v) => a + (v === 0 ? 1 : 0), 0);
        const tol = float64 ? 1e-10 : 1e-5;
        if (
          Math.abs(l2(g) - u.grad.l2) > tol * u.grad.l2 ||
          Math.abs(maxAbs(g) - u.grad.maxAbs) > tol * u.grad.maxAbs ||
          gz !== u.grad.zeros
        ) {
          problems.push(
            `grad ${u.name}: l2 ${l2(g)}, max ${maxAbs(g)}, ${gz} zeros; PyTorch ${u.grad.l2}, ${u.grad.maxAbs}, ${u.grad.zeros}`,
          );
        }
      }
      expect(problems, problems.join("\n")).toEqual([]);
      expect(Array.from(t.stepCounts)).toEqual([1, 1]);
    });
  }
});
