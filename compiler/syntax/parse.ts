// The parse phase: bytes → tokens → CST → AST, with every lexical and syntax error as a
// diagnostic. Takes a decoded SourceFile; guarantees an AST only when it reports no
// errors. Top-level garbage does not stop the parse: the driver skips to the next
// `model`/`train` and goes on, so several broken items are all reported.
import type { IToken, IRecognitionException } from "chevrotain";
import {
  getLexer,
  LBracket,
  LCurly,
  LParen,
  Minus,
  Model,
  RBracket,
  RCurly,
  RParen,
  StringLit,
  Train,
  UnterminatedString,
} from "./tokens.js";
import { getParser } from "./parser.js";
import { buildAst } from "./build-ast.js";
import type { Expr, Program, Item } from "./ast.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceFile, Span } from "../source.js";

export interface ParseResult {
  readonly ast: Program | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(src: SourceFile): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const lexed = getLexer().tokenize(src.text);
  for (const e of lexed.errors) {
    const ch = src.text.slice(e.offset, e.offset + (e.length || 1));
    const shown = /^[\x20-\x7e]$/.test(ch) ? `'${ch}'` : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    diagnostics.push(error("DL1002", `unexpected character ${shown}`, { start: e.offset, end: e.offset + (e.length || 1) }));
  }
  const tokens: IToken[] = [];
  for (const t of lexed.tokens) {
    if (t.tokenType === UnterminatedString) {
      diagnostics.push(error("DL1006", 'unterminated string: it needs a closing `"` on the same line', tokSpan(t)));
      // The parser reads it as the string it was meant to be, so what follows is checked too.
      tokens.push({ ...t, tokenType: StringLit, tokenTypeIdx: StringLit.tokenTypeIdx! });
    } else tokens.push(t);
  }
  if (tokens.length === 0 && diagnostics.length === 0) {
    const what = src.text.trim() === "" ? "the file is empty" : "the file holds only comments";
    diagnostics.push(
      error(
        "DL1003",
        `${what}: expected at least one \`model\``,
        { start: 0, end: 0 },
        { hint: "a .dlm file declares models with `model name(x: [B, ...]) { ... }`" },
      ),
    );
    return { ast: undefined, diagnostics };
  }

  // The parser recurses on brackets and signs: refuse absurd nesting before it overflows the stack.
  const deep = tooDeep(tokens);
  if (deep) return { ast: undefined, diagnostics: dedupe([...diagnostics, deep]) };

  const parser = getParser();
  const items: Item[] = [];
  let at = 0;
  // Chevrotain reports each syntax error with an exception: without stack traces they cost a
  // tenth as much, which matters on junk (hundreds of thousands of errors).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    while (at < tokens.length) {
      // The whole token vector each time, starting at `at` (not a copy of the rest: on junk with
      // a keyword every few tokens, copies made the resynchronization quadratic).
      parser.input = tokens;
      parser.startAt(at);
      const cst = parser.program();
      const errors = parser.errors;
      const redundant = errors.find((e) => e.name === "NotAllInputParsedException");
      for (const e of errors) diagnostics.push(syntaxError(src, e));
      if (errors.length === 0) items.push(...buildAst(cst).items);
      if (!redundant) break;
      // Resume at the next top-level keyword after the token the parser could not use.
      const stuck = tokens.indexOf(redundant.token, at);
      if (stuck < 0) break; // the parser only reports tokens of its input; never loop without progress
      let next = stuck + 1;
      while (next < tokens.length && tokens[next].tokenType !== Model && tokens[next].tokenType !== Train) next++;
      at = next;
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  if (diagnostics.length === 0) diagnostics.push(...items.flatMap(tooDeepExpressions));
  if (diagnostics.length > 0) return { ast: undefined, diagnostics: dedupe(diagnostics) };
  return { ast: { kind: "Program", items, span: { start: 0, end: src.text.length } }, diagnostics };
}

/** Brackets and prefix signs nested deeper than this are refused (the parser recurses on each level). */
export const MAX_NESTING = 64;
/** Expressions deeper than this are refused (lowering recurses on each level, e.g. each stage of `|>`). */
export const MAX_EXPRESSION_DEPTH = 256;

const opening = new Set([LParen, LBracket, LCurly]);
const closing = new Set([RParen, RBracket, RCurly]);

function tooDeep(tokens: readonly IToken[]): Diagnostic | undefined {
  let depth = 0;
  let signs = 0;
  for (const t of tokens) {
    if (opening.has(t.tokenType)) depth++;
    else if (closing.has(t.tokenType)) depth = Math.max(0, depth - 1);
    signs = t.tokenType === Minus ? signs + 1 : 0;
    if (depth + signs > MAX_NESTING) {
      return error("DL1007", `brackets and signs nest more than ${MAX_NESTING} deep here`, tokSpan(t), {
        hint: "split the expression into `let` bindings",
      });
    }
  }
  return undefined;
}

/** Each expression of an item deeper than MAX_EXPRESSION_DEPTH, reported once at its outermost node. */
function tooDeepExpressions(item: Item): Diagnostic[] {
  const roots: Expr[] =
    item.kind === "Model"
      ? [...item.lets.map((l) => l.value), item.output]
      : item.body.flatMap((b) => (b.kind === "Let" ? [b.value] : b.kind === "Step" ? [b.optimizer, b.loss] : [b.value]));
  const out: Diagnostic[] = [];
  for (const root of roots) {
    // Iterative on purpose: this guards the recursive passes, so it must not recurse itself.
    const stack: [Expr, number][] = [[root, 1]];
    let max = 0;
    while (stack.length > 0 && max <= MAX_EXPRESSION_DEPTH) {
      const [e, d] = stack.pop()!;
      max = Math.max(max, d);
      for (const child of children(e)) stack.push([child, d + 1]);
    }
    if (max > MAX_EXPRESSION_DEPTH) {
      out.push(
        error("DL1007", `this expression nests more than ${MAX_EXPRESSION_DEPTH} deep`, root.span, {
          hint: "split it into `let` bindings",
        }),
      );
    }
  }
  return out;
}

function children(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case "Binary":
      return [e.left, e.right];
    case "Unary":
      return [e.operand];
    case "Pipe":
      return [e.input, e.stage];
    case "Call":
      return [e.callee, ...e.args.map((a) => a.value)];
    case "Member":
      return [e.object];
    case "List":
      return e.items;
    default:
      return [];
  }
}

const tokSpan = (t: IToken): Span => ({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 });

function syntaxError(src: SourceFile, e: IRecognitionException): Diagnostic {
  const t = e.token;
  const atEnd = Number.isNaN(t.startOffset) || t.tokenType.name === "EOF";
  const span = atEnd ? endSpan(src) : tokSpan(t);
  return error("DL1001", e.message, span, atEnd ? { hint: "the file ended early: is a `)`, `]` or `}` missing?" } : {});
}

/** The last character of the file (or 0..0 when empty): where "unexpected end" points. */
function endSpan(src: SourceFile): Span {
  const trimmed = src.text.trimEnd().length;
  return trimmed === 0 ? { start: 0, end: 0 } : { start: trimmed - 1, end: trimmed };
}

/** Recovery can report the same spot twice; keep the first report per position. */
function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds
    .filter((d) => {
      const key = `${d.code}:${d.span.start}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.span.start - b.span.start);
}
