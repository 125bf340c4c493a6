// The transfer-learning example (dsl-examples/transfer/) through `dlm train`, as a user runs
// it: base.dlm one epoch on the digits 0-4 with its checkpoint saved, then retrain.dlm one
// epoch on the digits 5-9 from that checkpoint with the convolution frozen. Test accuracy on
// 5-9 must reach 0.975 for seeds 1 and 2. The same model trained from scratch on 5-9 is run
// too and its accuracy and epoch time are logged beside the transfer's (no timing assertion).
// Slow: `npm run test:e2e`.
import { describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = fileURLToPath(new URL("../../", import.meta.url));

function train(file: string, ...args: string[]): { accuracy: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, "bin/dlm.js"), "train", file, ...args], { cwd: root, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const m = /^test loss \d+\.\d{4} accuracy (\d\.\d{4})$/m.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  return { accuracy: Number(m![1]), stdout: r.stdout, stderr: r.stderr };
}

/** The epoch line's seconds (plain progress output off a terminal). */
const seconds = (stdout: string): string => /(\d+(?:\.\d+)?)s - loss/.exec(stdout)?.[1] ?? "?";

describe("transfer learning: base.dlm on 0-4, retrain.dlm on 5-9", { timeout: 1_800_000 }, () => {
  for (const seed of [1, 2]) {
    test(`seed ${seed}: ≥ 0.975 on the digits 5-9`, () => {
      const dir = mkdtempSync(join(tmpdir(), "dlm-transfer-"));
      try {
        for (const f of ["base.dlm", "retrain.dlm"]) copyFileSync(join(root, "dsl-examples/transfer", f), join(dir, f));
        const base = train(join(dir, "base.dlm"), "--seed", String(seed), "--save", join(dir, "base.safetensors"));
        const retrain = train(join(dir, "retrain.dlm"), "--seed", String(seed));
        expect(retrain.stderr).toMatch(
          /^init: loaded 4 tensors \(692,672 values\) from .*base\.safetensors; from their initializers: clf\/dense_1\/kernel, clf\/dense_1\/bias$/m,
        );
        const scratchSource = readFileSync(join(dir, "retrain.dlm"), "utf8").replace(/\n  init[^}]*\}\n  freeze[^\n]*\n/, "\n");
        expect(scratchSource).not.toContain("init");
        writeFileSync(join(dir, "scratch.dlm"), scratchSource);
        const scratch = train(join(dir, "scratch.dlm"), "--seed", String(seed));
        console.log(
          `seed ${seed}: base (0-4) ${base.accuracy}; retrain (5-9) ${retrain.accuracy} in ${seconds(retrain.stdout)}s; from scratch (5-9) ${scratch.accuracy} in ${seconds(scratch.stdout)}s`,
        );
        expect(retrain.accuracy).toBeGreaterThanOrEqual(0.975);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
