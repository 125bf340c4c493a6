// Reading an optimizer (`with adam(lr=1e-3)`, `optimizer sgd(momentum=0.9)`) into its
// OptimizerSpec: its own options, weight decay, at most one kind of gradient clipping, and a
// learning rate that is a number or a schedule (`lr=cosine_decay(0.1, 1000)`), each option
// checked where it is written. `dp_sgd` and `dp_adam` are `sgd` and `adam` with a
// differentially private gradient (`dp`).
import type * as A from "../syntax/ast.js";
import type { DpSpec, GradientClip, OptimizerSpec } from "../ir/ir.js";
import type { LrSchedule } from "../../runtime/kernels/schedules.js";
import { builtins, builtinList } from "../lang/builtins.js";
import { bindArgs, staticArg, type Bound } from "../lang/bind.js";
import { didYouMean, fail } from "../diagnostics/diagnostic.js";

const namesOf = (kind: string): string[] => builtinList.filter((b) => b.kind === kind).map((b) => b.name);
const calleeName = (e: A.Expr): string | undefined =>
  e.kind === "Name" ? e.name : e.kind === "Call" && e.callee.kind === "Name" ? e.callee.name : undefined;
const bindCall = (name: string, e: A.Expr): Bound => bindArgs(builtins.get(name)!, e.kind === "Call" ? e.args : [], e.span);

export function readOptimizer(e: A.Expr): OptimizerSpec {
  const optimizers = namesOf("optimizer");
  const name = calleeName(e);
  if (name === undefined || !optimizers.includes(name)) {
    fail("DL2003", `expected an optimizer (${optimizers.join(", ")})`, e.span, {
      hint: name ? didYouMean(name, optimizers) : "e.g. `adam(lr=1e-3)`",
    });
  }
  const bound = bindCall(name, e);
  const n = (k: string) => staticArg(bound, k) as number;
  const common = { lr: readLr(bound), weightDecay: n("weight_decay"), clip: readClip(bound) };
  switch (name) {
    case "dp_sgd":
      return { kind: "sgd", ...common, dp: readDp(bound, e), momentum: 0, nesterov: false };
    case "dp_adam":
      return { kind: "adam", ...common, dp: readDp(bound, e), beta1: n("beta1"), beta2: n("beta2"), eps: n("eps") };
    case "sgd":
      return { kind: "sgd", ...common, momentum: n("momentum"), nesterov: staticArg(bound, "nesterov") as boolean };
    case "adam":
    case "adamw":
      return { kind: "adam", ...common, beta1: n("beta1"), beta2: n("beta2"), eps: n("eps") };
    case "adamax":
    case "nadam":
      return { kind: name, ...common, beta1: n("beta1"), beta2: n("beta2"), eps: n("epsilon") };
    case "rmsprop":
      return {
        kind: "rmsprop",
        ...common,
        rho: n("rho"),
        momentum: n("momentum"),
        eps: n("epsilon"),
        centered: staticArg(bound, "centered") as boolean,
      };
    case "adagrad":
      return { kind: "adagrad", ...common, initialAccumulator: n("initial_accumulator_value"), eps: n("epsilon") };
    default:
      throw new Error(`internal: optimizer ${name} has no reader`);
  }
}

/** The options of `dp_sgd` and `dp_adam` (their microbatches are checked against the batch by frontend/privacy.ts). */
function readDp(bound: Bound, e: A.Expr): DpSpec {
  const microbatches = staticArg(bound, "microbatches") as number | null;
  const given = bound.args.get("microbatches");
  return {
    l2NormClip: staticArg(bound, "l2_norm_clip") as number,
    noiseMultiplier: staticArg(bound, "noise_multiplier") as number,
    microbatches,
    span: e.span,
    ...(given ? { microbatchesSpan: given.span } : {}),
  };
}

const clipOptions = ["clipnorm", "global_clipnorm", "clipvalue"] as const;

/** The one clipping option given, if any (Keras refuses more than one). */
function readClip(bound: Bound): GradientClip | null {
  const given = clipOptions.filter((k) => bound.args.has(k));
  const values = given.map((k) => staticArg(bound, k) as number); // each checked first
  if (given.length > 1) {
    fail(
      "DL2025",
      `\`${given[0]}\` and \`${given[1]}\` exclude each other: an optimizer clips its gradients one way`,
      bound.args.get(given[1])!.span,
      {
        hint: "keep one of `clipnorm` (per tensor), `global_clipnorm` (all together) and `clipvalue` (per element)",
        notes: [{ message: `\`${given[0]}\` is given here`, span: bound.args.get(given[0])!.span }],
      },
    );
  }
  return given.length ? { kind: given[0], value: values[0] } : null;
}

/** `lr`: a number, or a call of a learning-rate schedule. */
function readLr(bound: Bound): number | LrSchedule {
  const supplied = bound.args.get("lr");
  if (supplied?.kind === "expr" && (supplied.expr.kind === "Call" || supplied.expr.kind === "Name")) {
    const e = supplied.expr;
    const name = calleeName(e)!;
    const schedules = namesOf("schedule");
    if (schedules.includes(name)) return readSchedule(name, e);
    if (e.kind === "Call")
      fail("DL2003", `\`lr\` must be a number or a learning-rate schedule, found a call of \`${name}\``, e.span, {
        hint: didYouMean(name, schedules) ?? `schedules: ${schedules.join(", ")}`,
      });
  }
  return staticArg(bound, "lr") as number;
}

function readSchedule(name: string, e: A.Expr): LrSchedule {
  const bound = bindCall(name, e);
  const n = (k: string) => staticArg(bound, k) as number;
  const flag = (k: string) => staticArg(bound, k) as boolean;
  switch (name) {
    case "exponential_decay":
      return { kind: name, initial: n("initial"), decaySteps: n("decay_steps"), rate: n("rate"), staircase: flag("staircase") };
    case "piecewise_constant":
      return readPiecewise(bound);
    case "cosine_decay":
      return {
        kind: name,
        initial: n("initial"),
        decaySteps: n("decay_steps"),
        alpha: n("alpha"),
        warmupSteps: n("warmup_steps"),
        warmupTarget: staticArg(bound, "warmup_target") as number | null,
      };
    case "polynomial_decay":
      return { kind: name, initial: n("initial"), decaySteps: n("decay_steps"), end: n("end"), power: n("power"), cycle: flag("cycle") };
    default:
      throw new Error(`internal: schedule ${name} has no reader`);
  }
}

/** Boundaries that increase, and one value more than boundaries. */
function readPiecewise(bound: Bound): LrSchedule {
  const boundaries = staticArg(bound, "boundaries") as number[];
  const values = staticArg(bound, "values") as number[];
  const listOf = (k: string): A.Expr => {
    const s = bound.args.get(k)!;
    if (s.kind !== "expr") throw new Error(`internal: ${k} is not an expression`);
    return s.expr;
  };
  const b = listOf("boundaries");
  const items = b.kind === "List" ? b.items : [];
  if (boundaries.length === 0)
    fail("DL2025", "`piecewise_constant` needs at least one boundary", b.span, {
      hint: "e.g. `piecewise_constant([1000], [0.01, 0.001])`",
    });
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] > boundaries[i - 1]))
      fail(
        "DL2025",
        `the boundaries of \`piecewise_constant\` must increase, but ${boundaries[i]} follows ${boundaries[i - 1]}`,
        items[i].span,
        { hint: "boundaries are step counts in increasing order, e.g. [1000, 2000]" },
      );
  }
  if (values.length !== boundaries.length + 1) {
    const k = boundaries.length;
    fail(
      "DL2025",
      `\`piecewise_constant\` needs one value more than boundaries: ${k} boundar${k === 1 ? "y" : "ies"} take ${k + 1} values, found ${values.length}`,
      listOf("values").span,
      { hint: "values[i] holds while the step count is at most boundaries[i], the last value after the last boundary" },
    );
  }
  return { kind: "piecewise_constant", boundaries, values };
}
