import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { csvColumns, readCsv } from "../../runtime/data/csv.js";
import { DataError } from "../../runtime/errors.js";
import { removeDir, tmpDir } from "./helpers.js";

const dir = tmpDir();
afterAll(() => removeDir(dir));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

function errorMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as DataError).message;
  }
  throw new Error("expected a DataError");
}

describe("readCsv", () => {
  it("reads a numeric table with a header, CRLF, quotes and blank lines", () => {
    const file = write("ok.csv", '\ufeffx1,"x2",y\r\n0.5,-1,2e-3\r\n\r\n1,2,3\r\n');
    const t = readCsv(file);
    expect(t.columns).toEqual(["x1", "x2", "y"]);
    expect(t.rows).toBe(2);
    expect(Array.from(t.data)).toEqual([0.5, -1, 0.002, 1, 2, 3]);
    expect(Array.from(csvColumns(t, ["y", "x1"]))).toEqual([Math.fround(0.002), 0.5, 3, 1]);
    expect(errorMessage(() => csvColumns(t, ["z"], file))).toMatch(/expected a column 'z', found columns x1, x2, y/);
  });

  it("names the line and field counts of a ragged row", () => {
    const file = write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
    expect(errorMessage(() => readCsv(file))).toMatch(/ragged\.csv: line 3: expected 3 fields \(a, b, c\), found 2/);
  });

  it("names the line and column of a non-numeric cell", () => {
    const file = write("text.csv", "a,b\n1,2\n3,oops\n");
    expect(errorMessage(() => readCsv(file))).toMatch(/text\.csv: line 3, column 'b': expected a finite number, found 'oops'/);
    const empty = write("emptycell.csv", "a,b\n1,\n");
    expect(errorMessage(() => readCsv(empty))).toMatch(/line 2, column 'b': expected a finite number, found an empty cell/);
  });

  it("rejects an empty file, a header-only file and a missing header", () => {
    expect(errorMessage(() => readCsv(write("empty.csv", "")))).toMatch(/empty\.csv: empty file: expected a header row/);
    expect(errorMessage(() => readCsv(write("head.csv", "a,b\n")))).toMatch(/expected data rows after the header/);
    expect(errorMessage(() => readCsv(write("nohead.csv", "1,2\n3,4\n")))).toMatch(
      /expected a header row of column names, found the number '1'/,
    );
    expect(errorMessage(() => readCsv(path.join(dir, "gone.csv")))).toMatch(/gone\.csv: file not found/);
  });
});
