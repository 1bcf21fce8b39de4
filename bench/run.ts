/**
 * `npm run bench`: every scenario against its baseline in the same run, one table, a JSON file
 * in bench/results/, SVG charts. `--smoke` runs each scenario tiny (the test suite does this to
 * keep the harness working; its figures mean nothing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { renderTable, type BenchRow } from './harness/result-table.ts';
import { relayThroughput } from './scenarios/relay-throughput.ts';
import { apiInvites } from './scenarios/api-invites.ts';

const smoke = process.argv.includes('--smoke');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');

const scenarios: [string, () => Promise<BenchRow[]>][] = [
  ['relay', () => relayThroughput(smoke ? { frames: 200, frameBytes: 1024 } : { frames: 50_000, frameBytes: 2048 })],
  ['api', () => apiInvites(smoke ? { durationMs: 300, concurrency: 2 } : { durationMs: 5_000, concurrency: 8 })],
];

async function main() {
  const started = Date.now();
  const rows: BenchRow[] = [];
  for (const [name, run] of scenarios) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    rows.push(...(await run()));
  }
  const table = renderTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
  if (!smoke) {
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const file = new URL(`./results/${new Date().toISOString().slice(0, 10)}.json`, import.meta.url);
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, seconds: (Date.now() - started) / 1000, rows }, null, 2));
    process.stderr.write(`bench: wrote ${file.pathname}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
