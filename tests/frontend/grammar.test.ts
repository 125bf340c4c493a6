// The compiler builds its parser without chevrotain's grammar validations (they cost
// start-up time in every `dlm check`); this test runs them, so an ambiguous or
// left-recursive change to the grammar still fails.
import { expect, test } from "vitest";
import { DlmParser } from "../../compiler/syntax/parser.js";
import { parse } from "../../compiler/syntax/parse.js";
import { makeSource } from "../../compiler/source.js";
import type { ModelDecl, Setting } from "../../compiler/syntax/ast.js";
import { frontEnd } from "../../compiler/compile.js";

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

test("the simple form's loss setting is a name or a call with options", () => {
  const src =
    "model m(x: [B, 4]) { x |> dense(3) }\n" +
    "train m {\n  loss huber(delta=0.5)\n  optimizer adam()\n}\n" +
    "train n {\n  loss categorical_crossentropy(from_logits=true, label_smoothing=0.1); optimizer sgd\n}\n" +
    "train k { loss mse optimizer sgd }\n";
  const r = parse(makeSource("t.dlm", src));
  expect(r.diagnostics).toEqual([]);
  const losses = r
    .ast!.items.flatMap((i) => (i.kind === "Train" ? i.body : []))
    .filter((s) => s.kind === "Setting" && s.key.name === "loss");
  const shown = losses.map((s) => {
    const v = (s as Setting).value;
    if (v.kind === "Name") return v.name;
    if (v.kind !== "Call" || v.callee.kind !== "Name") return "?";
    return `${v.callee.name}(${v.args.map((a) => `${a.name?.name}=${src.slice(a.value.span.start, a.value.span.end)}`).join(", ")})`;
  });
  expect(shown).toEqual(["huber(delta=0.5)", "categorical_crossentropy(from_logits=true, label_smoothing=0.1)", "mse"]);
});

test("the simple form lowers a loss call's options into its loss eqn, and checks them", () => {
  const model = "model m(x: [B, 4]) { x |> dense(3) }\n";
  const lossOf = (setting: string) => {
    const r = frontEnd("t.dlm", new TextEncoder().encode(`${model}train m {\n  loss ${setting}\n  optimizer adam()\n}\n`));
    const t = r.ir?.trains[0];
    const e = t?.graph.eqns.find((q) => q.outputs[0] === t.steps[0].loss);
    return { codes: r.diagnostics.filter((d) => d.severity === "error").map((d) => d.code), op: e?.op, attrs: e?.attrs };
  };
  expect(lossOf("huber(delta=0.5)")).toMatchObject({ codes: [], op: "huber", attrs: { delta: 0.5 } });
  expect(lossOf("huber")).toMatchObject({ codes: [], op: "huber", attrs: { delta: 1 } });
  expect(lossOf("huber(0.25)")).toMatchObject({ codes: [], op: "huber", attrs: { delta: 0.25 } });
  expect(lossOf("categorical_crossentropy(from_logits=true, label_smoothing=0.1)")).toMatchObject({
    codes: [],
    attrs: { from_logits: true, label_smoothing: 0.1 },
  });
  expect(lossOf("huber(delta=0)").codes).toEqual(["DL2008"]);
  expect(lossOf("binary_crossentropy(label_smoothing=1.5)").codes).toEqual(["DL2008"]);
  expect(lossOf("mse(0.5)").codes).toEqual(["DL2004"]);
  expect(lossOf("huber(prediction=x)").codes).toEqual(["DL2004"]);
  expect(lossOf("huber(detla=0.5)").codes).toEqual(["DL2002"]);
  expect(lossOf("sparse_categorical_crossentropy(label_smoothing=0.1)").codes).toEqual(["DL2002"]);
});
