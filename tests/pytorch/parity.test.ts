// The PyTorch target as a second oracle for the compiler: from one initial checkpoint
// (`dlm train --max-steps 0 --save`), with shuffling off, N steps of the emitted train.py and
// of the wasm trainer (`dlm train --resume`) must end at the same parameters — every tensor
// within 1e-4 relative L2 after 100 steps for the seed CNN, the stacked LSTM and the MLP, and
// after 50 steps for two programs of the rules beyond them (tests/programs/pytorch); the
// stabilized GAN within 1e-3 after 20 steps, its noise and dropout masks drawn by dlm's RNG
// (the checkpoint's state, replayed here in the trainer's draw order) and fed to train.py
// through --noise-file. Both programs read the checkpoints of the other (Keras layouts,
// safetensors with dlm's metadata and checksum). In the slow list (vitest.slow.config.ts).
import { afterAll, describe, expect, it } from "vitest";
import * as path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { Rng } from "../../runtime/rng.js";
import { loadSafetensors } from "../../runtime/safetensors.js";
import { repoRoot, runDlm, tempDir } from "../helpers/spawn.js";
import { differences, missing, ok, runPython, script, unshuffled, weights } from "./python.js";

const tmp = tempDir("dlm-pytorch-");
afterAll(() => tmp.cleanup());
/** The programs and checkpoints of the parity runs, for the resume test. */
const trained = new Map<string, { dir: string; file: string; theirs: string }>();
const dlm = async (...args: string[]) => ok(await runDlm(args, { timeoutMs: 240_000 }), `dlm ${args.join(" ")}`);

/** Compiles EXAMPLE (shuffling off) both ways and writes the initial checkpoint; returns the paths. */
async function prepare(example: string, seed: number) {
  const dir = path.join(tmp.dir, example);
  const file = path.join(tmp.dir, `${example}.dlm`);
  writeFileSync(file, unshuffled(readFileSync(path.join(repoRoot, "dsl-examples", `${example}.dlm`), "utf8")));
  const init = path.join(tmp.dir, `${example}.init.safetensors`);
  const samples = ["--samples", path.join(tmp.dir, `${example}-samples`)];
  await dlm("train", file, "--max-steps", "0", "--seed", String(seed), "--save", init, "--quiet", ...samples);
  await dlm("compile", file, "--target", "pytorch", "-o", dir);
  return { dir, file, init, samples };
}

describe.skipIf(missing() !== null)("train.py and the wasm trainer from one checkpoint", () => {
  for (const [example, steps, tol] of [
    ["mlp", 100, 1e-4],
    ["cnn", 100, 1e-4],
    ["rnn", 100, 1e-4],
  ] as const) {
    it(`${example}: ${steps} steps agree within ${tol} relative L2 per parameter`, { timeout: 600_000 }, async () => {
      const { dir, file, init } = await prepare(example, 1);
      const ours = path.join(tmp.dir, `${example}.dlm.safetensors`);
      const theirs = path.join(tmp.dir, `${example}.torch.safetensors`);
      await dlm("train", file, "--resume", init, "--max-steps", String(steps), "--save", ours, "--quiet");
      const r = ok(
        await runPython([script(dir), "--resume", init, "--max-steps", String(steps), "--save", theirs, "--device", "cpu", "--quiet"]),
        "train.py",
      );
      expect(r.stdout).toMatch(/^test loss \d+\.\d+ accuracy 0\.\d+$/m);
      trained.set(example, { dir, file, theirs });
      const diffs = differences(weights(theirs), weights(ours));
      expect(diffs.length).toBe(weights(init).size);
      const worst = diffs.reduce((a, b) => (b.rel > a.rel ? b : a));
      console.log(`${example}: ${steps} steps, worst relative L2 ${worst.rel.toExponential(2)} (${worst.name})`);
      for (const d of diffs) expect(d.rel, `${d.name}: relative L2 ${d.rel}`).toBeLessThanOrEqual(tol);
      // The weights moved: the comparison is of training, not of two copies of the initial checkpoint.
      const moved = differences(weights(ours), weights(init));
      expect(Math.max(...moved.map((d) => d.rel))).toBeGreaterThan(1e-3);
      // The PyTorch program's checkpoint is dlm's: same metadata (but dlm's RNG state), a valid checksum.
      const meta = loadSafetensors(theirs).metadata;
      const dlmMeta = loadSafetensors(ours).metadata;
      for (const k of ["format", "program", "signature", "global_step", "epoch", "batch_in_epoch", "batch", "seed", "step_counts"])
        expect(meta[k], k).toBe(dlmMeta[k]);
      expect(meta.rng).toBeUndefined();
    });
  }

  it(
    "the rules beyond the seed models (tests/programs/pytorch/ops1d.dlm, ops2d.dlm): 50 steps agree within 1e-4",
    { timeout: 600_000 },
    async () => {
      for (const name of ["ops1d", "ops2d"]) {
        const file = path.join(repoRoot, "tests/programs/pytorch", `${name}.dlm`);
        const dir = path.join(tmp.dir, name);
        const [init, ours, theirs] = ["init", "dlm", "torch"].map((k) => path.join(tmp.dir, `${name}.${k}.safetensors`));
        await dlm("train", file, "--max-steps", "0", "--seed", "1", "--save", init, "--quiet");
        await dlm("compile", file, "--target", "pytorch", "-o", dir);
        await dlm("train", file, "--resume", init, "--max-steps", "50", "--save", ours, "--quiet");
        ok(
          await runPython([script(dir), "--resume", init, "--max-steps", "50", "--save", theirs, "--device", "cpu", "--quiet"]),
          "train.py",
        );
        const diffs = differences(weights(theirs), weights(ours));
        const worst = diffs.reduce((a, b) => (b.rel > a.rel ? b : a));
        console.log(`${name}: 50 steps, worst relative L2 ${worst.rel.toExponential(2)} (${worst.name})`);
        for (const d of diffs) expect(d.rel, `${d.name}: relative L2 ${d.rel}`).toBeLessThanOrEqual(1e-4);
        expect(Math.max(...differences(weights(ours), weights(init)).map((d) => d.rel))).toBeGreaterThan(1e-3);
      }
    },
  );

  it("gan_stabilized: 20 steps with dlm's noise and dropout masks agree within 1e-3", { timeout: 600_000 }, async () => {
    const { dir, file, init, samples } = await prepare("gan_stabilized", 1);
    const steps = 20;
    const batch = 64;
    // dlm's draws in the trainer's order: per step the let's normal([B, 100]), then one dropout
    // mask [B, 512] per discriminator call (real, the stopped fake, the fake of the generator step).
    const rng = new Rng(0);
    rng.loadState(Uint32Array.from(loadSafetensors(init).metadata.rng.split(",").map(Number)));
    const draws: Float32Array[] = [];
    for (let s = 0; s < steps; s++) {
      const z = new Float32Array(batch * 100);
      rng.fillNormal(z, 0, 1);
      draws.push(z);
      for (let k = 0; k < 3; k++) {
        const m = new Float32Array(batch * 512);
        rng.bernoulliMask(m, 0.7, 1 / 0.7);
        draws.push(m);
      }
    }
    const noise = path.join(tmp.dir, "gan.noise");
    writeFileSync(noise, Buffer.concat(draws.map((d) => Buffer.from(d.buffer))));
    const ours = path.join(tmp.dir, "gan.dlm.safetensors");
    const theirs = path.join(tmp.dir, "gan.torch.safetensors");
    await dlm("train", file, "--resume", init, "--max-steps", String(steps), "--save", ours, "--quiet", ...samples);
    ok(
      await runPython([
        script(dir),
        "--resume",
        init,
        "--max-steps",
        String(steps),
        "--save",
        theirs,
        "--noise-file",
        noise,
        "--device",
        "cpu",
        "--quiet",
      ]),
      "train.py",
    );
    const diffs = differences(weights(theirs), weights(ours));
    const worst = diffs.reduce((a, b) => (b.rel > a.rel ? b : a));
    console.log(`gan_stabilized: ${steps} steps, worst relative L2 ${worst.rel.toExponential(2)} (${worst.name})`);
    for (const d of diffs) expect(d.rel, `${d.name}: relative L2 ${d.rel}`).toBeLessThanOrEqual(1e-3);
    const moved = differences(weights(ours), weights(init));
    expect(Math.max(...moved.map((d) => d.rel))).toBeGreaterThan(1e-3);
  });

  it("dlm train resumes from train.py's checkpoint, saying that the resume is not bitwise", { timeout: 600_000 }, async () => {
    // The MLP's parity run left train.py's checkpoint after 100 steps.
    const mlp = trained.get("mlp");
    if (!mlp) throw new Error("the MLP's parity test did not run");
    const { dir, file, theirs } = mlp;
    const next = path.join(tmp.dir, "mlp2.next.safetensors");
    const r = await dlm("train", file, "--resume", theirs, "--max-steps", "110", "--save", next, "--quiet");
    expect(r.stderr).toMatch(/not bitwise/);
    expect(loadSafetensors(next).metadata.global_step).toBe("110");
    // And train.py reads dlm's checkpoint of that run (with dlm's RNG state, which it ignores).
    const back = path.join(tmp.dir, "mlp2.back.safetensors");
    ok(await runPython([script(dir), "--resume", next, "--max-steps", "111", "--save", back, "--device", "cpu", "--quiet"]), "train.py");
    expect(loadSafetensors(back).metadata.global_step).toBe("111");
  });
});
