// Training curves (`--log FILE.csv` or `FILE.jsonl`): the header when training starts, one
// row per epoch (and every N steps with `--log-every N`) with every loss, metric and
// learning rate, a row marked partial where a run stops inside an epoch; after training,
// an SVG plot of the curves beside the log (FILE.svg): one panel per quantity, training
// and validation together. The SVG is written here (axes and polylines, images.ts's
// lossPlotSvg per panel) rather than with a plotting library: the runtime has no
// dependencies.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { lossPlotSvg } from "./images.js";
import { DataError } from "./errors.js";

export interface LogRow {
  readonly epoch: number;
  readonly step: number;
  /** `epoch`: an epoch's end; `step`: every N steps (`--log-every`); `partial`: where a run stopped inside an epoch. */
  readonly kind: "epoch" | "step" | "partial";
  readonly values: Readonly<Record<string, number>>;
}

/** The columns every row has before the values. */
const FIXED = ["epoch", "step", "kind"] as const;

export class CurveLog {
  private readonly jsonl: boolean;
  readonly rows: LogRow[] = [];

  /**
   * `columns`: the value names, in order (losses, metrics, val_…, learning rates). With
   * `append` (a resumed run) an existing log with the same header is continued and its
   * rows read back for the plot.
   */
  constructor(
    readonly file: string,
    readonly columns: readonly string[],
    append = false,
  ) {
    this.jsonl = /\.jsonl$/i.test(file);
    if (!this.jsonl && !/\.csv$/i.test(file)) throw new DataError("--log writes a .csv or a .jsonl file", file);
    const header = [...FIXED, ...columns].join(",");
    if (append && existsSync(file)) {
      this.readBack(header);
      return;
    }
    try {
      writeFileSync(file, this.jsonl ? "" : `${header}\n`);
    } catch (e) {
      throw new DataError(`cannot write the log (${(e as NodeJS.ErrnoException).code ?? String(e)})`, file);
    }
  }

  private readBack(header: string): void {
    const text = readFileSync(this.file, "utf8");
    const lines = text.split("\n").filter((l) => l.length > 0);
    if (this.jsonl) {
      for (const l of lines) {
        const o = JSON.parse(l) as Record<string, number | string | null>;
        const values: Record<string, number> = {};
        for (const c of this.columns) if (typeof o[c] === "number") values[c] = o[c] as number;
        this.rows.push({ epoch: o.epoch as number, step: o.step as number, kind: o.kind as LogRow["kind"], values });
      }
      return;
    }
    if (lines[0] !== header) throw new DataError(`its header differs from this run's (${header}); log to another file`, this.file);
    for (const l of lines.slice(1)) {
      const cells = l.split(",");
      const values: Record<string, number> = {};
      this.columns.forEach((c, k) => cells[k + 3] !== "" && (values[c] = Number(cells[k + 3])));
      this.rows.push({ epoch: Number(cells[0]), step: Number(cells[1]), kind: cells[2] as LogRow["kind"], values });
    }
  }

  add(row: LogRow): void {
    this.rows.push(row);
    let line: string;
    if (this.jsonl) {
      const o: Record<string, number | string | null> = { epoch: row.epoch, step: row.step, kind: row.kind };
      for (const c of this.columns) o[c] = c in row.values && Number.isFinite(row.values[c]) ? row.values[c] : null;
      line = JSON.stringify(o);
    } else {
      const cell = (c: string) => (c in row.values ? String(row.values[c]) : "");
      line = [String(row.epoch), String(row.step), row.kind, ...this.columns.map(cell)].join(",");
    }
    appendFileSync(this.file, `${line}\n`);
  }

  /** Writes the SVG beside the log (FILE.svg); returns its path. */
  plot(title: string): string {
    const file = this.file.replace(/\.(csv|jsonl)$/i, "") + ".svg";
    writeFileSync(file, curvesSvg(title, this.rows, this.columns));
    return file;
  }
}

/**
 * The curves as one SVG: a panel per quantity (the loss, each metric, the learning rate),
 * its training series and its `val_` series together, over the global step. Epoch rows
 * and step rows both count; a quantity with no value is left out.
 */
export function curvesSvg(title: string, rows: readonly LogRow[], columns: readonly string[]): string {
  const base = [...new Set(columns.map((c) => c.replace(/^val_/, "")))];
  const panels = base
    .map((q) => {
      const series = [q, `val_${q}`]
        .filter((c) => columns.includes(c))
        .map((c) => {
          const pts = rows.filter((r) => c in r.values && Number.isFinite(r.values[c]));
          return {
            name: c.startsWith("val_") ? `${c} (validation)` : `${c} (training)`,
            xs: pts.map((r) => r.step),
            ys: pts.map((r) => r.values[c]),
          };
        })
        .filter((s) => s.xs.length > 0);
      return { q, series };
    })
    .filter((p) => p.series.length > 0);
  const W = 720;
  const H = 400;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H * Math.max(1, panels.length)}" font-family="sans-serif">`,
  ];
  panels.forEach((p, k) => {
    const panel = lossPlotSvg(`${title}: ${p.q}`, "step", p.series).replace(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /,
      `<svg x="0" y="${k * H}" `,
    );
    parts.push(panel.trimEnd());
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
