// Reference time loops of the GRU and SimpleRNN layers (Keras semantics), and the time
// reversal of a bidirectional layer's backward direction. As for the LSTM (lstm.ts), the
// input projection xw = x·W (+ b) of all steps is one GEMM before the loop and the weight
// gradients GEMMs after it; only the recurrent products are here. Layouts: xw, acts, dxw,
// drec [B, T, g·u] (g gates); hseq, hprev, rech, dhseq [B, T, u]; U [u, g·u]; mask [B, T].
//
// A padding mask (1 at valid steps, 0 at padding) makes a masked step keep the state,
// h_t = h_{t−1}, so hseq holds the carried state; its backward passes dh on unchanged and
// gives the step's gates no gradient. No kernel allocates.
import { gemmNTStrided, gemmStrided, type Arr } from "./dense.js";

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * GRU forward (Keras, reset_after=true; gates z, r, h): with rec = h_{t−1}·U + b_rec,
 * z = σ(xw_z + rec_z), r = σ(xw_r + rec_r), h̃ = tanh(xw_h + r ⊙ rec_h),
 * h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃, xw = x·W, and `bias` Keras's [2, 3u] (row 0 the
 * input bias, added to xw here; row 1 the recurrent bias, in rec). Saves h_{t−1} (hprev), z, r, h̃ (acts)
 * and rec_h (rech) for the backward pass. `rec` is scratch of B rows of 3u.
 */
export function gruScan(
  hseq: Arr,
  hprev: Arr,
  acts: Arr,
  rech: Arr,
  xw: Arr,
  u: Arr,
  bias: Arr,
  rec: Arr,
  n: number,
  steps: number,
  units: number,
  mask?: Arr,
): void {
  const g3 = 3 * units;
  for (let t = 0; t < steps; t++) {
    if (t > 0) gemmStrided(rec, 0, g3, hseq, (t - 1) * units, steps * units, u, n, units, g3, false);
    else rec.fill(0, 0, n * g3);
    for (let b = 0; b < n; b++) {
      const row = b * steps + t;
      const a = row * g3;
      const s = row * units;
      const q = b * g3;
      const keep = mask !== undefined && mask[row] === 0;
      for (let k = 0; k < units; k++) {
        const hp = t > 0 ? hseq[s - units + k] : 0;
        hprev[s + k] = hp;
        const z = sigmoid(xw[a + k] + bias[k] + rec[q + k] + bias[g3 + k]);
        const r = sigmoid(xw[a + units + k] + bias[units + k] + rec[q + units + k] + bias[g3 + units + k]);
        const rh = rec[q + 2 * units + k] + bias[g3 + 2 * units + k];
        const hh = Math.tanh(xw[a + 2 * units + k] + bias[2 * units + k] + r * rh);
        acts[a + k] = z;
        acts[a + units + k] = r;
        acts[a + 2 * units + k] = hh;
        rech[s + k] = rh;
        hseq[s + k] = keep ? hp : z * hp + (1 - z) * hh;
      }
    }
  }
}

/**
 * GRU backpropagation through time: given dL/dh_t for every step (dhseq), writes the
 * gradients of the input pre-activations into dxw (da_z, da_r, da_h); those of the
 * recurrent pre-activations rec are (da_z, da_r, r ⊙ da_h) (gruRecGrad), dU = hprevᵀ·drec,
 * and the biases' gradients the column sums of dxw and drec. `drec` is scratch (B rows of
 * 3u, one step's), `dh` the running gradient of h_{t−1} (B rows of u), `carry` the part of
 * it that does not pass through U.
 */
export function gruScanGrad(
  dxw: Arr,
  dhseq: Arr,
  u: Arr,
  hprev: Arr,
  acts: Arr,
  rech: Arr,
  drec: Arr,
  dh: Arr,
  carry: Arr,
  n: number,
  steps: number,
  units: number,
  mask?: Arr,
): void {
  const g3 = 3 * units;
  dh.fill(0, 0, n * units);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < n; b++) {
      const row = b * steps + t;
      const a = row * g3;
      const s = row * units;
      const r0 = b * units;
      const q = b * g3;
      const keep = mask !== undefined && mask[row] === 0;
      for (let k = 0; k < units; k++) {
        const dht = dhseq[s + k] + dh[r0 + k];
        if (keep) {
          dxw[a + k] = dxw[a + units + k] = dxw[a + 2 * units + k] = 0;
          drec[q + k] = drec[q + units + k] = drec[q + 2 * units + k] = 0;
          carry[r0 + k] = dht;
          continue;
        }
        const z = acts[a + k];
        const r = acts[a + units + k];
        const hh = acts[a + 2 * units + k];
        const dah = dht * (1 - z) * (1 - hh * hh);
        const daz = dht * (hprev[s + k] - hh) * z * (1 - z);
        const dar = dah * rech[s + k] * r * (1 - r);
        dxw[a + k] = daz;
        dxw[a + units + k] = dar;
        dxw[a + 2 * units + k] = dah;
        drec[q + k] = daz;
        drec[q + units + k] = dar;
        drec[q + 2 * units + k] = dah * r;
        carry[r0 + k] = dht * z;
      }
    }
    // dh_{t−1} = z ⊙ dh_t + drec_t · Uᵀ (a masked row: dh_t).
    gemmNTStrided(dh, 0, units, drec, 0, g3, u, n, units, g3);
    for (let i = 0; i < n * units; i++) dh[i] += carry[i];
  }
}

/** drec = dxw with the candidate's third scaled by r (acts' second third): the gradients of rec = h·U + b_rec. */
export function gruRecGrad(drec: Arr, dxw: Arr, acts: Arr, rows: number, units: number): void {
  const g3 = 3 * units;
  for (let i = 0; i < rows; i++) {
    const a = i * g3;
    for (let k = 0; k < 2 * units; k++) drec[a + k] = dxw[a + k];
    for (let k = 0; k < units; k++) drec[a + 2 * units + k] = dxw[a + 2 * units + k] * acts[a + units + k];
  }
}

/** The GRU bias's gradient [2, 3u]: the column sums of dxw (row 0) and drec (row 1), `rows` rows each. */
export function gruBiasGrad(db: Arr, dxw: Arr, drec: Arr, rows: number, g3: number): void {
  db.fill(0, 0, 2 * g3);
  for (let i = 0; i < rows; i++) {
    const o = i * g3;
    for (let j = 0; j < g3; j++) {
      db[j] += dxw[o + j];
      db[g3 + j] += drec[o + j];
    }
  }
}

/** The activations a SimpleRNN may use, by code: 0 tanh, 1 relu, 2 sigmoid, 3 linear. */
const rnnAct = (code: number, v: number): number =>
  code === 0 ? Math.tanh(v) : code === 1 ? (v > 0 ? v : 0) : code === 2 ? sigmoid(v) : v;
/** Its derivative from the output y. */
const rnnActGrad = (code: number, y: number): number =>
  code === 0 ? 1 - y * y : code === 1 ? (y > 0 ? 1 : 0) : code === 2 ? y * (1 - y) : 1;

/**
 * SimpleRNN forward (Keras): h_t = act(xw_t + h_{t−1}·U), xw = x·W + b. Saves h_{t−1}
 * (hprev); `pre` is scratch of B rows of u.
 */
export function simpleRnnScan(
  hseq: Arr,
  hprev: Arr,
  xw: Arr,
  u: Arr,
  pre: Arr,
  n: number,
  steps: number,
  units: number,
  act: number,
  mask?: Arr,
): void {
  for (let t = 0; t < steps; t++) {
    if (t > 0) gemmStrided(pre, 0, units, hseq, (t - 1) * units, steps * units, u, n, units, units, false);
    else pre.fill(0, 0, n * units);
    for (let b = 0; b < n; b++) {
      const row = b * steps + t;
      const s = row * units;
      const keep = mask !== undefined && mask[row] === 0;
      for (let k = 0; k < units; k++) {
        const hp = t > 0 ? hseq[s - units + k] : 0;
        hprev[s + k] = hp;
        hseq[s + k] = keep ? hp : rnnAct(act, xw[s + k] + pre[b * units + k]);
      }
    }
  }
}

/** SimpleRNN backpropagation through time: dxw = dL/d(pre-activation); dU = hprevᵀ·dxw afterwards. */
export function simpleRnnScanGrad(
  dxw: Arr,
  dhseq: Arr,
  u: Arr,
  hseq: Arr,
  dh: Arr,
  carry: Arr,
  n: number,
  steps: number,
  units: number,
  act: number,
  mask?: Arr,
): void {
  dh.fill(0, 0, n * units);
  for (let t = steps - 1; t >= 0; t--) {
    for (let b = 0; b < n; b++) {
      const row = b * steps + t;
      const s = row * units;
      const r0 = b * units;
      const keep = mask !== undefined && mask[row] === 0;
      for (let k = 0; k < units; k++) {
        const dht = dhseq[s + k] + dh[r0 + k];
        dxw[s + k] = keep ? 0 : dht * rnnActGrad(act, hseq[s + k]);
        carry[r0 + k] = keep ? dht : 0;
      }
    }
    gemmNTStrided(dh, 0, units, dxw, t * units, steps * units, u, n, units, units);
    for (let i = 0; i < n * units; i++) dh[i] += carry[i];
  }
}

/** y[b, t] = x[b, T−1−t] for a sequence [B, T, d] (its own adjoint). */
export function reverseSteps(y: Arr, x: Arr, n: number, steps: number, d: number): void {
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < steps; t++) {
      const dst = (b * steps + t) * d;
      const src = (b * steps + steps - 1 - t) * d;
      for (let k = 0; k < d; k++) y[dst + k] = x[src + k];
    }
  }
}
