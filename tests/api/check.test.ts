// The API's check() against the command line's `dlm check FILE --format json` on every bad
// program of tests/programs/bad (and the seed examples): the same object, field for field.
// The command runs in process through its main() (what bin/dlm.js calls) for all of them,
// and as a real `node bin/dlm.js` process for one, so the comparison is with what a user gets.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { check } from "../../compiler/api/index.js";
import { main } from "../../compiler/cli.js";
import { runNode } from "../helpers/spawn.js";

const bad = readdirSync("tests/programs/bad")
  .filter((f) => f.endsWith(".dlm"))
  .sort()
  .map((f) => `tests/programs/bad/${f}`);

/** A stream that keeps what is written to it. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(w, { text: () => chunks.join("") });
}

async function cliJson(file: string): Promise<{ json: unknown; code: number }> {
  const out = sink();
  const err = sink();
  const code = await main(["check", file, "--format", "json"], out, err);
  return { json: JSON.parse(out.text()), code };
}

beforeAll(() => {
  if (!existsSync("dist/compiler/cli.js")) execFileSync("npx", ["tsc", "-p", "."], { stdio: "inherit" });
}, 120_000);

describe("check()", () => {
  it("has bad programs to compare", () => {
    expect(bad.length).toBeGreaterThan(50);
  });

  it("equals `dlm check --format json` on every bad program", async () => {
    for (const file of bad) {
      const { json, code } = await cliJson(file);
      const report = check(readFileSync(file), { file });
      expect(report, file).toEqual(json);
      // ok is false exactly where the command exits 1 (a problem in the program).
      expect(report.ok, file).toBe(code === 0);
      if (!report.ok) expect(report.diagnostics.some((d) => d.severity === "error")).toBe(true);
    }
  });

  it("equals `dlm check --format json` on the seed examples (no errors)", async () => {
    for (const name of ["cnn", "rnn", "gan", "mlp", "regression"]) {
      const file = `dsl-examples/${name}.dlm`;
      const report = check(readFileSync(file, "utf8"), { file });
      expect(report).toEqual((await cliJson(file)).json);
      expect(report.ok).toBe(true);
    }
  });

  it("equals the JSON of the real command", async () => {
    const files = ["tests/programs/bad/unknown-layer.dlm"];
    const runs = await Promise.all(files.map((f) => runNode(["bin/dlm.js", "check", f, "--format", "json"])));
    runs.forEach((r, i) => {
      expect(r.code).toBe(1);
      expect(check(readFileSync(files[i]), { file: files[i] })).toEqual(JSON.parse(r.stdout));
    });
  });

  it("takes text and bytes alike, and names the file it is given", () => {
    const text = "model m(x: [B, 4]) {\n  x |> dense2d(3)\n}\n";
    const a = check(text, { file: "a/b.dlm" });
    expect(a).toEqual(check(new TextEncoder().encode(text), { file: "a/b.dlm" }));
    expect(a.ok).toBe(false);
    expect(a.file).toBe("a/b.dlm");
    expect(a.diagnostics[0]).toMatchObject({ code: "DL2001", location: { file: "a/b.dlm", start: { line: 2, column: 8 } } });
    expect(check(text).file).toBe("input.dlm");
  });
});
