// Calls between models: a model's depth (1 + the largest depth among the models it calls)
// and its limit (DL2022), cycles (DL2021) and the callees-first order, none of which may
// depend on the order in which the models are declared.
import { describe, expect, it } from "vitest";
import { frontEnd, type FrontEndResult } from "../../compiler/compile.js";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { MAX_MODEL_NESTING } from "../../compiler/frontend/lower.js";

const check = (lines: readonly string[]) => frontEnd("calls.dlm", new TextEncoder().encode(lines.join("\n") + "\n"));

/** Models m0 … m(n-1), each calling the one before (m0 calls none), so m(n-1) has depth n. */
const chain = (n: number, call = (i: number) => `m${i - 1}`): string[] =>
  Array.from({ length: n }, (_, i) => `model m${i}(x: [B, 2]) { x |> ${i ? `${call(i)} |> ` : ""}dense(2) }`);

const orders = ["callees first", "callers first"] as const;
const inOrder = (lines: readonly string[], order: (typeof orders)[number]) => (order === "callees first" ? lines : [...lines].reverse());

/** A diagnostic by what it says and where: the model whose body holds it and the text under it. */
function where(r: FrontEndResult, d: Diagnostic) {
  const text = r.source.text;
  const decl = text.lastIndexOf("model ", d.span.start);
  return {
    code: d.code,
    message: d.message,
    model: /^model (\w+)/.exec(text.slice(decl))![1],
    at: text.slice(d.span.start, d.span.end),
    notes: (d.notes ?? []).map((n) => n.message),
  };
}

describe("a chain of model calls may be MAX_MODEL_NESTING models long, declared in any order", () => {
  it("the limit is 1000", () => expect(MAX_MODEL_NESTING).toBe(1000));

  it.each(orders)("a chain of exactly the limit compiles, declared %s, callees first in the IR", (order) => {
    const r = check(inOrder(chain(MAX_MODEL_NESTING), order));
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.models.map((m) => m.name)).toEqual(Array.from({ length: MAX_MODEL_NESTING }, (_, i) => `m${i}`));
  });

  it("one model more is DL2022 once, at the same call in both orders, naming the chain", () => {
    const found = orders.map((order) => {
      const r = check(inOrder(chain(MAX_MODEL_NESTING + 1), order));
      expect(r.diagnostics).toHaveLength(1);
      return where(r, r.diagnostics[0]);
    });
    expect(found[0]).toEqual({
      code: "DL2022",
      message: `models call each other more than ${MAX_MODEL_NESTING} deep`,
      model: `m${MAX_MODEL_NESTING}`,
      at: `m${MAX_MODEL_NESTING - 1}`,
      notes: [`this call makes a chain of 1001 models: \`m1000\` → \`m999\` → \`m998\` → … → \`m2\` → \`m1\` → \`m0\``],
    });
    expect(found[1]).toEqual(found[0]);
  });

  it("callers of a model that is too deep are not reported again", () => {
    const over = chain(MAX_MODEL_NESTING + 3);
    const r = check([...over].reverse());
    expect(r.diagnostics.map((d) => where(r, d).model)).toEqual([`m${MAX_MODEL_NESTING}`]);
  });

  it.each(orders)("a diamond adds one level, not two: declared %s", (order) => {
    // a calls b and c, both call d: depth(a) = depth(d) + 2. With d at the top of a chain
    // of MAX - 2 models, a has depth MAX; one more model in the chain takes a over, at its
    // first deepest call (b).
    const diamond = (n: number) => [
      ...chain(n),
      `model d(x: [B, 2]) { x |> m${n - 1} |> dense(2) }`,
      "model b(x: [B, 2]) { x |> d }",
      "model c(x: [B, 2]) { d(x) |> relu }",
      "model a(x: [B, 2]) { let h = x |> b\n  h + c(x) }",
    ];
    expect(check(inOrder(diamond(MAX_MODEL_NESTING - 3), order)).diagnostics).toEqual([]);
    const r = check(inOrder(diamond(MAX_MODEL_NESTING - 2), order));
    expect(r.diagnostics.map((d) => where(r, d))).toEqual([
      expect.objectContaining({
        code: "DL2022",
        model: "a",
        at: "b",
        notes: ["this call makes a chain of 1001 models: `a` → `b` → `d` → … → `m2` → `m1` → `m0`"],
      }),
    ]);
  });

  it("a small diamond compiles and its models come callees first", () => {
    const r = check([
      "model a(x: [B, 2]) { b(x) + c(x) }",
      "model b(x: [B, 2]) { x |> d |> dense(2) }",
      "model c(x: [B, 2]) { x |> d }",
      "model d(x: [B, 2]) { x |> dense(2) }",
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.ir!.models.map((m) => m.name)).toEqual(["d", "b", "c", "a"]);
  });
});

describe("a model that calls itself, directly or through others (DL2021)", () => {
  const cycle = ["model a(x: [B, 2]) { x |> b |> dense(2) }", "model b(x: [B, 2]) { c(x) }", "model c(x: [B, 2]) { x |> relu |> a }"];
  const permutations = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];

  it.each(permutations)("a cycle of 3 models is reported once, declared in the order %i %i %i", (...p) => {
    const r = check(p.map((i) => cycle[i]));
    expect(r.diagnostics).toHaveLength(1);
    const d = where(r, r.diagnostics[0]);
    expect(d.code).toBe("DL2021");
    // The call that closes the cycle depends on where the search starts; the message names its callee.
    expect(d.message).toBe(`model \`${d.at}\` calls itself`);
    expect(d.notes[0]).toBe(`\`${d.at}\` is declared here`);
    expect(d.notes[1]).toMatch(/^through the cycle `(\w)` → `\w` → `\w` → `\1`$/);
  });

  it("the cycle's note follows the calls; models that only call into a cycle are not reported", () => {
    const r = check([...cycle, "model e(x: [B, 2]) { x |> a |> dense(1) }", "model f(x: [B, 2]) { x |> dense(2) |> e }"]);
    expect(r.diagnostics.map((d) => where(r, d))).toEqual([
      {
        code: "DL2021",
        message: "model `a` calls itself",
        model: "c",
        at: "a",
        notes: ["`a` is declared here", "through the cycle `a` → `b` → `c` → `a`"],
      },
    ]);
  });

  it("other errors in the models of a cycle are still reported", () => {
    const r = check(["model a(x: [B, 2]) { let h = x |> dense2d(2)\n  b(x) }", "model b(x: [B, 2]) { a(x) }"]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["DL2001", "DL2021"]);
  });

  it("an input or an earlier let of a model's name hides the model: no call, no cycle", () => {
    expect(check(["model a(a: [B, 2]) { a |> dense(2) }", "model b(b: [B, 2]) { let a = b |> a\n  a |> dense(1) }"]).diagnostics).toEqual(
      [],
    );
    // `x |> a` pipes into the let `a`, not the model: DL2018, and a → b → a is no cycle.
    const r = check(["model a(x: [B, 2]) { x |> b }", "model b(x: [B, 2]) { let a = x |> dense(2)\n  x |> a }"]);
    expect(r.diagnostics.map((d) => where(r, d))).toEqual([
      { code: "DL2018", message: "`a` is a tensor, not a function", model: "b", at: "a", notes: [] },
    ]);
  });
});
