import type { PromptInvite, VisitorServerMessage } from '@tandem/protocol';
import type { Presence } from '../domain/presence.ts';
import type { VisitorRef } from '../domain/visitor-ref.ts';

export interface VisitorConn {
  ref: VisitorRef;
  send(message: VisitorServerMessage): void;
  sessionIds: Set<string>;
}

/** What this node starts or stops holding, for a presence shared with other nodes. */
export type RegistryChange =
  | { kind: 'visitor'; visitorId: string; held: boolean }
  | { kind: 'customer'; orgId: string; customerId: string; held: boolean }
  | { kind: 'session'; sessionId: string; held: boolean }
  | { kind: 'invite'; inviteId: string; held: true };

/** Everything this node holds, to write it again (a refresh, or Redis came back empty). */
export interface RegistryHoldings {
  visitors: string[];
  customers: { orgId: string; customerId: string }[];
  sessions: string[];
  invites: string[];
}

/**
 * The live customer pages connected to this node, indexed the ways the domain asks for them.
 * Alone it is one node's presence; cluster/cluster-presence.ts watches its changes to share them.
 */
export class VisitorRegistry implements Presence {
  private readonly byVisitor = new Map<string, VisitorConn>();
  private readonly byCustomer = new Map<string, Set<VisitorConn>>();
  private readonly bySession = new Map<string, VisitorConn>();
  private watcher: ((change: RegistryChange) => Promise<void>) | null = null;

  get size() {
    return this.byVisitor.size;
  }

  /** One watcher (the cluster presence); the registry waits for it where a reply depends on it. */
  watch(watcher: (change: RegistryChange) => Promise<void>) {
    this.watcher = watcher;
  }

  private changed(change: RegistryChange): Promise<void> {
    return this.watcher ? this.watcher(change) : Promise.resolve();
  }

  add(conn: VisitorConn) {
    this.byVisitor.set(conn.ref.visitorId, conn);
    void this.changed({ kind: 'visitor', visitorId: conn.ref.visitorId, held: true });
  }

  remove(conn: VisitorConn) {
    this.byVisitor.delete(conn.ref.visitorId);
    void this.changed({ kind: 'visitor', visitorId: conn.ref.visitorId, held: false });
    void this.unidentify(conn);
    for (const s of conn.sessionIds) {
      if (this.bySession.get(s) !== conn) continue;
      this.bySession.delete(s);
      void this.changed({ kind: 'session', sessionId: s, held: false });
    }
  }

  /** Resolves once other nodes can see the page as the customer's. */
  async identify(conn: VisitorConn, customerId: string) {
    const left = this.unidentify(conn);
    conn.ref.customerId = customerId;
    const key = `${conn.ref.orgId}:${customerId}`;
    let set = this.byCustomer.get(key);
    if (!set) this.byCustomer.set(key, (set = new Set()));
    set.add(conn);
    await left;
    if (set.size === 1) await this.changed({ kind: 'customer', orgId: conn.ref.orgId, customerId, held: true });
  }

  private unidentify(conn: VisitorConn): Promise<void> {
    if (!conn.ref.customerId) return Promise.resolve();
    const key = `${conn.ref.orgId}:${conn.ref.customerId}`;
    const set = this.byCustomer.get(key);
    set?.delete(conn);
    if (set?.size !== 0) return Promise.resolve();
    this.byCustomer.delete(key);
    return this.changed({ kind: 'customer', orgId: conn.ref.orgId, customerId: conn.ref.customerId, held: false });
  }

  /** Resolves once other nodes can route the session's messages here. */
  async bindSession(conn: VisitorConn, sessionId: string) {
    conn.sessionIds.add(sessionId);
    this.bySession.set(sessionId, conn);
    await this.changed({ kind: 'session', sessionId, held: true });
  }

  /** This node's pages of the customer. */
  pagesOf(orgId: string, customerId: string): number {
    return this.byCustomer.get(`${orgId}:${customerId}`)?.size ?? 0;
  }

  holds(visitorId: string): boolean {
    return this.byVisitor.has(visitorId);
  }

  holdsSession(sessionId: string): boolean {
    return this.bySession.has(sessionId);
  }

  holdings(): RegistryHoldings {
    const invites = new Set<string>();
    for (const c of this.byVisitor.values()) for (const i of c.ref.offered) invites.add(i);
    return {
      visitors: [...this.byVisitor.keys()],
      customers: [...this.byCustomer.values()].flatMap((set) => {
        const ref = set.values().next().value?.ref;
        return ref?.customerId ? [{ orgId: ref.orgId, customerId: ref.customerId }] : [];
      }),
      sessions: [...this.bySession.keys()],
      invites: [...invites],
    };
  }

  async isPresent(orgId: string, customerId: string) {
    return this.pagesOf(orgId, customerId) > 0;
  }

  async pushInvite(orgId: string, customerId: string, invite: PromptInvite) {
    const conns = this.byCustomer.get(`${orgId}:${customerId}`);
    if (!conns) return 0;
    for (const c of conns) {
      c.ref.offered.add(invite.inviteId);
      c.send({ type: 'invite', invite: { ...invite, companyName: c.ref.companyName } });
    }
    await this.changed({ kind: 'invite', inviteId: invite.inviteId, held: true });
    return conns.size;
  }

  async isConnected(visitorId: string) {
    return this.byVisitor.has(visitorId);
  }

  async offerToVisitor(visitorId: string, invite: PromptInvite) {
    const c = this.byVisitor.get(visitorId);
    if (!c) return false;
    c.ref.offered.add(invite.inviteId);
    c.send({ type: 'invite', invite: { ...invite, companyName: c.ref.companyName } });
    await this.changed({ kind: 'invite', inviteId: invite.inviteId, held: true });
    return true;
  }

  async offered(visitor: VisitorRef, inviteId: string) {
    visitor.offered.add(inviteId);
    await this.changed({ kind: 'invite', inviteId, held: true });
  }

  async toInvitePages(inviteId: string, message: VisitorServerMessage) {
    for (const c of this.byVisitor.values()) if (c.ref.offered.has(inviteId)) c.send(message);
  }

  async toSessionPage(sessionId: string, message: VisitorServerMessage) {
    this.bySession.get(sessionId)?.send(message);
  }
}
