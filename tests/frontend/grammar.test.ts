// The compiler builds its parser without chevrotain's grammar validations (they cost
// start-up time in every `dlm check`); this test runs them, so an ambiguous or
// left-recursive change to the grammar still fails.
import { expect, test } from "vitest";
import { DlmParser } from "../../compiler/syntax/parser.js";
import { parse } from "../../compiler/syntax/parse.js";
import { makeSource } from "../../compiler/source.js";
import type { ModelDecl } from "../../compiler/syntax/ast.js";

test("the grammar passes chevrotain's validations", () => {
  expect(() => new DlmParser(true)).not.toThrow();
});

test("a let binds one name or several, separated by commas", () => {
  const src = "model m(x: [B, 4]) {\n  let h = x\n  let a, b = x |> split(2);\n  a\n}\n";
  const r = parse(makeSource("t.dlm", src));
  expect(r.diagnostics).toEqual([]);
  const m = r.ast!.items[0] as ModelDecl;
  expect(m.lets.map((l) => l.names.map((n) => n.name))).toEqual([["h"], ["a", "b"]]);
  expect(src.slice(m.lets[1].names[1].span.start, m.lets[1].names[1].span.end)).toBe("b");
});

test("a let's names need a name after each comma and an `=`", () => {
  for (const bad of ["let a, = x", "let a b = x", "let , a = x", "let a, b x"]) {
    const r = parse(makeSource("t.dlm", `model m(x: [B, 4]) {\n  ${bad}\n  x\n}\n`));
    expect(
      r.diagnostics.map((d) => d.code),
      bad,
    ).toContain("DL1001");
  }
});
