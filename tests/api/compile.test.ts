// The API's compile(): the files `dlm compile -o DIR` writes, returned instead of written
// (byte for byte the same folder), and every kind of problem as a Failure value: errors in
// the program (the command line's located report), options that do not fit; and the PyTorch
// target's files, as `dlm compile --target pytorch` writes them.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { availableTargets, compile, type CompileResult, type Failure } from "../../compiler/api/index.js";
import { main } from "../../compiler/cli.js";
import { targets } from "../../compiler/target.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const quiet = () =>
  new Writable({
    write(_c, _e, done) {
      done();
    },
  });

function failed(r: CompileResult): Failure {
  if (r.ok) throw new Error(`expected a failure, got the files of ${r.name}`);
  return r;
}

/** Every file under `dir`, relative, with /. */
function listing(dir: string, under = ""): string[] {
  return readdirSync(path.join(dir, under), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listing(dir, `${under}${e.name}/`) : [`${under}${e.name}`]))
    .sort();
}

describe("compile()", () => {
  it("returns the files `dlm compile -o DIR` writes, byte for byte, and writes nothing", async () => {
    const file = "dsl-examples/mlp.dlm";
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-api-"));
    dirs.push(dir);
    expect(await main(["compile", file, "-o", dir, "--backend", "ts"], quiet(), quiet())).toBe(0);
    const r = await compile(readFileSync(file), { file, backend: "ts", outDir: dir });
    if (!r.ok) throw new Error(r.message);
    expect(r).toMatchObject({ name: "mlp", train: "mlp", target: "node", parameters: 101_770, kernels: null, warnings: [] });
    expect(r.files.map((f) => f.path).sort()).toEqual(listing(dir));
    for (const f of r.files) {
      const want = readFileSync(path.join(dir, f.path));
      expect(Buffer.from(typeof f.contents === "string" ? f.contents : f.contents).equals(want), f.path).toBe(true);
    }
    expect(r.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["mlp.ts", "mlp.js", "runtime/main.js", "runtime/main.ts", "package.json"]),
    );
  });

  it("imports the runtime from elsewhere when asked, and then returns no runtime file", async () => {
    const file = "dsl-examples/mlp.dlm";
    const r = await compile(readFileSync(file), { file, backend: "ts", runtime: { import: "/opt/dlm/runtime" } });
    if (!r.ok) throw new Error(r.message);
    expect(r.files.map((f) => f.path).sort()).toEqual(["mlp.js", "mlp.ts"]);
    expect(r.files.find((f) => f.path === "mlp.js")!.contents).toContain('"/opt/dlm/runtime/main.js"');
    expect(r.kernels).toBeNull();
  });

  it("returns a program's errors as the command line reports them", async () => {
    const file = "tests/programs/bad/unknown-layer.dlm";
    const f = failed(await compile(readFileSync(file), { file }));
    expect(f.reason).toBe("program");
    expect(`${f.message}\n`).toBe(readFileSync("tests/programs/bad/unknown-layer.expected", "utf8"));
    expect(f.diagnostics[0]).toMatchObject({ code: "DL2001", severity: "error", location: { file, start: { line: 3, column: 8 } } });
  });

  it("says which train blocks a file has when the one asked for is not there", async () => {
    const f = failed(await compile(readFileSync("dsl-examples/mlp.dlm"), { file: "dsl-examples/mlp.dlm", train: "nope" }));
    expect(f).toMatchObject({ reason: "options", message: "dsl-examples/mlp.dlm has no train block 'nope' (it has: mlp)" });
    const none = failed(await compile("model m(x: [B, 2]) {\n  x |> dense(1)\n}\n", { file: "m.dlm" }));
    expect(none).toMatchObject({ reason: "options", message: "m.dlm has no train block to compile" });
  });

  it("refuses options of the wrong kind", async () => {
    const src = readFileSync("dsl-examples/mlp.dlm");
    const gpu = failed(await compile(src, { backend: "gpu" as never }));
    expect(gpu).toMatchObject({ reason: "options", message: 'backend must be "wasm" or "ts", not "gpu"' });
    const tpu = failed(await compile(src, { target: "tpu" as never }));
    expect(tpu.reason).toBe("options");
    expect(tpu.message).toBe('target must be one of "node", "browser", "pytorch", not "tpu"');
  });

  it("compiles to PyTorch: the files `dlm compile --target pytorch -o DIR` writes", async () => {
    const file = "dsl-examples/mlp.dlm";
    const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-api-"));
    dirs.push(dir);
    expect(await main(["compile", file, "--target", "pytorch", "-o", dir], quiet(), quiet())).toBe(0);
    const r = await compile(readFileSync(file), { file, target: "pytorch" });
    if (!r.ok) throw new Error(r.message);
    expect(r).toMatchObject({ target: "pytorch", train: "mlp", parameters: 101_770, kernels: null });
    expect(r.files.map((f) => f.path).sort()).toEqual(listing(dir));
    for (const f of r.files) expect(f.contents, f.path).toBe(readFileSync(path.join(dir, f.path), "utf8"));
    expect(availableTargets).toEqual(targets);
    const f = failed(await compile(readFileSync(file), { file, target: "pytorch", backend: "ts" }));
    expect(f).toMatchObject({ reason: "options", message: expect.stringContaining("the pytorch target writes train.py") });
  });
});
