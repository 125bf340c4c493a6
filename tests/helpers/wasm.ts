// Builds a kernel module in-process from kernel generators and instantiates it with a
// fresh memory, for the tests of compiler/wasm/kernels against the reference kernels.
import { loadBinaryen, type BinaryenApi } from "../../compiler/wasm/kernels/binaryen.js";
import type { Mod } from "../../compiler/wasm/kernels/fn.js";
import { buildModule, type ModuleOptions } from "../../compiler/wasm/kernels/module.js";
import { instantiateKernels, type KernelInstance } from "../../runtime/wasm/instantiate.js";

export type Kernel = (...args: number[]) => number | void;

/** `add` puts the kernels into the module; `memoryBytes` sizes the memory the test lays out. */
export async function kernelModule(
  add: (b: BinaryenApi, mod: Mod) => void,
  memoryBytes: number,
  opts: ModuleOptions = {},
): Promise<KernelInstance<Record<string, Kernel>>> {
  const b = await loadBinaryen();
  const built = buildModule(b, (mod) => add(b, mod), opts);
  return instantiateKernels<Record<string, Kernel>>(built.binary, { memoryBytes });
}

export { relL2, assertClose } from "./numerics.js";

/** One call of a kernel in a test: its parameters by name, inputs, and output lengths. */
export interface KernelCall {
  readonly fn: string;
  readonly params: readonly string[];
  readonly n?: number;
  readonly ins: Readonly<Record<string, Float32Array | Int32Array>>;
  /** Floats of each output. */
  readonly outs: Readonly<Record<string, number>>;
  /** The input placed flush against the end of memory (a read past its end would trap). */
  readonly atEnd?: string;
}

export interface KernelResult {
  readonly outs: Record<string, Float32Array>;
  readonly ret: number | void;
}

const GUARD = 7777;
const GARBAGE = -5555.5;

/**
 * Lays out the call's buffers (16-byte aligned, from byte 64; `atEnd` flush against the end
 * of `memBytes`), fills every output with garbage between guard words, calls the kernel,
 * and fails when it wrote outside an output.
 */
export function callKernel(k: KernelInstance<Record<string, Kernel>>, memBytes: number, c: KernelCall): KernelResult {
  let top = 64;
  const alloc = (bytes: number) => {
    const at = Math.ceil(top / 16) * 16;
    top = at + bytes;
    return at;
  };
  const args: number[] = [];
  const outs: [string, number, number][] = [];
  for (const p of c.params) {
    if (p === "n") args.push(c.n ?? 0);
    else if (p in c.ins) {
      const data = c.ins[p];
      const at = c.atEnd === p ? memBytes - data.length * 4 : alloc(data.length * 4);
      (data instanceof Int32Array ? new Int32Array(k.memory.buffer, at, data.length) : k.f32(at, data.length)).set(data as never);
      args.push(at);
    } else if (p in c.outs) {
      const len = c.outs[p];
      const g0 = alloc(16 + len * 4 + 16);
      k.f32(g0, 4).fill(GUARD);
      k.f32(g0 + 16, len).fill(GARBAGE);
      k.f32(g0 + 16 + len * 4, 4).fill(GUARD);
      outs.push([p, g0 + 16, len]);
      args.push(g0 + 16);
    } else throw new Error(`${c.fn}: no value for parameter ${p}`);
  }
  if (top > memBytes - (1 << 20)) throw new Error("test layout too large");
  const ret = (k.exports[c.fn] as Kernel)(...args);
  const res: Record<string, Float32Array> = {};
  for (const [p, at, len] of outs) {
    const before = [...k.f32(at - 16, 4)];
    const after = [...k.f32(at + len * 4, 4)];
    if (before.some((v) => v !== GUARD) || after.some((v) => v !== GUARD))
      throw new Error(`${c.fn}: wrote outside ${p} (n=${c.n}): ${before} | ${after}`);
    res[p] = k.f32(at, len).slice();
  }
  return { outs: res, ret };
}

const sameValue = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** callKernel with the normal layout, then with each input flush against the end of memory: the results must be identical. */
export function callKernelAllLayouts(k: KernelInstance<Record<string, Kernel>>, memBytes: number, c: KernelCall): KernelResult {
  const res = callKernel(k, memBytes, c);
  for (const name of Object.keys(c.ins)) {
    const again = callKernel(k, memBytes, { ...c, atEnd: name });
    if (typeof res.ret === "number" && !sameValue(res.ret, again.ret as number)) throw new Error(`${c.fn}: result depends on layout`);
    for (const o of Object.keys(res.outs)) {
      const [a, b] = [res.outs[o], again.outs[o]];
      if (a.length !== b.length || !a.every((v, i) => sameValue(v, b[i]))) throw new Error(`${c.fn}: result depends on layout`);
    }
  }
  return res;
}
