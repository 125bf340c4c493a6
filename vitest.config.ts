import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**"],
    testTimeout: 60_000,
    pool: "forks",
    // Node 20 accepts relaxed-SIMD opcodes only with this flag: the tests run both module
    // variants of the WebAssembly backend (DLM_WASM_VARIANT picks one; see runtime/wasm).
    execArgv: ["--experimental-wasm-relaxed-simd"],
  },
});
