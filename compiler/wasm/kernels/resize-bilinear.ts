// Bilinear upsampling (Keras UpSampling2D with interpolation=bilinear: TensorFlow's resize
// with half-pixel centres) and its gradient, for the WebAssembly backend (f32x4 SIMD128).
// They compute what runtime/kernels/resize.ts's upsample2dBilinear(Grad) compute, in
// separable form: output row p = i·sh + r reads input rows i + o0 and i + o1 (clamped to
// the image) with weights that depend only on r, so a pass over rows into a scratch image
// [h·sh, w, c] and then a pass over columns give y; the gradient runs both passes
// transposed (scatters into the scratch image, then into dx).
//
//   upsample2dBilinear      (n, x, y, ws)     ws: upsample2dBilinearScratchBytes(spec)
//   upsample2dBilinearGrad  (n, dy, dx, ws)
import type { BinaryenApi } from "./binaryen.js";
import { loadPartial, storePartial, type Fn, type Mod, type X } from "./fn.js";
import { align16, finish, params, range, slack, zeroBytes } from "./conv-kit.js";
import { upsampleOf, type Upsample2dSpec } from "./resize.js";

export const upsample2dBilinearParams = (_spec: Upsample2dSpec): string[] => ["n", "x", "y", "ws"];
export const upsample2dBilinearGradParams = (_spec: Upsample2dSpec): string[] => ["n", "dy", "dx", "ws"];

/** One image's rows upsampled: [h·sh, w, c] floats (and 16 bytes to align it). */
export function upsample2dBilinearScratchBytes(spec: Upsample2dSpec, _maxRows?: number): number {
  const { h, w, c, sh } = upsampleOf(spec);
  return slack(h * sh * w * c * 4);
}

/** Per residue r < s: the taps' offsets from i and their weights (TensorFlow's half-pixel centres). */
export function bilinearTaps(s: number): { o0: number; o1: number; w0: number; w1: number }[] {
  return range(s).map((r) => {
    const d = (r + 0.5) / s - 0.5;
    const lo = Math.floor(d);
    return { o0: lo, o1: lo + 1, w0: 1 - (d - lo), w1: d - lo };
  });
}

/** clamp(i + o, 0, n − 1) for a run-time index local i and a static offset o ∈ {−1, 0, 1}. */
function clamped(f: Fn, i: number, o: number, n: number): X {
  const m = f.mod;
  if (o === 0) return f.get(i);
  if (o < 0) return m.select(m.i32.gt_s(f.get(i), f.i32(0)), m.i32.sub(f.get(i), f.i32(1)), f.i32(0));
  return m.select(m.i32.lt_s(f.get(i), f.i32(n - 1)), m.i32.add(f.get(i), f.i32(1)), f.i32(n - 1));
}

/** `body` over a run of `floats` (static) in chunks of ≤ 4 lanes, on copies of the pointer expressions. */
function run(f: Fn, ptrs: readonly X[], floats: number, body: (p: readonly number[], off: number, lanes: number) => X[]): X[] {
  const locals = ptrs.map(() => f.local(f.b.i32));
  const out: X[] = ptrs.map((p, k) => f.set(locals[k], p));
  const nv = Math.floor(floats / 4);
  const tail = floats % 4;
  let done = 0;
  if (nv > 8) {
    const loops = Math.floor(nv / 4);
    out.push(f.countedLoop(loops, [...range(4).flatMap((u) => body(locals, 16 * u, 4)), ...locals.map((l) => f.addI(l, 64))]));
    done = loops * 4;
  }
  for (let v = done; v < nv; v++) out.push(...body(locals, (v - done) * 16, 4));
  if (tail > 0) out.push(...body(locals, (nv - done) * 16, tail));
  return out;
}

const splat = (f: Fn, v: number): X => f.mod.f32x4.splat(f.mod.f32.const(v));

/** dst = w0·a + w1·b over `floats`. */
function lerp(f: Fn, dst: X, a: X, b: X, w0: number, w1: number, floats: number): X[] {
  const m = f.mod;
  const t = f.local(f.b.v128);
  return run(f, [dst, a, b], floats, ([d, p, q], off, lanes) => [
    f.set(
      t,
      m.f32x4.add(
        m.f32x4.mul(splat(f, w0), loadPartial(f, f.get(p), off, lanes)),
        m.f32x4.mul(splat(f, w1), loadPartial(f, f.get(q), off, lanes)),
      ),
    ),
    ...storePartial(f, f.get(d), off, lanes, f.get(t)),
  ]);
}

/** dst += w·src over `floats` (nothing when w = 0). */
function axpy(f: Fn, dst: X, src: X, w: number, floats: number): X[] {
  if (w === 0) return [];
  const m = f.mod;
  const t = f.local(f.b.v128);
  return run(f, [dst, src], floats, ([d, s], off, lanes) => [
    f.set(t, m.f32x4.add(loadPartial(f, f.get(d), off, lanes), m.f32x4.mul(splat(f, w), loadPartial(f, f.get(s), off, lanes)))),
    ...storePartial(f, f.get(d), off, lanes, f.get(t)),
  ]);
}

/** `for (i = 0; i < count; i++) body` with the index in local i. */
function indexLoop(f: Fn, i: number, count: number, body: X[]): X[] {
  return [f.set(i, f.i32(0)), f.whileLoop(() => f.mod.i32.lt_s(f.get(i), f.i32(count)), [...body, f.addI(i, 1)])];
}

const at = (f: Fn, base: number, index: X, bytes: number): X => f.mod.i32.add(f.get(base), f.mod.i32.mul(index, f.i32(bytes)));

function kernel(b: BinaryenApi, mod: Mod, spec: Upsample2dSpec, grad: boolean): void {
  const { name, h, w, c, sh, sw } = upsampleOf(spec);
  for (const [k, v] of Object.entries({ h, w, c, sh, sw }))
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`${name}: ${k} must be a positive integer, got ${v}`);
  const names = grad ? upsample2dBilinearGradParams(spec) : upsample2dBilinearParams(spec);
  const { f, P } = params(b, mod, names);
  const m = mod;
  const [H, W] = [h * sh, w * sw];
  const [xRow, tRow, yRow] = [w * c * 4, w * c * 4, W * c * 4]; // bytes of a row of x, of the scratch image, of y
  const [s, xs, ys, tb, i, j, p] = range(7).map(() => f.local(b.i32));
  const rowTaps = bilinearTaps(sh);
  const colTaps = bilinearTaps(sw);
  // Rows: scratch row i·sh + r from input rows i + o0, i + o1 (transposed: scattered back).
  const rows = indexLoop(
    f,
    i,
    h,
    rowTaps.flatMap((t, r) => {
      const scratchRow = at(f, tb, m.i32.add(m.i32.mul(f.get(i), f.i32(sh)), f.i32(r)), tRow);
      const [x0, x1] = [at(f, xs, clamped(f, i, t.o0, h), xRow), at(f, xs, clamped(f, i, t.o1, h), xRow)];
      if (!grad) return lerp(f, scratchRow, x0, x1, t.w0, t.w1, w * c);
      return [...axpy(f, x0, scratchRow, t.w0, w * c), ...axpy(f, x1, m.copyExpression(scratchRow), t.w1, w * c)];
    }),
  );
  // Columns: output pixel j·sw + r of row p from scratch pixels j + o0, j + o1 of row p.
  const pixel = colTaps.flatMap((t, r) => {
    const out = m.i32.add(at(f, ys, f.get(p), yRow), m.i32.add(m.i32.mul(f.get(j), f.i32(sw * c * 4)), f.i32(r * c * 4)));
    const row = () => at(f, tb, f.get(p), tRow);
    const [t0, t1] = [
      m.i32.add(row(), m.i32.mul(clamped(f, j, t.o0, w), f.i32(c * 4))),
      m.i32.add(row(), m.i32.mul(clamped(f, j, t.o1, w), f.i32(c * 4))),
    ];
    if (!grad) return lerp(f, out, t0, t1, t.w0, t.w1, c);
    return [...axpy(f, t0, out, t.w0, c), ...axpy(f, t1, m.copyExpression(out), t.w1, c)];
  });
  const cols = indexLoop(f, p, H, indexLoop(f, j, w, pixel));
  const image: X[] = grad
    ? [...zeroBytes(f, f.get(tb), H * w * c * 4), ...zeroBytes(f, f.get(xs), h * w * c * 4), ...cols, ...rows]
    : [...rows, ...cols];
  const body: X[] = [
    f.set(tb, align16(f, f.get(P("ws")))),
    f.set(s, f.i32(0)),
    f.set(xs, f.get(P(grad ? "dx" : "x"))),
    f.set(ys, f.get(P(grad ? "dy" : "y"))),
    f.whileLoop(() => m.i32.lt_s(f.get(s), f.get(P("n"))), [...image, f.addI(xs, h * w * c * 4), f.addI(ys, H * W * c * 4), f.addI(s, 1)]),
  ];
  finish(b, mod, name, names, f, body);
}

/** Adds the export `spec.name`: y = bilinear upsampling of x by (sh, sw). */
export function addUpsample2dBilinear(b: BinaryenApi, mod: Mod, spec: Upsample2dSpec): void {
  kernel(b, mod, spec, false);
}

/** Adds the export `spec.name`: dx = the transpose of the bilinear upsampling applied to dy. */
export function addUpsample2dBilinearGrad(b: BinaryenApi, mod: Mod, spec: Upsample2dSpec): void {
  kernel(b, mod, spec, true);
}
