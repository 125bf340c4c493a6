// Lowering, part 2: `train` blocks → TrainIR.
//
// Two forms (docs/language.md): the simple form `train cnn { loss ...; optimizer ... }`
// is desugared here into one step `step cnn with <optimizer> minimize <loss>(cnn(x), y)`
// whose inputs are the model's inputs plus a target `y`; the explicit form declares its
// inputs and lists `let`s and `step`s. Data sources are read into a DataSpec whose
// column shapes the shapes pass checks against the train inputs.
import type * as A from "../syntax/ast.js";
import type { DataSource, DataSpec, DType, ModelIR, Shape, StepIR, TrainIR, TrainSettings, ValueId } from "../ir/ir.js";
import { readOptimizer } from "./optimizer.js";
import { readPrivacy } from "./privacy.js";
import { GraphBuilder } from "./graph-builder.js";
import { builtins, builtinList, trainSettings, type Builtin } from "../lang/builtins.js";
import { bindArgs, readStatic, staticArg } from "../lang/bind.js";
import { AlreadyReported, fail, didYouMean } from "../diagnostics/diagnostic.js";
import { inputDType, inputShape, lowerExpr, lowerLet, type ProgramLowering, type Scope } from "./lower.js";
import type { Span } from "../source.js";
import { calleeOf } from "../ops/call.js";
import { lowerLossSetting, readLossSetting } from "./loss-setting.js";
import { readClassWeight, readControls } from "./train-controls.js";
import { brownSizes } from "../../runtime/data/brown.js";
import { readFreeze, readInit } from "./transfer.js";
import { brownCharCount } from "./text-source.js";

const settingNames = trainSettings.map((s) => s.name);
const simpleOnly = new Set(["loss", "optimizer", "metrics", "class_weight"]);

export function lowerTrain(t: A.TrainDecl, p: ProgramLowering): TrainIR | undefined {
  const before = p.diagnostics.length;
  const settings = new Map<string, A.Setting>();
  for (const item of t.body) {
    if (item.kind !== "Setting") continue;
    p.attempt(() => {
      const key = item.key.name;
      if (!settingNames.includes(key)) {
        fail("DL2012", `unknown train setting \`${key}\``, item.key.span, {
          hint: didYouMean(key, settingNames) ?? `settings: ${settingNames.join(", ")}`,
        });
      }
      if (item.block && key !== "init")
        fail("DL2027", `only \`init\` takes a block of \`map\` and \`exclude\` lines, not \`${key}\``, item.block[0]?.span ?? item.span);
      const seen = settings.get(key);
      if (seen) fail("DL2014", `\`${key}\` is set twice`, item.key.span, { notes: [{ message: "first set here", span: seen.key.span }] });
      settings.set(key, item);
    });
  }
  const steps = t.body.filter((i): i is A.StepStmt => i.kind === "Step");
  const simple = steps.length === 0;
  const g = new GraphBuilder();
  const scope: Scope = { g, names: new Map(), program: p };
  const numeric = readSettings(settings, p);
  const data = p.attempt(() => (settings.has("data") ? lowerData(settings.get("data")!.value) : null));

  let ir: Pick<TrainIR, "steps" | "evaluation" | "lets"> | undefined;
  if (simple) {
    ir = p.attempt(() => lowerSimple(t, settings, scope, data ?? null));
  } else {
    for (const key of simpleOnly) {
      const s = settings.get(key);
      if (s)
        p.attempt(() =>
          fail(
            "DL2020",
            `\`${key}\` belongs to the simple form; with explicit steps each \`step\` names its optimizer and loss`,
            s.key.span,
          ),
        );
    }
    ir = lowerExplicit(t, scope);
  }
  if (!ir || !numeric || p.diagnostics.length > before) return undefined;
  const privacy = p.attempt(() => readPrivacy(ir!.steps, settings, numeric));
  if (!privacy) return undefined;
  ir = { ...ir, steps: privacy.steps };
  const computed = { simple, metrics: ir.evaluation?.metrics ?? [], validation: numeric.validationSplit > 0, steps: ir.steps };
  const controls = p.attempt(() => readControls(settings, computed));
  const init = settings.has("init") ? p.attempt(() => readInit(settings.get("init")!)) : null;
  const trained = [...new Set(ir.steps.flatMap((st) => [...calledModels(p.models.get(st.model)!, p)]))];
  const frozen = settings.has("freeze") ? p.attempt(() => readFreeze(settings.get("freeze")!, trained)) : null;
  if (!controls || init === undefined || frozen === undefined) return undefined;
  const controlSpans = {
    classWeight: settings.get("class_weight")?.value.span,
    metrics: settings.get("metrics")?.value.span,
    ...(settings.has("delta") ? { delta: settings.get("delta")!.value.span } : {}),
  };
  return {
    name: t.name.name,
    graph: g.finish(ir.steps.map((s) => s.loss)),
    ...ir,
    settings: { ...numeric, ...controls, ...(privacy.delta !== undefined ? { delta: privacy.delta } : {}) },
    data: data ?? null,
    controlSpans,
    ...(frozen ? { frozen } : {}),
    ...(init ? { init } : {}),
    span: t.span,
  };
}

function readSettings(settings: Map<string, A.Setting>, p: ProgramLowering): TrainSettings | undefined {
  const get = (name: string) => {
    const spec = trainSettings.find((s) => s.name === name)!;
    const s = settings.get(name);
    return s ? p.attempt(() => readStatic(s.value, spec.type, `\`${name}\``)) : spec.default;
  };
  const out = {
    batch: get("batch"),
    epochs: get("epochs"),
    shuffle: get("shuffle"),
    validationSplit: get("validation_split"),
    seed: get("seed"),
  };
  if (Object.values(out).some((v) => v === undefined)) return undefined;
  return out as unknown as TrainSettings;
}

/** `train cnn { ... }`: one step on the model's output against a target `y` from the data. */
function lowerSimple(
  t: A.TrainDecl,
  settings: Map<string, A.Setting>,
  s: Scope,
  data: DataSpec | null,
): Pick<TrainIR, "steps" | "evaluation" | "lets"> {
  const p = s.program;
  const name = t.name.name;
  const decl = p.decls.get(name);
  if (!decl) {
    fail("DL2016", `\`train ${name}\` without steps trains the model \`${name}\`, but there is no such model`, t.name.span, {
      hint: didYouMean(name, p.decls.keys()) ?? "name a model, or give the block inputs and `step`s",
    });
  }
  if (t.params)
    fail("DL2020", "a train block that declares inputs needs `step`s", t.name.span, {
      hint: "add `step <model> with <optimizer> minimize <loss>`, or drop the inputs to train the model on its own inputs",
    });
  for (const key of ["loss", "optimizer"]) {
    if (!settings.has(key)) {
      fail("DL2013", `\`train ${name}\` needs a \`${key}\` setting`, t.name.span, {
        hint: key === "loss" ? "e.g. `loss sparse_categorical_crossentropy`" : "e.g. `optimizer adam(lr=1e-3)`",
      });
    }
  }
  // Settings that do not depend on the model are read first, so that their mistakes are
  // reported even when the model has errors (p.model then throws AlreadyReported).
  const lossSetting = settings.get("loss")!;
  const lossRead = p.attempt(() => readLossSetting(lossSetting.value));
  const optimizer = p.attempt(() => readOptimizer(settings.get("optimizer")!.value));
  const metrics = p.attempt(() => (settings.has("metrics") ? readMetrics(settings.get("metrics")!.value) : []));
  const weightSetting = settings.get("class_weight");
  const classWeight = lossRead && weightSetting ? p.attempt(() => readClassWeight(weightSetting, lossRead.name)) : null;
  p.model(name, t.name.span);
  if (lossRead === undefined || optimizer === undefined || metrics === undefined || classWeight === undefined) throw new AlreadyReported();
  for (const param of decl.params) s.names.set(param.name.name, s.g.input(param.name.name, inputShape(param), inputDType(param)));
  // The target's per-sample shape: from the data when it says, otherwise what the loss expects.
  const labelColumn = data?.columns[decl.params.length];
  const target = labelColumn?.shape
    ? s.g.input("y", ["B", ...labelColumn.shape], labelColumn.dtype)
    : lossRead.name === "sparse_categorical_crossentropy"
      ? s.g.input("y", ["B"], "i32")
      : s.g.input("y", undefined, "f32");
  const call: A.Expr = {
    kind: "Call",
    callee: { kind: "Name", name, span: t.name.span },
    args: decl.params.map((q) => ({ name: undefined, value: { kind: "Name", name: q.name.name, span: t.name.span }, span: t.name.span })),
    span: t.name.span,
  };
  const prediction = lowerExpr(s, call);
  s.names.set("y", target);
  // Padded per-position labels (brown.tagged): tag 0 is padding, masked out of the loss and accuracy.
  const padded = data?.source.kind === "brown" && lossRead.name === "sparse_categorical_crossentropy";
  const loss = lowerLossSetting(s.g, lossRead, prediction, target, {
    ...(padded ? { ignore_class: 0 } : {}),
    ...(classWeight ? { class_weight: classWeight } : {}),
  });
  return {
    lets: [],
    steps: [{ model: name, optimizer, loss, span: t.span, modelSpan: t.name.span, lossSpan: lossSetting.value.span }],
    evaluation: { prediction, target, metrics },
  };
}

/**
 * The metrics' names, as the runtime reads them: `accuracy`, …, `top_k_accuracy(k=K)` with
 * its k, and the losses `mae` and `mse` as metrics (Keras's MeanAbsoluteError and MeanSquaredError).
 */
function readMetrics(e: A.Expr): string[] {
  const metrics = [...builtinList.filter((b) => b.kind === "metric").map((b) => b.name), "mae", "mse"];
  const items = e.kind === "List" ? e.items : [e];
  const seen = new Map<string, A.Expr>();
  return items.map((item) => {
    const name = item.kind === "Name" ? item.name : item.kind === "Call" && item.callee.kind === "Name" ? item.callee.name : undefined;
    if (name === undefined || !metrics.includes(name)) {
      fail("DL2001", `unknown metric ${name !== undefined ? `\`${name}\`` : ""}`.trim(), item.span, {
        hint: name !== undefined ? (didYouMean(name, metrics) ?? `metrics: ${metrics.join(", ")}`) : `write \`metrics [${metrics[0]}]\``,
      });
    }
    const first = seen.get(name);
    if (first) fail("DL2014", `\`${name}\` is listed twice`, item.span, { notes: [{ message: "first listed here", span: first.span }] });
    seen.set(name, item);
    if (name === "mae" || name === "mse") {
      if (item.kind === "Call") fail("DL2004", `the metric \`${name}\` takes no options`, item.span);
      return name;
    }
    const b = builtins.get(name)!;
    const bound = bindArgs(b, item.kind === "Call" ? item.args : [], item.span);
    return name === "top_k_accuracy" ? `top_k_accuracy(k=${staticArg(bound, "k") as number})` : name;
  });
}

function lowerExplicit(t: A.TrainDecl, s: Scope): Pick<TrainIR, "steps" | "evaluation" | "lets"> | undefined {
  const p = s.program;
  const before = p.diagnostics.length;
  for (const param of t.params ?? []) p.define(s.names, param.name, () => s.g.input(param.name.name, inputShape(param), inputDType(param)));
  const lets: { name: string; value: ValueId; span: Span }[] = [];
  const out: StepIR[] = [];
  for (const item of t.body) {
    if (item.kind === "Let") {
      for (const b of lowerLet(s, item)) lets.push({ ...b, span: item.span });
    } else if (item.kind === "Step") {
      // The model, the optimizer and the loss are checked independently: each reports its own mistakes.
      const name = item.model.name;
      const model = p.attempt(() => {
        const model = p.decls.has(name) ? p.model(name, item.model.span) : undefined;
        if (!model) {
          fail(
            "DL2015",
            `\`step ${name}\` must name a model to train, and \`${name}\` is ${s.names.has(name) ? "a tensor" : "not a model"}`,
            item.model.span,
            {
              hint: didYouMean(name, p.decls.keys()) ?? `models: ${[...p.decls.keys()].join(", ")}`,
            },
          );
        }
        if (!hasParams(model, p)) {
          fail("DL2015", `\`step ${name}\`: model \`${name}\` has no trainable parameters`, item.model.span, {
            hint: "a step trains the parameters of the layers (dense, conv2d, lstm) in its model",
          });
        }
        return model;
      });
      const optimizer = p.attempt(() => readOptimizer(item.optimizer));
      const loss = p.attempt(() => lowerExpr(s, item.loss));
      if (model && optimizer && loss !== undefined)
        out.push({ model: name, optimizer, loss, span: item.span, modelSpan: item.model.span, lossSpan: item.loss.span });
    }
  }
  return p.diagnostics.length > before ? undefined : { lets, steps: out, evaluation: null };
}

/** A model and every model it calls, directly or not (each once). */
function calledModels(m: ModelIR, p: ProgramLowering): ModelIR[] {
  const seen = new Set<string>([m.name]);
  const out = [m];
  for (let i = 0; i < out.length; i++)
    for (const e of out[i].graph.eqns) {
      if (e.op !== "call" || seen.has(calleeOf(e))) continue;
      seen.add(calleeOf(e));
      out.push(p.models.get(calleeOf(e))!);
    }
  return out;
}

/** Whether a model owns parameters, itself or through the models it calls (lowered before it); each model is looked at once. */
function hasParams(m: ModelIR, p: ProgramLowering): boolean {
  const seen = new Set<string>([m.name]);
  const stack = [m]; // not recursion: chains of calls may be long
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (x.graph.values.some((v) => v.kind === "param")) return true;
    for (const e of x.graph.eqns) {
      if (e.op !== "call" || seen.has(calleeOf(e))) continue;
      seen.add(calleeOf(e));
      stack.push(p.models.get(calleeOf(e))!);
    }
  }
  return false;
}

/** `mnist`, `mnist.images(...)`, `idx(...)`, `npy(...)`, `csv(...)`. */
function lowerData(e: A.Expr): DataSpec {
  const sources = builtinList.filter((b) => b.kind === "source" && !b.name.includes(".")).map((b) => b.name);
  let callee = e.kind === "Call" ? e.callee : e;
  const args = e.kind === "Call" ? e.args : [];
  let part: "both" | "images" | "labels" = "both";
  if (callee.kind === "Member" && callee.object.kind === "Name" && callee.object.name === "brown") {
    if (callee.member.name === "chars") return lowerChars(builtins.get("brown.chars")!, args, e, null);
    if (callee.member.name !== "tagged")
      fail(
        "DL2017",
        "`brown` yields `brown.tagged` (word ids and tag ids per sentence) or `brown.chars` (windows of characters)",
        callee.member.span,
        {
          hint:
            didYouMean(callee.member.name, ["tagged", "chars"]) ??
            "write `data brown.tagged(max_len=64)` or `data brown.chars(context=128)`",
        },
      );
    callee = callee.object;
  } else if (callee.kind === "Member") {
    const m = callee.member.name;
    if (callee.object.kind !== "Name" || callee.object.name !== "mnist" || (m !== "images" && m !== "labels")) {
      fail("DL2017", "only `mnist.images` and `mnist.labels` select part of a source", callee.span);
    }
    part = m;
    callee = callee.object;
  } else if (callee.kind === "Name" && callee.name === "brown") {
    fail("DL2017", "the Brown corpus is read as `brown.tagged` or `brown.chars`", callee.span, {
      hint: "write `data brown.tagged(max_len=64)` or `data brown.chars(context=128)`",
    });
  }
  if (callee.kind !== "Name" || !sources.includes(callee.name)) {
    const name = callee.kind === "Name" ? callee.name : "";
    fail("DL2017", `\`data\` must name a data source (${sources.join(", ")})`, callee.span, {
      hint: didYouMean(name, sources) ?? 'e.g. `data mnist` or `data csv("data.csv", target="y")`',
    });
  }
  const b: Builtin = builtins.get(callee.name)!;
  if (b.name === "text") return lowerChars(b, args, e, "path");
  const bound = bindArgs(b, args, e.span);
  const str = (k: string) => staticArg(bound, k) as string | null;
  const has = (k: string) => b.args.some((a) => a.name === k);
  const flag = (k: string) => (has(k) ? (staticArg(bound, k) as boolean) : false);
  const flatten = flag("flatten");
  const rowsAsSteps = flag("rows_as_steps");
  const oneHot = flag("one_hot");
  const autoencode = flag("autoencode");
  const range = (has("range") ? staticArg(bound, "range") : [0, 1]) as [number, number];
  if (flatten && rowsAsSteps) fail("DL2017", "`flatten` and `rows_as_steps` exclude each other", e.span);
  let source: DataSource;
  let columns: { name: string; shape: Shape | null; dtype: DType }[];
  const label = { name: "labels", shape: null as Shape | null, dtype: (oneHot ? "f32" : "i32") as DType };
  switch (b.name) {
    case "mnist": {
      const digits = staticArg(bound, "labels") as number[] | null;
      if (digits) checkDigits(digits, bound.args.get("labels"), e.span);
      source = { kind: "mnist", part, dir: str("dir"), ...(digits ? { labels: digits } : {}) };
      const images = { name: "images", shape: flatten ? [784] : rowsAsSteps ? [28, 28] : [28, 28, 1], dtype: "f32" as DType };
      const labels = { ...label, shape: oneHot ? [10] : [] };
      columns = part === "both" ? [images, labels] : part === "images" ? [images] : [labels];
      if (autoencode) {
        if (part === "labels")
          fail("DL2017", "`autoencode` makes the images their own targets, and `mnist.labels` has no images", e.span, {
            hint: "write `data mnist.images(autoencode=true)`",
          });
        if (oneHot)
          fail("DL2017", "`one_hot` shapes the labels, which `autoencode` replaces by the images", e.span, { hint: "drop `one_hot=true`" });
        columns = [images, { ...images, name: "targets" }];
      }
      break;
    }
    case "idx":
      source = {
        kind: "idx",
        images: str("images")!,
        labels: str("labels"),
        testImages: str("test_images"),
        testLabels: str("test_labels"),
      };
      columns = [{ name: "images", shape: null, dtype: "f32" }, ...(source.labels ? [label] : [])];
      break;
    case "npy":
      source = { kind: "npy", x: str("x")!, y: str("y"), testX: str("test_x"), testY: str("test_y") };
      columns = [{ name: "x", shape: null, dtype: "f32" }, ...(source.y ? [{ ...label, dtype: "f32" as DType }] : [])];
      break;
    case "brown": {
      const maxLen = staticArg(bound, "max_len") as number;
      const sizes = brownSizes();
      source = { kind: "brown", maxLen, vocabSize: sizes.vocabSize, tagCount: sizes.tagCount };
      // Tag 0 is padding: the simple form's sparse cross-entropy and accuracy leave it out (ignore_class=0).
      columns = [
        { name: "words", shape: [maxLen], dtype: "i32" },
        { name: "tags", shape: [maxLen], dtype: "i32" },
      ];
      break;
    }
    default:
      source = {
        kind: "csv",
        path: str("path")!,
        target: (str("target") ?? "y").split(","),
        testRows: staticArg(bound, "test_rows") as number,
      };
      columns = [
        { name: "features", shape: null, dtype: "f32" },
        { name: "target", shape: null, dtype: "f32" },
      ];
  }
  return { source, flatten, range, rowsAsSteps, oneHot, ...(autoencode ? { autoencode: true as const } : {}), columns, span: e.span };
}

/**
 * `brown.chars(context, targets, test_windows)` and `text("file.txt", ...)`: windows of
 * character ids [context] (`i32`; one-hot rows [context, vocabulary] `f32` with `one_hot`)
 * and the next characters, [context] (`all`) or [] (`last`).
 */
function lowerChars(b: Builtin, args: readonly A.Arg[], e: A.Expr, pathArg: "path" | null): DataSpec {
  const bound = bindArgs(b, args, e.span);
  const context = staticArg(bound, "context") as number;
  const targets = staticArg(bound, "targets") as "all" | "last";
  const oneHot = staticArg(bound, "one_hot") as boolean;
  const file = pathArg ? (staticArg(bound, pathArg) as string) : null;
  const vocabSize = file === null ? brownCharCount(e.span) : null;
  const source: DataSource = { kind: "chars", file, context, targets, testWindows: staticArg(bound, "test_windows") as number, vocabSize };
  const windows = oneHot
    ? { name: "windows", shape: vocabSize === null ? null : [context, vocabSize], dtype: "f32" as DType }
    : { name: "windows", shape: [context], dtype: "i32" as DType };
  const next = { name: "next", shape: targets === "all" ? [context] : [], dtype: "i32" as DType };
  return { source, flatten: false, range: [0, 1], rowsAsSteps: false, oneHot, columns: [windows, next], span: e.span };
}

/** `mnist(labels=[...])`: distinct digits 0 to 9. */
function checkDigits(digits: readonly number[], sup: unknown, at: Span): void {
  const span = (sup as { kind?: string; expr?: A.Expr } | undefined)?.expr?.span ?? at;
  if (digits.length === 0)
    fail("DL2017", "`labels` keeps the digits it lists, and lists none", span, { hint: "e.g. `labels=[0, 1, 2, 3, 4]`" });
  const big = digits.find((d) => d > 9);
  if (big !== undefined) fail("DL2017", `\`labels\`: MNIST has the digits 0 to 9, not ${big}`, span);
  const twice = digits.find((d, i) => digits.indexOf(d) !== i);
  if (twice !== undefined) fail("DL2017", `\`labels\` lists ${twice} twice`, span, { hint: "each digit becomes one class: list it once" });
}
