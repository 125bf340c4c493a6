import { defineConfig } from "vitest/config";

// The tests in headless Chromium (`npm run test:browser`; .ci/run installs Debian's chromium
// first): the demo page trains the seed CNN in a Web Worker and is compared with Node, bit for
// bit. An epoch in the page (minutes on a loaded machine), so they run beside `npm test`, not in it.
export const browserTests = ["tests/browser/demo.test.ts"];

export default defineConfig({
  test: {
    include: browserTests,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The Node side of the comparison on one thread, as in vitest.config.ts (any thread count gives the same bits).
    env: { DLM_THREADS: "1" },
  },
});
