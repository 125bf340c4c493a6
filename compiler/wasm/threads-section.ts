// The threads plan of a trainer's kernel module (runtime/threads/plan.ts: which kernels
// threads may split, and how) as a custom section appended to the module's binary, where the
// runtime reads it (WebAssembly.Module.customSections). A section the engine ignores: the
// module computes the same with or without it, and its text form (`--emit wat`) omits it.
import { THREADS_SECTION, type ThreadsPlan } from "../../runtime/threads/plan.js";

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** `binary` with the plan appended as the custom section `dlm.threads` (JSON); unchanged when nothing is split. */
export function withThreadsSection(binary: Uint8Array, plan: ThreadsPlan | undefined): Uint8Array {
  if (!plan || Object.keys(plan.kernels).length === 0) return binary;
  const name = new TextEncoder().encode(THREADS_SECTION);
  const payload = new TextEncoder().encode(JSON.stringify(plan));
  const body = [...leb(name.length), ...name, ...payload];
  const section = Uint8Array.from([0, ...leb(body.length), ...body]);
  const out = new Uint8Array(binary.length + section.length);
  out.set(binary);
  out.set(section, binary.length);
  return out;
}
