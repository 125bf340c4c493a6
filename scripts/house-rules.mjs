// House rules that `npm test` enforces beyond formatting and types: no TypeScript source
// file of compiler/ or runtime/ over MAX_LINES lines (split it by what its parts do).
// Fails listing every offender; on success prints the line totals.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const MAX_LINES = 600;
const root = fileURLToPath(new URL("..", import.meta.url));

/** Every .ts file under dir, recursively, in a stable order. */
function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Lines as `wc -l` counts them, plus a last line without a newline. */
function lineCount(path) {
  const text = readFileSync(path, "utf8");
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

const totals = {};
const offenders = [];
for (const dir of ["compiler", "runtime"]) {
  totals[dir] = 0;
  for (const file of tsFiles(join(root, dir))) {
    const lines = lineCount(file);
    totals[dir] += lines;
    if (lines > MAX_LINES) offenders.push({ file: relative(root, file), lines });
  }
}

if (offenders.length > 0) {
  console.error(`house rules: ${offenders.length} source file${offenders.length === 1 ? "" : "s"} over ${MAX_LINES} lines:`);
  for (const { file, lines } of offenders) console.error(`  ${file}: ${lines} lines`);
  process.exit(1);
}
console.log(`compiler/ ${totals.compiler} lines, runtime/ ${totals.runtime} lines, total ${totals.compiler + totals.runtime}`);
