// The calls between models, read from the AST before lowering: which models each model
// calls, the order that puts callees first, and the calls that close cycles. Walks with
// stacks of its own: a chain of calls is as long as the program makes it.
import type * as A from "../syntax/ast.js";
import type { Span } from "../source.js";

/** A call of a model in a model's body: the callee and the span of its name there. */
export interface CallSite {
  readonly callee: string;
  readonly span: Span;
}

/**
 * `a` → `b` → `c` for a chain of `length` names; of more than 7, the first 3 and the last
 * 3 of `names` (the whole chain, or just those 6) around `…`.
 */
export function chainText(names: readonly string[], length: number): string {
  const q = names.map((n) => `\`${n}\``);
  return length <= 7 ? q.join(" → ") : [...q.slice(0, 3), "…", ...q.slice(-3)].join(" → ");
}

/**
 * The models a declaration calls: calls and piped stages naming a declared model (and no
 * input or earlier `let` of its own, which would hide it), in its lets and its output;
 * each callee once, at its first call in the source, in source order. Walks the
 * expressions with a stack of its own.
 */
export function modelCalls(decl: A.ModelDecl, models: ReadonlyMap<string, unknown>): CallSite[] {
  const local = new Set(decl.params.map((p) => p.name.name));
  const first = new Map<string, Span>();
  const site = (callee: A.Expr) => {
    if (callee.kind !== "Name" || !models.has(callee.name) || local.has(callee.name)) return;
    const seen = first.get(callee.name);
    if (!seen || callee.span.start < seen.start) first.set(callee.name, callee.span);
  };
  const walk = (root: A.Expr) => {
    const stack: A.Expr[] = [root];
    while (stack.length > 0) {
      const e = stack.pop()!;
      switch (e.kind) {
        case "Pipe":
          stack.push(e.input);
          if (e.stage.kind === "Name") site(e.stage);
          else if (e.stage.kind === "Call") stack.push(e.stage);
          break;
        case "Call":
          site(e.callee);
          for (const a of e.args) stack.push(a.value);
          break;
        case "Binary":
          stack.push(e.left, e.right);
          break;
        case "Unary":
          stack.push(e.operand);
          break;
        case "List":
          stack.push(...e.items);
          break;
        default:
          break;
      }
    }
  };
  for (const l of decl.lets) {
    walk(l.value);
    for (const n of l.names) local.add(n.name);
  }
  walk(decl.output);
  return [...first].map(([callee, span]) => ({ callee, span })).sort((a, b) => a.span.start - b.span.start);
}

/** A call that closes a cycle: `cycle` (`length` names in all) runs from the callee back to it. */
export interface BackEdge {
  readonly site: CallSite;
  readonly cycle: readonly string[];
  readonly length: number;
}

/**
 * The models in strongly connected components, callees first (Tarjan's algorithm with an
 * explicit stack), and the back edges of its depth-first search, each of which closes a
 * cycle: from the callee, on the search path, to the caller and back to the callee.
 */
export function orderModels(
  roots: Iterable<string>,
  calls: ReadonlyMap<string, readonly CallSite[]>,
): { components: string[][]; backEdges: BackEdge[] } {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const open: string[] = [];
  const isOpen = new Set<string>();
  const path: { name: string; next: number }[] = [];
  const onPath = new Map<string, number>();
  const components: string[][] = [];
  const backEdges: BackEdge[] = [];
  const enter = (name: string) => {
    index.set(name, index.size);
    low.set(name, index.get(name)!);
    open.push(name);
    isOpen.add(name);
    onPath.set(name, path.length);
    path.push({ name, next: 0 });
  };
  for (const root of roots) {
    if (index.has(root)) continue;
    enter(root);
    while (path.length > 0) {
      const top = path[path.length - 1];
      const sites = calls.get(top.name)!;
      if (top.next < sites.length) {
        const site = sites[top.next++];
        const w = site.callee;
        if (!index.has(w)) {
          enter(w);
          continue;
        }
        const at = onPath.get(w);
        if (at !== undefined) {
          // The cycle's models, from `w` back to `w`; of a long one only what chainText shows.
          const length = path.length - at + 1;
          const shown = length <= 7 ? path.slice(at) : [...path.slice(at, at + 3), ...path.slice(-2)];
          backEdges.push({ site, cycle: [...shown.map((f) => f.name), w], length });
        }
        if (isOpen.has(w)) low.set(top.name, Math.min(low.get(top.name)!, index.get(w)!));
        continue;
      }
      path.pop();
      onPath.delete(top.name);
      const parent = path[path.length - 1];
      if (parent) low.set(parent.name, Math.min(low.get(parent.name)!, low.get(top.name)!));
      if (low.get(top.name) === index.get(top.name)) {
        const component: string[] = [];
        let n: string;
        do {
          n = open.pop()!;
          isOpen.delete(n);
          component.push(n);
        } while (n !== top.name);
        components.push(component.reverse());
      }
    }
  }
  return { components, backEdges };
}
