// The body of each step's optimizer update, after its step count is advanced: the learning
// rate (a schedule's value at the step count, or the constant in `learningRates`), the
// gradient's clipping scale (the sums of squares of a norm, one small kernel per range or
// tensor), and one update call per trained range of the flat buffers (per tensor with
// `clipnorm`, each with its own scale). The TypeScript backend calls the reference kernels
// (runtime/kernels/optimizers.ts); the WebAssembly backend one fused kernel per range.
import type { OptimizerSpec } from "../../ir/ir.js";
import type { TStep } from "../../ir/train-ir.js";
import { optimizerCall, sumSquaresCall } from "../../ops/kit/wasm.js";
import type { WasmCtx } from "../../ops/op.js";
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

/** The lines of step k's update, after `stepCounts[k]++`. */
export function updateLines(em: Emission, k: number, deps: UpdateDeps): string[] {
  const s = em.tp.steps[k];
  const o = s.optimizer;
  const t = `stepCounts[${k}]`;
  const lr = `learningRates[${k}]`;
  const out: string[] = [];
  if (typeof o.lr !== "number") {
    const schedule = deps.hoist(`schedule_${k}`, `const NAME = ${JSON.stringify(o.lr)} as const; // step ${k + 1}'s learning rate`);
    out.push(`${lr} = K.learningRate(${schedule}, ${t} - 1); // at Keras's iterations, 0 for the first update`);
  }
  if (o.kind === "nadam") out.push(`K.nadamWeights(${o.beta1}, ${t}, nadamState, ${NADAM_STATE * k}); // cm, cg of this step`);
  const wasm = deps.kernels;
  const label = (r: Range, what = `${o.kind} update`) => `${what} of ${s.model}'s parameters [${r.offset}, ${r.offset + r.size})`;
  const sumSq = (r: Range): string =>
    wasm ? sumSquaresCall(wasm(label(r, "Σ g²")), r, deps.flatAddr) : `K.sumSquares(grads, ${r.offset}, ${r.size})`;
  // Norm clipping: the scale of each range's gradient (per tensor with clipnorm, so each tensor is its own range).
  const clip = o.clip;
  const units = clip?.kind === "clipnorm" ? tensorsOf(em, s) : s.ranges;
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
