// Bad input gets a clear error and loses nothing (docs/runtime.md). Each case runs a real command —
// a compiled trainer (`node trainer.mjs --data DIR ...`, the same code path as `dlm
// compile`'s output) or `dlm train FILE.dlm` — on small files written into a temp folder,
// and must exit with code 1, print `error: ` with the file (or value) at fault and what was
// expected, and never a stack trace. A run whose loss turns non-finite names the step and
// the first non-finite tensor, and the last good checkpoint is still there and loads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { compileSource } from "../helpers/trainer.js";
import { toJavaScript } from "../../compiler/compile.js";
import { compileTo, repoRoot, runDlm, runNode, stackLines, tempDir, type RunResult } from "../helpers/spawn.js";
import { encodeIdx } from "../../runtime/data/idx.js";
import { encodeNpy } from "../../runtime/data/npy.js";
import { loadSafetensors } from "../../runtime/safetensors.js";

const programs = {
  idx: `model m(x: [B, 4, 4, 1]) {
  x |> flatten() |> dense(3, activation=softmax)
}
train m {
  data      idx("train-images.idx", "train-labels.idx", test_images="test-images.idx", test_labels="test-labels.idx")
  loss      sparse_categorical_crossentropy
  optimizer sgd(lr=0.1)
  metrics   [accuracy]
  batch     4
}
`,
  npy: `model m(x: [B, 3]) {
  x |> dense(1)
}
train m {
  data      npy("x.npy", "y.npy")
  loss      mse
  optimizer sgd(lr=0.1)
  batch     4
}
`,
  regression: readFileSync(path.join(repoRoot, "dsl-examples/regression.dlm"), "utf8"),
  // The regression example with a learning rate that blows up: step 1's loss is finite, its
  // update makes the weights ~1e29, and step 2 overflows float32.
  nan: readFileSync(path.join(repoRoot, "dsl-examples/regression.dlm"), "utf8").replace("sgd(lr=0.01, momentum=0.9)", "sgd(lr=1e30)"),
  // ... and one whose very first update overflows the weights while step 1's loss is finite.
  inf: readFileSync(path.join(repoRoot, "dsl-examples/regression.dlm"), "utf8").replace("sgd(lr=0.01, momentum=0.9)", "sgd(lr=1e39)"),
};
type Name = keyof typeof programs;

const tmp = tempDir("dlm-bad-");
const dir = (...parts: string[]) => path.join(tmp.dir, ...parts);
const regressionCsv = path.join(repoRoot, "dsl-examples/data/regression.csv");

/** Runs the compiled trainer `name` with `args`. */
function trainer(name: Name, ...args: string[]): Promise<RunResult> {
  return runNode([dir("trainers", `${name}.mjs`), ...args], { cwd: tmp.dir });
}

/** A folder of IDX files for the idx program: 8 training and 4 test images of 4×4. */
function idxFolder(name: string, change: Partial<Record<"train-images.idx" | "train-labels.idx", Uint8Array | null>> = {}): string {
  const d = dir("data", name);
  mkdirSync(d, { recursive: true });
  const files: Record<string, Uint8Array | null> = {
    "train-images.idx": encodeIdx(
      "ubyte",
      [8, 4, 4],
      Array.from({ length: 128 }, (_, i) => (i * 37) % 256),
    ),
    "train-labels.idx": encodeIdx("ubyte", [8], [0, 1, 2, 0, 1, 2, 0, 1]),
    "test-images.idx": encodeIdx(
      "ubyte",
      [4, 4, 4],
      Array.from({ length: 64 }, (_, i) => (i * 53) % 256),
    ),
    "test-labels.idx": encodeIdx("ubyte", [4], [2, 1, 0, 2]),
    ...change,
  };
  for (const [f, bytes] of Object.entries(files)) if (bytes) writeFileSync(path.join(d, f), bytes);
  return d;
}

function npyFolder(name: string, x: Uint8Array): string {
  const d = dir("data", name);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, "x.npy"), x);
  writeFileSync(path.join(d, "y.npy"), encodeNpy([6, 1], new Float32Array(6)));
  return d;
}

/** The common contract: exit code 1, one `error: ` message that contains every `parts`, no stack. */
function expectCleanError(r: RunResult, ...parts: (string | RegExp)[]): void {
  expect(stackLines(r.stdout + r.stderr), r.stderr).toEqual([]);
  expect(r.stderr).toMatch(/^error: /);
  for (const p of parts) typeof p === "string" ? expect(r.stderr).toContain(p) : expect(r.stderr).toMatch(p);
  expect(r.code, r.stderr).toBe(1);
}

beforeAll(async () => {
  mkdirSync(dir("trainers"), { recursive: true });
  for (const [name, src] of Object.entries(programs)) {
    const compiled = await compileSource(src, `${name}.dlm`, undefined, false); // run, not read: unformatted
    writeFileSync(dir("trainers", `${name}.mjs`), await toJavaScript(compiled.ts, `${name}.ts`));
  }
  writeFileSync(dir("idx.dlm"), programs.idx);
  writeFileSync(dir("nan.dlm"), programs.nan);
  mkdirSync(dir("nan-data"), { recursive: true });
  cpSync(regressionCsv, dir("nan-data", "rows.csv"));
}, 120_000);
afterAll(() => tmp.cleanup());

describe.concurrent("bad data files", () => {
  it("the files are fine (the cases below each break one thing)", async () => {
    const r = await trainer("idx", "--data", idxFolder("good"), "--quiet");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^test loss \d+\.\d{4} accuracy \d\.\d{4}\n$/);
    expect(r.code).toBe(0);
  });

  it("a missing data file (through `dlm train`)", async () => {
    const d = idxFolder("missing", { "train-labels.idx": null });
    const r = await runDlm(["train", dir("idx.dlm"), "--data", d], { cwd: tmp.dir });
    expectCleanError(r, "train-labels.idx", "file not found", "expected an IDX file");
  });

  it("a truncated IDX file", async () => {
    const good = encodeIdx("ubyte", [8, 4, 4], new Array(128).fill(1));
    const r = await trainer("idx", "--data", idxFolder("truncated", { "train-images.idx": good.subarray(0, 100) }));
    expectCleanError(r, "train-images.idx", "truncated file", "expected 144 bytes", "found 100");
  });

  it("a wrong IDX magic number", async () => {
    const bytes = encodeIdx("ubyte", [8, 4, 4], new Array(128).fill(1));
    bytes.set([0x1f, 0x8b, 0x08, 0x00]); // a gzip header: the file was never unpacked
    const r = await trainer("idx", "--data", idxFolder("magic", { "train-images.idx": bytes }));
    expectCleanError(r, "train-images.idx", /expected .*IDX/, "found 0x1f8b0800");
  });

  it("label and image counts that differ", async () => {
    const r = await trainer("idx", "--data", idxFolder("counts", { "train-labels.idx": encodeIdx("ubyte", [7], [0, 1, 2, 0, 1, 2, 0]) }));
    expectCleanError(r, "train-labels.idx", "expected 8 labels", "found 7");
  });

  it("data whose shape does not fit the model's input", async () => {
    const r = await trainer(
      "idx",
      "--data",
      idxFolder("shape", { "train-images.idx": encodeIdx("ubyte", [8, 5, 5], new Array(200).fill(1)) }),
    );
    expectCleanError(r, "train-images.idx", "[5, 5, 1]", "takes [4, 4, 1]");
  });

  it("a ragged CSV row", async () => {
    const csv = dir("data", "ragged.csv");
    mkdirSync(path.dirname(csv), { recursive: true });
    writeFileSync(csv, "x1,x2,x3,y\n0.1,0.2,0.3,1\n0.4,0.5,0.6\n0.7,0.8,0.9,1\n");
    const r = await trainer("regression", "--data", csv);
    expectCleanError(r, "ragged.csv", "line 3", "expected 4 fields", "found 3");
  });

  it("an NPY of another dtype", async () => {
    const r = await trainer("npy", "--data", npyFolder("dtype", encodeNpy([6, 3], new Int32Array(18))));
    expectCleanError(r, "x.npy", /expected .*float32/, /found '<?i4'/);
  });

  it("an NPY of another byte order ('>f4')", async () => {
    const bytes = encodeNpy([6, 3], new Float32Array(18));
    const header = new TextDecoder("latin1").decode(bytes.subarray(0, 80));
    bytes.set(new TextEncoder().encode("'>f4'"), header.indexOf("'<f4'"));
    const r = await trainer("npy", "--data", npyFolder("order", bytes));
    expectCleanError(r, "x.npy", "little-endian", "'>f4'");
  });

  it("NPY samples of the wrong shape", async () => {
    const r = await trainer("npy", "--data", npyFolder("npy-shape", encodeNpy([6, 4], new Float32Array(24))));
    expectCleanError(r, "x.npy", "[4]", "takes [3]");
  });
});

describe("bad checkpoints", () => {
  it("a checkpoint from another model given to --resume", async () => {
    const ck = dir("regression.safetensors");
    const saved = await trainer("regression", "--data", regressionCsv, "--max-steps", "2", "--save", ck, "--quiet");
    expect(saved.stderr).toBe("");
    expect(saved.code).toBe(0);
    const r = await trainer("idx", "--data", idxFolder("resume-other"), "--resume", ck);
    expectCleanError(r, "regression.safetensors", "train regression", /expects .*m\/dense\/kernel \[16, 3\]/);
  });

  it("a corrupt checkpoint: truncated, or not a safetensors file at all", async () => {
    const ck = dir("good.safetensors");
    const saved = await trainer("regression", "--data", regressionCsv, "--max-steps", "1", "--save", ck, "--quiet");
    expect(saved.code).toBe(0);
    const bytes = readFileSync(ck);
    writeFileSync(dir("truncated.safetensors"), bytes.subarray(0, bytes.length - 100));
    writeFileSync(dir("garbage.safetensors"), "this is not a checkpoint\n".repeat(10));
    const [a, b] = await Promise.all([
      trainer("regression", "--data", regressionCsv, "--resume", dir("truncated.safetensors")),
      trainer("regression", "--data", regressionCsv, "--resume", dir("garbage.safetensors")),
    ]);
    expectCleanError(a, "truncated.safetensors", "corrupt checkpoint");
    expectCleanError(b, "garbage.safetensors", "corrupt checkpoint");
  });

  it("a checkpoint written at another batch size", async () => {
    const ck = dir("batch.safetensors");
    const saved = await trainer("regression", "--data", regressionCsv, "--max-steps", "3", "--save", ck, "--quiet");
    expect(saved.code).toBe(0);
    const r = await trainer("regression", "--data", regressionCsv, "--resume", ck, "--batch", "16");
    expectCleanError(r, "batch.safetensors", "batch 32", "--batch 32");
  });

  it("a --save path in a folder that does not exist fails before training", async () => {
    const r = await trainer("regression", "--data", regressionCsv, "--save", dir("no-such-folder", "ck.safetensors"));
    expectCleanError(r, "ck.safetensors", "no-such-folder", "does not exist");
    expect(r.stdout).toBe(""); // not one epoch was spent
  });
});

describe("a loss that turns non-finite", () => {
  it("stops, names the step and the first non-finite tensor, and keeps the last good checkpoint (through `dlm train`)", async () => {
    const ck = dir("nan.safetensors");
    const r = await runDlm(["train", dir("nan.dlm"), "--data", dir("nan-data", "rows.csv"), "--save", ck, "--checkpoint-every", "1"], {
      cwd: tmp.dir,
    });
    expectCleanError(r, /the loss became (NaN|-?Infinity)/, "step 2 overall", /the first non-finite \w+ is `[^`]+`/, "nan.dlm:");
    // The checkpoint of step 1 is still there, loads, and its weights are finite.
    const { tensors, metadata } = loadSafetensors(ck);
    expect(metadata.global_step).toBe("1");
    for (const [name, t] of Object.entries(tensors)) expect(Array.from(t.data as Float32Array).every(Number.isFinite), name).toBe(true);
    const resumed = await trainer("nan", "--data", dir("nan-data", "rows.csv"), "--resume", ck, "--max-steps", "1", "--quiet");
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
  });

  it("weights that an update made non-finite are never saved over the last good checkpoint", async () => {
    const ck = dir("inf.safetensors");
    const csv = dir("nan-data", "rows.csv");
    const start = await trainer("inf", "--data", csv, "--max-steps", "0", "--save", ck, "--quiet");
    expect(start.code).toBe(0);
    const before = readFileSync(ck);
    const r = await trainer("inf", "--data", csv, "--resume", ck, "--save", ck, "--checkpoint-every", "1");
    expectCleanError(r, "after step 1", /the first is `regression\/dense(_1)?\/(kernel|bias)` \(value -?Infinity/, "inf.safetensors");
    expect(readFileSync(ck).equals(before)).toBe(true);
    expect(loadSafetensors(ck).metadata.global_step).toBe("0");
    // Without checkpoints, the next step's loss is what stops it, naming the weight.
    const plain = await trainer("inf", "--data", csv);
    expectCleanError(plain, "step 2 overall", /the first non-finite parameter is `regression\/dense(_1)?\/(kernel|bias)`/);
  });
});

describe("a compiled trainer's command line and its files", () => {
  // `dlm compile` output (the trainer with ./runtime beside it), copied for each breakage.
  const compiled = dir("compiled", "out");
  beforeAll(async () => {
    await compileTo(path.join(repoRoot, "dsl-examples/regression.dlm"), compiled);
  }, 120_000);
  const copy = (name: string): string => {
    const to = dir("compiled", name);
    cpSync(compiled, to, { recursive: true });
    return to;
  };

  it("numeric flags: the .dlm settings' ranges, integers only, one line and exit 2", async () => {
    const cases: [string[], string][] = [
      [["--epochs", "-1"], "error: --epochs must be an integer in [1, 100000], not '-1'"],
      [["--batch", "65537"], "error: --batch must be an integer in [1, 65536], not '65537'"],
      [["--seed", "1e20"], "error: --seed must be an integer in [0, 9007199254740991], not '1e20'"],
      [
        ["--checkpoint-every", "2.5", "--save", "x.safetensors"],
        "error: --checkpoint-every must be an integer in [1, 9007199254740991], not '2.5'",
      ],
      [["--data", "no-such.csv"], "error: --data no-such.csv: no such file or folder"],
    ];
    const runs = await Promise.all(cases.map(([args]) => runNode([path.join(compiled, "regression.js"), ...args], { cwd: tmp.dir })));
    runs.forEach((r, i) => {
      expect(r.stderr.split("\n")[0], cases[i][0].join(" ")).toBe(cases[i][1]);
      expect(r.code).toBe(2);
      expect(stackLines(r.stderr)).toEqual([]);
    });
  });

  it("a kernel module of another build is refused at load, with the advice to compile again", async () => {
    const d = copy("other-wasm");
    // A valid module with none of the trainer's kernels (the smallest: the header alone).
    const empty = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]);
    writeFileSync(path.join(d, "regression.wasm"), empty);
    writeFileSync(path.join(d, "regression.relaxed.wasm"), empty);
    const r = await runNode([path.join(d, "regression.js"), "--data", regressionCsv, "--max-steps", "1"], { cwd: tmp.dir });
    expectCleanError(
      r,
      "regression.wasm: a kernel module of another build: it lacks",
      "kernels this trainer calls",
      "compile the trainer again",
    );
    expect(r.stderr.split("\n")).toHaveLength(2);
  });

  it("a runtime file deleted beside the trainer: one line, exit 1, no loader stack trace", async () => {
    const d = copy("no-rng");
    rmSync(path.join(d, "runtime", "rng.js"));
    const r = await runNode([path.join(d, "regression.js"), "--data", regressionCsv], { cwd: tmp.dir });
    expectCleanError(
      r,
      /runtime\/rng\.js is missing: the runtime beside this trainer is incomplete; compile it again with `dlm compile`\n$/,
    );
    expect(r.stderr.split("\n")).toHaveLength(2);
  });
});
