// Loading `dlm export --format tfjs` and `--format onnx` output as their own tools do:
// TensorFlow.js's `tf.loadLayersModel` (through an IO handler that reads model.json and the
// shards its weights manifest names from a folder; tfjs's own `file://` handler is
// tfjs-node's) and onnxruntime-node's InferenceSession (one intra-op thread).
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** Exported files' predictions: n rows of the model's input in, n output rows out. */
export interface Predictor {
  predict(x: Float32Array, n: number): Promise<Float32Array>;
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: object[] }[];
}

/** `dir/model.json` through `tf.loadLayersModel` (cpu backend unless one is set). */
export async function loadTfjs(dir: string, shape: readonly number[]): Promise<Predictor & { topology: ModelJson["modelTopology"] }> {
  const tf = await import("@tensorflow/tfjs");
  const json = JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8")) as ModelJson;
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p))));
  const all = Buffer.concat(shards);
  const model = await tf.loadLayersModel({
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as never,
      weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    }),
  });
  return {
    topology: json.modelTopology,
    predict: async (x, n) => {
      const y = tf.tidy(() => model.predict(tf.tensor(x, [n, ...shape])) as import("@tensorflow/tfjs").Tensor);
      const out = (await y.data()) as Float32Array;
      y.dispose();
      return Float32Array.from(out);
    },
  };
}

/** `file` (model.onnx) in an onnxruntime-node session of one intra-op thread. */
export async function loadOnnx(file: string, shape: readonly number[]): Promise<Predictor & { inputs: readonly string[] }> {
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(readFileSync(file), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return {
    inputs: session.inputNames,
    predict: async (x, n) => {
      const r = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x, [n, ...shape]) });
      return Float32Array.from(r[session.outputNames[0]].data as Float32Array);
    },
  };
}
