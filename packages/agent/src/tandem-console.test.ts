// The agent console in real Chromium against a fake relay: the invite flow and its timeline, the
// replica built from a real rrweb recording, the customer's cursor, the agent's tools on the wire,
// gap recovery, reconnecting, and a hostile page that must run nothing in the console.
// Each test opens its own desk (relay, customer page, console page): none depends on another's state.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { FRAME_KIND } from '@tandem/protocol';
import type { AgentServerMessage, AgentView } from '@tandem/protocol';
import type { eventWithTime } from '@rrweb/types';
import { agentDistDir, buildAgent } from '../build.ts';
import { GOOD_TOKEN, startFakeRelay } from '../test/fake-relay.ts';
import type { FakeRelay } from '../test/fake-relay.ts';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const fixturesDir = join(packageDir, 'test', 'fixtures');
const screenshots = join(packageDir, '..', '..', 'e2e', 'screenshots');

// Shared and never changed by a test: the browser, the built bundles and the customer's site.
let browser: Browser;
let customerSite: FakeRelay;
let consoleHtml: string;
let recorderDir: string;

const baseView: AgentView = {
  conversationId: 'call-7731',
  conversationState: 'connected',
  customerName: 'Jo Bloggs',
  agentName: 'Sam Patel',
  invite: null,
  session: null,
  customerLink: null,
};

/** The view of a call whose customer accepted and is sharing. */
const sharingView: AgentView = {
  ...baseView,
  invite: {
    id: 'inv_1', state: 'accepted', code: '4829130751', phrase: 'amber harbour',
    expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(), deliveries: [],
  },
  session: { id: 'ses_1', state: 'active', control: false, endReason: null },
  customerLink: 'connected',
};

/** One test's world: its own relay, customer page and console page, closed when the test ends. */
class Desk {
  view: AgentView = baseView;
  /** Sequence of the page-stream frames this desk's relay has sent. */
  seq = 0;
  private eventSeq = 100;
  /** Calls of `reportPwned` from any frame of the console page: a customer script ran there. */
  readonly pwnedCalls: string[] = [];
  /** Uncaught errors in the console page; failed image loads and blocked autofocus in the replica
   * are expected noise of the hostile page and not counted. */
  readonly pageErrors: string[] = [];
  relay!: FakeRelay;
  /** The relay drops the handshake's subprotocols (openDesk's option). */
  ignoreProtocols = false;
  customer!: Page;
  agent!: Page;

  async open(): Promise<void> {
    this.relay = await startFakeRelay({
      consoleHtml, mounts: { '/agent/': agentDistDir, '/desktop/': fixturesDir }, view: () => this.view, ignoreProtocols: this.ignoreProtocols,
    });
    this.customer = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await this.customer.goto(customerSite.origin + '/fixtures/account.html');
    await this.customer.evaluate(() => window.tandemRecorder.start());
    // en-US: a locale whose clock is 12-hour; the console follows the agent's locale, one format for every time.
    const agentContext = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    // If any customer script ever ran in the console, in any frame, it could call this.
    await agentContext.exposeBinding('reportPwned', (_source, tag: string) => void this.pwnedCalls.push(tag));
    this.agent = await agentContext.newPage();
    this.agent.on('pageerror', (error) => this.pageErrors.push(error.message));
  }

  /** Opens the console with its token and waits until it is connected. */
  async connect(): Promise<void> {
    await this.agent.goto(`${this.relay.origin}/console#token=${GOOD_TOKEN}`);
    await this.relay.waitFor('auth');
    await this.waitForConsoleText('link-text', 'Connected');
  }

  /**
   * Opens the console page with console.js held back, until the page's own socket has
   * authenticated; the function returned lets console.js load.
   */
  async openConsoleHeld(page: Page = this.agent): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/agent/console.js', async (route) => {
      await held;
      await route.continue();
    });
    const since = this.relay.received().length;
    await page.goto(`${this.relay.origin}/console#token=${GOOD_TOKEN}`, { waitUntil: 'commit' });
    await this.relay.waitFor('auth', undefined, since);
    return release;
  }

  /**
   * The console page opened with its console held back, and the customer's page as it is now sent
   * as the first snapshot: resolves once the page's picture of it is on screen; returns what lets
   * the console load.
   */
  async pictureHeld(): Promise<() => void> {
    const release = await this.openConsoleHeld();
    await this.customer.evaluate(() => window.tandemRecorder.snapshot());
    const recorded = await this.recorded();
    // From the newest snapshot on (the recorder's first one predates what the test added).
    this.relay.sendFrame(FRAME_KIND.SNAPSHOT, 1, recorded.slice(recorded.findLastIndex((e) => e.type === 4)), true);
    await this.agent.waitForFunction(() => {
      const frame = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement | null;
      return frame?.style.visibility === 'visible' && frame.contentDocument?.getElementById('balance') !== null;
    });
    return release;
  }

  /** The customer accepted and shares: the console shows the replica of their page. */
  async share(): Promise<void> {
    this.sendEvent('invite.created', { channels: ['push'], code: '4829130751' });
    this.sendEvent('invite.accepted', {});
    this.sendEvent('session.started', {});
    this.setView(sharingView);
    await this.sendSnapshot();
    await this.waitForReplicaText('Northwind Bank');
  }

  async close(): Promise<void> {
    await Promise.all([this.customer?.context().close(), this.agent?.context().close()]);
    await this.relay?.close();
  }

  setView(next: AgentView): void {
    this.view = next;
    this.relay.sendJson({ type: 'view', view: next });
  }

  sendEvent(type: string, data: Record<string, unknown> = {}): void {
    this.eventSeq += 1;
    this.relay.sendJson({ type: 'event', event: { seq: this.eventSeq, type, occurredAt: new Date().toISOString(), data } } satisfies AgentServerMessage);
  }

  async recorded(page: Page = this.customer): Promise<eventWithTime[]> {
    // rrweb reports mutations from a MutationObserver callback: let it run first.
    await page.waitForTimeout(30);
    return page.evaluate(() => window.tandemRecorder.take());
  }

  async sendSnapshot(page: Page = this.customer): Promise<void> {
    await page.evaluate(() => window.tandemRecorder.snapshot());
    this.seq += 1;
    this.relay.sendFrame(FRAME_KIND.SNAPSHOT, this.seq, await this.recorded(page), true);
  }

  async sendDelta(page: Page = this.customer, compressed = false): Promise<void> {
    this.seq += 1;
    this.relay.sendFrame(FRAME_KIND.DELTA, this.seq, await this.recorded(page), compressed);
  }

  /** Text of the newest replica (during a swap the old one is still underneath). */
  replicaText(): Promise<string> {
    return this.agent.evaluate(() => {
      const layers = document.querySelector('tandem-console')?.shadowRoot?.querySelectorAll('.replica-layer iframe');
      const iframe = layers?.[layers.length - 1] as HTMLIFrameElement | undefined;
      return iframe?.contentDocument?.body?.innerText ?? '';
    });
  }

  async waitForReplicaText(text: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.replicaText();
      if (last.includes(text)) return;
      await this.agent.waitForTimeout(50);
    }
    assert.fail(`replica never showed "${text}"; it shows: ${last.slice(0, 400)}`);
  }

  consoleText(id: string): Promise<string> {
    return this.agent.evaluate((elementId) => document.querySelector('tandem-console')?.shadowRoot?.getElementById(elementId)?.textContent ?? '', id);
  }

  async waitForConsoleText(id: string, text: string): Promise<void> {
    await this.agent.waitForFunction(
      ([elementId, wanted]) => (document.querySelector('tandem-console')?.shadowRoot?.getElementById(elementId!)?.textContent ?? '').includes(wanted!),
      [id, text] as const,
      { timeout: 5_000 },
    ).catch(async () => assert.fail(`#${id} never said "${text}"; it says "${await this.consoleText(id)}"`));
  }

  /** Where an element of the replica is on the agent's screen, and its page coordinates. */
  locateInReplica(selector: string): Promise<{ x: number; y: number; pageX: number; pageY: number; scale: number }> {
    return this.agent.evaluate((sel) => {
      const root = document.querySelector('tandem-console')!.shadowRoot!;
      const frame = root.querySelector('.replica-frame')!.getBoundingClientRect();
      const layers = root.querySelectorAll('.replica-layer iframe');
      const iframe = layers[layers.length - 1] as HTMLIFrameElement;
      const win = iframe.contentWindow!;
      const rect = iframe.contentDocument!.querySelector(sel)!.getBoundingClientRect();
      const scale = frame.width / iframe.offsetWidth;
      const cx = rect.left + Math.min(rect.width / 2, 40);
      const cy = rect.top + rect.height / 2;
      return { x: frame.left + cx * scale, y: frame.top + cy * scale, pageX: cx + win.scrollX, pageY: cy + win.scrollY, scale };
    }, selector);
  }

  /** Scrolls the console's stage so that the replica's element is in view (a zoomed replica is larger than the stage). */
  scrollStageTo(selector: string): Promise<void> {
    return this.agent.evaluate((sel) => {
      const root = document.querySelector('tandem-console')!.shadowRoot!;
      const stage = root.getElementById('stage')!;
      const layers = root.querySelectorAll('.replica-layer iframe');
      const iframe = layers[layers.length - 1] as HTMLIFrameElement;
      const frame = root.querySelector('.replica-frame')!.getBoundingClientRect();
      const scale = frame.width / iframe.offsetWidth;
      const rect = iframe.contentDocument!.querySelector(sel)!.getBoundingClientRect();
      const box = stage.getBoundingClientRect();
      stage.scrollLeft += frame.left + rect.left * scale - box.left - 40;
      stage.scrollTop += frame.top + rect.top * scale - box.top - 40;
    }, selector);
  }

  clickTool(id: string): Promise<void> {
    const click = (elementId: string) => (document.querySelector('tandem-console')!.shadowRoot!.getElementById(elementId) as HTMLButtonElement).click();
    return this.agent.evaluate(click, id);
  }

  async shoot(name: string): Promise<void> {
    await this.agent.waitForTimeout(150);
    await this.agent.screenshot({ path: join(screenshots, `agent-${name}.png`) });
  }
}

/**
 * A fresh desk for one test, connected unless asked not to be. When the test ends no script of
 * the customer's may have run in the console and the console page may have thrown nothing.
 */
async function openDesk(t: TestContext, opts: { connect?: boolean; ignoreProtocols?: boolean } = {}): Promise<Desk> {
  const desk = new Desk();
  desk.ignoreProtocols = opts.ignoreProtocols === true;
  t.after(async () => {
    const { pwnedCalls, pageErrors } = desk;
    await desk.close();
    assert.deepEqual(pwnedCalls, [], 'a customer script ran in the console');
    assert.deepEqual(pageErrors, [], 'the console page threw');
  });
  await desk.open();
  if (opts.connect !== false) await desk.connect();
  return desk;
}

before(async () => {
  await mkdir(screenshots, { recursive: true });
  await buildAgent();
  recorderDir = await mkdtemp(join(tmpdir(), 'tandem-agent-recorder-'));
  await build({
    entryPoints: [join(fixturesDir, 'recorder.ts')],
    outfile: join(recorderDir, 'recorder.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    logLevel: 'warning',
  });
  consoleHtml = await readFile(join(agentDistDir, 'console.html'), 'utf8');
  // The customer's site: its own origin, as in real life. It only serves files.
  customerSite = await startFakeRelay({ consoleHtml: '', mounts: { '/fixtures/': fixturesDir, '/recorder/': recorderDir }, view: () => baseView });
  browser = await chromium.launch({
    executablePath: process.env['TANDEM_CHROMIUM'] ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
      '--disable-quic', '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await customerSite?.close();
  if (recorderDir) await rm(recorderDir, { recursive: true, force: true });
});

test('the console authenticates with the token from the fragment and removes it from the address bar', async (t) => {
  const d = await openDesk(t, { connect: false });
  await d.agent.goto(`${d.relay.origin}/console#token=${GOOD_TOKEN}`);
  const auth = await d.relay.waitFor('auth');
  assert.equal(auth.token, GOOD_TOKEN);
  assert.ok(!d.agent.url().includes(GOOD_TOKEN), `token still in ${d.agent.url()}`);
  await d.waitForConsoleText('link-text', 'Connected');
  await d.waitForConsoleText('call-text', 'On call with Jo Bloggs');
  await d.shoot('1-ready');
});

test('inviting shows the code and phrase, and the timeline follows the invite', async (t) => {
  const d = await openDesk(t);
  const since = d.relay.received().length;
  await d.agent.evaluate(() => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    (root.getElementById('channel') as HTMLSelectElement).value = 'sms';
  });
  await d.clickTool('invite');
  const create = await d.relay.waitFor('invite.create', undefined, since);
  assert.deepEqual(create.channels, ['sms']);

  const invite: NonNullable<AgentView['invite']> = {
    id: 'inv_1', state: 'created', code: '4829130751', phrase: 'amber harbour',
    expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(), deliveries: [{ channel: 'sms', state: 'pending' }],
  };
  d.sendEvent('invite.created', { channels: ['sms'], code: invite.code });
  d.setView({ ...d.view, invite });
  await d.waitForConsoleText('code', '482 913 0751');
  await d.waitForConsoleText('phrase', 'amber harbour');
  d.sendEvent('invite.delivered', { channel: 'sms' });
  d.setView({ ...d.view, invite: { ...invite, state: 'delivered', deliveries: [{ channel: 'sms', state: 'delivered' }] } });
  await d.waitForConsoleText('invite-state', 'Waiting for the customer');
  d.sendEvent('invite.opened', { via: 'link' });
  await d.waitForConsoleText('timeline', 'Customer opened the link');
  await d.shoot('2-invite-pending');

  d.sendEvent('invite.accepted', {});
  d.sendEvent('session.started', {});
  d.setView({
    ...d.view,
    invite: { ...invite, state: 'accepted' },
    session: { id: 'ses_1', state: 'active', control: false, endReason: null },
    customerLink: 'connected',
  });
  await d.waitForConsoleText('customer-text', 'Customer connected');
  // The timeline is drawn once per frame, however many events arrived in it.
  await d.waitForConsoleText('timeline', 'Cobrowse started');
  const timeline = await d.consoleText('timeline');
  const steps = ['Invite created', 'Delivered by text message', 'Customer opened the link', 'Customer accepted', 'Cobrowse started'];
  let at = -1;
  for (const step of steps) {
    const next = timeline.indexOf(step);
    assert.ok(next > at, `timeline out of order or missing "${step}": ${timeline}`);
    at = next;
  }
});

test('a snapshot from a real recording becomes a replica in an iframe sandboxed without allow-scripts', async (t) => {
  const d = await openDesk(t);
  d.setView(sharingView);
  await d.sendSnapshot();
  await d.waitForReplicaText('Northwind Bank');
  await d.waitForReplicaText('£2,418.07');
  const sandboxes = await d.agent.evaluate(() =>
    [...document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('iframe')].map((f) => f.getAttribute('sandbox')));
  assert.deepEqual(sandboxes, ['allow-same-origin']);
  await d.waitForConsoleText('viewport', '1280 × 720');
});

test('the replay frame is made before the snapshot, shows nothing until then, and is the one the snapshot is shown in', async (t) => {
  const d = await openDesk(t);
  const frames = () => d.agent.evaluate(() => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    return [...root.querySelectorAll<HTMLIFrameElement>('.replica-layer iframe')].map((f) => ({
      sandbox: f.getAttribute('sandbox'),
      display: f.style.display,
      made: f.dataset['madeBeforeSnapshot'] ?? null,
      text: f.contentDocument?.body?.innerText ?? '',
    }));
  });
  // Connected, no snapshot yet: one frame, sandboxed like any replica, and nothing of it on screen.
  assert.deepEqual(await frames(), [{ sandbox: 'allow-same-origin', display: 'none', made: null, text: '' }]);
  const frameHidden = () => document.querySelector('tandem-console')!.shadowRoot!.querySelector<HTMLElement>('.replica-frame')!.hidden;
  assert.equal(await d.agent.evaluate(frameHidden), true);
  await d.agent.evaluate(() => {
    document.querySelector('tandem-console')!.shadowRoot!.querySelector<HTMLIFrameElement>('.replica-layer iframe')!.dataset['madeBeforeSnapshot'] = 'yes';
  });
  await d.share();
  const shown = await frames();
  assert.equal(shown.length, 1, 'one replica frame, no second one left behind');
  assert.equal(shown[0]!.made, 'yes', 'the snapshot was shown in the frame made before it');
  assert.notEqual(shown[0]!.display, 'none');
  assert.match(shown[0]!.text, /Northwind Bank/);
  // A later snapshot starts a new replayer as before: the old frame goes, the new one shows the page.
  await d.customer.evaluate(() => {
    document.getElementById('status')!.textContent = 'Status: Sent again';
  });
  await d.sendSnapshot();
  await d.waitForReplicaText('Sent again');
  await d.agent.waitForFunction(() => document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('.replica-layer iframe').length === 1);
  const after = await frames();
  assert.equal(after[0]!.made, null, 'a new frame for the new snapshot');
  assert.match(after[0]!.text, /Sent again/);
});

test('the first snapshot is on screen, styled, before rrweb builds it; rrweb then takes over that document and applies what came meanwhile', async (t) => {
  const d = await openDesk(t, { connect: false });
  // Frames drawn 300 ms late: the first view stays up until rrweb's takeover falls due without one.
  await d.agent.addInitScript(() => {
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) => window.setTimeout(() => raf(cb), 300);
  });
  await d.connect();
  // Notes the first replica document that has the page's balance, with how the layer was built then.
  await d.agent.evaluate(`(() => {
    const root = document.querySelector('tandem-console').shadowRoot;
    window.firstView = null;
    const look = () => {
      const layer = root.querySelector('.replica-layer');
      const doc = layer && layer.querySelector('iframe') && layer.querySelector('iframe').contentDocument;
      const balance = doc && doc.getElementById('balance');
      if (!balance) return void setTimeout(look, 1);
      window.firstView = { build: layer.dataset.build || null, balance, color: doc.defaultView.getComputedStyle(balance).color };
    };
    look();
  })()`);
  d.sendEvent('session.started', {});
  d.setView(sharingView);
  await d.customer.evaluate(() => window.tandemRecorder.snapshot());
  // As the relay sends one: the page's newest Meta and full snapshot (the recording holds its first one too).
  const recorded = await d.recorded();
  const snapshot = recorded.slice(recorded.findLastIndex((e) => e.type === 4));
  await d.customer.evaluate(() => { document.getElementById('status')!.textContent = 'Status: Changed meanwhile'; });
  const change = await d.recorded();
  // Snapshot and change back to back: the change arrives while the first view waits for rrweb.
  d.relay.sendFrame(FRAME_KIND.SNAPSHOT, 1, snapshot, true);
  d.relay.sendFrame(FRAME_KIND.DELTA, 2, change, true);
  await d.waitForReplicaText('Changed meanwhile');
  const seen = await d.agent.evaluate(() => {
    const w = window as unknown as { firstView: { build: string | null; balance: Element; color: string } | null };
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    const layers = root.querySelectorAll<HTMLElement>('.replica-layer');
    const doc = layers[0]!.querySelector('iframe')!.contentDocument!;
    return {
      first: w.firstView && { build: w.firstView.build, color: w.firstView.color },
      layers: layers.length,
      build: layers[0]!.dataset['build'] ?? null,
      sameNode: w.firstView?.balance === doc.getElementById('balance'),
      color: doc.defaultView!.getComputedStyle(doc.getElementById('balance')!).color,
      pageSheets: [...doc.querySelectorAll('style')].filter((st) => st.textContent!.includes('Georgia')).length,
    };
  });
  assert.deepEqual(seen.first, { build: null, color: 'rgb(14, 77, 60)' }, 'shown with the page\'s style sheet before rrweb built anything');
  assert.equal(seen.layers, 1);
  assert.equal(seen.build, 'parser', 'rrweb took the first view over through the parsed build');
  assert.equal(seen.sameNode, true, 'the document shown first is the one rrweb took over, not rebuilt');
  assert.equal(seen.color, 'rgb(14, 77, 60)');
  assert.equal(seen.pageSheets, 1, 'the plain style sheet was replaced by rrweb\'s, not doubled');
});

test('deltas (compressed or not) show page changes in the replica', async (t) => {
  const d = await openDesk(t);
  await d.share();
  await d.customer.evaluate(() => {
    document.getElementById('balance')!.textContent = '£1,900.00';
  });
  await d.sendDelta(d.customer, true);
  await d.waitForReplicaText('£1,900.00');
  await d.customer.evaluate(() => {
    document.getElementById('status')!.textContent = 'Status: Payment pending';
  });
  await d.sendDelta(d.customer, false);
  await d.waitForReplicaText('Payment pending');
});

test('the customer\'s cursor is drawn where their pointer is, and follows their scroll', async (t) => {
  const d = await openDesk(t);
  await d.share();
  d.relay.sendFrame(FRAME_KIND.POINTER, 0, { x: 400, y: 300 });
  const cursorAt = () => d.agent.evaluate(() => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    const cursor = root.querySelector('.replica-cursor') as HTMLElement;
    const frame = root.querySelector('.replica-frame')!.getBoundingClientRect();
    const box = cursor.getBoundingClientRect();
    return cursor.hidden ? null : { x: box.left - frame.left, y: box.top - frame.top, scale: frame.width / 1280 };
  });
  await d.agent.waitForFunction(() => !(document.querySelector('tandem-console')!.shadowRoot!.querySelector('.replica-cursor') as HTMLElement).hidden);
  await d.agent.waitForTimeout(120);
  const first = await cursorAt();
  assert.ok(first, 'cursor hidden');
  assert.ok(Math.abs(first.x - 400 * first.scale) < 2 && Math.abs(first.y - 300 * first.scale) < 2, JSON.stringify(first));

  await d.customer.evaluate(() => window.scrollTo(0, 200));
  await d.customer.waitForTimeout(150);
  await d.sendDelta();
  d.relay.sendFrame(FRAME_KIND.POINTER, 0, { x: 500, y: 560 });
  await d.agent.waitForFunction(() => {
    const layers = document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('.replica-layer iframe');
    return (layers[layers.length - 1] as HTMLIFrameElement).contentWindow!.scrollY === 200;
  }, undefined, { timeout: 5_000 });
  await d.agent.waitForTimeout(150);
  const second = await cursorAt();
  assert.ok(second, 'cursor hidden after scroll');
  assert.ok(Math.abs(second.x - 500 * second.scale) < 2 && Math.abs(second.y - 360 * second.scale) < 2, JSON.stringify(second));
});

test('pointer mode sends the agent\'s pointer in page coordinates', async (t) => {
  const d = await openDesk(t);
  await d.share();
  const target = await d.locateInReplica('#balance');
  const since = d.relay.received().length;
  await d.agent.mouse.move(target.x, target.y, { steps: 4 });
  const message = await d.relay.waitFor('pointer', (m) => m.visible && Math.abs(m.x - target.pageX) <= 2 && Math.abs(m.y - target.pageY) <= 2, since);
  assert.equal(message.visible, true);
  await d.shoot('3-replica-pointer');
  await d.agent.mouse.move(5, 5);
  await d.relay.waitFor('pointer', (m) => !m.visible, since);
});

test('highlight mode sends the clicked element\'s rrweb node id', async (t) => {
  const d = await openDesk(t);
  await d.share();
  await d.clickTool('tool-highlight');
  const target = await d.locateInReplica('#save');
  const expectedId = await d.customer.evaluate(() => window.tandemRecorder.idOf('#save'));
  assert.ok(expectedId > 0);
  const since = d.relay.received().length;
  await d.agent.mouse.click(target.x, target.y);
  const message = await d.relay.waitFor('highlight', undefined, since);
  assert.equal(message.nodeId, expectedId);
  await d.agent.waitForFunction(() => !(document.querySelector('tandem-console')!.shadowRoot!.querySelector('.replica-highlight') as HTMLElement).hidden);
  await d.shoot('4-highlight');
  await d.agent.keyboard.press('Escape');
  const cleared = await d.relay.waitFor('highlight', (m) => m.nodeId === null, since);
  assert.equal(cleared.nodeId, null);
});

test('control: requested, waited for, then clicks, typing and scrolling become commands', async (t) => {
  const d = await openDesk(t);
  await d.share();
  let since = d.relay.received().length;
  await d.clickTool('control');
  await d.relay.waitFor('control.request', undefined, since);
  await d.waitForConsoleText('control-text', 'Waiting for customer');
  await d.shoot('5-control-waiting');

  d.sendEvent('session.control_granted', {});
  d.setView({ ...d.view, session: { ...d.view.session!, control: true } });
  await d.waitForConsoleText('control-text', 'Control on');

  const city = await d.locateInReplica('#city');
  const cityId = await d.customer.evaluate(() => window.tandemRecorder.idOf('#city'));
  since = d.relay.received().length;
  await d.agent.mouse.click(city.x, city.y);
  const click = await d.relay.waitFor('control.command', (m) => m.command.action === 'click', since);
  assert.deepEqual({ ...click.command, x: 0, y: 0 }, { action: 'click', nodeId: cityId, x: 0, y: 0 });

  await d.agent.keyboard.type('Bristol');
  await d.agent.keyboard.press('Enter');
  await d.relay.waitFor('control.command', (m) => m.command.action === 'key', since);
  const typed = d.relay.received().slice(since).flatMap((m) => (m.type === 'control.command' && m.command.action === 'type' ? [m.command.text] : []));
  assert.equal(typed.join(''), 'Bristol');
  const key = d.relay.received().slice(since).find((m) => m.type === 'control.command' && m.command.action === 'key');
  assert.deepEqual(key && key.type === 'control.command' ? key.command : null, { action: 'key', nodeId: cityId, key: 'Enter' });

  await d.agent.mouse.move(city.x, city.y + 60);
  await d.agent.mouse.wheel(0, 240);
  const scroll = await d.relay.waitFor('control.command', (m) => m.command.action === 'scroll', since);
  assert.ok(scroll.command.action === 'scroll' && scroll.command.y > 200 && scroll.command.nodeId === undefined, JSON.stringify(scroll.command));

  // The page's refusal code becomes a sentence: the agent never reads "masked_field".
  d.relay.sendJson({ type: 'control.result', id: 1, ok: false, error: 'masked_field' });
  await d.waitForConsoleText('notice', 'That field is private on the customer\'s page');
  assert.ok(!(await d.consoleText('notice')).includes('masked_field'));
  await d.shoot('6-control-on');
});

test('zoom and expand: the replica reads at 200 %, fills the console when expanded, and clicks still land on the page\'s element', async (t) => {
  const d = await openDesk(t);
  await d.share();
  d.sendEvent('session.control_granted', {});
  d.setView({ ...d.view, session: { ...d.view.session!, control: true } });
  await d.waitForConsoleText('control-text', 'Control on');
  await d.waitForConsoleText('viewport', '(fit)');
  const fitted = await d.locateInReplica('#city');
  // Fit fills the stage's width, not its height: the old fit-both drew this console's replica smaller.
  const stageWidth = await d.agent.evaluate(() => document.querySelector('tandem-console')!.shadowRoot!.getElementById('stage')!.clientWidth);
  assert.ok(Math.abs(fitted.scale - stageWidth / 1280) < 0.01, JSON.stringify({ fitted, stageWidth }));

  for (let i = 0; i < 12; i += 1) await d.clickTool('zoom-in');
  await d.waitForConsoleText('viewport', '1280 × 720 · 200%');
  assert.equal(await d.consoleText('viewport').then((text) => text.includes('(fit)')), false);
  await d.scrollStageTo('#city');
  const city = await d.locateInReplica('#city');
  assert.ok(Math.abs(city.scale - 2) < 0.01, JSON.stringify(city));
  const cityId = await d.customer.evaluate(() => window.tandemRecorder.idOf('#city'));
  let since = d.relay.received().length;
  await d.agent.mouse.move(city.x, city.y, { steps: 3 });
  await d.relay.waitFor('pointer', (m) => m.visible && Math.abs(m.x - city.pageX) <= 1 && Math.abs(m.y - city.pageY) <= 1, since);
  await d.agent.mouse.click(city.x, city.y);
  const click = await d.relay.waitFor('control.command', (m) => m.command.action === 'click', since);
  assert.ok(click.command.action === 'click' && click.command.nodeId === cityId
    && Math.abs((click.command.x ?? -99) - city.pageX) <= 1 && Math.abs((click.command.y ?? -99) - city.pageY) <= 1, JSON.stringify({ click, city }));
  await d.shoot('6b-zoom-200');

  // Keyboard: 0 on the replica fits again (outside control mode; in control mode keys go to the page).
  d.setView({ ...d.view, session: { ...d.view.session!, control: false } });
  await d.waitForConsoleText('control-text', 'Request control');
  await d.agent.evaluate(() => (document.querySelector('tandem-console')!.shadowRoot!.querySelector('.replica-surface') as HTMLElement).focus());
  await d.agent.keyboard.press('-');
  await d.waitForConsoleText('viewport', '175%');
  await d.agent.keyboard.press('0');
  await d.waitForConsoleText('viewport', '(fit)');

  await d.clickTool('expand');
  await d.agent.waitForFunction(() => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    return getComputedStyle(root.querySelector('.side')!).display === 'none' && root.getElementById('expand')!.getAttribute('aria-pressed') === 'true';
  });
  await d.agent.waitForTimeout(100);
  const expanded = await d.locateInReplica('#balance');
  assert.ok(expanded.scale > fitted.scale + 0.15, `expanded ${expanded.scale} vs fitted ${fitted.scale}`);
  since = d.relay.received().length;
  await d.agent.mouse.move(expanded.x, expanded.y, { steps: 3 });
  await d.relay.waitFor('pointer', (m) => m.visible && Math.abs(m.x - expanded.pageX) <= 1 && Math.abs(m.y - expanded.pageY) <= 1, since);
  await d.shoot('6c-expanded');
  await d.agent.evaluate(() => (document.querySelector('tandem-console')!.shadowRoot!.getElementById('expand') as HTMLElement).focus());
  await d.agent.keyboard.press('Escape');
  await d.agent.waitForFunction(() => getComputedStyle(document.querySelector('tandem-console')!.shadowRoot!.querySelector('.side')!).display !== 'none');
  await d.agent.mouse.move(5, 5);
});

test('a missing delta asks for a snapshot and skips deltas until it arrives', async (t) => {
  const d = await openDesk(t);
  await d.share();
  const since = d.relay.received().length;
  await d.customer.evaluate(() => {
    document.getElementById('status')!.textContent = 'Status: Lost on the way';
  });
  await d.recorded();
  d.seq += 1; // that frame never reaches the console
  await d.customer.evaluate(() => {
    document.getElementById('balance')!.textContent = '£1,234.56';
  });
  await d.sendDelta();
  const request = await d.relay.waitFor('snapshot.request', undefined, since);
  assert.equal(request.reason, 'agent_gap');
  await d.agent.waitForTimeout(200);
  assert.ok(!(await d.replicaText()).includes('£1,234.56'), 'a delta after the gap was applied');
  await d.sendSnapshot();
  await d.waitForReplicaText('Lost on the way');
  await d.waitForReplicaText('£1,234.56');
  assert.equal(d.relay.received().slice(since).filter((m) => m.type === 'snapshot.request').length, 1);
});

test('behind a balancer that drops the handshake\'s subprotocol, the console still connects, with its token in its first message', async (t) => {
  const d = await openDesk(t, { connect: false, ignoreProtocols: true });
  await d.agent.goto(`${d.relay.origin}/console#token=${GOOD_TOKEN}`);
  const auth = await d.relay.waitFor('auth', undefined, 0, 10_000);
  assert.equal(auth.token, GOOD_TOKEN);
  await d.waitForConsoleText('link-text', 'Connected');
  const opened = d.relay.opened();
  assert.equal(opened.handshake, 0);
  assert.ok(opened.all >= 2, `the refused handshake, then a socket that sent the token: ${JSON.stringify(opened)}`);
  await d.share();
});

test('a dropped connection shows reconnecting, then reconnects and authenticates again', async (t) => {
  const d = await openDesk(t);
  await d.share();
  const since = d.relay.received().length;
  d.relay.dropAll();
  await d.waitForConsoleText('link-text', 'Reconnecting');
  await d.shoot('7-reconnecting');
  const auth = await d.relay.waitFor('auth', undefined, since, 10_000);
  assert.equal(auth.token, GOOD_TOKEN);
  await d.waitForConsoleText('link-text', 'Connected');
  await d.sendSnapshot();
  await d.waitForReplicaText('Northwind Bank');
});

test('a hostile page runs no script in the console', async (t) => {
  const d = await openDesk(t);
  await d.share();
  const hostile = await (await browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
  const sourcePwned: string[] = [];
  await hostile.exposeBinding('reportPwned', (_source, tag: string) => void sourcePwned.push(tag));
  await hostile.goto(customerSite.origin + '/fixtures/hostile.html');
  await hostile.evaluate(() => window.tandemRecorder.start());
  await hostile.waitForTimeout(300);
  // Positive control: the same payloads do run on a page that allows scripts.
  assert.ok(sourcePwned.includes('img') && sourcePwned.includes('script'), `payloads did not fire on the source page: ${sourcePwned}`);

  const since = d.relay.received().length;
  await d.sendSnapshot(hostile);
  await d.waitForReplicaText('Hostile content rendered');
  // Hand-made frames a modified browser could send: what rrweb's recorder would never emit.
  const bodyId = await hostile.evaluate(() => window.tandemRecorder.idOf('body'));
  const linkId = await hostile.evaluate(() => window.tandemRecorder.idOf('#jslink'));
  const payload = (tag: string) => `top.__pwned=(top.__pwned||[]).concat('${tag}');window.reportPwned&&reportPwned('${tag}');fetch('/pwned?${tag}')`;
  // rrweb mutations carry one node per entry; children are entries of their own.
  const el = (id: number, tagName: string, attributes: Record<string, string>, parentId = bodyId) =>
    ({ parentId, nextId: null, node: { id, type: 2, tagName, attributes, childNodes: [] } });
  const txt = (id: number, textContent: string, parentId: number) => ({ parentId, nextId: null, node: { id, type: 3, textContent } });
  d.seq += 1;
  d.relay.sendFrame(FRAME_KIND.DELTA, d.seq, [{
    type: 3,
    timestamp: Date.now(),
    data: {
      source: 0, texts: [], removes: [],
      attributes: [{ id: linkId, attributes: { onclick: payload('attr-onclick'), href: `javascript:${payload('attr-href')}` } }],
      adds: [
        el(90001, 'script', {}),
        txt(90002, payload('crafted-script'), 90001),
        el(90003, 'img', { src: '/missing.png', onerror: payload('crafted-img') }),
        el(90004, 'iframe', { srcdoc: `<script>${payload('crafted-srcdoc')}</script>` }),
        el(90005, 'svg', { onload: payload('crafted-svg') }),
        el(90006, 'meta', { 'http-equiv': 'refresh', content: `0;url=javascript:${payload('crafted-meta')}` }),
        el(90007, 'iframe', { src: `javascript:${payload('crafted-iframe-src')}` }),
        el(90008, 'p', { id: 'crafted-marker' }),
        txt(90009, 'Crafted frame applied', 90008),
      ],
    },
  }]);
  await d.waitForReplicaText('Crafted frame applied');

  // The sandbox alone, without the scrubbing: write handlers straight into the replica document.
  await d.agent.evaluate(() => {
    const layers = document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('.replica-layer iframe');
    const doc = (layers[layers.length - 1] as HTMLIFrameElement).contentDocument!;
    const payload = "top.__pwned=(top.__pwned||[]).concat('direct');window.reportPwned&&reportPwned('direct');fetch('/pwned?direct')";
    doc.body.insertAdjacentHTML('beforeend', `<img src="/missing-2.png" onerror="${payload}"><svg onload="${payload}"></svg>`);
    const script = doc.createElement('script');
    script.textContent = payload;
    doc.body.append(script);
  });
  // Hover and click over the replica, which would fire inline mouse handlers if any existed.
  const link = await d.locateInReplica('#marker');
  await d.agent.mouse.move(link.x, link.y);
  await d.agent.mouse.click(link.x, link.y);
  await d.agent.waitForTimeout(1_000);

  assert.equal(await d.agent.evaluate(() => (window as { __pwned?: unknown }).__pwned ?? null), null);
  assert.deepEqual(d.pwnedCalls, []);
  assert.deepEqual(d.relay.pwnedHits(), []);
  const replicaUrls = await d.agent.evaluate(() =>
    [...document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('iframe')].map((f) => f.contentWindow?.location.href));
  // rrweb writes the replica with document.open(), which gives it the console's URL; anything
  // else would mean the replica navigated somewhere.
  const consoleUrl = d.agent.url();
  assert.ok(replicaUrls.length === 1 && (replicaUrls[0] === consoleUrl || replicaUrls[0] === 'about:blank'), `the replica navigated: ${replicaUrls}`);
  assert.ok(!d.relay.received().slice(since).some((m) => m.type === 'auth'), 'the console reloaded');
  await d.shoot('8-hostile');
  await hostile.context().close();
});

test('embedded in a desktop page without CSP, the sandbox keeps the customer\'s scripts out and the scrubbing their documents', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = sharingView;
  const desktop = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const calls: string[] = [];
  await desktop.context().exposeBinding('reportPwned', (_source, tag: string) => void calls.push(tag));
  desktop.on('pageerror', (error) => d.pageErrors.push(error.message));
  const since = d.relay.received().length;
  await desktop.goto(`${d.relay.origin}/desktop/embed.html#token=${GOOD_TOKEN}`);
  await d.relay.waitFor('auth', undefined, since);
  await desktop.waitForFunction(() => document.querySelector('tandem-console')?.shadowRoot?.getElementById('link-text')?.textContent === 'Connected');
  await d.sendSnapshot();
  await desktop.waitForFunction(() => {
    const iframe = document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-layer iframe') as HTMLIFrameElement | null;
    return iframe?.contentDocument?.body?.innerText.includes('Northwind Bank') ?? false;
  });
  // Hand-made frames that would make this page, which has no CSP, fetch documents of the sender's
  // choosing or move the replica's base (the relative image below would then hit /pwned).
  const bodyId = await d.customer.evaluate(() => window.tandemRecorder.idOf('body'));
  const add = (id: number, tagName: string, attributes: Record<string, string>, parentId = bodyId) =>
    ({ parentId, nextId: null, node: { id, type: 2, tagName, attributes, childNodes: [] } });
  d.seq += 1;
  d.relay.sendFrame(FRAME_KIND.DELTA, d.seq, [{
    type: 3,
    timestamp: Date.now(),
    data: {
      source: 0, texts: [], removes: [], attributes: [],
      adds: [
        add(91001, 'iframe', { src: `${d.relay.origin}/pwned?crafted-iframe-src`, width: '100' }),
        add(91002, 'object', { data: `${d.relay.origin}/pwned?crafted-object`, type: 'text/html' }),
        add(91003, 'embed', { src: `${d.relay.origin}/pwned?crafted-embed`, type: 'text/html' }),
        add(91004, 'base', { href: `${d.relay.origin}/pwned/base/` }),
        add(91005, 'link', { rel: 'prefetch', href: `${d.relay.origin}/pwned?crafted-prefetch` }),
        add(91006, 'p', {}),
        { parentId: 91006, nextId: null, node: { id: 91007, type: 3, textContent: 'Crafted into the desk' } },
      ],
    },
  }]);
  await desktop.waitForFunction(() => {
    const iframe = document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-layer iframe') as HTMLIFrameElement | null;
    return iframe?.contentDocument?.body?.innerText.includes('Crafted into the desk') ?? false;
  });
  // Straight into the replica document, past the scrubbing: only the sandbox can stop these.
  await desktop.evaluate(() => {
    const iframe = document.querySelector('tandem-console')!.shadowRoot!.querySelector('.replica-layer iframe') as HTMLIFrameElement;
    const doc = iframe.contentDocument!;
    const payload = "top.__pwned=(top.__pwned||[]).concat('embed');window.reportPwned&&reportPwned('embed');fetch('/pwned?embed')";
    const handlers = `<img src="/missing-3.png" onerror="${payload}"><svg onload="${payload}"></svg><details open ontoggle="${payload}"></details>`;
    doc.body.insertAdjacentHTML('beforeend', handlers);
    const script = doc.createElement('script');
    script.textContent = payload;
    doc.body.append(script);
    const link = doc.createElement('a');
    link.href = `javascript:${payload}`;
    doc.body.append(link);
    link.click();
  });
  await desktop.waitForTimeout(800);
  assert.equal(await desktop.evaluate(() => (window as { __pwned?: unknown }).__pwned ?? null), null);
  assert.deepEqual(calls, []);
  assert.deepEqual(d.relay.pwnedHits(), []);
  await desktop.screenshot({ path: join(screenshots, 'agent-embedded.png') });
  await desktop.context().close();
});

test('ending the session takes two presses and removes the replica when the session ends', async (t) => {
  const d = await openDesk(t);
  await d.share();
  const since = d.relay.received().length;
  await d.clickTool('end');
  await d.waitForConsoleText('end-text', 'Confirm end');
  assert.ok(!d.relay.received().slice(since).some((m) => m.type === 'session.end'));
  await d.clickTool('end');
  await d.relay.waitFor('session.end', undefined, since);
  d.sendEvent('session.ended', { reason: 'agent_ended' });
  d.setView({ ...d.view, session: { ...d.view.session!, state: 'ended', control: false, endReason: 'agent_ended' }, customerLink: 'gone' });
  await d.waitForConsoleText('empty-title', 'Cobrowse ended');
  assert.equal(await d.agent.evaluate(() => document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('iframe').length), 0);
  await d.waitForConsoleText('timeline', 'Cobrowse ended');
  await d.waitForConsoleText('empty-text', 'You ended it. Send a new invite to cobrowse again.');
  await d.shoot('9-ended');
  const times = await d.agent.evaluate(() =>
    [...document.querySelector('tandem-console')!.shadowRoot!.querySelectorAll('#timeline time')].map((el) => el.textContent));
  assert.ok(times.length > 3 && times.every((time) => /^\d{1,2}:\d{2}:\d{2}\s(AM|PM)$/.test(time ?? '')), `not en-US's own clock: ${times.join(', ')}`);

  // The customer stopped, then the call was hung up: the reason stays the customer's, and no new
  // invite is offered (the invite button is off without a call).
  d.setView({ ...d.view, conversationState: 'disconnected', session: { ...d.view.session!, endReason: 'customer_stopped' } });
  await d.waitForConsoleText('call-text', 'Call ended');
  await d.waitForConsoleText('empty-text', 'The customer stopped sharing.');
  assert.equal(await d.consoleText('empty-text'), 'The customer stopped sharing.');
  const inviteOff = await d.agent.evaluate(() =>
    (document.querySelector('tandem-console')!.shadowRoot!.getElementById('invite') as HTMLButtonElement).disabled);
  assert.equal(inviteOff, true);
  await d.shoot('9b-ended-after-hang-up');
  assert.deepEqual(d.pageErrors, []);
});

test('a code the customer reads is claimed, and only that code is talked about: the invite it makes shows no second code', async (t) => {
  const d = await openDesk(t);
  await d.waitForConsoleText('call-text', 'On call with Jo Bloggs');
  const since = d.relay.received().length;
  await d.agent.evaluate(() => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    (root.getElementById('claim') as HTMLInputElement).value = '482 913 5570';
    (root.getElementById('claim-button') as HTMLButtonElement).click();
  });
  const claim = await d.relay.waitFor('code.claim', undefined, since);
  assert.equal(claim.code, '4829135570');
  const expiresAt = new Date(Date.now() + 600_000).toISOString();
  const deliveries: NonNullable<AgentView['invite']>['deliveries'] = [{ channel: 'push', state: 'delivered' }];
  d.setView({ ...d.view, invite: { id: 'inv_claimed', state: 'delivered', code: '7301946628', phrase: 'quiet harbour', expiresAt, deliveries } });
  await d.waitForConsoleText('claim-msg', 'Code accepted');
  await d.waitForConsoleText('phrase', 'quiet harbour');
  const shown = await d.agent.evaluate(() => {
    const root = document.querySelector('tandem-console')!.shadowRoot!;
    const text = (root.getElementById('invite-pending') as HTMLElement).innerText;
    return { code: root.getElementById('code')!.hidden, say: root.getElementById('code-say')!.hidden, text };
  });
  assert.deepEqual([shown.code, shown.say], [true, true]);
  assert.ok(!shown.text.replace(/\s/g, '').includes('7301946628'), shown.text);
  await d.shoot('10-code-claimed');
  // An invite the agent sends still shows its code to read out.
  d.setView({ ...d.view, invite: { id: 'inv_sent', state: 'delivered', code: '5550001234', phrase: 'brave otter', expiresAt, deliveries: [] } });
  await d.waitForConsoleText('code', '555 000 1234');
  assert.equal(await d.agent.evaluate(() => document.querySelector('tandem-console')!.shadowRoot!.getElementById('code')!.hidden), false);
});

test('before the console loads, its page shows the customer\'s page as a scrubbed, sandboxed picture; the console swaps in its replica at once', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  // A page full of payloads (frames aside: a snapshot with frames is built by rrweb, never pictured).
  const hostile = await (await browser.newContext({ viewport: { width: 1024, height: 700 } })).newPage();
  await hostile.exposeBinding('reportPwned', () => undefined);
  await hostile.goto(customerSite.origin + '/fixtures/hostile.html');
  await hostile.evaluate(() => {
    for (const el of document.querySelectorAll('iframe, object')) el.remove();
    window.tandemRecorder.start();
  });
  // Notes, in the task that removes the picture, whether the console's replica has the page by then.
  await d.agent.addInitScript(() => {
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.removedNodes) {
        if (!(n instanceof HTMLIFrameElement) || !n.classList.contains('tandem-early-view')) continue;
        const replica = document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-layer iframe') as HTMLIFrameElement | null;
        const replicaHasPage = replica?.contentDocument?.body?.innerText.includes('Hostile content rendered') ?? false;
        (window as unknown as { pictureGone: unknown }).pictureGone = { replicaHasPage };
      }
    }).observe(document, { childList: true, subtree: true });
  });
  // The console itself is held back: only the page's first, small script is running.
  const release = await d.openConsoleHeld();
  // The frame is made while the link opens, hidden, and is the one the picture is drawn in.
  await d.agent.waitForFunction(() => {
    const spare = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement | null;
    (window as unknown as { spare: unknown }).spare = spare;
    return spare?.style.visibility === 'hidden';
  });
  await d.sendSnapshot(hostile);
  await d.agent.waitForFunction(() => {
    const frame = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement | null;
    return frame?.contentDocument?.body?.innerText.includes('Hostile content rendered') ?? false;
  });
  const picture = await d.agent.evaluate(() => {
    const frame = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement;
    const doc = frame.contentDocument!;
    const all = [...doc.querySelectorAll('*')];
    return {
      consoleStarted: customElements.get('tandem-console') !== undefined,
      sameFrame: frame === (window as unknown as { spare: unknown }).spare && document.querySelectorAll('iframe.tandem-early-view').length === 1,
      sandbox: frame.getAttribute('sandbox'),
      scripts: doc.querySelectorAll('script').length,
      handlers: all.flatMap((el) => [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}.${a.name}`)),
      jsUrls: all.flatMap((el) => [...el.attributes].filter((a) => /javascript:/i.test(a.value)).map((a) => `${el.tagName}.${a.name}`)),
      metas: doc.querySelectorAll('meta[http-equiv]').length,
      heading: doc.querySelector('h1')?.textContent ?? null,
      box: { w: Math.round(frame.getBoundingClientRect().width), h: Math.round(frame.getBoundingClientRect().height) },
    };
  });
  await d.shoot('early-picture');
  assert.equal(picture.consoleStarted, false, 'the console had not started: the picture is the page\'s first script\'s');
  assert.equal(picture.sandbox, 'allow-same-origin');
  assert.equal(picture.sameFrame, true, 'drawn in the frame made beforehand');
  assert.deepEqual([picture.scripts, picture.handlers, picture.jsUrls, picture.metas], [0, [], [], 0], 'the picture is scrubbed like the replica');
  assert.equal(picture.heading, 'Hostile page under test');
  assert.deepEqual(picture.box, { w: 1024, h: 700 }, 'the customer\'s viewport, at full size in a larger window');
  release();
  await d.waitForReplicaText('Hostile content rendered');
  const after = await d.agent.evaluate(() => ({
    pictures: document.querySelectorAll('iframe.tandem-early-view').length,
    gone: (window as unknown as { pictureGone?: { replicaHasPage: boolean } }).pictureGone ?? null,
    pwned: (window as { __pwned?: unknown }).__pwned ?? null,
  }));
  assert.equal(after.pictures, 0, 'the picture went once the console showed the replica');
  assert.deepEqual(after.gone, { replicaHasPage: true }, 'it went in the task in which the replica had the page: no frame without it');
  assert.equal(after.pwned, null);
  assert.deepEqual(d.relay.pwnedHits(), []);
  // One socket, opened by the page's boot script with the token in its handshake, and taken over.
  assert.deepEqual(d.relay.opened(), { handshake: 1, all: 1 });
  await hostile.context().close();
});

test('the page\'s inline script pictures the customer\'s page before any of its script files has arrived; the console\'s link keeps the picture', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  const page = d.agent;
  // Every script file of the page is held: the link's (console-link.js and the chunk it shares
  // with the console) and the console's (console.js), each group until released.
  const hold = async (pattern: RegExp) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const asked: string[] = [];
    await page.route(pattern, async (route) => {
      asked.push(new URL(route.request().url()).pathname);
      await held;
      await route.continue();
    });
    return { release, asked };
  };
  const link = await hold(/\/agent\/console-(link|shared)\.js$/);
  const consoleJs = await hold(/\/agent\/console\.js$/);
  const since = d.relay.received().length;
  await page.goto(`${d.relay.origin}/console#token=${GOOD_TOKEN}`, { waitUntil: 'commit' });
  await d.relay.waitFor('auth', undefined, since);
  await d.sendSnapshot();
  await page.waitForFunction(() => {
    const frame = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement | null;
    return frame?.style.visibility === 'visible' && (frame.contentDocument?.body?.innerText.includes('Northwind Bank') ?? false);
  });
  // A second drawing of the same snapshot would be noted.
  const picture = await page.evaluate(() => {
    const frame = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement;
    const w = window as unknown as { redrawn: boolean; pictureFrame: HTMLIFrameElement };
    w.redrawn = false;
    w.pictureFrame = frame;
    // Drawing again means writing the document anew: every node of it replaced.
    new MutationObserver(() => (w.redrawn = true)).observe(frame.contentDocument!, { childList: true, subtree: true });
    return {
      pictures: document.querySelectorAll('iframe.tandem-early-view').length,
      sandbox: frame.getAttribute('sandbox'),
      scripts: frame.contentDocument!.querySelectorAll('script').length,
      balance: frame.contentDocument!.getElementById('balance')?.textContent ?? null,
    };
  });
  assert.deepEqual(link.asked.sort(), ['/agent/console-link.js', '/agent/console-shared.js'], 'the page asked for its link\'s scripts');
  assert.deepEqual(picture, { pictures: 1, sandbox: 'allow-same-origin', scripts: 0, balance: '£2,418.07' },
    'drawn by the page\'s inline script alone: none of its script files had been let through');
  await d.shoot('boot-picture');
  // The link's code takes the socket and the picture over, and reads the same snapshot again.
  link.release();
  await page.waitForFunction(() => (window as unknown as Record<string, unknown>)['__tandemBootLink'] === 'closed');
  await page.waitForTimeout(300);
  const kept = await page.evaluate(() => ({
    redrawn: (window as unknown as { redrawn: boolean }).redrawn,
    sameFrame: document.querySelector('iframe.tandem-early-view') === (window as unknown as { pictureFrame: HTMLIFrameElement }).pictureFrame,
    pictures: document.querySelectorAll('iframe.tandem-early-view').length,
    consoleStarted: customElements.get('tandem-console') !== undefined,
  }));
  assert.deepEqual(kept, { redrawn: false, sameFrame: true, pictures: 1, consoleStarted: false },
    'the link kept the picture it found, without drawing it again');
  consoleJs.release();
  await d.waitForReplicaText('Northwind Bank');
  await page.waitForFunction(() => document.querySelectorAll('iframe.tandem-early-view').length === 0);
  assert.deepEqual(d.relay.opened(), { handshake: 1, all: 1 }, 'one socket, the inline script\'s, taken over');
  assert.deepEqual(d.pageErrors, []);
});

test('the early picture is scrolled where the customer is, inner lists too, and sizes blocked elements as the replica does', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  // A blocked element (drawn as a box of its size) at the top, a page taller than the window, scrolled down.
  const scrolled = await d.customer.evaluate(() => {
    const blocked = document.createElement('div');
    blocked.className = 'rr-block';
    blocked.style.cssText = 'width: 240px; height: 90px';
    blocked.textContent = 'secret';
    document.body.prepend(blocked);
    // A list scrolled inside the page, as a chat or a basket is.
    const list = document.createElement('div');
    list.id = 'inner-list';
    list.style.cssText = 'height: 120px; overflow: auto';
    list.innerHTML = Array.from({ length: 30 }, (_, i) => `<p>Line ${i}</p>`).join('');
    document.body.prepend(list);
    list.scrollTop = 230;
    const tall = document.createElement('div');
    tall.style.height = '3000px';
    document.body.append(tall);
    window.scrollTo(0, 640);
    return window.scrollY;
  });
  const release = await d.openConsoleHeld();
  await d.customer.evaluate(() => window.tandemRecorder.snapshot());
  const recorded = await d.recorded();
  const snapshot = recorded.slice(recorded.findLastIndex((e) => e.type === 4));
  // As Tandem's SDK marks what it blocked (event-sanitizer.ts); this recorder is plain rrweb.
  const mark = (n: { attributes?: Record<string, unknown>; childNodes?: unknown[] }): void => {
    if (n.attributes && 'rr_width' in n.attributes) n.attributes['data-tandem-block'] = '';
    for (const c of n.childNodes ?? []) mark(c as typeof n);
  };
  mark((snapshot.find((e) => e.type === 2)!.data as { node: Parameters<typeof mark>[0] }).node);
  d.relay.sendFrame(FRAME_KIND.SNAPSHOT, 1, snapshot, true);
  const measure = (frame: HTMLIFrameElement) => {
    const block = frame.contentDocument!.querySelector<HTMLElement>('[data-tandem-block]')!;
    const box = block.getBoundingClientRect();
    return {
      scrollY: Math.round(frame.contentWindow!.scrollY),
      block: {
        w: Math.round(box.width), h: Math.round(box.height), striped: frame.contentWindow!.getComputedStyle(block).backgroundImage.includes('gradient'),
      },
      balanceTop: Math.round(frame.contentDocument!.getElementById('balance')!.getBoundingClientRect().top),
      listScrollTop: Math.round(frame.contentDocument!.getElementById('inner-list')!.scrollTop),
    };
  };
  await d.agent.waitForFunction(() => {
    const frame = document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement | null;
    return frame?.style.visibility === 'visible' && frame.contentDocument?.getElementById('balance') !== null;
  });
  const picture = await d.agent.evaluate(`(${measure.toString()})(document.querySelector('iframe.tandem-early-view'))`);
  release();
  await d.waitForReplicaText('Northwind Bank');
  await d.agent.waitForFunction(() => document.querySelectorAll('iframe.tandem-early-view').length === 0);
  // rrweb scrolls its replica smoothly to where the snapshot says.
  await d.agent.waitForFunction((y) => {
    const frame = document.querySelector('tandem-console')!.shadowRoot!.querySelector('.replica-layer iframe') as HTMLIFrameElement;
    return Math.round(frame.contentWindow!.scrollY) === y;
  }, scrolled, { timeout: 5_000 });
  const replica = await d.agent.evaluate(
    `(${measure.toString()})(document.querySelector('tandem-console').shadowRoot.querySelector('.replica-layer iframe'))`);
  assert.equal((picture as { scrollY: number }).scrollY, scrolled, 'the picture shows the part of the page the customer sees');
  assert.deepEqual((picture as { block: unknown }).block, { w: 240, h: 90, striped: true });
  assert.equal((picture as { listScrollTop: number }).listScrollTop, 230, 'a list the customer scrolled is shown where they scrolled it');
  assert.deepEqual(picture, replica, 'the picture and the replica that replaces it are laid out alike');
});

test('a page with frames is pictured too, each frame an empty sandboxed box that loads nothing', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  // A frame of the page's own (its document, with its own red style, is in the snapshot) and one
  // from another origin (a payment form: only its box is).
  const elsewhere = `${d.relay.origin}/payment-widget-${Date.now()}.html`;
  await d.customer.evaluate((src) => {
    const own = document.createElement('iframe');
    own.id = 'own-frame';
    own.style.cssText = 'width: 300px; height: 80px';
    own.srcdoc = '<style>h1 { color: rgb(255, 0, 0) } body { background: rgb(255, 0, 0) }</style><h1>Inside the frame</h1>';
    const other = document.createElement('iframe');
    other.id = 'payment';
    other.src = src;
    other.width = '320';
    other.height = '120';
    document.querySelector('main, .card, body')!.prepend(own, other);
    return new Promise((resolve) => own.addEventListener('load', resolve, { once: true }));
  }, elsewhere);
  const asked: string[] = [];
  d.agent.on('request', (r) => asked.push(r.url()));
  const release = await d.pictureHeld();
  const picture = await d.agent.evaluate(() => {
    const doc = (document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement).contentDocument!;
    const boxes: Record<string, unknown> = {};
    for (const id of ['own-frame', 'payment']) {
      const el = doc.getElementById(id)!;
      const rect = el.getBoundingClientRect();
      boxes[id] = { w: Math.round(rect.width), h: Math.round(rect.height), sandbox: el.getAttribute('sandbox'), src: el.getAttribute('src'),
        srcdoc: el.getAttribute('srcdoc') };
    }
    return {
      consoleStarted: customElements.get('tandem-console') !== undefined,
      own: boxes['own-frame'], payment: boxes['payment'],
      pageHeading: getComputedStyle(doc.querySelector('h1')!).color,
      pageBackground: getComputedStyle(doc.body).backgroundColor,
    };
  });
  await d.shoot('early-picture-frames');
  const onPage = await d.customer.evaluate(() => Object.fromEntries(['own-frame', 'payment'].map((id) => {
    const rect = document.getElementById(id)!.getBoundingClientRect();
    return [id, { w: Math.round(rect.width), h: Math.round(rect.height) }];
  })));
  assert.equal(picture.consoleStarted, false);
  // Sandboxed with no allowance, a frame is opaque even to the console: it has no page, and could run none.
  assert.deepEqual(picture.own, { ...onPage['own-frame'], sandbox: '', src: null, srcdoc: null }, 'the page\'s own frame: its box, empty');
  assert.deepEqual(picture.payment, { ...onPage['payment'], sandbox: '', src: null, srcdoc: null }, 'another origin\'s frame: its box, empty');
  assert.notEqual(picture.pageHeading, 'rgb(255, 0, 0)', 'the frame\'s style stays out of the page');
  assert.notEqual(picture.pageBackground, 'rgb(255, 0, 0)');
  release();
  await d.waitForReplicaText('Northwind Bank');
  await d.agent.waitForFunction(() => document.querySelectorAll('iframe.tandem-early-view').length === 0);
  assert.deepEqual(asked.filter((u) => u.includes('payment-widget')), [], 'the agent\'s browser never asked for the frame\'s page');
  assert.deepEqual(d.relay.opened(), { handshake: 1, all: 1 });
});

test('a page with a video and an audio player is pictured, each a box of its size that loads and plays nothing', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  const media = `${d.relay.origin}/media-${Date.now()}`;
  await d.customer.evaluate((src) => {
    const video = document.createElement('video');
    video.id = 'clip';
    video.controls = true;
    video.poster = `${src}-poster.png`;
    video.style.cssText = 'display: block; width: 320px; height: 180px';
    video.append(Object.assign(document.createElement('source'), { src: `${src}.webm` }));
    const audio = document.createElement('audio');
    audio.id = 'jingle';
    audio.controls = true;
    audio.src = `${src}.mp3`;
    document.querySelector('main, .card, body')!.prepend(video, audio);
  }, media);
  const asked: string[] = [];
  d.agent.on('request', (r) => asked.push(r.url()));
  const release = await d.pictureHeld();
  const boxes = `(doc) => Object.fromEntries(['clip', 'jingle'].map((id) => {
    const el = doc.getElementById(id);
    const rect = el.getBoundingClientRect();
    return [id, { w: Math.round(rect.width), h: Math.round(rect.height), x: Math.round(rect.left), y: Math.round(rect.top) }];
  }))`;
  const picture = await d.agent.evaluate(`(() => {
    const doc = document.querySelector('iframe.tandem-early-view').contentDocument;
    const loads = ['clip', 'jingle'].map((id) => {
      const el = doc.getElementById(id);
      return [el.currentSrc, el.getAttribute('src'), el.getAttribute('poster'), el.children.length];
    });
    return { boxes: (${boxes})(doc), loads };
  })()`) as { boxes: Record<string, unknown>; loads: unknown[] };
  await d.shoot('early-picture-media');
  const onPage = await d.customer.evaluate(`(${boxes})(document)`) as Record<string, unknown>;
  assert.deepEqual(picture.boxes, onPage, 'each player is pictured at its size and place on the page');
  assert.deepEqual(picture.loads, [['', null, null, 0], ['', null, null, 0]], 'nothing to load or play');
  release();
  await d.waitForReplicaText('Northwind Bank');
  await d.agent.waitForFunction(() => document.querySelectorAll('iframe.tandem-early-view').length === 0);
  assert.deepEqual(asked.filter((u) => u.includes('/media-')), [], 'the agent\'s browser never asked for the media');
});

/** Until `expression` is true in the console page (its policy forbids the eval waitForFunction polls with). */
async function agentUntil(d: Desk, expression: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await d.agent.evaluate(expression)) return;
    await d.agent.waitForTimeout(50);
  }
  assert.fail(`not true within 10 s: ${expression}`);
}

test('a page with dialogs is pictured too: a modal one open in the picture\'s top layer, an open one open, a closed one closed', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  // Strings, not functions: tsx names nested functions with a helper the page does not have.
  await d.customer.evaluate(`(() => {
    for (const [id, text] of [['closed-dialog', 'Closed notice'], ['note-dialog', 'Saved for later'], ['modal-dialog', 'Confirm the transfer']]) {
      const dialog = document.createElement('dialog');
      dialog.id = id;
      dialog.innerHTML = '<p>' + text + '</p><button type="button">OK</button>';
      document.body.append(dialog);
    }
    document.getElementById('note-dialog').show();
    const modal = document.getElementById('modal-dialog');
    modal.style.cssText = 'width: 360px; border: 3px solid rgb(0, 90, 200)';
    modal.showModal();
  })()`);
  const release = await d.pictureHeld();
  const stateOf = `(doc) => Object.fromEntries(['closed-dialog', 'note-dialog', 'modal-dialog'].map((id) => {
    const el = doc.getElementById(id);
    const rect = el.getBoundingClientRect();
    return [id, { open: el.open, modal: el.matches(':modal'), w: Math.round(rect.width), x: Math.round(rect.left), y: Math.round(rect.top) }];
  }))`;
  const picture = await d.agent.evaluate(`(() => {
    const doc = document.querySelector('iframe.tandem-early-view').contentDocument;
    return { dialogs: (${stateOf})(doc), consoleStarted: customElements.get('tandem-console') !== undefined,
      consoleFocus: document.activeElement === document.body || document.activeElement === null };
  })()`) as { dialogs: Record<string, unknown>; consoleStarted: boolean; consoleFocus: boolean };
  await d.shoot('early-picture-dialogs');
  const onPage = await d.customer.evaluate(`(${stateOf})(document)`) as Record<string, unknown>;
  assert.equal(picture.consoleStarted, false);
  assert.deepEqual(onPage['modal-dialog'], { ...(onPage['modal-dialog'] as object), open: true, modal: true }, 'the page\'s dialog is modal');
  assert.deepEqual(picture.dialogs, onPage, 'each dialog is pictured open, modal or closed as on the page, where it is on the page');
  assert.equal(picture.consoleFocus, true, 'opening the modal in the picture did not take the agent\'s focus');
  release();
  await d.waitForReplicaText('Northwind Bank');
  await d.agent.waitForFunction(() => document.querySelectorAll('iframe.tandem-early-view').length === 0);
  // The replica that replaced the picture has the same dialogs, and did not take the focus either.
  await agentUntil(d, `(() => {
    const frames = document.querySelector('tandem-console').shadowRoot.querySelectorAll('.replica-layer iframe');
    return frames[frames.length - 1]?.contentDocument?.getElementById('modal-dialog')?.matches(':modal') === true;
  })()`);
  const replica = await d.agent.evaluate(`(() => {
    const root = document.querySelector('tandem-console').shadowRoot;
    const frames = root.querySelectorAll('.replica-layer iframe');
    const doc = frames[frames.length - 1].contentDocument;
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return { dialogs: (${stateOf})(doc), focusInReplica: active?.tagName === 'IFRAME' || doc.activeElement !== doc.body };
  })()`) as { dialogs: Record<string, { open: boolean; modal: boolean }>; focusInReplica: boolean };
  assert.deepEqual(Object.fromEntries(Object.entries(replica.dialogs).map(([id, v]) => [id, { open: v.open, modal: v.modal }])),
    Object.fromEntries(Object.entries(onPage as Record<string, { open: boolean; modal: boolean }>).map(([id, v]) => [id, { open: v.open, modal: v.modal }])));
  assert.equal(replica.focusInReplica, false, 'the replica\'s modal did not take the agent\'s focus');
  assert.deepEqual(d.relay.opened(), { handshake: 1, all: 1 });
});

test('a dialog the customer opens while the agent is on a console control leaves the agent\'s focus there', async (t) => {
  const d = await openDesk(t);
  await d.share();
  const deepActive = `(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? el.tagName + '#' + el.id : null;
  })()`;
  const control = await d.agent.evaluate(`(() => {
    const button = [...document.querySelector('tandem-console').shadowRoot.querySelectorAll('button')].find((b) => !b.disabled && b.offsetParent);
    button.focus();
    return button.tagName + '#' + button.id;
  })()`) as string;
  assert.equal(await d.agent.evaluate(deepActive), control);
  await d.customer.evaluate(`(() => {
    const dialog = document.createElement('dialog');
    dialog.id = 'late-modal';
    dialog.innerHTML = '<p>Are you sure?</p><button type="button">Yes</button>';
    document.body.append(dialog);
    dialog.showModal();
  })()`);
  await d.sendDelta(d.customer, true);
  await agentUntil(d, `(() => {
    const frames = document.querySelector('tandem-console').shadowRoot.querySelectorAll('.replica-layer iframe');
    return frames[frames.length - 1]?.contentDocument?.getElementById('late-modal')?.matches(':modal') === true;
  })()`);
  assert.equal(await d.agent.evaluate(deepActive), control, 'the agent is still on the console\'s control');
});

test('a page with web components is pictured with their shadow roots, their own and adopted style sheets inside them only', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  await d.customer.evaluate(() => {
    customElements.define('price-tag', class extends HTMLElement {
      constructor() {
        super();
        const root = this.attachShadow({ mode: 'open' });
        root.innerHTML = '<style>.amount { color: rgb(10, 120, 200) }</style><span class="label">Offer</span> <span class="amount">£99</span> <slot></slot>';
        // A constructed sheet, as Lit's components have theirs.
        const sheet = new CSSStyleSheet();
        sheet.replaceSync('.label { color: rgb(200, 40, 40); font-weight: 700 }');
        root.adoptedStyleSheets = [sheet];
      }
    });
    const tag = document.createElement('price-tag');
    tag.id = 'tag';
    tag.textContent = 'per month';
    // The page's own .amount, which the component's sheet must not reach.
    const own = document.createElement('p');
    own.id = 'own-amount';
    own.className = 'amount';
    own.textContent = 'the page\'s own amount';
    document.body.prepend(tag, own);
  });
  const release = await d.pictureHeld();
  const picture = await d.agent.evaluate(() => {
    const doc = (document.querySelector('iframe.tandem-early-view') as HTMLIFrameElement).contentDocument!;
    const host = doc.getElementById('tag')!;
    const root = host.shadowRoot;
    const amount = root?.querySelector('.amount');
    const label = root?.querySelector('.label');
    return {
      consoleStarted: customElements.get('tandem-console') !== undefined,
      shadow: root ? root.textContent!.replace(/\s+/g, ' ').trim() : null,
      amount: amount ? getComputedStyle(amount).color : null,
      label: label ? getComputedStyle(label).color : null,
      slotted: (root?.querySelector('slot') as HTMLSlotElement | null)?.assignedNodes().map((n) => n.textContent).join('') ?? null,
      ownAmount: getComputedStyle(doc.getElementById('own-amount')!).color,
      templates: doc.querySelectorAll('template').length,
    };
  });
  await d.shoot('early-picture-shadow');
  assert.equal(picture.consoleStarted, false);
  assert.ok(picture.shadow?.includes('Offer') && picture.shadow.includes('£99'), `the shadow root's content is in the picture: ${picture.shadow}`);
  assert.equal(picture.amount, 'rgb(10, 120, 200)', 'the shadow root\'s own sheet applies inside it');
  assert.equal(picture.label, 'rgb(200, 40, 40)', 'so does the sheet it adopted');
  assert.equal(picture.slotted, 'per month', 'the host\'s own children are slotted as on the page');
  assert.notEqual(picture.ownAmount, 'rgb(10, 120, 200)', 'the component\'s sheet stays out of the page');
  assert.equal(picture.templates, 0, 'the parser made shadow roots of the templates');
  release();
  await d.waitForReplicaText('Northwind Bank');
  await d.agent.waitForFunction(() => document.querySelectorAll('iframe.tandem-early-view').length === 0);
  assert.deepEqual(d.relay.opened(), { handshake: 1, all: 1 });
});

test('the console page opens its link before the console has loaded, and shows what arrived meanwhile', async (t) => {
  const d = await openDesk(t, { connect: false });
  d.view = { ...baseView, session: { id: 'ses_early', state: 'active', control: false, endReason: null }, customerLink: 'connected' };
  const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('pageerror', (error) => d.pageErrors.push(error.message));
  // The console itself is held back until its link has authenticated and the customer's page has
  // been sent: only the page's first scripts can have opened that link.
  const release = await d.openConsoleHeld(page);
  await d.sendSnapshot();
  await page.waitForTimeout(100);
  release();
  await page.waitForFunction(() => {
    const iframe = document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-layer iframe') as HTMLIFrameElement | null;
    return iframe?.contentDocument?.body?.innerText.includes('Northwind Bank') ?? false;
  });
  // Built while the page was still loading, the replica must not keep it loading for ever.
  await page.waitForLoadState('load', { timeout: 5_000 });
  const replicaState = () =>
    (document.querySelector('tandem-console')!.shadowRoot!.querySelector('.replica-layer iframe') as HTMLIFrameElement).contentDocument!.readyState;
  assert.equal(await page.evaluate(replicaState), 'complete');
  assert.equal(await page.evaluate(() => document.querySelector('tandem-console')!.shadowRoot!.getElementById('veil')!.hidden), true);
  assert.ok(!page.url().includes(GOOD_TOKEN), `token still in ${page.url()}`);
  await page.context().close();
  assert.deepEqual(d.pageErrors, []);
});
