// The op registry (compiler/ops): every op has the slots of its kind — a shape rule for
// the Graph IR's ops, an expansion for composites, and a derivative and a kernel on each
// backend for every op of the training IR. The TypeScript types make a missing slot a
// build error (the assignments below are checked by `tsc -p tsconfig.tests.json`); these
// tests check the same at run time, and that composites never reach autodiff or emission.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { aliasOps, compositeOf, fusedRules, kernelOf, ops, opSurfaces, type CompositeName, type TOp } from "../../compiler/ops/index.js";
import type { CompositeOp, Kernel, PrimitiveOp } from "../../compiler/ops/op.js";
import { frontEnd } from "../../compiler/compile.js";
import { builtins, trainableArg } from "../../compiler/lang/builtins.js";
import { root } from "../helpers/trainer.js";

// Compile-time: every training-IR op has a kernel, every composite an expansion.
const kernels: Readonly<Record<TOp, Kernel>> = ops;
const composites: Readonly<Record<CompositeName, CompositeOp>> = ops;

const names = Object.keys(ops) as (keyof typeof ops)[];
const isComposite = (op: string) => "expand" in (ops as Record<string, object>)[op];

describe("the op registry", () => {
  it("defines the ops of both IRs, each once", () => {
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(46);
    for (const op of ["dense", "conv2d", "lstm", "dropout", "loss_grad", "conv2d_grad_input", "matmul_nt", "sum_to", "dropout_mask"])
      expect(names).toContain(op);
  });

  it("gives every op of the training IR a derivative and a kernel on each backend", () => {
    for (const op of Object.keys(kernels) as TOp[]) {
      if (isComposite(op)) continue;
      const k = kernelOf(op);
      for (const slot of ["vjp", "ts", "wasm"] as const) expect(typeof k[slot], `${op}.${slot}`).toBe("function");
    }
  });

  it("gives every composite a shape rule and an expansion, and no kernel", () => {
    const found = Object.keys(composites).filter(isComposite);
    expect(found.sort()).toEqual([
      "avgpool1d",
      "batchnorm",
      "bidirectional",
      "conv1d",
      "dropout",
      "gru",
      "layernorm",
      "lstm",
      "maxpool1d",
      "multi_head_attention",
      "simple_rnn",
      "split",
      "test_moving_center",
    ]);
    for (const op of found) {
      const c = compositeOf(op as CompositeName)!;
      expect(typeof c.shape).toBe("function");
      expect(typeof c.expand).toBe("function");
      expect("vjp" in c || "ts" in c || "wasm" in c, op).toBe(false);
    }
  });

  it("gives every op with a Keras class a shape rule (a Graph IR op)", () => {
    for (const op of names) {
      const d = ops[op] as Partial<PrimitiveOp>;
      if (d.keras) expect(typeof d.shape, op).toBe("function");
    }
  });

  it("aliases and fused rules come from op definitions", () => {
    expect([...aliasOps].sort()).toEqual(["reshape", "stop_gradient"]);
    expect(Object.keys(fusedRules).sort()).toEqual(
      [
        "act_grad+sum_to",
        "conv2d+act",
        "conv2d+relu+maxpool2d",
        "dense+act",
        "dense+add",
        "matmul_nt+matmul_nt+add",
        "matmul_tn+matmul_tn+add",
        "maxpool2d_grad+relu_grad",
        "maxpool2d_grad+relu_grad+conv2d_grad_kernel",
      ].sort(),
    );
  });

  it("every builtin of an op module lowers to ops of the registry", () => {
    for (const s of opSurfaces) {
      // The module's surface as it is, or (a layer with parameters) with Keras's `trainable` appended.
      const b = builtins.get(s.name)!;
      if (s.kind === "layer" && s.params) expect(b, s.name).toEqual({ ...s, args: [...s.args, trainableArg] });
      else expect(b, s.name).toBe(s);
      if (s.kind === "activation" && s.op !== null) expect(names, s.name).toContain(s.op);
    }
  });
});

describe("composites are expanded before autodiff and emission", () => {
  it("no scheduled example program contains one, and every op it does contain has a kernel", () => {
    const seen = new Set<string>();
    for (const file of ["cnn", "mlp", "regression", "rnn", "gan", "gan_stabilized"]) {
      const rel = `dsl-examples/${file}.dlm`;
      const front = frontEnd(rel, readFileSync(path.join(root, rel)));
      expect(front.diagnostics, rel).toEqual([]);
      for (const train of front.ir!.trains) {
        const tp = front.trainings!.get(train.name);
        const eqns = [
          ...tp!.constants,
          ...tp!.lets,
          ...tp!.steps.flatMap((s) => [...s.forward, ...s.backward]),
          ...(tp!.evaluation?.forward ?? []),
        ];
        for (const e of eqns) seen.add(e.op);
      }
    }
    for (const op of seen) expect(isComposite(op), `${op} survives inlining`).toBe(false);
    // The examples exercise the layers the seed models need (dropout as dropout_mask + mul, for training only).
    for (const op of ["conv2d", "maxpool2d", "dense", "dropout_mask", "lstm_scan", "loss_grad", "conv2d_grad_kernel"])
      expect(seen).toContain(op);
  });
});

describe("the WebAssembly kernels", () => {
  it("only random draws, constants and aliases stay in TypeScript in the seed trainers", async () => {
    const { compileSource } = await import("../helpers/trainer.js");
    for (const file of ["cnn", "mlp", "regression", "rnn", "gan", "gan_stabilized"]) {
      const c = await compileSource(
        readFileSync(path.join(root, "dsl-examples", `${file}.dlm`), "utf8"),
        `${file}.dlm`,
        undefined,
        false,
        "wasm",
        true,
        false, // the trainer's code, not its kernels: no relaxed-SIMD variant
      );
      // No reference kernel is called (nor imported): every op runs in the module, except the RNG's draws.
      // (The header's comments explain `K.` calls; no line of code makes one.)
      const code = c.ts
        .split("\n")
        .filter((l) => !l.trim().startsWith("//"))
        .join("\n");
      expect(code, file).not.toMatch(/\bK\./);
      expect(c.ts, file).not.toContain("/kernels/index.js");
      expect(c.wasm!.kernels.length, file).toBeGreaterThan(5);
    }
  }, 60_000);
});
