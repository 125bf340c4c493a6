// Builds a kernel module in-process from kernel generators and instantiates it with a
// fresh memory, for the tests of compiler/emit/wasm against the reference kernels.
import { loadBinaryen, type BinaryenApi } from "../../compiler/emit/wasm/binaryen.js";
import type { Mod } from "../../compiler/emit/wasm/fn.js";
import { buildModule, type ModuleOptions } from "../../compiler/emit/wasm/module.js";
import { instantiateKernels, type KernelInstance } from "../../runtime/wasm/instantiate.js";

export type Kernel = (...args: number[]) => number | void;

/** `add` puts the kernels into the module; `memoryBytes` sizes the memory the test lays out. */
export async function kernelModule(add: (b: BinaryenApi, mod: Mod) => void, memoryBytes: number, opts: ModuleOptions = {}): Promise<KernelInstance<Record<string, Kernel>>> {
  const b = await loadBinaryen();
  const built = buildModule(b, (mod) => add(b, mod), opts);
  return instantiateKernels<Record<string, Kernel>>(built.binary, { memoryBytes });
}

export { relL2, assertClose } from "./numerics.js";
