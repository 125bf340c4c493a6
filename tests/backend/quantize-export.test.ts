// `dlm export --quantize int8` through the command line (in vitest.slow.config.ts's list: it
// trains, calibrates and exports several times): the MLP, an MLP whose 256 → 64 layer reads a
// relu (the sparse int8 kernel's call: tests/programs/export/dense-relu-int8.dlm), a CNN with
// a convolution large enough for int8 (tests/programs/export/conv-int8.dlm) and the seed CNN
// (its sparse layer's pairs along the columns of the flattened [13, 13, 32]), each trained a few steps on a small
// MNIST folder, exported float and int8. The int8 module loads and predicts as the float one
// does (same API, same info besides `quantized`), agrees with it on real MNIST test images,
// holds its int8 kernels in the weights file (≤ 30% of the float file's bytes for the MLP),
// and the export prints the layers that stayed float with the rule that kept them. Usage
// mistakes are errors. (The seed CNN and the stacked LSTM: tests/e2e/quantize.test.ts.)
import { mkdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir, runDlm } from "../helpers/spawn.js";
import { argmaxRows, dlmOk, mnistTestImages, smallMnist, trainFewSteps } from "../helpers/export.js";
import { decodeSafetensors } from "../../runtime/safetensors.js";
import type { Model, ModelInfo } from "../../runtime/inference.js";

const work = tempDir("dlm-quantize-");
const mnist = path.join(work.dir, "mnist");
beforeAll(() => {
  mkdirSync(mnist);
  smallMnist(mnist, 512, 64);
});
afterAll(() => work.cleanup());

const loadModule = async (file: string): Promise<Model> => ((await import(pathToFileURL(file).href)) as { load(): Promise<Model> }).load();

/** Trains `example` a few steps and exports it float and int8; returns both folders and the int8 export's output. */
async function both(example: string, model: string): Promise<{ float: string; int8: string; stdout: string }> {
  const name = path.basename(example, ".dlm");
  const ck = path.join(work.dir, `${name}.safetensors`);
  await trainFewSteps(example, mnist, ck, 20);
  const float = path.join(work.dir, `${name}-float`);
  const int8 = path.join(work.dir, `${name}-int8`);
  await dlmOk(["export", example, "--checkpoint", ck, "-o", float, "--max-batch", "64"]);
  const r = await dlmOk([
    "export",
    example,
    "--checkpoint",
    ck,
    "-o",
    int8,
    "--max-batch",
    "64",
    "--quantize",
    "int8",
    "--calibration",
    "300",
    "--data",
    mnist,
  ]);
  expect(readFileSync(path.join(int8, `${model}.js`), "utf8")).toMatch(/k\.int8_(dense|sparse)_/);
  return { float, int8, stdout: r.stdout };
}

/** The first n MNIST test images as the models' inputs (pixels / 255). */
const images = (n: number) => Float32Array.from(mnistTestImages(n), (p) => p / 255);

function agreement(a: Float32Array, b: Float32Array, width: number): number {
  const x = argmaxRows(a, width);
  const y = argmaxRows(b, width);
  return x.filter((v, i) => v === y[i]).length / x.length;
}

const bytes = (dir: string, model: string) => statSync(path.join(dir, `${model}.safetensors`)).size;

describe("dlm export --quantize int8", () => {
  it("the MLP: its 784×128 layer in int8 (uint8 inputs), the 128×10 one float (too few multiply-adds); weights ≤ 30% of float", async () => {
    const { float, int8, stdout } = await both("dsl-examples/mlp.dlm", "mlp");
    expect(stdout).toMatch(/int8 \(calibrated on 300 training samples, seed 1\): mlp\/dense \(uint8 inputs, error \d+\.\d+%\)/);
    expect(stdout).toMatch(
      /stays float: mlp\/dense_1 \(dense\): 128×10 = 1280 multiply-adds per row: too few for int8 to gain speed \(under 4096\)/,
    );
    const [f, q] = [await loadModule(path.join(float, "mlp.js")), await loadModule(path.join(int8, "mlp.js"))];
    const { quantized, ...rest } = q.info as ModelInfo;
    expect(rest).toEqual(f.info);
    expect(quantized).toMatchObject({
      scheme: "int8",
      calibration: { samples: 300, seed: 1 },
      float: [{ layer: "mlp/dense_1", op: "dense" }],
    });
    expect(quantized!.layers).toHaveLength(1);
    expect(quantized!.layers[0]).toMatchObject({ layer: "mlp/dense", op: "dense", inputs: "uint8" });
    expect(quantized!.layers[0].error).toBeLessThan(0.02);
    const n = 200;
    const x = images(n);
    const [yf, yq] = [f.predict(x, n), q.predict(x, n)];
    expect(agreement(yf, yq, 10)).toBeGreaterThanOrEqual(0.97);
    // Rows are independent of predict's chunks of 64 in int8 too.
    expect(Array.from(q.predict(x.subarray(70 * 784, 71 * 784), 1))).toEqual(Array.from(yq.subarray(700, 710)));
    expect(bytes(int8, "mlp") / bytes(float, "mlp")).toBeLessThanOrEqual(0.3);
    // The file: the int8 kernel in Keras's layout and its per-column kernel_scale, the rest float32.
    const { tensors, metadata } = decodeSafetensors(readFileSync(path.join(int8, "mlp.safetensors")), "mlp.safetensors");
    expect(metadata.quantized).toBe("int8");
    expect(tensors["mlp/dense/kernel"]).toMatchObject({ dtype: "I8", shape: [784, 128] });
    expect(tensors["mlp/dense/kernel_scale"]).toMatchObject({ dtype: "F32", shape: [128] });
    expect(tensors["mlp/dense_1/kernel"]).toMatchObject({ dtype: "F32", shape: [128, 10] });
  }, 240_000);

  it("a convolution of 3×3×16×32 with its relu and max pool in int8 (the first, 3×3×1×16, float); its output layer (46,080 multiply-adds) too", async () => {
    const { float, int8, stdout } = await both("tests/programs/export/conv-int8.dlm", "convs");
    expect(stdout).toMatch(/stays float: convs\/conv2d \(conv2d\): 3×3×1×16 = 144 multiply-adds per output position/);
    const [f, q] = [await loadModule(path.join(float, "convs.js")), await loadModule(path.join(int8, "convs.js"))];
    const layers = q.info.quantized!.layers;
    expect(layers.map((l) => [l.layer, l.op, l.inputs])).toEqual([
      ["convs/conv2d_1", "conv2d", "uint8"],
      ["convs/dense", "dense", "uint8"],
    ]);
    expect(readFileSync(path.join(int8, "convs.js"), "utf8")).toMatch(/k\.int8_conv2d_convs_conv2d_1_144x32_bias_relu_pool_u8\(/);
    const n = 200;
    const x = images(n);
    expect(agreement(f.predict(x, n), q.predict(x, n), 10)).toBeGreaterThanOrEqual(0.95);
  }, 240_000);

  it("a relu-fed 256×64 layer calls the sparse int8 kernel (tests/programs/export/dense-relu-int8.dlm): rows agree with float and give the same bits alone as in a batch", async () => {
    const { float, int8, stdout } = await both("tests/programs/export/dense-relu-int8.dlm", "relu2");
    expect(stdout).toMatch(/relu2\/dense \(uint8 inputs, error [\d.]+%\), relu2\/dense_1 \(uint8 inputs, error [\d.]+%\)/);
    const js = readFileSync(path.join(int8, "relu2.js"), "utf8");
    expect(js).toMatch(/k\.int8_dense_relu2_dense_784x256_bias_relu_u8\(/); // pixels: not a relu's output
    expect(js).toMatch(/k\.int8_sparse_relu2_dense_1_256x64_bias_relu_u8\(/);
    const [f, q] = [await loadModule(path.join(float, "relu2.js")), await loadModule(path.join(int8, "relu2.js"))];
    const n = 200;
    const x = images(n);
    const yq = q.predict(x, n);
    expect(agreement(f.predict(x, n), yq, 10)).toBeGreaterThanOrEqual(0.95);
    // The kernel's wiring (its scratch, its row blocks): a row alone gives the bits it has in the batch. After 20 steps
    // ~78% of this layer's input pairs are nonzero, so its blocks take the dense tiles; both paths are held to the
    // scalar reference in quantize-kernel.test.ts.
    const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    for (const r of [0, 37, 150])
      expect(bitsOf(q.predict(x.subarray(r * 784, (r + 1) * 784), 1))).toEqual(bitsOf(yq.subarray(r * 10, r * 10 + 10)));
  }, 240_000);

  it("the seed CNN's relu-fed 5408×128 layer (the flatten of [13, 13, 32]) takes its pairs along the columns: recorded in the layout, rows agree with float, a row alone has its batch bits", async () => {
    const { float, int8 } = await both("dsl-examples/cnn.dlm", "cnn");
    const js = readFileSync(path.join(int8, "cnn.js"), "utf8");
    expect(js).toMatch(/k\.int8_sparse_cnn_dense_5408x128_bias_relu_u8_cols13x32\(/);
    expect(js).toMatch(/int8: \{ k: 5408, n: 128, inputsScale: [\d.e-]+, pairColumns: \{ w: 13, c: 32 \} \}/);
    const [f, q] = [await loadModule(path.join(float, "cnn.js")), await loadModule(path.join(int8, "cnn.js"))];
    const n = 100;
    const x = images(n);
    const yq = q.predict(x, n);
    expect(agreement(f.predict(x, n), yq, 10)).toBeGreaterThanOrEqual(0.95);
    const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
    for (const r of [0, 63, 99])
      expect(bitsOf(q.predict(x.subarray(r * 784, (r + 1) * 784), 1))).toEqual(bitsOf(yq.subarray(r * 10, r * 10 + 10)));
  }, 240_000);

  it("mistakes: another scheme, another format, --calibration without --quantize", async () => {
    const ck = path.join(work.dir, "mlp.safetensors");
    const o = path.join(work.dir, "bad");
    const int4 = await runDlm(["export", "dsl-examples/mlp.dlm", "--checkpoint", ck, "-o", o, "--quantize", "int4"]);
    expect(int4.code).toBe(2);
    expect(int4.stderr).toMatch(/--quantize must be int8, not 'int4'/);
    const onnx = await runDlm(["export", "dsl-examples/mlp.dlm", "--checkpoint", ck, "-o", o, "--quantize", "int8", "--format", "onnx"]);
    expect(onnx.code).toBe(1);
    expect(onnx.stderr).toMatch(/--quantize int8 writes a module \(--format module\), not onnx/);
    const cal = await runDlm(["export", "dsl-examples/mlp.dlm", "--checkpoint", ck, "-o", o, "--calibration", "10"]);
    expect(cal.code).toBe(2);
  }, 120_000);
});
