// `dlm sample` (compiler/sample.ts): text from a character model trained for a few steps on a
// small text file (deterministic for a seed, the prompt kept, the characters from the
// checkpoint), the temperature and draw helpers, a GAN's PNG grid from seeded noise, and the
// located DL4011 of a classifier (golden: tests/programs/sample/classifier.expected).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { draw, temperatureProbs } from "../../compiler/sample.js";
import { Rng } from "../../runtime/rng.js";
import { buildCharVocab, splitText } from "../../runtime/data/chars.js";
import { runDlm, tempDir } from "../helpers/spawn.js";
import { smallMnist } from "../helpers/export.js";
import { expectGolden } from "../helpers/golden.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** `dlm ARGS` as a user runs it (bin/dlm.js on the built compiler). */
const dlm = (...args: string[]) => runDlm(args, { timeoutMs: 240_000 });

const words = ["the ", "cat ", "sat ", "on ", "a ", "mat ", "and ", "dog ", "ran.\n"];
const story = Array.from({ length: 600 }, (_, i) => words[(i * 7 + (i >> 3)) % words.length]).join("");
const vocab = buildCharVocab(splitText(story).train);
const program = (targets: "all" | "last") =>
  targets === "all"
    ? `model m(t: i32[B, 12]) {
  t |> embedding(16, 8) |> lstm(16, return_sequences=true) |> dense(16)
}
train m {
  data      text("story.txt", context=12, test_windows=20)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-2)
  batch     8
}
`
    : `model m(t: [B, 12, 16]) {
  t |> lstm(16) |> dense(16, activation=softmax)
}
train m {
  data      text("story.txt", context=12, targets=last, test_windows=20, one_hot=true)
  loss      sparse_categorical_crossentropy
  optimizer adam(lr=1e-2)
  batch     8
  epochs    3
}
`;

beforeAll(async () => {
  writeFileSync(path.join(tmp.dir, "story.txt"), story);
  for (const t of ["all", "last"] as const) {
    writeFileSync(path.join(tmp.dir, `${t}.dlm`), program(t));
    const r = await dlm(
      "train",
      path.join(tmp.dir, `${t}.dlm`),
      "--quiet",
      "--max-steps",
      t === "all" ? "200" : "600", // one target per window learns slower than one per position
      "--save",
      path.join(tmp.dir, `${t}.safetensors`),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  }
}, 120_000);

describe("dlm sample of a character model", () => {
  for (const t of ["all", "last"] as const) {
    it(`continues the prompt with --length characters of the vocabulary, the same for the same seed (targets=${t})`, async () => {
      const args = ["sample", path.join(tmp.dir, `${t}.dlm`), "--checkpoint", path.join(tmp.dir, `${t}.safetensors`), "--length", "80"];
      const a = await dlm(...args, "--prompt", "the cat ", "--seed", "3");
      expect(a.stderr).toBe("");
      expect(a.code).toBe(0);
      expect(a.stdout.startsWith("the cat ")).toBe(true);
      const text = a.stdout.slice(0, -1);
      expect(Array.from(text).length).toBe(8 + 80);
      for (const c of text) expect(vocab).toContain(c);
      expect((await dlm(...args, "--prompt", "the cat ", "--seed", "3")).stdout).toBe(a.stdout);
      expect((await dlm(...args, "--prompt", "the cat ", "--seed", "4")).stdout).not.toBe(a.stdout);
      // Trained on a text of nine words: at a low temperature, it writes its words.
      const cold = await dlm(...args, "--prompt", "the ", "--temperature", "0.2");
      const made = cold.stdout.split(/[ \n.]+/).filter((w) => w !== "");
      expect(made.filter((w) => words.some((x) => x.startsWith(w))).length / made.length).toBeGreaterThan(0.9);
    });
  }

  it("refuses a temperature that is not > 0 and -o for text", async () => {
    const args = ["sample", path.join(tmp.dir, "all.dlm"), "--checkpoint", path.join(tmp.dir, "all.safetensors")];
    expect((await dlm(...args, "--temperature", "0")).stderr).toMatch(/--temperature must be a number > 0, not '0'/);
    expect((await dlm(...args, "-o", "x.png")).code).toBe(2);
  });
});

describe("temperature and draws", () => {
  it("divides the logits by the temperature before the softmax; probabilities are read as their logarithms", () => {
    const p = temperatureProbs(Float32Array.from([0, Math.log(3)]), false, 1);
    expect(p[0]).toBeCloseTo(0.25, 7);
    const sharp = temperatureProbs(Float32Array.from([0.25, 0.75]), true, 0.5);
    expect(sharp[1]).toBeCloseTo(9 / 10, 6);
  });

  it("draws each index with its probability", () => {
    const rng = new Rng(7);
    const p = Float64Array.from([0.1, 0.6, 0.3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[draw(p, rng)]++;
    expect(counts.map((c) => c / 20000).map((f, i) => Math.abs(f - p[i]) < 0.015)).toEqual([true, true, true]);
  });
});

describe("dlm sample of a GAN and of a classifier", () => {
  it("writes the generator's 8 × 8 grid from seeded noise", async () => {
    const file = "tests/programs/sample/gan.dlm";
    const ck = path.join(tmp.dir, "gan.safetensors");
    const mnist = path.join(tmp.dir, "mnist");
    mkdirSync(mnist);
    smallMnist(mnist, 64, 16);
    expect((await dlm("train", file, "--quiet", "--max-steps", "2", "--data", mnist, "--save", ck)).code).toBe(0);
    const a = path.join(tmp.dir, "a.png");
    const r = await dlm("sample", file, "--checkpoint", ck, "--seed", "2", "-o", a);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`wrote ${a}: 64 images of \`generator\` from noise of seed 2\n`);
    const png = readFileSync(a);
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    expect(png.readUInt32BE(16)).toBe(8 * 30 + 2); // width: 8 images of 28 pixels and their 2-pixel borders
    const b = path.join(tmp.dir, "b.png");
    await dlm("sample", file, "--checkpoint", ck, "--seed", "2", "-o", b);
    expect(readFileSync(b).equals(png)).toBe(true);
    expect((await dlm("sample", file, "--checkpoint", ck)).code).toBe(2); // no -o
  });

  it("is a located DL4011 for a classifier", async () => {
    const r = await dlm("sample", "tests/programs/sample/classifier.dlm", "--checkpoint", "none.safetensors");
    expect(r.code).toBe(1);
    expectGolden("tests/programs/sample/classifier.expected", r.stderr);
  });
});
