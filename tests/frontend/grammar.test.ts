// The compiler builds its parser without chevrotain's grammar validations (they cost
// start-up time in every `dlm check`); this test runs them, so an ambiguous or
// left-recursive change to the grammar still fails.
import { expect, test } from "vitest";
import { DlmParser } from "../../compiler/syntax/parser.js";

test("the grammar passes chevrotain's validations", () => {
  expect(() => new DlmParser(true)).not.toThrow();
});
