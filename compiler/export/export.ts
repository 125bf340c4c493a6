// Exporting a trained model (`dlm export`, `dlm predict`): one model of a checked program
// with the weights of a checkpoint, as files that run without dlm.
//
//   TrainingProgram ─fold batch norms→ (as the trainer's evaluation) ─inference program→ one entry
//                   ─fuse→ kernel groups ─plan memory (rows = --max-batch)→ offsets
//                   ─emit→ NAME.ts ─prettier→ ─transpile→ NAME.js (+ NAME.d.ts)
//                   ─binaryen→ NAME.wasm, NAME.relaxed.wasm
//   checkpoint ─the model's tensors, checked→ NAME.safetensors
//
// The same phases as compileTrainer (compile.ts), on the inference program of the model
// (middle/inference.ts): the exported module runs the eqns the trainer's inference entry
// runs. Formats: `module` (an ES module + WebAssembly, runtime/inference.ts beside it);
// others slot in as further cases of `ExportFormat`. Per-op facts an export needs are the
// registry's `export` slot (ops/op.ts ExportFacts). User mistakes are an ExportError (one
// line) or a located diagnostic (DL4006).
import type { FrontEndResult } from "../compile.js";
import { toJavaScript } from "../compile.js";
import type { ValueId } from "../ir/ir.js";
import type { TrainingProgram } from "../ir/train-ir.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { foldBatchnorms } from "../middle/fold-norm.js";
import { inferenceProgram } from "../middle/inference.js";
import { aliasOps, kernelOf } from "../ops/index.js";
import { fuse } from "../wasm/fuse.js";
import { planMemory } from "../wasm/plan-memory.js";
import { WASM_MEMORY_LIMIT, formatBytes, largestBatch } from "../wasm/memory-limit.js";
import { declarationText, emitModelModule } from "./module.js";
import { planTfjs, tfjsFiles } from "./tfjs.js";
import { onnxFiles, planOnnx } from "./onnx.js";
import { quantizeModel, type QuantizeOptions } from "./quantize.js";
import { packDenseLayers } from "./packed.js";
import { convReluPools } from "./zeros.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../../runtime/safetensors.js";
import { DataError, displayPath } from "../../runtime/errors.js";
import type { ModelInfo } from "../../runtime/inference.js";

export type ExportFormat = "module" | "tfjs" | "onnx";
export const exportFormats: readonly ExportFormat[] = ["module", "tfjs", "onnx"];

/** A mistake in what was asked (a model not in the program, a checkpoint of another one): one line. */
export class ExportError extends Error {}

export interface ExportOptions {
  readonly train: string;
  /** The model to export; default: the one the train block trains. */
  readonly model?: string;
  readonly format?: ExportFormat;
  /** Rows the memory plan holds (predict processes more in chunks). */
  readonly maxBatch: number;
  /** The checkpoint file: its name (for messages) and how to read its bytes (once the model is known to export). */
  readonly checkpoint: { readonly file: string; read(): Uint8Array };
  /** Fuse kernels and fold batch norms as compileTrainer does (default true). */
  readonly fuse?: boolean;
  /** Also build the relaxed-SIMD kernel module (default true; predict skips it where this engine could not load it). */
  readonly relaxed?: boolean;
  /** "node" (default): the module reads its files beside it with node:fs; "browser": it fetches them (or takes their bytes), importing no Node module. */
  readonly target?: "node" | "browser";
  /** `--quantize int8`: int8 layers where the rule allows (export/quantize.ts); module format only. */
  readonly quantize?: QuantizeOptions;
}

export interface ExportedModel {
  readonly info: ModelInfo;
  readonly format: ExportFormat;
  /** module: NAME.js, NAME.d.ts, NAME.wasm, NAME.relaxed.wasm, NAME.safetensors; tfjs: model.json and its shards; onnx: model.onnx. */
  readonly files: readonly { readonly file: string; readonly data: string | Uint8Array }[];
  /** The module's TypeScript (formatted), for readers and tests. */
  readonly ts: string;
  /** The runtime files the module imports, relative to the runtime folder (`inference.js` …). */
  readonly runtime: readonly string[];
  readonly kernels: number;
}

/** The model a train block exports by default, and every model it can export. */
export function exportableModels(tp: TrainingProgram): { readonly models: readonly string[]; readonly trained: readonly string[] } {
  return { models: tp.inference.map((m) => m.model), trained: [...new Set(tp.steps.map((s) => s.model))] };
}

/** Which model to export: `--model`, else the one model the train block trains. */
export function pickModel(front: FrontEndResult, train: string, model: string | undefined): string {
  const tp = front.trainings!.get(train)!;
  const { models, trained } = exportableModels(tp);
  const path = front.source.path;
  if (model !== undefined) {
    if (models.includes(model)) return model;
    const all = front.ir!.models.map((m) => m.name);
    if (!all.includes(model)) throw new ExportError(`${path} has no model '${model}' (its models: ${all.join(", ")})`);
    throw new ExportError(
      `model '${model}' is not trained or called by \`train ${train}\`, so its checkpoints do not hold it alone (it can export: ${models.join(", ")})`,
    );
  }
  if (trained.length === 1) return trained[0];
  throw new ExportError(`\`train ${train}\` trains ${trained.length} models (${trained.join(", ")}); choose one with --model NAME`);
}

/** Why the model cannot be exported (DL4006), or nothing. */
export function exportProblems(front: FrontEndResult, itp: TrainingProgram, model: string): Diagnostic[] {
  const entry = itp.inference[0];
  const out: Diagnostic[] = [];
  const m = front.ir!.models.find((x) => x.name === model)!;
  if (entry.inputs.length !== 1)
    out.push(
      error("DL4006", `model \`${model}\` takes ${entry.inputs.length} inputs; an exported model takes exactly one`, m.span, {
        hint: "export a model of one input (concatenate the inputs into one tensor inside a model of one input)",
      }),
    );
  for (const e of entry.forward) {
    const why = kernelOf(e.op).export?.unsupported;
    if (why) out.push(error("DL4006", `model \`${model}\` cannot be exported: \`${e.op}\` ${why}`, e.span, { hint: noiseHint }));
  }
  return out;
}
const noiseHint = "draw the noise outside the model and pass it in as an input (as the GAN's generator takes `z`)";

/** The output's meaning, from the registry's export facts of the op that computes it (through reshapes). */
function outputKind(itp: TrainingProgram, id: ValueId): { kind: ModelInfo["output"]["kind"]; classes?: number } {
  const producer = new Map(itp.inference[0].forward.map((e) => [e.outputs[0], e] as const));
  let e = producer.get(id);
  while (e && aliasOps.has(e.op)) e = producer.get(e.inputs[0]);
  const facts = e ? kernelOf(e.op).export?.output : undefined;
  const shape = itp.values[id].shape;
  if (facts === "classes" && e) {
    const axis = e.attrs.axis as number;
    const rank = itp.values[e.outputs[0]].shape.length;
    if (axis === -1 || axis === rank - 1) return { kind: "classes", classes: shape[shape.length - 1] as number };
    return { kind: "values" };
  }
  return { kind: facts ?? "values" };
}

/**
 * The model's tensors from the checkpoint, checked against the program: written by this
 * train block (its metadata) and holding each tensor of the model, F32 of its shape, finite.
 */
function checkpointTensors(front: FrontEndResult, tp: TrainingProgram, itp: TrainingProgram, file: string, bytes: Uint8Array) {
  let ck;
  try {
    ck = decodeSafetensors(bytes, file);
  } catch (e) {
    if (e instanceof DataError) throw new ExportError(e.message);
    throw e;
  }
  const shown = displayPath(file);
  const program = ck.metadata.program;
  const signature = tp.params.map((id) => `${tp.values[id].param!.path}[${tp.values[id].shape.join(",")}]`).join(";");
  if (program !== undefined && (program !== tp.name || (ck.metadata.signature !== undefined && ck.metadata.signature !== signature)))
    throw new ExportError(
      `${shown}: was written by \`train ${program}\`${program === tp.name ? " with other parameters" : ""}, not by \`train ${tp.name}\` of ${front.source.path}`,
    );
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const id of itp.params) {
    const { path } = itp.values[id].param!;
    const shape = itp.values[id].shape as number[];
    const t = ck.tensors[path];
    if (!t) throw new ExportError(`${shown}: has no tensor "${path}": not a checkpoint of \`train ${tp.name}\` of ${front.source.path}`);
    if (t.dtype !== "F32" || t.shape.join(",") !== shape.join(","))
      throw new ExportError(`${shown}: tensor "${path}" is ${t.dtype} [${t.shape.join(", ")}]; expected F32 [${shape.join(", ")}]`);
    const data = t.data as Float32Array;
    const bad = data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new ExportError(`${shown}: tensor "${path}" holds a non-finite value (${data[bad]} at index ${bad})`);
    tensors[path] = { dtype: "F32", shape, data };
  }
  return tensors;
}

const fileName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");

/**
 * Exports `opts.model` of `opts.train` with the checkpoint's weights. Throws ExportError for
 * a mistake in the request; returns the diagnostics (DL4006) when the model cannot be exported.
 */
export async function exportModel(front: FrontEndResult, opts: ExportOptions): Promise<ExportedModel | { diagnostics: Diagnostic[] }> {
  const scheduled = front.trainings?.get(opts.train);
  if (!scheduled) throw new Error(`internal: train block ${opts.train} was not scheduled`);
  const model = pickModel(front, opts.train, opts.model);
  const fuseOps = opts.fuse ?? true;
  // The inference the trainer's evaluation runs: batch norms folded with fusion (compileTrainer).
  const tp = fuseOps ? foldBatchnorms(scheduled) : scheduled;
  const itp = inferenceProgram(tp, model);
  const problems = exportProblems(front, itp, model);
  if (problems.length > 0) return { diagnostics: problems };
  const format = opts.format ?? "module";
  if (format !== "module" && opts.quantize) throw new ExportError(`--quantize int8 writes a module (--format module), not ${format}`);
  if (format !== "module") return exportLayers(front, scheduled, model, format, opts);
  const weights = checkpointTensors(front, scheduled, itp, opts.checkpoint.file, opts.checkpoint.read());

  const fused = fuse(itp, fuseOps);
  const plan = planMemory(itp, aliasOps, [], fused);
  const name = fileName(model);
  const floatInfo = modelInfo(front, itp, model, opts);
  // --quantize int8: the layers the rule quantizes get int8 kernels and weights (quantize.ts).
  const q = opts.quantize
    ? await quantizeModel({
        front,
        scheduled,
        itp,
        fused,
        plan,
        info: floatInfo,
        name,
        weights,
        weightsFile: joinChunks(encodeSafetensors(weights)),
        options: opts.quantize,
      })
    : undefined;
  const fullInfo: ModelInfo = q ? { ...floatInfo, quantized: q.quantized } : floatInfo;
  const relaxed = opts.relaxed ?? true;
  const files = { weights: `${name}.safetensors`, wasm: `${name}.wasm`, ...(relaxed ? { relaxedWasm: `${name}.relaxed.wasm` } : {}) };
  // Float dense layers read their kernels packed in panel order (packed.ts).
  // conv2d → relu → maxpool2d(2) in registers, skipping all-zero input patches (zeros.ts).
  const packed = packDenseLayers(itp, convReluPools(itp, q?.fused ?? fused));
  const emitted = emitModelModule(itp, {
    source: front.source,
    sourcePath: front.source.path,
    plan,
    fused: packed.fused,
    info: fullInfo,
    files,
    target: opts.target,
    int8: q?.int8,
    packed: packed.packed,
  });
  const need = emitted.memory.fixed + emitted.memory.perRow * opts.maxBatch;
  if (need > WASM_MEMORY_LIMIT)
    throw new ExportError(
      `--max-batch ${opts.maxBatch} needs ${formatBytes(need)} of WebAssembly memory, over the 4 GiB a wasm32 memory holds; at most ${largestBatch(emitted.memory, WASM_MEMORY_LIMIT)} rows fit`,
    );

  const { loadBinaryen } = await import("../wasm/kernels/binaryen.js");
  const { buildModule } = await import("../wasm/kernels/module.js");
  const b = await loadBinaryen();
  const build = (relaxed: boolean) =>
    buildModule(b, (mod) => emitted.kernels.forEach((k) => k.add(b, mod, k.name, { relaxed })), { relaxed }).binary;
  const prettier = await import("prettier");
  const ts = await prettier.format(emitted.text, { parser: "typescript", printWidth: 120 });
  const js = await toJavaScript(ts, `${name}.ts`);
  const metadata = { format: "dlm-weights-1", program: opts.train, model, source: front.source.path };
  const weightBytes = joinChunks(encodeSafetensors(q?.weights ?? weights, q ? { ...metadata, quantized: "int8" } : metadata));
  return {
    info: fullInfo,
    format,
    ts,
    kernels: emitted.kernels.length,
    runtime: ["inference.js", "wasm/instantiate.js", ...(emitted.usesReferenceKernels ? ["kernels/"] : [])],
    files: [
      { file: `${name}.js`, data: js },
      { file: `${name}.d.ts`, data: declarationText(fullInfo, `${name}.js`) },
      { file: files.wasm, data: build(false) },
      ...(relaxed ? [{ file: `${name}.relaxed.wasm`, data: build(true) }] : []),
      { file: files.weights, data: weightBytes },
    ],
  };
}

/** The safetensors writer's chunks as one file. */
function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0);
  return all;
}

/** What `info` says of the model: its input and output, what the output means, its parameters. */
function modelInfo(front: FrontEndResult, itp: TrainingProgram, model: string, opts: ExportOptions): ModelInfo {
  const entry = itp.inference[0];
  const input = itp.values[entry.inputs[0]];
  const output = itp.values[entry.output];
  const kind = outputKind(itp, entry.output);
  return {
    model,
    train: opts.train,
    source: front.source.path,
    input: { name: input.name.slice(model.length + 1), shape: input.shape.slice(1) as number[], dtype: input.dtype },
    output: { shape: output.shape.slice(1) as number[], kind: kind.kind },
    ...(kind.classes ? { classes: kind.classes } : {}),
    maxBatch: opts.maxBatch,
    parameters: itp.paramCount,
  };
}

/**
 * `--format tfjs` and `--format onnx`: the layers of the inference program with its batch
 * norms as they are (each format has the layer; folding is the module's speed-up), dropout
 * gone, every eqn through its op's rule (export/rules.ts); a located DL4006 for an eqn the
 * format cannot hold, before the checkpoint is read.
 */
async function exportLayers(
  front: FrontEndResult,
  scheduled: TrainingProgram,
  model: string,
  format: "tfjs" | "onnx",
  opts: ExportOptions,
): Promise<ExportedModel | { diagnostics: Diagnostic[] }> {
  const itp = inferenceProgram(scheduled, model);
  const plan = format === "tfjs" ? planTfjs(itp, model) : planOnnx(itp, model);
  if ("diagnostics" in plan) return plan;
  const weights = checkpointTensors(front, scheduled, itp, opts.checkpoint.file, opts.checkpoint.read());
  const files = "layers" in plan ? tfjsFiles(itp, plan, weights) : await onnxFiles(itp, plan, weights);
  return { info: modelInfo(front, itp, model, opts), format, files, ts: "", runtime: [], kernels: 0 };
}
