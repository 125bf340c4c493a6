// Lowering, part 1: the AST of models and expressions → Graph IR.
//
// Takes: a parsed Program. Guarantees: every name is resolved, every call is bound to a
// builtin's options or a model's inputs with static options checked (types, ranges),
// every layer owns its parameter values (shapes still unknown), models come in
// dependency order (callees first), no model calls itself (DL2021) and no chain of model
// calls is more than MAX_MODEL_NESTING models long (DL2022); models are lowered in that
// order, so lowering never recurses into a callee. Shapes are not known yet: the shapes
// pass runs next.
// Errors are collected per statement, so one bad line does not hide the next.
import type * as A from "../syntax/ast.js";
import type { AttrValue, Attrs, DType, Layer, ModelIR, OpName, ProgramIR, TrainIR, ValueId } from "../ir/ir.js";
import { GraphBuilder } from "./graph-builder.js";
import { builtins, builtinList, type Builtin } from "../lang/builtins.js";
import { kerasOf, surfaceOf, testSurfaces } from "../ops/index.js";
import type { LayerSurface, LowerCtx } from "../ops/op.js";
import { bindArgs, readActivation, readNumber, readShape, staticArg, type Bound, type SuppliedOne } from "../lang/bind.js";
import { AlreadyReported, DiagnosticError, fail, didYouMean, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../source.js";
import { lowerTrain } from "./lower-train.js";
import { chainText, modelCalls, orderModels, type CallSite } from "./model-calls.js";

/** What lowering an expression needs to know about where it is. */
export interface Scope {
  readonly g: GraphBuilder;
  readonly names: Map<string, ValueId>;
  /** Present inside a model: layers may be created there. */
  readonly model?: ModelScope;
  readonly program: ProgramLowering;
}

interface ModelScope {
  readonly name: string;
  readonly layers: Layer[];
  readonly usedNames: Set<string>;
  /** Per base name, where the search for a free `base_k` resumes. */
  readonly nextSuffix: Map<string, number>;
}

/** Program-wide state: model declarations and the models lowered so far. */
export class ProgramLowering {
  readonly decls = new Map<string, A.ModelDecl>();
  readonly models = new Map<string, ModelIR>();
  readonly order: ModelIR[] = [];
  /** Models that cannot be called: errors in their body, a cycle, or too deep a chain (each reported once). */
  readonly failed = new Set<string>();
  readonly diagnostics: Diagnostic[] = [];

  /**
   * A model, at a call of it. Models are lowered callees first (`lower`), so a callee is
   * always lowered or failed before its callers; a failed one throws AlreadyReported: its
   * errors were reported where they are.
   */
  model(name: string, useSpan: Span): ModelIR {
    const done = this.models.get(name);
    if (done) return done;
    if (this.failed.has(name)) throw new AlreadyReported();
    throw new Error(`internal: model ${name} is called (at offset ${useSpan.start}) before it was lowered`);
  }

  /** Runs `f`, turning a thrown diagnostic into a collected one; AlreadyReported adds none. */
  attempt<T>(f: () => T): T | undefined {
    try {
      return f();
    } catch (e) {
      if (e instanceof DiagnosticError) {
        this.diagnostics.push(e.diagnostic);
        return undefined;
      }
      if (e instanceof AlreadyReported) return undefined;
      throw e;
    }
  }

  /**
   * Defines `id` in `names` by running `define`; when that fails after the name was free,
   * the name is bound to POISONED so that its uses are abandoned instead of reported as
   * undefined names.
   */
  define(names: Map<string, ValueId>, id: A.Ident, define: () => ValueId): ValueId | undefined {
    const v = this.attempt(() => {
      declareName(names, id);
      const value = define();
      names.set(id.name, value);
      return value;
    });
    if (v === undefined && !names.has(id.name)) names.set(id.name, POISONED);
    return v;
  }
}

/**
 * How deep model calls may nest. A model's depth is 1 when it calls no model, else 1 +
 * the largest depth among the models it calls; a depth above this is DL2022.
 */
export const MAX_MODEL_NESTING = 1000;

/** The value of a name whose definition had errors; lowerName abandons its uses. */
export const POISONED: ValueId = -1;

export function lower(ast: A.Program): { ir?: ProgramIR; diagnostics: readonly Diagnostic[] } {
  const p = new ProgramLowering();
  const trainNames = new Map<string, A.TrainDecl>();
  for (const item of ast.items) {
    const seen = item.kind === "Model" ? p.decls.get(item.name.name) : trainNames.get(item.name.name);
    if (seen) {
      p.diagnostics.push({
        code: "DL2006",
        severity: "error",
        message: `${item.kind === "Model" ? "model" : "train block"} \`${item.name.name}\` is declared twice`,
        span: item.name.span,
        notes: [{ message: "first declared here", span: seen.name.span }],
      });
      continue;
    }
    if (item.kind === "Model") p.decls.set(item.name.name, item);
    else trainNames.set(item.name.name, item);
  }
  if (p.decls.size === 0) {
    const at = ast.items[0]?.span ?? { start: 0, end: 0 };
    p.diagnostics.push({
      code: "DL2023",
      severity: "error",
      message: "the file declares no model",
      span: at,
      hint: "declare one with `model name(x: [B, ...]) { x |> ... }`",
    });
  }
  lowerModels(p);
  const trains: TrainIR[] = [];
  for (const t of trainNames.values()) {
    const ir = lowerTrain(t, p);
    if (ir) trains.push(ir);
  }
  // Models are lowered callees first, so their reports can come out of order: sort (stably) by position.
  if (p.diagnostics.length > 0) return { diagnostics: [...p.diagnostics].sort((a, b) => a.span.start - b.span.start) };
  if (p.failed.size > 0) throw new Error(`internal: model ${[...p.failed][0]} failed without a diagnostic`);
  return { ir: { models: p.order, trains }, diagnostics: [] };
}

/**
 * Lowers every model, callees first, without recursing over the call chain: the calls
 * between models are read from the AST (modelCalls), cycles are reported (DL2021), the
 * models are ordered callees first (Tarjan's strongly connected components, iteratively)
 * and each model's depth is computed from its callees'. A model whose depth exceeds
 * MAX_MODEL_NESTING is reported (DL2022) at the call that makes it exceed. Models in a
 * cycle or too deep are still lowered, for their other errors, but never used.
 *
 * The order is the post-order of a depth-first search from each model in declaration
 * order, callees visited in the order of their first call in the source: where no model
 * is in a cycle, the order in which models are first used.
 */
function lowerModels(p: ProgramLowering): void {
  const calls = new Map<string, readonly CallSite[]>();
  for (const [name, decl] of p.decls) calls.set(name, modelCalls(decl, p.decls));
  const { components, backEdges } = orderModels(p.decls.keys(), calls);
  for (const b of backEdges) {
    const declared = p.decls.get(b.site.callee)!;
    p.diagnostics.push({
      code: "DL2021",
      severity: "error",
      message: `model \`${b.site.callee}\` calls itself`,
      span: b.site.span,
      notes: [
        { message: `\`${b.site.callee}\` is declared here`, span: declared.name.span },
        ...(b.length > 2 ? [{ message: `through the cycle ${chainText(b.cycle, b.length)}` }] : []),
      ],
    });
  }
  /** Each model's depth; absent for a model in a cycle or calling into one (it has no depth). */
  const depth = new Map<string, number>();
  /** The callee through which each model's depth is reached (its first call of a deepest callee). */
  const deepest = new Map<string, string>();
  for (const component of components) {
    const cyclic = component.length > 1 || calls.get(component[0])!.some((c) => c.callee === component[0]);
    if (cyclic) for (const name of component) p.failed.add(name);
    for (const name of component) {
      let tooDeep = false;
      if (!cyclic) {
        let d = 1;
        let via: CallSite | undefined;
        let known = true;
        for (const c of calls.get(name)!) {
          const cd = depth.get(c.callee);
          if (cd === undefined) known = false;
          else if (cd + 1 > d) [d, via] = [cd + 1, c];
        }
        if (known) {
          depth.set(name, d);
          if (via) deepest.set(name, via.callee);
          tooDeep = d > MAX_MODEL_NESTING;
          // Reported where the chain crosses the limit; callers of a model already too deep fail silently.
          if (via && d === MAX_MODEL_NESTING + 1) {
            const chain = [name];
            for (let m: string | undefined = via.callee; m !== undefined; m = deepest.get(m)) chain.push(m);
            p.diagnostics.push({
              code: "DL2022",
              severity: "error",
              message: `models call each other more than ${MAX_MODEL_NESTING} deep`,
              span: via.span,
              notes: [{ message: `this call makes a chain of ${d} models: ${chainText(chain, d)}` }],
              hint: `a chain of model calls may be at most ${MAX_MODEL_NESTING} models long`,
            });
          }
        }
      }
      const ir = lowerModel(p.decls.get(name)!, p);
      if (!ir || cyclic || tooDeep) p.failed.add(name);
      else {
        p.models.set(name, ir);
        p.order.push(ir);
      }
    }
  }
}

function lowerModel(decl: A.ModelDecl, p: ProgramLowering): ModelIR | undefined {
  const g = new GraphBuilder();
  const names = new Map<string, ValueId>();
  const before = p.diagnostics.length;
  for (const param of decl.params) p.define(names, param.name, () => g.input(param.name.name, inputShape(param), inputDType(param)));
  const scope: Scope = { g, names, model: { name: decl.name.name, layers: [], usedNames: new Set(), nextSuffix: new Map() }, program: p };
  for (const l of decl.lets) lowerLet(scope, l);
  const out = p.attempt(() => lowerExpr(scope, decl.output));
  if (out === undefined || p.diagnostics.length > before) return undefined;
  return { name: decl.name.name, graph: g.finish([out]), layers: scope.model!.layers, span: decl.span };
}

export function declareName(names: Map<string, ValueId>, id: A.Ident): void {
  if (names.has(id.name)) fail("DL2006", `\`${id.name}\` is already defined`, id.span, { hint: "each input and `let` needs its own name" });
}

/** A declared input shape: `B` first, then positive integer sizes. */
export function inputShape(param: A.Param): ("B" | number)[] {
  const list: A.Expr = {
    kind: "List",
    span: param.shapeSpan,
    items: param.shape.map(
      (d): A.Expr =>
        d.kind === "DimName"
          ? { kind: "Name", name: d.name, span: d.span }
          : { kind: "Number", raw: d.raw, value: Number(d.raw), span: d.span },
    ),
  };
  const shape = readShape(list, `the shape of \`${param.name.name}\``);
  if (shape[0] !== "B") {
    fail("DL2019", `the first dimension of input \`${param.name.name}\` must be the batch \`B\``, param.shapeSpan, {
      hint: shape.length ? `write [B, ${shape.join(", ")}]` : "write the batch and the sample's shape, e.g. [B, 784]",
    });
  }
  return shape;
}

/** A declared input's dtype: `f32` unless written (`words: i32[B, 64]` holds integer ids). */
export function inputDType(param: A.Param): DType {
  const d = param.dtype;
  if (!d || d.name === "f32" || d.name === "i32") return d?.name === "i32" ? "i32" : "f32";
  fail("DL2019", `unknown dtype \`${d.name}\` of input \`${param.name.name}\``, d.span, {
    hint: "inputs hold `f32` values (the default) or `i32` integer ids, e.g. `words: i32[B, 64]`",
  });
}

const binaryOps: Readonly<Record<A.BinaryOp, OpName>> = { "+": "add", "-": "sub", "*": "mul", "/": "div", "@": "matmul" };

export function lowerExpr(s: Scope, e: A.Expr): ValueId {
  switch (e.kind) {
    case "Number":
      return s.g.eqn("constant", [], { value: readNumber(e, "a constant", false) }, e.span, "const");
    case "Name":
      return lowerName(s, e);
    case "Pipe": {
      const input = lowerExpr(s, e.input);
      const stage = e.stage;
      if (stage.kind === "Call") return lowerCall(s, stage.callee, stage.args, stage.span, { id: input, span: e.input.span });
      if (stage.kind === "Name") return lowerCall(s, stage, [], stage.span, { id: input, span: e.input.span });
      fail("DL2003", "the right side of `|>` must be a call like `dense(10)` or a name like `relu`", stage.span);
    }
    case "Call":
      return lowerCall(s, e.callee, e.args, e.span);
    case "Binary": {
      const op = binaryOps[e.op];
      const a = lowerExpr(s, e.left);
      const b = lowerExpr(s, e.right);
      return opEqn(s, op, [a, b], {}, e.span);
    }
    case "Unary": {
      if (e.operand.kind === "Number") return s.g.eqn("constant", [], { value: readNumber(e, "a constant", false) }, e.span, "const");
      return opEqn(s, "neg", [lowerExpr(s, e.operand)], {}, e.span);
    }
    case "String":
    case "Bool":
    case "List":
      fail("DL2018", `expected a tensor here, found a ${e.kind === "List" ? "list" : e.kind === "Bool" ? "boolean" : "string"}`, e.span);
    case "Member":
      fail("DL2020", "`.` selects a part of a data source and belongs in the `data` setting", e.span);
  }
}

function lowerName(s: Scope, e: A.NameExpr): ValueId {
  const v = s.names.get(e.name);
  if (v === POISONED) throw new AlreadyReported();
  if (v !== undefined) return v;
  if (s.program.decls.has(e.name)) fail("DL2018", `\`${e.name}\` is a model; call it with its input, e.g. \`${e.name}(x)\``, e.span);
  const b = builtins.get(e.name);
  if (b)
    fail(
      "DL2018",
      `\`${e.name}\` is a ${b.kind}, not a tensor`,
      e.span,
      b.kind === "activation" || b.kind === "layer" ? { hint: `call it: \`x |> ${e.name}${b.args.length > 1 ? "(...)" : ""}\`` } : {},
    );
  fail("DL2007", `\`${e.name}\` is not defined`, e.span, {
    hint: didYouMean(e.name, s.names.keys()) ?? (s.names.size ? `defined here: ${[...s.names.keys()].join(", ")}` : undefined),
  });
}

interface Piped {
  readonly id: ValueId;
  readonly span: Span;
}

/**
 * A `let`: its one name bound to a tensor, or one name per tensor of a builtin that gives
 * several (`let a, b = x |> split(2)`). Returns the bindings made; a name whose value had
 * errors is poisoned (its uses are abandoned, not reported again).
 */
export function lowerLet(s: Scope, l: A.LetStmt): { name: string; value: ValueId }[] {
  const p = s.program;
  const call = severalCall(s, l.value);
  if (l.names.length === 1 && !call) {
    const v = p.define(s.names, l.names[0], () => lowerExpr(s, l.value));
    return v === undefined ? [] : [{ name: l.names[0].name, value: v }];
  }
  const fresh = l.names.filter((n) => !s.names.has(n.name));
  const values = p.attempt(() => {
    const seen = new Set<string>();
    for (const n of l.names) {
      declareName(s.names, n);
      if (seen.has(n.name))
        fail("DL2006", `\`${n.name}\` is named twice in this \`let\``, n.span, { hint: "each tensor needs its own name" });
      seen.add(n.name);
    }
    const names = { start: l.names[0].span.start, end: l.names[l.names.length - 1].span.end };
    const count = `${l.names.length} name${l.names.length === 1 ? "" : "s"}`;
    if (!call) {
      fail("DL2024", `this \`let\` binds ${count}, but its value is one tensor`, names, {
        hint: "only a builtin that gives several tensors (`split`) binds several names",
      });
    }
    const ids = call();
    if (ids.length !== l.names.length) {
      fail("DL2024", `this \`let\` binds ${count}, but its value gives ${ids.length} tensors`, names, {
        hint: `name each tensor: \`let ${ids.map((_, i) => `p${i}`).join(", ")} = ...\``,
      });
    }
    return ids;
  });
  if (values === undefined) {
    for (const n of fresh) if (!s.names.has(n.name)) s.names.set(n.name, POISONED);
    return [];
  }
  l.names.forEach((n, i) => s.names.set(n.name, values[i]));
  return l.names.map((n, i) => ({ name: n.name, value: values[i] }));
}

/** The lowering of `e` when it is a call (or pipeline stage) of a builtin that gives several tensors, else undefined. */
function severalCall(s: Scope, e: A.Expr): (() => ValueId[]) | undefined {
  const stage = e.kind === "Pipe" ? e.stage : e;
  const callee = stage.kind === "Call" ? stage.callee : stage.kind === "Name" && e.kind === "Pipe" ? stage : undefined;
  if (!callee || callee.kind !== "Name" || s.names.has(callee.name) || s.program.decls.has(callee.name)) return undefined;
  const surface = surfaceOf.get(callee.name);
  if (!surface || !("several" in surface) || !surface.several) return undefined;
  const several = surface.several;
  const args = stage.kind === "Call" ? stage.args : [];
  return () => {
    const piped = e.kind === "Pipe" ? { id: lowerExpr(s, e.input), span: e.input.span } : undefined;
    return several(callContext(s, surface, args, stage.span, piped));
  };
}

/** What a builtin's lowering sees of its call: bound options, lowered tensors, eqns at the call's span. */
function callContext(s: Scope, b: Builtin, args: readonly A.Arg[], span: Span, piped?: Piped): LowerCtx {
  const bound = bindArgs(b, args, span, piped?.span);
  const one = (sup: SuppliedOne): ValueId => (sup.kind === "piped" ? piped!.id : lowerExpr(s, sup.expr));
  const tensor = (argName: string): ValueId => {
    const sup = bound.args.get(argName)!;
    if (sup.kind === "many") throw new Error(`internal: ${b.name}(${argName}) is variadic`);
    return one(sup);
  };
  const tensors = (argName: string): ValueId[] => {
    const sup = bound.args.get(argName)!;
    return sup.kind === "many" ? sup.items.map(one) : [one(sup)];
  };
  const arg = <T extends AttrValue>(argName: string): T => staticArg(bound, argName) as T;
  const layerSpec = (argName: string) => {
    const name = arg<string>(argName);
    const sup = bound.args.get(argName) as SuppliedOne & { kind: "expr" };
    const call = sup.expr as A.Expr & { kind: "Call" };
    // The wrapped layer's input is the wrapper's: bound as if piped in.
    const inner = bindArgs(builtins.get(name)!, call.args, call.span, call.span);
    return { name, span: call.span, arg: <T extends AttrValue>(option: string): T => staticArg(inner, option) as T };
  };
  return {
    bound,
    arg,
    tensor,
    tensors,
    layerSpec,
    span,
    op: (o, inputs, attrs) => opEqn(s, o, inputs, attrs, span),
    parts: (o, inputs, attrs) => partEqns(s, o, inputs, attrs, span),
  };
}

function lowerCall(s: Scope, callee: A.Expr, args: readonly A.Arg[], span: Span, piped?: Piped): ValueId {
  if (callee.kind !== "Name") {
    fail(
      "DL2020",
      callee.kind === "Member" ? "`.` selects a part of a data source and belongs in the `data` setting" : "only names can be called",
      callee.span,
    );
  }
  const name = callee.name;
  if (s.names.has(name)) fail("DL2018", `\`${name}\` is a tensor, not a function`, callee.span);
  if (s.program.decls.has(name)) return lowerModelCall(s, name, callee.span, args, span, piped);
  const b = builtins.get(name) ?? (process.env.DLM_TEST_OPS === "1" ? testSurfaces.get(name) : undefined);
  if (!b) {
    const candidates = [
      ...builtinList.filter((x) => x.kind !== "source" && x.kind !== "metric").map((x) => x.name),
      ...s.program.decls.keys(),
    ];
    fail("DL2001", `unknown function or layer \`${name}\``, callee.span, { hint: didYouMean(name, candidates) });
  }
  const c = callContext(s, b, args, span, piped);
  const { arg, tensor: tensorArg } = c;
  const op = surfaceOf.get(name);
  if (op) {
    switch (op.kind) {
      case "layer":
        // Layers with parameters belong to a model (its weights); the others may be used anywhere.
        if (!s.model && op.params) {
          fail("DL2020", `\`${name}\` is a layer and creates parameters; layers belong inside a model`, callee.span, {
            hint: "declare a model with this layer and call the model here",
          });
        }
        return lowerLayer(s, op, c, tensorArg(op.args[0].name), callee.span);
      case "activation": {
        const x = tensorArg("x");
        return op.op === null ? x : opEqn(s, op.op, [x], op.attrs(arg), span);
      }
      default:
        return op.lower(c);
    }
  }
  switch (b.kind) {
    case "optimizer":
      fail("DL2020", `\`${name}\` is an optimizer; it belongs after \`with\` in a step or in the \`optimizer\` setting`, callee.span);
    case "schedule":
      fail("DL2020", `\`${name}\` is a learning-rate schedule; it belongs in an optimizer's \`lr\``, callee.span, {
        hint: `e.g. \`adam(lr=${name}(...))\``,
      });
    case "metric":
      fail("DL2020", `\`${name}\` is a metric; it belongs in \`metrics [...]\``, callee.span);
    case "callback":
      fail("DL2020", `\`${name}\` is a training control; it belongs in the \`${name}\` setting of a train block`, callee.span);
    case "source":
      fail("DL2020", `\`${name}\` is a data source; it belongs in the \`data\` setting`, callee.span);
    default:
      throw new Error(`internal: builtin ${name} has no lowering`);
  }
}

/** An eqn that is not a layer with parameters; inside a model it still gets a summary row. */
function opEqn(s: Scope, op: OpName, inputs: readonly ValueId[], attrs: Attrs, span: Span): ValueId {
  if (!s.model) return s.g.eqn(op, inputs, attrs, span, op);
  const keras = kerasOf(op);
  const layer = newLayerName(s.model, keras.base, null, span);
  const out = s.g.eqn(op, inputs, attrs, span, layer, layer);
  s.model.layers.push({ name: layer, type: keras.type, params: [], output: out, span });
  return out;
}

/** Eqns of `op` (one per attrs) that are one summary row inside a model, whose output the row shows is the first's. */
function partEqns(s: Scope, op: OpName, inputs: readonly ValueId[], attrs: readonly Attrs[], span: Span): ValueId[] {
  if (!s.model) return attrs.map((a, k) => s.g.eqn(op, inputs, a, span, k === 0 ? op : `${op}_part${k}`));
  const keras = kerasOf(op);
  const layer = newLayerName(s.model, keras.base, null, span);
  const outs = attrs.map((a, k) => s.g.eqn(op, inputs, a, span, k === 0 ? layer : `${layer}_part${k}`, layer));
  s.model.layers.push({ name: layer, type: keras.type, params: [], output: outs[0], span });
  return outs;
}

function newLayerName(m: ModelScope, base: string, explicit: string | null, span: Span): string {
  if (explicit !== null) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(explicit))
      fail("DL2003", `layer name "${explicit}" must be an identifier (letters, digits, _)`, span);
    if (m.usedNames.has(explicit)) fail("DL2006", `a layer named \`${explicit}\` already exists in model \`${m.name}\``, span);
    m.usedNames.add(explicit);
    return explicit;
  }
  // The first free name of base, base_1, base_2, ... Names are never freed, so the search
  // resumes after the last one given (linear, not quadratic, in the number of layers).
  let k = m.nextSuffix.get(base) ?? 0;
  let name = k === 0 ? base : `${base}_${k}`;
  while (m.usedNames.has(name)) name = `${base}_${++k}`;
  m.nextSuffix.set(base, k + 1);
  m.usedNames.add(name);
  return name;
}

/** A layer: its name, its parameters, the eqns its surface lowers to, and its summary row. */
function lowerLayer(s: Scope, surface: LayerSurface, c: LowerCtx, x: ValueId, span: Span): ValueId {
  const m = s.model; // absent in a train block (parameter-free layers only)
  const bound = c.bound;
  const explicit = staticArg(bound, "name") as string | null;
  const layer = m ? newLayerName(m, surface.keras.base, explicit, bound.span) : (explicit ?? surface.keras.base);
  const g = s.g;
  const params: ValueId[] = [];
  // (The builtin the call bound to has `trainable` when the layer has parameters; a test-only
  // layer has none: it is never frozen.)
  const trainable = surface.params && bound.builtin.args.some((a) => a.name === "trainable");
  const frozen = trainable && staticArg(bound, "trainable") === false ? { frozen: true as const } : {};
  const out = surface.lower({
    ...c,
    x,
    layer,
    param: (role, init, layout, state) => {
      const id = g.param(`${layer}.${role}`, {
        path: `${layer}/${role}`,
        layer,
        role,
        init,
        layout,
        ...(state ? { state: true } : {}),
        ...frozen,
      });
      params.push(id);
      return id;
    },
    eqn: (op, inputs, attrs) => g.eqn(op, inputs, attrs, bound.span, layer, layer),
    activation: (y) => {
      const act = argExpr(bound, "activation");
      if (!act) return y;
      const a = readActivation(act);
      return a.op === null ? y : g.eqn(a.op, [y], a.attrs, a.span, `${layer}_${a.name}`, layer);
    },
  });
  m?.layers.push({ name: layer, type: surface.keras.type, params, output: out, span });
  return out;
}

function argExpr(bound: Bound, name: string): A.Expr | undefined {
  const sup = bound.args.get(name);
  return sup && sup.kind === "expr" ? sup.expr : undefined;
}

function lowerModelCall(s: Scope, name: string, calleeSpan: Span, args: readonly A.Arg[], span: Span, piped?: Piped): ValueId {
  const decl = s.program.decls.get(name)!;
  s.program.model(name, calleeSpan); // lowered before its caller; throws AlreadyReported when it has errors
  // A model is called like a function of its declared inputs, positionally or by name.
  const pseudo: Builtin = {
    name,
    kind: "op",
    args: decl.params.map((p) => ({ name: p.name.name, type: { t: "tensor" }, doc: `input ${p.name.name}` })),
    doc: "",
  };
  const c = callContext(s, pseudo, args, span, piped);
  const inputs = decl.params.map((p) => c.tensor(p.name.name));
  if (!s.model) return s.g.eqn("call", inputs, { model: name }, span, name);
  const layer = newLayerName(s.model, name, null, span);
  const out = s.g.eqn("call", inputs, { model: name }, span, layer, layer);
  s.model.layers.push({ name: layer, type: "Functional", params: [], output: out, span });
  return out;
}
