// The code of each eqn: a kernel call per fused group on the WebAssembly backend
// (`k.<kernel>(n, byte offsets…)`, the kernel registered for the module), else the
// reference-kernel line of the op's TypeScript rule; each under a comment with its .dlm
// line and its shapes. Kernels also reserve what they need while their code is generated:
// hoisted static tables, per-row scratch arrays (TS), the shared kernel scratch (wasm).
import type { ValueId } from "../../ir/ir.js";
import type { TEqn } from "../../ir/train-ir.js";
import { countExpr } from "../../ops/kit/ts.js";
import { aliasOps, fusedRules, kernelOf } from "../../ops/index.js";
import type { EmitCtx, WasmCtx } from "../../ops/op.js";
import type { Group } from "../../wasm/fuse.js";
import type { Slot } from "../../wasm/plan-memory.js";
import { positionOf } from "../../source.js";
import type { Emission, KernelRequest } from "./context.js";
import type { KernelSplit, ThreadsPlan } from "../../../runtime/threads/plan.js";
import { ident, shapeText } from "./names.js";
import { updateLines as stepUpdate } from "./update.js";

export interface Calls {
  /** The code of a list of eqns (one segment), in order. */
  lines(eqns: readonly TEqn[]): string[];
  /** Per step: its optimizer update (learning rate, clipping, one call per trained range). */
  readonly updateLines: readonly (readonly string[])[];
  /** The constant holding a buffer's byte offset in linear memory (wasm), e.g. `A_cnn_dense_kernel`. */
  addrOf(id: ValueId): string;
  /** The constant holding a flat buffer's byte offset (wasm): `A_params`, `A_grads`, `A_adam_m` … */
  flatAddr(buffer: string): string;
  /** Static tables the kernels need, declared at the top of the module. */
  readonly hoisted: readonly string[];
  /** Declarations of per-row scratch arrays (TypeScript kernels). */
  readonly scratches: readonly string[];
  /** The module's kernels, in order of first use. */
  readonly kernels: ReadonlyMap<string, KernelRequest>;
  /** The shared kernel scratch space (wasm), known once every call is generated. */
  scratchNeed(): Slot;
  /** How threads may share the kernels' calls (wasm), known once every call is generated. */
  threadsPlan(): ThreadsPlan;
}

/** `dsl-examples/cnn.dlm:6 cnn/dense  dense(128, activation=relu)`: where an eqn comes from. */
export function where(em: Emission, e: TEqn): string {
  const { source, sourcePath } = em.opts;
  const line = positionOf(source, e.span.start).line;
  const text = source.text.slice(e.span.start, e.span.end).split("\n")[0].trim();
  return `${sourcePath}:${line}${e.origin ? ` ${e.origin}` : ""}  ${text.length > 60 ? text.slice(0, 57) + "..." : text}`;
}

export function kernelCalls(em: Emission): Calls {
  const { tp, values, wasm, naming } = em;
  const { nameOf, root, used, uniq } = naming;

  const hoisted: string[] = [];
  const hoistedByCode = new Map<string, string>();
  const hoist = (hint: string, code: string): string => {
    // Identical constants are shared (scratch index arrays too: kernels never run concurrently).
    const have = hoistedByCode.get(code);
    if (have) return have;
    let name = ident(hint).toUpperCase();
    for (let k = 1; used.has(name); k++) name = `${ident(hint).toUpperCase()}_${k}`;
    used.add(name);
    hoisted.push(code.replace("NAME", name));
    hoistedByCode.set(code, name);
    return name;
  };
  // Scratch buffers (per-row work space of a kernel), shared by kernels that never overlap.
  const scratches: string[] = [];
  const scratch = (perRow: number, which = 0): string => {
    const name = `scratch${which}_${perRow}`;
    if (!scratches.some((s) => s.startsWith(`const ${name} `)))
      scratches.push(`const ${name} = new F(B * ${perRow}); // kernel work space`);
    used.add(name);
    return name;
  };
  const ctxFor = (e: TEqn): EmitCtx => ({
    eqn: e,
    attrs: e.attrs,
    value: (id) => values[id],
    buf: (id) => nameOf(id), // aliases (reshape, stop_gradient) have their own declared names
    size: (id) => countExpr(values[id].shape),
    hoist,
    scratch,
  });

  // The WebAssembly backend: kernels by key, byte-offset constants by value, shared scratch.
  const kernels = new Map<string, KernelRequest>();
  const flatNames = new Map(wasm ? [...wasm.plan.flat.keys()].map((f) => [f, uniq(`A_${f}`)] as const) : []);
  const flatAddr = (f: string): string => {
    const a = flatNames.get(f);
    if (!a) throw new Error(`internal: no flat buffer ${f} in the memory plan`);
    return a;
  };
  const addrNames = new Map<ValueId, string>();
  const addrValues = new Map<string, ValueId>();
  let scratchNeed: Slot = { fixed: 0, perRow: 0 };
  const addrOf = (id: ValueId): string => {
    const r = root(id);
    let a = addrNames.get(r);
    if (!a) {
      a = uniq(`A_${nameOf(r)}`);
      addrNames.set(r, a);
      addrValues.set(a, r);
    }
    return a;
  };
  // Threads (runtime/threads): each split kernel's scratch, which every extra thread gets a copy of.
  const splitScratch = new Map<KernelRequest, Slot>();
  const wasmCtxFor = (e: TEqn, group: readonly TEqn[] = [e], g?: Group, label?: string): WasmCtx => {
    let asked: Slot = { fixed: 0, perRow: 0 };
    const mine: KernelRequest[] = [];
    const need = (kr: KernelRequest) => {
      const had = splitScratch.get(kr) ?? { fixed: 0, perRow: 0 };
      splitScratch.set(kr, { fixed: Math.max(had.fixed, asked.fixed), perRow: Math.max(had.perRow, asked.perRow) });
    };
    return {
      eqn: e,
      attrs: e.attrs,
      group,
      extraIn: g?.extraIn ?? [],
      extraOut: g?.extraOut ?? [],
      value: (id) => values[id],
      addr: addrOf,
      hasBuffer: (id) => !wasm?.fused.internal.has(root(id)),
      size: (id) => countExpr(values[id].shape),
      kernel: (key, add, split) => {
        let kr = kernels.get(key);
        if (!kr) {
          kr = { name: ident(key), key, add, ops: [], ...(split ? { split } : {}) };
          kernels.set(key, kr);
        } else if (split && kr.split && JSON.stringify(split) !== JSON.stringify(kr.split)) kr.split = undefined; // never two splits of one kernel
        kr.ops.push(label ?? group.map((x) => `${x.op}${x.origin ? ` (${x.origin})` : ""}`).join(" + "));
        if (split) {
          mine.push(kr);
          need(kr);
        }
        return `k.${kr.name}`;
      },
      split: kernelOf(e.op)?.split,
      rowBytes: (arg) => {
        const id = addrValues.get(arg);
        const s = id === undefined ? undefined : values[id].shape;
        return s && s[0] === "B" ? 4 * s.slice(1).reduce<number>((a, d) => a * (d as number), 1) : 0;
      },
      scratch: (fixed, perRow = 0) => {
        scratchNeed = { fixed: Math.max(scratchNeed.fixed, fixed), perRow: Math.max(scratchNeed.perRow, perRow) };
        asked = { fixed: Math.max(asked.fixed, fixed), perRow: Math.max(asked.perRow, perRow) };
        mine.forEach(need);
        return "WS";
      },
    };
  };

  const lines = (eqns: readonly TEqn[]): string[] => {
    const out: string[] = [];
    let lastWhere = "";
    const groups = wasm
      ? (wasm.fused.segments.get(eqns) ?? eqns.map((e) => ({ pattern: e.op, eqns: [e] })))
      : eqns.map((e) => ({ pattern: e.op as string, eqns: [e] }));
    for (const g of groups) {
      const e = g.eqns[0];
      if (aliasOps.has(e.op)) continue;
      let code: string | null;
      if ("emit" in g && g.emit) code = g.emit(wasmCtxFor(e, g.eqns, g));
      else if (g.eqns.length > 1) {
        const rule = "rule" in g && g.rule ? fusedRules[g.rule] : undefined;
        if (!rule) throw new Error(`internal: no rule for the fused pattern ${g.pattern}`);
        code = rule(wasmCtxFor(e, g.eqns, g));
      } else code = (wasm ? kernelOf(e.op).wasm(wasmCtxFor(e, [e], g)) : null) ?? kernelOf(e.op).ts(ctxFor(e));
      if (code === undefined || code === null) throw new Error(`internal: no TypeScript rule for ${e.op}`);
      for (const x of g.eqns) {
        const here = where(em, x);
        if (here !== lastWhere) out.push(`// ${here}`);
        lastWhere = here;
      }
      const last = g.eqns[g.eqns.length - 1];
      const fusedNote = g.eqns.length > 1 ? ` (fused: ${g.pattern})` : "";
      const shapes = e.inputs.length
        ? ` // ${e.inputs.map((id) => shapeText(values[id].shape)).join(" ")} → ${shapeText(values[last.outputs[0]].shape)}${fusedNote}`
        : "";
      out.push(`${code}${shapes}`);
    }
    return out;
  };

  // The optimizer updates (wasm: one kernel per trained range of the flat buffers).
  const updateCtx = (label: string) =>
    wasmCtxFor({ op: "constant", inputs: [], outputs: [], attrs: {}, span: tp.steps[0].span }, undefined, undefined, label);
  const updateLines = tp.steps.map((_, k) => stepUpdate(em, k, { kernels: wasm ? updateCtx : undefined, flatAddr, hoist }));

  // A kernel whose scratch grows with the batch stays on one thread, unless its rows of that
  // scratch go by strided arguments (rowScratch: the rows stay shared, each thread on its own).
  const threadsPlan = (): ThreadsPlan => {
    const split: Record<string, KernelSplit> = {};
    let scratch = 0;
    for (const kr of kernels.values()) {
      const ws = splitScratch.get(kr);
      if (!kr.split || !ws || (ws.perRow > 0 && !(kr.split.kind === "rows" && kr.split.rowScratch))) continue;
      const { rowScratch: _, ...plain } = kr.split as KernelSplit & { rowScratch?: true };
      split[kr.name] = plain;
      scratch = Math.max(scratch, Math.ceil(ws.fixed / 16) * 16);
    }
    return { kernels: split, scratch };
  };

  return { lines, updateLines, addrOf, flatAddr, hoisted, scratches, kernels, scratchNeed: () => scratchNeed, threadsPlan };
}
