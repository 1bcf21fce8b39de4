// A canvas the site opted in is drawn in the agent's replica and follows the page; any other
// canvas reaches the replica as an empty box, and no picture of it leaves the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { screenshotsDir, startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { replicaUntil, sharedPage } from './harness/replica-probe.ts';
import { watchWire, type WireWatch } from './harness/wire-watch.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

/** The picture the replica's chart box shows (its background), decoded in the console: its centre pixel and the box's size. */
const CENTRE = `async (doc) => {
  // A blocked element keeps only its size (rrweb drops its id): the chart is the first canvas.
  const box = doc.querySelectorAll('canvas')[0];
  const url = box && /url\\("(data:[^"]+)"\\)/.exec(box.style.getPropertyValue('background-image'));
  if (!url) return null;
  const img = new Image();
  img.src = url[1];
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth;
  c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const [r, g, b, a] = ctx.getImageData(c.width / 2, c.height / 2, 1, 1).data;
  const rect = box.getBoundingClientRect();
  return [r, g, b, a].join(',') + ' ' + rect.width + 'x' + rect.height;
}`;
const near = (seen: string | null, r: number, g: number, b: number) => {
  const [R, G, B, A] = (seen ?? '0,0,0,0').split(' ')[0]!.split(',').map(Number);
  return A === 255 && Math.abs(R! - r) < 24 && Math.abs(G! - g) < 24 && Math.abs(B! - b) < 24;
};

describe('canvases', () => {
  test('an opted-in canvas is drawn in the replica and follows the page; the other is a box and never leaves the page', async () => {
    let wire: WireWatch | undefined;
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/canvases.html', {
      beforeOpen: async (p) => {
        wire = await watchWire(p);
      },
    });
    try {
      const red = await replicaUntil<string>(agent, CENTRE, (v) => near(v, 200, 0, 0));
      assert.ok(near(red, 200, 0, 0), `the chart is drawn in the replica (${red})`);
      await page.evaluate(() => (window as unknown as { paintChart(c: string): void }).paintChart('rgb(0, 0, 200)'));
      const blue = await replicaUntil<string>(agent, CENTRE, (v) => near(v, 0, 0, 200));
      assert.ok(near(blue, 0, 0, 200), `the chart follows the page (${blue})`);
      assert.equal(blue?.split(' ')[1], '202x102', 'the chart\'s box has its size on the page (200 × 100 and a 1 px border)');
      await agent.screenshot({ path: join(screenshotsDir, 'replica-canvas.png') });

      const signature = await replicaUntil<{ box: boolean; width: number }>(agent, `(doc) => {
        const s = doc.querySelectorAll('canvas')[1];
        return s ? { box: s.hasAttribute('data-tandem-block') && !s.style.getPropertyValue('background-image'), width: s.getBoundingClientRect().width } : null;
      }`, (v) => v !== null);
      assert.equal(signature?.box, true, 'the canvas the site did not opt in is an empty box in the replica');
      assert.ok(Math.abs(signature.width - 302) <= 2, `of the same size (${signature.width})`);

      const frames = wire!.frames();
      assert.ok(frames.every((f) => !f.unreadable), 'every frame the page sent was read');
      const pictures = frames.filter((f) => f.text.includes('tandem/canvas'));
      assert.ok(pictures.length >= 2, 'the chart went out as pictures');
      const ids = new Set(pictures.flatMap((f) => [...f.text.matchAll(/"tag":"tandem\/canvas","payload":\{"id":(\d+)/g)].map((m) => m[1])));
      assert.equal(ids.size, 1, `pictures of one canvas only, the opted-in chart (ids ${[...ids].join(', ')})`);
    } finally {
      await wire?.stop();
      await close();
    }
  });
});
