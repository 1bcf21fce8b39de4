// What the masking pass costs on a large page, in Chromium: a 10,000-element page 30 levels deep
// (a tenth of it masked), a full snapshot, then a 3 s burst of mutations (20 text changes, one insertion and one
// attribute change every 5 ms). Prints the time sanitizeEvent takes over all the burst's events
// and over one full snapshot, over 5 page loads.
// Run: node --import tsx packages/sdk/measure-masking.ts
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = dirname(fileURLToPath(import.meta.url));

const entry = `
import { record } from 'rrweb';
import { sanitizeEvent } from './src/capture/event-sanitizer.ts';
import { MASK_TEXT_SELECTOR, maskInputValue } from './src/capture/mask-policy.ts';
// Events are kept as rrweb built them, then sanitised again afterwards, five times over fresh
// copies: the minimum of those passes is the sanitiser's own cost with little noise from the
// machine or from rrweb, on the same DOM the events came from.
const snapshots = [];
const mutations = [];
let stop;
const timeBest = (events) => {
  let best = Infinity;
  for (let pass = 0; pass < 5; pass++) {
    const copies = structuredClone(events);
    const t = performance.now();
    for (const event of copies) sanitizeEvent(event, record.mirror);
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
window.measure = {
  start() {
    stop = record({
      emit() {},
      maskTextSelector: MASK_TEXT_SELECTOR,
      maskInputOptions: { text: true, textarea: true },
      maskInputFn: maskInputValue,
      plugins: [{ name: 'measure', options: {}, eventProcessor(event) {
        (event.type === 2 ? snapshots : mutations).push(structuredClone(event));
        return sanitizeEvent(event, record.mirror);
      } }],
    });
  },
  stop() {
    stop?.();
    return { burstMs: timeBest(mutations.filter((e) => e.type === 3)), snapshotMs: timeBest(snapshots.slice(-1)), events: mutations.length };
  },
};`;

const page = `<!doctype html><html><head><meta charset="utf-8"><script src="/bundle.js"></script></head>
<body><div id="app"></div><script>
let html = '';
for (let s = 0; s < 50; s++) {
  html += '<section' + (s % 10 === 0 ? ' data-tandem-mask' : '') + '><div><div><ul>';
  for (let r = 0; r < 40; r++) html += '<li><span class="a">row ' + r + '</span><span><b>x</b></span><input value="v' + r + '"></li>';
  html += '</ul></div></div></section>';
}
// Real pages nest deeper than this list: twenty wrappers (layout, providers, portals) above it.
document.getElementById('app').innerHTML = '<div>'.repeat(20) + html + '</div>'.repeat(20);
</script></body></html>`;

const burst = `new Promise((done) => {
  const spans = [...document.querySelectorAll('li span.a')];
  const lists = [...document.querySelectorAll('ul')];
  let n = 0;
  const end = performance.now() + 3000;
  const tick = () => {
    for (let i = 0; i < 20; i++) spans[(n * 31 + i * 7) % spans.length].textContent = 'row ' + n + ' ' + i;
    const li = document.createElement('li');
    li.innerHTML = '<span class="a">new</span><span title="t">y</span>';
    lists[n % lists.length].append(li);
    spans[(n * 13) % spans.length].setAttribute('data-n', String(n));
    n++;
    if (performance.now() < end) setTimeout(tick, 5); else setTimeout(done, 50);
  };
  tick();
})`;

const bundled = await build({
  stdin: { contents: entry, resolveDir: packageDir, loader: 'ts' },
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  logLevel: 'warning',
});
const script = bundled.outputFiles[0]!.text;
const server = createServer((req, res) => {
  const isScript = req.url === '/bundle.js';
  res.setHeader('content-type', isScript ? 'text/javascript' : 'text/html');
  res.end(isScript ? script : page);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const runs: { burstMs: number; snapshotMs: number }[] = [];
try {
  for (let run = 0; run < 5; run++) {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${port}/`);
    await tab.evaluate('window.measure.start()');
    await tab.evaluate(burst);
    runs.push((await tab.evaluate('window.measure.stop()')) as { burstMs: number; snapshotMs: number });
    await tab.close();
  }
} finally {
  await browser.close();
  server.close();
}
// The machine is shared: the minimum is the least disturbed run, the median the typical one.
const spread = (values: number[]) => {
  const sorted = values.sort((a, b) => a - b);
  return `min ${sorted[0]!.toFixed(1)} ms, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms`;
};
console.log(`masking of all the burst's mutation events: ${spread(runs.map((r) => r.burstMs))}`);
console.log(`masking of one full snapshot: ${spread(runs.map((r) => r.snapshotMs))}`);
