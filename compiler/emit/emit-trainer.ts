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
// trainer's module (`kernels` lists what to build, each op's module in compiler/ops how); ops
// whose wasm rule returns null (random draws, constants) keep their TypeScript line, on the
// same views.
//
// The parts, in compiler/emit/trainer/: names.ts (an identifier per buffer), calls.ts (the
// code of each eqn: kernel calls or reference-kernel lines), header.ts (header, imports,
// the program's description, the script footer), buffers.ts (the buffers and the memory
// layout), steps.ts (the step functions and the instance), trace.ts (the trace table).
import { CodeBlockWriter } from "ts-morph";
import { segmentsOf, type TEqn, type TrainingProgram } from "../ir/train-ir.js";
import { aliasOps } from "../ops/index.js";
import { gradientPlacement, optimizerState } from "../wasm/plan-memory.js";
import { tsMemoryNeed } from "../wasm/memory-limit.js";
import type { EmitOptions, EmittedTrainer, Emission } from "./trainer/context.js";
import { nameBuffers } from "./trainer/names.js";
import { kernelCalls } from "./trainer/calls.js";
import { writeDescription, writeFooter, writeHeader } from "./trainer/header.js";
import { bufferLines, dropUnused, trainerMemoryBytes } from "./trainer/buffers.js";
import { allLines, generateBodies, writeSteps } from "./trainer/steps.js";

export type { EmitOptions, EmittedTrainer, KernelRequest } from "./trainer/context.js";

export function emitTrainerTs(tp: TrainingProgram, opts: EmitOptions): EmittedTrainer {
  const wasm = opts.wasm;
  const values = wasm?.fused.values ?? tp.values; // fusion may add values (a max-pool's argmax)
  const allEqns: TEqn[] = segmentsOf(tp).flat();
  const em: Emission = { tp, values, allEqns, opts, wasm, naming: nameBuffers(tp, values, allEqns) };
  // Parameter gradients live in the flat gradient buffer: the producing eqn writes the view.
  const { views: gradView, copies } = gradientPlacement(tp, aliasOps);
  const optState = optimizerState(tp);

  // Generate every body first: kernels register the constants and scratch space they need.
  const calls = kernelCalls(em);
  const bodies = generateBodies(em, calls);
  const kernels = [...calls.kernels.values()];

  const w = new CodeBlockWriter({ indentNumberOfSpaces: 2, useTabs: false, useSingleQuote: false });
  writeHeader(w, em, allLines(bodies, calls), calls.hoisted, kernels);
  const memory = wasm ? trainerMemoryBytes(wasm.plan, calls.scratchNeed()) : tsMemoryNeed(tp, optState);
  writeDescription(w, em, memory);
  const hoistAt = w.getLength();
  w.writeLine(`/** Allocates every buffer once; the step functions then allocate nothing. */`);
  let buffersAt = 0;
  w.write(`export function createTrainer(rng: Rng, options: TrainerOptions = {}): TrainerInstance`).block(() => {
    buffersAt = w.getLength(); // the buffers go here once the code that uses them is written
    writeSteps(w, em, calls, bodies, optState, copies);
  });
  w.blankLine();
  writeFooter(w, em);
  const text = w.toString();
  const header = calls.hoisted.length ? `// Static sizes of the kernels, computed by the compiler.\n${calls.hoisted.join("\n")}\n\n` : "";
  const code = text.slice(0, hoistAt) + header + text.slice(hoistAt, buffersAt);
  // Only the buffers, views and offsets something refers to are declared.
  const buffers = dropUnused(bufferLines(em, calls, optState, gradView), code + text.slice(buffersAt));
  const declarations = buffers.map((l) => (l.line ? `  ${l.line}\n` : "\n")).join("");
  return {
    text: code + declarations + text.slice(buffersAt),
    kernels,
    memory: wasm ? memory : undefined,
    threads: wasm ? calls.threadsPlan() : undefined,
  };
}
