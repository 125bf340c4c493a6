// Fusion never changes the numbers: the seed models compiled with and without fusion give
// bitwise the same losses, parameters and optimizer state on the WebAssembly backend.
import { describe, expect, it } from "vitest";
import { loadTrainer } from "../helpers/trainer.js";
import { example, setup } from "../helpers/seed-models.js";
import { Rng } from "../../runtime/rng.js";

/**
 * The first entry where two typed arrays differ in their bits, or -1 when they are bitwise the
 * same (and of one type and length). toEqual walks ~a million entries one by one for seconds.
 */
function firstBitDifference(x: ArrayBufferView & ArrayLike<number>, y: ArrayBufferView & ArrayLike<number>): number {
  if (x.constructor !== y.constructor || x.length !== y.length) return 0;
  const a = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const b = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return Math.floor(i / (a.length / x.length));
  return -1;
}

describe("--no-fuse changes only how ops are grouped into kernels, never the numbers", () => {
  for (const [name, batch] of [
    ["mlp", 8],
    ["cnn", 4],
    ["gan_stabilized", 5],
  ] as const) {
    it(`${name}: fused and unfused wasm trainers give bitwise the same losses, parameters and state`, async () => {
      const [fused, plain] = await Promise.all([true, false].map((f) => loadTrainer(example(name), `${name}.dlm`, undefined, "wasm", f)));
      expect(fused.compiled.wasm!.kernels.length).toBeLessThan(plain.compiled.wasm!.kernels.length);
      const [a, b] = [fused, plain].map((m) => {
        const t = m.createTrainer(new Rng(3), { batch });
        setup(m, t);
        return t;
      });
      for (let s = 0; s < 3; s++) {
        a.trainStep(batch - 1);
        b.trainStep(batch - 1);
        expect(Array.from(a.losses)).toEqual(Array.from(b.losses));
      }
      expect(firstBitDifference(a.params, b.params), "parameters").toBe(-1);
      const changed = a.params.slice();
      changed[changed.length - 1] = -changed[changed.length - 1] || 1;
      expect(firstBitDifference(a.params, changed), "the comparison sees a change").toBe(changed.length - 1);
      expect(Object.keys(b.state)).toEqual(Object.keys(a.state));
      for (const k of Object.keys(a.state)) expect(firstBitDifference(a.state[k], b.state[k]), k).toBe(-1);
    }, 60_000);
  }
});
