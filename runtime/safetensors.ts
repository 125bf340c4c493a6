// Checkpoints in the safetensors format, as files in Node (the format itself, encoding and
// decoding bytes, is safetensors-format.ts). Invariants: writes are atomic (temp file in the
// same folder, fsync, rename), so a crash never leaves a half-written checkpoint under the
// real name; reads validate the whole file (safetensors-format.ts) and any problem is a
// DataError naming the file.
import * as fs from "node:fs";
import * as path from "node:path";
import { readBytes } from "./data/files.js";
import { testKillNow, testKillThisSave } from "./testhooks.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsFile, type SafetensorsTensor } from "./safetensors-format.js";

export * from "./safetensors-format.js";

/** Writes a safetensors file atomically: `<file>.tmp-<pid>`, fsync, rename over `file`. */
export function saveSafetensors(file: string, tensors: Record<string, SafetensorsTensor>, metadata?: Record<string, string>): void {
  const parts = encodeSafetensors(tensors, metadata);
  const tmp = `${file}.tmp-${process.pid}`;
  const kill = testKillThisSave();
  let fd = -1;
  try {
    fd = fs.openSync(tmp, "w");
    for (let i = 0; i < parts.length; i++) {
      if (kill && i === 2) testKillNow(); // testing hook: the length and header are written, no data
      const p = parts[i];
      let done = 0;
      while (done < p.length) done += fs.writeSync(fd, p, done, p.length - done);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  syncDir(path.dirname(path.resolve(file)));
}

/**
 * Removes the temporary files `<file>.tmp-<pid>` that writers of `file` left when they were
 * killed mid-write: only this file's, only regular files, and only those whose writer pid is
 * no longer running (`process.kill(pid, 0)` fails with ESRCH). A live writer's file, this
 * process's own, and anything whose pid cannot be checked are kept. Returns the removed
 * paths (in the folder `file` names). Pids are only meaningful on this machine: a folder
 * shared with other machines may hold another machine's live writer's file.
 */
export function removeOrphanTemps(file: string): string[] {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names.sort()) {
    if (!name.startsWith(prefix)) continue;
    const digits = name.slice(prefix.length);
    if (!/^[1-9][0-9]{0,9}$/.test(digits)) continue;
    const pid = Number(digits);
    if (pid === process.pid || pid > 0x7fffffff || running(pid)) continue;
    const tmp = path.join(dir, name);
    try {
      if (!fs.lstatSync(tmp).isFile()) continue;
      fs.rmSync(tmp);
      removed.push(tmp);
    } catch {
      /* gone already, or not ours to remove: leave it */
    }
  }
  return removed;
}

/** True unless signalling `pid` says there is no such process. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Makes the rename durable; some platforms cannot open a folder, which is harmless. */
function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}

/** Reads and validates a safetensors file, and verifies its checksum when it has one. */
export function loadSafetensors(file: string): SafetensorsFile {
  const bytes = readBytes(file, "a safetensors checkpoint");
  return decodeSafetensors(bytes, file);
}
