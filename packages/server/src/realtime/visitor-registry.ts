import type { PromptInvite, VisitorServerMessage } from '@tandem/protocol';
import type { Presence } from '../domain/presence.ts';
import type { VisitorRef } from '../domain/visitor-ref.ts';

export interface VisitorConn {
  ref: VisitorRef;
  send(message: VisitorServerMessage): void;
  sessionIds: Set<string>;
}

/**
 * The live customer pages connected to this node, indexed the ways the domain asks for them.
 * Single-node presence; a cluster shares it through the bus.
 */
export class VisitorRegistry implements Presence {
  private readonly byVisitor = new Map<string, VisitorConn>();
  private readonly byCustomer = new Map<string, Set<VisitorConn>>();
  private readonly bySession = new Map<string, VisitorConn>();

  get size() {
    return this.byVisitor.size;
  }

  add(conn: VisitorConn) {
    this.byVisitor.set(conn.ref.visitorId, conn);
  }

  remove(conn: VisitorConn) {
    this.byVisitor.delete(conn.ref.visitorId);
    this.unidentify(conn);
    for (const s of conn.sessionIds) if (this.bySession.get(s) === conn) this.bySession.delete(s);
  }

  identify(conn: VisitorConn, customerId: string) {
    this.unidentify(conn);
    conn.ref.customerId = customerId;
    const key = `${conn.ref.orgId}:${customerId}`;
    let set = this.byCustomer.get(key);
    if (!set) this.byCustomer.set(key, (set = new Set()));
    set.add(conn);
  }

  private unidentify(conn: VisitorConn) {
    if (!conn.ref.customerId) return;
    const key = `${conn.ref.orgId}:${conn.ref.customerId}`;
    const set = this.byCustomer.get(key);
    set?.delete(conn);
    if (set?.size === 0) this.byCustomer.delete(key);
  }

  bindSession(conn: VisitorConn, sessionId: string) {
    conn.sessionIds.add(sessionId);
    this.bySession.set(sessionId, conn);
  }

  async isPresent(orgId: string, customerId: string) {
    return (this.byCustomer.get(`${orgId}:${customerId}`)?.size ?? 0) > 0;
  }

  async pushInvite(orgId: string, customerId: string, invite: PromptInvite) {
    const conns = this.byCustomer.get(`${orgId}:${customerId}`);
    if (!conns) return 0;
    for (const c of conns) {
      c.ref.offered.add(invite.inviteId);
      c.send({ type: 'invite', invite: { ...invite, companyName: c.ref.companyName } });
    }
    return conns.size;
  }

  async toVisitor(visitorId: string, message: VisitorServerMessage) {
    const c = this.byVisitor.get(visitorId);
    c?.send(message);
    return !!c;
  }

  async toInvitePages(inviteId: string, message: VisitorServerMessage) {
    for (const c of this.byVisitor.values()) if (c.ref.offered.has(inviteId)) c.send(message);
  }

  async toSessionPage(sessionId: string, message: VisitorServerMessage) {
    this.bySession.get(sessionId)?.send(message);
  }
}
