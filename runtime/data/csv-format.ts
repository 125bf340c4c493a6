// Numeric CSV reader: a header row of column names, then rows of finite numbers that
// float32 can hold (the trainers' data type: 1e40 would become Infinity).
// Invariants: every data row has exactly as many fields as the header; blank lines are
// skipped; `data` is row-major [rows, columns.length] float64; any deviation is a
// DataError naming the file, the 1-based line number, and the column where it applies.
// Bytes or text in, a table out (csv.ts reads files in Node).
import { DataError } from "../errors.js";

export interface CsvTable {
  columns: string[];
  rows: number;
  /** Row-major [rows, columns.length]. */
  data: Float64Array;
  /** The 1-based line of the file each row came from (for messages). */
  lines: Uint32Array;
}

export interface CsvOptions {
  /** Field separator; "," unless given. */
  delimiter?: string;
}

function splitFields(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((f) => {
    const t = f.trim();
    return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
  });
}

/** Decodes a CSV file's bytes (UTF-8, a byte-order mark ignored); `file` names it in messages. */
export function decodeCsv(bytes: Uint8Array, file: string, opts: CsvOptions = {}): CsvTable {
  let text = new TextDecoder("utf-8").decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  return parseCsv(text, file, opts);
}

/** Parses CSV text; `file` is only used to name the source in errors. */
export function parseCsv(text: string, file: string, opts: CsvOptions = {}): CsvTable {
  const delimiter = opts.delimiter ?? ",";
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && lines[first].trim() === "") first++;
  if (first === lines.length) throw new DataError("empty file: expected a header row of column names", file);
  const columns = splitFields(lines[first], delimiter);
  columns.forEach((name, c) => {
    if (name === "") throw new DataError(`line ${first + 1}: header column ${c + 1} has no name`, file);
    if (!Number.isNaN(Number(name))) {
      throw new DataError(`line ${first + 1}: expected a header row of column names, found the number '${name}'`, file);
    }
  });

  const values: number[] = [];
  const rowLines: number[] = [];
  let rows = 0;
  for (let l = first + 1; l < lines.length; l++) {
    if (lines[l].trim() === "") continue;
    const fields = splitFields(lines[l], delimiter);
    if (fields.length !== columns.length) {
      throw new DataError(`line ${l + 1}: expected ${columns.length} fields (${columns.join(", ")}), found ${fields.length}`, file);
    }
    for (let c = 0; c < fields.length; c++) {
      const v = fields[c] === "" ? NaN : Number(fields[c]);
      if (!Number.isFinite(v)) {
        const found = fields[c] === "" ? "an empty cell" : `'${fields[c]}'`;
        throw new DataError(`line ${l + 1}, column '${columns[c]}': expected a finite number, found ${found}`, file);
      }
      if (!Number.isFinite(Math.fround(v))) {
        throw new DataError(
          `line ${l + 1}, column '${columns[c]}': expected a finite number, found '${fields[c]}', beyond float32's range (±3.4028235e38)`,
          file,
        );
      }
      values.push(v);
    }
    rowLines.push(l + 1);
    rows++;
  }
  if (rows === 0) throw new DataError(`expected data rows after the header (${columns.join(", ")}), found none`, file);
  return { columns, rows, data: Float64Array.from(values), lines: Uint32Array.from(rowLines) };
}

/** Copies the named columns, in the given order, into a row-major float32 [rows, names.length]. */
export function csvColumns(table: CsvTable, names: readonly string[], file?: string): Float32Array {
  const idx = names.map((n) => {
    const i = table.columns.indexOf(n);
    if (i < 0) throw new DataError(`expected a column '${n}', found columns ${table.columns.join(", ")}`, file);
    return i;
  });
  const w = table.columns.length;
  const out = new Float32Array(table.rows * names.length);
  for (let r = 0; r < table.rows; r++) {
    for (let j = 0; j < idx.length; j++) out[r * idx.length + j] = table.data[r * w + idx[j]];
  }
  return out;
}
