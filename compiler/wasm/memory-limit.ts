// Memory limits as a compile-time fact. A WebAssembly trainer keeps every buffer in one
// wasm32 memory, which holds at most 65536 pages of 64 KiB (4 GiB; node 20's V8 refuses a
// larger `maximum`). The memory plan gives its size as `fixed + perRow·B` bytes, so whether
// a batch size fits, and the largest batch that does, are known before any code is emitted.
//
// Takes: a memory plan (plan-memory.ts) and the train block's AST. Guarantees: DL3012 at the
// `batch` setting (or the train block's name) when the plan at the block's batch size does
// not fit; `dlm check`, `dlm compile` and `dlm train` report it before emitting anything.
// Compiled trainers check `--batch` against the same numbers when they start
// (runtime/memory.ts), with the kernel scratch included.
import type { Program, TrainDecl } from "../syntax/ast.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Slot } from "./plan-memory.js";
import { segmentsOf, type TrainingProgram } from "../ir/train-ir.js";
import { WASM_MEMORY_LIMIT, largestBatch, formatBytes } from "../../runtime/memory.js";

export { WASM_MEMORY_LIMIT, largestBatch, formatBytes };

/** DL3012 when `bytes` at `batch` rows exceeds a wasm32 memory; undefined when it fits. */
export function memoryLimitDiagnostic(ast: Program | undefined, train: string, bytes: Slot, batch: number): Diagnostic | undefined {
  const need = bytes.fixed + bytes.perRow * batch;
  if (need <= WASM_MEMORY_LIMIT) return undefined;
  const decl = ast?.items.find((i): i is TrainDecl => i.kind === "Train" && i.name.name === train);
  const setting = decl?.body.find((i) => i.kind === "Setting" && i.key.name === "batch");
  const span = setting?.span ?? decl?.name.span ?? { start: 0, end: 0 };
  const most = largestBatch(bytes, WASM_MEMORY_LIMIT);
  const per = `${formatBytes(bytes.fixed)} + ${formatBytes(bytes.perRow)} per batch row`;
  return error(
    "DL3012",
    `\`train ${train}\` at batch ${batch} needs ${formatBytes(need)} of WebAssembly memory (${per}); a wasm32 memory holds at most 4 GiB`,
    span,
    {
      hint:
        most >= 1
          ? `the largest batch that fits is ${most}: set \`batch ${most}\` or less`
          : "even one row does not fit: make the model smaller",
    },
  );
}

/**
 * What the TypeScript backend allocates (bytes, `fixed + perRow·B`), an upper bound: one
 * float32 typed array per buffer — the flat parameter buffers, the inputs and every value an
 * eqn writes (counting aliases, which share their input's array, as buffers too). Kernel
 * scratch is left out.
 */
export function tsMemoryNeed(tp: TrainingProgram, optState: readonly string[]): Slot {
  let fixed = tp.paramCount * 4 * (2 + optState.length);
  let perRow = 0;
  const seen = new Set<number>(tp.params);
  const add = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    const s = tp.values[id].shape;
    const count = s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);
    if (s.includes("B")) perRow += 4 * count;
    else fixed += 4 * count;
  };
  for (const id of [...tp.inputs, ...tp.inference.flatMap((m) => m.inputs)]) add(id);
  const all = segmentsOf(tp).flat();
  for (const e of all) for (const id of e.outputs) add(id);
  return { fixed, perRow };
}
