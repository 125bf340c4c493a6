// Batched matmul, softmax along any axis, position_embedding and multi_head_attention
// against float64 central finite differences (tests/helpers/gradcase.ts; the WebAssembly
// backend is compared with the TypeScript one on every case), with forward values checked
// against direct float64 computations written here from the Keras definitions.
//
// The key projection's bias adds q·b_k to every score of a query: a constant along the
// softmax's axis, so its gradient is zero in exact arithmetic. The attention cases check
// it as such (tiny on both backends and in the differences) and every other tensor as usual.
import { describe, expect, it } from "vitest";
import { B, close, N, prog, rows, run } from "../helpers/gradcase.js";
import { agreeBackends } from "../helpers/backends.js";
import { loadTrainer } from "../helpers/trainer.js";
import { Rng } from "../../runtime/rng.js";
import { initParameters } from "../../runtime/trainer.js";
import type { TrainerInstance, TrainerModule } from "../../runtime/trainer.js";
import { frontEnd } from "../../compiler/compile.js";
import { summarizeProgram } from "../../compiler/summary.js";
import {
  checkGradients,
  compare,
  FD_TOL,
  findParam,
  maxAbs,
  paramSlice,
  randomParams,
  refSoftmax,
  TestRandom,
} from "../helpers/numerics.js";

const dot = (a: Float64Array, r: Float64Array) => a.reduce((s, v, i) => s + v * r[i], 0);

/** x [rows, k] · w [k, m] + b. */
function affine(x: Float64Array, w: Float64Array, b: Float64Array | null, rowsN: number, k: number, m: number): Float64Array {
  const y = new Float64Array(rowsN * m);
  for (let i = 0; i < rowsN; i++)
    for (let j = 0; j < m; j++) {
      let s = b ? b[j] : 0;
      for (let p = 0; p < k; p++) s += x[i * k + p] * w[p * m + j];
      y[i * m + j] = s;
    }
  return y;
}

/** Keras MultiHeadAttention's forward from its weights (einsum layouts), for `n` samples. */
export function refMha(
  q: Float64Array,
  v: Float64Array,
  k: Float64Array,
  w: (name: string) => Float64Array,
  g: { n: number; t: number; s: number; dq: number; dv: number; dk: number; h: number; kd: number; vd: number; causal: boolean },
): Float64Array {
  const { n, t, s, h, kd, vd } = g;
  const Q = affine(q, w("query/kernel"), w("query/bias"), n * t, g.dq, h * kd);
  const K = affine(k, w("key/kernel"), w("key/bias"), n * s, g.dk, h * kd);
  const V = affine(v, w("value/kernel"), w("value/bias"), n * s, g.dv, h * vd);
  const O = new Float64Array(n * t * h * vd);
  for (let b = 0; b < n; b++)
    for (let hh = 0; hh < h; hh++)
      for (let i = 0; i < t; i++) {
        const sc: number[] = [];
        for (let j = 0; j < s; j++) {
          let d = 0;
          for (let c = 0; c < kd; c++) d += Q[(b * t + i) * h * kd + hh * kd + c] * K[(b * s + j) * h * kd + hh * kd + c];
          sc.push(g.causal && j > i ? -Infinity : d / Math.sqrt(kd));
        }
        const mx = Math.max(...sc);
        const e = sc.map((x) => Math.exp(x - mx));
        const z = e.reduce((a, x) => a + x, 0);
        for (let j = 0; j < s; j++)
          for (let c = 0; c < vd; c++) O[(b * t + i) * h * vd + hh * vd + c] += (e[j] / z) * V[(b * s + j) * h * vd + hh * vd + c];
      }
  return affine(O, w("attention_output/kernel"), w("attention_output/bias"), n * t, h * vd, g.dq);
}

interface AttnCase {
  readonly src: string;
  /** Input names with their per-sample sizes, in declaration order; `r` last. */
  readonly ref?: (input: (name: string) => Float64Array, w: (name: string) => Float64Array) => Float64Array;
  /** Checks of the generated TypeScript trainer's code. */
  readonly code?: (ts: string) => void;
}

/** gradcase's `run` with the key bias held to a zero gradient (see the top of the file). */
async function attn(c: AttnCase): Promise<void> {
  const mod = await loadTrainer(c.src);
  const setup = (m: TrainerModule, t: TrainerInstance) => {
    const r = new TestRandom(1234);
    randomParams(m, t, r);
    m.program.inputs.forEach((_, i) => {
      const arr = t.inputs[i];
      for (let j = 0; j < arr.length; j++) arr[j] = r.uniform(-1, 1);
    });
  };
  c.code?.(mod.ts);
  const t = mod.createTrainer(new Rng(7), { batch: B, float64: true });
  setup(mod, t);
  const agree = await agreeBackends({ src: c.src, batch: B, n: N, seed: 7, setup });
  const problems = agree.problems.filter((p) => !/^gradient \S*key\/bias:/.test(p));
  expect(problems, problems.join("\n")).toEqual([]);
  const g = checkGradients(mod, t, N);
  const scaleOf = maxAbs(g.tensors.flatMap((x) => Array.from(x.analytic)));
  for (const x of g.tensors) {
    if (x.name.endsWith("key/bias")) {
      expect(maxAbs(x.analytic), x.name).toBeLessThanOrEqual(1e-12 * scaleOf);
      expect(maxAbs(x.numeric), x.name).toBeLessThanOrEqual(1e-7 * scaleOf);
      continue;
    }
    const cmp = compare(x.name, x.analytic, x.numeric, FD_TOL);
    expect(cmp.ok, cmp.message).toBe(true);
    expect(maxAbs(x.numeric), `${x.name}: vacuous`).toBeGreaterThan(1e-8);
  }
  if (c.ref) {
    const idx = (name: string) => mod.program.inputs.findIndex((i) => i.name === name);
    const input = (name: string) => Float64Array.from(t.inputs[idx(name)]);
    const w = (name: string) => paramSlice(t, findParam(mod, name));
    const y = c.ref(input, w);
    const r = input("r").subarray(0, y.length);
    close(g.loss, dot(y, r), 1e-10);
  }
}

describe("batched matmul", () => {
  it("[B, 2, 3, 4] @ [B, 2, 4, 5]", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 3, 4], z: [B, 2, 4, 3]) { (x |> dense(4)) @ (z |> dense(5)) }",
        "x: [B, 2, 3, 4], z: [B, 2, 4, 3], r: [B, 2, 3, 5]",
        "sum(m(x, z) * r)",
      ),
    }));
  it("[B, 2, 3, 4] @ [B, 1, 4, 5]: the right operand broadcasts (its gradient sums over the heads)", () =>
    run({
      src: prog(
        "model m(x: [B, 2, 3, 4], z: [B, 1, 4, 3]) { (x |> dense(4)) @ (z |> dense(5)) }",
        "x: [B, 2, 3, 4], z: [B, 1, 4, 3], r: [B, 2, 3, 5]",
        "sum(m(x, z) * r)",
      ),
    }));
  it("[B, 1, 2, 3] @ [B, 3, 3, 6]: the left operand broadcasts; rank 3 with a partial SIMD tail", () =>
    run({
      src: prog(
        "model m(x: [B, 1, 2, 5], z: [B, 3, 3, 2]) { (x |> dense(3)) @ (z |> dense(6)) }",
        "x: [B, 1, 2, 5], z: [B, 3, 3, 2], r: [B, 3, 2, 6]",
        "sum(m(x, z) * r)",
      ),
    }));
  it("[B, 5, 4] @ [B, 4, 5] (scores of a sequence with itself)", () =>
    run({
      src: prog(
        'model m(x: [B, 5, 4]) { let q = x |> dense(4); let k = x |> dense(4, use_bias=false, name="key") |> transpose([1, 0]); q @ k |> softmax }',
        "x: [B, 5, 4], r: [B, 5, 5]",
        "sum(m(x) * r)",
      ),
    }));
});

// (No bias before the softmax: a bias is constant along axes 1 and 2, so its gradient would be zero.)
describe("softmax along any axis", () => {
  for (const axis of [1, 2, -1])
    it(`[B, 3, 4, 5], axis ${axis}`, () =>
      run({
        src: prog(
          `model m(x: [B, 3, 4, 2]) { x |> dense(5, use_bias=false) |> softmax(axis=${axis}) }`,
          "x: [B, 3, 4, 2], r: [B, 3, 4, 5]",
          "sum(m(x) * r)",
        ),
        check: ({ loss, input, param }) => {
          const pre = new Float64Array(N * 60);
          const x = rows(input("x"), 24);
          const k = param("dense/kernel");
          for (let i = 0; i < N * 12; i++) for (let j = 0; j < 5; j++) pre[i * 5 + j] = x[i * 2] * k[j] + x[i * 2 + 1] * k[5 + j];
          close(loss, dot(refSoftmax(pre, [N, 3, 4, 5], axis < 0 ? 4 + axis : axis), rows(input("r"), 60)), 1e-10);
        },
      }));
});

describe("position_embedding", () => {
  it("4 of 6 positions added to token embeddings", () =>
    run({
      src: prog(
        "model m(x: i32[B, 4]) { let h = x |> embedding(7, 3); h + (h |> position_embedding(6)) }",
        "x: i32[B, 4], r: [B, 4, 3]",
        "sum(m(x) * r)",
      ),
      fill: { x: (r) => Math.floor(r.uniform(0, 7)) },
      check: ({ loss, input, param, mod, t }) => {
        const ids = rows(input("x"), 4);
        const tok = param("embedding/embeddings");
        const pos = param("position_embedding/embeddings");
        const y = new Float64Array(N * 12);
        for (let i = 0; i < N * 4; i++) for (let c = 0; c < 3; c++) y[i * 3 + c] = tok[ids[i] * 3 + c] + pos[(i % 4) * 3 + c];
        close(loss, dot(y, rows(input("r"), 12)));
        // The positions past the input's length get no gradient.
        const p = findParam(mod, "position_embedding/embeddings");
        expect(Array.from(t.grads.subarray(p.offset + 12, p.offset + 18))).toEqual([0, 0, 0, 0, 0, 0]);
      },
    }));
});

describe("multi_head_attention", () => {
  const self = (t: number, d: number, h: number, kd: number, causal: boolean, vd?: number): AttnCase => ({
    src: prog(
      `model m(x: [B, ${t}, ${d}]) { multi_head_attention(x, x, num_heads=${h}, key_dim=${kd}${vd ? `, value_dim=${vd}` : ""}, use_causal_mask=${causal}) }`,
      `x: [B, ${t}, ${d}], r: [B, ${t}, ${d}]`,
      "sum(m(x) * r)",
    ),
    ref: (input, w) => {
      const x = rows(input("x"), t * d);
      return refMha(x, x, x, w, { n: N, t, s: t, dq: d, dv: d, dk: d, h, kd, vd: vd ?? kd, causal });
    },
  });
  it("self-attention, 2 heads of 3", () => attn(self(4, 6, 2, 3, false)));
  it("self-attention with a causal mask, 2 heads of 3, 5 positions", () => attn(self(5, 6, 2, 3, true)));
  it("value_dim 5 ≠ key_dim 2, 3 heads, causal", () => attn(self(6, 4, 3, 2, true, 5)));
  it("dropout 0.3 on the probabilities, causal (the same mask in every evaluation: the RNG is rewound)", () =>
    attn({
      src: prog(
        "model m(x: [B, 5, 6]) { multi_head_attention(x, x, num_heads=2, key_dim=3, dropout=0.3, use_causal_mask=true) }",
        "x: [B, 5, 6], r: [B, 5, 6]",
        "sum(m(x) * r)",
      ),
      code: (ts) => {
        // The training step draws a mask [B, 2, 5, 5] and passes it to the attention; evaluation does not.
        expect(ts).toMatch(/rng\.bernoulliMask\(/);
        const calls = [...ts.matchAll(/K\.attention\(([^;]*)\);/g)].map((m) => m[1].split(", ")[5]);
        expect(calls.some((a) => a !== "null")).toBe(true);
        expect(calls.some((a) => a === "null")).toBe(true);
      },
    }));
  it("cross-attention: 3 queries over 5 values (the key is the value), value_dim ≠ key_dim", () =>
    attn({
      src: prog(
        "model m(x: [B, 3, 6], z: [B, 5, 4]) { multi_head_attention(x, z, num_heads=2, key_dim=3, value_dim=2) }",
        "x: [B, 3, 6], z: [B, 5, 4], r: [B, 3, 6]",
        "sum(m(x, z) * r)",
      ),
      ref: (input, w) => {
        const z = rows(input("z"), 20);
        return refMha(rows(input("x"), 18), z, z, w, { n: N, t: 3, s: 5, dq: 6, dv: 4, dk: 4, h: 2, kd: 3, vd: 2, causal: false });
      },
    }));
  it("cross-attention with its own key and a causal mask (3 queries, 5 keys)", () =>
    attn({
      src: prog(
        "model m(x: [B, 3, 6], z: [B, 5, 4], k: [B, 5, 3]) { x |> multi_head_attention(z, key=k, num_heads=2, key_dim=4, use_causal_mask=true) }",
        "x: [B, 3, 6], z: [B, 5, 4], k: [B, 5, 3], r: [B, 3, 6]",
        "sum(m(x, z, k) * r)",
      ),
      ref: (input, w) =>
        refMha(rows(input("x"), 18), rows(input("z"), 20), rows(input("k"), 15), w, {
          n: N,
          t: 3,
          s: 5,
          dq: 6,
          dv: 4,
          dk: 3,
          h: 2,
          kd: 4,
          vd: 4,
          causal: true,
        }),
    }));
});

describe("summaries", () => {
  it("Keras's classes, names and shapes; heads 4 × key_dim 32 on d_model 128 is 66,048 parameters", () => {
    const src =
      "model m(x: i32[B, 64]) {\n  let h = x |> embedding(83, 128)\n  let p = h + (h |> position_embedding(128))\n" +
      "  let a = multi_head_attention(p, p, num_heads=4, key_dim=32, use_causal_mask=true)\n" +
      '  multi_head_attention(a, h, num_heads=2, key_dim=16, value_dim=8, name="cross")\n}\n';
    const front = frontEnd("t.dlm", new TextEncoder().encode(src));
    expect(front.diagnostics).toEqual([]);
    const text = summarizeProgram(front.ir!);
    expect(text).toMatch(/position_embedding \(PositionEmbedding\)\s+\(None, 64, 128\)\s+16,384/);
    expect(text).toMatch(/multi_head_attention \(MultiHeadAttention\)\s+\(None, 64, 128\)\s+66,048/);
    // query 128·2·16 + 32, key the same, value 128·2·8 + 16, output 2·8·128 + 128: 12,496
    expect(text).toMatch(/cross \(MultiHeadAttention\)\s+\(None, 64, 128\)\s+12,496/);
    const m = front.ir!.models.find((x) => x.name === "m")!;
    const params = m.layers.flatMap((l) => l.params.map((id) => m.graph.values[id])).map((v) => `${v.param!.path} ${v.shape!.join("x")}`);
    expect(params.filter((p) => p.startsWith("multi_head_attention/"))).toEqual([
      "multi_head_attention/query/kernel 128x4x32",
      "multi_head_attention/query/bias 4x32",
      "multi_head_attention/key/kernel 128x4x32",
      "multi_head_attention/key/bias 4x32",
      "multi_head_attention/value/kernel 128x4x32",
      "multi_head_attention/value/bias 4x32",
      "multi_head_attention/attention_output/kernel 4x32x128",
      "multi_head_attention/attention_output/bias 128",
    ]);
  });
});

describe("a pre-LayerNorm transformer block", () => {
  it("trains 60 Adam steps on a fixed batch of token ids (WebAssembly; causal, per-position sparse cross-entropy from the logits): the loss falls below a quarter", async () => {
    const src =
      "model gpt(tokens: i32[B, 8]) {\n  let e = tokens |> embedding(11, 16)\n  let x = e + (e |> position_embedding(8))\n" +
      "  let a = x |> layernorm()\n  let h = x + multi_head_attention(a, a, num_heads=2, key_dim=8, use_causal_mask=true)\n" +
      "  let y = h + (h |> layernorm() |> dense(64, activation=gelu) |> dense(16))\n  y |> layernorm() |> dense(11)\n}\n" +
      "train t(tokens: i32[B, 8], next: i32[B, 8]) {\n  step gpt with adam(lr=1e-2) minimize sparse_categorical_crossentropy(gpt(tokens), next, from_logits=true)\n}\n";
    const mod = await loadTrainer(src, "test.dlm", undefined, "wasm");
    const t = mod.createTrainer(new Rng(3), { batch: 8 });
    initParameters(t, mod.parameters, new Rng(4)); // Keras's initializers
    const r = new TestRandom(99);
    const [tokens, next] = t.inputs;
    for (let i = 0; i < tokens.length; i++) tokens[i] = Math.floor(r.uniform(0, 11));
    // The target at position i is the token at i − 1: only attention to an earlier position gives it.
    for (let i = 0; i < next.length; i++) next[i] = i % 8 === 0 ? 0 : tokens[i - 1];
    const losses: number[] = [];
    for (let s = 0; s < 60; s++) {
      expect(t.trainStep(8)).toBe(-1);
      losses.push(t.losses[0]);
    }
    console.log(
      losses
        .filter((_, i) => i % 10 === 0 || i === 59)
        .map((v) => v.toFixed(3))
        .join(" "),
    );
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses[59]).toBeLessThan(0.25 * losses[0]);
  });
});
