// The training controls of a train block: `early_stopping(...)`, `reduce_lr_on_plateau(...)`,
// `save_best FILE` and `class_weight [...]` (Keras 3's callbacks and fit's class_weight).
// Read at lowering, where what a monitor names is checked against what the run computes
// (the losses, the training accuracy, `val_…` only with a validation split); the class
// weights' count and the metrics that need a kind of prediction are checked once shapes are
// known (checkTrainControls). The runtime's callbacks.ts carries them out.
import type * as A from "../syntax/ast.js";
import type { ProgramIR, StepIR, TrainIR } from "../ir/ir.js";
import type { EarlyStoppingSpec, MonitorMode, PlateauSpec } from "../../runtime/callbacks.js";
import { saveBestMonitor } from "../../runtime/callbacks.js";
import { builtins } from "../lang/builtins.js";
import { bindArgs, readStatic, staticArg } from "../lang/bind.js";
import { DiagnosticError, fail, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../source.js";

export interface Controls {
  readonly earlyStopping?: EarlyStoppingSpec;
  readonly reduceLrOnPlateau?: PlateauSpec;
  readonly saveBest?: string;
}

/** What the run computes, for the monitors to name. */
export interface Computed {
  readonly simple: boolean;
  readonly metrics: readonly string[];
  readonly validation: boolean;
  readonly steps: readonly StepIR[];
}

const crossEntropies = new Set(["sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy"]);

/** The names a monitor may take in this run: the epoch's losses and metrics. */
function computedNames(c: Computed): string[] {
  const train = c.steps.length === 1 ? ["loss"] : c.steps.map((s) => `${s.model}_loss`);
  if (c.simple && c.metrics.includes("accuracy")) train.push("accuracy");
  const val = c.validation && c.simple ? ["val_loss", ...c.metrics.map((m) => `val_${m.replace(/\(.*$/, "")}`)] : [];
  return [...train, ...val];
}

/** Checks that `monitor` is computed; `at` is where it is written (or the call, for the default). */
function checkMonitor(monitor: string, c: Computed, at: Span, what: string): void {
  const names = computedNames(c);
  if (names.includes(monitor)) return;
  if (monitor.startsWith("val_") && !c.validation)
    fail("DL2026", `${what} monitors \`${monitor}\`, but there is no validation data`, at, {
      hint: "add `validation_split 0.1` (a validation split), or monitor a training value such as `loss`",
    });
  const metric = monitor.replace(/^val_/, "");
  fail("DL2026", `${what} monitors \`${monitor}\`, which this run does not compute`, at, {
    hint: `${c.simple && metric !== "loss" && monitor.startsWith("val_") ? `add \`${metric}\` to \`metrics\`, or ` : ""}monitor one of: ${names.join(", ")}`,
  });
}

function callOf(s: A.Setting, name: string): A.Expr {
  const e = s.value;
  const callee = e.kind === "Call" ? e.callee : e;
  if (callee.kind !== "Name" || callee.name !== name)
    fail("DL2003", `\`${name}\` takes a call of \`${name}\` with its options`, e.span, { hint: `e.g. \`${name}(monitor=val_loss)\`` });
  return e;
}

export function readControls(settings: ReadonlyMap<string, A.Setting>, c: Computed): Controls {
  const out: { -readonly [K in keyof Controls]: Controls[K] } = {};
  const early = settings.get("early_stopping");
  if (early) {
    const e = callOf(early, "early_stopping");
    const bound = bindArgs(builtins.get("early_stopping")!, e.kind === "Call" ? e.args : [], e.span);
    const arg = <T>(k: string) => staticArg(bound, k) as T;
    const spec: EarlyStoppingSpec = {
      monitor: arg<string>("monitor"),
      patience: arg<number>("patience"),
      minDelta: arg<number>("min_delta"),
      mode: arg<MonitorMode>("mode"),
      restoreBestWeights: arg<boolean>("restore_best_weights"),
      startFromEpoch: arg<number>("start_from_epoch"),
    };
    if (spec.restoreBestWeights && !c.validation)
      fail(
        "DL2026",
        "`restore_best_weights` needs validation data: the best epoch is judged on it",
        bound.args.get("restore_best_weights")!.span,
        {
          hint: "add `validation_split 0.1`",
        },
      );
    checkMonitor(spec.monitor, c, bound.args.get("monitor")?.span ?? e.span, "`early_stopping`");
    out.earlyStopping = spec;
  }
  const plateau = settings.get("reduce_lr_on_plateau");
  if (plateau) {
    const e = callOf(plateau, "reduce_lr_on_plateau");
    const bound = bindArgs(builtins.get("reduce_lr_on_plateau")!, e.kind === "Call" ? e.args : [], e.span);
    const arg = <T>(k: string) => staticArg(bound, k) as T;
    const spec: PlateauSpec = {
      monitor: arg<string>("monitor"),
      factor: arg<number>("factor"),
      patience: arg<number>("patience"),
      minDelta: arg<number>("min_delta"),
      cooldown: arg<number>("cooldown"),
      minLr: arg<number>("min_lr"),
    };
    checkMonitor(spec.monitor, c, bound.args.get("monitor")?.span ?? e.span, "`reduce_lr_on_plateau`");
    const scheduled = c.steps.find((s) => typeof s.optimizer.lr === "object");
    if (scheduled)
      fail("DL2026", "`reduce_lr_on_plateau` sets the learning rate, which a schedule already sets at every step", plateau.key.span, {
        hint: "give the optimizer a constant `lr`, or drop `reduce_lr_on_plateau` (Keras refuses the two together too)",
        notes: [
          {
            message: `the optimizer of \`step ${scheduled.model}\` has a schedule`,
            span: (c.simple ? settings.get("optimizer")?.value.span : undefined) ?? scheduled.span,
          },
        ],
      });
    out.reduceLrOnPlateau = spec;
  }
  const best = settings.get("save_best");
  if (best) {
    out.saveBest = readStatic(best.value, { t: "string" }, "`save_best`") as string;
    checkMonitor(saveBestMonitor(out), c, best.value.span, "`save_best`");
  }
  return out;
}

/** `class_weight [w0, w1, …]`: numbers ≥ 0, for a cross-entropy loss. */
export function readClassWeight(s: A.Setting, loss: string): number[] {
  const w = readStatic(s.value, { t: "floats" }, "`class_weight`") as number[];
  const items = s.value.kind === "List" ? s.value.items : [];
  w.forEach((v, k) => {
    if (v < 0) fail("DL2008", `class weights must be ≥ 0, found ${v}`, items[k]?.span ?? s.value.span);
  });
  if (!crossEntropies.has(loss))
    fail("DL2026", `\`class_weight\` weighs the classes of a cross-entropy, and the loss is \`${loss}\``, s.key.span, {
      hint: "use sparse_categorical_crossentropy, categorical_crossentropy or binary_crossentropy",
    });
  return w;
}

/** After shapes: the class weights number the loss's classes; auc needs a binary prediction, mae and mse float targets. */
export function checkTrainControls(ir: ProgramIR): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of ir.trains) {
    try {
      checkTrain(t);
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      out.push(e.diagnostic);
    }
  }
  return out;
}

function checkTrain(t: TrainIR): void {
  const spans = t.controlSpans;
  if (!spans || !t.evaluation) return;
  const values = t.graph.values;
  const pred = values[t.evaluation.prediction].shape!;
  const last = pred[pred.length - 1] as number;
  const lossEqn = t.graph.eqns.find((e) => e.outputs[0] === t.steps[0].loss);
  const weights = lossEqn?.attrs.class_weight as readonly number[] | undefined;
  if (weights && spans.classWeight) {
    const binary = lossEqn!.op === "binary_crossentropy";
    const classes = binary ? 2 : last;
    if (weights.length !== classes)
      fail(
        "DL3018",
        `\`class_weight\` lists ${weights.length} weight${weights.length === 1 ? "" : "s"}, but the loss has ${classes} classes`,
        spans.classWeight,
        {
          hint: binary
            ? "binary_crossentropy has two classes: `class_weight [w0, w1]` (targets 0 and 1)"
            : `give one weight per class of the prediction ${"[" + pred.join(", ") + "]"}: ${classes} numbers`,
        },
      );
  }
  const metrics = t.evaluation.metrics;
  if (spans.metrics && metrics.includes("auc") && last !== 1)
    fail("DL3018", `\`auc\` is the binary ROC area, and the prediction has ${last} classes`, spans.metrics, {
      hint: "auc needs one output per sample (e.g. `dense(1, activation=sigmoid)`)",
    });
  const target = values[t.evaluation.target];
  const errors = metrics.filter((m) => m === "mae" || m === "mse");
  if (spans.metrics && errors.length && target.dtype === "i32")
    fail("DL3018", `\`${errors[0]}\` compares the prediction with float targets, and the targets are integer class ids`, spans.metrics, {
      hint: "use one-hot targets (`one_hot=true`), or accuracy-like metrics",
    });
}
