// Reference kernels of differentially private training (compiler/ops/privacy.ts): the
// gradients of a parameter per group of rows (a microbatch; one row each when the
// microbatches are the batch), the clip scale of each group over all trained parameters,
// and the clipped sum with Gaussian noise (TensorFlow Privacy's definition). A batch of n
// rows holds G groups of n/G rows, in order; no kernel allocates.
import type { Arr } from "./dense.js";
import { conv2dGradKernel, type ConvGeom } from "./conv.js";
import { matmulTN } from "./dense.js";

/** The rows of one group: n/G, which the trainer keeps whole (fixed-size batches). */
function groupRows(n: number, groups: number): number {
  if (n % groups !== 0) throw new Error(`a batch of ${n} rows does not split into ${groups} microbatches`);
  return n / groups;
}

/** out[g] = a_gᵀ · b_g for each group g: a [n·r, k], b [n·r, m] (r rows per sample), out [G, k, m]. */
export function matmulTNGroups(out: Arr, a: Arr, b: Arr, n: number, r: number, k: number, m: number, groups: number): void {
  const rows = groupRows(n, groups) * r;
  for (let g = 0; g < groups; g++)
    matmulTN(out.subarray(g * k * m, (g + 1) * k * m), a.subarray(g * rows * k), b.subarray(g * rows * m), rows, k, m);
}

/** out[g, j] = Σ of dy[i, j] over the rows i of group g: dy [n·r, m] (r rows per sample), out [G, m] (a bias's gradient). */
export function sumGroups(out: Arr, dy: Arr, n: number, r: number, m: number, groups: number): void {
  const rows = groupRows(n, groups) * r;
  out.fill(0, 0, groups * m);
  for (let g = 0; g < groups; g++) {
    const o = g * m;
    for (let i = g * rows; i < (g + 1) * rows; i++) {
      const d = i * m;
      for (let j = 0; j < m; j++) out[o + j] += dy[d + j];
    }
  }
}

/** A convolution kernel's gradient per group: out [G, kh, kw, c, f]. */
export function conv2dGradKernelGroups(out: Arr, x: Arr, dy: Arr, n: number, groups: number, g: ConvGeom): void {
  const rows = groupRows(n, groups);
  const size = g.kh * g.kw * g.c * g.f;
  const xs = g.h * g.w * g.c;
  const ys = g.oh * g.ow * g.f;
  for (let k = 0; k < groups; k++)
    conv2dGradKernel(out.subarray(k * size, (k + 1) * size), x.subarray(k * rows * xs), dy.subarray(k * rows * ys), rows, g);
}

/**
 * The clip scale of each group: its gradient of the mean loss over its rows is G·Σ_p pg_p[g]
 * (a parameter's per-group gradient pg_p holds the group's share of the batch mean), of norm
 * ‖·‖ over all parameters together; the scale is min(1, C/‖·‖) (TensorFlow Privacy's
 * clip_by_global_norm). Each group's Σ pg² is added to ss[g] one parameter tensor at a time
 * (the first sets it), in float64 within a tensor; dpClipScales then turns the sums into scales.
 */
export function dpSumSquares(ss: Arr, pg: Arr, groups: number, first: boolean): void {
  const size = pg.length / groups;
  for (let g = 0; g < groups; g++) {
    let s = 0;
    for (let i = g * size; i < (g + 1) * size; i++) s += pg[i] * pg[i];
    ss[g] = first ? s : ss[g] + s;
  }
}

/** The sums of squares of dpSumSquares (over every parameter tensor) become each group's clip scale, in place. */
export function dpClipScales(scales: Arr, n: number, groups: number, clip: number): void {
  groupRows(n, groups);
  for (let g = 0; g < groups; g++) {
    const norm = groups * Math.sqrt(scales[g]);
    scales[g] = norm > clip ? clip / norm : 1;
  }
}

/**
 * A parameter's private gradient: (Σ_g clip(G·pg[g]) + N(0, (σC)²)) / G = Σ_g scale_g·pg[g] + (σC/G)·z,
 * z standard normal from the trainer's RNG, one draw per element in order.
 */
export function dpNoisySum(
  grad: Arr,
  perGroup: Arr,
  scales: Arr,
  groups: number,
  size: number,
  std: number,
  rng: { normal(): number },
): void {
  for (let i = 0; i < size; i++) grad[i] = 0;
  for (let g = 0; g < groups; g++) {
    const s = scales[g];
    const o = g * size;
    for (let i = 0; i < size; i++) grad[i] += s * perGroup[o + i];
  }
  if (std > 0) for (let i = 0; i < size; i++) grad[i] += std * rng.normal();
}
