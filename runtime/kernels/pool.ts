// Reference global pooling kernels (Keras GlobalAveragePooling1D/2D, GlobalMaxPooling2D):
// each of `n` images is `p` positions (h·w, or steps) of `c` channels, NHWC, reduced over
// the positions per channel to `c` values. Sums in float64. No kernel allocates.
import type { Arr } from "./dense.js";

/** y[s, ch] = mean over the p positions of x[s, ·, ch]. */
export function globalAvgPool(y: Arr, x: Arr, n: number, p: number, c: number): void {
  const inv = 1 / p;
  for (let s = 0; s < n; s++) {
    const img = s * p * c;
    for (let ch = 0; ch < c; ch++) {
      let acc = 0;
      for (let i = 0; i < p; i++) acc += x[img + i * c + ch];
      y[s * c + ch] = acc * inv;
    }
  }
}

/** dx[s, i, ch] = dy[s, ch] / p at every position i. */
export function globalAvgPoolGrad(dx: Arr, dy: Arr, n: number, p: number, c: number): void {
  const inv = 1 / p;
  for (let s = 0; s < n; s++) {
    const img = s * p * c;
    for (let ch = 0; ch < c; ch++) {
      const d = dy[s * c + ch] * inv;
      for (let i = 0; i < p; i++) dx[img + i * c + ch] = d;
    }
  }
}

/** y[s, ch] = max over the p positions of x[s, ·, ch] (NaN never wins, as maxpool2d). */
export function globalMaxPool(y: Arr, x: Arr, n: number, p: number, c: number): void {
  for (let s = 0; s < n; s++) {
    const img = s * p * c;
    for (let ch = 0; ch < c; ch++) {
      let best = -Infinity;
      for (let i = 0; i < p; i++) {
        const v = x[img + i * c + ch];
        if (v > best) best = v;
      }
      y[s * c + ch] = best;
    }
  }
}

/**
 * Routes dy[s, ch] to the first maximum of x[s, ·, ch] (the first position, replaced only by
 * a strictly greater value: maxpool2dGrad's rule, PyTorch's), zero elsewhere.
 */
export function globalMaxPoolGrad(dx: Arr, dy: Arr, x: Arr, n: number, p: number, c: number): void {
  dx.fill(0, 0, n * p * c);
  for (let s = 0; s < n; s++) {
    const img = s * p * c;
    for (let ch = 0; ch < c; ch++) {
      let best = x[img + ch];
      let at = 0;
      for (let i = 1; i < p; i++) {
        const v = x[img + i * c + ch];
        if (v > best) {
          best = v;
          at = i;
        }
      }
      dx[img + at * c + ch] = dy[s * c + ch];
    }
  }
}
