// Reference matrix kernels (the TypeScript backend). Row-major. `rows` counts the
// flattened leading dimensions at run time (n ≤ B valid batch rows × any middle dims).
// Each product runs in 4×4 register blocks (16 accumulators, 8 loads per 16 multiply-adds),
// which is what makes plain JavaScript reach ~1.5 GFLOP/s here; edges fall back to scalar
// loops. The *Strided forms take offsets and row strides so that the LSTM's per-step
// products can read one time step out of [B, T, ·] sequences. No kernel allocates.
export type Arr = Float32Array | Float64Array;

/** C[r, j] (+)= Σ_i A[r, i] · B[i, j] for r < m, j < n, i < k; B is [k, n] contiguous. */
export function gemmStrided(
  c: Arr,
  cOff: number,
  ldc: number,
  a: Arr,
  aOff: number,
  lda: number,
  b: Arr,
  m: number,
  k: number,
  n: number,
  accumulate: boolean,
): void {
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const a0 = aOff + r * lda,
      a1 = a0 + lda,
      a2 = a1 + lda,
      a3 = a2 + lda;
    const o0 = cOff + r * ldc,
      o1 = o0 + ldc,
      o2 = o1 + ldc,
      o3 = o2 + ldc;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let i = 0, bi = j; i < k; i++, bi += n) {
        const b0 = b[bi],
          b1 = b[bi + 1],
          b2 = b[bi + 2],
          b3 = b[bi + 3];
        const x0 = a[a0 + i],
          x1 = a[a1 + i],
          x2 = a[a2 + i],
          x3 = a[a3 + i];
        c00 += x0 * b0;
        c01 += x0 * b1;
        c02 += x0 * b2;
        c03 += x0 * b3;
        c10 += x1 * b0;
        c11 += x1 * b1;
        c12 += x1 * b2;
        c13 += x1 * b3;
        c20 += x2 * b0;
        c21 += x2 * b1;
        c22 += x2 * b2;
        c23 += x2 * b3;
        c30 += x3 * b0;
        c31 += x3 * b1;
        c32 += x3 * b2;
        c33 += x3 * b3;
      }
      if (accumulate) {
        c[o0 + j] += c00;
        c[o0 + j + 1] += c01;
        c[o0 + j + 2] += c02;
        c[o0 + j + 3] += c03;
        c[o1 + j] += c10;
        c[o1 + j + 1] += c11;
        c[o1 + j + 2] += c12;
        c[o1 + j + 3] += c13;
        c[o2 + j] += c20;
        c[o2 + j + 1] += c21;
        c[o2 + j + 2] += c22;
        c[o2 + j + 3] += c23;
        c[o3 + j] += c30;
        c[o3 + j + 1] += c31;
        c[o3 + j + 2] += c32;
        c[o3 + j + 3] += c33;
      } else {
        c[o0 + j] = c00;
        c[o0 + j + 1] = c01;
        c[o0 + j + 2] = c02;
        c[o0 + j + 3] = c03;
        c[o1 + j] = c10;
        c[o1 + j + 1] = c11;
        c[o1 + j + 2] = c12;
        c[o1 + j + 3] = c13;
        c[o2 + j] = c20;
        c[o2 + j + 1] = c21;
        c[o2 + j + 2] = c22;
        c[o2 + j + 3] = c23;
        c[o3 + j] = c30;
        c[o3 + j + 1] = c31;
        c[o3 + j + 2] = c32;
        c[o3 + j + 3] = c33;
      }
    }
    for (; j < n; j++) {
      for (let q = 0; q < 4; q++) {
        const ar = aOff + (r + q) * lda;
        let s = 0;
        for (let i = 0; i < k; i++) s += a[ar + i] * b[i * n + j];
        const o = cOff + (r + q) * ldc + j;
        c[o] = accumulate ? c[o] + s : s;
      }
    }
  }
  for (; r < m; r++) {
    const ar = aOff + r * lda;
    const o = cOff + r * ldc;
    if (!accumulate) for (let j = 0; j < n; j++) c[o + j] = 0;
    for (let i = 0; i < k; i++) {
      const x = a[ar + i];
      if (x === 0) continue;
      const bi = i * n;
      for (let j = 0; j < n; j++) c[o + j] += x * b[bi + j];
    }
  }
}

/** C[r, i] = Σ_j A[r, j] · B[i, j] for r < m, i < k, j < n (A · Bᵀ, B is [k, n] contiguous). */
export function gemmNTStrided(
  c: Arr,
  cOff: number,
  ldc: number,
  a: Arr,
  aOff: number,
  lda: number,
  b: Arr,
  m: number,
  k: number,
  n: number,
): void {
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    const a0 = aOff + r * lda,
      a1 = a0 + lda,
      a2 = a1 + lda,
      a3 = a2 + lda;
    const o0 = cOff + r * ldc,
      o1 = o0 + ldc,
      o2 = o1 + ldc,
      o3 = o2 + ldc;
    let i = 0;
    for (; i + 4 <= k; i += 4) {
      const b0 = i * n,
        b1 = b0 + n,
        b2 = b1 + n,
        b3 = b2 + n;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let j = 0; j < n; j++) {
        const y0 = b[b0 + j],
          y1 = b[b1 + j],
          y2 = b[b2 + j],
          y3 = b[b3 + j];
        const x0 = a[a0 + j],
          x1 = a[a1 + j],
          x2 = a[a2 + j],
          x3 = a[a3 + j];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      c[o0 + i] = c00;
      c[o0 + i + 1] = c01;
      c[o0 + i + 2] = c02;
      c[o0 + i + 3] = c03;
      c[o1 + i] = c10;
      c[o1 + i + 1] = c11;
      c[o1 + i + 2] = c12;
      c[o1 + i + 3] = c13;
      c[o2 + i] = c20;
      c[o2 + i + 1] = c21;
      c[o2 + i + 2] = c22;
      c[o2 + i + 3] = c23;
      c[o3 + i] = c30;
      c[o3 + i + 1] = c31;
      c[o3 + i + 2] = c32;
      c[o3 + i + 3] = c33;
    }
    for (; i < k; i++) {
      const bi = i * n;
      for (let q = 0; q < 4; q++) {
        const ar = aOff + (r + q) * lda;
        let s = 0;
        for (let j = 0; j < n; j++) s += a[ar + j] * b[bi + j];
        c[cOff + (r + q) * ldc + i] = s;
      }
    }
  }
  for (; r < m; r++) {
    const ar = aOff + r * lda;
    for (let i = 0; i < k; i++) {
      const bi = i * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += a[ar + j] * b[bi + j];
      c[cOff + r * ldc + i] = s;
    }
  }
}

/** out[rows, m] = x[rows, k] · w[k, m] (+ bias[m]). */
export function matmul(out: Arr, x: Arr, w: Arr, bias: Arr | null, rows: number, k: number, m: number): void {
  gemmStrided(out, 0, m, x, 0, k, w, rows, k, m, false);
  if (bias) {
    for (let r = 0; r < rows; r++) {
      const o = r * m;
      for (let j = 0; j < m; j++) out[o + j] += bias[j];
    }
  }
}

/** out[rows, k] = a[rows, m] · b[k, m]ᵀ (the input gradient of a dense layer: dY · Wᵀ). */
export function matmulNT(out: Arr, a: Arr, b: Arr, rows: number, k: number, m: number): void {
  gemmNTStrided(out, 0, k, a, 0, m, b, rows, k, m);
}

/** out[k, m] = a[rows, k]ᵀ · b[rows, m] (the kernel gradient of a dense layer: Xᵀ · dY). */
export function matmulTN(out: Arr, a: Arr, b: Arr, rows: number, k: number, m: number): void {
  let i = 0;
  for (; i + 4 <= k; i += 4) {
    const o0 = i * m,
      o1 = o0 + m,
      o2 = o1 + m,
      o3 = o2 + m;
    let j = 0;
    for (; j + 4 <= m; j += 4) {
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0;
      let c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let r = 0, ar = i, br = j; r < rows; r++, ar += k, br += m) {
        const x0 = a[ar],
          x1 = a[ar + 1],
          x2 = a[ar + 2],
          x3 = a[ar + 3];
        const y0 = b[br],
          y1 = b[br + 1],
          y2 = b[br + 2],
          y3 = b[br + 3];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      out[o0 + j] = c00;
      out[o0 + j + 1] = c01;
      out[o0 + j + 2] = c02;
      out[o0 + j + 3] = c03;
      out[o1 + j] = c10;
      out[o1 + j + 1] = c11;
      out[o1 + j + 2] = c12;
      out[o1 + j + 3] = c13;
      out[o2 + j] = c20;
      out[o2 + j + 1] = c21;
      out[o2 + j + 2] = c22;
      out[o2 + j + 3] = c23;
      out[o3 + j] = c30;
      out[o3 + j + 1] = c31;
      out[o3 + j + 2] = c32;
      out[o3 + j + 3] = c33;
    }
    for (; j < m; j++) {
      for (let q = 0; q < 4; q++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += a[r * k + i + q] * b[r * m + j];
        out[(i + q) * m + j] = s;
      }
    }
  }
  for (; i < k; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) out[o + j] = 0;
    for (let r = 0; r < rows; r++) {
      const x = a[r * k + i];
      if (x === 0) continue;
      const br = r * m;
      for (let j = 0; j < m; j++) out[o + j] += x * b[br + j];
    }
  }
}

/** out[cols] = Σ_rows dy[rows, cols] (bias gradients; any suffix reduction). */
export function sumRows(out: Arr, dy: Arr, rows: number, cols: number): void {
  out.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let j = 0; j < cols; j++) out[j] += dy[o + j];
  }
}
