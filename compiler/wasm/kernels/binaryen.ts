// binaryen (npm `binaryen`, ~15 MB of JavaScript + wasm, ~2 s to load) is a compile-time
// dependency only: it loads here, on first use, so `dlm check` and the compiled trainers
// never pay for it. Everything else in compiler/wasm/kernels takes the loaded namespace as
// an argument and imports binaryen's types only.
import type Binaryen from "binaryen";

export type BinaryenApi = typeof Binaryen;

let loading: Promise<BinaryenApi> | undefined;

/** Loads binaryen once per process (its module initialization awaits its own wasm). */
export function loadBinaryen(): Promise<BinaryenApi> {
  loading ??= import("binaryen").then((m) => m.default);
  return loading;
}
