// The tn GEMM of gemm.ts, C[k, n] (+)= A[m, k]ᵀ · B[m, n] (+ bias[n]): a dense layer's kernel
// gradient Xᵀ·dY, whose reduction runs over the m rows (the flattened batch) of both operands.
//
// Read in place, a register tile (MR rows of C × an 8-column panel) would walk all m rows with
// strides k·4 and n·4 bytes, using 16 and 32 bytes of each 64-byte line; with power-of-two
// strides those lines also fall into a few cache sets, so the next tile finds none of them and
// every step streams from L3. Instead the reduction is cut into chunks of `rows` rows and C
// into groups of `tiles` register tiles (C rows) × blocks of `cols` columns:
//
//   for each group (rows of C) and column block:
//     for each chunk of rows r0 … r0+mc:
//       for each 8-column panel:
//         for each tile of the group: the tile's sums over the chunk
//
// A's chunk is packed tile-major (each tile reads 16 contiguous bytes a step) and stays in L1
// while B's panels pass; each panel of B is packed (32 bytes a step) once per group. The packing
// is not a phase of its own: the block's first panel reads A in place and writes the packed copy
// as it goes, and each panel's first tile does the same for B, so that the packs' cache misses
// (A's and B's chunks come from L3 or memory) wait behind the multiply-adds instead of stalling a
// copy loop (3–7% of the call at the transformer's shapes: docs/benchmarks.md).
// The bits are those of one pass over all m rows: a tile's accumulators start at 0 in
// the first chunk and carry on in order across chunks (between chunks they wait in the scratch
// block `s`, stored and reloaded as they are), and the last chunk adds bias and then (with
// accumulate) the old C at the store. The relaxed variant differs only in the multiply-add.
//
// Scratch at ws (16-aligned, tnScratch): ap (rows × tiles × 16 bytes), bp (rows × 32 bytes),
// s (tiles·MR rows × cols floats).
import { Fn, ZERO16, loadPartial, storePartial, type X } from "./fn.js";

/** How the tn kernel blocks its loops (the defaults were measured on the transformer's shapes: docs/benchmarks.md). */
export interface TnBlocking {
  /** Rows of A and B per chunk of the reduction. */
  readonly rows: number;
  /** Register tiles (MR rows of C each) per group: the packed chunk of A is rows × tiles × 16 bytes. */
  readonly tiles: number;
  /** Columns of C per block, a multiple of 8: the partial sums of a group × block wait in scratch between chunks. */
  readonly cols: number;
}

export const TN_BLOCKING: TnBlocking = { rows: 64, tiles: 32, cols: 128 };

export interface TnShape {
  readonly name: string;
  readonly k: number;
  readonly n: number;
  /** Rows per register tile (1..4). */
  readonly mr: number;
  readonly bias: boolean;
  readonly accumulate: boolean;
  readonly blocking?: TnBlocking;
}

interface Layout {
  readonly mc: number; // rows per chunk
  readonly gt: number; // tiles per group
  readonly nc: number; // columns per block
  readonly bp: number; // byte offsets in the aligned scratch
  readonly s: number;
  readonly bytes: number; // with 16 bytes of alignment slack
}

function layout(t: TnShape): Layout {
  const blk = t.blocking ?? TN_BLOCKING;
  if (!(Number.isInteger(blk.rows) && blk.rows > 0 && Number.isInteger(blk.tiles) && blk.tiles > 0 && blk.cols > 0 && blk.cols % 8 === 0))
    throw new Error(`gemm ${t.name}: tn blocking needs rows, tiles > 0 and cols a positive multiple of 8`);
  const mc = blk.rows;
  const gt = Math.min(blk.tiles, Math.ceil(t.k / t.mr));
  const nc = Math.min(blk.cols, Math.ceil(t.n / 8) * 8);
  const bp = mc * gt * 16;
  const s = bp + mc * 32;
  return { mc, gt, nc, bp, s, bytes: s + gt * t.mr * nc * 4 + 16 };
}

/** Bytes of scratch the tn kernel needs at `ws`. */
export const tnScratchBytes = (t: TnShape): number => layout(t).bytes;

/** The columns [lo, hi) of C to compute (elements), as expressions over locals set by `init`. */
export interface TnColumns {
  readonly init: X[];
  readonly lo: () => X;
  readonly hi: () => X;
}

/**
 * The rows [8·lo, 8·hi) of C to compute (hi = 0: all), where threads share the call by C's rows
 * (a tall kernel gradient: each thread packs only its own columns of A and writes a contiguous
 * block of C, which the optimizer's update then reads on the same thread): locals holding lo, hi.
 */
export interface TnRows {
  readonly lo: number;
  readonly hi: number;
}

/** Rows of C per unit of a rows range. */
export const TN_ROW_UNIT = 8;

/** acc + a·b (plain or relaxed: the caller's choice, the same as its other GEMMs'). */
export type Madd = (a: X, b: X, acc: X) => X;

interface TileArgs {
  rows: number; // MR of this tile (static)
  width: number; // valid columns, 1..8
  ap: number; // local: the tile's packed A (16 bytes per step)
  bp: number; // local: the packed B panel (32 bytes per step)
  count: number; // local: steps (the chunk's rows, ≥ 0)
  sp: number; // local: the tile's partial sums (row stride sRow)
  sRow: number;
  cp: number; // local: C at the tile's first row and the panel's column
  cRow: number;
  biasPtr: number | null;
  accumulate: boolean;
  first: number; // local: 1 in the first chunk (the sums start at 0)
  last: number; // local: 1 in the last chunk (C is written)
  /** Read A in place (local: the tile's first column at the chunk's first row, rows aStride bytes apart) and write ap as it goes. */
  packA?: { src: number; stride: number };
  /** Read B in place (local: the panel at the chunk's first row, rows bStride bytes apart) and write bp as it goes. */
  packB?: { src: number; stride: number };
}

/** One MR × width tile over one chunk: sums from 0 or from scratch, then to scratch or (last chunk) to C. */
function tile(f: Fn, t: TileArgs, madd: Madd): X {
  const m = f.mod;
  const b = f.b;
  const nv = Math.ceil(t.width / 4);
  const acc = Array.from({ length: t.rows }, () => Array.from({ length: nv }, () => f.local(b.v128)));
  const zero: X[] = [];
  const load: X[] = [];
  for (let q = 0; q < t.rows; q++)
    for (let v = 0; v < nv; v++) {
      zero.push(f.set(acc[q][v], m.v128.const(ZERO16)));
      load.push(f.set(acc[q][v], m.v128.load(q * t.sRow + v * 16, 16, f.get(t.sp))));
    }
  const ap = f.local(b.i32);
  const bp = f.local(b.i32);
  const bEnd = f.local(b.i32); // bp past the chunk: the loop ends on a pointer compare, no counter
  const as = t.packA ? f.local(b.i32) : -1;
  const bs = t.packB ? f.local(b.i32) : -1;
  const bv = Array.from({ length: nv }, () => f.local(b.v128));
  const av = f.local(b.v128);
  const step: X[] = [];
  for (let v = 0; v < nv; v++) {
    if (!t.packB) step.push(f.set(bv[v], m.v128.load(v * 16, 16, f.get(bp))));
    else {
      // The packing's load and store beside the multiply-adds, which hide its misses.
      step.push(f.set(bv[v], loadPartial(f, f.get(bs), v * 16, Math.min(4, t.width - 4 * v))));
      step.push(m.v128.store(v * 16, 16, f.get(bp), f.get(bv[v])));
    }
  }
  if (t.packA) step.push(m.v128.store(0, 16, f.get(ap), loadPartial(f, f.get(as), 0, t.rows)));
  for (let q = 0; q < t.rows; q++) {
    step.push(f.set(av, m.v128.load32_splat(q * 4, 4, f.get(t.packA ? as : ap))));
    for (let v = 0; v < nv; v++) step.push(f.set(acc[q][v], madd(f.get(av), f.get(bv[v]), f.get(acc[q][v]))));
  }
  step.push(f.addI(ap, 16), f.addI(bp, 32));
  if (t.packA) step.push(f.addI(as, t.packA.stride));
  if (t.packB) step.push(f.addI(bs, t.packB.stride));
  const top = f.label("k");
  // The last chunk: (+ bias) (+ the old C), partial stores on the tail vector; otherwise the sums wait in scratch.
  const tmp = f.local(b.v128);
  const store: X[] = [];
  const keep: X[] = [];
  for (let q = 0; q < t.rows; q++) {
    for (let v = 0; v < nv; v++) {
      const lanes = Math.min(4, t.width - 4 * v);
      const off = q * t.cRow + v * 16;
      let val = f.get(acc[q][v]);
      if (t.biasPtr !== null) val = m.f32x4.add(val, loadPartial(f, f.get(t.biasPtr), v * 16, lanes));
      if (t.accumulate) val = m.f32x4.add(val, loadPartial(f, f.get(t.cp), off, lanes));
      store.push(f.set(tmp, val), ...storePartial(f, f.get(t.cp), off, lanes, f.get(tmp)));
      keep.push(m.v128.store(q * t.sRow + v * 16, 16, f.get(t.sp), f.get(acc[q][v])));
    }
  }
  return m.block(null, [
    m.if(f.get(t.first), m.block(null, zero), m.block(null, load)),
    f.set(ap, f.get(t.ap)),
    f.set(bp, f.get(t.bp)),
    f.set(bEnd, m.i32.add(f.get(t.bp), m.i32.shl(f.get(t.count), f.i32(5)))),
    ...(t.packA ? [f.set(as, f.get(t.packA.src))] : []),
    ...(t.packB ? [f.set(bs, f.get(t.packB.src))] : []),
    m.if(m.i32.gt_s(f.get(t.count), f.i32(0)), m.loop(top, m.block(null, [...step, m.br(top, m.i32.ne(f.get(bp), f.get(bEnd)))]))),
    m.if(f.get(t.last), m.block(null, store), m.block(null, keep)),
  ]);
}

/** `while (count-- > 0) body` on a fresh counter local set from `count`. */
function times(f: Fn, count: X, body: X[]): X {
  const m = f.mod;
  const ctr = f.local(f.b.i32);
  const top = f.label("n");
  return m.block(null, [
    f.set(ctr, count),
    m.if(
      m.i32.gt_s(f.get(ctr), f.i32(0)),
      m.loop(top, m.block(null, [...body, f.set(ctr, m.i32.sub(f.get(ctr), f.i32(1))), m.br(top, m.i32.gt_s(f.get(ctr), f.i32(0)))])),
    ),
  ]);
}

const minI = (f: Fn, a: X, b: X, a2: X, b2: X): X => f.mod.select(f.mod.i32.lt_s(a, b), a2, b2);

/**
 * The body of a tn export whose parameters are locals `pm`, `pa`, `pb`, `pc`, `pbias` (or null)
 * and `pws`: C's columns `cols` for all of its rows.
 */
export function tnBody(
  f: Fn,
  t: TnShape,
  p: { m: number; a: number; b: number; c: number; bias: number | null; ws: number },
  cols: TnColumns,
  madd: Madd,
  rowRange?: TnRows,
): X[] {
  const m = f.mod;
  const i32 = f.b.i32;
  const { k, n, mr } = t;
  const L = layout(t);
  const { mc: MC, gt: GT, nc: NC } = L;
  const full = Math.floor(k / mr); // full tiles
  const kt = k % mr; // rows of the tail tile
  const tiles = full + (kt > 0 ? 1 : 0);
  const tailW = n % 8;
  const [ws, jlo, jhi, fullEnd, t0, nf, hasTail, jb, je, r0, mcl, first, last, j] = Array.from({ length: 14 }, () => f.local(i32));
  const [aT, bpp, sT, cT, biasT, tEnd, fEnd] = Array.from({ length: 7 }, () => f.local(i32));
  const at = (off: number): X => m.i32.add(f.get(ws), f.i32(off));

  // Packing is fused into the tiles (TileArgs.packA, packB): the block's first panel reads A's chunk in
  // place and writes ap[i][r][q] = A[r0 + r, (t0 + i)·MR + q] as it goes (the later panels read ap),
  // and each panel's first tile reads B's chunk in place and writes bp[r][0 … 8) = B[r0 + r, j … j+w).
  const [aS, bS] = [f.local(i32), f.local(i32)];
  const panel = (w: number, firstPanel: boolean): X => {
    const args = (rows: number, packB: boolean): TileArgs => ({
      rows,
      width: w,
      ap: aT,
      bp: bpp,
      count: mcl,
      sp: sT,
      sRow: NC * 4,
      cp: cT,
      cRow: n * 4,
      biasPtr: p.bias === null ? null : biasT,
      accumulate: t.accumulate,
      first,
      last,
      packA: firstPanel ? { src: aS, stride: k * 4 } : undefined,
      packB: packB ? { src: bS, stride: n * 4 } : undefined,
    });
    const next = (): X[] => [
      f.addI(aT, MC * 16),
      f.addI(sT, mr * NC * 4),
      f.addI(cT, mr * n * 4),
      ...(firstPanel ? [f.addI(aS, mr * 4)] : []),
    ];
    const out: X[] = [
      f.set(bpp, at(L.bp)),
      f.set(bS, m.i32.add(f.get(p.b), m.i32.shl(m.i32.add(m.i32.mul(f.get(r0), f.i32(n)), f.get(j)), f.i32(2)))),
      f.set(aT, f.get(ws)),
      f.set(sT, m.i32.add(at(L.s), m.i32.shl(m.i32.sub(f.get(j), f.get(jb)), f.i32(2)))),
      f.set(cT, m.i32.add(f.get(p.c), m.i32.shl(m.i32.add(m.i32.mul(f.get(t0), f.i32(mr * n)), f.get(j)), f.i32(2)))),
    ];
    if (firstPanel)
      out.push(
        f.set(aS, m.i32.add(f.get(p.a), m.i32.shl(m.i32.add(m.i32.mul(f.get(r0), f.i32(k)), m.i32.mul(f.get(t0), f.i32(mr))), f.i32(2)))),
      );
    if (p.bias !== null) out.push(f.set(biasT, m.i32.add(f.get(p.bias), m.i32.shl(f.get(j), f.i32(2)))));
    // The first full tile packs B; without full tiles in the group, the tail tile does.
    const fullTiles: X[] = [
      tile(f, args(mr, true), madd),
      ...next(),
      times(f, m.i32.sub(f.get(nf), f.i32(1)), [tile(f, args(mr, false), madd), ...next()]),
    ];
    if (kt > 0) fullTiles.push(m.if(f.get(hasTail), tile(f, args(kt, false), madd)));
    out.push(
      kt > 0 ? m.if(m.i32.gt_s(f.get(nf), f.i32(0)), m.block(null, fullTiles), tile(f, args(kt, true), madd)) : m.block(null, fullTiles),
    );
    return m.block(null, out);
  };

  // One chunk of rows: pack A, then the block's panels (the tail panel last, when in the block).
  const chunkTop = f.label("chunk");
  // The block's first panel (a full one, else the tail panel), then the others.
  const panels: X[] = [f.set(j, f.get(jb))];
  const fullLeft = (): X => m.i32.and(m.i32.lt_s(f.get(j), f.get(je)), m.i32.lt_s(f.get(j), f.get(fullEnd)));
  const rest: X[] = [f.whileLoop(fullLeft, [panel(8, false), f.addI(j, 8)])];
  if (tailW > 0) rest.push(m.if(m.i32.lt_s(f.get(j), f.get(je)), panel(tailW, false)));
  const firstFull = m.block(null, [panel(8, true), f.addI(j, 8), ...rest]);
  panels.push(tailW > 0 ? m.if(fullLeft(), firstFull, panel(tailW, true)) : firstFull);
  const chunk = m.loop(
    chunkTop,
    m.block(null, [
      f.set(mcl, minI(f, m.i32.sub(f.get(p.m), f.get(r0)), f.i32(MC), m.i32.sub(f.get(p.m), f.get(r0)), f.i32(MC))),
      f.set(first, m.i32.eqz(f.get(r0))),
      f.set(last, m.i32.ge_s(m.i32.add(f.get(r0), f.i32(MC)), f.get(p.m))),
      ...panels,
      f.addI(r0, MC),
      m.br(chunkTop, m.i32.lt_s(f.get(r0), f.get(p.m))),
    ]),
  );

  return [
    ...cols.init,
    f.set(ws, m.i32.and(m.i32.add(f.get(p.ws), f.i32(15)), f.i32(~15))),
    f.set(jlo, cols.lo()),
    f.set(jhi, cols.hi()),
    f.set(fullEnd, minI(f, f.get(jhi), f.i32(n - tailW), f.get(jhi), f.i32(n - tailW))),
    // Register tiles [t0, tEnd) of C's rows; fEnd: the end of the full ones among them. A tile's
    // sums do not depend on the group it is packed with, so any range writes the whole call's bits.
    ...tileRange(f, t, rowRange, { t0, tEnd, fEnd }),
    f.whileLoop(
      () => m.i32.lt_s(f.get(t0), f.get(tEnd)),
      [
        f.set(nf, minI(f, m.i32.sub(f.get(fEnd), f.get(t0)), f.i32(GT), m.i32.sub(f.get(fEnd), f.get(t0)), f.i32(GT))),
        f.set(hasTail, m.i32.and(m.i32.gt_s(f.get(tEnd), f.i32(full)), m.i32.ge_s(m.i32.add(f.get(t0), f.i32(GT)), f.i32(tiles)))),
        f.set(jb, f.get(jlo)),
        f.whileLoop(
          () => m.i32.lt_s(f.get(jb), f.get(jhi)),
          [
            f.set(je, minI(f, m.i32.add(f.get(jb), f.i32(NC)), f.get(jhi), m.i32.add(f.get(jb), f.i32(NC)), f.get(jhi))),
            f.set(r0, f.i32(0)),
            chunk,
            f.addI(jb, NC),
          ],
        ),
        f.addI(t0, GT),
      ],
    ),
  ];
}

/** Sets t0, tEnd and fEnd: every tile of C, or a rows range's (units of TN_ROW_UNIT rows, hi = 0: all). */
function tileRange(f: Fn, t: TnShape, r: TnRows | undefined, l: { t0: number; tEnd: number; fEnd: number }): X[] {
  const m = f.mod;
  const full = Math.floor(t.k / t.mr);
  const tiles = full + (t.k % t.mr > 0 ? 1 : 0);
  if (!r) return [f.set(l.t0, f.i32(0)), f.set(l.tEnd, f.i32(tiles)), f.set(l.fEnd, f.i32(full))];
  if (TN_ROW_UNIT % t.mr !== 0) throw new Error(`gemm ${t.name}: a rows range needs ${TN_ROW_UNIT} rows to be whole tiles (mr ${t.mr})`);
  const per = TN_ROW_UNIT / t.mr; // tiles per unit
  const end = m.i32.mul(f.get(r.hi), f.i32(per));
  return [
    f.set(l.t0, m.i32.mul(f.get(r.lo), f.i32(per))),
    f.set(l.tEnd, m.select(f.get(r.hi), minI(f, end, f.i32(tiles), m.i32.mul(f.get(r.hi), f.i32(per)), f.i32(tiles)), f.i32(tiles))),
    f.set(l.fEnd, minI(f, f.get(l.tEnd), f.i32(full), f.get(l.tEnd), f.i32(full))),
  ];
}
