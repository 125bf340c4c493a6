// The dispatch's claim of chunks (runtime/threads/pool.ts, takeChunks; docs/threads.md): each
// thread takes its own chunks of a job first and then the others', every chunk runs once, and a
// thread that read an earlier job's generation claims nothing of the current one. Driven on
// one thread over a control block laid out as the pool lays it out (word 1 the generation,
// 2 the chunks done, 9 the chunk count, 16 on the claim words).
import { describe, expect, it } from "vitest";
import { followIdle, spinAfter, takeChunks } from "../../runtime/threads/pool.js";

/** A control block with a job of generation `gen` and `count` chunks published (claim words free). */
function job(gen: number, count: number): Int32Array {
  const ctrl = new Int32Array(16 + 64);
  ctrl[1] = gen;
  ctrl[9] = count;
  for (let i = 0; i < count; i++) ctrl[16 + i] = 2 * gen;
  return ctrl;
}

describe("takeChunks", () => {
  it("takes a thread's own chunks first, then the others' in turn, each once", () => {
    for (const [threads, count] of [
      [2, 2],
      [3, 3],
      [2, 4],
      [3, 6],
      [4, 3],
    ]) {
      for (let t = 0; t < threads; t++) {
        const ctrl = job(7, count);
        const ran: number[] = [];
        takeChunks(ctrl, t, threads, (i) => ran.push(i));
        // Its own share in order, then each other thread's (t + 1, t + 2, …) from its end.
        const share = (u: number) =>
          Array.from({ length: count }, (_, i) => i).filter(
            (i) => i >= Math.floor((u * count) / threads) && i < Math.floor(((u + 1) * count) / threads),
          );
        const want = share(t);
        for (let k = 1; k < threads; k++) want.push(...share((t + k) % threads).reverse());
        expect(ran).toEqual(want);
        expect(ctrl[2]).toBe(count);
      }
    }
  });

  it("leaves the chunks another thread claimed, and counts only its own", () => {
    const ctrl = job(3, 4);
    ctrl[16 + 0] = 2 * 3 + 1; // chunk 0 taken by thread 0
    const ran: number[] = [];
    takeChunks(ctrl, 1, 2, (i) => ran.push(i));
    expect(ran).toEqual([2, 3, 1]);
    expect(ctrl[2]).toBe(3);
  });

  it("claims nothing of a job published after the generation it read", () => {
    const ctrl = job(5, 2);
    const ran: number[] = [];
    // The thread read generation 5; the calling thread has since published generation 6.
    takeChunks(ctrl, 0, 2, (i) => {
      ran.push(i);
      ctrl[1] = 6;
      ctrl[16 + 1] = 12;
    });
    expect(ran).toEqual([0]);
    expect(ctrl[16 + 1]).toBe(12);
    expect(ctrl[2]).toBe(1);
  });
});

// A worker's spin after a job (pool.ts: followIdle, spinAfter): it stretches to catch the idle
// gaps it has seen lately — the step's boundary, longer than the gaps between a step's kernels —
// but never past the longest spin, and a gap no spin would catch does not stretch it.
describe("the worker's spin", () => {
  const [base, most, margin, decay] = [0.2, 0.8, 1.25, 0.995];
  const spinAfterGaps = (gaps: number[]): number => {
    let longest = 0;
    for (const g of gaps) longest = followIdle(longest, g, most / margin, decay);
    return spinAfter(longest, base, most, margin);
  };
  it("is the base spin while every gap is short", () => {
    expect(spinAfterGaps([0.01, 0.05, 0.1, 0.02])).toBe(base);
  });
  it("stretches to catch a step's boundary that recurs among the kernels' short gaps", () => {
    const step = [0.3, 0.01, 0.02, 0.005, 0.01, 0.03, 0.01, 0.02];
    const spin = spinAfterGaps([...step, ...step, ...step]);
    expect(spin).toBeGreaterThan(0.3);
    expect(spin).toBeLessThanOrEqual(most);
  });
  it("does not stretch for gaps no spin would catch, and is never past the longest spin", () => {
    expect(spinAfterGaps([5, 12, 0.9, 0.01])).toBe(base);
    expect(spinAfterGaps([0.64, 0.64])).toBeCloseTo(most, 12);
  });
  it("comes back to the base spin once the long gaps stop", () => {
    const gaps = [0.4, ...Array.from({ length: 400 }, () => 0.01)];
    expect(spinAfterGaps(gaps)).toBe(base);
  });
});
