// What the attention kernels of attention.wasm.ts share: the scratch layout, the register tile
// (C[rows, ≤ 8] = Σ A·B over a static or run-time number of steps, in step order from +0, each
// operand at its own strides, so that the kernels read q, k, v, dO and the score rows in place)
// and the Kit (the (sample, head) loop, kᵀ/vᵀ packing, blocks of 4 rows or keys, the causal
// extents, the row passes' vector loop with its lane masks, the dropout mask's partial tail).
import { loadPartial, storePartial, type Fn, type Mod, type X } from "../wasm/kernels/fn.js";
import { lockstep, repeat } from "../wasm/kernels/loops.js";
import { EXP_P, expRebuild, expReduce, splatF, splatI } from "../wasm/kernels/math.js";
import { mac } from "../wasm/kernels/conv-kit.js";
import { zeroFill } from "../wasm/kernels/batch-gemm.js";
import type { AttentionSpec } from "./attention.wasm.js";

/**
 * The scratch (byte offsets from the 16-aligned base): the forward's kᵀ, or the gradient's vᵀ, in
 * panels of 8 keys [kd][8] (each kernel packs one: the gradient reads the forward's P instead of
 * computing S = q·kᵀ again); in the gradient k, dO and q copied as panels of 8 columns [rows][8]
 * for the tiles that step through their rows (in place a head's rows are H·kd floats apart: 512
 * bytes in the character transformer, so that a column of 8 falls in few of the L1 cache's sets);
 * the score rows S (P) and dS.
 */
export function layout(s: AttentionSpec, grad: boolean) {
  const panels = Math.ceil(s.s / 8);
  const ss = panels * 8 + 4;
  const rowPanels = (rows: number, w: number) => (grad ? Math.ceil(w / 8) * rows * 32 : 0);
  const kP = panels * (grad ? s.vd : s.kd) * 32;
  const doP = kP + rowPanels(s.s, s.kd);
  const qP = doP + rowPanels(s.t, s.vd);
  const sc = qP + rowPanels(s.t, s.kd);
  const dp = sc + s.t * ss * 4;
  return { panels, ss, kT: 0, vT: 0, kP, doP, qP, sc, dp, total: dp + (grad ? s.t * ss * 4 : 0) };
}

/** The vectors of 4 keys that each row of a block of query rows from i0 visits: to the 4-aligned end past min(i0 + 1, s) (causal) or s. */
export const rowVectors = (s: AttentionSpec, i0: number): number => (s.causal ? (Math.min(i0 + 1, s.s) + 3) >> 2 : Math.ceil(s.s / 4));

/**
 * The floats of one head's stored P (the training forward's probabilities, which its gradient
 * reads): the blocks of 4 query rows (then the rest) one after the other, each block's rows side by
 * side, a row its rowVectors' 4·vectors values: the keys the row sees, then zeros to the vector's
 * end (with a causal mask the visible half of [t, s], ≈ t²/2 + 2t).
 */
export function probsPerHead(s: AttentionSpec): number {
  let n = 0;
  for (let i0 = 0; i0 < s.t; i0 += 4) n += Math.min(4, s.t - i0) * 4 * rowVectors(s, i0);
  return n;
}

/** A register tile C[rows, width] = Σ_steps A[r, step] · B[step, 0..width), width ≤ 8, in step order from +0. */
export interface Tile {
  readonly rows: number;
  readonly width: number;
  /** A at (row 0, step 0) and its strides in bytes. */
  readonly a: () => X;
  readonly aRow: number;
  readonly aStep: number;
  /** B at (step 0, column 0), a step's stride; the first `width` floats of a step are read. */
  readonly b: () => X;
  readonly bStep: number;
  /** Steps: a static count, or an i32 expression (≤ 0: C = 0). */
  readonly count: number | (() => X);
  /** C at (row 0, column 0), its row stride. */
  readonly c: () => X;
  readonly cRow: number;
}

export function tile(f: Fn, t: Tile, relaxed: boolean): X {
  if (!(t.bStep > 0)) throw new Error("attention tile: B must advance (the loop ends on B's pointer)");
  const m = f.mod;
  const i32 = f.b.i32;
  const nv = Math.ceil(t.width / 4);
  const lanes = (v: number) => Math.min(4, t.width - 4 * v);
  const acc = Array.from({ length: t.rows }, () => Array.from({ length: nv }, () => f.local(f.b.v128)));
  const bv = Array.from({ length: nv }, () => f.local(f.b.v128));
  const av = f.local(f.b.v128);
  const [ap, bp, cp, bEnd] = [f.local(i32), f.local(i32), f.local(i32), f.local(i32)]; // bEnd: the loop ends on a pointer compare
  const step: X[] = [];
  for (let v = 0; v < nv; v++) step.push(f.set(bv[v], loadPartial(f, f.get(bp), v * 16, lanes(v))));
  for (let q = 0; q < t.rows; q++) {
    step.push(f.set(av, m.v128.load32_splat(q * t.aRow, 4, f.get(ap))));
    for (let v = 0; v < nv; v++) step.push(mac(f, acc[q][v], f.get(av), f.get(bv[v]), relaxed));
  }
  step.push(f.addI(ap, t.aStep), f.addI(bp, t.bStep));
  const top = f.label("k");
  const loop = m.loop(top, m.block(null, [...step, m.br(top, m.i32.ne(f.get(bp), f.get(bEnd)))]));
  const count = typeof t.count === "number" ? f.i32(t.count) : t.count();
  const out: X[] = acc.flat().map((l) => f.set(l, splatF(f, 0)));
  const cnt = f.local(i32);
  out.push(f.set(ap, t.a()), f.set(bp, t.b()), f.set(cp, t.c()), f.set(cnt, count));
  out.push(f.set(bEnd, m.i32.add(f.get(bp), m.i32.mul(f.get(cnt), f.i32(t.bStep)))));
  out.push(typeof t.count === "number" ? loop : m.if(m.i32.gt_s(f.get(cnt), f.i32(0)), loop));
  for (let q = 0; q < t.rows; q++)
    for (let v = 0; v < nv; v++) out.push(...storePartial(f, f.get(cp), q * t.cRow + v * 16, lanes(v), f.get(acc[q][v])));
  return m.block(null, out);
}

/** The tiles of C's column panels of 8 (the last one narrower): `one(width, column)` per panel. */
export function panelsOf(f: Fn, width: number, one: (w: number, col: () => X) => X): X {
  const m = f.mod;
  const full = Math.floor(width / 8);
  const col = f.local(f.b.i32);
  const out: X[] = [f.set(col, f.i32(0))];
  if (full > 0) out.push(repeat(f, full, [one(8, () => f.get(col)), f.addI(col, 8)]));
  if (width % 8) out.push(one(width % 8, () => f.get(col)));
  return m.block(null, out);
}

/** The rows' statement lists, `group` of them interleaved at a time. */
function groups(rows: number, group: number, body: (r: number) => X[]): X[] {
  const out: X[] = [];
  for (let r0 = 0; r0 < rows; r0 += group)
    out.push(...lockstep(Array.from({ length: Math.min(group, rows - r0) }, (_, r) => body(r0 + r))));
  return out;
}

export const mulI = (f: Fn, a: X, k: number): X => f.mod.i32.mul(a, f.i32(k));
export const addB = (f: Fn, ptr: X, elems: X): X => f.mod.i32.add(ptr, f.mod.i32.shl(elems, f.i32(2)));
export const minI = (f: Fn, a: () => X, b: () => X): X => f.mod.select(f.mod.i32.lt_s(a(), b()), a(), b());

/** What both kernels share: the (sample, head) loop, the scratch, the blocks of rows and keys, the row passes' vectors. */
export class Kit {
  readonly m: Mod;
  readonly L: ReturnType<typeof layout>;
  private readonly base: number;
  readonly bi: number;
  readonly hi: number;
  constructor(
    readonly f: Fn,
    readonly s: AttentionSpec,
    grad: boolean,
  ) {
    this.m = f.mod;
    this.L = layout(s, grad);
    [this.base, this.bi, this.hi] = [f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32)];
  }
  /** A scratch buffer's address. */
  at(off: number): X {
    return this.m.i32.add(this.f.get(this.base), this.f.i32(off));
  }
  /** `param + (b·bStride + h·hStride + extra)·4`. */
  head(param: X, bStride: number, hStride: number, extra = 0): X {
    const { f, m } = this;
    return addB(f, param, m.i32.add(m.i32.add(mulI(f, f.get(this.bi), bStride), mulI(f, f.get(this.hi), hStride)), f.i32(extra)));
  }
  /** The kernel: the scratch base, `once` before the loop, `perHead` for every (b, h). */
  body(ws: X, n: () => X, once: X[], perHead: X[]): X[] {
    const { f, m } = this;
    return [
      f.set(this.base, m.i32.and(m.i32.add(ws, f.i32(15)), f.i32(~15))),
      ...once,
      f.set(this.bi, f.i32(0)),
      f.whileLoop(
        () => m.i32.lt_s(f.get(this.bi), n()),
        [f.set(this.hi, f.i32(0)), repeat(f, this.s.heads, [...perHead, f.addI(this.hi, 1)]), f.addI(this.bi, 1)],
      ),
    ];
  }
  /** Packs a head's rows [s][w] (row stride `stride` floats, at the local `src`) as panels of 8 rows [w][8] at `dst`. */
  packT(dst: number, src: number, w: number, stride: number): X {
    const { f, m } = this;
    const j = f.local(f.b.i32);
    const sp = f.local(f.b.i32);
    const d = f.local(f.b.i32);
    const row: X[] = [
      f.set(
        d,
        m.i32.add(
          this.at(dst),
          m.i32.add(mulI(f, m.i32.shr_u(f.get(j), f.i32(3)), w * 32), m.i32.shl(m.i32.and(f.get(j), f.i32(7)), f.i32(2))),
        ),
      ),
    ];
    for (let c = 0; c < w; c++) row.push(m.f32.store(c * 32, 4, f.get(d), m.f32.load(c * 4, 4, f.get(sp))));
    row.push(f.addI(sp, stride * 4), f.addI(j, 1));
    return m.block(null, [f.set(j, f.i32(0)), f.set(sp, f.get(src)), repeat(f, this.s.s, row)]);
  }
  /**
   * Copies `n` rows of `w` floats (row stride `stride` floats, from the local `src`) to `dst` as
   * panels of 8 columns, [⌈w/8⌉][n][8]: a tile then reads a panel's rows 32 bytes apart.
   */
  packRows(dst: number, src: number, n: number, w: number, stride: number): X {
    const { f, m } = this;
    const [sp, d] = [f.local(f.b.i32), f.local(f.b.i32)];
    const row: X[] = [];
    for (let c = 0; c < w; c += 4) {
      const lanes = Math.min(4, w - c);
      row.push(...storePartial(f, f.get(d), (c >> 3) * n * 32 + (c & 7) * 4, lanes, loadPartial(f, f.get(sp), c * 4, lanes)));
    }
    row.push(f.addI(sp, stride * 4), f.addI(d, 32));
    return m.block(null, [f.set(sp, f.get(src)), f.set(d, this.at(dst)), repeat(f, n, row)]);
  }
  /** Row `row` (an i32, or null: 0) of the panel of columns from `col` (a multiple of 8) in a packRows copy of `n` rows. */
  panelAt(dst: number, n: number, col: X, row: X | null): X {
    const { f, m } = this;
    const at = m.i32.add(this.at(dst), mulI(f, col, n * 4));
    return row ? m.i32.add(at, m.i32.shl(row, f.i32(5))) : at;
  }
  /** Zeros the last panel of a packed [w][8] buffer when s is not a multiple of 8 (its rows past s are never written). */
  padT(dst: number, w: number): X[] {
    if (this.s.s % 8 === 0) return [];
    const z = this.f.local(this.f.b.i32);
    return [this.f.set(z, this.at(dst + (this.L.panels - 1) * w * 32)), zeroFill(this.f, z, w * 8)];
  }
  /** Blocks of 4 (then the rest) of `count` rows or keys: `body(R, first)`; first is a local. */
  blocks(count: number, body: (rows: number, first: number) => X[]): X {
    const { f, m } = this;
    const at = f.local(f.b.i32);
    const out: X[] = [f.set(at, f.i32(0)), repeat(f, Math.floor(count / 4), [...body(4, at), f.addI(at, 4)])];
    if (count % 4) out.push(...body(count % 4, at));
    return m.block(null, out);
  }
  /** The keys a block of query rows from `i0` sees: min(i0 + R, s) when causal. */
  keys(i0: number, rows: number): () => X {
    const { f, m, s } = this;
    return s.causal
      ? () =>
          minI(
            f,
            () => m.i32.add(f.get(i0), f.i32(rows)),
            () => f.i32(s.s),
          )
      : () => f.i32(s.s);
  }
  /** The 8-key panels of S a block of query rows from `i0` needs. */
  panels(i0: number, rows: number): number | (() => X) {
    return this.s.causal ? () => this.m.i32.shr_u(this.m.i32.add(this.keys(i0, rows)(), this.f.i32(7)), this.f.i32(3)) : this.L.panels;
  }
  /** Score row i0 + r's address (i0 a local). */
  rowOf(buf: number, i0: number, r: number): X {
    return addB(this.f, this.at(buf), mulI(this.f, this.f.mod.i32.add(this.f.get(i0), this.f.i32(r)), this.L.ss));
  }
  /** Score row i's address. */
  row(buf: number, i: number): X {
    return addB(this.f, this.at(buf), mulI(this.f, this.f.get(i), this.L.ss));
  }
  /** rowVectors(s, i0) at run time (i0 a local, a multiple of 4). */
  vectors(i0: number): X {
    const { f, m, s } = this;
    if (!s.causal) return f.i32(rowVectors(s, 0));
    const end = minI(
      f,
      () => m.i32.add(f.get(i0), f.i32(1)),
      () => f.i32(s.s),
    );
    return m.i32.shr_u(m.i32.add(end, f.i32(3)), f.i32(2));
  }
  /**
   * The stored P's rows of a block of `rows` query rows from i0 (Kit.blocks' order): `at` (a local)
   * is the block's first value; sets each row's local in `prs` (row r at at + r·vectors·16 bytes) and
   * moves `at` past the block. Run before the block's rowsLoop, which advances the rows' locals.
   */
  probRows(at: number, i0: number, rows: number, prs: readonly number[]): X[] {
    const { f, m } = this;
    const bytes = f.local(f.b.i32);
    return [
      f.set(bytes, m.i32.shl(this.vectors(i0), f.i32(4))),
      ...prs.map((l, r) => f.set(l, m.i32.add(f.get(at), mulI(f, f.get(bytes), r)))),
      f.set(at, m.i32.add(f.get(at), mulI(f, f.get(bytes), rows))),
    ];
  }
  /**
   * The vectors of the passes of rows i0 … i0 + rows − 1 (a block from blocks(), i0 a multiple
   * of 4, so that its rows have the same number of vectors): keys 0 … the 4-aligned end past
   * min(i + 1, s) (causal) or s. `body(r, valid, j)` gives row i0 + r's statements for one
   * vector, `valid` the lanes that are keys the query sees (null: all), `j` the vector's first
   * key (a local); the rows' statement lists (of equal length) run interleaved, `group` rows at a
   * time, so that the rows' dependency chains overlap; the streams advance by 16 bytes a vector.
   */
  rowsLoop(i0: number, rows: number, streams: readonly number[], body: (r: number, valid: X | null, j: number) => X[], group = rows): X {
    const { f, m, s } = this;
    const [jv, j, cnt] = [f.local(f.b.v128), f.local(f.b.i32), f.local(f.b.i32)];
    const iv = Array.from({ length: rows }, () => f.local(f.b.v128));
    const count = this.vectors(i0);
    const inRow = s.s % 4 ? () => m.i32x4.lt_s(f.get(jv), splatI(f, s.s)) : null;
    const valid = (r: number): X | null => {
      if (!s.causal) return inRow ? inRow() : null;
      const le = m.i32x4.le_s(f.get(jv), f.get(iv[r]));
      return inRow ? m.v128.and(le, inRow()) : le;
    };
    return m.block(null, [
      f.set(jv, m.v128.const(Array.from(new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)))),
      ...iv.map((l, r) => f.set(l, m.i32x4.splat(m.i32.add(f.get(i0), f.i32(r))))),
      f.set(j, f.i32(0)),
      f.set(cnt, count),
      f.whileLoop(
        () => m.i32.gt_s(f.get(cnt), f.i32(0)),
        [
          ...groups(rows, group, (r) => body(r, valid(r), j)),
          ...streams.map((p) => f.addI(p, 16)),
          f.set(jv, m.i32x4.add(f.get(jv), splatI(f, 4))),
          f.addI(j, 4),
          f.set(cnt, m.i32.sub(f.get(cnt), f.i32(1))),
        ],
      ),
    ]);
  }
  /** The dropout mask's 4 values at a row's vector of keys j (fewer past s). */
  maskAt(mk: number, j: number): X {
    const { f, m, s } = this;
    const rest = s.s % 4;
    if (rest === 0) return m.v128.load(0, 4, f.get(mk));
    return m.if(m.i32.le_s(m.i32.add(f.get(j), f.i32(4)), f.i32(s.s)), m.v128.load(0, 4, f.get(mk)), loadPartial(f, f.get(mk), 0, rest));
  }
}

/**
 * e^x of a softmax's argument x ≤ 0 (s − max, or s − lse), as statements into the local `out`
 * with three v128 temporaries: math.ts's expSteps (the same f32 operations: range reduction,
 * polynomial) without its upper clamp (x ≤ 0 here; a lane past it is masked out by the caller)
 * and with 2ⁿ in one step: for n ≥ −126, r(x)·2ⁿ is the same f32 as expSteps' r(x)·2^⌊n/2⌋·2^⌈n/2⌉
 * (the first product is exact); below, where e^x < 2^−126, the result is 0 (the exponent field
 * clamped at 0), where expSteps gives a subnormal or a tiny normal number. 27 operations
 * instead of 32.
 */
export function softmaxExp(f: Fn, x: X, out: number, [t, nf, r]: readonly number[]): X[] {
  const m = f.mod;
  const c = (k: number) => splatF(f, k);
  const steps: X[] = [f.set(out, m.f32x4.pmax(x, c(-104))), ...expReduce(f, out, [t, nf, r]), f.set(out, c(EXP_P[EXP_P.length - 1]))];
  for (let i = EXP_P.length - 2; i >= 0; i--) steps.push(f.set(out, m.f32x4.add(m.f32x4.mul(f.get(out), f.get(r)), c(EXP_P[i]))));
  const biased = m.i32x4.add(m.i32x4.sub(f.get(t), splatI(f, 0x4b400000)), splatI(f, 127));
  steps.push(expRebuild(f, out, r), f.set(out, m.f32x4.mul(f.get(out), m.i32x4.shl(m.i32x4.max_s(biased, splatI(f, 0)), f.i32(23)))));
  return steps;
}

export const lane0 = (m: Mod, v: X): X => m.f32x4.extract_lane(v, 0);
export const and = (m: Mod, v: X, valid: X | null): X => (valid ? m.v128.and(v, valid) : v);
