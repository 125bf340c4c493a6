// Float64 references of erf, erfc and Φ for the tests, independent of the runtime's
// (runtime/kernels/elementwise.ts normalCdf: a positive-term series and a continued fraction
// evaluated from a fixed depth): here erf(z) for |z| < 3 by the alternating Maclaurin series
// (2/√π)·Σ (−1)ⁿ z^(2n+1) / (n!·(2n + 1)) (its largest term at |z| = 3 is ≈ 170, so ≈ 1e-14
// absolute), erfc(z) for z ≥ 1.5 by Laplace's continued fraction with the modified Lentz
// algorithm (relative accuracy in the tail), 1 − erf below. And the float64 formulas of the
// activations, from their Keras definitions.

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export function erfc(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return 2 - erfc(-z);
  if (z < 1.5) return 1 - erf(z);
  // erfc(z) = e^−z²/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), Lentz from the top.
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = z + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

export function erf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (Math.abs(z) >= 3) return Math.sign(z) * (1 - erfc(Math.abs(z)));
  const z2 = z * z;
  let power = z; // (−1)ⁿ z^(2n+1) / n!
  let sum = z;
  for (let n = 1; n < 200; n++) {
    power *= -z2 / n;
    const term = power / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-18 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * sum;
}

/** Φ(x) = ½·erfc(−x/√2): the tail itself for negative x. */
export const phi = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

const sigma = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const GELU_C = Math.sqrt(2 / Math.PI);

/** The activations in float64, written from their Keras 3 definitions. */
export const activationRef: Readonly<Record<string, (x: number) => number>> = {
  selu: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
  gelu: (x) => x * phi(x),
  "gelu(approximate=true)": (x) => 0.5 * x * (1 + Math.tanh(GELU_C * (x + 0.044715 * x ** 3))),
  silu: (x) => x * sigma(x),
  swish: (x) => x * sigma(x),
  softplus: (x) => (x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
  softsign: (x) => x / (1 + Math.abs(x)),
  hard_sigmoid: (x) => Math.min(Math.max(x + 3, 0), 6) / 6,
};
