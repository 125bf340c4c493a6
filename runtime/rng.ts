// Seeded deterministic random numbers: xoshiro128** (Blackman & Vigna) seeded through
// splitmix32. Invariants: the whole state is four uint32 words (getState/setState), so a
// checkpoint restores a stream exactly; no method keeps anything outside those words (no
// cached Box–Muller spare); the fill methods allocate nothing. Same seed → same bits.

const TWO_POW_32 = 4294967296;
const INV_2_32 = 1 / TWO_POW_32;
const INV_2_53 = 1 / 9007199254740992;
const TWO_PI = 2 * Math.PI;

// Largest float32 strictly below x (x finite). Used to keep fillUniform inside [lo, hi).
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
function float32Below(x: number): number {
  f32[0] = x;
  while (f32[0] >= x) {
    if (f32[0] === 0)
      i32[0] = 0x80000001 | 0; // -0 or +0: step to the smallest negative
    else i32[0] += f32[0] > 0 ? -1 : 1;
  }
  return f32[0];
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** `seed` is any safe integer; its low and high 32-bit halves both feed splitmix32. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
    let sm = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const next = (): number => {
      sm = (sm + 0x9e3779b9) | 0;
      let z = sm;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.s0 = next();
    this.s1 = next();
    sm ^= hi;
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // all-zero is a fixed point
  }

  /** Copies the state into `out` (4 words) without allocating: a mark to replay from. */
  saveState(out: Uint32Array): void {
    out[0] = this.s0;
    out[1] = this.s1;
    out[2] = this.s2;
    out[3] = this.s3;
  }

  /** Restores a state written by saveState. */
  loadState(s: Uint32Array): void {
    this.s0 = s[0] | 0;
    this.s1 = s[1] | 0;
    this.s2 = s[2] | 0;
    this.s3 = s[3] | 0;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    let r = Math.imul(s1, 5);
    r = Math.imul((r << 7) | (r >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return r >>> 0;
  }

  /** A float64 uniform in [0, 1) built from 53 random bits (two draws). */
  uniform(): number {
    const a = this.nextU32() >>> 5; // 27 bits
    const b = this.nextU32() >>> 6; // 26 bits
    return (a * 67108864 + b) * INV_2_53;
  }

  /** An integer uniform in [0, bound), bound in [1, 2^32]; unbiased (rejection). */
  below(bound: number): number {
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    let r = this.nextU32();
    while (r >= limit) r = this.nextU32();
    return r % bound;
  }

  /** One standard normal (Box–Muller; the pair's second value is discarded). */
  normal(): number {
    const u1 = (this.nextU32() + 1) * INV_2_32;
    const u2 = this.nextU32() * INV_2_32;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2);
  }

  /** Fills `out` with uniforms in [lo, hi): one 32-bit draw each (24 used in [0, 1)). */
  fillUniform(out: Float32Array | Float64Array, lo: number, hi: number): void {
    const span = hi - lo;
    const top = float32Below(hi);
    for (let i = 0; i < out.length; i++) {
      const v = lo + span * ((this.nextU32() >>> 8) * 5.9604644775390625e-8);
      out[i] = v;
      if (out[i] >= hi) out[i] = top; // float32 rounding may reach hi; keep [lo, hi) half-open
    }
  }

  /**
   * Fills `out` with N(mean, std²) by Box–Muller on pairs of 32-bit draws, u1 in (0, 1] and
   * u2 in [0, 1): both values of a pair are used; an odd length discards the last spare.
   */
  fillNormal(out: Float32Array | Float64Array, mean: number, std: number): void {
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const r = std * Math.sqrt(-2 * Math.log((this.nextU32() + 1) * INV_2_32));
      const th = TWO_PI * this.nextU32() * INV_2_32;
      out[i] = mean + r * Math.cos(th);
      out[i + 1] = mean + r * Math.sin(th);
    }
    if (i < n) out[i] = mean + std * this.normal();
  }

  /** Inverted-dropout mask: each entry is `scale` with probability keepProb, else 0. */
  bernoulliMask(out: Float32Array | Float64Array, keepProb: number, scale: number): void {
    const threshold = keepProb * TWO_POW_32; // nextU32() < threshold has probability keepProb
    // nextU32 with the state in locals (the same stream, ~3× faster than through `this`:
    // a GAN step draws 98,304 mask entries).
    let s0 = this.s0;
    let s1 = this.s1;
    let s2 = this.s2;
    let s3 = this.s3;
    for (let i = 0; i < out.length; i++) {
      let r = Math.imul(s1, 5);
      r = Math.imul((r << 7) | (r >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[i] = r >>> 0 < threshold ? scale : 0;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /**
   * A uniform random permutation of 0..n-1 (Fisher–Yates from the identity), written into
   * `out` when given (its length must be n) so that per-epoch shuffles allocate nothing.
   */
  permutation(n: number, out?: Uint32Array): Uint32Array {
    const p = out ?? new Uint32Array(n);
    if (p.length !== n) throw new RangeError(`permutation: out has length ${p.length}, expected ${n}`);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** The full state: four uint32 words [s0, s1, s2, s3]. */
  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Restores a state from getState(); the stream then continues exactly as it did. */
  setState(state: readonly number[]): void {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) || state.every((w) => w === 0)) {
      throw new RangeError(`Rng state must be four uint32 words, not all zero; got [${state.join(", ")}]`);
    }
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
  }
}
