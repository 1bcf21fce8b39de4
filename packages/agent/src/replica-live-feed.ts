// Hands events to rrweb's live Replayer and applies them in the same task, in the order they are
// handed over. rrweb's own addEvent defers each event to a microtask, and its live timer asks the
// browser for an animation frame for every event it queues, to apply it there (up to a frame
// later: bench, DOM change → replica). The console already ran that timer at once, but still paid
// for the request: requestAnimationFrame was the largest entry of the console's own per-change
// work in a CPU profile over single changes, and the frame's callback then found nothing to do.
// Here the event goes through rrweb's own state machine at once (the same ADD_EVENT rrweb sends:
// its event list, its ordering, its cast code), and the live timer is run at once (the same
// rafCheck as its animation frame) without a frame being asked for.
import type { Replayer } from 'rrweb';
import type { eventWithTime } from '@rrweb/types';

/** The parts of rrweb 2.2.2's live replay used here (private in its typings). */
interface LiveInternals {
  service: { send(event: { type: 'ADD_EVENT'; payload: { event: eventWithTime } }): void };
  timer: {
    /** null: stopped; true: idle (nothing queued); a number: an animation frame is asked for. */
    raf: number | true | null;
    rafCheck(): void;
  };
}

function internalsOf(replayer: Replayer): LiveInternals | null {
  const r = replayer as unknown as Partial<LiveInternals>;
  return typeof r.service?.send === 'function' && typeof r.timer?.rafCheck === 'function' && 'raf' in r.timer ? (r as LiveInternals) : null;
}

/**
 * rrweb's timer takes a number in `raf` for "a frame is already asked for" and then asks for none
 * when an event is queued; 0 is no request the browser ever hands out, so there is nothing to
 * cancel, and rafCheck below replaces it before anything else reads it.
 */
const NO_FRAME = 0;
/** Bounds the retries of one add(): each retry has one failed event fewer queued. */
const MAX_FAILED_EVENTS = 100;

export interface LiveFeed {
  /**
   * Adds the event and applies whatever is due, before returning. An event stamped before the
   * live baseline (a snapshot's) is applied as history, as rrweb does; one stamped later is
   * applied once due by rrweb's live clock (deltas are stamped to be due at once: see stamp()).
   */
  add(event: eventWithTime): void;
}

/** The live feed of a replayer already started with startLive(). */
export function liveFeed(replayer: Replayer): LiveFeed {
  const internals = internalsOf(replayer);
  if (!internals) {
    // An rrweb this code does not know: its own path (a microtask, then the next animation frame).
    return { add: (event) => replayer.addEvent(event) };
  }
  const { service, timer } = internals;
  return {
    add(event) {
      // Idle: queueing the event would ask for a frame that rafCheck, run now, makes needless.
      if (timer.raf === true) timer.raf = NO_FRAME;
      try {
        // rrweb's addEvent also marks its own cursor for touch events: the console hides that cursor.
        service.send({ type: 'ADD_EVENT', payload: { event } });
      } catch (error) {
        reportError(error);
      }
      runDue(timer);
    },
  };
}

/**
 * rrweb's tick, run now. As when rrweb applied each event in a task or microtask of its own, an
 * event whose application throws (a listener of the console's, say) is reported and does not keep
 * the events after it from being applied; nor is the timer left at NO_FRAME, which would stop
 * rrweb's own tick for good. Each failed run has taken the failed event off the queue.
 */
function runDue(timer: LiveInternals['timer']): void {
  for (let attempt = 0; attempt < MAX_FAILED_EVENTS && timer.raf !== null; attempt++) {
    try {
      timer.rafCheck();
      return;
    } catch (error) {
      reportError(error);
    }
  }
  // Still failing after that many: the rest wait for rrweb's own tick, which is asked for here.
  if (timer.raf === NO_FRAME) timer.raf = requestAnimationFrame(() => runDue(timer));
}
