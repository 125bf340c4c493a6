// Memory plan: where every tensor of a trainer lives in one linear memory (the
// WebAssembly backend's; the TypeScript backend allocates a typed array per tensor).
//
// Takes: a TrainingProgram. Guarantees: a byte offset `fixed + perRow·B` for every buffer
// (an alias — reshape, stop_gradient — shares its input's), 16-byte aligned for every
// batch size B, such that no two buffers that are live at the same time overlap.
//
// Regions, in order (sizes of the first two do not depend on B):
//
//   params | grads | optimizer state | constants   persistent, fixed size
//   fixed arena                                   temporaries without a batch dimension
//   inputs (training and inference)             persistent, B rows
//   row arena                                     temporaries with a batch dimension
//
// The trainer has several entry points (trainStep, evaluate, one inference entry per
// model) that never run at the same time; a value's live range is, in each entry that
// uses it, from the eqn that writes it to the last eqn that reads it (closed: an eqn's
// output never shares memory with its inputs). Values the runtime reads after an entry
// returns are pinned to that entry's end: the training scores, the prediction, each
// model's output, and everything the non-finite trace inspects after replaying a step's
// forward pass (that step's forward values and the lets). Placement is greedy — largest
// first, at the lowest offset that overlaps no placed buffer with an intersecting live
// range — the usual heuristic for offline interval packing.
import type { Shape, ValueId } from "../ir/ir.js";
import type { TEqn, TOp, TrainingProgram } from "../ir/train-ir.js";
import type { FusedProgram } from "./fuse.js";

/** A kernel: the eqns it computes, and the values fusion adds to what it reads and writes. */
interface Kernel {
  readonly eqns: readonly TEqn[];
  readonly extraIn?: readonly ValueId[];
  readonly extraOut?: readonly ValueId[];
}

/** Byte offset at batch size B: fixed + perRow · B. */
export interface Slot {
  readonly fixed: number;
  readonly perRow: number;
}

export interface MemoryPlan {
  /** Every buffer by its root value (aliases map to their root in `root`). */
  readonly slots: ReadonlyMap<ValueId, Slot>;
  /** A value → the value whose buffer it uses (itself unless an alias). */
  readonly root: ReadonlyMap<ValueId, ValueId>;
  /** Parameter gradients that the producing eqn writes straight into the flat gradient buffer: grad → param. */
  readonly gradView: ReadonlyMap<ValueId, ValueId>;
  /** Flat buffers of the parameter layout: params, grads, and each optimizer state. */
  readonly flat: ReadonlyMap<string, number>;
  /** Bytes of the whole plan at batch size B: fixed + perRow · B. */
  readonly bytes: Slot;
  /** Values without a buffer: fusion keeps them inside one kernel. */
  readonly internal: ReadonlySet<ValueId>;
  /** What the arenas save: bytes with one buffer per tensor, for the same B split. */
  readonly unshared: Slot;
}

const ALIGN = 16;
const align = (x: number) => Math.ceil(x / ALIGN) * ALIGN;

/** Elements per batch row (perRow) or in all (fixed) of a shape. */
function extent(s: Shape): { perRow: boolean; count: number } {
  const count = s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);
  return { perRow: s.includes("B"), count };
}

interface Interval {
  readonly from: number;
  readonly to: number;
}

export function planMemory(tp: TrainingProgram, aliasOps: ReadonlySet<TOp>, optState: readonly string[], fused?: FusedProgram): MemoryPlan {
  const values = fused?.values ?? tp.values;
  // Kernels in the order they run, each the eqns it computes (fusion groups eqns, and may
  // move one up into its group): one position per kernel, since a fused kernel writes its
  // outputs while it still reads its inputs.
  const ord = (seg: readonly TEqn[]): Kernel[] => (fused ? [...(fused.segments.get(seg) ?? [])] : seg.map((e) => ({ eqns: [e] })));
  const internal = fused?.internal ?? new Set<ValueId>();
  // Aliases share their root's buffer.
  const root = new Map<ValueId, ValueId>();
  const rootOf = (id: ValueId): ValueId => root.get(id) ?? id;
  const entries: { eqns: Kernel[]; pinned: ValueId[] }[] = [];
  const all = [
    ...tp.constants,
    ...tp.lets,
    ...tp.steps.flatMap((s) => [...s.forward, ...s.backward]),
    ...(tp.evaluation?.forward ?? []),
    ...tp.inference.flatMap((m) => m.forward),
  ];
  for (const e of all) if (aliasOps.has(e.op)) root.set(e.outputs[0], rootOf(e.inputs[0]));

  // Persistent buffers.
  const slots = new Map<ValueId, Slot>();
  const flat = new Map<string, number>();
  let fixedTop = 0;
  const reserveFixed = (bytes: number): number => {
    const at = fixedTop;
    fixedTop = align(fixedTop + bytes);
    return at;
  };
  for (const name of ["params", "grads", ...optState]) flat.set(name, reserveFixed(tp.paramCount * 4));
  for (const id of tp.params) slots.set(id, { fixed: flat.get("params")! + values[id].param!.offset * 4, perRow: 0 });
  const gradView = gradientPlacement(tp, aliasOps).views;
  for (const [grad, param] of gradView) slots.set(grad, { fixed: flat.get("grads")! + values[param].param!.offset * 4, perRow: 0 });
  for (const e of tp.constants)
    slots.set(rootOf(e.outputs[0]), { fixed: reserveFixed(4 * extent(values[e.outputs[0]].shape).count), perRow: 0 });

  // Entry points and their live ranges. Positions are global; entries follow one another.
  const trainEqns = [...ord(tp.lets), ...tp.steps.flatMap((s) => [...ord(s.forward), ...ord(s.backward)])];
  const lossEqn = tp.steps[0]?.forward.find((e) => e.outputs[0] === tp.steps[0].loss);
  const trainPinned = [...tp.lets.flatMap((e) => e.outputs), ...(lossEqn && tp.evaluation ? [lossEqn.inputs[0]] : [])];
  entries.push({ eqns: trainEqns, pinned: trainPinned });
  if (tp.evaluation) entries.push({ eqns: ord(tp.evaluation.forward), pinned: [tp.evaluation.prediction, tp.evaluation.loss] });
  for (const m of tp.inference) entries.push({ eqns: ord(m.forward), pinned: [m.output] });

  const live = new Map<ValueId, Interval[]>();
  const persistent = new Set<ValueId>([...tp.params, ...tp.inputs, ...tp.inference.flatMap((m) => m.inputs), ...slots.keys()]);
  let pos = 0;
  for (const entry of entries) {
    const first = new Map<ValueId, number>();
    const last = new Map<ValueId, number>();
    const touch = (id: ValueId, at: number) => {
      const r = rootOf(id);
      if (persistent.has(r) || internal.has(r)) return;
      if (!first.has(r)) first.set(r, at);
      last.set(r, Math.max(last.get(r) ?? at, at));
    };
    const start = pos;
    for (const group of entry.eqns) {
      for (const e of group.eqns) for (const id of [...e.inputs, ...e.outputs]) touch(id, pos);
      for (const id of [...(group.extraIn ?? []), ...(group.extraOut ?? [])]) touch(id, pos);
      pos++;
    }
    const end = pos - 1;
    for (const id of entry.pinned) if (first.has(rootOf(id))) last.set(rootOf(id), end);
    if (entry === entries[0]) {
      // The non-finite trace reads a step's forward values after replaying that forward pass.
      // A gradient that is copied into `grads` (not written there by its eqn) is read after the
      // step's last backward eqn.
      let at = start + ord(tp.lets).length;
      for (const s of tp.steps) {
        const fwdEnd = at + ord(s.forward).length - 1;
        const bwdEnd = fwdEnd + ord(s.backward).length;
        for (const e of s.forward)
          for (const id of e.outputs) if (first.has(rootOf(id))) last.set(rootOf(id), Math.max(last.get(rootOf(id))!, fwdEnd));
        for (const g of s.grads)
          if (g.grad !== null && first.has(rootOf(g.grad))) last.set(rootOf(g.grad), Math.max(last.get(rootOf(g.grad))!, bwdEnd));
        at += ord(s.forward).length + ord(s.backward).length;
      }
    }
    for (const [id, from] of first) {
      const list = live.get(id) ?? [];
      list.push({ from, to: last.get(id)! });
      live.set(id, list);
    }
    pos++; // a gap between entries
  }

  // Inputs: persistent, B rows each (i32 labels take 4 bytes like f32).
  let rowTop = 0;
  const inputSlots: [ValueId, number][] = [];
  for (const id of [...tp.inputs, ...tp.inference.flatMap((m) => m.inputs)]) {
    const x = extent(values[id].shape);
    if (x.perRow) {
      inputSlots.push([id, rowTop]);
      rowTop = align(rowTop + 4 * x.count);
    } else inputSlots.push([id, -1 - reserveFixed(4 * x.count)]);
  }

  // Arena values, split by whether they scale with B.
  const overlaps = (a: Interval[], b: Interval[]) => a.some((x) => b.some((y) => x.from <= y.to && y.from <= x.to));
  const pack = (ids: ValueId[], size: (id: ValueId) => number): { offsets: Map<ValueId, number>; top: number } => {
    const order = [...ids].sort((a, b) => size(b) - size(a) || a - b);
    const placed: { id: ValueId; at: number; end: number }[] = [];
    const offsets = new Map<ValueId, number>();
    let top = 0;
    for (const id of order) {
      const bytes = align(size(id));
      const clash = placed.filter((p) => overlaps(live.get(p.id)!, live.get(id)!)).sort((a, b) => a.at - b.at);
      let at = 0;
      for (const p of clash) {
        if (at + bytes <= p.at) break;
        at = Math.max(at, p.end);
      }
      placed.push({ id, at, end: at + bytes });
      offsets.set(id, at);
      top = Math.max(top, at + bytes);
    }
    return { offsets, top };
  };
  const arena = [...live.keys()];
  const rowIds = arena.filter((id) => extent(values[id].shape).perRow);
  const fixedIds = arena.filter((id) => !extent(values[id].shape).perRow);
  const bytesOf = (id: ValueId) => 4 * extent(values[id].shape).count;
  const fixedArena = pack(fixedIds, bytesOf);
  const fixedBase = fixedTop;
  for (const [id, at] of fixedArena.offsets) slots.set(id, { fixed: fixedBase + at, perRow: 0 });
  fixedTop = align(fixedTop + fixedArena.top);
  const rowArena = pack(rowIds, bytesOf);
  // Row offsets come after every fixed byte: fixed + perRow·B.
  for (const [id, at] of inputSlots) slots.set(id, at >= 0 ? { fixed: fixedTop, perRow: at } : { fixed: -1 - at, perRow: 0 });
  for (const [id, at] of rowArena.offsets) slots.set(id, { fixed: fixedTop, perRow: rowTop + at });
  const perRow = rowTop + rowArena.top;
  const unsharedFixed = fixedIds.reduce((a, id) => a + align(bytesOf(id)), 0);
  const unsharedRows = rowIds.reduce((a, id) => a + align(bytesOf(id)), 0);
  return {
    slots,
    root,
    gradView,
    internal,
    flat,
    bytes: { fixed: fixedTop, perRow },
    unshared: { fixed: fixedTop - fixedArena.top + unsharedFixed, perRow: rowTop + unsharedRows },
  };
}

/** The plan's byte offset of a value's buffer at batch size B. */
export function offsetAt(plan: MemoryPlan, id: ValueId, batch: number): number {
  const s = plan.slots.get(plan.root.get(id) ?? id);
  if (!s) throw new Error(`internal: value ${id} has no slot in the memory plan`);
  return s.fixed + s.perRow * batch;
}

/** The optimizer state buffers a program needs, each of the parameters' size. */
export function optimizerState(tp: TrainingProgram): string[] {
  const state = new Set<string>();
  for (const s of tp.steps) {
    if (s.optimizer.kind === "adam") state.add("adam_m").add("adam_v");
    else if (s.optimizer.momentum > 0) state.add("momentum");
  }
  return [...state];
}

/**
 * Where each step's parameter gradients go (both backends): a gradient that an eqn of the
 * step produces is written in place into the flat `grads` buffer (the first step to produce
 * it: later steps reuse the view); any other (an alias, or one an earlier step already
 * placed) is copied into it after the step's backward pass.
 */
export function gradientPlacement(
  tp: TrainingProgram,
  aliasOps: ReadonlySet<TOp>,
): { views: Map<ValueId, ValueId>; copies: { step: number; from: ValueId; param: ValueId }[] } {
  const views = new Map<ValueId, ValueId>(); // grad value → param
  const copies: { step: number; from: ValueId; param: ValueId }[] = [];
  tp.steps.forEach((s, k) => {
    const produced = new Set(s.backward.filter((e) => !aliasOps.has(e.op)).map((e) => e.outputs[0]));
    for (const { param, grad } of s.grads) {
      if (grad === null) continue;
      if (produced.has(grad) && !views.has(grad)) views.set(grad, param);
      else copies.push({ step: k, from: grad, param });
    }
  });
  return { views, copies };
}
