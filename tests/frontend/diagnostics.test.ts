// Rendered-golden tests for the bad programs of tests/programs/bad: for each NAME.dlm,
// what `dlm check` prints on stderr must equal NAME.expected byte for byte, the exit
// status must be 1, and the codes reported must be the ones listed below (in order).
// The command runs in-process (compiler/cli.ts `main`) with plain string sinks, so there
// is no colour, exactly as when stderr is piped. tests/frontend/cli.test.ts runs the
// same programs through a real process.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../compiler/cli.js";
import { frontEnd } from "../../compiler/compile.js";
import { expectGolden } from "../helpers/golden.js";

const dir = "tests/programs/bad";

/** Every bad program and the codes it must report, in the order they are reported. */
const expectedCodes: Record<string, string[]> = {
  "add-shapes": ["DL3003"],
  "integer-ids-into-dense": ["DL3016"],
  "mask-into-flatten": ["DL3017"],
  "mask-into-conv1d": ["DL3017"],
  "bidirectional-not-recurrent": ["DL2003"],
  "gru-reset-after": ["DL2008"],
  "attention-causal-not-sequence": ["DL3006"],
  "attention-key-value-lengths": ["DL3004"],
  "batched-matmul-broadcast": ["DL3004"],
  "position-embedding-length": ["DL3005"],
  "batchnorm-axis": ["DL3010", "DL3010"],
  "clip-bounds": ["DL2008"],
  "dp-microbatches-divide": ["DL2029"],
  "dp-gan": ["DL2029"],
  "dp-no-per-example-rule": ["DL4010"],
  "class-weight-count": ["DL3018"],
  "monitor-not-computed": ["DL2026"],
  "restore-without-validation": ["DL2026"],
  "plateau-with-schedule": ["DL2026"],
  "comments-only": ["DL1003"],
  "concat-axis-positional": ["DL3003"],
  "concat-batch-axis": ["DL3010"],
  "concat-one-tensor": ["DL2004"],
  "concat-shapes": ["DL3003"],
  "conv2d-rank2": ["DL3006"],
  "conv-transpose-output": ["DL3007"],
  "cropping-larger": ["DL3005"],
  "data-wrong-shape": ["DL3008"],
  "autoencode-labels": ["DL2017", "DL2017"],
  "deep-nesting": ["DL1007"],
  "dropout-rate": ["DL2008"],
  "duplicate-model": ["DL2006"],
  empty: ["DL1003"],
  "fractional-rounds-to-integer": ["DL2009"],
  "fractional-units": ["DL2009"],
  "int-too-large": ["DL2010"],
  "kernel-1e9": ["DL3005"],
  "kernel-larger": ["DL3005"],
  "layer-in-train": ["DL2020"],
  "let-rebinds": ["DL2006"],
  "loss-binary-vs-softmax": ["DL3002"],
  "loss-categorical-int-labels": ["DL3002"],
  "loss-not-scalar": ["DL3009", "DL3009"],
  "loss-sparse-label-smoothing": ["DL2002"],
  "gan-step-unrelated-model": ["DL4001"],
  "gan-stop-gradient-cuts": ["DL4002"],
  "gan-noise-shape": ["DL3001"],
  "gan-generator-output": ["DL3001", "DL3001"],
  "global-pool-rank": ["DL3006"],
  "gan-loss-not-scalar": ["DL3009"],
  "lstm-rank2": ["DL3006"],
  "matmul-shapes": ["DL3004"],
  "missing-arg": ["DL2004"],
  "model-call-shape": ["DL3001"],
  "negative-units": ["DL2008"],
  "not-utf8": ["DL1004"],
  "padding-form": ["DL2003"],
  "nul-byte": ["DL1005"],
  "number-underflows": ["DL2008"],
  "optimizer-clip-twice": ["DL2025"],
  "pool1d-larger": ["DL3005"],
  "pow-tensor-exponent": ["DL2003"],
  "self-call": ["DL2021"],
  "schedule-boundaries": ["DL2025"],
  "schedule-values": ["DL2025"],
  "setting-twice": ["DL2014"],
  "several-errors": ["DL2008", "DL2002", "DL2001", "DL2008", "DL2012", "DL2009"],
  "several-shape-errors": ["DL3003", "DL3006", "DL3005"],
  "slice-out-of-range": ["DL3013"],
  "split-names": ["DL2024", "DL2024", "DL2024", "DL2024"],
  "split-unequal": ["DL3014"],
  "step-no-params": ["DL2015"],
  "step-not-model": ["DL2015", "DL2015"],
  "syntax-several": ["DL1001", "DL1001", "DL1001"],
  "too-many-args": ["DL2004"],
  "too-many-digits": ["DL2011"],
  "transpose-perm": ["DL3015"],
  "undefined-name": ["DL2007"],
  "unknown-activation": ["DL2001"],
  "unknown-layer": ["DL2001"],
  "unknown-option": ["DL2002"],
  "unknown-setting": ["DL2012"],
  "unterminated-string": ["DL1006", "DL1001"],
  "wrong-arg-type": ["DL2003"],
  "zero-units": ["DL2008"],
  "init-not-safetensors": ["DL2027"],
  "init-no-match": ["DL2027"],
  "init-shape-mismatch": ["DL2027"],
  "freeze-unknown-layer": ["DL2028"],
  "freeze-everything": ["DL2028"],
  "text-not-utf8": ["DL2017"],
  "brown-chars-member": ["DL2017"],
};

/** A stand-in for process.stdout/stderr that keeps what is written (and is not a TTY). */
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

async function check(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(["check", file], out, err);
  return { code, stdout: out.text, stderr: err.text };
}

const programs = readdirSync(dir)
  .filter((f) => f.endsWith(".dlm"))
  .map((f) => f.slice(0, -".dlm".length))
  .sort();

describe("bad programs (tests/programs/bad)", () => {
  it("has a golden and a code list for every program, and nothing else", () => {
    expect(programs.length).toBeGreaterThanOrEqual(30);
    expect(programs).toEqual(Object.keys(expectedCodes).sort());
    const goldens = readdirSync(dir)
      .filter((f) => f.endsWith(".expected"))
      .map((f) => f.slice(0, -".expected".length))
      .sort();
    expect(goldens).toEqual(programs);
  });

  it.each(programs)("%s", async (name) => {
    const file = `${dir}/${name}.dlm`;
    const r = await check(file);
    expectGolden(`${dir}/${name}.expected`, r.stderr);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    // Every report starts with a located FILE:line:col: error DLxxxx line.
    const headers = [...r.stderr.matchAll(/^(\S+):(\d+):(\d+): error (DL\d{4}): /gm)];
    expect(headers.map((m) => m[4])).toEqual(expectedCodes[name]);
    for (const m of headers) expect(m[1]).toBe(file);
    expect(r.stderr).toMatch(new RegExp(`\\n${headers.length} errors? in ${file}\\n$`));
    expect(r.stderr).not.toMatch(/^ {4}at /m);
    expect(r.stderr).not.toContain("\x1b[");
  });
});

describe("diagnostics as data", () => {
  it.each(programs)("%s: spans lie within the file and codes are catalogued user errors", (name) => {
    const r = frontEnd(`${dir}/${name}.dlm`, readFileSync(`${dir}/${name}.dlm`));
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    for (const d of r.diagnostics) {
      expect(d.code).not.toMatch(/^DL9/);
      expect(d.severity).toBe("error");
      for (const s of [d.span, ...(d.notes ?? []).flatMap((n) => (n.span ? [n.span] : []))]) {
        expect(0 <= s.start && s.start <= s.end && s.end <= r.source.text.length).toBe(true);
      }
    }
  });

  it("locates a non-UTF-8 byte and a NUL byte at their line and column", () => {
    const at = (bytes: number[]) => {
      const r = frontEnd("x.dlm", Uint8Array.from(bytes));
      const d = r.diagnostics[0];
      const line = r.source.text.slice(0, d.span.start).split("\n").length;
      const column = d.span.start - r.source.text.lastIndexOf("\n", d.span.start - 1);
      return { code: d.code, line, column };
    };
    const ascii = (s: string) => [...Buffer.from(s, "utf8")];
    expect(at([...ascii("model m(x: [B, 4]) {\n  # caf"), 0xe9, ...ascii("\n}\n")])).toEqual({ code: "DL1004", line: 2, column: 8 });
    // A truncated multi-byte sequence at the very end, and a UTF-16 surrogate encoded in UTF-8.
    expect(at([...ascii("model"), 0xe2, 0x82])).toEqual({ code: "DL1004", line: 1, column: 6 });
    expect(at([...ascii("a\nb\n  "), 0xed, 0xa0, 0x80])).toEqual({ code: "DL1004", line: 3, column: 3 });
    // Valid multi-byte text before the bad byte counts as one column per UTF-16 unit.
    expect(at([...ascii("# é\n"), 0, ...ascii("model")])).toEqual({ code: "DL1005", line: 2, column: 1 });
    expect(at([0])).toEqual({ code: "DL1005", line: 1, column: 1 });
  });
});

describe("limits: absurd programs are user errors, not stack overflows", () => {
  const model = (body: string) => `model m(x: [B, 1]) {\n  ${body}\n}\n`;
  const cases: [string, string, string][] = [
    ["10,000 nested parentheses", model(`${"(".repeat(10_000)}x${")".repeat(10_000)}`), "DL1007"],
    ["10,000 nested lists", model(`x |> reshape(${"[".repeat(10_000)}1${"]".repeat(10_000)})`), "DL1007"],
    ["10,000 minus signs", model(`${"-".repeat(10_000)}x`), "DL1007"],
    ["a sum of 1,000 terms", model(`x${" + x".repeat(1000)}`), "DL1007"],
    ["a pipeline of 1,000 stages", model(`x${" |> relu".repeat(1000)}`), "DL1007"],
    ["1,000 calls of a call", model(`x${"()".repeat(1000)}`), "DL1007"],
    [
      "a chain of 1,001 models, each calling the next (at most 1,000)",
      Array.from({ length: 1001 }, (_, i) => `model m${i}(x: [B, 1]) { ${i < 1000 ? `m${i + 1}(x)` : "x |> dense(1)"} }`).join("\n"),
      "DL2022",
    ],
  ];
  it.each(cases)("%s", (_, text, code) => {
    const r = frontEnd("deep.dlm", new TextEncoder().encode(text));
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(new Set(r.diagnostics.map((d) => d.code))).toEqual(new Set([code]));
  });

  it("deep but reasonable programs compile", () => {
    const ok = [
      model(`${"(".repeat(50)}x${")".repeat(50)} |> dense(1)`),
      model(`x${" + x".repeat(200)} |> dense(1)`),
      model(`x${" |> relu".repeat(200)} |> dense(1)`),
      Array.from({ length: 90 }, (_, i) => `model m${i}(x: [B, 1]) { ${i < 89 ? `m${i + 1}(x)` : "x |> dense(1)"} }`).join("\n"),
      // 2,000 layers in one model: naming them (dense, dense_1, ...) stays linear.
      `model m(x: [B, 4]) {\n${Array.from({ length: 2000 }, (_, i) => `  let a${i} = ${i ? `a${i - 1}` : "x"} |> dense(4)`).join("\n")}\n  a1999\n}\n`,
    ];
    for (const text of ok) {
      const r = frontEnd("deep.dlm", new TextEncoder().encode(text));
      expect(r.diagnostics).toEqual([]);
    }
  });
});

describe("junk stays readable: at most 100 diagnostics shown, long lines cut", () => {
  /** Deterministic printable junk: `lines` lines of `width` characters (an LCG, not Math.random). */
  const junk = (lines: number, width: number): string => {
    let s = 1;
    const line = () =>
      Array.from({ length: width }, () => {
        s = (Math.imul(s, 1103515245) + 12345) >>> 0;
        return String.fromCharCode(32 + ((s >>> 16) % 95));
      }).join("");
    return Array.from({ length: lines }, line).join("\n") + "\n";
  };
  const run = async (args: string[], text: string) => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const d = mkdtempSync(path.join(os.tmpdir(), "dlm-junk-"));
    const file = path.join(d, "junk.dlm");
    writeFileSync(file, text);
    let out = "";
    let err = "";
    const code = await main(
      [...args, file],
      { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream,
      { write: (s: string) => ((err += s), true) } as unknown as NodeJS.WritableStream,
    );
    rmSync(d, { recursive: true, force: true });
    return { code, out, err, file };
  };

  it("text: the first 100 diagnostics, then `and N more errors (M errors in FILE)`", async () => {
    const text = junk(200, 80);
    const total = frontEnd("junk.dlm", new TextEncoder().encode(text)).diagnostics.length;
    expect(total).toBeGreaterThan(150);
    const r = await run(["check"], text);
    expect(r.code).toBe(1);
    expect(r.err.match(/^\S+:\d+:\d+: error DL\d{4}: /gm)).toHaveLength(100);
    expect(r.err.endsWith(`\n\nand ${total - 100} more errors (${total} errors in ${r.file})\n`)).toBe(true);
  });

  it("JSON: `count` holds every diagnostic found, `diagnostics` the first 100", async () => {
    const text = junk(200, 80);
    const r = await run(["check", "--format", "json"], text);
    const j = JSON.parse(r.out);
    expect(j.count).toBe(frontEnd("junk.dlm", new TextEncoder().encode(text)).diagnostics.length);
    expect(j.diagnostics).toHaveLength(100);
    expect(r.code).toBe(1);
  });

  it("a program with few errors shows them all, with the plain count", async () => {
    const r = await run(["check"], "model m(x: [B, 4]) {\n  x |> dense2d(3)\n}\n");
    expect(r.err.endsWith("\n\n1 error in " + r.file + "\n")).toBe(true);
  });

  it("a 100,000-character line is cut around the caret, with ellipses", async () => {
    const long = `model m(x: [B, 4]) {\n  x |> dense(3, name="${"a".repeat(50_000)}") |> dense2d(3) |> dense(1, name="${"b".repeat(50_000)}")\n}\n`;
    const r = await run(["check"], long);
    expect(r.code).toBe(1);
    const lines = r.err.split("\n");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(210);
    const at = lines.findIndex((l) => l.includes("dense2d(3)"));
    expect(lines[at]).toMatch(/^2 \| …a+"\) \|> dense2d\(3\) \|> dense\(1, name="b+…$/);
    // The carets still sit under `dense2d`.
    const caret = lines[at + 1].indexOf("^");
    expect(lines[at].slice(caret, caret + 7)).toBe("dense2d");
    expect(lines[at + 1].trimEnd().endsWith("^".repeat(7))).toBe(true);
  });

  it("a token of 100,000 characters is cut in the message", async () => {
    const r = await run(["check"], `${"z".repeat(100_000)}\n`);
    expect(r.err.split("\n")[0]).toMatch(/found 'z{30}…'$/);
    expect(r.err.length).toBeLessThan(1000);
  });

  it("resynchronizing after each of 20,000 broken items stays linear (no copy of the rest per item)", () => {
    const t = performance.now();
    const r = frontEnd("models.dlm", new TextEncoder().encode("model ".repeat(20_000)));
    expect(r.diagnostics.length).toBe(20_000);
    // ~1-2 s here; the quadratic resynchronization took over 10 s at 80,000.
    expect(performance.now() - t).toBeLessThan(15_000);
  }, 30_000);
});
