// Training controls (runtime/callbacks.ts, docs/language.md §6 "Training controls"): early
// stopping, reduce-on-plateau and save_best on scripted sequences of monitored values, both
// as units and driven by the trainer with a test double of the validation (`validate`);
// restore_best_weights at the end of training whether or not stopping triggered (Keras 3);
// their state in checkpoints, so a run paused by --max-steps and resumed is bitwise the
// uninterrupted run; and the --log files (CSV, JSONL, SVG).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { EarlyStopping, ReduceLrOnPlateau, BestTracker, minimizes } from "../../runtime/callbacks.js";
import { loadTrainer } from "../helpers/trainer.js";
import { repoRoot, runDlm, tempDir } from "../helpers/spawn.js";
import { train, type TrainerModule, type TrainOptions } from "../../runtime/trainer.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { makeDataset } from "../../runtime/dataset.js";
import { Rng } from "../../runtime/rng.js";
import type { LoadedData } from "../../runtime/data/load.js";

const early = (o: Partial<ConstructorParameters<typeof EarlyStopping>[0]> = {}) =>
  new EarlyStopping({ monitor: "val_loss", patience: 0, minDelta: 0, mode: "auto", restoreBestWeights: false, startFromEpoch: 0, ...o });

/** Feeds `values` epoch by epoch; the epoch (0-based) where it stopped, or -1. */
function stopsAt(es: EarlyStopping, values: number[], key = "val_loss"): number {
  const w = new Float32Array(1);
  for (let e = 0; e < values.length; e++) {
    w[0] = e;
    if (es.onEpochEnd(e, { [key]: values[e] }, w)) return e;
  }
  return -1;
}

describe("EarlyStopping (Keras 3)", () => {
  it("stops after `patience` epochs without improvement, never after the first", () => {
    expect(stopsAt(early({ patience: 0 }), [1, 2, 3])).toBe(1);
    expect(stopsAt(early({ patience: 0 }), [1, 0.5, 0.4, 0.6])).toBe(3);
    expect(stopsAt(early({ patience: 1 }), [1, 0.9, 0.95, 0.8])).toBe(2);
    expect(stopsAt(early({ patience: 2 }), [1, 0.9, 0.95, 0.8, 0.85, 0.9])).toBe(5);
    expect(stopsAt(early({ patience: 2 }), [1, 0.9, 0.8, 0.7])).toBe(-1);
  });

  it("counts an improvement only beyond min_delta, in the metric's direction", () => {
    expect(stopsAt(early({ patience: 0, minDelta: 0.1 }), [1, 0.95])).toBe(1);
    expect(stopsAt(early({ patience: 0, minDelta: 0.1 }), [1, 0.85])).toBe(-1);
    expect(stopsAt(early({ monitor: "val_accuracy", patience: 0 }), [0.5, 0.6, 0.7], "val_accuracy")).toBe(-1);
    expect(stopsAt(early({ monitor: "val_accuracy", patience: 0 }), [0.5, 0.6, 0.55], "val_accuracy")).toBe(2);
    expect(stopsAt(early({ monitor: "val_accuracy", mode: "min", patience: 0 }), [0.5, 0.6], "val_accuracy")).toBe(1);
    expect(minimizes("val_loss")).toBe(true);
    expect(minimizes("gen_loss")).toBe(true);
    expect(minimizes("val_mae")).toBe(true);
    expect(minimizes("val_auc")).toBe(false);
  });

  it("ignores the epochs before start_from_epoch", () => {
    expect(stopsAt(early({ patience: 0, startFromEpoch: 2 }), [1, 2, 3, 4])).toBe(3);
  });

  it("keeps the best epoch's weights, and restores them when asked", () => {
    const es = early({ patience: 5, restoreBestWeights: true });
    const w = new Float32Array(2);
    [3, 1, 2, 4].forEach((v, e) => {
      w.fill(e);
      es.onEpochEnd(e, { val_loss: v }, w);
    });
    expect(es.bestEpoch).toBe(1);
    expect(es.restore(w)).toBe(true);
    expect(Array.from(w)).toEqual([1, 1]);
    expect(early().restore(w)).toBe(false);
  });
});

describe("ReduceLrOnPlateau (Keras 3)", () => {
  const plateau = (o: Partial<ConstructorParameters<typeof ReduceLrOnPlateau>[0]> = {}) =>
    new ReduceLrOnPlateau({ monitor: "val_loss", factor: 0.5, patience: 2, minDelta: 1e-4, cooldown: 0, minLr: 0, ...o });

  /** The learning rate after each epoch of `values`, from 1. */
  function rates(p: ReduceLrOnPlateau, values: number[]): number[] {
    const lr = Float64Array.of(1);
    return values.map((v) => (p.onEpochEnd({ val_loss: v }, lr), lr[0]));
  }

  it("halves the rate after `patience` epochs without an improvement beyond min_delta", () => {
    expect(rates(plateau(), [1, 1, 1, 1, 1])).toEqual([1, 1, 0.5, 0.5, 0.25]);
    expect(rates(plateau(), [1, 0.99995, 0.9999, 0.5])).toEqual([1, 1, 0.5, 0.5]);
    expect(rates(plateau(), [1, 0.9, 0.8, 0.7])).toEqual([1, 1, 1, 1]);
  });

  it("waits `cooldown` epochs after a reduction, and stops at min_lr", () => {
    expect(rates(plateau({ patience: 1, cooldown: 2 }), [1, 1, 1, 1, 1, 1])).toEqual([1, 0.5, 0.5, 0.25, 0.25, 0.125]);
    expect(rates(plateau({ patience: 1, minLr: 0.3 }), [1, 1, 1, 1])).toEqual([1, 0.5, 0.3, 0.3]);
  });
});

describe("save_best's tracker (ModelCheckpoint(save_best_only=True))", () => {
  it("marks each epoch strictly better than every earlier one", () => {
    const b = new BestTracker("val_loss");
    expect([1, 0.5, 0.5, 0.7, 0.4].map((v) => b.onEpochEnd({ val_loss: v }))).toEqual([true, true, false, false, true]);
    const a = new BestTracker("val_auc");
    expect([0.5, 0.7, 0.6].map((v) => a.onEpochEnd({ val_auc: v }))).toEqual([true, true, false]);
  });
});

const program = (controls: string, epochs = 6) => `model m(x: [B, 3]) {
  x |> dense(4, activation=tanh) |> dense(1)
}
train m {
  loss             mse
  optimizer        sgd(lr=0.05)
  validation_split 0.25
  batch            4
  epochs           ${epochs}
  ${controls}
}
`;

function data(): LoadedData {
  const rng = new Rng(3);
  const x = new Float32Array(16 * 3);
  rng.fillUniform(x, -1, 1);
  const y = Float32Array.from({ length: 16 }, (_, i) => x[3 * i] - 0.5 * x[3 * i + 2]);
  return { train: makeDataset(x, [3], y, [1], "train"), test: null, description: "in memory" };
}

const tmp = tempDir("dlm-controls-");
afterAll(() => tmp.cleanup());

describe("the trainer's controls, with scripted validation losses", () => {
  let stopping: TrainerModule;
  let plateau: TrainerModule;
  let patient: TrainerModule;
  const loaded = data();
  /** Trains with `val_loss` = script[epoch]; returns the result and each epoch's weights. */
  function run(mod: TrainerModule, script: number[], opts: TrainOptions = {}) {
    const weights: Float32Array[] = [];
    const r = train(mod, {
      loaded,
      quiet: true,
      validate: (epoch) => ({ val_loss: script[epoch] }),
      onEpoch: (_e, t) => weights.push(Float32Array.from(t.params)),
      ...opts,
    });
    return { r, weights, params: Float32Array.from(r.trainer.params) };
  }

  beforeAll(async () => {
    stopping = await loadTrainer(
      program(`early_stopping early_stopping(monitor=val_loss, patience=1, restore_best_weights=true)
  save_best "${path.join(tmp.dir, "best.safetensors")}"`),
    );
    patient = await loadTrainer(program("early_stopping early_stopping(patience=2, restore_best_weights=true)"));
    plateau = await loadTrainer(program("reduce_lr_on_plateau reduce_lr_on_plateau(factor=0.5, patience=1)"));
  }, 60_000);

  it("stops at the first epoch without improvement (patience 1), restores the best epoch's weights, and saved them", () => {
    const { r, weights, params } = run(stopping, [1, 0.8, 0.9, 0.7, 0.6, 0.5]);
    expect(r.stoppedEpoch).toBe(3);
    expect(weights.length).toBe(3);
    expect(r.restoredBest).toBe(true);
    expect(Array.from(params)).toEqual(Array.from(weights[1]));
    const { tensors, metadata } = loadSafetensors(path.join(tmp.dir, "best.safetensors"));
    expect(metadata.epoch).toBe("2");
    const kernel = stopping.parameters[0];
    expect(Array.from(tensors[kernel.name].data as Float32Array)).toEqual(
      Array.from(weights[1].subarray(kernel.offset, kernel.offset + kernel.size)),
    );
  });

  it("restores the best weights at the end when stopping never triggered (Keras 3, not Keras 2)", () => {
    // Patience 2: the last epoch is the only one without improvement, so the run ends without stopping.
    const { r, weights, params } = run(patient, [1, 0.9, 0.8, 0.7, 0.6, 0.65]);
    expect(r.stoppedEpoch).toBe(0);
    expect(weights.length).toBe(6);
    expect(r.restoredBest).toBe(true);
    expect(Array.from(params)).toEqual(Array.from(weights[4]));
    expect(Array.from(params)).not.toEqual(Array.from(weights[5]));
  });

  it("lowers the learning rate on a plateau (the progress line and the log show it)", () => {
    const lines: string[] = [];
    const log = path.join(tmp.dir, "plateau.csv");
    const r = train(plateau, {
      loaded,
      validate: (epoch) => ({ val_loss: [1, 1, 1, 0.5, 0.5, 0.5][epoch] }),
      stream: { write: (s: string) => lines.push(s) },
      log,
    });
    // Keras: lowered after epochs 2, 3 (no improvement, patience 1), not 4 (0.5 improves), then after 5 and 6.
    expect(r.trainer.learningRates[0]).toBe(0.05 / 16);
    const text = lines.join("");
    expect(text).not.toContain("learning_rate: 0.0500");
    expect(text).toContain("learning_rate: 0.0250");
    const rows = readFileSync(log, "utf8").trim().split("\n");
    expect(rows[0]).toBe("epoch,step,kind,loss,val_loss,learning_rate");
    expect(rows.slice(1).map((l) => Number(l.split(",").at(-1)))).toEqual([0.05, 0.05, 0.025, 0.0125, 0.0125, 0.00625]);
    expect(existsSync(path.join(tmp.dir, "plateau.svg"))).toBe(true);
  });

  it("resumes bitwise: a run paused by --max-steps mid-epoch and resumed ends with the uninterrupted run's weights and state", () => {
    const script = [1, 0.9, 0.95, 0.97, 0.5, 0.4];
    for (const mod of [stopping, plateau]) {
      const whole = run(mod, script, { save: path.join(tmp.dir, "whole.safetensors") });
      const ck = path.join(tmp.dir, "paused.safetensors");
      // 12 training samples at batch 4: 3 steps per epoch; pause inside epoch 3 and inside epoch 4.
      run(mod, script, { save: ck, maxSteps: 7 });
      run(mod, script, { save: ck, resume: ck, maxSteps: 11 });
      const resumed = run(mod, script, { save: ck, resume: ck });
      expect(Array.from(resumed.params)).toEqual(Array.from(whole.params));
      expect(resumed.r.trainer.learningRates[0]).toBe(whole.r.trainer.learningRates[0]);
      expect(resumed.r.stoppedEpoch).toBe(whole.r.stoppedEpoch);
      expect(loadSafetensors(ck).metadata.controls).toBe(loadSafetensors(path.join(tmp.dir, "whole.safetensors")).metadata.controls);
    }
  });

  it("writes the log as JSONL, with step rows and a partial row where --max-steps stops", () => {
    const log = path.join(tmp.dir, "run.jsonl");
    train(plateau, { loaded, quiet: true, validate: () => ({ val_loss: 1 }), log, logEvery: 2, maxSteps: 5 });
    const rows = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.epoch, r.step, r.kind])).toEqual([
      [1, 2, "step"],
      [1, 3, "epoch"],
      [2, 4, "step"],
      [2, 5, "partial"],
    ]);
    expect(Object.keys(rows[1])).toEqual(["epoch", "step", "kind", "loss", "val_loss", "learning_rate"]);
    expect(rows[0].val_loss).toBeNull();
    expect(rows[1].val_loss).toBe(1);
    const svg = readFileSync(path.join(tmp.dir, "run.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("val_loss (validation)");
    expect(svg).toContain("loss (training)");
    expect(svg.match(/<polyline/g)!.length).toBe(3); // loss, val_loss, learning_rate
  });
});

describe("dlm train dsl-examples/cnn_schedule.dlm --max-steps 300 --log out.csv", () => {
  it("exits 0 and writes the header and a partial row, then the SVG", async () => {
    const r = await runDlm(["train", path.join(repoRoot, "dsl-examples/cnn_schedule.dlm"), "--max-steps", "300", "--log", "out.csv"], {
      cwd: tmp.dir,
      timeoutMs: 300_000,
    });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^test loss \d\.\d{4} accuracy 0\.\d{4}$/m);
    const rows = readFileSync(path.join(tmp.dir, "out.csv"), "utf8").trim().split("\n");
    expect(rows[0]).toBe("epoch,step,kind,loss,accuracy,val_loss,val_accuracy,learning_rate");
    expect(rows.length).toBe(2);
    const [epoch, step, kind, loss, , , , lr] = rows[1].split(",");
    expect([epoch, step, kind]).toEqual(["1", "300", "partial"]);
    expect(Number(loss)).toBeGreaterThan(0);
    // The warmup's learning rate of the 300th update (Keras counts from 0: step 299): 2e-3 · 299/500.
    expect(Number(lr)).toBeCloseTo(2e-3 * (299 / 500), 12);
    expect(existsSync(path.join(tmp.dir, "out.svg"))).toBe(true);
  }, 300_000);
});
