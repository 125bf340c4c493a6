#!/usr/bin/env node
// The `dlm` command. Node 20 cannot run TypeScript, so this loads the compiled CLI
// (built into dist/ by `npm run build`, which `npm ci` runs through `prepare`).
import { main } from "../dist/compiler/cli.js";

// A reader that stops early (`dlm check --emit ir FILE | head`) is not an error of dlm's:
// end quietly instead of with node's EPIPE stack trace.
process.stdout.on("error", (e) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2));
