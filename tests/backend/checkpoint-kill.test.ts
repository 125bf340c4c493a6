// The kill loop: a compiled trainer (the regression example on its CSV, two epochs of 50
// steps, a checkpoint every 7 steps) is killed with SIGKILL at seeded points, through the
// runtime's testing hook DLM_TEST_KILL_AT: right after a step (step:N), or inside a
// checkpoint write once the temp file is partly written (save:N). Each time it is resumed
// with --resume from whatever checkpoint survived (or started afresh when none did). The
// final checkpoint must be byte-identical to an uninterrupted run's, and no temp file may be
// left: the temp files of the killed writes are removed by the next save or resume.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { compileSource } from "../helpers/trainer.js";
import { toJavaScript } from "../../compiler/compile.js";
import { repoRoot, runNode, tempDir } from "../helpers/spawn.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { Rng } from "../../runtime/rng.js";

const tmp = tempDir("dlm-kill-");
const dir = (...parts: string[]) => path.join(tmp.dir, ...parts);
const csv = path.join(repoRoot, "dsl-examples/data/regression.csv");
const trainerFile = dir("regression.mjs");

/** One run of the trainer: 2 epochs, saving to `ck` every 7 steps, resuming from it when it exists. */
function trainTo(ck: string, kill?: string) {
  const resume = existsSync(ck) ? ["--resume", ck] : [];
  return runNode([trainerFile, "--data", csv, "--epochs", "2", "--save", ck, "--checkpoint-every", "7", "--quiet", ...resume], {
    cwd: tmp.dir,
    env: kill ? { DLM_TEST_KILL_AT: kill } : {},
    timeoutMs: 30_000,
  });
}

const temps = (folder: string) => readdirSync(folder).filter((n) => n.includes(".tmp-"));

beforeAll(async () => {
  const compiled = await compileSource(
    readFileSync(path.join(repoRoot, "dsl-examples/regression.dlm"), "utf8"),
    "regression.dlm",
    undefined,
    false,
  );
  writeFileSync(trainerFile, await toJavaScript(compiled.ts, "regression.ts"));
  mkdirSync(dir("whole"));
  mkdirSync(dir("killed"));
}, 60_000);
afterAll(() => tmp.cleanup());

describe("a run killed again and again", () => {
  it("resumes each time and ends with the uninterrupted run's checkpoint, byte for byte, and no temp file", async () => {
    const whole = dir("whole", "ck.safetensors");
    const base = await trainTo(whole);
    expect(base.stderr).toBe("");
    expect(base.code).toBe(0);
    expect(loadSafetensors(whole).metadata.global_step).toBe("100"); // 1,600 training rows at batch 32, 2 epochs

    const ck = dir("killed", "ck.safetensors");
    const rng = new Rng(2024);
    const log: string[] = [];
    let saveKillsLeavingTemp = 0;
    for (let round = 0; round < 8; round++) {
      const at = existsSync(ck) ? Number(loadSafetensors(ck).metadata.global_step) : 0;
      // Seeded points that cross the epoch boundary (step 50) and fall before the run could finish.
      const kill = round % 2 === 0 ? `step:${at + 1 + rng.below(20)}` : `save:${1 + rng.below(3)}`;
      const r = await trainTo(ck, kill);
      log.push(`from step ${at}, ${kill}: ${r.signal ?? r.code}`);
      expect(r.signal, `${log.join("; ")}\n${r.stderr}`).toBe("SIGKILL");
      if (kill.startsWith("save:")) {
        expect(temps(dir("killed")), log.join("; ")).toHaveLength(1); // the write that was killed
        saveKillsLeavingTemp++;
      }
    }
    expect(saveKillsLeavingTemp).toBe(4);
    const last = await trainTo(ck);
    expect(last.code, last.stderr).toBe(0);
    expect(temps(dir("killed"))).toEqual([]);
    expect(readFileSync(ck).equals(readFileSync(whole)), log.join("; ")).toBe(true);
  });
});
