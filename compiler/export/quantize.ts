// int8 post-training quantization of an exported model (`dlm export --quantize int8
// [--calibration N]`): which layers run in int8, their int8 weights, and the kernel calls
// that replace their float ones. docs/export.md ("int8 quantization") states the rule.
//
//   inference program, fused ─candidates: dense layers and convolutions (with a relu, and a
//      pool)─the static rule (activation, size, i32 range, room)→ layers that may gain speed
//      ─calibrate (calibrate.ts): N training samples through the float model→ input ranges, rows
//      ─per layer: kernel → int8 per output channel (runtime/kernels/int8.ts), input scale;
//       its int8 output against the float one on calibration rows → the error rule
//      → groups whose `emit` calls the int8 kernel (wasm/kernels/int8-gemm.ts, int8-conv.ts), the weights
//        file's I8 kernels with their `<kernel>_scale`, and `info.quantized`
//
// A quantized layer reads its float input, quantizes it with its calibrated scale (uint8 for
// an input calibration never saw negative: images, relu outputs; int8 otherwise), sums the
// integer products exactly in i32 and rescales them per output channel back to float32
// before its bias and relu: every layer boundary stays float32, so a float layer and an int8
// one can follow each other in any order.
import type { FrontEndResult } from "../compile.js";
import type { TEqn, TrainingProgram } from "../ir/train-ir.js";
import type { FusedProgram, Group } from "../wasm/fuse.js";
import type { MemoryPlan } from "../wasm/plan-memory.js";
import type { WasmCtx } from "../ops/op.js";
import { nameParams } from "../wasm/kernels/fn.js";
import {
  addInt8Dense,
  int8DenseParams,
  int8SumsFit,
  int8DenseScratchBytes,
  int8MultBytes,
  int8PackedBytes,
} from "../wasm/kernels/int8-gemm.js";
import { addInt8Sparse, int8SparseParams, int8SparseScratchBytes } from "../wasm/kernels/int8-sparse.js";
import { reluFed } from "./zeros.js";
import { addInt8Conv2d, int8ConvParams, int8ConvScratch, type Int8ConvSpec } from "../wasm/kernels/int8-conv.js";
import { windowOf } from "../emit/geometry.js";
import { ident } from "../emit/trainer/names.js";
import { countExpr } from "../ops/kit/ts.js";
import { calibrate, type Probe } from "./calibrate.js";
import { inputsScaleOf, int8Conv2d, int8Dense, quantizeKernel } from "../../runtime/kernels/int8.js";
import type { SafetensorsTensor } from "../../runtime/safetensors.js";
import type { Int8Layout, ModelInfo, QuantizedInfo } from "../../runtime/inference.js";

export interface QuantizeOptions {
  readonly scheme: "int8";
  /** Training samples to calibrate on (default 1,000). */
  readonly calibration: number;
  /** The seed that draws them (default 1). */
  readonly seed?: number;
  /** --data, as for `dlm train`. */
  readonly data?: string;
}

/** The rule's numbers (docs/export.md). */
export const INT8_RULE = {
  /** Fewer multiply-adds per row than this: quantizing the input and rescaling cost about what the integer product saves. */
  minMacs: 4096,
  /** A relative RMS error of the layer's output on calibration rows above this costs accuracy. */
  maxError: 0.02,
  /** Calibration rows each layer's error is measured on. */
  rows: 256,
} as const;

/** A layer the static rule lets through: a dense layer, or a convolution with its window (and its pool). */
interface Candidate {
  readonly group: Group;
  readonly eqn: TEqn;
  readonly relu: boolean;
  readonly layer: string;
  /** The int8 matrix [k, n]: k = in (dense) or kh·kw·in (conv2d), n = units or filters. */
  readonly k: number;
  readonly n: number;
  /** Values per observed row of the input: k for a dense layer, a whole image for a convolution. */
  readonly row: number;
  readonly conv?: Omit<Int8ConvSpec, "name" | "bias" | "relu" | "inputsScale" | "unsigned">;
  /** A dense layer fed by a relu (zeros.ts `reluFed`) of k ≥ 256 and 32 ≤ n ≤ 512: the sparse int8 kernel, which skips its zeros. */
  readonly sparse?: boolean;
  /** The sparse layer's input is the flatten of [h, w, c]: k goes in pairs of one channel at two neighbouring columns. */
  readonly pairColumns?: { readonly w: number; readonly c: number };
}

export interface QuantizedModel {
  readonly fused: FusedProgram;
  readonly int8: ReadonlyMap<string, Int8Layout>;
  readonly weights: Record<string, SafetensorsTensor>;
  readonly quantized: QuantizedInfo;
}

const layerOf = (itp: TrainingProgram, e: TEqn): string => e.origin ?? itp.values[e.inputs[1]].param!.path.replace(/\/kernel$/, "");
const tooFew = (what: string, macs: number, per: string) =>
  `${what} = ${macs} multiply-adds per ${per}: too few for int8 to gain speed (under ${INT8_RULE.minMacs})`;

/** The static part of the rule: a candidate, or why the layer stays float. */
function candidateOf(itp: TrainingProgram, fused: FusedProgram, g: Group): Candidate | { layer: string; op: string; why: string } | null {
  const e = g.eqns[0];
  if (e.op !== "dense" && e.op !== "conv2d") return null;
  const layer = layerOf(itp, e);
  const op = e.op;
  const float = (why: string) => ({ layer, op, why });
  const act = g.eqns[1];
  if (act && act.op !== "relu") return float(`its activation (${act.op}) is not in the int8 kernel`);
  if (act && g.eqns.length === 2 && !fused.internal.has(e.outputs[0])) return float("its pre-activation is read elsewhere");
  const shape = (id: number) => itp.values[id].shape;
  let k: number;
  let n: number;
  let conv: Candidate["conv"];
  if (op === "conv2d") {
    const [kh, kw, cin, f] = shape(e.inputs[1]) as number[];
    [k, n] = [kh * kw * cin, f];
    if (k * n < INT8_RULE.minMacs) return float(tooFew(`${kh}×${kw}×${cin}×${f}`, k * n, "output position"));
    const win = windowOf(shape(e.inputs[0]), shape(e.outputs[0]), e.attrs);
    const pool = g.eqns[2];
    if (pool) {
      const pw = windowOf(shape(act.outputs[0]), shape(pool.outputs[0]), pool.attrs);
      if (pw.pt > 0 || pw.pl > 0 || (pw.oh - 1) * pw.sh + pw.kh > win.oh || (pw.ow - 1) * pw.sw + pw.kw > win.ow)
        return float("its fused max pool pads its input");
    }
    const pw = pool ? windowOf(shape(act.outputs[0]), shape(pool.outputs[0]), pool.attrs) : undefined;
    conv = { ...win, filters: f, ...(pw ? { pool: { kh: pw.kh, kw: pw.kw, sh: pw.sh, sw: pw.sw, oh: pw.oh, ow: pw.ow } } : {}) };
  } else {
    [k, n] = shape(e.inputs[1]) as number[];
    if (k * n < INT8_RULE.minMacs) return float(tooFew(`${k}×${n}`, k * n, "row"));
  }
  if (!int8SumsFit(k)) return float(`its ${k} inputs per output could overflow the int8 kernel's i32 sums`);
  if (int8PackedBytes(k, n) + int8MultBytes(n) > 4 * k * n) return float("its packed int8 kernel does not fit in the float kernel's place");
  const row = conv ? conv.h * conv.w * conv.c : k;
  // One-row tiles lose on narrow layers (n < 32, as in the float sparse GEMM: packed.ts); the int8 kernel emits a tile per group
  // of panels, so its code grows with n, hence n ≤ 512 (the float one loops over its groups and has no upper bound).
  const sparse = !conv && reluFed(itp, e.inputs[0]) && k >= 256 && n >= 32 && n <= 512;
  const pairColumns = sparse ? pairColumnsOf(itp, e.inputs[0], k) : undefined;
  return {
    group: g,
    eqn: e,
    relu: act !== undefined,
    layer,
    k,
    n,
    row,
    ...(conv ? { conv } : { sparse }),
    ...(pairColumns ? { pairColumns } : {}),
  };
}

/**
 * A dense input that is the flatten of an image [h, w, c] (w ≥ 2): its pairs of k go along the
 * columns (runtime/inference.ts's int8PairOrder), where a relu's zeros are more often shared
 * (the seed CNN after one epoch: 67% of the pairs zero against 62% for adjacent channels).
 */
function pairColumnsOf(itp: TrainingProgram, x: number, k: number): { w: number; c: number } | undefined {
  const e = [...itp.constants, ...itp.inference[0].forward].find((q) => q.outputs.includes(x));
  if (!e || e.op !== "reshape") return undefined;
  const dims = itp.values[e.inputs[0]].shape.slice(1);
  if (dims.length !== 3 || !dims.every((d) => typeof d === "number")) return undefined;
  const [h, w, c] = dims as number[];
  return h * w * c === k && w >= 2 ? { w, c } : undefined;
}

/** The int8 kernel's call for a dense layer or a convolution (with its relu, and its pool). */
function int8Call(c: WasmCtx, cand: Candidate, inputsScale: number, unsigned: boolean): string {
  const [x, w, b] = cand.eqn.inputs;
  const pc = cand.pairColumns;
  const common = { bias: b !== undefined, relu: cand.relu, inputsScale, unsigned, ...(pc ? { pairColumns: pc } : {}) };
  const last = cand.group.eqns[cand.group.eqns.length - 1];
  const what = `${cand.k}x${cand.n}${common.bias ? "_bias" : ""}${cand.relu ? "_relu" : ""}${cand.conv?.pool ? "_pool" : ""}_${unsigned ? "u8" : "s8"}${pc ? `_cols${pc.w}x${pc.c}` : ""}`;
  const key = `int8_${cand.sparse ? "sparse" : cand.eqn.op}_${ident(cand.layer)}_${what}`;
  const conv = cand.conv;
  const fn = conv
    ? c.kernel(key, (bn, mod, name) => {
        addInt8Conv2d(bn, mod, { ...conv, ...common, name });
        nameParams(mod, name, int8ConvParams({ ...conv, ...common, name }));
      })
    : c.kernel(key, (bn, mod, name) => {
        const spec = { k: cand.k, n: cand.n, ...common, name };
        if (cand.sparse) addInt8Sparse(bn, mod, spec);
        else addInt8Dense(bn, mod, spec);
        nameParams(mod, name, cand.sparse ? int8SparseParams(spec) : int8DenseParams(spec));
      });
  const xs = c.value(x).shape;
  const args = [
    countExpr(conv ? xs.slice(0, 1) : xs.slice(0, -1)),
    c.addr(x),
    c.addr(w),
    `${c.addr(w)} + ${int8PackedBytes(cand.k, cand.n)}`,
  ];
  if (b !== undefined) args.push(c.addr(b));
  const ws = conv
    ? int8ConvScratch({ ...conv, ...common, name: "" }).total + 16
    : cand.sparse
      ? int8SparseScratchBytes({ k: cand.k })
      : int8DenseScratchBytes({ k: cand.k });
  args.push(c.addr(last.outputs[0]), c.scratch(ws));
  return `${fn}(${args.join(", ")});`;
}

/**
 * Relative RMS error of the int8 layer against float64 on the observed rows (both before the
 * activation and the pool): x·W + b, or the convolution on at most 32 images.
 */
function layerError(
  cand: Candidate,
  x: Float32Array,
  rows: number,
  w: Float32Array,
  bias: Float32Array | null,
  q: Int8Array,
  kernelScale: Float32Array,
  s: { inputsScale: number; unsigned: boolean },
): number {
  const { k, n } = cand;
  const common = { q, kernelScale, bias, relu: false, ...s };
  let yq: Float32Array;
  const yf: number[] = [];
  if (cand.conv) {
    const g = { ...cand.conv, pool: undefined };
    rows = Math.min(rows, 32);
    yq = new Float32Array(rows * g.oh * g.ow * n);
    int8Conv2d(yq, x, rows, { ...g, ...common });
    for (let img = 0; img < rows; img++)
      for (let oy = 0; oy < g.oh; oy++)
        for (let ox = 0; ox < g.ow; ox++)
          for (let co = 0; co < n; co++) {
            let v = bias ? bias[co] : 0;
            for (let dy = 0; dy < g.kh; dy++)
              for (let dx = 0; dx < g.kw; dx++) {
                const iy = oy * g.sh - g.pt + dy;
                const ix = ox * g.sw - g.pl + dx;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                for (let ci = 0; ci < g.c; ci++)
                  v += x[((img * g.h + iy) * g.w + ix) * g.c + ci] * w[((dy * g.kw + dx) * g.c + ci) * n + co];
              }
            yf.push(v);
          }
  } else {
    yq = new Float32Array(rows * n);
    int8Dense(yq, x, rows, { k, n, ...common });
    const acc = new Float64Array(n);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < n; c++) acc[c] = bias ? bias[c] : 0;
      for (let i = 0; i < k; i++) {
        const v = x[r * k + i];
        if (v !== 0) for (let c = 0; c < n; c++) acc[c] += v * w[i * n + c];
      }
      yf.push(...acc);
    }
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < yf.length; i++) {
    num += (yq[i] - yf[i]) ** 2;
    den += yf[i] ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : num > 0 ? Infinity : 0;
}

export interface QuantizeRequest {
  readonly front: FrontEndResult;
  readonly scheduled: TrainingProgram;
  readonly itp: TrainingProgram;
  readonly fused: FusedProgram;
  readonly plan: MemoryPlan;
  readonly info: ModelInfo;
  readonly name: string;
  /** The checked float tensors of the model, and the float weights file. */
  readonly weights: Record<string, SafetensorsTensor>;
  readonly weightsFile: Uint8Array;
  readonly options: QuantizeOptions;
}

/** Decides, calibrates and quantizes; returns what the module, its weights and its info become. */
export async function quantizeModel(req: QuantizeRequest): Promise<QuantizedModel> {
  const { itp, fused, options } = req;
  const entry = itp.inference[0];
  const seed = options.seed ?? 1;
  const groups = fused.segments.get(entry.forward) ?? [];
  const candidates: Candidate[] = [];
  const float: { layer: string; op: string; why: string; at: number }[] = [];
  // A kernel read by two layers (a layer called twice) keeps its float copy in memory.
  const uses = new Map<number, number>();
  for (const e of entry.forward) for (const id of e.inputs) uses.set(id, (uses.get(id) ?? 0) + 1);
  groups.forEach((g, at) => {
    const c = candidateOf(itp, fused, g);
    if (c === null) return;
    if ("why" in c) float.push({ ...c, at });
    else if ((uses.get(c.eqn.inputs[1]) ?? 0) > 1)
      float.push({ layer: c.layer, op: c.eqn.op, why: "its kernel is used by another call too", at });
    else candidates.push(c);
  });
  let samples = 0;
  const layers: QuantizedInfo["layers"][number][] = [];
  const swap = new Map<Group, Group>();
  const int8 = new Map<string, Int8Layout>();
  const weights: Record<string, SafetensorsTensor> = {};
  const quantizedKernels = new Map<string, { q: Int8Array; scale: Float32Array }>();
  if (candidates.length > 0) {
    const probes: Probe[] = candidates.map((c) => ({ group: c.group, x: c.eqn.inputs[0], k: c.row, keep: c.conv ? 32 : INT8_RULE.rows }));
    const cal = await calibrate(
      {
        front: req.front,
        scheduled: req.scheduled,
        itp,
        fused,
        plan: req.plan,
        info: req.info,
        name: req.name,
        weights: req.weightsFile,
        samples: options.calibration,
        seed,
        data: options.data,
      },
      probes,
    );
    samples = cal.samples;
    candidates.forEach((cand, i) => {
      const o = cal.observed[i];
      const [, w, b] = cand.eqn.inputs;
      const wPath = itp.values[w].param!.path;
      const wf = req.weights[wPath].data as Float32Array;
      const bias = b !== undefined ? (req.weights[itp.values[b].param!.path].data as Float32Array) : null;
      const { scale: inputsScale, unsigned } = inputsScaleOf(o.min, o.max);
      const { q, scale } = quantizeKernel(wf, cand.n);
      const error = layerError(cand, o.rows, o.kept, wf, bias, q, scale, { inputsScale, unsigned });
      const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
      if (!(error <= INT8_RULE.maxError)) {
        float.push({
          at: groups.indexOf(cand.group),
          layer: cand.layer,
          op: cand.eqn.op,
          why: `its int8 output is ${pct(error)} off the float one on ${cand.conv ? Math.min(o.kept, 32) : o.kept} calibration ${cand.conv ? "images" : "rows"}: it costs accuracy (over ${pct(INT8_RULE.maxError)})`,
        });
        return;
      }
      layers.push({ layer: cand.layer, op: cand.eqn.op, inputs: unsigned ? "uint8" : "int8", inputsScale, error });
      swap.set(cand.group, { ...cand.group, emit: (c) => int8Call(c, cand, inputsScale, unsigned) });
      int8.set(wPath, { k: cand.k, n: cand.n, inputsScale, ...(cand.pairColumns ? { pairColumns: cand.pairColumns } : {}) });
      quantizedKernels.set(wPath, { q, scale });
    });
  }
  for (const [name, t] of Object.entries(req.weights)) {
    const qk = quantizedKernels.get(name);
    if (!qk) {
      weights[name] = t;
      continue;
    }
    weights[name] = { dtype: "I8", shape: t.shape, data: qk.q };
    weights[`${name}_scale`] = { dtype: "F32", shape: [qk.scale.length], data: qk.scale };
  }
  const segments = new Map(fused.segments);
  segments.set(
    entry.forward,
    groups.map((g) => swap.get(g) ?? g),
  );
  // In model order, as the export prints them.
  const stayed = float.sort((a, b) => a.at - b.at).map(({ layer, op, why }) => ({ layer, op, why }));
  return {
    fused: { ...fused, segments },
    int8,
    weights,
    quantized: { scheme: "int8", layers, float: stayed, calibration: { samples, seed } },
  };
}

/** `int8: cnn/dense (uint8 inputs, error 0.61%); float: cnn/conv2d (why), …`: what the export prints. */
export function quantizedLines(q: QuantizedInfo): string[] {
  const lines = [
    `int8 (calibrated on ${q.calibration.samples.toLocaleString("en-US")} training samples, seed ${q.calibration.seed}): ${
      q.layers.map((l) => `${l.layer} (${l.inputs} inputs, error ${(100 * l.error).toFixed(2)}%)`).join(", ") || "no layer"
    }`,
  ];
  for (const f of q.float) lines.push(`stays float: ${f.layer} (${f.op}): ${f.why}`);
  return lines;
}
