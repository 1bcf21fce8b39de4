/** One row of the benchmark table: what Tandem did, what the baseline did in the same run. */
export interface BenchRow {
  scenario: string;
  metric: string;
  tandem: number;
  baseline: number | null;
  unit: string;
  /** How the ratio reads: 'lower' when smaller is better (latency, bytes), 'higher' for throughput. */
  better: 'lower' | 'higher';
  target: string;
  /** Whether the target holds; null when the target is 'report'. */
  met: boolean | null;
  note?: string;
  /** Every figure behind the row, for the results JSON (the table shows the row and its note). */
  detail?: Record<string, unknown>;
}

export function ratio(row: BenchRow): number | null {
  // A baseline of nothing or less (an added time that the machine's noise took below zero) has no ratio.
  if (row.baseline === null || !Number.isFinite(row.baseline) || row.baseline <= 0) return null;
  return row.tandem / row.baseline;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** A Markdown table (the README's Performance section shows it as printed). */
export function renderTable(rows: BenchRow[]): string {
  const lines = ['| scenario | metric | Tandem | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const q = ratio(r);
    lines.push(
      `| ${r.scenario} | ${r.metric} | ${fmt(r.tandem)} ${r.unit} | ${r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit}`} ` +
        `| ${q === null ? '—' : `${fmt(q)}×`} | ${r.target} | ${r.met === null ? 'report' : r.met ? 'yes' : '**no**'}${r.note ? ` (${r.note})` : ''} |`);
  }
  return lines.join('\n');
}
