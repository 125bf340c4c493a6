// Transfer learning at run time: the `init FILE` setting of a train block. After the
// initializers ran, the tensors the compiler matched (by name and shape, through the
// setting's `map` lines, without its `exclude`d ones) are copied from the file into the
// flat parameter buffer, and one line says what was loaded. The compiler has checked the
// file when it compiled the program (compiler/frontend/transfer.ts); the file is checked
// again here, since it may have changed since.
import * as path from "node:path";
import { loadSafetensors } from "./safetensors.js";
import { DataError, displayPath } from "./errors.js";
import type { ParameterInfo, TrainerInstance } from "./trainer-module.js";

/** What `init` loads: the file as written (relative to the .dlm file's folder) and, per parameter, its tensor there. */
export interface InitSpec {
  readonly file: string;
  /** `name`: this program's parameter; `from`: the file's tensor. Parameters not listed keep their initializers. */
  readonly tensors: readonly { readonly name: string; readonly from: string }[];
}

/** Copies the tensors of `spec` into the parameters; returns the summary line. */
export function loadInit(spec: InitSpec, baseDir: string, parameters: readonly ParameterInfo[], t: TrainerInstance): string {
  const file = path.resolve(baseDir, spec.file);
  const shown = displayPath(file);
  const ck = loadSafetensors(file);
  const byName = new Map(parameters.map((p) => [p.name, p]));
  let values = 0;
  for (const { name, from } of spec.tensors) {
    const p = byName.get(name);
    if (!p) throw new DataError(`internal: init names a parameter "${name}" this trainer does not have`, file);
    const tensor = ck.tensors[from];
    if (!tensor) throw new DataError(`has no tensor "${from}" (for ${name}); it changed since the program was compiled`, file);
    if (tensor.shape.join(",") !== p.shape.join(",") || (tensor.dtype !== "F32" && tensor.dtype !== "F64"))
      throw new DataError(
        `tensor "${from}" is ${tensor.dtype} [${tensor.shape.join(", ")}]; ${name} needs F32 or F64 [${p.shape.join(", ")}]`,
        file,
      );
    const data = tensor.data as Float32Array | Float64Array;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new DataError(`tensor "${from}" holds a non-finite value (${data[bad]} at index ${bad})`, file);
    t.params.set(data, p.offset);
    values += p.size;
  }
  const loaded = new Set(spec.tensors.map((x) => x.name));
  const kept = parameters.filter((p) => !loaded.has(p.name)).map((p) => p.name);
  return (
    `init: loaded ${spec.tensors.length} tensors (${values.toLocaleString("en-US")} values) from ${shown}` +
    (kept.length > 0 ? `; from their initializers: ${kept.join(", ")}` : "")
  );
}
