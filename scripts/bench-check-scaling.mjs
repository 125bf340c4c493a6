#!/usr/bin/env node
// `dlm check` time on chained models (reported, not asserted): for each N, N models in
// chains of at most 100 (each model calls the previous one of its chain: lowering limits
// nesting to 100, DL2022), the chains piped one after another by a model `top` that a
// train block trains. Each run is a whole `dlm check` process.
//
//   npm run build && node scripts/bench-check-scaling.mjs [N ...]   (default 50 100 200 400 1000)
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [50, 100, 200, 400, 1000];
const dir = mkdtempSync(join(tmpdir(), "dlm-scaling-"));

function program(n) {
  const lines = [];
  const heads = [];
  for (let i = 0; i < n; i++) {
    const first = i % 100 === 0;
    lines.push(`model m${i}(x: [B, 3]) { x |> ${first ? "" : `m${i - 1} |> `}dense(3, activation=relu) }`);
    if (i % 100 === 99 || i === n - 1) heads.push(`m${i}`);
  }
  lines.push(`model top(x: [B, 3]) { x |> ${heads.join(" |> ")} |> dense(1) }`);
  lines.push(`train top {\n  data csv("data/regression.csv", target="y", test_rows=400)\n  loss mse\n  optimizer sgd(lr=0.01)\n}`);
  return lines.join("\n") + "\n";
}

console.log("models  dlm check (s)  exit");
for (const n of sizes) {
  const file = join(dir, `chain${n}.dlm`);
  writeFileSync(file, program(n));
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, "bin/dlm.js"), "check", file], { encoding: "utf8", maxBuffer: 1 << 28 });
  const s = (performance.now() - t) / 1000;
  console.log(`${String(n).padStart(6)}  ${s.toFixed(2).padStart(13)}  ${r.status}${r.status !== 0 ? `  ${r.stderr.split("\n")[0]}` : ""}`);
}
