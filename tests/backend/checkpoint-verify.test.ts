// Checkpoints are verified before a run resumes from them: the checksum written with them
// (a flipped bit in a weight or in the metadata is refused), every metadata field the
// resume reads (one error naming the file and the field, exit code 1), non-finite tensors,
// tensors of the wrong kind; a file without a checksum is accepted with a note, and so is
// a --seed that the checkpoint overrides. Temp files that killed writers left are removed
// at the next save or resume, and only those. A tiny regression trainer on in-memory data
// (10 samples at batch 4: three batches per epoch) keeps every case fast.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { loadTrainer } from "../helpers/trainer.js";
import { tempDir } from "../helpers/spawn.js";
import { train, type TrainerModule, type TrainOptions } from "../../runtime/trainer.js";
import { runTraining } from "../../runtime/main.js";
import { CHECKSUM_KEY, loadSafetensors, saveSafetensors, type SafetensorsTensor } from "../../runtime/safetensors.js";
import { makeDataset } from "../../runtime/dataset.js";
import { Rng } from "../../runtime/rng.js";
import type { LoadedData } from "../../runtime/data/load.js";

const source = `model m(x: [B, 3]) {
  x |> dense(4, activation=relu) |> dense(1)
}
train m {
  loss      mse
  optimizer adam(lr=0.01)
  batch     4
  epochs    2
  seed      3
}
`;

const tmp = tempDir("dlm-verify-");
const file = (name: string) => path.join(tmp.dir, name);
let mod: TrainerModule;
let data: LoadedData;

function bits(xs: ArrayLike<number>): string[] {
  return Array.from(new Uint32Array(Float32Array.from(xs).buffer), (u) => u.toString(16));
}

/** `runTraining` as the command line runs it, with stdout and stderr collected. */
function run(opts: TrainOptions): { code: number; stderr: string } {
  let stderr = "";
  const sink = (f: (s: string) => void) => ({ write: (s: string) => (f(s), true) }) as unknown as NodeJS.WritableStream;
  const code = runTraining(
    mod,
    { loaded: data, quiet: true, ...opts },
    sink(() => {}),
    sink((s) => (stderr += s)),
  );
  return { code, stderr };
}

/** A checkpoint after `steps` steps. */
function checkpoint(name: string, steps: number): string {
  const ck = file(name);
  const r = run({ maxSteps: steps, save: ck });
  expect(r, r.stderr).toEqual({ code: 0, stderr: "" });
  return ck;
}

/** Rewrites a checkpoint through `edit` (a fresh, valid checksum: only the edit is wrong). */
function edited(from: string, name: string, edit: (tensors: Record<string, SafetensorsTensor>, metadata: Record<string, string>) => void) {
  const { tensors, metadata } = loadSafetensors(from);
  edit(tensors, metadata);
  saveSafetensors(file(name), tensors, metadata);
  return file(name);
}

/** The file's bytes with its checksum entry taken out of the header (as another tool writes it). */
function withoutChecksum(bytes: Uint8Array): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  delete header.__metadata__[CHECKSUM_KEY];
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  return out;
}

/** Exit code 1 and one `error:` line naming the file and containing every part. */
function expectError(r: { code: number; stderr: string }, ck: string, ...parts: (string | RegExp)[]): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.split("\n")).toHaveLength(2); // one line and its newline
  expect(r.stderr.startsWith(`error: ${ck}: `), r.stderr).toBe(true);
  for (const p of parts) typeof p === "string" ? expect(r.stderr).toContain(p) : expect(r.stderr).toMatch(p);
}

beforeAll(async () => {
  mod = await loadTrainer(source, "tiny.dlm");
  const rng = new Rng(21);
  const x = new Float32Array(30);
  const y = new Float32Array(10);
  rng.fillUniform(x, -1, 1);
  rng.fillUniform(y, -1, 1);
  data = { train: makeDataset(x, [3], y, [1], "train"), test: null, description: "in memory" };
}, 60_000);
afterAll(() => tmp.cleanup());

describe("a checkpoint is verified before resuming", () => {
  it("a flipped bit in a weight (-0.145 → -4.9e37) fails the checksum", () => {
    const ck = checkpoint("flip-src.safetensors", 1);
    const bytes = readFileSync(ck);
    const n = Number(bytes.readBigUInt64LE(0));
    const begin = JSON.parse(bytes.subarray(8, 8 + n).toString())["m/dense/kernel"].data_offsets[0] as number;
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8 + n + begin, bytes.byteOffset + 8 + n + begin + 48));
    // The first weight of magnitude below 2: flipping its exponent's top bit makes it ~1e37.
    const i = weights.findIndex((w) => w !== 0 && Math.abs(w) < 2);
    bytes[8 + n + begin + 4 * i + 3] ^= 0x40;
    const flipped = bytes.readFloatLE(8 + n + begin + 4 * i);
    expect(Math.abs(flipped)).toBeGreaterThan(1e30);
    writeFileSync(file("flip.safetensors"), bytes);
    expectError(
      run({ resume: file("flip.safetensors") }),
      file("flip.safetensors"),
      /corrupt checkpoint: its contents do not match the checksum written with them \(dlm\.sha256 [0-9a-f]{12}…, computed [0-9a-f]{12}…\)/,
    );
  });

  it("a changed metadata entry (global_step 1 → 7, same length) fails the checksum too", () => {
    const ck = checkpoint("meta-src.safetensors", 1);
    const bytes = readFileSync(ck);
    const at = bytes.indexOf('"global_step":"1"');
    expect(at).toBeGreaterThan(0);
    bytes.write('"global_step":"7"', at);
    writeFileSync(file("meta.safetensors"), bytes);
    expectError(run({ resume: file("meta.safetensors") }), file("meta.safetensors"), "do not match the checksum");
  });

  it("a checkpoint without a checksum is accepted with a one-line note, and resumes exactly", () => {
    const ck = checkpoint("plain-src.safetensors", 2);
    writeFileSync(file("plain.safetensors"), withoutChecksum(readFileSync(ck)));
    const notes: string[] = [];
    const a = train(mod, { loaded: data, quiet: true, resume: file("plain.safetensors"), note: (l) => notes.push(l) });
    expect(notes).toEqual([
      `note: ${file("plain.safetensors")} has no checksum (dlm.sha256 in its metadata), so its contents cannot be verified; using it as it is`,
    ]);
    const b = train(mod, { loaded: data, quiet: true, resume: ck, note: (l) => notes.push(l) });
    expect(notes).toHaveLength(1);
    expect(bits(a.trainer.params)).toEqual(bits(b.trainer.params));
    const r = run({ resume: file("plain.safetensors") });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^note: [^\n]*has no checksum[^\n]*\n$/);
  });

  it("each bad metadata field is one error naming the file and the field, exit code 1", () => {
    const base = checkpoint("fields.safetensors", 1); // epoch 0, batch_in_epoch 1, global_step 1
    const cases: [string, string | undefined, string | RegExp][] = [
      ["global_step", "-1", `corrupt checkpoint metadata: "global_step" is "-1"; expected a step count (an integer ≥ 0)`],
      ["global_step", "1.5", `"global_step" is "1.5"; expected a step count`],
      ["global_step", undefined, `"global_step" is missing; expected a step count`],
      ["global_step", "", `"global_step" is ""; expected a step count`],
      ["epoch", "-1", `"epoch" is "-1"; expected an epoch index (an integer ≥ 0)`],
      ["epoch", "1e3", `"epoch" is "1e3"; expected an epoch index`],
      [
        "batch_in_epoch",
        "3",
        `"batch_in_epoch" is "3"; expected a batch index from 0 to 2 (this run's 10 training samples make 3 batches of 4 per epoch)`,
      ],
      ["batch_in_epoch", "99", `"batch_in_epoch" is "99"; expected a batch index from 0 to 2`],
      ["rng", "0,0,0,0", `"rng" is "0,0,0,0"; expected four 32-bit words (0 to 4294967295), not all zero (an all-zero xoshiro128** state`],
      ["rng", "1,2,3", `"rng" is "1,2,3"; expected four 32-bit words`],
      ["rng", "1,2,3,4294967296", `"rng" is "1,2,3,4294967296"; expected four 32-bit words`],
      ["epoch_rng", "0,0,0,0", `"epoch_rng" is "0,0,0,0"; expected four 32-bit words (0 to 4294967295), not all zero`],
      ["step_counts", "2", `"step_counts" is "2"; expected 1 optimizer step count equal to global_step (1)`],
      ["step_counts", "1,1", `"step_counts" is "1,1"; expected 1 optimizer step count`],
      ["seed", "-3", `"seed" is "-3"; expected the run's seed (an integer ≥ 0)`],
      ["batch", "0", `"batch" is "0"; expected a batch size (an integer ≥ 1)`],
      ["batch", "8", "was written by a run at batch 8; resume it with --batch 8 (this run uses batch 4)"],
      [
        "format",
        "dlm-checkpoint-2",
        `has checkpoint format "dlm-checkpoint-2", which this runtime cannot read (it reads "dlm-checkpoint-1")`,
      ],
      ["format", undefined, `is not a dlm checkpoint (metadata format is null, expected "dlm-checkpoint-1")`],
      ["signature", "m/dense/kernel[3,5]", "was written by `train m` with other parameters"],
    ];
    cases.forEach(([key, value, message], k) => {
      const ck = edited(base, `field-${k}.safetensors`, (_, meta) => (value === undefined ? delete meta[key] : (meta[key] = value)));
      expectError(run({ resume: ck }), ck, message);
    });
  });

  it("a non-finite or impossible tensor is refused, naming the checkpoint and the tensor", () => {
    const base = checkpoint("tensors.safetensors", 2);
    const cases: [string, (t: Record<string, SafetensorsTensor>) => void, string][] = [
      [
        "nan",
        (t) => ((t["m/dense/kernel"].data as Float32Array)[5] = NaN),
        `tensor "m/dense/kernel" holds a non-finite value (NaN at index 5); training cannot resume from it`,
      ],
      [
        "inf",
        (t) => ((t["optimizer/adam_m/m/dense_1/bias"].data as Float32Array)[0] = -Infinity),
        `tensor "optimizer/adam_m/m/dense_1/bias" holds a non-finite value (-Infinity at index 0)`,
      ],
      [
        "negative-v",
        (t) => ((t["optimizer/adam_v/m/dense/bias"].data as Float32Array)[3] = -0.5),
        `tensor "optimizer/adam_v/m/dense/bias" holds a negative value (-0.5 at index 3); Adam's second moment is never negative`,
      ],
      ["missing", (t) => delete t["optimizer/adam_v/m/dense/bias"], `is missing tensor "optimizer/adam_v/m/dense/bias" (F32, shape [4])`],
      [
        "extra",
        (t) => (t["optimizer/momentum/m/dense/bias"] = { dtype: "F32", shape: [4], data: new Float32Array(4) }),
        `holds tensor "optimizer/momentum/m/dense/bias", which this trainer does not have (was it written with another optimizer?)`,
      ],
      ["shape", (t) => (t["m/dense/kernel"].shape = [4, 3]), `tensor "m/dense/kernel" is F32 [4, 3]; expected F32 [3, 4]`],
      [
        "dtype",
        (t) => (t["m/dense_1/bias"] = { dtype: "F64", shape: [1], data: new Float64Array(1) }),
        `tensor "m/dense_1/bias" is F64 [1]; expected F32 [1]`,
      ],
    ];
    for (const [name, edit, message] of cases) {
      const ck = edited(base, `tensor-${name}.safetensors`, (t) => edit(t));
      expectError(run({ resume: ck }), ck, message);
    }
  });

  it("--seed on --resume is ignored with a note: the run keeps the checkpoint's seed and random stream", () => {
    const ck = checkpoint("seed.safetensors", 2);
    const notes: string[] = [];
    const again = file("seed-again.safetensors");
    const a = train(mod, { loaded: data, quiet: true, resume: ck, seed: 99, save: again, note: (l) => notes.push(l) });
    expect(notes).toEqual([`note: --seed 99 is ignored: ${ck} continues a run with seed 3, whose random stream it holds`]);
    expect(loadSafetensors(again).metadata.seed).toBe("3");
    const b = train(mod, { loaded: data, quiet: true, resume: ck, seed: 3, note: (l) => notes.push(l) }); // the same seed: nothing to say
    expect(notes).toHaveLength(1);
    expect(bits(a.trainer.params)).toEqual(bits(b.trainer.params));
    const r = run({ resume: ck, seed: 7 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`note: --seed 7 is ignored: ${ck} continues a run with seed 3, whose random stream it holds\n`);
  });
});

describe("a checkpoint past the end of this run", () => {
  it("trains nothing, says so, and saves its position back unchanged", () => {
    const ck = file("done.safetensors");
    const r = run({ save: ck }); // the whole run: 2 epochs of 3 steps
    expect(r).toEqual({ code: 0, stderr: "" });
    const again = file("done-again.safetensors");
    const notes: string[] = [];
    const short = train(mod, { loaded: data, quiet: true, resume: ck, epochs: 1, save: again, note: (l) => notes.push(l) });
    expect(short.steps).toBe(6);
    expect(notes).toEqual([
      `note: nothing to train: ${ck} is at the end of epoch 2, and this run trains 1 epoch (raise --epochs to go on)`,
    ]);
    const meta = loadSafetensors(again).metadata;
    expect([meta.epoch, meta.batch_in_epoch, meta.global_step]).toEqual(["2", "0", "6"]);
    // Going on from the re-saved checkpoint is going on from the original.
    const a = train(mod, { loaded: data, quiet: true, resume: again, epochs: 3 });
    const b = train(mod, { loaded: data, quiet: true, resume: ck, epochs: 3 });
    expect(a.steps).toBe(9);
    expect(bits(a.trainer.params)).toEqual(bits(b.trainer.params));
    // Resuming a finished run with its own epochs is quiet (e.g. to evaluate it).
    expect(run({ resume: ck })).toEqual({ code: 0, stderr: "" });
  });
});

describe("temp files of killed writers", () => {
  /** Runs a child node process; resolves with its pid once it has exited (and been reaped). */
  function deadPid(): Promise<number> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      child.on("error", reject);
      child.on("close", () => resolve(child.pid!));
    });
  }

  it("are removed at the next save and resume: only this checkpoint's, only when the writer is gone", async () => {
    const ck = checkpoint("orphans.safetensors", 1);
    const live = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const [dead1, dead2] = [await deadPid(), await deadPid()];
      const names = {
        dead: `orphans.safetensors.tmp-${dead1}`,
        live: `orphans.safetensors.tmp-${live.pid}`,
        mine: `orphans.safetensors.tmp-${process.pid}`,
        otherFile: `other.safetensors.tmp-${dead1}`,
        notPid: `orphans.safetensors.tmp-12ab`,
      };
      for (const n of Object.values(names)) writeFileSync(file(n), "partial");
      const notes: string[] = [];
      train(mod, { loaded: data, quiet: true, resume: ck, maxSteps: 1, note: (l) => notes.push(l) });
      expect(notes).toEqual([
        `note: removed ${file(names.dead)}, left by a checkpoint write that was killed (its process is no longer running)`,
      ]);
      expect(existsSync(file(names.dead))).toBe(false);
      for (const n of [names.live, names.mine, names.otherFile, names.notPid]) expect(existsSync(file(n)), n).toBe(true);

      // A save cleans up as well (the writer of this one died too); this process's own temp
      // file is the one its save writes and renames.
      writeFileSync(file(`orphans.safetensors.tmp-${dead2}`), "partial");
      train(mod, { loaded: data, quiet: true, maxSteps: 1, save: ck, note: (l) => notes.push(l) });
      expect(notes).toHaveLength(2);
      expect(
        readdirSync(tmp.dir)
          .filter((n) => n.startsWith("orphans.safetensors.tmp-"))
          .sort(),
      ).toEqual([names.live, names.notPid].sort());
    } finally {
      live.kill("SIGKILL");
    }
  });
});
