// Output people can look at while a GAN trains: after each epoch, a PNG grid of images
// generated from fixed noise (the same noise every epoch, so grids compare across
// epochs), and an SVG plot of every step's loss over training. The noise comes from its
// own RNG, so sampling never changes the training run.
import * as path from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { Rng } from "./rng.js";
import { encodePng, imageGrid, lossPlotSvg } from "./images.js";
import type { ProgressStream } from "./progress.js";
import type { TrainerInstance, TrainerModule } from "./trainer-module.js";

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
