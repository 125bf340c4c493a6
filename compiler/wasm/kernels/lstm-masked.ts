// The LSTM's time loops on padded sequences (a padding mask [B, T], f32, 0 at padding), for
// the WebAssembly backend: each step runs the recurrent product and the gates on the rows
// the mask keeps at that step only, as PyTorch's packed sequences do, and computes the same
// bits as lstm.ts's masked kernels, which run every row of every step and select the kept
// state at masked ones (tests/wasm/lstm-masked.test.ts compares the two word for word):
//
//   lstm_scan       name(n, hseq, hprev, cseq, acts, xw, u, ws, mask, rows)
//   lstm_scan_grad  name(n, dxw, dhseq, u, cseq, acts, dh, dc, ws, mask, rows)
//
// `rows` is scratch of one i32 per batch row: each step first lists its kept rows there (in
// row order), so that the tiles of lstm.ts (register tiles of MR rows, the gate epilogue's
// rows side by side) run on listed rows, each row addressed through its own pointer; a row's
// sums are the same whichever tile it falls in. Under threads each part lists its own rows.
//
// Forward, a padded row at step t keeps its state: h_t = c_t = hprev_t = h_{t−1} (c_{t−1}),
// zeros at step 0, copied; its gates (acts) are not computed: the backward never reads them
// (it gives a padded step's gates no gradient whatever they hold).
//
// Backward, a padded row at step t: its dxw row is zero, dc passes on unchanged, and
// dh_{t−1} = dhseq_t + dh_t. The full kernel adds to that its product of a zero row, z =
// Σ_s (+0)·U[c, s], a zero: adding it changes nothing, because dh is never −0 (it starts +0,
// and x + y is −0 only when both are), so dhseq_t + dh_t is never −0 either, and adding a zero
// changes nothing else. A kept row's dh_{t−1} is its product plus +0: the full kernel adds its
// zeroed carry, which does turn a product of −0 into +0.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, loadPartial, nameParams, storePartial, type Mod, type X } from "./fn.js";
import { splatF } from "./math.js";
import { check, lstmScanGradParams, lstmScanParams, nonlinearities, reduce, type LstmScanSpec } from "./lstm.js";

/** The forward's parameters: the masked lstm_scan's, then `rows` (one i32 per batch row). */
export function lstmScanCompactParams(spec: LstmScanSpec): string[] {
  return [...lstmScanParams({ ...spec, masked: true }), "rows"];
}

/** The backward's parameters: the masked lstm_scan_grad's, then `rows`. */
export function lstmScanGradCompactParams(spec: LstmScanSpec): string[] {
  return [...lstmScanGradParams({ ...spec, masked: true }), "rows"];
}

const ONES16 = new Array(16).fill(255);

/** Adds the forward scan `spec.name` (kept rows only) to `mod`. */
export function addLstmScanCompact(b: BinaryenApi, mod: Mod, spec: LstmScanSpec): void {
  const mr = check(spec, "lstm_scan", 3, 2);
  const { sigmoidV, tanhV } = nonlinearities(spec);
  const er = spec.epilogueRows ?? 4;
  if (!(Number.isInteger(er) && er >= 1 && er <= 8)) throw new Error(`lstm_scan ${spec.name}: epilogueRows must be 1..8`);
  const T = spec.steps;
  const u = spec.units;
  const g4 = 4 * u;
  const unroll = spec.unroll ?? 1;
  const names = lstmScanCompactParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, pH, pHp, pC, pA, pXw, pU, pWs, pM, pRows] = names.map((_, i) => i);
  const hRow = T * u * 4;
  const aRow = T * g4 * 4;
  const uB = u * 4;
  const groups = Math.ceil(u / 4);
  const lanes = Math.min(u, 4);
  const lastOff = Math.max(u - 4, 0) * 4;
  const panelBytes = u * 64;
  const add = (p: number, o: number): X => m.i32.add(f.get(p), f.get(o));
  const body: X[] = [];

  // U packed by unit groups, as lstm.ts's forward.
  const ws = f.local(b.i32);
  const j = f.local(b.i32);
  const gOff = f.local(b.i32);
  const panel = f.local(b.i32);
  const setGroup = (): X[] => [
    f.set(gOff, m.select(m.i32.lt_s(m.i32.shl(f.get(j), f.i32(4)), f.i32(lastOff)), m.i32.shl(f.get(j), f.i32(4)), f.i32(lastOff))),
    f.set(panel, m.i32.add(f.get(ws), m.i32.mul(f.get(j), f.i32(panelBytes)))),
  ];
  body.push(f.set(ws, m.i32.and(m.i32.add(f.get(pWs), f.i32(15)), f.i32(~15))));
  {
    const src = f.local(b.i32);
    const dst = f.local(b.i32);
    const perGroup: X[] = [...setGroup(), f.set(src, m.i32.add(f.get(pU), f.get(gOff))), f.set(dst, f.get(panel))];
    const row: X[] = [];
    for (let gate = 0; gate < 4; gate++) row.push(m.v128.store(gate * 16, 16, f.get(dst), loadPartial(f, f.get(src), gate * uB, lanes)));
    row.push(f.addI(src, g4 * 4), f.addI(dst, 64));
    body.push(f.set(j, f.i32(0)), f.countedLoop(groups, [...perGroup, f.countedLoop(u, row), f.addI(j, 1)]));
  }

  // tStep, gStep: step t's byte offset in a [B, T, u] and a [B, T, 4u] row; back = uB after
  // step 0, where `mask` (all ones after step 0) zeroes the state loaded at step 0.
  const tStep = f.local(b.i32);
  const gStep = f.local(b.i32);
  const back = f.local(b.i32);
  const zBase = f.local(b.i32);
  const mask = f.local(b.v128);
  const mStep = f.local(b.i32);
  const kept = f.local(b.i32); // bytes of the step's list: 4 per kept row
  const i = f.local(b.i32); // a byte index into it
  const r = f.local(b.i32);
  const o = f.local(b.i32); // [r, t, 0] in a [B, T, u] row
  const oc = f.local(b.i32);
  const mAt = f.local(b.i32); // mask[r, t]
  const rr = f.local(b.i32);
  const most = Math.max(mr, er);
  const oU = Array.from({ length: most }, () => f.local(b.i32)); // [r_q, t, unit0]
  const oG = Array.from({ length: most }, () => f.local(b.i32)); // [r_q, t, gate 0, unit0]
  const aP = Array.from({ length: mr }, () => f.local(b.i32)); // hseq at [r_q, t − 1, 0]
  const vz = Array.from({ length: er }, () => [0, 1, 2, 3].map(() => f.local(b.v128)));
  const vc = f.local(b.v128);
  const vh = f.local(b.v128);
  const vt = f.local(b.v128);

  // The step's rows: kept ones into the list, padded ones keep their state.
  const prevAt = (p: number, at: number): X => m.i32.sub(add(p, at), f.get(back));
  const copy = (ln: number): X[] => [
    f.set(vt, m.v128.and(loadPartial(f, prevAt(pH, oc), 0, ln), f.get(mask))),
    ...storePartial(f, add(pHp, oc), 0, ln, f.get(vt)),
    ...storePartial(f, add(pH, oc), 0, ln, f.get(vt)),
    f.set(vc, m.v128.and(loadPartial(f, prevAt(pC, oc), 0, ln), f.get(mask))),
    ...storePartial(f, add(pC, oc), 0, ln, f.get(vc)),
  ];
  const copyRow: X[] = [f.set(oc, f.get(o))];
  if (u >= 4) copyRow.push(f.countedLoop(Math.floor(u / 4), [...copy(4), f.addI(oc, 16)]));
  if (u % 4) copyRow.push(...copy(u % 4));
  const listRows: X[] = [
    f.set(kept, f.i32(0)),
    f.set(r, f.i32(0)),
    f.set(o, f.get(tStep)),
    f.set(mAt, m.i32.add(f.get(pM), f.get(mStep))),
    f.whileLoop(
      () => m.i32.lt_s(f.get(r), f.get(pn)),
      [
        m.if(
          m.f32.ne(m.f32.load(0, 4, f.get(mAt)), m.f32.const(0)),
          m.block(null, [m.i32.store(0, 4, add(pRows, kept), f.get(r)), f.addI(kept, 4)]),
          m.block(null, copyRow),
        ),
        f.addI(r, 1),
        f.addI(o, hRow),
        f.addI(mAt, T * 4),
      ],
    ),
  ];

  /** The listed rows in tiles of `size` (then single rows), each tile's row offsets set first. */
  const listTiles = (size: number, code: (rows: number) => X[]): X[] => {
    const at = (rows: number): X[] => {
      const out: X[] = [];
      for (let q = 0; q < rows; q++) {
        out.push(f.set(rr, m.i32.load(4 * q, 4, add(pRows, i))));
        out.push(f.set(oU[q], m.i32.add(m.i32.mul(f.get(rr), f.i32(hRow)), add(tStep, gOff))));
        out.push(f.set(oG[q], m.i32.add(m.i32.mul(f.get(rr), f.i32(aRow)), add(gStep, gOff))));
      }
      return out;
    };
    const out: X[] = [f.set(i, f.i32(0))];
    if (size > 1)
      out.push(
        f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(i), f.i32(4 * size)), f.get(kept)), [...at(size), ...code(size), f.addI(i, 4 * size)]),
      );
    out.push(f.whileLoop(() => m.i32.lt_s(f.get(i), f.get(kept)), [...at(1), ...code(1), f.addI(i, 4)]));
    return out;
  };

  /** acts = xw + h_{t−1}·U on the group's columns of `rows` listed rows. */
  const productTile = (rows: number): X[] => {
    const out: X[] = [];
    for (let q = 0; q < rows; q++) out.push(f.set(aP[q], m.i32.sub(m.i32.sub(add(pH, oU[q]), f.i32(uB)), f.get(gOff))));
    const red = reduce(f, { rows, nv: 4, a: aP.slice(0, rows), aRowBytes: 0, b: panel, bStepBytes: 64, steps: u, unroll });
    out.push(...red.code);
    for (let q = 0; q < rows; q++) {
      for (let gate = 0; gate < 4; gate++) {
        out.push(f.set(vt, m.f32x4.add(f.get(red.acc[q][gate]), loadPartial(f, add(pXw, oG[q]), gate * uB, lanes))));
        out.push(...storePartial(f, add(pA, oG[q]), gate * uB, lanes, f.get(vt)));
      }
    }
    return out;
  };

  /** The gate epilogue (lstm.ts's, on kept rows) for `rows` listed rows. */
  const epilogue = (rows: number): X[] => {
    const out: X[] = [];
    for (let q = 0; q < rows; q++) {
      for (let gate = 0; gate < 4; gate++) {
        const z = loadPartial(f, add(zBase, oG[q]), gate * uB, lanes);
        out.push(f.set(vz[q][gate], gate === 2 ? tanhV(f, z) : sigmoidV(f, z)));
        out.push(...storePartial(f, add(pA, oG[q]), gate * uB, lanes, f.get(vz[q][gate])));
      }
    }
    for (let q = 0; q < rows; q++) {
      const cPrev = m.v128.and(loadPartial(f, prevAt(pC, oU[q]), 0, lanes), f.get(mask));
      out.push(f.set(vc, m.f32x4.add(m.f32x4.mul(f.get(vz[q][1]), cPrev), m.f32x4.mul(f.get(vz[q][0]), f.get(vz[q][2])))));
      out.push(...storePartial(f, add(pC, oU[q]), 0, lanes, f.get(vc)));
      out.push(f.set(vh, m.f32x4.mul(f.get(vz[q][3]), tanhV(f, f.get(vc)))));
      out.push(...storePartial(f, add(pH, oU[q]), 0, lanes, f.get(vh)));
      out.push(f.set(vt, m.v128.and(loadPartial(f, prevAt(pH, oU[q]), 0, lanes), f.get(mask))));
      out.push(...storePartial(f, add(pHp, oU[q]), 0, lanes, f.get(vt)));
    }
    return out;
  };

  body.push(
    f.set(tStep, f.i32(0)),
    f.set(gStep, f.i32(0)),
    f.set(back, f.i32(0)),
    f.set(zBase, f.get(pXw)),
    f.set(mask, m.v128.const(ZERO16)),
    f.set(mStep, f.i32(0)),
    f.countedLoop(T, [
      ...listRows,
      m.if(
        f.get(kept),
        m.block(null, [
          f.set(j, f.i32(0)),
          f.countedLoop(groups, [
            ...setGroup(),
            m.if(f.get(back), m.block(null, listTiles(mr, productTile))),
            ...listTiles(er, epilogue),
            f.addI(j, 1),
          ]),
        ]),
      ),
      f.addI(tStep, uB),
      f.addI(gStep, g4 * 4),
      f.addI(mStep, 4),
      f.set(back, f.i32(uB)),
      f.set(zBase, f.get(pA)),
      f.set(mask, m.v128.const(ONES16)),
    ]),
  );
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** Adds the backward scan `spec.name` (kept rows' products only) to `mod`. */
export function addLstmScanGradCompact(b: BinaryenApi, mod: Mod, spec: LstmScanSpec): void {
  const mr = check(spec, "lstm_scan_grad", 6, 4);
  const { tanhV } = nonlinearities(spec);
  const T = spec.steps;
  const u = spec.units;
  const g4 = 4 * u;
  const unroll = spec.unroll ?? 1;
  const names = lstmScanGradCompactParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, pDxw, pDhs, pU, pC, pA, pDh, pDc, pWs, pM, pRows] = names.map((_, i) => i);
  const hRow = T * u * 4;
  const aRow = T * g4 * 4;
  const uB = u * 4;
  const fullPanels = Math.floor(u / 8);
  const tailW = u % 8;
  const tailNv = Math.ceil(tailW / 4);
  const fullVecs = Math.floor(u / 4);
  const tailLanes = u % 4;
  const add = (p: number, o: number): X => m.i32.add(f.get(p), f.get(o));
  const body: X[] = [];

  const ws = f.local(b.i32);
  body.push(f.set(ws, m.i32.and(m.i32.add(f.get(pWs), f.i32(15)), f.i32(~15))));

  // Pack Uᵀ as lstm.ts's backward: panel p, column s of U: 4·nv floats U[8p + c, s] (0 past u).
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
  const o = f.local(b.i32); // [r, t − 1, 0] ([r, 0, 0] first) in a [B, T, u] row
  const g = f.local(b.i32); // [r, t, 0] in a [B, T, 4u] row
  const d = f.local(b.i32); // [r, 0] in dh, dc
  const oo = f.local(b.i32); // the same, walking a row's units
  const gg = f.local(b.i32);
  const dd = f.local(b.i32);

  // dh = dc = 0 (n rows of u).
  {
    const zero = f.local(b.v128);
    const vecs = (lanes: number): X[] => [
      ...storePartial(f, add(pDh, dd), 0, lanes, f.get(zero)),
      ...storePartial(f, add(pDc, dd), 0, lanes, f.get(zero)),
    ];
    const row: X[] = [];
    if (fullVecs > 0) row.push(f.countedLoop(fullVecs, [...vecs(4), f.addI(dd, 16)]));
    if (tailLanes > 0) row.push(...vecs(tailLanes), f.addI(dd, tailLanes * 4));
    body.push(
      f.set(zero, m.v128.const(ZERO16)),
      f.set(dd, f.i32(0)),
      f.set(r, f.i32(0)),
      f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(pn)), [...row, f.addI(r, 1)]),
    );
  }

  const oStep = f.local(b.i32);
  const gStep = f.local(b.i32);
  const mStep = f.local(b.i32);
  const mAt = f.local(b.i32);
  const kept = f.local(b.i32);
  const vi = f.local(b.v128);
  const vf = f.local(b.v128);
  const vg = f.local(b.v128);
  const vo = f.local(b.v128);
  const vtc = f.local(b.v128);
  const vdh = f.local(b.v128);
  const vdc = f.local(b.v128);
  const vdc0 = f.local(b.v128);
  const vx = f.local(b.v128);
  const one = (): X => splatF(f, 1);
  const ld = (p: number, at: number, off: number, lanes: number): X => loadPartial(f, add(p, at), off, lanes);
  const st = (p: number, at: number, off: number, lanes: number, val: number): X[] => storePartial(f, add(p, at), off, lanes, f.get(val));

  /** A kept row's gate derivatives at oo/gg/dd, `lanes` units (lstm.ts's, where the mask keeps the row). */
  const kept1 = (lanes: number, first: boolean): X[] => {
    const out: X[] = [];
    const cur = first ? 0 : uB;
    const mul = m.f32x4.mul;
    const sub1 = (x: X): X => m.f32x4.sub(one(), x);
    out.push(f.set(vi, ld(pA, gg, 0, lanes)), f.set(vf, ld(pA, gg, uB, lanes)));
    out.push(f.set(vg, ld(pA, gg, 2 * uB, lanes)), f.set(vo, ld(pA, gg, 3 * uB, lanes)));
    out.push(f.set(vtc, tanhV(f, ld(pC, oo, cur, lanes))));
    out.push(f.set(vdh, m.f32x4.add(ld(pDhs, oo, cur, lanes), ld(pDh, dd, 0, lanes))));
    out.push(f.set(vdc0, ld(pDc, dd, 0, lanes)));
    out.push(f.set(vdc, m.f32x4.add(f.get(vdc0), mul(mul(f.get(vdh), f.get(vo)), sub1(mul(f.get(vtc), f.get(vtc)))))));
    out.push(f.set(vx, mul(mul(mul(f.get(vdc), f.get(vg)), f.get(vi)), sub1(f.get(vi)))), ...st(pDxw, gg, 0, lanes, vx));
    if (first) out.push(f.set(vx, m.v128.const(ZERO16)));
    else out.push(f.set(vx, mul(mul(mul(f.get(vdc), ld(pC, oo, 0, lanes)), f.get(vf)), sub1(f.get(vf)))));
    out.push(...st(pDxw, gg, uB, lanes, vx));
    out.push(f.set(vx, mul(mul(f.get(vdc), f.get(vi)), sub1(mul(f.get(vg), f.get(vg))))), ...st(pDxw, gg, 2 * uB, lanes, vx));
    out.push(f.set(vx, mul(mul(mul(f.get(vdh), f.get(vtc)), f.get(vo)), sub1(f.get(vo)))), ...st(pDxw, gg, 3 * uB, lanes, vx));
    out.push(f.set(vx, mul(f.get(vdc), f.get(vf))), ...st(pDc, dd, 0, lanes, vx));
    return out;
  };

  /** A padded row at oo/gg/dd: no gate gradient; dc passes on; dh_{t−1} = dhseq_t + dh_t. */
  const padded1 = (lanes: number, first: boolean): X[] => {
    const out: X[] = [f.set(vx, m.v128.const(ZERO16))];
    for (let gate = 0; gate < 4; gate++) out.push(...st(pDxw, gg, gate * uB, lanes, vx));
    if (first) return out;
    out.push(f.set(vdh, m.f32x4.add(ld(pDhs, oo, uB, lanes), ld(pDh, dd, 0, lanes))));
    out.push(...st(pDh, dd, 0, lanes, vdh));
    return out;
  };

  /** Every row's derivatives at the step (oStep, gStep, mStep); kept rows listed (but at step 0). */
  const elementwise = (first: boolean): X => {
    const walk = (code: (lanes: number, first: boolean) => X[]): X[] => {
      const out: X[] = [f.set(oo, f.get(o)), f.set(gg, f.get(g)), f.set(dd, f.get(d))];
      const next = [f.addI(oo, 16), f.addI(gg, 16), f.addI(dd, 16)];
      if (fullVecs > 0) out.push(f.countedLoop(fullVecs, [...code(4, first), ...next]));
      if (tailLanes > 0) out.push(...code(tailLanes, first));
      return out;
    };
    const keep: X[] = first ? walk(kept1) : [m.i32.store(0, 4, add(pRows, kept), f.get(r)), f.addI(kept, 4), ...walk(kept1)];
    return m.block(null, [
      f.set(kept, f.i32(0)),
      f.set(r, f.i32(0)),
      f.set(o, f.get(oStep)),
      f.set(g, f.get(gStep)),
      f.set(d, f.i32(0)),
      f.set(mAt, m.i32.add(f.get(pM), f.get(mStep))),
      f.whileLoop(
        () => m.i32.lt_s(f.get(r), f.get(pn)),
        [
          m.if(m.f32.ne(m.f32.load(0, 4, f.get(mAt)), m.f32.const(0)), m.block(null, keep), m.block(null, walk(padded1))),
          f.addI(r, 1),
          f.addI(o, hRow),
          f.addI(g, aRow),
          f.addI(d, uB),
          f.addI(mAt, T * 4),
        ],
      ),
    ]);
  };

  // dh[r, 8p..] = Σ_s dxw[r, t, s] · Uᵀ[s, 8p..] + 0 for the listed rows: MR×8 tiles per panel.
  const i = f.local(b.i32);
  const rr = f.local(b.i32);
  const bP = f.local(b.i32);
  const col = f.local(b.i32); // the panel's byte offset in a dh row
  const aP = Array.from({ length: mr }, () => f.local(b.i32)); // dxw at [r_q, t, 0]
  const cP = Array.from({ length: mr }, () => f.local(b.i32)); // dh at [r_q, 8p]
  const vs = f.local(b.v128);
  const product = (): X => {
    const tileCode = (rows: number, width: number, nv: number): X[] => {
      const out: X[] = [];
      for (let q = 0; q < rows; q++) {
        out.push(f.set(rr, m.i32.load(4 * q, 4, add(pRows, i))));
        out.push(f.set(aP[q], m.i32.add(add(pDxw, gStep), m.i32.mul(f.get(rr), f.i32(aRow)))));
        out.push(f.set(cP[q], m.i32.add(add(pDh, col), m.i32.mul(f.get(rr), f.i32(uB)))));
      }
      const red = reduce(f, { rows, nv, a: aP.slice(0, rows), aRowBytes: 0, b: bP, bStepBytes: nv * 16, steps: g4, unroll });
      out.push(...red.code);
      for (let q = 0; q < rows; q++) {
        for (let v = 0; v < nv; v++) {
          out.push(f.set(vs, m.f32x4.add(f.get(red.acc[q][v]), m.v128.const(ZERO16))));
          out.push(...storePartial(f, f.get(cP[q]), v * 16, Math.min(4, width - 4 * v), f.get(vs)));
        }
      }
      out.push(f.addI(i, 4 * rows));
      return out;
    };
    const panelRows = (width: number, nv: number): X => {
      const out: X[] = [f.set(i, f.i32(0))];
      if (mr > 1) out.push(f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(i), f.i32(4 * mr)), f.get(kept)), tileCode(mr, width, nv)));
      out.push(f.whileLoop(() => m.i32.lt_s(f.get(i), f.get(kept)), tileCode(1, width, nv)));
      return m.block(null, out);
    };
    const out: X[] = [f.set(col, f.i32(0)), f.set(bP, f.get(ws))];
    if (fullPanels > 0) out.push(f.countedLoop(fullPanels, [panelRows(8, 2), f.addI(col, 32), f.addI(bP, g4 * 32)]));
    if (tailW > 0) out.push(panelRows(tailW, tailNv));
    return m.block(null, out);
  };

  if (T > 1) {
    body.push(f.set(oStep, f.i32((T - 2) * uB)), f.set(gStep, f.i32((T - 1) * g4 * 4)), f.set(mStep, f.i32((T - 1) * 4)));
    body.push(
      f.countedLoop(T - 1, [
        elementwise(false),
        m.if(f.get(kept), product()),
        f.addI(oStep, -uB),
        f.addI(gStep, -g4 * 4),
        f.addI(mStep, -4),
      ]),
    );
  }
  body.push(f.set(oStep, f.i32(0)), f.set(gStep, f.i32(0)), f.set(mStep, f.i32(0)), elementwise(true));
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

export interface GatherKeptSpec {
  readonly name: string;
  readonly steps: number;
  /** Floats per (sample, step) row of a and of b. */
  readonly ka: number;
  readonly kb: number;
}

/** gather_kept's parameters: it returns K, the rows it copied. */
export function gatherKeptParams(): string[] {
  return ["n", "pa", "pb", "a", "b", "mask"];
}

/**
 * Copies the (sample, step) rows the mask [n, T] keeps, in row order, from a [n, T, ka] and
 * b [n, T, kb] to pa [K, ka] and pb [K, kb], and returns K: a tn GEMM over those K rows sums
 * what it sums over all n·T rows when b is +0 at the others (its sums start at +0 and run in
 * row order; a ±0 product added to a sum that is never −0 changes nothing), with a third of
 * the work on Brown sentences.
 */
export function addGatherKept(b: BinaryenApi, mod: Mod, spec: GatherKeptSpec): void {
  const names = gatherKeptParams();
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, pPa, pPb, pA, pB, pM] = names.map((_, i) => i);
  const kept = f.local(b.i32);
  const left = f.local(b.i32);
  const src = f.local(b.i32);
  const dst = f.local(b.i32);
  /** Copies `floats` from `from` to `to` (both advanced past them). */
  const copy = (from: number, to: number, floats: number): X[] => {
    const out: X[] = [f.set(src, f.get(from)), f.set(dst, f.get(to))];
    const vec = [m.v128.store(0, 4, f.get(dst), m.v128.load(0, 4, f.get(src))), f.addI(src, 16), f.addI(dst, 16)];
    if (floats >= 4) out.push(f.countedLoop(Math.floor(floats / 4), vec));
    if (floats % 4) out.push(...storePartial(f, f.get(dst), 0, floats % 4, loadPartial(f, f.get(src), 0, floats % 4)));
    return [...out, f.addI(from, floats * 4), f.addI(to, floats * 4)];
  };
  const a = f.local(b.i32);
  const bb = f.local(b.i32);
  const pa = f.local(b.i32);
  const pb = f.local(b.i32);
  const mp = f.local(b.i32);
  const body: X[] = [
    f.set(kept, f.i32(0)),
    f.set(left, m.i32.mul(f.get(pn), f.i32(spec.steps))),
    f.set(a, f.get(pA)),
    f.set(bb, f.get(pB)),
    f.set(pa, f.get(pPa)),
    f.set(pb, f.get(pPb)),
    f.set(mp, f.get(pM)),
    f.whileLoop(
      () => m.i32.gt_s(f.get(left), f.i32(0)),
      [
        m.if(
          m.f32.ne(m.f32.load(0, 4, f.get(mp)), m.f32.const(0)),
          m.block(null, [...copy(a, pa, spec.ka), ...copy(bb, pb, spec.kb), f.addI(kept, 1)]),
          m.block(null, [f.addI(a, spec.ka * 4), f.addI(bb, spec.kb * 4)]),
        ),
        f.addI(mp, 4),
        f.addI(left, -1),
      ],
    ),
    f.get(kept),
  ];
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.i32, f.vars(), m.block(null, body, b.i32));
  mod.addFunctionExport(spec.name, spec.name);
  nameParams(mod, spec.name, names);
}
