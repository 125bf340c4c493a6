// The TypeScript and WebAssembly backends on the same program, weights, inputs and seed
// (docs/architecture.md §5: they agree to relative L2 ≤ 1e-5 per tensor, with an elementwise floor):
// the loss, every gradient of each step, and the parameters and optimizer state after
// several optimizer steps. Both run in float32; noise and dropout masks come from the
// runtime's RNG on both, so the same seed gives the same draws.
import { loadTrainer } from "./trainer.js";
import { compare, type Tolerance } from "./numerics.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";

export const BACKEND_TOL: Tolerance = { rel: 1e-5, elemRel: 1e-3, elemAbs: 1e-4 };
/**
 * Parameters and state after Adam steps: Adam divides each gradient entry by its own
 * running magnitude, so the tiny entries' float32 rounding differences (invisible in a
 * gradient's relative L2) become visible in the update. Checked at PyTorch's bound, with
 * the same elementwise floor; the same models with SGD are held to BACKEND_TOL.
 */
export const ADAM_TOL: Tolerance = { rel: 1e-4, elemRel: 1e-3, elemAbs: 1e-4 };

export interface Agreement {
  /** Every mismatch, as a message (empty when the backends agree). */
  readonly problems: string[];
  /** The largest relative L2 error seen, per kind of tensor. */
  readonly worst: Record<string, number>;
  /** The wasm trainer's module, for further checks. */
  readonly wasm: TrainerModule & { ts: string };
}

export interface AgreementCase {
  readonly src: string;
  /** Fill the parameters and inputs of a trainer (called once per backend, must be deterministic). */
  readonly setup: (mod: TrainerModule, t: TrainerInstance) => void;
  readonly batch: number;
  /** Rows each step uses (≤ batch). */
  readonly n: number;
  /** Optimizer steps to compare after (default 3). */
  readonly steps?: number;
  readonly seed?: number;
  readonly tol?: Tolerance;
  /** The wasm module variant (default: SIMD128). */
  readonly variant?: "simd128" | "relaxed";
}

export async function agreeBackends(c: AgreementCase): Promise<Agreement> {
  const ts = await loadTrainer(c.src, "test.dlm", undefined, "ts");
  const wasm = await withVariant(c.variant ?? "simd128", () => loadTrainer(c.src, "test.dlm", undefined, "wasm"));
  const make = (mod: TrainerModule) => {
    const t = mod.createTrainer(new Rng(c.seed ?? 11), { batch: c.batch });
    c.setup(mod, t);
    return t;
  };
  const a = make(ts);
  const b = make(wasm);
  const tol = c.tol ?? BACKEND_TOL;
  const problems: string[] = [];
  const worst: Record<string, number> = {};
  const adam = ts.program.steps.some((st) => (st.optimizer as { kind: string }).kind === "adam");
  const check = (kind: string, name: string, x: ArrayLike<number>, y: ArrayLike<number>) => {
    // A loss is one sum of many float32 terms, added in another order (4 lanes at a time in
    // wasm): with cancellation its relative error exceeds the per-tensor bound, so a loss is
    // held to PyTorch's (as is everything downstream of an Adam step).
    const t =
      kind.startsWith("loss") ||
      (adam && (kind === "parameter" || kind.startsWith("optimizer") || kind === "evaluation" || kind === "inference"))
        ? ADAM_TOL
        : tol;
    const cmp = compare(`${kind} ${name}`, Float64Array.from(y), Float64Array.from(x), t);
    worst[kind] = Math.max(worst[kind] ?? 0, cmp.relL2);
    if (!cmp.ok) problems.push(cmp.message);
  };
  const perTensor = (kind: string, x: ArrayLike<number>, y: ArrayLike<number>, ranges: readonly { offset: number; size: number }[]) => {
    for (const p of ts.parameters) {
      if (!ranges.some((r) => p.offset >= r.offset && p.offset < r.offset + r.size)) continue;
      check(
        kind,
        p.name,
        Array.prototype.slice.call(x, p.offset, p.offset + p.size),
        Array.prototype.slice.call(y, p.offset, p.offset + p.size),
      );
    }
  };
  const all = [{ offset: 0, size: ts.program.paramCount }];
  // Step by step through one batch: each step's loss, its gradients, then the parameters it updated.
  for (let s = 0; s < (c.steps ?? 3); s++) {
    const ra = a.trainStep(c.n);
    const rb = b.trainStep(c.n);
    if (ra !== rb) problems.push(`step ${s}: trainStep returned ${ra} (ts) and ${rb} (wasm)`);
    ts.program.steps.forEach((st, k) => {
      check(`loss[${k}]`, `batch ${s}`, [a.losses[k]], [b.losses[k]]);
      if (s === 0 && k === ts.program.steps.length - 1) perTensor("gradient", a.grads, b.grads, st.ranges);
    });
    perTensor("parameter", a.params, b.params, all);
    for (const [key, buf] of Object.entries(a.state)) perTensor(`optimizer ${key}`, buf, b.state[key], all);
  }
  if (a.evaluate && b.evaluate) {
    check("evaluation", "loss", [a.evaluate(c.n)], [b.evaluate(c.n)]);
    check(
      "evaluation",
      "prediction",
      a.prediction!.subarray(0, (a.prediction!.length / c.batch) * c.n),
      b.prediction!.subarray(0, (b.prediction!.length / c.batch) * c.n),
    );
  }
  for (const [name, m] of Object.entries(a.models)) {
    m.inputs.forEach((x, i) => b.models[name].inputs[i].set(x));
    m.run(c.n);
    b.models[name].run(c.n);
    const per = m.output.length / c.batch;
    check("inference", name, m.output.subarray(0, per * c.n), b.models[name].output.subarray(0, per * c.n));
  }
  return { problems, worst, wasm };
}

/** Runs `load` with DLM_WASM_VARIANT set (the trainer module picks its kernels when it loads). */
export async function withVariant<T>(variant: "simd128" | "relaxed", load: () => Promise<T>): Promise<T> {
  const saved = process.env.DLM_WASM_VARIANT;
  process.env.DLM_WASM_VARIANT = variant;
  try {
    return await load();
  } finally {
    if (saved === undefined) delete process.env.DLM_WASM_VARIANT;
    else process.env.DLM_WASM_VARIANT = saved;
  }
}
