// Full-length runs of the DCGAN and the autoencoders (`npm run test:e2e`; slow, not in `npm test`).
//
// dcgan_small.dlm, scored as `npm run gan:score -- --program dsl-examples/dcgan_small.dlm
// --epochs 5` (seed 1): one `epoch N top … rarest … covered K` line per epoch, and at epoch 5
// a mean top-class probability ≥ 0.65 with all 10 digits covered (PyTorch on the same
// program, scorer and simultaneous update: top 0.694 / 0.743 / 0.748 / 0.740 / 0.755 over
// epochs 1–5). The autoencoders (2 epochs each, seed 0): the test MSE `dlm train` prints,
// and the --samples PNG of test images above their reconstructions.
import { describe, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("dcgan_small.dlm: after 5 epochs, top ≥ 0.65 with all 10 digits covered", () => {
  const r = spawnSync(
    process.execPath,
    ["scripts/gan-score.mjs", "--program", "dsl-examples/dcgan_small.dlm", "--epochs", "5", "--seed", "1", "--quiet"],
    { cwd: root, encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  const epochs = [...r.stdout.matchAll(/^epoch (\d+) top (\d\.\d{3}) rarest (\d+\.\d)% covered (\d+)$/gm)].map((m) => ({
    epoch: Number(m[1]),
    top: Number(m[2]),
    rarest: Number(m[3]),
    covered: Number(m[4]),
  }));
  console.log(r.stdout.trim());
  expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
  expect(epochs[4].top).toBeGreaterThanOrEqual(0.65);
  expect(epochs[4].covered).toBe(10);
});

describe("the autoencoders, 2 epochs at batch 32", () => {
  for (const [file, limit] of [
    ["dense_autoencoder", 0.008],
    ["conv_autoencoder", 0.006],
  ] as const) {
    test(`${file}.dlm: test MSE ≤ ${limit}, and the reconstructions PNG`, () => {
      const dir = mkdtempSync(join(tmpdir(), "dlm-e2e-ae-"));
      try {
        const r = spawnSync(process.execPath, ["bin/dlm.js", "train", `dsl-examples/${file}.dlm`, "--samples", dir], {
          cwd: root,
          encoding: "utf8",
        });
        expect(r.status, r.stderr).toBe(0);
        const m = /^test loss (\d+\.\d{4})$/m.exec(r.stdout);
        expect(m, r.stdout).not.toBeNull();
        console.log(`${file}: ${m![0]}`);
        expect(Number(m![1])).toBeLessThanOrEqual(limit);
        const png = PNG.sync.read(readFileSync(join(dir, `${file}_reconstructions.png`)));
        expect([png.width, png.height]).toEqual([8 * 30 + 2, 2 * 30 + 2]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
