import type { ServerResponse } from 'node:http';
import type { TandemEvent } from '@tandem/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.ts';
import type { Db } from '../store/db.ts';
import { orgEventsTopic } from '../shared/topics.ts';
import { listEvents } from './event-log.ts';

/** What a stream reads from: the event log, the bus that says it grew, and where to report. */
export interface StreamDeps {
  db: Db;
  bus: Bus;
  log: Logger;
}

export interface StreamOptions {
  orgId: string;
  after: number;
  conversationId?: string;
  types?: string[];
  heartbeatMs: number;
}

/**
 * Server-Sent Events: first everything stored after `after`, then new events as the bus says
 * they were stored. Every write reads the store from the last sent seq, so nothing is missed or
 * repeated whatever the bus does; the client resumes with Last-Event-ID.
 */
export async function streamEvents(deps: StreamDeps, res: ServerResponse, opts: StreamOptions, shutdown: AbortSignal): Promise<void> {
  let lastSeq = opts.after;
  let closed = false;
  let draining: Promise<void> | null = null;
  let again = false;

  const write = (e: TandemEvent) => res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);

  const drain = async () => {
    // One drain at a time; a wake during a drain runs one more pass after it.
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      do {
        again = false;
        for (;;) {
          if (closed) return;
          const page = await listEvents(deps.db, opts.orgId, { after: lastSeq, limit: 500, conversationId: opts.conversationId, types: opts.types });
          if (!page.length) break;
          for (const e of page) {
            lastSeq = e.seq;
            write(e);
          }
          if (page.length < 500) break;
        }
      } while (again && !closed);
    })().finally(() => {
      draining = null;
    });
    return draining;
  };

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: 2000\n: stream from seq ${lastSeq}\n\n`);

  const unsubscribe = await deps.bus.subscribe(orgEventsTopic(opts.orgId), () => {
    void drain().catch((err) => deps.log.warn({ err }, 'event stream drain failed'));
  });
  // Events stored while the bus was down were never announced: read them as soon as it is back.
  const offResume = deps.bus.onResume(() => {
    void drain().catch((err) => deps.log.warn({ err }, 'event stream drain failed'));
  });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), opts.heartbeatMs);
  // A safety net for a lost bus message: look again now and then.
  const poll = setInterval(() => void drain().catch(() => undefined), Math.max(opts.heartbeatMs, 5000));

  await new Promise<void>((resolve) => {
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      clearInterval(poll);
      void unsubscribe();
      offResume();
      resolve();
    };
    res.on('close', finish);
    res.on('error', finish);
    // On shutdown the stream ends cleanly; the client reconnects elsewhere with Last-Event-ID.
    const onShutdown = () => res.end();
    if (shutdown.aborted) onShutdown();
    else shutdown.addEventListener('abort', onShutdown, { once: true });
    drain().catch((err) => {
      deps.log.warn({ err }, 'event stream failed');
      res.end();
    });
  });
}
