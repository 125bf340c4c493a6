import { describe, expect, it } from "vitest";
import { DataError, displayPath } from "../../runtime/errors.js";

describe("errors", () => {
  it("names files relative to the working directory when under it, else as given", () => {
    expect(displayPath(`${process.cwd()}/data/x.csv`)).toBe("data/x.csv");
    expect(displayPath("../elsewhere/x.csv")).toBe("../elsewhere/x.csv");
    expect(displayPath("/abs/x.csv")).toBe("/abs/x.csv");
    const e = new DataError("expected a thing, found another", `${process.cwd()}/a.npy`);
    expect(e.message).toBe("a.npy: expected a thing, found another");
    expect(e.detail).toBe("expected a thing, found another");
    expect(new DataError("no file").message).toBe("no file");
  });
});
