import { createHash } from 'node:crypto';
import { SHORT_CODE_DIGITS, shortCodeDigits, type Channel, type ConsentShown, type EventPayloadByType, type Invite, type InviteCreate, type InviteState,
  type PromptInvite } from '@tandem/protocol';
import type { DeliveryChannel, DeliveryResult, RetryTicket } from './delivery-channel.ts';
import type { Queryable } from '../store/db.ts';
import { loadConversation } from './conversation-service.ts';
import type { DeploymentService } from './deployment-service.ts';
import { checkShown } from './consent-shown.ts';
import { DomainError } from '../shared/domain-error.ts';
import { transact, type Deps, type Tx } from './deps.ts';
import { newId, numericCode, randomToken } from '../shared/ids.ts';
import {
  INVITE_TRANSITIONS, LIVE_INVITE_STATES, loadDeliveries, toInvite, toInviteRecord, type InviteRecord, type InviteRow,
} from './invite-record.ts';
import { matchingPhrase } from './phrases.ts';
import type { Presence } from './presence.ts';
import type { SessionService } from './session-service.ts';
import type { VisitorRef } from './visitor-ref.ts';

type InviteRevokeReason = EventPayloadByType['invite.revoked']['reason'];

/** The page that asked for a support code, as the code's row names it (it may be on any node). */
export interface CodePage {
  visitorId: string;
  customerId: string | null;
  companyName: string;
}

export class InviteService {
  private readonly channels: Map<Channel, DeliveryChannel>;
  /** Queued deliveries this node is sending or storing the result of (see attempt()). */
  private readonly inFlight = new Set<string>();

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
    const rows =
      await this.deps.db.query<InviteRow>('SELECT * FROM invites WHERE org_id = $1 AND conversation_id = $2 ORDER BY created_at DESC', [orgId, conversationId]);
    return Promise.all(rows.map(async (r) => toInvite(this.record(r), await loadDeliveries(this.deps.db, r.id))));
  }

  /**
   * Creates an invite bound to a connected call and its customer, then delivers it.
   * `targetVisitor` is set when the customer's page asked for a support code that the agent claimed;
   * `bind` runs in the creating transaction (the API ties the invite to the request's Idempotency-Key).
   */
  async create(orgId: string, input: InviteCreate, targetVisitor?: CodePage, bind?: (q: Queryable, inviteId: string) => Promise<void>): Promise<Invite> {
    if (input.returnUrl && !/^https?:$/.test(new URL(input.returnUrl).protocol)) {
      throw new DomainError('validation_failed', 'returnUrl must be an http or https URL.',
        { errors: [{ path: 'body/returnUrl', message: 'must be http or https' }] });
    }
    const conversation = await loadConversation(this.deps.db, orgId, input.conversationId);
    if (!conversation) throw new DomainError('conversation_not_found',
      `No conversation "${input.conversationId}": create it with PUT /v1/conversations/${input.conversationId} first.`);
    if (conversation.state !== 'connected') {
      throw new DomainError('conversation_not_connected',
        `The call "${conversation.id}" is ${conversation.state}: PUT it with state "connected" before inviting.`, { currentState: conversation.state });
    }
    const deployment = await this.deployments.forReturnUrl(orgId, input.returnUrl);
    const companyName = targetVisitor?.companyName ?? deployment?.companyName ?? 'Support';
    const ctx = { orgId, conversation, companyName, deploymentLocale: deployment?.locale ?? null };

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

    const { rec: record, queued } = await transact(this.deps, orgId, async (tx) => {
      // Codes are unique among live invites; retry on the rare collision.
      let code = numericCode(SHORT_CODE_DIGITS);
      for (let i = 0; i < 20; i++) {
        const taken = await tx.q.query('SELECT 1 FROM invites WHERE org_id = $1 AND code = $2 AND state = ANY($3)', [orgId, code, LIVE_INVITE_STATES]);
        if (!taken.length) break;
        code = numericCode(SHORT_CODE_DIGITS);
      }
      const now = new Date();
      const [row] = await tx.q.query<InviteRow>(
        `INSERT INTO invites (id, org_id, conversation_id, customer_id, state, code, secret, phrase, return_url, agent_name, channels, expires_at, ` +
          `created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'created', $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING *`,
        [newId('inv'), orgId, conversation.id,
          // A claimed support code binds that page to this call: the page's identity is the customer's.
          targetVisitor ? (targetVisitor.customerId ?? conversation.customer.id ?? null) : (conversation.customer.id ?? null), code, randomToken(20),
            matchingPhrase(), returnUrl,
          conversation.agent?.name ?? conversation.agent?.id ?? 'Your agent', channels, new Date(now.getTime() + expiresIn * 1000), now],
      );
      const rec = this.record(row!);
      await bind?.(tx.q, rec.id);
      await tx.emit(
        { type: 'invite.created', conversationId: rec.conversationId, inviteId: rec.id, data: { channels, expiresAt: rec.expiresAt, code: rec.code } });
      // Queued channels' messages are stored with the invite: if this process dies before or
      // while sending, the queue sends them (same message id) once the first attempt's lease ends.
      const queued = new Map<Channel, { deliveryId: string; ticket: RetryTicket } | { result: DeliveryResult }>();
      for (const ch of channels) {
        const channel = this.channels.get(ch)!;
        if (!('prepare' in channel)) continue;
        const prepared = channel.prepare({ ...ctx, invite: rec });
        if ('result' in prepared) {
          queued.set(ch, prepared);
          continue;
        }
        const [d] = await tx.q.query<{ id: string }>(
          "INSERT INTO invite_deliveries (invite_id, channel, state, detail, at, retry, next_attempt_at) VALUES ($1, $2, 'pending', 'sending', $3, $4, $5) " +
            "RETURNING id",
          [rec.id, ch, now, JSON.stringify(prepared.ticket), new Date(now.getTime() + this.leaseMs())],
        );
        queued.set(ch, { deliveryId: d!.id, ticket: prepared.ticket });
      }
      return { rec, queued };
    });

    for (const ch of channels) {
      const channel = this.channels.get(ch)!;
      const q = queued.get(ch);
      if (q && 'ticket' in q && 'send' in channel) {
        await this.attempt(q.deliveryId, async () => {
          const result = await channel.send(q.ticket).catch((err: Error): DeliveryResult => ({ state: 'failed', detail: `${ch} failed: ${err.message}` }));
          await this.recordDelivery(orgId, record.id, ch, result, q.deliveryId);
        });
        continue;
      }
      let result: DeliveryResult;
      if (q && 'result' in q) {
        result = q.result;
      } else if (targetVisitor && ch === 'push') {
        // The page may be connected to another node: presence routes the prompt there.
        const shown = await this.presence.offerToVisitor(targetVisitor.visitorId, this.prompt(record, companyName));
        result = shown ? { state: 'delivered' as const, detail: 'shown on the page that asked for the code' }
          : { state: 'failed' as const, detail: 'the page that asked for the code is gone' };
      } else if ('deliver' in channel) {
        result = await channel.deliver({ ...ctx, invite: record });
      } else {
        continue;
      }
      await this.recordDelivery(orgId, record.id, ch, result);
    }
    return this.get(orgId, record.id);
  }

  /**
   * Runs one attempt of a queued delivery, marked as in flight on this node until its result is
   * stored, its lease renewed meanwhile. The lease was sized for the send: storing the result can
   * wait longer than that (a busy database just after a restart, a locked invite), and no sweep
   * may send the same text again meanwhile.
   */
  private async attempt(deliveryId: string, work: () => Promise<void>): Promise<void> {
    const id = String(deliveryId);
    this.inFlight.add(id);
    // Other nodes see the lease: it is renewed while this node still works on the delivery.
    const beat = setInterval(() => {
      this.deps.db.query("UPDATE invite_deliveries SET locked_until = $2 WHERE id::text = $1 AND state = 'pending'",
        [id, new Date(Date.now() + this.leaseMs())]).catch((err) => this.deps.log.warn({ err, deliveryId: id }, 'renewing a delivery lease failed'));
    }, Math.max(100, Math.floor(this.leaseMs() / 3)));
    beat.unref();
    try {
      await work();
    } finally {
      clearInterval(beat);
      this.inFlight.delete(id);
    }
  }

  /** How long one attempt of a queued delivery is left to the node making it before another may. */
  private leaseMs(): number {
    return this.deps.config.sms.timeoutMs + 5_000;
  }

  prompt(r: InviteRecord, companyName: string): PromptInvite {
    return { inviteId: r.id, companyName, agentName: r.agentName, phrase: r.phrase, expiresAt: r.expiresAt };
  }

  /**
   * Makes the next attempt of every pending delivery that is due (SMS retries), on whichever node
   * claims it first: the claim is a lease, so a node that dies mid-attempt leaves it to another
   * (or to itself after the restart) once the lease runs out. The result replaces the pending
   * delivery, and its event is emitted, once.
   */
  async retryDueDeliveries(limit = 50): Promise<number> {
    const now = new Date();
    const due = await this.deps.db.query<{ id: string; invite_id: string; org_id: string; invite_state: InviteState; channel: Channel; retry: RetryTicket }>(
      `WITH claimed AS (
         UPDATE invite_deliveries SET locked_until = $2
          WHERE id IN (SELECT id FROM invite_deliveries
                        WHERE state = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until < $1)
                          AND NOT (id::text = ANY($4::text[]))
                        ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, invite_id, channel, retry)
       SELECT c.id, c.invite_id, i.org_id, i.state AS invite_state, c.channel, c.retry FROM claimed c JOIN invites i ON i.id = c.invite_id`,
      [now, new Date(now.getTime() + this.leaseMs()), limit, [...this.inFlight]],
    );
    await Promise.all(due.map((d) => this.attempt(d.id, async () => {
      const channel = this.channels.get(d.channel);
      // A text for an invite that can no longer be used would only confuse the customer.
      const result: DeliveryResult = !LIVE_INVITE_STATES.includes(d.invite_state)
        ? { state: 'failed', detail: `not sent: the invite is ${d.invite_state}` }
        : channel && 'send' in channel
        ? await channel.send(d.retry).catch((err: Error): DeliveryResult => ({ state: 'failed', detail: `${d.channel} failed: ${err.message}` }))
        : { state: 'failed', detail: `the ${d.channel} channel cannot retry` };
      await this.recordDelivery(d.org_id, d.invite_id, d.channel, result, d.id).catch((err) =>
        this.deps.log.error({ err, inviteId: d.invite_id }, 'recording a delivery retry failed'));
    })));
    return due.length;
  }

  /**
   * Records a delivery's result and emits its event. A pending result is stored with its next
   * attempt; a later result for the same delivery (`deliveryId`, or the channel's pending one)
   * takes its place.
   */
  private async recordDelivery(orgId: string, inviteId: string, channel: Channel, result: DeliveryResult, deliveryId?: string) {
    const { state, detail } = result;
    await transact(this.deps, orgId, async (tx) => {
      const inv = await this.load(tx.q, orgId, inviteId, true);
      if (!inv) return;
      const at = new Date();
      const retry = result.retry ? JSON.stringify({ message: result.retry.message, attempts: result.retry.attempts } satisfies RetryTicket) : null;
      const nextAt = result.retry?.at ?? null;
      const replaced = await tx.q.query(
        `UPDATE invite_deliveries SET state = $3, detail = $4, at = $5, retry = $6, next_attempt_at = $7, locked_until = NULL
          WHERE invite_id = $1 AND channel = $2 AND state = 'pending' ${deliveryId ? 'AND id = $8' : ''} RETURNING id`,
        [inviteId, channel, state, detail ?? null, at, retry, nextAt, ...(deliveryId ? [deliveryId] : [])],
      );
      // A retry whose delivery was settled meanwhile (another node, after a lease ran out) says nothing more.
      if (deliveryId && !replaced.length) return;
      if (!replaced.length) {
        await tx.q.query(
          'INSERT INTO invite_deliveries (invite_id, channel, state, detail, at, retry, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [inviteId, channel, state, detail ?? null, at, retry, nextAt],
        );
      }
      if (state === 'pending') return;
      if (state === 'failed') {
        await tx.emit({ type: 'invite.delivery_failed', conversationId: inv.conversationId, inviteId,
          data: { channel, reason: 'delivery_failed', detail: detail ?? null } });
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

  async revoke(orgId: string, id: string, reason: InviteRevokeReason = 'api'): Promise<Invite> {
    await transact(this.deps, orgId, async (tx) => {
      const inv = await this.load(tx.q, orgId, id, true);
      if (!inv) throw new DomainError('invite_not_found');
      if (await this.expireIfDue(tx, inv)) return;
      await this.revokeInTx(tx, inv, reason);
    });
    return this.get(orgId, id);
  }

  private async revokeInTx(tx: Tx, inv: InviteRecord, reason: InviteRevokeReason) {
    await this.transition(tx, inv, 'revoked');
    await tx.emit({ type: 'invite.revoked', conversationId: inv.conversationId, inviteId: inv.id, data: { reason } });
    tx.afterCommit(() => this.presence.toInvitePages(inv.id, { type: 'invite.withdrawn', inviteId: inv.id, reason: 'revoked' }));
  }

  /** The call ended: every live invite of it is revoked in the caller's transaction. */
  async revokeLiveForConversation(tx: Tx, orgId: string, conversationId: string) {
    const rows = await tx.q.query<InviteRow>('SELECT * FROM invites WHERE org_id = $1 AND conversation_id = $2 AND state = ANY($3) FOR UPDATE',
      [orgId, conversationId, LIVE_INVITE_STATES]);
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
      // SKIP LOCKED: another node sweeping (or a request on this invite) has it; it is checked
      // again under the lock, so it expires once.
      const expired = await transact(this.deps, org_id, async (tx) => {
        const [row] = await tx.q.query<InviteRow>('SELECT * FROM invites WHERE id = $1 FOR UPDATE SKIP LOCKED', [id]);
        return row ? this.expireIfDue(tx, this.record(row)) : false;
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
    await this.noteOtherCustomer(visitor, inv);
    this.assertOfferable(visitor, inv, 'link');
    const holder = createHash('sha256').update(pageKey ?? `connection:${visitor.visitorId}`).digest('hex');
    const held = await transact(this.deps, visitor.orgId, async (tx) => {
      const [claimed] = await tx.q.query<{ link_holder: string }>(
        'UPDATE invites SET link_holder = COALESCE(link_holder, $2) WHERE id = $1 RETURNING link_holder', [inv.id, holder]);
      if (claimed!.link_holder === holder) return true;
      await tx.emit({ type: 'invite.link_refused', conversationId: inv.conversationId, inviteId: inv.id,
        data: { reason: 'opened_on_another_page', visitorId: visitor.visitorId } });
      return false;
    });
    if (!held) {
      throw new DomainError('invalid_state',
        'This link was already opened on another page: go back to that page, or ask the person you are speaking with for a new link.', {},
          'link_held_by_another_page');
    }
    return this.offer(visitor, inv, 'link');
  }

  /** The customer typed the code the agent read aloud. Wrong, used and expired codes get one answer. */
  async enterCode(visitor: VisitorRef, code: string): Promise<PromptInvite> {
    const [row] = await this.deps.db.query<InviteRow>(
      'SELECT * FROM invites WHERE org_id = $1 AND code = $2 AND state = ANY($3) AND expires_at > $4',
      [visitor.orgId, shortCodeDigits(code), LIVE_INVITE_STATES, new Date()],
    );
    if (!row) throw new DomainError('invalid_code');
    const inv = this.record(row);
    await this.noteOtherCustomer(visitor, inv);
    return this.offer(visitor, inv, 'code');
  }

  /**
   * A page signed in as another customer opened this invite's link or typed its code: refused
   * (assertForVisitor), and recorded, so the agent's timeline says why nothing happens.
   */
  private async noteOtherCustomer(visitor: VisitorRef, inv: InviteRecord): Promise<void> {
    if (!visitor.customerId || !inv.customerId || visitor.customerId === inv.customerId || inv.orgId !== visitor.orgId) return;
    await transact(this.deps, visitor.orgId, (tx) => tx.emit({
      type: 'invite.link_refused', conversationId: inv.conversationId, inviteId: inv.id,
      data: { reason: 'signed_in_as_another_customer', visitorId: visitor.visitorId },
    }));
  }

  private assertOfferable(visitor: VisitorRef, inv: InviteRecord, via: 'link' | 'code') {
    this.assertForVisitor(visitor, inv);
    if (!LIVE_INVITE_STATES.includes(inv.state) || Date.parse(inv.expiresAt) <= Date.now()) {
      throw new DomainError(via === 'code' ? 'invalid_code' : 'invalid_state', 'This invite is no longer available.', { currentState: inv.state });
    }
  }

  private async offer(visitor: VisitorRef, inv: InviteRecord, via: 'link' | 'code'): Promise<PromptInvite> {
    this.assertOfferable(visitor, inv, via);
    await this.presence.offered(visitor, inv.id);
    return this.prompt(inv, visitor.companyName);
  }

  private assertForVisitor(visitor: VisitorRef, inv: InviteRecord) {
    if (inv.orgId !== visitor.orgId) throw new DomainError('invite_not_found');
    // An identified page belongs to one customer; it may not answer another customer's invite.
    if (visitor.customerId && inv.customerId && visitor.customerId !== inv.customerId) {
      throw new DomainError('invalid_state', 'This invite was made for another customer.', {}, 'invite_for_another_customer');
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

  /**
   * The page got the invite but could not show the prompt. The invite stays as it was (another
   * page or channel may still reach the customer); the agent learns it now instead of waiting.
   */
  async promptFailed(visitor: VisitorRef, inviteId: string, reason: 'error' | 'hidden'): Promise<void> {
    await transact(this.deps, visitor.orgId, async (tx) => {
      const inv = await this.forVisitor(tx, visitor, inviteId);
      // Only an invite still waiting to be seen: a late report after a decision says nothing new.
      if (inv.state !== 'created' && inv.state !== 'delivered') return;
      await tx.emit({ type: 'invite.prompt_failed', conversationId: inv.conversationId, inviteId, data: { reason, visitorId: visitor.visitorId } });
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
        [newId('con'), inv.orgId, inv.conversationId, inv.id, visitor.customerId ?? inv.customerId, visitor.visitorId, shown ? JSON.stringify(shown) : null,
          visitor.userAgent, visitor.ip, new Date()],
      );
      await tx.emit({ type: 'invite.declined', conversationId: inv.conversationId, inviteId, data: { visitorId: visitor.visitorId } });
      tx.afterCommit(() => this.presence.toInvitePages(inv.id, { type: 'invite.withdrawn', inviteId: inv.id, reason: 'declined_elsewhere' }));
    });
  }
}
