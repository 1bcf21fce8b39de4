/**
 * Small hand-rolled SVG charts for the bench results: a latency distribution (CDF of two sample
 * sets) and a row of line panels sharing one x axis. No dependency; plain text out.
 */
const W = 640;
const H = 360;
const BASE_PAD = { l: 58, r: 18, t: 36, b: 44 };
const COLORS = ['#1d4ed8', '#b45309', '#15803d', '#9333ea'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function ticks(max: number, n = 5): number[] {
  return Array.from({ length: n + 1 }, (_, i) => (max * i) / n);
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(0) : v.toFixed(1));

function axes(x0: number, y0: number, w: number, h: number, xMax: number, yMax: number, xLabel: string, yLabel: string, xLog = false): string {
  const out: string[] = [];
  for (const t of ticks(yMax)) {
    const y = y0 + h - (t / yMax) * h;
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + w}" y2="${y}" stroke="#e5e7eb"/><text x="${x0 - 6}" y="${y + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  const xt = xLog ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((v) => v <= xMax) : ticks(xMax);
  for (const t of xt) {
    const x = x0 + (xLog ? Math.log10(t) / Math.log10(xMax) : t / xMax) * w;
    out.push(
      `<line x1="${x}" y1="${y0 + h}" x2="${x}" y2="${y0 + h + 4}" stroke="#6b7280"/><text x="${x}" y="${y0 + h + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#9ca3af"/>`);
  out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 34}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(${x0 - 42} ${y0 + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return out.join('');
}

function svg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" ` +
    `font-size="11" fill="#111827">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>
${body}
</svg>
`;
}

/** Cumulative distribution of latency samples, one line per series, x on a log scale (ms). */
export function cdfChart(title: string, series: { name: string; samples: number[] }[]): string {
  const all = series.flatMap((s) => s.samples);
  const xMax = niceMax(Math.max(2, ...all));
  const xMin = 0.5;
  const PAD = { ...BASE_PAD, t: BASE_PAD.t + series.length * 16 };
  const w = W - PAD.l - PAD.r;
  const h = H - PAD.t - PAD.b;
  const xOf = (v: number) => PAD.l + (Math.log10(Math.max(v, xMin) / xMin) / Math.log10(xMax / xMin)) * w;
  const parts = [];
  for (const t of [0, 25, 50, 75, 100]) {
    const y = PAD.t + h - (t / 100) * h;
    parts.push(
      `<line x1="${PAD.l}" y1="${y}" x2="${PAD.l + w}" y2="${y}" stroke="#e5e7eb"/><text x="${PAD.l - 6}" y="${y + 4}" text-anchor="end">${t}%</text>`);
  }
  for (const t of [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((v) => v <= xMax)) {
    const x = xOf(t);
    parts.push(
      `<line x1="${x}" y1="${PAD.t}" x2="${x}" y2="${PAD.t + h}" stroke="#f3f4f6"/><text x="${x}" y="${PAD.t + h + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<rect x="${PAD.l}" y="${PAD.t}" width="${w}" height="${h}" fill="none" stroke="#9ca3af"/>`);
  parts.push(`<text x="${PAD.l + w / 2}" y="${H - 8}" text-anchor="middle">latency, ms (log scale)</text>`);
  parts.push(`<text transform="translate(16 ${PAD.t + h / 2}) rotate(-90)" text-anchor="middle">share of changes shown within</text>`);
  series.forEach((s, k) => {
    const sorted = [...s.samples].sort((a, b) => a - b);
    const pts = sorted.map((v, i) => `${xOf(v).toFixed(1)},${(PAD.t + h - ((i + 1) / sorted.length) * h).toFixed(1)}`);
    parts.push(`<polyline fill="none" stroke="${COLORS[k]}" stroke-width="2" points="${pts.join(' ')}"/>`);
    const p50 = sorted[Math.ceil(sorted.length / 2) - 1] ?? NaN;
    const p99 = sorted[Math.ceil(sorted.length * 0.99) - 1] ?? NaN;
    // Legend between the title and the plot.
    const ly = 38 + k * 16;
    parts.push(
      `<rect x="${PAD.l}" y="${ly - 5}" width="12" height="3" fill="${COLORS[k]}"/><text x="${PAD.l + 18}" y="${ly}">${esc(s.name)}: p50 ${fmt(p50)} ms, ` +
        `p99 ${fmt(p99)} ms (n=${sorted.length})</text>`);
  });
  return svg(W, H, title, parts.join('\n'));
}

/** Panels side by side, each one line over the same x values. */
export function panelsChart(title: string, xLabel: string, xs: number[], panels: { name: string; unit: string; values: number[]; limit?: number }[]): string {
  const pw = 300;
  const ph = 220;
  const width = panels.length * (pw + 20) + 40;
  const height = ph + 100;
  const xMax = niceMax(Math.max(...xs));
  const parts: string[] = [];
  panels.forEach((p, k) => {
    const x0 = 60 + k * (pw + 20);
    const y0 = 46;
    const w = pw - 50;
    const yMax = niceMax(Math.max(...p.values.filter(Number.isFinite), p.limit ?? 0) * 1.1);
    parts.push(axes(x0, y0, w, ph, xMax, yMax, xLabel, `${p.name} (${p.unit})`));
    if (p.limit !== undefined) {
      const y = y0 + ph - (p.limit / yMax) * ph;
      parts.push(
        `<line x1="${x0}" y1="${y}" x2="${x0 + w}" y2="${y}" stroke="#dc2626" stroke-dasharray="4 3"/><text x="${x0 + w - 4}" y="${y - 4}" text-anchor="end" ` +
          `fill="#dc2626">target ${p.limit} ${esc(p.unit)}</text>`);
    }
    const pts = xs.map((x, i) => [x0 + (x / xMax) * w, y0 + ph - (p.values[i]! / yMax) * ph] as const);
    parts.push(`<polyline fill="none" stroke="${COLORS[k]}" stroke-width="2" points="${pts.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
    for (const [i, [a, b]] of pts.entries()) parts.push(
      `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3" fill="${COLORS[k]}"/><text x="${a.toFixed(1)}" y="${(b - 7).toFixed(1)}" ` +
        `text-anchor="middle">${fmt(p.values[i]!)}</text>`);
    parts.push(`<text x="${x0 + w / 2}" y="${y0 - 8}" text-anchor="middle" font-weight="600">${esc(p.name)}</text>`);
  });
  return svg(width, height, title, parts.join('\n'));
}
