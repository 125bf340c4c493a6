// The exported CNN module (`dlm export`): its files' sizes, its load time and its images/s at
// batch 1 and 256, in a plain `node` outside the repository (SIMD128 kernels), then with
// relaxed SIMD. Usage, after `npm run build`:
//
//   node scripts/bench-export.mjs [CHECKPOINT]     (default: trains dsl-examples/cnn.dlm 20 steps)
//
// Prints one table; nothing is asserted (speed is measured by scripts, never by tests).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const work = mkdtempSync(path.join(os.tmpdir(), "dlm-bench-export-"));
const dlm = (...args) => execFileSync(process.execPath, [path.join(root, "bin/dlm.js"), ...args], { cwd: root, stdio: "pipe" });
try {
  let ck = process.argv[2];
  if (!ck) {
    ck = path.join(work, "cnn.safetensors");
    dlm("train", "dsl-examples/cnn.dlm", "--max-steps", "20", "--save", ck, "--quiet");
  }
  const out = path.join(work, "cnn");
  dlm("export", "dsl-examples/cnn.dlm", "--checkpoint", ck, "-o", out);
  const files = readdirSync(out, { recursive: true, encoding: "utf8" }).filter((f) => statSync(path.join(out, f)).isFile());
  console.log("files of the exported CNN:");
  for (const f of files.sort())
    console.log(`  ${f.padEnd(28)} ${statSync(path.join(out, f)).size.toLocaleString("en-US").padStart(10)} bytes`);
  writeFileSync(
    path.join(out, "bench.mjs"),
    `const t0 = performance.now();
const { load } = await import("./cnn.js");
const model = await load();
const loadMs = performance.now() - t0;
const x = new Float32Array(256 * 784);
for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 256) / 255;
function rate(n) {
  const input = x.subarray(0, n * 784);
  for (let i = 0; i < 3; i++) model.predict(input, n); // warm up
  let images = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) { model.predict(input, n); images += n; }
  return images / ((performance.now() - start) / 1000);
}
console.log(JSON.stringify({ loadMs, b1: rate(1), b256: rate(256) }));
`,
  );
  for (const flags of [[], ["--experimental-wasm-relaxed-simd"]]) {
    const r = JSON.parse(execFileSync(process.execPath, [...flags, "bench.mjs"], { cwd: out, encoding: "utf8" }));
    const variant = flags.length ? "relaxed SIMD" : "SIMD128";
    console.log(
      `${variant.padEnd(13)} load ${r.loadMs.toFixed(0)} ms (import, compile, weights)   batch 1: ${r.b1.toFixed(0)} images/s   batch 256: ${r.b256.toFixed(0)} images/s`,
    );
  }
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} (${os.cpus().length} cores)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
