// Character data (runtime/data/chars.ts): the Brown text rebuilt from the tagged corpus, the
// vocabulary (83 ids), windows and their targets, the fixed test windows, text files, and a
// character model trained on them end to end (deterministic, resumable, the test loss over
// exactly the test windows).
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { writeFileSync } from "node:fs";
import {
  brownCharVocab,
  brownFileText,
  brownText,
  buildCharVocab,
  charData,
  decodeChars,
  decodeUtf8,
  encodeChars,
  firstInvalidUtf8,
  splitText,
  testWindowStarts,
  UNK_CHAR,
} from "../../runtime/data/chars.js";
import { loadChars } from "../../runtime/data/chars-load.js";
import { fillBatch, splitValidation } from "../../runtime/dataset.js";
import { evaluateOn, train } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { loadTrainer } from "../helpers/trainer.js";
import { tempDir } from "../helpers/spawn.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe("the Brown corpus as text", () => {
  it("drops the tags, keeps case, joins words by spaces and ends each sentence with a newline", () => {
    const file = "\n\n\tThe/at Fulton/np-tl County/nn-tl said/vbd ./.\n\n\n\tA/at b/c/nn ''/''\n";
    expect(brownFileText(file, "ca01")).toBe("The Fulton County said .\nA b/c ''\n");
    expect(() => brownFileText("The/at jury\n", "ca01")).toThrow(/ca01: line 1: expected tokens word\/tag, found "jury"/);
  });

  it("is the training files' sentences, then the test files': 5,511,587 and 615,487 characters", () => {
    const t = brownText();
    expect(t.train.length).toBe(5_511_587);
    expect(t.test.length).toBe(615_487);
    expect(t.train.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election")).toBe(true);
    expect(t.train.endsWith("\n")).toBe(true);
    expect(t.train.includes("  ")).toBe(false);
    expect(t.train.includes("/")).toBe(true); // words that hold a slash keep it
  });

  it("has 83 ids: <unk> and the 82 characters seen at least 10 times in training, in code-point order", () => {
    const v = brownCharVocab();
    expect(v.length).toBe(83);
    expect(v[0]).toBe(UNK_CHAR);
    expect(v.slice(1, 4)).toEqual(["\n", " ", "!"]);
    for (let i = 2; i < v.length; i++) expect(v[i].codePointAt(0)!).toBeGreaterThan(v[i - 1].codePointAt(0)!);
    // seen fewer than 10 times: + (1), [ and ] (2 each)
    for (const rare of ["+", "[", "]"]) expect(v).not.toContain(rare);
    expect(v).toContain("{"); // 16 times
  });
});

describe("vocabulary and ids", () => {
  it("keeps characters counted at least 10 times in the training text; the rest are <unk> (id 0)", () => {
    const train = "a".repeat(10) + "b".repeat(9) + "é".repeat(12) + "😀".repeat(10);
    const v = buildCharVocab(train);
    expect(v).toEqual([UNK_CHAR, "a", "é", "😀"]);
    expect(Array.from(encodeChars("ab😀éz", v))).toEqual([1, 0, 3, 2, 0]);
    expect(decodeChars([1, 0, 3, 2], v)).toBe("a\ufffd😀é");
  });

  it("splits a text file's last 10% of characters (code points) off as the test text", () => {
    const s = splitText("0123456789é123456789");
    expect(s.train).toBe("0123456789é1234567"); // 20 characters (22 bytes): 2 are test
    expect(s.test).toBe("89");
  });

  it("finds the first byte that is not UTF-8", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(firstInvalidUtf8(enc("plain é 😀 text"))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x0a, 0x62, 0xe9, 0x74]))).toBe(3); // Latin-1 é
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe(1); // cut short
    expect(() => decodeUtf8(Uint8Array.from([0x61, 0x0a, 0x62, 0xe9, 0x74]), "f.txt")).toThrow(
      /f\.txt: is not UTF-8 text: byte 0xe9 at offset 3 \(line 2\) does not decode/,
    );
  });
});

describe("windows", () => {
  // ids 1..9 repeated: a window's targets are the ids one position on
  const text = { train: "abcdefghi".repeat(20), test: "abcdefghi".repeat(4) };

  it("yield ids and the next id at every position (targets=all)", () => {
    const d = charData(text, { context: 4, targets: "all", testWindows: 5, oneHot: false }, "mem");
    expect(d.vocab.length).toBe(10);
    expect(d.train.n).toBe(180 - 4);
    const x = new Float32Array(2 * 4);
    const y = new Int32Array(2 * 4);
    const n = fillBatch(d.train, Uint32Array.from([7, 0]), 0, 2, x, y);
    expect(n).toBe(2);
    expect(Array.from(x)).toEqual([8, 9, 1, 2, 1, 2, 3, 4]);
    expect(Array.from(y)).toEqual([9, 1, 2, 3, 2, 3, 4, 5]);
  });

  it("yield one-hot rows and only the character after the window (targets=last); a partial batch is zero past its rows", () => {
    const d = charData(text, { context: 3, targets: "last", testWindows: 5, oneHot: true }, "mem");
    expect(d.train.xShape).toEqual([3, 10]);
    expect(d.train.yShape).toEqual([]);
    const x = new Float32Array(2 * 30).fill(7);
    const y = new Int32Array(2).fill(7);
    expect(d.train.n).toBe(177); // odd: the last batch of 2 holds the last window only
    const n = fillBatch(d.train, null, 88, 2, x, y);
    expect(n).toBe(1);
    const s = d.train.n - 1; // the last window: ids of positions s, s+1, s+2, target s+3 (the text's last character)
    const ids = d.trainIds;
    expect(ids[s + 3]).toBe(9);
    for (let t = 0; t < 3; t++) for (let k = 0; k < 10; k++) expect(x[t * 10 + k]).toBe(k === ids[s + t] ? 1 : 0);
    expect(Array.from(x.subarray(30))).toEqual(new Array(30).fill(0));
    expect(Array.from(y)).toEqual([9, 0]);
  });

  it("of the test split lie at positions of a fixed seed of their own, the same for every run", () => {
    const a = testWindowStarts(1000, 16, 50);
    expect(Array.from(testWindowStarts(1000, 16, 50))).toEqual(Array.from(a));
    expect(Math.max(...a)).toBeLessThan(1000 - 16);
    expect(new Set(a).size).toBeGreaterThan(40);
    const d = charData(text, { context: 4, targets: "all", testWindows: 5, oneHot: false }, "mem");
    expect(d.test.n).toBe(5);
    expect(Array.from(d.test.windows!.starts!)).toEqual(Array.from(testWindowStarts(36, 4, 5)));
  });

  it("split off a validation tail by position", () => {
    const d = charData(text, { context: 4, targets: "last", testWindows: 5, oneHot: false }, "mem");
    const { train: tr, validation } = splitValidation(d.train, 0.25);
    expect(tr.n + validation.n).toBe(d.train.n);
    const x = new Float32Array(4);
    const y = new Int32Array(1);
    fillBatch(validation, null, 0, 1, x, y);
    expect(Array.from(x)).toEqual(Array.from(d.trainIds.subarray(tr.n, tr.n + 4)));
  });

  it("refuse a text too short for one window", () => {
    expect(() =>
      charData({ train: "abc", test: "abcdef" }, { context: 4, targets: "all", testWindows: 1, oneHot: false }, "t.txt"),
    ).toThrow(/has 3 characters, too few for one window of context 4/);
  });
});

// A small character model on a text file: the same ids, windows and test loss as the Brown source.
const words = ["the ", "cat ", "sat ", "on ", "a ", "mat ", "and ", "dog ", "ran.\n"];
const story = Array.from({ length: 600 }, (_, i) => words[(i * 7 + (i >> 3)) % words.length]).join("");
const file = path.join(tmp.dir, "story.txt");
writeFileSync(file, story);
const program = (ctx: number, extra = "") => `model m(t: i32[B, ${ctx}]) {
  t |> embedding(16, 8) |> lstm(16, return_sequences=true) |> dense(16)
}
train m {
  data      text(${JSON.stringify(file)}, context=${ctx}, test_windows=20)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-2)
  batch     8
  ${extra}
}
`;

describe("a character model on a text file", () => {
  it("trains deterministically, and resuming gives the same weights as one run", async () => {
    const mod = await loadTrainer(program(12));
    const vocab = buildCharVocab(splitText(story).train);
    expect(vocab.length).toBe(16); // <unk>, \n, space, ., and 12 letters
    const once = train(mod, { quiet: true, maxSteps: 6 });
    const again = train(mod, { quiet: true, maxSteps: 6 });
    expect(Array.from(again.trainer.params)).toEqual(Array.from(once.trainer.params));
    expect(once.test!.samples).toBe(20);
    const ck = path.join(tmp.dir, "m.safetensors");
    train(mod, { quiet: true, maxSteps: 3, save: ck });
    expect(JSON.parse(loadSafetensors(ck).metadata.vocab_chars)).toEqual(vocab);
    const resumed = train(mod, { quiet: true, maxSteps: 6, resume: ck });
    expect(Array.from(resumed.trainer.params)).toEqual(Array.from(once.trainer.params));
    const other = train(mod, { quiet: true, maxSteps: 6, seed: 5 });
    expect(Array.from(other.trainer.params)).not.toEqual(Array.from(once.trainer.params));
  });

  it("reports the test loss as the mean per-character cross-entropy over exactly the test windows, whatever the batch", async () => {
    const mod = await loadTrainer(program(12));
    const r = train(mod, { quiet: true, maxSteps: 4 });
    const loaded = loadChars(
      { kind: "chars", file, context: 12, targets: "all", testWindows: 20, vocabSize: null },
      false,
      mod.program.inputs[0],
      mod.program.inputs[1],
      { baseDir: tmp.dir },
    );
    expect(loaded.test!.n).toBe(20);
    const whole = evaluateOn(mod, r.trainer, loaded.test!, 8);
    expect(whole.loss).toBeCloseTo(r.test!.loss, 6);
    // Each window alone: the mean of their losses is the same number.
    let sum = 0;
    for (let k = 0; k < 20; k++) {
      const one = {
        ...loaded.test!,
        n: 1,
        windows: { ...loaded.test!.windows!, starts: loaded.test!.windows!.starts!.subarray(k, k + 1) },
      };
      sum += evaluateOn(mod, r.trainer, one, 8).loss;
    }
    expect(sum / 20).toBeCloseTo(r.test!.loss, 5);
  });

  it("refuses a model whose classes are not the vocabulary's size", async () => {
    const mod = await loadTrainer(program(12).replace("dense(16)", "dense(20)"));
    expect(() => train(mod, { quiet: true, maxSteps: 1 })).toThrow(
      /takes ids 0\.\.19, but the character vocabulary has 16 entries: use 16/,
    );
  });
});
