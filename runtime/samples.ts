// Output people can look at while a GAN trains: after each epoch, a PNG grid of images
// generated from fixed noise (the same noise every epoch, so grids compare across
// epochs), and an SVG plot of every step's loss over training. The noise comes from its
// own RNG, so sampling never changes the training run. For an autoencoder (samples that
// are their own targets), at the end: test images above their reconstructions.
import * as path from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { Rng } from "./rng.js";
import { encodePng, imageGrid, lossPlotSvg } from "./images.js";
import type { ProgressStream } from "./progress.js";
import type { TrainerInstance, TrainerModule } from "./trainer-module.js";
import { fillBatch, sizeOf, type Dataset } from "./dataset.js";

const GRID = 64; // images per grid, 8 × 8
const POINTS = 400; // points per loss curve

export class Samples {
  private readonly noise: Map<string, Float32Array>;
  private readonly sums: Float64Array;
  private count = 0;
  private readonly history: { step: number; losses: number[] }[] = [];
  private readonly every: number;

  constructor(
    private readonly mod: TrainerModule,
    private readonly trainer: TrainerInstance,
    private readonly opts: {
      dir: string;
      seed: number;
      batch: number;
      epochs: number;
      stepsPerEpoch: number;
      quiet: boolean;
      stream: ProgressStream;
    },
  ) {
    const rng = new Rng(opts.seed + 0x5eed);
    this.noise = new Map(
      mod.program.samplers.map((s) => {
        const m = mod.program.models.find((x) => x.name === s.model)!;
        const per = (m.inputs[0] as number[]).slice(1).reduce((a, d) => a * d, 1);
        const z = new Float32Array(GRID * per);
        if (s.source.kind === "uniform") rng.fillUniform(z, s.source.low as number, s.source.high as number);
        else rng.fillNormal(z, (s.source.mean as number) ?? 0, (s.source.std as number) ?? 1);
        return [s.model, z];
      }),
    );
    this.sums = new Float64Array(mod.program.steps.length);
    this.every = Math.max(1, Math.round((opts.epochs * opts.stepsPerEpoch) / POINTS));
  }

  /** Accumulates the step's losses; keeps one averaged point per `every` steps. */
  record(step: number, losses: Float64Array): void {
    for (let k = 0; k < this.sums.length; k++) this.sums[k] += losses[k];
    if (++this.count < this.every) return;
    this.history.push({ step, losses: Array.from(this.sums, (v) => v / this.count) });
    this.sums.fill(0);
    this.count = 0;
  }

  /** Writes <dir>/<model>_epoch_NNN.png for each generator and <dir>/losses.svg. */
  write(epoch: number): void {
    mkdirSync(this.opts.dir, { recursive: true });
    const range = ((this.mod.program.data as { range?: [number, number] } | null)?.range ?? [0, 1]) as [number, number];
    const written: string[] = [];
    for (const [model, z] of this.noise) {
      const info = this.mod.program.models.find((x) => x.name === model)!;
      const per = (info.output as number[]).slice(1).reduce((a, d) => a * d, 1);
      const side = Math.round(Math.sqrt(per));
      if (side * side !== per) continue; // not a square image
      const images = new Float32Array(GRID * per);
      const m = this.trainer.models[model];
      const zPer = z.length / GRID;
      for (let start = 0; start < GRID; start += this.opts.batch) {
        const n = Math.min(this.opts.batch, GRID - start);
        m.inputs[0].set(z.subarray(start * zPer, (start + n) * zPer));
        m.run(n);
        images.set(m.output.subarray(0, n * per), start * per);
      }
      const grid = imageGrid(images, GRID, side, side, 8, range);
      const file = path.join(this.opts.dir, `${model}_epoch_${String(epoch).padStart(3, "0")}.png`);
      writeFileSync(file, encodePng(grid.width, grid.height, grid.pixels));
      written.push(file);
    }
    const steps = this.mod.program.steps;
    const svg = lossPlotSvg(
      `${this.mod.program.name}: losses (mean over ${this.every} steps)`,
      "step",
      steps.map((s, k) => ({ name: `${s.model} loss`, xs: this.history.map((h) => h.step), ys: this.history.map((h) => h.losses[k]) })),
    );
    const plot = path.join(this.opts.dir, "losses.svg");
    writeFileSync(plot, svg);
    if (!this.opts.quiet) this.opts.stream.write(`samples: ${[...written, plot].join(", ")}\n`);
  }
}

const PAIRS = 8; // test images shown with their reconstructions

/**
 * An autoencoder's samples (data whose samples are their own targets): the first 8 test
 * images in a row above their reconstructions by the trained model (inference mode), as
 * <dir>/<model>_reconstructions.png. Returns the file, or null when a sample is not one
 * image (its size not h·w·1 for a square h = w, nor [h, w, 1]).
 */
export function writeReconstructions(mod: TrainerModule, trainer: TrainerInstance, test: Dataset, dir: string): string | null {
  const model = mod.program.steps[0].model;
  const m = trainer.models[model];
  const shape = test.xShape;
  const per = sizeOf(shape);
  const side = Math.round(Math.sqrt(per));
  const [h, w] = shape.length >= 2 && sizeOf(shape.slice(2)) === 1 ? [shape[0], shape[1]] : side * side === per ? [side, side] : [0, 0];
  if (h === 0 || sizeOf(mod.program.models.find((x) => x.name === model)!.output.slice(1) as number[]) !== per) return null;
  const count = Math.min(PAIRS, test.n);
  const rows = m.inputs[0].length / per; // the trainer's batch size
  const images = new Float32Array(2 * PAIRS * per);
  const chunk = new Float32Array(rows * per);
  for (let start = 0; start < count; start += rows) {
    const n = fillBatch(test, null, start / rows, rows, chunk);
    const k = Math.min(n, count - start);
    images.set(chunk.subarray(0, k * per), start * per);
    m.inputs[0].set(chunk);
    m.run(k);
    images.set(m.output.subarray(0, k * per), (PAIRS + start) * per);
  }
  const range = ((mod.program.data as { range?: [number, number] } | null)?.range ?? [0, 1]) as [number, number];
  const grid = imageGrid(images, 2 * PAIRS, h, w, PAIRS, range);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${model}_reconstructions.png`);
  writeFileSync(file, encodePng(grid.width, grid.height, grid.pixels));
  return file;
}
