// Reductions for the WebAssembly backend (binaryen builder API, f32x4 SIMD128): sum / mean /
// sum_to over static dims (0 = B), their adjoint spread (broadcast_to), and sumRows, the
// bias gradient. Calling convention and numerics: as elementwise.ts describes.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import {
  addKernel,
  asF64,
  canonical,
  type CDim,
  checkDims,
  checkExtent,
  checkName,
  type Count,
  countFromDims,
  countOf,
  flatLoop,
  hReduce,
  loadStream,
  nest,
  nParam,
  repeat,
  storeStream,
  type Stream,
  usesBatch,
} from "./loops.js";

// ---------------------------------------------------------------------------------------
// Reductions (sum / mean / sum_to) and their adjoint (spread, broadcast_to)

export interface ReduceSpec {
  readonly name: string;
  /** The input's dims, 0 = B (dim 0 only). */
  readonly dims: readonly number[];
  /** Per input dim, the element stride into the output (0 on reduced dims). */
  readonly outStrides: readonly number[];
  /** Multiply by (output elements)/(input elements), counted with n: a mean. */
  readonly mean?: boolean;
}

export function reduceParams(spec: ReduceSpec): string[] {
  return [...nParam(usesBatch(spec.dims)), "y", "x"];
}

/** f32 (output count)/(input count) of a reduction's tables, computed in f64 with n. */
function meanScale(f: Fn, dims: readonly number[], strides: readonly number[], n: (() => X) | null): X {
  const m = f.mod;
  const kept = countFromDims(f, dims, (i) => strides[i] !== 0, n);
  const all = countFromDims(f, dims, () => true, n);
  return m.f32x4.splat(m.f32.demote(m.f64.div(asF64(f, kept), asF64(f, all))));
}

/**
 * reduce of runtime/kernels/elementwise.ts: y (its kept dims, row-major) = Σ x over the
 * dims whose outStride is 0, × kept/all when `mean`. y is zeroed first; where the
 * innermost dim is kept, every output sums in the reference's order (bit-identical).
 */
export function addReduce(b: BinaryenApi, mod: Mod, spec: ReduceSpec): void {
  checkName(spec.name);
  checkDims(spec.name, spec.dims, [spec.outStrides]);
  const m = mod;
  const dims = canonical(spec.dims, [spec.outStrides]);
  addKernel(
    b,
    mod,
    spec.name,
    reduceParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = usesBatch(spec.dims) ? () => f.get(p("n")) : null;
      const x = f.local(b.i32);
      const y0 = f.local(b.i32);
      const yz = f.local(b.i32);
      const acc = f.local(b.v128);
      const r = f.local(b.v128);
      const zero = f.local(b.v128);
      const sx: Stream = { ptr: x, step: 4 };
      const outCount = countFromDims(f, spec.dims, (i) => spec.outStrides[i] !== 0, n);
      const inner = (ptrs: number[], count: Count, d: CDim): X[] => {
        const sy: Stream = { ptr: ptrs[0], step: d.strides[0] * 4 };
        if (sy.step === 0) {
          // A row sum: 4 partial sums, then y[o] += their total.
          return [
            f.set(acc, f.get(zero)),
            flatLoop(f, count, [sx], (lanes, e) => [f.set(acc, m.f32x4.add(f.get(acc), loadStream(f, sx, lanes, e)))]),
            m.f32.store(
              0,
              4,
              f.get(sy.ptr),
              m.f32.add(
                m.f32.load(0, 4, f.get(sy.ptr)),
                m.f32x4.extract_lane(
                  hReduce(f, f.get(acc), (a, c) => m.f32x4.add(a, c)),
                  0,
                ),
              ),
            ),
          ];
        }
        return [
          flatLoop(f, count, [sx, sy], (lanes, e) => [
            f.set(r, m.f32x4.add(loadStream(f, sy, lanes, e), loadStream(f, sx, lanes, e))),
            ...storeStream(f, sy, lanes, e, r),
          ]),
        ];
      };
      const syz: Stream = { ptr: yz, step: 4 };
      const body: X[] = [
        f.set(x, f.get(p("x"))),
        f.set(y0, f.get(p("y"))),
        f.set(yz, f.get(y0)),
        f.set(zero, m.v128.const(ZERO16)),
        flatLoop(f, outCount, [syz], (lanes, e) => storeStream(f, syz, lanes, e, zero), { unroll: 4 }),
        nest(f, dims, n, [y0], inner),
      ];
      if (spec.mean) {
        const sc = f.local(b.v128);
        body.push(
          f.set(sc, meanScale(f, spec.dims, spec.outStrides, n)),
          f.set(yz, f.get(y0)),
          flatLoop(f, outCount, [syz], (lanes, e) => [
            f.set(r, m.f32x4.mul(loadStream(f, syz, lanes, e), f.get(sc))),
            ...storeStream(f, syz, lanes, e, r),
          ]),
        );
      }
      return body;
    },
  );
}

export interface SpreadSpec {
  readonly name: string;
  /** The output's (full) dims, 0 = B (dim 0 only). */
  readonly dims: readonly number[];
  /** Per output dim, the element stride into dy (0 on dims dy was reduced over). */
  readonly inStrides: readonly number[];
  /** Multiply by (dy elements)/(y elements), counted with n: the adjoint of a mean. */
  readonly mean?: boolean;
}

export function spreadParams(spec: SpreadSpec): string[] {
  return [...nParam(usesBatch(spec.dims)), "y", "dy"];
}

/** spread of runtime/kernels/elementwise.ts: y[i] = scale · dy[the reduced index of i]. */
export function addSpread(b: BinaryenApi, mod: Mod, spec: SpreadSpec): void {
  checkName(spec.name);
  checkDims(spec.name, spec.dims, [spec.inStrides]);
  const m = mod;
  const dims = canonical(spec.dims, [spec.inStrides]);
  addKernel(
    b,
    mod,
    spec.name,
    spreadParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const n = usesBatch(spec.dims) ? () => f.get(p("n")) : null;
      const y = f.local(b.i32);
      const d0 = f.local(b.i32);
      const sc = f.local(b.v128);
      const r = f.local(b.v128);
      const sy: Stream = { ptr: y, step: 4 };
      const scaled = (v: X): X => (spec.mean ? m.f32x4.mul(v, f.get(sc)) : v);
      const inner = (ptrs: number[], count: Count, d: CDim): X[] => {
        const sd: Stream = { ptr: ptrs[0], step: d.strides[0] * 4 };
        if (sd.step === 0) {
          return [
            f.set(r, scaled(m.v128.load32_splat(0, 4, f.get(sd.ptr)))),
            flatLoop(f, count, [sy], (lanes, e) => storeStream(f, sy, lanes, e, r), { unroll: 4 }),
          ];
        }
        return [
          flatLoop(f, count, [sy, sd], (lanes, e) => [f.set(r, scaled(loadStream(f, sd, lanes, e))), ...storeStream(f, sy, lanes, e, r)]),
        ];
      };
      const body: X[] = [f.set(y, f.get(p("y"))), f.set(d0, f.get(p("dy")))];
      if (spec.mean) body.push(f.set(sc, meanScale(f, spec.dims, spec.inStrides, n)));
      body.push(nest(f, dims, n, [d0], inner));
      return body;
    },
  );
}

// ---------------------------------------------------------------------------------------
// sumRows (the bias gradient)

export interface SumRowsSpec {
  readonly name: string;
  /** rows = rowsPerBatch · n when batched, else rowsPerBatch. */
  readonly rowsPerBatch: number;
  readonly batched: boolean;
  readonly cols: number;
}

export function sumRowsParams(spec: SumRowsSpec): string[] {
  return [...nParam(spec.batched), "out", "dy"];
}

/** Columns per register block of sumRows (4 accumulators). */
const SUM_BLOCK = 16;

/** sumRows of runtime/kernels/dense.ts: out[j] = Σ_r dy[r, j], summed in row order (bit-identical). */
export function addSumRows(b: BinaryenApi, mod: Mod, spec: SumRowsSpec): void {
  checkName(spec.name);
  const { cols } = spec;
  if (!(Number.isInteger(cols) && cols > 0)) throw new Error(`${spec.name}: cols must be a positive integer`);
  checkExtent(spec.name, { perRow: spec.rowsPerBatch, batched: spec.batched });
  const m = mod;
  addKernel(
    b,
    mod,
    spec.name,
    sumRowsParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const rows = countOf(f, { perRow: spec.rowsPerBatch, batched: spec.batched }, () => f.get(p("n")));
      const col = f.local(b.i32); // dy at this block's first column
      const out = f.local(b.i32);
      const rp = f.local(b.i32);
      const acc = [0, 1, 2, 3].map(() => f.local(b.v128));
      const tmp = f.local(b.v128);
      const block = (width: number): X[] => {
        const nv = Math.ceil(width / 4);
        const lanes = (v: number) => Math.min(4, width - 4 * v);
        const code: X[] = [];
        for (let v = 0; v < nv; v++) code.push(f.set(acc[v], m.v128.const(ZERO16)));
        code.push(f.set(rp, f.get(col)));
        const step: X[] = [];
        for (let v = 0; v < nv; v++) step.push(f.set(acc[v], m.f32x4.add(f.get(acc[v]), loadPartial(f, f.get(rp), v * 16, lanes(v)))));
        code.push(repeat(f, rows, [...step, f.addI(rp, cols * 4)]));
        for (let v = 0; v < nv; v++) code.push(f.set(tmp, f.get(acc[v])), ...storePartial(f, f.get(out), v * 16, lanes(v), f.get(tmp)));
        return code;
      };
      const body: X[] = [f.set(col, f.get(p("dy"))), f.set(out, f.get(p("out")))];
      const full = Math.floor(cols / SUM_BLOCK);
      const tail = cols % SUM_BLOCK;
      if (full > 0) body.push(repeat(f, full, [...block(SUM_BLOCK), f.addI(col, SUM_BLOCK * 4), f.addI(out, SUM_BLOCK * 4)]));
      if (tail > 0) body.push(...block(tail));
      return body;
    },
  );
}
