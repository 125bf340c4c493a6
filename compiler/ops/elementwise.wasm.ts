// The SIMD kernels of the elementwise math ops (ops/elementwise.ts): one generator, addMap,
// for every op of the family and its gradient, each a one-pass f32x4 map of up to three
// inputs into one output (the derivative and its product with dy in the same pass), with
// partial tails (loops.ts). Inputs of the output's shape are contiguous streams; an operand
// that broadcasts (maximum, minimum and their gradients) is read at its own element strides
// in a loop nest specialized to the dims (an operand broadcast along the innermost dim is a
// splat hoisted out of the row). Same calling convention as wasm/kernels/elementwise.ts:
//
//   [n,] out, in0 [, in1 [, in2]]        (i32 byte offsets; n when the shape has the batch)
//
//   exp log sqrt abs square pow clip     y ← x
//   maximum minimum                      y ← a, b
//   sqrt_grad                            dx ← dy, y      0.5·dy / y
//   abs_grad square_grad pow_grad clip_grad   dx ← dy, x
//   select_eq select_ne                  dx ← dy, y, a   dy where a = y (a ≠ y), else 0
//
// Numerics against runtime/kernels/math.ts (which computes in doubles): sqrt, abs, square,
// clip, maximum, minimum and the masks are bit-identical; exp and log use expV and logV of
// wasm/kernels/math.ts (a few ulp); pow (powV below): integer and half-integer exponents by
// binary powering in f64 (within an ulp), others as e^(p·ln x) in f32 (error ≈ |p·ln x| ulp
// more than exp's).
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import type { Fn, Mod, X } from "../wasm/kernels/fn.js";
import * as LP from "../wasm/kernels/loops.js";
import { absV, expV, logV, negV, splatF } from "../wasm/kernels/math.js";

export type MapOp =
  | "exp"
  | "log"
  | "sqrt"
  | "abs"
  | "square"
  | "pow"
  | "clip"
  | "maximum"
  | "minimum"
  | "sqrt_grad"
  | "abs_grad"
  | "square_grad"
  | "pow_grad"
  | "clip_grad"
  | "select_eq"
  | "select_ne";

export interface MapSpec {
  readonly name: string;
  readonly op: MapOp;
  /** Every operand contiguous, of the output's element count (perRow · n when batched). */
  readonly perRow?: number;
  readonly batched?: boolean;
  /** Or: the output's dims (0 = B, dim 0 only) and each input's element strides per dim (0 where it broadcasts). */
  readonly dims?: readonly number[];
  readonly s0?: readonly number[];
  readonly s1?: readonly number[];
  readonly s2?: readonly number[];
  /** pow's and pow_grad's exponent; clip's and clip_grad's bounds. */
  readonly p?: number;
  readonly lo?: number;
  readonly hi?: number;
}

/** Parameter names of each op: the output, then the inputs. */
const PARAMS: Readonly<Record<MapOp, readonly string[]>> = {
  exp: ["y", "x"],
  log: ["y", "x"],
  sqrt: ["y", "x"],
  abs: ["y", "x"],
  square: ["y", "x"],
  pow: ["y", "x"],
  clip: ["y", "x"],
  maximum: ["y", "a", "b"],
  minimum: ["y", "a", "b"],
  sqrt_grad: ["dx", "dy", "y"],
  abs_grad: ["dx", "dy", "x"],
  square_grad: ["dx", "dy", "x"],
  pow_grad: ["dx", "dy", "x"],
  clip_grad: ["dx", "dy", "x"],
  select_eq: ["dx", "dy", "y", "a"],
  select_ne: ["dx", "dy", "y", "a"],
};

const usesN = (spec: MapSpec): boolean => (spec.dims ? LP.usesBatch(spec.dims) : !!spec.batched);

/** The output's and the inputs' parameter names of `op`. */
export const mapNames = (op: MapOp): readonly string[] => PARAMS[op];

export function mapParams(spec: MapSpec): string[] {
  return [...LP.nParam(usesN(spec)), ...PARAMS[spec.op]];
}

/**
 * x^p lane-wise for a constant p, x a v128 local (Math.pow's special values: x^0 = 1,
 * 0^(p<0) = +∞, a negative x with a fractional p gives NaN, (−∞)^p by p's sign and parity).
 * Integer and half-integer p: binary powering (and one √) in f64, each pair of lanes
 * promoted, then rounded once to f32, so the result is within an ulp of the exact power
 * (with f32 products the rounding errors would grow with p). Other p: e^(p·ln x) in f32.
 */
export function powV(f: Fn, x: number, p: number): X {
  const m = f.mod;
  const b = f.b;
  if (p === 0) return splatF(f, 1);
  if (p === 1) return f.get(x);
  const body: X[] = [];
  const q = Math.abs(p);
  const r = f.local(b.v128);
  if (Number.isInteger(2 * q)) {
    // x + 0 turns −0 into +0 for a half-integer p: a fractional power of −0 is that of +0.
    const xs = f.local(b.v128);
    body.push(f.set(xs, Number.isInteger(q) ? f.get(x) : m.f32x4.add(f.get(x), splatF(f, 0))));
    const half = (lo: boolean): X => {
      const base = f.local(b.v128);
      const sq = f.local(b.v128);
      const acc = f.local(b.v128);
      body.push(f.set(base, lo ? LP.promoteLo(f, xs) : LP.promoteHi(f, xs)));
      body.push(f.set(sq, f.get(base)));
      // acc = base^k · (√base for a half-integer), k = ⌊q⌋
      let started = !Number.isInteger(q);
      if (started) body.push(f.set(acc, m.f64x2.sqrt(f.get(base))));
      for (let e = Math.floor(q); e > 0; e = Math.floor(e / 2)) {
        if (e % 2 === 1) {
          body.push(f.set(acc, started ? m.f64x2.mul(f.get(acc), f.get(sq)) : f.get(sq)));
          started = true;
        }
        if (e > 1) body.push(f.set(sq, m.f64x2.mul(f.get(sq), f.get(sq))));
      }
      return p < 0 ? m.f64x2.div(m.v128.const(ONE_F64X2), f.get(acc)) : f.get(acc);
    };
    const lo = half(true);
    const hi = half(false);
    body.push(f.set(r, LP.demote2(f, lo, hi)));
    if (Number.isInteger(q)) {
      body.push(f.get(r));
      return m.block(null, body, b.v128);
    }
  } else {
    // x + 0 as above; ln of a negative x is NaN, of ±0 −∞ (so 0^p = 0 or +∞).
    body.push(f.set(r, expV(f, m.f32x4.mul(splatF(f, p), logV(f, m.f32x4.add(f.get(x), splatF(f, 0)))))));
  }
  // A fractional power of −∞ is +∞ (p > 0) or 0 (p < 0), as Math.pow.
  body.push(m.v128.bitselect(splatF(f, p > 0 ? Infinity : 0), f.get(r), m.f32x4.eq(f.get(x), splatF(f, -Infinity))));
  return m.block(null, body, b.v128);
}

const ONE_F64X2 = Array.from(new Uint8Array(new Float64Array([1, 1]).buffer));

/** The op on the inputs' vectors (locals, in PARAMS order). */
function apply(f: Fn, spec: MapSpec, v: readonly number[]): X {
  const m = f.mod;
  const g = (i: number) => f.get(v[i]);
  const zero = () => splatF(f, 0);
  switch (spec.op) {
    case "exp":
      return expV(f, g(0));
    case "log":
      return logV(f, g(0));
    case "sqrt":
      return m.f32x4.sqrt(g(0));
    case "abs":
      return absV(f, g(0));
    case "square":
      return m.f32x4.mul(g(0), g(0));
    case "pow":
      return powV(f, v[0], spec.p as number);
    case "clip": // max(min(x, hi), lo); min and max propagate NaN
      return m.f32x4.max(m.f32x4.min(g(0), splatF(f, spec.hi as number)), splatF(f, spec.lo as number));
    case "maximum":
      return m.f32x4.max(g(0), g(1));
    case "minimum":
      return m.f32x4.min(g(0), g(1));
    case "sqrt_grad": // (0.5·dy) / y
      return m.f32x4.div(m.f32x4.mul(g(0), splatF(f, 0.5)), g(1));
    case "abs_grad": // dy where x > 0, −dy where x < 0, else 0
      return m.v128.or(m.v128.and(g(0), m.f32x4.gt(g(1), zero())), m.v128.and(negV(f, g(0)), m.f32x4.lt(g(1), zero())));
    case "square_grad": // dy·(2x)
      return m.f32x4.mul(g(0), m.f32x4.add(g(1), g(1)));
    case "pow_grad": {
      // (dy·p)·x^(p−1)
      const p = spec.p as number;
      return m.f32x4.mul(m.f32x4.mul(g(0), splatF(f, p)), powV(f, v[1], p - 1));
    }
    case "clip_grad": // dy where lo ≤ x ≤ hi
      return m.v128.and(g(0), m.v128.and(m.f32x4.ge(g(1), splatF(f, spec.lo as number)), m.f32x4.le(g(1), splatF(f, spec.hi as number))));
    case "select_eq":
      return m.v128.and(g(0), m.f32x4.eq(g(2), g(1)));
    case "select_ne":
      return m.v128.and(g(0), m.f32x4.ne(g(2), g(1)));
  }
}

const HEAVY: ReadonlySet<MapOp> = new Set(["exp", "log", "pow", "pow_grad"]);

/** The kernel of `spec.op` (see the header), specialized to its shape and constants. */
export function addMap(b: BinaryenApi, mod: Mod, spec: MapSpec): void {
  LP.checkName(spec.name);
  const arity = PARAMS[spec.op].length - 1;
  if ((spec.op === "pow" || spec.op === "pow_grad") && typeof spec.p !== "number") throw new Error(`${spec.name}: pow needs p`);
  if ((spec.op === "clip" || spec.op === "clip_grad") && !(typeof spec.lo === "number" && typeof spec.hi === "number"))
    throw new Error(`${spec.name}: clip needs lo and hi`);
  let dims: readonly number[];
  let strides: (readonly number[])[];
  if (spec.dims) {
    dims = spec.dims;
    strides = [spec.s0, spec.s1, spec.s2].slice(0, arity).map((s) => s ?? []);
    LP.checkDims(spec.name, dims, strides);
  } else {
    LP.checkExtent(spec.name, { perRow: spec.perRow ?? -1, batched: !!spec.batched });
    const per = spec.perRow as number;
    dims = spec.batched ? [0, per] : [per];
    strides = Array.from({ length: arity }, () => (spec.batched ? [per, 1] : [1]));
  }
  const cdims = LP.canonical(dims, strides);
  const names = mapParams(spec);
  const heavy = HEAVY.has(spec.op);
  LP.addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = f.mod;
      const ins = PARAMS[spec.op].slice(1);
      const n = usesN(spec) ? () => f.get(p("n")) : null;
      const sy: LP.Stream = { ptr: f.local(b.i32), step: 4 };
      const bases = ins.map(() => f.local(b.i32));
      const vals = ins.map(() => f.local(b.v128));
      const r = f.local(b.v128);
      const inner = (ptrs: number[], count: LP.Count, d: LP.CDim): X[] => {
        const streams: LP.Stream[] = ptrs.map((ptr, k) => ({ ptr, step: d.strides[k] * 4 }));
        // An operand broadcast along the innermost dim: one splat for the whole row.
        const pre = streams.flatMap((s, k) => (s.step === 0 ? [f.set(vals[k], m.v128.load32_splat(0, 4, f.get(s.ptr)))] : []));
        return [
          ...pre,
          LP.flatLoop(
            f,
            count,
            [sy, ...streams.filter((s) => s.step !== 0)],
            (lanes, e) => [
              ...streams.flatMap((s, k) => (s.step !== 0 ? [f.set(vals[k], LP.loadStream(f, s, lanes, e))] : [])),
              f.set(r, apply(f, spec, vals)),
              ...LP.storeStream(f, sy, lanes, e, r),
            ],
            { tails: LP.tailsOf({ perRow: d.ext, batched: d.batch }), unroll: heavy ? 1 : 2, unrollUpTo: heavy ? 8 : 32 },
          ),
        ];
      };
      return [
        f.set(sy.ptr, f.get(p(PARAMS[spec.op][0]))),
        ...ins.map((q, k) => f.set(bases[k], f.get(p(q)))),
        LP.nest(f, cdims, n, bases, inner),
      ];
    },
  );
}
