// The programs of tests/programs/warn compile with warnings: for each NAME.dlm, what
// `dlm check` prints on stderr must equal NAME.expected byte for byte, the exit status
// must be 0 with the summary on stdout, and the codes reported must be the ones listed
// below. `--format json` reports them with "severity": "warning" and ok: true; `compile`
// and `train` print them and go on.
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli.js";
import { frontEnd } from "../../compiler/compile.js";
import { expectGolden } from "../helpers/golden.js";
import { runDlm } from "../helpers/spawn.js";

const dir = "tests/programs/warn";

const expectedCodes: Record<string, string[]> = {
  "crossentropy-on-linear": ["DL4005"],
  "from-logits-after-softmax": ["DL4004"],
  "dp-delta": ["DL4009"],
};

function sink(): NodeJS.WritableStream & { text: string } {
  const s = {
    text: "",
    write(chunk: string | Uint8Array): boolean {
      s.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
      return true;
    },
  };
  return s as unknown as NodeJS.WritableStream & { text: string };
}

async function dlm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(args, out, err);
  return { code, stdout: out.text, stderr: err.text };
}

const programs = readdirSync(dir)
  .filter((f) => f.endsWith(".dlm"))
  .map((f) => f.slice(0, -".dlm".length))
  .sort();

describe("programs with warnings (tests/programs/warn)", () => {
  it("has a golden and a code list for every program", () => {
    expect(programs).toEqual(Object.keys(expectedCodes).sort());
    for (const p of programs) expect(existsSync(`${dir}/${p}.expected`), p).toBe(true);
  });

  it.each(programs)("%s: dlm check prints the warnings and the summary, exit 0", async (name) => {
    const file = `${dir}/${name}.dlm`;
    const r = await dlm("check", file);
    expectGolden(`${dir}/${name}.expected`, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Total params");
    const headers = [...r.stderr.matchAll(/^(\S+):(\d+):(\d+): warning (DL\d{4}): /gm)];
    expect(headers.map((m) => m[4])).toEqual(expectedCodes[name]);
    expect(r.stderr).not.toMatch(/: error DL/);
    expect(r.stderr).toMatch(new RegExp(`\\n${headers.length} warnings? in ${file}\\n$`));
  });

  it.each(programs)("%s: the front end gives the typed IR and warnings only", (name) => {
    const r = frontEnd(`${dir}/${name}.dlm`, readFileSync(`${dir}/${name}.dlm`));
    expect(r.ir).toBeDefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(expectedCodes[name]);
    for (const d of r.diagnostics) expect(d.severity).toBe("warning");
  });

  it("--format json: ok, exit 0, severity warning at the loss call", async () => {
    const r = await dlm("check", "--format", "json", `${dir}/crossentropy-on-linear.dlm`);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ ok: true, count: 1 });
    expect(j.diagnostics[0]).toMatchObject({
      code: "DL4005",
      severity: "warning",
      location: { start: { line: 9, column: 43 }, end: { line: 9, column: 86 } },
    });
  });

  it("colours a warning yellow, not red", async () => {
    const out = sink();
    const err = Object.assign(sink(), { isTTY: true });
    const before = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      expect(await main(["check", `${dir}/from-logits-after-softmax.dlm`], out, err)).toBe(0);
    } finally {
      if (before !== undefined) process.env.NO_COLOR = before;
    }
    expect(err.text).toContain("\x1b[33;1mwarning DL4004");
    expect(err.text).not.toContain("\x1b[31;1m");
  });

  it("dlm compile (bin/dlm.js) prints the warning and writes the trainer, exit 0", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "dlm-warn-"));
    try {
      const r = await runDlm(["compile", `${dir}/from-logits-after-softmax.dlm`, "-o", out, "--backend", "ts"]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^tests\/programs\/warn\/from-logits-after-softmax\.dlm:8:13: warning DL4004: /);
      expect(existsSync(path.join(out, "classifier.js"))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  it("dlm train prints the warning before it trains", async () => {
    // No MNIST files in an empty folder: the warning comes first, then the trainer's data error.
    const data = mkdtempSync(path.join(tmpdir(), "dlm-warn-data-"));
    try {
      const r = await dlm("train", `${dir}/crossentropy-on-linear.dlm`, "--backend", "ts", "--data", data, "--quiet");
      expect(r.stderr).toMatch(/^tests\/programs\/warn\/crossentropy-on-linear\.dlm:9:43: warning DL4005: /);
      expect(r.stderr).toContain("1 warning in tests/programs/warn/crossentropy-on-linear.dlm\n");
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});
