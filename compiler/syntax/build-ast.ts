// CST → AST: a chevrotain CST visitor that builds the typed AST of ast.ts. Runs only on
// a CST without syntax errors, so every child the grammar requires is present.
import type { CstNode, IToken, CstElement } from "chevrotain";
import type * as A from "./ast.js";
import { join } from "./ast.js";
import { getParser } from "./parser.js";
import type { Span } from "../source.js";

type Ctx = Record<string, CstElement[] | undefined>;

const tokSpan = (t: IToken): Span => ({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 });
const nodeSpan = (n: CstNode): Span => ({ start: n.location!.startOffset, end: (n.location!.endOffset ?? n.location!.startOffset) + 1 });
const tok = (ctx: Ctx, key: string, i = 0): IToken => ctx[key]![i] as IToken;
const node = (ctx: Ctx, key: string, i = 0): CstNode => ctx[key]![i] as CstNode;
const nodes = (ctx: Ctx, key: string): CstNode[] => (ctx[key] ?? []) as CstNode[];
const ident = (t: IToken): A.Ident => ({ name: t.image, span: tokSpan(t) });

function unescape(image: string): string {
  return image.slice(1, -1).replace(/\\(.)/g, (_, c: string) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
}

const BaseVisitor = getParser().getBaseCstVisitorConstructor();

class AstBuilder extends BaseVisitor {
  constructor() {
    super();
    this.validateVisitor();
  }

  /** Visit a child node, handing each rule method its own span. */
  private sub(n: CstNode): any {
    return this.visit(n, nodeSpan(n));
  }

  program(ctx: Ctx, span: Span): A.Program {
    return { kind: "Program", items: nodes(ctx, "item").map((n) => this.sub(n)), span };
  }

  item(ctx: Ctx): A.Item {
    return this.sub(ctx.modelDecl ? node(ctx, "modelDecl") : node(ctx, "trainDecl"));
  }

  modelDecl(ctx: Ctx): A.ModelDecl {
    const span = { start: tok(ctx, "Model").startOffset, end: tokSpan(tok(ctx, "RCurly")).end };
    return {
      kind: "Model",
      name: ident(tok(ctx, "Identifier")),
      params: ctx.params ? this.sub(node(ctx, "params")) : [],
      lets: nodes(ctx, "letStmt").map((n) => this.sub(n)),
      output: this.sub(node(ctx, "expression")),
      span,
    };
  }

  trainDecl(ctx: Ctx): A.TrainDecl {
    const body: A.TrainItem[] = [...nodes(ctx, "letStmt"), ...nodes(ctx, "stepStmt"), ...nodes(ctx, "setting")]
      .sort((a, b) => a.location!.startOffset - b.location!.startOffset)
      .map((n) => this.sub(n));
    return {
      kind: "Train",
      name: ident(tok(ctx, "Identifier")),
      params: ctx.LParen ? (ctx.params ? this.sub(node(ctx, "params")) : []) : undefined,
      body,
      span: { start: tok(ctx, "Train").startOffset, end: tokSpan(tok(ctx, "RCurly")).end },
    };
  }

  params(ctx: Ctx): A.Param[] {
    return nodes(ctx, "param").map((n) => this.sub(n));
  }

  param(ctx: Ctx, span: Span): A.Param {
    const shape = node(ctx, "shape");
    const dtype = ctx.Identifier!.length > 1 ? { dtype: ident(tok(ctx, "Identifier", 1)) } : {};
    return { name: ident(tok(ctx, "Identifier")), ...dtype, shape: this.sub(shape), shapeSpan: nodeSpan(shape), span };
  }

  shape(ctx: Ctx): A.DimLit[] {
    return nodes(ctx, "dim").map((n) => this.sub(n));
  }

  dim(ctx: Ctx): A.DimLit {
    if (ctx.NumberLit) {
      const t = tok(ctx, "NumberLit");
      return { kind: "DimNumber", raw: t.image, span: tokSpan(t) };
    }
    const t = tok(ctx, "Identifier");
    return { kind: "DimName", name: t.image, span: tokSpan(t) };
  }

  letStmt(ctx: Ctx, span: Span): A.LetStmt {
    const names = (ctx.Identifier as IToken[]).map(ident);
    return { kind: "Let", names, value: this.sub(node(ctx, "expression")), span };
  }

  stepStmt(ctx: Ctx, span: Span): A.StepStmt {
    return {
      kind: "Step",
      model: ident(tok(ctx, "Identifier")),
      optimizer: this.sub(node(ctx, "optimizer")),
      loss: this.sub(node(ctx, "loss")),
      span,
    };
  }

  setting(ctx: Ctx, span: Span): A.Setting {
    const block = ctx.LCurly ? { block: nodes(ctx, "directive").map((n): A.Directive => this.sub(n)) } : {};
    return { kind: "Setting", key: ident(tok(ctx, "Identifier")), value: this.sub(node(ctx, "expression")), ...block, span };
  }

  directive(ctx: Ctx, span: Span): A.Directive {
    const paths = nodes(ctx, "path").map((n): A.PathLit => this.sub(n));
    return { key: ident(tok(ctx, "Identifier")), path: paths[0], ...(paths[1] ? { to: paths[1] } : {}), span };
  }

  path(ctx: Ctx, span: Span): A.PathLit {
    const parts = (ctx.Identifier as IToken[]).map(ident);
    return { parts, text: parts.map((p) => p.name).join("/"), span };
  }

  expression(ctx: Ctx): A.Expr {
    const stages = nodes(ctx, "additive").map((n): A.Expr => this.sub(n));
    return stages.slice(1).reduce((input, stage) => ({ kind: "Pipe", input, stage, span: join(input.span, stage.span) }), stages[0]);
  }

  additive(ctx: Ctx): A.Expr {
    return this.binary(nodes(ctx, "multiplicative"), (ctx.op ?? []) as IToken[]);
  }

  multiplicative(ctx: Ctx): A.Expr {
    return this.binary(nodes(ctx, "unary"), (ctx.op ?? []) as IToken[]);
  }

  /** Left-associative chain; `ops[i]` sits between operands i and i+1. */
  private binary(operands: CstNode[], ops: IToken[]): A.Expr {
    let left: A.Expr = this.sub(operands[0]);
    ops.forEach((op, i) => {
      const right: A.Expr = this.sub(operands[i + 1]);
      left = { kind: "Binary", op: op.image as A.BinaryOp, left, right, opSpan: tokSpan(op), span: join(left.span, right.span) };
    });
    return left;
  }

  unary(ctx: Ctx, span: Span): A.Expr {
    if (ctx.Minus) return { kind: "Unary", op: "-", operand: this.sub(node(ctx, "unary")), span };
    return this.sub(node(ctx, "postfix"));
  }

  postfix(ctx: Ctx): A.Expr {
    let e: A.Expr = this.sub(node(ctx, "primary"));
    for (const s of nodes(ctx, "suffix")) {
      const sc = s.children as Ctx;
      const end = nodeSpan(s).end;
      if (sc.Dot) {
        e = { kind: "Member", object: e, member: ident(tok(sc, "Identifier")), span: { start: e.span.start, end } };
      } else {
        e = { kind: "Call", callee: e, args: nodes(sc, "arg").map((a) => this.sub(a)), span: { start: e.span.start, end } };
      }
    }
    return e;
  }

  /** Suffixes are read by `postfix`, which needs them in order with the expression they apply to. */
  suffix(): never {
    throw new Error("suffix nodes are visited through postfix");
  }

  arg(ctx: Ctx, span: Span): A.Arg {
    return { name: ctx.Identifier ? ident(tok(ctx, "Identifier")) : undefined, value: this.sub(node(ctx, "expression")), span };
  }

  primary(ctx: Ctx, span: Span): A.Expr {
    if (ctx.NumberLit) {
      const raw = tok(ctx, "NumberLit").image;
      return { kind: "Number", raw, value: Number(raw), span };
    }
    if (ctx.StringLit) return { kind: "String", value: unescape(tok(ctx, "StringLit").image), span };
    if (ctx.True) return { kind: "Bool", value: true, span };
    if (ctx.False) return { kind: "Bool", value: false, span };
    if (ctx.Identifier) return { kind: "Name", name: tok(ctx, "Identifier").image, span };
    if (ctx.LParen) {
      const inner: A.Expr = this.sub(node(ctx, "expression"));
      return { ...inner, span } as A.Expr; // parentheses widen the span, nothing else
    }
    return { kind: "List", items: nodes(ctx, "expression").map((n) => this.sub(n)), span };
  }
}

let builder: AstBuilder | undefined;

export function buildAst(cst: CstNode): A.Program {
  builder ??= new AstBuilder();
  const span = cst.location && !Number.isNaN(cst.location.startOffset) ? nodeSpan(cst) : { start: 0, end: 0 };
  return builder.program(cst.children as Ctx, span);
}
