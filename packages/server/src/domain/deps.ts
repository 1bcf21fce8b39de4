import type { Logger } from 'pino';
import type { TandemEvent } from '@tandem/protocol';
import type { Bus } from '../bus/bus.ts';
import type { Db, Queryable } from '../store/db.ts';
import { appendEvent, type NewEvent } from '../events/event-log.ts';
import { orgEventsTopic, type OrgEventsMessage } from '../shared/topics.ts';

/**
 * The settings the domain reads. config.ts's Config has them all; the domain names only these, so
 * it does not depend on how the server is configured (env parsing, providers, integrations).
 */
export interface DomainSettings {
  publicUrl: string;
  inviteExpirySeconds: number;
  resumeWindowMs: number;
  defaultPhoneRegion: string | null;
  codeRateLimit: { perSource: number; perOrg: number; windowMs: number; lockoutMs: number };
  codeRequestRateLimit: { perSource: number; perDeployment: number; windowMs: number };
  sms: { timeoutMs: number };
}

/** What every domain service is built from. */
export interface Deps {
  config: DomainSettings;
  db: Db;
  bus: Bus;
  log: Logger;
}

export interface Tx {
  q: Queryable;
  emit(e: NewEvent): Promise<TandemEvent>;
  /** Runs after the transaction committed (never if it rolled back). */
  afterCommit(fn: () => unknown): void;
}

/**
 * One unit of work: state changes and their events in one transaction; after commit, the bus is
 * told about the new events and any side effects (pushing to sockets) run.
 */
export async function transact<T>(deps: Deps, orgId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const after: (() => unknown)[] = [];
  let lastSeq = 0;
  const conversationIds = new Set<string | null>();
  const result = await deps.db.tx((q) =>
    fn({
      q,
      emit: async (e) => {
        const ev = await appendEvent(q, orgId, e);
        lastSeq = ev.seq;
        conversationIds.add(ev.conversationId);
        return ev;
      },
      afterCommit: (f) => after.push(f),
    }),
  );
  if (lastSeq) await deps.bus.publish(orgEventsTopic(orgId), { seq: lastSeq, conversationIds: [...conversationIds] } satisfies OrgEventsMessage).catch((err) =>
    deps.log.warn({ err }, 'bus publish failed'));
  for (const f of after) {
    try {
      await f();
    } catch (err) {
      deps.log.error({ err }, 'after-commit step failed');
    }
  }
  return result;
}
