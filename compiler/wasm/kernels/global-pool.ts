// Global pooling kernels for the WebAssembly backend (binaryen builder API, f32x4 SIMD128):
// the mean or max of each channel over all positions of an image (h·w, or steps) and their
// gradients, as runtime/kernels/pool.ts computes them. Each image is p positions of c
// channels (NHWC), so the channels are contiguous: the kernels run over blocks of up to 8
// channel vectors (4 for the max gradient, which keeps two vectors per channel vector)
// held in registers while the positions stream past, with the position loop unrolled a
// few times; the last vector of a row whose width is not a multiple of 4 is partial.
//
// - mean: accumulates in f32, in position order, then scales by 1/p;
// - max: f32x4.pmax from −∞ (`best < v ? v : best`: the reference's `v > best`, NaN never wins);
// - mean gradient: dy/p stored at every position (dx is written whole, never zeroed first);
// - max gradient: a first pass finds each channel's first maximum (position 0, replaced only
//   by a strictly greater value: f32x4.gt and bitselect on a vector of position numbers),
//   a second writes dy there and 0 elsewhere.
//
// Parameters: [n,] x, y (forward), [n,] dy, dx (mean gradient), [n,] dy, x, dx (max
// gradient); n, the number of images, only when the input is batched (else `images`).
import type { BinaryenApi } from "./binaryen.js";
import { ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { nParam } from "./loops.js";
import { finish, nest, params, range, repeat } from "./conv-kit.js";

export type GlobalPoolMode = "avg" | "max" | "avgGrad" | "maxGrad";

export interface GlobalPoolSpec {
  readonly name: string;
  /** Positions per image (h·w, or steps) and channels (names outside the window geometry's, so both name the kernel). */
  readonly positions: number;
  readonly channels: number;
  /** The number of images when the input's leading dimension is static; absent: n, a parameter. */
  readonly images?: number;
}

export function globalPoolParams(mode: GlobalPoolMode, spec: GlobalPoolSpec): string[] {
  const bufs = mode === "avgGrad" ? ["dy", "dx"] : mode === "maxGrad" ? ["dy", "x", "dx"] : ["x", "y"];
  return [...nParam(spec.images === undefined), ...bufs];
}

/** Position-loop steps unrolled per iteration. */
const UNROLL = 4;

const f32x4Const = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
const i32x4Const = (v: number): number[] => Array.from(new Uint8Array(new Int32Array([v, v, v, v]).buffer));

/** The channel vectors of a row in blocks of at most `per`: [first vector, vector count]. */
function blocks(c: number, per: number): [number, number][] {
  const nv = Math.ceil(c / 4);
  const out: [number, number][] = [];
  for (let v = 0; v < nv; v += per) out.push([v, Math.min(per, nv - v)]);
  return out;
}

function addGlobalPool(b: BinaryenApi, mod: Mod, spec: GlobalPoolSpec, mode: GlobalPoolMode): void {
  const { name, positions: p, channels: c, images } = spec;
  for (const [k, v] of Object.entries({ p, c, images: images ?? 1 }))
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name}: ${k} must be a positive integer, got ${v}`);
  const names = globalPoolParams(mode, spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const v128 = b.v128;
  const row = c * 4; // bytes of one position, and of one output row
  const lanes = (v: number): number => Math.min(4, c - 4 * v);
  // Image base pointers: the position-major buffer (x, dx) and the per-image rows (y, dy).
  const bufs = names.filter((q) => q !== "n");
  const img: Record<string, number> = {};
  for (const buf of bufs) img[buf] = f.local(b.i32);
  const isImage = (buf: string): boolean => buf === "x" || buf === "dx";
  const per = mode === "maxGrad" ? 4 : 8;
  const acc = range(per).map(() => f.local(v128));
  const idx = range(per).map(() => f.local(v128));
  const [cur, mk, pos, tmp] = [f.local(v128), f.local(v128), f.local(v128), f.local(v128)];
  const ptr = f.local(b.i32);
  const inv = Math.fround(1 / p);
  const ld = (base: X, off: number, v: number): X => loadPartial(f, base, off, lanes(v));
  const st = (base: X, off: number, v: number, val: X): X[] => [f.set(tmp, val), ...storePartial(f, base, off, lanes(v), f.get(tmp))];
  const nextPos = (): X => f.set(pos, m.i32x4.add(f.get(pos), m.v128.const(i32x4Const(1))));
  /** `step(ptr, off)` at each of `count` positions from img[buf] + start, one position (row bytes) apart. */
  const positions = (buf: string, start: number, count: number, step: (q: number, off: number) => X[]): X[] => [
    f.set(ptr, m.i32.add(f.get(img[buf]), f.i32(start))),
    ...nest(f, [ptr], [{ count, strides: [row] }], UNROLL, (q, offs) => step(q[0], offs[0])),
  ];

  const block = (v0: number, k: number): X[] => {
    const vs = range(k).map((j) => v0 + j);
    const at = (j: number): number => (v0 + j) * 16;
    switch (mode) {
      case "avg":
      case "max": {
        const init = mode === "avg" ? ZERO16 : f32x4Const(-Infinity);
        const fold = (a: X, x: X): X => (mode === "avg" ? m.f32x4.add(a, x) : m.f32x4.pmax(a, x));
        return [
          ...vs.map((_, j) => f.set(acc[j], m.v128.const(init))),
          ...positions("x", at(0), p, (q, off) => vs.map((v, j) => f.set(acc[j], fold(f.get(acc[j]), ld(f.get(q), off + j * 16, v))))),
          ...vs.flatMap((v, j) => {
            const val = mode === "avg" ? m.f32x4.mul(f.get(acc[j]), m.v128.const(f32x4Const(inv))) : f.get(acc[j]);
            return st(f.get(img.y), at(j), v, val);
          }),
        ];
      }
      case "avgGrad":
        return [
          ...vs.map((v, j) => f.set(acc[j], m.f32x4.mul(ld(f.get(img.dy), at(j), v), m.v128.const(f32x4Const(inv))))),
          ...positions("dx", at(0), p, (q, off) => vs.flatMap((v, j) => storePartial(f, f.get(q), off + j * 16, lanes(v), f.get(acc[j])))),
        ];
      case "maxGrad":
        return [
          // The first maximum of each lane: acc the best value, idx its position.
          ...vs.flatMap((v, j) => [f.set(acc[j], ld(f.get(img.x), at(j), v)), f.set(idx[j], m.v128.const(ZERO16))]),
          f.set(pos, m.v128.const(ZERO16)),
          ...positions("x", at(0) + row, p - 1, (q, off) => [
            nextPos(),
            ...vs.flatMap((v, j) => [
              f.set(cur, ld(f.get(q), off + j * 16, v)),
              f.set(mk, m.f32x4.gt(f.get(cur), f.get(acc[j]))),
              f.set(acc[j], m.v128.bitselect(f.get(cur), f.get(acc[j]), f.get(mk))),
              f.set(idx[j], m.v128.bitselect(f.get(pos), f.get(idx[j]), f.get(mk))),
            ]),
          ]),
          // dy where the position is the maximum's, 0 elsewhere.
          ...vs.map((v, j) => f.set(acc[j], ld(f.get(img.dy), at(j), v))),
          f.set(pos, m.v128.const(i32x4Const(-1))),
          ...positions("dx", at(0), p, (q, off) => [
            nextPos(),
            ...vs.flatMap((v, j) => st(f.get(q), off + j * 16, v, m.v128.and(f.get(acc[j]), m.i32x4.eq(f.get(idx[j]), f.get(pos))))),
          ]),
        ];
    }
  };

  const image: X[] = [
    ...blocks(c, per).flatMap(([v0, k]) => block(v0, k)),
    ...bufs.map((buf) => f.addI(img[buf], isImage(buf) ? p * row : row)),
  ];
  const body: X[] = [...bufs.map((buf) => f.set(img[buf], f.get(P(buf))))];
  if (images === undefined) {
    const s = f.local(b.i32);
    body.push(
      f.set(s, f.i32(0)),
      f.whileLoop(() => m.i32.lt_s(f.get(s), f.get(P("n"))), [...image, f.addI(s, 1)]),
    );
  } else body.push(...repeat(f, images, image));
  finish(b, mod, name, names, f, body);
}

/** Adds the export `spec.name`: y[s, ch] = mean of x[s, ·, ch]. */
export const addGlobalAvgPool = (b: BinaryenApi, mod: Mod, spec: GlobalPoolSpec): void => addGlobalPool(b, mod, spec, "avg");
/** Adds the export `spec.name`: y[s, ch] = max of x[s, ·, ch]. */
export const addGlobalMaxPool = (b: BinaryenApi, mod: Mod, spec: GlobalPoolSpec): void => addGlobalPool(b, mod, spec, "max");
/** Adds the export `spec.name`: dx[s, i, ch] = dy[s, ch] / p. */
export const addGlobalAvgPoolGrad = (b: BinaryenApi, mod: Mod, spec: GlobalPoolSpec): void => addGlobalPool(b, mod, spec, "avgGrad");
/** Adds the export `spec.name`: dx = dy at each channel's first maximum of x, 0 elsewhere. */
export const addGlobalMaxPoolGrad = (b: BinaryenApi, mod: Mod, spec: GlobalPoolSpec): void => addGlobalPool(b, mod, spec, "maxGrad");
