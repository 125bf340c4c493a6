import { defineConfig } from "vitest/config";

// The full-length runs (`npm run test:e2e`): whole epochs on real MNIST, too slow for `npm test`.
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    testTimeout: 30 * 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    fileParallelism: false,
  },
});
