// Reference convolution and pooling kernels, NHWC activations and Keras kernel layout
// [kh, kw, in, out]. `pt`/`pl` are the top/left padding of `same` (0 for `valid`),
// computed by the compiler as TensorFlow does. No kernel allocates.
import type { Arr } from "./dense.js";

export interface ConvGeom {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly f: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
}

/** y[n, oh, ow, f] = b[f] + Σ x[n, oh·sh + i − pt, ow·sw + j − pl, c] · k[i, j, c, f]. */
export function conv2d(y: Arr, x: Arr, k: Arr, b: Arr | null, n: number, g: ConvGeom): void {
  const { h, w, c, oh, ow, f, kh, kw, sh, sw, pt, pl } = g;
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * f;
        if (b) for (let q = 0; q < f; q++) y[o + q] = b[q];
        else for (let q = 0; q < f; q++) y[o + q] = 0;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i - pt;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j - pl;
            if (ix < 0 || ix >= w) continue;
            const xi = ((s * h + iy) * w + ix) * c;
            const ki = (i * kw + j) * c * f;
            for (let ch = 0; ch < c; ch++) {
              const xv = x[xi + ch];
              if (xv === 0) continue;
              const kr = ki + ch * f;
              for (let q = 0; q < f; q++) y[o + q] += xv * k[kr + q];
            }
          }
        }
      }
    }
  }
}

/** dk[i, j, c, f] = Σ x[n, oy·sh + i − pt, ox·sw + j − pl, c] · dy[n, oy, ox, f]. */
export function conv2dGradKernel(dk: Arr, x: Arr, dy: Arr, n: number, g: ConvGeom): void {
  const { h, w, c, oh, ow, f, kh, kw, sh, sw, pt, pl } = g;
  dk.fill(0, 0, kh * kw * c * f);
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * f;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i - pt;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j - pl;
            if (ix < 0 || ix >= w) continue;
            const xi = ((s * h + iy) * w + ix) * c;
            const ki = (i * kw + j) * c * f;
            for (let ch = 0; ch < c; ch++) {
              const xv = x[xi + ch];
              if (xv === 0) continue;
              const kr = ki + ch * f;
              for (let q = 0; q < f; q++) dk[kr + q] += xv * dy[o + q];
            }
          }
        }
      }
    }
  }
}

/** dx = the transpose of conv2d applied to dy. */
export function conv2dGradInput(dx: Arr, dy: Arr, k: Arr, n: number, g: ConvGeom): void {
  const { h, w, c, oh, ow, f, kh, kw, sh, sw, pt, pl } = g;
  dx.fill(0, 0, n * h * w * c);
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * f;
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i - pt;
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j - pl;
            if (ix < 0 || ix >= w) continue;
            const xi = ((s * h + iy) * w + ix) * c;
            const ki = (i * kw + j) * c * f;
            for (let ch = 0; ch < c; ch++) {
              const kr = ki + ch * f;
              let acc = 0;
              for (let q = 0; q < f; q++) acc += dy[o + q] * k[kr + q];
              dx[xi + ch] += acc;
            }
          }
        }
      }
    }
  }
}

/**
 * Keras Conv2DTranspose: y = the transpose of conv2d applied to x, plus b[c]. `g` is the
 * geometry of the convolution whose input gradient this is: its input (h, w, c) is y's
 * shape, its output (oh, ow, f) is x's, and k [kh, kw, c, f] is its kernel.
 */
export function conv2dTranspose(y: Arr, x: Arr, k: Arr, b: Arr | null, n: number, g: ConvGeom): void {
  conv2dGradInput(y, x, k, n, g);
  if (!b) return;
  const { h, w, c } = g;
  for (let p = 0; p < n * h * w; p++) for (let ch = 0; ch < c; ch++) y[p * c + ch] += b[ch];
}

export interface PoolGeom {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly oh: number;
  readonly ow: number;
  readonly ph: number;
  readonly pw: number;
  readonly sh: number;
  readonly sw: number;
  readonly pt: number;
  readonly pl: number;
}

/** Max over each window; padding never wins (windows only see real inputs). */
export function maxpool2d(y: Arr, x: Arr, n: number, g: PoolGeom): void {
  const { h, w, c, oh, ow, ph, pw, sh, sw, pt, pl } = g;
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          for (let i = 0; i < ph; i++) {
            const iy = oy * sh + i - pt;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < pw; j++) {
              const ix = ox * sw + j - pl;
              if (ix < 0 || ix >= w) continue;
              const v = x[((s * h + iy) * w + ix) * c + ch];
              if (v > best) best = v;
            }
          }
          y[o + ch] = best;
        }
      }
    }
  }
}

/** Routes each window's gradient to its first maximum (row-major), as PyTorch does. */
export function maxpool2dGrad(dx: Arr, dy: Arr, x: Arr, n: number, g: PoolGeom): void {
  const { h, w, c, oh, ow, ph, pw, sh, sw, pt, pl } = g;
  dx.fill(0, 0, n * h * w * c);
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < ph; i++) {
            const iy = oy * sh + i - pt;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < pw; j++) {
              const ix = ox * sw + j - pl;
              if (ix < 0 || ix >= w) continue;
              const idx = ((s * h + iy) * w + ix) * c + ch;
              if (x[idx] > best || at < 0) {
                best = x[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) dx[at] += dy[o + ch];
        }
      }
    }
  }
}

/** Mean over each window's real inputs (TensorFlow excludes `same` padding from the count). */
export function avgpool2d(y: Arr, x: Arr, n: number, g: PoolGeom): void {
  const { h, w, c, oh, ow, ph, pw, sh, sw, pt, pl } = g;
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * c;
        const y0 = Math.max(0, oy * sh - pt);
        const y1 = Math.min(h, oy * sh - pt + ph);
        const x0 = Math.max(0, ox * sw - pl);
        const x1 = Math.min(w, ox * sw - pl + pw);
        const inv = 1 / ((y1 - y0) * (x1 - x0));
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) acc += x[((s * h + iy) * w + ix) * c + ch];
          y[o + ch] = acc * inv;
        }
      }
    }
  }
}

export function avgpool2dGrad(dx: Arr, dy: Arr, n: number, g: PoolGeom): void {
  const { h, w, c, oh, ow, ph, pw, sh, sw, pt, pl } = g;
  dx.fill(0, 0, n * h * w * c);
  for (let s = 0; s < n; s++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = ((s * oh + oy) * ow + ox) * c;
        const y0 = Math.max(0, oy * sh - pt);
        const y1 = Math.min(h, oy * sh - pt + ph);
        const x0 = Math.max(0, ox * sw - pl);
        const x1 = Math.min(w, ox * sw - pl + pw);
        const inv = 1 / ((y1 - y0) * (x1 - x0));
        for (let ch = 0; ch < c; ch++) {
          const d = dy[o + ch] * inv;
          for (let iy = y0; iy < y1; iy++) for (let ix = x0; ix < x1; ix++) dx[((s * h + iy) * w + ix) * c + ch] += d;
        }
      }
    }
  }
}
