// The `dlm` command line. Exit codes: 0 ok; 1 a problem in the program (always with a
// located `FILE:line:col: error DLxxxx` report); 2 bad usage or a file that cannot be
// read; 3 an internal error (a bug in dlm). User mistakes never print a stack trace.
// Only commands that emit code load the code generators (ts-morph, prettier).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { frontEnd, type FrontEndResult } from "./compile.js";
import { renderDiagnostics, diagnosticsToJson } from "./diagnostics/render.js";
import { summarizeProgram } from "./summary.js";
import { printProgram } from "./ir/print.js";

const usage = `usage: dlm <command> [options]

commands:
  check FILE.dlm      parse and type-check; print a Keras-style summary per model
      --emit ir         print the typed IR instead of the summary
      --format json     print diagnostics as JSON (for tools)
  help                this text

exit codes: 0 ok, 1 errors in the program, 2 bad usage or unreadable file, 3 internal error
`;

class UsageError extends Error {}

export async function main(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return check(rest, out, err);
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
    if (e instanceof UsageError || (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))) {
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
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : String(code ?? e);
    err.write(`dlm: cannot read ${file}: ${why}\n`);
    return undefined;
  }
}

function check(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
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
    out.write(JSON.stringify({ file, ok: !!result.ir, diagnostics: diagnosticsToJson(result.source, result.diagnostics) }, null, 2) + "\n");
    return exitCode(result);
  }
  if (!result.ir) {
    err.write(renderDiagnostics(result.source, result.diagnostics, { color: useColor(err) }));
    return exitCode(result);
  }
  out.write(values.emit === "ir" ? printProgram(result.ir, result.source) : summarizeProgram(result.ir));
  return 0;
}

function exitCode(r: FrontEndResult): number {
  if (r.ir) return 0;
  return r.diagnostics.some((d) => d.code.startsWith("DL9")) ? 3 : 1;
}

function useColor(stream: NodeJS.WritableStream): boolean {
  return !!(stream as NodeJS.WriteStream).isTTY && !process.env.NO_COLOR;
}
