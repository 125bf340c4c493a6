// The fuzz test's long-lived worker thread (tests/frontend/fuzz.test.ts): it loads the
// compiled front end from dist/ once, then answers one message per mutant with the
// problems it found. Catching is not handling: an exception escaping any step below, a
// DL9xxx diagnostic, a span outside the text or IR that fails `verify` is a problem.
// The parent replaces this worker when a mutant takes more than its time limit.
import { parentPort } from "node:worker_threads";

const dist = new URL("../../dist/compiler/", import.meta.url);
const { frontEnd } = await import(new URL("compile.js", dist).href);
const { renderDiagnostics, diagnosticsToJson } = await import(new URL("diagnostics/render.js", dist).href);
const { verify } = await import(new URL("ir/verify.js", dist).href);
const { summarizeProgram } = await import(new URL("summary.js", dist).href);
const { printProgram } = await import(new URL("ir/print.js", dist).href);

const stack = (e) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

/** Everything `dlm check` does with a file, checked; returns what went wrong. */
function check(bytes) {
  const problems = [];
  let r;
  try {
    r = frontEnd("mutant.dlm", bytes);
  } catch (e) {
    return { problems: [`exception escaped frontEnd: ${stack(e)}`], codes: [] };
  }
  const n = r.source.text.length;
  const spanOk = (s) => s && Number.isInteger(s.start) && Number.isInteger(s.end) && 0 <= s.start && s.start <= s.end && s.end <= n;
  for (const d of r.diagnostics) {
    if (d.code.startsWith("DL9")) problems.push(`${d.code}: ${d.message}`);
    if (!spanOk(d.span)) problems.push(`${d.code} has span ${JSON.stringify(d.span)} in a text of length ${n}`);
    for (const note of d.notes ?? [])
      if (note.span && !spanOk(note.span)) problems.push(`${d.code} has a note span ${JSON.stringify(note.span)}`);
  }
  if (r.ir && r.diagnostics.some((d) => d.severity === "error")) problems.push("typed IR returned together with errors");
  if (!r.ir && !r.diagnostics.some((d) => d.severity === "error")) problems.push("no IR and no error");
  try {
    if (r.ir) {
      for (const v of verify(r.ir, { typed: true })) problems.push(`verify: ${v}`);
      summarizeProgram(r.ir);
      printProgram(r.ir, r.source);
    } else {
      renderDiagnostics(r.source, r.diagnostics, { color: false });
      renderDiagnostics(r.source, r.diagnostics, { color: true });
      JSON.stringify(diagnosticsToJson(r.source, r.diagnostics));
    }
  } catch (e) {
    problems.push(`exception while ${r.ir ? "summarizing/printing" : "rendering"}: ${stack(e)}`);
  }
  return { problems, codes: r.diagnostics.map((d) => d.code) };
}

parentPort.on("message", ({ id, bytes, spin }) => {
  // `spin` is the test's own check that a hang is caught: it never answers.
  if (spin) for (;;);
  parentPort.postMessage({ id, ...check(bytes) });
});
parentPort.postMessage({ ready: true });
