// chevrotain, loaded from the single-file ES module bundle the package ships.
//
// The package's entry point loads about 640 modules (it imports lodash-es file by file):
// half a second of every `dlm check`. The bundle in the same package (same version, same
// code) loads in ~30 ms. Its path is not in the package's `exports`, so it is found next
// to the entry point; the types still come from the package.
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

type Chevrotain = typeof import("chevrotain");

const entry = createRequire(import.meta.url).resolve("chevrotain"); // <pkg>/lib/src/api.js
const bundle = path.join(path.dirname(entry), "..", "chevrotain.mjs");
const chevrotain = (await import(pathToFileURL(bundle).href)) as Chevrotain;

export const { createToken, Lexer, CstParser, EOF } = chevrotain;
/** The classes' instance types, under their usual names. */
export type Lexer = InstanceType<Chevrotain["Lexer"]>;
export type CstParser = InstanceType<Chevrotain["CstParser"]>;
export type { CstNode, IToken, CstElement, TokenType, IParserErrorMessageProvider, IRecognitionException } from "chevrotain";
