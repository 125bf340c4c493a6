// The shape ops in the front end: binding of the variadic `concat` (positional tensors, the
// pipeline, named options), `let` of several names in models and train blocks, the shape
// rules' results, and the summary rows (one `split` row for all its parts).
import { describe, expect, it } from "vitest";
import { frontEnd } from "../../compiler/compile.js";
import { summarize } from "../../compiler/summary.js";
import type { ModelIR, ProgramIR } from "../../compiler/ir/ir.js";

function typed(src: string): ProgramIR {
  const r = frontEnd("t.dlm", new TextEncoder().encode(src));
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.ir!;
}
const codesOf = (src: string): string[] => frontEnd("t.dlm", new TextEncoder().encode(src)).diagnostics.map((d) => d.code);
const out = (m: ModelIR) => m.graph.values[m.graph.outputs[0]].shape;

describe("concat binding", () => {
  it("x |> concat(y, z) is concat(x, y, z); options after the tensors are named", () => {
    const a = typed("model m(x: [B, 2], y: [B, 3], z: [B, 4]) { x |> concat(y, z) }").models[0];
    const b = typed("model m(x: [B, 2], y: [B, 3], z: [B, 4]) { concat(x, y, z, axis=-1) }").models[0];
    const eqn = (m: ModelIR) => m.graph.eqns.find((e) => e.op === "concat")!;
    expect(eqn(a).inputs).toEqual(eqn(b).inputs);
    expect(eqn(a).inputs.map((id) => a.graph.values[id].name)).toEqual(["x", "y", "z"]);
    expect(out(a)).toEqual(["B", 9]);
  });

  it("joins along a middle axis, and a [1, k] tensor with a [B, k] one", () => {
    expect(out(typed("model m(x: [B, 2, 5], y: [B, 3, 5]) { concat(x, y, axis=1) }").models[0])).toEqual(["B", 5, 5]);
    expect(out(typed("model m(x: [B, 2, 5], y: [B, 3, 5]) { concat(x, y, axis=-2) }").models[0])).toEqual(["B", 5, 5]);
    expect(out(typed("model m(x: [B, 3]) { concat(mean(x, axis=0, keepdims=true), x) }").models[0])).toEqual(["B", 6]);
  });

  it("reports its mistakes at the call", () => {
    expect(codesOf("model m(x: [B, 3]) { concat(inputs=x) }")).toEqual(["DL2003"]);
    expect(codesOf("model m(x: [B, 3]) { concat(x) }")).toEqual(["DL2004"]);
    expect(codesOf("model m(x: [B, 3], y: [B, 3]) { concat(x, y, axis=2) }")).toEqual(["DL3010"]);
    expect(codesOf("model m(x: [B, 3], y: [B, 3]) { concat(x, y, axis=-2) }")).toEqual(["DL3010"]);
    expect(codesOf("model m(x: [B, 3], y: [B, 3, 1]) { concat(x, y) }")).toEqual(["DL3003"]);
    expect(codesOf("model m(x: [B, 3], y: [B, 3]) { concat(x, y, axes=1) }")).toEqual(["DL2002"]);
  });
});

describe("slice, split, transpose", () => {
  it("shapes", () => {
    const m = (body: string) => out(typed(`model m(x: [B, 4, 6, 2]) { ${body} }`).models[0]);
    expect(m("x |> slice([1, 0, 1], [-1, 3, 1])")).toEqual(["B", 3, 3, 1]);
    expect(m("x |> transpose([2, 0, 1])")).toEqual(["B", 2, 4, 6]);
    expect(m("let a, b, c = x |> split(3, axis=2)\n concat(c, b, a, axis=2)")).toEqual(["B", 4, 6, 2]);
    expect(m("let a, b = x |> split(2, axis=1)\n a")).toEqual(["B", 2, 6, 2]);
    expect(m("let a = x |> split(1)\n a")).toEqual(["B", 4, 6, 2]);
  });

  it("reports its mistakes", () => {
    const codes = (body: string) => codesOf(`model m(x: [B, 4, 6]) { ${body} }`);
    expect(codes("x |> slice([0], [2])")).toEqual(["DL3006"]);
    expect(codes("x |> slice([4, 0], [1, 1])")).toEqual(["DL3013"]);
    expect(codes("x |> slice([0, 0], [0, 1])")).toEqual(["DL3013"]);
    expect(codes("x |> slice([-1, 0], [1, 1])")).toEqual(["DL2008"]);
    expect(codes("x |> transpose([0, 0])")).toEqual(["DL3015"]);
    expect(codes("x |> transpose([0, 1, 2])")).toEqual(["DL3015"]);
    expect(codes("let a, b = x |> split(2, axis=0)\n a")).toEqual(["DL3010"]);
    expect(codes("let a, b, c, d = x |> split(4, axis=-1)\n a")).toEqual(["DL3014"]);
    expect(codes("let a, a = x |> split(2)\n a")).toEqual(["DL2006"]);
    expect(codes("let x, b = x |> split(2)\n b")).toEqual(["DL2006"]);
  });

  it("a let of several names in a train block", () => {
    const ir = typed(`model m(x: [B, 3]) { x |> dense(2) }
train t(x: [B, 6]) {
  let a, b = x |> split(2)
  step m with sgd(lr=0.1) minimize mean(m(a) * m(b))
}
`);
    expect(ir.trains[0].lets.map((l) => l.name)).toEqual(["a", "b"]);
    expect(ir.trains[0].lets.map((l) => ir.trains[0].graph.values[l.value].shape)).toEqual([
      ["B", 3],
      ["B", 3],
    ]);
  });

  it("summary rows: one split row for its parts, Keras names", () => {
    const ir = typed(`model m(x: [B, 6], y: [B, 4, 3]) {
  let a, b, c = x |> split(3)
  let t = y |> transpose([1, 0]) |> slice([0, 1], [-1, 2])
  concat(a, b |> dense(5), c, axis=1) |> concat(t |> flatten()) |> dense(2)
}
`);
    const rows = summarize(ir.models[0], new Map())
      .split("\n")
      .filter((l) => /^ \w+ \([A-Z]/.test(l))
      .map((l) => l.trim().split(/\s{2,}/));
    expect(rows.slice(0, 5)).toEqual([
      ["split (Split)", "(None, 2)", "0"],
      ["permute (Permute)", "(None, 3, 4)", "0"],
      ["slice (Slice)", "(None, 3, 2)", "0"],
      ["dense (Dense)", "(None, 5)", "15"],
      ["concatenate (Concatenate)", "(None, 9)", "0"],
    ]);
  });
});
