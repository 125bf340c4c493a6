// The targets a `.dlm` program compiles to: one enum for the command line (`--target`) and the
// programmatic API (`target`).
//   node     a trainer (or exported model) for Node: reads its .wasm and data from files.
//   browser  the same program for a web page or worker: .wasm from a URL or bytes, data as bytes.
//   pytorch  a readable PyTorch program (train.py) for GPUs and clusters (torchrun).
export const targets = ["node", "browser", "pytorch"] as const;
export type Target = (typeof targets)[number];

export const defaultTarget: Target = "node";

export function isTarget(s: string): s is Target {
  return (targets as readonly string[]).includes(s);
}
