// `import model from "./cnn.dlm?model"`: the inference module `dlm export` writes (load,
// info; docs/export.md) of a model of the program, with the weights of a checkpoint, built at
// bundle time. Query: `checkpoint=FILE` (relative to the .dlm file; default: NAME.safetensors
// beside it, as `dlm train NAME.dlm --save NAME.safetensors` writes it), `name=MODEL` (default:
// the model the train block trains). The module imports the runtime from this dlm's runtime
// folder; its kernels and weights are the bundler's assets (the plugin says how each bundler
// names them), which `load()` reads unless given other bytes. `&browser`: the module of
// `dlm export --target browser`, for a page.
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { exportModel, ExportError } from "../export/export.js";
import { failure, prepare, programFailure, runtimeJsDir } from "../api/prepare.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import type { Failure } from "../api/types.js";
import { wasmPlaceholder, type BuiltModule, type ModuleOptions } from "./module.js";

/** The query of a `?model` import: `model`, and optionally `checkpoint` and `name`. */
export function modelQuery(id: string): URLSearchParams | undefined {
  const q = /\?(.*)$/.exec(id)?.[1];
  if (q === undefined) return undefined;
  const params = new URLSearchParams(q);
  return params.has("model") ? params : undefined;
}

export async function buildModelModule(
  bytes: Uint8Array,
  file: string,
  shownAs: string,
  query: URLSearchParams,
  o: ModuleOptions,
): Promise<(BuiltModule & { readonly checkpoint: string }) | Failure> {
  const prepared = await prepare(bytes, shownAs, { ...(o.train !== undefined ? { train: o.train } : {}), limits: false });
  if (!prepared.ok) return prepared;
  const checkpoint = path.resolve(path.dirname(file), query.get("checkpoint") ?? `${path.basename(file, ".dlm")}.safetensors`);
  if (!existsSync(checkpoint))
    return failure(
      shownAs,
      "options",
      `${shownAs}?model needs the weights of a checkpoint: ${checkpoint} is not there (write it with \`dlm train ${shownAs} --save FILE\`, and name it with ?model&checkpoint=FILE)`,
    );
  let exported: Awaited<ReturnType<typeof exportModel>>;
  try {
    exported = await exportModel(prepared.result, {
      train: prepared.name,
      ...(query.get("name") ? { model: query.get("name")! } : {}),
      maxBatch: 256,
      checkpoint: { file: checkpoint, read: () => new Uint8Array(readFileSync(checkpoint)) },
      ...(o.fuse !== undefined ? { fuse: o.fuse } : {}),
      format: "module",
      // `?model&browser`: the browser target's module (fetches its files, imports no Node module).
      ...(query.has("browser") ? { target: "browser" as const } : {}),
    });
  } catch (e) {
    if (e instanceof ExportError || (e instanceof Error && e.name === "DataError")) return failure(shownAs, "options", e.message);
    throw e;
  }
  if ("diagnostics" in exported) {
    const ds = [...prepared.result.diagnostics, ...exported.diagnostics];
    return { ...programFailure(shownAs, prepared.result, ds), message: renderDiagnostics(prepared.result.source, ds).trimEnd() };
  }
  const js = exported.files.find((f) => f.file.endsWith(".js"))!.data as string;
  const assets = exported.files.filter((f) => /\.(wasm|safetensors)$/.test(f.file));
  const runtime = runtimeJsDir
    .replace(/[\\/]$/, "")
    .split(path.sep)
    .join("/");
  let code = js.split('"./runtime/').join(`"${runtime}/`);
  for (const a of assets) {
    // The layout names each file as a string its loader resolves against the module's folder: an absolute URL instead.
    const literal = JSON.stringify(a.file);
    if (!code.includes(literal)) throw new Error(`internal: the exported module does not name ${a.file}`);
    code = code.split(literal).join(`${wasmPlaceholder(a.file)}.href`);
  }
  code += "\nexport default { load, info };\n";
  return { code, wasm: assets.map((a) => ({ name: a.file, bytes: a.data as Uint8Array })), checkpoint };
}
