// Every example of dsl-examples/ through the front end: no diagnostics, Keras parameter
// totals, the CNN's per-layer output shapes as Keras prints them, IR invariants
// (verify) after lowering and after shape inference, and a golden of the printed IR
// per example (UPDATE_GOLDEN=1 rewrites tests/golden/ir/<example>.ir; review the diff).
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { frontEnd } from "../../compiler/compile.js";
import { decodeSource, type SourceFile } from "../../compiler/source.js";
import { parse } from "../../compiler/syntax/parse.js";
import { lower } from "../../compiler/frontend/lower.js";
import { verify } from "../../compiler/ir/verify.js";
import { printProgram } from "../../compiler/ir/print.js";
import { modelParamCount, summarizeProgram } from "../../compiler/summary.js";
import { expectGolden } from "../helpers/golden.js";
import type { ModelIR, ProgramIR } from "../../compiler/ir/ir.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const examplesDir = join(root, "dsl-examples");
const goldenDir = join(root, "tests/golden/ir");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".dlm"))
  .sort();

/** The front end's result per example file, computed once (several tests read it; the brown and text examples read their corpus at check time). */
const fronts = new Map<string, ReturnType<typeof frontEnd>>();

function check(file: string): { source: SourceFile; ir: ProgramIR } {
  const path = join(examplesDir, file);
  let r = fronts.get(file);
  if (!r) fronts.set(file, (r = frontEnd(path, readFileSync(path))));
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(r.ir).toBeDefined();
  return { source: r.source, ir: r.ir! };
}

const byName = (ir: ProgramIR): Map<string, ModelIR> => new Map(ir.models.map((m) => [m.name, m]));

/** Keras totals (docs/keras-semantics.md §3); the models of each example file. */
const totals: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "cnn.dlm": { cnn: 693_962 },
  "cnn_schedule.dlm": { cnn: 693_962 },
  "rnn.dlm": { rnn: 36_510 },
  "gan.dlm": { generator: 559_632, discriminator: 402_433 },
  "gan_stabilized.dlm": { generator: 559_632, discriminator: 402_433 },
  "mlp.dlm": { mlp: 101_770 },
  "regression.dlm": { regression: 321 },
  "resnet.dlm": { resnet: 112_970 },
  "brown_bag.dlm": { brown_bag: 840_970 },
  // PyTorch's count of the same program is 1,754,408 with 104 tags: dlm's brown.tag_count (106)
  // also counts the ids of <pad> and <unk>, 2 more softmax rows of 128 + 1 weights each (258).
  "pos_tagger.dlm": { pos_tagger: 1_754_666 },
  "pos_tagger_gru.dlm": { pos_tagger_gru: 1_738_538 },
  "dcgan.dlm": { generator: 2_330_944, discriminator: 212_865 },
  "dcgan_small.dlm": { generator: 390_736, discriminator: 14_817 },
  "conv_autoencoder.dlm": { conv_autoencoder: 3_217 },
  "dense_autoencoder.dlm": { dense_autoencoder: 101_200 },
  "dp_mnist.dlm": { dp_mnist: 26_010 },
  "char_transformer.dlm": { char_transformer: 831_059 },
  "char_lstm.dlm": { char_lstm: 119_251 },
};

/** Non-trainable parameters (batch-norm moving statistics) where a model has any, per example file. */
const nonTrainable: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "resnet.dlm": { resnet: 576 },
  "dcgan.dlm": { generator: 25_472 },
  "dcgan_small.dlm": { generator: 6_368 },
};

describe("dsl-examples", () => {
  it("holds exactly the example files listed here", () => {
    expect(examples).toEqual(Object.keys(totals).sort());
  });

  for (const file of examples) {
    describe(file, () => {
      it("compiles without diagnostics and has the Keras parameter totals", () => {
        const { ir } = check(file);
        const models = byName(ir);
        const want = totals[file];
        expect([...models.keys()].sort()).toEqual(Object.keys(want).sort());
        const summary = summarizeProgram(ir);
        for (const [name, total] of Object.entries(want)) {
          expect(modelParamCount(models.get(name)!, models)).toBe(total);
          expect(summary).toContain(`Model: "${name}"`);
          expect(summary).toContain(`Total params: ${total.toLocaleString("en-US")} (`);
          const state = nonTrainable[file]?.[name] ?? 0;
          expect(summary).toContain(`Trainable params: ${(total - state).toLocaleString("en-US")} (`);
          expect(summary).toContain(`Non-trainable params: ${state.toLocaleString("en-US")} (`);
        }
      });

      it("passes verify after lowering (untyped) and after shape inference (typed)", () => {
        const path = join(examplesDir, file);
        const source = decodeSource(path, readFileSync(path)) as SourceFile;
        const parsed = parse(source);
        expect(parsed.diagnostics).toEqual([]);
        const lowered = lower(parsed.ast!);
        expect(lowered.diagnostics).toEqual([]);
        expect(verify(lowered.ir!, { typed: false })).toEqual([]);
        // Lowering leaves shapes to the shapes pass, except for declared inputs.
        const untyped = lowered.ir!.models.flatMap((m) => m.graph.values.filter((v) => v.kind !== "input" && v.shape));
        expect(untyped).toEqual([]);
        const { ir } = check(file);
        expect(verify(ir, { typed: true })).toEqual([]);
      });

      it("prints the golden IR", () => {
        const { source, ir } = check(file);
        expectGolden(join(goldenDir, file.replace(/\.dlm$/, ".ir")), printProgram(ir, source));
      });
    });
  }
});

describe("cnn.dlm summary", () => {
  it("has the Keras layers, output shapes and parameter counts", () => {
    const { ir } = check("cnn.dlm");
    const summary = summarizeProgram(ir);
    const rows = summary.split("\n").filter((l) => /^ \S+ \(\w+\)/.test(l) && !l.startsWith(" Layer (type)"));
    const cells = rows.map((r) => r.trim().split(/\s{2,}/));
    expect(cells).toEqual([
      ["conv2d (Conv2D)", "(None, 26, 26, 32)", "320"],
      ["max_pooling2d (MaxPooling2D)", "(None, 13, 13, 32)", "0"],
      ["flatten (Flatten)", "(None, 5408)", "0"],
      ["dense (Dense)", "(None, 128)", "692,352"],
      ["dense_1 (Dense)", "(None, 10)", "1,290"],
    ]);
    expect(summary).toContain("Total params: 693,962 (2.65 MB)");
    expect(summary).toContain("Trainable params: 693,962 (2.65 MB)");
    expect(summary).toContain("Non-trainable params: 0 (0.00 B)");
  });

  it("gives each layer's output value the shape Keras prints", () => {
    const cnn = check("cnn.dlm").ir.models[0];
    const shapes = cnn.layers.map((l) => [l.name, cnn.graph.values[l.output].shape]);
    expect(shapes).toEqual([
      ["conv2d", ["B", 26, 26, 32]],
      ["max_pooling2d", ["B", 13, 13, 32]],
      ["flatten", ["B", 5408]],
      ["dense", ["B", 128]],
      ["dense_1", ["B", 10]],
    ]);
  });
});

describe("rnn.dlm summary", () => {
  it("has per-layer output shapes and counts", () => {
    const summary = summarizeProgram(check("rnn.dlm").ir);
    expect(summary).toMatch(/lstm \(LSTM\)\s+\(None, 28, 50\)\s+15,800/);
    expect(summary).toMatch(/lstm_1 \(LSTM\)\s+\(None, 50\)\s+20,200/);
    expect(summary).toMatch(/dense \(Dense\)\s+\(None, 10\)\s+510/);
    expect(summary).toContain("Total params: 36,510 (");
  });
});
