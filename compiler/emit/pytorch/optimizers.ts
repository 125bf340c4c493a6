// The PyTorch target's optimizers, learning-rate schedules and training controls: each step's
// optimizer as train.py constructs it, the schedules it evaluates before each update
// (dlm_torch.learning_rate, the formulas of runtime/kernels/schedules.ts), and the table of
// the controls that run at the end of each epoch (dlm_torch.Controls). What the target cannot
// reproduce is reported through `unsupported` (a located DL4012 at the caller).
import type { OptimizerSpec, TrainIR } from "../../ir/ir.js";
import { saveBestMonitor } from "../../../runtime/callbacks.js";
import { learningRate } from "../../../runtime/kernels/schedules.js";
import { py } from "./rules.js";

/** A Python literal of plain data (JSON's values): True/False/None, lists, dicts; integers stay integers. */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : py(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`)
    .join(", ")}}`;
}

/**
 * The optimizer of step k as train.py constructs it: torch.optim.Adam/AdamW and SGD where their
 * update is dlm's (Adam's ε placement and SGD's buffer form are PyTorch's, as dlm's), else
 * dlm_torch.KerasOptimizer (Keras's RMSprop, Adagrad, Adamax, Nadam; SGD with momentum and a
 * decoupled weight decay). A schedule's learning rate is set before each update (the initial
 * value here is the schedule's at step 0).
 */
export function optimizerOf(o: OptimizerSpec, k: number, unsupported: (what: string) => void): string {
  if (o.dp) {
    unsupported(`differentially private ${o.kind}`);
    return "None";
  }
  const params = `self.trained(${k})`;
  const lr = py(typeof o.lr === "number" ? o.lr : learningRate(o.lr, 0));
  const wd = o.weightDecay > 0 ? `, weight_decay=${py(o.weightDecay)}` : "";
  switch (o.kind) {
    case "adam": {
      const common = `lr=${lr}, betas=(${py(o.beta1)}, ${py(o.beta2)}), eps=${py(o.eps)}`;
      // dlm's weight decay is decoupled (w ← w − lr·wd·w before the update): AdamW's.
      return o.weightDecay > 0 ? `torch.optim.AdamW(${params}, ${common}${wd})` : `torch.optim.Adam(${params}, ${common})`;
    }
    case "sgd":
      // Without momentum, PyTorch's coupled weight decay is the same update as dlm's decoupled one.
      if (o.weightDecay > 0 && o.momentum > 0)
        return `dlm.KerasOptimizer(${params}, "sgd", ${lr}, momentum=${py(o.momentum)}, nesterov=${o.nesterov ? "True" : "False"}${wd})`;
      return `torch.optim.SGD(${params}, lr=${lr}, momentum=${py(o.momentum)}, nesterov=${o.nesterov ? "True" : "False"}${wd})`;
    case "rmsprop":
      return `dlm.KerasOptimizer(${params}, "rmsprop", ${lr}, rho=${py(o.rho)}, momentum=${py(o.momentum)}, eps=${py(o.eps)}, centered=${o.centered ? "True" : "False"}${wd})`;
    case "adagrad":
      return `dlm.KerasOptimizer(${params}, "adagrad", ${lr}, initial_accumulator=${py(o.initialAccumulator)}, eps=${py(o.eps)}${wd})`;
    case "adamax":
    case "nadam":
      return `dlm.KerasOptimizer(${params}, "${o.kind}", ${lr}, beta1=${py(o.beta1)}, beta2=${py(o.beta2)}, eps=${py(o.eps)}${wd})`;
  }
}

/** Each step's schedule as a Python dict (runtime/kernels/schedules.ts's fields), or None; "None" when no step has one. */
export function schedulesOf(train: TrainIR): string {
  const rates = train.steps.map((st) => st.optimizer.lr);
  if (rates.every((r) => typeof r === "number")) return "None";
  return `[${rates.map((r) => (typeof r === "number" ? "None" : pyLiteral(r))).join(", ")}]`;
}

/** The monitors dlm_torch.Controls computes: the epoch's mean losses, val_loss and val_accuracy. */
const computed = (train: TrainIR): string[] => [
  ...(train.steps.length > 1 ? train.steps.map((st) => `${st.model}_loss`) : ["loss"]),
  "val_loss",
  "val_accuracy",
];

/** The table of the block's training controls (dlm_torch.Controls), reporting a monitor the target does not compute. */
export function controlsOf(train: TrainIR, unsupported: (what: string, setting: string) => void): string {
  const s = train.settings;
  const out: Record<string, unknown> = {};
  const monitor = (what: string, m: string): void => {
    if (!computed(train).includes(m))
      unsupported(`${what} monitoring \`${m}\` (train.py computes the epoch's losses, val_loss and val_accuracy)`, what);
  };
  if (s.validationSplit > 0) out.validation_split = s.validationSplit;
  if (s.earlyStopping) {
    const e = s.earlyStopping;
    monitor("early_stopping", e.monitor);
    out.early_stopping = {
      monitor: e.monitor,
      patience: e.patience,
      min_delta: e.minDelta,
      mode: e.mode,
      restore_best_weights: e.restoreBestWeights,
      start_from_epoch: e.startFromEpoch,
    };
  }
  if (s.reduceLrOnPlateau) {
    const p = s.reduceLrOnPlateau;
    monitor("reduce_lr_on_plateau", p.monitor);
    out.reduce_lr_on_plateau = {
      monitor: p.monitor,
      factor: p.factor,
      patience: p.patience,
      min_delta: p.minDelta,
      cooldown: p.cooldown,
      min_lr: p.minLr,
    };
  }
  if (s.saveBest) {
    monitor("save_best", saveBestMonitor(s));
    out.save_best = s.saveBest;
    out.save_best_monitor = saveBestMonitor(s);
  }
  return pyLiteral(out);
}
