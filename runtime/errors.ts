// Errors the runtime raises for problems a user can fix: bad data files and corrupt
// checkpoints (DataError), and a training run that diverged (TrainingError).
// Invariant: a DataError's message starts with the file it is about (when there is one),
// then says what was expected and what was found — never just "invalid file".
// No Node imports here, so that the in-memory parts of the runtime also run in a browser.

/** How a file is named in messages: as given, but relative when absolute under the cwd. */
export function displayPath(file: string): string {
  const cwd = typeof process !== "undefined" && typeof process.cwd === "function" ? process.cwd() : "";
  if (cwd === "") return file;
  const base = cwd.endsWith("/") || cwd.endsWith("\\") ? cwd : cwd + (file.includes("\\") ? "\\" : "/");
  return file.startsWith(base) && file.length > base.length ? file.slice(base.length) : file;
}

/** A data file or checkpoint that cannot be used as it is. */
export class DataError extends Error {
  /** The file at fault, as the caller named it (absent for in-memory data). */
  readonly file?: string;
  /** The message without the file prefix. */
  readonly detail: string;

  constructor(detail: string, file?: string) {
    super(file === undefined ? detail : `${displayPath(file)}: ${detail}`);
    this.name = "DataError";
    this.detail = detail;
    if (file !== undefined) this.file = file;
  }
}

/** A training run that cannot go on, e.g. a loss that turned NaN. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TrainingError";
  }
}

/** Formats a shape as Keras prints it in messages: [28, 28, 1]. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
