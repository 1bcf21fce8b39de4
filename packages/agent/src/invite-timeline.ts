// The words the agent reads: Tandem events and states as a contact-centre agent would say them.

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

const CHANNEL_NAMES: Record<string, string> = {
  push: 'their open web page',
  sms: 'text message',
  code: 'code read aloud',
};

const END_REASONS: Record<string, string> = {
  call_ended: 'the call ended',
  customer_stopped: 'the customer stopped sharing',
  agent_ended: 'you ended it',
  api_ended: 'ended by your system',
  customer_left: 'the customer left the site',
};

export function channelName(channel: unknown): string {
  return typeof channel === 'string' ? (CHANNEL_NAMES[channel] ?? channel) : 'unknown channel';
}

export function endReasonText(reason: unknown): string {
  return typeof reason === 'string' ? (END_REASONS[reason] ?? reason.replace(/_/g, ' ')) : '';
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value ? value : null;
}

function describe(event: TimelineEvent): Pick<TimelineEntry, 'label' | 'detail' | 'tone'> {
  const { data } = event;
  switch (event.type) {
    case 'conversation.updated': {
      const state = data['state'];
      if (state === 'connected') return { label: 'Call connected', detail: null, tone: 'neutral' };
      if (state === 'disconnected') return { label: 'Call ended', detail: null, tone: 'neutral' };
      return { label: 'Dialling', detail: null, tone: 'neutral' };
    }
    case 'invite.created': {
      const channels = Array.isArray(data['channels']) ? data['channels'].map(channelName).join(', ') : null;
      return { label: 'Invite created', detail: channels ? `by ${channels}` : null, tone: 'progress' };
    }
    case 'invite.delivered':
      // The detail of a success is a provider reference, noise to the agent; failures keep theirs.
      return { label: `Delivered by ${channelName(data['channel'])}`, detail: null, tone: 'progress' };
    case 'invite.delivery_failed':
      return { label: `Could not deliver by ${channelName(data['channel'])}`, detail: text(data['detail']), tone: 'bad' };
    case 'invite.opened':
      return { label: data['via'] === 'link' ? 'Customer opened the link' : 'Customer is looking at the invite', detail: null, tone: 'progress' };
    case 'invite.prompt_failed':
      return { label: 'The customer\'s page could not show the invite', detail: 'Send the link by SMS or read the code aloud instead.', tone: 'bad' };
    case 'invite.link_refused':
      if (data['reason'] === 'signed_in_as_another_customer') {
        return {
          label: 'Refused: opened where another customer is signed in',
          detail: 'The customer was told to sign out of the site and open the link again. Or read them the code instead.',
          tone: 'bad',
        };
      }
      // Whoever opened the link first holds it; this was someone else, or the customer twice.
      return { label: 'Another page tried to open the link: refused',
        detail: 'A link works on one page only. If the customer sees "already open on another page", withdraw this invite and send a new one.', tone: 'bad' };
    case 'invite.accepted':
      return { label: 'Customer accepted', detail: null, tone: 'good' };
    case 'invite.declined':
      return { label: 'Customer declined', detail: null, tone: 'bad' };
    case 'invite.expired':
      return { label: 'Invite expired', detail: null, tone: 'warn' };
    case 'invite.revoked':
      return { label: 'Invite withdrawn', detail: text(data['reason'])?.replace(/_/g, ' ') ?? null, tone: 'warn' };
    case 'session.started':
      return { label: 'Cobrowse started', detail: null, tone: 'good' };
    case 'session.control_granted':
      return { label: 'Customer gave you control', detail: null, tone: 'good' };
    case 'session.control_revoked':
      return { label: 'Customer took back control', detail: null, tone: 'warn' };
    case 'session.control_declined':
      return { label: 'Customer said "not now" to control', detail: null, tone: 'warn' };
    case 'session.ended':
      return { label: 'Cobrowse ended', detail: endReasonText(data['reason']) || null, tone: 'neutral' };
    default:
      return { label: event.type, detail: null, tone: 'neutral' };
  }
}

export function timelineEntry(event: TimelineEvent): TimelineEntry {
  return { seq: event.seq, at: event.occurredAt, ...describe(event) };
}

const INVITE_STATES: Record<string, { label: string; tone: Tone }> = {
  created: { label: 'Sending', tone: 'progress' },
  delivered: { label: 'Waiting for the customer', tone: 'progress' },
  opened: { label: 'Customer is looking', tone: 'progress' },
  accepted: { label: 'Accepted', tone: 'good' },
  declined: { label: 'Declined', tone: 'bad' },
  expired: { label: 'Expired', tone: 'warn' },
  revoked: { label: 'Withdrawn', tone: 'warn' },
};

export function inviteStateText(state: string): { label: string; tone: Tone } {
  return INVITE_STATES[state] ?? { label: state, tone: 'neutral' };
}

/** An invite in one of these states can no longer bring the customer in: offer a new one. */
export function inviteIsOver(state: string): boolean {
  return state === 'declined' || state === 'expired' || state === 'revoked';
}
