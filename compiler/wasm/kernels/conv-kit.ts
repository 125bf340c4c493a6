// The code builders that the convolution and pooling kernels (conv.ts, conv-grad.ts,
// pool.ts) share: checks of the window geometry, the zero-padded frame of one image and
// scratch sizes, loop nests unrolled within a budget, byte-range walks (zero, copy), the
// parameter and export plumbing, and the register-tile multiply-add (relaxed or not).
import type { BinaryenApi } from "./binaryen.js";
import type { Window } from "../../emit/geometry.js";
import { Fn, ZERO16, loadPartial, storePartial, type Mod, type X } from "./fn.js";

/** The `ws` parameter when a kernel needs scratch. */
export const ws = (bytes: number): string[] => (bytes > 0 ? ["ws"] : []);

/** The zero-padded frame of one image that windows index without border tests. */
export function frameOf(g: Window): { hf: number; wf: number; direct: boolean; bytes: number } {
  const hf = Math.max(g.pt + g.h, (g.oh - 1) * g.sh + g.kh);
  const wf = Math.max(g.pl + g.w, (g.ow - 1) * g.sw + g.kw);
  const direct = g.pt === 0 && g.pl === 0 && hf === g.h && wf === g.w;
  return { hf, wf, direct, bytes: direct ? 0 : hf * wf * g.c * 4 };
}

/** Scratch bytes with 16 bytes of slack for aligning the start. */
export const slack = (bytes: number): number => (bytes > 0 ? bytes + 16 : 0);
export const round16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

export const range = (k: number): number[] => Array.from({ length: k }, (_, i) => i);
const prod = (a: readonly number[]): number => a.reduce((p, v) => p * v, 1);

export function checkWindow(name: string, g: Window, extra: Record<string, number> = {}): void {
  const pos = { h: g.h, w: g.w, c: g.c, oh: g.oh, ow: g.ow, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, ...extra };
  for (const [k, v] of Object.entries(pos))
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`${name}: ${k} must be a positive integer, got ${v}`);
  for (const [k, v] of Object.entries({ pt: g.pt, pl: g.pl }))
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`${name}: ${k} must be a non-negative integer`);
  // Every window sees at least one real input (true of `valid` and of TensorFlow's `same`).
  if (g.pt >= g.kh || g.pl >= g.kw || (g.oh - 1) * g.sh - g.pt >= g.h || (g.ow - 1) * g.sw - g.pl >= g.w) {
    throw new Error(`${name}: a window lies entirely in the padding (h ${g.h}, oh ${g.oh}, pt ${g.pt}; w ${g.w}, ow ${g.ow}, pl ${g.pl})`);
  }
}

export function checkTile(name: string, t: readonly [number, number] | undefined): void {
  if (t && !(Number.isInteger(t[0]) && Number.isInteger(t[1]) && t[0] >= 1 && t[1] >= 1 && t[0] * t[1] <= 16))
    throw new Error(`${name}: bad tile [${t.join(", ")}]`);
}

const sharedLocals = new WeakMap<Fn, Map<string, number>>();

/**
 * The local named `key` in f, created on first use: code whose live ranges never overlap
 * (successive tiles, successive loop nests) shares its locals, which keeps functions small
 * for binaryen's local passes.
 */
export function shared(f: Fn, key: string, type: number): number {
  let byKey = sharedLocals.get(f);
  if (!byKey) sharedLocals.set(f, (byKey = new Map()));
  const k = `${key}:${type}`;
  let l = byKey.get(k);
  if (l === undefined) byKey.set(k, (l = f.local(type)));
  return l;
}

/** One level of a loop nest: `count` iterations advancing each pointer by its stride (bytes). */
export interface Dim {
  readonly count: number;
  readonly strides: readonly number[];
}

function offsetsOf(dims: readonly Dim[], nPtr: number, base?: readonly number[]): number[][] {
  let out: number[][] = [base ? [...base] : new Array<number>(nPtr).fill(0)];
  for (const d of dims) {
    const next: number[][] = [];
    for (const o of out) for (let i = 0; i < d.count; i++) next.push(o.map((v, p) => v + i * d.strides[p]));
    out = next;
  }
  return out;
}

/**
 * A loop nest over `dims` (outermost first) calling `step(ptrs, offsets)` once per point:
 * the innermost dims are unrolled while their product stays ≤ budget (then the next dim is
 * unrolled by a chunk and looped, its remainder unrolled after the loop); the rest are
 * counted loops on copies of the pointer locals (`ptrs` themselves are never modified).
 */
export function nest(
  f: Fn,
  ptrs: readonly number[],
  dims: readonly Dim[],
  budget: number,
  step: (ptrs: readonly number[], offs: readonly number[]) => X[],
  depth = 0,
): X[] {
  if (prod(dims.map((d) => d.count)) <= budget) return offsetsOf(dims, ptrs.length).flatMap((o) => step(ptrs, o));
  const [d0, ...rest] = dims;
  const lp = ptrs.map((_, p) => shared(f, `nest${depth}.${p}`, f.b.i32));
  const out: X[] = lp.map((l, p) => f.set(l, f.get(ptrs[p])));
  const restCount = prod(rest.map((d) => d.count));
  if (restCount <= budget) {
    const u = Math.max(1, Math.min(d0.count, Math.floor(budget / restCount)));
    const loops = Math.floor(d0.count / u);
    const chunk = (k: number): X[] => offsetsOf([{ count: k, strides: d0.strides }, ...rest], ptrs.length).flatMap((o) => step(lp, o));
    const adv = lp.map((l, p) => f.addI(l, u * d0.strides[p]));
    if (loops === 1) out.push(...chunk(u), ...adv);
    else out.push(f.countedLoop(loops, [...chunk(u), ...adv]));
    if (d0.count % u > 0) out.push(...chunk(d0.count % u));
  } else {
    out.push(f.countedLoop(d0.count, [...nest(f, lp, rest, budget, step, depth + 1), ...lp.map((l, p) => f.addI(l, d0.strides[p]))]));
  }
  return out;
}

/** `count` static iterations of body: inline when 1, a counted loop otherwise (none when 0). */
export function repeat(f: Fn, count: number, body: X[]): X[] {
  if (count <= 0) return [];
  if (count === 1) return body;
  return [f.countedLoop(count, body)];
}

/** Walks `bytes` (static, a multiple of 4) in chunks of ≤ 4 floats; advances the pointer locals. */
function chunks(f: Fn, ptrs: readonly number[], bytes: number, body: (off: number, lanes: number) => X[]): X[] {
  const nv = Math.floor(bytes / 16);
  const tail = (bytes % 16) / 4;
  const out: X[] = [];
  let done = 0;
  if (nv > 8) {
    const loops = Math.floor(nv / 4);
    out.push(f.countedLoop(loops, [...range(4).flatMap((u) => body(16 * u, 4)), ...ptrs.map((p) => f.addI(p, 64))]));
    done = loops * 4;
  }
  for (let v = done; v < nv; v++) out.push(...body((v - done) * 16, 4));
  if (tail > 0) out.push(...body((nv - done) * 16, tail));
  return out;
}

export function zeroBytes(f: Fn, dst: X, bytes: number): X[] {
  const p = f.local(f.b.i32);
  const z = f.mod.v128.const(ZERO16);
  return [f.set(p, dst), ...chunks(f, [p], bytes, (off, lanes) => storePartial(f, f.get(p), off, lanes, f.mod.copyExpression(z)))];
}

/** Copies `rows` rows of `rowBytes` from src (row stride srcStride) to dst (row stride dstStride). */
export function copyRows(f: Fn, src: X, dst: X, rows: number, rowBytes: number, srcStride: number, dstStride: number): X[] {
  const [rs, rd, cs, cd, t] = [f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.v128)];
  const row: X[] = [
    f.set(cs, f.get(rs)),
    f.set(cd, f.get(rd)),
    ...chunks(f, [cs, cd], rowBytes, (off, lanes) => [
      f.set(t, loadPartial(f, f.get(cs), off, lanes)),
      ...storePartial(f, f.get(cd), off, lanes, f.get(t)),
    ]),
    f.addI(rs, srcStride),
    f.addI(rd, dstStride),
  ];
  return [f.set(rs, src), f.set(rd, dst), ...repeat(f, rows, row)];
}

export function params(b: BinaryenApi, mod: Mod, names: readonly string[]): { f: Fn; P: (name: string) => number } {
  const f = new Fn(
    b,
    mod,
    names.map(() => b.i32),
  );
  return {
    f,
    P: (name: string) => {
      const i = names.indexOf(name);
      if (i < 0) throw new Error(`internal: no parameter ${name}`);
      return i;
    },
  };
}

export function finish(b: BinaryenApi, mod: Mod, name: string, names: readonly string[], f: Fn, body: X[]): void {
  mod.addFunction(name, b.createType(names.map(() => b.i32)), b.none, f.vars(), mod.block(null, body));
  mod.addFunctionExport(name, name);
}

export const lanesOf = (width: number, v: number): number => Math.min(4, width - 4 * v);
export const align16 = (f: Fn, p: X): X => f.mod.i32.and(f.mod.i32.add(p, f.i32(15)), f.i32(~15));

/** a·b + c with f32x4.relaxed_madd (binaryen's JS API has no wrapper for it; the C API does). */
function relaxedMadd(f: Fn, a: X, b: X, c: X): X {
  const api = f.b as unknown as { _BinaryenSIMDTernary(mod: number, op: number, a: X, b: X, c: X): X; RelaxedMaddVecF32x4: number };
  return api._BinaryenSIMDTernary(f.mod.ptr, api.RelaxedMaddVecF32x4, a, b, c);
}

/** acc += a · b (one f32x4.relaxed_madd in the relaxed variant). */
export const mac = (f: Fn, acc: number, a: X, b: X, relaxed = false): X =>
  f.set(acc, relaxed ? relaxedMadd(f, a, b, f.get(acc)) : f.mod.f32x4.add(f.get(acc), f.mod.f32x4.mul(a, b)));

/**
 * Reduction steps per loop iteration of the convolution tiles. Measured (node 20, Zen 4):
 * one step per iteration is fastest by far (≈ 50 GFLOP/s on the seed CNN's shapes against
 * 17–35 with 2–64 unrolled steps), presumably because TurboFan hoists the independent
 * loads of unrolled steps and spills the accumulators.
 */
export const UNROLL = 1;

/** The register tile [outputs, vectors of 4]: 8 accumulators (2×4 when there are ≥ 16 lanes). */
export function defaultTile(lanes: number): [number, number] {
  const nv = Math.min(4, Math.ceil(lanes / 4));
  return nv >= 3 ? [2, nv] : nv === 2 ? [4, 2] : [6, 1];
}
