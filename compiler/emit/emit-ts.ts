// Emit TypeScript: a TrainingProgram → one trainer module that reads like a hand-written
// llm.c trainer: flat buffers with named views, preallocated activations, a
// forward/backward/update function per step with shape comments and the .dlm line each
// piece comes from, and nothing allocated inside a step. Written with ts-morph's code
// writer, formatted with prettier. The runtime (runtime/trainer.ts) drives the module.
//
// Takes: a TrainingProgram (schedule.ts), and for the WebAssembly backend its fused kernel
// groups (fuse.ts) and memory plan (plan-memory.ts). Guarantees: a module exporting
// `program`, `parameters` and `createTrainer`; it imports only the runtime
// (`runtimeImport`). On the wasm backend every buffer is a typed-array view at its planned
// offset in one memory and every kernel a call `k.<kernel>(n, byte offsets…)` into the
// trainer's module (`kernels` lists what to build, each op's module in compiler/ops how); ops whose wasm rule
// returns null (random draws, constants) keep their TypeScript line, on the same views.
import { CodeBlockWriter } from "ts-morph";
import type { Shape, ValueId } from "../ir/ir.js";
import type { TEqn, TrainingProgram, TValue } from "../ir/train-ir.js";
import { countExpr } from "../ops/kit/ts.js";
import { aliasOps, fusedRules, kernelOf } from "../ops/index.js";
import type { EmitCtx, KernelAdder, WasmCtx } from "../ops/op.js";
import { positionOf, type SourceFile } from "../source.js";
import { gradientPlacement, optimizerState, type MemoryPlan, type Slot } from "../passes/plan-memory.js";
import { optimizerCall } from "../ops/kit/wasm.js";
import type { FusedProgram, Group } from "../passes/fuse.js";

export interface EmitOptions {
  /** Module specifier of the runtime folder, e.g. "./runtime" (no trailing slash). */
  readonly runtimeImport: string;
  readonly source: SourceFile;
  /** Shown in the header and in comments. */
  readonly sourcePath: string;
  /** The .dlm file's folder as a URL relative to the emitted module (or absolute): relative data paths resolve against it. */
  readonly sourceDir: string;
  /** The WebAssembly backend: buffers live in one memory laid out by `plan`; kernels are calls into `file`. */
  readonly wasm?: { readonly plan: MemoryPlan; readonly fused: FusedProgram; readonly file: string; readonly relaxedFile?: string };
}

/** A kernel the trainer calls: added to the trainer's module under `name`. */
export interface KernelRequest {
  readonly name: string;
  readonly key: string;
  readonly add: KernelAdder;
  /** The ops it computes, with their origins, for `--emit kernels`. */
  readonly ops: string[];
}

export interface EmittedTrainer {
  readonly text: string;
  /** The WebAssembly backend's kernels (empty for the TypeScript backend). */
  readonly kernels: readonly KernelRequest[];
  /** Bytes of linear memory at batch size B (the plan plus kernel scratch). */
  readonly memory?: Slot;
}

const reserved = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async of arguments eval undefined NaN Infinity".split(
    " ",
  ),
);
const ident = (s: string): string => {
  const id = s.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
  return reserved.has(id) ? `${id}_` : id;
};
const shapeText = (s: Shape): string => `[${s.join(", ")}]`;
const sizeOf = (s: Shape): number => s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

export function emitTrainerTs(tp: TrainingProgram, opts: EmitOptions): EmittedTrainer {
  const values = opts.wasm?.fused.values ?? tp.values; // fusion may add values (a max-pool's argmax)
  const names = new Map<ValueId, string>();
  const used = new Set<string>([
    "n",
    "B",
    "F",
    "K",
    "k",
    "mem",
    "WS",
    "rng",
    "params",
    "grads",
    "losses",
    "options",
    "program",
    "parameters",
    "kernelModule",
    "rngWords",
  ]);
  const nameOf = (id: ValueId): string => {
    let n = names.get(id);
    if (n) return n;
    const v = values[id];
    const base = v.gradOf !== undefined ? `d${nameOf(v.gradOf)}${v.name.slice(values[v.gradOf].name.length + 1)}` : ident(v.name);
    n = uniq(base);
    names.set(id, n);
    return n;
  };
  function uniq(base: string): string {
    let n = base;
    for (let k = 1; used.has(n); k++) n = `${base}_${k}`;
    used.add(n);
    return n;
  }

  // Constants are named after their value: c1, c0p9 (0.9), cm1 (−1).
  for (const e of tp.constants) {
    const v = e.attrs.value as number;
    if (values[e.outputs[0]].gradOf === undefined)
      names.set(e.outputs[0], uniq(`c${String(v).replace("-", "m").replace(".", "p").replace("+", "")}`));
  }
  // Which buffer each value uses: aliases share their input's buffer.
  const bufferOf = new Map<ValueId, ValueId>();
  const allEqns: TEqn[] = [
    ...tp.constants,
    ...tp.lets,
    ...tp.steps.flatMap((s) => [...s.forward, ...s.backward]),
    ...(tp.evaluation?.forward ?? []),
    ...tp.inference.flatMap((m) => m.forward),
  ];
  for (const e of allEqns) if (aliasOps.has(e.op)) bufferOf.set(e.outputs[0], root(e.inputs[0]));
  function root(id: ValueId): ValueId {
    return bufferOf.get(id) ?? id;
  }

  // Parameter gradients live in the flat gradient buffer: the producing eqn writes the view.
  const { views: gradView, copies } = gradientPlacement(tp, aliasOps);

  const hoisted: string[] = [];
  const hoistedByCode = new Map<string, string>();
  const hoist = (hint: string, code: string): string => {
    // Identical constants are shared (scratch index arrays too: kernels never run concurrently).
    const have = hoistedByCode.get(code);
    if (have) return have;
    let name = ident(hint).toUpperCase();
    for (let k = 1; used.has(name); k++) name = `${ident(hint).toUpperCase()}_${k}`;
    used.add(name);
    hoisted.push(code.replace("NAME", name));
    hoistedByCode.set(code, name);
    return name;
  };
  // Scratch buffers (per-row work space of a kernel), shared by kernels that never overlap.
  const scratches: string[] = [];
  const scratch = (perRow: number, which = 0): string => {
    const name = `scratch${which}_${perRow}`;
    if (!scratches.some((s) => s.startsWith(`const ${name} `)))
      scratches.push(`const ${name} = new F(B * ${perRow}); // kernel work space`);
    used.add(name);
    return name;
  };
  const ctxFor = (e: TEqn): EmitCtx => ({
    eqn: e,
    attrs: e.attrs,
    value: (id) => values[id],
    buf: (id) => nameOf(id), // aliases (reshape, stop_gradient) have their own declared names
    size: (id) => countExpr(values[id].shape),
    hoist,
    scratch,
  });
  const where = (e: TEqn): string => {
    const line = positionOf(opts.source, e.span.start).line;
    const text = opts.source.text.slice(e.span.start, e.span.end).split("\n")[0].trim();
    return `${opts.sourcePath}:${line}${e.origin ? ` ${e.origin}` : ""}  ${text.length > 60 ? text.slice(0, 57) + "..." : text}`;
  };

  // The WebAssembly backend: kernels by key, byte-offset constants by value, shared scratch.
  const wasm = opts.wasm;
  const kernels = new Map<string, KernelRequest>();
  const addrNames = new Map<ValueId, string>();
  let scratchNeed: Slot = { fixed: 0, perRow: 0 };
  const addrOf = (id: ValueId): string => {
    const r = root(id);
    let a = addrNames.get(r);
    if (!a) {
      a = uniq(`A_${nameOf(r)}`);
      addrNames.set(r, a);
    }
    return a;
  };
  const wasmCtxFor = (e: TEqn, group: readonly TEqn[] = [e], g?: Group, label?: string): WasmCtx => ({
    eqn: e,
    attrs: e.attrs,
    group,
    extraIn: g?.extraIn ?? [],
    extraOut: g?.extraOut ?? [],
    value: (id) => values[id],
    addr: addrOf,
    hasBuffer: (id) => !wasm?.fused.internal.has(root(id)),
    size: (id) => countExpr(values[id].shape),
    kernel: (key, add) => {
      let kr = kernels.get(key);
      if (!kr) {
        kr = { name: ident(key), key, add, ops: [] };
        kernels.set(key, kr);
      }
      kr.ops.push(label ?? group.map((x) => `${x.op}${x.origin ? ` (${x.origin})` : ""}`).join(" + "));
      return `k.${kr.name}`;
    },
    scratch: (fixed, perRow = 0) => {
      scratchNeed = { fixed: Math.max(scratchNeed.fixed, fixed), perRow: Math.max(scratchNeed.perRow, perRow) };
      return "WS";
    },
  });

  /** Kernel calls for a list of eqns (one segment), each under a comment with its source and shapes. */
  const lines = (eqns: readonly TEqn[]): string[] => {
    const out: string[] = [];
    let lastWhere = "";
    const groups = wasm
      ? (wasm.fused.segments.get(eqns) ?? eqns.map((e) => ({ pattern: e.op, eqns: [e] })))
      : eqns.map((e) => ({ pattern: e.op as string, eqns: [e] }));
    for (const g of groups) {
      const e = g.eqns[0];
      if (aliasOps.has(e.op)) continue;
      let code: string | null;
      if (g.eqns.length > 1) {
        const rule = "rule" in g && g.rule ? fusedRules[g.rule] : undefined;
        if (!rule) throw new Error(`internal: no rule for the fused pattern ${g.pattern}`);
        code = rule(wasmCtxFor(e, g.eqns, g));
      } else code = (wasm ? kernelOf(e.op).wasm(wasmCtxFor(e)) : null) ?? kernelOf(e.op).ts(ctxFor(e));
      if (code === undefined || code === null) throw new Error(`internal: no TypeScript rule for ${e.op}`);
      for (const x of g.eqns) {
        const here = where(x);
        if (here !== lastWhere) out.push(`// ${here}`);
        lastWhere = here;
      }
      const last = g.eqns[g.eqns.length - 1];
      const fusedNote = g.eqns.length > 1 ? ` (fused: ${g.pattern})` : "";
      const shapes = e.inputs.length
        ? ` // ${e.inputs.map((id) => shapeText(values[id].shape)).join(" ")} → ${shapeText(values[last.outputs[0]].shape)}${fusedNote}`
        : "";
      out.push(`${code}${shapes}`);
    }
    return out;
  };
  // The optimizer updates (wasm: one kernel per trained range of the flat buffers).
  const updateLines = tp.steps.map((s, k) =>
    s.ranges.map((r) => {
      const o = s.optimizer;
      if (wasm) {
        const ctx = wasmCtxFor(
          { op: "constant", inputs: [], outputs: [], attrs: {}, span: s.span },
          undefined,
          undefined,
          `${o.kind} update of ${s.model}'s parameters [${r.offset}, ${r.offset + r.size})`,
        );
        return optimizerCall(ctx, o, r, (f) => wasm.plan.flat.get(f)!, `stepCounts[${k}]`);
      }
      return o.kind === "adam"
        ? `K.adam(params, grads, adam_m, adam_v, ${r.offset}, ${r.size}, ${o.lr}, ${o.beta1}, ${o.beta2}, ${o.eps}, stepCounts[${k}]);`
        : `K.sgd(params, grads, ${o.momentum > 0 ? "momentum" : "null"}, ${r.offset}, ${r.size}, ${o.lr}, ${o.momentum}, ${o.nesterov});`;
    }),
  );
  // Generate every body first: kernels register the constants and scratch space they need.
  const constantLines = lines(tp.constants);
  const letLines = lines(tp.lets);
  const stepLines = tp.steps.map((s) => ({ forward: lines(s.forward), backward: lines(s.backward) }));
  const evalLines = tp.evaluation ? lines(tp.evaluation.forward) : [];
  const inferLines = tp.inference.map((m) => lines(m.forward));
  const body = (w: CodeBlockWriter, ls: readonly string[]) => ls.forEach((l) => w.writeLine(l));

  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2, useTabs: false, useSingleQuote: false });
  const opt = (o: TrainingProgram["steps"][number]["optimizer"]) =>
    o.kind === "sgd"
      ? `sgd(lr=${o.lr}, momentum=${o.momentum}, nesterov=${o.nesterov})`
      : `adam(lr=${o.lr}, beta1=${o.beta1}, beta2=${o.beta2}, eps=${o.eps})`;
  w.writeLine(`// Generated by dlm from ${opts.sourcePath} — edit the .dlm file, not this one.`);
  w.writeLine(
    `// Trainer for \`train ${tp.name}\`: ${tp.paramCount.toLocaleString("en-US")} parameters; ${tp.steps.map((s) => `step ${s.model} with ${opt(s.optimizer)}`).join("; ")}.`,
  );
  // The reference kernels, where a line calls one (always on the TS backend; on the wasm
  // backend only for the rare ops that stay in TypeScript).
  const usesReference =
    !wasm ||
    [constantLines, letLines, ...stepLines.flatMap((l) => [l.forward, l.backward]), evalLines, ...inferLines, ...updateLines].some((ls) =>
      ls.some((l) => /\bK\./.test(l)),
    );
  // Types of the reference kernels that the code names (`K.ConvGeom`): K is a value imported at
  // run time, so they reach it through a type-only namespace of the same name.
  const kernelTypes = usesReference
    ? [
        ...new Set(
          [hoisted, constantLines, letLines, ...stepLines.flatMap((l) => [l.forward, l.backward]), evalLines, ...inferLines, ...updateLines]
            .flat()
            .flatMap((l) => [...l.matchAll(/(?::|\bas\b|<)\s*K\.([A-Z]\w*)/g)].map((m) => m[1])),
        ),
      ]
    : [];
  if (kernelTypes.length > 0) w.writeLine(`import type * as KernelTypes from "${opts.runtimeImport}/kernels/index.js";`);
  w.writeLine(`import type { Rng } from "${opts.runtimeImport}/rng.js";`);
  w.writeLine(`import type { TrainerInstance, TrainerOptions, ProgramInfo, ParameterInfo } from "${opts.runtimeImport}/trainer.js";`);
  w.writeLine(`import { fileURLToPath, pathToFileURL } from "node:url";`);
  w.blankLine();
  w.writeLine(`// The runtime, loaded here so that a missing runtime file is reported in one line.`);
  if (usesReference) w.writeLine(`const K = await import("${opts.runtimeImport}/kernels/index.js").catch(runtimeMissing);`);
  if (kernelTypes.length > 0)
    w.writeLine(`declare namespace K { ${kernelTypes.map((t) => `export type ${t} = KernelTypes.${t};`).join(" ")} }`);
  w.writeLine(`const { isMain, runMain } = await import("${opts.runtimeImport}/main.js").catch(runtimeMissing);`);
  if (wasm) {
    w.writeLine(
      `const { loadKernelModule, instantiate } = await import("${opts.runtimeImport}/wasm/trainer-memory.js").catch(runtimeMissing);`,
    );
    w.blankLine();
    const relaxed = wasm.relaxedFile ? `new URL(${JSON.stringify("./" + wasm.relaxedFile)}, import.meta.url)` : "undefined";
    w.writeLine(
      `/** The trainer's kernels (${kernels.size}), compiled once${wasm.relaxedFile ? "; the relaxed-SIMD variant where the engine has it" : ""}; a module of another build (one that lacks a kernel called here) is refused. */`,
    );
    const names = JSON.stringify([...kernels.values()].map((k) => k.name));
    w.writeLine(
      `const kernelModule = await loadKernelModule(new URL(${JSON.stringify("./" + wasm.file)}, import.meta.url), ${relaxed}, ${names});`,
    );
  }
  w.blankLine();

  // Static description of the program, for the runtime driver and checkpoints.
  const paramsInfo = tp.params.map((id) => {
    const p = values[id].param!;
    return {
      name: p.path,
      shape: values[id].shape as number[],
      offset: p.offset,
      size: p.size,
      init: p.init,
      layout: p.layout,
      ...(p.state ? { state: true } : {}),
    };
  });
  // Inputs read as class ids (a sparse cross-entropy's labels, accuracy's integer labels) and
  // their class count (the scores' last dimension): the runtime checks the labels at load.
  const classes = new Map<ValueId, number>();
  for (const e of allEqns)
    if (e.op === "sparse_categorical_crossentropy") classes.set(root(e.inputs[1]), values[e.inputs[0]].shape.at(-1) as number);
  const evaluation = tp.evaluation;
  if (evaluation && values[evaluation.target].dtype === "i32")
    classes.set(root(evaluation.target), values[evaluation.prediction].shape.at(-1) as number);
  const info = {
    name: tp.name,
    source: opts.sourcePath,
    settings: tp.settings,
    data: tp.data ? { ...tp.data, span: undefined } : null,
    inputs: tp.inputs.map((id) => ({
      name: values[id].name,
      shape: values[id].shape,
      dtype: values[id].dtype,
      ...(classes.has(id) ? { classes: classes.get(id) } : {}),
    })),
    steps: tp.steps.map((s) => ({ model: s.model, optimizer: s.optimizer, ranges: s.ranges })),
    models: tp.inference.map((m) => ({ name: m.model, inputs: m.inputs.map((id) => values[id].shape), output: values[m.output].shape })),
    samplers: tp.samplers,
    evaluation: tp.evaluation
      ? { metrics: tp.evaluation.metrics, prediction: values[tp.evaluation.prediction].shape, target: values[tp.evaluation.target].shape }
      : null,
    paramCount: tp.paramCount,
  };
  w.writeLine(`/** What this trainer trains, on what data, with which settings. */`);
  w.writeLine(`export const program: ProgramInfo = ${JSON.stringify(info)};`);
  w.blankLine();
  w.writeLine(`/** The flat parameter buffer: one entry per tensor, Keras layouts. */`);
  w.writeLine(`export const parameters: readonly ParameterInfo[] = ${JSON.stringify(paramsInfo)};`);
  w.blankLine();
  const hoistAt = w.getLength();

  // createTrainer: buffers, then the step functions that use them.
  const optState = optimizerState(tp);
  w.writeLine(`/** Allocates every buffer once; the step functions then allocate nothing. */`);
  w.write(`export function createTrainer(rng: Rng, options: TrainerOptions = {}): TrainerInstance`).block(() => {
    w.writeLine(`const B = options.batch ?? ${tp.settings.batch}; // rows per batch; a step uses the first n ≤ B`);
    const plan = wasm?.plan;
    const at = (slot: Slot): string => (slot.perRow === 0 ? String(slot.fixed) : `${slot.fixed} + ${slot.perRow} * B`);
    if (plan) {
      const total = { fixed: plan.bytes.fixed + scratchNeed.fixed + 16, perRow: plan.bytes.perRow + scratchNeed.perRow };
      w.writeLine(`if (options.float64) throw new Error("the WebAssembly backend computes in float32 (use --backend ts for float64)");`);
      w.writeLine(`const F = Float32Array;`);
      w.writeLine(
        `// One linear memory, laid out by the compiler's memory plan: ${total.fixed.toLocaleString("en-US")} bytes + ${total.perRow.toLocaleString("en-US")} per batch row.`,
      );
      w.writeLine(`const mem = instantiate(kernelModule, ${at(total)});`);
      w.writeLine(`const k = options.profile ? options.profile.wrap(mem.exports) : mem.exports; // --profile times every kernel`);
      w.writeLine(`const WS = ${at(plan.bytes)}; // kernel scratch space`);
      w.writeLine(`const rngWords = new Uint32Array(mem.memory.buffer, WS, 4); // the Rng's state, for draws inside the module`);
    } else {
      w.writeLine(`const F = options.float64 ? Float64Array : Float32Array;`);
    }
    /** Declares a buffer: its own typed array (TS backend), or a view at its planned offset (wasm). */
    const declare = (id: ValueId, count: string, dtype: string, comment: string) => {
      const name = nameOf(id);
      if (!plan) {
        w.writeLine(`const ${name} = new ${dtype === "i32" ? "Int32Array" : "F"}(${count}); // ${comment}`);
        return;
      }
      const slot = plan.slots.get(id);
      if (!slot) throw new Error(`internal: ${name} has no slot in the memory plan`);
      w.writeLine(`const ${addrOf(id)} = ${at(slot)};`);
      w.writeLine(`const ${name} = mem.${dtype === "i32" ? "i32" : "f32"}(${addrOf(id)}, ${count}); // ${comment}`);
    };
    w.blankLine();
    w.writeLine(`// Flat buffers: parameters, their gradients and the optimizer state share one layout.`);
    for (const f of ["params", "grads", ...optState]) {
      if (plan) w.writeLine(`const ${f} = mem.f32(${plan.flat.get(f)}, ${tp.paramCount});`);
      else w.writeLine(`const ${f} = new F(${tp.paramCount});`);
    }
    for (const id of tp.params) {
      const p = values[id].param!;
      if (plan) w.writeLine(`const ${addrOf(id)} = ${plan.flat.get("params")! + p.offset * 4};`);
      w.writeLine(`const ${nameOf(id)} = params.subarray(${p.offset}, ${p.offset + p.size}); // ${p.path} ${shapeText(values[id].shape)}`);
    }
    for (const [grad, param] of gradView) {
      const p = values[param].param!;
      if (plan) w.writeLine(`const ${addrOf(grad)} = ${plan.flat.get("grads")! + p.offset * 4};`);
      w.writeLine(`const ${nameOf(grad)} = grads.subarray(${p.offset}, ${p.offset + p.size}); // d ${p.path}`);
    }
    w.blankLine();
    w.writeLine(`// Inputs, one batch each, filled by the runtime.`);
    for (const id of tp.inputs) {
      const v = values[id];
      declare(id, bufferSize(v), v.dtype, shapeText(v.shape));
    }
    for (const m of tp.inference) {
      for (const id of m.inputs)
        declare(id, bufferSize(values[id]), "f32", `${shapeText(values[id].shape)}: input of \`${m.model}\` for inference`);
    }
    w.blankLine();
    w.writeLine(
      plan
        ? `// Activations and gradients, for B rows, at the offsets of the memory plan (buffers whose lifetimes do not overlap share memory).`
        : `// Activations and gradients, preallocated for B rows.`,
    );
    const declared = new Set<ValueId>([
      ...tp.params,
      ...tp.inputs,
      ...gradView.keys(),
      ...tp.inference.flatMap((m) => m.inputs),
      ...(wasm?.fused.internal ?? []),
    ]);
    for (const e of allEqns) {
      for (const id of e.outputs) {
        if (declared.has(id) || root(id) !== id) continue;
        declared.add(id);
        const v = values[id];
        declare(id, bufferSize(v), v.dtype, shapeText(v.shape));
      }
    }
    // Values fusion adds (a max-pool's argmax, kept from the forward to the backward pass).
    for (let id = tp.values.length; id < values.length; id++)
      declare(id, bufferSize(values[id]), values[id].dtype, `${shapeText(values[id].shape)}: written by a fused kernel`);
    for (const e of allEqns) {
      for (const id of e.outputs) {
        if (root(id) === id || declared.has(id)) continue;
        declared.add(id);
        w.writeLine(`const ${nameOf(id)} = ${nameOf(root(id))}; // ${e.op}: the same buffer`);
      }
    }
    w.blankLine();
    for (const sc of scratches) w.writeLine(sc);
    w.blankLine();
    w.writeLine(`// Constants.`);
    body(w, constantLines);
    w.blankLine();
    w.writeLine(`const losses = new Float64Array(${tp.steps.length});`);
    w.writeLine(`const stepCounts = new Float64Array(${tp.steps.length}); // optimizer steps taken, per step`);
    w.writeLine(`const rngMark = new Uint32Array(4); // the RNG state before the last step's forward pass`);
    w.blankLine();

    if (tp.lets.length) {
      w.writeLine(`/** The \`let\`s: evaluated once per batch, before the first step. */`);
      w.write(`function computeLets(n: number): void`).block(() => body(w, letLines));
      w.blankLine();
    }
    const fnName = (prefix: string, k: number) =>
      `${prefix}${camel("_" + ident(tp.steps[k].model))}${tp.steps.filter((s) => s.model === tp.steps[k].model).length > 1 ? k : ""}`;
    tp.steps.forEach((s, k) => {
      const line = positionOf(opts.source, s.span.start).line;
      w.writeLine(`/** Step ${k + 1}, \`${s.model}\` (${opts.sourcePath}:${line}): the forward pass; returns the loss. */`);
      w.write(`function ${fnName("forward", k)}(n: number): number`).block(() => {
        body(w, stepLines[k].forward);
        w.writeLine(`return ${nameOf(root(s.loss))}[0];`);
      });
      w.blankLine();
      w.writeLine(`/** Step ${k + 1}: gradients of the loss w.r.t. the parameters of \`${s.model}\`. */`);
      w.write(`function ${fnName("backward", k)}(n: number): void`).block(() => {
        body(w, stepLines[k].backward);
        // A trained parameter this loss cannot reach gets a zero gradient (not an earlier step's).
        for (const g of s.grads) {
          if (g.grad !== null) continue;
          const p = values[g.param].param!;
          w.writeLine(`grads.fill(0, ${p.offset}, ${p.offset + p.size}); // d ${p.path}: not on the loss's path`);
        }
        for (const c of copies.filter((c) => c.step === k)) {
          const p = values[c.param].param!;
          w.writeLine(`for (let i = 0; i < ${p.size}; i++) grads[${p.offset} + i] = ${nameOf(root(c.from))}[i]; // d ${p.path}`);
        }
      });
      w.blankLine();
      const o = s.optimizer;
      const spans = s.ranges.map((r) => `[${r.offset}, ${r.offset + r.size})`).join(", ");
      w.writeLine(`/** Step ${k + 1}: ${opt(o)} on the parameters of \`${s.model}\` (params${spans}). */`);
      w.write(`function ${fnName("update", k)}(): void`).block(() => {
        w.writeLine(`stepCounts[${k}]++;`);
        for (const line of updateLines[k]) w.writeLine(line);
        // State that is not trained (moving statistics) takes the values this step's forward pass computed.
        for (const u of s.updates) {
          if (values[u.value].shape.includes("B")) throw new Error("internal: a state update cannot depend on the batch size");
          w.writeLine(`${nameOf(u.param)}.set(${nameOf(root(u.value))}); // ${values[u.param].param!.path}: not trained, updated`);
        }
      });
      w.blankLine();
    });

    w.writeLine(`/** One training step on the first n rows of the inputs. Returns -1, or the index of`);
    w.writeLine(` * the step whose loss was not finite (nothing is updated from that step on). */`);
    w.write(`function trainStep(n: number): number`).block(() => {
      if (tp.lets.length) w.writeLine(`computeLets(n);`);
      tp.steps.forEach((_, k) => {
        w.writeLine(`rng.saveState(rngMark);`);
        w.writeLine(`losses[${k}] = ${fnName("forward", k)}(n);`);
        w.writeLine(`if (!Number.isFinite(losses[${k}])) return ${k};`);
        w.writeLine(`${fnName("backward", k)}(n);`);
        w.writeLine(`${fnName("update", k)}();`);
      });
      w.writeLine(`return -1;`);
    });
    w.blankLine();
    const ev = tp.evaluation;
    if (ev) {
      w.writeLine(
        `/** Inference on the first n rows (dropout off): returns the loss; the prediction is in \`${nameOf(root(ev.prediction))}\`. */`,
      );
      w.write(`function evaluate(n: number): number`).block(() => {
        body(w, evalLines);
        w.writeLine(`return ${nameOf(root(ev.loss))}[0];`);
      });
      w.blankLine();
    }
    tp.inference.forEach((m, k) => {
      w.writeLine(`/** \`${m.model}\` alone on the first n rows of its own inputs, dropout off (sampling, scoring). */`);
      w.write(`function infer${camel("_" + ident(m.model))}(n: number): void`).block(() => body(w, inferLines[k]));
      w.blankLine();
    });
    // Every tensor in execution order, so a non-finite loss can be traced to its first cause.
    const traceEntry = (id: ValueId, stepIndex: number, e?: TEqn) =>
      `{ name: ${JSON.stringify(values[id].param?.path ?? values[id].name)}, where: ${JSON.stringify(e ? where(e) : "")}, step: ${stepIndex}, data: ${nameOf(root(id))}, perRow: ${values[id].shape[0] === "B"}, size: ${sizeOf(values[id].shape)} }`;
    const traced: string[] = [];
    for (const id of tp.params) traced.push(traceEntry(id, -2));
    for (const id of tp.inputs) if (values[id].dtype === "f32") traced.push(traceEntry(id, -2));
    const kept = (e: TEqn) => !aliasOps.has(e.op) && !wasm?.fused.internal.has(e.outputs[0]);
    for (const e of tp.lets) if (kept(e)) traced.push(traceEntry(e.outputs[0], -1, e));
    tp.steps.forEach((s, k) => {
      for (const e of s.forward) if (kept(e)) traced.push(traceEntry(e.outputs[0], k, e));
    });
    w.write(`return`).block(() => {
      w.writeLine(`params, grads, state: { ${optState.join(", ")} }, stepCounts, losses, rng, rngMark,`);
      w.writeLine(`inputs: [${tp.inputs.map(nameOf).join(", ")}],`);
      w.writeLine(`trainStep,`);
      w.writeLine(`forward: [${tp.steps.map((_, k) => fnName("forward", k)).join(", ")}],`);
      if (tp.lets.length) w.writeLine(`computeLets,`);
      if (ev) {
        // The training forward pass's scores (logits when the loss reads them) give the running accuracy.
        const lossEqn = tp.steps[0].forward.find((e) => e.outputs[0] === tp.steps[0].loss)!;
        w.writeLine(
          `evaluate, prediction: ${nameOf(root(ev.prediction))}, scores: ${nameOf(root(lossEqn.inputs[0]))}, scoresAreLogits: ${!!lossEqn.attrs.from_logits},`,
        );
      }
      w.writeLine(
        `models: { ${tp.inference.map((m) => `${ident(m.model)}: { inputs: [${m.inputs.map((id) => nameOf(root(id))).join(", ")}], output: ${nameOf(root(m.output))}, run: infer${camel("_" + ident(m.model))} }`).join(", ")} },`,
      );
      w.writeLine(`trace: [${traced.join(",\n")}],`);
    });
    w.write(";");
  });
  w.blankLine();
  w.writeLine(`// Run as a script: \`node ${ident(tp.name)}.js --help\`.`);
  // Relative data paths resolve against the .dlm file's folder, found relative to this module.
  w.writeLine(
    `if (isMain(import.meta.url)) process.exitCode = runMain({ program, parameters, createTrainer }, process.argv.slice(2), fileURLToPath(new URL(${JSON.stringify(opts.sourceDir)}, import.meta.url)));`,
  );
  w.blankLine();
  w.writeLine(`/** A runtime file that cannot be loaded: run as a script, one line and exit code 1; imported, the error itself. */`);
  w.writeLine(`function runtimeMissing(e: unknown): never {`);
  w.writeLine(`  if (!process.argv[1] || pathToFileURL(process.argv[1]).href !== import.meta.url) throw e;`);
  w.writeLine(`  const missing = /Cannot find module '([^']+)'/.exec(e instanceof Error ? e.message : "")?.[1];`);
  w.writeLine(`  const what = missing ? \`\${missing} is missing\` : \`cannot load the runtime (\${String(e).split("\\n")[0]})\`;`);
  w.writeLine(
    `  process.stderr.write(\`error: \${what}: the runtime beside this trainer is incomplete; compile it again with \\\`dlm compile\\\`\\n\`);`,
  );
  w.writeLine(`  process.exit(1);`);
  w.writeLine(`}`);
  const text = w.toString();
  const header = hoisted.length ? `// Static sizes of the kernels, computed by the compiler.\n${hoisted.join("\n")}\n\n` : "";
  const memory = wasm
    ? { fixed: wasm.plan.bytes.fixed + scratchNeed.fixed + 16, perRow: wasm.plan.bytes.perRow + scratchNeed.perRow }
    : undefined;
  return { text: text.slice(0, hoistAt) + header + text.slice(hoistAt), kernels: [...kernels.values()], memory };
}

function bufferSize(v: TValue): string {
  const n = sizeOf(v.shape);
  return v.shape[0] === "B" ? (n === 1 ? "B" : `B * ${n}`) : String(n);
}
