// The agent desktop: a dialer's call list, a softphone, and the Tandem console embedded for the
// current call. It talks only to its own backend (/api/*); the backend holds the Tandem
// credentials and calls Tandem. The console is Tandem's <tandem-console> element, loaded from the
// Tandem server and given a short-lived token for this call.
import { groupShortCode } from '@tandem/protocol/wire';

interface Customer { id: string; name: string; phone: string; email: string; reason: string }
interface Delivery { channel: 'push' | 'sms' | 'code'; state: string; detail?: string }
interface LogEntry { seq: number; at: string; direction: 'out' | 'in'; text: string; detail?: string }
interface CallView {
  id: string;
  customer: Customer;
  state: 'dialing' | 'connected' | 'ended';
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  invite: { id: string; state: string; code: string; deliveries: Delivery[]; expiresAt: string } | null;
  cobrowse: 'none' | 'invited' | 'opened' | 'sharing' | 'declined' | 'ended';
  endReason: string | null;
  log: LogEntry[];
}
interface DeskConfig { tandemUrl: string; shopUrl: string; agent: { id: string; name: string }; shopCustomerId: string }
interface AgentToken { token: string; expiresAt: string; consoleUrl: string }
interface CobrowseResult { agentToken: AgentToken; call: CallView }
interface ApiErrorBody { error?: { code: string; detail: string } }

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`desk markup has no #${id}`);
  return el as T;
};

class DeskApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as T & ApiErrorBody;
  if (!res.ok) throw new DeskApiError(json.error?.code ?? 'error', json.error?.detail ?? `${res.status} ${res.statusText}`);
  return json;
}

const initials = (name: string) => name.split(' ').map((p) => p[0]).join('').slice(0, 2);
const firstName = (name: string) => name.split(' ')[0] ?? name;
const prettyPhone = (e164: string) => {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `+1 (${m[1]}) ${m[2]}-${m[3]}` : e164;
};
const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

let config: DeskConfig;
let customers: Customer[] = [];
let call: CallView | null = null;
let consoleToken: { callId: string; token: string; consoleUrl: string } | null = null;
let busy: 'dial' | 'cobrowse' | 'hangup' | null = null;
let message: { text: string; tone: 'good' | 'bad' | 'neutral' } | null = null;
let consoleModule: Promise<void> | null = null;
let pollTimer: ReturnType<typeof setTimeout> | null = null;

function loadConsole(): Promise<void> {
  // Tandem serves the element as an ES module; it defines <tandem-console> when asked to.
  consoleModule ??= (import(/* @vite-ignore */ `${config.tandemUrl}/agent/tandem-console.js`) as Promise<{ defineTandemConsole(): void }>)
    .then((mod) => mod.defineTandemConsole());
  return consoleModule;
}

async function mountConsole(callId: string, token: string, consoleUrl: string): Promise<void> {
  if (consoleToken?.callId === callId && consoleToken.token === token) return;
  consoleToken = { callId, token, consoleUrl };
  await loadConsole();
  const element = document.createElement('tandem-console');
  element.setAttribute('server', config.tandemUrl);
  element.setAttribute('token', token);
  $('console-slot').replaceChildren(element);
  const popout = $<HTMLAnchorElement>('console-popout');
  popout.href = consoleUrl;
  popout.hidden = false;
}

function renderCallList(): void {
  const list = $('call-list');
  $('list-count').textContent = String(customers.length);
  const inCall = call !== null && call.state !== 'ended';
  list.replaceChildren(...customers.map((c) => {
    const active = inCall && call?.customer.id === c.id;
    const button = el('button', { class: 'btn btn-call', type: 'button', 'data-call-customer': c.id }, active ? 'On call' : 'Call');
    (button as HTMLButtonElement).disabled = inCall || busy !== null;
    button.addEventListener('click', () => void dial(c.id));
    const badge = c.id === config.shopCustomerId ? el('span', { class: 'tag', title: 'Has an account on the demo shop' }, 'shop account') : '';
    return el('li', { class: active ? 'active' : '' },
      el('span', { class: 'avatar', 'aria-hidden': 'true' }, initials(c.name)),
      el('div', { class: 'who' }, el('b', {}, c.name, badge), el('span', { class: 'muted' }, prettyPhone(c.phone)), el('span', { class: 'reason' }, c.reason)),
      button);
  }));
}

function deliveryOf(view: CallView): Delivery | undefined {
  return view.invite?.deliveries.find((d) => d.channel !== 'code') ?? view.invite?.deliveries[0];
}

interface GuideStep { step: string; heading: string; text: string; links?: [string, string][] }

/** Why a cobrowse ended, as a sentence (session.ended's reason codes). */
function endReasonText(reason: string, name: string): string {
  const reasons: Record<string, string> = {
    call_ended: 'the call ended',
    customer_stopped: `${name} pressed Stop sharing`,
    agent_ended: 'you ended it from the console',
    api_ended: 'the backend ended it through the API',
    customer_left: `${name} left the shop`,
  };
  return reasons[reason] ?? 'it ended';
}

function guide(): GuideStep {
  const shopLink: [string, string] = ['Open the demo shop', config.shopUrl];
  if (!call) {
    return {
      step: '1', heading: 'Call a customer',
      text: `This is Dana's desktop in a contact centre. Click Call next to a customer. The call is simulated; this page's backend tells Tandem about it ` +
        `(PUT /v1/conversations/{callId}), exactly as a real dialer integration would. Tip: sign in on the shop first as Sam to see the invite pop up on the ` +
          `page, or leave it closed to get an SMS.`,
      links: [shopLink],
    };
  }
  const name = firstName(call.customer.name);
  const phoneUrl = `/phone?to=${encodeURIComponent(call.customer.phone)}`;
  if (call.state === 'dialing') {
    return { step: '1', heading: `Ringing ${name}…`,
      text: `Tandem knows this call as conversation ${call.id}, state "dialing". Cobrowse becomes available once ${name} answers.` };
  }
  if (call.state === 'ended') {
    const hungUp = 'Hanging up set the conversation to "disconnected" and Tandem revoked any open invite.';
    const again = 'Nothing stays shared after the call. To call again, open the Call list tab.';
    // Only a cobrowse still running at the hang-up was ended by it; an earlier end keeps its own reason.
    if (call.endReason === 'call_ended') {
      return {
        step: '5', heading: 'Call ended, cobrowse ended',
        text: `${hungUp} The hang-up ended the cobrowse too (session.ended, reason call_ended): ${name}'s sharing bar is gone. ${again}`,
      };
    }
    return {
      step: '5', heading: 'Call ended',
      text: call.endReason
        ? `${hungUp} The cobrowse had already ended before that: ${endReasonText(call.endReason, name)} (reason ${call.endReason}). ${again}`
        : `${hungUp} ${again}`,
    };
  }
  switch (call.cobrowse) {
    case 'none':
      return {
        step: '2', heading: `${name} answered: click Cobrowse`,
        text: `${name}: "${call.customer.reason}." Click Cobrowse to see their screen: the backend asks Tandem for an invite bound to this call (POST ` +
          `/v1/invites). If ${name} reads you a support code from the website instead, type it under "Customer has a code?" in the console.`,
      };
    case 'invited': {
      const delivery = deliveryOf(call);
      if (delivery?.channel === 'push') {
        return {
          step: '3', heading: 'Prompt shown on their page',
          text: `${name} has the shop open and signed in, so Tandem showed the invite on that page at once (push). Ask them to click "Share this tab" — and ` +
            `check they see the same words as your console.`,
          links: [shopLink],
        };
      }
      if (delivery?.channel === 'sms') {
        return {
          step: '3', heading: `Text sent to ${name}'s phone`,
          text: `${name} is not on the website, so Tandem sent an SMS with a secure link to ${prettyPhone(call.customer.phone)}. Open the phone and tap the ` +
            `link: it opens the shop with the prompt. Or read the code ${groupShortCode(call.invite?.code ?? '')} aloud for "Have a code?".`,
          links: [[`Open ${name}'s phone`, phoneUrl]],
        };
      }
      return { step: '3', heading: 'Invite ready',
        text: `Read the code ${groupShortCode(call.invite?.code ?? '')} to ${name}: they type it under "Have a code?" on the shop.`, links: [shopLink] };
    }
    case 'opened':
      return { step: '3', heading: `${name} sees the prompt`,
        text: `${name} opened the invite and is reading "Share this tab with Dana?". Nothing is shared until they click Share.` };
    case 'declined':
      return { step: '3', heading: `${name} said no`,
        text: 'Nothing was shared. That is their choice; you can click Cobrowse to send another invite if they change their mind.' };
    case 'sharing':
      return {
        step: '4', heading: `${name} is sharing`,
        text: 'Their tab is on the right, live. Card number, CVC and password show as •••• — masked in their browser before anything is sent. '
          + 'The delivery note and the delivery speed are fields the shop opted in (data-tandem-unmask), so you can read them; '
          + 'every other value, like the State select, stays masked by default. '
          + 'Try Pointer, Highlight, or Request control (a second consent). Hang up when done.',
      };
    case 'ended':
      return {
        step: '4', heading: 'Cobrowse over, call continues',
        text: `The cobrowse ended${call.endReason ? `: ${endReasonText(call.endReason, name)}` : ''}. `
          + `You are still on the call: click Cobrowse to invite ${name} again, or hang up.`,
      };
  }
}

function renderGuide(): void {
  const g = guide();
  $('guide-step').textContent = g.step;
  $('guide-heading').textContent = g.heading;
  $('guide-text').textContent = g.text;
  $('guide-links').replaceChildren(...(g.links ?? []).map(([text, href]) => el('a', { href, target: '_blank', rel: 'noopener' }, `${text} ↗`)));
}

// The log only grows: new lines are appended, and it follows the newest line unless the agent
// has scrolled up to read.
let logShown: { callId: string | null; seq: number } = { callId: null, seq: 0 };

function renderLog(): void {
  const log = $('log');
  const entries = call?.log ?? [];
  $('log-count').textContent = String(entries.length);
  if (!entries.length) {
    log.replaceChildren(el('li', { class: 'log-empty' }, 'Nothing yet: start a call.'));
    logShown = { callId: null, seq: 0 };
    return;
  }
  if (logShown.callId !== call?.id) {
    log.replaceChildren();
    logShown = { callId: call?.id ?? null, seq: 0 };
  }
  const fresh = entries.filter((e) => e.seq > logShown.seq);
  if (!fresh.length) return;
  const following = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
  log.append(...fresh.map((e) => el('li', { class: e.direction, ...(e.detail ? { title: e.detail } : {}) },
    el('time', {}, clock(e.at)),
    el('span', { class: 'arrow', 'aria-label': e.direction === 'out' ? 'request to Tandem' : 'from Tandem' }, e.direction === 'out' ? '→' : '←'),
    el('span', { class: 'text' }, e.text, ...(e.detail ? [el('small', {}, e.detail)] : [])))));
  logShown.seq = fresh[fresh.length - 1]!.seq;
  if (following) log.scrollTop = log.scrollHeight;
}

function timerText(): string {
  if (!call?.connectedAt) return '00:00';
  const end = call.endedAt ? Date.parse(call.endedAt) : Date.now();
  const seconds = Math.max(0, Math.floor((end - Date.parse(call.connectedAt)) / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function renderCall(): void {
  $('no-call').hidden = call !== null;
  $('active-call').hidden = call === null;
  const status = $('agent-status');
  status.dataset['state'] = call && call.state !== 'ended' ? 'busy' : 'available';
  status.lastChild!.textContent = call && call.state !== 'ended' ? 'On a call' : 'Available';
  if (!call) return;
  $('call-avatar').textContent = initials(call.customer.name);
  $('call-name').textContent = call.customer.name;
  $('call-phone').textContent = prettyPhone(call.customer.phone);
  $('call-reason').textContent = call.customer.reason;
  const state = $('call-state');
  state.dataset['state'] = call.state;
  state.textContent = call.state === 'dialing' ? 'Dialling…' : call.state === 'connected' ? 'Connected' : 'Call ended';
  $('call-timer').textContent = timerText();
  const cobrowse = $<HTMLButtonElement>('cobrowse');
  const sharing = call.cobrowse === 'sharing';
  cobrowse.disabled = call.state !== 'connected' || busy !== null || sharing;
  $('cobrowse-text').textContent = busy === 'cobrowse' ? 'Inviting…' : sharing ? 'Cobrowsing' : 'Cobrowse';
  cobrowse.classList.toggle('live', sharing);
  const hangup = $<HTMLButtonElement>('hangup');
  hangup.hidden = call.state === 'ended';
  hangup.disabled = busy !== null;
  const msg = $('call-message');
  msg.textContent = message?.text ?? '';
  msg.dataset['tone'] = message?.tone ?? 'neutral';
  cobrowse.hidden = call.state === 'ended';
}

function showTab(tab: 'calls' | 'log'): void {
  for (const name of ['calls', 'log'] as const) {
    $(`tab-${name}`).setAttribute('aria-selected', String(name === tab));
    $(`panel-${name}`).hidden = name !== tab;
  }
  if (tab === 'log') $('log').scrollTop = $('log').scrollHeight;
}

function render(): void {
  renderCall();
  renderCallList();
  renderGuide();
  renderLog();
}

function schedulePoll(): void {
  if (pollTimer !== null) clearTimeout(pollTimer);
  pollTimer = setTimeout(() => void poll(), 700);
}

async function poll(): Promise<void> {
  pollTimer = null;
  if (!call) return;
  try {
    const fresh = await api<CallView>('GET', `/api/calls/${call.id}`);
    if (call && fresh.id === call.id) {
      call = fresh;
      render();
      if (call.state === 'connected' && consoleToken?.callId !== call.id) await openConsole(call.id);
    }
  } catch {
    // The next poll tries again.
  }
  // An ended call is followed a little longer: Tandem's session.ended arrives just after.
  if (call && (call.state !== 'ended' || Date.now() - Date.parse(call.endedAt ?? '') < 20_000)) schedulePoll();
}

/** The console for the call as soon as it connects: the customer may read a code before any invite. */
async function openConsole(callId: string): Promise<void> {
  const token = await api<AgentToken>('POST', `/api/calls/${callId}/console`);
  await mountConsole(callId, token.token, token.consoleUrl);
}

async function dial(customerId: string): Promise<void> {
  busy = 'dial';
  message = null;
  render();
  try {
    call = await api<CallView>('POST', '/api/calls', { customerId });
    // During a call the interesting list is what the backend and Tandem say to each other.
    showTab('log');
    consoleToken = null;
    $('console-slot').replaceChildren($('console-placeholder'));
    $('console-popout').hidden = true;
  } catch (err) {
    message = { text: (err as Error).message, tone: 'bad' };
  } finally {
    busy = null;
    render();
    schedulePoll();
  }
}

async function cobrowse(): Promise<void> {
  if (!call) return;
  busy = 'cobrowse';
  message = null;
  render();
  // One key per click: if this request is retried, Tandem returns the same invite.
  const key = crypto.randomUUID();
  try {
    const result = await api<CobrowseResult>('POST', `/api/calls/${call.id}/cobrowse`, {}, { 'idempotency-key': key });
    call = result.call;
    const delivery = deliveryOf(result.call);
    const name = firstName(call.customer.name);
    message = {
      text: delivery?.channel === 'push' ? `Invite shown on ${name}'s open page.`
        : delivery?.channel === 'sms' ? `Invite texted to ${prettyPhone(call.customer.phone)}.`
        : `Invite ready: read the code ${groupShortCode(call.invite?.code ?? '')}.`,
      tone: delivery?.state === 'failed' ? 'bad' : 'good',
    };
    await mountConsole(call.id, result.agentToken.token, result.agentToken.consoleUrl);
  } catch (err) {
    message = { text: err instanceof DeskApiError && err.code === 'customer_unreachable'
      ? `${call ? firstName(call.customer.name) : 'The customer'} has no open page and no phone number on file: read a code instead.`
      : (err as Error).message, tone: 'bad' };
  } finally {
    busy = null;
    render();
    schedulePoll();
  }
}

async function hangUp(): Promise<void> {
  if (!call) return;
  busy = 'hangup';
  render();
  try {
    call = await api<CallView>('POST', `/api/calls/${call.id}/hangup`);
    message = null;
  } catch (err) {
    message = { text: (err as Error).message, tone: 'bad' };
  } finally {
    busy = null;
    render();
    schedulePoll();
  }
}

async function start(): Promise<void> {
  config = await api<DeskConfig>('GET', '/api/config');
  customers = (await api<{ data: Customer[] }>('GET', '/api/customers')).data;
  call = (await api<{ call: CallView | null }>('GET', '/api/calls/current')).call;
  $('cobrowse').addEventListener('click', () => void cobrowse());
  $('hangup').addEventListener('click', () => void hangUp());
  $('tab-calls').addEventListener('click', () => showTab('calls'));
  $('tab-log').addEventListener('click', () => showTab('log'));
  setInterval(() => {
    if (call?.state === 'connected') $('call-timer').textContent = timerText();
  }, 1000);
  if (call) showTab('log');
  render();
  if (call) schedulePoll();
  if (call?.state === 'connected') await openConsole(call.id);
}

start().catch((err: unknown) => {
  $('guide-heading').textContent = 'The demo backend is not answering';
  $('guide-text').textContent = `${(err as Error).message}. Is npm start still running?`;
});
