// What scoring a GAN (`npm run gan:score`, scripts/gan-score.mjs) needs of a program: a
// model `generator` that the train block trains or calls, taking one input of [B, 100]
// noise and giving 784 values per row (any shape: [B, 784] or [B, 28, 28, 1]) in [−1, 1],
// which the scorer maps to MNIST's [0, 1]. The range is read off the op that computes the
// output (through reshapes): a tanh, or a clip within [−1, 1]. Each mistake is a located
// diagnostic (DL4007); none for a program that can be scored.
import type { FrontEndResult } from "./compile.js";
import { error, type Diagnostic } from "./diagnostics/diagnostic.js";
import { aliasOps } from "./ops/index.js";
import type { ModelDecl } from "./syntax/ast.js";

export const NOISE = 100;
export const PIXELS = 784;

/** The problems of scoring the first train block of a program that compiled (`front.ir`). */
export function generatorProblems(front: FrontEndResult): Diagnostic[] {
  const ir = front.ir!;
  const m = ir.models.find((x) => x.name === "generator");
  const t = ir.trains[0];
  if (!t) {
    return [
      error("DL4007", "the program has no train block: scoring trains the GAN it describes", (m ?? ir.models[0]).span, {
        hint: "add a `train` block with a step for `generator` and one for its discriminator (dsl-examples/gan.dlm)",
      }),
    ];
  }
  const train = t.name;
  const tp = front.trainings!.get(train)!;
  // The block's name (the block itself spans many lines).
  const decl = front.ast?.items.find((x) => x.kind === "Train" && x.name.name === train);
  const at = decl?.name.span ?? t.span;
  if (!m) {
    return [
      error("DL4007", `\`train ${train}\` has no model \`generator\` to score`, at, {
        hint: `scoring samples a model named \`generator\` (noise [B, ${NOISE}] → ${PIXELS} values in [−1, 1]); models here: ${ir.models.map((x) => x.name).join(", ")}`,
      }),
    ];
  }
  const gdecl = front.ast?.items.find((x): x is ModelDecl => x.kind === "Model" && x.name.name === "generator");
  const modelAt = gdecl?.name.span ?? m.span;
  const entry = tp.inference.find((x) => x.model === "generator");
  if (!entry) {
    return [
      error("DL4007", `\`train ${train}\` neither trains nor calls \`generator\`, so it cannot score it`, at, {
        notes: [{ message: "the generator", span: modelAt }],
      }),
    ];
  }
  const out: Diagnostic[] = [];
  const shapeText = (s: readonly (number | string)[]) => `[${s.join(", ")}]`;
  const inputs = entry.inputs.map((id) => tp.values[id].shape);
  if (inputs.length !== 1 || inputs[0].length !== 2 || inputs[0][1] !== NOISE) {
    out.push(
      error(
        "DL4007",
        `\`generator\` takes ${inputs.map(shapeText).join(", ")}; scoring feeds it one input of noise [B, ${NOISE}]`,
        gdecl?.params.length === 1 ? gdecl.params[0].shapeSpan : modelAt,
        { hint: `declare it as \`model generator(z: [B, ${NOISE}])\`` },
      ),
    );
  }
  const producer = new Map(entry.forward.map((e) => [e.outputs[0], e] as const));
  let last = producer.get(entry.output);
  while (last && aliasOps.has(last.op) && producer.has(last.inputs[0])) last = producer.get(last.inputs[0]);
  const outAt = last?.span ?? modelAt;
  const shape = tp.values[entry.output].shape;
  const perRow = shape.slice(1).reduce((a: number, d) => a * (d as number), 1);
  if (perRow !== PIXELS) {
    out.push(
      error("DL4007", `\`generator\` gives ${shapeText(shape)}: ${perRow} values per image; scoring needs ${PIXELS} (28 × 28)`, outAt, {
        hint: "end the generator with 784 values per row, e.g. dense(784) or a [28, 28, 1] image",
      }),
    );
  }
  const bounded =
    last !== undefined &&
    (last.op === "tanh" || (last.op === "clip" && (last.attrs.min as number) >= -1 && (last.attrs.max as number) <= 1));
  if (!bounded) {
    out.push(
      error("DL4007", "`generator`'s output is not bounded to [−1, 1]: scoring maps [−1, 1] to MNIST's [0, 1]", outAt, {
        hint: "end the generator with activation=tanh, as the GANs of dsl-examples do",
      }),
    );
  }
  return out;
}
