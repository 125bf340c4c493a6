// Fused kernels of the fusion pass (compiler/wasm/fuse.ts) that are not an epilogue of a
// GEMM: each performs the float32 operations of its ops' own kernels in the same order, so
// `--no-fuse` gives the same numbers.
//
//   addActGradBias   the backward mirror of dense/conv + activation, one pass over the rows:
//                    dx = act_grad(dy, y) (the elementwise kernel's formula), and the bias
//                    gradient db[j] = Σ_rows dx[r, j] in row order (as sumRows).
//                    Parameters: [n,] dx, dy, y, db   (y: the activation's output)
import type { BinaryenApi } from "./binaryen.js";
import { loadPartial, storePartial, type Mod, type X } from "./fn.js";
import { binaryOp, type BinaryOp } from "./elementwise.js";
import { addKernel, nParam } from "./loops.js";
import { splatF } from "./math.js";

export interface ActGradBiasSpec {
  readonly name: string;
  readonly op: Extract<BinaryOp, "relu_grad" | "leaky_relu_grad" | "sigmoid_grad" | "tanh_grad">;
  readonly slope?: number;
  /** rows = rowsPerBatch · n when batched. */
  readonly rowsPerBatch: number;
  readonly batched: boolean;
  readonly cols: number;
}

export function actGradBiasParams(spec: ActGradBiasSpec): string[] {
  return [...nParam(spec.batched), "dx", "dy", "y", "db"];
}

export function addActGradBias(b: BinaryenApi, mod: Mod, spec: ActGradBiasSpec): void {
  const { cols } = spec;
  addKernel(
    b,
    mod,
    spec.name,
    actGradBiasParams(spec).map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const rows = f.local(b.i32);
      const dx = f.local(b.i32);
      const dy = f.local(b.i32);
      const y = f.local(b.i32);
      const va = f.local(b.v128);
      const vb = f.local(b.v128);
      const vr = f.local(b.v128);
      const body: X[] = [
        f.set(rows, spec.batched ? m.i32.mul(f.get(p("n")), f.i32(spec.rowsPerBatch)) : f.i32(spec.rowsPerBatch)),
        f.set(dx, f.get(p("dx"))),
        f.set(dy, f.get(p("dy"))),
        f.set(y, f.get(p("y"))),
      ];
      // db = 0
      for (let j = 0; j < cols; j += 4) body.push(...storePartial(f, f.get(p("db")), j * 4, Math.min(4, cols - j), splatF(f, 0)));
      const row: X[] = [];
      for (let j = 0; j < cols; j += 4) {
        const lanes = Math.min(4, cols - j);
        row.push(
          f.set(va, loadPartial(f, f.get(dy), j * 4, lanes)),
          f.set(vb, loadPartial(f, f.get(y), j * 4, lanes)),
          f.set(vr, binaryOp(f, spec.op, va, vb, spec.slope)),
          ...storePartial(f, f.get(dx), j * 4, lanes, f.get(vr)),
          f.set(vr, m.f32x4.add(loadPartial(f, f.get(p("db")), j * 4, lanes), f.get(vr))),
          ...storePartial(f, f.get(p("db")), j * 4, lanes, f.get(vr)),
        );
      }
      row.push(f.addI(dx, cols * 4), f.addI(dy, cols * 4), f.addI(y, cols * 4), f.set(rows, m.i32.sub(f.get(rows), f.i32(1))));
      body.push(f.whileLoop(() => m.i32.gt_s(f.get(rows), f.i32(0)), row));
      return body;
    },
  );
}
