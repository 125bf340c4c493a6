// Batch norms folded into the layer before them, in evaluation and inference.
//
// With the moving statistics a batch norm is an affine map per channel,
// y = a·h + (β − mean·a) with a = γ/√(moving_variance + ε). When h is the output of a
// `dense` or `conv2d` (no activation between: the layer's activation is an eqn of its own)
// and nothing else in the segment reads h, the pair
//
//   h  = dense(x, kernel, bias)              h  = conv2d(x, kernel, bias)
//   y  = batchnorm_infer(h, mean, var, γ, β)
//
// becomes
//
//   [kernel', bias'] = batchnorm_fold(kernel, bias, mean, var, γ, β)   kernel·a per output channel,
//   y  = dense(x, kernel', bias')                                    (bias − mean)·a + β
//
// so that the forward pass runs one GEMM or convolution instead of that and a pass over
// its output. The folded weights are computed each time the segment runs, from the current
// parameters (they change every step); that costs one pass over the kernel, not over the
// batch. Training segments are untouched (their batch norm uses the batch's statistics).
// The batch norm must normalize the last axis (the layer's output channels, which are the
// kernel's last axis for both layers). compileTrainer applies this with fusion (not with
// --no-fuse, which keeps one kernel per op: the tests compare the two).
import type { ValueId } from "../ir/ir.js";
import type { TEqn, TValue, TrainingProgram } from "../ir/train-ir.js";

export function foldBatchnorms(tp: TrainingProgram): TrainingProgram {
  const values: TValue[] = [...tp.values];
  let folded = 0;
  const add = (v: Omit<TValue, "id">): ValueId => {
    values.push({ ...v, id: values.length });
    return values.length - 1;
  };
  const segment = (eqns: readonly TEqn[], keep: readonly ValueId[]): TEqn[] => {
    const uses = new Map<ValueId, number>();
    for (const id of [...eqns.flatMap((e) => e.inputs), ...keep]) uses.set(id, (uses.get(id) ?? 0) + 1);
    const producer = new Map<ValueId, number>();
    eqns.forEach((e, i) => e.outputs.forEach((o) => producer.set(o, i)));
    const out = [...eqns];
    eqns.forEach((e, j) => {
      if (e.op !== "batchnorm_infer") return;
      const h = e.inputs[0];
      const hs = values[h].shape;
      if ((e.attrs.axis as number) !== hs.length - 1 || uses.get(h) !== 1) return;
      const i = producer.get(h);
      if (i === undefined) return;
      const layer = out[i];
      if (layer.op !== "dense" && layer.op !== "conv2d") return;
      const [x, kernel, bias] = layer.inputs;
      const useBias = layer.attrs.use_bias as boolean;
      const k2 = add({ name: `${values[kernel].name}_folded`, kind: "temp", dtype: "f32", shape: values[kernel].shape });
      const b2 = add({ name: `${values[e.outputs[0]].name}_bias_folded`, kind: "temp", dtype: "f32", shape: [hs[hs.length - 1]] });
      const [, mean, variance, ...affine] = e.inputs;
      out[i] = {
        op: "batchnorm_fold",
        inputs: [kernel, ...(useBias ? [bias] : []), mean, variance, ...affine],
        outputs: [k2, b2],
        attrs: { ...e.attrs, bias: useBias },
        span: e.span,
        ...(e.origin ? { origin: e.origin } : {}),
      };
      out[j] = { ...layer, inputs: [x, k2, b2], outputs: e.outputs, attrs: { ...layer.attrs, use_bias: true } };
      folded++;
    });
    return out;
  };
  const evaluation = tp.evaluation && {
    ...tp.evaluation,
    forward: segment(tp.evaluation.forward, [tp.evaluation.prediction, tp.evaluation.loss]),
  };
  const inference = tp.inference.map((m) => ({ ...m, forward: segment(m.forward, [m.output]) }));
  return folded === 0 ? tp : { ...tp, values, evaluation, inference };
}
