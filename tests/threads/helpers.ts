// What the threads tests share: the compiled runtime's thread setting (dist/, which the
// trainers the tests load import: its withKernelThreads is the one their kernels see), and a
// short training run whose every result is kept as bytes.
import { afterAll } from "vitest";
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
export async function run(mod: TrainerModule, count: number, batch: number, ns: readonly number[]) {
  const t = threads.withKernelThreads(count, () => mod.createTrainer(new Rng(7), { batch }));
  if (count > 1) await new Promise((resolve) => setTimeout(resolve, 500));
  setup(mod, t);
  const losses = ns.map((n) => t.trainStep(n));
  const state = Object.values(t.state).map(bytes);
  const evaluation = t.evaluate ? t.evaluate(ns[0]) : null;
  const models = Object.values(t.models).map((m) => {
    m.run(ns[0]);
    return bytes(m.output);
  });
  return { losses, params: bytes(t.params), grads: bytes(t.grads), state, evaluation, models };
}
