// The kernel gradient's dk in panels (conv-grad.ts, when dk exceeds L2): the register tiles add
// each block's sums into a copy of dk in scratch, panel by panel (panel p's rows × PW floats
// contiguous, 64-byte aligned), copied in before the images (or zeroed) and out after them.
//
// conv-grad.ts's tiles add their sums into dk once per block of output rows: for TensorFlow's
// DCGAN (7×7 images, 5×5×128 → 256, 3.3 MB of dk) the whole of dk is read and written from L3
// four times per image. A trainer's buffers are 16-byte aligned: a tile's row of 16 filters (64
// bytes) then spans two cache lines, and the kernel ran 1.12–1.17× slower than with dk 64-byte
// aligned (the only buffer whose alignment mattered; measured on the DCGAN's shapes, alternated
// in one process). The copy's rows are a panel wide and 64-byte aligned, and each dk element
// receives the same additions in the same order (copies are exact): the same bits
// (tests/wasm/conv-blocked.test.ts compares them word for word).
import { loadPartial, storePartial, ZERO16, type Fn, type X } from "./fn.js";
import { lanesOf, repeat } from "./conv-kit.js";

/** dk larger than this (bytes) is summed in panels. */
const PANELS_ABOVE = 1024 * 1024;

export interface DkPanelsSpec {
  readonly kh: number;
  readonly kw: number;
  readonly c: number;
  readonly filters: number;
  /** Sum dk in panels (default: when dk exceeds PANELS_ABOVE and the tiles loop over kernel rows). */
  readonly dkPanels?: boolean;
}

/** Whether the kernel gradient sums dk in panels; `loopedRows`: its tiles loop over kernel rows (conv-grad.ts). */
export function usesDkPanels(spec: DkPanelsSpec, loopedRows: boolean): boolean {
  if (!loopedRows) return false;
  return spec.dkPanels ?? spec.kh * spec.kw * spec.c * spec.filters * 4 > PANELS_ABOVE;
}

/** Scratch bytes of the panels (with 64 bytes of slack for aligning them), PW filters per panel. */
export function dkPanelsBytes(spec: DkPanelsSpec, PW: number): number {
  return spec.kh * spec.kw * spec.c * Math.ceil(spec.filters / PW) * PW * 4 + 64;
}

/**
 * For each panel p of [lo, hi) (locals; `pk` a scratch local): copies dk's columns of the panel
 * into the panel (`dir` "in"), zeroes the panel ("zero"), or copies the panel back into dk ("out").
 */
export function dkPanelsCopy(
  f: Fn,
  spec: DkPanelsSpec,
  PW: number,
  at: { dk: number; panels: number; lo: number; hi: number },
  dir: "in" | "zero" | "out",
): X[] {
  const m = f.mod;
  const fl = spec.filters;
  const K = spec.kh * spec.kw * spec.c;
  const full = Math.floor(fl / PW);
  const [pk, src, dst] = [f.local(f.b.i32), f.local(f.b.i32), f.local(f.b.i32)];
  const tmp = f.local(f.b.v128);
  // src walks dk (rows of fl floats), dst the panel (rows of PW floats).
  const panel = (width: number): X[] => {
    const row: X[] = [];
    for (let v = 0; v < Math.ceil(width / 4); v++) {
      const lanes = lanesOf(width, v);
      if (dir === "zero") row.push(m.v128.store(16 * v, 4, f.get(dst), m.v128.const(ZERO16)));
      else if (dir === "in")
        row.push(f.set(tmp, loadPartial(f, f.get(src), 16 * v, lanes)), m.v128.store(16 * v, 4, f.get(dst), f.get(tmp)));
      else row.push(f.set(tmp, m.v128.load(16 * v, 4, f.get(dst))), ...storePartial(f, f.get(src), 16 * v, lanes, f.get(tmp)));
    }
    return [
      f.set(src, m.i32.add(f.get(at.dk), m.i32.mul(f.get(pk), f.i32(PW * 4)))),
      f.set(dst, m.i32.add(f.get(at.panels), m.i32.mul(f.get(pk), f.i32(K * PW * 4)))),
      ...repeat(f, K, [...row, f.addI(src, fl * 4), f.addI(dst, PW * 4)]),
    ];
  };
  const one =
    fl % PW === 0 ? panel(PW) : [m.if(m.i32.lt_s(f.get(pk), f.i32(full)), m.block(null, panel(PW)), m.block(null, panel(fl % PW)))];
  return [f.set(pk, f.get(at.lo)), f.whileLoop(() => m.i32.lt_s(f.get(pk), f.get(at.hi)), [...one, f.addI(pk, 1)])];
}
