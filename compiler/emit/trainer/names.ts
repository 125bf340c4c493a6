// Names in an emitted trainer: every value's buffer gets a readable, unique TypeScript
// identifier (`cnn_dense_relu`, its gradient `dcnn_dense_relu`, constants after their value:
// `c1`, `c0p9`, `cm1`), and values that alias another (reshape, stop_gradient) share their
// input's buffer (`root`). Also the small text helpers the other parts share.
import type { Shape, ValueId } from "../../ir/ir.js";
import type { TEqn, TrainingProgram, TValue } from "../../ir/train-ir.js";
import { aliasOps } from "../../ops/index.js";

const reserved = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async of arguments eval undefined NaN Infinity".split(
    " ",
  ),
);

/** A string as a TypeScript identifier (not a reserved word). */
export const ident = (s: string): string => {
  const id = s.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1");
  return reserved.has(id) ? `${id}_` : id;
};
export const shapeText = (s: Shape): string => `[${s.join(", ")}]`;
/** Elements per batch row (B counted as 1). */
export const sizeOf = (s: Shape): number => s.reduce((a: number, d) => a * (d === "B" ? 1 : d), 1);
export const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());

/** A buffer's element count as code: `B * 784`, `B` or `10`. */
export function bufferSize(v: TValue): string {
  const n = sizeOf(v.shape);
  return v.shape[0] === "B" ? (n === 1 ? "B" : `B * ${n}`) : String(n);
}

/** Identifiers the trainer itself uses, never given to a buffer. */
const fixedNames = [
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
  "kernelNames",
  "loadKernels",
  "notLoaded",
  "rngWords",
];

export interface Naming {
  /** The identifier of a value's buffer (or view). */
  nameOf(id: ValueId): string;
  /** `base`, or `base_1`, `base_2` … : a fresh identifier, taken. */
  uniq(base: string): string;
  /** The value whose buffer `id` uses: itself, or the input an alias shares. */
  root(id: ValueId): ValueId;
  /** Every identifier taken so far. */
  readonly used: Set<string>;
}

/** Names the buffers of `tp` (`values`: with the values fusion adds); `allEqns`: every eqn of the program. */
export function nameBuffers(tp: TrainingProgram, values: readonly TValue[], allEqns: readonly TEqn[]): Naming {
  const names = new Map<ValueId, string>();
  const used = new Set<string>(fixedNames);
  const uniq = (base: string): string => {
    let n = base;
    for (let k = 1; used.has(n); k++) n = `${base}_${k}`;
    used.add(n);
    return n;
  };
  const nameOf = (id: ValueId): string => {
    let n = names.get(id);
    if (n) return n;
    const v = values[id];
    const base = v.gradOf !== undefined ? `d${nameOf(v.gradOf)}${v.name.slice(values[v.gradOf].name.length + 1)}` : ident(v.name);
    n = uniq(base);
    names.set(id, n);
    return n;
  };
  // Constants are named after their value: c1, c0p9 (0.9), cm1 (−1).
  for (const e of tp.constants) {
    const v = e.attrs.value as number;
    if (values[e.outputs[0]].gradOf === undefined)
      names.set(e.outputs[0], uniq(`c${String(v).replace("-", "m").replace(".", "p").replace("+", "")}`));
  }
  // Which buffer each value uses: aliases share their input's buffer.
  const bufferOf = new Map<ValueId, ValueId>();
  const root = (id: ValueId): ValueId => bufferOf.get(id) ?? id;
  for (const e of allEqns) if (aliasOps.has(e.op)) bufferOf.set(e.outputs[0], root(e.inputs[0]));
  return { nameOf, uniq, root, used };
}
