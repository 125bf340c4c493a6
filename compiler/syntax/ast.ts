// The typed AST of a .dlm file. Plain readonly data; every node carries its span.
import type { Span } from "../source.js";

export interface Ident {
  readonly name: string;
  readonly span: Span;
}

export interface Program {
  readonly kind: "Program";
  readonly items: readonly Item[];
  readonly span: Span;
}

export type Item = ModelDecl | TrainDecl;

export interface ModelDecl {
  readonly kind: "Model";
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly lets: readonly LetStmt[];
  readonly output: Expr;
  readonly span: Span;
}

/** `name: [B, 28, 28, 1]`, or with a dtype: `words: i32[B, 64]` */
export interface Param {
  readonly name: Ident;
  /** The dtype written before the shape (`i32`, `f32`); absent: f32. */
  readonly dtype?: Ident;
  readonly shape: readonly DimLit[];
  readonly shapeSpan: Span;
  readonly span: Span;
}

export type DimLit =
  | { readonly kind: "DimNumber"; readonly raw: string; readonly span: Span }
  | { readonly kind: "DimName"; readonly name: string; readonly span: Span };

export interface TrainDecl {
  readonly kind: "Train";
  readonly name: Ident;
  /** `train gan(real: [B, 784]) {...}` declares its inputs; `train cnn {...}` takes the model's. */
  readonly params: readonly Param[] | undefined;
  readonly body: readonly TrainItem[];
  readonly span: Span;
}

export type TrainItem = LetStmt | StepStmt | Setting;

/** `let h = ...`, or `let a, b = x |> split(2)`: one name per tensor of a builtin that gives several. */
export interface LetStmt {
  readonly kind: "Let";
  /** One or more names, in order. */
  readonly names: readonly Ident[];
  readonly value: Expr;
  readonly span: Span;
}

export interface StepStmt {
  readonly kind: "Step";
  readonly model: Ident;
  readonly optimizer: Expr;
  readonly loss: Expr;
  readonly span: Span;
}

/** `batch 32`, `loss mse`, `data mnist(flatten=true)` ... */
export interface Setting {
  readonly kind: "Setting";
  readonly key: Ident;
  readonly value: Expr;
  /** The block after the value, `{ map a -> b; exclude c }` (the `init` setting's); absent: none written. */
  readonly block?: readonly Directive[];
  readonly span: Span;
}

/** A line of a setting's block: `exclude cnn/dense_1`, `map cnn/conv2d -> clf/conv2d`. */
export interface Directive {
  readonly key: Ident;
  readonly path: PathLit;
  readonly to?: PathLit;
  readonly span: Span;
}

/** `cnn/conv2d`: names joined by `/`. */
export interface PathLit {
  readonly parts: readonly Ident[];
  readonly text: string;
  readonly span: Span;
}

export type Expr = NumberExpr | StringExpr | BoolExpr | NameExpr | ListExpr | CallExpr | MemberExpr | BinaryExpr | UnaryExpr | PipeExpr;

export interface NumberExpr {
  readonly kind: "Number";
  /** The literal as written; checked for range and exactness where it is used. */
  readonly raw: string;
  readonly value: number;
  readonly span: Span;
}
export interface StringExpr {
  readonly kind: "String";
  readonly value: string;
  readonly span: Span;
}
export interface BoolExpr {
  readonly kind: "Bool";
  readonly value: boolean;
  readonly span: Span;
}
export interface NameExpr {
  readonly kind: "Name";
  readonly name: string;
  readonly span: Span;
}
export interface ListExpr {
  readonly kind: "List";
  readonly items: readonly Expr[];
  readonly span: Span;
}
export interface Arg {
  readonly name: Ident | undefined;
  readonly value: Expr;
  readonly span: Span;
}
export interface CallExpr {
  readonly kind: "Call";
  readonly callee: Expr;
  readonly args: readonly Arg[];
  readonly span: Span;
}
export interface MemberExpr {
  readonly kind: "Member";
  readonly object: Expr;
  readonly member: Ident;
  readonly span: Span;
}
export type BinaryOp = "+" | "-" | "*" | "/" | "@";
export interface BinaryExpr {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly opSpan: Span;
  readonly span: Span;
}
export interface UnaryExpr {
  readonly kind: "Unary";
  readonly op: "-";
  readonly operand: Expr;
  readonly span: Span;
}
/** `x |> f(a)` means `f(x, a)`; `x |> f` means `f(x)`. */
export interface PipeExpr {
  readonly kind: "Pipe";
  readonly input: Expr;
  readonly stage: Expr;
  readonly span: Span;
}

export const join = (a: Span, b: Span): Span => ({ start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) });
