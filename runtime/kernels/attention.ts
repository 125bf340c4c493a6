// Reference kernels of batched matrix products, multi-head attention and learned position
// embeddings (compiler/ops/batch-matmul.ts, compiler/ops/attention.ts). Plain loops over
// row-major buffers; the WebAssembly kernels compute the same in f32 with the GEMM tiles.
type Arr = Float32Array | Float64Array;

/**
 * One product per index of the leading axes `dims` (0: the batch, n at run time), the
 * operands advancing by their element strides per axis (0 where an operand broadcasts):
 *
 *   kind 0 (nn)  C[m, n] (+)= A[m, k] · B[k, n]
 *   kind 1 (nt)  C[m, k] (+)= A[m, n] · B[k, n]ᵀ
 *   kind 2 (tn)  C[k, n] (+)= A[m, k]ᵀ · B[m, n]
 *
 * `zero`: C (cSize elements per batch row) is cleared first and every product adds to it
 * (C broadcasts along some axis: a gradient summed over it).
 */
export interface BatchGemmGeom {
  readonly kind: 0 | 1 | 2;
  readonly dims: readonly number[];
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly c: readonly number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly zero: boolean;
  readonly cSize: number;
  readonly cBatched: boolean;
}

export function batchGemm(c: Arr, a: Arr, b: Arr, rows: number, g: BatchGemmGeom): void {
  const { m, k, n, kind, dims } = g;
  if (g.zero) c.fill(0, 0, g.cSize * (g.cBatched ? rows : 1));
  let count = 1;
  for (const d of dims) count *= d === 0 ? rows : d;
  for (let idx = 0; idx < count; idx++) {
    let rest = idx;
    let ao = 0;
    let bo = 0;
    let co = 0;
    for (let ax = dims.length - 1; ax >= 0; ax--) {
      const d = dims[ax] === 0 ? rows : dims[ax];
      const i = ax === 0 ? rest : rest % d;
      rest = ax === 0 ? 0 : Math.floor(rest / d);
      ao += i * g.a[ax];
      bo += i * g.b[ax];
      co += i * g.c[ax];
    }
    if (kind === 0) {
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[ao + i * k + p] * b[bo + p * n + j];
          c[co + i * n + j] = g.zero ? c[co + i * n + j] + s : s;
        }
    } else if (kind === 1) {
      for (let i = 0; i < m; i++)
        for (let j = 0; j < k; j++) {
          let s = 0;
          for (let p = 0; p < n; p++) s += a[ao + i * n + p] * b[bo + j * n + p];
          c[co + i * k + j] = g.zero ? c[co + i * k + j] + s : s;
        }
    } else {
      for (let i = 0; i < k; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < m; p++) s += a[ao + p * k + i] * b[bo + p * n + j];
          c[co + i * n + j] = g.zero ? c[co + i * n + j] + s : s;
        }
    }
  }
}

/**
 * Attention over heads laid out as Keras's projections give them: q [n, t, heads·kd],
 * k [n, s, heads·kd], v [n, s, heads·vd] (head h at columns h·kd..). Per (sample, head):
 * scores = scale · q·kᵀ, causal: query i sees keys j ≤ i, softmax over the keys, · v.
 */
export interface AttentionGeom {
  readonly t: number;
  readonly s: number;
  readonly heads: number;
  readonly kd: number;
  readonly vd: number;
  readonly causal: boolean;
  readonly scale: number;
}

/**
 * o [n, t, heads·vd] and the softmax's log-sum-exp lse [n, t, heads] (kept for the gradient);
 * `mask` (dropout: [n, heads, t, s]) multiplies the probabilities; `p`: s scratch values.
 */
export function attention(o: Arr, lse: Arr, q: Arr, k: Arr, v: Arr, mask: Arr | null, rows: number, g: AttentionGeom, p: Arr): void {
  const { t, s, heads, kd, vd, scale } = g;
  const qw = heads * kd;
  const vw = heads * vd;
  for (let b = 0; b < rows; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < t; i++) {
        const qo = (b * t + i) * qw + h * kd;
        const lim = g.causal ? Math.min(i + 1, s) : s;
        let mx = -Infinity;
        for (let j = 0; j < lim; j++) {
          const ko = (b * s + j) * qw + h * kd;
          let dot = 0;
          for (let c = 0; c < kd; c++) dot += q[qo + c] * k[ko + c];
          p[j] = dot * scale;
          if (p[j] > mx) mx = p[j];
        }
        let sum = 0;
        for (let j = 0; j < lim; j++) {
          p[j] = Math.exp(p[j] - mx);
          sum += p[j];
        }
        lse[(b * t + i) * heads + h] = mx + Math.log(sum);
        const oo = (b * t + i) * vw + h * vd;
        for (let c = 0; c < vd; c++) o[oo + c] = 0;
        for (let j = 0; j < lim; j++) {
          const w = (p[j] / sum) * (mask ? mask[((b * heads + h) * t + i) * s + j] : 1);
          const vo = (b * s + j) * vw + h * vd;
          for (let c = 0; c < vd; c++) o[oo + c] += w * v[vo + c];
        }
      }
}

/**
 * The gradients of q, k and v, packed per sample as [t·heads·kd | s·heads·kd | s·heads·vd]
 * in `d` (the layout of the attention op's gradient), from do (the output's gradient) and
 * the forward's o and lse: P = exp(scale·q·kᵀ − lse), dv = (P ⊙ mask)ᵀ·do,
 * dS = P ⊙ ((do·vᵀ) ⊙ mask − rowsum(do ⊙ o)), dq = scale · dS·k, dk = scale · dSᵀ·q.
 */
export function attentionGrad(
  d: Arr,
  dout: Arr,
  q: Arr,
  k: Arr,
  v: Arr,
  o: Arr,
  lse: Arr,
  mask: Arr | null,
  rows: number,
  g: AttentionGeom,
): void {
  const { t, s, heads, kd, vd, scale } = g;
  const qw = heads * kd;
  const vw = heads * vd;
  const per = t * qw + s * qw + s * vw;
  d.fill(0, 0, rows * per);
  for (let b = 0; b < rows; b++) {
    const dq = b * per;
    const dk = dq + t * qw;
    const dv = dk + s * qw;
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < t; i++) {
        const qo = (b * t + i) * qw + h * kd;
        const oo = (b * t + i) * vw + h * vd;
        const lim = g.causal ? Math.min(i + 1, s) : s;
        const l = lse[(b * t + i) * heads + h];
        let D = 0;
        for (let c = 0; c < vd; c++) D += dout[oo + c] * o[oo + c];
        for (let j = 0; j < lim; j++) {
          const ko = (b * s + j) * qw + h * kd;
          const vo = (b * s + j) * vw + h * vd;
          let dot = 0;
          for (let c = 0; c < kd; c++) dot += q[qo + c] * k[ko + c];
          const pij = Math.exp(dot * scale - l);
          const mij = mask ? mask[((b * heads + h) * t + i) * s + j] : 1;
          let dp = 0;
          for (let c = 0; c < vd; c++) {
            d[dv + j * vw + h * vd + c] += pij * mij * dout[oo + c];
            dp += dout[oo + c] * v[vo + c];
          }
          const ds = pij * (dp * mij - D) * scale;
          for (let c = 0; c < kd; c++) {
            d[dq + i * qw + h * kd + c] += ds * k[ko + c];
            d[dk + j * qw + h * kd + c] += ds * q[qo + c];
          }
        }
      }
  }
}

/** y[b, :] = table[0..per) for each of the n rows: the first t positions' vectors (per = t·d). */
export function positionEmbedding(y: Arr, table: Arr, rows: number, per: number): void {
  for (let b = 0; b < rows; b++) for (let i = 0; i < per; i++) y[b * per + i] = table[i];
}

/** dtable[0..per) = Σ_b dy[b, :]; the positions past the input's length (up to `size`) get zero. */
export function positionEmbeddingGrad(dtable: Arr, dy: Arr, rows: number, per: number, size: number): void {
  dtable.fill(0, 0, size);
  for (let b = 0; b < rows; b++) for (let i = 0; i < per; i++) dtable[i] += dy[b * per + i];
}
