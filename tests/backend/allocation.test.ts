// The step loop allocates nothing (docs/architecture.md §2, principle 9), checked two ways:
//
// 1. Statically, on the emitted TypeScript of every example model (ts-morph's AST): inside
//    the step functions (forward*, backward*, update*, trainStep, computeLets, evaluate, and
//    the per-model inference functions infer*, which sampling calls in a loop too)
//    there is no `new`, no array or object literal, no closure, no spread, no call that
//    makes a new array or string (.slice, .map, .concat, .filter, .subarray, ...), no
//    template literal and no string concatenation; and a step function calls only other
//    step functions, the kernels (`K.*`) and the RNG's fills. The checker itself is tested
//    on a snippet that breaks every rule, so it cannot pass by seeing nothing.
// 2. Dynamically: tests/scripts/heap-growth.mjs runs 2,000 steps of the MLP classifier that
//    `dlm compile` wrote (plain node with --expose-gc, gc() before and after) and the heap
//    must grow < 256 KiB; so must the typed-array backing stores, which V8 keeps off its
//    heap. The same script on a small program with conv, pooling, dropout and noise, and a
//    deliberately leaking run that the measurement must see.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Node, Project, SyntaxKind, type FunctionDeclaration, type SourceFile } from "ts-morph";
import { compileSource } from "../helpers/trainer.js";
import { compileTo, repoRoot, runNode, tempDir, type RunResult } from "../helpers/spawn.js";

const examplesDir = path.join(repoRoot, "dsl-examples");
const examples = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".dlm"))
  .map((f) => f.slice(0, -4))
  .sort();

/** Names of the functions that run inside the step loop. */
const isStepFunction = (name: string): boolean =>
  /^(forward|backward|update|infer)/.test(name) || ["trainStep", "computeLets", "evaluate"].includes(name);

/** Methods that return a new array, string or view (or take a closure). */
const allocatingMethods = new Set([
  "slice",
  "map",
  "concat",
  "filter",
  "subarray",
  "from",
  "of",
  "flat",
  "flatMap",
  "forEach",
  "reduce",
  "reduceRight",
  "join",
  "split",
  "toString",
  "toFixed",
  "toPrecision",
  "padStart",
  "padEnd",
  "repeat",
  "push",
  "unshift",
  "splice",
  "bind",
  "entries",
  "keys",
  "values",
  "toSorted",
  "toReversed",
  "with",
]);
/** Globals whose use makes objects or strings. */
const allocatingGlobals = new Set(["String", "Array", "Object", "JSON", "Map", "Set", "Promise", "Symbol", "Error"]);
/** What a step function may call besides other step functions. */
const allowedReceivers = new Set(["K", "rng", "Math", "Number"]);

interface Violation {
  readonly fn: string;
  readonly line: number;
  readonly what: string;
  readonly text: string;
}

function isStringy(n: Node): boolean {
  return Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) || Node.isTemplateExpression(n);
}

/** Every construct in the step functions of `sf` that allocates; `found` gets the functions' names. */
function allocations(sf: SourceFile, found: Set<string>): Violation[] {
  const out: Violation[] = [];
  const fns = sf.getDescendantsOfKind(SyntaxKind.FunctionDeclaration).filter((f) => isStepFunction(f.getName() ?? ""));
  const local = new Set(sf.getDescendantsOfKind(SyntaxKind.FunctionDeclaration).map((f) => f.getName() ?? ""));
  for (const fn of fns) {
    const name = fn.getName()!;
    found.add(name);
    const flag = (n: Node, what: string) => out.push({ fn: name, line: n.getStartLineNumber(), what, text: n.getText().slice(0, 80) });
    for (const n of (fn as FunctionDeclaration).getBody()?.getDescendants() ?? []) {
      switch (n.getKind()) {
        case SyntaxKind.NewExpression:
          flag(n, "new expression");
          break;
        case SyntaxKind.ArrayLiteralExpression:
          flag(n, "array literal");
          break;
        case SyntaxKind.ObjectLiteralExpression:
          flag(n, "object literal");
          break;
        case SyntaxKind.ArrowFunction:
        case SyntaxKind.FunctionExpression:
        case SyntaxKind.FunctionDeclaration:
        case SyntaxKind.ClassExpression:
        case SyntaxKind.ClassDeclaration:
          flag(n, "closure");
          break;
        case SyntaxKind.SpreadElement:
        case SyntaxKind.SpreadAssignment:
          flag(n, "spread");
          break;
        case SyntaxKind.TemplateExpression:
        case SyntaxKind.NoSubstitutionTemplateLiteral:
        case SyntaxKind.TaggedTemplateExpression:
          flag(n, "template literal");
          break;
        case SyntaxKind.RegularExpressionLiteral:
          flag(n, "regular expression literal");
          break;
        case SyntaxKind.BinaryExpression: {
          const b = n.asKindOrThrow(SyntaxKind.BinaryExpression);
          const op = b.getOperatorToken().getKind();
          if ((op === SyntaxKind.PlusToken || op === SyntaxKind.PlusEqualsToken) && (isStringy(b.getLeft()) || isStringy(b.getRight())))
            flag(n, "string concatenation");
          break;
        }
        case SyntaxKind.Identifier: {
          const parent = n.getParentOrThrow();
          const isMemberName = Node.isPropertyAccessExpression(parent) && parent.getNameNode() === n;
          if (allocatingGlobals.has(n.getText()) && !isMemberName) flag(n, `use of ${n.getText()}`);
          break;
        }
        case SyntaxKind.CallExpression: {
          const callee = n.asKindOrThrow(SyntaxKind.CallExpression).getExpression();
          if (Node.isPropertyAccessExpression(callee)) {
            const method = callee.getName();
            const receiver = callee.getExpression().getText();
            if (allocatingMethods.has(method)) flag(n, `call of .${method}`);
            // A typed array's .set copies into memory it already has (a batch norm's moving
            // statistics after the update, a parameter's snapshot after the lets).
            else if (!allowedReceivers.has(receiver) && method !== "set") flag(n, `call of a method of ${receiver}`);
          } else if (Node.isIdentifier(callee)) {
            const f = callee.getText();
            if (!(local.has(f) && isStepFunction(f)) && f !== "Number") flag(n, `call of ${f} (not a step function)`);
          } else {
            flag(n, "call of a computed function");
          }
          break;
        }
      }
    }
  }
  return out;
}

function parse(text: string, name: string): SourceFile {
  return new Project({ useInMemoryFileSystem: true }).createSourceFile(name, text);
}

const report = (v: readonly Violation[]) => v.map((x) => `${x.fn}:${x.line} ${x.what}: ${x.text}`).join("\n");

describe("the emitted step functions allocate nothing (AST)", () => {
  it("the checker finds every kind of allocation in a snippet that has them all", () => {
    const bad = `
      function createTrainer() {
        function forwardBad(n: number): number {
          const a = new Float32Array(n);
          const b = [1, 2];
          const c = { n };
          const f = () => n;
          const g = function () { return n; };
          Math.max(...b);
          const s = \`n=\${n}\`;
          const t = "n=" + n;
          const u = a.slice(1).map((v) => v).concat(a).filter(Boolean);
          const v = a.subarray(0, 1);
          helper(n);
          return JSON.stringify(c).length + String(n).length;
        }
        function helper(n: number) { return n; }
        function updateOk(): void { K.adam(params, grads, 0); rng.fillNormal(noise, 0, 1); }
        function trainStep(n: number): number { forwardBad(n); updateOk(); return -1; }
      }`;
    const found = new Set<string>();
    const kinds = new Set(allocations(parse(bad, "bad.ts"), found).map((v) => v.what));
    expect([...found].sort()).toEqual(["forwardBad", "trainStep", "updateOk"]);
    for (const k of [
      "new expression",
      "array literal",
      "object literal",
      "closure",
      "spread",
      "template literal",
      "string concatenation",
      "call of .slice",
      "call of .map",
      "call of .concat",
      "call of .filter",
      "call of .subarray",
      "call of helper (not a step function)",
      "use of JSON",
      "use of String",
    ]) {
      expect(kinds, k).toContain(k);
    }
    // Kernel and RNG calls, Number.isFinite and calls of other step functions are allowed.
    expect(report(allocations(parse(bad, "bad.ts"), new Set()).filter((v) => v.fn !== "forwardBad"))).toBe("");
  });

  for (const name of examples) {
    it(`${name}.dlm`, async () => {
      const src = readFileSync(path.join(examplesDir, `${name}.dlm`), "utf8");
      // Unformatted: prettier changes only the layout, not the syntax tree checked here.
      const ts = (await compileSource(src, `dsl-examples/${name}.dlm`, undefined, false)).ts;
      const found = new Set<string>();
      const violations = allocations(parse(ts, `${name}.ts`), found);
      expect(report(violations), `allocations in the step functions of ${name}`).toBe("");
      // The check saw the step functions: a forward/backward/update triple per step, and trainStep.
      expect(found).toContain("trainStep");
      const count = (prefix: string) => [...found].filter((f) => f.startsWith(prefix)).length;
      expect(count("forward")).toBeGreaterThan(0);
      expect(count("backward")).toBe(count("forward"));
      expect(count("update")).toBe(count("forward"));
    });
  }
});

describe("the step loop does not grow the heap (2,000 steps under --expose-gc)", () => {
  const tmp = tempDir("dlm-alloc-");
  const script = path.join(repoRoot, "tests/scripts/heap-growth.mjs");
  const limit = 256 * 1024;
  let mlpOut: string;
  let sinkOut: string;
  // Start compiling at once: the children run beside the AST tests above.
  let ready: Promise<void>;
  beforeAll(() => {
    mlpOut = path.join(tmp.dir, "mlp");
    sinkOut = path.join(tmp.dir, "sink");
    const sinkFile = path.join(tmp.dir, "sink.dlm");
    writeFileSync(sinkFile, sinkProgram);
    ready = Promise.all([compileTo(path.join(examplesDir, "mlp.dlm"), mlpOut), compileTo(sinkFile, sinkOut)]).then(() => undefined);
  });
  afterAll(() => tmp.cleanup());

  const measure = async (
    trainer: string,
    ...args: string[]
  ): Promise<{ steps: number; bad: number; growth: number; arrayBuffersGrowth: number }> => {
    await ready;
    const r: RunResult = await runNode(["--expose-gc", script, trainer, ...args], { cwd: tmp.dir });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
  };

  // Batch 8 instead of the program's 32 only makes the steps cheaper: every buffer is
  // allocated once, for the batch size the trainer is created with.
  it("the MLP classifier compiled by `dlm compile`", async () => {
    const m = await measure(path.join(mlpOut, "mlp.js"), "2000", "20", "8");
    expect(m.steps).toBe(2000);
    expect(m.bad).toBe(0);
    expect(m.growth).toBeLessThan(limit);
    expect(m.arrayBuffersGrowth).toBeLessThan(limit);
  });

  it("a program with conv2d, pooling, dropout, noise in a let, two steps, sgd with Nesterov momentum and adam", async () => {
    const m = await measure(path.join(sinkOut, "sink.js"), "2000", "20");
    expect(m.bad).toBe(0);
    expect(m.growth).toBeLessThan(limit);
    expect(m.arrayBuffersGrowth).toBeLessThan(limit);
  });

  it("the measurement sees a leak (4 KiB retained per step for 300 steps)", async () => {
    const m = await measure(path.join(mlpOut, "mlp.js"), "300", "20", "8", "4096");
    expect(m.growth + m.arrayBuffersGrowth).toBeGreaterThan(limit);
  });
});

const sinkProgram = `# Every kind of kernel the step calls: conv2d (strided, same padding), pooling, dropout,
# noise drawn in a let, reshape, leaky_relu, sigmoid, tanh, reductions and arithmetic.
model gen(z: [B, 8]) {
  z |> dense(16, activation=tanh)
    |> dense(64, activation=sigmoid)
    |> reshape([8, 8, 1])
}

model disc(x: [B, 8, 8, 1]) {
  x |> conv2d(4, kernel=3, strides=2, padding=same, activation=relu)
    |> avgpool2d(2, padding=same)
    |> conv2d(4, kernel=[2, 2], padding=same, activation=leaky_relu(0.1))
    |> maxpool2d(2)
    |> flatten()
    |> dropout(0.25)
    |> dense(1, activation=sigmoid)
}

train sink(real: [B, 8, 8, 1]) {
  batch 8
  let fake = gen(normal([B, 8], std=0.5) + uniform([B, 8], low=-0.1, high=0.1))
  step disc with sgd(lr=0.05, momentum=0.9, nesterov=true) minimize
       binary_crossentropy(disc(real), 0.9) + binary_crossentropy(disc(stop_gradient(fake)), 0)
  step gen with adam(lr=1e-3) minimize
       binary_crossentropy(disc(fake), 1) + 0.1 * mse(fake, real) - 0.01 * mean(fake * fake) / 2
}
`;
