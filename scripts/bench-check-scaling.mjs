#!/usr/bin/env node
// `dlm check` time on chained models (reported, not asserted): for each N, N models in
// chains of at most L (each model calls the previous one of its chain), the chains piped
// one after another by a model `top` that a train block trains. `top` is one deeper than
// the longest chain, so L may be up to 999 (a chain of model calls may be 1000 models
// long, DL2022). Each run is a whole `dlm check` process. Only the models a train block
// trains or calls itself get an inference entry point (which inlines all the models it
// calls), so the time grows about linearly with N and L.
//
//   npm run build && node scripts/bench-check-scaling.mjs [--chain L] [N ...]
//   (defaults: L = 100; N = 50 100 200 400 1000)
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const at = args.indexOf("--chain");
const chain = at >= 0 ? Number(args.splice(at, 2)[1]) : 100;
if (!Number.isInteger(chain) || chain < 1 || chain > 999) throw new Error("--chain takes an integer from 1 to 999");
const sizes = args.length > 0 ? args.map(Number) : [50, 100, 200, 400, 1000];
const dir = mkdtempSync(join(tmpdir(), "dlm-scaling-"));

function program(n) {
  const lines = [];
  const heads = [];
  for (let i = 0; i < n; i++) {
    const first = i % chain === 0;
    lines.push(`model m${i}(x: [B, 3]) { x |> ${first ? "" : `m${i - 1} |> `}dense(3, activation=relu) }`);
    if (i % chain === chain - 1 || i === n - 1) heads.push(`m${i}`);
  }
  lines.push(`model top(x: [B, 3]) { x |> ${heads.join(" |> ")} |> dense(1) }`);
  lines.push(`train top {\n  data csv("data/regression.csv", target="y", test_rows=400)\n  loss mse\n  optimizer sgd(lr=0.01)\n}`);
  return lines.join("\n") + "\n";
}

console.log(`models (chains of at most ${chain})  dlm check (s)  exit`);
for (const n of sizes) {
  const file = join(dir, `chain${n}.dlm`);
  writeFileSync(file, program(n));
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(root, "bin/dlm.js"), "check", file], { encoding: "utf8", maxBuffer: 1 << 28 });
  const s = (performance.now() - t) / 1000;
  console.log(`${String(n).padStart(6)}  ${s.toFixed(2).padStart(13)}  ${r.status}${r.status !== 0 ? `  ${r.stderr.split("\n")[0]}` : ""}`);
}
