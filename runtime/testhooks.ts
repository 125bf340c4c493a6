// A testing hook, not a user feature: DLM_TEST_KILL_AT makes a trainer kill itself with
// SIGKILL at a chosen point, so that tests can check what a crash leaves behind.
//   DLM_TEST_KILL_AT=step:N  right after training step N (counted as global_step counts,
//                            across resumed runs), before that step's checkpoint, if any
//   DLM_TEST_KILL_AT=save:N  inside this process's N-th checkpoint write, after the
//                            temporary file is partly written (its header, no data)
// Any other value (or none) does nothing. Read once, when the runtime loads.

const spec = /^(step|save):([0-9]+)$/.exec((typeof process !== "undefined" && process.env?.DLM_TEST_KILL_AT) || "");
const killStep = spec?.[1] === "step" ? Number(spec[2]) : -1;
const killSave = spec?.[1] === "save" ? Number(spec[2]) : -1;
let saves = 0;

function killSelf(): void {
  process.kill(process.pid, "SIGKILL");
}

/** Called after each training step with the global step count. */
export function testKillAfterStep(globalStep: number): void {
  if (globalStep === killStep) killSelf();
}

/** Called once per checkpoint write; true when the hook wants this write killed. */
export function testKillThisSave(): boolean {
  if (killSave < 0) return false;
  return ++saves === killSave;
}

/** Kills the process now (the write that `testKillThisSave` picked is partly done). */
export function testKillNow(): void {
  killSelf();
}
