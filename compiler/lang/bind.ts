// Binding call arguments to a builtin's options (positional in table order, or by
// name), and reading static option values (numbers, sizes, enums, shapes) with every
// check a user can get wrong: type, arity, range, integrality, size, precision.
import { sourceConstant } from "./constants.js";
import type { Arg, Expr } from "../syntax/ast.js";
import type { ArgSpec, ArgType, Builtin } from "./builtins.js";
import { activationNames } from "./builtins.js";
import { surfaceOf } from "../ops/index.js";
import type { ActivationSurface } from "../ops/op.js";
import { fail, didYouMean } from "../diagnostics/diagnostic.js";
import type { Span } from "../source.js";
import type { AttrValue, Attrs, Dim, OpName } from "../ir/ir.js";

/** What a call supplied for an option: an AST expression, or the piped-in tensor. */
export type SuppliedOne =
  | { readonly kind: "expr"; readonly expr: Expr; readonly span: Span }
  | { readonly kind: "piped"; readonly span: Span };

/** What a call supplied for each option; a variadic tensor option (`concat`'s inputs) gets them all. */
export type Supplied = SuppliedOne | { readonly kind: "many"; readonly items: readonly SuppliedOne[]; readonly span: Span };

export interface Bound {
  readonly builtin: Builtin;
  /** Options the call supplied; absent ones take their defaults. */
  readonly args: ReadonlyMap<string, Supplied>;
  readonly span: Span;
}

const signature = (b: Builtin): string =>
  `${b.name}(${b.args.map((a) => (a.type.t === "tensors" ? `${a.name}...` : a.default === undefined ? a.name : `${a.name}=${show(a.default)}`)).join(", ")})`;

function show(v: AttrValue): string {
  if (v === null) return "none";
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  return String(v);
}

/** Binds a named argument `name=value` to its option. */
function bindNamed(b: Builtin, out: Map<string, Supplied>, a: Arg & { name: NonNullable<Arg["name"]> }): void {
  const spec = b.args.find((s) => s.name === a.name.name);
  if (!spec) {
    const names = b.args.map((s) => s.name);
    fail("DL2002", `\`${b.name}\` has no option \`${a.name.name}\``, a.name.span, {
      hint: b.absent?.[a.name.name] ?? didYouMean(a.name.name, names) ?? `its options are: ${names.join(", ")}`,
    });
  }
  if (spec.type.t === "tensors") {
    fail("DL2003", `\`${spec.name}\` of \`${b.name}\` is not written by name: its tensors are the positional arguments`, a.name.span, {
      hint: `write \`${b.name}(a, b, ...)\` or \`a |> ${b.name}(b, ...)\``,
    });
  }
  if (out.has(spec.name)) {
    fail("DL2005", `\`${spec.name}\` is given twice`, a.span, { hint: `\`${b.name}\` takes ${signature(b)}` });
  }
  out.set(spec.name, { kind: "expr", expr: a.value, span: a.span });
}

/**
 * A builtin whose first option is variadic (`concat(a, b, c, axis=1)`): the piped-in tensor
 * and every positional argument are its items; the other options are named.
 */
function bindVariadic(b: Builtin, args: readonly Arg[], span: Span, piped?: Span): Bound {
  const spec = b.args[0];
  const min = spec.type.t === "tensors" ? spec.type.min : 1;
  const out = new Map<string, Supplied>();
  const items: SuppliedOne[] = piped ? [{ kind: "piped", span: piped }] : [];
  for (const a of args) {
    if (a.name) bindNamed(b, out, { ...a, name: a.name });
    else items.push({ kind: "expr", expr: a.value, span: a.span });
  }
  if (items.length < min) {
    fail("DL2004", `\`${b.name}\` needs at least ${min} tensors, found ${items.length}`, span, {
      hint: `\`${b.name}\` takes ${signature(b)}`,
    });
  }
  out.set(spec.name, { kind: "many", items, span });
  for (const s of b.args) {
    if (s.default === undefined && !out.has(s.name)) {
      fail("DL2004", `\`${b.name}\` needs \`${s.name}\` (${s.doc})`, span, { hint: `\`${b.name}\` takes ${signature(b)}` });
    }
  }
  return { builtin: b, args: out, span };
}

export function bindArgs(b: Builtin, args: readonly Arg[], span: Span, piped?: Span): Bound {
  if (b.args[0]?.type.t === "tensors") return bindVariadic(b, args, span, piped);
  const out = new Map<string, Supplied>();
  let next = 0;
  if (piped) out.set(b.args[next++]?.name ?? "", { kind: "piped", span: piped });
  if (piped && b.args.length === 0) fail("DL2004", `\`${b.name}\` takes no input to pipe into`, span);
  for (const a of args) {
    if (a.name) {
      bindNamed(b, out, { ...a, name: a.name });
    } else {
      if (next >= b.args.length) {
        // Count as the user wrote them: the piped-in input is not among the written arguments.
        const written = piped ? b.args.length - 1 : b.args.length;
        const besides = piped ? ` besides the piped-in \`${b.args[0].name}\`` : "";
        fail(
          "DL2004",
          `\`${b.name}\` takes at most ${written} argument${written === 1 ? "" : "s"}${besides}, but this is argument ${next + (piped ? 0 : 1)}`,
          a.span,
          {
            hint: `\`${b.name}\` takes ${signature(b)}`,
          },
        );
      }
      const spec = b.args[next++];
      if (out.has(spec.name)) fail("DL2005", `\`${spec.name}\` is given twice`, a.span, { hint: `\`${b.name}\` takes ${signature(b)}` });
      out.set(spec.name, { kind: "expr", expr: a.value, span: a.span });
    }
  }
  for (const s of b.args) {
    if (s.default === undefined && !out.has(s.name)) {
      fail("DL2004", `\`${b.name}\` needs \`${s.name}\` (${s.doc})`, span, { hint: `\`${b.name}\` takes ${signature(b)}` });
    }
  }
  return { builtin: b, args: out, span };
}

export function specOf(b: Builtin, name: string): ArgSpec {
  const s = b.args.find((a) => a.name === name);
  if (!s) throw new Error(`internal: ${b.name} has no option ${name}`);
  return s;
}

/** The static value of option `name` (its default when absent). Tensors are not read here. */
export function staticArg(bound: Bound, name: string): AttrValue {
  const spec = specOf(bound.builtin, name);
  const supplied = bound.args.get(name);
  if (!supplied) {
    // Defaults are written in the table's short form; a size2 default 2 means [2, 2].
    if (spec.type.t === "size2" && typeof spec.default === "number") return [spec.default, spec.default];
    // A pad2d default n means n on every side: [top, bottom, left, right].
    if (spec.type.t === "pad2d" && typeof spec.default === "number") return [spec.default, spec.default, spec.default, spec.default];
    return spec.default ?? null;
  }
  if (supplied.kind !== "expr") fail("DL2003", `\`${name}\` of \`${bound.builtin.name}\` is not a tensor input`, supplied.span);
  return readStatic(supplied.expr, spec.type, `\`${name}\``);
}

const describe = (e: Expr): string =>
  ({
    Number: "a number",
    String: "a string",
    Bool: "a boolean",
    Name: `the name \`${e.kind === "Name" ? e.name : ""}\``,
    List: "a list",
    Call: "a call",
    Member: "a member access",
    Binary: "an arithmetic expression",
    Unary: "an arithmetic expression",
    Pipe: "a pipeline",
  })[e.kind];

/** A numeric literal, possibly negated. */
export function literalNumber(e: Expr): { value: number; raw: string; span: Span } | undefined {
  if (e.kind === "Number") return { value: e.value, raw: e.raw, span: e.span };
  if (e.kind === "Unary" && e.operand.kind === "Number") return { value: -e.operand.value, raw: "-" + e.operand.raw, span: e.span };
  return undefined;
}

/**
 * Whether a decimal literal is a whole number as written: `1e3` and `3.0` are, but
 * `1.0000000000000001` is not, though it rounds to the double 1.
 */
function literalIsInteger(raw: string): boolean {
  const [mantissa, exponent = "0"] = raw.replace(/^-/, "").split(/[eE]/);
  const [whole, fraction = ""] = mantissa.split(".");
  const point = whole.length + Number(exponent); // where the decimal point falls in the digits
  return /^0*$/.test((whole + fraction).slice(Math.max(0, point)));
}

/** Significant decimal digits of a literal: a double holds 17. */
function significantDigits(raw: string): number {
  const mantissa = raw.replace(/^-/, "").split(/[eE]/)[0].replace(".", "");
  return mantissa.replace(/^0+/, "").replace(/0+$/, "").length;
}

/** Arithmetic on number literals (`28 * 28`, `1 / 255`) is folded; each literal is checked itself. */
function folded(e: Expr, what: string): { value: number; raw: string; span: Span } | undefined {
  if (e.kind === "Binary" && e.op !== "@") {
    const a = readNumber(e.left, what, false);
    const b = readNumber(e.right, what, false);
    const value = e.op === "+" ? a + b : e.op === "-" ? a - b : e.op === "*" ? a * b : a / b;
    if (!Number.isFinite(value)) fail("DL2008", `${what} is not a finite number`, e.span);
    return { value, raw: String(value), span: e.span };
  }
  if (e.kind === "Unary" && e.operand.kind !== "Number") {
    const inner = folded(e.operand, what);
    return inner && { value: -inner.value, raw: String(-inner.value), span: e.span };
  }
  return undefined;
}

export function readNumber(
  e: Expr,
  what: string,
  integer: boolean,
  range: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean } = {},
): number {
  const n = folded(e, what) ?? literalNumber(e) ?? sourceConstant(e);
  if (!n) {
    const quoted = e.kind === "String" && /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(e.value.trim());
    fail(
      "DL2003",
      `${what} must be ${integer ? "an integer" : "a number"}, found ${describe(e)}`,
      e.span,
      quoted ? { hint: `write ${e.value.trim()} without quotes` } : {},
    );
  }
  if (!Number.isFinite(n.value))
    fail("DL2008", `${n.raw} is too large to be a number`, n.span, { hint: "the largest double is about 1.8e308" });
  if (n.value === 0 && /[1-9]/.test(n.raw.split(/[eE]/)[0])) {
    fail("DL2008", `${n.raw} is too small to be a number: it would round to 0`, n.span, {
      hint: "the smallest positive double is about 5e-324",
    });
  }
  if (integer) {
    if (!Number.isInteger(n.value) || !literalIsInteger(n.raw)) fail("DL2009", `${what} must be an integer, found ${n.raw}`, n.span);
    if (Math.abs(n.value) >= 2 ** 31)
      fail("DL2010", `${what} is ${n.raw}, which does not fit in 32 bits`, n.span, { hint: "integers must be below 2^31 = 2147483648" });
  }
  const digits = significantDigits(n.raw);
  if (digits > 17)
    fail("DL2011", `${n.raw} has ${digits} significant digits; a double holds at most 17`, n.span, { hint: `write it as ${n.value}` });
  const { min, max, minOpen, maxOpen } = range;
  if (min !== undefined && (minOpen ? n.value <= min : n.value < min)) {
    fail("DL2008", `${what} must be ${minOpen ? "greater than" : "at least"} ${min}, found ${n.raw}`, n.span);
  }
  if (max !== undefined && (maxOpen ? n.value >= max : n.value > max)) {
    fail("DL2008", `${what} must be ${maxOpen ? "less than" : "at most"} ${max}, found ${n.raw}`, n.span);
  }
  return n.value;
}

function readList(e: Expr, what: string): readonly Expr[] {
  if (e.kind !== "List") fail("DL2003", `${what} must be a list like [1, 2], found ${describe(e)}`, e.span);
  return e.items;
}

function readWord(e: Expr, what: string, values: readonly string[]): string {
  const word = e.kind === "Name" || e.kind === "String" ? (e.kind === "Name" ? e.name : e.value) : undefined;
  if (word === undefined) fail("DL2003", `${what} must be one of ${values.join(", ")}, found ${describe(e)}`, e.span);
  if (!values.includes(word)) {
    fail("DL2003", `${what} must be one of ${values.map((v) => `\`${v}\``).join(", ")}, found \`${word}\``, e.span, {
      hint: didYouMean(word, values),
    });
  }
  return word;
}

export interface ActivationSpec {
  readonly name: string;
  /** The op it applies (null: `linear`, the identity) and that op's attributes. */
  readonly op: OpName | null;
  readonly attrs: Attrs;
  readonly span: Span;
}

/** `relu`, `"relu"`, `leaky_relu(0.2)` or `leaky_relu(slope=0.2)`. */
export function readActivation(e: Expr): ActivationSpec {
  const unknown = (name: string, span: Span): never =>
    fail("DL2001", `unknown activation \`${name}\``, span, {
      hint: didYouMean(name, activationNames) ?? `activations: ${activationNames.join(", ")}`,
    });
  const surface = (name: string, span: Span): ActivationSurface => {
    const s = surfaceOf.get(name);
    if (!s || s.kind !== "activation") unknown(name, span);
    return s as ActivationSurface;
  };
  // The activation's own options (its tensor input excluded), bound to `args`.
  const bind = (s: ActivationSurface, args: readonly Arg[], span: Span): ActivationSpec => {
    const bound = bindArgs({ ...s, args: s.args.slice(1) }, args, span);
    return { name: s.name, op: s.op, attrs: s.attrs((n) => staticArg(bound, n) as never), span };
  };
  if (e.kind === "Name" || e.kind === "String") {
    const name = e.kind === "Name" ? e.name : e.value;
    return bind(surface(name, e.span), [], e.span);
  }
  if (e.kind === "Call" && e.callee.kind === "Name") return bind(surface(e.callee.name, e.callee.span), e.args, e.span);
  fail("DL2003", `an activation must be a name like \`relu\` or a call like \`leaky_relu(0.2)\`, found ${describe(e)}`, e.span);
}

export function readStatic(e: Expr, type: ArgType, what: string): AttrValue {
  switch (type.t) {
    case "tensor":
    case "tensors":
      throw new Error("internal: tensors are lowered, not read statically");
    case "int":
      return readNumber(e, what, true, type);
    case "float":
      return readNumber(e, what, false, type);
    case "bool":
      if (e.kind !== "Bool") fail("DL2003", `${what} must be \`true\` or \`false\`, found ${describe(e)}`, e.span);
      return e.value;
    case "size2": {
      if (e.kind === "List") {
        const items = e.items;
        if (items.length !== 2) fail("DL2003", `${what} must be an integer or a pair [h, w], found a list of ${items.length}`, e.span);
        return items.map((i) => readNumber(i, what, true, { min: type.min }));
      }
      const v = readNumber(e, what, true, { min: type.min });
      return [v, v];
    }
    case "pad2d": {
      // Keras's forms: n (every side), [h, w] (top and bottom h, left and right w), [[top, bottom], [left, right]].
      if (e.kind !== "List") {
        const v = readNumber(e, what, true, { min: 0 });
        return [v, v, v, v];
      }
      const form = `${what} must be an integer, a pair [h, w] or a pair of pairs [[top, bottom], [left, right]]`;
      if (e.items.length !== 2) fail("DL2003", `${form}, found a list of ${e.items.length}`, e.span);
      if (e.items.every((i) => i.kind !== "List")) {
        const [h, w] = e.items.map((i) => readNumber(i, what, true, { min: 0 }));
        return [h, h, w, w];
      }
      return e.items.flatMap((i) => {
        if (i.kind !== "List" || i.items.length !== 2) fail("DL2003", `${form}, found ${describe(i)} inside the pair of pairs`, i.span);
        return i.items.map((v) => readNumber(v, what, true, { min: 0 }));
      });
    }
    case "enum":
      return readWord(e, what, type.values);
    case "activation": {
      const a = readActivation(e);
      return a.name; // callers that need slope/axis use readActivation directly
    }
    case "shape":
      return readShape(e, what);
    case "ints": {
      const items = readList(e, what).map((i) => readNumber(i, what, true));
      for (const [k, v] of items.entries()) {
        if (v === 0 || v < -1) fail("DL2008", `${what} entries must be positive or -1, found ${v}`, readList(e, what)[k].span);
      }
      if (items.filter((v) => v === -1).length > 1) fail("DL2008", `${what} may contain -1 only once`, e.span);
      return items;
    }
    case "intlist": {
      const list = readList(e, what);
      return list.map((i) => readNumber(i, `an entry of ${what}`, true, { min: type.min }));
    }
    case "floats":
      return readList(e, what).map((i) => readNumber(i, `an entry of ${what}`, false));
    case "axes":
      if (e.kind === "List") return e.items.map((i) => readNumber(i, what, true));
      return [readNumber(e, what, true)];
    case "range": {
      const items = readList(e, what);
      if (items.length !== 2) fail("DL2003", `${what} must be a pair [lo, hi], found a list of ${items.length}`, e.span);
      const [lo, hi] = items.map((i) => readNumber(i, what, false));
      if (!(lo < hi)) fail("DL2008", `${what} must have lo < hi, found [${lo}, ${hi}]`, e.span);
      return [lo, hi];
    }
    case "layer": {
      // A layer written as a call that is not applied to a tensor: its options are bound by
      // the caller (LowerCtx.layerSpec); here, only which layer it is.
      const name = e.kind === "Call" && e.callee.kind === "Name" ? e.callee.name : undefined;
      if (name === undefined || !type.of.includes(name)) {
        fail(
          "DL2003",
          `${what} must be a call of a recurrent layer (${type.of.join(", ")}), found ${name ? `\`${name}(...)\`` : describe(e)}`,
          e.span,
          {
            hint: `e.g. \`${type.of[0]}(64, return_sequences=true)\``,
          },
        );
      }
      return name;
    }
    case "string":
      if (e.kind !== "String")
        fail(
          "DL2003",
          `${what} must be a string in double quotes, found ${describe(e)}`,
          e.span,
          e.kind === "Name" ? { hint: `write "${e.name}"` } : {},
        );
      return e.value;
    case "strings": {
      if (e.kind === "String") return e.value;
      const items = readList(e, what);
      if (items.length === 0) fail("DL2003", `${what} must name at least one column`, e.span);
      return items.map((i) => readStatic(i, { t: "string" }, what) as string).join(",");
    }
  }
}

/** A shape literal `[B, 100]`: positive integer sizes, `B` (the batch) only first. */
export function readShape(e: Expr, what: string): Dim[] {
  const items = readList(e, what);
  return items.map((item, i): Dim => {
    if (item.kind === "Name") {
      if (item.name !== "B")
        fail("DL2019", `unknown dimension \`${item.name}\` in ${what}`, item.span, {
          hint: "dimensions are positive integers or `B`, the batch size",
        });
      if (i !== 0) fail("DL2019", "the batch dimension `B` may only come first", item.span);
      return "B";
    }
    return readNumber(item, `a dimension of ${what}`, true, { min: 1 });
  });
}
