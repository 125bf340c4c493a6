// Diagnostics are plain data produced by every phase; rendering is separate (render.ts).
import type { Span } from "../source.js";
import type { Code } from "./codes.js";

export type Severity = "error" | "warning" | "note";

export interface Note {
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  /** Where in the source; every user-facing diagnostic has one (1:1 for whole-file problems). */
  readonly span: Span;
  readonly notes?: readonly Note[];
  readonly hint?: string;
}

export function error(code: Code, message: string, span: Span, extra: { notes?: Note[]; hint?: string } = {}): Diagnostic {
  return { code, severity: "error", message, span, ...extra };
}

/** Thrown inside a pass to abandon the current construct with one diagnostic. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/**
 * Thrown to abandon a construct that depends on one whose error has already been
 * reported (a use of a `let` that failed, a call of a model with errors), so that one
 * mistake yields one diagnostic. Whoever catches it must not add a diagnostic.
 */
export class AlreadyReported extends Error {
  constructor() {
    super("abandoned: depends on a construct whose error was already reported");
  }
}

export function fail(code: Code, message: string, span: Span, extra: { notes?: Note[]; hint?: string } = {}): never {
  throw new DiagnosticError(error(code, message, span, extra));
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a distance that scales with the word, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestD) ((best = c), (bestD = d));
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return bestD <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c === undefined ? undefined : `did you mean \`${c}\`?`;
}
