// Pictures a person can look at: PNG grids of generated images and an SVG plot of the
// training losses. PNG is written by hand on node:zlib (8-bit grayscale, one IDAT), so the
// runtime stays free of dependencies.
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit grayscale PNG of `gray` (row-major, width × height). */
export function encodePng(width: number, height: number, gray: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = new Uint8Array(height * (width + 1)); // each row: filter byte 0, then pixels
  for (let y = 0; y < height; y++) raw.set(gray.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

/**
 * Lays `count` images of h × w values (in [lo, hi]) out in a grid of `cols` columns with a
 * 2-pixel dark border, scaled to 0–255.
 */
export function imageGrid(
  images: ArrayLike<number>,
  count: number,
  h: number,
  w: number,
  cols: number,
  range: readonly [number, number],
): { width: number; height: number; pixels: Uint8Array } {
  const rows = Math.ceil(count / cols);
  const pad = 2;
  const width = cols * (w + pad) + pad;
  const height = rows * (h + pad) + pad;
  const pixels = new Uint8Array(width * height).fill(40);
  const [lo, hi] = range;
  for (let k = 0; k < count; k++) {
    const x0 = pad + (k % cols) * (w + pad);
    const y0 = pad + Math.floor(k / cols) * (h + pad);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = (images[k * h * w + y * w + x] - lo) / (hi - lo);
        pixels[(y0 + y) * width + x0 + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
      }
    }
  }
  return { width, height, pixels };
}

/** A line plot of named series over steps, as an SVG document. */
export function lossPlotSvg(
  title: string,
  xLabel: string,
  series: readonly { name: string; xs: readonly number[]; ys: readonly number[] }[],
): string {
  const W = 720;
  const H = 400;
  const m = { l: 60, r: 20, t: 40, b: 50 };
  const all = series.flatMap((s) => s.ys.filter(Number.isFinite));
  const xsAll = series.flatMap((s) => s.xs);
  const [y0, y1] = all.length ? [Math.min(0, ...all), Math.max(...all) * 1.05 || 1] : [0, 1];
  const [x0, x1] = xsAll.length ? [Math.min(...xsAll), Math.max(...xsAll) || 1] : [0, 1];
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const ticks = (a: number, b: number) => Array.from({ length: 6 }, (_, i) => a + ((b - a) * i) / 5);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>`,
    ...ticks(y0, y1).map(
      (t) =>
        `<text x="${m.l - 6}" y="${py(t) + 4}" text-anchor="end">${t.toFixed(2)}</text><line x1="${m.l}" x2="${W - m.r}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`,
    ),
    ...ticks(x0, x1).map((t) => `<text x="${px(t)}" y="${H - m.b + 18}" text-anchor="middle">${Math.round(t)}</text>`),
    `<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
  ];
  series.forEach((s, k) => {
    const pts = s.xs.map((x, i) => (Number.isFinite(s.ys[i]) ? `${px(x).toFixed(1)},${py(s.ys[i]).toFixed(1)}` : "")).filter(Boolean);
    parts.push(`<polyline fill="none" stroke="${colors[k % colors.length]}" stroke-width="1.5" points="${pts.join(" ")}"/>`);
    parts.push(`<text x="${W - m.r - 150}" y="${m.t + 16 * (k + 1)}" fill="${colors[k % colors.length]}">${esc(s.name)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
