// The seed models' setup for the backend agreement tests (backends*.test.ts): Keras
// initial weights from one seed, a random batch in the data's range, random inference inputs.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { root } from "./trainer.js";
import { TestRandom } from "./numerics.js";
import { initParameters, type TrainerInstance, type TrainerModule } from "../../runtime/trainer.js";
import { Rng } from "../../runtime/rng.js";

export function setup(mod: TrainerModule, t: TrainerInstance): void {
  initParameters(t, mod.parameters, new Rng(5));
  const r = new TestRandom(99);
  const range = (mod.program.data as { range?: [number, number] } | null)?.range ?? [0, 1];
  mod.program.inputs.forEach((info, i) => {
    const arr = t.inputs[i];
    const classes = mod.program.models[0]?.output.at(-1) as number;
    for (let j = 0; j < arr.length; j++) arr[j] = info.dtype === "i32" ? Math.floor(r.uniform(0, classes)) : r.uniform(range[0], range[1]);
  });
  for (const m of Object.values(t.models)) for (const x of m.inputs) for (let j = 0; j < x.length; j++) x[j] = r.uniform(-1, 1);
}

export const example = (name: string) => readFileSync(path.join(root, "dsl-examples", `${name}.dlm`), "utf8");
