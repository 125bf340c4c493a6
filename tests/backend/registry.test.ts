// The back end's rule tables (DESIGN.md §4: "a test fails when any op lacks a rule"):
// every op of the training IR — the TOp union of compiler/ir/train-ir.ts — has a VJP rule
// in vjpRules and a TypeScript rule in emitTs, apart from an explicit list of allowed gaps.
// The op list is read from the source text of ir.ts and train-ir.ts, so it cannot drift
// from the types. (Exporting `const tOps = [...] as const` with
// `type TOp = (typeof tOps)[number]` from train-ir.ts would make the parse unnecessary.)
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { vjpRules } from "../../compiler/rules/vjp-rules.js";
import { aliasOps, emitTs } from "../../compiler/emit/ts-rules.js";
import { frontEnd } from "../../compiler/compile.js";
import { schedule } from "../../compiler/passes/schedule.js";
import { root } from "../helpers/trainer.js";

/**
 * Ops allowed to lack a rule, per table. `lstm` was the one allowed gap until the RNN work
 * gave it rules (it is expanded into `dense` + `lstm_scan` by inlining, see below); the
 * list is now empty, and the test fails if it changes either way.
 */
const ALLOWED_GAPS: Readonly<Record<"vjpRules" | "emitTs", readonly string[]>> = { vjpRules: [], emitTs: [] };

/** Ops that inlining rewrites away: their rules only throw an internal error. */
const LOWERED_AWAY = ["dropout", "lstm"];

const source = (file: string) => readFileSync(path.join(root, file), "utf8");

/** The string members of `export type <name> = ...;` in `text` (comments stripped). */
function unionBody(text: string, name: string): string {
  const m = new RegExp(`export type ${name}\\s*=([\\s\\S]*?);`).exec(text);
  if (!m) throw new Error(`cannot find \`export type ${name} = ...;\``);
  return m[1]
    .replace(/\/\/[^\n]*/g, "")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .trim();
}

/**
 * Resolves a union of string literals, names of other such unions (of ir.ts and
 * train-ir.ts) and `Exclude<Name, "a" | "b">`; anything else is an error, so a new kind of
 * member cannot be silently skipped.
 */
function resolveUnion(name: string, texts: readonly string[], seen = new Set<string>()): string[] {
  if (seen.has(name)) throw new Error(`cyclic type ${name}`);
  seen.add(name);
  const text = texts.find((t) => new RegExp(`export type ${name}\\s*=`).test(t));
  if (!text) throw new Error(`type ${name} not found in ir.ts or train-ir.ts`);
  const body = unionBody(text, name);
  const members: string[] = [];
  // Split on top-level `|` (not inside Exclude<...>).
  let depth = 0;
  let part = "";
  const parts: string[] = [];
  for (const ch of body) {
    if (ch === "<") depth++;
    if (ch === ">") depth--;
    if (ch === "|" && depth === 0) {
      parts.push(part.trim());
      part = "";
    } else part += ch;
  }
  parts.push(part.trim());
  for (const p of parts.filter((q) => q !== "")) {
    let m: RegExpExecArray | null;
    if ((m = /^"([A-Za-z0-9_]+)"$/.exec(p))) members.push(m[1]);
    else if ((m = /^Exclude<\s*([A-Za-z]+)\s*,\s*([^>]+)>$/.exec(p))) {
      const drop = [...m[2].matchAll(/"([A-Za-z0-9_]+)"/g)].map((x) => x[1]);
      expect(m[2].replace(/"[A-Za-z0-9_]+"/g, "").replace(/[|\s]/g, ""), `Exclude<${m[1]}, ...> must list string literals`).toBe("");
      const from = resolveUnion(m[1], texts, new Set(seen));
      for (const d of drop) expect(from, `${name} excludes "${d}", which ${m[1]} does not have`).toContain(d);
      members.push(...from.filter((x) => !drop.includes(x)));
    } else if (/^[A-Z][A-Za-z0-9]*$/.test(p)) members.push(...resolveUnion(p, texts, new Set(seen)));
    else throw new Error(`unexpected member \`${p}\` in type ${name}`);
  }
  return members;
}

describe("the training IR's ops", () => {
  const texts = [source("compiler/ir/ir.ts"), source("compiler/ir/train-ir.ts")];
  const tOps = resolveUnion("TOp", texts);
  const opNames = resolveUnion("OpName", texts);

  it("are read from train-ir.ts: the IR's ops minus `call`, plus dropout_mask and the gradient ops", () => {
    expect(new Set(tOps).size).toBe(tOps.length);
    expect(tOps).not.toContain("call");
    for (const op of opNames.filter((o) => o !== "call")) expect(tOps).toContain(op);
    for (const op of ["dropout_mask", "loss_grad", "conv2d_grad_input", "maxpool2d_grad", "matmul_nt", "sum_to", "broadcast_to"])
      expect(tOps).toContain(op);
    expect(tOps.length).toBeGreaterThanOrEqual(45);
  });

  for (const [tableName, table] of [
    ["vjpRules", vjpRules],
    ["emitTs", emitTs],
  ] as const) {
    it(`each has a rule in ${tableName}, apart from the listed gaps`, () => {
      const rules = table as Readonly<Record<string, unknown>>;
      const gaps = tOps.filter((op) => typeof rules[op] !== "function");
      expect(gaps, `ops without a rule in ${tableName}`).toEqual([...ALLOWED_GAPS[tableName]]);
    });

    it(`${tableName} has no rules for ops that do not exist`, () => {
      expect(Object.keys(table).filter((k) => !tOps.includes(k))).toEqual([]);
    });
  }

  it("alias ops (a new name for a buffer) are ops of the IR", () => {
    for (const op of aliasOps) expect(tOps).toContain(op);
  });
});

describe("ops lowered away before autodiff and emission", () => {
  it.each(LOWERED_AWAY)("%s: its rules only throw an internal error", (op) => {
    const eqn = { op, inputs: [0], outputs: [1], attrs: {}, span: { start: 0, end: 0 } };
    const vjp = (vjpRules as Record<string, (c: unknown) => unknown>)[op];
    const emit = (emitTs as Record<string, (c: unknown) => unknown>)[op];
    expect(() => vjp({ eqn, dy: 2, needs: [true], value: () => ({ shape: [] }), emit: () => 3 })).toThrow(/internal/);
    expect(() =>
      emit({ eqn, value: () => ({ shape: [] }), buf: () => "b", size: () => "n", hoist: () => "H", scratch: () => "S" }),
    ).toThrow(/internal/);
  });

  it("no scheduled example program contains them, and every op it does contain has both rules", () => {
    const seen = new Set<string>();
    for (const file of ["cnn", "mlp", "regression", "rnn", "gan", "gan_stabilized"]) {
      const rel = `dsl-examples/${file}.dlm`;
      const front = frontEnd(rel, readFileSync(path.join(root, rel)));
      expect(front.diagnostics, rel).toEqual([]);
      for (const train of front.ir!.trains) {
        const { tp, diagnostics } = schedule(front.ir!, train);
        expect(diagnostics, rel).toEqual([]);
        const eqns = [
          ...tp!.constants,
          ...tp!.lets,
          ...tp!.steps.flatMap((s) => [...s.forward, ...s.backward]),
          ...(tp!.evaluation?.forward ?? []),
        ];
        for (const e of eqns) seen.add(e.op);
      }
    }
    for (const op of LOWERED_AWAY) expect(seen, `${op} survives inlining`).not.toContain(op);
    for (const op of seen) {
      expect(typeof (vjpRules as Record<string, unknown>)[op], `vjp rule for ${op}`).toBe("function");
      expect(typeof (emitTs as Record<string, unknown>)[op], `TS rule for ${op}`).toBe("function");
    }
    // The examples exercise the layers the seed models need (dropout as dropout_mask + mul).
    for (const op of ["conv2d", "maxpool2d", "dense", "dropout_mask", "lstm_scan", "loss_grad", "conv2d_grad_kernel"])
      expect(seen).toContain(op);
  });
});

describe("the WebAssembly rule table", () => {
  it("has a rule for every op; only random draws, constants and aliases stay in TypeScript in the seed trainers", async () => {
    const { emitWasm } = await import("../../compiler/emit/wasm-rules.js");
    const { compileSource } = await import("../helpers/trainer.js");
    const tOps = resolveUnion("TOp", [source("compiler/ir/ir.ts"), source("compiler/ir/train-ir.ts")]);
    for (const op of tOps) expect(typeof (emitWasm as Record<string, unknown>)[op], `wasm rule for ${op}`).toBe("function");
    for (const file of ["cnn", "mlp", "regression", "rnn", "gan", "gan_stabilized"]) {
      const c = await compileSource(
        readFileSync(path.join(root, "dsl-examples", `${file}.dlm`), "utf8"),
        `${file}.dlm`,
        undefined,
        false,
        "wasm",
      );
      // No reference kernel is called (nor imported): every op runs in the module, except the RNG's draws.
      expect(c.ts, file).not.toMatch(/\bK\./);
      expect(c.ts, file).not.toContain("/kernels/index.js");
      expect(c.wasm!.kernels.length, file).toBeGreaterThan(5);
    }
  }, 60_000);
});
