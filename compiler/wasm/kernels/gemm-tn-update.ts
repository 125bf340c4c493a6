// A kernel gradient and its weight's optimizer update in one kernel: the tn GEMM dW = Aᵀ·B
// (gemm-tn.ts, with `accumulate` the last GEMM of a weight used twice: dW += Aᵀ·B) over a block
// of dW, then the update (optimizers.ts's updateCode: the same f32 operations) of exactly that
// block's elements, while they are still in L1/L2, then the next block. dW is still written to
// its place in the flat gradient buffer (whatever reads grads after the step sees them), the
// weights, their gradient and state are read and written once per element, as the range
// kernel does, so params, m, v (…) come out byte for byte as from the tn GEMM followed by the
// optimizer's range kernel: each element is updated alone, after its gradient is complete.
//
// Units (threads share a call by them, as they share the tn GEMM's: `lo, hi`, hi = 0: all):
// with `rowRange` (a tall dW: gemm.ts's tnByRows) blocks of TN_ROW_UNIT rows of dW, so each
// thread sums and updates a contiguous part; otherwise dW's 8-column panels. A call goes through
// its units in blocks of the tn's own loop blocking (a group of rows, or a block of columns), so
// the tn GEMM packs and sums what the whole call would, and each block's dW is updated at once.
//
//   name(m, a, b, c, ws, w, <s_state…>, lr, <rule scalars…> [, gs], lo, hi)
//     m, a, b, c, ws   the tn GEMM's (c: dW, the weight's gradient in the flat gradient buffer)
//     w, <s_state…>    the flat buffers' starts (s_m, s_v: Adam's m and v) (element 0; the weight's offset is a constant),
//                      as the update kernel takes them; the gradient is c
//     lr, …            the update kernel's f64 scalars (updateParams)
import type { BinaryenApi } from "./binaryen.js";
import { Fn, type Mod, type X } from "./fn.js";
import { relaxedMadd } from "./gemm.js";
import { TN_BLOCKING, TN_ROW_UNIT, tnBody, tnScratchBytes, type TnBlocking, type TnShape } from "./gemm-tn.js";
import { flatLoop } from "./loops.js";
import { updateCode, updateParams, updateState, type UpdateSpec } from "./optimizers.js";

export interface TnUpdateSpec {
  /** The export's name. */
  readonly name: string;
  /** dW's rows (A's columns) and columns (B's columns). */
  readonly k: number;
  readonly n: number;
  /** dW += Aᵀ·B (the last GEMM of a weight used twice). */
  readonly accumulate?: boolean;
  /** Units are blocks of TN_ROW_UNIT rows of dW (else 8-column panels). */
  readonly rowRange?: boolean;
  readonly relaxed?: boolean;
  readonly tnBlocking?: TnBlocking;
  /** The weight's update: its offset in the flat buffers and the rule (the size is k·n; no zeroGrad). */
  readonly update: Omit<UpdateSpec, "name" | "size" | "zeroGrad">;
}

/** The tn's register tile rows (gemm.ts's default rowTile, at most 4 in tn). */
const MR = 4;

const tnShape = (s: TnUpdateSpec): TnShape => ({
  name: s.name,
  k: s.k,
  n: s.n,
  mr: MR,
  bias: false,
  accumulate: !!s.accumulate,
  blocking: s.tnBlocking,
});

/** Parameter names, in order. */
export function tnUpdateParams(s: Pick<TnUpdateSpec, "update">): string[] {
  const state = updateState(s.update);
  const up = updateParams(s.update).filter((p) => p !== "g" && p !== "lo" && p !== "hi");
  return ["m", "a", "b", "c", "ws", ...up.map((p) => (state.includes(p) ? stateParam(p) : p)), "lo", "hi"];
}

/** A state buffer's parameter name (Adam's m is not the GEMM's m). */
export const stateParam = (buffer: string): string => `s_${buffer}`;

/** Bytes of scratch at ws: the tn GEMM's. */
export const tnUpdateScratchBytes = (s: TnUpdateSpec): number => tnScratchBytes(tnShape(s));

/** The units of a call: blocks of TN_ROW_UNIT rows of dW, or its 8-column panels. */
export const tnUpdateUnits = (s: Pick<TnUpdateSpec, "k" | "n" | "rowRange">): number =>
  s.rowRange ? Math.ceil(s.k / TN_ROW_UNIT) : Math.ceil(s.n / 8);

/** Units per block of a call: the tn's group of register tiles' rows, or its block of columns. */
function unitsPerBlock(s: TnUpdateSpec): number {
  const blk = s.tnBlocking ?? TN_BLOCKING;
  if (s.rowRange) return Math.max(1, Math.floor((Math.min(blk.tiles, Math.ceil(s.k / MR)) * MR) / TN_ROW_UNIT));
  return Math.max(1, Math.floor(blk.cols / 8));
}

export function addTnUpdate(b: BinaryenApi, mod: Mod, spec: TnUpdateSpec): void {
  const { k, n } = spec;
  if (!(Number.isInteger(k) && Number.isInteger(n) && k > 0 && n > 0)) throw new Error(`${spec.name}: k and n must be positive integers`);
  if (spec.rowRange && TN_ROW_UNIT % MR !== 0) throw new Error(`${spec.name}: a rows unit must be whole register tiles`);
  const names = tnUpdateParams(spec);
  const ints = new Set(["m", "a", "b", "c", "ws", "w", "lo", "hi", ...updateState(spec.update).map(stateParam)]);
  const isF64 = (p: string) => !ints.has(p);
  const f = new Fn(
    b,
    mod,
    names.map((p) => (isF64(p) ? b.f64 : b.i32)),
  );
  const m = mod;
  const P = (p: string): number => {
    const i = names.indexOf(p);
    if (i < 0) throw new Error(`${spec.name}: no parameter ${p}`);
    return i;
  };
  const i32 = b.i32;
  const [u0, u1, uhi, e0, cnt, row, rowOff] = Array.from({ length: 7 }, () => f.local(i32));
  const U = tnUpdateUnits(spec);
  const S = unitsPerBlock(spec);
  const madd = (av: X, bv: X, c: X): X => (spec.relaxed ? relaxedMadd(f, av, bv, c) : m.f32x4.add(c, m.f32x4.mul(av, bv)));
  const minI = (x: () => X, y: () => X): X => m.select(m.i32.lt_s(x(), y()), x(), y());
  const p = { m: P("m"), a: P("a"), b: P("b"), c: P("c"), bias: null, ws: P("ws") };
  // The tn GEMM over the units [u0, u1): rows [8·u0, 8·u1) of dW, or its columns [8·u0, min(8·u1, n)).
  const tn = spec.rowRange
    ? tnBody(f, tnShape(spec), p, { init: [], lo: () => f.i32(0), hi: () => f.i32(n) }, madd, { lo: u0, hi: u1 })
    : tnBody(
        f,
        tnShape(spec),
        p,
        {
          init: [],
          lo: () => m.i32.shl(f.get(u0), f.i32(3)),
          hi: () =>
            minI(
              () => m.i32.shl(f.get(u1), f.i32(3)),
              () => f.i32(n),
            ),
        },
        madd,
      );
  // The update's code, its scalars from the parameters; its gradient stream reads dW (c).
  const code = updateCode(f, { ...spec.update, name: spec.name }, (name) => f.get(P(name)));
  const base = spec.update.offset * 4;
  // Points every stream at element e (local) of the weight: dW at c + 4e, the flat buffers at their start + 4·(offset + e).
  const pointAt = (e: number): X[] =>
    code.streams.map((st, i) => {
      const buf = code.buffers[i];
      const off = m.i32.shl(f.get(e), f.i32(2));
      if (buf === "g") return f.set(st.ptr, m.i32.add(f.get(P("c")), off));
      return f.set(st.ptr, m.i32.add(f.get(P(buf === "w" ? "w" : stateParam(buf))), m.i32.add(f.i32(base), off)));
    });
  const update: X[] = spec.rowRange
    ? [
        // Rows [8·u0, min(8·u1, k)): elements [8·u0·n, min(8·u1, k)·n), contiguous.
        f.set(e0, m.i32.mul(m.i32.shl(f.get(u0), f.i32(3)), f.i32(n))),
        f.set(
          cnt,
          m.i32.sub(
            m.i32.mul(
              minI(
                () => m.i32.shl(f.get(u1), f.i32(3)),
                () => f.i32(k),
              ),
              f.i32(n),
            ),
            f.get(e0),
          ),
        ),
        ...pointAt(e0),
        flatLoop(f, () => f.get(cnt), code.streams, code.body),
      ]
    : [
        // Columns [8·u0, min(8·u1, n)) of every row.
        f.set(
          cnt,
          m.i32.sub(
            minI(
              () => m.i32.shl(f.get(u1), f.i32(3)),
              () => f.i32(n),
            ),
            m.i32.shl(f.get(u0), f.i32(3)),
          ),
        ),
        f.set(row, f.i32(0)),
        f.set(rowOff, m.i32.shl(f.get(u0), f.i32(3))),
        f.whileLoop(
          () => m.i32.lt_s(f.get(row), f.i32(k)),
          [...pointAt(rowOff), flatLoop(f, () => f.get(cnt), code.streams, code.body), f.addI(row, 1), f.addI(rowOff, n)],
        ),
      ];
  const body: X[] = [
    f.set(u0, f.get(P("lo"))),
    f.set(uhi, m.select(f.get(P("hi")), f.get(P("hi")), f.i32(U))),
    ...code.prelude,
    f.whileLoop(
      () => m.i32.lt_s(f.get(u0), f.get(uhi)),
      [
        f.set(
          u1,
          minI(
            () => m.i32.add(f.get(u0), f.i32(S)),
            () => f.get(uhi),
          ),
        ),
        ...tn,
        ...update,
        f.set(u0, f.get(u1)),
      ],
    ),
  ];
  mod.addFunction(spec.name, b.createType(names.map((q) => (isF64(q) ? b.f64 : b.i32))), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}
