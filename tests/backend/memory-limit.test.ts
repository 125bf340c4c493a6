// Memory limits (compiler/wasm/memory-limit.ts, runtime/memory.ts) and the memory
// planner's scaling (plan-memory.ts): a plan over 4 GiB is DL3012 at the `batch` setting
// from `dlm check`, `compile` and `train`; `--batch` over the limit is one line, exit 2, from
// `dlm train` and from a compiled trainer run directly (its exported `memory`);
// the planner's work on a chain of N models grows near-linearly (counted, never timed).
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../compiler/cli.js";
import { frontEnd, memoryPlanOf } from "../../compiler/compile.js";
import { planWork } from "../../compiler/wasm/plan-memory.js";
import { largestBatch, memoryProblem, WASM_MEMORY_LIMIT } from "../../runtime/memory.js";
import { compileTo, runNode, stackLines } from "../helpers/spawn.js";

const repo = path.resolve(__dirname, "../..");
const sink = () => {
  let text = "";
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
};
const run = async (argv: string[]) => {
  const out = sink();
  const err = sink();
  const code = await main(argv, out.stream, err.stream);
  return { code, out: out.text(), err: err.text() };
};

/** N independent models, piped one after another by a model `top` (lets of 50 keep expressions shallow). */
function chain(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`model m${i}(x: [B, 3]) { x |> dense(3, activation=relu) }`);
  const body: string[] = [];
  let prev = "x";
  for (let i = 0; i < n; i += 50) {
    const calls = Array.from({ length: Math.min(50, n - i) }, (_, j) => `m${i + j}`).join(" |> ");
    body.push(`  let h${i} = ${prev} |> ${calls}`);
    prev = `h${i}`;
  }
  lines.push(`model top(x: [B, 3]) {\n${body.join("\n")}\n  ${prev} |> dense(1)\n}`);
  lines.push(`train top {\n  data csv("data/regression.csv", target="y", test_rows=400)\n  loss mse\n  optimizer sgd(lr=0.01)\n}`);
  return lines.join("\n") + "\n";
}

async function workOf(source: string): Promise<number> {
  const front = frontEnd("chain.dlm", new TextEncoder().encode(source));
  expect(front.diagnostics).toEqual([]);
  await memoryPlanOf(front, front.ir!.trains[0].name);
  return planWork();
}

describe("memory planner scaling", () => {
  it("does near-linear work on a chain of N models", async () => {
    const w200 = await workOf(chain(200));
    const w400 = await workOf(chain(400));
    expect(w400 / w200).toBeLessThan(2.5);
  });
});

describe("memory limits", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-memory-"));
  const cnn = readFileSync(path.join(repo, "dsl-examples/cnn.dlm"), "utf8");
  const big = path.join(dir, "cnn_big.dlm");
  writeFileSync(big, cnn.replace(/^ {2}batch\s+32$/m, "  batch     65536"));

  it("the largest batch is the last that fits", () => {
    const need = { fixed: 1000, perRow: 100 };
    const most = largestBatch(need, WASM_MEMORY_LIMIT);
    expect(need.fixed + need.perRow * most).toBeLessThanOrEqual(WASM_MEMORY_LIMIT);
    expect(need.fixed + need.perRow * (most + 1)).toBeGreaterThan(WASM_MEMORY_LIMIT);
    expect(memoryProblem({ backend: "wasm", ...need }, most, true, 0)).toBeUndefined();
    expect(memoryProblem({ backend: "wasm", ...need }, most + 1, true, 0)).toMatch(
      /^--batch \d+ needs .*the largest batch that fits is \d+$/,
    );
    expect(memoryProblem({ backend: "ts", ...need }, 6, false, 2000)).toMatch(
      /^batch 6 needs .*TypeScript backend.*largest batch that fits is 5$/,
    );
  });

  it("check and compile report DL3012 at the batch setting, naming the largest batch", async () => {
    for (const argv of [
      ["check", big],
      ["compile", big, "-o", path.join(dir, "out")],
    ]) {
      const r = await run(argv);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/cnn_big\.dlm:\d+:3: error DL3012: `train cnn` at batch 65536 needs 4\.4 GiB/);
      expect(r.err).toMatch(/hint: the largest batch that fits is \d+/);
      expect(r.out).toBe("");
    }
  });

  it("train refuses --batch over the limit in one line (exit 2), the TS backend over this machine's memory", async () => {
    // --batch within the language's range (1..65536), but the CNN's plan at 65536 rows is 4.4 GiB.
    const r = await run(["train", path.join(repo, "dsl-examples/cnn.dlm"), "--batch", "65536"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^dlm: --batch 65536 needs .* a wasm32 memory holds at most 4 GiB: the largest batch that fits is \d+\n$/);
    // Half a million units per row need far more than any machine holds at 65536 rows.
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-memlimit-"));
    const wide = path.join(dir, "wide.dlm");
    writeFileSync(
      wide,
      "model m(x: [B, 8]) { x |> dense(500000, activation=relu) |> dense(2) }\ntrain t(x: [B, 8], r: [B, 2]) {\n  step m with sgd minimize sum(m(x) * r)\n}\n",
    );
    const ts = await run(["train", wide, "--backend", "ts", "--batch", "65536"]);
    expect(ts.code).toBe(2);
    expect(ts.err).toMatch(/^dlm: --batch 65536 needs .*TypeScript backend.*this machine's .*\n$/);
  });

  it("a compiled trainer run directly refuses --batch over its memory in one line (exit 2), on both backends", async () => {
    const out = path.join(dir, "compiled");
    await compileTo(path.join(repo, "dsl-examples/cnn.dlm"), path.join(out, "wasm"));
    const r = await runNode([path.join(out, "wasm/cnn.js"), "--batch", "65536"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error: --batch 65536 needs 4\.4 GiB of WebAssembly memory .*a wasm32 memory holds at most 4 GiB: the largest batch that fits is \d+\n$/,
    );
    expect(stackLines(r.stderr)).toEqual([]);
    // The largest batch that fits is within the limit: only the one past it is refused.
    const most = Number(/fits is (\d+)/.exec(r.stderr)![1]);
    const m = /export const memory: MemoryNeed = \{ backend: "wasm", fixed: (\d+), perRow: (\d+) \}/.exec(
      readFileSync(path.join(out, "wasm/cnn.ts"), "utf8"),
    )!;
    const [fixed, perRow] = [Number(m[1]), Number(m[2])];
    expect(fixed + perRow * most).toBeLessThanOrEqual(WASM_MEMORY_LIMIT);
    expect(fixed + perRow * (most + 1)).toBeGreaterThan(WASM_MEMORY_LIMIT);

    const wide = path.join(dir, "wide.dlm");
    writeFileSync(
      wide,
      "model m(x: [B, 8]) { x |> dense(500000, activation=relu) |> dense(2) }\ntrain t(x: [B, 8], r: [B, 2]) {\n  step m with sgd minimize sum(m(x) * r)\n}\n",
    );
    await compileTo(wide, path.join(out, "ts"), ["--backend", "ts"]);
    const ts = await runNode([path.join(out, "ts/t.js"), "--batch", "65536"]);
    expect(ts.code).toBe(2);
    expect(ts.stderr).toMatch(/^error: --batch 65536 needs .*TypeScript backend.*this machine's .*\n$/);
    expect(stackLines(ts.stderr)).toEqual([]);
  }, 120_000);
});
