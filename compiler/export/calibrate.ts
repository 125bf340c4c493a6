// Calibration of an int8 export (export/quantize.ts): N training samples, drawn with a fixed
// seed, go through the float model, and every candidate layer's input is observed — its
// minimum and maximum (which set the input's quantization scale) and its first rows (on which
// the rule measures the layer's int8 error). The float model runs as the exported module
// does: the same inference program, fusion and memory plan, emitted with a probe call before
// each candidate layer's kernel (`probe?.(i, mem.f32(A_x, n * k))`), built for SIMD128,
// written to a temporary folder with its runtime and imported in this process.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FrontEndResult } from "../compile.js";
import { toJavaScript } from "../compile.js";
import type { ValueId } from "../ir/ir.js";
import type { TrainingProgram } from "../ir/train-ir.js";
import type { FusedProgram, Group } from "../wasm/fuse.js";
import type { MemoryPlan } from "../wasm/plan-memory.js";
import { fusedRules, kernelOf } from "../ops/index.js";
import { emitModelModule } from "./module.js";
import { loadData, type DataInfo, type InputInfo } from "../../runtime/data/load.js";
import { DataError } from "../../runtime/errors.js";
import { Rng } from "../../runtime/rng.js";
import type { Model, ModelInfo } from "../../runtime/inference.js";

/** The compiled runtime (dist/runtime), whose inference pieces go beside the calibration module. */
const runtimeJs = fileURLToPath(new URL("../../runtime/", import.meta.url));

/** A layer input to observe: the group whose kernel reads it and the value. */
export interface Probe {
  readonly group: Group;
  readonly x: ValueId;
  /** Values per row of x: its last axis (rows: the batch and time steps), or a whole sample (an image). */
  readonly k: number;
  /** Rows to keep for the error rule. */
  readonly keep: number;
}

export interface Observed {
  min: number;
  max: number;
  /** The first rows seen (at most the probe's `keep`), row-major [rows, k]. */
  rows: Float32Array;
  kept: number;
}

export interface CalibrationRequest {
  readonly front: FrontEndResult;
  /** The train block's program (its data source and inputs). */
  readonly scheduled: TrainingProgram;
  readonly itp: TrainingProgram;
  readonly fused: FusedProgram;
  readonly plan: MemoryPlan;
  readonly info: ModelInfo;
  readonly name: string;
  /** The float weights file (safetensors bytes). */
  readonly weights: Uint8Array;
  readonly samples: number;
  readonly seed: number;
  /** --data: the folder or file the train block's data comes from, as for `dlm train`. */
  readonly data?: string;
}

/** The group's own code with a probe call before it. */
function probed(g: Group, i: number, x: ValueId): Group {
  return {
    ...g,
    emit: (c) => {
      const own = g.eqns.length > 1 ? fusedRules[g.rule!](c) : kernelOf(g.eqns[0].op).wasm(c);
      return `probe?.(${i}, mem.f32(${c.addr(x)}, ${c.size(x)})); ${own}`;
    },
  };
}

/** Runs `samples` training samples through the float model and observes each probe's input. */
export async function calibrate(req: CalibrationRequest, probes: readonly Probe[]): Promise<{ observed: Observed[]; samples: number }> {
  const { itp, fused } = req;
  const entry = itp.inference[0];
  const swap = new Map(probes.map((p, i) => [p.group, probed(p.group, i, p.x)] as const));
  const segments = new Map(fused.segments);
  segments.set(
    entry.forward,
    (fused.segments.get(entry.forward) ?? []).map((g) => swap.get(g) ?? g),
  );
  const files = { weights: `${req.name}.safetensors`, wasm: `${req.name}.wasm` };
  const emitted = emitModelModule(itp, {
    source: req.front.source,
    sourcePath: req.front.source.path,
    plan: req.plan,
    fused: { ...fused, segments },
    info: req.info,
    files,
    probe: true,
  });
  const { loadBinaryen } = await import("../wasm/kernels/binaryen.js");
  const { buildModule } = await import("../wasm/kernels/module.js");
  const b = await loadBinaryen();
  const wasm = buildModule(b, (mod) => emitted.kernels.forEach((k) => k.add(b, mod, k.name, { relaxed: false })), {
    relaxed: false,
  }).binary;
  const js = await toJavaScript(emitted.text, `${req.name}.ts`);

  const observed: Observed[] = probes.map((p) => ({ min: Infinity, max: -Infinity, rows: new Float32Array(p.keep * p.k), kept: 0 }));
  const probe = (i: number, v: Float32Array) => {
    const o = observed[i];
    let lo = o.min;
    let hi = o.max;
    for (let j = 0; j < v.length; j++) {
      const x = v[j];
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    o.min = lo;
    o.max = hi;
    const k = probes[i].k;
    const take = Math.min(probes[i].keep - o.kept, v.length / k);
    if (take > 0) {
      o.rows.set(v.subarray(0, take * k), o.kept * k);
      o.kept += take;
    }
  };
  const x = trainingSamples(req);
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-calibrate-"));
  try {
    mkdirSync(path.join(dir, "runtime", "wasm"), { recursive: true });
    writeFileSync(path.join(dir, `${req.name}.js`), js);
    writeFileSync(path.join(dir, "package.json"), `{"type": "module"}\n`);
    for (const f of ["inference.js", "wasm/instantiate.js"]) cpSync(path.join(runtimeJs, f), path.join(dir, "runtime", f));
    if (emitted.usesReferenceKernels) cpSync(path.join(runtimeJs, "kernels"), path.join(dir, "runtime", "kernels"), { recursive: true });
    if (!existsSync(path.join(dir, "runtime", "inference.js")))
      throw new Error("internal: the compiled runtime is missing (npm run build)");
    const mod = (await import(pathToFileURL(path.join(dir, `${req.name}.js`)).href)) as {
      load(s: { weights: Uint8Array; wasm: Uint8Array }, probe: (i: number, v: Float32Array) => void): Promise<Model>;
    };
    const model = await mod.load({ weights: req.weights, wasm }, probe);
    model.predict(x.data, x.n);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { observed, samples: x.n };
}

/** `samples` rows of the training data (at most all of them), drawn by a permutation from `seed`, as the model's input. */
function trainingSamples(req: CalibrationRequest): { data: Float32Array; n: number } {
  const tp = req.scheduled;
  if (!tp.data) throw new DataError(`\`train ${tp.name}\` has no data clause to calibrate on`, req.front.source.path);
  const inputs: InputInfo[] = tp.inputs.map((id) => ({
    name: tp.values[id].name,
    shape: [...tp.values[id].shape],
    dtype: tp.values[id].dtype,
  }));
  const baseDir = path.dirname(path.resolve(req.front.source.path));
  const loaded = loadData({ ...tp.data, span: undefined } as unknown as DataInfo, inputs, {
    baseDir,
    ...(req.data ? { override: req.data } : {}),
  });
  const ds = loaded.train;
  const row = req.info.input.shape.reduce((a, d) => a * d, 1);
  const size = ds.xShape.reduce((a, d) => a * d, 1);
  if (ds.windows || size !== row)
    throw new DataError(
      ds.windows
        ? `calibration reads the training samples as the model's input; windows of a text are not samples it can read`
        : `calibration reads the training samples as the model's input [${req.info.input.shape.join(", ")}], but they are [${ds.xShape.join(", ")}] (a model that does not read the training data, such as a generator, cannot be calibrated on it)`,
      ds.source ?? req.front.source.path,
    );
  const n = Math.min(req.samples, ds.n);
  const order = new Rng(req.seed).permutation(ds.n);
  const data = new Float32Array(n * row);
  for (let s = 0; s < n; s++) {
    const r = order[s];
    ds.fetch?.(r);
    const src = ds.x;
    if (src instanceof Uint8Array) {
      const table = ds.table!;
      for (let j = 0; j < row; j++) data[s * row + j] = table[src[r * row + j]];
    } else data.set(src.subarray(r * row, (r + 1) * row), s * row);
  }
  return { data, n };
}
