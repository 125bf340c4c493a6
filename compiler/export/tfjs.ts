// `dlm export --format tfjs`: a TensorFlow.js layers model — `model.json` (a Keras 2 style
// topology as tfjs-layers reads it, and the weights manifest) and its weight shards — that
// `tf.loadLayersModel` loads.
//
//   inference program (unfolded: batch norms stay layers) ─each eqn's `tfjs` rule→ layers
//   ─a chain→ Sequential (batch_input_shape on its first layer) │ else a functional Model
//   (an InputLayer, inbound nodes) ─checkpoint→ float32 shards of at most 4 MiB
//
// Every layer writes its `activation` (and an LSTM its `recurrent_activation`) explicitly:
// tfjs-layers' defaults are not Keras 3's (its LSTM defaults to hard sigmoid). The op
// modules' rules (ops/*.ts, export slot) say which layer each eqn becomes and fold an
// activation into the layer before it; an eqn without a rule, or whose rule says tfjs would
// compute it differently, stops the export with a located DL4006.
import type { ValueId } from "../ir/ir.js";
import type { TEqn, TrainingProgram } from "../ir/train-ir.js";
import { error, type Diagnostic } from "../diagnostics/diagnostic.js";
import { kernelOf } from "../ops/index.js";
import type { TfjsCtx, TfjsLayer } from "./rules.js";
import type { SafetensorsTensor } from "../../runtime/safetensors.js";

/** The layers of a model, before the weights are known. */
export interface TfjsPlan {
  readonly model: string;
  readonly input: ValueId;
  readonly output: ValueId;
  readonly layers: readonly (TfjsLayer & { readonly name: string })[];
  /** The layer computing each value a layer reads or the model returns. */
  readonly producer: ReadonlyMap<ValueId, TfjsLayer>;
}

/** tfjs's converter writes shards of 4 MiB. */
const SHARD_BYTES = 4 * 1024 * 1024;

export const unsupportedHere = (format: string, model: string, e: TEqn, why: string): Diagnostic =>
  error("DL4006", `model \`${model}\` cannot be exported to ${format}: layer \`${e.origin ?? e.op}\` (\`${e.op}\`) ${why}`, e.span, {
    hint: `export it as --format module (runs every layer dlm has), or change the layer; docs/export.md lists what each format holds`,
  });

/** The layers of `model`'s inference program `itp`, or why tfjs cannot hold it. */
export function planTfjs(itp: TrainingProgram, model: string): TfjsPlan | { diagnostics: Diagnostic[] } {
  const entry = itp.inference[0];
  const eqns = entry.forward;
  const readers = new Map<ValueId, number>();
  for (const e of eqns) for (const id of e.inputs) readers.set(id, (readers.get(id) ?? 0) + 1);
  const producer = new Map<ValueId, TfjsLayer>();
  const outputOf = new Map<TfjsLayer, ValueId>();
  const layers: TfjsLayer[] = [];
  const problems: Diagnostic[] = [];
  for (const e of eqns) {
    const rule = kernelOf(e.op).export?.tfjs;
    if (!rule) {
      problems.push(unsupportedHere("tfjs", model, e, "has no TensorFlow.js layer"));
      continue;
    }
    const origin = e.origin ?? `${model}/${e.op}`;
    let done = false;
    const map = (l: TfjsLayer) => {
      producer.set(e.outputs[0], l);
      outputOf.set(l, e.outputs[0]);
      done = true;
    };
    const c: TfjsCtx = {
      eqn: e,
      shape: (id) => itp.values[id].shape,
      fusable: (id) => {
        const l = producer.get(id);
        return l && outputOf.get(l) === id && readers.get(id) === 1 && id !== entry.output && l.origin === origin ? l : undefined;
      },
      add: (class_name, config, weights = [], inputs = [e.inputs[0]]) => {
        const l: TfjsLayer = { class_name, config, weights, inputs, origin };
        layers.push(l);
        map(l);
      },
      same: map,
    };
    const why = rule(c);
    if (why) problems.push(unsupportedHere("tfjs", model, e, why));
    else if (!done) throw new Error(`internal: the tfjs rule of ${e.op} described no layer`);
  }
  if (problems.length > 0) return { diagnostics: problems };
  // Names: the .dlm layer's, unique (an Activation layer split from its Dense gets a suffix).
  const taken = new Set<string>();
  const named = layers.map((l) => {
    const base = l.origin.startsWith(`${model}/`) ? l.origin.slice(model.length + 1).replace(/\//g, "_") : l.origin.replace(/\//g, "_");
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${l.class_name.toLowerCase()}${k > 1 ? `_${k}` : ""}`;
    taken.add(name);
    return Object.assign(l, { name });
  });
  return { model, input: entry.inputs[0], output: entry.output, layers: named, producer };
}

/** model.json and its shards, with the checkpoint's weights (`weights`, by parameter path). */
export function tfjsFiles(
  itp: TrainingProgram,
  plan: TfjsPlan,
  weights: Readonly<Record<string, SafetensorsTensor>>,
): { file: string; data: string | Uint8Array }[] {
  const { layers, producer } = plan;
  const inputName = itp.values[plan.input].name.slice(plan.model.length + 1) || "input";
  const batchInputShape = [null, ...itp.values[plan.input].shape.slice(1)];
  const nameOf = (id: ValueId) => (id === plan.input ? inputName : (producer.get(id) as { name?: string } | undefined)?.name);
  const chain = layers.every((l, i) => l.inputs.length === 1 && l.inputs[0] === (i === 0 ? plan.input : outputValue(plan, layers[i - 1])));
  const layerConfig = (l: TfjsPlan["layers"][number]) => ({ name: l.name, trainable: true, dtype: "float32", ...l.config });
  const topology = chain
    ? {
        class_name: "Sequential",
        config: {
          name: plan.model,
          layers: layers.map((l, i) => ({
            class_name: l.class_name,
            config: i === 0 ? { batch_input_shape: batchInputShape, ...layerConfig(l) } : layerConfig(l),
          })),
        },
      }
    : {
        class_name: "Model",
        config: {
          name: plan.model,
          layers: [
            {
              class_name: "InputLayer",
              name: inputName,
              config: { batch_input_shape: batchInputShape, dtype: "float32", sparse: false, name: inputName },
              inbound_nodes: [],
            },
            ...layers.map((l) => ({
              class_name: l.class_name,
              name: l.name,
              config: layerConfig(l),
              inbound_nodes: [l.inputs.map((id) => [nameOf(id), 0, 0, {}])],
            })),
          ],
          input_layers: [[inputName, 0, 0]],
          output_layers: [[nameOf(plan.output), 0, 0]],
        },
      };
  // The weights, in the layers' order, as one float32 buffer cut into shards.
  const specs: { name: string; shape: number[]; dtype: "float32" }[] = [];
  const parts: Float32Array[] = [];
  for (const l of layers)
    for (const w of l.weights) {
      const v = itp.values[w.value];
      const t = weights[v.param!.path];
      if (!t) throw new Error(`internal: no weights for ${v.param!.path}`);
      specs.push({ name: `${l.name}/${w.name}`, shape: t.shape as number[], dtype: "float32" });
      parts.push(t.data as Float32Array);
    }
  const all = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  parts.reduce((at, p) => (all.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at), at + p.byteLength), 0);
  const count = Math.max(1, Math.ceil(all.length / SHARD_BYTES));
  const shards = Array.from({ length: count }, (_, i) => ({
    file: `group1-shard${i + 1}of${count}.bin`,
    data: all.slice(i * SHARD_BYTES, Math.min(all.length, (i + 1) * SHARD_BYTES)),
  }));
  const modelJson = {
    format: "layers-model",
    generatedBy: "dlm",
    convertedBy: null,
    modelTopology: { ...topology, keras_version: "tfjs-layers 4.22.0", backend: "tensor_flow.js" },
    weightsManifest: [{ paths: shards.map((s) => s.file), weights: specs }],
  };
  return [{ file: "model.json", data: JSON.stringify(modelJson, null, 1) + "\n" }, ...shards];
}

function outputValue(plan: TfjsPlan, l: TfjsLayer): ValueId | undefined {
  let last: ValueId | undefined;
  for (const [id, p] of plan.producer) if (p === l) last = id;
  return last;
}
