// Emit an exported model's inference module (`dlm export --format module`): an inference
// program (middle/inference.ts) with its kernel groups (fuse.ts) and memory plan
// (plan-memory.ts) → one TypeScript module that reads like the trainers do: a `load`
// that instantiates the kernels with one memory for `rows` rows and puts the weights in
// place, the buffers at their planned offsets, and a `forward` with a kernel call per
// fused group, each under its .dlm line and with its shapes. The calls come from the
// trainer emitter's parts (emit/trainer/: names.ts, calls.ts), so each op's code is its
// registry rule, as in a trainer. It imports only the exported model's runtime
// (runtime/inference.ts, beside it), and the reference kernels where an op stays in
// TypeScript.
import type { ValueId } from "../ir/ir.js";
import type { TrainingProgram } from "../ir/train-ir.js";
import type { SourceFile } from "../source.js";
import type { FusedProgram } from "../wasm/fuse.js";
import type { MemoryPlan } from "../wasm/plan-memory.js";
import type { ModelInfo, ModelLayout } from "../../runtime/inference.js";
import type { Emission, KernelRequest } from "../emit/trainer/context.js";
import { nameBuffers, bufferSize, shapeText } from "../emit/trainer/names.js";
import { kernelCalls } from "../emit/trainer/calls.js";
import { at, dropUnused, memoryBytes } from "../emit/trainer/buffers.js";

export interface ModuleEmitOptions {
  readonly source: SourceFile;
  readonly sourcePath: string;
  readonly plan: MemoryPlan;
  readonly fused: FusedProgram;
  readonly info: ModelInfo;
  readonly files: ModelLayout["files"];
  /** Parameters stored as int8 (their path → the int8 layout entry): the loader packs them (export/quantize.ts). */
  readonly int8?: ReadonlyMap<string, NonNullable<ModelLayout["tensors"][number]["int8"]>>;
  /** `load` takes a second argument, a probe that the code calls with buffers (the int8 export's calibration). */
  readonly probe?: boolean;
  /** "node" (default): the module reads its own folder with node:fs; "browser": it fetches (no Node module imported). */
  readonly target?: "node" | "browser";
  /** Dense kernels (parameter paths) that the loader stores in panel order for the packed GEMM (export/packed.ts). */
  readonly packed?: ReadonlySet<string>;
}

export interface EmittedModule {
  readonly text: string;
  readonly kernels: readonly KernelRequest[];
  /** Whether the module calls the runtime's reference kernels (an op that stays in TypeScript). */
  readonly usesReferenceKernels: boolean;
  readonly memory: { readonly fixed: number; readonly perRow: number };
}

/** `itp`: an inference program (one entry, no steps). */
export function emitModelModule(itp: TrainingProgram, opts: ModuleEmitOptions): EmittedModule {
  const entry = itp.inference[0];
  const { plan, fused, info } = opts;
  const values = fused.values;
  const allEqns = [...itp.constants, ...entry.forward];
  const wasm = { plan, fused, file: opts.files.wasm, relaxedFile: opts.files.relaxedWasm };
  const em: Emission = {
    tp: itp,
    values,
    allEqns,
    opts: { runtimeImport: "./runtime", source: opts.source, sourcePath: opts.sourcePath, sourceDir: ".", wasm },
    wasm,
    naming: nameBuffers(itp, values, allEqns),
  };
  const { nameOf, root } = em.naming;
  const inputId = entry.inputs[0];
  const calls = kernelCalls(em);
  const constants = calls.lines(itp.constants);
  const forward = calls.lines(entry.forward);
  const kernels = [...calls.kernels.values()];
  const memory = memoryBytes(plan, calls.scratchNeed());
  const code = [...calls.hoisted, ...constants, ...forward, ...calls.scratches];
  const usesReferenceKernels = code.some((l) => /\bK\./.test(l));

  // Buffers: the parameters' views, the input, every value the code names, at its planned offset.
  const decl: string[] = [];
  const addr = (id: ValueId): string => {
    const slot = plan.slots.get(id);
    if (!slot) throw new Error(`internal: ${nameOf(id)} has no slot in the memory plan`);
    return at(slot);
  };
  const declare = (id: ValueId, comment: string) => {
    const v = values[id];
    decl.push(`const ${calls.addrOf(id)} = ${addr(id)};`);
    decl.push(`const ${nameOf(id)} = mem.${v.dtype === "i32" ? "i32" : "f32"}(${calls.addrOf(id)}, ${bufferSize(v)}); // ${comment}`);
  };
  const declared = new Set<ValueId>(itp.params);
  for (const id of itp.params) {
    const p = values[id].param!;
    decl.push(`const ${calls.addrOf(id)} = ${plan.flat.get("params")! + p.offset * 4}; // ${p.path} ${shapeText(values[id].shape)}`);
  }
  for (const id of entry.inputs) {
    declared.add(id);
    declare(id, `${shapeText(values[id].shape)}: the input, filled by predict`);
  }
  for (const e of allEqns)
    for (const id of e.outputs) {
      if (declared.has(id) || root(id) !== id || fused.internal.has(id)) continue;
      declared.add(id);
      declare(id, shapeText(values[id].shape));
    }
  for (let id = itp.values.length; id < values.length; id++)
    if (!declared.has(id)) declare(id, `${shapeText(values[id].shape)}: written by a fused kernel`);
  for (const e of allEqns)
    for (const id of e.outputs)
      if (root(id) !== id && !declared.has(id)) {
        declared.add(id);
        decl.push(`const ${nameOf(id)} = ${nameOf(root(id))}; // ${e.op}: the same buffer`);
      }
  // Only what the code refers to (a value fused into its kernel has no buffer; a view no line reads is dropped).
  const rest = [...code, `predictor(${nameOf(inputId)}, ${nameOf(root(entry.output))})`].join("\n");
  const buffers = dropUnused(
    decl.map((line) => ({ name: /^const (\w+) =/.exec(line)?.[1], line })),
    rest,
  ).map((l) => l.line);

  const layout: ModelLayout = {
    files: opts.files,
    kernels: kernels.map((k) => k.name),
    tensors: itp.params.map((id) => {
      const p = values[id].param!;
      const int8 = opts.int8?.get(p.path);
      const packed = opts.packed?.has(p.path) ? { packed: true as const } : {};
      return { name: p.path, shape: values[id].shape as number[], offset: p.offset, size: p.size, ...(int8 ? { int8 } : {}), ...packed };
    }),
    paramsAt: plan.flat.get("params")!,
    memory,
    rows: info.maxBatch,
  };
  const out = values[root(entry.output)];
  const L: string[] = [];
  L.push(`// Generated by dlm export from ${opts.sourcePath} — edit the .dlm file, not this one.`);
  L.push(
    `// Inference for model \`${info.model}\` (trained by \`train ${info.train}\`): ${info.parameters.toLocaleString("en-US")} parameters in ${opts.files.weights};`,
  );
  L.push(`// a row [${info.input.shape.join(", ")}] in, a row [${info.output.shape.join(", ")}] out (${outputWords(info)}).`);
  L.push(`//`);
  L.push(`// How to read it: the arithmetic runs in ${opts.files.wasm}, a WebAssembly module of ${kernels.length} kernels specialized`);
  L.push(
    `// to this model's shapes (${opts.files.relaxedWasm ?? opts.files.wasm} when loaded with variant "relaxed"); this file drives it. Every buffer`,
  );
  L.push(`// lives in one linear memory laid out by the compiler's memory plan for ${info.maxBatch} rows: an \`A_<buffer>\` constant is`);
  L.push(`// the buffer's byte offset, and \`k.<kernel>(n, A_…, WS)\` runs one kernel on the first n rows (WS: the kernels'`);
  L.push(`// scratch space). Dropout is gone and batch norms use their moving statistics, as in the trainer's evaluation.`);
  if (info.quantized)
    L.push(
      `// Quantized: ${info.quantized.layers.map((l) => l.layer).join(", ") || "no layer"} run in int8 (\`k.int8_…\` kernels; \`info.quantized\` says how).`,
    );
  L.push(
    `import { loadModelMemory, predictor, type Model, type ModelInfo, type ModelLayout, type ModelSource } from "./runtime/inference.js";`,
  );
  if (usesReferenceKernels) L.push(`import * as K from "./runtime/kernels/index.js";`);
  L.push(``);
  L.push(`export type { Model, ModelInfo, ModelSource };`);
  L.push(``);
  if (calls.hoisted.length) L.push(`// Static sizes of the kernels, computed by the compiler.`, ...calls.hoisted, ``);
  L.push(`/** What the model takes and gives. */`);
  L.push(`export const info: ModelInfo = ${JSON.stringify(info)};`);
  L.push(``);
  L.push(
    `/** Its files, the tensors of its weights (checkpoint names, Keras layouts) in the flat parameter buffer, its kernels and its memory. */`,
  );
  L.push(`const layout: ModelLayout = ${JSON.stringify(layout)};`);
  L.push(``);
  if (opts.target !== "browser") {
    L.push(`/** Node reads the files beside this module with node:fs (a browser fetches them: \`dlm export --target browser\`). */`);
    L.push(
      `const readFileUrl = async (url: URL): Promise<Uint8Array> => new Uint8Array(await (await import("node:fs/promises")).readFile(url));`,
    );
    L.push(``);
  }
  L.push(`/**`);
  L.push(` * Loads the kernels and the weights (read from this module's folder, or given in \`source\`:`);
  L.push(` * a browser passes the bytes or a base URL) and returns the model.`);
  L.push(` */`);
  const probe = opts.probe ? ", probe?: (layer: number, values: Float32Array) => void" : "";
  L.push(`export async function load(source?: ModelSource${probe}): Promise<Model> {`);
  const reader = opts.target === "browser" ? "" : ", readFileUrl";
  L.push(`const mem = await loadModelMemory(layout, new URL(".", import.meta.url), source${reader});`);
  L.push(`const k = mem.kernels;`);
  L.push(`const B = ${info.maxBatch}; // rows per call of the kernels; predict processes more in chunks`);
  L.push(`const WS = ${at(plan.bytes)}; // kernel scratch space`);
  if (calls.scratches.length) L.push(`const F = Float32Array;`);
  L.push(
    `// One linear memory of ${memory.fixed.toLocaleString("en-US")} bytes + ${memory.perRow.toLocaleString("en-US")} per row; buffers whose lifetimes do not overlap share memory.`,
  );
  L.push(...buffers, ...calls.scratches);
  if (constants.length) L.push(``, `// Constants.`, ...constants);
  L.push(``);
  L.push(
    `/** \`${info.model}\` on the first n ≤ B rows of \`${nameOf(inputId)}\`, into \`${nameOf(root(entry.output))}\` ${shapeText(out.shape)}. */`,
  );
  L.push(`function forward(n: number): void {`);
  L.push(...forward);
  L.push(`}`);
  L.push(``);
  L.push(`return { info, predict: predictor(info, ${nameOf(inputId)}, ${nameOf(root(entry.output))}, forward) };`);
  L.push(`}`);
  return { text: L.join("\n") + "\n", kernels, usesReferenceKernels, memory };
}

function outputWords(info: ModelInfo): string {
  if (info.output.kind === "classes") return `probabilities of ${info.classes} classes`;
  if (info.output.kind === "probabilities") return "probabilities (sigmoid)";
  return "values";
}

/** The module's declarations (NAME.d.ts): self-contained, for TypeScript users of the exported folder. */
export function declarationText(info: ModelInfo, jsFile: string): string {
  return `// Types of ${jsFile} (generated by dlm export): model \`${info.model}\`, a row [${info.input.shape.join(", ")}] in, [${info.output.shape.join(", ")}] out.

/** Where the model's files come from; anything not given is read from \`baseUrl\` (default: this module's folder). */
export interface ModelSource {
  /** The weights (safetensors). */
  readonly weights?: ArrayBuffer | Uint8Array;
  /** The kernel module (WebAssembly SIMD128). */
  readonly wasm?: ArrayBuffer | Uint8Array;
  /** Its relaxed-SIMD variant, used with \`variant: "relaxed"\`. */
  readonly relaxedWasm?: ArrayBuffer | Uint8Array;
  /** Which kernel build runs: "simd128" (default) or "relaxed" (refused where the engine lacks relaxed SIMD). */
  readonly variant?: "simd128" | "relaxed";
  readonly baseUrl?: string | URL;
}

export interface ModelInfo {
  readonly model: string;
  readonly train: string;
  readonly source: string;
  readonly input: { readonly name: string; readonly shape: readonly number[]; readonly dtype: "f32" | "i32" };
  readonly output: { readonly shape: readonly number[]; readonly kind: "classes" | "probabilities" | "values" };
  /** The number of classes, when the output is class probabilities (softmax). */
  readonly classes?: number;
  /** Rows per call of the kernels; predict processes more in chunks. */
  readonly maxBatch: number;
  readonly parameters: number;
  /** Set for an int8 export: the layers that run in int8 (input scale, error on calibration rows) and those that stayed float. */
  readonly quantized?: {
    readonly scheme: "int8";
    readonly layers: readonly { readonly layer: string; readonly op: string; readonly inputs: "uint8" | "int8"; readonly inputsScale: number; readonly error: number }[];
    readonly float: readonly { readonly layer: string; readonly op: string; readonly why: string }[];
    readonly calibration: { readonly samples: number; readonly seed: number };
  };
}

export interface Model {
  readonly info: ModelInfo;
  /** The outputs of the n rows of \`input\` (row-major): n × ${info.output.shape.reduce((a, d) => a * d, 1)} values. */
  predict(input: Float32Array, n: number): Float32Array;
}

export declare const info: ModelInfo;
export declare function load(source?: ModelSource): Promise<Model>;
`;
}
