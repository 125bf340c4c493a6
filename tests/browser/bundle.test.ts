// The browser path imports no Node module: a trainer compiled with `--target browser`, the
// runtime's browser.ts it trains with, and the exported model's runtime (inference.ts) are
// bundled by esbuild for the browser platform, where a `node:` import (or any Node built-in)
// cannot be resolved and fails the build. The node target's trainer is bundled too, as the
// check's control: it imports node modules, and the same build must fail on them. The
// trainers come from the library's compile with its `target` option.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { build } from "esbuild";
import { compile } from "../../compiler/api/index.js";

const mlp = `model mlp(x: [B, 28, 28, 1]) {
  x |> flatten() |> dense(16, activation=relu) |> dense(10, activation=softmax)
}
train mlp { data mnist  loss sparse_categorical_crossentropy  optimizer adam(lr=1e-3)  metrics [accuracy]  batch 8  epochs 1 }
`;

/** The files of `mlp` for `target` as the library's compile returns them (the trainer, its kernels, the runtime beside it), written to a folder; returns it. */
async function writeTrainer(target: "node" | "browser", backend: "wasm" | "ts"): Promise<string> {
  const out = await compile(mlp, { file: "mlp.dlm", target, backend });
  if (!out.ok) throw new Error(out.message);
  const dir = mkdtempSync(path.join(os.tmpdir(), "dlm-bundle-"));
  for (const f of out.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.contents);
  }
  writeFileSync(
    path.join(dir, "entry.js"),
    [
      `export * as trainer from "./mlp.js";`,
      `export * as browser from "./runtime/browser.js";`,
      `export * as inference from "./runtime/inference.js";`,
    ].join("\n"),
  );
  return dir;
}

async function bundle(dir: string) {
  return build({
    entryPoints: [path.join(dir, "entry.js")],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
    target: "es2022",
  });
}

describe("the browser target bundles for the browser platform", () => {
  // The TypeScript backend's trainer (no binaryen: fast enough for npm test); the WebAssembly
  // backend's browser trainer is bundled by Chromium itself in npm run test:browser.
  for (const backend of ["ts"] as const) {
    it(`a ${backend} trainer, runtime/browser.js and runtime/inference.js: no Node module`, async () => {
      const dir = await writeTrainer("browser", backend);
      try {
        const r = await bundle(dir);
        expect(r.errors).toEqual([]);
        const inputs = Object.keys(r.metafile!.inputs);
        expect(inputs.filter((f) => f.startsWith("node:"))).toEqual([]);
        expect(inputs.some((f) => f.endsWith("runtime/train-loop.js"))).toBe(true);
        const text = r.outputFiles![0].text;
        expect(text).not.toMatch(/["']node:/);
        expect(text).toContain("loadKernels");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("the control: the node target's trainer does not bundle for the browser (it imports node: modules)", async () => {
    const dir = await writeTrainer("node", "ts");
    try {
      const failure = await bundle(dir).then(
        () => null,
        (e: { errors?: { text: string }[] }) => e.errors?.map((x) => x.text).join("\n") ?? String(e),
      );
      expect(failure).toMatch(/node:/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
