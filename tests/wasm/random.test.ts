// The dropout mask drawn inside the module (compiler/wasm/kernels/random.ts) is bit for bit
// Rng.bernoulliMask of the runtime: the same entries, and the state left where the JS Rng
// would have left it.
import { describe, expect, it } from "vitest";
import { addBernoulliMask } from "../../compiler/wasm/kernels/random.js";
import { kernelModule } from "../helpers/wasm.js";
import { Rng } from "../../runtime/rng.js";

const CASES = [
  { keepProb: 0.7, scale: 1 / 0.7 },
  { keepProb: 0.5, scale: 2 },
  { keepProb: 1, scale: 1 },
  { keepProb: 0, scale: 1 },
  { keepProb: 1 - 1e-9, scale: 3 },
];

describe("bernoulli mask in wasm", () => {
  it("equals Rng.bernoulliMask entry for entry and continues its stream", async () => {
    const inst = await kernelModule((b, mod) => CASES.forEach((c, i) => addBernoulliMask(b, mod, { name: `m${i}`, ...c })), 1 << 16);
    const state = new Uint32Array(inst.memory.buffer, 0, 4);
    for (const [i, c] of CASES.entries()) {
      for (const [seed, count] of [
        [1, 0],
        [2, 1],
        [3, 1001],
        [4, 8192],
      ]) {
        const js = new Rng(seed);
        const wasm = new Rng(seed);
        const want = new Float32Array(count);
        js.bernoulliMask(want, c.keepProb, c.scale);
        const got = new Float32Array(inst.memory.buffer, 64, count + 1);
        got[count] = 42; // a guard word after the mask
        wasm.saveState(state);
        inst.exports[`m${i}`](64, count, 0);
        wasm.loadState(state);
        expect(Array.from(got.subarray(0, count)), `keep ${c.keepProb}, seed ${seed}, ${count} entries`).toEqual(Array.from(want));
        expect(got[count]).toBe(42);
        expect(wasm.nextU32()).toBe(js.nextU32());
      }
    }
  });
});
