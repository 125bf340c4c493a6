// The WebAssembly kernels of `embedding` (compiler/ops/embedding.ts), SIMD128:
//
//   addEmbedding      y[i, :] = table[ids[i], :]                        [n,] y, ids, table
//   addEmbeddingGrad  dtable = 0; dtable[ids[i], :] += dy[i, :]         [n,] dtable, ids, dy
//
// for i < rows (rows · n when batched). Each row is d floats copied or added four lanes at
// a time with a partial tail (nothing past a row's end is touched). The scatter-add runs
// the rows in order, so a repeated id sums its rows in the reference kernel's order:
// bit-identical to runtime/kernels/embedding.ts. Ids are trusted: the trainers check them
// against inputDim when they load the data.
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Mod } from "../wasm/kernels/fn.js";
import { addKernel, checkName, countOf, flatLoop, loadStream, nParam, repeat, storeStream, type Stream } from "../wasm/kernels/loops.js";

export interface EmbeddingSpec {
  readonly name: string;
  /** Ids per batch row (per sample, or in all when not batched). */
  readonly rows: number;
  readonly batched: boolean;
  readonly inputDim: number;
  /** Floats per table row (output_dim). */
  readonly d: number;
}

export const embeddingParams = (s: EmbeddingSpec): string[] => [...nParam(s.batched), "y", "ids", "table"];
export const embeddingGradParams = (s: EmbeddingSpec): string[] => [...nParam(s.batched), "dtable", "ids", "dy"];

function check(s: EmbeddingSpec): void {
  checkName(s.name);
  for (const k of ["rows", "inputDim", "d"] as const)
    if (!(Number.isInteger(s[k]) && s[k] > 0)) throw new Error(`${s.name}: ${k} must be a positive integer`);
}

/**
 * The loop over ids: for each, `row` points at table row ids[i] (or dtable's), `seq` at row i
 * of the sequence operand (y or dy); `body` handles one row of d floats.
 */
function overIds(b: BinaryenApi, mod: Mod, s: EmbeddingSpec, params: string[], seqParam: string, tableParam: string, add: boolean): void {
  addKernel(
    b,
    mod,
    s.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const ids = f.local(b.i32);
      const seq: Stream = { ptr: f.local(b.i32), step: 4 };
      const row: Stream = { ptr: f.local(b.i32), step: 4 };
      const v = f.local(b.v128);
      const w = f.local(b.v128);
      const rowBytes = s.d * 4;
      const zero: Stream = { ptr: f.local(b.i32), step: 4 };
      const zeros = f.local(b.v128);
      const clear = add
        ? [
            f.set(zero.ptr, f.get(p(tableParam))),
            f.set(zeros, mod.v128.const(new Array(16).fill(0))),
            flatLoop(f, s.inputDim * s.d, [zero], (lanes, e) => storeStream(f, zero, lanes, e, zeros), { unroll: 4 }),
          ]
        : [];
      const count = countOf(f, { perRow: s.rows, batched: s.batched }, () => f.get(p("n")));
      return [
        ...clear,
        f.set(ids, f.get(p("ids"))),
        f.set(seq.ptr, f.get(p(seqParam))),
        repeat(f, count, [
          f.set(row.ptr, mod.i32.add(f.get(p(tableParam)), mod.i32.mul(mod.i32.load(0, 4, f.get(ids)), f.i32(rowBytes)))),
          flatLoop(
            f,
            s.d,
            [seq, row],
            (lanes, e) =>
              add
                ? [
                    f.set(v, loadStream(f, row, lanes, e)),
                    f.set(w, loadStream(f, seq, lanes, e)),
                    f.set(v, mod.f32x4.add(f.get(v), f.get(w))),
                    ...storeStream(f, row, lanes, e, v),
                  ]
                : [f.set(v, loadStream(f, row, lanes, e)), ...storeStream(f, seq, lanes, e, v)],
            { unroll: 2 },
          ),
          f.addI(ids, 4),
        ]),
      ];
    },
  );
}

export function addEmbedding(b: BinaryenApi, mod: Mod, s: EmbeddingSpec): void {
  check(s);
  overIds(b, mod, s, embeddingParams(s), "y", "table", false);
}

export function addEmbeddingGrad(b: BinaryenApi, mod: Mod, s: EmbeddingSpec): void {
  check(s);
  overIds(b, mod, s, embeddingGradParams(s), "dy", "dtable", true);
}
