// The dispatch's claim of chunks (runtime/threads/pool.ts, takeChunks; docs/threads.md): each
// thread takes its own chunks of a job first and then the others', every chunk runs once, and a
// thread that read an earlier job's generation claims nothing of the current one. Driven on
// one thread over a control block laid out as the pool lays it out (word 1 the generation,
// 2 the chunks done, 9 the chunk count, 16 on the claim words).
import { describe, expect, it } from "vitest";
import { takeChunks } from "../../runtime/threads/pool.js";

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
