// The `dlm` command as a user runs it: `node bin/dlm.js ...` in a child process, with
// stdout and stderr piped (so never a terminal: no colour may appear). Checks the exit
// codes (0 ok, 1 a mistake in the program, 2 bad usage or an unreadable file), the
// Keras totals of the examples, the located error line, --format json, --emit ir, and
// that no bad program in tests/programs/bad makes the command print a stack trace.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { mnistDir, tempDir } from "../helpers/spawn.js";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a user without colour preferences: colour then depends on the TTY alone. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "NO_COLOR" && k !== "FORCE_COLOR"));

/** `node ARGS` with stdout and stderr piped. */
function node(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const dlm = (...args: string[]): Promise<Run> => node(["bin/dlm.js", ...args]);

/** Runs `f` over `items` with at most `width` at a time (process starts dominate; this machine has 2 cores). */
async function pool<T, R>(items: readonly T[], width: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/**
 * Runs the compiled CLI's `main` once per argument list, one after the other, in ONE child
 * process on its real, piped stdout and stderr: what `node bin/dlm.js ARGS` prints and exits
 * with, since bin/dlm.js only hands main's result to process.exitCode. One process per command
 * is the real thing but costs ~0.5 s of CPU each (loading the modules); the tests below send a
 * few commands through bin/dlm.js and the rest through this.
 */
async function mainEach(argvs: readonly (readonly string[])[]): Promise<Run[]> {
  const script = `
    const { main } = await import(${JSON.stringify(new URL("../../dist/compiler/cli.js", import.meta.url).href)});
    for (const [i, args] of JSON.parse(process.argv[1]).entries()) {
      process.stdout.write("@@@ " + i + "\\n");
      process.stderr.write("@@@ " + i + "\\n");
      const code = await main(args);
      process.stdout.write("@@@ exit " + code + "\\n");
    }`;
  const r = await node(["--input-type=module", "-e", script, JSON.stringify(argvs)]);
  expect(r.code, r.stderr).toBe(0);
  // stdout: "@@@ i", what main printed, "@@@ exit CODE", nothing; stderr: "@@@ i", what main printed.
  const outs = r.stdout.split(/^@@@ (.*)\n/m);
  const errs = r.stderr.split(/^@@@ (.*)\n/m);
  expect(outs[0] + errs[0]).toBe("");
  return argvs.map((_, i) => {
    expect([outs[4 * i + 1], outs[4 * i + 3], outs[4 * i + 4], errs[2 * i + 1]]).toEqual([
      String(i),
      expect.stringMatching(/^exit \d+$/),
      "",
      String(i),
    ]);
    return { code: Number(outs[4 * i + 3].slice(5)), stdout: outs[4 * i + 2], stderr: errs[2 * i + 2] };
  });
}

const noStackTrace = (r: Run) => {
  expect(r.stdout + r.stderr).not.toMatch(/^ {4}at /m);
  expect(r.stdout + r.stderr).not.toContain("\x1b[");
};

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` on a fresh clone builds here.
  if (!existsSync("dist/compiler/cli.js")) execFileSync("npx", ["tsc", "-p", "."], { stdio: "inherit" });
  // These tests run the compiled front end: refuse to test an older build than the source.
  const built = statSync("dist/compiler/cli.js").mtimeMs;
  const newer = readdirSync("compiler", { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && statSync(`compiler/${f}`).mtimeMs > built,
  );
  if (newer.length > 0) throw new Error(`dist/ is older than compiler/${newer[0]}: run \`npm run build\` (npm test builds first)`);
}, 120_000);

describe("dlm check on the examples", () => {
  const totals: Record<string, string[]> = {
    cnn: ["693,962"],
    rnn: ["36,510"],
    gan: ["559,632", "402,433"],
    gan_stabilized: ["559,632", "402,433"],
    mlp: ["101,770"],
    regression: ["321"],
  };

  // The seed examples through the command (every example's totals: tests/frontend/examples.test.ts).
  it("exits 0 and prints the seed examples' Keras totals", async () => {
    const names = Object.keys(totals);
    expect(readdirSync("dsl-examples").filter((f) => f.endsWith(".dlm"))).toEqual(expect.arrayContaining(names.map((n) => `${n}.dlm`)));
    const runs = await pool(names, 2, (n) => dlm("check", `dsl-examples/${n}.dlm`));
    runs.forEach((r, i) => {
      const name = names[i];
      expect(r.stderr, name).toBe("");
      expect(r.code, name).toBe(0);
      const found = [...r.stdout.matchAll(/^Total params: ([\d,]+) \(/gm)].map((m) => m[1]);
      expect(found, name).toEqual(totals[name]);
      noStackTrace(r);
    });
  });

  it("--emit ir prints the typed IR", async () => {
    const r = await dlm("check", "--emit", "ir", "dsl-examples/gan.dlm");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^model generator\(/m);
    expect(r.stdout).toMatch(/^train gan\(/m);
    expect(r.stdout).toContain("f32[784,512]"); // the discriminator's first kernel
    expect(r.stdout).not.toContain("Total params");
  });

  it("--format json on a good program says ok with no diagnostics", async () => {
    const r = await dlm("check", "--format", "json", "dsl-examples/cnn.dlm");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ file: "dsl-examples/cnn.dlm", ok: true, diagnostics: [] });
  });
});

describe("dlm check on a bad program", () => {
  it("exits 1 with a FILE:line:col: error DLxxxx line on stderr", async () => {
    const r = await dlm("check", "tests/programs/bad/unknown-layer.dlm");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")[0]).toBe("tests/programs/bad/unknown-layer.dlm:3:8: error DL2001: unknown function or layer `dense2d`");
    expect(r.stderr).toContain("hint: did you mean `dense`?");
    noStackTrace(r);
  });

  it("--format json prints parseable diagnostics with code, message and location", async () => {
    const r = await dlm("check", "--format", "json", "tests/programs/bad/several-errors.dlm");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(false);
    expect(j.diagnostics.map((d: { code: string }) => d.code)).toEqual(["DL2008", "DL2002", "DL2001", "DL2008", "DL2012", "DL2009"]);
    expect(j.diagnostics[1]).toMatchObject({
      code: "DL2002",
      severity: "error",
      message: "`dense` has no option `activaton`",
      hint: "did you mean `activation`?",
      location: { file: "tests/programs/bad/several-errors.dlm", start: { line: 4, column: 26 }, end: { line: 4, column: 35 } },
    });
    for (const d of j.diagnostics) {
      expect(typeof d.title).toBe("string");
      expect(d.location.start.offset).toBeLessThanOrEqual(d.location.end.offset);
    }
  });

  it("--format json locates an undecodable file at the bad byte", async () => {
    const r = await dlm("check", "--format", "json", "tests/programs/bad/not-utf8.dlm");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics[0]).toMatchObject({ code: "DL1004", location: { start: { line: 2, column: 8 } } });
  });

  // A program from each phase (decoding, lexing, lowering, shapes) goes through
  // `node bin/dlm.js`, and the sweep over every program through mainEach.
  it("goes through bin/dlm.js from each phase without a stack trace or colour", async () => {
    const byPhase = ["not-utf8", "unterminated-string", "several-errors", "several-shape-errors"];
    const runs = await pool(byPhase, 2, (n) => dlm("check", `tests/programs/bad/${n}.dlm`));
    runs.forEach((r, i) => {
      const file = `tests/programs/bad/${byPhase[i]}.dlm`;
      expect(r.code, file).toBe(1);
      expect(r.stdout, file).toBe("");
      expect(r.stderr.split("\n")[0], file).toMatch(new RegExp(`^${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: error DL[1-8]\\d{3}: `));
      noStackTrace(r);
    });
  });

  it("never prints a stack trace or colour, for any program in tests/programs/bad", async () => {
    const files = readdirSync("tests/programs/bad")
      .filter((f) => f.endsWith(".dlm"))
      .sort()
      .map((f) => `tests/programs/bad/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(30);
    const runs = await mainEach(files.map((file) => ["check", file]));
    for (const [k, file] of files.entries()) {
      const r = runs[k];
      noStackTrace(r);
      expect(r.stdout, file).toBe(""); // nothing on stdout
      expect(r.code, file).toBe(1);
      expect(r.stderr, file).toMatch(new RegExp(`^${file.replace(/[.]/g, "\\.")}:\\d+:\\d+: error DL[1-8]\\d{3}: `));
    }
  });
});

describe("dlm usage errors exit 2", () => {
  const cases: [string, string[], RegExp][] = [
    [
      "a missing file",
      ["check", "tests/programs/no-such-file.dlm"],
      /^dlm: cannot read tests\/programs\/no-such-file\.dlm: no such file\n$/,
    ],
    ["a directory", ["check", "tests/programs"], /^dlm: cannot read tests\/programs: it is a directory\n$/],
    ["an unknown command", ["frobnicate", "dsl-examples/cnn.dlm"], /^dlm: unknown command 'frobnicate'/],
    ["an unknown flag", ["check", "--bogus", "dsl-examples/cnn.dlm"], /^dlm: .*--bogus/],
    ["no file", ["check"], /^dlm: check takes exactly one FILE\.dlm/],
    ["a bad --format", ["check", "--format", "xml", "dsl-examples/cnn.dlm"], /^dlm: --format must be text or json/],
    [
      "a bad --backend",
      ["compile", "dsl-examples/mlp.dlm", "-o", "/tmp/dlm-never", "--backend", "gpu"],
      /^dlm: --backend takes wasm or ts, not 'gpu'/,
    ],
    [
      "a bad --emit",
      ["compile", "dsl-examples/mlp.dlm", "-o", "/tmp/dlm-never", "--emit", "asm"],
      /^dlm: --emit takes wat or kernels, not 'asm'/,
    ],
    [
      "--emit wat with the TS backend",
      ["compile", "dsl-examples/mlp.dlm", "-o", "/tmp/dlm-never", "--backend", "ts", "--emit", "wat"],
      /^dlm: --emit wat needs the wasm backend/,
    ],
    [
      "-o onto an existing file",
      ["compile", "dsl-examples/mlp.dlm", "-o", "package.json"],
      /^dlm: cannot write the trainer to package\.json: it is a file, not a folder\n$/,
    ],
    [
      "-o into a folder under a file",
      ["compile", "dsl-examples/mlp.dlm", "-o", "package.json/out"],
      /^dlm: cannot write the trainer to package\.json\/out: package\.json is a file, not a folder\n$/,
    ],
    // Numeric flags: one parser, the .dlm settings' ranges, integers only (before anything is compiled).
    ["--epochs -1", ["train", "dsl-examples/mlp.dlm", "--epochs", "-1"], /^dlm: --epochs must be an integer in \[1, 100000\], not '-1'\n/],
    [
      "--batch 65537",
      ["train", "dsl-examples/mlp.dlm", "--batch", "65537"],
      /^dlm: --batch must be an integer in \[1, 65536\], not '65537'\n/,
    ],
    [
      "--epochs 99999999999999999999",
      ["train", "dsl-examples/mlp.dlm", "--epochs", "99999999999999999999"],
      /^dlm: --epochs must be an integer in \[1, 100000\], not '99999999999999999999'\n/,
    ],
    [
      "--seed beyond the RNG's range (safe integers)",
      ["train", "dsl-examples/mlp.dlm", "--seed", "1e20"],
      /^dlm: --seed must be an integer in \[0, 9007199254740991\], not '1e20'\n/,
    ],
    ["--batch 1.5", ["train", "dsl-examples/mlp.dlm", "--batch", "1.5"], /^dlm: --batch must be an integer in \[1, 65536\], not '1\.5'\n/],
    [
      "--batch 0x10",
      ["train", "dsl-examples/mlp.dlm", "--batch", "0x10"],
      /^dlm: --batch must be an integer in \[1, 65536\], not '0x10'\n/,
    ],
    [
      "--max-steps -5",
      ["train", "dsl-examples/mlp.dlm", "--max-steps", "-5"],
      /^dlm: --max-steps must be an integer in \[0, 9007199254740991\], not '-5'\n/,
    ],
    [
      "--data naming a file where the source reads a folder",
      ["train", "dsl-examples/mlp.dlm", "--data", "package.json"],
      /^dlm: --data package\.json is a file, but this trainer's mnist source reads a folder: the folder of the four MNIST IDX files\n/,
    ],
    [
      "--data naming nothing",
      ["train", "dsl-examples/mlp.dlm", "--data", "no-such-folder"],
      /^dlm: --data no-such-folder: no such file or folder\n/,
    ],
  ];

  it("for missing files and bad usage, with a one-line reason and no stack trace", async () => {
    // Three kinds of failure (a file, a command, a flag) through bin/dlm.js, every case through mainEach.
    const viaBin = cases.filter(([what]) => ["a missing file", "an unknown command", "an unknown flag"].includes(what));
    expect(viaBin).toHaveLength(3);
    const [bin, runs] = await Promise.all([pool(viaBin, 2, ([, args]) => dlm(...args)), mainEach(cases.map(([, args]) => args))]);
    bin.forEach((r, k) => expect(r, viaBin[k][0]).toEqual(runs[cases.indexOf(viaBin[k])]));
    runs.forEach((r, i) => {
      const [what, , message] = cases[i];
      expect(r.code, what).toBe(2);
      expect(r.stdout, what).toBe("");
      expect(r.stderr, what).toMatch(message);
      noStackTrace(r);
    });
  });

  it.skipIf(process.getuid?.() === 0)("-o into a folder without write permission", async () => {
    const tmp = tempDir("dlm-cli-ro-");
    try {
      chmodSync(tmp.dir, 0o555);
      const r = await dlm("compile", "dsl-examples/mlp.dlm", "-o", path.join(tmp.dir, "out"));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^dlm: cannot write the trainer to .*out: permission denied/);
      noStackTrace(r);
    } finally {
      chmodSync(tmp.dir, 0o755);
      tmp.cleanup();
    }
  });

  /** Runs node with `args` and closes its stdout after the first chunk, as `head -1` does after its line. */
  const readFirstChunk = (args: string[]) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stdout.once("data", () => child.stdout.destroy());
      child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout: "", stderr }));
    });

  it("a reader that stops early (`| head`) ends dlm quietly, without node's EPIPE stack trace", async () => {
    // A model of 2,000 layers: its IR (~300 KB) outlasts the pipe's buffer.
    const tmp = tempDir("dlm-cli-pipe-");
    const file = path.join(tmp.dir, "long.dlm");
    const lets = Array.from({ length: 2000 }, (_, i) => `  let a${i} = ${i ? `a${i - 1}` : "x"} |> dense(4)`).join("\n");
    writeFileSync(file, `model m(x: [B, 4]) {\n${lets}\n  a1999\n}\n`);
    const r = await readFirstChunk(["bin/dlm.js", "check", "--emit", "ir", file]);
    tmp.cleanup();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a compiled trainer whose reader stops early (`node out/x.js | head`) ends quietly too", async () => {
    const tmp = tempDir("dlm-trainer-pipe-");
    execFileSync(process.execPath, ["bin/dlm.js", "compile", "dsl-examples/regression.dlm", "-o", tmp.dir], { env });
    // 200 epochs print 200 lines, long after the reader is gone.
    const r = await readFirstChunk([path.join(tmp.dir, "regression.js"), "--epochs", "200"]);
    tmp.cleanup();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("help exits 0 with the usage on stdout", async () => {
    const r = await dlm("help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: dlm <command>/);
    expect(r.stderr).toBe("");
  });
});

describe("the WebAssembly backend on the command line", () => {
  const tmp = tempDir("dlm-cli-wasm-");
  afterAll(() => tmp.cleanup());
  // `dlm compile` of the MLP with kernels and WAT, once for the tests that need a compiled trainer.
  let mlp: Promise<Run> | undefined;
  const compileMlp = () =>
    (mlp ??= dlm("compile", "dsl-examples/mlp.dlm", "-o", path.join(tmp.dir, "wasm"), "--emit", "kernels", "--emit", "wat"));
  beforeAll(() => void compileMlp()); // beside the first test

  it("dlm check prints the memory plan of each train block", async () => {
    const r = await dlm("check", "dsl-examples/cnn.dlm");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Memory plan of `train cnn` \(WebAssembly backend\): [\d.]+ MiB \+ [\d.]+ KiB per batch row = [\d.]+ MiB at batch 32 \(one buffer per tensor: [\d.]+ MiB\)/m,
    );
  });

  it("dlm compile writes the trainer with both kernel modules, lists kernels and writes WAT on request", async () => {
    const out = path.join(tmp.dir, "wasm");
    const r = await compileMlp();
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["mlp.js", "mlp.ts", "mlp.wasm", "mlp.relaxed.wasm", "mlp.wat"]) expect(existsSync(path.join(out, f)), f).toBe(true);
    // The kernel list: each kernel, then its ops indented.
    expect(r.stdout).toMatch(/^gemm_nn_784x128_bias_relu\n {2}dense \(mlp\/dense\) \+ relu \(mlp\/dense\)$/m);
    expect(r.stdout).toMatch(/^adam_0_101770_\S+\n {2}adam update of mlp's parameters \[0, 101770\)$/m);
  });

  it("--no-fuse lists one kernel per op; --backend ts writes no kernel module", async () => {
    const [plain, ts] = await Promise.all([
      dlm("compile", "dsl-examples/mlp.dlm", "-o", path.join(tmp.dir, "plain"), "--emit", "kernels", "--no-fuse"),
      dlm("compile", "dsl-examples/mlp.dlm", "-o", path.join(tmp.dir, "ts"), "--backend", "ts"),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^relu_128_batched$/m);
    expect(plain.stdout).not.toMatch(/_bias_relu$/m);
    expect(ts.code, ts.stderr).toBe(0);
    expect(existsSync(path.join(tmp.dir, "ts", "mlp.js"))).toBe(true);
    expect(existsSync(path.join(tmp.dir, "ts", "mlp.wasm"))).toBe(false);
  });

  it("a compiled trainer whose kernel module is missing says so in one line, exit 1, no stack trace", async () => {
    const out = path.join(tmp.dir, "missing");
    expect((await compileMlp()).code).toBe(0);
    cpSync(path.join(tmp.dir, "wasm"), out, { recursive: true });
    rmSync(path.join(out, "mlp.wasm"));
    const r = await node([path.join(out, "mlp.js"), "--max-steps", "1", "--data", mnistDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: .*mlp\.wasm: the trainer's kernel module is missing \(it is written beside the trainer by `dlm compile`\)\n$/,
    );
    noStackTrace(r);
  });

  it("dlm train --profile prints the time of each kernel on stderr", async () => {
    const r = await dlm("train", "dsl-examples/mlp.dlm", "--max-steps", "20", "--quiet", "--profile", "--data", mnistDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^kernel profile/m);
    expect(r.stderr).toMatch(/^gemm_nn_784x128_bias_relu +[\d.]+ +[\d.]+% +\d+ +[\d.]+$/m);
    expect(r.stdout).toMatch(/^test loss \d\.\d{4} accuracy \d\.\d{4}$/m);
  });
});
