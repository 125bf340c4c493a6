// What the threads tests share: the compiled runtime's thread setting (dist/, which the
// trainers the tests load import: its withKernelThreads is the one their kernels see), and a
// short training run whose every result is kept as bytes.
import { afterAll, expect } from "vitest";
import { distRuntime } from "../helpers/trainer.js";
import { setup } from "../helpers/seed-models.js";
import { Rng } from "../../runtime/rng.js";
import type { TrainerModule } from "../../runtime/trainer.js";

type ThreadsApi = typeof import("../../runtime/threads/index.js");
export const WA = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
export const threads = (await import(`${distRuntime}/threads/index.js`)) as ThreadsApi;
afterAll(() => threads.closeAllThreads());

export const bytes = (a: ArrayBufferView) => Buffer.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());

/**
 * Steps on n rows each (the same inputs: helpers/seed-models), then evaluation and each model's
 * inference, as bytes. With threads, it first waits for the workers to start (until they are
 * up, the calling thread does every chunk itself).
 */
export async function run(mod: TrainerModule, count: number, batch: number, ns: readonly number[], o: RunOptions = {}) {
  const t = threads.withKernelThreads(count, () => mod.createTrainer(new Rng(7), { batch }));
  if (count > 1) await new Promise((resolve) => setTimeout(resolve, 500));
  setup(mod, t);
  const losses = ns.map((n) => t.trainStep(n));
  const state = Object.values(t.state).map(bytes);
  const evaluation = o.evaluate !== false && t.evaluate ? t.evaluate(ns[0]) : null;
  const models = Object.entries(t.models).map(([name, m]) => {
    o.modelInput?.(name, m.inputs[0]);
    m.run(ns[0]);
    return bytes(m.output);
  });
  return { losses, params: bytes(t.params), grads: bytes(t.grads), state, evaluation, models };
}

export interface RunOptions {
  /** Evaluate after the steps (default: when the trainer can). */
  readonly evaluate?: boolean;
  /** Refills a model's input before its inference (helpers/seed-models fills every input with floats). */
  readonly modelInput?: (model: string, input: ArrayBufferView) => void;
}

/** Checks that the module's threads plan splits a kernel whose name starts with each of `split`. */
export function expectSplitKernels(mod: { compiled: { wasm?: { binary: Uint8Array } } }, split: readonly string[]): void {
  const names = Object.keys(threads.threadsPlanOf(new WA.Module(mod.compiled.wasm!.binary))?.kernels ?? {});
  for (const k of split)
    expect(
      names.some((n) => n.startsWith(k)),
      `${k} in ${names.join(", ")}`,
    ).toBe(true);
}

/**
 * Checks that the module's threads plan splits every kernel named (by prefix) in `split`, then
 * that 2 and 3 threads, and 2 with the workers taking every chunk (the calling thread out of the
 * split calls, so that the check that the workers took part does not depend on the scheduler),
 * give one thread's bits on steps of 7, 5 and 6 rows of 7. Call it after setMinWork(1).
 */
export async function expectOneThreadBits(
  mod: TrainerModule & { compiled: { wasm?: { binary: Uint8Array } } },
  split: readonly string[],
  o: RunOptions = {},
) {
  expectSplitKernels(mod, split);
  const ns = [7, 5, 6];
  const chunks = threads.workerChunkCount();
  const one = await run(mod, 1, 7, ns, o);
  for (const [count, callerTakes] of [
    [2, true],
    [3, true],
    [2, false],
  ] as const) {
    threads.setCallerTakesChunks(callerTakes);
    const before = threads.splitCallCount();
    const many = await run(mod, count, 7, ns, o).finally(() => threads.setCallerTakesChunks(true));
    expect(threads.splitCallCount()).toBeGreaterThan(before);
    expect(many.losses).toEqual(one.losses);
    expect(many.params.equals(one.params)).toBe(true);
    expect(many.grads.equals(one.grads)).toBe(true);
    many.state.forEach((s, i) => expect(s.equals(one.state[i])).toBe(true));
    expect(many.evaluation).toEqual(one.evaluation);
    many.models.forEach((m, i) => expect(m.equals(one.models[i])).toBe(true));
  }
  expect(threads.workerChunkCount()).toBeGreaterThan(chunks); // the workers took part
}
