// The `dlm` command line. Exit codes: 0 ok (warnings, `FILE:line:col: warning DLxxxx`,
// are printed on stderr and change nothing else); 1 a problem in the program (always with a
// located `FILE:line:col: error DLxxxx` report); 2 bad usage or a file that cannot be
// read; 3 an internal error (a bug in dlm). User mistakes never print a stack trace.
// Only commands that emit code load the code generators (ts-morph, prettier).
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync, accessSync, constants as fsConstants } from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { frontEnd, compileTrainer, importTrainer, memoryPlanOf, type Backend, type FrontEndResult } from "./compile.js";
import { chooseTrain, memoryLimit, outputFiles, tsLimit, type LimitProblem } from "./api/prepare.js";
import { renderDiagnostics, diagnosticsToJson } from "./diagnostics/render.js";
import { summarizeProgram } from "./summary.js";
import { printProgram } from "./ir/print.js";
import {
  trainOptionSpec,
  trainOptions,
  trainUsage,
  runTraining,
  joinNumericValues,
  UsageError as RuntimeUsageError,
} from "../runtime/main.js";
import { preferKernelVariant } from "../runtime/wasm/node-kernels.js";
import type { KernelVariant } from "../runtime/wasm/trainer-memory.js";
import { memoryLimitDiagnostic } from "./wasm/memory-limit.js";
import { exportCommand, exportUsage, predictCommand } from "./export/commands.js";
import { explainCommand, explainUsage } from "./explain/command.js";
import { sampleCommand, sampleUsage } from "./sample.js";

const usage = `usage: dlm <command> [options]

commands:
  check FILE.dlm      parse and type-check; print a Keras-style summary per model
      --emit ir         print the typed IR instead of the summary
      --format json     print diagnostics as JSON (for tools)
  compile FILE.dlm -o DIR
                      write the trainer DIR/<name>.ts and DIR/<name>.js with the runtime
                      beside it; run it with \`node DIR/<name>.js\` (no compiler needed)
      --train NAME      which train block (when the file has several)
      --backend wasm|ts kernels in a WebAssembly module (default) or the TypeScript reference
      --emit wat        also write DIR/<name>.wat, the kernel module as text
      --emit kernels    list the kernels after fusion with the ops each computes
      --no-fuse         one kernel per op (the same numbers; to measure what fusion gains)
      --target T        node (default): a script for node; browser: a module for a page or
                        a worker (data as bytes, kernels fetched; docs/browser.md); pytorch:
                        DIR/train.py, a PyTorch program (python3-torch only) that trains the
                        same models, also under torchrun (docs/pytorch.md)
  train FILE.dlm [options]
                      compile in memory and train; prints \`test loss … accuracy …\`
      --train NAME      which train block (when the file has several)
      --backend wasm|ts, --no-fuse   as for compile
      --epochs N, --batch N, --seed N, --data PATH, --save FILE, --checkpoint-every N,
      --resume FILE, --max-steps N, --quiet   (see \`dlm train --help\`)
${exportUsage}${explainUsage}${sampleUsage}  help                this text

exit codes: 0 ok, 1 errors in the program, 2 bad usage or unreadable file, 3 internal error
`;

export class UsageError extends Error {}
/** A file or folder named on the command line that cannot be read or written: one line, exit 2, no usage text. */
class FileError extends Error {}

export async function main(
  argv: readonly string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return await check(rest, out, err);
      case "compile":
        return await compileCommand(rest, out, err);
      case "train":
        return await trainCommand(rest, out, err);
      case "export":
        return await exportCommand(rest, out, err);
      case "predict":
        return await predictCommand(rest, out, err);
      case "explain":
        return await explainCommand(rest, out, err);
      case "sample":
        return await sampleCommand(rest, out, err);
      case "help":
      case "--help":
      case "-h":
        out.write(usage);
        return 0;
      case undefined:
        err.write(usage);
        return 2;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof FileError) {
      err.write(`dlm: ${e.message}\n`);
      return 2;
    }
    if (
      e instanceof UsageError ||
      e instanceof RuntimeUsageError ||
      (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      err.write(`dlm: ${e.message}\n\n${usage}`);
      return 2;
    }
    err.write(`dlm: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\nthis is a bug in dlm; please report it\n`);
    return 3;
  }
}

function readSource(file: string, err: NodeJS.WritableStream): Uint8Array | undefined {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : String(code ?? e);
    err.write(`dlm: cannot read ${file}: ${why}\n`);
    return undefined;
  }
}

async function check(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { emit: { type: "string" }, format: { type: "string", default: "text" } },
  });
  if (positionals.length !== 1) throw new UsageError("check takes exactly one FILE.dlm");
  if (values.format !== "text" && values.format !== "json") throw new UsageError(`--format must be text or json, not '${values.format}'`);
  if (values.emit !== undefined && values.emit !== "ir") throw new UsageError(`--emit must be ir, not '${values.emit}'`);
  const file = positionals[0];
  const bytes = readSource(file, err);
  if (!bytes) return 2;
  const result = frontEnd(file, bytes);
  if (values.format === "json") {
    // `count`: every diagnostic found; `diagnostics`: the first MAX_SHOWN of them.
    const json = {
      file,
      ok: !!result.ir,
      count: result.diagnostics.length,
      diagnostics: diagnosticsToJson(result.source, result.diagnostics),
    };
    out.write(JSON.stringify(json, null, 2) + "\n");
    return exitCode(result);
  }
  if (!result.ir) {
    err.write(renderDiagnostics(result.source, result.diagnostics, { color: useColor(err) }));
    return exitCode(result);
  }
  // With the typed IR, the diagnostics are warnings: shown on stderr, and the command goes on.
  const warnings = result.diagnostics;
  if (values.emit === "ir") {
    if (warnings.length > 0) err.write(renderDiagnostics(result.source, warnings, { color: useColor(err) }));
    out.write(printProgram(result.ir, result.source));
    return 0;
  }
  // A plan over what a wasm32 memory holds is an error (DL3012), found before printing anything.
  const plans = new Map<string, Awaited<ReturnType<typeof memoryPlanOf>>>();
  const tooLarge = [];
  for (const t of result.ir.trains) {
    const plan = await memoryPlanOf(result, t.name);
    plans.set(t.name, plan);
    const d = memoryLimitDiagnostic(result.ast, t.name, plan.bytes, t.settings.batch);
    if (d) tooLarge.push(d);
  }
  if (tooLarge.length > 0) {
    err.write(renderDiagnostics(result.source, [...warnings, ...tooLarge], { color: useColor(err) }));
    return 1;
  }
  if (warnings.length > 0) err.write(renderDiagnostics(result.source, warnings, { color: useColor(err) }));
  out.write(summarizeProgram(result.ir));
  for (const t of result.ir.trains) {
    const plan = plans.get(t.name)!;
    const batch = t.settings.batch;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MiB`;
    const at = plan.bytes.fixed + plan.bytes.perRow * batch;
    const unshared = plan.unshared.fixed + plan.unshared.perRow * batch;
    out.write(
      `Memory plan of \`train ${t.name}\` (WebAssembly backend): ${mb(plan.bytes.fixed)} + ${(plan.bytes.perRow / 1024).toFixed(1)} KiB per batch row` +
        ` = ${mb(at)} at batch ${batch} (one buffer per tensor: ${mb(unshared)}); kernel scratch not included\n`,
    );
  }
  return 0;
}

function exitCode(r: FrontEndResult): number {
  if (r.ir) return 0;
  return r.diagnostics.some((d) => d.code.startsWith("DL9")) ? 3 : 1;
}

export function useColor(stream: NodeJS.WritableStream): boolean {
  return !!(stream as NodeJS.WriteStream).isTTY && !process.env.NO_COLOR;
}

/** Reads and checks a .dlm file; prints its diagnostics; on errors returns the exit code (warnings go on). */
export function checked(file: string, err: NodeJS.WritableStream): FrontEndResult | number {
  const bytes = readSource(file, err);
  if (!bytes) return 2;
  const result = frontEnd(file, bytes);
  if (result.diagnostics.length > 0) err.write(renderDiagnostics(result.source, result.diagnostics, { color: useColor(err) }));
  if (!result.ir) return exitCode(result);
  return result;
}

export function pickTrain(result: FrontEndResult, name: string | undefined): string {
  const chosen = chooseTrain(result, name);
  if ("problem" in chosen) throw new UsageError(chosen.problem);
  return chosen.name;
}

/** dist/runtime (the compiled runtime), which `dlm train` imports. */
const runtimeJs = fileURLToPath(new URL("../runtime/", import.meta.url));

async function compileCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      out: { type: "string", short: "o" },
      train: { type: "string" },
      backend: { type: "string" },
      emit: { type: "string", multiple: true },
      "no-fuse": { type: "boolean" },
      target: { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new UsageError("compile takes exactly one FILE.dlm");
  // The PyTorch target writes train.py (emit/pytorch/command.ts).
  if (values.target === "pytorch") return (await import("./emit/pytorch/command.js")).pytorchCompile(values, positionals[0], out, err);
  const target = values.target ?? "node";
  if (target !== "node" && target !== "browser") throw new UsageError(`--target must be node, browser or pytorch, not '${target}'`);
  if (!values.out) throw new UsageError("compile needs -o DIR");
  const backend = backendOf(values.backend);
  const emits = new Set(values.emit ?? []);
  for (const e of emits) if (e !== "wat" && e !== "kernels") throw new UsageError(`--emit takes wat or kernels, not '${e}'`);
  if (emits.size > 0 && backend !== "wasm") throw new UsageError(`--emit ${[...emits][0]} needs the wasm backend`);
  checkOutputFolder(values.out);
  const result = checked(positionals[0], err);
  if (typeof result === "number") return result;
  const name = pickTrain(result, values.train);
  if (backend === "wasm") {
    const limit = await memoryLimit(result, name, !values["no-fuse"], undefined);
    if (limit) return report(limit, err);
  }
  // The trainer finds the .dlm file's folder relative to itself, so the pair can move together.
  const rel = path
    .relative(path.resolve(values.out), path.dirname(path.resolve(positionals[0])))
    .split(path.sep)
    .join("/");
  const compiled = await compileTrainer(result, name, {
    runtimeImport: "./runtime",
    sourceDir: `${rel === "" ? "." : rel}/`,
    backend,
    wat: emits.has("wat"),
    fuse: !values["no-fuse"],
    target,
  });
  const dir = values.out;
  // The files the API's compile returns: the trainer, its kernels (and .wat), and the runtime
  // beside it (JavaScript to run, TypeScript sources to type-check); a package.json only where none is.
  const files = await outputFiles(compiled, { runtime: "copy", wat: emits.has("wat") });
  writing(dir, () => {
    makeFolders(path.join(dir, "runtime"));
    for (const f of files) {
      const to = path.join(dir, f.path);
      if (f.path === "package.json" && existsSync(to)) continue;
      makeFolders(path.dirname(to));
      writeFileSync(to, f.contents);
    }
  });
  const js = path.join(dir, `${compiled.name}.js`);
  const kernels = compiled.wasm
    ? ` and ${path.join(dir, compiled.wasm.file)} (${compiled.wasm.kernels.length} kernels, ${compiled.wasm.binary.length.toLocaleString("en-US")} bytes)`
    : "";
  if (emits.has("kernels") && compiled.wasm) {
    // The kernels after fusion, each with the ops it computes (a kernel shared by several eqns lists each use).
    for (const k of compiled.wasm.kernels) out.write(`${k.name}\n${[...new Set(k.ops)].map((o) => `  ${o}\n`).join("")}`);
  }
  out.write(
    `wrote ${js} (${compiled.program.paramCount.toLocaleString("en-US")} parameters), ${path.join(dir, `${compiled.name}.ts`)}${kernels}; ${target === "browser" ? "train it in a page or a worker with runtime/browser.js (docs/browser.md)" : `run: node ${js} --help`}\n`,
  );
  return 0;
}

async function trainCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const options = {
    ...trainOptionSpec,
    train: { type: "string" },
    backend: { type: "string" },
    "no-fuse": { type: "boolean" },
    help: { type: "boolean" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinNumericValues(args, options), allowPositionals: true, options });
  if (values.help) {
    out.write(`usage: dlm train FILE.dlm [options]\n\n${trainUsage}`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError("train takes exactly one FILE.dlm");
  const opts = trainOptions(values);
  const backend = backendOf(values.backend);
  const result = checked(positionals[0], err);
  if (typeof result === "number") return result;
  const name = pickTrain(result, values.train);
  // Memory limits before any work: the wasm plan (a located DL3012 for the file's batch, one
  // line for --batch), the TypeScript backend's buffers against this machine's memory.
  const limit = backend === "wasm" ? await memoryLimit(result, name, !values["no-fuse"], opts.batch) : tsLimit(result, name, opts.batch);
  if (limit) return report(limit, err);
  const sourceDir = path.dirname(path.resolve(positionals[0]));
  const compiled = await compileTrainer(result, name, {
    runtimeImport: pathToFileURL(runtimeJs).href.replace(/\/$/, ""),
    sourceDir: pathToFileURL(sourceDir + path.sep).href,
    backend,
    format: false,
    fuse: !values["no-fuse"],
    // The trainer runs in this process: its relaxed module is built only when asked for (--wasm-variant relaxed, DLM_WASM_VARIANT).
    relaxed: (values["wasm-variant"] ?? process.env.DLM_WASM_VARIANT) === "relaxed",
  });
  // The trainer picks its kernels while it loads: the variant this command was asked for.
  preferKernelVariant(values["wasm-variant"] as KernelVariant | undefined);
  let mod: Awaited<ReturnType<typeof importTrainer>>;
  try {
    mod = await importTrainer(compiled);
  } finally {
    preferKernelVariant(undefined);
  }
  return runTraining(mod, { ...opts, baseDir: sourceDir }, out, err);
}

/** Prints a memory-limit problem: exit 1 for the program's own batch, 2 for a --batch option. */
function report(p: LimitProblem, err: NodeJS.WritableStream): number {
  if (typeof p === "string") {
    err.write(`dlm: ${p}\n`);
    return p.startsWith("--batch") ? 2 : 1;
  }
  err.write(renderDiagnostics(p.source.source, [p.diagnostic], { color: useColor(err) }));
  return 1;
}

/** Why `dir` cannot take a compiled trainer, found before compiling: it is a file, lies under one, or is not writable. */
export function checkOutputFolder(dir: string): void {
  let at = path.resolve(dir);
  // The folder itself, or the nearest ancestor that exists (compile creates the rest).
  for (;;) {
    let isFolder: boolean;
    try {
      isFolder = statSync(at).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if ((code === "ENOENT" || code === "ENOTDIR") && path.dirname(at) !== at) {
        at = path.dirname(at);
        continue;
      }
      throw new FileError(`cannot write the trainer to ${dir}: ${why(e)}`);
    }
    if (!isFolder)
      throw new FileError(`cannot write the trainer to ${dir}: ${at === path.resolve(dir) ? "it" : shownPath(at)} is a file, not a folder`);
    try {
      accessSync(at, fsConstants.W_OK);
    } catch (e) {
      throw new FileError(`cannot write the trainer to ${dir}: ${why(e)}${at === path.resolve(dir) ? "" : ` (${at})`}`);
    }
    return;
  }
}

/** Runs the writes of `dlm compile` into `dir`; a file-system error is a FileError naming the folder. */
export function writing(dir: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    if (typeof (e as NodeJS.ErrnoException).code !== "string") throw e;
    const file = (e as NodeJS.ErrnoException).path;
    throw new FileError(
      `cannot write the trainer to ${dir}: ${why(e)}${file && path.resolve(file) !== path.resolve(dir) ? ` (${shownPath(file)})` : ""}`,
    );
  }
}

/**
 * mkdir -p, one level at a time: node's recursive mkdirSync never returns where a level
 * cannot be made but does not say so (under /proc).
 */
export function makeFolders(dir: string): void {
  if (existsSync(dir)) return;
  makeFolders(path.dirname(dir));
  mkdirSync(dir);
}

/** A path as messages show it: relative when under the working folder. */
function shownPath(p: string): string {
  const rel = path.relative(".", p);
  return rel === "" ? "." : rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(p) : rel;
}

/** A file-system error in words. */
function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: "no such file or folder",
    ENOTDIR: "a part of the path is a file, not a folder",
    EISDIR: "it is a folder",
    EEXIST: "a file is in the way",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on the device",
  };
  return (code && words[code]) ?? String(code ?? e);
}

function backendOf(v: string | undefined): Backend {
  if (v === undefined || v === "wasm" || v === "ts") return v ?? "wasm";
  throw new UsageError(`--backend takes wasm or ts, not '${v}'`);
}
