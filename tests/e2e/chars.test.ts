// The character models' targets (brown.chars, its 100 or 12,800 fixed test windows) through
// `dlm train` as a user runs it; then `dlm sample` from the trained transformer. Slow:
// `npm run test:e2e` runs these, `npm test` does not. PyTorch on the same programs and
// settings, seed 1: the transformer 1.710 at step 1,000; the LSTM 2.25 at step 2,000.
import { afterAll, expect, test } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = fileURLToPath(new URL("../../", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "dlm-chars-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dlm(...args: string[]): string {
  const r = spawnSync(process.execPath, ["bin/dlm.js", ...args], { cwd: root, encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

function testLoss(stdout: string): number {
  const m = /^test loss (\d+\.\d{4})$/m.exec(stdout);
  expect(m, stdout).not.toBeNull();
  return Number(m![1]);
}

const checkpoint = join(tmp, "char_transformer.safetensors");

test("the character transformer reaches test loss ≤ 1.80 after 1,000 steps (seed 1)", () => {
  const out = dlm("train", "dsl-examples/char_transformer.dlm", "--quiet", "--max-steps", "1000", "--seed", "1", "--save", checkpoint);
  console.log(`char_transformer seed 1, 1,000 steps: ${out.trim()}`);
  expect(testLoss(out)).toBeLessThanOrEqual(1.8);
});

test("dlm sample writes 400 characters from the trained transformer, the same for the same seed", () => {
  const args = [
    "sample",
    "dsl-examples/char_transformer.dlm",
    "--checkpoint",
    checkpoint,
    "--prompt",
    "The ",
    "--length",
    "400",
    "--seed",
    "1",
  ];
  const a = dlm(...args);
  console.log(`char_transformer sample:\n${a}`);
  expect(Array.from(a.replace(/\n$/, "")).length).toBe(4 + 400);
  expect(a.startsWith("The ")).toBe(true);
  expect(dlm(...args)).toBe(a);
});

test("the character LSTM reaches test loss ≤ 2.40 after 2,000 steps (seed 1)", () => {
  const out = dlm("train", "dsl-examples/char_lstm.dlm", "--quiet", "--max-steps", "2000", "--seed", "1");
  console.log(`char_lstm seed 1, 2,000 steps: ${out.trim()}`);
  expect(testLoss(out)).toBeLessThanOrEqual(2.4);
});
