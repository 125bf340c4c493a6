// LSTM time loops for the WebAssembly backend (f32x4 SIMD128, binaryen builder API): the
// forward scan and its backpropagation through time, with the meaning of lstmScan and
// lstmScanGrad in runtime/kernels/lstm.ts (Keras gates i, f, c, o; layouts xw, acts, dxw
// [B, T, 4u]; hseq, hprev, cseq, dhseq [B, T, u]; U [u, 4u]; dh, dc [B, u]). steps (T) and
// units (u) are static; the batch rows n are a run-time i32. Every buffer is an i32 byte
// offset into the module's memory:
//
//   lstm_scan      name(n, hseq, hprev, cseq, acts, xw, u, ws[, mask])
//   lstm_scan_grad name(n, dxw, dhseq, u, cseq, acts, dh, dc, ws[, mask])
//
// `masked` specs take a padding mask [B, T] (f32, 0 at padding): a masked step keeps h and
// c (the epilogue selects the previous state lane-wise); backward, its gates get no
// gradient, dc passes unchanged and dh_t is carried into dh_{t−1} (stored before the
// product, which then adds dxw·Uᵀ to it). Trainers run lstm-masked.ts's kernels instead,
// which skip the padded rows of each step with the same bits; these are their reference.
//
// ws is packing scratch of lstmScanScratchBytes / lstmScanGradScratchBytes bytes (any
// alignment; independent of n). The input projection xw = x·W + b before the loop and the
// weight gradients after it (dU = hprevᵀ·dxw, dW = xᵀ·dxw, dx = dxw·Wᵀ) are GEMMs over all
// time steps that the compiler emits separately (gemm.ts); only the recurrent products are
// here.
//
// Forward. U is packed once per call into ws by unit groups: for group j (4 units from
// unit0 = min(4j, u − 4)) and each row k of U, 16 floats U[k, gate·u + unit0 + l] (gates i, f,
// c, o; l < 4). The last group overlaps its neighbour when 4 ∤ u (those units are computed
// twice, identically), so every group is 4 full lanes; below 4 units there is one partial
// group. Per step and group: first the product, acts = xw + h_{t−1}·U, as register tiles of
// MR (default 2) rows × the group's 16 columns (4·MR v128 accumulators, the reduction over u
// a static loop reading the packed panel), then the gate epilogue over the group's rows,
// `epilogueRows` (4) rows side by side: i, f, o = σ(z), g = tanh(z) in place in acts,
// c = f·c_{t−1} + i·g, h = o·tanh(c), hprev[:, t] = h_{t−1}. Step 0 runs the same code
// without the product, z read from xw and c_{−1} = h_{−1} = 0 (loads masked to zero). The
// group's 64·u-byte panel and its rows of acts stay in L1 through both passes. Rows past
// the last full tile take 1-row tiles.
//
// Backward. Uᵀ is packed once per call into panels of 8 units (for each gate column s of U,
// 8 floats U[8p + c, s], zero past u; the last panel is 4 or 8 wide). Per step t (from T−1
// down): the gate derivatives for all rows (dh_t = dhseq + dh, dc_t = dc + dh_t·o·(1 −
// tanh²c), dxw = the four gate gradients, dc ← dc_t·f), then dh ← dxw[:, t]·Uᵀ as MR×8
// register tiles (MR = 4) over the static reduction 4u. At t = 0 the product is skipped: its
// result, dh_{−1}, is not an output (the reference computes it into its dh scratch).
//
// σ and tanh are this file's sigmoidFastV/tanhFastV (≤ 2 ulp; see below), about half the
// instructions of math.ts's general sigmoidV/tanhV, which `sharedMath` selects instead.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { EXP_P, negV, LN2_HI, LN2_LO, LOG2E, MAGIC, TANH_T, sigmoidV as sigmoidMathV, splatF, splatI, tanhV as tanhMathV } from "./math.js";

export interface LstmScanSpec {
  /** The export's name. */
  readonly name: string;
  /** Time steps T (static). */
  readonly steps: number;
  /** Units u (static); the gates are 4u wide. */
  readonly units: number;
  /** Batch rows per register tile: forward 1..3 (default 2: 8 accumulators × 16 columns), backward 1..6 (default 4). */
  readonly rowTile?: number;
  /** Reduction steps unrolled per loop iteration (default 1: binaryen's optimizer merges unrolled steps into long live ranges). */
  readonly unroll?: number;
  /** Forward: batch rows per iteration of the gate epilogue (1..8, default 4): independent σ/tanh chains side by side. */
  readonly epilogueRows?: number;
  /** Use math.ts's sigmoidV/tanhV instead of this file's cheaper clamped ones (for comparison; slower). */
  readonly sharedMath?: boolean;
  /** Takes a padding mask [B, T] as a last parameter. */
  readonly masked?: boolean;
}

export type LstmScanGradSpec = LstmScanSpec;

/** The parameter names of lstm_scan's export, in order. */
export function lstmScanParams(spec: LstmScanSpec): string[] {
  return ["n", "hseq", "hprev", "cseq", "acts", "xw", "u", "ws", ...(spec.masked ? ["mask"] : [])];
}

/** The parameter names of lstm_scan_grad's export, in order. */
export function lstmScanGradParams(spec: LstmScanGradSpec): string[] {
  return ["n", "dxw", "dhseq", "u", "cseq", "acts", "dh", "dc", "ws", ...(spec.masked ? ["mask"] : [])];
}

/** Bytes of scratch at `ws` for the forward (U packed by unit groups; 16 bytes of alignment slack). Independent of the rows. */
export function lstmScanScratchBytes(spec: LstmScanSpec, _maxRows = 0): number {
  return Math.ceil(spec.units / 4) * spec.units * 64 + 16;
}

/** Bytes of scratch at `ws` for the backward (Uᵀ packed in panels of 8 units). Independent of the rows. */
export function lstmScanGradScratchBytes(spec: LstmScanGradSpec, _maxRows = 0): number {
  return Math.ceil(spec.units / 4) * 4 * 4 * spec.units * 4 + 16;
}

/** Multiply-adds of the recurrent products for n rows (forward or backward; 2 FLOP each). */
export function lstmScanMacs(spec: LstmScanSpec, n: number): number {
  return n * Math.max(spec.steps - 1, 0) * spec.units * 4 * spec.units;
}

export function check(spec: LstmScanSpec, what: string, maxTile: number, defTile: number): number {
  const { steps, units } = spec;
  if (!(Number.isInteger(steps) && Number.isInteger(units) && steps > 0 && units > 0))
    throw new Error(`${what} ${spec.name}: steps and units must be positive integers`);
  const mr = spec.rowTile ?? defTile;
  if (!(Number.isInteger(mr) && mr >= 1 && mr <= maxTile)) throw new Error(`${what} ${spec.name}: rowTile must be 1..${maxTile}`);
  if (spec.unroll !== undefined && !(Number.isInteger(spec.unroll) && spec.unroll >= 1))
    throw new Error(`${what} ${spec.name}: unroll must be a positive integer`);
  return mr;
}

// ---------------------------------------------------------------------------------------
// Gate nonlinearities with fewer instructions than math.ts's general sigmoidV/tanhV (which
// handle exp's whole range with NaN-propagating f32x4.min/max, f32x4.nearest and
// i32x4.trunc_sat: ~8 instructions each on x64 V8). Here exp's argument is clamped to
// ±87.3 with f32x4.pmin/pmax (one instruction each; a NaN argument stays NaN), so 2^n is
// always a normal float and n comes from the 1.5·2^23 rounding trick: t = y·log2e + 1.5·2^23
// holds n = round(y·log2e) in its low mantissa bits, and (bits(t) + 127) << 23 is 2^n. The
// polynomial is the same Cephes expf polynomial as math.ts. Measured (tests/wasm/lstm.test.ts)
// against Math.* rounded to f32: σ ≤ 2 ulp on [−87, 87] (below, ≤ 1.2e−38 absolute), tanh
// ≤ 2 ulp everywhere; NaN stays NaN, tanh(±∞) = ±1, σ(+∞) = 1.

// The polynomial and range-reduction constants are math.ts's (the same Cephes expf/tanhf).
const ROUND = MAGIC; // 1.5·2^23
const EXP_CLAMP = 87.3; // |n| ≤ 126: 2^n normal

/** e^y for y already in [−87.3, 87.3] (or NaN); y is evaluated once. */
function expClamped(f: Fn, y: X): X {
  const m = f.mod;
  const b = f.b;
  const yv = f.local(b.v128);
  const t = f.local(b.v128);
  const nf = f.local(b.v128);
  const r = f.local(b.v128);
  const body: X[] = [f.set(yv, y)];
  body.push(f.set(t, m.f32x4.add(m.f32x4.mul(f.get(yv), splatF(f, LOG2E)), splatF(f, ROUND))));
  body.push(f.set(nf, m.f32x4.sub(f.get(t), splatF(f, ROUND))));
  body.push(
    f.set(r, m.f32x4.sub(m.f32x4.sub(f.get(yv), m.f32x4.mul(f.get(nf), splatF(f, LN2_HI))), m.f32x4.mul(f.get(nf), splatF(f, LN2_LO)))),
  );
  let p = splatF(f, EXP_P[EXP_P.length - 1]);
  for (let i = EXP_P.length - 2; i >= 0; i--) p = m.f32x4.add(m.f32x4.mul(p, f.get(r)), splatF(f, EXP_P[i]));
  // 1 + r + r²·P(r), times 2^n.
  p = m.f32x4.add(m.f32x4.add(m.f32x4.mul(p, m.f32x4.mul(f.get(r), f.get(r))), f.get(r)), splatF(f, 1));
  body.push(m.f32x4.mul(p, m.i32x4.shl(m.i32x4.add(f.get(t), splatI(f, 127)), f.i32(23))));
  return m.block(null, body, b.v128);
}

const clampExp = (f: Fn, y: X): X => f.mod.f32x4.pmax(f.mod.f32x4.pmin(y, splatF(f, EXP_CLAMP)), splatF(f, -EXP_CLAMP));

/** σ(x) = 1/(1 + e^−x), e^−x clamped to e^±87.3 (σ(x < −87.3) = 1/(1 + e^87.3) ≈ 1.2e−38). */
export function sigmoidFastV(f: Fn, x: X): X {
  const m = f.mod;
  return m.f32x4.div(splatF(f, 1), m.f32x4.add(splatF(f, 1), expClamped(f, clampExp(f, negV(f, x)))));
}

/** tanh x: the Cephes odd polynomial for |x| < 0.625, else (1 − e^−2x)/(1 + e^−2x) (saturates to ±1). */
export function tanhFastV(f: Fn, x: X): X {
  const m = f.mod;
  const b = f.b;
  const xv = f.local(b.v128);
  const e = f.local(b.v128);
  const z = f.local(b.v128);
  const body: X[] = [f.set(xv, x)];
  body.push(f.set(e, expClamped(f, clampExp(f, m.f32x4.mul(f.get(xv), splatF(f, -2))))));
  const big = m.f32x4.div(m.f32x4.sub(splatF(f, 1), f.get(e)), m.f32x4.add(splatF(f, 1), f.get(e)));
  body.push(f.set(z, m.f32x4.mul(f.get(xv), f.get(xv))));
  let p = splatF(f, TANH_T[TANH_T.length - 1]);
  for (let i = TANH_T.length - 2; i >= 0; i--) p = m.f32x4.add(m.f32x4.mul(p, f.get(z)), splatF(f, TANH_T[i]));
  const small = m.f32x4.add(m.f32x4.mul(m.f32x4.mul(f.get(xv), f.get(z)), p), f.get(xv));
  body.push(m.v128.bitselect(small, big, m.f32x4.lt(f.get(z), splatF(f, 0.625 * 0.625))));
  return m.block(null, body, b.v128);
}

type VFn = (f: Fn, x: X) => X;

/** The nonlinearities a spec asks for: lstm.ts's (default) or math.ts's general ones. */
export function nonlinearities(spec: LstmScanSpec): { sigmoidV: VFn; tanhV: VFn } {
  return spec.sharedMath ? { sigmoidV: sigmoidMathV, tanhV: tanhMathV } : { sigmoidV: sigmoidFastV, tanhV: tanhFastV };
}

export interface Reduction {
  rows: number;
  /** v128 columns of B (and of the accumulators) per step. */
  nv: number;
  /** local: A at (row 0, step 0); rows aRowBytes apart, steps 4 bytes apart. Or one local per row (rows anywhere: aRowBytes unused). */
  a: number | readonly number[];
  aRowBytes: number;
  /** local: B (packed) at step 0; steps bStepBytes apart. */
  b: number;
  bStepBytes: number;
  steps: number;
  unroll: number;
}

/** acc[q][v] = Σ_s A[q, s] · B[s, 4v..4v+4), in fresh locals; `steps` static, unrolled by `unroll`. */
export function reduce(f: Fn, r: Reduction): { code: X[]; acc: number[][] } {
  const m = f.mod;
  const b = f.b;
  const acc: number[][] = [];
  const code: X[] = [];
  for (let q = 0; q < r.rows; q++) {
    acc.push([]);
    for (let v = 0; v < r.nv; v++) acc[q].push(f.local(b.v128));
  }
  const bv: number[] = [];
  for (let v = 0; v < r.nv; v++) bv.push(f.local(b.v128));
  const av = f.local(b.v128);
  // One reduction step at static offsets from the pointers; the very first one initializes.
  const step = (ap: number | readonly number[], bp: number, s: number, init: boolean): X[] => {
    const out: X[] = [];
    for (let v = 0; v < r.nv; v++) out.push(f.set(bv[v], m.v128.load(s * r.bStepBytes + v * 16, 16, f.get(bp))));
    for (let q = 0; q < r.rows; q++) {
      const [p, off] = typeof ap === "number" ? [ap, q * r.aRowBytes] : [ap[q], 0];
      out.push(f.set(av, m.v128.load32_splat(off + s * 4, 4, f.get(p))));
      for (let v = 0; v < r.nv; v++) {
        const prod = m.f32x4.mul(f.get(av), f.get(bv[v]));
        out.push(f.set(acc[q][v], init ? prod : m.f32x4.add(f.get(acc[q][v]), prod)));
      }
    }
    return out;
  };
  const u = Math.max(1, Math.min(r.unroll, r.steps));
  const loops = Math.floor(r.steps / u);
  if (loops <= 1) {
    for (let s = 0; s < r.steps; s++) code.push(...step(r.a, r.b, s, s === 0));
    return { code, acc };
  }
  // Peel the first step (initializes the accumulators), then loop over chunks of u steps.
  const from = typeof r.a === "number" ? [r.a] : r.a;
  const ap = typeof r.a === "number" ? f.local(b.i32) : r.a.map(() => f.local(b.i32));
  const bp = f.local(b.i32);
  const aps = typeof ap === "number" ? [ap] : ap;
  code.push(...step(r.a, r.b, 0, true), ...aps.map((p, q) => f.set(p, m.i32.add(f.get(from[q]), f.i32(4)))));
  code.push(f.set(bp, m.i32.add(f.get(r.b), f.i32(r.bStepBytes))));
  const rest = r.steps - 1;
  const chunks = Math.floor(rest / u);
  if (chunks > 0) {
    const body: X[] = [];
    for (let s = 0; s < u; s++) body.push(...step(ap, bp, s, false));
    body.push(...aps.map((p) => f.addI(p, u * 4)), f.addI(bp, u * r.bStepBytes));
    code.push(chunks === 1 ? m.block(null, body) : f.countedLoop(chunks, body));
  }
  for (let s = 0; s < rest - chunks * u; s++) code.push(...step(ap, bp, s, false));
  return { code, acc };
}

/** Adds the forward scan `spec.name` to `mod` (memory 0 must exist). */
export function addLstmScan(b: BinaryenApi, mod: Mod, spec: LstmScanSpec): void {
  const mr = check(spec, "lstm_scan", 3, 2);
  const { sigmoidV, tanhV } = nonlinearities(spec);
  const er = spec.epilogueRows ?? 4;
  if (!(Number.isInteger(er) && er >= 1 && er <= 8)) throw new Error(`lstm_scan ${spec.name}: epilogueRows must be 1..8`);
  const T = spec.steps;
  const u = spec.units;
  const g4 = 4 * u;
  const unroll = spec.unroll ?? 1;
  const names = lstmScanParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, pH, pHp, pC, pA, pXw, pU, pWs, pM] = names.map((_, i) => i);
  const hRow = T * u * 4; // bytes between batch rows of hseq, hprev, cseq
  const aRow = T * g4 * 4; // of xw and acts
  const uB = u * 4; // one step of a [B, T, u] row; one gate of a [B, T, 4u] row
  // Unit groups of 4 (lanes = 4); the last one starts at u − 4, overlapping its neighbour
  // (those units are computed twice, identically). Below 4 units: one partial group.
  const groups = Math.ceil(u / 4);
  const lanes = Math.min(u, 4);
  const lastOff = Math.max(u - 4, 0) * 4; // byte offset of the last group within a step
  const panelBytes = u * 64;
  const add = (p: number, o: number): X => m.i32.add(f.get(p), f.get(o));
  const body: X[] = [];

  const ws = f.local(b.i32);
  const j = f.local(b.i32); // unit group
  const gOff = f.local(b.i32); // its byte offset within a step: min(16·j, lastOff)
  const panel = f.local(b.i32); // its packed panel: ws + j·panelBytes
  const setGroup = (): X[] => [
    f.set(gOff, m.select(m.i32.lt_s(m.i32.shl(f.get(j), f.i32(4)), f.i32(lastOff)), m.i32.shl(f.get(j), f.i32(4)), f.i32(lastOff))),
    f.set(panel, m.i32.add(f.get(ws), m.i32.mul(f.get(j), f.i32(panelBytes)))),
  ];
  body.push(f.set(ws, m.i32.and(m.i32.add(f.get(pWs), f.i32(15)), f.i32(~15))));

  // Pack: panel j, row k of U: 16 floats U[k, gate·u + unit0(j) + l] (0 past u).
  {
    const src = f.local(b.i32);
    const dst = f.local(b.i32);
    const perGroup: X[] = [...setGroup(), f.set(src, m.i32.add(f.get(pU), f.get(gOff))), f.set(dst, f.get(panel))];
    const row: X[] = [];
    for (let gate = 0; gate < 4; gate++) row.push(m.v128.store(gate * 16, 16, f.get(dst), loadPartial(f, f.get(src), gate * uB, lanes)));
    row.push(f.addI(src, g4 * 4), f.addI(dst, 64));
    body.push(f.set(j, f.i32(0)), f.countedLoop(groups, [...perGroup, f.countedLoop(u, row), f.addI(j, 1)]));
  }

  // Per step: tStep = byte offset of step t in a [B, T, u] row, gStep in a [B, T, 4u] row;
  // back = uB after step 0 (c_{t−1}, h_{t−1} one step back), 0 at step 0 where `mask` = 0
  // zeroes what is loaded there; zBase: the gates' pre-activations, xw at step 0, else acts.
  const tStep = f.local(b.i32);
  const gStep = f.local(b.i32);
  const back = f.local(b.i32);
  const zBase = f.local(b.i32);
  const mask = f.local(b.v128);
  const r = f.local(b.i32);
  const oU = f.local(b.i32); // offset of [r, t, unit0]
  const oG = f.local(b.i32); // offset of [r, t, gate 0, unit0]
  const oP = f.local(b.i32); // oU − back
  const aP = f.local(b.i32); // hseq at [r, t−1, 0]
  const vz = Array.from({ length: er }, () => [0, 1, 2, 3].map(() => f.local(b.v128)));
  const vc = f.local(b.v128);
  const vh = f.local(b.v128);
  const vt = f.local(b.v128);
  const valid = f.local(b.v128); // masked: all ones where the row's step is not padding
  const mStep = f.local(b.i32); // masked: byte offset of step t in a [B, T] row of the mask

  /** Lanes all ones where mask[r + q, t] ≠ 0. */
  const validAt = (q: number): X =>
    m.f32x4.ne(
      m.v128.load32_splat(q * T * 4, 4, m.i32.add(m.i32.add(f.get(pM), m.i32.mul(f.get(r), f.i32(T * 4))), f.get(mStep))),
      splatF(f, 0),
    );

  /** The gate epilogue for `rows` rows of the group at oU/oG. */
  const epilogue = (rows: number): X[] => {
    const out: X[] = [f.set(oP, m.i32.sub(f.get(oU), f.get(back)))];
    // All rows' gates first, then their cells: independent chains side by side.
    for (let q = 0; q < rows; q++) {
      for (let gate = 0; gate < 4; gate++) {
        const z = loadPartial(f, add(zBase, oG), q * aRow + gate * uB, lanes);
        out.push(f.set(vz[q][gate], gate === 2 ? tanhV(f, z) : sigmoidV(f, z)));
        out.push(...storePartial(f, add(pA, oG), q * aRow + gate * uB, lanes, f.get(vz[q][gate])));
      }
    }
    for (let q = 0; q < rows; q++) {
      const uq = q * hRow;
      if (spec.masked) {
        // A masked step keeps the state: c_t = c_{t−1}, h_t = h_{t−1} where `valid` is 0.
        out.push(f.set(valid, validAt(q)));
        out.push(f.set(vt, m.v128.and(loadPartial(f, add(pH, oP), uq, lanes), f.get(mask))));
        out.push(...storePartial(f, add(pHp, oU), uq, lanes, f.get(vt)));
        out.push(f.set(vh, m.v128.and(loadPartial(f, add(pC, oP), uq, lanes), f.get(mask))));
        out.push(f.set(vc, m.f32x4.add(m.f32x4.mul(f.get(vz[q][1]), f.get(vh)), m.f32x4.mul(f.get(vz[q][0]), f.get(vz[q][2])))));
        out.push(...storePartial(f, add(pC, oU), uq, lanes, m.v128.bitselect(f.get(vc), f.get(vh), f.get(valid))));
        out.push(f.set(vh, m.f32x4.mul(f.get(vz[q][3]), tanhV(f, f.get(vc)))));
        out.push(...storePartial(f, add(pH, oU), uq, lanes, m.v128.bitselect(f.get(vh), f.get(vt), f.get(valid))));
        continue;
      }
      // c = f·c_{t−1} + i·g
      const cPrev = m.v128.and(loadPartial(f, add(pC, oP), uq, lanes), f.get(mask));
      out.push(f.set(vc, m.f32x4.add(m.f32x4.mul(f.get(vz[q][1]), cPrev), m.f32x4.mul(f.get(vz[q][0]), f.get(vz[q][2])))));
      out.push(...storePartial(f, add(pC, oU), uq, lanes, f.get(vc)));
      out.push(f.set(vh, m.f32x4.mul(f.get(vz[q][3]), tanhV(f, f.get(vc)))));
      out.push(...storePartial(f, add(pH, oU), uq, lanes, f.get(vh)));
      // hprev[r, t] = h_{t−1} (0 at step 0)
      out.push(f.set(vt, m.v128.and(loadPartial(f, add(pH, oP), uq, lanes), f.get(mask))));
      out.push(...storePartial(f, add(pHp, oU), uq, lanes, f.get(vt)));
    }
    return out;
  };

  /** acts[rows, t, ·, unit0..+4] = xw + h_{t−1}·U for one row tile of the group. */
  const productTile = (rows: number): X[] => {
    const red = reduce(f, { rows, nv: 4, a: aP, aRowBytes: hRow, b: panel, bStepBytes: 64, steps: u, unroll });
    const out: X[] = [f.set(aP, m.i32.sub(m.i32.sub(add(pH, oU), f.i32(uB)), f.get(gOff))), ...red.code];
    for (let q = 0; q < rows; q++) {
      for (let gate = 0; gate < 4; gate++) {
        const off = q * aRow + gate * uB;
        out.push(f.set(vt, m.f32x4.add(f.get(red.acc[q][gate]), loadPartial(f, add(pXw, oG), off, lanes))));
        out.push(...storePartial(f, add(pA, oG), off, lanes, f.get(vt)));
      }
    }
    return out;
  };

  /** Rows in tiles of `size` (then single rows) from row 0 of the group, running `code`. */
  const rowTiles = (size: number, code: (rows: number) => X[]): X[] => {
    const adv = (rows: number): X[] => [f.addI(r, rows), f.addI(oU, rows * hRow), f.addI(oG, rows * aRow)];
    const out: X[] = [f.set(r, f.i32(0)), f.set(oU, m.i32.add(f.get(tStep), f.get(gOff))), f.set(oG, m.i32.add(f.get(gStep), f.get(gOff)))];
    if (size > 1) out.push(f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(r), f.i32(size)), f.get(pn)), [...code(size), ...adv(size)]));
    out.push(f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(pn)), [...code(1), ...adv(1)]));
    return out;
  };

  // Time loop: per step, per unit group, the product's row tiles (after step 0), then the
  // epilogue's (the group's panel stays in L1; acts of the group's rows too).
  body.push(
    f.set(tStep, f.i32(0)),
    f.set(gStep, f.i32(0)),
    f.set(back, f.i32(0)),
    f.set(zBase, f.get(pXw)),
    f.set(mask, m.v128.const(ZERO16)),
    f.set(mStep, f.i32(0)),
    f.countedLoop(T, [
      f.set(j, f.i32(0)),
      f.countedLoop(groups, [
        ...setGroup(),
        m.if(f.get(back), m.block(null, rowTiles(mr, productTile))),
        ...rowTiles(er, epilogue),
        f.addI(j, 1),
      ]),
      f.addI(tStep, uB),
      f.addI(gStep, g4 * 4),
      f.addI(mStep, 4),
      f.set(back, f.i32(uB)),
      f.set(zBase, f.get(pA)),
      f.set(mask, m.v128.const(new Array(16).fill(255))),
    ]),
  );

  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** Adds the backward scan `spec.name` to `mod` (memory 0 must exist). */
export function addLstmScanGrad(b: BinaryenApi, mod: Mod, spec: LstmScanGradSpec): void {
  const mr = check(spec, "lstm_scan_grad", 6, 4);
  const { tanhV } = nonlinearities(spec);
  const T = spec.steps;
  const u = spec.units;
  const g4 = 4 * u;
  const unroll = spec.unroll ?? 1;
  const names = lstmScanGradParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, pDxw, pDhs, pU, pC, pA, pDh, pDc, pWs, pM] = names.map((_, i) => i);
  const hRow = T * u * 4;
  const aRow = T * g4 * 4;
  const uB = u * 4;
  const fullPanels = Math.floor(u / 8);
  const tailW = u % 8; // units in the last panel
  const tailNv = Math.ceil(tailW / 4); // its v128 columns (packed width 4·tailNv)
  const fullVecs = Math.floor(u / 4);
  const tailLanes = u % 4;
  const add = (p: number, o: number): X => m.i32.add(f.get(p), f.get(o));
  const body: X[] = [];

  const ws = f.local(b.i32);
  body.push(f.set(ws, m.i32.and(m.i32.add(f.get(pWs), f.i32(15)), f.i32(~15))));

  // Pack Uᵀ: panel p, column s of U: 4·nv floats U[8p + c, s] (0 past u).
  {
    const src = f.local(b.i32);
    const dst = f.local(b.i32);
    const s = f.local(b.i32);
    const panelPack = (width: number, nv: number): X => {
      const steps: X[] = [];
      for (let v = 0; v < nv; v++) {
        let vec: X = m.v128.const(ZERO16);
        for (let lane = 0; lane < 4; lane++) {
          const c = v * 4 + lane;
          if (c < width) vec = m.f32x4.replace_lane(vec, lane, m.f32.load(c * g4 * 4, 4, f.get(s)));
        }
        steps.push(m.v128.store(v * 16, 16, f.get(dst), vec));
      }
      steps.push(f.addI(s, 4), f.addI(dst, nv * 16));
      return m.block(null, [f.set(s, f.get(src)), f.countedLoop(g4, steps), f.addI(src, 8 * g4 * 4)]);
    };
    body.push(f.set(src, f.get(pU)), f.set(dst, f.get(ws)));
    if (fullPanels > 0) body.push(f.countedLoop(fullPanels, [panelPack(8, 2)]));
    if (tailW > 0) body.push(panelPack(tailW, tailNv));
  }

  const r = f.local(b.i32);
  const o = f.local(b.i32); // [B, T, u] offset
  const g = f.local(b.i32); // [B, T, 4u] offset
  const d = f.local(b.i32); // [B, u] offset

  // dh = dc = 0 (n rows of u).
  {
    const zero = f.local(b.v128);
    const vecs = (lanes: number, off: number): X[] => [
      ...storePartial(f, add(pDh, d), off, lanes, f.get(zero)),
      ...storePartial(f, add(pDc, d), off, lanes, f.get(zero)),
    ];
    const row: X[] = [];
    if (fullVecs > 0) row.push(f.countedLoop(fullVecs, [...vecs(4, 0), f.addI(d, 16)]));
    if (tailLanes > 0) row.push(...vecs(tailLanes, 0), f.addI(d, tailLanes * 4));
    body.push(
      f.set(zero, m.v128.const(ZERO16)),
      f.set(d, f.i32(0)),
      f.set(r, f.i32(0)),
      f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(pn)), [...row, f.addI(r, 1)]),
    );
  }

  const oStep = f.local(b.i32); // byte offset of step t−1 (of t when first) in a [B, T, u] row
  const gStep = f.local(b.i32); // of step t in a [B, T, 4u] row
  const vi = f.local(b.v128);
  const vf = f.local(b.v128);
  const vg = f.local(b.v128);
  const vo = f.local(b.v128);
  const vtc = f.local(b.v128);
  const vdh = f.local(b.v128);
  const vdc = f.local(b.v128);
  const vx = f.local(b.v128);
  const one = (): X => splatF(f, 1);
  const mStep = f.local(b.i32); // masked: byte offset of step t in a [B, T] row of the mask
  const valid = f.local(b.v128);
  const vdc0 = f.local(b.v128);

  /** Gate derivatives for one row at o/g/d, `lanes` units. */
  const gateGrads = (lanes: number, first: boolean): X[] => {
    const out: X[] = [];
    const cur = first ? 0 : uB;
    const ld = (p: number, at: number, off: number): X => loadPartial(f, add(p, at), off, lanes);
    const st = (p: number, at: number, off: number, val: number): X[] => storePartial(f, add(p, at), off, lanes, f.get(val));
    const mul = m.f32x4.mul;
    const sub1 = (x: X): X => m.f32x4.sub(one(), x);
    out.push(f.set(vi, ld(pA, g, 0)), f.set(vf, ld(pA, g, uB)), f.set(vg, ld(pA, g, 2 * uB)), f.set(vo, ld(pA, g, 3 * uB)));
    out.push(f.set(vtc, tanhV(f, ld(pC, o, cur))));
    out.push(f.set(vdh, m.f32x4.add(ld(pDhs, o, cur), ld(pDh, d, 0))));
    out.push(f.set(vdc0, ld(pDc, d, 0)));
    // dc_t = dc + dh·o·(1 − tanh²c)
    out.push(f.set(vdc, m.f32x4.add(f.get(vdc0), mul(mul(f.get(vdh), f.get(vo)), sub1(mul(f.get(vtc), f.get(vtc)))))));
    // Masked: a padded step's gates get nothing (`gate` zeroes them), dc passes on, and dh_t
    // is carried (stored now; the product adds dxw·Uᵀ to it).
    const gate = (x: X): X => (spec.masked ? m.v128.and(x, f.get(valid)) : x);
    if (spec.masked) {
      const maskAt = m.i32.add(m.i32.add(f.get(pM), m.i32.mul(f.get(r), f.i32(T * 4))), f.get(mStep));
      out.push(f.set(valid, m.f32x4.ne(m.v128.load32_splat(0, 4, maskAt), splatF(f, 0))));
      if (!first) out.push(...storePartial(f, add(pDh, d), 0, lanes, m.v128.andnot(f.get(vdh), f.get(valid))));
    }
    // i: dc·g·i·(1 − i)
    out.push(f.set(vx, gate(mul(mul(mul(f.get(vdc), f.get(vg)), f.get(vi)), sub1(f.get(vi))))), ...st(pDxw, g, 0, vx));
    // f: dc·c_{t−1}·f·(1 − f)
    if (first) out.push(f.set(vx, m.v128.const(ZERO16)));
    else out.push(f.set(vx, gate(mul(mul(mul(f.get(vdc), ld(pC, o, 0)), f.get(vf)), sub1(f.get(vf))))));
    out.push(...st(pDxw, g, uB, vx));
    // c: dc·i·(1 − g²)
    out.push(f.set(vx, gate(mul(mul(f.get(vdc), f.get(vi)), sub1(mul(f.get(vg), f.get(vg)))))), ...st(pDxw, g, 2 * uB, vx));
    // o: dh·tanh(c)·o·(1 − o)
    out.push(f.set(vx, gate(mul(mul(mul(f.get(vdh), f.get(vtc)), f.get(vo)), sub1(f.get(vo))))), ...st(pDxw, g, 3 * uB, vx));
    out.push(f.set(vx, mul(f.get(vdc), f.get(vf))));
    if (spec.masked) out.push(f.set(vx, m.v128.bitselect(f.get(vx), f.get(vdc0), f.get(valid))));
    out.push(...st(pDc, d, 0, vx));
    return out;
  };

  /** All rows' gate derivatives at the step (oStep, gStep). */
  const elementwise = (first: boolean): X => {
    const row: X[] = [];
    if (fullVecs > 0) row.push(f.countedLoop(fullVecs, [...gateGrads(4, first), f.addI(o, 16), f.addI(g, 16), f.addI(d, 16)]));
    if (tailLanes > 0) row.push(...gateGrads(tailLanes, first));
    // Back to the row start, then on to the next row.
    const back = fullVecs * 16;
    row.push(f.addI(o, hRow - back), f.addI(g, aRow - back), f.addI(d, uB - back));
    return m.block(null, [
      f.set(r, f.i32(0)),
      f.set(o, f.get(oStep)),
      f.set(g, f.get(gStep)),
      f.set(d, f.i32(0)),
      f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(pn)), [...row, f.addI(r, 1)]),
    ]);
  };

  // dh[r, 8p..] = Σ_s dxw[r, t, s] · U[8p.., s]: MR×8 tiles per panel.
  const aP = f.local(b.i32); // dxw at [r, t, 0]
  const bP = f.local(b.i32); // the panel
  const cOff = f.local(b.i32); // dh offset of [r, 8p]
  const vs = f.local(b.v128);
  const product = (): X => {
    const tileCode = (rows: number, width: number, nv: number): X[] => {
      const red = reduce(f, { rows, nv, a: aP, aRowBytes: aRow, b: bP, bStepBytes: nv * 16, steps: g4, unroll });
      const out = [...red.code];
      for (let q = 0; q < rows; q++) {
        for (let v = 0; v < nv; v++) {
          const lanes = Math.min(4, width - 4 * v);
          // Masked: dh holds the carried dh_t of padded rows (0 elsewhere); add to it.
          const carried = (x: X): X => (spec.masked ? m.f32x4.add(x, loadPartial(f, add(pDh, cOff), q * uB + v * 16, lanes)) : x);
          out.push(f.set(vs, carried(f.get(red.acc[q][v]))));
          out.push(...storePartial(f, add(pDh, cOff), q * uB + v * 16, Math.min(4, width - 4 * v), f.get(vs)));
        }
      }
      return out;
    };
    const panelRows = (width: number, nv: number): X => {
      const out: X[] = [f.set(r, f.i32(0)), f.set(aP, m.i32.add(f.get(pDxw), f.get(gStep))), f.set(cOff, f.get(d))];
      const adv = (rows: number): X[] => [f.addI(r, rows), f.addI(aP, rows * aRow), f.addI(cOff, rows * uB)];
      if (mr > 1)
        out.push(f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(r), f.i32(mr)), f.get(pn)), [...tileCode(mr, width, nv), ...adv(mr)]));
      out.push(f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(pn)), [...tileCode(1, width, nv), ...adv(1)]));
      return m.block(null, out);
    };
    // d: the panel's column offset (bytes) in dh.
    const out: X[] = [f.set(d, f.i32(0)), f.set(bP, f.get(ws))];
    if (fullPanels > 0) out.push(f.countedLoop(fullPanels, [panelRows(8, 2), f.addI(d, 32), f.addI(bP, g4 * 32)]));
    if (tailW > 0) out.push(panelRows(tailW, tailNv));
    return m.block(null, out);
  };

  if (T > 1) {
    body.push(f.set(oStep, f.i32((T - 2) * uB)), f.set(gStep, f.i32((T - 1) * g4 * 4)), f.set(mStep, f.i32((T - 1) * 4)));
    body.push(f.countedLoop(T - 1, [elementwise(false), product(), f.addI(oStep, -uB), f.addI(gStep, -g4 * 4), f.addI(mStep, -4)]));
  }
  body.push(f.set(oStep, f.i32(0)), f.set(gStep, f.i32(0)), f.set(mStep, f.i32(0)), elementwise(true));

  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}
