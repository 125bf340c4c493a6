// nn and nt GEMMs with a one-step reduction (inner = 1) run as an outer product, row by row
// (compiler/wasm/kernels/gemm.ts, outerProduct): word for word what the register tile writes
// (`tiled: true`, the kernel every trainer ran before), with ±0, NaN, ±Infinity and subnormals
// among the inputs, through every epilogue (bias, accumulate, a residual, the pre-activation and
// the activations), tail panels, ranges of panels (whole, cut in two anywhere, one panel alone)
// and row counts that are not a multiple of anything.
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { emitGemmModule, gemmOutShape, gemmPanels, gemmParams, gemmScratchBytes, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import { instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

type Fn = (...args: number[]) => void;
type Spec = Omit<GemmSpec, "name">;

// inner = 1: nn with k = 1 (C [m, n]), nt with n = 1 (C [m, k]).
const SPECS: Spec[] = [
  { kind: "nt", k: 512, n: 1, bias: false },
  { kind: "nt", k: 13, n: 1, bias: true, accumulate: true },
  { kind: "nt", k: 4, n: 1, bias: false, range: true },
  { kind: "nt", k: 21, n: 1, bias: true, range: true },
  { kind: "nn", k: 1, n: 1, bias: true },
  { kind: "nn", k: 1, n: 19, bias: true, activation: "relu" },
  { kind: "nn", k: 1, n: 16, bias: true, activation: "sigmoid", preOut: true },
  { kind: "nn", k: 1, n: 11, bias: false, activation: "leaky_relu", slope: 0.3, range: true },
  { kind: "nn", k: 1, n: 9, bias: true, activation: "tanh" },
  { kind: "nn", k: 1, n: 24, bias: true, residual: true },
  { kind: "nn", k: 1, n: 7, bias: false, accumulate: true, range: true },
];
const name = (s: Spec, tiled: boolean): string =>
  `${s.kind}_${s.k}x${s.n}${s.bias ? "_b" : ""}${s.accumulate ? "_acc" : ""}${s.activation ?? ""}${s.preOut ? "_pre" : ""}${s.residual ? "_res" : ""}${s.range ? "_range" : ""}${tiled ? "_tiled" : ""}`;

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3.4e38, -3.4e38, 1, -1, 0.5];

let inst: KernelInstance<Record<string, Fn>>;
beforeAll(async () => {
  const specs = SPECS.flatMap((s) => [
    { ...s, name: name(s, false) },
    { ...s, name: name(s, true), tiled: true },
  ]);
  const { binary } = emitGemmModule(await loadBinaryen(), specs);
  inst = await instantiateKernels(binary, { memoryBytes: 1 << 22 });
}, 30_000);

function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s % 3 === 0 ? SPECIAL[(s >>> 8) % SPECIAL.length] : ((s >>> 8) / 16777216 - 0.5) * 8;
  }
  return out;
}

/** Runs `spec` (the outer product, or the tile) on m rows with the panel range [lo, hi); returns C (and pre) as words. */
function run(spec: Spec, tiled: boolean, m: number, range: [number, number] | null, seed: number): Uint32Array {
  const [rows, cols] = gemmOutShape({ ...spec, name: "" } as GemmSpec, m);
  const aLen = spec.kind === "nt" ? m * spec.n : m * spec.k;
  const lay = new Layout(16);
  const at: Record<string, number> = {
    a: lay.floats(aLen),
    b: lay.floats(spec.k * spec.n),
    c: lay.floats(rows * cols),
    bias: lay.floats(cols),
    pre: lay.floats(rows * cols),
    res: lay.floats(rows * cols),
    ws: lay.alloc(gemmScratchBytes({ ...spec, name: "" } as GemmSpec)),
  };
  for (const [k, n] of [
    ["a", aLen],
    ["b", spec.k * spec.n],
    ["c", rows * cols],
    ["bias", cols],
    ["pre", rows * cols],
    ["res", rows * cols],
  ] as const)
    inst.f32(at[k], n).set(values(n, seed + k.length * 7919 + n));
  const args = gemmParams({ ...spec, name: "" } as GemmSpec).map((p) =>
    p === "m" ? m : p === "lo" ? (range?.[0] ?? 0) : p === "hi" ? (range?.[1] ?? 0) : at[p],
  );
  inst.exports[name(spec, tiled)](...args);
  const out = new Uint32Array(2 * rows * cols);
  out.set(new Uint32Array(inst.f32(at.c, rows * cols).slice().buffer));
  out.set(new Uint32Array(inst.f32(at.pre, rows * cols).slice().buffer), rows * cols);
  return out;
}

describe("nn and nt with a one-step reduction: the outer product writes the tile's words", () => {
  for (const spec of SPECS)
    it(name(spec, false), () => {
      const panels = gemmPanels({ ...spec, name: "" } as GemmSpec);
      for (const m of [0, 1, 3, 5, 64, 67]) {
        const ranges: ([number, number] | null)[] = [null];
        if (spec.range) {
          ranges.push([0, 0], [0, panels]);
          for (let cut = 0; cut <= panels; cut++) ranges.push([0, cut], [cut, panels]);
          for (let p = 0; p < panels; p++) ranges.push([p, p + 1]);
        }
        for (const [i, range] of ranges.entries()) {
          const seed = 11 * m + i;
          expect(run(spec, false, m, range, seed), `m=${m} range=${JSON.stringify(range)}`).toEqual(run(spec, true, m, range, seed));
        }
      }
    });

  it("takes the outer product where the reduction has one step, and the tile elsewhere", async () => {
    const { text } = emitGemmModule(
      await loadBinaryen(),
      [
        { name: "one", kind: "nt", k: 16, n: 1, bias: false },
        { name: "two", kind: "nt", k: 16, n: 2, bias: false },
      ],
      { text: true },
    );
    const body = (fn: string): string => {
      const start = text!.indexOf(`(func $${fn} (param`);
      return text!.slice(start, text!.indexOf("\n )", start));
    };
    // The tile packs op(B) into the scratch (replace_lane gathers for nt); the outer product reads B in place.
    expect(body("two")).toContain("f32x4.replace_lane");
    expect(body("one")).not.toContain("f32x4.replace_lane");
  });
});
