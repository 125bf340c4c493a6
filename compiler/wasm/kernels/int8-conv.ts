// The int8 convolution of quantized exports: Keras Conv2D (NHWC, kernel [kh, kw, in, filters],
// TensorFlow's padding split), with its relu and a valid max pool after it when fused, as an
// implicit GEMM on the int8 dense kernel's panel loop (int8-gemm.ts). One image at a time:
//
//   1. quantize the image into a zero-bordered i16 copy Q [h + pads, w + pads, in] (the
//      border is zeroed once per call: quantized zero is 0);
//   2. gather each output position's window from Q into a row of kh·kw·in values (padded to
//      even): the rows of the GEMM, P = oh·ow of them;
//   3. the panel loop: f32(Σ q(x)·q(W)) · mult + bias (relu), per position × filter, into y —
//      or, with a pool, into a float scratch image that the pool then reads (max over each
//      window, in the same order as the reference).
//
// Each export: name(n, x, w, scale, [bias], y, ws); n images at run time; `w` the kernel
// packed by the loader as a [kh·kw·in, filters] int8 matrix (runtime/inference.ts packInt8).
// runtime/kernels/int8.ts int8Conv2d is its scalar reference.
import type { BinaryenApi } from "./binaryen.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { int8Rows, int8SumsFit, pairsOf, quantizeValues } from "./int8-gemm.js";
import { splatF } from "./math.js";

export interface Int8ConvSpec {
  readonly name: string;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
  readonly filters: number;
  readonly bias: boolean;
  readonly relu: boolean;
  readonly inputsScale: number;
  readonly unsigned: boolean;
  /** A max pool without padding on the (relu) output: its window, strides and output size. */
  readonly pool?: {
    readonly kh: number;
    readonly kw: number;
    readonly sh: number;
    readonly sw: number;
    readonly oh: number;
    readonly ow: number;
  };
}

export function int8ConvParams(spec: Int8ConvSpec): string[] {
  return ["n", "x", "w", "scale", ...(spec.bias ? ["bias"] : []), "y", "ws"];
}

/** The zero-bordered image's height and width. */
function padded(s: Int8ConvSpec): [number, number] {
  return [Math.max(s.h + s.pt, (s.oh - 1) * s.sh + s.kh), Math.max(s.w + s.pl, (s.ow - 1) * s.sw + s.kw)];
}

const up16 = (b: number) => Math.ceil(b / 16) * 16;

/** Scratch bytes: the bordered image, the gathered rows, the float image a pool reads. */
export function int8ConvScratch(s: Int8ConvSpec): { q: number; rows: number; pre: number; total: number } {
  const [hp, wp] = padded(s);
  const q = up16(hp * wp * s.c * 2);
  const rows = up16(s.oh * s.ow * pairsOf(s.kh * s.kw * s.c) * 4);
  const pre = s.pool ? up16(s.oh * s.ow * s.filters * 4) : 0;
  return { q, rows, pre, total: q + rows + pre };
}

/** Copies `bytes` (static) from src+so to dst+do, in the widest pieces that fit. */
function copyBytes(f: Fn, src: number, so: number, dst: number, dof: number, bytes: number): X[] {
  const m = f.mod;
  const out: X[] = [];
  let at = 0;
  while (at < bytes) {
    const left = bytes - at;
    if (left >= 16) {
      out.push(m.v128.store(dof + at, 2, f.get(dst), m.v128.load(so + at, 2, f.get(src))));
      at += 16;
    } else if (left >= 8) {
      out.push(m.i64.store(dof + at, 2, f.get(dst), m.i64.load(so + at, 2, f.get(src))));
      at += 8;
    } else if (left >= 4) {
      out.push(m.i32.store(dof + at, 2, f.get(dst), m.i32.load(so + at, 2, f.get(src))));
      at += 4;
    } else {
      out.push(m.i32.store16(dof + at, 2, f.get(dst), m.i32.load16_u(so + at, 2, f.get(src))));
      at += 2;
    }
  }
  return out;
}

export function addInt8Conv2d(b: BinaryenApi, mod: Mod, s: Int8ConvSpec): void {
  const K = s.kh * s.kw * s.c;
  if (!int8SumsFit(K)) throw new Error(`int8 conv2d ${s.name}: ${K} taps could overflow the i32 sums`);
  const names = int8ConvParams(s);
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  const m = mod;
  const P = (name: string) => names.indexOf(name);
  const [pn, px, pw, pscale, py, pws] = [P("n"), P("x"), P("w"), P("scale"), P("y"), P("ws")];
  const [, wp] = padded(s);
  const pairs = pairsOf(K);
  const positions = s.oh * s.ow;
  const fBytes = s.filters * 4;
  const scratch = int8ConvScratch(s);
  const img = f.local(b.i32);
  const qAt = f.local(b.i32);
  const rowsAt = f.local(b.i32);
  const preAt = f.local(b.i32);
  const src = f.local(b.i32);
  const dst = f.local(b.i32);
  const i = f.local(b.i32);
  const rows = f.local(b.i32);
  const yBase = f.local(b.i32);
  const body: X[] = [
    f.set(qAt, f.get(pws)),
    f.set(rowsAt, m.i32.add(f.get(pws), f.i32(scratch.q))),
    f.set(preAt, m.i32.add(f.get(pws), f.i32(scratch.q + scratch.rows))),
    f.set(rows, f.i32(positions)),
    // The bordered image's zeros (its inside is overwritten per image).
    f.set(dst, f.get(qAt)),
    f.countedLoop(scratch.q / 16, [m.v128.store(0, 16, f.get(dst), m.v128.const(ZERO16)), f.addI(dst, 16)]),
  ];
  // 1. Quantize image `img` into Q, row by row.
  const quantize = [
    f.set(src, m.i32.add(f.get(px), m.i32.mul(f.get(img), f.i32(s.h * s.w * s.c * 4)))),
    f.set(dst, m.i32.add(f.get(qAt), f.i32((s.pt * wp + s.pl) * s.c * 2))),
    f.countedLoop(s.h, [quantizeValues(f, src, dst, s.w * s.c, s), f.addI(dst, (wp - s.w) * s.c * 2)]),
  ];
  // 2. Gather the windows: position (i, j) reads Q from (i·sh, j·sw).
  const gather: X[] = [];
  for (let dy = 0; dy < s.kh; dy++)
    for (let dx = 0; dx < s.kw; dx++) gather.push(...copyBytes(f, src, (dy * wp + dx) * s.c * 2, dst, (dy * s.kw + dx) * s.c * 2, s.c * 2));
  if (K % 2 === 1) gather.push(m.i32.store16(K * 2, 2, f.get(dst), f.i32(0)));
  const windows = [
    f.set(dst, f.get(rowsAt)),
    f.set(i, f.i32(0)),
    f.countedLoop(s.oh, [
      f.set(src, m.i32.add(f.get(qAt), m.i32.mul(f.get(i), f.i32(s.sh * wp * s.c * 2)))),
      f.countedLoop(s.ow, [...gather, f.addI(src, s.sw * s.c * 2), f.addI(dst, pairs * 4)]),
      f.addI(i, 1),
    ]),
  ];
  // 3. The GEMM over the positions, into y or the pool's float image.
  const perImage = s.pool ? s.pool.oh * s.pool.ow * fBytes : positions * fBytes;
  const gemm = [
    f.set(yBase, s.pool ? f.get(preAt) : m.i32.add(f.get(py), m.i32.mul(f.get(img), f.i32(perImage)))),
    int8Rows(f, { xBase: rowsAt, yBase, rows, n: s.filters, pairs, w: pw, scale: pscale, bias: s.bias ? P("bias") : null, relu: s.relu }),
  ];
  const image: X[] = [...quantize, ...windows, ...gemm];
  if (s.pool) {
    const pool = s.pool;
    const acc = f.local(b.v128);
    const at = f.local(b.i32);
    const cell: X[] = [];
    for (let v = 0; v * 4 < s.filters; v++) {
      const lanes = Math.min(4, s.filters - 4 * v);
      cell.push(f.set(acc, splatF(f, -Infinity)));
      for (let dy = 0; dy < pool.kh; dy++)
        for (let dx = 0; dx < pool.kw; dx++) {
          cell.push(f.set(at, m.i32.add(f.get(src), f.i32((dy * s.ow + dx) * fBytes + v * 16))));
          cell.push(f.set(acc, m.f32x4.max(f.get(acc), loadPartial(f, f.get(at), 0, lanes))));
        }
      cell.push(...storePartial(f, f.get(dst), v * 16, lanes, f.get(acc)));
    }
    image.push(
      f.set(dst, m.i32.add(f.get(py), m.i32.mul(f.get(img), f.i32(perImage)))),
      f.set(i, f.i32(0)),
      f.countedLoop(pool.oh, [
        f.set(src, m.i32.add(f.get(preAt), m.i32.mul(f.get(i), f.i32(pool.sh * s.ow * fBytes)))),
        f.countedLoop(pool.ow, [...cell, f.addI(src, pool.sw * fBytes), f.addI(dst, fBytes)]),
        f.addI(i, 1),
      ]),
    );
  }
  body.push(
    f.set(img, f.i32(0)),
    f.whileLoop(() => m.i32.lt_s(f.get(img), f.get(pn)), [...image, f.addI(img, 1)]),
  );
  mod.addFunction(s.name, b.createType(names.map(() => b.i32)), b.none, f.vars(), m.block(null, body));
  mod.addFunctionExport(s.name, s.name);
}
