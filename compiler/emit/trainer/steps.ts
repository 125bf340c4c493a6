// The functions inside `createTrainer`: the lets, each step's forward pass (returns the
// loss), backward pass (the gradients into the flat gradient buffer) and optimizer update,
// one `trainStep` over the steps, evaluation, one inference entry per model, and the
// instance the runtime drives (runtime/trainer.ts's TrainerInstance).
import type { CodeBlockWriter } from "ts-morph";
import type { ValueId } from "../../ir/ir.js";
import { positionOf } from "../../source.js";
import type { Calls } from "./calls.js";
import type { Emission } from "./context.js";
import { optimizerText } from "./header.js";
import { camel, ident } from "./names.js";
import { traceEntries } from "./trace.js";
import { NADAM_STATE } from "./update.js";
import { learningRate } from "../../../runtime/kernels/schedules.js";

/** The code of every segment, generated before anything is written (kernels reserve scratch and tables as they go). */
export interface Bodies {
  readonly constants: readonly string[];
  readonly lets: readonly string[];
  readonly steps: readonly { readonly forward: readonly string[]; readonly backward: readonly string[] }[];
  readonly evaluation: readonly string[];
  readonly inference: readonly (readonly string[])[];
}

export function generateBodies(em: Emission, calls: Calls): Bodies {
  const { tp } = em;
  return {
    constants: calls.lines(tp.constants),
    lets: calls.lines(tp.lets),
    steps: tp.steps.map((s) => ({ forward: calls.lines(s.forward), backward: calls.lines(s.backward) })),
    evaluation: tp.evaluation ? calls.lines(tp.evaluation.forward) : [],
    inference: tp.inference.map((m) => calls.lines(m.forward)),
  };
}

/** Every line of generated code, in order. */
export const allLines = (b: Bodies, calls: Calls): string[] => [
  ...b.constants,
  ...b.lets,
  ...b.steps.flatMap((l) => [...l.forward, ...l.backward]),
  ...b.evaluation,
  ...b.inference.flat(),
  ...calls.updateLines.flat(),
];

export function writeSteps(
  w: CodeBlockWriter,
  em: Emission,
  calls: Calls,
  bodies: Bodies,
  optState: readonly string[],
  copies: readonly { readonly step: number; readonly param: ValueId; readonly from: ValueId }[],
): void {
  const { tp, values, opts } = em;
  const { nameOf, root } = em.naming;
  const body = (ls: readonly string[]) => ls.forEach((l) => w.writeLine(l));
  w.writeLine(`// Constants.`);
  body(bodies.constants);
  w.blankLine();
  w.writeLine(`const losses = new Float64Array(${tp.steps.length});`);
  w.writeLine(`const stepCounts = new Float64Array(${tp.steps.length}); // optimizer steps taken, per step`);
  // The learning rate each step's updates use: the constant, or a schedule's value (set at each update).
  const lrs = tp.steps.map((s) => (typeof s.optimizer.lr === "number" ? s.optimizer.lr : learningRate(s.optimizer.lr, 0)));
  w.writeLine(`const learningRates = Float64Array.of(${lrs.join(", ")}); // per step: the learning rate of its latest update`);
  if (tp.steps.some((s) => s.optimizer.kind === "nadam"))
    w.writeLine(
      `const nadamState = new Float64Array(${NADAM_STATE * tp.steps.length}); // per step: Nadam's step, momentum product, cm, cg`,
    );
  tp.steps.forEach((s) => {
    const o = s.optimizer;
    if (o.kind !== "adagrad" || o.initialAccumulator === 0) return;
    for (const r of s.ranges)
      w.writeLine(
        `adagrad_accumulator.fill(${o.initialAccumulator}, ${r.offset}, ${r.offset + r.size}); // Adagrad's accumulators start at ${o.initialAccumulator}`,
      );
  });
  w.writeLine(`const rngMark = new Uint32Array(4); // the RNG state before the last step's forward pass`);
  w.blankLine();

  if (tp.lets.length) {
    w.writeLine(`/** The \`let\`s: evaluated once per batch, before the first step. */`);
    w.write(`function computeLets(n: number): void`).block(() => body(bodies.lets));
    w.blankLine();
  }
  const fnName = (prefix: string, k: number) =>
    `${prefix}${camel("_" + ident(tp.steps[k].model))}${tp.steps.filter((s) => s.model === tp.steps[k].model).length > 1 ? k : ""}`;
  tp.steps.forEach((s, k) => {
    const line = positionOf(opts.source, s.span.start).line;
    w.writeLine(`/** Step ${k + 1}, \`${s.model}\` (${opts.sourcePath}:${line}): the forward pass; returns the loss. */`);
    w.write(`function ${fnName("forward", k)}(n: number): number`).block(() => {
      body(bodies.steps[k].forward);
      w.writeLine(`return ${nameOf(root(s.loss))}[0];`);
    });
    w.blankLine();
    w.writeLine(`/** Step ${k + 1}: gradients of the loss w.r.t. the parameters of \`${s.model}\`. */`);
    w.write(`function ${fnName("backward", k)}(n: number): void`).block(() => {
      body(bodies.steps[k].backward);
      // A trained parameter this loss cannot reach gets a zero gradient (not an earlier step's).
      for (const g of s.grads) {
        if (g.grad !== null) continue;
        const p = values[g.param].param!;
        w.writeLine(`grads.fill(0, ${p.offset}, ${p.offset + p.size}); // d ${p.path}: not on the loss's path`);
      }
      for (const c of copies.filter((c) => c.step === k)) {
        const p = values[c.param].param!;
        w.writeLine(`for (let i = 0; i < ${p.size}; i++) grads[${p.offset} + i] = ${nameOf(root(c.from))}[i]; // d ${p.path}`);
      }
    });
    w.blankLine();
    const o = s.optimizer;
    const spans = s.ranges.map((r) => `[${r.offset}, ${r.offset + r.size})`).join(", ");
    w.writeLine(`/** Step ${k + 1}: ${optimizerText(o)} on the parameters of \`${s.model}\` (params${spans}). */`);
    w.write(`function ${fnName("update", k)}(): void`).block(() => {
      w.writeLine(`stepCounts[${k}]++;`);
      for (const line of calls.updateLines[k]) w.writeLine(line);
      // State that is not trained (moving statistics) takes the values this step's forward pass computed.
      for (const u of s.updates) {
        if (values[u.value].shape.includes("B")) throw new Error("internal: a state update cannot depend on the batch size");
        w.writeLine(`${nameOf(u.param)}.set(${nameOf(root(u.value))}); // ${values[u.param].param!.path}: not trained, updated`);
      }
    });
    w.blankLine();
  });

  w.writeLine(`/** One training step on the first n rows of the inputs. Returns -1, or the index of`);
  w.writeLine(` * the step whose loss was not finite (nothing is updated from that step on). */`);
  w.write(`function trainStep(n: number): number`).block(() => {
    if (tp.lets.length) w.writeLine(`computeLets(n);`);
    tp.steps.forEach((_, k) => {
      w.writeLine(`rng.saveState(rngMark);`);
      w.writeLine(`losses[${k}] = ${fnName("forward", k)}(n);`);
      w.writeLine(`if (!Number.isFinite(losses[${k}])) return ${k};`);
      w.writeLine(`${fnName("backward", k)}(n);`);
      w.writeLine(`${fnName("update", k)}();`);
    });
    w.writeLine(`return -1;`);
  });
  w.blankLine();
  const ev = tp.evaluation;
  if (ev) {
    w.writeLine(
      `/** Inference on the first n rows (dropout off): returns the loss; the prediction is in \`${nameOf(root(ev.prediction))}\`. */`,
    );
    w.write(`function evaluate(n: number): number`).block(() => {
      body(bodies.evaluation);
      w.writeLine(`return ${nameOf(root(ev.loss))}[0];`);
    });
    w.blankLine();
  }
  tp.inference.forEach((m, k) => {
    w.writeLine(`/** \`${m.model}\` alone on the first n rows of its own inputs, dropout off (sampling, scoring). */`);
    w.write(`function infer${camel("_" + ident(m.model))}(n: number): void`).block(() => body(bodies.inference[k]));
    w.blankLine();
  });
  const traced = traceEntries(em);
  w.write(`return`).block(() => {
    w.writeLine(`params, grads, state: { ${optState.join(", ")} }, stepCounts, learningRates, losses, rng, rngMark,`);
    w.writeLine(`inputs: [${tp.inputs.map(nameOf).join(", ")}],`);
    w.writeLine(`trainStep,`);
    w.writeLine(`forward: [${tp.steps.map((_, k) => fnName("forward", k)).join(", ")}],`);
    if (tp.lets.length) w.writeLine(`computeLets,`);
    if (ev) {
      // The training forward pass's scores (logits when the loss reads them) give the running accuracy.
      const lossEqn = tp.steps[0].forward.find((e) => e.outputs[0] === tp.steps[0].loss)!;
      w.writeLine(
        `evaluate, prediction: ${nameOf(root(ev.prediction))}, scores: ${nameOf(root(lossEqn.inputs[0]))}, scoresAreLogits: ${!!lossEqn.attrs.from_logits},`,
      );
    }
    w.writeLine(
      `models: { ${tp.inference.map((m) => `${ident(m.model)}: { inputs: [${m.inputs.map((id) => nameOf(root(id))).join(", ")}], output: ${nameOf(root(m.output))}, run: infer${camel("_" + ident(m.model))} }`).join(", ")} },`,
    );
    w.writeLine(`trace: [${traced.join(",\n")}],`);
  });
  w.write(";");
}
