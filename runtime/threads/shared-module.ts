// A trainer's kernel module as several threads run it: the same code with its imported
// memory declared shared (one byte of the binary: the memory import's limits flag 0x01,
// "minimum and maximum", becomes 0x03, "minimum, maximum, shared"), and the module's threads
// plan, read from its `dlm.threads` custom section. The kernels use no atomics: threads
// never write the same bytes during a kernel, and the dispatch (pool.ts) orders them.
import { THREADS_SECTION, type ThreadsPlan } from "./plan.js";

interface WasmModuleApi {
  new (bytes: Uint8Array): object;
  customSections(m: object, name: string): ArrayBuffer[];
}
const WA = (globalThis as unknown as { WebAssembly: { Module: WasmModuleApi } }).WebAssembly;

/** The threads plan of a compiled kernel module, or null when it has none (it then runs on one thread). */
export function threadsPlanOf(module: object): ThreadsPlan | null {
  const sections = WA.Module.customSections(module, THREADS_SECTION);
  if (sections.length !== 1) return null;
  const plan = JSON.parse(new TextDecoder().decode(new Uint8Array(sections[0]))) as ThreadsPlan;
  return Object.keys(plan.kernels).length > 0 ? plan : null;
}

function leb(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error("truncated LEB128");
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [value, at];
  }
}

/** A copy of a module's bytes whose imported memory (env.memory, with a maximum) is shared. */
export function sharedMemoryBinary(binary: Uint8Array): Uint8Array {
  const out = binary.slice();
  let at = 8; // magic and version
  while (at < out.length) {
    const id = out[at];
    const [size, body] = leb(out, at + 1);
    if (id === 2) {
      let [count, p] = leb(out, body);
      for (; count > 0; count--) {
        const [modLen, m] = leb(out, p);
        const [nameLen, n] = leb(out, m + modLen);
        p = n + nameLen;
        const kind = out[p++];
        if (kind !== 2) throw new Error("the kernel module imports something other than its memory");
        if (out[p] !== 0x01 && out[p] !== 0x03) throw new Error("the kernel module's memory has no maximum: it cannot be shared");
        out[p] = 0x03;
        return out;
      }
    }
    at = body + size;
  }
  throw new Error("the kernel module imports no memory");
}
