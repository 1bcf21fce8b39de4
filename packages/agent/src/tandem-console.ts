// <tandem-console server="https://tandem.example" token="...">: the agent's whole cobrowse
// console for one call, for an agent desktop to embed or for the standalone page to fill.
import type { AgentServerMessage, AgentView, CustomerLink } from '@tandem/protocol';
import { groupShortCode } from '@tandem/protocol/wire';
import { AgentSocket } from './agent-socket.ts';
import type { AgentSocketHandlers, ConsoleLink } from './agent-socket.ts';
import { CONSOLE_MARKUP } from './console-markup.ts';
import { CONSOLE_CSS } from './console-styles.ts';
import { takeEarlyLink } from './early-link.ts';
import { channelName, endReasonText, inviteIsOver, inviteStateText, timelineEntry } from './invite-timeline.ts';
import type { TimelineEntry, Tone } from './invite-timeline.ts';
import { controlRefusalText } from './control-outcome.ts';
import { ReplicaViewControls } from './replica-view-controls.ts';
import { ReplicaViewer } from './replica-viewer.ts';
import type { ReplicaTool, ReplicaViewport } from './replica-viewer.ts';

type Invite = NonNullable<AgentView['invite']>;

const LINK_TEXT: Record<ConsoleLink, { text: string; tone: Tone }> = {
  connecting: { text: 'Connecting to Tandem…', tone: 'progress' },
  live: { text: 'Connected', tone: 'good' },
  reconnecting: { text: 'Reconnecting…', tone: 'warn' },
  unauthorized: { text: 'Console link expired: open it again from your desktop', tone: 'bad' },
  replaced: { text: 'Opened in another window', tone: 'bad' },
  call_ended: { text: 'Call ended', tone: 'warn' },
};

const CUSTOMER_TEXT: Record<CustomerLink, { text: string; tone: Tone }> = {
  connected: { text: 'Customer connected', tone: 'good' },
  reconnecting: { text: 'Customer reconnecting…', tone: 'warn' },
  gone: { text: 'Customer gone', tone: 'bad' },
};

const TOOL_HINTS: Record<ReplicaTool, string> = {
  none: 'Tools off: you are watching only.',
  pointer: 'Pointer: the customer sees your pointer wherever you move over their screen.',
  highlight: 'Highlight: click something on their screen to outline it for them. Escape clears.',
  control: 'Remote control: click a field on their page, then type. Scrolling works too. Tab leaves their page.',
};

const DELIVERY_TONES: Record<string, Tone> = { pending: 'neutral', sent: 'progress', delivered: 'good', failed: 'bad' };
// Requests the customer ignores or declines leave no trace; after this the agent may ask again.
const CONTROL_WAIT_MS = 30_000;
const END_CONFIRM_MS = 4_000;
// A background tab gets no animation frames; the timeline is drawn after this at the latest.
const TIMELINE_LATEST_MS = 250;

let sheet: CSSStyleSheet | null = null;

function styles(): CSSStyleSheet {
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(CONSOLE_CSS);
  return sheet;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// One formatter for every timeline entry: toLocaleTimeString builds a new one per call, which
// profiled at ~39 ms of an agent's join on a long timeline.
// 24-hour in the agent's own locale, like the desk's API log: one clock across the agent's screens.
const CLOCK = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function clock(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : CLOCK.format(date);
}

function pendingInvite(invite: Invite | null, now: number): Invite | null {
  if (!invite || inviteIsOver(invite.state) || invite.state === 'accepted') return null;
  // The server's sweeper may mark it a little late; the agent should not read out a dead code.
  return Date.parse(invite.expiresAt) > now ? invite : null;
}

export class TandemConsole extends HTMLElement {
  static readonly observedAttributes = ['server', 'token'];

  private readonly root: ShadowRoot;
  private socket: AgentSocket | null = null;
  private socketKey = '';
  private viewer: ReplicaViewer | null = null;
  private viewControls: ReplicaViewControls | null = null;
  private view: AgentView | null = null;
  private link: ConsoleLink = 'connecting';
  private readonly timeline = new Map<number, TimelineEntry>();
  private tool: ReplicaTool = 'pointer';
  private viewport: ReplicaViewport | null = null;
  private commandId = 0;
  private inviteSending = false;
  private claimPending = false;
  // The invite a claimed support code made: the customer already read their code, so no second one is shown.
  private claimedInvite: string | null = null;
  // The invite a page signed in as another customer was refused: it is not "being looked at".
  private refusedInvite: string | null = null;
  private controlRequested: { sessionId: string; at: number } | null = null;
  private controlWasOn = false;
  private endArmedUntil = 0;
  private replicaSession: string | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private timelineQueued = false;
  // The replica was drawn from what the current connection sent (see the veil in renderReplica).
  private replicaCurrent = false;

  constructor() {
    super();
    this.root = this.attachShadow({ mode: 'open' });
    this.root.adoptedStyleSheets = [styles()];
    this.root.innerHTML = CONSOLE_MARKUP;
    this.wire();
  }

  connectedCallback(): void {
    this.viewer ??= new ReplicaViewer(this.el('stage'), {
      pointer: (x, y, visible) => this.socket?.sendPointer(x, y, visible),
      highlight: (nodeId) => {
        this.send({ type: 'highlight', nodeId });
        this.notice(nodeId === null ? 'Highlight cleared.' : 'Highlighted for the customer. Click it again or press Escape to clear.');
      },
      control: (command) => {
        this.commandId += 1;
        if (!this.send({ type: 'control.command', id: this.commandId, command })) this.notice('Not connected: that action was not sent.', 'bad');
      },
      viewport: (viewport) => {
        this.viewport = viewport;
        this.render();
      },
      drift: () => this.send({ type: 'snapshot.request', reason: 'drift' }),
    });
    this.viewControls ??= new ReplicaViewControls(this.root, () => this.viewer);
    this.ticker ??= setInterval(() => this.renderInvite(), 1_000);
    this.connect();
    this.render();
  }

  disconnectedCallback(): void {
    this.socket?.stop();
    this.socket = null;
    this.socketKey = '';
    this.viewer?.destroy();
    this.viewer = null;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }

  attributeChangedCallback(): void {
    // Before connectedCallback there is no replica to feed yet; it connects then.
    if (this.viewer) this.connect();
  }

  private connect(): void {
    const server = this.getAttribute('server');
    const token = this.getAttribute('token');
    const key = `${server} ${token}`;
    if (this.socket && key === this.socketKey) return;
    this.socket?.stop();
    this.socket = null;
    this.socketKey = key;
    if (!server || !token) return;
    this.link = 'connecting';
    this.replicaCurrent = false;
    const handlers: AgentSocketHandlers = {
      link: (state) => {
        this.link = state;
        if (state !== 'live') this.replicaCurrent = false;
        this.render();
      },
      message: (message) => this.onMessage(message),
      snapshot: (events) => {
        try {
          this.viewer?.showSnapshot(events);
          this.replicaCurrent = true;
          this.replicaSession = this.view?.session?.state === 'active' ? this.view.session.id : null;
        } catch (error) {
          this.notice(error instanceof Error ? error.message : String(error), 'bad');
        }
        this.render();
      },
      delta: (events) => this.viewer?.applyDelta(events),
      customerPointer: (point) => this.viewer?.moveCustomerPointer(point),
    };
    // The console page opened this link before the console had loaded (early-link.ts): what it
    // has received so far, often the customer's page already, is shown now.
    const early = takeEarlyLink(server, token);
    if (early) {
      this.socket = early.socket;
      early.attach(handlers);
      return;
    }
    this.socket = new AgentSocket({ server, token, handlers });
    this.socket.start();
  }

  private el<T extends HTMLElement = HTMLElement>(id: string): T {
    const found = this.root.getElementById(id);
    if (!found) throw new Error(`console markup has no #${id}`);
    return found as T;
  }

  private send(message: Parameters<AgentSocket['send']>[0]): boolean {
    return this.socket?.send(message) ?? false;
  }

  private notice(text: string, tone: Tone = 'neutral'): void {
    const notice = this.el('notice');
    notice.textContent = text;
    notice.dataset['tone'] = tone;
  }

  private wire(): void {
    const createInvite = () => {
      const channel = this.el<HTMLSelectElement>('channel').value;
      const sent = this.send(channel === 'push' || channel === 'sms' || channel === 'code'
        ? { type: 'invite.create', channels: [channel] }
        : { type: 'invite.create' });
      this.inviteSending = sent;
      this.render();
    };
    this.el('invite').addEventListener('click', createInvite);
    this.el('invite-again').addEventListener('click', createInvite);
    this.el('claim-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const input = this.el<HTMLInputElement>('claim');
      const code = input.value.replace(/[\s-]/g, '');
      const message = this.el('claim-msg');
      if (!/^[A-Za-z0-9]{4,16}$/.test(code)) {
        message.textContent = 'Type the code exactly as the customer reads it.';
        message.dataset['tone'] = 'bad';
        return;
      }
      this.claimPending = this.send({ type: 'code.claim', code });
      message.textContent = this.claimPending ? 'Checking the code…' : 'Not connected: try again in a moment.';
      message.dataset['tone'] = this.claimPending ? 'neutral' : 'bad';
    });
    this.el('tool-pointer').addEventListener('click', () => this.selectTool(this.tool === 'pointer' ? 'none' : 'pointer'));
    this.el('tool-highlight').addEventListener('click', () => this.selectTool(this.tool === 'highlight' ? 'none' : 'highlight'));
    this.el('control').addEventListener('click', () => {
      const session = this.view?.session;
      if (!session || session.state !== 'active') return;
      if (session.control) {
        this.selectTool(this.tool === 'control' ? 'pointer' : 'control');
        return;
      }
      if (this.send({ type: 'control.request' })) {
        this.controlRequested = { sessionId: session.id, at: Date.now() };
        this.notice('Asked the customer for control. They see a separate prompt to accept.');
        this.render();
        setTimeout(() => this.render(), CONTROL_WAIT_MS + 50);
      }
    });
    this.el('end').addEventListener('click', () => {
      // Two presses: ending cannot be undone and the customer would have to accept again.
      if (Date.now() > this.endArmedUntil) {
        this.endArmedUntil = Date.now() + END_CONFIRM_MS;
        this.notice('Press "Confirm end" to stop cobrowsing.');
        this.render();
        setTimeout(() => this.render(), END_CONFIRM_MS + 50);
        return;
      }
      this.endArmedUntil = 0;
      this.send({ type: 'session.end' });
      this.render();
    });
  }

  private selectTool(tool: ReplicaTool): void {
    this.tool = tool;
    this.notice(TOOL_HINTS[tool]);
    this.render();
  }

  private onMessage(message: AgentServerMessage): void {
    switch (message.type) {
      case 'ready':
      case 'view':
        this.onView(message.view);
        break;
      case 'event':
        this.timeline.set(message.event.seq, timelineEntry(message.event));
        if (message.event.type === 'invite.link_refused' && message.event.data['reason'] === 'signed_in_as_another_customer') {
          this.refusedInvite = this.view?.invite?.id ?? null;
          this.render();
        }
        // A "not now" ends the wait at once, so the agent can ask again later.
        if (message.event.type === 'session.control_declined') {
          this.controlRequested = null;
          this.render();
        }
        this.scheduleTimeline();
        break;
      case 'customer.link':
        if (this.view) this.view = { ...this.view, customerLink: message.state };
        this.render();
        break;
      case 'control.result':
        if (!message.ok) this.notice(controlRefusalText(message.error), 'bad');
        break;
      case 'error':
        this.onError(message.message);
        break;
    }
  }

  private onView(view: AgentView): void {
    const before = this.view;
    this.view = view;
    this.inviteSending = false;
    const session = view.session;
    if (this.claimPending && session?.state === 'active' && session.id !== before?.session?.id) {
      this.claimPending = false;
      this.el<HTMLInputElement>('claim').value = '';
      const message = this.el('claim-msg');
      message.textContent = 'Code accepted: the customer is sharing.';
      message.dataset['tone'] = 'good';
    }
    if (this.claimPending && view.invite && view.invite.id !== before?.invite?.id) this.onClaimed(view.invite.id);
    const controlOn = session?.state === 'active' && session.control;
    if (controlOn && !this.controlWasOn) {
      this.controlRequested = null;
      this.tool = 'control';
      this.notice(`Control granted. ${TOOL_HINTS.control}`, 'good');
      this.viewer?.focus();
    } else if (!controlOn && this.controlWasOn) {
      this.tool = 'pointer';
      this.notice(session?.state === 'active' ? 'The customer took back control.' : 'Control ended.');
    }
    this.controlWasOn = controlOn === true;
    // Once sharing stops, the agent must stop seeing the page: the replica goes with the session.
    if (session?.state === 'active') this.replicaSession ??= session.id;
    if (this.viewer?.hasReplica && (session?.state !== 'active' || session.id !== this.replicaSession)) {
      this.viewer.clear();
      this.replicaSession = null;
    }
    this.render();
  }

  private onClaimed(inviteId: string): void {
    this.claimPending = false;
    this.claimedInvite = inviteId;
    this.el<HTMLInputElement>('claim').value = '';
    const message = this.el('claim-msg');
    message.textContent = 'Code accepted: the customer\'s screen now asks them to share.';
    message.dataset['tone'] = 'good';
  }

  private onError(text: string): void {
    this.inviteSending = false;
    if (this.claimPending) {
      this.claimPending = false;
      const message = this.el('claim-msg');
      message.textContent = text;
      message.dataset['tone'] = 'bad';
    } else {
      this.notice(text, 'bad');
    }
    this.render();
  }

  private render(): void {
    this.renderHeader();
    this.renderInvite();
    this.renderReplica();
  }

  private renderHeader(): void {
    const view = this.view;
    const call = this.el('call');
    const name = view?.customerName ?? 'the customer';
    const [callText, callTone]: [string, Tone] = !view ? ['Loading call…', 'neutral']
      : view.conversationState === 'connected' ? [`On call with ${name}`, 'good']
      : view.conversationState === 'dialing' ? [`Dialling ${name}…`, 'progress']
      : ['Call ended', 'neutral'];
    this.el('call-text').textContent = callText;
    call.dataset['tone'] = callTone;
    const link = LINK_TEXT[this.link];
    this.el('link-text').textContent = link.text;
    this.el('link').dataset['tone'] = link.tone;
  }

  /** The invite button works: linked to Tandem, on a connected call, no invite on its way. */
  private canInvite(): boolean {
    return this.link === 'live' && this.view?.conversationState === 'connected' && !this.inviteSending;
  }

  private renderInvite(): void {
    const view = this.view;
    const live = this.link === 'live';
    const now = Date.now();
    const invite = view?.invite ?? null;
    const pending = pendingInvite(invite, now);
    const sharing = view?.session?.state === 'active';
    this.el('invite-idle').hidden = pending !== null || sharing;
    this.el('invite-pending').hidden = pending === null || sharing;
    this.el('invite-live').hidden = !sharing;

    const button = this.el<HTMLButtonElement>('invite');
    const callConnected = view?.conversationState === 'connected';
    button.disabled = !this.canInvite();
    button.textContent = this.inviteSending ? 'Sending invite…' : 'Invite to cobrowse';
    this.el('invite-again').toggleAttribute('disabled', !this.canInvite());
    this.el<HTMLSelectElement>('channel').disabled = button.disabled;
    this.el('invite-hint').textContent = !view ? ''
      : !callConnected ? 'Available while the call is connected.'
      : invite?.state === 'accepted' && !sharing ? 'The last cobrowse has ended. You can invite the customer again.'
      : invite && !pending && !sharing
        ? `Last invite: ${inviteStateText(inviteIsOver(invite.state) ? invite.state : 'expired').label.toLowerCase()}. You can send another.`
      : 'The customer gets a prompt to share this browser tab. Nothing is shared until they accept.';

    const claimDisabled = !live || !callConnected;
    this.el<HTMLInputElement>('claim').disabled = claimDisabled;
    this.el<HTMLButtonElement>('claim-button').disabled = claimDisabled;

    if (!pending) return;
    const state = pending.id === this.refusedInvite && pending.state === 'opened'
      ? { label: 'Refused: another customer signed in', tone: 'bad' as Tone } : inviteStateText(pending.state);
    const pill = this.el('invite-state');
    pill.textContent = state.label;
    pill.dataset['tone'] = state.tone;
    const left = Math.max(0, Math.round((Date.parse(pending.expiresAt) - now) / 1000));
    this.el('invite-expiry').textContent = `Expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
    // A claimed code's invite has a code of its own; the customer never needs it, so it is not shown.
    const claimed = pending.id === this.claimedInvite;
    this.el('code-say').hidden = claimed;
    const code = this.el('code');
    code.hidden = claimed;
    code.textContent = groupShortCode(pending.code);
    code.setAttribute('aria-label', `Code ${pending.code.split('').join(' ')}`);
    this.el('phrase').textContent = pending.phrase;
    const deliveries = this.el('deliveries');
    deliveries.replaceChildren(...pending.deliveries.map((delivery) => {
      const item = document.createElement('li');
      item.className = 'pill';
      item.dataset['tone'] = DELIVERY_TONES[delivery.state] ?? 'neutral';
      item.textContent = `${sentence(channelName(delivery.channel))} · ${delivery.state}`;
      if (delivery.detail) item.title = delivery.detail;
      return item;
    }));
  }

  /**
   * Events arrive one message each, a whole call's history at once when the console connects:
   * the timeline is drawn once per frame, not once per event (each draw lays the list out to
   * scroll to its end).
   */
  private scheduleTimeline(): void {
    if (this.timelineQueued) return;
    this.timelineQueued = true;
    const draw = () => {
      if (!this.timelineQueued) return;
      this.timelineQueued = false;
      this.renderTimeline();
    };
    requestAnimationFrame(draw);
    setTimeout(draw, TIMELINE_LATEST_MS);
  }

  private renderTimeline(): void {
    const list = this.el('timeline');
    const entries = [...this.timeline.values()].sort((a, b) => a.seq - b.seq);
    this.el('timeline-empty').hidden = entries.length > 0;
    list.replaceChildren(...entries.map((entry) => {
      const item = document.createElement('li');
      item.dataset['tone'] = entry.tone;
      const mark = document.createElement('span');
      mark.className = 'mark';
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = entry.label;
      const when = document.createElement('time');
      when.className = 'when';
      when.dateTime = entry.at;
      when.textContent = clock(entry.at);
      item.append(mark, what, when);
      if (entry.detail) {
        const detail = document.createElement('div');
        detail.className = 'detail';
        detail.textContent = entry.detail;
        item.append(detail);
      }
      return item;
    }));
    list.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }

  private renderReplica(): void {
    const view = this.view;
    const session = view?.session ?? null;
    const active = session?.state === 'active';
    const hasReplica = this.viewer?.hasReplica ?? false;
    const live = this.link === 'live';

    const customer = this.el('customer');
    // While our own link is down we cannot know how the customer's is doing.
    const status = active && !live ? { text: 'Customer status unknown', tone: 'neutral' as Tone }
      : active ? CUSTOMER_TEXT[view?.customerLink ?? 'reconnecting']
      : session ? { text: 'Cobrowse ended', tone: 'neutral' as Tone }
      : { text: 'Not sharing', tone: 'neutral' as Tone };
    this.el('customer-text').textContent = status.text;
    customer.dataset['tone'] = status.tone;
    const viewport = this.el('viewport');
    viewport.textContent = hasReplica && this.viewport
      ? `${this.viewport.width} × ${this.viewport.height} · ${Math.round(this.viewport.scale * 100)}%${this.viewport.fit ? ' (fit)' : ''}`
      : '';
    this.viewControls?.update(hasReplica);
    viewport.title = hasReplica && this.viewport ? 'Size of the customer\'s browser window, and the zoom it is shown at here' : '';

    this.el('empty').hidden = hasReplica;
    this.el('empty-title').textContent = active ? 'Waiting for the customer\'s screen…'
      : session ? 'Cobrowse ended' : 'No screen shared yet';
    this.el('empty-text').textContent = active ? 'It appears as soon as their browser sends it.'
      : session ? `${sentence(endReasonText(session.endReason) || 'the session is over')}.${this.canInvite() ? ' Send a new invite to cobrowse again.' : ''}`
      : 'The customer\'s screen appears here once they accept an invite.';

    // The relay sends its cached snapshot as soon as the console has authenticated, before the
    // view that makes the link live: a replica drawn from the current connection is up to date.
    const connecting = this.link === 'connecting' || this.link === 'reconnecting';
    const veil = !hasReplica || (connecting && this.replicaCurrent) ? null
      : !live ? 'Reconnecting to Tandem… the screen may be out of date.'
      : view?.customerLink === 'reconnecting' ? 'Customer reconnecting… the screen may be out of date.'
      : view?.customerLink === 'gone' ? 'The customer has left the page.'
      : null;
    this.el('veil').hidden = veil === null;
    this.el('veil-text').textContent = veil ?? '';

    const usable = active && hasReplica && live;
    const control = active && session.control;
    const tool: ReplicaTool = !usable ? 'none' : this.tool === 'control' && !control ? 'pointer' : this.tool;
    this.viewer?.setTool(tool);
    const pointer = this.el<HTMLButtonElement>('tool-pointer');
    const highlight = this.el<HTMLButtonElement>('tool-highlight');
    pointer.disabled = !usable;
    highlight.disabled = !usable;
    pointer.setAttribute('aria-pressed', String(tool === 'pointer'));
    highlight.setAttribute('aria-pressed', String(tool === 'highlight'));

    const controlButton = this.el<HTMLButtonElement>('control');
    const waiting = !control && this.controlRequested !== null && this.controlRequested.sessionId === session?.id
      && Date.now() - this.controlRequested.at < CONTROL_WAIT_MS;
    controlButton.disabled = !usable || waiting;
    controlButton.classList.toggle('waiting', waiting);
    controlButton.classList.toggle('granted', control === true);
    if (control) controlButton.setAttribute('aria-pressed', String(tool === 'control'));
    else controlButton.removeAttribute('aria-pressed');
    this.el('control-text').textContent = control ? 'Control on' : waiting ? 'Waiting for customer…' : 'Request control';

    const end = this.el<HTMLButtonElement>('end');
    end.disabled = !active || !live;
    this.el('end-text').textContent = Date.now() < this.endArmedUntil ? 'Confirm end' : 'End session';
  }
}

export function defineTandemConsole(): void {
  if (!customElements.get('tandem-console')) customElements.define('tandem-console', TandemConsole);
}
