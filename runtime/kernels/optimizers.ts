// Optimizer updates over a contiguous range [off, off + len) of the flat buffers.
// SGD in PyTorch's buffer form; Adam bias-corrected with ε added to √v̂ (PyTorch's
// placement). `t` is the 1-based step count of this optimizer.
import type { Arr } from "./dense.js";

export function sgd(w: Arr, g: Arr, buf: Arr | null, off: number, len: number, lr: number, momentum: number, nesterov: boolean): void {
  const end = off + len;
  if (momentum === 0 || buf === null) {
    for (let i = off; i < end; i++) w[i] -= lr * g[i];
    return;
  }
  for (let i = off; i < end; i++) {
    const b = momentum * buf[i] + g[i];
    buf[i] = b;
    w[i] -= lr * (nesterov ? g[i] + momentum * b : b);
  }
}

export function adam(
  w: Arr,
  g: Arr,
  m: Arr,
  v: Arr,
  off: number,
  len: number,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  t: number,
): void {
  const c1 = 1 - Math.pow(beta1, t);
  const c2 = 1 - Math.pow(beta2, t);
  const end = off + len;
  for (let i = off; i < end; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}

/** Index of the first non-finite entry among the first `count`, or −1. */
export function firstNonFinite(x: Arr, count: number): number {
  for (let i = 0; i < count; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}
