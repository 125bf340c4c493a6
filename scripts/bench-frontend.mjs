#!/usr/bin/env node
// Front-end timings (the budgets of docs/architecture.md §6): `dlm check FILE` as a whole process (≤ 1 s), and,
// in one process, parse + check of each example (≤ 50 ms, median of 20 runs) with module
// import, parser construction and the first (cold) parse reported separately.
//
//   npm run build && node scripts/bench-frontend.mjs [--runs 20] [--procs 5] [FILE.dlm ...]
//
// Runs the compiled front end in dist/ (what `dlm` runs). In-process measurements come
// first, while this process's module cache is fresh; whole-process runs use child
// processes and so do not disturb them.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { cpus, loadavg } from "node:os";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist/compiler");
const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "20" }, procs: { type: "string", default: "5" } },
});
const runs = Number(opts.runs);
const procs = Number(opts.procs);
const files = positionals.length
  ? positionals.map((f) => resolve(f))
  : readdirSync(join(root, "dsl-examples"))
      .filter((f) => f.endsWith(".dlm"))
      .sort()
      .map((f) => join(root, "dsl-examples", f));

if (!existsSync(join(dist, "compile.js"))) {
  console.error("dist/ is missing: run `npm run build` first");
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const time = async (f) => {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
};
const url = (p) => pathToFileURL(join(dist, p)).href;

// ---- in one process -------------------------------------------------------------------
// parser.js pulls in chevrotain and the tokens; constructing the parser runs chevrotain's
// grammar self-analysis; compile.js then loads the rest of the front end (build-ast.js
// reuses the parser built here).
const [tImportParser, parserMod] = await time(() => import(url("syntax/parser.js")));
const [tConstruct] = await time(() => parserMod.getParser());
const [tImportRest, { frontEnd }] = await time(() => import(url("compile.js")));
const tiny = new TextEncoder().encode("model m(x: [B, 1]) { x }\n");
const [tFirst, first] = await time(() => frontEnd("tiny.dlm", tiny));
if (first.diagnostics.length) throw new Error("the tiny program should check cleanly");

const rows = [];
for (const file of files) {
  const bytes = readFileSync(file);
  const [cold, r] = await time(() => frontEnd(file, bytes));
  if (!r.ir) {
    console.error(`${file}: does not check cleanly (${r.diagnostics.map((d) => d.code).join(", ")})`);
    process.exit(1);
  }
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push((await time(() => frontEnd(file, bytes)))[0]);
  rows.push({ file, cold, median: median(samples), min: Math.min(...samples), max: Math.max(...samples) });
}

// ---- whole processes ------------------------------------------------------------------
const wall = (args) => {
  const samples = [];
  for (let i = 0; i < procs; i++) {
    const t = performance.now();
    const p = spawnSync(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    samples.push(performance.now() - t);
    if (p.status !== 0) throw new Error(`${args.join(" ")} exited with ${p.status}: ${p.stderr}`);
  }
  return median(samples);
};
const nodeStart = wall(["-e", "0"]);
for (const row of rows) row.process = wall([join(root, "bin/dlm.js"), "check", row.file]);

// ---- report ---------------------------------------------------------------------------
const load = loadavg()
  .map((x) => x.toFixed(2))
  .join(", ");
console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${load} (timings are only comparable on an idle machine)`);
console.log(`${runs} in-process runs and ${procs} processes per file\n`);
console.log("one process, once:");
console.log(`  import parser module (chevrotain, tokens)  ${ms(tImportParser)}`);
console.log(`  parser construction (getParser)           ${ms(tConstruct)}`);
console.log(`  import the rest of the front end          ${ms(tImportRest)}`);
console.log(`  first frontEnd of a one-line program      ${ms(tFirst)}   (builds the lexer, cold JIT)`);
console.log(`  bare \`node -e 0\` process (median)         ${ms(nodeStart)}\n`);
const head = ["file", "first run", `median of ${runs}`, "min", "max", `dlm check (process, median of ${procs})`];
const table = rows.map((r) => [basename(r.file), ms(r.cold), ms(r.median), ms(r.min), ms(r.max), ms(r.process)]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
console.log("parse + check (frontEnd), excluding process start and parser construction:");
console.log(line(head));
console.log("|" + widths.map((w, i) => (i === 0 ? ":" : "-") + "-".repeat(w) + (i === 0 ? "-" : ":")).join("|") + "|");
for (const t of table) console.log(line(t));
const worst = Math.max(...rows.map((r) => r.median));
const slowest = Math.max(...rows.map((r) => r.process));
console.log(`\nbudgets: in-process median ≤ 50 ms (worst ${ms(worst)}), whole process ≤ 1 s (worst ${ms(slowest)})`);
