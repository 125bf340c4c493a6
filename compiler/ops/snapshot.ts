// `snapshot`: a copy of a parameter as it was when the `let`s of a training block ran.
//
// A step that differentiates through a `let` uses the parameter values the `let` was
// computed with (docs/language.md §7), but an earlier step of the same batch may have
// updated them since. The scheduler (middle/schedule.ts) then gives the let's eqns, as the
// later step's backward pass sees them, a snapshot of each such parameter, taken right
// after the lets and read by the gradient ops (a dense layer's dx = dy · Wᵀ with the W of
// the forward pass). It is a training op only: no builtin, no derivative. On both backends
// it is a TypedArray copy (`set`, a memory copy; on the WebAssembly backend the two views
// are into the module's memory), so it has no kernel of its own.
import { trainOp, type OpTable } from "./op.js";
import { none } from "./kit/vjp.js";
import * as T from "./kit/ts.js";

export type Names = { primitive: never; composite: never; train: "snapshot" };

export const ops: OpTable<Names> = {
  snapshot: trainOp({
    vjp: none,
    ts: (c) => `${T.out(c)}.set(${c.buf(c.eqn.inputs[0])});`,
    wasm: () => null,
  }),
};

export const surfaces: readonly never[] = [];
