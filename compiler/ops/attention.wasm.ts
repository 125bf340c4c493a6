// The WebAssembly kernels of attention (compiler/ops/attention.ts), SIMD128: one fused pass
// per (sample, head) on 4×8 register tiles that read q, k, v, dO and write o and the
// gradients where the projections keep them (head h at columns h·kd..), so nothing is copied
// in or out; only kᵀ (the gradient: vᵀ) is packed, in panels of 8 keys [kd][8], and the score rows
// [t][SS] stay in the kernel scratch (≈ 66 KiB at t = s = 128; SS = 8·⌈s/8⌉ + 4: the padding
// spreads a column's rows over the cache's sets, and the gradient, which reads columns, ran 3%
// faster with it). The gradient's tiles that step through the rows of k, dO and q (dq = dS·k,
// dv = Pᵀ·dO, dk = dSᵀ·q) read copies of them in panels of 8 columns [rows][8] (Kit.packRows):
// in place, a head's rows are H·kd floats apart (512 bytes in the character transformer), so
// that the 128 rows of a column panel fall in 8 of the L1 cache's 64 sets (≈ 4% of the
// gradient's time; the forward's P·v, measured the same way, gained nothing and reads v in place).
//
//   addAttention      per (b, h) and block of 4 query rows: S = q·kᵀ for the keys the block
//                     sees; per row: scale, causal mask, max, exp, sum, lse = max + log(sum),
//                     normalize: P = e · (1/sum), stored for the gradient in a training pass
//                     (spec.probs), then × the dropout mask; O = P·v over those keys. The block's
//                     rows have the same number of vectors, and their passes run side by side
//                     (Kit.rowsLoop: each row's operations interleaved with the others', whose
//                     dependency chains, the exponential's above all, then overlap).
//   addAttentionGrad  per (b, h) and block of 4 query rows: dP = dO·vᵀ; per row: P as the forward
//                     stored it (0 where masked), D = dO·O, dS = scale·P ⊙ (dP(⊙ mask) − D),
//                     P(⊙ mask) kept (the rows side by side); dq = dS·k. Then per block of 4 keys:
//                     dv = P(⊙ mask)ᵀ·dO and dk = dSᵀ·q, into the packed gradient [dq | dk | dv].
//
// The stored P (probsPerHead, storedProbs) is the visible part of each head's [t, s]: per block
// of 4 query rows, its rows side by side, each as many vectors of 4 keys as the row pass visits
// (8,448 floats a head at t = s = 128, causal: 4.3 MB a call at batch 32). Reading it spares the
// gradient the S tiles and the exponentials (≈ 2.7 ms of ≈ 11), for ≈ 0.4 ms of stores in the
// forward; its bits are the forward's e · (1/sum), not exp(s − lse) as when the gradient computed
// them again (tests/wasm/attention-bits.test.ts states both kernels against one oracle).
//
// Causal: query i sees keys j ≤ i, so a block of rows i0 … i0+3 needs keys < i0 + 4 only, a
// row's passes stop at the first 4-aligned key past i, and a block of keys j0 … j0+3 gets
// contributions from queries ≥ j0 only: about half the work of the full [t, s] matrix. The
// bits are those of the full computation (tests/wasm/attention-bits.test.ts compares every
// word with the previous kernel, which ran gemm.ts's GEMMs over the whole matrix on copies):
// each output is the same f32 sum in the same order, the skipped terms being products with
// probabilities that are exact zeros, which leave a sum that starts at +0 unchanged (a sum of
// products never becomes −0 by rounding; with relaxed SIMD's fused multiply-add a sum whose
// products all underflow could, and a skipped −0 + +0 would then differ: not a case training
// meets). Non-finite values of v, dO, q or k at masked keys no longer turn into NaN. The
// exponentials are the kit's softmaxExp, expSteps' operations with 2ⁿ in one step: the same f32
// down to 2^−126, and 0 below, where the oracle's expSteps gives subnormals (a probability that
// small leaves o and lse as they were; the test's case of a key every query ignores shows its
// dv and dk, sums of such products, as zeros instead of subnormals).
import type { TEqn, TrainingProgram, TValue } from "../ir/train-ir.js";
import type { Group } from "../wasm/fuse.js";
import type { BinaryenApi } from "../wasm/kernels/binaryen.js";
import { type Mod, type X } from "../wasm/kernels/fn.js";
import { addKernel, checkName, flatLoop, hReduce, loadStream, repeat, storeStream, type Stream } from "../wasm/kernels/loops.js";
import { logV, splatF } from "../wasm/kernels/math.js";
import { zeroFill } from "../wasm/kernels/batch-gemm.js";
import { addB, and, Kit, lane0, layout, mulI, panelsOf, probsPerHead, softmaxExp, tile } from "./attention-kit.wasm.js";

export interface AttentionSpec {
  readonly name: string;
  /** Query positions, key/value positions, heads, key and value widths per head. */
  readonly t: number;
  readonly s: number;
  readonly heads: number;
  readonly kd: number;
  readonly vd: number;
  readonly causal?: boolean;
  /** A dropout mask [n, heads, t, s] multiplies the probabilities (training with dropout). */
  readonly mask?: boolean;
  /** The forward writes P [n, heads, probsPerHead] for its gradient (a training pass: storedProbs). */
  readonly probs?: boolean;
  readonly relaxed?: boolean;
}

export const attentionParams = (s: AttentionSpec): string[] => [
  "n",
  "o",
  "lse",
  ...(s.probs ? ["p"] : []),
  "q",
  "k",
  "v",
  ...(s.mask ? ["mask"] : []),
  "ws",
];
export const attentionGradParams = (s: AttentionSpec): string[] => [
  "n",
  "d",
  "dout",
  "q",
  "k",
  "v",
  "o",
  "p",
  ...(s.mask ? ["mask"] : []),
  "ws",
];

export const attentionScratchBytes = (s: AttentionSpec, grad: boolean): number => layout(s, grad).total + 16;

/**
 * The probabilities a training pass's attention keeps for its gradient (wasm/fuse.ts asks, with
 * --no-fuse too: it decides what the kernels compute, so the numbers must not depend on fusion).
 * For each attention_grad of a step, the attention of the lets or of the step's forward pass whose
 * lse it reads writes P (a value added here, [B, heads·probsPerHead], extraOut), and the gradient
 * reads P instead of lse (extraIn). The evaluation's and the inference entries' attention keep the
 * kernel without P. The forward still writes lse, t·heads floats a sample: V8 compiled the kernel
 * that left it out ~1 ms slower (5.2–5.7 against 6.2–6.9 ms at the transformer's size, alternated),
 * apparently by how the exponentials' loop is compiled when the rows' maxima die in it.
 * Returns the additions of an eqn in a segment.
 */
export function storedProbs(tp: TrainingProgram, values: TValue[]): (seg: readonly TEqn[], e: TEqn) => Partial<Group> | undefined {
  const backward = tp.steps.flatMap((st) => st.backward);
  const extras = new Map<TEqn, Partial<Group>>();
  for (const seg of [tp.lets, ...tp.steps.map((st) => st.forward)])
    for (const e of seg) {
      const lse = e.outputs[1];
      const grads = e.op === "attention" ? backward.filter((g) => g.op === "attention_grad" && g.inputs[5] === lse) : [];
      if (grads.length === 0) continue;
      const [q, k] = e.inputs.map((id) => values[id].shape);
      const a = e.attrs as { heads: number; key_dim: number; value_dim: number; causal: boolean };
      const spec = { name: "", t: q[1] as number, s: k[1] as number, heads: a.heads, kd: a.key_dim, vd: a.value_dim, causal: a.causal };
      const id = values.length;
      values.push({
        id,
        name: `${values[e.outputs[0]].name}_probs`,
        kind: "temp",
        dtype: "f32",
        shape: ["B", a.heads * probsPerHead(spec)],
      });
      extras.set(e, { extraOut: [id] });
      for (const g of grads) extras.set(g, { extraIn: [id] });
    }
  const training = new Set<readonly TEqn[]>([tp.lets, ...tp.steps.flatMap((st) => [st.forward, st.backward])]);
  return (seg, e) => (training.has(seg) ? extras.get(e) : undefined);
}

/** The scores' factor 1/√kd. */
const scaleOf = (s: AttentionSpec): number => 1 / Math.sqrt(s.kd);

function check(s: AttentionSpec): void {
  checkName(s.name);
  for (const k of ["t", "s", "heads", "kd", "vd"] as const)
    if (!(Number.isInteger(s[k]) && s[k] > 0)) throw new Error(`${s.name}: ${k} must be a positive integer`);
}

export function addAttention(b: BinaryenApi, mod: Mod, s: AttentionSpec): void {
  check(s);
  const H = s.heads;
  const relaxed = !!s.relaxed;
  const params = attentionParams(s);
  addKernel(
    b,
    mod,
    s.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const k = new Kit(f, s, false);
      const L = k.L;
      const [qB, kB, vB, oB, lseB, mkB, pan, pP] = Array.from({ length: 8 }, () => f.local(b.i32));
      /** The softmax of the block's score rows, side by side (Kit.rowsLoop): each row's operations as one row alone. */
      const rowsPass = (R: number, i0: number): X[] => {
        const each = <T>(make: (r: number) => T): T[] => Array.from({ length: R }, (_, r) => make(r));
        const [rows, mks, prs] = [each(() => f.local(b.i32)), each(() => f.local(b.i32)), each(() => f.local(b.i32))];
        const [acc, mx, sum] = [each(() => f.local(b.v128)), each(() => f.local(b.v128)), each(() => f.local(b.v128))];
        const rowAt = (r: number) => f.set(rows[r], k.rowOf(L.sc, i0, r));
        const scaled = (r: number) => m.f32x4.mul(m.v128.load(0, 4, f.get(rows[r])), splatF(f, scaleOf(s)));
        return [
          // max over the visible keys, by f32x4.pmax (one x64 instruction; f32x4.max's NaN and ±0
          // rules take about seven): the lanes' maxima differ only where the maximum is a zero
          // (−0 for +0), and s − (−0) and s − (+0) give the same exponential, max + log(sum) the same lse,
          // or where a score is NaN (pmax may drop it; its exponential makes the row NaN either way)
          ...each(rowAt),
          ...acc.map((l) => f.set(l, splatF(f, -Infinity))),
          k.rowsLoop(i0, R, rows, (r, valid) => [
            f.set(acc[r], m.f32x4.pmax(f.get(acc[r]), valid ? m.v128.bitselect(scaled(r), splatF(f, -Infinity), valid) : scaled(r))),
          ]),
          ...each((r) =>
            f.set(
              mx[r],
              hReduce(f, f.get(acc[r]), (a, c) => m.f32x4.max(a, c)),
            ),
          ),
          // e = exp(scale·s − max) (0 where masked), their sum
          ...each(rowAt),
          ...acc.map((l) => f.set(l, splatF(f, 0))),
          k.rowsLoop(i0, R, rows, (r, valid) => {
            const [x, t0, t1, t2] = Array.from({ length: 4 }, () => f.local(b.v128));
            return [
              ...softmaxExp(f, m.f32x4.sub(scaled(r), f.get(mx[r])), x, [t0, t1, t2]),
              f.set(x, and(m, f.get(x), valid)),
              f.set(acc[r], m.f32x4.add(f.get(acc[r]), f.get(x))),
              m.v128.store(0, 4, f.get(rows[r]), f.get(x)),
            ];
          }),
          ...each((r) =>
            f.set(
              sum[r],
              hReduce(f, f.get(acc[r]), (a, c) => m.f32x4.add(a, c)),
            ),
          ),
          ...each((r) =>
            m.f32.store(
              0,
              4,
              addB(f, f.get(lseB), mulI(f, m.i32.add(f.get(i0), f.i32(r)), H)),
              lane0(m, m.f32x4.add(f.get(mx[r]), logV(f, f.get(sum[r])))),
            ),
          ),
          // normalize (P stored for the gradient; × the dropout mask)
          ...each(rowAt),
          ...(s.mask ? each((r) => f.set(mks[r], addB(f, f.get(mkB), mulI(f, m.i32.add(f.get(i0), f.i32(r)), s.s)))) : []),
          ...(s.probs ? k.probRows(pP, i0, R, prs) : []),
          ...sum.map((l) => f.set(l, m.f32x4.div(splatF(f, 1), f.get(l)))),
          k.rowsLoop(i0, R, [...rows, ...(s.mask ? mks : []), ...(s.probs ? prs : [])], (r, _valid, j) => {
            const pv = f.local(b.v128);
            const out: X[] = [f.set(pv, m.f32x4.mul(m.v128.load(0, 4, f.get(rows[r])), f.get(sum[r])))];
            if (s.probs) out.push(m.v128.store(0, 4, f.get(prs[r]), f.get(pv)));
            if (s.mask) out.push(f.set(pv, m.f32x4.mul(f.get(pv), k.maskAt(mks[r], j))));
            out.push(m.v128.store(0, 4, f.get(rows[r]), f.get(pv)));
            return out;
          }),
        ];
      };
      const block = (R: number, i0: number): X[] => [
        // S = q·kᵀ for the keys the block sees
        f.set(pan, f.i32(0)),
        repeat(f, k.panels(i0, R), [
          tile(
            f,
            {
              rows: R,
              width: 8,
              a: () => addB(f, f.get(qB), mulI(f, f.get(i0), H * s.kd)),
              aRow: H * s.kd * 4,
              aStep: 4,
              b: () => m.i32.add(k.at(L.kT), mulI(f, f.get(pan), s.kd * 32)),
              bStep: 32,
              count: s.kd,
              c: () => addB(f, k.row(L.sc, i0), m.i32.shl(f.get(pan), f.i32(3))),
              cRow: L.ss * 4,
            },
            relaxed,
          ),
          f.addI(pan, 1),
        ]),
        ...rowsPass(R, i0),
        // O = P·v over those keys
        panelsOf(f, s.vd, (w, col) =>
          tile(
            f,
            {
              rows: R,
              width: w,
              a: () => k.row(L.sc, i0),
              aRow: L.ss * 4,
              aStep: 4,
              b: () => addB(f, f.get(vB), col()),
              bStep: H * s.vd * 4,
              count: k.keys(i0, R),
              c: () => addB(f, f.get(oB), m.i32.add(mulI(f, f.get(i0), H * s.vd), col())),
              cRow: H * s.vd * 4,
            },
            relaxed,
          ),
        ),
      ];
      const perHead: X[] = [
        f.set(qB, k.head(f.get(p("q")), s.t * H * s.kd, s.kd)),
        f.set(kB, k.head(f.get(p("k")), s.s * H * s.kd, s.kd)),
        f.set(vB, k.head(f.get(p("v")), s.s * H * s.vd, s.vd)),
        f.set(oB, k.head(f.get(p("o")), s.t * H * s.vd, s.vd)),
        f.set(lseB, k.head(f.get(p("lse")), s.t * H, 1)),
        ...(s.probs ? [f.set(pP, k.head(f.get(p("p")), H * probsPerHead(s), probsPerHead(s)))] : []),
        ...(s.mask ? [f.set(mkB, k.head(f.get(p("mask")), H * s.t * s.s, s.t * s.s))] : []),
        k.packT(L.kT, kB, s.kd, H * s.kd),
        k.blocks(s.t, block),
      ];
      return k.body(f.get(p("ws")), () => f.get(p("n")), k.padT(L.kT, s.kd), perHead);
    },
  );
}

export function addAttentionGrad(b: BinaryenApi, mod: Mod, s: AttentionSpec): void {
  check(s);
  const H = s.heads;
  const per = s.t * H * s.kd + s.s * H * s.kd + s.s * H * s.vd;
  const relaxed = !!s.relaxed;
  const params = attentionGradParams(s);
  addKernel(
    b,
    mod,
    s.name,
    params.map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const k = new Kit(f, s, true);
      const L = k.L;
      const [qB, kB, vB, doB, oB, pP, mkB, dqB, dkB, dvB, pan, start] = Array.from({ length: 12 }, () => f.local(b.i32));
      const dos: Stream = { ptr: f.local(b.i32), step: 4 };
      const o: Stream = { ptr: f.local(b.i32), step: 4 };
      const acc = f.local(b.v128);
      /** P and dS of the block's rows, side by side (Kit.rowsLoop): each row's operations as one row alone. */
      const rowsPass = (R: number, i0: number): X[] => {
        const each = <T>(make: (r: number) => T): T[] => Array.from({ length: R }, (_, r) => make(r));
        const [rows, dps, mks, prs] = Array.from({ length: 4 }, () => each(() => f.local(b.i32)));
        const dv = each(() => f.local(b.v128));
        const at = (r: number) => m.i32.add(f.get(i0), f.i32(r));
        return [
          // D = dO·O over each row's vd values
          ...each((r) => [
            f.set(dos.ptr, addB(f, f.get(doB), mulI(f, at(r), H * s.vd))),
            f.set(o.ptr, addB(f, f.get(oB), mulI(f, at(r), H * s.vd))),
            f.set(acc, splatF(f, 0)),
            flatLoop(f, s.vd, [dos, o], (lanes, e) => [
              f.set(acc, m.f32x4.add(f.get(acc), m.f32x4.mul(loadStream(f, dos, lanes, e), loadStream(f, o, lanes, e)))),
            ]),
            f.set(
              dv[r],
              hReduce(f, f.get(acc), (a, c) => m.f32x4.add(a, c)),
            ),
            f.set(rows[r], k.rowOf(L.sc, i0, r)),
            f.set(dps[r], k.rowOf(L.dp, i0, r)),
            ...(s.mask ? [f.set(mks[r], addB(f, f.get(mkB), mulI(f, at(r), s.s)))] : []),
          ]).flat(),
          ...k.probRows(pP, i0, R, prs),
          k.rowsLoop(
            i0,
            R,
            [...rows, ...dps, ...prs, ...(s.mask ? mks : [])],
            (r, valid, j) => {
              const [pv, gv, mv] = Array.from({ length: 3 }, () => f.local(b.v128));
              // P as the forward stored it; the lanes past the keys the query sees are zeros there
              // (0 · 1/sum), and zeros here even in a row of NaN.
              const out: X[] = [f.set(pv, and(m, m.v128.load(0, 4, f.get(prs[r])), valid)), f.set(gv, m.v128.load(0, 4, f.get(dps[r])))];
              if (s.mask) out.push(f.set(mv, k.maskAt(mks[r], j)), f.set(gv, m.f32x4.mul(f.get(gv), f.get(mv))));
              out.push(
                m.v128.store(
                  0,
                  4,
                  f.get(dps[r]),
                  m.f32x4.mul(m.f32x4.mul(f.get(pv), m.f32x4.sub(f.get(gv), f.get(dv[r]))), splatF(f, scaleOf(s))),
                ),
              );
              if (s.mask) out.push(f.set(pv, m.f32x4.mul(f.get(pv), f.get(mv))));
              out.push(m.v128.store(0, 4, f.get(rows[r]), f.get(pv)));
              return out;
            },
            2, // two rows at a time (with the exponential four spilled; with P read, 1, 2 and 4 measure alike)
          ),
        ];
      };
      /** A tile of S (from q, kᵀ) or dP (from dO, vᵀ): the panel `pan` of the block's rows. */
      const scoreTile = (R: number, i0: number, a: number, w: number, panels: number, out: number): X =>
        tile(
          f,
          {
            rows: R,
            width: 8,
            a: () => addB(f, f.get(a), mulI(f, f.get(i0), H * w)),
            aRow: H * w * 4,
            aStep: 4,
            b: () => m.i32.add(k.at(panels), mulI(f, f.get(pan), w * 32)),
            bStep: 32,
            count: w,
            c: () => addB(f, k.row(out, i0), m.i32.shl(f.get(pan), f.i32(3))),
            cRow: L.ss * 4,
          },
          relaxed,
        );
      const rowBlock = (R: number, i0: number): X[] => [
        f.set(pan, f.i32(0)),
        repeat(f, k.panels(i0, R), [scoreTile(R, i0, doB, s.vd, L.vT, L.dp), f.addI(pan, 1)]),
        ...rowsPass(R, i0),
        // dq = dS·k over the keys the block sees
        panelsOf(f, s.kd, (w, col) =>
          tile(
            f,
            {
              rows: R,
              width: w,
              a: () => k.row(L.dp, i0),
              aRow: L.ss * 4,
              aStep: 4,
              b: () => k.panelAt(L.kP, s.s, col(), null),
              bStep: 32,
              count: k.keys(i0, R),
              c: () => addB(f, f.get(dqB), m.i32.add(mulI(f, f.get(i0), H * s.kd), col())),
              cRow: H * s.kd * 4,
            },
            relaxed,
          ),
        ),
      ];
      /** dv = Pᵀ·dO or dk = dSᵀ·q for a block of keys from j0: the queries from `start` on (the others see none of them). */
      const keyTile = (R: number, j0: number, a: number, bP: number, w: number, out: number) =>
        panelsOf(f, w, (width, col) =>
          tile(
            f,
            {
              rows: R,
              width,
              a: () => addB(f, k.row(a, start), f.get(j0)),
              aRow: 4,
              aStep: L.ss * 4,
              b: () => k.panelAt(bP, s.t, col(), f.get(start)),
              bStep: 32,
              count: () => m.i32.sub(f.i32(s.t), f.get(start)),
              c: () => addB(f, f.get(out), m.i32.add(mulI(f, f.get(j0), H * w), col())),
              cRow: H * w * 4,
            },
            relaxed,
          ),
        );
      const keyBlock = (R: number, j0: number): X[] => [
        f.set(start, s.causal ? f.get(j0) : f.i32(0)),
        keyTile(R, j0, L.sc, L.doP, s.vd, dvB),
        keyTile(R, j0, L.dp, L.qP, s.kd, dkB),
      ];
      const perHead: X[] = [
        f.set(qB, k.head(f.get(p("q")), s.t * H * s.kd, s.kd)),
        f.set(kB, k.head(f.get(p("k")), s.s * H * s.kd, s.kd)),
        f.set(vB, k.head(f.get(p("v")), s.s * H * s.vd, s.vd)),
        f.set(doB, k.head(f.get(p("dout")), s.t * H * s.vd, s.vd)),
        f.set(oB, k.head(f.get(p("o")), s.t * H * s.vd, s.vd)),
        f.set(pP, k.head(f.get(p("p")), H * probsPerHead(s), probsPerHead(s))),
        ...(s.mask ? [f.set(mkB, k.head(f.get(p("mask")), H * s.t * s.s, s.t * s.s))] : []),
        f.set(dqB, k.head(f.get(p("d")), per, s.kd)),
        f.set(dkB, k.head(f.get(p("d")), per, s.kd, s.t * H * s.kd)),
        f.set(dvB, k.head(f.get(p("d")), per, s.vd, (s.t + s.s) * H * s.kd)),
        k.packT(L.vT, vB, s.vd, H * s.vd),
        k.packRows(L.kP, kB, s.s, s.kd, H * s.kd),
        k.packRows(L.doP, doB, s.t, s.vd, H * s.vd),
        k.packRows(L.qP, qB, s.t, s.kd, H * s.kd),
        k.blocks(s.t, rowBlock),
        k.blocks(s.s, keyBlock),
      ];
      return k.body(f.get(p("ws")), () => f.get(p("n")), k.padT(L.vT, s.vd), perHead);
    },
  );
}

export interface PositionSpec {
  readonly name: string;
  /** Floats per sample (t·d) and in the whole table (length·d). */
  readonly per: number;
  readonly size: number;
}

export const positionParams = (): string[] => ["n", "y", "table"];
export const positionGradParams = (): string[] => ["n", "dtable", "dy"];

export function addPositionEmbedding(b: BinaryenApi, mod: Mod, s: PositionSpec): void {
  checkName(s.name);
  addKernel(
    b,
    mod,
    s.name,
    positionParams().map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const y: Stream = { ptr: f.local(b.i32), step: 4 };
      const t: Stream = { ptr: f.local(b.i32), step: 4 };
      const v = f.local(b.v128);
      return [
        f.set(y.ptr, f.get(p("y"))),
        repeat(f, () => f.get(p("n")), [
          f.set(t.ptr, f.get(p("table"))),
          flatLoop(f, s.per, [y, t], (lanes, e) => [f.set(v, loadStream(f, t, lanes, e)), ...storeStream(f, y, lanes, e, v)]),
        ]),
      ];
    },
  );
}

export function addPositionEmbeddingGrad(b: BinaryenApi, mod: Mod, s: PositionSpec): void {
  checkName(s.name);
  addKernel(
    b,
    mod,
    s.name,
    positionGradParams().map((p) => [p, b.i32] as const),
    b.none,
    (f, p) => {
      const m = mod;
      const dy: Stream = { ptr: f.local(b.i32), step: 4 };
      const t: Stream = { ptr: f.local(b.i32), step: 4 };
      const z = f.local(b.i32);
      const v = f.local(b.v128);
      return [
        f.set(z, f.get(p("dtable"))),
        zeroFill(f, z, s.size),
        f.set(dy.ptr, f.get(p("dy"))),
        repeat(f, () => f.get(p("n")), [
          f.set(t.ptr, f.get(p("dtable"))),
          flatLoop(f, s.per, [dy, t], (lanes, e) => [
            f.set(v, m.f32x4.add(loadStream(f, t, lanes, e), loadStream(f, dy, lanes, e))),
            ...storeStream(f, t, lanes, e, v),
          ]),
        ]),
      ];
    },
  );
}
