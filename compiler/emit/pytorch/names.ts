// Python names in the PyTorch target's train.py: identifiers made from .dlm names, each once per
// scope, never a Python keyword or a name train.py or dlm_torch.Trainer already uses.
export const KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from global if import in is " +
    "lambda nonlocal not or pass raise return try while with yield self torch nn F dlm math logits print len range super"
  ).split(" "),
);
/** Attributes of dlm_torch.Trainer that a model's name must not replace. */
export const TRAINER_ATTRS = new Set(
  (
    "args world rank device dist batch models optimizers step_counts global_step epoch batch_in_epoch seed wrapped tensor signature " +
    "save resume update clip rows run test build make_optimizers train_step evaluate parameters settings data data_dir name source " +
    "state_buffers step_models loss_names clips ddp trains model_attrs trained params_of training vocab resumed_vocab datasets " +
    "schedules controls lrs STATE STATE_KEYS KERAS_STATE run_controls resumed_controls"
  ).split(" "),
);

/** Python identifiers, each once per scope. */
export class Names {
  private readonly used = new Set<string>(KEYWORDS);
  constructor(private readonly parent?: Names) {}
  has(n: string): boolean {
    return this.used.has(n) || (this.parent?.has(n) ?? false);
  }
  fresh(hint: string): string {
    let base = hint.replace(/[^A-Za-z0-9_]/g, "_").replace(/^([0-9])/, "_$1") || "v";
    if (KEYWORDS.has(base)) base += "_";
    let n = base;
    for (let i = 1; this.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }
}
