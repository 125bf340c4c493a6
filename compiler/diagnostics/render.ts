// Renders diagnostics for people (file:line:col, a code frame with carets, notes, hint)
// and for tools (JSON). Colour only when asked (the CLI asks when stdout is a terminal).
import { codes } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";
import { lineText, positionOf, type SourceFile, type Span } from "../source.js";

const ansi = { red: "\x1b[31;1m", yellow: "\x1b[33;1m", blue: "\x1b[34;1m", cyan: "\x1b[36m", bold: "\x1b[1m", reset: "\x1b[0m" };

export interface RenderOptions {
  readonly color?: boolean;
  /** At most this many diagnostics are rendered (default MAX_SHOWN); the rest are counted. */
  readonly limit?: number;
}

/** Diagnostics shown (text and JSON) before the rest are only counted: a file of junk stays readable. */
export const MAX_SHOWN = 100;
/** A source line longer than this is cut around the caret in a code frame, with an ellipsis. */
export const MAX_FRAME_WIDTH = 200;

export function renderDiagnostic(src: SourceFile, d: Diagnostic, opts: RenderOptions = {}): string {
  const c = (style: keyof typeof ansi, s: string) => (opts.color ? ansi[style] + s + ansi.reset : s);
  const pos = positionOf(src, d.span.start);
  const out: string[] = [];
  // Warnings in yellow, their carets too; errors in red.
  const tone = d.severity === "warning" ? "yellow" : "red";
  out.push(`${c("bold", `${src.path}:${pos.line}:${pos.column}:`)} ${c(tone, `${d.severity} ${d.code}`)}: ${c("bold", d.message)}`);
  out.push(...codeFrame(src, d.span, c, tone));
  for (const note of d.notes ?? []) {
    if (note.span) {
      const p = positionOf(src, note.span.start);
      out.push(`${c("cyan", "note")}: ${note.message} (${src.path}:${p.line}:${p.column})`);
      out.push(...codeFrame(src, note.span, c, tone));
    } else {
      out.push(`${c("cyan", "note")}: ${note.message}`);
    }
  }
  if (d.hint) out.push(`${c("cyan", "hint")}: ${d.hint}`);
  return out.join("\n");
}

type Colorer = (style: keyof typeof ansi, s: string) => string;

/** The source lines a span covers (at most 3 shown) with carets under the span. */
function codeFrame(src: SourceFile, span: Span, c: Colorer, tone: "red" | "yellow"): string[] {
  const from = positionOf(src, span.start);
  const to = positionOf(src, Math.max(span.start, span.end - 1));
  const last = Math.min(to.line, from.line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let line = from.line; line <= last; line++) {
    // Tabs become one space so that columns line up; trailing blanks are not shown.
    const full = lineText(src, line).replace(/\t/g, " ").trimEnd();
    const startCol = line === from.line ? from.column : firstNonSpace(full);
    const endCol = line === to.line ? to.column : full.length;
    const cut = cutLine(full, startCol - 1, Math.max(1, endCol - startCol + 1));
    const text = cut.text;
    out.push(text ? `${c("blue", String(line).padStart(width) + " |")} ${text}` : c("blue", String(line).padStart(width) + " |"));
    out.push(`${c("blue", " ".repeat(width) + " |")} ${" ".repeat(Math.max(0, cut.at))}${c(tone, "^".repeat(cut.len))}`);
  }
  if (to.line > last) out.push(`${c("blue", " ".repeat(width) + " |")} ...`);
  return out;
}

/**
 * A line of at most MAX_FRAME_WIDTH characters around the caret span [at, at + len): a longer
 * line keeps a window that starts a little before the span, with `…` where text was cut
 * (a span wider than the window is cut too). Returns the caret span within the result.
 */
export function cutLine(text: string, at: number, len: number): { text: string; at: number; len: number } {
  if (text.length <= MAX_FRAME_WIDTH) return { text, at, len };
  const room = MAX_FRAME_WIDTH - 2; // an ellipsis on each side, at most
  const start = at + len <= room ? 0 : Math.max(0, Math.min(at - 20, text.length - room));
  const end = Math.min(text.length, start + room);
  const shown = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  const from = at - start + (start > 0 ? 1 : 0);
  return { text: shown, at: from, len: Math.max(1, Math.min(len, end - Math.max(at, start))) };
}

function firstNonSpace(text: string): number {
  const m = /\S/.exec(text);
  return m ? m.index + 1 : 1;
}

/**
 * The first `limit` (MAX_SHOWN) diagnostics, then the count: "N errors in FILE" (with
 * warnings: "N errors and W warnings in FILE"; only warnings: "W warnings in FILE"), or,
 * when some were left out, "and M more errors (N errors in FILE)".
 */
export function renderDiagnostics(src: SourceFile, ds: readonly Diagnostic[], opts: RenderOptions = {}): string {
  const isError = (d: Diagnostic) => d.severity === "error";
  const errors = ds.filter(isError).length;
  const warnings = ds.filter((d) => d.severity === "warning").length;
  const shown = ds.slice(0, opts.limit ?? MAX_SHOWN);
  const body = shown.map((d) => renderDiagnostic(src, d, opts)).join("\n\n");
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const counts =
    warnings === 0
      ? count(errors, "error")
      : errors === 0
        ? count(warnings, "warning")
        : `${count(errors, "error")} and ${count(warnings, "warning")}`;
  const total = `${counts} in ${src.path}`;
  const more = errors - shown.filter(isError).length;
  return `${body}\n\n${more > 0 ? `and ${more} more error${more === 1 ? "" : "s"} (${total})` : total}\n`;
}

/**
 * Machine-readable form: one object per diagnostic with 1-based positions, for the first
 * `limit` (MAX_SHOWN) diagnostics; `dlm check --format json` adds the count of all of them.
 */
export function diagnosticsToJson(src: SourceFile, ds: readonly Diagnostic[], limit = MAX_SHOWN): object[] {
  const loc = (s: Span) => {
    const a = positionOf(src, s.start);
    const b = positionOf(src, s.end);
    return {
      file: src.path,
      start: { offset: s.start, line: a.line, column: a.column },
      end: { offset: s.end, line: b.line, column: b.column },
    };
  };
  return ds.slice(0, limit).map((d) => ({
    code: d.code,
    title: codes[d.code],
    severity: d.severity,
    message: d.message,
    location: loc(d.span),
    notes: (d.notes ?? []).map((n) => ({ message: n.message, ...(n.span ? { location: loc(n.span) } : {}) })),
    ...(d.hint ? { hint: d.hint } : {}),
  }));
}
