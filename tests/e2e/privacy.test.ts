// Differentially private MNIST (dsl-examples/dp_mnist.dlm, TensorFlow Privacy's tutorial:
// dp_sgd with clip 1.0, noise 1.2, 256 microbatches of one example, 10 epochs): the trainer
// prints ε = 1.20 at δ = 1e-5 after epoch 10 (the tutorial's table) and reaches ≥ 94% test
// accuracy (the tutorial's mean over 10 runs: 95.0%). Slow: `npm run test:e2e`.
import { expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));

test("dp_mnist: epsilon 1.20 after 10 epochs and ≥ 94% test accuracy", () => {
  const r = spawnSync(process.execPath, ["bin/dlm.js", "train", "dsl-examples/dp_mnist.dlm", "--quiet", "--seed", "1"], {
    cwd: root,
    encoding: "utf8",
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  console.log(`dp_mnist seed 1: ${r.stdout.trim()}`);
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("epoch "));
  expect(lines).toHaveLength(10);
  expect(lines[9]).toMatch(/^epoch 10 epsilon 1\.20 delta 1e-05 \(tighter conversion: \d+\.\d\d\)$/);
  const m = /^test loss (\d+\.\d{4}) accuracy (\d\.\d{4})$/m.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  expect(Number(m![2])).toBeGreaterThanOrEqual(0.94);
});
