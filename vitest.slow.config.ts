import { defineConfig } from "vitest/config";

// The export and sampling round trips (`npm run test:slow`): each trains, saves, exports or
// samples through the command line and loads the result in another runtime (TensorFlow.js,
// onnxruntime, a fresh Node process) — several minutes together, so they run beside
// `npm test` (which stays under 8 minutes) rather than in it. .ci/run runs both.
export const slowTests = [
  "tests/backend/export.test.ts",
  // The exported CNN module against the trainer's inference word for word, with few and with mostly zero activations.
  "tests/export/trained-bits.test.ts",
  "tests/backend/export-formats.test.ts",
  "tests/backend/sample.test.ts",
  "tests/frontend/predict.test.ts",
  // Which kernel module a node trainer loads: SIMD128 unless relaxed SIMD is asked for (builds both, twice).
  "tests/runtime/kernel-variant.test.ts",
  // dlm export --target browser: bundles for the browser platform, predicts as the node target does.
  "tests/browser/export-browser.test.ts",
  // dlm export --quantize int8 of the MLP, the CNN and the LSTM (train, calibrate, export float and int8).
  "tests/backend/quantize-export.test.ts",
  // dlm/plugin in Vite, Rollup, esbuild and webpack builds (fixture projects built and run; watch modes).
  "tests/api/bundlers.test.ts",
  // Threads: every seed example on 1 and 2 threads (the same losses, evaluation and checkpoint bytes), dlm train --threads.
  "tests/threads/examples.test.ts",
  // Threads: GRU and SimpleRNN scans (and a masked LSTM) split by samples, bitwise on 1, 2 and 3 threads.
  "tests/threads/recurrent.test.ts",
  // The PyTorch target: train.py against the wasm trainer (100 steps of three seed models, 20 of the GAN) and under torchrun.
  "tests/pytorch/parity.test.ts",
  "tests/pytorch/torchrun.test.ts",
  // The PyTorch target's text models (taggers, GRU, SimpleRNN, attention) against the wasm trainer, a few steps each.
  "tests/pytorch/text-parity.test.ts",
  // The PyTorch target's vision layers, optimizers, schedules and training controls against the wasm trainer (short runs on a cut MNIST).
  "tests/pytorch/parity-vision.test.ts",
];

export default defineConfig({
  test: {
    include: slowTests,
    testTimeout: 120_000,
    pool: "forks",
    execArgv: ["--experimental-wasm-relaxed-simd"],
    env: { DLM_THREADS: "1" }, // as in vitest.config.ts
  },
});
