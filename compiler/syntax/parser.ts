// The .dlm grammar as a chevrotain CstParser with error recovery on, so that one run
// reports every syntax error it can. The grammar (docs/language.md has it in EBNF):
//
//   program    = { model | train } ;
//   model      = "model" IDENT "(" [ params ] ")" "{" { let } expr [ ";" ] "}" ;
//   train      = "train" IDENT [ "(" [ params ] ")" ] "{" { let | step | setting } "}" ;
//   params     = param { "," param } ;            param = IDENT ":" [ IDENT ] shape ;   (the IDENT: a dtype, i32 or f32)
//   shape      = "[" [ dim { "," dim } ] "]" ;     dim   = NUMBER | IDENT ;
//   let        = "let" IDENT { "," IDENT } "=" expr [ ";" ] ;
//   step       = "step" IDENT "with" expr "minimize" expr [ ";" ] ;
//   setting    = IDENT expr [ "{" { directive } "}" ] [ ";" ] ;    (the block: `init`'s `map` and `exclude` lines)
//   directive  = IDENT path [ "->" path ] [ ";" ] ;   path = IDENT { "/" IDENT } ;
//   expr       = additive { "|>" additive } ;                 (lowest precedence)
//   additive   = multiplicative { ("+" | "-") multiplicative } ;
//   multiplicative = unary { ("*" | "/" | "@") unary } ;
//   unary      = "-" unary | postfix ;
//   postfix    = primary { "." IDENT | "(" [ arg { "," arg } ] ")" } ;
//   arg        = [ IDENT "=" ] expr ;
//   primary    = NUMBER | STRING | "true" | "false" | IDENT | "(" expr ")" | "[" [ expr { "," expr } ] "]" ;
import { CstParser, EOF, type IParserErrorMessageProvider, type TokenType, type IToken } from "./chevrotain.js";
import * as T from "./tokens.js";

const tokenName = (t: TokenType): string => (t === EOF ? "end of file" : (t.LABEL ?? t.name));
/** A token as messages show it; a very long one (a runaway identifier in junk) is cut. */
const shown = (t: IToken): string =>
  t.tokenType === EOF ? "end of file" : `'${t.image.length > 40 ? `${t.image.slice(0, 30)}…` : t.image}'`;
const expressionStarts = new Set(["NumberLit", "StringLit", "True", "False", "Identifier", "LParen", "LBracket", "Minus"]);

/** Short messages in the user's terms instead of chevrotain's defaults. */
const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    expected === EOF
      ? `expected \`model\` or \`train\` at the top level but found ${shown(actual)}`
      : `expected ${tokenName(expected)} but found ${shown(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) =>
    `expected \`model\` or \`train\` at the top level but found ${shown(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual, ruleName }) => {
    const firsts = new Set<string>();
    for (const alt of expectedPathsPerAlt) for (const path of alt) if (path[0]) firsts.add(path[0].name);
    const found = shown(actual[0]);
    if ([...firsts].every((n) => expressionStarts.has(n)) || ruleName === "primary") return `expected an expression but found ${found}`;
    if (ruleName === "item") return `expected \`model\` or \`train\` but found ${found}`;
    if (ruleName === "dim") return `expected a dimension (a number or \`B\`) but found ${found}`;
    const names = [...expectedPathsPerAlt.flat().map((p) => (p[0] ? tokenName(p[0]) : "?"))];
    return `expected ${[...new Set(names)].join(" or ")} but found ${found}`;
  },
  buildEarlyExitMessage: ({ actual, ruleName }) => `expected ${ruleName === "program" ? "a model" : "more"} but found ${shown(actual[0])}`,
};

export class DlmParser extends CstParser {
  /**
   * `validate` runs chevrotain's grammar checks (ambiguities, left recursion): a test does
   * (tests/frontend/rules.test.ts); the compiler skips them, which halves the parser's
   * construction time in every `dlm check`.
   */
  constructor(validate = false) {
    super(T.allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      nodeLocationTracking: "onlyOffset",
      errorMessageProvider: messages,
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
  }

  /**
   * Makes the next rule start at token `index` of the input (instead of 0), through the hook
   * chevrotain's own backtracking uses to restore its position (the token index minus one).
   */
  startAt(index: number): void {
    (this as unknown as { importLexerState(state: number): void }).importLexerState(index - 1);
  }

  program = this.RULE("program", () => {
    this.MANY(() => this.SUBRULE(this.item));
  });

  item = this.RULE("item", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.modelDecl) }, { ALT: () => this.SUBRULE(this.trainDecl) }]);
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LParen);
    this.OPTION(() => this.SUBRULE(this.params));
    this.CONSUME(T.RParen);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.letStmt));
    this.SUBRULE(this.expression);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
    this.CONSUME(T.RCurly);
  });

  trainDecl = this.RULE("trainDecl", () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.OPTION2(() => this.SUBRULE(this.params));
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.LCurly);
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.stepStmt) },
        { ALT: () => this.SUBRULE(this.setting) },
      ]),
    );
    this.CONSUME(T.RCurly);
  });

  params = this.RULE("params", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.param) });
  });

  param = this.RULE("param", () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.OPTION(() => this.CONSUME2(T.Identifier));
    this.SUBRULE(this.shape);
  });

  shape = this.RULE("shape", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.dim) });
    this.CONSUME(T.RBracket);
  });

  dim = this.RULE("dim", () => {
    this.OR([{ ALT: () => this.CONSUME(T.NumberLit) }, { ALT: () => this.CONSUME(T.Identifier) }]);
  });

  letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Let);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  stepStmt = this.RULE("stepStmt", () => {
    this.CONSUME(T.Step);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.With);
    this.SUBRULE(this.expression, { LABEL: "optimizer" });
    this.CONSUME(T.Minimize);
    this.SUBRULE2(this.expression, { LABEL: "loss" });
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  setting = this.RULE("setting", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.expression);
    this.OPTION2(() => {
      this.CONSUME(T.LCurly);
      this.MANY(() => this.SUBRULE(this.directive));
      this.CONSUME(T.RCurly);
    });
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  directive = this.RULE("directive", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.SUBRULE2(this.path);
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  path = this.RULE("path", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Slash, DEF: () => this.CONSUME(T.Identifier) });
  });

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.additive);
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: "op" }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: "op" }) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.At, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.unary);
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.MANY(() => this.SUBRULE(this.suffix));
  });

  suffix = this.RULE("suffix", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Dot);
          this.CONSUME(T.Identifier);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.arg) });
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  arg = this.RULE("arg", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Equals,
      DEF: () => {
        this.CONSUME(T.Identifier);
        this.CONSUME(T.Equals);
      },
    });
    this.SUBRULE(this.expression);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLit) },
      { ALT: () => this.CONSUME(T.StringLit) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Identifier) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LBracket);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expression) });
          this.CONSUME(T.RBracket);
        },
      },
    ]);
  });
}

let parser: DlmParser | undefined;
/** One parser per process: construction (grammar self-analysis) is the expensive part. */
export function getParser(): DlmParser {
  parser ??= new DlmParser();
  return parser;
}
