// Resizing kernels for the WebAssembly backend (binaryen builder API, f32x4 SIMD128): zero
// padding and cropping of the height and width of NHWC images (each the other's gradient),
// nearest-neighbour upsampling and its gradient (the sum over each block of copies; bilinear
// upsampling is resize-bilinear.ts). They
// compute what runtime/kernels/resize.ts computes. Every size is static; only the batch
// rows `n` are a run-time value. All parameters i32: `n`, then byte offsets.
//
//   pad2d             (n, x, y)     y = x with zero rows/columns around it
//   crop2d            (n, x, y)     y = the interior of x
//   upsample2d        (n, x, y)     y[p, q] = x[⌊p / sh⌋, ⌊q / sw⌋]
//   upsample2dGrad    (n, dy, dx)   dx[i, j] = Σ dy over the sh × sw block of (i, j)
import type { BinaryenApi } from "./binaryen.js";
import { loadPartial, storePartial, type Fn, type Mod, type X } from "./fn.js";
import { copyRows, finish, nest, params, range, repeat, zeroBytes } from "./conv-kit.js";

// Specs hold lists, not window fields (h, w, sh, …), so that every field names the kernel
// (ops/kit/wasm.ts keyOf: pad2d_3x2x3_1x2x0x3, upsample2d_2x3x1_2x2).

/** An image [h, w, c] and the rows/columns added (pad2d) or removed (crop2d) on each side. */
export interface Border2dSpec {
  readonly name: string;
  readonly image: readonly [number, number, number];
  /** [top, bottom, left, right] */
  readonly sides: readonly [number, number, number, number];
}

/** An image [h, w, c] and the upsampling factors [sh, sw]. */
export interface Upsample2dSpec {
  readonly name: string;
  readonly image: readonly [number, number, number];
  readonly size: readonly [number, number];
}

const borderOf = (spec: Border2dSpec) => {
  const [h, w, c] = spec.image;
  const [top, bottom, left, right] = spec.sides;
  return { name: spec.name, h, w, c, top, bottom, left, right };
};
/** The fields of an upsampling spec. */
export const upsampleOf = (spec: Upsample2dSpec) => {
  const [h, w, c] = spec.image;
  const [sh, sw] = spec.size;
  return { name: spec.name, h, w, c, sh, sw };
};

export const pad2dParams = (_spec: Border2dSpec): string[] => ["n", "x", "y"];
export const crop2dParams = (_spec: Border2dSpec): string[] => ["n", "x", "y"];
export const upsample2dParams = (_spec: Upsample2dSpec): string[] => ["n", "x", "y"];
export const upsample2dGradParams = (_spec: Upsample2dSpec): string[] => ["n", "dy", "dx"];

function check(name: string, dims: Record<string, number>, positive: readonly string[]): void {
  for (const [k, v] of Object.entries(dims)) {
    const min = positive.includes(k) ? 1 : 0;
    if (!(Number.isInteger(v) && v >= min)) throw new Error(`${name}: ${k} must be an integer ≥ ${min}, got ${v}`);
  }
}

/** The loop over the batch rows: `perImage` with the image pointers, advanced by their byte sizes. */
function images(
  b: BinaryenApi,
  mod: Mod,
  name: string,
  names: readonly string[],
  bytes: readonly [number, number],
  perImage: (f: Fn, a: number, z: number) => X[],
): void {
  const { f, P } = params(b, mod, names);
  const [s, a, z] = range(3).map(() => f.local(b.i32));
  const body: X[] = [
    f.set(s, f.i32(0)),
    f.set(a, f.get(P(names[1]))),
    f.set(z, f.get(P(names[2]))),
    f.whileLoop(
      () => mod.i32.lt_s(f.get(s), f.get(P("n"))),
      [...perImage(f, a, z), f.addI(a, bytes[0]), f.addI(z, bytes[1]), f.addI(s, 1)],
    ),
  ];
  finish(b, mod, name, names, f, body);
}

/** Adds the export `spec.name`: y [h + top + bottom, w + left + right, c] = x with zeros around it. */
export function addPad2d(b: BinaryenApi, mod: Mod, spec: Border2dSpec): void {
  const { name, h, w, c, top, bottom, left, right } = borderOf(spec);
  check(name, { h, w, c, top, bottom, left, right }, ["h", "w", "c"]);
  const [H, W] = [h + top + bottom, w + left + right];
  images(b, mod, name, pad2dParams(spec), [h * w * c * 4, H * W * c * 4], (f, x, y) => [
    ...zeroBytes(f, f.get(y), H * W * c * 4),
    ...copyRows(f, f.get(x), mod.i32.add(f.get(y), f.i32((top * W + left) * c * 4)), h, w * c * 4, w * c * 4, W * c * 4),
  ]);
}

/** Adds the export `spec.name`: y [h − top − bottom, w − left − right, c] = the interior of x. */
export function addCrop2d(b: BinaryenApi, mod: Mod, spec: Border2dSpec): void {
  const { name, h, w, c, top, bottom, left, right } = borderOf(spec);
  check(name, { h, w, c, top, bottom, left, right, oh: h - top - bottom, ow: w - left - right }, ["h", "w", "c", "oh", "ow"]);
  const [oh, ow] = [h - top - bottom, w - left - right];
  images(b, mod, name, crop2dParams(spec), [h * w * c * 4, oh * ow * c * 4], (f, x, y) =>
    copyRows(f, mod.i32.add(f.get(x), f.i32((top * w + left) * c * 4)), f.get(y), oh, ow * c * 4, w * c * 4, ow * c * 4),
  );
}

/** Adds the export `spec.name`: y[p, q] = x[⌊p / sh⌋, ⌊q / sw⌋] (Keras UpSampling2D, nearest). */
export function addUpsample2d(b: BinaryenApi, mod: Mod, spec: Upsample2dSpec): void {
  const { name, h, w, c, sh, sw } = upsampleOf(spec);
  check(name, { h, w, c, sh, sw }, ["h", "w", "c", "sh", "sw"]);
  const W = w * sw;
  images(b, mod, name, upsample2dParams(spec), [h * w * c * 4, h * sh * W * c * 4], (f, x, y) => {
    const [xr, yr] = [f.local(b.i32), f.local(b.i32)];
    // One output row from one input row (each pixel sw times), then that row copied sh − 1 times below it.
    const row: X[] = [
      ...range(sw).flatMap((j) => copyRows(f, f.get(xr), mod.i32.add(f.get(yr), f.i32(j * c * 4)), w, c * 4, c * 4, sw * c * 4)),
      ...(sh > 1 ? copyRows(f, f.get(yr), mod.i32.add(f.get(yr), f.i32(W * c * 4)), sh - 1, W * c * 4, 0, W * c * 4) : []),
      f.addI(xr, w * c * 4),
      f.addI(yr, sh * W * c * 4),
    ];
    return [f.set(xr, f.get(x)), f.set(yr, f.get(y)), ...repeat(f, h, row)];
  });
}

/** Adds the export `spec.name`: dx[i, j] = Σ dy[i·sh + a, j·sw + b] over a < sh, b < sw. */
export function addUpsample2dGrad(b: BinaryenApi, mod: Mod, spec: Upsample2dSpec): void {
  const { name, h, w, c, sh, sw } = upsampleOf(spec);
  check(name, { h, w, c, sh, sw }, ["h", "w", "c", "sh", "sw"]);
  const W = w * sw;
  images(b, mod, name, upsample2dGradParams(spec), [h * sh * W * c * 4, h * w * c * 4], (f, dy, dx) => {
    const [dyr, dyp, dxp] = range(3).map(() => f.local(b.i32));
    const acc = f.local(b.v128);
    const taps = range(sh).flatMap((a) => range(sw).map((t) => (a * W + t) * c * 4));
    // The sum of one vector (lanes ≤ 4 channels) over the block's taps, stored into dx.
    const sum = (pd: number, px: number, off: number, lanes: number): X[] => [
      f.set(
        acc,
        taps.map((t) => loadPartial(f, f.get(pd), off + t, lanes)).reduce((s, v) => mod.f32x4.add(s, v)),
      ),
      ...storePartial(f, f.get(px), off, lanes, f.get(acc)),
    ];
    const full = Math.floor(c / 4);
    const pixel: X[] = [
      ...(full > 0 ? nest(f, [dyp, dxp], [{ count: full, strides: [16, 16] }], 8, (ptr, offs) => sum(ptr[0], ptr[1], offs[0], 4)) : []),
      ...(c % 4 > 0 ? sum(dyp, dxp, full * 16, c % 4) : []),
      f.addI(dyp, sw * c * 4),
      f.addI(dxp, c * 4),
    ];
    const row: X[] = [f.set(dyp, f.get(dyr)), ...repeat(f, w, pixel), f.addI(dyr, sh * W * c * 4)];
    return [f.set(dyr, f.get(dy)), f.set(dxp, f.get(dx)), ...repeat(f, h, row)];
  });
}
