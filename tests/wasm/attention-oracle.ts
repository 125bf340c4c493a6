// The attention kernels as they were before the causal register tiles (compiler/ops/attention.wasm.ts
// now): per (sample, head) the q, k, v (and dO) rows copied into scratch and gemm.ts's GEMMs over
// the whole score matrix [t, s], the masked entries computed and zeroed. Kept word for word as the
// oracle of tests/wasm/attention-bits.test.ts (the names and the import paths changed), with one
// change of arithmetic, the one the kernels made: the forward also writes its normalized
// probabilities P = e · (1/sum) (before the dropout mask) as a whole matrix p [n, heads, t, s], and
// the gradient reads P there (zeroed where the query does not see the key) instead of computing
// exp(scale·s − lse) again.
import type { BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import { type Fn, type Mod, type X } from "../../compiler/wasm/kernels/fn.js";
import { addGemm, gemmScratchBytes, type GemmKind } from "../../compiler/wasm/kernels/gemm.js";
import {
  addKernel,
  checkName,
  flatLoop,
  hReduce,
  laneMask,
  loadStream,
  repeat,
  storeStream,
  type Stream,
} from "../../compiler/wasm/kernels/loops.js";
import { expV, logV, splatF, splatI } from "../../compiler/wasm/kernels/math.js";

interface AttentionSpec {
  readonly name: string;
  /** Query positions, key/value positions, heads, key and value widths per head. */
  readonly t: number;
  readonly s: number;
  readonly heads: number;
  readonly kd: number;
  readonly vd: number;
  readonly causal?: boolean;
  /** A dropout mask [n, heads, t, s] multiplies the probabilities (training with dropout). */
  readonly mask?: boolean;
  readonly relaxed?: boolean;
}

const attentionParams = (s: AttentionSpec): string[] => ["n", "o", "lse", "p", "q", "k", "v", ...(s.mask ? ["mask"] : []), "ws"];
const attentionGradParams = (s: AttentionSpec): string[] => ["n", "d", "dout", "q", "k", "v", "o", "p", ...(s.mask ? ["mask"] : []), "ws"];

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** Byte offsets of the scratch buffers (from the 16-aligned base) and the total. */
function layout(s: AttentionSpec, grad: boolean): Record<string, number> {
  const sizes: [string, number][] = [
    ["qs", s.t * s.kd],
    ["ks", s.s * s.kd],
    ["vs", s.s * s.vd],
    ["sc", s.t * s.s],
    ["os", s.t * s.vd],
  ];
  if (grad) sizes.push(["dp", s.t * s.s], ["dqs", s.t * s.kd], ["dks", s.s * s.kd], ["dvs", s.s * s.vd]);
  const pack = Math.max(
    ...(["nn", "nt", "tn"] as const).flatMap((kind) =>
      [s.kd, s.vd].map((n) => gemmScratchBytes({ name: "", kind, k: s.s, n, bias: false })),
    ),
  );
  sizes.push(["pack", pack / 4]);
  const out: Record<string, number> = {};
  let at = 0;
  for (const [k, n] of sizes) {
    out[k] = at;
    at += align(n * 4);
  }
  out.total = at;
  return out;
}

export const oldAttentionScratchBytes = (s: AttentionSpec, grad: boolean): number => layout(s, grad).total + 16;

/** The scores' factor 1/√kd. */
const scaleOf = (s: AttentionSpec): number => 1 / Math.sqrt(s.kd);

function check(s: AttentionSpec): void {
  checkName(s.name);
  for (const k of ["t", "s", "heads", "kd", "vd"] as const)
    if (!(Number.isInteger(s[k]) && s[k] > 0)) throw new Error(`${s.name}: ${k} must be a positive integer`);
}

/** The (b, h) loop, its scratch pointers and helpers shared by both kernels. */
function build(b: BinaryenApi, mod: Mod, s: AttentionSpec, grad: boolean, params: string[], perHead: (k: Kit) => X[]): void {
  check(s);
  const gemms = new Set<string>();
  const gemmFn = (kind: GemmKind, k: number, n: number): string => {
    const name = `${s.name}_${kind}_${k}x${n}`;
    if (!gemms.has(name)) {
      gemms.add(name);
      addGemm(b, mod, { name, kind, k, n, bias: false, relaxed: s.relaxed });
    }
    return name;
  };
  // Kernels first (binaryen resolves calls by name at validation, either order works).
  const L = layout(s, grad);
  addKernel(
    b,
    mod,
    s.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const base = f.local(b.i32);
      const bi = f.local(b.i32);
      const hi = f.local(b.i32);
      const at = (buf: string): X => m.i32.add(f.get(base), f.i32(L[buf]));
      const kit: Kit = {
        f,
        m,
        p,
        b: bi,
        h: hi,
        at,
        gemm: (kind, k, n, rows, a, bb, c) => {
          return m.call(gemmFn(kind, k, n), [f.i32(rows), a, bb, c, at("pack")], b.none);
        },
      };
      return [
        f.set(base, m.i32.and(m.i32.add(f.get(p("ws")), f.i32(15)), f.i32(~15))),
        f.set(bi, f.i32(0)),
        f.whileLoop(
          () => m.i32.lt_s(f.get(bi), f.get(p("n"))),
          [f.set(hi, f.i32(0)), repeat(f, s.heads, [...perHead(kit), f.addI(hi, 1)]), f.addI(bi, 1)],
        ),
      ];
    },
  );
}

interface Kit {
  readonly f: Fn;
  readonly m: Mod;
  p(name: string): number;
  /** Locals: the sample and the head. */
  readonly b: number;
  readonly h: number;
  /** A scratch buffer's address. */
  at(buf: string): X;
  gemm(kind: GemmKind, k: number, n: number, rows: number, a: X, b: X, c: X): X;
}

/** `base + (b·bStride + h·hStride + extra)·4`: a (sample, head) block's first element. */
function addr(k: Kit, param: string, bStride: number, hStride: number, extra = 0): X {
  const { f, m } = k;
  const el = m.i32.add(m.i32.add(m.i32.mul(f.get(k.b), f.i32(bStride)), m.i32.mul(f.get(k.h), f.i32(hStride))), f.i32(extra));
  return m.i32.add(f.get(k.p(param)), m.i32.shl(el, f.i32(2)));
}

/** Copies `rows` rows of `width` floats between strided rows (element strides). */
function copyRows(k: Kit, dst: X, src: X, rows: number, width: number, dstStride: number, srcStride: number): X {
  const { f, m } = k;
  const d: Stream = { ptr: f.local(f.b.i32), step: 4 };
  const sr: Stream = { ptr: f.local(f.b.i32), step: 4 };
  const v = f.local(f.b.v128);
  const row: X[] = [flatLoop(f, width, [d, sr], (lanes, e) => [f.set(v, loadStream(f, sr, lanes, e)), ...storeStream(f, d, lanes, e, v)])];
  if (dstStride !== width) row.push(f.addI(d.ptr, (dstStride - width) * 4));
  if (srcStride !== width) row.push(f.addI(sr.ptr, (srcStride - width) * 4));
  return m.block(null, [f.set(d.ptr, dst), f.set(sr.ptr, src), repeat(f, rows, row)]);
}

/**
 * A pass over one score row of s values (streams advance), with `valid`: the lanes that are
 * keys the query sees (j ≤ i when causal; within the row on a partial tail).
 */
function rowPass(k: Kit, s: AttentionSpec, i: number, streams: Stream[], body: (lanes: number, e: number, valid: X) => X[]): X {
  const { f, m } = k;
  const jv = f.local(f.b.v128);
  const iv = f.local(f.b.v128);
  const validOf = (lanes: number): X => {
    const tail = lanes < 4 ? laneMask(f, lanes) : null;
    if (!s.causal) return tail ?? splatI(f, -1);
    const le = m.i32x4.le_s(f.get(jv), f.get(iv));
    return tail ? m.v128.and(le, tail) : le;
  };
  return m.block(null, [
    f.set(jv, m.v128.const(Array.from(new Uint8Array(new Int32Array([0, 1, 2, 3]).buffer)))),
    f.set(iv, m.i32x4.splat(f.get(i))),
    flatLoop(f, s.s, streams, (lanes, e) => [...body(lanes, e, validOf(lanes)), f.set(jv, m.i32x4.add(f.get(jv), splatI(f, 4)))]),
  ]);
}

const lane0 = (k: Kit, v: X): X => k.m.f32x4.extract_lane(v, 0);

/** The copies of the head's q, k, v rows into the scratch and S = q·kᵀ. */
function scores(k: Kit, s: AttentionSpec): X[] {
  const H = s.heads;
  return [
    copyRows(k, k.at("qs"), addr(k, "q", s.t * H * s.kd, s.kd), s.t, s.kd, s.kd, H * s.kd),
    copyRows(k, k.at("ks"), addr(k, "k", s.s * H * s.kd, s.kd), s.s, s.kd, s.kd, H * s.kd),
    copyRows(k, k.at("vs"), addr(k, "v", s.s * H * s.vd, s.vd), s.s, s.vd, s.vd, H * s.vd),
    k.gemm("nt", s.s, s.kd, s.t, k.at("qs"), k.at("ks"), k.at("sc")),
  ];
}

export function addOldAttention(b: BinaryenApi, mod: Mod, s: AttentionSpec): void {
  const H = s.heads;
  build(b, mod, s, false, attentionParams(s), (k) => {
    const { f, m } = k;
    const i = f.local(b.i32);
    const row: Stream = { ptr: f.local(b.i32), step: 4 };
    const mk: Stream = { ptr: f.local(b.i32), step: 4 };
    const pr: Stream = { ptr: f.local(b.i32), step: 4 };
    const lse = f.local(b.i32);
    const x = f.local(b.v128);
    const acc = f.local(b.v128);
    const mx = f.local(b.v128);
    const sum = f.local(b.v128);
    const rowStart = () => f.set(row.ptr, m.i32.add(k.at("sc"), m.i32.mul(f.get(i), f.i32(s.s * 4))));
    const scaled = (e: number, lanes: number) => m.f32x4.mul(loadStream(f, row, lanes, e), splatF(f, scaleOf(s)));
    const perRow: X[] = [
      // max over the visible keys
      rowStart(),
      f.set(acc, splatF(f, -Infinity)),
      rowPass(k, s, i, [row], (lanes, e, valid) => [
        f.set(acc, m.f32x4.max(f.get(acc), m.v128.bitselect(scaled(e, lanes), splatF(f, -Infinity), valid))),
      ]),
      f.set(
        mx,
        hReduce(f, f.get(acc), (p, q) => m.f32x4.max(p, q)),
      ),
      // e = exp(scale·s − max) (0 where masked), their sum
      rowStart(),
      f.set(acc, splatF(f, 0)),
      rowPass(k, s, i, [row], (lanes, e, valid) => [
        f.set(x, m.v128.and(expV(f, m.f32x4.sub(scaled(e, lanes), f.get(mx))), valid)),
        f.set(acc, m.f32x4.add(f.get(acc), f.get(x))),
        ...storeStream(f, row, lanes, e, x),
      ]),
      f.set(
        sum,
        hReduce(f, f.get(acc), (p, q) => m.f32x4.add(p, q)),
      ),
      m.f32.store(0, 4, f.get(lse), lane0(k, m.f32x4.add(f.get(mx), logV(f, f.get(sum))))),
      f.addI(lse, H * 4),
      // normalize (P kept; × the dropout mask)
      rowStart(),
      f.set(sum, m.f32x4.div(splatF(f, 1), f.get(sum))),
      flatLoop(f, s.s, s.mask ? [row, pr, mk] : [row, pr], (lanes, e) => {
        const out: X[] = [f.set(x, m.f32x4.mul(loadStream(f, row, lanes, e), f.get(sum))), ...storeStream(f, pr, lanes, e, x)];
        if (s.mask) out.push(f.set(x, m.f32x4.mul(f.get(x), loadStream(f, mk, lanes, e))));
        return [...out, ...storeStream(f, row, lanes, e, x)];
      }),
      f.addI(i, 1),
    ];
    return [
      ...scores(k, s),
      f.set(i, f.i32(0)),
      f.set(lse, addr(k, "lse", s.t * H, 1)),
      f.set(pr.ptr, addr(k, "p", H * s.t * s.s, s.t * s.s)),
      ...(s.mask ? [f.set(mk.ptr, addr(k, "mask", H * s.t * s.s, s.t * s.s))] : []),
      repeat(f, s.t, perRow),
      k.gemm("nn", s.s, s.vd, s.t, k.at("sc"), k.at("vs"), k.at("os")),
      copyRows(k, addr(k, "o", s.t * H * s.vd, s.vd), k.at("os"), s.t, s.vd, H * s.vd, s.vd),
    ];
  });
}

export function addOldAttentionGrad(b: BinaryenApi, mod: Mod, s: AttentionSpec): void {
  const H = s.heads;
  const per = s.t * H * s.kd + s.s * H * s.kd + s.s * H * s.vd;
  build(b, mod, s, true, attentionGradParams(s), (k) => {
    const { f, m } = k;
    const i = f.local(b.i32);
    const row: Stream = { ptr: f.local(b.i32), step: 4 };
    const dp: Stream = { ptr: f.local(b.i32), step: 4 };
    const mk: Stream = { ptr: f.local(b.i32), step: 4 };
    const dos: Stream = { ptr: f.local(b.i32), step: 4 };
    const o: Stream = { ptr: f.local(b.i32), step: 4 };
    const pr: Stream = { ptr: f.local(b.i32), step: 4 };
    const dv = f.local(b.v128);
    const acc = f.local(b.v128);
    const pv = f.local(b.v128);
    const gv = f.local(b.v128);
    const mv = f.local(b.v128);
    const x = f.local(b.v128);
    const perRow: X[] = [
      // D = dO·O over the row's vd values
      f.set(acc, splatF(f, 0)),
      flatLoop(f, s.vd, [dos, o], (lanes, e) => [
        f.set(acc, m.f32x4.add(f.get(acc), m.f32x4.mul(loadStream(f, dos, lanes, e), loadStream(f, o, lanes, e)))),
      ]),
      f.addI(o.ptr, (H - 1) * s.vd * 4),
      f.set(
        dv,
        hReduce(f, f.get(acc), (p, q) => m.f32x4.add(p, q)),
      ),
      rowPass(k, s, i, s.mask ? [row, dp, pr, mk] : [row, dp, pr], (lanes, e, valid) => {
        const out: X[] = [f.set(pv, m.v128.and(loadStream(f, pr, lanes, e), valid)), f.set(gv, loadStream(f, dp, lanes, e))];
        if (s.mask) out.push(f.set(mv, loadStream(f, mk, lanes, e)), f.set(gv, m.f32x4.mul(f.get(gv), f.get(mv))));
        out.push(
          f.set(x, m.f32x4.mul(m.f32x4.mul(f.get(pv), m.f32x4.sub(f.get(gv), f.get(dv))), splatF(f, scaleOf(s)))),
          ...storeStream(f, dp, lanes, e, x),
        );
        if (s.mask) out.push(f.set(pv, m.f32x4.mul(f.get(pv), f.get(mv))));
        out.push(...storeStream(f, row, lanes, e, pv));
        return out;
      }),
      f.addI(i, 1),
    ];
    const dBase = (extra: number, hStride: number) => addr(k, "d", per, hStride, extra);
    return [
      ...scores(k, s),
      copyRows(k, k.at("os"), addr(k, "dout", s.t * H * s.vd, s.vd), s.t, s.vd, s.vd, H * s.vd),
      k.gemm("nt", s.s, s.vd, s.t, k.at("os"), k.at("vs"), k.at("dp")),
      f.set(i, f.i32(0)),
      f.set(row.ptr, k.at("sc")),
      f.set(dp.ptr, k.at("dp")),
      f.set(dos.ptr, k.at("os")),
      f.set(o.ptr, addr(k, "o", s.t * H * s.vd, s.vd)),
      f.set(pr.ptr, addr(k, "p", H * s.t * s.s, s.t * s.s)),
      ...(s.mask ? [f.set(mk.ptr, addr(k, "mask", H * s.t * s.s, s.t * s.s))] : []),
      repeat(f, s.t, perRow),
      k.gemm("tn", s.s, s.vd, s.t, k.at("sc"), k.at("os"), k.at("dvs")),
      k.gemm("nn", s.s, s.kd, s.t, k.at("dp"), k.at("ks"), k.at("dqs")),
      k.gemm("tn", s.s, s.kd, s.t, k.at("dp"), k.at("qs"), k.at("dks")),
      copyRows(k, dBase(0, s.kd), k.at("dqs"), s.t, s.kd, H * s.kd, s.kd),
      copyRows(k, dBase(s.t * H * s.kd, s.kd), k.at("dks"), s.s, s.kd, H * s.kd, s.kd),
      copyRows(k, dBase((s.t + s.s) * H * s.kd, s.vd), k.at("dvs"), s.s, s.vd, H * s.vd, s.vd),
    ];
  });
}
