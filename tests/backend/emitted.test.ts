// The emitted TypeScript (docs/architecture.md §1, emit TS):
// - every example's trainer, and the trainer that `dlm compile` writes with the runtime
//   beside it, type-checks under strict settings with ts-morph's Project, together with the
//   runtime's .ts sources (the diagnostics are the failure message);
// - a trainer imports only the runtime (and Node's standard library);
// - golden files of the emitted code: tests/golden/ts/<example>.ts (TypeScript backend)
//   and tests/golden/wasm/<example>.ts (the default WebAssembly backend's trainer);
//   `UPDATE_GOLDEN=1` rewrites them (review the diff). They are compiled with the source
//   named `dsl-examples/<example>.dlm` and a relative source folder, so they do not depend
//   on where the checkout lives;
// - the WebAssembly trainer declares nothing it does not use.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Project, ts, type Diagnostic } from "ts-morph";
import { frontEnd, compileTrainer } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { expectGolden } from "../helpers/golden.js";
import { compileTo, repoRoot, tempDir } from "../helpers/spawn.js";

const examplesDir = path.join(repoRoot, "dsl-examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".dlm"))
  .map((f) => f.slice(0, -4))
  .sort();

/** The repository's `strict` tsconfig, and then some. */
const strictOptions: ts.CompilerOptions = {
  strict: true,
  noImplicitReturns: true,
  noFallthroughCasesInSwitch: true,
  noImplicitOverride: true,
  noUnusedParameters: true,
  target: ts.ScriptTarget.ES2022,
  // ES modules resolved as a bundler does: `./runtime/x.js` finds `./runtime/x.ts`.
  module: ts.ModuleKind.ES2022,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: ["node"],
  typeRoots: [path.join(repoRoot, "node_modules/@types")],
  noEmit: true,
  skipLibCheck: true,
};

/** Emits `dsl-examples/<name>.dlm` in-process, as `dlm compile` would with the runtime at ./runtime. */
async function emitExample(name: string, backend: "ts" | "wasm"): Promise<string> {
  const rel = `dsl-examples/${name}.dlm`;
  const front = frontEnd(rel, readFileSync(path.join(repoRoot, rel)));
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  const compiled = await compileTrainer(front, front.ir.trains[0].name, {
    runtimeImport: "./runtime",
    sourceDir: "../dsl-examples/",
    backend,
  });
  return compiled.ts;
}

function typeCheck(files: readonly string[]): Diagnostic[] {
  const project = new Project({ compilerOptions: strictOptions });
  project.addSourceFilesAtPaths([...files]);
  return project.getPreEmitDiagnostics();
}

function format(diags: readonly Diagnostic[]): string {
  return new Project({ useInMemoryFileSystem: true }).formatDiagnosticsWithColorAndContext([...diags]).replace(/\x1b\[[0-9;]*m/g, "");
}

describe("emitted trainers", () => {
  const tmp = tempDir("dlm-emitted-");
  /** Example name → its emitted TypeScript, or the error that stopped its compilation. */
  const emitted = new Map<string, string | Error>();
  const emittedWasm = new Map<string, string | Error>();
  let diagnostics: Diagnostic[] = [];
  let compiledDir: string;

  beforeAll(async () => {
    // `dlm compile` runs in a child process while the examples compile here.
    compiledDir = path.join(tmp.dir, "compiled");
    const cli = compileTo(path.join(examplesDir, "mlp.dlm"), compiledDir);
    const examplesOut = path.join(tmp.dir, "examples");
    mkdirSync(examplesOut, { recursive: true });
    cpSync(path.join(repoRoot, "runtime"), path.join(examplesOut, "runtime"), {
      recursive: true,
      filter: (f) => !f.endsWith(".js") && !f.endsWith(".map"),
    });
    for (const name of examples) {
      try {
        const ts = await emitExample(name, "ts");
        emitted.set(name, ts);
        writeFileSync(path.join(examplesOut, `${name}.ts`), ts);
      } catch (e) {
        emitted.set(name, e as Error);
      }
      try {
        const ts = await emitExample(name, "wasm");
        emittedWasm.set(name, ts);
        writeFileSync(path.join(examplesOut, `${name}_wasm.ts`), ts);
      } catch (e) {
        emittedWasm.set(name, e as Error);
      }
    }
    await cli;
    diagnostics = typeCheck([
      `${examplesOut}/*.ts`,
      `${examplesOut}/runtime/**/*.ts`,
      `${compiledDir}/*.ts`,
      `${compiledDir}/runtime/**/*.ts`,
    ]);
  }, 180_000);
  afterAll(() => tmp.cleanup());

  /** Diagnostics in `file` or in the runtime beside it (which every trainer includes). */
  const diagnosticsFor = (dir: string, file: string) =>
    diagnostics.filter((d) => {
      const f = d.getSourceFile()?.getFilePath() ?? "";
      return f === path.join(dir, file) || f.startsWith(path.join(dir, "runtime") + "/") || f === "";
    });

  for (const name of examples) {
    describe(`${name}.dlm`, () => {
      const source = (): string => {
        const ts = emitted.get(name);
        if (ts instanceof Error) throw ts;
        return ts!;
      };

      it("type-checks under strict settings with the runtime sources", () => {
        source();
        expect(format(diagnosticsFor(path.join(tmp.dir, "examples"), `${name}.ts`))).toBe("");
      });

      it("imports only the runtime and Node's standard library", () => {
        const imports = [...source().matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
        expect(imports.length).toBeGreaterThan(0);
        for (const i of imports) expect(i).toMatch(/^(\.\/runtime\/|node:)/);
        expect(source()).not.toMatch(/\bcompiler\//);
      });

      it(`matches tests/golden/ts/${name}.ts`, () => {
        expectGolden(path.join(repoRoot, "tests/golden/ts", `${name}.ts`), source());
      });

      const wasmSource = (): string => {
        const ts = emittedWasm.get(name);
        if (ts instanceof Error) throw ts;
        return ts!;
      };

      it("the WebAssembly trainer type-checks under strict settings with the runtime sources", () => {
        wasmSource();
        expect(format(diagnosticsFor(path.join(tmp.dir, "examples"), `${name}_wasm.ts`))).toBe("");
      });

      it("the WebAssembly trainer declares only what it uses, and passes buffers by name", () => {
        const ts = wasmSource();
        const code = ts.replace(/"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, " ");
        const declared = [...code.matchAll(/\bconst\s+(\w+)\s*=/g)].map((m) => m[1]);
        expect(declared.length).toBeGreaterThan(20);
        const unused = declared.filter((d) => (code.match(new RegExp(`\\b${d}\\b`, "g")) ?? []).length < 2);
        expect(unused).toEqual([]);
        // No kernel call passes a raw number (a byte offset): buffers go by name (`A_params`, `A_x`).
        const calls = [...code.matchAll(/\bk\.\w+\(([^;]*)\);/g)];
        expect(calls.length).toBeGreaterThan(3);
        for (const m of calls) for (const arg of m[1].split(",")) expect(arg.trim(), m[0]).not.toMatch(/^\d+$/);
      });

      it(`matches tests/golden/wasm/${name}.ts`, () => {
        expectGolden(path.join(repoRoot, "tests/golden/wasm", `${name}.ts`), wasmSource());
      });
    });
  }

  it("the trainer that `dlm compile` writes type-checks with the runtime copied beside it", () => {
    expect(readdirSync(compiledDir)).toEqual(expect.arrayContaining(["mlp.js", "mlp.ts", "package.json", "runtime"]));
    expect(format(diagnosticsFor(compiledDir, "mlp.ts"))).toBe("");
    // The copied runtime does not reach back into the compiler.
    const runtimeTs = readdirSync(path.join(compiledDir, "runtime"), { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith(".ts") || f.endsWith(".js"),
    );
    expect(runtimeTs.length).toBeGreaterThan(10);
    for (const f of runtimeTs)
      expect(readFileSync(path.join(compiledDir, "runtime", f), "utf8"), f).not.toMatch(/from "(\.\.\/)+compiler\//);
  });
});
