// `dlm compile --emit wat`: the kernel module of small programs as WebAssembly text,
// against committed goldens (tests/golden/wat; binaryen is pinned so its printer and
// optimizer are stable). A change of a kernel generator shows up here as a readable diff.
// The text names each kernel's parameters (`$x`, `$y`, `$n`) and its locals by type
// (`$i0`, `$v1`); the .wasm binary carries no names and is the same with the text or without.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { frontEnd, compileTrainer } from "../../compiler/compile.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { expectGolden } from "../helpers/golden.js";
import { root } from "../helpers/trainer.js";

async function wat(
  file: string,
  fuse = true,
  text = true,
): Promise<{ text?: string; binary: Uint8Array; kernels: readonly { name: string; ops: readonly string[] }[] }> {
  const rel = `tests/programs/wat/${file}`;
  const front = frontEnd(rel, readFileSync(path.join(root, rel)));
  if (!front.ir) throw new Error(renderDiagnostics(front.source, front.diagnostics));
  const c = await compileTrainer(front, front.ir.trains[0].name, {
    runtimeImport: "./runtime",
    sourceDir: "./",
    wat: text,
    fuse,
    format: false,
  });
  return { text: c.wasm!.text, binary: c.wasm!.binary, kernels: c.wasm!.kernels };
}

describe("--emit wat", () => {
  for (const name of ["dense-relu", "conv-pool"]) {
    it(`${name}.dlm`, async () => {
      const { text, kernels } = await wat(`${name}.dlm`);
      expect(text).toContain('(import "env" "memory"');
      for (const k of kernels) expect(text).toContain(`(export "${k.name}"`);
      expectGolden(path.join(root, "tests/golden/wat", `${name}.wat`), text!);
    });
  }

  it("names parameters and locals in the text only: the binary is the same without", async () => {
    const named = await wat("conv-pool.dlm");
    const plain = await wat("conv-pool.dlm", true, false);
    expect(plain.text).toBeUndefined();
    expect(Buffer.from(named.binary).equals(Buffer.from(plain.binary))).toBe(true);
    expect(named.text).toMatch(/\(func \$conv\w* \(param \$n i32\) \(param \$x i32\)/);
    expect(named.text).toMatch(/\(local \$v\d+ v128\)/);
    // Every parameter and local has a name.
    expect(named.text).not.toMatch(/\((?:param|local) \$\d+ /);
    expect(named.text).not.toMatch(/local\.(?:get|set|tee) \$\d+\b/);
  });

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
