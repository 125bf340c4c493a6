// Reference matrix kernels (the TypeScript backend). Row-major; `rows` counts the
// flattened leading dimensions at run time (n ≤ B valid batch rows × any middle dims).
// Loops keep the innermost index contiguous and skip zero multipliers (ReLU outputs and
// MNIST pixels are mostly zero). No kernel allocates.
export type Arr = Float32Array | Float64Array;

/** out[rows, m] = x[rows, k] · w[k, m] (+ bias[m]). */
export function matmul(out: Arr, x: Arr, w: Arr, bias: Arr | null, rows: number, k: number, m: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * m;
    if (bias) for (let j = 0; j < m; j++) out[o + j] = bias[j];
    else for (let j = 0; j < m; j++) out[o + j] = 0;
    const xr = r * k;
    for (let i = 0; i < k; i++) {
      const xv = x[xr + i];
      if (xv === 0) continue;
      const wr = i * m;
      for (let j = 0; j < m; j++) out[o + j] += xv * w[wr + j];
    }
  }
}

/** out[rows, k] = a[rows, m] · b[k, m]ᵀ (the input gradient of a dense layer: dY · Wᵀ). */
export function matmulNT(out: Arr, a: Arr, b: Arr, rows: number, k: number, m: number): void {
  for (let r = 0; r < rows; r++) {
    const ar = r * m;
    const o = r * k;
    for (let i = 0; i < k; i++) {
      const br = i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += a[ar + j] * b[br + j];
      out[o + i] = s;
    }
  }
}

/** out[k, m] = a[rows, k]ᵀ · b[rows, m] (the kernel gradient of a dense layer: Xᵀ · dY). */
export function matmulTN(out: Arr, a: Arr, b: Arr, rows: number, k: number, m: number): void {
  out.fill(0, 0, k * m);
  for (let i = 0; i < k; i++) {
    const o = i * m;
    for (let r = 0; r < rows; r++) {
      const av = a[r * k + i];
      if (av === 0) continue;
      const br = r * m;
      for (let j = 0; j < m; j++) out[o + j] += av * b[br + j];
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
