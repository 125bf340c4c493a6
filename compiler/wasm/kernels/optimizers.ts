// Optimizer updates for the WebAssembly backend (binaryen builder API, f32x4 SIMD128): the
// rules of runtime/kernels/optimizers.ts (SGD, Adam, RMSprop, Adagrad, Adamax, Nadam) over
// one static range [offset, offset + size) of the flat parameter, gradient and state
// buffers, fused with decoupled weight decay and gradient clipping in one pass over memory
// (2 vectors per iteration, a partial tail; nothing outside the range is read or written);
// and sumSquares, the float64 Σ g² over a range that norm clipping needs before the update.
//
// Calling convention (as elementwise.ts): buffers are the byte offsets of the flat buffers'
// starts (element 0; the range's offset is a constant in the code), then f64 scalars:
//
//   addUpdate(spec)       name(w, g, <state…>, lr, <rule scalars…> [, gs] [, lo, hi])    (updateParams)
//     state     sgd: buf (momentum ≠ 0) · adam, nadam: m, v · adamax: m, u · adagrad: acc ·
//               rmsprop: vel [, mom (momentum ≠ 0)] [, avg (centered)]
//     scalars   adam: c1 = 1 − β1^t, c2 = 1 − β2^t · adamax: c1 · nadam: cm, cg, c2
//               (runtime/kernels/optimizers.ts nadamWeights) — computed by the caller for
//               the 1-based step t exactly as the reference does
//     gs        the gradient's scale from norm clipping (`scaled`)
//     lo, hi    (i32) the blocks of UPDATE_BLOCK elements of the range to update, [lo, hi): threads
//               share a call by blocks (runtime/threads); hi = 0 (a call without them) updates all
//   addSumSquares(spec)   name(g) → f64
//
// The learning rate is a parameter (a schedule changes it per step); the other
// hyper-parameters are constants in the code. `zeroGrad` fuses `grads.fill(0)` over the range
// into the same pass (g is read, then zeroed).
//
// Numerics: the reference computes each element in doubles and stores f32; here the state
// updates run in f32 with the constants rounded to f32 (β, 1 − β, ρ, ε, the clip value), and
// the scalars combined in f64 and rounded once per call (lr, lr·wd, lr/c1, 1/c2, lr·cm,
// lr·cg, gs): a few ulps of each update.
import type { BinaryenApi } from "./binaryen.js";
import type { Mod, X } from "./fn.js";
import { addKernel, flatLoop, hsum64, loadStream, promoteHi, promoteLo, storeStream, type Stream } from "./loops.js";
import { absV, splatF } from "./math.js";

export interface OptimizerRange {
  /** The export's name. */
  readonly name: string;
  /** First element of the range in the flat buffers. */
  readonly offset: number;
  /** Elements in the range. */
  readonly size: number;
  /** Also write 0 to g over the range (after reading it). */
  readonly zeroGrad?: boolean;
}

/** Elements per block of an update's range (the units of its `lo, hi`; a multiple of 4 lanes). */
export const UPDATE_BLOCK = 4096;

export type UpdateRule = "sgd" | "adam" | "rmsprop" | "adagrad" | "adamax" | "nadam";

export interface UpdateSpec extends OptimizerRange {
  readonly rule: UpdateRule;
  /** sgd (PyTorch's buffer form; 0 or absent: no buffer) and rmsprop (Keras's; absent: none). */
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly rho?: number;
  readonly centered?: boolean;
  readonly eps?: number;
  /** Decoupled weight decay: w ← w − lr·wd·w before the update. */
  readonly weightDecay?: number;
  /** The gradient is multiplied by the parameter gs (norm clipping). */
  readonly scaled?: boolean;
  /** The gradient is clamped to [−clipValue, clipValue]. */
  readonly clipValue?: number;
}

/** The state buffers of a rule, in parameter order. */
export function updateState(spec: Omit<UpdateSpec, "name" | "offset" | "size">): string[] {
  switch (spec.rule) {
    case "sgd":
      return spec.momentum ? ["buf"] : [];
    case "adam":
    case "nadam":
      return ["m", "v"];
    case "adamax":
      return ["m", "u"];
    case "adagrad":
      return ["acc"];
    case "rmsprop":
      return ["vel", ...(spec.momentum ? ["mom"] : []), ...(spec.centered ? ["avg"] : [])];
  }
}

const ruleScalars: Record<UpdateRule, string[]> = {
  sgd: [],
  adam: ["c1", "c2"],
  adamax: ["c1"],
  nadam: ["cm", "cg", "c2"],
  adagrad: [],
  rmsprop: [],
};

export function updateParams(spec: Omit<UpdateSpec, "name" | "offset" | "size">): string[] {
  return ["w", "g", ...updateState(spec), "lr", ...ruleScalars[spec.rule], ...(spec.scaled ? ["gs"] : []), "lo", "hi"];
}

export function sumSquaresParams(_spec: OptimizerRange): string[] {
  return ["g"];
}

function checkRange(r: OptimizerRange): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(r.name)) throw new Error(`kernel name ${JSON.stringify(r.name)} is not an identifier`);
  if (!(Number.isInteger(r.offset) && r.offset >= 0 && Number.isInteger(r.size) && r.size >= 0))
    throw new Error(`${r.name}: offset and size must be non-negative integers`);
}

const num = (v: number | undefined, what: string, name: string): number => {
  if (v === undefined || !Number.isFinite(v)) throw new Error(`${name}: ${what} must be a finite number`);
  return v;
};

/** The update of `spec.rule` (docs/language.md §10), fused with weight decay and clipping. */
export function addUpdate(b: BinaryenApi, mod: Mod, spec: UpdateSpec): void {
  checkRange(spec);
  const m = mod;
  const names = updateParams(spec);
  const state = updateState(spec);
  const isScalar = (p: string) => !["w", "g", ...state, "lo", "hi"].includes(p);
  addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, isScalar(p) ? b.f64 : b.i32] as const),
    b.none,
    (f, p) => {
      const base = spec.offset * 4;
      const buffers = ["w", "g", ...state];
      const streams: Stream[] = buffers.map(() => ({ ptr: f.local(b.i32), step: 4 }));
      const s = Object.fromEntries(buffers.map((n, k) => [n, streams[k]]));
      const v = () => f.local(b.v128);
      const f64 = (name: string): X => f.get(p(name));
      const splat64 = (x: X): X => m.f32x4.splat(m.f32.demote(x));
      // Per-call scalars, splatted once: each an f64 expression rounded to f32 once.
      const prelude: X[] = [];
      const scalar = (x: X): number => {
        const l = v();
        prelude.push(f.set(l, splat64(x)));
        return l;
      };
      const wd = spec.weightDecay ?? 0;
      const decay = wd !== 0 ? scalar(m.f64.mul(f64("lr"), m.f64.const(wd))) : -1;
      const gs = spec.scaled ? scalar(f64("gs")) : -1;
      const one = (x: X): X => m.f64.div(m.f64.const(1), x);
      const c = (x: number | undefined, what: string): X => splatF(f, num(x, what, spec.name));
      const mul = m.f32x4.mul.bind(m.f32x4);
      const add = m.f32x4.add.bind(m.f32x4);
      const sub = m.f32x4.sub.bind(m.f32x4);
      const div = m.f32x4.div.bind(m.f32x4);
      // The rule's step Δ (w ← w − Δ), given the gradient vg; it updates and stores the state.
      type Rule = (vg: number, lanes: number, e: number) => { out: X[]; step: X };
      const ema = (beta: number | undefined, old: X, x: X): X => add(mul(c(beta, "beta"), old), mul(c(1 - (beta ?? NaN), "1 − beta"), x));
      const rules: Record<UpdateRule, () => Rule> = {
        sgd: () => {
          const lr = scalar(f64("lr"));
          const mu = spec.momentum ?? 0;
          const vb = v();
          return (vg, lanes, e) => {
            if (mu === 0) return { out: [], step: mul(f.get(lr), f.get(vg)) };
            const out = [
              f.set(vb, add(mul(c(mu, "momentum"), loadStream(f, s.buf, lanes, e)), f.get(vg))),
              ...storeStream(f, s.buf, lanes, e, vb),
            ];
            const dir = spec.nesterov ? add(f.get(vg), mul(c(mu, "momentum"), f.get(vb))) : f.get(vb);
            return { out, step: mul(f.get(lr), dir) };
          };
        },
        adam: () => {
          const st = scalar(m.f64.div(f64("lr"), f64("c1")));
          const ic2 = scalar(one(f64("c2")));
          return moments((vm, vv) => div(mul(f.get(st), f.get(vm)), add(m.f32x4.sqrt(mul(f.get(vv), f.get(ic2))), c(spec.eps, "eps"))));
        },
        nadam: () => {
          const a = scalar(m.f64.mul(f64("lr"), f64("cm")));
          const bg = scalar(m.f64.mul(f64("lr"), f64("cg")));
          const ic2 = scalar(one(f64("c2")));
          return moments((vm, vv, vg) =>
            div(
              add(mul(f.get(a), f.get(vm)), mul(f.get(bg), f.get(vg))),
              add(m.f32x4.sqrt(mul(f.get(vv), f.get(ic2))), c(spec.eps, "eps")),
            ),
          );
        },
        adamax: () => {
          const st = scalar(m.f64.div(f64("lr"), f64("c1")));
          const vm = v();
          const vu = v();
          return (vg, lanes, e) => ({
            out: [
              f.set(vm, ema(spec.beta1, loadStream(f, s.m, lanes, e), f.get(vg))),
              f.set(vu, m.f32x4.max(mul(c(spec.beta2, "beta2"), loadStream(f, s.u, lanes, e)), absV(f, f.get(vg)))),
              ...storeStream(f, s.m, lanes, e, vm),
              ...storeStream(f, s.u, lanes, e, vu),
            ],
            step: div(mul(f.get(st), f.get(vm)), add(f.get(vu), c(spec.eps, "eps"))),
          });
        },
        adagrad: () => {
          const lr = scalar(f64("lr"));
          const va = v();
          return (vg, lanes, e) => ({
            out: [f.set(va, add(loadStream(f, s.acc, lanes, e), mul(f.get(vg), f.get(vg)))), ...storeStream(f, s.acc, lanes, e, va)],
            step: div(mul(f.get(lr), f.get(vg)), m.f32x4.sqrt(add(f.get(va), c(spec.eps, "eps")))),
          });
        },
        rmsprop: () => {
          const lr = scalar(f64("lr"));
          const vv = v();
          const va = v();
          const inc = v();
          return (vg, lanes, e) => {
            const out: X[] = [
              f.set(vv, ema(spec.rho, loadStream(f, s.vel, lanes, e), mul(f.get(vg), f.get(vg)))),
              ...storeStream(f, s.vel, lanes, e, vv),
            ];
            let den = add(f.get(vv), c(spec.eps, "eps"));
            if (spec.centered) {
              out.push(f.set(va, ema(spec.rho, loadStream(f, s.avg, lanes, e), f.get(vg))), ...storeStream(f, s.avg, lanes, e, va));
              den = add(sub(f.get(vv), mul(f.get(va), f.get(va))), c(spec.eps, "eps"));
            }
            out.push(f.set(inc, div(mul(f.get(lr), f.get(vg)), m.f32x4.sqrt(den))));
            if (spec.momentum) {
              out.push(f.set(inc, add(mul(c(spec.momentum, "momentum"), loadStream(f, s.mom, lanes, e)), f.get(inc))));
              out.push(...storeStream(f, s.mom, lanes, e, inc));
            }
            return { out, step: f.get(inc) };
          };
        },
      };
      /** Adam's and Nadam's moments m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g²; `step` from them. */
      function moments(step: (vm: number, vv: number, vg: number) => X): Rule {
        const vm = v();
        const vv = v();
        return (vg, lanes, e) => ({
          out: [
            f.set(vm, ema(spec.beta1, loadStream(f, s.m, lanes, e), f.get(vg))),
            f.set(vv, ema(spec.beta2, loadStream(f, s.v, lanes, e), mul(f.get(vg), f.get(vg)))),
            ...storeStream(f, s.m, lanes, e, vm),
            ...storeStream(f, s.v, lanes, e, vv),
          ],
          step: step(vm, vv, vg),
        });
      }
      const rule = rules[spec.rule]();
      const vg = v();
      const vw = v();
      const zero = v();
      const body = (lanes: number, e: number): X[] => {
        let g = loadStream(f, s.g, lanes, e);
        if (spec.scaled) g = mul(g, f.get(gs));
        if (spec.clipValue !== undefined) g = m.f32x4.min(m.f32x4.max(g, c(-spec.clipValue, "clipValue")), c(spec.clipValue, "clipValue"));
        const out: X[] = [f.set(vg, g), f.set(vw, loadStream(f, s.w, lanes, e))];
        if (wd !== 0) out.push(f.set(vw, sub(f.get(vw), mul(f.get(vw), f.get(decay)))));
        const r = rule(vg, lanes, e);
        out.push(...r.out, f.set(vw, sub(f.get(vw), r.step)), ...storeStream(f, s.w, lanes, e, vw));
        if (spec.zeroGrad) out.push(...storeStream(f, s.g, lanes, e, zero));
        return out;
      };
      // The blocks [lo, hi) of the range (hi = 0: all) as elements [start, end): each element is
      // updated alone, so any cut into blocks gives the bits of the whole call.
      const [start, end] = [f.local(b.i32), f.local(b.i32)];
      const hiElem = () => m.i32.mul(f.get(p("hi")), f.i32(UPDATE_BLOCK));
      return [
        f.set(start, m.i32.mul(f.get(p("lo")), f.i32(UPDATE_BLOCK))),
        f.set(
          end,
          m.select(m.i32.and(m.i32.ne(f.get(p("hi")), f.i32(0)), m.i32.lt_s(hiElem(), f.i32(spec.size))), hiElem(), f.i32(spec.size)),
        ),
        ...streams.map((st, k) =>
          f.set(st.ptr, m.i32.add(f.get(p(buffers[k])), m.i32.add(f.i32(base), m.i32.shl(f.get(start), f.i32(2))))),
        ),
        ...prelude,
        f.set(zero, splatF(f, 0)),
        flatLoop(f, () => m.i32.sub(f.get(end), f.get(start)), streams, body),
      ];
    },
  );
}

/** Σ g² over the range in float64 (each f32 lane promoted, two f64x2 accumulators). */
export function addSumSquares(b: BinaryenApi, mod: Mod, spec: OptimizerRange): void {
  checkRange(spec);
  const m = mod;
  addKernel(b, mod, spec.name, [["g", b.i32]], b.f64, (f, p) => {
    const sg: Stream = { ptr: f.local(b.i32), step: 4 };
    const vg = f.local(b.v128);
    const lo = f.local(b.v128);
    const hi = f.local(b.v128);
    // Each operand its own expression (binaryen's expressions form a tree).
    const square = (x: () => X): X => m.f64x2.mul(x(), x());
    const body = (lanes: number, e: number): X[] => [
      // Lanes past a partial tail load as 0 and add nothing.
      f.set(vg, loadStream(f, sg, lanes, e)),
      f.set(
        lo,
        m.f64x2.add(
          f.get(lo),
          square(() => promoteLo(f, vg)),
        ),
      ),
      f.set(
        hi,
        m.f64x2.add(
          f.get(hi),
          square(() => promoteHi(f, vg)),
        ),
      ),
    ];
    return [
      f.set(sg.ptr, m.i32.add(f.get(p("g")), f.i32(spec.offset * 4))),
      f.set(lo, m.f64x2.splat(m.f64.const(0))),
      f.set(hi, m.f64x2.splat(m.f64.const(0))),
      flatLoop(f, spec.size, [sg], body),
      m.f64x2.extract_lane(hsum64(f, m.f64x2.add(f.get(lo), f.get(hi))), 0),
    ];
  });
}
