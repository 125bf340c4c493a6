// A `.dlm` file as a JavaScript module of a bundle: the trainer `dlm compile` would write
// (its `program`, `parameters`, `memory` and `createTrainer`), importing the runtime from this
// dlm's own runtime folder, with a `train(options)` bound to the runtime's training driver, and
// without the lines that run it as a script (a bundled module is imported, never run). With
// `?browser`, the browser target's trainer (`loadKernels`, data as bytes, no Node module). Its
// kernel modules (.wasm) are the bundler's assets: the plugin says how each bundler names
// them (`wasmUrl`), and the module loads them from there.
import * as path from "node:path";
import { compile, InternalError } from "../api/index.js";
import { runtimeJsDir } from "../api/prepare.js";
import type { Backend, Failure } from "../api/types.js";

export interface ModuleOptions {
  readonly backend?: Backend;
  readonly fuse?: boolean;
  /** Which train block, when a file has several. */
  readonly train?: string;
}

export interface BuiltModule {
  /** The module's JavaScript, with a placeholder per kernel file (`wasmPlaceholder`) for the bundler's URL. */
  readonly code: string;
  /** The kernel modules it loads: file names as `dlm compile` writes them, and their bytes. */
  readonly wasm: readonly { readonly name: string; readonly bytes: Uint8Array }[];
}

/** Whether a `.dlm` import asks for the browser target's trainer: `./cnn.dlm?browser`. */
export function browserQuery(id: string): boolean {
  const q = /\?(.*)$/.exec(id)?.[1];
  return q !== undefined && new URLSearchParams(q).has("browser");
}

/**
 * Compiles `file` (its bytes read by the caller) into a module for `target` (node: the trainer
 * with `train` bound to the runtime's driver; browser: the page's trainer, `loadKernels` and
 * `train` bound to runtime/browser.js, data as bytes); a Failure when the program has errors.
 */
export async function buildModule(
  bytes: Uint8Array,
  file: string,
  shownAs: string,
  o: ModuleOptions,
  target: "node" | "browser" = "node",
): Promise<BuiltModule | Failure> {
  const runtime = runtimeJsDir
    .replace(/[\\/]$/, "")
    .split(path.sep)
    .join("/");
  const sourceDir = path.dirname(file);
  const compiled = await compile(bytes, {
    file: shownAs,
    ...(o.backend ? { backend: o.backend } : {}),
    ...(o.fuse !== undefined ? { fuse: o.fuse } : {}),
    ...(o.train !== undefined ? { train: o.train } : {}),
    target,
    runtime: { import: runtime },
    sourceDir: `${sourceDir.split(path.sep).join("/")}/`,
  });
  if (!compiled.ok) return compiled;
  const js = compiled.files.find((f) => f.path === `${compiled.name}.js`)!.contents as string;
  const wasm = compiled.files.filter((f) => f.path.endsWith(".wasm")).map((f) => ({ name: f.path, bytes: f.contents as Uint8Array }));
  let code = js;
  for (const w of wasm) {
    const at = `new URL(${JSON.stringify(`./${w.name}`)}, import.meta.url)`;
    if (!code.includes(at)) throw new InternalError(`the trainer of ${shownAs} does not load ${w.name} as expected`);
    code = code.split(at).join(wasmPlaceholder(w.name));
  }
  if (target === "browser") {
    // The page's trainer has no script footer; its driver is runtime/browser.js (docs/browser.md).
    const browser = JSON.stringify(`${runtime}/browser.js`);
    code += [
      "",
      `import { train as trainInPage, predict as predictInPage, loadData as loadDataInPage } from ${browser};`,
      `export { MNIST_FILES } from ${browser};`,
      "const trainerModule = { program, parameters, memory, createTrainer };",
      "/** Trains in this page or worker after `await loadKernels()` (options as browser.js's train: files, epochs, maxSteps, onStep, save with onCheckpoint, resume, …). */",
      "export function train(options = {}) {",
      "  return trainInPage(trainerModule, options);",
      "}",
      "/** Runs a model of the program on n rows with a trained trainer (train's result.trainer). */",
      "export function predict(trainer, input, n, model) {",
      "  return predictInPage(trainerModule, trainer, input, n, model);",
      "}",
      "/** The data source's train and test sets from its files' bytes, to train several times on one data set (`loaded`). */",
      "export function loadData(files) {",
      "  return loadDataInPage(trainerModule, files);",
      "}",
      "",
    ].join("\n");
    return { code, wasm };
  }
  // The script footer: `node NAME.js` runs the trainer; a bundle imports it instead.
  const footer = /^if \(isMain\(import\.meta\.url\)\)[\s\S]*?\);\n/m;
  if (!footer.test(code)) throw new InternalError(`the trainer of ${shownAs} has no script footer where expected`);
  code = code.replace(footer, "");
  code += [
    "",
    `import { train as runTrainer } from ${JSON.stringify(`${runtime}/trainer.js`)};`,
    "/** Trains with the runtime's driver (options as `dlm train`'s: epochs, batch, seed, maxSteps, onStep, …); relative data paths from the .dlm file's folder. */",
    "export function train(options = {}) {",
    `  return runTrainer({ program, parameters, memory, createTrainer }, { baseDir: ${JSON.stringify(sourceDir)}, ...options });`,
    "}",
    "",
  ].join("\n");
  return { code, wasm };
}

/** Where the URL of kernel file `name` goes in the module's code, until the plugin knows how the bundler names it. */
export function wasmPlaceholder(name: string): string {
  return `__DLM_WASM_URL__(${JSON.stringify(name)})`;
}
