// The words the agent reads: Tandem events and states as a contact-centre agent would say them,
// in the console's language (English unless given another language's strings).
import type { DeliveryState, InviteState } from '@tandem/protocol';
import { en, type ConsoleStrings } from './locales/en.ts';

export type Tone = 'neutral' | 'progress' | 'good' | 'warn' | 'bad';

export interface TimelineEntry {
  seq: number;
  at: string;
  label: string;
  detail: string | null;
  tone: Tone;
}

export interface TimelineEvent {
  seq: number;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}


type Key = keyof Omit<ConsoleStrings, 'dir'>;

const CHANNEL_NAMES: Record<string, Key> = { push: 'viaPush', sms: 'viaSms', code: 'viaCode' };

const END_REASONS: Record<string, Key> = {
  call_ended: 'endCallEnded',
  customer_stopped: 'endCustomerStopped',
  agent_ended: 'endAgentEnded',
  api_ended: 'endApiEnded',
  customer_left: 'endCustomerLeft',
};

export function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

export function channelName(channel: unknown, t: ConsoleStrings = en): string {
  if (typeof channel !== 'string') return t.viaUnknown;
  const key = CHANNEL_NAMES[channel];
  return key ? t[key] : channel;
}

export function endReasonText(reason: unknown, t: ConsoleStrings = en): string {
  if (typeof reason !== 'string') return '';
  const key = END_REASONS[reason];
  return key ? t[key] : reason.replace(/_/g, ' ');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function describe(event: TimelineEvent, t: ConsoleStrings): Pick<TimelineEntry, 'label' | 'detail' | 'tone'> {
  const { data } = event;
  switch (event.type) {
    case 'conversation.updated': {
      const state = data['state'];
      if (state === 'connected') return { label: t.tlCallConnected, detail: null, tone: 'neutral' };
      if (state === 'disconnected') return { label: t.callEnded, detail: null, tone: 'neutral' };
      return { label: t.tlDialling, detail: null, tone: 'neutral' };
    }
    case 'invite.created': {
      const channels = Array.isArray(data['channels']) ? data['channels'].map((c) => channelName(c, t)).join(', ') : null;
      return { label: t.tlInviteCreated, detail: channels ? fill(t.tlBy, { channels }) : null, tone: 'progress' };
    }
    case 'invite.delivered':
      // The detail of a success is a provider reference, noise to the agent; failures keep theirs.
      return { label: fill(t.tlDeliveredBy, { channel: channelName(data['channel'], t) }), detail: null, tone: 'progress' };
    case 'invite.delivery_failed':
      return { label: fill(t.tlNotDeliveredBy, { channel: channelName(data['channel'], t) }), detail: text(data['detail']), tone: 'bad' };
    case 'invite.opened':
      return { label: data['via'] === 'link' ? t.tlOpenedLink : t.tlLookingAtInvite, detail: null, tone: 'progress' };
    case 'invite.prompt_failed':
      return { label: t.tlPromptFailed, detail: t.tlPromptFailedDetail, tone: 'bad' };
    case 'invite.link_refused':
      if (data['reason'] === 'signed_in_as_another_customer') return { label: t.tlRefusedSignedIn, detail: t.tlRefusedSignedInDetail, tone: 'bad' };
      // Whoever opened the link first holds it; this was someone else, or the customer twice.
      return { label: t.tlLinkRefused, detail: t.tlLinkRefusedDetail, tone: 'bad' };
    case 'invite.accepted':
      return { label: t.tlAccepted, detail: null, tone: 'good' };
    case 'invite.declined':
      return { label: t.tlDeclined, detail: null, tone: 'bad' };
    case 'invite.expired':
      return { label: t.tlExpired, detail: null, tone: 'warn' };
    case 'invite.revoked':
      return { label: t.tlWithdrawn, detail: text(data['reason'])?.replace(/_/g, ' ') ?? null, tone: 'warn' };
    case 'session.started':
      return { label: t.tlStarted, detail: null, tone: 'good' };
    case 'session.control_granted':
      return { label: t.tlControlGranted, detail: null, tone: 'good' };
    case 'session.control_revoked':
      return { label: t.tlControlRevoked, detail: null, tone: 'warn' };
    case 'session.control_declined':
      return { label: t.tlControlDeclined, detail: null, tone: 'warn' };
    case 'session.ended':
      return { label: t.cobrowseEnded, detail: endReasonText(data['reason'], t) || null, tone: 'neutral' };
    default:
      return { label: event.type, detail: null, tone: 'neutral' };
  }
}

export function timelineEntry(event: TimelineEvent, t: ConsoleStrings = en): TimelineEntry {
  return { seq: event.seq, at: event.occurredAt, ...describe(event, t) };
}

const INVITE_STATES: Record<InviteState, { key: Key; tone: Tone }> = {
  created: { key: 'stateCreated', tone: 'progress' },
  delivered: { key: 'stateDelivered', tone: 'progress' },
  opened: { key: 'stateOpened', tone: 'progress' },
  accepted: { key: 'stateAccepted', tone: 'good' },
  declined: { key: 'stateDeclined', tone: 'bad' },
  expired: { key: 'stateExpired', tone: 'warn' },
  revoked: { key: 'stateRevoked', tone: 'warn' },
};

function isInviteState(state: string): state is InviteState {
  return Object.hasOwn(INVITE_STATES, state);
}

export function inviteStateText(state: string, t: ConsoleStrings = en): { label: string; tone: Tone } {
  if (!isInviteState(state)) return { label: state, tone: 'neutral' };
  const { key, tone } = INVITE_STATES[state];
  return { label: t[key], tone };
}

const DELIVERY_STATES: Record<DeliveryState, { key: Key; tone: Tone }> = {
  pending: { key: 'deliveryPending', tone: 'neutral' },
  sent: { key: 'deliverySent', tone: 'progress' },
  delivered: { key: 'deliveryDelivered', tone: 'good' },
  failed: { key: 'deliveryFailed', tone: 'bad' },
};

export function deliveryStateText(state: string, t: ConsoleStrings = en): { label: string; tone: Tone } {
  const known = Object.hasOwn(DELIVERY_STATES, state) ? DELIVERY_STATES[state as DeliveryState] : null;
  return known ? { label: t[known.key], tone: known.tone } : { label: state, tone: 'neutral' };
}

/** An invite in one of these states can no longer bring the customer in: offer a new one. */
export function inviteIsOver(state: string): boolean {
  return state === 'declined' || state === 'expired' || state === 'revoked';
}
