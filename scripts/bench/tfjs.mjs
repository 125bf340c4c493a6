// TensorFlow.js 4.22 (cpu or wasm backend), one model, in its own process:
//   node tfjs.mjs --backend cpu|wasm --model mlp|cnn|lstm|gan --warmup 20 --seconds 10
// Keras-equivalent models (Glorot-uniform kernels, zero biases, Adam eps 1e-7 as tfjs's
// default). Traps (docs/benchmarks.md): setWasmPaths() with the package's dist/ folder as
// a file path; batches built from typed arrays, not sliced out of one big tensor; LSTM with
// recurrentActivation 'sigmoid'; the loss is read back every step so that the work is done.
import { createRequire } from "node:module";
import * as path from "node:path";
import { childArgs, mnist, timeLoop, report, na, MODELS } from "./common.mjs";

const args = childArgs({ backend: { type: "string", default: "cpu" } });
const batch = MODELS[args.model].batch;
const require = createRequire(import.meta.url);
// Silence tfjs's "install tfjs-node" banner (it goes to console.log/console.warn).
const { log: realLog, warn: realWarn } = console;
console.log = console.warn = () => {};
const tf = await import("@tensorflow/tfjs");
if (args.backend === "wasm") {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const distDir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  wasm.setWasmPaths(distDir + path.sep);
}
if (!(await tf.setBackend(args.backend))) na(`tfjs backend ${args.backend} did not start`);
await tf.ready();
console.log = realLog;
console.warn = realWarn;

const data = await mnist(args.model === "gan" ? [-1, 1] : [0, 1]);
const x = new Float32Array(batch * 784);
const y = new Float32Array(batch);
const L = tf.layers;
let step;

if (args.model === "gan") {
  const G = tf.sequential({
    layers: [
      L.dense({ inputShape: [100], units: 256, activation: "relu" }),
      L.dense({ units: 512, activation: "relu" }),
      L.dense({ units: 784, activation: "tanh" }),
    ],
  });
  const D = tf.sequential({
    layers: [L.dense({ inputShape: [784], units: 512, activation: "relu" }), L.dense({ units: 1, activation: "sigmoid" })],
  });
  const dOpt = tf.train.adam(2e-4, 0.5, 0.999, 1e-7);
  const gOpt = tf.train.adam(2e-4, 0.5, 0.999, 1e-7);
  const ones = tf.ones([batch, 1]);
  const zeros = tf.zeros([batch, 1]);
  const bce = (p, t) => tf.metrics.binaryCrossentropy(t, p).mean();
  const dVars = D.trainableWeights.map((w) => w.val);
  const gVars = G.trainableWeights.map((w) => w.val);
  step = async () => {
    data.next(batch, x);
    const real = tf.tensor2d(x, [batch, 784]);
    const z = tf.randomNormal([batch, 100]);
    // fake once from fresh noise (no gradient: stop_gradient(fake) for the D step).
    const fake = tf.tidy(() => G.apply(z, { training: true }));
    const dLoss = dOpt.minimize(
      () => bce(D.apply(real, { training: true }), ones).add(bce(D.apply(fake, { training: true }), zeros)),
      true,
      dVars,
    );
    // The G step through the updated D. tfjs keeps no tape across two updates, so the
    // generator's forward pass on the same z is recomputed here (same values as `fake`).
    const gLoss = gOpt.minimize(() => bce(D.apply(G.apply(z, { training: true }), { training: true }), ones), true, gVars);
    const v = (await dLoss.data())[0] + (await gLoss.data())[0];
    tf.dispose([real, z, fake, dLoss, gLoss]);
    return v;
  };
} else {
  let model;
  if (args.model === "mlp") {
    model = tf.sequential({
      layers: [
        L.flatten({ inputShape: [28, 28, 1] }),
        L.dense({ units: 128, activation: "relu" }),
        L.dense({ units: 10, activation: "softmax" }),
      ],
    });
  } else if (args.model === "cnn") {
    model = tf.sequential({
      layers: [
        L.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: "relu" }),
        L.maxPooling2d({ poolSize: 2 }),
        L.flatten(),
        L.dense({ units: 128, activation: "relu" }),
        L.dense({ units: 10, activation: "softmax" }),
      ],
    });
  } else if (args.model === "lstm") {
    model = tf.sequential({
      layers: [
        L.lstm({ inputShape: [28, 28], units: 50, returnSequences: true, recurrentActivation: "sigmoid" }),
        L.lstm({ units: 50, recurrentActivation: "sigmoid" }),
        L.dense({ units: 10, activation: "softmax" }),
      ],
    });
  } else na(`unknown model ${args.model}`);
  model.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: "sparseCategoricalCrossentropy" });
  const shape = args.model === "lstm" ? [batch, 28, 28] : [batch, 28, 28, 1];
  step = async () => {
    data.next(batch, x, y);
    const xs = tf.tensor(x, shape);
    const ys = tf.tensor2d(y, [batch, 1]);
    const loss = await model.trainOnBatch(xs, ys); // a number: the work is finished
    tf.dispose([xs, ys]);
    return loss;
  };
}

let r;
try {
  r = await timeLoop({ warmup: args.warmup, batches: args.batches, seconds: args.seconds, cap: args.cap, batch, step });
} catch (e) {
  na(
    `${args.backend} backend failed: ${String(e.message ?? e)
      .split("\n")[0]
      .slice(0, 140)}`,
  );
}
report({ ...r, ...(args.model === "gan" ? { info: "tfjs recomputes G(z) for the generator step (no tape across two updates)" } : {}) });
