// Optimizer updates for the WebAssembly backend (binaryen builder API, f32x4 SIMD128): SGD
// (momentum, Nesterov) and Adam of runtime/kernels/optimizers.ts over one static range
// [offset, offset + size) of the flat parameter, gradient and state buffers, in one pass
// over memory (2 vectors per iteration, a partial tail; nothing outside the range is read or
// written).
//
// Calling convention (as elementwise.ts): buffers are the byte offsets of the flat buffers'
// starts (element 0; the range's offset is a constant in the code), then scalars:
//
//   addSgd(spec)   name(w, g [, buf])              buf only when momentum ≠ 0  (sgdParams)
//   addAdam(spec)  name(w, g, m, v, c1, c2)        c1 = 1 − β1^t, c2 = 1 − β2^t as f64,
//                                                  computed by the caller for the 1-based step
//                                                  t exactly as the reference does (adamParams)
//
// The learning rate and the other hyper-parameters are constants in the code. `zeroGrad`
// fuses `grads.fill(0)` over the range into the same pass (g is read, then zeroed).
//
// Numerics: the reference computes each element in doubles and stores f32; here the state
// updates run in f32 with the constants rounded to f32 (β, 1 − β, lr, ε), and Adam's step as
// (lr/c1)·m / (√(v·(1/c2)) + ε) with lr/c1 and 1/c2 rounded once per call: a few ulps of
// each update.
import type { BinaryenApi } from "./binaryen.js";
import type { Mod, X } from "./fn.js";
import { addKernel, flatLoop, loadStream, storeStream, type Stream } from "./loops.js";
import { splatF } from "./math.js";

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

export interface SgdSpec extends OptimizerRange {
  readonly lr: number;
  /** PyTorch's buffer form; 0 (default): plain SGD, no buffer. */
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

export interface AdamSpec extends OptimizerRange {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
}

export function sgdParams(spec: SgdSpec): string[] {
  return spec.momentum ? ["w", "g", "buf"] : ["w", "g"];
}

export function adamParams(_spec: AdamSpec): string[] {
  return ["w", "g", "m", "v", "c1", "c2"];
}

function checkRange(r: OptimizerRange): void {
  if (!/^[A-Za-z_$][\w$]*$/.test(r.name)) throw new Error(`kernel name ${JSON.stringify(r.name)} is not an identifier`);
  if (!(Number.isInteger(r.offset) && r.offset >= 0 && Number.isInteger(r.size) && r.size >= 0))
    throw new Error(`${r.name}: offset and size must be non-negative integers`);
}

/** w -= lr·g, or with momentum: buf = μ·buf + g; w -= lr·(nesterov ? g + μ·buf : buf). */
export function addSgd(b: BinaryenApi, mod: Mod, spec: SgdSpec): void {
  checkRange(spec);
  const m = mod;
  const names = sgdParams(spec);
  const mu = spec.momentum ?? 0;
  addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const base = spec.offset * 4;
      const streams: Stream[] = names.map(() => ({ ptr: f.local(b.i32), step: 4 }));
      const [sw, sg, sb] = streams;
      const vg = f.local(b.v128);
      const vb = f.local(b.v128);
      const vw = f.local(b.v128);
      const zero = f.local(b.v128);
      const body = (lanes: number, e: number): X[] => {
        const out: X[] = [f.set(vg, loadStream(f, sg, lanes, e))];
        let step: X;
        if (mu === 0) step = f.get(vg);
        else {
          out.push(
            f.set(vb, m.f32x4.add(m.f32x4.mul(splatF(f, mu), loadStream(f, sb, lanes, e)), f.get(vg))),
            ...storeStream(f, sb, lanes, e, vb),
          );
          step = spec.nesterov ? m.f32x4.add(f.get(vg), m.f32x4.mul(splatF(f, mu), f.get(vb))) : f.get(vb);
        }
        out.push(
          f.set(vw, m.f32x4.sub(loadStream(f, sw, lanes, e), m.f32x4.mul(splatF(f, spec.lr), step))),
          ...storeStream(f, sw, lanes, e, vw),
        );
        if (spec.zeroGrad) out.push(...storeStream(f, sg, lanes, e, zero));
        return out;
      };
      return [
        ...streams.map((s, k) => f.set(s.ptr, m.i32.add(f.get(p(names[k])), f.i32(base)))),
        f.set(zero, splatF(f, 0)),
        flatLoop(f, spec.size, streams, body),
      ];
    },
  );
}

/**
 * Adam with bias correction and ε added to √v̂ (PyTorch's placement):
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; w -= lr·(m/c1)/(√(v/c2) + ε).
 */
export function addAdam(b: BinaryenApi, mod: Mod, spec: AdamSpec): void {
  checkRange(spec);
  const m = mod;
  const names = adamParams(spec);
  addKernel(
    b,
    mod,
    spec.name,
    names.map((p) => [p, p === "c1" || p === "c2" ? b.f64 : b.i32] as const),
    b.none,
    (f, p) => {
      const base = spec.offset * 4;
      const streams: Stream[] = ["w", "g", "m", "v"].map(() => ({ ptr: f.local(b.i32), step: 4 }));
      const [sw, sg, sm, sv] = streams;
      const step = f.local(b.v128); // lr / c1
      const ic2 = f.local(b.v128); // 1 / c2
      const vg = f.local(b.v128);
      const vm = f.local(b.v128);
      const vv = f.local(b.v128);
      const vw = f.local(b.v128);
      const zero = f.local(b.v128);
      const body = (lanes: number, e: number): X[] => {
        const out: X[] = [
          f.set(vg, loadStream(f, sg, lanes, e)),
          f.set(
            vm,
            m.f32x4.add(m.f32x4.mul(splatF(f, spec.beta1), loadStream(f, sm, lanes, e)), m.f32x4.mul(splatF(f, 1 - spec.beta1), f.get(vg))),
          ),
          f.set(
            vv,
            m.f32x4.add(
              m.f32x4.mul(splatF(f, spec.beta2), loadStream(f, sv, lanes, e)),
              m.f32x4.mul(m.f32x4.mul(splatF(f, 1 - spec.beta2), f.get(vg)), f.get(vg)),
            ),
          ),
          ...storeStream(f, sm, lanes, e, vm),
          ...storeStream(f, sv, lanes, e, vv),
          f.set(
            vw,
            m.f32x4.sub(
              loadStream(f, sw, lanes, e),
              m.f32x4.div(
                m.f32x4.mul(f.get(step), f.get(vm)),
                m.f32x4.add(m.f32x4.sqrt(m.f32x4.mul(f.get(vv), f.get(ic2))), splatF(f, spec.eps)),
              ),
            ),
          ),
          ...storeStream(f, sw, lanes, e, vw),
        ];
        if (spec.zeroGrad) out.push(...storeStream(f, sg, lanes, e, zero));
        return out;
      };
      return [
        ...streams.map((s, k) => f.set(s.ptr, m.i32.add(f.get(p(["w", "g", "m", "v"][k])), f.i32(base)))),
        f.set(step, m.f32x4.splat(m.f32.demote(m.f64.div(m.f64.const(spec.lr), f.get(p("c1")))))),
        f.set(ic2, m.f32x4.splat(m.f32.demote(m.f64.div(m.f64.const(1), f.get(p("c2")))))),
        f.set(zero, splatF(f, 0)),
        flatLoop(f, spec.size, streams, body),
      ];
    },
  );
}
