// The agent console as a pure state machine: everything the console knows (the server's view of
// the call, its own link, the agent's tool, the requests in flight, the notices) is one immutable
// ConsoleState, changed only by reduce(state, event). The element feeds it events and draws
// view(state) (console-view.ts); nothing here touches the DOM, a socket or the clock, so every
// transition is unit-tested in Node (console-model.test.ts).
import type { AgentServerMessage, AgentView } from '@tandem/protocol';
import type { ConsoleLink } from './agent-socket.ts';
import type { TimelineEvent, Tone } from './invite-timeline.ts';
import type { ConsoleStrings } from './locales/en.ts';
import type { ReplicaTool, ReplicaViewport } from './replica-viewer.ts';

/** Requests the customer ignores or declines leave no trace; after this the agent may ask again. */
export const CONTROL_WAIT_MS = 30_000;
/** Ending takes a second press within this long. */
export const END_CONFIRM_MS = 4_000;

export type MessageKey = keyof Omit<ConsoleStrings, 'dir'>;

/** A line for the agent: a string of the console's language with its values, or the server's own words. */
export type Message = { key: MessageKey; vars?: Record<string, string>; tone: Tone } | { raw: string; tone: Tone };

/** The code the customer reads out: where its check is. */
export type ClaimPhase = 'idle' | 'invalid' | 'offline' | 'checking' | 'accepted' | 'failed';

export interface ReplicaState {
  /** A replica of the customer's page is on screen. */
  shown: boolean;
  /** The sharing session the replica belongs to (it goes when that session does). */
  session: string | null;
  /** It was drawn from what the current connection sent. */
  current: boolean;
}

export interface ConsoleState {
  view: AgentView | null;
  link: ConsoleLink;
  /** Timeline events by ascending seq, one per seq (a resent event replaces its first copy). */
  timeline: readonly TimelineEvent[];
  tool: ReplicaTool;
  viewport: ReplicaViewport | null;
  inviteSending: boolean;
  claim: { phase: ClaimPhase; message: Message | null };
  controlRequested: { sessionId: string; at: number } | null;
  controlWasOn: boolean;
  /** The invite a claimed support code made: the customer already read their code, so no second one is shown. */
  claimedInvite: string | null;
  /** The invite a page signed in as another customer was refused: it is not "being looked at". */
  refusedInvite: string | null;
  endArmedUntil: number;
  replica: ReplicaState;
  notice: Message | null;
}

export type ConsoleEvent =
  | { type: 'connecting' }
  | { type: 'link'; state: ConsoleLink }
  | { type: 'server'; message: AgentServerMessage }
  | { type: 'snapshot.shown' }
  | { type: 'snapshot.failed'; error: string }
  | { type: 'viewport'; viewport: ReplicaViewport }
  | { type: 'invite.sent'; sent: boolean }
  | { type: 'claim.invalid' }
  | { type: 'claim.sent'; sent: boolean }
  | { type: 'tool.toggle'; tool: 'pointer' | 'highlight' | 'control' }
  | { type: 'control.requested'; sessionId: string; at: number }
  | { type: 'end.press'; now: number }
  | { type: 'highlight'; nodeId: number | null }
  | { type: 'command.unsent' };

export const initialState: ConsoleState = {
  view: null,
  link: 'connecting',
  timeline: [],
  tool: 'pointer',
  viewport: null,
  inviteSending: false,
  claim: { phase: 'idle', message: null },
  controlRequested: null,
  controlWasOn: false,
  claimedInvite: null,
  refusedInvite: null,
  endArmedUntil: 0,
  replica: { shown: false, session: null, current: false },
  notice: null,
};

const REFUSALS: Record<string, MessageKey> = {
  masked_field: 'refusalMaskedField',
  not_editable: 'refusalNotEditable',
  node_not_found: 'refusalNodeNotFound',
  blocked_region: 'refusalBlockedRegion',
  not_allowed: 'refusalNotAllowed',
  control_not_granted: 'refusalNoControl',
};

const TOOL_HINTS: Record<ReplicaTool, MessageKey> = { none: 'hintNone', pointer: 'hintPointer', highlight: 'hintHighlight', control: 'hintControl' };

const say = (key: MessageKey, tone: Tone = 'neutral', vars?: Record<string, string>): Message => (vars ? { key, vars, tone } : { key, tone });

/** The code as the server wants it (spaces and dashes the agent typed dropped), or null if it cannot be one. */
export function claimCode(typed: string): string | null {
  const code = typed.replace(/[\s-]/g, '');
  return /^[A-Za-z0-9]{4,16}$/.test(code) ? code : null;
}

/** What pressing the control button does now: switch the granted tool on or off, or ask the customer. */
export function controlPress(state: ConsoleState): 'toggle' | 'request' | 'none' {
  const session = state.view?.session;
  if (!session || session.state !== 'active') return 'none';
  return session.control ? 'toggle' : 'request';
}

/** Whether pressing End now ends the session (the second press) or asks for that second press. */
export function endPress(state: ConsoleState, now: number): 'arm' | 'end' {
  return now > state.endArmedUntil ? 'arm' : 'end';
}

function addEvent(timeline: readonly TimelineEvent[], event: TimelineEvent): readonly TimelineEvent[] {
  const last = timeline[timeline.length - 1];
  if (!last || last.seq < event.seq) return [...timeline, event];
  const at = timeline.findIndex((e) => e.seq >= event.seq);
  const replaces = timeline[at]?.seq === event.seq ? 1 : 0;
  return [...timeline.slice(0, at), event, ...timeline.slice(at + replaces)];
}

function onView(state: ConsoleState, view: AgentView): ConsoleState {
  const session = view.session;
  const active = session?.state === 'active';
  let { claim, controlRequested, tool, notice, replica, claimedInvite } = state;
  if (claim.phase === 'checking' && active && session.id !== state.view?.session?.id) {
    claim = { phase: 'accepted', message: say('claimAccepted', 'good') };
  } else if (claim.phase === 'checking' && view.invite && view.invite.id !== state.view?.invite?.id) {
    // The code made an invite: the customer's screen asks them now.
    claim = { phase: 'accepted', message: say('claimAcceptedPrompt', 'good') };
    claimedInvite = view.invite.id;
  }
  const controlOn = active && session.control;
  if (controlOn && !state.controlWasOn) {
    controlRequested = null;
    tool = 'control';
    notice = say('controlGranted', 'good');
  } else if (!controlOn && state.controlWasOn) {
    tool = 'pointer';
    notice = say(active ? 'controlTakenBack' : 'controlEnded');
  }
  // Once sharing stops, the agent must stop seeing the page: the replica goes with the session.
  if (active && replica.session === null) replica = { ...replica, session: session.id };
  if (replica.shown && (!active || session.id !== replica.session)) replica = { ...replica, shown: false, session: null };
  return { ...state, view, inviteSending: false, claim, claimedInvite, controlRequested, controlWasOn: controlOn, tool, notice, replica };
}

function onServer(state: ConsoleState, message: AgentServerMessage): ConsoleState {
  switch (message.type) {
    case 'ready':
    case 'view':
      return onView(state, message.view);
    case 'event': {
      const timeline = addEvent(state.timeline, message.event);
      // A "not now" ends the wait at once, so the agent can ask again later.
      const declined = message.event.type === 'session.control_declined';
      const refused = message.event.type === 'invite.link_refused' && message.event.data['reason'] === 'signed_in_as_another_customer';
      return {
        ...state,
        timeline,
        controlRequested: declined ? null : state.controlRequested,
        refusedInvite: refused ? (state.view?.invite?.id ?? null) : state.refusedInvite,
      };
    }
    case 'customer.link':
      return state.view ? { ...state, view: { ...state.view, customerLink: message.state } } : state;
    case 'control.result':
      // The page answers with a code, never shown to a person as it is.
      return message.ok ? state : { ...state, notice: say(REFUSALS[message.error ?? ''] ?? 'refusalOther', 'bad') };
    case 'error': {
      const failed: Message = { raw: message.message, tone: 'bad' };
      if (state.claim.phase === 'checking') return { ...state, inviteSending: false, claim: { phase: 'failed', message: failed } };
      return { ...state, inviteSending: false, notice: failed };
    }
  }
}

function toggledTool(state: ConsoleState, tool: 'pointer' | 'highlight' | 'control'): ReplicaTool {
  if (tool === 'control') return state.tool === 'control' ? 'pointer' : 'control';
  return state.tool === tool ? 'none' : tool;
}

export function reduce(state: ConsoleState, event: ConsoleEvent): ConsoleState {
  switch (event.type) {
    case 'connecting':
      return { ...state, link: 'connecting', replica: { ...state.replica, current: false } };
    case 'link':
      return { ...state, link: event.state, replica: event.state === 'live' ? state.replica : { ...state.replica, current: false } };
    case 'server':
      return onServer(state, event.message);
    case 'snapshot.shown': {
      const session = state.view?.session;
      return { ...state, replica: { shown: true, current: true, session: session?.state === 'active' ? session.id : null } };
    }
    case 'snapshot.failed':
      return { ...state, notice: { raw: event.error, tone: 'bad' } };
    case 'viewport':
      return { ...state, viewport: event.viewport };
    case 'invite.sent':
      return { ...state, inviteSending: event.sent };
    case 'claim.invalid':
      return { ...state, claim: { phase: 'invalid', message: say('claimInvalid', 'bad') } };
    case 'claim.sent':
      return { ...state, claim: event.sent ? { phase: 'checking', message: say('claimChecking') } : { phase: 'offline', message: say('claimOffline', 'bad') } };
    case 'tool.toggle': {
      const tool = toggledTool(state, event.tool);
      return { ...state, tool, notice: say(TOOL_HINTS[tool]) };
    }
    case 'control.requested':
      return { ...state, controlRequested: { sessionId: event.sessionId, at: event.at }, notice: say('controlAsked') };
    case 'end.press':
      // Two presses: ending cannot be undone and the customer would have to accept again.
      return endPress(state, event.now) === 'arm'
        ? { ...state, endArmedUntil: event.now + END_CONFIRM_MS, notice: say('endConfirmPrompt') }
        : { ...state, endArmedUntil: 0 };
    case 'highlight':
      return { ...state, notice: say(event.nodeId === null ? 'highlightCleared' : 'highlighted') };
    case 'command.unsent':
      return { ...state, notice: say('notConnectedAction', 'bad') };
  }
}

/** What the element must do besides drawing when the state moved from `before` to `after`. */
export type ConsoleEffect = 'clear-replica' | 'focus-replica' | 'clear-claim-input';

export function effects(before: ConsoleState, after: ConsoleState): ConsoleEffect[] {
  const out: ConsoleEffect[] = [];
  if (before.replica.shown && !after.replica.shown) out.push('clear-replica');
  if (after.controlWasOn && !before.controlWasOn) out.push('focus-replica');
  if (after.claim.phase === 'accepted' && before.claim.phase !== 'accepted') out.push('clear-claim-input');
  return out;
}
