// The forward GEMM of an exported model's dense layers whose input is mostly zeros (the
// output of a relu, or of a max pool of relu outputs), on the packed kernel of
// gemm-packed.ts (runtime/inference.ts packPanels), skipping the rows of B that meet a zero:
//
//   C[m, n] = act(A[m, k] · B[k, n] + bias[n])        sparseGemm(m, a, b, c [, bias] [, pre], ws)
//
// Each row of A is first compacted into a list of its nonzero entries, in increasing s:
// the values, and beside them the byte address of B's row s in the first panel (b + 32·s).
// One SIMD step per 4 entries: a compare with zero, its 4-bit mask picks a byte shuffle
// from a 16-entry table (written into scratch by each call) that moves the kept lanes to
// the front, i8x16.swizzle applies it to the values and to their addresses, and the list
// grows by popcnt(mask). Then every output element is the sum over the list:
//
//   zero, plus A[r, s]·B[s, c] for the listed s in increasing order (mul, then add; one
//   relaxed_madd in the relaxed variant), then + bias, then the activation
//
// which is the bits of the packed GEMM's sum over every s, because a skipped term adds
// A[r, s]·B[s, c] = ±0 (A[r, s] = ±0 and B finite: the loader refuses weights that are not,
// as the exporter does): an accumulator that starts at +0 is never −0 (x + y rounds to −0
// only when both are −0), and acc + ±0 = acc for every other acc (+0 + −0 = +0). So the
// results are bit for bit those of gemm-packed.ts (tests/wasm/gemm-sparse.test.ts, on rows
// with zeros of both signs, NaNs and none at all).
//
// The cost per listed entry is about that of one reduction step of the packed GEMM's
// one-row tile (one more load, the address; one pointer fewer to advance), so the time goes
// with the nonzero share of A, plus the compaction (~5 instructions per 4 entries of A).
// Tiles: one row × up to `wide` (default 3) 8-column panels (2·wide accumulators, as the
// packed GEMM's single rows), then the tail panel of n mod 8 columns; the panel groups are
// loops (one per group size, at most two), so the code does not grow with n. Rows go in blocks of
// `rowBlock` (default 16). A block's nonzeros are counted first (one SIMD compare per 4
// entries); where their share is above SPARSE_BELOW the block calls the packed GEMM itself
// (added to the module beside this kernel, not exported): its 4-row tiles load each B
// vector once for 4 rows, which beats one-row tiles over lists unless most of A is zero.
// Otherwise the block's rows are compacted, then each group of panels runs over every row
// of the block, so the group's part of B (k·32·wide bytes: 519 KB for the seed CNN's
// 5408×128 layer) is read from L2 by the block's rows after the first. Either path gives
// the same bits.
import type { BinaryenApi } from "./binaryen.js";
import { buildModule, type EmittedModule, type ModuleOptions } from "./module.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { activate } from "./gemm.js";
import { addPackedGemm, madd, packedGemmParams, panelGroups, type PackedGemmSpec } from "./gemm-packed.js";

/** The packed GEMM's spec (its rows per tile do not apply: a compacted block runs one-row tiles over its lists). */
export interface SparseGemmSpec extends Omit<PackedGemmSpec, "rowTile" | "rowBlock" | "internal"> {
  /** Rows compacted per block (default 8). */
  readonly rowBlock?: number;
}

/** The parameter names of a spec's export, in order. */
export function sparseGemmParams(spec: Pick<SparseGemmSpec, "bias" | "activation" | "preOut">): string[] {
  return [...packedGemmParams(spec), "ws"];
}

/**
 * A block takes the sparse path while its nonzero share of A is at most this, else the packed
 * GEMM's (its 4-row tiles load B once for 4 rows, which one-row tiles over lists cannot). Measured
 * on the seed CNN's 5408×128 layer (the kernels alone, alternating in one process): at 256 rows
 * the sparse path takes 0.51× the packed GEMM's time at a nonzero share of 0.25 (its inputs
 * after one epoch) and 1.27× at 0.89 (after 20 steps); at 64 rows with random zeros, 0.79× at
 * 0.55 and 0.99× at 0.65; at one row, where both run one-row tiles, the two are even at 0.89.
 */
export const SPARSE_BELOW = { tiles: 0.6, rows: 0.9 } as const;

const round16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;
const TABLE = 256; // 16 shuffles of 16 bytes

/** Bytes of one row's list: its values (k floats and a vector of slack for the last step's overhang), then as many addresses. */
const listHalf = (k: number): number => round16(4 * k + 16);

/** Scratch bytes of a spec (independent of the rows): the shuffle table, the block's counts and lists, 16 bytes of alignment slack. */
export function sparseGemmScratchBytes(spec: Pick<SparseGemmSpec, "k" | "rowBlock">): number {
  const rb = spec.rowBlock ?? 16;
  return 16 + TABLE + round16(4 * rb) + rb * 2 * listHalf(spec.k);
}

/** Where a call leaves the byte lengths of its last sparse block's lists (i32, one per row of the block), given its ws: for tests. */
export const sparseGemmCountsAt = (ws: number): number => Math.ceil(ws / 16) * 16 + TABLE;

/** The locals of a compaction step (compactStep), in the kernel's function. */
export interface CompactLocals {
  /** v128: the 4 values just loaded; their mask's shuffle; the 4 lanes' weight addresses (advanced by 128 per step). */
  readonly v: number;
  readonly ctl: number;
  readonly iv: number;
  /** i32: the 4-bit mask of nonzero lanes, the shuffle table, the row's read pointer and the list's write pointer. */
  readonly msk: number;
  readonly table: number;
  readonly ap: number;
  readonly pp: number;
}

/**
 * One step of compacting a row into its list (`lanes` ≤ 4 values at ap): the lanes that
 * `nonzero` marks move to the front of the values at pp and of their addresses at pp + half
 * (the table's shuffle for the 4-bit mask, applied by i8x16.swizzle), and pp advances by
 * 4 bytes per kept lane. The float GEMM compares floats (−0 is zero) and the int8 one i32 pairs.
 */
export function compactStep(f: Fn, l: CompactLocals, half: number, nonzero: (v: X) => X): (lanes: number) => X[] {
  const m = f.mod;
  return (lanes) => [
    f.set(l.v, loadPartial(f, f.get(l.ap), 0, lanes)),
    f.set(l.msk, m.i32x4.bitmask(nonzero(f.get(l.v)))),
    f.set(l.ctl, m.v128.load(0, 16, m.i32.add(f.get(l.table), m.i32.shl(f.get(l.msk), f.i32(4))))),
    m.v128.store(0, 4, f.get(l.pp), m.i8x16.swizzle(f.get(l.v), f.get(l.ctl))),
    m.v128.store(half, 4, f.get(l.pp), m.i8x16.swizzle(f.get(l.iv), f.get(l.ctl))),
    f.set(l.pp, m.i32.add(f.get(l.pp), m.i32.shl(m.i32.popcnt(f.get(l.msk)), f.i32(2)))),
    f.set(l.iv, m.i32x4.add(f.get(l.iv), m.i32x4.splat(f.i32(128)))),
    f.addI(l.ap, 16),
  ];
}

/** The 16 byte shuffles: entry `mask` moves the f32 lanes whose bit is set in mask to the front, in order. */
export function compactShuffles(): Uint8Array {
  const t = new Uint8Array(TABLE).fill(0x80);
  for (let mask = 0; mask < 16; mask++) {
    let to = 0;
    for (let lane = 0; lane < 4; lane++)
      if (mask & (1 << lane)) {
        for (let byte = 0; byte < 4; byte++) t[mask * 16 + to * 4 + byte] = lane * 4 + byte;
        to++;
      }
  }
  return t;
}

/** Adds the export `spec.name` to `mod` (memory 0 must exist). */
export function addSparseGemm(b: BinaryenApi, mod: Mod, spec: SparseGemmSpec): void {
  const { k, n } = spec;
  if (!(Number.isInteger(k) && Number.isInteger(n) && k > 0 && n > 0))
    throw new Error(`sparse gemm ${spec.name}: k and n must be positive integers`);
  const wide = spec.wide ?? 3;
  const rb = spec.rowBlock ?? 16;
  if (!(wide >= 1 && wide <= 6)) throw new Error(`sparse gemm ${spec.name}: wide must be 1..6`);
  if (!(Number.isInteger(rb) && rb >= 1)) throw new Error(`sparse gemm ${spec.name}: rowBlock must be a positive integer`);
  // The packed GEMM, which the blocks of dense rows call (not exported).
  const dense = `${spec.name}_packed`;
  const { bias, activation, slope, preOut, relaxed } = spec;
  addPackedGemm(b, mod, { name: dense, k, n, bias, activation, slope, preOut, relaxed, internal: true });
  const names = sparseGemmParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const P = (name: string) => names.indexOf(name);
  const [pm, pa, pb, pc, pws] = [P("m"), P("a"), P("b"), P("c"), P("ws")];
  const pbias = spec.bias ? P("bias") : null;
  const m = mod;
  const [i32, v128] = [b.i32, b.v128];
  const half = listHalf(k);
  const slot = 2 * half; // one row's list: values, then addresses
  const full = Math.floor(n / 8);
  const tail = n % 8;
  const panelBytes = k * 32;

  const [table, counts, lists, r0, rEnd, r, q, end, ap, pp, msk, cRow, addr, bTail] = Array.from({ length: 14 }, () => f.local(i32));
  // The panel group's byte offsets: of its first panel in B, of its first column in a row of C (and in the bias), and the bias there.
  const [gOff, colB, biasG] = [f.local(i32), f.local(i32), f.local(i32)];
  const [v, iv, ctl, nz] = [f.local(v128), f.local(v128), f.local(v128), f.local(v128)];
  const preDelta = spec.activation && spec.preOut ? f.local(i32) : null;
  const body: X[] = [];
  if (preDelta !== null) body.push(f.set(preDelta, m.i32.sub(f.get(P("pre")), f.get(pc))));
  body.push(
    f.set(table, m.i32.and(m.i32.add(f.get(pws), f.i32(15)), f.i32(~15))),
    f.set(counts, m.i32.add(f.get(table), f.i32(TABLE))),
    f.set(lists, m.i32.add(f.get(counts), f.i32(round16(4 * rb)))),
    f.set(bTail, m.i32.add(f.get(pb), f.i32(full * panelBytes))),
  );
  const shuffles = compactShuffles();
  for (let e = 0; e < 16; e++)
    body.push(m.v128.store(16 * e, 16, f.get(table), m.v128.const(Array.from(shuffles.subarray(16 * e, 16 * e + 16)))));

  // Compaction of row r (A at ap) into the list at pp; its count goes to counts[r − r0].
  const step = compactStep(f, { v, msk, ctl, table, ap, pp, iv }, half, (x) => m.f32x4.ne(x, m.v128.const(ZERO16)));
  const slotOf = (row: X): X => m.i32.add(f.get(lists), m.i32.mul(m.i32.sub(row, f.get(r0)), f.i32(slot)));
  const compactRow: X[] = [
    f.set(ap, m.i32.add(f.get(pa), m.i32.mul(f.get(r), f.i32(k * 4)))),
    f.set(q, slotOf(f.get(r))),
    f.set(pp, f.get(q)),
    // The addresses b + 32·s of the first 4 entries; each step adds 4 · 32.
    f.set(iv, m.i32x4.add(m.i32x4.splat(f.get(pb)), m.v128.const([0, 32, 64, 96].flatMap((x) => [x & 255, x >> 8, 0, 0])))),
    ...(k >= 4 ? [f.countedLoop(Math.floor(k / 4), step(4))] : []),
    ...(k % 4 > 0 ? step(k % 4) : []),
    m.i32.store(0, 4, m.i32.add(f.get(counts), m.i32.shl(m.i32.sub(f.get(r), f.get(r0)), f.i32(2))), m.i32.sub(f.get(pp), f.get(q))),
  ];

  // The tiles' locals, shared (their lives never overlap): one set per tile made binaryen's optimizer take a minute on
  // a 784-column layer (33 tiles, ~300 v128 locals; 3 s at 27 tiles).
  const accs = Array.from({ length: wide }, () => [f.local(v128), f.local(v128)]);
  const [x, bv, tileTmp] = [f.local(v128), f.local(v128), f.local(v128)];
  // One row × `panels` panels of `width` columns (width < 8: the tail panel) over row r's list: the panels from B's byte
  // offset gOff, the columns from colB (cRow and biasG include it); the same code for every group of as many panels.
  const tile = (panels: number, width: number): X => {
    const nv = Math.ceil(width / 4);
    const lanes = (u: number) => Math.min(4, width - 4 * u);
    const acc = accs.slice(0, panels).map((a) => a.slice(0, nv));
    const st: X[] = acc.flat().map((l) => f.set(l, m.v128.const(ZERO16)));
    // B's row s in the tile's first panel: from the listed address b + 32·s (the tail panel: b + tailAt + width·4·s).
    const rowAddr =
      width === 8
        ? m.i32.add(m.i32.load(half, 4, f.get(q)), f.get(gOff))
        : m.i32.add(f.get(bTail), m.i32.shr_u(m.i32.mul(m.i32.sub(m.i32.load(half, 4, f.get(q)), f.get(pb)), f.i32(width)), f.i32(3)));
    const inner: X[] = [f.set(addr, rowAddr), f.set(x, m.v128.load32_splat(0, 4, f.get(q)))];
    for (let p = 0; p < panels; p++)
      for (let u = 0; u < nv; u++) {
        const off = width === 8 ? p * panelBytes + u * 16 : u * 16;
        inner.push(f.set(bv, loadPartial(f, f.get(addr), off, lanes(u))));
        inner.push(f.set(acc[p][u], madd(f, spec.relaxed, f.get(x), f.get(bv), f.get(acc[p][u]))));
      }
    inner.push(f.addI(q, 4));
    const top = f.label("list");
    st.push(
      f.set(q, slotOf(f.get(r))),
      f.set(end, m.i32.add(f.get(q), m.i32.load(0, 4, m.i32.add(f.get(counts), m.i32.shl(m.i32.sub(f.get(r), f.get(r0)), f.i32(2)))))),
      m.if(m.i32.lt_u(f.get(q), f.get(end)), m.loop(top, m.block(null, [...inner, m.br(top, m.i32.lt_u(f.get(q), f.get(end)))]))),
    );
    // Epilogue, as the packed GEMM's: + bias, the pre-activation, the activation; partial stores on a tail vector.
    const tmp = tileTmp;
    for (let p = 0; p < panels; p++)
      for (let u = 0; u < nv; u++) {
        const col = p * 32 + u * 16;
        let val = f.get(acc[p][u]);
        if (pbias !== null) val = m.f32x4.add(val, loadPartial(f, f.get(biasG), col, lanes(u)));
        st.push(f.set(tmp, val));
        if (spec.activation) {
          if (preDelta !== null) st.push(...storePartial(f, m.i32.add(f.get(cRow), f.get(preDelta)), col, lanes(u), f.get(tmp)));
          st.push(f.set(tmp, activate(f, spec.activation, tmp, spec.slope ?? 0)));
        }
        st.push(...storePartial(f, f.get(cRow), col, lanes(u), f.get(tmp)));
      }
    return m.block(null, st);
  };
  const overRows = (t: X): X[] => [
    f.set(r, f.get(r0)),
    f.set(cRow, m.i32.add(m.i32.add(f.get(pc), m.i32.mul(f.get(r0), f.i32(n * 4))), f.get(colB))),
    ...(pbias !== null ? [f.set(biasG, m.i32.add(f.get(pbias), f.get(colB)))] : []),
    f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(rEnd)), [t, f.addI(r, 1), f.addI(cRow, n * 4)]),
  ];
  // The block's nonzero count (i32x4 lanes of −1 where A ≠ 0, subtracted), to choose its path.
  const countRow: X[] = [
    f.set(ap, m.i32.add(f.get(pa), m.i32.mul(f.get(r), f.i32(k * 4)))),
    ...(k >= 4
      ? [
          f.countedLoop(Math.floor(k / 4), [
            f.set(nz, m.i32x4.sub(f.get(nz), m.f32x4.ne(m.v128.load(0, 4, f.get(ap)), m.v128.const(ZERO16)))),
            f.addI(ap, 16),
          ]),
        ]
      : []),
    ...(k % 4 > 0 ? [f.set(nz, m.i32x4.sub(f.get(nz), m.f32x4.ne(loadPartial(f, f.get(ap), 0, k % 4), m.v128.const(ZERO16))))] : []),
  ];
  const lanes = [0, 1, 2, 3].map((l) => m.i32x4.extract_lane(f.get(nz), l));
  const rows = (): X => m.i32.sub(f.get(rEnd), f.get(r0));
  // Dense rows: the packed GEMM on the block (its own tiles: 4 rows × a panel, pairs, single rows).
  const denseArgs = [
    rows(),
    m.i32.add(f.get(pa), m.i32.mul(f.get(r0), f.i32(k * 4))),
    f.get(pb),
    m.i32.add(f.get(pc), m.i32.mul(f.get(r0), f.i32(n * 4))),
  ];
  if (pbias !== null) denseArgs.push(f.get(pbias));
  if (preDelta !== null) denseArgs.push(m.i32.add(f.get(P("pre")), m.i32.mul(f.get(r0), f.i32(n * 4))));
  const sparseRows: X[] = [f.set(r, f.get(r0)), f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(rEnd)), [...compactRow, f.addI(r, 1)])];
  // The panel groups (panelGroups: as even as they go, the larger first) as at most two loops, one per group size: code
  // unrolled per group made binaryen's optimizer take 40–55 s on a 784-column layer (33 groups).
  const groups = panelGroups(full, wide);
  for (const panels of [...new Set(groups.map(([, count]) => count))]) {
    const same = groups.filter(([, count]) => count === panels);
    const group = [...overRows(tile(panels, 8)), f.addI(gOff, panels * panelBytes), f.addI(colB, panels * 32)];
    sparseRows.push(f.set(gOff, f.i32(same[0][0] * panelBytes)), f.set(colB, f.i32(same[0][0] * 32)));
    sparseRows.push(...(same.length === 1 ? group : [f.countedLoop(same.length, group)]));
  }
  if (tail > 0) sparseRows.push(f.set(colB, f.i32(full * 32)), ...overRows(tile(1, tail)));
  const limit = (share: number): X => m.f64.mul(m.f64.convert_u.i32(m.i32.mul(rows(), f.i32(k))), m.f64.const(share));
  const blockBody: X[] = [
    f.set(rEnd, m.select(m.i32.lt_s(m.i32.add(f.get(r0), f.i32(rb)), f.get(pm)), m.i32.add(f.get(r0), f.i32(rb)), f.get(pm))),
    f.set(nz, m.v128.const(ZERO16)),
    f.set(r, f.get(r0)),
    f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(rEnd)), [...countRow, f.addI(r, 1)]),
    m.if(
      m.f64.gt(
        m.f64.convert_u.i32(m.i32.add(m.i32.add(lanes[0], lanes[1]), m.i32.add(lanes[2], lanes[3]))),
        m.select(m.i32.ge_s(rows(), f.i32(4)), limit(SPARSE_BELOW.tiles), limit(SPARSE_BELOW.rows)),
      ),
      m.call(dense, denseArgs, b.none),
      m.block(null, sparseRows),
    ),
  ];
  body.push(
    f.set(r0, f.i32(0)),
    f.whileLoop(() => m.i32.lt_s(f.get(r0), f.get(pm)), [...blockBody, f.addI(r0, rb)]),
  );
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** A standalone module with the given sparse GEMMs, importing its memory as env.memory. */
export function emitSparseGemmModule(b: BinaryenApi, specs: readonly SparseGemmSpec[], opts: ModuleOptions = {}): EmittedModule {
  return buildModule(b, (mod) => specs.forEach((s) => addSparseGemm(b, mod, s)), opts);
}
