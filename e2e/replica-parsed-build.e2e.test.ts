// The agent's replica is built by the browser's own HTML parser from the snapshot's markup, and
// rrweb's ids are then given to the parsed nodes. These tests show that an ordinary page takes
// that way (and that the stream's later changes find their nodes in it), and that a page whose
// tree the parser would build otherwise gets rrweb's own rebuild: the same tree as on the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTandemStack, type TandemStack } from './harness/tandem-stack.ts';
import { replicaUntil, sharedPage } from './harness/replica-probe.ts';

let stack: TandemStack;

before(async () => {
  stack = await startTandemStack();
});

after(async () => {
  await stack?.close();
});

/**
 * How the console built the newest replica ('parser' or 'rrweb'). A first snapshot is on screen
 * (its first view) a frame before rrweb has built it: waited for, up to 5 s.
 */
async function buildOf(agent: Page): Promise<string | undefined> {
  const read = () => agent.evaluate(() => {
    const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll<HTMLElement>('.replica-layer');
    return layers?.[layers.length - 1]?.dataset['build'];
  });
  for (const end = Date.now() + 5_000; ; await agent.waitForTimeout(50)) {
    const build = await read();
    if (build !== undefined || Date.now() > end) return build;
  }
}

// The page's tree as a string: every element with its id, every non-blank text (for both sides).
const TREE = `(doc) => {
  const out = [];
  const walk = (node, depth) => {
    for (const c of node.childNodes) {
      if (c.nodeType === 1) {
        if (c.localName === 'script' || c.localName === 'noscript' || c.localName === 'tandem-ui' || c.localName === 'style') continue;
        out.push(' '.repeat(depth) + c.localName + (c.id ? '#' + c.id : ''));
        walk(c, depth + 1);
      } else if (c.nodeType === 3 && c.data.trim()) out.push(' '.repeat(depth) + JSON.stringify(c.data));
    }
  };
  if (!doc.body) return null;
  walk(doc.body, 0);
  return out.join('\\n');
}`;

describe("replica built by the browser's parser", () => {
  test('an ordinary page is parsed, text nodes that were side by side stay apart, and later changes reach the parsed nodes', async () => {
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/standards-layout.html', {
      // As React renders "Total: {n}": two text nodes side by side, which markup would merge.
      beforeShare: (p) => p.evaluate(() => {
        const total = document.createElement('p');
        total.id = 'total';
        total.append('Total: ', '42');
        document.body.append(total);
      }),
    });
    try {
      const shown = await replicaUntil<string>(agent, "(doc) => doc.getElementById('total')?.textContent ?? null", (v) => v === 'Total: 42');
      assert.equal(shown, 'Total: 42');
      assert.equal(await buildOf(agent), 'parser', 'the replica was built by the parser');
      assert.equal(await replicaUntil<number>(agent, "(doc) => doc.getElementById('total').childNodes.length", (v) => v === 2), 2,
        'the two texts are two nodes in the replica too');
      assert.equal(await replicaUntil<string>(agent, "(doc) => doc.compatMode", (v) => v !== null), 'CSS1Compat');
      // Changes to parsed nodes: the second text, an attribute, a new child.
      await page.evaluate(() => {
        (document.getElementById('total')!.lastChild as Text).data = '43';
        document.getElementById('title')!.setAttribute('data-state', 'updated');
        document.body.append(Object.assign(document.createElement('p'), { id: 'added', textContent: 'Added after the snapshot' }));
      });
      const after = await replicaUntil<string>(agent,
        "(doc) => [doc.getElementById('total')?.textContent, doc.getElementById('title')?.dataset.state, doc.getElementById('added')?.textContent].join('|')",
        (v) => v === 'Total: 43|updated|Added after the snapshot');
      assert.equal(after, 'Total: 43|updated|Added after the snapshot', 'the stream\'s changes find the parsed nodes');
      assert.equal(await replicaUntil<string>(agent, TREE, (v) => v !== null), await page.evaluate(`(${TREE})(document)`), 'the replica has the page\'s tree');
    } finally {
      await close();
    }
  });

  test("a page built with DOM calls into a tree markup cannot say gets rrweb's own rebuild, with the page's tree", async () => {
    const { page, console: agent, close } = await sharedPage(stack, '/fixtures/shop/misnested.html');
    try {
      const pageTree = (await page.evaluate(`(${TREE})(document)`)) as string;
      assert.match(pageTree, /p#outer\n "Delivered: "\n p#inner/, 'the page has a <p> inside a <p>');
      const replicaTree = await replicaUntil<string>(agent, TREE, (v) => v === pageTree);
      assert.equal(replicaTree, pageTree, 'the replica has the page\'s tree (a <p> in a <p>, a <div> in a <table>, a link in a link)');
      assert.equal(await buildOf(agent), 'rrweb', 'the parser\'s tree differed: rrweb rebuilt the snapshot');
      await page.evaluate(() => { document.getElementById('inner')!.textContent = 'parcel 2 of 2'; });
      assert.equal(await replicaUntil<string>(agent, "(doc) => doc.getElementById('inner')?.textContent ?? null", (v) => v === 'parcel 2 of 2'),
        'parcel 2 of 2', 'later changes reach the rebuilt replica');
    } finally {
      await close();
    }
  });
});
