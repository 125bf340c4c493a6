// Transfer learning in a train block: the `init` and `freeze` settings.
//
// `init "FILE" { map a -> b; exclude c }` starts training from another program's weights:
// each parameter of this block (its global name `model/layer/role`) takes the tensor of
// the same name in FILE — after `map` lines rename this program's prefix `b` to the
// file's `a` — unless an `exclude` line names it or a prefix of it. Lowering reads the
// setting as written (readInit); once the block is scheduled and its parameters are known,
// checkInit reads the file (relative to the .dlm file) and matches names and shapes: a
// file that is not safetensors, one that matches no parameter, a parameter it lacks or
// holds in another shape, and a `map` or `exclude` line that names nothing are located
// errors (DL2027). The runtime loads the matched tensors (runtime/transfer.ts).
//
// `freeze [layer, …]` (or `model/layer`) freezes layers of the models the block trains;
// `trainable=false` on a layer does so in the model itself (lower.ts). A layer that does not
// exist is DL2028.
import * as fs from "node:fs";
import * as path from "node:path";
import type * as A from "../syntax/ast.js";
import type { InitSetting, ModelIR } from "../ir/ir.js";
import type { TrainingProgram } from "../ir/train-ir.js";
import type { InitSpec } from "../../runtime/transfer.js";
import { decodeSafetensors } from "../../runtime/safetensors.js";
import { DataError } from "../../runtime/errors.js";
import { didYouMean, error, fail, type Diagnostic } from "../diagnostics/diagnostic.js";

/** The `init` setting as written: its file and its block's `map` and `exclude` lines. */
export function readInit(s: A.Setting): InitSetting {
  if (s.value.kind !== "String")
    fail("DL2027", "`init` takes the checkpoint file to start from, as a string", s.value.span, {
      hint: 'e.g. `init "base.safetensors" { exclude cnn/dense_1 }`',
    });
  const map: { from: string; to: string; span: A.Directive["span"] }[] = [];
  const exclude: { path: string; span: A.Directive["span"] }[] = [];
  for (const d of s.block ?? []) {
    if (d.key.name === "map") {
      if (!d.to)
        fail("DL2027", "`map` renames a prefix of the file's tensors: `map FROM -> TO`", d.span, { hint: "e.g. `map cnn -> clf`" });
      map.push({ from: d.path.text, to: d.to.text, span: d.span });
    } else if (d.key.name === "exclude") {
      if (d.to) fail("DL2027", "`exclude` names tensors of this program and takes no `->`", d.span);
      exclude.push({ path: d.path.text, span: d.span });
    } else {
      fail("DL2027", `\`init\`'s block has \`map\` and \`exclude\` lines, not \`${d.key.name}\``, d.key.span, {
        hint: didYouMean(d.key.name, ["map", "exclude"]) ?? "write `map FROM -> TO` or `exclude NAME`",
      });
    }
  }
  return { file: s.value.value, fileSpan: s.value.span, map, exclude, span: s.span };
}

/** `name` is `prefix` or lies under it (`cnn/conv2d` covers `cnn/conv2d/kernel`, not `cnn/conv2d_1/kernel`). */
const under = (name: string, prefix: string): boolean => name === prefix || name.startsWith(`${prefix}/`);

/**
 * Matches the block's parameters with the tensors of the init file: the InitSpec the trainer
 * loads, or the located errors.
 */
export function checkInit(init: InitSetting, tp: TrainingProgram, sourcePath: string): { spec?: InitSpec; diagnostics: Diagnostic[] } {
  const file = path.resolve(path.dirname(path.resolve(sourcePath)), init.file);
  const at = init.fileSpan;
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "there is no such file" : code === "EISDIR" ? "it is a folder" : `it cannot be read (${code})`;
    return {
      diagnostics: [
        error("DL2027", `cannot start from ${init.file}: ${why}`, at, {
          hint: "write the checkpoint first (`dlm train BASE.dlm --save FILE`); the path is relative to this .dlm file",
        }),
      ],
    };
  }
  let tensors: Record<string, { dtype: string; shape: number[] }>;
  try {
    tensors = decodeSafetensors(bytes, file).tensors;
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    return {
      diagnostics: [
        error("DL2027", `${init.file} is not a safetensors checkpoint: ${e.detail}`, at, {
          hint: "`init` reads safetensors files (`dlm train --save FILE`, or another tool's export)",
        }),
      ],
    };
  }
  const diagnostics: Diagnostic[] = [];
  const params = tp.params.map((id) => ({ name: tp.values[id].param!.path, shape: tp.values[id].shape as number[] }));
  for (const x of init.exclude)
    if (!params.some((p) => under(p.name, x.path)))
      diagnostics.push(
        error("DL2027", `\`exclude ${x.path}\` names no parameter of \`train ${tp.name}\``, x.span, {
          hint: didYouMean(x.path, layersOf(params.map((p) => p.name))) ?? `its parameters: ${params.map((p) => p.name).join(", ")}`,
        }),
      );
  for (const m of init.map) {
    if (!params.some((p) => under(p.name, m.to)))
      diagnostics.push(error("DL2027", `\`map … -> ${m.to}\`: \`train ${tp.name}\` has no parameter under ${m.to}`, m.span));
    if (!Object.keys(tensors).some((n) => under(n, m.from)))
      diagnostics.push(error("DL2027", `\`map ${m.from} -> …\`: ${init.file} has no tensor under ${m.from}`, m.span));
  }
  if (diagnostics.length > 0) return { diagnostics };
  const wanted = params.filter((p) => !init.exclude.some((x) => under(p.name, x.path)));
  const source = (name: string): string => {
    const m = init.map.find((x) => under(name, x.to));
    return m ? m.from + name.slice(m.to.length) : name;
  };
  const found = wanted.filter((p) => Object.hasOwn(tensors, source(p.name)));
  if (found.length === 0)
    return {
      diagnostics: [
        error(
          "DL2027",
          `${init.file} holds no tensor of \`train ${tp.name}\` (${Object.keys(tensors).length} tensors, none named as its parameters)`,
          at,
          {
            hint: `its parameters are named ${params
              .slice(0, 3)
              .map((p) => p.name)
              .join(", ")}${params.length > 3 ? ", …" : ""}; rename with \`map FROM -> TO\` in a block after the file`,
          },
        ),
      ],
    };
  for (const p of wanted) {
    const from = source(p.name);
    const t = Object.hasOwn(tensors, from) ? tensors[from] : undefined;
    if (!t)
      diagnostics.push(
        error("DL2027", `${init.file} has no tensor "${from}" for ${p.name}`, at, {
          hint: `exclude it to keep its initializer: \`init "${init.file}" { exclude ${p.name.split("/").slice(0, 2).join("/")} }\``,
        }),
      );
    else if (t.shape.join(",") !== p.shape.join(",") || (t.dtype !== "F32" && t.dtype !== "F64"))
      diagnostics.push(
        error("DL2027", `${init.file}: "${from}" is ${t.dtype} [${t.shape.join(", ")}], but ${p.name} is F32 [${p.shape.join(", ")}]`, at, {
          hint: `exclude it to keep its initializer: \`exclude ${p.name.split("/").slice(0, 2).join("/")}\``,
        }),
      );
  }
  if (diagnostics.length > 0) return { diagnostics };
  return { spec: { file: init.file, tensors: wanted.map((p) => ({ name: p.name, from: source(p.name) })) }, diagnostics: [] };
}

/** `model/layer` of each parameter name, once. */
const layersOf = (names: readonly string[]): string[] => [...new Set(names.map((n) => n.split("/").slice(0, 2).join("/")))];

/** The layers `freeze [...]` names, as `model/layer`, among the layers of `models` (the models the block trains). */
export function readFreeze(s: A.Setting, models: readonly ModelIR[]): string[] {
  const items = s.value.kind === "List" ? s.value.items : [s.value];
  const all = models.flatMap((m) => m.layers.map((l) => ({ model: m.name, layer: l.name })));
  const out: string[] = [];
  for (const item of items) {
    const parts = pathOf(item);
    if (!parts || parts.length > 2) fail("DL2028", "`freeze` lists layers by name: `freeze [conv2d, dense]` (or `model/layer`)", item.span);
    const [model, layer] = parts.length === 2 ? parts : [undefined, parts[0]];
    const hits = all.filter((x) => x.layer === layer && (model === undefined || x.model === model));
    const name = parts.join("/");
    if (hits.length === 0)
      fail("DL2028", `\`freeze ${name}\`: no layer \`${name}\` in ${models.map((m) => `\`${m.name}\``).join(", ")}`, item.span, {
        hint:
          didYouMean(
            layer,
            all.map((x) => x.layer),
          ) ?? `its layers: ${all.map((x) => x.layer).join(", ")}`,
      });
    if (hits.length > 1)
      fail("DL2028", `\`freeze ${name}\`: several models have a layer \`${layer}\``, item.span, {
        hint: `name the model too: ${hits.map((h) => `\`${h.model}/${h.layer}\``).join(" or ")}`,
      });
    out.push(`${hits[0].model}/${hits[0].layer}`);
  }
  return out;
}

/** `conv2d` → [conv2d]; `cnn/conv2d` → [cnn, conv2d]; anything else: undefined. */
function pathOf(e: A.Expr): string[] | undefined {
  if (e.kind === "Name") return [e.name];
  if (e.kind === "Binary" && e.op === "/") {
    const left = pathOf(e.left);
    const right = pathOf(e.right);
    return left && right ? [...left, ...right] : undefined;
  }
  return undefined;
}
