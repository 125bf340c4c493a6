// Reference kernel of the shape ops (concat, slice, split, transpose and the gradient of
// slice): a box copied between two strided layouts. No kernel allocates.
import type { Arr } from "./dense.js";

/**
 * y[yOff + Σ i_d·yStrides[d]] = x[xOff + Σ i_d·xStrides[d]] for every multi-index i of the
 * box `dims` (a 0 entry is the batch: n rows); a stride of 0 repeats the input along that
 * dim. `index` is scratch of the box's rank.
 */
export function copyBox(
  y: Arr,
  yOff: number,
  x: Arr,
  xOff: number,
  n: number,
  dims: Int32Array,
  yStrides: Int32Array,
  xStrides: Int32Array,
  index: Int32Array,
): void {
  const rank = dims.length;
  let size = 1;
  for (let d = 0; d < rank; d++) size *= dims[d] === 0 ? n : dims[d];
  index.fill(0);
  let yi = yOff;
  let xi = xOff;
  for (let i = 0; i < size; i++) {
    y[yi] = x[xi];
    // Advance the multi-index (last dim fastest), keeping both offsets in step.
    for (let d = rank - 1; d >= 0; d--) {
      const extent = dims[d] === 0 ? n : dims[d];
      yi += yStrides[d];
      xi += xStrides[d];
      if (++index[d] < extent) break;
      yi -= yStrides[d] * extent;
      xi -= xStrides[d] * extent;
      index[d] = 0;
    }
  }
}
