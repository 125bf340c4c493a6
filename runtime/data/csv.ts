// Numeric CSV files in Node (the format is csv-format.ts).
import { readBytes } from "./files.js";
import { decodeCsv, type CsvOptions, type CsvTable } from "./csv-format.js";

export * from "./csv-format.js";

/** Reads a numeric CSV file with a header row. */
export function readCsv(file: string, opts: CsvOptions = {}): CsvTable {
  return decodeCsv(readBytes(file, "a CSV file"), file, opts);
}
