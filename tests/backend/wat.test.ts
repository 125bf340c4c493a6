// `dlm compile --emit wat`: the kernel module of small programs as WebAssembly text,
// against committed goldens (tests/golden/wat; binaryen is pinned so its printer and
// optimizer are stable). A change of a kernel generator shows up here as a readable diff.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { frontEnd, compileTrainer } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { expectGolden } from "../helpers/golden.js";
import { root } from "../helpers/trainer.js";

async function wat(file: string, fuse = true): Promise<{ text: string; kernels: readonly { name: string; ops: readonly string[] }[] }> {
  const rel = `tests/programs/wat/${file}`;
  const front = frontEnd(rel, readFileSync(path.join(root, rel)));
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  const c = await compileTrainer(front, front.ir.trains[0].name, {
    runtimeImport: "./runtime",
    sourceDir: "./",
    wat: true,
    fuse,
    format: false,
  });
  return { text: c.wasm!.text!, kernels: c.wasm!.kernels };
}

describe("--emit wat", () => {
  for (const name of ["dense-relu", "conv-pool"]) {
    it(`${name}.dlm`, async () => {
      const { text, kernels } = await wat(`${name}.dlm`);
      expect(text).toContain('(import "env" "memory"');
      for (const k of kernels) expect(text).toContain(`(export "${k.name}"`);
      expectGolden(path.join(root, "tests/golden/wat", `${name}.wat`), text);
    });
  }

  it("fusion shows in the kernels: dense+relu is one GEMM with the relu in its epilogue", async () => {
    const fused = await wat("dense-relu.dlm");
    const plain = await wat("dense-relu.dlm", false);
    expect(fused.kernels.map((k) => k.name)).toContain("gemm_nn_3x5_bias_relu");
    expect(plain.kernels.map((k) => k.name)).not.toContain("gemm_nn_3x5_bias_relu");
    expect(plain.kernels.map((k) => k.name)).toContain("relu_5_batched");
    expect(plain.kernels.map((k) => k.name)).toContain("relu_grad_5_batched");
    expect(fused.kernels.length).toBeLessThan(plain.kernels.length);
  });
});
