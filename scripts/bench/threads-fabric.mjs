// What handing data from one core to another costs on this machine (the threads suite's third
// probe, docs/threads.md "What a core pays for the other's lines"; reported, not a target).
// Two threads of one process share a 1 MiB buffer (about what one kernel of the seed models
// hands to the next); the calling thread times its pass over it, one access per 64-byte line:
//   - read again / written again: the lines are its own (the baseline);
//   - read after the other thread wrote them (each line comes over from the other core);
//   - written after the other thread read them (each line must first be taken from the other
//     core's cache: what an optimizer pays writing weights a feature-split GEMM read on the other
//     core, or a batch-split kernel writing activations both threads of the next GEMM read);
//   - written after the other thread wrote them;
// and the round trip of one word (a store seen by the other thread, its answer seen back).
//   node scripts/bench/threads-fabric.mjs [--rounds 300]   → BENCH_RESULT { roundTripUs, perMiB: { … µs } }
import { Worker, isMainThread, workerData } from "node:worker_threads";
import { parseArgs } from "node:util";

const FLOATS = 1 << 18; // 1 MiB
const LINE = 16; // floats per 64-byte line
// Control words: 0 the command's sequence number, 1 the command, 2 the worker's answer (the sequence number it finished).
const [SEQ, CMD, ACK] = [0, 1, 2];
const [PING, WRITE, READ, EXIT] = [1, 2, 3, 4];

function readPass(f) {
  let s = 0;
  for (let i = 0; i < f.length; i += LINE) s += f[i];
  return s;
}
function writePass(f, v) {
  for (let i = 0; i < f.length; i += LINE) f[i] = v;
}

if (!isMainThread) {
  const c = new Int32Array(workerData.ctl);
  const f = new Float32Array(workerData.buf);
  let seen = 0;
  let sink = 0;
  for (;;) {
    const s = Atomics.load(c, SEQ);
    if (s === seen) continue;
    seen = s;
    const cmd = Atomics.load(c, CMD);
    if (cmd === EXIT) break;
    if (cmd === WRITE) writePass(f, s);
    if (cmd === READ) sink += readPass(f);
    Atomics.store(c, ACK, s + (sink > 1e38 ? 1 : 0) * 0);
  }
} else {
  const { values: opt } = parseArgs({ options: { rounds: { type: "string", default: "300" } } });
  const rounds = Number(opt.rounds);
  const ctl = new SharedArrayBuffer(64);
  const buf = new SharedArrayBuffer(4 * FLOATS);
  const c = new Int32Array(ctl);
  const f = new Float32Array(buf);
  const worker = new Worker(new URL(import.meta.url), { workerData: { ctl, buf } });
  await new Promise((r) => worker.once("online", r));
  let seq = 0;
  /** Has the worker run `cmd` and waits for its answer. */
  const other = (cmd) => {
    Atomics.store(c, CMD, cmd);
    Atomics.store(c, SEQ, ++seq);
    while (Atomics.load(c, ACK) !== seq);
  };
  const time = (fn) => {
    const t = performance.now();
    fn();
    return (performance.now() - t) * 1000;
  };
  const samples = { roundTrip: [], readAgain: [], writeAgain: [], readAfterWrite: [], writeAfterRead: [], writeAfterWrite: [] };
  let sink = 0;
  for (let r = 0; r < 3 * rounds; r++) samples.roundTrip.push(time(() => other(PING)));
  for (let r = 0; r < rounds; r++) {
    other(WRITE);
    samples.readAfterWrite.push(time(() => (sink += readPass(f))));
    samples.readAgain.push(time(() => (sink += readPass(f))));
    other(READ);
    samples.writeAfterRead.push(time(() => writePass(f, r)));
    samples.writeAgain.push(time(() => writePass(f, r + 0.5)));
    other(WRITE);
    samples.writeAfterWrite.push(time(() => writePass(f, r + 0.25)));
  }
  Atomics.store(c, CMD, EXIT);
  Atomics.store(c, SEQ, ++seq);
  await worker.terminate();
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor((s.length - 1) / 2)];
  };
  const perMiB = Object.fromEntries(
    Object.entries(samples)
      .filter(([k]) => k !== "roundTrip")
      .map(([k, xs]) => [k, median(xs)]),
  );
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ roundTripUs: median(samples.roundTrip), perMiB, sink: sink > 0 })}\n`);
}
