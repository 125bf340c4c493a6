// `dlm sample`: what a trained generative model makes. A character model (a train block
// whose data is `brown.chars` or `text`) continues a prompt one character at a time: its
// window is the last `context` characters (a shorter text sits at the window's start, read
// at its last position, for a model with next-character targets at every position; it is
// padded on the left with newlines for a model that predicts only after a full window), the
// next character is drawn from softmax(logits / temperature) with a seeded RNG, and the text
// is printed. A GAN (a train block that samples noise for a model) writes a PNG grid of that
// model's images from seeded noise. Both run the model as `dlm export` builds it, with the
// checkpoint's weights (export/export.ts: the inference program of the trainer's own entry).
// A program that is neither is a located DL4011.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checked, pickTrain, UsageError, useColor, writing } from "./cli.js";
import { renderDiagnostics } from "./diagnostics/render.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { exported, failed as failedExport, loadExported } from "./export/commands.js";
import type { FrontEndResult } from "./compile.js";
import type { TrainIR } from "./ir/ir.js";
import { intOption, joinNumericValues } from "../runtime/main.js";
import { hasRelaxedSimd } from "../runtime/wasm/instantiate.js";
import { loadSafetensors } from "../runtime/safetensors.js";
import { storedChars } from "../runtime/checkpoint.js";
import { encodeChars } from "../runtime/data/chars.js";
import { DataError } from "../runtime/errors.js";
import { Rng } from "../runtime/rng.js";
import { encodePng, imageGrid } from "../runtime/images.js";
import type { Model } from "../runtime/inference.js";

export const sampleUsage = `  sample FILE.dlm --checkpoint FILE
                      a character model: continue --prompt and print the text; a GAN:
                      write a PNG grid of its generator's images from seeded noise (-o FILE)
      --prompt TEXT     the text to continue (default: none, after a newline)
      --length N        characters to generate (default 400)
      --temperature T   sharpness of the draws: logits / T (default 1; lower is likelier text)
      --seed N          seed of the draws or of the noise (default 0)
      -o FILE.png       a GAN's grid of 64 images (8 × 8)
      --train NAME      which train block (when the file has several)
`;

/** What a program can be sampled as, or why it cannot. */
type Kind =
  | { kind: "chars"; model: string; context: number; targets: "all" | "last" }
  | { kind: "gan"; model: string; source: Readonly<Record<string, unknown>>; range: readonly [number, number] }
  | { kind: "none"; problem: Diagnostic };

export function sampleKind(front: FrontEndResult, train: string): Kind {
  const t = front.ir!.trains.find((x) => x.name === train)!;
  const tp = front.trainings!.get(train)!;
  const src = t.data?.source;
  const decl = front.ast?.items.find((x) => x.kind === "Train" && x.name.name === train);
  const at = decl?.name.span ?? t.span;
  if (src?.kind === "chars") return { kind: "chars", model: t.steps[0].model, context: src.context, targets: src.targets };
  if (tp.samplers.length > 0) return { kind: "gan", model: tp.samplers[0].model, source: tp.samplers[0].source, range: ganRange(t) };
  const what = t.evaluation ? "a model of its data's targets (a classifier or a regression)" : "a model without a generator";
  return {
    kind: "none",
    problem: error("DL4011", `\`train ${train}\` trains ${what}: \`dlm sample\` samples character models and GANs`, at, {
      hint: "sample a train block whose data is `brown.chars(...)` or `text(...)`, or one that feeds noise to a generator; `dlm predict` runs a classifier",
    }),
  };
}

/** The pixel range of a GAN's images: its data's `range` (the generator learns to match it). */
function ganRange(t: TrainIR): readonly [number, number] {
  return t.data?.range ?? [-1, 1];
}

/** The probabilities softmax(logits / temperature) of one row (from probabilities, their logarithms are the logits). */
export function temperatureProbs(row: Float32Array, fromProbabilities: boolean, temperature: number): Float64Array {
  const logits = Float64Array.from(row, (v) => (fromProbabilities ? Math.log(Math.max(v, 1e-30)) : v) / temperature);
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += logits[i] = Math.exp(logits[i] - max);
  for (let i = 0; i < logits.length; i++) logits[i] /= sum;
  return logits;
}

/** Draws an index from probabilities `p` with one uniform of `rng`. */
export function draw(p: Float64Array, rng: Rng): number {
  let u = rng.uniform();
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u < 0) return i;
  }
  return p.length - 1;
}

export interface CharSampling {
  readonly context: number;
  readonly targets: "all" | "last";
  readonly vocab: readonly string[];
  readonly prompt: string;
  readonly length: number;
  readonly temperature: number;
  readonly seed: number;
}

/** The prompt and `length` characters the model adds to it, one at a time. */
export function sampleText(model: Model, o: CharSampling): string {
  const V = o.vocab.length;
  const oneHot = model.info.input.shape.length === 2;
  const perPosition = o.targets === "all";
  const classes = model.info.output.kind === "classes";
  const newline = Math.max(0, o.vocab.indexOf("\n"));
  const ids = Array.from(encodeChars(o.prompt === "" ? "\n" : o.prompt, o.vocab));
  const rng = new Rng(o.seed);
  const input = new Float32Array(o.context * (oneHot ? V : 1));
  let out = o.prompt;
  for (let k = 0; k < o.length; k++) {
    // The window: the last `context` ids; a shorter text at the start (per position) or padded on the left.
    const take = ids.slice(-o.context);
    const window = perPosition ? take : [...new Array(o.context - take.length).fill(newline), ...take];
    input.fill(0);
    window.forEach((id, t) => (oneHot ? (input[t * V + id] = 1) : (input[t] = id)));
    const y = model.predict(input, 1);
    const at = perPosition ? window.length - 1 : 0;
    const next = draw(temperatureProbs(y.subarray(at * V, (at + 1) * V), classes, o.temperature), rng);
    ids.push(next);
    out += next === 0 ? "\ufffd" : o.vocab[next];
  }
  return out;
}

/** A GAN's 8 × 8 grid: 64 noise rows from the sampler's distribution (seeded), through the model. */
export function ganGrid(model: Model, kind: Extract<Kind, { kind: "gan" }>, seed: number): Uint8Array {
  const count = 64;
  const per = model.info.input.shape.reduce((a, d) => a * d, 1);
  const z = new Float32Array(count * per);
  const rng = new Rng(seed);
  const s = kind.source;
  if (s.kind === "uniform") rng.fillUniform(z, s.low as number, s.high as number);
  else rng.fillNormal(z, (s.mean as number) ?? 0, (s.std as number) ?? 1);
  const images = model.predict(z, count);
  const shape = model.info.output.shape;
  const h = shape.length >= 2 ? shape[0] : Math.round(Math.sqrt(shape[0]));
  const w = shape.length >= 2 ? shape[1] : h;
  const channels = shape.reduce((a, d) => a * d, 1) / (h * w);
  if (channels !== 1 || !Number.isInteger(h))
    throw new DataError(`\`${kind.model}\` gives [${shape.join(", ")}] per row: not a gray image`);
  const g = imageGrid(images, count, h, w, 8, kind.range);
  return encodePng(g.width, g.height, g.pixels);
}

export async function sampleCommand(args: readonly string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const options = {
    checkpoint: { type: "string" },
    prompt: { type: "string", default: "" },
    length: { type: "string" },
    temperature: { type: "string" },
    seed: { type: "string" },
    out: { type: "string", short: "o" },
    train: { type: "string" },
  } as const;
  const { values, positionals } = parseArgs({ args: joinNumericValues(args, options), allowPositionals: true, options });
  if (positionals.length !== 1) throw new UsageError("sample takes exactly one FILE.dlm");
  if (!values.checkpoint) throw new UsageError("sample needs --checkpoint FILE (written by `dlm train --save FILE`)");
  const length = values.length === undefined ? 400 : intOption("length", values.length, { min: 0, max: 1_000_000 });
  const seed = values.seed === undefined ? 0 : intOption("seed", values.seed, { min: 0, max: 2 ** 31 - 1 });
  const temperature = values.temperature === undefined ? 1 : Number(values.temperature);
  if (!(temperature > 0 && Number.isFinite(temperature)))
    throw new UsageError(`--temperature must be a number > 0, not '${values.temperature}'`);
  const file = positionals[0];
  const front = checked(file, err);
  if (typeof front === "number") return front;
  const train = pickTrain(front, values.train);
  const kind = sampleKind(front, train);
  if (kind.kind === "none") {
    err.write(renderDiagnostics(front.source, [kind.problem], { color: useColor(err) }));
    return 1;
  }
  if (kind.kind === "gan" && !values.out) throw new UsageError("sampling a GAN writes a PNG grid: give -o FILE.png");
  if (kind.kind === "chars" && values.out) throw new UsageError("-o is for a GAN's PNG grid; a character model's text is printed");
  const r = await exported(
    file,
    { checkpoint: values.checkpoint, model: kind.model, train },
    kind.kind === "gan" ? 64 : 1,
    err,
    hasRelaxedSimd(),
  );
  if (typeof r === "number") return r;
  try {
    const model = await loadExported(r.m);
    if (kind.kind === "gan") {
      const png = ganGrid(model, kind, seed);
      const to = values.out!;
      writing(to, () => writeFileSync(to, png));
      out.write(`wrote ${to}: 64 images of \`${kind.model}\` from noise of seed ${seed}\n`);
      return 0;
    }
    const vocab = storedChars(loadSafetensors(values.checkpoint).metadata, values.checkpoint);
    if (!vocab)
      throw new DataError("holds no character vocabulary (vocab_chars): not a checkpoint of a character model", values.checkpoint);
    const classes = model.info.output.shape.at(-1);
    if (classes !== vocab.length)
      throw new DataError(`stores ${vocab.length} characters, but \`${kind.model}\` gives ${classes} classes`, values.checkpoint);
    const text = sampleText(model, {
      context: kind.context,
      targets: kind.targets,
      vocab,
      prompt: values.prompt,
      length,
      temperature,
      seed,
    });
    out.write(`${text}\n`);
    return 0;
  } catch (e) {
    return failedExport(err, e);
  }
}
