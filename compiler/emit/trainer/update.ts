// The body of each step's optimizer update, after its step count is advanced: the learning
// rate (a schedule's value at the step count, or the constant in `learningRates`), the
// gradient's clipping scale (the sums of squares of a norm, one small kernel per range or
// tensor), and one update call per trained range of the flat buffers (per tensor with
// `clipnorm`, each with its own scale). The TypeScript backend calls the reference kernels
// (runtime/kernels/optimizers.ts); the WebAssembly backend one fused kernel per range.
import type { OptimizerSpec } from "../../ir/ir.js";
import type { TStep } from "../../ir/train-ir.js";
import { optimizerCall, sumSquaresCall } from "../../ops/kit/wasm.js";
import * as W from "../../ops/kit/wasm.js";
import type { WasmCtx } from "../../ops/op.js";
import type { FusedUpdate } from "../../wasm/fuse-update.js";
import { nameParams } from "../../wasm/kernels/fn.js";
import { addTnUpdate, stateParam, tnUpdateParams, tnUpdateScratchBytes, tnUpdateUnits } from "../../wasm/kernels/gemm-tn-update.js";
import type { KernelSplit } from "../../../runtime/threads/plan.js";
import { stateBuffers } from "../../wasm/plan-memory.js";
import type { Emission } from "./context.js";

type Range = { readonly offset: number; readonly size: number };

export interface UpdateDeps {
  /** The WebAssembly backend's kernel registrar for a call with this label; absent: the TypeScript backend. */
  readonly kernels?: (label: string) => Pick<WasmCtx<unknown>, "kernel">;
  /** The constant holding a flat buffer's byte offset (wasm). */
  readonly flatAddr: (buffer: string) => string;
  /** A constant declared once at the top of the module; `code` names it NAME. */
  readonly hoist: (hint: string, code: string) => string;
}

/** Per step: its `nadamState` entries (step count, running product, cm, cg). */
export const NADAM_STATE = 4;

/**
 * The lines that set step k's learning rate (a schedule's value at the step count) and Nadam's
 * weights, after `stepCounts[k]++`: at the start of its update, or before its backward pass when
 * its kernel gradients update weights (`updatePrelude`).
 */
function scalarLines(em: Emission, k: number, deps: UpdateDeps): string[] {
  const o = em.tp.steps[k].optimizer;
  const t = `stepCounts[${k}]`;
  const out: string[] = [];
  if (typeof o.lr !== "number") {
    const schedule = deps.hoist(`schedule_${k}`, `const NAME = ${JSON.stringify(o.lr)} as const; // step ${k + 1}'s learning rate`);
    out.push(`learningRates[${k}] = K.learningRate(${schedule}, ${t} - 1); // at Keras's iterations, 0 for the first update`);
  }
  if (o.kind === "nadam") out.push(`K.nadamWeights(${o.beta1}, ${t}, nadamState, ${NADAM_STATE * k}); // cm, cg of this step`);
  return out;
}

/** The weights step k updates in its kernel gradients' kernels (wasm/fuse-update.ts), in offset order. */
export function fusedWeights(em: Emission, k: number): Range[] {
  const ups = em.wasm?.fused.updates;
  if (!ups) return [];
  return [...ups.values()]
    .filter((u) => u.step === k)
    .map((u) => em.values[u.param].param!)
    .map((p) => ({ offset: p.offset, size: p.size }))
    .sort((a, b) => a.offset - b.offset);
}

/**
 * Step k's lines before its backward pass: none, or where its kernel gradients update weights,
 * the step count and the lines that compute the scalars those updates read (their calls compute
 * the rule's c1, c2 from the count as the range kernels' calls do).
 */
export function updatePrelude(em: Emission, k: number, deps: UpdateDeps): string[] {
  if (fusedWeights(em, k).length === 0) return [];
  return [`stepCounts[${k}]++; // now: this step's kernel gradients update weights (fused)`, ...scalarLines(em, k, deps)];
}

/** The lines of step k's update, after `stepCounts[k]++` (and its prelude, `updatePrelude`). */
export function updateLines(em: Emission, k: number, deps: UpdateDeps): string[] {
  const s = em.tp.steps[k];
  const o = s.optimizer;
  const t = `stepCounts[${k}]`;
  const lr = `learningRates[${k}]`;
  const fused = fusedWeights(em, k);
  const out: string[] = fused.length ? [] : scalarLines(em, k, deps);
  const wasm = deps.kernels;
  const label = (r: Range, what = `${o.kind} update`) => `${what} of ${s.model}'s parameters [${r.offset}, ${r.offset + r.size})`;
  const sumSq = (r: Range): string =>
    wasm ? sumSquaresCall(wasm(label(r, "Σ g²")), r, deps.flatAddr) : `K.sumSquares(grads, ${r.offset}, ${r.size})`;
  // Norm clipping: the scale of each range's gradient (per tensor with clipnorm, so each tensor is its own range).
  const clip = o.clip;
  const units = clip?.kind === "clipnorm" ? tensorsOf(em, s) : cutAround(s.ranges, fused);
  let scale: (r: Range) => string | undefined = () => undefined;
  if (clip?.kind === "clipnorm") scale = (r) => `K.clipNormScale(${sumSq(r)}, ${clip.value})`;
  if (clip?.kind === "global_clipnorm") {
    out.push(
      `const gs = K.globalClipScale(${units.map(sumSq).join(" + ")}, ${clip.value}); // the gradients' global norm clipped to ${clip.value}`,
    );
    scale = () => "gs";
  }
  for (const r of units) {
    const gs = scale(r);
    if (wasm) {
      const scalars: Record<string, string> = { lr, ...ruleScalars(o, t, k), ...(gs ? { gs } : {}) };
      out.push(`${optimizerCall(wasm(label(r)), o, r, deps.flatAddr, scalars)};`);
    } else out.push(tsCall(o, r, t, k, gs));
  }
  return out;
}

/** The ranges less the fused weights (each inside one range; the update is elementwise, so any cut updates the same bits). */
function cutAround(ranges: readonly Range[], fused: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    let at = r.offset;
    const end = r.offset + r.size;
    for (const f of fused) {
      if (f.offset < at || f.offset >= end) continue;
      if (f.offset > at) out.push({ offset: at, size: f.offset - at });
      at = f.offset + f.size;
    }
    if (end > at) out.push({ offset: at, size: end - at });
  }
  return out;
}

/**
 * A kernel gradient that updates its weight (wasm/fuse-update.ts decided the group): a weight
 * used twice first has its other tn GEMMs write and accumulate dW, then the last one accumulates
 * and updates (gemm-tn-update.ts); the step's scalars as its range kernels' calls have them.
 * Threads share the call by the tn's units (a tall dW's blocks of 8 rows, else 8-column panels),
 * so each thread updates the elements it has just summed.
 */
export function fusedUpdateCall(em: Emission, u: FusedUpdate, c: WasmCtx<unknown>, flatAddr: (buffer: string) => string): string {
  const o = em.tp.steps[u.step].optimizer;
  const p = em.values[u.param].param!;
  const out = c.group[c.group.length - 1].outputs[0];
  const tns = c.group.filter((e) => e.op === "matmul_tn");
  const gemm = (e: (typeof tns)[number], accumulate: boolean): string => {
    const [a, dy] = e.inputs;
    return W.gemm(c, "tn", W.last(c, a), W.last(c, dy), W.rows(c, a), a, dy, undefined, undefined, { out, accumulate });
  };
  const before = tns.slice(0, -1).map((e, i) => gemm(e, i > 0));
  const [a, dy] = tns[tns.length - 1].inputs;
  const [k, n] = [W.last(c, a), W.last(c, dy)];
  if (k * n !== p.size) throw new Error(`internal: a fused update of ${p.path} whose gradient is not its size`);
  const accumulate = tns.length > 1;
  const spec = {
    k,
    n,
    accumulate: accumulate || undefined,
    rowRange: W.tnByRows("tn", k, n) || undefined,
    update: { offset: p.offset, ...W.updateSpecOf(o) },
  };
  const rule = W.keyOf(spec.update.rule, { offset: p.offset, size: p.size, ...W.updateSpecOf(o), rule: undefined });
  const key = `gemm_tn_${k}x${n}${accumulate ? "_acc" : ""}_${rule}`;
  const names = tnUpdateParams(spec);
  const units = tnUpdateUnits(spec);
  // Multiply-adds per row of A and unit, as the tn GEMM's split counts them (the update's few per element are not).
  const split: KernelSplit | undefined =
    c.split === "columns"
      ? { kind: "range", params: names.length, count: units, ws: names.indexOf("ws"), work: spec.rowRange ? 8 * n : 8 * k }
      : undefined;
  const fn = c.kernel(
    key,
    (b, mod, name, variant) => {
      addTnUpdate(b, mod, { ...spec, name, relaxed: variant.relaxed || undefined });
      nameParams(mod, name, names);
    },
    split,
  );
  const t = `stepCounts[${u.step}]`;
  const args: Record<string, string> = {
    m: W.rows(c, a),
    a: c.addr(a),
    b: c.addr(dy),
    c: c.addr(out),
    ws: c.scratch(tnUpdateScratchBytes({ ...spec, name: key })),
    w: flatAddr("params"),
    lr: `learningRates[${u.step}]`,
    ...ruleScalars(o, t, u.step),
  };
  for (const s of stateBuffers(o)) args[stateParam(s.param)] = flatAddr(s.flat);
  const list = names
    .filter((q) => q !== "lo" && q !== "hi")
    .map((q) => {
      if (args[q] === undefined) throw new Error(`internal: no argument for ${q} of ${key}`);
      return args[q];
    });
  return [...before, `${fn}(${list.join(", ")});`].join(" ");
}

/** The trained tensors of a step, in offset order (state, such as moving statistics, is never in a range). */
function tensorsOf(em: Emission, s: TStep): Range[] {
  const inRange = (p: Range) => s.ranges.some((r) => p.offset >= r.offset && p.offset + p.size <= r.offset + r.size);
  return em.tp.params
    .map((id) => em.values[id].param!)
    .filter((p) => !p.state && !p.frozen && inRange(p))
    .sort((a, b) => a.offset - b.offset)
    .map((p) => ({ offset: p.offset, size: p.size }));
}

/** The wasm kernel's per-call scalars besides lr and gs, computed as the reference kernels do. */
function ruleScalars(o: OptimizerSpec, t: string, k: number): Record<string, string> {
  switch (o.kind) {
    case "adam":
      return { c1: `1 - Math.pow(${o.beta1}, ${t})`, c2: `1 - Math.pow(${o.beta2}, ${t})` };
    case "adamax":
      return { c1: `1 - Math.pow(${o.beta1}, ${t})` };
    case "nadam":
      return { cm: `nadamState[${NADAM_STATE * k + 2}]`, cg: `nadamState[${NADAM_STATE * k + 3}]`, c2: `1 - Math.pow(${o.beta2}, ${t})` };
    default:
      return {};
  }
}

/** A reference-kernel call; the options' tail (weight decay, gradient scale, clip value) only as far as it is set. */
function tsCall(o: OptimizerSpec, r: Range, t: string, k: number, gs: string | undefined): string {
  const state = Object.fromEntries(stateBuffers(o).map((b) => [b.param, b.flat]));
  const lr = `learningRates[${k}]`;
  const head = ["params", "grads"];
  const at = [`${r.offset}`, `${r.size}`];
  let args: string[];
  switch (o.kind) {
    case "sgd":
      args = [...head, state.buf ?? "null", ...at, lr, `${o.momentum}`, `${o.nesterov}`];
      break;
    case "adam":
    case "adamax":
      args = [...head, state.m, state.v ?? state.u, ...at, lr, `${o.beta1}`, `${o.beta2}`, `${o.eps}`, t];
      break;
    case "nadam": {
      const w = NADAM_STATE * k;
      args = [
        ...head,
        state.m,
        state.v,
        ...at,
        lr,
        `${o.beta1}`,
        `${o.beta2}`,
        `${o.eps}`,
        t,
        `nadamState[${w + 2}]`,
        `nadamState[${w + 3}]`,
      ];
      break;
    }
    case "adagrad":
      args = [...head, state.acc, ...at, lr, `${o.eps}`];
      break;
    case "rmsprop":
      args = [...head, state.vel, state.mom ?? "null", state.avg ?? "null", ...at, lr, `${o.rho}`, `${o.momentum}`, `${o.eps}`];
      break;
  }
  const tail = [`${o.weightDecay}`, gs ?? "1", o.clip?.kind === "clipvalue" ? `${o.clip.value}` : "Infinity"];
  const defaults = ["0", "1", "Infinity"];
  while (tail.length > 0 && tail[tail.length - 1] === defaults[tail.length - 1]) tail.pop();
  return `K.${o.kind}(${[...args, ...tail].join(", ")});`;
}
