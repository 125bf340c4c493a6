// The LSTM scans that run each step on its kept rows only (compiler/wasm/kernels/lstm-masked.ts)
// against lstm.ts's masked scans, which run every row of every step: word for word, on masks
// with padding anywhere (right-padded rows of every length, holes, −0), unit counts with and
// without SIMD tails, row counts that leave partial tiles. Forward: the states h, hprev, c
// everywhere and the gates at kept steps (the compact kernel leaves a padded step's gates
// alone: garbage there must not matter, and the backward reads them from a copy holding NaN and
// huge values at padded steps). Backward: dxw, and the running dh and dc it ends with. The data
// reach the zeros whose signs the compact kernels must reproduce: a row of U all negative (the
// full kernel adds its zero sum, −0, to a padded row's dh; the compact one leaves it out), a kept row whose gate gradients are all +0 at step 1 (its product is −0,
// which the full kernel's zeroed carry turns into +0), ±0 gradients at padded steps.
import { beforeAll, describe, expect, it } from "vitest";
import {
  addLstmScan,
  addLstmScanGrad,
  lstmScanGradParams,
  lstmScanGradScratchBytes,
  lstmScanParams,
  lstmScanScratchBytes,
  type LstmScanSpec,
} from "../../compiler/wasm/kernels/lstm.js";
import {
  addLstmScanCompact,
  addLstmScanGradCompact,
  lstmScanCompactParams,
  lstmScanGradCompactParams,
} from "../../compiler/wasm/kernels/lstm-masked.js";
import { Layout, type KernelInstance } from "../../runtime/wasm/instantiate.js";
import { TestRandom } from "../helpers/numerics.js";
import { kernelModule, type Kernel } from "../helpers/wasm.js";

type Spec = Omit<LstmScanSpec, "name">;
const specs: Spec[] = [
  { steps: 3, units: 1 },
  { steps: 5, units: 3 },
  { steps: 4, units: 8 },
  { steps: 6, units: 9 },
  { steps: 9, units: 64 },
  { steps: 5, units: 7, rowTile: 3, epilogueRows: 3, unroll: 3 },
  { steps: 4, units: 12, rowTile: 1, epilogueRows: 1 },
  { steps: 1, units: 6 },
];
const ROWS = [0, 1, 5, 7, 13];
const nameOf = (s: Spec, kind: string) => `${kind}_${s.steps}_${s.units}_${s.rowTile ?? 0}_${s.epilogueRows ?? 0}`;

let opt: KernelInstance<Record<string, Kernel>>;
let quick: KernelInstance<Record<string, Kernel>>;
const MEMORY = 8 << 20;
// The tagger's size (u = 64) in a module optimized as trainers' are (binaryen -O3), the others at -O0 (faster to build).
const optimized = (s: Spec) => s.units === 64;

beforeAll(async () => {
  const add = (
    b: Parameters<Parameters<typeof kernelModule>[0]>[0],
    mod: Parameters<Parameters<typeof kernelModule>[0]>[1],
    opt: boolean,
  ) => {
    for (const s of specs.filter((x) => optimized(x) === opt)) {
      const masked = { ...s, masked: true };
      addLstmScan(b, mod, { ...masked, name: nameOf(s, "full") });
      addLstmScanGrad(b, mod, { ...masked, name: nameOf(s, "full_grad") });
      addLstmScanCompact(b, mod, { ...masked, name: nameOf(s, "compact") });
      addLstmScanGradCompact(b, mod, { ...masked, name: nameOf(s, "compact_grad") });
    }
  };
  opt = await kernelModule((b, mod) => add(b, mod, true), MEMORY);
  quick = await kernelModule((b, mod) => add(b, mod, false), MEMORY, { optimizeLevel: 0 });
}, 60_000);

/** A mask [n, T]: right-padded rows of every length, holes in some, a −0 and a 0.5 (kept). */
function maskOf(n: number, T: number, r: TestRandom): Float32Array {
  const m = new Float32Array(n * T);
  for (let b = 0; b < n; b++) {
    const len = b === 0 || b === 2 ? T : b === 1 ? 0 : Math.floor(r.uniform(0, T + 1));
    for (let t = 0; t < len; t++) m[b * T + t] = 1;
    if (b % 3 === 0 && b > 0 && len > 2) m[b * T + 1] = 0; // a hole
    if (b === 4 && T > 1) m[b * T + T - 1] = -0;
    if (b === 5) m[b * T] = 0.5;
  }
  return m;
}

const words = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** The first element where a and b differ in bits, or −1. */
function firstDiff(a: Float32Array, b: Float32Array, only?: (i: number) => boolean): number {
  const [x, y] = [words(a), words(b)];
  for (let i = 0; i < x.length; i++) if ((!only || only(i)) && x[i] !== y[i]) return i;
  return -1;
}

function run(s: Spec, n: number, seed: number): void {
  const k = optimized(s) ? opt : quick;
  const { steps: T, units: u } = s;
  const r = new TestRandom(seed);
  const lay = new Layout(64);
  const seq = n * T * u;
  const gates = n * T * 4 * u;
  const buf = (len: number) => {
    const at = lay.floats(Math.max(len, 1));
    return { at, view: k.f32(at, len) };
  };
  const garbage = (len: number) => {
    const b = buf(len);
    r.fill(b.view, -1e3, 1e3);
    return b;
  };
  const mask = buf(n * T);
  mask.view.set(maskOf(n, T, r));
  const xw = buf(gates);
  r.fill(xw.view, -2, 2);
  // Row 2's candidate gates large: its g and c stay positive, so that its gate gradients are +0
  // where its dh is (dhseq row 2 is +0).
  if (n > 2) for (let t = 0; t < T; t++) xw.view.fill(3, (2 * T + t) * 4 * u + 2 * u, (2 * T + t) * 4 * u + 3 * u);
  const U = buf(u * 4 * u);
  r.fill(U.view, -1 / Math.sqrt(u), 1 / Math.sqrt(u));
  for (let s2 = 0; s2 < 4 * u; s2++) U.view[s2] = -Math.abs(U.view[s2]) - 1e-3; // row 0 of U all negative

  // Forward, both kernels on the same inputs.
  const outs = (kind: string) => ({ kind, h: garbage(seq), hp: garbage(seq), c: garbage(seq), a: garbage(gates) });
  const full = outs("full");
  const compact = outs("compact");
  const wsF = lay.alloc(lstmScanScratchBytes({ ...s, name: "" }) + 64, 16);
  const rows = lay.alloc(4 * Math.max(n, 1), 16);
  for (const o of [full, compact]) {
    const at: Record<string, number> = {
      n,
      hseq: o.h.at,
      hprev: o.hp.at,
      cseq: o.c.at,
      acts: o.a.at,
      xw: xw.at,
      u: U.at,
      ws: wsF + 4,
      mask: mask.at,
      rows,
    };
    const params = o.kind === "full" ? lstmScanParams({ ...s, name: "", masked: true }) : lstmScanCompactParams({ ...s, name: "" });
    k.exports[nameOf(s, o.kind)](...params.map((p) => at[p]));
  }
  const tag = `T=${T} u=${u} n=${n}`;
  const keptGate = (i: number) => mask.view[Math.floor(i / (4 * u))] !== 0;
  for (const [what, x, y, only] of [
    ["hseq", full.h.view, compact.h.view, undefined],
    ["hprev", full.hp.view, compact.hp.view, undefined],
    ["cseq", full.c.view, compact.c.view, undefined],
    ["acts at kept steps", full.a.view, compact.a.view, keptGate],
  ] as const)
    expect(firstDiff(x, y, only), `${tag} forward ${what}`).toBe(-1);

  // Backward on the full forward's cseq and acts; the compact one reads acts with garbage at padded steps.
  const dhseq = buf(seq);
  r.fill(dhseq.view, -1, 1);
  for (let i = 0; i < seq; i++) {
    if (mask.view[Math.floor(i / u)] === 0) dhseq.view[i] = r.uniform(-1, 1) < 0 ? -0 : 0; // dy ⊙ mask
    if (Math.floor(i / (T * u)) === 2) dhseq.view[i] = 0;
  }
  const actsG = buf(gates);
  actsG.view.set(full.a.view);
  for (let i = 0; i < gates; i++) if (!keptGate(i)) actsG.view[i] = i % 2 ? NaN : -3e38;
  const grads = (kind: string, acts: number) => ({ kind, acts, dxw: garbage(gates), dh: garbage(n * u), dc: garbage(n * u) });
  const gFull = grads("full", full.a.at);
  const gCompact = grads("compact", actsG.at);
  const wsB = lay.alloc(lstmScanGradScratchBytes({ ...s, name: "" }) + 64, 16);
  for (const g of [gFull, gCompact]) {
    const at: Record<string, number> = {
      n,
      dxw: g.dxw.at,
      dhseq: dhseq.at,
      u: U.at,
      cseq: full.c.at,
      acts: g.acts,
      dh: g.dh.at,
      dc: g.dc.at,
      ws: wsB + 4,
      mask: mask.at,
      rows,
    };
    const params = g.kind === "full" ? lstmScanGradParams({ ...s, name: "", masked: true }) : lstmScanGradCompactParams({ ...s, name: "" });
    k.exports[nameOf(s, `${g.kind}_grad`)](...params.map((p) => at[p]));
  }
  expect(firstDiff(gFull.dxw.view, gCompact.dxw.view), `${tag} backward dxw`).toBe(-1);
  expect(firstDiff(gFull.dh.view, gCompact.dh.view), `${tag} backward dh`).toBe(-1);
  expect(firstDiff(gFull.dc.view, gCompact.dc.view), `${tag} backward dc`).toBe(-1);
  expect(lay.bytes).toBeLessThan(MEMORY);
}

describe("LSTM scans on kept rows: the bits of the scans over every row", () => {
  for (const [i, s] of specs.entries()) {
    it(`T=${s.steps} u=${s.units}${s.rowTile ? ` rowTile ${s.rowTile}` : ""}${s.epilogueRows ? ` epilogueRows ${s.epilogueRows}` : ""}, n = ${ROWS.join(", ")}`, () => {
      for (const n of ROWS) run(s, n, 40 + 13 * i + n);
    });
  }
});
