// Reference LSTM time loop (Keras semantics: gates i, f, c, o; sigmoid gates, tanh cell
// and output). The input projection xw = x·W + b for all time steps is one matmul before
// the loop (the compiler emits it as a dense layer); inside the loop there is one matmul
// per step, h_{t-1}·U, for all four gates. Layouts: xw, acts [B, T, 4u]; hseq, hprev,
// cseq [B, T, u]; U [u, 4u]. No kernel allocates.
//
// A padding mask (`mask` [B, T], 1 at valid steps, 0 at padding; Keras's mask of an
// `embedding(mask_zero=true)`) makes a masked step keep the state: h_t = h_{t−1} and
// c_t = c_{t−1} there, so hseq holds the carried state (the layer zeroes the outputs of
// masked steps afterwards). Its backward lets the gradients of h and c pass such a step
// unchanged and gives its gates none.
import { gemmStrided, gemmNTStrided, type Arr } from "./dense.js";

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * Forward: for t = 0..T−1, z = xw_t + h_{t−1}·U; i, f, o = σ(z_i, z_f, z_o), g = tanh(z_c);
 * c_t = f·c_{t−1} + i·g; h_t = o·tanh(c_t). Saves h_{t−1} (hprev), c_t and the gate
 * activations (acts) for the backward pass. h_{−1} = c_{−1} = 0.
 */
export function lstmScan(
  hseq: Arr,
  hprev: Arr,
  cseq: Arr,
  acts: Arr,
  xw: Arr,
  u: Arr,
  n: number,
  steps: number,
  units: number,
  mask?: Arr,
): void {
  const g4 = 4 * units;
  for (let i = 0; i < n * steps * g4; i++) acts[i] = xw[i];
  for (let t = 0; t < steps; t++) {
    // z_t += h_{t−1} · U for all samples: one matmul per step (rows strided by T·u).
    if (t > 0) gemmStrided(acts, t * g4, steps * g4, hseq, (t - 1) * units, steps * units, u, n, units, g4, true);
    for (let b = 0; b < n; b++) {
      const row = b * steps + t; // (b, t)
      const a = row * g4;
      const s = row * units;
      const keep = mask !== undefined && mask[row] === 0;
      for (let k = 0; k < units; k++) {
        hprev[s + k] = t > 0 ? hseq[s - units + k] : 0;
        const i = sigmoid(acts[a + k]);
        const f = sigmoid(acts[a + units + k]);
        const g = Math.tanh(acts[a + 2 * units + k]);
        const o = sigmoid(acts[a + 3 * units + k]);
        acts[a + k] = i;
        acts[a + units + k] = f;
        acts[a + 2 * units + k] = g;
        acts[a + 3 * units + k] = o;
        const cPrev = t > 0 ? cseq[s - units + k] : 0;
        const c = f * cPrev + i * g;
        cseq[s + k] = keep ? cPrev : c;
        hseq[s + k] = keep ? hprev[s + k] : o * Math.tanh(c);
      }
    }
  }
}

/**
 * Backpropagation through time: given dL/dh_t for every step (dhseq), writes the
 * gradients of the gate pre-activations into dxw [B, T, 4u] (= dL/dxw, since xw enters
 * the gates additively). Inside the loop only dh_{t−1} = dz_t·Uᵀ is a matmul; the weight
 * and input gradients are single GEMMs over all steps afterwards (the compiler emits
 * them). `dh` and `dc` hold the running gradients of h_{t−1} and c_{t−1} for B rows;
 * with a mask, `carry` (B rows of u) holds dh_t of the masked rows across the product.
 */
export function lstmScanGrad(
  dxw: Arr,
  dhseq: Arr,
  u: Arr,
  cseq: Arr,
  acts: Arr,
  dh: Arr,
  dc: Arr,
  n: number,
  steps: number,
  units: number,
  mask?: Arr,
  carry?: Arr,
): void {
  const g4 = 4 * units;
  dh.fill(0, 0, n * units);
  dc.fill(0, 0, n * units);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < n; b++) {
      const row = b * steps + t;
      const a = row * g4;
      const s = row * units;
      const r = b * units;
      if (mask !== undefined && mask[row] === 0) {
        // h_t = h_{t−1}, c_t = c_{t−1}: dh and dc pass on; the gates get nothing.
        for (let k = 0; k < g4; k++) dxw[a + k] = 0;
        for (let k = 0; k < units; k++) carry![r + k] = dhseq[s + k] + dh[r + k];
        continue;
      }
      for (let k = 0; k < units; k++) {
        const i = acts[a + k];
        const f = acts[a + units + k];
        const g = acts[a + 2 * units + k];
        const o = acts[a + 3 * units + k];
        const c = cseq[s + k];
        const tc = Math.tanh(c);
        const dhk = dhseq[s + k] + dh[r + k];
        const dck = dc[r + k] + dhk * o * (1 - tc * tc);
        const cPrev = t > 0 ? cseq[s - units + k] : 0;
        dxw[a + k] = dck * g * i * (1 - i);
        dxw[a + units + k] = dck * cPrev * f * (1 - f);
        dxw[a + 2 * units + k] = dck * i * (1 - g * g);
        dxw[a + 3 * units + k] = dhk * tc * o * (1 - o);
        dc[r + k] = dck * f;
      }
    }
    // dh_{t−1} = dz_t · Uᵀ for all samples: the one matmul inside the backward loop.
    gemmNTStrided(dh, 0, units, dxw, t * g4, steps * g4, u, n, units, g4);
    if (mask !== undefined) {
      for (let b = 0; b < n; b++) {
        if (mask[b * steps + t] !== 0) continue;
        for (let k = 0; k < units; k++) dh[b * units + k] = carry![b * units + k];
      }
    }
  }
}

/** y[b] = x[b, T−1] (the last step of a sequence [B, T, d]). */
export function lastStep(y: Arr, x: Arr, n: number, steps: number, d: number): void {
  for (let b = 0; b < n; b++) {
    const src = (b * steps + steps - 1) * d;
    for (let k = 0; k < d; k++) y[b * d + k] = x[src + k];
  }
}

/** The adjoint of lastStep: dx is zero except at the last step. */
export function lastStepGrad(dx: Arr, dy: Arr, n: number, steps: number, d: number): void {
  dx.fill(0, 0, n * steps * d);
  for (let b = 0; b < n; b++) {
    const dst = (b * steps + steps - 1) * d;
    for (let k = 0; k < d; k++) dx[dst + k] = dy[b * d + k];
  }
}
