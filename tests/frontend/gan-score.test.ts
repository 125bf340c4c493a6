// What `npm run gan:score -- --program FILE` needs of a program (compiler/gan-generator.ts):
// a model `generator` that the train block trains or calls, [B, 100] noise in, 784 values
// in [−1, 1] out. Each program of tests/programs/score/ breaks that; the rendering of its
// DL4007 reports is the golden NAME.expected beside it. The GANs of dsl-examples pass, and
// the script itself reports a bad program before training anything (exit code 1).
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { frontEnd } from "../../compiler/compile.js";
import { generatorProblems } from "../../compiler/gan-generator.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { expectGolden } from "../helpers/golden.js";
import { repoRoot, runNode } from "../helpers/spawn.js";

const dir = path.join(repoRoot, "tests/programs/score");
const programs = readdirSync(dir).filter((f) => f.endsWith(".dlm"));

function problems(file: string) {
  const rel = path.relative(repoRoot, file);
  const front = frontEnd(rel, readFileSync(file));
  expect(front.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return { front, problems: generatorProblems(front) };
}

describe("gan:score --program: the generator a program must have", () => {
  it("has the programs it should", () => {
    expect(programs.sort()).toEqual(["generator-noise.dlm", "generator-output.dlm", "no-generator.dlm"]);
  });

  for (const name of programs)
    it(`${name}: located DL4007 reports`, () => {
      const r = problems(path.join(dir, name));
      expect(r.problems.length).toBeGreaterThan(0);
      expect(r.problems.every((d) => d.code === "DL4007" && d.severity === "error")).toBe(true);
      expectGolden(path.join(dir, name.replace(/\.dlm$/, ".expected")), renderDiagnostics(r.front.source, r.problems) + "\n");
    });

  it("the GANs of dsl-examples can be scored", () => {
    for (const f of ["gan.dlm", "gan_stabilized.dlm", "dcgan.dlm", "dcgan_small.dlm"])
      expect(problems(path.join(repoRoot, "dsl-examples", f)).problems, f).toEqual([]);
  });

  it("the script prints the reports and exits 1 before it trains anything", async () => {
    const file = "tests/programs/score/generator-output.dlm";
    const r = await runNode(["scripts/gan-score.mjs", "--program", file, "--epochs", "1"], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(readFileSync(path.join(repoRoot, file.replace(/\.dlm$/, ".expected")), "utf8"));
  });

  it("a usage mistake is one line and the usage, exit code 2, no stack trace", async () => {
    for (const [args, said] of [
      [["--bogus"], "gan:score: Unknown option '--bogus'"],
      [["--epochs", "0"], "gan:score: --epochs takes a positive integer, not '0'"],
      [["--backend", "gpu"], "gan:score: --backend takes wasm or ts, not 'gpu'"],
    ] as const) {
      const r = await runNode(["scripts/gan-score.mjs", ...args], { timeoutMs: 60_000 });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0]).toBe(said);
      expect(r.stderr).toMatch(/^usage: npm run gan:score -- /m);
      expect(r.stderr).not.toMatch(/\bat /);
    }
  });
});
