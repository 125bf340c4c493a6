// Every seed example trained on 1 and on 2 threads (npm run test:slow): the same loss at
// every step, the same test evaluation and byte-identical checkpoints (a checkpoint does not
// record the thread count), at the examples' own batch sizes with the default threshold for
// splitting a call (docs/threads.md). The seed CNN, RNN and GAN at small batches with every
// split kernel split (threshold 1), on 2 and 3 threads, bitwise as on one (as
// same-bits.test.ts does for small programs). The trainers run on the compiled runtime
// (dist/). And the command itself: `dlm train --threads 1` and `--threads 2` print the same
// and save the same bytes; a thread count out of range is a usage error.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { distRuntime, loadTrainer } from "../helpers/trainer.js";
import { example } from "../helpers/seed-models.js";
import { dlmBin, runNode } from "../helpers/spawn.js";
import { expectSplitKernels, run, threads } from "./helpers.js";

type TrainerApi = typeof import("../../runtime/trainer.js");
const trainer = (await import(`${distRuntime}/trainer.js`)) as TrainerApi;
const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-threads-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("threads: the seed CNN, RNN and GAN at small batches, every split kernel split", () => {
  for (const [name, batch, ns, kernels] of [
    [
      "cnn",
      7,
      [7, 5],
      [
        "conv_relu_maxpool",
        "conv2d_grad_kernel_28x28x1_k3x3_s1x1_32_pooled_k2x2_s2x2_dbias", // the first layer's backward in one pass
        "gemm_nn_5408x128_bias_relu",
        "gemm_nt_5408x128",
        "gemm_tn_5408x128",
      ],
    ],
    ["rnn", 9, [9, 6], ["lstm_scan_", "lstm_scan_grad", "gemm_nn_28x200_bias", "gemm_tn_50x10"]],
    ["gan", 6, [6, 5], ["gemm_nn_512x784_bias_tanh", "gemm_nt_784x512", "gemm_tn_784x512"]],
  ] as const) {
    it(`${name}: 2 and 3 threads, ${ns.join(", ")} rows of ${batch}`, async () => {
      threads.setMinWork(1);
      try {
        const mod = await loadTrainer(example(name), `${name}.dlm`, undefined, "wasm");
        expectSplitKernels(mod, kernels);
        const one = await run(mod, 1, batch, ns);
        for (const count of [2, 3]) {
          const many = await run(mod, count, batch, ns);
          expect(many.losses).toEqual(one.losses);
          expect(many.params.equals(one.params)).toBe(true);
          expect(many.grads.equals(one.grads)).toBe(true);
          many.state.forEach((s, i) => expect(s.equals(one.state[i])).toBe(true));
          expect(many.evaluation).toEqual(one.evaluation);
          many.models.forEach((m, i) => expect(m.equals(one.models[i])).toBe(true));
        }
      } finally {
        threads.setMinWork(threads.DEFAULT_MIN_WORK);
      }
    }, 120_000);
  }
});

const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

describe("threads: the seed examples on 1 and 2 threads", () => {
  for (const [name, steps] of [
    ["mlp", 40],
    ["cnn", 20],
    ["rnn", 10],
    ["gan", 8],
    ["regression", 40],
  ] as const) {
    it(`${name}: ${steps} steps, the same losses, evaluation and checkpoint bytes`, async () => {
      const mod = await loadTrainer(example(name), `dsl-examples/${name}.dlm`, undefined, "wasm");
      const runs = [1, 2].map((count) => {
        const losses: number[] = [];
        const save = path.join(dir, `${name}-${count}.safetensors`);
        const before = threads.splitCallCount();
        const r = trainer.train(mod, {
          threads: count,
          maxSteps: steps,
          seed: 3,
          save,
          quiet: true,
          stream: quiet as never,
          note: () => {},
          onStep: (_, l) => losses.push(...l),
        });
        return { losses, test: r.test, checkpoint: readFileSync(save), splits: threads.splitCallCount() - before };
      });
      expect(runs[0].splits).toBe(0);
      // The regression's kernels are all below the threshold: it runs on one thread either way.
      if (name !== "regression") expect(runs[1].splits).toBeGreaterThan(0);
      expect(runs[1].losses).toEqual(runs[0].losses);
      expect(runs[1].test).toEqual(runs[0].test);
      expect(runs[1].checkpoint.equals(runs[0].checkpoint)).toBe(true);
    }, 120_000);
  }
});

describe("dlm train --threads", () => {
  it("prints the same and saves the same bytes on 1 and 2 threads", async () => {
    const out = await Promise.all(
      [1, 2].map(async (count) => {
        const save = path.join(dir, `cli-${count}.safetensors`);
        const r = await runNode([dlmBin, "train", "dsl-examples/mlp.dlm", "--max-steps", "30", "--threads", String(count), "--save", save]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        // The progress line's wall time ("- 0.1s -") is the one thing that may differ.
        return { stdout: r.stdout.replace(/ - \d+(?:\.\d+)?s - /g, " - (time) - "), checkpoint: readFileSync(save) };
      }),
    );
    expect(out[0].stdout).toContain(" - (time) - ");
    expect(out[1].stdout).toBe(out[0].stdout);
    expect(out[1].stdout).toMatch(/test loss \d\.\d{4} accuracy 0\.\d{4}/);
    expect(out[1].checkpoint.equals(out[0].checkpoint)).toBe(true);
  }, 120_000);

  it("a thread count out of range is a usage error, in the flag or in DLM_THREADS", async () => {
    const r = await runNode([dlmBin, "train", "dsl-examples/mlp.dlm", "--threads", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads must be an integer in \[1, 64\], not '0'/);
    const e = await runNode([dlmBin, "train", "dsl-examples/mlp.dlm"], { env: { DLM_THREADS: "two" } });
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/DLM_THREADS must be an integer in \[1, 64\], not 'two'/);
  }, 60_000);
});
