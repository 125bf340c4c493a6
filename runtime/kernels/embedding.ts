// Reference kernels of `embedding` (compiler/ops/embedding.ts): a row gather and its
// adjoint, a scatter-add. Ids are int32 row indices into the [inputDim, d] table; the
// trainers check every id against inputDim when they load the data (runtime/data/load.ts),
// so an id out of range here is a bug: it throws rather than read outside the table.
type Arr = Float32Array | Float64Array;
type Ids = Int32Array | Float32Array | Float64Array;

function row(ids: Ids, i: number, inputDim: number): number {
  const id = ids[i];
  if (!(id >= 0 && id < inputDim && Number.isInteger(id)))
    throw new RangeError(`embedding: id ${id} at ${i} is outside 0..${inputDim - 1}`);
  return id;
}

/** y[i, :] = table[ids[i], :] for the first `count` ids. */
export function embedding(y: Arr, ids: Ids, table: Arr, count: number, inputDim: number, d: number): void {
  for (let i = 0; i < count; i++) {
    const src = row(ids, i, inputDim) * d;
    const dst = i * d;
    for (let k = 0; k < d; k++) y[dst + k] = table[src + k];
  }
}

/** dtable = 0, then dtable[ids[i], :] += dy[i, :] for the first `count` ids (a repeated id sums its rows). */
export function embeddingGrad(dtable: Arr, ids: Ids, dy: Arr, count: number, inputDim: number, d: number): void {
  dtable.fill(0, 0, inputDim * d);
  for (let i = 0; i < count; i++) {
    const dst = row(ids, i, inputDim) * d;
    const src = i * d;
    for (let k = 0; k < d; k++) dtable[dst + k] += dy[src + k];
  }
}

/** A padding mask: mask[i] = 1 where ids[i] ≠ 0, else 0 (Keras's mask_zero). */
export function paddingMask(mask: Arr, ids: Int32Array | Arr, size: number): void {
  for (let i = 0; i < size; i++) mask[i] = ids[i] !== 0 ? 1 : 0;
}
