// The reference (TypeScript) kernels that generated trainers call.
export * from "./dense.js";
export * from "./conv.js";
export * from "./resize.js";
export * from "./pool.js";
export * from "./elementwise.js";
export * from "./math.js";
export * from "./losses.js";
export * from "./optimizers.js";
export * from "./schedules.js";
export * from "./lstm.js";
export * from "./rnn.js";
export * from "./normalization.js";
export * from "./shape.js";
export * from "./embedding.js";
export * from "./attention.js";
export * from "./class-weight.js";
export * from "./privacy.js";
