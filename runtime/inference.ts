// The runtime of an exported model (`dlm export --format module`): what the generated
// inference module needs to load its weights and its kernel module and to run them in
// chunks, and nothing else — no training, no data readers, no checkpoints. `dlm export`
// copies this file and wasm/instantiate.js beside the module, so the folder runs alone.
// It imports no Node module: the files come as bytes (`ModelSource`), from http(s) URLs, or
// through the reader the generated module passes (a module exported for Node reads its own
// folder with node:fs; one exported with `--target browser` fetches), so it runs in Node, a
// page and a worker alike. The SIMD128 kernels run unless `variant: "relaxed"` asks for the
// relaxed-SIMD build (whose fused multiply-adds change the last bits).
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
  /** Its relaxed-SIMD variant, used with `variant: "relaxed"`. */
  readonly relaxedWasm?: Bytes;
  /** Which kernel build runs: "simd128" (default) or "relaxed" (refused where the engine lacks relaxed SIMD). */
  readonly variant?: "simd128" | "relaxed";
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
  /** Set for `dlm export --quantize int8`: which layers run in int8 and which stayed float, and why. */
  readonly quantized?: QuantizedInfo;
}

/** What an int8 export quantized (docs/export.md, "int8 quantization"). */
export interface QuantizedInfo {
  readonly scheme: "int8";
  /** Layers whose kernel is int8 (per output channel) and whose input is quantized with a calibrated scale. */
  readonly layers: readonly {
    readonly layer: string;
    readonly op: string;
    /** The input's quantized range: uint8 (0..255, never negative in calibration) or int8 (−127..127). */
    readonly inputs: "uint8" | "int8";
    /** q = round(x · inputsScale). */
    readonly inputsScale: number;
    /** Relative RMS error of the layer's output on calibration rows. */
    readonly error: number;
  }[];
  /** Layers that stayed float, with the rule that kept them. */
  readonly float: readonly { readonly layer: string; readonly op: string; readonly why: string }[];
  /** Training samples whose activations set the input ranges, drawn with this seed. */
  readonly calibration: { readonly samples: number; readonly seed: number };
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
  /**
   * The weights' tensors: name, shape, offset and size (floats) in the flat parameter buffer.
   * With `int8`, the file holds the tensor as I8 (a [k, n] kernel, Keras layout) and its
   * `<name>_scale` F32 [n]; the loader packs it into the tensor's place (packInt8).
   */
  readonly tensors: readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly offset: number;
    readonly size: number;
    readonly int8?: Int8Layout;
    /** A dense kernel [k, n] that the loader stores in the packed GEMM's panel order (packPanels). */
    readonly packed?: true;
  }[];
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

/** Reads a file: URL's bytes (the node target's module passes node:fs); a failure may carry a `code` (ENOENT). */
export type ReadUrl = (url: URL) => Promise<Uint8Array>;

async function fetchUrl(url: URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function readFile(base: URL, file: string, readFileUrl: ReadUrl | undefined): Promise<Uint8Array> {
  const url = new URL(file, base);
  try {
    if (url.protocol !== "file:") return await fetchUrl(url);
    if (!readFileUrl) throw new Error("a file: URL, which a module exported for the browser does not read (give the bytes)");
    return await readFileUrl(url);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === "ENOENT" ? "no such file" : (code ?? (e instanceof Error ? e.message : String(e)));
    throw new ModelLoadError(`${file}: cannot read it (${why}); it is written beside the module by \`dlm export\``);
  }
}

const bytesOf = (b: Bytes): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

/** Loads the kernel module and the weights into a memory for `layout.rows` rows; files not given are fetched, or read with `readFileUrl` where their URL is a file: URL. */
export async function loadModelMemory(
  layout: ModelLayout,
  moduleUrl: URL,
  source: ModelSource = {},
  readFileUrl?: ReadUrl,
): Promise<ModelMemory> {
  const base = source.baseUrl !== undefined ? new URL(source.baseUrl) : moduleUrl;
  const relaxed = source.variant === "relaxed";
  if (relaxed && !hasRelaxedSimd())
    throw new ModelLoadError(`relaxed SIMD was asked for (variant "relaxed"), but this engine does not accept it`);
  if (relaxed && !layout.files.relaxedWasm && source.relaxedWasm === undefined)
    throw new ModelLoadError(`relaxed SIMD was asked for (variant "relaxed"), but the model was exported without its relaxed-SIMD kernels`);
  const wasmFile = relaxed ? (layout.files.relaxedWasm ?? layout.files.wasm) : layout.files.wasm;
  const given = relaxed ? source.relaxedWasm : source.wasm;
  const [wasm, weights] = await Promise.all([
    given !== undefined ? bytesOf(given) : readFile(base, wasmFile, readFileUrl),
    source.weights !== undefined ? bytesOf(source.weights) : readFile(base, layout.files.weights, readFileUrl),
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
  // Each tensor as the file must hold it: F32, or an int8 kernel (I8) and its per-column scales (F32).
  const expected = layout.tensors.flatMap((t) =>
    t.int8
      ? [
          { name: t.name, dtype: "I8", shape: t.shape, bytes: t.size },
          { name: `${t.name}_scale`, dtype: "F32", shape: [t.int8.n], bytes: 4 * t.int8.n },
        ]
      : [{ name: t.name, dtype: "F32", shape: t.shape, bytes: 4 * t.size }],
  );
  for (const t of expected) {
    const e = byName.get(t.name);
    if (!e) throw bad(`it has no tensor ${t.name}`);
    const [begin, end] = e.data_offsets ?? [];
    const shape = `[${t.shape.join(", ")}]`;
    if (e.dtype !== t.dtype || !Array.isArray(e.shape) || `[${e.shape.join(", ")}]` !== shape)
      throw bad(`tensor ${t.name} is ${e.dtype} [${(e.shape ?? []).join(", ")}]; expected ${t.dtype} ${shape}`);
    if (!(Number.isInteger(begin) && end === begin + t.bytes && end <= data.length)) throw bad(`tensor ${t.name} lies outside the file`);
  }
  if (tensors.length !== expected.length) throw bad(`it holds ${tensors.length} tensors; this model has ${expected.length}`);
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
    if (t.int8) {
      const q = new Int8Array(data.buffer, data.byteOffset + begin, t.size);
      const [at] = byName.get(`${t.name}_scale`)!.data_offsets;
      const sv = new DataView(data.buffer, data.byteOffset + at, 4 * t.int8.n);
      const scale = Float32Array.from({ length: t.int8.n }, (_, c) => sv.getFloat32(4 * c, true));
      packInt8(mem, layout.paramsAt + 4 * t.offset, q, scale, t.int8);
      continue;
    }
    const src = new DataView(data.buffer, data.byteOffset + begin, 4 * t.size);
    const w = Float32Array.from({ length: t.size }, (_, i) => src.getFloat32(4 * i, true));
    // The kernels skip products with zero inputs (an exact ±0 only when the weight is finite), as `dlm export` only writes finite weights.
    const bad = w.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new ModelLoadError(
        `${name}: tensor ${t.name} holds a non-finite value (${w[bad]} at index ${bad}); a model's weights are finite`,
      );
    if (t.packed) packPanels(w, t.shape[0], t.shape[1], params, t.offset);
    else params.set(w, t.offset);
  }
}

/** The int8 kernel's multipliers: mult[c] = f32(1 / f32(inputs_scale · kernel_scale[c])), as the kernel rescales its i32 sums. */
export function int8Multipliers(kernelScale: Float32Array, inputsScale: number): Float32Array {
  return kernelScale.map((s) => Math.fround(1 / Math.fround(inputsScale * s)));
}

/** Bytes of an int8 [k, n] kernel packed for the kernel (8-column panels, k in pairs, i16), and of its multipliers after it. */
export const int8PackedBytes = (k: number, n: number): number => Math.ceil(n / 8) * Math.ceil(k / 2) * 32;
export const int8MultBytes = (n: number): number => Math.ceil(n / 8) * 32;

/** An int8 tensor's entry in the layout: the kernel [k, n], its input's scale and how its rows go in pairs. */
export interface Int8Layout {
  readonly k: number;
  readonly n: number;
  readonly inputsScale: number;
  /**
   * The input is the flatten of [k / (w·c), w, c] (row, column, channel) and its values go in
   * pairs of one channel at two neighbouring columns (int8PairOrder); absent: adjacent k.
   */
  readonly pairColumns?: { readonly w: number; readonly c: number };
}

/**
 * The order in which the int8 kernels take k: pair p is (order[2p], order[2p + 1]). Without
 * `pairColumns`, 0, 1, 2, …; with it, per row of the [h, w, c] input and per two columns
 * (2j, 2j + 1), each channel at the two columns ((2j, ch), (2j + 1, ch)), then an odd last
 * column's channels in order. A relu's zeros are more often shared by one channel at two
 * neighbouring pixels than by two channels of one pixel, so more pairs are zero.
 */
export function int8PairOrder(k: number, pairColumns?: { readonly w: number; readonly c: number }): Int32Array {
  const order = new Int32Array(k);
  if (!pairColumns) {
    for (let i = 0; i < k; i++) order[i] = i;
    return order;
  }
  const { w, c } = pairColumns;
  if (!(Number.isInteger(w) && Number.isInteger(c) && w >= 1 && c >= 1 && k % (w * c) === 0))
    throw new Error(`int8 pairs along columns: k = ${k} is not a flatten of [h, ${w}, ${c}]`);
  let o = 0;
  for (let row = 0; row < k; row += w * c) {
    for (let x = 0; x + 1 < w; x += 2)
      for (let ch = 0; ch < c; ch++) {
        order[o++] = row + x * c + ch;
        order[o++] = row + (x + 1) * c + ch;
      }
    if (w % 2 === 1) for (let ch = 0; ch < c; ch++) order[o++] = row + (w - 1) * c + ch;
  }
  return order;
}

/**
 * Puts an int8 kernel q [k, n] (Keras layout) where the int8 dense kernel reads it
 * (compiler/wasm/kernels/int8-gemm.ts): per 8-column panel and pair p, the i16 pairs
 * [q[order[2p], c], q[order[2p+1], c]] of its 8 columns (one i32 each; int8PairOrder), zeros
 * past k and n; then the f32 multipliers of the panels' columns (zeros past n).
 */
export function packInt8(mem: Pick<ModelMemory, "i32" | "f32">, at: number, q: Int8Array, kernelScale: Float32Array, l: Int8Layout): void {
  const { k, n } = l;
  const pairs = Math.ceil(k / 2);
  const panels = Math.ceil(n / 8);
  const w = mem.i32(at, int8PackedBytes(k, n) / 4);
  const order = int8PairOrder(k, l.pairColumns);
  const get = (i: number, c: number) => (i < k && c < n ? q[order[i] * n + c] : 0);
  for (let j = 0; j < panels; j++)
    for (let p = 0; p < pairs; p++)
      for (let c = 0; c < 8; c++) w[(j * pairs + p) * 8 + c] = (get(2 * p, 8 * j + c) & 0xffff) | (get(2 * p + 1, 8 * j + c) << 16);
  const mult = mem.f32(at + int8PackedBytes(k, n), panels * 8);
  mult.fill(0);
  mult.set(int8Multipliers(kernelScale, l.inputsScale));
}

/**
 * Writes a dense kernel w [k, n] (Keras layout, row-major) at out[at…] in the panel order the
 * packed GEMM reads (compiler/wasm/kernels/gemm-packed.ts): the full 8-column panels, each
 * [k][8], then the last n mod 8 columns as [k][n mod 8] — k·n floats, in the kernel's place.
 */
export function packPanels(w: ArrayLike<number>, k: number, n: number, out: Float32Array, at = 0): void {
  const full = n >> 3;
  const tail = n & 7;
  for (let s = 0; s < k; s++) {
    for (let j = 0; j < full; j++) for (let c = 0; c < 8; c++) out[at + j * 8 * k + s * 8 + c] = w[s * n + j * 8 + c];
    for (let c = 0; c < tail; c++) out[at + full * 8 * k + s * tail + c] = w[s * n + full * 8 + c];
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
    if (n <= rows) {
      // One chunk (batch 1 included): no views to make, one copy in and one out.
      if (n > 0) {
        input.set(x);
        forward(n);
      }
      return output.slice(0, n * outSize);
    }
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
