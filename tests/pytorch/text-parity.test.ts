// The PyTorch target's text, recurrent and attention rules against the wasm trainer: for train
// blocks of tests/programs/pytorch/text.dlm (a masked bidirectional LSTM tagger, a masked GRU
// and SimpleRNN tagger, one-hot windows into a bidirectional GRU's last state, a causal
// transformer block) and a SimpleRNN on a text file read by `text(...)`, from one initial
// checkpoint and with shuffling off, a few steps of the emitted train.py and of dlm's trainer
// must end at the same parameters, every tensor within 1e-4 relative L2; the test loss and
// accuracy train.py prints must be dlm's; its checkpoint must hold dlm's vocabularies.
// train.py reads the data `dlm compile --target pytorch` prepares (DIR/data.safetensors).
// dlm's side runs in this process: one front end per file, one trainer module per block that
// writes the initial checkpoint and then resumes from it. In the slow list (vitest.slow.config.ts).
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { compileTrainer, frontEnd, importTrainer } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { pytorchProgram } from "../../compiler/emit/pytorch/command.js";
import { nodeHost, train } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { distRuntime } from "../helpers/trainer.js";
import { repoRoot, tempDir } from "../helpers/spawn.js";
import { pathToFileURL } from "node:url";
import { differences, missing, ok, runPython, script, weights } from "./python.js";

const tmp = tempDir("dlm-pytorch-text-");
afterAll(() => tmp.cleanup());
const quiet = { quiet: true, stream: { write: () => true }, note: () => {} };

/** The train blocks of tests/programs/pytorch/text.dlm, and a user's text file read by `text(...)`. */
const textDlm = path.join(repoRoot, "tests/programs/pytorch/text.dlm");
const storyDlm = path.join(tmp.dir, "story.dlm");
writeFileSync(path.join(tmp.dir, "story.txt"), "the quick brown fox jumps over the lazy dog. ".repeat(60));
// 28 characters, each seen 60 times, and <unk>: a vocabulary of 29; windows of 12 ids, the next id at every position.
writeFileSync(
  storyDlm,
  `model story(t: i32[B, 12]) {
  t |> embedding(29, 8) |> simple_rnn(16, return_sequences=true) |> dense(29)
}
train story {
  data      text("story.txt", context=12, test_windows=40)
  loss      sparse_categorical_crossentropy(from_logits=true)
  optimizer adam(lr=1e-2)
  batch     8
  shuffle   false
}
`,
);
const fronts = new Map<string, ReturnType<typeof frontEnd>>();
/** One front end per file, for all its train blocks. */
function frontOf(file: string) {
  if (!fronts.has(file)) fronts.set(file, frontEnd(file, readFileSync(file)));
  const front = fronts.get(file)!;
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  return front;
}

/**
 * The key projection's bias: in exact arithmetic its gradient is zero (softmax is unchanged when
 * every score of a query moves by the same q·b_k), so both programs move it by Adam's normalized
 * rounding noise, ~1e-5 per step; it is compared by its largest difference instead.
 */
const roundingOnly = (name: string) => name.endsWith("/key/bias");

describe.skipIf(missing() !== null)("train.py and the wasm trainer on text models, from one checkpoint", () => {
  for (const [name, steps, file] of [
    ["tagger", 6, textDlm],
    ["tagger_gru", 6, textDlm],
    ["next_char", 6, textDlm],
    ["char_transformer", 6, textDlm],
    ["story", 6, storyDlm],
  ] as const) {
    it(
      `${name}: ${steps} steps agree within 1e-4 relative L2 per parameter, and so do the test figures`,
      { timeout: 300_000 },
      async () => {
        const front = frontOf(file);
        const dir = path.join(tmp.dir, name);
        const [init, ours, theirs] = ["init", "dlm", "torch"].map((k) => path.join(tmp.dir, `${name}.${k}.safetensors`));
        const r = pytorchProgram(front, name, file);
        if (!r.program) throw new Error(renderDiagnostics(front.source, r.diagnostics));
        mkdirSync(dir, { recursive: true });
        for (const f of r.program.files) writeFileSync(path.join(dir, f.file), f.data);
        expect(r.program.files.map((f) => f.file).sort()).toEqual(["data.safetensors", "dlm_torch.py", "train.py"]);

        const compiled = await compileTrainer(front, name, {
          runtimeImport: distRuntime,
          sourceDir: pathToFileURL(path.dirname(file) + path.sep).href,
          format: false,
          relaxed: false,
        });
        const mod = await importTrainer(compiled, "dlm-test-");
        const loaded = nodeHost.loadData(mod.program, { baseDir: path.dirname(file) });
        train(mod, { ...quiet, seed: 1, maxSteps: 0, save: init, loaded: { ...loaded, test: null } });
        const dlm = train(mod, { ...quiet, resume: init, maxSteps: steps, save: ours, loaded });
        const py = ok(
          await runPython([script(dir), "--resume", init, "--max-steps", String(steps), "--save", theirs, "--device", "cpu", "--quiet"]),
          "train.py",
        );

        const diffs = differences(weights(theirs), weights(ours));
        expect(diffs.length).toBe(weights(init).size);
        const compared = diffs.filter((d) => !roundingOnly(d.name));
        const worst = compared.reduce((a, b) => (b.rel > a.rel ? b : a));
        console.log(`${name}: ${steps} steps, worst relative L2 ${worst.rel.toExponential(2)} (${worst.name})`);
        for (const d of compared) expect(d.rel, `${d.name}: relative L2 ${d.rel}`).toBeLessThanOrEqual(1e-4);
        for (const d of diffs.filter((d) => roundingOnly(d.name))) expect(d.max, `${d.name}: max |Δ| ${d.max}`).toBeLessThanOrEqual(1e-3);
        // The weights moved: the comparison is of training, not of two copies of the initial checkpoint.
        expect(Math.max(...differences(weights(ours), weights(init)).map((d) => d.rel))).toBeGreaterThan(1e-3);

        // The test split's figures: the same batches, the same masked means and scored positions.
        const m = /^test loss (\d+\.\d+)(?: accuracy (\d+\.\d+))?$/m.exec(py.stdout);
        expect(m, py.stdout).not.toBeNull();
        expect(dlm.test).not.toBeNull();
        expect(Math.abs(Number(m![1]) - dlm.test!.loss)).toBeLessThan(1e-3);
        if (dlm.test!.accuracy !== undefined) expect(Math.abs(Number(m![2]) - dlm.test!.accuracy)).toBeLessThan(1e-3);
        else expect(m![2]).toBeUndefined();

        // train.py's checkpoint is dlm's, vocabularies included (dlm train --resume refuses other ones).
        const meta = loadSafetensors(theirs).metadata;
        const dlmMeta = loadSafetensors(ours).metadata;
        for (const k of ["signature", "global_step", "step_counts", "vocab_words", "vocab_tags", "vocab_chars"])
          expect(meta[k], k).toBe(dlmMeta[k]);
        expect(dlmMeta.vocab_words ?? dlmMeta.vocab_chars).toBeDefined();
      },
    );
  }
});
