// Shape rules and the documentation: every op of the Graph IR has a shape rule; every
// builtin, option, train setting and diagnostic code is documented in docs/language.md
// with the type, range and default of builtins.ts; and unit tests of the shape rules,
// each by lowering and typing a tiny program.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { broadcast } from "../../compiler/ops/kit/shape.js";
import { ops, shapeRuleOf } from "../../compiler/ops/index.js";
import { builtinList, trainSettings, type ArgSpec, type ArgType } from "../../compiler/lang/builtins.js";
import { codes } from "../../compiler/diagnostics/codes.js";
import { frontEnd } from "../../compiler/compile.js";
import type { Eqn, ModelIR, OpName, ProgramIR, Shape } from "../../compiler/ir/ir.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("shape rules", () => {
  // Compile-time: every op of the Graph IR but `call` (ops/call.ts) has a shape rule.
  const rules: Readonly<Record<Exclude<OpName, "call">, { readonly shape: unknown }>> = ops;

  it("every op of the Graph IR has one", () => {
    const graphOps = Object.keys(rules).filter((op) => "shape" in (ops as Record<string, object>)[op]);
    expect(graphOps.length).toBeGreaterThanOrEqual(28);
    expect(graphOps).toContain("conv2d");
    for (const op of graphOps) expect(typeof shapeRuleOf(op as OpName), op).toBe("function");
    expect(typeof shapeRuleOf("call")).toBe("function");
  });
});

// ---------------------------------------------------------------------------------------
// docs/language.md documents every builtin with all its options.
//
// Format (see docs/language.md): each builtin has a heading "#### `name`" followed by an
// options table whose rows read "| `option` | type | default | meaning |". The type and
// default cells are compared with what builtins.ts says, so a changed range or default
// fails here until the reference is updated.

const doc = readFileSync(join(root, "docs/language.md"), "utf8");
const docLines = doc.split("\n");

/** The lines under the first heading that matches `heading`, up to the next heading. */
function sectionBy(heading: RegExp): string[] | undefined {
  const start = docLines.findIndex((l) => /^#{2,6} /.test(l) && heading.test(l.replace(/^#+ /, "")));
  if (start < 0) return undefined;
  const end = docLines.findIndex((l, i) => i > start && /^#{1,6} /.test(l));
  return docLines.slice(start + 1, end < 0 ? undefined : end);
}

/** The section of builtin `name`: the heading "#### `name`" (more text may follow). */
const section = (name: string): string[] | undefined => sectionBy(new RegExp(`^\`${name}\`(\\s|$)`));

/** The cells of the table row for `option` in `lines`, backticks removed. */
function row(lines: readonly string[], option: string): string[] | undefined {
  const line = lines.find((l) => l.startsWith(`| \`${option}\` |`));
  return line
    ?.split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((c) => c.trim().replace(/`/g, "").replace(/\\\|/g, "|"));
}

const bound = (v: number, open: boolean | undefined, lo: boolean): string => (lo ? (open ? "(" : "[") : open ? ")" : "]") + (lo ? v : "");

/** How docs/language.md writes an option's type and allowed range. */
function typeText(t: ArgType): string {
  switch (t.t) {
    case "int":
    case "float": {
      const { min, max } = t;
      const minOpen = t.t === "float" && t.minOpen;
      const maxOpen = t.t === "float" && t.maxOpen;
      if (min !== undefined && max !== undefined) return `${t.t} in ${bound(min, minOpen, true)}, ${max}${bound(max, maxOpen, false)}`;
      if (min !== undefined) return `${t.t} ${minOpen ? ">" : "≥"} ${min}`;
      if (max !== undefined) return `${t.t} ${maxOpen ? "<" : "≤"} ${max}`;
      return t.t;
    }
    case "size2":
      return `int ≥ ${t.min} or [int, int]`;
    case "pad2d":
      return "int ≥ 0, [int, int] or [[int, int], [int, int]]";
    case "enum":
      return t.values.join(" or ");
    case "ints":
      return "list of int";
    case "intlist":
      return `list of int ≥ ${t.min}`;
    case "tensors":
      return `${t.min} or more tensors`;
    case "axes":
      return "int or list of int";
    case "floats":
      return "list of float";
    case "range":
      return "[lo, hi], lo < hi";
    case "strings":
      return "string or list of string";
    default:
      return t.t; // tensor, bool, activation, shape, string
  }
}

/** How docs/language.md writes an option's default: `required`, `none …`, or the value. */
function defaultText(a: ArgSpec): string {
  const d = a.default;
  if (d === undefined) return "required";
  if (d === null) return "none";
  if (Array.isArray(d)) return `[${d.join(", ")}]`;
  if (typeof d === "string" && (a.type.t === "string" || a.type.t === "strings")) return `"${d}"`;
  return String(d);
}

describe("docs/language.md", () => {
  it("has a section for every builtin", () => {
    const missing = builtinList.filter((b) => !section(b.name)).map((b) => b.name);
    expect(missing).toEqual([]);
  });

  for (const b of builtinList) {
    it(`documents every option of ${b.kind} \`${b.name}\` with its type, range and default`, () => {
      const lines = section(b.name);
      expect(lines, `no section "#### \`${b.name}\`"`).toBeDefined();
      for (const a of b.args) {
        const cells = row(lines!, a.name);
        expect(cells, `\`${b.name}\`: no row for option \`${a.name}\``).toBeDefined();
        expect(cells![1], `\`${b.name}(${a.name})\`: type`).toBe(typeText(a.type));
        const d = defaultText(a);
        if (d === "none")
          expect(cells![2].startsWith("none"), `\`${b.name}(${a.name})\`: default "${cells![2]}" should start with none`).toBe(true);
        else expect(cells![2], `\`${b.name}(${a.name})\`: default`).toBe(d);
      }
      // No documented option that the table does not have.
      const documented = lines!.filter((l) => /^\| `[a-z_0-9]+` \|/.test(l)).map((l) => /^\| `([a-z_0-9]+)`/.exec(l)![1]);
      expect(documented.filter((o) => !b.args.some((a) => a.name === o))).toEqual([]);
    });
  }

  it("documents every train setting with its type, range and default", () => {
    const body = sectionBy(/^Train settings/);
    expect(body, 'no heading "Train settings"').toBeDefined();
    for (const s of trainSettings) {
      const cells = row(body!, s.name);
      expect(cells, `no row for setting \`${s.name}\``).toBeDefined();
      if (s.type.t !== "tensor") expect(cells![1], `setting ${s.name}: type`).toBe(typeText(s.type));
      const d = defaultText(s);
      if (d === "none") expect(cells![2].startsWith("none"), `setting ${s.name}: default`).toBe(true);
      else expect(cells![2], `setting ${s.name}: default`).toBe(d);
    }
  });

  it("catalogues every diagnostic code with its title", () => {
    for (const [code, title] of Object.entries(codes)) {
      const line = docLines.find((l) => l.startsWith(`| ${code} |`));
      expect(line, `no row for ${code}`).toBeDefined();
      expect(line!.toLowerCase()).toContain(title.toLowerCase());
    }
  });

  it("writes down the exit codes", () => {
    for (const code of ["0", "1", "2", "3"]) expect(doc).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
  });
});

// ---------------------------------------------------------------------------------------
// Shape rules, each exercised by typing a tiny program.

function typed(src: string): ProgramIR {
  const r = frontEnd("test.dlm", new TextEncoder().encode(src));
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.ir!;
}

function codesOf(src: string): string[] {
  return frontEnd("test.dlm", new TextEncoder().encode(src)).diagnostics.map((d) => d.code);
}

/** The output shapes of `m`'s eqns with the given op, in order. */
function outShapes(m: ModelIR, op: OpName): Shape[] {
  return m.graph.eqns.filter((e: Eqn) => e.op === op).map((e) => m.graph.values[e.outputs[0]].shape!);
}

const model = (input: string, body: string): ModelIR => typed(`model m(x: ${input}) { ${body} }`).models[0];

describe("shape rules", () => {
  it("conv2d: valid and same padding, with strides, kernel [kh, kw, in, filters]", () => {
    const m = model(
      "[B, 28, 28, 3]",
      "x |> conv2d(8, kernel=3) |> conv2d(4, kernel=[3, 5], strides=2, padding=same) |> conv2d(2, 4, strides=[3, 2])",
    );
    expect(outShapes(m, "conv2d")).toEqual([
      ["B", 26, 26, 8],
      ["B", 13, 13, 4],
      ["B", 4, 5, 2],
    ]);
    const params = m.graph.values.filter((v) => v.kind === "param").map((v) => [v.name, v.shape]);
    expect(params).toEqual([
      ["conv2d.kernel", [3, 3, 3, 8]],
      ["conv2d.bias", [8]],
      ["conv2d_1.kernel", [3, 5, 8, 4]],
      ["conv2d_1.bias", [4]],
      ["conv2d_2.kernel", [4, 4, 4, 2]],
      ["conv2d_2.bias", [2]],
    ]);
  });

  it("conv2d: a kernel larger than its input is DL3005 with valid padding, fine with same", () => {
    expect(codesOf("model m(x: [B, 4, 4, 1]) { x |> conv2d(2, kernel=5) }")).toEqual(["DL3005"]);
    expect(outShapes(model("[B, 4, 4, 1]", "x |> conv2d(2, kernel=5, padding=same)"), "conv2d")).toEqual([["B", 4, 4, 2]]);
    expect(codesOf("model m(x: [B, 28, 28]) { x |> conv2d(2, 3) }")).toEqual(["DL3006"]);
  });

  it("pooling: default stride = window, explicit strides, same padding", () => {
    const m = model(
      "[B, 28, 28, 3]",
      "x |> maxpool2d(2) |> maxpool2d([3, 2], strides=1) |> avgpool2d(3, padding=same) |> avgpool2d(pool=2, strides=[1, 2])",
    );
    expect(outShapes(m, "maxpool2d")).toEqual([
      ["B", 14, 14, 3],
      ["B", 12, 13, 3],
    ]);
    expect(outShapes(m, "avgpool2d")).toEqual([
      ["B", 4, 5, 3],
      ["B", 3, 2, 3],
    ]);
    expect(codesOf("model m(x: [B, 1, 5, 1]) { x |> maxpool2d(2) }")).toEqual(["DL3005"]);
  });

  it("reshape and flatten: -1 inferred, element count checked, batch kept", () => {
    const m = model("[B, 4, 6, 2]", "x |> reshape([-1, 3]) |> reshape([2, 2, -1]) |> flatten() |> reshape([48])");
    expect(outShapes(m, "reshape")).toEqual([
      ["B", 16, 3],
      ["B", 2, 2, 12],
      ["B", 48],
      ["B", 48],
    ]);
    expect(codesOf("model m(x: [B, 4, 4, 1]) { x |> reshape([3, -1]) }")).toEqual(["DL3007"]);
    expect(codesOf("model m(x: [B, 4]) { x |> reshape([5]) }")).toEqual(["DL3007"]);
    expect(codesOf("model m(x: [B, 4]) { x |> reshape([2, -1, -1]) }")).toEqual(["DL2008"]);
  });

  it("broadcasting: numpy rules, scalars, size-1 axes; B matches B or 1", () => {
    const m = model(
      "[B, 3, 4]",
      "let a = x + normal([4])\n let b = a * normal([3, 1])\n let c = b - 2\n c / sum(x, axis=[1, 2], keepdims=true)",
    );
    expect(outShapes(m, "add")).toEqual([["B", 3, 4]]);
    expect(outShapes(m, "mul")).toEqual([["B", 3, 4]]);
    expect(outShapes(m, "sub")).toEqual([["B", 3, 4]]);
    expect(outShapes(m, "div")).toEqual([["B", 3, 4]]);
    expect(broadcast(["B", 1], [1, 5])).toEqual(["B", 5]);
    expect(broadcast([], ["B", 2])).toEqual(["B", 2]);
    expect(broadcast(["B", 3], [4])).toBeUndefined();
    expect(codesOf("model m(x: [B, 4]) { x + normal([3]) }")).toEqual(["DL3003"]);
  });

  it("matmul: [..., m, k] @ [k, n], written `@` or matmul(a, b)", () => {
    const m = model("[B, 3, 4]", "let a = x @ normal([4, 5])\n let b = matmul(a, normal([5, 2]))\n b");
    expect(outShapes(m, "matmul")).toEqual([
      ["B", 3, 5],
      ["B", 3, 2],
    ]);
    expect(codesOf("model m(x: [B, 4]) { x @ normal([3, 2]) }")).toEqual(["DL3004"]);
    expect(codesOf("model m(x: [B, 4]) { x @ normal([4, 2, 2]) }")).toEqual(["DL3004"]);
  });

  it("reductions: all axes, chosen axes, negative axes, keepdims", () => {
    const m = model(
      "[B, 3, 4]",
      "let a = sum(x)\n let b = sum(x, axis=1)\n let c = mean(x, axis=[1, -1], keepdims=true)\n let d = mean(x, -1)\n d",
    );
    expect(outShapes(m, "sum")).toEqual([[], ["B", 4]]);
    expect(outShapes(m, "mean")).toEqual([
      ["B", 1, 1],
      ["B", 3],
    ]);
    expect(codesOf("model m(x: [B, 4]) { sum(x, axis=2) }")).toEqual(["DL3010"]);
    expect(codesOf("model m(x: [B, 4]) { mean(x, axis=-3) }")).toEqual(["DL3010"]);
  });

  it("dense and lstm: output and parameter shapes", () => {
    const m = model("[B, 7, 5]", "x |> lstm(6, return_sequences=true) |> dense(3, use_bias=false) |> lstm(2)");
    expect(outShapes(m, "lstm")).toEqual([
      ["B", 7, 6],
      ["B", 2],
    ]);
    expect(outShapes(m, "dense")).toEqual([["B", 7, 3]]);
    const params = m.graph.values.filter((v) => v.kind === "param").map((v) => [v.name, v.shape]);
    expect(params).toEqual([
      ["lstm.kernel", [5, 24]],
      ["lstm.recurrent_kernel", [6, 24]],
      ["lstm.bias", [24]],
      ["dense.kernel", [6, 3]],
      ["lstm_1.kernel", [3, 8]],
      ["lstm_1.recurrent_kernel", [2, 8]],
      ["lstm_1.bias", [8]],
    ]);
  });

  it("activations keep the shape; softmax checks its axis", () => {
    const m = model("[B, 4]", "x |> relu |> sigmoid |> tanh |> leaky_relu(0.1) |> softmax(axis=0) |> linear");
    for (const op of ["relu", "sigmoid", "tanh", "leaky_relu", "softmax"] as const) expect(outShapes(m, op)).toEqual([["B", 4]]);
    expect(codesOf("model m(x: [B, 4]) { x |> softmax(axis=2) }")).toEqual(["DL3010"]);
  });

  it("losses are scalars and check prediction against target", () => {
    const ir = typed(`model m(x: [B, 4]) { x |> dense(3, activation=softmax) }
model b(x: [B, 4]) { x |> dense(1, activation=sigmoid) }
train t(x: [B, 4], y: [B], h: [B, 3]) {
  step m with sgd minimize sparse_categorical_crossentropy(m(x), y) + categorical_crossentropy(m(x), h) + mse(m(x), h)
  step b with sgd minimize binary_crossentropy(b(x), y) + binary_crossentropy(b(x), 0.5)
}`);
    const g = ir.trains[0].graph;
    for (const e of g.eqns.filter((e) => e.op.endsWith("crossentropy") || e.op === "mse")) expect(g.values[e.outputs[0]].shape).toEqual([]);
    expect(
      codesOf(
        "model m(x: [B, 4]) { x |> dense(10, activation=softmax) }\ntrain t(x: [B, 4], y: [B]) { step m with sgd minimize binary_crossentropy(m(x), y) }",
      ),
    ).toEqual(["DL3002"]);
    expect(
      codesOf(
        "model m(x: [B, 4]) { x |> dense(10, activation=softmax) }\ntrain t(x: [B, 4], y: [B, 10]) { step m with sgd minimize sparse_categorical_crossentropy(m(x), y) }",
      ),
    ).toEqual(["DL3002"]);
    expect(codesOf("model m(x: [B, 4]) { x |> dense(1) }\ntrain t(x: [B, 4]) { step m with sgd minimize m(x) }")).toEqual(["DL3009"]);
  });

  it("random sources take their declared shape; model calls check the input shape", () => {
    const ir = typed(
      "model g(z: [B, 8]) { z |> dense(2) }\ntrain t(x: [B, 2]) {\n let n = uniform([B, 8], -1, 1)\n step g with adam minimize mean(g(n) - x) + sum(normal([3]))\n}",
    );
    const g = ir.trains[0].graph;
    const shapes = g.eqns
      .filter((e) => e.op === "uniform" || e.op === "normal" || e.op === "call")
      .map((e) => [e.op, g.values[e.outputs[0]].shape]);
    expect(shapes).toEqual([
      ["uniform", ["B", 8]],
      ["call", ["B", 2]],
      ["normal", [3]],
    ]);
    expect(codesOf("model g(z: [B, 8]) { z |> dense(2) }\ntrain t(x: [B, 4]) { step g with sgd minimize mean(g(x)) }")).toEqual(["DL3001"]);
  });
});
