// Test helpers: a fresh temporary folder per call (removed by the caller's afterAll).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "dlm-runtime-"));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export function moments(xs: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length) };
}
