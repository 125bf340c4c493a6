// Compiles .dlm source text in-process into a loaded trainer module, for tests. The
// generated JavaScript imports the compiled runtime in dist/ (npm test builds it first).
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { frontEnd, compileTrainer, importTrainer, type Backend, type CompiledTrainer } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import type { TrainerModule } from "../../runtime/trainer.js";

export const root = fileURLToPath(new URL("../../", import.meta.url));
export const distRuntime = pathToFileURL(path.join(root, "dist/runtime")).href;

/** Front end + back end; throws with the rendered diagnostics when the program has errors. */
export async function compileSource(
  source: string,
  file = "test.dlm",
  train?: string,
  format = true,
  backend: Backend = "ts",
  fuse = true,
  relaxed = true,
): Promise<CompiledTrainer> {
  const front = frontEnd(file, new TextEncoder().encode(source));
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  const name = train ?? front.ir.trains[0]?.name;
  if (!name) throw new Error("no train block");
  const compiled = await compileTrainer(front, name, {
    runtimeImport: distRuntime,
    sourceDir: pathToFileURL(root).href,
    format,
    backend,
    fuse,
    relaxed,
  });
  return compiled;
}

/**
 * Compiles and imports the trainer module (unformatted: prettier only changes layout).
 * The TypeScript backend by default: it is the reference, and it computes in float64 on request.
 * A WebAssembly trainer loads one kernel module when it is imported: the relaxed-SIMD variant only
 * when DLM_WASM_VARIANT=relaxed asks for it (helpers/backends.ts: withVariant), else SIMD128. So
 * the relaxed variant is built only then (building it doubles binaryen's share of the compile);
 * `dlm compile` and tests/backend/emitted.test.ts build both variants of every example.
 */
export async function loadTrainer(
  source: string,
  file = "test.dlm",
  train?: string,
  backend: Backend = "ts",
  fuse = true,
): Promise<TrainerModule & { ts: string; compiled: CompiledTrainer }> {
  const compiled = await compileSource(source, file, train, false, backend, fuse, process.env.DLM_WASM_VARIANT === "relaxed");
  const mod = await importTrainer(compiled, "dlm-test-");
  return { ...mod, ts: compiled.ts, compiled };
}
