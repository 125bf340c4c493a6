// The SIMD128 global pooling kernels of compiler/wasm/kernels/global-pool.ts against the
// reference kernels of runtime/kernels/pool.ts: the ResNet head's [64, 14, 14, 64], channel
// counts that leave a partial vector or several register blocks, one or two positions
// (the position loop fully unrolled), a static image count; random values, and values with
// many ties and NaNs, where the max and its gradient must match the reference exactly
// (the gradient goes to each channel's first maximum, as maxpool2d's does). Every call
// checks that nothing is written outside the outputs and that the result does not depend
// on where the inputs lie (one flush against the end of memory).
import { beforeAll, describe, expect, it } from "vitest";
import {
  addGlobalAvgPool,
  addGlobalAvgPoolGrad,
  addGlobalMaxPool,
  addGlobalMaxPoolGrad,
  globalPoolParams,
  type GlobalPoolMode,
  type GlobalPoolSpec,
} from "../../compiler/wasm/kernels/global-pool.js";
import * as K from "../../runtime/kernels/pool.js";
import { callKernelAllLayouts, kernelModule, type Kernel } from "../helpers/wasm.js";
import type { KernelInstance } from "../../runtime/wasm/instantiate.js";
import { compare, TestRandom, type Tolerance } from "../helpers/numerics.js";

const TOL: Tolerance = { rel: 1e-6, elemRel: 1e-5, elemAbs: 1e-6 };
const MEM = 32 << 20;

interface Case {
  readonly tag: string;
  readonly p: number;
  readonly c: number;
  /** Images per call: n (a parameter) or, with `fixed`, the static image count. */
  readonly n: number;
  readonly fixed?: boolean;
}

const cases: Case[] = [
  { tag: "resnet", p: 196, c: 64, n: 64 },
  { tag: "p1c3", p: 1, c: 3, n: 5 },
  { tag: "p2c5", p: 2, c: 5, n: 3 },
  { tag: "p7c37", p: 7, c: 37, n: 4 },
  { tag: "p9c19", p: 9, c: 19, n: 3, fixed: true },
  { tag: "p30c4", p: 30, c: 4, n: 2 },
  { tag: "p13c1", p: 13, c: 1, n: 6 },
];

const specOf = (cs: Case): GlobalPoolSpec => ({ name: "", positions: cs.p, channels: cs.c, images: cs.fixed ? cs.n : undefined });
const adders: Record<GlobalPoolMode, typeof addGlobalAvgPool> = {
  avg: addGlobalAvgPool,
  max: addGlobalMaxPool,
  avgGrad: addGlobalAvgPoolGrad,
  maxGrad: addGlobalMaxPoolGrad,
};
const modes = Object.keys(adders) as GlobalPoolMode[];

let inst: KernelInstance<Record<string, Kernel>>;
beforeAll(async () => {
  inst = await kernelModule((b, mod) => {
    for (const cs of cases) for (const mode of modes) adders[mode](b, mod, { ...specOf(cs), name: `${cs.tag}_${mode}` });
  }, MEM);
});

function draw(len: number, r: TestRandom, values: "random" | "ties"): Float32Array {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    if (values === "random") a[i] = r.uniform(-2, 2);
    else {
      const u = r.uniform(0, 1);
      a[i] = u < 0.05 ? NaN : Math.floor(u * 3) - 1; // −1, 0, 1 and a few NaNs
    }
  }
  return a;
}

/** The kernel `mode` of case `cs` on `ins`; one output `out` of `len` floats. */
function call(cs: Case, mode: GlobalPoolMode, ins: Record<string, Float32Array>, out: string, len: number): Float32Array {
  const params = globalPoolParams(mode, specOf(cs));
  expect(params.includes("n")).toBe(!cs.fixed);
  return callKernelAllLayouts(inst, MEM, { fn: `${cs.tag}_${mode}`, params, n: cs.n, ins, outs: { [out]: len } }).outs[out];
}

const exact = (name: string, got: Float32Array, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], Math.fround(want[i]))) expect(`${name}[${i}] = ${got[i]}`).toBe(`${want[i]}`);
};

describe("global pooling kernels against the reference", () => {
  it.each(cases)("$tag: mean and its gradient (random values)", (cs) => {
    const r = new TestRandom(11 + cs.p);
    const { n, p, c } = cs;
    const x = draw(n * p * c, r, "random");
    const dy = draw(n * c, r, "random");
    const wantY = new Float64Array(n * c);
    K.globalAvgPool(wantY, x, n, p, c);
    const y = call(cs, "avg", { x }, "y", n * c);
    const cy = compare("y", y, wantY, TOL);
    expect(cy.ok, cy.message).toBe(true);
    const wantDx = new Float64Array(n * p * c);
    K.globalAvgPoolGrad(wantDx, dy, n, p, c);
    const dx = call(cs, "avgGrad", { dy }, "dx", n * p * c);
    const cd = compare("dx", dx, wantDx, TOL);
    expect(cd.ok, cd.message).toBe(true);
  });

  it.each(cases.flatMap((cs) => (["random", "ties"] as const).map((values) => ({ ...cs, values }))))(
    "$tag: max and its gradient ($values values), exactly",
    (cs) => {
      const r = new TestRandom(23 + cs.c);
      const { n, p, c } = cs;
      const x = draw(n * p * c, r, cs.values);
      const dy = draw(n * c, r, "random");
      const wantY = new Float64Array(n * c);
      K.globalMaxPool(wantY, x, n, p, c);
      exact("y", call(cs, "max", { x }, "y", n * c), wantY);
      const wantDx = new Float64Array(n * p * c);
      K.globalMaxPoolGrad(wantDx, dy, x, n, p, c);
      const dx = call(cs, "maxGrad", { dy, x }, "dx", n * p * c);
      exact("dx", dx, wantDx);
      // One nonzero per image and channel: the gradient is routed, never split among ties.
      for (let s = 0; s < n; s++)
        for (let ch = 0; ch < c; ch++) {
          let hits = 0;
          for (let i = 0; i < p; i++) if (dx[(s * p + i) * c + ch] !== 0) hits++;
          expect(hits).toBeLessThanOrEqual(1);
        }
    },
  );

  it("ties go to the first position, as maxpool2d's gradient routes them", () => {
    const cs = cases.find((k) => k.tag === "p7c37")!;
    const { n, p, c } = cs;
    const x = new Float32Array(n * p * c).fill(1);
    const dy = new Float32Array(n * c).fill(3);
    const dx = call(cs, "maxGrad", { dy, x }, "dx", n * p * c);
    for (let s = 0; s < n; s++)
      for (let i = 0; i < p; i++) for (let ch = 0; ch < c; ch++) expect(dx[(s * p + i) * c + ch]).toBe(i === 0 ? 3 : 0);
  });
});
