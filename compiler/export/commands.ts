// The commands that use a trained model: `dlm export` (the model as files that run without
// dlm) and `dlm predict` (the model on images, arrays or CSV rows). Both check the program,
// pick the train block and the model, and export it with a checkpoint's weights
// (export.ts); predict then loads the exported module in this process and prints what the
// model says. Mistakes are one `error:` line and exit code 1 (a located report for a model
// that cannot be exported); bad usage is exit code 2, as everywhere in the CLI (cli.ts).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { renderDiagnostics } from "../diagnostics/render.js";
import { checked, checkOutputFolder, makeFolders, pickTrain, UsageError, useColor, writing } from "../cli.js";
import { exportFormats, ExportError, exportModel, type ExportedModel, type ExportFormat } from "./export.js";
import { readSamples, type Samples } from "./inputs.js";
import { quantizedLines, type QuantizeOptions } from "./quantize.js";
import { intOption, joinNumericValues } from "../../runtime/main.js";
import { DataError } from "../../runtime/errors.js";
import { readBytes } from "../../runtime/data/files.js";
import { hasRelaxedSimd } from "../../runtime/wasm/instantiate.js";
import type { Model } from "../../runtime/inference.js";
import type { FrontEndResult } from "../compile.js";

/** dist/runtime: the compiled runtime, whose inference pieces go beside an exported module. */
const runtimeJs = fileURLToPath(new URL("../../runtime/", import.meta.url));

export const exportUsage = `  export FILE.dlm --checkpoint FILE -o DIR
                      write model DIR/<model>.js (an inference-only ES module) with its
                      .d.ts, kernels (.wasm), weights (.safetensors) and runtime beside it
      --model NAME      which model (default: the one the train block trains)
      --train NAME      which train block (when the file has several)
      --format F        what to write: module (default; an ES module + WebAssembly),
                        tfjs (a TensorFlow.js layers model: model.json and weight
                        shards) or onnx (model.onnx, opset 17)
      --max-batch N     rows one call computes (default 256; more go in chunks)
      --target T        node (default: reads its files with node:fs) or browser (fetches
                        them or takes their bytes; imports no Node module)
      --quantize int8   int8 kernels and weights (per output channel) for the dense
                        layers the rule picks; prints the layers that stay float
      --calibration N   training samples (seeded) whose activations set the int8
                        input ranges (default 1000)
      --data PATH       where the training data is (as for train; calibration reads it)
  predict FILE.dlm --checkpoint FILE INPUT...
                      run the model on PNG images, .npy arrays or CSV rows, converted as the
                      training data was; prints the top classes (or the output values)
      --model NAME, --train NAME   as for export
      --top N           classes shown per input (default 3)
      --format json     print the predictions as JSON (for tools)
`;

/** An `error:` line, exit code 1: a mistake in what the command was given. */
export function failed(err: NodeJS.WritableStream, e: unknown): number {
  if (e instanceof ExportError || e instanceof DataError || (e instanceof Error && e.name === "ModelLoadError")) {
    err.write(`error: ${e.message}\n`);
    return 1;
  }
  throw e;
}

/** Checks the program and exports the model; a number is the exit code of a failure already reported. */
export async function exported(
  file: string,
  values: { train?: string; model?: string; checkpoint?: string },
  maxBatch: number,
  err: NodeJS.WritableStream,
  relaxed = true,
  format: ExportFormat = "module",
  target: "node" | "browser" = "node",
  quantize?: QuantizeOptions,
): Promise<{ readonly m: ExportedModel; readonly front: FrontEndResult } | number> {
  if (!values.checkpoint) throw new UsageError("needs --checkpoint FILE (written by `dlm train --save FILE`)");
  const front = checked(file, err);
  if (typeof front === "number") return front;
  const train = pickTrain(front, values.train);
  try {
    const ck = values.checkpoint;
    const checkpoint = { file: ck, read: () => readBytes(ck, "a checkpoint (safetensors)") };
    const r = await exportModel(front, { train, model: values.model, maxBatch, checkpoint, relaxed, format, target, quantize });
    if ("diagnostics" in r) {
      err.write(renderDiagnostics(front.source, r.diagnostics, { color: useColor(err) }));
      return 1;
    }
    return { m: r, front };
  } catch (e) {
    return failed(err, e);
  }
}

/** Copies a compiled runtime file (or folder of them) without its source-map comments: the maps stay behind. */
function copyRuntime(from: string, to: string): void {
  if (statSync(from).isDirectory()) {
    makeFolders(to);
    for (const f of readdirSync(from)) if (!f.endsWith(".map")) copyRuntime(path.join(from, f), path.join(to, f));
  } else if (from.endsWith(".js")) writeFileSync(to, readFileSync(from, "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n"));
}

/** Writes an exported model into `dir`: its files, the runtime pieces it imports, a package.json marking ES modules. */
function writeExport(dir: string, m: ExportedModel): void {
  if (m.format !== "module") {
    makeFolders(dir);
    for (const f of m.files) writeFileSync(path.join(dir, f.file), f.data);
    return;
  }
  makeFolders(path.join(dir, "runtime", "wasm"));
  for (const f of m.files) writeFileSync(path.join(dir, f.file), f.data);
  for (const r of m.runtime) copyRuntime(path.join(runtimeJs, r), path.join(dir, "runtime", r));
  const pkg = path.join(dir, "package.json");
  if (!existsSync(pkg)) writeFileSync(pkg, JSON.stringify({ type: "module", private: true }, null, 2) + "\n");
}

export async function exportCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const options = {
    out: { type: "string", short: "o" },
    checkpoint: { type: "string" },
    model: { type: "string" },
    train: { type: "string" },
    format: { type: "string", default: "module" },
    "max-batch": { type: "string" },
    target: { type: "string", default: "node" },
    quantize: { type: "string" },
    calibration: { type: "string" },
    data: { type: "string" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinNumericValues(args, options), allowPositionals: true, options });
  if (positionals.length !== 1) throw new UsageError("export takes exactly one FILE.dlm");
  if (values.target !== "node" && values.target !== "browser")
    throw new UsageError(`--target must be node or browser, not '${values.target}'`);
  if (!values.out) throw new UsageError("export needs -o DIR");
  if (!exportFormats.includes(values.format as ExportFormat))
    throw new UsageError(`--format must be ${exportFormats.join(" or ")}, not '${values.format}'`);
  const maxBatch = values["max-batch"] === undefined ? 256 : intOption("max-batch", values["max-batch"], { min: 1, max: 65536 });
  if (values.quantize !== undefined && values.quantize !== "int8")
    throw new UsageError(`--quantize must be int8, not '${values.quantize}'`);
  if (values.quantize === undefined && (values.calibration !== undefined || values.data !== undefined))
    throw new UsageError("--calibration and --data go with --quantize int8");
  const quantize: QuantizeOptions | undefined = values.quantize
    ? {
        scheme: "int8",
        calibration: values.calibration === undefined ? 1000 : intOption("calibration", values.calibration, { min: 1, max: 1_000_000 }),
        data: values.data,
      }
    : undefined;
  checkOutputFolder(values.out);
  const r = await exported(positionals[0], values, maxBatch, err, true, values.format as ExportFormat, values.target, quantize);
  if (typeof r === "number") return r;
  const { m } = r;
  const dir = values.out;
  writing(dir, () => writeExport(dir, m));
  if (m.info.quantized) out.write(quantizedLines(m.info.quantized).join("\n") + "\n");
  const size = (f: { data: string | Uint8Array }) => (typeof f.data === "string" ? Buffer.byteLength(f.data) : f.data.length);
  const shown = m.files.map((f) => `${path.join(dir, f.file)} (${size(f).toLocaleString("en-US")} bytes)`);
  const what = `model \`${m.info.model}\`, ${m.info.parameters.toLocaleString("en-US")} parameters`;
  if (m.format === "tfjs") {
    out.write(
      `wrote ${shown.join(", ")}: ${what}, a TensorFlow.js layers model\nuse it: await tf.loadLayersModel("<url of ${dir}>/model.json")\n`,
    );
    return 0;
  }
  if (m.format === "onnx") {
    out.write(
      `wrote ${shown.join(", ")}: ${what}, ONNX opset 17, input \`${m.info.input.name}\` [batch, ${m.info.input.shape.join(", ")}]\n`,
    );
    return 0;
  }
  out.write(
    `wrote ${shown.join(", ")} and ${path.join(dir, "runtime")}/: model \`${m.info.model}\`, ${m.info.parameters.toLocaleString("en-US")} parameters, ${m.kernels} kernels\n` +
      `use it: const { load } = await import("${pathToFileURL(path.resolve(dir, m.files[0].file)).href}"); const model = await load(); model.predict(input, n)\n`,
  );
  return 0;
}

/** Loads an exported model in this process: its folder goes to a temporary directory, removed once loaded. */
export async function loadExported(m: ExportedModel): Promise<Model> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-predict-"));
  try {
    writeExport(dir, m);
    const mod = (await import(pathToFileURL(path.join(dir, m.files[0].file)).href)) as { load(): Promise<Model> };
    return await mod.load();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function predictCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const options = {
    checkpoint: { type: "string" },
    model: { type: "string" },
    train: { type: "string" },
    top: { type: "string" },
    format: { type: "string", default: "text" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinNumericValues(args, options), allowPositionals: true, options });
  if (positionals.length < 2) throw new UsageError("predict takes FILE.dlm and at least one INPUT (.png, .npy or .csv)");
  if (values.format !== "text" && values.format !== "json") throw new UsageError(`--format must be text or json, not '${values.format}'`);
  const top = values.top === undefined ? 3 : intOption("top", values.top, { min: 1, max: 1_000_000 });
  const [file, ...inputs] = positionals;
  const r = await exported(file, values, 256, err, hasRelaxedSimd());
  if (typeof r === "number") return r;
  const { m, front } = r;
  let samples: Samples[];
  let model: Model;
  try {
    const data = front.ir!.trains.find((t) => t.name === m.info.train)!.data;
    const spec = { shape: m.info.input.shape, data, baseDir: path.dirname(path.resolve(file)) };
    samples = inputs.map((f) => readSamples(f, spec));
    model = await loadExported(m);
  } catch (e) {
    return failed(err, e);
  }
  const info = model.info;
  const width = info.output.shape.reduce((a, d) => a * d, 1);
  const rows = samples.flatMap((s) => {
    const y = model.predict(s.data, s.n);
    return s.labels.map((label, i) => ({ input: label, output: Array.from(y.subarray(i * width, (i + 1) * width)) }));
  });
  const ranked = (o: number[]) =>
    o
      .map((p, c) => ({ class: c, probability: p }))
      .sort((a, b) => b.probability - a.probability || a.class - b.class)
      .slice(0, Math.min(top, o.length));
  const classifier = info.output.kind === "classes";
  if (values.format === "json") {
    const predictions = rows.map((r) => ({ input: r.input, ...(classifier ? { top: ranked(r.output) } : {}), output: r.output }));
    out.write(
      JSON.stringify({ model: info.model, train: info.train, output: info.output, classes: info.classes ?? null, predictions }, null, 2) +
        "\n",
    );
    return 0;
  }
  for (const r of rows) {
    const shown = classifier
      ? ranked(r.output)
          .map((t) => `${t.class} (${t.probability.toFixed(4)})`)
          .join("  ")
      : r.output.map((v) => v.toPrecision(6)).join(" ");
    out.write(`${r.input}: ${shown}\n`);
  }
  return 0;
}
