// `dlm export`: the exported inference module of the seed CNN, the stacked LSTM, the MLP and
// the GAN's generator agrees with the trainer's own inference forward pass on the weights of
// a checkpoint (trained a few steps with a fixed seed on a small MNIST folder): max |Δ| ≤
// 1e-5 and the same argmax, through more rows than --max-batch (predict's chunks). The CNN's
// folder, copied outside the repository, loads and predicts in a plain `node` that has no
// dlm, binaryen, ts-morph or prettier to find; its `source` argument loads from bytes.
import { cpSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode, tempDir } from "../helpers/spawn.js";
import { argmaxRows, dlmOk, maxAbsDiff, smallMnist, trainerInference, trainFewSteps } from "../helpers/export.js";
import { Rng } from "../../runtime/rng.js";
import type { Model, ModelSource } from "../../runtime/inference.js";

const work = tempDir("dlm-export-");
const mnist = path.join(work.dir, "mnist");
beforeAll(async () => {
  const { mkdirSync } = await import("node:fs");
  mkdirSync(mnist);
  smallMnist(mnist);
});
afterAll(() => work.cleanup());

/** Seeded inputs in [lo, hi). */
function inputs(count: number, seed: number, lo = 0, hi = 1): Float32Array {
  const x = new Float32Array(count);
  new Rng(seed).fillUniform(x, lo, hi);
  return x;
}

const exports = new Map<string, Promise<{ dir: string; ck: string }>>();
/** Trains `example` a few steps and exports it (once per example). */
function exportOf(example: string, extra: readonly string[] = []): Promise<{ dir: string; ck: string }> {
  if (!exports.has(example)) exports.set(example, exported(example, extra));
  return exports.get(example)!;
}

async function exported(example: string, extra: readonly string[]): Promise<{ dir: string; ck: string }> {
  const name = path.basename(example, ".dlm");
  const ck = path.join(work.dir, `${name}.safetensors`);
  const dir = path.join(work.dir, `${name}-out`);
  await trainFewSteps(example, mnist, ck);
  await dlmOk(["export", example, "--checkpoint", ck, "-o", dir, "--max-batch", "64", ...extra]);
  return { dir, ck };
}

const loadModule = async (file: string, source?: ModelSource): Promise<Model> =>
  ((await import(pathToFileURL(file).href)) as { load(s?: ModelSource): Promise<Model> }).load(source);

describe("dlm export --format module", () => {
  const cases = [
    { example: "dsl-examples/cnn.dlm", model: "cnn", row: 784, out: 10, classes: 10, shape: [28, 28, 1] },
    { example: "dsl-examples/rnn.dlm", model: "rnn", row: 784, out: 10, classes: 10, shape: [28, 28] },
    { example: "dsl-examples/mlp.dlm", model: "mlp", row: 784, out: 10, classes: 10, shape: [28, 28, 1] },
  ];
  for (const c of cases) {
    it(`${c.model}: the exported module agrees with the trainer's inference (100 rows, max-batch 64)`, async () => {
      const { dir, ck } = await exportOf(c.example);
      const model = await loadModule(path.join(dir, `${c.model}.js`));
      expect(model.info).toMatchObject({ model: c.model, classes: c.classes, maxBatch: 64, input: { shape: c.shape } });
      expect(model.info.output).toEqual({ shape: [c.out], kind: "classes" });
      const n = 100;
      const x = inputs(n * c.row, 11);
      const mine = model.predict(x, n);
      const theirs = await trainerInference(c.example, c.model, ck, x, n);
      expect(maxAbsDiff(mine, theirs)).toBeLessThanOrEqual(1e-5);
      expect(argmaxRows(mine, c.out)).toEqual(argmaxRows(theirs, c.out));
      // Rows are independent of the chunking: row 70 alone gives what it gave in the second chunk.
      const one = model.predict(x.subarray(70 * c.row, 71 * c.row), 1);
      expect(maxAbsDiff(one, mine.subarray(70 * c.out, 71 * c.out))).toBeLessThanOrEqual(1e-6);
      expect(() => model.predict(x.subarray(0, 5), 1)).toThrow(/1 rows of \[.*\] are \d+ values; the input has 5/);
    }, 300_000);
  }

  it("the CNN's dense layers read their kernels packed (the sparse GEMM on the wide layer's relu inputs; the layout marks both dense kernels, not the convolution's)", async () => {
    const { dir } = await exportOf("dsl-examples/cnn.dlm");
    const js = readFileSync(path.join(dir, "cnn.js"), "utf8");
    expect(js).toMatch(/k\.gemm_sparse_5408x128_bias_relu\(n, /);
    expect(js).toMatch(/k\.gemm_packed_128x10_bias\(n, /); // too narrow for the sparse GEMM
    expect(js).toMatch(/k\.conv_relu_pool_28x28x1_k3x3_s1x1_32_bias_pool_k2x2_s2x2\(n, /);
    expect(js).not.toMatch(/k\.gemm_nn_/);
    // The layout's tensor entries, `{ name: "cnn/dense/kernel", shape: [5408, 128], …, packed: true }`.
    const entries = [...js.matchAll(/\{ name: "([^"]+)",[^}]*\}/g)];
    expect(entries.map((e) => e[1])).toContain("cnn/conv2d/kernel");
    expect(entries.filter((e) => e[0].includes("packed: true")).map((e) => e[1])).toEqual(["cnn/dense/kernel", "cnn/dense_1/kernel"]);
  }, 300_000);

  it("the GAN's generator (--model generator): images in [-1, 1] from noise, as the trainer's inference makes them", async () => {
    const { dir, ck } = await exportOf("dsl-examples/gan.dlm", ["--model", "generator"]);
    const model = await loadModule(path.join(dir, "generator.js"));
    expect(model.info).toMatchObject({
      model: "generator",
      train: "gan",
      input: { shape: [100] },
      output: { shape: [784], kind: "values" },
    });
    expect(model.info.classes).toBeUndefined();
    const n = 70;
    const z = new Float32Array(n * 100);
    new Rng(3).fillNormal(z, 0, 1);
    const mine = model.predict(z, n);
    const theirs = await trainerInference("dsl-examples/gan.dlm", "generator", ck, z, n);
    expect(maxAbsDiff(mine, theirs)).toBeLessThanOrEqual(1e-5);
    expect(Math.max(...mine.map(Math.abs))).toBeLessThanOrEqual(1);
    // The 512 → 784 layer's relu inputs go through the sparse GEMM (its column groups are loops, so n > 512 is fine).
    expect(readFileSync(path.join(dir, "generator.js"), "utf8")).toMatch(/k\.gemm_sparse_512x784_bias_tanh\(n, /);
    // Not the discriminator's weights: the weights file holds the generator's tensors alone.
    const weights = readFileSync(path.join(dir, "generator.safetensors"));
    const header = JSON.parse(weights.subarray(8, 8 + weights.readUInt32LE(0)).toString("utf8")) as Record<string, unknown>;
    expect(Object.keys(header).filter((k) => k !== "__metadata__")).toEqual(
      ["dense", "dense_1", "dense_2"].flatMap((l) => [`generator/${l}/kernel`, `generator/${l}/bias`]),
    );
  }, 300_000);

  it("the CNN's folder runs alone in plain node, outside the repository, and loads from bytes", async () => {
    const { dir, ck } = await exportOf("dsl-examples/cnn.dlm");
    const alone = tempDir("dlm-export-alone-");
    try {
      cpSync(dir, alone.dir, { recursive: true });
      // Every import of the folder is relative (or node:): nothing resolves to a package.
      const files = readdirSync(alone.dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
      expect(files.sort()).toEqual(
        ["cnn.js", "runtime/inference.js", "runtime/wasm/instantiate.js"].map((f) => f.split("/").join(path.sep)),
      );
      for (const f of files) {
        const specifiers = [...readFileSync(path.join(alone.dir, f), "utf8").matchAll(/(?:from|import\()\s*"([^"]+)"/g)].map((m) => m[1]);
        for (const s of specifiers) expect(s, `${f} imports ${s}`).toMatch(/^(\.\.?\/|node:)/);
      }
      const n = 20;
      const x = inputs(n * 784, 5);
      writeFileSync(path.join(alone.dir, "x.bin"), x);
      writeFileSync(
        path.join(alone.dir, "run.mjs"),
        [
          `import { readFileSync, writeFileSync } from "node:fs";`,
          `import { load } from "./cnn.js";`,
          `const model = await load();`,
          `const b = readFileSync("x.bin");`,
          `const x = new Float32Array(b.buffer, b.byteOffset, b.length / 4);`,
          `writeFileSync("y.json", JSON.stringify({ info: model.info, y: Array.from(model.predict(x, ${n})) }));`,
        ].join("\n"),
      );
      const r = await runNode(["run.mjs"], { cwd: alone.dir });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const got = JSON.parse(readFileSync(path.join(alone.dir, "y.json"), "utf8")) as { info: { classes: number }; y: number[] };
      expect(got.info.classes).toBe(10);
      const theirs = await trainerInference("dsl-examples/cnn.dlm", "cnn", ck, x, n);
      expect(maxAbsDiff(got.y, theirs)).toBeLessThanOrEqual(1e-5);
      expect(argmaxRows(got.y, 10)).toEqual(argmaxRows(theirs, 10));
      // A browser has no file system: the same model from the files' bytes.
      const bytes = (f: string) => new Uint8Array(readFileSync(path.join(alone.dir, f)));
      const fromBytes = await loadModule(path.join(alone.dir, "cnn.js"), {
        weights: bytes("cnn.safetensors"),
        wasm: bytes("cnn.wasm"),
        relaxedWasm: bytes("cnn.relaxed.wasm"),
        baseUrl: "https://example.invalid/nowhere/",
      });
      expect(maxAbsDiff(fromBytes.predict(x, n), theirs)).toBeLessThanOrEqual(1e-5);
      // A damaged weights file is refused by its checksum, naming the file.
      const damaged = bytes("cnn.safetensors");
      damaged[damaged.length - 3] ^= 0x40;
      await expect(loadModule(path.join(alone.dir, "cnn.js"), { weights: damaged })).rejects.toThrow(
        /^cnn\.safetensors: its contents do not match their checksum/,
      );
    } finally {
      alone.cleanup();
    }
  }, 300_000);
});
