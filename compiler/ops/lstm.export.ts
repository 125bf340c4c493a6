// The LSTM layer in the exported formats (the `export` slot of lstm_scan and last_step,
// lstm.ts). A Keras LSTM is, in the training IR, dense (the input projection x·W + b) →
// lstm_scan (the time loop with U) → last_step unless return_sequences; both formats hold
// the three as one LSTM: tfjs-layers' LSTM (its gates i, f, c, o as Keras's, every
// activation written out: its recurrent_activation defaults to hard sigmoid), ONNX's LSTM
// (gates i, o, f, c; time-major, so the sequence is transposed in and out).
import type { ValueId } from "../ir/ir.js";
import type { OnnxRule, TfjsRule } from "../export/rules.js";

const masked = "takes a padding mask (embedding(mask_zero=true) before it), which this export does not carry";

export const lstmTfjs: TfjsRule = (c) => {
  const [xw, u, mask] = c.eqn.inputs;
  if (mask !== undefined) return masked;
  const dense = c.fusable(xw);
  if (!dense || dense.class_name !== "Dense") return "is not the recurrence of an LSTM layer (its input projection is not its own)";
  dense.class_name = "LSTM";
  dense.config = {
    units: c.eqn.attrs.units,
    activation: "tanh",
    recurrent_activation: "sigmoid",
    use_bias: dense.weights.length === 2,
    unit_forget_bias: true,
    return_sequences: true,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    implementation: 1,
    dropout: 0,
    recurrent_dropout: 0,
  };
  const [kernel, bias] = dense.weights;
  dense.weights = [kernel, { name: "recurrent_kernel", value: u }, ...(bias ? [bias] : [])];
  return c.same(dense);
};

/** last_step after a recurrent layer that returns its sequence: that layer returns its last step instead. */
export const lastStepTfjs: TfjsRule = (c) => {
  const l = c.fusable(c.eqn.inputs[0]);
  if (!l || l.config.return_sequences !== true)
    return "takes the last step of a sequence no recurrent layer made, which TensorFlow.js has no layer for";
  l.config.return_sequences = false;
  return c.same(l);
};

/** Keras's gate blocks (i, f, c, o) in ONNX's order (i, o, f, c). */
const KERAS_GATE = [0, 3, 1, 2];

export const lstmOnnx: OnnxRule = (c) => {
  const [xw, u, mask] = c.eqn.inputs;
  if (mask !== undefined) return masked;
  const dense = c.producer(xw);
  if (!dense || dense.op !== "dense") return "is not the recurrence of an LSTM layer (its input projection is not its own)";
  const [x, w, b] = dense.inputs as [ValueId, ValueId, ValueId | undefined];
  const h = c.eqn.attrs.units as number;
  const f = c.shape(w)[0] as number;
  // W [1, 4h, f] from Keras's kernel [f, 4h]; R [1, 4h, h] from U [h, 4h]: row r of ONNX is column r of Keras, gates reordered.
  const gateRows = (inputs: number) => ({
    dims: [1, 4 * h, inputs],
    at: (i: number, d: Float32Array) => {
      const k = i % inputs,
        r = Math.floor(i / inputs);
      return d[k * 4 * h + KERAS_GATE[Math.floor(r / h)] * h + (r % h)];
    },
  });
  // B [1, 8h]: the input bias (gates reordered), then a zero recurrent bias.
  const bias = { dims: [1, 8 * h], at: (i: number, d: Float32Array) => (i < 4 * h ? d[KERAS_GATE[Math.floor(i / h)] * h + (i % h)] : 0) };
  const [seq] = c.node("Transpose", [c.tensor(x)], { perm: [1, 0, 2] });
  const ins = [seq, c.weight(w, gateRows(f)), c.weight(u, gateRows(h)), ...(b !== undefined ? [c.weight(b, bias)] : [])];
  const [y] = c.node("LSTM", ins, { hidden_size: h, direction: "forward", activations: ["Sigmoid", "Tanh", "Tanh"] });
  const [squeezed] = c.node("Squeeze", [y, c.ints([1])]);
  return c.output(c.node("Transpose", [squeezed], { perm: [1, 0, 2] })[0]);
};

/** The sequence's last step: a Gather of step −1. */
export const lastStepOnnx: OnnxRule = (c) => {
  c.output(c.node("Gather", [c.tensor(c.eqn.inputs[0]), c.ints([-1], true)], { axis: 1 })[0]);
};
