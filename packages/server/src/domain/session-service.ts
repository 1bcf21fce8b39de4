import type { ConsentShown, Session, SessionEndReason } from '@tandem/protocol';
import { checkShown } from './consent-shown.ts';
import type { ConsentReceipts } from './consent-receipts.ts';
import { DomainError } from '../shared/domain-error.ts';
import { transact, type Deps, type Tx } from './deps.ts';
import { newId } from '../shared/ids.ts';
import { sessionControlTopic, sessionEndedTopic } from '../shared/topics.ts';
import type { InviteRecord } from './invite-record.ts';
import type { Presence } from './presence.ts';
import type { VisitorRef } from './visitor-ref.ts';

interface Row {
  id: string;
  org_id: string;
  conversation_id: string;
  invite_id: string;
  customer_id: string | null;
  visitor_id: string;
  state: 'active' | 'ended';
  control: boolean;
  started_at: Date;
  ended_at: Date | null;
  end_reason: SessionEndReason | null;
}

const toSession = (r: Row): Session => ({
  id: r.id,
  conversationId: r.conversation_id,
  inviteId: r.invite_id,
  customerId: r.customer_id,
  state: r.state,
  control: r.control,
  startedAt: new Date(r.started_at).toISOString(),
  endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
  endReason: r.end_reason,
});

export interface SessionRecord extends Session {
  orgId: string;
  visitorId: string;
}

/** A page may stream the session (with the agent's name it shows), or why not. */
export type StreamGrant = { session: SessionRecord; agentName: string } | { refused: 'unauthorized' | 'ended' };

/** Sessions exist only because a customer accepted; each consent decision is a record. */
export class SessionService {
  constructor(private readonly deps: Deps, private readonly presence: Presence, private readonly receipts: ConsentReceipts) {}

  async get(orgId: string, id: string): Promise<Session> {
    const [row] = await this.deps.db.query<Row>('SELECT * FROM sessions WHERE org_id = $1 AND id = $2', [orgId, id]);
    if (!row) throw new DomainError('session_not_found');
    return toSession(row);
  }

  async record(id: string): Promise<SessionRecord | null> {
    const [row] = await this.deps.db.query<Row>('SELECT * FROM sessions WHERE id = $1', [id]);
    return row ? { ...toSession(row), orgId: row.org_id, visitorId: row.visitor_id } : null;
  }

  /**
   * Lets a page hold a session again after a reload or a dropped socket: it showed the session's
   * capture token (checked by the caller), and the session is of the page's organisation and still
   * active. From then on the page may stop it and answer control as the page that accepted.
   */
  async resume(visitor: VisitorRef, sessionId: string): Promise<{ sessionId: string; control: boolean }> {
    const session = await this.record(sessionId);
    if (!session || session.orgId !== visitor.orgId || session.state !== 'active') throw new DomainError('session_not_found', 'That session has ended.');
    visitor.sessions.add(session.id);
    return { sessionId: session.id, control: session.control };
  }

  /**
   * Whether the page named by a capture token may stream its session: the session is the token's
   * (same organisation and page), still active, and has a recorded acceptance, whatever the token
   * says. With the agent's name the page shows while it shares.
   */
  async streamGrant(claims: { sessionId: string; orgId: string; visitorId: string }): Promise<StreamGrant> {
    const session = await this.record(claims.sessionId);
    if (!session || session.orgId !== claims.orgId || session.visitorId !== claims.visitorId) return { refused: 'unauthorized' };
    if (session.state !== 'active') return { refused: 'ended' };
    const consent = await this.deps.db.query("SELECT 1 FROM consents WHERE session_id = $1 AND kind = 'share' AND decision = 'accepted'", [session.id]);
    if (!consent.length) return { refused: 'unauthorized' };
    const [inv] = await this.deps.db.query<{ agent_name: string }>('SELECT agent_name FROM invites WHERE id = $1', [session.inviteId]);
    return { session, agentName: inv?.agent_name ?? 'Your agent' };
  }

  async list(orgId: string, opts: { conversationId?: string; state?: 'active' | 'ended'; limit: number; before?: string }): Promise<Session[]> {
    const params: unknown[] = [orgId, opts.limit];
    let where = 'org_id = $1';
    if (opts.conversationId) {
      params.push(opts.conversationId);
      where += ` AND conversation_id = $${params.length}`;
    }
    if (opts.state) {
      params.push(opts.state);
      where += ` AND state = $${params.length}`;
    }
    if (opts.before) {
      params.push(opts.before);
      where += ` AND id < $${params.length}`;
    }
    const rows = await this.deps.db.query<Row>(`SELECT * FROM sessions WHERE ${where} ORDER BY id DESC LIMIT $2`, params);
    return rows.map(toSession);
  }

  /** Called by the invite service in the acceptance transaction. */
  async startInTx(tx: Tx, inv: InviteRecord, visitor: VisitorRef, shown: ConsentShown): Promise<string> {
    const sessionId = newId('ses');
    const now = new Date();
    const customerId = visitor.customerId ?? inv.customerId;
    await tx.q.query(
      `INSERT INTO sessions (id, org_id, conversation_id, invite_id, customer_id, visitor_id, state, started_at, resume_deadline)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8)`,
      [sessionId, inv.orgId, inv.conversationId, inv.id, customerId, visitor.visitorId, now, this.resumeDeadline(now)],
    );
    await this.consent(tx,
      { orgId: inv.orgId, conversationId: inv.conversationId, inviteId: inv.id, sessionId, kind: 'share', decision: 'accepted', customerId, visitor, shown });
    tx.afterCommit(() => visitor.sessions.add(sessionId));
    await tx.emit({ type: 'invite.accepted', conversationId: inv.conversationId, inviteId: inv.id, sessionId, data: { visitorId: visitor.visitorId } });
    await tx.emit({ type: 'session.started', conversationId: inv.conversationId, inviteId: inv.id, sessionId, data: { customerId, agentName: inv.agentName } });
    return sessionId;
  }

  /** Records a consent decision; an acceptance or a withdrawal also gets a signed receipt. */
  private async consent(tx: Tx, c: { orgId: string; conversationId: string; inviteId: string; sessionId: string; kind: 'share' | 'control';
    decision: 'accepted' | 'declined' | 'revoked'; customerId: string | null; visitor: VisitorRef; shown: ConsentShown | null }) {
    const consentId = newId('con');
    const at = new Date();
    await tx.q.query(
      `INSERT INTO consents (id, org_id, conversation_id, invite_id, session_id, kind, decision, customer_id, visitor_id, shown, user_agent, ip, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [consentId, c.orgId, c.conversationId, c.inviteId, c.sessionId, c.kind, c.decision, c.customerId, c.visitor.visitorId,
        c.shown ? JSON.stringify(c.shown) : null, c.visitor.userAgent, c.visitor.ip, at],
    );
    const decision = { ...c, consentId, at };
    if (c.decision === 'accepted' && c.shown) await this.receipts.acceptedInTx(tx, decision, c.shown);
    if (c.decision === 'revoked') await this.receipts.withdrawnInTx(tx, decision);
  }

  private resumeDeadline(from = new Date()): Date {
    return new Date(from.getTime() + this.deps.config.resumeWindowMs);
  }

  /**
   * The customer's page is streaming these sessions (or just stopped): each gets a full resume
   * window from now. The node holding a page's socket calls this on attach, on close and
   * periodically; when nobody calls it (the page left, or the node died) the window runs out.
   */
  async keepAlive(sessionIds: string[]): Promise<void> {
    if (!sessionIds.length) return;
    await this.deps.db.query("UPDATE sessions SET resume_deadline = $2 WHERE id = ANY($1) AND state = 'active'", [sessionIds, this.resumeDeadline()]);
  }

  /**
   * Ends with customer_left every active session whose resume window ran out, on whichever node
   * runs this first: each is claimed with FOR UPDATE SKIP LOCKED and checked again under the lock,
   * so it ends once. `heldHere` names sessions whose page this node still holds (their keep-alive
   * is only late); those are left alone.
   */
  async endAbandoned(heldHere: (sessionId: string) => boolean, limit = 200): Promise<number> {
    const due = await this.deps.db.query<{ id: string; org_id: string }>(
      "SELECT id, org_id FROM sessions WHERE state = 'active' AND resume_deadline <= $1 ORDER BY resume_deadline LIMIT $2",
      [new Date(), limit],
    );
    let ended = 0;
    for (const { id, org_id } of due) {
      if (heldHere(id)) continue;
      const done = await transact(this.deps, org_id, async (tx) => {
        const [row] = await tx.q.query<Row>(
          "SELECT * FROM sessions WHERE id = $1 AND state = 'active' AND resume_deadline <= $2 FOR UPDATE SKIP LOCKED",
          [id, new Date()],
        );
        if (!row) return false;
        await this.endInTx(tx, row, 'customer_left');
        return true;
      });
      if (done) ended++;
    }
    return ended;
  }

  /** The page that accepted, or one that resumed the session (after a reload) with its capture token. */
  private holds(visitor: VisitorRef, row: Row): boolean {
    return row.visitor_id === visitor.visitorId || visitor.sessions.has(row.id);
  }

  private async lockActive(tx: Tx, orgId: string, id: string): Promise<Row> {
    const [row] = await tx.q.query<Row>('SELECT * FROM sessions WHERE org_id = $1 AND id = $2 FOR UPDATE', [orgId, id]);
    if (!row) throw new DomainError('session_not_found');
    if (row.state !== 'active') throw new DomainError('invalid_state', `The session has already ended (${row.end_reason}).`, { currentState: row.state });
    return row;
  }

  async end(orgId: string, id: string, reason: SessionEndReason): Promise<Session> {
    await transact(this.deps, orgId, async (tx) => this.endInTx(tx, await this.lockActive(tx, orgId, id), reason));
    return this.get(orgId, id);
  }

  private async endInTx(tx: Tx, row: Row, reason: SessionEndReason) {
    await tx.q.query('UPDATE sessions SET state = $2, ended_at = $3, end_reason = $4, control = false WHERE id = $1', [row.id, 'ended', new Date(), reason]);
    await tx.emit({ type: 'session.ended', conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, data: { reason } });
    tx.afterCommit(async () => {
      await this.presence.toSessionPage(row.id, { type: 'session.ended', sessionId: row.id, reason });
      await this.deps.bus.publish(sessionEndedTopic, { sessionId: row.id, reason });
    });
  }

  /** The call ended: every active session of it ends, in the caller's transaction. */
  async endForConversation(tx: Tx, orgId: string, conversationId: string) {
    const rows =
      await tx.q.query<Row>("SELECT * FROM sessions WHERE org_id = $1 AND conversation_id = $2 AND state = 'active' FOR UPDATE", [orgId, conversationId]);
    for (const row of rows) await this.endInTx(tx, row, 'call_ended');
  }

  /** The customer pressed Stop in the banner. */
  async stopByVisitor(visitor: VisitorRef, sessionId: string): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const row = await this.lockActive(tx, visitor.orgId, sessionId);
      if (!this.holds(visitor, row)) throw new DomainError('session_not_found');
      await this.consent(tx, { orgId: row.org_id, conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, kind: 'share',
        decision: 'revoked', customerId: row.customer_id, visitor, shown: null });
      await this.endInTx(tx, row, 'customer_stopped');
    });
  }

  /** Second, separate consent: the customer allows remote control. */
  async grantControl(visitor: VisitorRef, sessionId: string, shown: ConsentShown): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const row = await this.lockActive(tx, visitor.orgId, sessionId);
      if (!this.holds(visitor, row)) throw new DomainError('session_not_found');
      if (row.control) return;
      const [inv] = await tx.q.query<{ agent_name: string }>('SELECT agent_name FROM invites WHERE id = $1', [row.invite_id]);
      checkShown(shown, { companyName: visitor.companyName, agentName: inv!.agent_name, phrase: null });
      await tx.q.query('UPDATE sessions SET control = true WHERE id = $1', [row.id]);
      await this.consent(tx, { orgId: row.org_id, conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, kind: 'control',
        decision: 'accepted', customerId: row.customer_id, visitor, shown });
      await tx.emit({ type: 'session.control_granted', conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, data: {} });
      tx.afterCommit(() => this.deps.bus.publish(sessionControlTopic, { sessionId: row.id, control: true }));
    });
  }

  async revokeControl(visitor: VisitorRef, sessionId: string): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const row = await this.lockActive(tx, visitor.orgId, sessionId);
      if (!this.holds(visitor, row)) throw new DomainError('session_not_found');
      if (!row.control) return;
      await tx.q.query('UPDATE sessions SET control = false WHERE id = $1', [row.id]);
      await this.consent(tx, { orgId: row.org_id, conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, kind: 'control',
        decision: 'revoked', customerId: row.customer_id, visitor, shown: null });
      await tx.emit(
        { type: 'session.control_revoked', conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, data: { by: 'customer' } });
      tx.afterCommit(() => this.deps.bus.publish(sessionControlTopic, { sessionId: row.id, control: false }));
    });
  }

  /** The customer said "Not now" to the agent's request for control: recorded, and the agent is told. */
  async declineControl(visitor: VisitorRef, sessionId: string): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const row = await this.lockActive(tx, visitor.orgId, sessionId);
      if (!this.holds(visitor, row)) throw new DomainError('session_not_found');
      await this.consent(tx, { orgId: row.org_id, conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, kind: 'control',
        decision: 'declined', customerId: row.customer_id, visitor, shown: null });
      await tx.emit({ type: 'session.control_declined', conversationId: row.conversation_id, inviteId: row.invite_id, sessionId: row.id, data: {} });
    });
  }
}
