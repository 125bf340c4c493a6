// The API's train(): what it refuses before compiling anything, as Failure values (the
// training itself, against `dlm train`'s losses, is in tests/api/bundlers.test.ts, npm run
// test:slow, beside the bundles).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { train, type Failure, type TrainResult } from "../../compiler/api/index.js";

const file = "dsl-examples/mlp.dlm";
const mlp = readFileSync(file);

function failed(r: TrainResult): Failure {
  if (r.ok) throw new Error(`expected a failure, got ${r.steps} steps`);
  return r;
}

describe("train() failures", () => {
  it("numeric options out of the command line's ranges", async () => {
    expect(failed(await train(mlp, { file, epochs: 0 }))).toMatchObject({
      reason: "options",
      message: "epochs must be an integer in [1, 100000], not 0",
    });
    expect(failed(await train(mlp, { file, batch: 1.5 })).message).toBe("batch must be an integer in [1, 65536], not 1.5");
    expect(failed(await train(mlp, { file, maxSteps: -1 })).message).toBe("maxSteps must be an integer in [0, 9007199254740991], not -1");
    expect(failed(await train(mlp, { file, checkpointEvery: 10 })).message).toBe("checkpointEvery needs save");
  });

  it("a program with errors: the command line's report", async () => {
    const bad = "tests/programs/bad/unknown-layer.dlm";
    const f = failed(await train(readFileSync(bad), { file: bad }));
    expect(f.reason).toBe("program");
    expect(`${f.message}\n`).toBe(readFileSync("tests/programs/bad/unknown-layer.expected", "utf8"));
  });
});
