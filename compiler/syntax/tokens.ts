// The tokens of the .dlm language (chevrotain). Keywords are few: everything else a
// model uses (layers, activations, losses, settings) is an identifier resolved later,
// so a misspelt layer gets a "did you mean" instead of a syntax error.
import { createToken, Lexer, type TokenType } from "./chevrotain.js";

export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /(?:#|\/\/)[^\n]*/, group: Lexer.SKIPPED });

export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const keyword = (name: string, word: string) =>
  createToken({ name, pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });

export const Model = keyword("Model", "model");
export const Train = keyword("Train", "train");
export const Let = keyword("Let", "let");
export const Step = keyword("Step", "step");
export const With = keyword("With", "with");
export const Minimize = keyword("Minimize", "minimize");
export const True = keyword("True", "true");
export const False = keyword("False", "false");

export const NumberLit = createToken({
  name: "NumberLit",
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
  label: "number",
});
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\n]|\\.)*"/, label: "string" });
/** A string with no closing quote on its line; reported as DL1006 by the parser driver. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n]|\\.)*/ });

const punct = (name: string, pattern: string | RegExp, label: string) => createToken({ name, pattern, label });
export const Pipe = punct("Pipe", "|>", "'|>'");
/** `map a -> b` in the block of an `init` setting. */
export const Arrow = punct("Arrow", "->", "'->'");
export const LParen = punct("LParen", "(", "'('");
export const RParen = punct("RParen", ")", "')'");
export const LBracket = punct("LBracket", "[", "'['");
export const RBracket = punct("RBracket", "]", "']'");
export const LCurly = punct("LCurly", "{", "'{'");
export const RCurly = punct("RCurly", "}", "'}'");
export const Comma = punct("Comma", ",", "','");
export const Colon = punct("Colon", ":", "':'");
export const Semicolon = punct("Semicolon", ";", "';'");
export const Equals = punct("Equals", "=", "'='");
export const Dot = punct("Dot", ".", "'.'");
export const Plus = punct("Plus", "+", "'+'");
export const Minus = punct("Minus", "-", "'-'");
export const Star = punct("Star", "*", "'*'");
export const Slash = punct("Slash", "/", "'/'");
export const At = punct("At", "@", "'@'");

/** Order matters: comments before '/', keywords before identifiers, numbers before '.'. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Model,
  Train,
  Let,
  Step,
  With,
  Minimize,
  True,
  False,
  Identifier,
  NumberLit,
  StringLit,
  UnterminatedString,
  Pipe,
  Arrow,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
  Comma,
  Colon,
  Semicolon,
  Equals,
  Dot,
  Plus,
  Minus,
  Star,
  Slash,
  At,
];

let lexer: Lexer | undefined;
/**
 * The lexer is built on first use (construction validates the token set). "full" position
 * tracking because spans need each token's end offset (chevrotain's "onlyOffset" records
 * only the start, which would leave every span one character long).
 */
export function getLexer(): Lexer {
  lexer ??= new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
  return lexer;
}
