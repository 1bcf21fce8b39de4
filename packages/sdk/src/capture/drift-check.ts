// Now and then the page sends a checksum of its element tree as the stream names it; the replica
// computes the same over its own tree and asks for a fresh snapshot when they differ, so a replica
// that went wrong without a sequence gap (a delta rrweb could not apply, a page the recorder
// misread) heals within seconds instead of at the next checkpoint. Sent once mutations settle, every
// few seconds while they do not (a page that keeps changing is where a replica goes wrong), and now
// and then while the page is quiet; the walk is the page's only cost (median 4.2 ms at 10k elements
// in Chromium on the busy 2-core test machine: at most one walk per settled burst, or per busy
// period of a page that never settles).
import { DRIFT_CHECK_EVENT, treeChecksum, type DriftCheck } from '@tandem/protocol/wire';

export interface DriftCheckOptions {
  /** A check this long after the last change the stream carried. */
  settleMs?: number;
  /**
   * While changes keep coming, at most this long after the first change the last check did not
   * cover: a page that never settles (a ticker, a customer typing on) is checked every few seconds.
   */
  busyEveryMs?: number;
  /** And at least this often while nothing changes. */
  quietEveryMs?: number;
}

export interface DriftChecks {
  /** The stream carried a change (or a snapshot): check again once things settle. */
  noteActivity(): void;
  stop(): void;
}

export function startDriftChecks(doc: Document, idOf: (node: Node) => number, send: (tag: string, check: DriftCheck) => void,
  opts: DriftCheckOptions = {}): DriftChecks {
  const settleMs = opts.settleMs ?? 1_000;
  const busyEveryMs = opts.busyEveryMs ?? 5_000;
  const quietEveryMs = opts.quietEveryMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // When the armed timer fires. A burst notes activity for every event rrweb emits: the timer is
  // re-armed only when a check must come sooner, and otherwise finds out when it fires whether
  // the page has settled (clearing and setting a timer per event was a measurable part of
  // Tandem's own time in a mutation burst).
  let timerAt = Infinity;
  let stopped = false;
  let lastCheck = Date.now();
  let lastActivity = -Infinity;
  // The first change since the last check: a busy period counts from it, so a burst that starts
  // long after a check is not checked at its first change, and one shorter than the busy period
  // is checked once, when it settles.
  let firstUnchecked = Infinity;
  const arm = (at: number) => {
    clearTimeout(timer);
    timerAt = at;
    if (!stopped) timer = setTimeout(fire, Math.max(0, at - Date.now()));
  };
  // Settled since the last change, busy too long, or quiet too long: a check; otherwise wait for
  // whichever comes first.
  const dueAt = () => Math.min(lastActivity >= lastCheck ? lastActivity + settleMs : Infinity, firstUnchecked + busyEveryMs,
    lastCheck + quietEveryMs);
  const fire = () => {
    const due = dueAt();
    if (Date.now() >= due) check();
    else arm(due);
  };
  const check = () => {
    if (stopped) return;
    lastCheck = Date.now();
    firstUnchecked = Infinity;
    // Run from a timer, after the microtasks in which rrweb emitted every mutation made so far: the
    // sum is of the tree the stream has described, and it follows those deltas in the stream.
    try {
      send(DRIFT_CHECK_EVENT, treeChecksum(doc, idOf as (node: never) => number));
    } catch {
      // A page that broke the DOM calls the walk needs: no check, nothing else lost.
    }
    arm(lastCheck + quietEveryMs);
  };
  arm(lastCheck + quietEveryMs);
  return {
    noteActivity() {
      lastActivity = Date.now();
      if (firstUnchecked === Infinity) firstUnchecked = lastActivity;
      const due = dueAt();
      if (due < timerAt) arm(due);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
