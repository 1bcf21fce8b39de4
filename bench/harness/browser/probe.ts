// In-page probes for the browser scenarios, evaluated into the customer's page and the agent's
// page over the DevTools protocol. Every time is performance.timeOrigin + performance.now(): one
// clock for all pages of one Chromium (both renderers derive it from the same monotonic clock).
const now = () => performance.timeOrigin + performance.now();

/** Documents of every replica iframe: the console's (in its shadow root) or the plain viewer's. */
function replicaDocs(): Document[] {
  const roots: ParentNode[] = [document];
  const consoleRoot = document.querySelector('tandem-console')?.shadowRoot;
  if (consoleRoot) roots.push(consoleRoot);
  const docs: Document[] = [];
  for (const r of roots) for (const f of r.querySelectorAll('iframe')) if (f.contentDocument) docs.push(f.contentDocument);
  return docs;
}

/** The element the agent sees as the customer's cursor. */
function cursorElement(): Element | null {
  return document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-cursor') ?? document.querySelector('.replayer-mouse');
}

const seen = new Map<number, number>();
const watched = new WeakSet<Document>();
const cursorLog: { t: number; style: string }[] = [];
const moves: { t: number; x: number; y: number }[] = [];
let joinedAt: number | null = null;
let builtAt: number | null = null;

function readProbe(doc: Document) {
  const m = /^m(\d+)$/.exec(doc.getElementById('probe')?.textContent ?? '');
  if (m && !seen.has(Number(m[1]))) seen.set(Number(m[1]), now());
}

const probe = {
  now,
  /** Customer page: change the probe element; returns when (just before the change). */
  mutate(i: number): number {
    const t = now();
    document.getElementById('probe')!.textContent = `m${i}`;
    return t;
  },
  /** Agent page: note when each probe value first appears in any replica document. */
  watchReplica(): void {
    const scan = () => {
      for (const doc of replicaDocs()) {
        if (watched.has(doc)) continue;
        watched.add(doc);
        new MutationObserver(() => readProbe(doc)).observe(doc, { subtree: true, childList: true, characterData: true });
        readProbe(doc);
      }
    };
    scan();
    setInterval(scan, 5);
  },
  seen: () => Object.fromEntries(seen),
  /** Customer page: when each mouse move happened and where (page coordinates). */
  watchMoves(): void {
    addEventListener('mousemove', (e) => moves.push({ t: now(), x: e.pageX, y: e.pageY }), { capture: true, passive: true });
  },
  moves: () => moves.slice(),
  /** Agent page: every style the cursor element goes through, with when. */
  watchCursor(): void {
    const attach = () => {
      const el = cursorElement();
      if (!el) return setTimeout(attach, 5);
      new MutationObserver((records) => {
        const t = now();
        const styles = records.filter((r) => r.attributeName === 'style');
        // Several changes in one task: each record's oldValue is the previous record's new value.
        for (let k = 0; k < styles.length; k++) cursorLog.push(
          { t, style: k + 1 < styles.length ? (styles[k + 1]!.oldValue ?? '') : (el.getAttribute('style') ?? '') });
      }).observe(el, { attributes: true, attributeOldValue: true, attributeFilter: ['style'] });
    };
    attach();
  },
  cursorLog: () => cursorLog.slice(),
  /**
   * Agent page (as an init script): when a replica first contains #last, and (Tandem's console)
   * when rrweb has built or taken over that replica, the moment it follows changes.
   */
  watchJoin(): void {
    // Told to the bench through a binding it exposed, if any (agent-join.ts): waiting with
    // page.waitForFunction would have Playwright evaluate its own script in the page being timed.
    const tell = (what: 'joined' | 'built') => (window as unknown as { benchJoinSeen?: (what: string) => void }).benchJoinSeen?.(what);
    const poll = () => {
      if (replicaDocs().some((d) => d.getElementById('last'))) {
        joinedAt = now();
        tell('joined');
      } else setTimeout(poll, 2);
    };
    poll();
    const pollBuilt = () => {
      if (document.querySelector('tandem-console')?.shadowRoot?.querySelector('.replica-layer[data-build]')) {
        builtAt = now();
        tell('built');
      } else setTimeout(pollBuilt, 2);
    };
    pollBuilt();
  },
  joinedAt: () => joinedAt,
  builtAt: () => builtAt,
  timeOrigin: () => performance.timeOrigin,
};

declare global {
  interface Window {
    benchProbe: typeof probe;
  }
}
window.benchProbe ??= probe;
