import { TrainingError } from "./errors.js";

// The privacy accountant of differentially private training (dp_sgd, dp_adam): Rényi
// differential privacy (RDP) of the sampled Gaussian mechanism (Mironov, Talwar and Zhang,
// "Rényi Differential Privacy of the Sampled Gaussian Mechanism", 2019), composed over the
// training steps and converted to (ε, δ).
//
// Each step adds Gaussian noise of standard deviation σ·C to a sum of per-example
// gradients clipped to norm C, over a batch that is taken to be a Poisson sample of rate
// q = batch / N (as TensorFlow Privacy's MNIST tutorial accounts for its shuffled,
// fixed-size batches). The RDP of one step at order α is log A_α / (α − 1), with A_α the
// α-th moment of the privacy loss: a finite binomial sum for an integer α, an infinite
// series of erfc terms for a fractional one (the paper's section 3.3). T steps compose to
// T times that. Two conversions to ε:
// - `epsilon`: ε = min over α of RDP(α) − ln δ / (α − 1) (Mironov 2017, Proposition 3):
//   the conversion of TensorFlow Privacy's MNIST tutorial, which its published table uses;
// - `tighter`: ε = min over α of RDP(α) + ln((α − 1)/α) − (ln δ + ln α)/(α − 1) (Balle et
//   al. 2020, Theorem 21), what TensorFlow Privacy and Opacus report today.

/** The orders α of TensorFlow Privacy's tutorial: 1.1, 1.2, …, 10.9, then 12, 13, …, 63. */
export const RDP_ORDERS: readonly number[] = [
  ...Array.from({ length: 99 }, (_, i) => Math.round((1.1 + i * 0.1) * 10) / 10),
  ...Array.from({ length: 52 }, (_, i) => 12 + i),
];

/** log(e^a + e^b), exact at −∞. */
function logAdd(a: number, b: number): number {
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  if (hi === -Infinity) return -Infinity;
  return hi + Math.log1p(Math.exp(lo - hi));
}

/** log(e^a − e^b) for a ≥ b. */
function logSub(a: number, b: number): number {
  if (b === -Infinity) return a;
  if (a <= b) return -Infinity; // the series' partial sums stay positive; equal terms cancel
  return a + Math.log1p(-Math.exp(b - a));
}

/**
 * log erfc(x) to double precision over the whole line: the positive series of erf
 * (e^{−x²}·Σ 2ⁿx^{2n+1}/(2n+1)!!, no cancellation) below 2, Laplace's continued fraction
 * above (so that erfc(40) ≈ e^{−1600} still has its logarithm).
 */
export function logErfc(x: number): number {
  if (x < 0) {
    if (x < -6) return Math.log(2); // erfc(−6) = 2 − 2.2e-17
    return Math.log(2 - Math.exp(logErfc(-x)));
  }
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
    return Math.log1p(-erf);
  }
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), by Lentz's method.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

/** log A_α for an integer α: log Σ_{i=0..α} C(α, i) qⁱ (1 − q)^{α−i} exp((i² − i)/(2σ²)). */
function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  let logBinom = 0; // log C(α, i)
  for (let i = 0; i <= alpha; i++) {
    if (i > 0) logBinom += Math.log((alpha - i + 1) / i);
    const s = logBinom + i * Math.log(q) + (alpha - i) * Math.log1p(-q) + (i * i - i) / (2 * sigma * sigma);
    logA = logAdd(logA, s);
  }
  return logA;
}

/** log A_α for a fractional α: the two-sided series of the paper's section 3.3, summed until its terms fall below e^{−30}. */
function logAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  let coef = 1; // C(α, i), signed
  for (let i = 0; i < 100000; i++) {
    if (i > 0) coef *= (alpha - i + 1) / i;
    const logCoef = Math.log(Math.abs(coef));
    const j = alpha - i;
    const logT0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const logS0 = logT0 + (i * i - i) / (2 * sigma * sigma) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
    if (coef > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

/** RDP at order α of one step of the sampled Gaussian mechanism (sampling rate q, noise multiplier σ). */
export function rdpOfStep(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}

export interface PrivacySpent {
  /** The tutorial's conversion: min over α of RDP(α) − ln δ/(α − 1). */
  readonly epsilon: number;
  /** The order that attains it. */
  readonly order: number;
  /** Today's conversion of TensorFlow Privacy and Opacus (Balle et al. 2020). */
  readonly tighter: number;
}

/** ε after `steps` steps of rate q and noise multiplier σ, at δ, over the orders given. */
export function privacySpent(q: number, sigma: number, steps: number, delta: number, orders: readonly number[] = RDP_ORDERS): PrivacySpent {
  let epsilon = Infinity;
  let order = NaN;
  let tighter = Infinity;
  const logDelta = Math.log(delta);
  for (const a of orders) {
    const rdp = steps * rdpOfStep(q, sigma, a);
    const e1 = rdp - logDelta / (a - 1);
    if (e1 < epsilon) {
      epsilon = e1;
      order = a;
    }
    const e2 = rdp + Math.log((a - 1) / a) - (logDelta + Math.log(a)) / (a - 1);
    if (e2 < tighter) tighter = e2;
  }
  return { epsilon: Math.max(0, epsilon), order, tighter: Math.max(0, tighter) };
}

/** What a trainer needs to account for its steps: the DP optimizer's noise multiplier, δ, and the batch. */
export interface PrivacyInfo {
  readonly noiseMultiplier: number;
  readonly l2NormClip: number;
  readonly microbatches: number;
  readonly delta: number;
}

/** δ as the line prints it: 1e-05, as Python and TensorFlow Privacy's tutorial write it. */
export function formatDelta(delta: number): string {
  const [m, e] = delta.toExponential().split("e");
  const exp = Number(e);
  return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** The epoch's line: `epoch N epsilon X.XX delta 1e-05 (tighter conversion: Y.YY)`. */
export function privacyLine(epoch: number, spent: PrivacySpent, delta: number): string {
  return `epoch ${epoch} epsilon ${spent.epsilon.toFixed(2)} delta ${formatDelta(delta)} (tighter conversion: ${spent.tighter.toFixed(2)})`;
}

/** A private run's accounting: its fixed-size batches per epoch and the privacy spent after a number of steps. */
export function privateTraining(
  info: PrivacyInfo,
  samples: number,
  batch: number,
): { stepsPerEpoch: number; delta: number; spent: (steps: number) => PrivacySpent } {
  if (batch % info.microbatches !== 0)
    throw new TrainingError(`a batch of ${batch} does not split into the ${info.microbatches} microbatches of the program's DP optimizer`);
  if (samples < batch)
    throw new TrainingError(`differentially private training needs a full batch of ${batch}, but the data has ${samples} samples`);
  const q = batch / samples;
  return {
    stepsPerEpoch: Math.floor(samples / batch),
    delta: info.delta,
    spent: (steps) => privacySpent(q, info.noiseMultiplier, steps, info.delta),
  };
}
