// WebAssembly time loops of the GRU and SimpleRNN (f32x4 SIMD128, binaryen builder API),
// with the meaning of gruScan/gruScanGrad and simpleRnnScan/simpleRnnScanGrad of
// runtime/kernels/rnn.ts, and the time reversal of a bidirectional layer. steps (T) and
// units (u) are static, the batch rows n a run-time i32; every buffer an i32 byte offset:
//
//   gru_scan            name(n, hseq, hprev, acts, rech, xw, u, bias[, mask])
//   gru_scan_grad       name(n, dxw, dhseq, u, hprev, acts, rech, ws, dh, drec[, mask])
//   simple_rnn_scan     name(n, hseq, hprev, xw, u[, mask])
//   simple_rnn_scan_grad name(n, dxw, dhseq, u, hseq, ws, dh[, mask])
//   reverse_steps       name(n, y, x)
//
// Forward, per step and batch row: for each block of 4 units (the last one starting at
// u − 4, overlapping its neighbour, when 4 ∤ u: recomputed identically), the recurrent
// product h_{t−1}·U for the block's columns of every gate (the reduction over u reads one
// splatted h entry and a row of U per gate), then the cell's epilogue on those lanes. A
// masked step (mask[b, t] = 0) keeps h (a lane select). Backward, per step from T−1 down:
// the cell's derivatives for every row (dxw; for the GRU also the recurrent
// pre-activations' gradients drec into scratch rows), the carried part of dh_{t−1}
// (z ⊙ dh_t, or dh_t at a masked step) into dh, then dh += drec·Uᵀ with Uᵀ packed once per
// call into ws ([g·u, ⌈u/4⌉·4], zero columns past u; tails stored partially). σ and tanh
// are lstm.ts's sigmoidFastV/tanhFastV.
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import { Fn, loadPartial, storePartial, type Mod, type X } from "../wasm/kernels/fn.js";
import { splatF } from "../wasm/kernels/math.js";
import { sigmoidFastV, tanhFastV } from "../wasm/kernels/lstm.js";

export interface RnnScanSpec {
  readonly name: string;
  readonly cell: "gru" | "simple_rnn";
  readonly steps: number;
  readonly units: number;
  /** simple_rnn: tanh, relu, sigmoid or linear. */
  readonly activation?: string;
  readonly masked?: boolean;
}

const gatesOf = (spec: RnnScanSpec): number => (spec.cell === "gru" ? 3 : 1);
const maskParam = (spec: RnnScanSpec): string[] => (spec.masked ? ["mask"] : []);

export function rnnScanParams(spec: RnnScanSpec): string[] {
  return spec.cell === "gru"
    ? ["n", "hseq", "hprev", "acts", "rech", "xw", "u", "bias", "ws", ...maskParam(spec)]
    : ["n", "hseq", "hprev", "xw", "u", "ws", ...maskParam(spec)];
}

export function rnnScanGradParams(spec: RnnScanSpec): string[] {
  return spec.cell === "gru"
    ? ["n", "dxw", "dhseq", "u", "hprev", "acts", "rech", "ws", "dh", "drec", ...maskParam(spec)]
    : ["n", "dxw", "dhseq", "u", "hseq", "ws", "dh", ...maskParam(spec)];
}

/** Bytes of scratch at ws for the forward: U packed by blocks of 4 units (16 bytes of alignment slack). */
export function rnnScanScratch(spec: Omit<RnnScanSpec, "name">): number {
  const g = spec.cell === "gru" ? 3 : 1;
  return Math.ceil(spec.units / 4) * spec.units * g * 16 + 16;
}

/** Bytes of scratch for the backward: at ws Uᵀ packed (16 bytes of alignment slack); per row, the GRU's drec (its own argument). */
export function rnnScanGradScratch(spec: Omit<RnnScanSpec, "name">): { fixed: number; perRow: number } {
  const g = spec.cell === "gru" ? 3 : 1;
  return { fixed: g * spec.units * Math.ceil(spec.units / 4) * 16 + 16, perRow: spec.cell === "gru" ? 3 * spec.units * 4 : 0 };
}

/** The activation and its derivative from the output, lane-wise. */
function act(f: Fn, name: string, x: X): X {
  const m = f.mod;
  if (name === "tanh") return tanhFastV(f, x);
  if (name === "sigmoid") return sigmoidFastV(f, x);
  if (name === "relu") return m.f32x4.pmax(x, splatF(f, 0));
  return x;
}
function actGrad(f: Fn, name: string, y: number): X {
  const m = f.mod;
  const one = splatF(f, 1);
  if (name === "tanh") return m.f32x4.sub(one, m.f32x4.mul(f.get(y), f.get(y)));
  if (name === "sigmoid") return m.f32x4.mul(f.get(y), m.f32x4.sub(one, f.get(y)));
  if (name === "relu") return m.v128.and(m.f32x4.gt(f.get(y), splatF(f, 0)), one);
  return one;
}

/** Adds the forward scan `spec.name`. */
export function addRnnScan(b: BinaryenApi, mod: Mod, spec: RnnScanSpec): void {
  const T = spec.steps;
  const u = spec.units;
  const g = gatesOf(spec);
  const gru = spec.cell === "gru";
  const names = rnnScanParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const p = (name: string): number => names.indexOf(name);
  const uB = u * 4;
  const hRow = T * uB; // bytes between batch rows of hseq, hprev, rech
  const aRow = T * g * uB; // of xw, acts
  const lanes = Math.min(u, 4);
  const blocks = Math.ceil(u / 4);
  const lastOff = Math.max(u - 4, 0) * 4;

  const R = 3; // rows per tile: each U vector loaded serves R rows
  const r = f.local(b.i32);
  const t = f.local(b.i32);
  const blk = f.local(b.i32); // byte offset of the unit block within a step
  const oU = f.local(b.i32); // [r, t, block] in a [B, T, u] row
  const oA = f.local(b.i32); // [r, t, gate 0, block] in a [B, T, g·u] row
  const hp = f.local(b.i32); // hseq at [r, t−1, 0]
  const k = f.local(b.i32); // h_{t−1}[r, k] in the reduction
  const up = f.local(b.i32); // U at [k, block]
  const acc = Array.from({ length: R }, () => Array.from({ length: g }, () => f.local(b.v128)));
  const uv = Array.from({ length: g }, () => f.local(b.v128));
  const hv = f.local(b.v128);
  const prev = f.local(b.v128);
  const zv = f.local(b.v128);
  const rv = f.local(b.v128);
  const nv = f.local(b.v128);
  const valid = f.local(b.v128);
  const ld = (ptr: X, off: number): X => loadPartial(f, ptr, off, lanes);
  const at = (param: string, local: number): X => m.i32.add(f.get(p(param)), f.get(local));
  // Pack U by blocks: block j's panel holds, for each row k of U, its g vectors
  // U[k, gate·u + block .. + 4] side by side (g·16 bytes per k), so a reduction step reads
  // one contiguous run.
  const ws = f.local(b.i32);
  const pan = f.local(b.i32); // the block's panel
  const panelBytes = u * g * 16;
  const pack: X[] = [f.set(ws, m.i32.and(m.i32.add(f.get(p("ws")), f.i32(15)), f.i32(~15)))];
  for (let j = 0; j < blocks; j++) {
    const perK: X[] = [];
    for (let q = 0; q < g; q++) perK.push(m.v128.store(q * 16, 16, f.get(pan), ld(f.get(up), q * uB + Math.min(16 * j, lastOff))));
    perK.push(f.addI(pan, g * 16), f.addI(up, g * uB));
    pack.push(f.set(pan, m.i32.add(f.get(ws), f.i32(j * panelBytes))), f.set(up, f.get(p("u"))), f.countedLoop(u, perK));
  }
  const zeroAcc = (rows: number): X[] => acc.slice(0, rows).flatMap((a) => a.map((v) => f.set(v, splatF(f, 0))));

  // acc[q][gate] = h_{t−1}[r + q] · U[:, gate·u + block] (t > 0). Code is built afresh for
  // each use (binaryen expressions are a tree: none may appear twice).
  const productCode = (rows: number): X[] => {
    // k walks h_{t−1}[r, :] (4 bytes a step), up the rows of U.
    const product: X[] = [...zeroAcc(rows), f.set(k, f.get(hp)), f.set(up, f.get(pan))];
    const step: X[] = [];
    for (let q = 0; q < g; q++) step.push(f.set(uv[q], m.v128.load(q * 16, 16, f.get(up))));
    for (let row = 0; row < rows; row++) {
      step.push(f.set(hv, m.v128.load32_splat(row * hRow, 4, f.get(k))));
      for (let q = 0; q < g; q++) step.push(f.set(acc[row][q], m.f32x4.add(f.get(acc[row][q]), m.f32x4.mul(f.get(hv), f.get(uv[q])))));
    }
    step.push(f.addI(k, 4), f.addI(up, g * 16));
    product.push(f.countedLoop(u, step));
    return product;
  };

  // The cell on the block's lanes of row r + q.
  const cellCode = (q: number): X[] => {
    const hq = q * hRow;
    const aq = q * aRow;
    const a = acc[q];
    const cell: X[] = [];
    cell.push(f.set(prev, m.if(f.get(t), ld(m.i32.sub(at("hseq", oU), f.i32(uB)), hq), m.v128.const(new Array(16).fill(0)))));
    cell.push(...storePartial(f, at("hprev", oU), hq, lanes, f.get(prev)));
    const biasAt = (row: number, gate: number): X => ld(m.i32.add(f.get(p("bias")), f.get(blk)), (row * 3 + gate) * uB);
    let h: X;
    if (gru) {
      const pre = (gate: number): X =>
        m.f32x4.add(m.f32x4.add(ld(at("xw", oA), aq + gate * uB), biasAt(0, gate)), m.f32x4.add(f.get(a[gate]), biasAt(1, gate)));
      cell.push(f.set(zv, sigmoidFastV(f, pre(0))), f.set(rv, sigmoidFastV(f, pre(1))));
      cell.push(f.set(hv, m.f32x4.add(f.get(a[2]), biasAt(1, 2))));
      cell.push(...storePartial(f, at("rech", oU), hq, lanes, f.get(hv)));
      const xh = m.f32x4.add(ld(at("xw", oA), aq + 2 * uB), biasAt(0, 2));
      cell.push(f.set(nv, tanhFastV(f, m.f32x4.add(xh, m.f32x4.mul(f.get(rv), f.get(hv))))));
      cell.push(...storePartial(f, at("acts", oA), aq, lanes, f.get(zv)));
      cell.push(...storePartial(f, at("acts", oA), aq + uB, lanes, f.get(rv)));
      cell.push(...storePartial(f, at("acts", oA), aq + 2 * uB, lanes, f.get(nv)));
      // h = z·h_{t−1} + (1 − z)·h̃ = h̃ + z·(h_{t−1} − h̃)
      h = m.f32x4.add(f.get(nv), m.f32x4.mul(f.get(zv), m.f32x4.sub(f.get(prev), f.get(nv))));
    } else {
      h = act(f, spec.activation ?? "tanh", m.f32x4.add(ld(at("xw", oA), aq), f.get(a[0])));
    }
    if (spec.masked) {
      const maskAt = m.i32.add(m.i32.add(f.get(p("mask")), m.i32.mul(f.get(r), f.i32(T * 4))), m.i32.shl(f.get(t), f.i32(2)));
      cell.push(f.set(valid, m.f32x4.ne(m.v128.load32_splat(q * T * 4, 4, maskAt), splatF(f, 0))));
      h = m.v128.bitselect(h, f.get(prev), f.get(valid));
    }
    cell.push(...storePartial(f, at("hseq", oU), hq, lanes, h));
    return cell;
  };

  /** `rows` rows from r: the product (after step 0), then each row's cell. */
  const tile = (rows: number): X[] => {
    const out: X[] = [
      f.set(oU, m.i32.add(m.i32.add(m.i32.mul(f.get(r), f.i32(hRow)), m.i32.mul(f.get(t), f.i32(uB))), f.get(blk))),
      f.set(oA, m.i32.add(m.i32.add(m.i32.mul(f.get(r), f.i32(aRow)), m.i32.mul(f.get(t), f.i32(g * uB))), f.get(blk))),
      f.set(hp, m.i32.sub(m.i32.sub(m.i32.add(f.get(p("hseq")), f.get(oU)), f.get(blk)), f.i32(uB))),
      m.if(f.get(t), m.block(null, productCode(rows)), m.block(null, zeroAcc(rows))),
    ];
    for (let q = 0; q < rows; q++) out.push(...cellCode(q));
    out.push(f.addI(r, rows));
    return out;
  };
  // Per step, per block of units (its columns of U stay in L1 across the rows), rows in tiles of R.
  const step: X[] = [];
  for (let j = 0; j < blocks; j++) {
    step.push(f.set(blk, f.i32(Math.min(16 * j, lastOff))), f.set(pan, m.i32.add(f.get(ws), f.i32(j * panelBytes))), f.set(r, f.i32(0)));
    step.push(f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(r), f.i32(R)), f.get(p("n"))), tile(R)));
    step.push(f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(p("n"))), tile(1)));
  }
  const body: X[] = [...pack, f.set(t, f.i32(0)), f.countedLoop(T, [...step, f.addI(t, 1)])];
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** Adds the backward scan `spec.name`. */
export function addRnnScanGrad(b: BinaryenApi, mod: Mod, spec: RnnScanSpec): void {
  const T = spec.steps;
  const u = spec.units;
  const g = gatesOf(spec);
  const gru = spec.cell === "gru";
  const names = rnnScanGradParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const p = (name: string): number => names.indexOf(name);
  const uB = u * 4;
  const hRow = T * uB;
  const aRow = T * g * uB;
  const fullVecs = Math.floor(u / 4);
  const tail = u % 4;
  const blocks = Math.ceil(u / 4);
  const panel = blocks * 16; // bytes of one packed row of Uᵀ
  const ZERO = new Array(16).fill(0);
  const ws = f.local(b.i32);
  const r = f.local(b.i32);
  const t = f.local(b.i32);
  const o = f.local(b.i32); // [r, t, unit] in a [B, T, u] row
  const a = f.local(b.i32); // [r, t, gate 0, unit] in a [B, T, g·u] row
  const d = f.local(b.i32); // [r, unit] in dh
  const q = f.local(b.i32); // [r, unit] in drec rows
  const s = f.local(b.i32);
  const src = f.local(b.i32);
  const dst = f.local(b.i32);
  const body: X[] = [f.set(ws, m.i32.and(m.i32.add(f.get(p("ws")), f.i32(15)), f.i32(~15)))];

  // Pack Uᵀ: row s (a column of U) holds U[0..u, s], zero-padded to whole vectors.
  {
    const vec = (lane0: number): X => {
      let v: X = m.v128.const(ZERO);
      for (let l = 0; l < 4 && lane0 + l < u; l++) v = m.f32x4.replace_lane(v, l, m.f32.load((lane0 + l) * g * uB, 4, f.get(src)));
      return v;
    };
    const perS: X[] = [];
    for (let j = 0; j < blocks; j++) perS.push(m.v128.store(j * 16, 16, f.get(dst), vec(4 * j)));
    perS.push(f.addI(src, 4), f.addI(dst, panel));
    body.push(f.set(src, f.get(p("u"))), f.set(dst, f.get(ws)), f.countedLoop(g * u, perS));
  }
  // dh = 0.
  {
    const zero: X[] = [];
    for (let j = 0; j < fullVecs; j++) zero.push(m.v128.store(j * 16, 4, f.get(d), m.v128.const(ZERO)));
    if (tail > 0) zero.push(...storePartial(f, f.get(d), fullVecs * 16, tail, m.v128.const(ZERO)));
    body.push(f.set(d, f.get(p("dh"))), f.set(r, f.i32(0)));
    body.push(f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(p("n"))), [...zero, f.addI(d, uB), f.addI(r, 1)]));
  }

  const vdh = f.local(b.v128);
  const vz = f.local(b.v128);
  const vr = f.local(b.v128);
  const vn = f.local(b.v128);
  const vy = f.local(b.v128);
  const dah = f.local(b.v128);
  const daz = f.local(b.v128);
  const valid = f.local(b.v128);
  const one = (): X => splatF(f, 1);
  const mul = m.f32x4.mul;
  const sub = m.f32x4.sub;
  // One vector of `lanes` units of one row: the cell's derivatives and the carried dh.
  const cellGrad = (lanes: number, off: number): X[] => {
    const ld = (param: string, base: number, extra: number): X =>
      loadPartial(f, m.i32.add(f.get(p(param)), f.get(base)), off + extra, lanes);
    const st = (param: string | number, base: number, extra: number, v: X): X[] =>
      storePartial(f, m.i32.add(typeof param === "number" ? f.get(param) : f.get(p(param)), f.get(base)), off + extra, lanes, v);
    const gate = (x: X): X => (spec.masked ? m.v128.and(x, f.get(valid)) : x);
    const out: X[] = [f.set(vdh, m.f32x4.add(ld("dhseq", o, 0), loadPartial(f, f.get(d), off, lanes)))];
    let carry: X;
    if (gru) {
      out.push(f.set(vz, ld("acts", a, 0)), f.set(vr, ld("acts", a, uB)), f.set(vn, ld("acts", a, 2 * uB)));
      // dah = dh·(1 − z)·(1 − h̃²); daz = dh·(h_{t−1} − h̃)·z·(1 − z); dar = dah·rech·r·(1 − r)
      out.push(f.set(dah, gate(mul(mul(f.get(vdh), sub(one(), f.get(vz))), sub(one(), mul(f.get(vn), f.get(vn)))))));
      out.push(f.set(daz, gate(mul(mul(f.get(vdh), sub(ld("hprev", o, 0), f.get(vn))), mul(f.get(vz), sub(one(), f.get(vz)))))));
      out.push(f.set(vy, mul(mul(f.get(dah), ld("rech", o, 0)), mul(f.get(vr), sub(one(), f.get(vr))))));
      out.push(...st("dxw", a, 0, f.get(daz)), ...st("dxw", a, uB, f.get(vy)), ...st("dxw", a, 2 * uB, f.get(dah)));
      out.push(...st("drec", q, 0, f.get(daz)), ...st("drec", q, uB, f.get(vy)), ...st("drec", q, 2 * uB, mul(f.get(dah), f.get(vr))));
      carry = mul(f.get(vdh), f.get(vz));
    } else {
      out.push(f.set(vy, ld("hseq", o, 0)));
      out.push(...st("dxw", a, 0, gate(mul(f.get(vdh), actGrad(f, spec.activation ?? "tanh", vy)))));
      carry = m.v128.const(ZERO);
    }
    if (spec.masked) carry = m.v128.bitselect(carry, f.get(vdh), f.get(valid));
    out.push(...storePartial(f, f.get(d), off, lanes, carry));
    return out;
  };
  const rowGrad: X[] = [];
  if (spec.masked) {
    const maskAt = m.i32.add(m.i32.add(f.get(p("mask")), m.i32.mul(f.get(r), f.i32(T * 4))), m.i32.shl(f.get(t), f.i32(2)));
    rowGrad.push(f.set(valid, m.f32x4.ne(m.v128.load32_splat(0, 4, maskAt), splatF(f, 0))));
  }
  for (let j = 0; j < fullVecs; j++) rowGrad.push(...cellGrad(4, 16 * j));
  if (tail > 0) rowGrad.push(...cellGrad(tail, 16 * fullVecs));
  const elementwise: X[] = [
    f.set(r, f.i32(0)),
    f.set(o, m.i32.mul(f.get(t), f.i32(uB))),
    f.set(a, m.i32.mul(f.get(t), f.i32(g * uB))),
    f.set(d, f.get(p("dh"))),
    f.set(q, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(r), f.get(p("n"))),
      [...rowGrad, f.addI(r, 1), f.addI(o, hRow), f.addI(a, aRow), f.addI(d, uB), f.addI(q, g * uB)],
    ),
  ];

  // dh[r] += drec[r] · Uᵀ, per block of 4 units (its panel column stays in L1 across the
  // rows), rows in tiles of RB: each packed Uᵀ vector serves RB rows. The reduction is over g·u.
  const RB = 4;
  const acc = Array.from({ length: RB }, () => f.local(b.v128));
  const w = f.local(b.v128);
  const dp = f.local(b.i32); // drec at [r, 0]
  const up = f.local(b.i32);
  const dpRow = gru ? g * uB : hRow; // the GRU's drec rows; the SimpleRNN's drec is dxw at step t
  const tile = (j: number, rows: number): X[] => {
    const lanes = Math.min(4, u - 4 * j);
    const out: X[] = [];
    for (let q = 0; q < rows; q++) out.push(f.set(acc[q], loadPartial(f, f.get(d), q * uB + 16 * j, lanes)));
    const stepS: X[] = [f.set(w, m.v128.load(0, 16, f.get(up)))];
    for (let q = 0; q < rows; q++) {
      const x = m.v128.load32_splat(q * dpRow, 4, m.i32.add(f.get(dp), m.i32.shl(f.get(s), f.i32(2))));
      stepS.push(f.set(acc[q], m.f32x4.add(f.get(acc[q]), mul(x, f.get(w)))));
    }
    stepS.push(f.addI(s, 1), f.addI(up, panel));
    out.push(f.set(s, f.i32(0)), f.set(up, m.i32.add(f.get(ws), f.i32(16 * j))), f.countedLoop(g * u, stepS));
    for (let q = 0; q < rows; q++) out.push(...storePartial(f, f.get(d), q * uB + 16 * j, lanes, f.get(acc[q])));
    out.push(f.addI(r, rows), f.addI(d, rows * uB), f.addI(dp, rows * dpRow));
    return out;
  };
  const product: X[] = [];
  for (let j = 0; j < blocks; j++) {
    product.push(
      f.set(r, f.i32(0)),
      f.set(d, f.get(p("dh"))),
      f.set(dp, gru ? f.get(p("drec")) : m.i32.add(f.get(p("dxw")), m.i32.mul(f.get(t), f.i32(uB)))),
      f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(r), f.i32(RB)), f.get(p("n"))), tile(j, RB)),
      f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(p("n"))), tile(j, 1)),
    );
  }
  body.push(f.set(t, f.i32(T - 1)));
  body.push(f.countedLoop(T, [...elementwise, m.if(f.get(t), m.block(null, product)), f.addI(t, -1)]));
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** y[b, t] = x[b, T−1−t] for rows of d floats. */
export function addReverseSteps(
  b: BinaryenApi,
  mod: Mod,
  spec: { readonly name: string; readonly steps: number; readonly d: number },
): void {
  const { steps: T, d } = spec;
  const names = reverseStepsParams();
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, py, px] = [0, 1, 2];
  const r = f.local(b.i32);
  const sx = f.local(b.i32);
  const sy = f.local(b.i32);
  const full = Math.floor(d / 4);
  const tail = d % 4;
  const copy: X[] = [];
  for (let j = 0; j < full; j++) copy.push(m.v128.store(16 * j, 4, f.get(sy), m.v128.load(16 * j, 4, f.get(sx))));
  if (tail > 0) copy.push(...storePartial(f, f.get(sy), 16 * full, tail, loadPartial(f, f.get(sx), 16 * full, tail)));
  copy.push(f.addI(sy, d * 4), f.addI(sx, -d * 4));
  const body: X[] = [
    f.set(r, f.i32(0)),
    f.set(sy, f.get(py)),
    f.set(sx, m.i32.add(f.get(px), f.i32((T - 1) * d * 4))),
    f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(pn)), [f.countedLoop(T, copy), f.addI(sx, 2 * T * d * 4), f.addI(r, 1)]),
  ];
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

export function reverseStepsParams(): string[] {
  return ["n", "y", "x"];
}

/** drec = dxw with its candidate third times r (the second third of acts): gruRecGrad, rows of 3u. */
export function addGruRecGrad(
  b: BinaryenApi,
  mod: Mod,
  spec: { readonly name: string; readonly steps: number; readonly units: number },
): void {
  const u = spec.units;
  const names = ["n", "drec", "dxw", "acts"];
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const [pn, pDrec, pDxw, pA] = [0, 1, 2, 3];
  const o = f.local(b.i32);
  const k = f.local(b.i32);
  const rows = f.local(b.i32);
  const at = (p: number): X => m.i32.add(f.get(p), f.get(o));
  const vec = (lanes: number, off: number, scaled: boolean): X[] => {
    const x = loadPartial(f, at(pDxw), off, lanes);
    return storePartial(f, at(pDrec), off, lanes, scaled ? m.f32x4.mul(x, loadPartial(f, at(pA), off - u * 4, lanes)) : x);
  };
  const row: X[] = [];
  for (let part = 0; part < 3; part++) {
    for (let j = 0; j < Math.floor(u / 4); j++) row.push(...vec(4, part * u * 4 + 16 * j, part === 2));
    if (u % 4) row.push(...vec(u % 4, part * u * 4 + 16 * Math.floor(u / 4), part === 2));
  }
  row.push(f.addI(o, 3 * u * 4), f.addI(k, 1));
  const body: X[] = [
    f.set(o, f.i32(0)),
    f.set(k, f.i32(0)),
    f.set(rows, m.i32.mul(f.get(pn), f.i32(spec.steps))),
    f.whileLoop(() => m.i32.lt_s(f.get(k), f.get(rows)), row),
  ];
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** mask[i] = 1 where the i32 id is not 0, else 0, for n·perRow ids (embedding's mask_zero). */
export function addPaddingMask(b: BinaryenApi, mod: Mod, spec: { readonly name: string; readonly perRow: number }): void {
  const names = ["n", "mask", "ids"];
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const o = f.local(b.i32);
  const end = f.local(b.i32);
  const one = splatF(f, 1);
  // Four ids at a time (i32x4.ne gives all-ones lanes, and with 1.0f the mask), then the rest.
  const body: X[] = [
    f.set(o, f.i32(0)),
    f.set(end, m.i32.mul(f.get(0), f.i32(spec.perRow * 4))),
    f.whileLoop(
      () => m.i32.le_s(m.i32.add(f.get(o), f.i32(16)), f.get(end)),
      [
        m.v128.store(
          0,
          4,
          m.i32.add(f.get(1), f.get(o)),
          m.v128.and(m.i32x4.ne(m.v128.load(0, 4, m.i32.add(f.get(2), f.get(o))), m.v128.const(new Array(16).fill(0))), one),
        ),
        f.addI(o, 16),
      ],
    ),
    f.whileLoop(
      () => m.i32.lt_s(f.get(o), f.get(end)),
      [
        m.f32.store(
          0,
          4,
          m.i32.add(f.get(1), f.get(o)),
          m.select(m.i32.load(0, 4, m.i32.add(f.get(2), f.get(o))), m.f32.const(1), m.f32.const(0)),
        ),
        f.addI(o, 4),
      ],
    ),
  ];
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}
