import { defineConfig } from "vitest/config";
import { slowTests } from "./vitest.slow.config.js";
import { browserTests } from "./vitest.browser.config.js";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // The full-length runs (npm run test:e2e), the export round trips (npm run test:slow) and the
    // tests in Chromium (npm run test:browser).
    exclude: ["tests/e2e/**", ...slowTests, ...browserTests],
    testTimeout: 60_000,
    pool: "forks",
    // Node 20 accepts relaxed-SIMD opcodes only with this flag: the tests run both module
    // variants of the WebAssembly backend (DLM_WASM_VARIANT picks one; see runtime/wasm).
    execArgv: ["--experimental-wasm-relaxed-simd"],
    // Trainers the tests start without --threads run on one thread (test files already run in
    // parallel); tests of threads pass --threads (docs/threads.md).
    env: { DLM_THREADS: "1" },
  },
});
