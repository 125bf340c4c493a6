// A preload for the standalone trainer when /usr/bin/time is missing:
//   node --import ./scripts/bench/rss-probe.mjs DIR/cnn.js ...
// It wraps nothing: at exit it writes one line "DLM_BENCH_PROBE {json}" to stderr with the
// process's peak RSS (process.resourceUsage().maxRSS, KiB) and the exit time (epoch ms).
import { writeSync } from "node:fs";

process.on("exit", () => {
  writeSync(2, `\nDLM_BENCH_PROBE ${JSON.stringify({ maxRssKB: process.resourceUsage().maxRSS, exitAt: Date.now() })}\n`);
});
