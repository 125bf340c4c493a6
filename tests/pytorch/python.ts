// The PyTorch target's tests run the emitted train.py with Debian's python3-torch (.ci/run
// installs it). Where python3 or torch is missing, the tests that need them are skipped with a
// message saying so (printed once per file), never passed silently.
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { loadSafetensors } from "../../runtime/safetensors.js";
import type { RunResult } from "../helpers/spawn.js";

const runs = (py: string, code: string): boolean => spawnSync(py, ["-c", code], { timeout: 60_000 }).status === 0;
const candidates = process.env.DLM_PYTHON ? [process.env.DLM_PYTHON] : ["python3", "/usr/bin/python3"];
let found: string | undefined | null = null;

/** The interpreter: $DLM_PYTHON, else the first of python3 on the PATH and Debian's /usr/bin/python3 that imports torch (probed once). */
export function python(): string {
  if (found === null) found = candidates.find((py) => runs(py, "import torch"));
  return found ?? candidates[0];
}

/** Why the tests that run train.py cannot run here (printed once), or null when they can. */
export function missing(): string | null {
  const had = found;
  python();
  if (found) return null;
  const why = `no python3 here imports torch (install python3-torch; tried ${candidates.join(", ")})`;
  if (had === null) console.warn(`SKIPPED: the PyTorch target's tests that run train.py (${why})`);
  return why;
}

/** A python3 without torch suffices to compile the emitted files: the first candidate that runs, or undefined (with a message). */
export function anyPython(): string | undefined {
  const py = candidates.find((p) => runs(p, "0"));
  if (!py) console.warn(`SKIPPED: compiling the emitted Python (no ${candidates.join(" or ")} here)`);
  return py;
}

/** Runs `python3 ARGS` (one torch thread per process unless asked), never rejecting on its exit code. */
export function runPython(
  args: readonly string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; python?: string } = {},
): Promise<RunResult> {
  const env = { ...process.env, OMP_NUM_THREADS: "1", ...opts.env };
  return new Promise((resolve, reject) => {
    const child = spawn(opts.python ?? python(), [...args], { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 240_000);
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

/** Throws with the output when a command failed. */
export function ok(r: RunResult, what: string): RunResult {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The parameters of a checkpoint (optimizer state left out), by name. */
export function weights(file: string): Map<string, Float32Array> {
  const { tensors } = loadSafetensors(file);
  return new Map(
    Object.entries(tensors)
      .filter(([n]) => !n.startsWith("optimizer/"))
      .map(([n, t]) => [n, t.data as Float32Array]),
  );
}

/** Per parameter: ‖a − b‖ / ‖b‖ and max |a − b|, over the tensors of `b`. */
export function differences(a: Map<string, Float32Array>, b: Map<string, Float32Array>): { name: string; rel: number; max: number }[] {
  return [...b].map(([name, y]) => {
    const x = a.get(name);
    if (!x || x.length !== y.length) throw new Error(`tensor ${name} is missing or of another size`);
    let d2 = 0;
    let y2 = 0;
    let max = 0;
    for (let i = 0; i < y.length; i++) {
      const d = x[i] - y[i];
      d2 += d * d;
      y2 += y[i] * y[i];
      max = Math.max(max, Math.abs(d));
    }
    return { name, rel: Math.sqrt(d2) / Math.max(Math.sqrt(y2), 1e-30), max };
  });
}

/** A seed example with shuffling off (so that both programs read batches in file order). */
export function unshuffled(source: string): string {
  const out = source.replace(/^(\s*batch\s+\d+\s*)$/m, "$1\n  shuffle false");
  if (out === source) throw new Error("no batch setting to put `shuffle false` after");
  return out;
}

export const script = (dir: string): string => path.join(dir, "train.py");
