// Building blocks shared by the kernel generators of compiler/wasm/kernels: a function under
// construction (typed locals, fresh labels, loops) and partial v128 loads/stores for the
// tails of rows whose width is not a multiple of 4 lanes.
import type Binaryen from "binaryen";
import type { BinaryenApi } from "./binaryen.js";

export type X = Binaryen.ExpressionRef;
export type Mod = Binaryen.Module;

/** A function under construction: its locals and fresh labels. */
export class Fn {
  readonly types: number[];
  private readonly nParams: number;
  private labels = 0;
  constructor(
    readonly b: BinaryenApi,
    readonly mod: Mod,
    params: number[],
  ) {
    this.types = [...params];
    this.nParams = params.length;
  }
  local(type: number): number {
    this.types.push(type);
    return this.types.length - 1;
  }
  get(i: number): X {
    return this.mod.local.get(i, this.types[i]);
  }
  set(i: number, v: X): X {
    return this.mod.local.set(i, v);
  }
  label(what: string): string {
    return `${what}${this.labels++}`;
  }
  vars(): number[] {
    return this.types.slice(this.nParams);
  }
  i32(v: number): X {
    return this.mod.i32.const(v);
  }
  addI(local: number, bytes: number): X {
    return this.set(local, this.mod.i32.add(this.get(local), this.i32(bytes)));
  }
  /** `for (; cond; ) body`, the condition tested before each iteration. */
  whileLoop(cond: () => X, body: X[]): X {
    const m = this.mod;
    const out = this.label("out");
    const top = this.label("top");
    return m.block(out, [m.loop(top, m.block(null, [m.br(out, m.i32.eqz(cond())), ...body, m.br(top)]))]);
  }
  /** A loop run `count` (> 0, static) times with a counter local. */
  countedLoop(count: number, body: X[]): X {
    const m = this.mod;
    const ctr = this.local(this.b.i32);
    const top = this.label("cnt");
    return m.block(null, [
      this.set(ctr, this.i32(count)),
      m.loop(top, m.block(null, [...body, this.set(ctr, m.i32.sub(this.get(ctr), this.i32(1))), m.br(top, this.get(ctr))])),
    ]);
  }
}

export const ZERO16 = new Array(16).fill(0);

/** Parameter names of the module's functions, for its text form only (the binary carries no names). */
const paramNames = new WeakMap<Mod, Map<string, readonly string[]>>();

/** Records the names of the parameters of the function `fn` of `mod` (`n`, `x`, `y` …), in order. */
export function nameParams(mod: Mod, fn: string, names: readonly string[]): void {
  let m = paramNames.get(mod);
  if (!m) paramNames.set(mod, (m = new Map()));
  m.set(fn, names);
}

/**
 * Names every function's parameters and locals as `nameParams` recorded them (`$x`, `$y`, `$n`)
 * and its other locals by type and number (`$i0`, `$v1`, `$f2`, `$d3`: i32, v128, f32, f64), so
 * that the printed text reads better than `$0 … $6`. binaryen's optimizer drops local names and
 * renumbers locals, so this runs after it; the binary has no name section either way.
 */
export function nameLocals(b: BinaryenApi, mod: Mod): void {
  // binaryen's typings put the function API on Module; at run time it is on the namespace.
  const api = (b as unknown as { Function: Mod["Function"] }).Function;
  const recorded = paramNames.get(mod);
  const prefix = new Map<number, string>([
    [b.i32, "i"],
    [b.i64, "l"],
    [b.f32, "f"],
    [b.f64, "d"],
    [b.v128, "v"],
  ]);
  for (let i = 0; i < mod.getNumFunctions(); i++) {
    const fn = mod.getFunctionByIndex(i);
    const info = b.getFunctionInfo(fn);
    const params = b.expandType(info.params).length;
    const given = recorded?.get(info.name) ?? [];
    const taken = new Set<string>();
    for (let p = 0; p < params; p++) {
      const name = given.length === params ? given[p] : `p${p}`;
      api.setLocalName(fn, p, name);
      taken.add(name);
    }
    for (let l = params, count = 0; l < api.getNumLocals(fn); l++) {
      let name: string;
      do name = `${prefix.get(info.vars[l - params]) ?? "x"}${count++}`;
      while (taken.has(name));
      api.setLocalName(fn, l, name);
    }
  }
}

/** Loads `lanes` (1..4) f32 at ptr+offset into the low lanes of a v128, the rest zero. */
export function loadPartial(f: Fn, ptr: X, offset: number, lanes: number): X {
  const v = f.mod.v128;
  if (lanes >= 4) return v.load(offset, 4, ptr);
  if (lanes === 1) return v.load32_zero(offset, 4, ptr);
  if (lanes === 2) return v.load64_zero(offset, 4, ptr);
  // 3 lanes: ptr is read twice, so it must be a pure expression (a local.get).
  return v.load32_lane(offset + 8, 4, 2, ptr, v.load64_zero(offset, 4, f.mod.copyExpression(ptr)));
}

/** Stores the low `lanes` (1..4) f32 of val at ptr+offset. `val` must be a local.get when lanes = 3. */
export function storePartial(f: Fn, ptr: X, offset: number, lanes: number, val: X): X[] {
  const v = f.mod.v128;
  if (lanes >= 4) return [v.store(offset, 4, ptr, val)];
  if (lanes === 1) return [v.store32_lane(offset, 4, 0, ptr, val)];
  if (lanes === 2) return [v.store64_lane(offset, 4, 0, ptr, val)];
  return [v.store64_lane(offset, 4, 0, ptr, val), v.store32_lane(offset + 8, 4, 2, f.mod.copyExpression(ptr), f.mod.copyExpression(val))];
}
