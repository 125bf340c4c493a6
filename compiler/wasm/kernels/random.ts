// Random draws inside the module, bit for bit the runtime's: xoshiro128** (runtime/rng.ts
// nextU32) run on a copy of the Rng's state that the trainer writes into memory before the
// call and reads back after it, so the stream continues exactly as if the JS Rng had drawn.
// A draw is one 32-bit output; the generator is sequential, so the loop is scalar (≈ 1 ns a
// draw against ≈ 7 ns through the JS object: a GAN step draws 98,304 mask entries).
//
//   addBernoulliMask   out[0..count) = scale where nextU32() < keepProb·2³², else 0
//                      (Rng.bernoulliMask). Parameters: out, count, state  (state: 4 × u32)
import type { BinaryenApi } from "./binaryen.js";
import type { Mod, X } from "./fn.js";
import { addKernel } from "./loops.js";

export interface BernoulliMaskSpec {
  readonly name: string;
  readonly keepProb: number;
  /** The value of a kept entry, stored as f32 (1 / keepProb for inverted dropout). */
  readonly scale: number;
}

export function bernoulliMaskParams(_spec: BernoulliMaskSpec): string[] {
  return ["out", "count", "state"];
}

export function addBernoulliMask(b: BinaryenApi, mod: Mod, spec: BernoulliMaskSpec): void {
  // nextU32() < keepProb·2³² (a real threshold T) ⇔ r < ⌈T⌉ for an integer r; ⌈T⌉ may be 2³²: compare as i64.
  const limit = Math.ceil(spec.keepProb * 2 ** 32);
  addKernel(
    b,
    mod,
    spec.name,
    bernoulliMaskParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const [s0, s1, s2, s3, r, t, out, left] = [0, 0, 0, 0, 0, 0, 0, 0].map(() => f.local(b.i32));
      const rotl = (x: X, k: number) => m.i32.rotl(x, f.i32(k));
      const state = (i: number) => m.i32.load(4 * i, 4, f.get(p("state")));
      const body: X[] = [
        f.set(s0, state(0)),
        f.set(s1, state(1)),
        f.set(s2, state(2)),
        f.set(s3, state(3)),
        f.set(out, f.get(p("out"))),
        f.set(left, f.get(p("count"))),
        f.whileLoop(
          () => m.i32.gt_s(f.get(left), f.i32(0)),
          [
            // r = rotl(s1·5, 7)·9; then the state transition, as Rng.nextU32.
            f.set(r, m.i32.mul(rotl(m.i32.mul(f.get(s1), f.i32(5)), 7), f.i32(9))),
            f.set(t, m.i32.shl(f.get(s1), f.i32(9))),
            f.set(s2, m.i32.xor(f.get(s2), f.get(s0))),
            f.set(s3, m.i32.xor(f.get(s3), f.get(s1))),
            f.set(s1, m.i32.xor(f.get(s1), f.get(s2))),
            f.set(s0, m.i32.xor(f.get(s0), f.get(s3))),
            f.set(s2, m.i32.xor(f.get(s2), f.get(t))),
            f.set(s3, rotl(f.get(s3), 11)),
            m.f32.store(
              0,
              4,
              f.get(out),
              m.select(
                m.i64.lt_u(m.i64.extend_u(f.get(r)), (m.i64.const as unknown as (v: bigint) => X)(BigInt(limit))),
                m.f32.const(Math.fround(spec.scale)),
                m.f32.const(0),
              ),
            ),
            f.addI(out, 4),
            f.set(left, m.i32.sub(f.get(left), f.i32(1))),
          ],
        ),
        m.i32.store(0, 4, f.get(p("state")), f.get(s0)),
        m.i32.store(4, 4, f.get(p("state")), f.get(s1)),
        m.i32.store(8, 4, f.get(p("state")), f.get(s2)),
        m.i32.store(12, 4, f.get(p("state")), f.get(s3)),
      ];
      return body;
    },
  );
}
