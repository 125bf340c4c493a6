// Golden files: compare text produced by a test with a committed file, byte for byte.
// `UPDATE_GOLDEN=1 npx vitest run ...` rewrites the files that differ (and creates the
// missing ones) instead of failing; review every rewritten file by eye before committing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export const updatingGoldens = process.env.UPDATE_GOLDEN === "1";

/** Passes when `file` holds exactly `actual`; with UPDATE_GOLDEN=1, makes it so. */
export function expectGolden(file: string, actual: string): void {
  if (updatingGoldens) {
    if (!existsSync(file) || readFileSync(file, "utf8") !== actual) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, actual);
    }
    return;
  }
  if (!existsSync(file)) {
    throw new Error(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 to write it, then review it`);
  }
  expect(actual, `${file} differs from the output (UPDATE_GOLDEN=1 rewrites it; review the diff)`).toBe(readFileSync(file, "utf8"));
}
