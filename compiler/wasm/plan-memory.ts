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
// range — the usual heuristic for offline interval packing. Placed buffers are indexed
// by live range (a segment tree over positions), so a buffer meets only the buffers it
// could clash with; when those are more than CLASH_LIMIT (a long chain of pinned forward
// values), it goes right above the highest of them instead of searching their gaps, which
// keeps the planner's work linear in the number of buffers.
import type { OptimizerSpec, Shape, ValueId } from "../ir/ir.js";
import { segmentsOf, type TEqn, type TOp, type TrainingProgram } from "../ir/train-ir.js";
import type { FusedProgram } from "./fuse.js";
import { updateState } from "./kernels/optimizers.js";

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
  work = 0;
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
  const all = segmentsOf(tp).flat();
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
  // A program without steps (an exported model's inference) has no gradients.
  const flatNames = tp.steps.length > 0 ? ["params", "grads", ...optState] : ["params"];
  for (const name of flatNames) flat.set(name, reserveFixed(tp.paramCount * 4));
  for (const id of tp.params) slots.set(id, { fixed: flat.get("params")! + values[id].param!.offset * 4, perRow: 0 });
  const gradView = gradientPlacement(tp, aliasOps).views;
  for (const [grad, param] of gradView) slots.set(grad, { fixed: flat.get("grads")! + values[param].param!.offset * 4, perRow: 0 });
  for (const e of tp.constants)
    slots.set(rootOf(e.outputs[0]), { fixed: reserveFixed(4 * extent(values[e.outputs[0]].shape).count), perRow: 0 });

  // Entry points and their live ranges. Positions are global; entries follow one another.
  const trainEqns = [...ord(tp.lets), ...tp.steps.flatMap((s) => [...ord(s.forward), ...ord(s.backward)])];
  const lossEqn = tp.steps[0]?.forward.find((e) => e.outputs[0] === tp.steps[0].loss);
  const trainPinned = [
    ...tp.lets.flatMap((e) => e.outputs),
    ...(lossEqn && tp.evaluation ? [lossEqn.inputs[0]] : []),
    // New values of state: read after the step's update, when the step's own buffers are free again.
    ...tp.steps.flatMap((s) => s.updates.map((u) => u.value)),
  ];
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
  const pack = (ids: ValueId[], size: (id: ValueId) => number) =>
    packArena(
      ids,
      (id) => align(size(id)),
      (id) => live.get(id)!,
      pos,
    );
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

/** The flat buffer of each optimizer state (by its name in the update kernel), shared by the steps that use the rule. */
const stateFlat: Record<OptimizerSpec["kind"], Readonly<Record<string, string>>> = {
  sgd: { buf: "momentum" },
  adam: { m: "adam_m", v: "adam_v" },
  nadam: { m: "nadam_m", v: "nadam_v" },
  adamax: { m: "adamax_m", u: "adamax_u" },
  adagrad: { acc: "adagrad_accumulator" },
  rmsprop: { vel: "rmsprop_velocity", mom: "rmsprop_momentum", avg: "rmsprop_average" },
};

/** An optimizer's state buffers in its update kernel's parameter order: the kernel's name and the flat buffer's. */
export function stateBuffers(o: OptimizerSpec): { param: string; flat: string }[] {
  const momentum = o.kind === "sgd" || o.kind === "rmsprop" ? o.momentum : 0;
  return updateState({ rule: o.kind, momentum, centered: o.kind === "rmsprop" && o.centered }).map((param) => ({
    param,
    flat: stateFlat[o.kind][param],
  }));
}

/** The optimizer state buffers a program needs, each of the parameters' size. */
export function optimizerState(tp: TrainingProgram): string[] {
  const state = new Set<string>();
  for (const s of tp.steps) for (const b of stateBuffers(s.optimizer)) state.add(b.flat);
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

/** Clashing buffers searched for a gap; beyond this a buffer goes above all of them. */
export const CLASH_LIMIT = 128;

let work = 0;
/**
 * The packing work of the last planMemory call: clash candidates examined plus index nodes
 * visited. Deterministic, for tests that check the planner's work grows near-linearly.
 */
export function planWork(): number {
  return work;
}

/**
 * Greedy packing of one arena: values largest first, each at the lowest offset that overlaps
 * no placed buffer whose live range intersects its own (positions 0 … span-1).
 */
function packArena(ids: readonly ValueId[], bytes: (id: ValueId) => number, live: (id: ValueId) => readonly Interval[], span: number) {
  const order = [...ids].sort((a, b) => bytes(b) - bytes(a) || a - b);
  const offsets = new Map<ValueId, number>();
  const index = new LiveIndex(Math.max(1, span));
  const at: number[] = []; // by placement number
  const end: number[] = [];
  let top = 0;
  order.forEach((id, k) => {
    const size = bytes(id);
    const ranges = live(id);
    const clash = index.clashing(ranges, CLASH_LIMIT);
    let offset = 0;
    if (clash === null) offset = Math.max(...ranges.map((r) => index.highest(r)));
    else {
      clash.sort((a, b) => at[a] - at[b]);
      for (const p of clash) {
        work++;
        if (offset + size <= at[p]) break;
        offset = Math.max(offset, end[p]);
      }
    }
    at.push(offset);
    end.push(offset + size);
    for (const r of ranges) index.add(k, r, offset + size);
    offsets.set(id, offset);
    top = Math.max(top, offset + size);
  });
  return { offsets, top };
}

/**
 * Placed buffers by live range: a segment tree over positions in which a buffer is stored
 * at the O(log n) nodes that cover its range. Finds the buffers whose ranges intersect a
 * range (up to a limit), and the highest end address among them.
 */
class LiveIndex {
  private readonly size: number;
  private readonly lists: number[][];
  private readonly count: Int32Array; // buffers stored in the subtree
  private readonly cover: Float64Array; // highest end address of a buffer stored at the node
  private readonly sub: Float64Array; // ... of a buffer stored in the subtree
  private readonly seen: number[] = [];
  private stamp = 0;

  constructor(positions: number) {
    let size = 1;
    while (size < positions) size *= 2;
    this.size = size;
    this.lists = Array.from({ length: 2 * size }, () => []);
    this.count = new Int32Array(2 * size);
    this.cover = new Float64Array(2 * size);
    this.sub = new Float64Array(2 * size);
  }

  add(buffer: number, r: Interval, endAddress: number): void {
    const visit = (node: number, lo: number, hi: number): void => {
      work++;
      if (r.to < lo || hi < r.from) return;
      this.count[node]++;
      this.sub[node] = Math.max(this.sub[node], endAddress);
      if (r.from <= lo && hi <= r.to) {
        this.lists[node].push(buffer);
        this.cover[node] = Math.max(this.cover[node], endAddress);
        return;
      }
      const mid = (lo + hi) >> 1;
      visit(2 * node, lo, mid);
      visit(2 * node + 1, mid + 1, hi);
    };
    visit(1, 0, this.size - 1);
  }

  /** The buffers whose ranges intersect any of `ranges`, or null when there are more than `limit`. */
  clashing(ranges: readonly Interval[], limit: number): number[] | null {
    const stamp = ++this.stamp;
    const found: number[] = [];
    const visit = (node: number, lo: number, hi: number, r: Interval): boolean => {
      work++;
      if (r.to < lo || hi < r.from || this.count[node] === 0) return true;
      for (const b of this.lists[node]) {
        work++;
        if (this.seen[b] === stamp) continue;
        this.seen[b] = stamp;
        found.push(b);
        if (found.length > limit) return false;
      }
      if (lo === hi) return true;
      const mid = (lo + hi) >> 1;
      return visit(2 * node, lo, mid, r) && visit(2 * node + 1, mid + 1, hi, r);
    };
    for (const r of ranges) if (!visit(1, 0, this.size - 1, r)) return null;
    return found;
  }

  /** The highest end address of a buffer whose range intersects `r` (0 when none). */
  highest(r: Interval): number {
    const visit = (node: number, lo: number, hi: number): number => {
      work++;
      if (r.to < lo || hi < r.from) return 0;
      if (r.from <= lo && hi <= r.to) return this.sub[node];
      const mid = (lo + hi) >> 1;
      return Math.max(this.cover[node], visit(2 * node, lo, mid), visit(2 * node + 1, mid + 1, hi));
    };
    return visit(1, 0, this.size - 1);
  }
}
