// Renders diagnostics for people (file:line:col, a code frame with carets, notes, hint)
// and for tools (JSON). Colour only when asked (the CLI asks when stdout is a terminal).
import { codes } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { lineText, positionOf, type SourceFile, type Span } from "../source.js";

const ansi = { red: "\x1b[31;1m", blue: "\x1b[34;1m", cyan: "\x1b[36m", bold: "\x1b[1m", reset: "\x1b[0m" };

export interface RenderOptions {
  readonly color?: boolean;
}

export function renderDiagnostic(src: SourceFile, d: Diagnostic, opts: RenderOptions = {}): string {
  const c = (style: keyof typeof ansi, s: string) => (opts.color ? ansi[style] + s + ansi.reset : s);
  const pos = positionOf(src, d.span.start);
  const out: string[] = [];
  out.push(`${c("bold", `${src.path}:${pos.line}:${pos.column}:`)} ${c("red", `${d.severity} ${d.code}`)}: ${c("bold", d.message)}`);
  out.push(...codeFrame(src, d.span, c));
  for (const note of d.notes ?? []) {
    if (note.span) {
      const p = positionOf(src, note.span.start);
      out.push(`${c("cyan", "note")}: ${note.message} (${src.path}:${p.line}:${p.column})`);
      out.push(...codeFrame(src, note.span, c));
    } else {
      out.push(`${c("cyan", "note")}: ${note.message}`);
    }
  }
  if (d.hint) out.push(`${c("cyan", "hint")}: ${d.hint}`);
  return out.join("\n");
}

type Colorer = (style: keyof typeof ansi, s: string) => string;

/** The source lines a span covers (at most 3 shown) with carets under the span. */
function codeFrame(src: SourceFile, span: Span, c: Colorer): string[] {
  const from = positionOf(src, span.start);
  const to = positionOf(src, Math.max(span.start, span.end - 1));
  const last = Math.min(to.line, from.line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let line = from.line; line <= last; line++) {
    // Tabs become one space so that columns line up; trailing blanks are not shown.
    const text = lineText(src, line).replace(/\t/g, " ").trimEnd();
    out.push(text ? `${c("blue", String(line).padStart(width) + " |")} ${text}` : c("blue", String(line).padStart(width) + " |"));
    const startCol = line === from.line ? from.column : firstNonSpace(text);
    const endCol = line === to.line ? to.column : text.length;
    const len = Math.max(1, endCol - startCol + 1);
    out.push(`${c("blue", " ".repeat(width) + " |")} ${" ".repeat(Math.max(0, startCol - 1))}${c("red", "^".repeat(len))}`);
  }
  if (to.line > last) out.push(`${c("blue", " ".repeat(width) + " |")} ...`);
  return out;
}

function firstNonSpace(text: string): number {
  const m = /\S/.exec(text);
  return m ? m.index + 1 : 1;
}

export function renderDiagnostics(src: SourceFile, ds: readonly Diagnostic[], opts: RenderOptions = {}): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const body = ds.map((d) => renderDiagnostic(src, d, opts)).join("\n\n");
  return `${body}\n\n${errors} error${errors === 1 ? "" : "s"} in ${src.path}\n`;
}

/** Machine-readable form: one object per diagnostic with 1-based positions. */
export function diagnosticsToJson(src: SourceFile, ds: readonly Diagnostic[]): object[] {
  const loc = (s: Span) => {
    const a = positionOf(src, s.start);
    const b = positionOf(src, s.end);
    return {
      file: src.path,
      start: { offset: s.start, line: a.line, column: a.column },
      end: { offset: s.end, line: b.line, column: b.column },
    };
  };
  return ds.map((d) => ({
    code: d.code,
    title: codes[d.code],
    severity: d.severity,
    message: d.message,
    location: loc(d.span),
    notes: (d.notes ?? []).map((n) => ({ message: n.message, ...(n.span ? { location: loc(n.span) } : {}) })),
    ...(d.hint ? { hint: d.hint } : {}),
  }));
}
