// Batched GEMM kernels (WebAssembly): one matrix product per index of the leading axes, as
// runtime/kernels/attention.ts `batchGemm` computes them. The products are the GEMM
// micro-kernels of gemm.ts (an internal function of the same kind, k and n, called once per
// index with the operands' pointers); the leading axes are a loop nest (loops.ts `nest`)
// in which each operand advances by its own element stride per axis, 0 where it broadcasts.
// A C that broadcasts (a gradient summed over an axis) is cleared first and accumulated.
//
//   name([n,] a, b, c [, ws])     ws: the GEMM's packing scratch (gemmScratchBytes)
import type { BinaryenApi } from "./binaryen.js";
import { type Fn, type Mod, type X, ZERO16 } from "./fn.js";
import { addGemm, gemmScratchBytes, type GemmKind } from "./gemm.js";
import { addKernel, canonical, checkDims, checkName, flatLoop, nest, repeat, storeStream, usesBatch, type Count } from "./loops.js";

export interface BatchGemmSpec {
  readonly name: string;
  readonly kind: GemmKind;
  /** The leading axes (0: the batch, n at run time). */
  readonly dims: readonly number[];
  /** Element strides of A, B and C per leading axis. */
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly c: readonly number[];
  /** The product's rows m (static here) and the GEMM's k and n (gemm.ts's meaning per kind). */
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Clear C (cSize per batch row when cBatched) and accumulate every product into it. */
  readonly zero?: boolean;
  readonly cSize: number;
  readonly cBatched?: boolean;
  readonly relaxed?: boolean;
}

const inner = (spec: BatchGemmSpec) => ({ name: `${spec.name}_gemm`, kind: spec.kind, k: spec.k, n: spec.n, bias: false });

export function batchGemmScratchBytes(spec: BatchGemmSpec): number {
  return gemmScratchBytes(inner(spec));
}

export function batchGemmParams(spec: BatchGemmSpec): string[] {
  const batched = usesBatch(spec.dims) || !!spec.cBatched;
  return [...(batched ? ["n"] : []), "a", "b", "c", ...(batchGemmScratchBytes(spec) > 0 ? ["ws"] : [])];
}

/** Stores zeros over `count` f32 from the pointer local `ptr` (which advances). */
export function zeroFill(f: Fn, ptr: number, count: Count): X {
  const z = f.local(f.b.v128);
  const s = { ptr, step: 4 };
  return f.mod.block(null, [
    f.set(z, f.mod.v128.const(ZERO16)),
    flatLoop(f, count, [s], (lanes, elem) => storeStream(f, s, lanes, elem, z), { unroll: 4 }),
  ]);
}

export function addBatchGemm(b: BinaryenApi, mod: Mod, spec: BatchGemmSpec): void {
  checkName(spec.name);
  checkDims(spec.name, spec.dims, [spec.a, spec.b, spec.c]);
  const g = { ...inner(spec), accumulate: spec.zero || undefined, relaxed: spec.relaxed };
  addGemm(b, mod, g);
  const names = batchGemmParams(spec);
  addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const n = names.includes("n") ? () => f.get(p("n")) : null;
      const body: X[] = [];
      if (spec.zero) {
        const ptr = f.local(b.i32);
        const count: Count = spec.cBatched ? () => m.i32.mul(n!(), f.i32(spec.cSize)) : spec.cSize;
        body.push(f.set(ptr, f.get(p("c"))), zeroFill(f, ptr, count));
      }
      const dims = canonical(spec.dims, [spec.a, spec.b, spec.c]);
      const ws = names.includes("ws") ? [f.get(p("ws"))] : [];
      body.push(
        nest(f, dims, n, [p("a"), p("b"), p("c")], (ptrs, count, d) => {
          const step = ptrs.flatMap((q, i) => (d.strides[i] !== 0 ? [f.addI(q, d.strides[i] * 4)] : []));
          const call = m.call(g.name, [f.i32(spec.m), ...ptrs.map((q) => f.get(q)), ...ws.map((w) => m.copyExpression(w))], b.none);
          return [repeat(f, count, [call, ...step])];
        }),
      );
      return body;
    },
  );
}
