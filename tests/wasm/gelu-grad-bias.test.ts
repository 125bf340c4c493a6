// The GELU's gradient fused with the bias gradient of the dense layer before it
// (compiler/ops/activations.wasm.ts addGeluGradBias, the act_grad+sum_to rule): dx and db word for
// word against the two kernels it replaces, gelu_grad (addActivation) then the column sums of dx
// (reductions.ts addSumRows), exact and tanh forms, on widths that are and are not multiples of
// the vectors side by side (512: the transformer's, 13: a partial vector per row), batched and
// not, and in place (dx over dy).
import { beforeAll, describe, expect, it } from "vitest";
import { loadBinaryen } from "../../compiler/wasm/kernels/binaryen.js";
import { buildModule } from "../../compiler/wasm/kernels/module.js";
import { addSumRows } from "../../compiler/wasm/kernels/reductions.js";
import { addActivation, addGeluGradBias } from "../../compiler/ops/activations.wasm.js";
import { instantiateKernels, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { TestRandom } from "../helpers/numerics.js";

type K = (...args: number[]) => void;
let k: KernelInstance<Record<string, K>>;
const CASES = [
  { cols: 512, rowsPerBatch: 4, batched: true },
  { cols: 13, rowsPerBatch: 7, batched: true },
  { cols: 24, rowsPerBatch: 9, batched: false },
];
const SIZE = 1 << 14;

beforeAll(async () => {
  const b = await loadBinaryen();
  const mod = buildModule(b, (mod) => {
    CASES.forEach(({ cols, rowsPerBatch, batched }, i) => {
      for (const approximate of [undefined, true] as const) {
        const tag = `${i}${approximate ? "t" : "e"}`;
        addGeluGradBias(b, mod, { name: `fused_${tag}`, approximate, rowsPerBatch, batched, cols });
        addActivation(b, mod, { name: `grad_${tag}`, op: "gelu_grad", approximate, perRow: rowsPerBatch * cols, batched });
      }
      addSumRows(b, mod, { name: `sum_${i}`, rowsPerBatch, batched, cols });
    });
  });
  k = await instantiateKernels<Record<string, K>>(mod.binary, { memoryBytes: 8 * SIZE * 4 + 4096 });
}, 60_000);

describe("gelu_grad + sum_to in one pass: the words of gelu_grad then sum_rows", () => {
  CASES.forEach(({ cols, rowsPerBatch, batched }, i) => {
    for (const approximate of [false, true])
      it(`${cols} columns, ${rowsPerBatch} rows${batched ? " a sample, 5 samples" : ""}${approximate ? ", tanh form" : ""}`, () => {
        const tag = `${i}${approximate ? "t" : "e"}`;
        const n = batched ? 5 : 1;
        const len = n * rowsPerBatch * cols;
        const [x, dy, dx, dx0, db, db0, dyCopy] = [0, 1, 2, 3, 4, 5, 6].map((q) => 64 + q * SIZE * 4);
        const r = new TestRandom(3 + i);
        const xs = k.f32(x, len);
        for (let q = 0; q < len; q++) xs[q] = (r.next() - 0.5) * (q % 3 === 0 ? 12 : 3);
        const ds = k.f32(dy, len);
        for (let q = 0; q < len; q++) ds[q] = r.next() - 0.5;
        k.f32(dyCopy, len).set(ds);
        k.f32(db, cols).fill(7);
        const args = (...a: number[]) => (batched ? [n, ...a] : a);
        k.exports[`grad_${tag}`](...args(dx0, dy, x));
        k.exports[`sum_${i}`](...args(db0, dx0));
        k.exports[`fused_${tag}`](...args(dx, dy, x, db));
        const words = (at: number, count: number) => [...new Uint32Array(k.f32(at, count).slice().buffer)];
        expect(words(dx, len)).toEqual(words(dx0, len));
        expect(words(db, cols)).toEqual(words(db0, cols));
        // In place: dx over dy.
        k.exports[`fused_${tag}`](...args(dyCopy, dyCopy, x, db));
        expect(words(dyCopy, len)).toEqual(words(dx0, len));
        expect(words(db, cols)).toEqual(words(db0, cols));
      });
  });
});
