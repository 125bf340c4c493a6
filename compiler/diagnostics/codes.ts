// The catalogue of diagnostic codes. Codes are stable: never renumber or reuse one;
// retire a code by leaving it here with a note. Ranges:
//   DL1xxx syntax (bytes, tokens, grammar)
//   DL2xxx names, types and values (calls, options, numbers, settings)
//   DL3xxx shapes
//   DL4xxx training semantics (steps, gradients)
//   DL5xxx data (runtime readers, reported by trainers)
//   DL9xxx internal errors (a bug in dlm, never the user's mistake)

export const codes = {
  // syntax
  DL1001: "syntax error",
  DL1002: "unexpected character",
  DL1003: "empty file",
  DL1004: "file is not valid UTF-8",
  DL1005: "NUL byte in source",
  DL1006: "unterminated string",
  DL1007: "nesting too deep",
  // names, types, values
  DL2001: "unknown function or layer",
  DL2002: "unknown option",
  DL2003: "wrong argument type",
  DL2004: "wrong number of arguments",
  DL2005: "option given twice",
  DL2006: "duplicate name",
  DL2007: "undefined name",
  DL2008: "number out of range",
  DL2009: "integer expected",
  DL2010: "integer too large",
  DL2011: "number cannot be represented exactly",
  DL2012: "unknown train setting",
  DL2013: "missing train setting",
  DL2014: "setting given twice",
  DL2015: "step does not name a trainable model",
  DL2016: "not a model",
  DL2017: "invalid data source",
  DL2018: "value is not a tensor",
  DL2019: "invalid shape",
  DL2020: "misplaced construct",
  DL2021: "model calls itself",
  DL2022: "models nest too deeply",
  DL2023: "no model declared",
  DL2024: "let names and tensors differ in number",
  DL2025: "invalid optimizer or schedule options",
  DL2026: "invalid training control",
  DL2027: "init checkpoint does not fit the program",
  DL2028: "invalid freeze",
  DL2029: "invalid differentially private training",
  // shapes
  DL3001: "model called with the wrong input shape",
  DL3002: "loss prediction and target shapes disagree",
  DL3003: "incompatible shapes",
  DL3004: "incompatible shapes for matmul",
  DL3005: "window larger than its input",
  DL3006: "wrong rank",
  DL3007: "reshape changes the number of elements",
  DL3008: "data does not fit the model's input",
  DL3009: "loss is not a scalar",
  DL3010: "axis out of range",
  DL3011: "tensor too large",
  DL3012: "training does not fit in memory",
  DL3013: "slice out of range",
  DL3014: "split into unequal parts",
  DL3015: "invalid permutation",
  DL3016: "integer ids used as numbers",
  DL3017: "mask reaches a layer that cannot use it",
  DL3018: "class weights or metric do not fit the prediction",
  // training semantics
  DL4001: "step's loss does not depend on its model",
  DL4002: "stop_gradient cuts every path to the step's parameters",
  DL4003: "cross-entropy target depends on trained parameters",
  DL4004: "from_logits on a probability (warning)",
  DL4005: "cross-entropy of values that are not probabilities (warning)",
  DL4006: "model cannot be exported",
  DL4007: "model cannot be scored as a GAN generator",
  DL4008: "explained input is not an image (warning)",
  DL4009: "privacy delta not below 1/N (warning)",
  DL4010: "parameter without a per-example gradient rule",
  DL4011: "model cannot be sampled",
  DL4012: "program cannot be compiled to the target",
  // internal
  DL9001: "internal compiler error",
} as const;

export type Code = keyof typeof codes;
