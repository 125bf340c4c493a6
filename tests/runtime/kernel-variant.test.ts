// Which kernel module a node trainer loads (runtime/wasm/node-kernels.ts): the SIMD128 one on
// every engine, even one that accepts relaxed SIMD (vitest runs node with
// --experimental-wasm-relaxed-simd), so that Node and a browser train the same bits; the
// relaxed-SIMD one only when DLM_WASM_VARIANT=relaxed or --wasm-variant relaxed asks for it.
// In the slow suite: it builds both kernel builds of a trainer (binaryen) twice.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { distRuntime, loadTrainer } from "../helpers/trainer.js";
import { withVariant } from "../helpers/backends.js";
import { hasRelaxedSimd } from "../../runtime/wasm/instantiate.js";
import { variantFlag } from "../../runtime/wasm/node-kernels.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-variant-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("which kernels run: SIMD128 unless relaxed SIMD is asked for", () => {
  it("on an engine with relaxed SIMD, a trainer loads its SIMD128 module; DLM_WASM_VARIANT=relaxed or --wasm-variant picks the other", async () => {
    expect(hasRelaxedSimd(), "vitest runs node with --experimental-wasm-relaxed-simd").toBe(true);
    const memory = (await import(`${distRuntime}/wasm/trainer-memory.js`)) as { lastLoadedVariant(): string | null };
    const src = `model m(x: [B, 4]) { x |> dense(3, activation=softmax) }
train m { data idx("tx.idx", labels="ty.idx") loss sparse_categorical_crossentropy optimizer sgd(lr=0.1) batch 2 epochs 1 }
`;
    await loadTrainer(src, path.join(dir, "v.dlm"), undefined, "wasm");
    expect(memory.lastLoadedVariant()).toBe("simd128");
    await withVariant("relaxed", () => loadTrainer(src, path.join(dir, "v.dlm"), undefined, "wasm"));
    expect(memory.lastLoadedVariant()).toBe("relaxed");
    expect(variantFlag(["--epochs", "2", "--wasm-variant", "relaxed"])).toBe("relaxed");
    expect(variantFlag(["--wasm-variant=simd128"])).toBe("simd128");
    expect(variantFlag(["--", "--wasm-variant", "relaxed"])).toBeUndefined();
  });
});
