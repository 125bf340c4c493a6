// `dlm export --format onnx`: one `model.onnx`, opset 17, encoded by protobufjs from the
// official ONNX schema (vendor/onnx/onnx.proto, with its license beside it).
//
//   inference program (unfolded: batch norms stay nodes) ─each eqn's `onnx` rule→ nodes
//   ─checkpoint→ float32 initializers (rearranged where ONNX's layout is not Keras's)
//   ─protobufjs→ ModelProto bytes
//
// The graph's input keeps the .dlm model's shape (NHWC for images) with a symbolic batch
// dimension `batch`; its output is the model's output (probabilities for a softmax model).
// ONNX's Conv and pools read NCHW: each value remembers the layout it is in, and a Transpose
// is added only where a node needs the other one, so a Conv → Relu → MaxPool run stays NCHW.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ValueId } from "../ir/ir.js";
import type { TEqn, TrainingProgram } from "../ir/train-ir.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { kernelOf } from "../ops/index.js";
import { unsupportedHere } from "./tfjs.js";
import type { OnnxAttr, OnnxCtx, OnnxLayout } from "./rules.js";
import type { SafetensorsTensor } from "../../runtime/safetensors.js";

export const ONNX_OPSET = 17;
/** The IR version of opset 17. */
const IR_VERSION = 8;
const FLOAT = 1;
const INT64 = 7;

interface Node {
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly name: string;
  readonly attribute: readonly object[];
}

/** A weight the graph reads, filled in once the checkpoint is read. */
interface WeightUse {
  readonly name: string;
  readonly value: ValueId;
  readonly to?: { readonly dims: readonly number[]; at(i: number, data: Float32Array): number };
}

export interface OnnxPlan {
  readonly model: string;
  readonly nodes: readonly Node[];
  readonly weights: readonly WeightUse[];
  readonly ints: readonly { readonly name: string; readonly values: readonly number[]; readonly scalar: boolean }[];
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly output: { readonly name: string; readonly shape: readonly number[] };
}

const attribute = (name: string, v: OnnxAttr): object => {
  if (typeof v === "number") return { name, type: 2, i: v };
  if (typeof v === "string") return { name, type: 3, s: new TextEncoder().encode(v) };
  if (Array.isArray(v) && v.some((x) => typeof x === "string"))
    return { name, type: 8, strings: v.map((x) => new TextEncoder().encode(x)) };
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return { name, type: 1, f: (v as { float: number }).float };
};

/** The nodes of `model`'s inference program `itp`, or why ONNX cannot hold it. */
export function planOnnx(itp: TrainingProgram, model: string): OnnxPlan | { diagnostics: Diagnostic[] } {
  const entry = itp.inference[0];
  const eqns = entry.forward;
  const producers = new Map<ValueId, TEqn>(eqns.map((e) => [e.outputs[0], e]));
  const nodes: Node[] = [];
  const weights: WeightUse[] = [];
  const ints: { name: string; values: readonly number[]; scalar: boolean }[] = [];
  const problems: Diagnostic[] = [];
  const taken = new Set<string>();
  const fresh = (base: string) => {
    let n = base;
    for (let k = 1; taken.has(n); k++) n = `${base}_${k}`;
    taken.add(n);
    return n;
  };
  /** Each value's tensor in each layout it has been made in. */
  const tensors = new Map<ValueId, Map<OnnxLayout, string>>();
  const home = new Map<ValueId, OnnxLayout>();
  const weightNames = new Map<string, string>();
  const input = entry.inputs[0];
  const inputName = fresh(itp.values[input].name.slice(model.length + 1) || "input");
  tensors.set(input, new Map([["nhwc", inputName]]));
  home.set(input, "nhwc");
  const addNode = (op: string, inputs: readonly string[], attrs: Record<string, OnnxAttr> = {}, outputs = 1, base = op) => {
    const out = Array.from({ length: outputs }, (_, i) => fresh(`${base}${outputs > 1 ? `_${i}` : ""}`));
    nodes.push({
      op_type: op,
      input: inputs,
      output: out,
      name: fresh(`${base}_node`),
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  };
  for (const e of eqns) {
    // After a layer ONNX cannot hold, the layers reading it are not described (one report each).
    if (problems.length > 0 && e.inputs.some((id) => itp.values[id].kind !== "param" && !tensors.has(id) && producers.has(id))) continue;
    const rule = kernelOf(e.op).export?.onnx;
    if (!rule) {
      problems.push(unsupportedHere("onnx", model, e, "has no ONNX operator here"));
      continue;
    }
    const base = itp.values[e.outputs[0]].name;
    let done = false;
    const c: OnnxCtx = {
      eqn: e,
      shape: (id) => itp.values[id].shape,
      consumers: (id) => eqns.filter((x) => x.inputs.includes(id)),
      producer: (id) => producers.get(id),
      layout: (id) => home.get(id) ?? "nhwc",
      tensor: (id, layout = "nhwc") => {
        const v = itp.values[id];
        if (v.kind === "param") return c.weight(id);
        const have = tensors.get(id);
        if (!have) throw new Error(`internal: ${v.name} has no ONNX tensor`);
        const t = have.get(layout);
        if (t) return t;
        const [from, name] = [...have][0];
        if (v.shape.length !== 4) return name;
        const perm = from === "nhwc" ? [0, 3, 1, 2] : [0, 2, 3, 1];
        const [y] = addNode("Transpose", [name], { perm }, 1, `${v.name}_${layout}`);
        have.set(layout, y);
        return y;
      },
      weight: (id, to) => {
        const path = itp.values[id].param!.path;
        const key = `${path}|${to ? to.dims.join("x") : ""}`;
        const known = weightNames.get(key);
        if (known) return known;
        const name = fresh(path.replace(/[^A-Za-z0-9_]/g, "_") + (to ? "_onnx" : ""));
        weightNames.set(key, name);
        weights.push({ name, value: id, to });
        return name;
      },
      ints: (values, scalar = false) => {
        const name = fresh(`${base}_const`);
        ints.push({ name, values, scalar });
        return name;
      },
      node: (op, inputs, attrs, outputs) => addNode(op, inputs, attrs, outputs, base),
      output: (tensor, layout = "nhwc") => {
        tensors.set(e.outputs[0], new Map([[layout, tensor]]));
        home.set(e.outputs[0], layout);
        done = true;
      },
      skip: () => {
        done = true;
      },
    };
    const why = rule(c);
    if (why) problems.push(unsupportedHere("onnx", model, e, why));
    else if (!done) throw new Error(`internal: the onnx rule of ${e.op} described no node`);
  }
  if (problems.length > 0) return { diagnostics: problems };
  const out = entry.output;
  const have = tensors.get(out)!;
  let outName = have.get("nhwc");
  if (!outName) {
    const [y] = addNode("Transpose", [[...have][0][1]], { perm: [0, 2, 3, 1] }, 1, itp.values[out].name);
    outName = y;
  }
  return {
    model,
    nodes,
    weights,
    ints,
    input: { name: inputName, shape: itp.values[input].shape.slice(1) as number[] },
    output: { name: outName, shape: itp.values[out].shape.slice(1) as number[] },
  };
}

/** The vendored schema: beside the sources (vitest) or two folders further up (dist/). */
function schemaPath(): string {
  for (const up of ["../../vendor/onnx/onnx.proto", "../../../vendor/onnx/onnx.proto"]) {
    const p = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error("internal: vendor/onnx/onnx.proto is missing");
}

/** model.onnx with the checkpoint's weights (`weights`, by parameter path). */
export async function onnxFiles(
  itp: TrainingProgram,
  plan: OnnxPlan,
  weights: Readonly<Record<string, SafetensorsTensor>>,
): Promise<{ file: string; data: Uint8Array }[]> {
  const { default: protobuf } = await import("protobufjs");
  const root = new protobuf.Root().loadSync(schemaPath(), { keepCase: true });
  const ModelProto = root.lookupType("onnx.ModelProto");
  const bytes = (a: Float32Array | BigInt64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const initializer = [
    ...plan.weights.map((w) => {
      const v = itp.values[w.value];
      const data = weights[v.param!.path].data as Float32Array;
      let out = data;
      if (w.to) {
        out = new Float32Array(w.to.dims.reduce((a, d) => a * d, 1));
        for (let i = 0; i < out.length; i++) out[i] = w.to.at(i, data);
      }
      return { name: w.name, data_type: FLOAT, dims: w.to ? w.to.dims : v.shape, raw_data: bytes(out) };
    }),
    ...plan.ints.map((t) => ({
      name: t.name,
      data_type: INT64,
      dims: t.scalar ? [] : [t.values.length],
      raw_data: bytes(BigInt64Array.from(t.values, (x) => BigInt(x))),
    })),
  ];
  const valueInfo = (name: string, shape: readonly number[]) => ({
    name,
    type: { tensor_type: { elem_type: FLOAT, shape: { dim: [{ dim_param: "batch" }, ...shape.map((d) => ({ dim_value: d }))] } } },
  });
  const message = ModelProto.fromObject({
    ir_version: IR_VERSION,
    opset_import: [{ domain: "", version: ONNX_OPSET }],
    producer_name: "dlm",
    graph: {
      name: plan.model,
      node: plan.nodes,
      initializer,
      input: [valueInfo(plan.input.name, plan.input.shape)],
      output: [valueInfo(plan.output.name, plan.output.shape)],
    },
  });
  return [{ file: "model.onnx", data: ModelProto.encode(message).finish() }];
}
