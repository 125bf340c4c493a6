// The PyTorch target's emitter (compiler/emit/pytorch): the seed and text examples compile to train.py
// (goldens of the CNN's, the stabilized GAN's and the masked tagger's), every parameter of the trainer's flat
// buffer has a tensor in the modules with its layout conversion, in the same order (the
// checkpoint signature depends on it), and a program the target cannot compile is a located
// DL4012 naming what and the target (golden: tests/programs/pytorch/unsupported.expected).
// Where a python3 is installed, the emitted files compile (py_compile; torch is not needed for that).
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { frontEnd } from "../../compiler/compile.js";
import { emitPytorch } from "../../compiler/emit/pytorch/emit.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { positionOf } from "../../compiler/source.js";
import { repoRoot, tempDir } from "../helpers/spawn.js";
import { expectGolden } from "../helpers/golden.js";
import { pytorchProgram } from "../../compiler/emit/pytorch/command.js";
import { decodeSafetensors } from "../../runtime/safetensors-format.js";
import { buildCharVocab, encodeChars, splitText, testWindowStarts } from "../../runtime/data/chars.js";
import { anyPython, ok, runPython } from "./python.js";

const tmp = tempDir("dlm-pytorch-emit-");
afterAll(() => tmp.cleanup());

function emit(file: string) {
  const front = frontEnd(file, readFileSync(path.join(repoRoot, file)));
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  const train = front.ir.trains[0];
  const tp = front.trainings!.get(train.name)!;
  const r = emitPytorch(front.ir, train, tp, {
    source: file,
    lineOf: (o) => positionOf(front.source, o).line,
    text: front.source.text,
    mnistDir: "/data/mnist",
  });
  return { front, tp, ...r };
}

describe("the PyTorch target's emitter", () => {
  for (const example of [
    "cnn",
    "rnn",
    "mlp",
    "gan",
    "gan_stabilized",
    "pos_tagger",
    "char_transformer",
    "dcgan_small",
    "conv_autoencoder",
    "cnn_schedule",
    "resnet",
  ]) {
    it(`emits ${example}.dlm: every parameter placed, in the flat buffer's order`, () => {
      const { program, diagnostics, tp } = emit(`dsl-examples/${example}.dlm`);
      expect(diagnostics).toEqual([]);
      const py = program!.files.find((f) => f.file === "train.py")!.data as string;
      const rows = [...py.matchAll(/^\s+\("([^"]+)", \(([0-9, ]+)\), "(\w+)", "(\w+)", "([\w.]+)", "(same|t|conv)", (True|False)\),$/gm)];
      expect(rows.map((r) => r[1])).toEqual(tp.params.map((id) => tp.values[id].param!.path));
      expect(rows.map((r) => r[2].replace(/,$/, ""))).toEqual(tp.params.map((id) => tp.values[id].shape.join(", ")));
      // Dense kernels are transposed into nn.Linear's weight, convolution kernels permuted into nn.Conv2d's.
      for (const r of rows) {
        if (r[1].endsWith("/kernel") && r[5].endsWith(".weight")) expect(r[6]).toBe(r[2].split(",").length === 4 ? "conv" : "t");
        if (r[1].endsWith("/bias")) expect(r[6]).toBe("same");
      }
      if (example === "cnn" || example === "gan_stabilized" || example === "pos_tagger")
        expectGolden(path.join(repoRoot, `tests/golden/pytorch/${example}.py`), py);
    });
  }

  it("gives a located DL4012 naming the op or optimizer and the target", () => {
    const file = "tests/programs/pytorch/unsupported.dlm";
    const { program, diagnostics, front } = emit(file);
    expect(program).toBeUndefined();
    expect(diagnostics.map((d) => d.code)).toEqual(["DL4012", "DL4012"]);
    expect(diagnostics.map((d) => d.message).join("\n")).toMatch(/model called inside[\s\S]*differentially private sgd.*pytorch target/);
    expectGolden(path.join(repoRoot, "tests/programs/pytorch/unsupported.expected"), renderDiagnostics(front.source, diagnostics));
  });

  it("prepares text data at compile time: a text file it cannot read is a located DL2017", () => {
    const dir = tmp.dir;
    const file = path.join(dir, "story.dlm");
    const text = (name: string) =>
      `model m(t: i32[B, 8]) {\n  t |> embedding(5, 4) |> dense(5)\n}\ntrain m {\n  data      text("${name}", context=8, test_windows=4)\n  loss      sparse_categorical_crossentropy(from_logits=true)\n  optimizer adam(lr=1e-2)\n  batch     4\n}\n`;
    writeFileSync(path.join(dir, "story.txt"), "abcd".repeat(40));
    const compileText = (name: string) => {
      writeFileSync(file, text(name));
      const front = frontEnd(file, readFileSync(file));
      return { front, r: pytorchProgram(front, "m", file) };
    };
    // The ids, the test windows' positions and the vocabulary, as dlm's reader makes them.
    const { r } = compileText("story.txt");
    const data = r.program!.files.find((f) => f.file === "data.safetensors")!.data as Uint8Array;
    const { tensors, metadata } = decodeSafetensors(data, "data.safetensors");
    const split = splitText("abcd".repeat(40));
    const vocab = buildCharVocab(split.train);
    expect(JSON.parse(metadata.vocab_chars)).toEqual(vocab);
    const ids = (name: string) => Array.from(tensors[name].data as Uint8Array | Int32Array);
    expect(ids("train/ids")).toEqual(Array.from(encodeChars(split.train, vocab)));
    expect(ids("test/ids")).toEqual(Array.from(encodeChars(split.test, vocab)));
    expect(ids("test/starts")).toEqual(Array.from(testWindowStarts(split.test.length, 8, 4)));
    expect(tensors["train/ids"].dtype).toBe("U8");
    // A missing file: located at the data clause.
    const missingFile = compileText("missing.txt");
    expect(missingFile.r.program).toBeUndefined();
    expect(missingFile.r.diagnostics.map((d) => d.code)).toEqual(["DL2017"]);
    expect(renderDiagnostics(missingFile.front.source, missingFile.r.diagnostics)).toMatch(
      /missing\.txt[\s\S]*data {6}text\("missing\.txt"/,
    );
  });

  it("gives a DL4012 at a training control that monitors what train.py does not compute", () => {
    const file = path.join(tmp.dir, "controls.dlm");
    const source = readFileSync(path.join(repoRoot, "tests/programs/pytorch/controls.dlm"), "utf8");
    writeFileSync(file, source.replace("early_stopping(monitor=val_loss", "early_stopping(monitor=accuracy"));
    const front = frontEnd(file, readFileSync(file));
    const train = front.ir!.trains[0];
    const text = front.source.text;
    const r = emitPytorch(front.ir!, train, front.trainings!.get(train.name)!, { source: file, lineOf: () => 1, text, mnistDir: null });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["DL4012"]);
    expect(r.diagnostics[0].message).toMatch(/early_stopping monitoring `accuracy`/);
    expect(text.slice(r.diagnostics[0].span.start, r.diagnostics[0].span.end)).toBe("early_stopping");
  });

  const py = anyPython();
  it.skipIf(py === undefined)("writes Python that compiles (py_compile of each example's train.py and of dlm_torch.py)", async () => {
    const files: string[] = [];
    for (const example of ["cnn", "rnn", "mlp", "gan_stabilized", "pos_tagger", "char_transformer", "dcgan_small", "cnn_schedule"]) {
      const { program } = emit(`dsl-examples/${example}.dlm`);
      for (const f of program!.files) {
        const name = f.file === "train.py" ? `${example}.py` : f.file;
        writeFileSync(path.join(tmp.dir, name), f.data);
        if (!files.includes(name)) files.push(name);
      }
    }
    ok(await runPython(["-m", "py_compile", ...files], { cwd: tmp.dir, python: py }), "py_compile");
  });
});
