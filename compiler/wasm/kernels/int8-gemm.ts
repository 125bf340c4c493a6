// The int8 dense kernel of quantized exports (`dlm export --quantize int8`), WebAssembly
// SIMD128 (no relaxed SIMD): y[m, n] = act(dequantize(q(x) · Wq) + bias), where
//
//   q(x)  = clamp(round_half_even(f32(x · inputs_scale)), lo, hi)   per input value
//           (lo, hi) = (0, 255) for an input that calibration never saw negative, else (−127, 127)
//   Wq    = the layer's int8 kernel [k, n] (per output channel symmetric, −127..127)
//   acc   = Σ_k q(x)[r, k] · Wq[k, c]          exact, in i32 (|acc| ≤ k · 255 · 127 < 2³¹ for k < 66,000)
//   y     = f32(f32(f32(acc) · mult[c]) + bias[c]), then relu where fused
//
// mult[c] = f32(1 / f32(inputs_scale · kernel_scale[c])) is computed by the loader
// (runtime/inference.ts) beside the packed weights. The integer products run as
// i32x4.dot_i16x8_s: int8 values widened to i16, a lane of the result being
// a[2i]·b[2i] + a[2i+1]·b[2i+1]. So the reduction goes by pairs of k: for an 8-column panel
// the loader packs, per pair p, one v128 of [W[2p, c], W[2p+1, c]] for columns c..c+3 and one
// for c+4..c+7 (32 bytes; k padded to even and n to a multiple of 8 with zeros):
//
//   w: panel j, pair p at byte (j · pairs + p) · 32          int8PackedBytes(k, n) in all
//
// and the kernel broadcasts a row's pair [q(x)[2p], q(x)[2p+1]] (one i32) into all lanes.
// A block of up to ROW_BLOCK rows is first quantized into `ws` (i16, rows of 2·pairs
// values); then for each panel a 4×8 tile of accumulators (8 v128 + 2 weight vectors + the
// broadcast: 11 registers) runs over the pairs, and a 1-row tile takes the last rows.
// Each export: name(m, x, w, scale, [bias], y, ws) with byte offsets; m rows at run time.
// runtime/kernels/int8.ts is the scalar reference that tests hold it to, bit for bit.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { reluV, splatF } from "./math.js";

export interface Int8DenseSpec {
  readonly name: string;
  readonly k: number;
  readonly n: number;
  readonly bias: boolean;
  readonly relu: boolean;
  /** The input's quantization multiplier (Keras's `inputs_scale`): q = round(x · inputs_scale). */
  readonly inputsScale: number;
  /** Inputs quantized to 0..255 (calibration saw none below 0), else −127..127. */
  readonly unsigned: boolean;
  /** k in pairs of one channel at two neighbouring columns of a flattened [h, w, c] input (the loader's int8PairOrder); absent: adjacent k. */
  readonly pairColumns?: { readonly w: number; readonly c: number };
}

/** Rows quantized at a time: their i16 copy (≤ 512 KiB) stays in cache while every panel passes. */
const ROW_BLOCK = 64;

export const pairsOf = (k: number): number => Math.ceil(k / 2);
export const panelsOf = (n: number): number => Math.ceil(n / 8);
/** Bytes of the packed i16 weights and of the per-column multipliers after them (the loader packs them). */
export { int8PackedBytes, int8MultBytes } from "../../../runtime/inference.js";
/** The quantized input's range. */
export const int8Range = (unsigned: boolean): readonly [number, number] => (unsigned ? [0, 255] : [-127, 127]);

export function int8RowBlock(k: number): number {
  const fit = Math.floor((512 * 1024) / (pairsOf(k) * 4) / 4) * 4;
  return Math.max(4, Math.min(ROW_BLOCK, fit));
}

export function int8DenseParams(spec: Int8DenseSpec): string[] {
  return ["m", "x", "w", "scale", ...(spec.bias ? ["bias"] : []), "y", "ws"];
}

/** Scratch bytes at `ws`: a block of quantized rows. */
export function int8DenseScratchBytes(spec: Pick<Int8DenseSpec, "k">): number {
  return int8RowBlock(spec.k) * pairsOf(spec.k) * 4 + 16;
}

type QuantSpec = { readonly inputsScale: number; readonly unsigned: boolean };

/** The clamped i16x8 of the 8 f32 at local `src` + off (q(x), saturated to the input's range). */
function quant8(f: Fn, src: number, off: number, q: QuantSpec): X {
  const m = f.mod;
  const [lo, hi] = int8Range(q.unsigned);
  const quantV = (o: number): X =>
    m.i32x4.trunc_sat_f32x4_s(m.f32x4.nearest(m.f32x4.mul(m.v128.load(o, 4, f.get(src)), splatF(f, q.inputsScale))));
  const splat16 = (c: number) => m.i16x8.splat(f.i32(c));
  return m.i16x8.max_s(m.i16x8.min_s(m.i16x8.narrow_i32x4_s(quantV(off), quantV(off + 16)), splat16(hi)), splat16(lo));
}

/** Stores q(f32 at local src + from) as i16 at local dst + to (through local tl). */
function quant1(f: Fn, src: number, from: number, dst: number, to: number, tl: number, q: QuantSpec): X[] {
  const m = f.mod;
  const [lo, hi] = int8Range(q.unsigned);
  return [
    // i32.trunc_sat_f32_s needs another feature than SIMD128: the vector form on lane 0.
    f.set(
      tl,
      m.i32x4.extract_lane(
        m.i32x4.trunc_sat_f32x4_s(m.f32x4.splat(m.f32.nearest(m.f32.mul(m.f32.load(from, 4, f.get(src)), m.f32.const(q.inputsScale))))),
        0,
      ),
    ),
    f.set(tl, m.select(m.i32.lt_s(f.get(tl), f.i32(lo)), f.i32(lo), f.get(tl))),
    f.set(tl, m.select(m.i32.gt_s(f.get(tl), f.i32(hi)), f.i32(hi), f.get(tl))),
    m.i32.store16(to, 2, f.get(dst), f.get(tl)),
  ];
}

/**
 * Quantizes `count` (static) f32 values at local `src` into i16 at local `dst`, 8 per step
 * and the tail one at a time; advances both locals past them.
 */
export function quantizeValues(f: Fn, src: number, dst: number, count: number, q: QuantSpec): X {
  const m = f.mod;
  const out: X[] = [];
  const k8 = Math.floor(count / 8);
  if (k8 > 0) out.push(f.countedLoop(k8, [m.v128.store(0, 2, f.get(dst), quant8(f, src, 0, q)), f.addI(src, 32), f.addI(dst, 16)]));
  const tl = f.local(f.b.i32);
  for (let i = 0; i < count - k8 * 8; i++) out.push(...quant1(f, src, i * 4, dst, i * 2, tl, q));
  const tail = count - k8 * 8;
  if (tail > 0) out.push(f.addI(src, tail * 4), f.addI(dst, tail * 2));
  return m.block(null, out);
}

/** i16 lanes 0–3 (low) or 4–7 (high) of a and b, interleaved: a0 b0 a1 b1 … */
const ZIP16 = (high: boolean): number[] =>
  [0, 1, 2, 3].flatMap((i) => [2 * i, 2 * i + 1, 16 + 2 * i, 17 + 2 * i].map((v) => v + (high ? 8 : 0)));

/**
 * Quantizes a row of k f32 at local `src` into i16 at local `dst` in the order the kernels
 * take k (runtime/inference.ts's int8PairOrder): as they are, or with `pairColumns`, per two
 * columns of each row of the [h, w, c] input, each channel's two values side by side (8
 * channels per step: both columns quantized, their i16 interleaved), then an odd last
 * column's channels in order. Advances both locals past the row.
 */
export function quantizeRow(f: Fn, src: number, dst: number, k: number, q: QuantSpec & Pick<Int8DenseSpec, "pairColumns">): X {
  const pc = q.pairColumns;
  if (!pc || pc.w < 2) return quantizeValues(f, src, dst, k, q);
  const m = f.mod;
  const { w, c } = pc;
  if (k % (w * c) !== 0) throw new Error(`int8: k = ${k} is not a flatten of [h, ${w}, ${c}]`);
  const c8 = Math.floor(c / 8);
  const a = f.local(f.b.v128);
  const b = f.local(f.b.v128);
  const tl = f.local(f.b.i32);
  const twoColumns: X[] = [];
  if (c8 > 0)
    twoColumns.push(
      f.countedLoop(c8, [
        f.set(a, quant8(f, src, 0, q)),
        f.set(b, quant8(f, src, 4 * c, q)),
        m.v128.store(0, 2, f.get(dst), m.i8x16.shuffle(f.get(a), f.get(b), ZIP16(false))),
        m.v128.store(16, 2, f.get(dst), m.i8x16.shuffle(f.get(a), f.get(b), ZIP16(true))),
        f.addI(src, 32),
        f.addI(dst, 32),
      ]),
    );
  for (let t = 0; t < c % 8; t++)
    twoColumns.push(...quant1(f, src, 4 * t, dst, 4 * t, tl, q), ...quant1(f, src, 4 * (c + t), dst, 4 * t + 2, tl, q));
  twoColumns.push(f.addI(src, 4 * (c % 8) + 4 * c), f.addI(dst, 4 * (c % 8)));
  const row: X[] = [f.countedLoop(Math.floor(w / 2), twoColumns)];
  if (w % 2 === 1) row.push(quantizeValues(f, src, dst, c, q));
  return f.countedLoop(k / (w * c), row);
}

/** What the panel loop reads: quantized rows (i16, 4·pairs bytes apart) and where their outputs go (f32, n apart). */
export interface Int8Rows {
  /** Locals: the first quantized row, the first output row, the number of rows. */
  readonly xBase: number;
  readonly yBase: number;
  readonly rows: number;
  readonly n: number;
  readonly pairs: number;
  /** Locals (parameters): the packed weights, the multipliers, the bias (or none). */
  readonly w: number;
  readonly scale: number;
  readonly bias: number | null;
  readonly relu: boolean;
}

/**
 * y[r, c] = f32(f32(acc) · mult[c]) (+ bias[c]) (relu) for the rows: per 8-column panel, 4-row
 * tiles of 8 i32x4 accumulators over the pairs of k, then 1-row tiles.
 */
export function int8Rows(f: Fn, g: Int8Rows): X {
  const m = f.mod;
  const b = f.b;
  const { n, pairs } = g;
  const rowBytes = pairs * 4;
  const r = f.local(b.i32);
  const xp = f.local(b.i32);
  const wp = f.local(b.i32);
  const wEnd = f.local(b.i32);
  const panelW = f.local(b.i32); // the panel's packed weights
  const col = f.local(b.i32); // its first column
  const yRow = f.local(b.i32);
  const scaleAt = f.local(b.i32);
  const biasAt = f.local(b.i32);
  const w0 = f.local(b.v128);
  const w1 = f.local(b.v128);
  const s = f.local(b.v128);
  const tmp = f.local(b.v128);
  const acc: number[][] = [];
  for (let q = 0; q < 4; q++) acc.push([f.local(b.v128), f.local(b.v128)]);
  const tile = (rows: number, width: number): X => {
    const out: X[] = [];
    for (let q = 0; q < rows; q++) for (const a of acc[q]) out.push(f.set(a, m.v128.const(ZERO16)));
    out.push(f.set(xp, m.i32.add(f.get(g.xBase), m.i32.mul(f.get(r), f.i32(rowBytes)))), f.set(wp, f.get(panelW)));
    // One pair: the panel's two weight vectors, each row's pair broadcast, 2 dot products per row.
    const pair = (): X[] => {
      const step: X[] = [f.set(w0, m.v128.load(0, 16, f.get(wp))), f.set(w1, m.v128.load(16, 16, f.get(wp)))];
      for (let q = 0; q < rows; q++) {
        step.push(f.set(s, m.v128.load32_splat(q * rowBytes, 4, f.get(xp))));
        step.push(f.set(acc[q][0], m.i32x4.add(f.get(acc[q][0]), m.i32x4.dot_i16x8_s(f.get(s), f.get(w0)))));
        step.push(f.set(acc[q][1], m.i32x4.add(f.get(acc[q][1]), m.i32x4.dot_i16x8_s(f.get(s), f.get(w1)))));
      }
      return step;
    };
    // One pair per iteration (integer sums: any order gives the same bits). Two per iteration, as this kernel had,
    // made V8 keep 8 broadcasts, 4 weight vectors and 8 accumulators live: more than x64's 16 vector registers, so
    // it spilled 4 accumulators and 2 broadcasts to the stack every iteration (1.30× slower on the seed CNN's layer).
    const top = f.label("pair");
    const body = [...pair(), f.addI(xp, 4), f.addI(wp, 32)];
    out.push(m.loop(top, m.block(null, [...body, m.br(top, m.i32.lt_u(f.get(wp), f.get(wEnd)))])));
    // Epilogue: f32(acc) · mult (+ bias) (relu), the panel's valid columns only.
    for (let q = 0; q < rows; q++) {
      for (let v = 0; v < 2; v++) {
        const lanes = Math.min(4, width - 4 * v);
        if (lanes <= 0) continue;
        let val = m.f32x4.mul(m.f32x4.convert_i32x4_s(f.get(acc[q][v])), m.v128.load(v * 16, 16, f.get(scaleAt)));
        if (g.bias !== null) val = m.f32x4.add(val, loadPartial(f, f.get(biasAt), v * 16, lanes));
        out.push(f.set(tmp, val));
        if (g.relu) out.push(f.set(tmp, reluV(f, tmp)));
        out.push(...storePartial(f, f.get(yRow), q * n * 4 + v * 16, lanes, f.get(tmp)));
      }
    }
    return m.block(null, out);
  };
  const rowTiles = (width: number): X[] => [
    f.set(r, f.i32(0)),
    f.set(wEnd, m.i32.add(f.get(panelW), f.i32(pairs * 32))),
    f.set(yRow, m.i32.add(f.get(g.yBase), m.i32.shl(f.get(col), f.i32(2)))),
    f.set(scaleAt, m.i32.add(f.get(g.scale), m.i32.shl(f.get(col), f.i32(2)))),
    ...(g.bias !== null ? [f.set(biasAt, m.i32.add(f.get(g.bias), m.i32.shl(f.get(col), f.i32(2))))] : []),
    f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(r), f.i32(4)), f.get(g.rows)), [tile(4, width), f.addI(r, 4), f.addI(yRow, 4 * n * 4)]),
    f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(g.rows)), [tile(1, width), f.addI(r, 1), f.addI(yRow, n * 4)]),
  ];
  const full = Math.floor(n / 8);
  const out: X[] = [f.set(col, f.i32(0)), f.set(panelW, f.get(g.w))];
  const next = [f.addI(col, 8), f.addI(panelW, pairs * 32)];
  if (full > 0) out.push(f.countedLoop(full, [...rowTiles(8), ...next]));
  if (n % 8 > 0) out.push(...rowTiles(n % 8));
  return m.block(null, out);
}

/** Whether a sum of k products of quantized inputs (|q| ≤ 255) and int8 weights (|w| ≤ 127) stays within i32. */
export const int8SumsFit = (k: number): boolean => k * 255 * 127 < 2 ** 31;

/**
 * The function of an int8 dense-layer kernel (the dense tiles here, the lists of int8-sparse.ts),
 * after the checks both make: `p`, its parameters' locals (int8DenseParams); `add(body)` adds
 * the export. `what` names the kernel in the errors.
 */
export function int8DenseFn(b: BinaryenApi, mod: Mod, spec: Int8DenseSpec, what: string) {
  const { k, n } = spec;
  if (!(Number.isInteger(k) && Number.isInteger(n) && k > 0 && n > 0)) throw new Error(`${what} ${spec.name}: bad shape`);
  if (!int8SumsFit(k)) throw new Error(`${what} ${spec.name}: k = ${k} could overflow the i32 sums`);
  const names = int8DenseParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const P = (name: string) => names.indexOf(name);
  const p = { m: P("m"), x: P("x"), w: P("w"), scale: P("scale"), y: P("y"), ws: P("ws"), bias: spec.bias ? P("bias") : null };
  const add = (body: X): void => {
    mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), body);
    mod.addFunctionExport(spec.name, spec.name);
  };
  return { f, p, add };
}

/** Adds the export `spec.name` to `mod`. */
export function addInt8Dense(b: BinaryenApi, mod: Mod, spec: Int8DenseSpec): void {
  const { k, n } = spec;
  const { f, p, add } = int8DenseFn(b, mod, spec, "int8 dense");
  const m = mod;
  const { m: pm, x: px, w: pw, scale: pscale, y: py, ws: pws } = p;
  const pairs = pairsOf(k);
  const rowBytes = pairs * 4; // a quantized row in ws (i16)
  const rb = int8RowBlock(k);
  const r0 = f.local(b.i32);
  const rows = f.local(b.i32);
  const r = f.local(b.i32);
  const src = f.local(b.i32);
  const dst = f.local(b.i32);
  const yBase = f.local(b.i32);
  // A block of rows: quantize them into ws (a row's odd k padded with a zero), then every panel over them.
  const quantize = f.whileLoop(
    () => m.i32.lt_s(f.get(r), f.get(rows)),
    [
      f.set(dst, m.i32.add(f.get(pws), m.i32.mul(f.get(r), f.i32(rowBytes)))),
      quantizeRow(f, src, dst, k, spec),
      ...(k % 2 === 1 ? [m.i32.store16(0, 2, f.get(dst), f.i32(0))] : []),
      f.addI(r, 1),
    ],
  );
  const body: X[] = [
    f.set(r0, f.i32(0)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(r0), f.get(pm)),
      [
        f.set(rows, m.select(m.i32.lt_s(m.i32.add(f.get(r0), f.i32(rb)), f.get(pm)), f.i32(rb), m.i32.sub(f.get(pm), f.get(r0)))),
        f.set(src, m.i32.add(f.get(px), m.i32.mul(f.get(r0), f.i32(k * 4)))),
        f.set(r, f.i32(0)),
        quantize,
        f.set(yBase, m.i32.add(f.get(py), m.i32.mul(f.get(r0), f.i32(n * 4)))),
        int8Rows(f, { xBase: pws, yBase, rows, n, pairs, w: pw, scale: pscale, bias: p.bias, relu: spec.relu }),
        f.addI(r0, rb),
      ],
    ),
  ];
  add(m.block(null, body));
}
