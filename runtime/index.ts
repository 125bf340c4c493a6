// The runtime's public API in one module, for code that uses the runtime as a library. Nothing
// in the repository imports it: a generated trainer imports only the modules it needs
// (kernels/index.js, main.js, wasm/trainer-memory.js; types from rng.js and trainer.js), so
// that it loads no more than it uses. It never imports the compiler.
export { DataError, TrainingError, displayPath, formatShape } from "./errors.js";
export { Rng } from "./rng.js";
export {
  computeFans,
  glorotUniform,
  heNormal,
  heUniform,
  zeros,
  ones,
  constant,
  orthogonal,
  lstmBias,
  initialize,
  INITIALIZER_NAMES,
  type InitializerName,
} from "./init.js";
export { readIdx, encodeIdx, type IdxDtype, type IdxArray, type IdxTensor, type IdxOptions } from "./data/idx.js";
export {
  readNpy,
  writeNpy,
  encodeNpy,
  npyDescr,
  npyDtypeOf,
  type NpyDtype,
  type NpyArray,
  type NpyTensor,
  type NpyOptions,
} from "./data/npy.js";
export { readCsv, parseCsv, csvColumns, type CsvTable, type CsvOptions } from "./data/csv.js";
export { loadMnist, loadMnistSplit, mnistDataDir, MNIST_FILES, type MnistSplit, type MnistOptions } from "./data/mnist.js";
export {
  makeDataset,
  sizeOf,
  splitValidation,
  batchesPerEpoch,
  fillBatch,
  Batcher,
  evalBatches,
  fillEvalBatch,
  checkShape,
  toFloat32,
  toInt32Labels,
  type Dataset,
  type CheckShapeOptions,
} from "./dataset.js";
export {
  saveSafetensors,
  loadSafetensors,
  encodeSafetensors,
  decodeSafetensors,
  removeOrphanTemps,
  CHECKSUM_KEY,
  type SafetensorsDtype,
  type SafetensorsFile,
  type SafetensorsArray,
  type SafetensorsTensor,
} from "./safetensors.js";
export {
  Progress,
  formatBar,
  formatEta,
  formatPerStep,
  formatValue,
  type ProgressOptions,
  type ProgressStream,
  type ProgressValues,
} from "./progress.js";
export { countArgmaxMatches, countOneHotMatches, countBinaryMatches, MeanMetric, checkFiniteLoss } from "./metrics.js";
