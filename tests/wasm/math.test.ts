// The SIMD f32x4 transcendentals of compiler/wasm/kernels/math.ts against Math.* rounded to f32:
// max ulp error over dense sweeps (exp on [−90, 90], log over every binade including
// denormals, tanh and sigmoid on [−100, 100] with extra density near 0) and the specials
// (±0, ±Inf, NaN, overflow/underflow edges).
import { beforeAll, describe, expect, it } from "vitest";
import type { BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import { Fn, type Mod, type X } from "../../compiler/wasm/kernels/fn.js";
import { expV, logV, sigmoidV, tanhV } from "../../compiler/wasm/kernels/math.js";
import { kernelModule, type Kernel } from "../helpers/wasm.js";
import { TestRandom } from "../helpers/numerics.js";

type VFn = (f: Fn, x: X) => X;
const FNS: Record<string, VFn> = { exp: expV, log: logV, tanh: tanhV, sigmoid: sigmoidV };

/** name(count, src, dst): dst[i] = fn(src[i]) for count floats (a multiple of 4). */
function addApply(b: BinaryenApi, mod: Mod, name: string, fn: VFn): void {
  const f = new Fn(b, mod, [b.i32, b.i32, b.i32]);
  const m = mod;
  const [cnt, src, dst] = [0, 1, 2];
  const body = f.whileLoop(
    () => m.i32.gt_s(f.get(cnt), f.i32(0)),
    [
      m.v128.store(0, 4, f.get(dst), fn(f, m.v128.load(0, 4, f.get(src)))),
      f.addI(src, 16),
      f.addI(dst, 16),
      f.set(cnt, m.i32.sub(f.get(cnt), f.i32(4))),
    ],
  );
  mod.addFunction(name, b.createType([b.i32, b.i32, b.i32]), b.none, f.vars(), body);
  mod.addFunctionExport(name, name);
}

const MAX = 1 << 18;
const REF: Record<string, (x: number) => number> = {
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

const bits = new Int32Array(1);
const flt = new Float32Array(bits.buffer);
function ordered(v: number): number {
  flt[0] = v;
  const i = bits[0];
  return i >= 0 ? i : -(i & 0x7fffffff);
}
/** Distance in f32 ulps (0 when both are NaN, Infinity when exactly one is). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(ordered(a) - ordered(b));
}

let run: (name: string, xs: Float32Array) => Float32Array;

beforeAll(async () => {
  const k = await kernelModule(
    (b, mod) => {
      for (const [name, fn] of Object.entries(FNS)) addApply(b, mod, name, fn);
    },
    8 * MAX + 64,
  );
  run = (name, xs) => {
    if (xs.length > MAX) throw new Error("sweep too long");
    const count = Math.ceil(xs.length / 4) * 4;
    k.f32(0, count).fill(0).set(xs);
    (k.exports[name] as Kernel)(count, 0, 4 * MAX);
    return k.f32(4 * MAX, xs.length).slice();
  };
});

interface Stats {
  maxUlp: number;
  at: number;
  maxRel: number;
}
function sweep(name: string, xs: Float32Array): Stats {
  const got = run(name, xs);
  let maxUlp = 0;
  let at = NaN;
  let maxRel = 0;
  for (let i = 0; i < xs.length; i++) {
    const want = Math.fround(REF[name](xs[i]));
    const u = ulps(got[i], want);
    if (u > maxUlp) {
      maxUlp = u;
      at = xs[i];
    }
    if (Number.isFinite(want) && Math.abs(want) >= 1.1754943508222875e-38)
      maxRel = Math.max(maxRel, Math.abs(got[i] - want) / Math.abs(want));
  }
  return { maxUlp, at, maxRel };
}

function grid(lo: number, hi: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + ((hi - lo) * i) / (count - 1);
  return out;
}

function specials(name: string, xs: number[]): void {
  const got = run(name, Float32Array.from(xs));
  xs.forEach((x, i) => {
    const want = Math.fround(REF[name](Math.fround(x)));
    const u = ulps(got[i], want);
    if (!(u <= 3)) throw new Error(`${name}(${x}) = ${got[i]}, expected ${want}`);
    if (want === 0 || !Number.isFinite(want))
      expect(Object.is(got[i], want) || (Number.isNaN(got[i]) && Number.isNaN(want)), `${name}(${x}) = ${got[i]}, expected ${want}`).toBe(
        true,
      );
  });
}

const report: string[] = [];

describe("SIMD transcendentals (max ulp vs Math.* rounded to f32)", () => {
  it("exp on [−90, 90] and specials", () => {
    const s = sweep("exp", grid(-90, 90, 200_001));
    const r = new TestRandom(1);
    const near = new Float32Array(100_000).map(() => r.uniform(-1, 1));
    const s2 = sweep("exp", near);
    report.push(`exp ${s.maxUlp} ulp at ${s.at} (rel ${s.maxRel.toExponential(2)}); [−1, 1] ${s2.maxUlp} ulp`);
    expect(s.maxUlp).toBeLessThanOrEqual(2);
    expect(s2.maxUlp).toBeLessThanOrEqual(2);
    specials("exp", [
      0,
      -0,
      1,
      -1,
      1e-8,
      -1e-8,
      88.72,
      88.7228,
      88.7229,
      88.73,
      89,
      100,
      1e30,
      Infinity,
      -87.3,
      -88,
      -100,
      -103.9,
      -104,
      -110,
      -1e30,
      -Infinity,
      NaN,
    ]);
  });

  it("log over all positive binades (denormals included) and specials", () => {
    const r = new TestRandom(2);
    const xs = new Float32Array(200_000);
    const u = new Int32Array(xs.buffer);
    for (let i = 0; i < xs.length; i++) u[i] = 1 + Math.floor(r.next() * 0x7f7fffff);
    const s = sweep("log", xs);
    const s2 = sweep("log", grid(0.5, 2, 200_000));
    report.push(`log ${s.maxUlp} ulp at ${s.at} (rel ${s.maxRel.toExponential(2)}); [0.5, 2] ${s2.maxUlp} ulp at ${s2.at}`);
    expect(s.maxUlp).toBeLessThanOrEqual(2);
    expect(s2.maxUlp).toBeLessThanOrEqual(2);
    specials("log", [
      0,
      -0,
      1,
      1.0000001,
      0.99999994,
      2,
      0.5,
      Math.E,
      1.4e-45,
      1e-40,
      1.1754943508222875e-38,
      3.4028234663852886e38,
      Infinity,
      -1,
      -1e-30,
      -Infinity,
      NaN,
    ]);
  });

  it("tanh on [−10, 10], near 0, and specials", () => {
    const s = sweep("tanh", grid(-10, 10, 200_001));
    const r = new TestRandom(3);
    const tiny = new Float32Array(100_000).map(() => r.awayFromZero(0, 1) * 10 ** -r.uniform(0, 30));
    const s2 = sweep("tanh", tiny);
    report.push(`tanh ${s.maxUlp} ulp at ${s.at} (rel ${s.maxRel.toExponential(2)}); |x| ≤ 1 log-spread ${s2.maxUlp} ulp at ${s2.at}`);
    expect(s.maxUlp).toBeLessThanOrEqual(3);
    expect(s2.maxUlp).toBeLessThanOrEqual(3);
    specials("tanh", [0, -0, 1e-30, -1e-30, 0.625, -0.625, 0.6249999, 9, 10, 20, 100, -100, 1e30, Infinity, -Infinity, NaN]);
  });

  it("sigmoid on [−100, 100] and specials", () => {
    const s = sweep("sigmoid", grid(-100, 100, 200_001));
    const s2 = sweep("sigmoid", grid(-20, 20, 100_001));
    report.push(`sigmoid ${s.maxUlp} ulp at ${s.at} (rel ${s.maxRel.toExponential(2)}); [−20, 20] ${s2.maxUlp} ulp`);
    expect(s.maxUlp).toBeLessThanOrEqual(3);
    expect(s2.maxUlp).toBeLessThanOrEqual(3);
    specials("sigmoid", [0, -0, 1e-30, 17, 88, 89, 100, Infinity, -17, -88, -100, -103, -104, -110, -Infinity, NaN]);
    console.log(report.join("\n"));
  });
});
