// The memory plan (compiler/wasm/plan-memory.ts) checked by running it: every entry point
// of each seed trainer is replayed eqn by eqn over a word-by-word map of linear memory
// that records which buffer last wrote each 4-byte word. Every read must find its own
// buffer's data intact, no eqn may write over a persistent buffer (weights, gradients,
// optimizer state, inputs), and what the runtime reads after an entry returns (scores,
// prediction, model outputs, the non-finite trace) must be intact at its end. Kernels are
// replayed as the fusion pass grouped them (with fusion on and off). Also: the
// plan shares memory (it is smaller than one buffer per tensor) and aligns every buffer.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { compileSource, root } from "../helpers/trainer.js";
import { offsetAt, type MemoryPlan } from "../../compiler/wasm/plan-memory.js";
import type { TEqn, TrainingProgram } from "../../compiler/ir/train-ir.js";
import { aliasOps } from "../../compiler/ops/index.js";
import type { FusedProgram } from "../../compiler/wasm/fuse.js";

const B = 3;

function replay(tp: TrainingProgram, plan: MemoryPlan, fused: FusedProgram): string[] {
  const problems: string[] = [];
  const size = plan.bytes.fixed + plan.bytes.perRow * B;
  const owner = new Int32Array(size / 4).fill(-1);
  const rootOf = (id: number) => plan.root.get(id) ?? id;
  const words = (id: number): [number, number] => {
    const v = fused.values[id];
    const count = v.shape.reduce((a: number, d) => a * (d === "B" ? B : d), 1);
    const at = offsetAt(plan, id, B);
    if (at % 16 !== 0 && v.kind !== "param" && v.gradOf === undefined) problems.push(`${v.name} at ${at}: not 16-byte aligned`);
    return [at / 4, at / 4 + count];
  };
  const persistent = new Set<number>([
    ...tp.params,
    ...tp.inputs,
    ...tp.inference.flatMap((m) => m.inputs),
    ...plan.gradView.keys(),
    ...tp.constants.map((e) => e.outputs[0]),
  ]);
  const write = (id: number, where: string) => {
    const r = rootOf(id);
    if (plan.internal.has(r)) return; // fused away: never in memory
    const [a, b] = words(r);
    for (let i = a; i < b; i++) {
      const o = owner[i];
      if (o >= 0 && o !== r && persistent.has(o)) {
        problems.push(`${where}: writing ${fused.values[r].name} overwrites the persistent ${fused.values[o].name}`);
        return;
      }
      owner[i] = r;
    }
  };
  const read = (id: number, where: string) => {
    const r = rootOf(id);
    if (plan.internal.has(r)) return;
    const [a, b] = words(r);
    for (let i = a; i < b; i++) {
      if (owner[i] !== r) {
        problems.push(
          `${where}: ${fused.values[r].name} was overwritten by ${owner[i] >= 0 ? fused.values[owner[i]].name : "nothing (never written)"}`,
        );
        return;
      }
    }
  };
  for (const id of persistent) write(id, "start");
  // One kernel at a time (a fused group reads all its inputs while it writes its outputs).
  const run = (eqns: readonly TEqn[], entry: string) => {
    const groups = fused.segments.get(eqns)!;
    expect(groups.flatMap((g) => g.eqns).length, `${entry}: the groups cover the segment`).toBe(eqns.length);
    groups.forEach((g, i) => {
      if (g.eqns.every((e) => aliasOps.has(e.op))) return;
      const inside = new Set(g.eqns.flatMap((e) => e.outputs));
      const reads = [
        ...g.eqns.flatMap((e) => e.inputs).filter((id) => !inside.has(id) && !g.skipReads?.includes(id)),
        ...(g.extraIn ?? []),
      ];
      for (const id of reads) read(id, `${entry} kernel ${i} (${g.pattern})`);
      // A kernel's outputs never overlap its inputs (kernels read and write as they go).
      const ins = new Set(reads.map(rootOf));
      for (const outs of [...g.eqns.map((e) => e.outputs), g.extraOut ?? []]) {
        for (const id of outs) {
          if (plan.internal.has(rootOf(id))) continue;
          const [a, b] = words(rootOf(id));
          for (let w = a; w < b; w++) {
            if (ins.has(owner[w]) && owner[w] !== rootOf(id)) {
              problems.push(
                `${entry} kernel ${i} (${g.pattern}): its output ${fused.values[rootOf(id)].name} overlaps its input ${fused.values[owner[w]].name}`,
              );
              break;
            }
          }
        }
      }
      for (const id of [...g.eqns.flatMap((e) => e.outputs), ...(g.extraOut ?? [])]) write(id, `${entry} kernel ${i} (${g.pattern})`);
    });
  };
  // trainStep: the lets, then each step's forward and backward, then its gradient copies.
  run(tp.lets, "lets");
  tp.steps.forEach((s, k) => {
    run(s.forward, `step ${k} forward`);
    // The non-finite trace reads the lets and this step's forward values after the forward pass.
    for (const e of [...tp.lets, ...s.forward]) for (const id of e.outputs) read(id, `trace after step ${k}'s forward`);
    run(s.backward, `step ${k} backward`);
    for (const g of s.grads) if (g.grad !== null && !plan.gradView.has(g.grad)) read(g.grad, `step ${k} gradient copy`);
  });
  const lossEqn = tp.steps[0].forward.find((e) => e.outputs[0] === tp.steps[0].loss)!;
  if (tp.evaluation) {
    read(lossEqn.inputs[0], "scores after trainStep");
    run(tp.evaluation.forward, "evaluate");
    read(tp.evaluation.prediction, "prediction after evaluate");
  }
  for (const m of tp.inference) {
    run(m.forward, `infer ${m.model}`);
    read(m.output, `output of ${m.model}`);
  }
  return problems;
}

describe("memory plan", () => {
  for (const [name, fuse] of ["mlp", "cnn", "rnn", "regression", "gan", "gan_stabilized"].flatMap(
    (n) =>
      [
        [n, true],
        [n, false],
      ] as const,
  )) {
    it(`${name}${fuse ? "" : " (--no-fuse)"}: no live buffer is overwritten, persistent ones never, and memory is shared`, async () => {
      const c = await compileSource(
        readFileSync(path.join(root, "dsl-examples", `${name}.dlm`), "utf8"),
        `${name}.dlm`,
        undefined,
        false,
        "wasm",
        fuse,
        false, // the plan, not the kernels: no relaxed-SIMD variant
      );
      const plan = c.wasm!.plan;
      const problems = replay(c.program, plan, c.wasm!.fused);
      expect(problems.slice(0, 10), problems.slice(0, 10).join("\n")).toEqual([]);
      expect(plan.bytes.perRow).toBeLessThan(plan.unshared.perRow);
      expect(plan.bytes.fixed % 16).toBe(0);
      expect(plan.bytes.perRow % 16).toBe(0);
    });
  }
});
