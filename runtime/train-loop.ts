// The training driver, on any engine: takes a generated trainer module (trainer-module.ts:
// program description + createTrainer) and runs it — initial weights from the seeded RNG,
// batching, epochs with progress output, validation and test evaluation, resuming bitwise
// exactly, and a clear stop when a loss turns non-finite (the bad step is replayed to name the
// first tensor that went non-finite). What needs a file system (reading the data source,
// checkpoints, `init FILE`, sample images, curve logs) is the host's (`TrainHost`):
// trainer.ts is Node's, browser.ts a page's.
// Invariants: everything random comes from one Rng seeded by `seed`, in a fixed order
// (weights, then per epoch: the shuffle, then per step: noise and dropout masks), so a page
// and Node given the same data and seed train the same bits.
import { Rng } from "./rng.js";
import type { KernelProfile } from "./profile.js";
import { initialize } from "./init.js";
import { fillBatch, batchesPerEpoch, splitValidation, sizeOf, type Dataset } from "./dataset.js";
import type { LoadedData } from "./data/assemble.js";
import { Progress, type ProgressStream } from "./progress.js";
import { countArgmaxMatches, countBinaryMatches, countOneHotMatches, countScored } from "./metrics.js";
import { TrainingError, displayPath } from "./errors.js";
import { firstNonFinite } from "./kernels/optimizers.js";
import type { Checkpoint, Note, ResumeContext } from "./checkpoint.js";
import type { InitSpec } from "./transfer.js";
import { testKillAfterStep } from "./testhooks.js";
import { Controls, StateError, saveBestMonitor, type Logs } from "./callbacks.js";
import { EvalMetrics, metricName } from "./eval-metrics.js";
import type { LogRow } from "./curves.js";
import { privacyLine, privateTraining } from "./privacy.js";

type Arr = Float32Array | Float64Array;

export type { ParameterInfo, ProgramInfo, TraceEntry, TrainerInstance, TrainerModule, TrainerOptions } from "./trainer-module.js";
import type { ParameterInfo, ProgramInfo, TrainerInstance, TrainerModule } from "./trainer-module.js";

export interface TrainOptions {
  epochs?: number;
  batch?: number;
  seed?: number;
  /** --data: overrides where the data comes from. */
  data?: string;
  /** Folder that relative data paths resolve against (the .dlm file's folder). */
  baseDir?: string;
  /** Checkpoint file to write at the end (and every `checkpointEvery` steps). */
  save?: string;
  checkpointEvery?: number;
  /** Checkpoint file to continue from. */
  resume?: string;
  /** Folder for generated-image grids and the loss plot (programs with a generator), or an autoencoder's reconstructions. */
  samples?: string;
  /** Collects per-kernel times (`--profile`); the caller prints its report. */
  profile?: KernelProfile;
  /** Stop after this many steps in all (for tests and for splitting long runs). */
  maxSteps?: number;
  quiet?: boolean;
  stream?: ProgressStream;
  /** Where notes go (an ignored flag, a checkpoint without a checksum), one line each; default stderr. */
  note?: Note;
  /** Called after every step with its losses (one per `step` of the program). */
  onStep?: (globalStep: number, losses: Float64Array) => void;
  /** Called after every epoch (1-based) with the trainer, e.g. to write samples. */
  onEpoch?: (epoch: number, trainer: TrainerInstance) => void;
  /** `--log FILE.csv|.jsonl`: the training curves, a row per epoch (and per `logEvery` steps), and an SVG beside it. */
  log?: string;
  logEvery?: number;
  /** `--confusion`: the caller prints the test split's confusion matrix. */
  confusion?: boolean;
  /** A test double of the validation: the epoch's `val_…` values instead of evaluating. */
  validate?: (epoch: number, trainer: TrainerInstance) => Logs;
  /** Data already loaded (tests, or several runs on one data set). */
  loaded?: LoadedData;
  now?: () => number;
}

export interface TrainResult {
  readonly trainer: TrainerInstance;
  readonly steps: number;
  readonly test: Evaluation | null;
  /** The epoch (1-based) where early stopping stopped the run, or 0. */
  readonly stoppedEpoch: number;
  /** Whether early stopping's best weights were restored at the end. */
  readonly restoredBest: boolean;
}

/** An evaluation's loss and metrics (by their log names), and the confusion matrix of its predictions. */
export interface Evaluation {
  readonly loss: number;
  readonly accuracy?: number;
  readonly samples: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly confusion: readonly (readonly number[])[] | null;
}

/** Initial weights: each tensor from its Keras initializer, drawn in parameter order. */
export function initParameters(trainer: TrainerInstance, parameters: readonly ParameterInfo[], rng: Rng): void {
  for (const p of parameters) {
    const scratch = new Float32Array(p.size);
    initialize(p.init, scratch, p.shape, rng);
    trainer.params.set(scratch, p.offset);
  }
}

/** What a GAN's per-epoch samples need (samples.ts in Node). */
export interface SampleWriter {
  record(step: number, losses: Float64Array): void;
  write(epoch: number): void;
}

/** Training curves, a row at a time (curves.ts in Node). */
export interface CurveWriter {
  add(row: LogRow): void;
  plot(title: string): void;
}

/**
 * What training needs of its environment beyond the engine: reading the data source and
 * files, writing checkpoints, samples and logs, and where output goes. Node's reads and
 * writes files (trainer.ts); a page's has no file system (browser.ts: data as bytes,
 * checkpoints as bytes after training).
 */
export interface TrainHost {
  readonly stdout: ProgressStream;
  readonly note: Note;
  /** The program's data source, when the caller passed no `loaded` data. */
  loadData(prog: ProgramInfo, opts: TrainOptions): LoadedData;
  /** `init FILE`: the file's tensors over the initial weights; returns a note. */
  loadInit(spec: InitSpec, mod: TrainerModule, opts: TrainOptions, trainer: TrainerInstance): string;
  /** Fails early when a checkpoint file cannot be written. */
  checkWritable(file: string): void;
  saveCheckpoint(file: string, mod: TrainerModule, trainer: TrainerInstance, ck: Checkpoint, note: Note): void;
  loadCheckpoint(file: string, mod: TrainerModule, trainer: TrainerInstance, ctx: ResumeContext): Checkpoint;
  /** A GAN's sample grids and loss plot (into `dir`). */
  samples(mod: TrainerModule, trainer: TrainerInstance, o: SamplesOptions): SampleWriter;
  /** An autoencoder's test images above their reconstructions; the file written, or null. */
  reconstructions(mod: TrainerModule, trainer: TrainerInstance, test: Dataset, dir: string): string | null;
  curveLog(file: string, columns: readonly string[], append: boolean): CurveWriter;
}

export interface SamplesOptions {
  readonly dir: string;
  readonly seed: number;
  readonly batch: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly quiet: boolean;
  readonly stream: ProgressStream;
}

export function trainWith(host: TrainHost, mod: TrainerModule, opts: TrainOptions = {}): TrainResult {
  const prog = mod.program;
  const settings = prog.settings;
  const batch = opts.batch ?? settings.batch;
  const epochs = opts.epochs ?? settings.epochs;
  let seed = opts.seed ?? settings.seed;
  const stream = opts.stream ?? host.stdout;
  const note: Note = opts.note ?? host.note;
  if (!prog.data && !opts.loaded) throw new TrainingError(`\`train ${prog.name}\` has no \`data\` setting; add one to ${prog.source}`);
  const loaded = opts.loaded ?? host.loadData(prog, opts);
  const { train: trainSet, validation } =
    settings.validationSplit > 0 ? splitValidation(loaded.train, settings.validationSplit) : { train: loaded.train, validation: null };

  const rng = new Rng(seed);
  const trainer = mod.createTrainer(rng, { batch, ...(opts.profile ? { profile: opts.profile } : {}) });
  initParameters(trainer, mod.parameters, rng);
  // `init FILE`: another checkpoint's tensors over the initial weights (a resumed run takes all from its checkpoint).
  if (settings.init && !opts.resume) note(host.loadInit(settings.init, mod, opts, trainer));
  // A private step trains on fixed-size batches (the accountant's sampling rate is batch/N): the last partial batch is dropped.
  const privacy = prog.privacy ? privateTraining(prog.privacy, trainSet.n, batch) : null;
  const steps = privacy ? privacy.stepsPerEpoch : batchesPerEpoch(trainSet.n, batch);
  const order = new Uint32Array(trainSet.n);
  const epochRng = new Uint32Array(4);
  let globalStep = 0;
  let startEpoch = 0;
  let startBatch = 0;
  const controls = new Controls({ ...settings, saveBestMonitor: saveBestMonitor(settings) });
  if (opts.resume) {
    const ck = host.loadCheckpoint(opts.resume, mod, trainer, {
      batch,
      stepsPerEpoch: steps,
      samples: trainSet.n,
      note,
      bestWeights: controls.early?.spec.restoreBestWeights ?? false,
      ...(loaded.vocab ? { vocab: loaded.vocab } : {}),
      ...(loaded.chars ? { chars: loaded.chars } : {}),
    });
    if (ck.controls !== undefined && controls.any) {
      try {
        controls.decode(ck.controls, trainer.learningRates, ck.bestWeights ?? null);
      } catch (e) {
        if (!(e instanceof StateError)) throw e;
        throw new TrainingError(`${displayPath(opts.resume)}: corrupt checkpoint metadata: "controls" ${e.message}`);
      }
    }
    // The weights and the random stream come from the checkpoint: the run keeps its seed.
    if (opts.seed !== undefined && opts.seed !== ck.seed)
      note(
        `note: --seed ${opts.seed} is ignored: ${displayPath(opts.resume)} continues a run with seed ${ck.seed}, whose random stream it holds`,
      );
    seed = ck.seed;
    globalStep = ck.globalStep;
    startEpoch = ck.epoch;
    startBatch = ck.batchInEpoch;
    epochRng.set(ck.epochRng);
  }
  // A checkpoint at or past this run's last epoch leaves nothing to train; its position is
  // saved back unchanged (not as the end of this run's fewer epochs).
  // A run that early stopping ended is finished too.
  const finished = opts.resume !== undefined && (startEpoch >= epochs || (controls.early?.stoppedEpoch ?? 0) > 0);
  if (finished && (startEpoch > epochs || startBatch > 0))
    note(
      `note: nothing to train: ${displayPath(opts.resume!)} is ${startBatch > 0 ? `${startBatch} batches into epoch ${startEpoch + 1}` : `at the end of epoch ${startEpoch}`}, and this run trains ${epochs} epoch${epochs > 1 ? "s" : ""} (raise --epochs to go on)`,
    );
  if (opts.save) host.checkWritable(opts.save);
  if (settings.saveBest) host.checkWritable(settings.saveBest);
  const checkpoint = (epoch: number, b: number): Checkpoint => ({
    globalStep,
    epoch,
    batchInEpoch: b,
    epochRng,
    seed,
    batch,
    ...(loaded.vocab ? { vocab: loaded.vocab } : {}),
    ...(loaded.chars ? { chars: loaded.chars } : {}),
    ...(controls.any ? { controls: controls.encode(trainer.learningRates), bestWeights: controls.early?.bestWeights ?? null } : {}),
    ...(privacy ? { privacy: { ...privacy.spent(globalStep), delta: privacy.delta } } : {}),
  });
  /** Writes a checkpoint, unless the weights went non-finite: then the last good one stays. */
  const save = (epoch: number, b: number, file = opts.save): void => {
    if (!file) return;
    const bad = nonFiniteState(mod, trainer);
    if (bad)
      throw new TrainingError(
        `after step ${globalStep} ${bad}. Training stopped; the last checkpoint in ${displayPath(file)}, if any, is unchanged.`,
      );
    host.saveCheckpoint(file, mod, trainer, checkpoint(epoch, b), note);
  };
  const progress = new Progress({ epochs, steps, stream, quiet: opts.quiet ?? false, ...(opts.now ? { now: opts.now } : {}) });
  const metric = prog.evaluation?.metrics.includes("accuracy") ?? false;
  const maxSteps = opts.maxSteps ?? Infinity;
  const samples = prog.samplers.length
    ? host.samples(mod, trainer, {
        dir: opts.samples ?? `samples/${prog.name}`,
        seed,
        batch,
        epochs,
        stepsPerEpoch: steps,
        quiet: opts.quiet ?? false,
        stream,
      })
    : null;
  const every = opts.checkpointEvery ?? 0;
  let stopped = false;
  const lrShown = learningRateShown(prog, trainer);
  const validating = (!!validation && !!trainer.evaluate) || !!opts.validate;
  const log = opts.log ? host.curveLog(opts.log, logColumns(prog, metric, validating), opts.resume !== undefined) : null;
  const logEvery = opts.logEvery ?? 0;
  /** The log's values: what the progress line shows, with the learning rates always. */
  const logged = (values: Logs): Logs => ({ ...values, ...allLearningRates(prog, trainer) });

  // Where a checkpoint resumes: (epoch, b > 0) continues that epoch at batch b, with the
  // order redrawn from the epoch's starting RNG state; (epoch, 0) starts that epoch, with
  // the RNG as saved, before the epoch's shuffle. So a stop between epochs is taken before
  // the next shuffle, and a periodic checkpoint that falls on an epoch's last step is written
  // after the epoch's validation, as the start of the next epoch.
  outer: for (let epoch = startEpoch; epoch < (finished ? 0 : epochs); epoch++) {
    const resuming = epoch === startEpoch && startBatch > 0;
    if (!resuming && globalStep >= maxSteps) {
      save(epoch, 0);
      stopped = true;
      break;
    }
    // The shuffle is drawn from the RNG state at the epoch's start (saved for resuming).
    if (resuming) {
      const now = new Uint32Array(4);
      rng.saveState(now);
      rng.loadState(epochRng);
      shuffle(order, settings.shuffle, rng);
      rng.loadState(now);
    } else {
      rng.saveState(epochRng);
      shuffle(order, settings.shuffle, rng);
    }
    progress.startEpoch(epoch + 1);
    let lossSum = 0;
    const stepSums = new Float64Array(prog.steps.length); // per-step loss sums, for several steps
    let seen = 0;
    let correct = 0;
    let scored = 0;
    /** What the progress line shows: the running mean loss and accuracy, or each step's loss. */
    const shown = (): Record<string, number> => {
      const lrs = lrShown();
      if (prog.steps.length > 1) return { ...stepLosses(prog, stepSums, seen), ...lrs };
      return {
        loss: seen ? lossSum / seen : NaN,
        ...(metric && seen ? { accuracy: correct / scored } : {}),
        ...lrs,
      };
    };
    for (let b = resuming ? startBatch : 0; b < steps; b++) {
      if (globalStep >= maxSteps) {
        save(epoch, b);
        progress.endEpoch(shown(), b);
        log?.add({ epoch: epoch + 1, step: globalStep, kind: "partial", values: logged(shown()) });
        stopped = true;
        samples?.write(epoch + 1);
        break outer;
      }
      const n = fillBatch(
        trainSet,
        order,
        b,
        batch,
        trainer.inputs[0] as Float32Array,
        trainer.inputs[1] as Float32Array | Int32Array | undefined,
      );
      const bad = trainer.trainStep(n);
      if (bad >= 0) throw nonFinite(mod, trainer, n, bad, epoch, b, globalStep);
      globalStep++;
      testKillAfterStep(globalStep);
      opts.onStep?.(globalStep, trainer.losses);
      samples?.record(globalStep, trainer.losses);
      lossSum += trainer.losses[0] * n;
      for (let k = 0; k < stepSums.length; k++) stepSums[k] += trainer.losses[k] * n;
      seen += n;
      if (metric) {
        correct += countCorrect(prog, trainer.scores!, trainer.inputs[1], n, trainer.scoresAreLogits ? 0 : 0.5);
        scored += scoredUnits(prog, trainer.inputs[1], n);
      }
      progress.update(b + 1, shown());
      if (log && logEvery && globalStep % logEvery === 0 && b + 1 < steps)
        log.add({ epoch: epoch + 1, step: globalStep, kind: "step", values: logged(shown()) });
      if (every && globalStep % every === 0 && b + 1 < steps) save(epoch, b + 1);
    }
    const end = shown();
    if (opts.validate) Object.assign(end, opts.validate(epoch, trainer));
    else if (validation && trainer.evaluate) {
      const v = evaluateOn(mod, trainer, validation, batch);
      end.val_loss = v.loss;
      for (const [k, x] of Object.entries(v.metrics)) end[`val_${k}`] = x;
    }
    progress.endEpoch(end);
    if (privacy) stream.write(`${privacyLine(epoch + 1, privacy.spent(globalStep), privacy.delta)}\n`);
    log?.add({ epoch: epoch + 1, step: globalStep, kind: "epoch", values: logged(end) });
    startBatch = 0;
    samples?.write(epoch + 1);
    opts.onEpoch?.(epoch + 1, trainer);
    // The controls see the epoch's values; the learning rate the line showed is the epoch's.
    controls.plateau?.onEpochEnd(end, trainer.learningRates);
    const stop = controls.early?.onEpochEnd(epoch, end, trainer.params) ?? false;
    if (controls.saveBest?.onEpochEnd(end)) save(epoch + 1, 0, settings.saveBest);
    if (every && seen > 0 && globalStep % every === 0) save(epoch + 1, 0);
    if (stop) {
      if (!(opts.quiet ?? false)) stream.write(`Epoch ${epoch + 1}: early stopping\n`);
      break;
    }
  }
  // At the end of training (not at a --max-steps pause) early stopping restores its best
  // weights, whether or not it stopped the run (Keras 3).
  const restoredBest = !stopped && (controls.early?.restore(trainer.params) ?? false);
  if (!stopped) save(finished ? startEpoch : epochs, finished ? startBatch : 0);
  if (log) log.plot(prog.name);
  const test = loaded.test && trainer.evaluate ? evaluateOn(mod, trainer, loaded.test, batch) : null;
  if (opts.samples && loaded.test?.ownTargets) {
    const file = host.reconstructions(mod, trainer, loaded.test, opts.samples);
    if (file && !(opts.quiet ?? false)) stream.write(`samples: ${file} (test images above their reconstructions)\n`);
  }
  const stoppedEpoch = controls.early?.stoppedEpoch ? controls.early.stoppedEpoch + 1 : 0;
  return { trainer, steps: globalStep, test, stoppedEpoch, restoredBest };
}

/** The log's value columns: the losses, the training accuracy, the validation values, the learning rates. */
function logColumns(prog: ProgramInfo, metric: boolean, validating: boolean): string[] {
  const train = prog.steps.length > 1 ? prog.steps.map((s) => `${s.model}_loss`) : ["loss", ...(metric ? ["accuracy"] : [])];
  const val = validating ? ["val_loss", ...(prog.evaluation?.metrics ?? []).map((m) => `val_${metricName(m)}`)] : [];
  const lrs = prog.steps.length > 1 ? prog.steps.map((s) => `${s.model}_learning_rate`) : ["learning_rate"];
  return [...train, ...val, ...lrs];
}

function allLearningRates(prog: ProgramInfo, trainer: TrainerInstance): Record<string, number> {
  if (prog.steps.length === 1) return { learning_rate: trainer.learningRates[0] };
  return Object.fromEntries(prog.steps.map((s, k) => [`${s.model}_learning_rate`, trainer.learningRates[k]]));
}

function shuffle(order: Uint32Array, on: boolean, rng: Rng): void {
  if (on) rng.permutation(order.length, order);
  else for (let i = 0; i < order.length; i++) order[i] = i;
}

/** Each step's mean loss over the epoch so far (as Keras shows running means). */
function stepLosses(prog: ProgramInfo, sums: Float64Array, seen: number): Record<string, number> {
  const out: Record<string, number> = {};
  prog.steps.forEach((s, k) => (out[`${s.model}_loss`] = seen ? sums[k] / seen : NaN));
  return out;
}

/**
 * The learning rates the progress line shows (Keras's `learning_rate`; `<model>_learning_rate`
 * per step when there are several): shown when they change, i.e. when a step's learning rate
 * is a schedule or has been set to another value than it started with; otherwise none.
 */
function learningRateShown(prog: ProgramInfo, trainer: TrainerInstance): () => Record<string, number> {
  const start = trainer.learningRates.slice();
  const scheduled = prog.steps.some((s) => typeof (s.optimizer as { lr?: unknown }).lr === "object");
  return () => {
    const lrs = trainer.learningRates;
    if (!scheduled && lrs.every((v, k) => v === start[k])) return {};
    if (prog.steps.length === 1) return { learning_rate: lrs[0] };
    return Object.fromEntries(prog.steps.map((s, k) => [`${s.model}_learning_rate`, lrs[k]]));
  };
}

/** How many predictions one sample holds (rows × classes collapsed to rows). */
function unitsPerSample(prog: ProgramInfo): number {
  const ev = prog.evaluation!;
  const classes = ev.prediction[ev.prediction.length - 1] as number;
  const per = sizeOf(ev.prediction.slice(1) as number[]);
  return classes === 1 ? per : per / classes;
}

/** The predictions accuracy scores among the first n samples: all, or those not labelled as padding. */
function scoredUnits(prog: ProgramInfo, y: Arr | Int32Array, n: number): number {
  const units = n * unitsPerSample(prog);
  const ignore = prog.evaluation!.ignoreClass;
  return ignore !== undefined && y instanceof Int32Array ? countScored(y, units, ignore) : units;
}

/** Correct predictions among the first n samples: arg-max vs labels, or thresholded. */
function countCorrect(prog: ProgramInfo, scores: Arr, y: Arr | Int32Array, n: number, threshold: number): number {
  const ev = prog.evaluation!;
  const classes = ev.prediction[ev.prediction.length - 1] as number;
  const units = n * unitsPerSample(prog);
  if (y instanceof Int32Array) return countArgmaxMatches(scores as Float32Array, y, units, classes, ev.ignoreClass);
  if (classes === 1) return countBinaryMatches(scores as Float32Array, y as Float32Array, units, 1, threshold);
  return countOneHotMatches(scores as Float32Array, y as Float32Array, units, classes);
}

/** Loss and metrics over every sample of `ds` (the last batch is partial: masked by n), and the confusion matrix. */
export function evaluateOn(mod: TrainerModule, trainer: TrainerInstance, ds: Dataset, batch: number): Evaluation {
  const prog = mod.program;
  const ev = prog.evaluation!;
  const classes = ev.prediction[ev.prediction.length - 1] as number;
  const m = new EvalMetrics(ev.metrics, classes, ev.predictionIsLogits ? 0 : 0.5, ev.ignoreClass);
  let lossSum = 0;
  const batches = batchesPerEpoch(ds.n, batch);
  const target = trainer.inputs[1] as Arr | Int32Array | undefined;
  for (let b = 0; b < batches; b++) {
    const n = fillBatch(ds, null, b, batch, trainer.inputs[0] as Float32Array, target as Float32Array | Int32Array | undefined);
    lossSum += trainer.evaluate!(n) * n;
    if (target) m.add(trainer.prediction!, target, n * unitsPerSample(prog));
  }
  const metrics = target ? m.values() : {};
  return {
    loss: lossSum / ds.n,
    ...(metrics.accuracy !== undefined ? { accuracy: metrics.accuracy } : {}),
    samples: ds.n,
    metrics,
    confusion: target ? m.matrix() : null,
  };
}

/** Names the first parameter or optimizer-state entry that is not finite, or returns null. */
function nonFiniteState(mod: TrainerModule, t: TrainerInstance): string | null {
  const buffers: [string, Arr][] = [["", t.params], ...Object.entries(t.state).map(([k, v]): [string, Arr] => [`optimizer/${k}/`, v])];
  for (const [prefix, buf] of buffers) {
    for (const p of mod.parameters) {
      const i = firstNonFinite(buf.subarray(p.offset, p.offset + p.size), p.size);
      if (i >= 0)
        return `${prefix ? "the optimizer state" : "the weights"} went non-finite: the first is \`${prefix}${p.name}\` (value ${buf[p.offset + i]} at index ${i})`;
    }
  }
  return null;
}

/** Replays step `k` of the failed batch and names the first tensor that is not finite. */
function nonFinite(
  mod: TrainerModule,
  t: TrainerInstance,
  n: number,
  k: number,
  epoch: number,
  b: number,
  globalStep: number,
): TrainingError {
  const stepName = mod.program.steps.length > 1 ? ` (step ${mod.program.steps[k].model})` : "";
  const head = `the loss became ${t.losses[k]} at epoch ${epoch + 1}, batch ${b + 1} (step ${globalStep + 1} overall)${stepName}`;
  t.rng.loadState(t.rngMark);
  t.forward[k](n);
  for (const e of t.trace) {
    if (e.step !== -2 && e.step !== -1 && e.step !== k) continue;
    const count = e.perRow ? n * e.size : e.size;
    if (e.data instanceof Int32Array) continue;
    const i = firstNonFinite(e.data, count);
    if (i < 0) continue;
    const kind = e.step === -2 ? (mod.parameters.some((p) => p.name === e.name) ? "parameter" : "input") : "tensor";
    return new TrainingError(
      `${head}: the first non-finite ${kind} is \`${e.name}\` (value ${e.data[i]} at index ${i}${e.where ? `; ${e.where}` : ""}). Training stopped; the last checkpoint, if any, is unchanged.`,
    );
  }
  return new TrainingError(`${head}. Training stopped; the last checkpoint, if any, is unchanged.`);
}
