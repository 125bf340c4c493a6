// GEMM kernels for the WebAssembly backend, built with binaryen's builder API: f32x4 SIMD128,
// register-tiled, specialized to static shapes. They compute what the reference kernels of
// runtime/kernels/dense.ts compute (row-major, f32):
//
//   nn  C[m, n] (+)= A[m, k] · B[k, n]   (+ bias[n])   matmul:   a dense layer's forward
//   nt  C[m, k] (+)= A[m, n] · B[k, n]ᵀ  (+ bias[k])   matmulNT: its input gradient dY·Wᵀ
//   tn  C[k, n] (+)= A[m, k]ᵀ · B[m, n]  (+ bias[n])   matmulTN: its kernel gradient Xᵀ·dY
//
// m (the flattened batch rows) is a run-time parameter; k and n are static, so every
// stride, tail width and panel count is a constant in the code. Each export takes byte
// offsets into the module's linear memory:
//
//   name(m, a, b, c [, bias] [, ws])      ws: packing scratch of gemmScratchBytes(spec) bytes
//
// The micro-kernel keeps an MR×8 block of C in 2·MR v128 locals (MR = 4 by default: 8
// accumulators + 2 B vectors + 1 broadcast A value fit the 16 xmm registers of x86-64), and
// per reduction step does 2 vector loads of B, MR broadcast loads of A and 2·MR f32x4
// mul+add. nn and nt first pack an 8-column panel of op(B) into `ws` (k×8 floats, zero
// padded past n), so the inner loop reads B contiguously and needs no tail code; the last
// panel's width n mod 8 is handled only in the stores (partial v128 stores). Rows past the
// last full MR tile run a 1-row kernel. tn (gemm-tn.ts) reduces over the m rows, which
// advance both A and B: it packs chunks of both and carries each tile's sums across chunks in
// its scratch, with the same bits as one pass; a static MR = k mod 4 tile takes C's last rows.
import type { BinaryenApi } from "./binaryen.js";
import { buildModule, type EmittedModule, type ModuleOptions } from "./module.js";
import { reluV, sigmoidV, splatF, tanhV } from "./math.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { TN_ROW_UNIT, tnBody, tnScratchBytes, type TnBlocking, type TnColumns, type TnRows } from "./gemm-tn.js";

export type GemmKind = "nn" | "nt" | "tn";

export interface GemmSpec {
  /** The export's name. */
  readonly name: string;
  readonly kind: GemmKind;
  /** Nominal rows (e.g. the batch): documentation and benchmarks only; m is a parameter. */
  readonly m?: number;
  readonly k: number;
  readonly n: number;
  /** Add a bias vector over C's columns. */
  readonly bias: boolean;
  /** C += product instead of C = product. */
  readonly accumulate?: boolean;
  /** Rows per register tile (1..6); default 4. */
  readonly rowTile?: number;
  /** An activation applied in the epilogue (nn only): C = act(A·B + bias). */
  readonly activation?: GemmActivation;
  /** leaky_relu's slope. */
  readonly slope?: number;
  /** Also store the pre-activation A·B + bias at `pre` (when something else reads it). */
  readonly preOut?: boolean;
  /** nn, no activation: C = (A·B + bias) + res, res an [m, n] operand (a residual add in the epilogue; f32 adds commute). */
  readonly residual?: boolean;
  /** Multiply-add with relaxed SIMD's f32x4.relaxed_madd (the module variant for engines that have it). */
  readonly relaxed?: boolean;
  /**
   * Two more parameters `lo, hi`: the 8-column panels of C to compute (threads share a call by
   * panels: runtime/threads); hi = 0 (a call without them) computes every panel.
   */
  readonly range?: boolean;
  /**
   * tn with `range`: lo, hi count C's rows in units of TN_ROW_UNIT (8) rather than its panels, so
   * that each thread writes a contiguous block of a tall kernel gradient (and packs only its
   * columns of A).
   */
  readonly rowRange?: boolean;
  /** The tn kernel's loop blocking (gemm-tn.ts; benchmarks and tests: the default is TN_BLOCKING). */
  readonly tnBlocking?: TnBlocking;
  /** nn/nt: rows of A per block (benchmarks and tests: the default is gemmRowBlock(inner, rowTile)). */
  readonly rowBlock?: number;
  /**
   * nn/nt with a one-step reduction (inner = 1): through the register tile anyway instead of the
   * outer product (tests: the reference of the outer product's bits).
   */
  readonly tiled?: boolean;
}

export type GemmActivation = "relu" | "leaky_relu" | "tanh" | "sigmoid";

/**
 * Rows of A per block in nn/nt: A's block stays in L2 while every panel of B passes, and B is
 * packed once per block. Up to 256 rows while the block keeps ≤ 512 KiB of A, at least 64: the
 * transformer's K = 128 GEMMs at 4,096 rows ran 4–5% faster in blocks of 256 rows than of 64
 * (the nt's gathering pack of B, then the nn's copy, done 4× less often), its 512-deep ones 2–4%.
 */
export function gemmRowBlock(inner: number, mr: number): number {
  const rows = Math.min(256, Math.max(64, Math.floor(2 ** 17 / inner)));
  return Math.max(mr, Math.floor(rows / mr) * mr);
}

/** The parameter names of a spec's export, in order. */
export function gemmParams(spec: GemmSpec): string[] {
  const p = ["m", "a", "b", "c"];
  if (spec.bias) p.push("bias");
  if (spec.activation && spec.preOut) p.push("pre");
  if (spec.residual) p.push("res");
  if (gemmScratchBytes(spec) > 0) p.push("ws");
  if (spec.range) p.push("lo", "hi");
  return p;
}

/** The units of a range: C's 8-column panels, or a tn rows range's blocks of TN_ROW_UNIT rows. */
export const gemmPanels = (spec: Pick<GemmSpec, "kind" | "k" | "n" | "rowRange">): number =>
  spec.kind === "tn" && spec.rowRange ? Math.ceil(spec.k / TN_ROW_UNIT) : Math.ceil((spec.kind === "nt" ? spec.k : spec.n) / 8);

/**
 * With `range`: locals hi (panels [lo, hi), hi = 0 meaning all) and fullEnd (the end of the
 * full panels in the range, in columns), set at the function's start.
 */
function panelRange(f: Fn, P: (name: string) => number, all: number, full: number): { hi: number; fullEnd: number; init: X[] } {
  const m = f.mod;
  const hi = f.local(f.b.i32);
  const fullEnd = f.local(f.b.i32);
  const init = [
    f.set(hi, m.select(f.get(P("hi")), f.get(P("hi")), f.i32(all))),
    f.set(fullEnd, m.i32.shl(m.select(m.i32.lt_s(f.get(hi), f.i32(full)), f.get(hi), f.i32(full)), f.i32(3))),
  ];
  return { hi, fullEnd, init };
}

/** Bytes of packing scratch the kernel needs at `ws` (any alignment: 16 bytes of slack). */
export function gemmScratchBytes(spec: GemmSpec): number {
  if (spec.kind === "nn") return spec.k * 32 + 16;
  if (spec.kind === "nt") return spec.n * 32 + 16;
  return tnScratchBytes({
    name: spec.name,
    k: spec.k,
    n: spec.n,
    mr: Math.min(spec.rowTile ?? 4, 4),
    bias: spec.bias,
    accumulate: !!spec.accumulate,
    blocking: spec.tnBlocking,
  });
}

/** C's shape [rows, cols] for m rows. */
export function gemmOutShape(spec: GemmSpec, m: number): [number, number] {
  return spec.kind === "nn" ? [m, spec.n] : spec.kind === "nt" ? [m, spec.k] : [spec.k, spec.n];
}

/** Multiply-adds for m rows (2 FLOP each). */
export function gemmMacs(spec: GemmSpec, m: number): number {
  return m * spec.k * spec.n;
}

interface TileSpec {
  rows: number; // MR, static
  width: number; // valid output columns, 1..8
  bLanes: number; // columns to load from B per step: 8 when packed (zero padded), else width
  aPtr: number; // local: A at (row 0, step 0)
  aRowBytes: number; // between the tile's rows of A
  aStepBytes: number; // per reduction step
  bPtr: number; // local: B at (step 0, col 0)
  bStepBytes: number;
  count: () => X; // reduction steps (> 0 or guarded)
  countStatic: boolean;
  cPtr: number; // local: C at (row 0, col 0)
  cRowBytes: number;
  biasPtr: number | null; // local: bias at col 0
  accumulate: boolean;
  activation?: GemmActivation;
  slope?: number;
  preDelta?: number | null; // local: pre − c in bytes, when the pre-activation is stored too
  resDelta?: number | null; // local: res − c in bytes, when a residual is added
  relaxed?: boolean;
}

/** a·b + c with f32x4.relaxed_madd (binaryen's JS API has no wrapper for it; the C API does). */
function relaxedMadd(f: Fn, a: X, b: X, c: X): X {
  const api = f.b as unknown as { _BinaryenSIMDTernary(mod: number, op: number, a: X, b: X, c: X): X; RelaxedMaddVecF32x4: number };
  return api._BinaryenSIMDTernary(f.mod.ptr, api.RelaxedMaddVecF32x4, a, b, c);
}

/** act(v) on a v128 held in local `v` (also the packed and sparse GEMMs' epilogue). */
export function activate(f: Fn, act: GemmActivation, v: number, slope: number): X {
  const m = f.mod;
  switch (act) {
    case "relu":
      return reluV(f, v);
    case "leaky_relu":
      // x > 0 ? x : slope·x, as the reference (NaN stays NaN through the multiply).
      return m.v128.bitselect(f.get(v), m.f32x4.mul(f.get(v), splatF(f, slope)), m.f32x4.gt(f.get(v), splatF(f, 0)));
    case "tanh":
      return tanhV(f, f.get(v));
    case "sigmoid":
      return sigmoidV(f, f.get(v));
  }
}

/** An MR×width block of C = Σ_steps A[r, s] · B[s, 0..width). Clobbers its own locals only. */
function tile(f: Fn, t: TileSpec): X {
  const m = f.mod;
  const b = f.b;
  const nv = Math.ceil(t.width / 4);
  const acc: number[][] = [];
  const body: X[] = [];
  for (let q = 0; q < t.rows; q++) {
    acc.push([]);
    for (let v = 0; v < nv; v++) {
      const l = f.local(b.v128);
      acc[q].push(l);
      body.push(f.set(l, m.v128.const(ZERO16)));
    }
  }
  const ap = f.local(b.i32);
  const bp = f.local(b.i32);
  const bEnd = f.local(b.i32); // B past the last step: the loop ends on a pointer compare, no counter
  body.push(
    f.set(ap, f.get(t.aPtr)),
    f.set(bp, f.get(t.bPtr)),
    f.set(bEnd, m.i32.add(f.get(t.bPtr), m.i32.mul(t.count(), f.i32(t.bStepBytes)))),
  );
  const bv: number[] = [];
  for (let v = 0; v < nv; v++) bv.push(f.local(b.v128));
  const av = f.local(b.v128);
  const step: X[] = [];
  for (let v = 0; v < nv; v++) step.push(f.set(bv[v], loadPartial(f, f.get(bp), v * 16, Math.min(4, t.bLanes - 4 * v))));
  for (let q = 0; q < t.rows; q++) {
    step.push(f.set(av, m.v128.load32_splat(q * t.aRowBytes, 4, f.get(ap))));
    for (let v = 0; v < nv; v++) {
      step.push(
        f.set(
          acc[q][v],
          t.relaxed
            ? relaxedMadd(f, f.get(av), f.get(bv[v]), f.get(acc[q][v]))
            : m.f32x4.add(f.get(acc[q][v]), m.f32x4.mul(f.get(av), f.get(bv[v]))),
        ),
      );
    }
  }
  step.push(f.addI(ap, t.aStepBytes), f.addI(bp, t.bStepBytes));
  const top = f.label("k");
  const loop = m.loop(top, m.block(null, [...step, m.br(top, m.i32.ne(f.get(bp), f.get(bEnd)))]));
  body.push(t.countStatic ? loop : m.if(m.i32.gt_s(t.count(), f.i32(0)), loop));
  // Epilogue: (+ bias) (+ C), partial stores on the tail vector.
  const tmp = f.local(b.v128);
  for (let q = 0; q < t.rows; q++)
    for (let v = 0; v < nv; v++)
      body.push(...finish(f, t, f.get(acc[q][v]), tmp, q * t.cRowBytes + v * 16, v * 16, Math.min(4, t.width - 4 * v)));
  return m.block(null, body);
}

/**
 * The epilogue of one vector of C (`lanes` of it) at `off` bytes from t.cPtr, its sums `val`:
 * + bias (at `biasOff` from t.biasPtr), + C (accumulate), + the residual, the pre-activation
 * stored, the activation, the store; `tmp` a v128 local.
 */
function finish(
  f: Fn,
  t: Pick<TileSpec, "biasPtr" | "accumulate" | "resDelta" | "preDelta" | "activation" | "slope" | "cPtr">,
  val: X,
  tmp: number,
  off: number,
  biasOff: number,
  lanes: number,
): X[] {
  const m = f.mod;
  const out: X[] = [];
  if (t.biasPtr !== null) val = m.f32x4.add(val, loadPartial(f, f.get(t.biasPtr), biasOff, lanes));
  if (t.accumulate) val = m.f32x4.add(val, loadPartial(f, f.get(t.cPtr), off, lanes));
  if (t.resDelta !== undefined && t.resDelta !== null)
    val = m.f32x4.add(val, loadPartial(f, m.i32.add(f.get(t.cPtr), f.get(t.resDelta)), off, lanes));
  out.push(f.set(tmp, val));
  if (t.activation) {
    if (t.preDelta !== undefined && t.preDelta !== null)
      out.push(...storePartial(f, m.i32.add(f.get(t.cPtr), f.get(t.preDelta)), off, lanes, f.get(tmp)));
    out.push(f.set(tmp, activate(f, t.activation, tmp, t.slope ?? 0)));
  }
  out.push(...storePartial(f, f.get(t.cPtr), off, lanes, f.get(tmp)));
  return out;
}

/**
 * nn and nt with a one-step reduction (inner = 1: the input gradient of a layer of one unit, a
 * layer on one feature) as an outer product, row by row: op(B)'s one row is contiguous in both
 * kinds (B[0, c] for nn; B[c, 0], a row stride of 1, for nt), so nothing is packed, and each row
 * of C (its panels [lo, hi) with `range`) is A's element splat times that row, added to +0 as the
 * register tile's accumulators are (a −0 product becomes +0 either way), then the tile's
 * epilogue: the register tile's bits. The tile's order — panel by panel, 4 rows at a time —
 * stores to rows a power of two apart, whose lines fall into a few L1 sets, and the one step
 * leaves nothing to hide it: the GAN's dY·Wᵀ of its one-unit layer (64 × 512) took 26 µs that
 * way, 2.6 µs row by row.
 */
function outerProduct(
  f: Fn,
  spec: GemmSpec,
  P: (name: string) => number,
  outCols: number,
  range: ReturnType<typeof panelRange> | null,
  e: Pick<TileSpec, "activation" | "slope" | "preDelta" | "resDelta">,
): X[] {
  const m = f.mod;
  const b = f.b;
  const [av, tmp, zero] = [f.local(b.v128), f.local(b.v128), f.local(b.v128)];
  const [r, aRow, cRow, bCol, biasCol, j, j0] = Array.from({ length: 7 }, () => f.local(b.i32));
  const pbias = spec.bias ? P("bias") : null;
  const t = { ...e, biasPtr: pbias === null ? null : biasCol, accumulate: spec.accumulate ?? false, cPtr: cRow };
  const full = Math.floor(outCols / 8);
  const tail = outCols % 8;
  /** w columns of this row at j (cRow, bCol, biasCol point at them). */
  const columns = (w: number): X[] => {
    const out: X[] = [];
    for (let v = 0; v < Math.ceil(w / 4); v++) {
      const lanes = Math.min(4, w - 4 * v);
      const product = m.f32x4.add(f.get(zero), m.f32x4.mul(f.get(av), loadPartial(f, f.get(bCol), v * 16, lanes)));
      out.push(...finish(f, t, product, tmp, v * 16, v * 16, lanes));
    }
    return out;
  };
  const at = (base: number, col: number): X => m.i32.add(f.get(base), m.i32.shl(f.get(col), f.i32(2)));
  // Columns [j0, fullEnd) in full panels, then the tail panel where the range reaches it (its
  // locals set by panelRange's init at the function's start; without a range, every panel).
  const init: X[] = [f.set(zero, m.v128.const(ZERO16)), f.set(j0, range ? m.i32.shl(f.get(P("lo")), f.i32(3)) : f.i32(0))];
  const fullEnd = (): X => (range ? f.get(range.fullEnd) : f.i32(full * 8));
  const row: X[] = [
    f.set(av, m.v128.load32_splat(0, 4, f.get(aRow))),
    f.set(j, f.get(j0)),
    f.set(cRow, m.i32.add(f.get(P("c")), m.i32.shl(m.i32.add(m.i32.mul(f.get(r), f.i32(outCols)), f.get(j0)), f.i32(2)))),
    f.set(bCol, at(P("b"), j0)),
    ...(pbias === null ? [] : [f.set(biasCol, at(pbias, j0))]),
    f.whileLoop(
      () => m.i32.lt_s(f.get(j), fullEnd()),
      [...columns(8), f.addI(cRow, 32), f.addI(bCol, 32), ...(pbias === null ? [] : [f.addI(biasCol, 32)]), f.addI(j, 8)],
    ),
  ];
  // The tail panel as the tile's loop has it: wherever the range's end passes the full panels.
  const tailAt = (base: number, rowOff: X | null): X =>
    m.i32.add(f.get(base), m.i32.shl(rowOff === null ? f.i32(full * 8) : m.i32.add(rowOff, f.i32(full * 8)), f.i32(2)));
  const tailPanel = (): X =>
    m.block(null, [
      f.set(cRow, tailAt(P("c"), m.i32.mul(f.get(r), f.i32(outCols)))),
      f.set(bCol, tailAt(P("b"), null)),
      ...(pbias === null ? [] : [f.set(biasCol, tailAt(pbias, null))]),
      ...columns(tail),
    ]);
  if (tail > 0) row.push(range ? m.if(m.i32.gt_s(f.get(range.hi), f.i32(full)), tailPanel()) : tailPanel());
  row.push(f.addI(r, 1), f.addI(aRow, 4));
  return [...init, f.set(r, f.i32(0)), f.set(aRow, f.get(P("a"))), f.whileLoop(() => m.i32.lt_s(f.get(r), f.get(P("m"))), row)];
}

/** Adds the export `spec.name` to `mod` (memory 0 must exist). */
export function addGemm(b: BinaryenApi, mod: Mod, spec: GemmSpec): void {
  const { k, n, kind } = spec;
  if (!(Number.isInteger(k) && Number.isInteger(n) && k > 0 && n > 0))
    throw new Error(`gemm ${spec.name}: k and n must be positive integers`);
  const mr = spec.rowTile ?? 4;
  if (!(mr >= 1 && mr <= 6)) throw new Error(`gemm ${spec.name}: rowTile must be 1..6`);
  const names = gemmParams(spec);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const P = (name: string) => names.indexOf(name);
  const [pm, pa, pb, pc] = [P("m"), P("a"), P("b"), P("c")];
  const pbias = spec.bias ? P("bias") : null;
  const pws = P("ws");
  const m = mod;
  const acc = spec.accumulate ?? false;
  const body: X[] = [];
  if (spec.activation && kind !== "nn") throw new Error(`gemm ${spec.name}: an activation epilogue needs kind nn`);
  const preDelta = spec.activation && spec.preOut ? f.local(b.i32) : null;
  if (preDelta !== null) body.push(f.set(preDelta, m.i32.sub(f.get(P("pre")), f.get(pc))));
  if (spec.residual && (kind !== "nn" || spec.activation || acc))
    throw new Error(`gemm ${spec.name}: a residual needs kind nn, no activation, no accumulate`);
  const resDelta = spec.residual ? f.local(b.i32) : null;
  if (resDelta !== null) body.push(f.set(resDelta, m.i32.sub(f.get(P("res")), f.get(pc))));
  const epilogue = { activation: spec.activation, slope: spec.slope, preDelta, resDelta, relaxed: spec.relaxed };

  if (kind === "nn" || kind === "nt") {
    // op(B) is [inner, outCols]; C is [m, outCols]; A is [m, inner].
    const inner = kind === "nn" ? k : n;
    const outCols = kind === "nn" ? n : k;
    const j = f.local(b.i32); // output column (elements) of the panel
    const src = f.local(b.i32);
    const dst = f.local(b.i32);
    const r = f.local(b.i32);
    const aRow = f.local(b.i32);
    const cRow = f.local(b.i32);
    const biasCol = f.local(b.i32);
    const ws = f.local(b.i32);
    const r0 = f.local(b.i32); // first row of the row block
    const rEnd = f.local(b.i32); // its end
    const pack = (w: number): X => {
      // ws[s][0..8) = op(B)[s, j..j+w), zero past w.
      const steps: X[] = [];
      if (kind === "nn") {
        const v0 = loadPartial(f, f.get(src), 0, Math.min(4, w));
        steps.push(m.v128.store(0, 16, f.get(dst), v0));
        steps.push(m.v128.store(16, 16, f.get(dst), w > 4 ? loadPartial(f, f.get(src), 16, w - 4) : m.v128.const(ZERO16)));
        steps.push(f.addI(src, n * 4), f.addI(dst, 32));
      } else {
        // op(B)[s, c] = B[c, s]: gather w rows of B at column s.
        for (let h = 0; h < 2; h++) {
          let v: X = m.v128.const(ZERO16);
          for (let lane = 0; lane < 4; lane++) {
            const c = h * 4 + lane;
            if (c < w) v = m.f32x4.replace_lane(v, lane, m.f32.load(c * n * 4, 4, f.get(src)));
          }
          steps.push(m.v128.store(h * 16, 16, f.get(dst), v));
        }
        steps.push(f.addI(src, 4), f.addI(dst, 32));
      }
      const srcStart =
        kind === "nn" ? m.i32.add(f.get(pb), m.i32.shl(f.get(j), f.i32(2))) : m.i32.add(f.get(pb), m.i32.mul(f.get(j), f.i32(n * 4)));
      return m.block(null, [f.set(src, srcStart), f.set(dst, f.get(ws)), f.countedLoop(inner, steps)]);
    };
    const rowTiles = (w: number): X => {
      const mk = (rows: number): TileSpec => ({
        rows,
        width: w,
        bLanes: 8,
        aPtr: aRow,
        aRowBytes: inner * 4,
        aStepBytes: 4,
        bPtr: ws,
        bStepBytes: 32,
        count: () => f.i32(inner),
        countStatic: true,
        cPtr: cRow,
        cRowBytes: outCols * 4,
        biasPtr: pbias === null ? null : biasCol,
        accumulate: acc,
        ...epilogue,
      });
      const out: X[] = [
        f.set(r, f.get(r0)),
        f.set(aRow, m.i32.add(f.get(pa), m.i32.mul(f.get(r0), f.i32(inner * 4)))),
        f.set(cRow, m.i32.add(f.get(pc), m.i32.shl(m.i32.add(m.i32.mul(f.get(r0), f.i32(outCols)), f.get(j)), f.i32(2)))),
      ];
      if (pbias !== null) out.push(f.set(biasCol, m.i32.add(f.get(pbias), m.i32.shl(f.get(j), f.i32(2)))));
      if (mr > 1) {
        out.push(
          f.whileLoop(
            () => m.i32.le_s(m.i32.add(f.get(r), f.i32(mr)), f.get(rEnd)),
            [tile(f, mk(mr)), f.addI(r, mr), f.addI(aRow, mr * inner * 4), f.addI(cRow, mr * outCols * 4)],
          ),
        );
      }
      out.push(
        f.whileLoop(
          () => m.i32.lt_s(f.get(r), f.get(rEnd)),
          [tile(f, mk(1)), f.addI(r, 1), f.addI(aRow, inner * 4), f.addI(cRow, outCols * 4)],
        ),
      );
      return m.block(null, out);
    };
    const full = Math.floor(outCols / 8);
    const tail = outCols % 8;
    const range = spec.range ? panelRange(f, P, gemmPanels(spec), full) : null;
    if (inner === 1 && !spec.tiled) body.push(...(range?.init ?? []), ...outerProduct(f, spec, P, outCols, range, epilogue));
    else {
      // Row blocks (gemmRowBlock) keep A's block in L2 while every panel of B passes
      // (B is packed once per block: ≤ 1/64 copies per multiply-add).
      body.push(f.set(ws, m.i32.and(m.i32.add(f.get(pws), f.i32(15)), f.i32(~15))), ...(range?.init ?? []));
      const panels: X[] = [];
      if (range) {
        // Panels [lo, hi): the full ones, then the tail panel when the range reaches it.
        panels.push(f.set(j, m.i32.shl(f.get(P("lo")), f.i32(3))));
        if (full > 0) panels.push(f.whileLoop(() => m.i32.lt_s(f.get(j), f.get(range.fullEnd)), [pack(8), rowTiles(8), f.addI(j, 8)]));
        if (tail > 0)
          panels.push(
            m.if(m.i32.gt_s(f.get(range.hi), f.i32(full)), m.block(null, [f.set(j, f.i32(full * 8)), pack(tail), rowTiles(tail)])),
          );
      } else {
        panels.push(f.set(j, f.i32(0)));
        if (full > 0) panels.push(f.countedLoop(full, [pack(8), rowTiles(8), f.addI(j, 8)]));
        if (tail > 0) panels.push(pack(tail), rowTiles(tail));
      }
      const rb = spec.rowBlock === undefined ? gemmRowBlock(inner, mr) : Math.max(mr, Math.floor(spec.rowBlock / mr) * mr);
      body.push(
        f.set(r0, f.i32(0)),
        f.whileLoop(
          () => m.i32.lt_s(f.get(r0), f.get(pm)),
          [
            f.set(rEnd, m.select(m.i32.lt_s(m.i32.add(f.get(r0), f.i32(rb)), f.get(pm)), m.i32.add(f.get(r0), f.i32(rb)), f.get(pm))),
            ...panels,
            f.addI(r0, rb),
          ],
        ),
      );
    }
  } else {
    // tn: C[k, n] = Σ_r A[r, 0..k)ᵀ B[r, 0..n), the reduction over m in chunks (gemm-tn.ts).
    let cols: TnColumns = { init: [], lo: () => f.i32(0), hi: () => f.i32(n) };
    let rows: TnRows | undefined;
    if (spec.range && spec.rowRange) rows = { lo: P("lo"), hi: P("hi") };
    else if (spec.range) {
      // Panels [lo, hi) (hi = 0: all) as columns [8·lo, min(8·hi, n)).
      const r = panelRange(f, P, gemmPanels(spec), Math.floor(n / 8));
      const hi8 = () => m.i32.shl(f.get(r.hi), f.i32(3));
      cols = {
        init: r.init,
        lo: () => m.i32.shl(f.get(P("lo")), f.i32(3)),
        hi: () => m.select(m.i32.lt_s(hi8(), f.i32(n)), hi8(), f.i32(n)),
      };
    }
    const madd = (av: X, bv: X, c: X): X => (spec.relaxed ? relaxedMadd(f, av, bv, c) : m.f32x4.add(c, m.f32x4.mul(av, bv)));
    const shape = { name: spec.name, k, n, mr: Math.min(mr, 4), bias: spec.bias, accumulate: acc, blocking: spec.tnBlocking };
    body.push(...tnBody(f, shape, { m: pm, a: pa, b: pb, c: pc, bias: pbias, ws: pws }, cols, madd, rows));
  }

  mod.addFunction(spec.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(spec.name, spec.name);
}

/** A standalone module with the given GEMMs, importing its memory as env.memory. */
export function emitGemmModule(b: BinaryenApi, specs: readonly GemmSpec[], opts: ModuleOptions = {}): EmittedModule {
  return buildModule(b, (mod) => specs.forEach((s) => addGemm(b, mod, s)), opts);
}
