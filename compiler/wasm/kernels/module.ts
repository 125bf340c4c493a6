// One kernel module: features, the imported memory, validation, binaryen's optimizer and
// the outputs (binary, optionally WAT, where parameters and locals have names). Kernel
// generators (gemm.ts, elementwise.ts, conv.ts, lstm.ts, …) each add exported functions to
// the module passed to `add`.
import type { BinaryenApi } from "./binaryen.js";
import { nameLocals, type Mod } from "./fn.js";

export interface ModuleOptions {
  /** Initial pages (64 KiB) of the imported memory env.memory; the instantiator may give more. */
  readonly minPages?: number;
  /** binaryen's optimize level (default 3); 0 skips optimization. */
  readonly optimizeLevel?: number;
  /** Also print the module as WAT (after optimization). */
  readonly text?: boolean;
  /** Enable relaxed SIMD (f32x4.relaxed_madd): the variant chosen by feature detection. */
  readonly relaxed?: boolean;
}

export interface EmittedModule {
  readonly binary: Uint8Array;
  readonly text?: string;
  readonly exports: readonly string[];
}

/** Builds, validates, optimizes and emits a module whose memory is imported as env.memory. */
export function buildModule(b: BinaryenApi, add: (mod: Mod) => void, opts: ModuleOptions = {}): EmittedModule {
  const mod = new b.Module();
  try {
    mod.setFeatures(b.Features.MVP | b.Features.SIMD128 | (opts.relaxed ? b.Features.RelaxedSIMD : 0));
    mod.setMemory(opts.minPages ?? 1, 65536, null, [], false, false, "memory");
    mod.addMemoryImport("memory", "env", "memory");
    add(mod);
    if (!mod.validate()) throw new Error("binaryen: the generated kernel module does not validate");
    const level = opts.optimizeLevel ?? 3;
    if (level > 0) {
      b.setOptimizeLevel(level);
      b.setShrinkLevel(0);
      mod.optimize();
      if (!mod.validate()) throw new Error("binaryen: the optimized kernel module does not validate");
    }
    const exports: string[] = [];
    for (let i = 0; i < mod.getNumExports(); i++) exports.push(b.getExportInfo(mod.getExportByIndex(i)).name);
    const binary = mod.emitBinary();
    // Names for the text only, after the binary is out (tests/backend/wat.test.ts checks it is the same without).
    if (opts.text) nameLocals(b, mod);
    return { binary, text: opts.text ? mod.emitText() : undefined, exports };
  } finally {
    mod.dispose();
  }
}
