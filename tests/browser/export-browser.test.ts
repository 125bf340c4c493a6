// `dlm export --target browser`: the exported MLP's module imports no Node module (esbuild
// bundles it for the browser platform, where a `node:` import cannot resolve; the node
// target's module, which reads its folder with node:fs, does not bundle), and loaded from its
// files' bytes it predicts what the node target's module predicts, bit for bit.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { tempDir } from "../helpers/spawn.js";
import { dlmOk, smallMnist, trainFewSteps } from "../helpers/export.js";
import { Rng } from "../../runtime/rng.js";
import type { Model, ModelSource } from "../../runtime/inference.js";

const work = tempDir("dlm-export-browser-");
const mnist = path.join(work.dir, "mnist");
const ck = path.join(work.dir, "mlp.safetensors");
beforeAll(async () => {
  const { mkdirSync } = await import("node:fs");
  mkdirSync(mnist);
  smallMnist(mnist);
  await trainFewSteps("dsl-examples/mlp.dlm", mnist, ck);
}, 120_000);
afterAll(() => work.cleanup());

const loadModule = async (file: string, source?: ModelSource): Promise<Model> =>
  ((await import(pathToFileURL(file).href)) as { load(s?: ModelSource): Promise<Model> }).load(source);

const bundles = (entry: string) =>
  build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" }).then(
    (r) => ({ ok: true as const, text: r.outputFiles[0].text }),
    (e: { errors?: { text: string }[] }) => ({ ok: false as const, text: e.errors?.map((x) => x.text).join("\n") ?? String(e) }),
  );

describe("dlm export --target browser", () => {
  it("bundles for the browser with no Node module, and predicts what the node target's module predicts", async () => {
    const node = path.join(work.dir, "node");
    const web = path.join(work.dir, "web");
    await dlmOk(["export", "dsl-examples/mlp.dlm", "--checkpoint", ck, "-o", node]);
    await dlmOk(["export", "dsl-examples/mlp.dlm", "--checkpoint", ck, "-o", web, "--target", "browser"]);
    const webBundle = await bundles(path.join(web, "mlp.js"));
    expect(webBundle.ok, webBundle.text).toBe(true);
    expect(webBundle.text).not.toMatch(/["']node:/);
    const nodeBundle = await bundles(path.join(node, "mlp.js"));
    expect(nodeBundle.ok).toBe(false);
    expect(nodeBundle.text).toMatch(/node:fs/);

    const x = new Float32Array(20 * 784);
    new Rng(3).fillUniform(x, 0, 1);
    const fromFiles = (await loadModule(path.join(node, "mlp.js"))).predict(x, 20);
    const bytes = (f: string) => new Uint8Array(readFileSync(path.join(web, f)));
    const inPage = await loadModule(path.join(web, "mlp.js"), { weights: bytes("mlp.safetensors"), wasm: bytes("mlp.wasm") });
    expect(Buffer.from(inPage.predict(x, 20).buffer).equals(Buffer.from(fromFiles.buffer))).toBe(true);
  }, 180_000);
});
