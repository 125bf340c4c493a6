// The SIMD128 GEMMs of compiler/wasm/kernels/gemm.ts against the reference kernels of
// runtime/kernels/dense.ts, on the seed models' dense shapes (forward nn, input gradient nt,
// kernel gradient tn) and awkward small ones, on random inputs: relative L2 ≤ 1e-5.
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { emitGemmModule, gemmOutShape, gemmParams, gemmScratchBytes, type GemmSpec } from "../../compiler/wasm/kernels/gemm.js";
import type { EmittedModule } from "../../compiler/wasm/kernels/module.js";
import { gemmStrided, matmul, matmulNT, matmulTN } from "../../runtime/kernels/dense.js";
import { leakyRelu, relu, sigmoid, tanh } from "../../runtime/kernels/elementwise.js";
import { hasRelaxedSimd, instantiateKernels, Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";

// [m, k, n] of X[m, k] · W[k, n]: the dense layers of the seed models, then edge cases.
const SEED: [string, number, number, number][] = [
  ["mlp1", 32, 784, 128],
  ["mlp2", 32, 128, 10],
  ["cnn", 32, 5408, 128],
  ["lstmx", 896, 28, 200],
  ["lstmh", 32, 50, 200],
  ["gan1", 64, 100, 256],
  ["gan2", 64, 256, 512],
  ["gan3", 64, 512, 784],
];
const SMALL: [string, number, number, number][] = [
  ["s357", 3, 5, 7],
  ["s111", 1, 1, 1],
  ["s7913", 7, 9, 13],
  ["s5_3_1", 5, 3, 1],
  ["s6_4_12", 6, 4, 12],
  ["s13_11_17", 13, 11, 17],
];

type Fn = (...args: number[]) => void;
interface Case {
  spec: GemmSpec;
  m: number;
}

const cases: Case[] = [];
for (const [tag, m, k, n] of [...SEED, ...SMALL]) {
  cases.push({ spec: { name: `${tag}_nn`, kind: "nn", k, n, bias: true }, m });
  cases.push({ spec: { name: `${tag}_nt`, kind: "nt", k, n, bias: false }, m });
  cases.push({ spec: { name: `${tag}_tn`, kind: "tn", k, n, bias: false }, m });
}
for (const [tag, m, k, n] of SMALL) {
  cases.push({ spec: { name: `${tag}_nn_nobias_acc`, kind: "nn", k, n, bias: false, accumulate: true }, m });
  cases.push({ spec: { name: `${tag}_nt_bias_acc`, kind: "nt", k, n, bias: true, accumulate: true }, m });
  cases.push({ spec: { name: `${tag}_tn_bias_acc`, kind: "tn", k, n, bias: true, accumulate: true }, m });
  cases.push({ spec: { name: `${tag}_nn_mr6`, kind: "nn", k, n, bias: true, rowTile: 6 }, m });
}
// Activation epilogues (nn): act(A·B + bias), with and without the pre-activation stored.
for (const [i, [tag, m, k, n]] of [...SMALL, SEED[0], SEED[7]].entries()) {
  const act = (["relu", "leaky_relu", "tanh", "sigmoid"] as const)[i % 4];
  cases.push({ spec: { name: `${tag}_nn_${act}`, kind: "nn", k, n, bias: true, activation: act, slope: 0.2 }, m });
  cases.push({ spec: { name: `${tag}_nn_${act}_pre`, kind: "nn", k, n, bias: i % 2 === 0, activation: act, slope: 0.2, preOut: true }, m });
}
// More rows than one row block (64), not a multiple of it nor of the row tile.
for (const kind of ["nn", "nt", "tn"] as const)
  cases.push({ spec: { name: `rb131_${kind}`, kind, k: 20, n: 19, bias: true, accumulate: kind === "nt" }, m: 131 });
for (const [tag, m, k, n] of [SEED[0], SEED[7]]) {
  cases.push({ spec: { name: `${tag}_tn_acc`, kind: "tn", k, n, bias: false, accumulate: true }, m });
  cases.push({ spec: { name: `${tag}_nn_mr6`, kind: "nn", k, n, bias: true, rowTile: 6 }, m });
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

function fill(a: Float32Array, r: () => number): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = r();
  return a;
}

function relL2(got: Float32Array, want: Float32Array): number {
  let d = 0;
  let w = 0;
  for (let i = 0; i < want.length; i++) {
    d += (got[i] - want[i]) ** 2;
    w += want[i] ** 2;
  }
  return w === 0 ? Math.sqrt(d) : Math.sqrt(d / w);
}

/** Operand shapes of a spec for m rows: A, B, C, bias length. */
function shapes(spec: GemmSpec, m: number): { a: number; b: number; c: number; bias: number } {
  const { k, n } = spec;
  const [cr, cc] = gemmOutShape(spec, m);
  return { a: spec.kind === "nt" ? m * n : m * k, b: spec.kind === "tn" ? m * n : k * n, c: cr * cc, bias: cc };
}

/** What the reference kernels compute, given the initial C (for accumulate). */
function reference(spec: GemmSpec, m: number, a: Float32Array, b: Float32Array, c0: Float32Array, bias: Float32Array | null): Float32Array {
  const { k, n } = spec;
  const out = new Float32Array(c0.length);
  const [, cols] = gemmOutShape(spec, m);
  if (spec.kind === "nn") {
    if (spec.accumulate) {
      out.set(c0);
      gemmStrided(out, 0, n, a, 0, k, b, m, k, n, true);
    } else matmul(out, a, b, null, m, k, n);
  } else if (spec.kind === "nt") matmulNT(out, a, b, m, k, n);
  else matmulTN(out, a, b, m, k, n);
  if (spec.accumulate && spec.kind !== "nn") for (let i = 0; i < out.length; i++) out[i] += c0[i];
  if (bias) for (let i = 0; i < out.length; i++) out[i] += bias[i % cols];
  return out;
}

let inst: KernelInstance<Record<string, Fn>>;
let emitted: { text?: string; bytes: number };

function bytesFor(spec: GemmSpec, m: number): number {
  const s = shapes(spec, m);
  return (s.a + s.b + 2 * s.c + s.bias) * 4 + gemmScratchBytes(spec) + 7 * 16;
}

beforeAll(async () => {
  const binaryen = await loadBinaryen();
  const mod = emitGemmModule(
    binaryen,
    cases.map((c) => c.spec),
    { text: true },
  );
  emitted = { text: mod.text, bytes: mod.binary.length };
  const need = Math.max(...cases.map((c) => bytesFor(c.spec, Math.max(c.m, 8))));
  inst = await instantiateKernels(mod.binary, { memoryBytes: need });
}, 30_000);

/** Runs one case with m rows in fresh random buffers; returns the relative L2 error. */
function run(spec: GemmSpec, m: number, seed: number): number {
  const r = rng(seed);
  const s = shapes(spec, m);
  const lay = new Layout(16);
  const at = {
    a: lay.floats(s.a),
    b: lay.floats(s.b),
    c: lay.floats(s.c),
    bias: lay.floats(s.bias),
    ws: lay.alloc(gemmScratchBytes(spec)),
    pre: lay.floats(s.c),
  };
  const a = fill(inst.f32(at.a, s.a), r);
  const b = fill(inst.f32(at.b, s.b), r);
  const c = fill(inst.f32(at.c, s.c), r);
  const bias = spec.bias ? fill(inst.f32(at.bias, s.bias), r) : null;
  fill(inst.f32(at.ws, gemmScratchBytes(spec) / 4), r); // garbage scratch: must not matter
  const pre = reference(spec, m, a, b, c.slice(), bias);
  const want = new Float32Array(pre.length);
  if (spec.activation === "relu") relu(want, pre, pre.length);
  else if (spec.activation === "leaky_relu") leakyRelu(want, pre, pre.length, spec.slope!);
  else if (spec.activation === "tanh") tanh(want, pre, pre.length);
  else if (spec.activation === "sigmoid") sigmoid(want, pre, pre.length);
  else want.set(pre);
  const args = gemmParams(spec).map((p) => (p === "m" ? m : at[p as keyof typeof at]));
  inst.exports[spec.name](...args);
  const err = relL2(inst.f32(at.c, s.c), want);
  return spec.preOut ? Math.max(err, relL2(inst.f32(at.pre, s.c), pre)) : err;
}

describe("wasm SIMD128 GEMM vs runtime/kernels/dense.ts", () => {
  it("emits a valid module with every kernel, and its text", () => {
    expect(emitted.bytes).toBeGreaterThan(0);
    expect(emitted.text).toContain("f32x4.mul");
    expect(emitted.text).toContain('(import "env" "memory"');
    for (const c of cases) expect(emitted.text).toContain(`(export "${c.spec.name}"`);
  });

  for (const [i, c] of cases.entries()) {
    const { name, kind, k, n } = c.spec;
    it(`${name}: ${kind} m=${c.m} k=${k} n=${n}`, () => {
      expect(run(c.spec, c.m, 1000 + i)).toBeLessThanOrEqual(1e-5);
    });
  }

  it("takes m at run time: 0..9 rows through the same kernels", () => {
    for (const c of cases.filter((x) => x.m < 16)) {
      for (let m = 0; m <= 9; m++) expect(run(c.spec, m, 77 + m)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("writes only C's elements: the words around C stay as they were", () => {
    const spec = cases.find((c) => c.spec.name === "s7913_tn")!.spec;
    const m = 7;
    const s = shapes(spec, m);
    const lay = new Layout(16);
    const at = { a: lay.floats(s.a), b: lay.floats(s.b), guard0: lay.floats(4), c: lay.alloc(s.c * 4, 4), ws: 0 };
    const guard1 = lay.floats(4);
    at.ws = lay.alloc(gemmScratchBytes(spec));
    const r = rng(5);
    fill(inst.f32(at.a, s.a), r);
    fill(inst.f32(at.b, s.b), r);
    inst.f32(at.guard0, 4).fill(7);
    inst.f32(guard1, 4).fill(7);
    inst.f32(at.c + s.c * 4, 4).fill(9);
    inst.exports[spec.name](m, at.a, at.b, at.c, at.ws);
    expect([...inst.f32(at.guard0, 4)]).toEqual([7, 7, 7, 7]);
    expect([...inst.f32(at.c + s.c * 4, 4)]).toEqual([9, 9, 9, 9]);
  });

  it("detects relaxed SIMD as node 20 does (off without --experimental-wasm-relaxed-simd, on with it)", () => {
    const probe = "import('./dist/runtime/wasm/instantiate.js').then((m) => process.stdout.write(String(m.hasRelaxedSimd())))";
    const run = (flags: string[]) =>
      spawnSync(process.execPath, [...flags, "--input-type=module", "-e", probe], { encoding: "utf8" }).stdout;
    if (process.versions.node.startsWith("20.")) expect(run([])).toBe("false");
    expect(run(["--experimental-wasm-relaxed-simd"])).toBe("true");
    expect(hasRelaxedSimd()).toBe(process.execArgv.some((a) => a.includes("relaxed-simd")) || !process.versions.node.startsWith("20."));
  });

  // The relaxed-SIMD module, built once for the two tests below: every engine checks its
  // text, only one that accepts relaxed SIMD runs it.
  const relaxedSpecs = () => cases.slice(0, 40).map((c) => ({ ...c.spec, name: `${c.spec.name}_rx`, relaxed: true }));
  let relaxed: Promise<EmittedModule> | undefined;
  const relaxedModule = () => (relaxed ??= loadBinaryen().then((b) => emitGemmModule(b, relaxedSpecs(), { relaxed: true, text: true })));
  it("relaxed variant: the GEMMs multiply-add with f32x4.relaxed_madd", async () => {
    expect((await relaxedModule()).text).toContain("f32x4.relaxed_madd");
  });
  it.skipIf(!hasRelaxedSimd())("relaxed variant: the same GEMMs agree with the reference", async () => {
    const specs = relaxedSpecs();
    const rx = await instantiateKernels<Record<string, Fn>>((await relaxedModule()).binary, { memoryBytes: inst.memory.buffer.byteLength });
    const saved = inst;
    inst = rx;
    try {
      for (const [i, s] of specs.entries()) expect(run(s, cases[i].m, 500 + i), s.name).toBeLessThanOrEqual(1e-5);
    } finally {
      inst = saved;
    }
  });
});
