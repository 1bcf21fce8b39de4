import { createHash } from 'node:crypto';
import type { Channel, ConsentShown, Invite, InviteCreate, InviteState, PromptInvite } from '@tandem/protocol';
import type { DeliveryChannel, DeliveryResult } from '../channels/delivery-channel.ts';
import type { Queryable } from '../store/db.ts';
import { loadConversation } from './conversation-service.ts';
import type { DeploymentService } from './deployment-service.ts';
import { checkShown } from './consent-shown.ts';
import { DomainError } from './domain-error.ts';
import { transact, type Deps, type Tx } from './deps.ts';
import { newId, numericCode, randomToken } from './ids.ts';
import {
  INVITE_TRANSITIONS, LIVE_INVITE_STATES, loadDeliveries, toInvite, toInviteRecord, type InviteRecord, type InviteRow,
} from './invite-record.ts';
import { matchingPhrase } from './phrases.ts';
import type { Presence } from './presence.ts';
import type { SessionService } from './session-service.ts';
import type { VisitorRef } from './visitor-ref.ts';

const CODE_DIGITS = 6;

export class InviteService {
  private readonly channels: Map<Channel, DeliveryChannel>;

  constructor(
    private readonly deps: Deps,
    channels: DeliveryChannel[],
    private readonly deployments: DeploymentService,
    private readonly presence: Presence,
    private readonly sessions: SessionService,
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
  }

  private record(r: InviteRow): InviteRecord {
    return toInviteRecord(r, this.deps.config.publicUrl);
  }

  async load(q: Queryable, orgId: string | null, id: string, lock = false): Promise<InviteRecord | null> {
    const [row] = await q.query<InviteRow>(
      `SELECT * FROM invites WHERE id = $1 ${orgId ? 'AND org_id = $2' : ''}${lock ? ' FOR UPDATE' : ''}`,
      orgId ? [id, orgId] : [id],
    );
    return row ? this.record(row) : null;
  }

  async get(orgId: string, id: string): Promise<Invite> {
    const r = await this.load(this.deps.db, orgId, id);
    if (!r) throw new DomainError('invite_not_found');
    return toInvite(r, await loadDeliveries(this.deps.db, id));
  }

  async listByConversation(orgId: string, conversationId: string): Promise<Invite[]> {
    const rows = await this.deps.db.query<InviteRow>('SELECT * FROM invites WHERE org_id = $1 AND conversation_id = $2 ORDER BY created_at DESC', [orgId, conversationId]);
    return Promise.all(rows.map(async (r) => toInvite(this.record(r), await loadDeliveries(this.deps.db, r.id))));
  }

  /**
   * Creates an invite bound to a connected call and its customer, then delivers it.
   * `targetVisitor` is set when the customer's page asked for a support code that the agent claimed.
   */
  async create(orgId: string, input: InviteCreate, targetVisitor?: VisitorRef): Promise<Invite> {
    if (input.returnUrl && !/^https?:$/.test(new URL(input.returnUrl).protocol)) {
      throw new DomainError('validation_failed', 'returnUrl must be an http or https URL.', { errors: [{ path: 'body/returnUrl', message: 'must be http or https' }] });
    }
    const conversation = await loadConversation(this.deps.db, orgId, input.conversationId);
    if (!conversation) throw new DomainError('conversation_not_found', `No conversation "${input.conversationId}": create it with PUT /v1/conversations/${input.conversationId} first.`);
    if (conversation.state !== 'connected') {
      throw new DomainError('conversation_not_connected', `The call "${conversation.id}" is ${conversation.state}: PUT it with state "connected" before inviting.`, { currentState: conversation.state });
    }
    const deployment = await this.deployments.forReturnUrl(orgId, input.returnUrl);
    const companyName = targetVisitor?.companyName ?? deployment?.companyName ?? 'Support';
    const ctx = { orgId, conversation, companyName };

    let channels: Channel[];
    if (targetVisitor) {
      channels = ['push'];
    } else if (input.channels) {
      channels = input.channels;
      for (const ch of channels) {
        if (!(await this.channels.get(ch)!.canReach(ctx))) {
          throw new DomainError('customer_unreachable', ch === 'push'
            ? 'The customer has no live, identified page for a push invite: ask for "sms" or "code" instead.'
            : 'The conversation has no customer.phone for an SMS invite: add it with PUT /v1/conversations/{id}, or ask for "code".', { channel: ch });
        }
      }
    } else if (await this.channels.get('push')!.canReach(ctx)) {
      channels = ['push'];
    } else if (await this.channels.get('sms')!.canReach(ctx)) {
      channels = ['sms'];
    } else {
      throw new DomainError('customer_unreachable');
    }

    const expiresIn = input.expiresInSeconds ?? this.deps.config.inviteExpirySeconds;
    const returnUrl = input.returnUrl ?? (deployment ? deployment.allowedOrigins[0]! + '/' : null);

    const record = await transact(this.deps, orgId, async (tx) => {
      // Codes are unique among live invites; retry on the rare collision.
      let code = numericCode(CODE_DIGITS);
      for (let i = 0; i < 20; i++) {
        const taken = await tx.q.query('SELECT 1 FROM invites WHERE org_id = $1 AND code = $2 AND state = ANY($3)', [orgId, code, LIVE_INVITE_STATES]);
        if (!taken.length) break;
        code = numericCode(CODE_DIGITS);
      }
      const now = new Date();
      const [row] = await tx.q.query<InviteRow>(
        `INSERT INTO invites (id, org_id, conversation_id, customer_id, state, code, secret, phrase, return_url, agent_name, channels, expires_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'created', $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING *`,
        [newId('inv'), orgId, conversation.id,
          // A claimed support code binds that page to this call: the page's identity is the customer's.
          targetVisitor ? (targetVisitor.customerId ?? conversation.customer.id ?? null) : (conversation.customer.id ?? null), code, randomToken(20), matchingPhrase(), returnUrl,
          conversation.agent?.name ?? conversation.agent?.id ?? 'Your agent', channels, new Date(now.getTime() + expiresIn * 1000), now],
      );
      const rec = this.record(row!);
      await tx.emit({ type: 'invite.created', conversationId: rec.conversationId, inviteId: rec.id, data: { channels, expiresAt: rec.expiresAt, code: rec.code } });
      return rec;
    });

    for (const ch of channels) {
      let result: DeliveryResult;
      if (targetVisitor && ch === 'push') {
        targetVisitor.offered.add(record.id);
        const shown = await this.presence.toVisitor(targetVisitor.visitorId, { type: 'invite', invite: this.prompt(record, companyName) });
        result = shown ? { state: 'delivered' as const, detail: 'shown on the page that asked for the code' } : { state: 'failed' as const, detail: 'the page that asked for the code is gone' };
      } else {
        result = await this.channels.get(ch)!.deliver({ ...ctx, invite: record });
      }
      await this.recordDelivery(orgId, record.id, ch, result.state, result.detail);
      if (result.settled) this.settleLater(orgId, record.id, ch, result.settled);
    }
    return this.get(orgId, record.id);
  }

  prompt(r: InviteRecord, companyName: string): PromptInvite {
    return { inviteId: r.id, companyName, agentName: r.agentName, phrase: r.phrase, expiresAt: r.expiresAt };
  }

  /** A channel still trying (pending) reports its final result later, and it takes the pending one's place. */
  private settleLater(orgId: string, inviteId: string, channel: Channel, settled: Promise<DeliveryResult>) {
    void settled
      .then((r) => this.recordDelivery(orgId, inviteId, channel, r.state, r.detail))
      .catch((err) => this.deps.log.error({ err, inviteId, channel }, 'recording a late delivery result failed'));
  }

  private async recordDelivery(orgId: string, inviteId: string, channel: Channel, state: DeliveryResult['state'], detail?: string) {
    await transact(this.deps, orgId, async (tx) => {
      const inv = await this.load(tx.q, orgId, inviteId, true);
      if (!inv) return;
      const at = new Date();
      const replaced = await tx.q.query(
        "UPDATE invite_deliveries SET state = $3, detail = $4, at = $5 WHERE invite_id = $1 AND channel = $2 AND state = 'pending' RETURNING id",
        [inviteId, channel, state, detail ?? null, at],
      );
      if (!replaced.length) await tx.q.query('INSERT INTO invite_deliveries (invite_id, channel, state, detail, at) VALUES ($1, $2, $3, $4, $5)', [inviteId, channel, state, detail ?? null, at]);
      if (state === 'pending') return;
      if (state === 'failed') {
        await tx.emit({ type: 'invite.delivery_failed', conversationId: inv.conversationId, inviteId, data: { channel, reason: 'delivery_failed', detail: detail ?? null } });
      } else if (channel !== 'code') {
        // A late delivery report never moves an invite backwards (opened stays opened).
        if (inv.state === 'created') await this.transition(tx, inv, 'delivered');
        await tx.emit({ type: 'invite.delivered', conversationId: inv.conversationId, inviteId, data: { channel, detail: detail ?? null } });
      }
    });
  }

  /** Moves an invite to `to` if legal; emits nothing (callers emit the event they mean). */
  private async transition(tx: Tx, inv: InviteRecord, to: InviteState): Promise<InviteRecord> {
    if (!INVITE_TRANSITIONS[inv.state].includes(to)) {
      throw new DomainError('invalid_state', `The invite is ${inv.state} and cannot become ${to}.`, { currentState: inv.state });
    }
    const [row] = await tx.q.query<InviteRow>('UPDATE invites SET state = $2, updated_at = $3 WHERE id = $1 RETURNING *', [inv.id, to, new Date()]);
    return this.record(row!);
  }

  /** Expires the invite inside tx if its time is up; returns whether it did. */
  private async expireIfDue(tx: Tx, inv: InviteRecord): Promise<boolean> {
    if (!LIVE_INVITE_STATES.includes(inv.state) || Date.parse(inv.expiresAt) > Date.now()) return false;
    await this.transition(tx, inv, 'expired');
    await tx.emit({ type: 'invite.expired', conversationId: inv.conversationId, inviteId: inv.id, data: { expiresAt: inv.expiresAt } });
    tx.afterCommit(() => this.presence.toInvitePages(inv.id, { type: 'invite.withdrawn', inviteId: inv.id, reason: 'expired' }));
    return true;
  }

  async revoke(orgId: string, id: string, reason = 'api'): Promise<Invite> {
    await transact(this.deps, orgId, async (tx) => {
      const inv = await this.load(tx.q, orgId, id, true);
      if (!inv) throw new DomainError('invite_not_found');
      if (await this.expireIfDue(tx, inv)) return;
      await this.revokeInTx(tx, inv, reason);
    });
    return this.get(orgId, id);
  }

  private async revokeInTx(tx: Tx, inv: InviteRecord, reason: string) {
    await this.transition(tx, inv, 'revoked');
    await tx.emit({ type: 'invite.revoked', conversationId: inv.conversationId, inviteId: inv.id, data: { reason } });
    tx.afterCommit(() => this.presence.toInvitePages(inv.id, { type: 'invite.withdrawn', inviteId: inv.id, reason: 'revoked' }));
  }

  /** The call ended: every live invite of it is revoked in the caller's transaction. */
  async revokeLiveForConversation(tx: Tx, orgId: string, conversationId: string) {
    const rows = await tx.q.query<InviteRow>('SELECT * FROM invites WHERE org_id = $1 AND conversation_id = $2 AND state = ANY($3) FOR UPDATE', [orgId, conversationId, LIVE_INVITE_STATES]);
    for (const row of rows) await this.revokeInTx(tx, this.record(row), 'call_ended');
  }

  /** Expires every invite whose time is up; run by the sweeper so expiry happens unasked. */
  async expireDue(limit = 200): Promise<number> {
    const due = await this.deps.db.query<{ id: string; org_id: string }>(
      'SELECT id, org_id FROM invites WHERE state = ANY($1) AND expires_at <= $2 ORDER BY expires_at LIMIT $3',
      [LIVE_INVITE_STATES, new Date(), limit],
    );
    let n = 0;
    for (const { id, org_id } of due) {
      const expired = await transact(this.deps, org_id, async (tx) => {
        const inv = await this.load(tx.q, org_id, id, true);
        return inv ? this.expireIfDue(tx, inv) : false;
      });
      if (expired) n++;
    }
    return n;
  }

  // ---- The customer's side (visitor protocol and deep link)

  /** Deep link opened: marks the invite opened. Returns null when the link is unknown or no longer usable. */
  async openByLink(secret: string): Promise<{ invite: InviteRecord; usable: boolean; why?: string } | null> {
    const [row] = await this.deps.db.query<InviteRow>('SELECT * FROM invites WHERE secret = $1', [secret]);
    if (!row) return null;
    return transact(this.deps, row.org_id, async (tx) => {
      const inv = (await this.load(tx.q, row.org_id, row.id, true))!;
      if (await this.expireIfDue(tx, inv)) return { invite: inv, usable: false, why: 'expired' };
      if (!LIVE_INVITE_STATES.includes(inv.state)) return { invite: inv, usable: false, why: inv.state };
      if (inv.state !== 'opened') {
        const opened = await this.transition(tx, inv, 'opened');
        await tx.emit({ type: 'invite.opened', conversationId: inv.conversationId, inviteId: inv.id, data: { via: 'link' } });
        return { invite: opened, usable: true };
      }
      return { invite: inv, usable: true };
    });
  }

  /**
   * The page presents a link secret (from the #tandem= fragment): the invite is offered to it.
   * Page scripts can read the fragment before the loader takes it, so a link is single use: the
   * first page that presents it holds it (`pageKey` is a random key that page made for itself; a
   * client that sends none is its connection), and any other page is refused. The refusal is an
   * event, so the agent's timeline shows that a second page tried.
   */
  async redeemLink(visitor: VisitorRef, secret: string, pageKey?: string): Promise<PromptInvite> {
    const [row] = await this.deps.db.query<InviteRow>('SELECT * FROM invites WHERE secret = $1 AND org_id = $2', [secret, visitor.orgId]);
    if (!row) throw new DomainError('invite_not_found', 'This link is not valid.');
    const inv = this.record(row);
    this.assertOfferable(visitor, inv, 'link');
    const holder = createHash('sha256').update(pageKey ?? `connection:${visitor.visitorId}`).digest('hex');
    const held = await transact(this.deps, visitor.orgId, async (tx) => {
      const [claimed] = await tx.q.query<{ link_holder: string }>(
        'UPDATE invites SET link_holder = COALESCE(link_holder, $2) WHERE id = $1 RETURNING link_holder', [inv.id, holder]);
      if (claimed!.link_holder === holder) return true;
      await tx.emit({ type: 'invite.link_refused', conversationId: inv.conversationId, inviteId: inv.id, data: { reason: 'opened_on_another_page', visitorId: visitor.visitorId } });
      return false;
    });
    if (!held) {
      throw new DomainError('invalid_state', 'This link was already opened on another page: go back to that page, or ask the person you are speaking with for a new link.', { visitorError: 'link_used_elsewhere' });
    }
    return this.offer(visitor, inv, 'link');
  }

  /** The customer typed the code the agent read aloud. Wrong, used and expired codes get one answer. */
  async enterCode(visitor: VisitorRef, code: string): Promise<PromptInvite> {
    const [row] = await this.deps.db.query<InviteRow>(
      'SELECT * FROM invites WHERE org_id = $1 AND code = $2 AND state = ANY($3) AND expires_at > $4',
      [visitor.orgId, code.replace(/\D/g, ''), LIVE_INVITE_STATES, new Date()],
    );
    if (!row) throw new DomainError('invalid_code');
    return this.offer(visitor, this.record(row), 'code');
  }

  private assertOfferable(visitor: VisitorRef, inv: InviteRecord, via: 'link' | 'code') {
    this.assertForVisitor(visitor, inv);
    if (!LIVE_INVITE_STATES.includes(inv.state) || Date.parse(inv.expiresAt) <= Date.now()) {
      throw new DomainError(via === 'code' ? 'invalid_code' : 'invalid_state', 'This invite is no longer available.', { currentState: inv.state });
    }
  }

  private async offer(visitor: VisitorRef, inv: InviteRecord, via: 'link' | 'code'): Promise<PromptInvite> {
    this.assertOfferable(visitor, inv, via);
    visitor.offered.add(inv.id);
    return this.prompt(inv, visitor.companyName);
  }

  private assertForVisitor(visitor: VisitorRef, inv: InviteRecord) {
    if (inv.orgId !== visitor.orgId) throw new DomainError('invite_not_found');
    // An identified page belongs to one customer; it may not answer another customer's invite.
    if (visitor.customerId && inv.customerId && visitor.customerId !== inv.customerId) {
      throw new DomainError('invalid_state', 'This invite was made for another customer.', { visitorError: 'invite_not_for_you' });
    }
  }

  private async forVisitor(tx: Tx, visitor: VisitorRef, inviteId: string): Promise<InviteRecord> {
    if (!visitor.offered.has(inviteId)) throw new DomainError('invite_not_found', 'This page was not offered that invite.');
    const inv = await this.load(tx.q, visitor.orgId, inviteId, true);
    if (!inv) throw new DomainError('invite_not_found');
    this.assertForVisitor(visitor, inv);
    if (await this.expireIfDue(tx, inv)) throw new DomainError('invalid_state', 'This invite has expired.', { currentState: 'expired' });
    return inv;
  }

  /** The prompt is on screen. */
  async open(visitor: VisitorRef, inviteId: string): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const inv = await this.forVisitor(tx, visitor, inviteId);
      if (inv.state === 'opened') return;
      await this.transition(tx, inv, 'opened');
      await tx.emit({ type: 'invite.opened', conversationId: inv.conversationId, inviteId, data: { via: 'page', visitorId: visitor.visitorId } });
    });
  }

  /** The customer clicked Share: consent recorded, session started, in one transaction. */
  async accept(visitor: VisitorRef, inviteId: string, shown: ConsentShown): Promise<{ sessionId: string; agentName: string }> {
    return transact(this.deps, visitor.orgId, async (tx) => {
      const inv = await this.forVisitor(tx, visitor, inviteId);
      const conversation = await loadConversation(tx.q, visitor.orgId, inv.conversationId, true);
      if (conversation?.state !== 'connected') throw new DomainError('invalid_state', 'The call has ended.', { currentState: inv.state });
      await this.transition(tx, inv, 'accepted');
      checkShown(shown, { companyName: visitor.companyName, agentName: inv.agentName, phrase: inv.phrase });
      const sessionId = await this.sessions.startInTx(tx, inv, visitor, shown);
      await tx.q.query('UPDATE invites SET session_id = $2 WHERE id = $1', [inv.id, sessionId]);
      tx.afterCommit(() => this.presence.toInvitePages(inv.id, { type: 'invite.withdrawn', inviteId: inv.id, reason: 'accepted_elsewhere' }));
      return { sessionId, agentName: inv.agentName };
    });
  }

  async decline(visitor: VisitorRef, inviteId: string, shown?: ConsentShown): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const inv = await this.forVisitor(tx, visitor, inviteId);
      await this.transition(tx, inv, 'declined');
      await tx.q.query(
        `INSERT INTO consents (id, org_id, conversation_id, invite_id, kind, decision, customer_id, visitor_id, shown, user_agent, ip, at)
         VALUES ($1, $2, $3, $4, 'share', 'declined', $5, $6, $7, $8, $9, $10)`,
        [newId('con'), inv.orgId, inv.conversationId, inv.id, visitor.customerId ?? inv.customerId, visitor.visitorId, shown ? JSON.stringify(shown) : null, visitor.userAgent, visitor.ip, new Date()],
      );
      await tx.emit({ type: 'invite.declined', conversationId: inv.conversationId, inviteId, data: { visitorId: visitor.visitorId } });
      tx.afterCommit(() => this.presence.toInvitePages(inv.id, { type: 'invite.withdrawn', inviteId: inv.id, reason: 'declined_elsewhere' }));
    });
  }
}
