// The runtime of an exported model (`dlm export --format module`): what the generated
// inference module needs to load its weights and its kernel module and to run them in
// chunks, and nothing else — no training, no data readers, no checkpoints. `dlm export`
// copies this file and wasm/instantiate.js beside the module, so the folder runs alone.
// It imports no Node module, except node:fs/promises to read a file: URL (the module's own
// folder in Node); given the bytes (`ModelSource`), or from http(s) URLs, it also runs in a
// browser.
//
// The weights are a safetensors file (docs/runtime.md "Checkpoints"): the model's tensors
// in float32 under their checkpoint names (`cnn/dense/kernel`, Keras layouts), and the
// checksum `dlm.sha256` that dlm's checkpoints carry, verified here when the engine has
// Web Crypto (Node 20 and browsers do).
import { hasRelaxedSimd, WASM_PAGE, type WasmMemory, type WasmModule } from "./wasm/instantiate.js";

export type Bytes = ArrayBuffer | Uint8Array;

/** Where a model's files come from. Anything not given is read from `baseUrl` (default: the module's own folder). */
export interface ModelSource {
  /** The weights file (safetensors). */
  readonly weights?: Bytes;
  /** The kernel module (WebAssembly SIMD128). */
  readonly wasm?: Bytes;
  /** Its relaxed-SIMD variant, used where the engine accepts it (else `wasm`). */
  readonly relaxedWasm?: Bytes;
  /** The folder URL the files are read from. */
  readonly baseUrl?: string | URL;
}

/** What a model takes and gives (`model.info`). */
export interface ModelInfo {
  /** The model's name in the .dlm file, its train block and the file. */
  readonly model: string;
  readonly train: string;
  readonly source: string;
  /** One row of input: its shape without the batch axis and its element type. */
  readonly input: { readonly name: string; readonly shape: readonly number[]; readonly dtype: "f32" | "i32" };
  /** One row of output; `kind`: class probabilities (softmax over the last axis), independent probabilities (sigmoid), or values. */
  readonly output: { readonly shape: readonly number[]; readonly kind: "classes" | "probabilities" | "values" };
  /** The number of classes, when the output is class probabilities. */
  readonly classes?: number;
  /** Rows one call of the kernels computes; `predict` processes more in chunks of this size. */
  readonly maxBatch: number;
  /** Parameters in the weights file (trained weights and non-trained state). */
  readonly parameters: number;
}

/** A loaded model. */
export interface Model {
  readonly info: ModelInfo;
  /** The outputs of the `n` rows of `input` (row-major, `n` × the input's row size), `n` × the output's row size values. */
  predict(input: Float32Array, n: number): Float32Array;
}

/** Where the generated module's tensors, kernels and buffers are: written by the exporter. */
export interface ModelLayout {
  readonly files: { readonly weights: string; readonly wasm: string; readonly relaxedWasm?: string };
  /** Every kernel the module calls: a kernel module that lacks one is of another export. */
  readonly kernels: readonly string[];
  /** The weights' tensors: name, shape, offset and size (floats) in the flat parameter buffer. */
  readonly tensors: readonly { readonly name: string; readonly shape: readonly number[]; readonly offset: number; readonly size: number }[];
  /** Byte offset of the flat parameter buffer in linear memory. */
  readonly paramsAt: number;
  /** Bytes of linear memory for `rows` rows: fixed + perRow · rows. */
  readonly memory: { readonly fixed: number; readonly perRow: number };
  readonly rows: number;
}

/** A model that cannot be loaded: the message names the file and what is wrong with it. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelLoadError";
  }
}

/** The module's linear memory and kernels, with its weights in place. */
export interface ModelMemory {
  readonly kernels: Readonly<Record<string, (...args: number[]) => number>>;
  readonly variant: "simd128" | "relaxed";
  f32(byteOffset: number, length: number): Float32Array;
  i32(byteOffset: number, length: number): Int32Array;
}

interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number }) => WasmMemory;
  Module: (new (bytes: Bytes) => WasmModule) & { exports(m: WasmModule): { readonly name: string; readonly kind: string }[] };
  Instance: new (m: WasmModule, imports: object) => { readonly exports: Record<string, unknown> };
  compile(bytes: Bytes): Promise<WasmModule>;
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

async function readFile(base: URL, file: string): Promise<Uint8Array> {
  const url = new URL(file, base);
  try {
    if (url.protocol === "file:") {
      const fs = await import("node:fs/promises");
      return new Uint8Array(await fs.readFile(url));
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : (code ?? (e instanceof Error ? e.message : String(e)));
    throw new ModelLoadError(`${file}: cannot read it (${why}); it is written beside the module by \`dlm export\``);
  }
}

const bytesOf = (b: Bytes): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** Loads the kernel module and the weights into a memory for `layout.rows` rows. */
export async function loadModelMemory(layout: ModelLayout, moduleUrl: URL, source: ModelSource = {}): Promise<ModelMemory> {
  const base = source.baseUrl !== undefined ? new URL(source.baseUrl) : moduleUrl;
  const relaxed = hasRelaxedSimd() && (source.relaxedWasm !== undefined || (source.wasm === undefined && !!layout.files.relaxedWasm));
  const wasmFile = relaxed ? (layout.files.relaxedWasm ?? layout.files.wasm) : layout.files.wasm;
  const given = relaxed ? source.relaxedWasm : source.wasm;
  const [wasm, weights] = await Promise.all([
    given !== undefined ? bytesOf(given) : readFile(base, wasmFile),
    source.weights !== undefined ? bytesOf(source.weights) : readFile(base, layout.files.weights),
  ]);
  let module: WasmModule;
  try {
    module = await WA.compile(wasm);
  } catch (e) {
    throw new ModelLoadError(`${wasmFile}: not a valid kernel module (${e instanceof Error ? e.message : String(e)})`);
  }
  const exported = new Set(WA.Module.exports(module).map((e) => e.name));
  const missing = layout.kernels.filter((k) => !exported.has(k));
  if (missing.length > 0)
    throw new ModelLoadError(`${wasmFile}: a kernel module of another export (it lacks ${missing[0]}); export the model again`);
  const bytes = layout.memory.fixed + layout.memory.perRow * layout.rows;
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  const memory = new WA.Memory({ initial: pages, maximum: pages });
  const instance = new WA.Instance(module, { env: { memory } });
  const mem: ModelMemory = {
    kernels: instance.exports as Record<string, (...args: number[]) => number>,
    variant: relaxed ? "relaxed" : "simd128",
    f32: (at, length) => new Float32Array(memory.buffer, at, length),
    i32: (at, length) => new Int32Array(memory.buffer, at, length),
  };
  await readWeights(weights, layout, layout.files.weights, mem);
  return mem;
}

/** Reads the safetensors weights into the flat parameter buffer, checking every tensor against the layout. */
async function readWeights(file: Uint8Array, layout: ModelLayout, name: string, mem: ModelMemory): Promise<void> {
  const bad = (why: string) => new ModelLoadError(`${name}: not the weights of this model: ${why}`);
  if (file.length < 8) throw bad("shorter than a safetensors header");
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > file.length - 8) throw bad(`a header of ${headerLength} bytes in a file of ${file.length}`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(8, 8 + headerLength)));
  } catch {
    throw bad("its header is not JSON");
  }
  const data = file.subarray(8 + headerLength);
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const tensors = Object.entries(header).filter(([k]) => k !== "__metadata__") as [
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] },
  ][];
  const byName = new Map(tensors);
  for (const t of layout.tensors) {
    const e = byName.get(t.name);
    if (!e) throw bad(`it has no tensor ${t.name}`);
    const [begin, end] = e.data_offsets ?? [];
    const shape = `[${t.shape.join(", ")}]`;
    if (e.dtype !== "F32" || !Array.isArray(e.shape) || `[${e.shape.join(", ")}]` !== shape)
      throw bad(`tensor ${t.name} is ${e.dtype} [${(e.shape ?? []).join(", ")}]; expected F32 ${shape}`);
    if (!(Number.isInteger(begin) && end === begin + 4 * t.size && end <= data.length)) throw bad(`tensor ${t.name} lies outside the file`);
  }
  if (tensors.length !== layout.tensors.length) throw bad(`it holds ${tensors.length} tensors; this model has ${layout.tensors.length}`);
  const sum = metadata["dlm.sha256"];
  const subtle = (globalThis as { crypto?: { subtle?: { digest(a: string, d: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (sum !== undefined && subtle) {
    const computed = await sha256(subtle, metadata, tensors, data);
    if (computed !== sum) throw new ModelLoadError(`${name}: its contents do not match their checksum (dlm.sha256): the file was damaged`);
  }
  const params = mem.f32(
    layout.paramsAt,
    layout.tensors.reduce((a, t) => a + t.size, 0),
  );
  for (const t of layout.tensors) {
    const [begin] = byName.get(t.name)!.data_offsets;
    const src = new DataView(data.buffer, data.byteOffset + begin, 4 * t.size);
    for (let i = 0; i < t.size; i++) params[t.offset + i] = src.getFloat32(4 * i, true);
  }
}

/** The checksum dlm's safetensors writer puts in the metadata: SHA-256 of the canonical header, then the data. */
async function sha256(
  subtle: { digest(a: string, d: Uint8Array): Promise<ArrayBuffer> },
  metadata: Record<string, string>,
  tensors: readonly [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][],
  data: Uint8Array,
): Promise<string> {
  const meta = Object.keys(metadata)
    .filter((k) => k !== "dlm.sha256")
    .sort()
    .map((k) => [k, metadata[k]]);
  const entries = [...tensors]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, t]) => [n, t.dtype, t.shape, t.data_offsets[0], t.data_offsets[1]]);
  const head = new TextEncoder().encode(JSON.stringify({ metadata: meta, tensors: entries }) + "\n");
  const all = new Uint8Array(head.length + data.length);
  all.set(head);
  all.set(data, head.length);
  const digest = new Uint8Array(await subtle.digest("SHA-256", all));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The model's `predict`: copies up to `rows` rows at a time into `input`, runs
 * `forward(rows)` and copies the rows of `output` out.
 */
export function predictor(
  info: ModelInfo,
  input: Float32Array | Int32Array,
  output: Float32Array,
  forward: (n: number) => void,
): Model["predict"] {
  const inSize = info.input.shape.reduce((a, d) => a * d, 1);
  const outSize = info.output.shape.reduce((a, d) => a * d, 1);
  const rows = info.maxBatch;
  return (x: Float32Array, n: number): Float32Array => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`predict: n must be a row count (an integer ≥ 0), not ${n}`);
    if (x.length !== n * inSize)
      throw new RangeError(`predict: ${n} rows of [${info.input.shape.join(", ")}] are ${n * inSize} values; the input has ${x.length}`);
    const y = new Float32Array(n * outSize);
    for (let at = 0; at < n; at += rows) {
      const m = Math.min(rows, n - at);
      input.set(x.subarray(at * inSize, (at + m) * inSize));
      forward(m);
      y.set(output.subarray(0, m * outSize), at * outSize);
    }
    return y;
  };
}
