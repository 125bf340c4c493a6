// The demo's Web Worker: loads the CNN trainer that `dlm compile --target browser` wrote
// (served under trainer/), fetches the four MNIST files, trains in this thread (posting each
// step's loss to the page), then answers the page's predictions. Training is synchronous, so
// it runs here and not in the page: the page stays responsive and draws the progress.
import { loadKernels, program, parameters, memory, createTrainer } from "./trainer/cnn.js";
import { train, predict, loadData, MNIST_FILES } from "./trainer/runtime/browser.js";

const mod = { program, parameters, memory, createTrainer };
let trained = null; // { trainer }

async function fetchBytes(name) {
  const response = await fetch(`mnist/${name}`);
  if (!response.ok) throw new Error(`mnist/${name}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function run({ epochs, maxSteps, seed, lossesKept, variant }) {
  post({ type: "status", text: "loading the kernels and MNIST…" });
  await loadKernels({ variant });
  const names = [MNIST_FILES.train.images, MNIST_FILES.train.labels, MNIST_FILES.test.images, MNIST_FILES.test.labels];
  const bytes = await Promise.all(names.map(fetchBytes));
  const loaded = loadData(mod, Object.fromEntries(names.map((n, i) => [n, bytes[i]])));
  const batch = program.settings.batch;
  const stepsPerEpoch = Math.ceil(loaded.train.n / batch);
  const total = Math.min(epochs * stepsPerEpoch, maxSteps ?? Infinity);
  const losses = [];
  let checkpoint = null; // the checkpoint `dlm train --save` would write at the end, as bytes
  const started = performance.now();
  post({ type: "status", text: `training: ${total.toLocaleString("en-US")} steps of batch ${batch}` });
  const result = train(mod, {
    loaded,
    epochs,
    ...(maxSteps !== undefined ? { maxSteps } : {}),
    ...(seed !== undefined ? { seed } : {}),
    save: "cnn.safetensors",
    onCheckpoint: (_name, bytes) => (checkpoint = bytes),
    onStep: (step, stepLosses) => {
      const loss = stepLosses[0];
      if (losses.length < lossesKept) losses.push(loss);
      post({ type: "step", step, total, loss });
    },
  });
  const seconds = (performance.now() - started) / 1000;
  trained = result;
  const test = result.test; // the test split, evaluated at the end as `dlm train` does
  post({ type: "done", steps: result.steps, seconds, losses, test: test && { loss: test.loss, accuracy: test.accuracy }, checkpoint }, checkpoint ? [checkpoint.buffer] : []);
}

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

self.onmessage = async (e) => {
  const m = e.data;
  try {
    if (m.type === "train") await run(m);
    else if (m.type === "predict") {
      if (!trained) throw new Error("train the model first");
      const probs = predict(mod, trained.trainer, m.pixels, 1);
      post({ type: "probs", probs: Array.from(probs) });
    }
  } catch (err) {
    post({ type: "error", text: err instanceof Error ? err.message : String(err) });
  }
};
