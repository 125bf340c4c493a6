// The repository stands alone: no file refers to anything outside it — not to a design
// brief or a peers' notes file kept beside the checkout, not to the folder that holds
// them, and not to numbered issues of a tracker a clone does not have. Facts such
// references carried belong in docs/ (keras-semantics.md, architecture.md, benchmarks.md).
//
// Scans every file git knows (tracked, plus untracked ones that are not ignored), except
// node_modules, package-lock.json and binary files (a NUL byte in the first 8 KiB). The
// patterns are spelled so that this file does not match them itself.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { repoRoot } from "../helpers/spawn.js";

const outside: readonly { readonly what: string; readonly re: RegExp }[] = [
  { what: "the external design brief", re: /\bDESIGN[.]md\b/ },
  { what: "the external peers file", re: /\bPEERS[.]md\b/ },
  { what: "the shared folder beside the checkout", re: /(?:[.][.]|\/work)\/shared\b/ },
  { what: "a numbered issue", re: /\b[Ii]ssues? (?:#\s?)?[0-9]+/ },
];

/** Files git knows, relative to the repository root; a walk of the tree where git is missing. */
function repoFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: repoRoot,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return [...new Set(out.split("\0").filter((f) => f !== ""))];
  } catch {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
        const rel = dir === "" ? e.name : `${dir}/${e.name}`;
        if (e.isDirectory()) {
          if (![".git", "node_modules", "dist"].includes(e.name)) walk(rel);
        } else if (e.isFile()) files.push(rel);
      }
    };
    walk("");
    return files;
  }
}

const skipped = (f: string): boolean => f.split("/").includes("node_modules") || path.basename(f) === "package-lock.json";

describe("the repository stands alone", () => {
  it("no file refers to a brief, a folder or an issue outside the repository", () => {
    const files = repoFiles().filter((f) => !skipped(f));
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    let scanned = 0;
    for (const f of files) {
      const abs = path.join(repoRoot, f);
      // A tracked file another change has just deleted or moved is not there to scan.
      if (!existsSync(abs) || !statSync(abs).isFile()) continue;
      const bytes = readFileSync(abs);
      if (bytes.subarray(0, 8192).includes(0)) continue;
      scanned++;
      const lines = bytes.toString("utf8").split("\n");
      lines.forEach((line, i) => {
        for (const { what, re } of outside) {
          if (re.test(line)) found.push(`${f}:${i + 1}: ${what}: ${line.trim().slice(0, 160)}`);
        }
      });
    }
    expect(scanned).toBeGreaterThan(100);
    expect(found, found.join("\n")).toEqual([]);
  });

  it("the patterns see what they are meant to see", () => {
    const hits = (s: string): string[] => outside.filter(({ re }) => re.test(s)).map(({ what }) => what);
    const design = ["DESIGN", "md"].join(".");
    const peers = ["PEERS", "md"].join(".");
    const folder = ["..", "shared", "x"].join("/");
    expect(hits(`see ${design} §2`)).toEqual(["the external design brief"]);
    expect(hits(`figures in ${peers}`)).toEqual(["the external peers file"]);
    expect(hits(`read ${folder}`)).toEqual(["the shared folder beside the checkout"]);
    expect(hits(`targets of ${"issue"} 5`)).toEqual(["a numbered issue"]);
    expect(hits(`${"issues"} 3 and 4`)).toEqual(["a numbered issue"]);
    // Ordinary words stay allowed.
    expect(hits("memory shared by kernels; an issue with shapes; see docs/architecture.md §5")).toEqual([]);
  });
});
