// make_regression.mjs — writes dsl-examples/data/regression.csv, the data set of the
// MLP-regression seed model (docs/keras-semantics.md §3).
//
//   node dsl-examples/make_regression.mjs
//
// Columns `x1,x2,x3,y`, 2,000 rows, every value printed with 6 decimals:
//   x ~ U[-1, 1]^3,  y = sin(3·x1) + x2·x3 + ε,  ε ~ N(0, 0.1²).
// y is computed from the x values as printed (rounded to 6 decimals), so the file is
// exactly self-consistent.
//
// Split: the first 1,600 rows are the training set, the LAST 400 ROWS ARE THE TEST SET.
//
// Deterministic: its own PRNG (mulberry32, seed 42) and Box–Muller, no dependencies;
// running it twice gives a byte-identical file. Per row the generator draws, in order,
// u(x1), u(x2), u(x3), then two uniforms for ε (one Box–Muller pair, cosine branch).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED = 42;
const ROWS = 2000;
const NOISE_STD = 0.1;

/** mulberry32: a 32-bit state PRNG returning uniforms in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fixed-point text with 6 decimals; never prints "-0.000000". */
function fmt(v) {
  const s = v.toFixed(6);
  return s === '-0.000000' ? '0.000000' : s;
}

const rand = mulberry32(SEED);
const uniform = () => 2 * rand() - 1; // U[-1, 1)
const normal = () => {
  const u1 = 1 - rand(); // (0, 1]: log is finite
  const u2 = rand();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
};

const lines = ['x1,x2,x3,y'];
for (let r = 0; r < ROWS; r++) {
  const xs = [uniform(), uniform(), uniform()].map((v) => fmt(v));
  const [x1, x2, x3] = xs.map(Number);
  const y = Math.sin(3 * x1) + x2 * x3 + NOISE_STD * normal();
  lines.push(`${xs.join(',')},${fmt(y)}`);
}

const out = join(dirname(fileURLToPath(import.meta.url)), 'data', 'regression.csv');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out} (${ROWS} rows; last 400 are the test split)`);
