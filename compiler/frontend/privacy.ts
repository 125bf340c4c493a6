// Differentially private training (`dp_sgd`, `dp_adam`) in a train block: the checks of
// its settings and the warning on δ. The accountant is runtime/privacy.ts.
//
// - A block with a DP optimizer has one step. A block of several steps (a GAN) is not
//   supported: the accountant counts one noisy release per batch of the training data, and
//   a second step that reads the same real batch (a generator's loss through the
//   discriminator) would release more than it counts (DL2029).
// - `microbatches` divides the batch: each microbatch is a fixed share of the rows (DL2029).
// - `delta` (default 1e-5) applies only to a DP optimizer (DL2029 otherwise); δ ≥ 1/N,
//   where N is known when the block is compiled (MNIST), is a warning (DL4009): such a
//   δ allows releasing one whole example.
import type * as A from "../syntax/ast.js";
import type { StepIR, TrainIR, TrainSettings } from "../ir/ir.js";
import { readStatic } from "../lang/bind.js";
import { trainSettings } from "../lang/builtins.js";
import { fail, type Diagnostic } from "../diagnostics/diagnostic.js";
import { formatDelta } from "../../runtime/privacy.js";

/** MNIST's training examples: the one data set whose size the compiler knows. */
const MNIST_TRAIN = 60000;

/** The steps with each DP optimizer's microbatches resolved (null: the batch), and δ when a step is private. */
export function readPrivacy(
  steps: readonly StepIR[],
  settings: ReadonlyMap<string, A.Setting>,
  numeric: TrainSettings,
): { steps: StepIR[]; delta?: number } {
  const dp = steps.filter((s) => s.optimizer.dp);
  const deltaSetting = settings.get("delta");
  if (dp.length === 0) {
    if (deltaSetting)
      fail(
        "DL2029",
        "`delta` is the δ of differentially private training, but no step of this block uses `dp_sgd` or `dp_adam`",
        deltaSetting.key.span,
        {
          hint: "remove `delta`, or train with `dp_sgd(...)` or `dp_adam(...)`",
        },
      );
    return { steps: [...steps] };
  }
  if (steps.length > 1) {
    const at = dp[0].optimizer.dp!;
    fail("DL2029", `a differentially private optimizer needs a block of one step; this block has ${steps.length}`, at.span, {
      hint: "not supported: the accountant counts one noisy update per batch of the training data, and another step on the same batch (a GAN's generator) would release more than it counts; train a single model with `dp_sgd`/`dp_adam`",
    });
  }
  const batchSetting = settings.get("batch");
  const out = steps.map((s): StepIR => {
    const d = s.optimizer.dp;
    if (!d) return s;
    const m = d.microbatches ?? numeric.batch;
    if (numeric.batch % m !== 0) {
      fail(
        "DL2029",
        `\`microbatches=${m}\` does not divide the batch of ${numeric.batch}: each microbatch must hold the same number of rows`,
        d.microbatchesSpan ?? d.span,
        {
          hint: `choose a divisor of ${numeric.batch} (${numeric.batch} clips each example on its own), or change the batch`,
          ...(batchSetting ? { notes: [{ message: `the batch is set here`, span: batchSetting.value.span }] } : {}),
        },
      );
    }
    return { ...s, optimizer: { ...s.optimizer, dp: { ...d, microbatches: m } } };
  });
  const spec = trainSettings.find((s) => s.name === "delta")!;
  const delta = deltaSetting ? (readStatic(deltaSetting.value, spec.type, "`delta`") as number) : (spec.default as number);
  return { steps: out, delta };
}

/** δ ≥ 1/N, where N is known (MNIST, less the validation split): a warning at `delta`, or at the optimizer. */
export function privacyWarnings(t: TrainIR): Diagnostic[] {
  const dp = t.steps.find((s) => s.optimizer.dp)?.optimizer.dp;
  const delta = t.settings.delta;
  if (!dp || delta === undefined || t.data?.source.kind !== "mnist") return [];
  const n = MNIST_TRAIN - Math.floor(MNIST_TRAIN * t.settings.validationSplit);
  if (delta < 1 / n) return [];
  return [
    {
      code: "DL4009",
      severity: "warning",
      message: `\`delta\` ${formatDelta(delta)} is not below 1/N = 1/${n}: a mechanism with this δ may publish a whole training example`,
      span: t.controlSpans?.delta ?? dp.span,
      hint: `choose δ well below 1/${n}, e.g. 1e-5 for MNIST (TensorFlow Privacy's tutorial)`,
    },
  ];
}
