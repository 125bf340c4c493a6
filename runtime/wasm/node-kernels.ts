// The Node side of loading a trainer's kernels (a compiled trainer for the node target imports
// this file; a browser trainer imports trainer-memory.ts alone): the .wasm files beside the
// trainer read with node:fs, and the variant asked for in this process — the environment
// variable DLM_WASM_VARIANT=simd128|relaxed, else `--wasm-variant simd128|relaxed` on node's
// command line (a compiled trainer run as a script), else what `dlm train --wasm-variant`
// set, else SIMD128. Relaxed SIMD is never picked by feature detection: its fused
// multiply-adds change the bits, and the default must train alike on every engine.
import { readFile } from "node:fs/promises";
import { loadKernelModule, type KernelVariant, type LoadedKernels } from "./trainer-memory.js";
import { hasRelaxedSimd } from "./instantiate.js";

export { instantiate } from "./trainer-memory.js";

let preferred: KernelVariant | undefined;

/** `dlm train --wasm-variant V`: the variant the trainers this process loads get (undefined: back to the default). */
export function preferKernelVariant(v: KernelVariant | undefined): void {
  preferred = v;
}

/** The value of `--wasm-variant V` (or `--wasm-variant=V`) in `argv`, if any. */
export function variantFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--") return undefined;
    if (argv[i] === "--wasm-variant") return argv[i + 1] ?? "";
    if (argv[i].startsWith("--wasm-variant=")) return argv[i].slice("--wasm-variant=".length);
  }
  return undefined;
}

/** The variant asked for, or why the request cannot be met. */
export function requestedVariant(): { readonly variant: KernelVariant } | { readonly error: string } {
  const env = process.env.DLM_WASM_VARIANT;
  const flag = variantFlag(process.argv.slice(2));
  const [asked, where] = env !== undefined ? [env, "DLM_WASM_VARIANT"] : flag !== undefined ? [flag, "--wasm-variant"] : [preferred, ""];
  if (asked === undefined) return { variant: "simd128" };
  if (asked !== "simd128" && asked !== "relaxed") return { error: `${where} must be simd128 or relaxed, not '${asked}'` };
  if (asked === "relaxed" && !hasRelaxedSimd())
    return {
      error: `${where || "--wasm-variant"} relaxed: this engine does not accept relaxed SIMD (node 20: --experimental-wasm-relaxed-simd)`,
    };
  return { variant: asked };
}

/** Loads a node trainer's kernel module (see loadKernelModule) with the variant this process asks for. */
export async function loadKernelFiles(url: URL, relaxedUrl: URL | undefined, kernels: readonly string[]): Promise<LoadedKernels> {
  const asked = requestedVariant();
  if ("error" in asked) return asked;
  if (asked.variant === "relaxed" && !relaxedUrl)
    return { error: "relaxed SIMD was asked for, but this trainer was compiled without its relaxed-SIMD module" };
  const read = async (u: URL): Promise<Uint8Array> => {
    if (u.protocol === "file:") return readFile(u);
    const response = await fetch(u);
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { code: `HTTP ${response.status}` });
    return new Uint8Array(await response.arrayBuffer());
  };
  return loadKernelModule(url, relaxedUrl, kernels, { variant: asked.variant }, read);
}
