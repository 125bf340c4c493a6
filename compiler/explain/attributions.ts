// The attribution methods of `dlm explain`, over a model's input gradient (program.ts):
//
// - saliency: the gradient ∂f_c/∂x of the class's pre-softmax logit f_c (Simonyan et al.);
// - gradient_x_input: x ⊙ ∂f_c/∂x;
// - integrated_gradients: (x − x′) ⊙ ∫₀¹ ∂f_c/∂x (x′ + α(x − x′)) dα, the integral by the
//   trapezoid rule over `steps` intervals (steps + 1 gradients, at α = 0, 1/steps, …, 1), so
//   the attributions sum to about f_c(x) − f_c(x′) (completeness).
//
// Baselines x′: `zeros`, or `blur`: the input blurred by a Gaussian of σ = 3 pixels over its
// height and width (each channel alone; the kernel cut at 3σ and normalized; edges clamped).
// Also the PNG grid: for each input, the input and its heatmap side by side.
import { PNG } from "pngjs";

export type Method = "saliency" | "integrated_gradients" | "gradient_x_input";
export const methods: readonly Method[] = ["saliency", "integrated_gradients", "gradient_x_input"];
export type Baseline = "zeros" | "blur";

/** The gradients of rows of inputs, each for its class: `n` rows of `x` (row-major) → n rows of ∂f_c/∂x. */
export type GradientFn = (x: Float32Array, classes: readonly number[], n: number) => Float32Array;

export const BLUR_SIGMA = 3;

/** A [H, W, C] image blurred by a Gaussian of σ pixels (separable, radius 3σ, clamped edges). */
export function blur(x: Float32Array, h: number, w: number, c: number, sigma = BLUR_SIGMA): Float32Array {
  const r = Math.ceil(3 * sigma);
  const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  const kn = k.map((v) => v / sum);
  const clamp = (v: number, hi: number) => Math.min(hi - 1, Math.max(0, v));
  const tmp = new Float64Array(x.length);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let t = -r; t <= r; t++) acc += kn[t + r] * x[(i * w + clamp(j + t, w)) * c + ch];
        tmp[(i * w + j) * c + ch] = acc;
      }
  const out = new Float32Array(x.length);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let t = -r; t <= r; t++) acc += kn[t + r] * tmp[(clamp(i + t, h) * w + j) * c + ch];
        out[(i * w + j) * c + ch] = acc;
      }
  return out;
}

/** Trapezoid weights of `steps` intervals over [0, 1]: 1/(2·steps) at the ends, 1/steps inside. */
export function trapezoid(steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, k) => (k === 0 || k === steps ? 0.5 : 1) / steps);
}

/**
 * The attributions of `n` rows of `x` (each `d` values) for their classes, with baselines
 * `base` (same layout; used by integrated gradients).
 */
export function attribute(
  method: Method,
  grad: GradientFn,
  x: Float32Array,
  base: Float32Array,
  classes: readonly number[],
  n: number,
  steps: number,
): Float32Array {
  const d = x.length / n;
  if (method === "saliency") return grad(x, classes, n);
  if (method === "gradient_x_input") {
    const g = grad(x, classes, n);
    return g.map((v, i) => v * x[i]);
  }
  const sum = new Float64Array(n * d);
  const point = new Float32Array(n * d);
  trapezoid(steps).forEach((wk, k) => {
    const alpha = k / steps;
    for (let i = 0; i < n * d; i++) point[i] = base[i] + alpha * (x[i] - base[i]);
    const g = grad(point, classes, n);
    for (let i = 0; i < n * d; i++) sum[i] += wk * g[i];
  });
  return Float32Array.from(sum, (v, i) => v * (x[i] - base[i]));
}

/**
 * A PNG of one row per input: the input (grey, or its colours) and its heatmap, each scaled up
 * `zoom` times with a gap. Signed attributions: red where they raise the class's logit, blue
 * where they lower it; saliency: its magnitude, white on black. Each heatmap scaled to its own largest magnitude.
 */
export function gridPng(
  x: Float32Array,
  a: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  signed: boolean,
  range: readonly [number, number],
): Uint8Array {
  const zoom = 4;
  const gap = 4;
  const cellW = w * zoom;
  const cellH = h * zoom;
  const png = new PNG({ width: 2 * cellW + 3 * gap, height: n * cellH + (n + 1) * gap });
  png.data.fill(255);
  const d = h * w * c;
  const put = (px: number, py: number, rgb: readonly number[]) => {
    for (let dy = 0; dy < zoom; dy++)
      for (let dx = 0; dx < zoom; dx++) {
        const at = ((py + dy) * png.width + px + dx) * 4;
        png.data[at] = rgb[0];
        png.data[at + 1] = rgb[1];
        png.data[at + 2] = rgb[2];
        png.data[at + 3] = 255;
      }
  };
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
  for (let s = 0; s < n; s++) {
    const top = gap + s * (cellH + gap);
    let max = 0;
    for (let i = 0; i < d; i++) max = Math.max(max, Math.abs(a[s * d + i]));
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const at = s * d + (i * w + j) * c;
        const px = Array.from({ length: c }, (_, ch) => (x[at + ch] - range[0]) / (range[1] - range[0]));
        put(gap + j * zoom, top + i * zoom, c === 3 ? px.map(byte) : [byte(px[0]), byte(px[0]), byte(px[0])]);
        let v = 0;
        for (let ch = 0; ch < c; ch++) v += a[at + ch];
        const m = max > 0 ? (signed ? v / c / max : Math.max(...Array.from({ length: c }, (_, ch) => Math.abs(a[at + ch]))) / max) : 0;
        const rgb = signed ? (m >= 0 ? [255, byte(1 - m), byte(1 - m)] : [byte(1 + m), byte(1 + m), 255]) : [byte(m), byte(m), byte(m)];
        put(2 * gap + cellW + j * zoom, top + i * zoom, rgb);
      }
  }
  return new Uint8Array(PNG.sync.write(png));
}
