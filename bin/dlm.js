#!/usr/bin/env node
// The `dlm` command. Node 20 cannot run TypeScript, so this loads the compiled CLI
// (built into dist/ by `npm run build`, which `npm ci` runs through `prepare`).
import { main } from "../dist/compiler/cli.js";

process.exitCode = await main(process.argv.slice(2));
