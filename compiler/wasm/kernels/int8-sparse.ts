// The int8 dense kernel of int8-gemm.ts for layers whose input is mostly zeros (a relu's
// output, or a max pool of relu outputs): the same parameters, the same packed weights, the
// same bits, skipping the pairs of k whose two quantized inputs are both zero.
//
//   y[m, n] = act(f32(acc) · mult + bias),  acc[r, c] = Σ over the row's nonzero pairs p of
//             q(x)[r, 2p]·Wq[2p, c] + q(x)[r, 2p+1]·Wq[2p+1, c]      int8Sparse(m, x, w, scale, [bias], y, ws)
//
// A skipped pair adds exactly 0 to an exact i32 sum, and integer sums do not depend on their
// order, so every output bit is the dense kernel's and the scalar reference's
// (runtime/kernels/int8.ts; tests/backend/quantize-kernel.test.ts). A quantized zero is an
// exact zero: a relu's zeros stay zeros, and so do the inputs that round to 0.
//
// Rows go in blocks of `rowBlock` (default 16). A block is quantized into ws as int8-gemm.ts
// does (i16, a pair per i32); then each row is compacted into a list of its nonzero pairs, in
// increasing p, with gemm-sparse.ts's trick: one i32x4 compare with zero per 4 pairs, its
// 4-bit mask picks a byte shuffle from a 16-entry table that moves the kept lanes to the
// front, i8x16.swizzle applies it to the pairs and to their weights' byte addresses
// (w + 32·p in the first panel), and the list grows by popcnt(mask). Where the block's
// nonzero pairs are more than INT8_SPARSE_BELOW of its pairs, the block runs the dense
// kernel's 4×8 tiles on its quantized rows (int8Rows: each weight vector loaded once for 4
// rows); else, per group of up to `wide` (default 4) 8-column panels, each row of the block
// runs a one-row tile over its list: per listed pair one broadcast of the pair and, per
// panel, two weight vectors and two i32x4.dot_i16x8_s — the dense 4-row tile's work per pair
// and row, on the nonzero pairs only. The group's weights (wide · pairs · 32 bytes: 346 KB
// for the seed CNN's 5408×128 layer) stay in L2 while the block's rows pass.
import type { BinaryenApi } from "./binaryen.js";
import { ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { panelGroups } from "./gemm-packed.js";
import { compactShuffles, compactStep } from "./gemm-sparse.js";
import { int8DenseFn, int8DenseParams, int8Rows, pairsOf, quantizeRow, type Int8DenseSpec } from "./int8-gemm.js";
import { reluV } from "./math.js";

export interface Int8SparseSpec extends Int8DenseSpec {
  /** Rows per block (default 16). */
  readonly rowBlock?: number;
  /** 8-column panels per one-row tile (default 4). */
  readonly wide?: number;
}

/**
 * A block runs the dense tiles when its nonzero pairs are more than this share of its pairs.
 * Measured on the seed CNN at batch 256 (whole modules, one process; docs/benchmarks.md, "int8
 * at batch 256"): at 38% nonzero pairs (one epoch) the lists make the module 1.33× faster than
 * the dense tiles alone; at 96% (20 steps) lists alone make it 1.20× slower. Shares of 0.45,
 * 0.6 and 0.8 measured alike on these two models (no block of theirs falls between).
 */
export const INT8_SPARSE_BELOW = 0.6;

const round16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;
const TABLE = 256;
/** Bytes of one row's list half: its pairs (and a vector of slack for the last step's overhang). */
const listHalf = (pairs: number): number => round16(4 * pairs + 16);

/** The parameter names of the export, in order: the dense kernel's. */
export const int8SparseParams = (spec: Int8SparseSpec): string[] => int8DenseParams(spec);

/** Scratch bytes: the shuffle table, the block's list lengths, its quantized rows and their lists, 16 bytes of alignment slack. */
export function int8SparseScratchBytes(spec: Pick<Int8SparseSpec, "k" | "rowBlock">): number {
  const rb = spec.rowBlock ?? 16;
  const pairs = pairsOf(spec.k);
  return 16 + TABLE + round16(4 * rb) + round16(rb * 4 * pairs) + rb * 2 * listHalf(pairs);
}

/** Adds the export `spec.name` to `mod`. */
export function addInt8Sparse(b: BinaryenApi, mod: Mod, spec: Int8SparseSpec): void {
  const { k, n } = spec;
  const { f, p, add } = int8DenseFn(b, mod, spec, "int8 sparse");
  const rb = spec.rowBlock ?? 16;
  const wide = spec.wide ?? 2;
  if (!(Number.isInteger(rb) && rb >= 1)) throw new Error(`int8 sparse ${spec.name}: rowBlock must be a positive integer`);
  if (!(Number.isInteger(wide) && wide >= 1 && wide <= 6)) throw new Error(`int8 sparse ${spec.name}: wide must be 1..6`);
  const m = mod;
  const { m: pm, x: px, w: pw, scale: pscale, y: py, ws: pws, bias: pbias } = p;
  const [i32, v128] = [b.i32, b.v128];
  const pairs = pairsOf(k);
  const rowBytes = 4 * pairs; // a quantized row in ws (i16 pairs), as int8Rows reads it
  const half = listHalf(pairs);
  const slot = 2 * half; // one row's list: pairs, then addresses
  const full = Math.floor(n / 8);
  const tail = n % 8;
  const panelBytes = pairs * 32;
  const [table, counts, qrows, lists, r0, rows, r, src, dst, ap, pp, q, end, msk, total, yRow, yBase, addr] = Array.from(
    { length: 18 },
    () => f.local(i32),
  );
  const [v, iv, ctl, xv, w0, w1, tmp] = Array.from({ length: 7 }, () => f.local(v128));
  const body: X[] = [
    f.set(table, m.i32.and(m.i32.add(f.get(pws), f.i32(15)), f.i32(~15))),
    f.set(counts, m.i32.add(f.get(table), f.i32(TABLE))),
    f.set(qrows, m.i32.add(f.get(counts), f.i32(round16(4 * rb)))),
    f.set(lists, m.i32.add(f.get(qrows), f.i32(round16(rb * rowBytes)))),
  ];
  const shuffles = compactShuffles();
  for (let e = 0; e < 16; e++)
    body.push(m.v128.store(16 * e, 16, f.get(table), m.v128.const(Array.from(shuffles.subarray(16 * e, 16 * e + 16)))));

  // Quantize the block's rows into qrows (a row's odd k padded with a zero).
  const quantize = f.whileLoop(
    () => m.i32.lt_s(f.get(r), f.get(rows)),
    [
      f.set(dst, m.i32.add(f.get(qrows), m.i32.mul(f.get(r), f.i32(rowBytes)))),
      quantizeRow(f, src, dst, k, spec),
      ...(k % 2 === 1 ? [m.i32.store16(0, 2, f.get(dst), f.i32(0))] : []),
      f.addI(r, 1),
    ],
  );
  // Compaction of row r's pairs (at ap) into its list at pp; its byte length goes to counts[r] and into total.
  const step = compactStep(f, { v, msk, ctl, table, ap, pp, iv }, half, (x) => m.i32x4.ne(x, m.v128.const(ZERO16)));
  const slotOf = (row: X): X => m.i32.add(f.get(lists), m.i32.mul(row, f.i32(slot)));
  const countAt = (row: X): X => m.i32.add(f.get(counts), m.i32.shl(row, f.i32(2)));
  const compact = f.whileLoop(
    () => m.i32.lt_s(f.get(r), f.get(rows)),
    [
      f.set(ap, m.i32.add(f.get(qrows), m.i32.mul(f.get(r), f.i32(rowBytes)))),
      f.set(q, slotOf(f.get(r))),
      f.set(pp, f.get(q)),
      f.set(iv, m.i32x4.add(m.i32x4.splat(f.get(pw)), m.v128.const([0, 32, 64, 96].flatMap((x) => [x & 255, x >> 8, 0, 0])))),
      ...(pairs >= 4 ? [f.countedLoop(Math.floor(pairs / 4), step(4))] : []),
      ...(pairs % 4 > 0 ? step(pairs % 4) : []),
      m.i32.store(0, 4, countAt(f.get(r)), m.i32.sub(f.get(pp), f.get(q))),
      f.addI(r, 1),
    ],
  );
  // The block's nonzero pairs, counted first (i32x4 lanes of −1 where a pair ≠ 0, subtracted): a dense block is not compacted.
  const nz = f.local(v128);
  const count = f.whileLoop(
    () => m.i32.lt_s(f.get(r), f.get(rows)),
    [
      f.set(ap, m.i32.add(f.get(qrows), m.i32.mul(f.get(r), f.i32(rowBytes)))),
      ...(pairs >= 4
        ? [
            f.countedLoop(Math.floor(pairs / 4), [
              f.set(nz, m.i32x4.sub(f.get(nz), m.i32x4.ne(m.v128.load(0, 4, f.get(ap)), m.v128.const(ZERO16)))),
              f.addI(ap, 16),
            ]),
          ]
        : []),
      ...(pairs % 4 > 0
        ? [f.set(nz, m.i32x4.sub(f.get(nz), m.i32x4.ne(loadPartial(f, f.get(ap), 0, pairs % 4), m.v128.const(ZERO16))))]
        : []),
      f.addI(r, 1),
    ],
  );
  const lanes = [0, 1, 2, 3].map((l) => m.i32x4.extract_lane(f.get(nz), l));

  // One row × `panels` panels from panel p0 (width < 8: the tail panel, padded with zero columns in w) over row r's list.
  const accs = Array.from({ length: wide }, () => [f.local(v128), f.local(v128)]);
  const tile = (p0: number, panels: number, width: number): X => {
    const nv = Math.ceil(width / 4);
    const lanes = (u: number) => Math.min(4, width - 4 * u);
    const acc = accs.slice(0, panels);
    const st: X[] = acc.flatMap((a) => a.slice(0, nv)).map((l) => f.set(l, m.v128.const(ZERO16)));
    const inner: X[] = [f.set(addr, m.i32.load(half, 4, f.get(q))), f.set(xv, m.v128.load32_splat(0, 4, f.get(q)))];
    for (let p = 0; p < panels; p++) {
      const off = (p0 + p) * panelBytes;
      inner.push(f.set(w0, m.v128.load(off, 16, f.get(addr))));
      inner.push(f.set(acc[p][0], m.i32x4.add(f.get(acc[p][0]), m.i32x4.dot_i16x8_s(f.get(xv), f.get(w0)))));
      if (nv > 1) {
        inner.push(f.set(w1, m.v128.load(off + 16, 16, f.get(addr))));
        inner.push(f.set(acc[p][1], m.i32x4.add(f.get(acc[p][1]), m.i32x4.dot_i16x8_s(f.get(xv), f.get(w1)))));
      }
    }
    inner.push(f.addI(q, 4));
    const top = f.label("list");
    st.push(
      f.set(q, slotOf(f.get(r))),
      f.set(end, m.i32.add(f.get(q), m.i32.load(0, 4, countAt(f.get(r))))),
      m.if(m.i32.lt_u(f.get(q), f.get(end)), m.loop(top, m.block(null, [...inner, m.br(top, m.i32.lt_u(f.get(q), f.get(end)))]))),
    );
    // Epilogue, as int8Rows's: f32(acc) · mult (+ bias) (relu), the panel's valid columns only.
    for (let p = 0; p < panels; p++)
      for (let u = 0; u < nv; u++) {
        const col = (p0 + p) * 32 + u * 16;
        let val = m.f32x4.mul(m.f32x4.convert_i32x4_s(f.get(acc[p][u])), m.v128.load(col, 16, f.get(pscale)));
        if (pbias !== null) val = m.f32x4.add(val, loadPartial(f, f.get(pbias), col, lanes(u)));
        st.push(f.set(tmp, val));
        if (spec.relu) st.push(f.set(tmp, reluV(f, tmp)));
        st.push(...storePartial(f, f.get(yRow), col, lanes(u), f.get(tmp)));
      }
    return m.block(null, st);
  };
  const overRows = (t: X): X[] => [
    f.set(r, f.i32(0)),
    f.set(yRow, f.get(yBase)),
    f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(rows)), [t, f.addI(r, 1), f.addI(yRow, n * 4)]),
  ];
  const sparseRows: X[] = [];
  for (const [p0, panels] of panelGroups(full, wide)) sparseRows.push(...overRows(tile(p0, panels, 8)));
  if (tail > 0) sparseRows.push(...overRows(tile(full, 1, tail)));
  const denseRows = int8Rows(f, { xBase: qrows, yBase, rows, n, pairs, w: pw, scale: pscale, bias: pbias, relu: spec.relu });
  body.push(
    f.set(r0, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(r0), f.get(pm)),
      [
        f.set(rows, m.select(m.i32.lt_s(m.i32.add(f.get(r0), f.i32(rb)), f.get(pm)), f.i32(rb), m.i32.sub(f.get(pm), f.get(r0)))),
        f.set(src, m.i32.add(f.get(px), m.i32.mul(f.get(r0), f.i32(k * 4)))),
        f.set(yBase, m.i32.add(f.get(py), m.i32.mul(f.get(r0), f.i32(n * 4)))),
        f.set(r, f.i32(0)),
        quantize,
        f.set(r, f.i32(0)),
        f.set(nz, m.v128.const(ZERO16)),
        count,
        f.set(total, m.i32.add(m.i32.add(lanes[0], lanes[1]), m.i32.add(lanes[2], lanes[3]))),
        // The dense tiles where the nonzero pairs are more than the share, else the lists.
        m.if(
          m.f64.gt(m.f64.convert_u.i32(f.get(total)), m.f64.mul(m.f64.convert_u.i32(f.get(rows)), m.f64.const(pairs * INT8_SPARSE_BELOW))),
          denseRows,
          m.block(null, [f.set(r, f.i32(0)), compact, ...sparseRows]),
        ),
        f.addI(r0, rb),
      ],
    ),
  );
  add(m.block(null, body));
}
