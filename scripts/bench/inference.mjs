// The inference suite (`npm run bench -- --suite inference`): the exported seed CNN
// (`dlm export`) predicting at batch 1 and 256 in three systems, each measurement in its own
// child process (inference-child.mjs), one at a time, one thread, for two checkpoints of it:
//   epoch    "trained 1 epoch": the model `npm start` trains and a user deploys (`dlm train
//            dsl-examples/cnn.dlm --epochs 1 --seed 1 --threads 2`: 1,875 steps, about 20 s,
//            accuracy 0.98; 75% of its 5408 → 128 layer's inputs are zero, which the module skips)
//   steps20  "20 steps" (`--max-steps 20 --seed 1`), the suite's model before: few zeros (29 of
//            its 32 convolution biases still positive), kept so that its rows stay comparable
// Every system measures both checkpoints (--models epoch,steps20 picks them):
//   dlm-module        the `--format module` export (SIMD128 kernels; `dlm-module relaxed`
//                     with --experimental-wasm-relaxed-simd beside it)
//   dlm-module-int8   the `--quantize int8` export of the same checkpoint (SIMD128; calibrated
//                     on 1,000 training samples)
//   onnxruntime       the `--format onnx` export in onnxruntime-node (native, intra-op threads 1)
//   tfjs-wasm         the `--format tfjs` export in TensorFlow.js on @tensorflow/tfjs-backend-wasm
// Each child warms up, then predicts for a window (10 s; --quick 2 s) on MNIST test images
// and reports images/s; the two models' measurements of a system and batch run one after the
// other. The suite stays within its own budget (default and at most 600 s); a system that
// cannot run reports n/a. --plan prints the measurements and exits; --systems picks some of
// them (dlm-module,dlm-module-relaxed,dlm-module-int8,onnxruntime,tfjs-wasm).
// Targets (docs/export.md), per model: at batch 256 ≥ 0.5× onnxruntime and ≥ 1.2× tfjs-wasm;
// at batch 1 ≥ 3× tfjs-wasm; int8 at batch 256 ≥ 1.0× onnxruntime (float).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
export const INFERENCE_SYSTEMS = ["dlm-module", "dlm-module-relaxed", "dlm-module-int8", "onnxruntime", "tfjs-wasm"];
/** The checkpoints measured: how `dlm train` makes each (seeded) and about how long it takes on a quiet machine. */
export const INFERENCE_MODELS = {
  epoch: { label: "trained 1 epoch", train: ["--epochs", "1", "--seed", "1", "--threads", "2"], seconds: 25 },
  steps20: { label: "20 steps", train: ["--max-steps", "20", "--seed", "1"], seconds: 3 },
};
const BATCHES = [1, 256];
const EXPORT_SECONDS = 20; // module, tfjs, onnx and int8 (its calibration) of one checkpoint

/** Runs the suite; `opt`: quick, plan, systems (comma list), models (comma list), budget (s), json (file), t0 (ms). */
export async function inferenceSuite(opt) {
  const log = (s) => process.stderr.write(s + "\n");
  const out = (s = "") => process.stdout.write(s + "\n");
  const budget = Math.min(600, Number(opt.budget ?? 600));
  const deadline = opt.t0 + budget * 1000;
  const left = () => (deadline - Date.now()) / 1000;
  const seconds = opt.quick ? 2 : 10;
  const systems = INFERENCE_SYSTEMS.filter((s) => !opt.systems || opt.systems.split(",").includes(s));
  const models = Object.keys(INFERENCE_MODELS).filter((m) => !opt.models || opt.models.split(",").includes(m));
  if (models.length === 0) {
    log(`inference suite: no model among --models ${opt.models} (one of ${Object.keys(INFERENCE_MODELS).join(", ")})`);
    return;
  }
  // A system and batch measures its models one after the other, so that their ratio sees the same machine.
  const runs = systems.flatMap((system) => BATCHES.flatMap((batch) => models.map((model) => ({ model, system, batch }))));
  const startup = { "dlm-module": 1, "dlm-module-relaxed": 1, "dlm-module-int8": 1, onnxruntime: 2, "tfjs-wasm": 3 };
  const label = (m) => INFERENCE_MODELS[m].label;
  log(`inference suite: the exported CNN, ${runs.length} measurements of ${seconds} s (+ warm-up), budget ${budget} s`);
  if (opt.plan) {
    let total = 0;
    for (const m of models) {
      const s = INFERENCE_MODELS[m].seconds + EXPORT_SECONDS;
      log(
        `  ${label(m)}: train dsl-examples/cnn.dlm ${INFERENCE_MODELS[m].train.join(" ")} (about ${INFERENCE_MODELS[m].seconds} s), export module, tfjs, onnx (and int8): about ${s} s`,
      );
      total += s;
    }
    for (const r of runs)
      log(`  ${r.system} batch ${r.batch}, ${label(r.model)}: start-up about ${startup[r.system]} s + ${seconds} s window`);
    total += runs.reduce((a, r) => a + startup[r.system] + seconds + 1, 0);
    log(`estimated ${total} s of the ${budget} s budget`);
    return;
  }
  const work = mkdtempSync(path.join(os.tmpdir(), "dlm-bench-inference-"));
  const results = [];
  const trained = {};
  try {
    const dlm = (...args) => {
      const r = spawnSync(process.execPath, [path.join(root, "bin/dlm.js"), ...args], { cwd: root, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`dlm ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
      return r.stdout + r.stderr;
    };
    for (const m of models) {
      const dir = path.join(work, m);
      const ck = path.join(dir, "cnn.safetensors");
      mkdirSync(dir);
      log(`  ${label(m)}: training the CNN (${INFERENCE_MODELS[m].train.join(" ")}) and exporting it three ways…`);
      const t = Date.now();
      const said = dlm("train", "dsl-examples/cnn.dlm", ...INFERENCE_MODELS[m].train, "--save", ck, "--quiet");
      trained[m] = { seconds: (Date.now() - t) / 1000, accuracy: Number(/accuracy ([\d.]+)/.exec(said)?.[1] ?? NaN) };
      log(`    trained in ${trained[m].seconds.toFixed(1)} s, test accuracy ${trained[m].accuracy}`);
      for (const f of ["module", "tfjs", "onnx"])
        dlm("export", "dsl-examples/cnn.dlm", "--checkpoint", ck, "-o", path.join(dir, f), "--format", f);
      if (systems.includes("dlm-module-int8"))
        dlm("export", "dsl-examples/cnn.dlm", "--checkpoint", ck, "-o", path.join(dir, "int8"), "--quantize", "int8");
    }
    for (const r of runs) {
      const window = Math.min(seconds, left() - startup[r.system] - 5);
      const what = `${r.system} batch ${r.batch}, ${label(r.model)}`;
      if (window < 0.5) {
        results.push({ ...r, na: "out of the time budget" });
        log(`  ${what}: n/a (out of the time budget)`);
        continue;
      }
      const flags = r.system === "dlm-module-relaxed" ? ["--experimental-wasm-relaxed-simd"] : [];
      const args = [
        ...flags,
        path.join(here, "inference-child.mjs"),
        r.system.replace(/-relaxed$/, ""),
        path.join(work, r.model),
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
      log(`  ${what}: ${res.na ? `n/a (${res.na})` : `${res.rate.toFixed(0)} images/s`}; ${left().toFixed(0)} s of the budget left`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const find = (m, s, b) => results.find((r) => r.model === m && r.system === s && r.batch === b);
  const rate = (m, s, b) => (find(m, s, b)?.na ? undefined : find(m, s, b)?.rate);
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : "n/a");
  out(`## Inference: the exported CNN, images/s (one thread; load average ${os.loadavg()[0].toFixed(2)})`);
  out("");
  for (const m of models)
    out(
      `${label(m)}: \`dlm train dsl-examples/cnn.dlm ${INFERENCE_MODELS[m].train.join(" ")}\` (${trained[m]?.seconds.toFixed(0) ?? "?"} s, test accuracy ${trained[m]?.accuracy ?? "?"})`,
    );
  out("");
  out(`| model | system | ${BATCHES.map((b) => `batch ${b}`).join(" | ")} |`);
  out(`|---|---|${BATCHES.map(() => "---").join("|")}|`);
  for (const s of systems)
    for (const m of models)
      out(
        `| ${label(m)} | ${s} | ${BATCHES.map((b) => (rate(m, s, b) ? rate(m, s, b).toFixed(0) : `n/a (${find(m, s, b)?.na})`)).join(" | ")} |`,
      );
  out("");
  const ratios = [
    ["dlm-module / onnxruntime at batch 256", "dlm-module", "onnxruntime", 256, "≥ 0.5×"],
    ["dlm-module / tfjs-wasm at batch 256", "dlm-module", "tfjs-wasm", 256, "≥ 1.2×"],
    ["dlm-module / tfjs-wasm at batch 1", "dlm-module", "tfjs-wasm", 1, "≥ 3×"],
  ];
  if (systems.includes("dlm-module-int8")) {
    ratios.push(["dlm-module-int8 / onnxruntime at batch 256", "dlm-module-int8", "onnxruntime", 256, "≥ 1.0×"]);
    for (const b of BATCHES)
      ratios.push([`dlm-module-int8 / dlm-module at batch ${b}`, "dlm-module-int8", "dlm-module", b, "(SIMD128 both)"]);
  }
  out(`| ratio | target | ${models.map(label).join(" | ")} |`);
  out(`|---|---|${models.map(() => "---").join("|")}|`);
  for (const [what, a, b, batch, target] of ratios)
    out(`| ${what} | ${target} | ${models.map((m) => ratio(rate(m, a, batch), rate(m, b, batch))).join(" | ")} |`);
  if (opt.json) writeFileSync(opt.json, JSON.stringify({ suite: "inference", models: trained, results }, null, 2) + "\n");
}
