// The optimizer kernels of compiler/wasm/kernels/optimizers.ts against runtime/kernels/
// optimizers.ts: SGD (plain, momentum, Nesterov) and Adam over static ranges of flat
// buffers (unaligned starts, awkward sizes), several steps in a row on the same state, the
// fused gradient zeroing; every element outside the range is left as it was. (Every rule
// with weight decay and clipping: tests/backend/optimizers.test.ts, through trainers.)
import { beforeAll, describe, expect, it } from "vitest";
import type { BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import { addSumSquares, addUpdate, updateParams, type UpdateSpec } from "../../compiler/wasm/kernels/optimizers.js";
import { adam, sgd, sumSquares } from "../../runtime/kernels/optimizers.js";
import { assertClose, TestRandom } from "../helpers/numerics.js";
import { kernelModule, type Kernel } from "../helpers/wasm.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";

const TOTAL = 2000; // elements of each flat buffer
const RANGES: [number, number][] = [
  [0, 1],
  [3, 5],
  [8, 784],
  [5, 13],
  [1, 2],
  [100, 1003],
  [0, 0],
];
const TOL = { rel: 1e-6, elemRel: 1e-3, elemAbs: 1e-4 };

/** An update kernel's spec and the learning rate the test passes it. */
type Spec = UpdateSpec & { lr: number };
const sgdSpecs: Spec[] = [];
const adamSpecs: Spec[] = [];
RANGES.forEach(([offset, size], i) => {
  sgdSpecs.push({ rule: "sgd", name: `sgd${i}`, offset, size, lr: 0.01 });
  sgdSpecs.push({ rule: "sgd", name: `sgdm${i}`, offset, size, lr: 0.05, momentum: 0.9 });
  sgdSpecs.push({ rule: "sgd", name: `sgdn${i}`, offset, size, lr: 0.05, momentum: 0.8, nesterov: true, zeroGrad: i % 2 === 0 });
  adamSpecs.push({ rule: "adam", name: `adam${i}`, offset, size, lr: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-7, zeroGrad: i % 2 === 1 });
  adamSpecs.push({ rule: "adam", name: `adamx${i}`, offset, size, lr: 0.1, beta1: 0.5, beta2: 0.9, eps: 1e-3 });
});

let k: KernelInstance<Record<string, Kernel>>;
beforeAll(async () => {
  k = await kernelModule(
    (b: BinaryenApi, mod: Mod) => {
      for (const s of [...sgdSpecs, ...adamSpecs]) addUpdate(b, mod, s);
      RANGES.forEach(([offset, size], i) => addSumSquares(b, mod, { name: `sumsq${i}`, offset, size }));
    },
    8 * TOTAL * 4 + 1024,
  );
}, 60_000);

const r = new TestRandom(99);
function rand(lo: number, hi: number): Float32Array {
  const a = new Float32Array(TOTAL);
  r.fill(a, lo, hi);
  return a;
}

/** Copies the named buffers into memory at 16-aligned offsets; returns the offsets. */
function place(bufs: Record<string, Float32Array>): Record<string, number> {
  const at: Record<string, number> = {};
  let top = 16;
  for (const [name, data] of Object.entries(bufs)) {
    at[name] = top;
    k.f32(top, data.length).set(data);
    top += Math.ceil((data.length * 4) / 16) * 16;
  }
  return at;
}

function compareAll(what: string, got: Float32Array, want: Float32Array, offset: number, size: number): void {
  // Outside the range: untouched, bit for bit.
  for (let i = 0; i < TOTAL; i++)
    if ((i < offset || i >= offset + size) && !Object.is(got[i], want[i]))
      throw new Error(`${what}: element ${i} outside [${offset}, ${offset + size}) changed`);
  assertClose(what, got.subarray(offset, offset + size), want.subarray(offset, offset + size), TOL);
}

describe("wasm optimizers vs runtime/kernels/optimizers.ts", () => {
  it("sgd: plain, momentum, nesterov (and the fused gradient zeroing)", () => {
    for (const spec of sgdSpecs) {
      const w = rand(-1, 1);
      const buf = rand(-0.5, 0.5);
      const ref = { w: w.slice(), buf: buf.slice() };
      const at = place({ w, g: new Float32Array(TOTAL), buf });
      for (let step = 0; step < 3; step++) {
        const g = rand(-2, 2);
        k.f32(at.g, TOTAL).set(g);
        sgd(ref.w, g, spec.momentum ? ref.buf : null, spec.offset, spec.size, spec.lr, spec.momentum ?? 0, !!spec.nesterov);
        (k.exports[spec.name] as Kernel)(...updateParams(spec).map((p) => (p === "lr" ? spec.lr : at[p])));
        compareAll(`${spec.name} step ${step} w`, k.f32(at.w, TOTAL), ref.w, spec.offset, spec.size);
        compareAll(`${spec.name} step ${step} buf`, k.f32(at.buf, TOTAL), ref.buf, spec.offset, spec.size);
        const gz = g.slice();
        if (spec.zeroGrad) gz.fill(0, spec.offset, spec.offset + spec.size);
        expect([...k.f32(at.g, TOTAL)]).toEqual([...gz]);
      }
    }
  });

  it("adam over several steps (bias corrections from the caller), fused gradient zeroing", () => {
    for (const spec of adamSpecs) {
      const w = rand(-1, 1);
      const m = rand(-0.1, 0.1);
      const v = rand(0, 0.01);
      const ref = { w: w.slice(), m: m.slice(), v: v.slice() };
      const at = place({ w, g: new Float32Array(TOTAL), m, v });
      for (const t of [1, 2, 3, 10, 1000]) {
        const g = rand(-2, 2);
        for (let i = 0; i < TOTAL; i += 11) g[i] = 0;
        k.f32(at.g, TOTAL).set(g);
        adam(ref.w, g, ref.m, ref.v, spec.offset, spec.size, spec.lr, spec.beta1!, spec.beta2!, spec.eps!, t);
        const scalars: Record<string, number> = { lr: spec.lr, c1: 1 - Math.pow(spec.beta1!, t), c2: 1 - Math.pow(spec.beta2!, t) };
        (k.exports[spec.name] as Kernel)(...updateParams(spec).map((p) => scalars[p] ?? at[p]));
        compareAll(`${spec.name} t=${t} w`, k.f32(at.w, TOTAL), ref.w, spec.offset, spec.size);
        compareAll(`${spec.name} t=${t} m`, k.f32(at.m, TOTAL), ref.m, spec.offset, spec.size);
        compareAll(`${spec.name} t=${t} v`, k.f32(at.v, TOTAL), ref.v, spec.offset, spec.size);
        const gz = g.slice();
        if (spec.zeroGrad) gz.fill(0, spec.offset, spec.offset + spec.size);
        expect([...k.f32(at.g, TOTAL)]).toEqual([...gz]);
      }
    }
  });

  it("sumSquares: Σ g² over the range in float64", () => {
    const g = rand(-2, 2);
    const at = place({ g });
    RANGES.forEach(([offset, size], i) => {
      const got = (k.exports[`sumsq${i}`] as Kernel)(at.g) as number;
      expect(Math.abs(got - sumSquares(g, offset, size))).toBeLessThanOrEqual(1e-12 * Math.max(1, got));
    });
  });

  it("checks its specs", async () => {
    await expect(kernelModule((b, mod) => addUpdate(b, mod, { rule: "sgd", name: "bad", offset: -1, size: 3 }), 65536)).rejects.toThrow(
      /offset/,
    );
  });
});
