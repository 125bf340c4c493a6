// Reverse-mode autodiff on the flat training program.
//
// Takes: forward eqns in execution order, a scalar loss, and the parameters to
// differentiate (one model's). Guarantees: backward eqns in execution order computing
// the loss's gradient for each of those parameters, built from the per-op VJP rules of
// the op registry (compiler/ops); gradients of a value used several times are summed; nothing flows
// through `stop_gradient`, random draws or integer values. Parameters the loss cannot
// reach are reported (DL4001; DL4002 when only a stop_gradient is in the way).
// `before` substitutes, in what an eqn's VJP rule reads, the value an input had when the
// eqn ran (a parameter an earlier step has updated since: schedule.ts); the gradients
// still flow to the eqn's own inputs.
import type { Shape, ValueId, Attrs } from "../ir/ir.js";
import type { TEqn, TOp, TValue } from "../ir/train-ir.js";
import { kernelOf } from "../ops/index.js";
import { TargetGradientError } from "../ops/kit/vjp.js";
import { fail } from "../diagnostics/diagnostic.js";
import type { Span } from "../source.js";

/**
 * A differentially private step (`dp_sgd`, `dp_adam`): each parameter's gradient per group of
 * rows (the op's `perExample` rule instead of its VJP), each group clipped to `clip` over all
 * parameters together, summed with Gaussian noise of standard deviation `std` per element
 * (σ·C/G: the sum's noise divided by the G groups; ops/privacy.ts).
 */
export interface PrivateGradient {
  readonly groups: number;
  readonly clip: number;
  readonly std: number;
}

export interface Gradients {
  readonly backward: readonly TEqn[];
  readonly grads: readonly { readonly param: ValueId; readonly grad: ValueId | null }[];
  /** The constant 1 that seeds the backward pass (d loss / d loss). */
  readonly seed: TEqn;
}

/** Values are appended to `values` (the program's value table, shared by all steps). */
export function differentiate(
  values: TValue[],
  forward: readonly TEqn[],
  loss: ValueId,
  wrt: readonly ValueId[],
  where: { model: string; span: Span; lossSpan: Span },
  before?: (e: TEqn, input: ValueId) => ValueId | undefined,
  privacy?: PrivateGradient,
): Gradients {
  // Forward: which values depend (differentiably) on the parameters.
  const active = new Set<ValueId>(wrt);
  const blocked = new Set<ValueId>(); // reached the parameters only through stop_gradient
  const cuts: TEqn[] = []; // the stop_gradients that cut a path from the parameters
  for (const e of forward) {
    const out = e.outputs[0];
    if (e.op === "stop_gradient") {
      if (active.has(e.inputs[0])) cuts.push(e);
      if (active.has(e.inputs[0]) || blocked.has(e.inputs[0])) blocked.add(out);
      continue;
    }
    if (values[out].dtype !== "f32") continue;
    if (e.inputs.some((id) => active.has(id))) active.add(out);
    else if (e.inputs.some((id) => blocked.has(id))) blocked.add(out);
  }
  if (!active.has(loss)) {
    if (blocked.has(loss)) {
      fail("DL4002", `every path from the loss to the parameters of \`${where.model}\` goes through stop_gradient`, where.span, {
        hint: `this step would never change \`${where.model}\`; remove the stop_gradient on its path, or train another model here`,
        notes: [
          { message: "the loss", span: where.lossSpan },
          ...cuts.slice(0, 3).map((e) => ({ message: "the path is cut here", span: e.span })),
        ],
      });
    }
    fail("DL4001", `the loss of this step does not depend on model \`${where.model}\``, where.span, {
      notes: [{ message: "the loss", span: where.lossSpan }],
      hint: `the loss must use \`${where.model}\`'s output, e.g. through a call \`${where.model}(...)\``,
    });
  }

  const backward: TEqn[] = [];
  const add = (of: ValueId, suffix: string, shape: Shape): ValueId => {
    values.push({ id: values.length, name: `d${values[of].name}${suffix}`, kind: "temp", dtype: "f32", shape, gradOf: of });
    return values.length - 1;
  };
  const seedId = add(loss, "", []);
  const seed: TEqn = { op: "constant", inputs: [], outputs: [seedId], attrs: { value: 1 }, span: where.span };
  const contributions = new Map<ValueId, ValueId[]>([[loss, [seedId]]]);
  const trained = new Set(wrt);
  const groupParts = new Map<ValueId, ValueId[]>(); // a private step's per-group gradients of each parameter
  let span = where.span;
  let origin: string | undefined;
  const emit = (op: TOp, inputs: readonly ValueId[], attrs: Attrs, shape: Shape, of: ValueId, suffix = ""): ValueId => {
    const out = add(of, suffix, shape);
    backward.push({ op, inputs, outputs: [out], attrs, span, ...(origin ? { origin } : {}) });
    return out;
  };
  /** The summed gradient of `id` (an add chain when several uses contribute). */
  const total = (id: ValueId): ValueId | undefined => {
    const parts = contributions.get(id);
    if (!parts) return undefined;
    let acc = parts[0];
    for (const p of parts.slice(1)) acc = emit("add", [acc, p], {}, values[id].shape, id);
    contributions.set(id, [acc]);
    return acc;
  };

  for (let k = forward.length - 1; k >= 0; k--) {
    const e = forward[k];
    const out = e.outputs[0];
    if (!active.has(out)) continue;
    const dy = total(out);
    if (dy === undefined) continue; // does not reach the loss
    const needs = e.inputs.map((id) => active.has(id));
    if (!needs.some(Boolean)) continue;
    span = e.span;
    origin = e.origin;
    const rule = kernelOf(e.op).vjp;
    const seen = before ? { ...e, inputs: e.inputs.map((id) => before(e, id) ?? id) } : e;
    const ctx = { eqn: seen, attrs: e.attrs, dy, value: (id: ValueId) => values[id], emit };
    // A private step: a trained parameter's gradient per group of rows, from the op's per-example rule.
    const own = privacy ? e.inputs.map((id, i) => needs[i] && trained.has(id)) : [];
    own.forEach((yes, i) => {
      if (!yes) return;
      const g = kernelOf(e.op).perExample?.({ ...ctx, needs, groups: privacy!.groups }, i) ?? null;
      if (g === null) {
        const p = values[e.inputs[i]].param!;
        fail(
          "DL4010",
          `a differentially private optimizer cannot train \`${p.path}\`: its op \`${e.op}\` has no per-example gradient rule`,
          e.span,
          {
            hint: "dp_sgd and dp_adam compute per-example gradients of dense, conv2d and matmul parameters; train this layer with another optimizer, or leave it out of the private model",
          },
        );
      }
      const list = groupParts.get(e.inputs[i]);
      if (list) list.push(g);
      else groupParts.set(e.inputs[i], [g]);
    });
    if (own.some(Boolean) && !needs.some((n, i) => n && !own[i])) continue;
    let grads: (ValueId | null)[];
    try {
      grads = rule({ ...ctx, needs: own.length ? needs.map((n, i) => n && !own[i]) : needs });
    } catch (err) {
      if (err instanceof TargetGradientError) {
        fail("DL4003", "this cross-entropy's target depends on the parameters being trained", e.span, {
          hint: "wrap the target in stop_gradient(...), or use mse",
        });
      }
      throw err;
    }
    grads.forEach((g, i) => {
      if (g === null) return;
      const list = contributions.get(e.inputs[i]);
      if (list) list.push(g);
      else contributions.set(e.inputs[i], [g]);
    });
  }
  span = where.span;
  origin = undefined;
  // A parameter the loss does not reach (a layer off the loss path) gets no gradient
  // value: its slice of the gradient buffer stays zero.
  const grads = privacy
    ? privateGradients(wrt, groupParts, privacy, values, emit)
    : wrt.map((param) => ({ param, grad: total(param) ?? null }));
  return { backward, grads, seed };
}

/** The per-group gradients summed per parameter, their clip scales, then each parameter's noisy sum. */
function privateGradients(
  wrt: readonly ValueId[],
  parts: ReadonlyMap<ValueId, ValueId[]>,
  privacy: PrivateGradient,
  values: TValue[],
  emit: (op: TOp, inputs: readonly ValueId[], attrs: Attrs, shape: Shape, of: ValueId, suffix?: string) => ValueId,
): { param: ValueId; grad: ValueId | null }[] {
  const G = privacy.groups;
  const perGroup = new Map<ValueId, ValueId>();
  for (const param of wrt) {
    const list = parts.get(param);
    if (!list) continue;
    const shape: Shape = [G, ...values[param].shape];
    let acc = list[0];
    for (const p of list.slice(1)) acc = emit("add", [acc, p], {}, shape, param, "_per_example");
    perGroup.set(param, acc);
  }
  if (perGroup.size === 0) return wrt.map((param) => ({ param, grad: null }));
  const first = wrt.find((p) => perGroup.has(p))!;
  const scales = emit("dp_clip_scales", [...perGroup.values()], { groups: G, clip: privacy.clip }, [G], first, "_clip_scales");
  return wrt.map((param) => {
    const pg = perGroup.get(param);
    if (pg === undefined) return { param, grad: null };
    return { param, grad: emit("dp_noisy_sum", [pg, scales], { groups: G, std: privacy.std }, values[param].shape, param) };
  });
}
