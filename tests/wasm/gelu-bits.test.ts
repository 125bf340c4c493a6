// The exact GELU kernels (compiler/ops/activations.wasm.ts) run one formula on every lane,
// Φ(x) = 1 − ½·erfc(t) or ½·erfc(t) with erfc(t) = e^(−t²)·P(t)/Q(t), t = min(|x|/√2, 10), three
// vectors side by side (their statement lists interleaved). Here: (1) their accuracy against
// float64 (tests/helpers/erf.ts, not ours) over the whole f32 range, in ulps of the f32 result,
// with the worst errors stated; (2) the kernels word for word against the same formula computed
// one vector at a time (geluSteps in a plain loop), on a dense sweep, normal samples of several
// scales and specials (±0, ±∞, NaN, denormals, huge values), forward and gradient; in place, and
// on counts that end inside a group of vectors side by side or inside a vector.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen, type BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import * as LP from "../../compiler/wasm/kernels/loops.js";
import { addActivation, geluSteps } from "../../compiler/ops/activations.wasm.js";
import { instantiateKernels, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { phi } from "../helpers/erf.js";
import { TestRandom } from "../helpers/numerics.js";

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** one_gelu(n, y, x) and one_gelu_grad(n, dx, dy, x) over n floats (a multiple of 4): geluSteps one vector at a time. */
function addOneByOne(b: BinaryenApi, mod: Mod, grad: boolean): void {
  const names = grad ? ["n", "dx", "dy", "x"] : ["n", "y", "x"];
  LP.addKernel(
    b,
    mod,
    grad ? "one_gelu_grad" : "one_gelu",
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const [out, dy, x] = [f.local(b.i32), f.local(b.i32), f.local(b.i32)];
      const r = f.local(b.v128);
      return [
        f.set(out, f.get(p(grad ? "dx" : "y"))),
        ...(grad ? [f.set(dy, f.get(p("dy")))] : []),
        f.set(x, f.get(p("x"))),
        LP.repeat(f, () => m.i32.shr_u(f.get(p("n")), f.i32(2)), [
          ...geluSteps(f, { x: m.v128.load(0, 4, f.get(x)), dy: grad ? m.v128.load(0, 4, f.get(dy)) : null }, r),
          m.v128.store(0, 4, f.get(out), f.get(r)),
          f.addI(out, 16),
          f.addI(x, 16),
          ...(grad ? [f.addI(dy, 16)] : []),
        ]),
      ];
    },
  );
}

type K = (...args: number[]) => void;
let k: KernelInstance<Record<string, K>>;
const N = 1 << 16;

beforeAll(async () => {
  const b = await loadBinaryen();
  const mod = buildModule(b, (mod) => {
    addOneByOne(b, mod, false);
    addOneByOne(b, mod, true);
    addActivation(b, mod, { name: "gelu", op: "gelu", perRow: 1, batched: true });
    addActivation(b, mod, { name: "gelu_grad", op: "gelu_grad", perRow: 1, batched: true });
  });
  k = await instantiateKernels<Record<string, K>>(mod.binary, { memoryBytes: 7 * N * 4 + 4096 });
}, 60_000);

/** The distance in f32 steps between a float32 `got` and the float64 `want` (rounded to f32 first: 0 when got is want's rounding). */
function ulps(got: number, want: number): number {
  const w = Math.fround(want);
  if (got === w) return 0;
  const spacing = Math.abs(w) < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(Math.abs(w))) - 23);
  return Math.abs(got - want) / spacing;
}

describe("exact gelu kernels against float64, in ulps of the result", () => {
  // Every 2^-8 on [−16, 16] and 16 values in each binade from 2^-40 to 2^127, both signs.
  const xs: number[] = [];
  for (let i = -16 * 256; i <= 16 * 256; i++) xs.push(i / 256);
  for (let e = -40; e < 127; e++) for (let q = 0; q < 16; q++) for (const s of [1, -1]) xs.push(s * Math.fround(2 ** e * (1 + q / 16)));
  const n = xs.length - (xs.length % 4);
  const x = Float32Array.from(xs.slice(0, n));

  const run = () => {
    const [xa, ya, da, dya] = [0, 1, 2, 3].map((q) => 64 + q * n * 4);
    k.f32(xa, n).set(x);
    k.f32(dya, n).fill(1);
    k.exports.gelu(n, ya, xa);
    k.exports.gelu_grad(n, da, dya, xa);
    return { y: k.f32(ya, n).slice(), d: k.f32(da, n).slice() };
  };

  // The worst errors measured, the bounds about 1.5x them: the forward 3.5 ulps where x > −1, in
  // the negative tail 1.5·(2 + x²) ulps (x/√2 and its square rounded to f32 before e^(−x²/2):
  // ≈ 21 ulps at x = −3.5), and where the result is below f32's normal range (x < −13.2, or
  // |x| < 2^-125) 95 denormal steps; the gradient 3.7·2^-24 of the size of its terms
  // |Φ| + |x·φ| (they cancel where gelu' crosses 0 at x ≈ −0.75), 1.9·(2 + x²)·2^-24 in the tail.
  it("gelu: ≤ 5 ulps where x > −1, ≤ 2.2·(2 + x²) ulps in the negative tail, within 2^-141 below the normal range", () => {
    const { y } = run();
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const want = v * phi(v);
      if (Math.abs(want) < 2 ** -126) expect(Math.abs(y[i] - want), `gelu(${v})`).toBeLessThanOrEqual(2 ** -141);
      else expect(ulps(y[i], want), `gelu(${v})`).toBeLessThanOrEqual(v > -1 ? 5 : 2.2 * (2 + v * v));
    }
  });

  it("gelu': within 5.6·2^-24 of |Φ| + |x·φ| where x > −1, 2.8·(2 + x²)·2^-24 of it in the tail, 2^-130 past x = −13", () => {
    const { d } = run();
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const g = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
      const want = phi(v) + v * g;
      const err = Math.abs(d[i] - want);
      if (v < -13) expect(err, `gelu'(${v})`).toBeLessThanOrEqual(2 ** -130);
      else expect(err / (phi(v) + Math.abs(v) * g) / 2 ** -24, `gelu'(${v})`).toBeLessThanOrEqual(v > -1 ? 5.6 : 2.8 * (2 + v * v));
    }
  });
});

/** Inputs: a sweep of [−8, 8], normal samples at scales 0.3 … 3, specials. */
function inputs(): Float32Array {
  const x = new Float32Array(N);
  const r = new TestRandom(7);
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38, -3e38, 1.2374, -1.2375, 7.07, -7.08, 14.2, -14.2, 40, -40];
  let i = 0;
  for (; i < N / 4; i++) x[i] = -8 + (16 * i) / (N / 4);
  for (const scale of [0.3, 0.6, 1, 3])
    for (let q = 0; q < N / 8; q++, i++) {
      const u = Math.max(r.next(), 1e-12);
      x[i] = scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
    }
  for (; i < N; i++) x[i] = r.next() < 0.5 ? specials[i % specials.length] : (r.next() - 0.5) * 2 ** (r.next() * 30 - 15);
  return x;
}

describe("exact gelu kernels: vectors side by side give the words of one vector at a time", () => {
  const [x, dy, y, y0, dx, dx0] = [0, 1, 2, 3, 4, 5].map((q) => 64 + q * N * 4);
  const words = (at: number, len = N) => new Uint32Array(k.f32(at, len).slice().buffer);
  const firstDifference = (a: Uint32Array, b: Uint32Array) => a.findIndex((w, i) => w !== b[i]);
  const setUp = () => {
    k.f32(x, N).set(inputs());
    const r = new TestRandom(11);
    const d = k.f32(dy, N);
    for (let q = 0; q < N; q++) d[q] = r.next() - 0.5;
    k.exports.one_gelu(N, y0, x);
    k.exports.one_gelu_grad(N, dx0, dy, x);
  };

  it("forward and gradient, word for word", () => {
    setUp();
    k.exports.gelu(N, y, x);
    k.exports.gelu_grad(N, dx, dy, x);
    expect(firstDifference(words(y), words(y0)), "gelu: first word that differs").toBe(-1);
    expect(firstDifference(words(dx), words(dx0)), "gelu_grad: first word that differs").toBe(-1);
  });

  it("in place (y over x, dx over dy or over x)", () => {
    setUp();
    const copy = (from: number, to: number) => k.f32(to, N).set(k.f32(from, N));
    copy(x, y);
    k.exports.gelu(N, y, y);
    expect(firstDifference(words(y), words(y0)), "gelu in place").toBe(-1);
    copy(dy, dx);
    k.exports.gelu_grad(N, dx, dx, x);
    expect(firstDifference(words(dx), words(dx0)), "gelu_grad over dy").toBe(-1);
    copy(x, dx);
    k.exports.gelu_grad(N, dx, dy, dx);
    expect(firstDifference(words(dx), words(dx0)), "gelu_grad over x").toBe(-1);
  });

  it("counts that end inside a group of vectors side by side and inside a vector: the same words, nothing written past the end", () => {
    setUp();
    for (const count of [1, 3, 4, 6, 17, 4 * 256 + 4 * 3 + 2, N - 4 * 256 - 7, N - 1]) {
      k.f32(y, N).fill(7);
      k.f32(dx, N).fill(7);
      k.exports.gelu(count, y, x);
      k.exports.gelu_grad(count, dx, dy, x);
      expect(firstDifference(words(y, count), words(y0, count)), `gelu, ${count} values`).toBe(-1);
      expect(firstDifference(words(dx, count), words(dx0, count)), `gelu_grad, ${count} values`).toBe(-1);
      expect(
        [...k.f32(y + 4 * count, N - count)].every((v) => v === 7),
        `gelu wrote past ${count}`,
      ).toBe(true);
      expect(
        [...k.f32(dx + 4 * count, N - count)].every((v) => v === 7),
        `gelu_grad wrote past ${count}`,
      ).toBe(true);
    }
  });
});
