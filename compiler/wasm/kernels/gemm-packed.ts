// The forward GEMM of an exported model's dense layers, reading its right operand (the
// layer's kernel, a constant) stored in panel order, f32x4 SIMD128, specialized to k and n:
//
//   C[m, n] = act(A[m, k] · B[k, n] + bias[n])        packedGemm(m, a, b, c [, bias] [, pre])
//
// The training GEMM (gemm.ts, kind nn) packs each 8-column panel of B into scratch on every
// call, then runs its register tiles on the copy. B of an exported model never changes, so
// the loader stores it packed once (runtime/inference.ts packPanels): the full 8-column
// panels, each [k][8] contiguous, then the tail panel of the last t = n mod 8 columns as
// [k][t]: k·n floats in B's own place. This kernel runs the same tiles on the packed panels
// in place, with no copy: each B float is read once per row tile (once per call at m = 1).
//
// Every element of C is the same sum in the same order as gemm.ts computes it: zero, plus
// A[r, s]·B[s, c] for s = 0, 1, …, k−1 (mul, then add; one relaxed_madd in the relaxed
// variant), then + bias, then the activation — so the results are bit for bit those of the
// nn GEMM (tests/wasm/gemm-packed.test.ts). What differs is the tiling:
//  - while at least `rowTile` (MR, default 4) rows remain in a row block: MR rows × one
//    panel per tile, 2·MR accumulators, B's two vectors loaded once per step for MR rows;
//  - the rows left (fewer than MR: all of them at m = 1) run in pairs, 2 rows × up to 2
//    panels per tile, then one at a time, one row × up to `wide` (default 3) panels per
//    tile: 2·wide independent accumulators, so the adds of one row do not wait on each
//    other's latency as a 1×8 tile's two accumulators do (4 panels, 8 accumulators and 8 B
//    vectors, measured 2× slower: more live v128 values than x64's 16 registers).
// Rows go in blocks of `rowBlock` (default 16: the seed CNN's 16 rows of A, 346 KB, stay in
// L2 beside one 173 KB panel of B; 16 measured 5–8% faster than 64 at 64 and 128 rows).
import type { BinaryenApi } from "./binaryen.js";
import { buildModule, type EmittedModule, type ModuleOptions } from "./module.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { activate, type GemmActivation } from "./gemm.js";

export interface PackedGemmSpec {
  /** The export's name. */
  readonly name: string;
  readonly k: number;
  readonly n: number;
  /** Add a bias vector over C's columns. */
  readonly bias: boolean;
  /** An activation applied in the epilogue: C = act(A·B + bias). */
  readonly activation?: GemmActivation;
  /** leaky_relu's slope. */
  readonly slope?: number;
  /** Also store the pre-activation A·B + bias at `pre`. */
  readonly preOut?: boolean;
  /** Multiply-add with f32x4.relaxed_madd (the relaxed module variant). */
  readonly relaxed?: boolean;
  /** Rows per register tile while that many remain in a row block (2..6; default 4). */
  readonly rowTile?: number;
  /** 8-column panels per tile of the rows left after the row tiles (1..6; default 3). */
  readonly wide?: number;
  /** Rows per block (default 16). */
  readonly rowBlock?: number;
  /** Not exported: a function that another kernel of the module calls (gemm-sparse.ts on dense rows). */
  readonly internal?: boolean;
}

/** The parameter names of a spec's export, in order. */
export function packedGemmParams(spec: Pick<PackedGemmSpec, "bias" | "activation" | "preOut">): string[] {
  const p = ["m", "a", "b", "c"];
  if (spec.bias) p.push("bias");
  if (spec.activation && spec.preOut) p.push("pre");
  return p;
}

/** Where B[s, c] of a [k, n] matrix lies in its packed form (an index of k·n floats). */
export function packedIndex(k: number, n: number, s: number, c: number): number {
  const full = n >> 3;
  const j = c >> 3;
  if (j < full) return j * 8 * k + s * 8 + (c & 7);
  return full * 8 * k + s * (n - full * 8) + (c - full * 8);
}

interface Tile {
  rows: number;
  panels: number;
  width: number; // columns per panel: 8, or the tail's
  aPtr: number; // local: A at (row 0, step 0)
  aRowBytes: number;
  bPtr: number; // local: the first panel at step 0
  bStepBytes: number;
  panelBytes: number; // between consecutive panels
  steps: number; // k (static, > 0)
  cPtr: number; // local: C at (row 0, the first panel's column 0)
  cRowBytes: number;
  biasPtr: number | null; // local: bias at the first panel's column 0
  activation?: GemmActivation;
  slope?: number;
  preDelta: number | null; // local: pre − c in bytes
  relaxed?: boolean;
}

/** a·b + c with f32x4.relaxed_madd (binaryen's JS API has no wrapper for it; the C API does). */
export function madd(f: Fn, relaxed: boolean | undefined, a: X, b: X, c: X): X {
  if (!relaxed) return f.mod.f32x4.add(c, f.mod.f32x4.mul(a, b));
  const api = f.b as unknown as { _BinaryenSIMDTernary(mod: number, op: number, a: X, b: X, c: X): X; RelaxedMaddVecF32x4: number };
  return api._BinaryenSIMDTernary(f.mod.ptr, api.RelaxedMaddVecF32x4, a, b, c);
}

/** A rows × (panels · width) block of C = act(Σ_s A[r, s] · B[s, ·] + bias). */
function tile(f: Fn, t: Tile): X {
  const m = f.mod;
  const b = f.b;
  const nv = Math.ceil(t.width / 4);
  const lanes = (v: number) => Math.min(4, t.width - 4 * v);
  const body: X[] = [];
  const acc: number[][][] = [];
  for (let q = 0; q < t.rows; q++) {
    acc.push([]);
    for (let p = 0; p < t.panels; p++) {
      acc[q].push([]);
      for (let v = 0; v < nv; v++) {
        const l = f.local(b.v128);
        acc[q][p].push(l);
        body.push(f.set(l, m.v128.const(ZERO16)));
      }
    }
  }
  const ap = f.local(b.i32);
  const bp = f.local(b.i32);
  body.push(f.set(ap, f.get(t.aPtr)), f.set(bp, f.get(t.bPtr)));
  const av = f.local(b.v128);
  const bOff = (p: number, v: number) => p * t.panelBytes + v * 16;
  const bv: number[][] = [];
  for (let p = 0; p < t.panels; p++) bv.push(Array.from({ length: nv }, () => f.local(b.v128)));
  // One reduction step (j steps past the pointers). Unrolling the loop measured slower (TurboFan hoists the loads and spills).
  const oneStep = (j: number): X[] => {
    const st: X[] = [];
    for (let p = 0; p < t.panels; p++)
      for (let v = 0; v < nv; v++) st.push(f.set(bv[p][v], loadPartial(f, f.get(bp), j * t.bStepBytes + bOff(p, v), lanes(v))));
    for (let q = 0; q < t.rows; q++) {
      st.push(f.set(av, m.v128.load32_splat(q * t.aRowBytes + 4 * j, 4, f.get(ap))));
      for (let p = 0; p < t.panels; p++)
        for (let v = 0; v < nv; v++) st.push(f.set(acc[q][p][v], madd(f, t.relaxed, f.get(av), f.get(bv[p][v]), f.get(acc[q][p][v]))));
    }
    return st;
  };
  // A counted loop (V8 keeps the counter in a stack slot). Ending the loop on A's pointer instead gained 1–2.5% on the
  // seed CNN's 5408×128 but measured between even and 1.6× slower on a 512×784 tanh layer at 64 rows (a loaded machine).
  body.push(f.countedLoop(t.steps, [...oneStep(0), f.addI(ap, 4), f.addI(bp, t.bStepBytes)]));
  // Epilogue: + bias, the pre-activation, the activation; partial stores on a tail vector.
  const tmp = f.local(b.v128);
  for (let q = 0; q < t.rows; q++)
    for (let p = 0; p < t.panels; p++)
      for (let v = 0; v < nv; v++) {
        const off = q * t.cRowBytes + p * 32 + v * 16;
        let val = f.get(acc[q][p][v]);
        if (t.biasPtr !== null) val = m.f32x4.add(val, loadPartial(f, f.get(t.biasPtr), p * 32 + v * 16, lanes(v)));
        body.push(f.set(tmp, val));
        if (t.activation) {
          if (t.preDelta !== null) body.push(...storePartial(f, m.i32.add(f.get(t.cPtr), f.get(t.preDelta)), off, lanes(v), f.get(tmp)));
          body.push(f.set(tmp, activate(f, t.activation, tmp, t.slope ?? 0)));
        }
        body.push(...storePartial(f, f.get(t.cPtr), off, lanes(v), f.get(tmp)));
      }
  return m.block(null, body);
}

/** `full` panels in ceil(full / wide) groups of sizes as even as they go (16 by 3: 3, 3, 3, 3, 2, 2): [first, count]. */
export function panelGroups(full: number, wide: number): [number, number][] {
  const groups = Math.ceil(full / wide);
  const out: [number, number][] = [];
  for (let g = 0, p0 = 0; g < groups; g++) {
    const count = Math.floor(full / groups) + (g < full % groups ? 1 : 0);
    out.push([p0, count]);
    p0 += count;
  }
  return out;
}

/** Adds the export `spec.name` to `mod` (memory 0 must exist). */
export function addPackedGemm(b: BinaryenApi, mod: Mod, spec: PackedGemmSpec): void {
  const { k, n } = spec;
  if (!(Number.isInteger(k) && Number.isInteger(n) && k > 0 && n > 0))
    throw new Error(`packed gemm ${spec.name}: k and n must be positive integers`);
  const mr = spec.rowTile ?? 4;
  const wide = spec.wide ?? 3;
  if (!(mr >= 2 && mr <= 6)) throw new Error(`packed gemm ${spec.name}: rowTile must be 2..6`);
  if (!(wide >= 1 && wide <= 6)) throw new Error(`packed gemm ${spec.name}: wide must be 1..6`);
  const rb = Math.max(mr, Math.floor((spec.rowBlock ?? 16) / mr) * mr);
  const names = packedGemmParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const P = (name: string) => names.indexOf(name);
  const [pm, pa, pb, pc] = [P("m"), P("a"), P("b"), P("c")];
  const pbias = spec.bias ? P("bias") : null;
  const m = mod;
  const body: X[] = [];
  const preDelta = spec.activation && spec.preOut ? f.local(b.i32) : null;
  if (preDelta !== null) body.push(f.set(preDelta, m.i32.sub(f.get(P("pre")), f.get(pc))));
  const full = Math.floor(n / 8);
  const tail = n % 8;
  const panelBytes = k * 32;
  const tailAt = full * panelBytes; // the tail panel's byte offset in B
  const r0 = f.local(b.i32); // the row block's first row
  const rEnd = f.local(b.i32); // its end
  const rFull = f.local(b.i32); // the end of its MR-row tiles
  const r = f.local(b.i32);
  const aRow = f.local(b.i32);
  const cRow = f.local(b.i32);
  const bPan = f.local(b.i32);
  const cCol = f.local(b.i32); // C at (r0, the panel's column 0)
  const biasCol = f.local(b.i32);
  const common = {
    aPtr: aRow,
    aRowBytes: k * 4,
    bPtr: bPan,
    panelBytes,
    steps: k,
    cPtr: cRow,
    cRowBytes: n * 4,
    biasPtr: pbias === null ? null : biasCol,
    activation: spec.activation,
    slope: spec.slope,
    preDelta,
    relaxed: spec.relaxed,
  };
  const addr = (base: number, bytes: number): X => (bytes === 0 ? f.get(base) : m.i32.add(f.get(base), f.i32(bytes)));
  // MR-row tiles of the block's rows [r0, rFull), one panel (columns col…, B's panel at bPan) at a time.
  const rowTiles = (width: number): X[] => [
    f.set(r, f.get(r0)),
    f.set(aRow, m.i32.add(f.get(pa), m.i32.mul(f.get(r0), f.i32(k * 4)))),
    f.set(cRow, f.get(cCol)),
    f.whileLoop(
      () => m.i32.lt_s(f.get(r), f.get(rFull)),
      [
        tile(f, { ...common, rows: mr, panels: 1, width, bStepBytes: width * 4 }),
        f.addI(r, mr),
        f.addI(aRow, mr * k * 4),
        f.addI(cRow, mr * n * 4),
      ],
    ),
  ];
  const blockBody: X[] = [
    f.set(rEnd, m.select(m.i32.lt_s(m.i32.add(f.get(r0), f.i32(rb)), f.get(pm)), m.i32.add(f.get(r0), f.i32(rb)), f.get(pm))),
    f.set(rFull, m.i32.sub(f.get(rEnd), m.i32.rem_u(m.i32.sub(f.get(rEnd), f.get(r0)), f.i32(mr)))),
    f.set(cCol, m.i32.add(f.get(pc), m.i32.mul(f.get(r0), f.i32(n * 4)))),
  ];
  const tiled: X[] = [];
  if (full > 0) {
    tiled.push(f.set(bPan, f.get(pb)));
    if (pbias !== null) tiled.push(f.set(biasCol, f.get(pbias)));
    tiled.push(
      f.countedLoop(full, [...rowTiles(8), f.addI(bPan, panelBytes), f.addI(cCol, 32), ...(pbias !== null ? [f.addI(biasCol, 32)] : [])]),
    );
  }
  if (tail > 0) {
    tiled.push(f.set(bPan, addr(pb, tailAt)));
    if (pbias !== null) tiled.push(f.set(biasCol, addr(pbias, full * 32)));
    tiled.push(f.set(cCol, m.i32.add(f.get(pc), m.i32.add(m.i32.mul(f.get(r0), f.i32(n * 4)), f.i32(full * 32)))), ...rowTiles(tail));
  }
  blockBody.push(m.if(m.i32.gt_s(f.get(rFull), f.get(r0)), m.block(null, tiled)));
  // The rows left: pairs of rows × up to 2 panels per tile (8 accumulators), then one row ×
  // up to `wide` panels; each ends with the tail panel.
  const rowsLeft = (rows: number, perTile: number): X[] => {
    const out: X[] = [];
    const at = (p0: number): X[] => [
      f.set(bPan, addr(pb, p0 * panelBytes)),
      f.set(cRow, addr(cCol, p0 * 32)),
      ...(pbias !== null ? [f.set(biasCol, addr(pbias, p0 * 32))] : []),
    ];
    for (const [p0, panels] of panelGroups(full, perTile))
      out.push(...at(p0), tile(f, { ...common, rows, panels, width: 8, bStepBytes: 32 }));
    if (tail > 0) out.push(...at(full), tile(f, { ...common, rows, panels: 1, width: tail, bStepBytes: tail * 4 }));
    return out;
  };
  const advance = (rows: number): X[] => [f.addI(r, rows), f.addI(aRow, rows * k * 4), f.addI(cCol, rows * n * 4)];
  blockBody.push(
    f.set(r, f.get(rFull)),
    f.set(aRow, m.i32.add(f.get(pa), m.i32.mul(f.get(r), f.i32(k * 4)))),
    f.set(cCol, m.i32.add(f.get(pc), m.i32.mul(f.get(r), f.i32(n * 4)))),
    f.whileLoop(() => m.i32.le_s(m.i32.add(f.get(r), f.i32(2)), f.get(rEnd)), [...rowsLeft(2, 2), ...advance(2)]),
    f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(rEnd)), [...rowsLeft(1, wide), ...advance(1)]),
  );
  body.push(
    f.set(r0, f.i32(0)),
    f.whileLoop(() => m.i32.lt_s(f.get(r0), f.get(pm)), [...blockBody, f.addI(r0, rb)]),
  );
  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  if (!spec.internal) mod.addFunctionExport(spec.name, spec.name);
}

/** A standalone module with the given packed GEMMs, importing its memory as env.memory. */
export function emitPackedGemmModule(b: BinaryenApi, specs: readonly PackedGemmSpec[], opts: ModuleOptions = {}): EmittedModule {
  return buildModule(b, (mod) => specs.forEach((s) => addPackedGemm(b, mod, s)), opts);
}
