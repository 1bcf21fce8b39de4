/**
 * `npm run bench`: every scenario against its baseline in the same run, one table, a JSON file
 * in bench/results/, SVG charts (bench/results/<date>-*.svg, latest copied to docs/perf/).
 * `--smoke` runs each scenario tiny (the test suite does this to keep the harness working; its
 * figures mean nothing). `--only=dom,pointer,...` runs some scenarios (`capture`: what sharing costs the
 * customer's page, against rrweb record alone). `--record-stream`
 * re-records bench/fixtures/recorded-stream.json from the real SDK (bytes scenario). `--only=cluster`:
 * three nodes behind nginx on a fresh Postgres database and a Redis of their own. `--sessions=5000`
 * measures the sessions scenario at those levels of active sessions.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderTable, type BenchRow } from './harness/result-table.ts';
import { chartData } from './harness/chart-data.ts';
import { cdfChart, panelsChart } from './harness/svg-chart.ts';
import { startLiveStack, type LiveStack } from './harness/live-stack.ts';
import { relayThroughput } from './scenarios/relay-throughput.ts';
import { apiInvites } from './scenarios/api-invites.ts';
import { domLatency } from './scenarios/dom-latency.ts';
import { pointerLatency } from './scenarios/pointer-latency.ts';
import { agentJoin } from './scenarios/agent-join.ts';
import { RECORDED_STREAM, wireBytes } from './scenarios/wire-bytes.ts';
import { sessionsPerMachine } from './scenarios/sessions.ts';
import { idleVisitorsPerGiB } from './scenarios/idle-visitors.ts';
import { sdkWeight } from './scenarios/sdk-weight.ts';
import { captureCost } from './scenarios/capture-cost.ts';
import { clusterSessions } from './scenarios/cluster.ts';
import { clusterHop } from './scenarios/cluster-hop.ts';

const smoke = process.argv.includes('--smoke');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const record = process.argv.includes('--record-stream') || !existsSync(RECORDED_STREAM);
// `--sessions=5000` (or `--sessions=2000,5000`): the sessions scenario's levels instead of 100, 500, 1,000 and 2,000.
const sessionLevels = process.argv.find((a) => a.startsWith('--sessions='))?.slice(11).split(',').map(Number);
if (sessionLevels?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sessions= takes whole numbers of sessions, e.g. --sessions=5000');

// The browser scenarios share one stack (Tandem's server, the bare relay, the site, Chromium).
let stack: LiveStack | null = null;
const live = async () => (stack ??= await startLiveStack());

const scenarios: [string, () => Promise<BenchRow[]>][] = [
  ['dom', async () => domLatency(await live(), smoke ? { samples: 6, blocks: 1, gapMs: 30 } : { samples: 400, blocks: 4, gapMs: 60 })],
  ['pointer', async () => pointerLatency(await live(), smoke ? { samples: 4, gapMs: 120 } : { samples: 60, gapMs: 150 })],
  ['join', async () => agentJoin(await live(), smoke ? { sizes: [1000], runs: 1 } : { sizes: [1000, 10000], runs: 7 })],
  ['capture', async () => captureCost(await live(), smoke
    ? { elements: 1000, burstMs: 300, typed: 'boots', keyDelayMs: 10, rounds: 1, settleMs: 100 }
    : { elements: 10_000, burstMs: 3_000, typed: 'waterproof walking boots, size 43, in dark green or navy', keyDelayMs: 40, rounds: 5, settleMs: 500 })],
  ['bytes', async () => wireBytes(await live(), { durationMs: smoke ? 3_000 : 120_000, record: record && !smoke })],
  ['weight', () => sdkWeight()],
  ['relay', () => relayThroughput(smoke ? { frames: 200, frameBytes: 1024 } : { frames: 50_000, frameBytes: 2048 })],
  ['api', () => apiInvites(smoke ? { durationMs: 300, concurrency: 2 } : { durationMs: 5_000, concurrency: 8 })],
  ['sessions', () => sessionsPerMachine(smoke
    ? { levels: [4, 8], windowMs: 600, topWindows: 2, setupConcurrency: 8, workers: 1, settleMs: 200, idleMs: 500, handOn: true }
    : { levels: sessionLevels ?? [100, 500, 1000, 2000], windowMs: 10_000, topWindows: 5, setupConcurrency: 8, workers: 3, settleMs: 2_000, idleMs: 10_000 })],
  ['cluster-hop', () => clusterHop(smoke ? { samples: 20, gapMs: 5, frameBytes: 2048 } : { samples: 2000, gapMs: 5, frameBytes: 2048 })],
  ['idle', () => idleVisitorsPerGiB(smoke ? { visitors: 40, steps: 2, perProcess: 9_000, concurrency: 8, settleMs: 0, releaseMs: 0, quietMs: 0 }
    : { visitors: 19_000, steps: 5, perProcess: 9_500, concurrency: 64, settleMs: 2_000, releaseMs: 1_000, quietMs: 20_000 })],
  ['cluster', () => clusterSessions(smoke
    ? { sessions: 6, nodes: 3, windowMs: 1_000, setupConcurrency: 6, workers: 1, afterKillMs: 4_000 }
    : { sessions: 1000, nodes: 3, windowMs: 10_000, setupConcurrency: 8, workers: 3, afterKillMs: 30_000 })],
];

function writeCharts(prefix: string): string[] {
  const written: string[] = [];
  const docs = fileURLToPath(new URL('../docs/perf/', import.meta.url));
  mkdirSync(docs, { recursive: true });
  const out = (name: string, text: string) => {
    const file = `${prefix}-${name}.svg`;
    writeFileSync(file, text);
    copyFileSync(file, `${docs}${name}.svg`);
    written.push(file);
  };
  if (chartData.domLatency) {
    out('dom-latency', cdfChart('DOM change → agent replica: latency distribution', [
      { name: 'Tandem (SDK → relay → console)', samples: chartData.domLatency.tandem },
      { name: 'baseline (rrweb → bare ws → Replayer)', samples: chartData.domLatency.baseline },
    ]));
  }
  if (chartData.sessions?.length) {
    const s = chartData.sessions;
    out('sessions', panelsChart('Tandem server (one process, 2 cores) against active sessions', 'active sessions', s.map((p) => p.sessions), [
      { name: 'p99 relay latency', unit: 'ms', values: s.map((p) => p.p99Ms), limit: 50 },
      { name: 'server CPU', unit: '% of a core', values: s.map((p) => p.cpuPercent) },
      { name: 'server RSS', unit: 'MiB', values: s.map((p) => p.rssMiB) },
      { name: 'CPU per frame', unit: '× bare ws relay', values: s.map((p) => p.cpuPerFrameRatio), limit: 1.2 },
    ]));
  }
  return written;
}

async function main() {
  const started = Date.now();
  const rows: BenchRow[] = [];
  try {
    for (const [name, run] of scenarios) {
      if (only && !only.includes(name)) continue;
      // A smoke run of every scenario leaves the cluster out (three nodes and nginx take half a
      // minute to start); bench/bench-cluster-smoke.test.ts runs it on its own, alongside.
      if (smoke && !only && name === 'cluster') continue;
      process.stderr.write(`bench: ${name}... (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      try {
        rows.push(...(await run()));
      } catch (err) {
        // One broken scenario does not lose the others' figures; the table says it failed.
        process.stderr.write(`bench: ${name} failed: ${(err as Error).stack}\n`);
        rows.push({ scenario: name, metric: 'failed', tandem: NaN, baseline: null, unit: '', better: 'lower', target: '—', met: false,
          note: (err as Error).message.split('\n')[0] });
        if (smoke) throw err;
      }
      // The live stack is done once the browser scenarios are.
      if (name === 'bytes' && stack) {
        await stack.close();
        stack = null;
      }
    }
  } finally {
    await stack?.close();
  }
  const table = renderTable(rows);
  process.stdout.write(`\n${table}\n\n`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version,
    platform: `${os.platform()} ${os.release()}` };
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; ${seconds.toFixed(0)} s\n`);
  if (!smoke) {
    mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
    const stamp = new Date().toISOString().slice(0, 10);
    const file = new URL(`./results/${stamp}.json`, import.meta.url);
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, seconds, rows, charts: chartData }, null, 2));
    process.stderr.write(`bench: wrote ${file.pathname}\n`);
    for (const f of writeCharts(fileURLToPath(new URL(`./results/${stamp}`, import.meta.url)))) process.stderr.write(`bench: wrote ${f}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
