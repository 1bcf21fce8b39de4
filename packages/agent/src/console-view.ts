// What the console shows for a state: every text, tone, and enabled or pressed control, in the
// console's language and the agent's number and time formats. Pure (the time is passed in), so
// the whole screen for any state is checked in Node; console-render.ts only writes it to the DOM.
import type { AgentView } from '@tandem/protocol';
import { groupShortCode } from '@tandem/protocol/wire';
import { CONTROL_WAIT_MS, type ConsoleState, type Message } from './console-model.ts';
import type { ConsoleLink } from './agent-socket.ts';
import type { ConsoleFormats } from './console-locale.ts';
import { channelName, deliveryStateText, endReasonText, fill, inviteIsOver, inviteStateText, timelineEntry } from './invite-timeline.ts';
import type { TimelineEntry, Tone } from './invite-timeline.ts';
import type { ConsoleStrings } from './locales/en.ts';
import type { ReplicaTool } from './replica-viewer.ts';

type Invite = NonNullable<AgentView['invite']>;

export interface ViewEnv {
  now: number;
  t: ConsoleStrings;
  format: ConsoleFormats;
}

export interface Status {
  text: string;
  tone: Tone;
}

export interface PendingInviteView {
  state: Status;
  expiry: string;
  /** A claimed code's invite: the customer already read theirs, its own code is not shown. */
  codeHidden: boolean;
  code: string;
  codeLabel: string;
  phrase: string;
  deliveries: { text: string; tone: Tone; title: string | null }[];
}

export interface ConsoleView {
  call: Status;
  link: Status;
  invite: {
    panel: 'idle' | 'pending' | 'live';
    button: { text: string; disabled: boolean };
    hint: string;
    claimDisabled: boolean;
    pending: PendingInviteView | null;
  };
  /** null: nothing said yet, the line stays as it is. */
  claimMessage: Status | null;
  notice: Status | null;
  customer: Status;
  viewport: { text: string; title: string };
  empty: { shown: boolean; title: string; text: string };
  veil: string | null;
  /** The tool the replica works with now (none while it cannot be used). */
  tool: ReplicaTool;
  toolsDisabled: boolean;
  control: { disabled: boolean; waiting: boolean; granted: boolean; pressed: boolean | null; text: string };
  end: { disabled: boolean; text: string };
}

const LINK_TEXT: Record<ConsoleLink, { key: keyof ConsoleStrings; tone: Tone }> = {
  connecting: { key: 'linkConnecting', tone: 'progress' },
  live: { key: 'linkLive', tone: 'good' },
  reconnecting: { key: 'linkReconnecting', tone: 'warn' },
  unauthorized: { key: 'linkUnauthorized', tone: 'bad' },
  replaced: { key: 'linkReplaced', tone: 'bad' },
  call_ended: { key: 'linkCallEnded', tone: 'bad' },
};

function sentence(text: string, lang: string): string {
  return text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);
}

export function messageText(message: Message, t: ConsoleStrings): string {
  if ('raw' in message) return message.raw;
  // Values every message may name: the control hint and the label of the confirming button.
  return fill(t[message.key], { hint: t.hintControl, confirm: t.endConfirm, ...message.vars });
}

function pendingInvite(invite: Invite | null, now: number): Invite | null {
  if (!invite || inviteIsOver(invite.state) || invite.state === 'accepted') return null;
  // The server's sweeper may mark it a little late; the agent should not read out a dead code.
  return Date.parse(invite.expiresAt) > now ? invite : null;
}

function callStatus(view: AgentView | null, t: ConsoleStrings): Status {
  if (!view) return { text: t.loadingCall, tone: 'neutral' };
  const name = view.customerName ?? t.theCustomer;
  if (view.conversationState === 'connected') return { text: fill(t.onCall, { name }), tone: 'good' };
  if (view.conversationState === 'dialing') return { text: fill(t.dialling, { name }), tone: 'progress' };
  return { text: t.callEnded, tone: 'neutral' };
}

function inviteHint(view: AgentView | null, pending: Invite | null, sharing: boolean, env: ViewEnv): string {
  const { t } = env;
  const invite = view?.invite ?? null;
  if (!view) return '';
  if (view.conversationState !== 'connected') return t.hintNeedsCall;
  if (invite?.state === 'accepted' && !sharing) return t.hintInviteAgain;
  if (invite && !pending && !sharing) {
    const state = inviteStateText(inviteIsOver(invite.state) ? invite.state : 'expired', t).label.toLocaleLowerCase(env.format.lang);
    return fill(t.hintLastInvite, { state });
  }
  return t.hintInvite;
}

function pendingView(state: ConsoleState, pending: Invite, env: ViewEnv): PendingInviteView {
  const { t, format } = env;
  const left = Math.max(0, Math.round((Date.parse(pending.expiresAt) - env.now) / 1000));
  const shown = pending.id === state.refusedInvite && pending.state === 'opened'
    ? { label: t.stateRefusedSignedIn, tone: 'bad' as Tone } : inviteStateText(pending.state, t);
  return {
    state: { text: shown.label, tone: shown.tone },
    expiry: fill(t.expiresIn, { time: format.countdown(left) }),
    codeHidden: pending.id === state.claimedInvite,
    code: groupShortCode(pending.code),
    codeLabel: fill(t.codeLabel, { digits: pending.code.split('').join(' ') }),
    phrase: pending.phrase,
    deliveries: pending.deliveries.map((delivery) => {
      const state = deliveryStateText(delivery.state, t);
      return {
        text: fill(t.delivery, { channel: sentence(channelName(delivery.channel, t), format.lang), state: state.label }),
        tone: state.tone,
        title: delivery.detail ?? null,
      };
    }),
  };
}

function customerStatus(state: ConsoleState, t: ConsoleStrings): Status {
  const session = state.view?.session ?? null;
  const active = session?.state === 'active';
  // While our own link is down we cannot know how the customer's is doing.
  if (active && state.link !== 'live') return { text: t.customerUnknown, tone: 'neutral' };
  if (active) {
    const link = state.view?.customerLink ?? 'reconnecting';
    if (link === 'connected') return { text: t.customerConnected, tone: 'good' };
    if (link === 'gone') return { text: t.customerGone, tone: 'bad' };
    return { text: t.customerReconnecting, tone: 'warn' };
  }
  return { text: session ? t.cobrowseEnded : t.notSharing, tone: 'neutral' };
}

function veilText(state: ConsoleState, t: ConsoleStrings): string | null {
  const { link, replica } = state;
  // The relay sends its cached snapshot as soon as the console has authenticated, before the
  // view that makes the link live: a replica drawn from the current connection is up to date.
  const connecting = link === 'connecting' || link === 'reconnecting';
  if (!replica.shown || (connecting && replica.current)) return null;
  if (link !== 'live') return t.veilReconnecting;
  if (state.view?.customerLink === 'reconnecting') return t.veilCustomerReconnecting;
  if (state.view?.customerLink === 'gone') return t.veilCustomerGone;
  return null;
}

export function view(state: ConsoleState, env: ViewEnv): ConsoleView {
  const { t, now, format } = env;
  const v = state.view;
  const live = state.link === 'live';
  const session = v?.session ?? null;
  const active = session?.state === 'active';
  const pending = pendingInvite(v?.invite ?? null, now);
  const callConnected = v?.conversationState === 'connected';
  const inviteDisabled = !live || !callConnected || state.inviteSending;

  const hasReplica = state.replica.shown;
  const usable = active && hasReplica && live;
  const control = active && session.control;
  const tool: ReplicaTool = !usable ? 'none' : state.tool === 'control' && !control ? 'pointer' : state.tool;
  const requested = state.controlRequested;
  const waiting = !control && requested !== null && requested.sessionId === session?.id && now - requested.at < CONTROL_WAIT_MS;
  const vp = state.viewport;

  return {
    call: callStatus(v, t),
    link: (({ key, tone }) => ({ text: t[key] as string, tone }))(LINK_TEXT[state.link]),
    invite: {
      panel: active ? 'live' : pending ? 'pending' : 'idle',
      button: { text: state.inviteSending ? t.inviteSending : t.invite, disabled: inviteDisabled },
      hint: inviteHint(v, pending, active, env),
      claimDisabled: !live || !callConnected,
      pending: pending ? pendingView(state, pending, env) : null,
    },
    claimMessage: state.claim.message ? { text: messageText(state.claim.message, t), tone: state.claim.message.tone } : null,
    notice: state.notice ? { text: messageText(state.notice, t), tone: state.notice.tone } : null,
    customer: customerStatus(state, t),
    viewport: hasReplica && vp
      ? { text: fill(vp.fit ? t.viewportFit : t.viewport, { width: format.number(vp.width), height: format.number(vp.height), zoom: format.percent(vp.scale) }),
        title: t.viewportTitle }
      : { text: '', title: '' },
    empty: {
      shown: !hasReplica,
      title: active ? t.emptyWaitingTitle : session ? t.cobrowseEnded : t.emptyNoneTitle,
      text: active ? t.emptyWaitingText
        // A new invite is offered only when one can be sent (not after the call has ended).
        : session ? fill(inviteDisabled ? t.emptyEndedNoInvite : t.emptyEndedText, {
          reason: sentence(endReasonText(session.endReason, t) || t.sessionOver, format.lang),
        })
        : t.emptyNoneText,
    },
    veil: veilText(state, t),
    tool,
    toolsDisabled: !usable,
    control: {
      disabled: !usable || waiting,
      waiting,
      granted: control === true,
      pressed: control ? tool === 'control' : null,
      text: control ? t.controlOn : waiting ? t.controlWaiting : t.controlRequest,
    },
    end: { disabled: !active || !live, text: now < state.endArmedUntil ? t.endConfirm : t.endSession },
  };
}

/** The timeline as drawn: drawn less often than the rest (see the element), so computed apart. */
export function timelineView(state: ConsoleState, env: Pick<ViewEnv, 't' | 'format'>): (TimelineEntry & { time: string })[] {
  return state.timeline.map((event) => {
    const entry = timelineEntry(event, env.t);
    return { ...entry, time: env.format.time(entry.at) };
  });
}
