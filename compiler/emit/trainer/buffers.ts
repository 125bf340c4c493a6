// The buffers of `createTrainer`, allocated once: the flat parameter, gradient and optimizer
// state buffers with a view per tensor, the inputs, and every activation and gradient. On
// the TypeScript backend each is its own typed array; on the WebAssembly backend one linear
// memory holds them all, each a view at the byte offset the compiler's memory plan gave it
// (`A_<buffer>`, which kernel calls pass).
import type { ValueId } from "../../ir/ir.js";
import type { Slot } from "../../wasm/plan-memory.js";
import { SCRATCH_GAP, SCRATCH_PAGE, scratchAfter } from "../../../runtime/threads/plan.js";
import type { Calls } from "./calls.js";
import type { Emission } from "./context.js";
import { bufferSize, shapeText } from "./names.js";

/** Bytes as code: `1152`, or `11103456 + 3136 * B` for a per-row slot. */
export const at = (slot: Slot): string => (slot.perRow === 0 ? String(slot.fixed) : `${slot.fixed} + ${slot.perRow} * B`);

/** Linear memory at batch size B (wasm): the plan, the kernels' shared scratch, and 16 bytes for the Rng's words. */
export const memoryBytes = (plan: { readonly bytes: Slot }, scratch: Slot): Slot => ({
  fixed: plan.bytes.fixed + scratch.fixed + 16,
  perRow: plan.bytes.perRow + scratch.perRow,
});

/**
 * A trainer's linear memory at batch size B (wasm): the plan, the calling thread's scratch on
 * pages of its own SCRATCH_GAP past the plan's last buffer (at most SCRATCH_GAP + a page − 1 bytes
 * on), and 16 bytes for the Rng's words. Each extra thread's scratch the runtime adds past it.
 */
export const trainerMemoryBytes = (plan: { readonly bytes: Slot }, scratch: Slot): Slot => {
  const m = memoryBytes(plan, scratch);
  return { fixed: m.fixed + SCRATCH_GAP + SCRATCH_PAGE, perRow: m.perRow };
};

/** The calling thread's scratch (`WS`) as code: scratchAfter(the plan's end), a number when the plan has no per-row part. */
export const scratchAt = (plan: { readonly bytes: Slot }): string =>
  plan.bytes.perRow === 0
    ? String(scratchAfter(plan.bytes.fixed))
    : `Math.ceil((${plan.bytes.fixed + SCRATCH_GAP} + ${plan.bytes.perRow} * B) / ${SCRATCH_PAGE}) * ${SCRATCH_PAGE}`;

/** A line of the buffer section: a declaration of `name`, or a comment or blank line (no name). */
export interface BufferLine {
  readonly name?: string;
  readonly line: string;
}

/**
 * The buffer section of `createTrainer`: every declaration the trainer could need, in order.
 * `dropUnused` then keeps only those the rest of the module refers to.
 */
export function bufferLines(
  em: Emission,
  calls: Calls,
  optState: readonly string[],
  gradView: ReadonlyMap<ValueId, ValueId>,
): BufferLine[] {
  const out: BufferLine[] = [];
  const w = {
    writeLine: (line: string) => out.push({ name: /^const (\w+) =/.exec(line)?.[1], line }),
    blankLine: () => out.push({ line: "" }),
  };
  const { tp, values, allEqns, wasm } = em;
  const { nameOf, root } = em.naming;
  const { addrOf } = calls;
  w.writeLine(`const B = options.batch ?? ${tp.settings.batch}; // rows per batch; a step uses the first n ≤ B`);
  const plan = wasm?.plan;
  if (plan) {
    const total = trainerMemoryBytes(plan, calls.scratchNeed());
    w.writeLine(`if (options.float64) throw new Error("the WebAssembly backend computes in float32 (use --backend ts for float64)");`);
    w.writeLine(`const F = Float32Array;`);
    w.writeLine(
      `// One linear memory, laid out by the compiler's memory plan: ${total.fixed.toLocaleString("en-US")} bytes + ${total.perRow.toLocaleString("en-US")} per batch row.`,
    );
    w.writeLine(`const mem = instantiate(kernelModule, memory.fixed + memory.perRow * B);`);
    w.writeLine(`const k = options.profile ? options.profile.wrap(mem.exports) : mem.exports; // --profile times every kernel`);
    w.writeLine(`const WS = ${scratchAt(plan)}; // kernel scratch space: pages of its own, ${SCRATCH_GAP / 1024} KiB past the last buffer`);
    w.writeLine(`const rngWords = new Uint32Array(mem.memory.buffer, WS, 4); // the Rng's state, for draws inside the module`);
  } else {
    w.writeLine(`const F = options.float64 ? Float64Array : Float32Array;`);
  }
  /** Declares a buffer: its own typed array (TS backend), or a view at its planned offset (wasm). */
  const declare = (id: ValueId, count: string, dtype: string, comment: string) => {
    const name = nameOf(id);
    if (!plan) {
      w.writeLine(`const ${name} = new ${dtype === "i32" ? "Int32Array" : "F"}(${count}); // ${comment}`);
      return;
    }
    const slot = plan.slots.get(id);
    if (!slot) throw new Error(`internal: ${name} has no slot in the memory plan`);
    w.writeLine(`const ${addrOf(id)} = ${at(slot)};`);
    w.writeLine(`const ${name} = mem.${dtype === "i32" ? "i32" : "f32"}(${addrOf(id)}, ${count}); // ${comment}`);
  };
  w.blankLine();
  w.writeLine(`// Flat buffers: parameters, their gradients and the optimizer state share one layout.`);
  for (const f of ["params", "grads", ...optState]) {
    if (plan) {
      w.writeLine(`const ${calls.flatAddr(f)} = ${plan.flat.get(f)};`);
      w.writeLine(`const ${f} = mem.f32(${calls.flatAddr(f)}, ${tp.paramCount});`);
    } else w.writeLine(`const ${f} = new F(${tp.paramCount});`);
  }
  for (const id of tp.params) {
    const p = values[id].param!;
    if (plan) w.writeLine(`const ${addrOf(id)} = ${plan.flat.get("params")! + p.offset * 4};`);
    w.writeLine(`const ${nameOf(id)} = params.subarray(${p.offset}, ${p.offset + p.size}); // ${p.path} ${shapeText(values[id].shape)}`);
  }
  for (const [grad, param] of gradView) {
    const p = values[param].param!;
    if (plan) w.writeLine(`const ${addrOf(grad)} = ${plan.flat.get("grads")! + p.offset * 4};`);
    w.writeLine(`const ${nameOf(grad)} = grads.subarray(${p.offset}, ${p.offset + p.size}); // d ${p.path}`);
  }
  w.blankLine();
  w.writeLine(`// Inputs, one batch each, filled by the runtime.`);
  for (const id of tp.inputs) {
    const v = values[id];
    declare(id, bufferSize(v), v.dtype, shapeText(v.shape));
  }
  for (const m of tp.inference) {
    for (const id of m.inputs)
      declare(id, bufferSize(values[id]), "f32", `${shapeText(values[id].shape)}: input of \`${m.model}\` for inference`);
  }
  w.blankLine();
  w.writeLine(
    plan
      ? `// Activations and gradients, for B rows, at the offsets of the memory plan (buffers whose lifetimes do not overlap share memory).`
      : `// Activations and gradients, preallocated for B rows.`,
  );
  const declared = new Set<ValueId>([
    ...tp.params,
    ...tp.inputs,
    ...gradView.keys(),
    ...tp.inference.flatMap((m) => m.inputs),
    ...(wasm?.fused.internal ?? []),
  ]);
  for (const e of allEqns) {
    for (const id of e.outputs) {
      if (declared.has(id) || root(id) !== id) continue;
      declared.add(id);
      const v = values[id];
      declare(id, bufferSize(v), v.dtype, shapeText(v.shape));
    }
  }
  // Values fusion adds (a max-pool's argmax, kept from the forward to the backward pass).
  for (let id = tp.values.length; id < values.length; id++)
    declare(id, bufferSize(values[id]), values[id].dtype, `${shapeText(values[id].shape)}: written by a fused kernel`);
  for (const e of allEqns) {
    for (const id of e.outputs) {
      if (root(id) === id || declared.has(id)) continue;
      declared.add(id);
      w.writeLine(`const ${nameOf(id)} = ${nameOf(root(id))}; // ${e.op}: the same buffer`);
    }
  }
  w.blankLine();
  for (const sc of calls.scratches) w.writeLine(sc);
  w.blankLine();
  return out;
}

/** Code without its comments and string literals: what can refer to a declaration. */
const codeOnly = (text: string): string => text.replace(/"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, " ");
const identifiers = (text: string): string[] => codeOnly(text).match(/[A-Za-z_$][\w$]*/g) ?? [];

/**
 * The buffer lines without the declarations nothing refers to: `rest` is the rest of the
 * module; a kept declaration keeps the ones its own initializer names (a view its offset).
 */
export function dropUnused(lines: readonly BufferLine[], rest: string): BufferLine[] {
  const used = new Set(identifiers(rest));
  const byName = new Map(lines.filter((l) => l.name).map((l) => [l.name!, l]));
  const pending = [...used].filter((n) => byName.has(n));
  while (pending.length > 0) {
    const decl = byName.get(pending.pop()!)!;
    for (const id of identifiers(decl.line.slice(decl.line.indexOf("=") + 1)))
      if (!used.has(id)) {
        used.add(id);
        if (byName.has(id)) pending.push(id);
      }
  }
  return lines.filter((l) => !l.name || used.has(l.name));
}
