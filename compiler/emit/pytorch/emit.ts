// The PyTorch target (`dlm compile --target pytorch`): a train block and the models it trains
// as a readable PyTorch program, DIR/train.py, beside dlm_torch.py (what every such program
// shares: checkpoints, data, the training loop; support-*.ts).
//
// Takes: the typed IR (models and the train block as the .dlm file wrote them, layers and
// names intact) and the block's TrainingProgram (the flat parameter order, each step's
// trained parameters, the optimizer state buffers: what checkpoints must match). Gives: the
// files, or located diagnostics (DL4012) for every op, optimizer, data source or setting the
// target has no rule for. Each op's Python comes from its `pytorch` rule in the registry
// (compiler/ops, rules.ts); this file walks the graphs and writes the classes around them.
//
// What the program computes is what the wasm trainer computes (tests/pytorch checks it): one
// nn.Module per model with the .dlm layer names as attributes, forward passes in NHWC, the
// losses from the logits where dlm's logits pass reads them (middle/logits.ts), steps in the
// block's order with the `let`s computed once per batch before the first.
import type { Eqn, ModelIR, OpName, OptimizerSpec, ProgramIR, Shape, TrainIR, ValueId } from "../../ir/ir.js";
import type { TrainingProgram } from "../../ir/train-ir.js";
import type { Span } from "../../source.js";
import { error, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { ops } from "../../ops/index.js";
import { stateBuffers } from "../../wasm/plan-memory.js";
import type { PytorchCtx, PytorchRule, TorchLayout } from "./rules.js";
import { py, tuple } from "./rules.js";
import { supportPy } from "./support.js";

export interface PytorchOptions {
  /** The .dlm file as the program names it in comments and messages. */
  readonly source: string;
  /** The 1-based line of a source offset, for comments. */
  lineOf(offset: number): number;
  /** The .dlm text, to place a message on the optimizer a step names. */
  readonly text: string;
  /** The MNIST folder the program reads without --data (resolved at compile time), or null. */
  readonly mnistDir: string | null;
}

export interface PytorchProgram {
  readonly files: readonly { readonly file: string; readonly data: string }[];
  readonly paramCount: number;
}

const KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally for from global if import in is " +
    "lambda nonlocal not or pass raise return try while with yield self torch nn F dlm math logits print len range super"
  ).split(" "),
);
/** Attributes of dlm_torch.Trainer that a model's name must not replace. */
const TRAINER_ATTRS = new Set(
  (
    "args world rank device dist batch models optimizers step_counts global_step epoch batch_in_epoch seed wrapped tensor signature " +
    "save resume update clip rows run test build make_optimizers train_step evaluate parameters settings data data_dir name source " +
    "state_buffers step_models loss_names clips ddp trains model_attrs trained params_of training"
  ).split(" "),
);

/** Python identifiers, each once per scope. */
class Names {
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

interface ParamRow {
  readonly name: string;
  readonly model: string;
  readonly attr: string;
  readonly layout: TorchLayout;
}

/** A Python list of strings. */
const pyList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
const fmtShape = (s: Shape | undefined): string => `[${(s ?? []).join(", ")}]`;
const className = (m: string): string =>
  m
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("") || "Model";

function ruleOf(op: OpName): PytorchRule | undefined {
  if (op === "call") return undefined;
  return (ops[op] as { pytorch?: PytorchRule }).pytorch;
}
function logitsOpOf(op: OpName): OpName | undefined {
  if (op === "call") return undefined;
  const def = ops[op] as { loss?: { logits?: OpName } };
  return def.loss?.logits;
}
const isLoss = (op: OpName): boolean => op !== "call" && "loss" in ops[op] && !!(ops[op] as { loss?: object }).loss;

/** The model's output eqn when it is an activation that a cross-entropy reads the logits of (softmax over the last axis, sigmoid). */
function finalActivation(m: ModelIR): Eqn | undefined {
  const last = m.graph.eqns[m.graph.eqns.length - 1];
  if (!last || m.graph.outputs.length !== 1 || last.outputs[0] !== m.graph.outputs[0]) return undefined;
  if (last.op === "sigmoid") return last;
  if (last.op === "softmax") {
    const axis = last.attrs.axis as number;
    const rank = m.graph.values[last.outputs[0]].shape!.length;
    if (axis === -1 || axis === rank - 1) return last;
  }
  return undefined;
}

export function emitPytorch(
  ir: ProgramIR,
  train: TrainIR,
  tp: TrainingProgram,
  opts: PytorchOptions,
): { program?: PytorchProgram; diagnostics: Diagnostic[] } {
  const diags: Diagnostic[] = [];
  const seen = new Set<string>();
  const unsupported = (what: string, span: Span, hint?: string): void => {
    const key = `${span.start}:${span.end}:${what}`;
    if (seen.has(key)) return;
    seen.add(key);
    diags.push(
      error("DL4012", `${what}: the pytorch target cannot compile it`, span, {
        hint: hint ?? "compile it for node (the default target), or see docs/pytorch.md for what the pytorch target covers",
      }),
    );
  };
  const where = (span: Span): string => `${opts.source}:${opts.lineOf(span.start)}`;

  // ── Settings, data and optimizers the target supports ──
  const data = train.data;
  if (!data || data.source.kind !== "mnist")
    unsupported(
      data ? `data source ${data.source.kind}` : "a train block without data",
      data?.span ?? train.span,
      "the pytorch target reads MNIST (mnist, mnist.images, mnist.labels)",
    );
  if (data?.oneHot) unsupported("one-hot labels", data.span);
  if (data?.autoencode) unsupported("an autoencoder's data (autoencode=true)", data.span);
  const s = train.settings;
  if (s.validationSplit > 0) unsupported("validation_split", train.span);
  if (s.earlyStopping || s.reduceLrOnPlateau || s.saveBest)
    unsupported("a training control (early stopping, reduce_lr_on_plateau, save_best)", train.span);
  if (train.init)
    unsupported(
      "init from a checkpoint",
      train.init.span,
      "train once with dlm, then resume the PyTorch program from its checkpoint (--resume)",
    );
  // A message about an optimizer goes where the step (or the simple form's setting) names it.
  const optimizerSpan = (st: TrainIR["steps"][number]): Span => {
    const at = opts.text.slice(st.span.start, st.span.end).search(new RegExp(`\\b${st.optimizer.kind}\\b`));
    return at < 0 ? st.span : { start: st.span.start + at, end: st.span.start + at + st.optimizer.kind.length };
  };
  const optimizerCode = train.steps.map((st, k) => optimizerOf(st.optimizer, k, (w) => unsupported(w, optimizerSpan(st))));

  // ── Models ──
  const names = new Names();
  names.fresh("Trainer"); // the class train.py ends with
  const trainerNames = new Names();
  const modelAttr = new Map<string, string>();
  const models = ir.models.filter((m) => tp.models.includes(m.name));
  const classes: string[] = [];
  const rows: ParamRow[] = [];
  const classOf = new Map<string, string>();
  for (const m of models) {
    const cls = names.fresh(className(m.name));
    classOf.set(m.name, cls);
    const attr = TRAINER_ATTRS.has(m.name) ? trainerNames.fresh(`${m.name}_model`) : trainerNames.fresh(m.name);
    modelAttr.set(m.name, attr);
    classes.push(emitModel(m, cls, rows, unsupported, where));
  }

  // ── The train block ──
  const g = train.graph;
  const producer = new Map<ValueId, Eqn>();
  for (const e of g.eqns) for (const o of e.outputs) producer.set(o, e);
  const consumers = new Map<ValueId, Eqn[]>();
  for (const e of g.eqns) for (const i of e.inputs) consumers.set(i, [...(consumers.get(i) ?? []), e]);
  const modelByName = new Map(ir.models.map((m) => [m.name, m]));
  const letValues = new Set(train.lets.map((l) => l.value));
  /** The eqns computing `roots` in graph order, stopping at inputs and at `available` values. */
  const cone = (roots: readonly ValueId[], available: ReadonlySet<ValueId>): Eqn[] => {
    const need = new Set<Eqn>();
    const stack = [...roots];
    while (stack.length) {
      const v = stack.pop()!;
      if (available.has(v)) continue;
      const e = producer.get(v);
      if (!e || need.has(e)) continue;
      need.add(e);
      stack.push(...e.inputs);
    }
    return g.eqns.filter((e) => need.has(e));
  };

  /** Writes `eqns` into `lines` with variables from `vars` (extended); returns nothing. */
  const emitEqns = (
    eqns: readonly Eqn[],
    vars: Map<ValueId, string>,
    scope: Names,
    lines: string[],
    training: string,
    keep: ReadonlySet<ValueId> = new Set(),
  ): void => {
    const inScope = new Set(eqns);
    // Which call outputs a loss in this scope reads from the logits.
    const wantsLogits = new Set<ValueId>();
    const logitsOfValue = new Map<ValueId, string>();
    for (const e of eqns) {
      if (!isLoss(e.op) || e.attrs.from_logits) continue;
      const act = logitsOpOf(e.op);
      const p = producer.get(e.inputs[0]);
      if (!act || !p) continue;
      if (p.op === "call" && inScope.has(p)) {
        const fin = finalActivation(modelByName.get(p.attrs.model as string)!);
        if (fin && fin.op === act) wantsLogits.add(p.outputs[0]);
      } else if (p.op === act && inScope.has(p)) wantsLogits.add(p.outputs[0]);
    }
    for (const e of eqns) {
      const out = e.outputs[0];
      const v = scope.fresh(g.values[out].name);
      const comment = `  # ${fmtShape(g.values[out].shape)}  ${where(e.span)}`;
      if (e.outputs.length !== 1) {
        unsupported(`\`${e.op}\` with several outputs`, e.span);
        continue;
      }
      const args = e.inputs.map((i) => vars.get(i) ?? "None");
      if (e.op === "call") {
        const callee = e.attrs.model as string;
        const self = `self.${modelAttr.get(callee)}`;
        const others = (consumers.get(out) ?? []).filter(
          (c) => inScope.has(c) && !(isLoss(c.op) && c.inputs[0] === out && wantsLogits.has(out)),
        );
        if (keep.has(out)) others.push(e); // read after these eqns (evaluation's prediction)
        if (wantsLogits.has(out)) {
          const lv = scope.fresh(`${g.values[out].name}_logits`);
          lines.push(`${lv} = ${self}(${[...args, "logits=True"].join(", ")})${comment} (logits)`);
          logitsOfValue.set(out, lv);
          if (others.length > 0) {
            const fin = finalActivation(modelByName.get(callee)!)!;
            lines.push(
              `${v} = ${applyRule(fin, [lv], (id) => modelByName.get(callee)!.graph.values[id].shape!, training, unsupported)}${comment}`,
            );
            vars.set(out, v);
          }
        } else {
          lines.push(`${v} = ${self}(${args.join(", ")})${comment}`);
          vars.set(out, v);
        }
        continue;
      }
      if (wantsLogits.has(out)) {
        // A softmax or sigmoid in the block whose loss reads its input: the loss takes that.
        logitsOfValue.set(out, args[0]);
        const others = (consumers.get(out) ?? []).filter((c) => inScope.has(c) && !isLoss(c.op));
        if (others.length === 0 && !keep.has(out)) continue;
      }
      let eqn = e;
      let eargs = args;
      if (isLoss(e.op) && logitsOfValue.has(e.inputs[0])) {
        eqn = { ...e, attrs: { ...e.attrs, from_logits: true } };
        eargs = [logitsOfValue.get(e.inputs[0])!, ...args.slice(1)];
      }
      const expr = applyRule(eqn, eargs, (id) => g.values[id].shape!, training, unsupported);
      lines.push(`${v} = ${expr}${comment}`);
      vars.set(out, v);
    }
  };

  const inputs = g.inputs.map((i) => g.values[i].name);
  const stepScope = new Names();
  const inputVars = new Map<ValueId, string>(g.inputs.map((i, k) => [i, stepScope.fresh(inputs[k])]));
  const body: string[] = [];
  const letEqns = cone([...letValues], new Set(g.inputs));
  if (letEqns.length > 0) body.push("# Once per batch, before the steps: the `let`s.");
  const vars = new Map(inputVars);
  emitEqns(letEqns, vars, stepScope, body, "True");
  const available = new Set([...g.inputs, ...letValues]);
  const lossVars: string[] = [];
  train.steps.forEach((st, k) => {
    body.push(`# step ${st.model} (${where(st.span)})`);
    const local = new Map(vars);
    emitEqns(cone([st.loss], available), local, stepScope, body, "True");
    const lv = local.get(st.loss) ?? "None";
    body.push(`self.update(${k}, ${lv})`);
    lossVars.push(lv);
  });
  body.push(`return [${lossVars.join(", ")}]`);

  // Evaluation (a classifier's test loss and accuracy): the single step's loss with dropout off.
  let evaluate: string[] = [];
  if (train.evaluation && train.steps.length === 1) {
    const ev = train.evaluation;
    const scope = new Names();
    const evars = new Map<ValueId, string>(g.inputs.map((i, k) => [i, scope.fresh(inputs[k])]));
    const lines: string[] = [];
    emitEqns(cone([train.steps[0].loss, ev.prediction], new Set(g.inputs)), evars, scope, lines, "False", new Set([ev.prediction]));
    const pred = evars.get(ev.prediction);
    const target = evars.get(ev.target);
    const predShape = g.values[ev.prediction].shape!;
    const acc =
      !ev.metrics.includes("accuracy") || !pred || !target
        ? "None"
        : g.values[ev.target].dtype === "i32"
          ? `(${pred}.argmax(-1) == ${target}).sum()`
          : predShape[predShape.length - 1] === 1
            ? `((${pred} > 0.5).float() == ${target}).sum()`
            : `(${pred}.argmax(-1) == ${target}.argmax(-1)).sum()`;
    evaluate = [
      `def evaluate(self, ${evars.size ? [...g.inputs].map((i) => evars.get(i)).join(", ") : ""}):`,
      `    """The test loss and the number of correct predictions (models in eval mode: no dropout)."""`,
      ...lines.map((l) => `    ${l}`),
      `    return ${evars.get(train.steps[0].loss) ?? "None"}, ${acc}`,
    ];
  }

  if (diags.length > 0) return { diagnostics: diags.sort((a, b) => a.span.start - b.span.start) };

  // ── Parameters in dlm's flat-buffer order ──
  const byName = new Map(rows.map((r) => [r.name, r]));
  const paramLines: string[] = [];
  for (const id of tp.params) {
    const p = tp.values[id].param!;
    const r = byName.get(p.path);
    if (!r) throw new Error(`internal: parameter ${p.path} has no PyTorch tensor`);
    const trained = !p.state && !p.frozen;
    paramLines.push(
      `(${JSON.stringify(p.path)}, ${tuple(tp.values[id].shape as number[])}, ${JSON.stringify(p.init)}, ${JSON.stringify(r.model)}, ${JSON.stringify(r.attr)}, ${JSON.stringify(r.layout)}, ${trained ? "True" : "False"}),`,
    );
  }
  // The models each step trains: its own and those it calls (their parameters lie in its ranges).
  const trains = tp.steps.map((st) => {
    const inRange = (off: number) => st.ranges.some((r) => off >= r.offset && off < r.offset + r.size);
    return [...new Set(tp.params.filter((id) => inRange(tp.values[id].param!.offset)).map((id) => tp.values[id].param!.model))];
  });
  const buffers = [...new Set(tp.steps.flatMap((st) => stateBuffers(st.optimizer).map((b) => b.flat)))];
  // DistributedDataParallel where a step's model runs once per step and nothing else runs
  // (a classifier); elsewhere (a GAN's discriminator runs three times a batch) the gradients
  // are averaged over the processes after each backward pass, which DDP does too.
  const calls = g.eqns.filter((e) => e.op === "call");
  const ddp =
    train.steps.length === 1 && letValues.size === 0 && calls.length === 1 && trains[0].length === 1 ? [train.steps[0].model] : [];
  const src = opts.source;
  const dataSpec = data && data.source.kind === "mnist" ? data : null;
  const settings = `{"batch": ${s.batch}, "epochs": ${s.epochs}, "shuffle": ${s.shuffle ? "True" : "False"}, "seed": ${s.seed}}`;
  const dataLine = dataSpec
    ? `{"part": ${JSON.stringify(dataSpec.source.kind === "mnist" ? dataSpec.source.part : "both")}, "range": (${py(dataSpec.range[0])}, ${py(dataSpec.range[1])}), "flatten": ${dataSpec.flatten ? "True" : "False"}, "rows_as_steps": ${dataSpec.rowsAsSteps ? "True" : "False"}, "labels": ${dataSpec.source.kind === "mnist" && dataSpec.source.labels ? `[${dataSpec.source.labels.join(", ")}]` : "None"}}`
    : "None";
  const mnistDir = opts.mnistDir;
  const lossNames = train.steps.length > 1 ? train.steps.map((st) => `${st.model}_loss`) : ["loss"];
  const out: string[] = [
    "#!/usr/bin/env python3",
    `# Generated by dlm from ${src} (train ${train.name}) — edit the .dlm file, not this one.`,
    `# ${tp.paramCount.toLocaleString("en-US")} parameters. Runs with python3-torch (1.13 or later) and nothing else:`,
    "#   python3 train.py [--epochs N] [--batch N] [--max-steps N] [--seed N] [--data DIR] [--save FILE] [--resume FILE]",
    "#   torchrun --nproc_per_node N train.py ...   (DistributedDataParallel: gloo on cpu, nccl on cuda; --device)",
    "# Checkpoints are dlm's (safetensors, Keras layouts): `dlm train --resume` continues from them.",
    "import os",
    "import sys",
    "",
    "import torch",
    "import torch.nn as nn",
    "import torch.nn.functional as F",
    "",
    "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))",
    "import dlm_torch as dlm  # noqa: E402",
    "",
    "",
    ...classes.flatMap((c) => [c, "", ""]),
    `class Trainer(dlm.Trainer):`,
    `    name = ${JSON.stringify(train.name)}`,
    `    source = ${JSON.stringify(src)}`,
    `    settings = ${settings}`,
    `    data = ${dataLine}`,
    `    data_dir = ${mnistDir ? JSON.stringify(mnistDir) : "None"}`,
    "    # Every parameter in dlm's flat-buffer order: checkpoint name, Keras shape, initializer, model,",
    "    # its tensor in the PyTorch module, the layout conversion (dlm_torch.to_torch), trained.",
    "    parameters = [",
    ...paramLines.map((l) => `        ${l}`),
    "    ]",
    `    state_buffers = ${pyList(buffers)}`,
    `    step_models = ${pyList(train.steps.map((st) => st.model))}`,
    `    trains = [${trains.map(pyList).join(", ")}]`,
    `    loss_names = ${pyList(lossNames)}`,
    `    clips = [${train.steps.map((st) => (st.optimizer.clip ? `(${JSON.stringify(st.optimizer.clip.kind)}, ${py(st.optimizer.clip.value)})` : "None")).join(", ")}]`,
    `    ddp = (${ddp.map((m) => `${JSON.stringify(m)},`).join(" ")})`,
    `    model_attrs = {${[...modelAttr].map(([m, a]) => `${JSON.stringify(m)}: ${JSON.stringify(a)}`).join(", ")}}`,
    "",
    "    def build(self):",
    `        return {${models.map((m) => `${JSON.stringify(m.name)}: ${classOf.get(m.name)}()`).join(", ")}}`,
    "",
    "    def make_optimizers(self):",
    "        return [",
    ...optimizerCode.map((l) => `            ${l},`),
    "        ]",
    "",
    `    def train_step(self, ${[...inputVars.values()].join(", ")}):`,
    ...body.map((l) => `        ${l}`),
    ...(evaluate.length ? ["", ...evaluate.map((l) => `    ${l}`)] : []),
    "",
    "",
    'if __name__ == "__main__":',
    "    dlm.main(Trainer)",
    "",
  ];
  return {
    program: {
      files: [
        { file: "train.py", data: out.join("\n") },
        { file: "dlm_torch.py", data: supportPy },
      ],
      paramCount: tp.paramCount,
    },
    diagnostics: [],
  };
}

/** The Python expression of one eqn by its op's rule (outside a model: no submodules). */
function applyRule(
  e: Eqn,
  args: readonly string[],
  shape: (id: ValueId) => Shape,
  training: string,
  unsupported: (what: string, span: Span) => void,
  module?: PytorchCtx["module"],
): string {
  const rule = ruleOf(e.op);
  if (!rule) {
    unsupported(`\`${e.op === "call" ? "a model called inside a model" : e.op}\` has no PyTorch emission rule`, e.span);
    return "None";
  }
  const c: PytorchCtx = {
    eqn: e,
    attrs: e.attrs,
    args,
    shape,
    out: shape(e.outputs[0]),
    training,
    module:
      module ??
      (() => {
        throw new Error(`internal: ${e.op} declares a module outside a model`);
      }),
  };
  const r = rule(c);
  if (typeof r === "string") return r;
  unsupported(`\`${e.op}\` ${r.unsupported}`, e.span);
  return "None";
}

/** One model as an nn.Module: its layers as submodules (the .dlm names), its forward pass in NHWC. */
function emitModel(
  m: ModelIR,
  cls: string,
  rows: ParamRow[],
  unsupported: (what: string, span: Span) => void,
  where: (s: Span) => string,
): string {
  const g = m.graph;
  const attrs = new Names();
  const scope = new Names();
  const ctor: string[] = [];
  const layerAttr = new Map<string, string>();
  const vars = new Map<ValueId, string>(g.inputs.map((i) => [i, scope.fresh(g.values[i].name)]));
  const fwd: string[] = [];
  const fin = finalActivation(m);
  for (const e of g.eqns) {
    const out = e.outputs[0];
    const args = e.inputs.filter((i) => g.values[i].kind !== "param").map((i) => vars.get(i) ?? "None");
    const module: PytorchCtx["module"] = (code, params) => {
      const layer = e.layer ?? e.op;
      let a = layerAttr.get(layer);
      if (!a) {
        a = attrs.fresh(layer);
        layerAttr.set(layer, a);
        ctor.push(`self.${a} = ${code}  # ${layer}, ${where(e.span)}`);
        for (const i of e.inputs) {
          const p = g.values[i].param;
          if (!p) continue;
          const to = params[p.role];
          if (!to) throw new Error(`internal: ${e.op}'s PyTorch rule does not place ${p.role}`);
          rows.push({ name: `${m.name}/${p.path}`, model: m.name, attr: `${a}.${to[0]}`, layout: to[1] });
        }
      }
      return `self.${a}`;
    };
    if (e === fin) fwd.push("if logits:", `    return ${args[0]}`);
    if (e.op === "call") {
      unsupported("a model called inside another model has no PyTorch emission rule yet", e.span);
      continue;
    }
    const v = scope.fresh(g.values[out].name);
    const expr = applyRule(e, args, (id) => g.values[id].shape!, "self.training", unsupported, module);
    fwd.push(`${v} = ${expr}  # ${fmtShape(g.values[out].shape)}  ${where(e.span)}`);
    vars.set(out, v);
  }
  const ins = g.inputs.map((i) => `${g.values[i].name}: ${fmtShape(g.values[i].shape)}`).join(", ");
  return [
    `class ${cls}(nn.Module):`,
    `    """model ${m.name}(${ins}): activations NHWC as in the .dlm file; weights in PyTorch's layouts."""`,
    "",
    "    def __init__(self):",
    "        super().__init__()",
    ...(ctor.length ? ctor.map((l) => `        ${l}`) : ["        pass"]),
    "",
    `    def forward(self, ${[...g.inputs.map((i) => vars.get(i)!), ...(fin ? ["logits=False"] : [])].join(", ")}):`,
    ...fwd.map((l) => `        ${l}`),
    `        return ${g.outputs.map((o) => vars.get(o) ?? "None").join(", ")}`,
  ].join("\n");
}

/** The torch.optim optimizer of step k (Adam's ε placement and SGD's buffer form are PyTorch's, as dlm's). */
function optimizerOf(o: OptimizerSpec, k: number, unsupported: (what: string) => void): string {
  if (typeof o.lr !== "number") {
    unsupported("a learning-rate schedule");
    return "None";
  }
  if (o.dp) {
    unsupported(`differentially private ${o.kind}`);
    return "None";
  }
  const params = `self.trained(${k})`;
  if (o.kind === "adam") {
    const common = `lr=${py(o.lr)}, betas=(${py(o.beta1)}, ${py(o.beta2)}), eps=${py(o.eps)}`;
    // dlm's weight decay is decoupled (w ← w − lr·wd·w before the update): AdamW's.
    return o.weightDecay > 0
      ? `torch.optim.AdamW(${params}, ${common}, weight_decay=${py(o.weightDecay)})`
      : `torch.optim.Adam(${params}, ${common})`;
  }
  if (o.kind === "sgd") {
    // Without momentum, PyTorch's coupled weight decay is the same update as dlm's decoupled one.
    if (o.weightDecay > 0 && o.momentum > 0) {
      unsupported("sgd with both momentum and weight decay (dlm decouples the decay; torch.optim.SGD does not)");
      return "None";
    }
    return `torch.optim.SGD(${params}, lr=${py(o.lr)}, momentum=${py(o.momentum)}, nesterov=${o.nesterov ? "True" : "False"}${o.weightDecay > 0 ? `, weight_decay=${py(o.weightDecay)}` : ""})`;
  }
  unsupported(`the ${o.kind} optimizer (Keras's update differs from torch.optim's)`);
  return "None";
}
