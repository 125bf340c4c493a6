// Reference resizing kernels on NHWC images: zero padding and cropping of height and width
// (each the other's gradient), nearest-neighbour upsampling and its gradient. Sizes are the
// input image's (h, w, c); no kernel allocates.
import type { Arr } from "./dense.js";

/** An image [h, w, c] and the rows/columns added (pad2d) or removed (crop2d) on each side. */
export interface BorderGeom {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** y[n, i + top, j + left, ch] = x[n, i, j, ch]; zeros elsewhere (Keras ZeroPadding2D). */
export function pad2d(y: Arr, x: Arr, n: number, g: BorderGeom): void {
  const { h, w, c, top, bottom, left, right } = g;
  const [H, W] = [h + top + bottom, w + left + right];
  y.fill(0, 0, n * H * W * c);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        for (let ch = 0; ch < c; ch++) y[((s * H + i + top) * W + j + left) * c + ch] = x[((s * h + i) * w + j) * c + ch];
}

/** y[n, i, j, ch] = x[n, i + top, j + left, ch] (Keras Cropping2D). */
export function crop2d(y: Arr, x: Arr, n: number, g: BorderGeom): void {
  const { h, w, c, top, bottom, left, right } = g;
  const [oh, ow] = [h - top - bottom, w - left - right];
  for (let s = 0; s < n; s++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let ch = 0; ch < c; ch++) y[((s * oh + i) * ow + j) * c + ch] = x[((s * h + i + top) * w + j + left) * c + ch];
}

/** An image [h, w, c] and the upsampling factors. */
export interface UpsampleGeom {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly sh: number;
  readonly sw: number;
}

/** y[n, p, q, ch] = x[n, ⌊p / sh⌋, ⌊q / sw⌋, ch] (Keras UpSampling2D, nearest). */
export function upsample2d(y: Arr, x: Arr, n: number, g: UpsampleGeom): void {
  const { h, w, c, sh, sw } = g;
  const [H, W] = [h * sh, w * sw];
  for (let s = 0; s < n; s++)
    for (let p = 0; p < H; p++)
      for (let q = 0; q < W; q++) {
        const src = ((s * h + Math.floor(p / sh)) * w + Math.floor(q / sw)) * c;
        const dst = ((s * H + p) * W + q) * c;
        for (let ch = 0; ch < c; ch++) y[dst + ch] = x[src + ch];
      }
}

/** dx[n, i, j, ch] = Σ dy[n, i·sh + a, j·sw + b, ch] over a < sh, b < sw. */
export function upsample2dGrad(dx: Arr, dy: Arr, n: number, g: UpsampleGeom): void {
  const { h, w, c, sh, sw } = g;
  const [H, W] = [h * sh, w * sw];
  dx.fill(0, 0, n * h * w * c);
  for (let s = 0; s < n; s++)
    for (let p = 0; p < H; p++)
      for (let q = 0; q < W; q++) {
        const dst = ((s * h + Math.floor(p / sh)) * w + Math.floor(q / sw)) * c;
        const src = ((s * H + p) * W + q) * c;
        for (let ch = 0; ch < c; ch++) dx[dst + ch] += dy[src + ch];
      }
}

/**
 * The two taps of output index p along an axis of n inputs upsampled by s (TensorFlow's
 * bilinear resize with half-pixel centres, as Keras UpSampling2D and PyTorch's
 * align_corners=False): src = (p + 0.5) / s − 0.5, taps ⌊src⌋ and ⌈src⌉ clamped to the
 * axis, weights 1 − (src − ⌊src⌋) and src − ⌊src⌋. Written into `t` as [i0, i1, w0, w1].
 */
function taps(t: Float64Array, p: number, s: number, n: number): void {
  const src = (p + 0.5) / s - 0.5;
  const lo = Math.floor(src);
  const frac = src - lo;
  t[0] = Math.min(Math.max(lo, 0), n - 1);
  t[1] = Math.min(Math.max(lo + 1, 0), n - 1);
  t[2] = 1 - frac;
  t[3] = frac;
}
const rowTaps = new Float64Array(4);
const colTaps = new Float64Array(4);

/** y = bilinear upsampling of x by (sh, sw) (Keras UpSampling2D, interpolation=bilinear). */
export function upsample2dBilinear(y: Arr, x: Arr, n: number, g: UpsampleGeom): void {
  const { h, w, c, sh, sw } = g;
  const [H, W] = [h * sh, w * sw];
  for (let s = 0; s < n; s++)
    for (let p = 0; p < H; p++) {
      taps(rowTaps, p, sh, h);
      for (let q = 0; q < W; q++) {
        taps(colTaps, q, sw, w);
        const dst = ((s * H + p) * W + q) * c;
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let a = 0; a < 2; a++)
            for (let b = 0; b < 2; b++) acc += rowTaps[2 + a] * colTaps[2 + b] * x[((s * h + rowTaps[a]) * w + colTaps[b]) * c + ch];
          y[dst + ch] = acc;
        }
      }
    }
}

/** dx = the transpose of upsample2dBilinear applied to dy. */
export function upsample2dBilinearGrad(dx: Arr, dy: Arr, n: number, g: UpsampleGeom): void {
  const { h, w, c, sh, sw } = g;
  const [H, W] = [h * sh, w * sw];
  dx.fill(0, 0, n * h * w * c);
  for (let s = 0; s < n; s++)
    for (let p = 0; p < H; p++) {
      taps(rowTaps, p, sh, h);
      for (let q = 0; q < W; q++) {
        taps(colTaps, q, sw, w);
        const src = ((s * H + p) * W + q) * c;
        for (let a = 0; a < 2; a++)
          for (let b = 0; b < 2; b++) {
            const wt = rowTaps[2 + a] * colTaps[2 + b];
            const dst = ((s * h + rowTaps[a]) * w + colTaps[b]) * c;
            for (let ch = 0; ch < c; ch++) dx[dst + ch] += wt * dy[src + ch];
          }
      }
    }
}
