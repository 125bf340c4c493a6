// `dlm explain`: attributions of a trained model's prediction to its input pixels.
//
//   dlm explain MODEL.dlm --checkpoint FILE --input IMG... --method saliency|integrated_gradients|gradient_x_input
//              [--steps 50] [--baseline zeros|blur] [--class C] -o out.png
//
// The program is checked, the model's input-gradient entry points are added (program.ts:
// its compiler's own autodiff) and compiled as a trainer's inference entries, loaded in this
// process with the checkpoint's weights; the inputs are read as `dlm predict` reads them
// (export/inputs.ts); attributions.ts computes the method. Writes OUT.npy (the attributions,
// [n, ...input shape], float32) and, when the input is an image ([H, W, C] with C 1 or 3, or
// [H, W]), the PNG grid OUT.png; for any other input a warning (DL4008) says only the .npy is written.
import * as path from "node:path";
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { checked, pickTrain, UsageError, useColor } from "../cli.js";
import { compileTrainer, importTrainer, type FrontEndResult } from "../compile.js";
import { pickModel, ExportError } from "../export/export.js";
import { readSamples, type Samples } from "../export/inputs.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { ident } from "../emit/trainer/names.js";
import { explainProgram } from "./program.js";
import { attribute, blur, gridPng, methods, type Baseline, type Method } from "./attributions.js";
import { intOption, joinNumericValues } from "../../runtime/main.js";
import { DataError, displayPath } from "../../runtime/errors.js";
import { decodeSafetensors } from "../../runtime/safetensors.js";
import { readBytes } from "../../runtime/data/files.js";
import { encodeNpy } from "../../runtime/data/npy.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer-module.js";

const runtimeJs = fileURLToPath(new URL("../../runtime/", import.meta.url));

export const explainUsage = `  explain FILE.dlm --checkpoint FILE --input INPUT... --method M -o OUT.png
                      attributions of the model's pre-softmax class score to its input:
                      OUT.png (inputs beside heatmaps) and OUT.npy (the values)
      --method saliency|integrated_gradients|gradient_x_input
      --steps N         integrated gradients: trapezoid intervals (default 50)
      --baseline zeros|blur   integrated gradients' start (blur: Gaussian, σ 3 pixels)
      --class C         the class explained (default: each input's predicted class)
      --model NAME, --train NAME   as for export
`;

/** Rows per call of the compiled entry points. */
const CHUNK = 64;

/** A model's logits and input gradients, compiled and loaded with a checkpoint's weights. */
export interface Explainer {
  readonly classes: number;
  readonly inputShape: readonly number[];
  readonly activation: "softmax" | "sigmoid" | null;
  logits(x: Float32Array, n: number): Float32Array;
  gradient(x: Float32Array, classes: readonly number[], n: number): Float32Array;
}

/** Compiles the explain entries of `model` (program.ts) and loads them with the checkpoint's tensors. */
export async function makeExplainer(
  front: FrontEndResult,
  train: string,
  model: string,
  checkpoint: string,
  runtimeImport = pathToFileURL(runtimeJs).href.replace(/\/$/, ""),
): Promise<Explainer> {
  const ep = explainProgram(front.trainings!.get(train)!, model);
  const compiled = await compileTrainer({ ...front, trainings: new Map([[train, ep.tp]]) }, train, {
    runtimeImport,
    sourceDir: ".",
    format: false,
    // One kernel per op, batch norms unfolded: the backward eqns read the inference eqns as written.
    fuse: false,
    relaxed: false,
  });
  const mod: TrainerModule = await importTrainer(compiled, "dlm-explain-");
  const t = mod.createTrainer(new Rng(0), { batch: CHUNK });
  loadWeights(mod, t, checkpoint);
  const lg = t.models[ident(ep.logits)];
  const ex = t.models[ident(ep.explain)];
  const info = mod.program.models.find((m) => m.name === ep.explain)!;
  const inputShape = info.inputs[0].slice(1) as number[];
  const d = inputShape.reduce((a, b) => a * b, 1);
  const K = ep.classes;
  const chunks = (n: number, each: (at: number, rows: number) => void) => {
    for (let at = 0; at < n; at += CHUNK) each(at, Math.min(CHUNK, n - at));
  };
  return {
    classes: K,
    inputShape,
    activation: ep.activation,
    logits(x, n) {
      const out = new Float32Array(n * K);
      chunks(n, (at, rows) => {
        lg.inputs[0].set(x.subarray(at * d, (at + rows) * d));
        lg.run(rows);
        out.set(lg.output.subarray(0, rows * K), at * K);
      });
      return out;
    },
    gradient(x, classes, n) {
      const out = new Float32Array(n * d);
      chunks(n, (at, rows) => {
        ex.inputs[0].set(x.subarray(at * d, (at + rows) * d));
        const sel = ex.inputs[1];
        sel.fill(0);
        for (let r = 0; r < rows; r++) sel[r * K + classes[at + r]] = 1;
        ex.run(rows);
        out.set(ex.output.subarray(0, rows * d), at * d);
      });
      return out;
    },
  };
}

function loadWeights(mod: TrainerModule, t: TrainerInstance, file: string): void {
  const ck = decodeSafetensors(readBytes(file, "a checkpoint (safetensors)"), file);
  for (const p of mod.parameters) {
    const tensor = Object.hasOwn(ck.tensors, p.name) ? ck.tensors[p.name] : undefined;
    if (!tensor) throw new DataError(`has no tensor "${p.name}": not a checkpoint of \`train ${mod.program.name}\``, file);
    if ((tensor.dtype !== "F32" && tensor.dtype !== "F64") || tensor.shape.join(",") !== p.shape.join(","))
      throw new DataError(`tensor "${p.name}" is ${tensor.dtype} [${tensor.shape.join(", ")}]; expected F32 [${p.shape.join(", ")}]`, file);
    t.params.set(tensor.data as Float32Array | Float64Array, p.offset);
  }
}

/** [H, W, C] with C 1 or 3, or [H, W]: the height, width and channels; else null. */
export function imageShape(shape: readonly number[]): [number, number, number] | null {
  if (shape.length === 2) return [shape[0], shape[1], 1];
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return [shape[0], shape[1], shape[2]];
  return null;
}

export async function explainCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const options = {
    out: { type: "string", short: "o" },
    checkpoint: { type: "string" },
    input: { type: "string", multiple: true },
    method: { type: "string" },
    steps: { type: "string" },
    baseline: { type: "string", default: "zeros" },
    class: { type: "string" },
    model: { type: "string" },
    train: { type: "string" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinNumericValues(args, options), allowPositionals: true, options });
  if (positionals.length < 1) throw new UsageError("explain takes FILE.dlm (and --input INPUT...)");
  const [file, ...more] = positionals;
  const inputs = [...(values.input ?? []), ...more];
  if (inputs.length === 0) throw new UsageError("explain needs --input INPUT (.png, .npy or .csv)");
  if (!values.checkpoint) throw new UsageError("explain needs --checkpoint FILE (written by `dlm train --save FILE`)");
  if (!values.out) throw new UsageError("explain needs -o OUT.png");
  const method = values.method as Method;
  if (!methods.includes(method))
    throw new UsageError(`--method must be ${methods.join(", ")}${values.method ? `, not '${values.method}'` : ""}`);
  const baseline = values.baseline as Baseline;
  if (baseline !== "zeros" && baseline !== "blur") throw new UsageError(`--baseline must be zeros or blur, not '${values.baseline}'`);
  const steps = values.steps === undefined ? 50 : intOption("steps", values.steps, { min: 1, max: 100_000 });
  const front = checked(file, err);
  if (typeof front === "number") return front;
  const train = pickTrain(front, values.train);
  let model: string;
  try {
    model = pickModel(front, train, values.model);
  } catch (e) {
    if (e instanceof ExportError) return fail(err, e);
    throw e;
  }
  const entry = front.trainings!.get(train)!.inference.find((m) => m.model === model)!;
  if (entry.inputs.length !== 1)
    return fail(err, new Error(`model '${model}' takes ${entry.inputs.length} inputs; explain takes a model of one`));
  let explainer: Explainer;
  let samples: Samples[];
  try {
    explainer = await makeExplainer(front, train, model, values.checkpoint);
    const data = front.ir!.trains.find((t) => t.name === train)!.data;
    samples = inputs.map((f) => readSamples(f, { shape: explainer.inputShape, data, baseDir: path.dirname(path.resolve(file)) }));
  } catch (e) {
    return fail(err, e);
  }
  const K = explainer.classes;
  const cls = values.class === undefined ? undefined : intOption("class", values.class, { min: 0, max: K - 1 });
  const n = samples.reduce((a, s) => a + s.n, 0);
  const x = new Float32Array(samples.reduce((a, s) => a + s.data.length, 0));
  samples.reduce((at, s) => (x.set(s.data, at), at + s.data.length), 0);
  const labels = samples.flatMap((s) => s.labels);
  const d = x.length / n;
  const image = imageShape(explainer.inputShape);
  const base = new Float32Array(x.length);
  if (baseline === "blur") {
    if (!image)
      return fail(err, new Error(`--baseline blur blurs images, and model '${model}' takes [${explainer.inputShape.join(", ")}]`));
    for (let s = 0; s < n; s++) base.set(blur(x.subarray(s * d, (s + 1) * d), ...image), s * d);
  }
  const logits = explainer.logits(x, n);
  const classes = Array.from({ length: n }, (_, s) => cls ?? argmax(logits.subarray(s * K, (s + 1) * K)));
  const a = attribute(method, (p, c, rows) => explainer.gradient(p, c, rows), x, base, classes, n, steps);
  const baseLogits = method === "integrated_gradients" ? explainer.logits(base, n) : null;
  for (let s = 0; s < n; s++) {
    const c = classes[s];
    const fx = logits[s * K + c];
    let line = `${labels[s]}: class ${c} (logit ${fx.toFixed(4)})`;
    if (baseLogits) {
      let total = 0;
      for (let i = 0; i < d; i++) total += a[s * d + i];
      line += `, attributions sum ${total.toFixed(4)}, f(x) − f(baseline) ${(fx - baseLogits[s * K + c]).toFixed(4)}`;
    }
    out.write(`${line}\n`);
  }
  const outFile = values.out;
  const npyFile = outFile.replace(/\.png$/i, "") + ".npy";
  const range = (front.ir!.trains.find((t) => t.name === train)!.data?.range ?? [0, 1]) as [number, number];
  try {
    writeFileSync(npyFile, encodeNpy([n, ...explainer.inputShape], a));
    if (image) writeFileSync(outFile, gridPng(x, a, n, ...image, method !== "saliency", range));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw e;
    return fail(err, new Error(`cannot write ${displayPath((e as NodeJS.ErrnoException).path ?? outFile)} (${code})`));
  }
  if (!image) {
    const m = front.ir!.models.find((mm) => mm.name === model)!;
    const note: Diagnostic = {
      code: "DL4008",
      severity: "warning",
      message: `model \`${model}\` takes [${explainer.inputShape.join(", ")}], not an image: no ${displayPath(outFile)}`,
      span: m.span,
      hint: `the attributions are in ${displayPath(npyFile)}; a heatmap needs an input [H, W], [H, W, 1] or [H, W, 3]`,
    };
    err.write(renderDiagnostics(front.source, [note], { color: useColor(err) }));
  }
  out.write(`wrote ${image ? `${outFile} and ` : ""}${npyFile}: ${method} of ${n} input${n > 1 ? "s" : ""}\n`);
  return 0;
}

const argmax = (v: Float32Array): number => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

function fail(err: NodeJS.WritableStream, e: unknown): number {
  if (e instanceof DataError || e instanceof ExportError || (e instanceof Error && e.constructor === Error)) {
    err.write(`error: ${(e as Error).message}\n`);
    return 1;
  }
  throw e;
}
