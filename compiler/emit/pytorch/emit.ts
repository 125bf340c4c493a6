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
import type { Eqn, ModelIR, OpName, ProgramIR, Shape, TrainIR, ValueId } from "../../ir/ir.js";
import type { TrainingProgram } from "../../ir/train-ir.js";
import type { Span } from "../../source.js";
import { error, type Diagnostic } from "../../diagnostics/diagnostic.js";
import { maskRuleOf, ops } from "../../ops/index.js";
import { stateBuffers } from "../../wasm/plan-memory.js";
import type { PytorchCtx, PytorchRule, TorchLayout } from "./rules.js";
import { py, tuple } from "./rules.js";
import { supportPy } from "./support.js";
import { controlsOf, optimizerOf, schedulesOf } from "./optimizers.js";
import { dataDict, dataProblem, isTextData } from "./data.js";
import { Names, TRAINER_ATTRS } from "./names.js";

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
  readonly files: readonly { readonly file: string; readonly data: string | Uint8Array }[];
  readonly paramCount: number;
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

/**
 * The padding mask (a Python variable) eqn e's output carries: a new one from the ids after
 * `embedding(mask_zero=true)` (`fresh` writes it), its input 0's where the op's mask rule
 * carries it on (docs/architecture.md, "Masks"), else none.
 */
function maskOf(e: Eqn, inMask: string | null, fresh: () => string): string | null {
  if (e.op === "embedding" && e.attrs.mask_zero === true) return fresh();
  return inMask !== null && maskRuleOf(e.op)?.carries(e.attrs) ? inMask : null;
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
  const dataWhy = dataProblem(data);
  if (dataWhy)
    unsupported(
      dataWhy,
      data?.span ?? train.span,
      "the pytorch target reads MNIST (mnist, mnist.images, mnist.labels) and text (brown.tagged, brown.chars, text)",
    );
  const s = train.settings;
  // validation_split, early stopping, reduce_lr_on_plateau, save_best: dlm_torch.Controls (optimizers.ts).
  // A message about a control goes where the block sets it.
  const settingSpan = (setting: string): Span => {
    const at = opts.text.slice(train.span.start, train.span.end).search(new RegExp(`^\\s*${setting}\\b`, "m"));
    if (at < 0) return train.span;
    const start = train.span.start + at + (/^\s*/.exec(opts.text.slice(train.span.start + at))?.[0].length ?? 0);
    return { start, end: start + setting.length };
  };
  const controls = controlsOf(train, (w, setting) => unsupported(w, settingSpan(setting)));
  if (train.init)
    unsupported(
      "init from a checkpoint",
      train.init.span,
      "train once with dlm, then resume the PyTorch program from its checkpoint (--resume)",
    );
  // A message about an optimizer goes where the step (or the simple form's setting) names it.
  const optimizerSpan = (st: TrainIR["steps"][number]): Span => {
    const name = st.optimizer.dp ? `dp_${st.optimizer.kind}` : st.optimizer.kind;
    const at = opts.text.slice(st.span.start, st.span.end).search(new RegExp(`\\b${name}\\b`));
    return at < 0 ? st.span : { start: st.span.start + at, end: st.span.start + at + name.length };
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
  const maskedModels = new Set<string>(); // models whose output carries a padding mask (they return it too)
  for (const m of models) {
    const cls = names.fresh(className(m.name));
    classOf.set(m.name, cls);
    const attr = TRAINER_ATTRS.has(m.name) ? trainerNames.fresh(`${m.name}_model`) : trainerNames.fresh(m.name);
    modelAttr.set(m.name, attr);
    classes.push(emitModel(m, cls, rows, unsupported, where, maskedModels));
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

  /** The `let`s' model calls that run on copies of the parameters (below). */
  const frozen = new Set<Eqn>();
  /** Writes `eqns` into `lines` with variables from `vars` (extended); returns nothing. */
  const emitEqns = (
    eqns: readonly Eqn[],
    vars: Map<ValueId, string>,
    masks: Map<ValueId, string>,
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
      const mask = masks.get(e.inputs[0]) ?? null;
      if (e.op === "call") {
        const callee = e.attrs.model as string;
        const self = frozen.has(e) ? `dlm.frozen(self.${modelAttr.get(callee)})` : `self.${modelAttr.get(callee)}`;
        const others = (consumers.get(out) ?? []).filter(
          (c) => inScope.has(c) && !(isLoss(c.op) && c.inputs[0] === out && wantsLogits.has(out)),
        );
        if (keep.has(out)) others.push(e); // read after these eqns (evaluation's prediction)
        // A model whose output carries a padding mask returns it too.
        const mv = maskedModels.has(callee) ? scope.fresh(`${g.values[out].name}_mask`) : null;
        const withMask = (x: string) => (mv ? `${x}, ${mv}` : x);
        if (mv) masks.set(out, mv);
        if (wantsLogits.has(out)) {
          const lv = scope.fresh(`${g.values[out].name}_logits`);
          lines.push(`${withMask(lv)} = ${self}(${[...args, "logits=True"].join(", ")})${comment} (logits)`);
          logitsOfValue.set(out, lv);
          if (others.length > 0) {
            const fin = finalActivation(modelByName.get(callee)!)!;
            const shape = (id: ValueId) => modelByName.get(callee)!.graph.values[id].shape!;
            lines.push(`${v} = ${applyRule(fin, [lv], shape, training, unsupported, mv)}${comment}`);
            vars.set(out, v);
          }
        } else {
          lines.push(`${withMask(v)} = ${self}(${args.join(", ")})${comment}`);
          vars.set(out, v);
        }
        continue;
      }
      const outMask = maskOf(e, mask, () => {
        const mv = scope.fresh(`${g.values[out].name}_mask`);
        lines.push(`${mv} = dlm.padding_mask(${args[0]})  # ${fmtShape(g.values[e.inputs[0]].shape)}  ${where(e.span)}`);
        return mv;
      });
      if (outMask) masks.set(out, outMask);
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
      const expr = applyRule(eqn, eargs, (id) => g.values[id].shape!, training, unsupported, mask);
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
  const masks = new Map<ValueId, string>();
  // A step that differentiates through a `let` uses the parameters the `let` was computed with, even where an
  // earlier step has updated them since (docs/language.md, the simultaneous update): such a `let`'s call of a
  // model an earlier step trains runs on copies of its parameters (dlm.frozen).
  const trainedBy = trainedModels(tp);
  train.steps.forEach((st, k) => {
    for (const e of cone([st.loss], new Set(g.inputs)))
      if (e.op === "call" && letEqns.includes(e) && trainedBy.slice(0, k).some((ms) => ms.includes(e.attrs.model as string))) frozen.add(e);
  });
  emitEqns(letEqns, vars, masks, stepScope, body, "True");
  const available = new Set([...g.inputs, ...letValues]);
  const lossVars: string[] = [];
  train.steps.forEach((st, k) => {
    body.push(`# step ${st.model} (${where(st.span)})`);
    const local = new Map(vars);
    emitEqns(cone([st.loss], available), local, new Map(masks), stepScope, body, "True");
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
    const evalEqns = cone([train.steps[0].loss, ev.prediction], new Set(g.inputs));
    emitEqns(evalEqns, evars, new Map(), scope, lines, "False", new Set([ev.prediction]));
    const pred = evars.get(ev.prediction);
    const target = evars.get(ev.target);
    const predShape = g.values[ev.prediction].shape!;
    // The padding label the loss leaves out (brown.tagged's tag 0) is not scored either, as dlm scores it.
    const lossEqn = producer.get(train.steps[0].loss);
    const ignore =
      lossEqn?.op === "sparse_categorical_crossentropy" && typeof lossEqn.attrs.ignore_class === "number" && lossEqn.inputs[1] === ev.target
        ? lossEqn.attrs.ignore_class
        : null;
    const classes = predShape[predShape.length - 1] as number;
    let acc = "None";
    // How many predictions the batch holds, where that is not its rows (per-position labels).
    let scored = predShape.length > 2 && pred ? `${pred}.numel() // ${classes}` : null;
    if (ev.metrics.includes("accuracy") && pred && target) {
      if (g.values[ev.target].dtype !== "i32")
        acc = classes === 1 ? `((${pred} > 0.5).float() == ${target}).sum()` : `(${pred}.argmax(-1) == ${target}.argmax(-1)).sum()`;
      else if (ignore === null) acc = `(${pred}.argmax(-1) == ${target}).sum()`;
      else {
        acc = `((${pred}.argmax(-1) == ${target}) & (${target} != ${ignore})).sum()`;
        scored = `(${target} != ${ignore}).sum()`;
      }
    }
    evaluate = [
      `def evaluate(self, ${evars.size ? [...g.inputs].map((i) => evars.get(i)).join(", ") : ""}):`,
      `    """The test loss and the number of correct predictions${scored ? " and of those scored" : ""} (models in eval mode: no dropout)."""`,
      ...lines.map((l) => `    ${l}`),
      `    return ${evars.get(train.steps[0].loss) ?? "None"}, ${acc}${scored ? `, ${scored}` : ""}`,
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
  const trains = trainedBy;
  const buffers = [...new Set(tp.steps.flatMap((st) => stateBuffers(st.optimizer).map((b) => b.flat)))];
  // DistributedDataParallel where a step's model runs once per step and nothing else runs
  // (a classifier); elsewhere (a GAN's discriminator runs three times a batch) the gradients
  // are averaged over the processes after each backward pass, which DDP does too.
  const calls = g.eqns.filter((e) => e.op === "call");
  const ddp =
    train.steps.length === 1 && letValues.size === 0 && calls.length === 1 && trains[0].length === 1 ? [train.steps[0].model] : [];
  const src = opts.source;
  const settings = `{"batch": ${s.batch}, "epochs": ${s.epochs}, "shuffle": ${s.shuffle ? "True" : "False"}, "seed": ${s.seed}}`;
  const dataLine = data ? dataDict(data) : "None";
  // Text data: DIR/data.safetensors beside train.py (data.ts); MNIST: the folder resolved at compile time.
  const dataDir = isTextData(data) ? "os.path.dirname(os.path.abspath(__file__))" : opts.mnistDir ? JSON.stringify(opts.mnistDir) : "None";
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
    `    data_dir = ${dataDir}`,
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
    `    schedules = ${schedulesOf(train)}`,
    `    controls = ${controls}`,
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
  mask: string | null,
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
    mask,
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
  maskedModels: Set<string>,
): string {
  const g = m.graph;
  const masks = new Map<ValueId, string>(); // the padding mask each value carries (a Python variable)
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
    const mask = masks.get(e.inputs[0]) ?? null;
    if (e === fin) fwd.push("if logits:", `    return ${args[0]}${mask ? `, ${mask}` : ""}`);
    if (e.op === "call") {
      unsupported("a model called inside another model has no PyTorch emission rule yet", e.span);
      continue;
    }
    const v = scope.fresh(g.values[out].name);
    const comment = `  # ${fmtShape(g.values[out].shape)}  ${where(e.span)}`;
    const outMask = maskOf(e, mask, () => {
      const mv = scope.fresh(`${g.values[out].name}_mask`);
      fwd.push(`${mv} = dlm.padding_mask(${args[0]})  # ${fmtShape(g.values[e.inputs[0]].shape)}  ${where(e.span)}`);
      return mv;
    });
    if (outMask) masks.set(out, outMask);
    const expr = applyRule(e, args, (id) => g.values[id].shape!, "self.training", unsupported, mask, module);
    fwd.push(`${v} = ${expr}${comment}`);
    vars.set(out, v);
  }
  // A model whose output carries a padding mask returns it too (the caller's loss reads it).
  const outMask = masks.get(g.outputs[0]);
  if (outMask) maskedModels.add(m.name);
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
    `        return ${[...g.outputs.map((o) => vars.get(o) ?? "None"), ...(outMask ? [outMask] : [])].join(", ")}`,
  ].join("\n");
}

/** The models each step trains: its own and those it calls (their parameters lie in its ranges). */
function trainedModels(tp: TrainingProgram): string[][] {
  return tp.steps.map((st) => {
    const inRange = (off: number) => st.ranges.some((r) => off >= r.offset && off < r.offset + r.size);
    return [...new Set(tp.params.filter((id) => inRange(tp.values[id].param!.offset)).map((id) => tp.values[id].param!.model))];
  });
}
