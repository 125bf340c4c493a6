// Fuzzing the front end with mutants of the example programs (dsl-examples/*.dlm):
// tokens and characters deleted, duplicated, swapped or replaced, numbers replaced by
// awkward ones, stray bytes inserted. Every mutant must end in success or in located
// diagnostics that render; an internal error (DL9xxx), an exception, a span outside the
// text or a hang fails the test with the mutant printed.
//
// Mutants run in one long-lived worker thread (fuzz-worker.mjs, which loads the
// compiled front end from dist/: `npm test` builds it first). A mutant that takes more
// than 2 s is a hang: the worker is terminated and replaced, and the test fails.
// Mutants come from fast-check with a fixed seed, so a failure reproduces exactly; all
// of them run, and every failing one is reported, not just the first.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// FUZZ_SEED and FUZZ_RUNS override these for a longer hunt (`FUZZ_RUNS=100000 npx vitest run tests/frontend/fuzz.test.ts`).
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);
const LIMIT_MS = 2000;

// The examples whose check reads no data: `brown.…` constants and `text(…)` sources make the
// compiler read the corpus (seconds per check), which would leave thousands of mutants to the
// time limit rather than to the front end.
const examples = readdirSync("dsl-examples")
  .filter((f) => f.endsWith(".dlm"))
  .sort()
  .map((f) => ({ name: `dsl-examples/${f}`, text: readFileSync(`dsl-examples/${f}`, "utf8") }))
  .filter((e) => !/\bbrown\.|\btext\(/.test(e.text));

/** Numbers that sit on an edge: zero, negative, huge, fractional, beyond a double or 2^31. */
const interesting = [
  "0",
  "-1",
  "1e9",
  "2147483648",
  "0.5",
  "1e400",
  "123456789012345678901",
  "1",
  "-0",
  "1e-400",
  "2147483647",
  "9007199254740993",
  "3.0",
  "65537",
  ".5",
];

/** Tokens spliced in or substituted: keywords, punctuation, layers, names, odd literals. */
const vocabulary = [
  "model",
  "train",
  "let",
  "step",
  "with",
  "minimize",
  "true",
  "false",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  ";",
  "=",
  "|>",
  "+",
  "-",
  "*",
  "/",
  "@",
  ".",
  "B",
  "x",
  "z",
  "real",
  "fake",
  "y",
  "dense",
  "conv2d",
  "lstm",
  "flatten",
  "reshape",
  "dropout",
  "maxpool2d",
  "avgpool2d",
  "relu",
  "softmax",
  "sigmoid",
  "leaky_relu",
  "linear",
  "mse",
  "sum",
  "mean",
  "matmul",
  "stop_gradient",
  "normal",
  "uniform",
  "mnist",
  "idx",
  "npy",
  "csv",
  "adam",
  "sgd",
  "accuracy",
  "data",
  "loss",
  "optimizer",
  "metrics",
  "batch",
  "epochs",
  "seed",
  "shuffle",
  "validation_split",
  "return_sequences",
  "padding",
  "same",
  "kernel",
  "strides",
  "units",
  "name",
  "axis",
  "keepdims",
  "shape",
  "flatten=true",
  "rows_as_steps=true",
  "one_hot=true",
  "images",
  "labels",
  '"s"',
  '"',
  "\\",
  "#",
  "$",
  "é",
  "\t",
  "\n",
  "[B, 10]",
  "[B]",
  "[]",
  "[-1]",
  "[1, 2, 3]",
  "1",
  "0",
  "-1",
  "1e9",
  "generator",
  "discriminator",
  "cnn",
];

/** Every identifier of the examples and the vocabulary: swapping one for another keeps the syntax. */
const keywords = new Set(["model", "train", "let", "step", "with", "minimize", "true", "false"]);
const identifiers = [
  ...new Set([
    ...examples.flatMap((e) => e.text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []),
    ...vocabulary.filter((v) => /^[A-Za-z_]\w*$/.test(v)),
  ]),
]
  .filter((w) => !keywords.has(w))
  .sort();
/** Every line of every example, for splicing one program's line into another. */
const lines = examples.flatMap((e) => e.text.split("\n"));

/**
 * A mutation; its numbers pick positions and vocabulary items modulo what is there. The
 * weights favour mutations that keep the syntax, so that most mutants reach the later
 * phases (names, options, shapes) instead of stopping at a syntax error.
 */
const weights = {
  replaceNumber: 5,
  replaceIdent: 5,
  spliceLine: 3,
  replaceToken: 2,
  deleteToken: 2,
  duplicateToken: 2,
  swapTokens: 2,
  insertToken: 2,
  deleteRange: 1,
  swapChars: 1,
  insertByte: 1,
} as const;
type Op = { kind: keyof typeof weights; a: number; b: number; c: number };

interface Piece {
  readonly text: string;
  readonly start: number;
  readonly token: boolean;
  readonly number: boolean;
}

/** Splits text into tokens (roughly as the lexer does) and the blanks and comments between them. */
function pieces(text: string): Piece[] {
  const re = /\s+|#[^\n]*|\/\/[^\n]*|[A-Za-z_][A-Za-z0-9_]*|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|"(?:[^"\\\n]|\\.)*"?|\|>|[\s\S]/gy;
  const out: Piece[] = [];
  for (let m = re.exec(text); m && m[0].length > 0; m = re.exec(text)) {
    const t = m[0];
    out.push({ text: t, start: m.index, token: !/^(\s|#|\/\/)/.test(t), number: /^[\d.]/.test(t) && t !== "." });
  }
  return out;
}

const splice = (s: string, start: number, del: number, ins = "") => s.slice(0, start) + ins + s.slice(start + del);

/** Applies text-level ops in order; byte insertions are kept for `toBytes`. */
function mutate(text: string, ops: readonly Op[]): { text: string; bytes: [number, number][] } {
  const bytes: [number, number][] = [];
  for (const op of ops) {
    const all = pieces(text);
    const toks = all.filter((p) => p.token);
    const nums = all.filter((p) => p.number);
    const tok = (k: number) => toks[k % toks.length];
    if (op.kind === "insertByte") {
      bytes.push([op.a, [0x00, 0xff, 0xfe, 0xc3, 0x80, 0xed, 0xf4, 0x1b, 0x7f, 0x0d][op.b % 10]]);
      continue;
    }
    if (toks.length === 0 && op.kind !== "deleteRange" && op.kind !== "swapChars" && op.kind !== "insertToken" && op.kind !== "spliceLine")
      continue;
    switch (op.kind) {
      case "deleteToken": {
        const t = tok(op.a);
        text = splice(text, t.start, t.text.length);
        break;
      }
      case "deleteRange":
        text = splice(text, op.a % (text.length + 1), 1 + (op.b % 20));
        break;
      case "duplicateToken": {
        const t = tok(op.a);
        text = splice(text, t.start + t.text.length, 0, (op.b % 2 ? " " : "") + t.text);
        break;
      }
      case "swapTokens": {
        const [x, y] = [tok(op.a), tok(op.b)].sort((p, q) => p.start - q.start);
        if (x === y) break;
        text =
          text.slice(0, x.start) + y.text + text.slice(x.start + x.text.length, y.start) + x.text + text.slice(y.start + y.text.length);
        break;
      }
      case "swapChars": {
        if (text.length < 2) break;
        const i = op.a % (text.length - 1);
        const j = Math.min(text.length - 1, i + 1 + (op.b % 8));
        text = text.slice(0, i) + text[j] + text.slice(i + 1, j) + text[i] + text.slice(j + 1);
        break;
      }
      case "replaceNumber": {
        if (nums.length === 0) break;
        const n = nums[op.a % nums.length];
        text = splice(text, n.start, n.text.length, interesting[op.b % interesting.length]);
        break;
      }
      case "replaceIdent": {
        const ids = toks.filter((p) => /^[A-Za-z_]/.test(p.text) && !keywords.has(p.text));
        if (ids.length === 0) break;
        const t = ids[op.a % ids.length];
        text = splice(text, t.start, t.text.length, identifiers[op.b % identifiers.length]);
        break;
      }
      case "spliceLine": {
        const own = text.split("\n");
        own.splice(op.a % (own.length + 1), op.c % 2, lines[op.b % lines.length]);
        text = own.join("\n");
        break;
      }
      case "replaceToken": {
        const t = tok(op.a);
        text = splice(text, t.start, t.text.length, vocabulary[op.b % vocabulary.length]);
        break;
      }
      case "insertToken": {
        const at = toks.length ? tok(op.a).start : 0;
        text = splice(text, at, 0, vocabulary[op.b % vocabulary.length] + (op.c % 2 ? " " : ""));
        break;
      }
    }
  }
  return { text, bytes };
}

function toBytes(m: { text: string; bytes: [number, number][] }): Uint8Array {
  let b = Array.from(new TextEncoder().encode(m.text));
  for (const [at, byte] of m.bytes) b = [...b.slice(0, at % (b.length + 1)), byte, ...b.slice(at % (b.length + 1))];
  return Uint8Array.from(b);
}

interface Outcome {
  readonly problems: readonly string[];
  readonly codes: readonly string[];
}

/** The long-lived worker, replaced when a mutant exceeds its time limit or the worker dies. */
class Checker {
  private worker!: Worker;
  private ready!: Promise<void>;
  private nextId = 0;
  restarts = 0;

  constructor() {
    this.start();
  }

  private start(): void {
    const w = new Worker(new URL("./fuzz-worker.mjs", import.meta.url));
    this.worker = w;
    this.ready = new Promise((resolve, reject) => {
      w.once("message", () => resolve());
      w.once("error", reject);
    });
  }

  private replace(): void {
    this.restarts++;
    void this.worker.terminate();
    this.start();
  }

  async check(bytes: Uint8Array, limitMs = LIMIT_MS, spin = false): Promise<Outcome> {
    await this.ready; // loading the front end is not the mutant's time
    const w = this.worker;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (o: Outcome, replace: boolean) => {
        clearTimeout(timer);
        w.off("message", onMessage);
        w.off("error", onError);
        w.off("exit", onExit);
        if (replace) this.replace();
        resolve(o);
      };
      const onMessage = (m: { id: number } & Outcome) => m.id === id && done(m, false);
      const onError = (e: Error) => done({ problems: [`the worker threw: ${e.stack ?? e.message}`], codes: [] }, true);
      const onExit = (code: number) => done({ problems: [`the worker exited with code ${code}`], codes: [] }, true);
      const timer = setTimeout(() => done({ problems: [`no answer within ${limitMs} ms: a hang`], codes: [] }, true), limitMs);
      w.on("message", onMessage);
      w.on("error", onError);
      w.on("exit", onExit);
      w.postMessage({ id, bytes, spin });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Shows a mutant so that it can be pasted into a file: its origin, ops and exact text. */
function show(origin: string, ops: unknown, bytes: Uint8Array, o: Outcome): string {
  let text: string;
  try {
    text = JSON.stringify(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    text = `(not UTF-8; one character per byte) ${JSON.stringify(Buffer.from(bytes).toString("latin1"))}`;
  }
  return [`mutant of ${origin} by ${JSON.stringify(ops)}:`, text, ...o.problems.map((p) => `  ${p}`)].join("\n");
}

let checker: Checker;

beforeAll(() => {
  // `npm test` builds first; a bare `vitest run` on a fresh clone builds here.
  if (!existsSync("dist/compiler/compile.js")) execFileSync("npx", ["tsc", "-p", "."], { stdio: "inherit" });
  // These tests run the compiled front end: refuse to test an older build than the source.
  const built = statSync("dist/compiler/compile.js").mtimeMs;
  const newer = readdirSync("compiler", { recursive: true, encoding: "utf8" }).filter(
    (f) => f.endsWith(".ts") && statSync(`compiler/${f}`).mtimeMs > built,
  );
  if (newer.length > 0) throw new Error(`dist/ is older than compiler/${newer[0]}: run \`npm run build\` (npm test builds first)`);
  checker = new Checker();
}, 120_000);

afterAll(async () => {
  await checker?.close();
});

describe("fuzzing the front end", () => {
  it("the examples themselves compile", async () => {
    for (const ex of examples) {
      const o = await checker.check(new TextEncoder().encode(ex.text));
      expect(o.problems, ex.name).toEqual([]);
      expect(o.codes, ex.name).toEqual([]);
    }
  });

  it("a mutant that hangs is caught and the worker replaced", async () => {
    const before = checker.restarts;
    const o = await checker.check(new Uint8Array(), 300, true);
    expect(o.problems[0]).toMatch(/a hang/);
    expect(checker.restarts).toBe(before + 1);
    const after = await checker.check(new TextEncoder().encode(examples[0].text));
    expect(after.problems).toEqual([]);
  });

  it("every number replaced by every interesting number", async () => {
    const failures: string[] = [];
    let count = 0;
    for (const ex of examples) {
      const nums = pieces(ex.text).filter((p) => p.number);
      for (const [a] of nums.entries()) {
        for (const [b] of interesting.entries()) {
          const ops: Op[] = [{ kind: "replaceNumber", a, b, c: 0 }];
          const bytes = toBytes(mutate(ex.text, ops));
          const o = await checker.check(bytes);
          count++;
          if (o.problems.length) failures.push(show(ex.name, ops, bytes, o));
        }
      }
    }
    expect(count).toBeGreaterThan(500);
    expect(failures.slice(0, 10).join("\n\n"), `${failures.length} of ${count} mutants failed`).toBe("");
  });

  it(`${RUNS} random mutants (fast-check, seed ${SEED})`, async () => {
    const kind = fc.oneof(...Object.entries(weights).map(([k, weight]) => ({ arbitrary: fc.constant(k as Op["kind"]), weight })));
    const op = fc.record({ kind, a: fc.nat(), b: fc.nat(), c: fc.nat() });
    // Mostly one mutation (several compound into a syntax error more often than not).
    const ops = fc.oneof(
      { arbitrary: op.map((o) => [o]), weight: 3 },
      { arbitrary: fc.array(op, { minLength: 2, maxLength: 3 }), weight: 2 },
    );
    const mutant = fc.record({ file: fc.nat(examples.length - 1), ops });
    const failures: string[] = [];
    const seen = new Map<string, number>();
    for (const m of fc.sample(mutant, { seed: SEED, numRuns: RUNS })) {
      const ex = examples[m.file];
      const bytes = toBytes(mutate(ex.text, m.ops));
      const o = await checker.check(bytes);
      if (o.problems.length) failures.push(show(ex.name, m.ops, bytes, o));
      const key = o.codes.length ? o.codes[0] : "ok";
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    // The mutants must reach past the parser, or the fuzzing says little about later phases.
    const past = [...seen].filter(([k]) => k === "ok" || !k.startsWith("DL1")).reduce((a, [, n]) => a + n, 0);
    expect(past).toBeGreaterThan(RUNS / 5);
    expect(failures.slice(0, 10).join("\n\n"), `${failures.length} of ${RUNS} mutants failed`).toBe("");
  });
});
