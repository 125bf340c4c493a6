// train.py under torchrun: two processes (gloo, CPU) on a global batch of 64 end where one
// process with batch 64 ends — max |Δ| ≤ 1e-5 over every parameter — for the MLP
// (DistributedDataParallel) and the stabilized GAN (gradients averaged after each step's
// backward pass; each process keeps its rows of every noise draw and dropout mask). The
// one-process runs are `python3 train.py ...` from the folder dlm compile wrote, as a user
// runs it, with shuffling on: each global batch comes from the epoch's seeded permutation.
// In the slow list (vitest.slow.config.ts).
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { repoRoot, runDlm, tempDir } from "../helpers/spawn.js";
import { differences, missing, ok, runPython, weights } from "./python.js";

const tmp = tempDir("dlm-torchrun-");
// torchrun of torch 1.13 on Python 3.11 (Debian's python3-torch) cannot read its default --redirects and
// --tee (0: Std.from_str gives None), so they are given per process: stdout to its log file, stderr also here.
const launcherStd = ["--redirects", "0:1,1:1", "--tee", "0:2,1:2"];
afterAll(() => tmp.cleanup());

describe.skipIf(missing() !== null)("torchrun --nproc_per_node 2", () => {
  for (const [example, steps] of [
    ["mlp", 50],
    ["gan_stabilized", 20],
  ] as const) {
    it(`${example}: ${steps} steps in two processes end at one process's parameters`, { timeout: 600_000 }, async () => {
      const dir = path.join(tmp.dir, example);
      ok(await runDlm(["compile", path.join(repoRoot, "dsl-examples", `${example}.dlm`), "--target", "pytorch", "-o", dir]), "dlm compile");
      const common = ["--batch", "64", "--max-steps", String(steps), "--seed", "1", "--device", "cpu", "--quiet"];
      const start = path.join(tmp.dir, `${example}.start.safetensors`);
      const one = path.join(tmp.dir, `${example}.one.safetensors`);
      const two = path.join(tmp.dir, `${example}.two.safetensors`);
      ok(await runPython(["train.py", ...common, "--save", one], { cwd: dir }), "python3 train.py");
      const r = ok(
        await runPython(
          ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", ...launcherStd, "train.py", ...common, "--save", two],
          {
            cwd: dir,
          },
        ),
        "torchrun",
      );
      expect(r.stderr).not.toMatch(/Traceback/);
      const diffs = differences(weights(two), weights(one));
      const worst = Math.max(...diffs.map((d) => d.max));
      console.log(`${example}: ${steps} steps, two processes against one: max |Δ| ${worst.toExponential(2)}`);
      expect(worst, `max |Δ| ${worst}`).toBeLessThanOrEqual(1e-5);
      expect(loadSafetensors(two).metadata.global_step).toBe(String(steps));
      // Training moved the weights (the runs are not two copies of the initial ones).
      ok(
        await runPython(
          ["train.py", ...common.slice(0, 2), "--max-steps", "0", "--seed", "1", "--device", "cpu", "--quiet", "--save", start],
          { cwd: dir },
        ),
        "train.py",
      );
      expect(Math.max(...differences(weights(one), weights(start)).map((d) => d.rel))).toBeGreaterThan(1e-3);
    });
  }
});
