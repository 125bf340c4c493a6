// Bad values in well-formed data files, through the real `dlm train` on both backends:
// labels outside the model's classes and non-finite samples (in the test split too) stop
// the run at load with one `error: FILE: …` line and exit code 1, before any training.
// The same checks are tested per source and per case in tests/runtime/data-validation.test.ts.
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { runDlm, stackLines, tempDir, type RunResult } from "../helpers/spawn.js";
import { encodeNpy } from "../../runtime/data/npy.js";

const tmp = tempDir("dlm-bad-values-");
afterAll(() => tmp.cleanup());

const npyProgram = `model m(x: [B, 3]) {
  x |> dense(3, activation=softmax)
}
train m {
  data      npy("x.npy", "y.npy", test_x="test_x.npy", test_y="test_y.npy")
  loss      sparse_categorical_crossentropy
  optimizer sgd(lr=0.1)
  metrics   [accuracy]
  batch     4
  epochs    1
}
`;
const features = (n: number, nanAt = -1) => Float32Array.from({ length: n * 3 }, (_, i) => (i === nanAt ? NaN : (i % 5) / 5));

/** A folder with the npy program and its four files; `labels` are the training labels. */
function npyCase(name: string, labels: number[], testNanAt = -1): string {
  const d = path.join(tmp.dir, name);
  mkdirSync(d);
  writeFileSync(path.join(d, "m.dlm"), npyProgram);
  writeFileSync(path.join(d, "x.npy"), encodeNpy([labels.length, 3], features(labels.length)));
  writeFileSync(path.join(d, "y.npy"), encodeNpy([labels.length], Int32Array.from(labels)));
  writeFileSync(path.join(d, "test_x.npy"), encodeNpy([3, 3], features(3, testNanAt)));
  writeFileSync(path.join(d, "test_y.npy"), encodeNpy([3], Int32Array.from([0, 1, 2])));
  return d;
}

function train(d: string, file: string, backend: "wasm" | "ts"): Promise<RunResult> {
  return runDlm(["train", file, "--quiet", ...(backend === "ts" ? ["--backend", "ts"] : [])], { cwd: d });
}

function expectError(r: RunResult, message: string): void {
  expect(stackLines(r.stdout + r.stderr), r.stderr).toEqual([]);
  expect(r.stderr).toBe(`error: ${message}\n`);
  expect(r.stdout).toBe("");
  expect(r.code).toBe(1);
}

describe.concurrent("bad values in data files stop `dlm train` at load (exit 1)", () => {
  const outOfRange = npyCase("labels", [0, 1, 2, 0, 10, 2, 0, 1]);
  const nanTest = npyCase("nan-test", [0, 1, 2, 0, 1, 2, 0, 1], 4);

  for (const backend of ["wasm", "ts"] as const) {
    it(`a label outside the model's classes (--backend ${backend})`, async () => {
      expectError(await train(outOfRange, "m.dlm", backend), "y.npy: label 10 at index 4 is outside the model's classes 0..2");
    });
  }

  it("NaN in the test split", async () => {
    expectError(await train(nanTest, "m.dlm", "wasm"), "test_x.npy: expected finite samples, found NaN at [1, 1] (sample 1)");
  });
});
