import { defineConfig } from "vitest/config";
import { slowTests } from "./vitest.slow.config.js";
import { browserTests } from "./vitest.browser.config.js";

// The full-length runs (npm run test:e2e), the export round trips (npm run test:slow) and the
// tests in Chromium (npm run test:browser).
const elsewhere = ["tests/e2e/**", ...slowTests, ...browserTests];
// Files that compile programs in-process and compare numbers (no child process, no change to
// the environment, nothing of the command line run in-process) run one after another in one
// worker process (isolate: false): the compiler, ts-morph and binaryen load once there instead
// of once per file (3-5 s of CPU each). Every other file gets a fresh process of its own.
const shared = [
  "tests/wasm/*.test.ts",
  "tests/backend/{backends,gradients,pytorch}*.test.ts",
  "tests/backend/{batchnorm-fold,lstm-gradients,rnn-gradients,memory-plan,metrics,ops-forward,optimizers,privacy,recurrent-bits,registry,transfer,wat}.test.ts",
  "tests/frontend/{examples,grammar,model-calls,passes,rules,shape-ops}.test.ts",
  "tests/runtime/{autoencode,brown,csv,data-validation,dataset,errors,idx,init,masked-loss,metrics,mnist,npy,privacy,progress,rng,safetensors}.test.ts",
];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: "shared", include: shared, exclude: elsewhere, isolate: false } },
      { extends: true, test: { name: "isolated", include: ["tests/**/*.test.ts"], exclude: [...elsewhere, ...shared] } },
    ],
    testTimeout: 60_000,
    pool: "forks",
    // Two worker processes (vitest's default on a 2-core machine is one): the files are
    // independent, and `npm test` must stay well under 8 minutes here.
    maxWorkers: 2,
    // Node 20 accepts relaxed-SIMD opcodes only with this flag: the tests run both module
    // variants of the WebAssembly backend (DLM_WASM_VARIANT picks one; see runtime/wasm).
    execArgv: ["--experimental-wasm-relaxed-simd"],
    // Trainers the tests start without --threads run on one thread (two test files run in
    // parallel); tests of threads pass --threads (docs/threads.md).
    env: { DLM_THREADS: "1" },
  },
});
