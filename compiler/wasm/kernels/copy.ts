// Strided copies, the kernels of the shape ops (compiler/ops/shape.ts: concat, slice, the
// parts of split, transpose, and slice_grad): each copy moves a box of `dims` (0 = the batch,
// n rows) from an input to the output, both addressed with per-dim element strides and an
// element offset. Dims over which both sides are contiguous are merged first (loops.ts
// `canonical`), so a concat along the last axis of NHWC activations is one run of the input's
// channels per pixel, copied four lanes at a time with v128 loads and stores (partial
// tails); a run that is not contiguous on one side (a transpose) is gathered or scattered
// lane by lane. The output may be zeroed first (slice_grad pads with zeros).
import type { BinaryenApi } from "./binaryen.js";
import { ZERO16, storePartial, type Mod, type X } from "./fn.js";
import * as LP from "./loops.js";

/** One box copied from input `from` into the output. */
export interface Copy {
  readonly from: number;
  /** The box's dims, 0 for the batch (n at run time). */
  readonly dims: readonly number[];
  /** Element strides of each dim in the output and in the input (0: the input is broadcast along it). */
  readonly dst: readonly number[];
  readonly src: readonly number[];
  /** Element offsets of the box's first element in the output and the input. */
  readonly dstOff: number;
  readonly srcOff: number;
}

export interface CopySpec {
  readonly name: string;
  readonly batched: boolean;
  /** Number of inputs (x, or x0, x1, …). */
  readonly inputs: number;
  /** Values of the output per batch row (all of them when not batched) set to zero before the copies; 0: none. */
  readonly zero: number;
  readonly copies: readonly Copy[];
}

const inputName = (s: Pick<CopySpec, "inputs">, i: number): string => (s.inputs === 1 ? "x" : `x${i}`);

export const copyParams = (s: CopySpec): string[] => [
  ...LP.nParam(s.batched),
  "y",
  ...Array.from({ length: s.inputs }, (_, i) => inputName(s, i)),
];

export function addCopy(b: BinaryenApi, mod: Mod, s: CopySpec): void {
  LP.checkName(s.name);
  for (const c of s.copies) {
    LP.checkDims(s.name, c.dims, [c.dst, c.src]);
    if (c.from < 0 || c.from >= s.inputs) throw new Error(`${s.name}: a copy reads input ${c.from} of ${s.inputs}`);
    if (LP.usesBatch(c.dims) && !s.batched) throw new Error(`${s.name}: a batched copy in a kernel without n`);
  }
  const params = copyParams(s);
  LP.addKernel(
    b,
    mod,
    s.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = f.mod;
      const n = s.batched ? () => f.get(p("n")) : null;
      const body: X[] = [];
      if (s.zero > 0) {
        const ptr = f.local(b.i32);
        body.push(f.set(ptr, f.get(p("y"))));
        const count = LP.countOf(f, { perRow: s.zero, batched: s.batched }, n ?? (() => f.i32(1)));
        const zero = (lanes: number, elem: number): X[] => storePartial(f, f.get(ptr), elem * 4, lanes, m.v128.const(ZERO16));
        body.push(LP.flatLoop(f, count, [{ ptr, step: 4 }], zero, { unroll: 4 }));
      }
      for (const c of s.copies) {
        const dims = LP.canonical(c.dims, [c.dst, c.src]);
        const yBase = f.local(b.i32);
        const xBase = f.local(b.i32);
        body.push(f.set(yBase, m.i32.add(f.get(p("y")), f.i32(4 * c.dstOff))));
        body.push(f.set(xBase, m.i32.add(f.get(p(inputName(s, c.from))), f.i32(4 * c.srcOff))));
        body.push(
          LP.nest(f, dims, n, [yBase, xBase], (ptrs, count, d) => {
            const y: LP.Stream = { ptr: ptrs[0], step: 4 * d.strides[0] };
            const x: LP.Stream = { ptr: ptrs[1], step: 4 * d.strides[1] };
            const v = f.local(b.v128);
            const run = (lanes: number, elem: number): X[] => [
              f.set(v, LP.loadStream(f, x, lanes, elem)),
              ...LP.storeStream(f, y, lanes, elem, v),
            ];
            return [LP.flatLoop(f, count, [y, x], run)];
          }),
        );
      }
      return body;
    },
  );
}
