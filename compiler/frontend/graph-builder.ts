// A mutable builder for one Graph, used only while lowering; what it produces is the
// plain readonly IR of ir/ir.ts.
import type { Attrs, DType, Eqn, Graph, OpName, ParamInfo, Shape, Value, ValueId } from "../ir/ir.js";
import type { Span } from "../source.js";

export class GraphBuilder {
  private readonly values: Value[] = [];
  private readonly eqns: Eqn[] = [];
  private readonly inputs: ValueId[] = [];

  /** A graph input; without a shape, the shapes pass infers it from its use as a loss target. */
  input(name: string, shape: Shape | undefined, dtype: DType = "f32"): ValueId {
    const id = this.value({ name, kind: "input", dtype, ...(shape ? { shape } : {}) });
    this.inputs.push(id);
    return id;
  }

  param(name: string, param: ParamInfo): ValueId {
    return this.value({ name, kind: "param", dtype: "f32", param });
  }

  /** Adds `op(inputs)` with one output and returns the output's id. */
  eqn(op: OpName, inputs: readonly ValueId[], attrs: Attrs, span: Span, name: string, layer?: string, dtype: DType = "f32"): ValueId {
    const out = this.value({ name, kind: "temp", dtype });
    this.eqns.push({ op, inputs, outputs: [out], attrs, span, ...(layer !== undefined ? { layer } : {}) });
    return out;
  }

  valueName(id: ValueId): string {
    return this.values[id].name;
  }

  finish(outputs: readonly ValueId[]): Graph {
    return { values: this.values, inputs: this.inputs, outputs, eqns: this.eqns };
  }

  private value(v: Omit<Value, "id">): ValueId {
    const id = this.values.length;
    this.values.push({ id, ...v });
    return id;
  }
}
