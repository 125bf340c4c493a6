// The matrices of Winograd's minimal filtering F(m, r) (m outputs of an r-tap correlation from
// α = m + r − 1 inputs, y = Aᵀ[(G g) ⊙ (Bᵀ d)]), derived by Toom-Cook in float64 from α − 1
// finite interpolation points and the point at infinity (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016).
//
// The linear convolution s = g ∗ h of g (r coefficients) and h (m coefficients) is
// s = C[(E_g g) ⊙ (E_h h)], where E evaluates a polynomial at the points (the point ∞ gives the
// leading coefficient) and C = V⁻¹ interpolates (V: the α × α evaluation matrix). The
// correlation y_i = Σ_k g_k d_{i+k} is the transpose of that map in h, so Aᵀ = E_hᵀ, G = E_g,
// Bᵀ = Cᵀ. Row j of Bᵀ is then scaled by f_j = Π_{l≠j}(a_j − a_l) and row j of G divided by it
// (the product at each point is unchanged): Bᵀ, which runs on every tile, has small entries
// (integers for 0, ±1, ±2), and G, which runs once per call on the kernel, takes the fractions.

/**
 * The finite points in the order they are taken: F(2, 3) uses 0, ±1; F(2, 4) adds 2; F(2, 5)
 * adds −1/2, not −2. The error of F(2×2, 5×5) in f32 comes mostly from the GEMMs' sums of the
 * transformed products (larger than the outputs they cancel into); simulated in f32 over 64
 * channels (max |err| / max |y|, 200 tiles), 0, ±1, 2, −1/2 gave 1.5e-6 where 0, ±1, ±2 gave
 * 4.1e-6 and 0, ±1, ±1/2 4.6e-6 (the best of the pairs from ±1/4 … ±4 beside 0, ±1), and the
 * DCGAN-small PyTorch parity test (3 steps) needs the lower one.
 */
const POINTS = [0, 1, -1, 2, -0.5, -2, 0.5, 3, -3, 1 / 3, -1 / 3];

export interface WinogradMatrices {
  readonly m: number;
  readonly r: number;
  readonly alpha: number;
  /** m × α */
  readonly AT: number[][];
  /** α × r */
  readonly G: number[][];
  /** α × α */
  readonly BT: number[][];
}

function invert(a: number[][]): number[][] {
  const n = a.length;
  const w = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let i = col + 1; i < n; i++) if (Math.abs(w[i][col]) > Math.abs(w[piv][col])) piv = i;
    [w[col], w[piv]] = [w[piv], w[col]];
    const d = w[col][col];
    if (d === 0) throw new Error("internal: singular Toom-Cook matrix");
    for (let j = 0; j < 2 * n; j++) w[col][j] /= d;
    for (let i = 0; i < n; i++) {
      if (i === col || w[i][col] === 0) continue;
      const s = w[i][col];
      for (let j = 0; j < 2 * n; j++) w[i][j] -= s * w[col][j];
    }
  }
  return w.map((row) => row.slice(n));
}

/** Evaluation rows [1, a, a², …] of `cols` coefficients at the finite points, then ∞ = [0, …, 0, 1]. */
function evaluation(points: readonly number[], cols: number): number[][] {
  const rows = points.map((a) => Array.from({ length: cols }, (_, k) => a ** k));
  rows.push(Array.from({ length: cols }, (_, k) => (k === cols - 1 ? 1 : 0)));
  return rows;
}

/** Rounds entries that float64 leaves a hair from an integer or a simple fraction. */
const clean = (v: number): number => {
  for (const d of [1, 2, 3, 4, 6, 8, 12, 16, 24, 36, 48, 72, 144]) {
    const q = Math.round(v * d);
    if (Math.abs(v * d - q) < 1e-9) return q / d;
  }
  return v;
};

/** F(m, r)'s matrices from the points 0, ±1, ±2, … (as many as α − 1) and ∞. */
export function winogradMatrices(m: number, r: number): WinogradMatrices {
  if (!(Number.isInteger(m) && Number.isInteger(r) && m >= 1 && r >= 1)) throw new Error(`winograd: bad F(${m}, ${r})`);
  const alpha = m + r - 1;
  if (alpha - 1 > POINTS.length) throw new Error(`winograd: F(${m}, ${r}) needs more than ${POINTS.length} finite points`);
  const pts = POINTS.slice(0, alpha - 1);
  const C = invert(evaluation(pts, alpha));
  const Eg = evaluation(pts, r);
  const Eh = evaluation(pts, m);
  const scale = [...pts.map((a, j) => pts.reduce((p, b, l) => (l === j ? p : p * (a - b)), 1)), 1];
  const BT = Array.from({ length: alpha }, (_, j) => Array.from({ length: alpha }, (_, k) => clean(C[k][j] * scale[j])));
  const G = Eg.map((row, j) => row.map((v) => clean(v / scale[j])));
  const AT = Array.from({ length: m }, (_, i) => Eh.map((row) => clean(row[i])));
  return { m, r, alpha, AT, G, BT };
}
