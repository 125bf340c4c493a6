// The inference suite (`npm run bench -- --suite inference`): the exported seed CNN
// (`dlm export`, trained 20 steps on MNIST) predicting at batch 1 and 256 in three systems,
// each measurement in its own child process (inference-child.mjs), one at a time, one thread:
//   dlm-module        the `--format module` export (SIMD128 kernels; `dlm-module relaxed`
//                     with --experimental-wasm-relaxed-simd beside it)
//   dlm-module-int8   the `--quantize int8` export of the same checkpoint (SIMD128; calibrated
//                     on 1,000 training samples)
//   onnxruntime       the `--format onnx` export in onnxruntime-node (native, intra-op threads 1)
//   tfjs-wasm         the `--format tfjs` export in TensorFlow.js on @tensorflow/tfjs-backend-wasm
// Each child warms up, then predicts for a window (10 s; --quick 2 s) on MNIST test images
// and reports images/s. The suite stays within its own budget (default and at most 600 s);
// a system that cannot run reports n/a. --plan prints the measurements and exits;
// --systems picks some of them (dlm-module,dlm-module-relaxed,dlm-module-int8,onnxruntime,tfjs-wasm).
// Targets (docs/export.md): at batch 256 ≥ 0.5× onnxruntime and ≥ 1.2× tfjs-wasm; at batch 1
// ≥ 3× tfjs-wasm; int8 at batch 256 ≥ 1.0× onnxruntime (float).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
export const INFERENCE_SYSTEMS = ["dlm-module", "dlm-module-relaxed", "dlm-module-int8", "onnxruntime", "tfjs-wasm"];
const BATCHES = [1, 256];

/** Runs the suite; `opt`: quick, plan, systems (comma list), budget (s), json (file), t0 (ms). */
export async function inferenceSuite(opt) {
  const log = (s) => process.stderr.write(s + "\n");
  const out = (s = "") => process.stdout.write(s + "\n");
  const budget = Math.min(600, Number(opt.budget ?? 600));
  const deadline = opt.t0 + budget * 1000;
  const left = () => (deadline - Date.now()) / 1000;
  const seconds = opt.quick ? 2 : 10;
  const systems = INFERENCE_SYSTEMS.filter((s) => !opt.systems || opt.systems.split(",").includes(s));
  const runs = systems.flatMap((system) => BATCHES.map((batch) => ({ system, batch })));
  const startup = { "dlm-module": 1, "dlm-module-relaxed": 1, "dlm-module-int8": 1, onnxruntime: 2, "tfjs-wasm": 3 };
  log(`inference suite: the exported CNN, ${runs.length} measurements of ${seconds} s (+ warm-up), budget ${budget} s`);
  if (opt.plan) {
    log(`  train dsl-examples/cnn.dlm 20 steps, export module, tfjs, onnx (and int8): about 60 s`);
    for (const r of runs) log(`  ${r.system} batch ${r.batch}: start-up about ${startup[r.system]} s + ${seconds} s window`);
    const total = 60 + runs.reduce((a, r) => a + startup[r.system] + seconds + 1, 0);
    log(`estimated ${total} s of the ${budget} s budget`);
    return;
  }
  const work = mkdtempSync(path.join(os.tmpdir(), "dlm-bench-inference-"));
  const results = [];
  try {
    const dlm = (...args) => {
      const r = spawnSync(process.execPath, [path.join(root, "bin/dlm.js"), ...args], { cwd: root, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`dlm ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    };
    const ck = path.join(work, "cnn.safetensors");
    log("  training the CNN 20 steps and exporting it three ways…");
    dlm("train", "dsl-examples/cnn.dlm", "--max-steps", "20", "--seed", "1", "--save", ck, "--quiet");
    for (const f of ["module", "tfjs", "onnx"])
      dlm("export", "dsl-examples/cnn.dlm", "--checkpoint", ck, "-o", path.join(work, f), "--format", f);
    if (systems.includes("dlm-module-int8"))
      dlm("export", "dsl-examples/cnn.dlm", "--checkpoint", ck, "-o", path.join(work, "int8"), "--quantize", "int8");
    for (const r of runs) {
      const window = Math.min(seconds, left() - startup[r.system] - 5);
      if (window < 0.5) {
        results.push({ ...r, na: "out of the time budget" });
        log(`  ${r.system} batch ${r.batch}: n/a (out of the time budget)`);
        continue;
      }
      const flags = r.system === "dlm-module-relaxed" ? ["--experimental-wasm-relaxed-simd"] : [];
      const args = [
        ...flags,
        path.join(here, "inference-child.mjs"),
        r.system.replace(/-relaxed$/, ""),
        work,
        String(r.batch),
        String(window),
      ];
      const c = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", timeout: (window + 60) * 1000 });
      const line = c.stdout.trim().split("\n").pop() ?? "";
      let res;
      try {
        res = JSON.parse(line);
      } catch {
        res = { na: (c.stderr || `exit ${c.status}`).trim().split("\n").pop() };
      }
      results.push({ ...r, ...res });
      log(
        `  ${r.system} batch ${r.batch}: ${res.na ? `n/a (${res.na})` : `${res.rate.toFixed(0)} images/s`}; ${left().toFixed(0)} s of the budget left`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const rate = (s, b) => results.find((r) => r.system === s && r.batch === b && !r.na)?.rate;
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "n/a");
  out(`## Inference: the exported CNN, images/s (one thread; load average ${os.loadavg()[0].toFixed(2)})`);
  out("");
  out(`| system | batch 1 | batch 256 |`);
  out(`|---|---|---|`);
  for (const s of systems)
    out(
      `| ${s} | ${BATCHES.map((b) => (rate(s, b) ? rate(s, b).toFixed(0) : `n/a (${results.find((r) => r.system === s && r.batch === b)?.na})`)).join(" | ")} |`,
    );
  out("");
  out(`dlm-module / onnxruntime at batch 256: ${ratio(rate("dlm-module", 256), rate("onnxruntime", 256))} (target ≥ 0.5×)`);
  out(`dlm-module / tfjs-wasm at batch 256: ${ratio(rate("dlm-module", 256), rate("tfjs-wasm", 256))} (target ≥ 1.2×)`);
  out(`dlm-module / tfjs-wasm at batch 1: ${ratio(rate("dlm-module", 1), rate("tfjs-wasm", 1))} (target ≥ 3×)`);
  if (systems.includes("dlm-module-int8")) {
    out(`dlm-module-int8 / onnxruntime at batch 256: ${ratio(rate("dlm-module-int8", 256), rate("onnxruntime", 256))} (target ≥ 1.0×)`);
    for (const b of BATCHES)
      out(`dlm-module-int8 / dlm-module at batch ${b}: ${ratio(rate("dlm-module-int8", b), rate("dlm-module", b))} (SIMD128 both)`);
  }
  if (opt.json) writeFileSync(opt.json, JSON.stringify({ suite: "inference", results }, null, 2) + "\n");
}
