// Dense layers of an exported module that read their kernel packed (`dlm export --format
// module`): an exported model's weights are constants, so the loader stores each such
// kernel [k, n] in the panel order of the packed GEMM (runtime/inference.ts packPanels), and
// the layer's group calls that GEMM (wasm/kernels/gemm-packed.ts), which reads the panels in
// place instead of packing them into scratch on every call as the trainer's GEMM does. Its
// results are bit for bit the trainer's GEMM's; it is faster at every batch, most at batch 1
// (docs/export.md, "Speed").
//
// A layer qualifies when it is a float dense layer (not one the int8 export replaced), alone
// or with its activation fused (the `dense+act` group), and its kernel is a parameter that no
// other eqn reads (a layer called twice keeps the Keras layout). A layer of 32 columns or more
// whose input is a relu's output (zeros.ts `reluFed`) calls the sparse GEMM on the same panels instead
// (wasm/kernels/gemm-sparse.ts: the same bits, skipping the zeros of its input).
import type { TrainingProgram } from "../ir/train-ir.js";
import type { FusedProgram, Group } from "../wasm/fuse.js";
import type { WasmCtx } from "../ops/op.js";
import type { GemmActivation } from "../wasm/kernels/gemm.js";
import { addPackedGemm, packedGemmParams } from "../wasm/kernels/gemm-packed.js";
import { addSparseGemm, sparseGemmParams, sparseGemmScratchBytes } from "../wasm/kernels/gemm-sparse.js";
import { reluFed } from "./zeros.js";
import { nameParams } from "../wasm/kernels/fn.js";
import * as W from "../ops/kit/wasm.js";

export interface PackedLayers {
  /** The fused program with the qualifying groups' code replaced by the packed GEMM's call. */
  readonly fused: FusedProgram;
  /** The parameter paths of the kernels the loader packs. */
  readonly packed: ReadonlySet<string>;
}

/** Swaps every qualifying dense group of the inference entry for a packed-GEMM group. */
export function packDenseLayers(itp: TrainingProgram, fused: FusedProgram): PackedLayers {
  const entry = itp.inference[0];
  const groups = fused.segments.get(entry.forward) ?? [];
  const uses = new Map<number, number>();
  for (const e of [...itp.constants, ...entry.forward]) for (const id of e.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  const packed = new Set<string>();
  const swapped = groups.map((g): Group => {
    const d = g.eqns[0];
    if ("emit" in g && g.emit) return g;
    if (d.op !== "dense" || !(g.eqns.length === 1 || g.rule === "dense+act")) return g;
    const w = d.inputs[1];
    const param = itp.values[w].param;
    if (!param || uses.get(w) !== 1) return g;
    packed.add(param.path);
    // Layers of k ≥ 256 and n ≥ 32 only: on narrower layers one-row tiles over lists lose to the packed GEMM's 4-row
    // tiles (the CNN's 128×10 layer, its inputs 41% zeros: 2.1× its time at 256 rows; 128×16: 1.5×, 128×24: 1.2×;
    // 128×128 at 60% zeros: 0.65×).
    const [k, n] = itp.values[w].shape as number[];
    const sparse = reluFed(itp, d.inputs[0]) && k >= 256 && n >= 32;
    return { ...g, emit: (c: WasmCtx) => packedCall(c, g, sparse) };
  });
  const segments = new Map(fused.segments);
  segments.set(entry.forward, swapped);
  return { fused: { ...fused, segments }, packed };
}

/** The packed GEMM's call for a dense group (with its activation in the epilogue, as the `dense+act` rule). */
function packedCall(c: WasmCtx, g: Group, sparse: boolean): string {
  const [d, act] = g.eqns;
  const [x, w, b] = d.inputs;
  const [k, n] = W.shape(c, w) as number[];
  const pre = act && c.hasBuffer(d.outputs[0]) ? d.outputs[0] : null;
  const spec = {
    k,
    n,
    bias: b !== undefined,
    activation: act ? (act.op as GemmActivation) : undefined,
    slope: act?.op === "leaky_relu" ? (act.attrs.slope as number) : undefined,
    preOut: act ? pre !== null : undefined,
  };
  const actKey = act
    ? `_${act.op}${spec.slope !== undefined ? String(spec.slope).replace(".", "p") : ""}${pre !== null ? "_pre" : ""}`
    : "";
  const key = `gemm_${sparse ? "sparse" : "packed"}_${k}x${n}${spec.bias ? "_bias" : ""}${actKey}`;
  const fn = c.kernel(key, (bn, mod, name, variant) => {
    const full = { ...spec, name, relaxed: variant.relaxed || undefined };
    if (sparse) addSparseGemm(bn, mod, full);
    else addPackedGemm(bn, mod, full);
    nameParams(mod, name, sparse ? sparseGemmParams(full) : packedGemmParams(full));
  });
  const args = [W.rows(c, x), c.addr(x), c.addr(w), c.addr(act ? act.outputs[0] : d.outputs[0])];
  if (b !== undefined) args.push(c.addr(b));
  if (pre !== null) args.push(c.addr(pre));
  // A relu's output (mostly zeros) goes through the sparse GEMM, which skips them (zeros.ts).
  if (sparse) args.push(c.scratch(sparseGemmScratchBytes({ k })));
  return `${fn}(${args.join(", ")});`;
}
