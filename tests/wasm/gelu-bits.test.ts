// The exact GELU kernels (compiler/ops/activations.wasm.ts) compute a vector whose four lanes
// are all in erf's polynomial range without the tail's exponential and degree-12 polynomial (a
// first pass over a block, vectors side by side), and list the others for a second pass with
// every part. That must not change a bit: the kernels are compared word for word with the
// branch-free formula they had before, kept below as the oracle (the same f32 operations,
// built from the same constants and math.ts's expV), on inputs that make every vector all-near,
// all-far or mixed: a dense sweep, normal samples of several scales, and specials (±0, ±∞,
// NaN, denormals, huge values), forward and gradient; in place, and on counts that end inside
// a block, a group of vectors side by side, or a vector.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen, type BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import type { Fn, Mod, X } from "../../compiler/wasm/kernels/fn.js";
import * as LP from "../../compiler/wasm/kernels/loops.js";
import { expV, splatF } from "../../compiler/wasm/kernels/math.js";
import { addActivation } from "../../compiler/ops/activations.wasm.js";
import { instantiateKernels, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { TestRandom } from "../helpers/numerics.js";

// The constants of activations.wasm.ts (the oracle must compute today's formula, not a copy's).
const ERF_P = [
  0.12837916612625122, -0.37612631916999817, 0.11283686757087708, -0.026859547942876816, 0.005202360916882753, -0.0008165682083927095,
  8.494217763654888e-5,
];
const ERFC_R = [
  0.21080635488033295, -0.07434750348329544, 0.024938125163316727, -0.008000516332685947, 0.0024662783835083246, -0.000735462352167815,
  0.00021249664132483304, -5.7677796576172113e-5, 1.4772487702430226e-5, -4.389970399643062e-6, 1.4790906561756856e-6,
  -3.4567960938147735e-7, 3.458316299997932e-8,
];
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

function horner(f: Fn, x: () => X, c: readonly number[]): X {
  const m = f.mod;
  let acc = splatF(f, c[c.length - 1]);
  for (let i = c.length - 2; i >= 0; i--) acc = m.f32x4.add(m.f32x4.mul(acc, x()), splatF(f, c[i]));
  return acc;
}

/** The previous Φ(x) and e^(−x²/2): every part computed for every lane, then selected. */
function oldNormalCdf(f: Fn, x: number, phi: number, g: number): X[] {
  const m = f.mod;
  const v = f.b.v128;
  const [z, s, gg, small, tail, az, u] = Array.from({ length: 7 }, () => f.local(v));
  const half = (e: X) => m.f32x4.mul(e, splatF(f, 0.5));
  const far = m.v128.bitselect(m.f32x4.sub(splatF(f, 1), half(f.get(tail))), half(f.get(tail)), m.f32x4.gt(f.get(z), splatF(f, 0)));
  return [
    f.set(z, m.f32x4.mul(f.get(x), splatF(f, Math.SQRT1_2))),
    f.set(az, m.f32x4.abs(f.get(z))),
    f.set(s, m.f32x4.mul(f.get(z), f.get(z))),
    f.set(gg, expV(f, m.f32x4.neg(f.get(s)))),
    f.set(
      small,
      m.f32x4.add(
        f.get(z),
        m.f32x4.mul(
          f.get(z),
          horner(f, () => f.get(s), ERF_P),
        ),
      ),
    ),
    f.set(u, m.f32x4.sub(m.f32x4.min(f.get(az), splatF(f, 5)), splatF(f, 2.5))),
    f.set(
      tail,
      m.f32x4.mul(
        f.get(gg),
        horner(f, () => f.get(u), ERFC_R),
      ),
    ),
    f.set(phi, m.v128.bitselect(m.f32x4.add(splatF(f, 0.5), half(f.get(small))), far, m.f32x4.lt(f.get(az), splatF(f, 0.875)))),
    f.set(g, f.get(gg)),
  ];
}

/** old_gelu(n, y, x) and old_gelu_grad(n, dx, dy, x) over n floats (a multiple of 4). */
function addOld(b: BinaryenApi, mod: Mod, grad: boolean): void {
  const names = grad ? ["n", "dx", "dy", "x"] : ["n", "y", "x"];
  LP.addKernel(
    b,
    mod,
    grad ? "old_gelu_grad" : "old_gelu",
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const [out, dy, x] = [f.local(b.i32), f.local(b.i32), f.local(b.i32)];
      const [xv, phi, g] = [f.local(b.v128), f.local(b.v128), f.local(b.v128)];
      const value = grad
        ? m.f32x4.mul(
            m.v128.load(0, 4, f.get(dy)),
            m.f32x4.add(f.get(phi), m.f32x4.mul(m.f32x4.mul(f.get(xv), f.get(g)), splatF(f, INV_SQRT_2PI))),
          )
        : m.f32x4.mul(f.get(xv), f.get(phi));
      return [
        f.set(out, f.get(p(grad ? "dx" : "y"))),
        ...(grad ? [f.set(dy, f.get(p("dy")))] : []),
        f.set(x, f.get(p("x"))),
        LP.repeat(f, () => m.i32.shr_u(f.get(p("n")), f.i32(2)), [
          f.set(xv, m.v128.load(0, 4, f.get(x))),
          ...oldNormalCdf(f, xv, phi, g),
          m.v128.store(0, 4, f.get(out), value),
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
    addOld(b, mod, false);
    addOld(b, mod, true);
    addActivation(b, mod, { name: "gelu", op: "gelu", perRow: 1, batched: true });
    addActivation(b, mod, { name: "gelu_grad", op: "gelu_grad", perRow: 1, batched: true });
  });
  k = await instantiateKernels<Record<string, K>>(mod.binary, { memoryBytes: 7 * N * 4 + 4096 });
}, 60_000);

/** Inputs: a sweep of [−8, 8], normal samples at scales 0.3 … 3 (runs of near and far vectors, and mixed ones), specials. */
function inputs(): Float32Array {
  const x = new Float32Array(N);
  const r = new TestRandom(7);
  const specials = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3e38, -3e38, 1.2374, -1.2375, 7.07, -7.08, 40, -40];
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

describe("exact gelu kernels: the same bits as the branch-free formula", () => {
  const [x, dy, y, y0, dx, dx0, ws] = [0, 1, 2, 3, 4, 5, 6].map((q) => q * N * 4);
  const words = (at: number, len = N) => new Uint32Array(k.f32(at, len).slice().buffer);
  const firstDifference = (a: Uint32Array, b: Uint32Array) => a.findIndex((w, i) => w !== b[i]);
  const setUp = () => {
    k.f32(x, N).set(inputs());
    const r = new TestRandom(11);
    const d = k.f32(dy, N);
    for (let q = 0; q < N; q++) d[q] = r.next() - 0.5;
    k.exports.old_gelu(N, y0, x);
    k.exports.old_gelu_grad(N, dx0, dy, x);
  };

  it("forward and gradient, word for word", () => {
    setUp();
    k.exports.gelu(N, y, x, ws);
    k.exports.gelu_grad(N, dx, dy, x, ws);
    expect(firstDifference(words(y), words(y0)), "gelu: first word that differs").toBe(-1);
    expect(firstDifference(words(dx), words(dx0)), "gelu_grad: first word that differs").toBe(-1);
    // The inputs exercise both branches: vectors with all four lanes near (|x| < 1.2374) and vectors with a far lane.
    const xs = k.f32(x, N);
    let near = 0;
    for (let q = 0; q < N; q += 4) if ([0, 1, 2, 3].every((l) => Math.abs(xs[q + l] * Math.SQRT1_2) < 0.875)) near++;
    expect(near).toBeGreaterThan(N / 32);
    expect(near).toBeLessThan(N / 4 - N / 32);
  });

  it("in place (y over x, dx over dy or over x): a far vector's operands are read before its result is written", () => {
    setUp();
    const copy = (from: number, to: number) => k.f32(to, N).set(k.f32(from, N));
    copy(x, y);
    k.exports.gelu(N, y, y, ws);
    expect(firstDifference(words(y), words(y0)), "gelu in place").toBe(-1);
    copy(dy, dx);
    k.exports.gelu_grad(N, dx, dx, x, ws);
    expect(firstDifference(words(dx), words(dx0)), "gelu_grad over dy").toBe(-1);
    copy(x, dx);
    k.exports.gelu_grad(N, dx, dy, dx, ws);
    expect(firstDifference(words(dx), words(dx0)), "gelu_grad over x").toBe(-1);
  });

  it("counts that end inside a block, a lockstep group and a vector: the same words, nothing written past the end", () => {
    setUp();
    for (const count of [1, 3, 4, 6, 17, 4 * 256 + 4 * 3 + 2, N - 4 * 256 - 7, N - 1]) {
      k.f32(y, N).fill(7);
      k.f32(dx, N).fill(7);
      k.exports.gelu(count, y, x, ws);
      k.exports.gelu_grad(count, dx, dy, x, ws);
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
